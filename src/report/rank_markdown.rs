//! `opx rank --format markdown`: the ranked table, ready for a PR comment.

use std::io::{self, Write};

use super::markdown;
use super::{
    RankReport, rank_cells, rank_factor_cells, rank_header, rank_summary, simulation_lines,
};

pub fn write(report: &RankReport<'_>, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "### Risk ranking ({})\n", report.analysis.today)?;
    if report.ranked.is_empty() && report.factors.is_empty() {
        return writeln!(out, "No risks match.");
    }
    let analysis = report.analysis;
    markdown::write_header(out, &rank_header(analysis))?;
    for (rank, r) in report.rows() {
        markdown::write_row(out, &rank_cells(analysis, rank, r))?;
    }
    for f in report.factor_rows() {
        markdown::write_row(out, &rank_factor_cells(report.analysis, f))?;
    }
    writeln!(out)?;
    writeln!(out, "{}", markdown::cell(&rank_summary(report)))?;
    for line in simulation_lines(analysis, &|system| report.shows_system(system)) {
        writeln!(out, "\n{}", markdown::cell(&line))?;
    }
    Ok(())
}

#[cfg(test)]
mod snapshot {
    use crate::report::{RankFormat, fixture};

    /// The shared fixture, as this format writes it.
    #[test]
    fn the_fixture() {
        insta::assert_snapshot!(fixture::rank(RankFormat::Markdown), @"
        ### Risk ranking (2026-11-27)

        | # | system | risk | title | L | I | severity | detect | recover | exposure | bad min/yr | budget | data loss | incidents | state | owner | actions |
        | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
        | 1 | checkout | traffic-spike | Traffic spikes saturate the worker pool | 4 | 4 | 16 high → 8 medium | 1 (5m) | 3 (1h) | 3 | 78.00 | 14.8% | - | 1 | mitigating | alice | P:planned D:done |
        | 2 | checkout | bad-deploy | A bad deploy breaks checkout | 3 | 4 | 12 high | 2 (10m) | 2 (20m) | 4 | 60.00 | 11.4% | 30m..3h &gt; RPO | - | mitigated | payments-team | P:done R:done |
        | 3 | checkout | single-expert | Only one engineer knows the reconciliation job | 3 | 4 | 12 high | - | - | - | - | - | - | - | open | payments-team | P:failed |
        | 4 | search | stale-index | The index serves stale results | 2 | 2 | 4 low | - | - | - | - | - | - | 1 near-miss | accepted | search-team | none |
        | - | checkout | overload | On-call is overloaded | - | - | factor | +10m | - | - | 32.00 → 0.00 | 6.1% | - | - | open | payments-team | P:planned |

        4 risks: 3 high, 1 low; 1 open; 1 systemic factor
        ");
    }
}
