//! The registry's operations: what each endpoint means, independent of HTTP.
//!
//! Each method validates its input, reads or writes through [`crate::store`], and answers with
//! a value or a [`RegistryError`]. Registration runs under the subject's lock so "is it there
//! already? is it compatible? which version is next?" is answered against a stable state.

use apache_avro::Schema;
use tracing::info;

use crate::{
    avro::{self, ParsedSchema},
    compatibility::{self, CompatibilityLevel, EarlierVersion},
    error::RegistryError,
    store::{self, Deleted, Store, SubjectVersion, VersionSelector},
};

/// A schema as a client submits it for registration, lookup or a compatibility test.
#[derive(Debug, Clone, Copy)]
pub struct Submission<'a> {
    /// The schema text (Avro JSON).
    pub schema: &'a str,
    /// The declared schema type; `None` means AVRO.
    pub schema_type: Option<&'a str>,
    /// How many schema references came with it (only zero is supported).
    pub reference_count: usize,
}

/// The registry service over a [`Store`].
#[derive(Debug, Clone)]
pub struct Registry {
    store: Store,
    default_level: CompatibilityLevel,
}

/// Parses a version path segment: a positive number, `latest` or `-1`.
///
/// # Errors
/// [`RegistryError::InvalidVersion`] for anything else.
pub fn parse_version(text: &str) -> Result<VersionSelector, RegistryError> {
    if text.eq_ignore_ascii_case("latest") || text == "-1" {
        return Ok(VersionSelector::Latest);
    }
    match text.parse::<i32>() {
        Ok(n) if n > 0 => Ok(VersionSelector::Number(n)),
        _ => Err(RegistryError::InvalidVersion(text.to_owned())),
    }
}

/// Parses a schema id path segment; anything that cannot be an id is simply not found.
///
/// # Errors
/// [`RegistryError::SchemaIdNotFound`] unless the text is a positive 32-bit number.
pub fn parse_schema_id(text: &str) -> Result<i32, RegistryError> {
    match text.parse::<i32>() {
        Ok(id) if id > 0 => Ok(id),
        _ => Err(RegistryError::SchemaIdNotFound(text.to_owned())),
    }
}

/// Checks the schema type and references, then parses the Avro text.
fn accept(submission: Submission<'_>) -> Result<ParsedSchema, RegistryError> {
    if let Some(kind) = submission.schema_type {
        if !kind.eq_ignore_ascii_case("AVRO") {
            return Err(RegistryError::InvalidSchema(format!(
                "Schema type '{kind}' is not supported: this registry accepts AVRO schemas only"
            )));
        }
    }
    if submission.reference_count > 0 {
        return Err(RegistryError::InvalidSchema(
            "Schema references are not supported by this registry; submit a self-contained schema".to_owned(),
        ));
    }
    avro::parse(submission.schema).map_err(|e| RegistryError::InvalidSchema(e.to_string()))
}

/// Parses stored versions for a compatibility check (only those the level looks at).
fn parse_earlier(level: CompatibilityLevel, live: &[SubjectVersion]) -> Result<Vec<(i32, Schema)>, RegistryError> {
    let compared = if level.is_transitive() { live } else { live.last().map_or(&[][..], std::slice::from_ref) };
    compared
        .iter()
        .map(|v| {
            avro::parse_stored(&v.schema_text)
                .map(|schema| (v.version, schema))
                .map_err(|e| RegistryError::Corrupt(format!("schema {} ({}): {e}", v.schema_id, v.subject)))
        })
        .collect()
}

/// Messages for every failed comparison of `candidate` with `live` under `level`.
fn incompatibilities(
    level: CompatibilityLevel,
    candidate: &Schema,
    live: &[SubjectVersion],
) -> Result<Vec<String>, RegistryError> {
    if level == CompatibilityLevel::None || live.is_empty() {
        return Ok(Vec::new());
    }
    let earlier = parse_earlier(level, live)?;
    let views: Vec<EarlierVersion<'_>> =
        earlier.iter().map(|(version, schema)| EarlierVersion { version: *version, schema }).collect();
    Ok(compatibility::check(level, candidate, &views))
}

impl Registry {
    /// A registry over `store`, using `default_level` until a global level is set.
    #[must_use]
    pub fn new(store: Store, default_level: CompatibilityLevel) -> Self {
        Self { store, default_level }
    }

    /// Registers a schema under a subject and returns its global id.
    ///
    /// A schema already live under the subject returns its id and adds no version; a schema
    /// known under another subject reuses that id.
    ///
    /// # Errors
    /// Invalid schema (42201), incompatible (409), or a database failure.
    pub async fn register(&self, subject: &str, submission: Submission<'_>) -> Result<i32, RegistryError> {
        let parsed = accept(submission)?;
        let mut tx = self.store.lock_subject(subject).await?;
        if let Some(existing) = store::find_in_subject(tx.conn(), subject, &parsed.canonical).await? {
            return Ok(existing.schema_id);
        }
        let level = self.level_or_default(store::configured_level(tx.conn(), subject).await?);
        let live = store::live_versions(tx.conn(), subject).await?;
        let messages = incompatibilities(level, &parsed.schema, &live)?;
        if !messages.is_empty() {
            return Err(RegistryError::Incompatible { subject: subject.to_owned(), messages });
        }
        let id = store::get_or_insert_schema(tx.conn(), submission.schema, &parsed.canonical).await?;
        let version = store::append_version(tx.conn(), subject, id).await?;
        tx.commit().await?;
        info!(subject, id, version, %level, "registered schema");
        Ok(id)
    }

    /// Finds the live version of a subject that has this schema.
    ///
    /// # Errors
    /// 40401 if the subject has no live versions, 40403 if none has this schema.
    pub async fn lookup(&self, subject: &str, submission: Submission<'_>) -> Result<SubjectVersion, RegistryError> {
        let parsed = accept(submission)?;
        let pool = self.store.pool();
        if let Some(found) = store::find_in_subject(pool, subject, &parsed.canonical).await? {
            return Ok(found);
        }
        if store::version_numbers(pool, subject, Deleted::Exclude).await?.is_empty() {
            return Err(RegistryError::SubjectNotFound(subject.to_owned()));
        }
        Err(RegistryError::SchemaNotFound)
    }

    /// Subject names, sorted.
    ///
    /// # Errors
    /// A database failure.
    pub async fn subjects(&self, deleted: Deleted) -> Result<Vec<String>, RegistryError> {
        Ok(store::subjects(self.store.pool(), deleted).await?)
    }

    /// A subject's version numbers, ascending.
    ///
    /// # Errors
    /// 40401 if there are none.
    pub async fn versions(&self, subject: &str, deleted: Deleted) -> Result<Vec<i32>, RegistryError> {
        let versions = store::version_numbers(self.store.pool(), subject, deleted).await?;
        if versions.is_empty() {
            return Err(RegistryError::SubjectNotFound(subject.to_owned()));
        }
        Ok(versions)
    }

    /// One version of a subject.
    ///
    /// # Errors
    /// 40401 if the subject has no versions, 40402 if it lacks this one.
    pub async fn version(
        &self,
        subject: &str,
        selector: VersionSelector,
        deleted: Deleted,
    ) -> Result<SubjectVersion, RegistryError> {
        let pool = self.store.pool();
        if let Some(found) = store::version(pool, subject, selector, deleted).await? {
            return Ok(found);
        }
        Err(self.missing_version(subject, selector, deleted).await?)
    }

    /// The error for a version that was not found: subject missing or version missing.
    async fn missing_version(
        &self,
        subject: &str,
        selector: VersionSelector,
        deleted: Deleted,
    ) -> Result<RegistryError, RegistryError> {
        let versions = store::version_numbers(self.store.pool(), subject, deleted).await?;
        Ok(match selector {
            _ if versions.is_empty() => RegistryError::SubjectNotFound(subject.to_owned()),
            VersionSelector::Number(n) => RegistryError::VersionNotFound(n.to_string()),
            VersionSelector::Latest => RegistryError::VersionNotFound("latest".to_owned()),
        })
    }

    /// The schema text with this global id.
    ///
    /// # Errors
    /// 40403 if no schema has the id.
    pub async fn schema_by_id(&self, id: i32) -> Result<String, RegistryError> {
        store::schema_text(self.store.pool(), id).await?.ok_or_else(|| RegistryError::SchemaIdNotFound(id.to_string()))
    }

    /// The `(subject, version)` pairs that use a schema id.
    ///
    /// # Errors
    /// 40403 if no schema has the id.
    pub async fn schema_usages(&self, id: i32, deleted: Deleted) -> Result<Vec<(String, i32)>, RegistryError> {
        self.schema_by_id(id).await?;
        Ok(store::schema_usages(self.store.pool(), id, deleted).await?)
    }

    /// Checks a schema against a subject under its level: against one version (`Number`), or
    /// against the latest / all live versions as the level says (`Latest` or `None`).
    ///
    /// Returns the incompatibility messages; empty means compatible.
    ///
    /// # Errors
    /// Invalid schema (42201), 40401 if the subject has no live versions, 40402 for a missing
    /// version.
    pub async fn test_compatibility(
        &self,
        subject: &str,
        selector: Option<VersionSelector>,
        submission: Submission<'_>,
    ) -> Result<Vec<String>, RegistryError> {
        let parsed = accept(submission)?;
        let pool = self.store.pool();
        let mut live = store::live_versions(pool, subject).await?;
        if live.is_empty() {
            return Err(RegistryError::SubjectNotFound(subject.to_owned()));
        }
        if let Some(VersionSelector::Number(n)) = selector {
            live.retain(|v| v.version == n);
            if live.is_empty() {
                return Err(RegistryError::VersionNotFound(n.to_string()));
            }
        }
        let level = self.level_or_default(store::configured_level(pool, subject).await?);
        incompatibilities(level, &parsed.schema, &live)
    }

    /// The global level (the configured default until one is set).
    ///
    /// # Errors
    /// A database failure.
    pub async fn global_level(&self) -> Result<CompatibilityLevel, RegistryError> {
        Ok(self.level_or_default(store::global_level(self.store.pool()).await?))
    }

    /// Sets the global level.
    ///
    /// # Errors
    /// A database failure.
    pub async fn set_global_level(&self, level: CompatibilityLevel) -> Result<(), RegistryError> {
        store::set_global_level(self.store.pool(), level).await?;
        info!(%level, "set global compatibility");
        Ok(())
    }

    /// A subject's own level, or the global one when `default_to_global`.
    ///
    /// # Errors
    /// 40408 if the subject has no level of its own and `default_to_global` is false.
    pub async fn subject_level(
        &self,
        subject: &str,
        default_to_global: bool,
    ) -> Result<CompatibilityLevel, RegistryError> {
        match store::subject_level(self.store.pool(), subject).await? {
            Some(level) => Ok(level),
            None if default_to_global => self.global_level().await,
            None => Err(RegistryError::SubjectLevelNotConfigured(subject.to_owned())),
        }
    }

    /// Sets a subject's level (the subject need not exist yet).
    ///
    /// # Errors
    /// A database failure.
    pub async fn set_subject_level(&self, subject: &str, level: CompatibilityLevel) -> Result<(), RegistryError> {
        store::set_subject_level(self.store.pool(), subject, level).await?;
        info!(subject, %level, "set subject compatibility");
        Ok(())
    }

    /// Removes a subject's level and returns the one it had.
    ///
    /// # Errors
    /// 40408 if it had none.
    pub async fn delete_subject_level(&self, subject: &str) -> Result<CompatibilityLevel, RegistryError> {
        store::delete_subject_level(self.store.pool(), subject)
            .await?
            .ok_or_else(|| RegistryError::SubjectLevelNotConfigured(subject.to_owned()))
    }

    /// Soft-deletes every live version of a subject or, when `permanent`, removes the
    /// soft-deleted ones. Returns the versions affected.
    ///
    /// # Errors
    /// 40401 if the subject has no versions; 40404 if a soft delete finds only deleted ones;
    /// 40405 if a permanent delete finds live ones.
    pub async fn delete_subject(&self, subject: &str, permanent: bool) -> Result<Vec<i32>, RegistryError> {
        let mut tx = self.store.lock_subject(subject).await?;
        let all = store::version_numbers(tx.conn(), subject, Deleted::Include).await?;
        if all.is_empty() {
            return Err(RegistryError::SubjectNotFound(subject.to_owned()));
        }
        let live = store::version_numbers(tx.conn(), subject, Deleted::Exclude).await?;
        let affected = if permanent {
            if !live.is_empty() {
                return Err(RegistryError::SubjectNotSoftDeleted(subject.to_owned()));
            }
            store::hard_delete(tx.conn(), subject, None).await?
        } else {
            if live.is_empty() {
                return Err(RegistryError::SubjectSoftDeleted(subject.to_owned()));
            }
            store::soft_delete(tx.conn(), subject, None).await?
        };
        tx.commit().await?;
        info!(subject, permanent, versions = ?affected, "deleted subject");
        Ok(affected)
    }

    /// Soft-deletes one version or, when `permanent`, removes a soft-deleted one.
    ///
    /// # Errors
    /// 40401 / 40402 if missing; 40406 if a soft delete finds it deleted; 40407 if a
    /// permanent delete finds it live.
    pub async fn delete_version(
        &self,
        subject: &str,
        selector: VersionSelector,
        permanent: bool,
    ) -> Result<i32, RegistryError> {
        let mut tx = self.store.lock_subject(subject).await?;
        let scope = if permanent || matches!(selector, VersionSelector::Number(_)) {
            Deleted::Include
        } else {
            Deleted::Exclude
        };
        let Some(target) = store::version(tx.conn(), subject, selector, scope).await? else {
            drop(tx);
            return Err(self.missing_version(subject, selector, scope).await?);
        };
        let version = target.version;
        match (permanent, target.deleted) {
            (false, true) => return Err(RegistryError::VersionSoftDeleted { subject: subject.to_owned(), version }),
            (true, false) => return Err(RegistryError::VersionNotSoftDeleted { subject: subject.to_owned(), version }),
            (false, false) => store::soft_delete(tx.conn(), subject, Some(version)).await?,
            (true, true) => store::hard_delete(tx.conn(), subject, Some(version)).await?,
        };
        tx.commit().await?;
        info!(subject, version, permanent, "deleted version");
        Ok(version)
    }

    fn level_or_default(&self, configured: Option<CompatibilityLevel>) -> CompatibilityLevel {
        configured.unwrap_or(self.default_level)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_segments_parse_like_confluent() {
        assert_eq!(parse_version("latest").unwrap(), VersionSelector::Latest);
        assert_eq!(parse_version("-1").unwrap(), VersionSelector::Latest);
        assert_eq!(parse_version("3").unwrap(), VersionSelector::Number(3));
        for bad in ["0", "-2", "x", "2147483648", ""] {
            assert!(matches!(parse_version(bad), Err(RegistryError::InvalidVersion(_))), "{bad}");
        }
    }

    #[test]
    fn only_avro_without_references_is_accepted() {
        let schema = r#""string""#;
        let submission = |schema_type, reference_count| Submission { schema, schema_type, reference_count };
        assert!(accept(submission(None, 0)).is_ok());
        assert!(accept(submission(Some("AVRO"), 0)).is_ok());
        assert!(matches!(
            accept(submission(Some("PROTOBUF"), 0)),
            Err(RegistryError::InvalidSchema(m)) if m.contains("PROTOBUF")
        ));
        assert!(matches!(
            accept(submission(None, 1)),
            Err(RegistryError::InvalidSchema(m)) if m.contains("references")
        ));
    }
}
