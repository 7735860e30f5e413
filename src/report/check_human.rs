//! `opx check` for people: rustc-style findings, then one summary line.

use anstyle::{AnsiColor, Style};

use super::{CheckContext, check_summary};
use crate::diag::{Tally, render_human};

pub fn render(ctx: &CheckContext<'_>) -> String {
    let mut out = render_human(ctx.findings, ctx.sources);
    let tally = Tally::of(ctx.findings);
    let color = match (tally.errors, tally.warnings) {
        (0, 0) => AnsiColor::Green,
        (0, _) => AnsiColor::Yellow,
        _ => AnsiColor::Red,
    };
    let style = Style::new().bold().fg_color(Some(color.into()));
    out.push_str(&format!("{style}{}{style:#}\n", check_summary(ctx)));
    out
}
