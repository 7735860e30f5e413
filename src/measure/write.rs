//! `opx measure --write`: records what was measured in the register files,
//! and changes nothing else.
//!
//! In each measured system's `[system.baseline]`, each measured key's
//! value is replaced (or a line added after the table's last key) and
//! `measured = <day>` set; a file whose system has no `[system.baseline]`
//! gets the table, just above its `[system.measure]`. A detect action
//! whose alert fired after its `exercised` gets that day as `exercised`
//! (the value replaced, or a line added after its `signal`). The original
//! bytes are spliced: comments, key order, quoting, CRLF line endings and
//! a byte-order mark stay as they were. Each new text is read back through
//! the validator and must hold exactly the recorded values before
//! anything is written; locking and the atomic write are
//! [`crate::rewrite`]'s.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;

use jiff::civil::Date;
use toml::de::{DeTable, DeValue};

use super::Measurement;
use crate::register::{self, Loaded};
use crate::rewrite::{EditError, line_after, line_end, line_ending, line_start, splice};
use crate::source::{FileId, display_path};

/// What was written into one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    pub file: String,
    /// `checkout: availability = "99.8%"`, `checkout/backup-loss/backup-alert: exercised = 2026-11-20`.
    pub changes: Vec<String>,
}

/// One file's edits: the system's baseline values, and actions' days.
#[derive(Debug, Default)]
struct FileEdits {
    /// The system's id and its `(key, TOML value)` pairs, `measured` last.
    baseline: Option<(String, Vec<(&'static str, String)>)>,
    /// `(system, risk id, action index, label, day, the action's signal)`.
    exercised: Vec<(String, String, usize, String, Date, String)>,
}

/// Records `measurement` in the files of `loaded`. Writes nothing unless
/// every query succeeded (the caller checks [`Measurement::complete`]).
pub fn record(loaded: &Loaded, measurement: &Measurement) -> Result<Vec<Recorded>, EditError> {
    let register = &loaded.register;
    let mut by_file: BTreeMap<FileId, FileEdits> = BTreeMap::new();
    for system in &register.systems {
        let values: Vec<(&'static str, String)> = measurement
            .readings
            .iter()
            .filter(|r| r.system == system.id)
            .filter_map(|r| r.text.as_ref().map(|t| (r.key, format!("\"{t}\""))))
            .collect();
        if values.is_empty() {
            continue;
        }
        let mut values = values;
        values.push(("measured", measurement.today.to_string()));
        by_file.entry(system.span.file).or_default().baseline = Some((system.id.clone(), values));
    }
    for signal in &measurement.signals {
        let Some(day) = signal.newly_exercised() else {
            continue;
        };
        let risk = &register.risks[signal.at.0];
        by_file
            .entry(risk.id.span.file)
            .or_default()
            .exercised
            .push((
                risk.system.clone(),
                risk.id.value.clone(),
                signal.at.1,
                format!("{}/{}", signal.risk, signal.action),
                day,
                format!("alert:{}", signal.alert),
            ));
    }
    let files: Vec<FileId> = by_file.keys().copied().collect();
    let mut recorded = Vec::new();
    crate::rewrite::rewrite(
        &loaded.sources,
        &files,
        "the measurements",
        |file, path, text| {
            let edits = &by_file[&file];
            let (edited, changes) = edit(path, text, edits)?;
            verify(path, &edited, edits)?;
            recorded.push(Recorded {
                file: display_path(path),
                changes,
            });
            Ok(edited)
        },
    )?;
    Ok(recorded)
}

fn cannot(path: &Path, why: &str) -> EditError {
    EditError::new(
        format!(
            "cannot record the measurements in `{}`: {why}; no file was changed",
            display_path(path)
        ),
        "write [system.baseline] and each [[risk.action]] as tables with headers, then run again",
    )
}

/// The new text of one file, and what changed.
fn edit(path: &Path, text: &str, edits: &FileEdits) -> Result<(String, Vec<String>), EditError> {
    let eol = line_ending(text);
    let root = DeTable::parse(text)
        .map_err(|_| crate::rewrite::changed(path))?
        .into_inner();
    let mut splices: Vec<(Range<usize>, String)> = Vec::new();
    let mut changes = Vec::new();
    if let Some((system, values)) = &edits.baseline {
        let system_table = table(&root, "system").ok_or_else(|| crate::rewrite::changed(path))?;
        match system_table.get("baseline") {
            Some(baseline) => {
                let DeValue::Table(baseline_table) = baseline.get_ref() else {
                    return Err(cannot(path, "[system.baseline] is not a table"));
                };
                let header = header_line(text, "system.baseline")
                    .ok_or_else(|| cannot(path, "[system.baseline] has no header of its own"))?;
                // New keys go after the table's last line of its own.
                let last = baseline_table
                    .iter()
                    .map(|(_, v)| v.span().end)
                    .max()
                    .unwrap_or(header.end);
                let at = line_end(text, last);
                let mut added = String::new();
                for (key, value) in values {
                    match baseline_table.get(*key) {
                        Some(old) => splices.push((old.span(), value.clone())),
                        None => added.push_str(&format!("{eol}{key} = {value}")),
                    }
                    changes.push(format!("{system}: {key} = {value}"));
                }
                if !added.is_empty() {
                    splices.push((at..at, added));
                }
            }
            None => {
                let mut block = format!("[system.baseline]{eol}");
                for (key, value) in values {
                    block.push_str(&format!("{key} = {value}{eol}"));
                    changes.push(format!("{system}: {key} = {value}"));
                }
                match header_line(text, "system.measure") {
                    Some(measure) => {
                        // Above the comment lines that lead into the
                        // measure table: they stay with it.
                        let at = comments_above(text, measure.start);
                        block.push_str(eol);
                        splices.push((at..at, block));
                    }
                    None => {
                        let lead = if text.is_empty() || text.ends_with('\n') {
                            eol.to_string()
                        } else {
                            format!("{eol}{eol}")
                        };
                        splices.push((text.len()..text.len(), format!("{lead}{block}")));
                    }
                }
            }
        }
    }
    for (system, risk_id, index, label, day, signal) in &edits.exercised {
        // The action as the file holds it now, under the lock: the same
        // place must still hold the same alert, or the file changed.
        let action = find_action(&root, system, risk_id, *index)
            .filter(|a| {
                a.get("signal")
                    .and_then(|s| s.get_ref().as_str())
                    .is_some_and(|s| s.trim() == signal)
            })
            .ok_or_else(|| crate::rewrite::changed(path))?;
        let now = action.get("exercised").map(|old| {
            let newer = match old.get_ref() {
                DeValue::Datetime(dt) => dt.date.is_some_and(|d| {
                    (i32::from(d.year), d.month, d.day)
                        >= (i32::from(day.year()), day.month() as u8, day.day() as u8)
                }),
                _ => false,
            };
            (old.span(), newer)
        });
        match now {
            // Set to this day or later meanwhile: an exercise only moves on.
            Some((_, true)) => continue,
            Some((span, false)) => splices.push((span, day.to_string())),
            None => {
                let signal = action
                    .get("signal")
                    .ok_or_else(|| crate::rewrite::changed(path))?;
                splices.push(line_after(
                    text,
                    signal.span().end,
                    &format!("exercised = {day}"),
                ));
            }
        }
        changes.push(format!("{label}: exercised = {day}"));
    }
    Ok((splice(text, splices), changes))
}

/// A sub-table of `root`.
fn table<'a, 'i>(root: &'a DeTable<'i>, key: &str) -> Option<&'a DeTable<'i>> {
    match root.get(key)?.get_ref() {
        DeValue::Table(t) => Some(t),
        _ => None,
    }
}

/// The action at `index` of risk `risk_id` of `system` in this file.
fn find_action<'a, 'i>(
    root: &'a DeTable<'i>,
    system: &str,
    risk_id: &str,
    index: usize,
) -> Option<&'a DeTable<'i>> {
    let file_system = table(root, "system")
        .and_then(|s| s.get("id"))
        .and_then(|id| id.get_ref().as_str().map(str::to_string));
    let DeValue::Array(risks) = root.get("risk")?.get_ref() else {
        return None;
    };
    let risk = risks.iter().find_map(|risk| {
        let DeValue::Table(risk) = risk.get_ref() else {
            return None;
        };
        let id = risk.get("id")?.get_ref().as_str()?;
        let named = risk
            .get("system")
            .and_then(|s| s.get_ref().as_str().map(str::to_string))
            .or_else(|| file_system.clone());
        (id == risk_id && named.as_deref() == Some(system)).then_some(risk)
    })?;
    let DeValue::Array(actions) = risk.get("action")?.get_ref() else {
        return None;
    };
    match actions.get(index)?.get_ref() {
        DeValue::Table(action) => Some(action),
        _ => None,
    }
}

/// The byte range of the line `[NAME]` (a table header, with optional
/// spaces and a comment), if exactly one line is it.
fn header_line(text: &str, name: &str) -> Option<Range<usize>> {
    let mut found = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let body = line.trim();
        let Some(inner) = body.strip_prefix('[').filter(|b| !b.starts_with('[')) else {
            continue;
        };
        let Some(close) = inner.find(']') else {
            continue;
        };
        let rest = inner[close + 1..].trim();
        let header: String = inner[..close]
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        if header == name && (rest.is_empty() || rest.starts_with('#')) {
            if found.is_some() {
                return None;
            }
            found = Some(start..start + line.trim_end_matches(['\n', '\r']).len());
        }
    }
    found
}

/// Where the comment lines right above the line at `start` begin (`start`
/// itself when there are none).
fn comments_above(text: &str, start: usize) -> usize {
    let mut at = start;
    while at > 0 {
        let above = line_start(text, at - 1);
        if !text[above..at].trim_start().starts_with('#') {
            break;
        }
        at = above;
    }
    at
}

/// Reads the edited text back: it must still be a valid register file
/// that holds exactly what was recorded.
fn verify(path: &Path, edited: &str, edits: &FileEdits) -> Result<(), EditError> {
    let unsafe_edit = || cannot(path, "the edit would change more than the values");
    let mut diagnostics = Vec::new();
    let (system, risks) = register::reread_file(edited, &mut diagnostics);
    if crate::diag::has_errors(&diagnostics) {
        return Err(unsafe_edit());
    }
    if let Some((id, values)) = &edits.baseline {
        let system = system.filter(|s| &s.id == id).ok_or_else(unsafe_edit)?;
        let base = &system.baseline;
        for (key, value) in values {
            let text = value.trim_matches('"');
            let holds = match *key {
                "availability" => {
                    base.availability.map(|p| p.value())
                        == crate::units::parse_percent(text).ok().map(|p| p.value())
                }
                "error_rate" => {
                    base.error_rate.map(|p| p.value())
                        == crate::units::parse_percent(text).ok().map(|p| p.value())
                }
                "latency_p95" => base.latency_p95 == crate::units::parse_latency(text).ok(),
                "throughput" => {
                    base.throughput.map(|r| r.per_second())
                        == crate::units::parse_rate(text).ok().map(|r| r.per_second())
                }
                "measured" => base.measured.map(|d| d.to_string()).as_deref() == Some(text),
                _ => false,
            };
            if !holds {
                return Err(unsafe_edit());
            }
        }
    }
    for (system, risk_id, index, _, day, _) in &edits.exercised {
        // This day, or a later one the file had meanwhile.
        let holds = risks
            .iter()
            .find(|r| &r.system == system && &r.id.value == risk_id)
            .and_then(|r| r.actions.get(*index))
            .and_then(|a| a.exercised)
            .is_some_and(|e| e.value >= *day);
        if !holds {
            return Err(unsafe_edit());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_header_is_found_with_spaces_and_a_comment() {
        let text = "[system]\nid = \"a\"\n[ system . baseline ] # measured\r\nx = 1\n";
        let range = header_line(text, "system.baseline").unwrap();
        assert_eq!(&text[range], "[ system . baseline ] # measured");
        assert_eq!(header_line(text, "system.slo"), None);
        assert_eq!(
            header_line("[[system.baseline]]\n", "system.baseline"),
            None
        );
    }

    fn baseline_edits() -> FileEdits {
        FileEdits {
            baseline: Some((
                "api".into(),
                vec![
                    ("availability", "\"99.8%\"".into()),
                    ("measured", "2026-02-03".into()),
                ],
            )),
            exercised: Vec::new(),
        }
    }

    #[test]
    fn a_missing_baseline_goes_above_the_measure_table() {
        let text =
            "[system]\nid = \"api\"\n\n[system.measure]  # from Prometheus\navailability = 'up'\n";
        let path = Path::new("risks.toml");
        let (edited, changes) = edit(path, text, &baseline_edits()).unwrap();
        assert_eq!(
            edited,
            "[system]\nid = \"api\"\n\n[system.baseline]\navailability = \"99.8%\"\nmeasured = 2026-02-03\n\n[system.measure]  # from Prometheus\navailability = 'up'\n"
        );
        assert_eq!(changes.len(), 2);
        verify(path, &edited, &baseline_edits()).unwrap();
    }

    #[test]
    fn a_comment_above_the_measure_table_stays_with_it() {
        let text = "[system]\nid = \"api\"\n\n# from Prometheus\r\n# (recording rules)\n[system.measure]\navailability = 'up'\n";
        let at = comments_above(text, header_line(text, "system.measure").unwrap().start);
        assert_eq!(
            &text[at..],
            "# from Prometheus\r\n# (recording rules)\n[system.measure]\navailability = 'up'\n"
        );
        assert_eq!(comments_above("[system.measure]\n", 0), 0);
    }

    #[test]
    fn an_inline_baseline_is_left_to_a_person() {
        let text = "[system]\nid = \"api\"\nbaseline = { open_bugs = 3 }\n\n[system.measure]\navailability = 'up'\n";
        let error = edit(Path::new("risks.toml"), text, &baseline_edits()).unwrap_err();
        assert!(
            error.message.contains("has no header of its own"),
            "{error:?}"
        );
    }

    #[test]
    fn a_value_that_does_not_read_back_is_refused() {
        let text = "[system]\nid = \"api\"\n[system.baseline]\navailability = \"99.5%\"\n";
        let wrong = "[system]\nid = \"api\"\n[system.baseline]\navailability = \"99.5%\"\nmeasured = 2026-02-03\n";
        assert!(verify(Path::new("risks.toml"), text, &baseline_edits()).is_err());
        assert!(verify(Path::new("risks.toml"), wrong, &baseline_edits()).is_err());
    }
}
