//! The protocols, one file per family. Each is a sans-IO [`crate::protocol::Protocol`].

pub mod centralized;
