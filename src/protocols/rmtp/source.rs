//! The sender's own room: its window, its data, its recipients and the joiners it answers
//! (Paul et al. 1997, §III). The sender is also the hub of the DRs ([`Hub`]): their statuses set
//! the window's lower edge, and it repairs them as a DR repairs its region.
//!
//! **Window.** The sender numbers its packets and sends at most `window` of them beyond the lowest
//! one some DR still lacks (the paper's Ws); messages beyond it wait in a queue, sent as statuses
//! move the edge.
//!
//! **Data.** Each packet is one multicast ([`Context::multicast`]) to every recipient, the DRs
//! first, then the others in ascending id: the DRs repair their regions, so they should hold the
//! data soonest. On a network with native multicast the copies leave the uplink once; otherwise
//! one after another.
//!
//! **Recipients and late join.** The recipients are the initial members, then whoever sends a
//! JOIN (or a membership service reports joined); leavers are forgotten. A JOIN is answered with
//! the window's lower edge, lowered to the first packet sent since the joiner may have joined:
//! the JOIN says how long the joiner has waited (lost JOINs are repeated), the sender adds its
//! estimated trip and a status interval of margin, so nothing sent after the join is lost on the
//! way.

use super::config::Resolved;
use super::hub::{Cached, Hub};
use super::wire::{control_bytes, payload_bytes, Msg, Timer};
use crate::protocol::{Context, MsgId, NodeId};
use crate::protocols::blocks::NodeSet;
use crate::time::SimDuration;
use std::collections::VecDeque;

/// The sender's own state.
#[derive(Clone, Debug)]
pub(super) struct Source {
    /// The nodes that get the data.
    recipients: NodeSet,
    /// Messages (id, payload bytes) waiting for the window to open.
    queue: VecDeque<(MsgId, u32)>,
    /// Packets sent so far (the next sequence number).
    sent: u32,
}

impl Source {
    /// Sender `me` of a group of `size` initial members: every other one gets the data.
    pub(super) fn new(me: NodeId, size: u32) -> Source {
        let mut recipients = NodeSet::first(size);
        recipients.remove(me);
        Source { recipients, queue: VecDeque::new(), sent: 0 }
    }

    /// Packets sent so far: one past the highest sequence number.
    pub(super) fn sent(&self) -> u32 {
        self.sent
    }

    /// Messages waiting for the window to open.
    pub(super) fn queued(&self) -> usize {
        self.queue.len()
    }

    /// The window's lower edge: the lowest packet some DR lacks (by `hub`'s statuses).
    fn low(&self, hub: &Hub) -> u32 {
        hub.lowest_lacking().unwrap_or(self.sent).min(self.sent)
    }

    /// The application hands over message `id` of `payload` bytes: queued, sent if the window
    /// allows.
    pub(super) fn on_app_send(
        &mut self,
        id: MsgId,
        payload: u32,
        hub: &mut Hub,
        c: &Resolved,
        cx: &mut Context<'_, Msg, Timer>,
    ) {
        self.queue.push_back((id, payload));
        self.pump(hub, c, cx);
    }

    /// Sends what the window allows from the queue.
    pub(super) fn pump(&mut self, hub: &mut Hub, c: &Resolved, cx: &mut Context<'_, Msg, Timer>) {
        let limit = self.low(hub).saturating_add(c.config.window);
        while self.sent < limit {
            let Some((id, payload)) = self.queue.pop_front() else {
                break;
            };
            self.send_data(id, payload, hub, c, cx);
        }
    }

    /// Numbers message `id`, holds it for repairs and multicasts it, the DRs first.
    fn send_data(&mut self, id: MsgId, payload: u32, hub: &mut Hub, c: &Resolved, cx: &mut Context<'_, Msg, Timer>) {
        let bytes = payload_bytes(&c.config, payload);
        let seq = self.sent;
        self.sent += 1;
        hub.push(Cached { id, bytes, at: cx.now() });
        let recipients = &self.recipients;
        let drs = c.drs.iter().copied().filter(|&d| recipients.contains(d));
        let others = recipients.iter().filter(|&n| !c.is_dr(n));
        cx.multicast(drs.chain(others), Msg::Data { seq, id, bytes });
    }

    /// Joiner `from` asks for the window, having waited `waited` since it joined: it becomes a
    /// recipient and learns where to start.
    pub(super) fn on_join(
        &mut self,
        from: NodeId,
        waited: SimDuration,
        hub: &Hub,
        c: &Resolved,
        cx: &mut Context<'_, Msg, Timer>,
    ) {
        // Since the join: the JOIN's wait, its trip (estimated) and a status interval of margin.
        let since = waited + cx.distance(from) + c.status_interval;
        self.recipients.insert(from);
        let base = self.low(hub).min(hub.first_held_within(cx.now(), since));
        cx.send(from, Msg::JoinAck { base, bytes: control_bytes(&c.config) });
    }

    /// Node `n` gets the data from now on.
    pub(super) fn add(&mut self, n: NodeId) {
        self.recipients.insert(n);
    }

    /// Node `n` left: it gets no more data.
    pub(super) fn forget(&mut self, n: NodeId) {
        self.recipients.remove(n);
    }
}
