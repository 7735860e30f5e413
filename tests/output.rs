//! How opx behaves as a citizen of the terminal: colour, help, version,
//! a closed pipe, and never touching the register it reads. Every run
//! here checks its exit code as well as its output.

use assert_cmd::Command;

fn opx() -> Command {
    let mut cmd = Command::cargo_bin("opx").unwrap();
    cmd.env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("CLICOLOR");
    cmd
}

const CHECKOUT: &str = "examples/checkout.toml";

#[test]
fn colour_is_off_when_piped() {
    let out = opx()
        .args(["rank", CHECKOUT, "--today", "2026-11-27"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(!String::from_utf8_lossy(&out.stdout).contains('\x1b'));
}

#[test]
fn color_always_colours_bands_and_findings() {
    let out = opx()
        .args([
            "rank",
            CHECKOUT,
            "--today",
            "2026-11-27",
            "--color",
            "always",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("\x1b["));
    let out = opx()
        .args([
            "check",
            CHECKOUT,
            "--today",
            "2026-11-27",
            "--color",
            "always",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("\x1b["));
}

#[test]
fn color_never_wins_over_clicolor_force() {
    let out = opx()
        .env("CLICOLOR_FORCE", "1")
        .args([
            "rank",
            CHECKOUT,
            "--today",
            "2026-11-27",
            "--color",
            "never",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(!String::from_utf8_lossy(&out.stdout).contains('\x1b'));
}

#[test]
fn no_color_turns_colour_off_even_when_forced() {
    let out = opx()
        .env("NO_COLOR", "1")
        .env("CLICOLOR_FORCE", "1")
        .args(["check", CHECKOUT, "--today", "2026-11-27"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "the example fails the gate");
    assert!(!String::from_utf8_lossy(&out.stdout).contains('\x1b'));
}

#[test]
fn help_shows_examples_and_exit_codes() {
    for args in [
        vec!["--help"],
        vec!["rank", "--help"],
        vec!["check", "--help"],
        vec!["help", "check"],
    ] {
        let out = opx().args(&args).output().unwrap();
        assert!(out.status.success(), "{args:?}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("Examples:"), "{args:?}:\n{text}");
        assert!(text.contains("Exit codes"), "{args:?}:\n{text}");
    }
}

#[test]
fn version_is_the_crate_version() {
    let out = opx().arg("--version").output().unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("opx {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn a_register_is_never_written() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("risks.toml");
    std::fs::copy(CHECKOUT, &path).unwrap();
    let before = std::fs::read(&path).unwrap();
    let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
    for (command, code) in [("rank", 0), ("check", 1)] {
        let out = opx()
            .args([command, path.to_str().unwrap(), "--today", "2026-11-27"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(code), "{command}");
    }
    assert_eq!(std::fs::read(&path).unwrap(), before);
    assert_eq!(
        std::fs::metadata(&path).unwrap().modified().unwrap(),
        modified
    );
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no file was added beside the register"
    );
}

#[test]
fn every_example_loads_cleanly() {
    for entry in std::fs::read_dir("examples").unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            let out = opx()
                .args(["rank", path.to_str().unwrap()])
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{}: {}",
                path.display(),
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
}

#[test]
fn a_closed_pipe_ends_quietly_with_success() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    // A ranking far longer than a pipe holds, so opx is still writing when
    // the reader goes away, as with `opx rank | head -1`.
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("[system]\nid = \"s\"\nowner = \"o\"\n");
    for i in 0..3000 {
        text.push_str(&format!(
            "\n[[risk]]\nid = \"r{i}\"\ntitle = \"Risk number {i} of many\"\ncategory = \"technical\"\nlikelihood = {}\nimpact = 3\n",
            i % 5 + 1
        ));
    }
    std::fs::write(dir.path().join("risks.toml"), text).unwrap();
    for format in ["table", "json", "csv"] {
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("opx"))
            .args([
                "rank",
                "risks.toml",
                "--today",
                "2026-11-27",
                "--format",
                format,
            ])
            .current_dir(dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        assert!(!first.is_empty());
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{format}");
        assert!(
            out.stderr.is_empty(),
            "{format}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
