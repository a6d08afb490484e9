//! Values from the file as messages show them. A message repeats what the file says so the
//! reader recognises it, but a 500 KB string or name repeated back makes a 500 KB error line:
//! values are cut after [`MAX_SHOWN`] characters, and the message says how long they were.

/// Characters of a value a message shows.
pub(super) const MAX_SHOWN: usize = 60;

/// The first [`MAX_SHOWN`] characters of `s`, and whether that is all of it.
fn cut(s: &str) -> (&str, bool) {
    match s.char_indices().nth(MAX_SHOWN) {
        Some((i, _)) => (&s[..i], false),
        None => (s, true),
    }
}

/// ` (500000 characters)` for a value that was cut.
fn length(s: &str) -> String {
    format!(" ({} characters)", s.chars().count())
}

/// `"web"`; a long value as `"xxxx…" (500000 characters)`.
pub(super) fn quoted(s: &str) -> String {
    match cut(s) {
        (all, true) => format!("\"{all}\""),
        (start, false) => format!("\"{start}…\"{}", length(s)),
    }
}

/// Like [`quoted`], without the length, for messages that state it themselves.
pub(super) fn quoted_start(s: &str) -> String {
    match cut(s) {
        (all, true) => format!("\"{all}\""),
        (start, false) => format!("\"{start}…\""),
    }
}

/// Like [`quoted`] with Rust's escapes, for values that may be blank or hold control
/// characters: `"  "`, `"a\tb"`.
pub(super) fn escaped(s: &str) -> String {
    match cut(s) {
        (all, true) => format!("{all:?}"),
        (start, false) => format!("{:?}{}", format!("{start}…"), length(s)),
    }
}

/// Without quotes, for numbers, names and expressions: `4.5`, `xxxx… (500000 characters)`.
pub(super) fn bare(s: &str) -> String {
    match cut(s) {
        (all, true) => all.to_string(),
        (start, false) => format!("{start}…{}", length(s)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_values_are_shown_whole() {
        assert_eq!(quoted("web"), "\"web\"");
        assert_eq!(escaped("  "), "\"  \"");
        assert_eq!(bare("4.5"), "4.5");
        let sixty = "x".repeat(MAX_SHOWN);
        assert_eq!(quoted(&sixty), format!("\"{sixty}\""));
    }

    #[test]
    fn long_values_are_cut_and_their_length_said() {
        let long = "é".repeat(500_000);
        let start = "é".repeat(MAX_SHOWN);
        assert_eq!(quoted(&long), format!("\"{start}…\" (500000 characters)"));
        assert_eq!(quoted_start(&long), format!("\"{start}…\""));
        assert_eq!(escaped(&long), format!("\"{start}…\" (500000 characters)"));
        assert_eq!(bare(&long), format!("{start}… (500000 characters)"));
    }
}
