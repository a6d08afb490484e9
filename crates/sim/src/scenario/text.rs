//! The text of a scenario file as RON reads it. Editors write things RON does not expect: a
//! byte order mark at the start (Notepad on Windows). They are dealt with here, before RON
//! sees the text, so that its errors and ours keep the line and column the editor shows; and
//! what is not text at all (a NUL byte) is refused before RON misreads it.

/// The byte order mark some editors put at the start of a UTF-8 file.
const BOM: char = '\u{feff}';

/// The text RON reads: `src` without a leading byte order mark, which is invisible in the
/// editor, so columns on the first line count from the first character the reader sees.
pub(super) fn prepare(src: &str) -> &str {
    src.strip_prefix(BOM).unwrap_or(src)
}

/// The byte offset of the first NUL byte: text files have none, so a file with one is binary
/// or damaged, and RON would report whatever token it happened to break.
pub(super) fn nul_byte(src: &str) -> Option<usize> {
    src.find('\0')
}
