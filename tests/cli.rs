//! CLI cases: one file per exit path and per diagnostic code, under
//! `tests/cmd/`. Each `NAME.toml` gives the arguments and the exit code,
//! `NAME.in/` holds its fixture (and is the working folder), and
//! `NAME.stdout` / `NAME.stderr` the exact output.
//! Tables fit 100 columns (no terminal, no `COLUMNS`) unless a case sets
//! `COLUMNS`. Regenerate after a deliberate change with
//! `TRYCMD=overwrite cargo test --test cli`.

#[test]
fn cli_cases() {
    trycmd::TestCases::new()
        .env("NO_COLOR", "1")
        .case("tests/cmd/*.toml");
}
