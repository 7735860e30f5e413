//! `opx show` as a document (terminal or Markdown) and as JSON: one risk,
//! its scores in the three views with their working, what is being done,
//! what happened, and what the gate says.

use std::io::{self, Write};

use schemars::JsonSchema;
use serde::Serialize;

use super::check_json::{FindingOut, WaivedOut, findings_out, waived_out};
use super::doc::Doc;
use super::rank_json::{RiskOut, risk_out};
use super::{
    data_loss_text, incidents_cell, json, places_of, round, state_cell, status_mark, time_cell,
    waived_places_of,
};
use crate::analysis::AssessedRisk;
use crate::budget::{minutes_text, percent_text};
use crate::diag::plural;
use crate::exception::{Standing, Stood};
use crate::exercise::{ActionFacts, Exercise, FailedBy};
use crate::history::Measure;
use crate::register::model::{Action, ActionStatus, Effects, Runbook};
use crate::scale::Scale;
use crate::score::{State, ViewName, ViewScore};
use crate::show::Shown;
use crate::units::{format_duration, minutes};
use std::time::Duration;

pub const VERSION: u32 = 1;

pub fn doc(shown: &Shown<'_>) -> Doc {
    let r = shown.risk;
    let risk = r.risk;
    let today = shown.analysis.today;
    let mut doc = Doc::default();
    doc.heading(
        1,
        format!("{}/{}: {}", risk.system, risk.id.value, risk.title),
    );

    let done = r.done_count();
    let state = match r.state {
        State::Accepted | State::Open if risk.actions.is_empty() => r.state.name().to_string(),
        _ => format!(
            "{} ({done} of {} done{})",
            state_cell(r),
            plural(risk.actions.len(), "action"),
            match r.unevidenced().count() {
                0 => String::new(),
                n => format!(", {n} without evidence"),
            } + &match r.failed_count() {
                0 => String::new(),
                n => format!(", {n} failed"),
            }
        ),
    };
    let review = match (risk.reviewed, r.review.due) {
        (Some(last), Some(due)) => format!(
            "last reviewed {}, next due {due}{} (every {})",
            last.value,
            if r.review.overdue(today) {
                ", overdue"
            } else {
                ""
            },
            plural(r.review.every_days as usize, "day")
        ),
        _ => format!(
            "never reviewed: due now (then every {})",
            plural(r.review.every_days as usize, "day")
        ),
    };
    let system = shown.analysis.system_of(r);
    let mut facts = vec![
        format!("category: {}", risk.category.name()),
        format!("owner: {}", risk.owner.as_deref().unwrap_or("none")),
        format!("state: {state}"),
        format!("review: {review}"),
    ];
    facts.extend(super::budget_fact(system));
    facts.extend(data_loss_fact(r, system.system.slo.rpo));
    doc.list(facts);

    doc.heading(2, "Scores");
    doc.text("Inherent: the risk as written. Current: with its done actions. Target: with every action done.");
    let s = &r.score;
    let views = [&s.inherent, &s.current, &s.target];
    let row = |name: &str, cell: &dyn Fn(&ViewScore) -> String| {
        let mut cells = vec![name.to_string()];
        cells.extend(views.iter().map(|v| cell(v)));
        cells
    };
    let level = |scale: Scale| {
        move |v: &ViewScore| {
            let rated = match scale {
                Scale::Likelihood => v.view.likelihood,
                _ => v.view.impact,
            };
            format!("{} {}", rated.level, scale.word(rated.level))
        }
    };
    let dash = |v: Option<String>| v.unwrap_or_else(|| "-".to_string());
    doc.table(
        vec!["", "inherent", "current", "target"],
        &[],
        vec![
            row("likelihood", &level(Scale::Likelihood)),
            row("impact", &level(Scale::Impact)),
            row("severity", &|v| format!("{} {}", v.severity, v.band)),
            row("time to detect", &|v| time_cell(v.view.time_to_detect)),
            row("time to recover", &|v| time_cell(v.view.time_to_recover)),
            row("exposure", &|v| dash(v.exposure.map(|e| e.to_string()))),
            row("frequency", &|v| {
                dash(
                    v.view
                        .frequency
                        .map(|f| format!("{}/year", crate::units::number_text(f.per_year()))),
                )
            }),
            row("users affected", &|v| {
                dash(v.view.users_affected.map(|p| p.to_string()))
            }),
            row("bad min/yr", &|v| dash(v.bad_minutes.map(minutes_text))),
            row("budget share", &|v| dash(v.budget_share.map(percent_text))),
        ]
        .into_iter()
        .chain(
            views
                .iter()
                .any(|v| v.view.data_loss.is_some())
                .then(|| row("data loss", &|v| dash(v.view.data_loss.map(data_loss_text)))),
        )
        .collect(),
    );
    let ranges = super::ranges_lines(&s.current.view);
    if !ranges.is_empty() {
        doc.text("Ranges (90% intervals, current view): each score above counts the mean.");
        doc.list(ranges);
    }
    if let Some(settings) = shown.analysis.simulation {
        let this_risk = r.simulated.map(|y| {
            format!(
                "this risk: P50 {}, P90 {} bad minutes a year",
                minutes_text(y.p50),
                minutes_text(y.p90)
            )
        });
        let lines = this_risk
            .into_iter()
            .chain(super::system_simulation_line(system))
            .collect();
        doc.text(format!(
            "Simulation ({}):",
            super::simulation_settings_text(settings)
        ));
        doc.list(lines);
    }

    doc.heading(2, "Working");
    let [inherent, current, target] = &shown.working;
    let mut lines = Vec::new();
    for (name, working, same_as) in [
        ("current", current, None),
        ("inherent", inherent, Some(current)),
        ("target", target, Some(current)),
    ] {
        if same_as == Some(working) {
            lines.push(format!("{name}: as current"));
            continue;
        }
        lines.push(format!("{name}: {}", working.severity));
        lines.push(format!("{name}: {}", working.exposure));
        lines.push(format!("{name}: {}", working.bad_minutes));
        if let Some(budget) = &working.budget {
            lines.push(format!("{name}: {budget}"));
        }
    }
    doc.list(lines);
    let now = in_brief(&s.current);
    let then = in_brief(&s.target);
    doc.text(if now == then {
        format!("Now: {now}. The plan does not change it.")
    } else {
        format!("Now: {now}. After the plan: {then}.")
    });

    doc.heading(2, "Actions");
    if risk.actions.is_empty() {
        doc.text("None yet: nothing prevents, detects or answers this risk.");
    } else {
        doc.list(
            r.actions()
                .enumerate()
                .map(|(i, (a, facts))| action_item(a, r.shows_evidence(i), Some(facts), today))
                .collect(),
        );
    }
    if !r.exceptions.is_empty() {
        doc.heading(2, "Exceptions");
        doc.list(r.exceptions.iter().map(exception_item).collect());
    }

    doc.heading(2, "Incidents");
    if shown.incidents.is_empty() {
        doc.text("None recorded.");
    } else {
        doc.text(format!(
            "In the last 365 days: {}.",
            match incidents_cell(&r.history).as_str() {
                "-" => "none".to_string(),
                cell => cell.to_string(),
            }
        ));
        doc.list(
            shown
                .incidents
                .iter()
                .map(|i| {
                    let mut item = format!(
                        "{} on {}: {}",
                        i.id.value,
                        i.date.value,
                        if i.near_miss { "near-miss" } else { "incident" }
                    );
                    if let Some(d) = i.detected_after {
                        item.push_str(&format!(", detected after {}", format_duration(d.value)));
                    }
                    if let Some(d) = i.recovered_after {
                        item.push_str(&format!(", recovered after {}", format_duration(d.value)));
                    }
                    if let Some(summary) = &i.summary {
                        item.push_str(&format!(": {summary}"));
                    }
                    item
                })
                .collect(),
        );
        for c in &shown.contradictions {
            let happened = match c.measure {
                Measure::DataLoss => format!("lost {} of writes", format_duration(c.took.value)),
                m => format!("took {} to {}", format_duration(c.took.value), m.verb()),
            };
            doc.text(format!(
                "{} {happened}, {} more than the estimate of {}.",
                c.incident.id.value,
                format_duration(c.took.value - c.estimate),
                format_duration(c.estimate)
            ));
        }
    }

    doc.heading(2, "What opx check says");
    if shown.findings.is_empty() && shown.waived.is_empty() {
        doc.text("Nothing: the gate finds no problem with this risk.");
    } else if shown.findings.is_empty() {
        doc.text("Nothing that counts.");
    } else {
        doc.list(finding_items(&shown.findings));
    }
    if !shown.waived.is_empty() {
        doc.text("Waived:");
        doc.list(
            shown
                .waived
                .iter()
                .map(|w| {
                    format!(
                        "{}: {} (waived until {}{}: {})",
                        w.waiver.rule.id(),
                        w.finding.message,
                        w.waiver.until.value,
                        w.waiver
                            .by
                            .as_deref()
                            .map_or(String::new(), |by| format!(" by {by}")),
                        w.waiver.reason
                    )
                })
                .collect(),
        );
    }
    doc
}

/// `error[too-big]: … (help: …)`, one item per finding.
pub(super) fn finding_items(findings: &[crate::diag::Diagnostic]) -> Vec<String> {
    findings
        .iter()
        .map(|d| {
            let mut item = format!("{}[{}]: {}", d.severity.name(), d.code.id(), d.message);
            if let Some(help) = &d.help {
                item.push_str(&format!(" (help: {help})"));
            }
            item
        })
        .collect()
}

/// `16 high, 90.00 bad minutes a year, 17.1% of the error budget`: one
/// view's standing in a phrase.
fn in_brief(view: &ViewScore) -> String {
    let mut text = format!("{} {}", view.severity, view.band);
    if let Some(minutes) = view.bad_minutes {
        text.push_str(&format!(", {} bad minutes a year", minutes_text(minutes)));
    }
    if let Some(share) = view.budget_share {
        text.push_str(&format!(", {} of the error budget", percent_text(share)));
    }
    text
}

/// `✓ detect: Page on queue depth (done, alice; signal queue-depth-p95;
/// once done: time to detect 5m)`
pub(super) fn action_item(
    action: &Action,
    evidence: bool,
    facts: Option<&ActionFacts<'_>>,
    today: jiff::civil::Date,
) -> String {
    let status = facts.map_or(action.status, |f| f.status);
    let mark = status_mark(status);
    let mut details = vec![status.name().to_string()];
    if let Some(owner) = &action.owner {
        details.push(owner.clone());
    }
    if let Some(due) = action.due.filter(|_| action.status != ActionStatus::Done) {
        let overdue = facts.map_or_else(|| crate::exercise::overdue(action, today), |f| f.overdue);
        let overdue = if overdue { ", overdue" } else { "" };
        details.push(format!("due {}{overdue}", due.value));
    }
    let mut more = Vec::new();
    if let Some(signal) = &action.signal {
        more.push(format!("signal {signal}"));
    }
    if let Some(runbook) = &action.runbook {
        more.push(match &runbook.value {
            Runbook::Link(link) => format!("runbook {link}"),
            Runbook::Path { path, exists: true } => format!("runbook {path}"),
            Runbook::Path {
                path,
                exists: false,
            } => format!("runbook {path} (missing)"),
        });
    }
    if let Some(link) = &action.link {
        more.push(format!("link {link}"));
    }
    let effects = effects_text(&action.effects);
    if !effects.is_empty() {
        more.push(format!("once done: {effects}"));
    }
    if action.status == ActionStatus::Done && !evidence {
        more.push("no evidence of what it changed".to_string());
    }
    more.extend(facts.and_then(exercise_text));
    let mut item = format!(
        "{mark} {}: {} ({})",
        action.kind.name(),
        action.what,
        details.join(", ")
    );
    if !more.is_empty() {
        item.push_str(&format!("; {}", more.join("; ")));
    }
    item
}

/// `likelihood 2 (unlikely), time to detect 5m`
fn effects_text(e: &Effects) -> String {
    let mut parts = Vec::new();
    if let Some(l) = e.likelihood {
        parts.push(format!("likelihood {l} ({})", Scale::Likelihood.word(l)));
    }
    if let Some(i) = e.impact {
        parts.push(format!("impact {i} ({})", Scale::Impact.word(i)));
    }
    if let Some(t) = e.time_to_detect {
        parts.push(format!("time to detect {}", time_cell(Some(t))));
    }
    if let Some(t) = e.time_to_recover {
        parts.push(format!("time to recover {}", time_cell(Some(t))));
    }
    if let Some(f) = e.frequency {
        parts.push(format!(
            "frequency {}/year",
            crate::units::number_text(f.per_year())
        ));
    }
    if let Some(u) = e.users_affected {
        parts.push(format!("{u} of users"));
    }
    if let Some(d) = e.data_loss {
        parts.push(format!("data loss {}", data_loss_text(d)));
    }
    parts.join(", ")
}

/// `data loss: 2h now, 5m after the plan; RPO 1h: exceeded`, where the
/// risk or its system says anything of data loss.
fn data_loss_fact(r: &AssessedRisk<'_>, rpo: Option<Duration>) -> Option<String> {
    let (now, then) = (
        r.score.current.view.data_loss,
        r.score.target.view.data_loss,
    );
    let loss = match (now, then) {
        (None, _) => "not estimated".to_string(),
        (Some(now), Some(then)) if then != now => format!(
            "{} now, {} after the plan",
            data_loss_text(now),
            data_loss_text(then)
        ),
        (Some(now), _) => data_loss_text(now),
    };
    let objective = match (rpo, r.over_rpo) {
        (Some(rpo), Some(_)) => format!("; RPO {}: exceeded", format_duration(rpo)),
        (Some(rpo), None) if now.is_some() && r.state == State::Accepted => {
            format!("; RPO {} (accepted)", format_duration(rpo))
        }
        (Some(rpo), None) if now.is_some() => format!("; RPO {}: within it", format_duration(rpo)),
        (Some(rpo), None) => format!("; RPO {}", format_duration(rpo)),
        (None, _) if now.is_some() => "; its system sets no RPO".to_string(),
        (None, _) => return None,
    };
    Some(format!("data loss: {loss}{objective}"))
}

/// Whether an action was shown to work: `exercised 2026-11-20, holds
/// until 2027-02-18 (every 90 days)`, `never exercised`, `failed on ...`.
fn exercise_text(facts: &ActionFacts<'_>) -> Option<String> {
    if let Some(failed) = facts.failed {
        return Some(match failed.by {
            FailedBy::Status {
                reason: Some(reason),
            } => format!("failed on {}: {reason}; mitigates nothing", failed.on),
            FailedBy::Status { reason: None } => {
                format!("failed on {}; mitigates nothing", failed.on)
            }
            FailedBy::Incident(incident) => format!(
                "failed on {}: incident {} showed it; mitigates nothing until exercised again",
                failed.on, incident.id.value
            ),
        });
    }
    let every = plural(facts.every_days as usize, "day");
    let text = match (facts.exercise?, facts.exercised, facts.due) {
        (Exercise::InTime, Some(last), Some(due)) => {
            format!("exercised {last}, holds through {due} (every {every})")
        }
        (Exercise::Overdue, Some(last), Some(due)) => {
            format!("exercise overdue: last {last}, due {due} (every {every})")
        }
        _ => format!("never exercised (then every {every})"),
    };
    Some(if facts.counts {
        text
    } else {
        format!("{text}; does not count as mitigation under the policy")
    })
}

/// `Accepted by eng-manager until 2027-03-31: why`, or `Waives too-big
/// until 2027-01-31 (lead, ends soon): why`.
fn exception_item(stood: &Stood<'_>) -> String {
    let e = stood.exception;
    let what = match e.rule() {
        None => format!("Accepted by {}", e.by().unwrap_or("-")),
        Some(rule) => format!("Waives {}", rule.id()),
    };
    let mut notes: Vec<&str> = Vec::new();
    if let (Some(by), Some(_)) = (e.by(), e.rule()) {
        notes.push(by);
    }
    match stood.standing {
        Standing::Holds => {}
        Standing::Ending => notes.push("ends soon"),
        Standing::Expired => notes.push("expired"),
    }
    let notes = if notes.is_empty() {
        String::new()
    } else {
        format!(" ({})", notes.join(", "))
    };
    format!("{what} until {}{notes}: {}", e.until().value, e.reason())
}

/// `opx show --format json`, version 1: a risk, or a systemic factor.
#[derive(Serialize, JsonSchema)]
#[serde(untagged)]
#[schemars(title = "opx show --format json, version 1")]
pub enum Document<'a> {
    Risk(Box<RiskDocument<'a>>),
    Factor(Box<super::show_factor::Document<'a>>),
}

/// `opx show SYSTEM/RISK --format json`.
#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RiskDocument<'a> {
    #[schemars(extend("const" = 1))]
    version: u32,
    #[schemars(extend("format" = "date"))]
    today: String,
    /// The risk as `opx rank --format json` gives it.
    risk: RiskOut<'a>,
    /// How each view's numbers come about, in words.
    working: Views<WorkingOut<'a>>,
    /// Every incident recorded against it, newest first.
    incidents: Vec<IncidentOut<'a>>,
    /// Incidents of the last year that took longer than its estimates.
    estimates_contradicted: Vec<ContradictionOut<'a>>,
    /// What `opx check` finds about it.
    findings: Vec<FindingOut<'a>>,
    /// What `opx check` would find, but a waiver sets aside.
    waived: Vec<WaivedOut<'a>>,
}

/// One of each view.
#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub(super) struct Views<T> {
    pub inherent: T,
    pub current: T,
    pub target: T,
}

impl<T> Views<T> {
    pub fn of(each: impl Fn(ViewName) -> T) -> Self {
        Views {
            inherent: each(ViewName::Inherent),
            current: each(ViewName::Current),
            target: each(ViewName::Target),
        }
    }
}

/// A view's working, each sum written out.
#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct WorkingOut<'a> {
    severity: &'a str,
    exposure: &'a str,
    bad_minutes: &'a str,
    /// Against the system's error budget; null without one.
    budget: Option<&'a str>,
}

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct IncidentOut<'a> {
    id: &'a str,
    #[schemars(extend("format" = "date"))]
    date: String,
    near_miss: bool,
    detected_after_minutes: Option<f64>,
    recovered_after_minutes: Option<f64>,
    summary: Option<&'a str>,
}

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct ContradictionOut<'a> {
    incident: &'a str,
    #[schemars(extend("enum" = ["time_to_detect", "time_to_recover"]))]
    measure: &'static str,
    estimate_minutes: f64,
    took_minutes: f64,
}

pub fn json(shown: &Shown<'_>, out: &mut dyn Write) -> io::Result<()> {
    let places = places_of(shown.sources, &shown.findings);
    let waived_places = waived_places_of(shown.sources, &shown.waived);
    let document = Document::Risk(Box::new(RiskDocument {
        version: VERSION,
        today: shown.analysis.today.to_string(),
        risk: risk_out(shown.sources, shown.rank, shown.risk),
        working: Views::of(|view| {
            let w = &shown.working[view as usize];
            WorkingOut {
                severity: &w.severity,
                exposure: &w.exposure,
                bad_minutes: &w.bad_minutes,
                budget: w.budget.as_deref(),
            }
        }),
        incidents: shown
            .incidents
            .iter()
            .map(|i| IncidentOut {
                id: &i.id.value,
                date: i.date.value.to_string(),
                near_miss: i.near_miss,
                detected_after_minutes: i.detected_after.map(|d| minutes(d.value)),
                recovered_after_minutes: i.recovered_after.map(|d| minutes(d.value)),
                summary: i.summary.as_deref(),
            })
            .collect(),
        estimates_contradicted: shown
            .contradictions
            .iter()
            .map(|c| ContradictionOut {
                incident: &c.incident.id.value,
                measure: c.measure.key(),
                estimate_minutes: round(minutes(c.estimate)),
                took_minutes: round(minutes(c.took.value)),
            })
            .collect(),
        findings: findings_out(&shown.findings, &places),
        waived: waived_out(&shown.waived, &waived_places),
    }));
    json::write(out, &document)
}

#[cfg(test)]
mod widths {
    use crate::report::{ShowFormat, fixture};

    fn at(width: usize) -> String {
        let text = fixture::show("checkout/traffic-spike", ShowFormat::Table, width);
        fixture::assert_fits(&text, width);
        fixture::assert_actions_shown(&text, &["traffic-spike"]);
        text
    }

    #[test]
    fn at_80_columns() {
        insta::assert_snapshot!(at(80), @r#"
        checkout/traffic-spike: Traffic spikes saturate the worker pool

          • category: technical
          • owner: alice
          • state: mitigating (1 of 2 actions done)
          • review: last reviewed 2026-10-01, next due 2026-12-30 (every 90 days)
          • system checkout: error budget 525.96 bad minutes a year
          • data loss: not estimated; RPO 1h

        Scores

        Inherent: the risk as written. Current: with its done actions. Target: with
        every action done.

                         inherent  current   target
        likelihood       4 likely  4 likely  2 unlikely
        impact           4 major   4 major   4 major
        severity         16 high   16 high   8 medium
        time to detect   2 (15m)   1 (5m)    1 (5m)
        time to recover  3 (1h)    3 (1h)    3 (1h)
        exposure         6         3         3
        frequency        4/year    4/year    4/year
        users affected   30%       30%       30%
        bad min/yr       90.00     78.00     78.00
        budget share     17.1%     14.8%     14.8%

        Working

          • current: severity 16 = likelihood 4 (likely) × impact 4 (major)
          • current: exposure 3 = detect 1 (5m) × recover 3 (1h)
          • current: bad minutes a year 78.00 = (5m + 1h) × 30% × 4/year
          • current: 78.00 of the 525.96 bad minutes a year the SLO allows: 14.8%; too
            big from 25.0% (131.49 minutes)
          • inherent: severity 16 = likelihood 4 (likely) × impact 4 (major)
          • inherent: exposure 6 = detect 2 (15m) × recover 3 (1h)
          • inherent: bad minutes a year 90.00 = (15m + 1h) × 30% × 4/year
          • inherent: 90.00 of the 525.96 bad minutes a year the SLO allows: 17.1%; too
            big from 25.0% (131.49 minutes)
          • target: severity 8 = likelihood 2 (unlikely) × impact 4 (major)
          • target: exposure 3 = detect 1 (5m) × recover 3 (1h)
          • target: bad minutes a year 78.00 = (5m + 1h) × 30% × 4/year
          • target: 78.00 of the 525.96 bad minutes a year the SLO allows: 14.8%; too
            big from 25.0% (131.49 minutes)

        Now: 16 high, 78.00 bad minutes a year, 14.8% of the error budget. After the
        plan: 8 medium, 78.00 bad minutes a year, 14.8% of the error budget.

        Actions

          • ✓ detect: Page on queue depth (done); signal queue-depth-p95; once done:
            time to detect 1 (5m); exercised 2026-09-14, holds through 2027-03-13 (every
            180 days)
          • ○ prevent: Autoscale workers (planned, bob, due 2026-11-20, overdue); once
            done: likelihood 2 (unlikely)

        Incidents

        In the last 365 days: 1.

          • INC-7 on 2026-09-14: incident, detected after 22m, recovered after 50m: Peak
            saturated the pool

        INC-7 took 22m to detect, 17m more than the estimate of 5m.

        What opx check says

          • warning[no-runbook]: risk `checkout/traffic-spike` (high) has no runbook
            (help: add a [[risk.action]] with kind = "respond" and a runbook = "..." to
            follow)
          • warning[action-overdue]: prevent action "Autoscale workers" of risk
            `checkout/traffic-spike` was due 2026-11-20 (7 days ago) (help: finish it,
            or ask bob for a date they can keep and update `due`)
          • warning[estimate-exceeded]: incident `INC-7` took 22m to detect, 17m more
            than risk `checkout/traffic-spike` estimates (help: set `time_to_detect` to
            what incidents show, or finish the action that makes the estimate true)
        "#);
    }

    #[test]
    fn at_120_columns() {
        insta::assert_snapshot!(at(120), @r#"
        checkout/traffic-spike: Traffic spikes saturate the worker pool

          • category: technical
          • owner: alice
          • state: mitigating (1 of 2 actions done)
          • review: last reviewed 2026-10-01, next due 2026-12-30 (every 90 days)
          • system checkout: error budget 525.96 bad minutes a year
          • data loss: not estimated; RPO 1h

        Scores

        Inherent: the risk as written. Current: with its done actions. Target: with every action done.

                         inherent  current   target
        likelihood       4 likely  4 likely  2 unlikely
        impact           4 major   4 major   4 major
        severity         16 high   16 high   8 medium
        time to detect   2 (15m)   1 (5m)    1 (5m)
        time to recover  3 (1h)    3 (1h)    3 (1h)
        exposure         6         3         3
        frequency        4/year    4/year    4/year
        users affected   30%       30%       30%
        bad min/yr       90.00     78.00     78.00
        budget share     17.1%     14.8%     14.8%

        Working

          • current: severity 16 = likelihood 4 (likely) × impact 4 (major)
          • current: exposure 3 = detect 1 (5m) × recover 3 (1h)
          • current: bad minutes a year 78.00 = (5m + 1h) × 30% × 4/year
          • current: 78.00 of the 525.96 bad minutes a year the SLO allows: 14.8%; too big from 25.0% (131.49 minutes)
          • inherent: severity 16 = likelihood 4 (likely) × impact 4 (major)
          • inherent: exposure 6 = detect 2 (15m) × recover 3 (1h)
          • inherent: bad minutes a year 90.00 = (15m + 1h) × 30% × 4/year
          • inherent: 90.00 of the 525.96 bad minutes a year the SLO allows: 17.1%; too big from 25.0% (131.49 minutes)
          • target: severity 8 = likelihood 2 (unlikely) × impact 4 (major)
          • target: exposure 3 = detect 1 (5m) × recover 3 (1h)
          • target: bad minutes a year 78.00 = (5m + 1h) × 30% × 4/year
          • target: 78.00 of the 525.96 bad minutes a year the SLO allows: 14.8%; too big from 25.0% (131.49 minutes)

        Now: 16 high, 78.00 bad minutes a year, 14.8% of the error budget. After the plan: 8 medium, 78.00 bad minutes a year,
        14.8% of the error budget.

        Actions

          • ✓ detect: Page on queue depth (done); signal queue-depth-p95; once done: time to detect 1 (5m); exercised
            2026-09-14, holds through 2027-03-13 (every 180 days)
          • ○ prevent: Autoscale workers (planned, bob, due 2026-11-20, overdue); once done: likelihood 2 (unlikely)

        Incidents

        In the last 365 days: 1.

          • INC-7 on 2026-09-14: incident, detected after 22m, recovered after 50m: Peak saturated the pool

        INC-7 took 22m to detect, 17m more than the estimate of 5m.

        What opx check says

          • warning[no-runbook]: risk `checkout/traffic-spike` (high) has no runbook (help: add a [[risk.action]] with kind =
            "respond" and a runbook = "..." to follow)
          • warning[action-overdue]: prevent action "Autoscale workers" of risk `checkout/traffic-spike` was due 2026-11-20 (7
            days ago) (help: finish it, or ask bob for a date they can keep and update `due`)
          • warning[estimate-exceeded]: incident `INC-7` took 22m to detect, 17m more than risk `checkout/traffic-spike`
            estimates (help: set `time_to_detect` to what incidents show, or finish the action that makes the estimate true)
        "#);
    }

    #[test]
    fn at_200_columns() {
        insta::assert_snapshot!(at(200), @r#"
        checkout/traffic-spike: Traffic spikes saturate the worker pool

          • category: technical
          • owner: alice
          • state: mitigating (1 of 2 actions done)
          • review: last reviewed 2026-10-01, next due 2026-12-30 (every 90 days)
          • system checkout: error budget 525.96 bad minutes a year
          • data loss: not estimated; RPO 1h

        Scores

        Inherent: the risk as written. Current: with its done actions. Target: with every action done.

                         inherent  current   target
        likelihood       4 likely  4 likely  2 unlikely
        impact           4 major   4 major   4 major
        severity         16 high   16 high   8 medium
        time to detect   2 (15m)   1 (5m)    1 (5m)
        time to recover  3 (1h)    3 (1h)    3 (1h)
        exposure         6         3         3
        frequency        4/year    4/year    4/year
        users affected   30%       30%       30%
        bad min/yr       90.00     78.00     78.00
        budget share     17.1%     14.8%     14.8%

        Working

          • current: severity 16 = likelihood 4 (likely) × impact 4 (major)
          • current: exposure 3 = detect 1 (5m) × recover 3 (1h)
          • current: bad minutes a year 78.00 = (5m + 1h) × 30% × 4/year
          • current: 78.00 of the 525.96 bad minutes a year the SLO allows: 14.8%; too big from 25.0% (131.49 minutes)
          • inherent: severity 16 = likelihood 4 (likely) × impact 4 (major)
          • inherent: exposure 6 = detect 2 (15m) × recover 3 (1h)
          • inherent: bad minutes a year 90.00 = (15m + 1h) × 30% × 4/year
          • inherent: 90.00 of the 525.96 bad minutes a year the SLO allows: 17.1%; too big from 25.0% (131.49 minutes)
          • target: severity 8 = likelihood 2 (unlikely) × impact 4 (major)
          • target: exposure 3 = detect 1 (5m) × recover 3 (1h)
          • target: bad minutes a year 78.00 = (5m + 1h) × 30% × 4/year
          • target: 78.00 of the 525.96 bad minutes a year the SLO allows: 14.8%; too big from 25.0% (131.49 minutes)

        Now: 16 high, 78.00 bad minutes a year, 14.8% of the error budget. After the plan: 8 medium, 78.00 bad minutes a year, 14.8% of the error budget.

        Actions

          • ✓ detect: Page on queue depth (done); signal queue-depth-p95; once done: time to detect 1 (5m); exercised 2026-09-14, holds through 2027-03-13 (every 180 days)
          • ○ prevent: Autoscale workers (planned, bob, due 2026-11-20, overdue); once done: likelihood 2 (unlikely)

        Incidents

        In the last 365 days: 1.

          • INC-7 on 2026-09-14: incident, detected after 22m, recovered after 50m: Peak saturated the pool

        INC-7 took 22m to detect, 17m more than the estimate of 5m.

        What opx check says

          • warning[no-runbook]: risk `checkout/traffic-spike` (high) has no runbook (help: add a [[risk.action]] with kind = "respond" and a runbook = "..." to follow)
          • warning[action-overdue]: prevent action "Autoscale workers" of risk `checkout/traffic-spike` was due 2026-11-20 (7 days ago) (help: finish it, or ask bob for a date they can keep and update `due`)
          • warning[estimate-exceeded]: incident `INC-7` took 22m to detect, 17m more than risk `checkout/traffic-spike` estimates (help: set `time_to_detect` to what incidents show, or finish the action that
            makes the estimate true)
        "#);
    }

    #[test]
    fn as_json() {
        insta::assert_snapshot!(fixture::show("bad-deploy", ShowFormat::Json, 80), @r#"
        {
          "version": 1,
          "today": "2026-11-27",
          "risk": {
            "rank": 2,
            "system": "checkout",
            "id": "bad-deploy",
            "title": "A bad deploy breaks checkout",
            "category": "process",
            "likelihood": {
              "level": 3,
              "word": "possible",
              "source": "explicit"
            },
            "impact": {
              "level": 4,
              "word": "major",
              "source": "explicit"
            },
            "severity": 12,
            "band": "high",
            "time_to_detect": {
              "level": 2,
              "minutes": 10.0
            },
            "time_to_recover": {
              "level": 2,
              "minutes": 20.0
            },
            "exposure": 4,
            "frequency_per_year": 2.0,
            "users_affected_percent": null,
            "bad_minutes": 60.0,
            "budget_share": 0.114077,
            "data_loss_minutes": 85.231912,
            "ranges": {
              "data_loss_minutes": {
                "low": 30.0,
                "high": 180.0
              }
            },
            "budget_size": "fits",
            "views": {
              "inherent": {
                "likelihood": {
                  "level": 3,
                  "word": "possible",
                  "source": "explicit"
                },
                "impact": {
                  "level": 4,
                  "word": "major",
                  "source": "explicit"
                },
                "severity": 12,
                "band": "high",
                "time_to_detect": {
                  "level": 2,
                  "minutes": 10.0
                },
                "time_to_recover": {
                  "level": 2,
                  "minutes": 20.0
                },
                "exposure": 4,
                "frequency_per_year": 2.0,
                "users_affected_percent": null,
                "bad_minutes": 60.0,
                "budget_share": 0.114077,
                "data_loss_minutes": 85.231912,
                "ranges": {
                  "data_loss_minutes": {
                    "low": 30.0,
                    "high": 180.0
                  }
                }
              },
              "current": {
                "likelihood": {
                  "level": 3,
                  "word": "possible",
                  "source": "explicit"
                },
                "impact": {
                  "level": 4,
                  "word": "major",
                  "source": "explicit"
                },
                "severity": 12,
                "band": "high",
                "time_to_detect": {
                  "level": 2,
                  "minutes": 10.0
                },
                "time_to_recover": {
                  "level": 2,
                  "minutes": 20.0
                },
                "exposure": 4,
                "frequency_per_year": 2.0,
                "users_affected_percent": null,
                "bad_minutes": 60.0,
                "budget_share": 0.114077,
                "data_loss_minutes": 85.231912,
                "ranges": {
                  "data_loss_minutes": {
                    "low": 30.0,
                    "high": 180.0
                  }
                }
              },
              "target": {
                "likelihood": {
                  "level": 3,
                  "word": "possible",
                  "source": "explicit"
                },
                "impact": {
                  "level": 4,
                  "word": "major",
                  "source": "explicit"
                },
                "severity": 12,
                "band": "high",
                "time_to_detect": {
                  "level": 2,
                  "minutes": 10.0
                },
                "time_to_recover": {
                  "level": 2,
                  "minutes": 20.0
                },
                "exposure": 4,
                "frequency_per_year": 2.0,
                "users_affected_percent": null,
                "bad_minutes": 60.0,
                "budget_share": 0.114077,
                "data_loss_minutes": 85.231912,
                "ranges": {
                  "data_loss_minutes": {
                    "low": 30.0,
                    "high": 180.0
                  }
                }
              }
            },
            "incidents": {
              "count": 0,
              "near_misses": 0,
              "bad_minutes": 0.0
            },
            "state": "mitigated",
            "mitigation_unevidenced": false,
            "owner": "payments-team",
            "reviewed": "2026-11-01",
            "review_every_days": 90,
            "accepted": null,
            "actions": [
              {
                "kind": "respond",
                "what": "Roll back with the deploy tool",
                "status": "done",
                "owner": null,
                "due": null,
                "link": null,
                "signal": null,
                "runbook": "https://wiki.example/rollback",
                "effects": {},
                "evidence": true,
                "exercise": {
                  "state": "overdue",
                  "last": "2026-03-01",
                  "every_days": 180,
                  "due": "2026-08-28",
                  "counts": true
                }
              },
              {
                "kind": "prevent",
                "what": "Announce deploys in #eng",
                "status": "done",
                "owner": null,
                "due": null,
                "link": null,
                "signal": null,
                "runbook": null,
                "effects": {},
                "evidence": false,
                "exercise": {
                  "state": "never",
                  "last": null,
                  "every_days": 180,
                  "due": null,
                  "counts": true
                }
              }
            ],
            "rpo_exceeded": true,
            "location": {
              "file": "risks/checkout.toml",
              "line": 46,
              "column": 6
            }
          },
          "working": {
            "inherent": {
              "severity": "severity 12 = likelihood 3 (possible) × impact 4 (major)",
              "exposure": "exposure 4 = detect 2 (10m) × recover 2 (20m)",
              "bad_minutes": "bad minutes a year 60.00 = (10m + 20m) × 100% (all users) × 2/year",
              "budget": "60.00 of the 525.96 bad minutes a year the SLO allows: 11.4%; too big from 25.0% (131.49 minutes)"
            },
            "current": {
              "severity": "severity 12 = likelihood 3 (possible) × impact 4 (major)",
              "exposure": "exposure 4 = detect 2 (10m) × recover 2 (20m)",
              "bad_minutes": "bad minutes a year 60.00 = (10m + 20m) × 100% (all users) × 2/year",
              "budget": "60.00 of the 525.96 bad minutes a year the SLO allows: 11.4%; too big from 25.0% (131.49 minutes)"
            },
            "target": {
              "severity": "severity 12 = likelihood 3 (possible) × impact 4 (major)",
              "exposure": "exposure 4 = detect 2 (10m) × recover 2 (20m)",
              "bad_minutes": "bad minutes a year 60.00 = (10m + 20m) × 100% (all users) × 2/year",
              "budget": "60.00 of the 525.96 bad minutes a year the SLO allows: 11.4%; too big from 25.0% (131.49 minutes)"
            }
          },
          "incidents": [],
          "estimates_contradicted": [],
          "findings": [
            {
              "code": "no-detection",
              "severity": "warning",
              "message": "risk `checkout/bad-deploy` (impact 4, major) has no detect action",
              "help": "add a [[risk.action]] with kind = \"detect\": an alert, a probe or a dashboard someone watches",
              "system": "checkout",
              "risk": "bad-deploy",
              "location": {
                "file": "risks/checkout.toml",
                "line": 46,
                "column": 6
              }
            },
            {
              "code": "rpo-exceeded",
              "severity": "error",
              "message": "risk `checkout/bad-deploy` would lose up to 3h of recent writes, more than its system's RPO of 1h",
              "help": "finish an action that brings its data_loss within the RPO (more frequent backups, replication), or accept the risk with [risk.accepted]",
              "system": "checkout",
              "risk": "bad-deploy",
              "location": {
                "file": "risks/checkout.toml",
                "line": 46,
                "column": 6
              }
            },
            {
              "code": "exercise-overdue",
              "severity": "warning",
              "message": "respond action \"Roll back with the deploy tool\" of risk `checkout/bad-deploy` was last exercised on 2026-03-01, due 2026-08-28 (91 days ago)",
              "help": "exercise it again (a drill, a restore test, a failover) and record the day in `exercised`",
              "system": "checkout",
              "risk": "bad-deploy",
              "location": {
                "file": "risks/checkout.toml",
                "line": 62,
                "column": 13
              }
            },
            {
              "code": "unevidenced-action",
              "severity": "warning",
              "message": "prevent action \"Announce deploys in #eng\" of risk `checkout/bad-deploy` is done but shows no evidence",
              "help": "add what it changed: likelihood = \"unlikely\" or frequency = \"1/year\" (a detect action shows evidence with its signal, a respond action with its runbook)",
              "system": "checkout",
              "risk": "bad-deploy",
              "location": {
                "file": "risks/checkout.toml",
                "line": 66,
                "column": 8
              }
            }
          ],
          "waived": []
        }
        "#);
    }
}
