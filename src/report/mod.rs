//! Output formats. Each format lives in its own file and turns already
//! computed results into text; none of them decides anything.
//!
//! Renderers return `String`s; the human ones may hold ANSI styles, which
//! the binary's stream strips when colour is off, so no renderer checks the
//! terminal. Pieces that several formats show the same way (a location, a
//! time estimate, the action summary) live here, once.

mod assess;
mod check_github;
mod check_human;
mod check_json;
mod check_junit;
mod check_markdown;
mod check_sarif;
mod diff;
mod doc;
mod markdown;
mod plan;
mod rank_csv;
mod rank_json;
mod rank_markdown;
mod rank_table;
mod review;

use jiff::civil::Date;

use crate::budget::{self, minutes_text, percent_text};
use crate::diag::{Diagnostic, Location};
use crate::monitor::History;
use crate::register::model::{ActionKind, Register, Risk, TimeEstimate};
use crate::scale::{Band, Scale, format_duration};
use crate::score::{Ranked, Score, State};
use crate::source::{LineCol, Sources, display_path};

/// The tool as reports name it.
pub const TOOL_NAME: &str = "opx";
pub const TOOL_VERSION: &str = env!("CARGO_PKG_VERSION");

/// What every rank format is given.
pub struct RankContext<'a> {
    pub ranked: &'a [Ranked<'a>],
    pub register: &'a Register,
    pub sources: &'a Sources,
    pub today: Date,
    /// The share of an error budget one risk may use, to mark risks near or over it.
    pub single_risk_share: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RankFormat {
    Table,
    Json,
    Markdown,
    Csv,
}

impl RankFormat {
    pub fn render(self, ctx: &RankContext<'_>) -> String {
        match self {
            RankFormat::Table => rank_table::render(ctx),
            RankFormat::Json => rank_json::render(ctx),
            RankFormat::Markdown => rank_markdown::render(ctx),
            RankFormat::Csv => rank_csv::render(ctx),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssessFormat {
    Table,
    Json,
    Markdown,
}

impl AssessFormat {
    pub fn render(self, systems: &[crate::assess::SystemAssessment<'_>], today: Date) -> String {
        match self {
            AssessFormat::Table => assess::doc(systems, today).terminal(),
            AssessFormat::Json => assess::json(systems, today),
            AssessFormat::Markdown => assess::doc(systems, today).markdown(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanFormat {
    Markdown,
    Json,
}

impl PlanFormat {
    pub fn render(self, plan: &crate::plan::Plan<'_>) -> String {
        match self {
            PlanFormat::Markdown => plan::doc(plan).markdown(),
            PlanFormat::Json => plan::json(plan),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewFormat {
    Markdown,
    Table,
    Json,
}

impl ReviewFormat {
    pub fn render(self, digest: &crate::review::Digest<'_>) -> String {
        match self {
            ReviewFormat::Markdown => review::doc(digest).markdown(),
            ReviewFormat::Table => review::doc(digest).terminal(),
            ReviewFormat::Json => review::json(digest),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiffFormat {
    Markdown,
    Table,
    Json,
}

impl DiffFormat {
    pub fn render(self, d: &crate::diff::Diff<'_>) -> String {
        match self {
            DiffFormat::Markdown => diff::doc(d).markdown(),
            DiffFormat::Table => diff::doc(d).terminal(),
            DiffFormat::Json => diff::json(d),
        }
    }
}

/// What every check format is given. When the register could not be read,
/// `findings` are the input errors and `register` is empty.
pub struct CheckContext<'a> {
    pub findings: &'a [Diagnostic],
    pub register: &'a Register,
    pub sources: &'a Sources,
    pub today: Date,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckFormat {
    Human,
    Json,
    Github,
    Sarif,
    Junit,
    Markdown,
}

impl CheckFormat {
    pub fn render(self, ctx: &CheckContext<'_>) -> String {
        match self {
            CheckFormat::Human => check_human::render(ctx),
            CheckFormat::Json => check_json::render(ctx),
            CheckFormat::Github => check_github::render(ctx),
            CheckFormat::Sarif => check_sarif::render(ctx),
            CheckFormat::Junit => check_junit::render(ctx),
            CheckFormat::Markdown => check_markdown::render(ctx),
        }
    }

    /// The Markdown summary GitHub shows on a job's page, for formats that have one.
    pub fn step_summary(self, ctx: &CheckContext<'_>) -> Option<String> {
        (self == CheckFormat::Github).then(|| check_markdown::render(ctx))
    }
}

/// Where a diagnostic points, resolved to a path and, for a span, its start and end.
pub(crate) struct Place {
    pub file: String,
    pub start: Option<LineCol>,
    pub end: Option<LineCol>,
}

impl Place {
    pub fn of(diagnostic: &Diagnostic, sources: &Sources) -> Option<Place> {
        match &diagnostic.location {
            Location::Span(label) => {
                let file = sources.get(label.span.file);
                Some(Place {
                    file: display_path(file.path()),
                    start: Some(file.line_col(label.span.range.start)),
                    end: Some(file.line_col(label.span.range.end.max(label.span.range.start))),
                })
            }
            Location::Path(path) => Some(Place {
                file: path.clone(),
                start: None,
                end: None,
            }),
            Location::None => None,
        }
    }

    /// `file:line:col`, or the bare path when there is no line.
    pub fn text(&self) -> String {
        match self.start {
            Some(at) => format!("{}:{}:{}", self.file, at.line, at.col),
            None => self.file.clone(),
        }
    }
}

/// `file:line:col` of a diagnostic, or "" when it points nowhere.
pub(crate) fn place_text(diagnostic: &Diagnostic, sources: &Sources) -> String {
    Place::of(diagnostic, sources).map_or_else(String::new, |p| p.text())
}

/// Six decimals: stable output, well beyond the precision of any estimate.
pub(crate) fn round(x: f64) -> f64 {
    if x.is_finite() {
        (x * 1e6).round() / 1e6
    } else {
        x
    }
}

/// The columns people read in a ranking, shared by the table and Markdown.
pub(crate) const RANK_HEADER: [&str; 16] = [
    "#",
    "system",
    "risk",
    "title",
    "L",
    "I",
    "severity",
    "detect",
    "recover",
    "exposure",
    "bad min/yr",
    "budget",
    "incidents",
    "state",
    "owner",
    "actions",
];

/// One risk's cells under [`RANK_HEADER`], from its current view (and
/// where the plan changes them, current → target).
pub(crate) fn rank_row(r: &Ranked<'_>, history: &History, single_risk_share: f64) -> [String; 16] {
    let risk = r.risk;
    let current = &r.score.current;
    [
        r.rank.to_string(),
        risk.system.clone(),
        risk.id.value.clone(),
        risk.title.clone(),
        current.view.likelihood.level.to_string(),
        current.view.impact.level.to_string(),
        severity_cell(&r.score),
        time_cell(current.view.time_to_detect),
        time_cell(current.view.time_to_recover),
        current.exposure.map_or("-".to_string(), |e| e.to_string()),
        minutes_cell(&r.score),
        share_cell(&r.score, single_risk_share),
        incidents_cell(history),
        r.score.state.name().to_string(),
        risk.owner.clone().unwrap_or_else(|| "-".to_string()),
        actions_cell(risk),
    ]
}

/// `2`, `2 + 1 near`, `1 near`, or `-`: incidents and near-misses of the last 365 days.
pub(crate) fn incidents_cell(history: &History) -> String {
    match (history.incidents, history.near_misses) {
        (0, 0) => "-".to_string(),
        (n, 0) => n.to_string(),
        (0, m) => format!("{m} near"),
        (n, m) => format!("{n} + {m} near"),
    }
}

/// `16 high`, or `16 high → 8 medium` when the plan changes it.
pub(crate) fn severity_cell(score: &Score) -> String {
    let (now, then) = (&score.current, &score.target);
    if now.severity == then.severity {
        format!("{} {}", now.severity, now.band)
    } else {
        format!(
            "{} {} → {} {}",
            now.severity, now.band, then.severity, then.band
        )
    }
}

/// `91.3`, `91.3 → 12.0` when the plan changes it, or `-` when unknown.
pub(crate) fn minutes_cell(score: &Score) -> String {
    let text = |m: Option<f64>| m.map_or("-".to_string(), minutes_text);
    let (now, then) = (score.current.bad_minutes, score.target.bad_minutes);
    if text(now) == text(then) {
        text(now)
    } else {
        format!("{} → {}", text(now), text(then))
    }
}

/// The current share of the error budget, `17.4%`, or `-`.
pub(crate) fn share_cell(score: &Score, single_risk_share: f64) -> String {
    let Some(share) = score.current.budget_share else {
        return "-".to_string();
    };
    match budget::size(share, single_risk_share) {
        budget::Size::Fits => percent_text(share),
        budget::Size::Near => format!("{} near", percent_text(share)),
        budget::Size::TooBig => format!("{} too big", percent_text(share)),
    }
}

/// `2 (15m)` for a duration, `3 (medium)` for a word, `-` when unknown.
pub(crate) fn time_cell(estimate: Option<TimeEstimate>) -> String {
    match estimate {
        None => "-".to_string(),
        Some(TimeEstimate {
            level,
            duration: Some(d),
        }) => format!("{level} ({})", format_duration(d)),
        Some(TimeEstimate {
            level,
            duration: None,
        }) => format!("{level} ({})", Scale::Time.word(level)),
    }
}

/// One `K:status` token per action, `P` prevent, `D` detect, `R` respond.
pub(crate) fn actions_cell(risk: &Risk) -> String {
    if risk.actions.is_empty() {
        return "none".to_string();
    }
    let mut sorted: Vec<_> = risk.actions.iter().collect();
    sorted.sort_by_key(|a| a.kind);
    sorted
        .iter()
        .map(|a| {
            let letter = match a.kind {
                ActionKind::Prevent => 'P',
                ActionKind::Detect => 'D',
                ActionKind::Respond => 'R',
            };
            format!("{letter}:{}", a.status.name())
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// `12 risks: 1 critical, 4 high, 5 medium, 2 low; 3 open`
pub(crate) fn rank_summary(ranked: &[Ranked<'_>]) -> String {
    let count = |band: Band| {
        ranked
            .iter()
            .filter(|r| r.score.current.band == band)
            .count()
    };
    let bands: Vec<String> = Band::ALL
        .iter()
        .rev()
        .map(|&b| (b, count(b)))
        .filter(|&(_, n)| n > 0)
        .map(|(b, n)| format!("{n} {b}"))
        .collect();
    let open = ranked
        .iter()
        .filter(|r| r.score.state == State::Open)
        .count();
    format!(
        "{}: {}; {open} open",
        crate::diag::plural(ranked.len(), "risk"),
        bands.join(", ")
    )
}

/// `1 error, 3 warnings in 11 risks`, with `, 1 note` when there are notes.
pub(crate) fn check_summary(ctx: &CheckContext<'_>) -> String {
    let tally = crate::diag::Tally::of(ctx.findings);
    let notes = match tally.notes {
        0 => String::new(),
        n => format!(", {}", crate::diag::plural(n, "note")),
    };
    format!(
        "{}, {}{notes} in {}",
        crate::diag::plural(tally.errors, "error"),
        crate::diag::plural(tally.warnings, "warning"),
        crate::diag::plural(ctx.register.risks.len(), "risk"),
    )
}
