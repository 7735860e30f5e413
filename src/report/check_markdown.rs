//! `opx check --format markdown`: the findings as a table for a PR
//! comment, and the job summary shown by `--format github`.

use std::io::{self, Write};

use super::markdown;
use super::{CheckReport, check_summary, places};
use crate::diag::Tally;

pub fn write(report: &CheckReport<'_>, out: &mut dyn Write) -> io::Result<()> {
    let tally = Tally::of(report.findings);
    let verdict = if tally.errors > 0 {
        "❌ the gate failed"
    } else {
        "✅ the gate passed"
    };
    writeln!(
        out,
        "### opx check: {verdict}\n\n{}\n",
        markdown::cell(&check_summary(report))
    )?;
    if report.findings.is_empty() {
        return writeln!(out, "No findings.");
    }
    markdown::write_header(out, &["level", "code", "where", "risk", "finding", "help"])?;
    for (d, place) in report.findings.iter().zip(places(report)) {
        markdown::write_row(
            out,
            &[
                d.severity.name(),
                d.code.id(),
                &place.map_or_else(String::new, |p| p.text()),
                &d.subject.as_ref().map_or(String::new(), |s| s.name()),
                &d.message,
                d.help.as_deref().unwrap_or_default(),
            ],
        )?;
    }
    Ok(())
}
