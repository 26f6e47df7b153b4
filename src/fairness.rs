//! Fair sharing between companies. All companies share one database pool; without a
//! ceiling, one company's burst of requests takes every connection and the others wait or
//! fail. Here each company may have at most `max_company_concurrency` requests executing
//! at once; its further requests wait their turn, at most `company_queue_timeout`, and at
//! most `WAITING_PER_TURN` times as many as may run. Past either, a request is refused as
//! OVERLOADED with `Retry-After`, which says "this company is busy", never "the database
//! is down" (that stays SERVICE_UNAVAILABLE), and other companies are not affected.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use uuid::Uuid;

/// How many requests of one company may wait, per request it may run.
pub const WAITING_PER_TURN: usize = 16;

/// The turns of every company seen so far (companies are few and known: a company id
/// comes only from a verified token).
pub struct Fairness {
    per_company: usize,
    queue_timeout: Duration,
    lanes: Mutex<HashMap<Uuid, Arc<Lane>>>,
}

struct Lane {
    turns: Arc<Semaphore>,
    waiting: AtomicUsize,
}

/// A company's turn to execute; the next waiting request gets it when this is dropped.
pub struct Turn(#[allow(dead_code)] OwnedSemaphorePermit);

/// The company has as many requests running, and waiting, as it may.
#[derive(Debug, PartialEq, Eq)]
pub struct Overloaded {
    /// When a retry may find a turn.
    pub retry_after: Duration,
}

impl Fairness {
    pub fn new(per_company: usize, queue_timeout: Duration) -> Self {
        Fairness {
            per_company: per_company.max(1),
            queue_timeout,
            lanes: Mutex::new(HashMap::new()),
        }
    }

    /// Waits for `company`'s turn, or says it is overloaded.
    pub async fn turn(&self, company: Uuid) -> Result<Turn, Overloaded> {
        let lane = {
            let mut lanes = self.lanes.lock().unwrap_or_else(|e| e.into_inner());
            lanes
                .entry(company)
                .or_insert_with(|| {
                    Arc::new(Lane {
                        turns: Arc::new(Semaphore::new(self.per_company)),
                        waiting: AtomicUsize::new(0),
                    })
                })
                .clone()
        };
        if let Ok(permit) = lane.turns.clone().try_acquire_owned() {
            return Ok(Turn(permit));
        }
        let overloaded = Overloaded {
            retry_after: Duration::from_secs(1),
        };
        let max_waiting = self.per_company.saturating_mul(WAITING_PER_TURN);
        // Counted out when the wait ends however it ends: a client that hangs up drops its
        // request while it waits, and a count left behind would refuse the company for good.
        let waiting = Waiting::enter(&lane.waiting);
        if waiting.before >= max_waiting {
            return Err(overloaded);
        }
        let waited =
            tokio::time::timeout(self.queue_timeout, lane.turns.clone().acquire_owned()).await;
        match waited {
            Ok(Ok(permit)) => Ok(Turn(permit)),
            _ => Err(overloaded),
        }
    }
}

/// One request counted among its company's waiting ones for as long as this lives.
struct Waiting<'a> {
    count: &'a AtomicUsize,
    /// How many were waiting before this one.
    before: usize,
}

impl<'a> Waiting<'a> {
    fn enter(count: &'a AtomicUsize) -> Self {
        let before = count.fetch_add(1, Ordering::AcqRel);
        Waiting { count, before }
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.count.fetch_sub(1, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_company_gets_its_turns_and_waits_for_more() {
        let fairness = Fairness::new(2, Duration::from_millis(50));
        let (acme, globex) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let a = fairness.turn(acme).await.unwrap();
        let _b = fairness.turn(acme).await.unwrap();
        // The third waits, then is refused...
        assert!(fairness.turn(acme).await.is_err());
        // ...while another company is not affected.
        let _c = fairness.turn(globex).await.unwrap();
        // A turn given back goes to the next waiting request.
        let waiting = fairness.turn(acme);
        drop(a);
        assert!(waiting.await.is_ok());
    }

    /// As many requests of `company` as may wait, each waiting in a task of its own; each
    /// task tells whether its request got a turn.
    fn fill_queue(fairness: &Arc<Fairness>, company: Uuid) -> Vec<tokio::task::JoinHandle<bool>> {
        (0..WAITING_PER_TURN)
            .map(|_| {
                let fairness = fairness.clone();
                tokio::spawn(async move { fairness.turn(company).await.is_ok() })
            })
            .collect()
    }

    #[tokio::test]
    async fn a_request_dropped_while_waiting_leaves_no_trace() {
        let fairness = Arc::new(Fairness::new(1, Duration::from_secs(60)));
        let acme = Uuid::from_u128(1);
        let running = fairness.turn(acme).await.unwrap();
        // Many more than may wait, each given up (its client hung up) while waiting.
        for _ in 0..10 * WAITING_PER_TURN {
            let gave_up = tokio::time::timeout(Duration::from_millis(1), fairness.turn(acme)).await;
            assert!(gave_up.is_err(), "it was waiting");
        }
        // The queue is as empty as before: a full queue's worth may wait again.
        let mut waiting = fill_queue(&fairness, acme);
        tokio::time::sleep(Duration::from_millis(50)).await;
        drop(running);
        for w in waiting.drain(..1) {
            assert!(w.await.unwrap(), "the first waiting request got the turn");
        }
        for w in waiting {
            w.abort();
        }
    }

    #[tokio::test]
    async fn at_most_so_many_wait() {
        let fairness = Arc::new(Fairness::new(1, Duration::from_secs(60)));
        let acme = Uuid::from_u128(1);
        let _running = fairness.turn(acme).await.unwrap();
        let waiting = fill_queue(&fairness, acme);
        tokio::time::sleep(Duration::from_millis(50)).await;
        // The queue is full: the next one is refused at once, not after 60 s.
        let refused = tokio::time::timeout(Duration::from_secs(1), fairness.turn(acme)).await;
        assert!(matches!(refused, Ok(Err(_))));
        for w in waiting {
            w.abort();
        }
    }
}
