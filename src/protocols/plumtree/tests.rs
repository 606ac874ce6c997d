//! One Plumtree node, exact outputs (the first tier of tests): GOSSIP, duplicates and PRUNE,
//! IHAVE and its timers, GRAFT, neighbours coming and going, the optimization, eager push.

use super::*;
use crate::protocol::{Harness, MemberChange, MsgId, Output, UniformDistance};
use crate::time::SimDuration;

type Out = Output<Msg, Timer>;

/// Node 0 with neighbours `peers`, all reported up.
fn node(peers: &[NodeId], config: PlumtreeConfig) -> Harness<Plumtree> {
    let group = GroupInfo::of_size(100);
    let mut h = Harness::new(0, group, UniformDistance(SimDuration::from_ms(5)), &Arc::new(config));
    for &p in peers {
        assert_eq!(h.handle_at_ms(0, Input::Membership(MemberChange::NeighborUp(p))), []);
    }
    h
}

fn gossip(id: u32, round: Round) -> Msg {
    Msg::Gossip { id: MsgId(id), round, bytes: 40 + 8 + 1000 }
}

fn ihave(id: u32, round: Round) -> Msg {
    Msg::IHave { id: MsgId(id), round, bytes: 48 }
}

fn graft(id: Option<u32>, round: Round) -> Msg {
    Msg::Graft { id: id.map(MsgId), round, bytes: 48 }
}

const PRUNE: Msg = Msg::Prune { bytes: 40 };

fn recv(from: NodeId, msg: Msg) -> Input<Msg, Timer> {
    Input::Recv { from, msg }
}

#[test]
fn neighbours_start_eager_and_a_broadcast_pushes_round_0_to_all() {
    let mut n = node(&[1, 2, 3], PlumtreeConfig::default());
    assert_eq!((n.protocol.eager(), n.protocol.lazy()), (&[1, 2, 3][..], &[][..]));
    let out = n.handle_at_ms(10, Input::AppSend { id: MsgId(0), bytes: 1000 });
    assert_eq!(out, [Out::Deliver { id: MsgId(0) }, Out::Multicast { to: vec![1, 2, 3], msg: gossip(0, 0) }]);
    assert_eq!(n.protocol.upstream(), None, "the origin has no parent");
}

#[test]
fn a_first_gossip_is_delivered_and_forwarded_at_the_next_round_to_the_others() {
    let mut n = node(&[1, 2, 3], PlumtreeConfig::default());
    let out = n.handle_at_ms(10, recv(2, gossip(4, 3)));
    assert_eq!(out, [Out::Deliver { id: MsgId(4) }, Out::Multicast { to: vec![1, 3], msg: gossip(4, 4) }]);
    assert_eq!(n.protocol.upstream(), Some(2));
    assert!(n.protocol.holds(MsgId(4)));
}

#[test]
fn a_duplicate_prunes_its_sender_which_then_gets_ihaves() {
    let mut n = node(&[1, 2, 3], PlumtreeConfig::default());
    n.handle_at_ms(10, recv(2, gossip(0, 0)));
    let out = n.handle_at_ms(11, recv(3, gossip(0, 1)));
    assert_eq!(out, [Out::Send { to: 3, msg: PRUNE }]);
    assert_eq!((n.protocol.eager(), n.protocol.lazy()), (&[1, 2][..], &[3][..]));
    // A second duplicate from the now lazy peer draws no second PRUNE.
    assert_eq!(n.handle_at_ms(12, recv(3, gossip(0, 1))), []);
    // The next message: GOSSIP to the eager peer, IHAVE to the lazy one.
    let out = n.handle_at_ms(20, recv(2, gossip(1, 0)));
    assert_eq!(
        out,
        [
            Out::Deliver { id: MsgId(1) },
            Out::Multicast { to: vec![1], msg: gossip(1, 1) },
            Out::Multicast { to: vec![3], msg: ihave(1, 1) },
        ]
    );
}

#[test]
fn a_prune_makes_the_sender_lazy() {
    let mut n = node(&[1, 2], PlumtreeConfig::default());
    assert_eq!(n.handle_at_ms(1, recv(1, PRUNE)), []);
    assert_eq!((n.protocol.eager(), n.protocol.lazy()), (&[2][..], &[1][..]));
    let out = n.handle_at_ms(2, Input::AppSend { id: MsgId(0), bytes: 1000 });
    assert_eq!(out[1..], [Out::Multicast { to: vec![2], msg: gossip(0, 0) }, Out::Multicast { to: vec![1], msg: ihave(0, 0) }]);
}

#[test]
fn an_ihave_for_a_missing_message_waits_timeout1_then_grafts_announcers_in_turn() {
    let mut n = node(&[1, 2, 3], PlumtreeConfig::default());
    n.handle_at_ms(0, recv(1, PRUNE));
    n.handle_at_ms(0, recv(2, PRUNE));
    let t1 = Out::SetTimer { after: SimDuration::from_ms(100), timer: Timer::Missing(MsgId(5)) };
    assert_eq!(n.handle_at_ms(10, recv(1, ihave(5, 2))), [t1]);
    assert!(n.protocol.is_infective());
    assert_eq!(n.handle_at_ms(20, recv(2, ihave(5, 4))), [], "one timer at a time");
    let out = n.handle_at_ms(110, Input::Timer(Timer::Missing(MsgId(5))));
    let t2 = Out::SetTimer { after: SimDuration::from_ms(50), timer: Timer::Missing(MsgId(5)) };
    assert_eq!(out, [t2.clone(), Out::Send { to: 1, msg: graft(Some(5), 2) }]);
    assert!(n.protocol.eager().contains(&1), "the grafted announcer is eager again");
    let out = n.handle_at_ms(160, Input::Timer(Timer::Missing(MsgId(5))));
    assert_eq!(out, [t2, Out::Send { to: 2, msg: graft(Some(5), 4) }]);
    assert_eq!(n.protocol.grafts(), 2);
    // Nobody left to ask: the wait stops until the next IHAVE.
    assert_eq!(n.handle_at_ms(210, Input::Timer(Timer::Missing(MsgId(5)))), []);
    assert!(!n.protocol.is_infective());
    let out = n.handle_at_ms(220, recv(3, ihave(5, 1)));
    assert_eq!(out, [Out::SetTimer { after: SimDuration::from_ms(100), timer: Timer::Missing(MsgId(5)) }]);
}

#[test]
fn a_gossip_arriving_in_time_makes_the_timer_stale() {
    let mut n = node(&[1, 2], PlumtreeConfig::default());
    n.handle_at_ms(0, recv(1, PRUNE));
    n.handle_at_ms(10, recv(1, ihave(5, 6)));
    let out = n.handle_at_ms(50, recv(2, gossip(5, 6)));
    assert_eq!(out[0], Out::Deliver { id: MsgId(5) });
    assert_eq!(n.handle_at_ms(110, Input::Timer(Timer::Missing(MsgId(5)))), []);
    assert_eq!(n.protocol.grafts(), 0);
}

#[test]
fn a_graft_makes_the_sender_eager_and_is_answered_with_the_message_at_its_round() {
    let mut n = node(&[1, 2], PlumtreeConfig::default());
    n.handle_at_ms(0, recv(1, PRUNE));
    n.handle_at_ms(5, recv(2, gossip(3, 0)));
    let out = n.handle_at_ms(10, recv(1, graft(Some(3), 1)));
    assert_eq!(out, [Out::Send { to: 1, msg: gossip(3, 1) }]);
    assert_eq!((n.protocol.eager(), n.protocol.lazy()), (&[2, 1][..], &[][..]));
    // A GRAFT for a message it lacks, or for none, only re-links.
    n.handle_at_ms(11, recv(1, PRUNE));
    assert_eq!(n.handle_at_ms(12, recv(1, graft(Some(9), 1))), []);
    assert_eq!(n.handle_at_ms(13, recv(1, graft(None, 1))), []);
    assert!(n.protocol.eager().contains(&1));
}

#[test]
fn neighbour_down_leaves_both_sets_and_its_announcements_are_forgotten() {
    let mut n = node(&[1, 2, 3], PlumtreeConfig::default());
    n.handle_at_ms(0, recv(3, PRUNE));
    n.handle_at_ms(1, recv(2, gossip(0, 0)));
    n.handle_at_ms(2, recv(3, ihave(1, 0)));
    n.handle_at_ms(3, Input::Membership(MemberChange::NeighborDown(3)));
    n.handle_at_ms(3, Input::Membership(MemberChange::NeighborDown(2)));
    assert_eq!((n.protocol.eager(), n.protocol.lazy()), (&[1][..], &[][..]));
    assert_eq!(n.protocol.upstream(), None, "the parent went down");
    assert_eq!(n.handle_at_ms(102, Input::Timer(Timer::Missing(MsgId(1)))), [], "no announcer left");
    // A GOSSIP from a node no longer a neighbour is delivered but does not bring the link back.
    let out = n.handle_at_ms(110, recv(2, gossip(2, 0)));
    assert_eq!(out, [Out::Deliver { id: MsgId(2) }, Out::Multicast { to: vec![1], msg: gossip(2, 1) }]);
    assert!(!n.protocol.eager().contains(&2));
    // A neighbour coming up is eager.
    n.handle_at_ms(120, Input::Membership(MemberChange::NeighborUp(7)));
    assert_eq!(n.protocol.eager(), [1, 7]);
}

#[test]
fn the_optimization_swaps_in_a_lazy_link_that_saves_threshold_hops() {
    let mut n = node(&[1, 2, 3], PlumtreeConfig::default());
    n.handle_at_ms(0, recv(3, PRUNE));
    // The message came through the tree at round 9; node 3 announces it at round 2: 7 hops less.
    n.handle_at_ms(10, recv(1, gossip(0, 9)));
    let out = n.handle_at_ms(11, recv(3, ihave(0, 2)));
    assert_eq!(out, [Out::Send { to: 3, msg: graft(None, 2) }, Out::Send { to: 1, msg: PRUNE }]);
    assert_eq!((n.protocol.eager(), n.protocol.lazy()), (&[2, 3][..], &[1][..]));
    assert_eq!(n.protocol.upstream(), Some(3));
    // Six hops less is below the threshold.
    let mut n = node(&[1, 2, 3], PlumtreeConfig::default());
    n.handle_at_ms(0, recv(3, PRUNE));
    n.handle_at_ms(10, recv(1, gossip(0, 8)));
    assert_eq!(n.handle_at_ms(11, recv(3, ihave(0, 2))), []);
}

#[test]
fn the_optimization_also_judges_an_ihave_that_came_before_the_gossip() {
    let mut n = node(&[1, 2, 3], PlumtreeConfig::default());
    n.handle_at_ms(0, recv(3, PRUNE));
    n.handle_at_ms(5, recv(3, ihave(0, 1)));
    let out = n.handle_at_ms(10, recv(1, gossip(0, 8)));
    assert_eq!(
        out,
        [
            Out::Deliver { id: MsgId(0) },
            Out::Multicast { to: vec![2], msg: gossip(0, 9) },
            Out::Multicast { to: vec![3], msg: ihave(0, 9) },
            Out::Send { to: 3, msg: graft(None, 1) },
            Out::Send { to: 1, msg: PRUNE },
        ]
    );
    // Off, nothing is swapped.
    let mut n = node(&[1, 2, 3], PlumtreeConfig { optimize: false, ..PlumtreeConfig::default() });
    n.handle_at_ms(0, recv(3, PRUNE));
    n.handle_at_ms(5, recv(3, ihave(0, 1)));
    assert_eq!(n.handle_at_ms(10, recv(1, gossip(0, 8))).len(), 3);
}

#[test]
fn eager_push_gossip_floods_and_never_prunes() {
    let mut n = node(&[1, 2, 3], PlumtreeConfig { lazy_push: false, ..PlumtreeConfig::default() });
    let out = n.handle_at_ms(10, recv(2, gossip(0, 0)));
    assert_eq!(out, [Out::Deliver { id: MsgId(0) }, Out::Multicast { to: vec![1, 3], msg: gossip(0, 1) }]);
    assert_eq!(n.handle_at_ms(11, recv(3, gossip(0, 1))), [], "a duplicate is dropped, not pruned");
    assert_eq!(n.protocol.eager(), [1, 2, 3]);
}

#[test]
fn overlay_and_description_name_eager_and_lazy_links() {
    let mut n = node(&[1, 2], PlumtreeConfig::default());
    n.handle_at_ms(0, recv(2, PRUNE));
    let mut links = Vec::new();
    n.protocol.overlay(&mut links);
    assert_eq!(links, [(1, OverlayLink::Eager), (2, OverlayLink::Lazy)]);
    let mut d = Description::default();
    n.protocol.describe(&mut d);
    assert_eq!((d.linked("eager"), d.linked("lazy")), (Some(&[1][..]), Some(&[2][..])));
    assert_eq!(d.value("GRAFTs sent"), Some("0"));
}

#[test]
fn a_second_swap_prunes_the_first_swaps_announcer_not_the_old_parent() {
    let mut n = node(&[1, 2, 3], PlumtreeConfig::default());
    n.handle_at_ms(0, recv(2, PRUNE));
    n.handle_at_ms(0, recv(3, PRUNE));
    n.handle_at_ms(10, recv(1, gossip(0, 20)));
    let out = n.handle_at_ms(11, recv(3, ihave(0, 12)));
    assert_eq!(out, [Out::Send { to: 3, msg: graft(None, 12) }, Out::Send { to: 1, msg: PRUNE }]);
    // Judged against the new path (round 12): 6 hops less is not enough, 8 is.
    assert_eq!(n.handle_at_ms(12, recv(2, ihave(0, 6))), []);
    let out = n.handle_at_ms(13, recv(2, ihave(0, 4)));
    assert_eq!(out, [Out::Send { to: 2, msg: graft(None, 4) }, Out::Send { to: 3, msg: PRUNE }]);
    assert_eq!((n.protocol.eager(), n.protocol.lazy()), (&[2][..], &[1, 3][..]));
}
