//! `opx assess` as a document (terminal or Markdown) and as JSON.

use std::io::{self, Write};

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Serialize;

use super::doc::Doc;
use super::{factor_minutes_cell, json, round, size_cell};
use crate::assess::{Row, SystemAssessment};
use crate::budget::Size;
use crate::budget::{minutes_text, percent_text};
use crate::diag::plural;
use crate::factor::FactorState;
use crate::factor::added_text;
use crate::score::ViewName;

pub const VERSION: u32 = 1;

pub fn doc(systems: &[SystemAssessment<'_>], today: jiff::civil::Date) -> Doc {
    let mut doc = Doc::default();
    doc.heading(1, format!("Assessment ({today})"));
    if systems.is_empty() {
        doc.text("The register defines no system.");
    }
    for a in systems {
        let s = a.system;
        doc.heading(
            2,
            match &s.name {
                Some(name) => format!("{} — {name}", s.id),
                None => s.id.clone(),
            },
        );
        let or_none = |v: &Option<String>| v.clone().unwrap_or_else(|| "none".to_string());
        let listed = |v: &[String]| {
            if v.is_empty() {
                "none".to_string()
            } else {
                v.join(", ")
            }
        };
        doc.list(vec![
            format!("owner: {}", or_none(&s.owner)),
            format!("on-call: {}", or_none(&s.oncall)),
            format!(
                "escalation: {}",
                if s.escalation.is_empty() {
                    "none".to_string()
                } else {
                    s.escalation.join(" → ")
                }
            ),
            format!("scope: {}", listed(&s.scope)),
            format!("out of scope: {}", listed(&s.out_of_scope)),
            format!("dependencies: {}", listed(&s.dependencies)),
        ]);
        doc.heading(3, "Service levels and measures");
        if a.rows.is_empty() {
            doc.text(
                "No SLO and no baseline: add [system.slo] and [system.baseline] to assess it.",
            );
        } else {
            doc.table(
                vec!["area", "measure", "target", "measured", "verdict", "why"],
                &["why"],
                a.rows.iter().map(row_cells).collect(),
            );
            doc.optional(&["area"]);
        }
        doc.heading(3, "Risks");
        let bands: Vec<String> = a.by_band.iter().map(|(b, n)| format!("{n} {b}")).collect();
        let categories: Vec<String> = a
            .by_category
            .iter()
            .map(|(c, n)| format!("{n} {}", c.name()))
            .collect();
        doc.text(if a.risks == 0 {
            "No risks yet: identify what can break.".to_string()
        } else {
            format!(
                "{}: {}; by category {}.",
                plural(a.risks, "risk"),
                bands.join(", "),
                categories.join(", ")
            )
        });
        match &a.budget {
            Some(b) => {
                doc.text(format!(
                    "Error budget {} bad minutes a year. Expected {} ({}), of which accepted {}; {}.{}",
                    minutes_text(b.budget),
                    minutes_text(b.current),
                    percent_text(b.current_share()),
                    minutes_text(b.accepted),
                    match b.unallocated() {
                        left if left >= 0.0 => format!("unallocated {}", minutes_text(left)),
                        over => format!("accepted risks alone exceed it by {}", minutes_text(-over)),
                    },
                    match b.unknown {
                        0 => String::new(),
                        n => format!(" {} without an estimate left out.", plural(n, "risk")),
                    }
                ));
                if !a.factors.is_empty() {
                    doc.text(format!(
                        "The expected minutes include {} of {}.",
                        minutes_text(b.factors),
                        plural(a.factors.len(), "systemic factor")
                    ));
                }
                if !a.top.is_empty() {
                    doc.table(
                        vec!["largest", "title", "bad min/yr", "budget"],
                        &["title"],
                        a.top
                            .iter()
                            .map(|(risk, minutes, share)| {
                                vec![
                                    risk.id.value.clone(),
                                    risk.title.clone(),
                                    minutes_text(*minutes),
                                    share.map_or("-".to_string(), percent_text),
                                ]
                            })
                            .collect(),
                    );
                }
            }
            None => doc.text("No availability SLO, so no error budget to weigh the risks against."),
        }
        if !a.factors.is_empty() {
            factors(&mut doc, a);
        }
        if let Some(y) = a.simulated {
            doc.text(format!(
                "In simulated years: P50 {}, P90 {} bad minutes a year{}.",
                minutes_text(y.years.p50),
                minutes_text(y.years.p90),
                y.miss_probability.map_or(String::new(), |p| format!(
                    "; over the error budget in {} of years",
                    percent_text(p)
                ))
            ));
        }
        let h = &a.history;
        doc.text(match (h.incidents, h.near_misses) {
            (0, 0) => "No incidents or near-misses in the last 365 days.".to_string(),
            (n, m) => format!(
                "In the last 365 days: {} and {}, costing {} bad minutes{}.",
                plural(n, "incident"),
                plural(m, "near-miss"),
                h.bad_minutes
                    .map_or("an unknown number of".to_string(), minutes_text),
                a.budget.as_ref().map_or(String::new(), |b| format!(
                    " against {} expected a year",
                    minutes_text(b.current)
                )),
            ),
        });
    }
    doc
}

/// The system's factors: what each adds to every risk, what that costs
/// now and after the plan, and where it stands.
fn factors(doc: &mut Doc, a: &SystemAssessment<'_>) {
    doc.heading(3, "Systemic factors");
    doc.table(
        vec!["factor", "title", "adds", "bad min/yr", "budget", "state"],
        &["title"],
        a.factors
            .iter()
            .map(|f| {
                vec![
                    f.factor.id.value.clone(),
                    f.factor.title.clone(),
                    added_text(&f.factor.added),
                    factor_minutes_cell(f),
                    size_cell(f.budget_share, f.size),
                    f.state().name().to_string(),
                ]
            })
            .collect(),
    );
    // What a factor adds runs long: under its row on a narrow terminal.
    doc.detail("adds");
}

fn row_cells(row: &Row) -> Vec<String> {
    let dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".to_string());
    vec![
        row.group.name().to_string(),
        row.measure.to_string(),
        dash(&row.target),
        dash(&row.measured),
        row.verdict
            .map_or("-".to_string(), |v| v.name().to_string()),
        row.detail.clone(),
    ]
}

/// `opx assess --format json`, version 1.
#[derive(Serialize, JsonSchema)]
#[schemars(title = "opx assess --format json, version 1", deny_unknown_fields)]
pub struct Document<'a> {
    #[schemars(extend("const" = 1))]
    version: u32,
    #[schemars(extend("format" = "date"))]
    today: String,
    /// One per system, in the register's order.
    systems: Vec<SystemOut<'a>>,
}

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct SystemOut<'a> {
    id: &'a str,
    name: Option<&'a str>,
    owner: Option<&'a str>,
    oncall: Option<&'a str>,
    escalation: &'a [String],
    scope: &'a [String],
    out_of_scope: &'a [String],
    dependencies: &'a [String],
    /// The SLOs and measures beside what was measured, as the table shows
    /// them.
    measures: Vec<MeasureOut<'a>>,
    risks: RisksOut,
    /// Null without an availability SLO.
    budget: Option<BudgetOut>,
    incidents_365d: IncidentsOut,
    /// Its risks with the most current bad minutes, most first.
    largest: Vec<LargestOut<'a>>,
    /// Its systemic factors; left out when it has none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    factors: Vec<FactorOut<'a>>,
    /// Its simulated years; only with `--simulate`.
    #[serde(skip_serializing_if = "Option::is_none")]
    simulated: Option<SimulatedOut>,
}

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct MeasureOut<'a> {
    #[schemars(extend("enum" = ["service", "quality", "operations"]))]
    area: &'static str,
    measure: &'static str,
    target: Option<&'a str>,
    measured: Option<&'a str>,
    #[schemars(extend("enum" = ["ok", "at risk", "breached", null]))]
    verdict: Option<&'static str>,
    /// Why the verdict is what it is, in words.
    detail: &'a str,
}

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct RisksOut {
    total: usize,
    /// How many risks in each band of the policy's matrix.
    by_band: BTreeMap<&'static str, usize>,
    by_category: BTreeMap<&'static str, usize>,
}

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct BudgetOut {
    /// The bad minutes a year the availability SLO allows.
    minutes: f64,
    /// Its risks' and factors' current bad minutes a year together.
    expected_minutes: f64,
    /// `expected_minutes` as a share of `minutes` (1 is all of it).
    expected_share: f64,
    accepted_minutes: f64,
    unallocated_minutes: f64,
    risks_without_estimate: usize,
}

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct IncidentsOut {
    count: usize,
    near_misses: usize,
    bad_minutes: Option<f64>,
}

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct LargestOut<'a> {
    risk: &'a str,
    bad_minutes: f64,
    budget_share: Option<f64>,
}

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct FactorOut<'a> {
    factor: &'a str,
    bad_minutes: f64,
    target_bad_minutes: f64,
    budget_share: Option<f64>,
    budget_size: Option<Size>,
    state: FactorState,
}

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct SimulatedOut {
    bad_minutes: YearsOut,
    /// The share of simulated years over the budget; null without one.
    miss_probability: Option<f64>,
}

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct YearsOut {
    p50: f64,
    p90: f64,
}

impl<'a> Document<'a> {
    pub fn of(systems: &'a [SystemAssessment<'a>], today: jiff::civil::Date) -> Self {
        let systems = systems
            .iter()
            .map(|a| {
                let s = a.system;
                SystemOut {
                    id: &s.id,
                    name: s.name.as_deref(),
                    owner: s.owner.as_deref(),
                    oncall: s.oncall.as_deref(),
                    escalation: &s.escalation,
                    scope: &s.scope,
                    out_of_scope: &s.out_of_scope,
                    dependencies: &s.dependencies,
                    measures: a
                        .rows
                        .iter()
                        .map(|r| MeasureOut {
                            area: r.group.name(),
                            measure: r.measure,
                            target: r.target.as_deref(),
                            measured: r.measured.as_deref(),
                            verdict: r.verdict.map(|v| v.name()),
                            detail: &r.detail,
                        })
                        .collect(),
                    risks: RisksOut {
                        total: a.risks,
                        by_band: a.by_band.iter().map(|(b, n)| (b.name(), *n)).collect(),
                        by_category: a.by_category.iter().map(|(c, n)| (c.name(), *n)).collect(),
                    },
                    budget: a.budget.as_ref().map(|b| BudgetOut {
                        minutes: round(b.budget),
                        expected_minutes: round(b.current),
                        expected_share: round(b.current_share()),
                        accepted_minutes: round(b.accepted),
                        unallocated_minutes: round(b.unallocated()),
                        risks_without_estimate: b.unknown,
                    }),
                    incidents_365d: IncidentsOut {
                        count: a.history.incidents,
                        near_misses: a.history.near_misses,
                        bad_minutes: a.history.bad_minutes.map(round),
                    },
                    largest: a
                        .top
                        .iter()
                        .map(|(r, m, share)| LargestOut {
                            risk: &r.id.value,
                            bad_minutes: round(*m),
                            budget_share: share.map(round),
                        })
                        .collect(),
                    factors: a
                        .factors
                        .iter()
                        .map(|f| FactorOut {
                            factor: &f.factor.id.value,
                            bad_minutes: round(f.bad_minutes(ViewName::Current)),
                            target_bad_minutes: round(f.bad_minutes(ViewName::Target)),
                            budget_share: f.budget_share.map(round),
                            budget_size: f.size,
                            state: f.state(),
                        })
                        .collect(),
                    simulated: a.simulated.map(|y| SimulatedOut {
                        bad_minutes: YearsOut {
                            p50: round(y.years.p50),
                            p90: round(y.years.p90),
                        },
                        miss_probability: y.miss_probability.map(round),
                    }),
                }
            })
            .collect();
        Document {
            version: VERSION,
            today: today.to_string(),
            systems,
        }
    }
}

pub fn json(
    systems: &[SystemAssessment<'_>],
    today: jiff::civil::Date,
    out: &mut dyn Write,
) -> io::Result<()> {
    json::write(out, &Document::of(systems, today))
}

#[cfg(test)]
mod snapshot {
    use crate::report::{AssessFormat, fixture};

    /// The shared fixture, as this format writes it.
    #[test]
    fn the_fixture() {
        insta::assert_snapshot!(fixture::assess(AssessFormat::Table, 200), @"
        Assessment (2026-11-27)

        checkout — Checkout API

          • owner: payments-team
          • on-call: payments-primary
          • escalation: payments-primary → eng-manager
          • scope: none
          • out of scope: none
          • dependencies: none

        Service levels and measures

        area        measure         target  measured  verdict   why
        service     availability    99.9%   99.85%    breached  150.0% of the error budget burned
        service     data loss       RPO 1h  3h        breached  worst: bad-deploy
        operations  pages per week  -       4         -         no threshold in opx.toml

        Risks

        3 risks: 3 high; by category 1 technical, 1 process, 1 people.

        Error budget 525.96 bad minutes a year. Expected 170.00 (32.3%), of which accepted 0.00; unallocated 525.96. 1 risk without an estimate left out.

        The expected minutes include 32.00 of 1 systemic factor.

        largest        title                                    bad min/yr  budget
        traffic-spike  Traffic spikes saturate the worker pool  78.00       14.8%
        bad-deploy     A bad deploy breaks checkout             60.00       11.4%

        Systemic factors

        factor    title                  bad min/yr    budget  state
        overload  On-call is overloaded  32.00 → 0.00  6.1%    open
                  +10m detect

        In the last 365 days: 1 incident and 0 near-misses, costing 21.60 bad minutes against 170.00 expected a year.

        search

          • owner: search-team
          • on-call: none
          • escalation: none
          • scope: none
          • out of scope: none
          • dependencies: none

        Service levels and measures

        No SLO and no baseline: add [system.slo] and [system.baseline] to assess it.

        Risks

        1 risk: 1 low; by category 1 data.

        No availability SLO, so no error budget to weigh the risks against.

        In the last 365 days: 0 incidents and 1 near-miss, costing 0.00 bad minutes.
        ");
    }
}
