//! The screen reader's view of the run: a polite live region that says how the run is going in
//! one sentence — status, deliveries, crashed nodes, simulated time — when the status changes and
//! otherwise at most every [`EVERY_MS`], so a screen reader is not flooded at 60 frames a second.

use super::view::Shown;
use yew::{html, Html};

/// The shortest time between two announcements of the same status (page ms).
pub const EVERY_MS: f64 = 5000.0;

/// What the live region says, and what and when it last announced.
#[derive(Default)]
pub struct Live {
    text: String,
    status: &'static str,
    at: f64,
}

/// The run's status in a word, as the counters' status badge says it.
fn status(shown: &Shown, playing: bool) -> &'static str {
    match shown.stopped {
        Some(_) => "stopped",
        None if shown.done => "done",
        None if playing => "running",
        None => "paused",
    }
}

impl Live {
    /// The counters changed at page time `ts`: announce them if the status changed or the last
    /// announcement is [`EVERY_MS`] old. Returns whether the text changed.
    pub fn update(&mut self, ts: f64, shown: &Shown, playing: bool) -> bool {
        let now = status(shown, playing);
        if now == self.status && ts - self.at < EVERY_MS {
            return false;
        }
        (self.status, self.at) = (now, ts);
        let c = &shown.counters;
        let text = format!(
            "Run {now}: {} of {} deliveries, {} nodes crashed, {} packets lost, at {:.1} ms simulated.",
            shown.owed.0,
            shown.owed.1,
            shown.crashed,
            c.lost,
            shown.now_tenth_ms as f64 / 10.0
        );
        let changed = text != self.text;
        self.text = text;
        changed
    }

    /// The live region (visually hidden).
    pub fn view(&self) -> Html {
        html! { <p id="live" class="visually-hidden" role="status" aria-live="polite">{ self.text.clone() }</p> }
    }
}
