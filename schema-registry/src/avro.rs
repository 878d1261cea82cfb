//! Parsing submitted Avro schema text and deriving the form used to recognise duplicates.
//!
//! Two submissions are "the same schema" when apache-avro parses them to the same schema,
//! written back out as compact JSON. Unlike Avro's *Parsing Canonical Form* that keeps
//! defaults, docs, aliases, logical types and custom attributes, so a schema that only adds a
//! default is a different schema (as it is for Confluent), while whitespace, key order and
//! redundant namespaces do not matter.

use apache_avro::Schema;

/// A submitted schema that parsed, with its duplicate-detection form.
#[derive(Debug, Clone)]
pub struct ParsedSchema {
    /// The parsed schema.
    pub schema: Schema,
    /// Compact JSON of the parsed schema; equal for equivalent submissions.
    pub canonical: String,
}

/// Why a submitted schema was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidSchema {
    /// The text was empty or blank.
    #[error("Empty schema")]
    Empty,
    /// apache-avro could not parse the text.
    #[error("Invalid schema: {0}")]
    Unparseable(String),
}

/// Parses Avro schema JSON text.
///
/// # Errors
/// [`InvalidSchema`] when the text is blank or not a valid Avro schema.
pub fn parse(text: &str) -> Result<ParsedSchema, InvalidSchema> {
    if text.trim().is_empty() {
        return Err(InvalidSchema::Empty);
    }
    let schema = Schema::parse_str(text).map_err(|e| InvalidSchema::Unparseable(e.to_string()))?;
    let canonical = serde_json::to_string(&schema).map_err(|e| InvalidSchema::Unparseable(e.to_string()))?;
    Ok(ParsedSchema { schema, canonical })
}

/// Parses schema text that was stored after it had been accepted once.
///
/// # Errors
/// [`InvalidSchema`] if the stored text no longer parses (e.g. it was edited by hand).
pub fn parse_stored(text: &str) -> Result<Schema, InvalidSchema> {
    Schema::parse_str(text).map_err(|e| InvalidSchema::Unparseable(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whitespace_and_key_order_do_not_change_the_canonical_form() {
        let a = parse(r#"{"type":"record","name":"A","fields":[{"name":"x","type":"int"}]}"#).unwrap();
        let b = parse(
            r#"{ "fields": [ {"type": "int", "name": "x"} ],
                 "name": "A", "type": "record" }"#,
        )
        .unwrap();
        assert_eq!(a.canonical, b.canonical);
    }

    #[test]
    fn a_default_value_changes_the_canonical_form() {
        let a = parse(r#"{"type":"record","name":"A","fields":[{"name":"x","type":"int"}]}"#).unwrap();
        let b = parse(r#"{"type":"record","name":"A","fields":[{"name":"x","type":"int","default":1}]}"#).unwrap();
        assert_ne!(a.canonical, b.canonical);
    }

    #[test]
    fn blank_and_broken_text_is_refused() {
        assert_eq!(parse("  ").unwrap_err(), InvalidSchema::Empty);
        assert!(matches!(parse(r#"{"type":"record","name":"A"}"#), Err(InvalidSchema::Unparseable(_))));
        assert!(matches!(parse("not json"), Err(InvalidSchema::Unparseable(_))));
    }
}
