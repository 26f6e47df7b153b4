//! Connection arguments and cursors. `PageRequest::parse` holds the rules once (default 20,
//! at most 100, `first` xor `last`, cursors checked against their ordering) before any SQL.

use crate::error::AppError;
use crate::services::page::{Keyset, Position};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use uuid::Uuid;

pub const DEFAULT_PAGE_SIZE: i32 = 20;
pub const MAX_PAGE_SIZE: i32 = 100;

/// A sort key that can travel inside a cursor.
pub trait CursorKey: Sized {
    fn encode_key(&self) -> String;
    fn decode_key(s: &str) -> Option<Self>;
}

impl CursorKey for DateTime<Utc> {
    fn encode_key(&self) -> String {
        self.timestamp_micros().to_string()
    }
    fn decode_key(s: &str) -> Option<Self> {
        DateTime::from_timestamp_micros(s.parse().ok()?)
    }
}

/// An opaque cursor: base64url of `ordering|key|id`. The ordering name makes a cursor of
/// one ordering unusable with another.
pub fn encode_cursor<K: CursorKey>(ordering: &str, pos: &Position<K>) -> String {
    URL_SAFE_NO_PAD.encode(format!("{ordering}|{}|{}", pos.key.encode_key(), pos.id))
}

pub fn decode_cursor<K: CursorKey>(
    ordering: &str,
    cursor: &str,
    arg: &str,
) -> Result<Position<K>, AppError> {
    let invalid = || AppError::BadInput(format!("`{arg}` is not a valid cursor for this list"));
    let raw = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| invalid())?;
    let text = String::from_utf8(raw).map_err(|_| invalid())?;
    let mut parts = text.splitn(3, '|');
    let (Some(o), Some(k), Some(id)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(invalid());
    };
    if o != ordering {
        return Err(AppError::BadInput(format!(
            "`{arg}` was issued for another ordering of this list"
        )));
    }
    Ok(Position {
        key: K::decode_key(k).ok_or_else(invalid)?,
        id: Uuid::parse_str(id).map_err(|_| invalid())?,
    })
}

/// Validated connection arguments.
pub struct PageRequest;

impl PageRequest {
    pub fn parse<K: CursorKey>(
        ordering: &str,
        first: Option<i32>,
        after: Option<&str>,
        last: Option<i32>,
        before: Option<&str>,
    ) -> Result<Keyset<K>, AppError> {
        let size = |n: i32, arg: &str| -> Result<u64, AppError> {
            if !(0..=MAX_PAGE_SIZE).contains(&n) {
                return Err(AppError::BadInput(format!(
                    "`{arg}` must be between 0 and {MAX_PAGE_SIZE}, got {n}"
                )));
            }
            Ok(n as u64)
        };
        let (limit, from_end) = match (first, last) {
            (Some(_), Some(_)) => {
                return Err(AppError::BadInput(
                    "pass either `first` or `last`, not both".into(),
                ));
            }
            (Some(n), None) => (size(n, "first")?, false),
            (None, Some(n)) => (size(n, "last")?, true),
            (None, None) => (DEFAULT_PAGE_SIZE as u64, false),
        };
        Ok(Keyset {
            limit,
            after: after
                .map(|c| decode_cursor(ordering, c, "after"))
                .transpose()?,
            before: before
                .map(|c| decode_cursor(ordering, c, "before"))
                .transpose()?,
            from_end,
        })
    }
}
