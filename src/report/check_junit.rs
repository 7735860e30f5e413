//! `opx check --format junit`: JUnit XML for the test tabs of GitLab,
//! Jenkins, Azure DevOps and CircleCI.
//!
//! One `<testsuite>` per system, one `<testcase>` per risk (classname =
//! system, name = risk; findings about a whole system, such as its error
//! budget, go to a case named `(system)`); each error finding is a
//! `<failure>`, warnings and notes go to `<system-out>`. A finding a
//! waiver set aside is a case of its own, `risk [rule]`, marked
//! `<skipped>` with the waiver's reason, so CI counts it as skipped, not
//! passed. Findings about no risk (input errors) form a suite named
//! `register`, one case per file. Each suite names the policy in a
//! property. The output validates against the Jenkins/Surefire schema,
//! which allows no `skipped` on `<testsuites>`.
//!
//! Hand-written on purpose: quick-junit 0.8 always writes `skipped` on
//! `<testsuites>` (invalid under the Surefire XSD), lets U+FFFE and U+FFFF
//! through into ill-formed XML, silently drops tabs and control
//! characters, and allows one `<failure>` per `<testcase>`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};

use super::{CheckReport, places};
use crate::diag::{Diagnostic, Severity};
use crate::register::model::Waiver;
use crate::source::Place;

/// The suite holding findings that belong to no risk.
const REGISTER_SUITE: &str = "register";

/// The case, in a system's suite, for findings about the system as a whole.
const SYSTEM_CASE: &str = "(system)";

#[derive(Default)]
struct Case<'a> {
    failures: Vec<(&'a Diagnostic, Option<&'a Place>)>,
    warnings: Vec<(&'a Diagnostic, Option<&'a Place>)>,
    /// The waiver that set the case's finding aside.
    waived: Option<&'a Waiver>,
}

pub fn write(report: &CheckReport<'_>, out: &mut dyn Write) -> io::Result<()> {
    let places = places(report);
    // suite → case → findings; BTreeMap keeps the output order stable.
    let mut suites: BTreeMap<&str, BTreeMap<String, Case<'_>>> = BTreeMap::new();
    for risk in &report.register.risks {
        suites
            .entry(risk.system.as_str())
            .or_default()
            .entry(risk.id.value.clone())
            .or_default();
    }
    for (d, place) in report.findings.iter().zip(&places) {
        let (suite, case) = match &d.subject {
            Some(s) => (
                s.system.as_str(),
                s.risk.clone().unwrap_or_else(|| SYSTEM_CASE.to_string()),
            ),
            None => (
                REGISTER_SUITE,
                place
                    .as_ref()
                    .map_or_else(|| "input".to_string(), |p| p.file.clone()),
            ),
        };
        let case = suites.entry(suite).or_default().entry(case).or_default();
        let finding = (d, place.as_ref());
        match d.severity {
            Severity::Error => case.failures.push(finding),
            Severity::Warning | Severity::Note => case.warnings.push(finding),
        }
    }
    for w in report.waived {
        let Some(subject) = &w.finding.subject else {
            continue;
        };
        // One case per finding: `duplicate-orders [action-overdue] action:Report`.
        let mut name = format!(
            "{} [{}]",
            subject.risk.as_deref().unwrap_or(SYSTEM_CASE),
            w.finding.code.id()
        );
        if let Some(part) = &subject.part {
            name.push(' ');
            name.push_str(part);
        }
        suites
            .entry(subject.system.as_str())
            .or_default()
            .entry(name)
            .or_default()
            .waived = Some(&w.waiver);
    }

    let count = |cases: &BTreeMap<String, Case<'_>>| {
        cases.values().filter(|c| !c.failures.is_empty()).count()
    };
    let skipped =
        |cases: &BTreeMap<String, Case<'_>>| cases.values().filter(|c| c.waived.is_some()).count();
    let policy = escape(
        &report
            .policy
            .file_name()
            .unwrap_or_else(|| "defaults".to_string()),
    );
    let tests: usize = suites.values().map(BTreeMap::len).sum();
    let failures: usize = suites.values().map(count).sum();
    // A suite's counts come before its cases, so the document is built
    // whole; it holds one line per risk and finding.
    let sink = out;
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"opx check\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" time=\"0\">"
    );
    for (suite, cases) in &suites {
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\" time=\"0\">",
            escape(suite),
            cases.len(),
            count(cases),
            skipped(cases)
        );
        let _ = writeln!(
            out,
            "    <properties>\n      <property name=\"opx.policy\" value=\"{policy}\"/>\n    </properties>"
        );
        for (name, case) in cases {
            let _ = write!(
                out,
                "    <testcase classname=\"{}\" name=\"{}\" time=\"0\"",
                escape(suite),
                escape(name)
            );
            if case.failures.is_empty() && case.warnings.is_empty() && case.waived.is_none() {
                out.push_str("/>\n");
                continue;
            }
            out.push_str(">\n");
            if let Some(waiver) = case.waived {
                let _ = writeln!(
                    out,
                    "      <skipped message=\"{}\"/>",
                    escape(&waived_text(waiver))
                );
            }
            for &(d, place) in &case.failures {
                let _ = writeln!(
                    out,
                    "      <failure type=\"{}\" message=\"{}\">{}</failure>",
                    escape(d.code.id()),
                    escape(&d.message),
                    escape(&detail(d, place))
                );
            }
            if !case.warnings.is_empty() {
                let text: Vec<String> = case
                    .warnings
                    .iter()
                    .map(|&(d, place)| detail(d, place))
                    .collect();
                let _ = writeln!(
                    out,
                    "      <system-out>{}</system-out>",
                    escape(&text.join("\n\n"))
                );
            }
            out.push_str("    </testcase>\n");
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    sink.write_all(out.as_bytes())
}

/// `waived until 2027-02-28 by eng-manager: the reason`
fn waived_text(waiver: &Waiver) -> String {
    let by = waiver
        .by
        .as_deref()
        .map_or_else(String::new, |by| format!(" by {by}"));
    format!("waived until {}{by}: {}", waiver.until.value, waiver.reason)
}

/// The body of a failure or warning: where, what, and the hint.
fn detail(d: &Diagnostic, place: Option<&Place>) -> String {
    let mut text = format!("{}[{}]: {}", d.severity.name(), d.code.id(), d.message);
    if let Some(place) = place {
        let _ = write!(text, "\n  --> {}", place.text());
    }
    if let Some(help) = &d.help {
        let _ = write!(text, "\n  = help: {help}");
    }
    text
}

/// Escapes text for an XML attribute or element. Characters XML 1.0 cannot
/// hold at all (most control characters) become U+FFFD; line breaks in
/// attributes are kept as character references.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_keeps_text_inert_and_well_formed() {
        assert_eq!(escape("<script>&\"'"), "&lt;script&gt;&amp;&quot;&apos;");
        assert_eq!(escape("a\nb"), "a&#10;b");
        assert_eq!(escape("bell\u{7}"), "bell\u{FFFD}");
    }
}

#[cfg(test)]
mod snapshot {
    use crate::report::{CheckFormat, fixture};

    /// The shared fixture, as this format writes it.
    #[test]
    fn the_fixture() {
        insta::assert_snapshot!(fixture::check(CheckFormat::Junit), @r#"
        <?xml version="1.0" encoding="UTF-8"?>
        <testsuites name="opx check" tests="6" failures="2" errors="0" time="0">
          <testsuite name="checkout" tests="5" failures="2" errors="0" skipped="1" time="0">
            <properties>
              <property name="opx.policy" value="defaults"/>
            </properties>
            <testcase classname="checkout" name="(system)" time="0">
              <system-out>note[budget-incomplete]: 1 risk of system `checkout` has no bad-minute estimate and is left out of its budget sums&#10;  --&gt; risks/checkout.toml:2:6&#10;  = help: give risks both times as durations and a frequency to count them&#10;&#10;warning[budget-exhausted]: system `checkout` has spent 150.0% of its error budget, 50.0% over&#10;  --&gt; risks/checkout.toml:2:6&#10;  = help: the budget is spent: put reliability work before features until it recovers</system-out>
            </testcase>
            <testcase classname="checkout" name="bad-deploy" time="0">
              <failure type="rpo-exceeded" message="risk `checkout/bad-deploy` would lose up to 3h of recent writes, more than its system&apos;s RPO of 1h">error[rpo-exceeded]: risk `checkout/bad-deploy` would lose up to 3h of recent writes, more than its system&apos;s RPO of 1h&#10;  --&gt; risks/checkout.toml:46:6&#10;  = help: finish an action that brings its data_loss within the RPO (more frequent backups, replication), or accept the risk with [risk.accepted]</failure>
              <system-out>warning[no-detection]: risk `checkout/bad-deploy` (impact 4, major) has no detect action&#10;  --&gt; risks/checkout.toml:46:6&#10;  = help: add a [[risk.action]] with kind = &quot;detect&quot;: an alert, a probe or a dashboard someone watches&#10;&#10;warning[exercise-overdue]: respond action &quot;Roll back with the deploy tool&quot; of risk `checkout/bad-deploy` was last exercised on 2026-03-01, due 2026-08-28 (91 days ago)&#10;  --&gt; risks/checkout.toml:62:13&#10;  = help: exercise it again (a drill, a restore test, a failover) and record the day in `exercised`&#10;&#10;warning[unevidenced-action]: prevent action &quot;Announce deploys in #eng&quot; of risk `checkout/bad-deploy` is done but shows no evidence&#10;  --&gt; risks/checkout.toml:66:8&#10;  = help: add what it changed: likelihood = &quot;unlikely&quot; or frequency = &quot;1/year&quot; (a detect action shows evidence with its signal, a respond action with its runbook)</system-out>
            </testcase>
            <testcase classname="checkout" name="single-expert" time="0">
              <failure type="unmitigated" message="risk `checkout/single-expert` (impact 4, major) has no mitigation that works">error[unmitigated]: risk `checkout/single-expert` (impact 4, major) has no mitigation that works&#10;  --&gt; risks/checkout.toml:70:6&#10;  = help: mend the failed action and exercise it, finish another that reduces the risk, or accept it for a time with [risk.accepted]</failure>
              <failure type="mitigation-failed" message="prevent action &quot;Document the job&quot; of risk `checkout/single-expert` failed on 2026-10-10 and mitigates nothing">error[mitigation-failed]: prevent action &quot;Document the job&quot; of risk `checkout/single-expert` failed on 2026-10-10 and mitigates nothing&#10;  --&gt; risks/checkout.toml:80:13&#10;  = help: mend it and exercise it again (then set status = &quot;done&quot; and exercised), or replace it</failure>
              <system-out>warning[review-overdue]: risk `checkout/single-expert` has never been reviewed&#10;  --&gt; risks/checkout.toml:70:6&#10;  = help: review it and record the day: reviewed = 2026-11-27&#10;&#10;warning[no-detection]: risk `checkout/single-expert` (impact 4, major) has no detect action&#10;  --&gt; risks/checkout.toml:70:6&#10;  = help: add a [[risk.action]] with kind = &quot;detect&quot;: an alert, a probe or a dashboard someone watches&#10;&#10;warning[estimate-missing]: risk `checkout/single-expert` (high) has no bad-minute estimate&#10;  --&gt; risks/checkout.toml:70:6&#10;  = help: give it `time_to_detect` as a duration, `time_to_recover` as a duration and `frequency`</system-out>
            </testcase>
            <testcase classname="checkout" name="single-expert [no-runbook]" time="0">
              <skipped message="waived until 2027-02-28 by eng-manager: A person, not a system: cross-training is the fix"/>
            </testcase>
            <testcase classname="checkout" name="traffic-spike" time="0">
              <system-out>warning[no-runbook]: risk `checkout/traffic-spike` (high) has no runbook&#10;  --&gt; risks/checkout.toml:17:6&#10;  = help: add a [[risk.action]] with kind = &quot;respond&quot; and a runbook = &quot;...&quot; to follow&#10;&#10;warning[action-overdue]: prevent action &quot;Autoscale workers&quot; of risk `checkout/traffic-spike` was due 2026-11-20 (7 days ago)&#10;  --&gt; risks/checkout.toml:41:7&#10;  = help: finish it, or ask bob for a date they can keep and update `due`&#10;&#10;warning[estimate-exceeded]: incident `INC-7` took 22m to detect, 17m more than risk `checkout/traffic-spike` estimates&#10;  --&gt; risks/checkout.toml:93:18&#10;  = help: set `time_to_detect` to what incidents show, or finish the action that makes the estimate true</system-out>
            </testcase>
          </testsuite>
          <testsuite name="search" tests="1" failures="0" errors="0" skipped="0" time="0">
            <properties>
              <property name="opx.policy" value="defaults"/>
            </properties>
            <testcase classname="search" name="stale-index" time="0"/>
          </testsuite>
        </testsuites>
        "#);
    }
}
