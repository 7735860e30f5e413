//! What each gate rule found, as data, and how it is said: one variant per
//! rule, turned into a located [`Diagnostic`] with its message and help.

use std::time::Duration;

use jiff::civil::Date;

use crate::analysis::Review;
use crate::analysis::{Measured, Spent};
use crate::band::Band;
use crate::budget::{SystemBudget, minutes_text, number_text, percent_text};
use crate::dates::days_ago;
use crate::diag::Severity;
use crate::diag::{Code, Diagnostic, Subject, plural, thousands};
use crate::exception::Exception;
use crate::exercise::{ActionFacts, Failed, FailedBy};
use crate::history::{Contradiction, Measure};
use crate::register::model::{
    Acceptance, Action, At, Effects, Factor, Incident, Risk, System, Waiver,
};
use crate::scale::{Level, Scale};
use crate::source::Span;
use crate::units::format_duration;

/// One rule's finding about one risk, system or incident.
#[derive(Debug, Clone)]
pub enum Finding<'r> {
    /// Impact at or above the gate's threshold, and open.
    Unmitigated {
        risk: &'r Risk,
        impact: Level,
        /// Its band, when that reaches `fail_band` and its impact is
        /// below `fail_impact`.
        band: Option<Band>,
        /// Done actions that would mitigate it if they showed evidence.
        unevidenced: usize,
        /// Done actions that would mitigate it if they had been exercised
        /// within their cadence (under `mitigation = "exercised"`).
        unexercised: Vec<(&'r Action, ActionFacts<'r>)>,
        /// Actions found not to work.
        failed: usize,
    },
    /// A done action of a serious risk not exercised within its cadence.
    ExerciseOverdue {
        risk: &'r Risk,
        action: &'r Action,
        facts: ActionFacts<'r>,
    },
    /// A done detect or respond action of a serious risk never exercised.
    NeverExercised {
        risk: &'r Risk,
        action: &'r Action,
    },
    /// An action found not to work.
    MitigationFailed {
        risk: &'r Risk,
        action: &'r Action,
        failed: Failed<'r>,
        /// Its risk is in the two highest bands: an error, else a warning.
        serious: bool,
    },
    /// A risk, not accepted, that would lose more data than its RPO.
    RpoExceeded {
        risk: &'r Risk,
        loss: Duration,
        rpo: Duration,
        /// The loss is a range's high end.
        ranged: bool,
    },
    /// A system whose measures spent more than its error budget.
    BudgetExhausted {
        system: &'r System,
        spent: Spent,
    },
    /// A done action that shows no evidence of what it changed.
    UnevidencedAction {
        risk: &'r Risk,
        action: &'r Action,
    },
    /// An acceptance that ends within the notice window.
    AcceptanceExpiring {
        risk: &'r Risk,
        acceptance: &'r Acceptance,
    },
    WaiverExpiring {
        risk: &'r Risk,
        waiver: &'r Waiver,
    },
    WaiverExpired {
        risk: &'r Risk,
        waiver: &'r Waiver,
    },
    /// A waiver that no finding of its rule needed.
    UnusedWaiver {
        risk: &'r Risk,
        waiver: &'r Waiver,
        /// The policy turns the rule off (`allow`), so there is nothing to waive.
        allowed: bool,
    },
    /// An acceptance or a waiver that runs further ahead than the policy allows.
    ExpiresTooLate {
        risk: &'r Risk,
        exception: Exception<'r>,
        max_days: u32,
    },
    AcceptanceExpired {
        risk: &'r Risk,
        acceptance: &'r Acceptance,
    },
    /// Current bad minutes at or over the single-risk threshold.
    TooBig {
        risk: &'r Risk,
        minutes: f64,
        share: f64,
        /// The single-risk share of the budget.
        threshold: f64,
        /// The system's yearly error budget, in minutes.
        budget: f64,
        accepted: bool,
    },
    /// A systemic factor whose current bad minutes reach the single-risk
    /// threshold: too big like a risk.
    FactorTooBig {
        system: &'r System,
        factor: &'r Factor,
        minutes: f64,
        share: f64,
        threshold: f64,
        budget: f64,
    },
    /// An action of a systemic factor, not done, past its due date.
    FactorActionOverdue {
        system: &'r System,
        factor: &'r Factor,
        action: &'r Action,
        due: At<Date>,
    },
    ActionOverdue {
        risk: &'r Risk,
        action: &'r Action,
        due: At<Date>,
    },
    ReviewOverdue {
        risk: &'r Risk,
        review: Review,
    },
    FutureReview {
        risk: &'r Risk,
        reviewed: At<Date>,
    },
    /// An action exercised after today: no evidence yet.
    FutureExercise {
        risk: &'r Risk,
        action: &'r Action,
        exercised: At<Date>,
    },
    NoDetection {
        risk: &'r Risk,
        impact: Level,
    },
    NoOwner {
        risk: &'r Risk,
    },
    EstimateMissing {
        risk: &'r Risk,
        band: Band,
        /// The inputs it lacks, as the help names them.
        missing: Vec<&'static str>,
    },
    EstimateExceeded {
        risk: &'r Risk,
        contradiction: Contradiction<'r>,
    },
    FrequencyExceeded {
        risk: &'r Risk,
        incidents: usize,
        /// Its frequency, or for a range the range's high end.
        per_year: f64,
        ranged: bool,
    },
    RunbookMissing {
        risk: &'r Risk,
        path: &'r str,
        at: Span,
    },
    NoRunbook {
        risk: &'r Risk,
        band: Band,
        has_respond: bool,
    },
    NoSignal {
        risk: &'r Risk,
        action: &'r Action,
    },
    FutureIncident {
        incident: &'r Incident,
    },
    BudgetExceeded {
        system: &'r System,
        budget: SystemBudget,
        /// The largest contributors, most bad minutes first.
        largest: Vec<Contributor<'r>>,
    },
    BudgetAtRisk {
        system: &'r System,
        /// The share of simulated years over the budget, and the most allowed.
        miss_probability: f64,
        max_miss_probability: f64,
        years: u32,
        /// The system's bad minutes in its 90th-percentile year, and its budget.
        p90: f64,
        budget: f64,
    },
    BudgetIncomplete {
        system: &'r System,
        unknown: usize,
    },
}

/// A part of a system's expected bad minutes: a risk's, or a systemic
/// factor's.
#[derive(Debug, Clone, Copy)]
pub struct Contributor<'r> {
    pub id: &'r str,
    pub factor: bool,
    pub minutes: f64,
}

/// `acceptance`, or `waiver of `no-runbook``.
fn exception_name(exception: Exception<'_>) -> String {
    match exception {
        Exception::Acceptance(_) => "acceptance".to_string(),
        Exception::Waiver(w) => format!("waiver of `{}`", w.rule.id()),
    }
}

/// An action not done past its due date, of a risk or a factor (`what`):
/// the help asks its owner, or else `owner`, the risk's or the system's.
fn overdue(
    code: Code,
    what: &str,
    name: &str,
    action: &Action,
    due: At<Date>,
    owner: Option<&str>,
    today: Date,
) -> Diagnostic {
    let owner = action.owner.as_deref().or(owner).unwrap_or("its owner");
    Diagnostic::new(
        code,
        format!(
            "{} action \"{}\" of {what} `{name}` was due {} ({})",
            action.kind.name(),
            action.what,
            due.value,
            days_ago(due.value, today)
        ),
    )
    .at(
        due.span,
        format!("{}, due {}", action.status.name(), due.value),
    )
    .help(format!(
        "finish it, or ask {owner} for a date they can keep and update `due`"
    ))
}

/// Which waiver a finding is about, as [`Subject::part`] names it.
fn waiver_part(waiver: &Waiver) -> Option<String> {
    Some(format!("waive:{}", waiver.rule.id()))
}

impl Finding<'_> {
    pub fn code(&self) -> Code {
        match self {
            Finding::Unmitigated { .. } => Code::Unmitigated,
            Finding::UnevidencedAction { .. } => Code::UnevidencedAction,
            Finding::AcceptanceExpiring { .. } => Code::AcceptanceExpiring,
            Finding::WaiverExpiring { .. } => Code::WaiverExpiring,
            Finding::WaiverExpired { .. } => Code::WaiverExpired,
            Finding::UnusedWaiver { .. } => Code::UnusedWaiver,
            Finding::ExpiresTooLate { .. } => Code::ExpiresTooLate,
            Finding::AcceptanceExpired { .. } => Code::AcceptanceExpired,
            Finding::TooBig { .. } | Finding::FactorTooBig { .. } => Code::TooBig,
            Finding::ActionOverdue { .. } | Finding::FactorActionOverdue { .. } => {
                Code::ActionOverdue
            }
            Finding::ReviewOverdue { .. } => Code::ReviewOverdue,
            Finding::FutureReview { .. }
            | Finding::FutureExercise { .. }
            | Finding::FutureIncident { .. } => Code::FutureDate,
            Finding::NoDetection { .. } => Code::NoDetection,
            Finding::NoOwner { .. } => Code::NoOwner,
            Finding::EstimateMissing { .. } => Code::EstimateMissing,
            Finding::EstimateExceeded { .. } => Code::EstimateExceeded,
            Finding::FrequencyExceeded { .. } => Code::FrequencyExceeded,
            Finding::RunbookMissing { .. } => Code::RunbookMissing,
            Finding::NoRunbook { .. } => Code::NoRunbook,
            Finding::NoSignal { .. } => Code::NoSignal,
            Finding::BudgetExceeded { .. } => Code::BudgetExceeded,
            Finding::BudgetAtRisk { .. } => Code::BudgetAtRisk,
            Finding::BudgetIncomplete { .. } => Code::BudgetIncomplete,
            Finding::ExerciseOverdue { .. } => Code::ExerciseOverdue,
            Finding::NeverExercised { .. } => Code::NeverExercised,
            Finding::MitigationFailed { .. } => Code::MitigationFailed,
            Finding::RpoExceeded { .. } => Code::RpoExceeded,
            Finding::BudgetExhausted { .. } => Code::BudgetExhausted,
        }
    }

    /// The most this finding may weigh, whatever its rule's level: a
    /// failed mitigation of a risk below the two highest bands warns.
    pub fn cap(&self) -> Option<Severity> {
        match self {
            Finding::MitigationFailed { serious: false, .. } => Some(Severity::Warning),
            _ => None,
        }
    }

    /// The risk it is about; `None` for a system or an incident.
    pub fn risk(&self) -> Option<&Risk> {
        match self {
            Finding::Unmitigated { risk, .. }
            | Finding::UnevidencedAction { risk, .. }
            | Finding::AcceptanceExpiring { risk, .. }
            | Finding::WaiverExpiring { risk, .. }
            | Finding::WaiverExpired { risk, .. }
            | Finding::UnusedWaiver { risk, .. }
            | Finding::ExpiresTooLate { risk, .. }
            | Finding::AcceptanceExpired { risk, .. }
            | Finding::TooBig { risk, .. }
            | Finding::ActionOverdue { risk, .. }
            | Finding::ReviewOverdue { risk, .. }
            | Finding::FutureReview { risk, .. }
            | Finding::FutureExercise { risk, .. }
            | Finding::NoDetection { risk, .. }
            | Finding::NoOwner { risk }
            | Finding::EstimateMissing { risk, .. }
            | Finding::EstimateExceeded { risk, .. }
            | Finding::FrequencyExceeded { risk, .. }
            | Finding::RunbookMissing { risk, .. }
            | Finding::NoRunbook { risk, .. }
            | Finding::NoSignal { risk, .. }
            | Finding::ExerciseOverdue { risk, .. }
            | Finding::NeverExercised { risk, .. }
            | Finding::MitigationFailed { risk, .. }
            | Finding::RpoExceeded { risk, .. } => Some(risk),
            Finding::FutureIncident { .. }
            | Finding::BudgetExhausted { .. }
            | Finding::FactorTooBig { .. }
            | Finding::FactorActionOverdue { .. }
            | Finding::BudgetExceeded { .. }
            | Finding::BudgetAtRisk { .. }
            | Finding::BudgetIncomplete { .. } => None,
        }
    }

    /// Which part of its risk or system it is about, where a rule can
    /// fire more than once for one (see [`Subject::part`]).
    fn part(&self) -> Option<String> {
        let action = |action: &Action| Some(format!("action:{}", action.what));
        match self {
            Finding::UnevidencedAction { action: a, .. }
            | Finding::ActionOverdue { action: a, .. }
            | Finding::FactorActionOverdue { action: a, .. }
            | Finding::NoSignal { action: a, .. }
            | Finding::ExerciseOverdue { action: a, .. }
            | Finding::FutureExercise { action: a, .. }
            | Finding::NeverExercised { action: a, .. }
            | Finding::MitigationFailed { action: a, .. } => action(a),
            Finding::WaiverExpiring { waiver, .. }
            | Finding::WaiverExpired { waiver, .. }
            | Finding::UnusedWaiver { waiver, .. } => waiver_part(waiver),
            Finding::ExpiresTooLate { exception, .. } => match exception {
                Exception::Acceptance(_) => Some("acceptance".to_string()),
                Exception::Waiver(w) => waiver_part(w),
            },
            Finding::EstimateExceeded { contradiction, .. } => Some(format!(
                "incident:{}/{}",
                contradiction.incident.id.value,
                contradiction.measure.verb()
            )),
            Finding::RunbookMissing { path, .. } => Some(format!("runbook:{path}")),
            Finding::FutureIncident { incident } => Some(format!("incident:{}", incident.id.value)),
            _ => None,
        }
    }

    /// What the finding is about.
    pub fn subject(&self) -> Subject {
        let system = match self {
            Finding::FutureIncident { incident } => incident.system.as_str(),
            Finding::BudgetExceeded { system, .. }
            | Finding::BudgetAtRisk { system, .. }
            | Finding::BudgetIncomplete { system, .. }
            | Finding::BudgetExhausted { system, .. }
            | Finding::FactorTooBig { system, .. }
            | Finding::FactorActionOverdue { system, .. } => system.id.as_str(),
            // Every other finding is about a risk.
            other => other.risk().map_or("", |r| r.system.as_str()),
        };
        Subject {
            system: system.to_string(),
            // A factor is named like a risk: its id is unique among them.
            risk: match self {
                Finding::FactorTooBig { factor, .. }
                | Finding::FactorActionOverdue { factor, .. } => Some(factor.id.value.clone()),
                other => other.risk().map(|r| r.id.value.clone()),
            },
            part: self.part(),
        }
    }

    /// The finding as people and every output format read it.
    pub fn diagnostic(&self, today: Date) -> Diagnostic {
        let subject = self.subject();
        let name = subject.name();
        let code = self.code();
        let diagnostic = match self {
            Finding::Unmitigated {
                risk,
                impact,
                band,
                unexercised,
                ..
            } if !unexercised.is_empty() => Diagnostic::new(
                code,
                format!(
                    "risk `{name}` ({}) has no mitigation shown to work",
                    why_gated(*impact, *band)
                ),
            )
            .at(
                risk.id.span,
                format!(
                    "open: {} done, none exercised within its cadence",
                    plural(unexercised.len(), "action")
                ),
            )
            .help(format!(
                "exercise {} and record the day in `exercised`, or accept the risk for a time with [risk.accepted]",
                join_and(
                    &first_and_more(unexercised.iter().map(|(action, facts)| match facts.exercised {
                            Some(last) => format!(
                                "\"{}\" (last exercised {last}, every {}d)",
                                action.what, facts.every_days
                            ),
                            None => format!("\"{}\" (never exercised)", action.what),
                        }))
                        .iter()
                        .map(String::as_str)
                        .collect::<Vec<_>>()
                )
            )),
            Finding::Unmitigated {
                risk,
                impact,
                band,
                unevidenced: 0,
                failed: failed @ 1..,
                ..
            } => Diagnostic::new(
                code,
                format!(
                    "risk `{name}` ({}) has no mitigation that works",
                    why_gated(*impact, *band)
                ),
            )
            .at(
                risk.id.span,
                format!(
                    "open: {} found not to work, none other done",
                    plural(*failed, "action")
                ),
            )
            .help("mend the failed action and exercise it, finish another that reduces the risk, or accept it for a time with [risk.accepted]"),
            Finding::Unmitigated {
                risk,
                impact,
                band,
                unevidenced: 0,
                ..
            } => Diagnostic::new(
                code,
                format!("risk `{name}` ({}) has no mitigation", why_gated(*impact, *band)),
            )
            .at(
                risk.id.span,
                "open: no action is done and no acceptance holds",
            )
            .help("finish an action that reduces it (status = \"done\"), or accept it for a time with [risk.accepted]"),
            Finding::Unmitigated {
                risk,
                impact,
                band,
                unevidenced,
                ..
            } => Diagnostic::new(
                code,
                format!(
                    "risk `{name}` ({}) has no mitigation that shows evidence",
                    why_gated(*impact, *band)
                ),
            )
            .at(
                risk.id.span,
                format!(
                    "open: {} done, none showing what it changed",
                    plural(*unevidenced, "action")
                ),
            )
            .help("the policy counts only mitigation with evidence (mitigation = \"evidence\"): give a done action an effect, a signal or a runbook, or accept the risk for a time with [risk.accepted]"),
            Finding::UnevidencedAction { action, .. } => Diagnostic::new(
                code,
                format!(
                    "{} action \"{}\" of risk `{name}` is done but shows no evidence",
                    action.kind.name(),
                    action.what
                ),
            )
            .at(
                action.span,
                if action.effects == Effects::default() {
                    "what did it change?"
                } else {
                    "its effect is no better than the risk as written"
                },
            )
            .help(evidence_help(action)),
            Finding::AcceptanceExpiring { acceptance, .. } => {
                let until = acceptance.until.value;
                Diagnostic::new(
                    code,
                    format!(
                        "acceptance of risk `{name}` ends on {until} ({})",
                        days_ahead(until, today)
                    ),
                )
                .at(acceptance.until.span, "ends soon")
                .help(format!(
                    "decide now: renew it with a later `until` if {} still accepts it, or finish the mitigation",
                    acceptance.by
                ))
            }
            Finding::WaiverExpiring { waiver, .. } => {
                let until = waiver.until.value;
                Diagnostic::new(
                    code,
                    format!(
                        "waiver of `{}` for risk `{name}` ends on {until} ({})",
                        waiver.rule.id(),
                        days_ahead(until, today)
                    ),
                )
                .at(waiver.until.span, "ends soon")
                .help("fix what the rule asks for, or renew the waiver with a later `until`")
            }
            Finding::WaiverExpired { waiver, .. } => {
                let until = waiver.until.value;
                Diagnostic::new(
                    code,
                    format!(
                        "waiver of `{}` for risk `{name}` expired on {until} ({}); its finding counts again",
                        waiver.rule.id(),
                        days_ago(until, today)
                    ),
                )
                .at(waiver.until.span, "expired")
                .help("fix what the rule asks for, or renew the waiver with a later `until` and a reason that still holds")
            }
            Finding::UnusedWaiver {
                waiver, allowed, ..
            } => Diagnostic::new(
                code,
                format!(
                    "waiver of `{}` for risk `{name}` waives nothing: {}",
                    waiver.rule.id(),
                    if *allowed {
                        "the policy turns the rule off"
                    } else {
                        "the rule finds no problem here"
                    }
                ),
            )
            .at(waiver.span, "nothing to waive")
            .help("remove the [[risk.waive]], so stale waivers do not pile up"),
            Finding::ExpiresTooLate {
                exception,
                max_days,
                ..
            } => Diagnostic::new(
                code,
                format!(
                    "the {} of risk `{name}` runs until {}, more than {} ahead",
                    exception_name(*exception),
                    exception.until().value,
                    plural(*max_days as usize, "day")
                ),
            )
            .at(exception.until().span, "too far ahead")
            .help(format!(
                "the policy's max_acceptance_days is {max_days}: set `until` to {} or earlier, and look again then",
                crate::dates::add_days(today, i64::from(*max_days))
            )),
            Finding::AcceptanceExpired { acceptance, .. } => {
                let until = acceptance.until.value;
                Diagnostic::new(
                    code,
                    format!(
                        "acceptance of risk `{name}` expired on {until} ({})",
                        days_ago(until, today)
                    ),
                )
                .at(acceptance.until.span, "expired")
                .help(format!(
                    "renew it with a later `until` if {} still accepts it, or mitigate the risk",
                    acceptance.by
                ))
            }
            Finding::TooBig {
                risk,
                minutes,
                share,
                threshold,
                budget,
                accepted,
            } => {
                let accepted = if *accepted {
                    "; accepted, but a risk this big is not safe to accept"
                } else {
                    ""
                };
                Diagnostic::new(
                    code,
                    format!(
                        "risk `{name}` expects {} bad minutes a year, {} of the error budget of `{}`",
                        minutes_text(*minutes),
                        percent_text(*share),
                        risk.system
                    ),
                )
                .at(
                    risk.id.span,
                    format!(
                        "at or over the single-risk threshold of {} ({} minutes){accepted}",
                        percent_text(*threshold),
                        minutes_text(threshold * budget)
                    ),
                )
                .help("make it rarer, detect or recover faster, or reach fewer users; record what an action buys with its effect keys")
            }
            Finding::FactorTooBig {
                system,
                factor,
                minutes,
                share,
                threshold,
                budget,
            } => Diagnostic::new(
                code,
                format!(
                    "factor `{name}` costs {} bad minutes a year, {} of the error budget of `{}`",
                    minutes_text(*minutes),
                    percent_text(*share),
                    system.id
                ),
            )
            .at(
                factor.id.span,
                format!(
                    "at or over the single-risk threshold of {} ({} minutes)",
                    percent_text(*threshold),
                    minutes_text(threshold * budget)
                ),
            )
            .help(if factor.actions.is_empty() {
                "plan what removes it as [[system.factor.action]], and finish it"
            } else {
                "finish the actions that remove it (status = \"done\")"
            }),
            Finding::FactorActionOverdue {
                system,
                action,
                due,
                ..
            } => overdue(code, "factor", &name, action, *due, system.owner.as_deref(), today),
            Finding::ActionOverdue { risk, action, due } => overdue(
                code,
                "risk",
                &name,
                action,
                *due,
                risk.owner.as_deref(),
                today,
            ),
            Finding::ReviewOverdue { risk, review } => match (risk.reviewed, review.due) {
                (Some(reviewed), Some(due)) => Diagnostic::new(
                    code,
                    format!(
                        "risk `{name}` was due for review on {due} ({})",
                        days_ago(due, today)
                    ),
                )
                .at(
                    reviewed.span,
                    format!(
                        "last reviewed {}, every {}",
                        reviewed.value,
                        plural(review.every_days as usize, "day")
                    ),
                ),
                _ => Diagnostic::new(code, format!("risk `{name}` has never been reviewed"))
                    .at(risk.id.span, "no `reviewed` date"),
            }
            .help(format!("review it and record the day: reviewed = {today}")),
            Finding::FutureReview { reviewed, .. } => Diagnostic::new(
                code,
                format!(
                    "risk `{name}` was reviewed on {}, after today ({today})",
                    reviewed.value
                ),
            )
            .at(reviewed.span, "a date in the future")
            .help("record the day the review happened"),
            Finding::FutureExercise {
                action, exercised, ..
            } => Diagnostic::new(
                code,
                format!(
                    "{} action \"{}\" of risk `{name}` was exercised on {}, after today ({today})",
                    action.kind.name(),
                    action.what,
                    exercised.value
                ),
            )
            .at(exercised.span, "a date in the future: no evidence yet")
            .help("record the day the mitigation was shown to work; until that day comes it counts as never exercised"),
            Finding::NoDetection { risk, impact } => Diagnostic::new(
                code,
                format!("risk `{name}` ({}) has no detect action", impact_words(*impact)),
            )
            .at(risk.id.span, "how would we know this is broken at 3am?")
            .help("add a [[risk.action]] with kind = \"detect\": an alert, a probe or a dashboard someone watches"),
            Finding::NoOwner { risk } => Diagnostic::new(code, format!("risk `{name}` has no owner"))
                .at(risk.id.span, "nobody is accountable for this risk")
                .help("set `owner` on the risk, or on its [system]"),
            Finding::EstimateMissing {
                risk,
                band,
                missing,
            } => Diagnostic::new(
                code,
                format!("risk `{name}` ({band}) has no bad-minute estimate"),
            )
            .at(risk.id.span, "its share of the error budget is unknown")
            .help(format!("give it {}", join_and(missing))),
            Finding::EstimateExceeded { contradiction, .. } => {
                let c = contradiction;
                Diagnostic::new(
                    code,
                    format!(
                        "incident `{}` {}, {} more than risk `{name}` estimates",
                        c.incident.id.value,
                        match c.measure {
                            Measure::DataLoss =>
                                format!("lost {} of writes", format_duration(c.took.value)),
                            m => format!("took {} to {}", format_duration(c.took.value), m.verb()),
                        },
                        format_duration(c.took.value - c.estimate),
                    ),
                )
                .at(
                    c.took.span,
                    match (c.ranged, c.measure) {
                        (true, _) => {
                            format!("the estimate's high end is {}", format_duration(c.estimate))
                        }
                        (false, Measure::DataLoss) if c.estimate.is_zero() => {
                            "the estimate is none".to_string()
                        }
                        (false, _) => format!("the estimate is {}", format_duration(c.estimate)),
                    },
                )
                .help(format!(
                    "set `{}` to what incidents show, or finish the action that makes the estimate true",
                    c.measure.key()
                ))
            }
            Finding::FrequencyExceeded {
                risk,
                incidents,
                per_year,
                ranged,
            } => Diagnostic::new(
                code,
                format!(
                    "risk `{name}` had {} in the last 365 days; its frequency predicts {}{} a year",
                    plural(*incidents, "incident"),
                    if *ranged { "at most " } else { "" },
                    number_text(*per_year),
                ),
            )
            .at(risk.id.span, "it happens more often than the register says")
            .help("update `frequency` to what happened, or prevent the failures"),
            Finding::RunbookMissing { path, at, .. } => Diagnostic::new(
                code,
                format!("runbook `{path}` of risk `{name}` does not exist"),
            )
            .at(*at, "no file or folder at this path in the repository")
            .help("a runbook path is relative to this register file and stays inside its folder or repository; fix it, or link the runbook with its URL"),
            Finding::NoRunbook {
                risk,
                band,
                has_respond,
            } => Diagnostic::new(code, format!("risk `{name}` ({band}) has no runbook"))
                .at(risk.id.span, "what is our fastest safe rollback?")
                .help(if *has_respond {
                    "name the runbook on its respond action: runbook = \"docs/runbooks/<id>.md\" or a link"
                } else {
                    "add a [[risk.action]] with kind = \"respond\" and a runbook = \"...\" to follow"
                }),
            Finding::NoSignal { action, .. } => Diagnostic::new(
                code,
                format!(
                    "detect action \"{}\" of risk `{name}` names no signal",
                    action.what
                ),
            )
            .at(action.span, "which alert or metric fires?")
            .help("name what it watches: signal = \"<alert or metric>\""),
            Finding::FutureIncident { incident } => Diagnostic::new(
                code,
                format!(
                    "incident `{}` is dated {}, after today ({today})",
                    incident.id.value, incident.date.value
                ),
            )
            .at(incident.date.span, "a date in the future")
            .help("record the day it happened; until then it counts in no year"),
            Finding::BudgetExceeded {
                system,
                budget,
                largest,
            } => {
                let top: Vec<String> = largest
                    .iter()
                    .map(|c| {
                        let what = if c.factor { "factor " } else { "" };
                        format!("{what}`{}` ({})", c.id, minutes_text(c.minutes))
                    })
                    .collect();
                Diagnostic::new(
                    code,
                    format!(
                        "system `{name}` expects {} bad minutes a year, {} of its error budget",
                        minutes_text(budget.current),
                        percent_text(budget.current_share())
                    ),
                )
                .at(
                    system.span,
                    format!("budget {} minutes a year", minutes_text(budget.budget)),
                )
                .help(format!("the largest contributors: {}", top.join(", ")))
            }
            Finding::BudgetAtRisk {
                system,
                miss_probability,
                max_miss_probability,
                years,
                p90,
                budget,
            } => Diagnostic::new(
                code,
                {
                    // Two decimals more where one would show them equal.
                    let (miss, max) = (*miss_probability * 100.0, *max_miss_probability * 100.0);
                    let (miss, max) = if format!("{miss:.1}") == format!("{max:.1}") {
                        (format!("{miss:.3}%"), format!("{max:.3}%"))
                    } else {
                        (format!("{miss:.1}%"), format!("{max:.1}%"))
                    };
                    format!(
                        "system `{name}` misses its error budget in {miss} of simulated years, above the {max} the policy allows"
                    )
                },
            )
            .at(
                system.span,
                format!(
                    "1 year in 10 costs {} bad minutes or more; budget {}",
                    minutes_text(*p90),
                    minutes_text(*budget)
                ),
            )
            .help(format!(
                "{} years simulated; see `opx rank --simulate` for the risks that cost most in bad years (P90)",
                thousands(*years as usize)
            )),
            Finding::BudgetIncomplete { system, unknown } => {
                let (has, is) = if *unknown == 1 {
                    ("has", "is")
                } else {
                    ("have", "are")
                };
                Diagnostic::new(
                    code,
                    format!(
                        "{} of system `{name}` {has} no bad-minute estimate and {is} left out of its budget sums",
                        plural(*unknown, "risk"),
                    ),
                )
                .at(system.span, "sums may be too low")
                .help("give risks both times as durations and a frequency to count them")
            }
            Finding::ExerciseOverdue {
                action, facts, ..
            } => {
                let last = facts.exercised.map_or("never".to_string(), |d| d.to_string());
                let due = facts.due.map_or(String::new(), |due| {
                    format!(", due {due} ({})", days_ago(due, today))
                });
                Diagnostic::new(
                    code,
                    format!(
                        "{} action \"{}\" of risk `{name}` was last exercised on {last}{due}",
                        action.kind.name(),
                        action.what,
                    ),
                )
                .at(
                    action.exercised.map_or(action.span, |e| e.span),
                    format!("to be shown again every {}d", facts.every_days),
                )
                .help("exercise it again (a drill, a restore test, a failover) and record the day in `exercised`")
            }
            Finding::NeverExercised { action, .. } => Diagnostic::new(
                code,
                format!(
                    "{} action \"{}\" of risk `{name}` is done but was never exercised",
                    action.kind.name(),
                    action.what,
                ),
            )
            .at(action.span, "has it ever been shown to work?")
            .help("exercise it (a drill, a restore test, an alert that fires and pages) and record the day: exercised = YYYY-MM-DD"),
            Finding::MitigationFailed {
                action, failed, ..
            } => {
                let (label, at, help) = match failed.by {
                    FailedBy::Status { reason } => (
                        reason.map_or("found not to work".to_string(), |r| r.to_string()),
                        action.failure.as_ref().map_or(action.span, |f| f.on.span),
                        "mend it and exercise it again (then set status = \"done\" and exercised), or replace it".to_string(),
                    ),
                    FailedBy::Incident(incident) => (
                        format!("incident `{}` showed it not to work", incident.id.value),
                        action.span,
                        format!(
                            "mend it and record the day it is shown to work again in `exercised` (after {})",
                            failed.on
                        ),
                    ),
                };
                Diagnostic::new(
                    code,
                    format!(
                        "{} action \"{}\" of risk `{name}` failed on {} and mitigates nothing",
                        action.kind.name(),
                        action.what,
                        failed.on
                    ),
                )
                .at(at, label)
                .help(help)
            }
            Finding::RpoExceeded {
                risk,
                loss,
                rpo,
                ranged,
            } => Diagnostic::new(
                code,
                format!(
                    "risk `{name}` would lose {}{} of recent writes, more than its system's RPO of {}",
                    if *ranged { "up to " } else { "" },
                    format_duration(*loss),
                    format_duration(*rpo)
                ),
            )
            .at(risk.id.span, format!("RPO {}", format_duration(*rpo)))
            .help("finish an action that brings its data_loss within the RPO (more frequent backups, replication), or accept the risk with [risk.accepted]"),
            Finding::BudgetExhausted { system, spent } => {
                let measured = match spent.measure {
                    Measured::Availability {
                        measured,
                        objective,
                    } => format!("measured availability {measured} against an SLO of {objective}"),
                    Measured::Incidents {
                        bad_minutes,
                        budget,
                    } => format!(
                        "its incidents of the last 365 days cost at least {} bad minutes against a budget of {}",
                        minutes_text(bad_minutes),
                        minutes_text(budget)
                    ),
                };
                Diagnostic::new(
                    code,
                    format!(
                        "system `{name}` has spent {} of its error budget, {} over",
                        percent_text(spent.share),
                        percent_text(spent.share - 1.0)
                    ),
                )
                .at(system.span, measured)
                .help("the budget is spent: put reliability work before features until it recovers")
            }
        };
        diagnostic.about(subject)
    }
}

/// The first three of `items`, then how many more there are.
fn first_and_more(items: impl ExactSizeIterator<Item = String>) -> Vec<String> {
    let more = items.len().saturating_sub(3);
    let mut shown: Vec<String> = items.take(3).collect();
    if more > 0 {
        shown.push(format!("{more} more"));
    }
    shown
}

/// How to show what a done action changed, with the line to add.
fn evidence_help(action: &Action) -> String {
    use crate::register::model::ActionKind;
    match action.kind {
        ActionKind::Prevent => "add what it changed: likelihood = \"unlikely\" or frequency = \"1/year\" (a detect action shows evidence with its signal, a respond action with its runbook)",
        ActionKind::Detect => "add the alert it watches, signal = \"<alert or metric>\", or what it changed, time_to_detect = \"5m\"",
        ActionKind::Respond => "add the runbook it follows, runbook = \"<link or path>\", or what it changed, time_to_recover = \"30m\"",
    }
    .to_string()
}

/// "in 3 days", "tomorrow", "today".
fn days_ahead(date: Date, today: Date) -> String {
    match crate::dates::days_between(today, date) {
        0 => "today".to_string(),
        1 => "tomorrow".to_string(),
        n => format!("in {n} days"),
    }
}

/// `impact 4, major`.
fn impact_words(impact: Level) -> String {
    format!("impact {impact}, {}", Scale::Impact.word(impact))
}

/// What puts an open risk under the gate: its band, when that reached
/// `fail_band`, else its impact.
fn why_gated(impact: Level, band: Option<Band>) -> String {
    match band {
        Some(band) => format!("band {band}"),
        None => impact_words(impact),
    }
}

/// `a`, `a and b`, `a, b and c`.
fn join_and(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}
