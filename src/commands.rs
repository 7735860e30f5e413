//! The commands, as functions from plain options to an [`Outcome`].
//!
//! Each follows the one path load → validate → score → check → report and
//! returns the text to print and the exit status; the binary does the
//! printing. Input problems stop a command before scoring, with status 2.

use std::path::PathBuf;

use jiff::civil::Date;

use crate::check::{self, Policy};
use crate::config::{self, Config};
use crate::diag::{Diagnostic, Severity, Tally, plural, render_human};
use crate::register::{self, CONFIG_FILE_NAME, Loaded};
use crate::report::{CheckContext, CheckFormat, RankContext, RankFormat};
use crate::scale::{Band, Level};
use crate::score;
use crate::source::Sources;
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
}

impl Outcome {
    fn input_errors(diagnostics: &[Diagnostic], sources: &Sources) -> Outcome {
        let errors = Tally::of(diagnostics).errors;
        let mut stderr = render_human(diagnostics, sources);
        stderr.push_str(&format!(
            "{}error{}: {} in the input; nothing was ranked or checked\n",
            anstyle::Style::new()
                .bold()
                .fg_color(Some(anstyle::AnsiColor::Red.into())),
            anstyle::Reset,
            plural(errors, "problem"),
        ));
        Outcome {
            stdout: String::new(),
            stderr,
            status: ExitStatus::Error,
        }
    }
}

#[derive(Debug, Clone)]
pub struct RankOptions {
    pub paths: Vec<PathBuf>,
    pub format: RankFormat,
    pub top: Option<usize>,
    pub system: Option<String>,
    pub min_band: Option<Band>,
    pub today: Date,
}

pub fn rank(options: &RankOptions) -> Outcome {
    let loaded = register::load(&options.paths);
    if has_errors(&loaded.diagnostics) {
        return Outcome::input_errors(&loaded.diagnostics, &loaded.sources);
    }
    let Loaded {
        register, sources, ..
    } = loaded;
    if let Some(system) = &options.system
        && register.system(system).is_none()
    {
        let ids = register.systems.iter().map(|s| s.id.as_str());
        let hint = match did_you_mean(system, ids) {
            Some(best) => format!("did you mean `{best}`?"),
            None => format!(
                "the register's systems: {}",
                register
                    .systems
                    .iter()
                    .map(|s| s.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        return usage_error(format!(
            "no system `{system}` in the register\n  = help: {hint}"
        ));
    }
    let mut ranked = score::rank(&register, options.today);
    if let Some(system) = &options.system {
        ranked.retain(|r| &r.risk.system == system);
        for (i, r) in ranked.iter_mut().enumerate() {
            r.rank = i + 1;
        }
    }
    if let Some(min) = options.min_band {
        ranked.retain(|r| r.score.band >= min);
    }
    if let Some(top) = options.top {
        ranked.truncate(top);
    }
    let ctx = RankContext {
        ranked: &ranked,
        register: &register,
        sources: &sources,
        today: options.today,
    };
    Outcome {
        stdout: options.format.render(&ctx),
        stderr: String::new(),
        status: ExitStatus::Success,
    }
}

#[derive(Debug, Clone)]
pub struct CheckOptions {
    pub paths: Vec<PathBuf>,
    pub format: CheckFormat,
    pub today: Date,
    /// `--config FILE`; without it, `opx.toml` in the current folder if present.
    pub config: Option<PathBuf>,
    pub fail_impact: Option<Level>,
    pub deny_warnings: bool,
}

pub fn check(options: &CheckOptions) -> Outcome {
    let mut loaded = register::load(&options.paths);
    let config = read_config(options.config.clone(), &mut loaded);
    if has_errors(&loaded.diagnostics) {
        return Outcome::input_errors(&loaded.diagnostics, &loaded.sources);
    }
    let defaults = Policy::default();
    let policy = Policy {
        fail_impact: options
            .fail_impact
            .or(config.fail_impact)
            .unwrap_or(defaults.fail_impact),
        deny_warnings: options.deny_warnings
            || config.deny_warnings.unwrap_or(defaults.deny_warnings),
    };
    let findings = check::check(&loaded.register, &policy, options.today);
    let ctx = CheckContext {
        findings: &findings,
        risks_checked: loaded.register.risks.len(),
        sources: &loaded.sources,
    };
    Outcome {
        stdout: options.format.render(&ctx),
        stderr: String::new(),
        status: if has_errors(&findings) {
            ExitStatus::Failure
        } else {
            ExitStatus::Success
        },
    }
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
    loaded
        .diagnostics
        .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    config
}

fn has_errors(diagnostics: &[Diagnostic]) -> bool {
    diagnostics.iter().any(|d| d.severity == Severity::Error)
}

fn usage_error(message: String) -> Outcome {
    Outcome {
        stdout: String::new(),
        stderr: format!("error: {message}\n"),
        status: ExitStatus::Error,
    }
}
