//! Tables for a terminal, drawn row by row.
//!
//! A [`Grid`] is measured over its rows first, then written one row at a
//! time, so a table of any length costs the memory of one row and time
//! linear in its text. A cell is one line: it is never wrapped and never
//! torn; one that must shrink to fit a width is cut at a character and
//! ends with `…`.

use std::borrow::Cow;
use std::io::{self, Write};

use anstyle::Style;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// How a column's cells sit in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

/// One cell: its text and, on a colour terminal, its style.
#[derive(Debug, Clone)]
pub struct Cell<'a> {
    pub text: Cow<'a, str>,
    pub style: Option<Style>,
}

impl<'a> Cell<'a> {
    pub fn new(text: impl Into<Cow<'a, str>>) -> Self {
        Cell {
            text: text.into(),
            style: None,
        }
    }

    pub fn styled(text: impl Into<Cow<'a, str>>, style: Style) -> Self {
        Cell {
            text: text.into(),
            style: Some(style),
        }
    }
}

/// The columns of a table and their widths.
#[derive(Debug, Clone)]
pub struct Grid {
    header: Vec<String>,
    align: Vec<Align>,
    widths: Vec<usize>,
    colour: bool,
}

impl Grid {
    /// A grid with these headers, every column as wide as its header so far.
    pub fn new(header: &[&str], align: &[Align], colour: bool) -> Grid {
        let header: Vec<String> = header.iter().map(|h| one_line(h).into_owned()).collect();
        Grid {
            widths: header.iter().map(|h| h.width()).collect(),
            align: (0..header.len())
                .map(|i| align.get(i).copied().unwrap_or(Align::Left))
                .collect(),
            header,
            colour,
        }
    }

    /// Widens the columns to hold `row`.
    pub fn measure(&mut self, row: &[Cell<'_>]) {
        for (width, cell) in self.widths.iter_mut().zip(row) {
            *width = (*width).max(text_width(&cell.text));
        }
    }

    /// The width of the whole table, borders included.
    pub fn total_width(&self) -> usize {
        self.widths.iter().sum::<usize>() + 3 * self.widths.len() + 1
    }

    /// Narrows the table to `max` columns of text where it can, taking
    /// from the `flexible` columns (by index), widest first, never below
    /// `min` characters each (nor below their header).
    pub fn fit(&mut self, max: usize, flexible: &[usize], min: usize) {
        while self.total_width() > max {
            let Some(&widest) = flexible
                .iter()
                .filter(|&&i| self.widths[i] > min.max(self.header[i].width()))
                .max_by_key(|&&i| (self.widths[i], std::cmp::Reverse(i)))
            else {
                return;
            };
            self.widths[widest] -= 1;
        }
    }

    /// Writes the top border and the header.
    pub fn write_head(&self, out: &mut dyn Write) -> io::Result<()> {
        self.border(out, '┌', '─', '┬', '┐')?;
        let bold = Style::new().bold();
        let header: Vec<Cell<'_>> = self
            .header
            .iter()
            .map(|h| Cell::styled(h.as_str(), bold))
            .collect();
        self.line(out, &header, &vec![Align::Left; header.len()])?;
        self.border(out, '╞', '═', '╪', '╡')
    }

    pub fn write_row(&self, out: &mut dyn Write, row: &[Cell<'_>]) -> io::Result<()> {
        self.line(out, row, &self.align)
    }

    /// Writes the bottom border.
    pub fn write_foot(&self, out: &mut dyn Write) -> io::Result<()> {
        self.border(out, '└', '─', '┴', '┘')
    }

    /// A whole table: measured over `rows`, then written.
    pub fn write_all(&mut self, out: &mut dyn Write, rows: &[Vec<Cell<'_>>]) -> io::Result<()> {
        for row in rows {
            self.measure(row);
        }
        self.write_head(out)?;
        for row in rows {
            self.write_row(out, row)?;
        }
        self.write_foot(out)
    }

    fn border(
        &self,
        out: &mut dyn Write,
        left: char,
        fill: char,
        joint: char,
        right: char,
    ) -> io::Result<()> {
        let mut text = String::with_capacity(self.total_width() * 3);
        text.push(left);
        for (i, width) in self.widths.iter().enumerate() {
            if i > 0 {
                text.push(joint);
            }
            text.extend(std::iter::repeat_n(fill, width + 2));
        }
        text.push(right);
        writeln!(out, "{text}")
    }

    fn line(&self, out: &mut dyn Write, row: &[Cell<'_>], align: &[Align]) -> io::Result<()> {
        let mut text = String::with_capacity(self.total_width() + 16);
        text.push('│');
        for (i, &width) in self.widths.iter().enumerate() {
            if i > 0 {
                text.push('┆');
            }
            let cell = row.get(i);
            let shown = cell.map_or(Cow::Borrowed(""), |c| shorten(&c.text, width));
            let pad = width - text_width(&shown);
            text.push(' ');
            if align[i] == Align::Right {
                text.extend(std::iter::repeat_n(' ', pad));
            }
            match cell.and_then(|c| c.style).filter(|_| self.colour) {
                Some(style) => text.push_str(&format!("{style}{shown}{style:#}")),
                None => text.push_str(&shown),
            }
            if align[i] == Align::Left {
                text.extend(std::iter::repeat_n(' ', pad));
            }
            text.push(' ');
        }
        text.push('│');
        writeln!(out, "{text}")
    }
}

/// Text on one line of a terminal: line breaks and tabs become spaces,
/// other control characters U+FFFD (no text can move the cursor).
pub fn one_line(text: &str) -> Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| match c {
                '\n' | '\r' | '\t' => ' ',
                c if c.is_control() => '\u{FFFD}',
                c => c,
            })
            .collect(),
    )
}

/// The columns `text` takes in a terminal, once made [`one_line`].
pub fn text_width(text: &str) -> usize {
    text.chars()
        .map(|c| {
            if c.is_control() {
                1
            } else {
                c.width().unwrap_or(0)
            }
        })
        .sum()
}

/// `text` in at most `width` columns: whole when it fits, else cut at a
/// character and ended with `…`. It costs at most `width` characters of
/// work beyond the check, however long the text.
pub fn shorten(text: &str, width: usize) -> Cow<'_, str> {
    let text = one_line(text);
    let mut used = 0;
    for (i, c) in text.char_indices() {
        let w = c.width().unwrap_or(0);
        if used + w > width {
            // Keep room for the ellipsis.
            let mut cut = String::with_capacity(i + 3);
            let mut room = 0;
            for c in text.chars() {
                let w = c.width().unwrap_or(0);
                if room + w + 1 > width {
                    break;
                }
                room += w;
                cut.push(c);
            }
            if width > 0 {
                cut.push('…');
            }
            return Cow::Owned(cut);
        }
        used += w;
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(grid: &mut Grid, rows: &[Vec<Cell<'_>>]) -> String {
        let mut out = Vec::new();
        grid.write_all(&mut out, rows).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn a_table_draws_its_borders_and_aligns_its_cells() {
        let mut grid = Grid::new(&["id", "n"], &[Align::Left, Align::Right], false);
        let text = render(
            &mut grid,
            &[
                vec![Cell::new("a"), Cell::new("10")],
                vec![Cell::new("bcd"), Cell::new("2")],
            ],
        );
        assert_eq!(
            text,
            "┌─────┬────┐\n\
             │ id  ┆ n  │\n\
             ╞═════╪════╡\n\
             │ a   ┆ 10 │\n\
             │ bcd ┆  2 │\n\
             └─────┴────┘\n"
        );
    }

    #[test]
    fn fitting_shortens_flexible_columns_with_an_ellipsis() {
        let mut grid = Grid::new(&["id", "title"], &[], false);
        let rows = vec![vec![
            Cell::new("traffic-spike"),
            Cell::new("Traffic spikes during peak hours"),
        ]];
        for row in &rows {
            grid.measure(row);
        }
        grid.fit(30, &[1], 5);
        let mut out = Vec::new();
        grid.write_head(&mut out).unwrap();
        grid.write_row(&mut out, &rows[0]).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.lines().all(|l| l.chars().count() <= 30), "{text}");
        assert!(text.contains("traffic-spike"), "an id is never cut");
        assert!(text.contains("Traffic s…"), "{text}");
    }

    #[test]
    fn shortening_counts_columns_not_bytes() {
        assert_eq!(shorten("abcdef", 4), "abc…");
        assert_eq!(shorten("abc", 3), "abc");
        assert_eq!(shorten("日本語テキスト", 5), "日本…");
        assert_eq!(shorten("a\nb", 3), "a b");
        assert_eq!(text_width("日本"), 4);
    }

    #[test]
    fn colour_is_written_only_when_asked() {
        let bold = Style::new().bold();
        let mut plain = Grid::new(&["a"], &[], false);
        assert!(!render(&mut plain, &[vec![Cell::styled("x", bold)]]).contains('\x1b'));
        let mut coloured = Grid::new(&["a"], &[], true);
        assert!(render(&mut coloured, &[vec![Cell::styled("x", bold)]]).contains('\x1b'));
    }
}
