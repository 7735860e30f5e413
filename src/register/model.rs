//! The validated register: plain domain types that scoring and the gate use.
//!
//! Every value here has been parsed and checked; nothing can be missing
//! that the format requires. Spans remain only where a finding needs to
//! point back at the text (a risk's id, a date); they are three integers.

use std::time::Duration;

use jiff::civil::Date;

use crate::diag::Code;
use crate::scale::Level;
use crate::source::{LineCol, Span};
use crate::uncertainty::Spread;
use crate::units::{Frequency, Percent, Rate};

/// A value and the place in the source it came from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct At<T> {
    pub value: T,
    pub span: Span,
}

/// Every system and risk of a register, systems sorted by id.
#[derive(Debug, Default)]
pub struct Register {
    pub systems: Vec<System>,
    pub risks: Vec<Risk>,
    pub incidents: Vec<Incident>,
}

impl Register {
    pub fn system(&self, id: &str) -> Option<&System> {
        self.system_index(id).map(|i| &self.systems[i])
    }

    /// The place in [`Register::risks`] of the one risk `name` names:
    /// `system/risk`, or a risk id no other system uses.
    pub fn find_risk(&self, name: &str) -> Result<usize, NotFound> {
        let matches: Vec<usize> = self
            .risks
            .iter()
            .enumerate()
            .filter(|(_, r)| match name.split_once('/') {
                Some((system, id)) => r.system == system && r.id.value == id,
                None => r.id.value == name,
            })
            .map(|(i, _)| i)
            .collect();
        match matches.as_slice() {
            [one] => Ok(*one),
            [] => {
                let bare = name.rsplit('/').next().unwrap_or(name);
                let ids = self.risks.iter().map(|r| r.id.value.as_str());
                // Suggest a name that resolves: the bare id where one system
                // has it and none was named, else `system/id`.
                let help = crate::suggest::did_you_mean(bare, ids).map(|best| {
                    let holders: Vec<&Risk> =
                        self.risks.iter().filter(|r| r.id.value == best).collect();
                    let names: Vec<String> = match holders.as_slice() {
                        [_] if !name.contains('/') => vec![format!("`{best}`")],
                        _ => holders
                            .iter()
                            .map(|r| format!("`{}/{best}`", r.system))
                            .collect(),
                    };
                    format!("did you mean {}?", names.join(" or "))
                });
                Err(NotFound {
                    message: format!("no risk `{name}` in the register"),
                    help: help
                        .unwrap_or_else(|| "name a risk by its id, or as system/risk".to_string()),
                })
            }
            many => Err(NotFound {
                message: format!("risk id `{name}` is used by {} systems", many.len()),
                help: format!(
                    "name it with its system: {}",
                    many.iter()
                        .map(|&i| self.risks[i].name())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            }),
        }
    }

    /// The place of system `id` in [`Register::systems`].
    pub fn system_index(&self, id: &str) -> Option<usize> {
        self.systems
            .binary_search_by(|s| s.id.as_str().cmp(id))
            .ok()
    }
}

/// Why a name finds no risk, and what would.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotFound {
    pub message: String,
    pub help: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct System {
    pub id: String,
    pub name: Option<String>,
    pub owner: Option<String>,
    pub oncall: Option<String>,
    pub escalation: Vec<String>,
    pub scope: Vec<String>,
    pub out_of_scope: Vec<String>,
    pub dependencies: Vec<String>,
    pub slo: Slo,
    pub baseline: Baseline,
    /// Where `opx measure` reads the baseline from: one PromQL expression
    /// per measured key.
    pub measure: Measure,
    /// Systemic factors: what makes every one of its risks worse at once.
    pub factors: Vec<Factor>,
    pub span: Span,
}

/// A systemic factor, such as an overloaded on-call: minutes it adds to
/// every risk's times to detect and recover, and a share it adds to every
/// risk's incidents a year. It leaves the risks' own scores as written and
/// carries its cost itself (see `crate::factor`).
#[derive(Debug, Clone, PartialEq)]
pub struct Factor {
    pub id: At<String>,
    /// Where the id is written, for reports that give a factor's line.
    pub location: LineCol,
    pub title: String,
    pub added: Added,
    /// What removes it: once they are all done, it is gone. Their effects
    /// are always empty.
    pub actions: Vec<Action>,
}

/// What a factor adds to each risk of its system.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Added {
    pub time_to_detect: Option<Duration>,
    pub time_to_recover: Option<Duration>,
    /// A share of each risk's incidents a year.
    pub frequency: Option<Percent>,
}

impl Added {
    /// Minutes it adds to each incident: to detect and to recover.
    pub fn minutes(&self) -> f64 {
        [self.time_to_detect, self.time_to_recover]
            .into_iter()
            .flatten()
            .map(crate::units::minutes)
            .sum()
    }

    /// The share it adds to each risk's incidents a year (0.1 for `+10%`).
    pub fn share(&self) -> f64 {
        self.frequency.map_or(0.0, Percent::fraction)
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Slo {
    pub availability: Option<Percent>,
    pub latency_p95: Option<Duration>,
    /// The recovery point objective: how much recent data it may lose.
    pub rpo: Option<Duration>,
    /// The window the SLO is judged over, as written (`30d` unless set);
    /// `$window` in a `[system.measure]` expression stands for it.
    pub window: Option<Duration>,
}

impl Slo {
    /// The SLO's window when none is written.
    pub const DEFAULT_WINDOW: Duration = Duration::from_secs(30 * 86_400);

    /// Its window, or the default.
    pub fn window(&self) -> Duration {
        self.window.unwrap_or(Self::DEFAULT_WINDOW)
    }
}

/// `[system.measure]`: a PromQL expression for each measured key of
/// `[system.baseline]`, where it is written.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Measure {
    pub availability: Option<At<String>>,
    pub error_rate: Option<At<String>>,
    pub latency_p95: Option<At<String>>,
    pub throughput: Option<At<String>>,
}

impl Measure {
    /// The expressions, by the baseline key they measure, in the format's order.
    pub fn expressions(&self) -> impl Iterator<Item = (&'static str, &At<String>)> {
        [
            ("availability", &self.availability),
            ("error_rate", &self.error_rate),
            ("latency_p95", &self.latency_p95),
            ("throughput", &self.throughput),
        ]
        .into_iter()
        .filter_map(|(key, e)| e.as_ref().map(|e| (key, e)))
    }
}

/// What the system measures today, set beside its SLOs by `opx assess`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Baseline {
    pub availability: Option<Percent>,
    pub error_rate: Option<Percent>,
    pub latency_p95: Option<Duration>,
    pub throughput: Option<Rate>,
    pub open_bugs: Option<f64>,
    pub pages_per_week: Option<f64>,
    pub toil_hours_per_week: Option<f64>,
    /// The day `opx measure` last recorded it.
    pub measured: Option<Date>,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    Technical,
    Data,
    Process,
    People,
}

impl Category {
    pub const ALL: [Category; 4] = [
        Category::Technical,
        Category::Data,
        Category::Process,
        Category::People,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Category::Technical => "technical",
            Category::Data => "data",
            Category::Process => "process",
            Category::People => "people",
        }
    }
}

/// Where a level came from: written down, or derived from another field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Source {
    Explicit,
    /// Likelihood from `frequency`, impact from `users_affected`.
    Derived,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rated {
    pub level: Level,
    pub source: Source,
}

/// A time to detect or recover: a duration (which gives its level), or only a level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeEstimate {
    pub level: Level,
    duration: Option<Duration>,
}

impl TimeEstimate {
    pub fn new(level: Level, duration: Option<Duration>) -> TimeEstimate {
        TimeEstimate { level, duration }
    }

    /// A duration, and the level it falls in.
    pub fn of(duration: Duration) -> TimeEstimate {
        TimeEstimate::new(crate::scale::time_level(duration), Some(duration))
    }

    /// The duration, when one was given rather than only a word.
    pub fn duration(&self) -> Option<Duration> {
        self.duration
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Risk {
    /// The id of the system this risk belongs to.
    pub system: String,
    pub id: At<String>,
    /// Where the id is written, for reports that give a risk's line.
    pub location: LineCol,
    pub title: String,
    pub category: Category,
    /// Its own estimates: the inherent view.
    pub inherent: View,
    /// The risk's owner, or else its system's.
    pub owner: Option<String>,
    pub reviewed: Option<At<Date>>,
    pub review_every_days: Option<u32>,
    pub actions: Vec<Action>,
    pub accepted: Option<Acceptance>,
    /// Gate findings the team has waived for this risk, each for a time.
    pub waivers: Vec<Waiver>,
}

impl Risk {
    /// `checkout/bad-deploy`: the name that is unique across systems.
    pub fn name(&self) -> String {
        format!("{}/{}", self.system, self.id.value)
    }

    /// `checkout/bad-deploy/rollback`: an action's name, by its id where
    /// it has one, else by what it does.
    pub fn action_name(&self, action: &Action) -> String {
        match &action.id {
            Some(id) => format!("{}/{}", self.name(), id.value),
            None => format!("{}: {}", self.name(), action.what),
        }
    }
}

/// What a risk is estimated to be: as written (its inherent view), or as
/// seen with some of its actions applied (see `crate::score`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct View {
    pub likelihood: Rated,
    pub impact: Rated,
    pub time_to_detect: Option<TimeEstimate>,
    pub time_to_recover: Option<TimeEstimate>,
    pub frequency: Option<Frequency>,
    pub users_affected: Option<Percent>,
    /// The recent writes lost if it happens.
    pub data_loss: Option<DataLoss>,
    /// The ends of the estimates above that are ranges; each value above
    /// is then the range's mean.
    pub spread: Spread,
}

/// The recent writes a risk loses when it happens: a duration of writes
/// (zero for `"none"`), or a range of them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DataLoss {
    /// The duration written, or the range's mean.
    pub value: Duration,
    /// The range's ends in minutes, when it was written as one.
    pub range: Option<crate::uncertainty::Interval>,
}

impl DataLoss {
    /// What it is judged by against a recovery point objective: a range's
    /// high end (its 95th percentile), else the value. An objective is a
    /// promise about the bad case, so the mean would flatter it.
    pub fn worst(&self) -> Duration {
        match self.range {
            Some(range) => Duration::from_secs_f64((range.high * 60.0).max(0.0)),
            None => self.value,
        }
    }
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum ActionKind {
    Prevent,
    Detect,
    Respond,
}

impl ActionKind {
    pub const ALL: [ActionKind; 3] = [ActionKind::Prevent, ActionKind::Detect, ActionKind::Respond];

    pub fn name(self) -> &'static str {
        match self {
            ActionKind::Prevent => "prevent",
            ActionKind::Detect => "detect",
            ActionKind::Respond => "respond",
        }
    }
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum ActionStatus {
    Planned,
    InProgress,
    Done,
    /// Found not to work (see [`Action::failure`]): it mitigates nothing.
    Failed,
}

impl ActionStatus {
    pub const ALL: [ActionStatus; 4] = [
        ActionStatus::Planned,
        ActionStatus::InProgress,
        ActionStatus::Done,
        ActionStatus::Failed,
    ];

    /// What a factor's action may be: it is done or not, never failed.
    pub const OF_FACTOR: [ActionStatus; 3] = [
        ActionStatus::Planned,
        ActionStatus::InProgress,
        ActionStatus::Done,
    ];

    pub fn name(self) -> &'static str {
        match self {
            ActionStatus::Planned => "planned",
            ActionStatus::InProgress => "in-progress",
            ActionStatus::Done => "done",
            ActionStatus::Failed => "failed",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Action {
    /// Its name within its risk, for incidents, diffs and reports.
    pub id: Option<At<String>>,
    pub kind: ActionKind,
    pub what: String,
    pub owner: Option<String>,
    pub due: Option<At<Date>>,
    pub status: ActionStatus,
    pub link: Option<String>,
    /// For a respond action: the runbook to follow, a link or a path.
    /// Boxed: few actions name one, and every action holds the room.
    pub runbook: Option<Box<At<Runbook>>>,
    /// For a detect action: the alert or metric it watches.
    pub signal: Option<String>,
    /// Where the signal is written, for `opx measure`'s findings about it.
    pub signal_span: Option<Span>,
    /// What the action changes once it is done.
    pub effects: Effects,
    /// The last day it was shown to work: a drill, a restore test, an
    /// alert that fired.
    pub exercised: Option<At<Date>>,
    /// How often it must be shown again, in days; else the policy's.
    pub exercise_every_days: Option<u32>,
    /// When and why it was found not to work (`status = "failed"`).
    pub failure: Option<Failure>,
    pub span: Span,
}

impl Action {
    /// Planned or in progress: still to do. A done action is finished,
    /// and a failed one is no step of a plan until it is planned again.
    pub fn is_open(&self) -> bool {
        matches!(
            self.status,
            ActionStatus::Planned | ActionStatus::InProgress
        )
    }
}

/// A failed action's `failed_on` and `reason`.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    pub on: At<Date>,
    pub reason: Option<String>,
}

/// An action named by an incident: `risk/action` or `system/risk/action`,
/// resolved to its system.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionRef {
    pub system: String,
    pub risk: String,
    pub action: String,
}

/// A runbook reference. A path is relative to the register file that
/// names it; whether it exists is found when the register is loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Runbook {
    Link(String),
    Path { path: String, exists: bool },
}

/// The values an action brings to its risk once it lands: a detect action
/// that pages within 5 minutes sets `time_to_detect`, a prevent action
/// that makes the failure rarer sets `likelihood` or `frequency`.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Effects {
    pub likelihood: Option<Level>,
    pub impact: Option<Level>,
    pub time_to_detect: Option<TimeEstimate>,
    pub time_to_recover: Option<TimeEstimate>,
    pub frequency: Option<Frequency>,
    pub users_affected: Option<Percent>,
    pub data_loss: Option<DataLoss>,
    /// The ends of the effects above that are ranges.
    pub spread: Spread,
}

/// Something that went wrong (or nearly did), and the risks it realised.
#[derive(Debug, Clone, PartialEq)]
pub struct Incident {
    /// The id of the system it happened to.
    pub system: String,
    pub id: At<String>,
    pub date: At<Date>,
    /// The risks it realised, each as (system id, risk id); at least one.
    pub risks: Vec<At<(String, String)>>,
    /// Caught before users were hurt.
    pub near_miss: bool,
    pub detected_after: Option<At<Duration>>,
    pub recovered_after: Option<At<Duration>>,
    pub users_affected: Option<Percent>,
    pub summary: Option<String>,
    pub postmortem: Option<String>,
    /// The recent writes it lost.
    pub data_lost: Option<At<Duration>>,
    /// Actions it showed not to work, from its date.
    pub failed_actions: Vec<At<ActionRef>>,
    /// Actions it showed to work: each counts as exercised on its date.
    pub worked_actions: Vec<At<ActionRef>>,
}

impl Incident {
    /// Whether it realised `risk`.
    pub fn realises(&self, risk: &Risk) -> bool {
        self.risks
            .iter()
            .any(|r| r.value.0 == risk.system && r.value.1 == risk.id.value)
    }
}

/// A gate rule the team has set aside for one risk, with a reason, until a
/// day.
#[derive(Debug, Clone, PartialEq)]
pub struct Waiver {
    pub rule: Code,
    pub reason: String,
    pub by: Option<String>,
    pub until: At<Date>,
    /// The waiver's `rule`, where findings about the waiver point.
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Acceptance {
    pub by: String,
    pub reason: String,
    pub until: At<Date>,
}
