//! `opx rank --format markdown`: the ranked table, ready for a PR comment.

use super::markdown;
use super::{RANK_HEADER, RankContext, rank_row, rank_summary};
use crate::monitor::IncidentIndex;

pub fn render(ctx: &RankContext<'_>) -> String {
    let mut out = format!("### Risk ranking ({})\n\n", ctx.today);
    if ctx.ranked.is_empty() {
        out.push_str("No risks match.\n");
        return out;
    }
    let incidents = IncidentIndex::new(ctx.register);
    out.push_str(&markdown::table(
        &RANK_HEADER,
        ctx.ranked.iter().map(|r| {
            rank_row(
                r,
                &incidents.history(r.risk, ctx.today),
                ctx.single_risk_share,
            )
        }),
    ));
    out.push('\n');
    out.push_str(&markdown::cell(&rank_summary(ctx.ranked)));
    out.push('\n');
    out
}
