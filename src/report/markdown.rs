//! GitHub-flavoured Markdown tables whose cells can hold any text.
//!
//! Text comes from people: a title may hold `|`, a backtick, a newline or
//! `<script>`. Every cell is escaped so the table never breaks and no text
//! turns into markup or HTML; a reader still sees the text as written.

use std::io::{self, Write};

use crate::visible::{is_hidden, quiet_mention, visible};

/// Escapes text for one table cell: Markdown punctuation is
/// backslash-escaped, `<`, `>` and `&` become entities, line breaks `<br>`,
/// other hidden characters visible escapes (`\u{202e}`, see
/// [`crate::visible`]). An underscore inside a word (`time_to_detect`)
/// cannot start emphasis in GFM and stays as it is. A `@name` or `#123`
/// goes in a code span, where GitHub neither pings nor links: an entity
/// (`&#64;`) would not do, as GitHub decodes it before it links.
pub fn cell(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut previous = ' ';
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let next = chars.peek().map_or(' ', |&(_, c)| c);
        let intraword = previous.is_alphanumeric() && next.is_alphanumeric();
        previous = c;
        if let Some(len) = quiet_mention(text, i) {
            out.push('`');
            out.push_str(&text[i..i + len]);
            out.push('`');
            while chars.next_if(|&(j, _)| j < i + len).is_some() {}
            previous = text[..i + len].chars().next_back().unwrap_or(c);
            continue;
        }
        match c {
            '_' if intraword => out.push('_'),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' | '$' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\r' => {
                if next != '\n' {
                    out.push_str("<br>");
                }
            }
            '\n' => out.push_str("<br>"),
            '\t' => out.push('\t'),
            c if is_hidden(c) => out.push_str(&visible(c.encode_utf8(&mut [0; 4]))),
            c => out.push(c),
        }
    }
    out
}

/// A table's header row and its separator.
pub fn write_header(out: &mut dyn Write, header: &[&str]) -> io::Result<()> {
    write_row(out, header)?;
    write_row(out, &vec!["---"; header.len()])
}

/// One table row; every cell is escaped here.
pub fn write_row<S: AsRef<str>>(out: &mut dyn Write, cells: &[S]) -> io::Result<()> {
    let mut line = String::from("|");
    for c in cells {
        line.push(' ');
        line.push_str(&cell(c.as_ref()));
        line.push_str(" |");
    }
    writeln!(out, "{line}")
}

/// A whole table with a header row.
pub fn write_table<R: AsRef<[String]>>(
    out: &mut dyn Write,
    header: &[&str],
    rows: impl IntoIterator<Item = R>,
) -> io::Result<()> {
    write_header(out, header)?;
    for row in rows {
        write_row(out, row.as_ref())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_escape_what_would_break_a_table_or_become_markup() {
        assert_eq!(cell("a|b"), "a\\|b");
        assert_eq!(cell("`x`"), "\\`x\\`");
        assert_eq!(cell("<script>"), "&lt;script&gt;");
        assert_eq!(
            cell("one\ntwo\r\nthree\rfour"),
            "one<br>two<br>three<br>four"
        );
        assert_eq!(cell("=1+1, \"q\""), "=1+1, \"q\"");
        assert_eq!(cell("time_to_detect _x_"), "time_to_detect \\_x\\_");
        assert_eq!(cell("bell\u{7}"), "bell\\u{7}");
        assert_eq!(
            cell("a\u{202e}b\u{200b}c\u{85}"),
            "a\\u{202e}b\\u{200b}c\\u{85}"
        );
    }

    #[test]
    fn mentions_and_issue_links_go_in_code() {
        assert_eq!(cell("ask @team, see #12"), "ask `@team`, see `#12`");
        assert_eq!(cell("@org/sre-team_x!"), "`@org/sre-team_x`!");
        assert_eq!(cell("bob@example.com in #eng"), "bob@example.com in #eng");
    }
}
