//! Input objects: filters, orderings and ranges, each converted into the plain data the
//! services take. A malformed id is BAD_USER_INPUT naming the input path.

mod filters;
mod orders;
mod writes;

pub use filters::*;
pub use orders::*;
pub use writes::*;

use crate::error::AppError;
use async_graphql::ID;
use uuid::Uuid;

/// Parses an id given as input; `path` names the argument in the error.
pub fn parse_id(id: &ID, path: &str) -> Result<Uuid, AppError> {
    Uuid::parse_str(id).map_err(|_| AppError::BadInput(format!("`{path}` is not a valid id")))
}

/// Parses an optional id.
pub fn parse_opt_id(id: &Option<ID>, path: &str) -> Result<Option<Uuid>, AppError> {
    id.as_ref().map(|id| parse_id(id, path)).transpose()
}

/// The instants both databases store alike: years 1 to 9999 (PostgreSQL's timestamps end at
/// 4713 BC, SQLite's integers do not; RFC 3339 has four-digit years).
pub fn supported_time(t: &chrono::DateTime<chrono::Utc>) -> bool {
    use chrono::Datelike;
    (1..=9999).contains(&t.year())
}

/// The validator on every `DateTime` input field: outside `supported_time` is refused as
/// bad input (the same answer on both databases).
pub struct SupportedTime;

impl async_graphql::CustomValidator<crate::graphql::scalars::Timestamp> for SupportedTime {
    fn check(
        &self,
        value: &crate::graphql::scalars::Timestamp,
    ) -> Result<(), async_graphql::InputValueError<crate::graphql::scalars::Timestamp>> {
        if supported_time(&value.0) {
            Ok(())
        } else {
            Err(async_graphql::InputValueError::custom(
                "dates must fall in the years 1 to 9999",
            ))
        }
    }
}
