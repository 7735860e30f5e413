//! Lists and tables for a terminal, laid out to a width: columns without
//! borders, the way `kubectl get` and `gh` print lists. A cell is one
//! line, measured in the columns it takes (not bytes), and shortened with
//! `…` at a character when it must shrink; laying out a list costs time
//! linear in its text.
//!
//! To fit, a column that yields to the others is left out first; then a
//! column of free text is shortened (its cells end with `…`) to a width
//! that reads comfortably ([`COMFORTABLE_TEXT`]), then a column that may
//! be left out is left out, the least telling first; then free text
//! shortens to the least that still reads ([`READABLE_TEXT`]); then a
//! column of ids may narrow, and an id wider than it is written whole on
//! a line of its own, the rest of its row on the next. Room left over
//! puts back what was left out and fits, the most telling first, then
//! lengthens what was shortened. Ids, numbers and dates are never cut.

use std::borrow::Cow;
use std::io::{self, Write};

use anstyle::Style;

use unicode_width::UnicodeWidthChar;

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

/// Text on one line of a terminal, through the one output filter: a line
/// break shows as `⏎`, a tab as a space, other hidden characters as
/// escapes (no text can move the cursor).
pub fn one_line(text: &str) -> Cow<'_, str> {
    crate::visible::visible_line(text)
}

/// The columns `text` takes in a terminal, once made [`one_line`]: an
/// escape such as `\u{1b}` takes its six.
pub fn text_width(text: &str) -> usize {
    if crate::visible::is_plain_ascii(text) {
        return text.len();
    }
    one_line(text).chars().map(|c| c.width().unwrap_or(0)).sum()
}

/// `text` in at most `width` columns: whole when it fits, else cut at a
/// character and ended with `…`. It costs at most `width` characters of
/// work beyond the check, however long the text.
pub fn shorten(text: &str, width: usize) -> Cow<'_, str> {
    if crate::visible::is_plain_ascii(text) && text.len() <= width {
        return Cow::Borrowed(text);
    }
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

/// Spaces between two columns.
const GAP: usize = 2;

/// Free text (a title, what an action does) is never shortened below this
/// many columns: shorter, "Monthly r…" says nothing. A table that cannot
/// leave its text this much is laid out another way (a title under its
/// row, a row as a block of lines).
pub const READABLE_TEXT: usize = 24;

/// Free text keeps up to this many columns before any column that may be
/// left out is shown: a title read whole matters more than a risk's
/// exposure or its owner, and most titles are shorter than this.
pub const COMFORTABLE_TEXT: usize = 40;

/// How a column behaves when the list is too wide.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub header: &'static str,
    pub align: Align,
    /// Shortened down to this many characters, when set: first to the
    /// second (a width that still reads well) before any column is left
    /// out, then to the first.
    pub shrink_to: Option<(usize, usize)>,
    /// Left out when it does not fit, lowest first, when set.
    pub drop_order: Option<u8>,
    /// Left out before any column is shortened (what it says matters less
    /// than the whole of the free text beside it).
    pub yields: bool,
    /// Narrowed down to this many columns, when set, after every column
    /// that may be left out is: a cell wider than the column is written
    /// whole, alone after the cells before it, and the row goes on below.
    pub spill_to: Option<usize>,
    /// Shortened no further than this before a column that may be left
    /// out is, when set: free text read whole before the extras.
    pub keep: Option<usize>,
}

impl Column {
    /// A column that is always shown whole.
    pub const fn fixed(header: &'static str, align: Align) -> Column {
        Column {
            header,
            align,
            shrink_to: None,
            drop_order: None,
            yields: false,
            spill_to: None,
            keep: None,
        }
    }

    /// A column of free text: kept up to [`COMFORTABLE_TEXT`] columns
    /// before any column that may be left out is shown, and shortened to
    /// no fewer than [`READABLE_TEXT`].
    pub const fn text(header: &'static str) -> Column {
        Column {
            keep: Some(COMFORTABLE_TEXT),
            ..Column::fixed(header, Align::Left).shrinks_to(READABLE_TEXT, READABLE_TEXT)
        }
    }

    /// Shortened, to `readable` characters before another column is left
    /// out, and to `least` when nothing else helps.
    pub const fn shrinks_to(self, least: usize, readable: usize) -> Column {
        Column {
            shrink_to: Some((least, readable)),
            ..self
        }
    }

    pub const fn drops(self, order: u8) -> Column {
        Column {
            drop_order: Some(order),
            ..self
        }
    }

    /// Left out, lowest `order` first, before any other column is
    /// shortened or left out.
    pub const fn yields(self, order: u8) -> Column {
        Column {
            drop_order: Some(order),
            yields: true,
            ..self
        }
    }

    /// May narrow to `least` columns once nothing can be left out, its
    /// wider cells each put on a line of their own: for ids, which are
    /// never shortened.
    pub const fn spills_to(self, least: usize) -> Column {
        Column {
            spill_to: Some(least),
            ..self
        }
    }
}

/// The width below which a column's text is not shortened before another
/// column is left out.
fn readable_of(c: &Column) -> usize {
    c.shrink_to.map_or(0, |(_, readable)| readable)
}

/// The columns and the width each gets; a left-out column gets none.
#[derive(Debug, Clone)]
pub struct Layout {
    columns: Vec<Column>,
    widths: Vec<Option<usize>>,
    /// The widths of the cells of each column that may spill: a narrowed
    /// column takes the width of the widest that still fits it.
    spilling: Vec<Vec<usize>>,
    colour: bool,
    /// The width fitted to: a cell put on a line of its own starts where
    /// it ends within it.
    width: Option<usize>,
}

impl Layout {
    pub fn new(columns: &[Column], colour: bool) -> Layout {
        Layout {
            widths: columns.iter().map(|c| Some(text_width(c.header))).collect(),
            spilling: vec![Vec::new(); columns.len()],
            columns: columns.to_vec(),
            colour,
            width: None,
        }
    }

    /// Widens the columns to hold `row`.
    pub fn measure(&mut self, row: &[Cell<'_>]) {
        for (i, (width, cell)) in self.widths.iter_mut().zip(row).enumerate() {
            let cell = text_width(&cell.text);
            if let Some(width) = width {
                *width = (*width).max(cell);
            }
            if self.columns[i].spill_to.is_some() {
                self.spilling[i].push(cell);
            }
        }
    }

    /// The width of a row.
    pub fn total(&self) -> usize {
        let shown = self.widths.iter().flatten();
        shown.clone().sum::<usize>() + GAP * shown.count().saturating_sub(1)
    }

    /// Fits the list to `width` columns as well as it can: leaves out what
    /// yields, then shortens free text to a width that reads comfortably,
    /// then leaves out what may be left out, then shortens free text to
    /// the least that reads, then narrows a column of ids (its wider ids
    /// each get a line of their own), then shortens further. Room left
    /// over first puts back the columns left out that fit, the most
    /// telling first, then goes to what was shortened.
    pub fn fit(&mut self, width: usize) {
        self.width = Some(width);
        let natural = self.widths.clone();
        // Free text keeps its comfortable width here; any other column
        // that shrinks goes down to what reads.
        let keep = |c: &Column| {
            c.shrink_to
                .map(|_| c.keep.map_or(readable_of(c), |k| k.max(readable_of(c))))
        };
        let readable = |c: &Column| c.shrink_to.map(|(_, readable)| readable);
        let least = |c: &Column| c.shrink_to.map(|(least, _)| least);
        let spill = |c: &Column| c.spill_to;
        while self.total() > width && self.drop_one(true) {}
        while self.total() > width && self.shrink_one(keep) {}
        while self.total() > width && self.drop_one(false) {}
        while self.total() > width && self.shrink_one(readable) {}
        while self.total() > width && self.shrink_one(spill) {}
        self.snap_spilling();
        while self.total() > width && self.shrink_one(least) {}
        // A column left out for a wider one may fit in what that one
        // freed: put back the most telling first, yielding ones last.
        let mut out: Vec<usize> = (0..self.columns.len())
            .filter(|&i| self.widths[i].is_none())
            .collect();
        out.sort_by_key(|&i| {
            let c = &self.columns[i];
            std::cmp::Reverse((!c.yields, c.drop_order))
        });
        for i in out {
            let whole = natural[i].unwrap_or_default();
            let least = self.columns[i]
                .shrink_to
                .map_or(whole, |(_, readable)| {
                    readable.max(text_width(self.columns[i].header))
                })
                .min(whole);
            let room = width.saturating_sub(self.total() + GAP);
            if room >= least {
                self.widths[i] = Some(whole.min(room));
            }
        }
        // Give back what was taken and is no longer needed, widest need
        // first; a column that spills keeps its width, whole ids being
        // all it holds.
        while self.total() < width {
            let wanting = (0..self.columns.len())
                .filter(|&i| self.columns[i].spill_to.is_none())
                .filter(|&i| matches!((self.widths[i], natural[i]), (Some(w), Some(n)) if w < n))
                .min_by_key(|&i| self.widths[i]);
            match wanting {
                Some(i) => self.widths[i] = self.widths[i].map(|w| w + 1),
                None => break,
            }
        }
    }

    /// Narrows each column that spills to its widest cell that fits it:
    /// a width between two cells' only spaces them out.
    fn snap_spilling(&mut self) {
        for (i, cells) in self.spilling.iter().enumerate() {
            let (Some(width), Some(least)) = (self.widths[i], self.columns[i].spill_to) else {
                continue;
            };
            let floor = least.max(text_width(self.columns[i].header));
            let widest = cells.iter().copied().filter(|&w| w <= width).max();
            self.widths[i] = Some(widest.unwrap_or(floor).max(floor).min(width));
        }
    }

    /// Leaves out the least telling column that may be left out (only
    /// those that yield, when `yielding`).
    fn drop_one(&mut self, yielding: bool) -> bool {
        let dropped = self
            .columns
            .iter()
            .zip(&self.widths)
            .enumerate()
            .filter(|(_, (c, w))| w.is_some() && c.drop_order.is_some() && (c.yields || !yielding))
            .min_by_key(|(_, (c, _))| c.drop_order)
            .map(|(i, _)| i);
        match dropped {
            Some(i) => {
                self.widths[i] = None;
                true
            }
            None => false,
        }
    }

    /// Takes one character from the widest column that may still shrink
    /// above its `floor`.
    fn shrink_one(&mut self, floor: impl Fn(&Column) -> Option<usize>) -> bool {
        let widest = self
            .columns
            .iter()
            .zip(&self.widths)
            .enumerate()
            .filter_map(|(i, (c, w))| {
                let floor = floor(c)?.max(text_width(c.header));
                w.filter(|&w| w > floor).map(|w| (w, i))
            })
            .max();
        match widest {
            Some((_, i)) => {
                self.widths[i] = self.widths[i].map(|w| w - 1);
                true
            }
            None => false,
        }
    }

    /// The headers of the columns left out.
    pub fn left_out(&self) -> Vec<&'static str> {
        self.columns
            .iter()
            .zip(&self.widths)
            .filter(|(_, w)| w.is_none())
            .map(|(c, _)| c.header)
            .collect()
    }

    /// Whether every row fits `width` as laid out.
    pub fn fits(&self, width: usize) -> bool {
        self.total() <= width
    }

    /// Whether every line fits `width` as laid out, an id put on a line of
    /// its own included: written from its column's start, it ends within
    /// the width.
    pub fn fits_whole(&self, width: usize) -> bool {
        let mut start = 0;
        for (i, w) in self.widths.iter().enumerate() {
            let Some(w) = w else { continue };
            let widest = self.spilling[i].iter().copied().max().unwrap_or(0);
            if self.columns[i].spill_to.is_some() && start + widest > width {
                return false;
            }
            start += w + GAP;
        }
        self.fits(width)
    }

    /// Whether `row` puts a cell on a line of its own, being wider than
    /// its column.
    pub fn spills(&self, row: &[Cell<'_>]) -> bool {
        self.columns
            .iter()
            .zip(&self.widths)
            .zip(row)
            .any(|((c, w), cell)| {
                c.spill_to.is_some() && w.is_some_and(|w| text_width(&cell.text) > w)
            })
    }

    /// The width each column shown takes, by header.
    pub fn width_of(&self, header: &str) -> Option<usize> {
        self.columns
            .iter()
            .zip(&self.widths)
            .find(|(c, _)| c.header == header)
            .and_then(|(_, w)| *w)
    }

    /// Where a row's first column starts its text: detail lines indent to
    /// the second column.
    pub fn indent(&self) -> usize {
        self.widths.iter().flatten().next().map_or(0, |w| w + GAP)
    }

    pub fn write_header(&self, out: &mut dyn Write) -> io::Result<()> {
        let cells: Vec<Cell<'_>> = self
            .columns
            .iter()
            .map(|c| Cell::styled(c.header, Style::new().bold()))
            .collect();
        self.write_line(out, &cells)
    }

    pub fn write_row(&self, out: &mut dyn Write, row: &[Cell<'_>]) -> io::Result<()> {
        self.write_line(out, row)
    }

    fn write_line(&self, out: &mut dyn Write, row: &[Cell<'_>]) -> io::Result<()> {
        let mut line = String::new();
        let shown: Vec<usize> = (0..self.columns.len())
            .filter(|&i| self.widths[i].is_some())
            .collect();
        // Where the next column starts.
        let mut at: usize = 0;
        for (n, &i) in shown.iter().enumerate() {
            let mut gap = n > 0;
            let width = self.widths[i].unwrap_or_default();
            let last = n + 1 == shown.len();
            let spill = self.columns[i].spill_to.is_some()
                && row.get(i).is_some_and(|c| text_width(&c.text) > width);
            let text = match row.get(i) {
                // An id too wide for its column, whole; the row goes on
                // below, under the next column.
                Some(c) if spill => {
                    let text = one_line(&c.text);
                    // Where it fits the width but not from its column's
                    // start, the cells before go on a line of their own
                    // and the id starts where it ends at the edge; wider
                    // than the whole width, it runs past after them.
                    let room = self.width.unwrap_or(usize::MAX);
                    let wide = text_width(&text);
                    if at.saturating_add(wide) > room && wide <= room {
                        if !line.trim().is_empty() {
                            writeln!(out, "{}", line.trim_end())?;
                        }
                        line = " ".repeat(room.saturating_sub(wide));
                        gap = false;
                    }
                    text
                }
                Some(c) => shorten(&c.text, width),
                None => Cow::Borrowed(""),
            };
            at += width + GAP;
            let pad = width.saturating_sub(text_width(&text));
            let right = self.columns[i].align == Align::Right;
            if gap {
                line.push_str(&" ".repeat(GAP));
            }
            if right {
                line.push_str(&" ".repeat(pad));
            }
            match row.get(i).and_then(|c| c.style).filter(|_| self.colour) {
                Some(style) => line.push_str(&format!("{style}{text}{style:#}")),
                None => line.push_str(&text),
            }
            if spill && !last {
                writeln!(out, "{}", line.trim_end())?;
                line = " ".repeat(at - GAP);
            } else if !right && !last {
                line.push_str(&" ".repeat(pad));
            }
        }
        // No trailing spaces, even after an empty last cell; no blank
        // line after an id put on a line of its own at the end of a row.
        let line = line.trim_end();
        if line.is_empty() && !row.is_empty() {
            return Ok(());
        }
        writeln!(out, "{line}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortening_counts_columns_not_bytes() {
        assert_eq!(shorten("abcdef", 4), "abc…");
        assert_eq!(shorten("abc", 3), "abc");
        assert_eq!(shorten("日本語テキスト", 5), "日本…");
        assert_eq!(shorten("a\nb", 3), "a⏎b");
        assert_eq!(text_width("日本"), 4);
        assert_eq!(text_width("a\u{1b}b\n"), 9);
    }

    fn list(width: usize) -> String {
        let columns = [
            Column::fixed("id", Align::Left),
            Column::fixed("title", Align::Left).shrinks_to(8, 8),
            Column::fixed("n", Align::Right).drops(1),
            Column::fixed("owner", Align::Left).drops(2),
        ];
        let rows = [
            [
                "traffic-spike",
                "Traffic spikes saturate the pool",
                "12",
                "alice",
            ],
            ["db", "Primary fails", "3", "bob"],
        ];
        let mut layout = Layout::new(&columns, false);
        for row in &rows {
            layout.measure(&row.map(Cell::new));
        }
        layout.fit(width);
        let mut out = Vec::new();
        layout.write_header(&mut out).unwrap();
        for row in &rows {
            layout.write_row(&mut out, &row.map(Cell::new)).unwrap();
        }
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn a_wide_list_shows_everything() {
        assert_eq!(
            list(80),
            "id             title                              n  owner\n\
             traffic-spike  Traffic spikes saturate the pool  12  alice\n\
             db             Primary fails                      3  bob\n"
        );
    }

    #[test]
    fn an_id_too_wide_for_its_column_gets_a_line_of_its_own() {
        let columns = [
            Column::fixed("#", Align::Right),
            Column::fixed("id", Align::Left).spills_to(4),
            Column::fixed("owner", Align::Left).yields(1),
            Column::fixed("state", Align::Left),
        ];
        let rows = [
            ["1", "a-rather-long-risk-identifier", "alice", "open"],
            ["2", "db", "bob", "mitigated"],
        ];
        let mut layout = Layout::new(&columns, false);
        for row in &rows {
            layout.measure(&row.map(Cell::new));
        }
        layout.fit(24);
        assert_eq!(layout.left_out(), ["owner"], "the owner yields first");
        assert!(layout.spills(&rows[0].map(Cell::new)));
        assert!(!layout.spills(&rows[1].map(Cell::new)));
        let mut out = Vec::new();
        layout.write_header(&mut out).unwrap();
        for row in &rows {
            layout.write_row(&mut out, &row.map(Cell::new)).unwrap();
        }
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "#  id    state\n\
             1  a-rather-long-risk-identifier\n\
             \x20        open\n\
             2  db    mitigated\n"
        );
    }

    #[test]
    fn a_narrow_list_shortens_then_leaves_out_and_never_cuts_an_id() {
        let text = list(30);
        for line in text.lines() {
            assert!(text_width(line) <= 30, "{line:?}");
        }
        assert!(text.contains("traffic-spike"));
        assert!(
            text.contains("Traffic…") || text.contains("Traffic …"),
            "{text}"
        );
        assert!(!text.contains("12"), "n is left out first:\n{text}");
        assert!(text.contains("alice"), "{text}");
    }

    fn fitted(columns: &[Column], rows: &[[&str; 4]], width: usize) -> Layout {
        let mut layout = Layout::new(columns, false);
        for row in rows {
            layout.measure(&row.map(Cell::new));
        }
        layout.fit(width);
        layout
    }

    #[test]
    fn a_title_keeps_comfortable_room_before_an_optional_column_shows() {
        let columns = [
            Column::fixed("id", Align::Left),
            Column::text("title"),
            Column::fixed("exposure", Align::Right).drops(1),
            Column::fixed("owner", Align::Left).drops(2),
        ];
        let title = "Traffic spikes during peak hours saturate the worker pool";
        let rows = [["traffic-spike", title, "6", "alice"]];
        // 13 + 2 + 40 + 2 + 8 = 65: room for the owner, not exposure too.
        let layout = fitted(&columns, &rows, 62);
        assert_eq!(layout.width_of("title"), Some(62 - 13 - 2 - 5 - 2));
        assert_eq!(layout.left_out(), ["exposure"]);
        // Narrower, the optional columns go before the title goes under 40.
        let layout = fitted(&columns, &rows, 55);
        assert_eq!(layout.width_of("title"), Some(40));
        assert_eq!(layout.left_out(), ["exposure", "owner"]);
        // Narrower still, the title shortens to what reads, and no further.
        let layout = fitted(&columns, &rows, 30);
        assert_eq!(layout.width_of("title"), Some(READABLE_TEXT));
        assert!(!layout.fits(30));
    }

    #[test]
    fn a_column_left_out_comes_back_when_room_is_left() {
        let columns = [
            Column::fixed("id", Align::Left),
            Column::text("title"),
            Column::fixed("owner", Align::Left).drops(1),
            Column::fixed("budget", Align::Left).drops(2),
        ];
        let rows = [[
            "db",
            "Primary fails",
            "alice",
            "a very long budget cell here",
        ]];
        // The budget, most telling, does not fit; the owner, left out
        // first, fits in the room the budget leaves.
        let layout = fitted(&columns, &rows, 40);
        assert_eq!(layout.left_out(), ["budget"]);
        assert!(layout.fits(40));
    }

    #[test]
    fn an_id_put_on_a_line_of_its_own_ends_within_the_width() {
        let columns = [
            Column::fixed("action", Align::Left),
            Column::fixed("what", Align::Left),
            Column::fixed("risk", Align::Left).spills_to(0),
            Column::fixed("due", Align::Left),
        ];
        let rows = [[
            "detect",
            "Monthly drill",
            "search-indexing/snapshot-unreadable",
            "2026-11-30",
        ]];
        let layout = fitted(&columns, &rows, 40);
        assert!(layout.fits(40) && !layout.fits_whole(40));
        let mut out = Vec::new();
        layout.write_row(&mut out, &rows[0].map(Cell::new)).unwrap();
        let text = String::from_utf8(out).unwrap();
        for line in text.lines() {
            assert!(text_width(line) <= 40, "{text}");
        }
        assert!(
            text.contains("search-indexing/snapshot-unreadable\n"),
            "{text}"
        );
    }
}
