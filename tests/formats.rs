//! Every output format, checked against its official schema or a real
//! parser, on the shipped examples, on a register that fails to load, and
//! on a register full of hostile text that must come out intact and inert.

use std::path::Path;
use std::process::Command as Process;

use assert_cmd::Command;
use serde_json::Value;

const TODAY: &str = "2026-11-27";
const CHECKOUT: &str = "examples/checkout.toml";
const HOSTILE: &str = "tests/fixtures/hostile.toml";
const BROKEN: &str = "tests/cmd/error-many.in/risks.toml";
/// Systemic factors on the three risks of the README's worked example.
const FACTORS: &str = "tests/fixtures/factors.toml";
const RANGES: &str = "tests/fixtures/ranges/risks.toml";
/// Every finding of the evidence rules, under the policy `opx init` writes.
const CLAIMS: &str = "tests/fixtures/claims";
const EXCEPTIONS: &str = "tests/fixtures/exceptions/risks.toml";
/// The codes `CLAIMS` finds.
const CLAIMS_CODES: [&str; 6] = [
    "exercise-overdue",
    "never-exercised",
    "mitigation-failed",
    "rpo-exceeded",
    "budget-exhausted",
    "unmitigated",
];

/// The hostile texts of `tests/fixtures/hostile.toml`, as TOML decodes them.
const HOSTILE_TITLE: &str = "=HYPERLINK(\"http://evil.example\") <script>alert('x')</script> | `tick` \"quoted\", comma\nsecond line & more";
const HOSTILE_ACTION: &str = "+SUM(A1) <img src=x onerror=alert(1)> | ``` \"fence\" ```,\r\nnext";

fn opx(args: &[&str]) -> (i32, String) {
    let out = Command::cargo_bin("opx")
        .unwrap()
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_STEP_SUMMARY")
        .args(args)
        .args(["--today", TODAY])
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
    )
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}):\n{text}"))
}

fn validate(schema: &Value, instance: &Value) {
    let validator = jsonschema::validator_for(schema).expect("the schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "schema violations:\n{}",
        errors.join("\n")
    );
}

fn opx_schema(kind: &str) -> Value {
    let out = Command::cargo_bin("opx")
        .unwrap()
        .args(["schema", kind])
        .output()
        .unwrap();
    assert!(out.status.success());
    json(&String::from_utf8(out.stdout).unwrap())
}

// ---- SARIF ----

#[test]
fn sarif_validates_against_the_oasis_schema() {
    let schema = json(&std::fs::read_to_string("tests/schemas/sarif-schema-2.1.0.json").unwrap());
    for (path, expected) in [
        (CHECKOUT, 1),
        (HOSTILE, 1),
        (BROKEN, 2),
        ("examples/cheatsheet.toml", 1),
        // A system's simulated years over its policy: budget-at-risk.
        ("tests/fixtures/ranges", 1),
        (CLAIMS, 1),
    ] {
        let (code, text) = opx(&["check", path, "--format", "sarif"]);
        assert_eq!(code, expected, "{path}");
        let sarif = json(&text);
        validate(&schema, &sarif);
        if path == CLAIMS {
            let ids: Vec<&str> = sarif["runs"][0]["results"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["ruleId"].as_str().unwrap())
                .collect();
            for code in CLAIMS_CODES {
                assert!(ids.contains(&code), "{code} in {ids:?}");
            }
        }
        let run = &sarif["runs"][0];
        for rule in run["tool"]["driver"]["rules"].as_array().unwrap() {
            assert!(
                rule["fullDescription"]["text"]
                    .as_str()
                    .is_some_and(|t| !t.is_empty())
            );
            assert!(rule["help"]["text"].as_str().is_some_and(|t| !t.is_empty()));
        }
        for result in run["results"].as_array().unwrap() {
            let location = &result["locations"][0]["physicalLocation"];
            assert!(
                location["artifactLocation"]["uri"]
                    .as_str()
                    .unwrap()
                    .ends_with(".toml")
            );
            assert!(location["region"]["startLine"].as_u64().unwrap() >= 1);
            let index = result["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(
                run["tool"]["driver"]["rules"][index]["id"],
                result["ruleId"]
            );
        }
    }
}

#[test]
fn sarif_and_junit_keep_hostile_text_intact() {
    let (_, text) = opx(&["check", HOSTILE, "--format", "sarif"]);
    let sarif = json(&text);
    let messages: Vec<&str> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["message"]["text"].as_str().unwrap())
        .collect();
    assert!(
        messages.iter().any(|m| m.contains(HOSTILE_ACTION)),
        "{messages:?}"
    );

    let (_, xml) = opx(&["check", HOSTILE, "--format", "junit"]);
    assert!(
        !xml.contains("<img"),
        "markup from the register must not reach the XML"
    );
    let escaped = HOSTILE_ACTION
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
        .replace('\r', "&#13;")
        .replace('\n', "&#10;");
    assert!(xml.contains(&escaped), "{xml}");
}

#[test]
fn sarif_names_the_failing_risk_with_its_line() {
    let (_, text) = opx(&["check", CHECKOUT, "--format", "sarif"]);
    let sarif = json(&text);
    let errors: Vec<&Value> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["level"] == "error")
        .collect();
    let rules: Vec<&Value> = errors.iter().map(|e| &e["ruleId"]).collect();
    assert_eq!(
        rules,
        ["mitigation-failed", "rpo-exceeded", "unmitigated"]
            .map(Value::from)
            .iter()
            .collect::<Vec<_>>()
    );
    assert_eq!(
        errors[2]["locations"][0]["physicalLocation"]["region"]["startLine"],
        265
    );
}

#[test]
fn sarif_carries_waivers_as_suppressions_and_fingerprints_that_ignore_lines() {
    let fingerprints = |path: &str| -> Vec<String> {
        let (_, text) = opx(&["check", path, "--format", "sarif"]);
        let sarif = json(&text);
        let run = &sarif["runs"][0];
        assert_eq!(run["properties"]["policy"], Value::Null, "the defaults");
        run["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                r["partialFingerprints"]["opxFinding/v1"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect()
    };
    let (_, text) = opx(&["check", CHECKOUT, "--format", "sarif"]);
    let sarif = json(&text);
    let suppressed: Vec<&Value> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r.get("suppressions").is_some())
        .collect();
    assert_eq!(suppressed.len(), 1);
    let suppression = &suppressed[0]["suppressions"][0];
    assert_eq!(suppressed[0]["ruleId"], "no-detection");
    assert_eq!(suppression["kind"], "inSource");
    assert_eq!(suppression["status"], "accepted");
    assert!(
        suppression["justification"]
            .as_str()
            .unwrap()
            .starts_with("A people risk")
    );
    assert_eq!(suppression["properties"]["until"], "2027-02-28");

    // Lines move; the findings keep their fingerprints, each its own.
    let before = fingerprints(CHECKOUT);
    let dir = tempfile::tempdir().unwrap();
    let moved = dir.path().join("checkout.toml");
    let text = std::fs::read_to_string(CHECKOUT).unwrap();
    std::fs::write(
        &moved,
        format!("# a comment\n\n# that moves every line\n{text}"),
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("runbooks")).unwrap();
    std::fs::copy(
        "examples/runbooks/orders-db-failover.md",
        dir.path().join("runbooks/orders-db-failover.md"),
    )
    .unwrap();
    let after = fingerprints(moved.to_str().unwrap());
    assert_eq!(before, after);
    let mut unique = before.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), before.len(), "{before:#?}");
    assert!(before.contains(&"checkout/single-payments-expert/unmitigated".to_string()));
}

// ---- JUnit ----

/// Validates with xmllint, which `.ci/run` installs; a local run without it says so and skips.
#[test]
#[allow(
    clippy::print_stderr,
    reason = "tells a local run why the check was skipped"
)]
fn junit_validates_against_the_surefire_schema() {
    if Process::new("xmllint").arg("--version").output().is_err() {
        assert!(std::env::var_os("CI").is_none(), "xmllint is missing on CI");
        eprintln!("skipped: xmllint is not installed (apt-get install libxml2-utils)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for (name, path, expected) in [
        ("checkout", CHECKOUT, 1),
        ("hostile", HOSTILE, 1),
        ("broken", BROKEN, 2),
        ("ranges", "tests/fixtures/ranges", 1),
        ("claims", CLAIMS, 1),
    ] {
        let (code, xml) = opx(&["check", path, "--format", "junit"]);
        assert_eq!(code, expected, "{path}");
        if path == CLAIMS {
            for code in CLAIMS_CODES {
                assert!(
                    xml.contains(&format!("[{code}]")) || xml.contains(code),
                    "{code}"
                );
            }
        }
        let file = dir.path().join(format!("{name}.xml"));
        std::fs::write(&file, &xml).unwrap();
        let out = Process::new("xmllint")
            .args(["--noout", "--schema", "tests/schemas/junit-10.xsd"])
            .arg(&file)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{name}: {}\n{xml}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn junit_has_a_suite_per_system_and_a_case_per_risk() {
    let (_, xml) = opx(&["check", CHECKOUT, "--format", "junit"]);
    assert_eq!(xml.matches("<testsuite ").count(), 1);
    // A case per risk, and one for the system's own findings (its budget note).
    // And one for the finding a waiver set aside, skipped.
    assert_eq!(xml.matches("<testcase ").count(), 13);
    assert!(xml.contains("classname=\"checkout\" name=\"(system)\""));
    // Three risks fail: unmitigated, mitigation-failed and rpo-exceeded.
    assert_eq!(xml.matches("<failure ").count(), 3);
    for code in ["unmitigated", "mitigation-failed", "rpo-exceeded"] {
        assert!(xml.contains(&format!("<failure type=\"{code}\"")), "{code}");
    }
    // The Surefire schema allows no `skipped` on <testsuites>.
    assert!(xml.contains(
        "<testsuites name=\"opx check\" tests=\"13\" failures=\"3\" errors=\"0\" time=\"0\">"
    ));
    assert!(xml.contains("skipped=\"1\""));
    assert!(xml.contains(
        "name=\"single-payments-expert [no-detection]\" time=\"0\">\n      <skipped message=\"waived until 2027-02-28 by eng-manager: A people risk"
    ));
    assert!(xml.contains("<property name=\"opx.policy\" value=\"defaults\"/>"));
    assert!(xml.contains("classname=\"checkout\" name=\"single-payments-expert\""));
}

// ---- GitHub annotations ----

fn unescape_annotation(text: &str) -> String {
    text.replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%3A", ":")
        .replace("%2C", ",")
        .replace("%25", "%")
}

#[test]
fn github_annotations_are_one_line_each_and_round_trip() {
    let (code, text) = opx(&["check", HOSTILE, "--format", "github"]);
    assert_eq!(code, 1);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 5, "four annotations and a summary:\n{text}");
    assert!(
        lines[..4]
            .iter()
            .all(|l| l.starts_with("::error file=") || l.starts_with("::warning file="))
    );
    assert_eq!(
        lines[4],
        "opx: 1 error, 3 warnings in 2 risks; policy: defaults"
    );
    let overdue = lines
        .iter()
        .find(|l| l.contains("title=action-overdue"))
        .unwrap();
    let (properties, message) = overdue
        .split_once("::")
        .unwrap()
        .1
        .split_once("::")
        .unwrap();
    assert!(properties.contains("line=21,col=7"));
    // Register text is one line of the message (a break shows as `⏎`);
    // the rest comes back as written.
    let one_line = HOSTILE_ACTION.replace("\r\n", "⏎");
    assert!(unescape_annotation(message).contains(&one_line));
}

/// A register of `n` open risks of impact 4, each found unmitigated (an
/// error) and without detection (a warning).
fn noisy_register(n: usize) -> String {
    let mut text = String::from("[system]\nid = \"noisy\"\nowner = \"team\"\n");
    for i in 0..n {
        text.push_str(&format!(
            "\n[[risk]]\nid = \"risk-{i:02}\"\ntitle = \"Risk {i}\"\ncategory = \"technical\"\nlikelihood = 1\nimpact = 4\nreviewed = 2026-11-01\n"
        ));
    }
    text
}

#[test]
fn github_shows_the_most_important_findings_within_its_annotation_limits() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("risks.toml");
    std::fs::write(&path, noisy_register(20)).unwrap();
    let (code, text) = opx(&["check", path.to_str().unwrap(), "--format", "github"]);
    assert_eq!(code, 1);
    let count = |prefix: &str| text.lines().filter(|l| l.starts_with(prefix)).count();
    // 40 findings: 20 errors and 20 warnings.
    assert_eq!(count("::error "), 10, "{text}");
    assert_eq!(count("::warning "), 10);
    assert_eq!(count("::notice "), 1);
    let lines: Vec<&str> = text.lines().collect();
    // Errors come first, whatever the file order.
    assert!(lines[..10].iter().all(|l| l.starts_with("::error ")));
    assert!(lines[10..20].iter().all(|l| l.starts_with("::warning ")));
    // The rest are plain log lines, then the notice, then the summary.
    assert_eq!(text.matches(": error[unmitigated]: ").count(), 10);
    assert_eq!(text.matches(": warning[no-detection]: ").count(), 10);
    assert!(
        lines[lines.len() - 2]
            == "::notice title=opx::20 more findings than GitHub shows as annotations: they are in the log above",
        "{text}"
    );
    assert_eq!(
        lines[lines.len() - 1],
        "opx: 20 errors, 20 warnings in 20 risks; policy: defaults"
    );
}

#[test]
fn the_job_summary_stays_within_githubs_limit() {
    const LIMIT: usize = 1024 * 1024;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("risks.toml");
    std::fs::write(&path, noisy_register(99)).unwrap();
    let summary = dir.path().join("summary.md");
    // An earlier step of the job left the summary nearly full.
    let earlier = "x".repeat(LIMIT - 20_000) + "\n";
    std::fs::write(&summary, &earlier).unwrap();
    let out = Command::cargo_bin("opx")
        .unwrap()
        .env("GITHUB_STEP_SUMMARY", &summary)
        .args([
            "check",
            path.to_str().unwrap(),
            "--format",
            "github",
            "--today",
            TODAY,
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = std::fs::read_to_string(&summary).unwrap();
    assert!(text.len() <= LIMIT, "{} bytes", text.len());
    let added = &text[earlier.len()..];
    assert!(
        added.starts_with("### opx check: ❌ the gate failed"),
        "{added}"
    );
    assert!(added.contains("| error | unmitigated |"));
    let rows = added
        .lines()
        .filter(|l| l.starts_with("| error") || l.starts_with("| warning"))
        .count();
    assert!(rows > 10 && rows < 198, "{rows} rows");
    assert!(
        added.trim_end().ends_with(&format!(
            "{} more findings left out to keep this summary within GitHub's limit; run `opx check` to see them all.",
            198 - rows
        )),
        "{added}"
    );
}

#[test]
fn github_format_appends_a_markdown_job_summary() {
    let dir = tempfile::tempdir().unwrap();
    let summary = dir.path().join("summary.md");
    std::fs::write(&summary, "earlier step\n").unwrap();
    let out = Command::cargo_bin("opx")
        .unwrap()
        .env("GITHUB_STEP_SUMMARY", &summary)
        .args(["check", CHECKOUT, "--format", "github", "--today", TODAY])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = std::fs::read_to_string(&summary).unwrap();
    assert!(
        text.starts_with("earlier step\n### opx check: ❌ the gate failed"),
        "{text}"
    );
    assert!(text.contains("| error | unmitigated |"));
}

// ---- Markdown ----

/// Parses GitHub-flavoured Markdown and returns each table's rows of cell texts.
fn markdown_tables(text: &str) -> Vec<Vec<Vec<String>>> {
    use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
    let mut tables = Vec::new();
    let mut cell: Option<String> = None;
    for event in Parser::new_ext(text, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH) {
        match event {
            Event::Start(Tag::Table(_)) => tables.push(Vec::new()),
            Event::Start(Tag::TableHead | Tag::TableRow) => {
                tables.last_mut().unwrap().push(Vec::new())
            }
            Event::Start(Tag::TableCell) => cell = Some(String::new()),
            Event::End(TagEnd::TableCell) => {
                let row: &mut Vec<String> = tables.last_mut().unwrap().last_mut().unwrap();
                row.push(cell.take().unwrap());
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some(c) = cell.as_mut() {
                    c.push_str(&t);
                }
            }
            Event::InlineHtml(html) | Event::Html(html) => {
                let c = cell
                    .as_mut()
                    .expect("HTML only as the <br> opx writes in cells");
                assert_eq!(&*html, "<br>", "raw HTML leaked into the table");
                c.push('\n');
            }
            Event::Start(
                Tag::Emphasis
                | Tag::Strong
                | Tag::Strikethrough
                | Tag::Link { .. }
                | Tag::Image { .. },
            ) => {
                panic!("text turned into markup: {event:?}")
            }
            _ => {}
        }
    }
    tables
}

#[test]
fn markdown_rank_table_parses_with_one_row_per_risk() {
    let (code, text) = opx(&["rank", CHECKOUT, "--format", "markdown"]);
    assert_eq!(code, 0);
    let tables = markdown_tables(&text);
    assert_eq!(tables.len(), 1);
    assert_eq!(tables[0].len(), 12, "a header and 11 risks");
    // Sixteen columns, and data loss since the example estimates one.
    assert!(tables[0].iter().all(|row| row.len() == 17));
    assert_eq!(tables[0][1][2], "traffic-spike");
}

#[test]
fn markdown_keeps_hostile_text_intact_and_inert() {
    let (_, rank) = opx(&["rank", HOSTILE, "--format", "markdown"]);
    let table = &markdown_tables(&rank)[0];
    assert_eq!(table.len(), 3);
    assert!(table.iter().all(|row| row.len() == 16));
    assert_eq!(table[1][3], HOSTILE_TITLE);

    let (_, check) = opx(&["check", HOSTILE, "--format", "markdown"]);
    let table = &markdown_tables(&check)[0];
    assert_eq!(table.len(), 5, "a header and four findings");
    assert!(table.iter().all(|row| row.len() == 6));
    // The CR LF inside the action becomes one line break.
    let expected = HOSTILE_ACTION.replace("\r\n", "\n");
    assert!(
        table.iter().any(|row| row[4].contains(&expected)),
        "{table:?}"
    );
}

// ---- CSV ----

/// A strict RFC 4180 reader: quoted fields may hold commas, quotes and line breaks.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = vec![Vec::new()];
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => rows.last_mut().unwrap().push(std::mem::take(&mut field)),
            (false, '\r') => {
                assert_eq!(chars.next(), Some('\n'), "records end in CRLF");
                rows.last_mut().unwrap().push(std::mem::take(&mut field));
                rows.push(Vec::new());
            }
            (false, c) => {
                assert!(c != '"' && c != '\n', "bare {c:?} in an unquoted field");
                field.push(c)
            }
        }
    }
    assert!(
        field.is_empty() && rows.last().unwrap().is_empty(),
        "the file ends with CRLF"
    );
    rows.pop();
    rows
}

#[test]
fn csv_is_rfc_4180_with_every_field() {
    let (code, text) = opx(&["rank", CHECKOUT, "--format", "csv"]);
    assert_eq!(code, 0);
    let rows = parse_csv(&text);
    assert_eq!(rows.len(), 12);
    let width = rows[0].len();
    assert!(rows.iter().all(|r| r.len() == width));
    let column = |name: &str| rows[0].iter().position(|h| h == name).unwrap();
    assert_eq!(rows[1][column("id")], "traffic-spike");
    assert_eq!(rows[1][column("severity")], "16");
    assert_eq!(rows[1][column("detect_minutes")], "15");
    assert_eq!(rows[1][column("line")], "32");
}

#[test]
fn csv_keeps_hostile_text_and_neutralises_formulas() {
    let (_, text) = opx(&["rank", HOSTILE, "--format", "csv"]);
    let rows = parse_csv(&text);
    assert_eq!(rows.len(), 3);
    let column = |name: &str| rows[0].iter().position(|h| h == name).unwrap();
    assert_eq!(rows[1][column("title")], format!("'{HOSTILE_TITLE}"));
    assert_eq!(rows[1][column("owner")], "'=cmd|' /C calc'!A0");
    assert_eq!(rows[2][column("title")], "'-100% off: a, b; c\ttab %0A");
    for row in &rows {
        for cell in row {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "live formula: {cell:?}"
            );
        }
    }
}

// ---- JSON and the published schemas ----

#[test]
fn json_reports_validate_against_their_published_schemas() {
    let rank_schema = opx_schema("rank-report");
    let check_schema = opx_schema("check-report");
    let review_schema = opx_schema("review-report");
    let matrix_schema = opx_schema("matrix-report");
    let assess_schema = opx_schema("assess-report");
    let show_schema = opx_schema("show-report");
    let diff_schema = opx_schema("diff-report");
    let plan_schema = opx_schema("plan-report");
    for (old, new) in [
        ("tests/fixtures/diff/old", "tests/fixtures/diff/new"),
        (
            "tests/fixtures/factors.toml",
            "tests/fixtures/diff-factors/all.toml",
        ),
        ("tests/fixtures/diff/new", "tests/fixtures/diff/old"),
    ] {
        let (_, diff) = opx(&["diff", old, new, "--format", "json"]);
        validate(&diff_schema, &json(&diff));
    }
    for path in [
        CHECKOUT,
        HOSTILE,
        "examples/cheatsheet.toml",
        FACTORS,
        CLAIMS,
        EXCEPTIONS,
    ] {
        // A long window, so that every list of the digest holds something.
        let (_, review) = opx(&["review", path, "--days", "365", "--format", "json"]);
        let review = json(&review);
        assert_eq!(review["version"], 1);
        validate(&review_schema, &review);
        let (_, plan) = opx(&["plan", path, "--format", "json"]);
        validate(&plan_schema, &json(&plan));
        let (_, matrix) = opx(&["matrix", path, "--format", "json", "--view", "target"]);
        validate(&matrix_schema, &json(&matrix));
        let (_, assess) = opx(&["assess", path, "--format", "json", "--simulate"]);
        validate(&assess_schema, &json(&assess));
        // Every risk and factor `opx show` can show.
        let (_, ranked) = opx(&["rank", path, "--format", "json"]);
        let ranked = json(&ranked);
        let items = ranked["risks"].as_array().unwrap().iter().chain(
            ranked["factors"]
                .as_array()
                .map(Vec::as_slice)
                .unwrap_or_default(),
        );
        for item in items {
            let name = format!(
                "{}/{}",
                item["system"].as_str().unwrap(),
                item["id"].as_str().unwrap()
            );
            let (code, shown) = opx(&["show", &name, path, "--format", "json"]);
            assert_eq!(code, 0, "{name}");
            validate(&show_schema, &json(&shown));
        }
        let (_, rank) = opx(&["rank", path, "--format", "json"]);
        let rank = json(&rank);
        assert_eq!(rank["version"], 1);
        validate(&rank_schema, &rank);
        let (_, check) = opx(&["check", path, "--format", "json"]);
        let check = json(&check);
        assert_eq!(check["version"], 1);
        validate(&check_schema, &check);
    }
    // The evidence: each action's exercise and failure, data loss over the RPO.
    let (_, rank) = opx(&["rank", CLAIMS, "--format", "json"]);
    let rank = json(&rank);
    let risks = rank["risks"].as_array().unwrap();
    let db = risks.iter().find(|r| r["id"] == "db-loss").unwrap();
    assert_eq!(db["rpo_exceeded"], true);
    assert_eq!(db["data_loss_minutes"], 240.0);
    let states: Vec<&str> = db["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["exercise"]["state"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["in-time", "overdue", "never", "never", "in-time"]);
    let payment = risks.iter().find(|r| r["id"] == "payment-outage").unwrap();
    assert_eq!(payment["actions"][0]["failed"]["on"], "2026-07-02");
    let (code, check) = opx(&["check", CLAIMS, "--format", "json"]);
    assert_eq!(code, 1);
    let check = json(&check);
    validate(&check_schema, &check);
    let codes: Vec<&str> = check["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    for code in CLAIMS_CODES {
        assert!(codes.contains(&code), "{code} in {codes:?}");
    }
    // Ranges and simulated years, and the gate that simulates for its policy.
    let (_, rank) = opx(&["rank", RANGES, "--format", "json", "--simulate"]);
    let rank = json(&rank);
    assert!(rank["simulation"]["systems"][0]["miss_probability"].is_number());
    assert!(rank["risks"][0]["ranges"].is_object());
    validate(&rank_schema, &rank);
    let (code, check) = opx(&["check", "tests/fixtures/ranges", "--format", "json"]);
    assert_eq!(code, 1);
    let check = json(&check);
    assert_eq!(check["findings"][0]["code"], "budget-at-risk");
    validate(&check_schema, &check);
    let (code, broken) = opx(&["check", BROKEN, "--format", "json"]);
    assert_eq!(code, 2);
    let broken = json(&broken);
    validate(&check_schema, &broken);
    assert_eq!(broken["summary"]["passed"], false);
    assert_eq!(broken["findings"][0]["code"], "unknown-key");
}

#[test]
fn simulated_years_do_not_depend_on_the_order_of_files() {
    // The ranges register, more risks of its system in a second file, and
    // the factors register, named so that they load in one order, then in
    // another: the risks of one system come in another order too.
    const MORE: &str = "[[risk]]\nid = \"more\"\nsystem = \"ledger\"\ntitle = \"More\"\n\
        category = \"data\"\nimpact = 2\ntime_to_detect = \"5m..50m\"\n\
        time_to_recover = \"20m\"\nfrequency = \"1/year..4/year\"\n";
    let simulation = |names: [&str; 3]| {
        let dir = tempfile::tempdir().unwrap();
        std::fs::copy(RANGES, dir.path().join(names[0])).unwrap();
        std::fs::write(dir.path().join(names[1]), MORE).unwrap();
        std::fs::copy(FACTORS, dir.path().join(names[2])).unwrap();
        let (code, text) = opx(&[
            "rank",
            dir.path().to_str().unwrap(),
            "--format",
            "json",
            "--simulate",
        ]);
        assert_eq!(code, 0, "{text}");
        let rank = json(&text);
        let risks: Vec<(String, Value)> = rank["risks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    format!("{}/{}", r["system"], r["id"]),
                    r["simulated"].clone(),
                )
            })
            .collect();
        (rank["simulation"].clone(), risks)
    };
    let (a, mut risks_a) = simulation(["a.toml", "b.toml", "c.toml"]);
    let (b, mut risks_b) = simulation(["c.toml", "b.toml", "a.toml"]);
    assert_eq!(a, b);
    risks_a.sort_by(|x, y| x.0.cmp(&y.0));
    risks_b.sort_by(|x, y| x.0.cmp(&y.0));
    assert_eq!(risks_a, risks_b);
    assert_eq!(a["systems"].as_array().unwrap().len(), 2);
}

#[test]
fn json_keeps_hostile_text_intact() {
    let (_, rank) = opx(&["rank", HOSTILE, "--format", "json"]);
    let rank = json(&rank);
    assert_eq!(rank["risks"][0]["title"], HOSTILE_TITLE);
    assert_eq!(rank["risks"][0]["actions"][0]["what"], HOSTILE_ACTION);
}

/// A register file as the JSON an editor's schema check sees: dates become strings.
fn toml_as_json(path: &Path) -> Value {
    fn convert(value: toml::Value) -> Value {
        match value {
            toml::Value::String(s) => Value::String(s),
            toml::Value::Integer(i) => Value::from(i),
            toml::Value::Float(f) => Value::from(f),
            toml::Value::Boolean(b) => Value::Bool(b),
            toml::Value::Datetime(d) => Value::String(d.to_string()),
            toml::Value::Array(items) => Value::Array(items.into_iter().map(convert).collect()),
            toml::Value::Table(t) => {
                Value::Object(t.into_iter().map(|(k, v)| (k, convert(v))).collect())
            }
        }
    }
    let text = std::fs::read_to_string(path).unwrap();
    convert(toml::Value::Table(toml::from_str(&text).unwrap()))
}

#[test]
fn every_example_validates_against_the_register_schema() {
    let schema = opx_schema("register");
    let mut seen = 0;
    for entry in std::fs::read_dir("examples").unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            validate(&schema, &toml_as_json(&path));
            seen += 1;
        }
    }
    assert!(seen >= 2);
    validate(&schema, &toml_as_json(Path::new(HOSTILE)));
    validate(&schema, &toml_as_json(Path::new(FACTORS)));
    validate(&schema, &toml_as_json(Path::new(RANGES)));
    validate(
        &schema,
        &toml_as_json(Path::new("tests/fixtures/claims/orders.toml")),
    );
}

#[test]
fn the_register_schema_rejects_a_misspelt_key_and_an_out_of_range_level() {
    let schema = opx_schema("register");
    let validator = jsonschema::validator_for(&schema).unwrap();
    let mut register = toml_as_json(Path::new(CHECKOUT));
    assert!(validator.is_valid(&register));
    let risk = register["risk"][0].as_object_mut().unwrap();
    let likelihood = risk.remove("likelihood").unwrap();
    risk.insert("likelyhood".into(), likelihood);
    assert!(
        !validator.is_valid(&register),
        "a misspelt key must not validate"
    );
    let mut register = toml_as_json(Path::new(CHECKOUT));
    register["risk"][0]["impact"] = Value::from(6);
    assert!(!validator.is_valid(&register), "impact 6 must not validate");
    let mut register = toml_as_json(Path::new(CHECKOUT));
    register["risk"][0]["impact"] = Value::from("huge");
    assert!(
        !validator.is_valid(&register),
        "an unknown word must not validate"
    );
}

// ---- --output ----

#[test]
fn output_writes_the_report_to_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("opx.sarif");
    let (code, stdout) = opx(&[
        "check",
        CHECKOUT,
        "--format",
        "sarif",
        "--output",
        file.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "the gate's verdict does not change with --output");
    assert!(stdout.is_empty());
    let sarif = json(&std::fs::read_to_string(&file).unwrap());
    assert_eq!(sarif["version"], "2.1.0");
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no temporary file is left"
    );
}

#[test]
fn output_to_an_unwritable_place_is_exit_2() {
    let out = Command::cargo_bin("opx")
        .unwrap()
        .args([
            "rank",
            CHECKOUT,
            "--format",
            "csv",
            "--output",
            "/nonexistent-folder/risks.csv",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("cannot write `/nonexistent-folder/risks.csv`: no such file or directory"),
        "{stderr}"
    );
}

#[test]
fn output_never_overwrites_a_register_file() {
    let dir = tempfile::tempdir().unwrap();
    let register = dir.path().join("risks.toml");
    std::fs::copy(CHECKOUT, &register).unwrap();
    let before = std::fs::read(&register).unwrap();
    let path = register.to_str().unwrap();
    let out = Command::cargo_bin("opx")
        .unwrap()
        .args(["rank", path, "--format", "json", "--output", path])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("it is a file of the register"));
    assert_eq!(std::fs::read(&register).unwrap(), before);
}

// ---- the CI examples ----

/// Every `opx check` and `opx report` line of the shipped CI examples runs
/// as written (against `examples/` in place of a team's `risks/`).
#[test]
fn ci_examples_run_as_written() {
    let dir = tempfile::tempdir().unwrap();
    let mut seen = 0;
    for example in [
        "examples/ci/github-actions.yml",
        "examples/ci/gitlab-ci.yml",
    ] {
        let text = std::fs::read_to_string(example).unwrap();
        for line in text.lines().filter(|l| !l.trim_start().starts_with('#')) {
            let Some((subcommand, expected, command)) = [("check", 1), ("report", 0)]
                .into_iter()
                .find_map(|(s, code)| Some((s, code, line.split(&format!("opx {s} ")).nth(1)?)))
            else {
                continue;
            };
            let args: Vec<String> = command
                .split_whitespace()
                .map(|a| match a {
                    "risks/" => "examples/".to_string(),
                    a if a.starts_with("opx") && a.contains('.') => {
                        dir.path().join(a).display().to_string()
                    }
                    a => a.to_string(),
                })
                .collect();
            let out = Command::cargo_bin("opx")
                .unwrap()
                .env_remove("GITHUB_STEP_SUMMARY")
                .arg(subcommand)
                .args(&args)
                .output()
                .unwrap();
            assert_eq!(
                out.status.code(),
                Some(expected),
                "{example}: {line}\n{}",
                String::from_utf8_lossy(&out.stderr)
            );
            seen += 1;
        }
    }
    assert_eq!(seen, 5);
    assert!(dir.path().join("opx.sarif").is_file());
    assert!(dir.path().join("opx-junit.xml").is_file());
    assert!(dir.path().join("opx-report.html").is_file());
}

// ---- assess and plan ----

#[test]
fn assess_and_plan_markdown_parse_and_keep_hostile_text() {
    for path in [CHECKOUT, HOSTILE] {
        for command in ["assess", "plan"] {
            let (code, text) = opx(&[command, path, "--format", "markdown"]);
            assert_eq!(code, 0, "{command} {path}");
            let tables = markdown_tables(&text);
            assert!(path == HOSTILE || !tables.is_empty(), "{command} {path}");
            for table in &tables {
                let width = table[0].len();
                assert!(
                    table.iter().all(|row| row.len() == width),
                    "{command} {path}: {table:?}"
                );
            }
        }
    }
    let (_, assess) = opx(&["assess", HOSTILE, "--format", "markdown"]);
    assert!(
        assess.contains("## hostile — &lt;b&gt;Hostile&lt;/b&gt; \\| system\n"),
        "{assess}"
    );
    let (_, plan) = opx(&["plan", HOSTILE]);
    let tables = markdown_tables(&plan);
    let step = tables
        .iter()
        .flatten()
        .find(|row| row[2] == "script-title")
        .unwrap();
    assert_eq!(step[1], HOSTILE_ACTION.replace("\r\n", "\n"));
    assert!(step[4].ends_with("(overdue)"));
}

#[test]
fn plan_json_puts_urgent_actions_now_and_says_what_the_plan_buys() {
    let (_, text) = opx(&["plan", CHECKOUT, "--format", "json"]);
    let plan = json(&text);
    assert_eq!(plan["version"], 1);
    let now: Vec<&str> = plan["now"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|w| w["actions"].as_array().unwrap())
        .map(|a| a["risk"].as_str().unwrap())
        .collect();
    assert!(now.contains(&"traffic-spike"));
    assert!(
        !now.contains(&"runbook-rot"),
        "a medium risk's action waits for later"
    );
    let system = &plan["buys"]["systems"][0];
    assert_eq!(system["now"]["bad_minutes"], 482.3);
    assert_eq!(system["after"]["bad_minutes"], 197.1);
}

/// A rare but severe risk is only medium, yet the gate fails it while it
/// is open: its actions belong to Now, not Later.
#[test]
fn plan_puts_first_what_the_gate_fails_as_unmitigated() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("risks.toml");
    std::fs::write(
        &path,
        r#"
[system]
id = "search"

[[risk]]
id = "region-loss"
title = "The only region is lost"
category = "technical"
likelihood = 1
impact = 5

[[risk.action]]
kind = "respond"
what = "Restore into a second region"
status = "planned"

[[risk]]
id = "slow-query"
title = "A slow query slows the page"
category = "technical"
likelihood = 2
impact = 2

[[risk.action]]
kind = "prevent"
what = "Add an index"
status = "planned"
"#,
    )
    .unwrap();
    let (_, text) = opx(&["plan", path.to_str().unwrap(), "--format", "json"]);
    let plan = json(&text);
    let risks = |part: &str| -> Vec<String> {
        plan[part]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|w| w["actions"].as_array().unwrap())
            .map(|a| a["risk"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(risks("now"), ["region-loss"]);
    assert_eq!(risks("later"), ["slow-query"]);
}

// ---- The risk matrix ----

/// Every risk `rank` lists sits in the matrix cell of its likelihood and
/// impact, in each view, and the cells add up to the risks.
#[test]
fn matrix_counts_agree_with_rank() {
    let (_, rank) = opx(&["rank", "examples/", "--format", "json"]);
    let rank = json(&rank);
    for view in ["inherent", "current", "target"] {
        let (code, text) = opx(&["matrix", "examples/", "--format", "json", "--view", view]);
        assert_eq!(code, 0);
        let matrix = json(&text);
        let mut expected = std::collections::BTreeMap::new();
        for risk in rank["risks"].as_array().unwrap() {
            let v = &risk["views"][view];
            *expected
                .entry((
                    v["likelihood"]["level"].as_u64().unwrap(),
                    v["impact"]["level"].as_u64().unwrap(),
                ))
                .or_insert(0u64) += 1;
        }
        for cell in matrix["cells"].as_array().unwrap() {
            let key = (
                cell["likelihood"].as_u64().unwrap(),
                cell["impact"].as_u64().unwrap(),
            );
            assert_eq!(
                cell["count"].as_u64().unwrap(),
                expected.get(&key).copied().unwrap_or(0),
                "{view} {key:?}"
            );
        }
        assert_eq!(matrix["placed"], rank["risks"].as_array().unwrap().len());
    }
}
