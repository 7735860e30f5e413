//! The JSON Schemas of the TOML opx reads, the register's and the
//! policy's, built from the tables that describe them
//! (`crate::register::format`, `crate::policy::POLICY`).

use serde_json::{Map, Value, json};

use crate::register::format::{FILE, Key, Need, Table, Value as Kind};
use crate::scale::Scale;

const DURATION: &str = r"^\s*([0-9]+(\.[0-9]+)?\s*[smhdwy]\s*)+$";
const PERCENT: &str = r"^\s*(100(\.0+)?|[0-9]{1,2}(\.[0-9]+)?)\s*%\s*$";
const FREQUENCY: &str = r"^\s*([0-9]+(\.[0-9]+)?\s*/\s*(year|yr|y|month|week|day)|every\s+([0-9]+(\.[0-9]+)?\s*[smhdwy]\s*)+)\s*$";

/// A value's pattern, or two of them as a range: `low..high`.
fn estimate(one: &str) -> String {
    let inner = one.trim_start_matches('^').trim_end_matches('$');
    format!("^(?:{inner})(?:\\.\\.(?:{inner}))?$")
}

/// The schema of a register file.
pub(super) fn schema() -> Value {
    document("opx risk register, format version 1", &FILE)
}

/// The schema of `opx.toml`.
pub(super) fn policy() -> Value {
    document("opx policy (opx.toml)", &crate::policy::POLICY)
}

fn document(title: &str, format: &Table) -> Value {
    let mut root = Map::new();
    root.insert(
        "$schema".into(),
        json!("http://json-schema.org/draft-07/schema#"),
    );
    root.insert("title".into(), json!(title));
    root.extend(table(format));
    Value::Object(root)
}

fn table(table: &Table) -> Map<String, Value> {
    let mut schema = Map::new();
    schema.insert("description".into(), json!(table.description));
    schema.insert("type".into(), json!("object"));
    schema.insert("additionalProperties".into(), json!(false));
    let required: Vec<&str> = table
        .keys
        .iter()
        .filter(|k| k.need == Need::Required)
        .map(|k| k.name)
        .collect();
    if !required.is_empty() {
        schema.insert("required".into(), json!(required));
    }
    // A key required unless another gives it: one of the two is.
    let either: Vec<Value> = table
        .keys
        .iter()
        .filter_map(|k| match k.need {
            Need::Unless(other) => Some(json!({
                "anyOf": [{ "required": [k.name] }, { "required": [other] }]
            })),
            _ => None,
        })
        .collect();
    if !either.is_empty() {
        schema.insert("allOf".into(), json!(either));
    }
    let properties: Map<String, Value> = table
        .keys
        .iter()
        .map(|k| (k.name.to_string(), key(k)))
        .collect();
    schema.insert("properties".into(), Value::Object(properties));
    schema
}

fn key(key: &Key) -> Value {
    let mut schema = match value(&key.value) {
        Value::Object(map) => map,
        _ => unreachable!("every value's schema is an object"),
    };
    schema.insert("description".into(), json!(key.description));
    Value::Object(schema)
}

fn value(kind: &Kind) -> Value {
    let pattern = |p: &str| json!({ "type": "string", "pattern": p });
    match kind {
        Kind::Id => json!({
            "type": "string",
            "pattern": "^[a-z0-9-]+$",
            "maxLength": crate::diag::MAX_NAME_CHARS,
        }),
        Kind::Text => json!({ "type": "string", "minLength": 1 }),
        Kind::Texts => json!({ "type": "array", "items": { "type": "string", "minLength": 1 } }),
        Kind::Choice(words, default) => {
            let mut schema = json!({ "type": "string", "enum": words });
            if let Some(default) = default {
                schema["default"] = json!(default);
            }
            schema
        }
        Kind::Level(scale) => {
            let words: Vec<&str> = scale.word_lists().iter().flatten().copied().collect();
            json!({ "anyOf": [
                { "type": "integer", "minimum": 1, "maximum": 5 },
                { "type": "string", "enum": words },
            ] })
        }
        Kind::Time => json!({ "anyOf": [
            { "type": "string", "pattern": estimate(DURATION) },
            { "type": "string", "enum": Scale::Time.word_lists()[0] },
        ] }),
        Kind::Duration => pattern(DURATION),
        Kind::Latency => pattern(r"^\s*([0-9]+\s*ms|([0-9]+(\.[0-9]+)?\s*[smhdwy]\s*)+)\s*$"),
        Kind::Cadence => pattern(r"^\s*([0-9]+(\.[0-9]+)?\s*[dwy]\s*)+$"),
        Kind::Percent => pattern(PERCENT),
        Kind::Share => pattern(&estimate(PERCENT)),
        Kind::Availability => pattern(r"^\s*[0-9]{1,2}(\.[0-9]+)?\s*%\s*$"),
        Kind::Frequency => pattern(&estimate(FREQUENCY)),
        Kind::Rate => pattern(r"^\s*[0-9]+(\.[0-9]+)?\s*/\s*(s|min|m|h)\s*$"),
        Kind::AddedDuration => pattern(r"^\s*\+\s*([0-9]+(\.[0-9]+)?\s*[smhdwy]\s*)+$"),
        Kind::AddedPercent => pattern(r"^\s*\+\s*(100(\.0+)?|[0-9]{1,2}(\.[0-9]+)?)\s*%\s*$"),
        Kind::Date => json!({ "type": "string", "format": "date" }),
        Kind::Boolean(default) => json!({ "type": "boolean", "default": default }),
        Kind::Count => json!({ "type": "number", "minimum": 0 }),
        Kind::Fraction => json!({ "type": "number", "exclusiveMinimum": 0, "maximum": 1 }),
        Kind::Rule => {
            let rules: Vec<&str> = crate::diag::Code::ALL
                .iter()
                .filter(|c| c.waivable())
                .map(|c| c.id())
                .collect();
            json!({ "type": "string", "enum": rules })
        }
        Kind::DataLoss => json!({ "anyOf": [
            { "type": "string", "pattern": estimate(DURATION) },
            { "type": "string", "enum": ["none"] },
        ] }),
        Kind::ActionRefs => json!({
            "type": "array",
            "items": {
                "type": "string",
                "pattern": "^[^/]+/[^/]+(/[^/]+)?$"
            }
        }),
        Kind::RiskRefs => json!({
            "type": "array",
            "minItems": 1,
            "items": { "type": "string", "minLength": 1 }
        }),
        Kind::RuleLevels => {
            let rules: Vec<&str> = crate::diag::Code::ALL
                .iter()
                .filter(|c| c.kind() != crate::diag::CodeKind::Input)
                .map(|c| c.id())
                .collect();
            json!({
                "type": "object",
                "propertyNames": { "enum": rules },
                "additionalProperties": { "type": "string", "enum": ["allow", "warn", "error"] }
            })
        }
        Kind::BandGrid => json!({
            "type": "array",
            "minItems": 5,
            "maxItems": 5,
            "items": {
                "type": "array",
                "minItems": 5,
                "maxItems": 5,
                "items": { "type": "string", "minLength": 1 }
            }
        }),
        Kind::Table(t) => Value::Object(table(t)),
        Kind::Tables(t) => json!({ "type": "array", "items": Value::Object(table(t)) }),
    }
}
