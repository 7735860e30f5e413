//! The error-budget model: expected bad minutes a year against the budget
//! an availability SLO allows.
//!
//! - incidents a year come from `frequency` (see [`crate::units::parse_frequency`]);
//! - bad minutes a year = (time to detect + time to recover, in minutes)
//!   × users affected (a fraction, 100% when not given) × incidents a year;
//!   it needs both times as durations, and a frequency;
//! - the yearly error budget of an availability SLO `A%` is
//!   (1 − A/100) × 1440 × 365.25 minutes;
//! - a risk is too big when its bad minutes reach the single-risk threshold
//!   (by default 25% of the budget), and near it above 80% of the threshold;
//! - a system's totals count its systemic factors' costs (`crate::factor`)
//!   beside its risks' bad minutes.

use crate::register::model::View;
use crate::units::{Percent, minutes};

/// Minutes in an average year of the Gregorian calendar.
pub const MINUTES_PER_YEAR: f64 = 1_440.0 * 365.25;

/// A risk is "near" too big above this fraction of the threshold.
pub const NEAR_FRACTION: f64 = 0.8;

/// The minutes a year an availability SLO allows to go bad.
pub fn yearly_budget(availability: Percent) -> f64 {
    (1.0 - availability.value() / 100.0) * MINUTES_PER_YEAR
}

/// Expected bad minutes a year, or `None` without durations and a frequency.
pub fn bad_minutes(view: &View) -> Option<f64> {
    let detect = view.time_to_detect?.duration()?;
    let recover = view.time_to_recover?.duration()?;
    let per_year = view.frequency?.per_year();
    let users = view.users_affected.map_or(1.0, Percent::fraction);
    Some(minutes(detect + recover) * users * per_year)
}

/// `minutes` as a share of `budget`; an SLO of 100% has no budget, so any
/// bad minute overruns it.
pub fn share(minutes: f64, budget: f64) -> f64 {
    if budget > 0.0 {
        minutes / budget
    } else if minutes > 0.0 {
        f64::INFINITY
    } else {
        0.0
    }
}

/// How a risk's bad minutes compare with the single-risk threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Size {
    Fits,
    /// Above 80% of the threshold.
    Near,
    /// At or over the threshold.
    TooBig,
}

impl Size {
    pub fn name(self) -> &'static str {
        match self {
            Size::Fits => "fits",
            Size::Near => "near",
            Size::TooBig => "too-big",
        }
    }
}

pub fn size(budget_share: f64, single_risk_share: f64) -> Size {
    if budget_share >= single_risk_share {
        Size::TooBig
    } else if budget_share > single_risk_share * NEAR_FRACTION {
        Size::Near
    } else {
        Size::Fits
    }
}

/// One system's risks against its error budget.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SystemBudget {
    /// Minutes a year the SLO allows.
    pub budget: f64,
    /// Expected bad minutes a year of every risk, current view.
    pub current: f64,
    /// The same risks after the plan (target view); a risk whose target is
    /// unknown counts at its current minutes, so the plan is never credited
    /// with what it cannot show.
    pub target: f64,
    /// Current bad minutes of the accepted risks: budget spent on purpose.
    pub accepted: f64,
    /// Current bad minutes of the systemic factors, part of `current`.
    pub factors: f64,
    /// Risks whose bad minutes are unknown, and so left out of the sums.
    pub unknown: usize,
}

impl SystemBudget {
    pub fn new(budget: f64) -> SystemBudget {
        SystemBudget {
            budget,
            ..SystemBudget::default()
        }
    }

    /// Counts one risk in: its current and target minutes, and whether it is accepted.
    pub fn add(&mut self, current: Option<f64>, target: Option<f64>, accepted: bool) {
        match current {
            Some(minutes) => {
                self.current += minutes;
                self.target += target.unwrap_or(minutes);
                if accepted {
                    self.accepted += minutes;
                }
            }
            None => self.unknown += 1,
        }
    }

    /// Counts one systemic factor in: its current and target cost.
    pub fn add_factor(&mut self, current: f64, target: f64) {
        self.current += current;
        self.target += target;
        self.factors += current;
    }

    pub fn current_share(&self) -> f64 {
        share(self.current, self.budget)
    }

    pub fn target_share(&self) -> f64 {
        share(self.target, self.budget)
    }

    /// The risks together expect more bad minutes than the budget allows.
    pub fn exceeded(&self) -> bool {
        self.current > self.budget
    }

    /// Budget not yet spent on accepted risks.
    pub fn unallocated(&self) -> f64 {
        self.budget - self.accepted
    }
}

/// `91.31` minutes: two decimals, as the SLO arithmetic is usually quoted.
pub fn minutes_text(minutes: f64) -> String {
    // An empty sum is −0.0; it reads as nothing spent.
    let minutes = minutes + 0.0;
    format!("{minutes:.2}")
}

/// `17.4%` of a share where 1.0 is 100%.
pub fn percent_text(share: f64) -> String {
    format!("{:.1}%", share * 100.0 + 0.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::register::model::{Rated, Source, TimeEstimate};
    use crate::scale::Level;

    #[test]
    fn an_empty_sum_reads_as_zero() {
        let nothing: f64 = std::iter::empty::<f64>().sum();
        assert_eq!(minutes_text(nothing), "0.00");
        assert_eq!(percent_text(share(nothing, 525.96)), "0.0%");
    }
    use crate::units::{parse_duration, parse_frequency, parse_percent};

    fn view(detect: &str, recover: &str, users: Option<&str>, frequency: &str) -> View {
        let rated = Rated {
            level: Level::new(3).unwrap(),
            source: Source::Explicit,
        };
        let time = |t: &str| {
            let d = parse_duration(t).unwrap();
            Some(TimeEstimate::of(d))
        };
        View {
            likelihood: rated,
            impact: rated,
            time_to_detect: time(detect),
            time_to_recover: time(recover),
            frequency: Some(parse_frequency(frequency).unwrap()),
            users_affected: users.map(|u| parse_percent(u).unwrap()),
            data_loss: None,
            spread: Default::default(),
        }
    }

    #[test]
    fn a_range_counts_as_its_mean() {
        // time_to_recover = "10m..100m" is lognormal with mean 40.398367m
        // (see `uncertainty`); with 1m to detect, at 1/year, to everyone:
        // 41.398367 bad minutes a year, shown as 41.40.
        let mut v = view("1m", "1m", None, "1/year");
        let recover = crate::units::parse_duration_estimate("10m..100m").unwrap();
        v.time_to_recover = Some(TimeEstimate::of(recover.value));
        assert!(close(bad_minutes(&v).unwrap(), 41.398_367, 1e-6));
    }

    fn close(a: f64, b: f64, tolerance: f64) -> bool {
        (a - b).abs() <= tolerance
    }

    #[test]
    fn the_worked_example() {
        // detect 30m, recover 2h, 20% of users, every 120 days.
        let minutes = bad_minutes(&view("30m", "2h", Some("20%"), "every 120d")).unwrap();
        assert!(close(minutes, 91.31, 0.005), "{minutes}");
        let budget = yearly_budget(parse_percent("99.9%").unwrap());
        assert!(close(budget, 525.96, 1e-9), "{budget}");
        let used = share(minutes, budget);
        assert!(close(used * 100.0, 17.4, 0.05), "{used}");
        let threshold = crate::policy::DEFAULT_SINGLE_RISK_SHARE * budget;
        assert!(close(threshold, 131.49, 1e-9));
        assert_eq!(
            size(used, crate::policy::DEFAULT_SINGLE_RISK_SHARE),
            Size::Fits
        );
    }

    #[test]
    fn users_default_to_everyone() {
        let minutes = bad_minutes(&view("10m", "20m", None, "2/year")).unwrap();
        assert!(close(minutes, 60.0, 1e-9));
    }

    #[test]
    fn words_and_missing_frequency_leave_bad_minutes_unknown() {
        let mut v = view("10m", "20m", None, "2/year");
        v.frequency = None;
        assert_eq!(bad_minutes(&v), None);
        let mut v = view("10m", "20m", None, "2/year");
        v.time_to_detect = Some(TimeEstimate::new(Level::new(2).unwrap(), None));
        assert_eq!(bad_minutes(&v), None);
    }

    #[test]
    fn sizes_against_the_threshold() {
        assert_eq!(size(0.25, 0.25), Size::TooBig);
        assert_eq!(size(0.2001, 0.25), Size::Near);
        assert_eq!(
            size(0.2, 0.25),
            Size::Fits,
            "exactly 80% of the threshold is not above it"
        );
        assert_eq!(share(1.0, 0.0), f64::INFINITY);
        assert_eq!(share(0.0, 0.0), 0.0);
    }
}
