//! The contract as last published, `schemas/avro/published.json`: one entry per event type, its
//! schema in Avro canonical form. A subscriber may hold data written with any of them, so every
//! current schema must read what its published one wrote — the registry's `BACKWARD` rule, the
//! one the relay's subjects are registered under — and no published event type may disappear.
//! [`incompatibilities`] lists what breaks that; [`locked`] is the file rewritten for the current
//! schemas, which `prism-contract lock` writes only when nothing breaks.

use std::collections::BTreeMap;

use apache_avro::Schema;
use prism_platform::contract::EVENTS;
use prism_schema_registry::compatibility::{check, CompatibilityLevel, EarlierVersion};

/// Where the published contract is kept, from the repository root.
pub const PATH: &str = "schemas/avro/published.json";

/// The rule every change of a published schema must keep.
pub const LEVEL: CompatibilityLevel = CompatibilityLevel::Backward;

/// The published contract: event type → schema in canonical form.
pub type Published = BTreeMap<String, String>;

/// Reads the published contract from its file's text.
///
/// # Errors
/// When the text is not a JSON object of strings.
pub fn parse(text: &str) -> Result<Published, serde_json::Error> {
    serde_json::from_str(text)
}

/// The published contract for the current schemas, as the file's text.
///
/// # Panics
/// When a schema of the contract does not parse (the contract's own tests refuse that).
#[must_use]
pub fn locked() -> String {
    let current: Published = EVENTS
        .iter()
        .map(|event| (event.event_type.to_owned(), current_schema(event.schema).canonical_form()))
        .collect();
    let mut text = serde_json::to_string_pretty(&current).expect("strings serialize");
    text.push('\n');
    text
}

/// Every way the current schemas break `published`: an event type no longer published, or a
/// schema that cannot read what its published version wrote. Empty when compatible.
#[must_use]
pub fn incompatibilities(published: &Published) -> Vec<String> {
    let mut problems = Vec::new();
    for (event_type, old) in published {
        let Some(event) = EVENTS.iter().find(|event| event.event_type == event_type) else {
            problems.push(format!("{event_type}: published, but no longer in the contract"));
            continue;
        };
        let old = match Schema::parse_str(old) {
            Ok(old) => old,
            Err(error) => {
                problems.push(format!("{event_type}: the published schema does not parse: {error}"));
                continue;
            }
        };
        let earlier = [EarlierVersion { version: 1, schema: &old }];
        for message in check(LEVEL, &current_schema(event.schema), &earlier) {
            problems.push(format!("{event_type}: {message}"));
        }
    }
    problems
}

fn current_schema(text: &str) -> Schema {
    Schema::parse_str(text).expect("every contract schema parses")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn published_with(event_type: &str, schema: &str) -> Published {
        Published::from([(event_type.to_owned(), schema.to_owned())])
    }

    /// `ItemRenamed` as published, with `fields` instead of its own.
    fn item_renamed(fields: &str) -> String {
        format!(r#"{{"type":"record","name":"ItemRenamed","namespace":"prism.supply","fields":[{fields}]}}"#)
    }

    #[test]
    fn the_current_schemas_are_compatible_with_themselves_as_published() {
        assert_eq!(incompatibilities(&parse(&locked()).unwrap()), Vec::<String>::new());
    }

    #[test]
    fn a_field_the_current_schema_needs_but_old_data_lacks_breaks_the_contract() {
        // Published with only the SKU: old data has no `name`, which the current schema needs
        // (it has no default).
        let published = published_with("ItemRenamed", &item_renamed(r#"{"name":"sku","type":"string"}"#));
        let problems = incompatibilities(&published);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].starts_with("ItemRenamed: BACKWARD"), "{problems:?}");
        assert!(problems[0].contains("name"), "{problems:?}");
    }

    #[test]
    fn a_published_event_type_may_not_disappear() {
        let problems = incompatibilities(&published_with("InvoiceTeleported", &item_renamed("")));
        assert_eq!(problems, ["InvoiceTeleported: published, but no longer in the contract"]);
    }
}
