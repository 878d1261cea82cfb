//! A budget set against the actual amount: the variance (actual minus budget) and the
//! variance in basis points of the budget, rounded half away from zero — `null` when the
//! budget is 0, as no share of nothing can be given. The basis points are taken of the
//! budget's magnitude, so they always have the variance's sign (a net-income budget may be a
//! loss). All arithmetic is checked: a figure that leaves `i64` is [`ReadError::Overflow`].

use serde::Serialize;

use crate::error::ReadError;

/// Basis points in one whole (100 %).
const WHOLE_BP: i128 = 10_000;

/// Budget, actual and their difference over a whole row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Variance {
    /// The budgeted amount, in minor units.
    pub budget_minor: i64,
    /// The actual amount, in minor units.
    pub actual_minor: i64,
    /// Actual minus budget.
    pub variance_minor: i64,
    /// The variance in basis points of the budget (10 000 = 100 %); `null` when the budget is 0.
    pub variance_bp: Option<i64>,
}

/// Budget, actual and their difference in one period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct PeriodVariance {
    /// Period label.
    pub period: String,
    /// The budgeted amount, in minor units.
    pub budget_minor: i64,
    /// The actual amount, in minor units.
    pub actual_minor: i64,
    /// Actual minus budget.
    pub variance_minor: i64,
    /// The variance in basis points of the budget (10 000 = 100 %); `null` when the budget is 0.
    pub variance_bp: Option<i64>,
}

impl Variance {
    /// `actual` against `budget`.
    ///
    /// # Errors
    /// [`ReadError::Overflow`] when the variance or its basis points leave `i64`.
    pub fn of(budget_minor: i64, actual_minor: i64) -> Result<Self, ReadError> {
        let variance_minor = actual_minor.checked_sub(budget_minor).ok_or(ReadError::Overflow("variance_minor"))?;
        Ok(Self { budget_minor, actual_minor, variance_minor, variance_bp: variance_bp(variance_minor, budget_minor)? })
    }

    /// The same figures, labelled with `period`.
    #[must_use]
    pub fn in_period(self, period: &str) -> PeriodVariance {
        PeriodVariance {
            period: period.to_owned(),
            budget_minor: self.budget_minor,
            actual_minor: self.actual_minor,
            variance_minor: self.variance_minor,
            variance_bp: self.variance_bp,
        }
    }
}

/// `variance` in basis points of `|budget|`, rounded half away from zero; `None` when the
/// budget is 0.
///
/// # Errors
/// [`ReadError::Overflow`] when the result leaves `i64`.
pub fn variance_bp(variance_minor: i64, budget_minor: i64) -> Result<Option<i64>, ReadError> {
    if budget_minor == 0 {
        return Ok(None);
    }
    let numerator = i128::from(variance_minor) * WHOLE_BP;
    let denominator = i128::from(budget_minor).abs();
    let (quotient, remainder) = (numerator / denominator, numerator % denominator);
    let rounded = if 2 * remainder.abs() >= denominator { quotient + numerator.signum() } else { quotient };
    i64::try_from(rounded).map(Some).map_err(|_| ReadError::Overflow("variance_bp"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_variance_is_actual_minus_budget_with_its_share_of_the_budget() {
        assert_eq!(
            Variance::of(50_000, 45_000).unwrap(),
            Variance { budget_minor: 50_000, actual_minor: 45_000, variance_minor: -5_000, variance_bp: Some(-1_000) }
        );
        assert_eq!(Variance::of(200_000, 250_000).unwrap().variance_bp, Some(2_500));
        assert_eq!(Variance::of(100, 100).unwrap().variance_bp, Some(0));
        assert_eq!(Variance::of(100, 0).unwrap().variance_bp, Some(-10_000));
    }

    #[test]
    fn no_basis_points_are_given_of_a_zero_budget() {
        assert_eq!(
            Variance::of(0, 12_000).unwrap(),
            Variance { budget_minor: 0, actual_minor: 12_000, variance_minor: 12_000, variance_bp: None }
        );
        assert_eq!(Variance::of(0, 0).unwrap().variance_bp, None);
    }

    #[test]
    fn basis_points_round_half_away_from_zero() {
        // 1 / 3 = 3333.33 bp; 2 / 3 = 6666.67 bp; 1 / 8 = 1250 bp exactly; 1 / 20_000 = 0.5 bp.
        assert_eq!(variance_bp(1, 3).unwrap(), Some(3_333));
        assert_eq!(variance_bp(2, 3).unwrap(), Some(6_667));
        assert_eq!(variance_bp(-2, 3).unwrap(), Some(-6_667));
        assert_eq!(variance_bp(1, 8).unwrap(), Some(1_250));
        assert_eq!(variance_bp(1, 20_000).unwrap(), Some(1));
        assert_eq!(variance_bp(-1, 20_000).unwrap(), Some(-1));
        assert_eq!(variance_bp(1, 20_001).unwrap(), Some(0));
    }

    #[test]
    fn basis_points_of_a_negative_budget_keep_the_variance_sign() {
        // A budgeted loss of 1,000 that came out at a loss of 500: 500 better, +50 %.
        assert_eq!(Variance::of(-1_000, -500).unwrap().variance_bp, Some(5_000));
        assert_eq!(Variance::of(-1_000, -1_500).unwrap().variance_bp, Some(-5_000));
    }

    #[test]
    fn figures_that_leave_i64_are_refused() {
        assert!(matches!(Variance::of(-1, i64::MAX), Err(ReadError::Overflow("variance_minor"))));
        assert!(matches!(Variance::of(1, i64::MAX), Err(ReadError::Overflow("variance_bp"))));
        assert_eq!(variance_bp(i64::MAX, i64::MAX).unwrap(), Some(10_000));
        assert_eq!(variance_bp(i64::MIN, i64::MIN).unwrap(), Some(-10_000));
    }

    #[test]
    fn a_period_variance_carries_the_same_figures() {
        let in_march = Variance::of(50_000, 60_000).unwrap().in_period("2026-03");
        assert_eq!(
            in_march,
            PeriodVariance {
                period: "2026-03".to_owned(),
                budget_minor: 50_000,
                actual_minor: 60_000,
                variance_minor: 10_000,
                variance_bp: Some(2_000)
            }
        );
    }
}
