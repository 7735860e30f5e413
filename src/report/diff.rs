//! `opx diff` as a pull-request comment (Markdown), for a terminal, and as JSON.

use std::io::{self, Write};

use schemars::JsonSchema;
use serde::Serialize;

use super::doc::Doc;
use super::{json, round};
use crate::diff::{Category, Diff, Exempts, FactorScored, Scored, Widening};

pub const VERSION: u32 = 1;

pub fn doc(diff: &Diff<'_>) -> Doc {
    let mut doc = Doc::default();
    // The verdict comes first: it is what a reviewer reads in the PR list.
    doc.text(diff.verdict());
    if !diff.risks.is_empty() {
        doc.heading(3, "Risks");
        changes_table(
            &mut doc,
            "risk",
            diff.risks
                .iter()
                .map(|r| {
                    vec![
                        if r.new_critical {
                            format!("{}, new critical", r.category.name())
                        } else {
                            r.category.name().to_string()
                        },
                        format!("{}/{}", r.system, r.id),
                        r.title.clone(),
                        r.changes.join("; "),
                    ]
                })
                .collect(),
        );
    }
    if !diff.factors.is_empty() {
        doc.heading(3, "Systemic factors");
        changes_table(
            &mut doc,
            "factor",
            diff.factors
                .iter()
                .map(|f| {
                    vec![
                        f.category.name().to_string(),
                        format!("{}/{}", f.system, f.id),
                        f.title.to_string(),
                        f.changes.join("; "),
                    ]
                })
                .collect(),
        );
    }
    if !diff.exceptions.is_empty() || !diff.policy_loosened.is_empty() {
        doc.heading(3, "Exceptions to the gate");
        doc.text("What this change lets through that the gate stopped before: review it as you would code that skips a test.");
    }
    if !diff.policy_loosened.is_empty() {
        doc.text("The policy (opx.toml) is looser for every risk:");
        doc.list(diff.policy_loosened.clone());
    }
    if !diff.exceptions.is_empty() {
        doc.table(
            vec!["", "risk", "sets aside", "until", "by", "reason"],
            &["reason"],
            diff.exceptions
                .iter()
                .map(|e| {
                    vec![
                        match e.widening {
                            Widening::Extended { from } => format!("extended from {from}"),
                            w => w.name().to_string(),
                        },
                        format!("{}/{}", e.system, e.risk),
                        exempts_text(e.exempts),
                        e.until.to_string(),
                        e.by.unwrap_or("-").to_string(),
                        e.reason.to_string(),
                    ]
                })
                .collect(),
        );
        doc.detail("reason");
        doc.ids(&["risk"]);
    }
    if !diff.new_incidents.is_empty() {
        doc.heading(3, "New incidents");
        doc.list(
            diff.new_incidents
                .iter()
                .map(|i| {
                    let kind = if i.near_miss { "near-miss" } else { "incident" };
                    let risks: Vec<String> = i
                        .risks
                        .iter()
                        .map(|r| format!("{}/{}", r.value.0, r.value.1))
                        .collect();
                    match &i.summary {
                        Some(summary) => format!(
                            "{} ({kind}, {}): {summary}; {}",
                            i.id.value,
                            i.date.value,
                            risks.join(", ")
                        ),
                        None => format!(
                            "{} ({kind}, {}): {}",
                            i.id.value,
                            i.date.value,
                            risks.join(", ")
                        ),
                    }
                })
                .collect(),
        );
    }
    doc
}

/// Changed risks or factors, a row each: heading, name, title and what
/// changed, the last on its own line in a narrow terminal.
fn changes_table(doc: &mut Doc, name: &'static str, rows: Vec<Vec<String>>) {
    doc.table(
        vec!["", name, "title", "what changed"],
        &["title", "what changed"],
        rows,
    );
    doc.optional(&["title"]);
    doc.detail("what changed");
    doc.ids(&[name]);
}

/// `the risk (accepted)` or `no-runbook (waived)`.
fn exempts_text(exempts: Exempts) -> String {
    match exempts {
        Exempts::Risk => "the risk (accepted)".to_string(),
        Exempts::Rule(code) => format!("{} (waived)", code.id()),
    }
}

/// `opx diff --format json`, version 1.
#[derive(Serialize, JsonSchema)]
#[schemars(title = "opx diff --format json, version 1", deny_unknown_fields)]
pub struct Document<'a> {
    #[schemars(extend("const" = 1))]
    version: u32,
    #[schemars(extend("format" = "date"))]
    today: String,
    /// The summary line, in words.
    verdict: String,
    summary: SummaryOut,
    /// How the change loosens the policy, a line each.
    policy_loosened: &'a [String],
    /// Changed, added and removed risks, worst first.
    risks: Vec<RiskOut<'a>>,
    /// Changed, added and removed systemic factors, worst first.
    factors: Vec<FactorOut<'a>>,
    /// Acceptances and waivers the change widens.
    exceptions: Vec<ExceptionOut<'a>>,
    new_incidents: Vec<IncidentOut<'a>>,
}

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct SummaryOut {
    worse: usize,
    better: usize,
    new_critical: usize,
    added: usize,
    removed: usize,
    otherwise_changed: usize,
    exceptions: usize,
    policy_loosened: bool,
    factors: FactorSummaryOut,
}

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct FactorSummaryOut {
    worse: usize,
    better: usize,
    added: usize,
    removed: usize,
    otherwise_changed: usize,
}

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct RiskOut<'a> {
    system: &'a str,
    risk: &'a str,
    title: &'a str,
    #[schemars(extend("enum" = ["added", "removed", "changed"]))]
    kind: &'static str,
    #[schemars(extend("enum" = ["worse", "better", "mixed", "same"]))]
    direction: &'static str,
    new_critical: bool,
    /// Its current view before; null when it was added.
    before: Option<ScoreOut>,
    /// Its current view after; null when it was removed.
    after: Option<ScoreOut>,
    /// What changed, in words, inputs first.
    changes: &'a [String],
}

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct ScoreOut {
    severity: u8,
    band: &'static str,
    exposure: Option<u8>,
    bad_minutes: Option<f64>,
    state: &'static str,
}

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct FactorOut<'a> {
    system: &'a str,
    factor: &'a str,
    title: &'a str,
    #[schemars(extend("enum" = ["added", "removed", "changed"]))]
    kind: &'static str,
    #[schemars(extend("enum" = ["worse", "better", "same"]))]
    direction: &'static str,
    before: Option<FactorScoreOut>,
    after: Option<FactorScoreOut>,
    changes: &'a [String],
}

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct FactorScoreOut {
    bad_minutes: f64,
    budget_share: Option<f64>,
    state: &'static str,
}

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct ExceptionOut<'a> {
    system: &'a str,
    risk: &'a str,
    #[schemars(extend("enum" = ["acceptance", "waiver"]))]
    kind: &'static str,
    /// The rule a waiver sets aside; null for an acceptance.
    rule: Option<&'static str>,
    change: &'static str,
    #[schemars(extend("format" = "date"))]
    until: String,
    /// The `until` it had, where the change moved it later.
    #[schemars(extend("format" = "date"))]
    until_before: Option<String>,
    by: Option<&'a str>,
    reason: &'a str,
}

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct IncidentOut<'a> {
    system: &'a str,
    id: &'a str,
    #[schemars(extend("format" = "date"))]
    date: String,
    near_miss: bool,
}

fn kind(category: Category) -> &'static str {
    match category {
        Category::Added => "added",
        Category::Removed => "removed",
        _ => "changed",
    }
}

fn direction(category: Category, mixed: bool) -> &'static str {
    match category {
        Category::Worse => "worse",
        Category::Better => "better",
        _ if mixed => "mixed",
        _ => "same",
    }
}

impl<'a> Document<'a> {
    pub fn of(diff: &'a Diff<'a>) -> Self {
        let score = |s: &Option<Scored>| {
            s.map(|s| {
                let current = &s.score.current;
                ScoreOut {
                    severity: current.severity,
                    band: current.band.name(),
                    exposure: current.exposure,
                    bad_minutes: current.bad_minutes.map(round),
                    state: s.state.name(),
                }
            })
        };
        let factor = |s: &Option<FactorScored>| {
            s.map(|s| FactorScoreOut {
                bad_minutes: round(s.bad_minutes),
                budget_share: s.budget_share.map(round),
                state: s.state.name(),
            })
        };
        Document {
            version: VERSION,
            today: diff.today.to_string(),
            verdict: diff.verdict(),
            summary: SummaryOut {
                worse: diff.count(Category::Worse),
                better: diff.count(Category::Better),
                new_critical: diff.new_critical(),
                added: diff.count(Category::Added),
                removed: diff.count(Category::Removed),
                otherwise_changed: diff.count(Category::Changed),
                exceptions: diff.exceptions.len(),
                policy_loosened: !diff.policy_loosened.is_empty(),
                factors: FactorSummaryOut {
                    worse: diff.factor_count(Category::Worse),
                    better: diff.factor_count(Category::Better),
                    added: diff.factor_count(Category::Added),
                    removed: diff.factor_count(Category::Removed),
                    otherwise_changed: diff.factor_count(Category::Changed),
                },
            },
            policy_loosened: &diff.policy_loosened,
            risks: diff
                .risks
                .iter()
                .map(|r| RiskOut {
                    system: &r.system,
                    risk: &r.id,
                    title: &r.title,
                    kind: kind(r.category),
                    direction: direction(r.category, r.mixed),
                    new_critical: r.new_critical,
                    before: score(&r.before),
                    after: score(&r.after),
                    changes: &r.changes,
                })
                .collect(),
            factors: diff
                .factors
                .iter()
                .map(|f| FactorOut {
                    system: f.system,
                    factor: f.id,
                    title: f.title,
                    kind: kind(f.category),
                    direction: direction(f.category, false),
                    before: factor(&f.before),
                    after: factor(&f.after),
                    changes: &f.changes,
                })
                .collect(),
            exceptions: diff
                .exceptions
                .iter()
                .map(|e| ExceptionOut {
                    system: e.system,
                    risk: e.risk,
                    kind: match e.exempts {
                        Exempts::Risk => "acceptance",
                        Exempts::Rule(_) => "waiver",
                    },
                    rule: match e.exempts {
                        Exempts::Risk => None,
                        Exempts::Rule(code) => Some(code.id()),
                    },
                    change: e.widening.name(),
                    until: e.until.to_string(),
                    until_before: match e.widening {
                        Widening::Extended { from } => Some(from.to_string()),
                        _ => None,
                    },
                    by: e.by,
                    reason: e.reason,
                })
                .collect(),
            new_incidents: diff
                .new_incidents
                .iter()
                .map(|i| IncidentOut {
                    system: &i.system,
                    id: &i.id.value,
                    date: i.date.value.to_string(),
                    near_miss: i.near_miss,
                })
                .collect(),
        }
    }
}

pub fn json(diff: &Diff<'_>, out: &mut dyn Write) -> io::Result<()> {
    json::write(out, &Document::of(diff))
}

#[cfg(test)]
mod snapshot {
    use crate::report::{DiffFormat, fixture};

    /// The shared fixture, as this format writes it.
    #[test]
    fn the_fixture() {
        insta::assert_snapshot!(fixture::diff(DiffFormat::Markdown, 200), @r#"
        1 risk worse, 2 added (1 new critical), 1 better, 1 removed; 1 factor worse; 1 exception to review

        ### Risks

        |  | risk | title | what changed |
        | --- | --- | --- | --- |
        | worse | checkout/bad-deploy | A bad deploy breaks checkout | frequency 2/year → 6/year; bad minutes a year 60.00 → 180.00 |
        | added, new critical | checkout/card-outage | The card processor is down | new risk, 20 critical |
        | added | search/stale-index-gone | The index serves stale results | new risk, 4 low |
        | better | checkout/traffic-spike | Traffic spikes saturate the worker pool | likelihood 4 (likely) → 2 (unlikely); severity 16 high → 8 medium; state mitigating → mitigated; action done: prevent "Autoscale workers" |
        | removed | search/stale-index | The index serves stale results | removed from the register |

        ### Systemic factors

        |  | factor | title | what changed |
        | --- | --- | --- | --- |
        | worse | checkout/overload | On-call is overloaded | bad minutes a year 32.00 → 72.00 (its system's risks changed) |

        ### Exceptions to the gate

        What this change lets through that the gate stopped before: review it as you would code that skips a test.

        |  | risk | sets aside | until | by | reason |
        | --- | --- | --- | --- | --- | --- |
        | added | search/stale-index-gone | the risk (accepted) | 2027-01-31 | eng-manager | Users tolerate an hour of staleness |
        "#);
    }
}

#[cfg(test)]
mod widths {
    use crate::report::{DiffFormat, fixture};

    fn at(width: usize) -> String {
        let text = fixture::diff(DiffFormat::Table, width);
        fixture::assert_fits(&text, width);
        text
    }

    #[test]
    fn at_80_columns() {
        insta::assert_snapshot!(at(80), @r#"
        1 risk worse, 2 added (1 new critical), 1 better, 1 removed; 1 factor worse; 1
        exception to review

        Risks

                             risk                     title
        worse                checkout/bad-deploy      A bad deploy breaks checkout
                             frequency 2/year → 6/year; bad minutes a year
                             60.00 → 180.00
        added, new critical  checkout/card-outage     The card processor is down
                             new risk, 20 critical
        added                search/stale-index-gone  The index serves stale results
                             new risk, 4 low
        better               checkout/traffic-spike   Traffic spikes saturate the worke…
                             likelihood 4 (likely) → 2 (unlikely); severity 16 high → 8
                             medium; state mitigating → mitigated; action done: prevent
                             "Autoscale workers"
        removed              search/stale-index       The index serves stale results
                             removed from the register

        Systemic factors

               factor             title
        worse  checkout/overload  On-call is overloaded
               bad minutes a year 32.00 → 72.00 (its system's risks changed)

        Exceptions to the gate

        What this change lets through that the gate stopped before: review it as you
        would code that skips a test.

               risk                     sets aside           until       by
        added  search/stale-index-gone  the risk (accepted)  2027-01-31  eng-manager
               Users tolerate an hour of staleness
        "#);
    }

    #[test]
    fn at_120_columns() {
        insta::assert_snapshot!(at(120), @r#"
        1 risk worse, 2 added (1 new critical), 1 better, 1 removed; 1 factor worse; 1 exception to review

        Risks

                             risk                     title
        worse                checkout/bad-deploy      A bad deploy breaks checkout
                             frequency 2/year → 6/year; bad minutes a year 60.00 → 180.00
        added, new critical  checkout/card-outage     The card processor is down
                             new risk, 20 critical
        added                search/stale-index-gone  The index serves stale results
                             new risk, 4 low
        better               checkout/traffic-spike   Traffic spikes saturate the worker pool
                             likelihood 4 (likely) → 2 (unlikely); severity 16 high → 8 medium; state mitigating → mitigated;
                             action done: prevent "Autoscale workers"
        removed              search/stale-index       The index serves stale results
                             removed from the register

        Systemic factors

               factor             title
        worse  checkout/overload  On-call is overloaded
               bad minutes a year 32.00 → 72.00 (its system's risks changed)

        Exceptions to the gate

        What this change lets through that the gate stopped before: review it as you would code that skips a test.

               risk                     sets aside           until       by
        added  search/stale-index-gone  the risk (accepted)  2027-01-31  eng-manager
               Users tolerate an hour of staleness
        "#);
    }

    #[test]
    fn at_200_columns() {
        insta::assert_snapshot!(at(200), @r#"
        1 risk worse, 2 added (1 new critical), 1 better, 1 removed; 1 factor worse; 1 exception to review

        Risks

                             risk                     title
        worse                checkout/bad-deploy      A bad deploy breaks checkout
                             frequency 2/year → 6/year; bad minutes a year 60.00 → 180.00
        added, new critical  checkout/card-outage     The card processor is down
                             new risk, 20 critical
        added                search/stale-index-gone  The index serves stale results
                             new risk, 4 low
        better               checkout/traffic-spike   Traffic spikes saturate the worker pool
                             likelihood 4 (likely) → 2 (unlikely); severity 16 high → 8 medium; state mitigating → mitigated; action done: prevent "Autoscale workers"
        removed              search/stale-index       The index serves stale results
                             removed from the register

        Systemic factors

               factor             title
        worse  checkout/overload  On-call is overloaded
               bad minutes a year 32.00 → 72.00 (its system's risks changed)

        Exceptions to the gate

        What this change lets through that the gate stopped before: review it as you would code that skips a test.

               risk                     sets aside           until       by
        added  search/stale-index-gone  the risk (accepted)  2027-01-31  eng-manager
               Users tolerate an hour of staleness
        "#);
    }
}
