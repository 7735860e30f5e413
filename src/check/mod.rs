//! The CI gate: rules over the assessed register, each giving findings.
//!
//! A rule (`rules`) looks at a risk or a system and says what it found as a
//! [`Finding`], plain data; `finding` turns each into a [`Diagnostic`] with
//! its message, location and help, the way every output format shows it.
//! The policy then sets each finding's level (`[rules]`, `deny_warnings`),
//! and a risk's waivers set aside the findings they name, for a time.
//! Errors fail the build; warnings fail it only under `deny_warnings`;
//! notes never do. Every rule judges a risk's current view on the
//! analysis's day, so a run is reproducible with `--today`.

mod finding;
mod rules;

use std::collections::HashSet;

use jiff::civil::Date;

pub use finding::Finding;

use crate::analysis::Analysis;
use crate::diag::{Code, Diagnostic, Subject};
use crate::policy::Policy;
use crate::register::model::Waiver;

/// What the gate found.
#[derive(Debug, Default)]
pub struct Checked {
    /// The findings that count, in file and text order.
    pub findings: Vec<Diagnostic>,
    /// The findings a waiver set aside: reported, never counted.
    pub waived: Vec<Waived>,
}

/// A finding set aside by a risk's waiver.
#[derive(Debug, Clone)]
pub struct Waived {
    pub finding: Diagnostic,
    pub waiver: Waiver,
}

/// Every finding for the register.
pub fn check(analysis: &Analysis<'_>, policy: &Policy) -> Checked {
    let today = analysis.today;
    let mut found = Vec::new();
    for risk in &analysis.risks {
        rules::risk(analysis, risk, policy, &mut found);
    }
    for system in &analysis.systems {
        rules::system(analysis, system, policy, &mut found);
    }
    for factor in &analysis.factors {
        rules::factor(analysis, factor, &mut found);
    }
    rules::incidents(analysis, &mut found);

    // The rules' findings at the policy's levels, those of an allowed rule
    // dropped, each matched against its risk's waivers that hold.
    let mut checked = Checked::default();
    // (system, risk, rule) of what a waiver set aside, and of what counts
    // on a risk that has waivers.
    let mut used: HashSet<(&str, &str, Code)> = HashSet::new();
    let mut counted: HashSet<(&str, &str, Code)> = HashSet::new();
    for finding in &found {
        let Some(diagnostic) = leveled(finding, policy, today) else {
            continue;
        };
        let risk = finding.risk().filter(|r| !r.waivers.is_empty());
        let key = risk.map(|r| (r.system.as_str(), r.id.value.as_str(), finding.code()));
        let waiver = risk.and_then(|r| {
            r.waivers
                .iter()
                .find(|w| w.rule == finding.code() && w.until.value >= today)
        });
        match (key, waiver) {
            (Some(key), Some(waiver)) => {
                used.insert(key);
                checked.waived.push(Waived {
                    finding: diagnostic,
                    waiver: waiver.clone(),
                });
            }
            (key, _) => {
                counted.extend(key);
                checked.findings.push(diagnostic);
            }
        }
    }

    // A waiver that set nothing aside is stale; one past its end date
    // stops working, and fails the gate only if its rule still finds
    // something (which then counts again, above).
    for r in &analysis.risks {
        let risk = r.risk;
        for waiver in &risk.waivers {
            let key = (risk.system.as_str(), risk.id.value.as_str(), waiver.rule);
            let finding = if waiver.until.value < today && counted.contains(&key) {
                Finding::WaiverExpired { risk, waiver }
            } else if used.contains(&key) {
                continue;
            } else {
                Finding::UnusedWaiver {
                    risk,
                    waiver,
                    allowed: policy.severity(waiver.rule).is_none(),
                }
            };
            checked.findings.extend(leveled(&finding, policy, today));
        }
    }

    // A done detect action with neither a signal nor an effect: its
    // unevidenced-action, when it stands, already asks for the signal.
    let unevidenced: HashSet<Subject> = checked
        .findings
        .iter()
        .filter(|d| d.code == Code::UnevidencedAction)
        .filter_map(|d| d.subject.clone())
        .collect();
    checked.findings.retain(|d| {
        d.code != Code::NoSignal || d.subject.as_ref().is_none_or(|s| !unevidenced.contains(s))
    });

    checked
        .findings
        .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    checked
        .waived
        .sort_by(|a, b| a.finding.sort_key().cmp(&b.finding.sort_key()));
    checked
}

/// A finding as a diagnostic at the level the policy sets; `None` when
/// the policy turns its rule off.
fn leveled(finding: &Finding<'_>, policy: &Policy, today: Date) -> Option<Diagnostic> {
    let severity = policy.severity(finding.code())?;
    let mut diagnostic = finding.diagnostic(today);
    diagnostic.severity = finding.cap().map_or(severity, |cap| severity.min(cap));
    Some(diagnostic)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::tests::{action, date, register as register_of, risk, span};
    use crate::diag::Severity;
    use crate::register::model::{
        Acceptance, ActionKind, ActionStatus, At, Register, Risk, Runbook,
    };
    use crate::scale::Level;

    fn findings(register: &Register, policy: &Policy) -> Vec<Diagnostic> {
        let analysis = Analysis::new(register, date("2026-11-27"), policy);
        check(&analysis, policy).findings
    }

    fn codes(register: &Register, policy: &Policy) -> Vec<&'static str> {
        findings(register, policy)
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
        let register = register_of(vec![r]);
        assert_eq!(
            codes(&register, &Policy::default()),
            ["unmitigated", "no-detection"]
        );
    }

    #[test]
    fn fail_impact_sets_the_threshold() {
        let r = reviewed(risk("s", "r", 2, 3, None), "2026-11-01");
        let register = register_of(vec![r]);
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
        let register = register_of(vec![r.clone()]);
        // Mitigated; a high risk still wants a runbook, and its alert a
        // name, which is also what would show the action's evidence.
        assert_eq!(
            codes(&register, &Policy::default()),
            ["no-runbook", "unevidenced-action", "never-exercised"]
        );
        r.actions[0].signal = Some("checkout-p95".into());
        let mut respond = action(ActionKind::Respond, ActionStatus::Planned);
        respond.runbook = Some(Box::new(At {
            value: Runbook::Link("https://wiki.example/rollback".into()),
            span: span(),
        }));
        r.actions.push(respond);
        // Shown to work: nothing left to find.
        r.actions[0].exercised = Some(At {
            value: date("2026-10-01"),
            span: span(),
        });
        let register = register_of(vec![r]);
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
        let register = register_of(vec![r.clone()]);
        assert_eq!(
            codes(&register, &Policy::default()),
            ["unmitigated", "acceptance-expired"]
        );
        r.accepted.as_mut().unwrap().until.value = date("2026-11-27");
        let register = register_of(vec![r]);
        assert_eq!(
            codes(&register, &Policy::default()),
            ["acceptance-expiring"],
            "it holds through its last day, which is soon"
        );
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
        let register = register_of(vec![r.clone()]);
        // Low band: reviewed every 365 days, so 366 days ago is overdue.
        assert_eq!(
            codes(&register, &Policy::default()),
            ["action-overdue", "review-overdue", "unevidenced-action"]
        );
        r.review_every_days = Some(400);
        let register = register_of(vec![r]);
        assert_eq!(
            codes(&register, &Policy::default()),
            ["action-overdue", "unevidenced-action"]
        );
    }

    #[test]
    fn never_reviewed_and_ownerless_risks_warn() {
        let mut r = risk("s", "r", 1, 1, None);
        r.owner = None;
        let register = register_of(vec![r]);
        let found = findings(&register, &Policy::default());
        assert_eq!(
            found.iter().map(|d| d.code.id()).collect::<Vec<_>>(),
            ["review-overdue", "no-owner"]
        );
        assert!(found.iter().all(|f| f.severity == Severity::Warning));
        let denied = findings(
            &register,
            &Policy {
                deny_warnings: true,
                ..Policy::default()
            },
        );
        assert!(denied.iter().all(|f| f.severity == Severity::Error));
    }
}
