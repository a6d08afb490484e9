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

/// `n` in decimal appended to `out`, as `{}` writes it, without the formatting machinery:
/// the scheduler's explanations write several numbers per started and stopped task, and
/// `write!` cost a few hundred instructions per number there (`benches/simulate.rs`).
pub fn push_u64(out: &mut String, n: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut rest = n;
    loop {
        at -= 1;
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    for &d in &digits[at..] {
        out.push(char::from(d));
    }
}

/// [`push_u64`] for a signed number: a minus sign first when it is negative.
pub fn push_i64(out: &mut String, n: i64) {
    if n < 0 {
        out.push('-');
    }
    push_u64(out, n.unsigned_abs());
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    proptest! {
        /// The digits are those `{}` writes, for any number.
        #[test]
        fn numbers_are_written_as_display_writes_them(u in any::<u64>(), i in any::<i64>()) {
            let mut out = String::from("x");
            super::push_u64(&mut out, u);
            super::push_i64(&mut out, i);
            prop_assert_eq!(out, format!("x{u}{i}"));
        }
    }

    #[test]
    fn edges() {
        let mut out = String::new();
        for (u, i) in [(0, 0), (9, -1), (10, i64::MIN), (u64::MAX, i64::MAX)] {
            super::push_u64(&mut out, u);
            out.push(' ');
            super::push_i64(&mut out, i);
            out.push(';');
        }
        assert_eq!(
            out,
            format!("0 0;9 -1;10 {};{} {};", i64::MIN, u64::MAX, i64::MAX)
        );
    }
}
