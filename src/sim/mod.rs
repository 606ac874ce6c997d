//! The simulation kernel: integer time, the event queue, random streams, the network model, the
//! node layout, the trace hash and the world that runs them.

pub mod faults;
pub mod layout;
pub mod network;
pub(crate) mod prefetch;
pub mod queue;
pub mod rng;
pub mod time;
pub mod trace;
pub mod world;

pub use time::{SimDuration, SimTime};
pub use world::World;
