//! The page's colours: nodes by state, packets by kind, lost packets, the model's curve, all
//! drawn on one dark background. Free of the browser, so its tests run natively: they check that
//! every colour one family can show at once stands apart from the others and from the background
//! (CIE76 colour difference).

use mcast::engine::NodeState;
use mcast::protocol::PacketKind;

/// The canvases' background.
pub const BACKGROUND: &str = "#0e1420";

/// Colour of a packet the network is dropping: white, apart from every kind's colour (a NAK is
/// red).
pub const LOST_COLOUR: &str = "#ffffff";

/// Colour of the epidemic model's (dashed) curve on the chart.
pub const MODEL_COLOUR: &str = "#e6ebf5";

/// Colour of a node in each state (also used by the legend). In an epidemic a node that holds
/// nothing is *susceptible* (waiting), one that holds a message and spreads it *infective*, and
/// one that holds messages but stopped spreading *removed* (some or all messages).
pub fn node_colour(s: NodeState) -> &'static str {
    match s {
        NodeState::Sender => "#f5b700",
        NodeState::Waiting => "#56657a",
        NodeState::Infective => "#bcff29",
        NodeState::Partial => "#7fb3ff",
        NodeState::Done => "#34c759",
        NodeState::Crashed => "#ff484d",
        NodeState::Paused => "#fe7500",
        NodeState::Absent => "#2a3342",
    }
}

/// Colour of a packet of each kind (also used by the legend): the kind's own.
pub fn packet_colour(k: PacketKind) -> &'static str {
    k.colour()
}

/// Every node state, in drawing order (later ones on top).
pub const NODE_STATES: [NodeState; 8] = [
    NodeState::Absent,
    NodeState::Waiting,
    NodeState::Partial,
    NodeState::Done,
    NodeState::Infective,
    NodeState::Paused,
    NodeState::Crashed,
    NodeState::Sender,
];

/// `#rrggbb` as opaque RGBA bytes (black if malformed).
pub fn rgba(hex: &str) -> [u8; 4] {
    let v = u32::from_str_radix(hex.trim_start_matches('#'), 16).unwrap_or(0);
    [(v >> 16) as u8, (v >> 8) as u8, v as u8, 0xff]
}

#[cfg(test)]
mod tests {
    use super::*;
    use mcast::protocols::FAMILIES;

    /// The CIE76 colour difference (Euclidean distance in CIELAB, D65 white) of two `#rrggbb`
    /// colours: about 2.3 is just noticeable, differences above 20 read as different colours at a
    /// glance.
    fn delta_e(a: &str, b: &str) -> f64 {
        let (p, q) = (lab(rgba(a)), lab(rgba(b)));
        ((p[0] - q[0]).powi(2) + (p[1] - q[1]).powi(2) + (p[2] - q[2]).powi(2)).sqrt()
    }

    /// sRGB bytes to CIELAB (L, a, b).
    fn lab(c: [u8; 4]) -> [f64; 3] {
        lab_of_linear(linear(c))
    }

    /// sRGB bytes to linear RGB.
    fn linear(c: [u8; 4]) -> [f64; 3] {
        let lin = |v: u8| {
            let v = f64::from(v) / 255.0;
            if v <= 0.04045 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        };
        [lin(c[0]), lin(c[1]), lin(c[2])]
    }

    /// Linear RGB to CIELAB (L, a, b).
    fn lab_of_linear([r, g, b]: [f64; 3]) -> [f64; 3] {
        let x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
        let y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
        let z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
        let f = |t: f64| if t > 0.008856 { t.cbrt() } else { 7.787 * t + 16.0 / 116.0 };
        [116.0 * f(y) - 16.0, 500.0 * (f(x) - f(y)), 200.0 * (f(y) - f(z))]
    }

    /// Colour vision deficiencies as linear-RGB matrices (Machado, Oliveira and Fernandes 2009,
    /// severity 1.0): what a protanope and a deuteranope see instead of a colour.
    const PROTANOPIA: [[f64; 3]; 3] =
        [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]];
    /// See [`PROTANOPIA`].
    const DEUTERANOPIA: [[f64; 3]; 3] =
        [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]];

    /// The CIE76 difference of `a` and `b` as seen through `m` (a deficiency's matrix).
    fn delta_e_seen(m: &[[f64; 3]; 3], a: &str, b: &str) -> f64 {
        let seen = |hex: &str| {
            let c = linear(rgba(hex));
            lab_of_linear(m.map(|row| (row[0] * c[0] + row[1] * c[1] + row[2] * c[2]).clamp(0.0, 1.0)))
        };
        let (p, q) = (seen(a), seen(b));
        ((p[0] - q[0]).powi(2) + (p[1] - q[1]).powi(2) + (p[2] - q[2]).powi(2)).sqrt()
    }

    /// The two deficiencies checked, by name.
    const DEFICIENCIES: [(&str, [[f64; 3]; 3]); 2] = [("protanopia", PROTANOPIA), ("deuteranopia", DEUTERANOPIA)];

    /// Below this two colours shown together could be taken for one another.
    const APART: f64 = 20.0;
    /// Below this a colour is hard to see on the background.
    const VISIBLE: f64 = 35.0;

    #[test]
    fn delta_e_is_zero_for_equal_colours_and_large_for_black_and_white() {
        assert_eq!(delta_e("#4da3ff", "#4da3ff"), 0.0);
        assert!((delta_e("#000000", "#ffffff") - 100.0).abs() < 0.5);
    }

    #[test]
    fn every_family_shows_packet_kinds_apart_from_each_other_and_from_lost_packets() {
        for f in FAMILIES {
            let mut shown: Vec<(&str, &str)> = f.packets().iter().map(|k| (k.name(), packet_colour(*k))).collect();
            shown.push(("lost", LOST_COLOUR));
            for (i, (a, ca)) in shown.iter().enumerate() {
                assert!(delta_e(ca, BACKGROUND) >= VISIBLE, "{}: {a} {ca} is too dark", f.kind());
                for (b, cb) in &shown[i + 1..] {
                    let d = delta_e(ca, cb);
                    assert!(d >= APART, "{}: {a} {ca} and {b} {cb} differ by only {d:.1}", f.kind());
                }
            }
        }
    }

    #[test]
    fn node_states_are_apart_from_each_other_and_the_infective_from_every_packet() {
        for (i, a) in NODE_STATES.iter().enumerate() {
            for b in &NODE_STATES[i + 1..] {
                let d = delta_e(node_colour(*a), node_colour(*b));
                assert!(d >= APART, "{a:?} and {b:?} differ by only {d:.1}");
            }
        }
        let infective = node_colour(NodeState::Infective);
        assert!(delta_e(infective, BACKGROUND) >= VISIBLE);
        for k in PacketKind::ALL {
            let d = delta_e(infective, packet_colour(k));
            assert!(d >= APART, "infective nodes and {} packets differ by only {d:.1}", k.name());
        }
    }

    /// Below this two colours a protanope or deuteranope sees together could be taken for one
    /// another (simulated with [`DEFICIENCIES`]).
    const APART_SEEN: f64 = 15.0;

    /// The node states drawn as plain dots: the others have a shape of their own (the sender is
    /// big, a crashed node a cross, a paused node a ring), so colour alone need not tell them.
    const DOTS: [NodeState; 5] =
        [NodeState::Waiting, NodeState::Infective, NodeState::Partial, NodeState::Done, NodeState::Absent];

    #[test]
    fn colour_blind_readers_tell_each_familys_packet_kinds_apart() {
        for f in FAMILIES {
            let mut shown: Vec<(&str, &str)> = f.packets().iter().map(|k| (k.name(), packet_colour(*k))).collect();
            shown.push(("lost", LOST_COLOUR));
            for (name, m) in DEFICIENCIES {
                for (i, (a, ca)) in shown.iter().enumerate() {
                    for (b, cb) in &shown[i + 1..] {
                        let d = delta_e_seen(&m, ca, cb);
                        assert!(
                            d >= APART_SEEN,
                            "{} under {name}: {a} {ca} and {b} {cb} differ by only {d:.1}",
                            f.kind()
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn colour_blind_readers_tell_the_dot_shaped_node_states_apart() {
        for (name, m) in DEFICIENCIES {
            for (i, a) in DOTS.iter().enumerate() {
                for b in &DOTS[i + 1..] {
                    let d = delta_e_seen(&m, node_colour(*a), node_colour(*b));
                    assert!(d >= APART_SEEN, "under {name}: {a:?} and {b:?} differ by only {d:.1}");
                }
            }
        }
    }

    #[test]
    fn node_states_are_apart_from_every_packet_their_family_sends() {
        for f in FAMILIES {
            for state in NODE_STATES {
                for k in f.packets().iter().map(|k| packet_colour(*k)).chain([LOST_COLOUR]) {
                    let d = delta_e(node_colour(state), k);
                    assert!(d >= APART, "{}: {state:?} nodes and packets in {k} differ by only {d:.1}", f.kind());
                }
            }
        }
    }

    #[test]
    fn the_simulations_keep_grey_and_move_red_towards_green() {
        for (_, m) in DEFICIENCIES {
            assert!(delta_e_seen(&m, "#808080", "#808080") < 1e-9);
            assert!(delta_e_seen(&m, "#ff0000", "#00a000") < delta_e("#ff0000", "#00a000") / 2.0);
        }
    }
}
