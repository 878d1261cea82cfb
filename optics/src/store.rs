//! Saved report definitions as documents in MongoDB: collection `report_definitions` of the
//! tenant's database (`prism_<tenant>`), one document per report — `_id` (a UUID), the
//! `definition` as the API took it, a `revision` counted from 1, and who created and last
//! revised it, when. The command API writes them; the query API and the notification service
//! read them. Writes are single-document operations, atomic on their own.

use chrono::{DateTime, Utc};
use futures::TryStreamExt;
use mongodb::bson::{self, doc, Bson, Document};
use mongodb::options::{ClientOptions, FindOneAndUpdateOptions, ReturnDocument};
use mongodb::{Client, Collection, Database};
use serde::{Deserialize, Serialize};

use crate::definition::ReportDefinition;

/// The collection of report definitions.
pub const COLLECTION: &str = "report_definitions";

/// How long a MongoDB operation waits for a server unless the URL says otherwise.
const SERVER_SELECTION_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// A saved report as the API shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SavedReport {
    /// Its id (the document's `_id`).
    #[serde(rename(serialize = "report_id"), alias = "_id")]
    pub report_id: String,
    /// What it shows.
    pub definition: ReportDefinition,
    /// 1 when created, one more per revision.
    pub revision: i64,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// Who created it (user id).
    pub created_by: String,
    /// When it was last created or revised.
    pub updated_at: DateTime<Utc>,
    /// Who last created or revised it.
    pub updated_by: String,
}

/// Why a definition could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// MongoDB failed or is out of reach.
    #[error("mongodb: {0}")]
    Mongo(#[from] mongodb::error::Error),
    /// A document could not be converted.
    #[error("report document: {0}")]
    Document(String),
}

impl From<StoreError> for prism_platform::problem::Problem {
    /// 503: MongoDB is out of reach (or a stored document unreadable), nothing was changed.
    fn from(error: StoreError) -> Self {
        tracing::warn!(%error, "report definitions unavailable");
        Self::unavailable("report-store-unavailable", "the report definitions cannot be reached; try again")
    }
}

/// A lazily connecting MongoDB client for `url`, named `app_name` to the server.
///
/// # Errors
/// When the URL does not parse.
pub async fn client(url: &str, app_name: &str) -> Result<Client, mongodb::error::Error> {
    let mut options = ClientOptions::parse(url).await?;
    options.server_selection_timeout.get_or_insert(SERVER_SELECTION_TIMEOUT);
    options.app_name.get_or_insert_with(|| app_name.to_owned());
    Client::with_options(options)
}

/// The report definitions of one tenant.
#[derive(Debug, Clone)]
pub struct ReportStore {
    collection: Collection<SavedReport>,
}

impl ReportStore {
    /// The definitions in `database` (the tenant's).
    #[must_use]
    pub fn new(database: &Database) -> Self {
        Self { collection: database.collection(COLLECTION) }
    }

    /// Saves a new report `definition` by `user`, at `now`.
    ///
    /// # Errors
    /// When MongoDB fails.
    pub async fn create(
        &self,
        report_id: String,
        definition: ReportDefinition,
        user: &str,
        now: DateTime<Utc>,
    ) -> Result<SavedReport, StoreError> {
        let report = SavedReport {
            report_id,
            definition,
            revision: 1,
            created_at: now,
            created_by: user.to_owned(),
            updated_at: now,
            updated_by: user.to_owned(),
        };
        let Bson::Document(mut document) = to_bson(&report)? else {
            return Err(StoreError::Document("a report is not a document".to_owned()));
        };
        if let Some(id) = document.remove("report_id") {
            document.insert("_id", id);
        }
        self.collection.clone_with_type::<Document>().insert_one(document).await?;
        Ok(report)
    }

    /// Replaces the definition of report `report_id` by `user`, at `now`: the report as revised,
    /// or `None` when there is no such report.
    ///
    /// # Errors
    /// When MongoDB fails.
    pub async fn revise(
        &self,
        report_id: &str,
        definition: &ReportDefinition,
        user: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<SavedReport>, StoreError> {
        let (definition, updated_at) = (to_bson(definition)?, to_bson(&now)?);
        let update = doc! {
            "$set": { "definition": definition, "updated_at": updated_at, "updated_by": user },
            "$inc": { "revision": 1_i64 },
        };
        let options = FindOneAndUpdateOptions::builder().return_document(ReturnDocument::After).build();
        Ok(self.collection.find_one_and_update(doc! { "_id": report_id }, update).with_options(options).await?)
    }

    /// Removes report `report_id`: whether there was one.
    ///
    /// # Errors
    /// When MongoDB fails.
    pub async fn remove(&self, report_id: &str) -> Result<bool, StoreError> {
        Ok(self.collection.delete_one(doc! { "_id": report_id }).await?.deleted_count > 0)
    }

    /// Report `report_id`, if there is one.
    ///
    /// # Errors
    /// When MongoDB fails.
    pub async fn get(&self, report_id: &str) -> Result<Option<SavedReport>, StoreError> {
        Ok(self.collection.find_one(doc! { "_id": report_id }).await?)
    }

    /// Every report, by name.
    ///
    /// # Errors
    /// When MongoDB fails.
    pub async fn list(&self) -> Result<Vec<SavedReport>, StoreError> {
        self.find(doc! {}).await
    }

    /// The reports with a schedule, by name.
    ///
    /// # Errors
    /// When MongoDB fails.
    pub async fn scheduled(&self) -> Result<Vec<SavedReport>, StoreError> {
        self.find(doc! { "definition.schedule": { "$exists": true } }).await
    }

    async fn find(&self, filter: Document) -> Result<Vec<SavedReport>, StoreError> {
        let cursor = self.collection.find(filter).sort(doc! { "definition.name": 1, "_id": 1 }).await?;
        Ok(cursor.try_collect().await?)
    }
}

/// `value` as BSON.
fn to_bson<T: Serialize>(value: &T) -> Result<Bson, StoreError> {
    bson::to_bson(value).map_err(|error| StoreError::Document(error.to_string()))
}
