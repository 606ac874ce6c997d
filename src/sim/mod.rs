//! The simulation kernel: the event queue, the network model, the fault schedule, the trace hash
//! and the world that runs them. Time ([`crate::time`]) and random streams ([`crate::rng`]) sit
//! below it, as vocabulary every layer shares.
//!
//! The kernel runs plain configuration ([`network::NetworkConfig`], [`faults::FaultPlan`], node
//! positions, the message schedule) compiled from the scenario before the run; it never reads
//! the scenario itself.

pub mod attack;
pub mod budget;
pub mod faults;
pub mod log;
pub mod network;
pub mod queue;
pub mod slots;
pub mod trace;
pub mod world;

pub use world::World;
