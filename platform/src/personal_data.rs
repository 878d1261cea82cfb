//! Crypto-shredding of personal data: each data subject (an employee) has its own random
//! 256-bit data key in the tenant's key table `hr_personal_data_keys` (migration `0020_hr`),
//! which lives outside the event store and is never published. Personal data is
//! [`seal`]ed under that key with AES-256-GCM before it is stored in an event, and
//! [`open`]ed with it when a query answers; deleting the key ([`PersonalDataKeys::delete`])
//! makes every stored, published or replayed copy unreadable for good.
//!
//! Sealed text: `v1.` then base64 (standard, padded) of the 12-byte random nonce followed by the
//! ciphertext and its 16-byte tag. The subject's id is the associated data, so a sealed text
//! copied onto another subject does not open.

use std::collections::HashMap;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use prism_aggregates::tenant::TenantId;
use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM, NONCE_LEN};
use ring::rand::{SecureRandom, SystemRandom};
use sqlx::PgPool;
use uuid::Uuid;

use crate::db::quote_ident;
use crate::tenancy::schema_of;

/// Start of every sealed text: the format's version.
const SEALED_PREFIX: &str = "v1.";
/// Bytes of a data key (AES-256).
pub const KEY_BYTES: usize = 32;
/// The key table in each tenant schema.
const KEY_TABLE: &str = "hr_personal_data_keys";

/// Why personal data could not be sealed or opened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    /// The system's random source failed.
    #[error("no randomness for a key or nonce")]
    Random,
    /// The text is not a sealed text of this format.
    #[error("not a sealed text")]
    Malformed,
    /// The key does not open it (another key, another subject, or tampered with).
    #[error("the sealed text does not open with this key")]
    Unopenable,
}

/// One subject's data key. Its bytes are never printed.
#[derive(Clone)]
pub struct DataKey {
    bytes: [u8; KEY_BYTES],
    aead: LessSafeKey,
}

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DataKey(..)")
    }
}

impl DataKey {
    /// A new random key.
    ///
    /// # Errors
    /// [`SealError::Random`] when the system's random source fails.
    pub fn generate() -> Result<Self, SealError> {
        let mut bytes = [0u8; KEY_BYTES];
        SystemRandom::new().fill(&mut bytes).map_err(|_| SealError::Random)?;
        Self::from_bytes(&bytes).ok_or(SealError::Random)
    }

    /// The key of `bytes`; `None` unless there are exactly [`KEY_BYTES`].
    #[must_use]
    pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
        let bytes: [u8; KEY_BYTES] = bytes.try_into().ok()?;
        let aead = LessSafeKey::new(UnboundKey::new(&AES_256_GCM, &bytes).ok()?);
        Some(Self { bytes, aead })
    }
}

/// `plaintext` of `subject` sealed under `key`.
///
/// # Errors
/// [`SealError::Random`] when no nonce can be drawn.
pub fn seal(key: &DataKey, subject: Uuid, plaintext: &[u8]) -> Result<String, SealError> {
    let mut nonce = [0u8; NONCE_LEN];
    SystemRandom::new().fill(&mut nonce).map_err(|_| SealError::Random)?;
    let mut in_out = plaintext.to_vec();
    key.aead
        .seal_in_place_append_tag(Nonce::assume_unique_for_key(nonce), Aad::from(subject.as_bytes()), &mut in_out)
        .map_err(|_| SealError::Random)?;
    let mut sealed = nonce.to_vec();
    sealed.extend_from_slice(&in_out);
    Ok(format!("{SEALED_PREFIX}{}", STANDARD.encode(sealed)))
}

/// The plaintext of `subject` that `sealed` holds, opened with `key`.
///
/// # Errors
/// [`SealError::Malformed`] for a text not of this format, [`SealError::Unopenable`] when
/// `key` (or `subject`) is not the one it was sealed with.
pub fn open(key: &DataKey, subject: Uuid, sealed: &str) -> Result<Vec<u8>, SealError> {
    let encoded = sealed.strip_prefix(SEALED_PREFIX).ok_or(SealError::Malformed)?;
    let bytes = STANDARD.decode(encoded).map_err(|_| SealError::Malformed)?;
    if bytes.len() < NONCE_LEN {
        return Err(SealError::Malformed);
    }
    let (nonce, ciphertext) = bytes.split_at(NONCE_LEN);
    let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| SealError::Malformed)?;
    let mut in_out = ciphertext.to_vec();
    let plaintext =
        key.aead.open_in_place(nonce, Aad::from(subject.as_bytes()), &mut in_out).map_err(|_| SealError::Unopenable)?;
    Ok(plaintext.to_vec())
}

/// The tenants' key tables.
#[derive(Debug, Clone)]
pub struct PersonalDataKeys {
    pool: PgPool,
}

impl PersonalDataKeys {
    /// The key tables over `pool`.
    #[must_use]
    pub fn new(pool: PgPool) -> Self {
        Self { pool }
    }

    fn table(tenant: &TenantId) -> String {
        format!("{}.{KEY_TABLE}", quote_ident(&schema_of(tenant)))
    }

    /// The key of `subject`, created when it has none (a retried hire seals under the same
    /// key).
    ///
    /// # Errors
    /// When the database refuses, or no key can be drawn.
    pub async fn key_for(&self, tenant: &TenantId, subject: Uuid) -> Result<DataKey, KeyStoreError> {
        let fresh = DataKey::generate()?;
        let table = Self::table(tenant);
        sqlx::query(&format!("INSERT INTO {table} (subject_id, data_key) VALUES ($1, $2) ON CONFLICT DO NOTHING"))
            .bind(subject)
            .bind(fresh.bytes.as_slice())
            .execute(&self.pool)
            .await?;
        self.find(tenant, subject).await?.ok_or(KeyStoreError::Vanished)
    }

    /// The key of `subject`; `None` when it has none (never had one, or it was erased).
    ///
    /// # Errors
    /// When the database refuses.
    pub async fn find(&self, tenant: &TenantId, subject: Uuid) -> Result<Option<DataKey>, KeyStoreError> {
        Ok(self.find_many(tenant, &[subject]).await?.remove(&subject))
    }

    /// The keys of those of `subjects` that have one.
    ///
    /// # Errors
    /// When the database refuses.
    pub async fn find_many(
        &self,
        tenant: &TenantId,
        subjects: &[Uuid],
    ) -> Result<HashMap<Uuid, DataKey>, KeyStoreError> {
        let table = Self::table(tenant);
        let rows: Vec<(Uuid, Vec<u8>)> =
            sqlx::query_as(&format!("SELECT subject_id, data_key FROM {table} WHERE subject_id = ANY($1)"))
                .bind(subjects)
                .fetch_all(&self.pool)
                .await?;
        Ok(rows
            .into_iter()
            .filter_map(|(subject, bytes)| DataKey::from_bytes(&bytes).map(|key| (subject, key)))
            .collect())
    }

    /// Deletes the key of `subject` for good; whether it had one.
    ///
    /// # Errors
    /// When the database refuses.
    pub async fn delete(&self, tenant: &TenantId, subject: Uuid) -> Result<bool, KeyStoreError> {
        let table = Self::table(tenant);
        let deleted = sqlx::query(&format!("DELETE FROM {table} WHERE subject_id = $1"))
            .bind(subject)
            .execute(&self.pool)
            .await?
            .rows_affected();
        Ok(deleted > 0)
    }
}

/// Why the key table could not be used.
#[derive(Debug, thiserror::Error)]
pub enum KeyStoreError {
    /// The database refused or is out of reach.
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    /// No key could be drawn.
    #[error(transparent)]
    Seal(#[from] SealError),
    /// The key inserted or found a moment ago is gone: erased at the same time.
    #[error("the data key was deleted while it was being read")]
    Vanished,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subject() -> Uuid {
        Uuid::from_u128(0xe1)
    }

    #[test]
    fn sealed_personal_data_opens_with_its_key_and_subject_only() {
        let key = DataKey::generate().unwrap();
        let sealed = seal(&key, subject(), b"Ada Lovelace").unwrap();
        assert!(sealed.starts_with("v1."));
        assert!(!sealed.contains("Ada"));
        assert_eq!(open(&key, subject(), &sealed).unwrap(), b"Ada Lovelace");
        let other = DataKey::generate().unwrap();
        assert_eq!(open(&other, subject(), &sealed), Err(SealError::Unopenable));
        assert_eq!(open(&key, Uuid::from_u128(2), &sealed), Err(SealError::Unopenable));
    }

    #[test]
    fn sealing_twice_gives_different_texts() {
        let key = DataKey::generate().unwrap();
        assert_ne!(seal(&key, subject(), b"x").unwrap(), seal(&key, subject(), b"x").unwrap());
    }

    #[test]
    fn a_tampered_or_foreign_text_does_not_open() {
        let key = DataKey::generate().unwrap();
        let sealed = seal(&key, subject(), b"Ada").unwrap();
        let mut bytes = STANDARD.decode(&sealed[3..]).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        let tampered = format!("v1.{}", STANDARD.encode(bytes));
        assert_eq!(open(&key, subject(), &tampered), Err(SealError::Unopenable));
        for malformed in ["Ada", "v1.***", "v1.AAAA", ""] {
            assert_eq!(open(&key, subject(), malformed), Err(SealError::Malformed), "{malformed}");
        }
    }

    #[test]
    fn a_key_has_exactly_32_bytes_and_never_prints_them() {
        assert!(DataKey::from_bytes(&[0; 31]).is_none());
        let key = DataKey::from_bytes(&[7; 32]).unwrap();
        assert_eq!(format!("{key:?}"), "DataKey(..)");
    }
}
