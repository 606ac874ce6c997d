//! Notes that keep a figure from misleading: the faults a scenario schedules (before the run),
//! and after it the delivered count in exact terms, where the load went (the busiest designated
//! receiver against the sender), why SRM's payload per delivery is large, and why control per
//! delivery counts traffic after the last delivery. Nothing here touches the browser.

use mcast::engine::NO_UPSTREAM;
use mcast::metrics::{NodePackets, Report};
use mcast::protocol::NodeId;
use mcast::protocols::Structure;
use mcast::scenario::{PartitionSpec, Scenario};
use mcast::text::thousands;

/// Faults listed by name before "and N more".
const LISTED_FAULTS: usize = 4;

/// One note: a stable id (`note-<id>`), and its line.
#[derive(Clone, Debug, PartialEq)]
pub struct Note {
    /// The element id's tail.
    pub id: &'static str,
    /// The line.
    pub text: String,
}

/// The delivered figure: a percentage that never rounds up to 100 % while deliveries are
/// missing, with the exact count missing ("99.96 % (3 of 9,680 missing)").
pub fn delivered(r: &Report) -> String {
    let missing = r.expected_deliveries.saturating_sub(r.deliveries);
    if missing == 0 || r.expected_deliveries == 0 {
        return format!("{:.1} % of {}", r.delivered_ratio * 100.0, thousands(r.expected_deliveries));
    }
    // Rounded down, to two decimals: 9,677 of 9,680 is 99.96 %, never 100.0 %.
    let pct = (r.delivered_ratio * 10_000.0).floor() / 100.0;
    format!("{pct:.2} % ({} of {} missing)", thousands(missing), thousands(r.expected_deliveries))
}

/// A partition, in words.
fn partition(p: &PartitionSpec) -> String {
    let side = |nodes: &[u32]| match nodes {
        [one] => format!("node {one}"),
        _ => format!("{} nodes", nodes.len()),
    };
    let other = p.b.as_deref().map_or_else(|| "the rest".to_string(), side);
    let how = if p.one_way { "cannot reach" } else { "is cut off from" };
    format!("{} {how} {other} from {} to {} ms", side(&p.a), p.from_ms, p.to_ms)
}

/// The faults and partitions `s` schedules, in one line, or `None` if it schedules none.
pub fn scheduled_faults(s: &Scenario) -> Option<String> {
    let all: Vec<String> =
        s.faults.iter().map(super::faults::describe).chain(s.network.partitions.iter().map(partition)).collect();
    if all.is_empty() {
        return None;
    }
    let mut listed: Vec<String> = all.iter().take(LISTED_FAULTS).cloned().collect();
    if all.len() > LISTED_FAULTS {
        listed.push(format!("{} more", all.len() - LISTED_FAULTS));
    }
    Some(format!("Scheduled faults: {}.", listed.join("; ")))
}

/// The notes on a finished run of `s` with report `r`; `upstreams` is each node's upstream (its
/// designated receiver or parent, `NodeId::MAX` if none), as the engine reports it.
pub fn after_run(s: &Scenario, r: &Report, upstreams: &[NodeId], per_node: &[NodePackets]) -> Vec<Note> {
    let mut notes = Vec::new();
    if s.protocol.info().structure() == Structure::Regions {
        notes.extend(dr_load(s, upstreams, per_node));
    }
    if s.protocol.kind() == "srm" {
        notes.push(Note {
            id: "srm-payload",
            text: if s.network.native_multicast {
                "SRM's payload per delivery: every repair is multicast to the whole group, so one loss can bring copies to members that already hold the message.".into()
            } else {
                format!(
                    "SRM's payload per delivery: every request and repair is multicast to the whole group, here a copy to each of {} members through one uplink, so each repair adds about n payload packets.",
                    thousands(u64::from(s.group.size.saturating_sub(1)))
                )
            },
        });
    }
    if let Some(n) = late_control(r) {
        notes.push(n);
    }
    notes.extend(attackers_delivered(r));
    notes
}

/// With attackers, the headline counts their deliveries too: an attacker pruned from every
/// mesh misses messages, which says nothing of what honest members got.
fn attackers_delivered(r: &Report) -> Option<Note> {
    let a = r.attack.as_ref()?;
    Some(Note {
        id: "attackers-delivered",
        text: format!(
            "Delivered counts every receiver, the {} attackers' own deliveries included (an attacker cut off by its peers misses messages); honest members got {:.2} % of theirs (Attackers, below).",
            a.attackers,
            (a.honest_delivered_ratio * 10_000.0).floor() / 100.0
        ),
    })
}

/// The busiest designated receiver's packets against the sender's, for a protocol of regions.
fn dr_load(s: &Scenario, upstreams: &[NodeId], per_node: &[NodePackets]) -> Option<Note> {
    let sender = s.group.sender;
    let mut drs: Vec<NodeId> = upstreams.iter().copied().filter(|&u| u != sender && u != NO_UPSTREAM).collect();
    drs.sort_unstable();
    drs.dedup();
    let load = |n: NodeId| per_node.get(n as usize).copied().unwrap_or_default();
    let busiest = drs.iter().copied().max_by_key(|&d| (load(d).received, std::cmp::Reverse(d)))?;
    let (dr, snd) = (load(busiest), load(sender));
    let times = if snd.received > 0 {
        format!(", {:.0}× the sender's", f64::from(dr.received) / f64::from(snd.received))
    } else {
        String::new()
    };
    Some(Note {
        id: "dr-load",
        text: format!(
            "Designated receivers carry the load: the busiest, node {busiest}, received {} packets and sent {}{times}; the sender (node {sender}) received {} and sent {}.",
            thousands(u64::from(dr.received)),
            thousands(u64::from(dr.sent)),
            thousands(u64::from(snd.received)),
            thousands(u64::from(snd.sent)),
        ),
    })
}

/// When control traffic went on long after the last delivery (heartbeats, sessions, status
/// reports): control per delivery counts the whole run, not the delivery window.
fn late_control(r: &Report) -> Option<Note> {
    let last = r.message_completion_ms.max.unwrap_or(r.completion_ms);
    if r.traffic.control_packets == 0 || r.deliveries == 0 || r.sim_time_ms < 2.0 * last.max(1.0) {
        return None;
    }
    Some(Note {
        id: "control-window",
        text: format!(
            "Control per delivery counts the whole run ({:.0} ms): the periodic control packets (heartbeats, sessions, status reports) that keep flowing after the last delivery ({:.0} ms) count too.",
            r.sim_time_ms, last
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use mcast::engine;

    fn report_of(s: &Scenario) -> (Report, Vec<NodeId>, Vec<NodePackets>) {
        let mut sim = engine::build(s).expect("the scenario runs");
        sim.run_to_end();
        let mut up = Vec::new();
        sim.upstreams(&mut up);
        (sim.report(), up, sim.node_packets())
    }

    #[test]
    fn delivered_never_rounds_up_to_all_when_some_are_missing() {
        let mut r = Report {
            delivered_ratio: 9677.0 / 9680.0,
            deliveries: 9677,
            expected_deliveries: 9680,
            ..report_of(&Scenario::default_playground()).0
        };
        assert_eq!(delivered(&r), "99.96 % (3 of 9,680 missing)");
        r.deliveries = 9680;
        r.delivered_ratio = 1.0;
        assert_eq!(delivered(&r), "100.0 % of 9,680");
    }

    #[test]
    fn the_dr_load_preset_names_a_busy_dr() {
        let s = super::super::gallery::load("rmtp-dr-load.json").expect("the preset loads");
        let (r, up, per_node) = report_of(&s);
        let notes = after_run(&s, &r, &up, &per_node);
        let dr = notes.iter().find(|n| n.id == "dr-load").expect("a DR note");
        assert!(dr.text.contains("the sender (node 0)"), "{}", dr.text);
    }

    #[test]
    fn with_attackers_the_headline_says_it_counts_them() {
        let s = super::super::gallery::load("gossipsub-attack.json").expect("the preset loads");
        let (r, up, per_node) = report_of(&s);
        let notes = after_run(&s, &r, &up, &per_node);
        let n = notes.iter().find(|n| n.id == "attackers-delivered").expect("an attackers note");
        assert!(n.text.starts_with("Delivered counts every receiver, the 120 attackers' own"), "{}", n.text);
        assert!(n.text.contains("honest members got 99.98 % of theirs"), "{}", n.text);
        let plain = super::super::gallery::load("gossipsub.json").expect("the preset loads");
        let (r, up, per_node) = report_of(&plain);
        assert!(after_run(&plain, &r, &up, &per_node).iter().all(|n| n.id != "attackers-delivered"));
    }

    #[test]
    fn faults_are_listed_in_words() {
        let s = super::super::gallery::load("centralized-acks.json").expect("the preset loads");
        assert_eq!(scheduled_faults(&s).as_deref(), Some("Scheduled faults: node 42 crashes at 20 ms."));
        assert_eq!(scheduled_faults(&Scenario::default_playground()), None);
        let s = super::super::gallery::load("nak-implosion.json").expect("the preset loads");
        assert_eq!(
            scheduled_faults(&s).as_deref(),
            Some("Scheduled faults: node 0 cannot reach the rest from 2500 to 2599 ms.")
        );
    }
}
