//! Time series for charts: what happened in each fixed bucket of simulated time.
//!
//! Off unless asked for ([`super::Metrics::record_series`]); then each hook adds one to a counter
//! in its bucket. The buckets cover `[0, end]`, at most [`MAX_BUCKETS`] of them: a bucket too
//! narrow for the run is widened to the smallest multiple of the requested width that fits, and
//! the series says both widths.

use crate::protocol::PacketKind;
use crate::time::{SimDuration, SimTime};
use serde::Serialize;
use std::collections::BTreeMap;

/// The most buckets a series holds.
pub const MAX_BUCKETS: u64 = 10_000;

/// Counts per bucket of simulated time; bucket `k` covers `[k · bucket_ms, (k+1) · bucket_ms)`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Series {
    /// The bucket width used (milliseconds).
    pub bucket_ms: f64,
    /// The width asked for; smaller than `bucket_ms` if the run needed more than 10,000 buckets.
    pub requested_bucket_ms: f64,
    /// Packets by kind, counted when they leave the sender's uplink (so a centralized sender's
    /// copies spread over the time its uplink needs). Packets that would leave after the end are
    /// not in the series.
    pub sent: BTreeMap<&'static str, Vec<u64>>,
    /// Packets the network dropped, by the time they left.
    pub lost: Vec<u64>,
    /// Packets that arrived at a live node.
    pub arrivals: Vec<u64>,
    /// First deliveries to receivers.
    pub deliveries: Vec<u64>,
    /// Payload packets that arrived at a live node already holding their message.
    pub duplicates: Vec<u64>,
}

/// A series so far, summed into at most a given number of columns for the page's chart.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Chart {
    /// Simulated time each column covers (milliseconds).
    pub column_ms: f64,
    /// Packets sent in each column, by kind ([`PacketKind`] order).
    pub sent: Vec<[u64; PacketKind::COUNT]>,
    /// Packets the network dropped, by the column they left in.
    pub lost: Vec<u64>,
    /// First deliveries to receivers in each column.
    pub deliveries: Vec<u64>,
}

#[derive(Clone, Copy, Default)]
struct Row {
    sent: [u64; PacketKind::COUNT],
    lost: u64,
    arrivals: u64,
    deliveries: u64,
    duplicates: u64,
}

/// The series being recorded.
#[derive(Clone)]
pub(super) struct Recorder {
    bucket_us: u64,
    requested_us: u64,
    rows: Vec<Row>,
}

impl Recorder {
    /// Buckets of `bucket` (at least 1 µs) over `[0, end]`, widened to fit [`MAX_BUCKETS`].
    pub(super) fn new(bucket: SimDuration, end: SimTime) -> Self {
        let requested_us = bucket.0.max(1);
        // Buckets needed to cover [0, end]: end / width + 1 ≤ MAX_BUCKETS.
        let min_width = end.0.div_ceil(MAX_BUCKETS - 1).max(1);
        let bucket_us = requested_us.max(min_width.div_ceil(requested_us).saturating_mul(requested_us));
        let len = (end.0 / bucket_us + 1) as usize;
        Recorder { bucket_us, requested_us, rows: vec![Row::default(); len] }
    }

    #[inline]
    fn row(&mut self, t: SimTime) -> Option<&mut Row> {
        self.rows.get_mut((t.0 / self.bucket_us) as usize)
    }

    #[inline]
    pub(super) fn on_send(&mut self, kind: PacketKind, depart: SimTime, lost: bool) {
        if let Some(r) = self.row(depart) {
            r.sent[kind as usize] += 1;
            r.lost += u64::from(lost);
        }
    }

    #[inline]
    pub(super) fn on_arrive(&mut self, now: SimTime, duplicate: bool) {
        if let Some(r) = self.row(now) {
            r.arrivals += 1;
            r.duplicates += u64::from(duplicate);
        }
    }

    #[inline]
    pub(super) fn on_delivery(&mut self, now: SimTime) {
        if let Some(r) = self.row(now) {
            r.deliveries += 1;
        }
    }

    /// The buckets from 0 to `upto` (included) summed into at most `columns` columns of whole
    /// buckets each.
    pub(super) fn chart(&self, upto: SimTime, columns: usize) -> Chart {
        let used = ((upto.0 / self.bucket_us) as usize + 1).min(self.rows.len());
        let per = used.div_ceil(columns.max(1)).max(1);
        let mut chart = Chart { column_ms: SimDuration(self.bucket_us * per as u64).as_ms_f64(), ..Chart::default() };
        for rows in self.rows[..used].chunks(per) {
            let mut sent = [0u64; PacketKind::COUNT];
            for r in rows {
                for (s, v) in sent.iter_mut().zip(r.sent) {
                    *s += v;
                }
            }
            chart.sent.push(sent);
            chart.lost.push(rows.iter().map(|r| r.lost).sum());
            chart.deliveries.push(rows.iter().map(|r| r.deliveries).sum());
        }
        chart
    }

    pub(super) fn series(&self) -> Series {
        let col = |f: &dyn Fn(&Row) -> u64| self.rows.iter().map(f).collect::<Vec<u64>>();
        Series {
            bucket_ms: SimDuration(self.bucket_us).as_ms_f64(),
            requested_bucket_ms: SimDuration(self.requested_us).as_ms_f64(),
            sent: PacketKind::ALL.iter().map(|&k| (k.name(), col(&|r| r.sent[k as usize]))).collect(),
            lost: col(&|r| r.lost),
            arrivals: col(&|r| r.arrivals),
            deliveries: col(&|r| r.deliveries),
            duplicates: col(&|r| r.duplicates),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_cover_the_run_and_widen_to_fit() {
        // 1 s in 100 ms buckets: [0, 100), ..., [1000, 1100): 11 buckets, the end included.
        let r = Recorder::new(SimDuration::from_ms(100), SimTime::from_ms(1000));
        assert_eq!((r.bucket_us, r.rows.len()), (100_000, 11));
        // An hour in 1 ms buckets would be 3.6 M buckets: widened to a whole number of ms.
        let r = Recorder::new(SimDuration::from_ms(1), SimTime::from_ms(3_600_000));
        assert_eq!(r.bucket_us, 361_000);
        assert!(r.rows.len() as u64 <= MAX_BUCKETS, "{}", r.rows.len());
        assert_eq!(r.series().requested_bucket_ms, 1.0);
        // Exactly at the limit: 9,999 ms in 1 ms buckets is 10,000 buckets, not widened.
        let r = Recorder::new(SimDuration::from_ms(1), SimTime::from_ms(9_999));
        assert_eq!((r.bucket_us, r.rows.len() as u64), (1000, MAX_BUCKETS));
    }

    #[test]
    fn counts_land_in_their_bucket_and_past_the_end_is_dropped() {
        let mut r = Recorder::new(SimDuration::from_ms(10), SimTime::from_ms(30));
        r.on_send(PacketKind::Data, SimTime(9_999), false);
        r.on_send(PacketKind::Ack, SimTime(10_000), true);
        r.on_send(PacketKind::Data, SimTime(41_000), false);
        r.on_arrive(SimTime(30_000), true);
        r.on_delivery(SimTime(25_000));
        let s = r.series();
        assert_eq!(s.sent["data"], [1, 0, 0, 0]);
        assert_eq!(s.sent["ack"], [0, 1, 0, 0]);
        assert_eq!(s.lost, [0, 1, 0, 0]);
        assert_eq!((s.arrivals, s.duplicates, s.deliveries), (vec![0, 0, 0, 1], vec![0, 0, 0, 1], vec![0, 0, 1, 0]));
    }

    #[test]
    fn a_chart_sums_whole_buckets_up_to_now() {
        let mut r = Recorder::new(SimDuration::from_ms(10), SimTime::from_ms(1000));
        for t in [0u64, 5, 12, 25, 31, 47, 400] {
            r.on_send(PacketKind::Data, SimTime::from_ms(t), t == 12);
            r.on_delivery(SimTime::from_ms(t));
        }
        // Up to 49 ms: buckets 0..=4, two columns of three buckets (30 ms) each.
        let c = r.chart(SimTime::from_ms(49), 2);
        assert_eq!(c.column_ms, 30.0);
        assert_eq!(c.sent.iter().map(|s| s[PacketKind::Data as usize]).collect::<Vec<_>>(), [4, 2]);
        assert_eq!((c.lost, c.deliveries), (vec![1, 0], vec![4, 2]));
        // More columns than buckets: one bucket a column; the send at 400 ms is not there yet.
        let c = r.chart(SimTime::from_ms(49), 100);
        assert_eq!((c.column_ms, c.sent.len(), c.deliveries.iter().sum::<u64>()), (10.0, 5, 6));
    }
}
