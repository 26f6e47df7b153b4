//! Entities of other teams' subgraphs that our rows point at: this subgraph knows only their
//! ids, so each is a reference (`@key(fields: "id", resolvable: false)`) that the owning
//! subgraph extends through the gateway with everything else about it.
//!
//! They carry no GraphQL description (`//` comments, not `///`): the owning subgraph
//! describes its type, and a second, different description would be a composition hint
//! (INCONSISTENT_DESCRIPTION) and could replace the owner's in the supergraph.

use async_graphql::{ID, SimpleObject};
use uuid::Uuid;

// A marketing campaign. Owned by another subgraph; this one knows only its id.
#[derive(SimpleObject, Clone, Debug)]
#[graphql(unresolvable = "id")]
pub struct Campaign {
    // The campaign's id.
    pub id: ID,
}

// A listing (a product or a property) a conversation is about. Owned by another subgraph;
// this one knows only its id.
#[derive(SimpleObject, Clone, Debug)]
#[graphql(unresolvable = "id")]
pub struct Listing {
    // The listing's id.
    pub id: ID,
}

// A task a conversation is linked to. Owned by another subgraph; this one knows only its
// id.
#[derive(SimpleObject, Clone, Debug)]
#[graphql(unresolvable = "id")]
pub struct Task {
    // The task's id.
    pub id: ID,
}

// A session a conversation is linked to. Owned by another subgraph; this one knows only its
// id.
#[derive(SimpleObject, Clone, Debug)]
#[graphql(unresolvable = "id")]
pub struct Session {
    // The session's id.
    pub id: ID,
}

macro_rules! from_uuid {
    ($($ty:ident),+) => {
        $(impl From<Uuid> for $ty {
            fn from(id: Uuid) -> Self {
                $ty { id: super::id(id) }
            }
        })+
    };
}

from_uuid!(Campaign, Listing, Task, Session);
