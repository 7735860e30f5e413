//! One register file: its TOML turned into a system and risks, on its own.
//!
//! Nothing here looks at other files, so files can be validated in any
//! order or in parallel; [`super::assemble`] joins them afterwards.

use std::ops::Range;

use toml::de::{DeTable, DeValue};

use crate::diag::{Code, Diagnostic};
use crate::register::fields::{Fields, Sink};
use crate::register::model::{
    Acceptance, Action, ActionKind, ActionStatus, At, Baseline, Category, Effects, Incident, Rated,
    Risk, Runbook, Slo, Source, System, TimeEstimate, View,
};
use crate::scale::{self, Level, Scale};
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
    pub system_ref: Option<crate::source::Span>,
    /// The validated risk, or `None` if some field was wrong (and reported).
    pub risk: Option<Risk>,
}

const TOP_KEYS: &[&str] = &["system", "risk", "incident"];
const INCIDENT_KEYS: &[&str] = &[
    "id",
    "system",
    "date",
    "risks",
    "near_miss",
    "detected_after",
    "recovered_after",
    "users_affected",
    "summary",
    "postmortem",
];
const SYSTEM_KEYS: &[&str] = &[
    "id",
    "name",
    "owner",
    "oncall",
    "escalation",
    "scope",
    "out_of_scope",
    "dependencies",
    "slo",
    "baseline",
];
const SLO_KEYS: &[&str] = &["availability", "latency_p95"];
const RISK_KEYS: &[&str] = &[
    "id",
    "system",
    "title",
    "category",
    "likelihood",
    "impact",
    "time_to_detect",
    "time_to_recover",
    "frequency",
    "users_affected",
    "owner",
    "reviewed",
    "review_every",
    "action",
    "accepted",
];
const ACTION_KEYS: &[&str] = &[
    "kind",
    "what",
    "owner",
    "due",
    "status",
    "link",
    "runbook",
    "signal",
    // What the action changes once done.
    "likelihood",
    "impact",
    "time_to_detect",
    "time_to_recover",
    "frequency",
    "users_affected",
];
const BASELINE_KEYS: &[&str] = &[
    "availability",
    "error_rate",
    "latency_p95",
    "throughput",
    "open_bugs",
    "pages_per_week",
    "toil_hours_per_week",
];
const ACCEPTED_KEYS: &[&str] = &["by", "reason", "until"];

pub(crate) fn validate_file(
    sink: &mut Sink<'_>,
    root: &DeTable<'_>,
    root_span: Range<usize>,
) -> FileRegister {
    let top = Fields::new(
        sink,
        root,
        root_span.start..root_span.start,
        "the file",
        TOP_KEYS,
    );
    let system = top
        .table(sink, "system", "write the system as a table: [system]")
        .and_then(|(table, span)| validate_system(sink, table, span));
    let mut out = FileRegister {
        system,
        ..FileRegister::default()
    };
    let file_system = out.system.as_ref().map(|s| s.id.clone());
    let owner = Owner {
        file_system: file_system.as_deref(),
        has_system_table: root.get("system").is_some(),
    };
    for (table, span) in top.tables(
        sink,
        "risk",
        "write each risk as [[risk]], with two brackets",
    ) {
        let draft = validate_risk(sink, table, span.clone());
        let Some(id) = draft.id else {
            continue;
        };
        let Some((system, system_ref)) = owner.resolve(sink, "risk", &id, draft.system) else {
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
        if let Some(entry) = validate_incident(sink, table, span, &owner) {
            out.incidents.push(entry);
        }
    }
    if root.get("system").is_none()
        && root.get("risk").is_none()
        && root.get("incident").is_none()
        && root
            .keys()
            .all(|k| TOP_KEYS.contains(&k.get_ref().as_ref()))
    {
        sink.push(
            Diagnostic::new(Code::EmptyFile, "this file defines no system and no risk")
                .at(sink.span(0..0), "empty register file")
                .help("add a [system] table or a [[risk]], or remove the file"),
        );
    }
    out
}

/// Which system a risk or an incident of this file belongs to.
struct Owner<'a> {
    /// The id of the file's [system], if it has a valid one.
    file_system: Option<&'a str>,
    /// The file has a [system] table, valid or not.
    has_system_table: bool,
}

impl Owner<'_> {
    /// The system of an item (`what` is "risk" or "incident"), and where it
    /// named it; `None` after reporting why it has none.
    fn resolve(
        &self,
        sink: &mut Sink<'_>,
        what: &str,
        id: &At<String>,
        named: Option<At<String>>,
    ) -> Option<(String, Option<Span>)> {
        match (self.file_system, named) {
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
                    .help(format!("a {what} belongs to the system of its file; move it to a file of its own or remove `system`")),
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
                    .at(
                        id.span.clone(),
                        "no [system] in this file and no `system` key",
                    )
                    .help(format!(
                        "add `system = \"<id>\"` to the {what}, or a [system] table to the file"
                    )),
                );
                None
            }
        }
    }
}

fn validate_incident(
    sink: &mut Sink<'_>,
    table: &DeTable<'_>,
    span: Range<usize>,
    owner: &Owner<'_>,
) -> Option<IncidentEntry> {
    let f = Fields::new(sink, table, span, "[[incident]]", INCIDENT_KEYS);
    let id = f.required_string(
        sink,
        "id",
        "give the incident an id such as id = \"INC-204\"",
    );
    let named = f.string(sink, "system");
    let date = match f.get("date") {
        Some(_) => f.date(sink, "date"),
        None => {
            f.missing(sink, "date", "set the day it happened: date = 2026-09-14");
            None
        }
    };
    let risks = match f.get("risks") {
        Some(value) => {
            let refs = f.strings_at(sink, "risks");
            if matches!(value.get_ref(), DeValue::Array(a) if a.is_empty()) {
                sink.push(
                    Diagnostic::new(Code::MissingKey, "an incident realises at least one risk")
                        .at(sink.span(value.span()), "empty")
                        .help("name the risks it realised: risks = [\"traffic-spike\"]"),
                );
            }
            refs
        }
        None => {
            f.missing(
                sink,
                "risks",
                "name the risks it realised: risks = [\"traffic-spike\"]",
            );
            Vec::new()
        }
    };
    let near_miss = f.boolean(sink, "near_miss").unwrap_or(false);
    let detected_after = f.parsed(
        sink,
        "detected_after",
        Code::InvalidDuration,
        "22m",
        scale::parse_duration,
    );
    let recovered_after = f.parsed(
        sink,
        "recovered_after",
        Code::InvalidDuration,
        "1h 30m",
        scale::parse_duration,
    );
    let users_affected = f
        .parsed(
            sink,
            "users_affected",
            Code::InvalidPercent,
            "30%",
            scale::parse_percent,
        )
        .map(|v| v.value);
    let summary = f.string(sink, "summary").map(|s| s.value);
    let postmortem = f.string(sink, "postmortem").map(|s| s.value);
    let id = id?;
    let (system, system_ref) = owner.resolve(sink, "incident", &id, named)?;
    if risks.is_empty() {
        return None;
    }
    let risks = risks
        .into_iter()
        .map(|r| At {
            value: match r.value.split_once('/') {
                Some((system, risk)) => (system.to_string(), risk.to_string()),
                None => (system.clone(), r.value.clone()),
            },
            span: r.span,
        })
        .collect();
    Some(IncidentEntry {
        incident: Incident {
            system,
            id,
            date: date?,
            risks,
            near_miss,
            detected_after,
            recovered_after,
            users_affected,
            summary,
            postmortem,
        },
        system_ref,
    })
}

fn validate_id(sink: &mut Sink<'_>, id: At<String>, what: &str) -> Option<At<String>> {
    let valid = !id.value.is_empty()
        && id
            .value
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if valid {
        return Some(id);
    }
    let suggestion: String = id
        .value
        .trim()
        .to_ascii_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let mut diag = Diagnostic::new(
        Code::InvalidValue,
        format!("`{}` is not a valid {what} id", id.value),
    )
    .at(id.span, "ids use only a-z, 0-9 and -");
    diag = if suggestion.trim_matches('-').is_empty() {
        diag.help("write an id such as \"traffic-spike\"")
    } else {
        diag.help(format!("write it as \"{}\"", suggestion.trim_matches('-')))
    };
    sink.push(diag);
    None
}

fn validate_system(sink: &mut Sink<'_>, table: &DeTable<'_>, span: Range<usize>) -> Option<System> {
    let f = Fields::new(sink, table, span.clone(), "[system]", SYSTEM_KEYS);
    let id = f
        .required_string(
            sink,
            "id",
            "give the system an id such as id = \"checkout\"",
        )
        .and_then(|id| validate_id(sink, id, "system"));
    let name = f.string(sink, "name").map(|s| s.value);
    let owner = f.string(sink, "owner").map(|s| s.value);
    let oncall = f.string(sink, "oncall").map(|s| s.value);
    let escalation = f.strings(sink, "escalation");
    let scope = f.strings(sink, "scope");
    let out_of_scope = f.strings(sink, "out_of_scope");
    let dependencies = f.strings(sink, "dependencies");
    let slo = f
        .table(sink, "slo", "write the SLOs as a table: [system.slo]")
        .map(|(t, span)| {
            let slo = Fields::new(sink, t, span, "[system.slo]", SLO_KEYS);
            Slo {
                availability: slo
                    .parsed(
                        sink,
                        "availability",
                        Code::InvalidPercent,
                        "99.9%",
                        scale::parse_availability_target,
                    )
                    .map(|a| a.value),
                latency_p95: slo
                    .parsed(
                        sink,
                        "latency_p95",
                        Code::InvalidDuration,
                        "300ms",
                        scale::parse_latency,
                    )
                    .map(|d| d.value),
            }
        })
        .unwrap_or_default();
    let baseline = f
        .table(
            sink,
            "baseline",
            "write the measurements as a table: [system.baseline]",
        )
        .map(|(t, span)| validate_baseline(sink, t, span))
        .unwrap_or_default();
    let id = id?;
    Some(System {
        span: id.span,
        id: id.value,
        name,
        owner,
        oncall,
        escalation,
        scope,
        out_of_scope,
        dependencies,
        slo,
        baseline,
    })
}

fn validate_baseline(sink: &mut Sink<'_>, table: &DeTable<'_>, span: Range<usize>) -> Baseline {
    let f = Fields::new(sink, table, span, "[system.baseline]", BASELINE_KEYS);
    Baseline {
        availability: f
            .parsed(
                sink,
                "availability",
                Code::InvalidPercent,
                "99.85%",
                scale::parse_percent,
            )
            .map(|v| v.value),
        error_rate: f
            .parsed(
                sink,
                "error_rate",
                Code::InvalidPercent,
                "0.4%",
                scale::parse_percent,
            )
            .map(|v| v.value),
        latency_p95: f
            .parsed(
                sink,
                "latency_p95",
                Code::InvalidDuration,
                "340ms",
                scale::parse_latency,
            )
            .map(|v| v.value),
        throughput: f
            .parsed(
                sink,
                "throughput",
                Code::InvalidValue,
                "1200/s",
                scale::parse_rate,
            )
            .map(|v| v.value),
        open_bugs: f.count(sink, "open_bugs"),
        pages_per_week: f.count(sink, "pages_per_week"),
        toil_hours_per_week: f.count(sink, "toil_hours_per_week"),
    }
}

fn validate_risk(sink: &mut Sink<'_>, table: &DeTable<'_>, span: Range<usize>) -> RiskDraft {
    let f = Fields::new(sink, table, span.clone(), "[[risk]]", RISK_KEYS);
    let id = f
        .required_string(
            sink,
            "id",
            "give the risk an id such as id = \"traffic-spike\"",
        )
        .and_then(|id| validate_id(sink, id, "risk"));
    let system = f.string(sink, "system");
    let title = f.required_string(
        sink,
        "title",
        "say in a few words what can break, such as title = \"Traffic spikes during peak hours\"",
    );
    let category = match f.get("category") {
        Some(_) => choice(sink, &f, "category", &Category::ALL, |c| c.name()),
        None => {
            f.missing(
                sink,
                "category",
                "set category = \"technical\", \"data\", \"process\" or \"people\"",
            );
            None
        }
    };
    let frequency = f.parsed(
        sink,
        "frequency",
        Code::InvalidFrequency,
        "4/year",
        scale::parse_frequency,
    );
    let users_affected = f.parsed(
        sink,
        "users_affected",
        Code::InvalidPercent,
        "30%",
        scale::parse_percent,
    );
    let likelihood = rated(
        sink,
        &f,
        "likelihood",
        Scale::Likelihood,
        frequency
            .as_ref()
            .map(|fr| scale::likelihood_from_frequency(fr.value)),
        "frequency",
    );
    let impact = rated(
        sink,
        &f,
        "impact",
        Scale::Impact,
        users_affected
            .as_ref()
            .map(|u| scale::impact_from_users(u.value)),
        "users_affected",
    );
    let time_to_detect = time_estimate(sink, &f, "time_to_detect");
    let time_to_recover = time_estimate(sink, &f, "time_to_recover");
    let owner = f.string(sink, "owner").map(|s| s.value);
    let reviewed = f.date(sink, "reviewed");
    let review_every_days = f
        .parsed(
            sink,
            "review_every",
            Code::InvalidDuration,
            "90d",
            scale::parse_review_cadence,
        )
        .map(|d| d.value);
    let actions = f
        .tables(
            sink,
            "action",
            "write each action as [[risk.action]], with two brackets",
        )
        .into_iter()
        .filter_map(|(t, span)| validate_action(sink, t, span))
        .collect();
    let accepted = f
        .table(
            sink,
            "accepted",
            "write the acceptance as a table: [risk.accepted]",
        )
        .and_then(|(t, span)| validate_acceptance(sink, t, span));

    let risk = (|| {
        Some(Risk {
            system: String::new(),
            id: id.clone()?,
            title: title?.value,
            category: category?,
            inputs: View {
                likelihood: likelihood?,
                impact: impact?,
                time_to_detect: time_to_detect.ok()?,
                time_to_recover: time_to_recover.ok()?,
                frequency: frequency.map(|f| f.value),
                users_affected: users_affected.map(|u| u.value),
            },
            owner,
            reviewed,
            review_every_days,
            actions,
            accepted,
        })
    })();
    RiskDraft { id, system, risk }
}

/// A risk as far as it could be read: its id and system name even when
/// other fields are wrong, so a duplicate id is still found in the same run.
struct RiskDraft {
    id: Option<At<String>>,
    system: Option<At<String>>,
    risk: Option<Risk>,
}

/// A required level: written down, or derived from `fallback_key`'s value.
fn rated(
    sink: &mut Sink<'_>,
    f: &Fields<'_, '_>,
    key: &str,
    scale: Scale,
    derived: Option<Level>,
    fallback_key: &str,
) -> Option<Rated> {
    if f.get(key).is_some() {
        return f.level(sink, key, scale).map(|level| Rated {
            level,
            source: Source::Explicit,
        });
    }
    if f.get(fallback_key).is_some() {
        // Derived, or already reported as unreadable.
        return derived.map(|level| Rated {
            level,
            source: Source::Derived,
        });
    }
    f.missing(
        sink,
        key,
        format!(
            "set `{key}` (1-5 or a word such as \"{}\"), or `{fallback_key}` to derive it",
            scale.word(Level::new(4).expect("4 is a level"))
        ),
    );
    None
}

/// An optional time to detect or recover. `Err` means present but unreadable.
fn time_estimate(
    sink: &mut Sink<'_>,
    f: &Fields<'_, '_>,
    key: &str,
) -> Result<Option<TimeEstimate>, ()> {
    let Some(value) = f.get(key) else {
        return Ok(None);
    };
    let span = sink.span(value.span());
    let DeValue::String(text) = value.get_ref() else {
        sink.push(
            Diagnostic::new(
                Code::WrongType,
                format!(
                    "`{key}` must be a duration or a word, not {}",
                    crate::register::fields::type_name(value.get_ref())
                ),
            )
            .at(span, "expected a string")
            .help(format!(
                "write a duration in quotes, such as {key} = \"15m\", or a word such as \"fast\""
            )),
        );
        return Err(());
    };
    let looks_like_word = text.trim().starts_with(|c: char| c.is_ascii_alphabetic());
    let result = if looks_like_word {
        Scale::Time
            .parse_word(text)
            .map(|level| TimeEstimate {
                level,
                duration: None,
            })
            .map_err(|e| (Code::InvalidLevel, e))
    } else {
        scale::parse_duration(text)
            .map(|d| TimeEstimate {
                level: scale::time_level(d),
                duration: Some(d),
            })
            .map_err(|e| (Code::InvalidDuration, e))
    };
    result.map(Some).map_err(|(code, e)| {
        sink.push(
            Diagnostic::new(code, e.message)
                .at(span, format!("invalid {key}"))
                .help(e.help),
        );
    })
}

/// One of a fixed set of words, such as a category or an action status.
fn choice<T: Copy>(
    sink: &mut Sink<'_>,
    f: &Fields<'_, '_>,
    key: &str,
    all: &[T],
    name: impl Fn(T) -> &'static str,
) -> Option<T> {
    let text = f.string(sink, key)?;
    if let Some(found) = all.iter().copied().find(|v| name(*v) == text.value) {
        return Some(found);
    }
    let names: Vec<&str> = all.iter().map(|v| name(*v)).collect();
    let help = match crate::suggest::did_you_mean(&text.value, names.iter().copied()) {
        Some(best) => format!(
            "did you mean \"{best}\"? {key} is one of: {}",
            names.join(", ")
        ),
        None => format!("{key} is one of: {}", names.join(", ")),
    };
    sink.push(
        Diagnostic::new(
            Code::InvalidValue,
            format!("`{}` is not a valid {key}", text.value),
        )
        .at(text.span, format!("unknown {key}"))
        .help(help),
    );
    None
}

fn validate_action(sink: &mut Sink<'_>, table: &DeTable<'_>, span: Range<usize>) -> Option<Action> {
    let f = Fields::new(sink, table, span.clone(), "[[risk.action]]", ACTION_KEYS);
    let kind = match f.get("kind") {
        Some(_) => choice(sink, &f, "kind", &ActionKind::ALL, |k| k.name()),
        None => {
            f.missing(
                sink,
                "kind",
                "set kind = \"prevent\", \"detect\" or \"respond\"",
            );
            None
        }
    };
    let what = f.required_string(
        sink,
        "what",
        "say what the action does, such as what = \"Autoscale on queue depth\"",
    );
    let owner = f.string(sink, "owner").map(|s| s.value);
    let due = f.date(sink, "due");
    // An action with no status has not started.
    let status = match f.get("status") {
        Some(_) => choice(sink, &f, "status", &ActionStatus::ALL, |s| s.name()),
        None => Some(ActionStatus::Planned),
    };
    let link = f.string(sink, "link").map(|s| s.value);
    // Whether a path exists is settled once the file's folder is known.
    let runbook = f.string(sink, "runbook").map(|r| At {
        value: if r.value.contains("://") {
            Runbook::Link(r.value)
        } else {
            Runbook::Path {
                path: r.value,
                exists: true,
            }
        },
        span: r.span,
    });
    let signal = f.string(sink, "signal").map(|s| s.value);
    let effects = Effects {
        likelihood: f.level(sink, "likelihood", Scale::Likelihood),
        impact: f.level(sink, "impact", Scale::Impact),
        time_to_detect: time_estimate(sink, &f, "time_to_detect").ok().flatten(),
        time_to_recover: time_estimate(sink, &f, "time_to_recover").ok().flatten(),
        frequency: f
            .parsed(
                sink,
                "frequency",
                Code::InvalidFrequency,
                "1/year",
                scale::parse_frequency,
            )
            .map(|v| v.value),
        users_affected: f
            .parsed(
                sink,
                "users_affected",
                Code::InvalidPercent,
                "5%",
                scale::parse_percent,
            )
            .map(|v| v.value),
    };
    let what = what?;
    Some(Action {
        kind: kind?,
        span: what.span.clone(),
        what: what.value,
        owner,
        due,
        status: status?,
        link,
        runbook,
        signal,
        effects,
    })
}

fn validate_acceptance(
    sink: &mut Sink<'_>,
    table: &DeTable<'_>,
    span: Range<usize>,
) -> Option<Acceptance> {
    let f = Fields::new(sink, table, span, "[risk.accepted]", ACCEPTED_KEYS);
    let by = f.required_string(
        sink,
        "by",
        "name who accepted the risk, such as by = \"eng-manager\"",
    );
    let reason = f.required_string(sink, "reason", "say why the risk is tolerable for now");
    let until = match f.get("until") {
        Some(_) => f.date(sink, "until"),
        None => {
            f.missing(
                sink,
                "until",
                "an acceptance expires: set until = 2027-03-31",
            );
            None
        }
    };
    Some(Acceptance {
        by: by?.value,
        reason: reason?.value,
        until: until?,
    })
}
