//! Estimates written as ranges, and the distributions opx reads them as.
//!
//! A range `low..high` is a 90% interval: `low` and `high` are the 5th and
//! 95th percentiles. Durations and frequencies are lognormal, as riskquant
//! and FAIR practice model them:
//!
//! - μ = (ln low + ln high) / 2, σ = (ln high − ln low) / 3.29
//!   (3.29 = 2 × 1.645, the width of a 90% interval in standard deviations);
//! - the mean is exp(μ + σ²/2), which lies above the middle of the range,
//!   since a lognormal's long tail is to the right.
//!
//! A share of users is lognormal in the same way but capped at 100%: a draw
//! above it counts as everyone. Its 5th and 95th percentiles stay `low` and
//! `high` (both at most 100%), and its mean is
//! exp(μ + σ²/2) Φ((−μ − σ²)/σ) + (1 − Φ(−μ/σ)).
//!
//! Everything here is pure maths; [`crate::simulate`] draws from these.

/// The width of a 90% interval in standard deviations of a normal: 2 × 1.6449.
pub const NINETY_PERCENT_WIDTH: f64 = 3.29;

/// A 90% interval as written: its 5th and 95th percentiles, in the unit of
/// its field (minutes, incidents a year, or a share where 1.0 is everyone).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    pub low: f64,
    pub high: f64,
}

/// The four estimates a risk may write as a range; `None` where it wrote
/// one value (or nothing).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Spread {
    pub time_to_detect: Option<Interval>,
    pub time_to_recover: Option<Interval>,
    pub frequency: Option<Interval>,
    pub users_affected: Option<Interval>,
}

impl Spread {
    pub fn is_empty(&self) -> bool {
        *self == Spread::default()
    }
}

/// What one estimate may turn out to be.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Distribution {
    /// Exactly this value.
    Point(f64),
    /// Lognormal with these parameters, optionally capped from above.
    Lognormal {
        mu: f64,
        sigma: f64,
        cap: Option<f64>,
    },
}

impl Distribution {
    /// The lognormal whose 5th and 95th percentiles are the interval's ends.
    /// The ends are above zero and `low < high`, as [`crate::units`] reads them.
    pub fn lognormal(interval: Interval) -> Distribution {
        Distribution::fitted(interval, None)
    }

    /// A share: lognormal, capped at everyone.
    pub fn share(interval: Interval) -> Distribution {
        Distribution::fitted(interval, Some(1.0))
    }

    fn fitted(interval: Interval, cap: Option<f64>) -> Distribution {
        let (ln_low, ln_high) = (interval.low.ln(), interval.high.ln());
        Distribution::Lognormal {
            mu: (ln_low + ln_high) / 2.0,
            sigma: (ln_high - ln_low) / NINETY_PERCENT_WIDTH,
            cap,
        }
    }

    /// The expected value: the one number opx shows for a range. For a
    /// lognormal exp(μ + σ²/2); capped at c, E[min(X, c)] =
    /// exp(μ + σ²/2) Φ((ln c − μ − σ²)/σ) + c (1 − Φ((ln c − μ)/σ)).
    pub fn mean(self) -> f64 {
        match self {
            Distribution::Point(x) => x,
            Distribution::Lognormal { mu, sigma, cap } => {
                let raw = (mu + sigma * sigma / 2.0).exp();
                match cap {
                    None => raw,
                    Some(c) => {
                        let ln_c = c.ln();
                        raw * normal_cdf((ln_c - mu - sigma * sigma) / sigma)
                            + c * (1.0 - normal_cdf((ln_c - mu) / sigma))
                    }
                }
            }
        }
    }

    /// `n` equally likely values that stand for the distribution: the mean
    /// of each of `n` slices of equal probability, so that together they
    /// keep its exact mean and the top slice carries its tail. For a
    /// lognormal, `E[X; a < Z < b] = exp(μ + σ²/2) (Φ(b − σ) − Φ(a − σ))`,
    /// and a capped one counts c for the part of a slice above the cap.
    pub fn slice_means(self, n: usize) -> Vec<f64> {
        let Distribution::Lognormal { mu, sigma, cap } = self else {
            return vec![self.mean(); n];
        };
        let scale = (mu + sigma * sigma / 2.0).exp();
        // Where the cap falls, in standard deviations.
        let z_cap = cap.map_or(f64::INFINITY, |c| (c.ln() - mu) / sigma);
        let phi = |z: f64| match z {
            z if z == f64::NEG_INFINITY => 0.0,
            z if z == f64::INFINITY => 1.0,
            z => normal_cdf(z),
        };
        let edges = slice_edges(n);
        // Φ(edge − σ) once an edge: each slice's mean is the difference of
        // two neighbours.
        let shifted: Vec<f64> = edges.iter().map(|&z| phi(z - sigma)).collect();
        (0..n)
            .map(|i| {
                let (a, b) = (edges[i], edges[i + 1]);
                let below = |high: f64| scale * (high - shifted[i]) * n as f64;
                match cap {
                    // Wholly above the cap: every value in it counts as c.
                    Some(c) if a >= z_cap => c,
                    // Across it: the part below, and c for the rest.
                    Some(c) if b > z_cap => {
                        below(phi(z_cap - sigma)) + c * (phi(b) - phi(z_cap)) * n as f64
                    }
                    _ => below(shifted[i + 1]),
                }
            })
            .collect()
    }

    /// `E[X²]` within the top of `n` slices of equal probability (the one
    /// [`Distribution::slice_means`] ends with), for the spread of a draw
    /// from it. For a lognormal, `E[X²; Z > a] = exp(2μ + 2σ²) (1 − Φ(a −
    /// 2σ))`; a capped one counts c² for the part above the cap.
    pub fn top_slice_second_moment(self, n: usize) -> f64 {
        let Distribution::Lognormal { mu, sigma, cap } = self else {
            return self.mean().powi(2);
        };
        let a = slice_edges(n)[n - 1];
        let scale = (2.0 * mu + 2.0 * sigma * sigma).exp();
        // 1 − Φ(x) as Φ(−x): no cancellation far out in the tail.
        let above = |x: f64| normal_cdf(-x);
        let moment = match cap {
            None => scale * above(a - 2.0 * sigma),
            Some(c) => {
                let z_cap = (c.ln() - mu) / sigma;
                if a >= z_cap {
                    c * c * above(a)
                } else {
                    scale * (above(a - 2.0 * sigma) - above(z_cap - 2.0 * sigma))
                        + c * c * above(z_cap)
                }
            }
        };
        moment * n as f64
    }

    /// The value at a standard normal draw `z`: exp(μ + σz), capped.
    pub fn at(self, z: f64) -> f64 {
        match self {
            Distribution::Point(x) => x,
            Distribution::Lognormal { mu, sigma, cap } => {
                let x = (mu + sigma * z).exp();
                cap.map_or(x, |c| x.min(c))
            }
        }
    }
}

/// The edges, in standard deviations, of `n` slices of a normal of equal
/// probability: −∞, Φ⁻¹(1/n), …, Φ⁻¹((n − 1)/n), ∞. Kept for the last `n`
/// asked, since a run slices every range the same way.
fn slice_edges(n: usize) -> std::sync::Arc<Vec<f64>> {
    use std::sync::{Arc, Mutex, PoisonError};
    static LAST: Mutex<Option<Arc<Vec<f64>>>> = Mutex::new(None);
    let mut last = LAST.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(edges) = last.as_ref().filter(|e| e.len() == n + 1) {
        return Arc::clone(edges);
    }
    let edges: Arc<Vec<f64>> = Arc::new(
        (0..=n)
            .map(|i| match i {
                0 => f64::NEG_INFINITY,
                i if i == n => f64::INFINITY,
                i => inverse_normal_cdf(i as f64 / n as f64),
            })
            .collect(),
    );
    *last = Some(Arc::clone(&edges));
    edges
}

/// Φ, the standard normal's cumulative distribution, to about 1e-7.
pub fn normal_cdf(x: f64) -> f64 {
    0.5 * erfc(-x / std::f64::consts::SQRT_2)
}

/// Φ⁻¹, the standard normal's quantile function, for 0 < p < 1, by
/// Acklam's rational approximation (relative error below 1.2e-9).
pub fn inverse_normal_cdf(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    const LOW: f64 = 0.024_25;
    let tail = |q: f64| {
        let q = (-2.0 * q.ln()).sqrt();
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    if p < LOW {
        tail(p)
    } else if p > 1.0 - LOW {
        -tail(1.0 - p)
    } else {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    }
}

/// The complementary error function, by the Chebyshev fit of Numerical
/// Recipes (§6.2, `erfcc`): fractional error below 1.2e-7 everywhere.
fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let poly = -1.265_512_23
        + t * (1.000_023_68
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_203_98
                                + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    let r = t * (-z * z + poly).exp();
    if x >= 0.0 { r } else { 2.0 - r }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tolerance: f64) -> bool {
        (a - b).abs() <= tolerance
    }

    #[test]
    fn a_lognormal_puts_its_ends_at_the_5th_and_95th_percentiles() {
        let d = Distribution::lognormal(Interval {
            low: 10.0,
            high: 100.0,
        });
        // z of the 5th and 95th percentiles: ∓1.645 (3.29 / 2).
        assert!(close(d.at(-1.645), 10.0, 1e-9));
        assert!(close(d.at(1.645), 100.0, 1e-9));
        assert!(
            close(d.at(0.0), 10f64.sqrt() * 10.0, 1e-9),
            "median at √(10 × 100)"
        );
    }

    #[test]
    fn the_mean_of_ten_to_a_hundred_minutes() {
        // μ = ln √1000 = 3.453878, σ = ln 10 / 3.29 = 0.699874,
        // mean = exp(μ + σ²/2) = 31.622777 × e^0.244912 = 40.398367.
        let d = Distribution::lognormal(Interval {
            low: 10.0,
            high: 100.0,
        });
        assert!(close(d.mean(), 40.398_367, 1e-6), "{}", d.mean());
    }

    #[test]
    fn a_share_is_capped_at_everyone() {
        // 5%..30%: the cap is far in the tail, so the mean is nearly the
        // lognormal's √(0.05 × 0.3) × exp((ln 6 / 3.29)² / 2)
        // = 0.122474 × 1.159859 = 0.142053; the draws over 100% take 0.000008.
        let narrow = Interval {
            low: 0.05,
            high: 0.3,
        };
        let mean = Distribution::share(narrow).mean();
        assert!(close(
            Distribution::lognormal(narrow).mean(),
            0.142_053,
            1e-6
        ));
        assert!(close(mean, 0.142_045, 1e-6), "{mean}");
        // 50%..100%: 5% of draws exceed 100% and count as 100%, so the mean
        // is below the uncapped lognormal's and never above 1.
        let wide = Interval {
            low: 0.5,
            high: 1.0,
        };
        let capped = Distribution::share(wide).mean();
        let uncapped = Distribution::lognormal(wide).mean();
        assert!(capped < uncapped && capped < 1.0, "{capped} {uncapped}");
        // By numeric integration over the normal: E[min(e^(μ+σz), 1)].
        let Distribution::Lognormal { mu, sigma, .. } = Distribution::lognormal(wide) else {
            unreachable!()
        };
        let steps = 200_000;
        let (from, to) = (-12.0, 12.0);
        let h = (to - from) / f64::from(steps);
        let integral: f64 = (0..steps)
            .map(|i| {
                let z = from + (f64::from(i) + 0.5) * h;
                let density = (-z * z / 2.0).exp() / (2.0 * std::f64::consts::PI).sqrt();
                (mu + sigma * z).exp().min(1.0) * density * h
            })
            .sum();
        assert!(close(capped, integral, 1e-6), "{capped} {integral}");
    }

    #[test]
    fn phi_at_known_points() {
        assert!(close(normal_cdf(0.0), 0.5, 1e-7));
        assert!(close(normal_cdf(1.644_853_6), 0.95, 1e-7));
        assert!(close(normal_cdf(-1.959_964), 0.025, 1e-7));
        assert!(close(normal_cdf(8.0), 1.0, 1e-7));
    }

    #[test]
    fn the_quantile_function_inverts_phi() {
        for p in [1e-6, 0.001, 0.024, 0.05, 0.3, 0.5, 0.9, 0.976, 0.999_99] {
            assert!(close(normal_cdf(inverse_normal_cdf(p)), p, 2e-7), "{p}");
        }
        assert!(close(inverse_normal_cdf(0.95), 1.644_853_6, 1e-6));
    }

    #[test]
    fn the_top_slice_second_moment_matches_integration() {
        let n = 1024;
        for d in [
            Distribution::lognormal(Interval {
                low: 10.0,
                high: 100.0,
            }),
            Distribution::lognormal(Interval {
                low: 1.0,
                high: 46_800.0,
            }),
            Distribution::share(Interval {
                low: 0.05,
                high: 0.4,
            }),
            Distribution::share(Interval {
                low: 0.5,
                high: 1.0,
            }),
        ] {
            // ∫ x(z)² φ(z) dz over the top slice, by the midpoint rule.
            let a = inverse_normal_cdf(1.0 - 1.0 / n as f64);
            let steps = 200_000;
            let dz = 20.0 / steps as f64;
            let integral: f64 = (0..steps)
                .map(|i| {
                    let z = a + (i as f64 + 0.5) * dz;
                    let density = (-z * z / 2.0).exp() / std::f64::consts::TAU.sqrt();
                    d.at(z).powi(2) * density * dz
                })
                .sum();
            let exact = d.top_slice_second_moment(n);
            let numeric = integral * n as f64;
            assert!(
                (exact / numeric - 1.0).abs() < 1e-3,
                "{d:?}: {exact} vs {numeric}"
            );
            // Never below the square of the slice's mean.
            let top_mean = d.slice_means(n)[n - 1];
            assert!(exact >= top_mean * top_mean * (1.0 - 1e-6), "{d:?}");
        }
    }

    #[test]
    fn slice_means_keep_the_mean_and_the_order() {
        for d in [
            Distribution::lognormal(Interval {
                low: 10.0,
                high: 100.0,
            }),
            // σ = 2.8: most of the mean in the far tail.
            Distribution::lognormal(Interval {
                low: 1.0,
                high: 10_000.0,
            }),
            Distribution::share(Interval {
                low: 0.5,
                high: 1.0,
            }),
        ] {
            let values = d.slice_means(1024);
            let mean = values.iter().sum::<f64>() / values.len() as f64;
            assert!((mean / d.mean() - 1.0).abs() < 1e-4, "{d:?}: {mean}");
            assert!(
                values.windows(2).all(|w| w[0] <= w[1] * (1.0 + 1e-6)),
                "{d:?}"
            );
            // The middle slices sit at the median, exp(μ).
            let Distribution::Lognormal { mu, .. } = d else {
                unreachable!()
            };
            let middle = (values[511] + values[512]) / 2.0;
            assert!((middle / mu.exp() - 1.0).abs() < 0.01, "{d:?}: {middle}");
        }
        assert_eq!(Distribution::Point(3.0).slice_means(4), vec![3.0; 4]);
    }

    #[test]
    fn a_point_is_itself() {
        let d = Distribution::Point(7.0);
        assert_eq!(d.mean(), 7.0);
        assert_eq!(d.at(3.0), 7.0);
    }
}
