//! `opx report`: one HTML page that opens offline and needs nothing else.
//!
//! The page is built with maud, whose templates are checked when opx is
//! compiled and which escapes every value it is given: no text from a
//! register can become markup. Styles are inline, charts are inline SVG,
//! nothing is fetched and no script runs. A link from the register is
//! clickable only when it is `http:`, `https:` or a relative path; any
//! other (`javascript:`, `data:`) is shown as text.
//!
//! The page opens with the gate's verdict and what most needs a reader;
//! the rest follows in `opx`'s order. On a phone's width every wide table
//! becomes a stack of cards, each cell labelled, so only the heat maps
//! scroll sideways; charts keep their words at the page's size.
//!
//! Every colour has its word beside it, tables have headers, and a print
//! stylesheet drops the page's chrome. Numbers the tests read from the
//! rendered page carry `data-` attributes.

use std::io::{self, Write};

use maud::{DOCTYPE, Markup, PreEscaped, html};

use super::{
    CheckReport, TOOL_VERSION, check_summary, places, simulation_settings_text, status_mark,
    system_simulation_line, waived_places, years_cells,
};
use crate::band::Band;
use crate::budget::{minutes_text, percent_text};
use crate::diag::{Tally, plural};
use crate::exception::{Exception, Standing, Stood};
use crate::matrix::Matrix;
use crate::overview::{Against, BudgetBars, Fit, Overview, SLO_TARGETS};
use crate::plan::Week;
use crate::register::model::Waiver;
use crate::scale::{Level, Scale};
use crate::score::State;
use crate::trend::{Trend, high_or_worse};
use crate::units::format_duration;

const STYLE: &str = r#"
:root { --ink: #1d2330; --muted: #5b6475; --line: #d8dce4; --paper: #ffffff;
  --low: #e3f2e4; --medium: #fff3cd; --high: #fde0dc; --critical: #efdcf7;
  --low-ink: #1e5e24; --medium-ink: #7a5300; --high-ink: #9b1c12; --critical-ink: #5d1f7a;
  --accepted: #dbe8fb; --accepted-ink: #1f4f8f; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1240px; padding: 1.5rem; color: var(--ink); overflow-wrap: break-word;
  background: var(--paper); font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; }
h1 { font-size: 1.7rem; margin: 0 0 .25rem; }
h2 { font-size: 1.25rem; margin: 2rem 0 .5rem; border-bottom: 1px solid var(--line); padding-bottom: .25rem; }
h3 { font-size: 1.05rem; margin: 1.2rem 0 .4rem; }
p.meta, .muted { color: var(--muted); }
code { font-size: .92em; background: #f4f6f9; border-radius: 3px; padding: 0 .2em; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; margin: .4rem 0 1rem; }
caption { text-align: left; font-weight: 600; padding: .2rem 0; }
th, td { border: 1px solid var(--line); padding: .3rem .5rem; text-align: left; vertical-align: top; }
/* Free text breaks anywhere rather than push its table off the page. */
td { overflow-wrap: anywhere; }
th { background: #f4f6f9; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
/* Ids, names, dates and states are never broken, not even at a hyphen;
   a risk's name may break after its system's. */
thead th, th[scope=row]:not(.name), .whole { white-space: nowrap; }
.matrix thead th { white-space: normal; }
td.doing { min-width: 18rem; width: 45%; }
td.words { overflow-wrap: normal; }
th.name div { font-weight: normal; }
.summary { border: 1px solid var(--line); border-radius: 6px; padding: .2rem 1rem .6rem; }
.summary h2 { border: 0; margin-top: .6rem; }
.summary h3 { margin-top: .8rem; }
.summary ol, .summary ul { margin: .2rem 0; padding-left: 1.4rem; }
/* Outside a table, an id longer than the line breaks rather than run off
   it; one that fits moves to the next line whole. */
.summary .whole { display: inline-block; max-width: 100%; white-space: normal; overflow-wrap: anywhere; }
.systems { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(340px, 100%), 1fr)); gap: 1rem; }
.system { border: 1px solid var(--line); border-radius: 6px; padding: .8rem 1rem; }
.system h3 { margin-top: 0; }
dl { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: .15rem .8rem; margin: 0 0 .6rem; }
dt { color: var(--muted); }
dd { margin: 0; }
.matrices { display: flex; flex-wrap: wrap; gap: 1.2rem; }
.matrices > .scroll { flex: 0 1 auto; }
figure svg { max-width: 100%; height: auto; }
.matrix { font-size: 13px; }
.matrix th, .matrix td { padding: .2rem .35rem; }
.matrix td { text-align: center; min-width: 3.6rem; }
.matrix td span { display: block; font-size: 11px; }
.band-low { background: var(--low); color: var(--low-ink); }
.band-medium { background: var(--medium); color: var(--medium-ink); }
.band-high { background: var(--high); color: var(--high-ink); }
.band-critical { background: var(--critical); color: var(--critical-ink); }
.fit-fits { background: var(--low); color: var(--low-ink); }
.fit-nearly-too-big { background: var(--medium); color: var(--medium-ink); }
.fit-too-big { background: var(--high); color: var(--high-ink); font-weight: 600; }
.fit-accepted, .fit-waived { background: var(--accepted); color: var(--accepted-ink); }
.verdict-ok { color: var(--low-ink); }
.verdict-at-risk { color: var(--medium-ink); font-weight: 600; }
.verdict-breached { color: var(--high-ink); font-weight: 700; }
.overdue { color: var(--high-ink); font-weight: 600; }
.level-error { color: var(--high-ink); font-weight: 700; }
.level-warning { color: var(--medium-ink); font-weight: 600; }
.level-note { color: var(--muted); }
svg text { font: 16px system-ui, sans-serif; fill: var(--ink); }
svg .axis { stroke: var(--muted); stroke-width: 1; }
svg .grid { stroke: var(--line); stroke-width: 1; }
figure { margin: .5rem 0 1.2rem; }
figcaption { color: var(--muted); font-size: .9rem; }
.charts { display: flex; flex-wrap: wrap; gap: 0 2.5rem; }
.charts figure { flex: 0 1 480px; min-width: 0; }
.legend { display: flex; flex-wrap: wrap; gap: .2rem 1.2rem; list-style: none; padding: 0; margin: .2rem 0; color: var(--ink); }
.legend svg { vertical-align: middle; margin-right: .3rem; }
/* Budget bars: a name, a bar against a dashed line at the budget, the figures. */
.bars { display: grid; grid-template-columns: 5.5rem minmax(8rem, 1fr) minmax(12rem, auto); gap: .35rem .8rem; align-items: center; max-width: 52rem; }
.track { position: relative; height: 1.4rem; }
.track .fill { height: 100%; border: 1px solid var(--muted); background: var(--low); }
.track .fill.over { background: var(--high); }
.track .limit { position: absolute; top: -.2rem; bottom: -.2rem; border-left: 2px dashed var(--ink); }
footer { margin-top: 2.5rem; color: var(--muted); font-size: .9rem; }
@media (max-width: 640px) {
  body { padding: .8rem; font-size: 14px; }
  th, td { padding: .25rem .35rem; }
  /* Each row of a wide table becomes a card, each cell a labelled line. */
  table.cards, .cards caption, .cards tbody, .cards tr, .cards td, .cards th { display: block; }
  .cards thead { display: none; }
  .cards tr { border: 1px solid var(--line); border-radius: 6px; margin: 0 0 .6rem; padding: .3rem .6rem; }
  .cards td, .cards th { border: 0; padding: .1rem 0; background: none; text-align: left; }
  .cards td.doing { width: auto; min-width: 0; }
  /* Short cells share a line; text has lines of its own. */
  .cards td:not(.rank) { display: inline-block; max-width: 100%; margin-right: 1rem; }
  .cards td.doing, .cards td.prose { display: block; margin-right: 0; }
  .cards td.rank { float: right; color: var(--muted); }
  .cards td[data-label]::before { content: attr(data-label) ": "; color: var(--muted); font-size: 12px; }
  /* An id still moves to a line of its own whole; only one longer than
     the card breaks. */
  .cards .whole, .cards th[scope=row] { white-space: normal; overflow-wrap: anywhere; }
  .cards span.whole { display: inline-block; max-width: 100%; }
  .bars { grid-template-columns: 4.5rem minmax(0, 1fr); }
  .bars .figures { grid-column: 2; margin-top: -.3rem; }
}
@media print { body { max-width: none; padding: 0; font-size: 11px; } .scroll { overflow: visible; }
  h2 { break-after: avoid; } table, figure { break-inside: avoid; } a { color: inherit; text-decoration: none; } }
"#;

/// Writes the page.
pub fn write(o: &Overview<'_>, out: &mut dyn Write) -> io::Result<()> {
    out.write_all(page(o).into_string().as_bytes())
}

fn page(o: &Overview<'_>) -> Markup {
    let systems: Vec<&str> = o.systems.iter().map(|s| s.system.id.as_str()).collect();
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                // Nothing runs and nothing loads, whatever the page holds.
                meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'";
                title { "Risk report: " (systems.join(", ")) " (" (o.today) ")" }
                style { (PreEscaped(STYLE)) }
            }
            body {
                header {
                    h1 { "Risk report" }
                    p.meta {
                        (o.today) " · "
                        (plural(o.systems.len(), "system")) ", "
                        (plural(o.analysis.risks.len(), "risk")) " · opx " (TOOL_VERSION)
                        " · policy: " (o.policy.describe())
                    }
                }
                main {
                    (summary_section(o))
                    (systems_section(o))
                    (matrices_section(o))
                    (risks_section(o))
                    (stack_section(o))
                    (plan_section(o))
                    (incidents_section(o))
                    (findings_section(o))
                    @if let Some(trend) = &o.trend { (trend_section(trend)) }
                    @if let Some(missing) = &o.trend_missing {
                        section aria-labelledby="trend" {
                            h2 id="trend" { "The trend" }
                            p.level-warning { "No trend: " (missing) }
                        }
                    }
                }
                footer {
                    "Made by opx " (TOOL_VERSION) " on " (o.today)
                    ". Fail small, detect fast, recover predictably."
                }
            }
        }
    }
}

/// Text whose `code spans` show as code: what the gate's messages quote
/// (ids, keys, values) between backticks. A backtick without its pair
/// stays as it is.
fn prose(text: &str) -> Markup {
    let parts: Vec<&str> = text.split('`').collect();
    // An odd count of backticks leaves the last one unpaired.
    let paired = if parts.len().is_multiple_of(2) {
        parts.len() - 2
    } else {
        parts.len() - 1
    };
    html! {
        @for (i, part) in parts.iter().enumerate() {
            @if i > paired { "`" (part) }
            @else if i % 2 == 1 { code { (part) } }
            @else { (part) }
        }
    }
}

/// A risk's name, `checkout/traffic-spike`: its system and its id are
/// each kept whole, and a narrow column may break it after the `/`. An
/// id longer than [`LONG_ID`] may also break at a hyphen, so that a
/// table of them still fits a laptop's width.
fn risk_name(name: &str) -> Markup {
    let part = |text: &str| {
        let class = if text.chars().count() > LONG_ID {
            "long"
        } else {
            "whole"
        };
        html! { span class=(class) { (text) } }
    };
    match name.split_once('/') {
        Some((system, id)) => html! { (part(&format!("{system}/"))) wbr; (part(id)) },
        None => part(name),
    }
}

/// The characters of an id that is kept on one line, whatever its column.
const LONG_ID: usize = 32;

/// What the page opens with: the gate's verdict and its first errors, the
/// systems over budget, the worst risks and the exceptions that end
/// soonest.
fn summary_section(o: &Overview<'_>) -> Markup {
    let tally = Tally::of(&o.checked.findings);
    let report = check_report(o);
    let places = places(&report);
    // The gate's order: errors first, each level in file order.
    let errors: Vec<_> = o
        .checked
        .findings
        .iter()
        .zip(&places)
        .filter(|(d, _)| d.severity == crate::diag::Severity::Error)
        .take(3)
        .collect();
    let summary = &o.summary;
    html! {
        section.summary aria-labelledby="verdict" {
            @if tally.errors == 0 {
                h2.verdict-ok id="verdict" data-errors="0" { "✓ The gate passes" }
            } @else {
                h2.level-error id="verdict" data-errors=(tally.errors) { "✗ The gate fails: " (plural(tally.errors, "error")) }
            }
            p { (check_summary(&report)) }
            @if !errors.is_empty() {
                ol.errors {
                    @for (d, place) in &errors {
                        li {
                            code { (d.code.id()) } " "
                            @if let Some(p) = place { span.whole.muted { (p.text()) } " " }
                            (prose(&d.message))
                        }
                    }
                }
                @if tally.errors > errors.len() {
                    p { a href="#findings" { "Every finding" } ", " (plural(tally.errors - errors.len(), "more error")) " among them." }
                }
            }
            h3 { "Systems over budget" }
            @if summary.over_budget.is_empty() {
                p { "None: no system has spent its error budget, or expects to." }
            } @else {
                ul {
                    @for s in &summary.over_budget {
                        li {
                            strong { (s.system) } ": "
                            @if let Some(spent) = s.spent { span.overdue { "has spent " (percent_text(spent)) } " of its error budget" }
                            @if s.spent.is_some() && s.expected.is_some() { "; " }
                            @if let Some(expected) = s.expected { "its risks are expected to cost " span.overdue { (percent_text(expected)) } " of it a year" }
                        }
                    }
                }
            }
            h3 { "The " (summary.worst.len()) " worst risks" }
            @if summary.worst.is_empty() { p { "None recorded." } } @else {
                ol {
                    @for w in &summary.worst {
                        @let r = w.risk;
                        li {
                            strong { (risk_name(&r.risk.name())) } " · "
                            span class=(band_class(r.score.current.band)) { (severity(&r.score)) }
                            " · " (super::state_cell(r)) ": "
                            @if let (State::Accepted, Some(a)) = (r.state, &r.risk.accepted) {
                                "by " span.whole { (a.by) } " until " span.whole { (a.until.value) }
                            } @else if w.actions == 0 {
                                span.overdue { "no action yet" }
                            } @else {
                                (w.done) " of " (plural(w.actions, "action")) " done"
                                @if let Some(next) = w.next {
                                    "; next " (next.kind.name())
                                    @if let Some(due) = &next.due { " due " span.whole { (due.value) } }
                                    ": " (next.what)
                                }
                            }
                        }
                    }
                }
            }
            h3 { "Exceptions ending soonest" }
            @if summary.ending.is_empty() { p { "None: no acceptance or waiver holds." } } @else {
                ul {
                    @for e in &summary.ending {
                        li {
                            "until " span.whole { (e.exception.until().value) }
                            @if e.standing == Standing::Ending { " " span.level-warning { "ends soon" } }
                            " · " (risk_name(&e.risk.name())) ": "
                            @match e.exception.rule() {
                                Some(rule) => { code { (rule.id()) } " waived" },
                                None => "accepted",
                            }
                            " by " (e.exception.by().unwrap_or("(no one named)"))
                        }
                    }
                }
            }
        }
    }
}

/// `16 high`, or `16 high → 8 medium`, which may break at the arrow.
fn severity(score: &crate::score::Score) -> Markup {
    let text = super::severity_cell(score);
    html! {
        @for (i, part) in text.split(" → ").enumerate() {
            @if i > 0 { " → " }
            span.whole { (part) }
        }
    }
}

/// The gate's findings as `opx check` reports them, for the page.
fn check_report<'a>(o: &'a Overview<'_>) -> CheckReport<'a> {
    CheckReport {
        findings: &o.checked.findings,
        waived: &o.checked.waived,
        policy: o.policy,
        job_summary: false,
        register: o.analysis.register,
        sources: o.sources,
        today: o.today,
        colour: false,
    }
}

/// A link from the register, clickable only when it is safe to follow.
fn link(text: &str) -> Markup {
    match safe_href(text) {
        Some(href) => html! { a href=(href) rel="noopener noreferrer" { (text) } },
        None => html! { (text) },
    }
}

/// `text` as a link target if it is `http:`, `https:` or a relative path.
///
/// Browsers drop tabs and line breaks inside a URL, skip control
/// characters before it and read `\` as `/`, so `java\tscript:` or
/// `/\evil.example` would be followed: a target holding any of those is
/// no link at all, and nothing else may name a scheme or a host.
fn safe_href(text: &str) -> Option<&str> {
    let plain = !text.is_empty() && text.chars().all(|c| c.is_ascii_graphic() && c != '\\');
    if !plain {
        return None;
    }
    let lower = text.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        return Some(text);
    }
    // A relative path: no scheme before its first `/`, `?` or `#`, and no
    // host (`//host/...`).
    let head = text.find(['/', '?', '#']).map_or(text, |end| &text[..end]);
    (!head.contains(':') && !text.starts_with("//")).then_some(text)
}

fn band_class(band: Band) -> String {
    format!("band-{}", band.tone().name())
}

fn fit_class(fit: Fit) -> String {
    format!("fit-{}", fit.name().replace(' ', "-"))
}

fn systems_section(o: &Overview<'_>) -> Markup {
    html! {
        section aria-labelledby="systems" {
            h2 id="systems" { "Systems" }
            div.systems {
                @for s in &o.systems {
                    div.system data-system=(s.system.id) {
                        h3 { (s.system.id) @if let Some(name) = &s.system.name { " · " (name) } }
                        dl {
                            dt { "Owner" } dd { (s.system.owner.as_deref().unwrap_or("none")) }
                            dt { "On-call" } dd { (s.system.oncall.as_deref().unwrap_or("none")) }
                            dt { "Escalation" }
                            dd {
                                @if s.system.escalation.is_empty() { "none" }
                                @else { (s.system.escalation.join(" → ")) }
                            }
                            dt { "Risks" }
                            dd {
                                (s.risks)
                                @if !s.by_band.is_empty() {
                                    ": " (s.by_band.iter().map(|(b, n)| format!("{n} {b}")).collect::<Vec<_>>().join(", "))
                                }
                            }
                            @if let Some(b) = &s.budget {
                                dt { "Error budget" }
                                dd data-budget=(minutes_text(b.budget)) {
                                    (minutes_text(b.current)) " of " (minutes_text(b.budget))
                                    " bad minutes a year (" (percent_text(b.current_share())) ")"
                                }
                            }
                        }
                        @if !s.rows.is_empty() {
                            div.scroll {
                                table.cards.slo {
                                    caption { "SLOs and measures" }
                                    thead { tr { th scope="col" { "measure" } th scope="col" { "target" } th scope="col" { "measured" } th scope="col" { "verdict" } } }
                                    tbody {
                                        @for row in &s.rows {
                                            tr {
                                                th scope="row" { (row.measure) }
                                                td data-label="target" { (row.target.as_deref().unwrap_or("-")) }
                                                td data-label="measured" { (row.measured.as_deref().unwrap_or("-")) }
                                                @match row.verdict {
                                                    Some(v) => td data-label="verdict" class=(format!("verdict-{}", v.name().replace(' ', "-"))) { (v.name()) @if !row.detail.is_empty() { span.muted { " · " (row.detail) } } },
                                                    None => td.muted data-label="verdict" { "no verdict" },
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn matrices_section(o: &Overview<'_>) -> Markup {
    html! {
        section aria-labelledby="matrix" {
            h2 id="matrix" { "Where the risks sit" }
            p.muted {
                "Likelihood down, impact across; each cell gives how many risks sit there and its band. "
                "Inherent is the risks as written, current with their done actions, target after the plan."
            }
            div.matrices {
                @for m in &o.matrices { (matrix_table(m)) }
            }
        }
    }
}

/// Every risk, worst first, as `opx rank` orders them.
fn risks_section(o: &Overview<'_>) -> Markup {
    html! {
        section aria-labelledby="risks" {
            h2 id="risks" { "The risks, worst first" }
            div.scroll {
                table.cards.risks {
                    thead {
                        tr {
                            th.num scope="col" { "#" }
                            th scope="col" { "risk" }
                            th scope="col" { "severity" }
                            th scope="col" { "state" }
                            th scope="col" { "owner" }
                            th scope="col" { "what is being done" }
                        }
                    }
                    tbody {
                        @for (rank, r) in o.ranked.iter().enumerate() {
                            tr {
                                td.num.rank { (rank + 1) }
                                th.name scope="row" { (risk_name(&r.risk.name())) div { (r.risk.title) } }
                                td data-label="severity" class=(band_class(r.score.current.band)) { (severity(&r.score)) }
                                td.words data-label="state" { (super::state_cell(r)) }
                                td.whole data-label="owner" { (r.risk.owner.as_deref().unwrap_or("-")) }
                                td.doing data-label="what is being done" {
                                    @for (action, facts) in r.actions() {
                                        div {
                                            (status_mark(facts.status)) " " (action.kind.name()) ": " (action.what)
                                            @if let Some((note, alarm)) = super::exercise_note(facts) {
                                                @if alarm { span.overdue { " · " (note) } } @else { span.muted { " · " (note) } }
                                            }
                                        }
                                    }
                                    @if let Some(loss) = r.score.current.view.data_loss {
                                        div {
                                            "data loss " (super::data_loss_text(loss))
                                            @if r.over_rpo.is_some() { span.overdue { ", over its system's RPO" } }
                                        }
                                    }
                                    @for stood in &r.exceptions { (exception_line(stood)) }
                                    @if r.risk.actions.is_empty() && r.risk.accepted.is_none() { span.muted { "no action yet" } }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn matrix_table(m: &Matrix<'_>) -> Markup {
    let down = Level::all().rev();
    html! {
        div.scroll {
            table.matrix data-view=(m.view.name()) {
                caption { (m.view.name()) " view · " (plural(m.placed(), "risk")) " placed" }
                thead {
                    tr {
                        th scope="col" { "likelihood \\ impact" }
                        @for i in Level::all() {
                            th scope="col" { (i) " " (Scale::Impact.word(i)) }
                        }
                    }
                }
                tbody {
                    @for l in down {
                        tr {
                            th scope="row" { (l) " " (Scale::Likelihood.word(l)) }
                            @for i in Level::all() {
                                @let risks = m.cell(l, i);
                                @let band = m.band(l, i);
                                @let ids = risks.iter().map(|r| r.risk.name()).collect::<Vec<_>>().join(", ");
                                td class=(band_class(band)) data-likelihood=(l.get()) data-impact=(i.get()) data-count=(risks.len()) title=(ids) {
                                    @if risks.is_empty() { "·" } @else { (risks.len()) }
                                    " " span.muted { (band.name()) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// A risk against one budget; a waived one says who waived it, and until
/// when.
/// `⊘ accepted by eng-manager until 2027-03-31` or `⊘ too-big waived until
/// 2027-01-31 (lead)`, with `ends soon` or `expired` as `opx rank` says.
fn exception_line(stood: &Stood<'_>) -> Markup {
    let e = stood.exception;
    html! {
        div {
            "⊘ "
            @match e {
                Exception::Acceptance(a) => { "accepted by " span.whole { (a.by) } },
                Exception::Waiver(w) => { code { (w.rule.id()) } " waived" },
            }
            " until " span.whole { (e.until().value) }
            @if let Exception::Waiver(Waiver { by: Some(by), .. }) = e {
                " " span.whole { "(" (by) ")" }
            }
            @match stood.standing {
                Standing::Holds => {},
                Standing::Ending => { " " span.level-warning { "ends soon" } },
                Standing::Expired => { " " span.overdue { "expired" } },
            }
        }
    }
}

fn against_cell(label: &str, a: Option<&Against>, waiver: Option<&Waiver>) -> Markup {
    match a {
        Some(a) => html! {
            td class=(fit_class(a.fit)) data-label=(label) data-share=(format!("{:.6}", a.share)) {
                (percent_text(a.share)) " " span { (a.fit.name()) }
                @if let (Fit::Waived, Some(w)) = (a.fit, waiver) {
                    " until " span.whole { (w.until.value) }
                    @if let Some(by) = &w.by { " " span.whole { "(" (by) ")" } }
                }
            }
        },
        None => html! { td.muted data-label=(label) { "no SLO" } },
    }
}

fn stack_section(o: &Overview<'_>) -> Markup {
    html! {
        section aria-labelledby="budget" {
            h2 id="budget" { "The error budget" }
            @if o.stack.is_empty() {
                p { "No risk has the inputs for its bad minutes (both times as durations and a frequency)." }
            } @else {
                p.muted {
                    "Each risk's expected bad minutes a year, as a share of the yearly budget of its own SLO and of four others. "
                    "A risk is too big at " (percent_text(o.analysis.single_risk_share)) " of a budget, nearly too big close to it; an accepted risk is budget spent on purpose, and a waived one is set aside until its date."
                    @if o.stack.iter().any(|row| row.factor) {
                        " A systemic factor (marked) counts the bad minutes it adds to every risk of its system."
                    }
                }
                div.scroll {
                    table.cards.stack {
                        caption { "Stack rank, most bad minutes first" }
                        thead {
                            tr {
                                th scope="col" { "#" }
                                th scope="col" { "risk" }
                                th.num scope="col" { "bad min/yr" }
                                th.num scope="col" { "P50" }
                                th.num scope="col" { "P90" }
                                th scope="col" { "own SLO" }
                                @for t in SLO_TARGETS { th scope="col" { (t) "%" } }
                            }
                        }
                        tbody {
                            @for (rank, row) in o.stack.iter().enumerate() {
                                @let [p50, p90] = years_cells(row.simulated);
                                tr data-risk=(row.name) data-bad-minutes=(minutes_text(row.bad_minutes)) data-p50=(p50) data-p90=(p90) {
                                    td.num.rank { (rank + 1) }
                                    th.name scope="row" { (risk_name(&row.name)) div { (row.title) } }
                                    td.num data-label="bad min/yr" { (minutes_text(row.bad_minutes)) }
                                    td.num data-label="P50" { (p50) }
                                    td.num data-label="P90" { (p90) }
                                    (against_cell("own SLO", row.own.as_ref(), row.waiver))
                                    @for a in &row.targets { (against_cell(&format!("{}%", a.target), Some(a), row.waiver)) }
                                }
                            }
                        }
                    }
                }
            }
            @for (system, bars) in &o.budgets { (budget_bars(system, bars)) }
            @if let Some(settings) = o.analysis.simulation {
                p.muted {
                    "P50 and P90: the bad minutes of a median year and of the worst year in ten, in "
                    (simulation_settings_text(settings))
                    " (each range drawn from its distribution, incidents from their yearly rate)."
                }
                ul.simulated {
                    @for system in &o.analysis.systems {
                        @if let Some(line) = system_simulation_line(system) {
                            li data-system=(system.system.id) { (line) }
                        }
                    }
                }
            }
        }
    }
}

/// Three bars (inherent, current, target) against a dashed line at the
/// budget, drawn in HTML so their words keep the page's size on a phone.
fn budget_bars(system: &str, b: &BudgetBars) -> Markup {
    let scale_max = [b.budget, b.inherent, b.current, b.target]
        .into_iter()
        .fold(1.0, f64::max);
    let percent = |minutes: f64| format!("{:.2}%", 100.0 * minutes / scale_max);
    let rows = [
        ("inherent", b.inherent),
        ("current", b.current),
        ("target", b.target),
    ];
    let label = format!(
        "{system}: inherent {}, current {}, target {} bad minutes a year against a budget of {}",
        minutes_text(b.inherent),
        minutes_text(b.current),
        minutes_text(b.target),
        minutes_text(b.budget)
    );
    html! {
        figure data-system=(system) {
            div.bars role="img" aria-label=(label) {
                @for (name, minutes) in rows {
                    @let over = minutes > b.budget;
                    span { (name) }
                    div.track {
                        div.fill.over[over] style=(format!("width: {}", percent(minutes))) {}
                        div.limit style=(format!("left: {}", percent(b.budget))) {}
                    }
                    span.figures {
                        (minutes_text(minutes)) " (" (percent_text(crate::budget::share(minutes, b.budget))) ")"
                        @if over { " " span.overdue { "over budget" } }
                    }
                }
            }
            figcaption { (system) ": bad minutes a year in each view, against the error budget of " (minutes_text(b.budget)) " (dashed)." }
        }
    }
}

fn weeks_table(caption: &str, weeks: &[Week<'_>]) -> Markup {
    html! {
        @if weeks.is_empty() {
            p { (caption) ": nothing." }
        } @else {
            div.scroll {
                table.cards {
                    caption { (caption) }
                    thead { tr { th scope="col" { "due" } th scope="col" { "action" } th scope="col" { "what" } th scope="col" { "risk" } th scope="col" { "owner" } } }
                    tbody {
                        @for week in weeks {
                            @for step in &week.steps {
                                tr {
                                    td.whole data-label="due" {
                                        @match &step.action.due {
                                            Some(due) => {
                                                (due.value)
                                                @if step.overdue { " " span.overdue { "overdue" } }
                                            },
                                            None => "no date",
                                        }
                                    }
                                    td.whole data-label="action" { (status_mark(step.action.status)) " " (step.action.kind.name()) " · " (step.action.status.name()) }
                                    td.prose data-label="what" {
                                        (step.action.what)
                                        @if let Some(l) = &step.action.link { " · " (link(l)) }
                                    }
                                    td data-label="risk" { (risk_name(&step.serves.name(false))) }
                                    td.whole data-label="owner" { (step.action.owner.as_deref().or(step.serves.owner()).unwrap_or("-")) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn plan_section(o: &Overview<'_>) -> Markup {
    let plan = &o.plan;
    html! {
        section aria-labelledby="plan" {
            h2 id="plan" { "The plan" }
            (weeks_table("Now: the risks that need it first", &plan.now))
            (weeks_table("Later", &plan.later))
            h3 { "Drills to schedule" }
            @if plan.drills.is_empty() {
                p { "None: every done action of a high or critical risk was shown to work within its cadence." }
            } @else {
                div.scroll {
                    table.cards {
                        thead { tr { th scope="col" { "action" } th scope="col" { "what" } th scope="col" { "risk" } th scope="col" { "owner" } th scope="col" { "last exercised" } th scope="col" { "due" } } }
                        tbody {
                            @for d in &plan.drills {
                                tr {
                                    td.whole data-label="action" { (status_mark(d.facts.status)) " " (d.action.kind.name()) }
                                    td.prose data-label="what" { (d.action.what) }
                                    th.name scope="row" data-label="risk" { (risk_name(&d.risk.name())) }
                                    td.whole data-label="owner" { (d.action.owner.as_deref().or(d.risk.owner.as_deref()).unwrap_or("-")) }
                                    td.whole data-label="last exercised" { (d.facts.exercised.map_or("never".to_string(), |e| e.to_string())) }
                                    td.whole.overdue data-label="due" { (d.facts.due.map_or("now".to_string(), |e| e.to_string())) }
                                }
                            }
                        }
                    }
                }
            }
            h3 { "Accepted trade-offs" }
            @if plan.accepted.is_empty() { p { "None." } } @else {
                div.scroll {
                    table.cards {
                        thead { tr { th scope="col" { "risk" } th scope="col" { "accepted by" } th scope="col" { "until" } th scope="col" { "why" } th.num scope="col" { "bad min/yr" } } }
                        tbody {
                            @for a in &plan.accepted {
                                tr {
                                    th.name scope="row" { (risk_name(&a.risk.name())) }
                                    td.whole data-label="accepted by" { (a.acceptance.by) }
                                    td.whole data-label="until" { (a.acceptance.until.value) }
                                    td.prose data-label="why" { (a.acceptance.reason) }
                                    td.num data-label="bad min/yr" { (a.bad_minutes.map_or("-".to_string(), minutes_text)) }
                                }
                            }
                        }
                    }
                }
            }
            h3 { "Escalation" }
            ul {
                @for s in &plan.systems {
                    li {
                        strong { (s.id) } ": on-call " (s.oncall.as_deref().unwrap_or("none")) "; "
                        @if s.escalation.is_empty() { "no escalation path" } @else { (s.escalation.join(" → ")) }
                    }
                }
            }
        }
    }
}

fn incidents_section(o: &Overview<'_>) -> Markup {
    let duration = |d: &Option<crate::register::model::At<std::time::Duration>>| {
        d.as_ref()
            .map_or("-".to_string(), |d| format_duration(d.value))
    };
    html! {
        section aria-labelledby="incidents" {
            h2 id="incidents" { "Incidents and near-misses" }
            @if o.incidents.is_empty() { p { "None recorded." } } @else {
                div.scroll {
                    table.cards {
                        thead { tr { th scope="col" { "date" } th scope="col" { "incident" } th scope="col" { "kind" } th scope="col" { "risks" } th scope="col" { "detected" } th scope="col" { "recovered" } th scope="col" { "summary" } } }
                        tbody {
                            @for i in &o.incidents {
                                tr {
                                    td.whole data-label="date" { (i.date.value) }
                                    th scope="row" {
                                        @match &i.postmortem { Some(p) => (link_named(&i.id.value, p)), None => (i.id.value) }
                                    }
                                    td data-label="kind" { @if i.near_miss { "near-miss" } @else { "incident" } }
                                    td data-label="risks" {
                                        @for (n, r) in i.risks.iter().enumerate() {
                                            @if n > 0 { ", " }
                                            (risk_name(&format!("{}/{}", r.value.0, r.value.1)))
                                        }
                                    }
                                    td data-label="detected" { (duration(&i.detected_after)) }
                                    td data-label="recovered" { (duration(&i.recovered_after)) }
                                    td.prose data-label="summary" { (i.summary.as_deref().unwrap_or("")) }
                                }
                            }
                        }
                    }
                }
            }
            h3 { "Estimates the incidents contradicted" }
            @if o.contradicted.is_empty() { p { "None: no incident of the last year took longer than its risk's estimate." } } @else {
                div.scroll {
                    table.cards {
                        thead { tr { th scope="col" { "risk" } th scope="col" { "incident" } th scope="col" { "measure" } th scope="col" { "estimate" } th scope="col" { "took" } } }
                        tbody {
                            @for (risk, c) in &o.contradicted {
                                tr {
                                    th.name scope="row" { (risk_name(&risk.name())) }
                                    td.whole data-label="incident" { (c.incident.id.value) }
                                    td data-label="measure" { (c.measure.label()) }
                                    td data-label="estimate" { (format_duration(c.estimate)) }
                                    td.overdue data-label="took" { (format_duration(c.took.value)) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// `text`, linked to `target` when the target is safe to follow.
fn link_named(text: &str, target: &str) -> Markup {
    match safe_href(target) {
        Some(href) => html! { a href=(href) rel="noopener noreferrer" { (text) } },
        None => html! { (text) " (" (target) ")" },
    }
}

fn findings_section(o: &Overview<'_>) -> Markup {
    let report = check_report(o);
    let places = places(&report);
    // The errors first: they are what a reader must act on. The sort is
    // stable, so each level keeps the file and text order.
    let mut findings: Vec<_> = o.checked.findings.iter().zip(&places).collect();
    findings.sort_by_key(|(d, _)| std::cmp::Reverse(d.severity));
    let waived = waived_places(&report);
    html! {
        section aria-labelledby="findings" {
            h2 id="findings" { "What the gate finds" }
            p data-findings=(o.checked.findings.len()) { (check_summary(&report)) }
            @if !o.checked.findings.is_empty() {
                div.scroll {
                    table.cards {
                        thead { tr { th scope="col" { "level" } th scope="col" { "where" } th scope="col" { "finding" } th scope="col" { "help" } } }
                        tbody {
                            @for (d, place) in findings {
                                tr {
                                    td class=(format!("level-{}", d.severity.name())) { (d.severity.name()) " " code.whole { (d.code.id()) } }
                                    td.whole data-label="where" { (place.as_ref().map_or(String::new(), |p| p.text())) }
                                    td.prose { (prose(&d.message)) }
                                    td.prose.muted data-label="help" { (prose(d.help.as_deref().unwrap_or(""))) }
                                }
                            }
                        }
                    }
                }
            }
            @if !o.checked.waived.is_empty() {
                div.scroll {
                    table.cards {
                        caption { "Waived: set aside by a waiver until its date, never counted" }
                        thead { tr { th scope="col" { "code" } th scope="col" { "where" } th scope="col" { "finding" } th scope="col" { "until" } th scope="col" { "by" } th scope="col" { "reason" } } }
                        tbody {
                            @for (w, (place, _)) in o.checked.waived.iter().zip(&waived) {
                                tr {
                                    td.whole { code { (w.finding.code.id()) } }
                                    td.whole data-label="where" { (place.as_ref().map_or(String::new(), |p| p.text())) }
                                    td.prose { (prose(&w.finding.message)) }
                                    td.whole data-label="until" { (w.waiver.until.value) }
                                    td.whole data-label="by" { (w.waiver.by.as_deref().unwrap_or("-")) }
                                    td.prose data-label="reason" { (w.waiver.reason) }
                                }
                            }
                        }
                    }
                }
            }
            @let errors = Tally::of(&o.checked.findings).errors;
            p.muted { @if errors == 0 { "The gate passes." } @else { "The gate fails: " (plural(errors, "error")) "." } }
        }
    }
}

/// The dash of each line in a chart, so lines are told apart without
/// colour too: solid, dashed, dotted, dash-dot.
const DASHES: [&str; 4] = ["none", "7 4", "2 3", "9 3 2 3"];

/// The unbroken runs of `values`, each point with its index.
fn runs(values: &[Option<f64>]) -> Vec<Vec<(usize, f64)>> {
    let mut runs = Vec::new();
    let mut run = Vec::new();
    for (k, v) in values.iter().enumerate() {
        match v {
            Some(v) => run.push((k, *v)),
            None if !run.is_empty() => runs.push(std::mem::take(&mut run)),
            None => {}
        }
    }
    if !run.is_empty() {
        runs.push(run);
    }
    runs
}

/// A line chart of `series` over the trend's points, values 0..`top`.
fn line_chart(
    trend: &Trend,
    series: &[(&str, &str, Vec<Option<f64>>)],
    top: f64,
    unit: &str,
    label: &str,
) -> Markup {
    // Small, so that its words, drawn at 16 units, stay over 11 pixels on
    // a phone; the legend is the page's own text, below it.
    let ticks: Vec<(f64, String)> = (0..=4)
        .map(|step| {
            let v = top * f64::from(step) / 4.0;
            (v, format!("{}{unit}", (v * 10.0).round() / 10.0))
        })
        .collect();
    // The plot starts right of its widest label, about 10 units a character.
    let widest = ticks
        .iter()
        .map(|(_, t)| t.chars().count())
        .max()
        .unwrap_or(1);
    let (width, height, bottom, right) = (480.0, 220.0, 28.0, 16.0);
    let left = 14.0 + 10.0 * widest as f64;
    let n = trend.points.len().max(2) - 1;
    let x = |i: usize| left + (width - left - right) * i as f64 / n as f64;
    let y = |v: f64| 10.0 + (height - bottom - 10.0) * (1.0 - v / top.max(1e-9));
    let first = trend
        .points
        .first()
        .map(|p| p.date.to_string())
        .unwrap_or_default();
    let last = trend
        .points
        .last()
        .map(|p| p.date.to_string())
        .unwrap_or_default();
    html! {
        figure {
            svg viewBox=(format!("0 0 {width} {height}")) width=(width) role="img" aria-label=(label) {
                @for (v, tick) in &ticks {
                    line.grid x1=(left) x2=(width - right) y1=(format!("{:.1}", y(*v))) y2=(format!("{:.1}", y(*v))) {}
                    text x="4" y=(format!("{:.1}", y(*v) + 5.0)) { (tick) }
                }
                line.axis x1=(left) x2=(width - right) y1=(format!("{:.1}", y(0.0))) y2=(format!("{:.1}", y(0.0))) {}
                text x=(left) y=(height - 8.0) { (first) }
                text x=(width - right) y=(height - 8.0) text-anchor="end" { (last) }
                @for (i, (_, colour, values)) in series.iter().enumerate() {
                    // Told apart by dashes as well as colour; a commit whose
                    // register did not load breaks the line rather than
                    // bridging it.
                    @let dash = DASHES[i % DASHES.len()];
                    @for run in runs(values) {
                        @let points = run.iter().map(|&(k, v)| format!("{:.1},{:.1}", x(k), y(v))).collect::<Vec<_>>().join(" ");
                        polyline points=(points) fill="none" stroke=(colour) stroke-width="2" stroke-dasharray=(dash) {}
                    }
                    @for (k, v) in values.iter().enumerate() {
                        @if let Some(v) = v { circle cx=(format!("{:.1}", x(k))) cy=(format!("{:.1}", y(*v))) r="3" fill=(colour) {} }
                    }
                }
            }
            ul.legend {
                @for (i, (name, colour, _)) in series.iter().enumerate() {
                    li {
                        svg width="28" height="10" aria-hidden="true" {
                            line x1="1" x2="27" y1="5" y2="5" stroke=(colour) stroke-width="2" stroke-dasharray=(DASHES[i % DASHES.len()]) {}
                        }
                        (name)
                    }
                }
            }
            figcaption { (label) }
        }
    }
}

fn trend_section(trend: &Trend) -> Markup {
    let counts = |f: &dyn Fn(&crate::trend::Tally) -> usize| -> Vec<Option<f64>> {
        trend
            .points
            .iter()
            .map(|p| p.tally.as_ref().ok().map(|t| f(t) as f64))
            .collect()
    };
    let serious = trend.matrix.serious_words();
    let counted = [
        (
            serious.as_str(),
            "#9b1c12",
            counts(&|t| high_or_worse(trend, t)),
        ),
        (
            "open high-impact",
            "#7a5300",
            counts(&|t| t.open_high_impact),
        ),
        ("accepted", "#1f4f8f", counts(&|t| t.accepted)),
    ];
    // Counts read in whole numbers: the axis runs to a multiple of four.
    let most = counted
        .iter()
        .flat_map(|(_, _, v)| v.iter().flatten())
        .fold(1.0f64, |a, &b| a.max(b));
    let top = (most / 4.0).ceil() * 4.0;
    let palette = ["#1d6fb8", "#b8581d", "#2e7d32", "#6a1b9a", "#00838f"];
    let shares: Vec<(&str, &str, Vec<Option<f64>>)> = trend
        .systems
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let values = trend
                .points
                .iter()
                .map(|p| {
                    p.tally
                        .as_ref()
                        .ok()?
                        .systems
                        .get(id)?
                        .share()
                        .map(|s| s * 100.0)
                })
                .collect();
            (id.as_str(), palette[i % palette.len()], values)
        })
        .collect();
    let share_top = shares
        .iter()
        .flat_map(|(_, _, v)| v.iter().flatten())
        .fold(100.0f64, |a, &b| a.max(b));
    html! {
        section aria-labelledby="trend" {
            h2 id="trend" { "The trend" }
            p { (super::trend::summary(trend)) }
            @if trend.points.len() > 1 {
                div.charts {
                    (line_chart(trend, &counted, top, "", &format!("Risks over the register's history: {serious}, open high-impact, accepted.")))
                    @if shares.iter().any(|(_, _, v)| v.iter().any(Option::is_some)) {
                        (line_chart(trend, &shares, share_top, "%", "Each system's expected bad minutes as a share of its error budget, over the register's history."))
                    }
                }
            }
            div.scroll {
                table.cards.trend {
                    thead { tr { th scope="col" { "date, commit" } th.num scope="col" { "risks" } th.num scope="col" { (serious) } th.num scope="col" { "open high-impact" } th.num scope="col" { "accepted" } th scope="col" { "change" } } }
                    tbody {
                        @for p in &trend.points {
                            tr {
                                td.whole { (p.date) " " code { (p.commit) } }
                                @match &p.tally {
                                    Ok(t) => {
                                        td.num data-label="risks" { (t.risks) }
                                        td.num data-label=(serious) { (high_or_worse(trend, t)) }
                                        td.num data-label="open high-impact" { (t.open_high_impact) }
                                        td.num data-label="accepted" { (t.accepted) }
                                        td data-label="change" { (p.label) }
                                    },
                                    Err(problem) => {
                                        td colspan="4" class="level-error" { "does not load: " (problem) }
                                        td data-label="change" { (p.label) }
                                    },
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_value_breaks_the_line() {
        assert_eq!(
            runs(&[Some(1.0), None, None, Some(2.0), Some(3.0), None]),
            [vec![(0, 1.0)], vec![(3, 2.0), (4, 3.0)]]
        );
        assert!(runs(&[None, None]).is_empty());
    }

    #[test]
    fn backticks_pair_into_code_and_a_lone_one_stays() {
        let text = |t: &str| prose(t).into_string();
        assert_eq!(
            text("risk `a/b` has no `x`"),
            "risk <code>a/b</code> has no <code>x</code>"
        );
        assert_eq!(text("`a` and ` alone"), "<code>a</code> and ` alone");
        assert_eq!(text("no ticks <b>"), "no ticks &lt;b&gt;");
        assert_eq!(text("`<i>`"), "<code>&lt;i&gt;</code>");
        assert_eq!(text("`"), "`");
        assert_eq!(text(""), "");
    }

    #[test]
    fn only_web_and_relative_links_are_followed() {
        assert_eq!(
            safe_href("https://wiki.example/x"),
            Some("https://wiki.example/x")
        );
        assert_eq!(
            safe_href("HTTP://wiki.example"),
            Some("HTTP://wiki.example")
        );
        assert_eq!(
            safe_href("runbooks/failover.md"),
            Some("runbooks/failover.md")
        );
        assert_eq!(
            safe_href("../runbooks/x.md#step-2"),
            Some("../runbooks/x.md#step-2")
        );
        assert_eq!(safe_href("javascript:alert(1)"), None);
        assert_eq!(safe_href("JavaScript:alert(1)"), None);
        assert_eq!(safe_href("data:text/html,<script>"), None);
        assert_eq!(safe_href("//evil.example/x"), None);
        assert_eq!(safe_href("vbscript:x"), None);
        assert_eq!(safe_href(""), None);
        // What browsers would still follow: whitespace and controls dropped,
        // backslashes read as slashes.
        assert_eq!(safe_href("java\tscript:alert(7)"), None);
        assert_eq!(safe_href("java\nscript:alert(7)"), None);
        assert_eq!(safe_href("\u{1}javascript:alert(7)"), None);
        assert_eq!(safe_href(" javascript:alert(7)"), None);
        assert_eq!(safe_href("data\t:text/html,x"), None);
        assert_eq!(safe_href("\\\\evil.example\\x"), None);
        assert_eq!(safe_href("/\\evil.example/x"), None);
        assert_eq!(safe_href("runbooks/a:b.md"), Some("runbooks/a:b.md"));
    }
}
