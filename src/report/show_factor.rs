//! `opx show FACTOR`: one systemic factor, what it adds to every risk of
//! its system, what that costs in the three views and why, what removes it
//! and what the gate says.

use std::io::{self, Write};

use schemars::JsonSchema;
use serde::Serialize;

use super::check_json::{FindingOut, findings_out};
use super::doc::Doc;
use super::show::{Views, action_item, finding_items};
use super::{factor_minutes_cell, json, places_of, round, size_cell};
use crate::budget::Size;
use crate::diag::plural;
use crate::explain::budget_working;
use crate::factor::FactorState;
use crate::register::model::{ActionKind, ActionStatus};
use crate::score::ViewName;
use crate::show::ShownFactor;
use crate::units::{format_duration, minutes};

pub fn doc(shown: &ShownFactor<'_>) -> Doc {
    let f = shown.factor;
    let factor = f.factor;
    let system = &shown.analysis.systems[f.system];
    let mut doc = Doc::default();
    doc.heading(
        1,
        format!("{}: {}", shown.analysis.factor_name(f), factor.title),
    );
    let done = factor
        .actions
        .iter()
        .filter(|a| a.status == ActionStatus::Done)
        .count();
    let mut facts = vec![format!("a systemic factor of system {}", system.system.id)];
    facts.extend(added_items(shown));
    facts.push(if factor.actions.is_empty() {
        format!("state: {}", f.state().name())
    } else {
        format!(
            "state: {} ({done} of {} done)",
            f.state().name(),
            plural(factor.actions.len(), "action")
        )
    });
    facts.extend(super::budget_fact(system));
    doc.list(facts);

    doc.heading(2, "Cost");
    doc.text(
        "A factor leaves its system's risks' own scores as written and carries the bad minutes \
         it adds to them itself: cost = (1 + f) × (Δd + Δr) × Σ users share × incidents a year \
         + f × Σ bad minutes, over the risks whose bad minutes are known in each view. It is \
         removed once all its actions are done.",
    );
    let [inherent, current, target] = &shown.working;
    let mut lines = vec![format!("current: {current}")];
    for (name, working) in [("inherent", inherent), ("target", target)] {
        lines.push(if working == current {
            format!("{name}: as current")
        } else {
            format!("{name}: {working}")
        });
    }
    if let (Some(budget), Some(share)) = (&system.budget, f.budget_share) {
        lines.push(format!(
            "current: {}",
            budget_working(
                f.bad_minutes(ViewName::Current),
                share,
                budget.budget,
                shown.analysis.single_risk_share
            )
        ));
    }
    doc.list(lines);
    doc.text(format!(
        "Now → after the plan: {} bad minutes a year; budget share now {}.",
        factor_minutes_cell(f),
        size_cell(f.budget_share, f.size)
    ));

    doc.heading(2, "Actions");
    if factor.actions.is_empty() {
        doc.text("None yet: nothing removes this factor.");
    } else {
        let today = shown.analysis.today;
        doc.list(
            factor
                .actions
                .iter()
                .map(|a| action_item(a, true, None, today))
                .collect(),
        );
    }

    doc.heading(2, "What opx check says");
    if shown.findings.is_empty() {
        doc.text("Nothing: the gate finds no problem with this factor.");
    } else {
        doc.list(finding_items(&shown.findings));
    }
    doc
}

/// `adds 30m to every time to detect`, one item for each thing it adds.
fn added_items(shown: &ShownFactor<'_>) -> Vec<String> {
    let added = &shown.factor.factor.added;
    let mut items = Vec::new();
    if let Some(d) = added.time_to_detect {
        items.push(format!(
            "adds {} to every time to detect",
            format_duration(d)
        ));
    }
    if let Some(d) = added.time_to_recover {
        items.push(format!(
            "adds {} to every time to recover",
            format_duration(d)
        ));
    }
    if let Some(p) = added.frequency {
        items.push(format!("adds {p} to every risk's incidents a year"));
    }
    items
}

/// `opx show SYSTEM/FACTOR --format json`.
#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Document<'a> {
    #[schemars(extend("const" = 1))]
    version: u32,
    #[schemars(extend("format" = "date"))]
    today: String,
    factor: FactorOut<'a>,
    /// What `opx check` finds about it.
    findings: Vec<FindingOut<'a>>,
}

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct FactorOut<'a> {
    system: &'a str,
    id: &'a str,
    title: &'a str,
    /// What it adds to every risk of its system.
    added: AddedOut,
    state: FactorState,
    budget_share: Option<f64>,
    budget_size: Option<Size>,
    views: Views<ViewOut<'a>>,
    /// What removes it.
    actions: Vec<ActionOut<'a>>,
    location: LocationOut<'a>,
}

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct AddedOut {
    time_to_detect_minutes: Option<f64>,
    time_to_recover_minutes: Option<f64>,
    frequency_percent: Option<f64>,
}

/// What it costs in a view, and what that rests on.
#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct ViewOut<'a> {
    bad_minutes: f64,
    /// The risks of its system with known bad minutes.
    risks_counted: usize,
    /// Their users affected × incidents a year, summed.
    users_times_incidents: f64,
    /// Their own bad minutes a year, summed.
    risks_bad_minutes: f64,
    /// The sum, written out.
    working: &'a str,
}

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct ActionOut<'a> {
    kind: ActionKind,
    what: &'a str,
    status: ActionStatus,
    owner: Option<&'a str>,
    #[schemars(extend("format" = "date"))]
    due: Option<String>,
    link: Option<&'a str>,
}

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct LocationOut<'a> {
    file: &'a str,
    #[schemars(range(min = 1))]
    line: usize,
    #[schemars(range(min = 1))]
    column: usize,
}

pub fn json(shown: &ShownFactor<'_>, out: &mut dyn Write) -> io::Result<()> {
    let f = shown.factor;
    let factor = f.factor;
    let analysis = shown.analysis;
    let added = &factor.added;
    let file = crate::source::display_path(shown.sources.path(factor.id.span.file));
    let places = places_of(shown.sources, &shown.findings);
    let document = super::show::Document::Factor(Box::new(Document {
        version: super::show::VERSION,
        today: analysis.today.to_string(),
        factor: FactorOut {
            system: &analysis.systems[f.system].system.id,
            id: &factor.id.value,
            title: &factor.title,
            added: AddedOut {
                time_to_detect_minutes: added.time_to_detect.map(minutes),
                time_to_recover_minutes: added.time_to_recover.map(minutes),
                frequency_percent: added.frequency.map(|p| p.value()),
            },
            state: f.state(),
            budget_share: f.budget_share.map(round),
            budget_size: f.size,
            views: Views::of(|view| {
                let exposure = f.exposure(view);
                ViewOut {
                    bad_minutes: round(f.bad_minutes(view)),
                    risks_counted: exposure.risks,
                    users_times_incidents: round(exposure.users_incidents),
                    risks_bad_minutes: round(exposure.bad_minutes),
                    working: &shown.working[view as usize],
                }
            }),
            actions: factor
                .actions
                .iter()
                .map(|a| ActionOut {
                    kind: a.kind,
                    what: &a.what,
                    status: a.status,
                    owner: a.owner.as_deref(),
                    due: a.due.map(|d| d.value.to_string()),
                    link: a.link.as_deref(),
                })
                .collect(),
            location: LocationOut {
                file: &file,
                line: factor.location.line,
                column: factor.location.col,
            },
        },
        findings: findings_out(&shown.findings, &places),
    }));
    json::write(out, &document)
}
