//! `opx plan`: the plan, as a team lead communicates it.
//!
//! - **Now**: the open actions of the risks that need them first (critical
//!   or high, too big for the error budget, or on a system over its
//!   budget), grouped by the week they are due, overdue ones marked;
//! - **Later**: every other open action;
//! - **Accepted risks**: the trade-offs, with who accepted them, why, until
//!   when, and the bad minutes they spend;
//! - **Escalation paths** per system;
//! - **What the plan buys**: per risk and per system, now → after the plan;
//! - **No plan yet**: risks with no action at all.

use jiff::civil::Date;

use crate::budget::{self, SystemBudget};
use crate::register::model::{Acceptance, Action, ActionStatus, Register, Risk, System};
use crate::scale::Band;
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
    pub now: Vec<Week<'a>>,
    pub later: Vec<Week<'a>>,
    pub accepted: Vec<Accepted<'a>>,
    pub systems: Vec<&'a System>,
    pub gains: Vec<Gain<'a>>,
    pub budgets: Vec<SystemBudget>,
    pub no_plan: Vec<&'a Risk>,
}

/// Builds the plan. `scored` is every risk with its score, in rank order.
pub fn plan<'a>(
    register: &'a Register,
    scored: &[(&'a Risk, Score)],
    single_risk_share: f64,
    today: Date,
) -> Plan<'a> {
    let budgets = budget::system_budgets(register, scored.iter().map(|(r, s)| (*r, s)));
    let over_budget = |system: &str| budgets.iter().any(|b| b.system == system && b.exceeded());
    let urgent = |risk: &Risk, score: &Score| {
        score.current.band >= Band::High
            || score.current.too_big(single_risk_share)
            || over_budget(&risk.system)
    };
    let (mut now, mut later) = (Vec::new(), Vec::new());
    for (risk, score) in scored {
        for action in risk
            .actions
            .iter()
            .filter(|a| a.status != ActionStatus::Done)
        {
            let step = Step {
                risk,
                action,
                overdue: action.due.as_ref().is_some_and(|d| d.value < today),
            };
            if urgent(risk, score) {
                &mut now
            } else {
                &mut later
            }
            .push(step);
        }
    }
    Plan {
        today,
        now: by_week(now),
        later: by_week(later),
        accepted: scored
            .iter()
            .filter(|(_, s)| s.state == State::Accepted)
            .filter_map(|(r, s)| {
                Some(Accepted {
                    risk: r,
                    acceptance: r.accepted.as_ref()?,
                    bad_minutes: s.current.bad_minutes,
                })
            })
            .collect(),
        systems: register.systems.iter().collect(),
        gains: scored
            .iter()
            .filter(|(r, _)| r.actions.iter().any(|a| a.status != ActionStatus::Done))
            .map(|(r, s)| Gain { risk: r, score: *s })
            .collect(),
        budgets,
        no_plan: scored
            .iter()
            .filter(|(r, _)| r.actions.is_empty())
            .map(|(r, _)| *r)
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

/// The Monday on or before `date`.
pub fn monday_of(date: Date) -> Date {
    let back = i64::from(date.weekday().to_monday_zero_offset());
    crate::score::add_days(date, -back)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weeks_start_on_monday() {
        let d = |t: &str| t.parse::<Date>().unwrap();
        assert_eq!(monday_of(d("2026-12-07")), d("2026-12-07"));
        assert_eq!(monday_of(d("2026-12-13")), d("2026-12-07"));
        assert_eq!(monday_of(d("2026-12-15")), d("2026-12-14"));
        assert_eq!(monday_of(d("2027-01-01")), d("2026-12-28"));
    }
}
