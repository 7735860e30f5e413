//! `opx diff` as a pull-request comment (Markdown), for a terminal, and as JSON.

use std::io::{self, Write};

use serde_json::{Value, json};

use super::doc::Doc;
use super::{json, round};
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
    json::write(out, &document)
}

#[cfg(test)]
mod snapshot {
    use crate::report::{DiffFormat, fixture};

    /// The shared fixture, as this format writes it.
    #[test]
    fn the_fixture() {
        insta::assert_snapshot!(fixture::diff(DiffFormat::Markdown), @r#"
        2 risks worse, 1 better, 1 new critical, 2 added, 1 removed

        ### Risks

        |  | risk | title | what changed |
        | --- | --- | --- | --- |
        | new critical | checkout/card-outage | The card processor is down | new risk, 20 critical |
        | worse | checkout/bad-deploy | A bad deploy breaks checkout | bad minutes a year 60.00 → 180.00 |
        | better | checkout/traffic-spike | Traffic spikes saturate the worker pool | severity 16 high → 8 medium; state mitigating → mitigated; action done: prevent "Autoscale workers" |
        | removed | search/stale-index | The index serves stale results | removed from the register |
        | added | search/stale-index-gone | The index serves stale results | new risk, 4 low |
        "#);
    }
}
