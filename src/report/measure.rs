//! `opx measure` as a document (terminal or Markdown) and as JSON.

use std::io::{self, Write};

use schemars::JsonSchema;
use serde::Serialize;

use super::doc::Doc;
use super::json;
use crate::measure::{Measurement, SignalState};

pub const VERSION: u32 = 1;

pub fn doc(m: &Measurement, server: &str) -> Doc {
    let mut doc = Doc::default();
    doc.heading(1, format!("Measured health ({}, from {server})", m.today));
    if m.readings.is_empty() {
        doc.text("No system has a [system.measure].");
    } else {
        doc.table(
            vec!["system", "measure", "SLO", "measured", "verdict"],
            &[],
            m.readings
                .iter()
                .map(|r| {
                    vec![
                        r.system.clone(),
                        r.key.to_string(),
                        r.target.clone().unwrap_or_else(|| "-".into()),
                        r.text
                            .clone()
                            .unwrap_or_else(|| r.problem.unwrap_or("-").to_string()),
                        r.verdict.map_or("-", |v| v.name()).to_string(),
                    ]
                })
                .collect(),
        );
    }
    if !m.signals.is_empty() {
        doc.heading(2, "Alerts");
        doc.table(
            vec!["risk", "action", "alert", "rule", "last fired", "exercised"],
            &["action"],
            m.signals
                .iter()
                .map(|s| {
                    let exercised = match (s.newly_exercised(), s.exercised) {
                        (Some(day), _) => format!("{day} (new)"),
                        (None, Some(day)) => day.to_string(),
                        (None, None) => "-".into(),
                    };
                    vec![
                        s.risk.clone(),
                        s.action.clone(),
                        s.alert.clone(),
                        format!(
                            "{}{}",
                            s.state.name(),
                            if s.gated && failing(&s.state) {
                                " (fails --check)"
                            } else {
                                ""
                            }
                        ),
                        match (s.last_fired, &s.state) {
                            (Some(day), _) => day.to_string(),
                            // Nothing was asked: nothing is known.
                            (None, SignalState::Unread | SignalState::Missing) => "-".into(),
                            (None, _) => "not in the window".into(),
                        },
                        exercised,
                    ]
                })
                .collect(),
        );
        doc.optional(&["action"]);
    }
    doc
}

fn failing(state: &SignalState) -> bool {
    matches!(state, SignalState::Missing | SignalState::Broken(_))
}

/// `opx measure --format json`, version 1.
#[derive(Serialize, JsonSchema)]
#[schemars(title = "opx measure --format json, version 1", deny_unknown_fields)]
pub struct Document<'a> {
    #[schemars(extend("const" = 1))]
    version: u32,
    /// The day measured: its end is the query's instant.
    #[schemars(extend("format" = "date"))]
    today: String,
    /// The Prometheus server asked, without credentials.
    server: &'a str,
    /// Every query and every rule read succeeded.
    complete: bool,
    /// One per `[system.measure]` key.
    measures: Vec<MeasureOut<'a>>,
    /// One per detect action whose `signal` names an alert.
    alerts: Vec<AlertOut<'a>>,
}

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct MeasureOut<'a> {
    system: &'a str,
    measure: &'static str,
    /// The PromQL as written in the register.
    expression: &'a str,
    /// The PromQL as sent, `$window` filled in.
    query: &'a str,
    /// The SLO beside it, as written; null when none.
    slo: Option<&'a str>,
    /// The number the server returned; null when the query failed.
    value: Option<f64>,
    /// The value as the register writes it.
    measured: Option<&'a str>,
    /// Why there is no value.
    problem: Option<&'static str>,
    #[schemars(extend("enum" = ["ok", "at risk", "breached", null]))]
    verdict: Option<&'static str>,
}

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct AlertOut<'a> {
    /// `system/risk`.
    risk: &'a str,
    /// The action, by its id or its place.
    action: &'a str,
    alert: &'a str,
    /// Where the alert's rule stands on the server.
    #[schemars(extend("enum" = ["healthy", "not evaluated yet", "missing", "broken", "unread"]))]
    rule: &'static str,
    /// The server's error, for a broken rule.
    error: Option<&'a str>,
    #[schemars(extend("format" = "date"))]
    last_fired: Option<String>,
    #[schemars(extend("format" = "date"))]
    exercised: Option<String>,
    /// The last firing, where it is newer than `exercised`: what
    /// `--write` records.
    #[schemars(extend("format" = "date"))]
    newly_exercised: Option<String>,
    /// Its risk is one the gate fails on when the alert is missing.
    gated: bool,
}

impl<'a> Document<'a> {
    pub fn of(m: &'a Measurement, server: &'a str) -> Self {
        Document {
            version: VERSION,
            today: m.today.to_string(),
            server,
            complete: m.complete(),
            measures: m
                .readings
                .iter()
                .map(|r| MeasureOut {
                    system: &r.system,
                    measure: r.key,
                    expression: &r.expression.value,
                    query: &r.query,
                    slo: r.target.as_deref(),
                    value: r.value,
                    measured: r.text.as_deref(),
                    problem: r.problem,
                    verdict: r.verdict.map(|v| v.name()),
                })
                .collect(),
            alerts: m
                .signals
                .iter()
                .map(|s| AlertOut {
                    risk: &s.risk,
                    action: &s.action,
                    alert: &s.alert,
                    rule: s.state.name(),
                    error: match &s.state {
                        SignalState::Broken(e) => Some(e.as_str()),
                        _ => None,
                    },
                    last_fired: s.last_fired.map(|d| d.to_string()),
                    exercised: s.exercised.map(|d| d.to_string()),
                    newly_exercised: s.newly_exercised().map(|d| d.to_string()),
                    gated: s.gated,
                })
                .collect(),
        }
    }
}

pub fn json(m: &Measurement, server: &str, out: &mut dyn Write) -> io::Result<()> {
    json::write(out, &Document::of(m, server))
}
