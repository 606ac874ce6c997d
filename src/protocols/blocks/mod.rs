//! Building blocks the protocol families share: a set of node ids ([`NodeSet`]) and asking until
//! answered with exponential backoff ([`Retry`], [`Backoff`]).

mod node_set;
mod retry;

pub use node_set::NodeSet;
pub use retry::{Backoff, Retry};
