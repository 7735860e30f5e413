//! `opx rank --format markdown`: the ranked table, ready for a PR comment.

use super::markdown;
use super::{RankContext, actions_cell, rank_summary, time_cell};

pub fn render(ctx: &RankContext<'_>) -> String {
    let header = [
        "#", "system", "risk", "title", "L", "I", "severity", "detect", "recover", "exposure",
        "state", "owner", "actions",
    ];
    let rows = ctx.ranked.iter().map(|r| {
        let risk = r.risk;
        [
            r.rank.to_string(),
            risk.system.clone(),
            risk.id.value.clone(),
            risk.title.clone(),
            risk.likelihood.level.to_string(),
            risk.impact.level.to_string(),
            format!("{} {}", r.score.severity, r.score.band),
            time_cell(risk.time_to_detect),
            time_cell(risk.time_to_recover),
            r.score.exposure.map_or("-".to_string(), |e| e.to_string()),
            r.score.state.name().to_string(),
            risk.owner.clone().unwrap_or_else(|| "-".to_string()),
            actions_cell(risk),
        ]
    });
    let mut out = format!("### Risk ranking ({})\n\n", ctx.today);
    if ctx.ranked.is_empty() {
        out.push_str("No risks match.\n");
        return out;
    }
    out.push_str(&markdown::table(header, rows));
    out.push('\n');
    out.push_str(&markdown::cell(&rank_summary(ctx.ranked)));
    out.push('\n');
    out
}
