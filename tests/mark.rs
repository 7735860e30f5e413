//! `opx review --mark` edits register files in place: it must change the
//! review date and nothing else, byte for byte, on every file shape.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

const TODAY: &str = "2026-11-27";

fn mark(dir: &Path, ids: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("opx")
        .unwrap()
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(["review", "."])
        .arg("--mark")
        .args(ids)
        .args(["--today", TODAY])
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// A register in which `{reviewed}` stands where opx must write, and the
/// rest must survive untouched.
fn case(template: &str, before: &str, after: &str) {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "risks.toml",
        template.replace("{reviewed}", before).as_bytes(),
    );
    let (code, stdout, stderr) = mark(dir.path(), &["traffic-spike"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("checkout/traffic-spike: reviewed = 2026-11-27"),
        "{stdout}"
    );
    let expected = template.replace("{reviewed}", after);
    assert_eq!(
        String::from_utf8(std::fs::read(&path).unwrap()).unwrap(),
        expected
    );
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no temporary file is left"
    );
}

const SYSTEM: &str = "[system]\nid = \"checkout\"\nowner = 'payments-team'\n";

#[test]
fn replaces_the_date_and_keeps_comments_quoting_and_order() {
    case(
        &format!(
            "# Register of the checkout API\n{SYSTEM}\n[[risk]]\ntitle = 'Spike'   # literal string\nid = \"traffic-spike\"\ncategory = \"technical\"\n\nlikelihood = 2 # two\nimpact = 2\n{{reviewed}}\n"
        ),
        "reviewed = 2025-01-01 # last time",
        "reviewed = 2026-11-27 # last time",
    );
}

#[test]
fn adds_the_key_after_the_id_line_with_its_indentation() {
    case(
        &format!(
            "{SYSTEM}\n[[risk]]\n    id = \"traffic-spike\"  # the id\n{{reviewed}}    title = \"Spike\"\n    category = \"data\"\n    likelihood = 1\n    impact = 1\n"
        ),
        "",
        "    reviewed = 2026-11-27\n",
    );
}

#[test]
fn keeps_crlf_line_endings() {
    case(
        "[system]\r\nid = \"checkout\"\r\n\r\n[[risk]]\r\nid = \"traffic-spike\"\r\n{reviewed}title = \"Spike\"\r\ncategory = \"data\"\r\nlikelihood = 1\r\nimpact = 1\r\n",
        "",
        "reviewed = 2026-11-27\r\n",
    );
}

#[test]
fn keeps_a_byte_order_mark() {
    case(
        "\u{feff}[system]\nid = \"checkout\"\n\n[[risk]]\nid = \"traffic-spike\"\ntitle = \"Spike\"\ncategory = \"data\"\nlikelihood = 1\nimpact = 1\n{reviewed}\n",
        "reviewed = 2024-02-29",
        "reviewed = 2026-11-27",
    );
}

#[test]
fn keeps_a_missing_final_newline() {
    case(
        "[system]\nid = \"checkout\"\n\n[[risk]]\ntitle = \"Spike\"\ncategory = \"data\"\nlikelihood = 1\nimpact = 1\nid = \"traffic-spike\"{reviewed}",
        "",
        "\nreviewed = 2026-11-27",
    );
}

#[test]
fn an_unknown_or_ambiguous_id_changes_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let a = b"[system]\nid = \"checkout\"\n\n[[risk]]\nid = \"db\"\ntitle = \"DB\"\ncategory = \"data\"\nlikelihood = 1\nimpact = 1\n";
    let b = b"[system]\nid = \"payments\"\n\n[[risk]]\nid = \"db\"\ntitle = \"DB\"\ncategory = \"data\"\nlikelihood = 1\nimpact = 1\n";
    let pa = write(dir.path(), "a.toml", a);
    let pb = write(dir.path(), "b.toml", b);
    let (code, _, stderr) = mark(dir.path(), &["checkout/db", "dbb"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("no risk `dbb` in the register; no file was changed"),
        "{stderr}"
    );
    // `db` alone would be ambiguous: the suggestion names each.
    assert!(
        stderr.contains("did you mean `checkout/db` or `payments/db`?"),
        "{stderr}"
    );
    let (code, _, stderr) = mark(dir.path(), &["db"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("name it with its system: checkout/db, payments/db"),
        "{stderr}"
    );
    assert_eq!(std::fs::read(&pa).unwrap(), a);
    assert_eq!(std::fs::read(&pb).unwrap(), b);
    // Qualified, each works.
    let (code, _, _) = mark(dir.path(), &["payments/db"]);
    assert_eq!(code, 0);
    assert_eq!(std::fs::read(&pa).unwrap(), a);
    assert!(
        String::from_utf8(std::fs::read(&pb).unwrap())
            .unwrap()
            .contains("id = \"db\"\nreviewed = 2026-11-27\n")
    );
}

#[test]
fn an_inline_table_risk_is_refused_rather_than_broken() {
    let dir = tempfile::tempdir().unwrap();
    let text = b"risk = [{ id = \"traffic-spike\", title = \"Spike\", category = \"data\", likelihood = 1, impact = 1 }]\n\n[system]\nid = \"checkout\"\n";
    let path = write(dir.path(), "risks.toml", text);
    let (code, _, stderr) = mark(dir.path(), &["traffic-spike"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("without changing more than the date"),
        "{stderr}"
    );
    assert_eq!(std::fs::read(&path).unwrap(), text);
}

#[cfg(unix)]
#[test]
fn keeps_the_file_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "risks.toml", b"[system]\nid = \"checkout\"\n\n[[risk]]\nid = \"traffic-spike\"\ntitle = \"t\"\ncategory = \"data\"\nlikelihood = 1\nimpact = 1\n");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    assert_eq!(mark(dir.path(), &["traffic-spike"]).0, 0);
    assert_eq!(
        std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o640
    );
}

/// A file edited by someone else between opx reading and writing it keeps
/// their edit; opx writes nothing.
#[test]
fn a_file_changed_while_marking_is_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "risks.toml", b"[system]\nid = \"checkout\"\n\n[[risk]]\nid = \"traffic-spike\"\ntitle = \"t\"\ncategory = \"data\"\nlikelihood = 1\nimpact = 1\n");
    let loaded = opx::register::load(std::slice::from_ref(&path), Default::default());
    assert!(loaded.diagnostics.is_empty());
    let theirs = b"# someone else's edit\n[system]\nid = \"checkout\"\n";
    std::fs::write(&path, theirs).unwrap();
    let today = TODAY.parse().unwrap();
    let error = opx::mark::mark(&loaded, &["traffic-spike".to_string()], today).unwrap_err();
    assert!(error.message.contains("changed on disk"), "{error:?}");
    assert_eq!(std::fs::read(&path).unwrap(), theirs);
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no temporary file is left"
    );
}

#[cfg(unix)]
#[test]
fn a_linked_file_is_edited_where_it_lives() {
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real");
    let linked = dir.path().join("register");
    std::fs::create_dir_all(&real).unwrap();
    std::fs::create_dir_all(&linked).unwrap();
    let target = write(&real, "one.toml", b"[system]\nid = \"checkout\"\n\n[[risk]]\nid = \"db\"\ntitle = \"t\"\ncategory = \"data\"\nlikelihood = 1\nimpact = 1\nreviewed = 2020-01-01\n");
    std::os::unix::fs::symlink(&target, linked.join("one.toml")).unwrap();
    // Named on the command line: a walk of the folder would skip a link
    // that leads out of it.
    let out = Command::cargo_bin("opx")
        .unwrap()
        .current_dir(&linked)
        .args(["review", "one.toml", "--mark", "db", "--today", TODAY])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        std::fs::symlink_metadata(linked.join("one.toml"))
            .unwrap()
            .file_type()
            .is_symlink(),
        "the link stays a link"
    );
    assert!(
        String::from_utf8(std::fs::read(&target).unwrap())
            .unwrap()
            .contains("reviewed = 2026-11-27\n")
    );
}

#[cfg(unix)]
#[test]
fn a_read_only_file_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let text = b"[system]\nid = \"checkout\"\n\n[[risk]]\nid = \"db\"\ntitle = \"t\"\ncategory = \"data\"\nlikelihood = 1\nimpact = 1\n";
    let path = write(dir.path(), "risks.toml", text);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
    let (code, _, stderr) = mark(dir.path(), &["db"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("is read-only; no file was changed"),
        "{stderr}"
    );
    assert_eq!(std::fs::read(&path).unwrap(), text);
}

#[test]
fn a_risk_reviewed_today_is_left_as_it_is() {
    let dir = tempfile::tempdir().unwrap();
    let text = "[system]\nid = \"checkout\"\n\n[[risk]]\nid = \"traffic-spike\"\ntitle = \"t\"\ncategory = \"technical\"\nlikelihood = 2\nimpact = 2\nreviewed = 2026-11-27\n";
    let path = write(dir.path(), "risks.toml", text.as_bytes());
    let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
    let (code, stdout, stderr) = mark(dir.path(), &["traffic-spike"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stdout,
        "checkout/traffic-spike: reviewed = 2026-11-27 (unchanged in risks.toml)\n"
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
    assert_eq!(
        std::fs::metadata(&path).unwrap().modified().unwrap(),
        modified,
        "nothing was written"
    );
}

/// A file with a second name is refused whole: writing it anew would
/// leave the other name with the old text.
#[cfg(unix)]
#[test]
fn a_hard_linked_file_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let text = b"[system]\nid = \"s\"\n\n[[risk]]\nid = \"r\"\ntitle = \"R\"\ncategory = \"data\"\nlikelihood = 1\nimpact = 1\n";
    let path = write(dir.path(), "risks.toml", text);
    let other = dir.path().join("elsewhere");
    std::fs::create_dir(&other).unwrap();
    std::fs::hard_link(&path, other.join("copy.txt")).unwrap();
    let (code, _, stderr) = mark(dir.path(), &["r"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("has 2 hard links"), "{stderr}");
    assert_eq!(std::fs::read(&path).unwrap(), text);
    assert_eq!(std::fs::read(other.join("copy.txt")).unwrap(), text);
}

/// The marked file keeps its owner and group where the user may set them
/// (root in CI may; others keep at least their own group).
#[cfg(unix)]
#[test]
fn a_marked_file_keeps_its_owner_and_group() {
    use std::os::unix::fs::MetadataExt;
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "risks.toml",
        b"[system]\nid = \"s\"\n\n[[risk]]\nid = \"r\"\ntitle = \"R\"\ncategory = \"data\"\nlikelihood = 1\nimpact = 1\n",
    );
    // Give it an owner other than the writer's, where that is allowed.
    let changed = std::os::unix::fs::chown(&path, Some(65534), Some(65534)).is_ok();
    let before = std::fs::metadata(&path).unwrap();
    let (code, _, stderr) = mark(dir.path(), &["r"]);
    assert_eq!(code, 0, "{stderr}");
    let after = std::fs::metadata(&path).unwrap();
    assert!(
        std::fs::read_to_string(&path)
            .unwrap()
            .contains("reviewed = 2026-11-27")
    );
    if changed {
        assert_eq!((after.uid(), after.gid()), (before.uid(), before.gid()));
    }
    assert_eq!(after.mode(), before.mode());
}
