//! `opx plan` as a Markdown document (to paste into a doc or a PR) and as JSON.

use std::io::{self, Write};

use schemars::JsonSchema;
use serde::Serialize;

use super::doc::Doc;
use super::json::DrillOut;
use super::{FACTOR_MARK, json, risk_name, round, status_mark};
use crate::budget::{minutes_text, percent_text};
use crate::plan::{Plan, Serves, Step, Week};
use crate::register::model::Risk;
use crate::score::ViewScore;

pub const VERSION: u32 = 1;

pub fn doc(plan: &Plan<'_>) -> Doc {
    let mut doc = Doc::default();
    // One system: its name once in the heading, bare risk ids below.
    let one_system = plan.systems.len() == 1;
    let name = |risk: &Risk| risk_name(risk, one_system);
    match plan.systems.as_slice() {
        [one] => doc.heading(1, format!("Risk plan for {} ({})", one.id, plan.today)),
        _ => doc.heading(1, format!("Risk plan ({})", plan.today)),
    }

    doc.heading(2, "Now");
    doc.text(format!(
        "Open actions of the risks that need them first: {}, too big for the error budget, or on a system over its budget.",
        plan.urgent_bands.join(" or ")
    ));
    weeks(&mut doc, &plan.now, one_system);

    doc.heading(2, "Later");
    weeks(&mut doc, &plan.later, one_system);

    doc.heading(2, "Drills to schedule");
    if plan.drills.is_empty() {
        doc.text("None: every done action of a high or critical risk was shown to work within its cadence.");
    } else {
        doc.text("Done actions to show working again, or for the first time: a drill, a restore test, a game day.");
        doc.table(
            vec!["action", "what", "risk", "owner", "last exercised", "due"],
            &["what", "owner"],
            plan.drills
                .iter()
                .map(|d| {
                    vec![
                        format!("{} {}", status_mark(d.facts.status), d.action.kind.name()),
                        d.action.what.clone(),
                        name(d.risk),
                        d.action
                            .owner
                            .clone()
                            .or_else(|| d.risk.owner.clone())
                            .unwrap_or_else(|| "-".to_string()),
                        d.facts
                            .exercised
                            .map_or("never".to_string(), |e| e.to_string()),
                        d.facts
                            .due
                            .map_or("now".to_string(), |due| format!("{due} (overdue)")),
                    ]
                })
                .collect(),
        );
        // What to exercise, whole, before who does it.
        doc.yields(&["owner"]);
        doc.optional(&["last exercised"]);
        doc.ids(&["risk"]);
    }

    doc.heading(2, "Accepted risks");
    if plan.accepted.is_empty() {
        doc.text("None.");
    } else {
        doc.table(
            vec!["risk", "accepted by", "why", "until", "bad min/yr"],
            &["accepted by", "why"],
            plan.accepted
                .iter()
                .map(|a| {
                    vec![
                        name(a.risk),
                        a.acceptance.by.clone(),
                        a.acceptance.reason.clone(),
                        a.acceptance.until.value.to_string(),
                        a.bad_minutes.map_or("-".to_string(), minutes_text),
                    ]
                })
                .collect(),
        );
        doc.optional(&["bad min/yr"]);
        doc.ids(&["risk"]);
    }

    doc.heading(2, "Escalation paths");
    doc.list(
        plan.systems
            .iter()
            .map(|s| {
                let path = if s.escalation.is_empty() {
                    "no escalation path".to_string()
                } else {
                    s.escalation.join(" → ")
                };
                match &s.oncall {
                    Some(oncall) => format!("{}: on-call {oncall}; {path}", s.id),
                    None => format!("{}: no on-call; {path}", s.id),
                }
            })
            .collect(),
    );

    doc.heading(2, "What the plan buys");
    if plan.gains.is_empty() && plan.factor_gains.is_empty() {
        doc.text("No open actions.");
    } else {
        let factors = plan.factor_gains.iter().map(|g| {
            vec![
                g.serves.name(one_system),
                FACTOR_MARK.to_string(),
                change(Some(g.bad_minutes.0), Some(g.bad_minutes.1), minutes_text),
                change(
                    g.budget_share.map(|s| s.0),
                    g.budget_share.map(|s| s.1),
                    percent_text,
                ),
            ]
        });
        doc.table(
            vec!["risk", "severity", "bad min/yr", "budget"],
            &[],
            plan.gains
                .iter()
                .map(|g| {
                    let (now, then) = (&g.score.current, &g.score.target);
                    vec![
                        name(g.risk),
                        format!(
                            "{} {} → {} {}",
                            now.severity, now.band, then.severity, then.band
                        ),
                        change(now.bad_minutes, then.bad_minutes, minutes_text),
                        change(now.budget_share, then.budget_share, percent_text),
                    ]
                })
                .chain(factors)
                .collect(),
        );
        doc.optional(&["budget"]);
        doc.ids(&["risk"]);
    }
    if !plan.budgets.is_empty() {
        doc.table(
            vec!["system", "bad min/yr", "budget", "error budget"],
            &[],
            plan.budgets
                .iter()
                .map(|(system, b)| {
                    vec![
                        system.id.clone(),
                        format!("{} → {}", minutes_text(b.current), minutes_text(b.target)),
                        format!(
                            "{} → {}",
                            percent_text(b.current_share()),
                            percent_text(b.target_share())
                        ),
                        format!("{} min/yr", minutes_text(b.budget)),
                    ]
                })
                .collect(),
        );
        doc.ids(&["system"]);
    }

    doc.heading(2, "No plan yet");
    if plan.no_plan.is_empty() {
        doc.text("Every risk has at least one action.");
    } else {
        doc.list(
            plan.no_plan
                .iter()
                .map(|s| format!("{}: {}", s.name(one_system), s.title()))
                .collect(),
        );
    }
    doc
}

fn weeks(doc: &mut Doc, weeks: &[Week<'_>], one_system: bool) {
    if weeks.is_empty() {
        doc.text("Nothing.");
    }
    for week in weeks {
        doc.heading(
            3,
            match week.week {
                Some(monday) => format!("Week of {monday}"),
                None => "No due date".to_string(),
            },
        );
        doc.table(
            vec!["action", "what", "risk", "owner", "due", "link"],
            &["what", "owner", "link"],
            week.steps
                .iter()
                .map(|s| step_cells(s, one_system))
                .collect(),
        );
        // What is to be done and where it is tracked, whole, before who
        // does it.
        doc.yields(&["owner"]);
        doc.optional(&["link"]);
        doc.ids(&["risk"]);
    }
}

/// An open action's cells: its status as a mark beside its kind
/// (`◐ respond`), so no column is spent on it.
fn step_cells(step: &Step<'_>, one_system: bool) -> Vec<String> {
    let a = step.action;
    let due = match (&a.due, step.overdue) {
        (Some(d), true) => format!("{} (overdue)", d.value),
        (Some(d), false) => d.value.to_string(),
        (None, _) => "-".to_string(),
    };
    vec![
        format!("{} {}", status_mark(a.status), a.kind.name()),
        a.what.clone(),
        step.serves.name(one_system),
        a.owner
            .as_deref()
            .or(step.serves.owner())
            .unwrap_or("-")
            .to_string(),
        due,
        a.link.clone().unwrap_or_else(|| "-".to_string()),
    ]
}

/// `91.31 → 20.00`, or `-` for a side that is unknown.
fn change(now: Option<f64>, then: Option<f64>, show: fn(f64) -> String) -> String {
    let text = |v: Option<f64>| v.map_or("-".to_string(), show);
    format!("{} → {}", text(now), text(then))
}

/// `{"system": …, "risk": …}`, or `"factor"` in place of `"risk"`.
/// `opx plan --format json`, version 1.
#[derive(Serialize, JsonSchema)]
#[schemars(title = "opx plan --format json, version 1", deny_unknown_fields)]
pub struct Document<'a> {
    #[schemars(extend("const" = 1))]
    version: u32,
    #[schemars(extend("format" = "date"))]
    today: String,
    /// Open actions of the risks that need them first, week by week.
    now: Vec<WeekOut<'a>>,
    /// The other open actions, week by week.
    later: Vec<WeekOut<'a>>,
    /// Done actions to show working again, or for the first time.
    drills: Vec<DrillOut<'a>>,
    accepted: Vec<AcceptedOut<'a>>,
    escalation: Vec<EscalationOut<'a>>,
    /// What finishing every open action buys.
    buys: BuysOut<'a>,
    /// Risks, then factors, with no action at all.
    no_plan: Vec<NoPlanOut<'a>>,
}

/// What an action serves, as the document's `system` and either `risk`
/// or `factor`.
struct ServesOut<'a> {
    system: &'a str,
    risk: Option<&'a str>,
    factor: Option<&'a str>,
}

impl<'a> ServesOut<'a> {
    fn of(serves: &Serves<'a>) -> Self {
        let id = Some(serves.id());
        let (risk, factor) = match serves {
            Serves::Risk(_) => (id, None),
            Serves::Factor { .. } => (None, id),
        };
        ServesOut {
            system: serves.system(),
            risk,
            factor,
        }
    }
}

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct WeekOut<'a> {
    /// The Monday the week starts on; null for actions with no due date.
    #[schemars(extend("format" = "date"))]
    week_of: Option<String>,
    actions: Vec<StepOut<'a>>,
}

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct StepOut<'a> {
    system: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    risk: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    factor: Option<&'a str>,
    kind: &'static str,
    what: &'a str,
    /// The action's owner, else its risk's or its system's.
    owner: Option<&'a str>,
    #[schemars(extend("format" = "date"))]
    due: Option<String>,
    overdue: bool,
    status: &'static str,
    link: Option<&'a str>,
}

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct AcceptedOut<'a> {
    system: &'a str,
    risk: &'a str,
    by: &'a str,
    reason: &'a str,
    #[schemars(extend("format" = "date"))]
    until: String,
    bad_minutes: Option<f64>,
}

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct EscalationOut<'a> {
    system: &'a str,
    oncall: Option<&'a str>,
    path: &'a [String],
}

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct BuysOut<'a> {
    risks: Vec<RiskGainOut<'a>>,
    systems: Vec<SystemGainOut<'a>>,
    /// Left out when no factor has an open action.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    factors: Vec<FactorGainOut<'a>>,
}

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct RiskGainOut<'a> {
    system: &'a str,
    risk: &'a str,
    now: ViewOut,
    after: ViewOut,
}

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct ViewOut {
    severity: u8,
    band: &'static str,
    bad_minutes: Option<f64>,
    budget_share: Option<f64>,
}

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct SystemGainOut<'a> {
    system: &'a str,
    budget_minutes: f64,
    now: SpentOut,
    after: SpentOut,
}

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct SpentOut {
    bad_minutes: f64,
    budget_share: f64,
}

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct FactorGainOut<'a> {
    system: &'a str,
    factor: &'a str,
    now: FactorSpentOut,
    after: FactorSpentOut,
}

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct FactorSpentOut {
    bad_minutes: f64,
    budget_share: Option<f64>,
}

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct NoPlanOut<'a> {
    system: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    risk: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    factor: Option<&'a str>,
    title: &'a str,
}

impl<'a> Document<'a> {
    pub fn of(plan: &'a Plan<'a>) -> Self {
        let weeks = |weeks: &'a [Week<'a>]| -> Vec<WeekOut<'a>> {
            weeks
                .iter()
                .map(|w| WeekOut {
                    week_of: w.week.map(|d| d.to_string()),
                    actions: w
                        .steps
                        .iter()
                        .map(|s| {
                            let serves = ServesOut::of(&s.serves);
                            StepOut {
                                system: serves.system,
                                risk: serves.risk,
                                factor: serves.factor,
                                kind: s.action.kind.name(),
                                what: &s.action.what,
                                owner: s.action.owner.as_deref().or(s.serves.owner()),
                                due: s.action.due.as_ref().map(|d| d.value.to_string()),
                                overdue: s.overdue,
                                status: s.action.status.name(),
                                link: s.action.link.as_deref(),
                            }
                        })
                        .collect(),
                })
                .collect()
        };
        let view = |v: &ViewScore| ViewOut {
            severity: v.severity,
            band: v.band.name(),
            bad_minutes: v.bad_minutes.map(round),
            budget_share: v.budget_share.map(round),
        };
        Document {
            version: VERSION,
            today: plan.today.to_string(),
            now: weeks(&plan.now),
            later: weeks(&plan.later),
            drills: plan
                .drills
                .iter()
                .map(|d| DrillOut::of(d.risk, d.action, &d.facts))
                .collect(),
            accepted: plan
                .accepted
                .iter()
                .map(|a| AcceptedOut {
                    system: &a.risk.system,
                    risk: &a.risk.id.value,
                    by: &a.acceptance.by,
                    reason: &a.acceptance.reason,
                    until: a.acceptance.until.value.to_string(),
                    bad_minutes: a.bad_minutes.map(round),
                })
                .collect(),
            escalation: plan
                .systems
                .iter()
                .map(|s| EscalationOut {
                    system: &s.id,
                    oncall: s.oncall.as_deref(),
                    path: &s.escalation,
                })
                .collect(),
            buys: BuysOut {
                risks: plan
                    .gains
                    .iter()
                    .map(|g| RiskGainOut {
                        system: &g.risk.system,
                        risk: &g.risk.id.value,
                        now: view(&g.score.current),
                        after: view(&g.score.target),
                    })
                    .collect(),
                systems: plan
                    .budgets
                    .iter()
                    .map(|(system, b)| SystemGainOut {
                        system: &system.id,
                        budget_minutes: round(b.budget),
                        now: SpentOut {
                            bad_minutes: round(b.current),
                            budget_share: round(b.current_share()),
                        },
                        after: SpentOut {
                            bad_minutes: round(b.target),
                            budget_share: round(b.target_share()),
                        },
                    })
                    .collect(),
                factors: plan
                    .factor_gains
                    .iter()
                    .map(|g| FactorGainOut {
                        system: g.serves.system(),
                        factor: g.serves.id(),
                        now: FactorSpentOut {
                            bad_minutes: round(g.bad_minutes.0),
                            budget_share: g.budget_share.map(|s| round(s.0)),
                        },
                        after: FactorSpentOut {
                            bad_minutes: round(g.bad_minutes.1),
                            budget_share: g.budget_share.map(|s| round(s.1)),
                        },
                    })
                    .collect(),
            },
            no_plan: plan
                .no_plan
                .iter()
                .map(|s| {
                    let serves = ServesOut::of(s);
                    NoPlanOut {
                        system: serves.system,
                        risk: serves.risk,
                        factor: serves.factor,
                        title: s.title(),
                    }
                })
                .collect(),
        }
    }
}

pub fn json(plan: &Plan<'_>, out: &mut dyn Write) -> io::Result<()> {
    json::write(out, &Document::of(plan))
}

#[cfg(test)]
mod snapshot {
    use crate::report::{PlanFormat, fixture};

    /// The shared fixture, as this format writes it.
    #[test]
    fn the_fixture() {
        insta::assert_snapshot!(fixture::plan(PlanFormat::Markdown, 200), @"
        # Risk plan (2026-11-27)

        ## Now

        Open actions of the risks that need them first: critical or high, too big for the error budget, or on a system over its budget.

        ### Week of 2026-11-16

        | action | what | risk | owner | due | link |
        | --- | --- | --- | --- | --- | --- |
        | ○ prevent | Autoscale workers | checkout/traffic-spike | bob | 2026-11-20 (overdue) | - |

        ## Later

        ### Week of 2027-01-11

        | action | what | risk | owner | due | link |
        | --- | --- | --- | --- | --- | --- |
        | ○ prevent | Split the rotation | checkout/overload (factor) | eng-manager | 2027-01-15 | - |

        ## Drills to schedule

        Done actions to show working again, or for the first time: a drill, a restore test, a game day.

        | action | what | risk | owner | last exercised | due |
        | --- | --- | --- | --- | --- | --- |
        | ✓ respond | Roll back with the deploy tool | checkout/bad-deploy | payments-team | 2026-03-01 | 2026-08-28 (overdue) |

        ## Accepted risks

        | risk | accepted by | why | until | bad min/yr |
        | --- | --- | --- | --- | --- |
        | search/stale-index | eng-manager | Users tolerate an hour of staleness | 2027-01-31 | - |

        ## Escalation paths

        - checkout: on-call payments-primary; payments-primary → eng-manager
        - search: no on-call; no escalation path

        ## What the plan buys

        | risk | severity | bad min/yr | budget |
        | --- | --- | --- | --- |
        | checkout/traffic-spike | 16 high → 8 medium | 78.00 → 78.00 | 14.8% → 14.8% |
        | checkout/overload (factor) | factor | 32.00 → 0.00 | 6.1% → 0.0% |

        | system | bad min/yr | budget | error budget |
        | --- | --- | --- | --- |
        | checkout | 170.00 → 138.00 | 32.3% → 26.2% | 525.96 min/yr |

        ## No plan yet

        - checkout/single-expert: Only one engineer knows the reconciliation job
        ");
    }
}

#[cfg(test)]
mod widths {
    use crate::report::{PlanFormat, fixture};

    fn at(width: usize) -> String {
        let text = fixture::plan(PlanFormat::Table, width);
        fixture::assert_fits(&text, width);
        text
    }

    #[test]
    fn at_80_columns() {
        insta::assert_snapshot!(at(80), @"
        Risk plan (2026-11-27)

        Now

        Open actions of the risks that need them first: critical or high, too big for
        the error budget, or on a system over its budget.

        Week of 2026-11-16

        action     what               risk                    due                   link
        ○ prevent  Autoscale workers  checkout/traffic-spike  2026-11-20 (overdue)  -
        hidden to fit: owner

        Later

        Week of 2027-01-11

        action     what                risk                        due         link
        ○ prevent  Split the rotation  checkout/overload (factor)  2027-01-15  -

        Drills to schedule

        Done actions to show working again, or for the first time: a drill, a restore
        test, a game day.

        action     what                        risk                 due
        ✓ respond  Roll back with the deploy…  checkout/bad-deploy  2026-08-28 (overdue)
        hidden to fit: owner, last exercised

        Accepted risks

        risk                accepted by  why                                  until
        search/stale-index  eng-manager  Users tolerate an hour of staleness  2027-01-31
        hidden to fit: bad min/yr

        Escalation paths

          • checkout: on-call payments-primary; payments-primary → eng-manager
          • search: no on-call; no escalation path

        What the plan buys

        risk                        severity            bad min/yr     budget
        checkout/traffic-spike      16 high → 8 medium  78.00 → 78.00  14.8% → 14.8%
        checkout/overload (factor)  factor              32.00 → 0.00   6.1% → 0.0%

        system    bad min/yr       budget         error budget
        checkout  170.00 → 138.00  32.3% → 26.2%  525.96 min/yr

        No plan yet

          • checkout/single-expert: Only one engineer knows the reconciliation job
        ");
    }

    #[test]
    fn at_120_columns() {
        insta::assert_snapshot!(at(120), @"
        Risk plan (2026-11-27)

        Now

        Open actions of the risks that need them first: critical or high, too big for the error budget, or on a system over its
        budget.

        Week of 2026-11-16

        action     what               risk                    owner  due                   link
        ○ prevent  Autoscale workers  checkout/traffic-spike  bob    2026-11-20 (overdue)  -

        Later

        Week of 2027-01-11

        action     what                risk                        owner        due         link
        ○ prevent  Split the rotation  checkout/overload (factor)  eng-manager  2027-01-15  -

        Drills to schedule

        Done actions to show working again, or for the first time: a drill, a restore test, a game day.

        action     what                            risk                 owner          last exercised  due
        ✓ respond  Roll back with the deploy tool  checkout/bad-deploy  payments-team  2026-03-01      2026-08-28 (overdue)

        Accepted risks

        risk                accepted by  why                                  until       bad min/yr
        search/stale-index  eng-manager  Users tolerate an hour of staleness  2027-01-31  -

        Escalation paths

          • checkout: on-call payments-primary; payments-primary → eng-manager
          • search: no on-call; no escalation path

        What the plan buys

        risk                        severity            bad min/yr     budget
        checkout/traffic-spike      16 high → 8 medium  78.00 → 78.00  14.8% → 14.8%
        checkout/overload (factor)  factor              32.00 → 0.00   6.1% → 0.0%

        system    bad min/yr       budget         error budget
        checkout  170.00 → 138.00  32.3% → 26.2%  525.96 min/yr

        No plan yet

          • checkout/single-expert: Only one engineer knows the reconciliation job
        ");
    }

    #[test]
    fn at_200_columns() {
        insta::assert_snapshot!(at(200), @"
        Risk plan (2026-11-27)

        Now

        Open actions of the risks that need them first: critical or high, too big for the error budget, or on a system over its budget.

        Week of 2026-11-16

        action     what               risk                    owner  due                   link
        ○ prevent  Autoscale workers  checkout/traffic-spike  bob    2026-11-20 (overdue)  -

        Later

        Week of 2027-01-11

        action     what                risk                        owner        due         link
        ○ prevent  Split the rotation  checkout/overload (factor)  eng-manager  2027-01-15  -

        Drills to schedule

        Done actions to show working again, or for the first time: a drill, a restore test, a game day.

        action     what                            risk                 owner          last exercised  due
        ✓ respond  Roll back with the deploy tool  checkout/bad-deploy  payments-team  2026-03-01      2026-08-28 (overdue)

        Accepted risks

        risk                accepted by  why                                  until       bad min/yr
        search/stale-index  eng-manager  Users tolerate an hour of staleness  2027-01-31  -

        Escalation paths

          • checkout: on-call payments-primary; payments-primary → eng-manager
          • search: no on-call; no escalation path

        What the plan buys

        risk                        severity            bad min/yr     budget
        checkout/traffic-spike      16 high → 8 medium  78.00 → 78.00  14.8% → 14.8%
        checkout/overload (factor)  factor              32.00 → 0.00   6.1% → 0.0%

        system    bad min/yr       budget         error budget
        checkout  170.00 → 138.00  32.3% → 26.2%  525.96 min/yr

        No plan yet

          • checkout/single-expert: Only one engineer knows the reconciliation job
        ");
    }
}
