//! `opx measure` as a document (terminal or Markdown) and as JSON.

use std::io::{self, Write};

use serde_json::json;

use super::doc::Doc;
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

pub fn json(m: &Measurement, server: &str, out: &mut dyn Write) -> io::Result<()> {
    let document = json!({
        "version": VERSION,
        "today": m.today.to_string(),
        "server": server,
        "complete": m.complete(),
        "measures": m.readings.iter().map(|r| json!({
            "system": r.system,
            "measure": r.key,
            "expression": r.expression.value,
            "query": r.query,
            "slo": r.target,
            "value": r.value,
            "measured": r.text,
            "problem": r.problem,
            "verdict": r.verdict.map(|v| v.name()),
        })).collect::<Vec<_>>(),
        "alerts": m.signals.iter().map(|s| json!({
            "risk": s.risk,
            "action": s.action,
            "alert": s.alert,
            "rule": s.state.name(),
            "error": match &s.state { SignalState::Broken(e) => Some(e), _ => None },
            "last_fired": s.last_fired.map(|d| d.to_string()),
            "exercised": s.exercised.map(|d| d.to_string()),
            "newly_exercised": s.newly_exercised().map(|d| d.to_string()),
            "gated": s.gated,
        })).collect::<Vec<_>>(),
    });
    serde_json::to_writer_pretty(&mut *out, &document)?;
    writeln!(out)
}
