//! `opx trend`: how a register's risk moved over its git history.
//!
//! Each commit that changed the register (or each tagged one) is loaded
//! and assessed on the day it was made, by today's policy, so one policy
//! (and one risk matrix) judges every point and only the register changes
//! between them. A
//! commit whose register does not load is a point of its own, with its
//! first problem, neither skipped nor fatal.

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;

use crate::analysis::Analysis;
use crate::band::{Band, RiskMatrix};
use crate::policy::Policy;
use crate::register::{self, git::Commits, git::History};
use crate::score::{State, ViewName};
use crate::source::Locator;

/// One system at one point: what its risks expect against its budget.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SystemPoint {
    /// Expected bad minutes a year, current view.
    pub bad_minutes: f64,
    /// Its yearly error budget, if it has an availability SLO.
    pub budget: Option<f64>,
}

impl SystemPoint {
    /// The bad minutes as a share of the budget (1 = all of it).
    pub fn share(&self) -> Option<f64> {
        self.budget
            .map(|b| crate::budget::share(self.bad_minutes, b))
    }
}

/// The register at one commit, summed up.
#[derive(Debug, Clone, PartialEq)]
pub struct Tally {
    pub risks: usize,
    /// Risks per band of the policy's matrix, current view, by place
    /// (lowest first).
    pub bands: Vec<usize>,
    /// Open risks the gate fails as `unmitigated`: impact at `fail_impact`
    /// or more, or a band at `fail_band` or above where the policy sets one.
    pub open_high_impact: usize,
    /// Acceptances that held on the commit's day.
    pub accepted: usize,
    pub systems: BTreeMap<String, SystemPoint>,
}

impl Tally {
    /// How many risks are in `band`, current view.
    pub fn in_band(&self, band: Band) -> usize {
        self.bands[band.rank()]
    }
}

/// One point of the trend.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    pub commit: String,
    pub date: Date,
    /// The commit's subject, or its tags.
    pub label: String,
    /// The tally, or the first problem that stopped the register loading.
    pub tally: Result<Tally, String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Trend {
    /// Oldest first.
    pub points: Vec<Point>,
    /// The policy's matrix, which bands every point.
    pub matrix: RiskMatrix,
    /// Every system that appears at some point, by id.
    pub systems: Vec<String>,
    /// Which commits were asked for.
    pub commits: Commits,
    /// Read from a shallow clone: the history may start later than the
    /// register did.
    pub shallow: bool,
}

impl Trend {
    /// The first and last points whose register loaded.
    pub fn ends(&self) -> Option<(&Point, &Tally, &Point, &Tally)> {
        let loaded = || {
            self.points
                .iter()
                .filter_map(|p| Some((p, p.tally.as_ref().ok()?)))
        };
        let (first, a) = loaded().next()?;
        let (last, b) = loaded().next_back()?;
        Some((first, a, last, b))
    }
}

/// The trend of `history`, the `commits` asked for, each point judged by
/// `policy`.
pub fn trend(history: History, commits: &Commits, policy: &Policy) -> Trend {
    let mut systems = BTreeSet::new();
    let points = history
        .snapshots
        .into_iter()
        .map(|snapshot| {
            let tally = tally(snapshot.register, snapshot.date, policy);
            if let Ok(tally) = &tally {
                systems.extend(tally.systems.keys().cloned());
            }
            Point {
                commit: snapshot.commit,
                date: snapshot.date,
                label: snapshot.label,
                tally,
            }
        })
        .collect();
    Trend {
        matrix: policy.matrix.clone(),
        points,
        systems: systems.into_iter().collect(),
        commits: commits.clone(),
        shallow: history.shallow,
    }
}

fn tally(revision: register::git::Revision, day: Date, policy: &Policy) -> Result<Tally, String> {
    // Before the register was written, or after it was removed, there is
    // nothing to count: not a register with no risks.
    if revision.files.is_empty() && revision.problems.is_empty() {
        return Err("no register file at this commit".to_string());
    }
    let loaded = register::load_contents(revision.files, revision.problems);
    if loaded.failed() {
        let first = loaded
            .diagnostics
            .iter()
            .find(|d| d.severity == crate::diag::Severity::Error);
        let mut locator = Locator::new(&loaded.sources);
        return Err(first.map_or_else(
            || "it does not load".to_string(),
            |d| match d.span() {
                Some(span) => format!("{}: {}", locator.place(span).text(), d.message),
                None => d.message.clone(),
            },
        ));
    }
    let analysis = Analysis::new(&loaded.register, day, policy);
    let mut bands = vec![0; policy.matrix.bands().len()];
    let mut open_high_impact = 0;
    let mut accepted = 0;
    for r in &analysis.risks {
        let current = &r.score.current;
        bands[current.band.rank()] += 1;
        open_high_impact += usize::from(r.unmitigated);
        accepted += usize::from(r.state == State::Accepted);
    }
    let systems = analysis
        .systems
        .iter()
        .map(|s| {
            (
                s.system.id.clone(),
                SystemPoint {
                    bad_minutes: analysis.bad_minutes(s, ViewName::Current),
                    budget: s.budget.as_ref().map(|b| b.budget),
                },
            )
        })
        .collect();
    Ok(Tally {
        risks: analysis.risks.len(),
        bands,
        open_high_impact,
        accepted,
        systems,
    })
}

/// `9 high or critical`, for the summary line: the risks in the serious
/// bands (see [`Band::is_serious`]).
pub fn high_or_worse(trend: &Trend, tally: &Tally) -> usize {
    trend
        .matrix
        .bands()
        .iter()
        .filter(|b| b.is_serious())
        .map(|&b| tally.in_band(b))
        .sum()
}
