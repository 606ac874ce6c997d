//! Tree-based reliable multicast: a k-ary spanning tree rooted at the sender, with hop-by-hop
//! repair and self-healing membership.
//!
//! **The tree.** Every message goes down a spanning tree of degree at most k (`fanout`): the root
//! sends one copy to each child, each node forwards the first copy it gets to its own children.
//! A node's uplink carries k copies instead of the centralized sender's n − 1, at the price of
//! depth ⌈log_k n⌉ store-and-forward hops. Two shapes:
//!
//! - `heap` (default): the k-ary heap over the ranks `(id − root) mod n`, so rank r's parent is
//!   ⌊(r − 1) / k⌋ and its children k·r + 1 … k·r + k. Every node computes its place from the
//!   configuration alone; the tree is complete, its depth minimal, and blind to the network.
//! - `aware`: built at start by joins, as HMTP (Zhang, Jamin & Zhang, "Host Multicast", INFOCOM
//!   2002) and TBCP (Mathy, Canonico & Hutchison, "An Overlay Tree Building Control Protocol", NGC
//!   2001) build theirs: a joiner asks the root; a node with spare degree accepts it. A full one
//!   decides where the joiner goes, as TBCP's parent does from the distances the newcomer measured
//!   to its children: it offers its children (a REDIRECT), the joiner measures its distance to each
//!   ([`Context::distance`]) and reports the estimates (a CHOOSE), and the node picks the nearest
//!   of its *light* children, those whose subtree has taken at most 2·m + 1 joiners where m is its
//!   lightest child's count, equal distances to the lightest (our design: a weight balance that
//!   bounds each subtree to about 2/(k + 1) of its parent's, so the depth is at most about
//!   log_{(k+1)/2} n, within 2·⌈log_k n⌉). It counts the joiner there at once, so a crowd that
//!   joins together is spread as it arrives, and its answer (a PLACE) names the picked child's
//!   children, which every node reports to its parent in its upward keep-alive: the joiner measures
//!   them on its way and CHOOSEs again one level down, two packets per level as a descent by
//!   redirects (see `place.rs`). (Before, the joiner picked the nearest child itself, from counts
//!   that the earlier joiners' reports had not reached yet, ties to the lowest id: a crowd that
//!   joined at once over equal distances followed one path down, 63 hops deep at 250 nodes.)
//!
//! **Sequencing and several senders.** The root (the workload's first sender) numbers every
//! message with a sequence number of its own; children detect gaps in that one sequence. Another
//! sender sends its message *up* the tree, hop by hop (ACKed in the reliable modes), to the root,
//! which numbers and disseminates it like its own: one sequence space and one repair mechanism at
//! the cost of the path up (our design; the shared-tree alternative, flooding both ways, needs a
//! sequence space per sender). The sender itself retries until the message comes back down, so
//! a relay that crashes with it loses nothing.
//!
//! A parent asked for a message it never had (a joiner's children may want history from before
//! its join) passes the NAK on to its own parent, and forwards the repair down when it comes.
//!
//! **Reliability** (Levine & Garcia-Luna-Aceves, "A comparison of reliable multicast protocols",
//! Multimedia Systems 6, 1998, compare exactly these ACK- and NAK-based trees):
//!
//! - `none`: a copy lost on an edge is lost for the whole subtree below it: a node at depth d
//!   receives with probability (1 − p)^d.
//! - `ack`: hop-by-hop positive ACKs, as TMTP's and RMTP's local recovery (Yavatkar, Griffioen &
//!   Sudan, TMTP, ACM Multimedia 1995; Paul, Sabnani, Lin & Bhattacharyya, RMTP, JSAC 1997):
//!   a parent keeps each message until every child ACKs it and resends to the silent ones each
//!   timeout, doubling it, up to `max_retries` rounds. ACKs are spread over the tree: no implosion.
//!   A parent that drops a child (presumed dead, or re-attached elsewhere) drops its ACK state
//!   too, so a gap that outlives two timeouts is also NAKed, as in `nak` (our safety net).
//! - `nak` (default): a child detects a gap in the sequence (from a later message, or from the
//!   highest sequence number its parent's heartbeat announces, which catches a lost tail) and
//!   NAKs its parent, which repairs from a buffer of its `buffer_size` latest messages; NAKs
//!   repeat while the gap stays, and the child gives the gap up after `max_retries` rounds in
//!   which nothing arrived.
//!
//! Every retry (retransmission, NAK, upward send) doubles its timeout each round up to
//! 8 × `retry_timeout_ms`: only one neighbour is waited on, and an uncapped doubling leaves an
//! unlucky node waiting for minutes at high loss. A JOIN doubles only once: it is answered on
//! arrival, so its silence means a loss, not a busy target.
//!
//! **Maintenance.** Parent and children exchange heartbeats every `heartbeat_interval_ms`; any
//! packet counts as a sign of life. `heartbeat_misses` silent intervals only make a neighbour
//! *suspected*: it is sent a probe, which it answers at once with a heartbeat, up to
//! `probe_attempts` times `probe_timeout_ms` apart, and it is presumed dead only when every
//! probe went unanswered, as SWIM (Das, Gupta & Motivala, DSN 2002) probes a member before it
//! declares it dead. Both ends of an edge probe: a parent that dropped a live child would refuse
//! its next heartbeat and send it re-joining all the same. At 20 % loss four heartbeats lost in
//! a row made about ten live parents per 20 s run of 100 nodes presumed dead; three probes, each
//! failing 36 % of the time, leave almost none. A crash is noticed at most `dead_after` + one
//! heartbeat interval + `probe_attempts × probe_timeout_ms` after its last packet
//! ([`TreeConfig::detection_bound`], 3.7 s by default). See `detector.rs`. The
//! parent's heartbeat carries its path to the root, so every node knows its ancestors. A child
//! whose parent died re-attaches to its grandparent (then further ancestors, then the root),
//! naming the dead parent so the grandparent frees its slot at once (unless the grandparent heard
//! from it within a heartbeat interval: at high loss a child may wrongly presume its parent dead,
//! and dropping a live parent would orphan its subtree); a full ancestor redirects it down as for
//! a join. A joiner keeps its descent free of repeats, falls back one step up it after two
//! unanswered JOINs, and steers around the nodes that failed it or sent it back up (a detached
//! node sends a joiner to the node it is itself joining). A leaver hands its children to its own
//! parent with a LEAVE. In the aware tree an orphan keeps its depth, as a heap refills a vacated
//! place from below (our design): the first orphan of a departed node to reach the grandparent
//! takes its place and its weight (the place is kept for it up to the detection bound), the
//! grandparent sends the other orphans on to it, and it makes room for each by handing its
//! lightest child but one down to its lightest, which makes room in turn, down to a free slot.
//! No subtree ends deeper than it was; grafting whole orphaned subtrees at free slots near the
//! leaves had made a binary tree of 2,000 nodes 26 hops deep under churn, against 10 without
//! (see `place.rs`). Any node that re-attaches catches up: the new parent's ACCEPT tells it the
//! highest sequence number and the oldest one still buffered, and it NAKs what it lacks in between
//! (in every mode; once only in `none`). A joiner is placed by the root, which also tells it where
//! its history starts (the first message the root numbered within two estimated one-way delays plus
//! a retry timeout of the join's arrival); a restarted node rejoins as a joiner that wants
//! everything. A node refuses (with a LEAVE) a heartbeat, data or ACCEPT from a node that is
//! neither its parent nor its child nor the node it is joining, which clears stale edges after
//! crashes, restarts and timeouts. A path that contains the node itself reveals a loop; the node
//! then rejoins through the root.
//!
//! **Weaknesses.** The root is a single point of failure (its crash ends the run; a restarted
//! root numbers from zero again) and a bottleneck for joins. A crash near the root cuts off a
//! whole subtree for a heartbeat timeout, then every orphan catches up at once. Depth costs
//! latency: each hop adds a link delay and k transmission times. Membership notices from a
//! scenario's membership service are ignored: the tree detects failures itself.

mod config;
mod detector;
mod family;
mod heap;
mod place;
mod repair;
#[cfg(test)]
mod testkit;
mod topology;
mod wire;

pub use config::{Reliability, Topology, TreeConfig, TreeSetup, PARAMS};
pub use family::TreeFamily;
pub use heap::{heap_children, heap_depth, heap_parent, heap_path};
pub use repair::NAK_CAP;
pub use wire::{Msg, Send, Timer};

use crate::bits::InlineBits;
use crate::protocol::{Context, Description, GroupInfo, Input, MsgId, NodeId, Protocol};
use crate::protocols::blocks::{Detector, Retry};
use crate::time::{SimDuration, SimTime};
use repair::{Buffer, Pending};
use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;

/// A child as its parent sees it.
#[derive(Clone, Debug)]
struct Child {
    id: NodeId,
    /// Joiners placed in its subtree (its subtree size for the heap; aware: or the size it
    /// reported, if larger), to balance redirects.
    weight: u32,
    /// Aware: its children, as it last reported them.
    kids: Option<Arc<[NodeId]>>,
}

/// A JOIN in progress.
#[derive(Clone, Debug)]
struct Joining {
    /// Where to ask, the current target first; the root is always last.
    targets: VecDeque<NodeId>,
    /// Redirects followed so far (a guard against stale, looping child lists).
    redirects: u32,
    /// The first sequence number wanted (`None`: a fresh joiner, placed by the root).
    want: Option<u32>,
    /// The parent lost, named in the JOIN.
    lost: Option<NodeId>,
    /// Aware: for targets of the descent, the joiner's distance estimates to their children
    /// (offered by the target, or named by its parent), sent in a CHOOSE in place of a JOIN;
    /// kept while the target stays in the descent, so a fall back one step up costs no offer.
    measured: Vec<(NodeId, Vec<(NodeId, SimDuration)>)>,
    /// Targets this join gave up on (unanswered) or that sent it back up (detached, or below
    /// the joiner): a redirect's other candidates go first, so that a node that still lists a
    /// dead, departed or detached child does not send the joiner back to it again and again.
    avoid: Vec<NodeId>,
}

/// One node of the tree protocol.
#[derive(Clone, Debug)]
pub struct Tree {
    me: NodeId,
    size: u32,
    root: NodeId,
    config: TreeConfig,
    /// The current parent (`None` for the root and while detached).
    parent: Option<NodeId>,
    /// Watches the parent (see `detector.rs`).
    up: Detector,
    /// Watches the children, in their order.
    down: Detector,
    /// This node's path to the root, itself first: the last one known while detached.
    path: Arc<[NodeId]>,
    children: Vec<Child>,
    /// Lowest sequence number not received (nor given up on).
    next: u32,
    /// Sequence numbers received.
    got: InlineBits,
    /// Message ids delivered (or originated here).
    delivered: InlineBits,
    /// One past the highest sequence number known to exist.
    top: u32,
    /// Recent messages, to repair children.
    buffer: Buffer,
    /// ACK mode: messages some child has not ACKed, by sequence number.
    pending: BTreeMap<u32, Pending>,
    /// Upward messages not yet safe: id → (bytes, originated here). A relayed one is safe once
    /// the parent ACKs it; one's own only once it comes back down the tree (a relay may crash
    /// with it).
    up_pending: BTreeMap<MsgId, (u32, bool)>,
    /// When this node joined (a fresh joiner), to tell the root how long ago that was.
    joined_at: Option<SimTime>,
    /// NAK timer generation, whether one is armed, rounds without progress and how many
    /// messages had arrived at the last round.
    nak_gen: u32,
    nak_armed: bool,
    nak_round: u32,
    nak_mark: u32,
    /// The top at the last attach: gaps below it are caught up by NAKs at once (in `none`
    /// mode, only those).
    catchup_top: u32,
    joining: Option<Joining>,
    /// The JOINs to the current target: their round and the token of the live timer (kept
    /// across joins, so that a timer of an earlier join stays stale).
    join: Retry,
    /// How many times this node lost its parent and went looking for another.
    parent_losses: u32,
    ticking: bool,
    /// The root's next sequence number.
    next_seq: u32,
    /// Aware: what keeps a departed node's orphans at their depth (see `place.rs`), made when
    /// first needed.
    succession: Option<Box<place::Succession>>,
}

impl Tree {
    /// The current parent (`None` for the root, and while re-attaching).
    pub fn parent(&self) -> Option<NodeId> {
        self.parent
    }

    /// The current children's ids.
    pub fn children(&self) -> impl Iterator<Item = NodeId> + '_ {
        self.children.iter().map(|c| c.id)
    }

    /// This node's last known path to the root, itself first.
    pub fn path(&self) -> &[NodeId] {
        &self.path
    }

    /// Whether the node is looking for a parent.
    pub fn is_joining(&self) -> bool {
        self.joining.is_some()
    }

    /// How many times this node lost its parent (presumed dead, refused, left, or a loop) and
    /// went looking for another; a restart is not counted.
    pub fn parent_losses(&self) -> u32 {
        self.parent_losses
    }

    /// How many messages this node has received (by sequence number).
    pub fn received(&self) -> u32 {
        self.got.len()
    }

    /// ACK mode: how many messages wait for some child's ACK.
    pub fn pending(&self) -> usize {
        self.pending.len()
    }

    fn is_root(&self) -> bool {
        self.me == self.root
    }

    fn child_mut(&mut self, id: NodeId) -> Option<&mut Child> {
        self.children.iter_mut().find(|c| c.id == id)
    }

    fn is_child(&self, id: NodeId) -> bool {
        self.children.iter().any(|c| c.id == id)
    }

    /// Any packet is a sign of life of its sender, and clears a suspicion of it: of the parent,
    /// or else of a child (a node that is both, on a stale edge, is heard as the parent).
    fn heard(&mut self, from: NodeId, now: SimTime) {
        if self.parent == Some(from) {
            self.up.heard(from, now);
        } else {
            self.down.heard(from, now);
        }
    }

    /// Forgets everything about the tree (a joiner's or a restarted node's fresh start).
    fn detach_all(&mut self) {
        self.parent = None;
        self.children.clear();
        self.pending.clear();
        self.up.stop_all();
        self.down.stop_all();
        self.path = Arc::from([self.me]);
        self.succession = None;
    }

    /// A packet from `from`: a sign of life of its sender, then whatever it asks.
    fn on_packet(&mut self, from: NodeId, msg: Msg, cx: &mut Context<'_, Msg, Timer>) {
        if from == self.me {
            return;
        }
        self.heard(from, cx.now());
        match msg {
            Msg::Data { seq, id, bytes, why } => self.on_data(from, seq, id, bytes, why, cx),
            Msg::Ack { seq, .. } => self.on_ack(from, seq),
            Msg::Nak { missing, .. } => self.on_nak(from, &missing, cx),
            Msg::Up { id, bytes, .. } => self.on_up(from, id, bytes, cx),
            Msg::UpAck { id, .. } => {
                if self.up_pending.get(&id).is_some_and(|&(_, own)| !own) {
                    self.up_pending.remove(&id);
                }
            }
            Msg::Heartbeat { top, path, .. } => self.on_heartbeat(from, top, path, cx),
            Msg::Probe { .. } => self.on_probe(from, cx),
            Msg::Join { want, lost, waited, .. } => self.on_join(from, want, lost, waited, &[], cx),
            Msg::Choose { want, lost, near, .. } => {
                self.on_join(from, want, lost, SimDuration::ZERO, &near, cx)
            }
            Msg::Redirect { candidates, start, .. } => self.on_redirect(from, &candidates, start, cx),
            Msg::Place { child, below, start, .. } => self.on_place(from, child, &below, start, cx),
            Msg::Children { ids, size, .. } => self.on_children(from, ids, size, cx),
            Msg::Chose { child, .. } => {
                if let Some(c) = self.child_mut(child) {
                    c.weight = c.weight.saturating_add(1);
                }
            }
            Msg::Accept { path, top, start, oldest, .. } => self.on_accept(from, path, top, start, oldest, cx),
            Msg::Leave { heir, .. } => self.on_leave(from, heir, cx),
        }
    }

    fn start_ticking(&mut self, cx: &mut Context<'_, Msg, Timer>) {
        if self.ticking {
            return;
        }
        self.ticking = true;
        // A random phase, so that heartbeats do not all leave at once.
        let interval = self.config.heartbeat().0.max(1);
        let phase = rand::Rng::random_range(cx.rng(), 1..=interval);
        cx.set_timer(SimDuration(phase), Timer::Tick);
    }
}

impl Protocol for Tree {
    type Msg = Msg;
    type Timer = Timer;
    type Config = TreeSetup;

    fn new(me: NodeId, group: &GroupInfo, setup: &TreeSetup) -> Self {
        Tree {
            me,
            size: group.size,
            root: setup.root,
            config: setup.config.clone(),
            parent: None,
            up: Detector::new(setup.config.detector()),
            down: Detector::new(setup.config.detector()),
            path: Arc::from([me]),
            children: Vec::new(),
            next: 0,
            got: InlineBits::new(),
            delivered: InlineBits::new(),
            top: 0,
            buffer: Buffer::new(setup.config.buffer_size),
            pending: BTreeMap::new(),
            up_pending: BTreeMap::new(),
            joined_at: None,
            nak_gen: 0,
            nak_armed: false,
            nak_round: 0,
            nak_mark: 0,
            catchup_top: 0,
            joining: None,
            join: Retry::default(),
            parent_losses: 0,
            ticking: false,
            next_seq: 0,
            succession: None,
        }
    }

    fn handle(&mut self, input: Input<Msg, Timer>, cx: &mut Context<'_, Msg, Timer>) {
        match input {
            Input::Start => {
                self.start(cx);
                self.start_ticking(cx);
            }
            Input::Join { .. } | Input::Restart { .. } => {
                // A restarted node is owed every message; a fresh joiner what is sent after its
                // join, which the root works out.
                let want = matches!(input, Input::Restart { .. }).then_some(0);
                if want.is_none() {
                    self.joined_at = Some(cx.now());
                }
                self.detach_all();
                if !self.is_root() {
                    self.begin_join(VecDeque::from([self.root]), want, None, cx);
                }
                self.start_ticking(cx);
            }
            Input::Leave { .. } => self.leave(cx),
            Input::Membership(_) => {}
            Input::AppSend { id, bytes } => self.app_send(id, bytes, cx),
            Input::Recv { from, msg } => self.on_packet(from, msg, cx),
            Input::Timer(Timer::Tick) => self.on_tick(cx),
            Input::Timer(Timer::Retransmit { seq, round }) => self.on_retransmit(seq, round, cx),
            Input::Timer(Timer::Nak { gen }) => self.on_nak_timer(gen, cx),
            Input::Timer(Timer::Join { gen }) => self.on_join_timer(gen, cx),
            Input::Timer(Timer::Up { id, round }) => self.on_up_timer(id, round, cx),
            Input::Timer(Timer::Probe { node, parent, gen }) => self.on_probe_timer(node, parent, gen, cx),
        }
    }

    fn upstream(&self) -> Option<NodeId> {
        self.parent
    }

    fn describe_timer(&self, timer: &Timer) -> String {
        match timer {
            Timer::Tick => "heartbeat tick: check parent and children".to_string(),
            Timer::Retransmit { seq, round } => format!("retransmit seq {seq} to children that have not ACKed (round {round})"),
            Timer::Nak { .. } => "NAK the gaps to the parent".to_string(),
            Timer::Join { .. } => "send JOIN again if unanswered".to_string(),
            Timer::Probe { node, parent, .. } => {
                format!("probe {} {node} again", if *parent { "parent" } else { "child" })
            }
            Timer::Up { id, round } => format!("resend m{} upwards if not ACKed (round {round})", id.0),
        }
    }

    /// Its place in the tree (parent, children, path to the root), the sequence number it waits
    /// for and how many it knows exist.
    fn describe(&self, out: &mut Description) {
        out.state(match (&self.joining, self.parent) {
            _ if self.is_root() => "root",
            (Some(_), _) => "detached, joining",
            (None, Some(_)) => "in the tree",
            (None, None) => "detached",
        });
        out.link("parent", self.parent);
        out.link("children", self.children.iter().map(|c| c.id));
        out.link("path to the root", self.path.iter().copied());
        if let Some(j) = &self.joining {
            out.link("asking to join", j.targets.front().copied());
        }
        out.fact("waiting for sequence", self.next);
        out.fact("sequences known to exist", self.top);
        out.fact("sequences received", self.got.len());
        if !self.pending.is_empty() {
            out.fact("messages not ACKed by every child", self.pending.len());
        }
        out.fact("times it lost its parent", self.parent_losses);
    }
}
