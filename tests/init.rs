//! `opx init`, shell completions and the manual page, as a new user meets
//! them: every command run here is checked for its exit code.

use std::path::Path;
use std::process::Output;

use assert_cmd::Command;

const TODAY: &str = "2026-11-27";

fn opx(dir: &Path, args: &[&str]) -> Output {
    Command::cargo_bin("opx")
        .unwrap()
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn init_writes_a_register_the_gate_passes() {
    let dir = tempfile::tempdir().unwrap();
    let out = opx(dir.path(), &["init", "risks", "--today", TODAY]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "wrote risks/risks.toml\nwrote risks/opx.toml\nnext: edit them, then `opx rank risks` and `opx check risks`\n"
    );
    let check = opx(dir.path(), &["check", "risks", "--today", TODAY]);
    assert_eq!(check.status.code(), Some(0), "{}", text(&check.stdout));
    assert!(
        text(&check.stdout).contains("0 errors, 0 warnings"),
        "{}",
        text(&check.stdout)
    );
    // A throughput is shown as it is written.
    let assess = opx(dir.path(), &["assess", "risks", "--today", TODAY]);
    assert_eq!(assess.status.code(), Some(0));
    assert!(
        text(&assess.stdout).contains("400/min"),
        "{}",
        text(&assess.stdout)
    );
    let rank = opx(dir.path(), &["rank", "risks", "--today", TODAY]);
    assert_eq!(rank.status.code(), Some(0));
}

#[test]
fn init_never_writes_over_a_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("opx.toml"), "fail_impact = 3\n").unwrap();
    let out = opx(dir.path(), &["init"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("`opx.toml` exists; opx init wrote nothing"),
        "{}",
        text(&out.stderr)
    );
    assert!(!dir.path().join("risks.toml").exists());
    assert_eq!(
        std::fs::read_to_string(dir.path().join("opx.toml")).unwrap(),
        "fail_impact = 3\n"
    );
}

#[test]
fn completions_load_in_bash_and_exist_for_every_shell() {
    let dir = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = opx(dir.path(), &["completions", shell]);
        assert_eq!(out.status.code(), Some(0), "{shell}");
        // The script asks opx itself at each Tab (tests/completion.rs).
        assert!(text(&out.stdout).contains("COMPLETE"), "{shell}");
    }
    let script = dir.path().join("opx.bash");
    std::fs::write(&script, opx(dir.path(), &["completions", "bash"]).stdout).unwrap();
    let loaded = std::process::Command::new("bash")
        .args(["-c", "source \"$1\" && complete -p opx", "bash"])
        .arg(&script)
        .output()
        .expect("bash runs");
    assert!(loaded.status.success(), "{}", text(&loaded.stderr));
    assert!(loaded.stderr.is_empty(), "{}", text(&loaded.stderr));
    assert!(
        text(&loaded.stdout).contains("_opx"),
        "{}",
        text(&loaded.stdout)
    );
}

#[test]
fn the_manual_pages_render_without_warnings() {
    let dir = tempfile::tempdir().unwrap();
    for (args, expected) in [
        (&["man"][..], "risk register"),
        (&["man", "check"][..], "opx-check"),
        (&["man", "rank"][..], "opx-rank"),
    ] {
        let out = opx(dir.path(), args);
        assert_eq!(out.status.code(), Some(0));
        let page = dir.path().join("page.1");
        std::fs::write(&page, &out.stdout).unwrap();
        // groff comes with man (Debian's groff-base); .ci/run installs it.
        let rendered = std::process::Command::new("groff")
            // -k runs preconv first, as man does, for the UTF-8 in the text.
            .args(["-k", "-man", "-Tutf8", "-ww"])
            .arg(&page)
            .output()
            .expect("groff runs");
        assert!(rendered.status.success());
        assert!(rendered.stderr.is_empty(), "{}", text(&rendered.stderr));
        assert!(text(&rendered.stdout).contains(expected), "{args:?}");
    }
}
