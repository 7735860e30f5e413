//! The CI gate: rules over the assessed register, each giving findings.
//!
//! A rule (`rules`) looks at a risk or a system and says what it found as a
//! [`Finding`], plain data; `finding` turns each into a [`Diagnostic`] with
//! its message, location and help, the way every output format shows it.
//! Errors fail the build; warnings fail it only under `deny_warnings`;
//! notes never do. Every rule judges a risk's current view on the
//! analysis's day, so a run is reproducible with `--today`.

mod finding;
mod rules;

pub use finding::Finding;

use crate::analysis::Analysis;
use crate::diag::{Diagnostic, Severity};
use crate::policy::Policy;

/// Every finding for the register, as diagnostics in file and text order.
pub fn check(analysis: &Analysis<'_>, policy: &Policy) -> Vec<Diagnostic> {
    let mut findings = Vec::new();
    for risk in &analysis.risks {
        rules::risk(analysis, risk, policy, &mut findings);
    }
    for system in &analysis.systems {
        rules::system(analysis, system, &mut findings);
    }
    rules::incidents(analysis, &mut findings);
    let mut diagnostics: Vec<Diagnostic> = findings
        .into_iter()
        .map(|f| f.diagnostic(analysis.today))
        .collect();
    if policy.deny_warnings {
        for d in diagnostics
            .iter_mut()
            .filter(|d| d.severity == Severity::Warning)
        {
            d.severity = Severity::Error;
        }
    }
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    diagnostics
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::tests::{action, date, register as register_of, risk, span};
    use crate::register::model::{
        Acceptance, ActionKind, ActionStatus, At, Register, Risk, Runbook,
    };
    use crate::scale::Level;

    fn findings(register: &Register, policy: &Policy) -> Vec<Diagnostic> {
        let analysis = Analysis::new(register, date("2026-11-27"), policy.single_risk_share);
        check(&analysis, policy)
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
        // Mitigated; a high risk still wants a runbook, and its alert a name.
        assert_eq!(
            codes(&register, &Policy::default()),
            ["no-runbook", "no-signal"]
        );
        r.actions[0].signal = Some("checkout-p95".into());
        let mut respond = action(ActionKind::Respond, ActionStatus::Planned);
        respond.runbook = Some(Box::new(At {
            value: Runbook::Link("https://wiki.example/rollback".into()),
            span: span(),
        }));
        r.actions.push(respond);
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
        let register = register_of(vec![r.clone()]);
        // Low band: reviewed every 365 days, so 366 days ago is overdue.
        assert_eq!(
            codes(&register, &Policy::default()),
            ["action-overdue", "review-overdue"]
        );
        r.review_every_days = Some(400);
        let register = register_of(vec![r]);
        assert_eq!(codes(&register, &Policy::default()), ["action-overdue"]);
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
