//! The sales pipeline and support tickets in the Postgres read model, in the tenant's schema
//! (see migration `0018_crm_pipeline`): `opportunities`, one row per opportunity with its stage,
//! amount and probability (and, once won, the sales order the win created, migration
//! `0021_opportunity_sales_orders`); `support_tickets`, one row per ticket with its due times and the
//! moments they are measured against; and `support_ticket_status_history`, one row per status a
//! ticket entered. A seed event inserts its row (a second insert does nothing); every later
//! event updates it only when its global position is past the row's `last_position`, and a
//! history row is keyed by its event's position, so applying an event twice changes nothing.

use chrono::{DateTime, NaiveDate, Utc};
use prism_aggregates::crm::opportunity::{OpportunityEvent, Stage};
use prism_aggregates::crm::support_ticket::SupportTicketEvent;
use prism_platform::envelope::EventEnvelope;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::projection::ProjectionError;

/// What one later opportunity event changes in its row.
#[derive(Default)]
struct OpportunityChange<'a> {
    stage: &'a str,
    probability: i32,
    won_on: Option<NaiveDate>,
    sales_order_id: Option<Uuid>,
    lost_reason: Option<&'a str>,
}

/// Applies one opportunity event with its `envelope`.
///
/// # Errors
/// When the opportunity id is not a UUID or the database refuses.
pub async fn apply_opportunity(
    tx: &mut PgConnection,
    schema: &str,
    event: &OpportunityEvent,
    envelope: &EventEnvelope,
) -> Result<(), ProjectionError> {
    let change = match event {
        OpportunityEvent::OpportunityOpened(opened) => {
            sqlx::query(&format!(
                "INSERT INTO {schema}.opportunities (opportunity_id, customer_id, title, owner, currency, amount_minor,
                                                     probability, stage, expected_close_date, opened_at, updated_at,
                                                     last_position)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11)
                 ON CONFLICT (opportunity_id) DO NOTHING"
            ))
            .bind(Uuid::parse_str(&opened.opportunity_id)?)
            .bind(&opened.customer_id)
            .bind(&opened.title)
            .bind(&opened.owner)
            .bind(&opened.currency)
            .bind(opened.amount_minor)
            .bind(opened.probability)
            .bind(&opened.stage)
            .bind(opened.expected_close_date)
            .bind(envelope.occurred_at)
            .bind(envelope.global_position)
            .execute(tx)
            .await?;
            return Ok(());
        }
        OpportunityEvent::OpportunityStageChanged(changed) => {
            OpportunityChange { stage: &changed.stage, probability: changed.probability, ..Default::default() }
        }
        OpportunityEvent::OpportunityWon(won) => OpportunityChange {
            stage: Stage::Won.as_str(),
            probability: i32::from(Stage::Won.default_probability()),
            won_on: Some(won.won_on),
            sales_order_id: won.sales_order.as_ref().map(|order| Uuid::parse_str(&order.order_id)).transpose()?,
            ..Default::default()
        },
        OpportunityEvent::OpportunityLost(lost) => OpportunityChange {
            stage: Stage::Lost.as_str(),
            probability: i32::from(Stage::Lost.default_probability()),
            lost_reason: Some(&lost.reason),
            ..Default::default()
        },
    };
    sqlx::query(&format!(
        "UPDATE {schema}.opportunities
            SET stage = $2, probability = $3, won_on = coalesce($4, won_on), lost_reason = coalesce($5, lost_reason),
                updated_at = $6, last_position = $7, sales_order_id = coalesce($8, sales_order_id)
          WHERE opportunity_id = $1 AND last_position < $7"
    ))
    .bind(Uuid::parse_str(&envelope.aggregate_id)?)
    .bind(change.stage)
    .bind(change.probability)
    .bind(change.won_on)
    .bind(change.lost_reason)
    .bind(envelope.occurred_at)
    .bind(envelope.global_position)
    .bind(change.sales_order_id)
    .execute(tx)
    .await?;
    Ok(())
}

/// What one later ticket event changes in its row; `None` leaves a column as it is.
#[derive(Default)]
struct TicketChange<'a> {
    /// The status after the event and when it was entered.
    status: Option<(&'a str, DateTime<Utc>)>,
    assignee: Option<&'a str>,
    /// A response or resolution: the first one sets `first_responded_at`.
    answered_at: Option<DateTime<Utc>>,
    resolved_at: Option<DateTime<Utc>>,
    closed_at: Option<DateTime<Utc>>,
    reopened: bool,
}

/// Applies one support ticket event with its `envelope`.
///
/// # Errors
/// When the ticket id is not a UUID or the database refuses.
pub async fn apply_ticket(
    tx: &mut PgConnection,
    schema: &str,
    event: &SupportTicketEvent,
    envelope: &EventEnvelope,
) -> Result<(), ProjectionError> {
    let ticket_id = Uuid::parse_str(&envelope.aggregate_id)?;
    let change = match event {
        SupportTicketEvent::TicketOpened(opened) => {
            sqlx::query(&format!(
                "INSERT INTO {schema}.support_tickets (ticket_id, customer_id, subject, priority, status, opened_at,
                                                       first_response_due_at, resolution_due_at, last_position)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                 ON CONFLICT (ticket_id) DO NOTHING"
            ))
            .bind(ticket_id)
            .bind(&opened.customer_id)
            .bind(&opened.subject)
            .bind(&opened.priority)
            .bind(&opened.status)
            .bind(opened.opened_at)
            .bind(opened.first_response_due_at)
            .bind(opened.resolution_due_at)
            .bind(envelope.global_position)
            .execute(&mut *tx)
            .await?;
            return record_status(tx, schema, ticket_id, envelope.global_position, &opened.status, opened.opened_at)
                .await;
        }
        SupportTicketEvent::TicketAssigned(assigned) => {
            TicketChange { assignee: Some(&assigned.assignee), ..Default::default() }
        }
        SupportTicketEvent::TicketResponded(responded) => TicketChange {
            status: Some((&responded.status, responded.responded_at)),
            answered_at: Some(responded.responded_at),
            ..Default::default()
        },
        SupportTicketEvent::TicketResolved(resolved) => TicketChange {
            status: Some((&resolved.status, resolved.resolved_at)),
            answered_at: Some(resolved.resolved_at),
            resolved_at: Some(resolved.resolved_at),
            ..Default::default()
        },
        SupportTicketEvent::TicketClosed(closed) => TicketChange {
            status: Some((&closed.status, closed.closed_at)),
            closed_at: Some(closed.closed_at),
            ..Default::default()
        },
        SupportTicketEvent::TicketReopened(reopened) => TicketChange {
            status: Some((&reopened.status, reopened.reopened_at)),
            reopened: true,
            ..Default::default()
        },
    };
    // The status before the update, when the update applies (not a redelivery).
    let before: Option<String> = sqlx::query_scalar(&format!(
        "WITH before AS (SELECT status FROM {schema}.support_tickets WHERE ticket_id = $1 AND last_position < $2 FOR UPDATE)
         UPDATE {schema}.support_tickets t
            SET status = coalesce($3, t.status), assignee = coalesce($4, t.assignee),
                first_responded_at = coalesce(t.first_responded_at, $5),
                resolved_at = CASE WHEN $8 THEN NULL ELSE coalesce($6, t.resolved_at) END,
                closed_at = coalesce($7, t.closed_at), last_position = $2
           FROM before
          WHERE t.ticket_id = $1 AND t.last_position < $2
      RETURNING before.status"
    ))
    .bind(ticket_id)
    .bind(envelope.global_position)
    .bind(change.status.map(|(status, _)| status))
    .bind(change.assignee)
    .bind(change.answered_at)
    .bind(change.resolved_at)
    .bind(change.closed_at)
    .bind(change.reopened)
    .fetch_optional(&mut *tx)
    .await?;
    match (before, change.status) {
        (Some(before), Some((status, at))) if before != status => {
            record_status(tx, schema, ticket_id, envelope.global_position, status, at).await
        }
        _ => Ok(()),
    }
}

/// Adds `status`, entered at `at` by the event at `position`, to the ticket's history.
async fn record_status(
    tx: &mut PgConnection,
    schema: &str,
    ticket_id: Uuid,
    position: i64,
    status: &str,
    at: DateTime<Utc>,
) -> Result<(), ProjectionError> {
    sqlx::query(&format!(
        "INSERT INTO {schema}.support_ticket_status_history (ticket_id, position, status, changed_at)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (ticket_id, position) DO NOTHING"
    ))
    .bind(ticket_id)
    .bind(position)
    .bind(status)
    .bind(at)
    .execute(tx)
    .await?;
    Ok(())
}
