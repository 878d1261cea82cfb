//! The opportunity aggregate's state: an [`Opportunity`] holds its deal once opened, its
//! getters read it, [`Opportunity::decide`] checks a command against it and returns the events
//! to record, and `apply` folds them. No I/O, no clock: the day it is won comes with `Win`.

use chrono::NaiveDate;
use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use serde::{Deserialize, Serialize};

use super::commands::{
    LoseOpportunity, MoveOpportunity, OpenOpportunity, OpportunityCommand, WinOpportunity, WinSalesOrder,
};
use super::errors::OpportunityError;
use super::events::{
    OpportunityEvent, OpportunityLost, OpportunityOpened, OpportunityStageChanged, OpportunityWon, WonSalesOrder,
};
use super::stage::Stage;
use crate::crm::input::{check_field, MAX_ID_CHARS, MAX_REASON_CHARS, MAX_TITLE_CHARS};
use crate::money::Currency;
use crate::supply::sales_order::{PlaceOrder, SalesOrder, SalesOrderCommand, SalesOrderError, SalesOrderEvent};

/// State of one opportunity, folded from its events.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Opportunity {
    deal: Option<Deal>,
}

/// An opportunity once opened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Deal {
    opportunity_id: String,
    customer_id: String,
    amount_minor: i64,
    currency: String,
    expected_close_date: NaiveDate,
    probability: u8,
    /// Every stage it has been in, oldest first; the last is the current one.
    stages: Vec<Stage>,
    /// The sales order its win created, if any.
    #[serde(default)]
    sales_order_id: Option<String>,
}

impl Opportunity {
    /// The stage it is in; `None` before it is opened.
    #[must_use]
    pub fn stage(&self) -> Option<Stage> {
        self.deal.as_ref().and_then(|deal| deal.stages.last().copied())
    }

    /// Every stage it has been in, oldest first, starting with `lead`.
    #[must_use]
    pub fn stage_history(&self) -> &[Stage] {
        self.deal.as_ref().map_or(&[], |deal| deal.stages.as_slice())
    }

    /// Its probability in percent; `None` before it is opened.
    #[must_use]
    pub fn probability(&self) -> Option<u8> {
        self.deal.as_ref().map(|deal| deal.probability)
    }

    /// Id of its customer; `None` before it is opened.
    #[must_use]
    pub fn customer_id(&self) -> Option<&str> {
        self.deal.as_ref().map(|deal| deal.customer_id.as_str())
    }

    /// ISO-4217 code of its amount, which a sales order its win creates is priced in; `None`
    /// before it is opened.
    #[must_use]
    pub fn currency(&self) -> Option<&str> {
        self.deal.as_ref().map(|deal| deal.currency.as_str())
    }

    /// Id of the sales order its win created; `None` unless won with one.
    #[must_use]
    pub fn sales_order_id(&self) -> Option<&str> {
        self.deal.as_ref().and_then(|deal| deal.sales_order_id.as_deref())
    }

    /// Its amount in minor units; `None` before it is opened.
    #[must_use]
    pub fn amount_minor(&self) -> Option<i64> {
        self.deal.as_ref().map(|deal| deal.amount_minor)
    }

    /// When the sale is expected to close; `None` before it is opened.
    #[must_use]
    pub fn expected_close_date(&self) -> Option<NaiveDate> {
        self.deal.as_ref().map(|deal| deal.expected_close_date)
    }

    /// What `command` records given this state.
    ///
    /// # Errors
    /// Why the command is refused; nothing is recorded then.
    pub fn decide(&self, command: OpportunityCommand) -> Result<Vec<OpportunityEvent>, OpportunityError> {
        let Some(deal) = &self.deal else {
            return match command {
                OpportunityCommand::Open(open) => Ok(vec![opened(open)?]),
                _ => Err(OpportunityError::NotFound),
            };
        };
        let stage = deal.current();
        let event = match command {
            OpportunityCommand::Open(_) => return Err(OpportunityError::AlreadyExists),
            _ if stage.is_final() => return Err(OpportunityError::Closed { stage }),
            OpportunityCommand::Move(moved) => deal.moved(moved)?,
            OpportunityCommand::Win(WinOpportunity { won_on, sales_order }) => {
                OpportunityEvent::OpportunityWon(OpportunityWon {
                    opportunity_id: deal.opportunity_id.clone(),
                    customer_id: deal.customer_id.clone(),
                    amount_minor: deal.amount_minor,
                    currency: deal.currency.clone(),
                    won_on,
                    from_stage: stage.as_str().to_owned(),
                    sales_order: sales_order.map(|order| deal.sales_order(order)).transpose()?,
                })
            }
            OpportunityCommand::Lose(LoseOpportunity { reason }) => {
                check_field("reason", &reason, MAX_REASON_CHARS)?;
                OpportunityEvent::OpportunityLost(OpportunityLost {
                    opportunity_id: deal.opportunity_id.clone(),
                    reason,
                    from_stage: stage.as_str().to_owned(),
                })
            }
        };
        Ok(vec![event])
    }
}

/// The `OpportunityOpened` an `Open` records, once its inputs pass.
fn opened(open: OpenOpportunity) -> Result<OpportunityEvent, OpportunityError> {
    check_field("customer_id", &open.customer_id, MAX_ID_CHARS)?;
    check_field("title", &open.title, MAX_TITLE_CHARS)?;
    if open.amount_minor < 0 {
        return Err(OpportunityError::NegativeAmount { amount_minor: open.amount_minor });
    }
    let currency = Currency::parse(&open.currency).map_err(|reason| OpportunityError::InvalidCurrency { reason })?;
    check_field("owner", &open.owner, MAX_ID_CHARS)?;
    let probability = probability_in(Stage::Lead, open.probability)?;
    Ok(OpportunityEvent::OpportunityOpened(OpportunityOpened {
        opportunity_id: open.opportunity_id.to_string(),
        customer_id: open.customer_id,
        title: open.title,
        amount_minor: open.amount_minor,
        currency: currency.as_str().to_owned(),
        expected_close_date: open.expected_close_date,
        owner: open.owner,
        stage: Stage::Lead.as_str().to_owned(),
        probability: i32::from(probability),
    }))
}

/// The probability given, checked to be 0–100, or the default of `stage`.
fn probability_in(stage: Stage, given: Option<i64>) -> Result<u8, OpportunityError> {
    match given {
        None => Ok(stage.default_probability()),
        Some(probability) => match u8::try_from(probability) {
            Ok(percent) if percent <= 100 => Ok(percent),
            _ => Err(OpportunityError::InvalidProbability { probability }),
        },
    }
}

impl Deal {
    /// The order a win creates: `order` placed for this deal's customer in its currency, as
    /// the sales order aggregate decides it (so its refusals are the order's own).
    fn sales_order(&self, order: WinSalesOrder) -> Result<WonSalesOrder, OpportunityError> {
        let place = PlaceOrder {
            order_id: order.order_id,
            customer_id: self.customer_id.clone(),
            customer_name: order.customer_name,
            currency: self.currency.clone(),
            ship_from: order.ship_from,
            lines: order.lines,
        };
        let events =
            SalesOrder::default().decide(SalesOrderCommand::Place(place)).map_err(OpportunityError::SalesOrder)?;
        let placed = events.into_iter().find_map(|event| match event {
            SalesOrderEvent::OrderPlaced(placed) => Some(placed),
            _ => None,
        });
        debug_assert!(placed.is_some(), "placing an order records OrderPlaced");
        let placed = placed.ok_or(OpportunityError::SalesOrder(SalesOrderError::AlreadyExists))?;
        Ok(WonSalesOrder {
            order_id: placed.order_id,
            customer_name: placed.customer_name,
            ship_from: placed.ship_from,
            lines: placed.lines,
            total_minor: placed.total_minor,
        })
    }

    /// The stage it is in.
    fn current(&self) -> Stage {
        self.stages.last().copied().unwrap_or(Stage::Lead)
    }

    /// The `OpportunityStageChanged` a `Move` records.
    fn moved(&self, moved: MoveOpportunity) -> Result<OpportunityEvent, OpportunityError> {
        let stage = Stage::parse(&moved.stage).ok_or(OpportunityError::UnknownStage { stage: moved.stage })?;
        if stage.is_final() {
            return Err(OpportunityError::FinalStage { stage });
        }
        let probability = probability_in(stage, moved.probability)?;
        let from = self.current();
        if from == stage && probability == self.probability {
            return Err(OpportunityError::AlreadyInStage { stage });
        }
        Ok(OpportunityEvent::OpportunityStageChanged(OpportunityStageChanged {
            opportunity_id: self.opportunity_id.clone(),
            from_stage: from.as_str().to_owned(),
            stage: stage.as_str().to_owned(),
            probability: i32::from(probability),
        }))
    }

    /// Enters `stage` with `probability` (a stage it is in already is not repeated).
    fn enter(&mut self, stage: Stage, probability: i32) {
        debug_assert!((0..=100).contains(&probability), "probability {probability} out of range");
        self.probability = u8::try_from(probability).unwrap_or_default();
        if self.stages.last() != Some(&stage) {
            self.stages.push(stage);
        }
    }
}

/// The stage named in an event, which `decide` only ever writes valid.
fn stage_of(name: &str) -> Stage {
    let stage = Stage::parse(name);
    debug_assert!(stage.is_some(), "unknown stage {name:?} in an opportunity event");
    stage.unwrap_or(Stage::Lead)
}

impl Aggregate for Opportunity {
    const TYPE: &'static str = "crm.opportunity";
    type Command = OpportunityCommand;
    type Event = OpportunityEvent;
    type Error = OpportunityError;
    type Services = ();

    async fn handle(&mut self, command: Self::Command, _: &(), sink: &EventSink<Self>) -> Result<(), Self::Error> {
        for event in self.decide(command)? {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        use OpportunityEvent as E;
        if let E::OpportunityOpened(opened) = event {
            debug_assert!(self.deal.is_none(), "opportunity {} opened twice", opened.opportunity_id);
            let mut deal = Deal {
                opportunity_id: opened.opportunity_id,
                customer_id: opened.customer_id,
                amount_minor: opened.amount_minor,
                currency: opened.currency,
                expected_close_date: opened.expected_close_date,
                probability: 0,
                stages: Vec::new(),
                sales_order_id: None,
            };
            deal.enter(stage_of(&opened.stage), opened.probability);
            self.deal = Some(deal);
            return;
        }
        debug_assert!(self.deal.is_some(), "opportunity event before OpportunityOpened");
        let Some(deal) = self.deal.as_mut() else { return };
        match event {
            E::OpportunityOpened(_) => {}
            E::OpportunityStageChanged(changed) => deal.enter(stage_of(&changed.stage), changed.probability),
            E::OpportunityWon(won) => {
                deal.enter(Stage::Won, i32::from(Stage::Won.default_probability()));
                deal.sales_order_id = won.sales_order.map(|order| order.order_id);
            }
            E::OpportunityLost(_) => deal.enter(Stage::Lost, i32::from(Stage::Lost.default_probability())),
        }
    }
}
