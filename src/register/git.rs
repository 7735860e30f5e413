//! A register as a git revision holds it, read with `git ls-tree` and
//! `git show`, for `opx diff --git`.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::Unreadable;
use super::discover::is_register_file;
use crate::diag::Diagnostic;

/// Why a revision could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GitError {
    pub message: String,
    pub help: String,
    /// git ran (and failed); `false` when it could not be started at all.
    spawned: bool,
}

fn git(args: &[&str]) -> Result<Vec<u8>, GitError> {
    let output = Command::new("git")
        .args(args)
        .output()
        .map_err(|e| GitError {
            message: format!("cannot run git: {e}"),
            help: "install git, or compare two folders with `opx diff OLD NEW`".to_string(),
            spawned: false,
        })?;
    if output.status.success() {
        return Ok(output.stdout);
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    Err(GitError {
        message: format!(
            "git {} failed: {}",
            args.first().copied().unwrap_or_default(),
            stderr.trim().trim_start_matches("fatal: ")
        ),
        help: "run opx inside the repository, and name a revision it has (a branch, tag or commit)"
            .to_string(),
        spawned: true,
    })
}

/// A register as a revision holds it.
#[derive(Debug)]
pub struct Revision {
    /// Each file, named `REV:path`, and its bytes.
    pub files: Vec<(PathBuf, Vec<u8>)>,
    /// The files it could not take (too large), as problems.
    pub problems: Vec<Diagnostic>,
}

/// The file at `path` (relative to the current folder) as `revision` has
/// it; `None` when the revision has no such file.
pub fn file_at(revision: &str, path: &Path) -> Result<Option<Vec<u8>>, GitError> {
    let name = format!("{revision}:./{}", path.to_string_lossy());
    // `cat-file -e` tells a missing file from a failing git.
    if git(&["cat-file", "-e", &name]).is_err() {
        return Ok(None);
    }
    git(&["show", &name]).map(Some)
}

/// The register files under `paths` (folders or files, relative to the
/// current folder) as they are at `revision`, and a `file-too-large`
/// problem for each one larger than `max` bytes, which is not read.
pub fn files_at(revision: &str, paths: &[PathBuf], max: u64) -> Result<Revision, GitError> {
    let commit = format!("{revision}^{{commit}}");
    git(&["rev-parse", "--verify", "--quiet", &commit]).map_err(|e| match e.spawned {
        // With --quiet, git explains only what is not about the revision
        // itself, such as running outside a repository.
        true if !e.message.ends_with("failed: ") => e,
        false => e,
        true => GitError {
            message: format!("no revision `{revision}` in this repository"),
            help: "name a branch, tag or commit that exists, such as origin/main or HEAD~1"
                .to_string(),
            spawned: true,
        },
    })?;
    // `-l` gives each blob's size, so an oversized one is never read.
    let mut args = vec!["ls-tree", "-r", "-z", "-l", revision, "--"];
    let shown: Vec<String> = paths
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    args.extend(shown.iter().map(String::as_str));
    let listing = git(&args)?;
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for entry in listing.split(|b| *b == 0).filter(|n| !n.is_empty()) {
        // `<mode> <type> <object> <size>\t<name>`
        let entry = String::from_utf8_lossy(entry);
        let Some((meta, name)) = entry.split_once('\t') else {
            continue;
        };
        let size: Option<u64> = meta.split_whitespace().nth(3).and_then(|s| s.parse().ok());
        let path = PathBuf::from(name);
        let named_directly = paths.iter().any(|p| p == Path::new(name));
        if !named_directly && !is_register_file(&path) {
            continue;
        }
        // Named `REV:path`, so that a problem in the old version says so.
        let shown = format!("{revision}:{name}");
        if let Some(size) = size.filter(|&size| size > max) {
            problems.push(Unreadable::TooLarge(Some(size)).diagnostic(Path::new(&shown), max));
            continue;
        }
        let bytes = git(&["show", &format!("{revision}:./{name}")])?;
        files.push((PathBuf::from(shown), bytes));
    }
    files.sort();
    Ok(Revision { files, problems })
}
