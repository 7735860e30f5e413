//! GitHub-flavoured Markdown tables whose cells can hold any text.
//!
//! Text comes from people: a title may hold `|`, a backtick, a newline or
//! `<script>`. Every cell is escaped so the table never breaks and no text
//! turns into markup or HTML; a reader still sees the text as written.

/// Escapes text for one table cell: Markdown punctuation is
/// backslash-escaped, `<`, `>` and `&` become entities, line breaks `<br>`,
/// other control characters U+FFFD. An underscore inside a word
/// (`time_to_detect`) cannot start emphasis in GFM and stays as it is.
pub fn cell(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut previous = ' ';
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let next = chars.peek().copied().unwrap_or(' ');
        let intraword = previous.is_alphanumeric() && next.is_alphanumeric();
        previous = c;
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
                if chars.peek() != Some(&'\n') {
                    out.push_str("<br>");
                }
            }
            '\n' => out.push_str("<br>"),
            c if c.is_control() && c != '\t' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// A table with a header row; every cell is escaped here.
pub fn table<R: AsRef<[String]>>(header: &[&str], rows: impl IntoIterator<Item = R>) -> String {
    let line = |cells: Vec<String>| format!("| {} |\n", cells.join(" | "));
    let mut out = line(header.iter().map(|h| cell(h)).collect());
    out.push_str(&line(header.iter().map(|_| "---".to_string()).collect()));
    for row in rows {
        out.push_str(&line(row.as_ref().iter().map(|c| cell(c)).collect()));
    }
    out
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
        assert_eq!(cell("bell\u{7}"), "bell\u{FFFD}");
    }
}
