//! Scoring and ranking: pure functions of a risk, its system's budget and the date.
//!
//! Each risk is scored in three views: **inherent** (its own fields),
//! **current** (with the effects of its done actions) and **target** (with
//! the effects of every action: what the plan buys). In each view,
//! severity = likelihood × impact (how bad), exposure = detect level ×
//! recover level (how long the damage lasts), and bad minutes = the minutes
//! of users' pain a year (see `crate::budget`). Rankings use the current
//! view and are total orders, the same on every run.

use std::cmp::Ordering;

use jiff::civil::Date;

use crate::band::{Band, RiskMatrix};
use crate::budget;
pub use crate::register::model::View;
use crate::register::model::{Action, ActionKind, Rated, Risk, Source, TimeEstimate};
use crate::scale;
use crate::uncertainty::{Interval, Spread};

/// Where a risk stands, derived from its actions and acceptance; never typed in.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
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
        .is_some_and(|a| crate::exception::ended(a.until.value, today))
}

/// Whether an action shows what it changes: an effect that improves on
/// the risk as written (by the same maths as its views: setting a value the
/// risk already has, or a worse one, changes nothing), a detect action's
/// signal, or a respond action's runbook. A done action that shows none of
/// these claims mitigation without measuring it.
pub fn shows_evidence(risk: &Risk, action: &Action) -> bool {
    (action.kind == ActionKind::Detect && action.signal.is_some())
        || (action.kind == ActionKind::Respond && action.runbook.is_some())
        || View::of(risk, std::iter::once(action)) != View::of(risk, std::iter::empty())
}

/// Where a risk stands on `today`, from its actions' statuses alone. Under
/// [`Mitigation::Evidence`] a done action counts only when it shows what it
/// changed; `without_evidence` holds the places, in the risk's actions, of
/// those that do not. The assessed model judges with incidents and
/// exercises too ([`state_of`] with `crate::exercise`'s facts): this is a
/// shortcut for tests.
#[cfg(test)]
pub fn state(
    risk: &Risk,
    today: Date,
    mitigation: crate::policy::Mitigation,
    without_evidence: &[usize],
) -> State {
    use crate::policy::Mitigation;
    use crate::register::model::ActionStatus;
    let counts: Vec<bool> = risk
        .actions
        .iter()
        .enumerate()
        .map(|(i, a)| {
            a.status == ActionStatus::Done
                && (mitigation == Mitigation::Done || !without_evidence.contains(&i))
        })
        .collect();
    state_of(risk, today, &counts)
}

/// Where a risk stands on `today`, given which of its actions count as
/// mitigation (`counts`, one per action; see `crate::exercise`).
pub fn state_of(risk: &Risk, today: Date, counts: &[bool]) -> State {
    if risk.accepted.is_some() && !acceptance_expired(risk, today) {
        return State::Accepted;
    }
    let done = counts.iter().filter(|c| **c).count();
    match done {
        0 => State::Open,
        n if n == risk.actions.len() => State::Mitigated,
        _ => State::Mitigating,
    }
}

impl View {
    /// The risk with the effects of `actions` applied. Each field takes the
    /// best of the risk's own value and the actions' values: an action
    /// never makes a risk worse. A likelihood or impact that the risk
    /// derives (from frequency, from users affected) is derived again from
    /// the improved input, unless an action sets the level itself.
    pub fn of<'a>(risk: &Risk, actions: impl Iterator<Item = &'a Action> + Clone) -> View {
        let own = &risk.inherent;
        let effects = actions.map(|a| a.effects);
        let frequency = best(
            own.frequency.map(|f| (f, own.spread.frequency)),
            effects
                .clone()
                .map(|e| e.frequency.map(|f| (f, e.spread.frequency))),
            |a, b| a.per_year().total_cmp(&b.per_year()),
        );
        let users_affected = best(
            own.users_affected.map(|u| (u, own.spread.users_affected)),
            effects
                .clone()
                .map(|e| e.users_affected.map(|u| (u, e.spread.users_affected))),
            |a, b| a.value().total_cmp(&b.value()),
        );
        let time_to_detect = best_time(
            own.time_to_detect.map(|t| (t, own.spread.time_to_detect)),
            effects
                .clone()
                .map(|e| e.time_to_detect.map(|t| (t, e.spread.time_to_detect))),
        );
        let time_to_recover = best_time(
            own.time_to_recover.map(|t| (t, own.spread.time_to_recover)),
            effects
                .clone()
                .map(|e| e.time_to_recover.map(|t| (t, e.spread.time_to_recover))),
        );
        let level = |own: Rated, set: Option<scale::Level>, derived: Option<scale::Level>| {
            let base = match own.source {
                Source::Derived => Rated {
                    level: derived.unwrap_or(own.level),
                    source: Source::Derived,
                },
                Source::Explicit => own,
            };
            match set {
                Some(level) if level < base.level => Rated {
                    level,
                    source: Source::Explicit,
                },
                _ => base,
            }
        };
        // A range is judged by its high end, as against an objective.
        let data_loss = own
            .data_loss
            .into_iter()
            .chain(effects.clone().filter_map(|e| e.data_loss))
            .min_by_key(|d| d.worst());
        let set_likelihood = effects.clone().filter_map(|e| e.likelihood).min();
        let set_impact = effects.filter_map(|e| e.impact).min();
        fn value<T>(estimate: Option<Ranged<T>>) -> Option<T> {
            estimate.map(|(v, _)| v)
        }
        fn range<T>(estimate: Option<Ranged<T>>) -> Option<Interval> {
            estimate.and_then(|(_, r)| r)
        }
        View {
            likelihood: level(
                own.likelihood,
                set_likelihood,
                value(frequency).map(scale::likelihood_from_frequency),
            ),
            impact: level(
                own.impact,
                set_impact,
                value(users_affected).map(scale::impact_from_users),
            ),
            time_to_detect: value(time_to_detect),
            time_to_recover: value(time_to_recover),
            frequency: value(frequency),
            users_affected: value(users_affected),
            data_loss,
            spread: Spread {
                time_to_detect: range(time_to_detect),
                time_to_recover: range(time_to_recover),
                frequency: range(frequency),
                users_affected: range(users_affected),
            },
        }
    }
}

/// An estimate and the range it is the mean of, if any.
type Ranged<T> = (T, Option<Interval>);

/// The smallest of a value and its replacements, by `order`, with its range.
fn best<T: Copy>(
    own: Option<Ranged<T>>,
    others: impl Iterator<Item = Option<Ranged<T>>>,
    order: impl Fn(&T, &T) -> Ordering,
) -> Option<Ranged<T>> {
    own.into_iter()
        .chain(others.flatten())
        .min_by(|a, b| order(&a.0, &b.0))
}

/// The best of a time and its replacements: the lowest level, and the
/// shortest duration that any of them vouches for. A word vouches for no
/// more than its band's upper bound (`fast` is at most 30 minutes), so a
/// word that improves on a known duration caps it rather than erasing it;
/// a capped duration is a point, whatever range it came from.
fn best_time(
    own: Option<Ranged<TimeEstimate>>,
    others: impl Iterator<Item = Option<Ranged<TimeEstimate>>>,
) -> Option<Ranged<TimeEstimate>> {
    let all: Vec<Ranged<TimeEstimate>> = own.into_iter().chain(others.flatten()).collect();
    let level = all.iter().map(|(t, _)| t.level).min()?;
    let known = all
        .iter()
        .filter_map(|(t, range)| Some((t.duration()?, *range)))
        .min_by_key(|(d, _)| *d);
    let Some((shortest, range)) = known else {
        return Some((TimeEstimate::new(level, None), None));
    };
    let capped = all
        .iter()
        .filter_map(|(t, _)| scale::level_upper_bound(t.level))
        .fold(shortest, std::cmp::min);
    let range = range.filter(|_| capped == shortest);
    Some((TimeEstimate::new(level, Some(capped)), range))
}

/// The scores of one view.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ViewScore {
    pub view: View,
    /// likelihood × impact, 1-25.
    pub severity: u8,
    pub band: Band,
    /// detect level × recover level, 1-25; `None` when either time is unknown.
    pub exposure: Option<u8>,
    /// Expected minutes of users' pain a year; `None` without the inputs.
    pub bad_minutes: Option<f64>,
    /// Bad minutes as a share of the system's yearly error budget (1.0 = all of it).
    pub budget_share: Option<f64>,
}

impl ViewScore {
    /// How grave it is: its band, then its severity. A matrix may read a
    /// smaller product as a higher band (3 × 4 red, 5 × 3 amber), and the
    /// band decides; under the `opx` matrix this is the severity's order.
    pub fn gravity(&self) -> (Band, u8) {
        (self.band, self.severity)
    }

    /// Its bad minutes reach the single-risk share of the error budget.
    pub fn too_big(&self, single_risk_share: f64) -> bool {
        self.budget_share
            .is_some_and(|share| budget::size(share, single_risk_share) == budget::Size::TooBig)
    }

    pub fn of(view: View, budget: Option<f64>, matrix: &RiskMatrix) -> ViewScore {
        let severity = view.likelihood.level.get() * view.impact.level.get();
        let exposure = match (view.time_to_detect, view.time_to_recover) {
            (Some(d), Some(r)) => Some(d.level.get() * r.level.get()),
            _ => None,
        };
        let bad_minutes = budget::bad_minutes(&view);
        ViewScore {
            view,
            severity,
            band: matrix.band(view.likelihood.level, view.impact.level),
            exposure,
            bad_minutes,
            budget_share: bad_minutes.zip(budget).map(|(m, b)| budget::share(m, b)),
        }
    }
}

/// A risk's scores in its three views.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Score {
    pub inherent: ViewScore,
    /// With the done actions applied: what the gate judges and rankings sort by.
    pub current: ViewScore,
    /// With every action applied: what the plan buys.
    pub target: ViewScore,
}

impl Score {
    /// Scores a risk from its actions' statuses alone; `budget` is its
    /// system's yearly error budget in minutes, if it has an availability
    /// SLO; `matrix` bands it. The assessed model scores with
    /// [`Score::with`], from the facts of `crate::exercise`: this is a
    /// shortcut for tests.
    #[cfg(test)]
    pub fn of(risk: &Risk, budget: Option<f64>, matrix: &RiskMatrix) -> Score {
        use crate::register::model::ActionStatus;
        let in_effect: Vec<bool> = risk
            .actions
            .iter()
            .map(|a| a.status == ActionStatus::Done)
            .collect();
        let failed: Vec<bool> = risk
            .actions
            .iter()
            .map(|a| a.status == ActionStatus::Failed)
            .collect();
        Score::with(risk, budget, matrix, &in_effect, &failed)
    }

    /// Scores a risk whose actions in `counting` (one flag per action:
    /// done, not failed, and counting under the policy) apply to its
    /// current view, and whose `failed` actions apply to no view: a failed
    /// mitigation mitigates nothing, and the plan cannot count on it either
    /// until it is mended.
    pub fn with(
        risk: &Risk,
        budget: Option<f64>,
        matrix: &RiskMatrix,
        counting: &[bool],
        failed: &[bool],
    ) -> Score {
        fn pick<'a>(
            actions: &'a [Action],
            flags: &'a [bool],
            keep: bool,
        ) -> impl Iterator<Item = &'a Action> + Clone {
            actions
                .iter()
                .zip(flags.iter().copied())
                .filter(move |(_, f)| *f == keep)
                .map(|(a, _)| a)
        }
        let done = pick(&risk.actions, counting, true);
        let working = pick(&risk.actions, failed, false);
        Score {
            inherent: ViewScore::of(risk.inherent, budget, matrix),
            current: ViewScore::of(View::of(risk, done), budget, matrix),
            target: ViewScore::of(View::of(risk, working), budget, matrix),
        }
    }
}

/// One of a risk's three views, as a command names it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ViewName {
    /// The risk as written
    Inherent,
    /// With its done actions applied
    #[default]
    Current,
    /// With every action done: after the plan
    Target,
}

impl ViewName {
    pub const ALL: [ViewName; 3] = [ViewName::Inherent, ViewName::Current, ViewName::Target];

    pub fn name(self) -> &'static str {
        match self {
            ViewName::Inherent => "inherent",
            ViewName::Current => "current",
            ViewName::Target => "target",
        }
    }

    /// This view of `score`.
    pub fn of(self, score: &Score) -> &ViewScore {
        match self {
            ViewName::Inherent => &score.inherent,
            ViewName::Current => &score.current,
            ViewName::Target => &score.target,
        }
    }
}

/// What a ranking sorts by first; every order falls back to the others and then to ids.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum RankBy {
    /// Severity, then exposure
    #[default]
    Severity,
    /// Exposure, then severity
    Exposure,
    /// Share of its own system's error budget, then bad minutes a year, then severity
    Budget,
}

/// What the rank order compares: the current view, then the system (by its
/// place among the register's systems, which are sorted by id) and the id.
#[derive(Debug, Clone, Copy)]
pub struct RankKey<'a> {
    pub current: &'a ViewScore,
    pub system: usize,
    pub id: &'a str,
}

/// Descending by `order`, with unknown values after every known one.
fn descending<T>(a: Option<T>, b: Option<T>, order: impl Fn(&T, &T) -> Ordering) -> Ordering {
    match (a, b) {
        (Some(x), Some(y)) => order(&y, &x),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

/// The rank order over the current view. Ties fall back to system id, then
/// risk id, so the order is total.
pub fn rank_order(by: RankBy, a: RankKey<'_>, b: RankKey<'_>) -> Ordering {
    let (x, y) = (a.current, b.current);
    let severity = || y.gravity().cmp(&x.gravity());
    let exposure = || descending(x.exposure, y.exposure, Ord::cmp);
    let minutes = || descending(x.bad_minutes, y.bad_minutes, f64::total_cmp);
    // A risk's share of its own system's budget is what the budget column
    // shows; bad minutes break ties, and order risks of systems without one.
    let share = || descending(x.budget_share, y.budget_share, f64::total_cmp);
    match by {
        RankBy::Severity => severity().then_with(exposure),
        RankBy::Exposure => exposure().then_with(severity),
        RankBy::Budget => share()
            .then_with(minutes)
            .then_with(severity)
            .then_with(exposure),
    }
    .then_with(|| a.system.cmp(&b.system))
    .then_with(|| a.id.cmp(b.id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::tests::{action, date, risk, span, timed};
    use crate::policy::Mitigation;
    use crate::register::model::*;
    use crate::scale::Level;

    #[test]
    fn severity_band_and_exposure() {
        let s = Score::of(
            &risk("s", "r", 4, 4, Some((3, 2))),
            None,
            &RiskMatrix::default(),
        )
        .current;
        assert_eq!(s.severity, 16);
        assert_eq!(s.band.name(), "high");
        assert_eq!(s.exposure, Some(6));
        let s = Score::of(&risk("s", "r", 5, 4, None), None, &RiskMatrix::default()).current;
        assert_eq!(s.band.name(), "critical");
        assert_eq!(s.exposure, None);
    }

    #[test]
    fn views_apply_done_actions_to_current_and_all_actions_to_target() {
        let mut r = risk("s", "r", 4, 4, None);
        r.inherent.time_to_detect = Some(timed("30m"));
        r.inherent.time_to_recover = Some(timed("2h"));
        r.inherent.frequency = Some(crate::units::parse_frequency("every 120d").unwrap());
        r.inherent.users_affected = Some(crate::units::parse_percent("20%").unwrap());
        let mut detect = action(ActionKind::Detect, ActionStatus::Done);
        detect.effects.time_to_detect = Some(timed("5m"));
        let mut prevent = action(ActionKind::Prevent, ActionStatus::Planned);
        prevent.effects.likelihood = Level::new(2);
        let mut worse = action(ActionKind::Prevent, ActionStatus::Planned);
        worse.effects.likelihood = Level::new(5);
        r.actions = vec![detect, prevent, worse];
        let s = Score::of(&r, Some(525.96), &RiskMatrix::default());
        // inherent: 150 minutes × 20% × 3.04375 a year.
        assert!((s.inherent.bad_minutes.unwrap() - 91.3125).abs() < 1e-9);
        assert_eq!(s.inherent.severity, 16);
        // current: the done detect action cuts detection to 5 minutes.
        assert!((s.current.bad_minutes.unwrap() - 125.0 * 0.2 * 3.04375).abs() < 1e-9);
        assert_eq!(s.current.view.time_to_detect.unwrap().level.get(), 1);
        assert_eq!(s.current.severity, 16);
        // target: the best likelihood of the plan wins; an action never makes it worse.
        assert_eq!(s.target.severity, 8);
        assert_eq!(s.target.view.likelihood.level.get(), 2);
        assert!((s.current.budget_share.unwrap() - 76.09375 / 525.96).abs() < 1e-9);
    }

    #[test]
    fn derived_levels_follow_improved_inputs() {
        let mut r = risk("s", "r", 4, 4, None);
        r.inherent.frequency = Some(crate::units::parse_frequency("12/year").unwrap());
        r.inherent.likelihood = Rated {
            level: Level::new(5).unwrap(),
            source: Source::Derived,
        };
        let mut prevent = action(ActionKind::Prevent, ActionStatus::Done);
        prevent.effects.frequency = Some(crate::units::parse_frequency("1/year").unwrap());
        r.actions = vec![prevent];
        let s = Score::of(&r, None, &RiskMatrix::default());
        assert_eq!(s.inherent.view.likelihood.level.get(), 5);
        assert_eq!(
            s.current.view.likelihood.level.get(),
            3,
            "1/year derives likelihood 3"
        );
        assert_eq!(s.current.view.likelihood.source, Source::Derived);
    }

    #[test]
    fn state_follows_actions_and_acceptance() {
        let today = date("2026-11-27");
        let mut r = risk("s", "r", 3, 4, None);
        assert_eq!(state(&r, today, Mitigation::Done, &[]), State::Open);
        r.actions
            .push(action(ActionKind::Prevent, ActionStatus::InProgress));
        assert_eq!(state(&r, today, Mitigation::Done, &[]), State::Open);
        r.actions
            .push(action(ActionKind::Detect, ActionStatus::Done));
        assert_eq!(state(&r, today, Mitigation::Done, &[]), State::Mitigating);
        r.actions[0].status = ActionStatus::Done;
        assert_eq!(state(&r, today, Mitigation::Done, &[]), State::Mitigated);
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
            state(&r, today, Mitigation::Done, &[]),
            State::Accepted,
            "an acceptance holds through its last day"
        );
        assert!(!acceptance_expired(&r, today));
        let tomorrow = date("2026-11-28");
        assert!(acceptance_expired(&r, tomorrow));
        assert_eq!(
            state(&r, tomorrow, Mitigation::Done, &[]),
            State::Mitigating,
            "an expired acceptance is judged as if absent"
        );
    }
}
