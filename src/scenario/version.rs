//! Versions of the scenario format, and how an older scenario is read.
//!
//! `version` names the engine semantics a scenario was written for: what holds for every field
//! it leaves out. A change that would make a saved scenario (a file, a share link, a script's
//! object) run differently bumps [`SCENARIO_VERSION`], and the reader migrates each older version
//! by writing that version's defaults into the scenario before it is validated, as Compiler
//! Explorer migrates the versions of its links: the run is the one its author saw. What is
//! written out (JSON, share links) is always the current version, the old defaults spelt out.
//! A version this build does not know is refused by name.
//!
//! - **1**, the first release: a queue left out was unlimited (and so was one set to 0).
//! - **2**, finite queues: a queue left out holds two seconds of its link's rate, from 8 KiB to
//!   64 MiB ([`super::network::default_queue_bytes`]), and 0 means 2^50 bytes
//!   ([`super::network::UNLIMITED_QUEUE_BYTES`]), which no run fills. A version-1 scenario is
//!   read with `network.uplink_queue_bytes` and `network.downlink_queue_bytes` set to 0 where it
//!   leaves them out; per-node entries that leave a queue out take that global value, as they
//!   did, so every queue of the old run stays unlimited and the run is the same, event for event
//!   (`tests/golden_links.rs` replays links made before the change).

use super::Scenario;

/// The scenario format's version, which is the version of the engine semantics: what this build
/// writes, and what [`Scenario::validate`] accepts.
pub const SCENARIO_VERSION: u32 = 2;
/// The oldest version this build reads, migrating it to [`SCENARIO_VERSION`] on the way in.
pub const OLDEST_VERSION: u32 = 1;

impl Scenario {
    /// Brings a scenario just read to [`SCENARIO_VERSION`], one version at a time, writing each
    /// older version's defaults in; a version this build does not read is left for validation to
    /// refuse by name.
    pub(super) fn upgrade(&mut self) {
        if self.version == 1 {
            // Version 1's queues were unlimited where the scenario said nothing; 0 is unlimited
            // in version 2 as well. Per-node entries that say nothing take the global value.
            self.network.uplink_queue_bytes.get_or_insert(0);
            self.network.downlink_queue_bytes.get_or_insert(0);
            self.version = 2;
        }
    }
}

/// Why validation refuses `version`.
pub(super) fn refusal(version: u32) -> String {
    if (OLDEST_VERSION..SCENARIO_VERSION).contains(&version) {
        format!(
            "version {version} is migrated to {SCENARIO_VERSION} when a scenario is read (from JSON, a share link or \
             a script's object); a scenario built in code must say {SCENARIO_VERSION}"
        )
    } else {
        format!("this playground reads versions {OLDEST_VERSION} to {SCENARIO_VERSION}, got {version}")
    }
}
