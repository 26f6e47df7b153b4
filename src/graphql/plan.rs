//! Read plans: what a list resolver reads in its own statement, decided from what the
//! query selected beneath it (async-graphql's look-ahead). A relation the plan loads is
//! handed to the nested resolver with its row; anything else the query asks for still
//! resolves through the loaders, so a plan changes how many statements run, never the
//! answer. `ReadPlan(false)` turns planning off (every relation through the loaders), for
//! comparing the two.

use crate::graphql::inputs::{CallOrder, MessageOrder};
use crate::graphql::pagination::{PageArgs, PageRequest};
use crate::services::conversations::Joins;
use crate::services::{calls, messages};
use async_graphql::{Context, InputType, Lookahead, Value};

/// Whether list resolvers plan their reads from the selection (on unless configured off).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadPlan(pub bool);

impl Default for ReadPlan {
    fn default() -> Self {
        ReadPlan(true)
    }
}

fn enabled(ctx: &Context<'_>) -> bool {
    ctx.data_opt::<ReadPlan>().copied().unwrap_or_default().0
}

/// The to-one relations to join into a conversation connection's page statement (those
/// selected on its `nodes` or `edges { node }`, through fragments too), and whether it
/// counts the matches too (`totalCount` selected). A field that a directive then
/// skips costs a join and nothing else.
///
/// The first `calls` and the first `messages` selected on the rows are read for all rows
/// in one more statement each, with that field's arguments; a row's resolver uses the page
/// only when its own arguments give the same order and window (another alias with other
/// arguments goes through the loaders), and arguments that do not parse plan nothing
/// (the resolver reports them).
pub fn conversation_joins(ctx: &Context<'_>) -> Joins {
    if !enabled(ctx) {
        return Joins::default();
    }
    let look = ctx.look_ahead();
    let rows = [look.field("nodes"), look.field("edges").field("node")];
    let has = |name: &str| rows.iter().any(|r| r.field(name).exists());
    Joins {
        contact: has("contact"),
        inbox: has("inbox"),
        agent: has("agent"),
        assignee: has("assignee"),
        seen_by: has("seenBy"),
        last_message: has("lastMessage"),
        last_message_bodies: message_bodies(rows.iter().map(|r| r.field("lastMessage")).collect()),
        message_bodies: message_bodies(
            rows.iter()
                .flat_map(|r| nodes_of(r.field("messages")))
                .collect(),
        ),
        call_bodies: calls::Bodies {
            summary: rows
                .iter()
                .flat_map(|r| nodes_of(r.field("calls")))
                .any(|call| call.field("summary").exists()),
        },
        count: look.field("totalCount").exists(),
        calls: child_page::<CallOrder>(&rows, "calls").and_then(|(args, order_by)| {
            let order = calls::Order::from(order_by);
            Some((order, PageRequest::parse(&order.name(), &args).ok()?))
        }),
        messages: child_page::<MessageOrder>(&rows, "messages").and_then(|(args, order_by)| {
            let order = messages::Order::from(order_by);
            Some((order, PageRequest::parse(&order.name(), &args).ok()?))
        }),
    }
}

/// Whether a `searchMessages` page reads each hit's conversation in its own statement: when
/// the message's `conversation` or `contact` is selected on the hits (`nodes` or
/// `edges { node }`).
pub fn search_joins_conversation(ctx: &Context<'_>) -> bool {
    if !enabled(ctx) {
        return false;
    }
    let look = ctx.look_ahead();
    [look.field("nodes"), look.field("edges").field("node")]
        .iter()
        .map(|hit| hit.field("message"))
        .any(|m| m.field("conversation").exists() || m.field("contact").exists())
}

/// The rows of a connection field: its `nodes` and its `edges { node }`.
fn nodes_of(connection: Lookahead<'_>) -> [Lookahead<'_>; 2] {
    [
        connection.field("nodes"),
        connection.field("edges").field("node"),
    ]
}

/// The unbounded columns of messages that a selection of them reads.
fn message_bodies(messages: Vec<Lookahead<'_>>) -> messages::Bodies {
    messages::Bodies {
        content: messages.iter().any(|m| m.field("content").exists()),
        metadata: messages.iter().any(|m| m.field("metadata").exists()),
    }
}

/// The connection arguments and `orderBy` of the first `name` field selected on `rows`,
/// with variables substituted.
fn child_page<O: InputType>(rows: &[Lookahead<'_>], name: &str) -> Option<(PageArgs, Option<O>)> {
    let field = rows
        .iter()
        .flat_map(|r| r.field(name).selection_fields())
        .next()?;
    let args = field.arguments().ok()?;
    let arg = |n: &str| -> Option<Value> {
        args.iter()
            .find(|(k, _)| k.as_str() == n)
            .map(|(_, v)| v.clone())
    };
    fn parse<T: InputType>(value: Option<Value>) -> Option<T> {
        T::parse(value).ok()
    }
    let page = PageArgs {
        first: parse(arg("first"))?,
        after: parse(arg("after"))?,
        last: parse(arg("last"))?,
        before: parse(arg("before"))?,
    };
    Some((page, parse(arg("orderBy"))?))
}
