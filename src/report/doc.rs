//! A small document model for the reports that are read as documents
//! (`assess`, `plan`): headings, text, lists and tables, rendered either as
//! GitHub-flavoured Markdown or for a terminal. Each command builds its
//! document once; the two renderers never disagree on content.

use anstyle::Style;
use comfy_table::{ContentArrangement, Table, presets};

use super::markdown;
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

    /// Markdown, every piece of text escaped so that nothing a person wrote
    /// in the register turns into markup.
    pub fn markdown(&self) -> String {
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
                    out.push_str(&markdown::table(header, rows));
                    out.push('\n');
                }
            }
        }
        out.truncate(out.trim_end().len());
        out.push('\n');
        out
    }

    /// Plain text with tables drawn for a terminal; headings are bold.
    pub fn terminal(&self) -> String {
        let mut out = String::new();
        for block in &self.blocks {
            match block {
                Block::Heading(level, text) => {
                    let text = inert(text);
                    let style = if *level == 1 {
                        Style::new().bold().underline()
                    } else {
                        Style::new().bold()
                    };
                    out.push_str(&format!("{style}{text}{style:#}\n\n"));
                }
                Block::Text(text) => out.push_str(&format!("{}\n\n", inert(text))),
                Block::List(items) => {
                    for item in items {
                        out.push_str(&format!("  • {}\n", inert(item)));
                    }
                    out.push('\n');
                }
                Block::Table { header, rows } => {
                    let mut table = Table::new();
                    table
                        .load_style(presets::UTF8_FULL_CONDENSED)
                        .set_content_arrangement(ContentArrangement::Dynamic)
                        .set_header(header.clone());
                    for row in rows {
                        table.add_row(row.iter().map(|cell| inert(cell).into_owned()));
                    }
                    out.push_str(&format!("{table}\n\n"));
                }
            }
        }
        out.truncate(out.trim_end().len());
        out.push('\n');
        out
    }
}
