//! Bytes as a register file, through every command in every format, in
//! process: each run ends with a report or located input errors, never a
//! panic, a hang or runaway memory.

#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use opx::commands::{self, DiffSides, ExitStatus, Io};
use opx::policy::Overrides;
use opx::register::Limits;
use opx::report::{
    AssessFormat, CheckFormat, DiffFormat, MatrixFormat, PlanFormat, RankFormat, ReviewFormat,
    ShowFormat,
};
use opx::score::RankBy;
use opx::simulate::Settings;
use opx::visible::{Written, breach};

/// Simulated years for the commands that take them: few, so that each
/// input stays cheap, and enough to reach every path of the simulation.
const FEW_YEARS: Settings = Settings {
    simulations: 50,
    seed: 1,
};

/// One folder for every run: the register file is written over each time.
fn folder() -> &'static tempfile::TempDir {
    static FOLDER: OnceLock<tempfile::TempDir> = OnceLock::new();
    FOLDER.get_or_init(|| tempfile::tempdir().expect("a temporary folder"))
}

fn run(written: Written, command: impl FnOnce(&mut Io<'_>) -> std::io::Result<ExitStatus>) {
    let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
    let mut io = Io {
        stdout: &mut stdout,
        stderr: &mut stderr,
        colour: true,
        stderr_colour: true,
        width: 80,
        step_summary: None,
    };
    command(&mut io).expect("writing to memory cannot fail");
    inert(&stdout, written);
    inert(&stderr, Written::Plain);
}

fn shown(markdown: bool) -> Written {
    if markdown {
        Written::Markdown
    } else {
        Written::Plain
    }
}

/// The output filter's promise holds for `bytes`.
fn inert(bytes: &[u8], written: Written) {
    // The commands run in colour: opx's own colour codes are set aside.
    if let Some(breach) = breach(&String::from_utf8_lossy(bytes), written, true) {
        panic!("{breach}");
    }
}

/// Splits an input at its first [`POLICY_MARK`] line into a register and
/// a policy, so the policy's reader (and a team's own matrix) is fuzzed too.
const POLICY_MARK: &[u8] = b"\n#opx.toml\n";

fuzz_target!(|bytes: &[u8]| {
    let path = folder().path().join("risks.toml");
    let (register, policy) = match bytes
        .windows(POLICY_MARK.len())
        .position(|w| w == POLICY_MARK)
    {
        Some(at) => (&bytes[..at], Some(&bytes[at + POLICY_MARK.len()..])),
        None => (bytes, None),
    };
    std::fs::write(&path, register).expect("the file is written");
    let config: Option<PathBuf> = policy.map(|policy| {
        let config = folder().path().join("policy.toml");
        std::fs::write(&config, policy).expect("the policy is written");
        config
    });
    let paths = vec![path.clone()];
    let today: jiff::civil::Date = "2026-11-27".parse().expect("a date");
    let limits = Limits::default();

    for format in [
        RankFormat::Table,
        RankFormat::Json,
        RankFormat::Markdown,
        RankFormat::Csv,
    ] {
        for (by, wide) in [(RankBy::Severity, false), (RankBy::Budget, true)] {
            run(shown(format == RankFormat::Markdown), |io| {
                commands::rank(
                    &commands::RankOptions {
                        paths: paths.clone(),
                        format,
                        output: None,
                        by,
                        top: None,
                        system: None,
                        min_band: None,
                        wide,
                        actions: true,
                        simulation: wide.then_some(FEW_YEARS),
                        config: config.clone(),
                        today,
                        limits,
                    },
                    io,
                )
            });
        }
    }
    for format in [
        CheckFormat::Human,
        CheckFormat::Short,
        CheckFormat::Json,
        CheckFormat::Github,
        CheckFormat::Sarif,
        CheckFormat::Junit,
        CheckFormat::Markdown,
    ] {
        run(
            if format == CheckFormat::Github {
                Written::Github
            } else {
                shown(format == CheckFormat::Markdown)
            },
            |io| {
                commands::check(
                    &commands::CheckOptions {
                        paths: paths.clone(),
                        format,
                        quiet: false,
                        output: None,
                        today,
                        simulation: FEW_YEARS,
                        config: config.clone(),
                        overrides: Overrides::default(),
                        limits,
                    },
                    io,
                )
            },
        );
    }
    // The first risk id the text names, if any, for `show`.
    let text = String::from_utf8_lossy(bytes);
    let risk = text
        .split("id = \"")
        .nth(2)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or("r")
        .to_string();
    for format in [ShowFormat::Table, ShowFormat::Json, ShowFormat::Markdown] {
        run(shown(format == ShowFormat::Markdown), |io| {
            commands::show(
                &commands::ShowOptions {
                    paths: paths.clone(),
                    risk: risk.clone(),
                    format,
                    output: None,
                    simulation: Some(FEW_YEARS),
                    config: config.clone(),
                    today,
                    limits,
                },
                io,
            )
        });
    }
    for format in [
        AssessFormat::Table,
        AssessFormat::Json,
        AssessFormat::Markdown,
    ] {
        run(shown(format == AssessFormat::Markdown), |io| {
            commands::assess(
                &commands::AssessOptions {
                    paths: paths.clone(),
                    format,
                    output: None,
                    simulation: Some(FEW_YEARS),
                    config: config.clone(),
                    today,
                    limits,
                },
                io,
            )
        });
    }
    for format in [PlanFormat::Table, PlanFormat::Markdown, PlanFormat::Json] {
        run(shown(format == PlanFormat::Markdown), |io| {
            commands::plan(
                &commands::PlanOptions {
                    paths: paths.clone(),
                    format,
                    output: None,
                    config: config.clone(),
                    single_risk_share: None,
                    today,
                    limits,
                },
                io,
            )
        });
    }
    for format in [
        ReviewFormat::Table,
        ReviewFormat::Markdown,
        ReviewFormat::Json,
    ] {
        run(shown(format == ReviewFormat::Markdown), |io| {
            commands::review(
                &commands::ReviewOptions {
                    paths: paths.clone(),
                    format,
                    output: None,
                    days: 7,
                    mark: Vec::new(),
                    config: config.clone(),
                    today,
                    limits,
                },
                io,
            )
        });
    }
    for format in [
        MatrixFormat::Table,
        MatrixFormat::Markdown,
        MatrixFormat::Json,
    ] {
        run(shown(format == MatrixFormat::Markdown), |io| {
            commands::matrix(
                &commands::MatrixOptions {
                    paths: paths.clone(),
                    format,
                    output: None,
                    view: opx::score::ViewName::Target,
                    ids: true,
                    system: None,
                    config: config.clone(),
                    today,
                    limits,
                },
                io,
            )
        });
    }
    run(Written::Plain, |io| {
        commands::report(
            &commands::ReportOptions {
                paths: paths.clone(),
                output: None,
                trend: false,
                simulation: FEW_YEARS,
                config: config.clone(),
                today,
                limits,
            },
            io,
        )
    });
    for format in [DiffFormat::Markdown, DiffFormat::Table, DiffFormat::Json] {
        run(shown(format == DiffFormat::Markdown), |io| {
            commands::diff(
                &commands::DiffOptions {
                    sides: DiffSides::Paths {
                        old: path.clone(),
                        new: path.clone(),
                    },
                    format,
                    output: None,
                    fail_on: None,
                    config: config.clone(),
                    today,
                    limits,
                },
                io,
            )
        });
    }
});
