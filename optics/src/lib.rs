//! Optics, Prism's BI: a tenant saves report definitions — a source, the measures and
//! dimensions to show, filters and a sort — as documents in MongoDB ([`store`]); a definition is
//! checked against the source catalogue ([`catalogue`], [`definition`]) and executed against the
//! read models with a row and a time limit ([`execute`]) into a [`table::ReportTable`], which the
//! query API answers as JSON or exports ([`export`]) to CSV, XLSX or PDF. A definition may carry
//! a schedule ([`schedule`]): the notification service runs it when due and emails the file.

pub mod catalogue;
pub mod definition;
pub mod execute;
pub mod export;
pub mod schedule;
pub mod store;
pub mod table;
