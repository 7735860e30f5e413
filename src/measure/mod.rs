//! `opx measure`: each system's health and each detect action's alert, as
//! a Prometheus server has them, set beside what the register says.
//!
//! A system's `[system.measure]` holds one PromQL expression for each
//! measured key of its `[system.baseline]`; `$window` in it stands for the
//! SLO's window (`[system.slo] window`, 30 days unless set), written the
//! way PromQL writes durations. Each expression is evaluated as one
//! instant query at the end of `--today` (midnight UTC after it, or now
//! while that day lasts), and must
//! give exactly one number: no series is "no data" (never zero), several
//! series or NaN are errors, and a value outside what its key holds (a
//! ratio above 1 for availability) is one too. What each value is worth
//! against the SLO is judged by the same rules as `opx assess`
//! ([`crate::assess`]).
//!
//! A detect action's `signal = "alert:NAME"` names an alerting rule. The
//! rules API says whether the server has it and whether it evaluates; the
//! day it last fired is the newest sample of
//! `ALERTS{alertname="NAME", alertstate="firing"}` within the window,
//! read with one instant query:
//! `max(last_over_time(timestamp(ALERTS{…})[WINDOW:1m]))`. The subquery
//! evaluates `timestamp()` each minute of the window, and `timestamp()`
//! gives each series' newest sample time, so the result is the last time
//! the alert was firing (to the minute), or no series if it never fired.
//!
//! This module asks and returns data; [`mod@write`] records it in the files,
//! and the renderers word it.

pub mod write;

use jiff::civil::Date;
use jiff::tz::TimeZone;

use crate::analysis::Analysis;
use crate::assess::Verdict;
use crate::diag::{Code, Diagnostic, Severity};
use crate::prometheus::{Client, Failure, duration_text, string_literal};
use crate::register::model::{ActionKind, At, Baseline, System};
use crate::units;

/// The prefix of a detect action's signal that names an alerting rule.
pub const ALERT_PREFIX: &str = "alert:";

/// Everything one run read, and what went wrong.
#[derive(Debug, Clone)]
pub struct Measurement {
    /// The day measured: its end is the time of every query.
    pub today: Date,
    pub readings: Vec<Reading>,
    pub signals: Vec<Signal>,
    /// `measure-failed` for each failure, `signal-missing` and
    /// `signal-broken` for alerts, each located in the register.
    pub diagnostics: Vec<Diagnostic>,
}

impl Measurement {
    /// Every query of the run gave a usable answer.
    pub fn complete(&self) -> bool {
        !self
            .diagnostics
            .iter()
            .any(|d| d.code == Code::MeasureFailed)
    }

    /// A risk at or above the failing threshold has a missing or broken
    /// signal: what `--check` fails on.
    pub fn failing_signals(&self) -> usize {
        self.signals
            .iter()
            .filter(|s| s.gated && matches!(s.state, SignalState::Missing | SignalState::Broken(_)))
            .count()
    }
}

/// One measured key of one system.
#[derive(Debug, Clone)]
pub struct Reading {
    pub system: String,
    /// The `[system.baseline]` key: `availability`, `error_rate`, ...
    pub key: &'static str,
    /// The expression as written, where it is written.
    pub expression: At<String>,
    /// The query sent: `$window` replaced.
    pub query: String,
    /// The number the server gave, as a ratio, seconds or a rate per second.
    pub value: Option<f64>,
    /// The value as the register writes it: `99.8%`, `340ms`, `1200/s`.
    pub text: Option<String>,
    /// Why there is no value: `no data`, `error`, ...
    pub problem: Option<&'static str>,
    /// The SLO it is judged against, as `opx assess` words it.
    pub target: Option<String>,
    pub verdict: Option<Verdict>,
}

/// A detect action's alert.
#[derive(Debug, Clone)]
pub struct Signal {
    /// `system/risk`.
    pub risk: String,
    /// The action's id, else what it does.
    pub action: String,
    /// The alerting rule's name.
    pub alert: String,
    pub state: SignalState,
    /// The day it last fired within the window, if it did.
    pub last_fired: Option<Date>,
    /// The action's `exercised` in the register.
    pub exercised: Option<Date>,
    /// Its risk is at or above the failing threshold.
    pub gated: bool,
    /// The risk's place among the register's risks, and the action's among its actions.
    pub(crate) at: (usize, usize),
}

impl Signal {
    /// The day to record as `exercised`: the last firing, when newer
    /// than the register's.
    pub fn newly_exercised(&self) -> Option<Date> {
        self.last_fired
            .filter(|fired| self.exercised.is_none_or(|e| *fired > e))
    }
}

/// What the server has of an alert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignalState {
    /// Loaded, and its last evaluation worked.
    Healthy,
    /// Loaded, not evaluated yet.
    Unknown,
    /// No alerting rule of that name.
    Missing,
    /// Loaded, and failing: its last error.
    Broken(String),
    /// The rules could not be read.
    Unread,
}

impl SignalState {
    pub fn name(&self) -> &'static str {
        match self {
            SignalState::Healthy => "healthy",
            SignalState::Unknown => "not evaluated yet",
            SignalState::Missing => "missing",
            SignalState::Broken(_) => "broken",
            SignalState::Unread => "unread",
        }
    }
}

/// The time of every query: the end of `today`, UTC, in seconds.
pub fn end_of(today: Date) -> i64 {
    today
        .tomorrow()
        .ok()
        .and_then(|d| {
            TimeZone::UTC
                .to_timestamp(d.to_datetime(jiff::civil::Time::midnight()))
                .ok()
        })
        .map_or(i64::MAX, |t| t.as_second())
}

/// Reads every measured key and every alert of the register from `client`,
/// at the end of the analysis's day, or at `now` (seconds since the epoch)
/// if the day has not ended: the server has nothing after now, and an
/// instant selector asked about the future finds no sample.
pub fn measure(analysis: &Analysis<'_>, client: &Client, gate: &Gate, now: i64) -> Measurement {
    let today = analysis.today;
    let time = end_of(today).min(now);
    let register = analysis.register;
    let mut diagnostics = Vec::new();
    let mut readings = Vec::new();
    // A server that cannot be reached (or refuses opx) is told once, at
    // the first expression; the rest are not asked, so a run against a
    // server that is down ends after one timeout, not one per query.
    let mut down = false;
    for system in &register.systems {
        let window = duration_text(system.slo.window());
        let mut measured = Baseline::default();
        let first = readings.len();
        for (key, expression) in system.measure.expressions() {
            let query = expression.value.replace("$window", &window);
            let mut reading = Reading {
                system: system.id.clone(),
                key,
                expression: expression.clone(),
                query: query.clone(),
                value: None,
                text: None,
                problem: None,
                target: None,
                verdict: None,
            };
            if down {
                reading.problem = Some("not asked");
                readings.push(reading);
                continue;
            }
            match read_one(client, &query, time).and_then(|v| record(&mut measured, key, v)) {
                Ok((value, text)) => {
                    reading.value = Some(value);
                    reading.text = Some(text);
                }
                Err(problem) => {
                    down = problem.server_down();
                    reading.problem = Some(problem.short());
                    diagnostics.push(problem.diagnostic(&system.id, key, &reading));
                }
            }
            readings.push(reading);
        }
        judge(system, &measured, &mut readings[first..]);
    }
    let signals = if down {
        Vec::new()
    } else {
        signals(analysis, client, gate, time, &mut diagnostics)
    };
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    Measurement {
        today,
        readings,
        signals,
        diagnostics,
    }
}

/// The policy's failing threshold, for `--check`.
#[derive(Debug, Clone, Copy)]
pub struct Gate {
    pub fail_impact: crate::scale::Level,
    pub fail_band: Option<crate::band::Band>,
}

/// Sets each reading's target and verdict, as `opx assess` would judge
/// the measured values.
fn judge(system: &System, measured: &Baseline, readings: &mut [Reading]) {
    let judged = System {
        baseline: measured.clone(),
        ..system.clone()
    };
    let rows = crate::assess::rows(&judged, &crate::policy::Thresholds::default(), None);
    for reading in readings {
        let measure = match reading.key {
            "availability" => "availability",
            "error_rate" => "error rate",
            "latency_p95" => "latency p95",
            _ => continue,
        };
        if let Some(row) = rows.iter().find(|r| r.measure == measure) {
            reading.target = row.target.clone();
            reading.verdict = row.verdict.filter(|_| reading.value.is_some());
        }
    }
}

/// Why a query gave no value.
#[derive(Debug, Clone)]
enum Problem {
    Server(Failure),
    NoData,
    Several(usize, String),
    NotANumber,
    OutOfRange(String),
}

impl Problem {
    /// The server cannot answer any query: down, too slow, or refusing opx.
    fn server_down(&self) -> bool {
        // A query that timed out may only be a costly one: the others are
        // still asked.
        matches!(
            self,
            Problem::Server(Failure::Unreachable(_) | Failure::Unauthorized(_))
        )
    }

    fn short(&self) -> &'static str {
        match self {
            Problem::Server(_) => "error",
            Problem::NoData => "no data",
            Problem::Several(..) => "several series",
            Problem::NotANumber => "NaN",
            Problem::OutOfRange(_) => "out of range",
        }
    }

    fn diagnostic(&self, system: &str, key: &str, reading: &Reading) -> Diagnostic {
        let (message, help) = match self {
            Problem::Server(failure) => (
                format!("{system}: {key}: {}", failure.message()),
                match failure {
                    Failure::Query(_) => format!("the query sent: {}", reading.query),
                    _ => failure.help().to_string(),
                },
            ),
            Problem::NoData => (
                format!(
                    "{system}: {key}: no data: the expression gives no series at the end of the day"
                ),
                format!(
                    "check the metric names and labels, and that the server held data then; the query sent: {}",
                    reading.query
                ),
            ),
            Problem::Several(n, labels) => (
                format!(
                    "{system}: {key}: the expression gives {n} series, not one (such as {labels})"
                ),
                "aggregate it to one number, such as with sum(...) or by a narrower selector"
                    .into(),
            ),
            Problem::NotANumber => (
                format!("{system}: {key}: the expression gives NaN"),
                "NaN is most often 0/0: no requests in the window; check the selector".into(),
            ),
            Problem::OutOfRange(why) => (format!("{system}: {key}: {why}"), range_help(key).into()),
        };
        Diagnostic::new(Code::MeasureFailed, message)
            .at(reading.expression.span, "this expression")
            .help(help)
    }
}

fn range_help(key: &str) -> &'static str {
    match key {
        "availability" | "error_rate" => "write it as a ratio from 0 to 1 (do not multiply by 100)",
        "latency_p95" => "write it in seconds, above zero",
        _ => "write it as a rate per second, zero or more",
    }
}

/// The one number `query` gives at `time`.
fn read_one(client: &Client, query: &str, time: i64) -> Result<f64, Problem> {
    let samples = client.instant(query, time).map_err(Problem::Server)?;
    match samples.as_slice() {
        [] => Err(Problem::NoData),
        [one] if one.value.is_nan() => Err(Problem::NotANumber),
        [one] => Ok(one.value),
        [first, ..] => Err(Problem::Several(
            samples.len(),
            if first.labels.is_empty() {
                "{}".into()
            } else {
                first.labels.clone()
            },
        )),
    }
}

/// Checks `value` against what `key` holds and sets it in `baseline`;
/// returns it with its text as the register writes it.
fn record(baseline: &mut Baseline, key: &str, value: f64) -> Result<(f64, String), Problem> {
    let out_of_range = |what: &str| {
        Err(Problem::OutOfRange(format!(
            "{} is not {what}",
            crate::units::number_text(value)
        )))
    };
    if !value.is_finite() {
        return out_of_range("a finite number");
    }
    let text = match key {
        "availability" | "error_rate" => {
            if !(0.0..=1.0).contains(&value) {
                return out_of_range("a ratio from 0 to 1");
            }
            let text = format!("{}%", decimal_text(value * 100.0, 4));
            let percent = units::parse_percent(&text).ok();
            if key == "availability" {
                baseline.availability = percent;
            } else {
                baseline.error_rate = percent;
            }
            text
        }
        "latency_p95" => {
            let ms = (value * 1000.0).round();
            if ms < 1.0 {
                return out_of_range("a latency of 1ms or more, in seconds");
            }
            let text = format!("{ms}ms");
            baseline.latency_p95 = units::parse_latency(&text).ok();
            text
        }
        _ => {
            if value < 0.0 {
                return out_of_range("a rate of zero or more");
            }
            let text = format!("{}/s", decimal_text(value, 2));
            baseline.throughput = units::parse_rate(&text).ok();
            text
        }
    };
    Ok((value, text))
}

/// `n` with at most `places` decimals, trailing zeros dropped: `99.8`.
fn decimal_text(n: f64, places: usize) -> String {
    let text = format!("{:.places$}", n + 0.0);
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

/// The alert of each detect action that names one.
fn signals(
    analysis: &Analysis<'_>,
    client: &Client,
    gate: &Gate,
    time: i64,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Signal> {
    let register = analysis.register;
    let mut wanted = Vec::new();
    for (r, assessed) in analysis.risks.iter().enumerate() {
        let risk = assessed.risk;
        let inherent = &assessed.score.inherent;
        let gated = inherent.view.impact.level >= gate.fail_impact
            || gate.fail_band.is_some_and(|b| inherent.band >= b);
        for (a, action) in risk.actions.iter().enumerate() {
            let Some(alert) = action
                .signal
                .as_deref()
                .and_then(|s| s.trim().strip_prefix(ALERT_PREFIX))
                .map(str::trim)
            else {
                continue;
            };
            if action.kind != ActionKind::Detect || alert.is_empty() {
                continue;
            }
            wanted.push((r, a, alert.to_string(), gated));
        }
    }
    if wanted.is_empty() {
        return Vec::new();
    }
    let rules = client.alerting_rules();
    if let Err(failure) = &rules {
        let (r, a, _, _) = &wanted[0];
        let action = &analysis.risks[*r].risk.actions[*a];
        diagnostics.push(
            Diagnostic::new(
                Code::MeasureFailed,
                format!("cannot read the alerting rules: {}", failure.message()),
            )
            .at(
                action.signal_span.unwrap_or(action.span),
                "this alert, among others",
            )
            .help(failure.help()),
        );
    }
    let mut signals = Vec::new();
    for (r, a, alert, gated) in wanted {
        let risk = analysis.risks[r].risk;
        let action = &risk.actions[a];
        let system = register
            .system_index(&risk.system)
            .map(|i| &register.systems[i]);
        let window = system.map_or(crate::register::model::Slo::DEFAULT_WINDOW, |s| {
            s.slo.window()
        });
        let state = match &rules {
            Err(_) => SignalState::Unread,
            // One alert name may stand in several groups (one a severity):
            // any copy that fails to evaluate breaks it.
            Ok(rules) => {
                let mut named = rules.iter().filter(|rule| rule.name == alert).peekable();
                match named.peek() {
                    None => SignalState::Missing,
                    Some(_) => {
                        let named: Vec<_> = named.collect();
                        if let Some(broken) = named.iter().find(|rule| rule.health == "err") {
                            SignalState::Broken(broken.last_error.clone())
                        } else if named.iter().any(|rule| rule.health == "ok") {
                            SignalState::Healthy
                        } else {
                            SignalState::Unknown
                        }
                    }
                }
            }
        };
        let name = format!("{}/{}", risk.system, risk.id.value);
        let label = action
            .id
            .as_ref()
            .map_or_else(|| action.what.clone(), |id| id.value.clone());
        let severity = if gated {
            Severity::Error
        } else {
            Severity::Warning
        };
        match &state {
            SignalState::Missing => diagnostics.push(Diagnostic {
                severity,
                ..Diagnostic::new(
                    Code::SignalMissing,
                    format!("{name}: the server has no alerting rule `{alert}`"),
                )
                .at(action.signal_span.unwrap_or(action.span), "this alert")
                .help("add the alerting rule to Prometheus, or fix the name after alert:")
            }),
            SignalState::Broken(error) => diagnostics.push(Diagnostic {
                severity,
                ..Diagnostic::new(
                    Code::SignalBroken,
                    format!("{name}: the alerting rule `{alert}` fails to evaluate: {error}"),
                )
                .at(action.signal_span.unwrap_or(action.span), "this alert")
                .help("fix the rule's expression on the server; until then it cannot fire")
            }),
            _ => {}
        }
        let last_fired = if matches!(state, SignalState::Unread | SignalState::Missing) {
            None
        } else {
            let query = format!(
                "max(last_over_time(timestamp(ALERTS{{alertname={}, alertstate=\"firing\"}})[{}:1m]))",
                string_literal(&alert),
                duration_text(window)
            );
            match client.instant(&query, time) {
                Ok(samples) => samples
                    .first()
                    .filter(|s| s.value.is_finite())
                    .and_then(|s| jiff::Timestamp::from_second(s.value.floor() as i64).ok())
                    // A sample at the very end of the day is dated the next
                    // one: an exercise is never after --today.
                    .map(|t| TimeZone::UTC.to_datetime(t).date().min(analysis.today)),
                Err(failure) => {
                    diagnostics.push(
                        Diagnostic::new(
                            Code::MeasureFailed,
                            format!(
                                "{name}: cannot read when `{alert}` last fired: {}",
                                failure.message()
                            ),
                        )
                        .at(action.signal_span.unwrap_or(action.span), "this alert")
                        .help(format!("the query sent: {query}")),
                    );
                    None
                }
            }
        };
        signals.push(Signal {
            risk: name,
            action: label,
            alert,
            state,
            last_fired,
            exercised: action.exercised.map(|e| e.value),
            gated,
            at: (r, a),
        });
    }
    signals
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_written_as_the_register_reads_them() {
        let mut baseline = Baseline::default();
        let (_, text) = record(&mut baseline, "availability", 0.998).ok().unwrap();
        assert_eq!(text, "99.8%");
        assert_eq!(baseline.availability.map(|p| p.value()), Some(99.8));
        let (_, text) = record(&mut baseline, "error_rate", 0.002_000_000_1)
            .ok()
            .unwrap();
        assert_eq!(text, "0.2%");
        let (_, text) = record(&mut baseline, "latency_p95", 0.3404).ok().unwrap();
        assert_eq!(text, "340ms");
        let (_, text) = record(&mut baseline, "throughput", 1200.004).ok().unwrap();
        assert_eq!(text, "1200/s");
        assert!(baseline.throughput.is_some());
    }

    #[test]
    fn a_value_outside_its_key_is_refused() {
        let mut baseline = Baseline::default();
        assert!(record(&mut baseline, "availability", 99.8).is_err());
        assert!(record(&mut baseline, "latency_p95", 0.0001).is_err());
        assert!(record(&mut baseline, "throughput", -1.0).is_err());
        assert!(record(&mut baseline, "throughput", f64::INFINITY).is_err());
    }

    #[test]
    fn queries_run_at_the_end_of_the_day_utc() {
        let day = jiff::civil::date(2026, 11, 20);
        assert_eq!(end_of(day), 1_795_219_200);
    }
}
