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
        risks/checkout.toml:16:6: warning[no-runbook]: risk `checkout/traffic-spike` (high) has no runbook
        risks/checkout.toml:39:7: warning[action-overdue]: prevent action "Autoscale workers" of risk `checkout/traffic-spike` was due 2026-11-20 (7 days ago)
        risks/checkout.toml:44:6: warning[no-detection]: risk `checkout/bad-deploy` (impact 4, major) has no detect action
        risks/checkout.toml:62:8: warning[unevidenced-action]: prevent action "Announce deploys in #eng" of risk `checkout/bad-deploy` is done but shows no evidence
        risks/checkout.toml:66:6: error[unmitigated]: risk `checkout/single-expert` (impact 4, major) has no mitigation
        risks/checkout.toml:66:6: warning[review-overdue]: risk `checkout/single-expert` has never been reviewed
        risks/checkout.toml:66:6: warning[no-detection]: risk `checkout/single-expert` (impact 4, major) has no detect action
        risks/checkout.toml:66:6: warning[estimate-missing]: risk `checkout/single-expert` (high) has no bad-minute estimate
        risks/checkout.toml:82:18: warning[estimate-exceeded]: incident `INC-7` took 22m to detect, 17m more than risk `checkout/traffic-spike` estimates
        1 error, 8 warnings, 1 note, 1 waived in 4 risks; policy: defaults
        "#);
    }
}
