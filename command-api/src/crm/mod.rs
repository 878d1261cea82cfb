//! CRM (Lens) over REST: the customers ([`customers`]) and the credit check a sales order for
//! a registered customer passes before it is stored ([`credit_check`]).

pub mod credit_check;
pub mod customers;
