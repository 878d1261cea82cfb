//! The pipeline stages of an opportunity ([`Stage`]) and each one's default probability.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Where an opportunity is in the pipeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// A lead, not yet qualified: the first stage.
    Lead,
    /// Qualified: the customer has a need, budget and time frame.
    Qualification,
    /// A proposal is out.
    Proposal,
    /// Terms are being negotiated.
    Negotiation,
    /// Won. Final.
    Won,
    /// Lost. Final.
    Lost,
}

impl Stage {
    /// Every stage, in pipeline order.
    pub const ALL: [Stage; 6] =
        [Stage::Lead, Stage::Qualification, Stage::Proposal, Stage::Negotiation, Stage::Won, Stage::Lost];

    /// The stage named `name` (`"lead"`, `"qualification"`, …), if any.
    #[must_use]
    pub fn parse(name: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|stage| stage.as_str() == name)
    }

    /// The snake-case name, as on the wire and in read models.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Lead => "lead",
            Stage::Qualification => "qualification",
            Stage::Proposal => "proposal",
            Stage::Negotiation => "negotiation",
            Stage::Won => "won",
            Stage::Lost => "lost",
        }
    }

    /// The probability in percent an opportunity gets on entering the stage unless one is given.
    #[must_use]
    pub fn default_probability(self) -> u8 {
        match self {
            Stage::Lead => 10,
            Stage::Qualification => 25,
            Stage::Proposal => 50,
            Stage::Negotiation => 75,
            Stage::Won => 100,
            Stage::Lost => 0,
        }
    }

    /// Whether the stage is final (won or lost).
    #[must_use]
    pub fn is_final(self) -> bool {
        matches!(self, Stage::Won | Stage::Lost)
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
