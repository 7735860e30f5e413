//! The CI gate: rules over a validated register, each giving findings.
//!
//! A finding is a [`Diagnostic`] with a gate code. Errors fail the build;
//! warnings fail it only under `deny_warnings`; notes never do. Every rule
//! judges a risk's current view (its done actions applied) and its derived
//! state on `today`, so a run is reproducible with `--today`.

use jiff::civil::Date;

use crate::budget::{self, SystemBudget};
use crate::diag::{Code, Diagnostic, Severity, Subject};
use crate::monitor::IncidentIndex;
use crate::register::model::{ActionKind, ActionStatus, Register, Risk, Runbook};
use crate::scale::{Band, Level, Scale, format_duration};
use crate::score::{self, Score, State};

/// Impact at or above which a risk needs a way to be detected.
const HIGH_IMPACT: u8 = 4;

/// What the gate enforces; from `opx.toml`, then overridden by flags.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Policy {
    /// An open risk with at least this impact fails the gate.
    pub fail_impact: Level,
    /// Warnings fail the gate too.
    pub deny_warnings: bool,
    /// The share of its system's yearly error budget one risk may use.
    pub single_risk_share: f64,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            fail_impact: Level::new(HIGH_IMPACT).expect("4 is a level"),
            deny_warnings: false,
            single_risk_share: budget::DEFAULT_SINGLE_RISK_SHARE,
        }
    }
}

/// Every finding for the register, in file and text order.
pub fn check(register: &Register, policy: &Policy, today: Date) -> Vec<Diagnostic> {
    let scored: Vec<(&Risk, Score)> = register
        .risks
        .iter()
        .map(|r| (r, score::score(r, score::budget_of(register, r), today)))
        .collect();
    let incidents = IncidentIndex::new(register);
    let mut findings = Vec::new();
    for (risk, score) in &scored {
        let first = findings.len();
        check_risk(risk, score, register, policy, today, &mut findings);
        check_history(risk, score, &incidents, today, &mut findings);
        check_response(risk, score, &mut findings);
        let subject = Subject {
            system: risk.system.clone(),
            risk: Some(risk.id.value.clone()),
        };
        for finding in &mut findings[first..] {
            finding.subject = Some(subject.clone());
        }
    }
    for incident in register.incidents.iter().filter(|i| i.date.value > today) {
        let mut diagnostic = Diagnostic::new(
            Code::FutureDate,
            format!(
                "incident `{}` is dated {}, after today ({today})",
                incident.id.value, incident.date.value
            ),
        )
        .at(incident.date.span.clone(), "a date in the future")
        .help("record the day it happened; until then it counts in no year");
        diagnostic.subject = Some(Subject {
            system: incident.system.clone(),
            risk: None,
        });
        findings.push(diagnostic);
    }
    for system_budget in budget::system_budgets(register, scored.iter().map(|(r, s)| (*r, s))) {
        check_budget(&system_budget, register, &mut findings);
    }
    if policy.deny_warnings {
        for finding in findings
            .iter_mut()
            .filter(|f| f.severity == Severity::Warning)
        {
            finding.severity = Severity::Error;
        }
    }
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    findings
}

fn check_risk(
    risk: &Risk,
    score: &Score,
    register: &Register,
    policy: &Policy,
    today: Date,
    findings: &mut Vec<Diagnostic>,
) {
    let name = format!("{}/{}", risk.system, risk.id.value);
    let current = &score.current;
    let impact = current.view.impact.level;
    let impact_words = format!("impact {impact}, {}", Scale::Impact.word(impact));

    if impact >= policy.fail_impact && score.state == State::Open {
        findings.push(
            Diagnostic::new(
                Code::Unmitigated,
                format!("risk `{name}` ({impact_words}) has no mitigation"),
            )
            .at(
                risk.id.span.clone(),
                "open: no action is done and no acceptance holds",
            )
            .help("finish an action that reduces it (status = \"done\"), or accept it for a time with [risk.accepted]"),
        );
    }

    if let Some(accepted) = risk
        .accepted
        .as_ref()
        .filter(|_| score::acceptance_expired(risk, today))
    {
        let until = accepted.until.value;
        findings.push(
            Diagnostic::new(
                Code::AcceptanceExpired,
                format!(
                    "acceptance of risk `{name}` expired on {until} ({})",
                    days_ago(until, today)
                ),
            )
            .at(accepted.until.span.clone(), "expired")
            .help(format!(
                "renew it with a later `until` if {} still accepts it, or mitigate the risk",
                accepted.by
            )),
        );
    }

    if let (Some(minutes), Some(share)) = (current.bad_minutes, current.budget_share)
        && current.too_big(policy.single_risk_share)
    {
        let budget = score::budget_of(register, risk).unwrap_or_default();
        let accepted = if score.state == State::Accepted {
            "; accepted, but a risk this big is not safe to accept"
        } else {
            ""
        };
        findings.push(
            Diagnostic::new(
                Code::TooBig,
                format!(
                    "risk `{name}` expects {} bad minutes a year, {} of the error budget of `{}`",
                    budget::minutes_text(minutes),
                    budget::percent_text(share),
                    risk.system
                ),
            )
            .at(
                risk.id.span.clone(),
                format!(
                    "at or over the single-risk threshold of {} ({} minutes){accepted}",
                    budget::percent_text(policy.single_risk_share),
                    budget::minutes_text(policy.single_risk_share * budget)
                ),
            )
            .help("make it rarer, detect or recover faster, or reach fewer users; record what an action buys with its effect keys"),
        );
    }

    for action in &risk.actions {
        let Some(due) = action
            .due
            .as_ref()
            .filter(|d| d.value < today && action.status != ActionStatus::Done)
        else {
            continue;
        };
        let owner = action
            .owner
            .as_deref()
            .or(risk.owner.as_deref())
            .unwrap_or("its owner");
        findings.push(
            Diagnostic::new(
                Code::ActionOverdue,
                format!(
                    "{} action \"{}\" of risk `{name}` was due {} ({})",
                    action.kind.name(),
                    action.what,
                    due.value,
                    days_ago(due.value, today)
                ),
            )
            .at(
                due.span.clone(),
                format!("{}, due {}", action.status.name(), due.value),
            )
            .help(format!(
                "finish it, or ask {owner} for a date they can keep and update `due`"
            )),
        );
    }

    if let Some(reviewed) = risk.reviewed.as_ref().filter(|r| r.value > today) {
        findings.push(
            Diagnostic::new(
                Code::FutureDate,
                format!(
                    "risk `{name}` was reviewed on {}, after today ({today})",
                    reviewed.value
                ),
            )
            .at(reviewed.span.clone(), "a date in the future")
            .help("record the day the review happened"),
        );
    }
    let cadence = score::review_cadence(risk, current.band);
    match &risk.reviewed {
        None => findings.push(
            Diagnostic::new(
                Code::ReviewOverdue,
                format!("risk `{name}` has never been reviewed"),
            )
            .at(risk.id.span.clone(), "no `reviewed` date")
            .help(format!("review it and record the day: reviewed = {today}")),
        ),
        Some(reviewed) => {
            let next = score::next_review(reviewed.value, cadence);
            if next < today {
                findings.push(
                    Diagnostic::new(
                        Code::ReviewOverdue,
                        format!(
                            "risk `{name}` was due for review on {next} ({})",
                            days_ago(next, today)
                        ),
                    )
                    .at(
                        reviewed.span.clone(),
                        format!(
                            "last reviewed {}, every {}",
                            reviewed.value,
                            crate::diag::plural(cadence as usize, "day")
                        ),
                    )
                    .help(format!("review it and record the day: reviewed = {today}")),
                );
            }
        }
    }

    if impact.get() >= HIGH_IMPACT && !risk.actions.iter().any(|a| a.kind == ActionKind::Detect) {
        findings.push(
            Diagnostic::new(
                Code::NoDetection,
                format!("risk `{name}` ({impact_words}) has no detect action"),
            )
            .at(risk.id.span.clone(), "how would we know this is broken at 3am?")
            .help("add a [[risk.action]] with kind = \"detect\": an alert, a probe or a dashboard someone watches"),
        );
    }

    if risk.owner.is_none() {
        findings.push(
            Diagnostic::new(Code::NoOwner, format!("risk `{name}` has no owner"))
                .at(risk.id.span.clone(), "nobody is accountable for this risk")
                .help("set `owner` on the risk, or on its [system]"),
        );
    }

    if current.band >= Band::High
        && current.bad_minutes.is_none()
        && score::budget_of(register, risk).is_some()
    {
        let view = &current.view;
        let mut missing = Vec::new();
        for (key, time) in [
            ("time_to_detect", view.time_to_detect),
            ("time_to_recover", view.time_to_recover),
        ] {
            if time.and_then(|t| t.duration).is_none() {
                missing.push(format!("`{key}` as a duration"));
            }
        }
        if view.frequency.is_none() {
            missing.push("`frequency`".to_string());
        }
        findings.push(
            Diagnostic::new(
                Code::EstimateMissing,
                format!(
                    "risk `{name}` ({}) has no bad-minute estimate",
                    current.band
                ),
            )
            .at(
                risk.id.span.clone(),
                "its share of the error budget is unknown",
            )
            .help(format!("give it {}", join_and(&missing))),
        );
    }
}

/// What the incidents of the last year say about a risk's estimates.
fn check_history(
    risk: &Risk,
    score: &Score,
    incidents: &IncidentIndex<'_>,
    today: Date,
    findings: &mut Vec<Diagnostic>,
) {
    let name = format!("{}/{}", risk.system, risk.id.value);
    let view = &score.current.view;
    for c in incidents.contradictions(risk, view, today) {
        findings.push(
            Diagnostic::new(
                Code::EstimateExceeded,
                format!(
                    "incident `{}` took {} to {}, {} more than risk `{name}` estimates",
                    c.incident.id.value,
                    format_duration(c.took.value),
                    c.measure.verb(),
                    format_duration(c.took.value - c.estimate),
                ),
            )
            .at(
                c.took.span.clone(),
                format!("the estimate is {}", format_duration(c.estimate)),
            )
            .help(format!(
                "set `{}` to what incidents show, or finish the action that makes the estimate true",
                c.measure.key()
            )),
        );
    }
    let history = incidents.history(risk, today);
    if let Some(frequency) = view.frequency
        && history.incidents as f64 > frequency.per_year()
    {
        findings.push(
            Diagnostic::new(
                Code::FrequencyExceeded,
                format!(
                    "risk `{name}` had {} in the last 365 days; its frequency predicts {} a year",
                    crate::diag::plural(history.incidents, "incident"),
                    crate::budget::number_text(frequency.per_year()),
                ),
            )
            .at(
                risk.id.span.clone(),
                "it happens more often than the register says",
            )
            .help("update `frequency` to what happened, or prevent the failures"),
        );
    }
}

/// Whether a serious risk can be detected and answered at 3am.
fn check_response(risk: &Risk, score: &Score, findings: &mut Vec<Diagnostic>) {
    let name = format!("{}/{}", risk.system, risk.id.value);
    for action in &risk.actions {
        if let Some(runbook) = &action.runbook
            && let Runbook::Path {
                path,
                exists: false,
            } = &runbook.value
        {
            findings.push(
                Diagnostic::new(Code::RunbookMissing, format!("runbook `{path}` of risk `{name}` does not exist"))
                    .at(runbook.span.clone(), "no file or folder at this path")
                    .help("a runbook path is relative to this register file; fix it, or link the runbook with its URL"),
            );
        }
    }
    if score.current.band < Band::High {
        return;
    }
    let responds = risk
        .actions
        .iter()
        .filter(|a| a.kind == ActionKind::Respond);
    if !responds.clone().any(|a| a.runbook.is_some()) {
        let has_respond = responds.clone().next().is_some();
        findings.push(
            Diagnostic::new(
                Code::NoRunbook,
                format!("risk `{name}` ({}) has no runbook", score.current.band),
            )
            .at(risk.id.span.clone(), "what is our fastest safe rollback?")
            .help(if has_respond {
                "name the runbook on its respond action: runbook = \"docs/runbooks/<id>.md\" or a link"
            } else {
                "add a [[risk.action]] with kind = \"respond\" and a runbook = \"...\" to follow"
            }),
        );
    }
    for action in risk.actions.iter().filter(|a| {
        a.kind == ActionKind::Detect && a.status == ActionStatus::Done && a.signal.is_none()
    }) {
        findings.push(
            Diagnostic::new(
                Code::NoSignal,
                format!(
                    "detect action \"{}\" of risk `{name}` names no signal",
                    action.what
                ),
            )
            .at(action.span.clone(), "which alert or metric fires?")
            .help("name what it watches: signal = \"<alert or metric>\""),
        );
    }
}

/// Findings about a system's error budget as a whole.
fn check_budget(system_budget: &SystemBudget, register: &Register, findings: &mut Vec<Diagnostic>) {
    let Some(system) = register.system(&system_budget.system) else {
        return;
    };
    let subject = Subject {
        system: system.id.clone(),
        risk: None,
    };
    if system_budget.exceeded() {
        let top: Vec<String> = system_budget
            .contributors
            .iter()
            .take(3)
            .map(|(id, minutes)| format!("`{id}` ({})", budget::minutes_text(*minutes)))
            .collect();
        let mut diagnostic = Diagnostic::new(
            Code::BudgetExceeded,
            format!(
                "system `{}` expects {} bad minutes a year, {} of its error budget",
                system.id,
                budget::minutes_text(system_budget.current),
                budget::percent_text(system_budget.current_share())
            ),
        )
        .at(
            system.span.clone(),
            format!(
                "budget {} minutes a year",
                budget::minutes_text(system_budget.budget)
            ),
        )
        .help(format!("the largest contributors: {}", top.join(", ")));
        diagnostic.subject = Some(subject.clone());
        findings.push(diagnostic);
    }
    if system_budget.unknown > 0 {
        let mut diagnostic = Diagnostic::new(
            Code::BudgetIncomplete,
            format!(
                "{} of system `{}` {} no bad-minute estimate and {} left out of its budget sums",
                crate::diag::plural(system_budget.unknown, "risk"),
                system.id,
                if system_budget.unknown == 1 {
                    "has"
                } else {
                    "have"
                },
                if system_budget.unknown == 1 {
                    "is"
                } else {
                    "are"
                },
            ),
        )
        .at(system.span.clone(), "sums may be too low")
        .help("give risks both times as durations and a frequency to count them");
        diagnostic.subject = Some(subject);
        findings.push(diagnostic);
    }
}

/// `a`, `a and b`, `a, b and c`.
fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// "3 days ago", "yesterday".
fn days_ago(date: Date, today: Date) -> String {
    let days = date.duration_until(today).as_secs() / 86_400;
    match days {
        1 => "yesterday".to_string(),
        n => format!("{n} days ago"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::register::model::{Acceptance, At, Runbook};
    use crate::score::tests::{action, date, risk, span};

    fn codes(register: &Register, policy: &Policy) -> Vec<&'static str> {
        check(register, policy, date("2026-11-27"))
            .iter()
            .map(|d| d.code.id())
            .collect()
    }

    fn reviewed(mut r: Risk, on: &str) -> Risk {
        r.reviewed = Some(At {
            value: date(on),
            span: span(),
        });
        r
    }

    #[test]
    fn open_high_impact_risk_fails_and_lacks_detection() {
        let r = reviewed(risk("s", "r", 2, 4, None), "2026-11-01");
        let register = Register {
            risks: vec![r],
            ..Register::default()
        };
        assert_eq!(
            codes(&register, &Policy::default()),
            ["unmitigated", "no-detection"]
        );
    }

    #[test]
    fn fail_impact_sets_the_threshold() {
        let r = reviewed(risk("s", "r", 2, 3, None), "2026-11-01");
        let register = Register {
            risks: vec![r],
            ..Register::default()
        };
        assert!(codes(&register, &Policy::default()).is_empty());
        let strict = Policy {
            fail_impact: Level::new(3).unwrap(),
            ..Policy::default()
        };
        assert_eq!(codes(&register, &strict), ["unmitigated"]);
    }

    #[test]
    fn a_done_detect_action_mitigates() {
        let mut r = reviewed(risk("s", "r", 2, 5, None), "2026-11-01");
        r.actions
            .push(action(ActionKind::Detect, ActionStatus::Done));
        let register = Register {
            risks: vec![r.clone()],
            ..Register::default()
        };
        // Mitigated; a high risk still wants a runbook, and its alert a name.
        assert_eq!(
            codes(&register, &Policy::default()),
            ["no-runbook", "no-signal"]
        );
        r.actions[0].signal = Some("checkout-p95".into());
        let mut respond = action(ActionKind::Respond, ActionStatus::Planned);
        respond.runbook = Some(At {
            value: Runbook::Link("https://wiki.example/rollback".into()),
            span: span(),
        });
        r.actions.push(respond);
        let register = Register {
            risks: vec![r],
            ..Register::default()
        };
        assert!(codes(&register, &Policy::default()).is_empty());
    }

    #[test]
    fn expired_acceptance_is_an_error_and_no_longer_protects() {
        let mut r = reviewed(risk("s", "r", 2, 4, None), "2026-11-01");
        r.actions
            .push(action(ActionKind::Detect, ActionStatus::Planned));
        r.accepted = Some(Acceptance {
            by: "em".into(),
            reason: "why".into(),
            until: At {
                value: date("2026-11-26"),
                span: span(),
            },
        });
        let register = Register {
            risks: vec![r.clone()],
            ..Register::default()
        };
        assert_eq!(
            codes(&register, &Policy::default()),
            ["unmitigated", "acceptance-expired"]
        );
        r.accepted.as_mut().unwrap().until.value = date("2026-11-27");
        let register = Register {
            risks: vec![r],
            ..Register::default()
        };
        assert!(codes(&register, &Policy::default()).is_empty());
    }

    #[test]
    fn overdue_actions_and_reviews_warn() {
        let mut r = reviewed(risk("s", "r", 1, 2, None), "2025-11-26");
        let mut late = action(ActionKind::Prevent, ActionStatus::Planned);
        late.due = Some(At {
            value: date("2026-11-26"),
            span: span(),
        });
        let mut done_late = late.clone();
        done_late.status = ActionStatus::Done;
        r.actions = vec![late, done_late];
        let register = Register {
            risks: vec![r.clone()],
            ..Register::default()
        };
        // Low band: reviewed every 365 days, so 366 days ago is overdue.
        assert_eq!(
            codes(&register, &Policy::default()),
            ["action-overdue", "review-overdue"]
        );
        r.review_every_days = Some(400);
        let register = Register {
            risks: vec![r],
            ..Register::default()
        };
        assert_eq!(codes(&register, &Policy::default()), ["action-overdue"]);
    }

    #[test]
    fn never_reviewed_and_ownerless_risks_warn() {
        let mut r = risk("s", "r", 1, 1, None);
        r.owner = None;
        let register = Register {
            risks: vec![r],
            ..Register::default()
        };
        let findings = check(&register, &Policy::default(), date("2026-11-27"));
        assert_eq!(
            findings.iter().map(|d| d.code.id()).collect::<Vec<_>>(),
            ["review-overdue", "no-owner"]
        );
        assert!(findings.iter().all(|f| f.severity == Severity::Warning));
        let denied = check(
            &register,
            &Policy {
                deny_warnings: true,
                ..Policy::default()
            },
            date("2026-11-27"),
        );
        assert!(denied.iter().all(|f| f.severity == Severity::Error));
    }

    #[test]
    fn days_ago_reads_well() {
        assert_eq!(
            days_ago(date("2026-11-26"), date("2026-11-27")),
            "yesterday"
        );
        assert_eq!(
            days_ago(date("2026-11-01"), date("2026-11-27")),
            "26 days ago"
        );
    }
}
