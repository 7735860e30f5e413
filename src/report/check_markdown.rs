//! `opx check --format markdown`: the findings as a table for a PR
//! comment, and the job summary shown by `--format github`.

use std::io::{self, Write};

use super::markdown;
use super::{CheckReport, check_summary, places};
use crate::diag::Tally;

pub fn write(report: &CheckReport<'_>, out: &mut dyn Write) -> io::Result<()> {
    let tally = Tally::of(report.findings);
    let verdict = if tally.errors > 0 {
        "❌ the gate failed"
    } else {
        "✅ the gate passed"
    };
    writeln!(
        out,
        "### opx check: {verdict}\n\n{}\n",
        markdown::cell(&check_summary(report))
    )?;
    if report.findings.is_empty() {
        return writeln!(out, "No findings.");
    }
    markdown::write_header(out, &["level", "code", "where", "risk", "finding", "help"])?;
    for (d, place) in report.findings.iter().zip(places(report)) {
        markdown::write_row(
            out,
            &[
                d.severity.name(),
                d.code.id(),
                &place.map_or_else(String::new, |p| p.text()),
                &d.subject.as_ref().map_or(String::new(), |s| s.name()),
                &d.message,
                d.help.as_deref().unwrap_or_default(),
            ],
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod snapshot {
    use crate::report::{CheckFormat, fixture};

    /// The shared fixture, as this format writes it.
    #[test]
    fn the_fixture() {
        insta::assert_snapshot!(fixture::check(CheckFormat::Markdown), @r#"
        ### opx check: ❌ the gate failed

        1 error, 8 warnings, 1 note in 4 risks

        | level | code | where | risk | finding | help |
        | --- | --- | --- | --- | --- | --- |
        | note | budget-incomplete | risks/checkout.toml:2:6 | checkout | 1 risk of system \`checkout\` has no bad-minute estimate and is left out of its budget sums | give risks both times as durations and a frequency to count them |
        | warning | no-runbook | risks/checkout.toml:16:6 | checkout/traffic-spike | risk \`checkout/traffic-spike\` (high) has no runbook | add a \[\[risk.action\]\] with kind = "respond" and a runbook = "..." to follow |
        | warning | action-overdue | risks/checkout.toml:39:7 | checkout/traffic-spike | prevent action "Autoscale workers" of risk \`checkout/traffic-spike\` was due 2026-11-20 (7 days ago) | finish it, or ask bob for a date they can keep and update \`due\` |
        | warning | no-detection | risks/checkout.toml:44:6 | checkout/bad-deploy | risk \`checkout/bad-deploy\` (impact 4, major) has no detect action | add a \[\[risk.action\]\] with kind = "detect": an alert, a probe or a dashboard someone watches |
        | error | unmitigated | risks/checkout.toml:61:6 | checkout/single-expert | risk \`checkout/single-expert\` (impact 4, major) has no mitigation | finish an action that reduces it (status = "done"), or accept it for a time with \[risk.accepted\] |
        | warning | review-overdue | risks/checkout.toml:61:6 | checkout/single-expert | risk \`checkout/single-expert\` has never been reviewed | review it and record the day: reviewed = 2026-11-27 |
        | warning | no-detection | risks/checkout.toml:61:6 | checkout/single-expert | risk \`checkout/single-expert\` (impact 4, major) has no detect action | add a \[\[risk.action\]\] with kind = "detect": an alert, a probe or a dashboard someone watches |
        | warning | no-runbook | risks/checkout.toml:61:6 | checkout/single-expert | risk \`checkout/single-expert\` (high) has no runbook | add a \[\[risk.action\]\] with kind = "respond" and a runbook = "..." to follow |
        | warning | estimate-missing | risks/checkout.toml:61:6 | checkout/single-expert | risk \`checkout/single-expert\` (high) has no bad-minute estimate | give it \`time_to_detect\` as a duration, \`time_to_recover\` as a duration and \`frequency\` |
        | warning | estimate-exceeded | risks/checkout.toml:71:18 | checkout/traffic-spike | incident \`INC-7\` took 22m to detect, 17m more than risk \`checkout/traffic-spike\` estimates | set \`time_to_detect\` to what incidents show, or finish the action that makes the estimate true |
        "#);
    }
}
