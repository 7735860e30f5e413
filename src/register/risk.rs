//! `[[risk]]` with its `[[risk.action]]` and `[risk.accepted]`.

use std::ops::Range;

use toml::de::{DeTable, DeValue};

use super::fields::{Fields, Setting, Sink, name_within_limit, rule_id, type_name};
use super::format;
use super::model::{
    Acceptance, Action, ActionKind, ActionStatus, At, Category, DataLoss, Effects, Failure, Rated,
    Risk, Runbook, Source, TimeEstimate, View, Waiver,
};
use crate::diag::{Code, Diagnostic};
use crate::scale::{self, Level, Scale};
use crate::uncertainty::Spread;
use crate::units::{self, Estimate, Frequency, Percent};

/// A risk as far as it could be read: its id and system name even when
/// other fields are wrong, so a duplicate id is still found in the same run.
pub(crate) struct RiskDraft {
    pub id: Option<At<String>>,
    pub system: Option<At<String>>,
    pub risk: Option<Risk>,
}

pub(crate) fn validate(sink: &mut Sink<'_>, table: &DeTable<'_>, span: Range<usize>) -> RiskDraft {
    let f = Fields::new(sink, table, span, &format::RISK);
    let id = f.required_id(
        sink,
        "id",
        "risk",
        "give the risk an id such as id = \"traffic-spike\"",
    );
    let system = f
        .string(sink, "system")
        .and_then(|s| name_within_limit(sink, s, "system"));
    let title = f.required_string(
        sink,
        "title",
        "say in a few words what can break, such as title = \"Traffic spikes during peak hours\"",
    );
    let category = f.required_choice(
        sink,
        "category",
        &Category::ALL,
        Category::name,
        "set category = \"technical\", \"data\", \"process\" or \"people\"",
    );
    let estimates = Estimates::read(sink, &f, "4/year", "30%");
    let frequency = estimates.frequency;
    let users_affected = estimates.users_affected;
    let likelihood = rated(
        sink,
        &f,
        "likelihood",
        Scale::Likelihood,
        frequency.map(|fr| scale::likelihood_from_frequency(fr.value)),
        "frequency",
    );
    let impact = rated(
        sink,
        &f,
        "impact",
        Scale::Impact,
        users_affected.map(|u| scale::impact_from_users(u.value)),
        "users_affected",
    );
    let owner = f.string(sink, "owner").map(|s| s.value);
    let reviewed = f.date(sink, "reviewed");
    let review_every_days = f
        .parsed(
            sink,
            "review_every",
            Code::InvalidDuration,
            "90d",
            units::parse_review_cadence,
        )
        .map(|d| d.value);
    let mut actions: Vec<Action> = f
        .tables(
            sink,
            "action",
            "write each action as [[risk.action]], with two brackets",
        )
        .into_iter()
        .filter_map(|(t, span)| validate_action(sink, t, span))
        .collect();
    // Held for the whole run: no room for actions that never come.
    actions.shrink_to_fit();
    // An action's id names it within its risk, so it is unique there.
    let mut first_at: std::collections::HashMap<&str, &At<String>> =
        std::collections::HashMap::new();
    for id in actions.iter().filter_map(|a| a.id.as_ref()) {
        if let Some(first) = first_at.get(id.value.as_str()) {
            sink.push(
                Diagnostic::new(
                    Code::InvalidValue,
                    format!("action id `{}` is used twice in this risk", id.value),
                )
                .at(id.span, "used again here")
                .related(first.span, "first used here")
                .help("action ids are unique within their risk; rename one of them"),
            );
        } else {
            first_at.insert(&id.value, id);
        }
    }
    let accepted = f
        .table(
            sink,
            "accepted",
            "write the acceptance as a table: [risk.accepted]",
        )
        .and_then(|(t, span)| validate_acceptance(sink, t, span));
    let waivers = f
        .tables(
            sink,
            "waive",
            "write each waiver as [[risk.waive]], with two brackets",
        )
        .into_iter()
        .filter_map(|(t, span)| validate_waiver(sink, t, span))
        .collect::<Vec<_>>();
    // One waiver per rule: a second would be reported as waiving nothing.
    for (i, waiver) in waivers.iter().enumerate() {
        if let Some(first) = waivers[..i].iter().find(|w| w.rule == waiver.rule) {
            sink.push(
                Diagnostic::new(
                    Code::InvalidRule,
                    format!("`{}` is waived twice for this risk", waiver.rule.id()),
                )
                .at(waiver.span, "waived again here")
                .related(first.span, "first waived here")
                .help("keep one waiver per rule, with the reason and the date that hold"),
            );
        }
    }

    let risk = (|| {
        let id = id.clone()?;
        Some(Risk {
            system: String::new(),
            location: sink.line_col(id.span.start as usize),
            id,
            title: title?.value,
            category: category?,
            inherent: View {
                likelihood: likelihood?,
                impact: impact?,
                time_to_detect: estimates.time_to_detect.ok()?.map(|t| t.value),
                time_to_recover: estimates.time_to_recover.ok()?.map(|t| t.value),
                frequency: frequency.map(|f| f.value),
                users_affected: users_affected.map(|u| u.value),
                data_loss: estimates.data_loss,
                spread: estimates.spread(),
            },
            owner,
            reviewed,
            review_every_days,
            actions,
            accepted,
            waivers,
        })
    })();
    RiskDraft { id, system, risk }
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

/// The four estimates a risk writes of itself, or an action of its
/// effects: each one value or a range, read as its mean (see
/// [`crate::uncertainty`]). `Err` for a time means present but unreadable.
struct Estimates {
    time_to_detect: Result<Option<Estimate<TimeEstimate>>, ()>,
    time_to_recover: Result<Option<Estimate<TimeEstimate>>, ()>,
    frequency: Option<Estimate<Frequency>>,
    users_affected: Option<Estimate<Percent>>,
    data_loss: Option<DataLoss>,
}

impl Estimates {
    /// Reads them; `frequency` and `share` are examples for the hints.
    fn read(sink: &mut Sink<'_>, f: &Fields<'_, '_>, frequency: &str, share: &str) -> Estimates {
        Estimates {
            time_to_detect: time_estimate(sink, f, "time_to_detect"),
            time_to_recover: time_estimate(sink, f, "time_to_recover"),
            frequency: f
                .parsed(
                    sink,
                    "frequency",
                    Code::InvalidFrequency,
                    frequency,
                    units::parse_frequency_estimate,
                )
                .map(|v| v.value),
            users_affected: f
                .parsed(
                    sink,
                    "users_affected",
                    Code::InvalidPercent,
                    share,
                    units::parse_share_estimate,
                )
                .map(|v| v.value),
            data_loss: f
                .parsed(
                    sink,
                    "data_loss",
                    Code::InvalidDuration,
                    "24h",
                    units::parse_data_loss,
                )
                .map(|v| DataLoss {
                    value: v.value.value,
                    range: v.value.range,
                }),
        }
    }

    /// The ends of those written as ranges.
    fn spread(&self) -> Spread {
        let time = |t: &Result<Option<Estimate<TimeEstimate>>, ()>| {
            t.as_ref().ok().copied().flatten().and_then(|t| t.range)
        };
        Spread {
            time_to_detect: time(&self.time_to_detect),
            time_to_recover: time(&self.time_to_recover),
            frequency: self.frequency.and_then(|f| f.range),
            users_affected: self.users_affected.and_then(|u| u.range),
        }
    }
}

/// An optional time to detect or recover: a word, a duration or a range
/// of durations. `Err` means present but unreadable.
fn time_estimate(
    sink: &mut Sink<'_>,
    f: &Fields<'_, '_>,
    key: &str,
) -> Result<Option<Estimate<TimeEstimate>>, ()> {
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
                    type_name(value.get_ref())
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
            .map(|level| Estimate {
                value: TimeEstimate::new(level, None),
                range: None,
            })
            .map_err(|e| (Code::InvalidLevel, e))
    } else {
        units::parse_duration_estimate(text)
            .map(|d| Estimate {
                value: TimeEstimate::of(d.value),
                range: d.range,
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

fn validate_action(sink: &mut Sink<'_>, table: &DeTable<'_>, span: Range<usize>) -> Option<Action> {
    let f = Fields::new(sink, table, span, &format::ACTION);
    let action = plain_action(sink, &f, &ActionStatus::ALL);
    let id = f.id(sink, "id", "action");
    let exercised = f.date(sink, "exercised");
    let exercise_every_days = f
        .parsed(
            sink,
            "exercise_every",
            Code::InvalidDuration,
            "90d",
            units::parse_review_cadence,
        )
        .map(|d| d.value);
    let failed_on = f.date(sink, "failed_on");
    let reason = f.string(sink, "reason");
    let failed = action.as_ref().map(|a| a.status) == Some(ActionStatus::Failed);
    let failure = match (failed, failed_on) {
        (true, Some(on)) => Some(Failure {
            on,
            reason: reason.map(|r| r.value),
        }),
        (true, None) => {
            f.missing(
                sink,
                "failed_on",
                "a failed action says when it was found not to work: failed_on = 2026-11-02",
            );
            None
        }
        (false, on) => {
            // Only a failed action has a day it failed and a reason why.
            for (key, span) in [
                ("failed_on", on.map(|o| o.span)),
                ("reason", reason.map(|r| r.span)),
            ] {
                if let (Some(span), Some(_)) = (span, action.as_ref()) {
                    sink.push(
                        Diagnostic::new(
                            Code::InvalidValue,
                            format!("`{key}` belongs to a failed action"),
                        )
                        .at(span, "this action is not failed")
                        .help(format!(
                            "set status = \"failed\" if it was found not to work, or remove `{key}`"
                        )),
                    );
                }
            }
            None
        }
    };
    if failed && failure.is_none() {
        return None;
    }
    // Whether a path exists is settled once the file's folder is known.
    let runbook = f.string(sink, "runbook").map(|r| {
        Box::new(At {
            value: if r.value.contains("://") {
                Runbook::Link(r.value)
            } else {
                Runbook::Path {
                    path: r.value,
                    exists: true,
                }
            },
            span: r.span,
        })
    });
    let signal = f.string(sink, "signal");
    let signal_span = signal.as_ref().map(|s| s.span);
    let signal = signal.map(|s| s.value);
    let estimates = Estimates::read(sink, &f, "1/year", "5%");
    let effects = Effects {
        likelihood: f.level(sink, "likelihood", Scale::Likelihood),
        impact: f.level(sink, "impact", Scale::Impact),
        time_to_detect: estimates.time_to_detect.ok().flatten().map(|t| t.value),
        time_to_recover: estimates.time_to_recover.ok().flatten().map(|t| t.value),
        frequency: estimates.frequency.map(|v| v.value),
        users_affected: estimates.users_affected.map(|v| v.value),
        data_loss: estimates.data_loss,
        spread: estimates.spread(),
    };
    action.map(|a| Action {
        id,
        runbook,
        signal,
        signal_span,
        effects,
        exercised,
        exercise_every_days,
        failure,
        ..a
    })
}

/// A `[[system.factor.action]]`: an action without runbook, signal or
/// effects, since what it does once done is remove its factor.
pub(crate) fn validate_factor_action(
    sink: &mut Sink<'_>,
    table: &DeTable<'_>,
    span: Range<usize>,
) -> Option<Action> {
    let f = Fields::new(sink, table, span, &format::FACTOR_ACTION);
    plain_action(sink, &f, &ActionStatus::OF_FACTOR)
}

/// The keys every action has (see `format::FACTOR_ACTION`): what it is,
/// who does it, by when, how far it got.
fn plain_action(
    sink: &mut Sink<'_>,
    f: &Fields<'_, '_>,
    statuses: &[ActionStatus],
) -> Option<Action> {
    let kind = f.required_choice(
        sink,
        "kind",
        &ActionKind::ALL,
        ActionKind::name,
        "set kind = \"prevent\", \"detect\" or \"respond\"",
    );
    let what = f.required_string(
        sink,
        "what",
        "say what the action does, such as what = \"Autoscale on queue depth\"",
    );
    let owner = f.string(sink, "owner").map(|s| s.value);
    let due = f.date(sink, "due");
    // An action with no status has not started.
    let status = match f.get("status") {
        Some(_) => f.choice(sink, "status", statuses, ActionStatus::name),
        None => Some(ActionStatus::Planned),
    };
    let link = f.string(sink, "link").map(|s| s.value);
    let what = what?;
    Some(Action {
        id: None,
        kind: kind?,
        span: what.span,
        what: what.value,
        owner,
        due,
        status: status?,
        link,
        runbook: None,
        signal: None,
        signal_span: None,
        effects: Effects::default(),
        exercised: None,
        exercise_every_days: None,
        failure: None,
    })
}

fn validate_waiver(sink: &mut Sink<'_>, table: &DeTable<'_>, span: Range<usize>) -> Option<Waiver> {
    let f = Fields::new(sink, table, span, &format::WAIVE);
    let rule = f
        .required_string(
            sink,
            "rule",
            "name the gate rule it waives, such as rule = \"no-runbook\"",
        )
        .and_then(|r| rule_id(sink, &r.value, r.span, Setting::Waiver).map(|code| (code, r.span)));
    let reason = f.required_string(
        sink,
        "reason",
        "say why the rule does not apply to this risk, for now",
    );
    let by = f.string(sink, "by").map(|s| s.value);
    let until = f.required_date(sink, "until", "a waiver expires: set until = 2027-03-31");
    let (rule, span) = rule?;
    Some(Waiver {
        rule,
        reason: reason?.value,
        by,
        until: until?,
        span,
    })
}

fn validate_acceptance(
    sink: &mut Sink<'_>,
    table: &DeTable<'_>,
    span: Range<usize>,
) -> Option<Acceptance> {
    let f = Fields::new(sink, table, span, &format::ACCEPTED);
    let by = f.required_string(
        sink,
        "by",
        "name who accepted the risk, such as by = \"eng-manager\"",
    );
    let reason = f.required_string(sink, "reason", "say why the risk is tolerable for now");
    let until = f.required_date(
        sink,
        "until",
        "an acceptance expires: set until = 2027-03-31",
    );
    Some(Acceptance {
        by: by?.value,
        reason: reason?.value,
        until: until?,
    })
}
