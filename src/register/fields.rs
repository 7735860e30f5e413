//! Typed reads from a spanned TOML table, each problem becoming a diagnostic.
//!
//! A [`Fields`] wraps one table and the keys the format allows in it. Unknown
//! keys are reported when it is made; each getter reports a wrong type, a
//! missing key or an unreadable value, and returns `None` so that validation
//! carries on and finds every other problem in the same run.

use std::ops::Range;

use jiff::civil::Date;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::diag::{Code, Diagnostic, MAX_NAME_CHARS, article, clip};
use crate::register::format::Table;
use crate::register::model::At;
use crate::scale::{Level, Scale};
use crate::source::{FileId, LineCol, Lines, Span};
use crate::suggest::did_you_mean;
use crate::units::ValueError;

/// The file being validated and the diagnostics found in it so far.
pub(crate) struct Sink<'d> {
    pub file: FileId,
    pub diagnostics: &'d mut Vec<Diagnostic>,
    /// The file's lines, for the few places the model keeps as line and column.
    pub lines: &'d Lines<'d>,
}

impl Sink<'_> {
    /// The line and column of a byte offset of the file.
    pub fn line_col(&self, offset: usize) -> LineCol {
        self.lines.line_col(offset)
    }

    pub fn span(&self, range: Range<usize>) -> Span {
        Span::new(self.file, range)
    }

    /// The file's text in `range`, as written.
    pub fn text(&self, range: Range<usize>) -> &str {
        self.lines.text().get(range).unwrap_or_default()
    }

    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    /// Reports a TOML syntax error from the parser.
    pub fn syntax_error(&mut self, error: &toml::de::Error) {
        let range = error.span().unwrap_or(0..0);
        let message = error
            .message()
            .lines()
            .next()
            .unwrap_or_default()
            .trim_end_matches('.');
        self.push(
            Diagnostic::new(Code::TomlSyntax, format!("invalid TOML: {message}"))
                .at(self.span(range), "here")
                .help("see https://toml.io for the syntax of TOML"),
        );
    }
}

pub(crate) struct Fields<'t, 'i> {
    table: &'t DeTable<'i>,
    /// Where a missing key is reported: the table's header or first line.
    anchor: Range<usize>,
    /// What the format says the table holds.
    format: &'static Table,
    /// How the table is named in messages: `[system]`, `[[risk]]`, ...
    name: &'static str,
    /// Known keys that an unknown key was taken for (`likelyhood` → `likelihood`):
    /// their absence is already explained by the unknown-key diagnostic.
    misspelt: Vec<&'static str>,
}

impl<'t, 'i> Fields<'t, 'i> {
    pub fn new(
        sink: &mut Sink<'_>,
        table: &'t DeTable<'i>,
        anchor: Range<usize>,
        format: &'static Table,
    ) -> Self {
        Self::within(sink, table, anchor, format, None)
    }

    /// A table under a header inside `parent`: a key of `parent` found in
    /// it was written after the header, and is told to move above it.
    pub fn nested(
        sink: &mut Sink<'_>,
        table: &'t DeTable<'i>,
        anchor: Range<usize>,
        format: &'static Table,
        parent: &'static Table,
    ) -> Self {
        Self::within(sink, table, anchor, format, Some(parent))
    }

    fn within(
        sink: &mut Sink<'_>,
        table: &'t DeTable<'i>,
        anchor: Range<usize>,
        format: &'static Table,
        parent: Option<&'static Table>,
    ) -> Self {
        let name = format.name;
        let mut misspelt = Vec::new();
        for key in table.keys() {
            if format.key(key.get_ref().as_ref()).is_none() {
                let key_text = key.get_ref().as_ref();
                let mut diag = Diagnostic::new(
                    Code::UnknownKey,
                    format!("unknown key `{}` in {name}", clip(key_text)),
                )
                .at(sink.span(key.span()), "unknown key");
                let misplaced = parent.and_then(|p| p.key(key_text)).is_some();
                diag = match did_you_mean(key_text, format.names()) {
                    _ if misplaced => diag.help(format!(
                        "`{key_text}` belongs above the {name} header: keys after a table header belong to the table"
                    )),
                    Some(best) => {
                        misspelt.push(best);
                        diag.help(format!("did you mean `{best}`?"))
                    }
                    None => diag.help(format!(
                        "{name} accepts: {}",
                        format.names().collect::<Vec<_>>().join(", ")
                    )),
                };
                sink.push(diag);
            }
        }
        Fields {
            table,
            anchor,
            format,
            name,
            misspelt,
        }
    }

    pub fn get(&self, key: &str) -> Option<&'t Spanned<DeValue<'i>>> {
        debug_assert!(
            self.format.key(key).is_some(),
            "`{key}` is read from {} but not declared in register::format",
            self.name
        );
        self.table.get(key)
    }

    /// Reports a wrong type at `value` and returns `None`.
    pub(crate) fn wrong_type<T>(
        &self,
        sink: &mut Sink<'_>,
        key: &str,
        value: &Spanned<DeValue<'_>>,
        expected: &str,
        help: Option<&str>,
    ) -> Option<T> {
        let mut diag = Diagnostic::new(
            Code::WrongType,
            format!(
                "`{key}` in {} must be {expected}, not {}",
                self.name,
                type_name(value.get_ref())
            ),
        )
        .at(sink.span(value.span()), format!("expected {expected}"));
        if let Some(help) = help {
            diag = diag.help(help);
        }
        sink.push(diag);
        None
    }

    pub fn missing(&self, sink: &mut Sink<'_>, key: &str, help: impl Into<String>) {
        if self.misspelt.contains(&key) {
            return;
        }
        sink.push(
            Diagnostic::new(
                Code::MissingKey,
                format!("{} is missing `{key}`", self.name),
            )
            .at(
                sink.span(self.anchor.clone()),
                format!("this table needs `{key}`"),
            )
            .help(help),
        );
    }

    /// A string with some text in it: an empty or blank string is never
    /// meaningful in a register (an owner of "" is no owner).
    pub fn string(&self, sink: &mut Sink<'_>, key: &str) -> Option<At<String>> {
        let value = self.get(key)?;
        match value.get_ref() {
            DeValue::String(s) if s.trim().is_empty() => {
                sink.push(
                    Diagnostic::new(
                        Code::InvalidValue,
                        format!("`{key}` in {} is empty", self.name),
                    )
                    .at(sink.span(value.span()), "empty")
                    .help(format!("write a value for `{key}`, or remove the key")),
                );
                None
            }
            DeValue::String(s) => Some(At {
                value: s.to_string(),
                span: sink.span(value.span()),
            }),
            other => {
                // A scalar written bare gets its text back in quotes.
                let help = match other {
                    DeValue::Integer(_) | DeValue::Float(_) | DeValue::Boolean(_) => {
                        let bare = sink.text(value.span()).trim();
                        format!(
                            "quote it: {key} = \"{}\"",
                            bare.chars().take(40).collect::<String>()
                        )
                    }
                    _ => format!("write a string: {key} = \"...\""),
                };
                self.wrong_type(sink, key, value, "a string", Some(&help))
            }
        }
    }

    pub fn required_string(
        &self,
        sink: &mut Sink<'_>,
        key: &str,
        help: &str,
    ) -> Option<At<String>> {
        if self.get(key).is_none() {
            self.missing(sink, key, help);
            return None;
        }
        self.string(sink, key)
    }

    /// An array of non-empty strings, each with its span.
    pub fn strings_at(&self, sink: &mut Sink<'_>, key: &str) -> Vec<At<String>> {
        let Some(value) = self.get(key) else {
            return Vec::new();
        };
        let DeValue::Array(items) = value.get_ref() else {
            return self
                .wrong_type(
                    sink,
                    key,
                    value,
                    "an array of strings",
                    Some(&format!("write {key} = [\"a\", \"b\"]")),
                )
                .unwrap_or_default();
        };
        let mut out = Vec::new();
        for item in items.iter() {
            match item.get_ref() {
                DeValue::String(s) if s.trim().is_empty() => sink.push(
                    Diagnostic::new(
                        Code::InvalidValue,
                        format!("`{key}` in {} holds an empty string", self.name),
                    )
                    .at(sink.span(item.span()), "empty")
                    .help("remove the empty entry"),
                ),
                DeValue::String(s) => out.push(At {
                    value: s.to_string(),
                    span: sink.span(item.span()),
                }),
                _ => {
                    self.wrong_type::<()>(sink, key, item, "an array of strings", None);
                }
            }
        }
        out
    }

    /// An array of non-empty strings.
    pub fn strings(&self, sink: &mut Sink<'_>, key: &str) -> Vec<String> {
        self.strings_at(sink, key)
            .into_iter()
            .map(|s| s.value)
            .collect()
    }

    pub fn table(
        &self,
        sink: &mut Sink<'_>,
        key: &str,
        help: &str,
    ) -> Option<(&'t DeTable<'i>, Range<usize>)> {
        let value = self.get(key)?;
        match value.get_ref() {
            DeValue::Table(t) => Some((t, value.span())),
            _ => self.wrong_type(sink, key, value, "a table", Some(help)),
        }
    }

    /// An array of tables (`[[risk]]`), with each table's span.
    pub fn tables(
        &self,
        sink: &mut Sink<'_>,
        key: &str,
        help: &str,
    ) -> Vec<(&'t DeTable<'i>, Range<usize>)> {
        let Some(value) = self.get(key) else {
            return Vec::new();
        };
        let DeValue::Array(items) = value.get_ref() else {
            return self
                .wrong_type(sink, key, value, "an array of tables", Some(help))
                .unwrap_or_default();
        };
        let mut out = Vec::new();
        for item in items.iter() {
            match item.get_ref() {
                DeValue::Table(t) => out.push((t, item.span())),
                _ => {
                    self.wrong_type::<()>(sink, key, item, "an array of tables", Some(help));
                }
            }
        }
        out
    }

    pub fn date(&self, sink: &mut Sink<'_>, key: &str) -> Option<At<Date>> {
        let value = self.get(key)?;
        let span = sink.span(value.span());
        match value.get_ref() {
            DeValue::Datetime(dt) => match (dt.date, dt.time) {
                (Some(d), None) => match Date::new(d.year as i16, d.month as i8, d.day as i8) {
                    Ok(date) if date > crate::dates::LAST_DAY => {
                        sink.push(
                            Diagnostic::new(
                                Code::InvalidDate,
                                format!(
                                    "`{key}` = {date} is past {}, the last day opx counts with",
                                    crate::dates::LAST_DAY
                                ),
                            )
                            .at(span, "too far ahead")
                            .help("write the real date: opx adds cadences to dates, and its calendar ends with 9999"),
                        );
                        None
                    }
                    Ok(date) => Some(At { value: date, span }),
                    Err(_) => {
                        sink.push(
                            Diagnostic::new(
                                Code::InvalidDate,
                                format!("`{key}` is not a date opx can use"),
                            )
                            .at(span, "out of range"),
                        );
                        None
                    }
                },
                _ => {
                    sink.push(
                        Diagnostic::new(
                            Code::InvalidDate,
                            format!("`{key}` must be a date without a time"),
                        )
                        .at(span, "expected a date such as 2026-12-31")
                        .help(format!("write {key} = {}", date_part(dt))),
                    );
                    None
                }
            },
            DeValue::String(s) => {
                let help = if s.parse::<Date>().is_ok() {
                    format!("write the date without quotes: {key} = {s}")
                } else {
                    format!("write a TOML date without quotes, such as {key} = 2026-12-31")
                };
                self.wrong_type(sink, key, value, "a date", Some(&help))
            }
            _ => self.wrong_type(
                sink,
                key,
                value,
                "a date",
                Some(&format!("write a TOML date, such as {key} = 2026-12-31")),
            ),
        }
    }

    /// A string read by `parse`; a failure is reported under `code`.
    pub fn parsed<T>(
        &self,
        sink: &mut Sink<'_>,
        key: &str,
        code: Code,
        expected: &str,
        parse: impl Fn(&str) -> Result<T, ValueError>,
    ) -> Option<At<T>> {
        let value = self.get(key)?;
        let DeValue::String(text) = value.get_ref() else {
            return self.wrong_type(
                sink,
                key,
                value,
                "a string",
                Some(&format!(
                    "write it in quotes, such as {key} = \"{expected}\""
                )),
            );
        };
        let span = sink.span(value.span());
        match parse(text) {
            Ok(v) => Some(At { value: v, span }),
            Err(e) => {
                sink.push(
                    Diagnostic::new(code, e.message)
                        .at(span, format!("invalid {key}"))
                        .help(e.help),
                );
                None
            }
        }
    }

    /// A level written as an integer 1-5 or a word of `scale`.
    pub fn level(&self, sink: &mut Sink<'_>, key: &str, scale: Scale) -> Option<Level> {
        let value = self.get(key)?;
        let span = sink.span(value.span());
        let result = match value.get_ref() {
            DeValue::Integer(n) => i64::from_str_radix(n.as_str(), n.radix())
                .map_err(|_| ValueError {
                    message: format!("{key} `{}` is out of range", n.as_str()),
                    help: "use 1-5".into(),
                })
                .and_then(|n| scale.from_integer(n)),
            DeValue::String(s) => scale.parse_word(s),
            other => {
                sink.push(
                    Diagnostic::new(
                        Code::WrongType,
                        format!(
                            "`{key}` must be a level (1-5 or a word), not {}",
                            type_name(other)
                        ),
                    )
                    .at(span, "expected 1-5 or a word")
                    .help(format!(
                        "write {key} = 4 or {key} = \"{}\"",
                        scale.word(Level::new(4).expect("4 is a level"))
                    )),
                );
                return None;
            }
        };
        result
            .map_err(|e| {
                sink.push(
                    Diagnostic::new(Code::InvalidLevel, e.message)
                        .at(span, format!("invalid {key}"))
                        .help(e.help),
                )
            })
            .ok()
    }
}

/// A TOML value's type as a user would name it.
pub(crate) fn type_name(value: &DeValue<'_>) -> &'static str {
    match value {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(dt) if dt.time.is_some() && dt.date.is_some() => "a date-time",
        DeValue::Datetime(dt) if dt.date.is_none() => "a time",
        DeValue::Datetime(_) => "a date",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

fn date_part(dt: &toml::value::Datetime) -> String {
    dt.date
        .map_or_else(|| "2026-12-31".to_string(), |d| d.to_string())
}

impl Fields<'_, '_> {
    /// A number of 0 or more, integer or not: a count or a rate from a measurement.
    pub fn count(&self, sink: &mut Sink<'_>, key: &str) -> Option<f64> {
        // A billion is past any count a team measures; beyond it, a typo.
        self.number_within(
            sink,
            key,
            |n| (0.0..=1e9).contains(&n),
            || {
                (
                    format!("`{key}` must be a number from 0 to a billion"),
                    format!("write {key} = 12"),
                )
            },
        )
    }

    /// A number above 0 and at most 1; `meaning` says what it is a share
    /// of for the hint ("a share of the budget").
    pub fn fraction(&self, sink: &mut Sink<'_>, key: &str, meaning: &str) -> Option<f64> {
        self.number_within(
            sink,
            key,
            |n| n > 0.0 && n <= 1.0,
            || {
                (
                    format!("`{key}` must lie above 0 and at most 1"),
                    format!("write {meaning}, such as {key} = 0.25 for 25%"),
                )
            },
        )
    }

    /// A TOML integer or float for which `fits` holds; else an error with
    /// `why`'s message and hint.
    fn number_within(
        &self,
        sink: &mut Sink<'_>,
        key: &str,
        fits: impl Fn(f64) -> bool,
        why: impl Fn() -> (String, String),
    ) -> Option<f64> {
        let value = self.get(key)?;
        let number = match value.get_ref() {
            DeValue::Integer(n) => i64::from_str_radix(n.as_str(), n.radix())
                .ok()
                .map(|n| n as f64),
            DeValue::Float(x) => x.as_str().parse::<f64>().ok(),
            _ => {
                let (_, hint) = why();
                return self.wrong_type(sink, key, value, "a number", Some(&hint));
            }
        };
        match number.filter(|&n| n.is_finite() && fits(n)) {
            Some(n) => Some(n),
            None => {
                let (message, hint) = why();
                sink.push(
                    Diagnostic::new(Code::InvalidValue, message)
                        .at(sink.span(value.span()), "out of range")
                        .help(hint),
                );
                None
            }
        }
    }

    pub fn boolean(&self, sink: &mut Sink<'_>, key: &str) -> Option<bool> {
        let value = self.get(key)?;
        match value.get_ref() {
            DeValue::Boolean(b) => Some(*b),
            _ => self.wrong_type(
                sink,
                key,
                value,
                "true or false",
                Some(&format!("write {key} = true")),
            ),
        }
    }
}

/// `name` if it is no longer than an id may be; else an `invalid-value`
/// error that quotes only its start.
pub(crate) fn name_within_limit(
    sink: &mut Sink<'_>,
    name: At<String>,
    what: &str,
) -> Option<At<String>> {
    let chars = name.value.chars().count();
    if chars <= MAX_NAME_CHARS {
        return Some(name);
    }
    sink.push(
        Diagnostic::new(
            Code::InvalidValue,
            format!(
                "`{}` is too long for {} {what} id: {chars} characters",
                clip(&name.value),
                article(what)
            ),
        )
        .at(name.span, format!("at most {MAX_NAME_CHARS} characters"))
        .help("use a short id, such as traffic-spike; the title says the rest"),
    );
    None
}

/// `text` as an id: lowercase, accents dropped (`Éclair` → `eclair`),
/// every run of other characters one `-`.
fn id_like(text: &str) -> String {
    let mut id = String::new();
    for c in text.to_lowercase().chars() {
        let plain = match c {
            'a'..='z' | '0'..='9' => Some(c.to_string()),
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ą' => Some("a".into()),
            'ç' | 'ć' | 'č' => Some("c".into()),
            'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ę' | 'ě' => Some("e".into()),
            'ì' | 'í' | 'î' | 'ï' | 'ī' => Some("i".into()),
            'ñ' | 'ń' | 'ň' => Some("n".into()),
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => Some("o".into()),
            'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' => Some("u".into()),
            'ý' | 'ÿ' => Some("y".into()),
            'ś' | 'š' => Some("s".into()),
            'ź' | 'ż' | 'ž' => Some("z".into()),
            'ł' => Some("l".into()),
            'ř' => Some("r".into()),
            'ť' => Some("t".into()),
            'ď' => Some("d".into()),
            'ß' => Some("ss".into()),
            'æ' => Some("ae".into()),
            'œ' => Some("oe".into()),
            _ => None,
        };
        match plain {
            Some(p) => id.push_str(&p),
            None if !id.is_empty() && !id.ends_with('-') => id.push('-'),
            None => {}
        }
    }
    id.trim_end_matches('-').to_string()
}

impl Fields<'_, '_> {
    /// An id of `what` (a system, a risk): a-z, 0-9 and -.
    pub fn id(&self, sink: &mut Sink<'_>, key: &str, what: &str) -> Option<At<String>> {
        let id = self.string(sink, key)?;
        let id = name_within_limit(sink, id, what)?;
        let valid = id
            .value
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if valid {
            return Some(id);
        }
        let suggestion = id_like(&id.value);
        let diag = Diagnostic::new(
            Code::InvalidValue,
            format!("`{}` is not a valid {what} id", clip(&id.value)),
        )
        .at(id.span, "ids use only a-z, 0-9 and -");
        sink.push(if suggestion.is_empty() {
            diag.help(format!("write an id such as \"{}\"", example_id(what)))
        } else {
            diag.help(format!("write it as \"{suggestion}\""))
        });
        None
    }

    /// A required id: reported when missing, with `help`.
    pub fn required_id(
        &self,
        sink: &mut Sink<'_>,
        key: &str,
        what: &str,
        help: &str,
    ) -> Option<At<String>> {
        if self.get(key).is_none() {
            self.missing(sink, key, help);
            return None;
        }
        self.id(sink, key, what)
    }

    /// One of a fixed set of words, such as a category or an action status.
    pub fn choice<T: Copy>(
        &self,
        sink: &mut Sink<'_>,
        key: &str,
        all: &[T],
        name: impl Fn(T) -> &'static str,
    ) -> Option<T> {
        let text = self.string(sink, key)?;
        if let Some(found) = all.iter().copied().find(|v| name(*v) == text.value) {
            return Some(found);
        }
        let names: Vec<&str> = all.iter().map(|v| name(*v)).collect();
        let help = match did_you_mean(&text.value, names.iter().copied()) {
            Some(best) => format!(
                "did you mean \"{best}\"? {key} is one of: {}",
                names.join(", ")
            ),
            None => format!("{key} is one of: {}", names.join(", ")),
        };
        sink.push(
            Diagnostic::new(
                Code::InvalidValue,
                format!("`{}` is not a valid {key}", clip(&text.value)),
            )
            .at(text.span, format!("unknown {key}"))
            .help(help),
        );
        None
    }

    /// A required choice: reported when missing, with `help`.
    pub fn required_choice<T: Copy>(
        &self,
        sink: &mut Sink<'_>,
        key: &str,
        all: &[T],
        name: impl Fn(T) -> &'static str,
        help: &str,
    ) -> Option<T> {
        if self.get(key).is_none() {
            self.missing(sink, key, help);
            return None;
        }
        self.choice(sink, key, all, name)
    }

    /// A required date: reported when missing, with `help`.
    pub fn required_date(&self, sink: &mut Sink<'_>, key: &str, help: &str) -> Option<At<Date>> {
        if self.get(key).is_none() {
            self.missing(sink, key, help);
            return None;
        }
        self.date(sink, key)
    }
}

fn example_id(what: &str) -> &'static str {
    match what {
        "system" => "checkout",
        "factor" => "operational-overload",
        _ => "traffic-spike",
    }
}

/// Where a gate rule is named: a level in `[rules]` (lowering it or not),
/// or a risk's waiver.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Setting {
    Level { lowering: bool },
    Waiver,
}

/// A gate rule's id, as `[rules]` or a waiver names it. A rule that
/// cannot be set there is an `invalid-rule` error that says why.
pub(crate) fn rule_id(sink: &mut Sink<'_>, text: &str, at: Span, setting: Setting) -> Option<Code> {
    use crate::diag::CodeKind;
    let rules = || {
        Code::ALL
            .iter()
            .filter(|c| c.kind() != CodeKind::Input)
            .map(|c| c.id())
    };
    let refuse = |sink: &mut Sink<'_>, message: String, help: String| {
        sink.push(
            Diagnostic::new(Code::InvalidRule, message)
                .at(at, "not a rule that can be set here")
                .help(help),
        );
        None
    };
    let Some(code) = Code::from_id(text) else {
        let help = match did_you_mean(text, rules()) {
            Some(best) => format!("did you mean `{best}`?"),
            None => format!(
                "name a gate rule: {}",
                rules().collect::<Vec<_>>().join(", ")
            ),
        };
        return refuse(
            sink,
            format!("`{}` is not a rule of opx's gate", clip(text)),
            help,
        );
    };
    let waiver = setting == Setting::Waiver;
    match code.kind() {
        CodeKind::Input => refuse(
            sink,
            format!("`{text}` is an input problem, not a gate rule"),
            "an input problem always stops opx; fix the register instead".to_string(),
        ),
        CodeKind::Guard if waiver || setting == (Setting::Level { lowering: true }) => refuse(
            sink,
            format!("`{text}` cannot be lowered or waived"),
            format!(
                "{text} is how the gate stops an unprotected risk; a risk leaves it by a done action that mitigates it, or an explicit, expiring [risk.accepted]"
            ),
        ),
        CodeKind::Oversight if waiver => refuse(
            sink,
            format!("`{text}` cannot be waived"),
            format!(
                "{text} keeps waivers and acceptances honest, so no waiver sets it aside; set its level in opx.toml's [rules] if the team judges it otherwise"
            ),
        ),
        _ if waiver && !code.waivable() => refuse(
            sink,
            format!("`{text}` is about a system, not a risk"),
            "a risk's waiver sets aside findings about that risk; set the rule's level in opx.toml's [rules] instead".to_string(),
        ),
        _ => Some(code),
    }
}

#[cfg(test)]
mod id_tests {
    use super::id_like;

    #[test]
    fn an_id_is_suggested_in_plain_lowercase() {
        assert_eq!(id_like("Traffic Spike"), "traffic-spike");
        assert_eq!(id_like("Dépôt de données!!"), "depot-de-donnees");
        assert_eq!(id_like("  --Straße 5--"), "strasse-5");
        assert_eq!(id_like("日本"), "");
    }
}
