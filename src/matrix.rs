//! `opx matrix`: where the risks sit on the likelihood × impact grid, the
//! picture every risk office keeps, in one of the three views.
//!
//! Every valid risk has a likelihood and an impact (given, or derived from
//! its frequency or the users it affects), so each has a cell.

use crate::analysis::{Analysis, AssessedRisk};
use crate::band::{Band, RiskMatrix};
use crate::scale::Level;
use crate::score::ViewName;

/// The grid: risks by likelihood and impact, in rank order within a cell.
#[derive(Debug)]
pub struct Matrix<'a> {
    pub view: ViewName,
    /// The system shown, or all of them.
    pub system: Option<&'a str>,
    /// `cells[l - 1][i - 1]`: the risks at likelihood `l` and impact `i`.
    pub cells: [[Vec<&'a AssessedRisk<'a>>; 5]; 5],
    /// Its risks are all of one system, so bare ids name them.
    pub one_system: bool,
    /// The policy's matrix, which bands each cell.
    pub bands: &'a RiskMatrix,
}

impl Matrix<'_> {
    /// The risks placed on the grid.
    pub fn placed(&self) -> usize {
        self.cells.iter().flatten().map(Vec::len).sum()
    }

    /// The band of a cell: how the grid colours it, whatever risks sit there.
    pub fn band(&self, likelihood: Level, impact: Level) -> Band {
        self.bands.band(likelihood, impact)
    }

    /// The risks at likelihood `l`, impact `i` (each 1-5).
    pub fn cell(&self, likelihood: Level, impact: Level) -> &[&AssessedRisk<'_>] {
        &self.cells[usize::from(likelihood.get() - 1)][usize::from(impact.get() - 1)]
    }
}

/// Places the risks of `analysis` (of `system`, if named) by their `view`.
pub fn matrix<'a>(
    analysis: &'a Analysis<'a>,
    view: ViewName,
    system: Option<&'a str>,
) -> Matrix<'a> {
    let mut cells: [[Vec<&AssessedRisk<'_>>; 5]; 5] = Default::default();
    for index in analysis.ranked(crate::score::RankBy::Severity) {
        let r = &analysis.risks[index];
        if system.is_some_and(|s| r.risk.system != s) {
            continue;
        }
        let placed = view.of(&r.score).view;
        let (l, i) = (placed.likelihood.level.get(), placed.impact.level.get());
        cells[usize::from(l - 1)][usize::from(i - 1)].push(r);
    }
    Matrix {
        view,
        system,
        cells,
        one_system: system.is_some() || analysis.one_system(),
        bands: &analysis.matrix,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::tests::{date, register, risk};
    use crate::policy::Policy;

    #[test]
    fn every_risk_sits_in_the_cell_of_its_view() {
        let register = register(vec![
            risk("s", "a", 4, 4, None),
            risk("s", "b", 4, 4, None),
            risk("s", "c", 1, 5, None),
        ]);
        let analysis = Analysis::new(&register, date("2026-11-27"), &Policy::default());
        let m = matrix(&analysis, ViewName::Current, None);
        let level = |n| Level::new(n).unwrap();
        assert_eq!(m.cell(level(4), level(4)).len(), 2);
        assert_eq!(m.cell(level(1), level(5)).len(), 1);
        assert_eq!(m.placed(), 3);
        assert_eq!(m.band(level(4), level(4)).name(), "high");
        assert_eq!(m.band(level(5), level(4)).name(), "critical");
        assert!(matrix(&analysis, ViewName::Current, Some("other")).placed() == 0);
    }
}
