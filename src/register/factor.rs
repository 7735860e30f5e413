//! `[[system.factor]]` with its `[[system.factor.action]]`.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::ops::Range;

use toml::de::DeTable;

use super::fields::{Fields, Sink};
use super::format;
use super::model::{Added, At, Factor};
use super::risk::validate_factor_action;
use crate::diag::{Code, Diagnostic};
use crate::units;

pub(crate) fn validate(
    sink: &mut Sink<'_>,
    table: &DeTable<'_>,
    span: Range<usize>,
) -> Option<Factor> {
    let f = Fields::new(sink, table, span, &format::FACTOR);
    let id = f.required_id(
        sink,
        "id",
        "factor",
        "give the factor an id such as id = \"operational-overload\"",
    );
    let title = f.required_string(
        sink,
        "title",
        "say in a few words what is wrong, such as title = \"On-call is overloaded\"",
    );
    let time = |sink: &mut Sink<'_>, key, example| {
        f.parsed(
            sink,
            key,
            Code::InvalidDuration,
            example,
            units::parse_added_duration,
        )
    };
    let time_to_detect = time(sink, "time_to_detect", "+30m");
    let time_to_recover = time(sink, "time_to_recover", "+5m");
    let frequency = f.parsed(
        sink,
        "frequency",
        Code::InvalidPercent,
        "+10%",
        units::parse_added_percent,
    );
    let present = ["time_to_detect", "time_to_recover", "frequency"]
        .iter()
        .any(|key| f.get(key).is_some());
    if !present {
        // One of the three will do, so the message names them all.
        f.missing(
            sink,
            "time_to_detect`, `time_to_recover` or `frequency",
            "a factor adds to every risk at least one of time_to_detect = \"+30m\", \
             time_to_recover = \"+5m\" or frequency = \"+10%\"",
        );
    }
    let actions: Vec<_> = f
        .tables(
            sink,
            "action",
            "write each action as [[system.factor.action]], with two brackets",
        )
        .into_iter()
        .filter_map(|(t, span)| validate_factor_action(sink, t, span))
        .collect();
    let id = id?;
    Some(Factor {
        location: sink.line_col(id.span.start as usize),
        id,
        title: title?.value,
        added: Added {
            time_to_detect: time_to_detect.map(|t| t.value),
            time_to_recover: time_to_recover.map(|t| t.value),
            frequency: frequency.map(|t| t.value),
        },
        actions,
    })
}

/// Reports each factor whose id another factor of the system, or one of
/// `risks` (the system's risks' ids), already uses. One look per id, so a
/// hostile file of many factors costs no more than it is long.
pub(crate) fn check_ids<'a>(
    factors: &'a [Factor],
    system: &str,
    risks: impl Iterator<Item = &'a At<String>>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let mut first: HashMap<&str, (&At<String>, &str)> =
        risks.map(|r| (r.value.as_str(), (r, "risk"))).collect();
    for factor in factors {
        let id = &factor.id;
        match first.entry(&id.value) {
            Entry::Vacant(slot) => {
                slot.insert((id, "factor"));
            }
            Entry::Occupied(taken) => {
                let (first, what) = *taken.get();
                diagnostics.push(
                    Diagnostic::new(
                        Code::DuplicateFactor,
                        format!(
                            "factor `{}` of system `{system}` has the id of a {what}",
                            id.value
                        ),
                    )
                    .at(id.span, "factor id used again here")
                    .related(first.span, format!("{what} `{}` is here", first.value))
                    .help(
                        "a factor's id is unique among its system's risks and factors; rename it",
                    ),
                );
            }
        }
    }
}
