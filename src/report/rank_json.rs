//! `opx rank --format json`: every computed field, for scripts.
//!
//! The document is versioned; a field is only ever added within a version.
//! Its types are also its JSON Schema (`opx schema rank-report`), so the
//! published shape cannot drift from what is written. Risks are written
//! one at a time, straight to the output.

use std::io::{self, Write};

use schemars::JsonSchema;
use serde::Serialize;
use serde::ser::Serializer;

use super::{RankReport, round};
use crate::analysis::AssessedRisk;
use crate::band::Band;
use crate::budget::Size;
use crate::register::model::{
    Action, ActionKind, ActionStatus, Category, Rated, Source, TimeEstimate,
};
use crate::scale::Scale;
use crate::score::{State, ViewScore};
use crate::source::display_path;
use crate::units::minutes;

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
    #[serde(serialize_with = "serialize_risks")]
    #[schemars(with = "Vec<RiskOut<'static>>")]
    risks: &'a RankReport<'a>,
}

/// The risks of a report, each made as the serialiser asks for it.
fn serialize_risks<S: Serializer>(
    report: &&RankReport<'_>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.collect_seq(report.rows().map(|(rank, r)| risk_out(report, rank, r)))
}

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct RiskOut<'a> {
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
    /// Each view in full.
    views: Views,
    /// Incidents and near-misses of the last 365 days, and what they cost.
    incidents: IncidentsOut,
    state: State,
    owner: Option<&'a str>,
    #[schemars(extend("format" = "date"))]
    reviewed: Option<String>,
    #[schemars(range(min = 1))]
    review_every_days: u32,
    accepted: Option<AcceptedOut<'a>>,
    actions: Vec<ActionOut<'a>>,
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
    effects: EffectsOut,
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

pub fn write(report: &RankReport<'_>, out: &mut dyn Write) -> io::Result<()> {
    let document = Document {
        version: VERSION,
        today: report.analysis.today.to_string(),
        risks: report,
    };
    serde_json::to_writer_pretty(&mut *out, &document)?;
    writeln!(out)
}

fn risk_out<'a>(report: &RankReport<'_>, rank: usize, r: &'a AssessedRisk<'a>) -> RiskOut<'a> {
    let risk = r.risk;
    RiskOut {
        rank,
        system: &risk.system,
        id: &risk.id.value,
        title: &risk.title,
        category: risk.category,
        current: view_out(&r.score.current),
        budget_size: r.size,
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
        owner: risk.owner.as_deref(),
        reviewed: risk.reviewed.map(|d| d.value.to_string()),
        review_every_days: r.review.every_days,
        accepted: risk.accepted.as_ref().map(|a| AcceptedOut {
            by: &a.by,
            reason: &a.reason,
            until: a.until.value.to_string(),
            expired: r.acceptance_expired,
        }),
        actions: risk.actions.iter().map(action_out).collect(),
        location: LocationOut {
            file: display_path(report.sources.path(risk.id.span.file)),
            line: risk.location.line,
            column: risk.location.col,
        },
    }
}

fn action_out(a: &Action) -> ActionOut<'_> {
    ActionOut {
        kind: a.kind,
        what: &a.what,
        status: a.status,
        owner: a.owner.as_deref(),
        due: a.due.map(|d| d.value.to_string()),
        link: a.link.as_deref(),
        effects: EffectsOut {
            likelihood: a.effects.likelihood.map(|l| l.get()),
            impact: a.effects.impact.map(|l| l.get()),
            time_to_detect: a.effects.time_to_detect.map(time_out),
            time_to_recover: a.effects.time_to_recover.map(time_out),
            frequency_per_year: a.effects.frequency.map(|f| f.per_year()),
            users_affected_percent: a.effects.users_affected.map(|p| p.value()),
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
        minutes: t.duration.map(minutes),
    }
}
