//! `opx check --format github`: workflow commands that GitHub Actions
//! turns into annotations on the pull request's lines.
//!
//! GitHub shows at most ten annotations of each level per step and drops
//! the rest without a word, so the most important come first: errors,
//! then warnings, then notes, each in file order, up to [`CAP`] each.
//! Findings past a cap are written as plain log lines (the `short`
//! format), and a closing notice says how many there are and where to
//! find them.

use std::io::{self, Write};

use super::{CheckReport, check_short, check_summary, places};
use crate::diag::Severity;
use crate::source::Place;
use crate::visible::{log_safe, visible_line, without_marker};

/// The annotations of one level GitHub shows for a step.
const CAP: usize = 10;

pub fn write(report: &CheckReport<'_>, out: &mut dyn Write) -> io::Result<()> {
    let places = places(report);
    let mut order: Vec<usize> = (0..report.findings.len()).collect();
    // Stable: within a level, file order stays.
    order.sort_by_key(|&i| std::cmp::Reverse(report.findings[i].severity));
    let mut shown = [0usize; 3];
    let mut over = Vec::new();
    for i in order {
        let d = &report.findings[i];
        let level = d.severity as usize;
        // The closing notice takes one of the notes' places.
        let cap = if d.severity == Severity::Note {
            CAP - 1
        } else {
            CAP
        };
        if shown[level] == cap {
            over.push(i);
            continue;
        }
        shown[level] += 1;
        annotation(d, places[i].as_ref(), out)?;
    }
    // Plain log lines: none may start a workflow command.
    log_safe(out, |out| {
        over.iter()
            .try_for_each(|&i| check_short::write_line(&report.findings[i], places[i].clone(), out))
    })?;
    if !over.is_empty() {
        let summary = if report.job_summary {
            " and in the job summary"
        } else {
            ""
        };
        writeln!(
            out,
            "::notice title=opx::{} more {} than GitHub shows as annotations: they are in the log above{summary}",
            over.len(),
            if over.len() == 1 {
                "finding"
            } else {
                "findings"
            }
        )?;
    }
    log_safe(out, |out| writeln!(out, "opx: {}", check_summary(report)))
}

/// One finding as a workflow command.
fn annotation(
    d: &crate::diag::Diagnostic,
    place: Option<&Place>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let command = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "notice",
    };
    let mut properties = Vec::new();
    if let Some(place) = place {
        properties.push(format!("file={}", property(&visible_line(&place.file))));
        if let (Some(start), Some(end)) = (place.start, place.end) {
            properties.push(format!("line={}", start.line));
            properties.push(format!("col={}", start.col));
            if end.line == start.line {
                properties.push(format!("endColumn={}", end.col));
            } else {
                properties.push(format!("endLine={}", end.line));
            }
        }
    }
    properties.push(format!("title={}", property(d.code.id())));
    // Register text is one line; opx's own break before the help stays.
    let mut text = visible_line(&d.message).into_owned();
    if let Some(help) = &d.help {
        text.push_str("\nhelp: ");
        text.push_str(&visible_line(help));
    }
    writeln!(
        out,
        "::{command} {}::{}",
        properties.join(","),
        message(&text)
    )
}

/// Escapes the message of a workflow command, where a `##[` would be
/// read too.
fn message(text: &str) -> String {
    without_marker(text)
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value, where `:` and `,` also delimit.
fn property(text: &str) -> String {
    message(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_follows_the_runner() {
        assert_eq!(message("100% done\r\nnext"), "100%25 done%0D%0Anext");
        assert_eq!(property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }
}

#[cfg(test)]
mod snapshot {
    use crate::report::{CheckFormat, fixture};

    /// The shared fixture, as this format writes it.
    #[test]
    fn the_fixture() {
        insta::assert_snapshot!(fixture::check(CheckFormat::Github), @r#"
        ::error file=risks/checkout.toml,line=46,col=6,endColumn=18,title=rpo-exceeded::risk `checkout/bad-deploy` would lose up to 3h of recent writes, more than its system's RPO of 1h%0Ahelp: finish an action that brings its data_loss within the RPO (more frequent backups, replication), or accept the risk with [risk.accepted]
        ::error file=risks/checkout.toml,line=70,col=6,endColumn=21,title=unmitigated::risk `checkout/single-expert` (impact 4, major) has no mitigation that works%0Ahelp: mend the failed action and exercise it, finish another that reduces the risk, or accept it for a time with [risk.accepted]
        ::error file=risks/checkout.toml,line=80,col=13,endColumn=23,title=mitigation-failed::prevent action "Document the job" of risk `checkout/single-expert` failed on 2026-10-10 and mitigates nothing%0Ahelp: mend it and exercise it again (then set status = "done" and exercised), or replace it
        ::warning file=risks/checkout.toml,line=2,col=6,endColumn=16,title=budget-exhausted::system `checkout` has spent 150.0%25 of its error budget, 50.0%25 over%0Ahelp: the budget is spent: put reliability work before features until it recovers
        ::warning file=risks/checkout.toml,line=17,col=6,endColumn=21,title=no-runbook::risk `checkout/traffic-spike` (high) has no runbook%0Ahelp: add a [[risk.action]] with kind = "respond" and a runbook = "..." to follow
        ::warning file=risks/checkout.toml,line=41,col=7,endColumn=17,title=action-overdue::prevent action "Autoscale workers" of risk `checkout/traffic-spike` was due 2026-11-20 (7 days ago)%0Ahelp: finish it, or ask bob for a date they can keep and update `due`
        ::warning file=risks/checkout.toml,line=46,col=6,endColumn=18,title=no-detection::risk `checkout/bad-deploy` (impact 4, major) has no detect action%0Ahelp: add a [[risk.action]] with kind = "detect": an alert, a probe or a dashboard someone watches
        ::warning file=risks/checkout.toml,line=62,col=13,endColumn=23,title=exercise-overdue::respond action "Roll back with the deploy tool" of risk `checkout/bad-deploy` was last exercised on 2026-03-01, due 2026-08-28 (91 days ago)%0Ahelp: exercise it again (a drill, a restore test, a failover) and record the day in `exercised`
        ::warning file=risks/checkout.toml,line=66,col=8,endColumn=34,title=unevidenced-action::prevent action "Announce deploys in #eng" of risk `checkout/bad-deploy` is done but shows no evidence%0Ahelp: add what it changed: likelihood = "unlikely" or frequency = "1/year" (a detect action shows evidence with its signal, a respond action with its runbook)
        ::warning file=risks/checkout.toml,line=70,col=6,endColumn=21,title=review-overdue::risk `checkout/single-expert` has never been reviewed%0Ahelp: review it and record the day: reviewed = 2026-11-27
        ::warning file=risks/checkout.toml,line=70,col=6,endColumn=21,title=no-detection::risk `checkout/single-expert` (impact 4, major) has no detect action%0Ahelp: add a [[risk.action]] with kind = "detect": an alert, a probe or a dashboard someone watches
        ::warning file=risks/checkout.toml,line=70,col=6,endColumn=21,title=estimate-missing::risk `checkout/single-expert` (high) has no bad-minute estimate%0Ahelp: give it `time_to_detect` as a duration, `time_to_recover` as a duration and `frequency`
        ::warning file=risks/checkout.toml,line=93,col=18,endColumn=23,title=estimate-exceeded::incident `INC-7` took 22m to detect, 17m more than risk `checkout/traffic-spike` estimates%0Ahelp: set `time_to_detect` to what incidents show, or finish the action that makes the estimate true
        ::notice file=risks/checkout.toml,line=2,col=6,endColumn=16,title=budget-incomplete::1 risk of system `checkout` has no bad-minute estimate and is left out of its budget sums%0Ahelp: give risks both times as durations and a frequency to count them
        opx: 3 errors, 10 warnings, 1 note, 1 waived in 4 risks; policy: defaults
        "#);
    }
}
