//! `opx rank --format csv`: one row per risk with every computed field,
//! RFC 4180, safe to open in a spreadsheet.

use std::io::{self, Write};

use super::{FACTOR_MARK, RankReport, round};
use crate::analysis::{AssessedFactor, AssessedRisk};
use crate::exception::Exception;
use crate::exercise::Exercise;
use crate::register::model::{ActionStatus, Source, TimeEstimate, Waiver};
use crate::score::ViewName;
use crate::source::display_path;
use crate::units::minutes;
use crate::years::Years;

const HEADER: &[&str] = &[
    "rank",
    "system",
    "id",
    "title",
    "category",
    "likelihood",
    "likelihood_source",
    "impact",
    "impact_source",
    "severity",
    "band",
    "detect_level",
    "detect_minutes",
    "recover_level",
    "recover_minutes",
    "exposure",
    "frequency_per_year",
    "users_affected_percent",
    "bad_minutes",
    "budget_share_percent",
    "target_severity",
    "target_band",
    "target_bad_minutes",
    "incidents_365d",
    "near_misses_365d",
    "incident_bad_minutes_365d",
    "state",
    "owner",
    "reviewed",
    "review_every_days",
    "accepted_by",
    "accepted_until",
    "acceptance_expired",
    "actions",
    "actions_done",
    "actions_done_without_evidence",
    "file",
    "line",
    "column",
    // Added later, after the columns scripts may read by place.
    "data_loss_minutes",
    "target_data_loss_minutes",
    "rpo_exceeded",
    "actions_failed",
    "actions_exercise_overdue",
    "actions_never_exercised",
    "waived_rules",
    "waivers_until",
];

pub fn write(report: &RankReport<'_>, out: &mut dyn Write) -> io::Result<()> {
    let mut csv = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    // A simulation's columns come last, so a script that reads columns by
    // place reads the same ones either way.
    let simulated = report.analysis.simulation.is_some();
    let extra: &[&str] = if simulated {
        &["bad_minutes_p50", "bad_minutes_p90"]
    } else {
        &[]
    };
    csv.write_record(HEADER.iter().chain(extra))
        .map_err(io_error)?;
    // A factor has no simulated years of its own: its cells stay empty.
    let simulated_cells = |years: Option<Years>| {
        years
            .map(|y| [y.p50, y.p90])
            .into_iter()
            .flatten()
            .map(|m| round(m).to_string())
            .chain(std::iter::repeat_n(String::new(), 2))
            .take(if simulated { 2 } else { 0 })
    };
    let risks = report
        .rows()
        .map(|(rank, r)| (row(report, rank, r), r.simulated));
    let factors = report.factor_rows().map(|f| (factor_row(report, f), None));
    for (cells, years) in risks.chain(factors) {
        for cell in cells.into_iter().chain(simulated_cells(years)) {
            csv.write_field(guard(&cell).as_bytes()).map_err(io_error)?;
        }
        csv.write_record(None::<&[u8]>).map_err(io_error)?;
    }
    csv.flush()
}

/// The writer's own error, unwrapped, so that a closed pipe is still one.
pub(crate) fn io_error(e: csv::Error) -> io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}

fn row(report: &RankReport<'_>, rank: usize, r: &AssessedRisk<'_>) -> [String; 47] {
    let risk = r.risk;
    let source = |s: Source| match s {
        Source::Explicit => "explicit",
        Source::Derived => "derived",
    };
    let time_minutes = |t: Option<TimeEstimate>| {
        t.and_then(|t| t.duration())
            .map_or(String::new(), |d| number(minutes(d)))
    };
    let accepted = risk.accepted.as_ref();
    let waivers: Vec<&Waiver> = r
        .exceptions_held()
        .filter_map(|e| match e.exception {
            Exception::Waiver(w) => Some(w),
            Exception::Acceptance(_) => None,
        })
        .collect();
    let (current, target) = (&r.score.current, &r.score.target);
    let view = &current.view;
    let optional = |x: Option<f64>| x.map_or(String::new(), number);
    let exercises = |state: Exercise| {
        r.actions
            .iter()
            .filter(|f| f.exercise == Some(state))
            .count()
            .to_string()
    };
    [
        rank.to_string(),
        risk.system.clone(),
        risk.id.value.clone(),
        risk.title.clone(),
        risk.category.name().to_string(),
        view.likelihood.level.to_string(),
        source(view.likelihood.source).to_string(),
        view.impact.level.to_string(),
        source(view.impact.source).to_string(),
        current.severity.to_string(),
        current.band.name().to_string(),
        view.time_to_detect
            .map_or(String::new(), |t| t.level.to_string()),
        time_minutes(view.time_to_detect),
        view.time_to_recover
            .map_or(String::new(), |t| t.level.to_string()),
        time_minutes(view.time_to_recover),
        current.exposure.map_or(String::new(), |e| e.to_string()),
        optional(view.frequency.map(|f| f.per_year())),
        optional(view.users_affected.map(|p| p.value())),
        optional(current.bad_minutes),
        optional(current.budget_share.map(|s| s * 100.0)),
        target.severity.to_string(),
        target.band.name().to_string(),
        optional(target.bad_minutes),
        r.history.incidents.to_string(),
        r.history.near_misses.to_string(),
        optional(r.history.bad_minutes),
        r.state.name().to_string(),
        risk.owner.clone().unwrap_or_default(),
        risk.reviewed.map_or(String::new(), |d| d.value.to_string()),
        r.review.every_days.to_string(),
        accepted.map_or(String::new(), |a| a.by.clone()),
        accepted.map_or(String::new(), |a| a.until.value.to_string()),
        accepted.map_or(String::new(), |_| r.acceptance_expired().to_string()),
        risk.actions.len().to_string(),
        r.done_count().to_string(),
        r.unevidenced().count().to_string(),
        display_path(report.sources.path(risk.id.span.file)),
        risk.location.line.to_string(),
        risk.location.col.to_string(),
        optional(view.data_loss.map(|d| minutes(d.value))),
        optional(target.view.data_loss.map(|d| minutes(d.value))),
        r.over_rpo.is_some().to_string(),
        r.failed_count().to_string(),
        exercises(Exercise::Overdue),
        exercises(Exercise::Never),
        // The waivers that hold: their rules, space-separated, and the
        // day the first of them ends.
        waivers
            .iter()
            .map(|w| w.rule.id())
            .collect::<Vec<_>>()
            .join(" "),
        waivers
            .iter()
            .map(|w| w.until.value)
            .min()
            .map_or(String::new(), |d| d.to_string()),
    ]
}

/// A systemic factor after the risks: no rank, `factor` for its category,
/// its bad minutes and budget share where a risk has them, and the rest
/// of a risk's fields empty.
fn factor_row(report: &RankReport<'_>, f: &AssessedFactor<'_>) -> [String; 47] {
    let factor = f.factor;
    let system = report.analysis.systems[f.system].system;
    let mut row: [String; 47] = std::array::from_fn(|_| String::new());
    let mut set = |column: &str, value: String| {
        let i = HEADER
            .iter()
            .position(|c| *c == column)
            .expect("a column of the header");
        row[i] = value;
    };
    set("system", system.id.clone());
    set("id", factor.id.value.clone());
    set("title", factor.title.clone());
    set("category", FACTOR_MARK.to_string());
    set("bad_minutes", number(f.bad_minutes(ViewName::Current)));
    set(
        "budget_share_percent",
        f.budget_share.map_or(String::new(), |s| number(s * 100.0)),
    );
    set(
        "target_bad_minutes",
        number(f.bad_minutes(ViewName::Target)),
    );
    set("state", f.state().name().to_string());
    set("owner", system.owner.clone().unwrap_or_default());
    set("actions", factor.actions.len().to_string());
    let done = factor.actions.iter();
    set(
        "actions_done",
        done.filter(|a| a.status == ActionStatus::Done)
            .count()
            .to_string(),
    );
    set(
        "file",
        display_path(report.sources.path(factor.id.span.file)),
    );
    set("line", factor.location.line.to_string());
    set("column", factor.location.col.to_string());
    row
}

/// A number without a trailing `.0`, to six decimals.
fn number(n: f64) -> String {
    format!("{}", round(n))
}

/// Text through the one output filter ([`crate::visible::visible`]: line
/// feeds and tabs stay, other hidden characters are escaped); then text a
/// spreadsheet would run as a formula (it starts with `=`, `+`, `-`, `@`
/// or a tab) gets a leading `'`, which spreadsheets show as text. Quoting
/// is the CSV writer's.
pub(crate) fn guard(text: &str) -> std::borrow::Cow<'_, str> {
    let text = crate::visible::visible(text);
    if text.starts_with(['=', '+', '-', '@', '\t']) {
        format!("'{text}").into()
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(text: &str) -> String {
        let mut csv = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(Vec::new());
        csv.write_record([guard(text).as_ref()]).unwrap();
        let bytes = csv.into_inner().unwrap();
        String::from_utf8(bytes)
            .unwrap()
            .trim_end_matches("\r\n")
            .to_string()
    }

    #[test]
    fn fields_are_quoted_only_when_needed() {
        assert_eq!(field("plain"), "plain");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("two\nlines"), "\"two\nlines\"");
    }

    #[test]
    fn formulas_are_neutralised() {
        assert_eq!(field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(field("+1"), "'+1");
        assert_eq!(field("-1"), "'-1");
        assert_eq!(field("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(field("\tx"), "'\tx");
        assert_eq!(field("\rx\u{202e}"), "\\u{d}x\\u{202e}");
    }

    #[test]
    fn numbers_drop_noise() {
        assert_eq!(number(4.0), "4");
        assert_eq!(number(52.17857142857143), "52.178571");
    }
}

#[cfg(test)]
mod snapshot {
    use crate::report::{RankFormat, fixture};

    /// The shared fixture, as this format writes it.
    #[test]
    fn the_fixture() {
        insta::assert_snapshot!(fixture::rank(RankFormat::Csv), @"
        rank,system,id,title,category,likelihood,likelihood_source,impact,impact_source,severity,band,detect_level,detect_minutes,recover_level,recover_minutes,exposure,frequency_per_year,users_affected_percent,bad_minutes,budget_share_percent,target_severity,target_band,target_bad_minutes,incidents_365d,near_misses_365d,incident_bad_minutes_365d,state,owner,reviewed,review_every_days,accepted_by,accepted_until,acceptance_expired,actions,actions_done,actions_done_without_evidence,file,line,column,data_loss_minutes,target_data_loss_minutes,rpo_exceeded,actions_failed,actions_exercise_overdue,actions_never_exercised,waived_rules,waivers_until
        1,checkout,traffic-spike,Traffic spikes saturate the worker pool,technical,4,explicit,4,explicit,16,high,1,5,3,60,3,4,30,78,14.830025,8,medium,78,1,0,21.6,mitigating,alice,2026-10-01,90,,,,2,1,0,risks/checkout.toml,17,6,,,false,0,0,0,,
        2,checkout,bad-deploy,A bad deploy breaks checkout,process,3,explicit,4,explicit,12,high,2,10,2,20,4,2,,60,11.407712,12,high,60,0,0,0,mitigated,payments-team,2026-11-01,90,,,,2,2,1,risks/checkout.toml,46,6,85.231912,85.231912,true,0,1,1,,
        3,checkout,single-expert,Only one engineer knows the reconciliation job,people,3,explicit,4,explicit,12,high,,,,,,,,,,12,high,,0,0,0,open,payments-team,,90,,,,1,0,0,risks/checkout.toml,70,6,,,false,1,0,0,no-runbook,2027-02-28
        4,search,stale-index,The index serves stale results,data,2,explicit,2,explicit,4,low,,,,,,,,,,4,low,,0,1,0,accepted,search-team,2026-06-01,365,eng-manager,2027-01-31,false,0,0,0,risks/search.toml,6,6,,,false,0,0,0,,
        ,checkout,overload,On-call is overloaded,factor,,,,,,,,,,,,,,32,6.084113,,,0,,,,open,payments-team,,,,,,1,0,,risks/checkout.toml,100,6,,,,,,,,
        ");
    }
}
