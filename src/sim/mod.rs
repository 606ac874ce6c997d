//! The simulation kernel: the event queue, the network model, the node layout, the fault
//! schedule, the trace hash and the world that runs them. Time ([`crate::time`]) and random
//! streams ([`crate::rng`]) sit below it, as vocabulary every layer shares.

pub mod faults;
pub mod layout;
pub mod network;
pub(crate) mod prefetch;
pub mod queue;
pub mod trace;
pub mod world;

pub use world::World;
