//! Connection arguments and cursors. `PageRequest::parse` holds the rules once (default 20,
//! at most 100, `first` xor `last`, cursors checked against their ordering) before any SQL.

use super::connection::{Connection, Edge, PageInfo};
use super::types::ListTotal;
use crate::error::AppError;
use crate::services::page::{Keyset, Page, Position, Sort, SortValue};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::DateTime;
use std::sync::Arc;
use uuid::Uuid;

pub const DEFAULT_PAGE_SIZE: i32 = 20;
pub const MAX_PAGE_SIZE: i32 = 100;

/// An opaque cursor: base64url of `ordering|id|key`. The ordering name makes a cursor of
/// one list or ordering unusable with another.
pub fn encode_cursor(ordering: &str, pos: &Position) -> String {
    let key = match &pos.key {
        SortValue::Null => "n".to_owned(),
        SortValue::Time(t) => format!("t{}", t.timestamp_micros()),
        SortValue::Int(i) => format!("i{i}"),
        SortValue::Text(s) => format!("s{s}"),
    };
    URL_SAFE_NO_PAD.encode(format!("{ordering}|{}|{key}", pos.id))
}

pub fn decode_cursor(ordering: &str, cursor: &str, arg: &str) -> Result<Position, AppError> {
    let invalid = || AppError::BadInput(format!("`{arg}` is not a valid cursor for this list"));
    let raw = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| invalid())?;
    let text = String::from_utf8(raw).map_err(|_| invalid())?;
    let mut parts = text.splitn(3, '|');
    let (Some(o), Some(id), Some(key)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(invalid());
    };
    if o != ordering {
        return Err(AppError::BadInput(format!(
            "`{arg}` was issued for another list or ordering"
        )));
    }
    let key = match key.split_at_checked(1) {
        Some(("n", "")) => SortValue::Null,
        Some(("t", micros)) => SortValue::Time(
            micros
                .parse()
                .ok()
                .and_then(DateTime::from_timestamp_micros)
                .filter(crate::graphql::inputs::supported_time)
                .ok_or_else(invalid)?,
        ),
        Some(("i", n)) => SortValue::Int(n.parse().map_err(|_| invalid())?),
        Some(("s", s)) if !s.chars().any(char::is_control) => SortValue::Text(s.to_owned()),
        _ => return Err(invalid()),
    };
    Ok(Position {
        key,
        id: Uuid::parse_str(id).map_err(|_| invalid())?,
    })
}

/// Connection arguments as one value.
#[derive(Debug, Clone, Default)]
pub struct PageArgs {
    pub first: Option<i32>,
    pub after: Option<String>,
    pub last: Option<i32>,
    pub before: Option<String>,
}

/// Validated connection arguments.
pub struct PageRequest;

impl PageRequest {
    pub fn parse(ordering: &str, args: &PageArgs) -> Result<Keyset, AppError> {
        let size = |n: i32, arg: &str| -> Result<u64, AppError> {
            if !(0..=MAX_PAGE_SIZE).contains(&n) {
                return Err(AppError::BadInput(format!(
                    "`{arg}` must be between 0 and {MAX_PAGE_SIZE}, got {n}"
                )));
            }
            Ok(n as u64)
        };
        let (limit, from_end) = match (args.first, args.last) {
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
            after: args
                .after
                .as_deref()
                .map(|c| decode_cursor(ordering, c, "after"))
                .transpose()?,
            before: args
                .before
                .as_deref()
                .map(|c| decode_cursor(ordering, c, "before"))
                .transpose()?,
            from_end,
        })
    }
}

/// A Relay connection from a page: each edge's cursor is its row's position.
/// A page of rows shared rather than owned: what the loaders hand out, so the parents
/// that ask for the same page share its rows instead of each getting a copy.
pub fn shared<M>(page: Page<M>) -> Page<Arc<M>> {
    page.map(Arc::new)
}

pub fn connection<M, N>(
    page: Page<Arc<M>>,
    ordering: &str,
    sort: &Sort<M>,
    id_of: fn(&M) -> Uuid,
    wrap: fn(Arc<M>) -> N,
    total: ListTotal,
) -> Connection<N> {
    connection_of(page, ordering, sort, |r| r, id_of, wrap, total)
}

/// Like `connection`, for pages whose items carry more than their row (`row_of` finds it):
/// a row with the relations its statement brought along, say.
pub fn connection_of<R, M, N>(
    page: Page<R>,
    ordering: &str,
    sort: &Sort<M>,
    row_of: fn(&R) -> &M,
    id_of: fn(&M) -> Uuid,
    wrap: fn(R) -> N,
    total: ListTotal,
) -> Connection<N> {
    let position = |item: &R| {
        let row = row_of(item);
        sort.position(row, id_of(row))
    };
    connection_of_positions(page, ordering, position, wrap, total)
}

/// Like `connection`, for items that know their own position (a merged list).
pub fn connection_of_positions<R, N>(
    page: Page<R>,
    ordering: &str,
    position: impl Fn(&R) -> Position,
    wrap: fn(R) -> N,
    total: ListTotal,
) -> Connection<N> {
    let edges: Vec<Edge<N>> = page
        .items
        .into_iter()
        .map(|item| Edge {
            cursor: encode_cursor(ordering, &position(&item)),
            node: wrap(item),
        })
        .collect();
    Connection {
        page_info: PageInfo {
            has_next_page: page.has_next,
            has_previous_page: page.has_previous,
            start_cursor: edges.first().map(|e| e.cursor.clone()),
            end_cursor: edges.last().map(|e| e.cursor.clone()),
        },
        edges,
        total,
    }
}

/// The complexity of a connection field: 1, plus its selection times the page size asked
/// for (`first` or `last`, else `default`; out-of-range sizes count as the maximum and are
/// then refused by the field itself with a clearer message).
pub fn connection_cost(first: Option<i32>, last: Option<i32>, default: i32, child: usize) -> usize {
    let size = match (first, last) {
        (None, None) => default,
        (first, last) => first.unwrap_or(0).max(last.unwrap_or(0)),
    };
    let size = size.clamp(0, MAX_PAGE_SIZE) as usize;
    1usize.saturating_add(size.saturating_mul(child))
}
