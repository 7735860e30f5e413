//! A small document model for the reports that are read as documents
//! (`assess`, `plan`, `review`, `diff`, `show`): headings, text, lists and
//! tables, rendered either as GitHub-flavoured Markdown or for a terminal.
//! Each command builds its document once; the two renderers never disagree
//! on content.
//!
//! For a terminal, text and list items wrap at spaces to the width, and a
//! table is laid out like `opx rank`'s list: it fits the width by
//! leaving out the columns that yield to its free text, then shortening
//! its free-text columns with `…`, then by leaving out the columns it may
//! do without (and says so); a word, an id, a date or a
//! number is never split. A table's detail column (a long "why") is
//! written for a terminal as wrapped lines under its row, whole. A table
//! that cannot fit as columns, its free text at its least readable width
//! and every id within the line, is written as a block per row instead:
//! no line runs past the width but a word wider than all of it.

use std::io::{self, Write};

use anstyle::Style;

use super::columns::{Align, Cell, Column, Layout, one_line, text_width};
use super::{markdown, paint};
use crate::visible::log_safe;
use unicode_width::UnicodeWidthChar;

#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A heading, level 1 to 3.
    Heading(u8, String),
    Text(String),
    List(Vec<String>),
    Table {
        header: Vec<&'static str>,
        /// The columns that hold free text and may be shortened to fit.
        text: Vec<&'static str>,
        /// The columns a terminal may leave out, the first first.
        optional: Vec<&'static str>,
        /// The columns a terminal leaves out, the first first, before it
        /// shortens any free text: what they say matters less than the
        /// whole of the text (an owner or a commit hash beside what is
        /// to be done).
        yielding: Vec<&'static str>,
        /// The columns that hold ids: never shortened, an id too wide for
        /// its column is written on a line of its own instead.
        ids: Vec<&'static str>,
        /// The column a terminal writes under each row, wrapped, rather
        /// than beside it.
        detail: Option<&'static str>,
        rows: Vec<Vec<String>>,
    },
}

#[derive(Debug, Default)]
pub struct Doc {
    blocks: Vec<Block>,
}

impl Doc {
    pub fn heading(&mut self, level: u8, text: impl Into<String>) {
        self.blocks.push(Block::Heading(level, text.into()));
    }

    pub fn text(&mut self, text: impl Into<String>) {
        self.blocks.push(Block::Text(text.into()));
    }

    pub fn list(&mut self, items: Vec<String>) {
        self.blocks.push(Block::List(items));
    }

    /// A table whose `text` columns hold free text (titles, descriptions),
    /// which a terminal may shorten; every other column is kept whole.
    pub fn table(
        &mut self,
        header: Vec<&'static str>,
        text: &[&'static str],
        rows: Vec<Vec<String>>,
    ) {
        self.blocks.push(Block::Table {
            header,
            text: text.to_vec(),
            optional: Vec::new(),
            yielding: Vec::new(),
            ids: Vec::new(),
            detail: None,
            rows,
        });
    }

    /// Lets a terminal leave out these columns of the last table, the
    /// first first, when it cannot fit them.
    pub fn optional(&mut self, columns: &[&'static str]) {
        if let Some(Block::Table { optional, .. }) = self.blocks.last_mut() {
            optional.extend_from_slice(columns);
        }
    }

    /// Lets a terminal leave out these columns of the last table, the
    /// first first, before it shortens any of its free text.
    pub fn yields(&mut self, columns: &[&'static str]) {
        if let Some(Block::Table { yielding, .. }) = self.blocks.last_mut() {
            yielding.extend_from_slice(columns);
        }
    }

    /// Marks these columns of the last table as holding ids: a terminal
    /// that cannot fit one beside the rest of its row writes it whole,
    /// the row going on below.
    pub fn ids(&mut self, columns: &[&'static str]) {
        if let Some(Block::Table { ids, .. }) = self.blocks.last_mut() {
            ids.extend_from_slice(columns);
        }
    }

    /// Has a terminal write this column of the last table as wrapped
    /// lines under each row: text too long to shorten, read in full.
    pub fn detail(&mut self, column: &'static str) {
        if let Some(Block::Table { detail, .. }) = self.blocks.last_mut() {
            *detail = Some(column);
        }
    }

    /// Writes Markdown, every piece of text escaped so that nothing a
    /// person wrote in the register turns into markup.
    pub fn write_markdown(&self, out: &mut dyn Write) -> io::Result<()> {
        log_safe(out, |out| out.write_all(self.markdown().as_bytes()))
    }

    /// Writes plain text fitted to `width` columns, with tables drawn for a
    /// terminal; headings are bold on a colour terminal.
    pub fn write_terminal(
        &self,
        out: &mut dyn Write,
        width: usize,
        colour: bool,
    ) -> io::Result<()> {
        log_safe(out, |out| {
            out.write_all(self.terminal(width, colour).as_bytes())
        })
    }

    fn markdown(&self) -> String {
        let mut out = String::new();
        for block in &self.blocks {
            match block {
                Block::Heading(level, text) => {
                    out.push_str(&format!(
                        "{} {}\n\n",
                        "#".repeat(usize::from(*level)),
                        markdown::cell(text)
                    ));
                }
                Block::Text(text) => out.push_str(&format!("{}\n\n", markdown::cell(text))),
                Block::List(items) => {
                    for item in items {
                        out.push_str(&format!("- {}\n", markdown::cell(item)));
                    }
                    out.push('\n');
                }
                Block::Table { header, rows, .. } => {
                    let mut table = Vec::new();
                    markdown::write_table(&mut table, header, rows)
                        .expect("writing to memory cannot fail");
                    out.push_str(&String::from_utf8_lossy(&table));
                    out.push('\n');
                }
            }
        }
        out.truncate(out.trim_end().len());
        out.push('\n');
        out
    }

    fn terminal(&self, width: usize, colour: bool) -> String {
        let mut out = String::new();
        let mut last_note: Option<String> = None;
        for block in &self.blocks {
            match block {
                Block::Heading(level, text) => {
                    let style = if *level == 1 {
                        Style::new().bold().underline()
                    } else {
                        Style::new().bold()
                    };
                    for line in wrap(text, width, "", "") {
                        out.push_str(&paint(&line, style, colour));
                        out.push('\n');
                    }
                    out.push('\n');
                }
                Block::Text(text) => {
                    for line in wrap(text, width, "", "") {
                        out.push_str(&line);
                        out.push('\n');
                    }
                    out.push('\n');
                }
                Block::List(items) => {
                    for item in items {
                        for line in wrap(item, width, "  • ", "    ") {
                            out.push_str(&line);
                            out.push('\n');
                        }
                    }
                    out.push('\n');
                }
                Block::Table {
                    header,
                    text,
                    optional,
                    yielding,
                    ids,
                    detail,
                    rows,
                } => {
                    let shape = Shape {
                        header,
                        text,
                        optional,
                        yielding,
                        ids,
                        detail: *detail,
                    };
                    let (text, note) = table(&shape, rows, width, colour);
                    out.push_str(&text);
                    // Tables of one shape in a row (a plan's weeks) say it once.
                    if note.is_some() && note != last_note {
                        let note = note.as_deref().unwrap_or_default();
                        out.push_str(&paint(note, Style::new().dimmed(), colour));
                        out.push('\n');
                    }
                    last_note = note;
                    out.push('\n');
                }
            }
        }
        out.truncate(out.trim_end().len());
        out.push('\n');
        out
    }
}

/// A table's columns and what a terminal may do with them.
struct Shape<'a> {
    header: &'a [&'static str],
    text: &'a [&'static str],
    optional: &'a [&'static str],
    yielding: &'a [&'static str],
    ids: &'a [&'static str],
    detail: Option<&'static str>,
}

/// A table laid out for a terminal `width` columns wide, and the note
/// naming the columns it left out, if any.
fn table(
    shape: &Shape<'_>,
    rows: &[Vec<String>],
    width: usize,
    colour: bool,
) -> (String, Option<String>) {
    let Shape {
        header,
        text,
        optional,
        yielding,
        ids,
        detail,
    } = *shape;
    let detail = detail.and_then(|d| header.iter().position(|&h| h == d));
    let beside = |i: &usize| Some(*i) != detail;
    let columns: Vec<Column> = header
        .iter()
        .enumerate()
        .filter(|(i, _)| beside(i))
        .map(|(_, &name)| {
            let mut column = if text.contains(&name) {
                Column::text(name)
            } else {
                Column::fixed(name, Align::Left)
            };
            if let Some(order) = optional.iter().position(|&o| o == name) {
                column = column.drops(u8::try_from(order).unwrap_or(u8::MAX));
            }
            if let Some(order) = yielding.iter().position(|&o| o == name) {
                column = column.yields(u8::try_from(order).unwrap_or(u8::MAX));
            }
            if ids.contains(&name) {
                column = column.spills_to(0);
            }
            column
        })
        .collect();
    let cells: Vec<Vec<Cell<'_>>> = rows
        .iter()
        .map(|row| {
            row.iter()
                .enumerate()
                .filter(|(i, _)| beside(i))
                .map(|(_, c)| Cell::new(c.as_str()))
                .collect()
        })
        .collect();
    let mut layout = Layout::new(&columns, colour);
    for row in &cells {
        layout.measure(row);
    }
    layout.fit(width);
    if !layout.fits_whole(width) {
        return (stacked(header, rows, width, colour), None);
    }
    let mut out = Vec::new();
    let written: io::Result<()> = (|| {
        layout.write_header(&mut out)?;
        let pad = " ".repeat(layout.indent());
        for (row, text) in cells.iter().zip(rows) {
            layout.write_row(&mut out, row)?;
            if let Some(text) = detail.and_then(|d| text.get(d)).filter(|t| !t.is_empty()) {
                for line in wrap(text, width, &pad, &pad) {
                    writeln!(out, "{line}")?;
                }
            }
        }
        Ok(())
    })();
    written.expect("writing to memory cannot fail");
    let left_out = layout.left_out();
    let note = (!left_out.is_empty()).then(|| format!("hidden to fit: {}", left_out.join(", ")));
    (String::from_utf8_lossy(&out).into_owned(), note)
}

/// A table too wide for its columns, each row as a block: its first cell
/// as a heading, each other cell under it as `column: text`, wrapped with
/// a hanging indent, an empty one left out. It fits any width an id
/// fits, and hides nothing.
fn stacked(header: &[&'static str], rows: &[Vec<String>], width: usize, colour: bool) -> String {
    let mut out = String::new();
    for (n, row) in rows.iter().enumerate() {
        if n > 0 {
            out.push('\n');
        }
        let mut cells = header.iter().zip(row);
        if let Some((_, first)) = cells.next() {
            for line in wrap(first, width, "", "  ") {
                out.push_str(&paint(&line, Style::new().bold(), colour));
                out.push('\n');
            }
        }
        // A cell with nothing to say (`-`) says it by its absence here.
        for (name, text) in cells.filter(|(_, text)| !text.is_empty() && *text != "-") {
            let text = format!("{name}: {}", text);
            for line in wrap(&text, width, "  ", "    ") {
                out.push_str(&line);
                out.push('\n');
            }
        }
    }
    out
}

/// The words of `text`, with a change `a → b` kept as one: a reader
/// should never find the arrow at the end of one line and the new value
/// at the start of the next. A chain `a → b → c` (an escalation path)
/// may break before each later arrow.
fn unbroken(text: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        match words.last_mut() {
            Some(last) if last.ends_with('→') || (word == "→" && !last.contains('→')) => {
                last.push(' ');
                last.push_str(word);
            }
            _ => words.push(word.to_string()),
        }
    }
    words
}

/// `text` in lines of at most `width` columns, broken at spaces; the
/// first line starts with `first`, the others with `rest`. A word is
/// never split or shortened: one longer than a line (a URL) has a line of
/// its own and runs past the width, and a change `a → b` stays on one
/// line. Text in a script written without spaces (Chinese, Japanese)
/// breaks between its wide characters instead.
pub fn wrap(text: &str, width: usize, first: &str, rest: &str) -> Vec<String> {
    let text = one_line(text);
    let mut lines = Vec::new();
    let mut line = first.to_string();
    let mut empty = true;
    for word in &unbroken(&text) {
        let word = word.as_str();
        let space = usize::from(!empty);
        if text_width(&line) + space + text_width(word) <= width {
            if !empty {
                line.push(' ');
            }
            line.push_str(word);
            empty = false;
            continue;
        }
        let breakable = word.chars().any(|c| c.width() == Some(2));
        if !breakable {
            if !empty {
                // A word that fits the width but not after the indent
                // starts further left: it ends at the edge.
                let room = width.saturating_sub(text_width(word));
                let indent = if text_width(rest) > room {
                    " ".repeat(room)
                } else {
                    rest.to_string()
                };
                lines.push(std::mem::replace(&mut line, indent));
            }
            line.push_str(word);
            empty = false;
            continue;
        }
        // The space before the word only where its first character fits
        // after it: a line never ends in a space past the width.
        for (i, c) in word.chars().enumerate() {
            let space = usize::from(i == 0 && !empty);
            if !empty && text_width(&line) + space + c.width().unwrap_or(0) > width {
                lines.push(std::mem::replace(&mut line, rest.to_string()));
            } else if space == 1 {
                line.push(' ');
            }
            line.push(c);
            empty = false;
        }
    }
    if !empty || lines.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A trend-like table: a hash that yields, free text, an id.
    fn laid_out(width: usize) -> String {
        let mut doc = Doc::default();
        doc.table(
            vec!["commit", "risk", "change"],
            &["change"],
            vec![
                vec![
                    "d9e32edfeb67".to_string(),
                    "a-rather-long-risk-id".to_string(),
                    "Register format v1, scoring, owners".to_string(),
                ],
                vec![
                    "38fb1530b6d8".to_string(),
                    "db".to_string(),
                    "Error budgets".to_string(),
                ],
            ],
        );
        doc.yields(&["commit"]);
        doc.ids(&["risk"]);
        let mut out = Vec::new();
        doc.write_terminal(&mut out, width, false).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn a_column_that_yields_goes_before_any_text_is_shortened() {
        let text = laid_out(60);
        assert!(!text.contains("d9e32edfeb67"), "{text}");
        assert!(
            text.contains("Register format v1, scoring, owners"),
            "{text}"
        );
        assert!(text.contains("hidden to fit: commit"), "{text}");
        assert!(laid_out(80).contains("d9e32edfeb67"));
    }

    #[test]
    fn an_id_too_wide_for_its_column_is_written_whole_on_its_own_line() {
        let text = laid_out(30);
        assert_eq!(
            text,
            "risk  change\n\
             a-rather-long-risk-id\n\
             \x20     Register format v1, sco…\n\
             db    Error budgets\n\
             hidden to fit: commit\n"
        );
    }

    #[test]
    fn a_table_too_wide_for_its_columns_is_written_a_block_per_row() {
        let text = laid_out(24);
        assert_eq!(
            text,
            "d9e32edfeb67\n\
             \x20 risk:\n\
             \x20  a-rather-long-risk-id\n\
             \x20 change: Register\n\
             \x20   format v1, scoring,\n\
             \x20   owners\n\
             \n\
             38fb1530b6d8\n\
             \x20 risk: db\n\
             \x20 change: Error budgets\n"
        );
    }

    #[test]
    fn a_change_stays_on_one_line() {
        assert_eq!(
            wrap("accepted 1 → 2, high 3 → 4", 12, "", ""),
            ["accepted", "1 → 2, high", "3 → 4"]
        );
        assert_eq!(wrap("→ 1 →", 80, "", ""), ["→ 1 →"]);
        assert_eq!(
            wrap("alice → bob → carol → dave", 12, "", ""),
            ["alice → bob", "→ carol", "→ dave"]
        );
    }

    #[test]
    fn text_wraps_at_spaces_and_never_splits_a_word() {
        assert_eq!(
            wrap("one two three four", 9, "", ""),
            ["one two", "three", "four"]
        );
        assert_eq!(
            wrap("a list item that wraps", 12, "  • ", "    "),
            ["  • a list", "    item", "    that", "    wraps"]
        );
        assert_eq!(wrap("", 10, "  • ", "    "), ["  • "]);
    }

    #[test]
    fn a_long_word_keeps_a_line_of_its_own_and_wide_script_breaks_between_characters() {
        assert_eq!(
            wrap("see https://wiki.example/a/long/path now", 12, "", ""),
            ["see", "https://wiki.example/a/long/path", "now"]
        );
        assert_eq!(
            wrap("日本語のタイトル", 6, "", ""),
            ["日本語", "のタイ", "トル"]
        );
        assert_eq!(wrap("ok 日本語の", 7, "", ""), ["ok 日本", "語の"]);
    }
}
