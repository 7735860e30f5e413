//! `opx rank` for a terminal: a list fitted to the terminal's width, each
//! risk followed by what is being done about it (its actions, or its
//! acceptance), then a one-line summary.
//!
//! The default view shows the columns that tell most; `--wide` shows every
//! column, whole. To fit, the title and the owner shorten with `…`, and the least
//! telling columns are left out (the summary says which); ids, numbers and
//! dates are never cut.

use std::io::{self, Write};

use anstyle::{AnsiColor, Style};

use super::columns::{Align, Cell, Column, Layout, shorten, text_width};
use super::{
    RankReport, minutes_cell, paint, rank_header, rank_summary, risk_name, severity_cell,
    share_cell, simulated_cells, simulation_lines, state_cell,
};
use crate::analysis::AssessedRisk;
use crate::band::Band;
use crate::register::model::{Action, ActionStatus};

/// The default view: what to fix first, and why.
const COMPACT: [Column; 9] = [
    Column::fixed("#", Align::Right),
    Column::fixed("risk", Align::Left),
    Column::fixed("title", Align::Left).shrinks_to(12, 24),
    Column::fixed("severity", Align::Left),
    Column::fixed("exposure", Align::Right).drops(1),
    Column::fixed("bad min/yr", Align::Right).drops(2),
    Column::fixed("budget", Align::Left).drops(4),
    Column::fixed("owner", Align::Left)
        .shrinks_to(6, 12)
        .drops(3),
    Column::fixed("state", Align::Left),
];

/// `--wide`: every column, whole, however wide the table gets (for a
/// pager such as `less -S`, or a file).
const WIDE: [Column; 16] = [
    Column::fixed("#", Align::Right),
    Column::fixed("system", Align::Left),
    Column::fixed("risk", Align::Left),
    Column::fixed("title", Align::Left),
    Column::fixed("L", Align::Right),
    Column::fixed("I", Align::Right),
    Column::fixed("severity", Align::Left),
    Column::fixed("detect", Align::Left),
    Column::fixed("recover", Align::Left),
    Column::fixed("exposure", Align::Right),
    Column::fixed("bad min/yr", Align::Right),
    Column::fixed("budget", Align::Left),
    Column::fixed("incidents", Align::Left),
    Column::fixed("state", Align::Left),
    Column::fixed("owner", Align::Left),
    Column::fixed("actions", Align::Left),
];

/// Shorter than this, an action's text says too little; the line runs on.
const MIN_WHAT: usize = 12;

pub fn write(report: &RankReport<'_>, out: &mut dyn Write) -> io::Result<()> {
    if report.ranked.is_empty() {
        return writeln!(out, "no risks match");
    }
    let view = &report.view;
    let mut columns: Vec<Column> = if view.wide {
        WIDE.to_vec()
    } else {
        COMPACT.to_vec()
    };
    if report.analysis.simulation.is_some() {
        // After `bad min/yr`, and hidden with it when the table is narrow.
        let at = 1 + columns
            .iter()
            .position(|c| c.header == "bad min/yr")
            .unwrap_or(columns.len() - 1);
        let simulated = |name| {
            let column = Column::fixed(name, Align::Right);
            if view.wide { column } else { column.drops(2) }
        };
        columns.splice(at..at, [simulated("P50"), simulated("P90")]);
    }
    let mut layout = Layout::new(&columns, report.colour);
    // Measured over every row, then written row by row: the cells are made
    // twice rather than held, so a long ranking costs one row of memory.
    for (rank, r) in report.rows() {
        layout.measure(&cells(report, rank, r));
    }
    layout.fit(view.width);
    layout.write_header(out)?;
    for (rank, r) in report.rows() {
        layout.write_row(out, &cells(report, rank, r))?;
        if view.actions {
            for line in detail_lines(report, r, layout.indent()) {
                writeln!(out, "{line}")?;
            }
        }
    }
    writeln!(out, "{}", rank_summary(report))?;
    for line in simulation_lines(report.analysis, &|system| report.shows_system(system)) {
        writeln!(out, "{line}")?;
    }
    let dim = |text: &str| paint(text, Style::new().dimmed(), report.colour);
    if view.actions {
        writeln!(
            out,
            "{}",
            dim("✓ done  ◐ in progress  ○ planned  ⊘ accepted")
        )?;
    }
    let left_out = layout.left_out();
    if !left_out.is_empty() {
        let hidden = format!("hidden to fit: {}; see --wide", left_out.join(", "));
        writeln!(out, "{}", dim(&hidden))?;
    }
    Ok(())
}

fn cells<'a>(report: &RankReport<'_>, rank: usize, r: &'a AssessedRisk<'_>) -> Vec<Cell<'a>> {
    let risk = r.risk;
    let severity = Cell::styled(severity_cell(&r.score), band_style(r.score.current.band));
    if report.view.wide {
        let row = super::rank_cells(report.analysis, rank, r);
        return row
            .into_iter()
            .zip(rank_header(report.analysis))
            .map(|(text, column)| match column {
                "severity" => severity.clone(),
                _ => Cell::new(text),
            })
            .collect();
    }
    let current = &r.score.current;
    let name = risk_name(risk, report.analysis.one_system());
    let mut cells = vec![
        Cell::new(rank.to_string()),
        Cell::new(name),
        Cell::new(risk.title.as_str()),
        severity,
        Cell::new(current.exposure.map_or("-".to_string(), |e| e.to_string())),
        Cell::new(minutes_cell(&r.score)),
    ];
    if report.analysis.simulation.is_some() {
        cells.extend(simulated_cells(r).map(Cell::new));
    }
    cells.extend([
        Cell::new(share_cell(r)),
        Cell::new(risk.owner.as_deref().unwrap_or("-")),
        Cell::new(state_cell(r)),
    ]);
    cells
}

/// What is being done about a risk, a line each, indented under its row:
/// its actions (done first), or its acceptance, or that nothing is.
fn detail_lines(report: &RankReport<'_>, r: &AssessedRisk<'_>, indent: usize) -> Vec<String> {
    let colour = report.colour;
    let room = report.view.width.saturating_sub(indent);
    let pad = " ".repeat(indent);
    let mut lines = Vec::new();
    let mut actions: Vec<(usize, &Action)> = r.risk.actions.iter().enumerate().collect();
    actions.sort_by_key(|(_, a)| (std::cmp::Reverse(a.status), a.kind));
    for (i, action) in actions {
        let unmeasured = action.status == ActionStatus::Done && !r.shows_evidence(i);
        lines.push(format!(
            "{pad}{}",
            action_line(report, r, action, unmeasured, room)
        ));
    }
    if let Some(acceptance) = &r.risk.accepted {
        // `⊘ accepted by eng-manager until 2027-03-31`, and `, expired` once past.
        let expired = if r.acceptance_expired {
            paint(
                ", expired",
                Style::new().fg_color(Some(AnsiColor::Red.into())),
                colour,
            )
        } else {
            String::new()
        };
        lines.push(format!(
            "{pad}⊘ accepted {} until {}{expired}",
            shorten(
                &format!("by {}", acceptance.by),
                room.saturating_sub(34).max(MIN_WHAT)
            ),
            acceptance.until.value
        ));
    }
    if lines.is_empty() {
        lines.push(format!(
            "{pad}{}",
            paint("· no action yet", Style::new().dimmed(), colour)
        ));
    }
    lines
}

/// `✓ detect   Page on queue depth · alice · due 2026-12-01, overdue`
fn action_line(
    report: &RankReport<'_>,
    r: &AssessedRisk<'_>,
    action: &Action,
    unmeasured: bool,
    room: usize,
) -> String {
    let colour = report.colour;
    let (mark, mark_style) = status_mark(action.status);
    let mut suffix = String::new();
    if let Some(owner) = action.owner.as_deref().or(r.risk.owner.as_deref()) {
        suffix.push_str(" · ");
        suffix.push_str(owner);
    }
    let mut overdue = false;
    if let Some(due) = action.due.filter(|_| action.status != ActionStatus::Done) {
        suffix.push_str(&format!(" · due {}", due.value));
        overdue = due.value < report.analysis.today;
    }
    let head = format!("{mark} {:<8} ", action.kind.name());
    // A late action, or a done one whose effect nobody measured.
    let flag = if overdue {
        ", overdue"
    } else if unmeasured {
        " · no evidence"
    } else {
        ""
    };
    let room_for_what = room
        .saturating_sub(text_width(&head) + text_width(&suffix) + text_width(flag))
        .max(MIN_WHAT);
    let what = shorten(&action.what, room_for_what);
    format!(
        "{}{what}{suffix}{}",
        paint(&head, mark_style, colour),
        paint(flag, flag_style(overdue), colour)
    )
}

/// Red for late, yellow for unmeasured.
fn flag_style(overdue: bool) -> Style {
    let colour = if overdue {
        AnsiColor::Red
    } else {
        AnsiColor::Yellow
    };
    Style::new().fg_color(Some(colour.into()))
}

/// A status mark, in its colour.
fn status_mark(status: ActionStatus) -> (&'static str, Style) {
    let style = match status {
        ActionStatus::Done => Style::new().fg_color(Some(AnsiColor::Green.into())),
        ActionStatus::InProgress => Style::new().fg_color(Some(AnsiColor::Yellow.into())),
        ActionStatus::Planned => Style::new(),
    };
    (super::status_mark(status), style)
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
    use crate::report::{TableView, fixture};

    fn at(width: usize) -> String {
        let text = fixture::rank_table(TableView {
            width,
            ..TableView::default()
        });
        fixture::assert_fits(&text, width);
        fixture::assert_actions_shown(&text, &["traffic-spike", "bad-deploy"]);
        text
    }

    #[test]
    fn the_fixture_at_80_columns() {
        insta::assert_snapshot!(at(80), @"
        #  risk                    title                  severity            state
        1  checkout/traffic-spike  Traffic spikes satur…  16 high → 8 medium  mitigating
           ✓ detect   Page on queue depth · alice
           ○ prevent  Autoscale workers · bob · due 2026-11-20, overdue
        2  checkout/bad-deploy     A bad deploy breaks …  12 high             mitigated
           ✓ prevent  Announce deploys in #eng · payments-team · no evidence
           ✓ respond  Roll back with the deploy tool · payments-team
        3  checkout/single-expert  Only one engineer kn…  12 high             open
           · no action yet
        4  search/stale-index      The index serves sta…  4 low               accepted
           ⊘ accepted by eng-manager until 2027-01-31
        4 risks: 3 high, 1 low; 1 open
        ✓ done  ◐ in progress  ○ planned  ⊘ accepted
        hidden to fit: exposure, bad min/yr, budget, owner; see --wide
        ");
    }

    #[test]
    fn the_fixture_at_120_columns() {
        insta::assert_snapshot!(at(120), @"
        #  risk                    title                       severity            bad min/yr  budget  owner          state
        1  checkout/traffic-spike  Traffic spikes saturate t…  16 high → 8 medium       78.00  14.8%   alice          mitigating
           ✓ detect   Page on queue depth · alice
           ○ prevent  Autoscale workers · bob · due 2026-11-20, overdue
        2  checkout/bad-deploy     A bad deploy breaks check…  12 high                  60.00  11.4%   payments-team  mitigated
           ✓ prevent  Announce deploys in #eng · payments-team · no evidence
           ✓ respond  Roll back with the deploy tool · payments-team
        3  checkout/single-expert  Only one engineer knows t…  12 high                      -  -       payments-team  open
           · no action yet
        4  search/stale-index      The index serves stale re…  4 low                        -  -       search-team    accepted
           ⊘ accepted by eng-manager until 2027-01-31
        4 risks: 3 high, 1 low; 1 open
        ✓ done  ◐ in progress  ○ planned  ⊘ accepted
        hidden to fit: exposure; see --wide
        ");
    }

    #[test]
    fn the_fixture_at_200_columns() {
        insta::assert_snapshot!(at(200), @"
        #  risk                    title                                           severity            exposure  bad min/yr  budget  owner          state
        1  checkout/traffic-spike  Traffic spikes saturate the worker pool         16 high → 8 medium         3       78.00  14.8%   alice          mitigating
           ✓ detect   Page on queue depth · alice
           ○ prevent  Autoscale workers · bob · due 2026-11-20, overdue
        2  checkout/bad-deploy     A bad deploy breaks checkout                    12 high                    4       60.00  11.4%   payments-team  mitigated
           ✓ prevent  Announce deploys in #eng · payments-team · no evidence
           ✓ respond  Roll back with the deploy tool · payments-team
        3  checkout/single-expert  Only one engineer knows the reconciliation job  12 high                    -           -  -       payments-team  open
           · no action yet
        4  search/stale-index      The index serves stale results                  4 low                      -           -  -       search-team    accepted
           ⊘ accepted by eng-manager until 2027-01-31
        4 risks: 3 high, 1 low; 1 open
        ✓ done  ◐ in progress  ○ planned  ⊘ accepted
        ");
    }

    #[test]
    fn the_fixture_wide_without_actions() {
        let text = fixture::rank_table(TableView {
            width: 200,
            wide: true,
            actions: false,
        });
        insta::assert_snapshot!(text, @"
        #  system    risk           title                                           L  I  severity            detect   recover  exposure  bad min/yr  budget  incidents    state       owner          actions
        1  checkout  traffic-spike  Traffic spikes saturate the worker pool         4  4  16 high → 8 medium  1 (5m)   3 (1h)          3       78.00  14.8%   1            mitigating  alice          P:planned D:done
        2  checkout  bad-deploy     A bad deploy breaks checkout                    3  4  12 high             2 (10m)  2 (20m)         4       60.00  11.4%   -            mitigated   payments-team  P:done R:done
        3  checkout  single-expert  Only one engineer knows the reconciliation job  3  4  12 high             -        -               -           -  -       -            open        payments-team  none
        4  search    stale-index    The index serves stale results                  2  2  4 low               -        -               -           -  -       1 near-miss  accepted    search-team    none
        4 risks: 3 high, 1 low; 1 open
        ");
    }
}
