//! `opx review`: the digest a team walks through at its weekly health review.
//!
//! Over a window of `days` (7 by default): reviews due within it and
//! overdue; open actions due within it and overdue; exercises of done
//! actions due within it and overdue (and, on a risk in the two highest
//! bands, detect and respond actions never exercised); acceptances and
//! waivers that end within the policy's `expiring_within` or have ended; incidents and near-misses of the
//! last `days`; estimates that incidents of the last 365 days contradicted;
//! and risks with no plan (no action, or only failed ones).

use jiff::civil::Date;

use crate::analysis::Analysis;
use crate::dates::{add_days, within};
use crate::exception::{Exception, Standing};
use crate::exercise::ActionFacts;
use crate::history::Contradiction;
use crate::register::model::{Action, Incident, Risk};
use crate::score::RankBy;

#[derive(Debug)]
pub struct ReviewDue<'a> {
    pub risk: &'a Risk,
    /// `None` when it was never reviewed.
    pub due: Option<Date>,
    pub overdue: bool,
}

#[derive(Debug)]
pub struct ActionDue<'a> {
    pub risk: &'a Risk,
    pub action: &'a Action,
    pub due: Date,
    pub overdue: bool,
}

/// A done action to be shown to work again, or for the first time.
#[derive(Debug)]
pub struct ExerciseDue<'a> {
    pub risk: &'a Risk,
    pub action: &'a Action,
    pub facts: ActionFacts<'a>,
}

impl ExerciseDue<'_> {
    /// Past its cadence, or never exercised.
    pub fn overdue(&self) -> bool {
        self.facts.stale()
    }
}

/// An acceptance or a waiver that ends within the policy's notice, or has.
#[derive(Debug)]
pub struct ExceptionEnding<'a> {
    pub risk: &'a Risk,
    pub exception: Exception<'a>,
    pub standing: Standing,
}

#[derive(Debug)]
pub struct Digest<'a> {
    pub today: Date,
    /// The register has one system; its risks go by their bare ids.
    pub one_system: bool,
    pub days: i64,
    pub reviews: Vec<ReviewDue<'a>>,
    pub actions: Vec<ActionDue<'a>>,
    pub exercises: Vec<ExerciseDue<'a>>,
    /// How many days ahead an exception's end is raised (the policy's
    /// `expiring_within`).
    pub notice_days: u32,
    pub exceptions: Vec<ExceptionEnding<'a>>,
    pub incidents: Vec<&'a Incident>,
    pub contradicted: Vec<(&'a Risk, Contradiction<'a>)>,
    pub no_plan: Vec<&'a Risk>,
}

/// Builds the digest over the next `days`; risks appear in rank order.
pub fn digest<'a>(analysis: &'a Analysis<'a>, days: i64) -> Digest<'a> {
    let today = analysis.today;
    let horizon = add_days(today, days);
    let mut digest = Digest {
        today,
        one_system: analysis.one_system(),
        days,
        reviews: Vec::new(),
        actions: Vec::new(),
        exercises: Vec::new(),
        notice_days: analysis.notice_days,
        exceptions: Vec::new(),
        incidents: Vec::new(),
        contradicted: Vec::new(),
        no_plan: Vec::new(),
    };
    for r in analysis
        .ranked(RankBy::Severity)
        .into_iter()
        .map(|i| &analysis.risks[i])
    {
        let risk = r.risk;
        if r.review.due.is_none_or(|due| due <= horizon) {
            digest.reviews.push(ReviewDue {
                risk,
                due: r.review.due,
                overdue: r.review.overdue(today),
            });
        }
        // Any exercise that falls due within the horizon, and the drills
        // the risk wants (never exercised, on a serious risk).
        for (action, facts) in r.actions() {
            let due_soon = facts.in_effect && facts.due.is_some_and(|due| due <= horizon);
            if due_soon || r.wants_drill(action, facts) {
                digest.exercises.push(ExerciseDue {
                    risk,
                    action,
                    facts: *facts,
                });
            }
        }
        for (action, facts) in r.actions().filter(|(a, _)| a.is_open()) {
            if let Some(due) = action.due.map(|d| d.value).filter(|d| *d <= horizon) {
                digest.actions.push(ActionDue {
                    risk,
                    action,
                    due,
                    overdue: facts.overdue,
                });
            }
        }
        for stood in r
            .exceptions
            .iter()
            .filter(|e| e.standing != Standing::Holds)
        {
            digest.exceptions.push(ExceptionEnding {
                risk,
                exception: stood.exception,
                standing: stood.standing,
            });
        }
        for c in analysis.contradictions(r) {
            digest.contradicted.push((risk, c));
        }
        if r.no_plan() {
            digest.no_plan.push(risk);
        }
    }
    // Overdue first, then soonest; rank order breaks ties (the sorts are stable).
    digest.reviews.sort_by_key(|r| (!r.overdue, r.due));
    digest.actions.sort_by_key(|a| a.due);
    // Never exercised first (due since always), then by due day.
    digest.exercises.sort_by_key(|e| e.facts.due);
    digest.exceptions.sort_by_key(|e| e.exception.until().value);
    digest.incidents = analysis
        .register
        .incidents
        .iter()
        .filter(|i| within(i.date.value, today, days))
        .collect();
    digest.incidents.sort_by(|a, b| {
        b.date
            .value
            .cmp(&a.date.value)
            .then_with(|| a.id.value.cmp(&b.id.value))
    });
    digest
}
