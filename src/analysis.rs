//! The register assessed once: every fact the commands and reports show,
//! computed in one pass.
//!
//! For each risk: its scores in the three views, its state, how its bad
//! minutes compare with the single-risk threshold, its incidents of the
//! last year, when its next review is due, whether its acceptance holds,
//! each action's evidence (last exercised, due, failed, whether it counts:
//! see [`crate::exercise`]) and its data loss against its system's RPO.
//! For each system: its error budget against its risks, its incidents,
//! its worst data loss, and what its measures spent of its budget. Every command reads an [`Analysis`]; no report computes a
//! fact of its own, so two formats cannot disagree.

use jiff::civil::Date;

use crate::band::RiskMatrix;
use crate::budget::{self, Size, SystemBudget};
use crate::dates::{add_days, within};
use crate::diag::Code;
use crate::exception::{self, Exception, Standing, Stood};
use crate::exercise::{ActionFacts, IncidentEvidence};
use crate::factor::{self, Exposure, FactorState};
use crate::history::{Contradiction, History, IncidentIndex, WINDOW_DAYS};
use crate::policy::Policy;
use crate::register::model::{Action, Factor, Incident, Register, Risk, System, Waiver};
use crate::score::{self, RankBy, RankKey, Score, State, ViewName};
use crate::years::{Settings, SystemYears, Years};
use std::collections::HashMap;

/// The register with every risk and system assessed on `today`.
pub struct Analysis<'r> {
    pub register: &'r Register,
    pub today: Date,
    /// The share of its system's error budget one risk may use.
    pub single_risk_share: f64,
    /// The policy's matrix, which banded every score.
    pub matrix: RiskMatrix,
    /// The policy's notice before an exception ends (`expiring_within`).
    pub notice_days: u32,
    /// One per risk, in the register's order.
    pub risks: Vec<AssessedRisk<'r>>,
    /// One per system, in the register's order (by id).
    pub systems: Vec<AssessedSystem<'r>>,
    /// One per systemic factor, system by system in the register's order.
    pub factors: Vec<AssessedFactor<'r>>,
    /// How the years were simulated, once `simulate::apply` has run.
    pub simulation: Option<Settings>,
    incidents: IncidentIndex<'r>,
    /// Some risk says what data it would lose: asked for each row of a
    /// ranking, so found once.
    data_loss: bool,
}

/// One risk, assessed.
#[derive(Debug, Clone)]
pub struct AssessedRisk<'r> {
    pub risk: &'r Risk,
    /// Its system's place in [`Analysis::systems`].
    pub system: usize,
    pub score: Score,
    pub state: State,
    /// Its current bad minutes against the single-risk threshold, where its
    /// system has an error budget and its bad minutes are known.
    pub size: Option<Size>,
    /// Its incidents and near-misses of the last year.
    pub history: History,
    pub review: Review,
    /// Its acceptance and waivers, each with where it stands under the
    /// policy's `expiring_within`.
    pub exceptions: Vec<Stood<'r>>,
    /// It is open and its impact reaches the policy's `fail_impact` (or
    /// its band the policy's `fail_band`): what
    /// the gate fails as unmitigated, and what the plan puts first.
    pub unmitigated: bool,
    /// The places, in its actions, of those that show no evidence of
    /// what they change (see [`score::shows_evidence`]); most often none.
    pub without_evidence: Vec<usize>,
    /// Its yearly bad minutes across simulated years, once
    /// `simulate::apply` has run and where they are known.
    pub simulated: Option<Years>,
    /// One per action, in its order: exercised, due, failed, counting.
    pub actions: Vec<ActionFacts<'r>>,
    /// Its current data loss is more than its system's RPO, and it is not
    /// accepted: the loss, judged by a range's high end.
    pub over_rpo: Option<std::time::Duration>,
}

impl<'r> AssessedRisk<'r> {
    /// Its own estimates fall in one of the matrix's two highest bands:
    /// what its mitigations are there to hold down, so what the rules on
    /// exercises and failures look at.
    pub fn serious(&self) -> bool {
        self.score.inherent.band.is_serious()
    }

    /// Its actions with their facts, in order.
    pub fn actions(&self) -> impl Iterator<Item = (&'r Action, &ActionFacts<'r>)> + '_ {
        self.risk.actions.iter().zip(&self.actions)
    }

    /// Its actions that want a drill: on a risk whose own estimates are in
    /// the two highest bands, a done action overdue for its exercise, or a
    /// detect or respond action never exercised (a prevent action shows
    /// itself in the risk's rate). The gate's exercise rules, the plan's
    /// drills and the review's exercises all read this one list.
    pub fn drills(&self) -> impl Iterator<Item = (&'r Action, &ActionFacts<'r>)> + '_ {
        self.actions()
            .filter(|(action, facts)| self.wants_drill(action, facts))
    }

    /// Whether `action` of this risk, with its `facts`, wants a drill (see
    /// [`AssessedRisk::drills`]).
    pub fn wants_drill(&self, action: &Action, facts: &ActionFacts<'_>) -> bool {
        use crate::exercise::Exercise;
        use crate::register::model::ActionKind;
        self.serious()
            && match facts.exercise {
                Some(Exercise::Overdue) => true,
                Some(Exercise::Never) => action.kind != ActionKind::Prevent,
                _ => false,
            }
    }

    /// How many of its actions are in effect: done and not failed.
    pub fn done_count(&self) -> usize {
        self.actions.iter().filter(|f| f.in_effect).count()
    }

    /// Nothing is being done about it: no action, or only ones found not
    /// to work, and no acceptance that holds.
    pub fn no_plan(&self) -> bool {
        self.actions.iter().all(|f| f.failed.is_some()) && self.state != State::Accepted
    }

    /// Its waiver of `rule` that holds today, if any: the gate sets that
    /// rule's findings on this risk aside, and every view says so.
    pub fn waiver(&self, rule: Code) -> Option<&'r Waiver> {
        self.exceptions.iter().find_map(|e| match e.exception {
            Exception::Waiver(w) if w.rule == rule && e.standing.holds() => Some(w),
            _ => None,
        })
    }

    /// Its waiver of `too-big` that holds today: a risk too big for its
    /// budget on purpose, which views show without alarm.
    pub fn too_big_waived(&self) -> Option<&'r Waiver> {
        self.waiver(Code::TooBig)
    }

    /// It names an acceptance whose `until` has passed.
    pub fn acceptance_expired(&self) -> bool {
        self.exceptions.iter().any(|e| {
            matches!(e.exception, Exception::Acceptance(_)) && e.standing == Standing::Expired
        })
    }

    /// Its exceptions that set something aside today.
    pub fn exceptions_held(&self) -> impl Iterator<Item = &Stood<'r>> {
        self.exceptions.iter().filter(|e| e.standing.holds())
    }

    /// How many of its actions were found not to work.
    pub fn failed_count(&self) -> usize {
        self.actions.iter().filter(|f| f.failed.is_some()).count()
    }

    /// Whether its `i`th action shows what it changes.
    pub fn shows_evidence(&self, i: usize) -> bool {
        !self.without_evidence.contains(&i)
    }

    /// Its actions in effect (done, not failed) that show no evidence of
    /// what they changed.
    pub fn unevidenced(&self) -> impl Iterator<Item = &'r Action> + '_ {
        self.actions()
            .enumerate()
            .filter(|(i, (_, facts))| facts.in_effect && !self.shows_evidence(*i))
            .map(|(_, (a, _))| a)
    }

    /// Its mitigation is claimed, not measured: it counts as mitigated (or
    /// mitigating) only through actions in effect that show no evidence of
    /// what they changed. Never so under `mitigation = "evidence"`, where
    /// such actions do not count at all.
    pub fn mitigation_unevidenced(&self) -> bool {
        let evidenced = self
            .actions
            .iter()
            .enumerate()
            .any(|(i, facts)| facts.in_effect && self.shows_evidence(i));
        matches!(self.state, State::Mitigating | State::Mitigated) && !evidenced
    }
}

/// When a risk is next due for review.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Review {
    /// Days between reviews: its `review_every`, else its band's default.
    pub every_days: u32,
    /// The day it is next due; `None` when it was never reviewed (it is due now).
    pub due: Option<Date>,
}

impl Review {
    /// Due before today, or never reviewed.
    pub fn overdue(&self, today: Date) -> bool {
        self.due.is_none_or(|due| due < today)
    }
}

/// One systemic factor, assessed: its cost in each view, over its
/// system's risks as they are in that view (see [`crate::factor`]).
#[derive(Debug, Clone)]
pub struct AssessedFactor<'r> {
    pub factor: &'r Factor,
    /// Its system's place in [`Analysis::systems`].
    pub system: usize,
    /// Bad minutes a year, inherent, current and target; 0 where it is removed.
    pub bad_minutes: [f64; 3],
    /// The sums over its system's risks that its cost is worked from, per view.
    pub exposure: [Exposure; 3],
    /// Its current bad minutes as a share of its system's error budget.
    pub budget_share: Option<f64>,
    /// Its current bad minutes against the single-risk threshold.
    pub size: Option<Size>,
}

impl AssessedFactor<'_> {
    /// Its bad minutes a year in `view`.
    pub fn bad_minutes(&self, view: ViewName) -> f64 {
        self.bad_minutes[view as usize]
    }

    /// The sums over its system's risks that its cost in `view` is worked from.
    pub fn exposure(&self, view: ViewName) -> &Exposure {
        &self.exposure[view as usize]
    }

    pub fn state(&self) -> FactorState {
        FactorState::of(self.factor)
    }
}

/// One system, assessed.
#[derive(Debug, Clone)]
pub struct AssessedSystem<'r> {
    pub system: &'r System,
    /// Its risks against its error budget, when it has an availability SLO.
    pub budget: Option<SystemBudget>,
    /// Its incidents and near-misses of the last year, each counted once
    /// however many of its risks it realised.
    pub history: History,
    /// Its risks' places in [`Analysis::risks`], in the register's order.
    pub risks: Vec<usize>,
    /// Its factors' places in [`Analysis::factors`], in the register's order.
    pub factors: Vec<usize>,
    /// Its risks together across simulated years, once
    /// `simulate::apply` has run and where any has known bad minutes.
    pub simulated: Option<SystemYears>,
    /// Its risk that would lose the most recent data now, and how much
    /// (a range judged by its high end); `None` when none says.
    pub worst_data_loss: Option<(usize, std::time::Duration)>,
    /// How much of its error budget its measured health has spent, where
    /// it has an availability SLO and a measure.
    pub spent: Option<Spent>,
}

/// What a system's measured health has spent of its yearly error budget.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spent {
    pub measure: Measured,
    /// The share of the budget spent: 1.8 for 180%.
    pub share: f64,
}

impl Spent {
    /// More than the whole budget is gone.
    pub fn exhausted(&self) -> bool {
        self.share > 1.0
    }
}

/// Which measure of a system's health spent its budget.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Measured {
    /// `[system.baseline] availability` against the SLO's.
    Availability {
        measured: crate::units::Percent,
        objective: crate::units::Percent,
    },
    /// The bad minutes of its incidents of the last 365 days against the
    /// yearly budget.
    Incidents { bad_minutes: f64, budget: f64 },
}

/// What a system's measures spent of its budget: the larger of what its
/// baseline availability and its year of incidents show, where known.
fn spent(system: &System, history: &History, budget: Option<f64>) -> Option<Spent> {
    let objective = system.slo.availability?;
    let by_availability = system.baseline.availability.map(|measured| Spent {
        measure: Measured::Availability {
            measured,
            objective,
        },
        share: (1.0 - measured.fraction()) / (1.0 - objective.fraction()),
    });
    // At least what the incidents that give their durations cost: one
    // added without them cannot clear the finding.
    let known = Some(history.known_bad_minutes).filter(|&bad| bad > 0.0);
    let by_incidents = budget.zip(known).map(|(budget, bad)| Spent {
        measure: Measured::Incidents {
            bad_minutes: bad,
            budget,
        },
        share: budget::share(bad, budget),
    });
    match (by_availability, by_incidents) {
        (Some(a), Some(i)) if i.share > a.share => Some(i),
        (Some(a), _) => Some(a),
        (None, i) => i,
    }
}

impl<'r> Analysis<'r> {
    /// Assesses `register` on `today`, under `policy`'s single-risk share
    /// and idea of mitigation.
    pub fn new(register: &'r Register, today: Date, policy: &Policy) -> Analysis<'r> {
        let single_risk_share = policy.single_risk_share;
        let incidents = IncidentIndex::new(register);
        let evidence = IncidentEvidence::new(register, today);
        let incidents_by_system = system_incidents(register, today);
        let mut systems: Vec<AssessedSystem<'r>> = register
            .systems
            .iter()
            .map(|system| AssessedSystem {
                system,
                budget: system
                    .slo
                    .availability
                    .map(|a| SystemBudget::new(budget::yearly_budget(a))),
                history: History::of(
                    incidents_by_system
                        .get(system.id.as_str())
                        .into_iter()
                        .flatten()
                        .copied(),
                ),
                risks: Vec::new(),
                factors: Vec::new(),
                simulated: None,
                worst_data_loss: None,
                spent: None,
            })
            .collect();
        for assessed in &mut systems {
            assessed.spent = spent(
                assessed.system,
                &assessed.history,
                assessed.budget.as_ref().map(|b| b.budget),
            );
        }
        // Per system and view, the sums its factors' costs need.
        let mut exposures = vec![[Exposure::default(); 3]; systems.len()];
        let mut risks = Vec::with_capacity(register.risks.len());
        for (index, risk) in register.risks.iter().enumerate() {
            // The loader joins every risk to a system that exists.
            let Some(system) = register.system_index(&risk.system) else {
                continue;
            };
            let assessed = &mut systems[system];
            let without_evidence: Vec<usize> = risk
                .actions
                .iter()
                .enumerate()
                .filter(|(_, a)| !score::shows_evidence(risk, a))
                .map(|(i, _)| i)
                .collect();
            let facts: Vec<ActionFacts<'r>> = risk
                .actions
                .iter()
                .enumerate()
                .map(|(i, a)| {
                    ActionFacts::of(
                        risk,
                        a,
                        &evidence,
                        today,
                        (policy.mitigation, policy.exercise_every_days),
                        !without_evidence.contains(&i),
                    )
                })
                .collect();
            // Only an action that counts under the policy lowers the risk
            // today: under `mitigation = "exercised"` a done action never
            // shown to work changes neither its bad minutes nor its data
            // loss, so no claim alone can meet an RPO or a budget.
            let counts: Vec<bool> = facts.iter().map(|f| f.counts).collect();
            let failed: Vec<bool> = facts.iter().map(|f| f.failed.is_some()).collect();
            let score = Score::with(
                risk,
                assessed.budget.as_ref().map(|b| b.budget),
                &policy.matrix,
                &counts,
                &failed,
            );
            let state = score::state_of(risk, today, &counts);
            let data_loss = score.current.view.data_loss.map(|d| d.worst());
            if let Some(loss) = data_loss
                && assessed
                    .worst_data_loss
                    .is_none_or(|(_, worst)| loss > worst)
            {
                assessed.worst_data_loss = Some((risks.len(), loss));
            }
            let over_rpo = data_loss
                .zip(assessed.system.slo.rpo)
                .filter(|(loss, rpo)| loss > rpo && state != State::Accepted)
                .map(|(loss, _)| loss);
            if let Some(budget) = &mut assessed.budget {
                budget.add(
                    score.current.bad_minutes,
                    score.target.bad_minutes,
                    state == State::Accepted,
                );
            }
            assessed.risks.push(index);
            for view in ViewName::ALL {
                exposures[system][view as usize].add(&view.of(&score).view);
            }
            let every_days = risk
                .review_every_days
                .unwrap_or_else(|| score.current.band.default_review_days());
            risks.push(AssessedRisk {
                risk,
                system,
                size: score
                    .current
                    .budget_share
                    .map(|share| budget::size(share, single_risk_share)),
                history: incidents.history(risk, today),
                review: Review {
                    every_days,
                    due: risk
                        .reviewed
                        .map(|r| add_days(r.value, i64::from(every_days))),
                },
                exceptions: exception::of(risk, today, policy.expiring_within_days),
                // Open: no action counts, so it is judged as written.
                unmitigated: state == State::Open
                    && (score.inherent.view.impact.level >= policy.fail_impact
                        || policy.fail_band.is_some_and(|b| score.inherent.band >= b)),
                without_evidence,
                simulated: None,
                actions: facts,
                over_rpo,
                score,
                state,
            });
        }
        let mut factors = Vec::new();
        for (index, (assessed, exposure)) in systems.iter_mut().zip(&exposures).enumerate() {
            for f in &assessed.system.factors {
                let bad_minutes = ViewName::ALL.map(|view| {
                    if factor::removed(f, view) {
                        0.0
                    } else {
                        factor::cost(&f.added, &exposure[view as usize])
                    }
                });
                let current = bad_minutes[ViewName::Current as usize];
                let budget_share = assessed
                    .budget
                    .as_ref()
                    .map(|b| budget::share(current, b.budget));
                if let Some(budget) = &mut assessed.budget {
                    budget.add_factor(current, bad_minutes[ViewName::Target as usize]);
                }
                assessed.factors.push(factors.len());
                factors.push(AssessedFactor {
                    factor: f,
                    system: index,
                    bad_minutes,
                    exposure: *exposure,
                    budget_share,
                    size: budget_share.map(|share| budget::size(share, single_risk_share)),
                });
            }
        }
        let data_loss = risks
            .iter()
            .any(|r| r.score.current.view.data_loss.is_some());
        Analysis {
            register,
            today,
            data_loss,
            single_risk_share,
            notice_days: policy.expiring_within_days,
            matrix: policy.matrix.clone(),
            risks,
            systems,
            factors,
            simulation: None,
            incidents,
        }
    }
    /// The places of every risk in rank order: a total order, the same on
    /// every run.
    pub fn ranked(&self, by: RankBy) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.risks.len()).collect();
        // Keys are unique (system and id), so an unstable sort is deterministic.
        order.sort_unstable_by(|&a, &b| score::rank_order(by, self.key(a), self.key(b)));
        order
    }

    fn key(&self, index: usize) -> RankKey<'_> {
        let risk = &self.risks[index];
        RankKey {
            current: &risk.score.current,
            system: risk.system,
            id: &risk.risk.id.value,
        }
    }

    /// Whether any risk estimates the data it would lose: rankings then
    /// show a column for it.
    pub fn has_data_loss(&self) -> bool {
        self.data_loss
    }

    /// Whether the register has one system: reports then name its risks
    /// by their bare ids.
    pub fn one_system(&self) -> bool {
        self.register.systems.len() == 1
    }

    /// The system of a risk.
    pub fn system_of(&self, risk: &AssessedRisk<'_>) -> &AssessedSystem<'r> {
        &self.systems[risk.system]
    }

    /// Every incident recorded against a risk, in the register's order.
    pub fn incidents_of(&self, risk: &AssessedRisk<'_>) -> &[&'r crate::register::model::Incident] {
        self.incidents.of(risk.risk)
    }

    /// The recent incidents of a risk that took longer to detect or recover
    /// than its current estimates.
    pub fn contradictions(&self, risk: &AssessedRisk<'_>) -> Vec<Contradiction<'r>> {
        self.incidents
            .contradictions(risk.risk, &risk.score.current.view, self.today)
    }

    /// A system's risks with the most current bad minutes, most first (ties
    /// by id): the places in [`Analysis::risks`] of at most `n` of them.
    pub fn largest(&self, system: &AssessedSystem<'_>, n: usize) -> Vec<usize> {
        let mut largest = self.by_bad_minutes(system.risks.iter().copied());
        largest.truncate(n);
        largest
    }

    /// Those of `risks` (places in [`Analysis::risks`]) whose current bad
    /// minutes are known, most first; ties by system, then id.
    pub fn by_bad_minutes(&self, risks: impl IntoIterator<Item = usize>) -> Vec<usize> {
        let mut known: Vec<(usize, f64)> = risks
            .into_iter()
            .filter_map(|i| Some((i, self.risks[i].score.current.bad_minutes?)))
            .collect();
        known.sort_by(|(a, a_minutes), (b, b_minutes)| {
            let (a, b) = (self.risks[*a].risk, self.risks[*b].risk);
            b_minutes
                .total_cmp(a_minutes)
                .then_with(|| a.system.cmp(&b.system))
                .then_with(|| a.id.value.cmp(&b.id.value))
        });
        known.into_iter().map(|(i, _)| i).collect()
    }

    /// The sum of a system's known bad minutes in `view`, its factors' included.
    pub fn bad_minutes(&self, system: &AssessedSystem<'_>, view: ViewName) -> f64 {
        let risks: f64 = system
            .risks
            .iter()
            .filter_map(|&i| view.of(&self.risks[i].score).bad_minutes)
            .sum();
        let factors: f64 = system
            .factors
            .iter()
            .map(|&i| self.factors[i].bad_minutes(view))
            .sum();
        risks + factors
    }

    /// `checkout/oncall-overload`: a factor's name, unique across systems.
    pub fn factor_name(&self, f: &AssessedFactor<'_>) -> String {
        format!("{}/{}", self.systems[f.system].system.id, f.factor.id.value)
    }

    /// The place in [`Analysis::factors`] of the one factor `name` names:
    /// `system/factor`, or a factor id no other system uses.
    pub fn find_factor(&self, name: &str) -> Option<usize> {
        let matches: Vec<usize> = (0..self.factors.len())
            .filter(|&i| {
                let f = &self.factors[i];
                let id = f.factor.id.value.as_str();
                match name.split_once('/') {
                    Some((system, bare)) => {
                        self.systems[f.system].system.id == system && id == bare
                    }
                    None => id == name,
                }
            })
            .collect();
        match matches.as_slice() {
            [one] => Some(*one),
            _ => None,
        }
    }

    /// Those of `factors` (places in [`Analysis::factors`]), most current
    /// bad minutes first; ties by system, then id.
    pub fn ranked_factors(&self, factors: impl IntoIterator<Item = usize>) -> Vec<usize> {
        let mut order: Vec<usize> = factors.into_iter().collect();
        order.sort_by(|&a, &b| {
            let (a, b) = (&self.factors[a], &self.factors[b]);
            b.bad_minutes(ViewName::Current)
                .total_cmp(&a.bad_minutes(ViewName::Current))
                .then_with(|| a.system.cmp(&b.system))
                .then_with(|| a.factor.id.value.cmp(&b.factor.id.value))
        });
        order
    }
}

/// Each system's incidents of the last year, in register order, each
/// counted once however many of its risks it realised; gathered in one
/// pass, so many systems do not each walk every incident.
fn system_incidents(register: &Register, today: Date) -> HashMap<&str, Vec<&Incident>> {
    let mut by_system: HashMap<&str, Vec<&Incident>> = HashMap::new();
    for incident in &register.incidents {
        if !within(incident.date.value, today, WINDOW_DAYS) {
            continue;
        }
        let named = std::iter::once(incident.system.as_str())
            .chain(incident.risks.iter().map(|r| r.value.0.as_str()));
        for (i, system) in named.clone().enumerate() {
            // Once per system, at the first place the incident names it.
            if named.clone().take(i).all(|earlier| earlier != system) {
                by_system.entry(system).or_default().push(incident);
            }
        }
    }
    by_system
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::register::model::*;
    use crate::scale::Level;
    use crate::source::{FileId, Span};

    pub(crate) fn span() -> Span {
        Span::new(FileId(0), 0..0)
    }

    pub(crate) fn date(text: &str) -> Date {
        text.parse().unwrap()
    }

    pub(crate) fn system(id: &str) -> System {
        System {
            id: id.into(),
            name: None,
            owner: None,
            oncall: None,
            escalation: Vec::new(),
            scope: Vec::new(),
            out_of_scope: Vec::new(),
            dependencies: Vec::new(),
            slo: Slo::default(),
            baseline: Baseline::default(),
            measure: Default::default(),
            factors: Vec::new(),
            span: span(),
        }
    }

    /// A register of `risks`, with every system they name.
    pub(crate) fn register(risks: Vec<Risk>) -> Register {
        let mut systems: Vec<System> = risks.iter().map(|r| system(&r.system)).collect();
        systems.sort_by(|a, b| a.id.cmp(&b.id));
        systems.dedup_by(|a, b| a.id == b.id);
        Register {
            systems,
            risks,
            incidents: Vec::new(),
        }
    }

    pub(crate) fn risk(
        system: &str,
        id: &str,
        likelihood: u8,
        impact: u8,
        times: Option<(u8, u8)>,
    ) -> Risk {
        let rated = |n| Rated {
            level: Level::new(n).unwrap(),
            source: Source::Explicit,
        };
        let time = |n| TimeEstimate::new(Level::new(n).unwrap(), None);
        Risk {
            system: system.into(),
            id: At {
                value: id.into(),
                span: span(),
            },
            location: crate::source::LineCol { line: 1, col: 1 },
            title: format!("{id} title"),
            category: Category::Technical,
            inherent: View {
                likelihood: rated(likelihood),
                impact: rated(impact),
                time_to_detect: times.map(|(d, _)| time(d)),
                time_to_recover: times.map(|(_, r)| time(r)),
                frequency: None,
                users_affected: None,
                data_loss: None,
                spread: Default::default(),
            },
            owner: Some("alice".into()),
            reviewed: None,
            review_every_days: None,
            actions: Vec::new(),
            accepted: None,
            waivers: Vec::new(),
        }
    }

    pub(crate) fn action(kind: ActionKind, status: ActionStatus) -> Action {
        Action {
            id: None,
            kind,
            what: "do it".into(),
            owner: None,
            due: None,
            status,
            link: None,
            runbook: None,
            signal: None,
            signal_span: None,
            effects: Effects::default(),
            exercised: None,
            exercise_every_days: None,
            failure: None,
            span: span(),
        }
    }

    pub(crate) fn timed(text: &str) -> TimeEstimate {
        TimeEstimate::of(crate::units::parse_duration(text).unwrap())
    }

    fn ids(analysis: &Analysis<'_>, by: RankBy) -> Vec<String> {
        analysis
            .ranked(by)
            .iter()
            .enumerate()
            .map(|(i, &r)| {
                let risk = analysis.risks[r].risk;
                format!("{}/{}#{}", risk.system, risk.id.value, i + 1)
            })
            .collect()
    }

    #[test]
    fn rank_order_sorts_by_severity_exposure_then_ids() {
        let register = register(vec![
            risk("b", "low", 1, 2, Some((5, 5))),
            risk("b", "same-unknown", 4, 4, None),
            risk("a", "same-unknown", 4, 4, None),
            risk("a", "high-slow", 4, 4, Some((4, 4))),
            risk("a", "high-fast", 4, 4, Some((1, 1))),
            risk("z", "critical", 5, 5, Some((1, 1))),
        ]);
        let analysis = Analysis::new(&register, date("2026-11-27"), &Policy::default());
        assert_eq!(
            ids(&analysis, RankBy::Severity),
            [
                "z/critical#1",
                "a/high-slow#2",
                "a/high-fast#3",
                "a/same-unknown#4",
                "b/same-unknown#5",
                "b/low#6"
            ]
        );
    }

    /// A matrix where 3×4 (12) is the highest band and 5×3 (15) below it.
    fn lookup_policy(fail_band: Option<&str>) -> Policy {
        let mut rows = [[0u8; 5]; 5];
        rows[2][3] = 2; // likelihood 3, impact 4
        rows[0][2] = 1; // likelihood 5, impact 3
        let matrix = crate::band::RiskMatrix::new(None, &["yellow", "amber", "red"], rows);
        Policy {
            fail_band: fail_band.and_then(|b| matrix.find(b)),
            fail_impact: Level::new(5).unwrap(),
            matrix,
            ..Policy::default()
        }
    }

    #[test]
    fn a_matrix_ranks_by_its_band_before_the_product() {
        let register = register(vec![
            risk("s", "fifteen", 5, 3, None),
            risk("s", "twelve", 3, 4, None),
            risk("s", "twenty", 4, 5, None),
        ]);
        let analysis = Analysis::new(&register, date("2026-11-27"), &lookup_policy(None));
        assert_eq!(
            ids(&analysis, RankBy::Severity),
            ["s/twelve#1", "s/fifteen#2", "s/twenty#3"]
        );
        // The highest band is reviewed every 30 days, the lowest every 365,
        // the one between (second from the top) every 90.
        let days: Vec<u32> = analysis.risks.iter().map(|r| r.review.every_days).collect();
        assert_eq!(days, [90, 30, 365]);
    }

    #[test]
    fn fail_band_gates_an_open_risk_below_fail_impact() {
        let register = register(vec![
            risk("s", "fifteen", 5, 3, None),
            risk("s", "twelve", 3, 4, None),
        ]);
        let unmitigated = |fail_band| {
            let policy = lookup_policy(fail_band);
            let analysis = Analysis::new(&register, date("2026-11-27"), &policy);
            analysis
                .risks
                .iter()
                .filter(|r| r.unmitigated)
                .map(|r| r.risk.id.value.clone())
                .collect::<Vec<_>>()
        };
        assert!(unmitigated(None).is_empty());
        assert_eq!(unmitigated(Some("red")), ["twelve"]);
        assert_eq!(unmitigated(Some("amber")), ["fifteen", "twelve"]);
    }

    #[test]
    fn rank_by_budget_puts_unknown_bad_minutes_last() {
        let mut small = risk("a", "small", 5, 5, None);
        let mut big = risk("a", "big", 1, 1, None);
        for (r, per_year) in [(&mut small, "1/year"), (&mut big, "10/year")] {
            r.inherent.time_to_detect = Some(timed("10m"));
            r.inherent.time_to_recover = Some(timed("10m"));
            r.inherent.frequency = Some(crate::units::parse_frequency(per_year).unwrap());
        }
        let unknown = risk("a", "unknown", 5, 5, None);
        let register = register(vec![unknown, small, big]);
        let analysis = Analysis::new(&register, date("2026-11-27"), &Policy::default());
        assert_eq!(
            ids(&analysis, RankBy::Budget),
            ["a/big#1", "a/small#2", "a/unknown#3"]
        );
        assert_eq!(
            ids(&analysis, RankBy::Severity),
            ["a/small#1", "a/unknown#2", "a/big#3"]
        );
    }

    #[test]
    fn system_budgets_add_up_their_risks() {
        let mut a = risk("s", "a", 3, 3, None);
        let mut b = risk("s", "b", 3, 3, None);
        for (r, per_year) in [(&mut a, "2/year"), (&mut b, "1/year")] {
            r.inherent.time_to_detect = Some(timed("10m"));
            r.inherent.time_to_recover = Some(timed("20m"));
            r.inherent.frequency = Some(crate::units::parse_frequency(per_year).unwrap());
        }
        b.accepted = Some(Acceptance {
            by: "em".into(),
            reason: "why".into(),
            until: At {
                value: date("2027-01-01"),
                span: span(),
            },
        });
        let unknown = risk("s", "unknown", 1, 1, None);
        let mut register = register(vec![a, b, unknown]);
        register.systems[0].slo.availability = Some(crate::units::parse_percent("99.9%").unwrap());
        let analysis = Analysis::new(&register, date("2026-11-27"), &Policy::default());
        let budget = analysis.systems[0].budget.as_ref().unwrap();
        assert!((budget.current - 90.0).abs() < 1e-9);
        assert!((budget.accepted - 30.0).abs() < 1e-9);
        assert_eq!(budget.unknown, 1);
        assert_eq!(analysis.largest(&analysis.systems[0], 3), [0, 1]);
        assert_eq!(analysis.risks[0].size, Some(Size::Fits));
    }

    #[test]
    fn factors_count_in_their_system_budget() {
        // Risks of 60 (u n = 2) and 30 (u n = 1) bad minutes a year.
        let mut a = risk("s", "a", 3, 3, None);
        let mut b = risk("s", "b", 3, 3, None);
        for (r, per_year) in [(&mut a, "2/year"), (&mut b, "1/year")] {
            r.inherent.time_to_detect = Some(timed("10m"));
            r.inherent.time_to_recover = Some(timed("20m"));
            r.inherent.frequency = Some(crate::units::parse_frequency(per_year).unwrap());
        }
        let mut register = register(vec![a, b]);
        let system = &mut register.systems[0];
        system.slo.availability = Some(crate::units::parse_percent("99.9%").unwrap());
        let factor = |id: &str, status: Option<ActionStatus>| Factor {
            id: At {
                value: id.into(),
                span: span(),
            },
            location: crate::source::LineCol { line: 1, col: 1 },
            title: "t".into(),
            added: Added {
                time_to_detect: Some(std::time::Duration::from_secs(600)),
                ..Added::default()
            },
            actions: status
                .map(|s| action(ActionKind::Prevent, s))
                .into_iter()
                .collect(),
        };
        // +10m to detect: 10 × 3 = 30 bad minutes, until its action is done.
        system.factors = vec![
            factor("planned", Some(ActionStatus::Planned)),
            factor("done", Some(ActionStatus::Done)),
            factor("no-action", None),
        ];
        let analysis = Analysis::new(&register, date("2026-11-27"), &Policy::default());
        let cost = |i: usize| analysis.factors[i].bad_minutes;
        assert_eq!(cost(0), [30.0, 30.0, 0.0]);
        assert_eq!(cost(1), [30.0, 0.0, 0.0]);
        assert_eq!(cost(2), [30.0, 30.0, 30.0]);
        let budget = analysis.systems[0].budget.as_ref().unwrap();
        assert!((budget.current - 150.0).abs() < 1e-9, "{budget:?}");
        assert!((budget.target - 120.0).abs() < 1e-9, "{budget:?}");
        assert!((budget.factors - 60.0).abs() < 1e-9, "{budget:?}");
        assert_eq!(analysis.factors[0].size, Some(Size::Fits));
        let system = &analysis.systems[0];
        assert!((analysis.bad_minutes(system, ViewName::Inherent) - 180.0).abs() < 1e-9);
        // Ties by id: no-action before planned.
        assert_eq!(analysis.ranked_factors(0..3), [2, 0, 1]);
        assert_eq!(analysis.find_factor("s/done"), Some(1));
        assert_eq!(analysis.find_factor("a"), None);
    }

    fn loss(text: &str) -> Option<DataLoss> {
        let e = crate::units::parse_data_loss(text).unwrap();
        Some(DataLoss {
            value: e.value,
            range: e.range,
        })
    }

    #[test]
    fn data_loss_is_judged_against_the_rpo_by_its_worst_case() {
        let mut day = risk("s", "day", 2, 3, None);
        day.inherent.data_loss = loss("24h");
        // A done action lowers it within the RPO; a planned one only the target.
        let mut lowered = risk("s", "lowered", 2, 3, None);
        lowered.inherent.data_loss = loss("12h");
        let mut replication = action(ActionKind::Prevent, ActionStatus::Done);
        replication.effects.data_loss = loss("none");
        lowered.actions = vec![replication];
        let mut ranged = risk("s", "ranged", 2, 3, None);
        ranged.inherent.data_loss = loss("10m..2h");
        let mut accepted = risk("s", "accepted", 2, 3, None);
        accepted.inherent.data_loss = loss("6h");
        accepted.accepted = Some(Acceptance {
            by: "cto".into(),
            reason: "why".into(),
            until: At {
                value: date("2027-01-01"),
                span: span(),
            },
        });
        let mut register = register(vec![day, lowered, ranged, accepted]);
        register.systems[0].slo.rpo = Some(std::time::Duration::from_secs(3600));
        let analysis = Analysis::new(&register, date("2026-11-27"), &Policy::default());
        let over: Vec<Option<u64>> = analysis
            .risks
            .iter()
            .map(|r| r.over_rpo.map(|d| d.as_secs() / 60))
            .collect();
        // The range by its high end (2h), not its mean; the accepted risk holds.
        assert_eq!(over, [Some(1440), None, Some(120), None]);
        // The worst current loss is the day's, accepted ones included.
        assert_eq!(
            analysis.systems[0]
                .worst_data_loss
                .map(|(i, d)| (i, d.as_secs())),
            Some((0, 86_400))
        );
        assert!(analysis.has_data_loss());
    }

    #[test]
    fn a_spent_budget_is_the_larger_of_availability_and_incidents() {
        let r = risk("s", "r", 2, 3, None);
        let mut register = register(vec![r]);
        let system = &mut register.systems[0];
        system.slo.availability = Some(crate::units::parse_percent("99.9%").unwrap());
        system.baseline.availability = Some(crate::units::parse_percent("99.82%").unwrap());
        let spent = |register: &Register| {
            Analysis::new(register, date("2026-11-27"), &Policy::default()).systems[0].spent
        };
        let by_availability = spent(&register).unwrap();
        // (100 - 99.82) / (100 - 99.9) = 180%.
        assert!((by_availability.share - 1.8).abs() < 1e-9);
        assert!(by_availability.exhausted());
        assert!(matches!(
            by_availability.measure,
            Measured::Availability { .. }
        ));
        // A year of incidents that cost more: 1200 of 525.96 minutes.
        register.incidents = vec![Incident {
            system: "s".into(),
            id: At {
                value: "INC-1".into(),
                span: span(),
            },
            date: At {
                value: date("2026-06-01"),
                span: span(),
            },
            risks: vec![At {
                value: ("s".into(), "r".into()),
                span: span(),
            }],
            near_miss: false,
            detected_after: Some(At {
                value: std::time::Duration::from_secs(600 * 60),
                span: span(),
            }),
            recovered_after: Some(At {
                value: std::time::Duration::from_secs(600 * 60),
                span: span(),
            }),
            users_affected: None,
            summary: None,
            postmortem: None,
            data_lost: None,
            failed_actions: Vec::new(),
            worked_actions: Vec::new(),
        }];
        let by_incidents = spent(&register).unwrap();
        assert!(matches!(by_incidents.measure, Measured::Incidents { .. }));
        assert!((by_incidents.share - 1200.0 / 525.96).abs() < 1e-3);
        // Without an availability SLO there is no budget to spend.
        register.systems[0].slo.availability = None;
        assert_eq!(spent(&register), None);
    }

    #[test]
    fn under_exercised_an_open_risk_is_judged_as_written() {
        // A done action that lowers impact below the gate, never exercised:
        // under "exercised" it mitigates nothing, so its effect cannot lift
        // the risk out of the gate either.
        let mut r = risk("s", "r", 3, 5, None);
        let mut lower = action(ActionKind::Prevent, ActionStatus::Done);
        lower.effects.impact = Some(crate::scale::Level::new(2).unwrap());
        r.actions = vec![lower];
        let register = register(vec![r]);
        let policy = Policy {
            mitigation: crate::policy::Mitigation::Exercised,
            ..Policy::default()
        };
        let analysis = Analysis::new(&register, date("2026-11-27"), &policy);
        let assessed = &analysis.risks[0];
        assert_eq!(assessed.state, State::Open);
        assert!(assessed.unmitigated);
        assert!(assessed.actions[0].stale());
        // Under "done" the same action mitigates.
        let analysis = Analysis::new(&register, date("2026-11-27"), &Policy::default());
        assert!(!analysis.risks[0].unmitigated);
    }

    #[test]
    fn reviews_fall_due_on_their_cadence() {
        let mut r = risk("s", "r", 1, 2, None);
        r.reviewed = Some(At {
            value: date("2025-11-26"),
            span: span(),
        });
        let register = register(vec![r]);
        let analysis = Analysis::new(&register, date("2026-11-27"), &Policy::default());
        let review = analysis.risks[0].review;
        // Low band: every 365 days.
        assert_eq!(review.every_days, 365);
        assert_eq!(review.due, Some(date("2026-11-26")));
        assert!(review.overdue(date("2026-11-27")));
        assert!(!review.overdue(date("2026-11-26")));
    }
}
