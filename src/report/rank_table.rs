//! `opx rank` as a table for a terminal, with a one-line summary under it.

use comfy_table::{
    Cell, CellAlignment, Color, ColumnConstraint, ContentArrangement, Table, Width, presets,
};

use super::{RANK_HEADER, RankContext, rank_row, rank_summary};
use crate::diag::inert;
use crate::monitor::IncidentIndex;
use crate::scale::Band;

/// Columns of numbers, aligned right.
const NUMERIC: [&str; 6] = ["#", "L", "I", "exposure", "bad min/yr", "budget"];

pub fn render(ctx: &RankContext<'_>) -> String {
    if ctx.ranked.is_empty() {
        return "no risks match\n".to_string();
    }
    let mut table = Table::new();
    table
        .load_style(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        // Styles are always written; the output stream strips them when colour is off.
        .enforce_styling()
        .set_header(RANK_HEADER);
    let incidents = IncidentIndex::new(ctx.register);
    let rows: Vec<[String; 16]> = ctx
        .ranked
        .iter()
        .map(|r| {
            rank_row(
                r,
                &incidents.history(r.risk, ctx.today),
                ctx.single_risk_share,
            )
        })
        .collect();
    for (r, row) in ctx.ranked.iter().zip(&rows) {
        table.add_row(row.iter().zip(RANK_HEADER).map(|(text, column)| {
            let cell = Cell::new(inert(text));
            match column {
                "severity" => cell.fg(band_color(r.score.current.band)),
                c if NUMERIC.contains(&c) => cell.set_alignment(CellAlignment::Right),
                _ => cell,
            }
        }));
    }
    // On a narrow terminal the free text wraps (the title, and the owner and
    // actions at their spaces); ids, levels and states are never split. What
    // still does not fit runs past the edge rather than being torn mid-word.
    let widest = |column: usize| {
        rows.iter()
            .map(|row| row[column].chars().count())
            .max()
            .unwrap_or(0)
            .max(RANK_HEADER[column].len())
    };
    for (i, column) in table.column_iter_mut().enumerate() {
        let at_least = |wanted: usize| {
            ColumnConstraint::LowerBoundary(Width::Fixed(wanted.min(widest(i)) as u16))
        };
        column.set_constraint(match RANK_HEADER[i] {
            "title" => at_least(24),
            "owner" => at_least(12),
            "actions" => at_least(14),
            _ => ColumnConstraint::ContentWidth,
        });
    }
    let mut out = table.to_string();
    out.push('\n');
    out.push_str(&rank_summary(ctx.ranked));
    out.push('\n');
    out
}

fn band_color(band: Band) -> Color {
    match band {
        Band::Critical => Color::Magenta,
        Band::High => Color::Red,
        Band::Medium => Color::Yellow,
        Band::Low => Color::Green,
    }
}
