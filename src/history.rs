//! Incident history: incidents and near-misses against the risks they
//! realised, what they cost, and which estimates they contradicted.
//!
//! An incident's bad minutes = (detected after + recovered after, in
//! minutes) × users affected (100% when not given); a near-miss hurt no
//! one and costs none; without both durations the cost is unknown.

use std::collections::HashMap;
use std::time::Duration;

use jiff::civil::Date;

use crate::dates::within;
use crate::register::model::{At, Incident, Register, Risk, View};
use crate::units::{Percent, minutes};

/// How far back "recent" looks: incidents within this many days, today included.
pub const WINDOW_DAYS: i64 = 365;

/// A risk's record over the last [`WINDOW_DAYS`].
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct History {
    /// Incidents that hurt users.
    pub incidents: usize,
    pub near_misses: usize,
    /// What the incidents cost, where every one of them says.
    pub bad_minutes: Option<f64>,
    /// What the incidents that say cost: at least what they all cost, so
    /// an incident added without its durations can only add to it.
    pub known_bad_minutes: f64,
}

impl History {
    /// Counts `incidents` and adds up what they cost.
    pub fn of<'r>(incidents: impl Iterator<Item = &'r Incident>) -> History {
        let mut history = History {
            bad_minutes: Some(0.0),
            ..History::default()
        };
        for incident in incidents {
            if incident.near_miss {
                history.near_misses += 1;
            } else {
                history.incidents += 1;
            }
            let cost = incident_bad_minutes(incident);
            history.known_bad_minutes += cost.unwrap_or(0.0);
            history.bad_minutes = history.bad_minutes.zip(cost).map(|(a, b)| a + b);
        }
        history
    }
}

/// The cost of one incident in bad minutes, if it gives both durations.
pub fn incident_bad_minutes(incident: &Incident) -> Option<f64> {
    if incident.near_miss {
        return Some(0.0);
    }
    let detected = incident.detected_after.as_ref()?.value;
    let recovered = incident.recovered_after.as_ref()?.value;
    let users = incident.users_affected.map_or(1.0, Percent::fraction);
    Some(minutes(detected + recovered) * users)
}

/// Incidents by the risks they realised, built once so that looking up a
/// risk's incidents does not scan them all.
pub struct IncidentIndex<'r> {
    /// system id → risk id → incidents.
    by_risk: HashMap<&'r str, HashMap<&'r str, Vec<&'r Incident>>>,
}

impl<'r> IncidentIndex<'r> {
    pub fn new(register: &'r Register) -> Self {
        let mut by_risk: HashMap<&str, HashMap<&str, Vec<&Incident>>> = HashMap::new();
        for incident in &register.incidents {
            for named in &incident.risks {
                by_risk
                    .entry(named.value.0.as_str())
                    .or_default()
                    .entry(named.value.1.as_str())
                    .or_default()
                    .push(incident);
            }
        }
        IncidentIndex { by_risk }
    }

    /// The incidents that realised `risk`, in register order.
    pub fn of(&self, risk: &Risk) -> &[&'r Incident] {
        self.by_risk
            .get(risk.system.as_str())
            .and_then(|risks| risks.get(risk.id.value.as_str()))
            .map_or(&[], Vec::as_slice)
    }

    /// The incidents of `risk` in the last [`WINDOW_DAYS`].
    pub fn recent(&self, risk: &Risk, today: Date) -> impl Iterator<Item = &'r Incident> + '_ {
        self.of(risk)
            .iter()
            .copied()
            .filter(move |i| within(i.date.value, today, WINDOW_DAYS))
    }

    pub fn history(&self, risk: &Risk, today: Date) -> History {
        History::of(self.recent(risk, today))
    }
}

/// Which estimate an incident contradicted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    Detect,
    Recover,
    /// The recent writes lost, against `data_loss`.
    DataLoss,
}

impl Measure {
    pub fn verb(self) -> &'static str {
        match self {
            Measure::Detect => "detect",
            Measure::Recover => "recover",
            Measure::DataLoss => "lose data",
        }
    }

    /// What it measures, as a table names it: `time to detect`, `data lost`.
    pub fn label(self) -> &'static str {
        match self {
            Measure::Detect => "time to detect",
            Measure::Recover => "time to recover",
            Measure::DataLoss => "data lost",
        }
    }

    /// The risk's key that holds the estimate.
    pub fn key(self) -> &'static str {
        match self {
            Measure::Detect => "time_to_detect",
            Measure::Recover => "time_to_recover",
            Measure::DataLoss => "data_loss",
        }
    }
}

/// An incident that took longer than the risk's estimate said it would.
#[derive(Debug, Clone, Copy)]
pub struct Contradiction<'r> {
    pub incident: &'r Incident,
    pub measure: Measure,
    pub took: &'r At<Duration>,
    /// The estimate, or for a range its high end.
    pub estimate: Duration,
    /// The estimate is a range: an incident contradicts it only past its
    /// high end (the 95th percentile), not past its mean.
    pub ranged: bool,
}

impl<'r> IncidentIndex<'r> {
    /// The recent incidents of `risk` that took longer to detect or recover
    /// than its estimates in `view` (the current view, for the gate), or
    /// lost more data.
    pub fn contradictions(&self, risk: &Risk, view: &View, today: Date) -> Vec<Contradiction<'r>> {
        let mut found = Vec::new();
        for incident in self.recent(risk, today) {
            for (measure, took, estimate, range) in [
                (
                    Measure::Detect,
                    &incident.detected_after,
                    view.time_to_detect,
                    view.spread.time_to_detect,
                ),
                (
                    Measure::Recover,
                    &incident.recovered_after,
                    view.time_to_recover,
                    view.spread.time_to_recover,
                ),
            ] {
                let estimate = match range {
                    Some(range) => Some(Duration::from_secs_f64(range.high * 60.0)),
                    None => estimate.and_then(|e| e.duration()),
                };
                if let (Some(took), Some(estimate)) = (took, estimate)
                    && took.value > estimate
                {
                    found.push(Contradiction {
                        incident,
                        measure,
                        took,
                        estimate,
                        ranged: range.is_some(),
                    });
                }
            }
            if let (Some(lost), Some(estimate)) = (&incident.data_lost, view.data_loss)
                && lost.value > estimate.worst()
            {
                found.push(Contradiction {
                    incident,
                    measure: Measure::DataLoss,
                    took: lost,
                    estimate: estimate.worst(),
                    ranged: estimate.range.is_some(),
                });
            }
        }
        found
    }
}
