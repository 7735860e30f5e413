//! `opx check --format github`: workflow commands that GitHub Actions
//! turns into annotations on the pull request's lines.

use std::io::{self, Write};

use super::{CheckReport, check_summary, places};
use crate::diag::Severity;

pub fn write(report: &CheckReport<'_>, out: &mut dyn Write) -> io::Result<()> {
    for (d, place) in report.findings.iter().zip(places(report)) {
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "notice",
        };
        let mut properties = Vec::new();
        if let Some(place) = place {
            properties.push(format!("file={}", property(&place.file)));
            if let (Some(start), Some(end)) = (place.start, place.end) {
                properties.push(format!("line={}", start.line));
                properties.push(format!("col={}", start.col));
                if end.line == start.line {
                    properties.push(format!("endColumn={}", end.col));
                } else {
                    properties.push(format!("endLine={}", end.line));
                }
            }
        }
        properties.push(format!("title={}", property(d.code.id())));
        let mut text = d.message.clone();
        if let Some(help) = &d.help {
            text.push_str("\nhelp: ");
            text.push_str(help);
        }
        writeln!(
            out,
            "::{command} {}::{}",
            properties.join(","),
            message(&text)
        )?;
    }
    writeln!(out, "opx: {}", check_summary(report))
}

/// Escapes the message of a workflow command.
fn message(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value, where `:` and `,` also delimit.
fn property(text: &str) -> String {
    message(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_follows_the_runner() {
        assert_eq!(message("100% done\r\nnext"), "100%25 done%0D%0Anext");
        assert_eq!(property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }
}
