//! Quantities a register is written in: durations, percentages,
//! frequencies and rates, read from text and written back.
//!
//! Everything here is pure: text in, value out, with an error that says
//! what was accepted. Validation (`crate::register`) attaches locations;
//! level scales live in `crate::scale`.

use std::fmt;
use std::time::Duration;

use crate::uncertainty::{Distribution, Interval};

/// Why a value could not be read, and what would have been accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueError {
    pub message: String,
    pub help: String,
}

impl ValueError {
    pub fn new(message: impl Into<String>, help: impl Into<String>) -> Self {
        ValueError {
            message: message.into(),
            help: help.into(),
        }
    }

    /// The same error with a key's own `help`, keeping a did-you-mean the
    /// value's reader found (`did you mean "1h"?`).
    pub fn with_help(self, help: &str) -> Self {
        let help = match self.help.split_once("? ") {
            Some((hint, _)) if hint.starts_with("did you mean") => format!("{hint}? {help}"),
            _ => help.to_string(),
        };
        ValueError { help, ..self }
    }
}

/// The longest duration opx reads: a hundred years.
const MAX_DURATION_SECS: u64 = 36_525 * 86_400;

/// A year in a duration: 365.25 days, as in a frequency's `N/year`.
const YEAR_SECS: u64 = 31_557_600;

/// The help for a duration, naming every unit it takes.
const DURATION_HELP: &str = "write a duration as numbers with units s, m, h, d, w or y, such as \"15m\", \"2h 30m\", \"1.5h\" or \"90d\"";

/// Reads a duration such as `15m`, `2h 30m`, `1h30m`, `1.5h`, `90d` or `1y`.
///
/// Units: `s`, `m`, `h`, `d` (24 hours), `w` (7 days), `y` (365.25 days).
/// A number may have decimals when what it stands for is a whole number of
/// milliseconds (`1.5h`, `2.5s`; not `0.0001s`): durations are kept to
/// the millisecond and shown to the second once past a minute. A unit
/// written as a word (`2 hours`) gets the form opx reads as its hint.
pub fn parse_duration(text: &str) -> Result<Duration, ValueError> {
    read_duration(text, YEAR_SECS)
        .map_err(|why| duration_error(text, &why, DURATION_HELP, |t| parse_duration(t).is_ok()))
}

/// The error for a duration that could not be read: `why`, and `help`
/// led by the form opx would read when the text spells its units out
/// (`2 hours` → `2h`) and `accepts` takes that form.
fn duration_error(text: &str, why: &str, help: &str, accepts: impl Fn(&str) -> bool) -> ValueError {
    let help = match crate::respell::duration(text).filter(|t| accepts(t)) {
        Some(fixed) => format!("did you mean \"{fixed}\"? {help}"),
        None => help.to_string(),
    };
    ValueError::new(format!("`{text}` is not a duration: {why}"), help)
}

/// Reads a duration, a year counting `year_secs`; the error says why in
/// words for [`duration_error`].
fn read_duration(text: &str, year_secs: u64) -> Result<Duration, String> {
    let mut rest = text.trim();
    if rest.is_empty() {
        return Err("it is empty".into());
    }
    if rest.contains("..") {
        return Err(
            "it is a range, and this takes one duration (ranges are for a risk's estimates)".into(),
        );
    }
    let mut millis: u128 = 0;
    // Units run from the largest to the smallest, each at most once.
    let mut previous_unit = u64::MAX;
    while !rest.is_empty() {
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if digits == 0 {
            return Err("expected a number".into());
        }
        let whole = &rest[..digits];
        rest = &rest[digits..];
        // Decimals: `1.5h`, read exactly as 15/10 of an hour.
        let mut fraction = "";
        if let Some(after) = rest.strip_prefix('.') {
            let n = after.len() - after.trim_start_matches(|c: char| c.is_ascii_digit()).len();
            if n == 0 {
                return Err("a decimal point needs digits after it, such as \"1.5h\"".into());
            }
            fraction = &after[..n];
            rest = &after[n..];
        } else if rest.starts_with(',') {
            return Err("write decimals with a point, such as \"1.5h\"".into());
        }
        rest = rest.trim_start();
        let unit_len = rest.len()
            - rest
                .trim_start_matches(|c: char| c.is_ascii_alphabetic())
                .len();
        let unit: u64 = match &rest[..unit_len] {
            "s" => 1,
            "m" => 60,
            "h" => 3_600,
            "d" => 86_400,
            "w" => 604_800,
            "y" => year_secs,
            "" if rest.is_empty() => return Err("a number needs a unit".into()),
            "" => {
                let c = rest.chars().next().unwrap_or_default();
                return Err(format!("unexpected `{c}`"));
            }
            other => return Err(format!("unknown unit `{other}`")),
        };
        if unit >= previous_unit {
            return Err("write each unit once, largest first, such as \"1d 2h 30m\"".into());
        }
        previous_unit = unit;
        let too_long = || "it is longer than a hundred years".to_string();
        // The number as a fraction `numerator / 10^places`, in milliseconds.
        let places = u32::try_from(fraction.len()).map_err(|_| too_long())?;
        let scale = 10u128.checked_pow(places).ok_or_else(too_long)?;
        let numerator: u128 = format!("{whole}{fraction}")
            .parse()
            .map_err(|_| "the number is too large".to_string())?;
        let part = numerator
            .checked_mul(u128::from(unit) * 1_000)
            .ok_or_else(too_long)?;
        if part % scale != 0 {
            return Err(format!(
                "`{whole}.{fraction}` of a `{}` is not a whole number of milliseconds",
                &rest[..unit_len]
            ));
        }
        millis = millis
            .checked_add(part / scale)
            .filter(|ms| *ms <= u128::from(MAX_DURATION_SECS) * 1_000)
            .ok_or_else(too_long)?;
        rest = rest[unit_len..].trim_start();
    }
    let millis =
        u64::try_from(millis).map_err(|_| "it is longer than a hundred years".to_string())?;
    Ok(Duration::from_millis(millis))
}

/// A latency target: `300ms`, or any duration [`parse_duration`] reads.
pub fn parse_latency(text: &str) -> Result<Duration, ValueError> {
    const HELP: &str = "write a latency such as \"300ms\", \"2s\" or \"1.5s\"";
    let latency = match text
        .trim()
        .strip_suffix("ms")
        .map(|n| n.trim().parse::<u64>())
    {
        Some(Ok(ms)) => Duration::from_millis(ms),
        _ => read_duration(text, YEAR_SECS)
            .map_err(|why| duration_error(text, &why, HELP, |t| parse_latency(t).is_ok()))?,
    };
    if latency.is_zero() {
        return Err(ValueError::new(
            format!("`{text}` is no latency: it must be longer than zero"),
            HELP,
        ));
    }
    Ok(latency)
}

/// The longest review cadence: ten years.
pub const MAX_REVIEW_DAYS: u32 = 3_660;

/// A review cadence: whole days (or weeks, or years of 365 days), from one
/// day to ten years.
pub fn parse_review_cadence(text: &str) -> Result<u32, ValueError> {
    const HELP: &str = "write a cadence in days, weeks or years, such as \"90d\", \"2w\" or \"1y\"";
    match whole_days(text, HELP, |t| parse_review_cadence(t).is_ok())? {
        0 => Err(ValueError::new(
            format!("`{text}` is too short: a cadence is at least a day"),
            HELP,
        )),
        days => Ok(days),
    }
}

/// How long before an end date to warn: whole days (or weeks, or years of
/// 365 days), up to ten years; `0d` warns on none.
pub fn parse_notice(text: &str) -> Result<u32, ValueError> {
    whole_days(
        text,
        "write it in days, weeks or years, such as \"14d\" or \"2w\"; \"0d\" for no warning",
        |t| parse_notice(t).is_ok(),
    )
}

/// A duration of whole days, up to ten years. A year here is 365 days, so
/// that `1y` is a whole number of days (a cadence, not an average).
fn whole_days(
    text: &str,
    help: &'static str,
    accepts: impl Fn(&str) -> bool,
) -> Result<u32, ValueError> {
    let duration = read_duration(text, 365 * 86_400)
        .map_err(|why| duration_error(text, &why, help, accepts))?;
    let millis = duration.as_millis();
    if millis % 86_400_000 != 0 {
        return Err(ValueError::new(
            format!("`{text}` is not a whole number of days"),
            help,
        ));
    }
    match u32::try_from(millis / 86_400_000) {
        Ok(days) if days <= MAX_REVIEW_DAYS => Ok(days),
        _ => Err(ValueError::new(
            format!("`{text}` is too long: at most ten years"),
            help,
        )),
    }
}

/// Writes a duration in the largest units that divide it: `2h 30m`, `90d`,
/// to the nearest second (a range's mean is rarely whole); under a minute,
/// to the millisecond, so that `2.5s` reads as written.
pub fn format_duration(d: Duration) -> String {
    if d < Duration::from_secs(60) && d.subsec_millis() != 0 {
        let text = format!("{:.3}", d.as_secs_f64());
        return format!("{}s", text.trim_end_matches('0'));
    }
    let mut secs = d.as_secs() + u64::from(d.subsec_nanos() >= 500_000_000);
    if secs == 0 {
        return "0m".to_string();
    }
    let mut parts = Vec::new();
    for (unit, name) in [(86_400, "d"), (3_600, "h"), (60, "m"), (1, "s")] {
        if secs >= unit {
            parts.push(format!("{}{name}", secs / unit));
            secs %= unit;
        }
    }
    parts.join(" ")
}

/// Minutes in a duration, as a number for sums and reports.
pub fn minutes(d: Duration) -> f64 {
    d.as_secs_f64() / 60.0
}

/// A percentage from 0 to 100 inclusive, written as `"30%"`.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Percent(f64);

impl Percent {
    /// A percentage from 0 to 100.
    pub fn new(value: f64) -> Option<Percent> {
        (0.0..=100.0).contains(&value).then_some(Percent(value))
    }

    pub fn value(self) -> f64 {
        self.0
    }

    /// The share it stands for, where 1.0 is 100%.
    pub fn fraction(self) -> f64 {
        self.0 / 100.0
    }
}

impl fmt::Display for Percent {
    /// As written: `99.95%`, `99.99999%`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}%", self.0)
    }
}

pub fn parse_percent(text: &str) -> Result<Percent, ValueError> {
    const HELP: &str = "write a percentage from 0% to 100%, such as \"30%\" or \"99.9%\"";
    let number = text.trim().strip_suffix('%').ok_or_else(|| {
        ValueError::new(
            format!("`{text}` is not a percentage: it needs a `%` sign"),
            HELP,
        )
    })?;
    if number.trim().starts_with('-') {
        return Err(ValueError::new(
            format!("`{text}` is negative: a percentage lies between 0% and 100%"),
            HELP,
        ));
    }
    let value = decimal(number.trim())
        .ok_or_else(|| ValueError::new(format!("`{text}` is not a percentage"), HELP))?;
    if !(0.0..=100.0).contains(&value) {
        return Err(ValueError::new(
            format!("`{text}` is out of range: a percentage lies between 0% and 100%"),
            HELP,
        ));
    }
    Ok(Percent(value))
}

/// What a systemic factor adds: `"+30m"` to a time, `"+10%"` to a
/// frequency, read by `parse` after its `+`. The `+` is required, so that a
/// reader never takes the value for the time or share itself; every error
/// shows the form a factor takes.
fn added<T>(
    text: &str,
    example: &str,
    parse: impl Fn(&str) -> Result<T, ValueError>,
) -> Result<T, ValueError> {
    let help = format!("a factor adds one amount to every risk of its system: write \"{example}\"");
    let amount = text.trim().strip_prefix('+').ok_or_else(|| {
        ValueError::new(
            format!("`{text}` does not say what it adds: it needs a leading `+`"),
            help.clone(),
        )
    })?;
    if amount.contains("..") {
        return Err(ValueError::new(
            format!("`{text}` is a range: a factor adds one amount"),
            help,
        ));
    }
    parse(amount).map_err(|e| {
        // Keep the respelling the amount's parser offered, with its `+`.
        let help = match e
            .help
            .strip_prefix("did you mean \"")
            .and_then(|h| h.split_once("\"?"))
        {
            Some((fixed, _)) => format!("did you mean \"+{fixed}\"? {help}"),
            None => help,
        };
        ValueError { help, ..e }
    })
}

/// Reads the time a factor adds to every risk, such as `+30m`.
pub fn parse_added_duration(text: &str) -> Result<Duration, ValueError> {
    added(text, "+30m", parse_duration)
}

/// Reads the share a factor adds to every risk's frequency, such as `+10%`.
pub fn parse_added_percent(text: &str) -> Result<Percent, ValueError> {
    added(text, "+10%", parse_percent)
}

/// A plain decimal number, `12` or `99.95`: no sign, exponent or separators,
/// so that what a person reads is what opx reads.
fn decimal(text: &str) -> Option<f64> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, "0"));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || !digits(fraction) {
        return None;
    }
    text.parse().ok().filter(|n: &f64| n.is_finite())
}

/// An availability SLO: a percentage below 100%, since a target of 100%
/// leaves no error budget to weigh risks against.
pub fn parse_availability_target(text: &str) -> Result<Percent, ValueError> {
    let target = parse_percent(text)?;
    if target.0 >= 100.0 {
        return Err(ValueError::new(
            format!("an availability SLO of `{text}` leaves no error budget"),
            "every system fails sometimes; set the target users need, such as \"99.9%\" or \"99.99%\"",
        ));
    }
    Ok(target)
}

/// How often a risk happens, normalised to incidents per year.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Frequency {
    per_year: f64,
}

pub const DAYS_PER_YEAR: f64 = 365.25;

/// The most incidents a year a frequency may claim; it keeps every product
/// of the budget arithmetic finite.
const MAX_PER_YEAR: f64 = 1e6;

impl Frequency {
    pub fn per_year(self) -> f64 {
        self.per_year
    }
}

/// Reads `N/year` (or `N/y`), `N/month`, `N/week`, `N/day` (N may have
/// decimals) or `every D` with D a duration such as `90d` or `3y`.
pub fn parse_frequency(text: &str) -> Result<Frequency, ValueError> {
    const HELP: &str =
        "write a frequency as \"N/year\", \"N/month\", \"N/week\", \"N/day\" or \"every 90d\"";
    let bad = |why: &str| {
        let help = match crate::respell::frequency(text).filter(|t| parse_frequency(t).is_ok()) {
            Some(fixed) => format!("did you mean \"{fixed}\"? {HELP}"),
            None => HELP.to_string(),
        };
        ValueError::new(format!("`{text}` is not a frequency: {why}"), help)
    };
    let trimmed = text.trim();
    if let Some(period) = trimmed.strip_prefix("every ") {
        let d = read_duration(period, YEAR_SECS)
            .map_err(|why| bad(&format!("`every` needs a duration ({why})")))?;
        if d.is_zero() {
            return Err(bad("the period must be longer than zero"));
        }
        let days = d.as_secs_f64() / 86_400.0;
        return bounded(DAYS_PER_YEAR / days, bad);
    }
    let (count, unit) = trimmed
        .split_once('/')
        .ok_or_else(|| bad("expected `N/unit` or `every D`"))?;
    let count = decimal(count.trim()).ok_or_else(|| bad(count_problem(count.trim())))?;
    let per_year = match unit.trim() {
        "year" | "yr" | "y" => count,
        "month" => count * 12.0,
        "week" => count * DAYS_PER_YEAR / 7.0,
        "day" => count * DAYS_PER_YEAR,
        other => return Err(bad(&format!("unknown period `{other}`"))),
    };
    bounded(per_year, bad)
}

/// Why a frequency's count is not a plain decimal number, in words.
fn count_problem(count: &str) -> &'static str {
    match count.parse::<f64>() {
        // Rust reads `1e308`, `inf` and `-3`; a register writes digits.
        Ok(n) if n < 0.0 => "the count must be 0 or more",
        Ok(_) => "write the count in plain digits (at most a million a year), without an exponent",
        Err(_) => "the count must be a number of 0 or more",
    }
}

/// A frequency within [`MAX_PER_YEAR`].
fn bounded(per_year: f64, bad: impl Fn(&str) -> ValueError) -> Result<Frequency, ValueError> {
    if per_year > MAX_PER_YEAR {
        return Err(bad("more than a million a year"));
    }
    Ok(Frequency { per_year })
}

/// A rate such as a throughput, `1200/s`, `50/min` or `3/h`: kept as
/// written, and comparable through [`Rate::per_second`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rate {
    count: f64,
    unit: RateUnit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RateUnit {
    Second,
    Minute,
    Hour,
}

impl Rate {
    pub fn per_second(self) -> f64 {
        self.count
            / match self.unit {
                RateUnit::Second => 1.0,
                RateUnit::Minute => 60.0,
                RateUnit::Hour => 3_600.0,
            }
    }
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let unit = match self.unit {
            RateUnit::Second => "s",
            RateUnit::Minute => "min",
            RateUnit::Hour => "h",
        };
        write!(f, "{}/{unit}", self.count)
    }
}

/// Reads a throughput such as `1200/s`, `50/min` or `3/h`.
pub fn parse_rate(text: &str) -> Result<Rate, ValueError> {
    const HELP: &str = "write a rate such as \"1200/s\", \"50/min\" or \"3/h\"";
    let bad = || ValueError::new(format!("`{text}` is not a rate"), HELP);
    let (count, unit) = text.trim().split_once('/').ok_or_else(bad)?;
    let count = decimal(count.trim()).ok_or_else(bad)?;
    let unit = match unit.trim() {
        "s" => RateUnit::Second,
        "min" | "m" => RateUnit::Minute,
        "h" => RateUnit::Hour,
        _ => return Err(bad()),
    };
    Ok(Rate { count, unit })
}

/// An estimate as written: one value, or a 90% interval `low..high`.
/// A range stands for a distribution (see [`crate::uncertainty`]) and its
/// mean is the one number opx computes and shows for it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate<T> {
    /// The value written, or the range's mean.
    pub value: T,
    /// The range's ends in the field's unit, when it was written as one.
    pub range: Option<Interval>,
}

/// A range of durations as written back: `10m..1h 40m`.
pub fn duration_range_text(range: Interval) -> String {
    let text = |minutes: f64| format_duration(Duration::from_secs_f64(minutes * 60.0));
    format!("{}..{}", text(range.low), text(range.high))
}

/// A range of frequencies as written back: `2/year..6/year`.
pub fn frequency_range_text(range: Interval) -> String {
    let text = number_text;
    format!("{}/year..{}/year", text(range.low), text(range.high))
}

/// A range of shares as written back: `5%..30%`.
pub fn share_range_text(range: Interval) -> String {
    let text = |share: f64| format!("{}%", number_text(share * 100.0));
    format!("{}..{}", text(range.low), text(range.high))
}

/// Reads a time to detect or recover: `15m`, or a range such as `10m..100m`.
pub fn parse_duration_estimate(text: &str) -> Result<Estimate<Duration>, ValueError> {
    parse_estimate(
        text,
        parse_duration,
        |d| minutes(*d),
        Distribution::lognormal,
        |m| (m * 60.0 <= MAX_DURATION_SECS as f64).then(|| Duration::from_secs_f64(m * 60.0)),
    )
}

/// Reads the recent writes a risk loses: `24h`, a range such as
/// `1h..24h`, or `none` (nothing is lost: zero).
pub fn parse_data_loss(text: &str) -> Result<Estimate<Duration>, ValueError> {
    if text.trim().eq_ignore_ascii_case("none") {
        return Ok(Estimate {
            value: Duration::ZERO,
            range: None,
        });
    }
    parse_duration_estimate(text).map_err(|e| {
        e.with_help("write the writes lost as a duration such as \"24h\", a range such as \"1h..24h\", or \"none\"")
    })
}

/// Reads the recent writes an incident lost: `6h`, or `none` (zero).
pub fn parse_data_lost(text: &str) -> Result<Duration, ValueError> {
    if text.trim().eq_ignore_ascii_case("none") {
        return Ok(Duration::ZERO);
    }
    parse_duration(text)
        .map_err(|e| e.with_help("write the writes lost as a duration such as \"6h\", or \"none\""))
}

/// Reads a frequency: `4/year`, or a range such as `2/year..6/year`.
pub fn parse_frequency_estimate(text: &str) -> Result<Estimate<Frequency>, ValueError> {
    parse_estimate(
        text,
        parse_frequency,
        |f| f.per_year,
        Distribution::lognormal,
        |per_year| (per_year <= MAX_PER_YEAR).then_some(Frequency { per_year }),
    )
}

/// Reads a share of users: `30%`, or a range such as `5%..30%`.
pub fn parse_share_estimate(text: &str) -> Result<Estimate<Percent>, ValueError> {
    parse_estimate(
        text,
        parse_percent,
        |p| p.fraction(),
        Distribution::share,
        // A mean to six significant digits, so that it reads as a number
        // (14.2045%) wherever it is shown; the error is below a millionth.
        |share| Percent::new(significant(share * 100.0, 6)),
    )
}

/// `x` rounded to `digits` significant digits.
fn significant(x: f64, digits: i32) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let scale = 10f64.powi(digits - 1 - x.abs().log10().floor() as i32);
    (x * scale).round() / scale
}

/// One value read by `parse`, or `low..high` with both ends read by it.
/// `measure` puts a value in the unit the maths uses, `distribution` reads
/// the interval, and `from_measure` turns its mean back into a value.
fn parse_estimate<T>(
    text: &str,
    parse: impl Fn(&str) -> Result<T, ValueError>,
    measure: impl Fn(&T) -> f64,
    distribution: impl Fn(Interval) -> Distribution,
    from_measure: impl Fn(f64) -> Option<T>,
) -> Result<Estimate<T>, ValueError> {
    const HELP: &str = "a range is a 90% interval, low end first, such as \"10m..100m\", \"2/year..6/year\" or \"5%..30%\"";
    let Some((low, high)) = text.split_once("..") else {
        return parse(text).map(|value| Estimate { value, range: None });
    };
    if low.trim().is_empty() || high.trim().is_empty() {
        return Err(ValueError::new(
            format!("`{text}` is missing an end: a range is low..high"),
            HELP,
        ));
    }
    if high.contains("..") {
        return Err(ValueError::new(
            format!("`{text}` has more than two ends: a range is low..high"),
            HELP,
        ));
    }
    let ends = (parse(low)?, parse(high)?);
    let interval = Interval {
        low: measure(&ends.0),
        high: measure(&ends.1),
    };
    if interval.low <= 0.0 {
        return Err(ValueError::new(
            format!("`{text}` starts at zero: both ends of a range are above zero"),
            HELP,
        ));
    }
    if interval.high < interval.low {
        return Err(ValueError::new(
            format!("`{text}` runs backwards: write the low end first"),
            HELP,
        ));
    }
    if interval.high == interval.low {
        return Ok(Estimate {
            value: ends.0,
            range: None,
        });
    }
    // Past about 50,000 times from end to end (σ > 3.29), a lognormal's
    // mean lies above its own 95th percentile: the one number opx would
    // show would be one the writer ruled out.
    let mean = distribution(interval).mean();
    if mean > interval.high {
        return Err(ValueError::new(
            format!("`{text}` is so wide that its mean lies above its high end"),
            "narrow the range to what you expect 9 times in 10: its ends are the 5th and 95th percentiles, not the extremes",
        ));
    }
    // The mean lies between the ends, which were read, so it is in bounds.
    let value = from_measure(mean).unwrap_or(ends.1);
    Ok(Estimate {
        value,
        range: Some(interval),
    })
}

/// `4`, `4.06`: at most two decimals, no trailing zeros; a small number
/// keeps two significant digits (`0.0033`), so it never reads as 0.
pub fn number_text(n: f64) -> String {
    if n != 0.0 && n.abs() < 0.1 && n.is_finite() {
        let scale = 10f64.powi(1 - n.abs().log10().floor() as i32);
        return format!("{}", (n * scale).round() / scale);
    }
    format!("{}", (n * 100.0).round() / 100.0 + 0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_numbers_keep_two_significant_digits() {
        assert_eq!(number_text(4.0), "4");
        assert_eq!(number_text(4.056), "4.06");
        assert_eq!(number_text(0.25), "0.25");
        assert_eq!(number_text(0.0033333), "0.0033");
        assert_eq!(number_text(0.05), "0.05");
        assert_eq!(number_text(0.0), "0");
    }

    #[test]
    fn estimates_are_one_value_or_a_range_read_at_its_mean() {
        let one = parse_duration_estimate("15m").unwrap();
        assert_eq!((one.value, one.range), (Duration::from_secs(900), None));
        let range = parse_duration_estimate("10m..100m").unwrap();
        // The lognormal's mean, 40.398367 minutes (see `uncertainty`).
        assert!((minutes(range.value) - 40.398_367).abs() < 1e-6);
        assert_eq!(
            range.range,
            Some(Interval {
                low: 10.0,
                high: 100.0
            })
        );
        let frequency = parse_frequency_estimate("2/year..6/year").unwrap();
        assert!(frequency.value.per_year() > 3.46 && frequency.value.per_year() < 6.0);
        let share = parse_share_estimate("5%..30%").unwrap();
        assert_eq!(share.value.to_string(), "14.2045%");
        // A value written is shown as written.
        assert_eq!(parse_percent("99.99999%").unwrap().to_string(), "99.99999%");
        // Equal ends are one value.
        assert_eq!(parse_share_estimate("30%..30%").unwrap().range, None);
    }

    #[test]
    fn range_errors_say_what_is_wrong() {
        let message = |text: &str| parse_duration_estimate(text).unwrap_err().message;
        assert!(message("..10m").contains("missing an end"));
        assert!(message("10m..").contains("missing an end"));
        assert!(message("1m..2m..3m").contains("more than two ends"));
        assert!(message("0m..10m").contains("starts at zero"));
        assert!(message("100m..10m").contains("runs backwards"));
        assert!(message("10x..1h").contains("not a duration"));
        // 1s to 99 weeks: six million times apart, a mean past the high end.
        assert!(message("1s..99w").contains("mean lies above its high end"));
        let frequency = parse_frequency_estimate("0.0000001/year..1/year").unwrap_err();
        assert!(frequency.message.contains("mean lies above its high end"));
        // Just inside: 40,000 times apart keeps the mean below the high end.
        assert!(parse_frequency_estimate("1/year..40000/year").is_ok());
    }

    #[test]
    fn duration_errors_say_what_is_wrong() {
        let message = |t: &str| parse_duration(t).unwrap_err().message;
        assert!(message("0.0001s").contains("not a whole number of milliseconds"));
        assert!(message("1,5h").contains("with a point"));
        assert!(message("1.h").contains("digits after it"));
        assert!(message("1_000s").contains("unexpected `_`"));
        assert!(message("30m 1h").contains("largest first"));
        assert!(message("15").contains("needs a unit"));
    }

    #[test]
    fn frequency_counts_say_what_is_wrong() {
        let message = |t: &str| parse_frequency(t).unwrap_err().message;
        assert!(message("1e308/day").contains("plain digits"));
        assert!(message("inf/day").contains("plain digits"));
        assert!(message("-3/day").contains("0 or more"));
        assert!(message("many/day").contains("a number of 0 or more"));
        assert!(message("2000000/year").contains("more than a million a year"));
    }

    #[test]
    fn durations() {
        let cases = [
            ("15m", 900),
            ("2h 30m", 9_000),
            ("2h30m", 9_000),
            ("90s", 90),
            ("1d", 86_400),
            ("90d", 7_776_000),
            ("1w", 604_800),
            (" 0m ", 0),
            ("1.5h", 5_400),
            ("1y", 31_557_600),
            ("0.5d", 43_200),
        ];
        for (text, secs) in cases {
            assert_eq!(
                parse_duration(text),
                Ok(Duration::from_secs(secs)),
                "{text}"
            );
        }
        for text in [
            "",
            "15",
            "m",
            "15 minutes",
            "-5m",
            "101y",
            "5m x",
            "99999999999999999999m",
            "9999999999999999w",
        ] {
            assert!(parse_duration(text).is_err(), "{text} should be rejected");
        }
    }

    #[test]
    fn decimals_are_kept_to_the_millisecond() {
        assert_eq!(parse_duration("2.5s"), Ok(Duration::from_millis(2_500)));
        assert_eq!(format_duration(parse_duration("2.5s").unwrap()), "2.5s");
        assert_eq!(format_duration(parse_duration("1.5h").unwrap()), "1h 30m");
        assert_eq!(parse_latency("0.25s"), Ok(Duration::from_millis(250)));
        assert!(parse_duration("1.0005s").is_err());
    }

    #[test]
    fn units_in_words_are_answered_with_the_short_form() {
        let help = |t: &str| parse_duration(t).unwrap_err().help;
        for (text, fixed) in [
            ("2 hours", "2h"),
            ("2 hrs", "2h"),
            ("30 mins", "30m"),
            ("1 day", "1d"),
            ("2 weeks", "2w"),
            ("3 years", "3y"),
            ("1.5 hours", "1.5h"),
        ] {
            assert!(
                help(text).starts_with(&format!("did you mean \"{fixed}\"?")),
                "{text}: {}",
                help(text)
            );
        }
        assert!(!help("soon").contains("did you mean"));
        // Each key's help names only what it takes.
        let cadence = parse_review_cadence("3 months").unwrap_err();
        assert!(
            cadence.help.starts_with("did you mean \"90d\"?"),
            "{cadence:?}"
        );
        assert!(cadence.help.contains("days, weeks or years"));
        assert!(!cadence.help.contains(" s, m, h"));
        // A respelling the key refuses is not offered.
        let short = parse_review_cadence("5 hours").unwrap_err();
        assert!(!short.help.contains("did you mean"), "{short:?}");
        let every = parse_frequency("every 3 years").unwrap_err();
        assert!(
            every.help.starts_with("did you mean \"every 3y\"?"),
            "{every:?}"
        );
        let per = parse_frequency("4 per year").unwrap_err();
        assert!(per.help.starts_with("did you mean \"4/year\"?"), "{per:?}");
    }

    #[test]
    fn review_cadences() {
        assert_eq!(parse_review_cadence("1y"), Ok(365));
        assert_eq!(parse_notice("1y"), Ok(365));
        assert_eq!(parse_review_cadence("90d"), Ok(90));
        assert_eq!(parse_review_cadence("2w"), Ok(14));
        for text in ["0d", "36h", "3661d", "99999999d"] {
            assert!(parse_review_cadence(text).is_err(), "{text}");
        }
        assert_eq!(parse_latency("300ms"), Ok(Duration::from_millis(300)));
        assert_eq!(parse_latency("2s"), Ok(Duration::from_secs(2)));
    }

    #[test]
    fn durations_round_trip() {
        for text in ["15m", "2h 30m", "90d", "1d 1h 1m 1s", "45s"] {
            assert_eq!(format_duration(parse_duration(text).unwrap()), text);
        }
    }

    #[test]
    fn percentages() {
        assert_eq!(parse_percent("30%").unwrap().value(), 30.0);
        assert_eq!(parse_percent("99.9%").unwrap().value(), 99.9);
        assert_eq!(parse_percent("0%").unwrap().value(), 0.0);
        assert_eq!(parse_percent("100%").unwrap().value(), 100.0);
        for text in [
            "30", "101%", "-1%", "abc%", "%", "NaN%", "inf%", "1e2%", "+5%", ".5%",
        ] {
            assert!(parse_percent(text).is_err(), "{text} should be rejected");
        }
        assert!(
            parse_percent("150%")
                .unwrap_err()
                .message
                .contains("out of range")
        );
    }

    #[test]
    fn additions_need_their_plus() {
        assert_eq!(parse_added_duration("+30m"), Ok(Duration::from_secs(1_800)));
        assert_eq!(
            parse_added_duration(" +1h 5m"),
            Ok(Duration::from_secs(3_900))
        );
        assert_eq!(parse_added_percent("+10%").unwrap().fraction(), 0.1);
        let bare = parse_added_duration("30m").unwrap_err();
        assert!(bare.message.contains("leading `+`"), "{bare:?}");
        assert!(bare.help.contains("\"+30m\""), "{bare:?}");
        assert!(
            parse_added_percent("10%")
                .unwrap_err()
                .help
                .contains("+10%")
        );
        assert_eq!(
            parse_added_duration("+1.5h"),
            Ok(Duration::from_secs(5_400))
        );
        let words = parse_added_duration("+2 hours").unwrap_err();
        assert!(words.help.starts_with("did you mean \"+2h\"?"), "{words:?}");
        for text in ["+", "+-5m", "++5m", "+1.5"] {
            assert!(parse_added_duration(text).is_err(), "{text}");
        }
        for text in ["+", "+150%", "+-1%", "+10"] {
            assert!(parse_added_percent(text).is_err(), "{text}");
        }
    }

    #[test]
    fn frequencies_normalise_to_a_year() {
        let per_year = |t: &str| parse_frequency(t).unwrap().per_year();
        assert_eq!(per_year("4/year"), 4.0);
        assert_eq!(per_year("0.5/year"), 0.5);
        assert_eq!(per_year("2/month"), 24.0);
        assert!((per_year("1/week") - 52.178_571).abs() < 1e-6);
        assert_eq!(per_year("1/day"), 365.25);
        assert!((per_year("every 120d") - 3.043_75).abs() < 1e-9);
        assert!((per_year("every 90d") - 4.058_333).abs() < 1e-6);
        assert_eq!(per_year("1/y"), 1.0);
        assert!((per_year("every 3y") - 1.0 / 3.0).abs() < 1e-12);
        for text in [
            "4",
            "4/decade",
            "x/year",
            "-1/year",
            "every",
            "every 0d",
            "every soon",
        ] {
            assert!(parse_frequency(text).is_err(), "{text} should be rejected");
        }
    }

    #[test]
    fn rates_keep_the_unit_they_were_written_in() {
        let rate = parse_rate("400/min").unwrap();
        assert_eq!(rate.to_string(), "400/min");
        assert!((rate.per_second() - 400.0 / 60.0).abs() < 1e-12);
        assert_eq!(parse_rate("1200/s").unwrap().to_string(), "1200/s");
        assert_eq!(parse_rate("2.5/h").unwrap().to_string(), "2.5/h");
        assert_eq!(parse_rate("3/m").unwrap().to_string(), "3/min");
        assert!(parse_rate("3/day").is_err());
    }
}
