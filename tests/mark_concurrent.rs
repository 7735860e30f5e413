//! Two `opx review --mark` runs at once on one register: each waits for
//! the other's lock, so both edits land; none is lost while both report
//! success. A run that cannot get the lock in time fails, changing
//! nothing, and a temporary file a killed run left is cleared away.

#![cfg(unix)]

use std::path::Path;
use std::process::{Child, Command, Stdio};

const TODAY: &str = "2026-11-27";
const RISKS: [&str; 3] = ["alpha", "beta", "gamma"];

fn register() -> String {
    let mut text = String::from("[system]\nid = \"s\"\nowner = \"team\"\n");
    for id in RISKS {
        text.push_str(&format!(
            "\n[[risk]]\nid = \"{id}\"\ntitle = \"Risk {id}\"\ncategory = \"data\"\nlikelihood = 2\nimpact = 2\nreviewed = 2025-01-01\n"
        ));
    }
    text
}

fn mark(dir: &Path, id: &str) -> Child {
    Command::new(env!("CARGO_BIN_EXE_opx"))
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(["review", "risks.toml", "--mark", id, "--today", TODAY])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

#[test]
fn forty_rounds_of_concurrent_marks_lose_no_edit() {
    for round in 0..40 {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("risks.toml");
        std::fs::write(&path, register()).unwrap();
        let runs: Vec<Child> = RISKS.iter().map(|id| mark(dir.path(), id)).collect();
        for (id, run) in RISKS.iter().zip(runs) {
            let out = run.wait_with_output().unwrap();
            assert_eq!(
                out.status.code(),
                Some(0),
                "round {round}, {id}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            text.matches("reviewed = 2026-11-27").count(),
            RISKS.len(),
            "round {round}: an edit was lost:\n{text}"
        );
        assert_eq!(
            text,
            register().replace("reviewed = 2025-01-01", "reviewed = 2026-11-27"),
            "round {round}: nothing but the dates changed"
        );
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}

#[test]
fn a_file_locked_too_long_is_refused_and_left_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("risks.toml");
    std::fs::write(&path, register()).unwrap();
    // Another program holds the file's lock past the wait.
    let mut holder = match Command::new("flock")
        .arg(&path)
        .args(["sleep", "15"])
        .spawn()
    {
        Ok(child) => child,
        Err(_) => return,
    };
    std::thread::sleep(std::time::Duration::from_millis(300));
    let out = mark(dir.path(), "alpha").wait_with_output().unwrap();
    let _ = holder.kill();
    let _ = holder.wait();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("error: `risks.toml` is being edited by another program")
            && stderr.contains("not let go within 10 seconds; no file was changed"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), register());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn a_stale_temporary_file_is_ignored_by_the_walk_and_removed_by_the_next_mark() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("risks.toml");
    std::fs::write(&path, register()).unwrap();
    let stale = dir.path().join(".opx-risks.toml.Ab12Cd.tmp");
    std::fs::write(&stale, "[[[ half a register").unwrap();
    let check = Command::new(env!("CARGO_BIN_EXE_opx"))
        .current_dir(dir.path())
        .args(["check", ".", "--today", TODAY])
        .output()
        .unwrap();
    assert_eq!(check.status.code(), Some(0));
    assert!(stale.exists(), "a check reads and writes nothing");
    let out = mark(dir.path(), "beta").wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!stale.exists(), "the stale temporary file is removed");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}
