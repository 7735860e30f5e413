//! Which files make up a register, given the paths on the command line.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

use crate::diag::{Code, Diagnostic};
use crate::source::display_path;

/// The policy file, which may sit beside the register; it is not a register file.
pub const CONFIG_FILE_NAME: &str = "opx.toml";

/// Files named on the command line are taken as they are; folders give
/// every `*.toml` below them, sorted, skipping hidden entries and `opx.toml`.
/// A file reached twice is read once.
pub fn discover(paths: &[PathBuf], diagnostics: &mut Vec<Diagnostic>) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut seen = HashSet::new();
    for path in paths {
        let metadata = match fs::metadata(path) {
            Ok(m) => m,
            Err(e) => {
                diagnostics.push(io_error(path, &e));
                continue;
            }
        };
        let found = if metadata.is_dir() {
            let mut found = Vec::new();
            walk(path, &mut found, diagnostics);
            if found.is_empty() {
                diagnostics.push(
                    Diagnostic::new(Code::NoRegister, format!("no .toml files in `{}`", display_path(path)))
                        .at_path(display_path(path))
                        .help("a register is one or more .toml files; point opx at them or at the folder that holds them, or start one here with `opx init`"),
                );
            }
            found
        } else {
            vec![path.clone()]
        };
        for file in found {
            let key = fs::canonicalize(&file).unwrap_or_else(|_| file.clone());
            if seen.insert(key) {
                files.push(file);
            }
        }
    }
    files
}

fn walk(dir: &Path, found: &mut Vec<PathBuf>, diagnostics: &mut Vec<Diagnostic>) {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            diagnostics.push(io_error(dir, &e));
            return;
        }
    };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') {
            continue;
        }
        let path = entry.path();
        // Symbolic links to folders are not followed, so a link cycle cannot loop.
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            walk(&path, found, diagnostics);
        } else if name.ends_with(".toml") && name != CONFIG_FILE_NAME {
            // A link to a file is read like the file; one that leads nowhere
            // is reported rather than skipped, so no register file is lost.
            match fs::metadata(&path) {
                Ok(m) if m.is_file() => found.push(path),
                Ok(_) => {}
                Err(e) => diagnostics.push(io_error(&path, &e)),
            }
        }
    }
}

/// Whether a path found below a folder is a register file: a `.toml` that
/// is not the policy file, with no hidden folder or file on its way.
pub fn is_register_file(relative: &Path) -> bool {
    let hidden = relative.components().any(|c| {
        matches!(c, std::path::Component::Normal(part) if part.to_string_lossy().starts_with('.'))
    });
    let name = relative
        .file_name()
        .map(|n| n.to_string_lossy().into_owned());
    !hidden && name.is_some_and(|n| n.ends_with(".toml") && n != CONFIG_FILE_NAME)
}

pub fn io_error(path: &Path, error: &std::io::Error) -> Diagnostic {
    let shown = display_path(path);
    let help = match error.kind() {
        std::io::ErrorKind::NotFound => {
            "check the path; opx takes register files or the folders that hold them"
        }
        std::io::ErrorKind::PermissionDenied => "check the file's permissions",
        _ => "check that the path is a readable file or folder",
    };
    Diagnostic::new(
        Code::Io,
        format!("cannot read `{shown}`: {}", io_reason(error)),
    )
    .at_path(shown)
    .help(help)
}

/// The OS message without its "(os error N)" tail, lowercased like our own.
pub fn io_reason(error: &std::io::Error) -> String {
    let text = error.to_string();
    let text = text.split(" (os error").next().unwrap_or(&text);
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => text.to_string(),
    }
}
