//! The scenario format: every malformed file in `tests/malformed` gives its expected error
//! (file, line, column, what would be valid), and every field of the format is covered. One
//! test binary.

#[path = "../common/mod.rs"]
mod common;

mod import;
mod malformed;
