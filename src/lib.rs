//! Multicast Playground's engine: a deterministic discrete-event simulator of reliable-multicast
//! protocols.
//!
//! A [`scenario::Scenario`] describes a whole run, seed included; [`engine::build`] turns it into
//! a [`engine::Simulation`] whose kernel ([`sim`]) drives one sans-IO [`protocol::Protocol`]
//! instance per node and measures everything into [`metrics`]. The same scenario gives the same
//! run, and the same trace hash, natively and in the browser.

#[cfg(target_arch = "wasm32")]
pub mod api;
pub mod bits;
pub mod docs;
pub mod engine;
pub mod export;
pub mod metrics;
pub(crate) mod prefetch;
pub mod protocol;
pub mod protocols;
pub mod rng;
pub mod scenario;
pub mod sim;
pub(crate) mod tagged;
pub mod text;
pub mod time;
