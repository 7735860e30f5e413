//! Work spread over the machine's cores, its results taken in order.
//!
//! Loading validates files side by side, and the long reports render
//! chunks of rows side by side; both hand each result on in the order of
//! the input, and only a few results wait at any time, so memory holds a
//! window of the work, never all of it.

use std::collections::BTreeMap;
use std::sync::{Condvar, Mutex, PoisonError};

/// How many results may wait, per core, for the one before them.
const WINDOW_PER_CORE: usize = 4;

/// Runs `work` on every item on all cores and gives each result to
/// `consume` in the items' order. An error from `consume` stops the work
/// and is returned. A panic in `work` or in `consume` stops every thread
/// and goes on as the caller's panic: a bug ends the run, never hangs it.
pub fn in_order<T, R, E>(
    items: Vec<T>,
    work: impl Fn(T) -> R + Sync,
    mut consume: impl FnMut(R) -> Result<(), E>,
) -> Result<(), E>
where
    T: Send,
    R: Send,
{
    let count = items.len();
    let cores = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(count);
    if cores <= 1 {
        return items.into_iter().try_for_each(|item| consume(work(item)));
    }
    let window = cores * WINDOW_PER_CORE;
    let state = Mutex::new(State {
        queue: items.into_iter().enumerate(),
        taken: 0,
        consumed: 0,
        done: BTreeMap::new(),
        stopped: false,
        panicked: false,
    });
    let changed = Condvar::new();
    let lock = || state.lock().unwrap_or_else(PoisonError::into_inner);
    std::thread::scope(|scope| {
        for _ in 0..cores {
            scope.spawn(|| {
                // A panic in `work` stops the others, and wakes the
                // consumer, which would otherwise wait for its result.
                let _stop = StopOnPanic(&state, &changed);
                loop {
                    let mut s = lock();
                    while !s.stopped && s.taken >= s.consumed + window {
                        s = changed.wait(s).unwrap_or_else(PoisonError::into_inner);
                    }
                    let next = if s.stopped { None } else { s.queue.next() };
                    let Some((index, item)) = next else {
                        return;
                    };
                    s.taken += 1;
                    drop(s);
                    let result = work(item);
                    lock().done.insert(index, result);
                    changed.notify_all();
                }
            });
        }
        // A panic in `consume` stops the workers, which would otherwise
        // wait for room in the window; the scope then raises it again.
        let _stop = StopOnPanic(&state, &changed);
        let mut outcome = Ok(());
        for index in 0..count {
            let mut s = lock();
            let result = loop {
                if let Some(result) = s.done.remove(&index) {
                    break Some(result);
                }
                if s.panicked {
                    // The scope raises the worker's panic once all have
                    // stopped.
                    break None;
                }
                s = changed.wait(s).unwrap_or_else(PoisonError::into_inner);
            };
            let Some(result) = result else {
                drop(s);
                break;
            };
            s.consumed += 1;
            drop(s);
            changed.notify_all();
            if let Err(e) = consume(result) {
                outcome = Err(e);
                break;
            }
        }
        lock().stopped = true;
        changed.notify_all();
        outcome
    })
}

struct State<I, R> {
    queue: I,
    /// Items handed to a worker so far.
    taken: usize,
    /// Results handed on so far.
    consumed: usize,
    /// Results waiting for the ones before them.
    done: BTreeMap<usize, R>,
    /// The consumer gave up: workers take no more.
    stopped: bool,
    /// A thread panicked: every other stops.
    panicked: bool,
}

/// Stops the work when the thread holding it unwinds from a panic.
struct StopOnPanic<'a, I, R>(&'a Mutex<State<I, R>>, &'a Condvar);

impl<I, R> Drop for StopOnPanic<'_, I, R> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            let mut s = self.0.lock().unwrap_or_else(PoisonError::into_inner);
            s.stopped = true;
            s.panicked = true;
            drop(s);
            self.1.notify_all();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_in_order() {
        let mut seen = Vec::new();
        let outcome: Result<(), ()> = in_order(
            (0..1000).collect(),
            |n: u64| {
                // Uneven work, so results finish out of order.
                (0..(n % 7) * 1000).fold(n, |a, b| a.wrapping_add(b % 3))
                    - (0..(n % 7) * 1000).fold(0, |a, b| a + b % 3)
            },
            |n| {
                seen.push(n);
                Ok(())
            },
        );
        assert!(outcome.is_ok());
        assert_eq!(seen, (0..1000).collect::<Vec<_>>());
    }

    #[test]
    fn an_error_stops_the_work() {
        let mut seen = 0;
        let outcome = in_order(
            (0..10_000).collect(),
            |n: u32| n,
            |n| {
                seen += 1;
                if n == 10 { Err(n) } else { Ok(()) }
            },
        );
        assert_eq!(outcome, Err(10));
        assert_eq!(seen, 11);
    }

    /// Runs `in_order` on a thread of its own and says whether it ended
    /// (by panicking) rather than hanging.
    fn ends_with_a_panic(run: fn()) -> bool {
        let (sent, ended) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let outcome = std::panic::catch_unwind(run);
            let _ = sent.send(outcome.is_err());
        });
        // Far past what the work takes: only a hang reaches it.
        ended
            .recv_timeout(std::time::Duration::from_secs(30))
            .unwrap_or(false)
    }

    #[test]
    fn a_panic_in_a_worker_ends_the_run() {
        assert!(ends_with_a_panic(|| {
            let _ = in_order(
                (0..10_000).collect(),
                |n: u32| {
                    assert!(n != 3, "a bug in the work");
                    n
                },
                |_| Ok::<(), ()>(()),
            );
        }));
    }

    #[test]
    fn a_panic_in_the_consumer_ends_the_run() {
        assert!(ends_with_a_panic(|| {
            let _ = in_order(
                (0..10_000).collect(),
                |n: u32| n,
                |n| {
                    assert!(n != 3, "a bug in the consumer");
                    Ok::<(), ()>(())
                },
            );
        }));
    }
}
