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

        warning[budget-exhausted]: system `checkout` has spent 150.0% of its error budget, 50.0% over
         --> risks/checkout.toml:2:6
          |
        2 | id = "checkout"
          |      ^^^^^^^^^^ measured availability 99.85% against an SLO of 99.9%
          |
          = help: the budget is spent: put reliability work before features until it recovers

        warning[no-runbook]: risk `checkout/traffic-spike` (high) has no runbook
          --> risks/checkout.toml:17:6
           |
        17 | id = "traffic-spike"
           |      ^^^^^^^^^^^^^^^ what is our fastest safe rollback?
           |
           = help: add a [[risk.action]] with kind = "respond" and a runbook = "..." to follow

        warning[action-overdue]: prevent action "Autoscale workers" of risk `checkout/traffic-spike` was due 2026-11-20 (7 days ago)
          --> risks/checkout.toml:41:7
           |
        41 | due = 2026-11-20
           |       ^^^^^^^^^^ planned, due 2026-11-20
           |
           = help: finish it, or ask bob for a date they can keep and update `due`

        warning[no-detection]: risk `checkout/bad-deploy` (impact 4, major) has no detect action
          --> risks/checkout.toml:46:6
           |
        46 | id = "bad-deploy"
           |      ^^^^^^^^^^^^ how would we know this is broken at 3am?
           |
           = help: add a [[risk.action]] with kind = "detect": an alert, a probe or a dashboard someone watches

        error[rpo-exceeded]: risk `checkout/bad-deploy` would lose up to 3h of recent writes, more than its system's RPO of 1h
          --> risks/checkout.toml:46:6
           |
        46 | id = "bad-deploy"
           |      ^^^^^^^^^^^^ RPO 1h
           |
           = help: finish an action that brings its data_loss within the RPO (more frequent backups, replication), or accept the risk with [risk.accepted]

        warning[exercise-overdue]: respond action "Roll back with the deploy tool" of risk `checkout/bad-deploy` was last exercised on 2026-03-01, due 2026-08-28 (91 days ago)
          --> risks/checkout.toml:62:13
           |
        62 | exercised = 2026-03-01
           |             ^^^^^^^^^^ to be shown again every 180d
           |
           = help: exercise it again (a drill, a restore test, a failover) and record the day in `exercised`

        warning[unevidenced-action]: prevent action "Announce deploys in #eng" of risk `checkout/bad-deploy` is done but shows no evidence
          --> risks/checkout.toml:66:8
           |
        66 | what = "Announce deploys in #eng"
           |        ^^^^^^^^^^^^^^^^^^^^^^^^^^ what did it change?
           |
           = help: add what it changed: likelihood = "unlikely" or frequency = "1/year" (a detect action shows evidence with its signal, a respond action with its runbook)

        error[unmitigated]: risk `checkout/single-expert` (impact 4, major) has no mitigation that works
          --> risks/checkout.toml:70:6
           |
        70 | id = "single-expert"
           |      ^^^^^^^^^^^^^^^ open: 1 action found not to work, none other done
           |
           = help: mend the failed action and exercise it, finish another that reduces the risk, or accept it for a time with [risk.accepted]

        warning[review-overdue]: risk `checkout/single-expert` has never been reviewed
          --> risks/checkout.toml:70:6
           |
        70 | id = "single-expert"
           |      ^^^^^^^^^^^^^^^ no `reviewed` date
           |
           = help: review it and record the day: reviewed = 2026-11-27

        warning[no-detection]: risk `checkout/single-expert` (impact 4, major) has no detect action
          --> risks/checkout.toml:70:6
           |
        70 | id = "single-expert"
           |      ^^^^^^^^^^^^^^^ how would we know this is broken at 3am?
           |
           = help: add a [[risk.action]] with kind = "detect": an alert, a probe or a dashboard someone watches

        warning[estimate-missing]: risk `checkout/single-expert` (high) has no bad-minute estimate
          --> risks/checkout.toml:70:6
           |
        70 | id = "single-expert"
           |      ^^^^^^^^^^^^^^^ its share of the error budget is unknown
           |
           = help: give it `time_to_detect` as a duration, `time_to_recover` as a duration and `frequency`

        error[mitigation-failed]: prevent action "Document the job" of risk `checkout/single-expert` failed on 2026-10-10 and mitigates nothing
          --> risks/checkout.toml:80:13
           |
        80 | failed_on = 2026-10-10
           |             ^^^^^^^^^^ the document missed the month-end run
           |
           = help: mend it and exercise it again (then set status = "done" and exercised), or replace it

        warning[estimate-exceeded]: incident `INC-7` took 22m to detect, 17m more than risk `checkout/traffic-spike` estimates
          --> risks/checkout.toml:93:18
           |
        93 | detected_after = "22m"
           |                  ^^^^^ the estimate is 5m
           |
           = help: set `time_to_detect` to what incidents show, or finish the action that makes the estimate true

        3 errors, 10 warnings, 1 note, 1 waived in 4 risks; policy: defaults
        "#);
    }
}
