//! A run's packet log ([`crate::sim::log`]) as a Chrome / Perfetto trace: the JSON Trace Event
//! Format (`{"traceEvents": [...]}`) that ui.perfetto.dev and chrome://tracing open.
//!
//! One process (pid 1), one track per node (tid = node + 1, named `node N`), timestamps in
//! simulated microseconds. Each logged packet is one complete event (`"ph":"X"`, category
//! `packet`, named by its kind) on its sender's track when it leaves the uplink, its receiver,
//! size, message, fate and times in `args`. A packet that arrived also makes a short slice on
//! the receiver's track (category `arrival`) and a flow arrow from sender to receiver
//! (`"s"`/`"f"`, id = the packet's index in the log); one that was dropped makes an instant
//! event (`"i"`, category `loss`, named by its fate) on the receiver's track when it would
//! have arrived (on the sender's if it never left).

use crate::sim::log::{PacketFate, PacketRecord};
use std::fmt::Write;

/// What the trace says about the run besides its packets.
pub struct TraceInfo<'a> {
    /// The scenario's name (or the protocol's), for the process's name.
    pub name: &'a str,
    /// Nodes in the run (initial group and joiners): one track each.
    pub nodes: u32,
    /// Packets sent after the log was full, not in the trace.
    pub overflow: u64,
}

/// The trace of `records` as JSON (a few hundred bytes per packet).
pub fn trace(records: &[PacketRecord], info: &TraceInfo) -> String {
    let mut out = String::with_capacity(200 + records.len() * 360 + info.nodes as usize * 80);
    let name = serde_json::Value::from(format!("mcast: {}", info.name));
    out.push_str("{\"displayTimeUnit\":\"ms\",\"otherData\":{\"clock\":\"simulated microseconds\",");
    let _ = write!(
        out,
        "\"packets_logged\":{},\"packets_not_logged\":{}}},\"traceEvents\":[",
        records.len(),
        info.overflow
    );
    let _ = write!(out, "{{\"ph\":\"M\",\"pid\":1,\"tid\":0,\"name\":\"process_name\",\"args\":{{\"name\":{name}}}}}");
    for node in 0..info.nodes {
        let tid = u64::from(node) + 1;
        let _ = write!(out, ",\n{{\"ph\":\"M\",\"pid\":1,\"tid\":{tid},\"name\":\"thread_name\",\"args\":{{\"name\":\"node {node}\"}}}}");
        let _ = write!(out, ",\n{{\"ph\":\"M\",\"pid\":1,\"tid\":{tid},\"name\":\"thread_sort_index\",\"args\":{{\"sort_index\":{node}}}}}");
    }
    for (id, r) in records.iter().enumerate() {
        packet(&mut out, id, r);
    }
    out.push_str("\n]}\n");
    out
}

/// One packet's events.
fn packet(out: &mut String, id: usize, r: &PacketRecord) {
    let (from, to) = (u64::from(r.from) + 1, u64::from(r.to) + 1);
    let kind = r.kind.name();
    let msg = r.msg.map_or_else(|| "null".to_string(), |m| m.0.to_string());
    let (sent, depart, arrive) = (r.sent.0, r.depart.0, r.arrive.0);
    let _ = write!(
        out,
        ",\n{{\"ph\":\"X\",\"cat\":\"packet\",\"name\":\"{kind}\",\"pid\":1,\"tid\":{from},\"ts\":{depart},\"dur\":1,\"args\":{{\"to\":{},\"bytes\":{},\"msg\":{msg},\"fate\":\"{}\",\"sent_us\":{sent},\"arrive_us\":{arrive}}}}}",
        r.to,
        r.bytes,
        r.fate.name()
    );
    match r.fate {
        PacketFate::Arrived => {
            let _ = write!(out, ",\n{{\"ph\":\"s\",\"cat\":\"flow\",\"name\":\"{kind}\",\"id\":{id},\"pid\":1,\"tid\":{from},\"ts\":{depart}}}");
            let _ = write!(out, ",\n{{\"ph\":\"X\",\"cat\":\"arrival\",\"name\":\"{kind} from {}\",\"pid\":1,\"tid\":{to},\"ts\":{arrive},\"dur\":1}}", r.from);
            let _ = write!(out, ",\n{{\"ph\":\"f\",\"bp\":\"e\",\"cat\":\"flow\",\"name\":\"{kind}\",\"id\":{id},\"pid\":1,\"tid\":{to},\"ts\":{arrive}}}");
        }
        PacketFate::InFlight => {}
        fate => {
            let never_left = matches!(fate, PacketFate::UplinkFull | PacketFate::SenderCrashed | PacketFate::Withheld);
            let tid = if never_left { from } else { to };
            let _ = write!(out, ",\n{{\"ph\":\"i\",\"s\":\"t\",\"cat\":\"loss\",\"name\":\"{}: {kind}\",\"pid\":1,\"tid\":{tid},\"ts\":{arrive},\"args\":{{\"from\":{},\"to\":{}}}}}", fate.name(), r.from, r.to);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;
    use serde_json::Value;

    #[test]
    fn one_packet_event_per_logged_packet_and_losses_as_instants() {
        let mut s = Scenario::default_playground();
        s.group.size = 30;
        s.network.loss = 0.2;
        let mut sim = crate::engine::build(&s).unwrap();
        sim.set_packet_log(true);
        sim.run_to_end();
        let log = sim.packet_log();
        let text = trace(log, &TraceInfo { name: "test", nodes: 30, overflow: 0 });
        let v: Value = serde_json::from_str(&text).unwrap();
        let events = v["traceEvents"].as_array().unwrap();
        let count = |cat: &str| events.iter().filter(|e| e["cat"] == cat).count();
        assert_eq!(count("packet"), log.len());
        let lost = log.iter().filter(|r| r.fate == PacketFate::Lost).count();
        assert!(lost > 0);
        assert_eq!(count("loss"), log.iter().filter(|r| r.fate.is_dropped()).count());
        assert_eq!(count("arrival"), log.iter().filter(|r| r.fate == PacketFate::Arrived).count());
        let tracks = events.iter().filter(|e| e["name"] == "thread_name").count();
        assert_eq!(tracks, 30);
        let first = events.iter().find(|e| e["cat"] == "packet").unwrap();
        assert_eq!(first["ts"], log[0].depart.0);
    }
}
