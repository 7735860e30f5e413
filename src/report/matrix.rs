//! `opx matrix` as a grid for a terminal, a Markdown table and JSON.
//!
//! Likelihood runs down (5 at the top), impact across. Each cell shows
//! how many risks sit there and its band by label (`2 H`; see
//! `RiskMatrix::label`), coloured on a colour terminal, so the grid reads
//! the same without colour; an empty cell shows `·`. With `--ids`, a
//! terminal lists each cell's risks under the grid, a cell at a time,
//! worst first, wrapped under the cell's name; Markdown lists them in the
//! cells.

use std::io::{self, Write};

use anstyle::Style;
use schemars::JsonSchema;
use serde::Serialize;

use super::columns::{Align, Cell, Column, Layout, text_width};
use super::doc::wrap;
use super::rank_table::band_style;
use super::{json, markdown, paint, risk_name};
use crate::analysis::AssessedRisk;
use crate::diag::plural;
use crate::matrix::Matrix;
use crate::scale::{Level, Scale};

pub const VERSION: u32 = 1;

/// Impact across, as the column headers read.
const IMPACTS: [&str; 5] = [
    "1 negligible",
    "2 minor",
    "3 moderate",
    "4 major",
    "5 severe",
];

/// Likelihood reads down, from 5 at the top.
fn levels_down() -> impl Iterator<Item = Level> {
    Level::all().rev()
}

fn levels_across() -> impl Iterator<Item = Level> {
    Level::all()
}

/// `count and band: L low, M medium, H high, C critical; · no risk there`:
/// each band's label, by which a cell is read without colour.
fn legend(m: &Matrix<'_>) -> String {
    let labels: Vec<String> = m
        .bands
        .bands()
        .iter()
        .map(|&b| format!("{} {b}", m.bands.label(b)))
        .collect();
    format!("count and band: {}; · no risk there", labels.join(", "))
}

/// Every cell, the worst first: by band, then by likelihood × impact,
/// then the likelier first.
fn worst_first(m: &Matrix<'_>) -> Vec<(Level, Level)> {
    let mut cells: Vec<(Level, Level)> = levels_down()
        .flat_map(|l| levels_across().map(move |i| (l, i)))
        .collect();
    cells.sort_by_key(|&(l, i)| std::cmp::Reverse((m.band(l, i), l.get() * i.get(), l.get())));
    cells
}

/// `11 risks, current view` or `4 risks of checkout, target view`.
fn title(m: &Matrix<'_>) -> String {
    let of = m.system.map_or_else(String::new, |s| format!(" of {s}"));
    format!(
        "Risk matrix: {}{of}, {} view",
        plural(m.placed(), "risk"),
        m.view.name()
    )
}

/// `11 risks placed`: every risk has a cell, and the reader is told so.
fn placed_note(m: &Matrix<'_>) -> String {
    format!("{} placed", plural(m.placed(), "risk"))
}

/// The names of a cell's risks: bare ids where the grid shows one system.
fn names(risks: &[&AssessedRisk<'_>], one_system: bool) -> String {
    risks
        .iter()
        .map(|r| risk_name(r.risk, one_system))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The grid for a terminal `width` columns wide.
pub fn write_table(
    m: &Matrix<'_>,
    ids: bool,
    width: usize,
    colour: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    writeln!(out, "{}\n", paint(&title(m), Style::new().bold(), colour))?;
    let mut columns = vec![Column::fixed("likelihood \\ impact", Align::Left)];
    columns.extend(IMPACTS.map(|header| Column::fixed(header, Align::Left)));
    let rows: Vec<Vec<Cell<'_>>> = levels_down()
        .map(|l| {
            let mut row = vec![Cell::new(format!("{l} {}", Scale::Likelihood.word(l)))];
            for i in levels_across() {
                let risks = m.cell(l, i);
                let band = m.band(l, i);
                let count = match risks.len() {
                    0 => "·".to_string(),
                    n => n.to_string(),
                };
                row.push(Cell::styled(
                    format!("{count} {}", m.bands.label(band)),
                    band_style(band),
                ));
            }
            row
        })
        .collect();
    let mut layout = Layout::new(&columns, colour);
    for row in &rows {
        layout.measure(row);
    }
    layout.fit(width);
    layout.write_header(out)?;
    for row in &rows {
        layout.write_row(out, row)?;
    }
    writeln!(out, "\n{}", placed_note(m))?;
    if ids {
        for (l, i) in worst_first(m) {
            let risks = m.cell(l, i);
            if risks.is_empty() {
                continue;
            }
            let band = m.band(l, i);
            let head = format!("{l}×{i} {}  ", m.bands.label(band));
            let pad = " ".repeat(text_width(&head));
            for (n, line) in wrap(&names(risks, m.one_system), width, &pad, &pad)
                .into_iter()
                .enumerate()
            {
                match n {
                    0 => writeln!(
                        out,
                        "{}{}",
                        paint(&head, band_style(band), colour),
                        &line[pad.len()..]
                    )?,
                    _ => writeln!(out, "{line}")?,
                }
            }
        }
    }
    writeln!(out, "{}", paint(&legend(m), Style::new().dimmed(), colour))
}

/// The grid as a GitHub-flavoured Markdown table.
pub fn write_markdown(m: &Matrix<'_>, ids: bool, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "### {}\n", markdown::cell(&title(m)))?;
    let mut header = vec!["likelihood \\ impact"];
    header.extend(IMPACTS);
    markdown::write_header(out, &header)?;
    for l in levels_down() {
        let mut row = vec![format!("{l} {}", Scale::Likelihood.word(l))];
        for i in levels_across() {
            let risks = m.cell(l, i);
            let band = m.band(l, i).name();
            row.push(match (risks.len(), ids) {
                (0, _) => format!("· ({band})"),
                (n, false) => format!("{n} ({band})"),
                (n, true) => format!("{n} ({band}): {}", names(risks, m.one_system)),
            });
        }
        markdown::write_row(out, &row)?;
    }
    writeln!(out, "\n{}", markdown::cell(&placed_note(m)))
}

/// `opx matrix --format json`, version 1: every cell, empty or not.
#[derive(Serialize, JsonSchema)]
#[schemars(title = "opx matrix --format json, version 1", deny_unknown_fields)]
pub struct Document<'a> {
    #[schemars(extend("const" = 1))]
    version: u32,
    #[schemars(extend("format" = "date"))]
    today: String,
    /// The view the risks are placed by.
    #[schemars(extend("enum" = ["inherent", "current", "target"]))]
    view: &'static str,
    /// The one system shown (`--system`); null for all.
    system: Option<&'a str>,
    /// How many risks are placed in the grid.
    placed: usize,
    /// Likelihood 5 down to 1, impact 1 across to 5: 25 cells.
    cells: Vec<CellOut<'a>>,
}

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct CellOut<'a> {
    #[schemars(range(min = 1, max = 5))]
    likelihood: u8,
    #[schemars(range(min = 1, max = 5))]
    impact: u8,
    #[schemars(range(min = 1, max = 25))]
    severity: u8,
    /// The band the policy's matrix gives the cell.
    band: &'a str,
    count: usize,
    /// Its risks, worst first.
    risks: Vec<RiskRef<'a>>,
}

#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
struct RiskRef<'a> {
    system: &'a str,
    id: &'a str,
}

impl<'a> Document<'a> {
    pub fn of(m: &'a Matrix<'a>, today: jiff::civil::Date) -> Self {
        let mut cells = Vec::new();
        for l in levels_down() {
            for i in levels_across() {
                let risks = m.cell(l, i);
                cells.push(CellOut {
                    likelihood: l.get(),
                    impact: i.get(),
                    severity: l.get() * i.get(),
                    band: m.band(l, i).name(),
                    count: risks.len(),
                    risks: risks
                        .iter()
                        .map(|r| RiskRef {
                            system: &r.risk.system,
                            id: &r.risk.id.value,
                        })
                        .collect(),
                });
            }
        }
        Document {
            version: VERSION,
            today: today.to_string(),
            view: m.view.name(),
            system: m.system,
            placed: m.placed(),
            cells,
        }
    }
}

/// The grid as a versioned JSON document.
pub fn write_json(m: &Matrix<'_>, today: jiff::civil::Date, out: &mut dyn Write) -> io::Result<()> {
    json::write(out, &Document::of(m, today))
}

#[cfg(test)]
mod snapshot {
    use crate::report::{MatrixFormat, fixture};
    use crate::score::ViewName;

    #[test]
    fn at_80_columns() {
        let text = fixture::matrix(MatrixFormat::Table, ViewName::Current, false, 80, false);
        fixture::assert_fits(&text, 80);
        insta::assert_snapshot!(text, @r"
        Risk matrix: 4 risks, current view

        likelihood \ impact  1 negligible  2 minor  3 moderate  4 major  5 severe
        5 almost-certain     · M           · H      · H         · C      · C
        4 likely             · L           · M      · H         1 H      · C
        3 possible           · L           · M      · M         2 H      · H
        2 unlikely           · L           1 L      · M         · M      · H
        1 rare               · L           · L      · L         · L      · M

        4 risks placed
        count and band: L low, M medium, H high, C critical; · no risk there
        ");
    }

    #[test]
    fn at_120_columns_with_ids() {
        let text = fixture::matrix(MatrixFormat::Table, ViewName::Current, true, 120, false);
        fixture::assert_fits(&text, 120);
        insta::assert_snapshot!(text, @r"
        Risk matrix: 4 risks, current view

        likelihood \ impact  1 negligible  2 minor  3 moderate  4 major  5 severe
        5 almost-certain     · M           · H      · H         · C      · C
        4 likely             · L           · M      · H         1 H      · C
        3 possible           · L           · M      · M         2 H      · H
        2 unlikely           · L           1 L      · M         · M      · H
        1 rare               · L           · L      · L         · L      · M

        4 risks placed
        4×4 H  checkout/traffic-spike
        3×4 H  checkout/bad-deploy, checkout/single-expert
        2×2 L  search/stale-index
        count and band: L low, M medium, H high, C critical; · no risk there
        ");
    }

    /// Another matrix: its own labels and legend; five bands over four
    /// colours, low and moderate sharing yellow, the labels telling them apart.
    #[test]
    fn nist_in_colour_with_ids() {
        let policy = crate::policy::Policy {
            matrix: crate::band::Preset::Nist80030.matrix(),
            ..Default::default()
        };
        let text = fixture::matrix_under(
            &policy,
            MatrixFormat::Table,
            ViewName::Current,
            true,
            100,
            true,
        );
        insta::assert_snapshot!(text.replace('\x1b', "␛"), @r"
        ␛[1mRisk matrix: 4 risks, current view␛[0m

        ␛[1mlikelihood \ impact␛[0m  ␛[1m1 negligible␛[0m  ␛[1m2 minor␛[0m  ␛[1m3 moderate␛[0m  ␛[1m4 major␛[0m  ␛[1m5 severe␛[0m
        5 almost-certain     ␛[32m· VL␛[0m          ␛[33m· L␛[0m      ␛[33m· M␛[0m         ␛[31m· H␛[0m      ␛[35m· VH␛[0m
        4 likely             ␛[32m· VL␛[0m          ␛[33m· L␛[0m      ␛[33m· M␛[0m         ␛[31m1 H␛[0m      ␛[35m· VH␛[0m
        3 possible           ␛[32m· VL␛[0m          ␛[33m· L␛[0m      ␛[33m· M␛[0m         ␛[33m2 M␛[0m      ␛[31m· H␛[0m
        2 unlikely           ␛[32m· VL␛[0m          ␛[33m1 L␛[0m      ␛[33m· L␛[0m         ␛[33m· L␛[0m      ␛[33m· M␛[0m
        1 rare               ␛[32m· VL␛[0m          ␛[32m· VL␛[0m     ␛[32m· VL␛[0m        ␛[33m· L␛[0m      ␛[33m· L␛[0m

        4 risks placed
        ␛[31m4×4 H  ␛[0mcheckout/traffic-spike
        ␛[33m3×4 M  ␛[0mcheckout/bad-deploy, checkout/single-expert
        ␛[33m2×2 L  ␛[0msearch/stale-index
        ␛[2mcount and band: VL very-low, L low, M moderate, H high, VH very-high; · no risk there␛[0m
        ");
    }

    #[test]
    fn nist_as_markdown() {
        let policy = crate::policy::Policy {
            matrix: crate::band::Preset::Nist80030.matrix(),
            ..Default::default()
        };
        let text = fixture::matrix_under(
            &policy,
            MatrixFormat::Markdown,
            ViewName::Current,
            false,
            100,
            false,
        );
        insta::assert_snapshot!(text, @r"
        ### Risk matrix: 4 risks, current view

        | likelihood \\ impact | 1 negligible | 2 minor | 3 moderate | 4 major | 5 severe |
        | --- | --- | --- | --- | --- | --- |
        | 5 almost-certain | · (very-low) | · (low) | · (moderate) | · (high) | · (very-high) |
        | 4 likely | · (very-low) | · (low) | · (moderate) | 1 (high) | · (very-high) |
        | 3 possible | · (very-low) | · (low) | · (moderate) | 2 (moderate) | · (high) |
        | 2 unlikely | · (very-low) | 1 (low) | · (low) | · (low) | · (moderate) |
        | 1 rare | · (very-low) | · (very-low) | · (very-low) | · (low) | · (low) |

        4 risks placed
        ");
    }

    /// Colour marks each cell's band; the letters say the same without it.
    #[test]
    fn in_colour() {
        let text = fixture::matrix(MatrixFormat::Table, ViewName::Target, false, 80, true);
        insta::assert_snapshot!(text.replace('\x1b', "␛"), @r"
        ␛[1mRisk matrix: 4 risks, target view␛[0m

        ␛[1mlikelihood \ impact␛[0m  ␛[1m1 negligible␛[0m  ␛[1m2 minor␛[0m  ␛[1m3 moderate␛[0m  ␛[1m4 major␛[0m  ␛[1m5 severe␛[0m
        5 almost-certain     ␛[33m· M␛[0m           ␛[31m· H␛[0m      ␛[31m· H␛[0m         ␛[35m· C␛[0m      ␛[35m· C␛[0m
        4 likely             ␛[32m· L␛[0m           ␛[33m· M␛[0m      ␛[31m· H␛[0m         ␛[31m· H␛[0m      ␛[35m· C␛[0m
        3 possible           ␛[32m· L␛[0m           ␛[33m· M␛[0m      ␛[33m· M␛[0m         ␛[31m2 H␛[0m      ␛[31m· H␛[0m
        2 unlikely           ␛[32m· L␛[0m           ␛[32m1 L␛[0m      ␛[33m· M␛[0m         ␛[33m1 M␛[0m      ␛[31m· H␛[0m
        1 rare               ␛[32m· L␛[0m           ␛[32m· L␛[0m      ␛[32m· L␛[0m         ␛[32m· L␛[0m      ␛[33m· M␛[0m

        4 risks placed
        ␛[2mcount and band: L low, M medium, H high, C critical; · no risk there␛[0m
        ");
    }

    #[test]
    fn as_markdown() {
        insta::assert_snapshot!(
            fixture::matrix(MatrixFormat::Markdown, ViewName::Inherent, true, 80, false),
            @r"
        ### Risk matrix: 4 risks, inherent view

        | likelihood \\ impact | 1 negligible | 2 minor | 3 moderate | 4 major | 5 severe |
        | --- | --- | --- | --- | --- | --- |
        | 5 almost-certain | · (medium) | · (high) | · (high) | · (critical) | · (critical) |
        | 4 likely | · (low) | · (medium) | · (high) | 1 (high): checkout/traffic-spike | · (critical) |
        | 3 possible | · (low) | · (medium) | · (medium) | 2 (high): checkout/bad-deploy, checkout/single-expert | · (high) |
        | 2 unlikely | · (low) | 1 (low): search/stale-index | · (medium) | · (medium) | · (high) |
        | 1 rare | · (low) | · (low) | · (low) | · (low) | · (medium) |

        4 risks placed
        "
        );
    }

    #[test]
    fn as_json() {
        let text = fixture::matrix(MatrixFormat::Json, ViewName::Current, false, 80, false);
        let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
        let cells = doc["cells"].as_array().unwrap();
        assert_eq!(cells.len(), 25);
        let counted: u64 = cells.iter().map(|c| c["count"].as_u64().unwrap()).sum();
        assert_eq!(counted, doc["placed"].as_u64().unwrap());
        insta::assert_snapshot!(
            serde_json::to_string_pretty(&cells.iter().filter(|c| c["count"] != 0).collect::<Vec<_>>()).unwrap(),
            @r#"
        [
          {
            "band": "high",
            "count": 1,
            "impact": 4,
            "likelihood": 4,
            "risks": [
              {
                "id": "traffic-spike",
                "system": "checkout"
              }
            ],
            "severity": 16
          },
          {
            "band": "high",
            "count": 2,
            "impact": 4,
            "likelihood": 3,
            "risks": [
              {
                "id": "bad-deploy",
                "system": "checkout"
              },
              {
                "id": "single-expert",
                "system": "checkout"
              }
            ],
            "severity": 12
          },
          {
            "band": "low",
            "count": 1,
            "impact": 2,
            "likelihood": 2,
            "risks": [
              {
                "id": "stale-index",
                "system": "search"
              }
            ],
            "severity": 4
          }
        ]
        "#
        );
    }
}
