//! The aging buckets: where an open amount falls by how many days past its due date it is
//! at the report date, and the five bucket amounts plus their total, added with checked
//! arithmetic.

use serde::Serialize;

use crate::error::ReadError;

/// How overdue an open amount is at the report date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub enum Bucket {
    /// Not yet overdue: the report date is on or before the due date.
    #[serde(rename = "current")]
    Current,
    /// 1 to 30 days past due.
    #[serde(rename = "days_1_30")]
    Days1To30,
    /// 31 to 60 days past due.
    #[serde(rename = "days_31_60")]
    Days31To60,
    /// 61 to 90 days past due.
    #[serde(rename = "days_61_90")]
    Days61To90,
    /// More than 90 days past due.
    #[serde(rename = "over_90")]
    Over90,
}

impl Bucket {
    /// The bucket of an amount `days_past_due` days past its due date (0 or less: not due
    /// yet, or due on the report date).
    #[must_use]
    pub fn of(days_past_due: i32) -> Self {
        match days_past_due {
            i32::MIN..=0 => Self::Current,
            1..=30 => Self::Days1To30,
            31..=60 => Self::Days31To60,
            61..=90 => Self::Days61To90,
            _ => Self::Over90,
        }
    }

    /// The bucket's name, as in JSON.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Current => "current",
            Self::Days1To30 => "days_1_30",
            Self::Days31To60 => "days_31_60",
            Self::Days61To90 => "days_61_90",
            Self::Over90 => "over_90",
        }
    }
}

/// Open amounts by bucket and their total, in minor units (credit notes negative).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct BucketAmounts {
    /// Not yet overdue.
    pub current_minor: i64,
    /// 1 to 30 days past due.
    pub days_1_30_minor: i64,
    /// 31 to 60 days past due.
    pub days_31_60_minor: i64,
    /// 61 to 90 days past due.
    pub days_61_90_minor: i64,
    /// More than 90 days past due.
    pub over_90_minor: i64,
    /// Sum of the five buckets.
    pub total_minor: i64,
}

impl BucketAmounts {
    /// Adds `amount_minor` to `bucket` and to the total.
    ///
    /// # Errors
    /// [`ReadError::Overflow`] when a sum leaves `i64`.
    pub fn add(&mut self, bucket: Bucket, amount_minor: i64) -> Result<(), ReadError> {
        let total_minor = self.total_minor.checked_add(amount_minor).ok_or(ReadError::Overflow("an aging total"))?;
        let slot = match bucket {
            Bucket::Current => &mut self.current_minor,
            Bucket::Days1To30 => &mut self.days_1_30_minor,
            Bucket::Days31To60 => &mut self.days_31_60_minor,
            Bucket::Days61To90 => &mut self.days_61_90_minor,
            Bucket::Over90 => &mut self.over_90_minor,
        };
        *slot = slot.checked_add(amount_minor).ok_or(ReadError::Overflow("an aging bucket"))?;
        self.total_minor = total_minor;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_past_due_fall_into_buckets_at_their_inclusive_bounds() {
        let cases = [
            (-30, Bucket::Current),
            (0, Bucket::Current),
            (1, Bucket::Days1To30),
            (30, Bucket::Days1To30),
            (31, Bucket::Days31To60),
            (60, Bucket::Days31To60),
            (61, Bucket::Days61To90),
            (90, Bucket::Days61To90),
            (91, Bucket::Over90),
            (i32::MAX, Bucket::Over90),
        ];
        for (days, bucket) in cases {
            assert_eq!(Bucket::of(days), bucket, "{days} days");
        }
    }

    #[test]
    fn bucket_names_are_the_json_names() {
        for bucket in [Bucket::Current, Bucket::Days1To30, Bucket::Days31To60, Bucket::Days61To90, Bucket::Over90] {
            assert_eq!(serde_json::to_value(bucket).unwrap(), bucket.as_str());
        }
    }

    #[test]
    fn amounts_add_into_their_bucket_and_the_total_and_refuse_overflow() {
        let mut amounts = BucketAmounts::default();
        amounts.add(Bucket::Days31To60, 340_000).unwrap();
        amounts.add(Bucket::Current, -60_000).unwrap();
        amounts.add(Bucket::Days31To60, 5).unwrap();
        assert_eq!(
            amounts,
            BucketAmounts {
                current_minor: -60_000,
                days_31_60_minor: 340_005,
                total_minor: 280_005,
                ..Default::default()
            }
        );
        assert!(matches!(amounts.add(Bucket::Over90, i64::MAX), Err(ReadError::Overflow(_))));
    }
}
