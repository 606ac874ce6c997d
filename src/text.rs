//! Numbers and text as the docs' tables and the benchmarks' output write them.

/// `1234567` as `1,234,567`.
pub fn thousands(v: u64) -> String {
    let digits = v.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A count as a range's end: a large power of two as `2^50`, anything else as [`thousands`].
pub fn count(v: u64) -> String {
    if v >= 1 << 30 && v.is_power_of_two() {
        format!("2^{}", v.trailing_zeros())
    } else {
        thousands(v)
    }
}

/// Text made safe for a Markdown table cell.
pub fn table_cell(text: &str) -> String {
    text.replace('|', "\\|")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_grouped_or_powers_of_two() {
        assert_eq!(
            (thousands(0), thousands(999), thousands(1000), thousands(1234567)),
            ("0".into(), "999".into(), "1,000".into(), "1,234,567".into())
        );
        assert_eq!(
            (count(1 << 50), count(1 << 20), count(3 << 30)),
            ("2^50".into(), "1,048,576".into(), "3,221,225,472".into())
        );
        assert_eq!(table_cell("a | b"), "a \\| b");
    }
}
