//! The node inspector ([`Simulation::inspect`]): exact facts for small runs of every family,
//! SWIM as a layer included, and agreement with what the engine says elsewhere (upstreams,
//! deliveries).

use mcast::engine::{self, NodeView, Simulation, NO_UPSTREAM};
use mcast::protocol::{MsgId, PacketKind};
use mcast::scenario::Scenario;
use mcast::sim::faults::Status;
use mcast::time::SimTime;

/// `size` nodes 10 ms apart, no loss, node 0 sending `messages` messages 100 ms apart, running
/// `protocol` (a JSON object), with `extra` top-level fields.
fn scenario(size: u32, protocol: &str, messages: u32, extra: &str) -> Scenario {
    let json = format!(
        r#"{{"version": 2, "seed": 1, "group": {{"size": {size}, "sender": 0, "layout": "disk"}},
        "network": {{"latency_ms": 10, "distance_ms": 0, "jitter_ms": 0, "loss": 0}},
        "protocol": {protocol}, "workload": {{"messages": {messages}, "size_bytes": 1000, "interval_ms": 100}},
        {extra} "duration_ms": 5000}}"#
    );
    Scenario::from_json(&json).unwrap_or_else(|e| panic!("{e}\n{json}"))
}

fn started(s: &Scenario) -> Box<dyn Simulation> {
    let mut sim = engine::build(s).unwrap_or_else(|e| panic!("{e}"));
    sim.set_packet_log(true);
    sim
}

fn view(sim: &dyn Simulation, node: u32) -> NodeView {
    sim.inspect(node).unwrap_or_else(|| panic!("node {node} exists"))
}

fn ids(v: &[u32]) -> Vec<MsgId> {
    v.iter().map(|&i| MsgId(i)).collect()
}

#[test]
fn centralized_sender_waits_for_acks_then_everyone_holds_the_message() {
    let mut sim = started(&scenario(3, r#"{"kind": "centralized", "reliable": true, "ack_timeout_ms": 250}"#, 1, ""));
    sim.run_until(SimTime::from_ms(5));
    let sender = view(&*sim, 0);
    assert_eq!(sender.status, Status::Up);
    assert_eq!(sender.description.state, "sender, waiting for ACKs on 1 message(s)");
    assert_eq!(sender.description.value("no ACK yet"), Some("m0: from 1, 2"));
    assert_eq!(sender.holds, ids(&[0]));
    assert_eq!(sender.timers.len(), 1, "{:?}", sender.timers);
    assert_eq!(sender.timers[0].due, SimTime::from_ms(250));
    assert_eq!(sender.timers[0].what, "retransmit m0 (round 1) to the members that have not ACKed: 1, 2");
    assert_eq!(sender.sent[PacketKind::Data as usize], 2);
    assert_eq!(sender.last_out.iter().map(|r| r.to).collect::<Vec<_>>(), [1, 2]);
    let receiver = view(&*sim, 1);
    assert_eq!(receiver.description.state, "receiver");
    assert_eq!(
        receiver.description.value("waits for"),
        Some("DATA from the sender, and answers each copy with an ACK")
    );
    assert_eq!((receiver.holds.clone(), receiver.missing.clone()), (ids(&[]), ids(&[0])));
    assert!(receiver.last_in.is_empty(), "nothing has arrived yet");

    sim.run_until(SimTime::from_ms(25));
    let sender = view(&*sim, 0);
    assert_eq!(sender.description.state, "sender");
    assert_eq!(sender.received[PacketKind::Ack as usize], 2);
    let receiver = view(&*sim, 1);
    assert_eq!((receiver.holds.clone(), receiver.missing.clone()), (ids(&[0]), ids(&[])));
    assert_eq!(receiver.received[PacketKind::Data as usize], 1);
    assert_eq!(receiver.sent[PacketKind::Ack as usize], 1);
    assert_eq!(receiver.last_in.len(), 1);
    assert!(sim.inspect(3).is_none());
}

#[test]
fn tree_node_names_its_parent_children_and_path_as_the_engine_does() {
    let mut sim =
        started(&scenario(7, r#"{"kind": "tree", "fanout": 2, "topology": "heap", "reliability": "nak"}"#, 1, ""));
    sim.run_until(SimTime::from_ms(50));
    let mut up = Vec::new();
    sim.upstreams(&mut up);
    let root = view(&*sim, 0);
    assert_eq!(root.description.state, "root");
    assert_eq!(root.description.linked("children"), Some(&[1, 2][..]));
    let one = view(&*sim, 1);
    assert_eq!(one.description.state, "in the tree");
    assert_eq!(one.description.linked("parent"), Some(&[0][..]));
    assert_eq!(one.description.linked("children"), Some(&[3, 4][..]));
    let five = view(&*sim, 5);
    assert_eq!(five.description.linked("path to the root"), Some(&[5, 2, 0][..]));
    for n in 1..7 {
        let parent = view(&*sim, n).description.linked("parent").map(|p| p[0]);
        assert_eq!(parent.unwrap_or(NO_UPSTREAM), up[n as usize], "node {n}");
    }
    assert_eq!(five.description.value("waiting for sequence"), Some("1"));
    assert_eq!(five.holds, ids(&[0]));
}

#[test]
fn srm_names_what_each_member_misses_from_each_source() {
    let s = scenario(4, r#"{"kind": "srm"}"#, 2, "");
    let mut sim = started(&s);
    sim.run_until(SimTime::from_ms(150));
    let v = view(&*sim, 1);
    assert_eq!(v.description.state, "member");
    assert_eq!(
        v.description.value("source"),
        Some("node 0: holds 2 of seq 0..2; missing []; requesting []; repairing []")
    );
    assert_eq!(v.description.value("members it multicasts to"), Some("3"));
    assert_eq!(view(&*sim, 0).description.state, "sender of 2 message(s)");
    assert!(!v.timers.is_empty(), "its session timer is pending");
}

#[test]
fn rmtp_receiver_names_its_designated_receiver() {
    let s = scenario(9, r#"{"kind": "rmtp", "dr_count": 2}"#, 1, "");
    let mut sim = started(&s);
    sim.run_until(SimTime::from_ms(1000));
    let mut up = Vec::new();
    sim.upstreams(&mut up);
    assert_eq!(view(&*sim, 0).description.state, "sender");
    let mut drs = 0;
    for n in 1..9 {
        let v = view(&*sim, n);
        let dr = v.description.linked("designated receiver").and_then(|d| d.first().copied());
        assert_eq!(dr.unwrap_or(NO_UPSTREAM), up[n as usize], "node {n}");
        drs += usize::from(v.description.state == "designated receiver");
        assert_eq!(v.description.value("missing below the highest seen"), Some("[]"), "node {n}");
    }
    assert_eq!(drs, 2);
}

#[test]
fn epidemic_families_say_whether_they_spread() {
    let gossip =
        r#"{"kind": "gossip", "mode": "push", "fanout": 1, "period_ms": 100, "spread": "rounds", "rounds": 3}"#;
    for protocol in [gossip, r#"{"kind": "rumor"}"#, r#"{"kind": "anti_entropy"}"#, r#"{"kind": "pbcast"}"#] {
        let mut sim = started(&scenario(6, protocol, 1, ""));
        let before = view(&*sim, 3);
        assert!(!before.description.state.is_empty(), "{protocol}");
        sim.run_to_end();
        let report = sim.report();
        let mut holders = 0;
        for n in 0..6 {
            let v = view(&*sim, n);
            assert_eq!(v.holds.len() + v.missing.len(), 1, "{protocol} node {n}");
            holders += v.holds.len() as u64;
        }
        assert_eq!(holders, report.deliveries + 1, "{protocol}: receivers' deliveries plus the sender");
    }
    let mut sim = started(&scenario(6, gossip, 1, ""));
    sim.run_until(SimTime::from_ms(1));
    assert_eq!(view(&*sim, 0).description.state, "infective, spreading 1 message(s)");
    assert_eq!(view(&*sim, 3).description.state, "susceptible (holds nothing)");
}

#[test]
fn swim_layer_adds_its_membership_to_the_inner_protocol() {
    let swim = r#""membership": {"service": "swim", "period_ms": 100, "ping_timeout_ms": 30, "k": 1, "suspicion_periods": 2},
        "faults": [{"kind": "crash", "at_ms": 50, "node": 4}],"#;
    let mut sim = started(&scenario(5, r#"{"kind": "centralized"}"#, 1, swim));
    sim.run_to_end();
    let v = view(&*sim, 1);
    assert!(v.description.state.starts_with("receiver; SWIM: 3 other member(s)"), "{:?}", v.description);
    assert_eq!(v.description.linked("confirmed failed"), Some(&[4][..]));
    assert_eq!(view(&*sim, 4).status, Status::Crashed);
    let mut sim = started(&scenario(5, r#"{"kind": "centralized", "reliable": true}"#, 1, swim));
    sim.run_until(SimTime::from_ms(1));
    let timers: Vec<String> = view(&*sim, 0).timers.into_iter().map(|t| t.what).collect();
    assert!(timers.contains(&"SWIM: end of the protocol period".to_string()), "{timers:?}");
    assert!(timers.iter().any(|t| t.starts_with("retransmit m0")), "the inner protocol's own: {timers:?}");
}

/// With jitter, packets arrive in another order than they were sent: the inspector lists the
/// latest ones to come in, in the order they came.
#[test]
fn latest_packets_in_are_the_last_to_arrive_in_arrival_order() {
    let s = Scenario::from_json(
        r#"{"version": 2, "seed": 3, "group": {"size": 40, "sender": 0, "layout": "disk"},
        "network": {"latency_ms": 5, "distance_ms": 40, "jitter_ms": 20, "loss": 0.1},
        "protocol": {"kind": "srm"}, "workload": {"messages": 20, "size_bytes": 1000, "interval_ms": 5},
        "duration_ms": 3000}"#,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let mut sim = started(&s);
    sim.run_until(SimTime::from_ms(400));
    for node in 1..40 {
        let v = view(&*sim, node);
        let arrived: Vec<SimTime> = v.last_in.iter().map(|r| r.arrive).collect();
        assert!(arrived.windows(2).all(|w| w[0] <= w[1]), "node {node}: {arrived:?}");
        let Some(&oldest) = arrived.first() else { continue };
        let later = sim
            .packet_log()
            .iter()
            .filter(|r| r.to == node && r.arrive <= sim.now() && r.arrive > oldest)
            .filter(|r| r.fate != mcast::sim::log::PacketFate::InFlight)
            .count();
        assert!(later < arrived.len(), "node {node}: {later} packets came in after the oldest one listed");
    }
}

/// The pending timers of `node` at `ms` in a run of `protocol` over `size` nodes, as the inspector
/// words them, earliest first.
fn timers_at(size: u32, protocol: &str, messages: u32, extra: &str, ms: u64, node: u32) -> Vec<String> {
    let mut sim = started(&scenario(size, protocol, messages, extra));
    sim.run_until(SimTime::from_ms(ms));
    view(&*sim, node).timers.into_iter().map(|t| t.what).collect()
}

#[test]
fn rmtp_says_what_each_role_does_in_its_round() {
    let rmtp = r#"{"kind": "rmtp", "dr_count": 2}"#;
    assert_eq!(
        timers_at(9, rmtp, 1, "", 30, 0),
        ["round: tell the designated receivers it has sent 1 packet(s), and retransmit what their statuses lack"]
    );
    assert_eq!(
        timers_at(9, rmtp, 1, "", 30, 1),
        ["round: send its status (next wanted: seq 1) to its designated receiver, node 3"]
    );
    assert_eq!(
        timers_at(9, rmtp, 1, "", 30, 3),
        ["round: send its status (next wanted: seq 1) to the sender, node 0, advertise to its region and repair \
          what members lack"]
    );
}

#[test]
fn push_gossip_and_cyclon_say_what_they_push_and_whom_they_shuffle_with() {
    let push = r#"{"kind": "gossip", "mode": "push", "fanout": 2, "period_ms": 100, "spread": "rounds", "rounds": 3}"#;
    assert_eq!(timers_at(6, push, 1, "", 20, 1), ["gossip period: push m0 to 2 random member(s)"]);
    let cyclon = r#"{"kind": "gossip", "peers": "cyclon", "view_size": 3, "shuffle_length": 2}"#;
    assert_eq!(
        timers_at(6, cyclon, 1, "", 20, 0),
        [
            "Cyclon shuffle: swap 2 view entries with node 1, the oldest in its view",
            "gossip period: push m0 to 1 random peer(s) of its view of 3 and ask for what it lacks"
        ]
    );
}

#[test]
fn rumor_and_anti_entropy_say_their_contacts_and_exchanges() {
    let rumor = r#"{"kind": "rumor", "anti_entropy_period_ms": 500}"#;
    let mut sim = started(&scenario(6, rumor, 1, ""));
    sim.run_until(SimTime::from_ms(120));
    let v = view(&*sim, 0);
    assert_eq!(v.description.value("stops spreading a rumor"), Some("after 2 unnecessary contact(s)"));
    let timers: Vec<String> = v.timers.into_iter().map(|t| t.what).collect();
    assert_eq!(
        timers,
        [
            "period boundary: contact a random member once the feedback due now is in",
            "anti-entropy backstop: exchange with a random member of 6: send a digest of the 1 message(s) it holds, \
             then each sends the other what the other lacks"
        ]
    );
    let ae = r#"{"kind": "anti_entropy"}"#;
    assert_eq!(
        timers_at(6, ae, 1, "", 20, 1),
        ["exchange with a random member of 6: send a digest saying it holds nothing, then each sends the other \
          what the other lacks"]
    );
}

#[test]
fn pbcast_says_its_next_round_and_what_it_forgets() {
    let pbcast = r#"{"kind": "pbcast", "gc_rounds": 2}"#;
    assert_eq!(
        timers_at(6, pbcast, 2, "", 150, 0),
        ["gossip round 2: send a digest of m0, m1 to 1 random member(s) of 6"]
    );
    assert_eq!(
        timers_at(6, pbcast, 2, "", 250, 0),
        ["gossip round 3: forget m0, m1 (held 2 rounds), then nothing is left to gossip about, so it stops"]
    );
}

#[test]
fn gossipsub_says_its_heartbeat_its_mesh_and_its_worst_peers() {
    let mut sim = started(&scenario(12, r#"{"kind": "gossipsub"}"#, 1, ""));
    sim.run_until(SimTime::from_ms(1500));
    let v = view(&*sim, 0);
    assert_eq!(v.description.state, "mesh member: 9 of its 11 peers in its mesh (it aims for 6, between 5 and 12)");
    assert_eq!(v.description.linked("mesh"), Some(&[1, 2, 3, 5, 6, 7, 8, 9, 10][..]));
    assert_eq!(v.description.value("lowest scores"), Some("node 4: 0.00, node 11: 0.00, node 1: 0.00"));
    let timers: Vec<String> = v.timers.into_iter().map(|t| t.what).collect();
    assert_eq!(
        timers,
        ["heartbeat: decay the peer scores; keep its mesh of 9 (between 5 and 12); IHAVE m0 to 2 random peer(s) \
          outside the mesh"]
    );
}

/// In a group too small for its mesh, a node says it will graft more peers at its heartbeat.
#[test]
fn gossipsub_below_its_minimum_mesh_says_it_will_graft() {
    assert_eq!(
        timers_at(4, r#"{"kind": "gossipsub"}"#, 1, "", 1500, 0),
        ["heartbeat: decay the peer scores; its mesh of 3 is below its minimum of 5, but it has no other peer to \
          graft; no IHAVE (no peer outside the mesh to tell)"]
    );
}

#[test]
fn a_stale_timer_says_it_will_do_nothing() {
    let reliable = r#"{"kind": "centralized", "reliable": true, "ack_timeout_ms": 250}"#;
    assert_eq!(timers_at(3, reliable, 1, "", 25, 0), ["retransmit m0, but every member has ACKed: it will do nothing"]);
}

/// Before its first send a centralized sender keeps no member list yet: it is still the sender.
#[test]
fn a_centralized_sender_says_so_before_its_first_send() {
    let sim = started(&scenario(3, r#"{"kind": "centralized"}"#, 1, ""));
    assert_eq!(sim.now(), SimTime::ZERO);
    assert_eq!(view(&*sim, 0).description.state, "sender");
    let receiver = view(&*sim, 1).description;
    assert_eq!(receiver.state, "receiver");
    assert_eq!(receiver.value("waits for"), Some("DATA from the sender (no ACKs: a lost copy stays lost)"));
}

/// The protocol never knows who attacks; the kernel says it, and counts what it withheld.
#[test]
fn an_attacker_says_what_it_withholds_and_from_when() {
    let attackers = r#""attackers": {"fraction": 0.3, "from_ms": 0},"#;
    let mut sim = started(&scenario(12, r#"{"kind": "gossipsub"}"#, 3, attackers));
    sim.run_until(SimTime::from_ms(1500));
    let attacker = view(&*sim, 2);
    assert_eq!(attacker.attacks_from, Some(SimTime::ZERO));
    assert_eq!(attacker.description.value("attacker"), Some("withholds the payload it should forward, from 0 ms"));
    assert_eq!(attacker.description.facts.first().map(|f| f.label), Some("attacker"), "said first");
    assert_eq!(attacker.withheld, 2);
    let honest = view(&*sim, 0);
    assert_eq!((honest.attacks_from, honest.description.value("attacker"), honest.withheld), (None, None, 0));
    let mut later =
        started(&scenario(12, r#"{"kind": "gossipsub"}"#, 1, r#""attackers": {"fraction": 0.3, "from_ms": 200},"#));
    later.run_until(SimTime::from_ms(10));
    assert_eq!(
        view(&*later, 2).description.value("attacker"),
        Some("withholds the payload it should forward, from 200 ms")
    );
}

/// Every family and layer says its timers in words: at three times in every scenario file, no
/// pending timer of the first 60 nodes reads like code.
#[test]
fn no_timer_of_any_scenario_reads_like_code() {
    let mut files: Vec<_> =
        std::fs::read_dir("scenarios").expect("scenarios/").map(|e| e.expect("entry").path()).collect();
    files.sort();
    let mut seen = 0;
    for path in files.iter().filter(|p| p.extension().is_some_and(|e| e == "json")) {
        let json = std::fs::read_to_string(path).expect("readable");
        let s = Scenario::from_json(&json).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut sim = engine::build(&s).unwrap_or_else(|e| panic!("{e}"));
        for ms in [1, 700, 2600] {
            sim.run_until(SimTime::from_ms(ms));
            for node in 0..(sim.positions().len() as u32).min(60) {
                for t in view(&*sim, node).timers {
                    seen += 1;
                    let code = ["{", "}", "::", "Timer", "Tick", "Envelope", "Inner(", "gen:"];
                    assert!(
                        !code.iter().any(|c| t.what.contains(c)),
                        "{} node {node} at {ms} ms: {}",
                        path.display(),
                        t.what
                    );
                }
            }
        }
    }
    assert!(seen > 1000, "{seen} timers looked at");
}
