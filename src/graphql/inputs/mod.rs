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
