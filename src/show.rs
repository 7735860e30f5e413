//! `opx show`: everything about one risk, or one systemic factor, on one
//! screen, with the working behind every number.

use crate::analysis::{Analysis, AssessedFactor, AssessedRisk};
use crate::check::{Checked, Waived};
use crate::diag::Diagnostic;
use crate::explain::{Working, factor_working, working};
use crate::history::Contradiction;
use crate::register::model::Incident;
use crate::score::{RankBy, ViewName};
use crate::source::Sources;

/// One risk, and everything known about it.
pub struct Shown<'a> {
    pub analysis: &'a Analysis<'a>,
    /// The register's files, for the places of findings.
    pub sources: &'a Sources,
    pub risk: &'a AssessedRisk<'a>,
    /// Its place in `opx rank`'s default order, from 1.
    pub rank: usize,
    /// How the inherent, current and target scores come about.
    pub working: [Working; 3],
    /// Every incident recorded against it, newest first.
    pub incidents: Vec<&'a Incident>,
    /// Incidents of the last year that took longer than its estimates.
    pub contradictions: Vec<Contradiction<'a>>,
    /// What `opx check` finds about it.
    pub findings: Vec<Diagnostic>,
    /// What it would find, but a waiver sets aside.
    pub waived: Vec<Waived>,
}

/// The risk at `index` of `analysis`, with `checked` the gate's findings
/// for the whole register (those about this risk are kept).
pub fn show<'a>(
    analysis: &'a Analysis<'a>,
    sources: &'a Sources,
    index: usize,
    checked: Checked,
) -> Shown<'a> {
    let risk = &analysis.risks[index];
    let budget = analysis.system_of(risk).budget.as_ref().map(|b| b.budget);
    let share = analysis.single_risk_share;
    let score = &risk.score;
    let mut incidents = analysis.incidents_of(risk).to_vec();
    incidents.sort_by_key(|i| std::cmp::Reverse(i.date.value));
    Shown {
        analysis,
        sources,
        risk,
        rank: analysis
            .ranked(RankBy::Severity)
            .iter()
            .position(|&i| i == index)
            .map_or(0, |p| p + 1),
        working: [&score.inherent, &score.current, &score.target]
            .map(|v| working(v, budget, share)),
        incidents,
        contradictions: analysis.contradictions(risk),
        findings: checked
            .findings
            .into_iter()
            .filter(|d| is_about(d, risk))
            .collect(),
        waived: checked
            .waived
            .into_iter()
            .filter(|w| is_about(&w.finding, risk))
            .collect(),
    }
}

fn is_about(d: &Diagnostic, risk: &AssessedRisk<'_>) -> bool {
    names(d, &risk.risk.system, &risk.risk.id.value)
}

/// Whether a gate finding is about the risk or factor `id` of `system`.
fn names(d: &Diagnostic, system: &str, id: &str) -> bool {
    d.subject
        .as_ref()
        .is_some_and(|s| s.system == system && s.risk.as_deref() == Some(id))
}

/// One systemic factor, and everything known about it.
pub struct ShownFactor<'a> {
    pub analysis: &'a Analysis<'a>,
    pub sources: &'a Sources,
    pub factor: &'a AssessedFactor<'a>,
    /// How its inherent, current and target costs come about.
    pub working: [String; 3],
    /// What `opx check` finds about it.
    pub findings: Vec<Diagnostic>,
}

/// The factor at `index` of `analysis`, with `checked` the gate's findings
/// for the whole register (those about this factor are kept).
pub fn show_factor<'a>(
    analysis: &'a Analysis<'a>,
    sources: &'a Sources,
    index: usize,
    checked: Checked,
) -> ShownFactor<'a> {
    let f = &analysis.factors[index];
    let system = &analysis.systems[f.system].system.id;
    ShownFactor {
        analysis,
        sources,
        factor: f,
        working: ViewName::ALL
            .map(|view| factor_working(f.factor, view, f.exposure(view), f.bad_minutes(view))),
        findings: checked
            .findings
            .into_iter()
            .filter(|d| names(d, system, &f.factor.id.value))
            .collect(),
    }
}
