//! What the tests that build a git repository share: git run as a test
//! author, and opx run in the repository on a fixed day.

// Each test file uses what it needs of this module.
#![allow(dead_code)]

use std::path::Path;
use std::process::Command as Process;

use assert_cmd::Command;

/// Runs git in `dir`, as a fixed author, and fails the test if it fails.
pub fn git(dir: &Path, args: &[&str]) {
    run_git(dir, None, args);
}

/// [`git`], with author and committer dated noon UTC on `day`.
pub fn git_on(dir: &Path, day: &str, args: &[&str]) {
    run_git(dir, Some(day), args);
}

fn run_git(dir: &Path, day: Option<&str>, args: &[&str]) {
    let mut git = Process::new("git");
    git.current_dir(dir).args([
        "-c",
        "user.name=opx",
        "-c",
        "user.email=opx@example.invalid",
    ]);
    if let Some(day) = day {
        let when = format!("{day}T12:00:00+00:00");
        git.env("GIT_AUTHOR_DATE", &when)
            .env("GIT_COMMITTER_DATE", &when);
    }
    let out = git.args(args).output().expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// opx in `dir` on 2026-11-27, without colour: its exit code, standard
/// output and standard error.
pub fn opx(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("opx")
        .unwrap()
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(args)
        .args(["--today", "2026-11-27"])
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
