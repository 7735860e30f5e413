//! `opx rank` as a table for a terminal, with a one-line summary under it.

use comfy_table::{
    Cell, CellAlignment, Color, ColumnConstraint, ContentArrangement, Table, Width, presets,
};

use super::{RankContext, actions_cell, rank_summary, time_cell};
use crate::scale::Band;
use crate::score::Ranked;

const HEADER: [&str; 13] = [
    "#", "system", "risk", "title", "L", "I", "severity", "detect", "recover", "exposure", "state",
    "owner", "actions",
];

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
        .set_header(HEADER);
    for r in ctx.ranked {
        let risk = r.risk;
        table.add_row(vec![
            Cell::new(r.rank).set_alignment(CellAlignment::Right),
            Cell::new(&risk.system),
            Cell::new(&risk.id.value),
            Cell::new(&risk.title),
            Cell::new(risk.likelihood.level).set_alignment(CellAlignment::Right),
            Cell::new(risk.impact.level).set_alignment(CellAlignment::Right),
            Cell::new(format!("{} {}", r.score.severity, r.score.band))
                .fg(band_color(r.score.band)),
            Cell::new(time_cell(risk.time_to_detect)),
            Cell::new(time_cell(risk.time_to_recover)),
            Cell::new(r.score.exposure.map_or("-".to_string(), |e| e.to_string()))
                .set_alignment(CellAlignment::Right),
            Cell::new(r.score.state.name()),
            Cell::new(risk.owner.as_deref().unwrap_or("-")),
            Cell::new(actions_cell(risk)),
        ]);
    }
    // On a narrow terminal the free text wraps (the title, and the owner and
    // actions at their spaces); ids, levels and states are never split. What
    // still does not fit runs past the edge rather than being torn mid-word.
    let widest = |cell: &dyn Fn(&Ranked<'_>) -> String| {
        ctx.ranked
            .iter()
            .map(|r| cell(r).chars().count())
            .max()
            .unwrap_or(0)
    };
    // A column shrinks to `wanted` at most, and is never padded past its content.
    let at_least = |wanted: usize, header: &str, content: usize| {
        let width = wanted.min(content.max(header.len())) as u16;
        ColumnConstraint::LowerBoundary(Width::Fixed(width))
    };
    let title_min = at_least(24, "title", widest(&|r| r.risk.title.clone()));
    let owner_min = at_least(
        12,
        "owner",
        widest(&|r| r.risk.owner.clone().unwrap_or_default()),
    );
    let actions_min = at_least(14, "actions", widest(&|r| actions_cell(r.risk)));
    for (i, column) in table.column_iter_mut().enumerate() {
        column.set_constraint(match HEADER[i] {
            "title" => title_min,
            "owner" => owner_min,
            "actions" => actions_min,
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
