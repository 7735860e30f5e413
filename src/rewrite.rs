//! Editing register files in place, byte for byte: the machinery that
//! `opx review --mark` and `opx measure --write` share.
//!
//! A caller says which files to edit and how (a function from a file's
//! text as it is now to its new text); this module does the rest, the same
//! way for every command. A byte-order mark is kept apart and put back.
//! Each new text is staged beside its file, forced to disk, and renamed
//! over it only once every file is staged, and only if none changed on
//! disk since opx read it (should the renaming of one of several fail,
//! the error names those already written).
//!
//! Two runs at once cannot lose an edit: each holds an exclusive lock
//! (`flock`) on every file it edits from before it reads them until after
//! it has renamed the new text in place, and a second run waits for it
//! (at most [`LOCK_WAIT`], then fails, changing nothing). The file is
//! read again after the new text is on disk, just before the rename, so
//! an editor that takes no lock is caught as late as can be. A temporary
//! file that a killed run left beside a file is removed under its lock.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::output::Staged;
use crate::register::io_reason;
use crate::source::{FileId, Sources, display_path};

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// How long a run waits for another to finish editing a file.
pub const LOCK_WAIT: Duration = Duration::from_secs(10);

/// Why nothing was written, and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditError {
    pub message: String,
    pub help: String,
}

impl EditError {
    pub fn new(message: impl Into<String>, help: impl Into<String>) -> Self {
        EditError {
            message: message.into(),
            help: help.into(),
        }
    }
}

/// Edits `files` of `sources`: `edit` gets each file's path and its text
/// as it is now (without a byte-order mark) and returns the new text, or
/// an error that leaves every file as it was. `what` names what is
/// recorded, for messages: "the review", "the measurements".
pub fn rewrite(
    sources: &Sources,
    files: &[FileId],
    what: &str,
    mut edit: impl FnMut(FileId, &Path, &str) -> Result<String, EditError>,
) -> Result<(), EditError> {
    // Every file to edit, locked in one order (by the path of the file a
    // link leads to), so that two runs never wait on each other.
    let mut targets: Vec<(PathBuf, FileId)> = Vec::new();
    for file in files {
        let path = sources.path(*file);
        let target = std::fs::canonicalize(path).map_err(|e| cannot_read(path, &e))?;
        targets.push((target, *file));
    }
    targets.sort();
    let deadline = Instant::now() + LOCK_WAIT;
    let mut held = Vec::with_capacity(targets.len());
    for (target, file) in &targets {
        let path = sources.path(*file);
        held.push(hold(path, target, deadline, what)?);
        // Left by a run that was killed: no run holds it now.
        let _ = crate::output::remove_stale(target);
    }

    // What is read and written is the file that was locked, found once:
    // a link pointed elsewhere meanwhile leads to no file left unlocked.
    let locked: std::collections::BTreeMap<FileId, PathBuf> =
        targets.into_iter().map(|(t, f)| (f, t)).collect();
    let mut staged = Vec::new();
    let result = (|| {
        for file in files {
            let path = sources.path(*file);
            let target = &locked[file];
            let original = std::fs::read(target).map_err(|e| cannot_read(path, &e))?;
            let (bom, text) = split_bom(&original);
            let text = std::str::from_utf8(text).map_err(|_| changed(path))?;
            if std::fs::metadata(target).is_ok_and(|m| m.permissions().readonly()) {
                return Err(EditError::new(
                    format!("`{}` is read-only; no file was changed", display_path(path)),
                    format!("make it writable if {what} should be recorded there"),
                ));
            }
            // A new file renamed over a hard link would leave the other
            // names with the old text: the register would split in two.
            if let Some(links) = hard_links(target).filter(|&n| n > 1) {
                return Err(EditError::new(
                    format!(
                        "`{}` has {links} hard links, and opx writes a file anew; no file was changed",
                        display_path(path)
                    ),
                    format!(
                        "record {what} by hand, or keep one name for the file (a symbolic link is followed)"
                    ),
                ));
            }
            let edited = edit(*file, path, text)?;
            let mut bytes = Vec::with_capacity(bom.len() + edited.len());
            bytes.extend_from_slice(bom);
            bytes.extend_from_slice(edited.as_bytes());
            let stage = Staged::write(target, &bytes).map_err(|e| cannot_write(path, &e))?;
            staged.push((stage, target.clone(), original));
        }
        Ok(())
    })();
    if let Err(e) = result {
        staged.into_iter().for_each(|(s, _, _)| s.discard());
        return Err(e);
    }
    // The new text on disk first, so that the last look below is followed
    // by nothing but the renames.
    if let Some((path, e)) = staged
        .iter()
        .find_map(|(stage, path, _)| stage.sync().err().map(|e| (path.clone(), e)))
    {
        staged.into_iter().for_each(|(s, _, _)| s.discard());
        return Err(cannot_write(&path, &e));
    }
    // The last look before writing: a file edited meanwhile (by a program
    // that takes no lock) keeps its edit.
    if let Some((_, path, _)) = staged
        .iter()
        .find(|(_, path, original)| std::fs::read(path).ok().as_ref() != Some(original))
    {
        let error = changed(path);
        staged.into_iter().for_each(|(s, _, _)| s.discard());
        return Err(error);
    }
    // Each rename is atomic, but several are not one: should one fail,
    // the error names the files already written.
    let mut written: Vec<String> = Vec::new();
    for (stage, path, _) in staged {
        if let Err(e) = stage.put_in_place() {
            let mut error = cannot_write(&path, &e);
            if !written.is_empty() {
                error.message += &format!("; already written: {}", written.join(", "));
            }
            return Err(error);
        }
        written.push(format!("`{}`", display_path(&path)));
    }
    // The locks go only now, with the new files in place.
    drop(held);
    Ok(())
}

/// The line ending a file uses: CRLF if any line has one.
pub fn line_ending(text: &str) -> &'static str {
    if text.contains("\r\n") { "\r\n" } else { "\n" }
}

/// Where the line holding `offset` begins.
pub fn line_start(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1)
}

/// Where the line holding `offset` ends (before its line break).
pub fn line_end(text: &str, offset: usize) -> usize {
    let offset = offset.min(text.len());
    match text[offset..].find('\n') {
        Some(i) if i > 0 && text.as_bytes()[offset + i - 1] == b'\r' => offset + i - 1,
        Some(i) => offset + i,
        None => text.len(),
    }
}

/// The edit that adds `line` after the line holding `offset`, indented
/// like it and ended as the file ends its lines: `review --mark` adds
/// `reviewed` after a risk's `id`, `measure --write` adds `exercised`
/// after an action's `signal`.
pub fn line_after(text: &str, offset: usize, line: &str) -> (std::ops::Range<usize>, String) {
    let indent: String = text[line_start(text, offset)..]
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    let at = line_end(text, offset);
    (at..at, format!("{}{indent}{line}", line_ending(text)))
}

/// Applies `edits` (ranges of `text` and what replaces them; none overlap)
/// to `text`.
pub fn splice(text: &str, mut edits: Vec<(std::ops::Range<usize>, String)>) -> String {
    edits.sort_by_key(|(range, _)| std::cmp::Reverse(range.start));
    let mut out = text.to_string();
    for (range, replacement) in edits {
        out.replace_range(range, &replacement);
    }
    out
}

fn cannot_write(path: &Path, e: &std::io::Error) -> EditError {
    EditError::new(
        format!("cannot write `{}`: {}", display_path(path), io_reason(e)),
        "check that the folder is writable",
    )
}

/// `path` changed between two reads: nothing is written.
pub fn changed(path: &Path) -> EditError {
    EditError::new(
        format!(
            "`{}` changed on disk while opx was working; no file was changed",
            display_path(path)
        ),
        "run the command again",
    )
}

/// `target` (the file `path` names, its links followed) opened and locked
/// exclusively, waiting until `deadline` for another run to let go. The
/// lock is taken on the file that is at the path once it is held: a run
/// that held it before may have renamed a new file over it.
fn hold(
    path: &Path,
    target: &Path,
    deadline: Instant,
    what: &str,
) -> Result<std::fs::File, EditError> {
    loop {
        let file = std::fs::File::open(target).map_err(|e| cannot_read(path, &e))?;
        loop {
            match try_lock(&file) {
                Ok(true) => break,
                Ok(false) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(10));
                }
                Ok(false) => {
                    return Err(EditError::new(
                        format!(
                            "`{}` is being edited by another program (another run of opx?) and was not let go within {} seconds; no file was changed",
                            display_path(path),
                            LOCK_WAIT.as_secs()
                        ),
                        "wait for it to finish, then run the command again",
                    ));
                }
                Err(e) => {
                    return Err(EditError::new(
                        format!("cannot lock `{}`: {}", display_path(path), io_reason(&e)),
                        format!(
                            "no file was changed; record {what} by hand if the file system takes no locks"
                        ),
                    ));
                }
            }
        }
        if is_at(&file, target) {
            return Ok(file);
        }
    }
}

/// Takes an exclusive lock on `file` if no one holds one: `false` if
/// someone does.
#[cfg(unix)]
fn try_lock(file: &std::fs::File) -> std::io::Result<bool> {
    use rustix::fs::{FlockOperation, flock};
    match flock(file, FlockOperation::NonBlockingLockExclusive) {
        Ok(()) => Ok(true),
        Err(rustix::io::Errno::WOULDBLOCK) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

#[cfg(not(unix))]
fn try_lock(_: &std::fs::File) -> std::io::Result<bool> {
    Ok(true)
}

/// Whether the open `file` is still the one at `path`.
#[cfg(unix)]
fn is_at(file: &std::fs::File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn is_at(_: &std::fs::File, _: &Path) -> bool {
    true
}

/// How many names the file has, where the system says.
#[cfg(unix)]
fn hard_links(path: &std::path::Path) -> Option<u64> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|m| m.nlink())
}

#[cfg(not(unix))]
fn hard_links(_: &std::path::Path) -> Option<u64> {
    None
}

fn split_bom(bytes: &[u8]) -> (&[u8], &[u8]) {
    match bytes.strip_prefix(BOM) {
        Some(rest) => (BOM, rest),
        None => (&[], bytes),
    }
}

fn cannot_read(path: &std::path::Path, e: &std::io::Error) -> EditError {
    EditError::new(
        format!("cannot read `{}`: {}", display_path(path), io_reason(e)),
        "no file was changed",
    )
}

#[cfg(test)]
mod line_tests {
    use super::*;

    #[test]
    fn a_line_ends_before_its_break() {
        let text = "a = 1\r\nb = 2";
        assert_eq!(line_end(text, 2), 5);
        assert_eq!(line_end(text, 8), text.len());
        assert_eq!(line_start(text, 8), 7);
    }

    #[test]
    fn a_line_after_is_indented_and_ended_like_the_file() {
        let text = "[[risk]]\r\n  id = \"r\"\r\n  title = \"t\"";
        let (at, line) = line_after(text, text.find("\"r\"").unwrap(), "reviewed = 2026-11-27");
        assert_eq!(
            splice(text, vec![(at, line)]),
            "[[risk]]\r\n  id = \"r\"\r\n  reviewed = 2026-11-27\r\n  title = \"t\""
        );
        // The last line, with no break after it.
        let text = "id = \"r\"";
        let (at, line) = line_after(text, 0, "x = 1");
        assert_eq!(splice(text, vec![(at, line)]), "id = \"r\"\nx = 1");
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn a_held_file_is_waited_for_then_refused_and_a_replaced_one_relocked() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("risks.toml");
        std::fs::write(&path, "x").unwrap();
        let other = std::fs::File::open(&path).unwrap();
        assert!(try_lock(&other).unwrap());
        let soon = Instant::now() + Duration::from_millis(50);
        let refused = hold(&path, &path, soon, "the review").unwrap_err();
        assert!(refused.message.contains("is being edited"), "{refused:?}");

        // The holder renames a new file over it, then lets go: the lock
        // is taken on the new file, not on the one it replaced.
        let waiting = {
            let path = path.clone();
            std::thread::spawn(move || {
                let file = hold(&path, &path, Instant::now() + LOCK_WAIT, "the review").unwrap();
                is_at(&file, &path)
            })
        };
        std::thread::sleep(Duration::from_millis(50));
        let new = dir.path().join("new");
        std::fs::write(&new, "y").unwrap();
        std::fs::rename(&new, &path).unwrap();
        drop(other);
        assert!(waiting.join().unwrap());
    }
}
