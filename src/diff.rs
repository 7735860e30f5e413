//! `opx diff`: what a change to the register does to its risks.
//!
//! Risks are matched by system and id, actions by kind and what they say,
//! incidents by system and id. Both versions are scored on the same day.
//! A risk is **worse** when its current severity or bad minutes rise, or
//! it falls back to open; **better** when they fall, or it leaves open. A
//! new risk of band high or above counts as worse; a risk that is new, or
//! newly, critical counts as a **new critical**.

use std::collections::BTreeMap;

use jiff::civil::Date;

use crate::analysis::{Analysis, AssessedRisk};
use crate::band::Band;
use crate::budget::minutes_text;
use crate::register::model::{Action, ActionStatus, Incident, Risk};
use crate::score::{Score, State};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Direction {
    Worse,
    Better,
    Same,
}

impl Direction {
    pub fn name(self) -> &'static str {
        match self {
            Direction::Worse => "worse",
            Direction::Better => "better",
            Direction::Same => "same",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Added,
    Removed,
    Changed,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Added => "added",
            Kind::Removed => "removed",
            Kind::Changed => "changed",
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
    pub kind: Kind,
    pub direction: Direction,
    pub before: Option<Scored>,
    pub after: Option<Scored>,
    /// "severity 12 high → 16 high", "action done: detect \"Page on p95\"", ...
    pub changes: Vec<String>,
    /// It is critical now and was not before (or did not exist).
    pub new_critical: bool,
    pub risk: &'a Risk,
}

#[derive(Debug)]
pub struct Diff<'a> {
    pub today: Date,
    /// Changed, added and removed risks, worst first; unchanged ones are left out.
    pub risks: Vec<RiskChange<'a>>,
    pub new_incidents: Vec<&'a Incident>,
}

impl Diff<'_> {
    pub fn count(&self, direction: Direction) -> usize {
        self.risks
            .iter()
            .filter(|r| r.direction == direction)
            .count()
    }

    pub fn new_critical(&self) -> usize {
        self.risks.iter().filter(|r| r.new_critical).count()
    }

    fn count_kind(&self, kind: Kind) -> usize {
        self.risks.iter().filter(|r| r.kind == kind).count()
    }

    /// The one-line verdict a reviewer reads first.
    pub fn verdict(&self) -> String {
        let mut parts = Vec::new();
        let (worse, better) = (self.count(Direction::Worse), self.count(Direction::Better));
        if worse > 0 {
            parts.push(format!("{} worse", crate::diag::plural(worse, "risk")));
        }
        if better > 0 {
            parts.push(format!("{better} better"));
        }
        if self.new_critical() > 0 {
            parts.push(format!("{} new critical", self.new_critical()));
        }
        let changed_only = self
            .risks
            .iter()
            .filter(|r| r.kind == Kind::Changed && r.direction == Direction::Same)
            .count();
        if changed_only > 0 {
            parts.push(format!("{changed_only} otherwise changed"));
        }
        for (kind, word) in [(Kind::Added, "added"), (Kind::Removed, "removed")] {
            let n = self.count_kind(kind);
            if n > 0 {
                parts.push(format!("{n} {word}"));
            }
        }
        if !self.new_incidents.is_empty() {
            parts.push(crate::diag::plural(
                self.new_incidents.len(),
                "new incident",
            ));
        }
        if parts.is_empty() {
            "No change to the risks.".to_string()
        } else {
            let mut text = parts.join(", ");
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
                if let Some(change) = changed(was.risk, &Scored::of(was), r.risk, &Scored::of(r)) {
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
                kind: Kind::Removed,
                direction: Direction::Same,
                before: Some(Scored::of(r)),
                after: None,
                changes: vec!["removed from the register".to_string()],
                new_critical: false,
                risk,
            });
        }
    }
    let severity =
        |r: &RiskChange<'_>| r.after.or(r.before).map_or(0, |s| s.score.current.severity);
    risks.sort_by(|a, b| {
        a.direction
            .cmp(&b.direction)
            .then_with(|| severity(b).cmp(&severity(a)))
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
    Diff {
        today: new.today,
        risks,
        new_incidents,
    }
}

fn added<'a>(risk: &'a Risk, scored: Scored) -> RiskChange<'a> {
    let band = scored.score.current.band;
    RiskChange {
        system: risk.system.clone(),
        id: risk.id.value.clone(),
        title: risk.title.clone(),
        kind: Kind::Added,
        direction: if band >= Band::High {
            Direction::Worse
        } else {
            Direction::Same
        },
        before: None,
        after: Some(scored),
        changes: vec![format!(
            "new risk, {} {}",
            scored.score.current.severity, band
        )],
        new_critical: band == Band::Critical,
        risk,
    }
}

fn changed<'a>(
    old: &Risk,
    before: &Scored,
    risk: &'a Risk,
    after: &Scored,
) -> Option<RiskChange<'a>> {
    let (was, now) = (&before.score.current, &after.score.current);
    let mut changes = Vec::new();
    let mut worse = false;
    let mut better = false;
    if was.severity != now.severity {
        changes.push(format!(
            "severity {} {} → {} {}",
            was.severity, was.band, now.severity, now.band
        ));
        worse |= now.severity > was.severity;
        better |= now.severity < was.severity;
    }
    if was.exposure != now.exposure {
        let show = |e: Option<u8>| e.map_or("-".to_string(), |e| e.to_string());
        changes.push(format!(
            "exposure {} → {}",
            show(was.exposure),
            show(now.exposure)
        ));
    }
    let minutes = |m: Option<f64>| m.map_or("-".to_string(), minutes_text);
    if minutes(was.bad_minutes) != minutes(now.bad_minutes) {
        changes.push(format!(
            "bad minutes a year {} → {}",
            minutes(was.bad_minutes),
            minutes(now.bad_minutes)
        ));
        if let (Some(a), Some(b)) = (was.bad_minutes, now.bad_minutes) {
            worse |= b > a;
            better |= b < a;
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
        worse |= after.state == State::Open;
        better |= before.state == State::Open && after.state != State::Accepted;
    }
    action_changes(&old.actions, &risk.actions, &mut changes);
    if changes.is_empty() {
        return None;
    }
    Some(RiskChange {
        system: risk.system.clone(),
        id: risk.id.value.clone(),
        title: risk.title.clone(),
        kind: Kind::Changed,
        // Mixed signals count as worse: a reviewer should look.
        direction: if worse {
            Direction::Worse
        } else if better {
            Direction::Better
        } else {
            Direction::Same
        },
        before: Some(*before),
        after: Some(*after),
        changes,
        new_critical: now.band == Band::Critical && was.band != Band::Critical,
        risk,
    })
}

/// Actions added, removed, done, and slipped (due moved later), matched by
/// kind and what they say.
fn action_changes(old: &[Action], new: &[Action], changes: &mut Vec<String>) {
    let key = |a: &Action| (a.kind, a.what.clone());
    let label = |a: &Action| format!("{} \"{}\"", a.kind.name(), a.what);
    for action in new {
        match old.iter().find(|o| key(o) == key(action)) {
            None => changes.push(format!("action added: {}", label(action))),
            Some(was) => {
                if was.status != ActionStatus::Done && action.status == ActionStatus::Done {
                    changes.push(format!("action done: {}", label(action)));
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
        if !new.iter().any(|n| key(n) == key(action)) {
            changes.push(format!("action removed: {}", label(action)));
        }
    }
}
