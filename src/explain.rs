//! The arithmetic behind a risk's scores, in words a reader can check by
//! hand: "severity 16 = likelihood 4 (likely) × impact 4 (major)".

use crate::budget::{minutes_text, percent_text};
use crate::factor::{self, Exposure};
use crate::register::model::Factor;
use crate::register::model::{Source, TimeEstimate};
use crate::scale::Scale;
use crate::score::{ViewName, ViewScore};
use crate::units::format_duration;
use crate::units::number_text;

/// How one view's scores come about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Working {
    pub severity: String,
    pub exposure: String,
    pub bad_minutes: String,
    /// Against the system's error budget, if it has one.
    pub budget: Option<String>,
}

/// The working of `score`, on a system whose yearly budget is `budget`
/// minutes, where one risk may use `single_risk_share` of it.
pub fn working(score: &ViewScore, budget: Option<f64>, single_risk_share: f64) -> Working {
    let view = &score.view;
    let level = |scale: Scale, rated: crate::register::model::Rated, from: &str| {
        let derived = match rated.source {
            Source::Derived => format!(", from {from}"),
            Source::Explicit => String::new(),
        };
        format!("{} ({}{derived})", rated.level, scale.word(rated.level))
    };
    let severity = format!(
        "severity {} = likelihood {} × impact {}",
        score.severity,
        level(Scale::Likelihood, view.likelihood, "frequency"),
        level(Scale::Impact, view.impact, "users affected"),
    );
    let exposure = match (score.exposure, view.time_to_detect, view.time_to_recover) {
        (Some(e), Some(d), Some(r)) => {
            format!("exposure {e} = detect {} × recover {}", time(d), time(r))
        }
        _ => "exposure unknown: it needs both time_to_detect and time_to_recover".to_string(),
    };
    let durations = view
        .time_to_detect
        .and_then(|t| t.duration())
        .zip(view.time_to_recover.and_then(|t| t.duration()));
    let bad_minutes = match (score.bad_minutes, durations, view.frequency) {
        (Some(minutes), Some((d, r)), Some(f)) => format!(
            "bad minutes a year {} = ({} + {}) × {} × {}/year",
            minutes_text(minutes),
            format_duration(d),
            format_duration(r),
            view.users_affected
                .map_or("100% (all users)".to_string(), |p| p.to_string()),
            number_text(f.per_year()),
        ),
        _ => "bad minutes unknown: they need time_to_detect and time_to_recover as durations, and a frequency".to_string(),
    };
    let budget = budget.map(|budget| match (score.bad_minutes, score.budget_share) {
        (Some(minutes), Some(share)) => budget_working(minutes, share, budget, single_risk_share),
        _ => format!(
            "its share of the {} bad minutes a year the SLO allows is unknown",
            minutes_text(budget)
        ),
    });
    Working {
        severity,
        exposure,
        bad_minutes,
        budget,
    }
}

/// `78.00 of the 525.96 bad minutes a year the SLO allows: 14.8%; too big
/// from 25.0% (131.49 minutes)`: bad minutes against a yearly budget.
pub fn budget_working(minutes: f64, share: f64, budget: f64, single_risk_share: f64) -> String {
    format!(
        "{} of the {} bad minutes a year the SLO allows: {}; too big from {} ({} minutes)",
        minutes_text(minutes),
        minutes_text(budget),
        percent_text(share),
        percent_text(single_risk_share),
        minutes_text(single_risk_share * budget)
    )
}

/// How a systemic factor's cost in one view comes about: `bad minutes a
/// year 305.50 = (1 + 10%) × (30m + 5m) × 7 + 10% × 360.00`, or why it
/// costs nothing.
pub fn factor_working(factor: &Factor, view: ViewName, exposure: &Exposure, cost: f64) -> String {
    if factor::removed(factor, view) {
        return match view {
            ViewName::Target => "removed once its actions are done".to_string(),
            _ => "removed: all its actions are done".to_string(),
        };
    }
    let added = &factor.added;
    let share = added.frequency.map_or("0%".to_string(), |p| p.to_string());
    let time = |d: Option<std::time::Duration>| d.map_or("0m".to_string(), format_duration);
    format!(
        "bad minutes a year {} = (1 + {share}) × ({} + {}) × {} + {share} × {}, over {} with known bad minutes",
        minutes_text(cost),
        time(added.time_to_detect),
        time(added.time_to_recover),
        number_text(exposure.users_incidents),
        minutes_text(exposure.bad_minutes),
        crate::diag::plural(exposure.risks, "risk"),
    )
}

/// `1 (5m)`, or `2 (fast)` for a word.
fn time(t: TimeEstimate) -> String {
    match t.duration() {
        Some(d) => format!("{} ({})", t.level, format_duration(d)),
        None => format!("{} ({})", t.level, Scale::Time.word(t.level)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::tests::{risk, timed};
    use crate::score::Score;
    use crate::units::{parse_frequency, parse_percent};

    #[test]
    fn the_working_adds_up() {
        let mut r = risk("s", "r", 4, 4, None);
        r.inherent.time_to_detect = Some(timed("15m"));
        r.inherent.time_to_recover = Some(timed("1h"));
        r.inherent.frequency = Some(parse_frequency("4/year").unwrap());
        r.inherent.users_affected = Some(parse_percent("30%").unwrap());
        let score = Score::of(&r, Some(525.96), &crate::band::RiskMatrix::default()).current;
        let w = working(&score, Some(525.96), 0.25);
        assert_eq!(
            w.severity,
            "severity 16 = likelihood 4 (likely) × impact 4 (major)"
        );
        assert_eq!(w.exposure, "exposure 6 = detect 2 (15m) × recover 3 (1h)");
        assert_eq!(
            w.bad_minutes,
            "bad minutes a year 90.00 = (15m + 1h) × 30% × 4/year"
        );
        assert_eq!(
            w.budget.as_deref(),
            Some(
                "90.00 of the 525.96 bad minutes a year the SLO allows: 17.1%; too big from 25.0% (131.49 minutes)"
            )
        );
    }

    #[test]
    fn unknown_scores_say_what_they_need() {
        let score = Score::of(
            &risk("s", "r", 2, 3, None),
            None,
            &crate::band::RiskMatrix::default(),
        )
        .current;
        let w = working(&score, None, 0.25);
        assert!(w.exposure.starts_with("exposure unknown"));
        assert!(w.bad_minutes.starts_with("bad minutes unknown"));
        assert_eq!(w.budget, None);
    }
}
