//! The scenario format's field reference, generated into `docs/scenario.md`.

/// The reference as a Markdown table.
pub fn markdown() -> String {
    String::from("(the field reference is being written)\n")
}
