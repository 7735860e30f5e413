//! Scoring and ranking: pure functions of a risk and the date.
//!
//! severity = likelihood × impact (how bad), exposure = detect level ×
//! recover level (how long the damage lasts). The rank order sorts by
//! both, then by ids, so it is total and the same on every run.

use std::cmp::Ordering;

use jiff::civil::Date;

use crate::register::model::{ActionStatus, Register, Risk};
use crate::scale::Band;

/// Where a risk stands, derived from its actions and acceptance; never typed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum State {
    /// No action is done and it is not accepted.
    Open,
    /// At least one action is done, not all.
    Mitigating,
    /// It has actions and all are done.
    Mitigated,
    /// Its acceptance has not expired.
    Accepted,
}

impl State {
    pub fn name(self) -> &'static str {
        match self {
            State::Open => "open",
            State::Mitigating => "mitigating",
            State::Mitigated => "mitigated",
            State::Accepted => "accepted",
        }
    }
}

/// An acceptance holds through its `until` day and lapses the day after.
pub fn acceptance_expired(risk: &Risk, today: Date) -> bool {
    risk.accepted
        .as_ref()
        .is_some_and(|a| a.until.value < today)
}

pub fn state(risk: &Risk, today: Date) -> State {
    if risk.accepted.is_some() && !acceptance_expired(risk, today) {
        return State::Accepted;
    }
    let done = risk
        .actions
        .iter()
        .filter(|a| a.status == ActionStatus::Done)
        .count();
    match done {
        0 => State::Open,
        n if n == risk.actions.len() => State::Mitigated,
        _ => State::Mitigating,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Score {
    /// likelihood × impact, 1-25.
    pub severity: u8,
    pub band: Band,
    /// detect level × recover level, 1-25; `None` when either time is unknown.
    pub exposure: Option<u8>,
    pub state: State,
}

pub fn score(risk: &Risk, today: Date) -> Score {
    let severity = risk.likelihood.level.get() * risk.impact.level.get();
    let exposure = match (risk.time_to_detect, risk.time_to_recover) {
        (Some(d), Some(r)) => Some(d.level.get() * r.level.get()),
        _ => None,
    };
    Score {
        severity,
        band: Band::of(severity),
        exposure,
        state: state(risk, today),
    }
}

/// A risk with its score and its place in the ranking (1-based).
#[derive(Debug, Clone, Copy)]
pub struct Ranked<'r> {
    pub rank: usize,
    pub risk: &'r Risk,
    pub score: Score,
}

/// The rank order: severity descending, then exposure descending (unknown
/// after every known exposure), then system id, then risk id.
pub fn rank_order(a: (&Risk, &Score), b: (&Risk, &Score)) -> Ordering {
    b.1.severity
        .cmp(&a.1.severity)
        .then_with(|| b.1.exposure.cmp(&a.1.exposure))
        .then_with(|| a.0.system.cmp(&b.0.system))
        .then_with(|| a.0.id.value.cmp(&b.0.id.value))
}

/// Every risk of the register, scored and in rank order.
pub fn rank(register: &Register, today: Date) -> Vec<Ranked<'_>> {
    let mut scored: Vec<(&Risk, Score)> = register
        .risks
        .iter()
        .map(|r| (r, score(r, today)))
        .collect();
    scored.sort_by(|a, b| rank_order((a.0, &a.1), (b.0, &b.1)));
    scored
        .into_iter()
        .enumerate()
        .map(|(i, (risk, score))| Ranked {
            rank: i + 1,
            risk,
            score,
        })
        .collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::register::model::*;
    use crate::scale::Level;
    use crate::source::{FileId, Span};

    pub(crate) fn span() -> Span {
        Span {
            file: FileId(0),
            range: 0..0,
        }
    }

    pub(crate) fn date(text: &str) -> Date {
        text.parse().unwrap()
    }

    pub(crate) fn risk(
        system: &str,
        id: &str,
        likelihood: u8,
        impact: u8,
        times: Option<(u8, u8)>,
    ) -> Risk {
        let rated = |n| Rated {
            level: Level::new(n).unwrap(),
            source: Source::Explicit,
        };
        let time = |n| TimeEstimate {
            level: Level::new(n).unwrap(),
            duration: None,
        };
        Risk {
            system: system.into(),
            id: At {
                value: id.into(),
                span: span(),
            },
            title: format!("{id} title"),
            category: Category::Technical,
            likelihood: rated(likelihood),
            impact: rated(impact),
            time_to_detect: times.map(|(d, _)| time(d)),
            time_to_recover: times.map(|(_, r)| time(r)),
            frequency: None,
            users_affected: None,
            owner: Some("alice".into()),
            reviewed: None,
            review_every_days: None,
            actions: Vec::new(),
            accepted: None,
        }
    }

    pub(crate) fn action(kind: ActionKind, status: ActionStatus) -> Action {
        Action {
            kind,
            what: "do it".into(),
            owner: None,
            due: None,
            status,
            link: None,
            span: span(),
        }
    }

    #[test]
    fn severity_band_and_exposure() {
        let s = score(&risk("s", "r", 4, 4, Some((3, 2))), date("2026-11-27"));
        assert_eq!(s.severity, 16);
        assert_eq!(s.band, Band::High);
        assert_eq!(s.exposure, Some(6));
        assert_eq!(
            score(&risk("s", "r", 5, 4, None), date("2026-11-27")).band,
            Band::Critical
        );
        assert_eq!(
            score(&risk("s", "r", 5, 4, None), date("2026-11-27")).exposure,
            None
        );
    }

    #[test]
    fn state_follows_actions_and_acceptance() {
        let today = date("2026-11-27");
        let mut r = risk("s", "r", 3, 4, None);
        assert_eq!(state(&r, today), State::Open);
        r.actions
            .push(action(ActionKind::Prevent, ActionStatus::InProgress));
        assert_eq!(state(&r, today), State::Open);
        r.actions
            .push(action(ActionKind::Detect, ActionStatus::Done));
        assert_eq!(state(&r, today), State::Mitigating);
        r.actions[0].status = ActionStatus::Done;
        assert_eq!(state(&r, today), State::Mitigated);
        r.actions[0].status = ActionStatus::Planned;
        r.accepted = Some(Acceptance {
            by: "em".into(),
            reason: "why".into(),
            until: At {
                value: today,
                span: span(),
            },
        });
        assert_eq!(
            state(&r, today),
            State::Accepted,
            "an acceptance holds through its last day"
        );
        assert!(!acceptance_expired(&r, today));
        let tomorrow = date("2026-11-28");
        assert!(acceptance_expired(&r, tomorrow));
        assert_eq!(
            state(&r, tomorrow),
            State::Mitigating,
            "an expired acceptance is judged as if absent"
        );
    }

    #[test]
    fn rank_order_sorts_by_severity_exposure_then_ids() {
        let register = Register {
            systems: Vec::new(),
            risks: vec![
                risk("b", "low", 1, 2, Some((5, 5))),
                risk("b", "same-unknown", 4, 4, None),
                risk("a", "same-unknown", 4, 4, None),
                risk("a", "high-slow", 4, 4, Some((4, 4))),
                risk("a", "high-fast", 4, 4, Some((1, 1))),
                risk("z", "critical", 5, 5, Some((1, 1))),
            ],
        };
        let ranked: Vec<String> = rank(&register, date("2026-11-27"))
            .iter()
            .map(|r| format!("{}/{}#{}", r.risk.system, r.risk.id.value, r.rank))
            .collect();
        assert_eq!(
            ranked,
            [
                "z/critical#1",
                "a/high-slow#2",
                "a/high-fast#3",
                "a/same-unknown#4",
                "b/same-unknown#5",
                "b/low#6"
            ]
        );
    }
}
