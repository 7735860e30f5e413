//! `opx check --format json`: the findings as a versioned document.
//!
//! Its types are also its JSON Schema (`opx schema check-report`), so the
//! published shape cannot drift from what is written.

use std::io::{self, Write};

use schemars::JsonSchema;
use serde::{Serialize, Serializer};

use super::{CheckReport, TOOL_NAME, TOOL_VERSION, json, places, waived_places};
use crate::check::Waived;
use crate::diag::{Code, Diagnostic, Severity, Tally};
use crate::source::Place;

pub const VERSION: u32 = 1;

/// `opx check --format json`, version 1.
#[derive(Serialize, JsonSchema)]
#[schemars(title = "opx check --format json, version 1", deny_unknown_fields)]
pub struct Document<'a> {
    #[schemars(extend("const" = 1))]
    version: u32,
    tool: Tool,
    /// The day the register was judged on.
    #[schemars(extend("format" = "date"))]
    today: String,
    /// The policy file the gate ran under, as given or found beside the
    /// register; null when it ran on the defaults.
    policy: Option<String>,
    summary: Summary,
    /// Input errors (the register could not be read) or the gate's findings.
    #[serde(serialize_with = "serialize_findings")]
    #[schemars(with = "Vec<FindingOut<'static>>")]
    findings: Findings<'a>,
    /// Findings a risk's waiver set aside: not counted in the summary's
    /// errors and warnings.
    waived: Vec<WaivedOut<'a>>,
}

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct Tool {
    #[schemars(extend("const" = "opx"))]
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct Summary {
    /// No error finding.
    passed: bool,
    errors: usize,
    warnings: usize,
    notes: usize,
    /// Findings set aside by a waiver.
    waived: usize,
    risks: usize,
    /// TOML files found in folders that are not register files
    /// (`Cargo.toml`, say), passed over unread.
    skipped_files: usize,
}

struct Findings<'a> {
    findings: &'a [Diagnostic],
    places: Vec<Option<Place>>,
}

fn serialize_findings<S: Serializer>(f: &Findings<'_>, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_seq(
        f.findings
            .iter()
            .zip(&f.places)
            .map(|(d, place)| finding_out(d, place.as_ref())),
    )
}

/// `findings` as every JSON document writes them, each with its place
/// (see `places_of`).
pub(super) fn findings_out<'a>(
    findings: &'a [Diagnostic],
    places: &'a [Option<Place>],
) -> Vec<FindingOut<'a>> {
    findings
        .iter()
        .zip(places)
        .map(|(d, place)| finding_out(d, place.as_ref()))
        .collect()
}

/// `waived` as every JSON document writes them, each with its place and
/// its waiver's (see `waived_places_of`).
pub(super) fn waived_out<'a>(
    waived: &'a [Waived],
    places: &'a [(Option<Place>, Place)],
) -> Vec<WaivedOut<'a>> {
    waived
        .iter()
        .zip(places)
        .map(|(w, (finding, waiver))| WaivedOut {
            finding: finding_out(&w.finding, finding.as_ref()),
            waiver: WaiverOut {
                reason: &w.waiver.reason,
                by: w.waiver.by.as_deref(),
                until: w.waiver.until.value.to_string(),
                location: location_out(waiver),
            },
        })
        .collect()
}

fn finding_out<'a>(d: &'a Diagnostic, place: Option<&'a Place>) -> FindingOut<'a> {
    FindingOut {
        code: d.code,
        severity: d.severity,
        message: &d.message,
        help: d.help.as_deref(),
        system: d.subject.as_ref().map(|s| s.system.as_str()),
        risk: d.subject.as_ref().and_then(|s| s.risk.as_deref()),
        location: place.map(location_out),
    }
}

fn location_out(p: &Place) -> LocationOut<'_> {
    LocationOut {
        file: &p.file,
        line: p.start.map(|s| s.line),
        column: p.start.map(|s| s.col),
    }
}

/// A finding, as every JSON document writes it.
#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub(super) struct FindingOut<'a> {
    code: Code,
    severity: Severity,
    message: &'a str,
    help: Option<&'a str>,
    system: Option<&'a str>,
    risk: Option<&'a str>,
    location: Option<LocationOut<'a>>,
}

/// A finding a waiver set aside, with the waiver.
#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub(super) struct WaivedOut<'a> {
    #[serde(flatten)]
    finding: FindingOut<'a>,
    waiver: WaiverOut<'a>,
}

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct WaiverOut<'a> {
    reason: &'a str,
    by: Option<&'a str>,
    /// The last day the waiver holds.
    #[schemars(extend("format" = "date"))]
    until: String,
    location: LocationOut<'a>,
}

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct LocationOut<'a> {
    file: &'a str,
    /// Null for a finding about a whole file or folder.
    #[schemars(range(min = 1))]
    line: Option<usize>,
    #[schemars(range(min = 1))]
    column: Option<usize>,
}

pub fn write(report: &CheckReport<'_>, out: &mut dyn Write) -> io::Result<()> {
    let tally = Tally::of(report.findings);
    let waived_places = waived_places(report);
    let document = Document {
        version: VERSION,
        tool: Tool {
            name: TOOL_NAME,
            version: TOOL_VERSION,
        },
        today: report.today.to_string(),
        policy: report.policy.file_name(),
        summary: Summary {
            passed: tally.errors == 0,
            errors: tally.errors,
            warnings: tally.warnings,
            notes: tally.notes,
            waived: report.waived.len(),
            risks: report.register.risks.len(),
            skipped_files: report.sources.skipped(),
        },
        findings: Findings {
            findings: report.findings,
            places: places(report),
        },
        waived: waived_out(report.waived, &waived_places),
    };
    json::write(out, &document)
}

#[cfg(test)]
mod snapshot {
    use crate::report::{CheckFormat, fixture};

    /// The shared fixture, as this format writes it.
    #[test]
    fn the_fixture() {
        insta::assert_snapshot!(fixture::check(CheckFormat::Json), @r#"
        {
          "version": 1,
          "tool": {
            "name": "opx",
            "version": "0.1.0"
          },
          "today": "2026-11-27",
          "policy": null,
          "summary": {
            "passed": false,
            "errors": 3,
            "warnings": 10,
            "notes": 1,
            "waived": 1,
            "risks": 4,
            "skipped_files": 0
          },
          "findings": [
            {
              "code": "budget-incomplete",
              "severity": "note",
              "message": "1 risk of system `checkout` has no bad-minute estimate and is left out of its budget sums",
              "help": "give risks both times as durations and a frequency to count them",
              "system": "checkout",
              "risk": null,
              "location": {
                "file": "risks/checkout.toml",
                "line": 2,
                "column": 6
              }
            },
            {
              "code": "budget-exhausted",
              "severity": "warning",
              "message": "system `checkout` has spent 150.0% of its error budget, 50.0% over",
              "help": "the budget is spent: put reliability work before features until it recovers",
              "system": "checkout",
              "risk": null,
              "location": {
                "file": "risks/checkout.toml",
                "line": 2,
                "column": 6
              }
            },
            {
              "code": "no-runbook",
              "severity": "warning",
              "message": "risk `checkout/traffic-spike` (high) has no runbook",
              "help": "add a [[risk.action]] with kind = \"respond\" and a runbook = \"...\" to follow",
              "system": "checkout",
              "risk": "traffic-spike",
              "location": {
                "file": "risks/checkout.toml",
                "line": 17,
                "column": 6
              }
            },
            {
              "code": "action-overdue",
              "severity": "warning",
              "message": "prevent action \"Autoscale workers\" of risk `checkout/traffic-spike` was due 2026-11-20 (7 days ago)",
              "help": "finish it, or ask bob for a date they can keep and update `due`",
              "system": "checkout",
              "risk": "traffic-spike",
              "location": {
                "file": "risks/checkout.toml",
                "line": 41,
                "column": 7
              }
            },
            {
              "code": "no-detection",
              "severity": "warning",
              "message": "risk `checkout/bad-deploy` (impact 4, major) has no detect action",
              "help": "add a [[risk.action]] with kind = \"detect\": an alert, a probe or a dashboard someone watches",
              "system": "checkout",
              "risk": "bad-deploy",
              "location": {
                "file": "risks/checkout.toml",
                "line": 46,
                "column": 6
              }
            },
            {
              "code": "rpo-exceeded",
              "severity": "error",
              "message": "risk `checkout/bad-deploy` would lose up to 3h of recent writes, more than its system's RPO of 1h",
              "help": "finish an action that brings its data_loss within the RPO (more frequent backups, replication), or accept the risk with [risk.accepted]",
              "system": "checkout",
              "risk": "bad-deploy",
              "location": {
                "file": "risks/checkout.toml",
                "line": 46,
                "column": 6
              }
            },
            {
              "code": "exercise-overdue",
              "severity": "warning",
              "message": "respond action \"Roll back with the deploy tool\" of risk `checkout/bad-deploy` was last exercised on 2026-03-01, due 2026-08-28 (91 days ago)",
              "help": "exercise it again (a drill, a restore test, a failover) and record the day in `exercised`",
              "system": "checkout",
              "risk": "bad-deploy",
              "location": {
                "file": "risks/checkout.toml",
                "line": 62,
                "column": 13
              }
            },
            {
              "code": "unevidenced-action",
              "severity": "warning",
              "message": "prevent action \"Announce deploys in #eng\" of risk `checkout/bad-deploy` is done but shows no evidence",
              "help": "add what it changed: likelihood = \"unlikely\" or frequency = \"1/year\" (a detect action shows evidence with its signal, a respond action with its runbook)",
              "system": "checkout",
              "risk": "bad-deploy",
              "location": {
                "file": "risks/checkout.toml",
                "line": 66,
                "column": 8
              }
            },
            {
              "code": "unmitigated",
              "severity": "error",
              "message": "risk `checkout/single-expert` (impact 4, major) has no mitigation that works",
              "help": "mend the failed action and exercise it, finish another that reduces the risk, or accept it for a time with [risk.accepted]",
              "system": "checkout",
              "risk": "single-expert",
              "location": {
                "file": "risks/checkout.toml",
                "line": 70,
                "column": 6
              }
            },
            {
              "code": "review-overdue",
              "severity": "warning",
              "message": "risk `checkout/single-expert` has never been reviewed",
              "help": "review it and record the day: reviewed = 2026-11-27",
              "system": "checkout",
              "risk": "single-expert",
              "location": {
                "file": "risks/checkout.toml",
                "line": 70,
                "column": 6
              }
            },
            {
              "code": "no-detection",
              "severity": "warning",
              "message": "risk `checkout/single-expert` (impact 4, major) has no detect action",
              "help": "add a [[risk.action]] with kind = \"detect\": an alert, a probe or a dashboard someone watches",
              "system": "checkout",
              "risk": "single-expert",
              "location": {
                "file": "risks/checkout.toml",
                "line": 70,
                "column": 6
              }
            },
            {
              "code": "estimate-missing",
              "severity": "warning",
              "message": "risk `checkout/single-expert` (high) has no bad-minute estimate",
              "help": "give it `time_to_detect` as a duration, `time_to_recover` as a duration and `frequency`",
              "system": "checkout",
              "risk": "single-expert",
              "location": {
                "file": "risks/checkout.toml",
                "line": 70,
                "column": 6
              }
            },
            {
              "code": "mitigation-failed",
              "severity": "error",
              "message": "prevent action \"Document the job\" of risk `checkout/single-expert` failed on 2026-10-10 and mitigates nothing",
              "help": "mend it and exercise it again (then set status = \"done\" and exercised), or replace it",
              "system": "checkout",
              "risk": "single-expert",
              "location": {
                "file": "risks/checkout.toml",
                "line": 80,
                "column": 13
              }
            },
            {
              "code": "estimate-exceeded",
              "severity": "warning",
              "message": "incident `INC-7` took 22m to detect, 17m more than risk `checkout/traffic-spike` estimates",
              "help": "set `time_to_detect` to what incidents show, or finish the action that makes the estimate true",
              "system": "checkout",
              "risk": "traffic-spike",
              "location": {
                "file": "risks/checkout.toml",
                "line": 93,
                "column": 18
              }
            }
          ],
          "waived": [
            {
              "code": "no-runbook",
              "severity": "warning",
              "message": "risk `checkout/single-expert` (high) has no runbook",
              "help": "add a [[risk.action]] with kind = \"respond\" and a runbook = \"...\" to follow",
              "system": "checkout",
              "risk": "single-expert",
              "location": {
                "file": "risks/checkout.toml",
                "line": 70,
                "column": 6
              },
              "waiver": {
                "reason": "A person, not a system: cross-training is the fix",
                "by": "eng-manager",
                "until": "2027-02-28",
                "location": {
                  "file": "risks/checkout.toml",
                  "line": 84,
                  "column": 8
                }
              }
            }
          ]
        }
        "#);
    }
}
