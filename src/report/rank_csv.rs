//! `opx rank --format csv`: one row per risk with every computed field,
//! RFC 4180, safe to open in a spreadsheet.

use super::RankContext;
use crate::monitor::IncidentIndex;
use crate::register::model::{ActionStatus, Source, TimeEstimate};
use crate::score::acceptance_expired;

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
    "file",
    "line",
    "column",
];

pub fn render(ctx: &RankContext<'_>) -> String {
    let mut out = String::new();
    push_row(&mut out, HEADER.iter().map(|h| h.to_string()));
    let incidents = IncidentIndex::new(ctx.register);
    for r in ctx.ranked {
        let risk = r.risk;
        let history = incidents.history(risk, ctx.today);
        let (file, at) = ctx.sources.locate(&risk.id.span);
        let source = |s: Source| match s {
            Source::Explicit => "explicit",
            Source::Derived => "derived",
        };
        let minutes = |t: Option<TimeEstimate>| {
            t.and_then(|t| t.duration)
                .map_or(String::new(), |d| number(d.as_secs_f64() / 60.0))
        };
        let accepted = risk.accepted.as_ref();
        let (current, target) = (&r.score.current, &r.score.target);
        let view = &current.view;
        let optional = |x: Option<f64>| x.map_or(String::new(), number);
        let row = [
            r.rank.to_string(),
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
            minutes(view.time_to_detect),
            view.time_to_recover
                .map_or(String::new(), |t| t.level.to_string()),
            minutes(view.time_to_recover),
            current.exposure.map_or(String::new(), |e| e.to_string()),
            optional(view.frequency.map(|f| f.per_year())),
            optional(view.users_affected.map(|p| p.value())),
            optional(current.bad_minutes),
            optional(current.budget_share.map(|s| s * 100.0)),
            target.severity.to_string(),
            target.band.name().to_string(),
            optional(target.bad_minutes),
            history.incidents.to_string(),
            history.near_misses.to_string(),
            optional(history.bad_minutes),
            r.score.state.name().to_string(),
            risk.owner.clone().unwrap_or_default(),
            risk.reviewed
                .as_ref()
                .map_or(String::new(), |d| d.value.to_string()),
            crate::score::review_cadence(risk, current.band).to_string(),
            accepted.map_or(String::new(), |a| a.by.clone()),
            accepted.map_or(String::new(), |a| a.until.value.to_string()),
            accepted.map_or(String::new(), |_| {
                acceptance_expired(risk, ctx.today).to_string()
            }),
            risk.actions.len().to_string(),
            risk.actions
                .iter()
                .filter(|a| a.status == ActionStatus::Done)
                .count()
                .to_string(),
            file,
            at.line.to_string(),
            at.col.to_string(),
        ];
        push_row(&mut out, row.into_iter());
    }
    out
}

/// A number without a trailing `.0`, to six decimals.
fn number(n: f64) -> String {
    format!("{}", super::round(n))
}

fn push_row(out: &mut String, cells: impl Iterator<Item = String>) {
    let cells: Vec<String> = cells.map(|c| field(&c)).collect();
    out.push_str(&cells.join(","));
    out.push_str("\r\n");
}

/// One RFC 4180 field. Text a spreadsheet would run as a formula (it
/// starts with `=`, `+`, `-`, `@`, a tab or a carriage return) gets a
/// leading `'`, which spreadsheets show as text.
fn field(text: &str) -> String {
    let neutralised;
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        neutralised = format!("'{text}");
        &neutralised
    } else {
        text
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(field("\rx"), "\"'\rx\"");
    }

    #[test]
    fn numbers_drop_noise() {
        assert_eq!(number(4.0), "4");
        assert_eq!(number(52.17857142857143), "52.178571");
    }
}
