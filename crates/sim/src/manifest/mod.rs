//! Real artifacts read into Orca's scenario types: Kubernetes manifests (YAML) for
//! `kubectl apply -f` and `orca import`, and Amazon ECS task and service definitions (JSON) for
//! `aws ecs register-task-definition` / `create-service --cli-input-json` and `orca import`.
//!
//! Untrusted input: sizes and nesting are bounded, a mistake is reported with its file, line
//! and column, and every field Orca does not model is returned as a [`Warning`] with its path,
//! never dropped silently. Pure: the caller reads the files.

pub mod ecs;
mod ecs_containers;
pub mod import;
pub mod k8s;
mod k8s_containers;
pub use k8s_containers::{cpu_quantity, memory_quantity};
pub mod pdb;
mod reader;
pub mod yaml;

use std::fmt;

pub use yaml::Pos;

/// Why a file is refused: `file:line:column: what is wrong`.
#[derive(Debug, Clone, PartialEq)]
pub struct ManifestError {
    pub file: String,
    pub at: Pos,
    pub message: String,
}

impl fmt::Display for ManifestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file, self.at.line, self.at.column, self.message
        )
    }
}

/// A field Orca does not model (or an assumption it makes), with its path.
#[derive(Debug, Clone, PartialEq)]
pub struct Warning {
    pub file: String,
    pub at: Pos,
    /// The field's path in the document, e.g. `spec.template.spec.containers[0].env`.
    pub path: String,
    pub why: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}: {}",
            self.file, self.at.line, self.at.column, self.path, self.why
        )
    }
}

/// Every object of a multi-document Kubernetes manifest, all read before any is used (one bad
/// document refuses the file), with the warnings.
pub fn read_k8s(file: &str, text: &str) -> Result<(Vec<k8s::Object>, Vec<Warning>), ManifestError> {
    let docs = yaml::parse(text).map_err(|e| ManifestError {
        file: file.to_string(),
        at: e.at,
        message: e.message,
    })?;
    if docs.is_empty() {
        return Err(ManifestError {
            file: file.to_string(),
            at: Pos { line: 1, column: 1 },
            message: "no objects passed to apply".into(),
        });
    }
    let mut warnings = Vec::new();
    let mut objects: Vec<k8s::Object> = Vec::new();
    for doc in &docs {
        let o = k8s::object(file, doc, &mut warnings)?;
        if objects.iter().any(|x| x.kubectl_name() == o.kubectl_name()) {
            return Err(ManifestError {
                file: file.to_string(),
                at: o.at(),
                message: format!("{} is defined twice in the file", o.kubectl_name()),
            });
        }
        objects.push(o);
    }
    Ok((objects, warnings))
}

/// The one document of a JSON (or YAML) file, such as a `--cli-input-json` file.
pub fn read_one(file: &str, text: &str) -> Result<yaml::Node, ManifestError> {
    let err = |at, message: String| ManifestError {
        file: file.to_string(),
        at,
        message,
    };
    let mut docs = yaml::parse(text).map_err(|e| err(e.at, e.message))?;
    match docs.len() {
        1 => Ok(docs.remove(0)),
        0 => Err(err(Pos { line: 1, column: 1 }, "the file is empty".into())),
        _ => Err(err(
            docs[1].at,
            "expected one JSON object, found more".into(),
        )),
    }
}
