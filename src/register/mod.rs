//! Loading a register: files → spanned TOML → validated model.
//!
//! [`load`] reads every file, validates each on its own, then joins them
//! (systems by id, risks to their systems). It never stops at the first
//! problem: it returns the model it could build and every diagnostic, and
//! the caller refuses to go on if any of them is an error.

mod discover;
pub(crate) mod fields;
mod file;
pub mod git;
pub mod model;

use std::collections::HashMap;
use std::path::PathBuf;

pub use discover::{CONFIG_FILE_NAME, io_error, io_reason, is_register_file};
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
    let mut files = Vec::new();
    for path in discover::discover(paths, &mut diagnostics) {
        match std::fs::read(&path) {
            Ok(bytes) => files.push((path, bytes)),
            Err(e) => diagnostics.push(io_error(&path, &e)),
        }
    }
    load_contents(files, diagnostics)
}

/// Loads a register from file contents already in hand (a git revision's,
/// say); `diagnostics` holds any problem met while gathering them.
pub fn load_contents(files: Vec<(PathBuf, Vec<u8>)>, mut diagnostics: Vec<Diagnostic>) -> Loaded {
    let mut sources = Sources::default();
    let mut texts = Vec::new();
    for (path, bytes) in files {
        if let Ok(id) = decode(&mut sources, path, bytes, &mut diagnostics) {
            texts.push(id);
        }
    }
    let parts = parse_all(&sources, &texts, &mut diagnostics);
    let mut register = assemble(parts, &mut diagnostics);
    find_runbooks(&mut register, &sources);
    sort_and_dedup(&mut diagnostics);
    Loaded {
        register,
        sources,
        diagnostics,
    }
}

/// Each file's contribution, by file.
type Parts = Vec<(FileId, FileRegister)>;

/// Parses and validates files side by side: each file stands alone until
/// [`assemble`], so they split across the machine's cores, and the parts
/// come back in file order.
fn parse_all(
    sources: &Sources,
    files: &[FileId],
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<(FileId, FileRegister)> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = files.len().div_ceil(threads).max(16);
    let results: Vec<(Parts, Vec<Diagnostic>)> = std::thread::scope(|scope| {
        let workers: Vec<_> = files
            .chunks(chunk)
            .map(|ids| {
                scope.spawn(move || {
                    let mut found = Vec::new();
                    let parts = ids
                        .iter()
                        .map(|&id| (id, parse(sources, id, &mut found)))
                        .collect();
                    (parts, found)
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().expect("validating a file does not panic"))
            .collect()
    });
    let mut parts = Vec::with_capacity(files.len());
    for (chunk_parts, found) in results {
        parts.extend(chunk_parts);
        diagnostics.extend(found);
    }
    parts
}

/// The risks of one file's text, validated on its own (without the other
/// files of the register); problems go to `diagnostics`.
pub fn reread(
    path: &std::path::Path,
    text: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<model::Risk> {
    let mut sources = Sources::default();
    let (_, part) = read_file(
        &mut sources,
        path.to_path_buf(),
        text.as_bytes().to_vec(),
        diagnostics,
    );
    part.entries.into_iter().filter_map(|e| e.risk).collect()
}

/// Parses and validates one file's bytes; the text is kept in `sources`.
pub(crate) fn read_file(
    sources: &mut Sources,
    path: PathBuf,
    bytes: Vec<u8>,
    diagnostics: &mut Vec<Diagnostic>,
) -> (FileId, FileRegister) {
    match decode(sources, path, bytes, diagnostics) {
        Ok(id) => (id, parse(sources, id, diagnostics)),
        Err(id) => (id, FileRegister::default()),
    }
}

/// Adds a file's text to `sources`. A file that is not UTF-8 is `Err`,
/// with a diagnostic; its lossy text is kept only to show the error.
fn decode(
    sources: &mut Sources,
    path: PathBuf,
    bytes: Vec<u8>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<FileId, FileId> {
    match String::from_utf8(bytes) {
        Ok(text) => {
            // A byte-order mark is not part of the text: dropping it keeps columns right.
            let text = match text.strip_prefix('\u{feff}') {
                Some(rest) => rest.to_string(),
                None => text,
            };
            Ok(sources.add(path, text))
        }
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let id = sources.add(path, String::from_utf8_lossy(e.as_bytes()).into_owned());
            diagnostics.push(
                Diagnostic::new(Code::NotText, "this file is not UTF-8 text")
                    .at(Span { file: id, range: at..at + 1 }, "first byte that is not UTF-8")
                    .help("a register file is UTF-8 TOML; is this a binary file, or saved in another encoding?"),
            );
            Err(id)
        }
    }
}

/// Parses and validates one file already in `sources`.
fn parse(sources: &Sources, id: FileId, diagnostics: &mut Vec<Diagnostic>) -> FileRegister {
    let text = sources.get(id).text();
    let mut sink = Sink {
        file: id,
        diagnostics,
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
                let file = sources.get(runbook.span.file).path();
                let folder = file.parent().unwrap_or(std::path::Path::new(""));
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

/// Joins the files: one definition per system, each risk to an existing
/// system, one risk per id within a system, owners inherited from systems.
fn assemble(parts: Vec<(FileId, FileRegister)>, diagnostics: &mut Vec<Diagnostic>) -> Register {
    let mut register = Register::default();
    let mut system_at: HashMap<String, Span> = HashMap::new();
    let mut pending = Vec::new();
    let mut incidents = Vec::new();
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
        incidents.extend(part.incidents);
    }
    register.systems.sort_by(|a, b| a.id.cmp(&b.id));

    let mut risk_at: HashMap<(String, String), Span> = HashMap::new();
    for entry in pending.into_iter().flatten() {
        let Some(system) = register.system(&entry.system) else {
            let at = entry
                .system_ref
                .clone()
                .unwrap_or_else(|| entry.id.span.clone());
            diagnostics.push(unknown_system(
                "risk",
                &entry.id.value,
                &entry.system,
                at,
                &register,
            ));
            continue;
        };
        let key = (entry.system.clone(), entry.id.value.clone());
        if let Err(first) = claim(&mut risk_at, key, &entry.id.span) {
            diagnostics.push(
                Diagnostic::new(
                    Code::DuplicateRisk,
                    format!(
                        "risk `{}` is defined twice in system `{}`",
                        entry.id.value, entry.system
                    ),
                )
                .at(entry.id.span.clone(), "defined again here")
                .related(first, "first defined here")
                .help("risk ids are unique within their system; rename one of them"),
            );
            continue;
        }
        if let Some(mut risk) = entry.risk {
            risk.system = entry.system;
            if risk.owner.is_none() {
                risk.owner = system.owner.clone();
            }
            register.risks.push(risk);
        }
    }
    assemble_incidents(incidents, &risk_at, &mut register, diagnostics);
    register
}

/// Records `key` as defined at `at`; if it already was, the first place.
fn claim(
    seen: &mut HashMap<(String, String), Span>,
    key: (String, String),
    at: &Span,
) -> Result<(), Span> {
    match seen.entry(key) {
        std::collections::hash_map::Entry::Occupied(first) => Err(first.get().clone()),
        std::collections::hash_map::Entry::Vacant(slot) => {
            slot.insert(at.clone());
            Ok(())
        }
    }
}

/// Adds the incidents whose system and risks exist; one id per system.
fn assemble_incidents(
    incidents: Vec<file::IncidentEntry>,
    risk_at: &HashMap<(String, String), Span>,
    register: &mut Register,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let mut incident_at: HashMap<(String, String), Span> = HashMap::new();
    for entry in incidents {
        let incident = entry.incident;
        if register.system(&incident.system).is_none() {
            let at = entry.system_ref.unwrap_or_else(|| incident.id.span.clone());
            diagnostics.push(unknown_system(
                "incident",
                &incident.id.value,
                &incident.system,
                at,
                register,
            ));
            continue;
        }
        let key = (incident.system.clone(), incident.id.value.clone());
        if let Err(first) = claim(&mut incident_at, key, &incident.id.span) {
            diagnostics.push(
                Diagnostic::new(
                    Code::DuplicateIncident,
                    format!(
                        "incident `{}` is recorded twice in system `{}`",
                        incident.id.value, incident.system
                    ),
                )
                .at(incident.id.span.clone(), "recorded again here")
                .related(first, "first recorded here")
                .help("incident ids are unique within their system; merge the two or rename one"),
            );
            continue;
        }
        let mut complete = true;
        for named in &incident.risks {
            if risk_at.contains_key(&named.value) {
                continue;
            }
            complete = false;
            let (system, risk) = &named.value;
            let ids = risk_at
                .keys()
                .filter(|(s, _)| s == system)
                .map(|(_, id)| id.as_str());
            let help = match did_you_mean(risk, ids) {
                Some(best) => format!("did you mean `{best}`?"),
                None => format!(
                    "name a risk of system `{system}`, or `system/risk` for another system's"
                ),
            };
            diagnostics.push(
                Diagnostic::new(
                    Code::UnknownRisk,
                    format!(
                        "incident `{}` names risk `{system}/{risk}`, which does not exist",
                        incident.id.value
                    ),
                )
                .at(named.span.clone(), "unknown risk")
                .help(help),
            );
        }
        if complete {
            register.incidents.push(incident);
        }
    }
}

fn unknown_system(what: &str, id: &str, system: &str, at: Span, register: &Register) -> Diagnostic {
    let diag = Diagnostic::new(
        Code::UnknownSystem,
        format!("{what} `{id}` names system `{system}`, which no file defines"),
    )
    .at(at, "unknown system");
    let ids = register.systems.iter().map(|s| s.id.as_str());
    match did_you_mean(system, ids.clone()) {
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
