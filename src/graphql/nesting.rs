//! The first check of every document: how deep its brackets nest, measured on the text
//! before anything parses it.
//!
//! async-graphql's parser (pest) descends recursively into every selection set, list and
//! object value, several kilobytes of stack per level; a few hundred levels of
//! `{and: [{and: [...]}]}`, `[[[...]]]` or nested `_Any` objects overflow a worker's stack,
//! which aborts the whole process (Rust cannot unwind a stack overflow). Its own limit (64)
//! applies to selections only, and only after pest has already recursed. So the text is
//! scanned once, iteratively, and refused with `QUERY_TOO_DEEP` past the limits below.
//!
//! Selection sets are the braces outside parentheses; values (arguments, variable
//! defaults and types, directive arguments) are the brackets inside them, since parentheses
//! do not nest in GraphQL. Strings, block strings and comments are skipped.

use super::limits::refusal;
use crate::codes;
use async_graphql::ServerError;

/// Deepest selection nesting the parser accepts (its own fixed limit), and so ours.
pub(crate) const MAX_SELECTION_NESTING: usize = 64;

/// Deepest nesting of lists and input objects in a value (or of list types) in the text.
/// Filters nest at most 8 `and`/`or`/`not` levels (16 brackets), and message metadata is
/// free-form JSON; 64 leaves room for both while keeping the parser's recursion shallow.
pub(crate) const MAX_VALUE_NESTING: usize = 64;

/// Refuses `query` if its selections nest deeper than `max_selections` or its values
/// deeper than `MAX_VALUE_NESTING`. Linear in the text, with constant memory.
pub(crate) fn check(query: &str, max_selections: usize) -> Result<(), ServerError> {
    let max_selections = max_selections.min(MAX_SELECTION_NESTING);
    let bytes = query.as_bytes();
    let (mut selections, mut values, mut in_parens) = (0usize, 0usize, false);
    let (mut deepest_selections, mut deepest_values) = (0usize, 0usize);
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' && bytes[i] != b'\r' {
                    i += 1;
                }
            }
            b'"' if bytes[i..].starts_with(b"\"\"\"") => {
                i += 3;
                // A block string ends at `"""` that is not escaped as `\"""`.
                while i < bytes.len() && !bytes[i..].starts_with(b"\"\"\"") {
                    i += if bytes[i..].starts_with(b"\\\"\"\"") {
                        4
                    } else {
                        1
                    };
                }
                i += 2;
            }
            b'"' => {
                i += 1;
                // A string ends at an unescaped `"`, or (unterminated, which the parser
                // reports) at the end of the line.
                while i < bytes.len() && !matches!(bytes[i], b'"' | b'\n' | b'\r') {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'(' => {
                in_parens = true;
                values = 0;
            }
            b')' => {
                in_parens = false;
                values = 0;
            }
            b'{' | b'[' if in_parens => {
                values += 1;
                deepest_values = deepest_values.max(values);
            }
            b'}' | b']' if in_parens => values = values.saturating_sub(1),
            b'{' => {
                selections += 1;
                deepest_selections = deepest_selections.max(selections);
            }
            b'}' => selections = selections.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    if deepest_selections > max_selections {
        return Err(too_deep(
            "selection sets",
            max_selections,
            deepest_selections,
        ));
    }
    if deepest_values > MAX_VALUE_NESTING {
        return Err(too_deep(
            "values (lists and input objects)",
            MAX_VALUE_NESTING,
            deepest_values,
        ));
    }
    Ok(())
}

fn too_deep(what: &str, limit: usize, actual: usize) -> ServerError {
    refusal(
        codes::QUERY_TOO_DEEP,
        format!("the document nests {what} {actual} deep, and at most {limit} is allowed"),
        Some((limit as u64, actual as u64)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nested(open: &str, middle: &str, close: &str, n: usize) -> String {
        format!("{}{middle}{}", open.repeat(n), close.repeat(n))
    }

    #[test]
    fn selections_are_counted_outside_parentheses() {
        let deep = |n| nested("{ a ", "b", "}", n);
        assert!(check(&deep(64), 64).is_ok());
        let err = check(&deep(65), 64).unwrap_err();
        assert!(
            err.message.contains("selection sets 65 deep"),
            "{}",
            err.message
        );
        assert!(check(&deep(13), 12).is_err());
        // The parser's own limit caps a larger setting.
        assert!(check(&deep(65), 1000).is_err());
    }

    #[test]
    fn values_are_counted_inside_parentheses() {
        let filter = |n| {
            format!(
                "{{ conversations(filter: {}) {{ totalCount }} }}",
                nested("{and: [", "{}", "]}", n)
            )
        };
        // 31 levels of `{and: [` around `{}` are 63 brackets; 32 are 65.
        assert!(check(&filter(31), 64).is_ok());
        assert!(check(&filter(32), 64).is_err());
        let list = |n| format!("{{ a(ids: {}) }}", nested("[", "1", "]", n));
        assert!(check(&list(64), 64).is_ok());
        let err = check(&list(100_000), 64).unwrap_err();
        assert!(err.message.contains("values"), "{}", err.message);
        // Nested list types and defaults in variable definitions are values too.
        let types = format!("query($v: {}) {{ a }}", nested("[", "Int", "]", 70));
        assert!(check(&types, 64).is_err());
        // Each argument list starts again: many shallow values are fine.
        let many = "{ a(x: [[1]]) b(y: {z: {w: 1}}) }".repeat(1000);
        assert!(check(&format!("{{ {many} }}"), 64).is_ok());
    }

    #[test]
    fn strings_and_comments_do_not_count() {
        let brackets = "{".repeat(10_000);
        assert!(check(&format!("{{ a(s: \"{brackets}\") }}"), 64).is_ok());
        assert!(check(&format!("{{ a(s: \"\\\"{brackets}\") }}"), 64).is_ok());
        assert!(
            check(
                &format!("{{ a(s: \"\"\"{brackets}\\\"\"\"{brackets}\"\"\") }}"),
                64
            )
            .is_ok()
        );
        assert!(check(&format!("{{ a # {brackets}\n }}"), 64).is_ok());
        // An unterminated string ends at the line's end; what follows counts again.
        assert!(check(&format!("{{ a(s: \"x\n{brackets}"), 64).is_err());
    }

    #[test]
    fn closing_more_than_was_opened_is_left_to_the_parser() {
        assert!(check("}}}]]]))) { a }", 64).is_ok());
    }
}
