//! Building blocks the protocol families share: a set of node ids ([`NodeSet`]), asking until
//! answered with exponential backoff ([`Retry`], [`Backoff`]), a failure detector that
//! returns verdicts ([`Detector`]), and peer sampling for epidemic protocols ([`Members`],
//! [`Cyclon`]).

mod detector;
mod node_set;
mod peers;
mod retry;

pub use detector::{Detector, DetectorConfig, Verdict};
pub use node_set::NodeSet;
pub use peers::{Cyclon, Entry, Members};
pub use retry::{Backoff, Retry};
