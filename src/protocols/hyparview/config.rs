//! HyParView's parameters, with the paper's values (Leitão et al. 2007, §5.1 "Experimental
//! setting": fanout 4, active view fanout + 1 = 5, passive view 30, ARWL 6, PRWL 3, shuffles of
//! ka = 3 active and kp = 4 passive entries).

use crate::time::SimDuration;

/// The parameters every node runs HyParView with.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HyParViewConfig {
    /// The active view's capacity (§4.1: the fanout plus one; §5.1: 5).
    pub active: u32,
    /// The passive view's capacity (§5.1: 30, about k·(log n + c) for the paper's 10,000 nodes).
    pub passive: u32,
    /// Active random walk length, ARWL (§4.2): how many hops a FORWARD_JOIN walks before its last
    /// node takes the joiner into its active view; also a SHUFFLE's walk (§4.4). §5.1: 6.
    pub arwl: u32,
    /// Passive random walk length, PRWL (§4.2): the hop at which a FORWARD_JOIN's node takes the
    /// joiner into its passive view. §5.1: 3.
    pub prwl: u32,
    /// Active-view entries a SHUFFLE carries, ka (§4.4; §5.1: 3).
    pub ka: u32,
    /// Passive-view entries a SHUFFLE carries, kp (§4.4; §5.1: 4).
    pub kp: u32,
    /// The shuffle period (§4.4 "periodically"; the paper runs one per simulation cycle).
    /// 10 s, Partisan's HyParView period (iroh-gossip takes 60 s).
    pub shuffle_period: SimDuration,
    /// How long a NEIGHBOR request waits for its answer before the next passive peer is tried
    /// (a request or answer lost on the way; a dead peer is noticed by the transport sooner).
    pub neighbor_timeout: SimDuration,
    /// How long a node left with an empty active view, its passive peers all asked (or none
    /// left but the one that dropped it), waits before it asks them all again, with high
    /// priority, and joins through a contact if none takes it (see the module docs).
    pub alone_retry: SimDuration,
    /// The gap between two initial members' joins at the start: member i joins at i times this
    /// through a member already in the overlay (see the module docs).
    pub join_stagger: SimDuration,
}

impl Default for HyParViewConfig {
    fn default() -> HyParViewConfig {
        HyParViewConfig {
            active: 5,
            passive: 30,
            arwl: 6,
            prwl: 3,
            ka: 3,
            kp: 4,
            shuffle_period: SimDuration::from_ms(10_000),
            neighbor_timeout: SimDuration::from_ms(2_000),
            alone_retry: SimDuration::from_ms(1_000),
            join_stagger: SimDuration::from_us(100),
        }
    }
}
