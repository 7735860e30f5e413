//! The `opx` binary: parse arguments, run a command, exit.

mod cli;
mod completion;
mod manual;

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, Command};
use opx::commands::{self, ExitStatus, Io};
use opx::output::ClosablePipe;

fn main() -> ExitCode {
    completion::complete();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let e = cli::with_suggestion(e);
            let _ = e.print();
            // clap exits 0 for --help and --version, 2 for a usage error.
            return ExitCode::from(if e.use_stderr() {
                ExitStatus::Error as u8
            } else {
                0
            });
        }
    };
    let stdout = io::stdout();
    let stderr = io::stderr();
    let colour = cli.color.enabled(&stdout);
    let stderr_colour = cli.color.enabled(&stderr);
    // `opx check | head -1` closes the pipe early: what follows is dropped,
    // and the run still exits with the status it decides.
    let mut out = BufWriter::with_capacity(1 << 16, ClosablePipe::new(stdout.lock()));
    let mut err = stderr.lock();
    let mut io = Io {
        stdout: &mut out,
        stderr: &mut err,
        colour,
        stderr_colour,
        width: cli::width(&stdout),
        step_summary: std::env::var_os("GITHUB_STEP_SUMMARY").map(Into::into),
    };
    let ran = match cli.command {
        Command::Rank(args) => commands::rank(&args.into_options(), &mut io),
        Command::Check(args) => commands::check(&args.into_options(), &mut io),
        Command::Show(args) => commands::show(&args.into_options(), &mut io),
        Command::Matrix(args) => commands::matrix(&args.into_options(), &mut io),
        Command::Trend(args) => commands::trend(&args.into_options(), &mut io),
        Command::Report(args) => commands::report(&args.into_options(), &mut io),
        Command::Assess(args) => commands::assess(&args.into_options(), &mut io),
        Command::Plan(args) => commands::plan(&args.into_options(), &mut io),
        Command::Review(args) => commands::review(&args.into_options(), &mut io),
        Command::Measure(args) => commands::measure(&args.into_options(), &mut io),
        Command::Diff(args) => match args.into_options() {
            Ok(options) => commands::diff(&options, &mut io),
            Err(e) => {
                let _ = e.print();
                Ok(ExitStatus::Error)
            }
        },
        Command::Schema(args) => commands::schema(args.kind, &mut io),
        Command::Init(args) => commands::init(&args.into_options(), &mut io),
        Command::Completions(args) => {
            completion::write_registration(args.shell, io.stdout).map(|()| ExitStatus::Success)
        }
        Command::Man(args) => manual::render(args.command.as_deref(), io.stdout).map(|found| {
            if found {
                ExitStatus::Success
            } else {
                ExitStatus::Error
            }
        }),
    };
    let status = ran.and_then(|status| out.flush().map(|()| status));
    match status {
        Ok(status) => ExitCode::from(status as u8),
        Err(e) => {
            let _ = writeln!(io::stderr(), "error: cannot write output: {e}");
            ExitCode::from(ExitStatus::Error as u8)
        }
    }
}
