//! Shell completion: the ids of the register under the current folder, as
//! the shell asks for them (`COMPLETE=bash opx -- opx show …`) and as bash
//! itself completes them through the script `opx completions bash` prints.

use std::path::Path;

use assert_cmd::Command;

/// The candidates opx offers for the last of `words` (the command line
/// being completed, `opx` first), from `dir`.
fn offered(dir: &Path, words: &[&str]) -> Vec<String> {
    let out = Command::cargo_bin("opx")
        .unwrap()
        .current_dir(dir)
        .env("COMPLETE", "bash")
        .env("_CLAP_COMPLETE_INDEX", (words.len() - 1).to_string())
        .env("_CLAP_IFS", "\n")
        .arg("--")
        .args(words)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

fn with_register() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let init = Command::cargo_bin("opx")
        .unwrap()
        .current_dir(dir.path())
        .args(["init", "--today", "2026-11-27"])
        .output()
        .unwrap();
    assert!(init.status.success());
    dir
}

#[test]
fn risk_ids_complete_from_the_register_here() {
    let dir = with_register();
    let ids = offered(dir.path(), &["opx", "show", ""]);
    for id in [
        "traffic-spike",
        "stale-prices",
        "checkout/traffic-spike",
        "checkout/stale-prices",
    ] {
        assert!(ids.contains(&id.to_string()), "{id} in {ids:?}");
    }
    assert_eq!(
        offered(dir.path(), &["opx", "show", "tr"]),
        ["traffic-spike"]
    );
    assert_eq!(
        offered(
            dir.path(),
            &["opx", "review", "--mark", "traffic-spike", "checkout/s"]
        ),
        ["checkout/stale-prices"]
    );
    assert_eq!(
        offered(dir.path(), &["opx", "rank", "--system", ""]),
        ["checkout"]
    );
    assert_eq!(
        offered(dir.path(), &["opx", "matrix", "--system", "ch"]),
        ["checkout"]
    );
}

#[test]
fn a_register_in_a_subfolder_completes_too_and_paths_still_complete_files() {
    let dir = with_register();
    let risks = dir.path().join("risks");
    std::fs::create_dir(&risks).unwrap();
    std::fs::rename(dir.path().join("risks.toml"), risks.join("risks.toml")).unwrap();
    assert_eq!(
        offered(dir.path(), &["opx", "show", "stale"]),
        ["stale-prices"]
    );
    assert_eq!(offered(dir.path(), &["opx", "rank", "ri"]), ["risks/"]);
}

#[test]
fn without_a_register_ids_fall_back_to_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "").unwrap();
    assert_eq!(offered(dir.path(), &["opx", "show", "no"]), ["notes.txt"]);
}

#[test]
fn a_broken_or_hostile_register_offers_nothing_of_its_own() {
    let dir = with_register();
    // Ids the validator refuses never reach the shell, whose script reads
    // candidates unquoted; a file that is not TOML stops nothing.
    std::fs::write(
        dir.path().join("evil.toml"),
        "[system]\nid = \"$(touch pwned)\"\n\n[[risk]]\nid = \"`touch pwned`\"\ntitle = \"x\"\ncategory = \"technical\"\nlikelihood = 1\nimpact = 1\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("broken.toml"), "[[risk]\nid = ").unwrap();
    let ids = offered(dir.path(), &["opx", "show", ""]);
    assert!(ids.contains(&"traffic-spike".to_string()), "{ids:?}");
    assert!(
        ids.iter().all(|id| !id.contains(['$', '`', '(', ' '])),
        "{ids:?}"
    );
}

#[test]
fn bash_completes_risk_ids_through_the_registration_script() {
    let dir = with_register();
    let bin = assert_cmd::cargo::cargo_bin("opx");
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let script = dir.path().join("opx.bash");
    let registration = Command::cargo_bin("opx")
        .unwrap()
        .args(["completions", "bash"])
        .output()
        .unwrap();
    std::fs::write(&script, registration.stdout).unwrap();
    // What bash does at a Tab after `opx show traf`: call the function
    // `complete -F` names with the words so far.
    let out = std::process::Command::new("bash")
        .current_dir(dir.path())
        .env("PATH", path)
        .args([
            "-c",
            "source \"$1\"; COMP_WORDS=(opx show traf); COMP_CWORD=2; COMP_TYPE=9; \
             $(complete -p opx | sed -E 's/.* -F ([^ ]+) .*/\\1/') opx traf show; \
             printf '%s\\n' \"${COMPREPLY[@]}\"",
            "bash",
        ])
        .arg(&script)
        .output()
        .expect("bash runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), "traffic-spike\n");
    assert!(!dir.path().join("pwned").exists());
}
