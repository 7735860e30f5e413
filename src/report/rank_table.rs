//! `opx rank` for a terminal: a list fitted to the terminal's width, each
//! risk followed by what is being done about it (its actions, or its
//! acceptance), then a one-line summary.
//!
//! The default view shows the columns that tell most; `--wide` shows every
//! column, whole. To fit, the least telling columns are left out (the last
//! line says which) and the title and the owner shorten with `…`; ids,
//! numbers and dates are never cut. A title keeps [`READABLE_TEXT`] columns: when
//! its row cannot leave it that much, every title goes on a line of its own
//! under its row. An id too wide for its column goes whole on a line of its
//! own, the row going on below; only an id wider than the whole line runs
//! past the width. Risks of more than one system are grouped under a line
//! naming each, so no id repeats its system. Every other line (actions,
//! acceptance, summary, notes) is kept within the width.

use std::io::{self, Write};

use anstyle::{AnsiColor, Style};

use super::columns::{Align, Cell, Column, Layout, READABLE_TEXT, one_line, shorten, text_width};
use super::{
    RankReport, factor_row, minutes_cell, paint, rank_factor_cells, rank_header, rank_summary,
    severity_cell, share_cell, simulated_cells, simulation_lines, state_cell,
};
use crate::analysis::{AssessedFactor, AssessedRisk};
use crate::band::{Band, Tone};
use crate::budget::Size;
use crate::exception::{Exception, Standing};
use crate::exercise::ActionFacts;
use crate::register::model::{Action, ActionStatus, Waiver};
use crate::score::RankBy;
use crate::visible::visible_line;

/// The default view: what to fix first, and why. The rank, the id, the
/// title, the severity and the state always show; the others as the width
/// allows, exposure going first and the budget's share last.
const COMPACT: [Column; 9] = [
    Column::fixed("#", Align::Right),
    Column::fixed("risk", Align::Left).spills_to(ID_MIN),
    Column::text(TITLE),
    Column::fixed("severity", Align::Left),
    Column::fixed("exposure", Align::Right).drops(1),
    Column::fixed("bad min/yr", Align::Right).drops(2),
    Column::fixed("budget", Align::Left).drops(4),
    Column::fixed("owner", Align::Left)
        .shrinks_to(6, 12)
        .drops(3),
    Column::fixed("state", Align::Left),
];

const TITLE: &str = "title";

// A title is shown whole, or shortened to no fewer than READABLE_TEXT
// columns, at any width of at least that plus the rank column and its gap
// (30 columns for up to 9,999 risks): beside its row when the row leaves
// it that much room, else on a line of its own under the row. Beside its
// row, it keeps up to COMFORTABLE_TEXT columns before exposure, bad
// minutes, the owner or the budget is shown.

/// Beside its title, the id column narrows to no fewer than this many
/// columns, and only when a quarter of the rows or fewer then put their id
/// on a line of its own; else the titles go under their rows.
const ID_MIN: usize = 12;

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

/// Shorter than this, an action's text says too little; what is said
/// after it goes on a line of its own.
const MIN_WHAT: usize = READABLE_TEXT;

/// Where the facts of a detail line that go on the lines below it start,
/// past its indent: under an action's text (`✓ respond  `).
const UNDER: usize = 11;

/// A row of the list: a risk with its rank, or a systemic factor.
#[derive(Clone, Copy)]
enum Row<'a> {
    Risk(usize, &'a AssessedRisk<'a>),
    Factor(&'a AssessedFactor<'a>),
}

/// The rows under each system's heading, systems in the order their
/// first row comes; one group without a heading when the register has one
/// system (or in `--wide`, whose rows name their system). A register of
/// several keeps the heading over a single group (`--top 2`, `--system`),
/// so the bare ids under it still say whose they are.
fn groups<'a>(report: &RankReport<'a>) -> Vec<(Option<&'a str>, Vec<Row<'a>>)> {
    let analysis = report.analysis;
    let rows = report
        .rows()
        .map(|(rank, r)| (r.risk.system.as_str(), Row::Risk(rank, r)))
        .chain(report.factor_rows().map(|f| {
            (
                analysis.systems[f.system].system.id.as_str(),
                Row::Factor(f),
            )
        }));
    let mut groups: Vec<(Option<&'a str>, Vec<Row<'a>>)> = Vec::new();
    if report.view.wide {
        return vec![(None, rows.map(|(_, row)| row).collect())];
    }
    // Each system's place among the groups: a long ranking of many systems
    // finds its group at once rather than by a walk over all of them.
    let mut at: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (system, row) in rows {
        let index = *at.entry(system).or_insert_with(|| {
            groups.push((Some(system), Vec::new()));
            groups.len() - 1
        });
        groups[index].1.push(row);
    }
    if let [(system, _)] = groups.as_mut_slice()
        && analysis.one_system()
    {
        *system = None;
    }
    groups
}

/// Where the titles go: beside the rest of their row, or each on a line
/// of its own under it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Titles {
    Beside,
    Under,
}

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
    // The column the risks are ranked by explains the order: it stays.
    let ranked_by = match view.by {
        RankBy::Severity => "severity",
        RankBy::Exposure => "exposure",
        RankBy::Budget => "budget",
    };
    for column in columns.iter_mut().filter(|c| c.header == ranked_by) {
        column.drop_order = None;
    }
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
    let groups = groups(report);
    let rows = || groups.iter().flat_map(|(_, rows)| rows.iter().copied());
    if !view.wide {
        // Beside the titles, the id column narrows only so far that a
        // quarter of the rows or fewer put their id on a line of its own.
        // The id cell of a row (see `cells` and `factor_cells`), without
        // making the whole row.
        let mut ids: Vec<usize> = rows()
            .map(|row| {
                text_width(match row {
                    Row::Risk(_, r) => &r.risk.id.value,
                    Row::Factor(f) => &f.factor.id.value,
                })
            })
            .collect();
        ids.sort_unstable_by(|a, b| b.cmp(a));
        let floor = ids.get(ids.len() / 4).copied().unwrap_or(0).max(ID_MIN);
        for column in columns.iter_mut().filter(|c| c.spill_to.is_some()) {
            column.spill_to = Some(floor);
        }
    }
    // The cells of a row as the layout has them: without the title when it
    // goes under.
    let laid_out = |row, titles| {
        let mut cells = row_cells(report, row);
        if titles == Titles::Under {
            cells.remove(2);
        }
        cells
    };
    // Measured over every row, then written row by row: the cells are made
    // again rather than held, so a long ranking holds one row's text.
    let fitted = |columns: &[Column], titles| {
        let mut layout = Layout::new(columns, report.colour);
        for row in rows() {
            layout.measure(&laid_out(row, titles));
        }
        layout.fit(view.width);
        layout
    };
    let mut titles = Titles::Beside;
    let mut layout = fitted(&columns, titles);
    if !view.wide && !layout.fits(view.width) {
        titles = Titles::Under;
        columns.retain(|c| c.header != TITLE);
        // Under its row, any id may have a line of its own.
        for column in columns.iter_mut().filter(|c| c.spill_to.is_some()) {
            column.spill_to = Some(0);
        }
        layout = fitted(&columns, titles);
    }
    layout.write_header(out)?;
    let indent = layout.indent();
    let pad = " ".repeat(indent);
    for (system, rows) in &groups {
        if let Some(system) = system {
            writeln!(
                out,
                "{}",
                paint(&one_line(system), Style::new().bold(), report.colour)
            )?;
        }
        for &row in rows {
            layout.write_row(out, &laid_out(row, titles))?;
            if titles == Titles::Under {
                let title = match row {
                    Row::Risk(_, r) => &r.risk.title,
                    Row::Factor(f) => &f.factor.title,
                };
                writeln!(
                    out,
                    "{pad}{}",
                    shorten(title, view.width.saturating_sub(indent))
                )?;
            }
            if !view.actions {
                continue;
            }
            let lines = match row {
                Row::Risk(_, r) => detail_lines(report, r, indent),
                Row::Factor(f) => {
                    let owner = report.analysis.systems[f.system].system.owner.as_deref();
                    let actions = f.factor.actions.iter().map(|a| (a, false, None));
                    let mut lines = action_lines(report, actions, owner, indent);
                    if lines.is_empty() {
                        lines.push(no_action_line(report, &pad));
                    }
                    lines
                }
            };
            for line in lines {
                writeln!(out, "{line}")?;
            }
        }
    }
    let plain = |text: &str, out: &mut dyn Write| -> io::Result<()> {
        for line in fitted_lines(text, view.width) {
            writeln!(out, "{line}")?;
        }
        Ok(())
    };
    plain(&rank_summary(report), out)?;
    for line in simulation_lines(report.analysis, &|system| report.shows_system(system)) {
        plain(&line, out)?;
    }
    let dim = |text: &str, out: &mut dyn Write| -> io::Result<()> {
        for line in fitted_lines(text, view.width) {
            writeln!(
                out,
                "{}",
                paint(&line, Style::new().dimmed(), report.colour)
            )?;
        }
        Ok(())
    };
    if view.actions {
        // The failed mark is explained where one shows.
        let failed = report.rows().any(|(_, r)| r.failed_count() > 0);
        dim(
            if failed {
                "✓ done  ◐ in progress  ○ planned  ✗ failed  ⊘ accepted or waived"
            } else {
                "✓ done  ◐ in progress  ○ planned  ⊘ accepted or waived"
            },
            out,
        )?;
    }
    let left_out = layout.left_out();
    if !left_out.is_empty() {
        // `see --wide` stays together, on the last line.
        let mut lines = fitted_lines(
            &format!("hidden to fit: {};", left_out.join(", ")),
            view.width,
        );
        let see = "see --wide";
        match lines.last_mut() {
            Some(last) if text_width(last) + 1 + see.len() <= view.width => {
                last.push(' ');
                last.push_str(see);
            }
            _ => lines.push(format!("  {see}")),
        }
        for line in lines {
            writeln!(
                out,
                "{}",
                paint(&line, Style::new().dimmed(), report.colour)
            )?;
        }
    }
    Ok(())
}

/// A line of the list's foot as it is when it fits, else wrapped at
/// spaces, its later lines indented.
fn fitted_lines(text: &str, width: usize) -> Vec<String> {
    if text_width(text) <= width {
        vec![one_line(text).into_owned()]
    } else {
        super::wrap(text, width, "", "  ")
    }
}

fn row_cells<'a>(report: &RankReport<'_>, row: Row<'a>) -> Vec<Cell<'a>> {
    match row {
        Row::Risk(rank, r) => cells(report, rank, r),
        Row::Factor(f) => factor_cells(report, f),
    }
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
    // A heading names the system over its rows.
    let mut cells = vec![
        Cell::new(rank.to_string()),
        Cell::new(risk.id.value.as_str()),
        Cell::new(risk.title.as_str()),
        severity,
        Cell::new(current.exposure.map_or("-".to_string(), |e| e.to_string())),
        Cell::new(minutes_cell(&r.score)),
    ];
    if report.analysis.simulation.is_some() {
        cells.extend(simulated_cells(r).map(Cell::new));
    }
    cells.extend([
        Cell::styled(share_cell(r), budget_style(r)),
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
    let name = f.factor.id.value.clone();
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
    let pad = " ".repeat(indent);
    let actions = r.actions().enumerate().map(|(i, (action, facts))| {
        let unmeasured = facts.in_effect && !r.shows_evidence(i);
        (action, unmeasured, Some(facts))
    });
    let mut lines = action_lines(report, actions, r.risk.owner.as_deref(), indent);
    // `⊘ accepted by eng-manager until 2027-03-31` and `⊘ waived too-big
    // until 2027-01-31 (lead)`: the acceptance, then each waiver, with
    // `ends soon` within the policy's notice and `expired` once past, as
    // the gate judges them.
    for stood in &r.exceptions {
        let until = stood.exception.until().value;
        let (head, by) = match stood.exception {
            Exception::Acceptance(a) => ("⊘ accepted ".to_string(), format!("by {}", a.by)),
            Exception::Waiver(w) => (format!("⊘ waived {}", w.rule.id()), String::new()),
        };
        let mut fact = vec![Piece::plain(format!(" until {until}"))];
        let mut notes = Vec::new();
        if let Exception::Waiver(Waiver { by: Some(by), .. }) = stood.exception {
            notes.push(Piece {
                text: visible_line(by).into_owned(),
                style: None,
                shrinks: true,
            });
        }
        let flag = match stood.standing {
            Standing::Holds => None,
            Standing::Ending => Some(("ends soon", flag_style(false))),
            Standing::Expired => Some((
                "expired",
                Style::new().fg_color(Some(AnsiColor::Red.into())),
            )),
        };
        if let Some((word, style)) = flag {
            let sep = if notes.is_empty() { "" } else { ", " };
            notes.push(Piece::styled(&format!("{sep}{word}"), style));
        }
        if !notes.is_empty() {
            fact.push(Piece::plain(" (".to_string()));
            fact.extend(notes);
            fact.push(Piece::plain(")".to_string()));
        }
        lines.extend(detail_line(
            report,
            indent,
            (&head, Style::new()),
            &by,
            vec![fact],
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
        .flat_map(|(action, unmeasured, facts)| {
            action_line(report, owner, action, unmeasured, facts, indent)
        })
        .collect()
}

/// A piece of a detail line: its text as shown, and as written (with its
/// colour); `shrinks` when it may be shortened (a name), never when it
/// holds a date.
struct Piece {
    text: String,
    style: Option<Style>,
    shrinks: bool,
}

impl Piece {
    fn plain(text: String) -> Piece {
        Piece {
            text,
            style: None,
            shrinks: false,
        }
    }

    fn styled(text: &str, style: Style) -> Piece {
        Piece {
            text: text.to_string(),
            style: Some(style),
            shrinks: false,
        }
    }

    fn width(&self) -> usize {
        text_width(&self.text)
    }
}

/// A detail line, indented by `indent`: `head`, then `what` shortened to
/// leave room for the facts after it, down to [`MIN_WHAT`] columns; when
/// that is too little, the facts go on the lines below, under an action's
/// text, as many to a line as fit. No line is wider than `width` unless a single
/// fact (an unbroken date) is.
fn detail_line(
    report: &RankReport<'_>,
    indent: usize,
    head: (&str, Style),
    what: &str,
    facts: Vec<Vec<Piece>>,
) -> Vec<String> {
    let colour = report.colour;
    let width = report.view.width;
    let pad = " ".repeat(indent);
    let room = width.saturating_sub(indent + text_width(head.0));
    let facts_width: usize = facts.iter().flatten().map(Piece::width).sum();
    let write = |pieces: &[Piece], room: usize| -> String {
        let fixed: usize = pieces.iter().filter(|p| !p.shrinks).map(Piece::width).sum();
        let mut line = String::new();
        for piece in pieces {
            let text = if piece.shrinks {
                shorten(&piece.text, room.saturating_sub(fixed))
            } else {
                one_line(&piece.text)
            };
            match piece.style {
                Some(style) => line.push_str(&paint(&text, style, colour)),
                None => line.push_str(&text),
            }
        }
        line
    };
    let first = format!("{pad}{}", paint(head.0, head.1, colour));
    let what_width = text_width(what);
    if room >= facts_width + what_width.min(MIN_WHAT) {
        let what = shorten(what, room - facts_width);
        let pieces: Vec<Piece> = facts.into_iter().flatten().collect();
        return vec![format!("{first}{what}{}", write(&pieces, facts_width))];
    }
    let mut lines = vec![format!("{first}{}", shorten(what, room))];
    // Under an action's text; a longer head (a waiver's rule) would leave
    // its facts too little room.
    let under = text_width(head.0).min(UNDER);
    let room = width.saturating_sub(indent + under);
    let under = format!("{pad}{}", " ".repeat(under));
    let mut line: Vec<Piece> = Vec::new();
    let mut used = 0;
    for mut fact in facts {
        // A fact that starts a line loses its separator.
        let fact_width: usize = fact.iter().map(Piece::width).sum();
        if !line.is_empty() && used + fact_width > room {
            lines.push(format!("{under}{}", write(&line, room)));
            line.clear();
            used = 0;
        }
        if line.is_empty()
            && let Some(lead) = fact.first_mut()
        {
            lead.text = lead.text.trim_start_matches([' ', '·', ',']).to_string();
        }
        used += fact.iter().map(Piece::width).sum::<usize>();
        line.extend(fact);
    }
    if !line.is_empty() {
        lines.push(format!("{under}{}", write(&line, room)));
    }
    lines
}

/// `✓ detect   Page on queue depth · alice · due 2026-12-01, overdue`,
/// `✓ respond  Restore drill · dave · exercised 2026-11-20`, a line or
/// more.
fn action_line(
    report: &RankReport<'_>,
    owner: Option<&str>,
    action: &Action,
    unmeasured: bool,
    facts: Option<&ActionFacts<'_>>,
    indent: usize,
) -> Vec<String> {
    // Found not to work by an incident: failed, whatever its status says.
    let status = facts.map_or(action.status, |f| f.status);
    let (mark, mark_style) = status_mark(status);
    let mut pieces: Vec<Vec<Piece>> = Vec::new();
    if let Some(owner) = action.owner.as_deref().or(owner) {
        pieces.push(vec![
            Piece::plain(" · ".to_string()),
            Piece {
                text: visible_line(owner).into_owned(),
                style: None,
                shrinks: true,
            },
        ]);
    }
    let mut overdue = false;
    let mut due_piece = Vec::new();
    if let Some(due) = action.due.filter(|_| action.status != ActionStatus::Done) {
        due_piece.push(Piece::plain(format!(" · due {}", due.value)));
        overdue = facts.map_or_else(
            || crate::exercise::overdue(action, report.analysis.today),
            |f| f.overdue,
        );
    }
    // A late action, or a done one whose effect nobody measured.
    if overdue {
        due_piece.push(Piece::styled(", overdue", flag_style(true)));
    }
    if !due_piece.is_empty() {
        pieces.push(due_piece);
    }
    if unmeasured && !overdue {
        pieces.push(vec![Piece::styled(" · no evidence", flag_style(false))]);
    }
    // Whether a done action was shown to work, or when it failed.
    match facts.and_then(super::exercise_note) {
        Some((text, true)) => {
            pieces.push(vec![Piece::styled(&format!(" · {text}"), flag_style(true))])
        }
        Some((text, false)) => pieces.push(vec![Piece::styled(
            &format!(" · {text}"),
            Style::new().dimmed(),
        )]),
        None => {}
    }
    let head = format!("{mark} {:<8} ", action.kind.name());
    detail_line(report, indent, (&head, mark_style), &action.what, pieces)
}

/// Red for a risk too big for its budget, yellow for one nearly so; dim
/// for one too big under a waiver that holds (its cell says `waived`).
fn budget_style(r: &AssessedRisk<'_>) -> Style {
    match r.size {
        Some(Size::TooBig) if r.too_big_waived().is_some() => Style::new().dimmed(),
        Some(Size::TooBig) => Style::new().fg_color(Some(AnsiColor::Red.into())),
        Some(Size::Near) => Style::new().fg_color(Some(AnsiColor::Yellow.into())),
        _ => Style::new(),
    }
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
        #  risk           title                           severity            state
        checkout
        1  traffic-spike  Traffic spikes saturate the w…  16 high → 8 medium  mitigating
           ✓ detect   Page on queue depth · alice · exercised 2026-09-14
           ○ prevent  Autoscale workers · bob · due 2026-11-20, overdue
        2  bad-deploy     A bad deploy breaks checkout    12 high             mitigated
           ✓ prevent  Announce deploys in #eng
                      payments-team · no evidence · never exercised
           ✓ respond  Roll back with the deploy tool · payments-team · exercise overdue
        3  single-expert  Only one engineer knows the r…  12 high             open
           ✗ prevent  Document the job · payments-team · failed 2026-10-10
           ⊘ waived no-runbook until 2027-02-28 (eng-manager)
        -  overload       On-call is overloaded           factor              open
           ○ prevent  Split the rotation · eng-manager · due 2027-01-15
        search
        4  stale-index    The index serves stale results  4 low               accepted
           ⊘ accepted by eng-manager until 2027-01-31
        4 risks: 3 high, 1 low; 1 open; 1 systemic factor
        ✓ done  ◐ in progress  ○ planned  ✗ failed  ⊘ accepted or waived
        hidden to fit: exposure, bad min/yr, budget, owner; see --wide
        ");
    }

    #[test]
    fn the_fixture_at_120_columns() {
        insta::assert_snapshot!(at(120), @"
        #  risk           title                                           severity            budget  owner          state
        checkout
        1  traffic-spike  Traffic spikes saturate the worker pool         16 high → 8 medium  14.8%   alice          mitigating
           ✓ detect   Page on queue depth · alice · exercised 2026-09-14
           ○ prevent  Autoscale workers · bob · due 2026-11-20, overdue
        2  bad-deploy     A bad deploy breaks checkout                    12 high             11.4%   payments-team  mitigated
           ✓ prevent  Announce deploys in #eng · payments-team · no evidence · never exercised
           ✓ respond  Roll back with the deploy tool · payments-team · exercise overdue
        3  single-expert  Only one engineer knows the reconciliation job  12 high             -       payments-team  open
           ✗ prevent  Document the job · payments-team · failed 2026-10-10
           ⊘ waived no-runbook until 2027-02-28 (eng-manager)
        -  overload       On-call is overloaded                           factor              6.1%    payments-team  open
           ○ prevent  Split the rotation · eng-manager · due 2027-01-15
        search
        4  stale-index    The index serves stale results                  4 low               -       search-team    accepted
           ⊘ accepted by eng-manager until 2027-01-31
        4 risks: 3 high, 1 low; 1 open; 1 systemic factor
        ✓ done  ◐ in progress  ○ planned  ✗ failed  ⊘ accepted or waived
        hidden to fit: exposure, bad min/yr; see --wide
        ");
    }

    #[test]
    fn the_fixture_at_200_columns() {
        insta::assert_snapshot!(at(200), @"
        #  risk           title                                           severity            exposure    bad min/yr  budget  owner          state
        checkout
        1  traffic-spike  Traffic spikes saturate the worker pool         16 high → 8 medium         3         78.00  14.8%   alice          mitigating
           ✓ detect   Page on queue depth · alice · exercised 2026-09-14
           ○ prevent  Autoscale workers · bob · due 2026-11-20, overdue
        2  bad-deploy     A bad deploy breaks checkout                    12 high                    4         60.00  11.4%   payments-team  mitigated
           ✓ prevent  Announce deploys in #eng · payments-team · no evidence · never exercised
           ✓ respond  Roll back with the deploy tool · payments-team · exercise overdue
        3  single-expert  Only one engineer knows the reconciliation job  12 high                    -             -  -       payments-team  open
           ✗ prevent  Document the job · payments-team · failed 2026-10-10
           ⊘ waived no-runbook until 2027-02-28 (eng-manager)
        -  overload       On-call is overloaded                           factor                     -  32.00 → 0.00  6.1%    payments-team  open
           ○ prevent  Split the rotation · eng-manager · due 2027-01-15
        search
        4  stale-index    The index serves stale results                  4 low                      -             -  -       search-team    accepted
           ⊘ accepted by eng-manager until 2027-01-31
        4 risks: 3 high, 1 low; 1 open; 1 systemic factor
        ✓ done  ◐ in progress  ○ planned  ✗ failed  ⊘ accepted or waived
        ");
    }

    #[test]
    fn the_fixture_wide_without_actions() {
        let text = fixture::rank_table(TableView {
            width: 200,
            wide: true,
            actions: false,
            ..TableView::default()
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
