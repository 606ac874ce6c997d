//! `mcast sweep --jobs-list`: one shell command per run instead of the runs, to spread a sweep
//! over many machines (GNU parallel, a Slurm job array).
//!
//! Each command is `mcast sweep ... --run-index I`, self-contained (it needs the `mcast` binary
//! and the scenario file, nothing else), one per line, its words quoted for a POSIX shell. Run in
//! any order on any machines, their outputs concatenated in the list's order are the one-machine
//! sweep's output byte for byte: each prints exactly its run's line, and with `--csv` only the
//! first prints the header.

/// Characters a POSIX shell takes literally anywhere in a word.
fn plain(c: char) -> bool {
    c.is_ascii_alphanumeric() || "_-./:@%+,".contains(c)
}

/// `word` quoted for a POSIX shell (`sh`, `bash`, `dash`, `zsh`): as it is if every character is
/// plain, else in single quotes, each `'` written `'\''`. A line break is refused: a list has
/// one command per line.
pub fn quote(word: &str) -> Result<String, String> {
    if word.contains(['\n', '\r']) {
        return Err(format!("--jobs-list: {word:?} holds a line break, which a list of one command per line cannot"));
    }
    if !word.is_empty() && word.chars().all(plain) {
        return Ok(word.to_string());
    }
    Ok(format!("'{}'", word.replace('\'', r"'\''")))
}

/// The command line `words` make, each quoted.
pub fn command(words: &[String]) -> Result<String, String> {
    Ok(words.iter().map(|w| quote(w)).collect::<Result<Vec<_>, _>>()?.join(" "))
}

/// How much of the list is written at a time.
const CHUNK: usize = 1 << 16;

/// Prints `count` commands, `program` followed by `args(i)` for i = 0, 1, ..., one per line,
/// through [`crate::print_line`] (a closed pipe ends quietly), in chunks.
pub fn print(program: &str, count: u64, args: impl Fn(u64) -> Vec<String>) -> Result<(), String> {
    let program = quote(program)?;
    let mut chunk = String::new();
    for i in 0..count {
        if !chunk.is_empty() {
            chunk.push('\n');
        }
        chunk.push_str(&program);
        chunk.push(' ');
        chunk.push_str(&command(&args(i))?);
        if chunk.len() >= CHUNK {
            crate::print_line(&chunk)?;
            chunk.clear();
        }
    }
    if chunk.is_empty() {
        return Ok(());
    }
    crate::print_line(&chunk)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_words_stay_as_they_are() {
        for w in ["sweep", "--param", "network.loss", "0.1,0.2", "-3e-5", "/tmp/a_b.json", "x@2%+:"] {
            assert_eq!(quote(w).unwrap(), w);
        }
    }

    #[test]
    fn other_words_are_single_quoted() {
        assert_eq!(quote("").unwrap(), "''");
        assert_eq!(quote("my scenario.json").unwrap(), "'my scenario.json'");
        assert_eq!(quote("it's").unwrap(), r"'it'\''s'");
        assert_eq!(quote("\"ring\"").unwrap(), "'\"ring\"'");
        assert_eq!(quote("$HOME `x` *").unwrap(), "'$HOME `x` *'");
        assert_eq!(quote("~/a").unwrap(), "'~/a'");
        assert_eq!(quote("a=b").unwrap(), "'a=b'");
        assert_eq!(quote("faults[0].at_ms").unwrap(), "'faults[0].at_ms'");
        assert!(quote("a\nb").unwrap_err().contains("line break"));
    }

    #[test]
    fn a_shell_reads_back_the_words() {
        let words: Vec<String> =
            ["printf", "%s|", "a b", "it's", "\"q\"", "$x", "", "\\", "é"].iter().map(|w| w.to_string()).collect();
        let out = std::process::Command::new("sh").arg("-c").arg(command(&words).unwrap()).output().unwrap();
        assert_eq!(String::from_utf8(out.stdout).unwrap(), "a b|it's|\"q\"|$x||\\|é|");
    }
}
