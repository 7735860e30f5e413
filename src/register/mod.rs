//! Loading a register: files → spanned TOML → validated model.
//!
//! [`load`] reads every file, validates each on its own, then joins them
//! (systems by id, risks to their systems). It never stops at the first
//! problem: it returns the model it could build and every diagnostic, and
//! the caller refuses to go on if any of them is an error.

mod discover;
pub(crate) mod fields;
mod file;
pub mod model;

use std::collections::HashMap;
use std::path::PathBuf;

pub use discover::{CONFIG_FILE_NAME, io_error, io_reason};
use toml::de::DeTable;

use crate::diag::{Code, Diagnostic};
use crate::source::{FileId, Sources, Span};
use crate::suggest::did_you_mean;
use fields::Sink;
use file::FileRegister;
pub use model::Register;

/// The result of loading: the model, the text it came from, and every problem found.
#[derive(Debug)]
pub struct Loaded {
    pub register: Register,
    pub sources: Sources,
    pub diagnostics: Vec<Diagnostic>,
}

pub fn load(paths: &[PathBuf]) -> Loaded {
    let mut diagnostics = Vec::new();
    let mut sources = Sources::default();
    let mut parts = Vec::new();
    for path in discover::discover(paths, &mut diagnostics) {
        match std::fs::read(&path) {
            Ok(bytes) => {
                let (id, part) = read_file(&mut sources, path, bytes, &mut diagnostics);
                parts.push((id, part));
            }
            Err(e) => diagnostics.push(io_error(&path, &e)),
        }
    }
    let register = assemble(parts, &mut diagnostics);
    sort_and_dedup(&mut diagnostics);
    Loaded {
        register,
        sources,
        diagnostics,
    }
}

/// Parses and validates one file's bytes; the text is kept in `sources`.
pub(crate) fn read_file(
    sources: &mut Sources,
    path: PathBuf,
    bytes: Vec<u8>,
    diagnostics: &mut Vec<Diagnostic>,
) -> (FileId, FileRegister) {
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let id = sources.add(path, String::from_utf8_lossy(e.as_bytes()).into_owned());
            diagnostics.push(
                Diagnostic::new(Code::NotText, "this file is not UTF-8 text")
                    .at(Span { file: id, range: at..at + 1 }, "first byte that is not UTF-8")
                    .help("a register file is UTF-8 TOML; is this a binary file, or saved in another encoding?"),
            );
            return (id, FileRegister::default());
        }
    };
    // A byte-order mark is not part of the text: dropping it keeps columns right.
    let text = match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    };
    let id = sources.add(path, text);
    let text = sources.get(id).text();
    let mut sink = Sink {
        file: id,
        diagnostics,
    };
    let (root, errors) = DeTable::parse_recoverable(text);
    if !errors.is_empty() {
        // What the parser recovered may be half a table; validating it would
        // report problems that are only echoes of the syntax error.
        // While it recovers, the parser may report one spot several ways;
        // the first says it best.
        let mut last_start = None;
        for error in &errors {
            let start = error.span().map(|s| s.start);
            if start.is_none() || start != last_start {
                sink.syntax_error(error);
            }
            last_start = start;
        }
        return (id, FileRegister::default());
    }
    let span = root.span();
    let part = file::validate_file(&mut sink, root.get_ref(), span);
    (id, part)
}

/// Orders diagnostics by file and position, and drops repeats (the TOML
/// parser can report one error twice while it recovers).
pub(crate) fn sort_and_dedup(diagnostics: &mut Vec<Diagnostic>) {
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    diagnostics
        .dedup_by(|a, b| a.code == b.code && a.location == b.location && a.message == b.message);
}

/// Joins the files: one definition per system, each risk to an existing
/// system, one risk per id within a system, owners inherited from systems.
fn assemble(parts: Vec<(FileId, FileRegister)>, diagnostics: &mut Vec<Diagnostic>) -> Register {
    let mut register = Register::default();
    let mut system_at: HashMap<String, Span> = HashMap::new();
    let mut pending = Vec::new();
    for (_, part) in parts {
        if let Some(system) = part.system {
            match system_at.get(&system.id) {
                Some(first) => diagnostics.push(
                    Diagnostic::new(
                        Code::DuplicateSystem,
                        format!("system `{}` is defined twice", system.id),
                    )
                    .at(system.span.clone(), "defined again here")
                    .related(first.clone(), "first defined here")
                    .help(
                        "each system is defined by one file; merge the two or give one another id",
                    ),
                ),
                None => {
                    system_at.insert(system.id.clone(), system.span.clone());
                    register.systems.push(system);
                }
            }
        }
        pending.push(part.entries);
    }
    register.systems.sort_by(|a, b| a.id.cmp(&b.id));

    let mut risk_at: HashMap<(String, String), Span> = HashMap::new();
    for entry in pending.into_iter().flatten() {
        let Some(system) = register.system(&entry.system) else {
            diagnostics.push(unknown_system(&entry, &register));
            continue;
        };
        let key = (entry.system.clone(), entry.id.value.clone());
        if let Some(first) = risk_at.get(&key) {
            diagnostics.push(
                Diagnostic::new(
                    Code::DuplicateRisk,
                    format!(
                        "risk `{}` is defined twice in system `{}`",
                        entry.id.value, entry.system
                    ),
                )
                .at(entry.id.span.clone(), "defined again here")
                .related(first.clone(), "first defined here")
                .help("risk ids are unique within their system; rename one of them"),
            );
            continue;
        }
        risk_at.insert(key, entry.id.span.clone());
        if let Some(mut risk) = entry.risk {
            risk.system = entry.system;
            if risk.owner.is_none() {
                risk.owner = system.owner.clone();
            }
            register.risks.push(risk);
        }
    }
    register
}

fn unknown_system(entry: &file::Entry, register: &Register) -> Diagnostic {
    let diag = Diagnostic::new(
        Code::UnknownSystem,
        format!(
            "risk `{}` names system `{}`, which no file defines",
            entry.id.value, entry.system
        ),
    )
    .at(
        entry
            .system_ref
            .clone()
            .unwrap_or_else(|| entry.id.span.clone()),
        "unknown system",
    );
    let ids = register.systems.iter().map(|s| s.id.as_str());
    match did_you_mean(&entry.system, ids.clone()) {
        Some(best) => diag.help(format!("did you mean `{best}`?")),
        None if register.systems.is_empty() => {
            diag.help("define the system with a [system] table in one of the register's files")
        }
        None => diag.help(format!(
            "known systems: {}",
            ids.collect::<Vec<_>>().join(", ")
        )),
    }
}
