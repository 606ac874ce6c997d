//! Building blocks the protocol families share: a set of node ids ([`NodeSet`]), asking until
//! answered with exponential backoff ([`Retry`], [`Backoff`]), and a failure detector that
//! returns verdicts ([`Detector`]).

mod detector;
mod node_set;
mod retry;

pub use detector::{Detector, DetectorConfig, Verdict};
pub use node_set::NodeSet;
pub use retry::{Backoff, Retry};
