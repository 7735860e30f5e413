//! `opx check --format sarif`: SARIF 2.1.0 for code scanning.
//!
//! One run; one rule per diagnostic code (every code, so a rule's index
//! never changes); one result per finding, written as it is made. GitHub
//! requires `fullDescription` and `help` on every rule. Keys are written
//! in alphabetical order, as a SARIF reader sees them in any order.

use std::io::{self, Write};

use serde::{Serialize, Serializer};

use super::{CheckReport, TOOL_NAME, TOOL_VERSION, json, places, waived_places};
use crate::check::Waived;
use crate::diag::{Code, CodeKind, Diagnostic, Severity};
use crate::policy::Policy;
use crate::register::model::Waiver;
use crate::source::Place;

const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
/// Where to read about opx: its repository, when the crate names one.
const INFORMATION_URI: &str = env!("CARGO_PKG_REPOSITORY");

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    runs: [Run<'a>; 1],
    version: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    column_kind: &'static str,
    properties: RunProperties,
    #[serde(serialize_with = "serialize_results")]
    results: Results<'a>,
    tool: Tool,
}

#[derive(Serialize)]
struct RunProperties {
    /// The policy file the gate ran under; null for the defaults.
    policy: Option<String>,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    #[serde(skip_serializing_if = "str::is_empty")]
    information_uri: &'static str,
    name: &'static str,
    rules: Vec<Rule>,
    version: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    default_configuration: Configuration,
    full_description: Text,
    help: Help,
    id: &'static str,
    name: String,
    short_description: Text,
}

#[derive(Serialize)]
struct Configuration {
    /// False for a rule the policy allows (turns off).
    enabled: bool,
    level: &'static str,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Help {
    markdown: String,
    text: &'static str,
}

struct Results<'a> {
    findings: &'a [Diagnostic],
    places: Vec<Option<Place>>,
    waived: &'a [Waived],
    waived_places: Vec<(Option<Place>, Place)>,
}

/// The findings that count, then those a waiver set aside, each with
/// its suppression.
fn serialize_results<S: Serializer>(r: &Results<'_>, serializer: S) -> Result<S::Ok, S::Error> {
    let counted = r
        .findings
        .iter()
        .zip(&r.places)
        .map(|(d, place)| result(d, place.as_ref()));
    let waived = r
        .waived
        .iter()
        .zip(&r.waived_places)
        .map(|(w, (place, at))| {
            let mut result = result(&w.finding, place.as_ref());
            result.suppressions = Some([suppression(&w.waiver, at)]);
            result
        });
    serializer.collect_seq(counted.chain(waived))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    level: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    locations: Option<[Location; 1]>,
    message: Text,
    /// What names the finding when its lines move: system, risk, rule
    /// and, where a rule fires more than once for a risk, which part.
    #[serde(skip_serializing_if = "Option::is_none")]
    partial_fingerprints: Option<Fingerprints>,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<Properties>,
    rule_id: &'static str,
    rule_index: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    suppressions: Option<[Suppression; 1]>,
}

#[derive(Serialize)]
struct Fingerprints {
    #[serde(rename = "opxFinding/v1")]
    finding: String,
}

/// A waiver, written in the register: an in-source suppression.
#[derive(Serialize)]
struct Suppression {
    justification: String,
    kind: &'static str,
    location: Location,
    properties: SuppressionProperties,
    status: &'static str,
}

#[derive(Serialize)]
struct SuppressionProperties {
    #[serde(skip_serializing_if = "Option::is_none")]
    by: Option<String>,
    until: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
struct ArtifactLocation {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    end_column: usize,
    end_line: usize,
    start_column: usize,
    start_line: usize,
}

#[derive(Serialize)]
struct Properties {
    #[serde(skip_serializing_if = "Option::is_none")]
    risk: Option<String>,
    system: String,
}

pub fn write(report: &CheckReport<'_>, out: &mut dyn Write) -> io::Result<()> {
    let log = Log {
        schema: SCHEMA,
        runs: [Run {
            column_kind: "unicodeCodePoints",
            properties: RunProperties {
                policy: report.policy.file_name(),
            },
            results: Results {
                findings: report.findings,
                places: places(report),
                waived: report.waived,
                waived_places: waived_places(report),
            },
            tool: Tool {
                driver: Driver {
                    information_uri: INFORMATION_URI,
                    name: TOOL_NAME,
                    rules: Code::ALL
                        .iter()
                        .map(|&code| rule(code, report.policy))
                        .collect(),
                    version: TOOL_VERSION,
                },
            },
        }],
        version: "2.1.0",
    };
    json::write(out, &log)
}

fn result(d: &Diagnostic, place: Option<&Place>) -> SarifResult {
    SarifResult {
        level: level(d.severity),
        locations: place.map(|place| [location(place)]),
        message: Text {
            text: match &d.help {
                Some(help) => format!("{}\nhelp: {help}", d.message),
                None => d.message.clone(),
            },
        },
        partial_fingerprints: d.subject.as_ref().map(|s| Fingerprints {
            finding: s.key(d.code),
        }),
        properties: d.subject.as_ref().map(|s| Properties {
            risk: s.risk.clone(),
            system: s.system.clone(),
        }),
        rule_id: d.code.id(),
        rule_index: rule_index(d.code),
        suppressions: None,
    }
}

fn location(place: &Place) -> Location {
    Location {
        physical_location: PhysicalLocation {
            artifact_location: ArtifactLocation {
                uri: uri(&place.file),
            },
            region: place.start.zip(place.end).map(|(start, end)| Region {
                end_column: end.col,
                end_line: end.line,
                start_column: start.col,
                start_line: start.line,
            }),
        },
    }
}

fn suppression(waiver: &Waiver, at: &Place) -> Suppression {
    Suppression {
        justification: waiver.reason.clone(),
        kind: "inSource",
        location: location(at),
        properties: SuppressionProperties {
            by: waiver.by.clone(),
            until: waiver.until.value.to_string(),
        },
        status: "accepted",
    }
}

/// A rule as the run's policy sets it: its level after `[rules]` and
/// `deny_warnings`, or turned off.
fn rule(code: Code, policy: &Policy) -> Rule {
    let severity = policy.severity(code);
    Rule {
        default_configuration: Configuration {
            enabled: severity.is_some(),
            level: severity.map_or("none", level),
        },
        full_description: Text {
            text: code.explanation().to_string(),
        },
        help: Help {
            markdown: help_markdown(code),
            text: code.explanation(),
        },
        id: code.id(),
        name: rule_name(code),
        short_description: Text {
            text: code.description().to_string(),
        },
    }
}

/// What code scanning shows under a rule: what it finds, why, and how a
/// team may tune it.
fn help_markdown(code: Code) -> String {
    let tuning = match code.kind() {
        // Found by `opx measure` against Prometheus; never by the gate.
        _ if matches!(
            code,
            Code::MeasureFailed | Code::SignalMissing | Code::SignalBroken
        ) =>
        {
            "Reported by `opx measure`, which reads Prometheus; `opx check` judges the register offline and never reports it."
        }
        // A note about reading (a link skipped): the rest was read.
        CodeKind::Input if code.default_severity() == crate::diag::Severity::Note => {
            "The rest of the register is read and judged; no policy changes this note."
        }
        CodeKind::Input => {
            "The register cannot be read until this is fixed; no policy changes that."
        }
        CodeKind::Oversight => {
            "A team may set its level in `opx.toml` (`[rules]`, `allow`, `warn` or `error`); no waiver sets it aside, as it keeps waivers and acceptances honest."
        }
        CodeKind::Guard => {
            "This rule cannot be lowered or waived: a risk leaves it by a done action, or by an explicit acceptance with a reason and an end date under `[risk.accepted]`."
        }
        CodeKind::Rule => {
            "A team may set its level in `opx.toml` (`[rules]`, `allow`, `warn` or `error`), or set it aside for one risk, with a reason and an end date, under `[[risk.waive]]`."
        }
    };
    format!(
        "**{}**: {}.\n\n{}\n\n{tuning}",
        code.id(),
        code.description(),
        code.explanation()
    )
}

fn rule_index(code: Code) -> usize {
    Code::ALL
        .iter()
        .position(|&c| c == code)
        .expect("every code is in Code::ALL")
}

/// `acceptance-expired` → `AcceptanceExpired`, the form SARIF names take.
fn rule_name(code: Code) -> String {
    code.id()
        .split('-')
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect()
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

/// A relative reference for a path as the user gave it (so it resolves
/// against the working directory, as code scanning expects), or a
/// `file://` URI for an absolute one; bytes outside the unreserved set
/// are percent-encoded.
fn uri(path: &str) -> String {
    let mut out = String::new();
    if path.starts_with('/') {
        out.push_str("file://");
    }
    for byte in path.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_relative_references_or_file_uris() {
        assert_eq!(uri("risks/a b.toml"), "risks/a%20b.toml");
        assert_eq!(uri("/srv/risks/ü.toml"), "file:///srv/risks/%C3%BC.toml");
        assert_eq!(uri("../x#1.toml"), "../x%231.toml");
    }

    #[test]
    fn rule_names_are_pascal_case() {
        assert_eq!(rule_name(Code::AcceptanceExpired), "AcceptanceExpired");
        assert_eq!(rule_name(Code::Io), "Io");
    }
}

#[cfg(test)]
mod snapshot {
    use crate::report::{CheckFormat, fixture};

    /// The results of the shared fixture, as this format writes them (the
    /// rules are the same in every run).
    #[test]
    fn the_fixture() {
        let log: serde_json::Value =
            serde_json::from_str(&fixture::check(CheckFormat::Sarif)).unwrap();
        let results = serde_json::to_string_pretty(&log["runs"][0]["results"]).unwrap();
        insta::assert_snapshot!(results, @r#"
        [
          {
            "level": "note",
            "locations": [
              {
                "physicalLocation": {
                  "artifactLocation": {
                    "uri": "risks/checkout.toml"
                  },
                  "region": {
                    "endColumn": 16,
                    "endLine": 2,
                    "startColumn": 6,
                    "startLine": 2
                  }
                }
              }
            ],
            "message": {
              "text": "1 risk of system `checkout` has no bad-minute estimate and is left out of its budget sums\nhelp: give risks both times as durations and a frequency to count them"
            },
            "partialFingerprints": {
              "opxFinding/v1": "checkout/budget-incomplete"
            },
            "properties": {
              "system": "checkout"
            },
            "ruleId": "budget-incomplete",
            "ruleIndex": 36
          },
          {
            "level": "warning",
            "locations": [
              {
                "physicalLocation": {
                  "artifactLocation": {
                    "uri": "risks/checkout.toml"
                  },
                  "region": {
                    "endColumn": 16,
                    "endLine": 2,
                    "startColumn": 6,
                    "startLine": 2
                  }
                }
              }
            ],
            "message": {
              "text": "system `checkout` has spent 150.0% of its error budget, 50.0% over\nhelp: the budget is spent: put reliability work before features until it recovers"
            },
            "partialFingerprints": {
              "opxFinding/v1": "checkout/budget-exhausted"
            },
            "properties": {
              "system": "checkout"
            },
            "ruleId": "budget-exhausted",
            "ruleIndex": 55
          },
          {
            "level": "warning",
            "locations": [
              {
                "physicalLocation": {
                  "artifactLocation": {
                    "uri": "risks/checkout.toml"
                  },
                  "region": {
                    "endColumn": 21,
                    "endLine": 17,
                    "startColumn": 6,
                    "startLine": 17
                  }
                }
              }
            ],
            "message": {
              "text": "risk `checkout/traffic-spike` (high) has no runbook\nhelp: add a [[risk.action]] with kind = \"respond\" and a runbook = \"...\" to follow"
            },
            "partialFingerprints": {
              "opxFinding/v1": "checkout/traffic-spike/no-runbook"
            },
            "properties": {
              "risk": "traffic-spike",
              "system": "checkout"
            },
            "ruleId": "no-runbook",
            "ruleIndex": 32
          },
          {
            "level": "warning",
            "locations": [
              {
                "physicalLocation": {
                  "artifactLocation": {
                    "uri": "risks/checkout.toml"
                  },
                  "region": {
                    "endColumn": 17,
                    "endLine": 41,
                    "startColumn": 7,
                    "startLine": 41
                  }
                }
              }
            ],
            "message": {
              "text": "prevent action \"Autoscale workers\" of risk `checkout/traffic-spike` was due 2026-11-20 (7 days ago)\nhelp: finish it, or ask bob for a date they can keep and update `due`"
            },
            "partialFingerprints": {
              "opxFinding/v1": "checkout/traffic-spike/action-overdue/action:Autoscale workers"
            },
            "properties": {
              "risk": "traffic-spike",
              "system": "checkout"
            },
            "ruleId": "action-overdue",
            "ruleIndex": 26
          },
          {
            "level": "warning",
            "locations": [
              {
                "physicalLocation": {
                  "artifactLocation": {
                    "uri": "risks/checkout.toml"
                  },
                  "region": {
                    "endColumn": 18,
                    "endLine": 46,
                    "startColumn": 6,
                    "startLine": 46
                  }
                }
              }
            ],
            "message": {
              "text": "risk `checkout/bad-deploy` (impact 4, major) has no detect action\nhelp: add a [[risk.action]] with kind = \"detect\": an alert, a probe or a dashboard someone watches"
            },
            "partialFingerprints": {
              "opxFinding/v1": "checkout/bad-deploy/no-detection"
            },
            "properties": {
              "risk": "bad-deploy",
              "system": "checkout"
            },
            "ruleId": "no-detection",
            "ruleIndex": 28
          },
          {
            "level": "error",
            "locations": [
              {
                "physicalLocation": {
                  "artifactLocation": {
                    "uri": "risks/checkout.toml"
                  },
                  "region": {
                    "endColumn": 18,
                    "endLine": 46,
                    "startColumn": 6,
                    "startLine": 46
                  }
                }
              }
            ],
            "message": {
              "text": "risk `checkout/bad-deploy` would lose up to 3h of recent writes, more than its system's RPO of 1h\nhelp: finish an action that brings its data_loss within the RPO (more frequent backups, replication), or accept the risk with [risk.accepted]"
            },
            "partialFingerprints": {
              "opxFinding/v1": "checkout/bad-deploy/rpo-exceeded"
            },
            "properties": {
              "risk": "bad-deploy",
              "system": "checkout"
            },
            "ruleId": "rpo-exceeded",
            "ruleIndex": 54
          },
          {
            "level": "warning",
            "locations": [
              {
                "physicalLocation": {
                  "artifactLocation": {
                    "uri": "risks/checkout.toml"
                  },
                  "region": {
                    "endColumn": 23,
                    "endLine": 62,
                    "startColumn": 13,
                    "startLine": 62
                  }
                }
              }
            ],
            "message": {
              "text": "respond action \"Roll back with the deploy tool\" of risk `checkout/bad-deploy` was last exercised on 2026-03-01, due 2026-08-28 (91 days ago)\nhelp: exercise it again (a drill, a restore test, a failover) and record the day in `exercised`"
            },
            "partialFingerprints": {
              "opxFinding/v1": "checkout/bad-deploy/exercise-overdue/action:Roll back with the deploy tool"
            },
            "properties": {
              "risk": "bad-deploy",
              "system": "checkout"
            },
            "ruleId": "exercise-overdue",
            "ruleIndex": 51
          },
          {
            "level": "warning",
            "locations": [
              {
                "physicalLocation": {
                  "artifactLocation": {
                    "uri": "risks/checkout.toml"
                  },
                  "region": {
                    "endColumn": 34,
                    "endLine": 66,
                    "startColumn": 8,
                    "startLine": 66
                  }
                }
              }
            ],
            "message": {
              "text": "prevent action \"Announce deploys in #eng\" of risk `checkout/bad-deploy` is done but shows no evidence\nhelp: add what it changed: likelihood = \"unlikely\" or frequency = \"1/year\" (a detect action shows evidence with its signal, a respond action with its runbook)"
            },
            "partialFingerprints": {
              "opxFinding/v1": "checkout/bad-deploy/unevidenced-action/action:Announce deploys in #eng"
            },
            "properties": {
              "risk": "bad-deploy",
              "system": "checkout"
            },
            "ruleId": "unevidenced-action",
            "ruleIndex": 38
          },
          {
            "level": "error",
            "locations": [
              {
                "physicalLocation": {
                  "artifactLocation": {
                    "uri": "risks/checkout.toml"
                  },
                  "region": {
                    "endColumn": 21,
                    "endLine": 70,
                    "startColumn": 6,
                    "startLine": 70
                  }
                }
              }
            ],
            "message": {
              "text": "risk `checkout/single-expert` (impact 4, major) has no mitigation that works\nhelp: mend the failed action and exercise it, finish another that reduces the risk, or accept it for a time with [risk.accepted]"
            },
            "partialFingerprints": {
              "opxFinding/v1": "checkout/single-expert/unmitigated"
            },
            "properties": {
              "risk": "single-expert",
              "system": "checkout"
            },
            "ruleId": "unmitigated",
            "ruleIndex": 21
          },
          {
            "level": "warning",
            "locations": [
              {
                "physicalLocation": {
                  "artifactLocation": {
                    "uri": "risks/checkout.toml"
                  },
                  "region": {
                    "endColumn": 21,
                    "endLine": 70,
                    "startColumn": 6,
                    "startLine": 70
                  }
                }
              }
            ],
            "message": {
              "text": "risk `checkout/single-expert` has never been reviewed\nhelp: review it and record the day: reviewed = 2026-11-27"
            },
            "partialFingerprints": {
              "opxFinding/v1": "checkout/single-expert/review-overdue"
            },
            "properties": {
              "risk": "single-expert",
              "system": "checkout"
            },
            "ruleId": "review-overdue",
            "ruleIndex": 27
          },
          {
            "level": "warning",
            "locations": [
              {
                "physicalLocation": {
                  "artifactLocation": {
                    "uri": "risks/checkout.toml"
                  },
                  "region": {
                    "endColumn": 21,
                    "endLine": 70,
                    "startColumn": 6,
                    "startLine": 70
                  }
                }
              }
            ],
            "message": {
              "text": "risk `checkout/single-expert` (impact 4, major) has no detect action\nhelp: add a [[risk.action]] with kind = \"detect\": an alert, a probe or a dashboard someone watches"
            },
            "partialFingerprints": {
              "opxFinding/v1": "checkout/single-expert/no-detection"
            },
            "properties": {
              "risk": "single-expert",
              "system": "checkout"
            },
            "ruleId": "no-detection",
            "ruleIndex": 28
          },
          {
            "level": "warning",
            "locations": [
              {
                "physicalLocation": {
                  "artifactLocation": {
                    "uri": "risks/checkout.toml"
                  },
                  "region": {
                    "endColumn": 21,
                    "endLine": 70,
                    "startColumn": 6,
                    "startLine": 70
                  }
                }
              }
            ],
            "message": {
              "text": "risk `checkout/single-expert` (high) has no bad-minute estimate\nhelp: give it `time_to_detect` as a duration, `time_to_recover` as a duration and `frequency`"
            },
            "partialFingerprints": {
              "opxFinding/v1": "checkout/single-expert/estimate-missing"
            },
            "properties": {
              "risk": "single-expert",
              "system": "checkout"
            },
            "ruleId": "estimate-missing",
            "ruleIndex": 35
          },
          {
            "level": "error",
            "locations": [
              {
                "physicalLocation": {
                  "artifactLocation": {
                    "uri": "risks/checkout.toml"
                  },
                  "region": {
                    "endColumn": 23,
                    "endLine": 80,
                    "startColumn": 13,
                    "startLine": 80
                  }
                }
              }
            ],
            "message": {
              "text": "prevent action \"Document the job\" of risk `checkout/single-expert` failed on 2026-10-10 and mitigates nothing\nhelp: mend it and exercise it again (then set status = \"done\" and exercised), or replace it"
            },
            "partialFingerprints": {
              "opxFinding/v1": "checkout/single-expert/mitigation-failed/action:Document the job"
            },
            "properties": {
              "risk": "single-expert",
              "system": "checkout"
            },
            "ruleId": "mitigation-failed",
            "ruleIndex": 53
          },
          {
            "level": "warning",
            "locations": [
              {
                "physicalLocation": {
                  "artifactLocation": {
                    "uri": "risks/checkout.toml"
                  },
                  "region": {
                    "endColumn": 23,
                    "endLine": 93,
                    "startColumn": 18,
                    "startLine": 93
                  }
                }
              }
            ],
            "message": {
              "text": "incident `INC-7` took 22m to detect, 17m more than risk `checkout/traffic-spike` estimates\nhelp: set `time_to_detect` to what incidents show, or finish the action that makes the estimate true"
            },
            "partialFingerprints": {
              "opxFinding/v1": "checkout/traffic-spike/estimate-exceeded/incident:INC-7/detect"
            },
            "properties": {
              "risk": "traffic-spike",
              "system": "checkout"
            },
            "ruleId": "estimate-exceeded",
            "ruleIndex": 30
          },
          {
            "level": "warning",
            "locations": [
              {
                "physicalLocation": {
                  "artifactLocation": {
                    "uri": "risks/checkout.toml"
                  },
                  "region": {
                    "endColumn": 21,
                    "endLine": 70,
                    "startColumn": 6,
                    "startLine": 70
                  }
                }
              }
            ],
            "message": {
              "text": "risk `checkout/single-expert` (high) has no runbook\nhelp: add a [[risk.action]] with kind = \"respond\" and a runbook = \"...\" to follow"
            },
            "partialFingerprints": {
              "opxFinding/v1": "checkout/single-expert/no-runbook"
            },
            "properties": {
              "risk": "single-expert",
              "system": "checkout"
            },
            "ruleId": "no-runbook",
            "ruleIndex": 32,
            "suppressions": [
              {
                "justification": "A person, not a system: cross-training is the fix",
                "kind": "inSource",
                "location": {
                  "physicalLocation": {
                    "artifactLocation": {
                      "uri": "risks/checkout.toml"
                    },
                    "region": {
                      "endColumn": 20,
                      "endLine": 84,
                      "startColumn": 8,
                      "startLine": 84
                    }
                  }
                },
                "properties": {
                  "by": "eng-manager",
                  "until": "2027-02-28"
                },
                "status": "accepted"
              }
            ]
          }
        ]
        "#);
    }
}
