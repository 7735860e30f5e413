//! `opx review --mark` on bytes as a register file: the file after marking
//! differs from the file before only in `reviewed` lines (a value changed,
//! or one line added per risk); every other byte stays, in order.

#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use opx::register::{self, Limits};

fn folder() -> &'static tempfile::TempDir {
    static FOLDER: OnceLock<tempfile::TempDir> = OnceLock::new();
    FOLDER.get_or_init(|| tempfile::tempdir().expect("a temporary folder"))
}

/// The file's lines, `\r` kept, without those that set `reviewed`.
fn other_lines(bytes: &[u8]) -> Vec<&[u8]> {
    bytes
        .split(|&b| b == b'\n')
        .filter(|line| {
            let text = String::from_utf8_lossy(line);
            let key = text.trim_start().trim_start_matches('\u{feff}');
            !(key.starts_with("reviewed") && key["reviewed".len()..].trim_start().starts_with('='))
        })
        .collect()
}

fuzz_target!(|bytes: &[u8]| {
    let path = folder().path().join("risks.toml");
    std::fs::write(&path, bytes).expect("the file is written");
    let loaded = register::load(std::slice::from_ref(&path), Limits::default());
    if loaded.failed() || loaded.register.risks.is_empty() {
        return;
    }
    let ids: Vec<String> = loaded
        .register
        .risks
        .iter()
        .map(|r| format!("{}/{}", r.system, r.id.value))
        .collect();
    let today: jiff::civil::Date = "2026-11-27".parse().expect("a date");
    let marked = opx::mark::mark(&loaded, &ids, today);
    let after = std::fs::read(&path).expect("the file is read back");
    match marked {
        Ok(_) => {
            assert_eq!(
                other_lines(bytes),
                other_lines(&after),
                "marking changed more than the review dates"
            );
            // Each risk now carries today's review.
            let reloaded = register::load(std::slice::from_ref(&path), Limits::default());
            assert!(!reloaded.failed(), "the marked file no longer loads");
            for risk in &reloaded.register.risks {
                assert_eq!(risk.reviewed.map(|r| r.value), Some(today));
            }
        }
        // Refused: not a byte changed.
        Err(_) => assert_eq!(bytes, &after[..], "a refused mark changed the file"),
    }
});
