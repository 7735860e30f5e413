//! One register file: its TOML turned into a system, risks and incidents,
//! on its own.
//!
//! Nothing here looks at other files, so files can be validated in any
//! order or in parallel; `super::assemble` joins them afterwards. Each
//! table has its validator beside this one: `system`, `risk`, `incident`.

use std::ops::Range;

use toml::de::DeTable;

use super::fields::{Fields, Sink};
use super::model::{At, Incident, Risk, System};
use super::{format, incident, risk, system};
use crate::diag::{Code, Diagnostic, article};
use crate::source::Span;

/// What one file contributes to the register.
#[derive(Debug, Default)]
pub(crate) struct FileRegister {
    pub system: Option<System>,
    pub entries: Vec<Entry>,
    pub incidents: Vec<IncidentEntry>,
}

/// An incident and where it named its system, if its file has none.
#[derive(Debug)]
pub(crate) struct IncidentEntry {
    pub incident: Incident,
    pub system_ref: Option<Span>,
}

/// A risk with a readable id, and the system it belongs to.
#[derive(Debug)]
pub(crate) struct Entry {
    pub system: String,
    pub id: At<String>,
    /// Where the risk named its system with `system = "id"` (its file has
    /// none); that system is looked up once every file is in.
    pub system_ref: Option<Span>,
    /// The validated risk, or `None` if some field was wrong (and reported).
    pub risk: Option<Risk>,
}

pub(crate) fn validate_file(
    sink: &mut Sink<'_>,
    root: &DeTable<'_>,
    root_span: Range<usize>,
) -> FileRegister {
    let top = Fields::new(sink, root, root_span.start..root_span.start, &format::FILE);
    let system = top
        .table(sink, "system", "write the system as a table: [system]")
        .and_then(|(table, span)| system::validate(sink, table, span));
    let mut out = FileRegister {
        system,
        ..FileRegister::default()
    };
    let home = HomeSystem {
        file_system: out.system.as_ref().map(|s| s.id.clone()),
        has_system_table: root.get("system").is_some(),
    };
    let risks = top.tables(
        sink,
        "risk",
        "write each risk as [[risk]], with two brackets",
    );
    out.entries.reserve_exact(risks.len());
    for (table, span) in risks {
        let draft = risk::validate(sink, table, span);
        let Some(id) = draft.id else {
            continue;
        };
        let Some((system, system_ref)) = home.resolve(sink, "risk", &id, draft.system) else {
            continue;
        };
        out.entries.push(Entry {
            system,
            id,
            system_ref,
            risk: draft.risk,
        });
    }
    for (table, span) in top.tables(
        sink,
        "incident",
        "write each incident as [[incident]], with two brackets",
    ) {
        let Some(mut draft) = incident::validate(sink, table, span) else {
            continue;
        };
        let named = draft.system.take();
        let Some((system, system_ref)) = home.resolve(sink, "incident", &draft.id, named) else {
            continue;
        };
        if let Some(incident) = draft.complete(system) {
            out.incidents.push(IncidentEntry {
                incident,
                system_ref,
            });
        }
    }
    let holds_nothing = ["system", "risk", "incident"]
        .iter()
        .all(|k| root.get(*k).is_none());
    let only_known_keys = root.keys().all(|k| format::FILE.key(k.get_ref()).is_some());
    if holds_nothing && only_known_keys {
        sink.push(
            Diagnostic::new(Code::EmptyFile, "this file defines no system and no risk")
                .at(sink.span(0..0), "empty register file")
                .help("add a [system] table or a [[risk]], or remove the file"),
        );
    }
    out
}

/// The system the risks and incidents of one file belong to.
struct HomeSystem {
    /// The id of the file's [system], if it has a valid one.
    file_system: Option<String>,
    /// The file has a [system] table, valid or not.
    has_system_table: bool,
}

impl HomeSystem {
    /// The system of an item (`what` is "risk" or "incident"), and where it
    /// named it; `None` after reporting why it has none.
    fn resolve(
        &self,
        sink: &mut Sink<'_>,
        what: &str,
        id: &At<String>,
        named: Option<At<String>>,
    ) -> Option<(String, Option<Span>)> {
        match (self.file_system.as_deref(), named) {
            (Some(own), Some(named)) if own != named.value => {
                sink.push(
                    Diagnostic::new(
                        Code::ConflictingSystem,
                        format!(
                            "{what} `{}` names system `{}`, but its file defines system `{own}`",
                            id.value, named.value
                        ),
                    )
                    .at(named.span, format!("the file's system is `{own}`"))
                    .help(if crate::suggest::did_you_mean(&named.value, [own]).is_some() {
                        // A near miss of the file's own id: a typo, not a move.
                        format!("did you mean `{own}`? {} {what} takes the system of its file, so `system` can go", article(what))
                    } else {
                        format!("{} {what} belongs to the system of its file; move it to a file of its own or remove `system`", article(what))
                    }),
                );
                None
            }
            (Some(own), _) => Some((own.to_string(), None)),
            (None, Some(named)) => Some((named.value, Some(named.span))),
            // A [system] that failed validation was reported; its items are not orphans.
            (None, None) if self.has_system_table => None,
            (None, None) => {
                sink.push(
                    Diagnostic::new(
                        Code::NoSystem,
                        format!("{what} `{}` belongs to no system", id.value),
                    )
                    .at(id.span, "no [system] in this file and no `system` key")
                    .help(format!(
                        "add `system = \"<id>\"` to the {what}, or a [system] table to the file"
                    )),
                );
                None
            }
        }
    }
}
