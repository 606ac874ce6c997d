//! Share links: the whole scenario, seed included, in a URL fragment.
//!
//! Format: `v1.` followed by the scenario's JSON, deflate-compressed and base64url-encoded
//! without padding. The prefix versions this codec, not the run: the JSON carries the scenario's
//! own `version`, the engine semantics it was made with, and an older one is migrated when the
//! link is decoded, so an old link replays the run its author saw ([`super::version`]). A later
//! codec would take another prefix, which this one refuses by name instead of misreading it.
//! Decoding is bounded: the inflated JSON may not exceed [`MAX_JSON_BYTES`], so a hostile link
//! cannot exhaust memory.

use super::{Limits, Scenario, ScenarioError};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;

/// The link codec's version prefix (the scenario's `version` is inside the JSON).
pub const LINK_PREFIX: &str = "v1.";
/// The most JSON a link may inflate to.
pub const MAX_JSON_BYTES: usize = 4 << 20;
/// The longest link the page reads: 2 MiB, the most of an address Chromium keeps.
pub const MAX_LINK_CHARS: usize = 2 << 20;

/// Encodes a scenario as the text of a share link's fragment (without `#`).
pub fn encode(s: &Scenario) -> String {
    let json = serde_json::to_vec(s).unwrap_or_default();
    let packed = miniz_oxide::deflate::compress_to_vec(&json, 9);
    format!("{LINK_PREFIX}{}", URL_SAFE_NO_PAD.encode(packed))
}

/// Encodes a scenario as a share link's fragment, refusing one the page could not read (its JSON
/// or the link past the limits [`decode`] holds it to): such a scenario travels as its file.
pub fn encode_checked(s: &Scenario) -> Result<String, ScenarioError> {
    let json_bytes = serde_json::to_vec(s).map_or(0, |j| j.len());
    if json_bytes > MAX_JSON_BYTES {
        return Err(ScenarioError::Link(format!(
            "the scenario's JSON is {json_bytes} bytes, more than the {MAX_JSON_BYTES} a link may hold: share the \
             file instead (the page's Scenario JSON box and `mcast run FILE` read it)"
        )));
    }
    let link = encode(s);
    if link.len() > MAX_LINK_CHARS {
        return Err(ScenarioError::Link(format!(
            "the link would be {} characters, more than the {MAX_LINK_CHARS} a browser's address holds: share the \
             file instead (the page's Scenario JSON box and `mcast run FILE` read it)",
            link.len()
        )));
    }
    Ok(link)
}

/// Decodes and validates a share link's fragment (with or without a leading `#` or `s=`),
/// migrating a scenario of an older version ([`Scenario::from_json_with`]).
pub fn decode(fragment: &str, limits: &Limits) -> Result<Scenario, ScenarioError> {
    Scenario::from_json_with(&inflate(fragment)?, limits)
}

/// The scenario JSON a share link's fragment holds, as its author's build wrote it: not parsed,
/// not migrated.
pub fn inflate(fragment: &str) -> Result<String, ScenarioError> {
    let text = fragment.trim().trim_start_matches('#');
    let text = text.strip_prefix("s=").unwrap_or(text);
    if text.len() > MAX_LINK_CHARS {
        return Err(ScenarioError::Link(format!("the link is too long ({} characters)", text.len())));
    }
    let Some(body) = text.strip_prefix(LINK_PREFIX) else {
        // Echo the version back only if it looks like one (`v2`), not whatever came before a dot.
        let version = text.split('.').next().unwrap_or("");
        let digits = version.strip_prefix('v').unwrap_or("");
        let looks_like_version = (1..=6).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit());
        return Err(if looks_like_version && text.contains('.') {
            ScenarioError::Link(format!(
                "made by another version of the playground ({version}); this one reads {}",
                LINK_PREFIX.trim_end_matches('.')
            ))
        } else {
            ScenarioError::Link("not a playground link (it should start with v1.)".into())
        });
    };
    let packed =
        URL_SAFE_NO_PAD.decode(body).map_err(|e| ScenarioError::Link(format!("the link is damaged (base64: {e})")))?;
    let json =
        miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, MAX_JSON_BYTES).map_err(|e| match e.status {
            miniz_oxide::inflate::TINFLStatus::HasMoreOutput => {
                ScenarioError::Link(format!("the scenario is larger than {} MiB", MAX_JSON_BYTES >> 20))
            }
            s => ScenarioError::Link(format!("the link is damaged (deflate: {s:?})")),
        })?;
    String::from_utf8(json).map_err(|_| ScenarioError::Link("the link is damaged (not UTF-8 text)".into()))
}
