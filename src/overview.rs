//! Everything `opx report` puts on one page, gathered once from what the
//! other commands compute (the assessment, the three risk matrices, the
//! plan, the gate, the incidents, the trend), plus the error-budget stack
//! rank the page adds: each risk's (and systemic factor's) bad minutes
//! against the budget of its own SLO and of the usual targets, judged the
//! way the gate judges a risk's size, and the summary the page opens with
//! (the gate's verdict, the systems over budget, the worst risks and the
//! exceptions that end soonest). The renderer only formats what is here.

use jiff::civil::Date;

use crate::analysis::{Analysis, AssessedFactor, AssessedRisk};
use crate::assess::SystemAssessment;
use crate::budget::{self, Size};
use crate::check::Checked;
use crate::exception::{Exception, Standing};
use crate::history::Contradiction;
use crate::matrix::Matrix;
use crate::plan::Plan;
use crate::policy::Policy;
use crate::register::model::{Action, ActionStatus, Incident, Risk, Waiver};
use crate::score::{RankBy, State, ViewName};
use crate::source::Sources;
use crate::trend::Trend;
use crate::units::Percent;
use crate::years::Years;

/// The availability targets every stack rank is read against, beside the
/// system's own: how a risk would fare under a stricter or looser SLO.
pub const SLO_TARGETS: [f64; 4] = [99.5, 99.9, 99.95, 99.99];

/// How a risk's bad minutes sit in one budget, coloured as Google's risk
/// sheet colours them and named as `opx rank` names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fit {
    /// Its size against the single-risk share.
    Sized(Size),
    /// Accepted: spent on purpose, whatever its size.
    Accepted,
    /// Too big, and a waiver of `too-big` that holds sets it aside.
    Waived,
}

impl Fit {
    fn of(size: Size, accepted: bool) -> Fit {
        if accepted {
            Fit::Accepted
        } else {
            Fit::Sized(size)
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Fit::Sized(Size::Fits) => "fits",
            Fit::Sized(Size::Near) => "nearly too big",
            Fit::Sized(Size::TooBig) => "too big",
            Fit::Accepted => "accepted",
            Fit::Waived => "waived",
        }
    }
}

/// One risk against one budget.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Against {
    /// The availability target, in percent.
    pub target: f64,
    /// Its yearly budget, in minutes.
    pub budget: f64,
    pub share: f64,
    pub fit: Fit,
}

/// A row of the stack rank: a risk's (or a systemic factor's) current bad
/// minutes, against its own SLO (if it has one) and each of [`SLO_TARGETS`].
#[derive(Debug)]
pub struct StackRow<'a> {
    /// `checkout/traffic-spike`, or `checkout/on-call-overload (factor)`.
    pub name: String,
    pub title: &'a str,
    /// A systemic factor's row.
    pub factor: bool,
    pub bad_minutes: f64,
    /// Its P50 and P90 in simulated years; a factor has none of its own.
    pub simulated: Option<Years>,
    pub own: Option<Against>,
    /// Its waiver of `too-big` that holds: each budget it is too big
    /// for is set aside.
    pub waiver: Option<&'a Waiver>,
    pub targets: Vec<Against>,
}

/// How many of the page's worst risks and soonest exceptions the summary
/// names.
pub const SUMMARY_ROWS: usize = 5;

/// What the page opens with, beside the gate's findings.
#[derive(Debug, Default)]
pub struct Summary<'a> {
    /// The systems over their error budget, as measured or as expected.
    pub over_budget: Vec<OverBudget<'a>>,
    /// The worst risks, as `opx rank` orders them.
    pub worst: Vec<Worst<'a>>,
    /// Acceptances and waivers that hold, the soonest to end first.
    pub ending: Vec<Ending<'a>>,
}

/// A system over its error budget: what its measures spent, where more
/// than all of it; what its risks are expected to cost, where more.
#[derive(Debug)]
pub struct OverBudget<'a> {
    pub system: &'a str,
    pub spent: Option<f64>,
    pub expected: Option<f64>,
}

/// One of the worst risks, and what is being done about it.
#[derive(Debug)]
pub struct Worst<'a> {
    pub risk: &'a AssessedRisk<'a>,
    /// How many of its actions are done, of how many.
    pub done: usize,
    pub actions: usize,
    /// The open action due first (an undated one after every dated one).
    pub next: Option<&'a Action>,
}

/// An exception to the gate that holds, and when it ends.
#[derive(Debug)]
pub struct Ending<'a> {
    pub risk: &'a Risk,
    pub exception: Exception<'a>,
    /// Whether it ends within the policy's notice.
    pub standing: Standing,
}

/// A system's bad minutes in each view, against its budget.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BudgetBars {
    pub budget: f64,
    pub inherent: f64,
    pub current: f64,
    pub target: f64,
}

pub struct Overview<'a> {
    pub today: Date,
    pub policy: &'a Policy,
    pub analysis: &'a Analysis<'a>,
    /// The register's files, to locate the findings.
    pub sources: &'a Sources,
    pub systems: Vec<SystemAssessment<'a>>,
    /// Every risk, worst first.
    pub ranked: Vec<&'a AssessedRisk<'a>>,
    /// Inherent, current and target.
    pub matrices: [Matrix<'a>; 3],
    /// Risks with bad minutes, most first.
    pub stack: Vec<StackRow<'a>>,
    /// Per system with a budget, in the register's order.
    pub budgets: Vec<(&'a str, BudgetBars)>,
    pub plan: Plan<'a>,
    /// Every incident and near-miss, newest first.
    pub incidents: Vec<&'a Incident>,
    pub contradicted: Vec<(&'a Risk, Contradiction<'a>)>,
    pub checked: Checked,
    pub summary: Summary<'a>,
    /// The trend, when the register is in git.
    pub trend: Option<Trend>,
    /// Why git gave no trend, where it failed (a repository it does not
    /// trust, say); not where the register is simply not in git.
    pub trend_missing: Option<String>,
}

/// A risk of `minutes` against an SLO of `target` percent, judged as the
/// gate judges a risk against its own.
fn against(minutes: f64, target: f64, accepted: bool, single_risk_share: f64) -> Against {
    let budget = Percent::new(target).map_or(0.0, budget::yearly_budget);
    let share = budget::share(minutes, budget);
    Against {
        target,
        budget,
        share,
        fit: Fit::of(budget::size(share, single_risk_share), accepted),
    }
}

/// Gathers the page.
pub fn overview<'a>(
    analysis: &'a Analysis<'a>,
    policy: &'a Policy,
    sources: &'a Sources,
    checked: Checked,
    trend: Option<Trend>,
) -> Overview<'a> {
    let share = analysis.single_risk_share;
    let mut stack: Vec<StackRow<'a>> = analysis
        .by_bad_minutes(0..analysis.risks.len())
        .into_iter()
        .filter_map(|i| {
            let r = &analysis.risks[i];
            let minutes = r.score.current.bad_minutes?;
            let accepted = r.state == State::Accepted;
            // A waiver of `too-big` sets aside its size against any budget,
            // its own SLO's and those the page sets beside it.
            let waiver = r.too_big_waived().filter(|_| !accepted);
            let fit = |fit: Fit| match fit {
                Fit::Sized(Size::TooBig) if waiver.is_some() => Fit::Waived,
                fit => fit,
            };
            // Against its own SLO, the analysis has judged it already.
            let own = match (
                r.score.current.budget_share,
                r.size,
                &analysis.system_of(r).budget,
                analysis.system_of(r).system.slo.availability,
            ) {
                (Some(share), Some(size), Some(budget), Some(target)) => Some(Against {
                    target: target.value(),
                    budget: budget.budget,
                    share,
                    fit: fit(Fit::of(size, accepted)),
                }),
                _ => None,
            };
            Some(StackRow {
                name: r.risk.name(),
                title: &r.risk.title,
                factor: false,
                bad_minutes: minutes,
                simulated: r.simulated,
                own,
                waiver,
                targets: SLO_TARGETS
                    .iter()
                    .map(|&t| {
                        let a = against(minutes, t, accepted, share);
                        Against {
                            fit: fit(a.fit),
                            ..a
                        }
                    })
                    .collect(),
            })
        })
        .chain(
            analysis
                .factors
                .iter()
                .filter_map(|f| factor_row(analysis, f)),
        )
        .collect();
    let budgets: Vec<(&'a str, BudgetBars)> = analysis
        .systems
        .iter()
        .filter_map(|s| {
            let b = s.budget.as_ref()?;
            let inherent = analysis.bad_minutes(s, ViewName::Inherent);
            Some((
                s.system.id.as_str(),
                BudgetBars {
                    budget: b.budget,
                    inherent,
                    current: b.current,
                    target: b.target,
                },
            ))
        })
        .collect();
    // Factors among the risks; a stable sort keeps the risks' tie order.
    stack.sort_by(|a, b| b.bad_minutes.total_cmp(&a.bad_minutes));
    let mut incidents: Vec<&Incident> = analysis.register.incidents.iter().collect();
    incidents.sort_by_key(|i| std::cmp::Reverse(i.date.value));
    let contradicted = analysis
        .risks
        .iter()
        .flat_map(|r| {
            analysis
                .contradictions(r)
                .into_iter()
                .map(move |c| (r.risk, c))
        })
        .collect();
    let ranked: Vec<&AssessedRisk<'a>> = analysis
        .ranked(RankBy::Severity)
        .into_iter()
        .map(|i| &analysis.risks[i])
        .collect();
    let summary = Summary {
        over_budget: analysis
            .systems
            .iter()
            .filter_map(|s| {
                let spent = s.spent.filter(|s| s.exhausted()).map(|s| s.share);
                let expected = s
                    .budget
                    .as_ref()
                    .filter(|b| b.exceeded())
                    .map(|b| b.current_share());
                (spent.is_some() || expected.is_some()).then_some(OverBudget {
                    system: &s.system.id,
                    spent,
                    expected,
                })
            })
            .collect(),
        worst: ranked.iter().take(SUMMARY_ROWS).map(|r| worst(r)).collect(),
        ending: ending(analysis),
    };
    Overview {
        today: analysis.today,
        policy,
        analysis,
        sources,
        systems: crate::assess::assess(analysis, &policy.thresholds),
        ranked,
        matrices: ViewName::ALL.map(|view| crate::matrix::matrix(analysis, view, None)),
        stack,
        budgets,
        plan: crate::plan::plan(analysis),
        incidents,
        contradicted,
        checked,
        summary,
        trend,
        trend_missing: None,
    }
}

/// A risk's actions in a few facts: how many are done, and which is next.
fn worst<'a>(r: &'a AssessedRisk<'a>) -> Worst<'a> {
    let next = r
        .risk
        .actions
        .iter()
        .zip(&r.actions)
        .filter(|(_, f)| matches!(f.status, ActionStatus::Planned | ActionStatus::InProgress))
        .min_by_key(|(a, _)| a.due.as_ref().map_or(Date::MAX, |d| d.value))
        .map(|(a, _)| a);
    Worst {
        risk: r,
        // In effect, as `opx show` counts them: a done action found not to
        // work does not count.
        done: r.done_count(),
        actions: r.risk.actions.len(),
        next,
    }
}

/// The acceptances and waivers that hold, the soonest to end first; ties
/// in the register's order.
fn ending<'a>(analysis: &'a Analysis<'a>) -> Vec<Ending<'a>> {
    let mut ending: Vec<Ending<'a>> = analysis
        .risks
        .iter()
        .flat_map(|r| {
            r.exceptions_held().map(|e| Ending {
                risk: r.risk,
                exception: e.exception,
                standing: e.standing,
            })
        })
        .collect();
    ending.sort_by_key(|e| e.exception.until().value);
    ending.truncate(SUMMARY_ROWS);
    ending
}

/// A systemic factor's stack-rank row, while it costs anything.
fn factor_row<'a>(analysis: &Analysis<'_>, f: &'a AssessedFactor<'a>) -> Option<StackRow<'a>> {
    let minutes = f.bad_minutes(ViewName::Current);
    if minutes <= 0.0 {
        return None;
    }
    let system = &analysis.systems[f.system];
    let share = analysis.single_risk_share;
    // Against its own SLO, the analysis has judged it already.
    let own = match (
        f.budget_share,
        f.size,
        &system.budget,
        system.system.slo.availability,
    ) {
        (Some(s), Some(size), Some(budget), Some(target)) => Some(Against {
            target: target.value(),
            budget: budget.budget,
            share: s,
            fit: Fit::Sized(size),
        }),
        _ => None,
    };
    Some(StackRow {
        name: format!("{} (factor)", analysis.factor_name(f)),
        title: &f.factor.title,
        factor: true,
        bad_minutes: minutes,
        simulated: None,
        own,
        waiver: None,
        targets: SLO_TARGETS
            .iter()
            .map(|&t| against(minutes, t, false, share))
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_risk_is_judged_against_each_budget_like_the_gate() {
        // 99.9% allows 525.96 minutes a year; 25% of it is 131.49.
        let fits = against(60.0, 99.9, false, 0.25);
        assert!((fits.budget - 525.96).abs() < 0.01);
        assert_eq!(fits.fit, Fit::Sized(Size::Fits));
        assert_eq!(
            against(120.0, 99.9, false, 0.25).fit,
            Fit::Sized(Size::Near)
        );
        assert_eq!(
            against(140.0, 99.9, false, 0.25).fit,
            Fit::Sized(Size::TooBig)
        );
        assert_eq!(against(140.0, 99.9, true, 0.25).fit, Fit::Accepted);
        // 99.99% allows 52.56 minutes: 60 is over all of it.
        assert_eq!(
            against(60.0, 99.99, false, 0.25).fit,
            Fit::Sized(Size::TooBig)
        );
    }
}
