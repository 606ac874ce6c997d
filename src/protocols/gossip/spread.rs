//! Spreading: taking messages, forwarding them on receipt, the gossip period (push, pull,
//! ageing) and answering pulls.

use super::{Digest, Gossip, Held, Item, Msg, Spread, Timer};
use crate::protocol::{Context, MsgId, NodeId};
use crate::time::SimDuration;
use rand::Rng;

type Cx<'a> = Context<'a, Msg, Timer>;

impl Gossip {
    /// The application sends message `id`: this node holds it and spreads it as if just received,
    /// with `ttl` hops.
    pub(super) fn on_app_send(&mut self, id: MsgId, bytes: u32, cx: &mut Cx<'_>) {
        if !self.take(id.0) {
            return;
        }
        let hops = u16::try_from(self.config().ttl).unwrap_or(u16::MAX);
        self.spread_fresh(&[Item { id, bytes, hops }], cx);
    }

    /// A GOSSIP packet: delivers what is new and spreads it; with a digest (push-pull), answers
    /// with what the sender lacks.
    pub(super) fn on_gossip(&mut self, from: NodeId, items: &[Item], digest: Option<&Digest>, cx: &mut Cx<'_>) {
        match items {
            [one] => {
                if self.take(one.id.0) {
                    cx.deliver(one.id);
                    self.spread_fresh(std::slice::from_ref(one), cx);
                }
            }
            items => {
                let fresh: Vec<Item> = items.iter().copied().filter(|i| self.take(i.id.0)).collect();
                for item in &fresh {
                    cx.deliver(item.id);
                }
                if !fresh.is_empty() {
                    self.spread_fresh(&fresh, cx);
                }
            }
        }
        if let Some(digest) = digest {
            self.answer(from, digest, cx);
        }
    }

    /// Periods a message just taken is spread for, before its receipt's forward.
    fn life(&self, item: &Item) -> u32 {
        match self.config().spread {
            Spread::Once => 1,
            Spread::Rounds => self.config().rounds,
            Spread::Ttl => u32::from(item.hops > 0),
        }
    }

    /// Messages this node has just taken: pushed at once (push modes), then kept for the periods
    /// they are still spread for.
    fn spread_fresh(&mut self, fresh: &[Item], cx: &mut Cx<'_>) {
        let pushes = u32::from(self.config().mode.pushes());
        match fresh {
            _ if pushes == 0 => {}
            [one] if self.life(one) > 0 => self.push_now(&[forwarded(one)], cx),
            [_] => {}
            many => {
                let out: Vec<Item> = many.iter().filter(|i| self.life(i) > 0).map(forwarded).collect();
                self.push_now(&out, cx);
            }
        }
        if self.side.is_none() && fresh.iter().all(|i| self.life(i) <= pushes) {
            return;
        }
        let now = cx.now();
        let lives: Vec<u32> = fresh.iter().map(|i| self.life(i)).collect();
        let max_id = fresh.iter().map(|i| i.id.0.saturating_add(1)).max().unwrap_or(0);
        let side = self.side();
        side.bits = side.bits.max(max_id);
        for (&item, life) in fresh.iter().zip(lives) {
            if life > pushes {
                side.spreading.push(Held { item, since: now, left: life - pushes });
            }
        }
        if !side.spreading.is_empty() {
            self.start_ticking(self.period(), cx);
        }
    }

    /// Pushes `items` (if any) to `fanout` peers, one packet each.
    fn push_now(&mut self, items: &[Item], cx: &mut Cx<'_>) {
        if !items.is_empty() {
            let bytes = self.gossip_bytes(items, None);
            self.send_to_peers(Msg::gossip(items, None, bytes), cx);
        }
    }

    /// The gossip period.
    pub(super) fn period(&self) -> SimDuration {
        SimDuration::from_ms_f64(self.config().period_ms)
    }

    /// Sets the period's timer `after` from now, unless it is set.
    pub(super) fn start_ticking(&mut self, after: SimDuration, cx: &mut Cx<'_>) {
        let side = self.side();
        if !side.ticking {
            side.ticking = true;
            cx.set_timer(after, Timer::Tick);
        }
    }

    /// Starts the period's timer after a uniform fraction of a period (in (0, 1]), so that
    /// pulling nodes do not all contact at one instant (in rounds mode it snaps to the next
    /// round).
    pub(super) fn start_ticking_at_random(&mut self, cx: &mut Cx<'_>) {
        let u: f64 = cx.rng().random();
        let after = SimDuration::from_ms_f64(self.config().period_ms * (1.0 - u));
        self.start_ticking(after.max(SimDuration(1)), cx);
    }

    /// The messages this node spreads that arrived before now (a period's contact and a pull's
    /// answer send only those), or those of them `digest` lacks.
    fn ready(&self, now: crate::time::SimTime, digest: Option<&Digest>) -> Vec<Item> {
        let Some(side) = &self.side else { return Vec::new() };
        let lacks = |id: MsgId| digest.is_none_or(|d| !d.held.contains(id.0));
        let items = side.spreading.iter().filter(|h| h.left > 0 && h.since < now && lacks(h.item.id));
        items.map(|h| forwarded(&h.item)).collect()
    }

    /// What this node holds, as a PULL carries it.
    pub(super) fn digest(&self) -> Digest {
        Digest { held: self.held(), bits: self.side.as_ref().map_or(0, |s| s.bits) }
    }

    /// The size of a GOSSIP packet of `items` with `digest`.
    fn gossip_bytes(&self, items: &[Item], digest: Option<&Digest>) -> u32 {
        let payload = items.iter().fold(0u32, |sum, i| sum.saturating_add(i.bytes));
        let digest = digest.map_or(0, Digest::bytes);
        self.config().header_bytes.saturating_add(payload).saturating_add(digest)
    }

    /// A PULL (or a push-pull GOSSIP) from `from` holding `digest`: one GOSSIP of what it lacks.
    pub(super) fn answer(&mut self, from: NodeId, digest: &Digest, cx: &mut Cx<'_>) {
        let items = self.ready(cx.now(), Some(digest));
        if !items.is_empty() {
            let bytes = self.gossip_bytes(&items, None);
            cx.send(from, Msg::gossip(&items, None, bytes));
        }
    }

    /// The gossip period: push what is spread (push), pull (pull), or both in one packet per
    /// peer (push-pull); then age what is spread by one period and re-arm while needed.
    pub(super) fn on_tick(&mut self, cx: &mut Cx<'_>) {
        let mode = self.config().mode;
        let items = if mode.pushes() { self.ready(cx.now(), None) } else { Vec::new() };
        let digest = mode.pulls().then(|| self.digest());
        let msg = match (items.is_empty(), digest) {
            (false, digest) => {
                let bytes = self.gossip_bytes(&items, digest.as_ref());
                Some(Msg::gossip(&items, digest, bytes))
            }
            (true, Some(digest)) => {
                let bytes = self.config().header_bytes.saturating_add(digest.bytes());
                Some(Msg::Pull { digest: Box::new(digest), bytes })
            }
            (true, None) => None,
        };
        if let Some(msg) = msg {
            self.send_to_peers(msg, cx);
        }
        let now = cx.now();
        let Some(side) = self.side.as_mut() else { return };
        for h in side.spreading.iter_mut().filter(|h| h.since < now) {
            h.left = h.left.saturating_sub(1);
        }
        side.spreading.retain(|h| h.left > 0);
        side.ticking = false;
        if mode.pulls() || !side.spreading.is_empty() {
            self.start_ticking(self.period(), cx);
        }
    }

    /// Sends `msg` to `fanout` peers, one packet each.
    fn send_to_peers(&mut self, msg: Msg, cx: &mut Cx<'_>) {
        let peers = self.pick_peers(cx);
        if let Some((&last, rest)) = peers.split_last() {
            for &to in rest {
                cx.send(to, msg.clone());
            }
            cx.send(last, msg);
        }
    }
}

/// `item` as this node forwards it: one hop fewer.
fn forwarded(item: &Item) -> Item {
    Item { hops: item.hops.saturating_sub(1), ..*item }
}
