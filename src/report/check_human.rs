//! `opx check` for people: rustc-style findings, then one summary line.

use std::io::{self, Write};

use anstyle::{AnsiColor, Style};

use super::{CheckReport, check_summary, paint};
use crate::diag::{Tally, render_human};

pub fn write(report: &CheckReport<'_>, out: &mut dyn Write) -> io::Result<()> {
    render_human(out, report.findings, report.sources, report.colour)?;
    write_summary(report, out)
}

/// The summary line: green when clean, yellow with warnings, red with errors.
pub fn write_summary(report: &CheckReport<'_>, out: &mut dyn Write) -> io::Result<()> {
    let tally = Tally::of(report.findings);
    let color = match (tally.errors, tally.warnings) {
        (0, 0) => AnsiColor::Green,
        (0, _) => AnsiColor::Yellow,
        _ => AnsiColor::Red,
    };
    let style = Style::new().bold().fg_color(Some(color.into()));
    writeln!(
        out,
        "{}",
        paint(&check_summary(report), style, report.colour)
    )
}

#[cfg(test)]
mod snapshot {
    use crate::report::{CheckFormat, fixture};

    /// The shared fixture, as this format writes it.
    #[test]
    fn the_fixture() {
        insta::assert_snapshot!(fixture::check(CheckFormat::Human), @r#"
        note[budget-incomplete]: 1 risk of system `checkout` has no bad-minute estimate and is left out of its budget sums
         --> risks/checkout.toml:2:6
          |
        2 | id = "checkout"
          |      ^^^^^^^^^^ sums may be too low
          |
          = help: give risks both times as durations and a frequency to count them

        warning[no-runbook]: risk `checkout/traffic-spike` (high) has no runbook
          --> risks/checkout.toml:16:6
           |
        16 | id = "traffic-spike"
           |      ^^^^^^^^^^^^^^^ what is our fastest safe rollback?
           |
           = help: add a [[risk.action]] with kind = "respond" and a runbook = "..." to follow

        warning[action-overdue]: prevent action "Autoscale workers" of risk `checkout/traffic-spike` was due 2026-11-20 (7 days ago)
          --> risks/checkout.toml:39:7
           |
        39 | due = 2026-11-20
           |       ^^^^^^^^^^ planned, due 2026-11-20
           |
           = help: finish it, or ask bob for a date they can keep and update `due`

        warning[no-detection]: risk `checkout/bad-deploy` (impact 4, major) has no detect action
          --> risks/checkout.toml:44:6
           |
        44 | id = "bad-deploy"
           |      ^^^^^^^^^^^^ how would we know this is broken at 3am?
           |
           = help: add a [[risk.action]] with kind = "detect": an alert, a probe or a dashboard someone watches

        warning[unevidenced-action]: prevent action "Announce deploys in #eng" of risk `checkout/bad-deploy` is done but shows no evidence
          --> risks/checkout.toml:62:8
           |
        62 | what = "Announce deploys in #eng"
           |        ^^^^^^^^^^^^^^^^^^^^^^^^^^ what did it change?
           |
           = help: add what it changed: likelihood = "unlikely" or frequency = "1/year" (a detect action shows evidence with its signal, a respond action with its runbook)

        error[unmitigated]: risk `checkout/single-expert` (impact 4, major) has no mitigation
          --> risks/checkout.toml:66:6
           |
        66 | id = "single-expert"
           |      ^^^^^^^^^^^^^^^ open: no action is done and no acceptance holds
           |
           = help: finish an action that reduces it (status = "done"), or accept it for a time with [risk.accepted]

        warning[review-overdue]: risk `checkout/single-expert` has never been reviewed
          --> risks/checkout.toml:66:6
           |
        66 | id = "single-expert"
           |      ^^^^^^^^^^^^^^^ no `reviewed` date
           |
           = help: review it and record the day: reviewed = 2026-11-27

        warning[no-detection]: risk `checkout/single-expert` (impact 4, major) has no detect action
          --> risks/checkout.toml:66:6
           |
        66 | id = "single-expert"
           |      ^^^^^^^^^^^^^^^ how would we know this is broken at 3am?
           |
           = help: add a [[risk.action]] with kind = "detect": an alert, a probe or a dashboard someone watches

        warning[estimate-missing]: risk `checkout/single-expert` (high) has no bad-minute estimate
          --> risks/checkout.toml:66:6
           |
        66 | id = "single-expert"
           |      ^^^^^^^^^^^^^^^ its share of the error budget is unknown
           |
           = help: give it `time_to_detect` as a duration, `time_to_recover` as a duration and `frequency`

        warning[estimate-exceeded]: incident `INC-7` took 22m to detect, 17m more than risk `checkout/traffic-spike` estimates
          --> risks/checkout.toml:82:18
           |
        82 | detected_after = "22m"
           |                  ^^^^^ the estimate is 5m
           |
           = help: set `time_to_detect` to what incidents show, or finish the action that makes the estimate true

        1 error, 8 warnings, 1 note, 1 waived in 4 risks; policy: defaults
        "#);
    }
}
