//! `opx rank --format json`: every computed field, for scripts.
//!
//! The document is versioned; a field is only ever added within a version.

use serde::Serialize;

use super::RankContext;
use crate::register::model::{Rated, Risk, Source, TimeEstimate};
use crate::scale::Scale;
use crate::score::Ranked;

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
    likelihood: LevelOut,
    impact: LevelOut,
    severity: u8,
    band: &'static str,
    time_to_detect: Option<TimeOut>,
    time_to_recover: Option<TimeOut>,
    exposure: Option<u8>,
    frequency_per_year: Option<f64>,
    users_affected_percent: Option<f64>,
    state: &'static str,
    owner: Option<&'a str>,
    reviewed: Option<String>,
    review_every_days: u32,
    accepted: Option<AcceptedOut<'a>>,
    actions: Vec<ActionOut<'a>>,
    location: LocationOut,
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
}

#[derive(Serialize)]
struct LocationOut {
    file: String,
    line: usize,
    column: usize,
}

pub fn render(ctx: &RankContext<'_>) -> String {
    let document = Document {
        version: VERSION,
        today: ctx.today.to_string(),
        risks: ctx.ranked.iter().map(|r| risk_out(ctx, r)).collect(),
    };
    let mut out =
        serde_json::to_string_pretty(&document).expect("a rank document always serialises");
    out.push('\n');
    out
}

fn risk_out<'a>(ctx: &RankContext<'_>, r: &Ranked<'a>) -> RiskOut<'a> {
    let risk: &'a Risk = r.risk;
    let (file, at) = ctx.sources.locate(&risk.id.span);
    RiskOut {
        rank: r.rank,
        system: &risk.system,
        id: &risk.id.value,
        title: &risk.title,
        category: risk.category.name(),
        likelihood: level_out(risk.likelihood, Scale::Likelihood),
        impact: level_out(risk.impact, Scale::Impact),
        severity: r.score.severity,
        band: r.score.band.name(),
        time_to_detect: risk.time_to_detect.map(time_out),
        time_to_recover: risk.time_to_recover.map(time_out),
        exposure: r.score.exposure,
        frequency_per_year: risk.frequency.map(|f| f.per_year()),
        users_affected_percent: risk.users_affected.map(|p| p.value()),
        state: r.score.state.name(),
        owner: risk.owner.as_deref(),
        reviewed: risk.reviewed.as_ref().map(|d| d.value.to_string()),
        review_every_days: risk
            .review_every_days
            .unwrap_or_else(|| r.score.band.default_review_days()),
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
            })
            .collect(),
        location: LocationOut {
            file,
            line: at.line,
            column: at.col,
        },
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
