//! The gallery: ready-made scenarios from `scenarios/`, each showing one thing the literature
//! names (a weakness of a protocol, or a feature of the network model). They are compiled into
//! the page, so they load offline and always match the engine that runs them. The picker groups
//! them ([`groups`]): by the protocol family they run (`preset!(file, title, shows)`), under a
//! group named in the line (`preset!(in "Membership: SWIM", file, title, shows)`, for a preset
//! about something else than its family), or under the network model for those that show a
//! feature of the network (`preset!(network: ...)`), last.

use mcast::scenario::{Limits, Scenario, ScenarioError};

/// One preset: its file name, a short title for the picker, and what to watch for.
pub struct Preset {
    /// The file under `scenarios/`.
    pub file: &'static str,
    /// The title in the picker.
    pub title: &'static str,
    /// What it shows, in one sentence.
    pub shows: &'static str,
    /// The picker's group, if not its family's.
    group: Option<&'static str>,
    json: &'static str,
}

/// The picker's group of the presets that show a feature of the network model.
pub const NETWORK_GROUP: &str = "The network model";

macro_rules! preset {
    ($file:literal, $title:literal, $shows:literal) => {
        preset!(@ None, $file, $title, $shows)
    };
    (network: $file:literal, $title:literal, $shows:literal) => {
        preset!(@ Some(NETWORK_GROUP), $file, $title, $shows)
    };
    (in $group:literal, $file:literal, $title:literal, $shows:literal) => {
        preset!(@ Some($group), $file, $title, $shows)
    };
    (@ $group:expr, $file:literal, $title:literal, $shows:literal) => {
        Preset {
            file: $file,
            title: $title,
            shows: $shows,
            group: $group,
            json: include_str!(concat!("../../scenarios/", $file)),
        }
    };
}

/// Every preset, in the order the picker lists them: the protocols' weaknesses first.
pub const PRESETS: &[Preset] = &[
    preset!(
        "centralized-latency.json",
        "Centralized: O(n) at the sender",
        "One sender, 2,000 copies through one uplink: the last member waits 0.86 s, the median half that."
    ),
    preset!(
        "ack-implosion.json",
        "Centralized: ACK implosion",
        "1,499 ACKs converge on the sender's downlink: most are dropped there, and it retransmits data everyone had."
    ),
    preset!(
        "tree-root-crash.json",
        "Tree: a crash near the root",
        "Half the tree loses its parent: orphans notice missing heartbeats, re-attach (bright edges) and catch up."
    ),
    preset!(
        "tree.json",
        "Tree with hop-by-hop NAKs",
        "Each node forwards to its k children; gaps are repaired by the parent."
    ),
    preset!(
        "tree-aware.json",
        "Tree: topology-aware, a crowd joining at once",
        "2,000 members in four regions join together; full parents place joiners by distance and load, so the tree stays 6 hops deep."
    ),
    preset!(
        "nak-implosion.json",
        "NAKs without suppression: implosion",
        "Every receiver that misses a packet multicasts its own request: 88 requests, 17,512 NAK packets."
    ),
    preset!(
        "srm-suppression.json",
        "SRM: the same loss, with suppression",
        "Randomized, distance-scaled timers: the first request silences the rest: 8 requests instead of 88."
    ),
    preset!(
        "srm.json",
        "SRM at 10 % loss",
        "Requests and repairs multicast to the group; session messages measure distances."
    ),
    preset!(
        "srm-native.json",
        "SRM over native (IP) multicast",
        "The run above with each multicast leaving its sender once: messages complete in 0.11 s instead of 0.70 s; everyone detects a loss at once, so 94 requests race instead of 34."
    ),
    preset!(
        "pbcast-bimodal.json",
        "Bimodal multicast: two modes",
        "The sender's link loses 95 %: 2 of its 30 messages reach nobody, the other 28 all 39 members; none stops between."
    ),
    preset!(
        "pbcast.json",
        "Bimodal multicast at 10 % loss",
        "A multicast, then gossip rounds: digests to random members, which solicit what the multicast lost."
    ),
    preset!(
        "gossipsub.json",
        "GossipSub v1.1: a mesh of degree 6",
        "1,000 nodes graft a mesh of 5 to 12 peers each in a heartbeat or two; each message costs 5.4 copies per node, IHAVE gossip repairs the 1 % lost."
    ),
    preset!(
        "gossipsub-attack.json",
        "GossipSub: 30 % attackers, scoring on",
        "120 of 400 nodes forward nothing; their mesh delivery deficit (P3) gets them pruned, and honest nodes miss 8 deliveries in 55,800, at 70 ms mean."
    ),
    preset!(
        "gossipsub-attack-no-scoring.json",
        "GossipSub: 30 % attackers, scoring off",
        "The same attackers without peer scores stay in the meshes: honest nodes miss 24 deliveries, at 74 ms mean, through fewer honest paths and unanswered IWANTs."
    ),
    preset!(
        "rmtp-dr-load.json",
        "RMTP: load on the designated receivers",
        "The sender hears 4 DRs; each DR hears its whole region: the busiest takes 100× the sender's inbound."
    ),
    preset!(
        "rmtp.json",
        "RMTP at 10 % loss",
        "Receivers report to their nearest DR (lines); DRs repair locally, to one receiver or to the region."
    ),
    preset!(
        "gossip-rounds.json",
        "Gossip: the epidemic S-curve",
        "Push to one random peer a round: 2, 4, 8, ... informed, then the last few take ln n rounds; all 1,000 after 17 rounds (log₂ n + ln n = 16.9)."
    ),
    preset!(
        "gossip.json",
        "Gossip: push against push-pull",
        "Push-pull over 2,000 nodes: pulls find the last few, everyone has each message within 0.61 s; push alone (next preset) takes 1.53 s."
    ),
    preset!(
        "gossip-push.json",
        "Gossip: push alone",
        "The run above without pulls: fewer packets, but the last nodes wait for a random push to find them (1.53 s)."
    ),
    preset!(
        "gossip-vs-acks.json",
        "Gossip against ACK implosion on the same network",
        "The ACK implosion preset's network with gossip instead: no node hears more than 8 packets in 100 ms (the ACKing sender: 475), 7 drops at the sender's downlink instead of 5,043, every member has both messages within 0.42 s, for 5.5 payload packets per node per message instead of 2.8. Compare all protocols shows both."
    ),
    preset!(
        "rumor.json",
        "Rumor mongering: residue against k",
        "Push rumor mongering with feedback and a counter, k = 2: 35 of 999 members never hear the rumor (residue 3.5 % at 3.3 pushes per member, s ≈ e^(−m)); raise k for less residue and more traffic."
    ),
    preset!(
        "rumor-backstop.json",
        "Anti-entropy closes the residue",
        "The rumor alone (k = 1) reaches 846 of 999; anti-entropy beneath, once a second, reaches the other 153 within three of its periods."
    ),
    preset!(
        "centralized-acks.json",
        "Centralized with ACKs at 30 % loss",
        "Every member gets every message; the sender hears n ACKs per message."
    ),
    preset!(
        network: "congested-sender.json",
        "Congested sender",
        "A finite uplink queue drops copies at the sender; a thin downlink drops ACKs."
    ),
    preset!(network: "partition.json", "Partition", "Twenty members cut off for 400 ms, three that can hear but not answer."),
    preset!(network: "bursty-loss.json", "Bursty loss", "Gilbert–Elliott loss: losses come in spells, not one by one."),
    preset!(network: "regions.json", "Regions (LAN/WAN)", "Fast inside a region, slow between regions."),
    preset!(network: "churn.json", "Churn", "Members join and leave while the sender multicasts."),
    preset!(network: "crash-recover.json", "Crash and recover", "Retransmissions catch nodes up once they are back."),
    preset!(
        "plumtree.json",
        "Plumtree: the tree emerges",
        "The first broadcast floods HyParView's overlay (3,194 GOSSIPs) and 2,176 PRUNEs trim it to a tree drawn bright over the lazy links; each of the next nine costs about 1,020 GOSSIPs (n − 1 plus a duplicate on each link HyParView's refill made meanwhile), with no GRAFT: RMR 0.24 over all ten."
    ),
    preset!(
        "plumtree-heal.json",
        "Plumtree: healing after 20 % crash",
        "200 of 1,000 nodes crash at once: HyParView refills the active views from passive ones, and IHAVEs from lazy peers GRAFT the orphaned subtrees back (831 GRAFTs); every broadcast reaches every live node."
    ),
    preset!(
        "plumtree-eager.json",
        "Eager-push gossip on Plumtree's overlay",
        "The tree-emerging preset with lazy push off: every node forwards every message on all its active links, 3.27 payload packets per delivery against Plumtree's 1.24, for the same latency (p50 114 ms for both: Plumtree's tree is the first broadcast's fastest paths). Compare all protocols shows both."
    ),
    preset!(
        in "Membership: SWIM (Das et al. 2002)",
        "swim-crash.json",
        "SWIM: detecting a crash",
        "Members ping one another each period; node 57 goes silent, is suspected a second later, confirmed after the time-out, and the sender stops waiting for it."
    ),
    preset!(network: "live-stream.json", "Live stream", "The last copies of each packet miss the playout deadline."),
    preset!(
        network: "rounds.json",
        "Round-synchronous mode",
        "Every packet arrives at the next round, as in the epidemic papers."
    ),
];

/// The preset in `file`, parsed (validation is the caller's, against the browser's limits).
pub fn load(file: &str) -> Result<Scenario, ScenarioError> {
    let p = PRESETS
        .iter()
        .find(|p| p.file == file)
        .ok_or_else(|| ScenarioError::invalid("preset", format!("no preset named `{file}`")))?;
    Scenario::from_json_with(p.json, &Limits::BROWSER)
}

/// The picker's groups, each with its presets in [`PRESETS`] order: the protocol families'
/// (by title) and those named in a preset's line, in order of first appearance, then
/// [`NETWORK_GROUP`].
pub fn groups() -> Vec<(&'static str, Vec<&'static Preset>)> {
    let mut groups: Vec<(&'static str, Vec<&'static Preset>)> = vec![(NETWORK_GROUP, Vec::new())];
    for p in PRESETS {
        let group = match (p.group, load(p.file)) {
            (Some(group), _) => group,
            (None, Ok(s)) => s.protocol.info().title(),
            (None, Err(_)) => "Other",
        };
        match groups.iter_mut().find(|(g, _)| *g == group) {
            Some((_, presets)) => presets.push(p),
            None => groups.push((group, vec![p])),
        }
    }
    groups.rotate_left(1);
    groups.retain(|(_, presets)| !presets.is_empty());
    groups
}

/// The preset whose scenario is `s` (by name), if any, for the picker to show as selected.
pub fn matching(s: &Scenario) -> Option<&'static Preset> {
    if s.name.is_empty() {
        return None;
    }
    PRESETS.iter().find(|p| load(p.file).is_ok_and(|q| q.name == s.name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_hold_every_preset_once_families_first_and_the_network_model_last() {
        let groups = groups();
        let files: Vec<&str> = groups.iter().flat_map(|(_, ps)| ps.iter().map(|p| p.file)).collect();
        assert_eq!(files.len(), PRESETS.len());
        assert!(PRESETS.iter().all(|p| files.contains(&p.file)));
        let names: Vec<&str> = groups.iter().map(|(g, _)| *g).collect();
        assert_eq!(names.first(), Some(&"Centralized (unicast loop)"), "{names:?}");
        assert_eq!(names.last(), Some(&NETWORK_GROUP), "{names:?}");
        let network = &groups.last().map(|(_, ps)| ps.iter().map(|p| p.file).collect::<Vec<_>>()).unwrap_or_default();
        assert!(network.contains(&"rounds.json") && !network.contains(&"ack-implosion.json"), "{network:?}");
    }
}
