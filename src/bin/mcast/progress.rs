//! A progress bar on stderr for long runs and sweeps.
//!
//! Drawn only when stderr is a terminal or `--progress` asks for it, never on stdout (which holds
//! the JSON), redrawn at most four times a second and erased when the work is done.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

/// How often the bar is redrawn at most.
const EVERY: Duration = Duration::from_millis(250);
/// The bar's width in characters.
const WIDTH: usize = 30;

/// A progress bar, or nothing if it is off.
pub struct Progress {
    on: bool,
    start: Instant,
    last: Option<Instant>,
    drawn: usize,
}

impl Progress {
    /// A bar that is on if `forced` (`--progress`) or stderr is a terminal.
    pub fn new(forced: bool) -> Self {
        Progress { on: forced || std::io::stderr().is_terminal(), start: Instant::now(), last: None, drawn: 0 }
    }

    /// Whether anything will be drawn.
    pub fn is_on(&self) -> bool {
        self.on
    }

    /// Shows `fraction` (0 to 1) done and the line `text` makes, unless the bar was drawn less
    /// than a quarter of a second ago.
    pub fn show(&mut self, fraction: f64, text: impl FnOnce() -> String) {
        if !self.on || self.last.is_some_and(|t| t.elapsed() < EVERY) {
            return;
        }
        self.last = Some(Instant::now());
        let f = if fraction.is_finite() { fraction.clamp(0.0, 1.0) } else { 0.0 };
        let full = (f * WIDTH as f64).round() as usize;
        let line = format!(
            "[{}{}] {:>3.0}% {} ({:.1} s)",
            "#".repeat(full),
            "-".repeat(WIDTH - full),
            f * 100.0,
            text(),
            self.start.elapsed().as_secs_f64()
        );
        let pad = self.drawn.saturating_sub(line.chars().count());
        let mut err = std::io::stderr().lock();
        // A progress bar that cannot be drawn is not worth failing the run for.
        let _ = write!(err, "\r{line}{}", " ".repeat(pad));
        let _ = err.flush();
        self.drawn = line.chars().count();
    }

    /// Erases the bar.
    pub fn finish(&mut self) {
        if self.on && self.drawn > 0 {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r{}\r", " ".repeat(self.drawn));
            let _ = err.flush();
            self.drawn = 0;
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}
