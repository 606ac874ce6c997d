//! The page's keyboard shortcuts, in one table: the key listener looks keys up in it and the help
//! dialog (`?`) lists it, so the two cannot drift apart. Free of the browser: tested natively.

use super::msg::Msg;
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
    Shortcut { keys: &["End"], label: "End", does: "run the rest at once", msg: finish },
    Shortcut { keys: &["+", "="], label: "+", does: "zoom the group in", msg: zoom_in },
    Shortcut { keys: &["-", "_"], label: "−", does: "zoom the group out", msg: zoom_out },
    Shortcut { keys: &["0"], label: "0", does: "show the whole group again", msg: whole_view },
    Shortcut { keys: &["?"], label: "?", does: "open or close this help", msg: help },
    Shortcut { keys: &["Escape"], label: "Esc", does: "close the help; stop drawing a partition", msg: escape },
];

/// What the canvas does with a pointer, for the help dialog: (gesture, what it does).
pub const GESTURES: &[(&str, &str)] = &[
    ("Wheel, pinch, + / − buttons", "zoom about the pointer"),
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
}
