//! Simulated years: how a system's risks together may spend its error
//! budget, beyond the expected bad minutes.
//!
//! Each risk is simulated in its current view, year by year:
//!
//! - its rate is drawn from its frequency (a point, or lognormal for a
//!   range, see `crate::uncertainty`), and the year's incidents from a
//!   Poisson distribution with that rate;
//! - each incident draws its own time to detect, time to recover and share
//!   of users, and costs share × (detect + recover) minutes. A range is
//!   drawn from 1,024 equally likely values, the means of equal slices of
//!   its distribution (so they keep its mean, and the top one its tail);
//! - a year has a work budget: up to 16 incidents are drawn one by one;
//!   past that, those that fall among the costliest values (the 16
//!   costliest and the top slices) are still drawn one by one, and the
//!   rest, whose costs lie close together, are drawn as one sum from the
//!   lognormal with the sum's exact mean and variance (Fenton and
//!   Wilkinson); so a risk that claims a million incidents a year costs
//!   about what one that claims twenty does, and every mean stays exact;
//! - a system's year is the sum of its risks' years (the same risks its
//!   expected bad minutes sum), each drawn again with its system's
//!   systemic factors on top where it has some that are not removed (every
//!   incident takes the factors' added minutes, and the rate grows by
//!   their added shares); it misses its budget when that sum is over it.
//!   A risk's own P50 and P90 are of its years without the factors, as its
//!   own scores are.
//!
//! P50 and P90 are nearest-rank percentiles of the simulated years. Each
//! risk draws from its own stream, seeded by the seed, its system's id and
//! its own, so a result depends on neither the order of the files nor the
//! number of cores.

pub use crate::years::{
    DEFAULT_SEED, DEFAULT_SIMULATIONS, MAX_SIMULATIONS, Settings, SystemYears, Years,
};

use crate::analysis::Analysis;
use crate::factor::FactorState;
use crate::register::model::View;
use crate::uncertainty::{Distribution, Interval, inverse_normal_cdf};
use crate::units::minutes;

/// What the simulated years showed.
#[derive(Debug, Clone, PartialEq)]
pub struct Simulation {
    /// One per risk of `Analysis::risks`; `None` where its bad minutes
    /// are unknown.
    pub risks: Vec<Option<Years>>,
    /// One per system of `Analysis::systems`; `None` where none of its
    /// risks has known bad minutes.
    pub systems: Vec<Option<SystemYears>>,
}

/// Simulates `analysis` (see [`simulate`]) and keeps what the years
/// showed in it: each risk's and system's percentiles, and the settings.
/// Only run when asked for: it costs far more than the rest.
pub fn apply(analysis: &mut Analysis<'_>, settings: Settings) {
    let simulation = simulate(analysis, settings);
    for (risk, years) in analysis.risks.iter_mut().zip(simulation.risks) {
        risk.simulated = years;
    }
    for (system, years) in analysis.systems.iter_mut().zip(simulation.systems) {
        system.simulated = years;
    }
    analysis.simulation = Some(settings);
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
    // At least one year, whatever a caller asks: percentiles need one.
    let n = (settings.simulations as usize).max(1);
    let mut totals = vec![0.0; n];
    let mut scratch = Scratch::default();
    let mut per_risk = Vec::new();
    let on_top = Factors::of(analysis, system);
    for &index in &assessed.risks {
        let risk = &analysis.risks[index];
        let names = [assessed.system.id.as_str(), risk.risk.id.value.as_str()];
        let mut rng = Rng::new(settings.seed, &names);
        let view = &risk.score.current.view;
        let Some(model) = RiskModel::of(view, &Factors::NONE, &mut rng) else {
            continue;
        };
        if on_top.is_none() {
            per_risk.push((index, model.years(&mut rng, &mut totals, &mut scratch)));
            continue;
        }
        // Its own years for its percentiles; the system's years with the
        // factors on top, from a stream of their own.
        let mut own = vec![0.0; n];
        per_risk.push((index, model.years(&mut rng, &mut own, &mut scratch)));
        let mut rng = Rng::new(settings.seed, &[names[0], names[1], "with factors"]);
        if let Some(with) = RiskModel::of(view, &on_top, &mut rng) {
            with.years(&mut rng, &mut totals, &mut scratch);
        }
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

/// The place, counted from 1, of the nearest-rank `p` percentile of `n` years.
fn rank(p: f64, n: usize) -> usize {
    ((p * n as f64).ceil() as usize).clamp(1, n)
}

/// P50 and P90 by nearest rank: the value with p × n years at or below it.
fn percentiles(years: &mut [f64]) -> Years {
    let n = years.len();
    let (p50, p90) = (rank(0.5, n), rank(0.9, n));
    let (below, at_p90, _) = years.select_nth_unstable_by(p90 - 1, f64::total_cmp);
    let p90_value = *at_p90;
    // The P50 lies among the years below the P90, or is it.
    let p50_value = if p50 < p90 {
        *below.select_nth_unstable_by(p50 - 1, f64::total_cmp).1
    } else {
        p90_value
    };
    Years {
        p50: p50_value,
        p90: p90_value,
    }
}

/// [`percentiles`] of `n` years that cost `cost` an incident, from how
/// many years had each number of incidents.
fn tallied_percentiles(counts: &[u32], n: usize, cost: f64) -> Years {
    let at = |rank: usize| {
        let mut seen = 0;
        for (incidents, &count) in counts.iter().enumerate() {
            seen += count as usize;
            if seen >= rank {
                return incidents as f64 * cost;
            }
        }
        counts.len().saturating_sub(1) as f64 * cost
    };
    Years {
        p50: at(rank(0.5, n)),
        p90: at(rank(0.9, n)),
    }
}

/// What a system's systemic factors add to each of its risks' incidents,
/// those not removed together.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Factors {
    /// Minutes added to each incident's detect and recover times.
    minutes: f64,
    /// The share added to each risk's rate (0.1 for `+10%`).
    rate: f64,
}

impl Factors {
    const NONE: Factors = Factors {
        minutes: 0.0,
        rate: 0.0,
    };

    /// The factors of `system` that still cost: not removed.
    fn of(analysis: &Analysis<'_>, system: usize) -> Factors {
        let mut on_top = Factors::NONE;
        for &i in &analysis.systems[system].factors {
            let factor = &analysis.factors[i];
            if factor.state() == FactorState::Removed {
                continue;
            }
            let added = &factor.factor.added;
            on_top.minutes += added.minutes();
            on_top.rate += added.share();
        }
        on_top
    }

    fn is_none(&self) -> bool {
        *self == Factors::NONE
    }
}

/// Buffers a system's risks reuse, one after another.
#[derive(Default)]
struct Scratch {
    years: Vec<f64>,
    counts: Vec<u32>,
}

/// How many equally likely values stand for a range when drawing from it.
const ATOMS: usize = 1024;

/// A risk's estimates, made ready for drawing years from quickly.
struct RiskModel {
    rate: RateModel,
    cost: CostModel,
}

/// Incidents a year.
enum RateModel {
    /// A point, or a range, whose rates are all small: the distribution of
    /// a year's count, tabulated.
    Table(CountTable),
    /// A point too large for a table.
    Large(f64),
    /// A range with large rates: [`ATOMS`] equally likely rates.
    Atoms(Vec<f64>),
}

/// One incident's bad minutes: share × (detect + recover + the minutes
/// factors add).
enum CostModel {
    /// Nothing in it is a range: every incident costs this.
    Fixed(f64),
    /// Drawn from ranges.
    Drawn(Box<DrawnCost>),
}

/// An incident draws one of [`ATOMS`] places, the same in each part; the
/// parts' values lie in shuffled orders, so that they pair at random.
struct DrawnCost {
    /// Each place's cost; at the places where a part has its top slice
    /// (`fresh`) the cost is drawn afresh, with this as its mean.
    costs: Vec<f64>,
    fresh: [Option<usize>; 3],
    parts: [Part; 3],
    added: f64,
    /// The places by how costly they are, the fresh ones first, then the
    /// others costliest first: in a year of many incidents each group's
    /// incidents are counted apart, so the tail is drawn one by one while
    /// the many cheap incidents are drawn as one sum.
    groups: Vec<Group>,
}

/// Places of an incident's cost that lie close together.
struct Group {
    places: Vec<usize>,
    /// The mean and variance of an incident at one of them.
    moments: Moments,
}

/// Up to this many incidents in a year, or in a year's tail, are drawn one
/// by one; past it their sum is drawn whole (see [`Moments::sum`]), so a
/// year costs a bounded number of draws however many incidents it claims.
const EXACT_INCIDENTS: u64 = 16;

/// Where the groups of places end, by rank of cost, after the fresh ones:
/// the 16 costliest, the next 48, the next 192, the rest. Each is four
/// times the last, so the costs within one lie close together and the
/// years the P90 is about keep the tail that makes them bad.
const GROUP_ENDS: [usize; 4] = [16, 64, 256, ATOMS];

/// The mean and variance of one incident's cost.
#[derive(Debug, Clone, Copy, Default)]
struct Moments {
    mean: f64,
    variance: f64,
}

impl Moments {
    /// Of equally likely places, each with its mean and second moment.
    fn of(places: impl Iterator<Item = (f64, f64)>) -> Moments {
        let (mut n, mut sum, mut squares) = (0.0, 0.0, 0.0);
        for (mean, second) in places {
            n += 1.0;
            sum += mean;
            squares += second;
        }
        if n == 0.0 {
            return Moments::default();
        }
        let mean = sum / n;
        Moments {
            mean,
            variance: (squares / n - mean * mean).max(0.0),
        }
    }

    /// The sum of `n` incidents' costs, drawn from the lognormal with the
    /// sum's exact mean and variance (Fenton and Wilkinson, 1960): never
    /// below zero, skewed to the right as such sums are, and with the mean
    /// kept exact.
    fn sum(self, n: u64, rng: &mut Rng) -> f64 {
        let mean = n as f64 * self.mean;
        let variance = n as f64 * self.variance;
        if mean <= 0.0 || variance <= 0.0 {
            return mean.max(0.0);
        }
        let s2 = (1.0 + variance / (mean * mean)).ln();
        (mean.ln() - s2 / 2.0 + s2.sqrt() * rng.normal()).exp()
    }
}

impl CostModel {
    /// Share × (detect + recover + `added`) from three parts.
    fn drawn(detect: Part, recover: Part, users: Part, added: f64) -> CostModel {
        let parts = [detect, recover, users];
        let costs: Vec<f64> = (0..ATOMS)
            .map(|i| {
                let [d, r, u] = parts.each_ref().map(|p| p.value(i));
                u * (d + r + added)
            })
            .collect();
        let fresh = parts.each_ref().map(Part::top);
        // E[cost²] at a place: the parts are independent there, and only a
        // fresh one varies.
        let second = |i: usize| {
            let [d, r, u] = parts.each_ref().map(|p| p.value(i));
            let [vd, vr, vu] = parts.each_ref().map(|p| p.variance_at(i));
            (u * u + vu) * (vd + vr + (d + r + added).powi(2))
        };
        // The fresh places make a group of their own, since their draws
        // span the whole tail whatever their mean; then the others,
        // costliest first.
        let (top, mut others): (Vec<usize>, Vec<usize>) =
            (0..ATOMS).partition(|i| fresh.contains(&Some(*i)));
        others.sort_by(|&a, &b| costs[b].total_cmp(&costs[a]).then(a.cmp(&b)));
        let mut start = 0;
        let mut rest = GROUP_ENDS.iter().map(|&end| {
            let end = end.min(others.len());
            let places = others[start..end].to_vec();
            start = end;
            places
        });
        let groups = std::iter::once(top)
            .chain(&mut rest)
            .filter(|places| !places.is_empty())
            .map(|places| {
                let moments = Moments::of(places.iter().map(|&i| (costs[i], second(i))));
                Group { places, moments }
            })
            .collect();
        CostModel::Drawn(Box::new(DrawnCost {
            costs,
            fresh,
            parts,
            added,
            groups,
        }))
    }
}

impl DrawnCost {
    /// The cost of an incident that drew place `i`.
    #[inline]
    fn at(&self, i: usize, rng: &mut Rng) -> f64 {
        if !self.fresh.contains(&Some(i)) {
            return self.costs[i];
        }
        let [d, r, u] = [0, 1, 2].map(|p| self.parts[p].draw(i, rng));
        u * (d + r + self.added)
    }

    /// The cost of `n` incidents. Up to [`EXACT_INCIDENTS`] each draws its
    /// place. Past that, how many fall in each group of places is drawn,
    /// and each group's incidents are drawn one by one, or past the limit
    /// as one sum: the work is bounded and the expected cost stays exact.
    fn of_incidents(&self, n: u64, rng: &mut Rng) -> f64 {
        if n <= EXACT_INCIDENTS {
            return (0..n).map(|_| self.at(rng.index(ATOMS), rng)).sum();
        }
        // How many fall in each group: a multinomial count, drawn as one
        // binomial a group of those left. The groups past the limit are
        // summed together, as one lognormal with their sums' mean and
        // variance: one draw a year, however many groups.
        let mut left = n;
        let mut places_left = ATOMS;
        let mut total = 0.0;
        let mut many = Moments::default();
        for group in &self.groups {
            let size = group.places.len();
            let count = rng.binomial(left, size as f64 / places_left as f64);
            left -= count;
            places_left -= size;
            if count <= EXACT_INCIDENTS {
                total += (0..count)
                    .map(|_| self.at(group.places[rng.below(size)], rng))
                    .sum::<f64>();
            } else {
                many.mean += count as f64 * group.moments.mean;
                many.variance += count as f64 * group.moments.variance;
            }
        }
        total + many.sum(1, rng)
    }
}

/// One estimate of an incident, ready to draw.
enum Part {
    Point(f64),
    /// A range: its slices' means, shuffled, and where its top slice lies.
    /// A draw of the top slice is taken afresh from within it, since its
    /// values span the whole long tail, which one mean would flatten: the
    /// years with such an incident are the bad ones the P90 is about.
    Range {
        values: Vec<f64>,
        top: usize,
        distribution: Distribution,
    },
}

impl Part {
    fn of(distribution: Distribution, rng: &mut Rng) -> Part {
        if let Distribution::Point(value) = distribution {
            return Part::Point(value);
        }
        let mut values = quantiles(distribution);
        rng.shuffle(&mut values);
        // Slice means rise with the slice: the largest is the top one.
        let top = values
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(b.1))
            .map_or(0, |(i, _)| i);
        Part::Range {
            values,
            top,
            distribution,
        }
    }

    /// Its value at place `i`: a top slice's mean, not yet drawn afresh.
    fn value(&self, i: usize) -> f64 {
        match self {
            Part::Point(value) => *value,
            Part::Range { values, .. } => values[i],
        }
    }

    /// A draw at place `i`: afresh from within the top slice there.
    fn draw(&self, i: usize, rng: &mut Rng) -> f64 {
        match self {
            Part::Range {
                top, distribution, ..
            } if i == *top => {
                // Uniform within the top slice's probability.
                let p = 1.0 - rng.uniform() / ATOMS as f64;
                distribution.at(inverse_normal_cdf(p))
            }
            part => part.value(i),
        }
    }

    /// The variance of a draw at place `i`: only a top slice, drawn
    /// afresh, varies.
    fn variance_at(&self, i: usize) -> f64 {
        match self {
            Part::Range {
                values,
                top,
                distribution,
            } if i == *top => {
                (distribution.top_slice_second_moment(ATOMS) - values[i].powi(2)).max(0.0)
            }
            _ => 0.0,
        }
    }

    fn top(&self) -> Option<usize> {
        match self {
            Part::Point(_) => None,
            Part::Range { top, .. } => Some(*top),
        }
    }
}

impl RiskModel {
    /// The view's estimates with `on_top` added, or `None` where its bad
    /// minutes are unknown. A range becomes the means of [`ATOMS`] slices
    /// of equal probability, which keep its exact mean.
    fn of(view: &View, on_top: &Factors, rng: &mut Rng) -> Option<RiskModel> {
        let spread = &view.spread;
        let detect = minutes(view.time_to_detect?.duration()?);
        let recover = minutes(view.time_to_recover?.duration()?);
        let per_year = view.frequency?.per_year() * (1.0 + on_top.rate);
        let users = view.users_affected.map_or(1.0, |u| u.fraction());
        let pick = |value: f64, range: Option<Interval>, read: fn(Interval) -> Distribution| {
            range.map_or(Distribution::Point(value), read)
        };
        let detect = pick(detect, spread.time_to_detect, Distribution::lognormal);
        let recover = pick(recover, spread.time_to_recover, Distribution::lognormal);
        let users = pick(users, spread.users_affected, Distribution::share);
        let frequency = pick(per_year, spread.frequency, Distribution::lognormal);

        let added = on_top.minutes;
        let cost = match (detect, recover, users) {
            (Distribution::Point(d), Distribution::Point(r), Distribution::Point(u)) => {
                CostModel::Fixed(u * (d + r + added))
            }
            _ => CostModel::drawn(
                Part::of(detect, rng),
                Part::of(recover, rng),
                Part::of(users, rng),
                added,
            ),
        };
        let rate = match frequency {
            Distribution::Point(rate) if rate < POISSON_TABLE_RATE => {
                RateModel::Table(CountTable::new(&poisson_cdf(rate)))
            }
            Distribution::Point(rate) => RateModel::Large(rate),
            ranged => {
                let grow = 1.0 + on_top.rate;
                let rates: Vec<f64> = quantiles(ranged).into_iter().map(|r| r * grow).collect();
                if rates.iter().all(|&r| r < POISSON_TABLE_RATE) {
                    // A year draws a rate, then a count: together one
                    // distribution, the rates' Poissons mixed, tabulated once.
                    RateModel::Table(CountTable::new(&mixed_poisson_cdf(&rates)))
                } else {
                    RateModel::Atoms(rates)
                }
            }
        };
        Some(RiskModel { rate, cost })
    }

    /// Simulates as many years as `totals` holds, adds each to its place in
    /// `totals`, and gives their P50 and P90.
    fn years(&self, rng: &mut Rng, totals: &mut [f64], scratch: &mut Scratch) -> Years {
        if let (RateModel::Table(table), CostModel::Fixed(cost)) = (&self.rate, &self.cost) {
            let cost = *cost;
            // A tabulated count, and every incident costs the same: a year
            // is its count times the cost, so the percentiles come from a
            // tally rather than from sorting.
            let counts = &mut scratch.counts;
            counts.clear();
            counts.resize(table.len(), 0);
            for total in totals.iter_mut() {
                let incidents = self.incidents(rng) as usize;
                *total += incidents as f64 * cost;
                counts[incidents] += 1;
            }
            return tallied_percentiles(counts, totals.len(), cost);
        }
        let years = &mut scratch.years;
        years.clear();
        for total in totals.iter_mut() {
            let year = self.year(rng);
            *total += year;
            years.push(year);
        }
        percentiles(years)
    }

    /// One simulated year's bad minutes.
    fn year(&self, rng: &mut Rng) -> f64 {
        let incidents = self.incidents(rng);
        match &self.cost {
            CostModel::Fixed(each) => incidents as f64 * each,
            CostModel::Drawn(cost) => cost.of_incidents(incidents, rng),
        }
    }

    /// How many incidents one simulated year has.
    fn incidents(&self, rng: &mut Rng) -> u64 {
        match &self.rate {
            RateModel::Table(table) => table.draw(rng.next_u64()),
            rate => {
                let rate = rate.draw(rng);
                rng.poisson(rate)
            }
        }
    }
}

impl RateModel {
    /// A year's rate, for the models that draw one.
    fn draw(&self, rng: &mut Rng) -> f64 {
        match self {
            RateModel::Table(_) => 0.0,
            RateModel::Large(rate) => *rate,
            RateModel::Atoms(rates) => rates[rng.index(ATOMS)],
        }
    }
}

/// A count drawn by inversion: one random number, compared with the
/// cumulative probabilities as whole numbers out of 2⁶⁴, from a place a
/// guide table picks for it (Chen and Asau's method), so a draw is most
/// often a look-up and one comparison.
struct CountTable {
    /// P(N ≤ k) × 2⁶⁴; the last is `u64::MAX`.
    thresholds: Vec<u64>,
    /// For each of [`GUIDE`] equal slices of the random numbers, the
    /// smallest count a number in it can draw.
    guide: Vec<u32>,
}

/// Slices of the guide table: a power of two.
const GUIDE: usize = 256;

impl CountTable {
    /// From P(N ≤ k) for k = 0, 1, …; a count past the last is the last.
    fn new(cdf: &[f64]) -> CountTable {
        let scale = 2f64.powi(64);
        let mut thresholds: Vec<u64> = cdf.iter().map(|&p| (p * scale) as u64).collect();
        match thresholds.last_mut() {
            Some(last) => *last = u64::MAX,
            None => thresholds.push(u64::MAX),
        }
        let shift = 64 - GUIDE.trailing_zeros();
        let mut k = 0;
        let guide = (0..GUIDE as u64)
            .map(|slice| {
                while thresholds[k] < slice << shift {
                    k += 1;
                }
                k as u32
            })
            .collect();
        CountTable { thresholds, guide }
    }

    fn draw(&self, random: u64) -> u64 {
        let mut k = self.guide[(random >> (64 - GUIDE.trailing_zeros())) as usize] as usize;
        while random > self.thresholds[k] {
            k += 1;
        }
        k as u64
    }

    /// How many counts it holds: a draw is less.
    fn len(&self) -> usize {
        self.thresholds.len()
    }
}

/// Rates below this are drawn by multiplying uniforms or from a table.
const POISSON_TABLE_RATE: f64 = 30.0;

/// P(N ≤ k) for k = 0, 1, … of a count whose rate is each of `rates`
/// with equal chance, until it is 1 to within 1e-15.
fn mixed_poisson_cdf(rates: &[f64]) -> Vec<f64> {
    let mut mass = vec![0.0; MAX_TABLE + 1];
    let share = 1.0 / rates.len() as f64;
    for &rate in rates {
        let mut term = share * (-rate).exp();
        for (k, m) in mass.iter_mut().enumerate() {
            *m += term;
            term *= rate / (k + 1) as f64;
            // Past the mode the terms only shrink: the rest is negligible.
            if term < 1e-20 && k as f64 > rate {
                break;
            }
        }
    }
    let mut sum = 0.0;
    let mut cdf: Vec<f64> = mass
        .into_iter()
        .map(|m| {
            sum += m;
            sum
        })
        .collect();
    if let Some(end) = cdf.iter().position(|&p| 1.0 - p < 1e-15) {
        cdf.truncate(end + 1);
    }
    cdf
}

/// The longest count table: far past any count a rate below
/// [`POISSON_TABLE_RATE`] draws.
const MAX_TABLE: usize = 200;

/// P(N ≤ k) for k = 0, 1, … of a Poisson count, until it is 1 to within 1e-15.
fn poisson_cdf(rate: f64) -> Vec<f64> {
    mixed_poisson_cdf(&[rate])
}

/// [`ATOMS`] equally likely values that stand for `d`: its slices' means.
fn quantiles(d: Distribution) -> Vec<f64> {
    d.slice_means(ATOMS)
}

/// xoshiro256++ (Blackman and Vigna, 2019), seeded through SplitMix64:
/// small, fast, and fixed here so that a seed gives the same years in
/// every version of opx.
struct Rng {
    state: [u64; 4],
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

    /// A standard normal draw, by inversion: a uniform strictly inside
    /// (0, 1), so its quantile is finite; mostly a rational function, with
    /// no logarithm or cosine as Box and Muller's method takes.
    fn normal(&mut self) -> f64 {
        let open = ((self.next_u64() >> 11) as f64 + 0.5) * (1.0 / (1u64 << 53) as f64);
        inverse_normal_cdf(open)
    }

    /// A binomial draw: how many of `n` trials succeed, each with chance
    /// `p`. By inversion while the expected count is small (a few steps a
    /// draw); past that, from the normal with its mean and variance,
    /// rounded, which is symmetric about the mean and so keeps it.
    fn binomial(&mut self, n: u64, p: f64) -> u64 {
        if p >= 1.0 {
            return n;
        }
        if p > 0.5 {
            return n - self.binomial(n, 1.0 - p);
        }
        let mean = n as f64 * p;
        if mean >= POISSON_TABLE_RATE {
            let spread = (mean * (1.0 - p)).sqrt();
            return (mean + spread * self.normal()).round().clamp(0.0, n as f64) as u64;
        }
        let u = self.uniform();
        let odds = p / (1.0 - p);
        let mut probability = (n as f64 * (-p).ln_1p()).exp();
        let mut cumulative = probability;
        let mut k = 0;
        // Past the point where the terms vanish, the rest is rounding.
        while u > cumulative && k < n && probability > 0.0 {
            probability *= (n - k) as f64 / (k + 1) as f64 * odds;
            cumulative += probability;
            k += 1;
        }
        k
    }

    /// A place in a list of `n`, by Lemire's multiply and shift (a bias
    /// below n / 2⁶⁴).
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// A place in a list of `n` (a power of two, at most 2³²).
    fn index(&mut self, n: usize) -> usize {
        (self.next_u64() >> (64 - n.trailing_zeros())) as usize
    }

    /// Shuffles `values` (Fisher–Yates).
    fn shuffle(&mut self, values: &mut [f64]) {
        for i in (1..values.len()).rev() {
            let j = (self.next_u64() % (i as u64 + 1)) as usize;
            values.swap(i, j);
        }
    }

    /// A Poisson draw with mean `rate`: by multiplying uniforms (Knuth) for
    /// small rates, by transformed rejection (Hörmann's PTRS, 1993) for
    /// large ones, so its cost never grows with the rate.
    fn poisson(&mut self, rate: f64) -> u64 {
        if rate <= 0.0 {
            return 0;
        }
        if rate < POISSON_TABLE_RATE {
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
            rate: RateModel::Table(CountTable::new(&poisson_cdf(per_year))),
            cost: CostModel::Fixed(per_incident),
        }
    }

    /// The model of the one risk in a register's text.
    fn model_of(risk: &str) -> (RiskModel, f64) {
        model_with(risk, &Factors::NONE)
    }

    /// The model of the one risk in a register's text, with `on_top`.
    fn model_with(risk: &str, on_top: &Factors) -> (RiskModel, f64) {
        let text = format!(
            "[system]\nid = \"s\"\n[[risk]]\nid = \"r\"\ntitle = \"t\"\ncategory = \"technical\"\nimpact = 3\n{risk}"
        );
        let loaded = crate::register::load_contents(
            vec![("risks.toml".into(), text.into_bytes())],
            Vec::new(),
        );
        assert!(!loaded.failed(), "{:?}", loaded.diagnostics);
        let view = loaded.register.risks[0].inherent;
        let model = RiskModel::of(&view, on_top, &mut Rng::new(DEFAULT_SEED, &["s", "r"])).unwrap();
        (model, crate::budget::bad_minutes(&view).unwrap())
    }

    fn mean(years: &[f64]) -> f64 {
        years.iter().sum::<f64>() / years.len() as f64
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
        let (model, analytic) = model_of(
            "frequency = \"12/year\"\ntime_to_detect = \"1m..10m\"\n\
             time_to_recover = \"10m..100m\"\nusers_affected = \"5%..30%\"",
        );
        let simulated = mean(&year_of(&model, DEFAULT_SIMULATIONS, DEFAULT_SEED));
        assert!(
            (simulated / analytic - 1.0).abs() < 0.02,
            "{simulated} vs {analytic}"
        );
        // A ranged frequency too, with fewer incidents a year: more noise.
        let (model, analytic) = model_of(
            "frequency = \"2/year..20/year\"\ntime_to_detect = \"5m\"\n\
             time_to_recover = \"10m..100m\"",
        );
        let simulated = mean(&year_of(&model, DEFAULT_SIMULATIONS, DEFAULT_SEED));
        assert!(
            (simulated / analytic - 1.0).abs() < 0.02,
            "{simulated} vs {analytic}"
        );
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

    /// Years of a very wide range drawn the slow way: every
    /// incident its own lognormal draw, no quantile table, no shortcut.
    fn drawn_one_by_one(per_year: f64, years: u32) -> Vec<f64> {
        let recover = Distribution::lognormal(Interval {
            low: 1.0,
            high: 10_000.0,
        });
        let mut rng = Rng::new(11, &["one by one"]);
        (0..years)
            .map(|_| {
                let n = rng.poisson(per_year);
                (0..n)
                    .map(|_| 0.01 * (1.0 + recover.at(rng.normal())))
                    .sum()
            })
            .collect()
    }

    /// A very wide range (σ = 2.8) at `per_year`: its P50 and P90 as the
    /// model gives them and as [`drawn_one_by_one`] does.
    fn wide_range_percentiles(per_year: &str, years: u32) -> (Years, Years) {
        let (model, _) = model_of(&format!(
            "frequency = \"{per_year}/year\"\ntime_to_detect = \"1m\"\n\
             time_to_recover = \"1m..10000m\"\nusers_affected = \"1%\""
        ));
        let mut totals = vec![0.0; years as usize];
        let mut rng = Rng::new(DEFAULT_SEED, &["wide"]);
        let modelled = model.years(&mut rng, &mut totals, &mut Scratch::default());
        let rate: f64 = per_year.parse().unwrap();
        let direct = percentiles(&mut drawn_one_by_one(rate, years));
        (modelled, direct)
    }

    #[test]
    fn a_very_wide_range_keeps_its_percentiles() {
        // 100 incidents a year: drawn one by one from the quantile table.
        let (modelled, direct) = wide_range_percentiles("100", DEFAULT_SIMULATIONS);
        for (m, d) in [(modelled.p50, direct.p50), (modelled.p90, direct.p90)] {
            assert!((m / d - 1.0).abs() < 0.15, "{modelled:?} vs {direct:?}");
        }
        // 3,000 a year: past the exact limit, the lognormal of the sum.
        let (modelled, direct) = wide_range_percentiles("3000", 1_000);
        for (m, d) in [(modelled.p50, direct.p50), (modelled.p90, direct.p90)] {
            assert!((m / d - 1.0).abs() < 0.25, "{modelled:?} vs {direct:?}");
        }
    }

    #[test]
    fn many_incidents_keep_the_mean() {
        // Five thousand incidents a year, past the exact limit: the sum's
        // lognormal keeps the mean.
        let (model, analytic) = model_of(
            "frequency = \"5000/year\"\ntime_to_detect = \"1m\"\ntime_to_recover = \"10m..100m\"",
        );
        let simulated = mean(&year_of(&model, 2_000, 3));
        assert!(
            (simulated / analytic - 1.0).abs() < 0.01,
            "{simulated} vs {analytic}"
        );
    }

    #[test]
    fn factors_on_top_add_to_every_incident_and_to_the_rate() {
        // (10m + 20m) × 100% × 2/year = 60 bad minutes a year.
        let risk = "frequency = \"2/year\"\ntime_to_detect = \"10m\"\ntime_to_recover = \"20m\"";
        let cases = [
            // +30m to each incident: 2 × 60 = 120, as 60 + the factor's 60.
            (
                Factors {
                    minutes: 30.0,
                    rate: 0.0,
                },
                120.0,
            ),
            // +50% incidents: 3 × 30 = 90.
            (
                Factors {
                    minutes: 0.0,
                    rate: 0.5,
                },
                90.0,
            ),
            // Both: 3 × 60 = 180.
            (
                Factors {
                    minutes: 30.0,
                    rate: 0.5,
                },
                180.0,
            ),
        ];
        for (on_top, expected) in cases {
            let (model, _) = model_with(risk, &on_top);
            let simulated = mean(&year_of(&model, DEFAULT_SIMULATIONS, DEFAULT_SEED));
            assert!(
                (simulated / expected - 1.0).abs() < 0.03,
                "{on_top:?}: {simulated}"
            );
        }
    }

    #[test]
    fn a_table_draws_poisson_counts() {
        // P(N = 0) at rate 2 is e⁻² = 13.5%.
        let years = year_of(&point_model(1.0, 2.0), DEFAULT_SIMULATIONS, DEFAULT_SEED);
        let zeros = years.iter().filter(|&&y| y == 0.0).count() as f64 / years.len() as f64;
        assert!((zeros - (-2.0f64).exp()).abs() < 0.01, "{zeros}");
        assert!((mean(&years) - 2.0).abs() < 0.05);
    }

    #[test]
    fn a_mixed_table_draws_the_mixture() {
        // Rates 1 and 3 with equal chance: mean 2, variance 2 + Var(rate) = 3.
        let table = CountTable::new(&mixed_poisson_cdf(&[1.0, 3.0]));
        let mut rng = Rng::new(5, &["mixture"]);
        let n = 40_000;
        let draws: Vec<f64> = (0..n).map(|_| table.draw(rng.next_u64()) as f64).collect();
        let mean = mean(&draws);
        let variance = draws.iter().map(|d| (d - mean).powi(2)).sum::<f64>() / f64::from(n);
        assert!((mean - 2.0).abs() < 0.03, "{mean}");
        assert!((variance - 3.0).abs() < 0.1, "{variance}");
    }

    #[test]
    fn a_count_table_inverts_its_probabilities() {
        let table = CountTable::new(&[0.25, 0.75, 1.0]);
        let quarter = 1u64 << 62;
        assert_eq!(table.draw(0), 0);
        assert_eq!(table.draw(quarter - 1), 0);
        assert_eq!(table.draw(quarter + 1), 1);
        assert_eq!(table.draw(3 * quarter + 1), 2);
        assert_eq!(table.draw(u64::MAX), 2);
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
        let mut one = [4.0];
        assert_eq!(percentiles(&mut one), Years { p50: 4.0, p90: 4.0 });
    }

    #[test]
    fn a_tally_gives_the_same_percentiles_as_sorting() {
        // Years of 0, 1, 2, … incidents at 2.5 minutes each.
        let counts = [3u32, 4, 2, 1];
        let mut years: Vec<f64> = counts
            .iter()
            .enumerate()
            .flat_map(|(k, &c)| std::iter::repeat_n(k as f64 * 2.5, c as usize))
            .collect();
        assert_eq!(
            tallied_percentiles(&counts, 10, 2.5),
            percentiles(&mut years)
        );
    }

    #[test]
    fn a_stream_depends_on_its_seed_and_names_only() {
        let draw = |seed, names: &[&str]| Rng::new(seed, names).next_u64();
        assert_eq!(draw(1, &["a", "b"]), draw(1, &["a", "b"]));
        assert_ne!(draw(1, &["a", "b"]), draw(2, &["a", "b"]));
        assert_ne!(draw(1, &["a", "b"]), draw(1, &["ab", ""]));
    }

    /// Sums of `n` incidents' costs, each drawn one by one (the exact
    /// method), and as [`DrawnCost::of_incidents`] draws them.
    fn exact_and_budgeted(risk: &str, n: u64, samples: usize) -> [Vec<f64>; 2] {
        let (model, _) = model_of(risk);
        let CostModel::Drawn(cost) = &model.cost else {
            panic!("a ranged cost")
        };
        let mut rng = Rng::new(5, &["budget"]);
        let exact = (0..samples)
            .map(|_| (0..n).map(|_| cost.at(rng.index(ATOMS), &mut rng)).sum())
            .collect();
        let budgeted = (0..samples)
            .map(|_| cost.of_incidents(n, &mut rng))
            .collect();
        [exact, budgeted]
    }

    #[test]
    fn binomial_draws_have_their_mean_and_variance() {
        let mut rng = Rng::new(9, &["binomial"]);
        for (n, p) in [
            (17, 0.19),
            (50, 0.6),
            (1_000, 0.003),
            (1_000_000, 0.25),
            (40, 1.0),
        ] {
            let draws: Vec<f64> = (0..20_000).map(|_| rng.binomial(n, p) as f64).collect();
            let expected = n as f64 * p;
            let variance = expected * (1.0 - p);
            let m = mean(&draws);
            let v = draws.iter().map(|d| (d - m).powi(2)).sum::<f64>() / draws.len() as f64;
            assert!(
                (m - expected).abs() <= 4.0 * (variance / 20_000.0).sqrt() + 1e-9,
                "{n} {p}: {m}"
            );
            assert!(
                (v - variance).abs() <= 0.05 * variance + 1e-9,
                "{n} {p}: {v}"
            );
        }
    }

    #[test]
    fn the_work_budget_keeps_moderate_ranges_close_to_the_exact_method() {
        let risk = "frequency = \"2/year\"\ntime_to_detect = \"2m..20m\"\n\
                    time_to_recover = \"10m..2h\"\nusers_affected = \"5%..40%\"";
        for n in [17, 50, 200, 1_000] {
            let [mut exact, mut budgeted] = exact_and_budgeted(risk, n, 20_000);
            let (m_exact, m_budgeted) = (mean(&exact), mean(&budgeted));
            assert!(
                (m_budgeted / m_exact - 1.0).abs() < 0.01,
                "{n}: {m_budgeted} vs {m_exact}"
            );
            let (e, b) = (percentiles(&mut exact), percentiles(&mut budgeted));
            for (x, y) in [(e.p50, b.p50), (e.p90, b.p90)] {
                assert!((y / x - 1.0).abs() < 0.03, "{n}: {b:?} vs {e:?}");
            }
        }
    }

    #[test]
    fn the_work_budget_keeps_a_very_wide_range_near_the_exact_method() {
        // σ = 3.3: a single incident's cost varies 200 times its mean.
        let risk = "frequency = \"2/year\"\ntime_to_detect = \"1s..13h\"\n\
                    time_to_recover = \"1s..13h\"\nusers_affected = \"5%..40%\"";
        for n in [17, 100, 1_000] {
            let [mut exact, mut budgeted] = exact_and_budgeted(risk, n, 20_000);
            let (e, b) = (percentiles(&mut exact), percentiles(&mut budgeted));
            for (x, y) in [(e.p50, b.p50), (e.p90, b.p90)] {
                assert!((y / x - 1.0).abs() < 0.15, "{n}: {b:?} vs {e:?}");
            }
        }
    }
}
