//! JSON written the way every opx report writes it: pretty, two spaces,
//! a final newline; long lists rendered in chunks on every core; and the
//! pieces several documents share.

use std::io::{self, Write};
use std::ops::Range;

use serde::Serialize;
use serde_json::ser::{Formatter, Serializer};

/// A done action to be shown working again, or for the first time, as
/// `review` and `plan` give it.
#[derive(Serialize, schemars::JsonSchema)]
#[schemars(deny_unknown_fields)]
pub(crate) struct DrillOut<'a> {
    system: &'a str,
    risk: &'a str,
    /// Its id within its risk, where it has one.
    action: Option<&'a str>,
    kind: &'static str,
    what: &'a str,
    /// The action's owner, else its risk's.
    owner: Option<&'a str>,
    /// Its last exercise; null when never.
    #[schemars(extend("format" = "date"))]
    exercised: Option<String>,
    every_days: u32,
    /// Null when it was never exercised: due now.
    #[schemars(extend("format" = "date"))]
    due: Option<String>,
    /// Past its cadence, or never exercised.
    overdue: bool,
}

impl<'a> DrillOut<'a> {
    pub(crate) fn of(
        risk: &'a crate::register::model::Risk,
        action: &'a crate::register::model::Action,
        facts: &crate::exercise::ActionFacts<'_>,
    ) -> Self {
        DrillOut {
            system: &risk.system,
            risk: &risk.id.value,
            action: action.id.as_ref().map(|id| id.value.as_str()),
            kind: action.kind.name(),
            what: &action.what,
            owner: action.owner.as_deref().or(risk.owner.as_deref()),
            exercised: facts.exercised.map(|d| d.to_string()),
            every_days: facts.every_days,
            due: facts.due.map(|d| d.to_string()),
            overdue: facts.stale(),
        }
    }
}

/// Rows rendered at a time, per chunk.
const CHUNK: usize = 256;

/// A document, pretty-printed, with a final newline.
pub(crate) fn write(out: &mut dyn Write, document: &impl Serialize) -> io::Result<()> {
    // The serialiser writes a few bytes at a time; gathered first, they
    // reach `out` (often the output filter) in large pieces.
    let mut buffered = io::BufWriter::with_capacity(1 << 16, &mut *out);
    serde_json::to_writer_pretty(&mut buffered, document)?;
    buffered.flush()?;
    drop(buffered);
    writeln!(out)
}

/// The items of a list that sits at `depth` in a pretty-printed document
/// (the list's own `[` already written), each as `item(i)` makes it,
/// rendered in chunks on every core and written in order, then the
/// closing `]`. Byte for byte what a pretty serialiser writes.
pub(crate) fn write_list<T: Serialize>(
    out: &mut dyn Write,
    depth: usize,
    count: usize,
    item: impl Fn(usize) -> T + Sync,
) -> io::Result<()> {
    let chunks: Vec<Range<usize>> = (0..count)
        .step_by(CHUNK)
        .map(|start| start..(start + CHUNK).min(count))
        .collect();
    crate::parallel::in_order(
        chunks,
        |range| {
            let mut buffer = Vec::with_capacity(range.len() * 1024);
            for i in range {
                buffer.extend_from_slice(if i == 0 { b"\n" } else { b",\n" });
                buffer.extend(std::iter::repeat_n(b' ', 2 * (depth + 1)));
                let mut serializer = Serializer::with_formatter(&mut buffer, Nested::at(depth + 1));
                item(i)
                    .serialize(&mut serializer)
                    .expect("a report item always serialises");
            }
            buffer
        },
        |buffer| out.write_all(&buffer),
    )?;
    if count > 0 {
        out.write_all(b"\n")?;
        indent(out, depth)?;
    }
    out.write_all(b"]")
}

fn indent(out: &mut (impl Write + ?Sized), depth: usize) -> io::Result<()> {
    for _ in 0..depth {
        out.write_all(b"  ")?;
    }
    Ok(())
}

/// serde_json's pretty formatter, starting `depth` levels in.
struct Nested {
    depth: usize,
    has_value: bool,
}

impl Nested {
    fn at(depth: usize) -> Nested {
        Nested {
            depth,
            has_value: false,
        }
    }
}

impl Formatter for Nested {
    fn begin_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        writer.write_all(b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            writer.write_all(b"\n")?;
            indent(writer, self.depth)?;
        }
        writer.write_all(b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        writer.write_all(if first { b"\n" } else { b",\n" })?;
        indent(writer, self.depth)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        writer.write_all(b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            writer.write_all(b"\n")?;
            indent(writer, self.depth)?;
        }
        writer.write_all(b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        writer.write_all(if first { b"\n" } else { b",\n" })?;
        indent(writer, self.depth)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        writer.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Doc {
        version: u32,
        items: Vec<Item>,
    }

    #[derive(Serialize, Clone)]
    struct Item {
        id: usize,
        tags: Vec<&'static str>,
        empty: Vec<u8>,
        nested: Option<Box<Item>>,
    }

    fn item(id: usize) -> Item {
        Item {
            id,
            tags: vec!["a", "b"],
            empty: Vec::new(),
            nested: id.is_multiple_of(2).then(|| {
                Box::new(Item {
                    id: id + 1,
                    tags: Vec::new(),
                    empty: Vec::new(),
                    nested: None,
                })
            }),
        }
    }

    /// The streamed list is byte for byte what serde_json writes whole.
    #[test]
    fn a_streamed_list_is_what_the_serialiser_writes() {
        for count in [0, 1, 2, CHUNK, CHUNK + 3, 3 * CHUNK] {
            let whole = serde_json::to_string_pretty(&Doc {
                version: 1,
                items: (0..count).map(item).collect(),
            })
            .unwrap();
            let mut streamed = b"{\n  \"version\": 1,\n  \"items\": [".to_vec();
            write_list(&mut streamed, 1, count, item).unwrap();
            streamed.extend_from_slice(b"\n}");
            assert_eq!(String::from_utf8(streamed).unwrap(), whole, "{count} items");
        }
    }
}
