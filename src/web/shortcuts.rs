//! The page's keyboard shortcuts, in one table: the key listener looks keys up in it and the help
//! dialog (`?`) lists it, so the two cannot drift apart. Free of the browser: tested natively.

use super::msg::{Msg, TimeMsg};
use super::zoom::ViewMsg;

/// One shortcut: the `KeyboardEvent.key` values that press it, how the help names them, what it
/// does, and the message it sends.
pub struct Shortcut {
    /// `KeyboardEvent.key` values.
    pub keys: &'static [&'static str],
    /// The keys as the help dialog shows them.
    pub label: &'static str,
    /// What it does, in a few words.
    pub does: &'static str,
    /// The message it sends.
    pub msg: fn() -> Msg,
}

fn play() -> Msg {
    Msg::TogglePlay
}
fn reset() -> Msg {
    Msg::Reset
}
fn finish() -> Msg {
    Msg::Finish
}
fn step() -> Msg {
    Msg::Time(TimeMsg::Step)
}
fn back() -> Msg {
    Msg::Time(TimeMsg::Back)
}
fn start() -> Msg {
    Msg::Time(TimeMsg::Seek(0.0))
}
fn overlay() -> Msg {
    Msg::ToggleOverlay
}
fn help() -> Msg {
    Msg::ToggleHelp
}
fn escape() -> Msg {
    Msg::Escape
}
fn zoom_in() -> Msg {
    Msg::View(ViewMsg::ZoomBy(1.5))
}
fn zoom_out() -> Msg {
    Msg::View(ViewMsg::ZoomBy(1.0 / 1.5))
}
fn whole_view() -> Msg {
    Msg::View(ViewMsg::Reset)
}

/// Every shortcut, in the order the help lists them.
pub const SHORTCUTS: &[Shortcut] = &[
    Shortcut { keys: &[" "], label: "Space", does: "play or pause", msg: play },
    Shortcut { keys: &["r", "R"], label: "R", does: "reset the run to time 0", msg: reset },
    Shortcut { keys: &["End"], label: "End", does: "run the rest (in slices, with its progress)", msg: finish },
    Shortcut { keys: &["ArrowRight"], label: "→", does: "step forward (by what the step select says)", msg: step },
    Shortcut { keys: &["ArrowLeft"], label: "←", does: "step back", msg: back },
    Shortcut { keys: &["Home"], label: "Home", does: "seek to time 0", msg: start },
    Shortcut { keys: &["+", "="], label: "+", does: "zoom the group in", msg: zoom_in },
    Shortcut { keys: &["-", "_"], label: "−", does: "zoom the group out", msg: zoom_out },
    Shortcut { keys: &["0"], label: "0", does: "show the whole group again", msg: whole_view },
    Shortcut {
        keys: &["o", "O"],
        label: "O",
        does: "show or hide the overlay (when the protocol keeps one)",
        msg: overlay,
    },
    Shortcut { keys: &["?"], label: "?", does: "open or close this help", msg: help },
    Shortcut { keys: &["Escape"], label: "Esc", does: "close the help; stop drawing a partition", msg: escape },
];

/// What the canvas does with a pointer, for the help dialog: (gesture, what it does).
pub const GESTURES: &[(&str, &str)] = &[
    ("Wheel, pinch, + / − buttons", "zoom about the pointer"),
    ("Hover a node", "its state and overlay links (drawn highlighted) in a tooltip"),
    ("Click a node", "inspect it (its inspector can crash it)"),
    ("Shift-click a node", "add it to the sequence diagram, or take it out"),
    ("Arrows, Enter, Esc on the focused canvas", "move the selection, inspect, clear it"),
    ("Drag", "pan a zoomed view"),
    ("Draw partition, then drag", "cut the nodes in the rectangle off from the rest"),
];

/// The message key `key` sends, if it is a shortcut.
pub fn message(key: &str) -> Option<Msg> {
    SHORTCUTS.iter().find(|s| s.keys.contains(&key)).map(|s| (s.msg)())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_belongs_to_one_shortcut_and_sends_its_message() {
        let keys: Vec<&str> = SHORTCUTS.iter().flat_map(|s| s.keys.iter().copied()).collect();
        for (i, k) in keys.iter().enumerate() {
            assert!(!keys[i + 1..].contains(k), "{k:?} is bound twice");
        }
        assert!(matches!(message(" "), Some(Msg::TogglePlay)));
        assert!(matches!(message("?"), Some(Msg::ToggleHelp)));
        assert!(matches!(message("Escape"), Some(Msg::Escape)));
        assert!(message("x").is_none());
    }

    /// The README's table of keys is written by hand: it must name every shortcut here.
    #[test]
    fn the_readme_lists_every_shortcut() {
        let readme = include_str!("../../README.md");
        let start = readme.find("### Keys").expect("the README has a Keys section");
        let section = &readme[start..];
        let section = &section[..section.find("### Frame times").unwrap_or(section.len())];
        // Every cell of the table, and each key of a cell such as "+ / −".
        let cells: Vec<&str> =
            section.lines().flat_map(|l| l.split('|')).flat_map(|c| c.split(" / ")).map(str::trim).collect();
        for s in SHORTCUTS {
            assert!(cells.contains(&s.label), "README's keys table lacks {}", s.label);
            let verb = s.does.split_whitespace().next().unwrap_or_default();
            assert!(section.contains(verb), "README's keys table lacks what {} does ({verb})", s.label);
        }
    }
}
