//! A reader that stops early (`opx check … | head -1`) must not change
//! the verdict: opx stops writing and exits with the status the run
//! decided, quietly, so `set -o pipefail` still fails a failing gate.

#![cfg(unix)]

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const TODAY: &str = "2026-11-27";

/// A register of 100 files of 20 risks each; every risk fails the gate
/// when `failing`, none does otherwise.
fn register(dir: &Path, failing: bool) {
    for f in 0..100 {
        let mut text = format!("[system]\nid = \"s{f}\"\nowner = \"team\"\n");
        for i in 0..20 {
            let impact = if failing { 5 } else { 1 };
            text.push_str(&format!(
                "\n[[risk]]\nid = \"risk-{i}\"\ntitle = \"A risk of the register, number {i}\"\ncategory = \"data\"\nlikelihood = 5\nimpact = {impact}\nreviewed = 2026-11-01\n"
            ));
        }
        std::fs::write(dir.join(format!("f{f:03}.toml")), text).unwrap();
    }
}

/// Runs opx in `dir`, reads one line of its output, closes the pipe, and
/// returns its exit code, what its whole output would have been in bytes,
/// and its standard error.
fn head_1(dir: &Path, args: &[&str]) -> (Option<i32>, usize, String) {
    let command = || {
        let mut command = Command::new(env!("CARGO_BIN_EXE_opx"));
        command
            .current_dir(dir)
            .env("NO_COLOR", "1")
            .env_remove("GITHUB_STEP_SUMMARY")
            .args(args)
            .args(["--today", TODAY]);
        command
    };
    let whole = command()
        .stderr(Stdio::null())
        .output()
        .unwrap()
        .stdout
        .len();

    let mut child = command()
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let errors = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    assert!(!line.is_empty(), "a first line");
    drop(stdout);
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("opx {args:?} did not end after its reader left");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    (status.code(), whole, errors.join().unwrap())
}

#[test]
fn a_failing_gate_exits_1_in_every_format_when_the_reader_stops_early() {
    let dir = tempfile::tempdir().unwrap();
    register(dir.path(), true);
    for format in [
        "human", "short", "json", "sarif", "junit", "github", "markdown",
    ] {
        let (code, whole, stderr) = head_1(dir.path(), &["check", ".", "--format", format]);
        // Larger than the pipe's buffer and opx's own together, so the
        // pipe is closed while opx still writes.
        assert!(whole > 512 * 1024, "{format}: only {whole} bytes");
        assert_eq!(code, Some(1), "{format}: {stderr}");
        assert_eq!(stderr, "", "{format}: quietly");
    }
}

#[test]
fn a_passing_rank_exits_0_and_bad_input_2_when_the_reader_stops_early() {
    let dir = tempfile::tempdir().unwrap();
    register(dir.path(), false);
    let (code, whole, stderr) = head_1(dir.path(), &["rank", ".", "--format", "json"]);
    assert!(whole > 512 * 1024, "only {whole} bytes");
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(stderr, "");

    // Bad input: the machine formats carry the errors on standard output.
    std::fs::write(dir.path().join("zz.toml"), "[system\n").unwrap();
    let (code, _, _) = head_1(dir.path(), &["check", ".", "--format", "sarif"]);
    assert_eq!(code, Some(2));
}
