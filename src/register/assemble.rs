//! Joining the files of a register: one definition per system, each risk
//! and incident to an existing system, one id per system, owners
//! inherited from systems.

use std::collections::HashMap;
use std::collections::hash_map::Entry as Slot;

use super::file::{FileRegister, IncidentEntry};
use super::model::{Incident, Register};
use crate::diag::{Code, Diagnostic};
use crate::source::Span;
use crate::suggest::did_you_mean;

pub(crate) fn assemble(parts: Vec<FileRegister>, diagnostics: &mut Vec<Diagnostic>) -> Register {
    let mut register = Register::default();
    let mut system_at: HashMap<String, Span> = HashMap::new();
    let mut entries = Vec::new();
    let mut incidents = Vec::new();
    for part in parts {
        if let Some(system) = part.system {
            match system_at.entry(system.id.clone()) {
                Slot::Occupied(first) => diagnostics.push(
                    Diagnostic::new(
                        Code::DuplicateSystem,
                        format!("system `{}` is defined twice", system.id),
                    )
                    .at(system.span, "defined again here")
                    .related(*first.get(), "first defined here")
                    .help(
                        "each system is defined by one file; merge the two or give one another id",
                    ),
                ),
                Slot::Vacant(slot) => {
                    slot.insert(system.span);
                    register.systems.push(system);
                }
            }
        }
        entries.extend(part.entries);
        incidents.extend(part.incidents);
    }
    register.systems.sort_by(|a, b| a.id.cmp(&b.id));

    // First, which entries stand: the first of each id in its system.
    let mut first_at: HashMap<(&str, &str), Span> = HashMap::with_capacity(entries.len());
    let mut stands = Vec::with_capacity(entries.len());
    for entry in &entries {
        if register.system(&entry.system).is_none() {
            let at = entry.system_ref.unwrap_or(entry.id.span);
            diagnostics.push(unknown_system(
                "risk",
                &entry.id.value,
                &entry.system,
                at,
                &register,
            ));
            stands.push(false);
            continue;
        }
        match first_at.entry((&entry.system, &entry.id.value)) {
            Slot::Occupied(first) => {
                diagnostics.push(
                    Diagnostic::new(
                        Code::DuplicateRisk,
                        format!(
                            "risk `{}` is defined twice in system `{}`",
                            entry.id.value, entry.system
                        ),
                    )
                    .at(entry.id.span, "defined again here")
                    .related(*first.get(), "first defined here")
                    .help("risk ids are unique within their system; rename one of them"),
                );
                stands.push(false);
            }
            Slot::Vacant(slot) => {
                slot.insert(entry.id.span);
                stands.push(true);
            }
        }
    }
    // Incidents are checked against the risks while their ids are borrowed.
    let incidents = assemble_incidents(incidents, &first_at, &register, diagnostics);
    drop(first_at);
    for (entry, stands) in entries.into_iter().zip(stands) {
        let Some(mut risk) = entry.risk.filter(|_| stands) else {
            continue;
        };
        if risk.owner.is_none() {
            risk.owner = register.system(&entry.system).and_then(|s| s.owner.clone());
        }
        risk.system = entry.system;
        register.risks.push(risk);
    }
    register.incidents = incidents;
    register
}

/// The incidents whose system and risks exist; one id per system. `known`
/// holds every (system, risk id) the register defines, valid or not: an
/// incident may name a risk whose own fields have problems (reported on
/// their own).
fn assemble_incidents(
    incidents: Vec<IncidentEntry>,
    known: &HashMap<(&str, &str), Span>,
    register: &Register,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Incident> {
    let mut complete_incidents = Vec::new();
    let mut incident_at: HashMap<(String, String), Span> = HashMap::new();
    for entry in incidents {
        let incident = entry.incident;
        if register.system(&incident.system).is_none() {
            let at = entry.system_ref.unwrap_or(incident.id.span);
            diagnostics.push(unknown_system(
                "incident",
                &incident.id.value,
                &incident.system,
                at,
                register,
            ));
            continue;
        }
        match incident_at.entry((incident.system.clone(), incident.id.value.clone())) {
            Slot::Occupied(first) => {
                diagnostics.push(
                    Diagnostic::new(
                        Code::DuplicateIncident,
                        format!(
                            "incident `{}` is recorded twice in system `{}`",
                            incident.id.value, incident.system
                        ),
                    )
                    .at(incident.id.span, "recorded again here")
                    .related(*first.get(), "first recorded here")
                    .help(
                        "incident ids are unique within their system; merge the two or rename one",
                    ),
                );
                continue;
            }
            Slot::Vacant(slot) => {
                slot.insert(incident.id.span);
            }
        }
        let mut complete = true;
        for named in &incident.risks {
            if known.contains_key(&(named.value.0.as_str(), named.value.1.as_str())) {
                continue;
            }
            complete = false;
            let (system, risk) = &named.value;
            let ids = known.keys().filter(|(s, _)| s == system).map(|(_, id)| *id);
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
                .at(named.span, "unknown risk")
                .help(help),
            );
        }
        if complete {
            complete_incidents.push(incident);
        }
    }
    complete_incidents
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
