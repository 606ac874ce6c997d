//! What the page says when it refuses a scenario: one short sentence in the user's terms (what
//! the run would cost and what the page allows), the engine's full reason and estimate behind a
//! toggle, and the ways out that the page checked would run (native multicast, a smaller group,
//! fewer messages). Nothing here touches the browser: the tests below run natively.

use super::form;
use super::msg::Field;
use mcast::scenario::{Estimate, Limits, Scenario, ScenarioError};
use mcast::text::thousands;

/// What every refused scenario's message ends with.
pub const UNCHANGED: &str = " Your current scenario is unchanged.";

/// Group sizes offered as a way out, largest first.
const SIZES: [u32; 8] = [10_000, 5_000, 2_000, 1_000, 500, 200, 100, 50];
/// Message counts offered as a way out, largest first.
const MESSAGES: [u32; 8] = [1_000, 500, 200, 100, 50, 20, 10, 5];

/// A scenario the page checked would run, and the button's words for it.
#[derive(Clone, Debug, PartialEq)]
pub struct WayOut {
    /// The button's label ("Use native multicast").
    pub label: String,
    /// The scenario it loads.
    pub scenario: Scenario,
}

/// A refusal as the banner shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct Refusal {
    /// One sentence: why, in the user's terms, and that the running scenario is unchanged.
    pub headline: String,
    /// The engine's reason (the field, the formula) and, for a run too big, its estimate's terms.
    pub details: String,
    /// What the details toggle says.
    pub details_label: &'static str,
    /// Scenarios close to the refused one that run, at most two.
    pub ways_out: Vec<WayOut>,
}

/// A count as people read it: `54 million`, `1.2 billion`, `9,680`.
pub fn count(n: u64) -> String {
    let short = |x: f64, unit: &str| {
        let s = if x >= 100.0 { format!("{x:.0}") } else { format!("{x:.1}").trim_end_matches(".0").to_string() };
        format!("{s} {unit}")
    };
    match n {
        1_000_000_000.. => short(n as f64 / 1e9, "billion"),
        1_000_000.. => short(n as f64 / 1e6, "million"),
        _ => thousands(n),
    }
}

/// The refusal of `attempted` (the scenario the edit would have made, if the text could be read)
/// for error `e`; `what` says where it came from ("Scenario JSON: ", or empty for a control).
pub fn refusal(what: &str, attempted: Option<&Scenario>, e: &ScenarioError) -> Refusal {
    let reason = format!("{what}{e}");
    // The budget check's words (`Scenario::check_budget`): only then is the estimate the reason.
    let budget = reason.contains("this run is expected to");
    let over = attempted.filter(|_| budget).and_then(|s| over_budget(s).map(|est| (s, est)));
    let Some((s, est)) = over else {
        return plain(what, e);
    };
    let mut terms: Vec<_> = est.loads.iter().filter(|l| l.packets.saturating_add(l.timers) > 0).collect();
    terms.sort_by_key(|l| std::cmp::Reverse(l.packets.saturating_add(l.timers)));
    let terms = terms
        .iter()
        .map(|l| format!("{}: {} packets, {} timers ({})", l.what, thousands(l.packets), thousands(l.timers), l.field))
        .collect::<Vec<_>>()
        .join("\n");
    Refusal {
        headline: format!("{}{UNCHANGED}", headline(s, &est)),
        details: format!(
            "{reason}\n\nThe estimate: {} events, {} MiB; the page allows {} events and {} MiB.\n{terms}",
            thousands(est.events),
            est.memory_bytes >> 20,
            thousands(Limits::BROWSER.max_events),
            Limits::BROWSER.max_memory_bytes >> 20
        ),
        details_label: "Why: the estimate and its terms",
        ways_out: ways_out(s),
    }
}

/// The control that edits scenario field `path`, by its label on the page.
fn control_label(path: &str) -> Option<&'static str> {
    Some(match path {
        "group.size" => "Group size",
        "network.loss" => "Packet loss",
        "network.uplink_bytes_per_sec" => "Uplink per node",
        "workload.messages" => "Messages",
        "seed" => "Seed",
        "group.layout" => "Layout",
        _ => return None,
    })
}

/// A refusal that is not about the run's size: from a control, its label leads (the field's
/// path stays in the details); from JSON or a link, the engine's words as they are.
fn plain(what: &str, e: &ScenarioError) -> Refusal {
    let reason = format!("{what}{e}");
    let labelled = match e {
        ScenarioError::Invalid { field, reason: why } if what.is_empty() => {
            control_label(field).map(|l| format!("{l}: {why}"))
        }
        _ => None,
    };
    let (headline, details, details_label) = match labelled {
        Some(headline) => (headline, reason, "The scenario field"),
        None => (reason, String::new(), ""),
    };
    Refusal { headline: format!("{headline}.{UNCHANGED}"), details, details_label, ways_out: Vec::new() }
}

/// `s`'s estimate if it passes the page's budget (without the churn's joiners, which only the
/// full check draws).
fn over_budget(s: &Scenario) -> Option<Estimate> {
    let est = s.estimate(0);
    let limits = Limits::BROWSER;
    (est.events > limits.max_events || est.memory_bytes > limits.max_memory_bytes).then_some(est)
}

/// The sentence: the protocol, the group, what it would take, what the page allows, and why when
/// application-level multicast is what makes it big.
fn headline(s: &Scenario, est: &Estimate) -> String {
    let limits = Limits::BROWSER;
    let who = format!("{} over {} members", s.protocol.label(), thousands(u64::from(s.group.size)));
    let cost = if est.events > limits.max_events {
        format!(
            "would take about {} events (packets and timers), more than the page's budget of {}",
            count(est.events),
            count(limits.max_events)
        )
    } else {
        format!(
            "would need about {} of memory, more than the page's {}",
            bytes(est.memory_bytes),
            bytes(limits.max_memory_bytes)
        )
    };
    let why = if multicast_costs(s) {
        ": over application-level multicast each of its multicasts (data, requests, repairs) is a copy per member through one uplink"
    } else {
        ""
    };
    format!("{who} {cost}{why}.")
}

/// Bytes as people read them: `512 MiB`, `18 GiB`.
fn bytes(b: u64) -> String {
    if b >= 10 << 30 {
        format!("{} GiB", thousands(b >> 30))
    } else {
        format!("{} MiB", thousands(b >> 20))
    }
}

/// Whether `s` sends over application-level multicast and native multicast would cost less.
fn multicast_costs(s: &Scenario) -> bool {
    if s.network.native_multicast {
        return false;
    }
    let mut native = s.clone();
    native.network.native_multicast = true;
    let (a, b) = (s.estimate(0), native.estimate(0));
    b.events < a.events || b.memory_bytes < a.memory_bytes
}

/// The ways out of a refusal of `s` that run: native multicast, then the largest smaller group,
/// then the most messages below the current count; at most two.
fn ways_out(s: &Scenario) -> Vec<WayOut> {
    let mut out = Vec::new();
    if multicast_costs(s) {
        if let Ok(n) = form::edited(s, Field::Multicast, "native") {
            out.push(WayOut { label: "Use native multicast".into(), scenario: n });
        }
    }
    let size = SIZES
        .iter()
        .filter(|&&n| n < s.group.size)
        .find_map(|&n| form::edited(s, Field::Size, &n.to_string()).ok().map(|sc| (n, sc)));
    if let Some((n, scenario)) = size {
        out.push(WayOut { label: format!("Use {} members", thousands(u64::from(n))), scenario });
    }
    if s.workload.stream.is_none() {
        let fewer = MESSAGES
            .iter()
            .filter(|&&m| m < s.workload.messages)
            .find_map(|&m| form::edited(s, Field::Messages, &m.to_string()).ok().map(|sc| (m, sc)));
        if let Some((m, scenario)) = fewer {
            out.push(WayOut { label: format!("Send {} messages", thousands(u64::from(m))), scenario });
        }
    }
    out.truncate(2);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_read_as_people_say_them() {
        assert_eq!(count(54_300_000), "54.3 million");
        assert_eq!(count(30_000_000), "30 million");
        assert_eq!(count(1_234_000_000), "1.2 billion");
        assert_eq!(count(9_680), "9,680");
        assert_eq!(thousands(20_000), "20,000");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000_000), "1,000,000");
    }

    /// SRM refused over `size` members of the default scenario at 10 % loss with 5 messages.
    fn srm_refusal(size: &str) -> Refusal {
        let lossy = form::edited(&Scenario::default_playground(), Field::Loss, "10").expect("10 % loss runs");
        let five = form::edited(&lossy, Field::Messages, "5").expect("5 messages run");
        let big = form::edited(&five, Field::Size, size).expect("centralized runs");
        let e = form::edited(&big, Field::Protocol, "srm").expect_err("SRM this big passes the budget");
        let attempted = form::changed(&big, Field::Protocol, "srm").expect("the text reads");
        refusal("", Some(&attempted), &e)
    }

    #[test]
    fn srm_too_big_is_one_sentence_with_ways_out_that_run() {
        for (size, words) in [("20000", "SRM over 20,000 members would "), ("5000", "SRM over 5,000 members would ")] {
            let r = srm_refusal(size);
            assert!(r.headline.starts_with(words), "{}", r.headline);
            assert!(r.headline.contains("more than the page's budget of 30 million"), "{}", r.headline);
            assert!(r.headline.ends_with(UNCHANGED), "{}", r.headline);
            assert!(!r.headline.contains('\n') && r.headline.len() < 260, "{}", r.headline);
            assert!(r.details.contains("events"), "{}", r.details);
            assert_eq!(r.ways_out.first().map(|w| w.label.as_str()), Some("Use 2,000 members"));
            for w in &r.ways_out {
                assert_eq!(w.scenario.protocol.kind(), "srm", "{}", w.label);
                w.scenario.validate(&Limits::BROWSER).expect("a way out runs");
            }
        }
    }

    #[test]
    fn a_bad_value_keeps_the_engines_words() {
        let s = Scenario::default_playground();
        let e = form::edited(&s, Field::Size, "50000000").expect_err("too big for the page");
        let r = refusal("", form::changed(&s, Field::Size, "50000000").ok().as_ref(), &e);
        assert!(
            r.headline.starts_with("Group size: must be from 2 to 20000") && r.headline.ends_with(UNCHANGED),
            "{}",
            r.headline
        );
        assert!(r.details.starts_with("group.size: "), "{}", r.details);
        assert!(r.ways_out.is_empty());
    }
}
