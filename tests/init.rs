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
    let pages = [
        "rank",
        "show",
        "matrix",
        "trend",
        "report",
        "check",
        "assess",
        "plan",
        "review",
        "measure",
        "diff",
        "schema",
        "init",
        "completions",
    ];
    for command in std::iter::once(None).chain(pages.map(Some)) {
        let rendered = man(dir.path(), command);
        let name = command.map_or("opx".to_string(), |c| format!("opx-{c}"));
        assert!(rendered.contains(&format!("{name}(1)")), "{name}");
        for section in ["NAME", "SYNOPSIS", "EXIT STATUS", "EXAMPLES", "SEE ALSO"] {
            assert!(
                rendered.contains(&format!("\n{section}\n")),
                "{name}: {section}"
            );
        }
        // An installed opx has no source tree to point into.
        assert!(!rendered.contains("examples/"), "{name}");
    }
    let opx_page = man(dir.path(), None);
    for section in ["REGISTER FORMAT", "FILES", "ENVIRONMENT"] {
        assert!(opx_page.contains(&format!("\n{section}\n")), "{section}");
    }
}

/// A manual page as `man` shows it, plain.
fn man(dir: &Path, command: Option<&str>) -> String {
    let out = opx(dir, &["man"].into_iter().chain(command).collect::<Vec<_>>());
    assert_eq!(out.status.code(), Some(0));
    let page = dir.join("page.1");
    std::fs::write(&page, &out.stdout).unwrap();
    // groff comes with man (Debian's groff-base); .ci/run installs it.
    let rendered = std::process::Command::new("groff")
        // -k runs preconv first, as man does, for the UTF-8 in the text;
        // -P-cbou leaves out the overstrikes of bold and underline.
        .args(["-k", "-man", "-Tutf8", "-ww", "-P-cbou"])
        .arg(&page)
        .output()
        .expect("groff runs");
    assert!(rendered.status.success());
    assert!(rendered.stderr.is_empty(), "{}", text(&rendered.stderr));
    text(&rendered.stdout)
}

/// The lines of a rendered page's section, without their indent.
fn section(page: &str, name: &str) -> Vec<String> {
    page.lines()
        .skip_while(|line| *line != name)
        .skip(1)
        .take_while(|line| line.is_empty() || line.starts_with(' '))
        .map(|line| line.trim().to_string())
        .collect()
}

#[test]
fn the_manual_s_examples_work_after_opx_init() {
    let dir = tempfile::tempdir().unwrap();
    let page = man(dir.path(), None);
    let examples: Vec<String> = section(&page, "EXAMPLES")
        .into_iter()
        .filter(|line| !line.is_empty())
        .collect();
    assert_eq!(
        examples[0].split_whitespace().take(2).collect::<Vec<_>>(),
        ["opx", "init"]
    );
    for example in &examples {
        let words: Vec<&str> = example
            .split_whitespace()
            .skip(1)
            .take_while(|word| !word.starts_with('('))
            .collect();
        let out = opx(dir.path(), &words);
        // 1 is a failing gate, which a starter register may well be on
        // another day; 2 would be an example that does not work.
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{example}: {}",
            text(&out.stderr)
        );
    }
}

#[test]
fn the_manual_s_register_format_is_a_register() {
    let dir = tempfile::tempdir().unwrap();
    let page = man(dir.path(), None);
    let format = section(&page, "REGISTER FORMAT");
    let register: Vec<&str> = format
        .iter()
        .map(String::as_str)
        .skip_while(|line| !line.starts_with("[system]"))
        .take_while(|line| !line.starts_with("Severity"))
        .collect();
    assert!(register.len() > 10, "{register:?}");
    std::fs::write(dir.path().join("risks.toml"), register.join("\n")).unwrap();
    let out = opx(dir.path(), &["check", "--today", TODAY]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
}
