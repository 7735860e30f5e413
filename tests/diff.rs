//! `opx diff --git`: the working tree against a git revision, in a real
//! repository made for the test.

mod common;

use assert_cmd::Command;
use common::{git, opx};

fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let risks = dir.path().join("risks");
    std::fs::create_dir_all(risks.join(".drafts")).unwrap();
    std::fs::copy(
        "tests/fixtures/diff/old/checkout.toml",
        risks.join("checkout.toml"),
    )
    .unwrap();
    std::fs::write(risks.join(".drafts/wip.toml"), "not a register = = =").unwrap();
    std::fs::write(
        dir.path().join("README.md"),
        "a repository with a register\n",
    )
    .unwrap();
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-q", "-m", "register"]);
    std::fs::copy(
        "tests/fixtures/diff/new/checkout.toml",
        risks.join("checkout.toml"),
    )
    .unwrap();
    dir
}

#[test]
fn compares_the_working_tree_with_a_revision() {
    let dir = repository();
    let (code, stdout, stderr) = opx(dir.path(), &["diff", "--git", "HEAD", "risks"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.starts_with(
            "1 risk worse, 1 added (1 new critical), 1 better, 1 changed, 1 removed, 1 new incident\n"
        ),
        "{stdout}"
    );
    let (code, _, _) = opx(
        dir.path(),
        &[
            "diff",
            "--git",
            "HEAD",
            "risks",
            "--fail-on",
            "new-critical",
        ],
    );
    assert_eq!(code, 1);
    // With no path, the whole working tree; the hidden draft is skipped either way.
    let (code, stdout, stderr) = opx(dir.path(), &["diff", "--git", "HEAD"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("checkout/region-outage"));
}

#[test]
fn a_missing_revision_is_a_clear_error() {
    let dir = repository();
    let (code, _, stderr) = opx(dir.path(), &["diff", "--git", "no-such-branch", "risks"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("no revision `no-such-branch` in this repository"),
        "{stderr}"
    );
}

#[test]
fn outside_a_repository_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy("examples/checkout.toml", dir.path().join("checkout.toml")).unwrap();
    let (code, _, stderr) = opx(dir.path(), &["diff", "--git", "HEAD", "."]);
    assert_eq!(code, 2);
    assert!(stderr.contains("not a git repository"), "{stderr}");
}

#[test]
fn without_git_it_says_so() {
    let dir = repository();
    let out = Command::cargo_bin("opx")
        .unwrap()
        .current_dir(dir.path())
        .env("PATH", "")
        .args(["diff", "--git", "HEAD", "risks", "--today", "2026-11-27"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("cannot run git"), "{stderr}");
}

#[test]
fn output_never_overwrites_a_file_of_either_version() {
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("old.toml");
    let new = dir.path().join("new.toml");
    std::fs::copy("tests/fixtures/diff/old/checkout.toml", &old).unwrap();
    std::fs::copy("tests/fixtures/diff/new/checkout.toml", &new).unwrap();
    let before = std::fs::read(&old).unwrap();
    let (code, _, stderr) = opx(
        dir.path(),
        &["diff", "old.toml", "new.toml", "--output", "old.toml"],
    );
    assert_eq!(code, 2);
    assert!(stderr.contains("it is a file of the register"), "{stderr}");
    assert_eq!(std::fs::read(&old).unwrap(), before);
}

#[test]
fn sees_systemic_factors_against_a_revision() {
    let dir = tempfile::tempdir().unwrap();
    let register = dir.path().join("checkout.toml");
    std::fs::copy("tests/fixtures/factors.toml", &register).unwrap();
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-q", "-m", "register"]);
    std::fs::copy("tests/fixtures/diff-factors/raised.toml", &register).unwrap();
    let args = ["diff", "--git", "HEAD"];
    let (code, stdout, stderr) = opx(dir.path(), &args);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.starts_with("1 factor worse\n"), "{stdout}");
    assert!(
        stdout.contains("bad minutes a year 315.00 → 420.00"),
        "{stdout}"
    );
    let (code, _, _) = opx(dir.path(), &[&args[..], &["--fail-on", "worse"]].concat());
    assert_eq!(code, 1);
}

/// A register moved under a new, looser `opx.toml` is judged against the
/// policy it left: the nearest one above, as the revision had it.
#[test]
fn a_register_moved_under_a_looser_policy_is_seen() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("risks/db")).unwrap();
    std::fs::write(root.join("risks/opx.toml"), "mitigation = \"exercised\"\n").unwrap();
    std::fs::copy(
        "tests/fixtures/diff/old/checkout.toml",
        root.join("risks/checkout.toml"),
    )
    .unwrap();
    git(root, &["init", "-q"]);
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "register"]);
    git(
        root,
        &["mv", "risks/checkout.toml", "risks/db/checkout.toml"],
    );
    std::fs::write(root.join("risks/db/opx.toml"), "mitigation = \"done\"\n").unwrap();
    let (code, stdout, stderr) = opx(
        root,
        &["diff", "--git", "HEAD", "risks", "--fail-on", "new-waiver"],
    );
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(stdout.contains("The policy loosened"), "{stdout}");
    assert!(
        stdout.contains("mitigation \"exercised\" → \"done\""),
        "{stdout}"
    );
}
