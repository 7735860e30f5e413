//! Systemic factors: one cause, such as an overloaded on-call, that makes
//! every risk of a system worse at once, and what it costs.
//!
//! A factor adds Δd minutes to every risk's time to detect, Δr to every
//! time to recover and a share f to every risk's incidents a year. Over
//! the system's risks whose bad minutes are known, with uᵢ the users
//! share, nᵢ the incidents a year and BMᵢ the bad minutes of risk i:
//!
//! cost = (1 + f) × (Δd + Δr) × Σ uᵢ nᵢ + f × Σ BMᵢ
//!
//! which is exactly what the risks would lose with the factor on top:
//! Σ (tᵢ + Δd + Δr) × uᵢ × (1 + f) nᵢ − Σ tᵢ uᵢ nᵢ. The risks' own scores
//! stay as written; the factor carries this cost itself, so a reader sees
//! what removing it buys.

use std::time::Duration;

use crate::budget;
use crate::register::model::{ActionStatus, Added, Factor, View};
use crate::score::ViewName;
use crate::units::{Percent, format_duration};

/// The sums a factor's cost needs, over the risks of one system in one view.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Exposure {
    /// Σ uᵢ nᵢ: users share × incidents a year.
    pub users_incidents: f64,
    /// Σ BMᵢ: bad minutes a year.
    pub bad_minutes: f64,
    /// How many risks the sums count.
    pub risks: usize,
}

impl Exposure {
    /// Counts one risk in, when its bad minutes are known in `view`.
    pub fn add(&mut self, view: &View) {
        let (Some(bad_minutes), Some(frequency)) = (budget::bad_minutes(view), view.frequency)
        else {
            return;
        };
        let users = view.users_affected.map_or(1.0, Percent::fraction);
        self.users_incidents += users * frequency.per_year();
        self.bad_minutes += bad_minutes;
        self.risks += 1;
    }
}

/// Bad minutes a year that `added` costs risks of `exposure`.
pub fn cost(added: &Added, exposure: &Exposure) -> f64 {
    let (share, delta) = (added.share(), added.minutes());
    (1.0 + share) * delta * exposure.users_incidents + share * exposure.bad_minutes
}

/// `+30m`: the time a factor adds, or `-` when it adds none.
pub fn added_time_text(time: Option<Duration>) -> String {
    time.map_or("-".to_string(), |d| format!("+{}", format_duration(d)))
}

/// `+30m detect, +5m recover, +10% frequency`: what a factor adds to each
/// risk of its system.
pub fn added_text(added: &Added) -> String {
    let mut parts = Vec::new();
    if let Some(d) = added.time_to_detect {
        parts.push(format!("+{} detect", format_duration(d)));
    }
    if let Some(d) = added.time_to_recover {
        parts.push(format!("+{} recover", format_duration(d)));
    }
    if let Some(p) = added.frequency {
        parts.push(format!("+{p} frequency"));
    }
    parts.join(", ")
}

/// Where a factor stands, derived from its actions like a risk's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum FactorState {
    /// None of its actions is done.
    Open,
    /// Some of its actions are done, not all: it still costs in full.
    Removing,
    /// It has actions and all are done: it costs nothing any more.
    Removed,
}

impl FactorState {
    pub fn of(factor: &Factor) -> FactorState {
        let done = factor
            .actions
            .iter()
            .filter(|a| a.status == ActionStatus::Done)
            .count();
        if removed(factor, ViewName::Current) {
            FactorState::Removed
        } else if done > 0 {
            FactorState::Removing
        } else {
            FactorState::Open
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            FactorState::Open => "open",
            FactorState::Removing => "removing",
            FactorState::Removed => "removed",
        }
    }
}

/// Whether a factor is gone in `view`: its actions remove it when they
/// are all done (current view), or once the plan is carried out (target
/// view, which needs at least one action). As written it is always there.
pub fn removed(factor: &Factor, view: ViewName) -> bool {
    let actions = &factor.actions;
    match view {
        ViewName::Inherent => false,
        ViewName::Current => {
            !actions.is_empty() && actions.iter().all(|a| a.status == ActionStatus::Done)
        }
        ViewName::Target => !actions.is_empty(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::tests::timed;
    use crate::units::{parse_added_duration, parse_frequency, parse_percent};

    fn view(detect: &str, recover: &str, users: Option<&str>, frequency: &str) -> View {
        let mut risk = crate::analysis::tests::risk("s", "r", 3, 3, None).inherent;
        risk.time_to_detect = Some(timed(detect));
        risk.time_to_recover = Some(timed(recover));
        risk.users_affected = users.map(|u| parse_percent(u).unwrap());
        risk.frequency = Some(parse_frequency(frequency).unwrap());
        risk
    }

    /// Three risks, worked by hand:
    /// - a: (10m + 20m) × 100% × 2/year = 60 bad minutes, u n = 2;
    /// - b: (15m + 45m) × 50% × 4/year = 120, u n = 2;
    /// - c: (5m + 55m) × 25% × 12/year (1/month) = 180, u n = 3.
    ///
    /// Σ u n = 7 and Σ BM = 360.
    fn three_risks() -> Exposure {
        let mut exposure = Exposure::default();
        exposure.add(&view("10m", "20m", None, "2/year"));
        exposure.add(&view("15m", "45m", Some("50%"), "4/year"));
        exposure.add(&view("5m", "55m", Some("25%"), "1/month"));
        exposure
    }

    fn added(detect: Option<&str>, recover: Option<&str>, frequency: Option<&str>) -> Added {
        Added {
            time_to_detect: detect.map(|t| parse_added_duration(t).unwrap()),
            time_to_recover: recover.map(|t| parse_added_duration(t).unwrap()),
            frequency: frequency.map(|f| crate::units::parse_added_percent(f).unwrap()),
        }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn the_formula_on_three_risks() {
        let exposure = three_risks();
        assert!(close(exposure.users_incidents, 7.0), "{exposure:?}");
        assert!(close(exposure.bad_minutes, 360.0), "{exposure:?}");
        assert_eq!(exposure.risks, 3);
        // Overload: +30m to detect: 30 × 7 = 210.
        let overload = cost(&added(Some("+30m"), None, None), &exposure);
        assert!(close(overload, 210.0), "{overload}");
        // No playbooks: +5m to recover: 5 × 7 = 35.
        let playbooks = cost(&added(None, Some("+5m"), None), &exposure);
        assert!(close(playbooks, 35.0), "{playbooks}");
        // Postmortems not followed up: +10% frequency: 0.1 × 360 = 36.
        let followup = cost(&added(None, None, Some("+10%")), &exposure);
        assert!(close(followup, 36.0), "{followup}");
        // All three at once: 1.1 × 35 × 7 + 0.1 × 360 = 269.5 + 36 = 305.5.
        let all = cost(&added(Some("+30m"), Some("+5m"), Some("+10%")), &exposure);
        assert!(close(all, 305.5), "{all}");
    }

    #[test]
    fn the_cost_is_what_the_risks_lose() {
        // The same risks with every change applied by hand: detect + 30m,
        // recover + 5m, frequencies × 1.1: 65 × 2.2 + 95 × 0.5 × 4.4
        // + 95 × 0.25 × 13.2 = 143 + 209 + 313.5 = 665.5, less the 360
        // they have now.
        let mut worse = Exposure::default();
        worse.add(&view("40m", "25m", None, "2.2/year"));
        worse.add(&view("45m", "50m", Some("50%"), "4.4/year"));
        worse.add(&view("35m", "60m", Some("25%"), "13.2/year"));
        assert!(close(worse.bad_minutes, 665.5), "{}", worse.bad_minutes);
        let all = cost(
            &added(Some("+30m"), Some("+5m"), Some("+10%")),
            &three_risks(),
        );
        assert!(
            close(worse.bad_minutes - 360.0, all),
            "{}",
            worse.bad_minutes
        );
    }

    #[test]
    fn risks_without_bad_minutes_are_left_out() {
        let mut exposure = three_risks();
        let mut unknown = view("10m", "20m", None, "2/year");
        unknown.frequency = None;
        exposure.add(&unknown);
        assert_eq!(exposure, three_risks());
        assert_eq!(
            cost(&added(Some("+30m"), None, None), &Exposure::default()),
            0.0
        );
    }
}
