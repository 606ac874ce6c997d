//! Building blocks the protocol families share: a set of node ids ([`NodeSet`]), asking until
//! answered with exponential backoff ([`Retry`], [`Backoff`]), failure detection that returns
//! verdicts, heartbeat-style ([`Detector`]) or SWIM's probe cycle ([`ProbeCycle`]), and peer
//! sampling for epidemic protocols: the membership a node knows with uniform choice of peers from
//! it ([`Members`]), and the Cyclon partial view ([`Cyclon`]).

mod detector;
mod members;
mod node_set;
mod peers;
mod probe;
mod retry;

pub use detector::{Detector, DetectorConfig, Verdict};
pub use members::Members;
pub use node_set::NodeSet;
pub use peers::{Cyclon, Entry};
pub use probe::{Probe, ProbeConfig, ProbeCycle, ProbeStep, ProbeTargets};
pub use retry::{Backoff, Retry};
