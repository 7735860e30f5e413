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
    RankReport, factor_row, minutes_cell, paint, rank_factor_cells, rank_header, rank_summary,
    risk_name, severity_cell, share_cell, simulated_cells, simulation_lines, state_cell,
};
use crate::analysis::{AssessedFactor, AssessedRisk};
use crate::band::{Band, Tone};
use crate::exercise::ActionFacts;
use crate::register::model::{Action, ActionStatus};
use crate::visible::visible_line;

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
    if report.ranked.is_empty() && report.factors.is_empty() {
        return writeln!(out, "no risks match");
    }
    let view = &report.view;
    let mut columns: Vec<Column> = if view.wide {
        WIDE.to_vec()
    } else {
        COMPACT.to_vec()
    };
    if view.wide && report.analysis.has_data_loss() {
        // After `budget`, as `rank_header` has it.
        let at = 1 + columns
            .iter()
            .position(|c| c.header == "budget")
            .unwrap_or(columns.len() - 1);
        columns.insert(at, Column::fixed("data loss", Align::Left));
    }
    if report.analysis.simulation.is_some() {
        // After `bad min/yr`.
        let at = 1 + columns
            .iter()
            .position(|c| c.header == "bad min/yr")
            .unwrap_or(columns.len() - 1);
        // A narrow table keeps the P90 (what a bad year costs) as long as
        // the owner, and lets the P50 go with exposure.
        let simulated = |name, order| {
            let column = Column::fixed(name, Align::Right);
            if view.wide {
                column
            } else {
                column.drops(order)
            }
        };
        columns.splice(at..at, [simulated("P50", 1), simulated("P90", 3)]);
    }
    let mut layout = Layout::new(&columns, report.colour);
    // Measured over every row, then written row by row: the cells are made
    // twice rather than held, so a long ranking costs one row of memory.
    for (rank, r) in report.rows() {
        layout.measure(&cells(report, rank, r));
    }
    for f in report.factor_rows() {
        layout.measure(&factor_cells(report, f));
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
    for f in report.factor_rows() {
        layout.write_row(out, &factor_cells(report, f))?;
        if view.actions {
            let owner = report.analysis.systems[f.system].system.owner.as_deref();
            let actions = f.factor.actions.iter().map(|a| (a, false, None));
            let mut lines = action_lines(report, actions, owner, layout.indent());
            if lines.is_empty() {
                lines.push(no_action_line(report, &" ".repeat(layout.indent())));
            }
            for line in lines {
                writeln!(out, "{line}")?;
            }
        }
    }
    writeln!(out, "{}", rank_summary(report))?;
    for line in simulation_lines(report.analysis, &|system| report.shows_system(system)) {
        for part in super::wrap(&line, view.width, "", "  ") {
            writeln!(out, "{part}")?;
        }
    }
    let dim = |text: &str| paint(text, Style::new().dimmed(), report.colour);
    if view.actions {
        // The failed mark is explained where one shows.
        let failed = report.rows().any(|(_, r)| r.failed_count() > 0);
        writeln!(
            out,
            "{}",
            dim(if failed {
                "✓ done  ◐ in progress  ○ planned  ✗ failed  ⊘ accepted"
            } else {
                "✓ done  ◐ in progress  ○ planned  ⊘ accepted"
            })
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

/// A factor's row: marked `factor` where a risk shows its severity.
fn factor_cells<'a>(report: &RankReport<'_>, f: &'a AssessedFactor<'_>) -> Vec<Cell<'a>> {
    let row = factor_row(report.analysis, f);
    if report.view.wide {
        return rank_factor_cells(report.analysis, f)
            .into_iter()
            .map(Cell::new)
            .collect();
    }
    let name = if report.analysis.one_system() {
        f.factor.id.value.clone()
    } else {
        report.analysis.factor_name(f)
    };
    let [
        rank,
        _,
        _,
        title,
        _,
        _,
        severity,
        _,
        _,
        exposure,
        minutes,
        share,
        _,
        state,
        owner,
        _,
    ] = row;
    // A factor is not simulated on its own: it counts in each simulated
    // year of its system at its expected cost.
    let simulated = report
        .analysis
        .simulation
        .map(|_| ["-".to_string(), "-".to_string()]);
    [rank, name, title, severity, exposure, minutes]
        .into_iter()
        .chain(simulated.into_iter().flatten())
        .chain([share, owner, state])
        .map(Cell::new)
        .collect()
}

/// What is being done about a risk, a line each, indented under its row:
/// its actions (done first), or its acceptance, or that nothing is.
fn detail_lines(report: &RankReport<'_>, r: &AssessedRisk<'_>, indent: usize) -> Vec<String> {
    let colour = report.colour;
    let room = report.view.width.saturating_sub(indent);
    let pad = " ".repeat(indent);
    let actions = r.actions().enumerate().map(|(i, (action, facts))| {
        let unmeasured = facts.in_effect && !r.shows_evidence(i);
        (action, unmeasured, Some(facts))
    });
    let mut lines = action_lines(report, actions, r.risk.owner.as_deref(), indent);
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
        lines.push(no_action_line(report, &pad));
    }
    lines
}

fn no_action_line(report: &RankReport<'_>, pad: &str) -> String {
    format!(
        "{pad}{}",
        paint("· no action yet", Style::new().dimmed(), report.colour)
    )
}

/// Actions, each with whether it is done without evidence, a line each
/// (done first), indented.
fn action_lines<'a, 'r: 'a>(
    report: &RankReport<'_>,
    actions: impl Iterator<Item = (&'a Action, bool, Option<&'a ActionFacts<'r>>)>,
    owner: Option<&str>,
    indent: usize,
) -> Vec<String> {
    let room = report.view.width.saturating_sub(indent);
    let pad = " ".repeat(indent);
    let mut actions: Vec<_> = actions.collect();
    // Done first, then failed (done once, found not to work), then what is
    // under way, then what is planned.
    let order = |status: ActionStatus| match status {
        ActionStatus::Done => 0,
        ActionStatus::Failed => 1,
        ActionStatus::InProgress => 2,
        ActionStatus::Planned => 3,
    };
    let status = |a: &Action, facts: Option<&ActionFacts<'_>>| facts.map_or(a.status, |f| f.status);
    actions.sort_by_key(|(a, _, facts)| (order(status(a, *facts)), a.kind));
    actions
        .into_iter()
        .map(|(action, unmeasured, facts)| {
            format!(
                "{pad}{}",
                action_line(report, owner, action, unmeasured, facts, room)
            )
        })
        .collect()
}

/// `✓ detect   Page on queue depth · alice · due 2026-12-01, overdue`,
/// `✓ respond  Restore drill · dave · exercised 2026-11-20`
fn action_line(
    report: &RankReport<'_>,
    owner: Option<&str>,
    action: &Action,
    unmeasured: bool,
    facts: Option<&ActionFacts<'_>>,
    room: usize,
) -> String {
    let colour = report.colour;
    // Found not to work by an incident: failed, whatever its status says.
    let status = facts.map_or(action.status, |f| f.status);
    let (mark, mark_style) = status_mark(status);
    let mut suffix = String::new();
    if let Some(owner) = action.owner.as_deref().or(owner) {
        suffix.push_str(" · ");
        suffix.push_str(&visible_line(owner));
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
    // Whether a done action was shown to work, or when it failed.
    let proof = facts.and_then(super::exercise_note);
    let proof_text = proof
        .as_ref()
        .map_or(String::new(), |(text, _)| format!(" · {text}"));
    let room_for_what = room
        .saturating_sub(
            text_width(&head) + text_width(&suffix) + text_width(flag) + text_width(&proof_text),
        )
        .max(MIN_WHAT);
    let what = shorten(&action.what, room_for_what);
    let proof = match proof {
        Some((_, true)) => paint(&proof_text, flag_style(true), colour),
        Some((_, false)) => paint(&proof_text, Style::new().dimmed(), colour),
        None => String::new(),
    };
    format!(
        "{}{what}{suffix}{}{proof}",
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
        ActionStatus::Failed => Style::new().fg_color(Some(AnsiColor::Red.into())),
        ActionStatus::InProgress => Style::new().fg_color(Some(AnsiColor::Yellow.into())),
        ActionStatus::Planned => Style::new(),
    };
    (super::status_mark(status), style)
}

/// A band's colour; the band's word is always written beside it.
pub(crate) fn band_style(band: Band) -> Style {
    let colour = match band.tone() {
        Tone::Critical => AnsiColor::Magenta,
        Tone::High => AnsiColor::Red,
        Tone::Medium => AnsiColor::Yellow,
        Tone::Low => AnsiColor::Green,
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
           ✓ detect   Page on queue depth · alice · exercised 2026-09-14
           ○ prevent  Autoscale workers · bob · due 2026-11-20, overdue
        2  checkout/bad-deploy     A bad deploy breaks …  12 high             mitigated
           ✓ prevent  Announce deploys … · payments-team · no evidence · never exercised
           ✓ respond  Roll back with the deploy tool · payments-team · exercise overdue
        3  checkout/single-expert  Only one engineer kn…  12 high             open
           ✗ prevent  Document the job · payments-team · failed 2026-10-10
        4  search/stale-index      The index serves sta…  4 low               accepted
           ⊘ accepted by eng-manager until 2027-01-31
        -  checkout/overload       On-call is overloaded  factor              open
           ○ prevent  Split the rotation · eng-manager · due 2027-01-15
        4 risks: 3 high, 1 low; 1 open; 1 systemic factor
        ✓ done  ◐ in progress  ○ planned  ✗ failed  ⊘ accepted
        hidden to fit: exposure, bad min/yr, budget, owner; see --wide
        ");
    }

    #[test]
    fn the_fixture_at_120_columns() {
        insta::assert_snapshot!(at(120), @"
        #  risk                    title                     severity              bad min/yr  budget  owner          state
        1  checkout/traffic-spike  Traffic spikes saturate…  16 high → 8 medium         78.00  14.8%   alice          mitigating
           ✓ detect   Page on queue depth · alice · exercised 2026-09-14
           ○ prevent  Autoscale workers · bob · due 2026-11-20, overdue
        2  checkout/bad-deploy     A bad deploy breaks che…  12 high                    60.00  11.4%   payments-team  mitigated
           ✓ prevent  Announce deploys in #eng · payments-team · no evidence · never exercised
           ✓ respond  Roll back with the deploy tool · payments-team · exercise overdue
        3  checkout/single-expert  Only one engineer knows…  12 high                        -  -       payments-team  open
           ✗ prevent  Document the job · payments-team · failed 2026-10-10
        4  search/stale-index      The index serves stale …  4 low                          -  -       search-team    accepted
           ⊘ accepted by eng-manager until 2027-01-31
        -  checkout/overload       On-call is overloaded     factor              32.00 → 0.00  6.1%    payments-team  open
           ○ prevent  Split the rotation · eng-manager · due 2027-01-15
        4 risks: 3 high, 1 low; 1 open; 1 systemic factor
        ✓ done  ◐ in progress  ○ planned  ✗ failed  ⊘ accepted
        hidden to fit: exposure; see --wide
        ");
    }

    #[test]
    fn the_fixture_at_200_columns() {
        insta::assert_snapshot!(at(200), @"
        #  risk                    title                                           severity            exposure    bad min/yr  budget  owner          state
        1  checkout/traffic-spike  Traffic spikes saturate the worker pool         16 high → 8 medium         3         78.00  14.8%   alice          mitigating
           ✓ detect   Page on queue depth · alice · exercised 2026-09-14
           ○ prevent  Autoscale workers · bob · due 2026-11-20, overdue
        2  checkout/bad-deploy     A bad deploy breaks checkout                    12 high                    4         60.00  11.4%   payments-team  mitigated
           ✓ prevent  Announce deploys in #eng · payments-team · no evidence · never exercised
           ✓ respond  Roll back with the deploy tool · payments-team · exercise overdue
        3  checkout/single-expert  Only one engineer knows the reconciliation job  12 high                    -             -  -       payments-team  open
           ✗ prevent  Document the job · payments-team · failed 2026-10-10
        4  search/stale-index      The index serves stale results                  4 low                      -             -  -       search-team    accepted
           ⊘ accepted by eng-manager until 2027-01-31
        -  checkout/overload       On-call is overloaded                           factor                     -  32.00 → 0.00  6.1%    payments-team  open
           ○ prevent  Split the rotation · eng-manager · due 2027-01-15
        4 risks: 3 high, 1 low; 1 open; 1 systemic factor
        ✓ done  ◐ in progress  ○ planned  ✗ failed  ⊘ accepted
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
        #  system    risk           title                                           L  I  severity            detect   recover  exposure    bad min/yr  budget  data loss      incidents    state       owner          actions
        1  checkout  traffic-spike  Traffic spikes saturate the worker pool         4  4  16 high → 8 medium  1 (5m)   3 (1h)          3         78.00  14.8%   -              1            mitigating  alice          P:planned D:done
        2  checkout  bad-deploy     A bad deploy breaks checkout                    3  4  12 high             2 (10m)  2 (20m)         4         60.00  11.4%   30m..3h > RPO  -            mitigated   payments-team  P:done R:done
        3  checkout  single-expert  Only one engineer knows the reconciliation job  3  4  12 high             -        -               -             -  -       -              -            open        payments-team  P:failed
        4  search    stale-index    The index serves stale results                  2  2  4 low               -        -               -             -  -       -              1 near-miss  accepted    search-team    none
        -  checkout  overload       On-call is overloaded                           -  -  factor              +10m     -               -  32.00 → 0.00  6.1%    -              -            open        payments-team  P:planned
        4 risks: 3 high, 1 low; 1 open; 1 systemic factor
        ");
    }
}
