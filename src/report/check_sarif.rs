//! `opx check --format sarif`: SARIF 2.1.0 for code scanning.
//!
//! One run; one rule per diagnostic code (every code, so a rule's index
//! never changes); one result per finding. GitHub requires
//! `fullDescription` and `help` on every rule.

use serde_json::{Value, json};

use super::{CheckContext, Place, TOOL_NAME, TOOL_VERSION};
use crate::diag::{Code, Severity};

const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
const INFORMATION_URI: &str = env!("CARGO_PKG_REPOSITORY");

pub fn render(ctx: &CheckContext<'_>) -> String {
    let rules: Vec<Value> = Code::ALL.iter().map(|&code| rule(code)).collect();
    let results: Vec<Value> = ctx
        .findings
        .iter()
        .map(|d| {
            let mut result = json!({
                "ruleId": d.code.id(),
                "ruleIndex": rule_index(d.code),
                "level": level(d.severity),
                "message": { "text": match &d.help {
                    Some(help) => format!("{}\nhelp: {help}", d.message),
                    None => d.message.clone(),
                } },
            });
            if let Some(place) = Place::of(d, ctx.sources) {
                let mut physical = json!({ "artifactLocation": { "uri": uri(&place.file) } });
                if let (Some(start), Some(end)) = (place.start, place.end) {
                    physical["region"] = json!({
                        "startLine": start.line,
                        "startColumn": start.col,
                        "endLine": end.line,
                        "endColumn": end.col,
                    });
                }
                result["locations"] = json!([{ "physicalLocation": physical }]);
            }
            if let Some(subject) = &d.subject {
                result["properties"] = match &subject.risk {
                    Some(risk) => json!({ "system": subject.system, "risk": risk }),
                    None => json!({ "system": subject.system }),
                };
            }
            result
        })
        .collect();
    let document = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": TOOL_NAME,
                "version": TOOL_VERSION,
                "informationUri": INFORMATION_URI,
                "rules": rules,
            } },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    let mut out = serde_json::to_string_pretty(&document).expect("SARIF always serialises");
    out.push('\n');
    out
}

fn rule(code: Code) -> Value {
    json!({
        "id": code.id(),
        "name": rule_name(code),
        "shortDescription": { "text": code.description() },
        "fullDescription": { "text": code.explanation() },
        "help": {
            "text": code.explanation(),
            "markdown": format!("**{}**: {}", code.id(), code.explanation()),
        },
        "defaultConfiguration": { "level": level(code.default_severity()) },
    })
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
