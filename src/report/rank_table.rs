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
