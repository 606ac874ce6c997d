//! The data path and its repair: the root's numbering, forwarding down the tree, hop-by-hop ACKs
//! and retransmissions, NAKs answered from a buffer of recent messages, catch-up after an attach,
//! and the hop-by-hop path up from a sender that is not the root.

use super::wire::{Msg, Send, Timer};
use super::{Reliability, Tree};
use crate::protocol::{Context, MsgId, NodeId};
use crate::time::{SimDuration, SimTime};
use std::collections::VecDeque;

/// The most sequence numbers one NAK lists.
pub const NAK_CAP: usize = 64;

/// The latest `cap` messages a node received, by sequence number.
#[derive(Clone, Debug)]
pub(super) struct Buffer {
    /// The sequence number of `slots[0]`.
    base: u32,
    /// `(id, bytes, when it arrived)` for each sequence number from `base`, if received.
    slots: VecDeque<Option<(MsgId, u32, SimTime)>>,
    cap: u32,
}

impl Buffer {
    /// An empty buffer holding at most `cap` sequence numbers.
    pub(super) fn new(cap: u32) -> Self {
        Buffer { base: 0, slots: VecDeque::new(), cap: cap.max(1) }
    }

    /// Keeps message `seq`, forgetting the oldest past the capacity.
    fn insert(&mut self, seq: u32, id: MsgId, bytes: u32, at: SimTime) {
        if seq < self.base {
            return;
        }
        if seq - self.base >= self.cap {
            // Slide the window so that `seq` is its last slot.
            let drop = seq - self.base - self.cap + 1;
            let keep = (self.slots.len() as u32).saturating_sub(drop);
            self.slots.drain(..self.slots.len() - keep as usize);
            self.base += drop;
        }
        let i = (seq - self.base) as usize;
        if self.slots.len() <= i {
            self.slots.resize(i + 1, None);
        }
        self.slots[i] = Some((id, bytes, at));
    }

    /// Message `seq`, if still kept.
    fn get(&self, seq: u32) -> Option<(MsgId, u32)> {
        let i = seq.checked_sub(self.base)? as usize;
        self.slots.get(i).copied().flatten().map(|(id, bytes, _)| (id, bytes))
    }

    /// The oldest sequence number still kept (or the next to come).
    fn oldest(&self) -> u32 {
        self.base
    }

    /// The first kept sequence number that arrived at or after `t`.
    pub(super) fn first_since(&self, t: SimTime) -> Option<u32> {
        self.slots.iter().position(|s| s.is_some_and(|(_, _, at)| at >= t)).map(|i| self.base + i as u32)
    }
}

/// A message some children have not ACKed yet (ACK mode).
#[derive(Clone, Debug)]
pub(super) struct Pending {
    pub(super) id: MsgId,
    pub(super) bytes: u32,
    /// The children that have not ACKed.
    pub(super) waiting: Vec<NodeId>,
}

impl Tree {
    /// The application sends message `id`: the root numbers it, another sender sends it up.
    pub(super) fn app_send(&mut self, id: MsgId, payload: u32, cx: &mut Context<'_, Msg, Timer>) {
        let bytes = payload.saturating_add(self.config.header_bytes);
        self.delivered.insert(id.0);
        if self.is_root() {
            self.disseminate(id, bytes, cx);
        } else {
            self.send_up(id, bytes, 0, cx);
        }
    }

    /// The root numbers message `id` and sends it to its children.
    fn disseminate(&mut self, id: MsgId, bytes: u32, cx: &mut Context<'_, Msg, Timer>) {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.got.insert(seq);
        self.next = self.next_seq;
        self.top = self.next_seq;
        self.buffer.insert(seq, id, bytes, cx.now());
        self.forward(seq, id, bytes, cx);
    }

    /// Sends message `seq` to every child; in ACK mode, waits for their ACKs.
    fn forward(&mut self, seq: u32, id: MsgId, bytes: u32, cx: &mut Context<'_, Msg, Timer>) {
        for c in &self.children {
            cx.send(c.id, Msg::Data { seq, id, bytes, why: Send::First });
        }
        if self.config.reliability == Reliability::Ack && !self.children.is_empty() {
            let waiting = self.children.iter().map(|c| c.id).collect();
            self.pending.insert(seq, Pending { id, bytes, waiting });
            cx.set_timer(self.config.retry(1), Timer::Retransmit { seq, round: 1 });
        }
    }

    /// A copy of message `seq` arrives: deliver and forward it the first time, ACK it (ACK mode),
    /// and look for gaps.
    pub(super) fn on_data(
        &mut self,
        from: NodeId,
        seq: u32,
        id: MsgId,
        bytes: u32,
        why: Send,
        cx: &mut Context<'_, Msg, Timer>,
    ) {
        if self.is_root() {
            return;
        }
        if !self.related(from) {
            // A stale parent: keep the copy, but tell it to stop.
            self.reject(from, cx);
        } else if self.config.reliability == Reliability::Ack && why != Send::Repair {
            cx.send(from, Msg::Ack { seq, bytes: self.config.control_bytes });
        }
        if self.got.insert(seq) {
            self.top = self.top.max(seq.saturating_add(1));
            while self.got.contains(self.next) {
                self.next += 1;
            }
            self.buffer.insert(seq, id, bytes, cx.now());
            self.up_pending.remove(&id);
            if self.delivered.insert(id.0) {
                cx.deliver(id);
            }
            self.forward(seq, id, bytes, cx);
        }
        self.check_gaps(cx);
    }

    /// A child ACKs message `seq`.
    pub(super) fn on_ack(&mut self, from: NodeId, seq: u32) {
        if let Some(p) = self.pending.get_mut(&seq) {
            p.waiting.retain(|&w| w != from);
            if p.waiting.is_empty() {
                self.pending.remove(&seq);
            }
        }
    }

    /// ACK mode: resend message `seq` to the children that have not ACKed it.
    pub(super) fn on_retransmit(&mut self, seq: u32, round: u32, cx: &mut Context<'_, Msg, Timer>) {
        let Some(p) = self.pending.get(&seq) else {
            return;
        };
        if round > self.config.max_retries {
            self.pending.remove(&seq);
            return;
        }
        for &to in &p.waiting {
            cx.send(to, Msg::Data { seq, id: p.id, bytes: p.bytes, why: Send::Retransmit });
        }
        cx.set_timer(self.config.retry(round + 1), Timer::Retransmit { seq, round: round + 1 });
    }

    /// A child asks for messages: send those still buffered, and ask the parent for those this
    /// node never had (a joiner's children may want history from before its join); they come
    /// down to the child when they arrive, as any message this node gets first.
    pub(super) fn on_nak(&mut self, from: NodeId, missing: &[u32], cx: &mut Context<'_, Msg, Timer>) {
        let mut lacking = Vec::new();
        for &seq in missing.iter().take(NAK_CAP) {
            if let Some((id, bytes)) = self.buffer.get(seq) {
                cx.send(from, Msg::Data { seq, id, bytes, why: Send::Repair });
            } else if !self.got.contains(seq) && seq < self.top {
                lacking.push(seq);
            }
        }
        if let (Some(p), false) = (self.parent, lacking.is_empty()) {
            let bytes = self.config.control_bytes + 4 * lacking.len() as u32;
            cx.send(p, Msg::Nak { missing: lacking, bytes });
        }
    }

    /// The parent says `top` messages exist (a heartbeat).
    pub(super) fn learn_top(&mut self, top: u32, cx: &mut Context<'_, Msg, Timer>) {
        self.top = self.top.max(top);
        self.check_gaps(cx);
    }

    /// Up to where gaps are NAKed: the top (in ACK mode too, as a safety net for what a parent
    /// stopped retransmitting when it dropped this node), or in `none` the top at the last attach.
    fn gap_limit(&self) -> u32 {
        match self.config.reliability {
            Reliability::None => self.catchup_top,
            _ => self.top,
        }
    }

    /// The sequence numbers missing below `limit`, at most [`NAK_CAP`].
    fn missing(&self, limit: u32) -> Vec<u32> {
        (self.next..limit).filter(|&s| !self.got.contains(s)).take(NAK_CAP).collect()
    }

    /// Arms the NAK timer if there is a gap to repair and a parent to ask.
    pub(super) fn check_gaps(&mut self, cx: &mut Context<'_, Msg, Timer>) {
        if self.nak_armed || self.parent.is_none() || self.config.reliability == Reliability::None {
            return;
        }
        if self.next >= self.gap_limit() {
            return;
        }
        self.nak_armed = true;
        self.nak_gen = self.nak_gen.wrapping_add(1);
        // Wait a little before the first NAK, so that reordered copies can arrive; in ACK mode,
        // but for a catch-up, long enough for the parent's retransmissions to come first.
        let first = match self.config.reliability {
            Reliability::Ack if self.next >= self.catchup_top => self.config.retry(2),
            _ => SimDuration(self.config.retry(1).0 / 4),
        };
        cx.set_timer(first, Timer::Nak { gen: self.nak_gen });
    }

    /// NAKs what is still missing; after `max_retries` rounds in which nothing arrived, gives it
    /// up.
    pub(super) fn on_nak_timer(&mut self, gen: u32, cx: &mut Context<'_, Msg, Timer>) {
        if gen != self.nak_gen {
            return;
        }
        self.nak_armed = false;
        let Some(parent) = self.parent else {
            return;
        };
        // Progress: anything received since the last round.
        let got = self.got.len();
        if got > self.nak_mark {
            self.nak_round = 0;
        }
        self.nak_mark = got;
        let missing = self.missing(self.gap_limit());
        if missing.is_empty() {
            self.nak_round = 0;
            return;
        }
        self.nak_round += 1;
        if self.nak_round > self.config.max_retries {
            // The parent cannot help: give these up.
            for &s in &missing {
                self.got.insert(s);
            }
            while self.got.contains(self.next) {
                self.next += 1;
            }
            self.nak_round = 0;
            self.check_gaps(cx);
            return;
        }
        let bytes = self.config.control_bytes + 4 * missing.len() as u32;
        cx.send(parent, Msg::Nak { missing, bytes });
        self.nak_armed = true;
        self.nak_gen = self.nak_gen.wrapping_add(1);
        cx.set_timer(self.config.retry(self.nak_round), Timer::Nak { gen: self.nak_gen });
    }

    /// Just attached to a parent that knows `top` messages: catch up from `want`.
    pub(super) fn attached(&mut self, want: u32, top: u32, cx: &mut Context<'_, Msg, Timer>) {
        self.next = self.next.max(want);
        while self.got.contains(self.next) {
            self.next += 1;
        }
        self.top = self.top.max(top);
        self.catchup_top = self.top;
        self.nak_round = 0;
        self.nak_mark = self.got.len();
        if self.config.reliability == Reliability::None {
            // One request, unrepeated.
            let missing = self.missing(self.top);
            if let (Some(p), false) = (self.parent, missing.is_empty()) {
                let bytes = self.config.control_bytes + 4 * missing.len() as u32;
                cx.send(p, Msg::Nak { missing, bytes });
            }
        } else {
            // A new timer generation: a NAK armed for the old parent goes to the new one.
            self.nak_armed = false;
            self.check_gaps(cx);
        }
        // Upward messages waiting for a parent go now.
        let ups: Vec<(MsgId, u32)> = self.up_pending.iter().map(|(&id, &(b, _))| (id, b)).collect();
        if let Some(p) = self.parent {
            for (id, bytes) in ups {
                cx.send(p, Msg::Up { id, bytes, retry: true });
            }
        }
    }

    /// Where history starts for a node attaching to this one: the oldest buffered message.
    pub(super) fn oldest(&self) -> u32 {
        self.buffer.oldest()
    }

    /// Sends upward message `id` to the parent; in the reliable modes, until it is ACKed.
    fn send_up(&mut self, id: MsgId, bytes: u32, round: u32, cx: &mut Context<'_, Msg, Timer>) {
        if let Some(p) = self.parent {
            cx.send(p, Msg::Up { id, bytes, retry: round > 0 });
        }
        if self.config.reliable() {
            let own = self.up_pending.get(&id).map_or(round == 0 && self.delivered.contains(id.0), |&(_, own)| own);
            self.up_pending.insert(id, (bytes, own));
            cx.set_timer(self.config.retry(round + 1), Timer::Up { id, round: round + 1 });
        }
    }

    /// A child sends message `id` up: the root numbers it, others pass it on.
    pub(super) fn on_up(&mut self, from: NodeId, id: MsgId, bytes: u32, cx: &mut Context<'_, Msg, Timer>) {
        if self.config.reliable() {
            cx.send(from, Msg::UpAck { id, bytes: self.config.control_bytes });
        }
        if self.is_root() {
            if self.delivered.insert(id.0) {
                cx.deliver(id);
                self.disseminate(id, bytes, cx);
            }
        } else if !self.delivered.contains(id.0) && !self.up_pending.contains_key(&id) {
            self.send_up(id, bytes, 0, cx);
        }
    }

    /// Resends upward message `id` if the parent has not ACKed it yet.
    pub(super) fn on_up_timer(&mut self, id: MsgId, round: u32, cx: &mut Context<'_, Msg, Timer>) {
        let Some(&(bytes, _)) = self.up_pending.get(&id) else {
            return;
        };
        if round > self.config.max_retries {
            self.up_pending.remove(&id);
            return;
        }
        // A round without a parent to send to does not count.
        let round = if self.parent.is_some() { round } else { round.saturating_sub(1) };
        self.send_up(id, bytes, round, cx);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buffer_keeps_the_latest() {
        let mut b = Buffer::new(3);
        for s in [0u32, 1, 2, 3, 5] {
            b.insert(s, MsgId(s * 10), 100 + s, SimTime(u64::from(s)));
        }
        assert_eq!(b.get(0), None);
        assert_eq!(b.get(2), None, "window is 3..=5");
        assert_eq!(b.get(3), Some((MsgId(30), 103)));
        assert_eq!(b.get(4), None);
        assert_eq!(b.get(5), Some((MsgId(50), 105)));
        assert_eq!(b.oldest(), 3);
        assert_eq!(b.first_since(SimTime(4)), Some(5));
        b.insert(1, MsgId(1), 1, SimTime(9));
        assert_eq!(b.get(1), None, "too old to keep");
        b.insert(100, MsgId(7), 7, SimTime(10));
        assert_eq!((b.oldest(), b.get(100)), (98, Some((MsgId(7), 7))));
    }

    use super::super::testkit::{binary, copy, data, deliver, heartbeat, leave, nak, send, set, Node};
    use super::super::TreeConfig;
    use crate::protocol::Input;

    /// Node `me` of a binary heap of 7 rooted at 0 (0 → 1, 2; 1 → 3, 4; 2 → 5, 6) with
    /// `config`.
    fn node(me: NodeId, config: TreeConfig) -> Node {
        Node::heap(me, 7, binary(config))
    }

    /// Message `id`, numbered `seq`, on its first way down.
    fn numbered(seq: u32, id: u32) -> Msg {
        Msg::Data { seq, id: MsgId(id), bytes: 1040, why: Send::First }
    }

    fn up(id: u32, retry: bool) -> Msg {
        Msg::Up { id: MsgId(id), bytes: 1040, retry }
    }

    fn app_send(id: u32) -> Input<Msg, Timer> {
        Input::AppSend { id: MsgId(id), bytes: 1000 }
    }

    /// Forwarding down the tree: each message once to each child.
    mod forwarding {
        use super::*;

        #[test]
        fn the_root_numbers_each_message_and_sends_it_to_its_children() {
            let mut n = node(0, TreeConfig::default());
            assert_eq!(n.at(10, app_send(7)), [send(1, numbered(0, 7)), send(2, numbered(0, 7))]);
            let small = Msg::Data { seq: 1, id: MsgId(9), bytes: 540, why: Send::First };
            assert_eq!(n.at(20, Input::AppSend { id: MsgId(9), bytes: 500 }), [send(1, small.clone()), send(2, small)]);
        }

        #[test]
        fn a_node_forwards_the_first_copy_to_its_children_in_order_and_not_a_duplicate() {
            let mut n = node(1, TreeConfig::default());
            assert_eq!(n.recv(10, 0, data(0)), [deliver(0), send(3, data(0)), send(4, data(0))]);
            assert_eq!(n.recv(20, 0, copy(0, Send::Retransmit)), []);
            assert_eq!(n.recv(30, 0, copy(0, Send::Repair)), []);
            assert_eq!(n.recv(40, 0, data(1)), [deliver(1), send(3, data(1)), send(4, data(1))]);
        }

        #[test]
        fn a_copy_from_a_node_that_is_not_its_parent_is_kept_and_the_sender_told_to_stop() {
            let mut n = node(1, TreeConfig::default());
            assert_eq!(n.recv(10, 5, data(0)), [send(5, leave(None)), deliver(0), send(3, data(0)), send(4, data(0))]);
        }
    }

    /// NAK mode: a child asks its parent for what it lacks.
    mod nak_repair {
        use super::*;

        #[test]
        fn a_gap_sets_a_nak_to_the_parent_after_a_quarter_of_the_retry_timeout_then_backs_off() {
            let mut n = node(1, TreeConfig::default());
            let nak_timer = |gen| Timer::Nak { gen };
            assert_eq!(
                n.recv(10, 0, data(1)),
                [deliver(1), send(3, data(1)), send(4, data(1)), set(50, nak_timer(1))]
            );
            assert_eq!(n.fire(60, nak_timer(1)), [send(0, nak(&[0])), set(200, nak_timer(2))]);
            assert_eq!(n.fire(260, nak_timer(2)), [send(0, nak(&[0])), set(400, nak_timer(3))]);
            assert_eq!(n.fire(660, nak_timer(3)), [send(0, nak(&[0])), set(800, nak_timer(4))]);
            // The repair fills the gap: forwarded as any first copy; the next round finds
            // nothing missing.
            assert_eq!(n.recv(700, 0, copy(0, Send::Repair)), [deliver(0), send(3, data(0)), send(4, data(0))]);
            assert_eq!(n.fire(1_460, nak_timer(4)), []);
        }

        #[test]
        fn a_heartbeat_announcing_more_messages_catches_a_lost_tail() {
            let mut n = node(1, TreeConfig::default());
            assert_eq!(n.recv(10, 0, heartbeat(2, &[0])), [set(50, Timer::Nak { gen: 1 })]);
            assert_eq!(n.fire(60, Timer::Nak { gen: 1 }), [send(0, nak(&[0, 1])), set(200, Timer::Nak { gen: 2 })]);
        }

        #[test]
        fn the_parent_answers_from_its_buffer_and_asks_its_own_parent_for_what_it_never_had() {
            let mut n = node(1, TreeConfig::default());
            assert_eq!(n.recv(10, 0, data(0)), [deliver(0), send(3, data(0)), send(4, data(0))]);
            assert_eq!(
                n.recv(20, 0, data(2)),
                [deliver(2), send(3, data(2)), send(4, data(2)), set(50, Timer::Nak { gen: 1 })]
            );
            // Child 3 lacks 0 to 2, and names 5, which nobody knows of yet.
            assert_eq!(
                n.recv(30, 3, nak(&[0, 1, 2, 5])),
                [send(3, copy(0, Send::Repair)), send(3, copy(2, Send::Repair)), send(0, nak(&[1]))]
            );
        }

        #[test]
        fn after_max_retries_rounds_without_progress_a_gap_is_given_up() {
            let mut n = node(1, TreeConfig { max_retries: 2, ..TreeConfig::default() });
            assert_eq!(
                n.recv(10, 0, data(1)),
                [deliver(1), send(3, data(1)), send(4, data(1)), set(50, Timer::Nak { gen: 1 })]
            );
            assert_eq!(n.fire(60, Timer::Nak { gen: 1 }), [send(0, nak(&[0])), set(200, Timer::Nak { gen: 2 })]);
            assert_eq!(n.fire(260, Timer::Nak { gen: 2 }), [send(0, nak(&[0])), set(400, Timer::Nak { gen: 3 })]);
            assert_eq!(n.fire(660, Timer::Nak { gen: 3 }), [], "a third round: given up");
            assert_eq!(n.recv(700, 0, heartbeat(2, &[0])), [], "and not asked for again");
        }
    }

    /// ACK mode: a parent resends to each child that has not ACKed.
    mod ack_mode {
        use super::*;

        fn ack(seq: u32) -> Msg {
            Msg::Ack { seq, bytes: 40 }
        }

        fn retransmit(round: u32) -> Timer {
            Timer::Retransmit { seq: 0, round }
        }

        #[test]
        fn every_copy_but_a_repair_is_acked() {
            // Node 3 is a leaf (its children would be 7 and 8).
            let mut n = node(3, TreeConfig { reliability: Reliability::Ack, ..TreeConfig::default() });
            assert_eq!(n.recv(10, 1, copy(0, Send::Retransmit)), [send(1, ack(0)), deliver(0)]);
            assert_eq!(n.recv(20, 1, data(0)), [send(1, ack(0))], "a duplicate too");
            assert_eq!(n.recv(30, 1, copy(0, Send::Repair)), []);
        }

        #[test]
        fn the_parent_resends_to_the_silent_child_with_backoff_then_gives_up() {
            let config = TreeConfig { reliability: Reliability::Ack, max_retries: 4, ..TreeConfig::default() };
            let mut n = node(1, config);
            assert_eq!(
                n.recv(10, 0, data(0)),
                [send(0, ack(0)), deliver(0), send(3, data(0)), send(4, data(0)), set(200, retransmit(1))]
            );
            assert_eq!(n.recv(50, 3, ack(0)), []);
            // Child 4 stays silent: resent each round, the wait doubled up to 8 × 200 ms.
            let resend = || send(4, copy(0, Send::Retransmit));
            assert_eq!(n.fire(210, retransmit(1)), [resend(), set(400, retransmit(2))]);
            assert_eq!(n.fire(610, retransmit(2)), [resend(), set(800, retransmit(3))]);
            assert_eq!(n.fire(1_410, retransmit(3)), [resend(), set(1_600, retransmit(4))]);
            assert_eq!(n.fire(3_010, retransmit(4)), [resend(), set(1_600, retransmit(5))]);
            assert_eq!(n.tree().pending(), 1);
            assert_eq!(n.fire(4_610, retransmit(5)), [], "round 5 of at most 4: given up");
            assert_eq!(n.tree().pending(), 0);
        }

        #[test]
        fn an_ack_from_every_child_ends_the_retransmissions() {
            let mut n = node(1, TreeConfig { reliability: Reliability::Ack, ..TreeConfig::default() });
            assert_eq!(
                n.recv(10, 0, data(0)),
                [send(0, ack(0)), deliver(0), send(3, data(0)), send(4, data(0)), set(200, retransmit(1))]
            );
            assert_eq!((n.recv(50, 4, ack(0)), n.recv(60, 3, ack(0))), (vec![], vec![]));
            assert_eq!(n.tree().pending(), 0);
            assert_eq!(n.fire(210, retransmit(1)), []);
        }
    }

    /// A sender that is not the root sends its messages up the tree.
    mod path_up {
        use super::*;

        #[test]
        fn a_sender_below_the_root_sends_up_until_its_message_comes_back_down() {
            let mut n = node(3, TreeConfig::default());
            assert_eq!(n.at(10, app_send(70)), [send(1, up(70, false)), set(200, Timer::Up { id: MsgId(70), round: 1 })]);
            // The parent's ACK does not make it safe: the parent may crash with it.
            assert_eq!(n.recv(20, 1, Msg::UpAck { id: MsgId(70), bytes: 40 }), []);
            assert_eq!(
                n.fire(210, Timer::Up { id: MsgId(70), round: 1 }),
                [send(1, up(70, true)), set(400, Timer::Up { id: MsgId(70), round: 2 })]
            );
            // Numbered by the root, it comes down: not delivered again, and safe.
            assert_eq!(n.recv(300, 1, numbered(0, 70)), []);
            assert_eq!(n.fire(610, Timer::Up { id: MsgId(70), round: 2 }), []);
        }

        #[test]
        fn a_relay_passes_it_on_until_acked_and_the_root_numbers_it() {
            let mut n = node(1, TreeConfig::default());
            let ack = Msg::UpAck { id: MsgId(70), bytes: 40 };
            assert_eq!(
                n.recv(10, 3, up(70, false)),
                [send(3, ack.clone()), send(0, up(70, false)), set(200, Timer::Up { id: MsgId(70), round: 1 })]
            );
            assert_eq!(n.recv(20, 0, ack.clone()), []);
            assert_eq!(n.fire(210, Timer::Up { id: MsgId(70), round: 1 }), [], "safe with the parent");
            let mut root = node(0, TreeConfig::default());
            assert_eq!(
                root.recv(20, 1, up(70, false)),
                [send(1, ack), deliver(70), send(1, numbered(0, 70)), send(2, numbered(0, 70))]
            );
        }
    }
}
