//! Plain words for what the page shows: per protocol family, what it does, what to watch and
//! why it matters, with the paper behind a link; what each counter counts; what the terms a
//! parameter leans on mean (suppression, a designated receiver, fanout). Nothing here touches
//! the browser.

use mcast::protocol::PacketKind;

/// A family's three sentences and its paper.
pub struct FamilyText {
    /// What it does.
    pub what: &'static str,
    /// What to watch on the canvas and the counters.
    pub watch: &'static str,
    /// Why it matters.
    pub why: &'static str,
    /// The paper's title, and a link to it.
    pub paper: (&'static str, &'static str),
}

const fn text(
    what: &'static str,
    watch: &'static str,
    why: &'static str,
    paper: (&'static str, &'static str),
) -> FamilyText {
    FamilyText { what, watch, why, paper }
}

/// The plain words for protocol `kind`, if the page has them.
pub fn family(kind: &str) -> Option<FamilyText> {
    Some(match kind {
        "centralized" => text(
            "The sender sends one copy of each message to every member in turn; with ACKs on, each member answers and the sender resends to the silent ones.",
            "Watch the copies leave the sender one after another, and the ACKs converge back on it.",
            "It is the baseline: simple and complete, but the sender does all the work and hears every member (ACK implosion).",
            ("Reliable multicast, an overview", "https://en.wikipedia.org/wiki/Reliable_multicast"),
        ),
        "tree" => text(
            "Members form a tree: each node forwards every message to its k children, and a child that misses one asks its parent, not the sender.",
            "Watch the tree's edges, the copies spreading level by level, and heartbeats on each edge; crash a node near the root and see orphans re-attach.",
            "Spreading the work over the tree keeps every node's load small, at the cost of depth (about log_k n hops) and repairs when a parent fails.",
            ("A comparison of reliable multicast protocols (Levine & Garcia-Luna-Aceves 1998)", "https://scholar.google.com/scholar?q=A+comparison+of+reliable+multicast+protocols+Levine+Garcia-Luna-Aceves"),
        ),
        "rmtp" => text(
            "RMTP splits the group into regions, each with a designated receiver (DR): a member that collects its region's status reports and repairs its losses locally.",
            "Watch the lines from members to their DR, the status reports flowing to the DRs, and the DRs' repairs; the sender hears only the DRs.",
            "The sender is spared an implosion, but each DR takes its whole region's load: the results show the busiest DR against the sender.",
            ("Reliable Multicast Transport Protocol (RMTP) (Paul et al. 1997)", "https://scholar.google.com/scholar?q=Reliable+Multicast+Transport+Protocol+RMTP+Paul+Sabnani+1997"),
        ),
        "srm" => text(
            "SRM (Scalable Reliable Multicast): a member that misses a packet multicasts a repair request after a random wait scaled by its distance to the source; any member holding the packet may multicast the repair.",
            "Watch the NAKs (requests) and REPAIRs: with suppression on, the first request heard makes the others hold back theirs, so few requests go out.",
            "Suppression (hearing someone else ask, or repair, cancels one's own) keeps requests from imploding, but every request and repair goes to the whole group.",
            ("A Reliable Multicast Framework for Light-weight Sessions (Floyd et al. 1997)", "https://doi.org/10.1109/90.650139"),
        ),
        "pbcast" => text(
            "Bimodal multicast: an unreliable multicast first, then rounds of gossip in which members send digests (summaries of what they hold) to random members, which ask for what they miss.",
            "Watch the first multicast, then the DIGEST packets and the retransmissions they solicit; the results' histogram shows messages reaching almost all or almost none.",
            "Its delivery is bimodal: with high probability a message reaches nearly everyone or nearly no one, never half the group.",
            ("Bimodal Multicast (Birman et al. 1999)", "https://doi.org/10.1145/312203.312207"),
        ),
        "plumtree" => text(
            "Plumtree runs over HyParView's overlay: each node pushes a message to its eager neighbours and only announces it (IHAVE) to its lazy ones; a duplicate turns a link lazy (PRUNE), a missing message announced by IHAVE is fetched by GRAFT, which turns the link eager again.",
            "Watch the first broadcast flood the overlay and PRUNEs trim it: the eager links left form a tree drawn bright over the lazy ones; crash nodes and see GRAFTs re-link the orphans.",
            "A tree's cost (one payload per receiver) with gossip's robustness: the lazy links keep a spare path to every node, ready to become part of the tree.",
            ("Epidemic Broadcast Trees (Leitão, Pereira & Rodrigues 2007)", "https://doi.org/10.1109/SRDS.2007.27"),
        ),
        "gossipsub" => text(
            "GossipSub v1.1 (libp2p): each node forwards full messages to a mesh of about 6 of its peers, kept by a heartbeat with GRAFT and PRUNE, and gossips the ids of recent messages (IHAVE) to other peers, which ask for what they missed (IWANT); peers are scored by what they deliver.",
            "Watch the mesh links among the connections, the GOSSIP copies racing along them and the IHAVE gossip each heartbeat; with attackers, PRUNEs as their scores fall below zero.",
            "It is what Ethereum and Filecoin run: a bounded flood that is fast and tolerant of loss, and peer scoring that pushes out peers who take without forwarding.",
            ("GossipSub: Attack-Resilient Message Propagation in the Filecoin and ETH2.0 Networks (Vyzovitis et al. 2020)", "https://doi.org/10.48550/arXiv.2007.02754"),
        ),
        "gossip" => text(
            "Gossip (epidemic) dissemination: each informed member periodically picks random peers (its fanout) and pushes the message, pulls what it lacks, or both.",
            "Watch the informed share grow as an S-curve: slow, then doubling each round, then the last few taking longest; the chart's dashed line is the model.",
            "No structure to maintain and no single point of failure: redundancy buys robustness to loss and crashes.",
            ("Epidemic Algorithms for Replicated Database Maintenance (Demers et al. 1987)", "https://doi.org/10.1145/41840.41841"),
        ),
        "rumor" => text(
            "Rumor mongering: a member spreads a 'hot' rumor to random peers and loses interest after k unnecessary contacts (peers that already knew it).",
            "Watch the infective nodes (spreading) turn removed (stopped); some members may never hear the rumor: the residue.",
            "Cheap, but not complete: larger k leaves fewer members uninformed at the cost of more traffic (residue ≈ e^(−m)).",
            ("Epidemic Algorithms for Replicated Database Maintenance (Demers et al. 1987), §1.4", "https://doi.org/10.1145/41840.41841"),
        ),
        "anti_entropy" => text(
            "Anti-entropy: every period each member compares what it holds with a random peer's and they exchange the difference.",
            "Watch the digests and the exchanges; every member ends up with every message, slowly but surely.",
            "It always converges, which is why it runs beneath rumor mongering as a backstop.",
            ("Epidemic Algorithms for Replicated Database Maintenance (Demers et al. 1987), §1.3", "https://doi.org/10.1145/41840.41841"),
        ),
        _ => return None,
    })
}

/// Plain words for the terms parameter `field` of protocol `kind` leans on, before its own help.
pub fn term(kind: &str, field: &str) -> Option<&'static str> {
    Some(match field {
        "k" => "k sets how soon a member loses interest in a rumor it spreads: after k contacts that did not need it, or with odds 1/k at each.",
        "suppression" => "Suppression: a member that hears another's request or repair for the same loss holds back its own.",
        "dr_count" | "dr_nodes" => "A designated receiver (DR) is a member that collects its region's status reports and repairs its losses, so the sender need not.",
        "fanout" if kind == "tree" => "Fanout: how many children each tree node forwards every message to.",
        "fanout" => "Fanout: how many random peers a member contacts each time it gossips.",
        "window" => "The window: how far ahead of the slowest DR the sender may run.",
        "c1" | "c2" => "The request timer: a member that misses a packet waits a random time, longer the farther it is from the source, before asking; hearing a request meanwhile holds its own back.",
        "d1" | "d2" => "The repair timer: a member that can repair waits a random time, longer the farther it is from the requester; hearing a repair meanwhile cancels its own.",
        "session_interval_ms" | "session_bandwidth_bytes_per_sec" => "Session messages: each member periodically tells the group the highest packet it has seen, which reveals losses at the tail and measures distances.",
        "heartbeat_interval_ms" | "heartbeat_misses" => "A heartbeat is a small 'still here' packet on each tree edge; silence means the neighbour may have crashed.",
        "reliability" => "ACKs: each child confirms what it got. NAKs: a child speaks only when it sees a gap, which is cheaper when losses are rare.",
        "feedback" | "counter_reset" | "removal" => "A rumor spreads until members lose interest in it; these settings decide when a member stops spreading.",
        "first_phase" => "Bimodal multicast starts with a fast, unreliable spread; gossip rounds then repair what it lost.",
        "peers" | "view_size" | "shuffle_length" | "shuffle_period_ms" => "A partial view: each member knows only a few others, refreshed by swapping entries (Cyclon), instead of the whole group.",
        "tree_arity" => "The tree's arity: how many children each node forwards to.",
        "multicast_threshold" => "Above this share of a region missing a packet, the DR multicasts the repair to the region instead of unicasting it.",
        _ => return None,
    })
}

/// What counter `id` counts (its tooltip).
pub fn counter_means(id: &str) -> String {
    if let Some(kind) = id.strip_prefix("count-").and_then(|n| PacketKind::ALL.iter().find(|k| k.name() == n)) {
        return format!("{} packets sent so far: {}", kind.label(), kind.meaning());
    }
    match id {
        "count-lost" => "Packets lost at random on a link (the loss rate), so far; they vanish half-way on the canvas.",
        "count-dropped-queue" => "Packets dropped because a node's uplink or downlink queue was full (congestion, not random loss).",
        "count-dropped-partition" => "Packets dropped because a partition cut the link between sender and receiver.",
        "count-deliveries" => "Deliveries made / owed: each message counts once per receiver that was a member when it was sent and is still up.",
        "count-withheld" => "Payload packets the attackers kept instead of forwarding, so far: none before the attack time.",
        "count-crashed" => "Nodes crashed so far (scheduled by the scenario or crashed from the inspector).",
        "count-infective" => "Nodes spreading a message right now (the epidemic's infective state).",
        "sim-time" => "Simulated time since the run started; the Speed setting maps it to real time.",
        "round" => "Round-synchronous mode: the round the run is in.",
        "events" => "Events the simulator has processed: packet arrivals, timers, sends and faults.",
        _ => "",
    }
    .to_string()
}

/// Why preset `file` matters, in a sentence (what it shows is the gallery's own line).
pub fn preset_why(file: &str) -> Option<&'static str> {
    Some(match file {
        "centralized-latency.json" => "One sender sending every copy itself is the simplest reliable multicast; its latency grows with the group because the copies queue in one uplink.",
        "ack-implosion.json" => "This is the ACK implosion that motivates every scalable design: the sender cannot listen to everyone at once.",
        "centralized-acks.json" => "ACKs make delivery complete, at the price of one answer per member per message at the sender; the scenario also crashes one member early (listed below).",
        "tree-root-crash.json" => "A tree spreads the load but makes nodes depend on their parents: failure detection and re-attachment decide how long the orphans wait.",
        "tree.json" => "Hop-by-hop repair keeps each NAK and repair local to one tree edge, so no node hears from more than its k children.",
        "tree-aware.json" => "Where a joiner attaches decides the tree's depth and its links' lengths, and so every message's latency.",
        "nak-implosion.json" => "Negative ACKs alone do not scale: when everyone misses the same packet, everyone asks at once.",
        "srm-suppression.json" => "Suppression is SRM's answer to the NAK implosion: randomised waits let one request speak for many.",
        "srm.json" => "SRM needs no sender-side state per receiver; the cost is that every request and repair reaches the whole group.",
        "srm-native.json" => "SRM was designed for IP multicast; sending each multicast once changes both its speed and its suppression.",
        "pbcast-bimodal.json" => "Bimodal multicast promises 'almost all or almost none', a guarantee applications can reason about.",
        "pbcast.json" => "Gossip repairs what the unreliable multicast lost, with a load per member that stays constant as the group grows.",
        "plumtree.json" => "A structure that emerges from gossip needs no one to build it: the first broadcast's fastest paths become the tree.",
        "plumtree-heal.json" => "Trees are fragile; one embedded in a gossip overlay repairs itself from the lazy links, losing only what was sent while it healed.",
        "plumtree-eager.json" => "Same overlay, same latency, a third of the payload: lazy push is what Plumtree adds to flooding.",
        "gossipsub.json" => "A bounded mesh costs a few copies of each message per node, whatever the group's size, where flooding every connection would cost one per connection.",
        "gossipsub-attack.json" => "Peer scores turn 'this peer never delivers' into a PRUNE: the defence GossipSub v1.1 added against nodes that take without giving.",
        "gossipsub-attack-no-scoring.json" => "Without scores the mesh cannot tell a silent peer from a slow one: the attackers keep their mesh places and the honest nodes pay in latency and losses.",
        "rmtp-dr-load.json" => "Hierarchy moves the implosion from the sender to the designated receivers: the load is shifted, not removed.",
        "rmtp.json" => "Local recovery by a nearby DR repairs losses faster and keeps repair traffic inside the region.",
        "gossip-rounds.json" => "The S-curve and its log n rounds are why gossip scales: each informed node recruits others.",
        "gossip.json" => "Pulling finds the last uninformed members, which pushing alone reaches only by chance.",
        "gossip-push.json" => "Push alone shows the epidemic's slow tail: the last few members wait for a random contact.",
        "gossip-vs-acks.json" => "The same network, two philosophies: central control implodes, gossip spreads the work evenly.",
        "rumor.json" => "Rumor mongering trades completeness for cost: the residue is the price of stopping early.",
        "rumor-backstop.json" => "Combining a fast rumor with slow anti-entropy gets speed and completeness together.",
        "congested-sender.json" => "Finite queues turn a burst into loss: congestion, not the link's loss rate, is what drops these packets.",
        "partition.json" => "A partition cuts members off whole: protocols must catch them up when it heals.",
        "bursty-loss.json" => "Real losses come in bursts, which defeat schemes that assume each packet is lost independently.",
        "regions.json" => "Latency between regions dominates: protocols that repair locally win on such networks.",
        "churn.json" => "Members come and go during the run; the results count only deliveries owed to those present.",
        "crash-recover.json" => "A node that comes back has lost its state: recovery must resend what it missed.",
        "swim-crash.json" => "Failure detection takes time: until SWIM confirms the crash, the sender keeps waiting for a dead member.",
        "live-stream.json" => "For live media a late frame is as bad as a lost one: what counts is the playout deadline, not eventual delivery.",
        "rounds.json" => "Rounds make runs comparable with the epidemic papers' analyses, which count time in rounds.",
        _ => return None,
    })
}

/// Where a preset starts on the page: simulated time to skip to and the speed to play at, for
/// presets whose first packets come late (page state, not part of the scenario).
pub fn opening(file: &str) -> Option<(f64, f64)> {
    Some(match file {
        // The first DATA leaves at 2,500 ms (the members exchange sessions first).
        "nak-implosion.json" | "srm-suppression.json" | "srm.json" | "srm-native.json" => (2_450.0, 0.1),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use mcast::scenario::ProtocolSpec;

    #[test]
    fn every_family_and_counter_has_words() {
        for kind in ProtocolSpec::kinds() {
            assert!(family(kind).is_some(), "no plain words for {kind}");
        }
        for k in PacketKind::ALL {
            assert!(!counter_means(&format!("count-{}", k.name())).is_empty(), "{k:?}");
        }
        for file in super::super::gallery::groups().iter().flat_map(|(_, ps)| ps.iter().map(|p| p.file)) {
            assert!(preset_why(file).is_some(), "no why for {file}");
        }
        for id in ["count-lost", "count-deliveries", "sim-time", "events"] {
            assert!(!counter_means(id).is_empty(), "{id}");
        }
    }

    #[test]
    fn openings_start_just_before_the_first_data() {
        for file in ["nak-implosion.json", "srm.json"] {
            let s = crate::web::gallery::load(file).expect("the preset loads");
            let (at, _) = opening(file).expect("an opening");
            assert!(at < s.workload.start_ms && s.workload.start_ms - at <= 100.0, "{file}: {at}");
        }
    }
}
