//! Calendar arithmetic on days, held at the calendar's ends rather than
//! overflowing: a register can name any date TOML can write.

use jiff::civil::Date;

/// The last day a register or `--today` may name. opx adds cadences of up
/// to ten years to dates (a review, an exercise, a notice), and the
/// calendar it counts on ends with 9999: a later date would be held at
/// the calendar's end without a word, so it is refused where it is read.
pub const LAST_DAY: Date = jiff::civil::date(9000, 12, 31);

/// `date` plus `days` (which may be negative).
pub fn add_days(date: Date, days: i64) -> Date {
    match jiff::Span::new().try_days(days) {
        Ok(span) => date.saturating_add(span),
        Err(_) if days < 0 => Date::MIN,
        Err(_) => Date::MAX,
    }
}

/// Whole days from `from` to `to`; negative when `to` comes first.
pub fn days_between(from: Date, to: Date) -> i64 {
    from.duration_until(to).as_secs() / 86_400
}

/// Whether `date` lies in the `days` up to and including `today`.
pub fn within(date: Date, today: Date, days: i64) -> bool {
    let start = add_days(today, -days);
    date > start && date <= today
}

/// The Monday on or before `date`.
pub fn monday_of(date: Date) -> Date {
    let back = i64::from(date.weekday().to_monday_zero_offset());
    add_days(date, -back)
}

/// "yesterday", "3 days ago": how long ago a past `date` was.
pub fn days_ago(date: Date, today: Date) -> String {
    match days_between(date, today) {
        1 => "yesterday".to_string(),
        n => format!("{n} days ago"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Date {
        text.parse().unwrap()
    }

    #[test]
    fn weeks_start_on_monday() {
        assert_eq!(monday_of(d("2026-12-07")), d("2026-12-07"));
        assert_eq!(monday_of(d("2026-12-13")), d("2026-12-07"));
        assert_eq!(monday_of(d("2026-12-15")), d("2026-12-14"));
        assert_eq!(monday_of(d("2027-01-01")), d("2026-12-28"));
    }

    #[test]
    fn the_window_holds_the_last_365_days() {
        let today = d("2026-11-27");
        assert!(within(d("2026-11-27"), today, 365));
        assert!(within(d("2025-11-28"), today, 365));
        assert!(!within(d("2025-11-27"), today, 365));
        assert!(
            !within(d("2026-11-28"), today, 365),
            "a future date is not recent"
        );
    }

    #[test]
    fn days_ago_reads_well() {
        assert_eq!(days_ago(d("2026-11-26"), d("2026-11-27")), "yesterday");
        assert_eq!(days_ago(d("2026-11-01"), d("2026-11-27")), "26 days ago");
    }

    #[test]
    fn the_calendar_ends_hold() {
        assert_eq!(add_days(Date::MAX, 1), Date::MAX);
        assert_eq!(add_days(d("2026-01-01"), i64::MIN), Date::MIN);
    }
}
