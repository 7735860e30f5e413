//! `opx rank --format json`: every computed field, for scripts.
//!
//! The document is versioned; a field is only ever added within a version.
//! Its types are also its JSON Schema (`opx schema rank-report`), so the
//! published shape cannot drift from what is written. Risks are written
//! one at a time, straight to the output.

use std::io::{self, Write};

use schemars::JsonSchema;
use serde::Serialize;

use super::{RankReport, json, round};
use crate::analysis::{AssessedFactor, AssessedRisk};
use crate::band::Band;
use crate::budget::Size;
use crate::exception::{Exception, Standing};
use crate::exercise::{ActionFacts, Exercise, FailedBy};
use crate::factor::FactorState;
use crate::register::model::{
    Action, ActionKind, ActionStatus, Category, Rated, Runbook, Source, TimeEstimate,
};
use crate::scale::Scale;
use crate::score::{State, ViewName, ViewScore};
use crate::source::{Sources, display_path};
use crate::uncertainty::{Interval, Spread};
use crate::units::minutes;
use crate::years::Years;

pub const VERSION: u32 = 1;

/// `opx rank --format json`, version 1.
#[derive(Serialize, JsonSchema)]
#[schemars(title = "opx rank --format json, version 1", deny_unknown_fields)]
pub struct Document<'a> {
    #[schemars(extend("const" = 1))]
    version: u32,
    /// The day the risks were judged on.
    #[schemars(extend("format" = "date"))]
    today: String,
    /// The risks, in rank order.
    risks: Vec<RiskOut<'a>>,
    /// Systemic factors, most current bad minutes first; left out when
    /// the register has none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    factors: Vec<FactorOut<'a>>,
    /// What simulated years showed of each system; only with `--simulate`.
    #[serde(skip_serializing_if = "Option::is_none")]
    simulation: Option<SimulationOut<'a>>,
}

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct SimulationOut<'a> {
    #[schemars(range(min = 1))]
    simulations: u32,
    seed: u64,
    /// The systems of the risks shown that have a risk with known bad minutes.
    systems: Vec<SystemYearsOut<'a>>,
}

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct SystemYearsOut<'a> {
    system: &'a str,
    /// Its risks' bad minutes together, across the simulated years.
    bad_minutes: YearsOut,
    /// The share of simulated years over its error budget; null without an availability SLO.
    #[schemars(range(min = 0, max = 1))]
    miss_probability: Option<f64>,
}

/// Bad minutes a year at the 50th and 90th percentiles of simulated years.
#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct YearsOut {
    #[schemars(range(min = 0))]
    p50: f64,
    #[schemars(range(min = 0))]
    p90: f64,
}

impl From<Years> for YearsOut {
    fn from(years: Years) -> Self {
        YearsOut {
            p50: round(years.p50),
            p90: round(years.p90),
        }
    }
}

/// A systemic factor: what it adds to every risk of its system, and what
/// that costs in each view (see `crate::factor`).
#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct FactorOut<'a> {
    system: &'a str,
    id: &'a str,
    title: &'a str,
    added: AddedOut,
    /// Bad minutes a year it costs in each view; 0 where it is removed.
    bad_minutes: MinutesOut,
    /// Its current bad minutes as a share of the system's yearly error
    /// budget (1 = all of it); null without a budget.
    #[schemars(range(min = 0))]
    budget_share: Option<f64>,
    /// Against the single-risk threshold; null without a budget.
    budget_size: Option<Size>,
    state: FactorState,
    actions: Vec<ActionOut<'a>>,
    location: LocationOut,
}

/// What a factor adds to each risk; only the keys it sets.
#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct AddedOut {
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0))]
    time_to_detect_minutes: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0))]
    time_to_recover_minutes: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 100))]
    frequency_percent: Option<f64>,
}

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct MinutesOut {
    #[schemars(range(min = 0))]
    inherent: f64,
    #[schemars(range(min = 0))]
    current: f64,
    #[schemars(range(min = 0))]
    target: f64,
}

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub(crate) struct RiskOut<'a> {
    #[schemars(range(min = 1))]
    rank: usize,
    system: &'a str,
    id: &'a str,
    title: &'a str,
    category: Category,
    /// The current view's fields, at the top level for scripts that want only it.
    #[serde(flatten)]
    current: ViewOut,
    /// Against the single-risk threshold; null without a budget share.
    budget_size: Option<Size>,
    /// Its bad minutes across simulated years; only with `--simulate`, and
    /// where they are known.
    #[serde(skip_serializing_if = "Option::is_none")]
    simulated: Option<YearsOut>,
    /// Each view in full.
    views: Views,
    /// Incidents and near-misses of the last 365 days, and what they cost.
    incidents: IncidentsOut,
    state: State,
    /// Its state rests only on done actions that show no evidence of what
    /// they changed: mitigation claimed, not measured.
    mitigation_unevidenced: bool,
    owner: Option<&'a str>,
    #[schemars(extend("format" = "date"))]
    reviewed: Option<String>,
    #[schemars(range(min = 1))]
    review_every_days: u32,
    accepted: Option<AcceptedOut<'a>>,
    /// Its waivers, each setting one rule's findings aside until its
    /// `until`; left out when it has none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    waivers: Vec<WaiverOut<'a>>,
    actions: Vec<ActionOut<'a>>,
    /// Its current data loss exceeds its system's RPO and it is not
    /// accepted; left out when not.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    rpo_exceeded: bool,
    location: LocationOut,
}

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct IncidentsOut {
    count: usize,
    near_misses: usize,
    #[schemars(range(min = 0))]
    bad_minutes: Option<f64>,
}

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct Views {
    inherent: ViewOut,
    current: ViewOut,
    target: ViewOut,
}

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct ViewOut {
    likelihood: LevelOut,
    impact: LevelOut,
    #[schemars(range(min = 1, max = 25))]
    severity: u8,
    band: Band,
    time_to_detect: Option<TimeOut>,
    time_to_recover: Option<TimeOut>,
    #[schemars(range(min = 1, max = 25))]
    exposure: Option<u8>,
    #[schemars(range(min = 0))]
    frequency_per_year: Option<f64>,
    #[schemars(range(min = 0, max = 100))]
    users_affected_percent: Option<f64>,
    #[schemars(range(min = 0))]
    bad_minutes: Option<f64>,
    /// Bad minutes as a share of the system's yearly error budget (1 = all of it).
    #[schemars(range(min = 0))]
    budget_share: Option<f64>,
    /// The recent writes lost if it happens, in minutes (0 for "none");
    /// left out where the risk does not say.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0))]
    data_loss_minutes: Option<f64>,
    /// The estimates above written as 90% intervals (each value above is
    /// then the interval's mean); only where there are some.
    #[serde(skip_serializing_if = "Option::is_none")]
    ranges: Option<RangesOut>,
}

/// Estimates written as `low..high`, in the units of the fields they stand for.
#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct RangesOut {
    #[serde(skip_serializing_if = "Option::is_none")]
    time_to_detect_minutes: Option<IntervalOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    time_to_recover_minutes: Option<IntervalOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    frequency_per_year: Option<IntervalOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    users_affected_percent: Option<IntervalOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    data_loss_minutes: Option<IntervalOut>,
}

/// The 5th and 95th percentiles of an estimate.
#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct IntervalOut {
    #[schemars(range(min = 0))]
    low: f64,
    #[schemars(range(min = 0))]
    high: f64,
}

impl RangesOut {
    fn of(spread: &Spread, data_loss: Option<Interval>) -> Option<RangesOut> {
        let out = |i: Option<Interval>, scale: f64| {
            i.map(|i| IntervalOut {
                low: round(i.low * scale),
                high: round(i.high * scale),
            })
        };
        (!spread.is_empty() || data_loss.is_some()).then(|| RangesOut {
            time_to_detect_minutes: out(spread.time_to_detect, 1.0),
            time_to_recover_minutes: out(spread.time_to_recover, 1.0),
            frequency_per_year: out(spread.frequency, 1.0),
            users_affected_percent: out(spread.users_affected, 100.0),
            data_loss_minutes: out(data_loss, 1.0),
        })
    }
}

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct LevelOut {
    #[schemars(range(min = 1, max = 5))]
    level: u8,
    word: &'static str,
    /// Written down, or derived from frequency or users affected.
    source: Source,
}

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct TimeOut {
    #[schemars(range(min = 1, max = 5))]
    level: u8,
    /// Null when the time is given as a word.
    #[schemars(range(min = 0))]
    minutes: Option<f64>,
}

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct AcceptedOut<'a> {
    by: &'a str,
    reason: &'a str,
    #[schemars(extend("format" = "date"))]
    until: String,
    expired: bool,
    /// Where it stands today: `ending` within the policy's
    /// `expiring_within`.
    standing: Standing,
}

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct WaiverOut<'a> {
    /// The rule whose findings on this risk it sets aside.
    rule: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    by: Option<&'a str>,
    reason: &'a str,
    #[schemars(extend("format" = "date"))]
    until: String,
    /// Where it stands today; an `expired` waiver sets nothing aside.
    standing: Standing,
}

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct ActionOut<'a> {
    /// Its id within its risk, where it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a str>,
    kind: ActionKind,
    what: &'a str,
    status: ActionStatus,
    owner: Option<&'a str>,
    #[schemars(extend("format" = "date"))]
    due: Option<String>,
    link: Option<&'a str>,
    /// The alert or metric a detect action watches.
    signal: Option<&'a str>,
    /// A respond action's runbook: a link, or a path beside the register.
    runbook: Option<&'a str>,
    effects: EffectsOut,
    /// It shows what it changed: an effect, a detect action's signal, or a
    /// respond action's runbook.
    evidence: bool,
    /// How a done action that has not failed stands against its exercise
    /// cadence; left out for other actions.
    #[serde(skip_serializing_if = "Option::is_none")]
    exercise: Option<ExerciseOut>,
    /// When and why it was found not to work; left out unless it failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    failed: Option<FailedOut<'a>>,
    /// Not done, and past its `due`; left out when not.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    overdue: bool,
}

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct ExerciseOut {
    /// in-time, overdue or never.
    state: Exercise,
    /// The last day it was shown to work, incidents' worked_actions included.
    #[schemars(extend("format" = "date"))]
    last: Option<String>,
    #[schemars(range(min = 1))]
    every_days: u32,
    /// The last day the exercise holds.
    #[schemars(extend("format" = "date"))]
    due: Option<String>,
    /// It counts as mitigation under the policy.
    counts: bool,
}

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct FailedOut<'a> {
    #[schemars(extend("format" = "date"))]
    on: String,
    /// The action's own reason, where it failed by its status.
    reason: Option<&'a str>,
    /// The incident that showed it, where one did.
    incident: Option<&'a str>,
}

/// What an action changes once done; only the keys it sets.
#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct EffectsOut {
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 5))]
    likelihood: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 5))]
    impact: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    time_to_detect: Option<TimeOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    time_to_recover: Option<TimeOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0))]
    frequency_per_year: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 100))]
    users_affected_percent: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0))]
    data_loss_minutes: Option<f64>,
}

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct LocationOut {
    file: String,
    #[schemars(range(min = 1))]
    line: usize,
    #[schemars(range(min = 1))]
    column: usize,
}

/// Writes the [`Document`], its risks streamed: each is made as it is
/// written, in chunks on every core.
pub fn write(report: &RankReport<'_>, out: &mut dyn Write) -> io::Result<()> {
    write!(
        out,
        "{{\n  \"version\": {VERSION},\n  \"today\": \"{}\",\n  \"risks\": [",
        report.analysis.today
    )?;
    json::write_list(out, 1, report.ranked.len(), |i| {
        let r = report.ranked[i];
        risk_out(report.sources, r.rank, &report.analysis.risks[r.index])
    })?;
    if !report.factors.is_empty() {
        out.write_all(b",\n  \"factors\": [")?;
        json::write_list(out, 1, report.factors.len(), |i| {
            factor_out(report, &report.analysis.factors[report.factors[i]])
        })?;
    }
    if let Some(simulation) = simulation_out(report) {
        let text = serde_json::to_string_pretty(&simulation).map_err(io::Error::other)?;
        write!(out, ",\n  \"simulation\": {}", text.replace('\n', "\n  "))?;
    }
    out.write_all(b"\n}\n")
}

fn factor_out<'a>(report: &RankReport<'a>, f: &'a AssessedFactor<'a>) -> FactorOut<'a> {
    let factor = f.factor;
    let added = &factor.added;
    FactorOut {
        system: &report.analysis.systems[f.system].system.id,
        id: &factor.id.value,
        title: &factor.title,
        added: AddedOut {
            time_to_detect_minutes: added.time_to_detect.map(minutes),
            time_to_recover_minutes: added.time_to_recover.map(minutes),
            frequency_percent: added.frequency.map(|p| p.value()),
        },
        bad_minutes: MinutesOut {
            inherent: round(f.bad_minutes(ViewName::Inherent)),
            current: round(f.bad_minutes(ViewName::Current)),
            target: round(f.bad_minutes(ViewName::Target)),
        },
        budget_share: f.budget_share.map(round),
        budget_size: f.size,
        state: f.state(),
        // A factor's actions show what they change by removing it.
        actions: factor
            .actions
            .iter()
            .map(|a| {
                let overdue = crate::exercise::overdue(a, report.analysis.today);
                action_out(a, true, None, overdue)
            })
            .collect(),
        location: LocationOut {
            file: display_path(report.sources.path(factor.id.span.file)),
            line: factor.location.line,
            column: factor.location.col,
        },
    }
}

/// What simulated years showed of the systems shown, when the run simulated.
fn simulation_out<'a>(report: &RankReport<'a>) -> Option<SimulationOut<'a>> {
    let settings = report.analysis.simulation?;
    let systems = report
        .analysis
        .systems
        .iter()
        .filter(|s| report.shows_system(&s.system.id))
        .filter_map(|s| {
            let simulated = s.simulated?;
            Some(SystemYearsOut {
                system: &s.system.id,
                bad_minutes: simulated.years.into(),
                miss_probability: simulated.miss_probability.map(round),
            })
        })
        .collect();
    Some(SimulationOut {
        simulations: settings.simulations,
        seed: settings.seed,
        systems,
    })
}

/// Everything about one risk, as the rank report (and `opx show`) write it.
pub(crate) fn risk_out<'a>(sources: &Sources, rank: usize, r: &'a AssessedRisk<'a>) -> RiskOut<'a> {
    let risk = r.risk;
    RiskOut {
        rank,
        system: &risk.system,
        id: &risk.id.value,
        title: &risk.title,
        category: risk.category,
        current: view_out(&r.score.current),
        budget_size: r.size,
        simulated: r.simulated.map(YearsOut::from),
        views: Views {
            inherent: view_out(&r.score.inherent),
            current: view_out(&r.score.current),
            target: view_out(&r.score.target),
        },
        incidents: IncidentsOut {
            count: r.history.incidents,
            near_misses: r.history.near_misses,
            bad_minutes: r.history.bad_minutes.map(round),
        },
        state: r.state,
        mitigation_unevidenced: r.mitigation_unevidenced(),
        owner: risk.owner.as_deref(),
        reviewed: risk.reviewed.map(|d| d.value.to_string()),
        review_every_days: r.review.every_days,
        accepted: r.exceptions.iter().find_map(|e| match e.exception {
            Exception::Acceptance(a) => Some(AcceptedOut {
                by: &a.by,
                reason: &a.reason,
                until: a.until.value.to_string(),
                expired: e.standing == Standing::Expired,
                standing: e.standing,
            }),
            Exception::Waiver(_) => None,
        }),
        waivers: r
            .exceptions
            .iter()
            .filter_map(|e| match e.exception {
                Exception::Waiver(w) => Some(WaiverOut {
                    rule: w.rule.id(),
                    by: w.by.as_deref(),
                    reason: &w.reason,
                    until: w.until.value.to_string(),
                    standing: e.standing,
                }),
                Exception::Acceptance(_) => None,
            })
            .collect(),
        actions: r
            .actions()
            .enumerate()
            .map(|(i, (a, facts))| action_out(a, r.shows_evidence(i), Some(facts), facts.overdue))
            .collect(),
        rpo_exceeded: r.over_rpo.is_some(),
        location: LocationOut {
            file: display_path(sources.path(risk.id.span.file)),
            line: risk.location.line,
            column: risk.location.col,
        },
    }
}

/// An action as JSON; `facts` for a risk's action (a factor's has none).
fn action_out<'a>(
    a: &'a Action,
    evidence: bool,
    facts: Option<&ActionFacts<'a>>,
    overdue: bool,
) -> ActionOut<'a> {
    ActionOut {
        overdue,
        id: a.id.as_ref().map(|id| id.value.as_str()),
        exercise: facts.and_then(|facts| {
            facts.exercise.map(|state| ExerciseOut {
                state,
                last: facts.exercised.map(|d| d.to_string()),
                every_days: facts.every_days,
                due: facts.due.map(|d| d.to_string()),
                counts: facts.counts,
            })
        }),
        failed: facts.and_then(|f| f.failed).map(|f| FailedOut {
            on: f.on.to_string(),
            reason: match f.by {
                FailedBy::Status { reason } => reason,
                FailedBy::Incident(_) => None,
            },
            incident: match f.by {
                FailedBy::Status { .. } => None,
                FailedBy::Incident(i) => Some(i.id.value.as_str()),
            },
        }),
        kind: a.kind,
        what: &a.what,
        status: a.status,
        owner: a.owner.as_deref(),
        due: a.due.map(|d| d.value.to_string()),
        link: a.link.as_deref(),
        signal: a.signal.as_deref(),
        runbook: a.runbook.as_ref().map(|r| match &r.value {
            Runbook::Link(link) => link.as_str(),
            Runbook::Path { path, .. } => path.as_str(),
        }),
        evidence,
        effects: EffectsOut {
            likelihood: a.effects.likelihood.map(|l| l.get()),
            impact: a.effects.impact.map(|l| l.get()),
            time_to_detect: a.effects.time_to_detect.map(time_out),
            time_to_recover: a.effects.time_to_recover.map(time_out),
            frequency_per_year: a.effects.frequency.map(|f| f.per_year()),
            users_affected_percent: a.effects.users_affected.map(|p| p.value()),
            data_loss_minutes: a.effects.data_loss.map(|d| round(minutes(d.value))),
        },
    }
}

fn view_out(score: &ViewScore) -> ViewOut {
    let view = &score.view;
    ViewOut {
        likelihood: level_out(view.likelihood, Scale::Likelihood),
        impact: level_out(view.impact, Scale::Impact),
        severity: score.severity,
        band: score.band,
        time_to_detect: view.time_to_detect.map(time_out),
        time_to_recover: view.time_to_recover.map(time_out),
        exposure: score.exposure,
        frequency_per_year: view.frequency.map(|f| f.per_year()),
        users_affected_percent: view.users_affected.map(|p| p.value()),
        bad_minutes: score.bad_minutes.map(round),
        budget_share: score.budget_share.map(round),
        data_loss_minutes: view.data_loss.map(|d| round(minutes(d.value))),
        ranges: RangesOut::of(&view.spread, view.data_loss.and_then(|d| d.range)),
    }
}

fn level_out(rated: Rated, scale: Scale) -> LevelOut {
    LevelOut {
        level: rated.level.get(),
        word: scale.word(rated.level),
        source: rated.source,
    }
}

fn time_out(t: TimeEstimate) -> TimeOut {
    TimeOut {
        level: t.level.get(),
        minutes: t.duration().map(minutes),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Ranked;

    /// The streamed document is byte for byte the [`Document`] serialised
    /// whole, so the published schema describes what is written.
    #[test]
    fn the_stream_is_the_document() {
        let fixture = crate::report::fixture::register();
        let analysis = fixture.analysis();
        let ranked: Vec<Ranked> = analysis
            .ranked(crate::score::RankBy::Severity)
            .into_iter()
            .enumerate()
            .map(|(i, index)| Ranked { rank: i + 1, index })
            .collect();
        let report = RankReport {
            analysis: &analysis,
            ranked: &ranked,
            factors: &analysis.ranked_factors(0..analysis.factors.len()),
            sources: &fixture.sources,
            colour: false,
            view: crate::report::TableView::default(),
        };
        let mut streamed = Vec::new();
        write(&report, &mut streamed).unwrap();
        let whole = Document {
            version: VERSION,
            today: analysis.today.to_string(),
            risks: report
                .rows()
                .map(|(rank, r)| risk_out(report.sources, rank, r))
                .collect(),
            factors: report
                .factor_rows()
                .map(|f| factor_out(&report, f))
                .collect(),
            simulation: simulation_out(&report),
        };
        let mut expected = serde_json::to_string_pretty(&whole).unwrap();
        expected.push('\n');
        assert_eq!(String::from_utf8(streamed).unwrap(), expected);
    }
}

#[cfg(test)]
mod snapshot {
    use crate::report::{RankFormat, fixture};

    /// The first risk of the shared fixture, as this format writes it.
    #[test]
    fn the_fixture() {
        insta::assert_snapshot!(fixture::rank_top(RankFormat::Json, 1), @r#"
        {
          "version": 1,
          "today": "2026-11-27",
          "risks": [
            {
              "rank": 1,
              "system": "checkout",
              "id": "traffic-spike",
              "title": "Traffic spikes saturate the worker pool",
              "category": "technical",
              "likelihood": {
                "level": 4,
                "word": "likely",
                "source": "explicit"
              },
              "impact": {
                "level": 4,
                "word": "major",
                "source": "explicit"
              },
              "severity": 16,
              "band": "high",
              "time_to_detect": {
                "level": 1,
                "minutes": 5.0
              },
              "time_to_recover": {
                "level": 3,
                "minutes": 60.0
              },
              "exposure": 3,
              "frequency_per_year": 4.0,
              "users_affected_percent": 30.0,
              "bad_minutes": 78.0,
              "budget_share": 0.1483,
              "budget_size": "fits",
              "views": {
                "inherent": {
                  "likelihood": {
                    "level": 4,
                    "word": "likely",
                    "source": "explicit"
                  },
                  "impact": {
                    "level": 4,
                    "word": "major",
                    "source": "explicit"
                  },
                  "severity": 16,
                  "band": "high",
                  "time_to_detect": {
                    "level": 2,
                    "minutes": 15.0
                  },
                  "time_to_recover": {
                    "level": 3,
                    "minutes": 60.0
                  },
                  "exposure": 6,
                  "frequency_per_year": 4.0,
                  "users_affected_percent": 30.0,
                  "bad_minutes": 90.0,
                  "budget_share": 0.171116
                },
                "current": {
                  "likelihood": {
                    "level": 4,
                    "word": "likely",
                    "source": "explicit"
                  },
                  "impact": {
                    "level": 4,
                    "word": "major",
                    "source": "explicit"
                  },
                  "severity": 16,
                  "band": "high",
                  "time_to_detect": {
                    "level": 1,
                    "minutes": 5.0
                  },
                  "time_to_recover": {
                    "level": 3,
                    "minutes": 60.0
                  },
                  "exposure": 3,
                  "frequency_per_year": 4.0,
                  "users_affected_percent": 30.0,
                  "bad_minutes": 78.0,
                  "budget_share": 0.1483
                },
                "target": {
                  "likelihood": {
                    "level": 2,
                    "word": "unlikely",
                    "source": "explicit"
                  },
                  "impact": {
                    "level": 4,
                    "word": "major",
                    "source": "explicit"
                  },
                  "severity": 8,
                  "band": "medium",
                  "time_to_detect": {
                    "level": 1,
                    "minutes": 5.0
                  },
                  "time_to_recover": {
                    "level": 3,
                    "minutes": 60.0
                  },
                  "exposure": 3,
                  "frequency_per_year": 4.0,
                  "users_affected_percent": 30.0,
                  "bad_minutes": 78.0,
                  "budget_share": 0.1483
                }
              },
              "incidents": {
                "count": 1,
                "near_misses": 0,
                "bad_minutes": 21.6
              },
              "state": "mitigating",
              "mitigation_unevidenced": false,
              "owner": "alice",
              "reviewed": "2026-10-01",
              "review_every_days": 90,
              "accepted": null,
              "actions": [
                {
                  "id": "page",
                  "kind": "detect",
                  "what": "Page on queue depth",
                  "status": "done",
                  "owner": null,
                  "due": null,
                  "link": null,
                  "signal": "queue-depth-p95",
                  "runbook": null,
                  "effects": {
                    "time_to_detect": {
                      "level": 1,
                      "minutes": 5.0
                    }
                  },
                  "evidence": true,
                  "exercise": {
                    "state": "in-time",
                    "last": "2026-09-14",
                    "every_days": 180,
                    "due": "2027-03-13",
                    "counts": true
                  }
                },
                {
                  "kind": "prevent",
                  "what": "Autoscale workers",
                  "status": "planned",
                  "owner": "bob",
                  "due": "2026-11-20",
                  "link": null,
                  "signal": null,
                  "runbook": null,
                  "effects": {
                    "likelihood": 2
                  },
                  "evidence": true,
                  "overdue": true
                }
              ],
              "location": {
                "file": "risks/checkout.toml",
                "line": 17,
                "column": 6
              }
            }
          ],
          "factors": [
            {
              "system": "checkout",
              "id": "overload",
              "title": "On-call is overloaded",
              "added": {
                "time_to_detect_minutes": 10.0
              },
              "bad_minutes": {
                "inherent": 32.0,
                "current": 32.0,
                "target": 0.0
              },
              "budget_share": 0.060841,
              "budget_size": "fits",
              "state": "open",
              "actions": [
                {
                  "kind": "prevent",
                  "what": "Split the rotation",
                  "status": "planned",
                  "owner": "eng-manager",
                  "due": "2027-01-15",
                  "link": null,
                  "signal": null,
                  "runbook": null,
                  "effects": {},
                  "evidence": true
                }
              ],
              "location": {
                "file": "risks/checkout.toml",
                "line": 100,
                "column": 6
              }
            }
          ]
        }
        "#);
    }
}
