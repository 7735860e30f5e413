//! `opx rank --format json`: every computed field, for scripts.
//!
//! The document is versioned; a field is only ever added within a version.

use serde::Serialize;

use super::{RankContext, round};
use crate::monitor::{History, IncidentIndex};
use crate::register::model::{Rated, Risk, Source, TimeEstimate};
use crate::scale::Scale;
use crate::score::{Ranked, ViewScore};

pub const VERSION: u32 = 1;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    today: String,
    risks: Vec<RiskOut<'a>>,
}

#[derive(Serialize)]
struct RiskOut<'a> {
    rank: usize,
    system: &'a str,
    id: &'a str,
    title: &'a str,
    category: &'static str,
    /// The current view's fields, at the top level for scripts that want only it.
    #[serde(flatten)]
    current: ViewOut,
    /// `fits`, `near` or `too-big` against the single-risk threshold; null without a budget share.
    budget_size: Option<&'static str>,
    /// Each view in full.
    views: Views,
    /// Incidents and near-misses of the last 365 days, and what they cost.
    incidents: IncidentsOut,
    state: &'static str,
    owner: Option<&'a str>,
    reviewed: Option<String>,
    review_every_days: u32,
    accepted: Option<AcceptedOut<'a>>,
    actions: Vec<ActionOut<'a>>,
    location: LocationOut,
}

#[derive(Serialize)]
struct IncidentsOut {
    count: usize,
    near_misses: usize,
    bad_minutes: Option<f64>,
}

#[derive(Serialize)]
struct Views {
    inherent: ViewOut,
    current: ViewOut,
    target: ViewOut,
}

#[derive(Serialize)]
struct ViewOut {
    likelihood: LevelOut,
    impact: LevelOut,
    severity: u8,
    band: &'static str,
    time_to_detect: Option<TimeOut>,
    time_to_recover: Option<TimeOut>,
    exposure: Option<u8>,
    frequency_per_year: Option<f64>,
    users_affected_percent: Option<f64>,
    bad_minutes: Option<f64>,
    budget_share: Option<f64>,
}

#[derive(Serialize)]
struct LevelOut {
    level: u8,
    word: &'static str,
    /// `explicit`, or `derived` from frequency or users affected.
    source: &'static str,
}

#[derive(Serialize)]
struct TimeOut {
    level: u8,
    minutes: Option<f64>,
}

#[derive(Serialize)]
struct AcceptedOut<'a> {
    by: &'a str,
    reason: &'a str,
    until: String,
    expired: bool,
}

#[derive(Serialize)]
struct ActionOut<'a> {
    kind: &'static str,
    what: &'a str,
    status: &'static str,
    owner: Option<&'a str>,
    due: Option<String>,
    link: Option<&'a str>,
    effects: EffectsOut,
}

/// What an action changes once done; only the keys it sets.
#[derive(Serialize)]
struct EffectsOut {
    #[serde(skip_serializing_if = "Option::is_none")]
    likelihood: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    impact: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    time_to_detect: Option<TimeOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    time_to_recover: Option<TimeOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    frequency_per_year: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    users_affected_percent: Option<f64>,
}

#[derive(Serialize)]
struct LocationOut {
    file: String,
    line: usize,
    column: usize,
}

pub fn render(ctx: &RankContext<'_>) -> String {
    let incidents = IncidentIndex::new(ctx.register);
    let document = Document {
        version: VERSION,
        today: ctx.today.to_string(),
        risks: ctx
            .ranked
            .iter()
            .map(|r| risk_out(ctx, r, incidents.history(r.risk, ctx.today)))
            .collect(),
    };
    let mut out =
        serde_json::to_string_pretty(&document).expect("a rank document always serialises");
    out.push('\n');
    out
}

fn risk_out<'a>(ctx: &RankContext<'_>, r: &Ranked<'a>, history: History) -> RiskOut<'a> {
    let risk: &'a Risk = r.risk;
    let (file, at) = ctx.sources.locate(&risk.id.span);
    RiskOut {
        rank: r.rank,
        system: &risk.system,
        id: &risk.id.value,
        title: &risk.title,
        category: risk.category.name(),
        current: view_out(&r.score.current),
        budget_size: r
            .score
            .current
            .budget_share
            .map(|share| crate::budget::size(share, ctx.single_risk_share).name()),
        views: Views {
            inherent: view_out(&r.score.inherent),
            current: view_out(&r.score.current),
            target: view_out(&r.score.target),
        },
        incidents: IncidentsOut {
            count: history.incidents,
            near_misses: history.near_misses,
            bad_minutes: history.bad_minutes.map(round),
        },
        state: r.score.state.name(),
        owner: risk.owner.as_deref(),
        reviewed: risk.reviewed.as_ref().map(|d| d.value.to_string()),
        review_every_days: crate::score::review_cadence(risk, r.score.current.band),
        accepted: risk.accepted.as_ref().map(|a| AcceptedOut {
            by: &a.by,
            reason: &a.reason,
            until: a.until.value.to_string(),
            expired: crate::score::acceptance_expired(risk, ctx.today),
        }),
        actions: risk
            .actions
            .iter()
            .map(|a| ActionOut {
                kind: a.kind.name(),
                what: &a.what,
                status: a.status.name(),
                owner: a.owner.as_deref(),
                due: a.due.as_ref().map(|d| d.value.to_string()),
                link: a.link.as_deref(),
                effects: EffectsOut {
                    likelihood: a.effects.likelihood.map(|l| l.get()),
                    impact: a.effects.impact.map(|l| l.get()),
                    time_to_detect: a.effects.time_to_detect.map(time_out),
                    time_to_recover: a.effects.time_to_recover.map(time_out),
                    frequency_per_year: a.effects.frequency.map(|f| f.per_year()),
                    users_affected_percent: a.effects.users_affected.map(|p| p.value()),
                },
            })
            .collect(),
        location: LocationOut {
            file,
            line: at.line,
            column: at.col,
        },
    }
}

fn view_out(score: &ViewScore) -> ViewOut {
    let view = &score.view;
    ViewOut {
        likelihood: level_out(view.likelihood, Scale::Likelihood),
        impact: level_out(view.impact, Scale::Impact),
        severity: score.severity,
        band: score.band.name(),
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
        source: match rated.source {
            Source::Explicit => "explicit",
            Source::Derived => "derived",
        },
    }
}

fn time_out(t: TimeEstimate) -> TimeOut {
    TimeOut {
        level: t.level.get(),
        minutes: t.duration.map(|d| d.as_secs_f64() / 60.0),
    }
}
