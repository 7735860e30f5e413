//! The form opx reads for a value a person spelt out in words: `2 hours`
//! → `2h`, `30 mins` → `30m`, `3 months` → `90d`, `4 per year` → `4/year`.
//!
//! These are hints only: the caller offers a respelling as "did you mean"
//! after checking that its own parser takes it, so a key never suggests
//! what it would refuse. A respelling is already in the form it stands
//! for, so respelling it again gives nothing new.

/// The duration `text` spells out with words for its units, in the short
/// form (`2 hours 30 minutes` → `2h 30m`); `None` when it spells none or
/// is already in that form.
pub fn duration(text: &str) -> Option<String> {
    let parts = tokens(text)?;
    let mut out = Vec::with_capacity(parts.len());
    for (number, word) in parts {
        out.push(match unit(&word)? {
            Unit::Short(short) => format!("{number}{short}"),
            // A month as thirty days: a hint, which the reader checks.
            Unit::Month => format!("{}d", whole(&number)?.checked_mul(30)?),
        });
    }
    let fixed = out.join(" ");
    (fixed != text.trim()).then_some(fixed)
}

/// The frequency `text` spells out: `every 3 years` → `every 3y`,
/// `4 per year`, `4 a year` or `4/years` → `4/year`; `None` when there is
/// nothing to respell.
pub fn frequency(text: &str) -> Option<String> {
    let trimmed = text.trim();
    if let Some(period) = trimmed.strip_prefix("every ") {
        return duration(period).map(|d| format!("every {d}"));
    }
    let (count, period) = match trimmed.split_once('/') {
        Some((count, period)) => (count.trim(), period.trim()),
        None => {
            let mut words = trimmed.split_whitespace();
            let (count, joint, period) = (words.next()?, words.next()?, words.next()?);
            if words.next().is_some() || !matches!(joint, "per" | "a" | "an" | "each") {
                return None;
            }
            (count, period)
        }
    };
    let period = match period.to_ascii_lowercase().as_str() {
        "year" | "years" | "yr" | "yrs" | "y" | "annum" => "year",
        "month" | "months" | "mo" => "month",
        "week" | "weeks" | "wk" | "wks" | "w" => "week",
        "day" | "days" | "d" => "day",
        _ => return None,
    };
    let fixed = format!("{count}/{period}");
    (fixed != trimmed).then_some(fixed)
}

enum Unit {
    Short(&'static str),
    Month,
}

/// The short unit a word stands for.
fn unit(word: &str) -> Option<Unit> {
    let short = match word.to_ascii_lowercase().as_str() {
        "ms" | "msec" | "msecs" | "millisecond" | "milliseconds" => "ms",
        "s" | "sec" | "secs" | "second" | "seconds" => "s",
        "m" | "min" | "mins" | "minute" | "minutes" => "m",
        "h" | "hr" | "hrs" | "hour" | "hours" => "h",
        "d" | "day" | "days" => "d",
        "w" | "wk" | "wks" | "week" | "weeks" => "w",
        "y" | "yr" | "yrs" | "year" | "years" => "y",
        "mo" | "mos" | "month" | "months" => return Some(Unit::Month),
        _ => return None,
    };
    Some(Unit::Short(short))
}

/// A number written in plain digits, as a whole number.
fn whole(number: &str) -> Option<u64> {
    number.parse().ok()
}

/// `text` as (number, word) pairs: `2 hours, 30 minutes` and `2hrs and
/// 30mins` alike. `None` when anything else is in it.
fn tokens(text: &str) -> Option<Vec<(String, String)>> {
    let mut parts = Vec::new();
    let mut rest = text.trim();
    // Bounded: a value longer than this is no typo to fix.
    if rest.len() > 64 {
        return None;
    }
    while !rest.is_empty() {
        let digits = rest.len()
            - rest
                .trim_start_matches(|c: char| c.is_ascii_digit() || c == '.')
                .len();
        if digits == 0 {
            return None;
        }
        let number = rest[..digits].to_string();
        rest = rest[digits..].trim_start();
        let letters = rest.len()
            - rest
                .trim_start_matches(|c: char| c.is_ascii_alphabetic())
                .len();
        if letters == 0 {
            return None;
        }
        parts.push((number, rest[..letters].to_string()));
        rest = rest[letters..]
            .trim_start()
            .trim_start_matches(',')
            .trim_start();
        if let Some(after) = rest.strip_prefix("and ") {
            rest = after.trim_start();
        }
    }
    (!parts.is_empty()).then_some(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_in_words_get_their_short_form() {
        let cases = [
            ("2 hours", "2h"),
            ("2 hrs", "2h"),
            ("30 mins", "30m"),
            ("1 day", "1d"),
            ("3 weeks", "3w"),
            ("2 years", "2y"),
            ("45 seconds", "45s"),
            ("1.5 hours", "1.5h"),
            ("2 hours 30 minutes", "2h 30m"),
            ("2 hours, 30 minutes", "2h 30m"),
            ("2hrs and 30mins", "2h 30m"),
            ("3 months", "90d"),
            ("2H", "2h"),
            ("300 milliseconds", "300ms"),
        ];
        for (text, fixed) in cases {
            assert_eq!(duration(text).as_deref(), Some(fixed), "{text}");
        }
        for text in [
            "2h",
            "2h 30m",
            "soon",
            "2 fortnights",
            "h",
            "1.5 months",
            "",
        ] {
            assert_eq!(duration(text), None, "{text}");
        }
    }

    #[test]
    fn frequencies_in_words_get_their_short_form() {
        let cases = [
            ("every 3 years", "every 3y"),
            ("every 2 weeks", "every 2w"),
            ("4 per year", "4/year"),
            ("2 a month", "2/month"),
            ("4/years", "4/year"),
            ("1/yr", "1/year"),
            ("3 per days", "3/day"),
        ];
        for (text, fixed) in cases {
            assert_eq!(frequency(text).as_deref(), Some(fixed), "{text}");
        }
        for text in [
            "4/year",
            "every 3y",
            "often",
            "4 per decade",
            "4 per year now",
        ] {
            assert_eq!(frequency(text), None, "{text}");
        }
    }
}
