//! The team's policy: what the gate enforces and what `opx assess` judges
//! against. It comes from `opx.toml` (found beside the command, or named
//! with `--config`), then flags override it; this is the one place the
//! three are merged.
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
//! The file is read with the same located diagnostics as a register file.

use std::path::{Path, PathBuf};

use toml::de::DeTable;

use crate::diag::Diagnostic;
use crate::register::fields::{Fields, Sink};
use crate::register::format::{Key, Need, Table, Value};
use crate::register::{CONFIG_FILE_NAME, io_error};
use crate::scale::{Level, Scale};
use crate::source::{Lines, Origin, Sources};

/// The share of a yearly budget one risk may use before it is too big, by default.
pub const DEFAULT_SINGLE_RISK_SHARE: f64 = 0.25;

/// What the gate enforces and what assessments judge against.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Policy {
    /// An open risk with at least this impact fails the gate.
    pub fail_impact: Level,
    /// Warnings fail the gate too.
    pub deny_warnings: bool,
    /// The share of its system's yearly error budget one risk may use.
    pub single_risk_share: f64,
    pub thresholds: Thresholds,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            fail_impact: Level::new(4).expect("4 is a level"),
            deny_warnings: false,
            single_risk_share: DEFAULT_SINGLE_RISK_SHARE,
            thresholds: Thresholds::default(),
        }
    }
}

/// Limits a team sets on its measured baseline; `opx assess` judges against them.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Thresholds {
    pub max_open_bugs: Option<f64>,
    pub max_pages_per_week: Option<f64>,
    pub max_toil_hours_per_week: Option<f64>,
}

/// The settings flags give; `None` leaves the file's (or the default).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Overrides {
    pub fail_impact: Option<Level>,
    pub deny_warnings: Option<bool>,
    pub single_risk_share: Option<f64>,
}

/// What a policy file sets; `None` keeps the default.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Settings {
    fail_impact: Option<Level>,
    deny_warnings: Option<bool>,
    single_risk_share: Option<f64>,
    thresholds: Thresholds,
}

/// `opx.toml`'s keys.
pub static POLICY: Table = Table {
    name: "opx.toml",
    description: "The team's policy for opx check and opx assess.",
    keys: &[
        setting(
            "fail_impact",
            Value::Level(Scale::Impact),
            "Open risks of this impact or more fail opx check.",
        ),
        setting(
            "deny_warnings",
            Value::Boolean(false),
            "Warnings fail opx check too.",
        ),
        setting(
            "single_risk_share",
            Value::Count,
            "The share of an error budget one risk may use, above 0 and at most 1.",
        ),
        setting("max_open_bugs", Value::Count, "For opx assess."),
        setting("max_pages_per_week", Value::Count, "For opx assess."),
        setting("max_toil_hours_per_week", Value::Count, "For opx assess."),
    ],
};

const fn setting(name: &'static str, value: Value, description: &'static str) -> Key {
    Key {
        name,
        value,
        need: Need::Optional,
        description,
    }
}

/// The policy file a run uses: `explicit` (from `--config`), else
/// `opx.toml` in the current folder if there is one.
pub fn find(explicit: Option<&Path>) -> Option<PathBuf> {
    match explicit {
        Some(path) => Some(path.to_path_buf()),
        None => {
            let default = PathBuf::from(CONFIG_FILE_NAME);
            default.is_file().then_some(default)
        }
    }
}

/// The policy: the file at `path` (if any), with `overrides` on top. Its
/// text goes into `sources` so that its problems can be shown.
pub fn resolve(
    path: Option<&Path>,
    overrides: Overrides,
    sources: &mut Sources,
    diagnostics: &mut Vec<Diagnostic>,
) -> Policy {
    let file = path
        .map(|p| read(p, sources, diagnostics))
        .unwrap_or_default();
    let defaults = Policy::default();
    Policy {
        fail_impact: overrides
            .fail_impact
            .or(file.fail_impact)
            .unwrap_or(defaults.fail_impact),
        deny_warnings: overrides
            .deny_warnings
            .or(file.deny_warnings)
            .unwrap_or(defaults.deny_warnings),
        single_risk_share: overrides
            .single_risk_share
            .or(file.single_risk_share)
            .unwrap_or(defaults.single_risk_share),
        thresholds: file.thresholds,
    }
}

fn read(path: &Path, sources: &mut Sources, diagnostics: &mut Vec<Diagnostic>) -> Settings {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) => {
            diagnostics.push(io_error(path, &e).help(
                "--config names the policy file (an opx.toml); check its path, or leave --config out to use the opx.toml beside the register, if any",
            ));
            return Settings::default();
        }
    };
    let file = sources.add(path.to_path_buf(), text, Origin::Disk);
    let text = sources.get(file).kept_text().unwrap_or_default();
    let lines = Lines::new(std::borrow::Cow::Borrowed(text));
    let mut sink = Sink {
        file,
        diagnostics,
        lines: &lines,
    };
    let root = match DeTable::parse(text) {
        Ok(root) => root,
        Err(error) => {
            sink.syntax_error(&error);
            return Settings::default();
        }
    };
    let fields = Fields::new(&mut sink, root.get_ref(), 0..0, &POLICY);
    Settings {
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
