//! The Yew front end (wasm32 only). The engine runs inside the page; Yew renders the controls and
//! counters a few times a second, and every animation frame redraws the canvas from the engine's
//! snapshot (see docs/architecture.md, "The engine knows no Yew").
//!
//! The rooms: [`msg`] (what the user can do), [`form`] (a control's text → a new scenario),
//! [`app`] (the component: its state, its messages, the frame loop), [`view`] (the markup, from a
//! read-only [`view::Page`]), [`stage`] (the canvases and what drawing them keeps between frames),
//! with the drawing itself in [`canvas`], [`pixels`] and [`chart`] (whose lines [`informed`]
//! computes) in the colours of [`palette`]; the protocol's overlay is [`overlay`]'s (drawn by
//! `overlay_draw`). Faults as objects are [`faults`]'s; zoom and pan
//! [`zoom`]'s and [`gesture`]'s; the keys [`shortcuts`]' (listed by [`help`]); the screen
//! reader's summary [`live`]'s. Natively only the rooms free of the browser compile, for their
//! unit tests.

#[cfg(target_arch = "wasm32")]
mod about;
#[cfg(target_arch = "wasm32")]
mod app;
mod attackers;
#[cfg(target_arch = "wasm32")]
mod attackers_view;
#[cfg(target_arch = "wasm32")]
mod banner;
#[cfg(target_arch = "wasm32")]
mod canvas;
#[cfg(target_arch = "wasm32")]
mod chart;
#[cfg(target_arch = "wasm32")]
mod compare;
#[cfg(target_arch = "wasm32")]
mod compare_chart;
#[cfg(target_arch = "wasm32")]
mod compare_lane;
#[cfg(target_arch = "wasm32")]
mod dom;
mod explain;
#[cfg(target_arch = "wasm32")]
mod export;
mod faults;
mod form;
mod gallery;
mod gesture;
#[cfg(target_arch = "wasm32")]
mod help;
mod informed;
#[cfg(target_arch = "wasm32")]
mod inspector;
#[cfg(target_arch = "wasm32")]
mod json_editor;
#[cfg(target_arch = "wasm32")]
mod live;
mod msg;
mod notes;
#[cfg(target_arch = "wasm32")]
mod opening;
mod overlay;
#[cfg(target_arch = "wasm32")]
mod overlay_draw;
#[cfg(target_arch = "wasm32")]
mod overlay_view;
mod palette;
#[cfg(target_arch = "wasm32")]
mod params;
#[cfg(target_arch = "wasm32")]
mod pixels;
mod refusal;
#[cfg(target_arch = "wasm32")]
mod results;
mod selection;
mod sequence;
mod shortcuts;
#[cfg(target_arch = "wasm32")]
mod stage;
#[cfg(target_arch = "wasm32")]
mod stage_tools;
mod stream;
#[cfg(target_arch = "wasm32")]
mod stream_view;
mod timeline;
#[cfg(target_arch = "wasm32")]
mod toolbar;
#[cfg(target_arch = "wasm32")]
mod tour;
#[cfg(target_arch = "wasm32")]
mod view;
mod zoom;

/// Mounts the playground into `<body>`, then takes away the line `index.html` shows while the
/// WebAssembly loads.
#[cfg(target_arch = "wasm32")]
pub fn start() {
    yew::Renderer::<app::App>::new().render();
    if let Some(loading) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("loading")) {
        loading.remove();
    }
}
