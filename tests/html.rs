//! `opx report`: one HTML page, checked as a browser renders it. Chromium
//! (Debian's `chromium`, which `.ci/run` installs) loads the page headless
//! with the network shut off; the test reads the numbers back from the
//! rendered DOM and checks a 1280-pixel screenshot is not blank, and,
//! driving it over the DevTools protocol, measures the laid-out page at a
//! phone's width and a laptop's. Without Chromium, a local run says so and
//! skips; CI must have it.

use std::path::{Path, PathBuf};
use std::process::Command as Process;

use assert_cmd::Command;
use serde_json::Value;

const TODAY: &str = "2026-11-27";
const CHECKOUT: &str = "examples/checkout.toml";
const HOSTILE: &str = "tests/fixtures/hostile.toml";

fn opx(args: &[&str]) -> (i32, String) {
    let out = Command::cargo_bin("opx")
        .unwrap()
        .env("NO_COLOR", "1")
        .args(args)
        .args(["--today", TODAY])
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
    )
}

/// The report on `register`, written to a file in `dir`.
fn report(dir: &Path, register: &str) -> (PathBuf, String) {
    let page = dir.join("report.html");
    let (code, _) = opx(&[
        "report",
        register,
        "--no-trend",
        "--output",
        page.to_str().unwrap(),
    ]);
    assert_eq!(code, 0);
    let html = std::fs::read_to_string(&page).unwrap();
    (page, html)
}

/// Whether Chromium is here to render pages: `.ci/run` installs it, and a
/// local run without it says so and skips.
#[allow(
    clippy::print_stderr,
    reason = "tells a local run why the check was skipped"
)]
fn chromium_installed() -> bool {
    if Process::new("chromium").arg("--version").output().is_ok() {
        return true;
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "chromium is missing on CI"
    );
    eprintln!("skipped: chromium is not installed (apt-get install chromium)");
    false
}

/// Headless Chromium with no way out to the network.
fn chromium(dir: &Path, args: &[&str], page: &Path) -> Option<std::process::Output> {
    let profile = dir.join("profile");
    let out = Process::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-quic",
            "--proxy-server=127.0.0.1:9",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(format!("file://{}", page.display()))
        .output()
        .ok()?;
    Some(out)
}

/// Every `name="value"` attribute in `html`, in order.
fn attributes<'a>(html: &'a str, name: &str) -> Vec<&'a str> {
    let key = format!(" {name}=\"");
    html.match_indices(&key)
        .map(|(at, _)| {
            let rest = &html[at + key.len()..];
            &rest[..rest.find('"').unwrap()]
        })
        .collect()
}

#[test]
fn the_page_needs_nothing_from_the_network() {
    let dir = tempfile::tempdir().unwrap();
    let (_, html) = report(dir.path(), CHECKOUT);
    let register = std::fs::read_to_string(CHECKOUT).unwrap();
    for tag in ["<script", "<link", "@import", "<iframe", "<img", "<object"] {
        assert!(!html.contains(tag), "the page holds {tag}");
    }
    for scheme in ["http://", "https://"] {
        for (at, _) in html.match_indices(scheme) {
            let url: String = html[at..]
                .chars()
                .take_while(|c| !matches!(c, '"' | '<' | ' ' | '\''))
                .collect();
            assert!(register.contains(&url), "{url} is not from the register");
        }
    }
}

#[test]
fn hostile_text_stays_text_and_bad_links_stay_unclickable() {
    let dir = tempfile::tempdir().unwrap();
    let register = dir.path().join("risks.toml");
    let text = std::fs::read_to_string(HOSTILE).unwrap().replace(
        "link = \"https://tracker.example/?a=1&b=<2>\"",
        "link = \"javascript:alert(document.cookie)\"",
    );
    std::fs::write(&register, text).unwrap();
    let (_, html) = report(dir.path(), register.to_str().unwrap());
    assert!(!html.contains("<script>"));
    assert!(!html.contains("<img"));
    assert!(!html.contains("<b>Hostile"));
    assert!(html.contains("&lt;script&gt;alert("));
    assert!(html.contains("&lt;b&gt;Hostile&lt;/b&gt;"));
    assert!(!html.contains("href=\"javascript:"));
    assert!(html.contains("javascript:alert(document.cookie)"));
}

/// Each done action's exercise or failure, as `opx rank` marks it; the RPO
/// beside the worst data loss; the drills to schedule.
#[test]
fn the_page_shows_the_evidence_and_the_data_loss() {
    let dir = tempfile::tempdir().unwrap();
    let (_, html) = report(dir.path(), CHECKOUT);
    for shown in [
        "exercised 2026-11-20",
        "exercise overdue",
        "never exercised",
        "failed 2026-07-02",
        "RPO 1h",
        "Drills to schedule",
        "data loss 2h",
        "over its system's RPO",
    ] {
        assert!(html.contains(shown), "{shown}");
    }
}

#[test]
fn a_browser_renders_every_number() {
    if !chromium_installed() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (page, _) = report(dir.path(), CHECKOUT);
    let out = chromium(dir.path(), &["--dump-dom"], &page).unwrap();
    let dom = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        dom.contains("<h1>Risk report</h1>"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // Each heat-map cell holds what `opx matrix` counts there.
    let (_, matrix) = opx(&["matrix", CHECKOUT, "--format", "json"]);
    let matrix: Value = serde_json::from_str(&matrix).unwrap();
    let current = &dom[dom.find("data-view=\"current\"").unwrap()..];
    let current = &current[..current.find("</table>").unwrap()];
    let counts = attributes(current, "data-count");
    let cells = matrix["cells"].as_array().unwrap();
    assert_eq!(counts.len(), 25);
    for (count, cell) in counts.iter().zip(cells) {
        assert_eq!(
            count.parse::<u64>().unwrap(),
            cell["count"].as_u64().unwrap()
        );
    }

    // Each risk's bad minutes are `opx rank`'s.
    let (_, rank) = opx(&["rank", CHECKOUT, "--format", "json"]);
    let rank: Value = serde_json::from_str(&rank).unwrap();
    let risks = attributes(&dom, "data-risk");
    let minutes = attributes(&dom, "data-bad-minutes");
    assert!(!risks.is_empty());
    for (name, shown) in risks.iter().zip(&minutes) {
        let risk = rank["risks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| {
                format!(
                    "{}/{}",
                    r["system"].as_str().unwrap(),
                    r["id"].as_str().unwrap()
                ) == *name
            })
            .unwrap();
        assert_eq!(
            *shown,
            format!("{:.2}", risk["bad_minutes"].as_f64().unwrap()),
            "{name}"
        );
    }

    // The system's budget: 99.9% of a year.
    assert_eq!(attributes(&dom, "data-budget"), ["525.96"]);

    // A screenshot at 1280 pixels wide is not blank.
    let shot = dir.path().join("page.png");
    let out = chromium(
        dir.path(),
        &[
            "--window-size=1280,2000",
            &format!("--screenshot={}", shot.display()),
        ],
        &page,
    )
    .unwrap();
    assert!(shot.exists(), "{}", String::from_utf8_lossy(&out.stderr));
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&shot).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut pixels).unwrap();
    assert_eq!(info.width, 1280);
    let bytes = &pixels[..info.buffer_size()];
    let channels = info.color_type.samples();
    let inked = bytes
        .chunks(channels)
        .filter(|p| p.iter().take(3).any(|&c| c < 200))
        .count();
    let total = bytes.len() / channels;
    assert!(inked * 100 > total, "{inked} of {total} pixels carry ink");
}

#[test]
fn a_browser_shows_the_simulated_years() {
    if !chromium_installed() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let register = "tests/fixtures/ranges/risks.toml";
    let (page, _) = report(dir.path(), register);
    let out = chromium(dir.path(), &["--dump-dom"], &page).unwrap();
    let dom = String::from_utf8_lossy(&out.stdout).into_owned();

    // Each risk's P50 and P90 are `opx rank --simulate`'s: the report
    // simulates with the same defaults.
    let (_, rank) = opx(&["rank", register, "--format", "json", "--simulate"]);
    let rank: Value = serde_json::from_str(&rank).unwrap();
    let names = attributes(&dom, "data-risk");
    let (p50s, p90s) = (attributes(&dom, "data-p50"), attributes(&dom, "data-p90"));
    assert_eq!(names.len(), 2);
    for ((name, p50), p90) in names.iter().zip(&p50s).zip(&p90s) {
        let risk = rank["risks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| format!("ledger/{}", r["id"].as_str().unwrap()) == *name)
            .unwrap();
        let simulated = &risk["simulated"];
        assert_eq!(*p50, format!("{:.2}", simulated["p50"].as_f64().unwrap()));
        assert_eq!(*p90, format!("{:.2}", simulated["p90"].as_f64().unwrap()));
    }

    // And the system's chance of a year over budget.
    let miss = rank["simulation"]["systems"][0]["miss_probability"]
        .as_f64()
        .unwrap();
    let line = &dom[dom.find("<li data-system=\"ledger\">").unwrap()..];
    let line = &line[..line.find("</li>").unwrap()];
    assert!(
        line.contains(&format!("in {:.1}% of years", miss * 100.0)),
        "{line}"
    );
}

#[test]
fn the_gate_lists_errors_first_and_shows_what_it_waived() {
    let dir = tempfile::tempdir().unwrap();
    let (_, html) = report(dir.path(), CHECKOUT);
    let findings = &html[html.find("id=\"findings\"").unwrap()..];
    let levels: Vec<&str> = attributes(findings, "class")
        .into_iter()
        .filter_map(|c| c.strip_prefix("level-"))
        .collect();
    let rank = |level: &str| {
        ["error", "warning", "note"]
            .iter()
            .position(|l| *l == level)
    };
    assert!(
        levels.contains(&"error") && levels.contains(&"note"),
        "{levels:?}"
    );
    assert!(
        levels.windows(2).all(|w| rank(w[0]) <= rank(w[1])),
        "{levels:?}"
    );
    let waived = &findings[findings.find("<caption>Waived").unwrap()..];
    assert!(waived.contains("<code>no-detection</code>"), "{waived}");
}

/// Chromium driven over the DevTools protocol on a pipe: it reads
/// commands on its descriptor 3 and answers on 4, each message JSON ended
/// by a NUL. `sh` hands it our pipes there, so no unsafe code is needed.
struct Browser {
    child: std::process::Child,
    to: std::process::ChildStdin,
    from: std::sync::mpsc::Receiver<Value>,
    next: u64,
    _profile: tempfile::TempDir,
}

impl Browser {
    fn start() -> Browser {
        use std::io::BufRead;
        use std::process::Stdio;
        let profile = tempfile::tempdir().unwrap();
        let mut child = Process::new("sh")
            .args(["-c", "exec \"$0\" \"$@\" 3<&0 4>&1 0</dev/null 1>/dev/null"])
            .args([
                "chromium",
                "--headless",
                "--remote-debugging-pipe",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-quic",
                "--proxy-server=127.0.0.1:9",
                "--host-resolver-rules=MAP * ~NOTFOUND",
                "--hide-scrollbars",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let to = child.stdin.take().unwrap();
        let mut answers = std::io::BufReader::new(child.stdout.take().unwrap());
        let (send, from) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut message = Vec::new();
            while answers.read_until(0, &mut message).unwrap_or(0) > 0 {
                message.pop_if(|b| *b == 0);
                if let Ok(value) = serde_json::from_slice(&message)
                    && send.send(value).is_err()
                {
                    break;
                }
                message.clear();
            }
        });
        Browser {
            child,
            to,
            from,
            next: 0,
            _profile: profile,
        }
    }

    /// Sends `method` (to the page `session`, if given) and waits for its
    /// answer, passing over the events on the way.
    fn call(&mut self, session: Option<&str>, method: &str, params: Value) -> Value {
        use std::io::Write;
        self.next += 1;
        let mut message =
            serde_json::json!({ "id": self.next, "method": method, "params": params });
        if let Some(session) = session {
            message["sessionId"] = session.into();
        }
        let mut bytes = serde_json::to_vec(&message).unwrap();
        bytes.push(0);
        self.to.write_all(&bytes).unwrap();
        self.to.flush().unwrap();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            let answer = self
                .from
                .recv_timeout(left)
                .unwrap_or_else(|_| panic!("chromium did not answer {method}"));
            if answer["id"] == self.next {
                assert!(answer["error"].is_null(), "{method}: {answer}");
                return answer["result"].clone();
            }
        }
    }

    /// `page` opened in a tab `width` pixels wide; the tab's session.
    fn open(&mut self, page: &Path, width: u32) -> String {
        let target = self.call(
            None,
            "Target.createTarget",
            serde_json::json!({ "url": "about:blank" }),
        );
        let attached = self.call(
            None,
            "Target.attachToTarget",
            serde_json::json!({ "targetId": target["targetId"], "flatten": true }),
        );
        let session = attached["sessionId"].as_str().unwrap().to_string();
        self.call(
            Some(&session),
            "Emulation.setDeviceMetricsOverride",
            serde_json::json!({ "width": width, "height": 900, "deviceScaleFactor": 1, "mobile": false }),
        );
        let url = format!("file://{}", page.display());
        self.call(
            Some(&session),
            "Page.navigate",
            serde_json::json!({ "url": url }),
        );
        for _ in 0..300 {
            let ready = self.evaluate(
                &session,
                &format!(
                    "location.href === {} && document.readyState === 'complete'",
                    Value::from(url.as_str())
                ),
            );
            if ready == true {
                return session;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        panic!("{url} did not load");
    }

    /// The value of `expression` in the page; DevTools runs it whatever
    /// the page's own policy, which lets no script of its own run.
    fn evaluate(&mut self, session: &str, expression: &str) -> Value {
        let result = self.call(
            Some(session),
            "Runtime.evaluate",
            serde_json::json!({ "expression": expression, "returnByValue": true }),
        );
        assert!(result["exceptionDetails"].is_null(), "{result}");
        result["result"]["value"].clone()
    }
}

impl Drop for Browser {
    /// Asks the browser to close, and ends it if it has not within a few
    /// seconds.
    fn drop(&mut self) {
        use std::io::Write;
        let _ = self
            .to
            .write_all(b"{\"id\":0,\"method\":\"Browser.close\"}\0");
        let _ = self.to.flush();
        for _ in 0..100 {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What the browser measures of the laid-out page: each box that scrolls
/// sideways or reaches past the window, outside the heat maps (which may
/// scroll); the smallest text as drawn, an SVG's by its scale; and how far
/// down the verdict starts.
const MEASURE: &str = r#"(() => {
  const width = document.documentElement.clientWidth;
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + (typeof el.className === 'string' && el.className ? '.' + el.className.trim().split(/\s+/).join('.') : '')
    + ' in ' + (el.closest('section[aria-labelledby]')?.getAttribute('aria-labelledby') ?? 'the page');
  const scrolls = [], beyond = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (el.closest('.matrices')) continue;
    const style = getComputedStyle(el);
    if (/auto|scroll/.test(style.overflowX) && el.scrollWidth > el.clientWidth + 1)
      scrolls.push(name(el) + ': ' + el.scrollWidth + ' > ' + el.clientWidth);
    const box = el.getBoundingClientRect();
    if (box.width > 0 && (box.right > width + 1 || box.left < -1))
      beyond.push(name(el) + ': ' + Math.round(box.left) + '..' + Math.round(box.right));
  }
  let smallest = { px: Infinity, text: '' };
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walk.nextNode(); node; node = walk.nextNode()) {
    const el = node.parentElement;
    if (!node.data.trim() || !el || el.getClientRects().length === 0) continue;
    let px = parseFloat(getComputedStyle(el).fontSize);
    if (el instanceof SVGElement) px *= el.getScreenCTM()?.a ?? 1;
    if (px < smallest.px) smallest = { px, text: node.data.trim().slice(0, 40) };
  }
  const verdict = document.getElementById('verdict');
  return {
    width, page: document.documentElement.scrollWidth, height: document.documentElement.scrollHeight,
    scrolls, beyond, smallest,
    verdict: verdict ? Math.round(verdict.getBoundingClientRect().top) : null,
  };
})()"#;

/// A register in a repository of its own, with a history for the trend.
fn in_git(dir: &Path, register: &str) -> PathBuf {
    let text = std::fs::read_to_string(register).unwrap();
    let path = dir.join("risks.toml");
    let git = |day: &str, args: &[&str]| {
        let when = format!("{day}T12:00:00+00:00");
        let out = Process::new("git")
            .current_dir(dir)
            .args([
                "-c",
                "user.name=opx",
                "-c",
                "user.email=opx@example.invalid",
            ])
            .args(args)
            .env("GIT_AUTHOR_DATE", &when)
            .env("GIT_COMMITTER_DATE", &when)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    git("2026-09-01", &["init", "-q"]);
    // First without its last risk, then whole.
    let cut = text.rfind("\n[[risk]]").unwrap_or(text.len());
    std::fs::write(&path, &text[..cut]).unwrap();
    git("2026-09-01", &["add", "."]);
    git("2026-09-01", &["commit", "-q", "-m", "Add the register"]);
    std::fs::write(&path, &text).unwrap();
    git("2026-10-15", &["commit", "-q", "-am", "Add a risk"]);
    path
}

/// At a phone's width and a laptop's, nothing but the heat maps scrolls
/// sideways, no text is drawn under 11 pixels, and the verdict is in the
/// first screen.
#[test]
fn the_page_fits_a_phone_and_a_laptop() {
    if !chromium_installed() {
        return;
    }
    let mut browser = Browser::start();
    for register in [CHECKOUT, HOSTILE, "tests/fixtures/report-layout.toml"] {
        let dir = tempfile::tempdir().unwrap();
        let path = in_git(dir.path(), register);
        let page = dir.path().join("report.html");
        let (code, _) = opx(&[
            "report",
            path.to_str().unwrap(),
            "--output",
            page.to_str().unwrap(),
        ]);
        assert_eq!(code, 0);
        assert!(
            std::fs::read_to_string(&page)
                .unwrap()
                .contains("id=\"trend\"")
        );
        for width in [390, 1280] {
            let session = browser.open(&page, width);
            let seen = browser.evaluate(&session, MEASURE);
            let at = format!("{register} at {width} px: {seen:#}");
            assert_eq!(seen["width"], width, "{at}");
            assert!(seen["page"].as_u64().unwrap() <= u64::from(width), "{at}");
            assert_eq!(seen["scrolls"], serde_json::json!([]), "{at}");
            assert_eq!(seen["beyond"], serde_json::json!([]), "{at}");
            assert!(seen["smallest"]["px"].as_f64().unwrap() >= 11.0, "{at}");
            let verdict = seen["verdict"].as_f64();
            assert!(verdict.is_some_and(|top| top < 300.0), "{at}");
        }
    }
}

/// The text of the first element that opens with `open`, up to `close`.
fn between<'a>(html: &'a str, open: &str, close: &str) -> &'a str {
    let from = &html[html.find(open).unwrap_or_else(|| panic!("no {open}"))..];
    &from[..from.find(close).unwrap()]
}

/// The page opens with the gate's verdict, as `opx check` gives it: its
/// counts and its first three errors, in its order; then the systems over
/// budget, the worst risks as `opx rank` orders them, and the exceptions
/// that end soonest.
#[test]
fn the_page_opens_with_the_verdict() {
    let dir = tempfile::tempdir().unwrap();
    let (_, html) = report(dir.path(), CHECKOUT);
    let summary = between(&html, "<section class=\"summary\"", "</section>");
    assert!(html.find("class=\"summary\"") < html.find("id=\"systems\""));

    let (_, check) = opx(&["check", CHECKOUT, "--format", "json"]);
    let check: Value = serde_json::from_str(&check).unwrap();
    let errors: Vec<&Value> = check["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "error")
        .collect();
    assert_eq!(check["summary"]["errors"], 3);
    assert!(summary.contains("✗ The gate fails: 3 errors"), "{summary}");
    assert!(summary.contains("3 errors, 10 warnings, 5 notes, 1 waived in 11 risks"));
    let listed = between(summary, "<ol class=\"errors\">", "</ol>");
    assert_eq!(listed.matches("<li>").count(), 3);
    let mut at = 0;
    for error in errors.iter().take(3) {
        let code = format!("<code>{}</code>", error["code"].as_str().unwrap());
        let found = listed[at..]
            .find(&code)
            .unwrap_or_else(|| panic!("{code}: {listed}"));
        at += found + code.len();
    }
    // Quoted ids are code, never bare backticks.
    assert!(
        listed.contains("<code>checkout/orders-db-failover</code>"),
        "{listed}"
    );
    assert!(!html.contains('`'));

    assert!(
        summary
            .contains("<strong>checkout</strong>: <span class=\"overdue\">has spent 150.0%</span>")
    );

    let (_, rank) = opx(&["rank", CHECKOUT, "--format", "json"]);
    let rank: Value = serde_json::from_str(&rank).unwrap();
    let worst = between(summary, "worst risks</h3><ol>", "</ol>");
    let mut at = 0;
    for risk in rank["risks"].as_array().unwrap().iter().take(5) {
        let id = format!(">{}</span>", risk["id"].as_str().unwrap());
        let found = worst[at..]
            .find(&id)
            .unwrap_or_else(|| panic!("{id}: {worst}"));
        at += found + id.len();
    }
    assert_eq!(worst.matches("<li>").count(), 5);
    assert!(worst.contains("1 of 2 actions done; next prevent due"));

    let ending = between(summary, "Exceptions ending soonest</h3>", "</ul>");
    let waiver = ending.find("2027-02-28").unwrap();
    let acceptance = ending.find("2027-03-31").unwrap();
    assert!(waiver < acceptance, "{ending}");
    assert!(ending.contains("<code>no-detection</code> waived by eng-manager"));
}

/// A too-big that a waiver sets aside is not red in the budget: it says
/// who waived it and until when, and so does the risk's row.
#[test]
fn a_waived_too_big_says_who_waived_it_and_until_when() {
    let dir = tempfile::tempdir().unwrap();
    let (_, html) = report(dir.path(), "tests/fixtures/report-layout.toml");
    let risk = "payment-provider-regional-failover-during-peak-traffic-window-0";
    let row = between(
        &html,
        &format!("data-risk=\"checkout-platform-with-a-rather-long-system-identifier/{risk}\""),
        "</tr>",
    );
    let own = between(row, "data-label=\"own SLO\"", "</td>");
    assert!(row.contains("class=\"fit-waived\""), "{row}");
    assert!(own.contains("waived</span> until <span class=\"whole\">2026-12-20</span> <span class=\"whole\">(platform-director)</span>"), "{own}");
    let risks = between(&html, "id=\"risks\"", "</section>");
    let doing = between(risks, &format!(">{risk}</span>"), "</tr>");
    assert!(doing.contains("⊘ <code>too-big</code> waived until <span class=\"whole\">2026-12-20</span> <span class=\"whole\">(platform-director)</span>"), "{doing}");
    // Another too-big stays red.
    assert!(html.contains("class=\"fit-too-big\" data-label=\"own SLO\""));
}

/// The risk table says what `opx rank` says of each action and exception:
/// an action an incident found not to work is ✗, an acceptance past its
/// end is expired, one within the policy's notice ends soon, and a waiver
/// of `too-big` sets aside every budget the risk is too big for.
#[test]
fn the_risk_table_agrees_with_rank() {
    let dir = tempfile::tempdir().unwrap();
    let (_, html) = report(dir.path(), "tests/fixtures/exceptions/risks.toml");
    let risks = between(&html, "id=\"risks\"", "</section>");
    let synonyms = between(risks, ">stale-synonyms</span>", "</tr>");
    assert!(synonyms.contains("⊘ accepted by"), "{synonyms}");
    assert!(synonyms.contains("ends soon"), "{synonyms}");
    let query = between(risks, ">query-of-death</span>", "</tr>");
    assert!(query.contains("<code>no-runbook</code> waived"), "{query}");
    assert!(query.contains("expired"), "{query}");
    let stack = between(&html, "data-risk=\"search/reindex-stall\"", "</tr>");
    assert!(!stack.contains("fit-too-big"), "{stack}");
    assert!(stack.contains("fit-waived"), "{stack}");

    let register = dir.path().join("failed.toml");
    std::fs::write(
        &register,
        r#"[system]
id = "db"
owner = "infra"

[[risk]]
id = "backups"
title = "Backups fail silently"
category = "data"
likelihood = "possible"
impact = "severe"
owner = "infra"

[[risk.action]]
id = "restore-test"
kind = "detect"
what = "Nightly restore test"
status = "done"
signal = "restore-test-failed"

[[incident]]
id = "INC-1"
date = 2026-11-10
risks = ["backups"]
failed_actions = ["backups/restore-test"]
"#,
    )
    .unwrap();
    let (_, html) = report(dir.path(), register.to_str().unwrap());
    let risks = between(&html, "id=\"risks\"", "</section>");
    let row = between(risks, ">backups</span>", "</tr>");
    assert!(row.contains("✗ detect: Nightly restore test"), "{row}");
}
