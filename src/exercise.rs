//! Whether a mitigation has been shown to work: each action's last
//! exercise, the day the next one is due, and whether it failed.
//!
//! An action is exercised on its own `exercised` day and on the day of
//! every incident that lists it in `worked_actions`; the latest counts.
//! It has failed when its status says so (`failed_on`), or from the day
//! of an incident that lists it in `failed_actions`, unless it was
//! exercised after that day. A done action that has not failed is *in
//! effect*: its effects make the risk's current view. It is exercised in
//! time while its last exercise plus its cadence (`exercise_every` where
//! shorter than the policy's, else the policy's) is today or later. An `exercised` day or an incident
//! after today says nothing yet (each is a `future-date` finding of its
//! own), so no date in the future can make a mitigation count.

use std::collections::HashMap;

use jiff::civil::Date;

use crate::dates::add_days;
use crate::policy::Mitigation;
use crate::register::model::{Action, ActionStatus, Incident, Register, Risk};

/// Where a done action stands against its exercise cadence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Exercise {
    /// Shown to work within its cadence.
    InTime,
    /// Shown to work once, longer ago than its cadence.
    Overdue,
    /// Never shown to work.
    Never,
}

impl Exercise {
    pub fn name(self) -> &'static str {
        match self {
            Exercise::InTime => "in-time",
            Exercise::Overdue => "overdue",
            Exercise::Never => "never",
        }
    }
}

/// What showed an action not to work.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FailedBy<'r> {
    /// Its own `status = "failed"`, with its `reason` if any.
    Status { reason: Option<&'r str> },
    /// An incident that lists it in `failed_actions`.
    Incident(&'r Incident),
}

/// The day an action was found not to work, and what showed it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Failed<'r> {
    pub on: Date,
    pub by: FailedBy<'r>,
}

/// One action's evidence, derived once (see the module's doc).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ActionFacts<'r> {
    /// The last day it was shown to work, incidents included.
    pub exercised: Option<Date>,
    /// Days between exercises: its own `exercise_every` where shorter than
    /// the policy's, else the policy's.
    pub every_days: u32,
    /// The last day its exercise holds: `exercised` + `every_days`.
    pub due: Option<Date>,
    pub failed: Option<Failed<'r>>,
    /// Its status as the gate reads it: `failed` once found not to work,
    /// by its own status or an incident's, else as written.
    pub status: ActionStatus,
    /// Done and not failed: its effects make the current view.
    pub in_effect: bool,
    /// For an action in effect, how its exercise stands; `None` otherwise.
    pub exercise: Option<Exercise>,
    /// It counts as mitigation under the policy.
    pub counts: bool,
    /// Not done, and its `due` day has passed (see [`overdue`]).
    pub overdue: bool,
}

/// An action not done, as written, whose `due` day has passed: what the
/// gate's `action-overdue` finds and every view marks `overdue`. A risk's
/// actions carry it in their facts; a systemic factor's are judged here.
pub fn overdue(action: &Action, today: Date) -> bool {
    action.status != ActionStatus::Done && action.due.is_some_and(|due| due.value < today)
}

/// What incidents say about each named action: the last day one showed
/// it to work, and the last incident that showed it not to.
#[derive(Default)]
pub struct IncidentEvidence<'r> {
    by_action: HashMap<(&'r str, &'r str, &'r str), Said<'r>>,
}

#[derive(Default, Clone, Copy)]
struct Said<'r> {
    worked: Option<Date>,
    failed: Option<&'r Incident>,
}

impl<'r> IncidentEvidence<'r> {
    /// Reads every incident up to `today` once.
    pub fn new(register: &'r Register, today: Date) -> Self {
        let mut by_action: HashMap<(&str, &str, &str), Said<'r>> = HashMap::new();
        for incident in register.incidents.iter().filter(|i| i.date.value <= today) {
            let date = incident.date.value;
            for named in &incident.worked_actions {
                let r = &named.value;
                let said = by_action
                    .entry((&r.system, &r.risk, &r.action))
                    .or_default();
                said.worked = said.worked.max(Some(date));
            }
            for named in &incident.failed_actions {
                let r = &named.value;
                let said = by_action
                    .entry((&r.system, &r.risk, &r.action))
                    .or_default();
                if said.failed.is_none_or(|f| f.date.value < date) {
                    said.failed = Some(incident);
                }
            }
        }
        IncidentEvidence { by_action }
    }

    fn of(&self, risk: &Risk, action: &Action) -> Said<'r> {
        action
            .id
            .as_ref()
            .and_then(|id| {
                self.by_action.get(&(
                    risk.system.as_str(),
                    risk.id.value.as_str(),
                    id.value.as_str(),
                ))
            })
            .copied()
            .unwrap_or_default()
    }
}

impl<'r> ActionFacts<'r> {
    /// The facts of `action` of `risk` on `today`. `shows_evidence` is
    /// whether it shows what it changed (see `crate::score::shows_evidence`).
    pub fn of(
        risk: &Risk,
        action: &'r Action,
        evidence: &IncidentEvidence<'r>,
        today: Date,
        policy: (Mitigation, u32),
        shows_evidence: bool,
    ) -> ActionFacts<'r> {
        let (mitigation, default_every) = policy;
        let said = evidence.of(risk, action);
        // A day after today is no evidence yet (a `future-date` finding).
        let own = action.exercised.map(|e| e.value).filter(|&e| e <= today);
        let exercised = own.max(said.worked);
        // An action may ask to be shown more often than the policy, never
        // less: `exercise_every = "3650d"` cannot stretch an old drill.
        let every_days = action
            .exercise_every_days
            .map_or(default_every, |own| own.min(default_every));
        let due = exercised.map(|e| add_days(e, i64::from(every_days)));
        let failed = match (&action.failure, said.failed) {
            (Some(failure), _) if action.status == ActionStatus::Failed => Some(Failed {
                on: failure.on.value,
                by: FailedBy::Status {
                    reason: failure.reason.as_deref(),
                },
            }),
            (_, Some(incident)) if exercised.is_none_or(|e| e <= incident.date.value) => {
                Some(Failed {
                    on: incident.date.value,
                    by: FailedBy::Incident(incident),
                })
            }
            _ => None,
        };
        let in_effect = action.status == ActionStatus::Done && failed.is_none();
        let exercise = in_effect.then(|| match due {
            None => Exercise::Never,
            Some(due) if due < today => Exercise::Overdue,
            Some(_) => Exercise::InTime,
        });
        let counts = in_effect
            && match mitigation {
                Mitigation::Done => true,
                Mitigation::Evidence => shows_evidence,
                // The third level asks for the second's evidence too: an
                // exercised action that shows nothing it changed is a
                // drill of a claim.
                Mitigation::Exercised => shows_evidence && exercise == Some(Exercise::InTime),
            };
        ActionFacts {
            exercised,
            every_days,
            due,
            status: if failed.is_some() {
                ActionStatus::Failed
            } else {
                action.status
            },
            failed,
            in_effect,
            exercise,
            counts,
            overdue: overdue(action, today),
        }
    }

    /// Done, in effect, and not exercised within its cadence.
    pub fn stale(&self) -> bool {
        matches!(self.exercise, Some(Exercise::Overdue | Exercise::Never))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::tests::{action, date, register, risk, span};
    use crate::register::model::{ActionKind, ActionRef, At, Failure, Incident};

    fn named(id: &str) -> Action {
        let mut a = action(ActionKind::Respond, ActionStatus::Done);
        a.id = Some(At {
            value: id.into(),
            span: span(),
        });
        a
    }

    fn incident(day: &str, failed: &[&str], worked: &[&str]) -> Incident {
        let refs = |names: &[&str]| {
            names
                .iter()
                .map(|n| At {
                    value: ActionRef {
                        system: "s".into(),
                        risk: "r".into(),
                        action: n.to_string(),
                    },
                    span: span(),
                })
                .collect()
        };
        Incident {
            system: "s".into(),
            id: At {
                value: format!("INC-{day}"),
                span: span(),
            },
            date: At {
                value: date(day),
                span: span(),
            },
            risks: vec![At {
                value: ("s".into(), "r".into()),
                span: span(),
            }],
            near_miss: false,
            detected_after: None,
            recovered_after: None,
            users_affected: None,
            summary: None,
            postmortem: None,
            data_lost: None,
            failed_actions: refs(failed),
            worked_actions: refs(worked),
        }
    }

    fn facts<'r>(register: &'r Register, i: usize, mitigation: Mitigation) -> ActionFacts<'r> {
        let today = date("2026-11-27");
        let evidence = IncidentEvidence::new(register, today);
        let risk = &register.risks[0];
        ActionFacts::of(
            risk,
            &risk.actions[i],
            &evidence,
            today,
            (mitigation, 180),
            true,
        )
    }

    #[test]
    fn an_exercise_holds_through_its_cadence_and_no_longer() {
        let mut r = risk("s", "r", 4, 4, None);
        let mut drilled = named("drill");
        drilled.exercised = Some(At {
            value: date("2026-08-29"),
            span: span(),
        });
        drilled.exercise_every_days = Some(90);
        let mut old = named("old");
        old.exercised = Some(At {
            value: date("2026-08-28"),
            span: span(),
        });
        old.exercise_every_days = Some(90);
        r.actions = vec![drilled, old, named("never")];
        let register = register(vec![r]);
        let drilled = facts(&register, 0, Mitigation::Exercised);
        // 2026-08-29 + 90 days = 2026-11-27: today, still in time.
        assert_eq!(drilled.due, Some(date("2026-11-27")));
        assert_eq!(drilled.exercise, Some(Exercise::InTime));
        assert!(drilled.counts);
        let old = facts(&register, 1, Mitigation::Exercised);
        assert_eq!(old.exercise, Some(Exercise::Overdue));
        assert!(old.in_effect && !old.counts && old.stale());
        let never = facts(&register, 2, Mitigation::Exercised);
        assert_eq!(never.exercise, Some(Exercise::Never));
        assert_eq!(never.every_days, 180);
        assert!(!never.counts);
        // Under "done" a done action counts, exercised or not.
        assert!(facts(&register, 2, Mitigation::Done).counts);
    }

    #[test]
    fn an_action_cannot_ask_for_a_longer_cadence_than_the_policy() {
        let mut r = risk("s", "r", 4, 4, None);
        let mut stretched = named("stretched");
        stretched.exercised = Some(At {
            value: date("2017-01-31"),
            span: span(),
        });
        stretched.exercise_every_days = Some(3650);
        let mut future = named("future");
        future.exercised = Some(At {
            value: date("2099-01-01"),
            span: span(),
        });
        r.actions = vec![stretched, future];
        let register = register(vec![r]);
        let stretched = facts(&register, 0, Mitigation::Exercised);
        assert_eq!(stretched.every_days, 180);
        assert_eq!(stretched.exercise, Some(Exercise::Overdue));
        assert!(!stretched.counts);
        // A day after today is no evidence yet.
        let future = facts(&register, 1, Mitigation::Exercised);
        assert_eq!(future.exercised, None);
        assert_eq!(future.exercise, Some(Exercise::Never));
        assert!(!future.counts);
    }

    #[test]
    fn incidents_fail_and_exercise_actions() {
        let mut r = risk("s", "r", 4, 4, None);
        let mut failed = named("failed");
        failed.status = ActionStatus::Failed;
        failed.failure = Some(Failure {
            on: At {
                value: date("2026-10-01"),
                span: span(),
            },
            reason: Some("restore took 3 days".into()),
        });
        r.actions = vec![named("alarm"), named("restore"), named("mended"), failed];
        let mut register = register(vec![r]);
        register.incidents = vec![
            incident("2026-06-01", &["alarm", "mended"], &[]),
            incident("2026-07-01", &[], &["restore", "mended"]),
            // After today: says nothing yet.
            incident("2026-12-01", &["restore"], &[]),
        ];
        let alarm = facts(&register, 0, Mitigation::Done);
        assert_eq!(alarm.failed.map(|f| f.on), Some(date("2026-06-01")));
        assert!(!alarm.in_effect && !alarm.counts && alarm.exercise.is_none());
        let restore = facts(&register, 1, Mitigation::Exercised);
        assert_eq!(restore.exercised, Some(date("2026-07-01")));
        assert!(restore.failed.is_none() && restore.counts);
        // Exercised after it failed: it works again.
        let mended = facts(&register, 2, Mitigation::Done);
        assert!(mended.failed.is_none() && mended.in_effect);
        let own = facts(&register, 3, Mitigation::Done);
        assert_eq!(
            own.failed,
            Some(Failed {
                on: date("2026-10-01"),
                by: FailedBy::Status {
                    reason: Some("restore took 3 days")
                }
            })
        );
        assert!(!own.in_effect);
    }
}
