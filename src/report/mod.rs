//! Output formats. Each format lives in its own file and turns already
//! computed results into text; none of them decides anything.
//!
//! Renderers return `String`s that may hold ANSI styles; the binary's
//! stream strips them when colour is off, so no renderer checks the terminal.

mod check_human;
mod rank_json;
mod rank_table;

use jiff::civil::Date;

use crate::diag::Diagnostic;
use crate::register::model::Register;
use crate::score::Ranked;
use crate::source::Sources;

/// What every rank format is given.
pub struct RankContext<'a> {
    pub ranked: &'a [Ranked<'a>],
    pub register: &'a Register,
    pub sources: &'a Sources,
    pub today: Date,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RankFormat {
    Table,
    Json,
}

impl RankFormat {
    pub fn render(self, ctx: &RankContext<'_>) -> String {
        match self {
            RankFormat::Table => rank_table::render(ctx),
            RankFormat::Json => rank_json::render(ctx),
        }
    }
}

/// What every check format is given.
pub struct CheckContext<'a> {
    pub findings: &'a [Diagnostic],
    pub risks_checked: usize,
    pub sources: &'a Sources,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckFormat {
    Human,
}

impl CheckFormat {
    pub fn render(self, ctx: &CheckContext<'_>) -> String {
        match self {
            CheckFormat::Human => check_human::render(ctx),
        }
    }
}
