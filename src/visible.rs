//! The one output filter for text opx did not write itself: a register's
//! strings, file names and what git says. Anyone who opens a pull request
//! writes that text, and opx shows it on a terminal, in a CI log and in
//! Markdown a bot posts; none of these may be steered by it.
//!
//! Two layers for people and logs, each exact:
//! - [`visible`] and [`visible_line`] turn every character that acts
//!   rather than shows (C0 controls, DEL, C1 controls, bidi overrides and
//!   isolates, zero-width characters; see [`is_hidden`]) into a visible
//!   escape such as `\u{202e}`, so text can neither move the cursor, set a
//!   window title, reorder what a reader sees nor hide a character. A
//!   one-line form shows a line break as `⏎`. Renderers call these where
//!   register text becomes a cell, a line of text or a message.
//! - [`log_safe`] wraps a writer for the formats a CI log shows: no line
//!   it passes begins (after spaces and colour codes) with `::`, which the
//!   GitHub runner reads as a workflow command, and none holds `##[`, its
//!   older form. opx itself never writes either in those formats (its own
//!   annotations are written around the guard; a diagnostic's `:::`,
//!   which names a second file, starts no command), so the guard changes
//!   only what came from outside: the first `:` is written `\u{3a}`, the
//!   second `#` of `##[` is written `\u{23}`.
//!
//! Markdown a bot posts on a pull request also pings people and links
//! issues: [`quiet_mention`] says where a `@name` or `#123` starts, and
//! the Markdown renderer puts such a word in a code span, which GitHub
//! never links.
//!
//! Machine formats keep the data exact: [`json_safe`] (JSON, SARIF) and
//! [`xml_safe`] (JUnit) write the same characters with the format's own
//! escapes, which readers decode to the text as written; the HTML page
//! goes through [`html_safe`]. [`breach`] states the whole promise, and
//! the fuzz target and the tests hold every output to it.
//!
//! Where it is applied, so that a new renderer gets it by using these:
//! a terminal cell or wrapped line (`report::columns::one_line`, which
//! `shorten`, `text_width` and `report::wrap` use), a Markdown cell or
//! line (`report::markdown::cell`, which every `report::doc::Doc` block
//! uses), a diagnostic (`diag::render_human`: message, help, labels,
//! quoted line, file name), `check --format short` and `github`, a CSV
//! field (`rank_csv::guard`), and each format enum's `write` in
//! `report`, which wraps the writer in the guard its format needs.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::{self, Write};

/// Whether `c` acts on a terminal or a reader rather than shows: C0
/// controls, DEL, C1 controls (U+0080–U+009F; U+009B alone starts a
/// terminal command), the bidi marks, embeddings, overrides and isolates
/// (U+061C, U+200E–F, U+202A–E, U+2066–9), zero-width and invisible
/// characters (U+200B–D, U+2060–4, U+FEFF) and the line and paragraph
/// separators (U+2028–9), which some readers take as line breaks.
pub fn is_hidden(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{1f}'
        | '\u{7f}'..='\u{9f}'
        | '\u{61c}'
        | '\u{200b}'..='\u{200f}'
        | '\u{2028}'..='\u{202e}'
        | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{2069}'
        | '\u{feff}'
    )
}

/// Whether `text` is printable ASCII only: nothing in it is hidden, and
/// each of its bytes takes one column. Most register text is, and a scan
/// of bytes says so far faster than a look at each character.
pub fn is_plain_ascii(text: &str) -> bool {
    text.bytes().all(|b| (0x20..0x7f).contains(&b))
}

/// Text that may span lines, shown as written: line feeds and tabs stay
/// (`\r\n` is a line feed), every other [hidden](is_hidden) character
/// becomes its escape, `\u{1b}`.
pub fn visible(text: &str) -> Cow<'_, str> {
    filter(text, |c, next, out| match c {
        '\n' | '\t' => out.push(c),
        '\r' if next == Some('\n') => {}
        c => escape(c, out),
    })
}

/// Text on one line: a line break (`\n`, `\r\n` or `\r`) shows as `⏎`, a
/// tab as a space, every other [hidden](is_hidden) character as its
/// escape, `\u{1b}`.
pub fn visible_line(text: &str) -> Cow<'_, str> {
    filter(text, |c, next, out| match c {
        '\n' => out.push('⏎'),
        '\r' if next == Some('\n') => {}
        '\r' => out.push('⏎'),
        '\t' => out.push(' '),
        c => escape(c, out),
    })
}

/// `text` with each hidden character replaced as `hidden` writes it
/// (given the character after it); borrowed when there is none.
fn filter(text: &str, hidden: impl Fn(char, Option<char>, &mut String)) -> Cow<'_, str> {
    if is_plain_ascii(text) {
        return Cow::Borrowed(text);
    }
    let Some(first) = text.find(is_hidden) else {
        return Cow::Borrowed(text);
    };
    let mut out = String::with_capacity(text.len() + 16);
    out.push_str(&text[..first]);
    let mut chars = text[first..].chars().peekable();
    while let Some(c) = chars.next() {
        if is_hidden(c) {
            hidden(c, chars.peek().copied(), &mut out);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// `\u{202e}`: the form Rust and JavaScript read back.
fn escape(c: char, out: &mut String) {
    let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
}

/// Where, in `text`, a word starts that GitHub would turn into a mention
/// (`@name`, `@org/team`) or an issue link (`#123`, `repo#123`), and how
/// many bytes it takes; `None` when no word there does.
///
/// A mention starts with `@` after anything but a letter or digit (so
/// `bob@example.com` is left alone) and goes on with letters, digits, `-`,
/// `_` and `/`; an issue link is `#` and a digit, then digits.
pub fn quiet_mention(text: &str, at: usize) -> Option<usize> {
    let rest = &text[at..];
    let before = text[..at].chars().next_back();
    let word_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '/');
    let len = match rest.chars().next()? {
        '@' if !before.is_some_and(char::is_alphanumeric) => {
            1 + rest[1..].find(|c| !word_char(c)).unwrap_or(rest.len() - 1)
        }
        '#' => {
            1 + rest[1..]
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(rest.len() - 1)
        }
        _ => return None,
    };
    (len > 1 && rest[1..].starts_with(|c: char| c.is_ascii_alphanumeric())).then_some(len)
}

/// Runs `write` with a writer whose every line is [log safe](log_line),
/// then writes what is left of the last line: for the formats people and
/// CI logs read, whose text has been through [`visible`] already.
pub fn log_safe(
    out: &mut dyn Write,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    guarded(out, Escape::Log, write)
}

/// [`log_safe`] for a JSON document (JSON, SARIF), which keeps its data
/// exact: a hidden character, the first `:` of a line's `::` and the
/// second `#` of `##[` are written as JSON escapes (`\u202e`), which
/// every reader decodes to the same text. They can only stand in strings.
pub fn json_safe(
    out: &mut dyn Write,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    guarded(out, Escape::Json, write)
}

/// [`json_safe`] for XML (JUnit): character references (`&#x202e;`),
/// which XML 1.0 allows for each of these characters. They can only
/// stand in text and attribute values.
pub fn xml_safe(
    out: &mut dyn Write,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    guarded(out, Escape::Xml, write)
}

/// [`log_safe`] for an HTML page: hidden characters show as `\u{202e}`
/// (the page never holds one of its own), and `::` and `##[` are broken
/// with character references (`&#x3a;`), which the page shows as written.
pub fn html_safe(
    out: &mut dyn Write,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    guarded(out, Escape::Html, write)
}

fn guarded(
    out: &mut dyn Write,
    escape: Escape,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let mut guard = Guard {
        out,
        line: Vec::new(),
        escape,
    };
    write(&mut guard)?;
    guard.finish()
}

/// How a format writes a character that must not stand as it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Escape {
    /// Text already through [`visible`]; colour codes stay.
    Log,
    Json,
    Xml,
    Html,
}

impl Escape {
    fn write(self, c: char, out: &mut Vec<u8>) {
        let c = u32::from(c);
        let _ = match self {
            Escape::Log => write!(out, "\\u{{{c:x}}}"),
            Escape::Json => write!(out, "\\u{c:04x}"),
            Escape::Xml | Escape::Html => write!(out, "&#x{c:x};"),
        };
    }

    /// Whether the format's hidden characters are escaped here: in a log
    /// the text is already visible and the colour codes are opx's own.
    fn hidden(self, c: char) -> bool {
        self != Escape::Log && is_hidden(c) && !matches!(c, '\n' | '\t' | '\r')
    }

    fn write_hidden(self, c: char, out: &mut Vec<u8>) {
        if self == Escape::Html {
            Escape::Log.write(c, out);
        } else {
            self.write(c, out);
        }
    }
}

/// A writer that holds each line until it ends, then writes it safe.
struct Guard<'a> {
    out: &'a mut dyn Write,
    line: Vec<u8>,
    escape: Escape,
}

impl Guard<'_> {
    fn finish(mut self) -> io::Result<()> {
        if !self.line.is_empty() {
            let line = std::mem::take(&mut self.line);
            self.out.write_all(&safe_line(&line, self.escape))?;
        }
        self.out.flush()
    }
}

impl Write for Guard<'_> {
    fn write(&mut self, mut buf: &[u8]) -> io::Result<usize> {
        let len = buf.len();
        while let Some(end) = buf.iter().position(|&b| b == b'\n') {
            let (head, rest) = buf.split_at(end + 1);
            if self.line.is_empty() {
                self.out.write_all(&safe_line(head, self.escape))?;
            } else {
                // Cleared, not taken: the next line reuses its room, so a
                // long report of short writes does not allocate per line.
                self.line.extend_from_slice(head);
                self.out.write_all(&safe_line(&self.line, self.escape))?;
                self.line.clear();
            }
            buf = rest;
        }
        self.line.extend_from_slice(buf);
        Ok(len)
    }

    /// A line not yet ended stays held: whether it is safe depends on
    /// how it begins, and a `##[` may span two writes.
    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// `text` with the second `#` of each `##[` written `\\u{23}`: for a
/// line opx writes as a workflow command itself, whose text the runner
/// would read the older form in.
pub fn without_marker(text: &str) -> Cow<'_, str> {
    if text.contains("##[") {
        Cow::Owned(text.replace("##[", "#\\u{23}["))
    } else {
        Cow::Borrowed(text)
    }
}

/// One line of a log as the runner may read it, made inert: when it
/// begins (after spaces, tabs and colour codes) with `::` but not `:::`,
/// its first `:` is written `\u{3a}`; in every `##[`, the second `#` is
/// written `\u{23}`. Any other line is returned as it is.
pub fn log_line(line: &[u8]) -> Cow<'_, [u8]> {
    safe_line(line, Escape::Log)
}

fn safe_line(line: &[u8], escape: Escape) -> Cow<'_, [u8]> {
    let start = line_start(line);
    // `:::` starts no command (its name would start with `:`), and is how
    // a diagnostic names a second file.
    let command = line[start..].starts_with(b"::") && !line[start..].starts_with(b":::");
    let marker = line.windows(3).any(|w| w == b"##[");
    // Every hidden character is past U+007F but for the C0 ones and DEL.
    let hidden = escape != Escape::Log
        && line
            .iter()
            .any(|&b| b >= 0x7f || (b < 0x20 && !matches!(b, b'\n' | b'\t' | b'\r')));
    if !command && !marker && !hidden {
        return Cow::Borrowed(line);
    }
    // What opx writes is UTF-8; anything else is left as it is.
    let Ok(text) = std::str::from_utf8(line) else {
        return Cow::Borrowed(line);
    };
    let mut out = Vec::with_capacity(line.len() + 16);
    for (i, c) in text.char_indices() {
        if escape.hidden(c) {
            escape.write_hidden(c, &mut out);
        } else if (command && i == start)
            || (i > 0 && line[i - 1] == b'#' && text[i..].starts_with("#["))
        {
            escape.write(c, &mut out);
        } else {
            out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
        }
    }
    Cow::Owned(out)
}

/// Where a line's text starts: past the white space the runner trims and
/// the colour codes (`ESC [ … m`) a terminal does not show.
fn line_start(line: &[u8]) -> usize {
    let mut i = 0;
    loop {
        match line.get(i) {
            Some(b' ' | b'\t' | b'\r' | b'\x0b' | b'\x0c') => i += 1,
            Some(b'\x1b') if line.get(i + 1) == Some(&b'[') => {
                match line[i + 2..].iter().position(|&b| b.is_ascii_alphabetic()) {
                    Some(end) => i += 2 + end + 1,
                    None => return i,
                }
            }
            _ => return i,
        }
    }
}

/// What a run's output was written as, for [`breach`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// Any format but these two.
    Plain,
    /// `check --format github`: opx's own lines are workflow commands.
    Github,
    /// Markdown, which GitHub renders: nothing in it may ping or link.
    Markdown,
}

/// The filter's promise, checked on whole output (the fuzz target and the
/// tests hold every run to it): the first place where, once opx's own
/// colour codes are set aside (only when it wrote in colour: `coloured`),
/// a hidden character stands raw (a line may
/// end in CR LF), a line starts a workflow command other than an
/// annotation opx wrote (whose properties hold no `:`), a line holds
/// `##[`, or Markdown holds a `@name` or `#123` outside code.
pub fn breach(output: &str, written: Written, coloured: bool) -> Option<String> {
    let text = if coloured {
        without_colour(output)
    } else {
        Cow::Borrowed(output)
    };
    for (n, line) in text.split('\n').enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let at = |what: &str| Some(format!("line {}: {what}: {line:?}", n + 1));
        if let Some(c) = line.chars().find(|&c| is_hidden(c) && c != '\t') {
            return at(&format!("a raw {c:?}"));
        }
        let start = line.trim_start();
        if start.starts_with("::") && !start.starts_with(":::") {
            let annotation = ["::error ", "::warning ", "::notice "].iter().any(|c| {
                line.strip_prefix(c)
                    .and_then(|rest| rest.split_once("::"))
                    .is_some_and(|(properties, _)| !properties.contains(':'))
            });
            if written != Written::Github || !annotation {
                return at("a workflow command");
            }
        }
        if line.contains("##[") {
            return at("`##[`");
        }
    }
    if written == Written::Markdown {
        let (mut code, mut escaped) = (false, false);
        for (i, c) in text.char_indices() {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '`' {
                code = !code;
            } else if !code && quiet_mention(&text, i).is_some() {
                let end = text[i..]
                    .char_indices()
                    .nth(12)
                    .map_or(text.len(), |(j, _)| i + j);
                return Some(format!("a live mention or issue link: {:?}", &text[i..end]));
            }
        }
    }
    None
}

/// `text` without the colour codes opx writes (`ESC [ digits ; m`); any
/// other escape sequence stays, to be found.
fn without_colour(text: &str) -> Cow<'_, str> {
    if !text.contains('\u{1b}') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("\u{1b}[") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        match after.find(|c: char| !(c.is_ascii_digit() || c == ';')) {
            Some(end) if after[end..].starts_with('m') => rest = &after[end + 1..],
            _ => {
                out.push_str(&rest[at..at + 2]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_characters_become_escapes() {
        assert_eq!(
            visible("a\u{1b}]0;X\u{7}b\u{9b}2J\u{202e}c\u{200b}\u{7f}"),
            "a\\u{1b}]0;X\\u{7}b\\u{9b}2J\\u{202e}c\\u{200b}\\u{7f}"
        );
        assert_eq!(
            visible("one\r\ntwo\n\tthree\rfour"),
            "one\ntwo\n\tthree\\u{d}four"
        );
        assert_eq!(
            visible("\u{2066}\u{2069}\u{202a}\u{200f}\u{feff}\u{2028}\u{61c}"),
            "\\u{2066}\\u{2069}\\u{202a}\\u{200f}\\u{feff}\\u{2028}\\u{61c}"
        );
        // Text that needs nothing is not copied.
        assert!(matches!(visible("café ü → ✓"), Cow::Borrowed(_)));
        assert!(matches!(visible_line("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn one_line_shows_breaks() {
        assert_eq!(
            visible_line("x\n::add-mask::z\r\ny\rz\tw"),
            "x⏎::add-mask::z⏎y⏎z w"
        );
        assert_eq!(visible_line("\u{85}"), "\\u{85}");
    }

    #[test]
    fn no_output_character_is_hidden() {
        for c in (0..=0x3000u32).filter_map(char::from_u32) {
            let text = c.to_string();
            assert!(!visible(&text).contains(|c: char| is_hidden(c) && c != '\n' && c != '\t'));
            assert!(!visible_line(&text).contains(is_hidden), "{c:?}");
        }
    }

    #[test]
    fn log_lines_never_start_a_command() {
        let safe = |line: &str| String::from_utf8(log_line(line.as_bytes()).into_owned()).unwrap();
        assert_eq!(safe("::error title=X::y\n"), "\\u{3a}:error title=X::y\n");
        assert_eq!(safe("   \t::add-mask::z"), "   \t\\u{3a}:add-mask::z");
        assert_eq!(safe("\u{1b}[1m::warning::x"), "\u{1b}[1m\\u{3a}:warning::x");
        assert_eq!(
            safe("w ##[error]x ##[group]"),
            "w #\\u{23}[error]x #\\u{23}[group]"
        );
        assert_eq!(safe("a :: b"), "a :: b");
        assert_eq!(safe(":x"), ":x");
        // Found by fuzzing: a character of several bytes just before `##[`.
        assert_eq!(safe("\u{97}##[x"), "\u{97}#\\u{23}[x");
        assert_eq!(through(Escape::Json, "é##["), "é#\\u0023[");
        assert_eq!(without_marker("a ##[b] ##[c"), "a #\\u{23}[b] #\\u{23}[c");
        assert_eq!(safe("  ::: risks.toml:3:6"), "  ::: risks.toml:3:6");
    }

    #[test]
    fn the_guard_sees_lines_across_writes() {
        let mut out = Vec::new();
        log_safe(&mut out, |w| {
            w.write_all(b"ok\n  :")?;
            w.write_all(b":error::x #")?;
            w.write_all(b"#[y]\nlast ::")
        })
        .unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "ok\n  \\u{3a}:error::x #\\u{23}[y]\nlast ::"
        );
    }

    fn through(escape: Escape, text: &str) -> String {
        let mut out = Vec::new();
        guarded(&mut out, escape, |w| w.write_all(text.as_bytes())).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn machine_formats_escape_as_their_readers_decode() {
        let text = "  \"::error::x ##[y] \u{202e}\u{85}\u{1b}\"\n\t\"é ✓\"\n";
        let json = through(Escape::Json, text);
        assert_eq!(
            json,
            "  \"::error::x #\\u0023[y] \\u202e\\u0085\\u001b\"\n\t\"é ✓\"\n"
        );
        let xml = through(Escape::Xml, "<a b=\"\u{202e}\">::x ##[y]</a>\n::z\n");
        assert_eq!(xml, "<a b=\"&#x202e;\">::x #&#x23;[y]</a>\n&#x3a;:z\n");
        let html = through(Escape::Html, "<p>\u{202e}x</p>\n ::y\n");
        assert_eq!(html, "<p>\\u{202e}x</p>\n &#x3a;:y\n");
        // In a log, colour codes are opx's own and stay.
        assert_eq!(
            through(Escape::Log, "\u{1b}[1mok\u{1b}[0m\n"),
            "\u{1b}[1mok\u{1b}[0m\n"
        );
    }

    #[test]
    fn a_breach_is_found_and_named() {
        let plain = |text| breach(text, Written::Plain, true);
        assert_eq!(
            plain("ok\n\u{1b}[1;31mred\u{1b}[0m\r\n  ::: a.toml:1:1\n"),
            None
        );
        // Without colour, a colour code is a leak too.
        assert!(breach("\u{1b}[31mred", Written::Plain, false).is_some());
        assert!(plain("a\u{1b}[2Jb").unwrap().contains("a raw '\\u{1b}'"));
        assert!(plain("x\u{202e}").is_some());
        assert!(
            plain("  ::error::x")
                .unwrap()
                .contains("a workflow command")
        );
        assert!(plain("a ##[group]").unwrap().contains("`##[`"));
        let github = "::error file=a.toml,line=1,title=x::a::b\n";
        assert_eq!(breach(github, Written::Github, true), None);
        assert!(breach("::error file=a:b::c", Written::Github, true).is_some());
        assert!(breach(github, Written::Plain, true).is_some());
        let markdown = |text| breach(text, Written::Markdown, true);
        assert_eq!(markdown("`@team` \\`x\\` `#1` a@b.c #eng"), None);
        assert!(markdown("hi @team").is_some());
        assert!(markdown("\\`@team\\`").is_some());
        assert!(markdown("see #12").is_some());
    }

    #[test]
    fn mentions_and_issue_links_are_found() {
        assert_eq!(quiet_mention("hi @team now", 3), Some(5));
        assert_eq!(quiet_mention("@org/team-a", 0), Some(11));
        assert_eq!(quiet_mention("bob@example.com", 3), None);
        assert_eq!(quiet_mention("see #123.", 4), Some(4));
        assert_eq!(quiet_mention("repo#9", 4), Some(2));
        assert_eq!(quiet_mention("in #eng", 3), None);
        assert_eq!(quiet_mention("@ alone", 0), None);
        assert_eq!(quiet_mention("#", 0), None);
    }
}
