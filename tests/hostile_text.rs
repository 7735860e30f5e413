//! Register text, file names and commit messages are written by whoever
//! opens a pull request. Every command in every format runs here over a
//! register whose every string acts rather than shows (terminal controls,
//! C1 controls, bidi overrides, zero-width characters, line breaks into
//! `::error` workflow commands, `##[`, `@team` and `#123`), and what opx
//! writes is scanned: no raw hidden character, no line a CI runner reads
//! as a command but opx's own annotations, no live mention in Markdown.
//! Machine formats keep the text exact: JSON read back gives it whole.

mod common;

use std::path::Path;

use assert_cmd::Command;
use common::git_on;
use opx::visible::{Written, breach};

/// The body of a TOML string: `\u001b` is a TOML escape, so the register
/// holds the control; C1, bidi and zero-width characters stand raw in the
/// file, as TOML allows, so quoted source lines hold them too.
const H: &str = "::warning::a \\u001b]0;PWNED\\u0007\\u001b[2J\\u001b[31mred\\r\\n::error title=Injected::b ##[error]c \u{9b}2J \u{85}d \u{202e}evil\u{2066} z\u{200b}w\u{feff} \\u007f @team #123 100%0A e\\u0001\\tf\\n  ::add-mask::g";

/// Words enough that a table or a paragraph wraps, and a command after them.
const WRAPPED: &str =
    "one two three four five six seven eight nine ten eleven twelve ::warning::wrapped ##[group]x";

/// The same text, decoded, as JSON must give it back.
fn decoded() -> String {
    H.replace("\\u001b", "\u{1b}")
        .replace("\\u0007", "\u{7}")
        .replace("\\u007f", "\u{7f}")
        .replace("\\u0001", "\u{1}")
        .replace("\\r", "\r")
        .replace("\\n", "\n")
        .replace("\\t", "\t")
}

fn register(likelihood: &str) -> String {
    format!(
        r#"# a comment with {H}
[system]
id = "s"
name = "{H}"
owner = "{H}"
oncall = "{H}"
escalation = ["{H}", "lead {H}"]
scope = ["{H}"]
out_of_scope = ["{H}"]
dependencies = ["{H}"]

[system.slo]
availability = "99.9%"
rpo = "5m"

[system.baseline]
availability = "99.5%"

[[system.factor]]
id = "f"
title = "{H}"
time_to_detect = "+10m"

[[system.factor.action]]
kind = "respond"
what = "{H}"
owner = "{H}"
due = 2026-12-15

[[risk]]
id = "r"
title = "{H}"
category = "technical"
likelihood = "{likelihood}"
impact = "severe"
time_to_detect = "10m"
time_to_recover = "1h"
frequency = "4/year"
users_affected = "50%"
data_loss = "1h"
owner = "{H}"
reviewed = 2026-01-01

[[risk.action]]
id = "drill"
kind = "respond"
what = "{H}"
owner = "{H}"
status = "failed"
failed_on = 2026-11-10
reason = "{H}"

[[risk.action]]
kind = "respond"
what = "{H}"
owner = "{H}"
status = "planned"
due = 2026-11-01
runbook = "{H}"
time_to_recover = "5m"

[[risk.action]]
kind = "detect"
what = "{WRAPPED} {H}"
status = "done"
signal = "{H}"
exercised = 2026-06-01
exercise_every = "90d"

[[risk.action]]
kind = "prevent"
what = "{H}"
owner = "{H}"
status = "done"

[[risk]]
id = "q"
title = "{WRAPPED} {H}"
category = "people"
likelihood = "possible"
impact = "major"
owner = "{H}"
reviewed = 2026-11-01

[[risk.action]]
kind = "prevent"
what = "{H}"
status = "in-progress"
due = 2026-11-30

[risk.accepted]
by = "{H}"
reason = "{H}"
until = 2026-12-10

[[risk.waive]]
rule = "no-detection"
reason = "{H}"
by = "{H}"
until = 2027-02-28

[[incident]]
id = "inc-1"
date = 2026-11-20
risks = ["r"]
detected_after = "30m"
recovered_after = "2h"
summary = "{WRAPPED} {H}"
postmortem = "{H}"
data_lost = "2h"
failed_actions = ["r/drill"]
"#
    )
}

/// A name no file should have, where the file system allows it: a line
/// break into a workflow command, a C1 control and a bidi override.
const FILE_NAME: &str = "x\n::error title=PWNED::y\u{9b}\u{202e}lmth.toml";

fn opx(dir: &Path, args: &[&str]) -> (i32, Vec<u8>, Vec<u8>) {
    let out = Command::cargo_bin("opx")
        .unwrap()
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("COLUMNS", "60")
        .env_remove("GITHUB_STEP_SUMMARY")
        .args(args)
        .args(["--today", "2026-11-27"])
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    (out.status.code().unwrap_or(-1), out.stdout, out.stderr)
}

/// Fails with where and what, when `bytes` breaks the output filter's
/// promise ([`opx::visible::breach`]).
fn scan(what: &str, bytes: &[u8], github: bool, markdown: bool) {
    let text = std::str::from_utf8(bytes).unwrap_or_else(|e| panic!("{what}: not UTF-8: {e}"));
    let written = match (github, markdown) {
        (true, _) => Written::Github,
        (_, true) => Written::Markdown,
        _ => Written::Plain,
    };
    // Run with NO_COLOR: any escape sequence at all is a leak.
    if let Some(breach) = breach(text, written, false) {
        panic!("{what}: {breach}");
    }
}

/// A folder holding the register, an older version of it for `diff`, and
/// a git history for `trend`, whose commit message is hostile too.
fn folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path();
    std::fs::create_dir(path.join("risks")).unwrap();
    std::fs::write(path.join("risks/r.toml"), register("unlikely")).unwrap();
    std::fs::write(path.join("old.toml"), register("rare")).unwrap();
    git_on(path, "2026-01-10", &["init", "-q"]);
    git_on(path, "2026-01-10", &["add", "risks"]);
    let message = format!("{}\n\nbody {}", decoded(), decoded());
    git_on(path, "2026-01-10", &["commit", "-q", "-m", &message]);
    std::fs::write(path.join("risks/r.toml"), register("likely")).unwrap();
    git_on(path, "2026-02-10", &["commit", "-q", "-am", &decoded()]);
    dir
}

#[test]
fn no_command_or_format_writes_hostile_text_raw() {
    let dir = folder();
    let path = dir.path();
    let mut runs: Vec<Vec<&str>> = Vec::new();
    for format in ["table", "json", "markdown", "csv"] {
        runs.push(vec!["rank", "risks", "--format", format]);
    }
    runs.push(vec!["rank", "risks", "--wide", "--simulate"]);
    for format in [
        "human", "short", "github", "markdown", "json", "sarif", "junit",
    ] {
        runs.push(vec!["check", "risks", "--format", format]);
    }
    runs.push(vec!["check", "risks", "--quiet"]);
    for format in ["table", "json", "markdown"] {
        runs.push(vec!["show", "r", "risks", "--format", format]);
        runs.push(vec!["show", "q", "risks", "--format", format]);
        runs.push(vec!["show", "f", "risks", "--format", format]);
        runs.push(vec!["assess", "risks", "--format", format]);
        runs.push(vec!["plan", "risks", "--format", format]);
        runs.push(vec!["review", "risks", "--format", format]);
        runs.push(vec!["diff", "old.toml", "risks/r.toml", "--format", format]);
        runs.push(vec!["diff", "--git", "HEAD~1", "risks", "--format", format]);
        runs.push(vec!["matrix", "risks", "--ids", "--format", format]);
        runs.push(vec!["trend", "risks", "--format", format]);
    }
    runs.push(vec!["trend", "risks", "--format", "csv"]);
    runs.push(vec!["report", "risks"]);
    let expected = decoded();
    for args in &runs {
        let what = args.join(" ");
        let (code, stdout, stderr) = opx(path, args);
        assert!(
            code == 0 || code == 1,
            "{what}: exit {code}: {}",
            String::from_utf8_lossy(&stderr)
        );
        assert!(!stdout.is_empty(), "{what}: nothing written");
        let github = args.contains(&"github");
        let markdown = args.contains(&"markdown");
        scan(&what, &stdout, github, markdown);
        scan(&format!("{what} (stderr)"), &stderr, false, false);
        // JSON keeps the text exact: its escapes decode to it whole.
        if args.contains(&"json") || args.contains(&"sarif") {
            let doc: serde_json::Value = serde_json::from_slice(&stdout).unwrap();
            let mut found = false;
            let mut strings = vec![&doc];
            while let Some(v) = strings.pop() {
                match v {
                    serde_json::Value::String(s) => found |= s.contains(&expected),
                    serde_json::Value::Array(a) => strings.extend(a),
                    serde_json::Value::Object(o) => strings.extend(o.values()),
                    _ => {}
                }
            }
            let names_text = !args.contains(&"matrix") && !args.contains(&"trend");
            assert!(found || !names_text, "{what}: the text is not kept exact");
        }
    }
}

/// Input errors quote the lines they are about, and name the file: a file
/// named to inject a command, holding hostile text the checks refuse.
#[cfg(unix)]
#[test]
fn diagnostics_quote_and_name_hostile_input_inertly() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path();
    std::fs::create_dir(path.join("named")).unwrap();
    let text = format!(
        "[system]\nid = \"{H}\"\nowner = \"t\"\n\n[[risk]]\nid = \"r\"\ntitle = \"t\"\ncategory = \"{H}\"\nlikelihood = 1\nimpact = 1\nreviewed = 2026-11-01\nnope = \"{H}\"\n"
    );
    if std::fs::write(path.join("named").join(FILE_NAME), &text).is_err() {
        return; // a file system that refuses the name has nothing to show
    }
    for format in [
        "human", "short", "github", "markdown", "json", "sarif", "junit",
    ] {
        let args = ["check", "named", "--format", format];
        let (code, stdout, stderr) = opx(path, &args);
        let what = args.join(" ");
        assert_eq!(code, 2, "{what}: {}", String::from_utf8_lossy(&stderr));
        scan(&what, &stdout, format == "github", format == "markdown");
        scan(&format!("{what} (stderr)"), &stderr, false, false);
    }
    let (code, stdout, stderr) = opx(path, &["rank", "named"]);
    assert_eq!(code, 2);
    scan("rank named", &stdout, false, false);
    scan("rank named (stderr)", &stderr, false, false);
    let stderr = String::from_utf8(stderr).unwrap();
    assert!(
        stderr.contains("x⏎::error title=PWNED::y\\u{9b}\\u{202e}lmth.toml"),
        "{stderr}"
    );
}
