//! `opx check --format short`: one line per finding,
//! `path:line:col: level[code]: message`, the form editors, `grep` and
//! compilers' error parsers understand; then the summary line.

use std::io::{self, Write};

use super::{CheckReport, TOOL_NAME, check_summary, places};
use crate::diag::Diagnostic;
use crate::source::Place;
use crate::visible::visible_line;

pub fn write(report: &CheckReport<'_>, out: &mut dyn Write) -> io::Result<()> {
    for (d, place) in report.findings.iter().zip(places(report)) {
        write_line(d, place, out)?;
    }
    writeln!(out, "{}", check_summary(report))
}

/// `risks/checkout.toml:16:6: warning[no-runbook]: risk ... has no runbook`
pub(crate) fn write_line(
    d: &Diagnostic,
    place: Option<Place>,
    out: &mut dyn Write,
) -> io::Result<()> {
    // A file's name and a message are one line, whatever they hold.
    let at = place.map_or_else(|| TOOL_NAME.to_string(), |p| p.text());
    let at = visible_line(&at);
    let message = visible_line(&d.message);
    writeln!(
        out,
        "{at}: {}[{}]: {message}",
        d.severity.name(),
        d.code.id()
    )
}

#[cfg(test)]
mod snapshot {
    use crate::report::{CheckFormat, fixture};

    /// The shared fixture, as this format writes it.
    #[test]
    fn the_fixture() {
        insta::assert_snapshot!(fixture::check(CheckFormat::Short), @r#"
        risks/checkout.toml:2:6: note[budget-incomplete]: 1 risk of system `checkout` has no bad-minute estimate and is left out of its budget sums
        risks/checkout.toml:2:6: warning[budget-exhausted]: system `checkout` has spent 150.0% of its error budget, 50.0% over
        risks/checkout.toml:17:6: warning[no-runbook]: risk `checkout/traffic-spike` (high) has no runbook
        risks/checkout.toml:41:7: warning[action-overdue]: prevent action "Autoscale workers" of risk `checkout/traffic-spike` was due 2026-11-20 (7 days ago)
        risks/checkout.toml:46:6: warning[no-detection]: risk `checkout/bad-deploy` (impact 4, major) has no detect action
        risks/checkout.toml:46:6: error[rpo-exceeded]: risk `checkout/bad-deploy` would lose up to 3h of recent writes, more than its system's RPO of 1h
        risks/checkout.toml:62:13: warning[exercise-overdue]: respond action "Roll back with the deploy tool" of risk `checkout/bad-deploy` was last exercised on 2026-03-01, due 2026-08-28 (91 days ago)
        risks/checkout.toml:66:8: warning[unevidenced-action]: prevent action "Announce deploys in #eng" of risk `checkout/bad-deploy` is done but shows no evidence
        risks/checkout.toml:70:6: error[unmitigated]: risk `checkout/single-expert` (impact 4, major) has no mitigation that works
        risks/checkout.toml:70:6: warning[review-overdue]: risk `checkout/single-expert` has never been reviewed
        risks/checkout.toml:70:6: warning[no-detection]: risk `checkout/single-expert` (impact 4, major) has no detect action
        risks/checkout.toml:70:6: warning[estimate-missing]: risk `checkout/single-expert` (high) has no bad-minute estimate
        risks/checkout.toml:80:13: error[mitigation-failed]: prevent action "Document the job" of risk `checkout/single-expert` failed on 2026-10-10 and mitigates nothing
        risks/checkout.toml:93:18: warning[estimate-exceeded]: incident `INC-7` took 22m to detect, 17m more than risk `checkout/traffic-spike` estimates
        3 errors, 10 warnings, 1 note, 1 waived in 4 risks; policy: defaults
        "#);
    }
}
