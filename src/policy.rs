//! The team's policy: what the gate enforces and what `opx assess` judges
//! against. It comes from `opx.toml`, found beside the register the way
//! cargo finds `Cargo.toml` (or named with `--config`), then flags
//! override it; this is the one place the three are merged.
//!
//! ```toml
//! fail_impact = 4            # open risks of this impact or more fail `opx check`
//! fail_band = "critical"     # open risks of this band or above fail it too (unset: by impact only)
//! deny_warnings = false      # warnings fail it too
//! single_risk_share = 0.25   # the share of an error budget one risk may use
//! max_miss_probability = 0.1 # fail a system whose simulated years miss its budget more often
//! mitigation = "done"        # or "evidence": only a done action that shows what it changed mitigates,
//!                            # or "exercised": only a done action shown to work within its cadence
//! exercise_every = "180d"    # how often a done action must be shown to work, where it names no cadence
//! expiring_within = "14d"    # warn this long before an acceptance or a waiver ends
//! max_acceptance_days = 365  # acceptances and waivers may run at most this far ahead (unset: no limit)
//! max_open_bugs = 20         # `opx assess` thresholds for the measured baseline
//! max_pages_per_week = 5
//! max_toil_hours_per_week = 10
//!
//! [rules]                    # a gate rule's level: "allow", "warn" or "error"
//! no-runbook = "allow"
//!
//! [prometheus]               # the server `opx measure` reads (a token: OPX_PROMETHEUS_TOKEN)
//! url = "http://prometheus:9090"
//!
//! [matrix]                   # the risk matrix: preset = "opx" (the default) or "nist-800-30",
//! preset = "nist-800-30"     # or the team's own bands = [...] and cells = [[...], ...]
//! ```
//!
//! The file is read with the same located diagnostics as a register file.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use toml::de::{DeTable, DeValue};

use crate::band::{Band, RiskMatrix};
use crate::diag::{Code, Diagnostic, Severity};
use crate::register::fields::{Fields, Setting, Sink, rule_id};
use crate::register::format::{Key, Need, Table, Value};
use crate::register::{Bounds, CONFIG_FILE_NAME, Limits, Unreadable, read_limited, skipped_link};
use crate::scale::{Level, Scale};
use crate::source::{Lines, Origin, Sources, display_path, normalise};
use crate::units;

mod matrix;

pub use matrix::band_help;

/// The share of a yearly budget one risk may use before it is too big, by default.
pub const DEFAULT_SINGLE_RISK_SHARE: f64 = 0.25;

/// How often a done action must be shown to work, where it names no cadence.
pub const DEFAULT_EXERCISE_EVERY_DAYS: u32 = 180;

/// How long before an acceptance or a waiver ends the gate warns, by default.
pub const DEFAULT_EXPIRING_WITHIN_DAYS: u32 = 14;

/// What the gate enforces and what assessments judge against.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    /// An open risk with at least this impact fails the gate.
    pub fail_impact: Level,
    /// An open risk in this band or above fails the gate too.
    pub fail_band: Option<Band>,
    /// Which band each likelihood × impact cell is read as.
    pub matrix: RiskMatrix,
    /// Warnings fail the gate too.
    pub deny_warnings: bool,
    /// The share of its system's yearly error budget one risk may use.
    pub single_risk_share: f64,
    /// The highest chance of a year over its error budget a system may
    /// run, from simulated years; unset, the gate does not simulate.
    pub max_miss_probability: Option<f64>,
    /// What counts as mitigation.
    pub mitigation: Mitigation,
    /// Days within which a done action must be shown to work again, where
    /// it names no `exercise_every` of its own.
    pub exercise_every_days: u32,
    /// The levels `[rules]` sets, each over the rule's own.
    pub levels: BTreeMap<Code, RuleLevel>,
    /// Days before an acceptance or a waiver ends that the gate warns.
    pub expiring_within_days: u32,
    /// How far ahead an acceptance or a waiver may run, in days.
    pub max_acceptance_days: Option<u32>,
    pub thresholds: Thresholds,
    /// `[prometheus] url`: the server `opx measure` reads.
    pub prometheus_url: Option<String>,
    /// The file it was read from, as the user would write its path;
    /// `None` for the defaults.
    pub file: Option<PathBuf>,
    /// The flags that changed it, as typed.
    pub flags: Vec<&'static str>,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            fail_impact: Level::new(4).expect("4 is a level"),
            fail_band: None,
            matrix: RiskMatrix::default(),
            deny_warnings: false,
            single_risk_share: DEFAULT_SINGLE_RISK_SHARE,
            max_miss_probability: None,
            mitigation: Mitigation::Done,
            exercise_every_days: DEFAULT_EXERCISE_EVERY_DAYS,
            levels: BTreeMap::new(),
            expiring_within_days: DEFAULT_EXPIRING_WITHIN_DAYS,
            max_acceptance_days: None,
            thresholds: Thresholds::default(),
            prometheus_url: None,
            file: None,
            flags: Vec::new(),
        }
    }
}

impl Policy {
    /// The file the policy came from, as reports name it
    /// (`risks/opx.toml`); `None` for the defaults.
    pub fn file_name(&self) -> Option<String> {
        self.file.as_deref().map(display_path)
    }

    /// What a summary line says judged the run: `risks/opx.toml`,
    /// `defaults`, or either `with --fail-impact`.
    pub fn describe(&self) -> String {
        let file = self.file_name().unwrap_or_else(|| "defaults".to_string());
        if self.flags.is_empty() {
            file
        } else {
            format!("{file} with {}", self.flags.join(", "))
        }
    }

    /// The severity a rule's finding takes; `None` when the rule is off.
    pub fn severity(&self, code: Code) -> Option<Severity> {
        let severity = self.level(code)?;
        Some(if self.deny_warnings && severity == Severity::Warning {
            Severity::Error
        } else {
            severity
        })
    }

    /// A rule's level as `[rules]` sets it (or its own), before
    /// `deny_warnings`; `None` when the rule is off.
    fn level(&self, code: Code) -> Option<Severity> {
        match self.levels.get(&code) {
            Some(RuleLevel::Allow) => None,
            Some(RuleLevel::Warn) => Some(Severity::Warning),
            Some(RuleLevel::Error) => Some(Severity::Error),
            None => Some(code.default_severity()),
        }
    }

    /// How this policy lets through what `old` stopped, a line each:
    /// `fail_impact 4 → 5`, `no-runbook warning → allow`. What a change to
    /// `opx.toml` waives for every risk at once.
    pub fn loosened_from(&self, old: &Policy) -> Vec<String> {
        let mut changes = Vec::new();
        if self.fail_impact > old.fail_impact {
            changes.push(format!(
                "fail_impact {} → {}",
                old.fail_impact, self.fail_impact
            ));
        }
        // Bands are compared cell by cell, each under its own matrix: the
        // two matrices may name and count their bands differently.
        let gated = |p: &Policy, l, i| p.fail_band.is_some_and(|b| p.matrix.band(l, i) >= b);
        if let Some(was) = old.fail_band
            && RiskMatrix::cells().any(|(l, i)| gated(old, l, i) && !gated(self, l, i))
        {
            let now = self.fail_band.map_or("unset", Band::name);
            changes.push(format!("fail_band {was} → {now}"));
        }
        let serious = |p: &Policy, l, i| p.matrix.band(l, i).is_serious();
        let demoted = RiskMatrix::cells()
            .filter(|&(l, i)| serious(old, l, i) && !serious(self, l, i))
            .count();
        if demoted > 0 {
            changes.push(format!(
                "matrix {} → {}: {} no longer {}",
                old.matrix.describe(),
                self.matrix.describe(),
                crate::diag::plural(demoted, "cell"),
                old.matrix.serious_words()
            ));
        }
        if old.deny_warnings && !self.deny_warnings {
            changes.push("deny_warnings true → false".to_string());
        }
        if self.single_risk_share > old.single_risk_share {
            changes.push(format!(
                "single_risk_share {} → {}",
                old.single_risk_share, self.single_risk_share
            ));
        }
        let chance = |p: Option<f64>| p.map_or("unset".to_string(), |p| p.to_string());
        if self.max_miss_probability.unwrap_or(f64::INFINITY)
            > old.max_miss_probability.unwrap_or(f64::INFINITY)
        {
            changes.push(format!(
                "max_miss_probability {} → {}",
                chance(old.max_miss_probability),
                chance(self.max_miss_probability)
            ));
        }
        if old.mitigation != self.mitigation
            && (old.mitigation == Mitigation::Exercised || self.mitigation == Mitigation::Done)
        {
            changes.push(format!(
                "mitigation \"{}\" → \"{}\"",
                old.mitigation.name(),
                self.mitigation.name()
            ));
        }
        if self.exercise_every_days > old.exercise_every_days {
            changes.push(format!(
                "exercise_every {}d → {}d",
                old.exercise_every_days, self.exercise_every_days
            ));
        }
        if self.expiring_within_days < old.expiring_within_days {
            changes.push(format!(
                "expiring_within {}d → {}d",
                old.expiring_within_days, self.expiring_within_days
            ));
        }
        let days = |d: Option<u32>| d.map_or("no limit".to_string(), |d| d.to_string());
        if self.max_acceptance_days.unwrap_or(u32::MAX)
            > old.max_acceptance_days.unwrap_or(u32::MAX)
        {
            changes.push(format!(
                "max_acceptance_days {} → {}",
                days(old.max_acceptance_days),
                days(self.max_acceptance_days)
            ));
        }
        let name = |level: Option<Severity>| level.map_or("allow", Severity::name);
        for &code in Code::ALL {
            let (was, now) = (old.level(code), self.level(code));
            if now < was {
                changes.push(format!("{} {} → {}", code.id(), name(was), name(now)));
            }
        }
        changes
    }
}

/// What the gate counts as mitigation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Mitigation {
    /// Any done action (one that shows no evidence gets a warning).
    #[default]
    Done,
    /// Only a done action that shows what it changed.
    Evidence,
    /// Only a done action shown to work within its exercise cadence.
    Exercised,
}

impl Mitigation {
    pub const ALL: [Mitigation; 3] = [
        Mitigation::Done,
        Mitigation::Evidence,
        Mitigation::Exercised,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Mitigation::Done => "done",
            Mitigation::Evidence => "evidence",
            Mitigation::Exercised => "exercised",
        }
    }
}

/// A gate rule's level, as `[rules]` sets it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum RuleLevel {
    Allow,
    Warn,
    Error,
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
            "fail_band",
            Value::Text,
            "Open risks of this band of the matrix or above fail opx check too.",
        ),
        setting(
            "deny_warnings",
            Value::Boolean(false),
            "Warnings fail opx check too.",
        ),
        setting(
            "single_risk_share",
            Value::Fraction,
            "The share of an error budget one risk may use, above 0 and at most 1.",
        ),
        setting(
            "max_miss_probability",
            Value::Fraction,
            "The highest chance, above 0 and at most 1, of a year over a system's error budget in simulated years (opx check fails with budget-at-risk above it); unset, the gate does not simulate.",
        ),
        setting(
            "mitigation",
            Value::Choice(&["done", "evidence", "exercised"], Some("done")),
            "What mitigates: any done action, only one that shows evidence, or only one exercised within its cadence.",
        ),
        setting(
            "exercise_every",
            Value::Cadence,
            "How often a done action must be shown to work, where it names no exercise_every of its own; \"180d\" unless set.",
        ),
        setting(
            "expiring_within",
            Value::Cadence,
            "Warn this long before an acceptance or a waiver ends.",
        ),
        setting(
            "max_acceptance_days",
            Value::Count,
            "Acceptances and waivers may run at most this many days ahead.",
        ),
        setting("max_open_bugs", Value::Count, "For opx assess."),
        setting("max_pages_per_week", Value::Count, "For opx assess."),
        setting("max_toil_hours_per_week", Value::Count, "For opx assess."),
        setting(
            "rules",
            Value::RuleLevels,
            "Gate rules' levels: allow, warn or error.",
        ),
        setting(
            "matrix",
            Value::Table(&matrix::MATRIX),
            "The risk matrix: a shipped preset, or the team's own bands and cells.",
        ),
        setting(
            "prometheus",
            Value::Table(&PROMETHEUS),
            "The Prometheus server opx measure reads.",
        ),
    ],
};

/// `[prometheus]`: the server `opx measure` reads (a bearer token comes
/// only from the environment, never from a file in the repository).
pub static PROMETHEUS: Table = Table {
    name: "[prometheus]",
    description: "The Prometheus server opx measure reads; a bearer token comes only from OPX_PROMETHEUS_TOKEN.",
    keys: &[setting(
        "url",
        Value::Text,
        "Its address, such as \"http://prometheus:9090\"; --prometheus overrides it.",
    )],
};

const fn setting(name: &'static str, value: Value, description: &'static str) -> Key {
    Key {
        name,
        value,
        need: Need::Optional,
        description,
    }
}

/// Two paths of one run that two policies would judge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    pub message: String,
    pub help: String,
}

/// The policy file a run uses: `explicit` (from `--config`), else the
/// nearest `opx.toml` to each register file `files` names (in its folder
/// or above it, up to the repository's root, the folder holding `.git`,
/// or the filesystem's), the way ruff finds a file's configuration. All
/// files must find the same one. Paths are followed as written, not
/// through symbolic links, so a file is judged where the user sees it. An
/// `opx.toml` that is a link out of its folder and repository is passed
/// over unread, with a `skipped-link` note in `notes`.
pub fn find<'p>(
    files: impl IntoIterator<Item = &'p Path>,
    explicit: Option<&Path>,
    notes: &mut Vec<Diagnostic>,
) -> Result<Option<PathBuf>, Conflict> {
    if let Some(path) = explicit {
        return Ok(Some(path.to_path_buf()));
    }
    let here = std::env::current_dir().ok();
    // Files of one folder share its answer.
    let mut by_folder: HashMap<PathBuf, Option<PathBuf>> = HashMap::new();
    let mut found: Option<(Option<PathBuf>, &Path)> = None;
    for file in files {
        let Some(path) = absolute(file, here.as_deref()) else {
            continue;
        };
        let folder = if path.is_dir() {
            path
        } else {
            match path.parent() {
                Some(parent) => parent.to_path_buf(),
                None => continue,
            }
        };
        let nearest = by_folder
            .entry(folder)
            .or_insert_with_key(|folder| nearest(folder, here.as_deref(), notes))
            .clone();
        match &found {
            None => found = Some((nearest, file)),
            Some((first, first_file)) if *first != nearest => {
                let name = |p: &Option<PathBuf>| {
                    p.as_deref().map_or_else(
                        || "no opx.toml (the defaults)".to_string(),
                        |p| format!("`{}`", shown(p, here.as_deref())),
                    )
                };
                return Err(Conflict {
                    message: format!(
                        "`{}` falls under {} but `{}` under {}",
                        display_path(first_file),
                        name(first),
                        display_path(file),
                        name(&nearest)
                    ),
                    help: "judge each under its own policy in separate runs, or name one with --config".to_string(),
                });
            }
            Some(_) => {}
        }
    }
    Ok(found
        .and_then(|(nearest, _)| nearest)
        .map(|p| PathBuf::from(shown(&p, here.as_deref()))))
}

/// `path` made absolute against `here`, without resolving links.
fn absolute(path: &Path, here: Option<&Path>) -> Option<PathBuf> {
    if path.is_absolute() {
        Some(path.to_path_buf())
    } else {
        here.map(|here| here.join(path))
    }
}

/// The nearest `opx.toml` in `folder` (absolute) or above it, up to the
/// repository's root.
fn nearest(folder: &Path, here: Option<&Path>, notes: &mut Vec<Diagnostic>) -> Option<PathBuf> {
    let mut folder = normalise(folder);
    loop {
        let candidate = folder.join(CONFIG_FILE_NAME);
        let is_link = std::fs::symlink_metadata(&candidate).is_ok_and(|m| m.is_symlink());
        let bounds = is_link.then(|| Bounds::of(&folder));
        let leads_out = bounds.as_ref().is_some_and(|bounds| {
            std::fs::canonicalize(&candidate).is_ok_and(|target| !bounds.hold(&target))
        });
        if let (true, Some(bounds)) = (leads_out, &bounds) {
            let shown = PathBuf::from(shown(&candidate, here));
            notes.push(skipped_link(&shown, bounds));
        } else if candidate.is_file() {
            return Some(candidate);
        }
        if folder.join(".git").exists() || !folder.pop() {
            return None;
        }
    }
}

/// An absolute path as the user would write it from `here`: relative,
/// with `..` where it lies above, so reports read the same on any machine.
fn shown(path: &Path, here: Option<&Path>) -> String {
    let Some(here) = here.map(normalise) else {
        return display_path(path);
    };
    let path = normalise(path);
    let common = here
        .components()
        .zip(path.components())
        .take_while(|(a, b)| a == b)
        .count();
    if common == 0 {
        return display_path(&path);
    }
    let mut relative = PathBuf::new();
    for _ in here.components().skip(common) {
        relative.push("..");
    }
    relative.extend(path.components().skip(common));
    display_path(&relative)
}

/// The policy: the file at `path` (if any), with `overrides` on top. Its
/// text goes into `sources` so that its problems can be shown.
pub fn resolve(
    path: Option<&Path>,
    overrides: Overrides,
    limits: Limits,
    sources: &mut Sources,
    diagnostics: &mut Vec<Diagnostic>,
) -> Policy {
    let mut policy = match path {
        Some(path) => read(path, limits, sources, diagnostics),
        None => Policy::default(),
    };
    if let Some(fail_impact) = overrides.fail_impact {
        policy.fail_impact = fail_impact;
        policy.flags.push("--fail-impact");
    }
    if let Some(deny_warnings) = overrides.deny_warnings {
        policy.deny_warnings = deny_warnings;
        policy.flags.push(if deny_warnings {
            "--deny-warnings"
        } else {
            "--no-deny-warnings"
        });
    }
    if let Some(share) = overrides.single_risk_share {
        policy.single_risk_share = share;
        policy.flags.push("--single-risk-share");
    }
    policy
}

fn read(
    path: &Path,
    limits: Limits,
    sources: &mut Sources,
    diagnostics: &mut Vec<Diagnostic>,
) -> Policy {
    let unread = Policy {
        file: Some(path.to_path_buf()),
        ..Policy::default()
    };
    let bytes = match read_limited(path, limits.max_file_size) {
        Ok(bytes) => bytes,
        Err(unreadable) => {
            let diagnostic = unreadable.diagnostic(path, limits.max_file_size);
            diagnostics.push(match unreadable {
                Unreadable::Io(_) => diagnostic.help(
                    "--config names the policy file (an opx.toml); check its path, or leave --config out to use the opx.toml beside the register, if any",
                ),
                _ => diagnostic,
            });
            return unread;
        }
    };
    let Ok(text) = String::from_utf8(bytes) else {
        let shown = display_path(path);
        diagnostics.push(
            Diagnostic::new(Code::NotText, format!("`{shown}` is not UTF-8 text"))
                .at_path(shown)
                .help("opx.toml is UTF-8 TOML; save it as UTF-8"),
        );
        return unread;
    };
    parse(path, text, Origin::Disk, sources, diagnostics)
}

/// The policy in `text`, a git revision's `opx.toml` that `name` names
/// (`origin/main:risks/opx.toml`); its problems are located in it.
pub fn from_text(
    name: PathBuf,
    text: String,
    sources: &mut Sources,
    diagnostics: &mut Vec<Diagnostic>,
) -> Policy {
    parse(&name, text, Origin::Memory, sources, diagnostics)
}

fn parse(
    path: &Path,
    text: String,
    origin: Origin,
    sources: &mut Sources,
    diagnostics: &mut Vec<Diagnostic>,
) -> Policy {
    let mut policy = Policy {
        file: Some(path.to_path_buf()),
        ..Policy::default()
    };
    let file = sources.add(path.to_path_buf(), text, origin);
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
            return policy;
        }
    };
    let f = Fields::new(&mut sink, root.get_ref(), 0..0, &POLICY);
    let defaults = Policy::default();
    let problems = sink.diagnostics.len();
    policy.matrix = matrix::matrix(&mut sink, &f);
    // Against a matrix that could not be read, any band would be reported
    // as unknown: say only what is wrong with the matrix.
    if sink.diagnostics.len() == problems {
        policy.fail_band = matrix::fail_band(&mut sink, &f, &policy.matrix);
    }
    policy.fail_impact = f
        .level(&mut sink, "fail_impact", Scale::Impact)
        .unwrap_or(defaults.fail_impact);
    policy.deny_warnings = f
        .boolean(&mut sink, "deny_warnings")
        .unwrap_or(defaults.deny_warnings);
    policy.single_risk_share = f
        .fraction(&mut sink, "single_risk_share", "a share of the budget")
        .unwrap_or(defaults.single_risk_share);
    policy.max_miss_probability = f.fraction(
        &mut sink,
        "max_miss_probability",
        "the chance of a year over budget",
    );
    policy.mitigation = f
        .choice(&mut sink, "mitigation", &Mitigation::ALL, Mitigation::name)
        .unwrap_or_default();
    policy.exercise_every_days = f
        .parsed(
            &mut sink,
            "exercise_every",
            Code::InvalidDuration,
            "180d",
            units::parse_review_cadence,
        )
        .map_or(defaults.exercise_every_days, |d| d.value);
    policy.expiring_within_days = f
        .parsed(
            &mut sink,
            "expiring_within",
            Code::InvalidDuration,
            "14d",
            units::parse_notice,
        )
        .map_or(defaults.expiring_within_days, |d| d.value);
    policy.max_acceptance_days = f
        .count(&mut sink, "max_acceptance_days")
        .map(|days| days.round().clamp(0.0, f64::from(u32::MAX)) as u32);
    policy.thresholds = Thresholds {
        max_open_bugs: f.count(&mut sink, "max_open_bugs"),
        max_pages_per_week: f.count(&mut sink, "max_pages_per_week"),
        max_toil_hours_per_week: f.count(&mut sink, "max_toil_hours_per_week"),
    };
    if let Some((rules, _)) = f.table(&mut sink, "rules", "write the levels as a table: [rules]") {
        policy.levels = levels(&mut sink, rules);
    }
    if let Some((table, span)) = f.table(
        &mut sink,
        "prometheus",
        "write the server as a table: [prometheus] url = \"http://...\"",
    ) {
        let server = Fields::new(&mut sink, table, span, &PROMETHEUS);
        policy.prometheus_url = server.string(&mut sink, "url").map(|u| u.value);
    }
    policy
}

/// `[rules]`: each key a gate rule's id, each value a level.
fn levels(sink: &mut Sink<'_>, rules: &DeTable<'_>) -> BTreeMap<Code, RuleLevel> {
    let mut levels = BTreeMap::new();
    for (key, value) in rules.iter() {
        let (key, at) = (key.get_ref(), sink.span(key.span()));
        let written = match value.get_ref() {
            DeValue::String(s) => Some(s.as_ref()),
            _ => None,
        };
        let level = written.and_then(|w| match w {
            "allow" => Some(RuleLevel::Allow),
            "warn" => Some(RuleLevel::Warn),
            "error" => Some(RuleLevel::Error),
            _ => None,
        });
        // Keys below a [rules] header belong to it, so a policy key
        // written after it lands here.
        if POLICY.key(key).is_some() {
            sink.push(
                Diagnostic::new(Code::InvalidRule, format!("`{key}` is a policy key, not a rule"))
                    .at(at, "inside [rules]")
                    .help(format!("move `{key}` above the [rules] header: keys after a table header belong to the table")),
            );
            continue;
        }
        let lowering = level.is_some_and(|l| l < RuleLevel::Error);
        let Some(code) = rule_id(sink, key, at, Setting::Level { lowering }) else {
            continue;
        };
        let Some(level) = level else {
            // The level the team most likely meant.
            let meant = match written.map(str::to_ascii_lowercase).as_deref() {
                Some("off" | "none" | "ignore" | "disable" | "disabled" | "false") => "allow",
                Some("deny" | "fail" | "forbid" | "true") => "error",
                _ => "warn",
            };
            sink.push(
                Diagnostic::new(
                    Code::InvalidValue,
                    format!("the level of `{key}` must be \"allow\", \"warn\" or \"error\""),
                )
                .at(sink.span(value.span()), "not a level")
                .help(format!("write {key} = \"{meant}\"")),
            );
            continue;
        };
        levels.insert(code, level);
    }
    levels
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rule_level_sets_the_severity_and_deny_warnings_raises_warnings() {
        let mut policy = Policy::default();
        policy.levels.insert(Code::NoRunbook, RuleLevel::Allow);
        policy.levels.insert(Code::NoOwner, RuleLevel::Error);
        assert_eq!(policy.severity(Code::NoRunbook), None);
        assert_eq!(policy.severity(Code::NoOwner), Some(Severity::Error));
        assert_eq!(policy.severity(Code::NoSignal), Some(Severity::Warning));
        assert_eq!(
            policy.severity(Code::BudgetIncomplete),
            Some(Severity::Note)
        );
        policy.deny_warnings = true;
        assert_eq!(policy.severity(Code::NoSignal), Some(Severity::Error));
        assert_eq!(
            policy.severity(Code::BudgetIncomplete),
            Some(Severity::Note)
        );
    }

    #[test]
    fn the_nearest_policy_is_found_up_to_the_repository() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join(".git")).unwrap();
        std::fs::create_dir_all(root.join("risks/team")).unwrap();
        std::fs::write(root.join("risks/opx.toml"), "").unwrap();
        let mut notes = Vec::new();
        assert_eq!(
            nearest(&root.join("risks/team/../team/."), None, &mut notes),
            Some(root.join("risks/opx.toml"))
        );
        // Above the repository's root, nothing is looked for.
        std::fs::create_dir_all(root.join("other/.git")).unwrap();
        assert_eq!(nearest(&root.join("other"), None, &mut notes), None);
        assert!(notes.is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn a_policy_that_links_out_of_the_repository_is_passed_over() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join(".git")).unwrap();
        std::fs::create_dir_all(root.join("risks/team")).unwrap();
        std::fs::write(root.join(".git/config"), "[core]\n").unwrap();
        std::fs::write(root.join("opx.toml"), "").unwrap();
        std::fs::write(root.join("team.toml"), "").unwrap();
        std::os::unix::fs::symlink("../../.git/config", root.join("risks/team/opx.toml")).unwrap();
        std::os::unix::fs::symlink("../team.toml", root.join("risks/opx.toml")).unwrap();
        let mut notes = Vec::new();
        // The link into .git is passed over; the next, inside, is taken.
        assert_eq!(
            nearest(&root.join("risks/team"), None, &mut notes),
            Some(root.join("risks/opx.toml"))
        );
        assert_eq!(notes.len(), 1);
        assert_eq!(notes[0].code, Code::SkippedLink);
    }

    #[test]
    fn a_policy_is_shown_relative_to_the_working_folder() {
        let here = Path::new("/repo/risks/team");
        assert_eq!(
            shown(Path::new("/repo/risks/opx.toml"), Some(here)),
            "../opx.toml"
        );
        assert_eq!(
            shown(Path::new("/repo/risks/team/opx.toml"), Some(here)),
            "opx.toml"
        );
        assert_eq!(
            shown(
                Path::new("/repo/risks/team/x/opx.toml"),
                Some(Path::new("/repo"))
            ),
            "risks/team/x/opx.toml"
        );
    }
}
