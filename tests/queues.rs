//! Tier 3: queues are finite. The three pile-ups, smaller: periodic control traffic faster
//! than its uplink drains (tree heartbeats and RMTP statuses of 65,535 bytes every millisecond,
//! and a tree's default heartbeats on a 100-byte/s uplink) fills each uplink's default queue and
//! is dropped there, counted; the event queue, where every queued packet waits, stays within what
//! the queues hold. Each run is set against the same one with unlimited queues (0), whose peak
//! grows past that bound: the bound is what the default buys.

mod common;

use common::scenario;
use mcast::engine;
use mcast::metrics::Report;
use mcast::protocols::rmtp::RmtpConfig;
use mcast::protocols::tree::TreeConfig;
use mcast::scenario::{default_queue_bytes, Scenario};

/// The report of `s` run to its end, and the most events that waited at once.
fn run(s: &Scenario) -> (Report, usize) {
    let mut sim = engine::build(s).unwrap_or_else(|e| panic!("{}: {e}", s.name));
    sim.run_to_end();
    (sim.report(), sim.queue_peak())
}

/// Packets sent, of every kind (a packet dropped at a full queue counts as sent).
fn sent(r: &Report) -> u64 {
    r.packets.values().sum()
}

/// What the event queue may hold at most when every node's uplink queue of `queue` bytes is full
/// of packets of `bytes` bytes: those packets, plus `per_node` events of each node's own (its
/// timers, and packets that left its uplink and are on the wire).
fn bound(s: &Scenario, queue: u64, bytes: u64, per_node: u64) -> usize {
    (u64::from(s.group.size) * (queue / bytes + per_node)) as usize
}

/// Runs `s` with default queues and with unlimited ones; checks the default bounds the peak, the
/// unlimited one does not, and the default drops packets and counts them.
fn check(s: &Scenario, bytes: u64, per_node: u64) {
    let queue = default_queue_bytes(s.network.uplink_bytes_per_sec);
    let most = bound(s, queue, bytes, per_node);
    let (r, peak) = run(s);
    let ctx = format!("{} (seed {}): peak {peak}, bound {most}, {r:?}", s.name, s.seed);
    assert!(peak <= most, "{ctx}: the event queue outgrew the uplink queues");
    assert!(r.packets_dropped_uplink > 0, "{ctx}: nothing dropped at a full queue");
    assert!(r.packets_dropped_uplink <= sent(&r), "{ctx}: more dropped than sent");
    let mut unlimited = s.clone();
    unlimited.network.uplink_queue_bytes = Some(0);
    let (u, unlimited_peak) = run(&unlimited);
    assert_eq!(u.packets_dropped_uplink, 0, "{ctx}: unlimited queues drop nothing");
    assert!(unlimited_peak > 2 * most, "{ctx}: unlimited queues peak at only {unlimited_peak}");
}

#[test]
fn tree_heartbeats_of_64_kib_every_millisecond_fill_the_default_queue() {
    // Issue: 300 nodes, 2.8 GB at the peak. Each node heartbeats its parent and children, 65,535
    // bytes each every millisecond: 130-330 MB/s into a 2.5 MB/s uplink whose default queue
    // (5,000,000 bytes) holds 76 of them.
    let tree = TreeConfig { heartbeat_interval_ms: 1.0, control_bytes: 65_535, ..TreeConfig::default() };
    let mut s = scenario(300, tree);
    s.name = "tree heartbeats".into();
    s.duration_ms = 300.0;
    check(&s, 65_535, 16);
}

#[test]
fn rmtp_statuses_of_64_kib_every_millisecond_fill_the_default_queue() {
    // Issue: 2,000 nodes, the run aborted. Every receiver sends its designated receiver a status
    // of 65,535 bytes (and a word of bitmap) every millisecond: 65 MB/s into 2.5 MB/s.
    let rmtp = RmtpConfig { status_interval_ms: 1.0, status_bytes: 65_535, ..RmtpConfig::default() };
    let mut s = scenario(300, rmtp);
    s.name = "rmtp statuses".into();
    s.duration_ms = 300.0;
    check(&s, 65_535, 16);
}

#[test]
fn default_heartbeats_on_a_100_byte_uplink_fill_the_smallest_default_queue() {
    // Issue: 2,000 nodes for an hour, 1.95 GB. A parent heartbeats its 4 children and its parent
    // twice a second, 40 bytes each: 400 B/s into 100 B/s. Its default queue is the smallest,
    // 8 KiB (two seconds of 100 B/s is less), 204 heartbeats, full after about 30 s; with
    // unlimited queues each parent holds 4,500 of them after 10 minutes. (Heartbeats that wait
    // that long make neighbours suspect each other: JOINs join the pile.)
    let mut s = scenario(21, TreeConfig::default());
    s.name = "tree at 100 B/s".into();
    s.network.uplink_bytes_per_sec = 100;
    s.duration_ms = 600_000.0;
    check(&s, 40, 64);
}
