//! Diagnostics as data: a stable code, a severity, where, what and a hint.
//!
//! Input problems (the register cannot be read) and gate findings (the
//! register is readable but breaks a rule) are the same type, so that every
//! output format renders both the same way. Codes are a public contract:
//! scripts and CI annotations match on them, so they are never renamed.

use std::borrow::Cow;
use std::io::{self, Write};

use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};

use crate::source::{FileId, Locator, Sources, Span, display_path};
use crate::visible::{log_safe, visible_line};

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Context that explains a result; never fails the gate.
    Note,
    Warning,
    Error,
}

impl Severity {
    pub fn name(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

macro_rules! codes {
    ($($variant:ident = $id:literal, $severity:ident, $kind:ident, $description:literal, $explanation:literal;)*) => {
        /// Every diagnostic opx can emit.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code { $($variant,)* }

        impl Code {
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The stable kebab-case id shown to users and matched by scripts.
            pub fn id(self) -> &'static str {
                match self { $(Code::$variant => $id,)* }
            }

            /// One sentence saying what the code means.
            pub fn description(self) -> &'static str {
                match self { $(Code::$variant => $description,)* }
            }

            /// A few sentences on why the rule exists and how to resolve it.
            pub fn explanation(self) -> &'static str {
                match self { $(Code::$variant => $explanation,)* }
            }

            /// The severity before policy: `[rules]` levels and `--deny-warnings`.
            pub fn default_severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$severity,)* }
            }

            /// An input problem (the register cannot be read) or a gate rule.
            pub fn kind(self) -> CodeKind {
                match self { $(Code::$variant => CodeKind::$kind,)* }
            }

            /// The code with this id.
            pub fn from_id(id: &str) -> Option<Code> {
                match id { $($id => Some(Code::$variant),)* _ => None }
            }
        }
    };
}

impl Code {
    /// Whether a risk's `[[risk.waive]]` may set this rule's findings
    /// aside: a rule of the gate that judges a risk, and neither a guard
    /// nor one that keeps exceptions honest.
    pub fn waivable(self) -> bool {
        self.kind() == CodeKind::Rule
            && !matches!(
                self,
                Code::BudgetExceeded
                    | Code::BudgetAtRisk
                    | Code::BudgetIncomplete
                    | Code::BudgetExhausted
            )
    }
}

/// What a code is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeKind {
    /// The register cannot be read as written: exit 2, whatever the policy.
    Input,
    /// A gate rule: a team may set its level or waive it for a risk.
    Rule,
    /// A gate rule with no way out but mitigation or an acceptance: its
    /// level cannot be lowered, and it cannot be waived.
    Guard,
    /// A gate rule that keeps the exceptions honest (waivers, acceptances
    /// and their dates): a team may set its level, but a waiver cannot
    /// set it aside, or a waiver could hide its own expiry.
    Oversight,
}

codes! {
    // Reading the input.
    Io = "io", Error, Input, "a file or folder could not be read", "opx could not open a path named on the command line. Check that the path exists and is readable; opx takes register files or the folders that hold them.";
    NoRegister = "no-register", Error, Input, "a folder holds no .toml register file", "A folder named on the command line holds no .toml file below it (hidden folders and opx.toml are skipped). Point opx at the folder that holds the register.";
    NotText = "not-text", Error, Input, "a file is not UTF-8 text", "Register files are UTF-8 TOML. This file holds bytes that are not UTF-8: it may be binary, or saved in another encoding. Save it as UTF-8.";
    EmptyFile = "empty-file", Error, Input, "a file defines neither a [system] nor a [[risk]]", "A register file holds a [system] table, [[risk]] tables, or both. An empty file, or one with only comments, is most likely a mistake; add content or remove it.";
    TomlSyntax = "toml-syntax", Error, Input, "a file is not valid TOML", "The file is not valid TOML, so nothing in it could be read. Fix the syntax at the location shown; https://toml.io describes TOML.";
    // Its shape.
    UnknownKey = "unknown-key", Error, Input, "a key that the register format does not define", "The register format has a fixed set of keys, so a misspelt key is caught instead of silently ignored. Rename the key (the message suggests the closest one) or remove it.";
    WrongType = "wrong-type", Error, Input, "a value of the wrong TOML type", "The value has the wrong TOML type, for example a quoted date or a number where a string is expected. Write it in the type the format reference gives.";
    MissingKey = "missing-key", Error, Input, "a required key is absent", "A key the format requires is absent: a risk needs id, title, category, a likelihood (or frequency) and an impact (or users_affected); an action needs kind and what; an acceptance needs by, reason and until.";
    InvalidValue = "invalid-value", Error, Input, "a value outside the accepted set (id, category, kind, status)", "The value is outside its accepted set. Ids use a-z, 0-9 and -; category is technical, data, process or people; kind is prevent, detect or respond; status is planned, in-progress, done or failed.";
    InvalidLevel = "invalid-level", Error, Input, "a likelihood, impact or time level that is out of range or unknown", "Levels are 1-5 or a word of their scale: likelihood rare..almost-certain, impact negligible..severe, both also very-low..very-high; times very-fast..very-slow.";
    InvalidDuration = "invalid-duration", Error, Input, "a duration that cannot be read", "Durations are whole numbers with units s, m, h, d or w, such as \"15m\", \"2h 30m\" or \"90d\". Review cadences are whole days or weeks.";
    InvalidPercent = "invalid-percent", Error, Input, "a percentage that cannot be read or lies outside 0-100%", "Percentages are written with a % sign and lie between 0% and 100%, such as \"30%\" or \"99.9%\".";
    InvalidFrequency = "invalid-frequency", Error, Input, "a frequency that cannot be read", "Frequencies are \"N/year\", \"N/month\", \"N/week\", \"N/day\" or \"every D\" with D a duration such as 90d.";
    InvalidDate = "invalid-date", Error, Input, "a date that is not a plain TOML date", "Dates are TOML dates without quotes and without a time, such as 2026-12-31.";
    // How files fit together.
    DuplicateSystem = "duplicate-system", Error, Input, "two files define the same system", "Each system is defined by exactly one [system] table across the register. Merge the two definitions or give one of them another id.";
    DuplicateRisk = "duplicate-risk", Error, Input, "two risks of one system share an id", "Risk ids are unique within their system, so that findings, reviews and links point at one risk. Rename one of the two.";
    UnknownSystem = "unknown-system", Error, Input, "a risk names a system that no file defines", "A risk in a file without [system] names its system with system = \"id\", and that system must be defined in some file of the register. Fix the id or add the system.";
    NoSystem = "no-system", Error, Input, "a risk whose file has no [system] and that names none", "Every risk belongs to a system: the [system] of its file, or the one it names with system = \"id\". Add one of the two.";
    UnknownRisk = "unknown-risk", Error, Input, "an incident names a risk or action that does not exist", "An incident records the risks it realised by id: a risk of the incident's system, or `system/risk` for another system's; its failed_actions and worked_actions name actions as `risk/action` or `system/risk/action`, by the action's id. Fix the name, or add the risk or the action's id to the register.";
    DuplicateIncident = "duplicate-incident", Error, Input, "two incidents of one system share an id", "Incident ids are unique within their system, so that reviews and diffs point at one incident. Merge the two records or rename one.";
    ConflictingSystem = "conflicting-system", Error, Input, "a risk names a system other than the one its file defines", "A risk in a file with a [system] belongs to that system; naming another one is contradictory. Move the risk to another file or remove its system key.";
    // The gate.
    Unmitigated = "unmitigated", Error, Guard, "a high-impact risk that is neither mitigated nor accepted", "An open risk (no action done, no acceptance that holds) with impact at or above the gate's threshold (default 4, major), or in the policy's fail_band or above when it names one. Finish an action that reduces it, or accept it explicitly, with a reason and an end date, under [risk.accepted].";
    AcceptanceExpired = "acceptance-expired", Error, Guard, "a risk acceptance whose end date has passed", "An acceptance of a risk is a trade-off with an end date; once the date passes the risk is judged as if it had never been accepted. Renew the acceptance with a new date and reason, or mitigate the risk.";
    TooBig = "too-big", Error, Rule, "a risk that would use too large a share of its system's error budget", "One risk may use at most the single-risk share of its system's yearly error budget (25% unless single_risk_share says otherwise): expected bad minutes a year = (time to detect + time to recover) × users affected × incidents a year. A risk this big is not safe to accept; cut how often it happens, how long it lasts or how many users it reaches.";
    BudgetExceeded = "budget-exceeded", Error, Rule, "a system whose risks together expect more bad minutes than its error budget", "The expected bad minutes a year of a system's risks add up to more than its availability SLO allows. Reduce the largest contributors, or revisit the SLO with the people who depend on it.";
    RunbookMissing = "runbook-missing", Error, Rule, "a runbook path that does not exist", "A respond action names a runbook by a path relative to its register file, and nothing is there. In an incident, a broken runbook link costs the minutes you cannot spare; fix the path or restore the runbook.";
    ActionOverdue = "action-overdue", Warning, Rule, "an action not done whose due date has passed", "An action that is not done has passed its due date. Finish it, or agree a new date with its owner and record it in due.";
    ReviewOverdue = "review-overdue", Warning, Rule, "a risk not reviewed within its cadence", "A risk is reviewed on a cadence: review_every, else 30 days for critical, 90 for high, 180 for medium and 365 for low (under another [matrix], by place: 30 for its highest band, then 90, then 180, and 365 for the rest). Review it and record the day in reviewed.";
    NoDetection = "no-detection", Warning, Rule, "a high-impact risk with no detect action", "A risk of impact 4 or more has no detect action: nobody would know it happened until users complain. Add an alert, a probe or a watched dashboard as a detect action.";
    NoOwner = "no-owner", Warning, Rule, "a risk with no owner, on its own or through its system", "Nobody is accountable for the risk: neither it nor its system names an owner. Set owner on the risk or on its [system].";
    EstimateExceeded = "estimate-exceeded", Warning, Rule, "an incident took longer to detect or recover than the risk's estimate", "An incident of the last 365 days took longer to detect or to recover than the risk's current time_to_detect or time_to_recover: the register is optimistic. Update the estimate to what incidents show, or finish the action that makes it true.";
    FrequencyExceeded = "frequency-exceeded", Warning, Rule, "a risk happened more often in the last year than its frequency predicts", "The risk had more incidents (near-misses aside) in the last 365 days than its frequency predicts for a year. Update the frequency, or prevent the failures.";
    NoRunbook = "no-runbook", Warning, Rule, "a high or critical risk whose respond actions name no runbook", "What is our fastest safe rollback? A high or critical risk (one of the matrix's two highest bands) needs a respond action with a runbook (a link, or a path in the repository) that the on-call can follow at 3am.";
    NoSignal = "no-signal", Warning, Rule, "a done detect action of a high or critical risk that names no signal", "A detect action is only as good as the alert or metric it watches (on a risk in the matrix's two highest bands, high or critical by default); name it with signal = \"...\" so the on-call knows what fires. (A done detect action with neither a signal nor an effect gets unevidenced-action instead.)";
    FutureDate = "future-date", Warning, Rule, "a review, exercise or incident dated after today", "A risk reviewed, a mitigation exercised, or an incident that happened after today is most likely a typo; it also hides the risk from review reminders, the incident from the year's record, and counts as no evidence: a mitigation exercised in the future is never exercised until that day comes. Fix the date.";
    EstimateMissing = "estimate-missing", Warning, Rule, "a high or critical risk without the inputs for its bad minutes", "On a system with an availability SLO, a high or critical risk (one of the matrix's two highest bands) needs time_to_detect and time_to_recover as durations and a frequency, so that its share of the error budget is known.";
    BudgetIncomplete = "budget-incomplete", Note, Rule, "a system's budget sums leave out risks without a bad-minute estimate", "Risks without durations for both times, or without a frequency, have no bad-minute estimate and are left out of their system's budget sums, which may then be too low.";
    // Added later: appended, so that earlier codes keep their place (SARIF rule indices).
    InvalidRule = "invalid-rule", Error, Input, "a rule named in [rules] or a waiver that cannot be set there", "A [rules] level or a [[risk.waive]] names a gate rule by its id. The id must be a gate rule's (input problems such as toml-syntax are not rules), and unmitigated and acceptance-expired cannot be lowered or waived: a risk leaves them only by a done action or an explicit, expiring [risk.accepted].";
    UnevidencedAction = "unevidenced-action", Warning, Rule, "a done action that shows no evidence of what it changed", "A done action counts as mitigation, but nothing shows what it changed: it declares no effect (likelihood, impact, time_to_detect, time_to_recover, frequency, users_affected), and it is not a detect action with a signal or a respond action with a runbook. Add the one that is true, so the register measures the mitigation instead of claiming it. Under mitigation = \"evidence\" in opx.toml such an action does not mitigate at all.";
    WaiverExpired = "waiver-expired", Error, Oversight, "a waiver whose end date has passed", "A [[risk.waive]] holds through its until date; after it, the finding it waived counts again and this error says so. Fix what the rule asks for, or renew the waiver with a new date and reason.";
    UnusedWaiver = "unused-waiver", Warning, Oversight, "a waiver of a rule that does not fire for its risk", "A [[risk.waive]] waives a rule that finds nothing on its risk, most likely because what it waived was fixed. Remove the waiver so stale ones do not pile up.";
    AcceptanceExpiring = "acceptance-expiring", Warning, Oversight, "an acceptance that ends within the notice window", "An acceptance ends soon (within expiring_within, 14 days by default): decide now whether to renew it or to mitigate the risk, before the gate fails on acceptance-expired.";
    WaiverExpiring = "waiver-expiring", Warning, Oversight, "a waiver that ends within the notice window", "A waiver ends soon (within expiring_within, 14 days by default): fix what the rule asks for, or renew the waiver, before the gate fails on waiver-expired.";
    ExpiresTooLate = "expires-too-late", Error, Oversight, "an acceptance or waiver that runs further ahead than the policy allows", "The policy's max_acceptance_days caps how far ahead an acceptance or a waiver may run, so trade-offs come back for review. Set an earlier until.";
    NotAFile = "not-a-file", Error, Input, "a path that is not a regular file (a pipe, a socket or a device)", "opx reads registers and policies from regular files only. A pipe (FIFO), a socket or a device named on the command line could block forever or never end, so opx refuses it at once; inside a folder, such entries are skipped. Point opx at the .toml files, or at the folder that holds them.";
    FileTooLarge = "file-too-large", Error, Input, "a file larger than the size opx reads", "A register or policy file is larger than the cap (16 MiB unless --max-file-size says otherwise), so opx refuses it before reading it to the end: a runaway file cannot exhaust the machine. Split the register into several files, or raise the cap with --max-file-size.";
    InvalidMatrix = "invalid-matrix", Error, Input, "a [matrix] in opx.toml that is not a whole risk matrix", "The policy's [matrix] names a shipped matrix (preset = \"opx\" or \"nist-800-30\") or writes its own: bands, the team's band names from lowest to highest, each once, and cells, five rows (likelihood 5 at the top down to 1) of five bands each (impact 1 to 5). A preset and cells together, an empty or repeating band list, or a row of the wrong length leave the matrix unclear, so opx stops rather than guess.";
    UnknownBand = "unknown-band", Error, Input, "a band that the policy's matrix does not have", "A matrix cell or fail_band names a band by its name, and the name must be one of the matrix's bands (its bands list, or the preset's: low, medium, high, critical for opx; very-low, low, moderate, high, very-high for nist-800-30). Fix the spelling, or add the band to bands.";
    DuplicateFactor = "duplicate-factor", Error, Input, "a systemic factor whose id another factor or a risk of its system uses", "A [[system.factor]] is named by its id in rankings, findings and plans, beside the system's risks, so its id is unique among the system's risks and factors. Rename one of the two.";
    BudgetAtRisk = "budget-at-risk", Error, Rule, "a system whose simulated years miss its error budget more often than the policy allows", "In years simulated from its risks' estimates (each range drawn from its distribution, incidents drawn from their yearly rate), the system's bad minutes overrun its error budget more often than `max_miss_probability` in opx.toml allows. Bring down the risks that cost most in bad years (their P90), or narrow estimates that are only guesses.";
    SkippedLink = "skipped-link", Note, Input, "a link in a folder that leads out of it, skipped unread", "While walking a folder, opx follows a link only to a file inside the folder or the repository that holds it, and never into a hidden folder such as .git: a register under review could otherwise make opx quote `.git/config` (with a CI token) or `/etc/passwd` into a log. The link is skipped and never read; the run goes on. Name the file on the command line to read it as given, or replace the link with the file.";
    ExerciseOverdue = "exercise-overdue", Warning, Rule, "a done action of a high or critical risk not shown to work within its cadence", "A done action of a risk whose own estimates fall in the matrix's two highest bands was last shown to work (exercised, or listed in an incident's worked_actions) longer ago than its exercise_every (else the policy's, 180 days by default). A mitigation nobody has rehearsed lately may not work when it is needed: run the drill, the restore test or the failover again and record the day in exercised.";
    NeverExercised = "never-exercised", Note, Rule, "a done detect or respond action of a high or critical risk never shown to work", "A done detect or respond action of a risk whose own estimates fall in the matrix's two highest bands has no exercised day and no incident that lists it in worked_actions: its alert may never have fired, its restore never been tried. Exercise it (a drill, a restore test, a game day) and record the day in exercised. Under mitigation = \"exercised\" in opx.toml it does not mitigate until then.";
    MitigationFailed = "mitigation-failed", Error, Rule, "an action found not to work", "An action has status = \"failed\" (with failed_on), or an incident lists it in failed_actions and it was not exercised since: it mitigates nothing, and a risk whose mitigations all failed is unmitigated. Mend it and exercise it again, or replace it. An error on a risk whose own estimates fall in the matrix's two highest bands, a warning below them.";
    RpoExceeded = "rpo-exceeded", Error, Rule, "a risk that would lose more recent data than its system's recovery point objective", "A risk not accepted would lose more recent writes (its current data_loss, a range by its high end) than its system's [system.slo] rpo allows, whether or not it costs bad minutes. Add or finish the action that brings the loss within the objective (more frequent backups, replication), or accept the risk explicitly.";
    BudgetExhausted = "budget-exhausted", Warning, Rule, "a system whose measured health has spent more than its error budget", "The system's [system.baseline] availability, or the bad minutes of its incidents in the last 365 days, has spent more than the error budget its availability SLO allows. An error-budget policy answers this: while the budget is spent, reliability work comes before features.";
    MeasureFailed = "measure-failed", Error, Input, "opx measure could not read a measurement from Prometheus", "A [system.measure] expression, or a question about an alert, got no usable answer from the Prometheus server: it was unreachable, refused the request (401: set OPX_PROMETHEUS_TOKEN), rejected the PromQL (its message is quoted), returned no series (no data, which is never taken as zero), several series where one value is needed, NaN, or a value outside what the key holds (availability and error_rate are ratios from 0 to 1, latency_p95 seconds, throughput a rate per second). Nothing is written while any measurement of the run fails.";
    SignalMissing = "signal-missing", Warning, Input, "a detect action's alert that the Prometheus server has no alerting rule for", "A detect action names its alert with signal = \"alert:NAME\", and opx measure found no alerting rule of that name on the server (/api/v1/rules): the detection the register claims does not exist, or the name is misspelt. An error, and opx measure --check fails, when the risk's impact reaches fail_impact (or its band fail_band).";
    SignalBroken = "signal-broken", Warning, Input, "a detect action's alerting rule that the server fails to evaluate", "The alerting rule a detect action names with signal = \"alert:NAME\" is loaded, but the server reports its health as err (its last error is quoted): it cannot fire. An error, and opx measure --check fails, when the risk's impact reaches fail_impact (or its band fail_band).";
}

/// A code is written as its stable id.
impl serde::Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.id())
    }
}

impl schemars::JsonSchema for Code {
    fn schema_name() -> Cow<'static, str> {
        "Code".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let ids: Vec<&str> = Code::ALL.iter().map(|c| c.id()).collect();
        schemars::json_schema!({ "type": "string", "enum": ids })
    }
}

/// A place a diagnostic points at, with an optional label under the caret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub text: String,
}

/// Where a diagnostic is about: a span in a file, a whole path, or nowhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    Span(Label),
    /// A file or folder as a whole (it could not be read, or holds nothing).
    Path(String),
    None,
}

/// What a gate finding is about: a risk, or a system as a whole.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Subject {
    pub system: String,
    /// `None` for a finding about the system itself (its error budget).
    pub risk: Option<String>,
    /// Which of the risk's parts, where a rule can fire more than once for
    /// one risk: `action:Autoscale workers`, `incident:INC-7`. With the
    /// rest, it names a finding independently of where its lines are.
    pub part: Option<String>,
}

impl Subject {
    /// `checkout/traffic-spike/no-runbook`, or
    /// `checkout/traffic-spike/action-overdue/action:Autoscale workers`:
    /// the same finding keeps the same key when lines move.
    pub fn key(&self, code: Code) -> String {
        let mut key = format!("{}/{}", self.name(), code.id());
        if let Some(part) = &self.part {
            key.push('/');
            key.push_str(part);
        }
        key
    }

    /// `checkout/traffic-spike`, or `checkout` for the system itself.
    pub fn name(&self) -> String {
        match &self.risk {
            Some(risk) => format!("{}/{risk}", self.system),
            None => self.system.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    pub location: Location,
    /// Other places that explain this one (the first definition of a duplicate).
    pub related: Vec<Label>,
    pub help: Option<String>,
    /// The risk it is about, for gate findings.
    pub subject: Option<Subject>,
}

impl Diagnostic {
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: code.default_severity(),
            message: message.into(),
            location: Location::None,
            related: Vec::new(),
            help: None,
            subject: None,
        }
    }

    pub fn at(mut self, span: Span, label: impl Into<String>) -> Self {
        self.location = Location::Span(Label {
            span,
            text: label.into(),
        });
        self
    }

    pub fn at_path(mut self, path: impl Into<String>) -> Self {
        self.location = Location::Path(path.into());
        self
    }

    pub fn related(mut self, span: Span, label: impl Into<String>) -> Self {
        self.related.push(Label {
            span,
            text: label.into(),
        });
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Says which risk or system a gate finding is about.
    pub fn about(mut self, subject: Subject) -> Self {
        self.subject = Some(subject);
        self
    }

    pub fn span(&self) -> Option<Span> {
        match &self.location {
            Location::Span(label) => Some(label.span),
            _ => None,
        }
    }

    /// An order that follows the files and, within a file, the text.
    pub fn sort_key(&self) -> (Option<(crate::source::FileId, u32)>, Option<&str>, Code) {
        let at = self.span().map(|s| (s.file, s.start));
        let path = match &self.location {
            Location::Path(p) => Some(p.as_str()),
            _ => None,
        };
        (at, path, self.code)
    }
}

/// Whether any of `diagnostics` is an error.
pub fn has_errors(diagnostics: &[Diagnostic]) -> bool {
    diagnostics.iter().any(|d| d.severity == Severity::Error)
}

/// Counts of errors, warnings and notes in a list of diagnostics.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub errors: usize,
    pub warnings: usize,
    pub notes: usize,
}

impl Tally {
    pub fn of(diagnostics: &[Diagnostic]) -> Tally {
        let count = |severity| {
            diagnostics
                .iter()
                .filter(|d| d.severity == severity)
                .count()
        };
        Tally {
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
            notes: count(Severity::Note),
        }
    }
}

/// `1 error`, `2 warnings`, `2 near-misses`: a count with its noun, pluralised.
/// `a` or `an`, for a noun such as "risk" or "incident".
pub(crate) fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

pub fn plural(n: usize, noun: &str) -> String {
    match (n, noun.ends_with('s')) {
        (1, _) => format!("{n} {noun}"),
        (_, true) => format!("{n} {noun}es"),
        (_, false) => format!("{n} {noun}s"),
    }
}

/// Writes diagnostics rustc-style, with the source line and a caret under
/// the exact text, in ANSI colour when `colour` is set. A file whose text
/// can no longer be read is named without its line.
pub fn render_human(
    out: &mut dyn Write,
    diagnostics: &[Diagnostic],
    sources: &Sources,
    colour: bool,
) -> io::Result<()> {
    // A log shows these: no quoted line may start a workflow command.
    log_safe(out, |out| render(out, diagnostics, sources, colour))
}

fn render(
    out: &mut dyn Write,
    diagnostics: &[Diagnostic],
    sources: &Sources,
    colour: bool,
) -> io::Result<()> {
    let renderer = if colour {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut locator = Locator::new(sources);
    // Diagnostics come sorted by file; past the cap, a file's are counted.
    let mut file: Option<FileId> = None;
    let mut in_file = 0usize;
    let mut untold = 0usize;
    let tell_rest = |out: &mut dyn Write, file: Option<FileId>, untold: usize| match (file, untold)
    {
        (Some(file), 1..) => writeln!(
            out,
            "… and {} more {} in `{}`, not shown (every one is in --format json or sarif)\n",
            thousands(untold),
            if untold == 1 { "problem" } else { "problems" },
            visible_line(&display_path(sources.path(file)))
        ),
        _ => Ok(()),
    };
    for d in diagnostics {
        let this = d.span().map(|s| s.file);
        if this != file {
            tell_rest(out, file, untold)?;
            (file, in_file, untold) = (this, 0, 0);
        }
        in_file += 1;
        if this.is_some() && in_file > SHOWN_PER_FILE {
            untold += 1;
            continue;
        }
        let level = match d.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
            Severity::Note => Level::NOTE,
        };
        // The primary label first, then the places that explain it.
        let labels: Vec<&Label> = match &d.location {
            Location::Span(label) => std::iter::once(label).chain(&d.related).collect(),
            _ => Vec::new(),
        };
        let excerpts: Vec<Excerpt> = labels
            .iter()
            .map(|label| excerpt(&mut locator, label.span))
            .collect();
        let mut group = Group::with_title(
            level
                .primary_title(visible_line(&d.message))
                .id(d.code.id()),
        );
        if let Location::Path(path) = &d.location {
            group = group.element(Origin::path(visible_line(path.as_str())));
        }
        for (i, (excerpt, label)) in excerpts.iter().zip(&labels).enumerate() {
            let kind = if i == 0 {
                AnnotationKind::Primary
            } else {
                AnnotationKind::Context
            };
            group = match excerpt {
                Excerpt::Line {
                    path,
                    line,
                    text,
                    at,
                } => group.element(
                    Snippet::source(text.as_str())
                        .line_start(*line)
                        .path(path.as_str())
                        .fold(false)
                        .annotation(kind.span(at.clone()).label(visible_line(&label.text))),
                ),
                Excerpt::Path(path) => group.element(Origin::path(path.as_str())),
            };
        }
        if let Some(help) = &d.help {
            group = group.element(Level::HELP.message(visible_line(help)));
        }
        writeln!(out, "{}\n", renderer.render(&[group]))?;
    }
    tell_rest(out, file, untold)
}

/// The longest id or name opx takes; longer ones are refused where they
/// are read, so no message that quotes an id grows with the input.
pub const MAX_NAME_CHARS: usize = 64;

/// Text a person wrote, as a message quotes it: at most
/// [`MAX_NAME_CHARS`] characters, then `…`.
pub fn clip(text: &str) -> Cow<'_, str> {
    match text.char_indices().nth(MAX_NAME_CHARS) {
        Some((end, _)) => Cow::Owned(format!("{}…", &text[..end])),
        None => Cow::Borrowed(text),
    }
}

/// `39950` as `39,950`.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The diagnostics of one file shown in full; the rest are counted, so a
/// file of forty thousand mistakes costs a screen, not an hour.
pub const SHOWN_PER_FILE: usize = 50;

/// The longest stretch of a line a snippet shows: a long line is cut to a
/// window around the span, so a diagnostic costs its window, not its line.
const SNIPPET_WINDOW: usize = 120;

/// The part of a line a diagnostic shows, with where its label goes.
enum Excerpt {
    /// A window of the line holding the span, and the span within it.
    Line {
        path: String,
        line: usize,
        text: String,
        at: std::ops::Range<usize>,
    },
    /// The file can no longer be read: only its name.
    Path(String),
}

fn excerpt(locator: &mut Locator<'_>, span: Span) -> Excerpt {
    let path = visible_line(&display_path(locator.sources().path(span.file))).into_owned();
    let Some(lines) = locator.lines(span.file) else {
        return Excerpt::Path(path);
    };
    let line = lines.line_range(span.start as usize);
    let line_no = lines.line_col(span.start as usize).line;
    let text = &lines.text()[line.clone()];
    // A span that runs past its line is cut at the line's end; one inside
    // a character takes the whole character; an empty one is widened to
    // the character it sits on, so the caret shows.
    let mut start = (span.start as usize).clamp(line.start, line.end) - line.start;
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = (span.end as usize).clamp(line.start, line.end) - line.start;
    while !text.is_char_boundary(end) {
        end += 1;
    }
    if end <= start {
        end = start + text[start..].chars().next().map_or(0, char::len_utf8);
    }
    let (text, at) = window(text, start..end);
    let (text, at) = visible_excerpt(&text, at);
    Excerpt::Line {
        path,
        line: line_no,
        text,
        at,
    }
}

/// A source line through the one output filter, and where `at` falls in
/// what it shows: a quoted line is register text like any other.
fn visible_excerpt(text: &str, at: std::ops::Range<usize>) -> (String, std::ops::Range<usize>) {
    if let Cow::Borrowed(_) = visible_line(text) {
        return (text.to_string(), at);
    }
    let mut shown = String::with_capacity(text.len() + 16);
    let (mut start, mut end) = (None, None);
    for (i, c) in text.char_indices() {
        if i == at.start {
            start = Some(shown.len());
        }
        if i == at.end {
            end = Some(shown.len());
        }
        shown.push_str(&visible_line(c.encode_utf8(&mut [0; 4])));
    }
    let start = start.unwrap_or(shown.len());
    let end = end.unwrap_or(shown.len()).max(start);
    (shown, start..end)
}

/// At most [`SNIPPET_WINDOW`] bytes of `text` around `at`, marked with `…`
/// where cut, and where `at` falls in them.
fn window(text: &str, at: std::ops::Range<usize>) -> (String, std::ops::Range<usize>) {
    if text.len() <= SNIPPET_WINDOW {
        return (text.to_string(), at);
    }
    let floor = |mut i: usize| {
        i = i.min(text.len());
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let start = floor(at.start.saturating_sub(SNIPPET_WINDOW / 3));
    let end = floor((start + SNIPPET_WINDOW).max(at.start + 1).min(text.len()));
    let end = if end < at.start { floor(at.start) } else { end };
    let prefix = if start > 0 { "…" } else { "" };
    let suffix = if end < text.len() { "…" } else { "" };
    let shown = format!("{prefix}{}{suffix}", &text[start..end]);
    let shift = |i: usize| (i.clamp(start, end) - start) + prefix.len();
    let mut range = shift(at.start)..shift(at.end);
    if range.end <= range.start {
        range.end = range.start
            + shown[range.start..]
                .chars()
                .next()
                .map_or(0, char::len_utf8);
    }
    (shown, range)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Codes keep their place: SARIF names a rule by its index, so a new
    /// code goes at the end of the list, never between two others.
    #[test]
    fn codes_keep_their_place() {
        const PLACES: &[&str] = &[
            "io",
            "no-register",
            "not-text",
            "empty-file",
            "toml-syntax",
            "unknown-key",
            "wrong-type",
            "missing-key",
            "invalid-value",
            "invalid-level",
            "invalid-duration",
            "invalid-percent",
            "invalid-frequency",
            "invalid-date",
            "duplicate-system",
            "duplicate-risk",
            "unknown-system",
            "no-system",
            "unknown-risk",
            "duplicate-incident",
            "conflicting-system",
            "unmitigated",
            "acceptance-expired",
            "too-big",
            "budget-exceeded",
            "runbook-missing",
            "action-overdue",
            "review-overdue",
            "no-detection",
            "no-owner",
            "estimate-exceeded",
            "frequency-exceeded",
            "no-runbook",
            "no-signal",
            "future-date",
            "estimate-missing",
            "budget-incomplete",
            "invalid-rule",
            "unevidenced-action",
            "waiver-expired",
            "unused-waiver",
            "acceptance-expiring",
            "waiver-expiring",
            "expires-too-late",
            "not-a-file",
            "file-too-large",
            "invalid-matrix",
            "unknown-band",
            "duplicate-factor",
            "budget-at-risk",
        ];
        let ids: Vec<&str> = Code::ALL.iter().map(|c| c.id()).collect();
        assert_eq!(&ids[..PLACES.len().min(ids.len())], PLACES);
    }
}
