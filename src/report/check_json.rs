//! `opx check --format json`: the findings as a versioned document.
//!
//! Its shape is published as a JSON Schema (`opx schema check-report`).

use serde::Serialize;

use super::{CheckContext, Place, TOOL_NAME, TOOL_VERSION};
use crate::diag::Tally;

pub const VERSION: u32 = 1;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    tool: Tool,
    today: String,
    summary: Summary,
    findings: Vec<Finding<'a>>,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Summary {
    passed: bool,
    errors: usize,
    warnings: usize,
    notes: usize,
    risks: usize,
}

#[derive(Serialize)]
struct Finding<'a> {
    code: &'static str,
    severity: &'static str,
    message: &'a str,
    help: Option<&'a str>,
    system: Option<&'a str>,
    risk: Option<&'a str>,
    location: Option<LocationOut>,
}

#[derive(Serialize)]
struct LocationOut {
    file: String,
    line: Option<usize>,
    column: Option<usize>,
}

pub fn render(ctx: &CheckContext<'_>) -> String {
    let tally = Tally::of(ctx.findings);
    let document = Document {
        version: VERSION,
        tool: Tool {
            name: TOOL_NAME,
            version: TOOL_VERSION,
        },
        today: ctx.today.to_string(),
        summary: Summary {
            passed: tally.errors == 0,
            errors: tally.errors,
            warnings: tally.warnings,
            notes: tally.notes,
            risks: ctx.register.risks.len(),
        },
        findings: ctx
            .findings
            .iter()
            .map(|d| Finding {
                code: d.code.id(),
                severity: d.severity.name(),
                message: &d.message,
                help: d.help.as_deref(),
                system: d.subject.as_ref().map(|s| s.system.as_str()),
                risk: d.subject.as_ref().and_then(|s| s.risk.as_deref()),
                location: Place::of(d, ctx.sources).map(|p| LocationOut {
                    file: p.file,
                    line: p.start.map(|s| s.line),
                    column: p.start.map(|s| s.col),
                }),
            })
            .collect(),
    };
    let mut out =
        serde_json::to_string_pretty(&document).expect("a check document always serialises");
    out.push('\n');
    out
}
