//! Keyset pagination in plain data: which slice of an ordered list a caller wants, and
//! what came back. The GraphQL layer turns cursors into `Keyset` and `Page` into edges.

use uuid::Uuid;

/// A position in an ordering: the sort key of a row and its id (the tie breaker).
#[derive(Debug, Clone, PartialEq)]
pub struct Position<K> {
    pub key: K,
    pub id: Uuid,
}

/// The slice wanted: at most `limit` rows strictly after `after` and strictly before
/// `before`, taken from the start of that window, or from its end when `from_end`.
#[derive(Debug, Clone)]
pub struct Keyset<K> {
    pub limit: u64,
    pub after: Option<Position<K>>,
    pub before: Option<Position<K>>,
    pub from_end: bool,
}

/// Rows in list order, and whether rows exist beyond each end of the slice.
#[derive(Debug)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub has_previous: bool,
    pub has_next: bool,
}

impl<K> Keyset<K> {
    /// Cuts a result fetched with `limit + 1` rows (in the fetch direction) into a page.
    pub fn finish<T>(&self, mut rows: Vec<T>) -> Page<T> {
        let more = rows.len() as u64 > self.limit;
        rows.truncate(self.limit as usize);
        if self.from_end {
            rows.reverse();
            Page {
                items: rows,
                has_previous: more,
                has_next: self.before.is_some(),
            }
        } else {
            Page {
                items: rows,
                has_previous: self.after.is_some(),
                has_next: more,
            }
        }
    }
}
