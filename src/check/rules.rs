//! The gate's rules: what each looks for, without a word of how it is said
//! (that is `super::finding`).

use crate::analysis::{Analysis, AssessedFactor, AssessedRisk, AssessedSystem};
use crate::budget::Size;
use crate::dates::add_days;
use crate::exercise::{self, Exercise};
use crate::policy::{Mitigation, Policy};
use crate::register::model::{ActionKind, ActionStatus, Runbook};
use crate::score::{State, ViewName};
use jiff::civil::Date;

use super::Finding;
use super::finding::Contributor;
use crate::exception::{Exception, Standing};

/// Impact at or above which a risk needs a way to be detected.
pub(crate) const HIGH_IMPACT: u8 = 4;

/// The rules about one risk.
pub(super) fn risk<'r>(
    analysis: &Analysis<'r>,
    assessed: &AssessedRisk<'r>,
    policy: &Policy,
    findings: &mut Vec<Finding<'r>>,
) {
    let risk = assessed.risk;
    let today = analysis.today;
    let current = &assessed.score.current;
    let impact = current.view.impact.level;

    if assessed.unmitigated {
        // Open: judged as written (see `AssessedRisk::unmitigated`).
        let inherent = &assessed.score.inherent;
        let impact = inherent.view.impact.level;
        findings.push(Finding::Unmitigated {
            risk,
            impact,
            // Named when the band, not the impact, is what fails it.
            band: (impact < policy.fail_impact).then_some(inherent.band),
            unevidenced: assessed.unevidenced().count(),
            // Only the exercise policy counts exercises as what mitigates.
            unexercised: assessed
                .actions()
                .filter(|(_, f)| policy.mitigation == Mitigation::Exercised && f.stale())
                .map(|(a, f)| (a, *f))
                .collect(),
            failed: assessed
                .actions
                .iter()
                .filter(|f| f.failed.is_some())
                .count(),
        });
    }
    exercises(assessed, findings);
    if let Some(loss) = assessed.over_rpo
        && let Some(rpo) = analysis.system_of(assessed).system.slo.rpo
    {
        findings.push(Finding::RpoExceeded {
            risk,
            loss,
            rpo,
            ranged: current.view.data_loss.is_some_and(|d| d.range.is_some()),
        });
    }
    for action in assessed.unevidenced() {
        findings.push(Finding::UnevidencedAction { risk, action });
    }
    expiries(analysis, assessed, policy, findings);
    if let (Some(Size::TooBig), Some(minutes), Some(share), Some(budget)) = (
        assessed.size,
        current.bad_minutes,
        current.budget_share,
        analysis.system_of(assessed).budget.as_ref(),
    ) {
        findings.push(Finding::TooBig {
            risk,
            minutes,
            share,
            threshold: analysis.single_risk_share,
            budget: budget.budget,
            accepted: assessed.state == State::Accepted,
        });
    }
    for (action, facts) in assessed.actions() {
        if let Some(due) = action.due.filter(|_| facts.overdue) {
            findings.push(Finding::ActionOverdue { risk, action, due });
        }
    }
    if let Some(reviewed) = risk.reviewed.filter(|r| r.value > today) {
        findings.push(Finding::FutureReview { risk, reviewed });
    }
    for action in &risk.actions {
        if let Some(exercised) = action.exercised.filter(|e| e.value > today) {
            findings.push(Finding::FutureExercise {
                risk,
                action,
                exercised,
            });
        }
    }
    if assessed.review.overdue(today) {
        findings.push(Finding::ReviewOverdue {
            risk,
            review: assessed.review,
        });
    }
    if impact.get() >= HIGH_IMPACT && !risk.actions.iter().any(|a| a.kind == ActionKind::Detect) {
        findings.push(Finding::NoDetection { risk, impact });
    }
    if risk.owner.is_none() {
        findings.push(Finding::NoOwner { risk });
    }
    let has_budget = analysis.system_of(assessed).budget.is_some();
    if current.band.is_serious() && current.bad_minutes.is_none() && has_budget {
        let view = &current.view;
        let mut missing = Vec::new();
        if view.time_to_detect.and_then(|t| t.duration()).is_none() {
            missing.push("`time_to_detect` as a duration");
        }
        if view.time_to_recover.and_then(|t| t.duration()).is_none() {
            missing.push("`time_to_recover` as a duration");
        }
        if view.frequency.is_none() {
            missing.push("`frequency`");
        }
        findings.push(Finding::EstimateMissing {
            risk,
            band: current.band,
            missing,
        });
    }
    history(analysis, assessed, findings);
    response(assessed, findings);
}

/// Whether a risk's mitigations have been shown to work: failed ones
/// always; for a risk whose own estimates are in the two highest bands,
/// done ones overdue for an exercise or never exercised. An acceptance
/// that holds is the team's word on the risk as it is, failures included.
fn exercises<'r>(assessed: &AssessedRisk<'r>, findings: &mut Vec<Finding<'r>>) {
    let risk = assessed.risk;
    let serious = assessed.serious();
    for (action, facts) in assessed.actions() {
        if let Some(failed) = facts.failed
            && assessed.state != State::Accepted
        {
            findings.push(Finding::MitigationFailed {
                risk,
                action,
                failed,
                serious,
            });
        }
    }
    for (action, facts) in assessed.drills() {
        findings.push(match facts.exercise {
            Some(Exercise::Overdue) => Finding::ExerciseOverdue {
                risk,
                action,
                facts: *facts,
            },
            _ => Finding::NeverExercised { risk, action },
        });
    }
}

/// Acceptances and waivers: expired, ending soon, or running too far ahead.
fn expiries<'r>(
    analysis: &Analysis<'r>,
    assessed: &AssessedRisk<'r>,
    policy: &Policy,
    findings: &mut Vec<Finding<'r>>,
) {
    let risk = assessed.risk;
    let today = analysis.today;
    let furthest = policy
        .max_acceptance_days
        .map(|days| (days, add_days(today, i64::from(days))));
    let too_late = |exception: Exception<'r>, until: Date| {
        furthest
            .filter(|(_, last)| until > *last)
            .map(|(max_days, _)| Finding::ExpiresTooLate {
                risk,
                exception,
                max_days,
            })
    };
    // An expired waiver is judged where waivers are applied: it is
    // `waiver-expired` only if its rule still finds something.
    for stood in &assessed.exceptions {
        let exception = stood.exception;
        match (exception, stood.standing) {
            (Exception::Acceptance(acceptance), Standing::Expired) => {
                findings.push(Finding::AcceptanceExpired { risk, acceptance });
            }
            (Exception::Acceptance(acceptance), Standing::Ending) => {
                findings.push(Finding::AcceptanceExpiring { risk, acceptance });
            }
            (Exception::Waiver(waiver), Standing::Ending) => {
                findings.push(Finding::WaiverExpiring { risk, waiver });
            }
            _ => {}
        }
        findings.extend(too_late(exception, exception.until().value));
    }
}

/// What the incidents of the last year say about a risk's estimates.
fn history<'r>(
    analysis: &Analysis<'r>,
    assessed: &AssessedRisk<'r>,
    findings: &mut Vec<Finding<'r>>,
) {
    let risk = assessed.risk;
    for contradiction in analysis.contradictions(assessed) {
        findings.push(Finding::EstimateExceeded {
            risk,
            contradiction,
        });
    }
    // A range is contradicted past its high end (the 95th percentile), not
    // past its mean.
    let view = &assessed.score.current.view;
    let most = match view.spread.frequency {
        Some(range) => Some(range.high),
        None => view.frequency.map(|f| f.per_year()),
    };
    if let Some(per_year) = most
        && assessed.history.incidents as f64 > per_year
    {
        findings.push(Finding::FrequencyExceeded {
            risk,
            incidents: assessed.history.incidents,
            per_year,
            ranged: view.spread.frequency.is_some(),
        });
    }
}

/// Whether a serious risk can be detected and answered at 3am.
fn response<'r>(assessed: &AssessedRisk<'r>, findings: &mut Vec<Finding<'r>>) {
    let risk = assessed.risk;
    for action in &risk.actions {
        if let Some(runbook) = &action.runbook
            && let Runbook::Path {
                path,
                exists: false,
            } = &runbook.value
        {
            findings.push(Finding::RunbookMissing {
                risk,
                path,
                at: runbook.span,
            });
        }
    }
    let band = assessed.score.current.band;
    if !band.is_serious() {
        return;
    }
    // A respond action found not to work answers nothing, runbook or not.
    let mut responds = assessed
        .actions()
        .filter(|(a, facts)| a.kind == ActionKind::Respond && facts.failed.is_none())
        .map(|(a, _)| a)
        .peekable();
    let has_respond = responds.peek().is_some();
    if !responds.any(|a| a.runbook.is_some()) {
        findings.push(Finding::NoRunbook {
            risk,
            band,
            has_respond,
        });
    }
    for action in risk.actions.iter().filter(|a| {
        a.kind == ActionKind::Detect && a.status == ActionStatus::Done && a.signal.is_none()
    }) {
        findings.push(Finding::NoSignal { risk, action });
    }
}

/// The rules about a system's error budget as a whole.
pub(super) fn system<'r>(
    analysis: &Analysis<'r>,
    assessed: &AssessedSystem<'r>,
    policy: &Policy,
    findings: &mut Vec<Finding<'r>>,
) {
    let system = assessed.system;
    if let Some(spent) = assessed.spent.filter(|s| s.exhausted()) {
        findings.push(Finding::BudgetExhausted { system, spent });
    }
    let Some(budget) = &assessed.budget else {
        return;
    };
    if budget.exceeded() {
        let risks = analysis.largest(assessed, 3).into_iter().map(|i| {
            let risk = &analysis.risks[i];
            Contributor {
                id: &risk.risk.id.value,
                factor: false,
                minutes: risk.score.current.bad_minutes.unwrap_or_default(),
            }
        });
        let factors = assessed.factors.iter().map(|&i| {
            let f = &analysis.factors[i];
            Contributor {
                id: &f.factor.id.value,
                factor: true,
                minutes: f.bad_minutes(ViewName::Current),
            }
        });
        let mut largest: Vec<Contributor<'r>> = risks.chain(factors).collect();
        // Stable: risks keep their order, and come before factors of the same size.
        largest.sort_by(|a, b| b.minutes.total_cmp(&a.minutes));
        largest.truncate(3);
        findings.push(Finding::BudgetExceeded {
            system,
            budget: budget.clone(),
            largest,
        });
    }
    if let (Some(max), Some(simulated), Some(settings)) = (
        policy.max_miss_probability,
        assessed.simulated,
        analysis.simulation,
    ) && let Some(miss_probability) = simulated.miss_probability
        && miss_probability > max
    {
        findings.push(Finding::BudgetAtRisk {
            system,
            miss_probability,
            max_miss_probability: max,
            years: settings.simulations,
            p90: simulated.years.p90,
            budget: budget.budget,
        });
    }
    if budget.unknown > 0 {
        findings.push(Finding::BudgetIncomplete {
            system,
            unknown: budget.unknown,
        });
    }
}

/// The rules about a systemic factor: too big like a risk, and its
/// actions overdue like a risk's.
pub(super) fn factor<'r>(
    analysis: &Analysis<'r>,
    assessed: &AssessedFactor<'r>,
    findings: &mut Vec<Finding<'r>>,
) {
    let system = &analysis.systems[assessed.system];
    let factor = assessed.factor;
    if let (Some(Size::TooBig), Some(share), Some(budget)) =
        (assessed.size, assessed.budget_share, &system.budget)
    {
        findings.push(Finding::FactorTooBig {
            system: system.system,
            factor,
            minutes: assessed.bad_minutes(ViewName::Current),
            share,
            threshold: analysis.single_risk_share,
            budget: budget.budget,
        });
    }
    for action in &factor.actions {
        if let Some(due) = action
            .due
            .filter(|_| exercise::overdue(action, analysis.today))
        {
            findings.push(Finding::FactorActionOverdue {
                system: system.system,
                factor,
                action,
                due,
            });
        }
    }
}

/// The rules about incidents.
pub(super) fn incidents<'r>(analysis: &Analysis<'r>, findings: &mut Vec<Finding<'r>>) {
    for incident in analysis
        .register
        .incidents
        .iter()
        .filter(|i| i.date.value > analysis.today)
    {
        findings.push(Finding::FutureIncident { incident });
    }
}
