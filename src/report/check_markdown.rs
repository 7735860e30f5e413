//! `opx check --format markdown`: the findings as a table for a PR
//! comment, and the job summary shown by `--format github`, which GitHub
//! refuses over 1 MiB: [`write_within`] stops at a byte budget and says
//! how many findings it left out.

use std::io::{self, Write};

use super::markdown;
use super::{CheckReport, check_summary, places, waived_places};
use crate::diag::Tally;

/// Room kept for the closing note when a budget runs out.
const NOTE_ROOM: usize = 256;

pub fn write(report: &CheckReport<'_>, out: &mut dyn Write) -> io::Result<()> {
    write_within(report, out, usize::MAX)
}

/// The document in at most `budget` bytes: the findings that fit, in
/// order, then a note of how many more there are.
pub fn write_within(
    report: &CheckReport<'_>,
    out: &mut dyn Write,
    budget: usize,
) -> io::Result<()> {
    let tally = Tally::of(report.findings);
    let verdict = if tally.errors > 0 {
        "❌ the gate failed"
    } else {
        "✅ the gate passed"
    };
    let mut text = format!(
        "### opx check: {verdict}\n\n{}\n\n",
        markdown::cell(&check_summary(report))
    );
    if report.findings.is_empty() {
        text.push_str("No findings.\n");
    } else {
        let mut table = Vec::new();
        markdown::write_header(
            &mut table,
            &["level", "code", "where", "risk", "finding", "help"],
        )?;
        text.push_str(&String::from_utf8_lossy(&table));
    }
    let budget = budget.saturating_sub(NOTE_ROOM);
    if text.len() > budget {
        // Not even the verdict fits: write nothing rather than make
        // GitHub drop the whole summary, earlier steps' part with it.
        return Ok(());
    }
    let mut written = text.len();
    out.write_all(text.as_bytes())?;
    let mut row = Vec::new();
    for (i, (d, place)) in report.findings.iter().zip(places(report)).enumerate() {
        row.clear();
        markdown::write_row(
            &mut row,
            &[
                d.severity.name(),
                d.code.id(),
                &place.map_or_else(String::new, |p| p.text()),
                &d.subject.as_ref().map_or(String::new(), |s| s.name()),
                &d.message,
                d.help.as_deref().unwrap_or_default(),
            ],
        )?;
        if written + row.len() > budget {
            let left = report.findings.len() - i;
            return writeln!(
                out,
                "\n{left} more {} left out to keep this summary within GitHub's limit; run `opx check` to see them all.",
                if left == 1 { "finding" } else { "findings" }
            );
        }
        written += row.len();
        out.write_all(&row)?;
    }
    if report.waived.is_empty() {
        return Ok(());
    }
    let mut waived = Vec::new();
    writeln!(waived, "\n#### Waived\n")?;
    markdown::write_header(
        &mut waived,
        &["code", "where", "risk", "until", "by", "reason"],
    )?;
    for (w, (place, _)) in report.waived.iter().zip(waived_places(report)) {
        markdown::write_row(
            &mut waived,
            &[
                w.finding.code.id(),
                &place.map_or_else(String::new, |p| p.text()),
                &w.finding
                    .subject
                    .as_ref()
                    .map_or(String::new(), |s| s.name()),
                &w.waiver.until.value.to_string(),
                w.waiver.by.as_deref().unwrap_or("-"),
                &w.waiver.reason,
            ],
        )?;
    }
    if written + waived.len() > budget {
        return writeln!(
            out,
            "\n{} waived, left out to keep this summary within GitHub's limit.",
            report.waived.len()
        );
    }
    out.write_all(&waived)
}

#[cfg(test)]
mod snapshot {
    use crate::report::{CheckFormat, fixture};

    /// The shared fixture, as this format writes it.
    #[test]
    fn the_fixture() {
        insta::assert_snapshot!(fixture::check(CheckFormat::Markdown), @r#"
        ### opx check: ❌ the gate failed

        3 errors, 10 warnings, 1 note, 1 waived in 4 risks; policy: defaults

        | level | code | where | risk | finding | help |
        | --- | --- | --- | --- | --- | --- |
        | note | budget-incomplete | risks/checkout.toml:2:6 | checkout | 1 risk of system \`checkout\` has no bad-minute estimate and is left out of its budget sums | give risks both times as durations and a frequency to count them |
        | warning | budget-exhausted | risks/checkout.toml:2:6 | checkout | system \`checkout\` has spent 150.0% of its error budget, 50.0% over | the budget is spent: put reliability work before features until it recovers |
        | warning | no-runbook | risks/checkout.toml:17:6 | checkout/traffic-spike | risk \`checkout/traffic-spike\` (high) has no runbook | add a \[\[risk.action\]\] with kind = "respond" and a runbook = "..." to follow |
        | warning | action-overdue | risks/checkout.toml:41:7 | checkout/traffic-spike | prevent action "Autoscale workers" of risk \`checkout/traffic-spike\` was due 2026-11-20 (7 days ago) | finish it, or ask bob for a date they can keep and update \`due\` |
        | warning | no-detection | risks/checkout.toml:46:6 | checkout/bad-deploy | risk \`checkout/bad-deploy\` (impact 4, major) has no detect action | add a \[\[risk.action\]\] with kind = "detect": an alert, a probe or a dashboard someone watches |
        | error | rpo-exceeded | risks/checkout.toml:46:6 | checkout/bad-deploy | risk \`checkout/bad-deploy\` would lose up to 3h of recent writes, more than its system's RPO of 1h | finish an action that brings its data_loss within the RPO (more frequent backups, replication), or accept the risk with \[risk.accepted\] |
        | warning | exercise-overdue | risks/checkout.toml:62:13 | checkout/bad-deploy | respond action "Roll back with the deploy tool" of risk \`checkout/bad-deploy\` was last exercised on 2026-03-01, due 2026-08-28 (91 days ago) | exercise it again (a drill, a restore test, a failover) and record the day in \`exercised\` |
        | warning | unevidenced-action | risks/checkout.toml:66:8 | checkout/bad-deploy | prevent action "Announce deploys in #eng" of risk \`checkout/bad-deploy\` is done but shows no evidence | add what it changed: likelihood = "unlikely" or frequency = "1/year" (a detect action shows evidence with its signal, a respond action with its runbook) |
        | error | unmitigated | risks/checkout.toml:70:6 | checkout/single-expert | risk \`checkout/single-expert\` (impact 4, major) has no mitigation that works | mend the failed action and exercise it, finish another that reduces the risk, or accept it for a time with \[risk.accepted\] |
        | warning | review-overdue | risks/checkout.toml:70:6 | checkout/single-expert | risk \`checkout/single-expert\` has never been reviewed | review it and record the day: reviewed = 2026-11-27 |
        | warning | no-detection | risks/checkout.toml:70:6 | checkout/single-expert | risk \`checkout/single-expert\` (impact 4, major) has no detect action | add a \[\[risk.action\]\] with kind = "detect": an alert, a probe or a dashboard someone watches |
        | warning | estimate-missing | risks/checkout.toml:70:6 | checkout/single-expert | risk \`checkout/single-expert\` (high) has no bad-minute estimate | give it \`time_to_detect\` as a duration, \`time_to_recover\` as a duration and \`frequency\` |
        | error | mitigation-failed | risks/checkout.toml:80:13 | checkout/single-expert | prevent action "Document the job" of risk \`checkout/single-expert\` failed on 2026-10-10 and mitigates nothing | mend it and exercise it again (then set status = "done" and exercised), or replace it |
        | warning | estimate-exceeded | risks/checkout.toml:93:18 | checkout/traffic-spike | incident \`INC-7\` took 22m to detect, 17m more than risk \`checkout/traffic-spike\` estimates | set \`time_to_detect\` to what incidents show, or finish the action that makes the estimate true |

        #### Waived

        | code | where | risk | until | by | reason |
        | --- | --- | --- | --- | --- | --- |
        | no-runbook | risks/checkout.toml:70:6 | checkout/single-expert | 2027-02-28 | eng-manager | A person, not a system: cross-training is the fix |
        "#);
    }
}
