//! `opx check` for people: rustc-style findings, then one summary line.

use std::io::{self, Write};

use anstyle::{AnsiColor, Style};

use super::{CheckReport, check_summary, paint};
use crate::diag::{Tally, render_human};

pub fn write(report: &CheckReport<'_>, out: &mut dyn Write) -> io::Result<()> {
    render_human(out, report.findings, report.sources, report.colour)?;
    let tally = Tally::of(report.findings);
    let color = match (tally.errors, tally.warnings) {
        (0, 0) => AnsiColor::Green,
        (0, _) => AnsiColor::Yellow,
        _ => AnsiColor::Red,
    };
    let style = Style::new().bold().fg_color(Some(color.into()));
    writeln!(
        out,
        "{}",
        paint(&check_summary(report), style, report.colour)
    )
}
