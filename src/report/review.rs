//! `opx review` as a document (terminal or Markdown) and as JSON.

use std::io::{self, Write};

use schemars::JsonSchema;
use serde::Serialize;

use super::doc::Doc;
use super::json::DrillOut;
use super::{json, risk_name, status_mark};
use crate::diag::plural;
use crate::exception::Standing;
use crate::register::model::{Action, Risk};
use crate::review::Digest;
use crate::units::{format_duration, minutes};

pub const VERSION: u32 = 1;

/// `2026-11-20 (overdue)` or the plain date.
fn when(date: jiff::civil::Date, overdue: bool) -> String {
    if overdue {
        format!("{date} (overdue)")
    } else {
        date.to_string()
    }
}

pub fn doc(d: &Digest<'_>) -> Doc {
    let mut doc = Doc::default();
    let name = |risk: &Risk| risk_name(risk, d.one_system);
    doc.heading(
        1,
        format!("Weekly review ({}, next {} days)", d.today, d.days),
    );

    doc.heading(2, "Reviews due");
    if d.reviews.is_empty() {
        doc.text("No review is due.");
    } else {
        doc.table(
            vec!["risk", "title", "due", "owner"],
            &["title", "owner"],
            d.reviews
                .iter()
                .map(|r| {
                    vec![
                        name(r.risk),
                        r.risk.title.clone(),
                        r.due
                            .map_or("never reviewed".to_string(), |due| when(due, r.overdue)),
                        r.risk.owner.clone().unwrap_or_else(|| "-".to_string()),
                    ]
                })
                .collect(),
        );
        doc.optional(&["owner"]);
        doc.ids(&["risk"]);
    }

    doc.heading(2, "Actions due");
    if d.actions.is_empty() {
        doc.text("No action is due.");
    } else {
        doc.table(
            vec!["action", "what", "risk", "owner", "due"],
            &["what", "owner"],
            d.actions
                .iter()
                .map(|a| {
                    vec![
                        format!("{} {}", status_mark(a.action.status), a.action.kind.name()),
                        a.action.what.clone(),
                        name(a.risk),
                        a.action
                            .owner
                            .clone()
                            .or_else(|| a.risk.owner.clone())
                            .unwrap_or_else(|| "-".to_string()),
                        when(a.due, a.overdue),
                    ]
                })
                .collect(),
        );
        doc.optional(&["owner"]);
        doc.ids(&["risk"]);
    }

    doc.heading(2, "Exercises due");
    if d.exercises.is_empty() {
        doc.text("No exercise is due.");
    } else {
        doc.table(
            vec!["action", "what", "risk", "owner", "last", "due"],
            &["what", "owner"],
            d.exercises
                .iter()
                .map(|e| {
                    vec![
                        format!("{} {}", status_mark(e.facts.status), e.action.kind.name()),
                        e.action.what.clone(),
                        name(e.risk),
                        e.action
                            .owner
                            .clone()
                            .or_else(|| e.risk.owner.clone())
                            .unwrap_or_else(|| "-".to_string()),
                        e.facts
                            .exercised
                            .map_or("never".to_string(), |d| d.to_string()),
                        e.facts
                            .due
                            .map_or("now".to_string(), |due| when(due, e.overdue())),
                    ]
                })
                .collect(),
        );
        doc.optional(&["owner", "last"]);
        doc.ids(&["risk"]);
    }

    doc.heading(2, "Exceptions ending");
    if d.exceptions.is_empty() {
        doc.text(format!(
            "No acceptance or waiver ends within {}.",
            plural(d.notice_days as usize, "day")
        ));
    } else {
        doc.table(
            vec!["risk", "exception", "by", "until", "why"],
            &["by", "why"],
            d.exceptions
                .iter()
                .map(|e| {
                    let until = e.exception.until().value;
                    vec![
                        name(e.risk),
                        e.exception.rule().map_or("accepted".to_string(), |rule| {
                            format!("waives {}", rule.id())
                        }),
                        e.exception.by().unwrap_or("-").to_string(),
                        if e.standing == Standing::Expired {
                            format!("{until} (expired)")
                        } else {
                            until.to_string()
                        },
                        e.exception.reason().to_string(),
                    ]
                })
                .collect(),
        );
        doc.ids(&["risk"]);
    }

    doc.heading(2, "Incidents and near-misses");
    if d.incidents.is_empty() {
        doc.text(format!(
            "No incident or near-miss in the last {} days.",
            d.days
        ));
    } else {
        doc.table(
            vec![
                "date",
                "incident",
                "system",
                "kind",
                "risks",
                "detected",
                "recovered",
                "summary",
            ],
            &["risks", "summary"],
            d.incidents
                .iter()
                .map(|i| {
                    let duration = |d: &Option<crate::register::model::At<std::time::Duration>>| {
                        d.as_ref()
                            .map_or("-".to_string(), |d| format_duration(d.value))
                    };
                    vec![
                        i.date.value.to_string(),
                        i.id.value.clone(),
                        i.system.clone(),
                        if i.near_miss { "near-miss" } else { "incident" }.to_string(),
                        i.risks
                            .iter()
                            .map(|r| format!("{}/{}", r.value.0, r.value.1))
                            .collect::<Vec<_>>()
                            .join(", "),
                        duration(&i.detected_after),
                        duration(&i.recovered_after),
                        i.summary.clone().unwrap_or_default(),
                    ]
                })
                .collect(),
        );
        doc.optional(&["system", "recovered", "detected", "kind"]);
    }

    doc.heading(2, "Estimates contradicted");
    if d.contradicted.is_empty() {
        doc.text("No incident of the last 365 days took longer than its risk's estimates.");
    } else {
        doc.table(
            vec!["risk", "incident", "measure", "estimate", "took"],
            &[],
            d.contradicted
                .iter()
                .map(|(risk, c)| {
                    vec![
                        name(risk),
                        c.incident.id.value.clone(),
                        c.measure.label().to_string(),
                        format_duration(c.estimate),
                        format_duration(c.took.value),
                    ]
                })
                .collect(),
        );
    }

    doc.heading(2, "No plan yet");
    if d.no_plan.is_empty() {
        doc.text("Every risk has at least one action.");
    } else {
        doc.list(
            d.no_plan
                .iter()
                .map(|r| format!("{}: {}", name(r), r.title))
                .collect(),
        );
    }
    doc
}

/// `opx review --format json`, version 1.
#[derive(Serialize, JsonSchema)]
#[schemars(title = "opx review --format json, version 1", deny_unknown_fields)]
pub struct Document<'a> {
    #[schemars(extend("const" = 1))]
    version: u32,
    /// The day the digest was made on.
    #[schemars(extend("format" = "date"))]
    today: String,
    /// How many days ahead it looks (`--days`).
    #[schemars(range(min = 1))]
    days: i64,
    /// Reviews due within the window, overdue first.
    reviews: Vec<ReviewOut<'a>>,
    /// Open actions due within the window, soonest first.
    actions: Vec<ActionOut<'a>>,
    /// Done actions to be shown to work again, or for the first time.
    exercises: Vec<DrillOut<'a>>,
    /// Acceptances and waivers that end within the policy's
    /// `expiring_within`, or have ended; soonest first.
    exceptions: Vec<ExceptionOut<'a>>,
    /// Incidents and near-misses of the last `days`, newest first.
    incidents: Vec<IncidentOut<'a>>,
    /// Incidents of the last 365 days that took longer than their risk's
    /// estimate.
    estimates_contradicted: Vec<ContradictionOut<'a>>,
    /// Risks with no action, or only failed ones, and no acceptance.
    no_plan: Vec<NoPlanOut<'a>>,
}

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct ReviewOut<'a> {
    system: &'a str,
    risk: &'a str,
    /// Null when it was never reviewed.
    #[schemars(extend("format" = "date"))]
    due: Option<String>,
    overdue: bool,
}

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct ActionOut<'a> {
    system: &'a str,
    risk: &'a str,
    kind: &'static str,
    what: &'a str,
    /// The action's owner, else its risk's.
    owner: Option<&'a str>,
    #[schemars(extend("format" = "date"))]
    due: String,
    overdue: bool,
    status: &'static str,
}

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct ExceptionOut<'a> {
    system: &'a str,
    risk: &'a str,
    #[schemars(extend("enum" = ["acceptance", "waiver"]))]
    kind: &'static str,
    /// The rule a waiver sets aside; null for an acceptance.
    rule: Option<&'static str>,
    by: Option<&'a str>,
    #[schemars(extend("format" = "date"))]
    until: String,
    reason: &'a str,
    standing: Standing,
}

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct IncidentOut<'a> {
    system: &'a str,
    id: &'a str,
    #[schemars(extend("format" = "date"))]
    date: String,
    near_miss: bool,
    /// The risks it is about, as `system/risk`.
    risks: Vec<String>,
    detected_after_minutes: Option<f64>,
    recovered_after_minutes: Option<f64>,
    summary: Option<&'a str>,
    postmortem: Option<&'a str>,
}

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct ContradictionOut<'a> {
    system: &'a str,
    risk: &'a str,
    incident: &'a str,
    #[schemars(extend("enum" = ["time_to_detect", "time_to_recover"]))]
    measure: &'static str,
    estimate_minutes: f64,
    took_minutes: f64,
}

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct NoPlanOut<'a> {
    system: &'a str,
    risk: &'a str,
    title: &'a str,
}

impl<'a> Document<'a> {
    pub fn of(d: &'a Digest<'a>) -> Self {
        let owner =
            |action: &'a Action, risk: &'a Risk| action.owner.as_deref().or(risk.owner.as_deref());
        Document {
            version: VERSION,
            today: d.today.to_string(),
            days: d.days,
            reviews: d
                .reviews
                .iter()
                .map(|r| ReviewOut {
                    system: &r.risk.system,
                    risk: &r.risk.id.value,
                    due: r.due.map(|d| d.to_string()),
                    overdue: r.overdue,
                })
                .collect(),
            actions: d
                .actions
                .iter()
                .map(|a| ActionOut {
                    system: &a.risk.system,
                    risk: &a.risk.id.value,
                    kind: a.action.kind.name(),
                    what: &a.action.what,
                    owner: owner(a.action, a.risk),
                    due: a.due.to_string(),
                    overdue: a.overdue,
                    status: a.action.status.name(),
                })
                .collect(),
            exercises: d
                .exercises
                .iter()
                .map(|e| DrillOut::of(e.risk, e.action, &e.facts))
                .collect(),
            exceptions: d
                .exceptions
                .iter()
                .map(|e| ExceptionOut {
                    system: &e.risk.system,
                    risk: &e.risk.id.value,
                    kind: if e.exception.rule().is_some() {
                        "waiver"
                    } else {
                        "acceptance"
                    },
                    rule: e.exception.rule().map(|r| r.id()),
                    by: e.exception.by(),
                    until: e.exception.until().value.to_string(),
                    reason: e.exception.reason(),
                    standing: e.standing,
                })
                .collect(),
            incidents: d
                .incidents
                .iter()
                .map(|i| IncidentOut {
                    system: &i.system,
                    id: &i.id.value,
                    date: i.date.value.to_string(),
                    near_miss: i.near_miss,
                    risks: i
                        .risks
                        .iter()
                        .map(|r| format!("{}/{}", r.value.0, r.value.1))
                        .collect(),
                    detected_after_minutes: i.detected_after.map(|d| minutes(d.value)),
                    recovered_after_minutes: i.recovered_after.map(|d| minutes(d.value)),
                    summary: i.summary.as_deref(),
                    postmortem: i.postmortem.as_deref(),
                })
                .collect(),
            estimates_contradicted: d
                .contradicted
                .iter()
                .map(|(risk, c)| ContradictionOut {
                    system: &risk.system,
                    risk: &risk.id.value,
                    incident: &c.incident.id.value,
                    measure: c.measure.key(),
                    estimate_minutes: minutes(c.estimate),
                    took_minutes: minutes(c.took.value),
                })
                .collect(),
            no_plan: d
                .no_plan
                .iter()
                .map(|r| NoPlanOut {
                    system: &r.system,
                    risk: &r.id.value,
                    title: &r.title,
                })
                .collect(),
        }
    }
}

pub fn json(d: &Digest<'_>, out: &mut dyn Write) -> io::Result<()> {
    json::write(out, &Document::of(d))
}

#[cfg(test)]
mod snapshot {
    use crate::report::{ReviewFormat, fixture};

    /// The shared fixture, as this format writes it.
    #[test]
    fn the_fixture() {
        insta::assert_snapshot!(fixture::review(ReviewFormat::Table, 200), @"
        Weekly review (2026-11-27, next 7 days)

        Reviews due

        risk                    title                                           due             owner
        checkout/single-expert  Only one engineer knows the reconciliation job  never reviewed  payments-team

        Actions due

        action     what               risk                    owner  due
        ○ prevent  Autoscale workers  checkout/traffic-spike  bob    2026-11-20 (overdue)

        Exercises due

        action     what                            risk                 owner          last        due
        ✓ respond  Roll back with the deploy tool  checkout/bad-deploy  payments-team  2026-03-01  2026-08-28 (overdue)

        Exceptions ending

        No acceptance or waiver ends within 14 days.

        Incidents and near-misses

        No incident or near-miss in the last 7 days.

        Estimates contradicted

        risk                    incident  measure         estimate  took
        checkout/traffic-spike  INC-7     time to detect  5m        22m

        No plan yet

          • checkout/single-expert: Only one engineer knows the reconciliation job
        ");
    }
}

#[cfg(test)]
mod widths {
    use crate::report::{ReviewFormat, fixture};

    fn at(width: usize) -> String {
        let text = fixture::review(ReviewFormat::Table, width);
        fixture::assert_fits(&text, width);
        text
    }

    #[test]
    fn at_80_columns() {
        insta::assert_snapshot!(at(80), @"
        Weekly review (2026-11-27, next 7 days)

        Reviews due

        risk                    title                                     due
        checkout/single-expert  Only one engineer knows the reconciliat…  never reviewed
        hidden to fit: owner

        Actions due

        action     what               risk                    due
        ○ prevent  Autoscale workers  checkout/traffic-spike  2026-11-20 (overdue)

        Exercises due

        action     what                        risk                 due
        ✓ respond  Roll back with the deploy…  checkout/bad-deploy  2026-08-28 (overdue)
        hidden to fit: owner, last

        Exceptions ending

        No acceptance or waiver ends within 14 days.

        Incidents and near-misses

        No incident or near-miss in the last 7 days.

        Estimates contradicted

        risk                    incident  measure         estimate  took
        checkout/traffic-spike  INC-7     time to detect  5m        22m

        No plan yet

          • checkout/single-expert: Only one engineer knows the reconciliation job
        ");
    }

    #[test]
    fn at_120_columns() {
        insta::assert_snapshot!(at(120), @"
        Weekly review (2026-11-27, next 7 days)

        Reviews due

        risk                    title                                           due             owner
        checkout/single-expert  Only one engineer knows the reconciliation job  never reviewed  payments-team

        Actions due

        action     what               risk                    owner  due
        ○ prevent  Autoscale workers  checkout/traffic-spike  bob    2026-11-20 (overdue)

        Exercises due

        action     what                            risk                 owner          last        due
        ✓ respond  Roll back with the deploy tool  checkout/bad-deploy  payments-team  2026-03-01  2026-08-28 (overdue)

        Exceptions ending

        No acceptance or waiver ends within 14 days.

        Incidents and near-misses

        No incident or near-miss in the last 7 days.

        Estimates contradicted

        risk                    incident  measure         estimate  took
        checkout/traffic-spike  INC-7     time to detect  5m        22m

        No plan yet

          • checkout/single-expert: Only one engineer knows the reconciliation job
        ");
    }

    #[test]
    fn at_200_columns() {
        insta::assert_snapshot!(at(200), @"
        Weekly review (2026-11-27, next 7 days)

        Reviews due

        risk                    title                                           due             owner
        checkout/single-expert  Only one engineer knows the reconciliation job  never reviewed  payments-team

        Actions due

        action     what               risk                    owner  due
        ○ prevent  Autoscale workers  checkout/traffic-spike  bob    2026-11-20 (overdue)

        Exercises due

        action     what                            risk                 owner          last        due
        ✓ respond  Roll back with the deploy tool  checkout/bad-deploy  payments-team  2026-03-01  2026-08-28 (overdue)

        Exceptions ending

        No acceptance or waiver ends within 14 days.

        Incidents and near-misses

        No incident or near-miss in the last 7 days.

        Estimates contradicted

        risk                    incident  measure         estimate  took
        checkout/traffic-spike  INC-7     time to detect  5m        22m

        No plan yet

          • checkout/single-expert: Only one engineer knows the reconciliation job
        ");
    }
}
