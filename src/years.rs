//! Simulated years as the assessed model keeps them: how many years were
//! simulated and from which seed, and the percentiles each risk and
//! system came to. `crate::simulate` draws them; this module is only the
//! data, so the model holds it without depending on the simulation.

/// Simulated years unless `--simulations` says otherwise.
pub const DEFAULT_SIMULATIONS: u32 = 10_000;

/// The most years `--simulations` takes: the cost is linear in them.
pub const MAX_SIMULATIONS: u32 = 1_000_000;

/// The seed unless `--seed` says otherwise: fixed, so a report is the same
/// on every run.
pub const DEFAULT_SEED: u64 = 1;

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
