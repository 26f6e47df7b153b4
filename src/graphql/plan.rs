//! Read plans: what a list resolver reads in its own statement, decided from what the
//! query selected beneath it (async-graphql's look-ahead). A relation the plan loads is
//! handed to the nested resolver with its row; anything else the query asks for still
//! resolves through the loaders, so a plan changes how many statements run, never the
//! answer. `ReadPlan(false)` turns planning off (every relation through the loaders), for
//! comparing the two.

use crate::services::conversations::Joins;
use async_graphql::Context;

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
        count: look.field("totalCount").exists(),
    }
}
