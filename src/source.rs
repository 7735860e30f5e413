//! The register's files, and the byte spans that point into them.
//!
//! A span is three integers, so the model can keep one beside every value
//! a finding may point at. The text of a file is kept only where it may be
//! needed again: a file with an input problem (its errors are shown with
//! their lines) and a file that exists nowhere on disk (a git revision's).
//! Every other file's text is dropped once it is validated, and a
//! [`Locator`] reads it again, one file at a time, when a report needs a
//! line and column: memory stays near the size of the model, not of the
//! input.

use std::borrow::Cow;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// Identifies a file in [`Sources`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(pub(crate) u32);

/// A byte range in one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    /// A span over `range`; offsets past 4 GiB are held at the limit (no
    /// register file comes near it).
    pub fn new(file: FileId, range: Range<usize>) -> Span {
        let at = |offset: usize| u32::try_from(offset).unwrap_or(u32::MAX);
        Span {
            file,
            start: at(range.start),
            end: at(range.end.max(range.start)),
        }
    }

    pub fn range(&self) -> Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// A 1-based line and column (columns count characters, not bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: usize,
    pub col: usize,
}

/// Where a file's text came from, which says whether it can be read again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// A file on disk, read again on demand.
    Disk,
    /// Bytes held only in memory (a git revision's file): kept for good.
    Memory,
}

#[derive(Debug)]
pub struct SourceFile {
    path: PathBuf,
    origin: Origin,
    /// The length of the text as validated, to tell a file that changed
    /// on disk since from one read again unchanged.
    len: usize,
    /// The text, while it is kept (see the module's documentation).
    text: Option<String>,
    /// Found in a folder and passed over: TOML, but not a register file
    /// (`Cargo.toml`, say). It keeps its place so file ids stay in order.
    skipped: bool,
}

impl SourceFile {
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Found in a folder and passed over as not a register file.
    pub fn is_skipped(&self) -> bool {
        self.skipped
    }

    /// The text as validated, if it is still held.
    pub fn kept_text(&self) -> Option<&str> {
        self.text.as_deref()
    }
}

/// Every file read in one run, in the order they were read.
#[derive(Debug, Default)]
pub struct Sources {
    files: Vec<SourceFile>,
}

impl Sources {
    /// Adds a file whose text is held for good; see [`Sources::add_released`].
    pub fn add(&mut self, path: PathBuf, text: String, origin: Origin) -> FileId {
        self.push(path, origin, text.len(), Some(text))
    }

    /// Adds a file whose text was validated and dropped: it is read again
    /// from disk when a location inside it is wanted.
    pub fn add_released(&mut self, path: PathBuf, len: usize) -> FileId {
        self.push(path, Origin::Disk, len, None)
    }

    fn push(&mut self, path: PathBuf, origin: Origin, len: usize, text: Option<String>) -> FileId {
        let id = FileId(u32::try_from(self.files.len()).expect("fewer than 4 billion files"));
        self.files.push(SourceFile {
            path,
            origin,
            len,
            text,
            skipped: false,
        });
        id
    }

    /// Adds a file found in a folder that is TOML but not a register
    /// file: it is not read further, only counted.
    pub fn add_skipped(&mut self, path: PathBuf, origin: Origin) -> FileId {
        let id = self.push(path, origin, 0, None);
        self.files[id.0 as usize].skipped = true;
        id
    }

    /// How many files found in folders were passed over as not registers.
    pub fn skipped(&self) -> usize {
        self.files.iter().filter(|f| f.skipped).count()
    }

    /// How many files were read as the register's.
    pub fn read(&self) -> usize {
        self.files.len() - self.skipped()
    }

    /// The id the next file added will get.
    pub fn next_id(&self) -> FileId {
        FileId(u32::try_from(self.files.len()).expect("fewer than 4 billion files"))
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    pub fn path(&self, id: FileId) -> &Path {
        &self.get(id).path
    }

    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), f))
    }

    /// The text of `id`: the one held, or the file read again from disk
    /// when it is unchanged in length; `None` when it cannot be had.
    pub fn text(&self, id: FileId) -> Option<Cow<'_, str>> {
        let file = self.get(id);
        if let Some(text) = &file.text {
            return Some(Cow::Borrowed(text));
        }
        if file.origin == Origin::Memory {
            return None;
        }
        let bytes = std::fs::read(&file.path).ok()?;
        let text = decode(bytes).ok()?;
        (text.len() == file.len).then_some(Cow::Owned(text))
    }
}

/// A file's bytes as register text: UTF-8, without a byte-order mark (which
/// is not part of the text: dropping it keeps columns right). An invalid
/// file gives back its bytes and the offset of the first bad one.
pub fn decode(bytes: Vec<u8>) -> Result<String, (Vec<u8>, usize)> {
    match String::from_utf8(bytes) {
        Ok(mut text) => {
            if text.starts_with('\u{feff}') {
                text.drain(..'\u{feff}'.len_utf8());
            }
            Ok(text)
        }
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            Err((e.into_bytes(), at))
        }
    }
}

/// One file's text with its line starts, for turning offsets into lines.
#[derive(Debug)]
pub struct Lines<'t> {
    text: Cow<'t, str>,
    starts: Vec<usize>,
    /// The last offset resolved, its line index and column: offsets asked
    /// in order along one long line are counted on from there, so a
    /// thousand findings on one line cost the line once, not a thousand
    /// times.
    last: std::cell::Cell<Option<(usize, usize, usize)>>,
}

impl<'t> Lines<'t> {
    pub fn new(text: Cow<'t, str>) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Lines {
            text,
            starts,
            last: std::cell::Cell::new(None),
        }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    fn line_index(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset) - 1
    }

    /// Line and column of a byte offset (clamped to the text).
    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = floor_char_boundary(&self.text, offset);
        let line = self.line_index(offset);
        let (from, col) = match self.last.get() {
            Some((at, at_line, col)) if at_line == line && at <= offset => (at, col),
            _ => (self.starts[line], 1),
        };
        let col = col + self.text[from..offset].chars().count();
        self.last.set(Some((offset, line, col)));
        LineCol {
            line: line + 1,
            col,
        }
    }

    /// The byte range of the whole line (without its line ending) holding `offset`.
    pub fn line_range(&self, offset: usize) -> Range<usize> {
        let offset = floor_char_boundary(&self.text, offset);
        let line = self.line_index(offset);
        let start = self.starts[line];
        let end = self
            .starts
            .get(line + 1)
            .map_or(self.text.len(), |&next| next - 1);
        let end = if self.text[start..end].ends_with('\r') {
            end - 1
        } else {
            end
        };
        start..end.max(start)
    }
}

fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// A span resolved to a path and, when its file can be read, the line and
/// column of its start and end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub file: String,
    pub start: Option<LineCol>,
    pub end: Option<LineCol>,
}

impl Place {
    /// `file:line:col`, or the bare path when there is no line.
    pub fn text(&self) -> String {
        match self.start {
            Some(at) => format!("{}:{}:{}", self.file, at.line, at.col),
            None => self.file.clone(),
        }
    }
}

/// Resolves spans to lines and columns, reading a file's text at most once
/// in a row: reports ask in file order, so each file is read once and
/// dropped before the next.
pub struct Locator<'s> {
    sources: &'s Sources,
    current: Option<(FileId, Option<Lines<'s>>)>,
}

impl<'s> Locator<'s> {
    pub fn new(sources: &'s Sources) -> Self {
        Locator {
            sources,
            current: None,
        }
    }

    pub fn sources(&self) -> &'s Sources {
        self.sources
    }

    /// The lines of `file`, if its text can be had.
    pub fn lines(&mut self, file: FileId) -> Option<&Lines<'s>> {
        if self.current.as_ref().is_none_or(|(id, _)| *id != file) {
            let lines = self.sources.text(file).map(Lines::new);
            self.current = Some((file, lines));
        }
        self.current.as_ref().and_then(|(_, lines)| lines.as_ref())
    }

    pub fn place(&mut self, span: Span) -> Place {
        let file = display_path(self.sources.path(span.file));
        match self.lines(span.file) {
            Some(lines) => Place {
                file,
                start: Some(lines.line_col(span.start as usize)),
                end: Some(lines.line_col(span.end as usize)),
            },
            None => Place {
                file,
                start: None,
                end: None,
            },
        }
    }

    /// The places of many spans, in their order, each file read once.
    pub fn places(sources: &'s Sources, spans: &[Span]) -> Vec<Place> {
        let mut order: Vec<usize> = (0..spans.len()).collect();
        order.sort_by_key(|&i| spans[i]);
        let mut locator = Locator::new(sources);
        let mut places = vec![None; spans.len()];
        for i in order {
            places[i] = Some(locator.place(spans[i]));
        }
        places.into_iter().flatten().collect()
    }
}

/// `a/./b/../c` as `a/c`, by the text alone.
pub fn normalise(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// A path as users wrote it, with `/` separators on every platform so that
/// outputs and snapshots agree across machines.
pub fn display_path(path: &Path) -> String {
    let text = path.to_string_lossy();
    let text = text.strip_prefix("./").unwrap_or(&text);
    text.replace('\\', "/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_characters() {
        let lines = Lines::new(Cow::Borrowed("ab\nçd = 1\r\nlast"));
        assert_eq!(lines.line_col(0), LineCol { line: 1, col: 1 });
        assert_eq!(lines.line_col(3), LineCol { line: 2, col: 1 });
        // `ç` is two bytes but one column.
        assert_eq!(lines.line_col(5), LineCol { line: 2, col: 2 });
        assert_eq!(lines.line_col(100), LineCol { line: 3, col: 5 });
        assert_eq!(&lines.text()[lines.line_range(5)], "çd = 1");
        assert_eq!(&lines.text()[lines.line_range(13)], "last");
    }

    #[test]
    fn columns_counted_on_along_a_line_agree_with_a_fresh_count() {
        let text = "é".repeat(50) + "\nabc";
        let lines = Lines::new(Cow::Borrowed(&text));
        let fresh = |offset: usize| Lines::new(Cow::Borrowed(&text)).line_col(offset);
        // In order, then back, then onto the next line.
        for offset in [0, 10, 11, 40, 99, 20, 2, 101, 103, 100] {
            assert_eq!(lines.line_col(offset), fresh(offset), "offset {offset}");
        }
    }

    #[test]
    fn display_paths_use_forward_slashes() {
        assert_eq!(display_path(Path::new("./risks/a.toml")), "risks/a.toml");
        assert_eq!(display_path(Path::new("risks\\a.toml")), "risks/a.toml");
    }

    #[test]
    fn a_released_file_is_read_again_and_a_changed_one_is_not_trusted() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.toml");
        std::fs::write(&path, "\u{feff}id = 1\n").unwrap();
        let mut sources = Sources::default();
        let id = sources.add_released(path.clone(), "id = 1\n".len());
        assert_eq!(sources.text(id).as_deref(), Some("id = 1\n"));
        std::fs::write(&path, "id = 12\n").unwrap();
        assert_eq!(sources.text(id), None);
        let places = Locator::places(&sources, &[Span::new(id, 5..6)]);
        assert_eq!(places[0].start, None);
    }

    #[test]
    fn places_come_back_in_the_order_asked() {
        let mut sources = Sources::default();
        let a = sources.add("a".into(), "x\ny\n".into(), Origin::Memory);
        let b = sources.add("b".into(), "z\n".into(), Origin::Memory);
        let places = Locator::places(&sources, &[Span::new(b, 0..1), Span::new(a, 2..3)]);
        assert_eq!(places[0].text(), "b:1:1");
        assert_eq!(places[1].text(), "a:2:1");
    }
}
