//! `opx diff`: what a change to the register does to its risks.
//!
//! Risks are matched by system and id, actions by id (else by kind and
//! what they say),
//! incidents by system and id. Both versions are scored on the same day.
//! Each changed risk is counted once, in one of: **added**, **removed**,
//! **worse**, **better** or **changed**. Every input and score of a risk
//! is better lower (likelihood, impact, frequency, users affected, the
//! times, severity, exposure, bad minutes), an action done is better and
//! a done one undone or removed is worse (a due date moved is no
//! direction: it changes the plan, not the risk), and leaving open is better
//! while falling back to open is worse. A risk is worse when its cost
//! rises (its current band, then severity, or its bad minutes) or it falls
//! back to open, whatever else moved, so a reviewer looks; else worse when
//! what moved moved only the worse way, better when only the better way,
//! and **changed** when it moved both ways (it then says which way each
//! went) or only in ways with no direction (a title, a planned action). A
//! risk that is new, or newly, critical carries a **new critical** note.
//!
//! Systemic factors are matched by system and id and counted apart, under
//! the same headings: worse when their current bad minutes rise or they
//! are no longer removed, better when those fall or they are removed.
//!
//! Exceptions to the gate get their own list, because a change can make
//! the gate pass by waiving what it finds: every acceptance and waiver
//! the change adds, extends (a later `until`), loosens (an acceptance kept
//! while the risk it accepts gets worse) or re-signs (another `by` or
//! `reason`), with who signed it and why; and what it loosens in the
//! policy, which waives for every risk at once.

use std::collections::BTreeMap;

use jiff::civil::Date;

use crate::analysis::{Analysis, AssessedFactor, AssessedRisk};
use crate::budget::minutes_text;
use crate::diag::{Code, plural};
use crate::exercise::ActionFacts;
use crate::factor::{FactorState, added_text, added_time_text};
use crate::register::model::{
    Action, ActionStatus, Factor, Incident, Rated, Risk, TimeEstimate, View,
};
use crate::scale::Scale;
use crate::score::{Score, State, ViewName};
use crate::uncertainty::Interval;
use crate::units::number_text;
use crate::units::{
    Frequency, Percent, duration_range_text, format_duration, frequency_range_text,
    share_range_text,
};

/// The one heading a changed risk is counted under, in the order a
/// reviewer reads them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Category {
    Worse,
    Added,
    Better,
    Changed,
    Removed,
}

impl Category {
    pub const ALL: [Category; 5] = [
        Category::Worse,
        Category::Added,
        Category::Better,
        Category::Changed,
        Category::Removed,
    ];

    /// A change's heading from what moved: mixed signals count as worse,
    /// so a reviewer looks.
    fn of(worse: bool, better: bool) -> Category {
        if worse {
            Category::Worse
        } else if better {
            Category::Better
        } else {
            Category::Changed
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Category::Worse => "worse",
            Category::Added => "added",
            Category::Better => "better",
            Category::Changed => "changed",
            Category::Removed => "removed",
        }
    }
}

/// A risk's scores and state on one side of the change.
#[derive(Debug, Clone, Copy)]
pub struct Scored {
    pub score: Score,
    pub state: State,
}

impl Scored {
    fn of(r: &AssessedRisk<'_>) -> Scored {
        Scored {
            score: r.score,
            state: r.state,
        }
    }
}

/// One risk's change, with each difference in words.
#[derive(Debug, Clone)]
pub struct RiskChange<'a> {
    pub system: String,
    pub id: String,
    pub title: String,
    pub category: Category,
    pub before: Option<Scored>,
    pub after: Option<Scored>,
    /// Why, inputs first: "frequency 2/year → 6/year", "severity 12 high
    /// → 16 high", "action done: detect \"Page on p95\"", ...
    pub changes: Vec<String>,
    /// It is critical now and was not before (or did not exist).
    pub new_critical: bool,
    /// Some of it moved the better way and some the worse way.
    pub mixed: bool,
    pub risk: &'a Risk,
}

/// A factor's cost and state on one side of the change.
#[derive(Debug, Clone, Copy)]
pub struct FactorScored {
    /// Current bad minutes a year; 0 once it is removed.
    pub bad_minutes: f64,
    /// Its current bad minutes as a share of its system's error budget.
    pub budget_share: Option<f64>,
    pub state: FactorState,
}

impl FactorScored {
    fn of(f: &AssessedFactor<'_>) -> FactorScored {
        FactorScored {
            bad_minutes: f.bad_minutes(ViewName::Current),
            budget_share: f.budget_share,
            state: f.state(),
        }
    }
}

/// One systemic factor's change, with each difference in words.
#[derive(Debug, Clone)]
pub struct FactorChange<'a> {
    pub system: &'a str,
    pub id: &'a str,
    pub title: &'a str,
    pub category: Category,
    pub before: Option<FactorScored>,
    pub after: Option<FactorScored>,
    /// Why, inputs first: "adds to time to detect +30m → +1h", "bad
    /// minutes a year 210.00 → 420.00", `action done: prevent "Split the rotation"`.
    pub changes: Vec<String>,
}

/// An exception to the gate: what a risk's acceptance or waiver sets aside.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exempts {
    /// The whole risk, through `[risk.accepted]`.
    Risk,
    /// One rule's findings, through a `[[risk.waive]]`.
    Rule(Code),
}

/// How a change widens an exception.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Widening {
    Added,
    /// Its `until` moved later, from this day.
    Extended {
        from: Date,
    },
    /// An acceptance kept while the risk it accepts got worse: severity
    /// or bad minutes rose.
    Loosened,
    /// The same terms signed by someone else, or for another reason.
    Resigned,
}

impl Widening {
    pub fn name(self) -> &'static str {
        match self {
            Widening::Added => "added",
            Widening::Extended { .. } => "extended",
            Widening::Loosened => "loosened",
            Widening::Resigned => "re-signed",
        }
    }
}

/// An acceptance or a waiver a change adds, extends or loosens.
#[derive(Debug, Clone)]
pub struct ExceptionChange<'a> {
    pub system: &'a str,
    pub risk: &'a str,
    pub exempts: Exempts,
    pub widening: Widening,
    pub by: Option<&'a str>,
    pub reason: &'a str,
    pub until: Date,
}

#[derive(Debug)]
pub struct Diff<'a> {
    pub today: Date,
    /// Changed, added and removed risks, worst first; unchanged ones are left out.
    pub risks: Vec<RiskChange<'a>>,
    /// Changed, added and removed systemic factors, worst first.
    pub factors: Vec<FactorChange<'a>>,
    pub new_incidents: Vec<&'a Incident>,
    /// Acceptances and waivers the change widens, in register order.
    pub exceptions: Vec<ExceptionChange<'a>>,
    /// How the change loosens the policy (`opx.toml`), a line each:
    /// exceptions for every risk at once.
    pub policy_loosened: Vec<String>,
}

impl Diff<'_> {
    pub fn count(&self, category: Category) -> usize {
        self.risks.iter().filter(|r| r.category == category).count()
    }

    /// Factors counted under `category`, apart from risks.
    pub fn factor_count(&self, category: Category) -> usize {
        self.factors
            .iter()
            .filter(|f| f.category == category)
            .count()
    }

    pub fn new_critical(&self) -> usize {
        self.risks.iter().filter(|r| r.new_critical).count()
    }

    /// Worse risks and factors, new risks of band high or above, and new
    /// factors that cost bad minutes now: what `--fail-on worse` fails on.
    pub fn worsened(&self) -> usize {
        let risks = self
            .risks
            .iter()
            .filter(|r| match r.category {
                Category::Worse => true,
                Category::Added => r.after.is_some_and(|a| a.score.current.band.is_serious()),
                _ => false,
            })
            .count();
        let factors = self
            .factors
            .iter()
            .filter(|f| match f.category {
                Category::Worse => true,
                Category::Added => f.after.is_some_and(|a| a.bad_minutes > 0.0),
                _ => false,
            })
            .count();
        risks + factors
    }

    /// The one-line verdict a reviewer reads first: each risk counted
    /// once, then each factor apart ("1 risk worse; 1 factor added").
    pub fn verdict(&self) -> String {
        let mut parts = Vec::new();
        for category in Category::ALL {
            let n = self.count(category);
            if n == 0 {
                continue;
            }
            let critical = self
                .risks
                .iter()
                .filter(|r| r.category == category && r.new_critical)
                .count();
            let mut part = if parts.is_empty() {
                format!("{} {}", plural(n, "risk"), category.name())
            } else {
                format!("{n} {}", category.name())
            };
            if critical > 0 {
                part.push_str(&format!(" ({critical} new critical)"));
            }
            parts.push(part);
        }
        let mut factors = Vec::new();
        for category in Category::ALL {
            let n = self.factor_count(category);
            if n == 0 {
                continue;
            }
            factors.push(if factors.is_empty() {
                format!("{} {}", plural(n, "factor"), category.name())
            } else {
                format!("{n} {}", category.name())
            });
        }
        let mut others = Vec::new();
        if !self.new_incidents.is_empty() {
            others.push(plural(self.new_incidents.len(), "new incident"));
        }
        if !self.exceptions.is_empty() {
            others.push(format!(
                "{} to review",
                plural(self.exceptions.len(), "exception")
            ));
        }
        if !self.policy_loosened.is_empty() {
            others.push("the policy loosened".to_string());
        }
        // Factors stand apart, between semicolons, so that "1 added" after
        // them is never read as a risk.
        let groups = if factors.is_empty() {
            parts.extend(others);
            vec![parts]
        } else {
            vec![parts, factors, others]
        };
        let groups: Vec<String> = groups
            .into_iter()
            .filter(|g| !g.is_empty())
            .map(|g| g.join(", "))
            .collect();
        if groups.is_empty() {
            "No change to the risks.".to_string()
        } else {
            let mut text = groups.join("; ");
            text[..1].make_ascii_uppercase();
            text
        }
    }
}

/// What changed from `old` to `new`, both assessed on the same day.
pub fn diff<'a>(old: &'a Analysis<'a>, new: &'a Analysis<'a>) -> Diff<'a> {
    let by_key =
        |analysis: &'a Analysis<'a>| -> BTreeMap<(&'a str, &'a str), &'a AssessedRisk<'a>> {
            analysis
                .risks
                .iter()
                .map(|r| ((r.risk.system.as_str(), r.risk.id.value.as_str()), r))
                .collect()
        };
    let (before, after) = (by_key(old), by_key(new));
    let mut risks = Vec::new();
    for (key, r) in &after {
        match before.get(key) {
            None => risks.push(added(r.risk, Scored::of(r))),
            Some(was) => {
                let facts = (was.actions.as_slice(), r.actions.as_slice());
                if let Some(change) =
                    changed(was.risk, &Scored::of(was), r.risk, &Scored::of(r), facts)
                {
                    risks.push(change);
                }
            }
        }
    }
    for (key, r) in &before {
        if !after.contains_key(key) {
            let risk = r.risk;
            risks.push(RiskChange {
                system: risk.system.clone(),
                id: risk.id.value.clone(),
                title: risk.title.clone(),
                category: Category::Removed,
                before: Some(Scored::of(r)),
                after: None,
                changes: vec!["removed from the register".to_string()],
                new_critical: false,
                mixed: false,
                risk,
            });
        }
    }
    let gravity = |r: &RiskChange<'_>| r.after.or(r.before).map(|s| s.score.current.gravity());
    risks.sort_by(|a, b| {
        a.category
            .cmp(&b.category)
            .then_with(|| gravity(b).cmp(&gravity(a)))
            .then_with(|| (&a.system, &a.id).cmp(&(&b.system, &b.id)))
    });
    let known: std::collections::HashSet<(&str, &str)> = old
        .register
        .incidents
        .iter()
        .map(|i| (i.system.as_str(), i.id.value.as_str()))
        .collect();
    let new_incidents = new
        .register
        .incidents
        .iter()
        .filter(|i| !known.contains(&(i.system.as_str(), i.id.value.as_str())))
        .collect();
    let exceptions = after
        .iter()
        .flat_map(|(key, r)| exception_changes(before.get(key).copied(), r))
        .collect();
    Diff {
        today: new.today,
        risks,
        factors: factor_changes(old, new),
        new_incidents,
        exceptions,
        policy_loosened: Vec::new(),
    }
}

/// The acceptance and waivers of `now` that are new, run later, cover a
/// worse risk (an acceptance), or are signed anew, against `was`.
fn exception_changes<'a>(
    was: Option<&AssessedRisk<'_>>,
    now: &AssessedRisk<'a>,
) -> Vec<ExceptionChange<'a>> {
    let risk = now.risk;
    let change = |exempts, widening, by, reason, until| ExceptionChange {
        system: &risk.system,
        risk: &risk.id.value,
        exempts,
        widening,
        by,
        reason,
        until,
    };
    // (until, by, reason) before and now.
    type Terms<'t> = (Date, Option<&'t str>, &'t str);
    let widening = |before: Option<Terms<'_>>, now: Terms<'_>, worse: bool| match before {
        None => Some(Widening::Added),
        Some((from, ..)) if now.0 > from => Some(Widening::Extended { from }),
        Some(_) if worse => Some(Widening::Loosened),
        Some((_, by, reason)) if (by, reason) != (now.1, now.2) => Some(Widening::Resigned),
        Some(_) => None,
    };
    let mut changes = Vec::new();
    if let Some(accepted) = &risk.accepted {
        let before = was
            .and_then(|w| w.risk.accepted.as_ref())
            .map(|a| (a.until.value, Some(a.by.as_str()), a.reason.as_str()));
        let worse = was.is_some_and(|w| {
            let (a, b) = (&w.score.current, &now.score.current);
            b.gravity() > a.gravity()
                || matches!((a.bad_minutes, b.bad_minutes), (Some(a), Some(b)) if b > a)
        });
        let terms = (
            accepted.until.value,
            Some(accepted.by.as_str()),
            accepted.reason.as_str(),
        );
        if let Some(widening) = widening(before, terms, worse) {
            changes.push(change(Exempts::Risk, widening, terms.1, terms.2, terms.0));
        }
    }
    for waiver in &risk.waivers {
        let before = was
            .into_iter()
            .flat_map(|w| &w.risk.waivers)
            .find(|w| w.rule == waiver.rule)
            .map(|w| (w.until.value, w.by.as_deref(), w.reason.as_str()));
        let terms = (
            waiver.until.value,
            waiver.by.as_deref(),
            waiver.reason.as_str(),
        );
        if let Some(widening) = widening(before, terms, false) {
            changes.push(change(
                Exempts::Rule(waiver.rule),
                widening,
                terms.1,
                terms.2,
                terms.0,
            ));
        }
    }
    changes
}

/// Every factor added, removed or changed from `old` to `new`, worst
/// first: matched by system and id.
fn factor_changes<'a>(old: &'a Analysis<'a>, new: &'a Analysis<'a>) -> Vec<FactorChange<'a>> {
    let by_key =
        |analysis: &'a Analysis<'a>| -> BTreeMap<(&'a str, &'a str), &'a AssessedFactor<'a>> {
            analysis
                .factors
                .iter()
                .map(|f| {
                    let system = analysis.systems[f.system].system.id.as_str();
                    ((system, f.factor.id.value.as_str()), f)
                })
                .collect()
        };
    let (before, after) = (by_key(old), by_key(new));
    let change = |(system, id): (&'a str, &'a str), factor: &'a Factor| FactorChange {
        system,
        id,
        title: &factor.title,
        category: Category::Changed,
        before: None,
        after: None,
        changes: Vec::new(),
    };
    let mut factors = Vec::new();
    for (&key, f) in &after {
        let now = FactorScored::of(f);
        match before.get(&key) {
            None => factors.push(FactorChange {
                category: Category::Added,
                after: Some(now),
                changes: vec![format!(
                    "new factor, {}, {} bad minutes a year",
                    added_text(&f.factor.added),
                    minutes_text(now.bad_minutes)
                )],
                ..change(key, f.factor)
            }),
            Some(was) => {
                let (category, changes) = factor_changed(was, f);
                if !changes.is_empty() {
                    factors.push(FactorChange {
                        category,
                        before: Some(FactorScored::of(was)),
                        after: Some(now),
                        changes,
                        ..change(key, f.factor)
                    });
                }
            }
        }
    }
    for (&key, f) in &before {
        if !after.contains_key(&key) {
            factors.push(FactorChange {
                category: Category::Removed,
                before: Some(FactorScored::of(f)),
                changes: vec!["factor removed from the register".to_string()],
                ..change(key, f.factor)
            });
        }
    }
    let cost = |f: &FactorChange<'_>| f.after.or(f.before).map_or(0.0, |s| s.bad_minutes);
    factors.sort_by(|a, b| {
        a.category
            .cmp(&b.category)
            .then_with(|| cost(b).total_cmp(&cost(a)))
            .then_with(|| (a.system, a.id).cmp(&(b.system, b.id)))
    });
    factors
}

/// How one factor changed, in words, and the heading it is counted under:
/// worse when its current bad minutes rise or it is no longer removed,
/// better when they fall or it is removed; mixed signals count as worse.
fn factor_changed(was: &AssessedFactor<'_>, now: &AssessedFactor<'_>) -> (Category, Vec<String>) {
    let (old, new) = (was.factor, now.factor);
    let mut changes = Vec::new();
    if old.title != new.title {
        changes.push(format!("title \"{}\" → \"{}\"", old.title, new.title));
    }
    let share = |p: Option<Percent>| p.map_or("-".to_string(), |p| format!("+{p}"));
    let (a, b) = (&old.added, &new.added);
    for (name, before, after) in [
        (
            "time to detect",
            added_time_text(a.time_to_detect),
            added_time_text(b.time_to_detect),
        ),
        (
            "time to recover",
            added_time_text(a.time_to_recover),
            added_time_text(b.time_to_recover),
        ),
        ("frequency", share(a.frequency), share(b.frequency)),
    ] {
        if before != after {
            changes.push(format!("adds to {name} {before} → {after}"));
        }
    }
    let (before, after) = (FactorScored::of(was), FactorScored::of(now));
    let (mut worse, mut better) = (false, false);
    let (from, to) = (
        minutes_text(before.bad_minutes),
        minutes_text(after.bad_minutes),
    );
    if from != to {
        // Its cost is worked from its system's risks: say so when they
        // alone moved it.
        let risks_moved = old.added == new.added
            && before.state != FactorState::Removed
            && after.state != FactorState::Removed;
        changes.push(if risks_moved {
            format!("bad minutes a year {from} → {to} (its system's risks changed)")
        } else {
            format!("bad minutes a year {from} → {to}")
        });
        worse |= after.bad_minutes > before.bad_minutes;
        better |= after.bad_minutes < before.bad_minutes;
    }
    if before.state != after.state {
        changes.push(format!(
            "state {} → {}",
            before.state.name(),
            after.state.name()
        ));
        worse |= before.state == FactorState::Removed;
        better |= after.state == FactorState::Removed;
    }
    // A factor is judged by its cost and state alone.
    action_changes(
        &old.actions,
        &new.actions,
        None,
        &mut changes,
        &mut Moves::default(),
    );
    (Category::of(worse, better), changes)
}

fn added<'a>(risk: &'a Risk, scored: Scored) -> RiskChange<'a> {
    let band = scored.score.current.band;
    RiskChange {
        system: risk.system.clone(),
        id: risk.id.value.clone(),
        title: risk.title.clone(),
        category: Category::Added,
        before: None,
        after: Some(scored),
        changes: vec![format!(
            "new risk, {} {}",
            scored.score.current.severity, band
        )],
        new_critical: band.is_highest(),
        mixed: false,
        risk,
    }
}

/// `facts`: the evidence of the old and the new risk's actions, in order.
fn changed<'a>(
    old: &Risk,
    before: &Scored,
    risk: &'a Risk,
    after: &Scored,
    facts: (&[ActionFacts<'_>], &[ActionFacts<'_>]),
) -> Option<RiskChange<'a>> {
    let (was, now) = (&before.score.current, &after.score.current);
    let mut moves = Moves::default();
    let mut changes = input_changes(&was.view, &now.view, &mut moves);
    // The cost rose, or the risk fell back to open: worse, whatever else moved.
    let mut worse = false;
    if was.gravity() != now.gravity() {
        changes.push(format!(
            "severity {} {} → {} {}",
            was.severity, was.band, now.severity, now.band
        ));
        moves.record("severity", was.gravity().cmp(&now.gravity()));
        worse |= now.gravity() > was.gravity();
    }
    if was.exposure != now.exposure {
        let show = |e: Option<u8>| e.map_or("-".to_string(), |e| e.to_string());
        changes.push(format!(
            "exposure {} → {}",
            show(was.exposure),
            show(now.exposure)
        ));
        if let (Some(a), Some(b)) = (was.exposure, now.exposure) {
            moves.record("exposure", a.cmp(&b));
        }
    }
    let minutes = |m: Option<f64>| m.map_or("-".to_string(), minutes_text);
    if minutes(was.bad_minutes) != minutes(now.bad_minutes) {
        changes.push(format!(
            "bad minutes a year {} → {}",
            minutes(was.bad_minutes),
            minutes(now.bad_minutes)
        ));
        if let (Some(a), Some(b)) = (was.bad_minutes, now.bad_minutes) {
            moves.record("bad minutes", b.total_cmp(&a).reverse());
            worse |= b > a;
        }
    }
    if before.state != after.state {
        let expired =
            old.accepted.is_some() && before.state == State::Accepted && risk.accepted.is_some();
        changes.push(if after.state == State::Accepted {
            format!("newly accepted (was {})", before.state.name())
        } else if expired {
            format!(
                "acceptance expired: {} → {}",
                before.state.name(),
                after.state.name()
            )
        } else {
            format!("state {} → {}", before.state.name(), after.state.name())
        });
        if after.state == State::Open {
            moves.record("state", std::cmp::Ordering::Less);
            worse = true;
        } else if before.state == State::Open && after.state != State::Accepted {
            moves.record("state", std::cmp::Ordering::Greater);
        }
    }
    action_changes(
        &old.actions,
        &risk.actions,
        Some(facts),
        &mut changes,
        &mut moves,
    );
    // A mitigation found not to work leaves the risk worse than it looked.
    let failed = |facts: &[ActionFacts<'_>]| facts.iter().filter(|f| f.failed.is_some()).count();
    worse |= failed(facts.1) > failed(facts.0);
    if changes.is_empty() {
        return None;
    }
    let mixed = moves.mixed();
    if let Some(why) = &mixed {
        changes.push(why.clone());
    }
    let category = match (worse, moves.better.is_empty(), moves.worse.is_empty()) {
        (true, ..) | (false, true, false) => Category::Worse,
        (false, false, true) => Category::Better,
        _ => Category::Changed,
    };
    Some(RiskChange {
        system: risk.system.clone(),
        id: risk.id.value.clone(),
        title: risk.title.clone(),
        category,
        before: Some(*before),
        after: Some(*after),
        changes,
        new_critical: now.band.is_highest() && !was.band.is_highest(),
        mixed: mixed.is_some(),
        risk,
    })
}

/// Which way a risk's change moved it, part by part: the names of what
/// got better and of what got worse, each once, in the order met.
#[derive(Debug, Default)]
struct Moves {
    better: Vec<&'static str>,
    worse: Vec<&'static str>,
}

impl Moves {
    /// `Greater`: `name` got better (it went down); `Less`: worse.
    fn record(&mut self, name: &'static str, way: std::cmp::Ordering) {
        let list = match way {
            std::cmp::Ordering::Greater => &mut self.better,
            std::cmp::Ordering::Less => &mut self.worse,
            std::cmp::Ordering::Equal => return,
        };
        if !list.contains(&name) {
            list.push(name);
        }
    }

    /// Lower is better: `before` above `after` is a move the better way.
    fn lower_is_better<T: PartialOrd>(&mut self, name: &'static str, before: T, after: T) {
        if let Some(way) = before.partial_cmp(&after) {
            self.record(name, way);
        }
    }

    /// "mixed: better time to detect, exposure; worse frequency", when
    /// the change moved both ways.
    fn mixed(&self) -> Option<String> {
        (!self.better.is_empty() && !self.worse.is_empty()).then(|| {
            format!(
                "mixed: better {}; worse {}",
                self.better.join(", "),
                self.worse.join(", ")
            )
        })
    }
}

/// The inputs that changed between two current views, as written:
/// "frequency 2/year → 6/year", "time to detect 15m → 1h"; which way each
/// moved goes to `moves`.
fn input_changes(was: &View, now: &View, moves: &mut Moves) -> Vec<String> {
    moves.lower_is_better("likelihood", was.likelihood.level, now.likelihood.level);
    moves.lower_is_better("impact", was.impact.level, now.impact.level);
    if let (Some(a), Some(b)) = (was.frequency, now.frequency) {
        moves.lower_is_better("frequency", a.per_year(), b.per_year());
    }
    if let (Some(a), Some(b)) = (was.users_affected, now.users_affected) {
        moves.lower_is_better("users affected", a.value(), b.value());
    }
    // A time written as a duration compares as one; as a word, by its level.
    let time = |name, a: Option<TimeEstimate>, b: Option<TimeEstimate>, moves: &mut Moves| {
        if let (Some(a), Some(b)) = (a, b) {
            match (a.duration(), b.duration()) {
                (Some(x), Some(y)) => moves.lower_is_better(name, x, y),
                _ => moves.lower_is_better(name, a.level, b.level),
            }
        }
    };
    time(
        "time to detect",
        was.time_to_detect,
        now.time_to_detect,
        moves,
    );
    time(
        "time to recover",
        was.time_to_recover,
        now.time_to_recover,
        moves,
    );
    let level = |scale: Scale, r: Rated| format!("{} ({})", r.level, scale.word(r.level));
    // A range reads as written, with the mean it counts at.
    let ranged = |text: String, range: Option<String>| match range {
        Some(range) => format!("{range} (mean {text})"),
        None => text,
    };
    let time = |t: Option<TimeEstimate>, range: Option<Interval>| match t {
        None => "-".to_string(),
        Some(t) => ranged(
            t.duration()
                .map_or_else(|| Scale::Time.word(t.level).to_string(), format_duration),
            range.map(duration_range_text),
        ),
    };
    let frequency = |f: Option<Frequency>, range: Option<Interval>| {
        f.map_or("-".to_string(), |f| {
            ranged(
                format!("{}/year", number_text(f.per_year())),
                range.map(frequency_range_text),
            )
        })
    };
    let users = |u: Option<Percent>, range: Option<Interval>| {
        u.map_or("-".to_string(), |p| {
            ranged(p.to_string(), range.map(share_range_text))
        })
    };
    let mut changes = Vec::new();
    for (name, before, after) in [
        (
            "likelihood",
            level(Scale::Likelihood, was.likelihood),
            level(Scale::Likelihood, now.likelihood),
        ),
        (
            "impact",
            level(Scale::Impact, was.impact),
            level(Scale::Impact, now.impact),
        ),
        (
            "frequency",
            frequency(was.frequency, was.spread.frequency),
            frequency(now.frequency, now.spread.frequency),
        ),
        (
            "users affected",
            users(was.users_affected, was.spread.users_affected),
            users(now.users_affected, now.spread.users_affected),
        ),
        (
            "time to detect",
            time(was.time_to_detect, was.spread.time_to_detect),
            time(now.time_to_detect, now.spread.time_to_detect),
        ),
        (
            "time to recover",
            time(was.time_to_recover, was.spread.time_to_recover),
            time(now.time_to_recover, now.spread.time_to_recover),
        ),
    ] {
        if before != after {
            changes.push(format!("{name} {before} → {after}"));
        }
    }
    changes
}

/// Actions added, removed, done, failed, exercised and slipped (due moved
/// later), matched by id where both sides give one, else by kind and what
/// they say: a failed or exercised action is one action changed, never
/// one removed and one added. `facts` (a risk's; a factor's actions have
/// none) hold each side's evidence, so an incident's worked_actions or
/// failed_actions count as the action's own dates do. Each move with a
/// direction is recorded in `moves`.
fn action_changes(
    old: &[Action],
    new: &[Action],
    facts: Option<(&[ActionFacts<'_>], &[ActionFacts<'_>])>,
    changes: &mut Vec<String>,
    moves: &mut Moves,
) {
    use std::cmp::Ordering::{Greater, Less};
    let same = |a: &Action, b: &Action| match (&a.id, &b.id) {
        (Some(x), Some(y)) => x.value == y.value,
        _ => a.kind == b.kind && a.what == b.what,
    };
    let label = |a: &Action| format!("{} \"{}\"", a.kind.name(), a.what);
    let done = |a: &Action| a.status == ActionStatus::Done;
    // One side's (last exercised, failed on) of its action at `i`.
    let proof = |facts: Option<&[ActionFacts<'_>]>, i: usize| {
        facts
            .and_then(|facts| facts.get(i))
            .map_or((None, None), |f| {
                (f.exercised, f.failed.map(|failed| failed.on))
            })
    };
    for (i, action) in new.iter().enumerate() {
        match old.iter().position(|o| same(o, action)) {
            None => {
                changes.push(format!("action added: {}", label(action)));
                if done(action) {
                    moves.record("action done", Greater);
                }
            }
            Some(j) => {
                let was = &old[j];
                let (exercised_before, failed_before) = proof(facts.map(|f| f.0), j);
                let (exercised, failed) = proof(facts.map(|f| f.1), i);
                if !done(was) && done(action) {
                    changes.push(format!("action done: {}", label(action)));
                    moves.record("action done", Greater);
                }
                // One found not to work says so below, as "action failed".
                if done(was) && !done(action) && action.status != ActionStatus::Failed {
                    changes.push(format!(
                        "action no longer done: {}, {}",
                        label(action),
                        action.status.name()
                    ));
                    moves.record("action undone", Less);
                }
                if let Some(on) = failed
                    && failed_before != Some(on)
                {
                    changes.push(format!("action failed: {}, on {on}", label(action)));
                    moves.record("action failed", Less);
                }
                if let Some(on) = exercised
                    && exercised_before.is_none_or(|last| last < on)
                {
                    changes.push(format!("action exercised: {}, on {on}", label(action)));
                    moves.record("action exercised", Greater);
                }
                if let (Some(a), Some(b)) = (&was.due, &action.due)
                    && b.value > a.value
                {
                    changes.push(format!(
                        "action slipped: {}, due {} → {}",
                        label(action),
                        a.value,
                        b.value
                    ));
                }
            }
        }
    }
    for action in old {
        if !new.iter().any(|n| same(action, n)) {
            changes.push(format!("action removed: {}", label(action)));
            if done(action) {
                moves.record("done action removed", Less);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::policy::Policy;
    use crate::register::{self, Loaded};

    fn load(factors: &str, extra_risk: &str) -> Loaded {
        let text = format!(
            "[system]\nid = \"s\"\n\n{factors}\n\
             [[risk]]\nid = \"r\"\ntitle = \"t\"\ncategory = \"technical\"\nimpact = 3\n\
             time_to_detect = \"10m\"\ntime_to_recover = \"20m\"\nfrequency = \"2/year\"\n\n\
             {extra_risk}"
        );
        let loaded =
            register::load_contents(vec![(PathBuf::from("s.toml"), text.into())], Vec::new());
        assert!(!loaded.failed(), "{:#?}", loaded.diagnostics);
        loaded
    }

    fn factor(id: &str, adds: &str, actions: &[&str]) -> String {
        let mut text = format!("[[system.factor]]\nid = \"{id}\"\ntitle = \"{id}\"\n{adds}\n");
        for (i, status) in actions.iter().enumerate() {
            text.push_str(&format!(
                "[[system.factor.action]]\nkind = \"prevent\"\nwhat = \"a{i}\"\nstatus = \"{status}\"\n"
            ));
        }
        text
    }

    /// The one risk's change from `old` to `new` (the lines of a risk after
    /// its `id`), scored on one day.
    fn risk_change(old: &str, new: &str) -> (Category, String) {
        let file = |body: &str| {
            let text = format!(
                "[system]\nid = \"s\"\n\n[[risk]]\nid = \"r\"\ntitle = \"t\"\ncategory = \"technical\"\n{body}\n"
            );
            let loaded =
                register::load_contents(vec![(PathBuf::from("s.toml"), text.into())], Vec::new());
            assert!(!loaded.failed(), "{:#?}", loaded.diagnostics);
            loaded
        };
        let (old, new) = (file(old), file(new));
        let policy = Policy::default();
        let today = "2026-11-27".parse().unwrap();
        let (before, after) = (
            Analysis::new(&old.register, today, &policy),
            Analysis::new(&new.register, today, &policy),
        );
        let d = diff(&before, &after);
        assert_eq!(d.risks.len(), 1, "{:#?}", d.risks);
        (d.risks[0].category, d.risks[0].changes.join("; "))
    }

    #[test]
    fn a_risk_moved_only_the_better_way_is_better() {
        // No frequency, so no bad minutes: only the times and exposure move.
        let base = "likelihood = 3\nimpact = 3\ntime_to_recover = \"4h\"\n";
        let (category, why) = risk_change(
            &format!("{base}time_to_detect = \"1d\""),
            &format!("{base}time_to_detect = \"10m\""),
        );
        assert_eq!(category, Category::Better, "{why}");
        assert!(
            why.starts_with("time to detect 1d → 10m; exposure"),
            "{why}"
        );
        // The other way round is worse, though no cost is known.
        let (category, _) = risk_change(
            &format!("{base}time_to_detect = \"10m\""),
            &format!("{base}time_to_detect = \"1d\""),
        );
        assert_eq!(category, Category::Worse);
    }

    #[test]
    fn a_risk_moved_both_ways_is_changed_and_says_which_way_each_went() {
        let (category, why) = risk_change(
            "likelihood = 3\nimpact = 3\ntime_to_detect = \"1d\"\ntime_to_recover = \"10m\"",
            "likelihood = 3\nimpact = 3\ntime_to_detect = \"10m\"\ntime_to_recover = \"1d\"",
        );
        assert_eq!(category, Category::Changed, "{why}");
        assert!(
            why.ends_with("mixed: better time to detect; worse time to recover"),
            "{why}"
        );
    }

    #[test]
    fn a_risk_whose_cost_rose_is_worse_whatever_else_moved() {
        // Detect faster, but four times as often: 2 × 70 = 140 → 8 × 40 = 320.
        let (category, why) = risk_change(
            "impact = 3\nfrequency = \"2/year\"\ntime_to_detect = \"1h\"\ntime_to_recover = \"10m\"",
            "impact = 3\nfrequency = \"8/year\"\ntime_to_detect = \"30m\"\ntime_to_recover = \"10m\"",
        );
        assert_eq!(category, Category::Worse, "{why}");
        assert!(
            why.ends_with(
                "mixed: better time to detect, exposure; worse likelihood, frequency, severity, bad minutes"
            ),
            "{why}"
        );
        // A planned action has no direction yet.
        let (category, why) = risk_change(
            "likelihood = 2\nimpact = 3",
            "likelihood = 2\nimpact = 3\n[[risk.action]]\nkind = \"prevent\"\nwhat = \"w\"\nstatus = \"planned\"",
        );
        assert_eq!(category, Category::Changed, "{why}");
    }

    /// One risk of (10m + 20m) × 100% × 2/year = 60 bad minutes (Σ u n = 2)
    /// under factors that change each way.
    #[test]
    fn each_factor_is_counted_once() {
        let old = [
            factor("raised", "time_to_detect = \"+30m\"", &[]),
            factor("gone", "time_to_detect = \"+1m\"", &[]),
            factor("fixed", "time_to_recover = \"+5m\"", &["planned"]),
            factor("back", "time_to_recover = \"+5m\"", &["done"]),
            factor("renamed", "time_to_recover = \"+5m\"", &[]),
        ]
        .concat();
        let new = [
            // 30 × 2 = 60 → 60 × 2 = 120.
            factor("raised", "time_to_detect = \"+60m\"", &[]),
            // 0.5 × 60 = 30 a year now: --fail-on worse fails on it.
            factor("added", "frequency = \"+50%\"", &[]),
            // Removed by its action from the start: it costs nothing.
            factor("free", "frequency = \"+50%\"", &["done"]),
            // 5 × 2 = 10 → 0, its one action done.
            factor("fixed", "time_to_recover = \"+5m\"", &["done"]),
            // 0 → 10: a new action, not done, brings it back.
            factor("back", "time_to_recover = \"+5m\"", &["done", "planned"]),
            factor("renamed", "time_to_recover = \"+5m\"", &[])
                .replace("title = \"renamed\"", "title = \"Renamed\""),
        ]
        .concat();
        // A new risk without bad minutes leaves every factor's cost as it was.
        let extra = "[[risk]]\nid = \"new\"\ntitle = \"n\"\ncategory = \"data\"\nlikelihood = 1\nimpact = 1\n";
        let (old, new) = (load(&old, ""), load(&new, extra));
        let policy = Policy::default();
        let today = "2026-11-27".parse().unwrap();
        let (before, after) = (
            Analysis::new(&old.register, today, &policy),
            Analysis::new(&new.register, today, &policy),
        );
        let d = diff(&before, &after);
        let seen: Vec<(Category, &str, String)> = d
            .factors
            .iter()
            .map(|f| (f.category, f.id, f.changes.join("; ")))
            .collect();
        assert_eq!(
            seen,
            [
                (
                    Category::Worse,
                    "raised",
                    "adds to time to detect +30m → +1h; bad minutes a year 60.00 → 120.00".into()
                ),
                (
                    Category::Worse,
                    "back",
                    "bad minutes a year 0.00 → 10.00; state removed → removing; \
                     action added: prevent \"a1\""
                        .into()
                ),
                (
                    Category::Added,
                    "added",
                    "new factor, +50% frequency, 30.00 bad minutes a year".into()
                ),
                (
                    Category::Added,
                    "free",
                    "new factor, +50% frequency, 0.00 bad minutes a year".into()
                ),
                (
                    Category::Better,
                    "fixed",
                    "bad minutes a year 10.00 → 0.00; state open → removed; \
                     action done: prevent \"a0\""
                        .into()
                ),
                (
                    Category::Changed,
                    "renamed",
                    "title \"renamed\" → \"Renamed\"".into()
                ),
                (
                    Category::Removed,
                    "gone",
                    "factor removed from the register".into()
                ),
            ]
        );
        // Two worse, and the new factor that costs bad minutes now.
        assert_eq!(d.worsened(), 3);
        assert_eq!(
            d.verdict(),
            "1 risk added; 2 factors worse, 2 added, 1 better, 1 changed, 1 removed"
        );
    }
}
