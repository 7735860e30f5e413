//! The commands, as functions from plain options to an [`Outcome`].
//!
//! Each follows the one path load → validate → score → check → report and
//! returns the text to print and the exit status; the binary does the
//! printing. Input problems stop a command before scoring, with status 2.

use std::path::{Path, PathBuf};

use jiff::civil::Date;

use crate::check::{self, Policy};
use crate::config::{self, Config};
use crate::diag::{Diagnostic, Severity, Tally, plural, render_human};
use crate::register::{self, CONFIG_FILE_NAME, Loaded, Register};
use crate::report::{
    AssessFormat, CheckContext, CheckFormat, DiffFormat, PlanFormat, RankContext, RankFormat,
    ReviewFormat,
};
use crate::scale::{Band, Level};
use crate::schema::SchemaKind;
use crate::score::{self, RankBy};
use crate::source::{Sources, display_path};
use crate::suggest::did_you_mean;

/// How a run ended; its number is the process's exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// 0: done, and the gate (if any) passed.
    Success = 0,
    /// 1: the gate failed.
    Failure = 1,
    /// 2: the input or the command line is wrong.
    Error = 2,
}

/// What a command prints and how it ends.
#[derive(Debug)]
pub struct Outcome {
    pub stdout: String,
    pub stderr: String,
    pub status: ExitStatus,
    /// Markdown for the CI job's summary page (`$GITHUB_STEP_SUMMARY`), if the format has one.
    pub step_summary: Option<String>,
}

impl Outcome {
    fn new(status: ExitStatus) -> Outcome {
        Outcome {
            stdout: String::new(),
            stderr: String::new(),
            status,
            step_summary: None,
        }
    }

    fn usage_error(message: impl std::fmt::Display, help: impl std::fmt::Display) -> Outcome {
        let mut outcome = Outcome::new(ExitStatus::Error);
        outcome.stderr = format!(
            "{}error{}: {message}\n  = help: {help}\n",
            red(),
            anstyle::Reset
        );
        outcome
    }
}

fn red() -> anstyle::Style {
    anstyle::Style::new()
        .bold()
        .fg_color(Some(anstyle::AnsiColor::Red.into()))
}

/// The outcome of a command that cannot read its input.
fn refused(loaded: &Loaded) -> Outcome {
    let mut outcome = Outcome::new(ExitStatus::Error);
    outcome.stderr = input_errors(&loaded.diagnostics, &loaded.sources);
    outcome
}

/// Input errors, for people, on stderr.
fn input_errors(diagnostics: &[Diagnostic], sources: &Sources) -> String {
    let mut text = render_human(diagnostics, sources);
    text.push_str(&format!(
        "{}error{}: {} in the input; opx stopped before using it\n",
        red(),
        anstyle::Reset,
        plural(Tally::of(diagnostics).errors, "problem"),
    ));
    text
}

/// Puts a report where the user asked: standard output, or `--output FILE`,
/// written atomically and never over a file of the register itself.
fn deliver(report: String, output: Option<&Path>, registers: &[&Sources], outcome: &mut Outcome) {
    let Some(path) = output else {
        outcome.stdout = report;
        return;
    };
    let target = std::fs::canonicalize(path).ok();
    let is_register_file = target.is_some()
        && registers
            .iter()
            .flat_map(|sources| sources.iter())
            .any(|(_, f)| std::fs::canonicalize(f.path()).ok() == target);
    let failure = if is_register_file {
        Some("it is a file of the register, which opx never writes".to_string())
    } else {
        crate::output::write_atomically(path, report.as_bytes())
            .err()
            .map(|e| register::io_reason(&e))
    };
    if let Some(reason) = failure {
        let failed = Outcome::usage_error(
            format!("cannot write `{}`: {reason}", display_path(path)),
            "choose another --output path, in a folder that exists and is writable",
        );
        outcome.stderr.push_str(&failed.stderr);
        outcome.status = ExitStatus::Error;
    }
}

#[derive(Debug, Clone)]
pub struct RankOptions {
    pub paths: Vec<PathBuf>,
    pub format: RankFormat,
    pub output: Option<PathBuf>,
    pub by: RankBy,
    pub top: Option<usize>,
    pub system: Option<String>,
    pub min_band: Option<Band>,
    pub today: Date,
}

pub fn rank(options: &RankOptions) -> Outcome {
    let (loaded, config) = load_with_config(&options.paths, None);
    if has_errors(&loaded.diagnostics) {
        return refused(&loaded);
    }
    let single_risk_share = policy(&config, None, None, None).single_risk_share;
    let Loaded {
        register, sources, ..
    } = loaded;
    if let Some(system) = &options.system
        && register.system(system).is_none()
    {
        return unknown_system(system, &register);
    }
    let mut ranked = score::rank(&register, options.today, options.by);
    if let Some(system) = &options.system {
        ranked.retain(|r| &r.risk.system == system);
        for (i, r) in ranked.iter_mut().enumerate() {
            r.rank = i + 1;
        }
    }
    if let Some(min) = options.min_band {
        ranked.retain(|r| r.score.current.band >= min);
    }
    if let Some(top) = options.top {
        ranked.truncate(top);
    }
    let ctx = RankContext {
        ranked: &ranked,
        register: &register,
        sources: &sources,
        today: options.today,
        single_risk_share,
    };
    let mut outcome = Outcome::new(ExitStatus::Success);
    deliver(
        options.format.render(&ctx),
        options.output.as_deref(),
        &[&sources],
        &mut outcome,
    );
    outcome
}

fn unknown_system(system: &str, register: &Register) -> Outcome {
    let ids = register.systems.iter().map(|s| s.id.as_str());
    let help = match did_you_mean(system, ids.clone()) {
        Some(best) => format!("did you mean `{best}`?"),
        None => format!(
            "the register's systems: {}",
            ids.collect::<Vec<_>>().join(", ")
        ),
    };
    Outcome::usage_error(format!("no system `{system}` in the register"), help)
}

#[derive(Debug, Clone)]
pub struct CheckOptions {
    pub paths: Vec<PathBuf>,
    pub format: CheckFormat,
    pub output: Option<PathBuf>,
    pub today: Date,
    /// `--config FILE`; without it, `opx.toml` in the current folder if present.
    pub config: Option<PathBuf>,
    pub fail_impact: Option<Level>,
    /// `Some` when a flag decides, overriding `opx.toml`.
    pub deny_warnings: Option<bool>,
    pub single_risk_share: Option<f64>,
}

pub fn check(options: &CheckOptions) -> Outcome {
    let (loaded, config) = load_with_config(&options.paths, options.config.clone());
    let input_failed = has_errors(&loaded.diagnostics);
    let findings = if input_failed {
        loaded.diagnostics.clone()
    } else {
        let policy = policy(
            &config,
            options.fail_impact,
            options.deny_warnings,
            options.single_risk_share,
        );
        check::check(&loaded.register, &policy, options.today)
    };
    let empty = Register::default();
    let ctx = CheckContext {
        findings: &findings,
        // A register that failed to load is judged as holding no risk.
        register: if input_failed {
            &empty
        } else {
            &loaded.register
        },
        sources: &loaded.sources,
        today: options.today,
    };
    let mut outcome = Outcome::new(if input_failed {
        ExitStatus::Error
    } else if has_errors(&findings) {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    });
    if input_failed {
        outcome.stderr = input_errors(&findings, &loaded.sources);
        if options.format == CheckFormat::Human {
            // People read the errors on stderr; there is no report.
            return outcome;
        }
    }
    // Machine formats carry input errors too, so CI shows them on their lines.
    outcome.step_summary = options.format.step_summary(&ctx);
    deliver(
        options.format.render(&ctx),
        options.output.as_deref(),
        &[&loaded.sources],
        &mut outcome,
    );
    outcome
}

/// The gate's policy: each flag given, else `opx.toml`, else the default.
fn policy(
    config: &Config,
    fail_impact: Option<Level>,
    deny_warnings: Option<bool>,
    single_risk_share: Option<f64>,
) -> Policy {
    let defaults = Policy::default();
    Policy {
        fail_impact: fail_impact
            .or(config.fail_impact)
            .unwrap_or(defaults.fail_impact),
        deny_warnings: deny_warnings
            .or(config.deny_warnings)
            .unwrap_or(defaults.deny_warnings),
        single_risk_share: single_risk_share
            .or(config.single_risk_share)
            .unwrap_or(defaults.single_risk_share),
    }
}

/// Loads the register and the policy file, their problems together.
fn load_with_config(paths: &[PathBuf], config: Option<PathBuf>) -> (Loaded, Config) {
    let mut loaded = register::load(paths);
    let config = read_config(config, &mut loaded);
    (loaded, config)
}

fn read_config(explicit: Option<PathBuf>, loaded: &mut Loaded) -> Config {
    let path = match explicit {
        Some(path) => path,
        None => {
            let default = PathBuf::from(CONFIG_FILE_NAME);
            if !default.is_file() {
                return Config::default();
            }
            default
        }
    };
    let config = config::load(path, &mut loaded.sources, &mut loaded.diagnostics);
    register::sort_and_dedup(&mut loaded.diagnostics);
    config
}

fn has_errors(diagnostics: &[Diagnostic]) -> bool {
    diagnostics.iter().any(|d| d.severity == Severity::Error)
}

/// `opx schema`: a published JSON Schema.
pub fn schema(kind: SchemaKind) -> Outcome {
    let mut outcome = Outcome::new(ExitStatus::Success);
    outcome.stdout = kind.text().to_string();
    outcome
}

#[derive(Debug, Clone)]
pub struct AssessOptions {
    pub paths: Vec<PathBuf>,
    pub format: AssessFormat,
    pub output: Option<PathBuf>,
    pub config: Option<PathBuf>,
    pub today: Date,
}

/// `opx assess`: each system's current state.
pub fn assess(options: &AssessOptions) -> Outcome {
    let (loaded, config) = load_with_config(&options.paths, options.config.clone());
    if has_errors(&loaded.diagnostics) {
        return refused(&loaded);
    }
    let scored = score_all(&loaded.register, options.today);
    let systems =
        crate::assess::assess(&loaded.register, &scored, &config.thresholds, options.today);
    let mut outcome = Outcome::new(ExitStatus::Success);
    deliver(
        options.format.render(&systems, options.today),
        options.output.as_deref(),
        &[&loaded.sources],
        &mut outcome,
    );
    outcome
}

#[derive(Debug, Clone)]
pub struct PlanOptions {
    pub paths: Vec<PathBuf>,
    pub format: PlanFormat,
    pub output: Option<PathBuf>,
    pub config: Option<PathBuf>,
    pub single_risk_share: Option<f64>,
    pub today: Date,
}

/// `opx plan`: what to do now and later, and what it buys.
pub fn plan(options: &PlanOptions) -> Outcome {
    let (loaded, config) = load_with_config(&options.paths, options.config.clone());
    if has_errors(&loaded.diagnostics) {
        return refused(&loaded);
    }
    let scored = score_all(&loaded.register, options.today);
    let share = policy(&config, None, None, options.single_risk_share).single_risk_share;
    let plan = crate::plan::plan(&loaded.register, &scored, share, options.today);
    let mut outcome = Outcome::new(ExitStatus::Success);
    deliver(
        options.format.render(&plan),
        options.output.as_deref(),
        &[&loaded.sources],
        &mut outcome,
    );
    outcome
}

#[derive(Debug, Clone)]
pub struct ReviewOptions {
    pub paths: Vec<PathBuf>,
    pub format: ReviewFormat,
    pub output: Option<PathBuf>,
    pub days: i64,
    /// Risks to record as reviewed today, instead of printing the digest.
    pub mark: Vec<String>,
    pub today: Date,
}

/// `opx review`: the weekly digest, or `--mark` to record reviews.
pub fn review(options: &ReviewOptions) -> Outcome {
    let loaded = register::load(&options.paths);
    if has_errors(&loaded.diagnostics) {
        return refused(&loaded);
    }
    if !options.mark.is_empty() {
        return match crate::mark::mark(&loaded, &options.mark, options.today) {
            Ok(marked) => {
                let mut outcome = Outcome::new(ExitStatus::Success);
                for m in marked {
                    let verb = if m.added { "added" } else { "updated" };
                    outcome.stdout.push_str(&format!(
                        "{}: reviewed = {} ({verb} in {})\n",
                        m.risk, options.today, m.file
                    ));
                }
                outcome
            }
            Err(e) => Outcome::usage_error(e.message, e.help),
        };
    }
    let scored = score_all(&loaded.register, options.today);
    let digest = crate::review::digest(&loaded.register, &scored, options.today, options.days);
    let mut outcome = Outcome::new(ExitStatus::Success);
    deliver(
        options.format.render(&digest),
        options.output.as_deref(),
        &[&loaded.sources],
        &mut outcome,
    );
    outcome
}

/// Which two versions of the register `opx diff` compares.
#[derive(Debug, Clone)]
pub enum DiffSides {
    /// Two files or folders.
    Paths { old: PathBuf, new: PathBuf },
    /// The working tree against a git revision, under these paths.
    Git {
        revision: String,
        paths: Vec<PathBuf>,
    },
}

/// When `opx diff` fails (exits 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailOn {
    /// Any risk worse, or a new risk of band high or above.
    Worse,
    /// Any risk new, or newly, critical.
    NewCritical,
}

#[derive(Debug, Clone)]
pub struct DiffOptions {
    pub sides: DiffSides,
    pub format: DiffFormat,
    pub output: Option<PathBuf>,
    pub fail_on: Option<FailOn>,
    pub today: Date,
}

/// `opx diff`: what a change does to the register.
pub fn diff(options: &DiffOptions) -> Outcome {
    let (old, new) = match &options.sides {
        DiffSides::Paths { old, new } => (
            register::load(std::slice::from_ref(old)),
            register::load(std::slice::from_ref(new)),
        ),
        DiffSides::Git { revision, paths } => {
            let old = match register::git::files_at(revision, paths) {
                Ok(files) => register::load_contents(files, Vec::new()),
                Err(e) => return Outcome::usage_error(e.message, e.help),
            };
            (old, register::load(paths))
        }
    };
    for side in [&old, &new] {
        if has_errors(&side.diagnostics) {
            return refused(side);
        }
    }
    let d = crate::diff::diff(&old.register, &new.register, options.today);
    let failed = match options.fail_on {
        Some(FailOn::Worse) => d.count(crate::diff::Direction::Worse) > 0,
        Some(FailOn::NewCritical) => d.new_critical() > 0,
        None => false,
    };
    let mut outcome = Outcome::new(if failed {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    });
    deliver(
        options.format.render(&d),
        options.output.as_deref(),
        &[&old.sources, &new.sources],
        &mut outcome,
    );
    outcome
}

/// Every risk with its score, in rank order.
fn score_all(
    register: &Register,
    today: Date,
) -> Vec<(&crate::register::model::Risk, score::Score)> {
    score::rank(register, today, RankBy::Severity)
        .into_iter()
        .map(|r| (r.risk, r.score))
        .collect()
}
