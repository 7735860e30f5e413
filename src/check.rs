//! The CI gate: rules over a validated register, each giving findings.
//!
//! A finding is a [`Diagnostic`] with a gate code. Errors fail the build;
//! warnings fail it only under `deny_warnings`. Every rule judges the
//! risk's derived state on `today`, so a run is reproducible with `--today`.

use jiff::civil::Date;

use crate::diag::{Code, Diagnostic, Severity, Subject};
use crate::register::model::{ActionKind, ActionStatus, Register, Risk};
use crate::scale::{Level, Scale};
use crate::score::{self, State};

/// Impact at or above which a risk needs a way to be detected.
const HIGH_IMPACT: u8 = 4;

/// What the gate enforces; from `opx.toml`, then overridden by flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// An open risk with at least this impact fails the gate.
    pub fail_impact: Level,
    /// Warnings fail the gate too.
    pub deny_warnings: bool,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            fail_impact: Level::new(HIGH_IMPACT).expect("4 is a level"),
            deny_warnings: false,
        }
    }
}

/// Every finding for the register, in file and text order.
pub fn check(register: &Register, policy: &Policy, today: Date) -> Vec<Diagnostic> {
    let mut findings = Vec::new();
    for risk in &register.risks {
        let first = findings.len();
        check_risk(risk, policy, today, &mut findings);
        let subject = Subject {
            system: risk.system.clone(),
            risk: risk.id.value.clone(),
        };
        for finding in &mut findings[first..] {
            finding.subject = Some(subject.clone());
        }
    }
    if policy.deny_warnings {
        for finding in &mut findings {
            finding.severity = Severity::Error;
        }
    }
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    findings
}

fn check_risk(risk: &Risk, policy: &Policy, today: Date, findings: &mut Vec<Diagnostic>) {
    let name = format!("{}/{}", risk.system, risk.id.value);
    let score = score::score(risk, today);
    let impact = risk.impact.level;
    let impact_words = format!("impact {impact}, {}", Scale::Impact.word(impact));

    if impact >= policy.fail_impact && score.state == State::Open {
        findings.push(
            Diagnostic::new(Code::Unmitigated, format!("risk `{name}` ({impact_words}) has no mitigation"))
                .at(risk.id.span.clone(), "open: no action is done and no acceptance holds")
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

    let cadence = risk
        .review_every_days
        .unwrap_or_else(|| score.band.default_review_days());
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
            let next = reviewed
                .value
                .saturating_add(jiff::Span::new().days(i64::from(cadence)));
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
            Diagnostic::new(Code::NoDetection, format!("risk `{name}` ({impact_words}) has no detect action"))
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
    use crate::register::model::{Acceptance, At};
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
            systems: vec![],
            risks: vec![r],
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
            systems: vec![],
            risks: vec![r],
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
            systems: vec![],
            risks: vec![r],
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
            systems: vec![],
            risks: vec![r.clone()],
        };
        assert_eq!(
            codes(&register, &Policy::default()),
            ["unmitigated", "acceptance-expired"]
        );
        r.accepted.as_mut().unwrap().until.value = date("2026-11-27");
        let register = Register {
            systems: vec![],
            risks: vec![r],
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
            systems: vec![],
            risks: vec![r.clone()],
        };
        // Low band: reviewed every 365 days, so 366 days ago is overdue.
        assert_eq!(
            codes(&register, &Policy::default()),
            ["action-overdue", "review-overdue"]
        );
        r.review_every_days = Some(400);
        let register = Register {
            systems: vec![],
            risks: vec![r],
        };
        assert_eq!(codes(&register, &Policy::default()), ["action-overdue"]);
    }

    #[test]
    fn never_reviewed_and_ownerless_risks_warn() {
        let mut r = risk("s", "r", 1, 1, None);
        r.owner = None;
        let register = Register {
            systems: vec![],
            risks: vec![r],
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
