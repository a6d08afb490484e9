//! Text written in one buffer of the right size.

/// `format_args!` written into one buffer of `capacity` bytes: the event and explanation text
/// of hot paths (thousands per simulated minute) is built with one allocation instead of the
/// several a `format!` whose capacity guess is too small grows through. Give a capacity at
/// least the text's length (the literal parts plus the arguments' lengths) so nothing grows.
pub fn text(capacity: usize, args: std::fmt::Arguments<'_>) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(capacity);
    // Writing into a String cannot fail.
    let _ = out.write_fmt(args);
    out
}
