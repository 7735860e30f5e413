//! `opx review --mark`: records a review in the register files, and
//! changes nothing else.
//!
//! A risk's `reviewed` value is replaced, or a `reviewed = <today>` line is
//! added after its `id` line, by splicing the original bytes: comments,
//! blank lines, key order, quoting, CRLF line endings, a byte-order mark
//! and a missing final newline all stay as they were. Each edited file is
//! read back through the validator before anything is written; each file
//! is written atomically, and only if none changed on disk since opx read
//! them (should the renaming of one of several fail, the error names those
//! already written).
//!
//! Two runs at once cannot lose an edit: each holds an exclusive lock
//! (`flock`) on every file it edits from before it reads them until after
//! it has renamed the new text in place, and a second run waits for it
//! (at most [`LOCK_WAIT`], then fails, changing nothing). The file is
//! read again after the new text is on disk, just before the rename, so
//! an editor that takes no lock is caught as late as can be. A temporary
//! file that a killed run left beside a file is removed under its lock.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use jiff::civil::Date;

use crate::output::Staged;
use crate::register::model::Risk;
use crate::register::{self, Loaded, io_reason};
use crate::source::{FileId, display_path};

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// How long a run waits for another to finish editing a file.
pub const LOCK_WAIT: Duration = Duration::from_secs(10);

/// Why nothing was marked, and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkError {
    pub message: String,
    pub help: String,
}

impl MarkError {
    fn new(message: impl Into<String>, help: impl Into<String>) -> Self {
        MarkError {
            message: message.into(),
            help: help.into(),
        }
    }
}

/// A review that was recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Marked {
    /// `system/risk`.
    pub risk: String,
    /// The file that holds it.
    pub file: String,
    pub change: Change,
}

/// What recording a review did to a risk's `reviewed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// The key was added after the risk's `id`.
    Added,
    /// Its date was replaced.
    Updated,
    /// It already said today: nothing was written.
    Unchanged,
}

impl Change {
    pub fn name(self) -> &'static str {
        match self {
            Change::Added => "added",
            Change::Updated => "updated",
            Change::Unchanged => "unchanged",
        }
    }
}

/// Records `today` as the review date of each risk named in `ids` (`risk`
/// or `system/risk`); every id must name exactly one risk.
pub fn mark(loaded: &Loaded, ids: &[String], today: Date) -> Result<Vec<Marked>, MarkError> {
    let mut chosen: Vec<&Risk> = Vec::new();
    for id in ids {
        let risk = resolve(loaded, id)?;
        if !chosen.iter().any(|r| std::ptr::eq(*r, risk)) {
            chosen.push(risk);
        }
    }
    let mut by_file: BTreeMap<FileId, Vec<&Risk>> = BTreeMap::new();
    let mut marked = Vec::new();
    for risk in chosen {
        // Reviewed today already: its file is left as it is.
        if risk.reviewed.is_some_and(|r| r.value == today) {
            marked.push(Marked {
                risk: risk.name(),
                file: display_path(loaded.sources.path(risk.id.span.file)),
                change: Change::Unchanged,
            });
            continue;
        }
        by_file.entry(risk.id.span.file).or_default().push(risk);
    }

    // Every file to edit, locked in one order (by the path of the file a
    // link leads to), so that two runs never wait on each other.
    let mut targets: Vec<(PathBuf, FileId)> = Vec::new();
    for file in by_file.keys() {
        let path = loaded.sources.path(*file);
        let target = std::fs::canonicalize(path).map_err(|e| cannot_read(path, &e))?;
        targets.push((target, *file));
    }
    targets.sort();
    let deadline = Instant::now() + LOCK_WAIT;
    let mut held = Vec::with_capacity(targets.len());
    for (target, file) in &targets {
        let path = loaded.sources.path(*file);
        held.push(hold(path, target, deadline)?);
        // Left by a run that was killed: no run holds it now.
        let _ = crate::output::remove_stale(target);
    }

    // What is read and written is the file that was locked, found once:
    // a link pointed elsewhere meanwhile leads to no file left unlocked.
    let locked: BTreeMap<FileId, PathBuf> = targets.into_iter().map(|(t, f)| (f, t)).collect();
    let mut staged = Vec::new();
    let result = (|| {
        for (file, risks) in &by_file {
            let path = loaded.sources.path(*file);
            let target = &locked[file];
            let original = std::fs::read(target).map_err(|e| cannot_read(path, &e))?;
            let (bom, text) = split_bom(&original);
            let text = std::str::from_utf8(text).map_err(|_| changed(path))?;
            // The file as it is now: its risks, and where their keys are.
            let mut diagnostics = Vec::new();
            let now = register::reread(text, &mut diagnostics);
            let fresh: Vec<&Risk> = risks
                .iter()
                .map(|r| {
                    now.iter()
                        .find(|n| n.system == r.system && n.id.value == r.id.value)
                })
                .collect::<Option<_>>()
                .ok_or_else(|| changed(path))?;
            if std::fs::metadata(target).is_ok_and(|m| m.permissions().readonly()) {
                return Err(MarkError::new(
                    format!("`{}` is read-only; no file was changed", display_path(path)),
                    "make it writable if the review should be recorded there",
                ));
            }
            // A new file renamed over a hard link would leave the other
            // names with the old text: the register would split in two.
            if let Some(links) = hard_links(target).filter(|&n| n > 1) {
                return Err(MarkError::new(
                    format!(
                        "`{}` has {links} hard links, and opx writes a file anew; no file was changed",
                        display_path(path)
                    ),
                    "record the review by hand, or keep one name for the file (a symbolic link is followed)",
                ));
            }
            let (edited, mut done) = edit(text, risks, &fresh, today);
            done.iter_mut().for_each(|m| m.file = display_path(path));
            verify(path, &edited, &fresh, today)?;
            let mut bytes = Vec::with_capacity(bom.len() + edited.len());
            bytes.extend_from_slice(bom);
            bytes.extend_from_slice(edited.as_bytes());
            let stage = Staged::write(target, &bytes).map_err(|e| {
                MarkError::new(
                    format!("cannot write `{}`: {}", display_path(path), io_reason(&e)),
                    "check that the folder is writable",
                )
            })?;
            staged.push((stage, target.clone(), original));
            marked.append(&mut done);
        }
        Ok(())
    })();
    if let Err(e) = result {
        staged.into_iter().for_each(|(s, _, _)| s.discard());
        return Err(e);
    }
    let cannot_write = |path: &Path, e: &std::io::Error| {
        MarkError::new(
            format!("cannot write `{}`: {}", display_path(path), io_reason(e)),
            "check that the folder is writable",
        )
    };
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
    Ok(marked)
}

/// `target` (the file `path` names, its links followed) opened and locked
/// exclusively, waiting until `deadline` for another run to let go. The
/// lock is taken on the file that is at the path once it is held: a run
/// that held it before may have renamed a new file over it.
fn hold(path: &Path, target: &Path, deadline: Instant) -> Result<std::fs::File, MarkError> {
    loop {
        let file = std::fs::File::open(target).map_err(|e| cannot_read(path, &e))?;
        loop {
            match try_lock(&file) {
                Ok(true) => break,
                Ok(false) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(10));
                }
                Ok(false) => {
                    return Err(MarkError::new(
                        format!(
                            "`{}` is being edited by another program (another `opx review --mark`?) and was not let go within {} seconds; no file was changed",
                            display_path(path),
                            LOCK_WAIT.as_secs()
                        ),
                        "wait for it to finish, then run the command again",
                    ));
                }
                Err(e) => {
                    return Err(MarkError::new(
                        format!("cannot lock `{}`: {}", display_path(path), io_reason(&e)),
                        "no file was changed; record the review by hand if the file system takes no locks",
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

/// The one risk `id` names: `system/risk`, or a risk id unique across systems.
fn resolve<'a>(loaded: &'a Loaded, id: &str) -> Result<&'a Risk, MarkError> {
    let register = &loaded.register;
    register
        .find_risk(id)
        .map(|i| &register.risks[i])
        .map_err(|e| {
            // `--mark` takes every value after it, so a path written last
            // arrives here as an id.
            let help = if id.ends_with(".toml") || std::path::Path::new(id).is_dir() {
                format!(
                    "`{id}` is a path: write paths before --mark (opx review {id} --mark ID...)"
                )
            } else {
                e.help
            };
            MarkError::new(format!("{}; no file was changed", e.message), help)
        })
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

/// Applies the review date in `text` to `risks` (as the register names
/// them), found in the file as it is now (`fresh`, in the same order);
/// returns the new text and what was marked.
fn edit(text: &str, risks: &[&Risk], fresh: &[&Risk], today: Date) -> (String, Vec<Marked>) {
    let eol = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let mut edits: Vec<(Range<usize>, String)> = Vec::new();
    let mut marked = Vec::new();
    for (named, risk) in risks.iter().zip(fresh) {
        let change = match &risk.reviewed {
            Some(reviewed) => {
                edits.push((reviewed.span.range(), today.to_string()));
                Change::Updated
            }
            None => {
                // A new line after the `id` line, indented like it.
                let id = &risk.id.span.range();
                let line_start = text[..id.start].rfind('\n').map_or(0, |i| i + 1);
                let indent: String = text[line_start..]
                    .chars()
                    .take_while(|c| *c == ' ' || *c == '\t')
                    .collect();
                let line = format!("{indent}reviewed = {today}");
                match text[id.end..].find('\n') {
                    Some(i) => {
                        let at = id.end + i + 1;
                        edits.push((at..at, format!("{line}{eol}")));
                    }
                    None => edits.push((text.len()..text.len(), format!("{eol}{line}"))),
                }
                Change::Added
            }
        };
        marked.push(Marked {
            risk: named.name(),
            file: String::new(),
            change,
        });
    }
    edits.sort_by_key(|(range, _)| std::cmp::Reverse(range.start));
    let mut out = text.to_string();
    for (range, replacement) in edits {
        out.replace_range(range, &replacement);
    }
    (out, marked)
}

/// Reads the edited text back through the validator: it must still be a
/// valid register file whose marked risks now carry today's date.
fn verify(
    path: &std::path::Path,
    edited: &str,
    risks: &[&Risk],
    today: Date,
) -> Result<(), MarkError> {
    let unsafe_edit = || {
        MarkError::new(
            format!(
                "cannot record the review in `{}` without changing more than the date; no file was changed",
                display_path(path)
            ),
            "add `reviewed = <date>` to the risk by hand (it may be written as an inline table)",
        )
    };
    let mut diagnostics = Vec::new();
    let reread = register::reread(edited, &mut diagnostics);
    if diagnostics
        .iter()
        .any(|d| d.severity == crate::diag::Severity::Error)
    {
        return Err(unsafe_edit());
    }
    for risk in risks {
        let ok = reread.iter().any(|r| {
            r.system == risk.system
                && r.id.value == risk.id.value
                && r.reviewed.map(|d| d.value) == Some(today)
        });
        if !ok {
            return Err(unsafe_edit());
        }
    }
    Ok(())
}

fn cannot_read(path: &std::path::Path, e: &std::io::Error) -> MarkError {
    MarkError::new(
        format!("cannot read `{}`: {}", display_path(path), io_reason(e)),
        "no file was changed",
    )
}

fn changed(path: &std::path::Path) -> MarkError {
    MarkError::new(
        format!(
            "`{}` changed on disk while opx was working; no file was changed",
            display_path(path)
        ),
        "run the command again",
    )
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
        let refused = hold(&path, &path, soon).unwrap_err();
        assert!(refused.message.contains("is being edited"), "{refused:?}");

        // The holder renames a new file over it, then lets go: the lock
        // is taken on the new file, not on the one it replaced.
        let waiting = {
            let path = path.clone();
            std::thread::spawn(move || {
                let file = hold(&path, &path, Instant::now() + LOCK_WAIT).unwrap();
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
