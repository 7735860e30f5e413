//! `opx check --format sarif`: SARIF 2.1.0 for code scanning.
//!
//! One run; one rule per diagnostic code (every code, so a rule's index
//! never changes); one result per finding, written as it is made. GitHub
//! requires `fullDescription` and `help` on every rule. Keys are written
//! in alphabetical order, as a SARIF reader sees them in any order.

use std::io::{self, Write};

use serde::{Serialize, Serializer};

use super::{CheckReport, TOOL_NAME, TOOL_VERSION, json, places};
use crate::diag::{Code, Diagnostic, Severity};
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
    #[serde(serialize_with = "serialize_results")]
    results: Results<'a>,
    tool: Tool,
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
}

fn serialize_results<S: Serializer>(r: &Results<'_>, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_seq(
        r.findings
            .iter()
            .zip(&r.places)
            .map(|(d, place)| result(d, place.as_ref())),
    )
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    level: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    locations: Option<[Location; 1]>,
    message: Text,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<Properties>,
    rule_id: &'static str,
    rule_index: usize,
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
            results: Results {
                findings: report.findings,
                places: places(report),
            },
            tool: Tool {
                driver: Driver {
                    information_uri: INFORMATION_URI,
                    name: TOOL_NAME,
                    rules: Code::ALL.iter().map(|&code| rule(code)).collect(),
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
        locations: place.map(|place| {
            [Location {
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
            }]
        }),
        message: Text {
            text: match &d.help {
                Some(help) => format!("{}\nhelp: {help}", d.message),
                None => d.message.clone(),
            },
        },
        properties: d.subject.as_ref().map(|s| Properties {
            risk: s.risk.clone(),
            system: s.system.clone(),
        }),
        rule_id: d.code.id(),
        rule_index: rule_index(d.code),
    }
}

fn rule(code: Code) -> Rule {
    Rule {
        default_configuration: Configuration {
            level: level(code.default_severity()),
        },
        full_description: Text {
            text: code.explanation().to_string(),
        },
        help: Help {
            markdown: format!("**{}**: {}", code.id(), code.explanation()),
            text: code.explanation(),
        },
        id: code.id(),
        name: rule_name(code),
        short_description: Text {
            text: code.description().to_string(),
        },
    }
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
                    "endColumn": 21,
                    "endLine": 16,
                    "startColumn": 6,
                    "startLine": 16
                  }
                }
              }
            ],
            "message": {
              "text": "risk `checkout/traffic-spike` (high) has no runbook\nhelp: add a [[risk.action]] with kind = \"respond\" and a runbook = \"...\" to follow"
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
                    "endLine": 39,
                    "startColumn": 7,
                    "startLine": 39
                  }
                }
              }
            ],
            "message": {
              "text": "prevent action \"Autoscale workers\" of risk `checkout/traffic-spike` was due 2026-11-20 (7 days ago)\nhelp: finish it, or ask bob for a date they can keep and update `due`"
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
                    "endLine": 44,
                    "startColumn": 6,
                    "startLine": 44
                  }
                }
              }
            ],
            "message": {
              "text": "risk `checkout/bad-deploy` (impact 4, major) has no detect action\nhelp: add a [[risk.action]] with kind = \"detect\": an alert, a probe or a dashboard someone watches"
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
                    "endColumn": 21,
                    "endLine": 61,
                    "startColumn": 6,
                    "startLine": 61
                  }
                }
              }
            ],
            "message": {
              "text": "risk `checkout/single-expert` (impact 4, major) has no mitigation\nhelp: finish an action that reduces it (status = \"done\"), or accept it for a time with [risk.accepted]"
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
                    "endLine": 61,
                    "startColumn": 6,
                    "startLine": 61
                  }
                }
              }
            ],
            "message": {
              "text": "risk `checkout/single-expert` has never been reviewed\nhelp: review it and record the day: reviewed = 2026-11-27"
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
                    "endLine": 61,
                    "startColumn": 6,
                    "startLine": 61
                  }
                }
              }
            ],
            "message": {
              "text": "risk `checkout/single-expert` (impact 4, major) has no detect action\nhelp: add a [[risk.action]] with kind = \"detect\": an alert, a probe or a dashboard someone watches"
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
                    "endLine": 61,
                    "startColumn": 6,
                    "startLine": 61
                  }
                }
              }
            ],
            "message": {
              "text": "risk `checkout/single-expert` (high) has no runbook\nhelp: add a [[risk.action]] with kind = \"respond\" and a runbook = \"...\" to follow"
            },
            "properties": {
              "risk": "single-expert",
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
                    "endColumn": 21,
                    "endLine": 61,
                    "startColumn": 6,
                    "startLine": 61
                  }
                }
              }
            ],
            "message": {
              "text": "risk `checkout/single-expert` (high) has no bad-minute estimate\nhelp: give it `time_to_detect` as a duration, `time_to_recover` as a duration and `frequency`"
            },
            "properties": {
              "risk": "single-expert",
              "system": "checkout"
            },
            "ruleId": "estimate-missing",
            "ruleIndex": 35
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
                    "endLine": 71,
                    "startColumn": 18,
                    "startLine": 71
                  }
                }
              }
            ],
            "message": {
              "text": "incident `INC-7` took 22m to detect, 17m more than risk `checkout/traffic-spike` estimates\nhelp: set `time_to_detect` to what incidents show, or finish the action that makes the estimate true"
            },
            "properties": {
              "risk": "traffic-spike",
              "system": "checkout"
            },
            "ruleId": "estimate-exceeded",
            "ruleIndex": 30
          }
        ]
        "#);
    }
}
