//! Input anyone with a pull request can write must not stall or exhaust
//! the runner: special files are refused at once, and a long word costs
//! its length in every format. Each test checks the exit status and what
//! was written, never the time taken (that is the benchmark's job).

use std::path::{Path, PathBuf};
use std::time::Duration;

use assert_cmd::Command;

const TODAY: &str = "2026-11-27";

fn opx(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::cargo_bin("opx")
        .unwrap()
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .args(args)
        .args(["--today", TODAY])
        // A run that blocked on a pipe would never end: fail instead.
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap()
}

fn fifo(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    let made = std::process::Command::new("mkfifo")
        .arg(&path)
        .status()
        .unwrap();
    assert!(made.success());
    path
}

const REGISTER: &str = "[system]\nid = \"s\"\nowner = \"team\"\n\n[[risk]]\nid = \"r\"\ntitle = \"A risk\"\ncategory = \"data\"\nlikelihood = 1\nimpact = 1\nreviewed = 2026-11-01\n";

#[cfg(unix)]
#[test]
fn a_pipe_named_as_a_register_or_a_policy_is_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    fifo(dir.path(), "risks.toml");
    let out = opx(dir.path(), &["check", "risks.toml"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("error[not-a-file]: `risks.toml` is a pipe (FIFO)"),
        "{stderr}"
    );

    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("risks.toml"), REGISTER).unwrap();
    fifo(dir.path(), "policy.toml");
    let out = opx(
        dir.path(),
        &["check", "risks.toml", "--config", "policy.toml"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("error[not-a-file]: `policy.toml`"));
}

#[cfg(unix)]
#[test]
fn a_pipe_inside_a_folder_is_skipped() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("risks.toml"), REGISTER).unwrap();
    fifo(dir.path(), "stray.toml");
    let out = opx(dir.path(), &["check", "."]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A title of one 200,000-character word, in every command and format: a
/// whole report, every table fitted to its width (a title column shortens
/// it), and the word intact where text is kept whole: machine formats, and
/// a document's text, where it takes a line of its own rather than be cut.
#[test]
fn a_long_word_costs_its_length_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let word = "x".repeat(200_000);
    let text = REGISTER.replace("A risk", &word);
    std::fs::write(dir.path().join("risks.toml"), text).unwrap();
    for (args, whole) in [
        (&["rank", "risks.toml"][..], false),
        (&["rank", "risks.toml", "--format", "json"][..], true),
        (&["rank", "risks.toml", "--format", "csv"][..], true),
        (&["rank", "risks.toml", "--format", "markdown"][..], true),
        (&["rank", "risks.toml", "--wide"][..], true),
        (&["show", "r", "risks.toml"][..], true),
        (&["show", "r", "risks.toml", "--format", "json"][..], true),
        (&["plan", "risks.toml", "--format", "table"][..], true),
        (&["plan", "risks.toml", "--format", "markdown"][..], true),
        (&["review", "risks.toml", "--format", "table"][..], true),
        (&["assess", "risks.toml"][..], false),
        (&["check", "risks.toml", "--format", "sarif"][..], false),
    ] {
        let out = opx(dir.path(), args);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(stdout.contains(&word), whole, "{args:?}");
        let terminal = !args.contains(&"--format") || args.contains(&"table");
        if terminal && !args.contains(&"--wide") {
            for line in stdout.lines().filter(|l| !l.contains(&word)) {
                let width = line.chars().count();
                assert!(width <= 100, "{args:?}: a line of {width} columns");
            }
        }
    }
}

#[test]
fn a_file_over_the_cap_is_refused_with_its_size() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("risks.toml"), REGISTER).unwrap();
    let out = opx(dir.path(), &["rank", "risks.toml", "--max-file-size", "64"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!(
            "error[file-too-large]: `risks.toml` is {} bytes, over the 64 bytes opx reads",
            REGISTER.len()
        )),
        "{stderr}"
    );
    let out = opx(dir.path(), &["rank", "risks.toml", "--max-file-size", "1K"]);
    assert_eq!(out.status.code(), Some(0));
}

/// A file of 2,000 wrong-typed items: the terminal shows 50 and counts the
/// rest; JSON carries every one, each located.
#[test]
fn thousands_of_problems_are_all_in_json() {
    let dir = tempfile::tempdir().unwrap();
    let items = vec!["1"; 2000].join(", ");
    std::fs::write(
        dir.path().join("risks.toml"),
        format!("[system]\nid = \"s\"\nescalation = [{items}]\n"),
    )
    .unwrap();
    let out = opx(dir.path(), &["check", "risks.toml", "--format", "json"]);
    assert_eq!(out.status.code(), Some(2));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings = doc["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 2000);
    assert!(findings.iter().all(|f| f["location"]["line"] == 3));
    assert_eq!(doc["summary"]["errors"], 2000);
}
