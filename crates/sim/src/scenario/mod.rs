//! The scenario file format (RON) and its validation.
//!
//! [`parse`] turns the text of a scenario file into a [`Scenario`] that the engine can run
//! without further checks, or into errors that each name `file:line:column`, quote the value and
//! say what would be valid. It never panics and does no I/O: callers read the file.

pub mod limits;
pub mod lint;
pub mod locate;
mod ron_error;
mod shown;
pub mod spec;
mod text;
mod validate;

use std::fmt;

use ron::extensions::Extensions;

pub use spec::Scenario;
pub(crate) use validate::iam as iam_caps;
pub(crate) use validate::managed_ebs_volume_problems;

/// Scenario files larger than this are refused before parsing.
pub const MAX_FILE_BYTES: usize = 1024 * 1024;

/// One problem in a scenario file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioError {
    pub file: String,
    /// 1-based.
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
    pub message: String,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.column, self.message
        )
    }
}

/// Every problem found in a scenario file, in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioErrors(pub Vec<ScenarioError>);

impl fmt::Display for ScenarioErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ScenarioErrors {}

/// The RON options scenario files are read with: `Some(..)` may be left out around optional
/// values, and an enum variant's fields may be written directly inside its parentheses
/// (`Ecs(cluster: ...)` as well as `Ecs((cluster: ...))`).
pub fn ron_options() -> ron::Options {
    ron::Options::default()
        .with_default_extension(Extensions::IMPLICIT_SOME | Extensions::UNWRAP_VARIANT_NEWTYPES)
}

/// The scenario as the text of a scenario file that [`parse`] accepts: a session saved as a
/// scenario (its interventions are timeline entries). Comments of the original file are not
/// kept.
pub fn to_ron(s: &Scenario) -> Result<String, String> {
    let pretty = ron::ser::PrettyConfig::new()
        .depth_limit(6)
        .indentor("    ".to_string())
        .separate_tuple_members(false)
        .enumerate_arrays(false);
    let text = ron_options()
        .to_string_pretty(s, pretty)
        .map_err(|e| format!("the scenario could not be written as RON: {e}"))?;
    Ok(format!(
        "// Saved by Orca: the scenario \"{}\" with the session's actions as timeline entries.\n{text}\n",
        s.title.replace('"', "'")
    ))
}

/// One error, as the whole result.
fn one_error(file: &str, line: usize, column: usize, message: String) -> ScenarioErrors {
    ScenarioErrors(vec![ScenarioError {
        file: file.to_string(),
        line,
        column,
        message,
    }])
}

/// The error for a file of `len` bytes, when that is over [`MAX_FILE_BYTES`].
fn too_big(file: &str, len: usize) -> Option<ScenarioErrors> {
    (len > MAX_FILE_BYTES).then(|| {
        one_error(
            file,
            1,
            1,
            format!(
                "the file is {:.1} MiB; scenario files are limited to {} MiB",
                len as f64 / (1024.0 * 1024.0),
                MAX_FILE_BYTES / (1024 * 1024)
            ),
        )
    })
}

/// Parse and validate the bytes of a scenario file, as read from disk: like [`parse`], and a
/// file that is not UTF-8 text is reported at the line and column of its first invalid byte.
pub fn parse_bytes(file: &str, bytes: &[u8]) -> Result<Scenario, ScenarioErrors> {
    if let Some(e) = too_big(file, bytes.len()) {
        return Err(e);
    }
    match std::str::from_utf8(bytes) {
        Ok(src) => parse(file, src),
        Err(e) => {
            let (at, message) = text::not_utf8(bytes, e);
            Err(one_error(file, at.line, at.column, message))
        }
    }
}

/// Parse and validate the text of a scenario file. `file` is only used in messages.
pub fn parse(file: &str, src: &str) -> Result<Scenario, ScenarioErrors> {
    let err = |line, column, message: String| one_error(file, line, column, message);
    if let Some(e) = too_big(file, src.len()) {
        return Err(e);
    }
    let prepared = text::prepare(src);
    let src: &str = &prepared;
    if let Some(at) = text::nul_byte(src) {
        let at = locate::Index::new(src).location(at);
        return Err(err(
            at.line,
            at.column,
            "the file contains a NUL byte here; scenario files are text".into(),
        ));
    }
    let scenario: Scenario = ron_options().from_str(src).map_err(|e| {
        let (at, message) = ron_error::describe(src, &e);
        err(at.line, at.column, message)
    })?;
    let problems = validate::validate(&scenario);
    if problems.is_empty() {
        return Ok(scenario);
    }
    // One index for all problems: locating is then a walk down the tree per problem, not a
    // pass over the whole text.
    let index = locate::Index::new(src);
    let mut errors: Vec<ScenarioError> = problems
        .into_iter()
        .map(|(path, message)| {
            let at = index.locate(&path);
            ScenarioError {
                file: file.to_string(),
                line: at.at.line,
                column: at.at.column,
                message,
            }
        })
        .collect();
    errors.sort_by(|a, b| (a.line, a.column, &a.message).cmp(&(b.line, b.column, &b.message)));
    errors.dedup();
    Err(ScenarioErrors(errors))
}

/// Whether `actions`, added to the scenario's timeline, pass the same checks a scenario file's
/// timeline does (names, ranges, caps). The console checks an acting command this way before it
/// acts, so an intervention is always one that `orca check` accepts in a saved session.
pub fn check_actions(s: &Scenario, actions: &[spec::Action]) -> Result<(), Vec<String>> {
    let mut with = s.clone();
    let first = with.timeline.len();
    let at = with.timeline.iter().map(|e| e.at).fold(0.0, f64::max);
    with.timeline
        .extend(actions.iter().map(|a| spec::TimelineEntry {
            at,
            action: a.clone(),
            notes: String::new(),
        }));
    let mine = |p: &locate::Path| {
        matches!(
            p.0.as_slice(),
            [locate::PathSeg::Field("timeline"), locate::PathSeg::Index(i), ..] if *i >= first
        )
    };
    let problems: Vec<String> = validate::validate(&with)
        .into_iter()
        .filter(|(p, _)| mine(p) || p.0.first() != Some(&locate::PathSeg::Field("timeline")))
        .map(|(p, m)| format!("{p}: {m}"))
        .collect();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}
