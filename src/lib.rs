//! conversations-graph: a GraphQL API (Apollo Federation v2 subgraph) over the customer
//! conversations of many companies. `app()` is the whole HTTP application; the binary and
//! the tests both serve it.

pub mod auth;
pub mod cli;
pub(crate) mod codes;
pub mod config;
pub mod db;
pub mod error;
pub mod fairness;
pub mod graphql;
pub mod http;
pub mod live;
pub mod metrics;
pub mod seed;
pub mod services;

pub use http::{AppState, app};
