//! `opx rank` as a table for a terminal, with a one-line summary under it.

use std::io::{self, Write};

use anstyle::{AnsiColor, Style};

use super::grid::{Align, Cell, Grid};
use super::{RANK_HEADER, RankReport, rank_row, rank_summary};
use crate::band::Band;

/// Columns of numbers, aligned right.
const NUMERIC: [&str; 6] = ["#", "L", "I", "exposure", "bad min/yr", "budget"];

pub fn write(report: &RankReport<'_>, out: &mut dyn Write) -> io::Result<()> {
    if report.ranked.is_empty() {
        return writeln!(out, "no risks match");
    }
    let align: Vec<Align> = RANK_HEADER
        .iter()
        .map(|c| {
            if NUMERIC.contains(c) {
                Align::Right
            } else {
                Align::Left
            }
        })
        .collect();
    let mut grid = Grid::new(&RANK_HEADER, &align, report.colour);
    // Measured over every row, then written row by row: the cells are made
    // twice rather than held, so a long ranking costs one row of memory.
    for (rank, r) in report.rows() {
        grid.measure(&cells(&rank_row(rank, r), r.score.current.band));
    }
    grid.write_head(out)?;
    for (rank, r) in report.rows() {
        grid.write_row(out, &cells(&rank_row(rank, r), r.score.current.band))?;
    }
    grid.write_foot(out)?;
    writeln!(out, "{}", rank_summary(report))
}

fn cells(row: &[String; 16], band: Band) -> Vec<Cell<'_>> {
    row.iter()
        .zip(RANK_HEADER)
        .map(|(text, column)| match column {
            "severity" => Cell::styled(text.as_str(), band_style(band)),
            _ => Cell::new(text.as_str()),
        })
        .collect()
}

/// A band's colour; the band's word is always written beside it.
pub(crate) fn band_style(band: Band) -> Style {
    let colour = match band {
        Band::Critical => AnsiColor::Magenta,
        Band::High => AnsiColor::Red,
        Band::Medium => AnsiColor::Yellow,
        Band::Low => AnsiColor::Green,
    };
    Style::new().fg_color(Some(colour.into()))
}

#[cfg(test)]
mod snapshot {
    use crate::report::{RankFormat, fixture};

    /// The shared fixture, as this format writes it.
    #[test]
    fn the_fixture() {
        insta::assert_snapshot!(fixture::rank(RankFormat::Table), @"
        ┌───┬──────────┬───────────────┬────────────────────────────────────────────────┬───┬───┬────────────────────┬─────────┬─────────┬──────────┬────────────┬────────┬───────────┬────────────┬───────────────┬──────────────────┐
        │ # ┆ system   ┆ risk          ┆ title                                          ┆ L ┆ I ┆ severity           ┆ detect  ┆ recover ┆ exposure ┆ bad min/yr ┆ budget ┆ incidents ┆ state      ┆ owner         ┆ actions          │
        ╞═══╪══════════╪═══════════════╪════════════════════════════════════════════════╪═══╪═══╪════════════════════╪═════════╪═════════╪══════════╪════════════╪════════╪═══════════╪════════════╪═══════════════╪══════════════════╡
        │ 1 ┆ checkout ┆ traffic-spike ┆ Traffic spikes saturate the worker pool        ┆ 4 ┆ 4 ┆ 16 high → 8 medium ┆ 1 (5m)  ┆ 3 (1h)  ┆        3 ┆      78.00 ┆  14.8% ┆ 1         ┆ mitigating ┆ alice         ┆ P:planned D:done │
        │ 2 ┆ checkout ┆ bad-deploy    ┆ A bad deploy breaks checkout                   ┆ 3 ┆ 4 ┆ 12 high            ┆ 2 (10m) ┆ 2 (20m) ┆        4 ┆      60.00 ┆  11.4% ┆ -         ┆ mitigated  ┆ payments-team ┆ R:done           │
        │ 3 ┆ checkout ┆ single-expert ┆ Only one engineer knows the reconciliation job ┆ 3 ┆ 4 ┆ 12 high            ┆ -       ┆ -       ┆        - ┆          - ┆      - ┆ -         ┆ open       ┆ payments-team ┆ none             │
        │ 4 ┆ search   ┆ stale-index   ┆ The index serves stale results                 ┆ 2 ┆ 2 ┆ 4 low              ┆ -       ┆ -       ┆        - ┆          - ┆      - ┆ 1 near    ┆ accepted   ┆ search-team   ┆ none             │
        └───┴──────────┴───────────────┴────────────────────────────────────────────────┴───┴───┴────────────────────┴─────────┴─────────┴──────────┴────────────┴────────┴───────────┴────────────┴───────────────┴──────────────────┘
        4 risks: 3 high, 1 low; 1 open
        ");
    }
}
