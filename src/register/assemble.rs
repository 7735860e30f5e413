//! Joining the files of a register: one definition per system, each risk
//! and incident to an existing system, one id per system, owners
//! inherited from systems.

use std::collections::HashMap;
use std::collections::hash_map::Entry as Slot;

use super::file::{FileRegister, IncidentEntry};
use super::model::{ActionRef, At, Incident, Register, Risk};
use crate::diag::{Code, Diagnostic};
use crate::source::Span;
use crate::suggest::did_you_mean;

/// The register as its files come in, in file order; [`Assembly::finish`]
/// joins them once every file is in.
#[derive(Default)]
pub(crate) struct Assembly {
    register: Register,
    system_at: HashMap<String, Span>,
    /// Each risk's place among every risk of the register (valid or not),
    /// in file order: duplicates are judged in that order.
    risk_order: Vec<usize>,
    /// Risks that failed validation, so that a duplicate of one is still
    /// found in the same run.
    ghosts: Vec<Ghost>,
    /// Where each risk named a system of its own, if it did.
    named_at: Vec<Option<Span>>,
    incidents: Vec<IncidentEntry>,
    seen: usize,
}

impl Assembly {
    /// Takes one file's part. Its risks move into the register's one list
    /// at once, so the register is never held twice.
    pub fn add(&mut self, part: FileRegister, diagnostics: &mut Vec<Diagnostic>) {
        if let Some(system) = part.system {
            match self.system_at.entry(system.id.clone()) {
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
                    self.register.systems.push(system);
                }
            }
        }
        self.register.risks.reserve_exact(part.entries.len());
        for entry in part.entries {
            let order = self.seen;
            self.seen += 1;
            match entry.risk {
                Some(mut risk) => {
                    risk.system = entry.system;
                    self.register.risks.push(risk);
                    self.risk_order.push(order);
                    self.named_at.push(entry.system_ref);
                }
                None => self.ghosts.push(Ghost {
                    order,
                    system: entry.system,
                    id: entry.id,
                    named_at: entry.system_ref,
                }),
            }
        }
        self.incidents.extend(part.incidents);
    }

    /// Joins what came in: each risk and incident to an existing system,
    /// one id per system, owners inherited from systems.
    pub fn finish(self, diagnostics: &mut Vec<Diagnostic>) -> Register {
        let Assembly {
            mut register,
            risk_order,
            ghosts,
            named_at,
            incidents,
            ..
        } = self;
        register.systems.sort_by(|a, b| a.id.cmp(&b.id));

        // Which risks stand: those of a known system, the first of each id
        // in its system, in file order.
        let mut first_at: HashMap<(&str, &str), Span> =
            HashMap::with_capacity(register.risks.len());
        let mut stands = vec![true; register.risks.len()];
        let mut ghost = ghosts.iter().peekable();
        for (index, risk) in register.risks.iter().enumerate() {
            while let Some(g) = ghost.next_if(|g| g.order < risk_order[index]) {
                claim_one(
                    &register,
                    &mut first_at,
                    &g.system,
                    &g.id,
                    g.named_at,
                    diagnostics,
                );
            }
            stands[index] = claim_one(
                &register,
                &mut first_at,
                &risk.system,
                &risk.id,
                named_at[index],
                diagnostics,
            );
        }
        for g in ghost {
            claim_one(
                &register,
                &mut first_at,
                &g.system,
                &g.id,
                g.named_at,
                diagnostics,
            );
        }
        // Incidents are checked against the risks while their ids are borrowed.
        let incidents = assemble_incidents(incidents, &first_at, &register, diagnostics);
        drop(first_at);
        let mut stands = stands.into_iter();
        register.risks.retain(|_| stands.next().unwrap_or(false));
        let owners: Vec<Option<String>> = register
            .risks
            .iter()
            .map(|r| match &r.owner {
                Some(_) => None,
                None => register.system(&r.system).and_then(|s| s.owner.clone()),
            })
            .collect();
        for (risk, owner) in register.risks.iter_mut().zip(owners) {
            if owner.is_some() {
                risk.owner = owner;
            }
        }
        register.incidents = incidents;
        if register.systems.iter().any(|s| !s.factors.is_empty()) {
            // A factor's id is unique among its system's risks too.
            let mut risk_ids: HashMap<&str, Vec<&At<String>>> = HashMap::new();
            for risk in &register.risks {
                risk_ids.entry(&risk.system).or_default().push(&risk.id);
            }
            for system in &register.systems {
                let risks = risk_ids.get(system.id.as_str()).into_iter().flatten();
                super::factor::check_ids(&system.factors, &system.id, risks.copied(), diagnostics);
            }
        }
        register
    }
}

/// What is known of a risk that failed validation.
struct Ghost {
    order: usize,
    system: String,
    id: At<String>,
    named_at: Option<Span>,
}

/// Records that risk `id` stands for `system`; `false`, with a diagnostic,
/// when the system is unknown or already has a risk of that id.
fn claim_one<'a>(
    register: &Register,
    first_at: &mut HashMap<(&'a str, &'a str), Span>,
    system: &'a str,
    id: &'a At<String>,
    named_at: Option<Span>,
    diagnostics: &mut Vec<Diagnostic>,
) -> bool {
    if register.system(system).is_none() {
        let at = named_at.unwrap_or(id.span);
        diagnostics.push(unknown_system("risk", &id.value, system, at, register));
        return false;
    }
    claim(first_at, system, id, diagnostics)
}

/// Records that `system` defines risk `id`; `false`, with a diagnostic, if
/// it already did.
fn claim<'a>(
    first_at: &mut HashMap<(&'a str, &'a str), Span>,
    system: &'a str,
    id: &'a At<String>,
    diagnostics: &mut Vec<Diagnostic>,
) -> bool {
    match first_at.entry((system, &id.value)) {
        Slot::Occupied(first) => {
            diagnostics.push(
                Diagnostic::new(
                    Code::DuplicateRisk,
                    format!("risk `{}` is defined twice in system `{system}`", id.value),
                )
                .at(id.span, "defined again here")
                .related(*first.get(), "first defined here")
                .help("risk ids are unique within their system; rename one of them"),
            );
            false
        }
        Slot::Vacant(slot) => {
            slot.insert(id.span);
            true
        }
    }
}

/// How many unknown names get a did-you-mean; each costs a look at every id.
const MAX_SUGGESTIONS: usize = 100;

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
    // In order, so that a suggestion never depends on the hash map's.
    let mut sorted: Vec<(&str, &str)> = Vec::new();
    // Each suggestion looks at every risk; a register of thousands of
    // unknown names gets the first few, and plain help after.
    let mut suggestions_left = MAX_SUGGESTIONS;
    // Risks by (system, id), for the actions incidents name; built once.
    let mut by_name: HashMap<(&str, &str), &Risk> = HashMap::new();
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
            if sorted.is_empty() {
                sorted = known.keys().copied().collect();
                sorted.sort_unstable();
            }
            let (system, risk) = &named.value;
            let ids = sorted
                .iter()
                .filter(|(s, _)| s == system)
                .map(|(_, id)| *id);
            // A risk of the incident's own system first; else another
            // system's, named the way that resolves: `system/risk`.
            let elsewhere = || {
                let best = did_you_mean(risk, sorted.iter().map(|(_, id)| *id))?;
                let holders: Vec<String> = sorted
                    .iter()
                    .filter(|(_, id)| *id == best)
                    .map(|(s, id)| format!("`{s}/{id}`"))
                    .collect();
                Some(format!("did you mean {}?", holders.join(" or ")))
            };
            let plain = || {
                format!("name a risk of system `{system}`, or `system/risk` for another system's")
            };
            let help = if suggestions_left == 0 {
                plain()
            } else {
                suggestions_left -= 1;
                match did_you_mean(risk, ids) {
                    Some(best) => format!("did you mean `{best}`?"),
                    None => elsewhere().unwrap_or_else(plain),
                }
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
        for named in incident
            .failed_actions
            .iter()
            .chain(&incident.worked_actions)
        {
            if by_name.is_empty() {
                by_name = register
                    .risks
                    .iter()
                    .map(|r| ((r.system.as_str(), r.id.value.as_str()), r))
                    .collect();
            }
            let suggest = suggestions_left > 0;
            if let Some(diagnostic) = unknown_action(&incident, named, &by_name, register, suggest)
            {
                complete = false;
                suggestions_left = suggestions_left.saturating_sub(1);
                diagnostics.push(diagnostic);
            }
        }
        if complete {
            complete_incidents.push(incident);
        }
    }
    complete_incidents
}

/// Why an incident's `failed_actions` or `worked_actions` entry names no
/// action of the register, with the name that would (where `suggest`: each
/// suggestion looks at every risk of the system); `None` when it does.
fn unknown_action(
    incident: &Incident,
    named: &At<ActionRef>,
    by_name: &HashMap<(&str, &str), &Risk>,
    register: &Register,
    suggest: bool,
) -> Option<Diagnostic> {
    let ActionRef {
        system,
        risk,
        action,
    } = &named.value;
    let Some(found) = by_name.get(&(system.as_str(), risk.as_str())) else {
        let in_system = register.risks.iter().filter(|r| &r.system == system);
        let best = suggest
            .then(|| did_you_mean(risk, in_system.map(|r| r.id.value.as_str())))
            .flatten();
        let help = match best {
            Some(best) => format!("did you mean `{best}/{action}`?"),
            None => format!(
                "name an action as risk/action, with a risk of system `{system}`, or as system/risk/action"
            ),
        };
        return Some(
            Diagnostic::new(
                Code::UnknownRisk,
                format!(
                    "incident `{}` names action `{system}/{risk}/{action}`, whose risk does not exist",
                    incident.id.value
                ),
            )
            .at(named.span, "unknown risk")
            .help(help),
        );
    };
    let ids = found
        .actions
        .iter()
        .filter_map(|a| a.id.as_ref().map(|id| id.value.as_str()));
    if ids.clone().any(|id| id == action) {
        return None;
    }
    let help = match did_you_mean(action, ids.clone()) {
        Some(best) => format!("did you mean `{risk}/{best}`?"),
        None if ids.clone().next().is_none() => format!(
            "give the action an id in risk `{risk}`, such as id = \"{action}\", and name it here as `{risk}/{action}`"
        ),
        None => format!(
            "risk `{risk}` has actions {}",
            ids.map(|id| format!("`{id}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    Some(
        Diagnostic::new(
            Code::UnknownRisk,
            format!(
                "incident `{}` names action `{risk}/{action}`, which risk `{system}/{risk}` does not have",
                incident.id.value
            ),
        )
        .at(named.span, "unknown action")
        .help(help),
    )
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
