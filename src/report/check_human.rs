//! `opx check` for people: rustc-style findings, then one summary line.

use anstyle::{AnsiColor, Style};

use super::CheckContext;
use crate::diag::{Tally, plural, render_human};

pub fn render(ctx: &CheckContext<'_>) -> String {
    let mut out = render_human(ctx.findings, ctx.sources);
    let tally = Tally::of(ctx.findings);
    let color = match (tally.errors, tally.warnings) {
        (0, 0) => AnsiColor::Green,
        (0, _) => AnsiColor::Yellow,
        _ => AnsiColor::Red,
    };
    let style = Style::new().bold().fg_color(Some(color.into()));
    out.push_str(&format!(
        "{style}{}, {} in {}{style:#}\n",
        plural(tally.errors, "error"),
        plural(tally.warnings, "warning"),
        plural(ctx.risks_checked, "risk"),
    ));
    out
}
