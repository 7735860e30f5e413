//! Severity bands and the risk matrix that assigns them: which band each
//! of the 25 likelihood × impact cells is read as.
//!
//! A band is a place in its matrix's list (lowest first) and a name the
//! matrix holds. The `opx` matrix (the default) bands by the product:
//! low 1-4, medium 5-9, high 10-16, critical 20-25. A team may choose
//! `nist-800-30` (NIST SP 800-30 Rev. 1, Table I-2) or write its own, a
//! lookup of any 25 cells into its own words; everything that depends on
//! a band (ranking, colours, review cadence, the gate) goes by its place.

use std::collections::BTreeSet;
use std::fmt;
use std::sync::Mutex;

use crate::scale::Level;

/// A band of a matrix: its place among the matrix's bands and its name.
///
/// Bands compare by place, so the higher band is the greater; bands of one
/// matrix are all that is ever compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Band {
    /// 0 for the lowest band.
    rank: u8,
    /// How many bands its matrix has.
    count: u8,
    name: &'static str,
}

/// The four tones a band is coloured in, lowest to highest: the terminal's
/// green, yellow, red and magenta, and the report's four band colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Tone {
    Low,
    Medium,
    High,
    Critical,
}

impl Tone {
    /// The name the HTML report's band classes use: `band-low`, ...
    pub fn name(self) -> &'static str {
        match self {
            Tone::Low => "low",
            Tone::Medium => "medium",
            Tone::High => "high",
            Tone::Critical => "critical",
        }
    }
}

impl Band {
    pub fn name(self) -> &'static str {
        self.name
    }

    /// Its place in its matrix, 0 for the lowest.
    pub fn rank(self) -> usize {
        usize::from(self.rank)
    }

    /// The highest band of its matrix (`critical` in the `opx` matrix).
    pub fn is_highest(self) -> bool {
        self.rank + 1 == self.count
    }

    /// One of the two highest bands of its matrix, and not its lowest
    /// (`high` and `critical` in the `opx` matrix): the bands that need
    /// a runbook, a bad-minute estimate and a place at the top of a plan.
    pub fn is_serious(self) -> bool {
        self.rank > 0 && self.rank + 2 >= self.count
    }

    /// How often a risk of this band is reviewed when it names no
    /// `review_every`: the highest band every 30 days, the next 90, the
    /// next 180, and the rest (always the lowest) every 365.
    pub fn default_review_days(self) -> u32 {
        let from_top = usize::from(self.count - 1 - self.rank);
        match [30, 90, 180].get(from_top) {
            Some(&days) if self.rank > 0 => days,
            _ => 365,
        }
    }

    /// Its colour: the lowest band green-toned and the highest
    /// critical-toned, the bands between spread evenly over the four
    /// tones, rounded with halves down (a middle band reads as a warning
    /// rather than an alarm), so neighbours of a matrix of five or more
    /// may share one.
    pub fn tone(self) -> Tone {
        let steps = u32::from(self.count.max(2) - 1);
        // round(3 × rank / steps), halves down.
        let step = (u32::from(self.rank) * 3 * 2 + steps - 1) / (2 * steps);
        match step {
            0 => Tone::Low,
            1 => Tone::Medium,
            2 => Tone::High,
            _ => Tone::Critical,
        }
    }
}

impl fmt::Display for Band {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)
    }
}

/// A band is written as its name.
impl serde::Serialize for Band {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name)
    }
}

impl schemars::JsonSchema for Band {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Band".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A severity band: one of the bands of the policy's [matrix] (by default low, medium, high or critical).",
            "type": "string",
        })
    }
}

/// The shipped matrices, by the name `preset` takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preset {
    Opx,
    Nist80030,
}

impl Preset {
    pub const ALL: [Preset; 2] = [Preset::Opx, Preset::Nist80030];

    /// The names `preset` takes, in the order of [`Preset::ALL`].
    pub const NAMES: [&'static str; 2] = ["opx", "nist-800-30"];

    pub fn name(self) -> &'static str {
        Self::NAMES[self as usize]
    }

    pub fn matrix(self) -> RiskMatrix {
        match self {
            Preset::Opx => {
                // Products of two levels never fall in 17-19, so critical
                // starts at 17 here, which keeps the banding total.
                let rank = |severity: u8| match severity {
                    0..=4 => 0,
                    5..=9 => 1,
                    10..=16 => 2,
                    _ => 3,
                };
                let mut rows = [[0; 5]; 5];
                for (row, cells) in rows.iter_mut().enumerate() {
                    let likelihood = 5 - row as u8;
                    for (column, cell) in cells.iter_mut().enumerate() {
                        *cell = rank(likelihood * (column as u8 + 1));
                    }
                }
                RiskMatrix::new(Some(self), &["low", "medium", "high", "critical"], rows)
            }
            // NIST SP 800-30 Rev. 1, Table I-2.
            Preset::Nist80030 => RiskMatrix::new(
                Some(self),
                &["very-low", "low", "moderate", "high", "very-high"],
                [
                    [0, 1, 2, 3, 4],
                    [0, 1, 2, 3, 4],
                    [0, 1, 2, 2, 3],
                    [0, 1, 1, 1, 2],
                    [0, 0, 0, 1, 1],
                ],
            ),
        }
    }
}

/// The most bands a matrix may have: one a cell, at most.
pub const MAX_BANDS: usize = 25;

/// Which band each likelihood × impact cell is read as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RiskMatrix {
    /// The shipped matrix it is, if it is one.
    pub preset: Option<Preset>,
    /// Lowest first.
    bands: Vec<Band>,
    /// `cells[l - 1][i - 1]`: the place of the band at likelihood `l`, impact `i`.
    cells: [[u8; 5]; 5],
    /// Each band's short label in the grid, by place.
    labels: Vec<String>,
}

impl Default for RiskMatrix {
    fn default() -> Self {
        Preset::Opx.matrix()
    }
}

impl RiskMatrix {
    /// A matrix of `names` (lowest first: distinct, at most [`MAX_BANDS`])
    /// and `rows`, as `opx.toml` writes them: likelihood 5 first, impact 1
    /// to 5 across, each cell a place in `names`.
    pub fn new(preset: Option<Preset>, names: &[&str], rows: [[u8; 5]; 5]) -> RiskMatrix {
        assert!(!names.is_empty() && names.len() <= MAX_BANDS);
        let count = names.len() as u8;
        let bands: Vec<Band> = names
            .iter()
            .enumerate()
            .map(|(rank, name)| Band {
                rank: rank as u8,
                count,
                name: intern(name),
            })
            .collect();
        let mut cells = rows;
        cells.reverse();
        assert!(cells.iter().flatten().all(|&c| c < count));
        RiskMatrix {
            preset,
            labels: labels(names),
            bands,
            cells,
        }
    }

    /// How a change of policy names it: its preset's name, or `custom`.
    pub fn describe(&self) -> &'static str {
        self.preset.map_or("custom", Preset::name)
    }

    /// Every cell, as (likelihood, impact).
    pub fn cells() -> impl Iterator<Item = (Level, Level)> {
        Level::all().flat_map(|l| Level::all().map(move |i| (l, i)))
    }

    /// Its bands, lowest first.
    pub fn bands(&self) -> &[Band] {
        &self.bands
    }

    /// The band of the cell at `likelihood`, `impact`.
    pub fn band(&self, likelihood: Level, impact: Level) -> Band {
        let place = self.cells[usize::from(likelihood.get() - 1)][usize::from(impact.get() - 1)];
        self.bands[usize::from(place)]
    }

    /// The band named `name`.
    pub fn find(&self, name: &str) -> Option<Band> {
        self.bands.iter().copied().find(|b| b.name == name)
    }

    /// Its bands' names, lowest first.
    pub fn names(&self) -> impl Iterator<Item = &'static str> + Clone + '_ {
        self.bands.iter().map(|b| b.name)
    }

    /// How many of `bands` (bands of this matrix) fall in each of its
    /// bands, highest first, each band listed.
    pub fn tally(&self, bands: impl IntoIterator<Item = Band>) -> Vec<(Band, usize)> {
        let mut counts = vec![0; self.bands.len()];
        for band in bands {
            counts[band.rank()] += 1;
        }
        self.bands
            .iter()
            .rev()
            .map(|&b| (b, counts[b.rank()]))
            .collect()
    }

    /// The names of its serious bands (see [`Band::is_serious`]), lowest
    /// first: `high` and `critical`.
    pub fn serious(&self) -> Vec<&'static str> {
        self.bands
            .iter()
            .filter(|b| b.is_serious())
            .map(|b| b.name)
            .collect()
    }

    /// Its serious bands as a summary names them: `high or critical`.
    pub fn serious_words(&self) -> String {
        self.serious().join(" or ")
    }

    /// The band's label in the grid: the initials of its words (`VH` for
    /// very-high), or its place from 1 when two bands' initials are alike.
    pub fn label(&self, band: Band) -> &str {
        &self.labels[band.rank()]
    }
}

/// Each name's initials, upper-cased; places from 1 when two are alike.
fn labels(names: &[&str]) -> Vec<String> {
    let initials: Vec<String> = names
        .iter()
        .map(|name| {
            name.split(|c: char| c == '-' || c == '_' || c.is_whitespace())
                .filter_map(|word| word.chars().next())
                .flat_map(char::to_uppercase)
                .collect()
        })
        .collect();
    let unique = initials.iter().collect::<BTreeSet<_>>().len() == initials.len();
    if unique && initials.iter().all(|i| !i.is_empty()) {
        initials
    } else {
        (1..=names.len()).map(|n| n.to_string()).collect()
    }
}

/// `name` as a `&'static str`, so bands stay plain copyable values.
///
/// A band name lives as long as the run: bands are copied into every
/// score and finding. Each distinct name is kept once, and a run reads
/// a few matrices at most, so what is kept stays small.
fn intern(name: &str) -> &'static str {
    static NAMES: Mutex<BTreeSet<&'static str>> = Mutex::new(BTreeSet::new());
    let mut names = NAMES
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(&kept) = names.get(name) {
        return kept;
    }
    let kept: &'static str = Box::leak(name.to_owned().into_boxed_str());
    names.insert(kept);
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    fn level(n: u8) -> Level {
        Level::new(n).unwrap()
    }

    fn name(m: &RiskMatrix, l: u8, i: u8) -> &'static str {
        m.band(level(l), level(i)).name()
    }

    #[test]
    fn every_product_of_levels_has_the_documented_opx_band() {
        let m = Preset::Opx.matrix();
        for l in 1..=5u8 {
            for i in 1..=5u8 {
                let s = l * i;
                let expected = if s <= 4 {
                    "low"
                } else if s <= 9 {
                    "medium"
                } else if s <= 16 {
                    "high"
                } else {
                    assert!(s >= 20, "no product lies in 17-19");
                    "critical"
                };
                assert_eq!(name(&m, l, i), expected, "{l}×{i}");
            }
        }
    }

    #[test]
    fn nist_bands_follow_table_i2() {
        let m = Preset::Nist80030.matrix();
        // Rows very high (5) to very low (1), impact very low to very high.
        let table = [
            ["very-low", "low", "moderate", "high", "very-high"],
            ["very-low", "low", "moderate", "high", "very-high"],
            ["very-low", "low", "moderate", "moderate", "high"],
            ["very-low", "low", "low", "low", "moderate"],
            ["very-low", "very-low", "very-low", "low", "low"],
        ];
        for (row, names) in table.iter().enumerate() {
            for (column, expected) in names.iter().enumerate() {
                assert_eq!(name(&m, 5 - row as u8, column as u8 + 1), *expected);
            }
        }
    }

    #[test]
    fn a_lookup_bands_cells_no_product_threshold_could() {
        // The UK community risk register's ratings: 3×4 red, 5×3 amber.
        let mut rows = [[0u8; 5]; 5];
        rows[2][3] = 2; // likelihood 3, impact 4
        rows[0][2] = 1; // likelihood 5, impact 3
        let m = RiskMatrix::new(None, &["yellow", "amber", "red"], rows);
        assert_eq!(name(&m, 3, 4), "red");
        assert_eq!(name(&m, 5, 3), "amber");
        assert!(m.band(level(3), level(4)) > m.band(level(5), level(3)));
    }

    #[test]
    fn the_opx_matrix_keeps_its_cadence_tones_and_letters() {
        let m = Preset::Opx.matrix();
        let days: Vec<u32> = m.bands().iter().map(|b| b.default_review_days()).collect();
        assert_eq!(days, [365, 180, 90, 30]);
        let tones: Vec<Tone> = m.bands().iter().map(|b| b.tone()).collect();
        assert_eq!(tones, [Tone::Low, Tone::Medium, Tone::High, Tone::Critical]);
        let labels: Vec<&str> = m.bands().iter().map(|&b| m.label(b)).collect();
        assert_eq!(labels, ["L", "M", "H", "C"]);
        let serious: Vec<bool> = m.bands().iter().map(|b| b.is_serious()).collect();
        assert_eq!(serious, [false, false, true, true]);
    }

    #[test]
    fn cadence_tones_and_labels_of_other_matrices_go_by_place() {
        let m = Preset::Nist80030.matrix();
        let days: Vec<u32> = m.bands().iter().map(|b| b.default_review_days()).collect();
        assert_eq!(days, [365, 365, 180, 90, 30]);
        // Places 0..4 over tones 0..3: 0, 0.75, 1.5, 2.25, 3, halves down.
        let tones: Vec<Tone> = m.bands().iter().map(|b| b.tone()).collect();
        assert_eq!(
            tones,
            [
                Tone::Low,
                Tone::Medium,
                Tone::Medium,
                Tone::High,
                Tone::Critical
            ]
        );
        let labels: Vec<&str> = m.bands().iter().map(|&b| m.label(b)).collect();
        assert_eq!(labels, ["VL", "L", "M", "H", "VH"]);
        assert_eq!(m.serious_words(), "high or very-high");

        // Three bands: 0, 1.5, 3.
        let three = RiskMatrix::new(None, &["green", "amber", "red"], [[0; 5]; 5]);
        let tones: Vec<Tone> = three.bands().iter().map(|b| b.tone()).collect();
        assert_eq!(tones, [Tone::Low, Tone::Medium, Tone::Critical]);

        let two = RiskMatrix::new(None, &["ok", "bad"], [[1; 5]; 5]);
        let days: Vec<u32> = two
            .bands()
            .iter()
            .map(|b| b.default_review_days())
            .collect();
        assert_eq!(days, [365, 30]);
        assert_eq!(two.bands()[1].tone(), Tone::Critical);
        assert!(!two.bands()[0].is_serious() && two.bands()[1].is_serious());
        // Alike initials fall back to places.
        let alike = RiskMatrix::new(None, &["minor", "major"], [[0; 5]; 5]);
        assert_eq!(alike.label(alike.bands()[1]), "2");
    }
}
