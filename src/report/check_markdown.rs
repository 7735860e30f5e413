//! `opx check --format markdown`: the findings as a table for a PR
//! comment, and the job summary shown by `--format github`.

use super::markdown;
use super::{CheckContext, check_summary, place_text};
use crate::diag::{Severity, Tally};

pub fn render(ctx: &CheckContext<'_>) -> String {
    let tally = Tally::of(ctx.findings);
    let verdict = if tally.errors > 0 {
        "❌ the gate failed"
    } else {
        "✅ the gate passed"
    };
    let mut out = format!(
        "### opx check: {verdict}\n\n{}\n\n",
        markdown::cell(&check_summary(ctx))
    );
    if ctx.findings.is_empty() {
        out.push_str("No findings.\n");
        return out;
    }
    let rows = ctx.findings.iter().map(|d| {
        [
            match d.severity {
                Severity::Error => "error".to_string(),
                Severity::Warning => "warning".to_string(),
                Severity::Note => "note".to_string(),
            },
            d.code.id().to_string(),
            place_text(d, ctx.sources),
            d.subject.as_ref().map_or(String::new(), |s| s.name()),
            d.message.clone(),
            d.help.clone().unwrap_or_default(),
        ]
    });
    out.push_str(&markdown::table(
        &["level", "code", "where", "risk", "finding", "help"],
        rows,
    ));
    out
}
