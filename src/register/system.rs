//! `[system]` with its `[system.slo]`, `[system.baseline]` and `[[system.factor]]`.

use std::ops::Range;

use toml::de::DeTable;

use super::factor;
use super::fields::{Fields, Sink};
use super::format;
use super::model::{Baseline, Measure, Slo, System};
use crate::diag::Code;
use crate::units;

pub(crate) fn validate(
    sink: &mut Sink<'_>,
    table: &DeTable<'_>,
    span: Range<usize>,
) -> Option<System> {
    let f = Fields::new(sink, table, span, &format::SYSTEM);
    let id = f.required_id(
        sink,
        "id",
        "system",
        "give the system an id such as id = \"checkout\"",
    );
    let name = f.string(sink, "name").map(|s| s.value);
    let owner = f.string(sink, "owner").map(|s| s.value);
    let oncall = f.string(sink, "oncall").map(|s| s.value);
    let escalation = f.strings(sink, "escalation");
    let scope = f.strings(sink, "scope");
    let out_of_scope = f.strings(sink, "out_of_scope");
    let dependencies = f.strings(sink, "dependencies");
    let slo = f
        .table(sink, "slo", "write the SLOs as a table: [system.slo]")
        .map(|(t, span)| validate_slo(sink, t, span))
        .unwrap_or_default();
    let baseline = f
        .table(
            sink,
            "baseline",
            "write the measurements as a table: [system.baseline]",
        )
        .map(|(t, span)| validate_baseline(sink, t, span))
        .unwrap_or_default();
    let measure = f
        .table(
            sink,
            "measure",
            "write the expressions as a table: [system.measure]",
        )
        .map(|(t, span)| validate_measure(sink, t, span))
        .unwrap_or_default();
    let factors = f
        .tables(
            sink,
            "factor",
            "write each factor as [[system.factor]], with two brackets",
        )
        .into_iter()
        .filter_map(|(t, span)| factor::validate(sink, t, span))
        .collect();
    let id = id?;
    Some(System {
        span: id.span,
        id: id.value,
        name,
        owner,
        oncall,
        escalation,
        scope,
        out_of_scope,
        dependencies,
        slo,
        baseline,
        measure,
        factors,
    })
}

fn validate_slo(sink: &mut Sink<'_>, table: &DeTable<'_>, span: Range<usize>) -> Slo {
    let f = Fields::new(sink, table, span, &format::SLO);
    Slo {
        availability: f
            .parsed(
                sink,
                "availability",
                Code::InvalidPercent,
                "99.9%",
                units::parse_availability_target,
            )
            .map(|a| a.value),
        latency_p95: f
            .parsed(
                sink,
                "latency_p95",
                Code::InvalidDuration,
                "300ms",
                units::parse_latency,
            )
            .map(|d| d.value),
        rpo: f
            .parsed(
                sink,
                "rpo",
                Code::InvalidDuration,
                "1h",
                units::parse_duration,
            )
            .map(|d| d.value),
        window: f
            .parsed(
                sink,
                "window",
                Code::InvalidDuration,
                "30d",
                units::parse_duration,
            )
            .map(|d| d.value)
            .filter(|d| !d.is_zero()),
    }
}

fn validate_measure(sink: &mut Sink<'_>, table: &DeTable<'_>, span: Range<usize>) -> Measure {
    let f = Fields::new(sink, table, span, &format::MEASURE);
    Measure {
        availability: f.string(sink, "availability"),
        error_rate: f.string(sink, "error_rate"),
        latency_p95: f.string(sink, "latency_p95"),
        throughput: f.string(sink, "throughput"),
    }
}

fn validate_baseline(sink: &mut Sink<'_>, table: &DeTable<'_>, span: Range<usize>) -> Baseline {
    let f = Fields::new(sink, table, span, &format::BASELINE);
    let percent = |sink: &mut Sink<'_>, key, example| {
        f.parsed(
            sink,
            key,
            Code::InvalidPercent,
            example,
            units::parse_percent,
        )
        .map(|v| v.value)
    };
    Baseline {
        availability: percent(sink, "availability", "99.85%"),
        error_rate: percent(sink, "error_rate", "0.4%"),
        latency_p95: f
            .parsed(
                sink,
                "latency_p95",
                Code::InvalidDuration,
                "340ms",
                units::parse_latency,
            )
            .map(|v| v.value),
        throughput: f
            .parsed(
                sink,
                "throughput",
                Code::InvalidValue,
                "1200/s",
                units::parse_rate,
            )
            .map(|v| v.value),
        open_bugs: f.count(sink, "open_bugs"),
        pages_per_week: f.count(sink, "pages_per_week"),
        toil_hours_per_week: f.count(sink, "toil_hours_per_week"),
        measured: f.date(sink, "measured").map(|d| d.value),
    }
}
