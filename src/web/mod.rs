//! The Yew front end (wasm32 only). The engine runs inside the page; Yew renders the controls and
//! counters a few times a second, and every animation frame redraws the canvas from the engine's
//! snapshot (see docs/architecture.md, "The engine knows no Yew").

mod app;
mod canvas;
mod chart;
mod compare;
mod dom;
mod gallery;
mod params;
mod pixels;
mod results;
mod view;

/// Mounts the playground into `<body>`.
pub fn start() {
    yew::Renderer::<app::App>::new().render();
}
