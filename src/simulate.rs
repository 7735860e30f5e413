//! Simulated years: how a system's risks together may spend its error
//! budget, beyond the expected bad minutes.
//!
//! Each risk is simulated in its current view, year by year:
//!
//! - its rate is drawn from its frequency (a point, or lognormal for a
//!   range, see [`crate::uncertainty`]), and the year's incidents from a
//!   Poisson distribution with that rate;
//! - each incident draws its own time to detect, time to recover and share
//!   of users, and costs share × (detect + recover) minutes; past
//!   [`EXACT_INCIDENTS`] incidents in a year their sum is drawn from the
//!   normal distribution with the same mean and variance, so a risk that
//!   claims a million incidents a year costs no more than one that claims
//!   a hundred;
//! - a system's year is the sum of its risks' years (the same risks its
//!   expected bad minutes sum), and it misses its budget when that sum is
//!   over it.
//!
//! P50 and P90 are nearest-rank percentiles of the simulated years. Each
//! risk draws from its own stream, seeded by the seed, its system's id and
//! its own, so a result depends on neither the order of the files nor the
//! number of cores.

use crate::analysis::Analysis;
use crate::register::model::View;
use crate::uncertainty::{Distribution, Interval};
use crate::units::minutes;

/// Simulated years unless `--simulations` says otherwise.
pub const DEFAULT_SIMULATIONS: u32 = 10_000;

/// The most years `--simulations` takes: the cost is linear in them.
pub const MAX_SIMULATIONS: u32 = 1_000_000;

/// The seed unless `--seed` says otherwise: fixed, so a report is the same
/// on every run.
pub const DEFAULT_SEED: u64 = 1;

/// Up to this many incidents in a year are drawn one by one.
pub const EXACT_INCIDENTS: u64 = 64;

/// How many years to simulate, and from which seed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    pub simulations: u32,
    pub seed: u64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            simulations: DEFAULT_SIMULATIONS,
            seed: DEFAULT_SEED,
        }
    }
}

/// What the simulated years showed.
#[derive(Debug, Clone, PartialEq)]
pub struct Simulation {
    /// One per risk of [`Analysis::risks`]; `None` where its bad minutes
    /// are unknown.
    pub risks: Vec<Option<Years>>,
    /// One per system of [`Analysis::systems`]; `None` where none of its
    /// risks has known bad minutes.
    pub systems: Vec<Option<SystemYears>>,
}

/// Yearly bad minutes across the simulated years.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Years {
    pub p50: f64,
    pub p90: f64,
}

/// A system's risks together, across the simulated years.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SystemYears {
    pub years: Years,
    /// The share of years over the error budget; `None` without an SLO.
    pub miss_probability: Option<f64>,
}

/// Simulates every system of `analysis`, each on its own core when there
/// are several.
pub fn simulate(analysis: &Analysis<'_>, settings: Settings) -> Simulation {
    let mut risks = vec![None; analysis.risks.len()];
    let mut systems = Vec::with_capacity(analysis.systems.len());
    let work = |system: usize| simulate_system(analysis, system, settings);
    let _ = crate::parallel::in_order(
        (0..analysis.systems.len()).collect(),
        work,
        |(system, per_risk)| {
            for (risk, years) in per_risk {
                risks[risk] = Some(years);
            }
            systems.push(system);
            Ok::<(), ()>(())
        },
    );
    Simulation { risks, systems }
}

/// One system's years and each of its risks' years (by place in
/// [`Analysis::risks`]).
fn simulate_system(
    analysis: &Analysis<'_>,
    system: usize,
    settings: Settings,
) -> (Option<SystemYears>, Vec<(usize, Years)>) {
    let assessed = &analysis.systems[system];
    let n = settings.simulations as usize;
    let mut totals = vec![0.0; n];
    let mut years = vec![0.0; n];
    let mut per_risk = Vec::new();
    for &index in &assessed.risks {
        let risk = &analysis.risks[index];
        let Some(model) = RiskModel::of(&risk.score.current.view) else {
            continue;
        };
        let mut rng = Rng::new(settings.seed, &[&assessed.system.id, &risk.risk.id.value]);
        for (year, total) in years.iter_mut().zip(&mut totals) {
            *year = model.year(&mut rng);
            *total += *year;
        }
        per_risk.push((index, percentiles(&mut years)));
    }
    if per_risk.is_empty() {
        return (None, per_risk);
    }
    let miss_probability = assessed.budget.as_ref().map(|b| {
        let misses = totals.iter().filter(|&&t| t > b.budget).count();
        misses as f64 / n as f64
    });
    let system_years = SystemYears {
        years: percentiles(&mut totals),
        miss_probability,
    };
    (Some(system_years), per_risk)
}

/// P50 and P90 by nearest rank: the value with p × n years at or below it.
fn percentiles(years: &mut [f64]) -> Years {
    let mut at = |p: f64| {
        let rank = ((p * years.len() as f64).ceil() as usize).clamp(1, years.len());
        *years.select_nth_unstable_by(rank - 1, f64::total_cmp).1
    };
    Years {
        p50: at(0.5),
        p90: at(0.9),
    }
}

/// A risk's estimates as distributions, in minutes, incidents a year and shares.
struct RiskModel {
    frequency: Distribution,
    detect: Distribution,
    recover: Distribution,
    users: Distribution,
    /// Every incident costs the same: nothing in it is a range.
    fixed_cost: Option<f64>,
    /// The mean and variance of one incident's cost, for many incidents.
    cost_mean: f64,
    cost_variance: f64,
}

impl RiskModel {
    /// The view's estimates, or `None` where its bad minutes are unknown.
    fn of(view: &View) -> Option<RiskModel> {
        let spread = &view.spread;
        let pick = |value: f64, range: Option<Interval>, read: fn(Interval) -> Distribution| {
            range.map_or(Distribution::Point(value), read)
        };
        let detect = minutes(view.time_to_detect?.duration()?);
        let recover = minutes(view.time_to_recover?.duration()?);
        let frequency = view.frequency?.per_year();
        let users = view.users_affected.map_or(1.0, |u| u.fraction());
        let model =
            |frequency, detect: Distribution, recover: Distribution, users: Distribution| {
                let time_mean = detect.mean() + recover.mean();
                let time_square = detect.second_moment()
                    + 2.0 * detect.mean() * recover.mean()
                    + recover.second_moment();
                let cost_mean = users.mean() * time_mean;
                let fixed = [detect, recover, users]
                    .iter()
                    .all(|d| matches!(d, Distribution::Point(_)));
                RiskModel {
                    frequency,
                    detect,
                    recover,
                    users,
                    fixed_cost: fixed.then_some(cost_mean),
                    cost_mean,
                    cost_variance: (users.second_moment() * time_square - cost_mean * cost_mean)
                        .max(0.0),
                }
            };
        Some(model(
            pick(frequency, spread.frequency, Distribution::lognormal),
            pick(detect, spread.time_to_detect, Distribution::lognormal),
            pick(recover, spread.time_to_recover, Distribution::lognormal),
            pick(users, spread.users_affected, Distribution::share),
        ))
    }

    /// One simulated year's bad minutes.
    fn year(&self, rng: &mut Rng) -> f64 {
        let rate = self.draw(self.frequency, rng);
        let incidents = rng.poisson(rate);
        if incidents == 0 {
            return 0.0;
        }
        if let Some(cost) = self.fixed_cost {
            return incidents as f64 * cost;
        }
        if incidents > EXACT_INCIDENTS {
            let n = incidents as f64;
            let sum = n * self.cost_mean + (n * self.cost_variance).sqrt() * rng.normal();
            return sum.max(0.0);
        }
        (0..incidents)
            .map(|_| {
                let users = self.draw(self.users, rng);
                users * (self.draw(self.detect, rng) + self.draw(self.recover, rng))
            })
            .sum()
    }

    fn draw(&self, distribution: Distribution, rng: &mut Rng) -> f64 {
        match distribution {
            Distribution::Point(x) => x,
            lognormal => lognormal.at(rng.normal()),
        }
    }
}

/// xoshiro256++ (Blackman and Vigna, 2019), seeded through SplitMix64:
/// small, fast, and fixed here so that a seed gives the same years in
/// every version of opx.
struct Rng {
    state: [u64; 4],
    /// The second of the last pair of normal draws, not yet used.
    spare_normal: Option<f64>,
}

impl Rng {
    /// A stream of its own for `seed` and `names`.
    fn new(seed: u64, names: &[&str]) -> Rng {
        // FNV-1a over the names, each ended by a zero byte.
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for byte in names.iter().flat_map(|n| n.bytes().chain([0])) {
            hash = (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3);
        }
        let mut mix = seed ^ hash.rotate_left(32);
        let mut next = || {
            mix = mix.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = mix;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        };
        Rng {
            state: [next(), next(), next(), next()],
            spare_normal: None,
        }
    }

    fn next_u64(&mut self) -> u64 {
        let s = &mut self.state;
        let result = s[0].wrapping_add(s[3]).rotate_left(23).wrapping_add(s[0]);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    /// Uniform in (0, 1]: never zero, so its logarithm is finite.
    fn uniform(&mut self) -> f64 {
        ((self.next_u64() >> 11) + 1) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// A standard normal draw (Box–Muller, both halves used).
    fn normal(&mut self) -> f64 {
        if let Some(z) = self.spare_normal.take() {
            return z;
        }
        let radius = (-2.0 * self.uniform().ln()).sqrt();
        let angle = std::f64::consts::TAU * self.uniform();
        self.spare_normal = Some(radius * angle.sin());
        radius * angle.cos()
    }

    /// A Poisson draw with mean `rate`: by multiplying uniforms (Knuth) for
    /// small rates, by transformed rejection (Hörmann's PTRS, 1993) for
    /// large ones, so its cost never grows with the rate.
    fn poisson(&mut self, rate: f64) -> u64 {
        if rate <= 0.0 {
            return 0;
        }
        if rate < 30.0 {
            let limit = (-rate).exp();
            let mut product = self.uniform();
            let mut count = 0;
            while product > limit {
                product *= self.uniform();
                count += 1;
            }
            return count;
        }
        let b = 0.931 + 2.53 * rate.sqrt();
        let a = -0.059 + 0.024_83 * b;
        let inverse_alpha = 1.1239 + 1.1328 / (b - 3.4);
        let v_r = 0.9277 - 3.6224 / (b - 2.0);
        loop {
            let u = self.uniform() - 0.5;
            let v = self.uniform();
            let us = 0.5 - u.abs();
            let k = ((2.0 * a / us + b) * u + rate + 0.43).floor();
            if us >= 0.07 && v <= v_r {
                return k as u64;
            }
            if k < 0.0 || (us < 0.013 && v > us) {
                continue;
            }
            if (v * inverse_alpha / (a / (us * us) + b)).ln()
                <= -rate + k * rate.ln() - ln_factorial(k)
            {
                return k as u64;
            }
        }
    }
}

/// ln k! for a whole k ≥ 0: summed below 10, Stirling's series above
/// (error below 1e-10 there).
fn ln_factorial(k: f64) -> f64 {
    if k < 10.0 {
        return (2..=k as u64).map(|i| (i as f64).ln()).sum();
    }
    let k_inv = 1.0 / k;
    k * k.ln() - k + 0.5 * (std::f64::consts::TAU * k).ln() + k_inv / 12.0 - k_inv.powi(3) / 360.0
        + k_inv.powi(5) / 1260.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn year_of(model: &RiskModel, years: u32, seed: u64) -> Vec<f64> {
        let mut rng = Rng::new(seed, &["system", "risk"]);
        (0..years).map(|_| model.year(&mut rng)).collect()
    }

    fn point_model(per_incident: f64, per_year: f64) -> RiskModel {
        RiskModel {
            frequency: Distribution::Point(per_year),
            detect: Distribution::Point(0.0),
            recover: Distribution::Point(per_incident),
            users: Distribution::Point(1.0),
            fixed_cost: Some(per_incident),
            cost_mean: per_incident,
            cost_variance: 0.0,
        }
    }

    /// The share of `years` over `budget`.
    fn misses(years: &[f64], budget: f64) -> f64 {
        years.iter().filter(|&&y| y > budget).count() as f64 / years.len() as f64
    }

    /// A 99.99% SLO allows 52.596 bad minutes a year.
    const BUDGET_9999: f64 = 0.0001 * 1440.0 * 365.25;

    #[test]
    fn one_incident_a_year_of_a_hundred_minutes_misses_63_percent_of_years() {
        // Any incident overruns 52.6 minutes: P(N ≥ 1) = 1 − e⁻¹ = 63.2%.
        let years = year_of(&point_model(100.0, 1.0), DEFAULT_SIMULATIONS, DEFAULT_SEED);
        let expected = 1.0 - (-1.0f64).exp();
        assert!((misses(&years, BUDGET_9999) - expected).abs() < 0.015);
    }

    #[test]
    fn twenty_minutes_twice_a_year_misses_32_percent_of_years() {
        // Three incidents overrun: P(N ≥ 3) = 1 − e⁻²(1 + 2 + 2) = 32.3%.
        let years = year_of(&point_model(20.0, 2.0), DEFAULT_SIMULATIONS, DEFAULT_SEED);
        let expected = 1.0 - 5.0 * (-2.0f64).exp();
        assert!((misses(&years, BUDGET_9999) - expected).abs() < 0.015);
    }

    #[test]
    fn a_ranged_risk_simulates_to_its_analytic_mean() {
        // 12/year, 1m..10m to detect, 10m..100m to recover, 5%..30% of users.
        let text = r#"
            [system]
            id = "s"
            [[risk]]
            id = "r"
            title = "t"
            category = "technical"
            frequency = "12/year"
            time_to_detect = "1m..10m"
            time_to_recover = "10m..100m"
            users_affected = "5%..30%"
        "#;
        let loaded = crate::register::load_contents(
            vec![("risks.toml".into(), text.as_bytes().to_vec())],
            Vec::new(),
        );
        assert!(!loaded.failed(), "{:?}", loaded.diagnostics);
        let view = loaded.register.risks[0].inherent;
        let model = RiskModel::of(&view).unwrap();
        let analytic = crate::budget::bad_minutes(&view).unwrap();
        let years = year_of(&model, DEFAULT_SIMULATIONS, DEFAULT_SEED);
        let mean = years.iter().sum::<f64>() / years.len() as f64;
        assert!((mean / analytic - 1.0).abs() < 0.02, "{mean} vs {analytic}");
    }

    #[test]
    fn poisson_draws_have_their_mean_and_variance() {
        for rate in [0.5, 3.0, 29.0, 31.0, 200.0, 1e6] {
            let mut rng = Rng::new(7, &["poisson"]);
            let n = 20_000;
            let draws: Vec<f64> = (0..n).map(|_| rng.poisson(rate) as f64).collect();
            let mean = draws.iter().sum::<f64>() / n as f64;
            let variance = draws.iter().map(|d| (d - mean).powi(2)).sum::<f64>() / n as f64;
            // Five standard errors of each.
            assert!(
                (mean - rate).abs() < 5.0 * (rate / n as f64).sqrt(),
                "{rate}: {mean}"
            );
            assert!(
                (variance / rate - 1.0).abs() < 5.0 * (2.0 / n as f64).sqrt(),
                "{rate}: {variance}"
            );
        }
    }

    #[test]
    fn many_incidents_keep_the_mean() {
        // 1000 incidents a year, past the exact limit: the normal sum keeps
        // the mean of 1000 × E[cost].
        let mut model = point_model(1.0, 1000.0);
        let ranged = Distribution::lognormal(Interval {
            low: 10.0,
            high: 100.0,
        });
        model.recover = ranged;
        model.fixed_cost = None;
        model.cost_mean = ranged.mean();
        model.cost_variance = ranged.second_moment() - ranged.mean().powi(2);
        let years = year_of(&model, 2_000, 3);
        let mean = years.iter().sum::<f64>() / years.len() as f64;
        assert!(
            (mean / (1000.0 * ranged.mean()) - 1.0).abs() < 0.01,
            "{mean}"
        );
    }

    #[test]
    fn ln_factorial_is_exact_enough() {
        let mut exact = 0.0;
        for k in 1..=40u32 {
            exact += f64::from(k).ln();
            assert!((ln_factorial(f64::from(k)) - exact).abs() < 1e-9, "{k}");
        }
    }

    #[test]
    fn percentiles_by_nearest_rank() {
        let mut years: Vec<f64> = (1..=10).rev().map(f64::from).collect();
        assert_eq!(percentiles(&mut years), Years { p50: 5.0, p90: 9.0 });
    }

    #[test]
    fn a_stream_depends_on_its_seed_and_names_only() {
        let draw = |seed, names: &[&str]| Rng::new(seed, names).next_u64();
        assert_eq!(draw(1, &["a", "b"]), draw(1, &["a", "b"]));
        assert_ne!(draw(1, &["a", "b"]), draw(2, &["a", "b"]));
        assert_ne!(draw(1, &["a", "b"]), draw(1, &["ab", ""]));
    }
}
