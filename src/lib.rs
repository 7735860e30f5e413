//! opx keeps an operational risk register as code.
//!
//! Teams describe their systems and the risks to them in TOML files; opx
//! ranks the risks and gates CI on them. Data flows one way:
//!
//! [`register::load`] (files → validated model, collecting every input
//! problem) → [`score`] (severity, exposure, state, rank order) →
//! [`check`] (gate findings) → [`report`] (one format per file).
//! [`commands`] strings these together for each subcommand. The library
//! never prints: it returns text and an exit status, and the binary writes.

pub mod assess;
pub mod budget;
pub mod check;
pub mod commands;
pub mod config;
pub mod diag;
pub mod diff;
pub mod mark;
pub mod monitor;
pub mod output;
pub mod plan;
pub mod register;
pub mod report;
pub mod review;
pub mod scale;
pub mod schema;
pub mod score;
pub mod source;
mod suggest;
