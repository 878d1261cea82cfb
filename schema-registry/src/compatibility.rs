//! Compatibility levels and the pure check of a candidate schema against earlier versions.
//!
//! The rules are Confluent's: BACKWARD means the new schema can read data written with the
//! earlier one, FORWARD the reverse, FULL both; the `_TRANSITIVE` levels compare against every
//! live version instead of only the latest. The Avro resolution itself is apache-avro's
//! [`SchemaCompatibility::can_read`]. A *partial* match (some writer union branches or enum
//! symbols unreadable) counts as incompatible, as it does for Confluent, because reading such
//! data can fail at run time.

use std::{fmt, str::FromStr};

use apache_avro::{
    schema_compatibility::{Compatibility, SchemaCompatibility},
    Schema,
};

/// How a new version of a subject must relate to the earlier ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompatibilityLevel {
    /// No check at all.
    None,
    /// The new schema reads data written with the latest version.
    Backward,
    /// The new schema reads data written with every live version.
    BackwardTransitive,
    /// The latest version reads data written with the new schema.
    Forward,
    /// Every live version reads data written with the new schema.
    ForwardTransitive,
    /// Both backward and forward against the latest version.
    Full,
    /// Both backward and forward against every live version.
    FullTransitive,
}

/// Which way data must be readable, old-written/new-read or new-written/old-read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Direction {
    Backward,
    Forward,
}

impl CompatibilityLevel {
    /// Every level, in Confluent's order.
    pub const ALL: [Self; 7] = [
        Self::None,
        Self::Backward,
        Self::BackwardTransitive,
        Self::Forward,
        Self::ForwardTransitive,
        Self::Full,
        Self::FullTransitive,
    ];

    /// The level's name on the wire, e.g. `BACKWARD_TRANSITIVE`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::None => "NONE",
            Self::Backward => "BACKWARD",
            Self::BackwardTransitive => "BACKWARD_TRANSITIVE",
            Self::Forward => "FORWARD",
            Self::ForwardTransitive => "FORWARD_TRANSITIVE",
            Self::Full => "FULL",
            Self::FullTransitive => "FULL_TRANSITIVE",
        }
    }

    /// Parses a level name, ignoring ASCII case.
    #[must_use]
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|level| level.as_str().eq_ignore_ascii_case(name.trim()))
    }

    /// clap value parser: like [`Self::parse`] but with a message listing the valid names.
    pub(crate) fn parse_arg(name: &str) -> Result<Self, String> {
        Self::parse(name).ok_or_else(|| {
            let valid: Vec<&str> = Self::ALL.iter().map(|l| l.as_str()).collect();
            format!("'{name}' is not one of {}", valid.join(", "))
        })
    }

    /// Whether the check covers every live version rather than only the latest.
    #[must_use]
    pub const fn is_transitive(self) -> bool {
        matches!(self, Self::BackwardTransitive | Self::ForwardTransitive | Self::FullTransitive)
    }

    fn directions(self) -> &'static [Direction] {
        match self {
            Self::None => &[],
            Self::Backward | Self::BackwardTransitive => &[Direction::Backward],
            Self::Forward | Self::ForwardTransitive => &[Direction::Forward],
            Self::Full | Self::FullTransitive => &[Direction::Backward, Direction::Forward],
        }
    }
}

impl fmt::Display for CompatibilityLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for CompatibilityLevel {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse_arg(s)
    }
}

/// An earlier version of a subject, as the check sees it.
#[derive(Debug, Clone, Copy)]
pub struct EarlierVersion<'a> {
    /// The subject version number.
    pub version: i32,
    /// The parsed schema of that version.
    pub schema: &'a Schema,
}

/// Checks `candidate` against `earlier` (oldest first) under `level`.
///
/// Non-transitive levels look only at the last element. Returns one message per failed
/// comparison; an empty list means compatible.
#[must_use]
pub fn check(level: CompatibilityLevel, candidate: &Schema, earlier: &[EarlierVersion<'_>]) -> Vec<String> {
    let compared: &[EarlierVersion<'_>] =
        if level.is_transitive() { earlier } else { earlier.last().map_or(&[], std::slice::from_ref) };
    let mut messages = Vec::new();
    for old in compared.iter().rev() {
        for direction in level.directions() {
            if let Some(problem) = check_pair(*direction, candidate, old.schema) {
                messages.push(describe(*direction, old.version, &problem));
            }
        }
    }
    messages
}

/// Resolves writer against reader for one direction; `None` when fully readable.
fn check_pair(direction: Direction, candidate: &Schema, old: &Schema) -> Option<String> {
    let (writer, reader) = match direction {
        Direction::Backward => (old, candidate),
        Direction::Forward => (candidate, old),
    };
    match SchemaCompatibility::can_read(writer, reader) {
        Ok(Compatibility::Full) => None,
        Ok(Compatibility::Partial) => Some(
            "only part of the writer's values can be read (a union branch or enum symbol is \
             missing in the reader)"
                .to_owned(),
        ),
        Err(error) => Some(error_chain(&error)),
    }
}

fn describe(direction: Direction, version: i32, problem: &str) -> String {
    match direction {
        Direction::Backward => {
            format!("BACKWARD: the new schema cannot read data written with version {version}: {problem}")
        }
        Direction::Forward => {
            format!("FORWARD: version {version} cannot read data written with the new schema: {problem}")
        }
    }
}

/// An error's message followed by its sources, `: `-separated.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(inner) = source {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        source = inner.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema(fields: &str) -> Schema {
        Schema::parse_str(&format!(r#"{{"type":"record","name":"Order","fields":[{fields}]}}"#)).unwrap()
    }

    fn id_only() -> Schema {
        schema(r#"{"name":"id","type":"string"}"#)
    }

    fn check_one(level: CompatibilityLevel, old: &Schema, new: &Schema) -> Vec<String> {
        check(level, new, &[EarlierVersion { version: 1, schema: old }])
    }

    #[test]
    fn level_names_round_trip_and_ignore_case() {
        for level in CompatibilityLevel::ALL {
            assert_eq!(CompatibilityLevel::parse(level.as_str()), Some(level));
        }
        assert_eq!(CompatibilityLevel::parse("full_transitive"), Some(CompatibilityLevel::FullTransitive));
        assert_eq!(CompatibilityLevel::parse("SIDEWAYS"), None);
    }

    #[test]
    fn adding_a_field_with_a_default_is_backward_forward_and_full_compatible() {
        let new = schema(r#"{"name":"id","type":"string"},{"name":"note","type":"string","default":""}"#);
        for level in [CompatibilityLevel::Backward, CompatibilityLevel::Forward, CompatibilityLevel::Full] {
            assert!(check_one(level, &id_only(), &new).is_empty(), "{level}");
        }
    }

    #[test]
    fn adding_a_field_without_a_default_breaks_backward_but_not_forward() {
        let new = schema(r#"{"name":"id","type":"string"},{"name":"note","type":"string"}"#);
        let backward = check_one(CompatibilityLevel::Backward, &id_only(), &new);
        assert_eq!(backward.len(), 1);
        assert!(backward[0].contains("note"), "{backward:?}");
        assert!(check_one(CompatibilityLevel::Forward, &id_only(), &new).is_empty());
        assert_eq!(check_one(CompatibilityLevel::Full, &id_only(), &new).len(), 1);
    }

    #[test]
    fn changing_a_field_type_is_incompatible_both_ways() {
        let new = schema(r#"{"name":"id","type":"int"}"#);
        assert_eq!(check_one(CompatibilityLevel::Full, &id_only(), &new).len(), 2);
    }

    #[test]
    fn none_accepts_anything() {
        let new = schema(r#"{"name":"id","type":"int"}"#);
        assert!(check_one(CompatibilityLevel::None, &id_only(), &new).is_empty());
    }

    #[test]
    fn removing_an_enum_symbol_is_forward_but_not_backward_compatible() {
        let enum_schema = |symbols: &str| {
            Schema::parse_str(&format!(r#"{{"type":"enum","name":"Status","symbols":[{symbols}]}}"#)).unwrap()
        };
        let old = enum_schema(r#""OPEN","CLOSED""#);
        let new = enum_schema(r#""OPEN""#);
        assert!(!check_one(CompatibilityLevel::Backward, &old, &new).is_empty());
        assert!(check_one(CompatibilityLevel::Forward, &old, &new).is_empty());
    }

    #[test]
    fn transitive_levels_compare_with_every_earlier_version_not_only_the_latest() {
        let v1 = schema(r#"{"name":"id","type":"string"},{"name":"qty","type":"int"}"#);
        let v2 = id_only();
        let v3 = schema(r#"{"name":"id","type":"string"},{"name":"qty","type":"string","default":"0"}"#);
        let earlier = [EarlierVersion { version: 1, schema: &v1 }, EarlierVersion { version: 2, schema: &v2 }];
        assert!(check(CompatibilityLevel::Backward, &v3, &earlier).is_empty());
        let transitive = check(CompatibilityLevel::BackwardTransitive, &v3, &earlier);
        assert_eq!(transitive.len(), 1);
        assert!(transitive[0].contains("version 1"), "{transitive:?}");
    }
}
