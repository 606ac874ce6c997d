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

/// Plain words for the terms a parameter leans on, before its own help.
pub fn term(field: &str) -> Option<&'static str> {
    Some(match field {
        "suppression" => "Suppression: a member that hears another's request or repair for the same loss holds back its own.",
        "dr_count" | "dr_nodes" => "A designated receiver (DR) is a member that collects its region's status reports and repairs its losses, so the sender need not.",
        "fanout" => "Fanout: how many random peers a member contacts each time it gossips.",
        "k" => "A tree's k is each node's most children; for rumors, k is how soon a member loses interest.",
        "window" => "The window: how far ahead of the slowest DR the sender may run.",
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
        "count-crashed" => "Nodes crashed so far (scheduled by the scenario or clicked on the canvas).",
        "count-infective" => "Nodes spreading a message right now (the epidemic's infective state).",
        "sim-time" => "Simulated time since the run started; the Speed setting maps it to real time.",
        "round" => "Round-synchronous mode: the round the run is in.",
        "events" => "Events the simulator has processed: packet arrivals, timers, sends and faults.",
        _ => "",
    }
    .to_string()
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
