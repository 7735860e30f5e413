//! opx keeps an operational risk register as code.
//!
//! Teams describe their systems and the risks to them in TOML files; opx
//! ranks the risks and gates CI on them. Data flows one way:
//!
//! [`register::load`] (files → validated model, collecting every input
//! problem) → [`analysis::Analysis`] (every risk and system assessed once:
//! [`score`] and [`budget`] do the maths, [`history`] the incidents) →
//! [`check`] (gate findings), [`assess`], [`plan`], [`review`], [`diff`] →
//! [`report`] (one format per file). [`commands`] strings these together
//! for each subcommand and writes through the writers the binary hands it;
//! the library never prints on its own. The one way in from outside the
//! register is [`measure`], which asks a Prometheus server ([`prometheus`])
//! and records what it says in the files ([`rewrite`], shared with
//! [`mark`]).

pub mod analysis;
pub mod assess;
pub mod band;
pub mod budget;
pub mod check;
pub mod commands;
pub mod dates;
pub mod diag;
pub mod diff;
pub mod exception;
pub mod exercise;
pub mod explain;
pub mod factor;
pub mod history;
pub mod init;
pub mod mark;
pub mod matrix;
pub mod measure;
pub mod output;
pub mod overview;
mod parallel;
pub mod plan;
pub mod policy;
pub mod prometheus;
pub mod register;
pub mod report;
mod respell;
pub mod review;
pub mod rewrite;
pub mod scale;
pub mod schema;
pub mod score;
pub mod show;
pub mod simulate;
pub mod source;
mod suggest;
pub mod trend;
pub mod uncertainty;
pub mod units;
pub mod visible;
