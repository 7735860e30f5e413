//! `opx check --format json`: the findings as a versioned document.
//!
//! Its types are also its JSON Schema (`opx schema check-report`), so the
//! published shape cannot drift from what is written.

use std::io::{self, Write};

use schemars::JsonSchema;
use serde::{Serialize, Serializer};

use super::{CheckReport, TOOL_NAME, TOOL_VERSION, places};
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
    summary: Summary,
    /// Input errors (the register could not be read) or the gate's findings.
    #[serde(serialize_with = "serialize_findings")]
    #[schemars(with = "Vec<FindingOut<'static>>")]
    findings: Findings<'a>,
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
    risks: usize,
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
            .map(|(d, place)| FindingOut {
                code: d.code,
                severity: d.severity,
                message: &d.message,
                help: d.help.as_deref(),
                system: d.subject.as_ref().map(|s| s.system.as_str()),
                risk: d.subject.as_ref().and_then(|s| s.risk.as_deref()),
                location: place.as_ref().map(|p| LocationOut {
                    file: &p.file,
                    line: p.start.map(|s| s.line),
                    column: p.start.map(|s| s.col),
                }),
            }),
    )
}

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct FindingOut<'a> {
    code: Code,
    severity: Severity,
    message: &'a str,
    help: Option<&'a str>,
    system: Option<&'a str>,
    risk: Option<&'a str>,
    location: Option<LocationOut<'a>>,
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
    let document = Document {
        version: VERSION,
        tool: Tool {
            name: TOOL_NAME,
            version: TOOL_VERSION,
        },
        today: report.today.to_string(),
        summary: Summary {
            passed: tally.errors == 0,
            errors: tally.errors,
            warnings: tally.warnings,
            notes: tally.notes,
            risks: report.register.risks.len(),
        },
        findings: Findings {
            findings: report.findings,
            places: places(report),
        },
    };
    serde_json::to_writer_pretty(&mut *out, &document)?;
    writeln!(out)
}
