//! The receiver's room: what every node but the sender does for itself (Paul et al. 1997, §III).
//!
//! A receiver holds a [`Window`] of what it received and, each round, sends its DR (its
//! *parent*; a DR's parent is the sender) a status: the lowest sequence number it lacks and a
//! bitmap of what it holds beyond. It reports while it has had news in the last `linger_rounds`
//! rounds, or while its parent has advertised something it lacks.
//!
//! **DR choice and failover.** At start a receiver picks the nearest DR by the distance service
//! (the paper measures the TTL of the DRs' SEND_ACK_TOME). When it reports and has heard nothing
//! from its parent for 3 advertisement intervals, or the parent says it leaves, it suspects the
//! parent and moves to the next nearest DR it does not suspect, or to the sender if none is left.
//!
//! **Join.** A joiner (or a node restarted after a crash) picks its DR and asks the sender for
//! the window with a JOIN, repeated until answered ([`Retry`]): the first repetition after one
//! advertisement interval, each later wait doubled ([`Backoff`], at most 2^10 times), and given up
//! after `max_retries` repetitions. Until the answer comes it delivers what arrives and remembers
//! it; the answer's `base` becomes the window's lower edge.

use super::config::Resolved;
use super::window::Window;
use super::wire::{control_bytes, Msg, Timer};
use super::RmtpStats;
use crate::protocol::{Context, MsgId, NodeId};
use crate::protocols::blocks::{Backoff, Retry};
use crate::time::{SimDuration, SimTime};

/// The most times a joiner's wait between two JOINs doubles.
const JOIN_MAX_DOUBLINGS: u32 = 10;

/// A joiner's state until the sender answers its JOIN.
#[derive(Clone, Debug)]
struct Joining {
    /// When it joined.
    since: SimTime,
    /// Packets delivered before it learnt where its window starts.
    early: Vec<u32>,
    /// The JOIN, repeated until answered.
    retry: Retry,
}

/// What a receiver (or a DR, as a receiver of the sender) knows for itself.
#[derive(Clone, Debug)]
pub(super) struct Receiver {
    /// What this node holds.
    window: Window,
    /// Set from the JOIN until the sender's answer: it does not know where its window starts
    /// (initial members do from the start).
    joining: Option<Box<Joining>>,
    /// Its DR (or the sender).
    parent: Option<NodeId>,
    /// When it last heard from its parent.
    heard_parent: SimTime,
    /// Its parent advertised nothing it lacks since its last news.
    confirmed: bool,
    /// Status rounds since the last new packet.
    quiet: u32,
    /// DRs it gave up on.
    suspects: Vec<NodeId>,
}

impl Receiver {
    /// An initial member's receiver, expecting packet 0 first, without a parent yet.
    pub(super) fn new() -> Receiver {
        Receiver {
            window: Window::new(0),
            joining: None,
            parent: None,
            heard_parent: SimTime::ZERO,
            confirmed: false,
            quiet: 0,
            suspects: Vec::new(),
        }
    }

    /// What this node holds.
    pub(super) fn window(&self) -> &Window {
        &self.window
    }

    /// Its DR (or the sender), once chosen.
    pub(super) fn parent(&self) -> Option<NodeId> {
        self.parent
    }

    /// The run starts: report to the nearest DR.
    pub(super) fn start(&mut self, c: &Resolved, cx: &Context<'_, Msg, Timer>) {
        self.parent = Some(self.choose_parent(c, cx));
    }

    /// The node wakes from quiet: its parent gets a fresh chance to be heard.
    pub(super) fn wake(&mut self, now: SimTime) {
        self.heard_parent = self.heard_parent.max(now);
    }

    /// The nearest DR this node does not suspect, or the sender (a DR's parent is the sender).
    fn choose_parent(&self, c: &Resolved, cx: &Context<'_, Msg, Timer>) -> NodeId {
        let me = cx.me();
        if c.is_dr(me) {
            return c.sender;
        }
        c.drs
            .iter()
            .copied()
            .filter(|&d| d != me && !self.suspects.contains(&d))
            .min_by_key(|&d| (cx.distance(d), d))
            .unwrap_or(c.sender)
    }

    /// Payload packet `seq` (message `id`) arrived from `from`: delivers it if new. True if the
    /// node should report soon (something new, or a repair its parent need not have sent).
    pub(super) fn on_payload(
        &mut self,
        from: NodeId,
        seq: u32,
        id: MsgId,
        c: &Resolved,
        cx: &mut Context<'_, Msg, Timer>,
    ) -> bool {
        if Some(from) == self.parent {
            self.heard_parent = cx.now();
        }
        let fresh = match self.joining.as_mut() {
            None => self.window.insert(seq),
            Some(j) if j.early.contains(&seq) => false,
            Some(j) => {
                j.early.push(seq);
                true
            }
        };
        if fresh {
            cx.deliver(id);
            self.quiet = 0;
            self.confirmed = false;
            true
        } else if Some(from) == self.parent {
            // A repair of something held: the parent's record of us is stale, so report once.
            self.quiet = self.quiet.min(c.config.linger_rounds.saturating_sub(1));
            true
        } else {
            false
        }
    }

    /// An advertisement from `from` says it holds everything below `high`. True if the node
    /// lacks some of it and should report soon.
    pub(super) fn on_advert(&mut self, from: NodeId, high: u32, now: SimTime) -> bool {
        if Some(from) != self.parent {
            return false;
        }
        self.heard_parent = now;
        self.confirmed = high <= self.window.next();
        !self.confirmed
    }

    /// Gives up on the current parent and reports to the next nearest DR it does not suspect
    /// (or the sender).
    pub(super) fn fail_over(&mut self, c: &Resolved, stats: &mut RmtpStats, cx: &Context<'_, Msg, Timer>) {
        let Some(old) = self.parent else {
            return;
        };
        if old != c.sender && !self.suspects.contains(&old) {
            self.suspects.push(old);
        }
        let new = self.choose_parent(c, cx);
        self.heard_parent = cx.now();
        if new != old {
            stats.failovers += 1;
            self.parent = Some(new);
            self.confirmed = false;
            self.quiet = 0;
        }
    }

    /// The receiver's part of a round: check the parent is alive, report. True if it wants more
    /// rounds.
    pub(super) fn round(&mut self, c: &Resolved, stats: &mut RmtpStats, cx: &mut Context<'_, Msg, Timer>) -> bool {
        if self.joining.is_some() {
            return false;
        }
        if cx.now().since(self.heard_parent) >= c.advert_interval.times(3) {
            self.fail_over(c, stats, cx);
        }
        if self.quiet >= c.config.linger_rounds && self.confirmed {
            return false;
        }
        if let Some(p) = self.parent {
            cx.send(p, Msg::status(&self.window, &c.config));
        }
        self.quiet = self.quiet.saturating_add(1);
        true
    }

    /// Joins (or rejoins after a restart): chooses a DR, asks the sender for the window.
    pub(super) fn join(&mut self, c: &Resolved, cx: &mut Context<'_, Msg, Timer>) {
        let mut retry = Retry::default();
        let gen = retry.start();
        self.joining = Some(Box::new(Joining { since: cx.now(), early: Vec::new(), retry }));
        self.parent = Some(self.choose_parent(c, cx));
        cx.send(c.sender, Msg::Join { waited: SimDuration::ZERO, bytes: control_bytes(&c.config) });
        cx.set_timer(join_backoff(c).wait(1), Timer::Join { gen });
    }

    /// Whether the JOIN timer with token `gen` is the live one (a JOIN is still unanswered).
    pub(super) fn join_timer_live(&self, gen: u32) -> bool {
        self.joining.as_ref().is_some_and(|j| j.retry.is_current(gen))
    }

    /// The JOIN timer with token `gen` fired: repeats the JOIN unless answered, stale or given up.
    pub(super) fn on_join_timer(&mut self, gen: u32, c: &Resolved, cx: &mut Context<'_, Msg, Timer>) {
        let Some(j) = self.joining.as_mut() else {
            return;
        };
        // The first JOIN and `max_retries` repetitions.
        let Some((round, gen)) = j.retry.fire(gen, c.config.max_retries.saturating_add(1)) else {
            return;
        };
        let waited = cx.now().since(j.since);
        cx.send(c.sender, Msg::Join { waited, bytes: control_bytes(&c.config) });
        cx.set_timer(join_backoff(c).wait(round), Timer::Join { gen });
    }

    /// The sender answered the JOIN: the window starts at `base`. True if the node should report
    /// soon (it was joining and the answer is the sender's).
    pub(super) fn on_join_ack(&mut self, from: NodeId, base: u32, c: &Resolved, now: SimTime) -> bool {
        if from != c.sender {
            return false;
        }
        let Some(joining) = self.joining.take() else {
            return false;
        };
        self.window.advance_to(base);
        for s in joining.early {
            self.window.insert(s);
        }
        self.quiet = 0;
        self.confirmed = false;
        self.heard_parent = now;
        true
    }
}

/// How long a joiner waits for the sender's answer before repeating its JOIN: one advertisement
/// interval, doubled each time.
fn join_backoff(c: &Resolved) -> Backoff {
    Backoff { base: c.advert_interval, max_doublings: JOIN_MAX_DOUBLINGS }
}
