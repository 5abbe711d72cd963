//! Bounded fan-out of platform calls: at most N in flight, results in input order.
//!
//! The platform's rate limiter decides the pace; overlapping calls only hides their latency.

use std::future::Future;
use std::sync::Arc;

use tokio::sync::Semaphore;
use tokio::task::JoinSet;

/// Run `call` on every input with at most `concurrency` in flight. A task that panics is logged
/// and its result left out: one bad reply must not take the whole round down.
pub async fn fan_out<I, T, F, Fut>(inputs: Vec<I>, concurrency: usize, call: F) -> Vec<T>
where
    I: Send + 'static,
    T: Send + 'static,
    F: Fn(I) -> Fut,
    Fut: Future<Output = T> + Send + 'static,
{
    let permits = Arc::new(Semaphore::new(concurrency.max(1)));
    let mut set = JoinSet::new();
    for (i, input) in inputs.into_iter().enumerate() {
        let permits = Arc::clone(&permits);
        let fut = call(input);
        set.spawn(async move {
            let _permit = permits.acquire_owned().await;
            (i, fut.await)
        });
    }
    let mut out: Vec<(usize, T)> = Vec::with_capacity(set.len());
    while let Some(joined) = set.join_next().await {
        match joined {
            Ok(pair) => out.push(pair),
            Err(e) => tracing::error!(error = %e, "A platform call task failed."),
        }
    }
    out.sort_by_key(|(i, _)| *i);
    out.into_iter().map(|(_, r)| r).collect()
}
