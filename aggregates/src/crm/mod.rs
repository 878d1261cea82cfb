//! CRM (Lens): the customers a business sells to and how it deals with them. Each part is its
//! own aggregate in a module of its own.

pub mod customer;
