//! The documentation as a reader of the repository meets it: README.md and every page under
//! docs/. The README stays short; every relative link (and its `#anchor`, into a Markdown page)
//! leads to a file of the repository; nothing points at the workplace's shared folder, which a
//! reader does not have; and no link leaves the repository except to papers, RFCs and crate
//! docs. Each failure names the file, the line and the link.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The README is read in ten minutes; the reference lives in docs/.
const README_MAX_BYTES: usize = 15_000;

/// Hosts a link may go to: papers (by DOI), RFCs, and the docs of the crates and tools the
/// project uses. Add a host here only for a paper, an RFC or a crate's docs.
const ALLOWED_HOSTS: &[&str] = &[
    "doi.org",            // papers
    "www.rfc-editor.org", // RFCs
    "docs.rs",            // crate docs
    "yew.rs",             // Yew's docs
    "trunkrs.dev",        // trunk's docs
    "rustwasm.github.io", // the wasm-bindgen guide
];

/// Paths of the workplace's shared folder, which is not in the repository.
const FORBIDDEN: &[&str] = &["../shared", "shared/ARCHITECTURE.md", "shared/TOOLCHAIN.md", "shared/PROBLEM.md"];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// README.md and every `.md` file under docs/, as paths relative to the repository.
fn pages() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.expect("a directory entry").path())
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|x| x == "md") {
                out.push(path);
            }
        }
    }
    let mut out = vec![root().join("README.md")];
    walk(&root().join("docs"), &mut out);
    out.iter().map(|p| p.strip_prefix(root()).expect("under the root").to_path_buf()).collect()
}

fn read(page: &Path) -> String {
    std::fs::read_to_string(root().join(page)).unwrap_or_else(|e| panic!("{}: {e}", page.display()))
}

/// The text with fenced code blocks and inline code spans blanked out (newlines kept, so byte
/// offsets and line numbers still match): links and headings are looked for in prose only.
fn prose(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut fence: Option<&str> = None;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let marker = ["```", "~~~"].into_iter().find(|m| trimmed.starts_with(m));
        let blank = match (fence, marker) {
            (None, Some(m)) => {
                fence = Some(m);
                true
            }
            (Some(f), Some(m)) if f == m => {
                fence = None;
                true
            }
            (Some(_), _) => true,
            (None, None) => false,
        };
        if blank {
            out.extend(line.chars().map(|c| if c == '\n' { '\n' } else { ' ' }));
        } else {
            out.push_str(line);
        }
    }
    blank_code_spans(&out)
}

/// Blanks inline code: a run of n backticks up to the next run of exactly n backticks.
fn blank_code_spans(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = bytes.to_vec();
    let run_at = |i: usize| bytes[i..].iter().take_while(|&&b| b == b'`').count();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'`' {
            i += 1;
            continue;
        }
        let n = run_at(i);
        let mut j = i + n;
        let close = loop {
            match bytes[j..].iter().position(|&b| b == b'`') {
                None => break None,
                Some(k) => {
                    let m = run_at(j + k);
                    if m == n {
                        break Some(j + k);
                    }
                    j += k + m;
                }
            }
        };
        match close {
            Some(c) => {
                for b in &mut out[i..c + n] {
                    if *b != b'\n' {
                        *b = b' ';
                    }
                }
                i = c + n;
            }
            None => i += n,
        }
    }
    // Only ASCII bytes were replaced, by ASCII spaces, so the text is still UTF-8.
    String::from_utf8(out).expect("still UTF-8")
}

/// A link found in a page: its line and its target.
struct Link {
    line: usize,
    target: String,
}

/// Inline links and images `[text](target "title")`, and reference definitions `[name]: target`.
fn links(prose: &str) -> Vec<Link> {
    let line_of = |at: usize| prose[..at].matches('\n').count() + 1;
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(k) = prose[from..].find("](") {
        let start = from + k + 2;
        let rest = &prose[start..];
        let target = match rest.strip_prefix('<') {
            Some(inner) => inner.split('>').next().unwrap_or(""),
            None => rest.split(|c: char| c.is_whitespace() || c == ')').next().unwrap_or(""),
        };
        found.push(Link { line: line_of(start), target: target.to_string() });
        from = start;
    }
    let mut offset = 0;
    for line in prose.split_inclusive('\n') {
        let t = line.trim_start();
        if line.len() - t.len() <= 3 && t.starts_with('[') {
            if let Some(end) = t.find("]:") {
                let target = t[end + 2..].split_whitespace().next().unwrap_or("");
                found.push(Link { line: line_of(offset), target: target.trim_matches(['<', '>']).to_string() });
            }
        }
        offset += line.len();
    }
    found
}

/// Every `http://` or `https://` address in the prose: links, autolinks and bare addresses.
fn urls(prose: &str) -> Vec<Link> {
    let mut found = Vec::new();
    for (n, line) in prose.lines().enumerate() {
        for scheme in ["http://", "https://"] {
            let mut from = 0;
            while let Some(k) = line[from..].find(scheme) {
                let start = from + k;
                let end = line[start..]
                    .find(|c: char| c.is_whitespace() || matches!(c, ')' | '>' | ']' | '"'))
                    .map_or(line.len(), |e| start + e);
                let url = line[start..end].trim_end_matches(['.', ',', ';', ':']);
                found.push(Link { line: n + 1, target: url.to_string() });
                from = end;
            }
        }
    }
    found
}

/// The host of an `http(s)://` address.
fn host(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let authority = authority.rsplit('@').next().unwrap_or("");
    authority.split(':').next().unwrap_or("")
}

/// The anchors GitHub makes for a page's headings: lower case, punctuation dropped, spaces to
/// hyphens, and `-1`, `-2`, ... on repeats.
fn anchors(text: &str) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    // `prose` keeps every line break, so its lines pair with the text's: the prose line says
    // whether a line is a heading (not in a code block), the original keeps its code spans.
    for (line, original) in prose(text).lines().zip(text.lines()) {
        let hashes = line.chars().take_while(|&c| c == '#').count();
        if !(1..=6).contains(&hashes) || !line[hashes..].starts_with(' ') {
            continue;
        }
        let title = original[hashes..].trim().trim_end_matches('#').trim();
        let slug: String = title
            .to_lowercase()
            .chars()
            .filter(|&c| c.is_alphanumeric() || c == '-' || c == '_' || c == ' ')
            .map(|c| if c == ' ' { '-' } else { c })
            .collect();
        let mut candidate = slug.clone();
        let mut n = 0;
        while seen.contains(&candidate) {
            n += 1;
            candidate = format!("{slug}-{n}");
        }
        seen.insert(candidate);
    }
    seen
}

/// Checks one relative link from `page`; `None` if it is sound, or what is wrong.
fn check_relative(page: &Path, target: &str) -> Option<String> {
    let (path, fragment) = match target.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (target, None),
    };
    let path = path.split('?').next().unwrap_or("");
    let file = if path.is_empty() {
        root().join(page)
    } else {
        let base = root().join(page.parent().unwrap_or(Path::new("")));
        base.join(path)
    };
    let Ok(resolved) = file.canonicalize() else {
        return Some("no such file in the repository".to_string());
    };
    let repo = root().canonicalize().expect("the repository exists");
    if !resolved.starts_with(&repo) {
        return Some("it leads out of the repository".to_string());
    }
    match fragment {
        Some(f) if !f.is_empty() && resolved.extension().is_some_and(|x| x == "md") => {
            let text = std::fs::read_to_string(&resolved).ok()?;
            (!anchors(&text).contains(f)).then(|| format!("no heading makes the anchor #{f}"))
        }
        _ => None,
    }
}

#[test]
fn the_readme_is_short() {
    let bytes = read(Path::new("README.md")).len();
    assert!(
        bytes < README_MAX_BYTES,
        "README.md is {bytes} bytes, over {README_MAX_BYTES}: move reference material into docs/"
    );
}

#[test]
fn every_relative_link_leads_to_a_file_of_the_repository() {
    let mut bad = Vec::new();
    for page in pages() {
        for link in links(&prose(&read(&page))) {
            let t = link.target.as_str();
            if t.is_empty() || t.contains("://") || t.starts_with("mailto:") {
                continue;
            }
            if let Some(why) = check_relative(&page, t) {
                bad.push(format!("{}:{}: ({t}): {why}", page.display(), link.line));
            }
        }
    }
    assert!(bad.is_empty(), "broken links:\n{}", bad.join("\n"));
}

#[test]
fn nothing_points_at_the_shared_folder() {
    let mut bad = Vec::new();
    for page in pages() {
        for (n, line) in read(&page).lines().enumerate() {
            for f in FORBIDDEN.iter().filter(|f| line.contains(*f)) {
                bad.push(format!(
                    "{}:{}: mentions {f}, which a reader of the repository does not have",
                    page.display(),
                    n + 1
                ));
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn links_leave_the_repository_only_for_papers_rfcs_and_crate_docs() {
    let mut bad = Vec::new();
    for page in pages() {
        let prose = prose(&read(&page));
        // Every http(s) address (links, autolinks, bare), and links of any other scheme.
        let mut all: BTreeSet<(usize, String)> = urls(&prose).into_iter().map(|l| (l.line, l.target)).collect();
        all.extend(links(&prose).into_iter().filter(|l| l.target.contains("://")).map(|l| (l.line, l.target)));
        for (line, target) in all {
            let h = host(&target);
            let web = target.starts_with("https://") || target.starts_with("http://");
            if !web || !ALLOWED_HOSTS.contains(&h) {
                bad.push(format!("{}:{line}: {target} (host `{h}` is not in ALLOWED_HOSTS)", page.display()));
            }
        }
    }
    assert!(bad.is_empty(), "links to hosts that are neither papers, RFCs nor crate docs:\n{}", bad.join("\n"));
}

#[test]
fn the_checker_sees_what_it_should() {
    let text = "A [link](a.md#x) and ![img](b.png \"t\"), `[code](no.md)`,\n\
                ``a ` [span](no2.md)`` and <https://doi.org/10.1/x>.\n\
                ```\n[fenced](no3.md) http://example.com\n```\n[ref]: c.md\n## A `code` heading, too\n";
    let p = prose(text);
    let targets: Vec<_> = links(&p).into_iter().map(|l| l.target).collect();
    assert_eq!(targets, ["a.md#x", "b.png", "c.md"]);
    let addresses: Vec<_> = urls(&p).into_iter().map(|l| (l.line, l.target)).collect();
    assert_eq!(addresses, [(2, "https://doi.org/10.1/x".to_string())]);
    assert_eq!(host("https://user@docs.rs:443/rand_chacha"), "docs.rs");
    assert!(anchors(text).contains("a-code-heading-too"), "{:?}", anchors(text));
}

#[test]
fn generated_parts_match_the_code() {
    // Parameter tables, packet kinds, the protocol list and the scenario reference are written
    // by `mcast docs` from the registry; a committed page that differs is stale.
    let pages = mcast::docs::pages(&root()).expect("the docs are readable");
    let mut generated = 0;
    for page in pages {
        let text = read(&page);
        generated += text.matches("<!-- BEGIN GENERATED: ").count();
        let fresh = mcast::docs::splice(&text).unwrap_or_else(|e| panic!("{}: {e}", page.display()));
        assert!(fresh == text, "{} is out of date: run `cargo run --bin mcast -- docs`", page.display());
    }
    let families = mcast::protocols::FAMILIES.len();
    assert!(generated > 2 * families, "only {generated} generated parts for {families} families");
}
