//! Output formats. Each format lives in its own file and writes results
//! already computed (by `crate::analysis` and the commands' own modules)
//! to a writer, row by row where a report can be long; none of them
//! decides anything.
//!
//! A format enum per command is what the command line parses and knows its
//! writers: one match, one place. Colour is decided once, by the binary,
//! and handed down; a format that has none never sees it. Pieces several
//! formats show the same way (a time estimate, a budget share, the
//! summary lines) live here, once.
//!
//! Each enum's match is also where a format meets the one output filter
//! ([`crate::visible`]): formats for people and logs write through
//! [`log_safe`], JSON through [`json_safe`], JUnit through [`xml_safe`],
//! the page through [`html_safe`]; a new format takes its place there.

mod assess;
mod check_github;
mod check_human;
mod check_json;
mod check_junit;
mod check_markdown;
mod check_sarif;
mod check_short;
pub mod columns;
mod diff;
mod doc;
#[cfg(test)]
pub(crate) mod fixture;
mod html;
mod json;
mod markdown;
mod matrix;
mod measure;
mod plan;
mod rank_csv;
mod rank_json;
mod rank_markdown;
mod rank_table;
mod review;
mod show;
mod show_factor;
mod trend;

use std::io::{self, Write};

use jiff::civil::Date;

pub use assess::Document as AssessDocument;
pub use check_json::Document as CheckDocument;
pub use diff::Document as DiffDocument;
pub use doc::wrap;
pub use matrix::Document as MatrixDocument;
pub use measure::Document as MeasureDocument;
pub use plan::Document as PlanDocument;
pub use rank_json::Document as RankDocument;
pub use review::Document as ReviewDocument;
pub use show::Document as ShowDocument;
pub use trend::Document as TrendDocument;

use crate::analysis::{Analysis, AssessedFactor, AssessedRisk};
use crate::budget::{Size, minutes_text, percent_text};
use crate::diag::{Diagnostic, Location, Tally, plural};
use crate::factor::added_time_text;
use crate::history::History;
use crate::register::model::{ActionKind, Register, TimeEstimate};
use crate::scale::Scale;
use crate::score::{Score, State, ViewName};
use crate::source::{Locator, Place, Sources};
use crate::units::format_duration;
use crate::visible::{html_safe, json_safe, log_safe, xml_safe};

/// The tool as reports name it.
pub const TOOL_NAME: &str = "opx";
pub const TOOL_VERSION: &str = env!("CARGO_PKG_VERSION");

/// A risk's place in a ranking: its rank (1 is first) and its place in
/// `Analysis::risks`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ranked {
    pub rank: usize,
    pub index: usize,
}

/// What every rank format is given.
pub struct RankReport<'a> {
    pub analysis: &'a Analysis<'a>,
    /// The risks to show, in rank order.
    pub ranked: &'a [Ranked],
    /// The systemic factors to show after them, as places in
    /// `Analysis::factors`, most bad minutes first.
    pub factors: &'a [usize],
    pub sources: &'a Sources,
    pub colour: bool,
    /// How the table for a terminal is laid out.
    pub view: TableView,
}

/// A terminal's facts, for the formats written for people.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Screen {
    pub colour: bool,
    /// The width to fit, in columns.
    pub width: usize,
}

/// How `opx rank` lays out its table for a terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableView {
    /// The width to fit, in columns.
    pub width: usize,
    /// Every column, not only the most telling.
    pub wide: bool,
    /// Each risk's actions as lines under it.
    pub actions: bool,
    /// What the risks are ranked by: its column is never left out.
    pub by: crate::score::RankBy,
}

impl TableView {
    /// The width a table fits when nothing says otherwise.
    pub const DEFAULT_WIDTH: usize = 100;
}

impl Default for TableView {
    fn default() -> Self {
        TableView {
            width: TableView::DEFAULT_WIDTH,
            wide: false,
            actions: true,
            by: crate::score::RankBy::Severity,
        }
    }
}

impl<'a> RankReport<'a> {
    /// The risks to show, each with its rank.
    pub fn rows(&self) -> impl Iterator<Item = (usize, &'a AssessedRisk<'a>)> + '_ {
        self.ranked
            .iter()
            .map(|r| (r.rank, &self.analysis.risks[r.index]))
    }

    /// The factors to show, after the risks.
    pub fn factor_rows(&self) -> impl Iterator<Item = &'a AssessedFactor<'a>> + '_ {
        self.factors.iter().map(|&i| &self.analysis.factors[i])
    }

    /// Whether any risk or factor shown is of system `id`.
    pub fn shows_system(&self, id: &str) -> bool {
        self.rows().any(|(_, r)| r.risk.system == id)
            || self
                .factor_rows()
                .any(|f| self.analysis.systems[f.system].system.id == id)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RankFormat {
    /// A table for people
    Table,
    /// A versioned JSON document with every computed field (see `opx schema rank-report`)
    Json,
    /// A GitHub-flavoured Markdown table, for a pull-request comment
    Markdown,
    /// CSV (RFC 4180), one row per risk, safe to open in a spreadsheet
    Csv,
}

impl RankFormat {
    pub fn write(self, report: &RankReport<'_>, out: &mut dyn Write) -> io::Result<()> {
        match self {
            RankFormat::Table => log_safe(out, |out| rank_table::write(report, out)),
            RankFormat::Json => json_safe(out, |out| rank_json::write(report, out)),
            RankFormat::Markdown => log_safe(out, |out| rank_markdown::write(report, out)),
            RankFormat::Csv => log_safe(out, |out| rank_csv::write(report, out)),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TrendFormat {
    /// A table for a terminal
    Table,
    /// GitHub-flavoured Markdown
    Markdown,
    /// A versioned JSON document
    Json,
    /// CSV (RFC 4180), a row per commit, a column per system's figure
    Csv,
}

impl TrendFormat {
    pub fn write(
        self,
        trend: &crate::trend::Trend,
        screen: Screen,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        match self {
            TrendFormat::Table => {
                trend::doc(trend).write_terminal(out, screen.width, screen.colour)
            }
            TrendFormat::Markdown => trend::doc(trend).write_markdown(out),
            TrendFormat::Json => json_safe(out, |out| trend::json(trend, out)),
            TrendFormat::Csv => log_safe(out, |out| trend::csv(trend, out)),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum MatrixFormat {
    /// The grid, for a terminal
    Table,
    /// A GitHub-flavoured Markdown table
    Markdown,
    /// A versioned JSON document: every cell, its band, count and risks
    Json,
}

/// What `opx matrix` writes beside the grid itself.
#[derive(Debug, Clone, Copy)]
pub struct MatrixView {
    /// Each cell lists its risks' ids.
    pub ids: bool,
    pub today: Date,
}

impl MatrixFormat {
    pub fn write(
        self,
        m: &crate::matrix::Matrix<'_>,
        view: MatrixView,
        screen: Screen,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        match self {
            MatrixFormat::Table => log_safe(out, |out| {
                matrix::write_table(m, view.ids, screen.width, screen.colour, out)
            }),
            MatrixFormat::Markdown => log_safe(out, |out| matrix::write_markdown(m, view.ids, out)),
            MatrixFormat::Json => json_safe(out, |out| matrix::write_json(m, view.today, out)),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AssessFormat {
    /// Tables for a terminal
    Table,
    /// A versioned JSON document
    Json,
    /// GitHub-flavoured Markdown, for a doc or a pull request
    Markdown,
}

impl AssessFormat {
    pub fn write(
        self,
        systems: &[crate::assess::SystemAssessment<'_>],
        today: Date,
        screen: Screen,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        match self {
            AssessFormat::Table => {
                assess::doc(systems, today).write_terminal(out, screen.width, screen.colour)
            }
            AssessFormat::Json => json_safe(out, |out| assess::json(systems, today, out)),
            AssessFormat::Markdown => assess::doc(systems, today).write_markdown(out),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum MeasureFormat {
    /// Tables for a terminal (the default on a terminal)
    Table,
    /// GitHub-flavoured Markdown (the default otherwise)
    Markdown,
    /// A versioned JSON document
    Json,
}

impl MeasureFormat {
    /// Writes what `opx measure` read from `server`.
    pub fn write(
        self,
        measurement: &crate::measure::Measurement,
        server: &str,
        screen: Screen,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        match self {
            MeasureFormat::Table => {
                measure::doc(measurement, server).write_terminal(out, screen.width, screen.colour)
            }
            MeasureFormat::Markdown => measure::doc(measurement, server).write_markdown(out),
            MeasureFormat::Json => json_safe(out, |out| measure::json(measurement, server, out)),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PlanFormat {
    /// Tables for a terminal (the default on a terminal)
    Table,
    /// GitHub-flavoured Markdown, for a doc or a pull request (the default otherwise)
    Markdown,
    /// A versioned JSON document
    Json,
}

impl PlanFormat {
    pub fn write(
        self,
        plan: &crate::plan::Plan<'_>,
        screen: Screen,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        match self {
            PlanFormat::Table => plan::doc(plan).write_terminal(out, screen.width, screen.colour),
            PlanFormat::Markdown => plan::doc(plan).write_markdown(out),
            PlanFormat::Json => json_safe(out, |out| plan::json(plan, out)),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ShowFormat {
    /// Everything about the risk, for a terminal
    Table,
    /// A versioned JSON document
    Json,
    /// GitHub-flavoured Markdown, for a doc or an issue
    Markdown,
}

impl ShowFormat {
    pub fn write(
        self,
        shown: &crate::show::Shown<'_>,
        screen: Screen,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        match self {
            ShowFormat::Table => show::doc(shown).write_terminal(out, screen.width, screen.colour),
            ShowFormat::Json => json_safe(out, |out| show::json(shown, out)),
            ShowFormat::Markdown => show::doc(shown).write_markdown(out),
        }
    }

    /// Writes one systemic factor, as [`ShowFormat::write`] writes a risk.
    pub fn write_factor(
        self,
        shown: &crate::show::ShownFactor<'_>,
        screen: Screen,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        match self {
            ShowFormat::Table => {
                show_factor::doc(shown).write_terminal(out, screen.width, screen.colour)
            }
            ShowFormat::Json => json_safe(out, |out| show_factor::json(shown, out)),
            ShowFormat::Markdown => show_factor::doc(shown).write_markdown(out),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReviewFormat {
    /// GitHub-flavoured Markdown, for the meeting's notes
    Markdown,
    /// Tables for a terminal
    Table,
    /// A versioned JSON document
    Json,
}

impl ReviewFormat {
    pub fn write(
        self,
        digest: &crate::review::Digest<'_>,
        screen: Screen,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        match self {
            ReviewFormat::Markdown => review::doc(digest).write_markdown(out),
            ReviewFormat::Table => {
                review::doc(digest).write_terminal(out, screen.width, screen.colour)
            }
            ReviewFormat::Json => json_safe(out, |out| review::json(digest, out)),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffFormat {
    /// GitHub-flavoured Markdown, a verdict first: a pull-request comment
    Markdown,
    /// Tables for a terminal
    Table,
    /// A versioned JSON document
    Json,
}

impl DiffFormat {
    pub fn write(
        self,
        d: &crate::diff::Diff<'_>,
        screen: Screen,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        match self {
            DiffFormat::Markdown => diff::doc(d).write_markdown(out),
            DiffFormat::Table => diff::doc(d).write_terminal(out, screen.width, screen.colour),
            DiffFormat::Json => json_safe(out, |out| diff::json(d, out)),
        }
    }
}

/// What every check format is given. When the register could not be read,
/// `findings` are the input errors and `register` is empty.
pub struct CheckReport<'a> {
    pub findings: &'a [Diagnostic],
    /// Findings a waiver set aside: reported, never counted.
    pub waived: &'a [crate::check::Waived],
    /// The policy the gate ran under.
    pub policy: &'a crate::policy::Policy,
    /// `$GITHUB_STEP_SUMMARY` gets the findings too, so the annotations
    /// may point there.
    pub job_summary: bool,
    pub register: &'a Register,
    pub sources: &'a Sources,
    pub today: Date,
    pub colour: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CheckFormat {
    /// Findings with source snippets, for people
    Human,
    /// A versioned JSON document (see `opx schema check-report`)
    Json,
    /// GitHub Actions annotations; also appends a Markdown summary to $GITHUB_STEP_SUMMARY
    Github,
    /// SARIF 2.1.0, for code scanning
    Sarif,
    /// JUnit XML: a test suite per system, a test case per risk
    Junit,
    /// A GitHub-flavoured Markdown table of findings, for a pull-request comment
    Markdown,
    /// One line per finding, `path:line:col: level[code]: message`, for editors and grep
    Short,
}

impl CheckFormat {
    pub fn write(self, report: &CheckReport<'_>, out: &mut dyn Write) -> io::Result<()> {
        match self {
            CheckFormat::Human => log_safe(out, |out| check_human::write(report, out)),
            CheckFormat::Json => json_safe(out, |out| check_json::write(report, out)),
            // Its own annotations are workflow commands: it guards the rest.
            CheckFormat::Github => check_github::write(report, out),
            CheckFormat::Sarif => json_safe(out, |out| check_sarif::write(report, out)),
            CheckFormat::Junit => xml_safe(out, |out| check_junit::write(report, out)),
            CheckFormat::Markdown => log_safe(out, |out| check_markdown::write(report, out)),
            CheckFormat::Short => log_safe(out, |out| check_short::write(report, out)),
        }
    }

    /// Only the summary line, as the human format ends (`--quiet`).
    pub fn write_summary(report: &CheckReport<'_>, out: &mut dyn Write) -> io::Result<()> {
        log_safe(out, |out| check_human::write_summary(report, out))
    }

    /// Whether the format has a Markdown summary for the CI job's page
    /// (`$GITHUB_STEP_SUMMARY`); [`write_step_summary`] writes it.
    pub fn has_step_summary(self) -> bool {
        self == CheckFormat::Github
    }
}

/// Writes `opx report`'s page: one HTML file that needs nothing else.
pub fn write_html(overview: &crate::overview::Overview<'_>, out: &mut dyn Write) -> io::Result<()> {
    html_safe(out, |out| html::write(overview, out))
}

/// The most a step summary may hold: GitHub drops a larger one whole.
pub const STEP_SUMMARY_LIMIT: usize = 1024 * 1024;

/// The Markdown summary GitHub shows on a job's page, in at most `budget`
/// bytes.
pub fn write_step_summary(
    report: &CheckReport<'_>,
    out: &mut dyn Write,
    budget: usize,
) -> io::Result<()> {
    log_safe(out, |out| check_markdown::write_within(report, out, budget))
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

/// Where a simulation's columns go in a ranking: after `bad min/yr`.
const SIMULATED_AT: usize = 11;

/// Where the data-loss column goes, when any risk estimates one: after
/// `budget` (placed before the simulation's, which come before it).
const DATA_LOSS_AT: usize = 12;

/// [`RANK_HEADER`], with a risk's P50 and P90 yearly bad minutes after
/// its expected ones when the run simulated years.
pub(crate) fn rank_header(analysis: &Analysis<'_>) -> Vec<&'static str> {
    let mut header = RANK_HEADER.to_vec();
    if analysis.has_data_loss() {
        header.insert(DATA_LOSS_AT, "data loss");
    }
    if analysis.simulation.is_some() {
        header.splice(SIMULATED_AT..SIMULATED_AT, ["P50", "P90"]);
    }
    header
}

/// One risk's cells under [`rank_header`].
pub(crate) fn rank_cells(
    analysis: &Analysis<'_>,
    rank: usize,
    r: &AssessedRisk<'_>,
) -> Vec<String> {
    let mut row = rank_row(rank, r).to_vec();
    if analysis.has_data_loss() {
        row.insert(DATA_LOSS_AT, data_loss_cell(r));
    }
    if analysis.simulation.is_some() {
        row.splice(SIMULATED_AT..SIMULATED_AT, simulated_cells(r));
    }
    row
}

/// A factor's cells under [`rank_header`]: it has no simulated years of
/// its own, since it counts in each of its system's at its expected cost.
pub(crate) fn rank_factor_cells(analysis: &Analysis<'_>, f: &AssessedFactor<'_>) -> Vec<String> {
    let mut row = factor_row(analysis, f).to_vec();
    if analysis.has_data_loss() {
        row.insert(DATA_LOSS_AT, "-".to_string());
    }
    if analysis.simulation.is_some() {
        row.splice(
            SIMULATED_AT..SIMULATED_AT,
            ["-".to_string(), "-".to_string()],
        );
    }
    row
}

/// A risk's current data loss: `2h`, `1h..6h`, `none`, with `> RPO` where
/// it exceeds its system's; `-` where it does not say.
pub(crate) fn data_loss_cell(r: &AssessedRisk<'_>) -> String {
    let Some(loss) = r.score.current.view.data_loss else {
        return "-".to_string();
    };
    let text = data_loss_text(loss);
    if r.over_rpo.is_some() {
        format!("{text} > RPO")
    } else {
        text
    }
}

/// `2h`, `1h..6h`, `none`.
pub(crate) fn data_loss_text(d: crate::register::model::DataLoss) -> String {
    match d.range {
        Some(range) => crate::units::duration_range_text(range),
        None if d.value.is_zero() => "none".to_string(),
        None => crate::units::format_duration(d.value),
    }
}

/// A risk's P50 and P90 bad minutes a year in simulated years, or `-`.
pub(crate) fn simulated_cells(r: &AssessedRisk<'_>) -> [String; 2] {
    years_cells(r.simulated)
}

/// P50 and P90 bad minutes a year, or `-`.
pub(crate) fn years_cells(years: Option<crate::years::Years>) -> [String; 2] {
    years.map_or(["-".to_string(), "-".to_string()], |y| {
        [minutes_text(y.p50), minutes_text(y.p90)]
    })
}

/// What the simulated years say of each system shown, a line each:
/// `checkout misses its budget (52.60) in 12.3% of years; P50 20.00, P90
/// 61.20 bad minutes`, then how many years from which seed. Empty when
/// the run did not simulate.
pub(crate) fn simulation_lines(
    analysis: &Analysis<'_>,
    shown: &dyn Fn(&str) -> bool,
) -> Vec<String> {
    let Some(settings) = analysis.simulation else {
        return Vec::new();
    };
    let mut lines: Vec<String> = analysis
        .systems
        .iter()
        .filter(|s| shown(&s.system.id))
        .filter_map(system_simulation_line)
        .collect();
    lines.push(simulation_settings_text(settings));
    lines
}

/// What the simulated years say of one system, when they say anything.
pub(crate) fn system_simulation_line(s: &crate::analysis::AssessedSystem<'_>) -> Option<String> {
    let simulated = s.simulated?;
    let years = format!(
        "P50 {}, P90 {} bad minutes a year",
        minutes_text(simulated.years.p50),
        minutes_text(simulated.years.p90)
    );
    Some(match (simulated.miss_probability, &s.budget) {
        (Some(miss), Some(budget)) => format!(
            "{}: over its error budget ({}) in {} of years; {years}",
            s.system.id,
            minutes_text(budget.budget),
            percent_text(miss)
        ),
        _ => format!("{}: {years}; no availability SLO", s.system.id),
    })
}

/// The estimates of `view` written as ranges, a line each:
/// `time to recover 10m..100m, mean 40m 24s`.
pub(crate) fn ranges_lines(view: &crate::register::model::View) -> Vec<String> {
    use crate::units::number_text;
    use crate::units::{duration_range_text, frequency_range_text, share_range_text};
    let spread = &view.spread;
    let time = |t: Option<TimeEstimate>| {
        t.and_then(|t| t.duration())
            .map_or("-".to_string(), format_duration)
    };
    [
        spread.time_to_detect.map(|i| {
            let mean = time(view.time_to_detect);
            format!("time to detect {}, mean {mean}", duration_range_text(i))
        }),
        spread.time_to_recover.map(|i| {
            let mean = time(view.time_to_recover);
            format!("time to recover {}, mean {mean}", duration_range_text(i))
        }),
        spread.frequency.map(|i| {
            let mean = view
                .frequency
                .map_or("-".to_string(), |f| number_text(f.per_year()));
            format!("frequency {}, mean {mean}/year", frequency_range_text(i))
        }),
        spread.users_affected.map(|i| {
            let mean = view
                .users_affected
                .map_or("-".to_string(), |u| u.to_string());
            format!("users affected {}, mean {mean}", share_range_text(i))
        }),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// `system checkout: error budget 525.96 bad minutes a year`, for a system
/// with an availability SLO.
pub(crate) fn budget_fact(system: &crate::analysis::AssessedSystem<'_>) -> Option<String> {
    system.budget.as_ref().map(|budget| {
        format!(
            "system {}: error budget {} bad minutes a year",
            system.system.id,
            minutes_text(budget.budget)
        )
    })
}

/// `10,000 simulated years, seed 1`.
pub(crate) fn simulation_settings_text(settings: crate::years::Settings) -> String {
    let years = settings.simulations as usize;
    format!(
        "{} simulated {}, seed {}",
        crate::diag::thousands(years),
        if years == 1 { "year" } else { "years" },
        settings.seed
    )
}

/// One risk's cells under [`RANK_HEADER`], from its current view (and
/// where the plan changes them, current → target).
pub(crate) fn rank_row(rank: usize, r: &AssessedRisk<'_>) -> [String; 16] {
    let risk = r.risk;
    let current = &r.score.current;
    [
        rank.to_string(),
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
        share_cell(r),
        incidents_cell(&r.history),
        state_cell(r),
        risk.owner.clone().unwrap_or_else(|| "-".to_string()),
        actions_cell(r),
    ]
}

/// A factor's cells under [`RANK_HEADER`]: it has no rank, likelihood or
/// impact of its own, so those read `-`, and its severity reads `factor`;
/// its detect and recover cells say what it adds.
pub(crate) fn factor_row(analysis: &Analysis<'_>, f: &AssessedFactor<'_>) -> [String; 16] {
    let factor = f.factor;
    let system = analysis.systems[f.system].system;
    [
        "-".to_string(),
        system.id.clone(),
        factor.id.value.clone(),
        factor.title.clone(),
        "-".to_string(),
        "-".to_string(),
        FACTOR_MARK.to_string(),
        added_time_text(factor.added.time_to_detect),
        added_time_text(factor.added.time_to_recover),
        "-".to_string(),
        factor_minutes_cell(f),
        size_cell(f.budget_share, f.size),
        "-".to_string(),
        f.state().name().to_string(),
        system.owner.clone().unwrap_or_else(|| "-".to_string()),
        actions_tokens(&factor.actions),
    ]
}

/// What a factor's row shows where a risk's shows its severity.
pub(crate) const FACTOR_MARK: &str = "factor";

/// A factor's current bad minutes, `315.00`, or `35.00 → 0.00` when the
/// plan removes it.
pub(crate) fn factor_minutes_cell(f: &AssessedFactor<'_>) -> String {
    minutes_change(
        Some(f.bad_minutes(ViewName::Current)),
        Some(f.bad_minutes(ViewName::Target)),
    )
}

/// An action's status as a mark a reader tells apart without colour:
/// `✓` done, `◐` in progress, `○` planned, `✗` failed.
pub(crate) fn status_mark(status: crate::register::model::ActionStatus) -> &'static str {
    use crate::register::model::ActionStatus;
    match status {
        ActionStatus::Done => "✓",
        ActionStatus::Failed => "✗",
        ActionStatus::InProgress => "◐",
        ActionStatus::Planned => "○",
    }
}

/// How an action stands on evidence, for a line beside it: `exercised
/// 2026-11-20`, `exercise overdue`, `never exercised`, `failed 2026-10-02`;
/// `true` where it is alarming. `None` for an action neither done nor
/// failed.
pub(crate) fn exercise_note(facts: &crate::exercise::ActionFacts<'_>) -> Option<(String, bool)> {
    use crate::exercise::Exercise;
    if let Some(failed) = facts.failed {
        return Some((format!("failed {}", failed.on), true));
    }
    match (facts.exercise?, facts.exercised) {
        (Exercise::InTime, Some(last)) => Some((format!("exercised {last}"), false)),
        (Exercise::Overdue, _) => Some(("exercise overdue".to_string(), true)),
        _ => Some(("never exercised".to_string(), false)),
    }
}

/// `traffic-spike` where the register has one system, else
/// `checkout/traffic-spike`.
pub(crate) fn risk_name(risk: &crate::register::model::Risk, one_system: bool) -> String {
    if one_system {
        risk.id.value.clone()
    } else {
        risk.name()
    }
}

/// `mitigated`, or `mitigated, no evidence` when only done actions that
/// show nothing of what they changed make it so.
pub(crate) fn state_cell(r: &AssessedRisk<'_>) -> String {
    if r.mitigation_unevidenced() {
        format!("{}, no evidence", r.state.name())
    } else {
        r.state.name().to_string()
    }
}

/// `2`, `2 + 1 near-miss`, `1 near-miss`, or `-`: incidents and
/// near-misses of the last 365 days.
pub(crate) fn incidents_cell(history: &History) -> String {
    match (history.incidents, history.near_misses) {
        (0, 0) => "-".to_string(),
        (n, 0) => n.to_string(),
        (0, m) => plural(m, "near-miss"),
        (n, m) => format!("{n} + {}", plural(m, "near-miss")),
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
    minutes_change(score.current.bad_minutes, score.target.bad_minutes)
}

/// `91.31`, or `91.31 → 12.00` when the two differ as written; `-` for unknown.
fn minutes_change(now: Option<f64>, then: Option<f64>) -> String {
    let text = |m: Option<f64>| m.map_or("-".to_string(), minutes_text);
    if text(now) == text(then) {
        text(now)
    } else {
        format!("{} → {}", text(now), text(then))
    }
}

/// The current share of the error budget, `17.4%`, `22.0% nearly too big`,
/// `31.0% too big`, `31.0% waived` while a waiver of `too-big` holds (the
/// waiver's own line says until when and by whom), or `-`.
pub(crate) fn share_cell(r: &AssessedRisk<'_>) -> String {
    match (r.score.current.budget_share, r.size) {
        (Some(share), Some(Size::TooBig)) if r.too_big_waived().is_some() => {
            format!("{} waived", percent_text(share))
        }
        (share, size) => size_cell(share, size),
    }
}

/// A share of the error budget and how it compares with the single-risk
/// threshold, as [`share_cell`] writes it.
pub(crate) fn size_cell(share: Option<f64>, size: Option<Size>) -> String {
    let (Some(share), Some(size)) = (share, size) else {
        return "-".to_string();
    };
    match size {
        Size::Fits => percent_text(share),
        Size::Near => format!("{} nearly too big", percent_text(share)),
        Size::TooBig => format!("{} too big", percent_text(share)),
    }
}

/// `2 (15m)` for a duration, `3 (medium)` for a word, `-` when unknown.
pub(crate) fn time_cell(estimate: Option<TimeEstimate>) -> String {
    match estimate {
        None => "-".to_string(),
        Some(t) => match t.duration() {
            Some(d) => format!("{} ({})", t.level, format_duration(d)),
            None => format!("{} ({})", t.level, Scale::Time.word(t.level)),
        },
    }
}

/// One `K:status` token per action, `P` prevent, `D` detect, `R` respond.
pub(crate) fn actions_cell(r: &AssessedRisk<'_>) -> String {
    actions_tokens(&r.risk.actions)
}

/// `P:planned D:done`, or `none`: a risk's or a factor's actions.
fn actions_tokens(actions: &[crate::register::model::Action]) -> String {
    if actions.is_empty() {
        return "none".to_string();
    }
    let mut sorted: Vec<_> = actions.iter().collect();
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

/// `12 risks: 1 critical, 4 high, 5 medium, 2 low; 3 open`, or, when
/// filters leave some out, `3 of 12 risks shown: 3 high; 1 open`.
pub(crate) fn rank_summary(report: &RankReport<'_>) -> String {
    let open = report
        .rows()
        .filter(|(_, r)| r.state == State::Open)
        .count();
    let bands: Vec<String> = report
        .analysis
        .matrix
        .tally(report.rows().map(|(_, r)| r.score.current.band))
        .into_iter()
        .filter(|&(_, n)| n > 0)
        .map(|(b, n)| format!("{n} {b}"))
        .collect();
    let total = report.analysis.risks.len();
    let shown = report.ranked.len();
    let count = if shown < total {
        format!("{shown} of {} shown", plural(total, "risk"))
    } else {
        plural(shown, "risk")
    };
    let factors = match report.factors.len() {
        0 => String::new(),
        n => format!("; {}", plural(n, "systemic factor")),
    };
    let skipped = skipped_note(report.sources);
    if shown == 0 {
        // Filters can leave only factors to show.
        return format!("{count}{factors}{skipped}");
    }
    format!(
        "{count}: {}; {open} open{factors}{skipped}",
        bands.join(", ")
    )
}

/// `; 3 other TOML files skipped` when a folder held TOML files that are
/// not registers, so the reader knows they were seen and passed over.
pub(crate) fn skipped_note(sources: &Sources) -> String {
    match sources.skipped() {
        0 => String::new(),
        n => format!("; {} skipped", crate::register::other_toml(n)),
    }
}

/// `1 error, 3 warnings, 1 note, 2 waived in 11 risks; policy: risks/opx.toml`
/// (notes and waivers only when there are some).
pub(crate) fn check_summary(report: &CheckReport<'_>) -> String {
    let tally = Tally::of(report.findings);
    let notes = match tally.notes {
        0 => String::new(),
        n => format!(", {}", plural(n, "note")),
    };
    let waived = match report.waived.len() {
        0 => String::new(),
        n => format!(", {n} waived"),
    };
    format!(
        "{}, {}{notes}{waived} in {}; policy: {}{}",
        plural(tally.errors, "error"),
        plural(tally.warnings, "warning"),
        plural(report.register.risks.len(), "risk"),
        report.policy.describe(),
        skipped_note(report.sources),
    )
}

/// Text with its style on a colour terminal, and plain otherwise.
pub(crate) fn paint(text: &str, style: anstyle::Style, colour: bool) -> String {
    if colour && !text.is_empty() {
        format!("{style}{text}{style:#}")
    } else {
        text.to_string()
    }
}

/// Where each finding points, in order: a path, and a line and column
/// when its file can be read. Findings come sorted by file, so each file
/// is read at most once.
pub(crate) fn places(report: &CheckReport<'_>) -> Vec<Option<Place>> {
    places_of(report.sources, report.findings)
}

/// Where each of `findings` points.
pub(crate) fn places_of(sources: &Sources, findings: &[Diagnostic]) -> Vec<Option<Place>> {
    let mut locator = Locator::new(sources);
    findings.iter().map(|d| place(&mut locator, d)).collect()
}

/// Where each waived finding points, and where its waiver is written.
pub(crate) fn waived_places(report: &CheckReport<'_>) -> Vec<(Option<Place>, Place)> {
    waived_places_of(report.sources, report.waived)
}

/// Where each of `waived` points, and where its waiver is written.
pub(crate) fn waived_places_of(
    sources: &Sources,
    waived: &[crate::check::Waived],
) -> Vec<(Option<Place>, Place)> {
    let mut locator = Locator::new(sources);
    waived
        .iter()
        .map(|w| {
            let finding = place(&mut locator, &w.finding);
            (finding, locator.place(w.waiver.span))
        })
        .collect()
}

fn place(locator: &mut Locator<'_>, d: &Diagnostic) -> Option<Place> {
    match &d.location {
        Location::Span(label) => Some(locator.place(label.span)),
        Location::Path(path) => Some(Place {
            file: path.clone(),
            start: None,
            end: None,
        }),
        Location::None => None,
    }
}
