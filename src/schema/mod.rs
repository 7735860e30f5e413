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
    /// Every schema opx publishes.
    pub fn all() -> &'static [SchemaKind] {
        <SchemaKind as clap::ValueEnum>::value_variants()
    }

    /// The schema, as pretty JSON with a final newline.
    pub fn text(self) -> String {
        let mut text =
            serde_json::to_string_pretty(&self.schema()).expect("a schema always serialises");
        text.push('\n');
        text
    }

    fn schema(self) -> Value {
        use crate::report::*;
        match self {
            SchemaKind::Register => register::schema(),
            SchemaKind::Policy => register::policy(),
            SchemaKind::RankReport => of::<RankDocument<'static>>(),
            SchemaKind::CheckReport => of::<CheckDocument<'static>>(),
            SchemaKind::ReviewReport => of::<ReviewDocument<'static>>(),
            SchemaKind::MatrixReport => of::<MatrixDocument<'static>>(),
            SchemaKind::AssessReport => of::<AssessDocument<'static>>(),
            SchemaKind::MeasureReport => of::<MeasureDocument<'static>>(),
            SchemaKind::ShowReport => of::<ShowDocument<'static>>(),
            SchemaKind::DiffReport => of::<DiffDocument<'static>>(),
            SchemaKind::PlanReport => of::<PlanDocument<'static>>(),
            SchemaKind::TrendReport => of::<TrendDocument<'static>>(),
        }
    }

    /// The copy kept in the repository, beside this file: its name on the
    /// command line, `.schema.json` after it.
    pub fn file_name(self) -> String {
        let name = clap::ValueEnum::to_possible_value(&self)
            .map(|value| value.get_name().to_string())
            .unwrap_or_default();
        format!("{name}.schema.json")
    }
}

/// The schema of a report, generated from the type it is written from.
fn of<T: schemars::JsonSchema>() -> Value {
    SchemaSettings::draft07()
        .into_generator()
        .into_root_schema_for::<T>()
        .to_value()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The kept copies are what opx prints; after a deliberate change,
    /// `OPX_BLESS=1 cargo test schema` rewrites them.
    #[test]
    fn published_schemas_are_the_generated_ones() {
        let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/schema");
        for &kind in SchemaKind::all() {
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
