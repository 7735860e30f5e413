//! The `opx` binary: parse arguments, run a command, print, exit.

mod cli;

use std::io::{self, Write};
use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, ColorWhen, Command};
use opx::commands::{self, ExitStatus, Outcome};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            // clap exits 0 for --help and --version, 2 for a usage error.
            return ExitCode::from(if e.use_stderr() {
                ExitStatus::Error as u8
            } else {
                0
            });
        }
    };
    let choice = match cli.color {
        ColorWhen::Auto => anstream::ColorChoice::Auto,
        ColorWhen::Always => anstream::ColorChoice::Always,
        ColorWhen::Never => anstream::ColorChoice::Never,
    };
    let outcome = match cli.command {
        Command::Rank(args) => commands::rank(&args.into_options()),
        Command::Check(args) => commands::check(&args.into_options()),
        Command::Assess(args) => commands::assess(&args.into_options()),
        Command::Plan(args) => commands::plan(&args.into_options()),
        Command::Review(args) => commands::review(&args.into_options()),
        Command::Diff(args) => match args.into_options() {
            Ok(options) => commands::diff(&options),
            Err(e) => {
                let _ = e.print();
                return ExitCode::from(ExitStatus::Error as u8);
            }
        },
        Command::Schema(args) => commands::schema(args.kind.kind()),
    };
    write(outcome, choice)
}

fn write(outcome: Outcome, choice: anstream::ColorChoice) -> ExitCode {
    let mut stderr = anstream::AutoStream::new(io::stderr().lock(), choice);
    let _ = stderr.write_all(outcome.stderr.as_bytes());
    if let (Some(summary), Some(path)) = (
        &outcome.step_summary,
        std::env::var_os("GITHUB_STEP_SUMMARY"),
    ) {
        // The job summary is a nicety: failing to write it never fails the gate.
        let appended = std::fs::OpenOptions::new()
            .append(true)
            .create(true)
            .open(&path)
            .and_then(|mut file| file.write_all(summary.as_bytes()));
        if let Err(e) = appended {
            let _ = writeln!(
                stderr,
                "warning: cannot append to $GITHUB_STEP_SUMMARY: {e}"
            );
        }
    }
    let mut stdout = anstream::AutoStream::new(io::stdout().lock(), choice);
    match stdout
        .write_all(outcome.stdout.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => {}
        // `opx rank | head` closes the pipe early; that is not an error.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {}
        Err(e) => {
            let _ = writeln!(stderr, "error: cannot write output: {e}");
            return ExitCode::from(ExitStatus::Error as u8);
        }
    }
    ExitCode::from(outcome.status as u8)
}
