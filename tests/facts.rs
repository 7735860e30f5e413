//! Facts the assessed model derives once, read back from every command
//! that shows them: each view must agree with the others on one register.

use std::collections::BTreeSet;

use assert_cmd::Command;
use serde_json::Value;

const TODAY: &str = "2026-11-27";
/// Two overdue actions (one planned, one in progress), an acceptance, a
/// waiver, an action an incident found not to work.
const CHECKOUT: &str = "examples/checkout.toml";

fn json(args: &[&str]) -> Value {
    let out = Command::cargo_bin("opx")
        .unwrap()
        .env("NO_COLOR", "1")
        .args(args)
        .args(["--today", TODAY, "--format", "json"])
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{args:?}: {e}: {}", String::from_utf8_lossy(&out.stderr)))
}

fn array<'a>(value: &'a Value, key: &str) -> &'a Vec<Value> {
    value[key]
        .as_array()
        .unwrap_or_else(|| panic!("no {key} in {value}"))
}

fn text(value: &Value, key: &str) -> String {
    value[key].as_str().unwrap_or_default().to_string()
}

/// `(risk, what)` of every overdue action, as each command says it.
#[test]
fn every_view_agrees_on_which_actions_are_overdue() {
    // rank (and show, which gives the same risk document).
    let rank = json(&["rank", CHECKOUT]);
    let mut from_rank = BTreeSet::new();
    for risk in array(&rank, "risks") {
        for action in array(risk, "actions") {
            if action["overdue"] == true {
                from_rank.insert((text(risk, "id"), text(action, "what")));
            }
        }
        let shown = json(&["show", &format!("checkout/{}", text(risk, "id")), CHECKOUT]);
        assert_eq!(shown["risk"]["actions"], risk["actions"], "{}", risk["id"]);
    }
    assert_eq!(from_rank.len(), 2, "{from_rank:?}");

    // check: one action-overdue finding each.
    let check = json(&["check", CHECKOUT]);
    let from_check: BTreeSet<(String, String)> = array(&check, "findings")
        .iter()
        .filter(|f| f["code"] == "action-overdue")
        .map(|f| {
            let message = text(f, "message");
            let what = from_rank
                .iter()
                .find(|(_, what)| message.contains(what.as_str()))
                .map_or(String::new(), |(_, what)| what.clone());
            (text(f, "risk"), what)
        })
        .collect();
    assert_eq!(from_check, from_rank);

    // review, over a window that holds every due date.
    let review = json(&["review", CHECKOUT, "--days", "365"]);
    let from_review: BTreeSet<(String, String)> = array(&review, "actions")
        .iter()
        .filter(|a| a["overdue"] == true)
        .map(|a| (text(a, "risk"), text(a, "what")))
        .collect();
    assert_eq!(from_review, from_rank);

    // plan, now and later.
    let plan = json(&["plan", CHECKOUT]);
    let from_plan: BTreeSet<(String, String)> = ["now", "later"]
        .iter()
        .flat_map(|part| array(&plan, part))
        .flat_map(|week| array(week, "actions"))
        .filter(|a| a["overdue"] == true)
        .map(|a| (text(a, "risk"), text(a, "what")))
        .collect();
    assert_eq!(from_plan, from_rank);
}

/// Where each acceptance and waiver stands, as rank, show, review and the
/// gate say it.
#[test]
fn every_view_agrees_on_where_exceptions_stand() {
    let register = "tests/fixtures/exceptions/risks.toml";
    let rank = json(&["rank", register]);
    let mut standings = BTreeSet::new();
    for risk in array(&rank, "risks") {
        if let Some(accepted) = risk["accepted"].as_object() {
            standings.insert((
                text(risk, "id"),
                "accepted".to_string(),
                accepted["standing"].as_str().unwrap().to_string(),
            ));
        }
        for waiver in risk["waivers"].as_array().into_iter().flatten() {
            standings.insert((
                text(risk, "id"),
                text(waiver, "rule"),
                text(waiver, "standing"),
            ));
        }
    }
    assert_eq!(standings.len(), 3, "{standings:?}");

    // review lists those that end within the notice or have ended.
    let review = json(&["review", register]);
    let from_review: BTreeSet<(String, String, String)> = array(&review, "exceptions")
        .iter()
        .map(|e| {
            let what = e["rule"].as_str().unwrap_or("accepted").to_string();
            (text(e, "risk"), what, text(e, "standing"))
        })
        .collect();
    let ending: BTreeSet<_> = standings
        .iter()
        .filter(|(_, _, standing)| standing != "holds")
        .cloned()
        .collect();
    assert_eq!(from_review, ending);

    // The gate warns of each that ends soon, and of an acceptance past its end.
    let check = json(&["check", register]);
    let codes: BTreeSet<(String, String)> = array(&check, "findings")
        .iter()
        .map(|f| (text(f, "risk"), text(f, "code")))
        .collect();
    for (risk, what, standing) in &standings {
        let code = match (what.as_str(), standing.as_str()) {
            ("accepted", "ending") => Some("acceptance-expiring"),
            ("accepted", "expired") => Some("acceptance-expired"),
            (_, "ending") => Some("waiver-expiring"),
            _ => None,
        };
        if let Some(code) = code {
            assert!(
                codes.contains(&(risk.clone(), code.to_string())),
                "{risk} {code}"
            );
        }
    }
}
