//! Loading a register: files → spanned TOML → validated model.
//!
//! [`load`] reads, parses and validates every file on its own, across the
//! machine's cores, then joins them (systems by id, risks to their
//! systems; see `assemble`). It never stops at the first problem: it
//! returns the model it could build and every diagnostic, and the caller
//! refuses to go on if any of them is an error.

mod assemble;
mod discover;
mod factor;
pub(crate) mod fields;
mod file;
pub mod format;
pub mod git;
mod incident;
pub mod model;
mod risk;
mod system;

use std::convert::Infallible;
use std::path::{Path, PathBuf};

pub use discover::{Bounds, CONFIG_FILE_NAME, io_error, io_reason, is_register_file, skipped_link};
use toml::de::DeTable;

use crate::diag::{Code, Diagnostic};
use crate::parallel;
use crate::source::{FileId, Lines, Origin, Sources, Span, decode, display_path};
use assemble::Assembly;
use fields::Sink;
use file::FileRegister;
pub use model::Register;

/// The result of loading: the model, the files it came from, and every problem found.
#[derive(Debug, Default)]
pub struct Loaded {
    pub register: Register,
    pub sources: Sources,
    pub diagnostics: Vec<Diagnostic>,
}

impl Loaded {
    /// Whether any problem stops the register from being used.
    pub fn failed(&self) -> bool {
        crate::diag::has_errors(&self.diagnostics)
    }
}

/// What opx is willing to read: a cap on each file, so that no input, a
/// runaway file or `/dev/zero`, can exhaust the machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The largest register or policy file read, in bytes.
    pub max_file_size: u64,
}

impl Limits {
    pub const DEFAULT_MAX_FILE_SIZE: u64 = 16 * 1024 * 1024;
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_size: Limits::DEFAULT_MAX_FILE_SIZE,
        }
    }
}

/// Why a file was not read.
#[derive(Debug)]
pub(crate) enum Unreadable {
    Io(std::io::Error),
    /// A pipe, a socket, a device: what it is.
    NotAFile(&'static str),
    /// Its size, where known before reading.
    TooLarge(Option<u64>),
}

impl Unreadable {
    /// The problem, located at `path`, for a cap of `max` bytes.
    pub(crate) fn diagnostic(&self, path: &Path, max: u64) -> Diagnostic {
        let shown = display_path(path);
        match self {
            Unreadable::Io(e) => io_error(path, e),
            Unreadable::NotAFile(kind) => Diagnostic::new(
                Code::NotAFile,
                format!("`{shown}` is {kind}, not a file opx can read"),
            )
            .at_path(shown)
            .help("name the register's .toml files, or the folder that holds them"),
            Unreadable::TooLarge(size) => Diagnostic::new(
                Code::FileTooLarge,
                format!(
                    "`{shown}` is {}, over the {} opx reads",
                    size.map_or_else(|| "larger".to_string(), size_text),
                    size_text(max)
                ),
            )
            .at_path(shown)
            .help("split the register into several files, or raise the cap with --max-file-size"),
        }
    }
}

/// A regular file's bytes, at most `max`. Anything else (a pipe, a
/// socket, a device) is refused without being waited on: it is opened
/// without blocking and judged by what the open handle is, so it cannot
/// be swapped in between a look and the read. A file larger than `max`
/// is refused before it is read to the end.
pub(crate) fn read_limited(path: &Path, max: u64) -> Result<Vec<u8>, Unreadable> {
    use std::io::Read;
    let file = open_without_blocking(path).map_err(Unreadable::Io)?;
    let metadata = file.metadata().map_err(Unreadable::Io)?;
    if !metadata.is_file() {
        return Err(Unreadable::NotAFile(file_kind(&metadata)));
    }
    if metadata.len() > max {
        return Err(Unreadable::TooLarge(Some(metadata.len())));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(metadata.len()).unwrap_or(0));
    file.take(max.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(Unreadable::Io)?;
    // It grew while read, or said it was smaller than it is.
    if bytes.len() as u64 > max {
        return Err(Unreadable::TooLarge(None));
    }
    Ok(bytes)
}

#[cfg(unix)]
fn open_without_blocking(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    let nonblocking = rustix::fs::OFlags::NONBLOCK.bits();
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(i32::try_from(nonblocking).unwrap_or(0))
        .open(path)
}

#[cfg(not(unix))]
fn open_without_blocking(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(path)
}

/// What a path that is not a regular file is, as a message names it.
fn file_kind(metadata: &std::fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let kind = metadata.file_type();
        if kind.is_fifo() {
            return "a pipe (FIFO)";
        }
        if kind.is_socket() {
            return "a socket";
        }
        if kind.is_char_device() || kind.is_block_device() {
            return "a device";
        }
    }
    if metadata.is_dir() {
        "a folder"
    } else {
        "not a regular file"
    }
}

/// `16 MiB`, `1.5 GiB`, `300 bytes`.
pub fn size_text(bytes: u64) -> String {
    const UNITS: [(&str, u64); 3] = [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)];
    for (unit, size) in UNITS {
        if bytes >= size {
            let value = bytes as f64 / size as f64;
            let text = format!("{value:.1}");
            return format!("{} {unit}", text.trim_end_matches(".0"));
        }
    }
    format!("{bytes} bytes")
}

/// A file to load: a path to read, or bytes already in hand.
enum Input {
    /// The path, its limits, and whether it was found in a folder.
    Disk(PathBuf, Limits, bool),
    Memory(PathBuf, Vec<u8>),
}

/// Loads the register in `paths` (files, or folders searched for
/// `*.toml`), each file read within `limits`. A file found in a folder
/// that is not a register file (`Cargo.toml`) is passed over and counted
/// in [`Sources::skipped`]; a file named is always read as a register.
pub fn load(paths: &[PathBuf], limits: Limits) -> Loaded {
    let mut diagnostics = Vec::new();
    let inputs = discover::discover(paths, &mut diagnostics)
        .into_iter()
        .map(|found| Input::Disk(found.path, limits, found.in_folder))
        .collect();
    let mut loaded = load_inputs(inputs, diagnostics);
    let skipped = loaded.sources.skipped();
    if skipped > 0 && loaded.sources.read() == 0 && !loaded.failed() {
        let folders: Vec<String> = paths
            .iter()
            .filter(|p| p.is_dir())
            .map(|p| format!("`{}`", display_path(p)))
            .collect();
        let mut diagnostic = Diagnostic::new(
            Code::NoRegister,
            format!(
                "no register files in {}; {} skipped",
                folders.join(", "),
                other_toml(skipped)
            ),
        )
        .help("a register file has a [system] table or [[risk]] entries; point opx at your register's files or folder, or start one here with `opx init`");
        if let [folder] = folders.as_slice() {
            diagnostic = diagnostic.at_path(folder.trim_matches('`').to_string());
        }
        loaded.diagnostics.push(diagnostic);
    }
    loaded
}

/// `1 other TOML file`, `3 other TOML files`: the files passed over.
pub fn other_toml(skipped: usize) -> String {
    if skipped == 1 {
        "1 other TOML file".to_string()
    } else {
        format!("{skipped} other TOML files")
    }
}

/// Loads a register from file contents already in hand (a git revision's,
/// say); `diagnostics` holds any problem met while gathering them. Each
/// is taken as found in a folder: one that is not a register file is
/// passed over.
pub fn load_contents(files: Vec<(PathBuf, Vec<u8>)>, diagnostics: Vec<Diagnostic>) -> Loaded {
    let inputs = files
        .into_iter()
        .map(|(path, bytes)| Input::Memory(path, bytes))
        .collect();
    load_inputs(inputs, diagnostics)
}

fn load_inputs(inputs: Vec<Input>, mut diagnostics: Vec<Diagnostic>) -> Loaded {
    let mut sources = Sources::default();
    let mut assembly = Assembly::default();
    let numbered = inputs
        .into_iter()
        .enumerate()
        .map(|(i, input)| (file_id(i), input))
        .collect();
    // Files are read and validated on every core and joined in file order
    // as they come, so only a few files' parts wait at any time.
    let joined: Result<(), Infallible> = parallel::in_order(
        numbered,
        |(id, input)| read_one(id, input),
        |read| {
            let id = match read.text {
                _ if read.skipped => sources.add_skipped(read.path, read.origin),
                Some(text) => sources.add(read.path, text, read.origin),
                None => sources.add_released(read.path, read.len),
            };
            debug_assert_eq!(
                id, read.id,
                "files are added in the order they were numbered"
            );
            diagnostics.extend(read.diagnostics);
            assembly.add(read.part, &mut diagnostics);
            Ok(())
        },
    );
    let Ok(()) = joined;
    let mut register = assembly.finish(&mut diagnostics);
    find_runbooks(&mut register, &sources);
    sort_and_dedup(&mut diagnostics);
    Loaded {
        register,
        sources,
        diagnostics,
    }
}

/// One file, read and validated on its own.
struct Read {
    id: FileId,
    path: PathBuf,
    origin: Origin,
    len: usize,
    /// The text, kept when a diagnostic may show it or it cannot be read again.
    text: Option<String>,
    part: FileRegister,
    diagnostics: Vec<Diagnostic>,
    /// Found in a folder and not a register file.
    skipped: bool,
}

fn file_id(index: usize) -> FileId {
    FileId(u32::try_from(index).expect("fewer than 4 billion files"))
}

fn read_one(id: FileId, input: Input) -> Read {
    let (path, origin, bytes, in_folder) = match input {
        Input::Disk(path, limits, in_folder) => match read_limited(&path, limits.max_file_size) {
            Ok(bytes) => (path, Origin::Disk, bytes, in_folder),
            Err(unreadable) => {
                let diagnostic = unreadable.diagnostic(&path, limits.max_file_size);
                return Read {
                    id,
                    path,
                    origin: Origin::Disk,
                    len: 0,
                    text: Some(String::new()),
                    part: FileRegister::default(),
                    diagnostics: vec![diagnostic],
                    skipped: false,
                };
            }
        },
        Input::Memory(path, bytes) => (path, Origin::Memory, bytes, true),
    };
    let mut diagnostics = Vec::new();
    let (text, part) = match decode(bytes) {
        Ok(text) => match parse(id, &text, in_folder, &mut diagnostics) {
            Some(part) => (text, part),
            None => {
                return Read {
                    id,
                    path,
                    origin,
                    len: 0,
                    text: None,
                    part: FileRegister::default(),
                    diagnostics,
                    skipped: true,
                };
            }
        },
        Err((bytes, at)) => {
            diagnostics.push(
                Diagnostic::new(Code::NotText, "this file is not UTF-8 text")
                    .at(Span::new(id, at..at + 1), "first byte that is not UTF-8")
                    .help("a register file is UTF-8 TOML; is this a binary file, or saved in another encoding?"),
            );
            // The lossy text is kept only to show the error.
            (
                String::from_utf8_lossy(&bytes).into_owned(),
                FileRegister::default(),
            )
        }
    };
    let keep = origin == Origin::Memory || !diagnostics.is_empty();
    Read {
        id,
        path,
        origin,
        len: text.len(),
        text: keep.then_some(text),
        part,
        diagnostics,
        skipped: false,
    }
}

/// Parses and validates one file's text; `None` when it was found in a
/// folder (`in_folder`) and is not a register file, which is passed over
/// without a word: valid TOML with none of a register's tables, or broken
/// TOML that does not open one (see `discover::looks_like_register`).
fn parse(
    id: FileId,
    text: &str,
    in_folder: bool,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<FileRegister> {
    let lines = Lines::new(std::borrow::Cow::Borrowed(text));
    let mut sink = Sink {
        file: id,
        diagnostics,
        lines: &lines,
    };
    let (root, errors) = DeTable::parse_recoverable(text);
    if in_folder {
        let register = if errors.is_empty() {
            discover::is_register_table(root.get_ref())
        } else {
            discover::looks_like_register(text)
        };
        if !register {
            return None;
        }
    }
    if !errors.is_empty() {
        // What the parser recovered may be half a table; validating it would
        // report problems that are only echoes of the syntax error. While it
        // recovers, the parser may report one spot several ways; the first
        // says it best.
        let mut last_start = None;
        for error in &errors {
            let start = error.span().map(|s| s.start);
            if start.is_none() || start != last_start {
                sink.syntax_error(error);
            }
            last_start = start;
        }
        return Some(FileRegister::default());
    }
    let span = root.span();
    Some(file::validate_file(&mut sink, root.get_ref(), span))
}

/// The risks of one file's text, validated on its own (without the other
/// files of the register); problems go to `diagnostics`.
pub fn reread(text: &str, diagnostics: &mut Vec<Diagnostic>) -> Vec<model::Risk> {
    parse(FileId(0), text, false, diagnostics)
        .unwrap_or_default()
        .entries
        .into_iter()
        .filter_map(|e| {
            let mut risk = e.risk?;
            risk.system = e.system;
            Some(risk)
        })
        .collect()
}

/// The system and risks of one file's text, validated on its own;
/// problems go to `diagnostics`.
pub fn reread_file(
    text: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Option<model::System>, Vec<model::Risk>) {
    let part = parse(FileId(0), text, false, diagnostics).unwrap_or_default();
    let risks = part
        .entries
        .into_iter()
        .filter_map(|e| {
            let mut risk = e.risk?;
            risk.system = e.system;
            Some(risk)
        })
        .collect();
    (part.system, risks)
}

/// Settles whether each runbook path exists, relative to the folder of the
/// file that names it. This is the one place the model looks at the disk
/// beyond the register itself. It looks only inside that folder and its
/// repository, as a walk does ([`Bounds`]): a path that leads anywhere else
/// counts as missing whether or not something is there, so a register
/// cannot learn through the gate which files exist on the machine.
fn find_runbooks(register: &mut Register, sources: &Sources) {
    let mut bounds: std::collections::HashMap<PathBuf, Bounds> = std::collections::HashMap::new();
    for risk in &mut register.risks {
        for action in &mut risk.actions {
            let Some(runbook) = action.runbook.as_mut() else {
                continue;
            };
            if let model::Runbook::Path { path, exists } = &mut runbook.value {
                let file = sources.path(runbook.span.file);
                let folder = match file.parent() {
                    Some(folder) if !folder.as_os_str().is_empty() => folder.to_path_buf(),
                    _ => PathBuf::from("."),
                };
                let target = std::fs::canonicalize(folder.join(path.as_str()));
                let bounds = bounds
                    .entry(folder)
                    .or_insert_with_key(|folder| Bounds::of(folder));
                *exists = target.is_ok_and(|target| bounds.hold(&target));
            }
        }
    }
}

/// Orders diagnostics by file and position, and drops repeats (the TOML
/// parser can report one error twice while it recovers).
pub(crate) fn sort_and_dedup(diagnostics: &mut Vec<Diagnostic>) {
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    diagnostics
        .dedup_by(|a, b| a.code == b.code && a.location == b.location && a.message == b.message);
}
