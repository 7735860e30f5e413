//! The register format as data: every table, its keys, and what each key
//! holds.
//!
//! The validators read keys through these tables (reading an undeclared key
//! is a bug that debug builds stop at), unknown keys are found against them,
//! and `opx schema` builds the editors' JSON Schema from them, so the format
//! is written down once and the three cannot drift apart.

use crate::scale::Scale;

/// A TOML table of the format.
#[derive(Debug)]
pub struct Table {
    /// How messages name it: `[system]`, `[[risk]]`, ...
    pub name: &'static str,
    pub description: &'static str,
    pub keys: &'static [Key],
}

impl Table {
    pub fn key(&self, name: &str) -> Option<&Key> {
        self.keys.iter().find(|k| k.name == name)
    }

    pub fn names(&self) -> impl Iterator<Item = &'static str> + Clone + '_ {
        self.keys.iter().map(|k| k.name)
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Key {
    pub name: &'static str,
    pub value: Value,
    pub need: Need,
    pub description: &'static str,
}

/// Whether a key must be present.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    Optional,
    Required,
    /// Required unless this other key is given (it derives the value).
    Unless(&'static str),
}

/// What a key holds, as it is written in TOML.
#[derive(Debug, Clone, Copy)]
pub enum Value {
    /// An id: a-z, 0-9 and -.
    Id,
    /// A non-empty string.
    Text,
    /// An array of non-empty strings.
    Texts,
    /// One of a few words.
    Choice(&'static [&'static str], Option<&'static str>),
    /// A level: 1-5, or a word of the scale.
    Level(Scale),
    /// A time to detect or recover: a duration, a range of durations, or a time word.
    Time,
    Duration,
    /// `300ms`, or a duration.
    Latency,
    /// A review cadence in whole days, weeks or years (of 365 days).
    Cadence,
    /// `0%` to `100%`.
    Percent,
    /// A share of users: a percentage, or a range of them.
    Share,
    /// An availability SLO, below 100%.
    Availability,
    /// `N/year`, `N/month`, `N/week`, `N/day` or `every D`.
    Frequency,
    /// `N/s`, `N/min` or `N/h`.
    Rate,
    /// What a factor adds to every risk's times: `+30m`.
    AddedDuration,
    /// What a factor adds to every risk's frequency: `+10%`.
    AddedPercent,
    /// A TOML date without a time.
    Date,
    /// The recent writes lost: a duration, a range of them, or `"none"`.
    DataLoss,
    /// Actions by name: `risk/action` or `system/risk/action`.
    ActionRefs,
    /// `true` or `false`, with its default.
    Boolean(bool),
    /// A share: above 0, at most 1.
    Fraction,
    /// A number of 0 or more.
    Count,
    /// Risk ids, at least one.
    RiskRefs,
    /// `[rules]`: a table of gate rules' ids, each set to "allow", "warn"
    /// or "error".
    RuleLevels,
    /// A risk matrix's cells: five rows (likelihood 5 to 1) of five band
    /// names (impact 1 to 5).
    BandGrid,
    /// The id of a gate rule that may be waived.
    Rule,
    Table(&'static Table),
    Tables(&'static Table),
}

const fn key(name: &'static str, value: Value, description: &'static str) -> Key {
    Key {
        name,
        value,
        need: Need::Optional,
        description,
    }
}

const fn required(name: &'static str, value: Value, description: &'static str) -> Key {
    Key {
        name,
        value,
        need: Need::Required,
        description,
    }
}

pub const CATEGORIES: &[&str] = &["technical", "data", "process", "people"];
pub const ACTION_KINDS: &[&str] = &["prevent", "detect", "respond"];
pub const ACTION_STATUSES: &[&str] = &["planned", "in-progress", "done", "failed"];
/// A factor's action is done or not; it cannot fail.
pub const FACTOR_ACTION_STATUSES: &[&str] = &["planned", "in-progress", "done"];

/// A register file: at most one system, any number of risks and incidents.
pub static FILE: Table = Table {
    name: "the file",
    description: "A file of an opx risk register: at most one [system] and any number of [[risk]].",
    keys: &[
        key(
            "system",
            Value::Table(&SYSTEM),
            "The system this file describes; its risks belong to it.",
        ),
        key("risk", Value::Tables(&RISK), "The risks, each as [[risk]]."),
        key(
            "incident",
            Value::Tables(&INCIDENT),
            "Incidents and near-misses, each as [[incident]].",
        ),
    ],
};

pub static SYSTEM: Table = Table {
    name: "[system]",
    description: "The system this file describes; its risks belong to it.",
    keys: &[
        required("id", Value::Id, "Unique system id: a-z, 0-9 and -."),
        key("name", Value::Text, "A name for people."),
        key(
            "owner",
            Value::Text,
            "The accountable team; risks without an owner inherit it.",
        ),
        key("oncall", Value::Text, "The on-call rotation."),
        key("escalation", Value::Texts, "Who is paged, in order."),
        key("scope", Value::Texts, "What the system covers."),
        key("out_of_scope", Value::Texts, "What it does not."),
        key("dependencies", Value::Texts, "What it depends on."),
        key("slo", Value::Table(&SLO), "Its service level objectives."),
        key(
            "baseline",
            Value::Table(&BASELINE),
            "What the system measures today, for opx assess.",
        ),
        key(
            "measure",
            Value::Table(&MEASURE),
            "Where opx measure reads the baseline: a PromQL expression for each measured key.",
        ),
        key(
            "factor",
            Value::Tables(&FACTOR),
            "Systemic factors that make every risk of the system worse, each as [[system.factor]].",
        ),
    ],
};

pub static FACTOR: Table = Table {
    name: "[[system.factor]]",
    description: "A systemic factor: what it adds to every risk of the system, and the actions that remove it.",
    keys: &[
        required(
            "id",
            Value::Id,
            "Unique among the system's factors and risks: a-z, 0-9 and -.",
        ),
        required("title", Value::Text, "What is wrong, in a few words."),
        key(
            "time_to_detect",
            Value::AddedDuration,
            "Added to every risk's time to detect, such as \"+30m\".",
        ),
        key(
            "time_to_recover",
            Value::AddedDuration,
            "Added to every risk's time to recover, such as \"+5m\".",
        ),
        key(
            "frequency",
            Value::AddedPercent,
            "Added to every risk's incidents a year, as a share, such as \"+10%\".",
        ),
        key(
            "action",
            Value::Tables(&FACTOR_ACTION),
            "What removes the factor, each as [[system.factor.action]]; it is gone once all are done.",
        ),
    ],
};

/// The keys of an action that say what it is and who does it: a factor's
/// actions have these (a status that cannot be failed), and no effects
/// (done, they remove the factor).
const PLAIN_ACTION_KEYS: usize = 6;

pub static FACTOR_ACTION: Table = Table {
    name: "[[system.factor.action]]",
    description: "An action that removes the factor once it and the factor's other actions are done.",
    keys: &[
        ACTION_KEYS[0],
        ACTION_KEYS[1],
        ACTION_KEYS[2],
        ACTION_KEYS[3],
        key(
            "status",
            Value::Choice(FACTOR_ACTION_STATUSES, Some("planned")),
            "planned, in-progress or done.",
        ),
        ACTION_KEYS[PLAIN_ACTION_KEYS - 1],
    ],
};

pub static SLO: Table = Table {
    name: "[system.slo]",
    description: "Its service level objectives.",
    keys: &[
        key(
            "availability",
            Value::Availability,
            "Such as \"99.9%\"; below 100%, which would leave no error budget.",
        ),
        key("latency_p95", Value::Latency, "Such as \"300ms\"."),
        key(
            "rpo",
            Value::Duration,
            "The recovery point objective: how much recent data it may lose, such as \"1h\".",
        ),
        key(
            "window",
            Value::Duration,
            "The window the SLO is judged over, such as \"30d\" (the default); $window in a [system.measure] expression stands for it.",
        ),
    ],
};

pub static MEASURE: Table = Table {
    name: "[system.measure]",
    description: "Where opx measure reads the baseline: a PromQL expression for each measured key, evaluated at the end of the day.",
    keys: &[
        key(
            "availability",
            Value::Text,
            "A ratio from 0 to 1, such as the good requests over all over [$window].",
        ),
        key("error_rate", Value::Text, "A ratio from 0 to 1."),
        key(
            "latency_p95",
            Value::Text,
            "In seconds, such as a histogram_quantile(0.95, ...).",
        ),
        key("throughput", Value::Text, "Requests a second."),
    ],
};

pub static BASELINE: Table = Table {
    name: "[system.baseline]",
    description: "What the system measures today, for opx assess.",
    keys: &[
        key("availability", Value::Percent, "Such as \"99.85%\"."),
        key("error_rate", Value::Percent, "Such as \"0.4%\"."),
        key("latency_p95", Value::Latency, "Such as \"300ms\"."),
        key("throughput", Value::Rate, "Such as \"1200/s\"."),
        key("open_bugs", Value::Count, "Open bugs today."),
        key("pages_per_week", Value::Count, "Pages a week, on average."),
        key(
            "toil_hours_per_week",
            Value::Count,
            "Hours of toil a week, on average.",
        ),
        key(
            "measured",
            Value::Date,
            "The day opx measure last recorded the measured keys.",
        ),
    ],
};

pub static RISK: Table = Table {
    name: "[[risk]]",
    description: "A risk to the system.",
    keys: &[
        required("id", Value::Id, "Unique within its system: a-z, 0-9 and -."),
        key(
            "system",
            Value::Id,
            "The system's id, for a file without [system].",
        ),
        required("title", Value::Text, "What can break, in a few words."),
        required(
            "category",
            Value::Choice(CATEGORIES, None),
            "technical, data, process or people.",
        ),
        Key {
            need: Need::Unless("frequency"),
            ..key(
                "likelihood",
                Value::Level(Scale::Likelihood),
                "1-5 or rare, unlikely, possible, likely, almost-certain (or very-low..very-high).",
            )
        },
        Key {
            need: Need::Unless("users_affected"),
            ..key(
                "impact",
                Value::Level(Scale::Impact),
                "1-5 or negligible, minor, moderate, major, severe (or very-low..very-high).",
            )
        },
        key("time_to_detect", Value::Time, TIME),
        key("time_to_recover", Value::Time, TIME),
        key("frequency", Value::Frequency, FREQUENCY),
        key("users_affected", Value::Share, SHARE),
        key("data_loss", Value::DataLoss, DATA_LOSS),
        key(
            "owner",
            Value::Text,
            "Who is accountable; else the system's owner.",
        ),
        key("reviewed", Value::Date, "The day of the last review."),
        key(
            "review_every",
            Value::Cadence,
            "Review cadence in days, weeks or years, such as \"90d\" or \"1y\".",
        ),
        key(
            "action",
            Value::Tables(&ACTION),
            "What is done about it, each as [[risk.action]].",
        ),
        key(
            "accepted",
            Value::Table(&ACCEPTED),
            "An explicit, expiring acceptance.",
        ),
        key(
            "waive",
            Value::Tables(&WAIVE),
            "Gate rules set aside for this risk, each with a reason and an end, as [[risk.waive]].",
        ),
    ],
};

const TIME: &str = "A duration such as \"15m\" or \"2h 30m\", a range read as a 90% interval such as \"10m..1h\", or a word from very-fast (1) to very-slow (5).";
const FREQUENCY: &str = "\"N/year\", \"N/month\", \"N/week\", \"N/day\" or \"every 90d\", or a range read as a 90% interval such as \"2/year..6/year\".";
const SHARE: &str = "Such as \"30%\", or a range read as a 90% interval such as \"5%..30%\".";
const DATA_LOSS: &str = "The recent writes lost if it happens: a duration such as \"24h\", a range read as a 90% interval such as \"1h..24h\", or \"none\".";

pub static ACTION: Table = Table {
    name: "[[risk.action]]",
    description: "A prevent, detect or respond action, and what it changes once done.",
    keys: ACTION_KEYS,
};

/// The keys of `[[risk.action]]`: first those of every action (see
/// [`PLAIN_ACTION_KEYS`]), then the effects.
const ACTION_KEYS: &[Key] = &[
    required(
        "kind",
        Value::Choice(ACTION_KINDS, None),
        "prevent, detect or respond.",
    ),
    required("what", Value::Text, "What the action does."),
    key("owner", Value::Text, "Who does it."),
    key(
        "due",
        Value::Date,
        "A TOML date without quotes, such as 2026-12-31.",
    ),
    key(
        "status",
        Value::Choice(ACTION_STATUSES, Some("planned")),
        "planned, in-progress, done, or failed (found not to work; set failed_on).",
    ),
    key("link", Value::Text, "A ticket or document."),
    key(
        "id",
        Value::Id,
        "Unique within its risk, so incidents, diffs and reports can name it as risk/action.",
    ),
    key(
        "exercised",
        Value::Date,
        "The last day it was shown to work: a restore test, a failover drill, an alert that fired.",
    ),
    key(
        "exercise_every",
        Value::Cadence,
        "How often it must be shown again, such as \"90d\"; else the policy's exercise_every.",
    ),
    key(
        "failed_on",
        Value::Date,
        "For a failed action, required: the day it was found not to work.",
    ),
    key(
        "reason",
        Value::Text,
        "For a failed action: why it did not work.",
    ),
    key(
        "runbook",
        Value::Text,
        "For a respond action: the runbook to follow, a link or a path relative to this file.",
    ),
    key(
        "signal",
        Value::Text,
        "For a detect action: the alert or metric it watches; \"alert:NAME\" names a Prometheus alerting rule that opx measure checks.",
    ),
    key(
        "likelihood",
        Value::Level(Scale::Likelihood),
        "Once the action is done: 1-5 or rare, unlikely, possible, likely, almost-certain (or very-low..very-high).",
    ),
    key(
        "impact",
        Value::Level(Scale::Impact),
        "Once the action is done: 1-5 or negligible, minor, moderate, major, severe (or very-low..very-high).",
    ),
    key(
        "time_to_detect",
        Value::Time,
        "Once the action is done: a duration such as \"15m\", or a word from very-fast (1) to very-slow (5).",
    ),
    key(
        "time_to_recover",
        Value::Time,
        "Once the action is done: a duration such as \"15m\", or a word from very-fast (1) to very-slow (5).",
    ),
    key(
        "frequency",
        Value::Frequency,
        "Once the action is done: \"N/year\", \"N/month\", \"N/week\", \"N/day\" or \"every 90d\".",
    ),
    key(
        "users_affected",
        Value::Share,
        "Once the action is done: such as \"5%\".",
    ),
    key(
        "data_loss",
        Value::DataLoss,
        "Once the action is done: the recent writes lost, such as \"5m\", or \"none\".",
    ),
];

/// The keys of an action that say what it changes once done.
pub const EFFECT_KEYS: [&str; 7] = [
    "likelihood",
    "impact",
    "time_to_detect",
    "time_to_recover",
    "frequency",
    "users_affected",
    "data_loss",
];

pub static ACCEPTED: Table = Table {
    name: "[risk.accepted]",
    description: "An explicit, expiring acceptance of the risk.",
    keys: &[
        required("by", Value::Text, "Who accepted the risk."),
        required("reason", Value::Text, "Why it is tolerable for now."),
        required(
            "until",
            Value::Date,
            "The acceptance holds through this day.",
        ),
    ],
};

pub static WAIVE: Table = Table {
    name: "[[risk.waive]]",
    description: "A gate rule set aside for this risk, with a reason, until a day.",
    keys: &[
        required(
            "rule",
            Value::Rule,
            "The id of the gate rule, such as \"no-runbook\".",
        ),
        required(
            "reason",
            Value::Text,
            "Why the rule does not apply here, for now.",
        ),
        key("by", Value::Text, "Who decided."),
        required("until", Value::Date, "The waiver holds through this day."),
    ],
};

pub static INCIDENT: Table = Table {
    name: "[[incident]]",
    description: "An incident or near-miss, and the risks it realised.",
    keys: &[
        required("id", Value::Text, "Such as \"INC-204\"."),
        key(
            "system",
            Value::Id,
            "The system's id, for a file without [system].",
        ),
        required("date", Value::Date, "A TOML date without quotes."),
        required(
            "risks",
            Value::RiskRefs,
            "The risks it realised: ids of its system, or system/risk.",
        ),
        key(
            "near_miss",
            Value::Boolean(false),
            "Caught before users were hurt.",
        ),
        key(
            "detected_after",
            Value::Duration,
            "How long it took to notice.",
        ),
        key(
            "recovered_after",
            Value::Duration,
            "How long it took to recover once noticed.",
        ),
        key("users_affected", Value::Percent, "Such as \"30%\"."),
        key("summary", Value::Text, "What happened, in a sentence."),
        key("postmortem", Value::Text, "A link to the postmortem."),
        key(
            "data_lost",
            Value::DataLoss,
            "The recent writes it lost, such as \"6h\", or \"none\".",
        ),
        key(
            "failed_actions",
            Value::ActionRefs,
            "Actions it showed not to work, as risk/action: each counts as failed from its date, unless exercised later.",
        ),
        key(
            "worked_actions",
            Value::ActionRefs,
            "Actions it showed to work, as risk/action: each counts as exercised on its date.",
        ),
    ],
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::register::model::{ActionKind, ActionStatus, Category};

    #[test]
    fn choices_name_the_model_words() {
        assert_eq!(CATEGORIES, Category::ALL.map(Category::name));
        assert_eq!(ACTION_KINDS, ActionKind::ALL.map(ActionKind::name));
        assert_eq!(ACTION_STATUSES, ActionStatus::ALL.map(ActionStatus::name));
        assert_eq!(
            FACTOR_ACTION_STATUSES,
            ActionStatus::OF_FACTOR.map(ActionStatus::name)
        );
    }

    #[test]
    fn effect_keys_are_action_keys() {
        for name in EFFECT_KEYS {
            assert!(ACTION.key(name).is_some(), "{name}");
            assert!(FACTOR_ACTION.key(name).is_none(), "{name}");
        }
        assert_eq!(
            FACTOR_ACTION.names().collect::<Vec<_>>(),
            ["kind", "what", "owner", "due", "status", "link"]
        );
    }
}
