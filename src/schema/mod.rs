//! The published JSON Schemas: the register format (for editors) and the
//! JSON reports (for scripts). `opx schema` prints them; tests hold opx's
//! own files and outputs to them.

/// Which schema to print.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemaKind {
    /// A register file, version 1.
    Register,
    /// `opx rank --format json`, version 1.
    RankReport,
    /// `opx check --format json`, version 1.
    CheckReport,
}

impl SchemaKind {
    pub fn text(self) -> &'static str {
        match self {
            SchemaKind::Register => include_str!("register.schema.json"),
            SchemaKind::RankReport => include_str!("rank-report.schema.json"),
            SchemaKind::CheckReport => include_str!("check-report.schema.json"),
        }
    }
}
