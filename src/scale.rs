//! The scales a register is written in, and how each maps to a level.
//!
//! Everything here is pure: text in, value out, with an error that says what
//! was accepted. Validation (`crate::register`) attaches locations; scoring
//! (`crate::score`) only ever sees the parsed values.

use std::fmt;
use std::time::Duration;

use crate::suggest::did_you_mean;

/// A position on a five-step scale, 1 (best) to 5 (worst).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Level(u8);

impl Level {
    pub const MIN: Level = Level(1);
    pub const MAX: Level = Level(5);

    /// `n` as a level, if it is within 1-5.
    pub fn new(n: u8) -> Option<Level> {
        (1..=5).contains(&n).then_some(Level(n))
    }

    pub fn get(self) -> u8 {
        self.0
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Why a value could not be read, and what would have been accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScaleError {
    pub message: String,
    pub help: String,
}

impl ScaleError {
    fn new(message: impl Into<String>, help: impl Into<String>) -> Self {
        ScaleError {
            message: message.into(),
            help: help.into(),
        }
    }
}

/// Which five-step scale a word is read against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    Likelihood,
    Impact,
    /// Time to detect or time to recover, when written as a word.
    Time,
}

const GENERIC_WORDS: [&str; 5] = ["very-low", "low", "medium", "high", "very-high"];
const LIKELIHOOD_WORDS: [&str; 5] = ["rare", "unlikely", "possible", "likely", "almost-certain"];
const IMPACT_WORDS: [&str; 5] = ["negligible", "minor", "moderate", "major", "severe"];
const TIME_WORDS: [&str; 5] = ["very-fast", "fast", "medium", "slow", "very-slow"];

impl Scale {
    /// The words this scale accepts, each list ordered from level 1 to 5.
    pub fn word_lists(self) -> &'static [[&'static str; 5]] {
        match self {
            Scale::Likelihood => &[LIKELIHOOD_WORDS, GENERIC_WORDS],
            Scale::Impact => &[IMPACT_WORDS, GENERIC_WORDS],
            Scale::Time => &[TIME_WORDS],
        }
    }

    /// The scale's own name for a level (`4` is `likely` for likelihood).
    pub fn word(self, level: Level) -> &'static str {
        self.word_lists()[0][usize::from(level.0 - 1)]
    }

    /// Reads a word of this scale.
    /// Words are lowercase, as everywhere in the register format.
    pub fn parse_word(self, text: &str) -> Result<Level, ScaleError> {
        for list in self.word_lists() {
            if let Some(i) = list.iter().position(|w| *w == text) {
                return Ok(Level(i as u8 + 1));
            }
        }
        let message = format!("`{text}` is not {} level", self.with_article());
        let words = self.word_lists().iter().flatten().copied();
        let help = if text.trim().parse::<i64>().is_ok() && self != Scale::Time {
            format!(
                "write the level without quotes, as a number: {}",
                text.trim()
            )
        } else if let Some(best) = did_you_mean(&text.replace(' ', "-"), words) {
            format!("did you mean \"{best}\"? {}", self.accepted())
        } else {
            self.accepted()
        };
        Err(ScaleError::new(message, help))
    }

    /// Reads an integer level, checking its range.
    pub fn from_integer(self, n: i64) -> Result<Level, ScaleError> {
        u8::try_from(n).ok().and_then(Level::new).ok_or_else(|| {
            ScaleError::new(
                format!("{} level `{n}` is out of range", self.noun()),
                self.accepted(),
            )
        })
    }

    fn noun(self) -> &'static str {
        match self {
            Scale::Likelihood => "likelihood",
            Scale::Impact => "impact",
            Scale::Time => "time",
        }
    }

    fn with_article(self) -> &'static str {
        match self {
            Scale::Likelihood => "a likelihood",
            Scale::Impact => "an impact",
            Scale::Time => "a time",
        }
    }

    fn accepted(self) -> String {
        let lists: Vec<String> = self
            .word_lists()
            .iter()
            .map(|list| {
                list.iter()
                    .enumerate()
                    .map(|(i, w)| format!("{w} ({})", i + 1))
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .collect();
        match self {
            Scale::Time => format!(
                "use a duration such as \"15m\" or \"2h 30m\", or one of: {}",
                lists[0]
            ),
            _ => format!(
                "use 1-5, or one of: {}; or the generic {}",
                lists[0], lists[1]
            ),
        }
    }
}

/// Severity bands over likelihood × impact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Band {
    Low,
    Medium,
    High,
    Critical,
}

impl Band {
    pub const ALL: [Band; 4] = [Band::Low, Band::Medium, Band::High, Band::Critical];

    /// The band of a severity (1-25): low 1-4, medium 5-9, high 10-16, critical 20-25.
    ///
    /// Products of two levels never fall in 17-19, so "critical" starts at 17
    /// here, which keeps the function total.
    pub fn of(severity: u8) -> Band {
        match severity {
            0..=4 => Band::Low,
            5..=9 => Band::Medium,
            10..=16 => Band::High,
            _ => Band::Critical,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Band::Low => "low",
            Band::Medium => "medium",
            Band::High => "high",
            Band::Critical => "critical",
        }
    }

    /// How often a risk of this band is reviewed when it names no `review_every`.
    pub fn default_review_days(self) -> u32 {
        match self {
            Band::Critical => 30,
            Band::High => 90,
            Band::Medium => 180,
            Band::Low => 365,
        }
    }
}

impl fmt::Display for Band {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Reads a duration such as `15m`, `2h 30m`, `1h30m`, `90d` or `1w`.
///
/// Units: `s`, `m`, `h`, `d` (24 hours), `w` (7 days). Each number is a whole
/// number, so the text round-trips exactly.
pub fn parse_duration(text: &str) -> Result<Duration, ScaleError> {
    const HELP: &str = "write a duration as numbers with units s, m, h, d or w, such as \"15m\", \"2h 30m\" or \"90d\"";
    let bad = |why: &str| ScaleError::new(format!("`{text}` is not a duration: {why}"), HELP);
    let mut rest = text.trim();
    if rest.is_empty() {
        return Err(bad("it is empty"));
    }
    let mut seconds: u64 = 0;
    // Units run from the largest to the smallest, each at most once.
    let mut previous_unit = u64::MAX;
    while !rest.is_empty() {
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if digits == 0 {
            return Err(bad("expected a number"));
        }
        let n: u64 = rest[..digits]
            .parse()
            .map_err(|_| bad("the number is too large"))?;
        rest = rest[digits..].trim_start();
        if rest.starts_with(['.', ',']) {
            return Err(bad("numbers are whole; write 1.5h as \"1h 30m\""));
        }
        let unit_len = rest.len()
            - rest
                .trim_start_matches(|c: char| c.is_ascii_alphabetic())
                .len();
        let unit = match &rest[..unit_len] {
            "s" => 1,
            "m" => 60,
            "h" => 3_600,
            "d" => 86_400,
            "w" => 604_800,
            "" if rest.is_empty() => return Err(bad("a number needs a unit")),
            "" => {
                let c = rest.chars().next().unwrap_or_default();
                return Err(bad(&format!("unexpected `{c}`")));
            }
            other => return Err(bad(&format!("unknown unit `{other}`"))),
        };
        if unit >= previous_unit {
            return Err(bad(
                "write each unit once, largest first, such as \"1d 2h 30m\"",
            ));
        }
        previous_unit = unit;
        seconds = n
            .checked_mul(unit)
            .and_then(|s| seconds.checked_add(s))
            .filter(|s| *s <= MAX_DURATION_SECS)
            .ok_or_else(|| bad("it is longer than a hundred years"))?;
        rest = rest[unit_len..].trim_start();
    }
    Ok(Duration::from_secs(seconds))
}

/// A latency target: `300ms`, or any duration [`parse_duration`] reads.
pub fn parse_latency(text: &str) -> Result<Duration, ScaleError> {
    let latency = match text
        .trim()
        .strip_suffix("ms")
        .map(|n| n.trim().parse::<u64>())
    {
        Some(Ok(ms)) => Duration::from_millis(ms),
        _ => parse_duration(text).map_err(|e| ScaleError {
            help: "write a latency such as \"300ms\" or \"2s\"".into(),
            ..e
        })?,
    };
    if latency.is_zero() {
        return Err(ScaleError::new(
            format!("`{text}` is no latency: it must be longer than zero"),
            "write a latency such as \"300ms\" or \"2s\"",
        ));
    }
    Ok(latency)
}

/// The longest review cadence: ten years.
pub const MAX_REVIEW_DAYS: u32 = 3_660;

/// A review cadence: whole days (or weeks), from one day to ten years.
pub fn parse_review_cadence(text: &str) -> Result<u32, ScaleError> {
    const HELP: &str = "write a cadence in days or weeks, such as \"90d\" or \"2w\"";
    let secs = parse_duration(text)?.as_secs();
    if secs == 0 {
        return Err(ScaleError::new(
            format!("`{text}` is too short: a review cadence is at least a day"),
            HELP,
        ));
    }
    if secs % 86_400 != 0 {
        return Err(ScaleError::new(
            format!("`{text}` is not a whole number of days"),
            HELP,
        ));
    }
    match u32::try_from(secs / 86_400) {
        Ok(days) if days <= MAX_REVIEW_DAYS => Ok(days),
        _ => Err(ScaleError::new(
            format!("`{text}` is too long: review a risk at least every ten years"),
            HELP,
        )),
    }
}

/// The longest duration opx reads: a hundred years.
const MAX_DURATION_SECS: u64 = 36_525 * 86_400;

/// Writes a duration in the largest units that divide it: `2h 30m`, `90d`.
pub fn format_duration(d: Duration) -> String {
    let mut secs = d.as_secs();
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

/// The level of a time to detect or recover: up to 5m → 1, 30m → 2, 2h → 3,
/// 24h → 4, longer → 5.
pub fn time_level(d: Duration) -> Level {
    let minutes = d.as_secs_f64() / 60.0;
    Level(match minutes {
        m if m <= 5.0 => 1,
        m if m <= 30.0 => 2,
        m if m <= 120.0 => 3,
        m if m <= 1_440.0 => 4,
        _ => 5,
    })
}

/// The longest duration a time level admits: 5m, 30m, 2h, 24h; level 5 has none.
pub fn level_upper_bound(level: Level) -> Option<Duration> {
    let minutes = match level.0 {
        1 => 5,
        2 => 30,
        3 => 120,
        4 => 1_440,
        _ => return None,
    };
    Some(Duration::from_secs(minutes * 60))
}

/// A percentage from 0 to 100 inclusive, written as `"30%"`.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Percent(f64);

impl Percent {
    pub fn value(self) -> f64 {
        self.0
    }
}

impl fmt::Display for Percent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}%", self.0)
    }
}

pub fn parse_percent(text: &str) -> Result<Percent, ScaleError> {
    const HELP: &str = "write a percentage from 0% to 100%, such as \"30%\" or \"99.9%\"";
    let number = text.trim().strip_suffix('%').ok_or_else(|| {
        ScaleError::new(
            format!("`{text}` is not a percentage: it needs a `%` sign"),
            HELP,
        )
    })?;
    if number.trim().starts_with('-') {
        return Err(ScaleError::new(
            format!("`{text}` is negative: a percentage lies between 0% and 100%"),
            HELP,
        ));
    }
    let value = decimal(number.trim())
        .ok_or_else(|| ScaleError::new(format!("`{text}` is not a percentage"), HELP))?;
    if !(0.0..=100.0).contains(&value) {
        return Err(ScaleError::new(
            format!("`{text}` is out of range: a percentage lies between 0% and 100%"),
            HELP,
        ));
    }
    Ok(Percent(value))
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
pub fn parse_availability_target(text: &str) -> Result<Percent, ScaleError> {
    let target = parse_percent(text)?;
    if target.0 >= 100.0 {
        return Err(ScaleError::new(
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

const DAYS_PER_YEAR: f64 = 365.25;

/// The most incidents a year a frequency may claim; it keeps every product
/// of the budget arithmetic finite.
const MAX_PER_YEAR: f64 = 1e6;

impl Frequency {
    pub fn per_year(self) -> f64 {
        self.per_year
    }
}

/// Reads `N/year`, `N/month`, `N/week`, `N/day` (N may have decimals) or
/// `every D` with D a duration such as `90d`.
pub fn parse_frequency(text: &str) -> Result<Frequency, ScaleError> {
    const HELP: &str =
        "write a frequency as \"N/year\", \"N/month\", \"N/week\", \"N/day\" or \"every 90d\"";
    let bad = |why: &str| ScaleError::new(format!("`{text}` is not a frequency: {why}"), HELP);
    let trimmed = text.trim();
    if let Some(period) = trimmed.strip_prefix("every ") {
        let d = parse_duration(period).map_err(|_| bad("`every` needs a duration"))?;
        if d.is_zero() {
            return Err(bad("the period must be longer than zero"));
        }
        let days = d.as_secs_f64() / 86_400.0;
        return bounded(DAYS_PER_YEAR / days, bad);
    }
    let (count, unit) = trimmed
        .split_once('/')
        .ok_or_else(|| bad("expected `N/unit` or `every D`"))?;
    let count =
        decimal(count.trim()).ok_or_else(|| bad("the count must be a number of 0 or more"))?;
    let per_year = match unit.trim() {
        "year" | "yr" => count,
        "month" => count * 12.0,
        "week" => count * DAYS_PER_YEAR / 7.0,
        "day" => count * DAYS_PER_YEAR,
        other => return Err(bad(&format!("unknown period `{other}`"))),
    };
    bounded(per_year, bad)
}

/// A frequency within [`MAX_PER_YEAR`].
fn bounded(per_year: f64, bad: impl Fn(&str) -> ScaleError) -> Result<Frequency, ScaleError> {
    if per_year > MAX_PER_YEAR {
        return Err(bad("more than a million a year"));
    }
    Ok(Frequency { per_year })
}

/// Reads a throughput such as `1200/s`, `50/min` or `3/h`, as events per second.
pub fn parse_rate(text: &str) -> Result<f64, ScaleError> {
    const HELP: &str = "write a rate such as \"1200/s\", \"50/min\" or \"3/h\"";
    let bad = || ScaleError::new(format!("`{text}` is not a rate"), HELP);
    let (count, unit) = text.trim().split_once('/').ok_or_else(bad)?;
    let count = decimal(count.trim()).ok_or_else(bad)?;
    let seconds = match unit.trim() {
        "s" => 1.0,
        "min" | "m" => 60.0,
        "h" => 3_600.0,
        _ => return Err(bad()),
    };
    Ok(count / seconds)
}

/// Likelihood derived from how often a risk happens: ≥12/year → 5, ≥4 → 4,
/// ≥1 → 3, ≥0.2 → 2, else 1.
pub fn likelihood_from_frequency(f: Frequency) -> Level {
    Level(match f.per_year {
        n if n >= 12.0 => 5,
        n if n >= 4.0 => 4,
        n if n >= 1.0 => 3,
        n if n >= 0.2 => 2,
        _ => 1,
    })
}

/// Impact derived from the share of users affected: ≥50% → 5, ≥20% → 4,
/// ≥5% → 3, ≥1% → 2, else 1.
pub fn impact_from_users(p: Percent) -> Level {
    Level(match p.0 {
        n if n >= 50.0 => 5,
        n if n >= 20.0 => 4,
        n if n >= 5.0 => 3,
        n if n >= 1.0 => 2,
        _ => 1,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn level(n: u8) -> Level {
        Level::new(n).unwrap()
    }

    #[test]
    fn likelihood_words_and_generic_words() {
        for (word, n) in [
            ("rare", 1),
            ("unlikely", 2),
            ("possible", 3),
            ("likely", 4),
            ("almost-certain", 5),
        ] {
            assert_eq!(Scale::Likelihood.parse_word(word), Ok(level(n)), "{word}");
        }
        for (word, n) in [
            ("very-low", 1),
            ("low", 2),
            ("medium", 3),
            ("high", 4),
            ("very-high", 5),
        ] {
            assert_eq!(Scale::Likelihood.parse_word(word), Ok(level(n)), "{word}");
            assert_eq!(Scale::Impact.parse_word(word), Ok(level(n)), "{word}");
        }
        assert!(
            Scale::Likelihood.parse_word("Likely").is_err(),
            "words are lowercase"
        );
    }

    #[test]
    fn impact_words() {
        for (word, n) in [
            ("negligible", 1),
            ("minor", 2),
            ("moderate", 3),
            ("major", 4),
            ("severe", 5),
        ] {
            assert_eq!(Scale::Impact.parse_word(word), Ok(level(n)), "{word}");
        }
        // Words of one scale are not accepted on another.
        assert!(Scale::Impact.parse_word("likely").is_err());
        assert!(Scale::Likelihood.parse_word("major").is_err());
    }

    #[test]
    fn time_words() {
        for (word, n) in [
            ("very-fast", 1),
            ("fast", 2),
            ("medium", 3),
            ("slow", 4),
            ("very-slow", 5),
        ] {
            assert_eq!(Scale::Time.parse_word(word), Ok(level(n)), "{word}");
        }
        assert!(Scale::Time.parse_word("high").is_err());
    }

    #[test]
    fn misspelt_and_quoted_levels_get_a_precise_hint() {
        let quoted = Scale::Impact.parse_word("4").unwrap_err();
        assert_eq!(
            quoted.help,
            "write the level without quotes, as a number: 4"
        );
        let spaced = Scale::Likelihood.parse_word("very high").unwrap_err();
        assert!(
            spaced.help.starts_with("did you mean \"very-high\"?"),
            "{}",
            spaced.help
        );
        let capital = Scale::Impact.parse_word("Severe").unwrap_err();
        assert!(
            capital.help.starts_with("did you mean \"severe\"?"),
            "{}",
            capital.help
        );
    }

    #[test]
    fn duration_errors_say_what_is_wrong() {
        let message = |t: &str| parse_duration(t).unwrap_err().message;
        assert!(message("1.5h").contains("numbers are whole"));
        assert!(message("1_000s").contains("unexpected `_`"));
        assert!(message("30m 1h").contains("largest first"));
        assert!(message("15").contains("needs a unit"));
    }

    #[test]
    fn integer_levels_are_range_checked() {
        assert_eq!(Scale::Impact.from_integer(1), Ok(level(1)));
        assert_eq!(Scale::Impact.from_integer(5), Ok(level(5)));
        for n in [0, 6, -1, 300, i64::MAX] {
            let err = Scale::Impact.from_integer(n).unwrap_err();
            assert!(err.message.contains("out of range"), "{n}: {err:?}");
            assert!(err.help.contains("severe (5)"));
        }
    }

    #[test]
    fn unknown_word_lists_accepted_words() {
        let err = Scale::Likelihood.parse_word("sometimes").unwrap_err();
        assert_eq!(err.message, "`sometimes` is not a likelihood level");
        assert!(err.help.contains("rare (1)") && err.help.contains("very-high (5)"));
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
            "1.5h",
            "-5m",
            "5m x",
            "99999999999999999999m",
            "9999999999999999w",
        ] {
            assert!(parse_duration(text).is_err(), "{text} should be rejected");
        }
    }

    #[test]
    fn review_cadences() {
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
    fn time_levels_at_their_boundaries() {
        let cases = [
            ("0m", 1),
            ("5m", 1),
            ("5m 1s", 2),
            ("30m", 2),
            ("31m", 3),
            ("2h", 3),
            ("2h 1m", 4),
            ("24h", 4),
            ("1d 1s", 5),
            ("3d", 5),
        ];
        for (text, n) in cases {
            assert_eq!(
                time_level(parse_duration(text).unwrap()),
                level(n),
                "{text}"
            );
        }
    }

    #[test]
    fn bands_at_their_boundaries() {
        let cases = [
            (1, Band::Low),
            (4, Band::Low),
            (5, Band::Medium),
            (9, Band::Medium),
            (10, Band::High),
            (16, Band::High),
            (20, Band::Critical),
            (25, Band::Critical),
        ];
        for (severity, band) in cases {
            assert_eq!(Band::of(severity), band, "{severity}");
        }
    }

    #[test]
    fn every_product_of_levels_has_the_documented_band() {
        for l in 1..=5u8 {
            for i in 1..=5u8 {
                let s = l * i;
                let expected = if s <= 4 {
                    Band::Low
                } else if s <= 9 {
                    Band::Medium
                } else if s <= 16 {
                    Band::High
                } else {
                    assert!(s >= 20, "no product lies in 17-19");
                    Band::Critical
                };
                assert_eq!(Band::of(s), expected);
            }
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
    fn frequencies_normalise_to_a_year() {
        let per_year = |t: &str| parse_frequency(t).unwrap().per_year();
        assert_eq!(per_year("4/year"), 4.0);
        assert_eq!(per_year("0.5/year"), 0.5);
        assert_eq!(per_year("2/month"), 24.0);
        assert!((per_year("1/week") - 52.178_571).abs() < 1e-6);
        assert_eq!(per_year("1/day"), 365.25);
        assert!((per_year("every 120d") - 3.043_75).abs() < 1e-9);
        assert!((per_year("every 90d") - 4.058_333).abs() < 1e-6);
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
    fn likelihood_derived_from_frequency() {
        let derive = |t: &str| likelihood_from_frequency(parse_frequency(t).unwrap()).get();
        assert_eq!(derive("12/year"), 5);
        assert_eq!(derive("1/month"), 5);
        assert_eq!(derive("11.9/year"), 4);
        assert_eq!(derive("4/year"), 4);
        assert_eq!(derive("every 90d"), 4);
        assert_eq!(derive("3.9/year"), 3);
        assert_eq!(derive("1/year"), 3);
        assert_eq!(derive("0.99/year"), 2);
        assert_eq!(derive("0.2/year"), 2);
        assert_eq!(derive("0.19/year"), 1);
        assert_eq!(derive("0/year"), 1);
    }

    #[test]
    fn impact_derived_from_users_affected() {
        let derive = |t: &str| impact_from_users(parse_percent(t).unwrap()).get();
        assert_eq!(derive("100%"), 5);
        assert_eq!(derive("50%"), 5);
        assert_eq!(derive("49.9%"), 4);
        assert_eq!(derive("20%"), 4);
        assert_eq!(derive("19%"), 3);
        assert_eq!(derive("5%"), 3);
        assert_eq!(derive("4.9%"), 2);
        assert_eq!(derive("1%"), 2);
        assert_eq!(derive("0.5%"), 1);
        assert_eq!(derive("0%"), 1);
    }
}
