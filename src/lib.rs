//! opx keeps an operational risk register as code.
//!
//! Teams describe their systems and the risks to them in TOML files; opx
//! ranks the risks and gates CI on them. Data flows one way:
//!
//! [`register::load`] (files → validated model, collecting every input
//! problem) → `analysis::Analysis` (every risk and system assessed once:
//! [`score`] and `budget` do the maths, `history` the incidents) →
//! `check` (gate findings), `assess`, `plan`, `review`, `diff` →
//! [`report`] (one format per file). [`commands`] strings these together
//! for each subcommand and writes through the writers the binary hands it;
//! the library never prints on its own. The one way in from outside the
//! register is `measure`, which asks a Prometheus server ([`prometheus`])
//! and records what it says in the files (`rewrite`, shared with
//! [`mark`]).
//!
//! The library is here for opx's binary, tests, benchmarks and fuzz
//! targets, and has no stable API: what they need is public, the rest is
//! the crate's own, and either may change in any release.

pub(crate) mod analysis;
pub(crate) mod assess;
pub(crate) mod band;
pub(crate) mod budget;
pub(crate) mod check;
pub mod commands;
pub mod dates;
pub mod diag;
pub(crate) mod diff;
pub(crate) mod exception;
pub(crate) mod exercise;
pub(crate) mod explain;
pub(crate) mod factor;
pub(crate) mod history;
pub(crate) mod init;
pub mod mark;
pub(crate) mod matrix;
pub(crate) mod measure;
pub mod output;
pub(crate) mod overview;
mod parallel;
pub(crate) mod plan;
pub mod policy;
pub mod prometheus;
pub mod register;
pub mod report;
mod respell;
pub(crate) mod review;
pub(crate) mod rewrite;
pub mod scale;
pub mod schema;
pub mod score;
pub(crate) mod show;
pub mod simulate;
pub mod source;
mod suggest;
pub(crate) mod trend;
pub(crate) mod uncertainty;
pub(crate) mod units;
pub mod visible;
pub(crate) mod years;
