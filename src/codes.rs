//! Every `extensions.code` the server answers with, in one place. Nothing else spells a code:
//! error constructors, limits, HTTP refusals and metrics all name these constants, and the
//! unit tests below keep the list complete, distinct and documented in the README.

/// No token, or a token that does not verify (HTTP 401).
pub(crate) const UNAUTHENTICATED: &str = "UNAUTHENTICATED";
/// The token lacks a scope the field needs.
pub(crate) const FORBIDDEN: &str = "FORBIDDEN";
/// An id that does not exist in the viewer's company (another company's looks the same).
pub(crate) const NOT_FOUND: &str = "NOT_FOUND";
/// An argument or input the client can fix.
pub(crate) const BAD_USER_INPUT: &str = "BAD_USER_INPUT";
/// A request that cannot execute: malformed body, parse or validation failure, variables.
pub(crate) const BAD_REQUEST: &str = "BAD_REQUEST";
/// A write that lost a race with a concurrent one, or a delete that would orphan rows.
pub(crate) const CONFLICT: &str = "CONFLICT";
/// The database cannot be reached.
pub(crate) const SERVICE_UNAVAILABLE: &str = "SERVICE_UNAVAILABLE";
/// The company has as much database work running as it may; retry after `Retry-After`.
pub(crate) const OVERLOADED: &str = "OVERLOADED";
/// The request (or one statement) ran past its time and was cancelled.
pub(crate) const TIMEOUT: &str = "TIMEOUT";
/// A bug or an unexpected fault; the cause is logged with the request id, never sent.
pub(crate) const INTERNAL_SERVER_ERROR: &str = "INTERNAL_SERVER_ERROR";
/// Fields, selections or brackets of the document nest deeper than allowed.
pub(crate) const QUERY_TOO_DEEP: &str = "QUERY_TOO_DEEP";
/// The operation (or the batch) costs more than allowed.
pub(crate) const QUERY_TOO_COMPLEX: &str = "QUERY_TOO_COMPLEX";
/// More aliased fields than allowed.
pub(crate) const TOO_MANY_ALIASES: &str = "TOO_MANY_ALIASES";
/// More root fields than allowed.
pub(crate) const TOO_MANY_ROOT_FIELDS: &str = "TOO_MANY_ROOT_FIELDS";
/// More operations in one batch than allowed (HTTP 400).
pub(crate) const BATCH_TOO_LARGE: &str = "BATCH_TOO_LARGE";
/// A request body over the size limit (HTTP 413).
pub(crate) const PAYLOAD_TOO_LARGE: &str = "PAYLOAD_TOO_LARGE";
/// The response grew past the response-size limit while executing.
pub(crate) const RESPONSE_TOO_LARGE: &str = "RESPONSE_TOO_LARGE";
/// `__schema` or `__type` while introspection is off.
pub(crate) const INTROSPECTION_DISABLED: &str = "INTROSPECTION_DISABLED";

/// A subscription's `after` cursor points below what retention has kept: events it
/// missed are gone, so it cannot resume without a gap.
pub(crate) const CURSOR_EXPIRED: &str = "CURSOR_EXPIRED";
/// The connection or the company has as many open subscriptions as it may.
pub(crate) const TOO_MANY_SUBSCRIPTIONS: &str = "TOO_MANY_SUBSCRIPTIONS";
/// A subscriber read its events more slowly than they came and fell past its buffer; the
/// subscription ends, and resumes from its last cursor.
pub(crate) const SUBSCRIBER_TOO_SLOW: &str = "SUBSCRIBER_TOO_SLOW";

/// Every code above.
#[cfg(test)]
pub(crate) const ALL: [&str; 21] = [
    UNAUTHENTICATED,
    FORBIDDEN,
    NOT_FOUND,
    BAD_USER_INPUT,
    BAD_REQUEST,
    CONFLICT,
    SERVICE_UNAVAILABLE,
    OVERLOADED,
    TIMEOUT,
    INTERNAL_SERVER_ERROR,
    QUERY_TOO_DEEP,
    QUERY_TOO_COMPLEX,
    TOO_MANY_ALIASES,
    TOO_MANY_ROOT_FIELDS,
    BATCH_TOO_LARGE,
    PAYLOAD_TOO_LARGE,
    RESPONSE_TOO_LARGE,
    INTROSPECTION_DISABLED,
    CURSOR_EXPIRED,
    TOO_MANY_SUBSCRIPTIONS,
    SUBSCRIBER_TOO_SLOW,
];

#[cfg(test)]
mod tests {
    use super::ALL;
    use std::collections::HashSet;

    #[test]
    fn codes_are_distinct_screaming_case_names() {
        let distinct: HashSet<_> = ALL.iter().collect();
        assert_eq!(distinct.len(), ALL.len());
        for code in ALL {
            assert!(
                !code.is_empty()
                    && code.bytes().all(|b| b.is_ascii_uppercase() || b == b'_')
                    && !code.starts_with('_')
                    && !code.ends_with('_'),
                "{code}"
            );
        }
    }

    #[test]
    fn every_code_is_documented_in_the_readme() {
        let readme = include_str!("../README.md");
        let table = readme
            .split("### Error codes")
            .nth(1)
            .expect("the README has an `### Error codes` section");
        for code in ALL {
            assert!(
                table.contains(&format!("| `{code}` |")),
                "README's error codes table lacks {code}"
            );
        }
    }

    #[test]
    fn every_code_is_used_outside_this_module() {
        // A code nothing answers with is dead; the sources name each through `codes::`
        // (each constant is named as its value).
        let sources = [
            include_str!("error.rs"),
            include_str!("http/graphql.rs"),
            include_str!("graphql/limits.rs"),
        ]
        .concat();
        for code in ALL {
            assert!(
                sources.contains(&format!("codes::{code}")),
                "{code} is unused"
            );
        }
    }
}
