//! Which files make up a register, given the paths on the command line.
//!
//! A folder is walked for its `.toml` files; a link met on the way is
//! followed only when it leads to a file inside the folder or the
//! repository that holds it, never into a hidden folder (`.git`) nor out:
//! a register under review cannot make opx quote `.git/config` or
//! `/etc/passwd` into a CI log. A path the user names is read as given.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

use crate::diag::{Code, Diagnostic};
use crate::source::display_path;

/// The policy file, which may sit beside the register; it is not a register file.
pub const CONFIG_FILE_NAME: &str = "opx.toml";

/// A file to read, and how it came to be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub path: PathBuf,
    /// Found in a folder rather than named: it is read as a register only
    /// if it looks like one (see [`looks_like_register`]).
    pub in_folder: bool,
}

/// Files named on the command line are taken as they are; folders give
/// every `*.toml` below them, sorted, skipping hidden entries and `opx.toml`.
/// A file reached twice is read once.
pub fn discover(paths: &[PathBuf], diagnostics: &mut Vec<Diagnostic>) -> Vec<Found> {
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
            let bounds = Bounds::of(path);
            walk(path, &bounds, &mut found, diagnostics);
            if found.is_empty() {
                diagnostics.push(
                    Diagnostic::new(Code::NoRegister, format!("no .toml files in `{}`", display_path(path)))
                        .at_path(display_path(path))
                        .help("a register is one or more .toml files; point opx at them or at the folder that holds them, or start one here with `opx init`"),
                );
            }
            found.into_iter().map(|path| (path, true)).collect()
        } else {
            vec![(path.clone(), false)]
        };
        for (file, in_folder) in found {
            let key = fs::canonicalize(&file).unwrap_or_else(|_| file.clone());
            if seen.insert(key) {
                files.push(Found {
                    path: file,
                    in_folder,
                });
            }
        }
    }
    files
}

fn walk(dir: &Path, bounds: &Bounds, found: &mut Vec<PathBuf>, diagnostics: &mut Vec<Diagnostic>) {
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
            walk(&path, bounds, found, diagnostics);
        } else if name.ends_with(".toml") && name != CONFIG_FILE_NAME {
            // A link to a file inside is read like the file; one that leads
            // nowhere is reported rather than skipped, so no register file
            // is lost.
            if kind.is_symlink()
                && let Ok(target) = fs::canonicalize(&path)
                && !bounds.hold(&target)
            {
                diagnostics.push(skipped_link(&path, bounds));
                continue;
            }
            match fs::metadata(&path) {
                Ok(m) if m.is_file() => found.push(path),
                Ok(_) => {}
                Err(e) => diagnostics.push(io_error(&path, &e)),
            }
        }
    }
}

/// Where links met in a walk may lead: the folder walked and the
/// repository that holds it, with their links resolved.
#[derive(Debug, Clone)]
pub struct Bounds {
    folder: Option<PathBuf>,
    repository: Option<PathBuf>,
}

impl Bounds {
    /// The bounds of a walk of `folder`: itself, and the nearest folder at
    /// or above it that holds `.git`.
    pub fn of(folder: &Path) -> Bounds {
        let folder = fs::canonicalize(folder).ok();
        let repository = folder
            .as_deref()
            .and_then(|f| f.ancestors().find(|a| a.join(".git").exists()))
            .map(Path::to_path_buf);
        Bounds { folder, repository }
    }

    /// Whether `target` (with its links resolved) lies inside the folder
    /// or the repository, with no hidden folder or file on the way there.
    pub fn hold(&self, target: &Path) -> bool {
        [&self.folder, &self.repository]
            .into_iter()
            .flatten()
            .any(|root| {
                target
                    .strip_prefix(root)
                    .is_ok_and(|inside| !is_hidden(inside))
            })
    }

    /// What a skipped link could lead to, as its note says.
    fn named(&self) -> &'static str {
        if self.repository.is_some() {
            "the folder and its repository"
        } else {
            "the folder"
        }
    }
}

/// Whether any part of `relative` is hidden (starts with a dot).
fn is_hidden(relative: &Path) -> bool {
    relative.components().any(|c| {
        matches!(c, std::path::Component::Normal(part) if part.to_string_lossy().starts_with('.'))
    })
}

/// The note for a link that leads out of what a walk may read: where it
/// is, never what it leads to, which stays unread and unnamed.
pub fn skipped_link(path: &Path, bounds: &Bounds) -> Diagnostic {
    let shown = display_path(path);
    Diagnostic::new(
        Code::SkippedLink,
        format!(
            "`{shown}` is a link that leads out of {}; it was not read",
            bounds.named()
        ),
    )
    .at_path(shown)
    .help("opx follows a link found in a folder only to a file inside the folder or its repository (not into a hidden folder); name the file on the command line to read it anyway")
}

/// Whether a path found below a folder is a register file: a `.toml` that
/// is not the policy file, with no hidden folder or file on its way.
pub fn is_register_file(relative: &Path) -> bool {
    let hidden = is_hidden(relative);
    let name = relative
        .file_name()
        .map(|n| n.to_string_lossy().into_owned());
    !hidden && name.is_some_and(|n| n.ends_with(".toml") && n != CONFIG_FILE_NAME)
}

/// Whether a TOML file found in a folder is a register file: its top
/// level has a `system` table, or `risk` or `incident` entries. Any other
/// TOML file (`Cargo.toml`, `pyproject.toml`, `rustfmt.toml`) shares the
/// folder and is passed over.
pub fn is_register_table(root: &toml::de::DeTable<'_>) -> bool {
    REGISTER_KEYS.iter().any(|key| root.get(*key).is_some())
}

/// Whether a file found in a folder that is not valid TOML was meant as a
/// register: a line opens a `[system]`, `[[risk]]` or `[[incident]]`
/// table (or one inside them, or starts to), or sets one of those keys. Its syntax
/// error is then reported; any other broken TOML file is passed over.
pub fn looks_like_register(text: &str) -> bool {
    text.lines().any(|line| {
        let line = line.trim_start().trim_start_matches('[').trim_start();
        // A key may be quoted: `["system"]` is `[system]` to TOML.
        let line = line.strip_prefix(['"', '\'']).unwrap_or(line);
        REGISTER_KEYS.iter().any(|key| {
            line.strip_prefix(key).is_some_and(|rest| {
                // `[system` cut short counts too: it is a register's header.
                let rest = rest.strip_prefix(['"', '\'']).unwrap_or(rest).trim_start();
                rest.is_empty() || rest.starts_with([']', '.', '='])
            })
        })
    })
}

/// The top-level keys that make a TOML file a register file.
const REGISTER_KEYS: [&str; 3] = ["system", "risk", "incident"];

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

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn a_walk_follows_links_inside_and_notes_those_that_lead_out() {
        let dir = tempfile::tempdir().unwrap();
        let root = fs::canonicalize(dir.path()).unwrap();
        for folder in [".git", "risks/deep", "shared", ".hidden"] {
            fs::create_dir_all(root.join(folder)).unwrap();
        }
        for file in [
            "risks/a.toml",
            "shared/b.toml",
            ".hidden/c.toml",
            ".git/config",
        ] {
            fs::write(root.join(file), "").unwrap();
        }
        let outside = tempfile::tempdir().unwrap();
        fs::write(outside.path().join("d.toml"), "").unwrap();
        symlink("../a.toml", root.join("risks/deep/in-folder.toml")).unwrap();
        symlink("../shared/b.toml", root.join("risks/in-repository.toml")).unwrap();
        symlink("../.hidden/c.toml", root.join("risks/hidden.toml")).unwrap();
        symlink("../.git/config", root.join("risks/git.toml")).unwrap();
        symlink(outside.path().join("d.toml"), root.join("risks/out.toml")).unwrap();
        let mut diagnostics = Vec::new();
        let found = discover(&[root.join("risks")], &mut diagnostics);
        let names: Vec<_> = found
            .iter()
            .map(|f| {
                f.path
                    .strip_prefix(&root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        // `deep/in-folder.toml` leads to `a.toml`, which is read once.
        assert_eq!(names, ["risks/a.toml", "risks/in-repository.toml"]);
        let skipped: Vec<_> = diagnostics
            .iter()
            .map(|d| (d.code, d.severity, d.location.clone()))
            .collect();
        let at = |name: &str| {
            (
                Code::SkippedLink,
                crate::diag::Severity::Note,
                crate::diag::Location::Path(display_path(&root.join(name))),
            )
        };
        assert_eq!(
            skipped,
            [
                at("risks/git.toml"),
                at("risks/hidden.toml"),
                at("risks/out.toml")
            ]
        );
    }

    #[test]
    fn broken_toml_is_a_register_when_it_opens_a_register_table() {
        for text in [
            "[system]\nid = \"a\"\nname = ",
            "  [[ risk ]]\nid = ",
            "[[risk.action]]\nwhat = ",
            "[[incident]]\n=",
            "[system\n",
            "[[risk\nid = 1",
            "system = { id = ",
            "[\"system\"]\ntodo = ",
            "[['risk']]\nid = ",
            "\"incident\" = ",
        ] {
            assert!(looks_like_register(text), "{text:?}");
        }
        for text in [
            "[package]\nname = ",
            "[tool.ruff]\nline-length = ",
            "[systems]\n=",
            "# [[risk]] in a comment\n=",
            "risky = ",
            "[\"systems\"]\n=",
            "",
        ] {
            assert!(!looks_like_register(text), "{text:?}");
        }
    }

    #[test]
    fn outside_a_repository_only_the_folder_holds() {
        let dir = tempfile::tempdir().unwrap();
        let root = fs::canonicalize(dir.path()).unwrap();
        fs::create_dir_all(root.join("risks")).unwrap();
        fs::write(root.join("b.toml"), "").unwrap();
        let bounds = Bounds::of(&root.join("risks"));
        assert!(bounds.hold(&root.join("risks/a.toml")));
        assert!(!bounds.hold(&root.join("b.toml")));
        assert!(!bounds.hold(&root.join("risks/.x/a.toml")));
    }
}
