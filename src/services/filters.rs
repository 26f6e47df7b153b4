//! Pieces shared by the filters of every list: ranges, case-insensitive substrings, digits.

use chrono::{DateTime, Utc};
use sea_orm::Condition;
use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr, SimpleExpr};

/// A time range: `from` inclusive, `to` exclusive; either end may be open.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct TimeRange {
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

impl TimeRange {
    pub fn condition(&self, col: Expr) -> Condition {
        let mut c = Condition::all().add(col.clone().is_not_null());
        if let Some(from) = self.from {
            c = c.add(col.clone().gte(from));
        }
        if let Some(to) = self.to {
            c = c.add(col.lt(to));
        }
        c
    }
}

/// A condition that never holds (an empty `or`).
pub fn never() -> SimpleExpr {
    Expr::value(1).eq(0)
}

/// `LIKE` pattern for "contains `needle`", with `%`, `_` and `\` taken literally.
pub fn contains_pattern(needle: &str) -> LikeExpr {
    let mut escaped = String::with_capacity(needle.len() + 2);
    escaped.push('%');
    for ch in needle.chars() {
        if matches!(ch, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(ch);
    }
    escaped.push('%');
    LikeExpr::new(escaped).escape('\\')
}

/// The folded column `folded` (a shadow column written with `entity::text::fold`) contains
/// `needle` folded: the API's one case-insensitive match. The database compares plain
/// strings (neither side has an upper-case ASCII letter, so SQLite's ASCII-folding `LIKE`
/// is exact too).
pub fn contains_folded(folded: Expr, needle: &str) -> SimpleExpr {
    folded.like(contains_pattern(&entity::text::fold(needle)))
}

/// The folded column `folded` equals `value` folded.
pub fn equals_folded(folded: Expr, value: &str) -> SimpleExpr {
    folded.eq(entity::text::fold(value))
}

/// The digits of a phone number as SQL: the punctuation people type, removed.
pub fn phone_digits_sql(col: Expr) -> Expr {
    let mut expr: Expr = col;
    for ch in [" ", "+", "(", ")", "-", ".", "/"] {
        expr = Func::cust("REPLACE")
            .args([expr, Expr::value(ch), Expr::value("")])
            .into();
    }
    expr
}

/// The phone's digits contain `digits` (already reduced to digits).
pub fn phone_contains(col: Expr, digits: &str) -> SimpleExpr {
    phone_digits_sql(col).like(contains_pattern(digits))
}

/// Only the ASCII digits of `s`.
pub fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

/// Rows where `condition` does not hold, including rows where it is unknown because a
/// column is null: `NOT` alone would drop those (`NOT (source = 'WIDGET')` is not true for
/// a null source), while a client asking for "not X" means every row X does not match.
pub fn complement(condition: sea_orm::Condition) -> SimpleExpr {
    Expr::from(condition).is_not(Expr::Constant(true.into()))
}
