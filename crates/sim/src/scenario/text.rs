//! The text of a scenario file as RON reads it. Editors write things RON does not expect: a
//! byte order mark at the start (Notepad on Windows), lines ended by a carriage return alone
//! (classic Mac OS, some old tools). They are dealt with here, before RON
//! sees the text, so that its errors and ours keep the line and column the editor shows; and
//! what is not text at all (a NUL byte, bytes that are not UTF-8) is refused before RON
//! misreads it.

use std::borrow::Cow;

use super::locate::{Index, Location};

/// The byte order mark some editors put at the start of a UTF-8 file.
const BOM: char = '\u{feff}';

/// The text RON reads:
/// - without a leading byte order mark, which is invisible in the editor, so columns on the
///   first line count from the first character the reader sees;
/// - with each carriage return that ends a line on its own turned into a line feed, since RON
///   and the index of the file count lines by line feeds: a file from a classic Mac editor
///   would otherwise be one long line 1. Both are one byte, so every offset stays where it was.
pub(super) fn prepare(src: &str) -> Cow<'_, str> {
    let src = src.strip_prefix(BOM).unwrap_or(src);
    let lone_cr = src
        .match_indices('\r')
        .any(|(i, _)| !src[i + 1..].starts_with('\n'));
    if !lone_cr {
        return Cow::Borrowed(src);
    }
    let mut out = String::with_capacity(src.len());
    let mut rest = src;
    while let Some(i) = rest.find('\r') {
        out.push_str(&rest[..i]);
        rest = &rest[i + 1..];
        out.push(if rest.starts_with('\n') { '\r' } else { '\n' });
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// Where the first byte that is not UTF-8 is, and what to say about the file.
pub(super) fn not_utf8(bytes: &[u8], e: std::str::Utf8Error) -> (Location, String) {
    // UTF-16, as Notepad's "Unicode" writes it, starts with a byte order mark and is full of
    // zero bytes; the first invalid byte would say little.
    if bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]) {
        return (
            Location { line: 1, column: 1 },
            "the file is UTF-16 text (it starts with a UTF-16 byte order mark); save it as UTF-8"
                .into(),
        );
    }
    let valid = &bytes[..e.valid_up_to()];
    // The bytes before the first invalid one are UTF-8, and line and column count as for any
    // other error: the invalid byte is just past the end of that text.
    let before = std::str::from_utf8(valid).unwrap_or_default();
    let before = prepare(before);
    let at = Index::new(&before).location(before.len());
    let byte = bytes.get(e.valid_up_to()).copied().unwrap_or_default();
    (
        at,
        format!("the file is not UTF-8 text (invalid byte 0x{byte:02X}); save it as UTF-8"),
    )
}

/// The byte offset of the first NUL byte: text files have none, so a file with one is binary
/// or damaged, and RON would report whatever token it happened to break.
pub(super) fn nul_byte(src: &str) -> Option<usize> {
    src.find('\0')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lone_carriage_returns_end_lines_and_crlf_stays() {
        assert_eq!(prepare("a\rb\r\nc\n"), "a\nb\r\nc\n");
        assert!(matches!(prepare("a\r\nb"), Cow::Borrowed(_)));
        assert_eq!(prepare("\u{feff}x\r"), "x\n");
    }
}
