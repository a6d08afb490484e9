//! The objects an event names.

use serde::Serialize;

use crate::name::Name;

/// An object an event names.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub enum Subject {
    Service(Name),
    /// A task by its 32-digit id.
    Task(Name),
    /// A container instance by its scenario name.
    Instance(Name),
    TargetGroup(Name),
    Zone(Name),
    /// A Kubernetes pod by name.
    Pod(Name),
    /// A Kubernetes node by name.
    Node(Name),
    /// A Kubernetes Deployment by name.
    Deployment(Name),
}

/// The subjects of an event, a slice to read (`Deref`). Nearly every event names one to three
/// objects; those are kept inside the event, so logging one allocates nothing for them (a
/// large run logs hundreds of thousands of events). Build it from an array or a `Vec`.
#[derive(Clone)]
pub struct Subjects(Few);

/// Up to three inline; `Many` holds four or more.
#[derive(Clone)]
enum Few {
    Zero,
    One([Subject; 1]),
    Two([Subject; 2]),
    Three([Subject; 3]),
    Many(Vec<Subject>),
}

impl Subjects {
    pub const fn new() -> Subjects {
        Subjects(Few::Zero)
    }
}

impl Default for Subjects {
    fn default() -> Subjects {
        Subjects::new()
    }
}

impl std::ops::Deref for Subjects {
    type Target = [Subject];
    fn deref(&self) -> &[Subject] {
        match &self.0 {
            Few::Zero => &[],
            Few::One(s) => s,
            Few::Two(s) => s,
            Few::Three(s) => s,
            Few::Many(s) => s,
        }
    }
}

impl PartialEq for Subjects {
    fn eq(&self, other: &Subjects) -> bool {
        self[..] == other[..]
    }
}

impl std::fmt::Debug for Subjects {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl From<Vec<Subject>> for Subjects {
    fn from(v: Vec<Subject>) -> Subjects {
        let v = match <[Subject; 1]>::try_from(v) {
            Ok(a) => return a.into(),
            Err(v) => v,
        };
        let v = match <[Subject; 2]>::try_from(v) {
            Ok(a) => return a.into(),
            Err(v) => v,
        };
        let v = match <[Subject; 3]>::try_from(v) {
            Ok(a) => return a.into(),
            Err(v) => v,
        };
        if v.is_empty() {
            Subjects::new()
        } else {
            Subjects(Few::Many(v))
        }
    }
}

impl From<[Subject; 0]> for Subjects {
    fn from(_: [Subject; 0]) -> Subjects {
        Subjects::new()
    }
}

impl From<[Subject; 1]> for Subjects {
    fn from(a: [Subject; 1]) -> Subjects {
        Subjects(Few::One(a))
    }
}

impl From<[Subject; 2]> for Subjects {
    fn from(a: [Subject; 2]) -> Subjects {
        Subjects(Few::Two(a))
    }
}

impl From<[Subject; 3]> for Subjects {
    fn from(a: [Subject; 3]) -> Subjects {
        Subjects(Few::Three(a))
    }
}

impl From<Subjects> for Vec<Subject> {
    fn from(s: Subjects) -> Vec<Subject> {
        match s.0 {
            Few::Zero => Vec::new(),
            Few::One(a) => a.into(),
            Few::Two(a) => a.into(),
            Few::Three(a) => a.into(),
            Few::Many(v) => v,
        }
    }
}
