//! Tier 1 for RMTP: one node driven by hand ([`Harness`]), its precise outputs asserted, grouped
//! by role (receiver, DR, sender).
//!
//! The group: 10 initial members on a line (node `a` is |a − b| ms from node `b`), sender 0,
//! DRs 3 and 6, default parameters unless a test says otherwise (status interval 100 ms,
//! advertisement interval 1 s, tail hold 200 ms, linger 3 rounds, 40-byte headers and control
//! packets). Payload packets carry 1,000 bytes of data, so 1,040 on the wire.

use super::*;
use crate::protocol::{Distances, Harness, Output};

/// Nodes on a line, 1 ms apart per id.
struct Line;

impl Distances for Line {
    fn between(&self, from: NodeId, to: NodeId) -> SimDuration {
        SimDuration::from_ms(u64::from(from.abs_diff(to)))
    }
}

type Out = Output<Msg, Timer>;

/// One node of the group.
struct Node {
    h: Harness<Rmtp>,
}

impl Node {
    fn new(me: NodeId, config: RmtpConfig) -> Node {
        let config = RmtpConfig { dr_nodes: vec![3, 6], ..config };
        let setup = RmtpSetup::new(&config, 10, 0);
        Node { h: Harness::new(me, GroupInfo::of_size(10), Line, &setup) }
    }

    /// Node `me`, started at time 0: a receiver or DR sets its first round at a random phase
    /// in the second half of a status interval.
    fn started(me: NodeId, config: RmtpConfig) -> Node {
        let mut n = Node::new(me, config);
        let out = n.at(0, Input::Start);
        let [Output::SetTimer { after, timer: Timer::Tick { gen: 1 } }] = out.as_slice() else {
            panic!("one round timer: {out:?}");
        };
        assert!((50_000..=100_000).contains(&after.0), "{after:?}");
        n
    }

    fn at(&mut self, ms: u64, input: Input<Msg, Timer>) -> Vec<Out> {
        self.h.handle_at_ms(ms, input)
    }

    fn recv(&mut self, ms: u64, from: NodeId, msg: Msg) -> Vec<Out> {
        self.at(ms, Input::Recv { from, msg })
    }

    fn tick(&mut self, ms: u64, gen: u32) -> Vec<Out> {
        self.at(ms, Input::Timer(Timer::Tick { gen }))
    }

    fn rmtp(&self) -> &Rmtp {
        &self.h.protocol
    }
}

fn send(to: NodeId, msg: Msg) -> Out {
    Output::Send { to, msg }
}

fn multicast(to: &[NodeId], msg: Msg) -> Out {
    Output::Multicast { to: to.to_vec(), msg }
}

fn set_timer(ms: u64, timer: Timer) -> Out {
    Output::SetTimer { after: SimDuration::from_ms(ms), timer }
}

fn next_round(gen: u32) -> Out {
    set_timer(100, Timer::Tick { gen })
}

fn deliver(seq: u32) -> Out {
    Output::Deliver { id: MsgId(seq) }
}

/// Packet `seq`, carrying message `seq`, as the sender first sends it.
fn data(seq: u32) -> Msg {
    Msg::Data { seq, id: MsgId(seq), bytes: 1040 }
}

fn repair(seq: u32) -> Msg {
    Msg::Repair { seq, id: MsgId(seq), bytes: 1040 }
}

fn retransmit(seq: u32) -> Msg {
    Msg::Retransmit { seq, id: MsgId(seq), bytes: 1040 }
}

/// A status: 40 bytes and 8 per word of bitmap.
fn status(next: u32, bits: &[u64]) -> Msg {
    Msg::Status { next, bits: bits.to_vec(), bytes: 40 + 8 * bits.len() as u32 }
}

fn advert(high: u32) -> Msg {
    Msg::Advert { high, bytes: 40 }
}

fn join(waited_ms: u64) -> Msg {
    Msg::Join { waited: SimDuration::from_ms(waited_ms), bytes: 40 }
}

mod receiver {
    use super::*;

    #[test]
    fn after_a_gap_it_reports_the_lowest_missing_packet_and_a_bitmap_to_its_nearest_dr() {
        let mut n = Node::started(5, RmtpConfig::default());
        assert_eq!(n.rmtp().upstream(), Some(6), "DR 6 is 1 ms away, DR 3 2 ms");
        for seq in [0, 1, 3, 5] {
            assert_eq!(n.recv(10, 0, data(seq)), [deliver(seq)]);
        }
        assert_eq!(n.recv(20, 0, data(3)), [], "a duplicate from the sender");
        // Lacks 2 and 4; holds 3 (bit 1) and 5 (bit 3): 40 bytes and one word of bitmap.
        assert_eq!(n.tick(100, 1), [send(6, status(2, &[0b1010])), next_round(2)]);
        assert_eq!(n.rmtp().window().next(), 2);
    }

    #[test]
    fn once_its_dr_advertises_nothing_new_it_reports_for_linger_rounds_then_falls_quiet() {
        let mut n = Node::started(5, RmtpConfig::default());
        assert_eq!(n.recv(10, 0, data(0)), [deliver(0)]);
        assert_eq!(n.tick(100, 1), [send(6, status(1, &[])), next_round(2)]);
        assert_eq!(n.recv(150, 6, advert(1)), [], "holds all the DR has");
        assert_eq!(n.tick(200, 2), [send(6, status(1, &[])), next_round(3)]);
        assert_eq!(n.tick(300, 3), [send(6, status(1, &[])), next_round(4)]);
        assert_eq!(n.tick(400, 4), [], "3 rounds without news: quiet");
        // An advertisement of something it lacks wakes it.
        let out = n.recv(500, 6, advert(2));
        assert!(matches!(out.as_slice(), [Output::SetTimer { timer: Timer::Tick { gen: 5 }, .. }]), "{out:?}");
    }

    #[test]
    fn after_three_silent_advertisement_intervals_it_moves_to_the_next_nearest_dr() {
        let mut n = Node::started(5, RmtpConfig::default());
        assert_eq!(n.tick(2_999, 1), [send(6, status(0, &[])), next_round(2)]);
        assert_eq!(n.tick(3_000, 2), [send(3, status(0, &[])), next_round(3)], "3 s without DR 6");
        assert_eq!((n.rmtp().upstream(), n.rmtp().stats().failovers), (Some(3), 1));
        // DR 3 silent as long: no DR left that it does not suspect, so the sender.
        assert_eq!(n.tick(5_999, 3), [send(3, status(0, &[])), next_round(4)]);
        assert_eq!(n.tick(6_000, 4), [send(0, status(0, &[])), next_round(5)]);
        assert_eq!((n.rmtp().upstream(), n.rmtp().stats().failovers), (Some(0), 2));
    }

    #[test]
    fn a_dr_heard_from_is_kept_and_a_dr_that_leaves_is_left_at_once() {
        let mut n = Node::started(5, RmtpConfig::default());
        assert_eq!(n.recv(2_500, 6, advert(0)), []);
        assert_eq!(n.tick(3_000, 1), [send(6, status(0, &[])), next_round(2)], "heard at 2.5 s");
        assert_eq!(n.recv(3_050, 6, Msg::Leave { bytes: 40 }), []);
        assert_eq!(n.tick(3_100, 2), [send(3, status(0, &[])), next_round(3)]);
        assert_eq!(n.rmtp().stats().failovers, 1);
    }

    #[test]
    fn a_joiner_repeats_its_join_with_doubling_waits_until_the_sender_answers() {
        let mut n = Node::new(12, RmtpConfig::default());
        let contacts = vec![0];
        assert_eq!(
            n.at(0, Input::Join { contacts }),
            [send(0, join(0)), set_timer(1_000, Timer::Join { gen: 1 })],
            "the first JOIN; its repetition after an advertisement interval"
        );
        assert_eq!(n.rmtp().upstream(), Some(6), "the nearest DR, from the start");
        assert_eq!(
            n.at(1_000, Input::Timer(Timer::Join { gen: 1 })),
            [send(0, join(1_000)), set_timer(2_000, Timer::Join { gen: 2 })]
        );
        assert_eq!(
            n.at(3_000, Input::Timer(Timer::Join { gen: 2 })),
            [send(0, join(3_000)), set_timer(4_000, Timer::Join { gen: 3 })]
        );
        assert_eq!(n.at(3_000, Input::Timer(Timer::Join { gen: 1 })), [], "a stale timer");
        // A packet before the answer is delivered and remembered; the answer sets the window.
        let out = n.recv(3_050, 0, data(7));
        assert!(matches!(out.as_slice(), [Output::Deliver { id: MsgId(7) }, Output::SetTimer { .. }]), "{out:?}");
        assert_eq!(n.recv(3_100, 6, Msg::JoinAck { base: 1, bytes: 40 }), [], "only the sender answers");
        assert_eq!(n.recv(3_100, 0, Msg::JoinAck { base: 5, bytes: 40 }), []);
        assert_eq!(n.tick(3_200, 1), [send(6, status(5, &[0b100])), next_round(2)]);
        assert_eq!(n.at(7_000, Input::Timer(Timer::Join { gen: 3 })), [], "answered");
    }

    #[test]
    fn a_joiner_gives_up_after_max_retries_repetitions() {
        let mut n = Node::new(12, RmtpConfig { max_retries: 2, ..RmtpConfig::default() });
        assert_eq!(n.at(0, Input::Restart { contacts: vec![0] }).len(), 2);
        let fire = |n: &mut Node, ms, gen| n.at(ms, Input::Timer(Timer::Join { gen }));
        assert_eq!(fire(&mut n, 1_000, 1), [send(0, join(1_000)), set_timer(2_000, Timer::Join { gen: 2 })]);
        assert_eq!(fire(&mut n, 3_000, 2), [send(0, join(3_000)), set_timer(4_000, Timer::Join { gen: 3 })]);
        assert_eq!(fire(&mut n, 7_000, 3), [], "three JOINs: the first and 2 repetitions");
    }
}

mod dr {
    use super::*;

    /// DR 6, started, holding packets 0 to 3 (from t = 10 ms), its region reporting at 20 ms:
    /// 5 lacks the tail packet 3, 7 and 8 lack 1 (they hold 2 and 3), 9 lacks 2 (holds 3).
    fn dr_with_region(config: RmtpConfig) -> Node {
        let mut n = Node::started(6, config);
        assert_eq!(n.rmtp().upstream(), Some(0), "a DR reports to the sender");
        for seq in 0..4 {
            assert_eq!(n.recv(10, 0, data(seq)), [deliver(seq)]);
        }
        assert_eq!(n.recv(20, 5, status(3, &[])), []);
        assert_eq!(n.recv(20, 7, status(1, &[0b110])), []);
        assert_eq!(n.recv(20, 8, status(1, &[0b110])), []);
        assert_eq!(n.recv(20, 9, status(2, &[0b10])), []);
        assert_eq!(n.rmtp().region(), [5, 7, 8, 9]);
        n
    }

    #[test]
    fn a_packet_half_the_region_lacks_is_multicast_and_one_member_lacks_is_unicast() {
        let mut n = dr_with_region(RmtpConfig::default());
        assert_eq!(
            n.tick(100, 1),
            [
                send(0, status(4, &[])),
                multicast(&[5, 7, 8, 9], advert(4)),
                multicast(&[5, 7, 8, 9], repair(1)),
                send(9, repair(2)),
                next_round(2),
            ],
            "2 of 4 lack packet 1 (threshold 0.5); 5's tail loss waits for the tail hold"
        );
        let st = n.rmtp().stats();
        assert_eq!((st.status_received, st.multicast_repairs, st.unicast_repairs), (4, 1, 1));
    }

    #[test]
    fn a_tail_loss_waits_for_the_tail_hold_and_a_repaired_member_for_its_next_status() {
        let mut n = dr_with_region(RmtpConfig::default());
        assert_eq!(n.tick(100, 1).len(), 5);
        // Packet 3 held 200 ms: repaired to 5. 7, 8 and 9 were repaired 110 ms ago, less than
        // 2 status intervals and a round trip (2 × 1 to 3 ms): they are left alone.
        assert_eq!(n.tick(210, 2), [send(0, status(4, &[])), send(5, repair(3)), next_round(3)]);
        // 202 ms after the repair, 7 is due again, 8 and 9 (204 and 206 ms) not yet.
        assert_eq!(n.tick(302, 3), [send(0, status(4, &[])), send(7, repair(1)), next_round(4)]);
    }

    #[test]
    fn a_member_silent_through_max_retries_repair_rounds_is_dropped() {
        let mut n = Node::started(6, RmtpConfig { max_retries: 2, ..RmtpConfig::default() });
        assert_eq!(n.recv(10, 0, data(0)), [deliver(0)]);
        assert_eq!(n.recv(10, 0, data(1)), [deliver(1)]);
        assert_eq!(n.recv(20, 7, status(0, &[0b10])), []);
        let me = send(0, status(2, &[]));
        assert_eq!(n.tick(100, 1), [me.clone(), multicast(&[7], advert(2)), send(7, repair(0)), next_round(2)]);
        assert_eq!(n.tick(400, 2), [me.clone(), send(7, repair(0)), next_round(3)]);
        assert_eq!(n.rmtp().region(), [7]);
        assert_eq!(n.tick(700, 3), [me, next_round(4)], "no status after 2 repairs: dropped");
        assert_eq!(n.rmtp().region(), Vec::<NodeId>::new());
    }

    #[test]
    fn a_leaving_dr_tells_its_region_and_the_sender() {
        let mut n = dr_with_region(RmtpConfig::default());
        let bye = Msg::Leave { bytes: 40 };
        let out = n.at(50, Input::Leave { contacts: vec![0] });
        assert_eq!(out, [5, 7, 8, 9, 0].map(|to| send(to, bye.clone())));
    }
}

mod sender {
    use super::*;

    fn app(n: &mut Node, ms: u64, id: u32) -> Vec<Out> {
        n.at(ms, Input::AppSend { id: MsgId(id), bytes: 1000 })
    }

    /// Every initial member but the sender, the DRs first.
    const EVERYONE: [NodeId; 9] = [3, 6, 1, 2, 4, 5, 7, 8, 9];

    #[test]
    fn data_goes_to_the_drs_first_and_waits_when_the_window_is_full() {
        let mut n = Node::new(0, RmtpConfig { window: 2, ..RmtpConfig::default() });
        assert_eq!(n.at(0, Input::Start), [], "the sender has no DR to choose");
        assert_eq!(app(&mut n, 0, 0), [multicast(&EVERYONE, data(0)), next_round(1)]);
        assert_eq!(app(&mut n, 10, 1), [multicast(&EVERYONE, data(1))]);
        assert_eq!(app(&mut n, 20, 2), [], "2 packets beyond the lowest a DR lacks (0)");
        assert_eq!(n.rmtp().queued(), 1);
        assert_eq!(n.recv(30, 3, status(2, &[])), [], "DR 6 still lacks 0");
        assert_eq!(n.recv(40, 6, status(1, &[])), [multicast(&EVERYONE, data(2))]);
        assert_eq!(n.rmtp().queued(), 0);
    }

    #[test]
    fn a_dr_lacking_a_packet_gets_a_retransmission() {
        let mut n = Node::new(0, RmtpConfig::default());
        app(&mut n, 0, 0);
        app(&mut n, 0, 1);
        assert_eq!(n.recv(50, 3, status(0, &[0b10])), []);
        assert_eq!(n.recv(50, 6, status(2, &[])), []);
        assert_eq!(n.tick(100, 1), [multicast(&[3, 6], advert(2)), send(3, retransmit(0)), next_round(2)]);
        assert_eq!(n.rmtp().status_senders(), [(3, 1), (6, 1)]);
    }

    #[test]
    fn a_join_is_answered_with_the_windows_lower_edge_and_the_joiner_gets_the_data() {
        let mut n = Node::new(0, RmtpConfig::default());
        for (ms, id) in [(0, 0), (100, 1), (200, 2)] {
            app(&mut n, ms, id);
        }
        assert_eq!(n.recv(250, 3, status(1, &[])), []);
        assert_eq!(n.recv(250, 6, status(3, &[])), []);
        // Joined at most 12 ms (the trip) + 100 ms (margin) ago: packet 2 came later, but DR 3
        // still lacks 1, the window's lower edge.
        assert_eq!(n.recv(300, 12, join(0)), [send(12, Msg::JoinAck { base: 1, bytes: 40 })]);
        let mut to = EVERYONE.to_vec();
        to.push(12);
        assert_eq!(app(&mut n, 400, 3), [multicast(&to, data(3))]);
    }

    #[test]
    fn a_join_is_answered_with_the_first_packet_sent_since_the_joiner_joined() {
        let mut n = Node::new(0, RmtpConfig::default());
        for (ms, id) in [(0, 0), (100, 1), (200, 2), (300, 3)] {
            app(&mut n, ms, id);
        }
        assert_eq!(n.recv(350, 3, status(4, &[])), []);
        assert_eq!(n.recv(350, 6, status(4, &[])), []);
        // Waited 150 ms, a 13 ms trip and 100 ms of margin: since 37 ms after packet 1 left.
        assert_eq!(n.recv(400, 13, join(150)), [send(13, Msg::JoinAck { base: 2, bytes: 40 })]);
    }
}
