//! `opx review --mark`: records a review in the register files, and
//! changes nothing else.
//!
//! A risk's `reviewed` value is replaced, or a `reviewed = <today>` line is
//! added after its `id` line, by splicing the original bytes: comments,
//! blank lines, key order, quoting, CRLF line endings, a byte-order mark
//! and a missing final newline all stay as they were. Each edited file is
//! read back through the validator before anything is written; the files
//! are locked, written atomically, and only if none changed on disk since
//! opx read them (see `crate::rewrite`).

use std::collections::BTreeMap;
use std::ops::Range;

use jiff::civil::Date;

use crate::register::model::Risk;
use crate::register::{self, Loaded};
use crate::rewrite::{changed, line_after, splice};
use crate::source::{FileId, display_path};

pub use crate::rewrite::{EditError as MarkError, LOCK_WAIT};

/// A review that was recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Marked {
    /// `system/risk`.
    pub risk: String,
    /// The file that holds it.
    pub file: String,
    pub change: Change,
}

/// What recording a review did to a risk's `reviewed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// The key was added after the risk's `id`.
    Added,
    /// Its date was replaced.
    Updated,
    /// It already said today: nothing was written.
    Unchanged,
}

impl Change {
    pub fn name(self) -> &'static str {
        match self {
            Change::Added => "added",
            Change::Updated => "updated",
            Change::Unchanged => "unchanged",
        }
    }
}

/// Records `today` as the review date of each risk named in `ids` (`risk`
/// or `system/risk`); every id must name exactly one risk.
pub fn mark(loaded: &Loaded, ids: &[String], today: Date) -> Result<Vec<Marked>, MarkError> {
    let mut chosen: Vec<&Risk> = Vec::new();
    for id in ids {
        let risk = resolve(loaded, id)?;
        if !chosen.iter().any(|r| std::ptr::eq(*r, risk)) {
            chosen.push(risk);
        }
    }
    let mut by_file: BTreeMap<FileId, Vec<&Risk>> = BTreeMap::new();
    let mut marked = Vec::new();
    for risk in chosen {
        // Reviewed today already: its file is left as it is.
        if risk.reviewed.is_some_and(|r| r.value == today) {
            marked.push(Marked {
                risk: risk.name(),
                file: display_path(loaded.sources.path(risk.id.span.file)),
                change: Change::Unchanged,
            });
            continue;
        }
        by_file.entry(risk.id.span.file).or_default().push(risk);
    }

    let files: Vec<FileId> = by_file.keys().copied().collect();
    crate::rewrite::rewrite(&loaded.sources, &files, "the review", |file, path, text| {
        let risks = &by_file[&file];
        // The file as it is now: its risks, and where their keys are.
        let mut diagnostics = Vec::new();
        let now = register::reread(text, &mut diagnostics);
        let fresh: Vec<&Risk> = risks
            .iter()
            .map(|r| {
                now.iter()
                    .find(|n| n.system == r.system && n.id.value == r.id.value)
            })
            .collect::<Option<_>>()
            .ok_or_else(|| changed(path))?;
        let (edited, mut done) = edit(text, risks, &fresh, today);
        done.iter_mut().for_each(|m| m.file = display_path(path));
        verify(path, &edited, &fresh, today)?;
        marked.append(&mut done);
        Ok(edited)
    })?;
    Ok(marked)
}

/// The one risk `id` names: `system/risk`, or a risk id unique across systems.
fn resolve<'a>(loaded: &'a Loaded, id: &str) -> Result<&'a Risk, MarkError> {
    let register = &loaded.register;
    register
        .find_risk(id)
        .map(|i| &register.risks[i])
        .map_err(|e| {
            // `--mark` takes every value after it, so a path written last
            // arrives here as an id.
            let help = if id.ends_with(".toml") || std::path::Path::new(id).is_dir() {
                format!(
                    "`{id}` is a path: write paths before --mark (opx review {id} --mark ID...)"
                )
            } else {
                e.help
            };
            MarkError::new(format!("{}; no file was changed", e.message), help)
        })
}

/// Applies the review date in `text` to `risks` (as the register names
/// them), found in the file as it is now (`fresh`, in the same order);
/// returns the new text and what was marked.
fn edit(text: &str, risks: &[&Risk], fresh: &[&Risk], today: Date) -> (String, Vec<Marked>) {
    let mut edits: Vec<(Range<usize>, String)> = Vec::new();
    let mut marked = Vec::new();
    for (named, risk) in risks.iter().zip(fresh) {
        let change = match &risk.reviewed {
            Some(reviewed) => {
                edits.push((reviewed.span.range(), today.to_string()));
                Change::Updated
            }
            None => {
                // A new line after the `id` line, indented like it.
                let id = risk.id.span.range();
                edits.push(line_after(text, id.end, &format!("reviewed = {today}")));
                Change::Added
            }
        };
        marked.push(Marked {
            risk: named.name(),
            file: String::new(),
            change,
        });
    }
    (splice(text, edits), marked)
}

/// Reads the edited text back through the validator: it must still be a
/// valid register file whose marked risks now carry today's date.
fn verify(
    path: &std::path::Path,
    edited: &str,
    risks: &[&Risk],
    today: Date,
) -> Result<(), MarkError> {
    let unsafe_edit = || {
        MarkError::new(
            format!(
                "cannot record the review in `{}` without changing more than the date; no file was changed",
                display_path(path)
            ),
            "add `reviewed = <date>` to the risk by hand (it may be written as an inline table)",
        )
    };
    let mut diagnostics = Vec::new();
    let reread = register::reread(edited, &mut diagnostics);
    if diagnostics
        .iter()
        .any(|d| d.severity == crate::diag::Severity::Error)
    {
        return Err(unsafe_edit());
    }
    for risk in risks {
        let ok = reread.iter().any(|r| {
            r.system == risk.system
                && r.id.value == risk.id.value
                && r.reviewed.map(|d| d.value) == Some(today)
        });
        if !ok {
            return Err(unsafe_edit());
        }
    }
    Ok(())
}
