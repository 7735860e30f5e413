//! `opx init`: a starter register and policy, that `opx check` passes as
//! written, for a team to edit.

use std::path::{Path, PathBuf};

use jiff::civil::Date;

use crate::dates::add_days;

const REGISTER: &str = include_str!("init/risks.toml");
const POLICY: &str = include_str!("init/opx.toml");

/// The files `opx init` writes in `folder`, and their text for `today`:
/// review dates are today's, due dates and the acceptance's end lie ahead.
pub fn files(folder: &Path, today: Date) -> Vec<(PathBuf, String)> {
    let register = REGISTER
        .replace("{TODAY...}", &today.to_string())
        .replace("{DRILL...}", &add_days(today, -20).to_string())
        .replace("{DUE.....}", &add_days(today, 30).to_string())
        .replace("{UNTIL...}", &add_days(today, 90).to_string())
        .replace("{INCIDENT}", &add_days(today, -30).to_string());
    vec![
        (folder.join("risks.toml"), register),
        (
            folder.join(crate::register::CONFIG_FILE_NAME),
            POLICY.to_string(),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::register::format;

    /// Every key of the format is in the starter register, set or shown in
    /// a comment, and every policy key in the starter policy.
    #[test]
    fn the_starter_files_show_every_key() {
        for table in [
            &format::SYSTEM,
            &format::SLO,
            &format::BASELINE,
            &format::MEASURE,
            &format::FACTOR,
            &format::FACTOR_ACTION,
            &format::RISK,
            &format::ACTION,
            &format::ACCEPTED,
            &format::INCIDENT,
        ] {
            for key in table.keys {
                assert!(
                    REGISTER.contains(&format!("\n{} = ", key.name))
                        || REGISTER.contains(&format!("\n# {} = ", key.name))
                        || REGISTER.contains(&format!("\n[{}", key.name))
                        || REGISTER.contains(&format!("[system.{}]", key.name))
                        || REGISTER.contains(&format!("[risk.{}]", key.name))
                        || REGISTER.contains(&format!("[[risk.{}]]", key.name)),
                    "{} of {} is not in the starter register",
                    key.name,
                    table.name
                );
            }
        }
        for key in crate::policy::POLICY.keys {
            assert!(
                POLICY.contains(&format!("{} = ", key.name))
                    || POLICY.contains(&format!("[{}]", key.name)),
                "{}",
                key.name
            );
        }
    }

    /// The starter register is valid, and the gate finds nothing in it
    /// under the starter policy, which counts only exercised mitigation.
    #[test]
    fn the_starter_register_passes_the_gate() {
        use crate::policy::{self, Mitigation, Overrides};
        let today: Date = "2026-11-27".parse().unwrap();
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files(dir.path(), today) {
            std::fs::write(path, text).unwrap();
        }
        let limits = crate::register::Limits::default();
        let mut loaded = crate::register::load(&[dir.path().join("risks.toml")], limits);
        let policy = policy::resolve(
            Some(&dir.path().join("opx.toml")),
            Overrides::default(),
            limits,
            &mut loaded.sources,
            &mut loaded.diagnostics,
        );
        assert!(loaded.diagnostics.is_empty(), "{:#?}", loaded.diagnostics);
        assert_eq!(policy.mitigation, Mitigation::Exercised);
        assert_eq!(policy.max_miss_probability, Some(0.1));
        let analysis = crate::analysis::Analysis::new(&loaded.register, today, &policy);
        let checked = crate::check::check(&analysis, &policy);
        assert!(checked.findings.is_empty(), "{:#?}", checked.findings);
    }
}
