//! `--output` keeps what it writes onto: a pipe gets the report through
//! it, a device stays a device, a symbolic link stays a link and the file
//! it leads to gets the report. Only a regular file is replaced whole.

#![cfg(unix)]

use std::os::unix::fs::FileTypeExt;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

const REGISTER: &str = "[system]\nid = \"s\"\nowner = \"team\"\n\n[[risk]]\nid = \"r\"\ntitle = \"A risk\"\ncategory = \"data\"\nlikelihood = 5\nimpact = 5\nreviewed = 2026-11-01\n";

/// `opx check risks.toml --format json -o OUT` in `dir`: its exit code
/// and standard error.
fn check_into(dir: &Path, out: &Path) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_opx"))
        .current_dir(dir)
        .args([
            "check",
            "risks.toml",
            "--format",
            "json",
            "--today",
            "2026-11-27",
        ])
        .arg("-o")
        .arg(out)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn register() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("risks.toml"), REGISTER).unwrap();
    dir
}

#[test]
fn a_fifo_gets_the_report_through_it_and_stays_a_fifo() {
    let dir = register();
    let fifo = dir.path().join("report.json");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    let (code, stderr) = check_into(dir.path(), &fifo);
    // The gate fails: the status is the gate's, the report went through.
    assert_eq!(code, Some(1), "{stderr}");
    let report = reader.join().unwrap();
    assert!(report.contains("\"code\": \"unmitigated\""), "{report}");
    assert!(
        std::fs::symlink_metadata(&fifo)
            .unwrap()
            .file_type()
            .is_fifo()
    );
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
}

#[test]
fn dev_null_stays_a_device() {
    let null = Path::new("/dev/null");
    // Only where the run may write it, and it is the device it should be.
    let writable = std::fs::OpenOptions::new().write(true).open(null).is_ok();
    let device = std::fs::metadata(null).is_ok_and(|m| m.file_type().is_char_device());
    if !writable || !device {
        return;
    }
    let dir = register();
    let (code, stderr) = check_into(dir.path(), null);
    assert_eq!(code, Some(1), "{stderr}");
    let metadata = std::fs::metadata(null).unwrap();
    assert!(
        metadata.file_type().is_char_device(),
        "/dev/null is a device still"
    );
    assert_eq!(std::fs::read(null).unwrap(), b"");
}

#[test]
fn a_symbolic_link_is_kept_and_its_target_replaced() {
    let dir = register();
    std::fs::create_dir(dir.path().join("reports")).unwrap();
    let target = dir.path().join("reports/check.json");
    std::fs::write(&target, "old").unwrap();
    let link = dir.path().join("latest.json");
    std::os::unix::fs::symlink("reports/check.json", &link).unwrap();
    let (code, stderr) = check_into(dir.path(), &link);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(std::fs::symlink_metadata(&link).unwrap().is_symlink());
    assert_eq!(
        std::fs::read_link(&link).unwrap(),
        Path::new("reports/check.json")
    );
    let report = std::fs::read_to_string(&target).unwrap();
    assert!(report.contains("\"code\": \"unmitigated\""), "{report}");
    assert_eq!(
        std::fs::read_dir(dir.path().join("reports"))
            .unwrap()
            .count(),
        1
    );
}

#[test]
fn a_fifo_without_a_reader_is_waited_for_like_a_shell_redirect() {
    // opx blocks on it as `>` would; a reader that comes late gets it all.
    let dir = register();
    let fifo = dir.path().join("late.json");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let mut child = Command::new(env!("CARGO_BIN_EXE_opx"))
        .current_dir(dir.path())
        .args([
            "rank",
            "risks.toml",
            "--format",
            "json",
            "--today",
            "2026-11-27",
            "-o",
        ])
        .arg(&fifo)
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(200));
    assert!(child.try_wait().unwrap().is_none(), "waits for a reader");
    let report = std::fs::read_to_string(&fifo).unwrap();
    assert_eq!(child.wait().unwrap().code(), Some(0));
    assert!(report.contains("\"risks\""), "{report}");
}
