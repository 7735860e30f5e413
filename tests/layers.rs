//! The library's modules form layers: no module reaches, through the
//! modules it uses, back to itself. Read from the source as written
//! (`crate::module` outside comments and tests), for each top-level
//! module of `src/` with its folder.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The binary's own files, which use the library from outside.
const BINARY: [&str; 5] = ["main", "cli", "completion", "manual", "lib"];

/// Each top-level module, and the top-level modules its code names.
fn uses() -> BTreeMap<String, BTreeSet<String>> {
    let mut uses: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut files = vec![Path::new("src").to_path_buf()];
    while let Some(path) = files.pop() {
        if path.is_dir() {
            for entry in std::fs::read_dir(&path).unwrap() {
                files.push(entry.unwrap().path());
            }
            continue;
        }
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let relative = path.strip_prefix("src").unwrap();
        let first = relative.components().next().unwrap();
        let module = first
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_string();
        if BINARY.contains(&module.as_str()) {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        // A file's tests may reach anywhere.
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        let named = uses.entry(module.clone()).or_default();
        for line in code.lines().filter(|l| !l.trim_start().starts_with("//")) {
            for (at, _) in line.match_indices("crate::") {
                let rest = &line[at + "crate::".len()..];
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_')
                    .collect();
                if !name.is_empty() && name != module {
                    named.insert(name);
                }
            }
        }
    }
    uses
}

/// A path `from → … → from`, if there is one.
fn cycle(uses: &BTreeMap<String, BTreeSet<String>>, from: &str) -> Option<Vec<String>> {
    let mut paths = vec![vec![from.to_string()]];
    let mut seen = BTreeSet::new();
    while let Some(path) = paths.pop() {
        let last = path.last().unwrap();
        for next in uses.get(last).into_iter().flatten() {
            if next == from {
                let mut found = path.clone();
                found.push(next.clone());
                return Some(found);
            }
            if seen.insert(next.clone()) {
                let mut longer = path.clone();
                longer.push(next.clone());
                paths.push(longer);
            }
        }
    }
    None
}

#[test]
fn no_module_reaches_back_to_itself() {
    let uses = uses();
    assert!(uses.contains_key("analysis") && uses.contains_key("report"));
    for module in uses.keys() {
        if let Some(path) = cycle(&uses, module) {
            panic!("an import cycle: {}", path.join(" → "));
        }
    }
}
