//! git runs with nothing from the repository's config that runs a
//! program: a signed commit with `log.showSignature` and a `gpg.program`
//! of the repository's choosing (or an fsmonitor hook) runs nothing under
//! `opx trend`, `report` or `diff --git`. A shallow clone says so in the
//! trend; a repository git will not read is a warning, not silence.

#![cfg(unix)]

mod common;

use std::path::Path;
use std::process::Command as Process;

use common::git_on as git;

const REGISTER: &str = "[system]\nid = \"s\"\nowner = \"team\"\n\n[[risk]]\nid = \"r\"\ntitle = \"A risk\"\ncategory = \"data\"\nlikelihood = 2\nimpact = 2\nreviewed = 2026-11-01\n";

/// opx in `dir` with no user or system git config, so that only the
/// repository's own config speaks.
fn opx(dir: &Path, home: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Process::new(env!("CARGO_BIN_EXE_opx"))
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("COLUMNS", "200")
        .env("HOME", home)
        .env("GIT_CONFIG_GLOBAL", home.join("gitconfig"))
        .env("GIT_CONFIG_NOSYSTEM", "1")
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

/// A repository of two commits to `risks.toml`, the second carrying a
/// (fake) signature.
fn repository(dir: &Path) {
    git(dir, "2026-01-10", &["init", "-q"]);
    std::fs::write(dir.join("risks.toml"), REGISTER).unwrap();
    git(dir, "2026-01-10", &["add", "."]);
    git(
        dir,
        "2026-01-10",
        &["commit", "-q", "-m", "Add the register"],
    );
    std::fs::write(dir.join("risks.toml"), REGISTER.replace("= 2\n", "= 3\n")).unwrap();
    git(dir, "2026-02-10", &["commit", "-q", "-am", "Raise r"]);
    // The same commit with a gpgsig header, as a signed commit has.
    let commit = Process::new("git")
        .current_dir(dir)
        .args(["cat-file", "commit", "HEAD"])
        .output()
        .unwrap()
        .stdout;
    let commit = String::from_utf8(commit).unwrap();
    let (head, message) = commit.split_once("\n\n").unwrap();
    let signed = format!(
        "{head}\ngpgsig -----BEGIN PGP SIGNATURE-----\n \n iQEzBAABCAAdFiEEfakefakefakefakefake=\n =fake\n -----END PGP SIGNATURE-----\n\n{message}"
    );
    let mut hash = Process::new("git")
        .current_dir(dir)
        .args(["hash-object", "-t", "commit", "-w", "--stdin"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    hash.stdin
        .take()
        .unwrap()
        .write_all(signed.as_bytes())
        .unwrap();
    let id = String::from_utf8(hash.wait_with_output().unwrap().stdout).unwrap();
    git(dir, "2026-02-10", &["update-ref", "HEAD", id.trim()]);
}

#[test]
fn no_program_from_the_repositorys_config_runs() {
    let dir = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    std::fs::write(home.path().join("gitconfig"), "").unwrap();
    let root = dir.path();
    repository(root);
    let marker = home.path().join("ran");
    let script = home.path().join("program.sh");
    std::fs::write(
        &script,
        format!("#!/bin/sh\ntouch '{}'\nexit 1\n", marker.display()),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let script = script.display().to_string();
    for (key, value) in [
        ("log.showSignature", "true"),
        ("gpg.program", script.as_str()),
        ("gpg.ssh.program", script.as_str()),
        ("core.fsmonitor", script.as_str()),
        ("core.pager", script.as_str()),
        ("diff.external", script.as_str()),
        // Not a program, but colour codes in what opx reads back.
        ("color.ui", "always"),
        ("color.diff", "always"),
    ] {
        git(root, "2026-02-10", &["config", key, value]);
    }
    // The trap is real: git itself runs the program on this commit.
    let log = Process::new("git")
        .current_dir(root)
        .env("GIT_CONFIG_GLOBAL", home.path().join("gitconfig"))
        .args(["log", "-1"])
        .output()
        .unwrap();
    assert!(log.status.success());
    assert!(
        marker.exists(),
        "git log runs gpg.program on a signed commit"
    );
    std::fs::remove_file(&marker).unwrap();

    let (code, stdout, stderr) = opx(root, home.path(), &["trend", "risks.toml"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("Raise r"), "{stdout}");
    assert!(!marker.exists(), "opx trend ran the repository's program");

    git(root, "2026-02-10", &["tag", "v1"]);
    let (code, stdout, stderr) = opx(root, home.path(), &["trend", "risks.toml", "--tags"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("  v1\n") || stdout.contains(" v1 "),
        "{stdout}"
    );
    assert!(!stdout.contains('\x1b'), "{stdout}");
    assert!(
        !marker.exists(),
        "opx trend --tags ran the repository's program"
    );

    let (code, _, stderr) = opx(
        root,
        home.path(),
        &["report", "risks.toml", "-o", "page.html"],
    );
    assert_eq!(code, 0, "{stderr}");
    let page = std::fs::read_to_string(root.join("page.html")).unwrap();
    assert!(page.contains("Raise r"), "the page has the trend");
    assert!(!marker.exists(), "opx report ran the repository's program");

    let (code, _, stderr) = opx(
        root,
        home.path(),
        &["diff", "--git", "HEAD~1", "risks.toml"],
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(
        !marker.exists(),
        "opx diff --git ran the repository's program"
    );
}

#[test]
fn a_shallow_clone_is_named_in_the_trend() {
    let dir = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    std::fs::write(home.path().join("gitconfig"), "").unwrap();
    let origin = dir.path().join("origin");
    std::fs::create_dir(&origin).unwrap();
    repository(&origin);
    let url = format!("file://{}", origin.display());
    git(
        dir.path(),
        "2026-02-10",
        &["clone", "-q", "--depth", "1", &url, "clone"],
    );
    let clone = dir.path().join("clone");
    let (code, stdout, stderr) = opx(&clone, home.path(), &["trend", "risks.toml"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("This is a shallow clone"), "{stdout}");
    let (_, json, _) = opx(
        &clone,
        home.path(),
        &["trend", "risks.toml", "--format", "json"],
    );
    assert!(json.contains("\"shallow\": true"), "{json}");
    // The whole history says nothing of the kind.
    let (_, stdout, _) = opx(&origin, home.path(), &["trend", "risks.toml"]);
    assert!(!stdout.contains("shallow"), "{stdout}");
}

/// git refuses a repository owned by another user (`safe.directory`):
/// `report` makes its page, says why it has no trend on standard error and
/// on the page. Only root can give a folder away, so elsewhere this is
/// not tried.
#[test]
fn a_repository_git_will_not_read_is_a_warning_in_report() {
    use std::os::unix::fs::MetadataExt;
    let dir = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    std::fs::write(home.path().join("gitconfig"), "").unwrap();
    if std::fs::metadata(home.path().join("gitconfig"))
        .unwrap()
        .uid()
        != 0
    {
        return;
    }
    let root = dir.path();
    repository(root);
    let chown = Process::new("chown")
        .args(["-R", "65534:65534"])
        .arg(root)
        .status()
        .unwrap();
    assert!(chown.success());
    let out = root.join("page.html");
    let (code, _, stderr) = opx(
        root,
        home.path(),
        &["report", "risks.toml", "-o", out.to_str().unwrap()],
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("warning: the page has no trend: git cannot read the repository"),
        "{stderr}"
    );
    assert!(stderr.contains("dubious ownership"), "{stderr}");
    assert!(stderr.contains("safe.directory"), "{stderr}");
    let page = std::fs::read_to_string(&out).unwrap();
    assert!(
        page.contains("No trend: git cannot read the repository"),
        "page"
    );
    // trend itself stops, with the reason.
    let (code, _, stderr) = opx(root, home.path(), &["trend", "risks.toml"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("dubious ownership"), "{stderr}");
}
