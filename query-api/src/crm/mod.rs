//! CRM (Lens) reads: the customer list and search, each customer's MongoDB document and the
//! customer 360 ([`customers`]).

pub mod customers;
