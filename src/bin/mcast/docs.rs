//! `mcast docs`: rewrites the generated parts of README.md and docs/ from the code (parameter
//! tables, packet kinds, the protocol list, the scenario reference), or checks them.

use std::path::Path;

/// `mcast docs --help`.
pub const HELP: &str = "\
mcast docs [--check] [--root DIR]

Rewrites every part of README.md and docs/**/*.md marked
    <!-- BEGIN GENERATED: NAME --> ... <!-- END GENERATED -->
with what the code says now: `families` (the protocol list), `params KIND` (a family's
parameter table), `packets KIND` (its packet kinds), `scenario-reference` (every scenario
field). Prints the pages it changed.

OPTIONS:
    --check      change nothing; exit 1 if a page differs from what would be written
    --root DIR   the repository's root (default: the current directory)

EXIT STATUS: 0 when the pages are (now) up to date; 1 with --check when one is not; 2 on an
unknown part, an unclosed marker or a file that cannot be read.";

/// Runs `mcast docs`; `Ok(false)` when `--check` found a stale page.
pub fn cmd(args: &[String]) -> Result<bool, String> {
    let (file, opts) = super::parse(args, &["--root"], &["--check"])?;
    if let Some(f) = file {
        return Err(format!("unexpected argument `{f}`"));
    }
    let check = opts.iter().any(|o| o.0 == "--check");
    let root = opts.iter().find(|o| o.0 == "--root").map_or(".", |o| o.1);
    let pages = mcast::docs::pages(Path::new(root)).map_err(|e| format!("{root}: {e}"))?;
    let mut fresh = true;
    for page in pages {
        let shown = page.display();
        let text = std::fs::read_to_string(&page).map_err(|e| format!("{shown}: {e}"))?;
        let new = mcast::docs::splice(&text).map_err(|e| format!("{shown}: {e}"))?;
        if new == text {
            continue;
        }
        fresh = false;
        if check {
            println!("{shown}: out of date (run `mcast docs`)");
        } else {
            std::fs::write(&page, new).map_err(|e| format!("{shown}: {e}"))?;
            println!("{shown}: rewritten");
        }
    }
    Ok(fresh || !check)
}
