//! The range of whole numbers in a scenario file, with where each comes from. Validation checks
//! values against these ranges; when a number does not even fit the field (RON's "integer out
//! of bounds"), the message states the same range, so the reader is told one thing.

/// A range of whole numbers, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    pub min: i64,
    pub max: i64,
}

/// A container's exit code. POSIX `exit()` (The Open Group Base Specifications): only the
/// least significant 8 bits of the status reach the parent, so Docker and ECS report 0–255.
pub const EXIT_CODE: Range = Range { min: 0, max: 255 };

/// The range of the whole number at `pattern`, its place in the file with list indices left
/// out (`timeline[].action.exit_code`), when Orca knows one.
pub fn of(pattern: &str) -> Option<Range> {
    Some(match pattern {
        "world.task_definitions[].containers[].behavior.exits.exit_code"
        | "timeline[].action.exit_code" => EXIT_CODE,
        _ => return None,
    })
}
