//! Redelivered CRM events change nothing: applying an opportunity's and a ticket's whole
//! history again — one by one in reverse, then in one batch — leaves the opportunity row, the
//! ticket row and the ticket's status history as they were. Runs against the real Postgres.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

mod common;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use common::{delivered, pool, tenant};
use cqrs_es::{Aggregate, DomainEvent as _};
use prism_aggregates::crm::opportunity::{
    Opportunity, OpportunityEvent, OpportunityLost, OpportunityOpened, OpportunityStageChanged,
};
use prism_aggregates::crm::support_ticket::{
    SupportTicket, SupportTicketEvent, TicketAssigned, TicketClosed, TicketOpened, TicketReopened, TicketResolved,
    TicketResponded,
};
use prism_projections::decode::{DomainEvent, ProjectedEvent};
use prism_projections::projection::Projection;
use prism_projections::projectors::postgres::LedgerProjection;
use sqlx::PgPool;
use uuid::Uuid;

fn at(hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, hour, 0, 0).unwrap()
}

/// An opportunity opened, moved to proposal and lost.
fn opportunity_history(tenant: &str) -> Vec<ProjectedEvent> {
    let id = Uuid::now_v7().to_string();
    let events = vec![
        OpportunityEvent::OpportunityOpened(OpportunityOpened {
            opportunity_id: id.clone(),
            customer_id: "C-1".into(),
            title: "Widgets".into(),
            amount_minor: 50_000,
            currency: "EUR".into(),
            expected_close_date: NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
            owner: "u-1".into(),
            stage: "lead".into(),
            probability: 10,
        }),
        OpportunityEvent::OpportunityStageChanged(OpportunityStageChanged {
            opportunity_id: id.clone(),
            from_stage: "lead".into(),
            stage: "proposal".into(),
            probability: 50,
        }),
        OpportunityEvent::OpportunityLost(OpportunityLost {
            opportunity_id: id.clone(),
            reason: "price".into(),
            from_stage: "proposal".into(),
        }),
    ];
    let events = events.into_iter().map(|e| (e.event_type(), DomainEvent::Opportunity(e))).collect();
    delivered(tenant, Opportunity::TYPE, &id, 0, events)
}

/// A ticket opened, assigned, answered, resolved, reopened, resolved and closed.
fn ticket_history(tenant: &str) -> Vec<ProjectedEvent> {
    let id = Uuid::now_v7().to_string();
    let ticket_id = || id.clone();
    let resolved = |hour| {
        SupportTicketEvent::TicketResolved(TicketResolved {
            ticket_id: ticket_id(),
            resolution: "fixed".into(),
            resolved_at: at(hour),
            status: "resolved".into(),
        })
    };
    let events = vec![
        SupportTicketEvent::TicketOpened(TicketOpened {
            ticket_id: ticket_id(),
            customer_id: "C-1".into(),
            subject: "Help".into(),
            priority: "urgent".into(),
            opened_at: at(8),
            first_response_due_at: at(9),
            resolution_due_at: at(12),
            status: "open".into(),
        }),
        SupportTicketEvent::TicketAssigned(TicketAssigned {
            ticket_id: ticket_id(),
            assignee: "agent-1".into(),
            previous_assignee: None,
            assigned_at: at(9),
        }),
        SupportTicketEvent::TicketResponded(TicketResponded {
            ticket_id: ticket_id(),
            message: "on it".into(),
            responded_at: at(10),
            first_response: true,
            status: "in_progress".into(),
        }),
        resolved(11),
        SupportTicketEvent::TicketReopened(TicketReopened {
            ticket_id: ticket_id(),
            reason: "again".into(),
            reopened_at: at(13),
            status: "in_progress".into(),
        }),
        resolved(14),
        SupportTicketEvent::TicketClosed(TicketClosed {
            ticket_id: ticket_id(),
            closed_at: at(15),
            status: "closed".into(),
        }),
    ];
    let events = events.into_iter().map(|e| (e.event_type(), DomainEvent::SupportTicket(e))).collect();
    delivered(tenant, SupportTicket::TYPE, &id, 10, events)
}

/// The rows the read model holds for the opportunity and the ticket, as JSON.
async fn rows(pool: &PgPool, tenant: &str, opportunity: &str, ticket: &str) -> serde_json::Value {
    sqlx::query_scalar(&format!(
        "SELECT jsonb_build_array(
             (SELECT to_jsonb(o) FROM tenant_{tenant}.opportunities o WHERE opportunity_id = $1::uuid),
             (SELECT to_jsonb(t) FROM tenant_{tenant}.support_tickets t WHERE ticket_id = $2::uuid),
             (SELECT jsonb_agg(to_jsonb(h) ORDER BY h.position)
                FROM tenant_{tenant}.support_ticket_status_history h WHERE ticket_id = $2::uuid))"
    ))
    .bind(opportunity)
    .bind(ticket)
    .fetch_one(pool)
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn redelivered_crm_events_change_nothing_in_postgres() {
    let (pool, tenant) = (pool().await, tenant("crm"));
    let projection = LedgerProjection::new(pool.clone());
    let (opportunity, ticket) = (opportunity_history(&tenant), ticket_history(&tenant));
    let ids = (opportunity[0].envelope.aggregate_id.clone(), ticket[0].envelope.aggregate_id.clone());
    for event in opportunity.iter().chain(&ticket) {
        projection.apply(event).await.unwrap();
    }
    let once = rows(&pool, &tenant, &ids.0, &ids.1).await;
    assert_eq!(once[0]["stage"], "lost");
    assert_eq!(once[0]["probability"], 0);
    assert_eq!(once[1]["status"], "closed");
    assert_eq!(once[1]["first_responded_at"], "2026-11-26T10:00:00+00:00");
    let history: Vec<&str> = once[2].as_array().unwrap().iter().map(|h| h["status"].as_str().unwrap()).collect();
    assert_eq!(history, ["open", "in_progress", "resolved", "in_progress", "resolved", "closed"]);

    for event in opportunity.iter().chain(&ticket).rev() {
        projection.apply(event).await.unwrap();
    }
    projection.apply_batch(&[opportunity.clone(), ticket.clone()].concat()).await.unwrap();
    assert_eq!(rows(&pool, &tenant, &ids.0, &ids.1).await, once);
}
