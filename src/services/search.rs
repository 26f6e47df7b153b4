//! Message search: the folded content contains the folded query (`entity::text`: full
//! Unicode case folding and NFC, no accent folding), served by an index on the folded
//! column: pg_trgm on PostgreSQL, FTS5 trigram on SQLite. Queries shorter than a trigram
//! cannot use either index and fall back to a scan of the company's messages, which stays
//! exact.

use super::filters::{TimeRange, contains_pattern};
use super::messages;
use super::page::{self, Keyset, Page};
use super::tenancy::{Scoped, joined, scoped, scoped_sub_select};
use crate::auth::Viewer;
use crate::error::AppError;
use entity::message::{Column, Entity, Model};
use entity::{Channel, Direction, conversation};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, SimpleExpr};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, DbBackend, FromQueryResult};
use std::sync::Arc;
use uuid::Uuid;

pub const MAX_QUERY_CHARS: usize = 200;
pub const MAX_PAGE: i32 = 50;
pub const ORDERING: &str = "search:sent_at:desc";

/// Narrows a search; set fields combine with AND.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub conversation_id: Option<Uuid>,
    pub contact_id: Option<Uuid>,
    pub inbox_id: Option<Uuid>,
    pub channel: Option<Channel>,
    pub direction: Option<Direction>,
    pub sent_at: Option<TimeRange>,
}

/// Checks a query: not blank (nothing but white space), at most 200 characters.
pub fn check_query(query: &str) -> Result<(), AppError> {
    super::validate::search_text(query, "query", MAX_QUERY_CHARS)
}

/// The condition "the folded content contains the folded query" (`entity::text::fold` on
/// both sides; the databases compare plain strings, so they agree).
fn matches(backend: DbBackend, query: &str) -> SimpleExpr {
    let folded = entity::text::fold(query);
    let content = Expr::col((Entity, Column::ContentFolded));
    match backend {
        // `LIKE '%…%'`, served by the trigram index on the folded column.
        DbBackend::Postgres => content.like(contains_pattern(&folded)),
        _ if folded.chars().count() >= 3 => {
            // An FTS5 phrase over the folded column: quoted, inner quotes doubled, so no
            // character is syntax.
            let phrase = format!("\"{}\"", folded.replace('"', "\"\""));
            Expr::cust_with_values(
                "\"messages\".\"rowid\" IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?)",
                [phrase],
            )
        }
        // Too short for trigrams: a scan of the company's messages.
        _ => Expr::cust_with_values("instr(\"messages\".\"content_folded\", ?) > 0", [folded]),
    }
}

fn searched(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    query: &str,
    filter: &Filter,
) -> Scoped<Entity> {
    let mut select = scoped::<Entity>(viewer).filter(matches(db.get_database_backend(), query));
    if let Some(id) = filter.conversation_id {
        select = select.filter(Column::ConversationId.eq(id));
    }
    let mut of_conversations = Condition::all();
    if let Some(id) = filter.contact_id {
        of_conversations = of_conversations.add(conversation::Column::ContactId.eq(id));
    }
    if let Some(id) = filter.inbox_id {
        of_conversations = of_conversations.add(conversation::Column::InboxId.eq(id));
    }
    if !of_conversations.is_empty() {
        let ids =
            scoped_sub_select::<conversation::Entity>(viewer, Expr::col(conversation::Column::Id))
                .cond_where(of_conversations);
        select = select.filter(Column::ConversationId.in_subquery(ids.into_statement()));
    }
    if let Some(channel) = filter.channel {
        select = select.filter(effective_channel_is(viewer, channel));
    }
    if let Some(direction) = filter.direction {
        select = select.filter(Column::Direction.eq(direction));
    }
    if let Some(range) = &filter.sent_at {
        select = select.filter(range.condition(Expr::col((Entity, Column::SentAt))));
    }
    select
}

/// A message's channel is its own, or else its conversation's: "the message's channel is
/// `channel`".
fn effective_channel_is(viewer: &Viewer, channel: Channel) -> Condition {
    let of_channel =
        scoped_sub_select::<conversation::Entity>(viewer, Expr::col(conversation::Column::Id))
            .and_where(conversation::Column::Channel.eq(channel))
            .into_statement();
    Condition::any().add(Column::Channel.eq(channel)).add(
        Condition::all()
            .add(Column::Channel.is_null())
            .add(Column::ConversationId.in_subquery(of_channel)),
    )
}

/// A hit: the message, and its conversation when the search brought it along.
pub type Hit = (Model, Option<Arc<conversation::Model>>);

/// A page of hits, newest first; with `with_conversation`, on PostgreSQL, each message's
/// conversation is read in the same statement (a LEFT JOIN by key, scoped as every join;
/// the hits then carry it). SQLite would join every match before sorting them (a common
/// word: thousands of lookups for 10 hits, measured 25% slower), so there the loaders read
/// the conversations of the page afterwards.
pub async fn search(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    query: &str,
    filter: &Filter,
    window: &Keyset,
    with_conversation: bool,
) -> Result<Page<Hit>, AppError> {
    let sort = messages::Order::default().sort();
    let mut select = searched(db, viewer, query, filter);
    let with_conversation = with_conversation && db.get_database_backend() == DbBackend::Postgres;
    if with_conversation {
        let on = Expr::col((Alias::new("cv"), conversation::Column::Id))
            .eq(Expr::col((Entity, Column::ConversationId)));
        select = select.left_join::<conversation::Entity>(viewer, "cv", on);
    }
    page::page_rows(db, select, &sort, window, |row| {
        let conversation = if with_conversation {
            joined::<conversation::Entity>(row, "cv")?.map(Arc::new)
        } else {
            None
        };
        Ok((Model::from_query_result(row, "")?, conversation))
    })
    .await
}

/// How many messages match in all.
pub async fn count(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    query: &str,
    filter: &Filter,
) -> Result<u64, AppError> {
    Ok(searched(db, viewer, query, filter).count(db).await?)
}

/// The part of a message shown with a hit, and where the query occurs in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snippet {
    pub text: String,
    /// (start, length) in characters of `text`.
    pub highlights: Vec<(usize, usize)>,
}

/// Characters kept before the first match, and in all.
const BEFORE: usize = 40;
const WIDTH: usize = 160;
const ELLIPSIS: char = '\u{2026}';

/// The content around the first match: up to 40 characters before it and 160 in all (more
/// when the match itself is longer), with "…" where text was cut, and every occurrence of
/// the folded query inside marked (`entity::text::occurrences`: the same rule as the match,
/// so every hit has a highlight).
pub fn snippet(content: &str, query: &str) -> Snippet {
    let chars: Vec<char> = content.chars().collect();
    let found = entity::text::occurrences(content, &entity::text::fold(query));
    let first = found.first().cloned().unwrap_or(0..0);
    let start = first.start.saturating_sub(BEFORE);
    let end = (start + WIDTH).max(first.end).min(chars.len());
    let lead = usize::from(start > 0);
    let mut text = String::new();
    if start > 0 {
        text.push(ELLIPSIS);
    }
    text.extend(&chars[start..end]);
    if end < chars.len() {
        text.push(ELLIPSIS);
    }
    let highlights = found
        .into_iter()
        .filter(|at| at.start >= start && at.end <= end)
        .map(|at| (at.start - start + lead, at.end - at.start))
        .collect();
    Snippet { text, highlights }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_cut_and_mark() {
        let s = snippet("Hello Apartment", "apart");
        assert_eq!(s.text, "Hello Apartment");
        assert_eq!(s.highlights, vec![(6, 5)]);
        let long = format!("{}needle{}", "x".repeat(100), "y".repeat(300));
        let s = snippet(&long, "NEEDLE");
        assert!(s.text.starts_with('…') && s.text.ends_with('…'));
        assert_eq!(s.text.chars().count(), 162);
        assert_eq!(s.highlights, vec![(41, 6)]);
    }
}
