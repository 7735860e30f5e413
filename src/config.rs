//! `opx.toml`: the team's gate policy, kept beside the register.
//!
//! ```toml
//! fail_impact = 4            # open risks of this impact or more fail `opx check`
//! deny_warnings = false      # warnings fail it too
//! single_risk_share = 0.25   # the share of an error budget one risk may use
//! max_open_bugs = 20         # `opx assess` thresholds for the measured baseline
//! max_pages_per_week = 5
//! max_toil_hours_per_week = 10
//! ```
//!
//! It is read with the same located diagnostics as a register file.

use std::path::PathBuf;

use toml::de::DeTable;

use crate::diag::Diagnostic;
use crate::register::fields::{Fields, Sink};
use crate::scale::{Level, Scale};
use crate::source::Sources;

const KEYS: &[&str] = &[
    "fail_impact",
    "deny_warnings",
    "single_risk_share",
    "max_open_bugs",
    "max_pages_per_week",
    "max_toil_hours_per_week",
];

/// The policy settings a config file sets; `None` keeps the default.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Config {
    pub fail_impact: Option<Level>,
    pub deny_warnings: Option<bool>,
    pub single_risk_share: Option<f64>,
    pub thresholds: Thresholds,
}

/// Limits a team sets on its measured baseline; `opx assess` judges against them.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Thresholds {
    pub max_open_bugs: Option<f64>,
    pub max_pages_per_week: Option<f64>,
    pub max_toil_hours_per_week: Option<f64>,
}

/// Reads a config file; its text goes into `sources` so errors can show it.
pub fn load(path: PathBuf, sources: &mut Sources, diagnostics: &mut Vec<Diagnostic>) -> Config {
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) => {
            diagnostics.push(crate::register::io_error(&path, &e));
            return Config::default();
        }
    };
    let file = sources.add(path, text);
    let mut sink = Sink { file, diagnostics };
    let root = match DeTable::parse(sources.get(file).text()) {
        Ok(root) => root,
        Err(error) => {
            sink.syntax_error(&error);
            return Config::default();
        }
    };
    let fields = Fields::new(&mut sink, root.get_ref(), 0..0, "opx.toml", KEYS);
    Config {
        fail_impact: fields.level(&mut sink, "fail_impact", Scale::Impact),
        deny_warnings: fields.boolean(&mut sink, "deny_warnings"),
        single_risk_share: fields.fraction(&mut sink, "single_risk_share"),
        thresholds: Thresholds {
            max_open_bugs: fields.count(&mut sink, "max_open_bugs"),
            max_pages_per_week: fields.count(&mut sink, "max_pages_per_week"),
            max_toil_hours_per_week: fields.count(&mut sink, "max_toil_hours_per_week"),
        },
    }
}
