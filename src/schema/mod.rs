//! The published JSON Schemas: the register format and the policy (for
//! editors) and the JSON reports (for scripts). `opx schema` prints them.
//!
//! Each is generated from what defines it: the register's from the tables
//! of `crate::register::format`, which the validators read; the reports'
//! from the types the reports are written from. A copy of each is kept in
//! this folder so a change shows in review, and a test holds the copies
//! to what is generated.

mod register;

use schemars::generate::SchemaSettings;
use serde_json::Value;

/// Which schema to print.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SchemaKind {
    /// A register file (format version 1)
    Register,
    /// The policy, opx.toml: the gate's settings and the risk matrix
    Policy,
    /// The document `opx rank --format json` writes
    RankReport,
    /// The document `opx check --format json` writes
    CheckReport,
    /// The document `opx review --format json` writes
    ReviewReport,
    /// The document `opx matrix --format json` writes
    MatrixReport,
    /// The document `opx assess --format json` writes
    AssessReport,
    /// The document `opx measure --format json` writes
    MeasureReport,
    /// The document `opx show --format json` writes, of a risk or a factor
    ShowReport,
    /// The document `opx diff --format json` writes
    DiffReport,
    /// The document `opx plan --format json` writes
    PlanReport,
    /// The document `opx trend --format json` writes
    TrendReport,
}

impl SchemaKind {
    pub const ALL: [SchemaKind; 12] = [
        SchemaKind::Register,
        SchemaKind::Policy,
        SchemaKind::RankReport,
        SchemaKind::CheckReport,
        SchemaKind::ReviewReport,
        SchemaKind::MatrixReport,
        SchemaKind::AssessReport,
        SchemaKind::MeasureReport,
        SchemaKind::ShowReport,
        SchemaKind::DiffReport,
        SchemaKind::PlanReport,
        SchemaKind::TrendReport,
    ];

    /// The schema, as pretty JSON with a final newline.
    pub fn text(self) -> String {
        let mut text =
            serde_json::to_string_pretty(&self.schema()).expect("a schema always serialises");
        text.push('\n');
        text
    }

    fn schema(self) -> Value {
        let generator = || SchemaSettings::draft07().into_generator();
        match self {
            SchemaKind::Register => register::schema(),
            SchemaKind::Policy => register::policy(),
            SchemaKind::RankReport => generator()
                .into_root_schema_for::<crate::report::RankDocument<'static>>()
                .to_value(),
            SchemaKind::CheckReport => generator()
                .into_root_schema_for::<crate::report::CheckDocument<'static>>()
                .to_value(),
            SchemaKind::ReviewReport => generator()
                .into_root_schema_for::<crate::report::ReviewDocument<'static>>()
                .to_value(),
            SchemaKind::MatrixReport => generator()
                .into_root_schema_for::<crate::report::MatrixDocument<'static>>()
                .to_value(),
            SchemaKind::AssessReport => generator()
                .into_root_schema_for::<crate::report::AssessDocument<'static>>()
                .to_value(),
            SchemaKind::MeasureReport => generator()
                .into_root_schema_for::<crate::report::MeasureDocument<'static>>()
                .to_value(),
            SchemaKind::ShowReport => generator()
                .into_root_schema_for::<crate::report::ShowDocument<'static>>()
                .to_value(),
            SchemaKind::DiffReport => generator()
                .into_root_schema_for::<crate::report::DiffDocument<'static>>()
                .to_value(),
            SchemaKind::PlanReport => generator()
                .into_root_schema_for::<crate::report::PlanDocument<'static>>()
                .to_value(),
            SchemaKind::TrendReport => generator()
                .into_root_schema_for::<crate::report::TrendDocument<'static>>()
                .to_value(),
        }
    }

    /// The copy kept in the repository, beside this file.
    pub fn file_name(self) -> &'static str {
        match self {
            SchemaKind::Register => "register.schema.json",
            SchemaKind::Policy => "policy.schema.json",
            SchemaKind::RankReport => "rank-report.schema.json",
            SchemaKind::CheckReport => "check-report.schema.json",
            SchemaKind::ReviewReport => "review-report.schema.json",
            SchemaKind::MatrixReport => "matrix-report.schema.json",
            SchemaKind::AssessReport => "assess-report.schema.json",
            SchemaKind::MeasureReport => "measure-report.schema.json",
            SchemaKind::ShowReport => "show-report.schema.json",
            SchemaKind::DiffReport => "diff-report.schema.json",
            SchemaKind::PlanReport => "plan-report.schema.json",
            SchemaKind::TrendReport => "trend-report.schema.json",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The kept copies are what opx prints; after a deliberate change,
    /// `OPX_BLESS=1 cargo test schema` rewrites them.
    #[test]
    fn published_schemas_are_the_generated_ones() {
        let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/schema");
        for kind in SchemaKind::ALL {
            let path = folder.join(kind.file_name());
            let generated = kind.text();
            if std::env::var_os("OPX_BLESS").is_some() {
                std::fs::write(&path, &generated).unwrap();
            }
            let published = std::fs::read_to_string(&path).unwrap();
            assert!(
                published == generated,
                "{} differs from what opx generates; run `OPX_BLESS=1 cargo test schema` and review the diff",
                kind.file_name()
            );
        }
    }
}
