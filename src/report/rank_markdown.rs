//! `opx rank --format markdown`: the ranked table, ready for a PR comment.

use std::io::{self, Write};

use super::markdown;
use super::{RANK_HEADER, RankReport, rank_row, rank_summary};

pub fn write(report: &RankReport<'_>, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "### Risk ranking ({})\n", report.analysis.today)?;
    if report.ranked.is_empty() {
        return writeln!(out, "No risks match.");
    }
    markdown::write_header(out, &RANK_HEADER)?;
    for (rank, r) in report.rows() {
        markdown::write_row(out, &rank_row(rank, r))?;
    }
    writeln!(out)?;
    writeln!(out, "{}", markdown::cell(&rank_summary(report)))
}
