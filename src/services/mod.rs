//! Reads and writes against SeaORM, for requests. Every statement about company data is
//! one of `tenancy`'s scoped statements (select, update, delete, sub-select), and every new
//! row gets its company from `tenancy::insert`; nothing here sees GraphQL.

pub mod calls;
pub mod contacts;
pub mod conversations;
pub mod directory;
pub mod events;
pub mod filters;
pub mod messages;
pub mod page;
pub mod search;
pub mod tenancy;
pub mod validate;
pub mod write;
pub mod writes;

/// The current time at the precision both databases store (microseconds), so a value
/// written and read back compares equal.
pub fn now() -> chrono::DateTime<chrono::Utc> {
    use chrono::{DurationRound, TimeDelta};
    chrono::Utc::now()
        .duration_trunc(TimeDelta::microseconds(1))
        .expect("truncating now to microseconds cannot overflow")
}

/// A client-given instant at the precision both databases store (microseconds), so that a
/// row's cursor and its stored sort key agree.
pub fn to_micros(t: chrono::DateTime<chrono::Utc>) -> chrono::DateTime<chrono::Utc> {
    use chrono::{DurationRound, TimeDelta};
    t.duration_trunc(TimeDelta::microseconds(1)).unwrap_or(t)
}
