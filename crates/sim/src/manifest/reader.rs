//! What the ECS and Kubernetes readers share: where a document comes from, where warnings go,
//! and the checks of one value (a string, a bounded whole number, a mapping whose unknown keys
//! are reported as not modelled).

use super::yaml::{Node, Pos, Value};
use super::{ManifestError, Warning};

pub(super) type R<T> = Result<T, ManifestError>;

/// What reading a document needs: the file's name (for errors) and where warnings go.
pub(super) struct Reader<'a> {
    pub file: &'a str,
    pub warnings: &'a mut Vec<Warning>,
    /// What a mapping is called in the file's language: "an object" (JSON), "a mapping" (YAML).
    pub mapping: &'static str,
}

impl Reader<'_> {
    pub fn err(&self, at: Pos, path: &str, message: impl Into<String>) -> ManifestError {
        ManifestError {
            file: self.file.to_string(),
            at,
            message: format!("{path}: {}", message.into()),
        }
    }

    pub fn warn(&mut self, at: Pos, path: String, why: &str) {
        self.warnings.push(Warning {
            file: self.file.to_string(),
            at,
            path,
            why: why.to_string(),
        });
    }

    /// A mapping's entries; keys outside `known` are warned about as not modelled.
    pub fn map<'n>(&mut self, n: &'n Node, path: &str, known: &[&str]) -> R<&'n [(String, Node)]> {
        self.map_with(n, path, known, &[])
    }

    /// As [`Reader::map`], with keys that are quietly skipped (read-only fields that
    /// `describe-*` prints and `register-*` does not take).
    pub fn map_with<'n>(
        &mut self,
        n: &'n Node,
        path: &str,
        known: &[&str],
        skipped: &[&str],
    ) -> R<&'n [(String, Node)]> {
        let Value::Map(m) = &n.value else {
            return Err(self.err(
                n.at,
                path,
                format!("expected {}, got {}", self.mapping, n.value.type_name()),
            ));
        };
        for (k, v) in m {
            if !known.contains(&k.as_str()) && !skipped.contains(&k.as_str()) {
                self.warn(v.at, join(path, k), "not modelled by Orca (ignored)");
            }
        }
        Ok(m)
    }

    pub fn string(&self, n: &Node, path: &str) -> R<String> {
        match &n.value {
            Value::Str(s) => Ok(s.clone()),
            v => Err(self.err(
                n.at,
                path,
                format!("expected a string, got {}", v.type_name()),
            )),
        }
    }

    pub fn int(&self, n: &Node, path: &str, max: u32) -> R<u32> {
        match &n.value {
            Value::Int(i) if (0..=max as i64).contains(i) => Ok(*i as u32),
            Value::Int(i) => Err(self.err(
                n.at,
                path,
                format!("{i} is out of range; valid: 0 to {max}"),
            )),
            v => Err(self.err(
                n.at,
                path,
                format!("expected an integer, got {}", v.type_name()),
            )),
        }
    }
}

/// A field's path: `spec.replicas` from `spec` and `replicas`.
pub(super) fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}
