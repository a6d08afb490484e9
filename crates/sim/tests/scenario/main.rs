//! The scenario format: every malformed file in `tests/malformed` gives its expected error
//! (file, line, column, what would be valid), every field of the format is covered, and the
//! quiz fields (why_not, topics) load and the built-in quizzes give nothing away. One test
//! binary.

#[path = "../common/mod.rs"]
mod common;

mod import;
mod malformed;
mod quizzes;
