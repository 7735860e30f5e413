//! The documentation holds: every ```console example of the README and of
//! the book (`docs/src/*.md`) is run against opx and must print what it
//! shows, and every relative link leads to a file and a heading that exist.
//!
//! The examples run from the repository's root, without colour, 80 columns
//! wide; each fixes its day with `--today`. A line `...` stands for any
//! lines, and `? failed` after a command for exit status 1. Output ends
//! with a blank line, which stands for its last line break. After a
//! deliberate change of output: `TRYCMD=overwrite cargo test --test docs`,
//! then read the diff. `cargo` commands (the README's quick start, which
//! .ci/run runs itself) are shown, not run.

use std::path::{Path, PathBuf};

use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};

#[test]
fn console_examples_print_what_they_show() {
    trycmd::TestCases::new()
        .env("NO_COLOR", "1")
        .env("COLUMNS", "80")
        .register_bin("opx", trycmd::cargo::cargo_bin("opx"))
        .register_bin("cargo", trycmd::schema::Bin::Ignore)
        .case("README.md")
        .case("docs/src/*.md");
}

/// The README and every chapter of the book.
fn documents() -> Vec<PathBuf> {
    let mut files = vec![PathBuf::from("README.md")];
    let mut chapters: Vec<PathBuf> = std::fs::read_dir("docs/src")
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "md"))
        .collect();
    chapters.sort();
    files.extend(chapters);
    files
}

/// A heading's anchor as GitHub and mdBook make it: lower case, spaces as
/// `-`, and only letters, digits, `-` and `_` kept.
fn anchor(heading: &str) -> String {
    heading
        .chars()
        .filter_map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                Some(c.to_ascii_lowercase())
            } else if c.is_whitespace() {
                Some('-')
            } else {
                None
            }
        })
        .collect()
}

fn anchors(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut heading: Option<String> = None;
    for event in Parser::new(text) {
        match event {
            Event::Start(Tag::Heading { .. }) => heading = Some(String::new()),
            Event::Text(t) | Event::Code(t) => {
                if let Some(h) = heading.as_mut() {
                    h.push_str(&t);
                }
            }
            Event::End(TagEnd::Heading(_)) => found.extend(heading.take().map(|h| anchor(&h))),
            _ => {}
        }
    }
    found
}

fn links(text: &str) -> Vec<String> {
    Parser::new(text)
        .filter_map(|event| match event {
            Event::Start(Tag::Link { dest_url, .. }) => Some(dest_url.to_string()),
            _ => None,
        })
        .collect()
}

#[test]
fn relative_links_lead_to_files_and_headings_that_exist() {
    let mut broken = Vec::new();
    for document in documents() {
        let text = std::fs::read_to_string(&document).unwrap();
        for link in links(&text) {
            if link.contains("://") || link.starts_with("mailto:") {
                continue;
            }
            let (path, fragment) = link.split_once('#').unwrap_or((&link, ""));
            let target = if path.is_empty() {
                document.clone()
            } else {
                document.parent().unwrap_or(Path::new("")).join(path)
            };
            if !target.exists() {
                broken.push(format!("{}: {link}: no file", document.display()));
                continue;
            }
            if !fragment.is_empty() {
                let target_text = std::fs::read_to_string(&target).unwrap_or_default();
                if !anchors(&target_text).iter().any(|a| a == fragment) {
                    broken.push(format!("{}: {link}: no such heading", document.display()));
                }
            }
        }
    }
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn every_chapter_is_in_the_summary_and_each_opens_with_one_title() {
    let summary = std::fs::read_to_string("docs/src/SUMMARY.md").unwrap();
    let listed = links(&summary);
    for chapter in documents().into_iter().skip(1) {
        let name = chapter.file_name().unwrap().to_string_lossy().into_owned();
        if name == "SUMMARY.md" {
            continue;
        }
        assert!(listed.contains(&name), "{name} is not in SUMMARY.md");
        let text = std::fs::read_to_string(&chapter).unwrap();
        let titles = Parser::new(&text)
            .filter(|e| {
                matches!(
                    e,
                    Event::Start(Tag::Heading {
                        level: HeadingLevel::H1,
                        ..
                    })
                )
            })
            .count();
        assert_eq!(titles, 1, "{name} has {titles} top-level headings");
    }
}

#[test]
fn the_readme_stays_a_front_door() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let lines = readme.lines().count();
    assert!(
        lines < 300,
        "README.md has {lines} lines; the reference lives in docs/"
    );
    // The two commands that work with only the Rust toolchain, which
    // .ci/run runs as written here.
    let ci = std::fs::read_to_string(".ci/run").unwrap();
    for command in [
        "cargo run --release -- rank examples/checkout.toml",
        "cargo test",
    ] {
        assert!(readme.contains(&format!("$ {command}\n")), "{command}");
    }
    assert!(ci.contains("cargo run --release --quiet -- rank examples/checkout.toml"));
    assert!(ci.contains("\ncargo test"));
}
