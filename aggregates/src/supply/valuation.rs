//! How an item's stock is valued: each issue's cost of goods comes from the oldest receipts
//! first (FIFO) or from the running average cost (moving average).

use std::fmt;

use serde::{Deserialize, Serialize};

/// An item's valuation method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ValuationMethod {
    /// First in, first out: an issue consumes the oldest receipt layers first, at their cost.
    Fifo,
    /// Moving average: an issue is valued at the average cost of what is on hand.
    MovingAverage,
}

impl ValuationMethod {
    /// The method named `name`: `fifo` or `moving_average` (lowercase, exactly); `None` otherwise.
    #[must_use]
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "fifo" => Some(Self::Fifo),
            "moving_average" => Some(Self::MovingAverage),
            _ => None,
        }
    }

    /// `"fifo"` or `"moving_average"`, as events and read models spell it.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Fifo => "fifo",
            Self::MovingAverage => "moving_average",
        }
    }
}

impl fmt::Display for ValuationMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::ValuationMethod;

    #[test]
    fn names_read_back_and_nothing_else_parses() {
        for method in [ValuationMethod::Fifo, ValuationMethod::MovingAverage] {
            assert_eq!(ValuationMethod::parse(method.as_str()), Some(method));
            assert_eq!(serde_json::to_value(method).unwrap(), method.as_str());
        }
        assert_eq!(ValuationMethod::parse("FIFO"), None);
        assert_eq!(ValuationMethod::parse("average"), None);
    }
}
