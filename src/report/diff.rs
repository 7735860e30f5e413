//! `opx diff` as a pull-request comment (Markdown), for a terminal, and as JSON.

use std::io::{self, Write};

use serde_json::{Value, json};

use super::doc::Doc;
use super::{round, write_json};
use crate::diff::{Diff, Direction, Scored};

pub const VERSION: u32 = 1;

pub fn doc(diff: &Diff<'_>) -> Doc {
    let mut doc = Doc::default();
    // The verdict comes first: it is what a reviewer reads in the PR list.
    doc.text(diff.verdict());
    if !diff.risks.is_empty() {
        doc.heading(3, "Risks");
        doc.table(
            vec!["", "risk", "title", "what changed"],
            diff.risks
                .iter()
                .map(|r| {
                    vec![
                        match (r.direction, r.new_critical) {
                            (_, true) => "new critical",
                            (Direction::Worse, _) => "worse",
                            (Direction::Better, _) => "better",
                            (Direction::Same, _) => r.kind.name(),
                        }
                        .to_string(),
                        format!("{}/{}", r.system, r.id),
                        r.title.clone(),
                        r.changes.join("; "),
                    ]
                })
                .collect(),
        );
    }
    if !diff.new_incidents.is_empty() {
        doc.heading(3, "New incidents");
        doc.list(
            diff.new_incidents
                .iter()
                .map(|i| {
                    let kind = if i.near_miss { "near-miss" } else { "incident" };
                    let risks: Vec<String> = i
                        .risks
                        .iter()
                        .map(|r| format!("{}/{}", r.value.0, r.value.1))
                        .collect();
                    match &i.summary {
                        Some(summary) => format!(
                            "{} ({kind}, {}): {summary}; {}",
                            i.id.value,
                            i.date.value,
                            risks.join(", ")
                        ),
                        None => format!(
                            "{} ({kind}, {}): {}",
                            i.id.value,
                            i.date.value,
                            risks.join(", ")
                        ),
                    }
                })
                .collect(),
        );
    }
    doc
}

pub fn json(diff: &Diff<'_>, out: &mut dyn Write) -> io::Result<()> {
    let score = |s: &Option<Scored>| -> Value {
        s.map_or(Value::Null, |s| {
            let current = &s.score.current;
            json!({
                "severity": current.severity,
                "band": current.band.name(),
                "exposure": current.exposure,
                "bad_minutes": current.bad_minutes.map(round),
                "state": s.state.name(),
            })
        })
    };
    let document = json!({
        "version": VERSION,
        "today": diff.today.to_string(),
        "verdict": diff.verdict(),
        "summary": {
            "worse": diff.count(Direction::Worse),
            "better": diff.count(Direction::Better),
            "new_critical": diff.new_critical(),
        },
        "risks": diff.risks.iter().map(|r| json!({
            "system": r.system,
            "risk": r.id,
            "title": r.title,
            "kind": r.kind.name(),
            "direction": r.direction.name(),
            "new_critical": r.new_critical,
            "before": score(&r.before),
            "after": score(&r.after),
            "changes": r.changes,
        })).collect::<Vec<_>>(),
        "new_incidents": diff.new_incidents.iter().map(|i| json!({
            "system": i.system,
            "id": i.id.value,
            "date": i.date.value.to_string(),
            "near_miss": i.near_miss,
        })).collect::<Vec<_>>(),
    });
    write_json(out, &document)
}
