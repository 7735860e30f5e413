//! `[[incident]]`: what happened, and the risks it realised.

use std::ops::Range;
use std::time::Duration;

use jiff::civil::Date;
use toml::de::{DeTable, DeValue};

use super::fields::{Fields, Sink, name_within_limit};
use super::format;
use super::model::{ActionRef, At, Incident};
use crate::diag::{Code, Diagnostic, MAX_NAME_CHARS};
use crate::units::{self, Percent};

/// An incident as far as it could be read; its system is settled by the
/// file (see `super::file`) before it is [complete](IncidentDraft::complete).
pub(crate) struct IncidentDraft {
    pub id: At<String>,
    pub system: Option<At<String>>,
    date: Option<At<Date>>,
    risks: Vec<At<String>>,
    near_miss: bool,
    detected_after: Option<At<Duration>>,
    recovered_after: Option<At<Duration>>,
    users_affected: Option<Percent>,
    summary: Option<String>,
    postmortem: Option<String>,
    data_lost: Option<At<Duration>>,
    failed_actions: Vec<At<NamedAction>>,
    worked_actions: Vec<At<NamedAction>>,
}

/// An action as an incident names it: its system when it says one.
struct NamedAction {
    system: Option<String>,
    risk: String,
    action: String,
}

/// `failed_actions` or `worked_actions`: each `risk/action` or
/// `system/risk/action`; an unreadable one is reported and left out.
fn action_refs(sink: &mut Sink<'_>, f: &Fields<'_, '_>, key: &str) -> Vec<At<NamedAction>> {
    f.strings_at(sink, key)
        .into_iter()
        .filter_map(|r| {
            let parts: Vec<&str> = r.value.split('/').collect();
            let short = |s: &&str| !s.is_empty() && s.chars().count() <= MAX_NAME_CHARS;
            let named = match parts.as_slice() {
                [risk, action] if [risk, action].iter().all(|p| short(p)) => NamedAction {
                    system: None,
                    risk: risk.to_string(),
                    action: action.to_string(),
                },
                [system, risk, action] if [system, risk, action].iter().all(|p| short(p)) => {
                    NamedAction {
                        system: Some(system.to_string()),
                        risk: risk.to_string(),
                        action: action.to_string(),
                    }
                }
                _ => {
                    sink.push(
                        Diagnostic::new(
                            Code::InvalidValue,
                            format!("`{}` does not name an action", crate::diag::clip(&r.value)),
                        )
                        .at(r.span, "expected risk/action or system/risk/action")
                        .help(format!(
                            "name the action by its risk's id and its own: {key} = [\"db-backups/restore-test\"]"
                        )),
                    );
                    return None;
                }
            };
            Some(At {
                value: named,
                span: r.span,
            })
        })
        .collect()
}

/// Reads an incident; `None` when it has no readable id (reported).
pub(crate) fn validate(
    sink: &mut Sink<'_>,
    table: &DeTable<'_>,
    span: Range<usize>,
) -> Option<IncidentDraft> {
    let f = Fields::new(sink, table, span, &format::INCIDENT);
    let id = f
        .required_string(
            sink,
            "id",
            "give the incident an id such as id = \"INC-204\"",
        )
        .and_then(|id| name_within_limit(sink, id, "incident"));
    let system = f
        .string(sink, "system")
        .and_then(|s| name_within_limit(sink, s, "system"));
    let date = f.required_date(sink, "date", "set the day it happened: date = 2026-09-14");
    const RISKS_HELP: &str = "name the risks it realised: risks = [\"traffic-spike\"]";
    let risks = match f.get("risks") {
        Some(value) => {
            // `system/risk`: each part at most an id long.
            let refs: Vec<At<String>> = f
                .strings_at(sink, "risks")
                .into_iter()
                .filter_map(|r| {
                    let (system, risk) = r.value.split_once('/').unwrap_or(("", &r.value));
                    let short = |s: &str| s.chars().count() <= MAX_NAME_CHARS;
                    if short(system) && short(risk) {
                        Some(r)
                    } else {
                        name_within_limit(sink, r, "risk")
                    }
                })
                .collect();
            if matches!(value.get_ref(), DeValue::Array(a) if a.is_empty()) {
                sink.push(
                    Diagnostic::new(Code::MissingKey, "an incident realises at least one risk")
                        .at(sink.span(value.span()), "empty")
                        .help(RISKS_HELP),
                );
            }
            refs
        }
        None => {
            f.missing(sink, "risks", RISKS_HELP);
            Vec::new()
        }
    };
    let duration = |sink: &mut Sink<'_>, key, example| {
        f.parsed(
            sink,
            key,
            Code::InvalidDuration,
            example,
            units::parse_duration,
        )
    };
    let detected_after = duration(sink, "detected_after", "22m");
    let recovered_after = duration(sink, "recovered_after", "1h 30m");
    let near_miss = f.boolean(sink, "near_miss").unwrap_or(false);
    let users_affected = f
        .parsed(
            sink,
            "users_affected",
            Code::InvalidPercent,
            "30%",
            units::parse_percent,
        )
        .map(|v| v.value);
    let summary = f.string(sink, "summary").map(|s| s.value);
    let postmortem = f.string(sink, "postmortem").map(|s| s.value);
    let data_lost = f.parsed(
        sink,
        "data_lost",
        Code::InvalidDuration,
        "6h",
        units::parse_data_lost,
    );
    let failed_actions = action_refs(sink, &f, "failed_actions");
    let worked_actions = action_refs(sink, &f, "worked_actions");
    Some(IncidentDraft {
        id: id?,
        system,
        date,
        risks,
        near_miss,
        detected_after,
        recovered_after,
        users_affected,
        summary,
        postmortem,
        data_lost,
        failed_actions,
        worked_actions,
    })
}

impl IncidentDraft {
    /// The incident of `system`, if every required field was readable.
    pub fn complete(self, system: String) -> Option<Incident> {
        if self.risks.is_empty() {
            return None;
        }
        let risks = self
            .risks
            .into_iter()
            .map(|r| At {
                value: match r.value.split_once('/') {
                    Some((system, risk)) => (system.to_string(), risk.to_string()),
                    None => (system.clone(), r.value),
                },
                span: r.span,
            })
            .collect();
        let resolve = |named: Vec<At<NamedAction>>| {
            named
                .into_iter()
                .map(|n| At {
                    value: ActionRef {
                        system: n.value.system.unwrap_or_else(|| system.clone()),
                        risk: n.value.risk,
                        action: n.value.action,
                    },
                    span: n.span,
                })
                .collect()
        };
        let failed_actions = resolve(self.failed_actions);
        let worked_actions = resolve(self.worked_actions);
        Some(Incident {
            system,
            id: self.id,
            date: self.date?,
            risks,
            near_miss: self.near_miss,
            detected_after: self.detected_after,
            recovered_after: self.recovered_after,
            users_affected: self.users_affected,
            summary: self.summary,
            postmortem: self.postmortem,
            data_lost: self.data_lost,
            failed_actions,
            worked_actions,
        })
    }
}
