//! The five-step scales a register rates risks on (likelihood, impact,
//! time), their words, and how measured quantities map onto them.
//!
//! Everything here is pure. Quantities themselves (durations, percentages,
//! frequencies) live in `crate::units`; bands over severity in
//! `crate::band`.

use std::fmt;
use std::time::Duration;

use crate::suggest::did_you_mean;
use crate::units::{Frequency, Percent, ValueError};

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

    /// Every level, 1 to 5 (`.rev()` for 5 to 1, as a matrix reads down).
    pub fn all() -> impl DoubleEndedIterator<Item = Level> {
        (1..=5).map(Level)
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
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
    pub fn parse_word(self, text: &str) -> Result<Level, ValueError> {
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
        Err(ValueError::new(message, help))
    }

    /// Reads an integer level, checking its range.
    pub fn from_integer(self, n: i64) -> Result<Level, ValueError> {
        u8::try_from(n).ok().and_then(Level::new).ok_or_else(|| {
            ValueError::new(
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

/// Likelihood derived from how often a risk happens: ≥12/year → 5, ≥4 → 4,
/// ≥1 → 3, ≥0.2 → 2, else 1.
pub fn likelihood_from_frequency(f: Frequency) -> Level {
    Level(match f.per_year() {
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
    Level(match p.value() {
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
    use crate::units::{parse_duration, parse_frequency, parse_percent};

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
