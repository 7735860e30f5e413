//! Exceptions to the gate a risk carries, and where each stands on the
//! analysis's day.
//!
//! A risk's acceptance (`[risk.accepted]`) sets the whole risk aside; a
//! waiver (`[[risk.waive]]`) sets aside one rule's findings. Each holds
//! through its `until` day and ends the day after; it is *ending* once
//! `until` falls within the policy's `expiring_within` of today. The gate,
//! `rank`, `show`, `review` and the report all read these standings, so
//! they agree on what holds and what ends soon.

use jiff::civil::Date;

use crate::dates::add_days;
use crate::diag::Code;
use crate::register::model::{Acceptance, At, Risk, Waiver};

/// An exception to the gate a risk carries.
#[derive(Debug, Clone, Copy)]
pub enum Exception<'r> {
    Acceptance(&'r Acceptance),
    Waiver(&'r Waiver),
}

impl<'r> Exception<'r> {
    /// The last day it holds.
    pub fn until(self) -> At<Date> {
        match self {
            Exception::Acceptance(a) => a.until,
            Exception::Waiver(w) => w.until,
        }
    }

    /// Who signed it, where the register says.
    pub fn by(self) -> Option<&'r str> {
        match self {
            Exception::Acceptance(a) => Some(&a.by),
            Exception::Waiver(w) => w.by.as_deref(),
        }
    }

    pub fn reason(self) -> &'r str {
        match self {
            Exception::Acceptance(a) => &a.reason,
            Exception::Waiver(w) => &w.reason,
        }
    }

    /// The rule a waiver sets aside; `None` for an acceptance.
    pub fn rule(self) -> Option<Code> {
        match self {
            Exception::Acceptance(_) => None,
            Exception::Waiver(w) => Some(w.rule),
        }
    }
}

/// Where an exception stands on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Standing {
    /// It holds, and ends after the policy's notice.
    Holds,
    /// It holds, and ends within the policy's `expiring_within`.
    Ending,
    /// Its `until` has passed: it sets nothing aside.
    Expired,
}

impl Standing {
    /// It sets something aside today.
    pub fn holds(self) -> bool {
        self != Standing::Expired
    }

    pub fn name(self) -> &'static str {
        match self {
            Standing::Holds => "holds",
            Standing::Ending => "ending",
            Standing::Expired => "expired",
        }
    }
}

/// An exception with its standing.
#[derive(Debug, Clone, Copy)]
pub struct Stood<'r> {
    pub exception: Exception<'r>,
    pub standing: Standing,
}

/// An exception whose last day is `until` has ended by `today`: it holds
/// through its last day.
pub fn ended(until: Date, today: Date) -> bool {
    until < today
}

/// Where `until` stands on `today`, with `notice_days` of notice.
pub fn standing(until: Date, today: Date, notice_days: u32) -> Standing {
    if ended(until, today) {
        Standing::Expired
    } else if until <= add_days(today, i64::from(notice_days)) {
        Standing::Ending
    } else {
        Standing::Holds
    }
}

/// A risk's exceptions, its acceptance first and then its waivers in the
/// register's order, each with its standing on `today`.
pub fn of(risk: &Risk, today: Date, notice_days: u32) -> Vec<Stood<'_>> {
    risk.accepted
        .iter()
        .map(Exception::Acceptance)
        .chain(risk.waivers.iter().map(Exception::Waiver))
        .map(|exception| Stood {
            exception,
            standing: standing(exception.until().value, today, notice_days),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> Date {
        text.parse().unwrap()
    }

    #[test]
    fn an_exception_holds_through_its_last_day_and_ends_after_notice() {
        let today = day("2026-12-01");
        assert_eq!(standing(day("2026-11-30"), today, 14), Standing::Expired);
        assert_eq!(standing(today, today, 14), Standing::Ending);
        assert_eq!(standing(day("2026-12-15"), today, 14), Standing::Ending);
        assert_eq!(standing(day("2026-12-16"), today, 14), Standing::Holds);
        assert_eq!(standing(day("2026-12-02"), today, 0), Standing::Holds);
        assert!(Standing::Ending.holds() && !Standing::Expired.holds());
    }
}
