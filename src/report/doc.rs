//! A small document model for the reports that are read as documents
//! (`assess`, `plan`): headings, text, lists and tables, rendered either as
//! GitHub-flavoured Markdown or for a terminal. Each command builds its
//! document once; the two renderers never disagree on content.

use std::io::{self, Write};

use anstyle::Style;

use super::grid::{Cell, Grid};
use super::{markdown, paint};
use crate::diag::inert;

#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A heading, level 1 to 3.
    Heading(u8, String),
    Text(String),
    List(Vec<String>),
    Table {
        header: Vec<&'static str>,
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

    pub fn table(&mut self, header: Vec<&'static str>, rows: Vec<Vec<String>>) {
        self.blocks.push(Block::Table { header, rows });
    }

    /// Writes Markdown, every piece of text escaped so that nothing a
    /// person wrote in the register turns into markup.
    pub fn write_markdown(&self, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(self.markdown().as_bytes())
    }

    /// Writes plain text with tables drawn for a terminal; headings are
    /// bold on a colour terminal.
    pub fn write_terminal(&self, out: &mut dyn Write, colour: bool) -> io::Result<()> {
        out.write_all(self.terminal(colour).as_bytes())
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
                Block::Table { header, rows } => {
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

    fn terminal(&self, colour: bool) -> String {
        let mut out = String::new();
        for block in &self.blocks {
            match block {
                Block::Heading(level, text) => {
                    let style = if *level == 1 {
                        Style::new().bold().underline()
                    } else {
                        Style::new().bold()
                    };
                    out.push_str(&paint(&inert(text), style, colour));
                    out.push_str("\n\n");
                }
                Block::Text(text) => out.push_str(&format!("{}\n\n", inert(text))),
                Block::List(items) => {
                    for item in items {
                        out.push_str(&format!("  • {}\n", inert(item)));
                    }
                    out.push('\n');
                }
                Block::Table { header, rows } => {
                    let mut grid = Grid::new(header, &[], colour);
                    let rows: Vec<Vec<Cell<'_>>> = rows
                        .iter()
                        .map(|row| row.iter().map(|c| Cell::new(c.as_str())).collect())
                        .collect();
                    let mut table = Vec::new();
                    grid.write_all(&mut table, &rows)
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
}
