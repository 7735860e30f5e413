//! `opx rank` as a table for a terminal, with a one-line summary under it.

use comfy_table::{Cell, CellAlignment, Color, ContentArrangement, Table, presets};

use super::RankContext;
use crate::register::model::{ActionKind, TimeEstimate};
use crate::scale::{Band, Scale, format_duration};

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
            Cell::new(time(risk.time_to_detect)),
            Cell::new(time(risk.time_to_recover)),
            Cell::new(r.score.exposure.map_or("-".to_string(), |e| e.to_string()))
                .set_alignment(CellAlignment::Right),
            Cell::new(r.score.state.name()),
            Cell::new(risk.owner.as_deref().unwrap_or("-")),
            Cell::new(actions(risk)),
        ]);
    }
    let mut out = table.to_string();
    out.push('\n');
    out.push_str(&summary(ctx));
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

/// `2 (15m)` for a duration, `3 (medium)` for a word, `-` when unknown.
fn time(estimate: Option<TimeEstimate>) -> String {
    match estimate {
        None => "-".to_string(),
        Some(TimeEstimate {
            level,
            duration: Some(d),
        }) => format!("{level} ({})", format_duration(d)),
        Some(TimeEstimate {
            level,
            duration: None,
        }) => format!("{level} ({})", Scale::Time.word(level)),
    }
}

/// One `K:status` token per action, `P` prevent, `D` detect, `R` respond.
fn actions(risk: &crate::register::model::Risk) -> String {
    if risk.actions.is_empty() {
        return "none".to_string();
    }
    let mut sorted: Vec<_> = risk.actions.iter().collect();
    sorted.sort_by_key(|a| a.kind);
    sorted
        .iter()
        .map(|a| {
            let letter = match a.kind {
                ActionKind::Prevent => 'P',
                ActionKind::Detect => 'D',
                ActionKind::Respond => 'R',
            };
            format!("{letter}:{}", a.status.name())
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// `12 risks: 1 critical, 4 high, 5 medium, 2 low; 3 open`
fn summary(ctx: &RankContext<'_>) -> String {
    let count = |band: Band| ctx.ranked.iter().filter(|r| r.score.band == band).count();
    let bands: Vec<String> = Band::ALL
        .iter()
        .rev()
        .map(|&b| (b, count(b)))
        .filter(|&(_, n)| n > 0)
        .map(|(b, n)| format!("{n} {b}"))
        .collect();
    let open = ctx
        .ranked
        .iter()
        .filter(|r| r.score.state == crate::score::State::Open)
        .count();
    format!(
        "{}: {}; {open} open\n",
        crate::diag::plural(ctx.ranked.len(), "risk"),
        bands.join(", ")
    )
}
