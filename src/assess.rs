//! `opx assess`: the current state of each system, the method's first step.
//!
//! For every system: who owns it and who is paged, its SLOs beside what
//! it measures today (each row with a verdict), quality and operations
//! measures against the team's thresholds, and its risks: counts per band
//! and category, expected bad minutes against the error budget, and the
//! three risks that use most of it.
//!
//! Verdicts: availability and error rate compare the budget they burn
//! with what the SLO allows (breached at 100% or more, at risk from 75%);
//! latency compares with its target (breached above it, at risk from 90%);
//! counts compare with the thresholds of `opx.toml` (breached above the
//! maximum, at risk from 80% of it); the recovery point sets the RPO
//! beside the worst current data loss of the system's risks, accepted
//! ones included (breached above it). A row without a target has no
//! verdict.

use std::time::Duration;

use crate::analysis::{Analysis, AssessedFactor};
use crate::band::Band;
use crate::budget::{self, SystemBudget};
use crate::history::History;
use crate::policy::Thresholds;
use crate::register::model::{Category, Risk, System};
use crate::units::format_duration;
use crate::years::SystemYears;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verdict {
    Ok,
    AtRisk,
    Breached,
}

impl Verdict {
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Ok => "ok",
            Verdict::AtRisk => "at risk",
            Verdict::Breached => "breached",
        }
    }

    /// `ratio` of a limit used: breached at or past `breach`, at risk from `warn`.
    fn of(ratio: f64, warn: f64, breached: impl Fn(f64) -> bool) -> Verdict {
        // 100 − 99.99 is not exactly 0.01 in floating point; a ratio that
        // prints as 100.0% must judge as 100%.
        let ratio = (ratio * 1e9).round() / 1e9;
        if breached(ratio) {
            Verdict::Breached
        } else if ratio >= warn {
            Verdict::AtRisk
        } else {
            Verdict::Ok
        }
    }
}

/// Which part of the assessment a row belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    Service,
    Quality,
    Operations,
}

impl Group {
    pub fn name(self) -> &'static str {
        match self {
            Group::Service => "service",
            Group::Quality => "quality",
            Group::Operations => "operations",
        }
    }
}

/// One measure: its target, what was measured, and how they compare.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub group: Group,
    pub measure: &'static str,
    pub target: Option<String>,
    pub measured: Option<String>,
    pub verdict: Option<Verdict>,
    /// Why the verdict, in a few words: "150% of the error budget burned".
    pub detail: String,
}

#[derive(Debug)]
pub struct SystemAssessment<'a> {
    pub system: &'a System,
    pub rows: Vec<Row>,
    pub risks: usize,
    /// Risks per band of the current view, critical first; bands with none are left out.
    pub by_band: Vec<(Band, usize)>,
    pub by_category: Vec<(Category, usize)>,
    pub budget: Option<SystemBudget>,
    /// The three risks with the most current bad minutes: (risk, minutes, share).
    pub top: Vec<(&'a Risk, f64, Option<f64>)>,
    /// Its incidents and near-misses of the last 365 days, and what they cost.
    pub history: History,
    /// Its systemic factors, most current bad minutes first.
    pub factors: Vec<&'a AssessedFactor<'a>>,
    /// Its simulated years, when the run simulated them.
    pub simulated: Option<SystemYears>,
}

pub fn assess<'a>(
    analysis: &'a Analysis<'a>,
    thresholds: &Thresholds,
) -> Vec<SystemAssessment<'a>> {
    analysis
        .systems
        .iter()
        .map(|assessed| {
            let risks = || assessed.risks.iter().map(|&i| &analysis.risks[i]);
            let count_category = |category| risks().filter(|r| r.risk.category == category).count();
            SystemAssessment {
                system: assessed.system,
                rows: rows(
                    assessed.system,
                    thresholds,
                    assessed
                        .worst_data_loss
                        .map(|(i, loss)| (analysis.risks[i].risk, loss)),
                ),
                risks: assessed.risks.len(),
                by_band: analysis
                    .matrix
                    .tally(risks().map(|r| r.score.current.band))
                    .into_iter()
                    .filter(|&(_, n)| n > 0)
                    .collect(),
                by_category: Category::ALL
                    .iter()
                    .map(|&c| (c, count_category(c)))
                    .filter(|&(_, n)| n > 0)
                    .collect(),
                budget: assessed.budget.clone(),
                top: analysis
                    .largest(assessed, 3)
                    .into_iter()
                    .map(|i| {
                        let r = &analysis.risks[i];
                        let current = &r.score.current;
                        (
                            r.risk,
                            current.bad_minutes.unwrap_or_default(),
                            current.budget_share,
                        )
                    })
                    .collect(),
                history: assessed.history,
                factors: analysis
                    .ranked_factors(assessed.factors.iter().copied())
                    .into_iter()
                    .map(|i| &analysis.factors[i])
                    .collect(),
                simulated: assessed.simulated,
            }
        })
        .collect()
}

/// The rows of a system; `worst` is its risk that would lose the most
/// recent data now, and how much.
pub(crate) fn rows(
    system: &System,
    thresholds: &Thresholds,
    worst: Option<(&Risk, Duration)>,
) -> Vec<Row> {
    let slo = &system.slo;
    let base = &system.baseline;
    let mut rows = Vec::new();
    if slo.availability.is_some() || base.availability.is_some() {
        let (verdict, detail) = match (slo.availability, base.availability) {
            (Some(target), Some(measured)) => {
                let burned = budget::share(100.0 - measured.value(), 100.0 - target.value());
                (
                    Some(Verdict::of(burned, 0.75, |r| r >= 1.0)),
                    format!(
                        "{} of the error budget burned",
                        budget::percent_text(burned)
                    ),
                )
            }
            _ => (None, String::new()),
        };
        rows.push(Row {
            group: Group::Service,
            measure: "availability",
            target: slo.availability.map(|p| p.to_string()),
            measured: base.availability.map(|p| p.to_string()),
            verdict,
            detail,
        });
    }
    if let Some(measured) = base.error_rate {
        // An availability SLO allows the complement of its target to fail.
        let allowed = slo.availability.map(|a| 100.0 - a.value());
        let (verdict, detail) = match allowed {
            Some(allowed) => {
                let used = budget::share(measured.value(), allowed);
                (
                    Some(Verdict::of(used, 0.75, |r| r >= 1.0)),
                    format!(
                        "{} of the {} the SLO allows",
                        budget::percent_text(used),
                        percent(allowed)
                    ),
                )
            }
            None => (None, String::new()),
        };
        rows.push(Row {
            group: Group::Service,
            measure: "error rate",
            target: allowed.map(|a| format!("≤ {}", percent(a))),
            measured: Some(measured.to_string()),
            verdict,
            detail,
        });
    }
    if slo.latency_p95.is_some() || base.latency_p95.is_some() {
        let (verdict, detail) = match (slo.latency_p95, base.latency_p95) {
            (Some(target), Some(measured)) => {
                let ratio = measured.as_secs_f64() / target.as_secs_f64().max(f64::MIN_POSITIVE);
                (
                    Some(Verdict::of(ratio, 0.9, |r| r > 1.0)),
                    format!("{} of the target", budget::percent_text(ratio)),
                )
            }
            _ => (None, String::new()),
        };
        rows.push(Row {
            group: Group::Service,
            measure: "latency p95",
            target: slo.latency_p95.map(|d| format!("≤ {}", millis(d))),
            measured: base.latency_p95.map(millis),
            verdict,
            detail,
        });
    }
    if slo.rpo.is_some() || worst.is_some() {
        let (verdict, detail) = match (slo.rpo, worst) {
            (Some(rpo), Some((risk, loss))) => (
                Some(if loss > rpo {
                    Verdict::Breached
                } else {
                    Verdict::Ok
                }),
                format!("worst: {}", risk.id.value),
            ),
            (Some(_), None) => (None, "no risk estimates its data loss".to_string()),
            (None, Some((risk, _))) => (None, format!("worst: {}", risk.id.value)),
            (None, None) => (None, String::new()),
        };
        rows.push(Row {
            group: Group::Service,
            measure: "data loss",
            target: slo.rpo.map(|rpo| format!("RPO {}", format_duration(rpo))),
            measured: worst.map(|(_, loss)| format_duration(loss)),
            verdict,
            detail,
        });
    }
    if let Some(rate) = base.throughput {
        rows.push(Row {
            group: Group::Service,
            measure: "throughput",
            target: None,
            measured: Some(rate.to_string()),
            verdict: None,
            detail: String::new(),
        });
    }
    for (group, measure, value, max) in [
        (
            Group::Quality,
            "open bugs",
            base.open_bugs,
            thresholds.max_open_bugs,
        ),
        (
            Group::Operations,
            "pages per week",
            base.pages_per_week,
            thresholds.max_pages_per_week,
        ),
        (
            Group::Operations,
            "toil hours per week",
            base.toil_hours_per_week,
            thresholds.max_toil_hours_per_week,
        ),
    ] {
        let Some(value) = value else { continue };
        let (verdict, detail) = match max {
            Some(max) => {
                let used = budget::share(value, max);
                (
                    Some(Verdict::of(used, 0.8, |r| r > 1.0)),
                    format!("{} of the maximum", budget::percent_text(used)),
                )
            }
            None => (None, "no threshold in opx.toml".to_string()),
        };
        rows.push(Row {
            group,
            measure,
            target: max.map(|m| format!("≤ {}", crate::units::number_text(m))),
            measured: Some(crate::units::number_text(value)),
            verdict,
            detail,
        });
    }
    rows
}

/// `0.1%`: rounded, since 100 − 99.9 is not exactly 0.1 in floating point.
fn percent(value: f64) -> String {
    // Six decimals: a 99.999% SLO allows 0.001%, which two would print as 0%.
    format!("{}%", (value * 1e6).round() / 1e6)
}

fn millis(d: Duration) -> String {
    format!("{}ms", d.as_millis())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::register::model::{Baseline, Slo};
    use crate::units::parse_percent;

    fn system(slo: Slo, baseline: Baseline) -> System {
        System {
            slo,
            baseline,
            ..crate::analysis::tests::system("s")
        }
    }

    #[test]
    fn availability_and_latency_verdicts_from_the_issue() {
        let slo = Slo {
            availability: Some(parse_percent("99.9%").unwrap()),
            latency_p95: Some(Duration::from_millis(300)),
            rpo: None,
            window: None,
        };
        let baseline = Baseline {
            availability: Some(parse_percent("99.85%").unwrap()),
            latency_p95: Some(Duration::from_millis(340)),
            ..Baseline::default()
        };
        let rows = rows(&system(slo, baseline), &Thresholds::default(), None);
        assert_eq!(rows[0].measure, "availability");
        assert_eq!(rows[0].verdict, Some(Verdict::Breached));
        assert_eq!(rows[0].detail, "150.0% of the error budget burned");
        assert_eq!(rows[1].measure, "latency p95");
        assert_eq!(rows[1].verdict, Some(Verdict::Breached));
    }

    #[test]
    fn verdict_boundaries() {
        assert_eq!(Verdict::of(0.74, 0.75, |r| r >= 1.0), Verdict::Ok);
        assert_eq!(Verdict::of(0.75, 0.75, |r| r >= 1.0), Verdict::AtRisk);
        assert_eq!(Verdict::of(1.0, 0.75, |r| r >= 1.0), Verdict::Breached);
        assert_eq!(
            Verdict::of(1.0, 0.9, |r| r > 1.0),
            Verdict::AtRisk,
            "latency at its target is not breached"
        );
    }

    #[test]
    fn counts_need_a_threshold_for_a_verdict() {
        let baseline = Baseline {
            open_bugs: Some(14.0),
            pages_per_week: Some(9.0),
            ..Baseline::default()
        };
        let thresholds = Thresholds {
            max_pages_per_week: Some(5.0),
            ..Thresholds::default()
        };
        let rows = rows(&system(Slo::default(), baseline), &thresholds, None);
        assert_eq!(rows[0].measure, "open bugs");
        assert_eq!(rows[0].verdict, None);
        assert_eq!(rows[1].verdict, Some(Verdict::Breached));
        assert_eq!(rows[1].target.as_deref(), Some("≤ 5"));
    }
}
