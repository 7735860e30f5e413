//! `opx plan`: the plan, as a team lead communicates it.
//!
//! - **Now**: the open actions of the risks that need them first (in the
//!   matrix's two highest bands, critical or high by default, failing the
//!   gate as unmitigated, too big for the error budget, or on a system over
//!   its budget), grouped by the week they are due, overdue ones marked;
//! - **Later**: every other open action;
//! - **Accepted risks**: the trade-offs, with who accepted them, why, until
//!   when, and the bad minutes they spend;
//! - **Escalation paths** per system;
//! - **What the plan buys**: per risk and per system, now → after the plan;
//! - **No plan yet**: risks with no action at all and no acceptance that
//!   holds (an accepted risk's plan is its acceptance).

use jiff::civil::Date;

use crate::analysis::Analysis;
use crate::budget::{Size, SystemBudget};
use crate::dates::monday_of;
use crate::register::model::{Acceptance, Action, ActionStatus, Risk, System};
use crate::score::{Score, State};

/// An open action and the risk it serves.
#[derive(Debug, Clone, Copy)]
pub struct Step<'a> {
    pub risk: &'a Risk,
    pub action: &'a Action,
    pub overdue: bool,
}

/// The steps due in one week, or with no due date (`week` is `None`).
#[derive(Debug)]
pub struct Week<'a> {
    /// The Monday the week starts on.
    pub week: Option<Date>,
    pub steps: Vec<Step<'a>>,
}

#[derive(Debug)]
pub struct Accepted<'a> {
    pub risk: &'a Risk,
    pub acceptance: &'a Acceptance,
    pub bad_minutes: Option<f64>,
}

/// What a risk's plan buys: its current and target scores.
#[derive(Debug)]
pub struct Gain<'a> {
    pub risk: &'a Risk,
    pub score: Score,
}

#[derive(Debug)]
pub struct Plan<'a> {
    pub today: Date,
    /// The bands whose risks come first, highest first: `critical` and `high`.
    pub urgent_bands: Vec<&'static str>,
    pub now: Vec<Week<'a>>,
    pub later: Vec<Week<'a>>,
    pub accepted: Vec<Accepted<'a>>,
    pub systems: Vec<&'a System>,
    pub gains: Vec<Gain<'a>>,
    /// Each system with an error budget, and its budget.
    pub budgets: Vec<(&'a System, SystemBudget)>,
    pub no_plan: Vec<&'a Risk>,
}

/// Builds the plan; risks appear in rank order.
pub fn plan<'a>(analysis: &'a Analysis<'a>) -> Plan<'a> {
    let today = analysis.today;
    let ranked: Vec<_> = analysis
        .ranked(crate::score::RankBy::Severity)
        .into_iter()
        .map(|i| &analysis.risks[i])
        .collect();
    let (mut now, mut later) = (Vec::new(), Vec::new());
    for r in &ranked {
        let over_budget = analysis
            .system_of(r)
            .budget
            .as_ref()
            .is_some_and(SystemBudget::exceeded);
        let urgent = r.score.current.band.is_serious()
            || r.unmitigated
            || r.size == Some(Size::TooBig)
            || over_budget;
        for action in r
            .risk
            .actions
            .iter()
            .filter(|a| a.status != ActionStatus::Done)
        {
            let step = Step {
                risk: r.risk,
                action,
                overdue: action.due.is_some_and(|d| d.value < today),
            };
            if urgent { &mut now } else { &mut later }.push(step);
        }
    }
    Plan {
        today,
        urgent_bands: analysis.matrix.serious().into_iter().rev().collect(),
        now: by_week(now),
        later: by_week(later),
        accepted: ranked
            .iter()
            .filter(|r| r.state == State::Accepted)
            .filter_map(|r| {
                Some(Accepted {
                    risk: r.risk,
                    acceptance: r.risk.accepted.as_ref()?,
                    bad_minutes: r.score.current.bad_minutes,
                })
            })
            .collect(),
        systems: analysis.register.systems.iter().collect(),
        gains: ranked
            .iter()
            .filter(|r| {
                r.risk
                    .actions
                    .iter()
                    .any(|a| a.status != ActionStatus::Done)
            })
            .map(|r| Gain {
                risk: r.risk,
                score: r.score,
            })
            .collect(),
        budgets: analysis
            .systems
            .iter()
            .filter_map(|s| Some((s.system, s.budget.clone()?)))
            .collect(),
        no_plan: ranked
            .iter()
            .filter(|r| r.risk.actions.is_empty() && r.state != State::Accepted)
            .map(|r| r.risk)
            .collect(),
    }
}

/// Groups steps by the Monday of their due week, earliest first, then the
/// steps without a due date; within a week by due date, keeping rank order.
fn by_week(mut steps: Vec<Step<'_>>) -> Vec<Week<'_>> {
    let due = |s: &Step<'_>| s.action.due.as_ref().map(|d| d.value);
    // A stable sort keeps the rank order among steps due the same day.
    steps.sort_by_key(|s| (due(s).is_none(), due(s)));
    let mut weeks: Vec<Week<'_>> = Vec::new();
    for step in steps {
        let week = due(&step).map(monday_of);
        match weeks.last_mut() {
            Some(last) if last.week == week => last.steps.push(step),
            _ => weeks.push(Week {
                week,
                steps: vec![step],
            }),
        }
    }
    weeks
}
