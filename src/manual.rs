//! The manual pages: clap's sections, then the ones a manual page is read
//! for and `--help` has no room for.
//!
//! Every page turns its `--help` footer into EXAMPLES and EXIT STATUS;
//! opx(1) adds a short register format, FILES, ENVIRONMENT and SEE ALSO.
//! All the text here is opx's own, written to work after `cargo install`
//! (no example file of the source tree).

use std::io::{self, Write};

use clap::CommandFactory;

use crate::cli::{Cli, MAN_PAGES};

/// Writes the page of `command` (opx's own without one); `Ok(false)` when
/// there is no such page.
pub fn render(command: Option<&str>, out: &mut dyn Write) -> io::Result<bool> {
    let mut cli = Cli::command();
    cli.build();
    let page = match command {
        Some(name) => {
            let Some(&(command_name, page)) = MAN_PAGES.iter().find(|(c, _)| *c == name) else {
                return Ok(false);
            };
            let Some(sub) = cli.find_subcommand(command_name) else {
                return Ok(false);
            };
            // A command's page is named as man names it: opx-check.
            sub.clone().name(page)
        }
        None => cli,
    };
    let footer = page
        .get_after_long_help()
        .or_else(|| page.get_after_help())
        .map(|text| text.to_string())
        .unwrap_or_default();
    let (examples, exit_codes) = split_footer(&footer);
    let top = command.is_none();
    let versioned = page.get_version().is_some();
    let has_options = page.get_arguments().any(|arg| !arg.is_hide_set());
    // clap's own EXTRA section would repeat the footer as it is.
    let man = clap_mangen::Man::new(page.after_help(None::<&str>).after_long_help(None::<&str>));
    man.render_title(out)?;
    man.render_name_section(out)?;
    man.render_synopsis_section(out)?;
    man.render_description_section(out)?;
    if has_options {
        man.render_options_section(out)?;
    }
    if top {
        man.render_subcommands_section(out)?;
        out.write_all(REGISTER_FORMAT.as_bytes())?;
        out.write_all(FILES.as_bytes())?;
        out.write_all(ENVIRONMENT.as_bytes())?;
    }
    if !exit_codes.is_empty() {
        writeln!(out, ".SH \"EXIT STATUS\"")?;
        for (code, meaning) in &exit_codes {
            writeln!(out, ".TP\n.B {}\n{}", escape(code), escape(meaning))?;
        }
    }
    if !examples.is_empty() {
        writeln!(out, ".SH EXAMPLES")?;
        for example in &examples {
            writeln!(out, ".PP\n.nf\n.RS 4\n{}\n.RE\n.fi", escape(example))?;
        }
    }
    writeln!(out, ".SH \"SEE ALSO\"")?;
    let this = page_name(command);
    let pages: Vec<String> = std::iter::once("opx")
        .chain(MAN_PAGES.iter().map(|(_, page)| *page))
        .filter(|name| *name != this)
        .map(|name| format!("\\fB{}\\fR(1)", escape(name)))
        .collect();
    writeln!(out, "{}", pages.join(", "))?;
    writeln!(
        out,
        ".PP\nThe opx book holds the whole reference: every key of the register, the policy, \
         the gate's rules and the output formats. It is the docs/ folder of opx's source \
         repository; mdbook serve docs shows it as a site."
    )?;
    if versioned {
        man.render_version_section(out)?;
    }
    Ok(true)
}

fn page_name(command: Option<&str>) -> String {
    command
        .and_then(|name| MAN_PAGES.iter().find(|(c, _)| *c == name))
        .map(|(_, page)| page.to_string())
        .unwrap_or_else(|| "opx".to_string())
}

/// The examples and the exit codes of a `--help` footer, which is written
/// `Examples:` then indented lines, a blank line, `Exit codes:` then
/// `  CODE  meaning` lines.
fn split_footer(footer: &str) -> (Vec<String>, Vec<(String, String)>) {
    let mut examples = Vec::new();
    let mut codes = Vec::new();
    let mut in_codes = false;
    for line in footer.lines() {
        match line.trim_end() {
            "Examples:" => in_codes = false,
            "Exit codes:" => in_codes = true,
            "" => {}
            entry if in_codes => {
                let entry = entry.trim_start();
                let (code, meaning) = entry.split_once(' ').unwrap_or((entry, ""));
                codes.push((code.to_string(), meaning.trim().to_string()));
            }
            entry => examples.push(entry.trim().to_string()),
        }
    }
    (examples, codes)
}

/// Text as roff shows it: backslashes and minus signs kept (so a command
/// copies as typed), and no line read as a request.
fn escape(text: &str) -> String {
    let text = text.replace('\\', "\\e").replace('-', "\\-");
    if text.starts_with(['.', '\'']) {
        format!("\\&{text}")
    } else {
        text
    }
}

const REGISTER_FORMAT: &str = r#".SH "REGISTER FORMAT"
A register is one or more TOML files. A file holds at most one
.B [system]
table and any number of
.B [[risk]]
and
.B [[incident]]
tables; a risk belongs to the system of its file, or names it with
.BR "system = \(dqid\(dq" .
A small one:
.PP
.nf
.RS 4
[system]
id = "checkout"
owner = "payments\-team"

[system.slo]
availability = "99.9%"

[[risk]]
id = "traffic\-spike"
title = "Traffic spikes during peak hours"
category = "technical"       # technical | data | process | people
likelihood = "likely"        # 1\-5, or rare .. almost\-certain
impact = "major"             # 1\-5, or negligible .. severe
time_to_detect = "15m"
time_to_recover = "1h"
frequency = "4/year"         # with the times: bad minutes a year
users_affected = "20%"
reviewed = 2026\-10\-01

[[risk.action]]
kind = "detect"              # prevent | detect | respond
what = "Page on p95 latency and 5xx rate"
status = "done"              # planned | in\-progress | done | failed
signal = "checkout\-p95\-latency"
exercised = 2026\-11\-20
.RE
.fi
.PP
Severity is likelihood \(mu impact (1\-25), banded low, medium, high and
critical unless the policy names another matrix. Bad minutes a year are
(time to detect + time to recover) \(mu users affected \(mu incidents a
year, set against the error budget of the availability SLO. A risk is
accepted only by a
.B [risk.accepted]
table with
.BR by ,
.B reason
and
.BR until .
Any key the format does not define is an error.
.B opx init
writes a starter register with every key and a word on what each takes;
.B opx schema
prints the format as a JSON Schema for an editor.
"#;

const FILES: &str = r#".SH FILES
.TP
.I PATH
A register file, or a folder: every
.I *.toml
below it whose top level has a
.BR [system] ,
.B [[risk]]
or
.B [[incident]]
table, in sorted order. Hidden files and folders, the policy file and
other TOML files
.RI ( Cargo.toml )
are passed over; a link that leads out of the folder or into a hidden
folder is skipped unread. Without a
.IR PATH ,
the current folder. A file over 16 MiB is refused
.RB ( \-\-max\-file\-size ).
.TP
.I opx.toml
The policy: when the gate fails, rule levels, the risk matrix, the
Prometheus server. opx uses the nearest one in the register file's
folder or a parent, up to the repository's root, or the file
.B \-\-config
names. Without one, the defaults.
.TP
.I .git
.BR "opx trend" ,
.B opx report
and
.B opx diff \-\-git
read the register's history with git, which runs with no pager,
external diff, textconv or signature program.
.PP
opx writes only the file
.B \-\-output
names, the CI job summary,
.B opx init\c
\&'s starter files, and the dates
.B opx review \-\-mark
and
.B opx measure \-\-write
record in place.
"#;

const ENVIRONMENT: &str = r#".SH ENVIRONMENT
.TP
.B NO_COLOR
Set and not empty: no colour (as
.BR "\-\-color never" ).
.TP
.B COLUMNS
The width of a table written anywhere but a terminal (100 when unset).
.TP
.B OPX_PROMETHEUS_TOKEN
The bearer token
.B opx measure
sends; it is never read from a file.
.TP
.B GITHUB_STEP_SUMMARY
.B opx check \-\-format github
appends a Markdown summary to this file.
.TP
.B COMPLETE
Set by the shell's completion script
.RB ( "opx completions" )
to ask opx for the words that complete a command line.
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_footer_splits_into_examples_and_exit_codes() {
        let (examples, codes) = split_footer(
            "Examples:\n  opx rank\n  opx rank risks/ --top 5\n\nExit codes:\n  0  success\n  2  the input is wrong",
        );
        assert_eq!(examples, ["opx rank", "opx rank risks/ --top 5"]);
        assert_eq!(
            codes,
            [
                ("0".to_string(), "success".to_string()),
                ("2".to_string(), "the input is wrong".to_string())
            ]
        );
    }

    #[test]
    fn roff_reads_text_as_text() {
        assert_eq!(escape(".risks[0]"), "\\&.risks[0]");
        assert_eq!(escape("--top 5 \\n"), "\\-\\-top 5 \\en");
    }
}
