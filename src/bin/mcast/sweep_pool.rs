//! Runs numbered jobs on worker threads and hands their results over in job order, in bounded
//! memory.
//!
//! Workers take job numbers in order from a shared counter and compute each job only when they
//! take it, so nothing is made ahead for jobs not yet started. The caller's thread takes each
//! result as soon as every earlier one is taken. A worker that gets [`AHEAD_PER_THREAD`] × threads
//! jobs ahead of the first result not taken waits before it starts another: a slow early job
//! holds the others back instead of letting finished results pile up, so at most that many
//! results wait however many jobs there are. A worker that waits sleeps until half that window
//! is free again, so that tiny jobs do not cost a wake-up each.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Condvar, Mutex, MutexGuard, PoisonError};

/// How many jobs each worker thread may run ahead of the first job whose result is not taken.
pub const AHEAD_PER_THREAD: u64 = 16;

/// Where the workers wait for the caller's thread to take results.
struct Gate {
    state: Mutex<GateState>,
    moved: Condvar,
}

struct GateState {
    /// Jobs whose results are taken: 0 to `taken - 1`.
    taken: u64,
    /// The caller stopped (an error, or a worker's panic): no job starts any more.
    stopped: bool,
    /// Workers asleep in [`Gate::wait_for`].
    waiting: usize,
}

impl Gate {
    fn lock(&self) -> MutexGuard<'_, GateState> {
        // The state is two plain fields, consistent whoever panicked holding the lock.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Waits until job `i` may start: it is fewer than `ahead` jobs past the first result not
    /// taken, or, once it has had to wait, fewer than `ahead - ahead / 2`. False if the jobs
    /// stopped instead.
    fn wait_for(&self, i: u64, ahead: u64) -> bool {
        let mut s = self.lock();
        if !s.stopped && i >= s.taken.saturating_add(ahead) {
            s.waiting += 1;
            // Woken when `taken` is a multiple of `ahead / 2` (see `set_taken`): one of the
            // `ahead / 2` values of `taken` that meet this condition is, and `taken` reaches
            // them all as long as job `i` has not run.
            while !s.stopped && i >= s.taken.saturating_add(ahead - ahead / 2) {
                s = self.moved.wait(s).unwrap_or_else(PoisonError::into_inner);
            }
            s.waiting -= 1;
        }
        !s.stopped
    }

    /// Records that the results of jobs `0..taken` are taken, and wakes the waiting workers
    /// every `ahead / 2` jobs.
    fn set_taken(&self, taken: u64, ahead: u64) {
        let mut s = self.lock();
        s.taken = taken;
        if s.waiting > 0 && taken.is_multiple_of(ahead / 2) {
            drop(s);
            self.moved.notify_all();
        }
    }

    fn stop(&self) {
        self.lock().stopped = true;
        self.moved.notify_all();
    }
}

/// Stops the jobs when dropped: when the caller's thread leaves (done, or an error) and when a
/// worker unwinds from a panic, so that no worker waits at the gate for results that will never
/// be taken.
struct StopOnDrop<'a> {
    gate: &'a Gate,
    /// Only when unwinding (a worker's guard); otherwise always (the caller's).
    only_panicking: bool,
}

impl Drop for StopOnDrop<'_> {
    fn drop(&mut self) {
        if !self.only_panicking || std::thread::panicking() {
            self.gate.stop();
        }
    }
}

/// Runs jobs `0..count` on `threads` threads, each as `run(i, local)` with `local` a value of
/// the worker's own (made by `L::default()`, kept from one job to its next: a cache), and calls
/// `take(i, result)` on this thread for `i` = 0, 1, 2, ... in order. Stops at `take`'s first
/// error and returns it.
pub fn in_order<T, L>(
    count: u64,
    threads: usize,
    run: impl Fn(u64, &mut L) -> T + Sync,
    mut take: impl FnMut(u64, T) -> Result<(), String>,
) -> Result<(), String>
where
    T: Send,
    L: Default,
{
    let threads = threads.max(1);
    // At least 2, so that half of it is at least 1.
    let ahead = AHEAD_PER_THREAD.saturating_mul(threads as u64).max(2);
    let state = GateState { taken: 0, stopped: false, waiting: 0 };
    let gate = Gate { state: Mutex::new(state), moved: Condvar::new() };
    let next = AtomicU64::new(0);
    let (tx, rx) = mpsc::channel::<(u64, T)>();
    std::thread::scope(|scope| {
        // Declared first, dropped last: after `rx`, when every result is taken or on an error.
        let _stop = StopOnDrop { gate: &gate, only_panicking: false };
        for _ in 0..count.min(threads as u64) {
            let (tx, next, gate, run) = (tx.clone(), &next, &gate, &run);
            scope.spawn(move || {
                let _stop = StopOnDrop { gate, only_panicking: true };
                let mut local = L::default();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= count || !gate.wait_for(i, ahead) {
                        break;
                    }
                    // Nobody listens any more: the caller stopped.
                    if tx.send((i, run(i, &mut local))).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        let (mut pending, mut taken) = (BTreeMap::new(), 0);
        for (i, result) in rx {
            pending.insert(i, result);
            while let Some(result) = pending.remove(&taken) {
                take(taken, result)?;
                taken += 1;
                gate.set_taken(taken, ahead);
            }
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;
    use std::time::Duration;

    #[test]
    fn results_come_in_order_whatever_the_threads() {
        for threads in [1, 2, 3, 8] {
            let mut got = Vec::new();
            let run = |i: u64, _: &mut ()| {
                // Early jobs are the slow ones: later results arrive first.
                if i.is_multiple_of(7) {
                    std::thread::sleep(Duration::from_millis(2));
                }
                i * i
            };
            in_order(100, threads, run, |i, r| {
                got.push((i, r));
                Ok(())
            })
            .unwrap();
            assert_eq!(got, (0..100).map(|i| (i, i * i)).collect::<Vec<_>>(), "{threads} threads");
        }
    }

    #[test]
    fn a_slow_first_job_holds_the_others_back() {
        let (threads, started, most) = (3, AtomicUsize::new(0), AtomicUsize::new(0));
        let run = |i: u64, _: &mut ()| {
            let n = started.fetch_add(1, Ordering::SeqCst) + 1;
            most.fetch_max(n, Ordering::SeqCst);
            if i == 0 {
                std::thread::sleep(Duration::from_millis(200));
            }
        };
        in_order(1000, threads, run, |i, ()| {
            // Jobs started before job i's result is taken: at most `ahead` of them past it.
            let n = started.load(Ordering::SeqCst) as u64;
            assert!(n <= i + AHEAD_PER_THREAD * threads as u64, "job {i}: {n} started");
            Ok(())
        })
        .unwrap();
        assert_eq!(started.load(Ordering::SeqCst), 1000);
    }

    #[test]
    fn an_error_stops_the_workers_and_comes_back() {
        let ran = AtomicUsize::new(0);
        let run = |_: u64, _: &mut ()| {
            ran.fetch_add(1, Ordering::SeqCst);
        };
        let e = in_order(1_000_000, 4, run, |i, ()| if i == 10 { Err(format!("job {i}")) } else { Ok(()) });
        assert_eq!(e, Err("job 10".to_string()));
        // Job 10 is the first not taken: no job past 10 + the window starts.
        let ran = ran.load(Ordering::SeqCst) as u64;
        assert!(ran <= 10 + AHEAD_PER_THREAD * 4, "{ran} ran");
    }

    #[test]
    fn a_worker_keeps_its_local_value_from_job_to_job() {
        // One worker: its local counts the jobs it ran.
        let run = |_: u64, seen: &mut u64| {
            *seen += 1;
            *seen
        };
        in_order(50, 1, run, |i, seen| {
            assert_eq!(seen, i + 1);
            Ok(())
        })
        .unwrap();
    }
}
