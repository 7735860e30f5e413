//! `opx trend`: a register's history read from git, in a real repository
//! made for the test: three commits that add risks, raise one and mitigate
//! one, and one whose register does not load.

mod common;

use assert_cmd::Command;
use common::{git_on as git, opx};
use serde_json::Value;

const SYSTEM: &str =
    "[system]\nid = \"checkout\"\nowner = \"team\"\n\n[system.slo]\navailability = \"99.9%\"\n";

fn risk(id: &str, likelihood: u8, impact: u8, done: bool) -> String {
    let status = if done { "done" } else { "planned" };
    format!(
        "\n[[risk]]\nid = \"{id}\"\ntitle = \"{id}\"\ncategory = \"technical\"\nlikelihood = {likelihood}\nimpact = {impact}\ntime_to_detect = \"10m\"\ntime_to_recover = \"50m\"\nfrequency = \"2/year\"\nusers_affected = \"50%\"\n\n[[risk.action]]\nkind = \"prevent\"\nwhat = \"Fix {id}\"\nstatus = \"{status}\"\nfrequency = \"1/year\"\n"
    )
}

/// The history: add two risks (one high, open); raise the other to
/// critical; break the file; mitigate the high one.
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path();
    std::fs::create_dir(path.join("risks")).unwrap();
    std::fs::write(path.join("README.md"), "notes\n").unwrap();
    git(path, "2026-01-10", &["init", "-q"]);
    let write = |text: String| std::fs::write(path.join("risks/checkout.toml"), text).unwrap();
    write(format!(
        "{SYSTEM}{}{}",
        risk("outage", 3, 4, false),
        risk("slow", 2, 2, false)
    ));
    git(path, "2026-01-10", &["add", "."]);
    git(
        path,
        "2026-01-10",
        &["commit", "-q", "-m", "Add the register"],
    );
    git(path, "2026-01-11", &["tag", "v1"]);
    std::fs::write(path.join("README.md"), "notes, edited\n").unwrap();
    git(
        path,
        "2026-02-01",
        &["commit", "-q", "-am", "Not about the register"],
    );
    write(format!(
        "{SYSTEM}{}{}",
        risk("outage", 3, 4, false),
        risk("slow", 5, 5, false)
    ));
    git(path, "2026-03-01", &["commit", "-q", "-am", "Raise slow"]);
    write(format!("{SYSTEM}likelihood = = 3\n"));
    git(
        path,
        "2026-04-01",
        &["commit", "-q", "-am", "A broken edit"],
    );
    write(format!(
        "{SYSTEM}{}{}",
        risk("outage", 3, 4, true),
        risk("slow", 5, 5, false)
    ));
    git(
        path,
        "2026-05-01",
        &["commit", "-q", "-am", "Mitigate outage"],
    );
    git(path, "2026-05-02", &["tag", "v2"]);
    dir
}

/// The points of a trend document, once it has passed the schema `opx
/// schema trend-report` publishes.
fn points(json: &str) -> Vec<Value> {
    let doc: Value = serde_json::from_str(json).unwrap();
    let schema = Command::cargo_bin("opx")
        .unwrap()
        .args(["schema", "trend-report"])
        .output()
        .unwrap();
    let schema: Value = serde_json::from_slice(&schema.stdout).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator.iter_errors(&doc).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:?}");
    doc["points"].as_array().unwrap().clone()
}

#[test]
fn each_commit_that_changed_the_register_is_a_point() {
    let dir = repository();
    let (code, stdout, stderr) = opx(dir.path(), &["trend", "risks", "--format", "json"]);
    assert_eq!(code, 0, "{stderr}");
    let points = points(&stdout);
    let labels: Vec<&str> = points
        .iter()
        .map(|p| p["label"].as_str().unwrap())
        .collect();
    assert_eq!(
        labels,
        [
            "Add the register",
            "Raise slow",
            "A broken edit",
            "Mitigate outage"
        ]
    );
    let dates: Vec<&str> = points.iter().map(|p| p["date"].as_str().unwrap()).collect();
    assert_eq!(
        dates,
        ["2026-01-10", "2026-03-01", "2026-04-01", "2026-05-01"]
    );

    // Added: outage high (3 × 4 = 12) and open; slow low (4).
    let first = &points[0]["tally"];
    assert_eq!(first["risks"], 2);
    assert_eq!(first["bands"]["high"], 1);
    assert_eq!(first["bands"]["low"], 1);
    assert_eq!(first["open_high_impact"], 1);
    // (10m + 50m) × 50% × 2/year = 60 bad minutes each.
    assert_eq!(first["systems"][0]["bad_minutes"], 120.0);

    // Raised: slow is critical (25), and open with impact 5.
    let raised = &points[1]["tally"];
    assert_eq!(raised["bands"]["critical"], 1);
    assert_eq!(raised["open_high_impact"], 2);

    // Broken: said so, with where.
    assert_eq!(points[2]["loaded"], false);
    let problem = points[2]["problem"].as_str().unwrap();
    assert!(problem.contains(":risks/checkout.toml:7:"), "{problem}");
    assert!(points[2]["tally"].is_null());

    // Mitigated: outage's done action halves its frequency.
    let mitigated = &points[3]["tally"];
    assert_eq!(mitigated["open_high_impact"], 1);
    assert_eq!(mitigated["systems"][0]["bad_minutes"], 90.0);
    let share = mitigated["systems"][0]["budget_share"].as_f64().unwrap();
    assert!((share - 90.0 / 525.96).abs() < 1e-4, "{share}");
}

#[test]
fn since_and_tags_choose_the_points() {
    let dir = repository();
    let (_, stdout, _) = opx(
        dir.path(),
        &[
            "trend",
            "risks",
            "--format",
            "json",
            "--since",
            "2026-03-15",
        ],
    );
    let labels: Vec<String> = points(&stdout)
        .iter()
        .map(|p| p["label"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(labels, ["A broken edit", "Mitigate outage"]);

    let (code, stdout, stderr) = opx(
        dir.path(),
        &["trend", "risks", "--format", "json", "--tags"],
    );
    assert_eq!(code, 0, "{stderr}");
    let labels: Vec<String> = points(&stdout)
        .iter()
        .map(|p| p["label"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(labels, ["v1", "v2"]);

    let (_, stdout, _) = opx(
        dir.path(),
        &["trend", "risks", "--format", "json", "--git", "v1..v2"],
    );
    assert_eq!(points(&stdout).len(), 3);
}

#[test]
fn the_table_ends_each_story_and_says_where_it_went() {
    let dir = repository();
    let (code, stdout, _) = opx(dir.path(), &["trend", "risks"]);
    assert_eq!(code, 0);
    // The summary wraps at the width; read it as one line.
    assert!(
        stdout.replace('\n', " ").contains("From 2026-01-10 to 2026-05-01, 4 commits (1 does not load): high or critical 1 → 2, open high-impact 1 → 1"),
        "{stdout}"
    );
    assert!(stdout.contains("does not load: "), "{stdout}");
    let (code, csv, _) = opx(dir.path(), &["trend", "risks", "--format", "csv"]);
    assert_eq!(code, 0);
    assert_eq!(csv.lines().count(), 5);
    assert!(
        csv.lines()
            .next()
            .unwrap()
            .ends_with("bad_minutes:checkout,budget_share_percent:checkout")
    );
}

#[test]
fn todays_matrix_bands_every_point() {
    let dir = repository();
    // Uncommitted: today's policy judges the whole history.
    std::fs::write(
        dir.path().join("risks/opx.toml"),
        "[matrix]\npreset = \"nist-800-30\"\n",
    )
    .unwrap();
    let (code, stdout, stderr) = opx(dir.path(), &["trend", "risks", "--format", "json"]);
    assert_eq!(code, 0, "{stderr}");
    let points = points(&stdout);
    // Table I-2: outage (3 × 4) moderate, slow (2 × 2) low, then very-high (5 × 5).
    let bands = |i: usize| points[i]["tally"]["bands"].clone();
    assert_eq!(
        bands(0),
        serde_json::json!({ "very-high": 0, "high": 0, "moderate": 1, "low": 1, "very-low": 0 })
    );
    assert_eq!(bands(1)["very-high"], 1);
    let (_, table, _) = opx(dir.path(), &["trend", "risks"]);
    // At 100 columns the commit's hash gives way first, then the change;
    // every band shows.
    let table = table.replace('\n', " ");
    assert!(table.contains("high or very-high 0 → 1"), "{table}");
    assert!(
        table.contains("risks  very-high  high  moderate  low  very-low  open high-impact"),
        "{table}"
    );
    assert!(table.contains("hidden to fit: commit, change"), "{table}");
    let (_, csv, _) = opx(dir.path(), &["trend", "risks", "--format", "csv"]);
    assert!(
        csv.starts_with("date,commit,label,loaded,problem,risks,very-high,high,moderate,low,very-low,open_high_impact,accepted,"),
        "{csv}"
    );
}

#[test]
fn outside_a_repository_it_says_so() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("risks.toml"), SYSTEM).unwrap();
    let (code, _, stderr) = opx(dir.path(), &["trend", "."]);
    assert_eq!(code, 2);
    assert!(stderr.contains("no git repository holds"), "{stderr}");
}

#[test]
fn an_absolute_path_reads_the_same_history() {
    let dir = repository();
    let absolute = dir.path().join("risks");
    let (code, stdout, stderr) = opx(
        dir.path(),
        &["trend", absolute.to_str().unwrap(), "--format", "json"],
    );
    assert_eq!(code, 0, "{stderr}");
    let points = points(&stdout);
    assert_eq!(points.len(), 4);
    assert_eq!(points[0]["tally"]["risks"], 2);
}

/// A tag before the register existed, two commits in the same second, and
/// a commit that removes the register.
fn before_and_after() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path();
    std::fs::create_dir(path.join("risks")).unwrap();
    std::fs::write(path.join("README.md"), "notes\n").unwrap();
    git(path, "2026-01-10", &["init", "-q"]);
    git(path, "2026-01-10", &["add", "."]);
    git(path, "2026-01-10", &["commit", "-q", "-m", "Start"]);
    git(path, "2026-01-10", &["tag", "v0"]);
    let register = format!("{SYSTEM}{}", risk("outage", 3, 4, false));
    std::fs::write(path.join("risks/checkout.toml"), register).unwrap();
    git(path, "2026-01-10", &["add", "."]);
    git(
        path,
        "2026-01-10",
        &["commit", "-q", "-m", "Add the register"],
    );
    git(path, "2026-01-10", &["tag", "v1"]);
    git(path, "2026-02-01", &["rm", "-q", "risks/checkout.toml"]);
    git(
        path,
        "2026-02-01",
        &["commit", "-q", "-m", "Remove the register"],
    );
    dir
}

#[test]
fn a_commit_without_the_register_is_not_an_empty_register() {
    let dir = before_and_after();
    let (code, stdout, stderr) = opx(
        dir.path(),
        &["trend", "risks", "--format", "json", "--tags"],
    );
    assert_eq!(code, 0, "{stderr}");
    let tagged = points(&stdout);
    let labels: Vec<&str> = tagged
        .iter()
        .map(|p| p["label"].as_str().unwrap())
        .collect();
    // History's order, though both tagged commits share one second.
    assert_eq!(labels, ["v0", "v1"]);
    assert_eq!(tagged[0]["loaded"], false);
    assert_eq!(tagged[0]["problem"], "no register file at this commit");
    assert_eq!(tagged[1]["tally"]["risks"], 1);

    let (_, stdout, _) = opx(dir.path(), &["trend", "risks", "--format", "json"]);
    let commits = points(&stdout);
    assert_eq!(commits.len(), 2);
    assert_eq!(commits[1]["label"], "Remove the register");
    assert_eq!(commits[1]["loaded"], false);
}

#[test]
fn today_ends_the_history() {
    let dir = repository();
    let out = Command::cargo_bin("opx")
        .unwrap()
        .current_dir(dir.path())
        .args([
            "trend",
            "risks",
            "--format",
            "json",
            "--today",
            "2026-03-01",
        ])
        .output()
        .unwrap();
    let labels: Vec<String> = points(&String::from_utf8_lossy(&out.stdout))
        .iter()
        .map(|p| p["label"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(labels, ["Add the register", "Raise slow"]);
}

#[test]
fn a_range_is_never_read_as_an_option() {
    let dir = repository();
    let planted = dir.path().join("planted");
    let option = format!("--git=--output={}", planted.display());
    let (code, _, stderr) = opx(dir.path(), &["trend", "risks", &option]);
    assert_eq!(code, 2);
    assert!(stderr.contains("is not a range of revisions"), "{stderr}");
    assert!(!planted.exists());
}

/// A file over the size cap beside the register at every commit: each
/// point says so, from git's size alone, and the others still count.
#[test]
fn a_file_over_the_cap_beside_the_register_is_named_at_every_commit() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    git(root, "2026-10-01", &["init", "-q"]);
    std::fs::create_dir_all(root.join("risks")).unwrap();
    let big = format!(
        "[system]\nid = \"big\"\nowner = \"o\"\n# {}\n",
        "x".repeat(4096)
    );
    std::fs::write(root.join("risks/big.toml"), big).unwrap();
    for (day, likelihood) in [("2026-10-01", 2), ("2026-10-02", 3), ("2026-10-03", 4)] {
        let text = format!("{SYSTEM}{}", risk("r", likelihood, 3, false));
        std::fs::write(root.join("risks/a.toml"), text).unwrap();
        git(root, day, &["add", "-A"]);
        git(
            root,
            day,
            &["commit", "-qm", &format!("likelihood {likelihood}")],
        );
    }
    let (code, stdout, stderr) = opx(
        root,
        &[
            "trend",
            "risks",
            "--format",
            "json",
            "--max-file-size",
            "1K",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    let points = points(&stdout);
    assert_eq!(points.len(), 3);
    for point in &points {
        assert_eq!(point["loaded"], false);
        let problem = point["problem"].as_str().unwrap();
        assert!(
            problem.ends_with(":risks/big.toml` is 4 KiB, over the 1 KiB opx reads"),
            "{problem}"
        );
    }
    // Under the cap, the same history loads at every commit.
    let (_, stdout, _) = opx(root, &["trend", "risks", "--format", "json"]);
    assert!(points_loaded(&stdout));
}

fn points_loaded(json: &str) -> bool {
    points(json).iter().all(|p| p["loaded"] == true)
}

/// A `--today` before every commit reads no history, and says up to which
/// day it looked.
#[test]
fn a_day_before_every_commit_says_which_days_were_read() {
    let dir = repository();
    let out = Command::cargo_bin("opx")
        .unwrap()
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .args(["trend", "risks", "--today", "2025-12-01"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("No commit up to 2025-12-01 changed the register."),
        "{stdout}"
    );
}
