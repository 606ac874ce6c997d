//! What the application multicasts: k messages at an interval from one or several senders, or a
//! live stream.
//!
//! - **Messages.** Each sender (`workload.senders`, or `group.sender` alone) sends `messages`
//!   messages of `size_bytes`, one every `interval_ms` from `start_ms`. With several senders,
//!   message j of every sender goes out at the same time, and ids interleave in the senders'
//!   list order: message j of `senders[i]` has id `j × senders + i`.
//! - **Stream.** `workload.stream` replaces the messages with packets of `packet_bytes` at a fixed
//!   `rate_per_sec` for `duration_ms` from `start_ms`: packet j at `start + j / rate` (rounded to
//!   the microsecond), `rate × duration` packets in all (rounded up when fractional). Each packet
//!   must be played `playout_delay_ms` after its send: delivered later it is late, never it is
//!   missing, and the report counts both per receiver.

use super::limits::{ms, MAX_BYTES, MAX_MESSAGES, MAX_MS};
use super::{GroupSpec, ScenarioError};
use crate::protocol::NodeId;
use crate::time::{SimDuration, SimTime};
use serde::{Deserialize, Serialize};

/// The highest stream rate, in packets per second.
pub const MAX_STREAM_RATE: f64 = 100_000.0;

/// What the senders multicast.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WorkloadSpec {
    /// How many messages each sender sends.
    pub messages: u32,
    /// Payload bytes per message.
    pub size_bytes: u32,
    /// Time between two messages of a sender (milliseconds).
    pub interval_ms: f64,
    /// When the first message (or stream packet) is sent (milliseconds).
    pub start_ms: f64,
    /// The nodes that send, each the whole workload; absent: `group.sender` alone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub senders: Option<Vec<u32>>,
    /// A live stream instead of the messages.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stream: Option<StreamSpec>,
}

impl Default for WorkloadSpec {
    fn default() -> Self {
        WorkloadSpec { messages: 1, size_bytes: 1000, interval_ms: 100.0, start_ms: 0.0, senders: None, stream: None }
    }
}

/// A live stream: packets at a fixed rate that must arrive within a playout delay.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StreamSpec {
    /// Packets per second.
    pub rate_per_sec: f64,
    /// Payload bytes per packet.
    pub packet_bytes: u32,
    /// How long the stream lasts (milliseconds).
    pub duration_ms: f64,
    /// A packet delivered more than this after its send is late (milliseconds).
    pub playout_delay_ms: f64,
}

impl Default for StreamSpec {
    fn default() -> Self {
        StreamSpec { rate_per_sec: 50.0, packet_bytes: 1000, duration_ms: 10_000.0, playout_delay_ms: 500.0 }
    }
}

impl StreamSpec {
    /// Packets per sender: `rate × duration`, rounded up when fractional.
    pub fn packets(&self) -> u64 {
        let n = self.rate_per_sec * self.duration_ms / 1000.0;
        if !n.is_finite() || n <= 0.0 {
            return 0;
        }
        // 0.1 × 30000 / 1000 is 2.9999999999999996 in binary: an integer up to rounding is one.
        let r = n.round();
        (if (n - r).abs() < 1e-9 { r } else { n.ceil() }).min(u64::MAX as f64) as u64
    }
}

impl WorkloadSpec {
    /// The sending nodes, in order.
    pub fn senders(&self, group: &GroupSpec) -> Vec<NodeId> {
        self.senders.clone().unwrap_or_else(|| vec![group.sender])
    }

    /// Every message as `(time, sender, payload bytes)`, in id order.
    pub fn schedule(&self, group: &GroupSpec) -> Vec<(SimTime, NodeId, u32)> {
        let senders = self.senders(group);
        let start = SimTime(SimDuration::from_ms_f64(self.start_ms).0);
        let (count, bytes) = match &self.stream {
            Some(st) => (st.packets(), st.packet_bytes),
            None => (u64::from(self.messages), self.size_bytes),
        };
        let time = |j: u64| match &self.stream {
            Some(st) => start + SimDuration((j as f64 * 1e6 / st.rate_per_sec).round() as u64),
            None => start + SimDuration::from_ms_f64(self.interval_ms).times(j),
        };
        (0..count).flat_map(|j| senders.iter().map(move |&s| (time(j), s, bytes))).collect()
    }

    /// How many messages (or stream packets) the workload sends, all senders together.
    pub fn message_count(&self) -> u64 {
        let per_sender = self.stream.as_ref().map_or(u64::from(self.messages), StreamSpec::packets);
        per_sender * self.senders.as_ref().map_or(1, Vec::len) as u64
    }

    /// For a stream: its playout delay.
    pub fn playout(&self) -> Option<SimDuration> {
        self.stream.as_ref().map(|st| SimDuration::from_ms_f64(st.playout_delay_ms))
    }

    /// Range checks; errors name the field under `workload`.
    pub(super) fn validate(&self, group: &GroupSpec) -> Result<(), ScenarioError> {
        self.validate_messages()?;
        if let Some(list) = &self.senders {
            validate_senders(list, group)?;
        }
        let senders = self.senders.as_ref().map_or(1, Vec::len) as u64;
        let Some(st) = &self.stream else {
            if u64::from(self.messages) * senders > u64::from(MAX_MESSAGES) {
                return Err(ScenarioError::invalid(
                    "workload.messages",
                    format!("{} messages × {senders} senders: more than {MAX_MESSAGES} in all", self.messages),
                ));
            }
            return Ok(());
        };
        self.refuse_message_fields()?;
        st.validate(senders)
    }

    /// The messages' own fields: count, size, interval and start.
    fn validate_messages(&self) -> Result<(), ScenarioError> {
        if self.messages == 0 || self.messages > MAX_MESSAGES {
            return Err(ScenarioError::invalid(
                "workload.messages",
                format!("must be from 1 to {MAX_MESSAGES}, got {}", self.messages),
            ));
        }
        if self.size_bytes == 0 || self.size_bytes > MAX_BYTES {
            return Err(ScenarioError::invalid(
                "workload.size_bytes",
                format!("must be from 1 to {MAX_BYTES}, got {}", self.size_bytes),
            ));
        }
        ms("workload.interval_ms", self.interval_ms, MAX_MS)?;
        ms("workload.start_ms", self.start_ms, MAX_MS)
    }

    /// With a stream, the fields that describe messages must keep their defaults: the stream
    /// sets its own packets.
    fn refuse_message_fields(&self) -> Result<(), ScenarioError> {
        let d = WorkloadSpec::default();
        for (field, unused) in [
            ("messages", self.messages != d.messages),
            ("size_bytes", self.size_bytes != d.size_bytes),
            ("interval_ms", self.interval_ms != d.interval_ms),
        ] {
            if unused {
                return Err(ScenarioError::invalid(
                    format!("workload.{field}"),
                    "has no effect with workload.stream (the stream sets its own packets); remove it",
                ));
            }
        }
        Ok(())
    }
}

/// `workload.senders`: at least one, each an initial member, none twice.
fn validate_senders(list: &[u32], group: &GroupSpec) -> Result<(), ScenarioError> {
    if list.is_empty() {
        return Err(ScenarioError::invalid("workload.senders", "must list at least one node"));
    }
    for (i, &s) in list.iter().enumerate() {
        if s >= group.size {
            return Err(ScenarioError::invalid(
                format!("workload.senders[{i}]"),
                format!("node {s} is not an initial member (0 to {})", group.size.saturating_sub(1)),
            ));
        }
        if let Some(j) = list.iter().take(i).position(|&x| x == s) {
            return Err(ScenarioError::invalid(
                format!("workload.senders[{i}]"),
                format!("node {s} is already workload.senders[{j}]"),
            ));
        }
    }
    Ok(())
}

impl StreamSpec {
    /// `workload.stream`'s ranges, and its packets from `senders` senders against the cap.
    fn validate(&self, senders: u64) -> Result<(), ScenarioError> {
        if !self.rate_per_sec.is_finite() || self.rate_per_sec <= 0.0 || self.rate_per_sec > MAX_STREAM_RATE {
            return Err(ScenarioError::invalid(
                "workload.stream.rate_per_sec",
                format!("must be packets per second in (0, {MAX_STREAM_RATE}], got {}", self.rate_per_sec),
            ));
        }
        if self.packet_bytes == 0 || self.packet_bytes > MAX_BYTES {
            return Err(ScenarioError::invalid(
                "workload.stream.packet_bytes",
                format!("must be from 1 to {MAX_BYTES}, got {}", self.packet_bytes),
            ));
        }
        ms("workload.stream.duration_ms", self.duration_ms, MAX_MS)?;
        if self.duration_ms == 0.0 {
            return Err(ScenarioError::invalid("workload.stream.duration_ms", "must be more than 0"));
        }
        ms("workload.stream.playout_delay_ms", self.playout_delay_ms, MAX_MS)?;
        let total = self.packets().saturating_mul(senders);
        if total > u64::from(MAX_MESSAGES) {
            return Err(ScenarioError::invalid(
                "workload.stream",
                format!(
                    "rate_per_sec × duration_ms / 1000 × {senders} senders = {total} packets: more than {MAX_MESSAGES}"
                ),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Layout;

    fn group() -> GroupSpec {
        GroupSpec { size: 10, sender: 2, layout: Layout::Disk, positions: None }
    }

    #[test]
    fn several_senders_interleave_by_round() {
        let w = WorkloadSpec { messages: 2, senders: Some(vec![5, 1]), start_ms: 1.0, ..WorkloadSpec::default() };
        let ms = |v: u64| SimTime(v * 1000);
        assert_eq!(
            w.schedule(&group()),
            vec![(ms(1), 5, 1000), (ms(1), 1, 1000), (ms(101), 5, 1000), (ms(101), 1, 1000)]
        );
    }

    #[test]
    fn stream_packet_counts_round_up_only_when_fractional() {
        let st = |rate, duration_ms| StreamSpec { rate_per_sec: rate, duration_ms, ..StreamSpec::default() };
        assert_eq!(st(50.0, 2000.0).packets(), 100);
        assert_eq!(st(0.1, 30_000.0).packets(), 3);
        assert_eq!(st(3.0, 500.0).packets(), 2);
        assert_eq!(st(30.0, 1000.0 / 3.0).packets(), 10);
        let w = WorkloadSpec { stream: Some(st(3.0, 1000.0)), ..WorkloadSpec::default() };
        let times: Vec<u64> = w.schedule(&group()).iter().map(|m| m.0 .0).collect();
        assert_eq!(times, vec![0, 333_333, 666_667]);
    }
}
