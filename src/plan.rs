//! `opx plan`: the plan, as a team lead communicates it.
//!
//! - **Now**: the open actions of the risks that need them first (in the
//!   matrix's two highest bands, critical or high by default, failing the
//!   gate as unmitigated, too big for the error budget, or on a system over
//!   its budget), and of the systemic factors too big or on a system over
//!   its budget, grouped by the week they are due, overdue ones marked;
//! - **Later**: every other open action;
//! - **Drills to schedule**: the done actions of risks in the two highest
//!   bands to be shown to work again (their exercise is overdue), or for
//!   the first time (detect and respond actions never exercised), most
//!   overdue first;
//! - **Accepted risks**: the trade-offs, with who accepted them, why, until
//!   when, and the bad minutes they spend;
//! - **Escalation paths** per system;
//! - **What the plan buys**: per risk, per factor and per system, now →
//!   after the plan;
//! - **No plan yet**: risks with no action at all (or only failed ones) and no acceptance that
//!   holds (an accepted risk's plan is its acceptance), and factors with no
//!   action.

use jiff::civil::Date;

use crate::analysis::{Analysis, AssessedFactor};
use crate::budget::{self, Size, SystemBudget};
use crate::dates::monday_of;
use crate::exercise::ActionFacts;
use crate::register::model::{Acceptance, Action, ActionStatus, Factor, Risk, System};
use crate::score::{Score, State, ViewName};

/// An open action and the risk or systemic factor it serves.
#[derive(Debug, Clone, Copy)]
pub struct Step<'a> {
    pub serves: Serves<'a>,
    pub action: &'a Action,
    pub overdue: bool,
}

/// What an action is for: a risk, or a systemic factor it removes.
#[derive(Debug, Clone, Copy)]
pub enum Serves<'a> {
    Risk(&'a Risk),
    Factor {
        system: &'a System,
        factor: &'a Factor,
    },
}

impl<'a> Serves<'a> {
    pub fn system(&self) -> &'a str {
        match self {
            Serves::Risk(risk) => &risk.system,
            Serves::Factor { system, .. } => &system.id,
        }
    }

    pub fn id(&self) -> &'a str {
        match self {
            Serves::Risk(risk) => &risk.id.value,
            Serves::Factor { factor, .. } => &factor.id.value,
        }
    }

    pub fn title(&self) -> &'a str {
        match self {
            Serves::Risk(risk) => &risk.title,
            Serves::Factor { factor, .. } => &factor.title,
        }
    }

    /// Who answers for it: the risk's owner, or the factor's system's.
    pub fn owner(&self) -> Option<&'a str> {
        match self {
            Serves::Risk(risk) => risk.owner.as_deref(),
            Serves::Factor { system, .. } => system.owner.as_deref(),
        }
    }

    /// `traffic-spike`, or `operational-overload (factor)`, with its
    /// system in front where the plan covers several.
    pub fn name(&self, one_system: bool) -> String {
        let id = if one_system {
            self.id().to_string()
        } else {
            format!("{}/{}", self.system(), self.id())
        };
        match self {
            Serves::Risk(_) => id,
            Serves::Factor { .. } => format!("{id} (factor)"),
        }
    }
}

/// A done action to exercise: a drill, a restore test, a game day.
#[derive(Debug)]
pub struct Drill<'a> {
    pub risk: &'a Risk,
    pub action: &'a Action,
    pub facts: ActionFacts<'a>,
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

/// What removing a systemic factor buys: its bad minutes now and after
/// the plan, and their shares of its system's error budget.
#[derive(Debug)]
pub struct FactorGain<'a> {
    pub serves: Serves<'a>,
    pub bad_minutes: (f64, f64),
    pub budget_share: Option<(f64, f64)>,
}

#[derive(Debug)]
pub struct Plan<'a> {
    pub today: Date,
    /// The bands whose risks come first, highest first: `critical` and `high`.
    pub urgent_bands: Vec<&'static str>,
    pub now: Vec<Week<'a>>,
    pub later: Vec<Week<'a>>,
    pub drills: Vec<Drill<'a>>,
    pub accepted: Vec<Accepted<'a>>,
    pub systems: Vec<&'a System>,
    pub gains: Vec<Gain<'a>>,
    /// The systemic factors with open actions, most bad minutes first.
    pub factor_gains: Vec<FactorGain<'a>>,
    /// Each system with an error budget, and its budget.
    pub budgets: Vec<(&'a System, SystemBudget)>,
    /// Risks, then factors, with no action at all.
    pub no_plan: Vec<Serves<'a>>,
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
        for (action, facts) in r.actions().filter(|(a, _)| a.is_open()) {
            let step = Step {
                serves: Serves::Risk(r.risk),
                action,
                overdue: facts.overdue,
            };
            if urgent { &mut now } else { &mut later }.push(step);
        }
    }
    let factors: Vec<_> = analysis
        .ranked_factors(0..analysis.factors.len())
        .into_iter()
        .map(|i| &analysis.factors[i])
        .collect();
    let serves = |f: &AssessedFactor<'a>| Serves::Factor {
        system: analysis.systems[f.system].system,
        factor: f.factor,
    };
    for f in &factors {
        let budget = analysis.systems[f.system].budget.as_ref();
        // A factor comes first when it is too big, or its system is over budget.
        let urgent = f.size == Some(Size::TooBig) || budget.is_some_and(SystemBudget::exceeded);
        for action in f
            .factor
            .actions
            .iter()
            .filter(|a| a.status != ActionStatus::Done)
        {
            let step = Step {
                serves: serves(f),
                action,
                overdue: crate::exercise::overdue(action, today),
            };
            if urgent { &mut now } else { &mut later }.push(step);
        }
    }
    let mut drills: Vec<Drill<'a>> = ranked
        .iter()
        .flat_map(|r| {
            r.drills().map(|(action, facts)| Drill {
                risk: r.risk,
                action,
                facts: *facts,
            })
        })
        .collect();
    // Never exercised first, then the longest overdue; rank order after.
    drills.sort_by_key(|d| d.facts.due);
    Plan {
        today,
        urgent_bands: analysis.matrix.serious().into_iter().rev().collect(),
        now: by_week(now),
        later: by_week(later),
        drills,
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
            .filter(|r| r.risk.actions.iter().any(Action::is_open))
            .map(|r| Gain {
                risk: r.risk,
                score: r.score,
            })
            .collect(),
        factor_gains: factors
            .iter()
            .filter(|f| {
                f.factor
                    .actions
                    .iter()
                    .any(|a| a.status != ActionStatus::Done)
            })
            .map(|f| {
                let minutes = (
                    f.bad_minutes(ViewName::Current),
                    f.bad_minutes(ViewName::Target),
                );
                FactorGain {
                    serves: serves(f),
                    bad_minutes: minutes,
                    budget_share: analysis.systems[f.system].budget.as_ref().map(|b| {
                        (
                            budget::share(minutes.0, b.budget),
                            budget::share(minutes.1, b.budget),
                        )
                    }),
                }
            })
            .collect(),
        budgets: analysis
            .systems
            .iter()
            .filter_map(|s| Some((s.system, s.budget.clone()?)))
            .collect(),
        no_plan: ranked
            .iter()
            .filter(|r| r.no_plan())
            .map(|r| Serves::Risk(r.risk))
            .chain(
                factors
                    .iter()
                    .filter(|f| f.factor.actions.is_empty())
                    .map(|f| serves(f)),
            )
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
