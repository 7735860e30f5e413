//! A folder walk stays inside: a link in the register's folder that leads
//! to `.git/config` (where CI keeps its token) or to `/etc/passwd` is
//! skipped with a `skipped-link` note and never read, in every command and
//! format; a link to a file of the repository is read like the file.

#![cfg(unix)]

mod common;

use std::os::unix::fs::symlink;

use common::{git, opx};

const TOKEN: &str = "SECRET-CI-TOKEN-4f1d";
const REGISTER: &str = "[system]\nid = \"s\"\nowner = \"team\"\n\n[[risk]]\nid = \"r\"\ntitle = \"A risk\"\ncategory = \"data\"\nlikelihood = 5\nimpact = 5\nreviewed = 2026-11-01\n";

/// A repository whose `risks/` holds a register file, a link to
/// `.git/config` (with a token in it), one to `/etc/passwd`, one to a
/// file elsewhere in the repository, and a stale temporary file.
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    git(root, &["init", "-q"]);
    let config = root.join(".git/config");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str(&format!(
        "[http \"https://github.com/\"]\n\textraheader = AUTHORIZATION: basic {TOKEN}\n"
    ));
    std::fs::write(&config, text).unwrap();
    std::fs::create_dir_all(root.join("risks")).unwrap();
    std::fs::create_dir_all(root.join("shared")).unwrap();
    std::fs::write(root.join("risks/a.toml"), REGISTER).unwrap();
    std::fs::write(
        root.join("shared/other.toml"),
        REGISTER.replace("id = \"s\"", "id = \"shared\""),
    )
    .unwrap();
    symlink("../.git/config", root.join("risks/zz.toml")).unwrap();
    symlink("/etc/passwd", root.join("risks/passwd.toml")).unwrap();
    symlink("../shared/other.toml", root.join("risks/other.toml")).unwrap();
    // What a killed `review --mark` could leave: not TOML, and ignored.
    std::fs::write(root.join("risks/.opx-a.toml.Xy12Zw.tmp"), "[[[ not toml").unwrap();
    dir
}

fn assert_clean(what: &str, text: &str) {
    assert!(!text.contains(TOKEN), "{what} quotes .git/config:\n{text}");
    assert!(!text.contains("extraheader"), "{what} quotes .git/config");
    assert!(!text.contains("root:x:0:0"), "{what} quotes /etc/passwd");
    assert!(!text.contains("not toml"), "{what} read the temporary file");
}

#[test]
fn links_out_of_the_folder_are_noted_and_never_read_in_any_check_format() {
    let dir = repository();
    for format in [
        "human", "short", "json", "sarif", "junit", "github", "markdown",
    ] {
        let (code, stdout, stderr) = opx(dir.path(), &["check", "risks/", "--format", format]);
        assert_clean(format, &stdout);
        assert_clean(format, &stderr);
        // Both risks read (the link inside the repository is followed), and
        // both fail: the gate's verdict stands.
        assert_eq!(code, 1, "{format}: {stderr}");
        for link in ["risks/zz.toml", "risks/passwd.toml"] {
            assert!(
                stdout.contains(link) && stdout.contains("skipped-link"),
                "{format} names the skipped {link}:\n{stdout}"
            );
        }
        assert!(
            stdout.contains("shared"),
            "{format} follows the link inside:\n{stdout}"
        );
    }
}

#[test]
fn every_command_skips_them_and_says_so_on_standard_error() {
    let dir = repository();
    let runs: [&[&str]; 7] = [
        &["rank", "risks"],
        &["assess", "risks"],
        &["plan", "risks"],
        &["matrix", "risks"],
        &["review", "risks"],
        &["show", "shared/r", "risks"],
        &["report", "risks", "--no-trend"],
    ];
    for args in runs {
        let (code, stdout, stderr) = opx(dir.path(), args);
        assert_eq!(code, 0, "{args:?}: {stderr}");
        assert_clean(args[0], &stdout);
        assert_clean(args[0], &stderr);
        assert!(
            stderr.contains("note[skipped-link]: `risks/zz.toml` is a link that leads out"),
            "{args:?}: {stderr}"
        );
    }
    let (code, _, stderr) = opx(
        dir.path(),
        &["report", "risks", "--no-trend", "-o", "page.html"],
    );
    assert_eq!(code, 0, "{stderr}");
    let page = std::fs::read_to_string(dir.path().join("page.html")).unwrap();
    assert_clean("the page", &page);
    assert!(page.contains("skipped-link"), "the page lists the note");
    let (code, stdout, stderr) = opx(dir.path(), &["diff", "risks", "risks"]);
    assert_eq!(code, 0, "{stderr}");
    assert_clean("diff", &stdout);
    assert_clean("diff", &stderr);
}

#[test]
fn a_policy_that_links_out_is_passed_over() {
    let dir = repository();
    symlink("../.git/config", dir.path().join("risks/opx.toml")).unwrap();
    let (code, stdout, stderr) = opx(dir.path(), &["check", "risks/a.toml"]);
    assert_eq!(code, 1, "{stderr}");
    assert_clean("check", &stdout);
    assert_clean("check", &stderr);
    assert!(
        stdout.contains("note[skipped-link]: `risks/opx.toml`"),
        "{stdout}"
    );
    assert!(stdout.contains("policy: defaults"), "{stdout}");
}

#[test]
fn a_path_the_user_names_is_read_as_given() {
    let dir = repository();
    let (code, _, stderr) = opx(dir.path(), &["check", "risks/zz.toml"]);
    // Read, and refused as a register: the user named it.
    assert_eq!(code, 2);
    assert!(stderr.contains("risks/zz.toml"), "{stderr}");
    assert!(!stderr.contains("skipped-link"), "{stderr}");
}
