//! `opx trend` for a terminal, as Markdown, JSON and CSV: a row per commit,
//! oldest first, and a line that says where it went.

use std::collections::BTreeMap;
use std::io::{self, Write};

use schemars::JsonSchema;
use serde::Serialize;

use super::doc::Doc;
use super::rank_csv::{guard, io_error};
use super::{json, round};
use crate::budget::percent_text;
use crate::diag::plural;
use crate::trend::{Point, Tally, Trend, high_or_worse};

pub const VERSION: u32 = 1;

/// `From 2026-01-05 to 2026-11-27, 12 commits: high or critical 9 → 7, ...`,
/// and, from a shallow clone, that its history stops short.
pub(crate) fn summary(trend: &Trend) -> String {
    let points = points_summary(trend);
    if trend.shallow {
        format!(
            "{points} This is a shallow clone: commits before its first are not in it (`git fetch --unshallow` reads them)."
        )
    } else {
        points
    }
}

fn points_summary(trend: &Trend) -> String {
    let (noun, within) = (trend.commits.noun(), trend.commits.within());
    let (Some((_, a, _, b)), Some(first), Some(last)) =
        (trend.ends(), trend.points.first(), trend.points.last())
    else {
        return match trend.points.len() {
            0 if trend.commits.tags => format!("No tagged commit{within}."),
            // `--today` may fall before every commit: say which days were read.
            0 => {
                let until = trend.commits.until.map(|d| format!(" up to {d}"));
                format!(
                    "No commit{within}{} changed the register.",
                    until.unwrap_or_default()
                )
            }
            n => format!(
                "{}{within}, and the register loads at none of them.",
                plural(n, noun)
            ),
        };
    };
    let mut parts = vec![
        format!(
            "{} {} → {}",
            trend.matrix.serious_words(),
            high_or_worse(trend, a),
            high_or_worse(trend, b)
        ),
        format!(
            "open high-impact {} → {}",
            a.open_high_impact, b.open_high_impact
        ),
        format!("accepted {} → {}", a.accepted, b.accepted),
    ];
    for (id, now) in &b.systems {
        let then = a.systems.get(id).and_then(|s| s.share());
        if let Some(now) = now.share() {
            let then = then.map_or("-".to_string(), percent_text);
            parts.push(format!("{id} budget {then} → {}", percent_text(now)));
        }
    }
    let unloaded = match trend.points.iter().filter(|p| p.tally.is_err()).count() {
        0 => String::new(),
        1 => " (1 does not load)".to_string(),
        n => format!(" ({n} do not load)"),
    };
    format!(
        "From {} to {}, {}{within}{unloaded}: {}.",
        first.date,
        last.date,
        plural(trend.points.len(), noun),
        parts.join(", ")
    )
}

/// The bands, highest first, as columns are ordered.
fn highest_first(trend: &Trend) -> impl Iterator<Item = crate::band::Band> + '_ {
    trend.matrix.bands().iter().rev().copied()
}

/// `checkout 91.7%, search 12.0%`: each system's share of its budget.
fn budget_cell(trend: &Trend, tally: &Tally) -> String {
    trend
        .systems
        .iter()
        .filter_map(|id| {
            let share = tally.systems.get(id)?.share()?;
            Some(if trend.systems.len() == 1 {
                percent_text(share)
            } else {
                format!("{id} {}", percent_text(share))
            })
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn row(trend: &Trend, point: &Point) -> Vec<String> {
    let mut cells = vec![point.date.to_string(), point.commit.clone()];
    match &point.tally {
        Ok(t) => {
            cells.push(t.risks.to_string());
            cells.extend(highest_first(trend).map(|b| t.in_band(b).to_string()));
            cells.extend([
                t.open_high_impact.to_string(),
                t.accepted.to_string(),
                match budget_cell(trend, t) {
                    cell if cell.is_empty() => "-".to_string(),
                    cell => cell,
                },
                point.label.clone(),
                String::new(),
            ]);
        }
        Err(problem) => {
            let columns = 4 + trend.matrix.bands().len();
            cells.extend(std::iter::repeat_n("-".to_string(), columns));
            cells.push(point.label.clone());
            cells.push(format!("does not load: {problem}"));
        }
    }
    cells
}

pub fn doc(trend: &Trend) -> Doc {
    let mut doc = Doc::default();
    doc.heading(1, "Risk trend");
    doc.text(summary(trend));
    if !trend.points.is_empty() {
        let mut header = vec!["date", "commit", "risks"];
        header.extend(highest_first(trend).map(|b| b.name()));
        header.extend([
            "open high-impact",
            "accepted",
            "budget used",
            "change",
            "problem",
        ]);
        doc.table(
            header,
            // The budget's cell names systems: ids, never cut.
            &["change", "problem"],
            trend.points.iter().map(|p| row(trend, p)).collect(),
        );
        // A narrow terminal loses the commit's hash before it shortens the
        // budget or the change (the date and the change say which commit
        // it was), then the change, then the lowest bands.
        doc.yields(&["commit"]);
        let mut optional = vec!["change"];
        optional.extend(trend.matrix.names().take(2));
        doc.optional(&optional);
        // A commit that does not load says why, under its row.
        doc.detail("problem");
    }
    doc
}

/// `opx trend --format json`, version 1.
#[derive(Serialize, JsonSchema)]
#[schemars(title = "opx trend --format json, version 1", deny_unknown_fields)]
pub struct Document<'a> {
    #[schemars(extend("const" = 1))]
    version: u32,
    /// The trend, in words.
    summary: String,
    /// Read from a shallow clone: the history may start later than the
    /// register did.
    shallow: bool,
    /// Every system that appears at some point, by id.
    systems: &'a [String],
    /// One per commit, oldest first.
    points: Vec<PointOut<'a>>,
}

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct PointOut<'a> {
    commit: &'a str,
    #[schemars(extend("format" = "date"))]
    date: String,
    /// The commit's subject, or its tags.
    label: &'a str,
    loaded: bool,
    /// What stopped the register loading at this commit.
    problem: Option<&'a str>,
    /// Null when the register did not load.
    tally: Option<TallyOut<'a>>,
}

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct TallyOut<'a> {
    risks: usize,
    /// Risks per band of the policy's matrix, current view.
    bands: BTreeMap<&'static str, usize>,
    open_high_impact: usize,
    /// Acceptances that held on the commit's day.
    accepted: usize,
    systems: Vec<SystemOut<'a>>,
}

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct SystemOut<'a> {
    system: &'a str,
    bad_minutes: f64,
    budget_minutes: Option<f64>,
    budget_share: Option<f64>,
}

impl<'a> Document<'a> {
    pub fn of(trend: &'a Trend) -> Self {
        let tally = |tally: &'a Tally| TallyOut {
            risks: tally.risks,
            bands: highest_first(trend)
                .map(|b| (b.name(), tally.in_band(b)))
                .collect(),
            open_high_impact: tally.open_high_impact,
            accepted: tally.accepted,
            systems: trend
                .systems
                .iter()
                .filter_map(|id| {
                    let s = tally.systems.get(id)?;
                    Some(SystemOut {
                        system: id,
                        bad_minutes: round(s.bad_minutes),
                        budget_minutes: s.budget.map(round),
                        budget_share: s.share().map(round),
                    })
                })
                .collect(),
        };
        Document {
            version: VERSION,
            summary: summary(trend),
            shallow: trend.shallow,
            systems: &trend.systems,
            points: trend
                .points
                .iter()
                .map(|p| PointOut {
                    commit: &p.commit,
                    date: p.date.to_string(),
                    label: &p.label,
                    loaded: p.tally.is_ok(),
                    problem: p.tally.as_ref().err().map(String::as_str),
                    tally: p.tally.as_ref().ok().map(tally),
                })
                .collect(),
        }
    }
}

pub fn json(trend: &Trend, out: &mut dyn Write) -> io::Result<()> {
    json::write(out, &Document::of(trend))
}

/// One row per commit; each system's bad minutes and budget share in a
/// column of its own.
pub fn csv(trend: &Trend, out: &mut dyn Write) -> io::Result<()> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    let mut header: Vec<String> = ["date", "commit", "label", "loaded", "problem", "risks"]
        .map(String::from)
        .to_vec();
    header.extend(highest_first(trend).map(|b| b.name().to_string()));
    header.extend(["open_high_impact", "accepted"].map(String::from));
    for id in &trend.systems {
        header.push(format!("bad_minutes:{id}"));
        header.push(format!("budget_share_percent:{id}"));
    }
    writer.write_record(&header).map_err(io_error)?;
    for p in &trend.points {
        let mut record = vec![
            p.date.to_string(),
            p.commit.clone(),
            guard(&p.label).into_owned(),
            p.tally.is_ok().to_string(),
            guard(p.tally.as_ref().err().map_or("", String::as_str)).into_owned(),
        ];
        match &p.tally {
            Ok(t) => {
                record.push(t.risks.to_string());
                record.extend(highest_first(trend).map(|b| t.in_band(b).to_string()));
                record.extend([t.open_high_impact, t.accepted].map(|n| n.to_string()));
                for id in &trend.systems {
                    let s = t.systems.get(id);
                    record.push(s.map_or(String::new(), |s| format!("{}", round(s.bad_minutes))));
                    record.push(
                        s.and_then(|s| s.share())
                            .map_or(String::new(), |share| format!("{}", round(share * 100.0))),
                    );
                }
            }
            Err(_) => record.extend(std::iter::repeat_n(
                String::new(),
                3 + trend.matrix.bands().len() + 2 * trend.systems.len(),
            )),
        }
        writer.write_record(&record).map_err(io_error)?;
    }
    writer.flush()
}
