//! Internally tagged enums (`{"kind": "crash", "at_ms": 5, "node": 1}`) whose errors name the
//! innermost field.
//!
//! serde buffers an internally tagged enum's fields before it knows the variant, and an error in
//! a buffered field names only the enclosing object (`faults[0]: invalid type ...`). These enums
//! deserialize instead through a *shadow*: the same variants, externally tagged
//! (`{"crash": {"at_ms": 5, "node": 1}}`), whose fields serde reads with their path. [`untag`]
//! rewrites the one form into the other and hands the error's inner path to the scenario's error
//! formatting ([`inner`]), which joins it to the outer one: `faults[0].at_ms: invalid type ...`.
//!
//! It reads untrusted scenarios: no index or string slice here can panic.

#![deny(clippy::indexing_slicing, clippy::string_slice)]

use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

/// Marks an error message that carries the path inside the tagged value (see [`inner`]).
const MARK: char = '\u{E000}';

/// Deserializes a `{tag: kind, ...fields}` object as the externally tagged shadow `S`; an error
/// carries the path of the field at fault, relative to the object.
pub(crate) fn untag<'de, D: Deserializer<'de>, S: DeserializeOwned>(de: D, tag: &str) -> Result<S, D::Error> {
    let value = Value::deserialize(de)?;
    let Value::Object(mut fields) = value else {
        return Err(D::Error::custom(format!("invalid type: {}, expected an object with `{tag}`", kind_of(&value))));
    };
    let kind = match fields.remove(tag) {
        Some(Value::String(kind)) => kind,
        Some(other) => {
            return Err(D::Error::custom(marked(tag, &format!("invalid type: {}, expected a string", kind_of(&other)))))
        }
        None => return Err(D::Error::custom(format!("missing field `{tag}`"))),
    };
    let shadow = Value::Object(Map::from_iter([(kind, Value::Object(fields))]));
    serde_path_to_error::deserialize(shadow).map_err(|e| {
        // The first segment is the variant, which the user wrote as the tag; an unknown field
        // is named by its parent, as everywhere else in the scenario.
        let message = e.inner().to_string();
        let mut path: Vec<String> = e.path().iter().skip(1).map(segment).collect();
        if message.starts_with("unknown field") {
            path.pop();
        }
        let path = if e.path().iter().count() == 0 { tag.to_string() } else { path.join("") };
        D::Error::custom(marked(path.trim_start_matches('.'), &message))
    })
}

/// The path inside a tagged value and the message, if `message` carries one: the outer error
/// formatting joins the path to its own.
pub(crate) fn inner(message: &str) -> Option<(&str, &str)> {
    message.strip_prefix(MARK)?.split_once(MARK)
}

fn marked(path: &str, message: &str) -> String {
    if path.is_empty() {
        message.to_string()
    } else {
        format!("{MARK}{path}{MARK}{message}")
    }
}

fn segment(s: &serde_path_to_error::Segment) -> String {
    use serde_path_to_error::Segment;
    match s {
        Segment::Seq { index } => format!("[{index}]"),
        Segment::Map { key } | Segment::Enum { variant: key } => format!(".{key}"),
        Segment::Unknown => String::new(),
    }
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a sequence",
        Value::Object(_) => "a map",
    }
}

/// Declares an internally tagged enum of struct variants (`#[serde(tag = "kind")]` when
/// written) that deserializes through an externally tagged shadow, so that its errors name the
/// innermost field (see the module docs). Field attributes (`#[serde(default)]`, docs) apply to
/// both.
macro_rules! tagged_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident / $shadow:ident {
            $( $(#[$vmeta:meta])* $variant:ident { $( $(#[$fmeta:meta])* $field:ident : $ty:ty ),* $(,)? } ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(serde::Serialize)]
        #[serde(tag = "kind", rename_all = "snake_case")]
        pub enum $name {
            $( $(#[$vmeta])* $variant { $( $(#[$fmeta])* $field: $ty ),* }, )*
        }

        /// The externally tagged twin that reads it (see `crate::tagged`).
        #[derive(serde::Deserialize)]
        #[serde(rename_all = "snake_case", deny_unknown_fields)]
        enum $shadow {
            $( $variant { $( $(#[$fmeta])* $field: $ty ),* }, )*
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
                Ok(match $crate::tagged::untag::<D, $shadow>(de, "kind")? {
                    $( $shadow::$variant { $( $field ),* } => $name::$variant { $( $field ),* }, )*
                })
            }
        }
    };
}
pub(crate) use tagged_enum;
