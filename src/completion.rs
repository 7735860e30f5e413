//! Shell completion: the registration scripts, and the ids of the
//! register under the current folder for the arguments that name a risk
//! or a system.
//!
//! The shell runs `opx` again at each Tab with `COMPLETE=<shell>` set
//! (clap_complete's dynamic completion); [`complete`] answers that call
//! before anything else runs. The ids come from opx's own loader over the
//! current folder, so the walk keeps its bounds (no link out of the folder,
//! no hidden folder, each file's size checked first). A file that does not
//! load offers nothing; completion never fails on a register.

use std::collections::HashMap;
use std::ffi::OsStr;
use std::io::Write;
use std::path::PathBuf;

use clap::{CommandFactory, ValueEnum};
use clap_complete::engine::{
    ArgValueCompleter, CompletionCandidate, PathCompleter, ValueCompleter,
};
use clap_complete::env::Shells;

use opx::register::{self, Limits, Register};

use crate::cli::Cli;

/// The environment variable the shell sets when it asks for completions.
const VAR: &str = "COMPLETE";

/// Answers the shell and exits when `COMPLETE` is set; returns otherwise.
pub fn complete() {
    clap_complete::CompleteEnv::with_factory(Cli::command)
        .var(VAR)
        .complete();
}

/// Writes the script that makes `shell` ask opx for completions, the same
/// one `COMPLETE=<shell> opx` prints.
pub fn write_registration(shell: clap_complete::Shell, out: &mut dyn Write) -> std::io::Result<()> {
    let name = shell
        .to_possible_value()
        .map(|value| value.get_name().to_string())
        .unwrap_or_default();
    let shells = Shells::builtins();
    let Some(completer) = shells.completer(&name) else {
        return Err(std::io::Error::other(format!("no completion for {name}")));
    };
    completer.write_registration(VAR, "opx", "opx", "opx", out)
}

/// Completes a risk or a systemic factor: `system/id`, or the bare id
/// where no other system uses it; files where no register is found.
pub fn risk() -> ArgValueCompleter {
    ArgValueCompleter::new(|current: &OsStr| {
        let Some(register) = register_here() else {
            return PathCompleter::any().complete(current);
        };
        candidates(current, risk_names(&register))
    })
}

/// Completes a system id; files where no register is found.
pub fn system() -> ArgValueCompleter {
    ArgValueCompleter::new(|current: &OsStr| {
        let Some(register) = register_here() else {
            return PathCompleter::any().complete(current);
        };
        let ids = register.systems.iter().map(|s| s.id.clone()).collect();
        candidates(current, ids)
    })
}

/// The register under the current folder, as far as it loads: `None`
/// when nothing in it is a register.
fn register_here() -> Option<Register> {
    let loaded = register::load(&[PathBuf::from(".")], Limits::default());
    let register = loaded.register;
    (!register.systems.is_empty() || !register.risks.is_empty()).then_some(register)
}

/// Every name a risk or factor answers to: `system/id` always, and the bare
/// id where it names one thing only.
fn risk_names(register: &Register) -> Vec<String> {
    let mut qualified: Vec<(&str, &str)> = register
        .risks
        .iter()
        .map(|r| (r.system.as_str(), r.id.value.as_str()))
        .collect();
    for system in &register.systems {
        qualified.extend(
            system
                .factors
                .iter()
                .map(|f| (system.id.as_str(), f.id.value.as_str())),
        );
    }
    let mut uses: HashMap<&str, usize> = HashMap::new();
    for (_, id) in &qualified {
        *uses.entry(id).or_default() += 1;
    }
    let mut names: Vec<String> = qualified
        .iter()
        .filter(|(_, id)| uses[id] == 1)
        .map(|(_, id)| id.to_string())
        .collect();
    names.extend(
        qualified
            .iter()
            .map(|(system, id)| format!("{system}/{id}")),
    );
    names
}

/// The names that start with what is typed so far, sorted, each once.
/// Only names of the register's id alphabet are offered: the validator
/// already holds ids to it, and the shell reads candidates unquoted.
fn candidates(current: &OsStr, mut names: Vec<String>) -> Vec<CompletionCandidate> {
    let typed = current.to_string_lossy();
    names.retain(|name| {
        name.starts_with(typed.as_ref())
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'/')
    });
    names.sort();
    names.dedup();
    names.into_iter().map(CompletionCandidate::new).collect()
}
