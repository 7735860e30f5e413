//! Severity bands: how likelihood × impact is read as low, medium, high
//! or critical.

use std::fmt;

/// Severity bands over likelihood × impact.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    serde::Serialize,
    schemars::JsonSchema,
    clap::ValueEnum,
)]
#[serde(rename_all = "kebab-case")]
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
