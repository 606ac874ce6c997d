//! Generated documentation: the parts of `README.md` and `docs/` that are tables in the code.
//!
//! A page marks each generated part with `<!-- BEGIN GENERATED: NAME -->` and
//! `<!-- END GENERATED -->`; [`splice`] replaces what lies between with [`section`]`(NAME)`.
//! `mcast docs` rewrites the committed pages; a test fails when one differs from what this
//! prints. The parts: `families` (the protocol list), `params KIND` (a family's parameter
//! table), `packets KIND` (the packet kinds it sends) and `scenario-reference`.
//!
//! The pages it reads are input like any other: no index or string slice here can panic.

#![deny(clippy::indexing_slicing, clippy::string_slice)]

use crate::protocols::registry::{self, FamilyInfo};
use crate::protocols::{ParamDoc, FAMILIES};
use crate::text::table_cell;
use serde_json::Value;

const BEGIN: &str = "<!-- BEGIN GENERATED: ";
const END: &str = "<!-- END GENERATED -->";

/// Why a page could not be generated.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DocsError {
    /// A marker names a part the generator does not know.
    #[error("line {line}: unknown generated part `{name}`")]
    UnknownPart {
        /// The marker's line (1-based).
        line: usize,
        /// The name it gives.
        name: String,
    },
    /// A BEGIN marker has no END after it.
    #[error("line {line}: `{name}` has no `{END}`")]
    Unclosed {
        /// The marker's line (1-based).
        line: usize,
        /// The name it gives.
        name: String,
    },
}

/// The generated text of part `name`, or `None` for an unknown part.
pub fn section(name: &str) -> Option<String> {
    let mut words = name.split_whitespace();
    match (words.next(), words.next(), words.next()) {
        (Some("families"), None, _) => Some(families()),
        (Some("params"), Some(kind), None) => registry::family(kind).map(params_table),
        (Some("packets"), Some(kind), None) => registry::family(kind).map(packets_table),
        (Some("scenario-reference"), None, _) => Some(crate::scenario::reference::markdown()),
        _ => None,
    }
}

/// `page` with every generated part replaced by what the code says now.
pub fn splice(page: &str) -> Result<String, DocsError> {
    let mut out = String::with_capacity(page.len());
    let mut lines = page.split_inclusive('\n').enumerate();
    while let Some((i, line)) = lines.next() {
        out.push_str(line);
        let Some(name) = line.trim().strip_prefix(BEGIN).and_then(|r| r.strip_suffix("-->")) else { continue };
        let name = name.trim().to_string();
        let text = section(&name).ok_or_else(|| DocsError::UnknownPart { line: i + 1, name: name.clone() })?;
        out.push_str(&text);
        if !text.ends_with('\n') {
            out.push('\n');
        }
        loop {
            match lines.next() {
                Some((_, end)) if end.trim() == END => {
                    out.push_str(end);
                    break;
                }
                Some(_) => {}
                None => return Err(DocsError::Unclosed { line: i + 1, name }),
            }
        }
    }
    Ok(out)
}

/// The pages that may hold generated parts: `README.md` and every `.md` under `docs/`, in
/// path order.
pub fn pages(root: &std::path::Path) -> std::io::Result<Vec<std::path::PathBuf>> {
    let mut out = vec![root.join("README.md")];
    let mut dirs = vec![root.join("docs")];
    while let Some(dir) = dirs.pop() {
        if !dir.is_dir() {
            continue;
        }
        for entry in std::fs::read_dir(&dir)? {
            let path = entry?.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|x| x == "md") {
                out.push(path);
            }
        }
    }
    // README.md first, then the pages under docs/ in path order.
    if let Some((_, docs)) = out.split_first_mut() {
        docs.sort();
    }
    Ok(out)
}

/// The protocol list: one line per registered family, linking its page in `docs/protocols/`.
fn families() -> String {
    FAMILIES
        .iter()
        .map(|f| format!("- **[{}](docs/protocols/{}.md)** (`{}`): {}.\n", f.title(), f.kind(), f.kind(), f.summary()))
        .collect()
}

/// A family's parameter table.
fn params_table(f: &'static dyn FamilyInfo) -> String {
    let defaults = serde_json::to_value(f.default_spec()).unwrap_or_default();
    let mut out =
        String::from("| parameter | meaning | unit | default | range | source |\n|---|---|---|---|---|---|\n");
    for p in f.params() {
        out.push_str(&param_row(p, defaults.get(p.field)));
    }
    out
}

fn param_row(p: &ParamDoc, default: Option<&Value>) -> String {
    let default = match default {
        Some(Value::String(s)) => format!("`{s}`"),
        // `1000.0` reads as 1000 in a table, as in the page's editor.
        Some(Value::Number(n)) if n.as_f64().is_some_and(|x| x.fract() == 0.0 && x.abs() < 1e15) => {
            format!("`{}`", n.as_f64().unwrap_or_default())
        }
        Some(v) => format!("`{v}`"),
        None => String::new(),
    };
    format!(
        "| `{}` | {} | {} | {default} | {} | {} |\n",
        p.field,
        table_cell(p.help),
        p.unit,
        p.range(),
        table_cell(p.source)
    )
}

/// A family's packet kinds.
fn packets_table(f: &'static dyn FamilyInfo) -> String {
    let mut out = String::from("| kind | counted as | meaning |\n|---|---|---|\n");
    for k in f.packets() {
        out.push_str(&format!("| {} | `{}` | {} |\n", k.label(), k.name(), table_cell(k.meaning())));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splice_replaces_between_markers_and_keeps_the_rest() {
        let page = "intro\n<!-- BEGIN GENERATED: families -->\nOLD-TEXT\nlines\n<!-- END GENERATED -->\nafter\n";
        let out = splice(page).unwrap();
        assert!(out.starts_with("intro\n<!-- BEGIN GENERATED: families -->\n- **"), "{out}");
        assert!(out.ends_with("<!-- END GENERATED -->\nafter\n") && !out.contains("OLD-TEXT"), "{out}");
        assert_eq!(splice(&out).unwrap(), out, "splicing twice changes nothing");
    }

    #[test]
    fn unknown_and_unclosed_parts_are_refused_by_line() {
        let e = splice("a\n<!-- BEGIN GENERATED: nothing -->\n<!-- END GENERATED -->\n").unwrap_err();
        assert_eq!(e, DocsError::UnknownPart { line: 2, name: "nothing".into() });
        let e = splice("<!-- BEGIN GENERATED: params srm -->\n").unwrap_err();
        assert_eq!(e, DocsError::Unclosed { line: 1, name: "params srm".into() });
    }

    #[test]
    fn every_family_has_a_parameter_table_with_every_parameter() {
        for f in FAMILIES {
            let table = section(&format!("params {}", f.kind())).unwrap();
            for p in f.params() {
                assert!(table.contains(&format!("| `{}` |", p.field)), "{}: {}", f.kind(), p.field);
            }
        }
    }
}
