//! Loading a register: files → spanned TOML → validated model.
//!
//! [`load`] reads, parses and validates every file on its own, across the
//! machine's cores, then joins them (systems by id, risks to their
//! systems; see `assemble`). It never stops at the first problem: it
//! returns the model it could build and every diagnostic, and the caller
//! refuses to go on if any of them is an error.

mod assemble;
mod discover;
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

pub use discover::{CONFIG_FILE_NAME, io_error, io_reason, is_register_file};
use toml::de::DeTable;

use crate::diag::{Code, Diagnostic};
use crate::parallel;
use crate::source::{FileId, Lines, Origin, Sources, Span, decode};
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

/// A file to load: a path to read, or bytes already in hand.
enum Input {
    Disk(PathBuf),
    Memory(PathBuf, Vec<u8>),
}

/// Loads the register in `paths` (files, or folders searched for `*.toml`).
pub fn load(paths: &[PathBuf]) -> Loaded {
    let mut diagnostics = Vec::new();
    let inputs = discover::discover(paths, &mut diagnostics)
        .into_iter()
        .map(Input::Disk)
        .collect();
    load_inputs(inputs, diagnostics)
}

/// Loads a register from file contents already in hand (a git revision's,
/// say); `diagnostics` holds any problem met while gathering them.
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
}

fn file_id(index: usize) -> FileId {
    FileId(u32::try_from(index).expect("fewer than 4 billion files"))
}

fn read_one(id: FileId, input: Input) -> Read {
    let (path, origin, bytes) = match input {
        Input::Disk(path) => match std::fs::read(&path) {
            Ok(bytes) => (path, Origin::Disk, bytes),
            Err(e) => {
                let diagnostic = io_error(&path, &e);
                return Read {
                    id,
                    path,
                    origin: Origin::Disk,
                    len: 0,
                    text: Some(String::new()),
                    part: FileRegister::default(),
                    diagnostics: vec![diagnostic],
                };
            }
        },
        Input::Memory(path, bytes) => (path, Origin::Memory, bytes),
    };
    let mut diagnostics = Vec::new();
    let (text, part) = match decode(bytes) {
        Ok(text) => {
            let part = parse(id, &text, &mut diagnostics);
            (text, part)
        }
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
    }
}

/// Parses and validates one file's text.
fn parse(id: FileId, text: &str, diagnostics: &mut Vec<Diagnostic>) -> FileRegister {
    let lines = Lines::new(std::borrow::Cow::Borrowed(text));
    let mut sink = Sink {
        file: id,
        diagnostics,
        lines: &lines,
    };
    let (root, errors) = DeTable::parse_recoverable(text);
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
        return FileRegister::default();
    }
    let span = root.span();
    file::validate_file(&mut sink, root.get_ref(), span)
}

/// The risks of one file's text, validated on its own (without the other
/// files of the register); problems go to `diagnostics`.
pub fn reread(text: &str, diagnostics: &mut Vec<Diagnostic>) -> Vec<model::Risk> {
    parse(FileId(0), text, diagnostics)
        .entries
        .into_iter()
        .filter_map(|e| {
            let mut risk = e.risk?;
            risk.system = e.system;
            Some(risk)
        })
        .collect()
}

/// Settles whether each runbook path exists, relative to the folder of the
/// file that names it. This is the one place the model looks at the disk
/// beyond the register itself.
fn find_runbooks(register: &mut Register, sources: &Sources) {
    for risk in &mut register.risks {
        for action in &mut risk.actions {
            let Some(runbook) = action.runbook.as_mut() else {
                continue;
            };
            if let model::Runbook::Path { path, exists } = &mut runbook.value {
                let file = sources.path(runbook.span.file);
                let folder = file.parent().unwrap_or(Path::new(""));
                *exists = folder.join(path.as_str()).exists();
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
