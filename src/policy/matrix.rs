//! `[matrix]` and `fail_band` in `opx.toml`: the team's risk matrix, a
//! shipped preset or its own bands and cells, read with every problem
//! located.

use toml::de::DeValue;

use crate::band::{Band, MAX_BANDS, Preset, RiskMatrix};
use crate::diag::{Code, Diagnostic, MAX_NAME_CHARS, clip, plural};
use crate::register::fields::{Fields, Sink};
use crate::register::format::{Key, Need, Table, Value};
use crate::register::model::At;
use crate::suggest::did_you_mean;

/// `[matrix]`'s keys.
pub static MATRIX: Table = Table {
    name: "[matrix]",
    description: "The risk matrix: a shipped preset, or the team's own bands and cells.",
    keys: &[
        Key {
            name: "preset",
            value: Value::Choice(&Preset::NAMES, Some("opx")),
            need: Need::Optional,
            description: "A shipped matrix: opx (low, medium, high, critical by likelihood × impact) or nist-800-30 (NIST SP 800-30 Rev. 1, Table I-2).",
        },
        Key {
            name: "bands",
            value: Value::Texts,
            need: Need::Optional,
            description: "The team's own band names, lowest to highest, each once.",
        },
        Key {
            name: "cells",
            value: Value::BandGrid,
            need: Need::Optional,
            description: "Each cell's band: rows likelihood 5 (top) to 1, columns impact 1 to 5.",
        },
    ],
};

/// The matrix `[matrix]` describes; the `opx` matrix when there is none,
/// or when it has a problem (reported).
pub(super) fn matrix(sink: &mut Sink<'_>, policy: &Fields<'_, '_>) -> RiskMatrix {
    let Some((table, span)) = policy.table(sink, "matrix", "write the matrix as a table: [matrix]")
    else {
        return RiskMatrix::default();
    };
    let f = Fields::nested(sink, table, span.clone(), &MATRIX, &super::POLICY);
    let preset = f.choice(sink, "preset", &Preset::ALL, Preset::name);
    let (bands, cells) = (f.get("bands"), f.get("cells"));
    if let Some(written) = f.get("preset")
        && (bands.is_some() || cells.is_some())
    {
        sink.push(
            Diagnostic::new(
                Code::InvalidMatrix,
                "[matrix] names both a preset and its own bands or cells",
            )
            .at(sink.span(written.span()), "a shipped matrix")
            .help("keep one: `preset` alone for a shipped matrix, or `bands` and `cells` for your own"),
        );
        return RiskMatrix::default();
    }
    if bands.is_none() && cells.is_none() {
        return preset.unwrap_or(Preset::Opx).matrix();
    }
    let example = "write the band names, lowest first: bands = [\"green\", \"amber\", \"red\"]";
    if bands.is_none() {
        f.missing(sink, "bands", example);
    }
    if cells.is_none() {
        f.missing(
            sink,
            "cells",
            "write five rows of five bands: cells = [[...], ...], likelihood 5 first, impact 1 to 5 across",
        );
    }
    let names = band_names(sink, &f);
    let rows = cells.and_then(|_| grid(sink, &f, &names));
    match (names, rows) {
        (Some(names), Some(rows)) => {
            let names: Vec<&str> = names.iter().map(|n| n.value.as_str()).collect();
            RiskMatrix::new(None, &names, rows)
        }
        _ => RiskMatrix::default(),
    }
}

/// `bands`, when it is a usable list: not empty, no name twice, not more
/// than a matrix has cells.
fn band_names(sink: &mut Sink<'_>, f: &Fields<'_, '_>) -> Option<Vec<At<String>>> {
    let value = f.get("bands")?;
    let problems = sink.diagnostics.len();
    let names = f.strings_at(sink, "bands");
    if matches!(value.get_ref(), DeValue::Array(items) if items.is_empty()) {
        sink.push(
            Diagnostic::new(Code::InvalidMatrix, "`bands` in [matrix] is empty")
                .at(sink.span(value.span()), "no band")
                .help("name the bands, lowest first: bands = [\"green\", \"amber\", \"red\"]"),
        );
    }
    if names.len() == 1 {
        sink.push(
            Diagnostic::new(Code::InvalidMatrix, "`bands` in [matrix] names one band")
                .at(sink.span(value.span()), "one band")
                .help("a matrix tells risks apart: name at least two bands, lowest first"),
        );
    }
    if names.len() > MAX_BANDS {
        sink.push(
            Diagnostic::new(
                Code::InvalidMatrix,
                format!("`bands` in [matrix] names {} bands", names.len()),
            )
            .at(sink.span(value.span()), format!("more than {MAX_BANDS}"))
            .help(format!(
                "a matrix has {MAX_BANDS} cells, so at most {MAX_BANDS} bands"
            )),
        );
        // Each name is compared with those before it: not for a list this long.
        return None;
    }
    for (n, name) in names.iter().enumerate() {
        // A band's name is shown in every output, a terminal's among them.
        if name.value.chars().count() > MAX_NAME_CHARS
            || name.value.chars().any(char::is_control)
            || name.value.trim() != name.value
        {
            sink.push(
                Diagnostic::new(
                    Code::InvalidMatrix,
                    format!("band name `{}` cannot be shown as written", clip(&name.value)),
                )
                .at(name.span, "not a plain word")
                .help(format!(
                    "name a band in at most {MAX_NAME_CHARS} characters, without control characters or spaces around it"
                )),
            );
        }
        if let Some(first) = names[..n].iter().find(|m| m.value == name.value) {
            let line = sink.line_col(first.span.range().start).line;
            sink.push(
                Diagnostic::new(
                    Code::InvalidMatrix,
                    format!("band `{}` is named twice in [matrix]", clip(&name.value)),
                )
                .at(name.span, "named again")
                .help(format!(
                    "each band is named once, lowest first; it is already named on line {line}"
                )),
            );
        }
    }
    (sink.diagnostics.len() == problems && !names.is_empty() && f.get("cells").is_some())
        .then_some(names)
}

/// `cells`, each a place in `names`; `None` when any cell is unusable
/// (every problem is reported).
fn grid(
    sink: &mut Sink<'_>,
    f: &Fields<'_, '_>,
    names: &Option<Vec<At<String>>>,
) -> Option<[[u8; 5]; 5]> {
    let value = f.get("cells")?;
    let five_rows =
        "write five rows of five bands: likelihood 5 at the top down to 1, impact 1 to 5 across";
    let DeValue::Array(rows) = value.get_ref() else {
        return f.wrong_type(sink, "cells", value, "an array of rows", Some(five_rows));
    };
    let problems = sink.diagnostics.len();
    if rows.len() != 5 {
        sink.push(
            Diagnostic::new(
                Code::InvalidMatrix,
                format!(
                    "`cells` in [matrix] has {}, not 5",
                    crate::diag::plural(rows.len(), "row")
                ),
            )
            .at(sink.span(value.span()), "one row per likelihood")
            .help(five_rows),
        );
    }
    let mut grid = [[0u8; 5]; 5];
    for (r, row) in rows.iter().enumerate().take(5) {
        let likelihood = 5 - r;
        let DeValue::Array(cells) = row.get_ref() else {
            f.wrong_type::<()>(sink, "cells", row, "an array of rows", Some(five_rows));
            continue;
        };
        if cells.len() != 5 {
            sink.push(
                Diagnostic::new(
                    Code::InvalidMatrix,
                    format!(
                        "row {} of `cells` (likelihood {likelihood}) has {}, not 5",
                        r + 1,
                        plural(cells.len(), "cell")
                    ),
                )
                .at(sink.span(row.span()), "one cell per impact, 1 to 5")
                .help("give each row five bands, impact 1 to 5 from left to right"),
            );
        }
        for (i, cell) in cells.iter().enumerate().take(5) {
            let DeValue::String(word) = cell.get_ref() else {
                f.wrong_type::<()>(sink, "cells", cell, "an array of band names", None);
                continue;
            };
            let Some(names) = names else { continue };
            match names.iter().position(|n| n.value == **word) {
                Some(place) => grid[r][i] = place as u8,
                None => sink.push(unknown_band(
                    word,
                    "one of `bands`",
                    sink.span(cell.span()),
                    names.iter().map(|n| n.value.as_str()),
                )),
            }
        }
    }
    (sink.diagnostics.len() == problems && names.is_some()).then_some(grid)
}

/// `fail_band`, one of `matrix`'s bands.
pub(super) fn fail_band(
    sink: &mut Sink<'_>,
    f: &Fields<'_, '_>,
    matrix: &RiskMatrix,
) -> Option<Band> {
    let written = f.string(sink, "fail_band")?;
    let found = matrix.find(&written.value);
    if found.is_none() {
        let whose = match matrix.preset {
            Some(preset) => format!("a band of the {} matrix", preset.name()),
            None => "one of [matrix] `bands`".to_string(),
        };
        sink.push(unknown_band(
            &written.value,
            &whose,
            written.span,
            matrix.names(),
        ));
    }
    found
}

/// `word` is not `whose` (`one of `bands``): not one of `names`.
fn unknown_band<'n>(
    word: &str,
    whose: &str,
    at: crate::source::Span,
    names: impl Iterator<Item = &'n str> + Clone,
) -> Diagnostic {
    Diagnostic::new(
        Code::UnknownBand,
        format!("`{}` is not {whose}", clip(word)),
    )
    .at(at, "unknown band")
    .help(band_help(word, names))
}

/// `did you mean `high`? the bands are: low, medium, high, critical`: the
/// help for a word that is not one of `names`, a matrix's bands.
pub fn band_help<'n>(word: &str, names: impl Iterator<Item = &'n str> + Clone) -> String {
    let all = names.clone().collect::<Vec<_>>().join(", ");
    match did_you_mean(word, names) {
        Some(best) => format!("did you mean `{best}`? the bands are: {all}"),
        None => format!("the bands are: {all}"),
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use crate::diag::Code;
    use crate::policy::{Policy, from_text};
    use crate::scale::Level;
    use crate::source::Sources;

    use super::*;

    const OWN: &str = r#"
fail_band = "red"

[matrix]
bands = ["yellow", "amber", "red"]
cells = [
  ["yellow", "amber",  "amber", "red",   "red"],
  ["yellow", "yellow", "amber", "red",   "red"],
  ["yellow", "yellow", "amber", "red",   "red"],
  ["yellow", "yellow", "amber", "amber", "amber"],
  ["yellow", "yellow", "yellow", "amber", "amber"],
]
"#;

    fn read(text: &str) -> (Policy, Vec<Code>) {
        let mut sources = Sources::default();
        let mut diagnostics = Vec::new();
        let policy = from_text(
            PathBuf::from("opx.toml"),
            text.to_string(),
            &mut sources,
            &mut diagnostics,
        );
        (policy, diagnostics.iter().map(|d| d.code).collect())
    }

    fn band(policy: &Policy, l: u8, i: u8) -> &'static str {
        let level = |n| Level::new(n).unwrap();
        policy.matrix.band(level(l), level(i)).name()
    }

    #[test]
    fn a_preset_or_nothing_gives_a_shipped_matrix() {
        let (policy, codes) = read("[matrix]\npreset = \"nist-800-30\"\n");
        assert!(codes.is_empty(), "{codes:?}");
        assert_eq!(policy.matrix, Preset::Nist80030.matrix());
        assert_eq!(read("").0.matrix, Preset::Opx.matrix());
        assert_eq!(read("[matrix]\n").0.matrix, Preset::Opx.matrix());
    }

    #[test]
    fn the_teams_own_cells_are_read_top_row_first() {
        let (policy, codes) = read(OWN);
        assert!(codes.is_empty(), "{codes:?}");
        // The first row written is likelihood 5; the first column impact 1.
        assert_eq!(band(&policy, 5, 1), "yellow");
        assert_eq!(band(&policy, 5, 2), "amber");
        assert_eq!(band(&policy, 3, 4), "red");
        assert_eq!(band(&policy, 1, 5), "amber");
        assert_eq!(policy.fail_band.map(|b| b.name()), Some("red"));
        assert_eq!(policy.matrix.preset, None);
    }

    #[test]
    fn every_problem_of_a_matrix_is_found_and_the_default_kept() {
        let cases: [(&str, &[Code]); 10] = [
            (
                "[matrix]\npreset = \"opx\"\nbands = [\"a\"]\ncells = []\n",
                &[Code::InvalidMatrix],
            ),
            (
                "[matrix]\nbands = []\ncells = []\n",
                &[Code::InvalidMatrix, Code::InvalidMatrix],
            ),
            (
                "[matrix]\nbands = [\"a\", \"a\"]\ncells = [[\"a\",\"a\",\"a\",\"a\",\"a\"]]\n",
                &[Code::InvalidMatrix, Code::InvalidMatrix],
            ),
            (
                "[matrix]\nbands = [\"a\", \"c\"]\ncells = [[\"a\"],[\"a\"],[\"a\"],[\"a\"],[\"b\",\"a\",\"a\",\"a\",\"a\"]]\n",
                &[
                    Code::InvalidMatrix,
                    Code::InvalidMatrix,
                    Code::InvalidMatrix,
                    Code::InvalidMatrix,
                    Code::UnknownBand,
                ],
            ),
            (
                "[matrix]\ncells = []\n",
                &[Code::MissingKey, Code::InvalidMatrix],
            ),
            (
                "[matrix]\nbands = [\"ok\", \"\\u001b[31mred\", \" padded\"]\n",
                &[Code::MissingKey, Code::InvalidMatrix, Code::InvalidMatrix],
            ),
            ("fail_band = \"severe\"\n", &[Code::UnknownBand]),
            // One band tells no risks apart.
            (
                "[matrix]\nbands = [\"all\"]\ncells = [[\"all\",\"all\",\"all\",\"all\",\"all\"],[\"all\",\"all\",\"all\",\"all\",\"all\"],[\"all\",\"all\",\"all\",\"all\",\"all\"],[\"all\",\"all\",\"all\",\"all\",\"all\"],[\"all\",\"all\",\"all\",\"all\",\"all\"]]\n",
                &[Code::InvalidMatrix],
            ),
            // A matrix that cannot be read: its fail_band is not judged
            // against the default one.
            (
                "fail_band = \"red\"\n[matrix]\nbands = [\"green\", \"red\"]\ncells = []\n",
                &[Code::InvalidMatrix],
            ),
            ("[matrix]\npreset = \"iso\"\n", &[Code::InvalidValue]),
        ];
        let many: Vec<String> = (0..=MAX_BANDS).map(|n| format!("\"b{n}\"")).collect();
        let many = format!("[matrix]\nbands = [{}]\n", many.join(", "));
        let cases = cases
            .into_iter()
            .chain([(many.as_str(), &[Code::MissingKey, Code::InvalidMatrix][..])]);
        for (text, expected) in cases {
            let (policy, codes) = read(text);
            assert_eq!(codes, expected, "{text}");
            assert_eq!(policy.matrix, Preset::Opx.matrix(), "{text}");
            assert_eq!(policy.fail_band, None, "{text}");
        }
    }

    #[test]
    fn a_matrix_that_bands_fewer_cells_high_loosens_the_policy() {
        let (own, _) = read(OWN);
        let opx = Policy::default();
        // Adding a fail_band tightens, and every cell opx reads as high or
        // critical (a product of 10 or more) the own matrix reads as amber
        // or red, its two highest bands.
        assert!(own.loosened_from(&opx).is_empty());
        // Table I-2 reads 5 of opx's 10 such cells as moderate or lower.
        let (nist, _) = read("fail_band = \"very-high\"\n[matrix]\npreset = \"nist-800-30\"\n");
        let mut before = Policy::default();
        before.fail_band = before.matrix.find("high");
        assert_eq!(
            nist.loosened_from(&before),
            [
                "fail_band high → very-high",
                "matrix opx → nist-800-30: 5 cells no longer high or critical"
            ]
        );
        assert!(before.loosened_from(&nist).is_empty());
        let mut unset = own.clone();
        unset.fail_band = None;
        assert_eq!(unset.loosened_from(&own), ["fail_band red → unset"]);
    }
}
