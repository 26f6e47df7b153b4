//! What one HTTP request may still produce while it executes: a byte budget for the
//! response, shared by the operations of a batch, and the watchdog's cancellation.
//!
//! The complexity limit bounds how many fields an operation resolves, but not how large
//! they are: a page of messages of 10,000 characters and 16 KiB of metadata each, nested
//! twice, is a few hundred megabytes within the limit. Every field whose size the client
//! does not bound (text and JSON) charges its bytes here as it resolves; past the budget
//! it fails with RESPONSE_TOO_LARGE, the rest of the execution fails fast, and the handler
//! answers one RESPONSE_TOO_LARGE error instead of the partial response. The serialized
//! response is measured again before it is sent.

use crate::error::AppError;
use async_graphql::Context;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// One request's response budget; cheap to share.
#[derive(Debug)]
pub struct Budget {
    max_bytes: usize,
    used: AtomicUsize,
    exceeded: AtomicBool,
    cancelled: AtomicBool,
}

impl Budget {
    pub fn new(max_bytes: usize) -> Self {
        Budget {
            max_bytes,
            used: AtomicUsize::new(0),
            exceeded: AtomicBool::new(false),
            cancelled: AtomicBool::new(false),
        }
    }

    /// Counts `bytes` more of response; refuses once the total passes the budget, or once
    /// the request was cancelled.
    pub fn charge(&self, bytes: usize) -> Result<(), AppError> {
        if self.cancelled.load(Ordering::Relaxed) {
            return Err(AppError::Cancelled);
        }
        let before = self
            .used
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |u| {
                Some(u.saturating_add(bytes))
            })
            .unwrap_or_else(|u| u);
        let used = before.saturating_add(bytes);
        if used > self.max_bytes {
            self.exceeded.store(true, Ordering::Relaxed);
            return Err(AppError::ResponseTooLarge(self.max_bytes));
        }
        Ok(())
    }

    /// Whether any charge went past the budget.
    pub fn exceeded(&self) -> bool {
        self.exceeded.load(Ordering::Relaxed)
    }

    /// The limit, in bytes.
    pub fn max_bytes(&self) -> usize {
        self.max_bytes
    }

    /// Makes every further charge fail: the watchdog calls it when the request times out,
    /// so an execution that is still running stops at its next large field.
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::Relaxed);
    }
}

/// Charges `bytes` to the request's budget (resolvers of text and JSON fields call it).
/// Outside an HTTP request (the schema printed by `schema`) there is no budget to charge.
///
/// It is also where execution yields: a large response is made of many such fields, and
/// resolving them never waits on anything once the rows are loaded. Without a yield, an
/// execution busy for seconds holds its worker thread, and when every worker is so held
/// nothing polls the watchdog's timer (the timeout fired only when the work was done) and
/// an aborted task runs on to its end. `consume_budget` yields once the task has used its
/// scheduling budget, so the cost is a counter decrement per field.
pub(crate) async fn charge(ctx: &Context<'_>, bytes: usize) -> Result<(), AppError> {
    tokio::task::coop::consume_budget().await;
    match ctx.data_opt::<std::sync::Arc<Budget>>() {
        Some(budget) => budget.charge(bytes),
        None => Ok(()),
    }
}

/// The bytes of `value` as compact JSON, counted without serializing it; iterative, so a
/// deeply nested value cannot overflow the stack.
pub(crate) fn json_size(value: &serde_json::Value) -> usize {
    let mut size = 0usize;
    let mut stack = vec![value];
    while let Some(v) = stack.pop() {
        size = size.saturating_add(match v {
            serde_json::Value::Null => 4,
            serde_json::Value::Bool(_) => 5,
            serde_json::Value::Number(_) => 8,
            serde_json::Value::String(s) => s.len() + 2,
            serde_json::Value::Array(items) => {
                stack.extend(items);
                2 + items.len()
            }
            serde_json::Value::Object(map) => {
                stack.extend(map.values());
                2 + map.keys().map(|k| k.len() + 4).sum::<usize>()
            }
        });
    }
    size
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charges_add_up_to_the_budget_and_not_past_it() {
        let budget = Budget::new(100);
        assert!(budget.charge(60).is_ok());
        assert!(budget.charge(40).is_ok());
        assert!(!budget.exceeded());
        assert!(matches!(
            budget.charge(1),
            Err(AppError::ResponseTooLarge(100))
        ));
        assert!(budget.exceeded());
        // Saturates instead of wrapping.
        assert!(budget.charge(usize::MAX).is_err());
    }

    #[test]
    fn a_cancelled_budget_refuses_everything() {
        let budget = Budget::new(usize::MAX);
        budget.cancel();
        assert!(matches!(budget.charge(0), Err(AppError::Cancelled)));
        assert!(!budget.exceeded());
    }
}
