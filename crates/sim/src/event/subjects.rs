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

/// The subjects of an event, read with [`Subjects::iter`] (each a [`Subject`], its name shared).
/// Nearly every event names one to three objects; those are kept inside the event, each as its
/// name and a one-byte kind, so logging one allocates nothing for them and they take 32 bytes
/// of the event (48 as three `Subject`s: a large run logs hundreds of thousands of events).
/// Build it from an array or a `Vec`.
#[derive(Clone)]
pub struct Subjects(Packed);

// Names are one pointer, kinds one byte each, and the enum's tag fits in a kind's spare values.
const _: () = assert!(std::mem::size_of::<Subjects>() <= 32);

#[derive(Clone)]
enum Packed {
    /// Up to three, in order: the first `n` of `names` are `Some`, each with its kind.
    Few {
        names: [Option<Name>; 3],
        kinds: [Kind; 3],
    },
    /// Four or more.
    Many(Box<[Subject]>),
}

/// Which [`Subject`] a packed name is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Service,
    Task,
    Instance,
    TargetGroup,
    Zone,
    Pod,
    Node,
    Deployment,
}

impl Subject {
    fn split(self) -> (Kind, Name) {
        match self {
            Subject::Service(n) => (Kind::Service, n),
            Subject::Task(n) => (Kind::Task, n),
            Subject::Instance(n) => (Kind::Instance, n),
            Subject::TargetGroup(n) => (Kind::TargetGroup, n),
            Subject::Zone(n) => (Kind::Zone, n),
            Subject::Pod(n) => (Kind::Pod, n),
            Subject::Node(n) => (Kind::Node, n),
            Subject::Deployment(n) => (Kind::Deployment, n),
        }
    }
}

impl Kind {
    fn subject(self, name: &Name) -> Subject {
        let n = name.clone();
        match self {
            Kind::Service => Subject::Service(n),
            Kind::Task => Subject::Task(n),
            Kind::Instance => Subject::Instance(n),
            Kind::TargetGroup => Subject::TargetGroup(n),
            Kind::Zone => Subject::Zone(n),
            Kind::Pod => Subject::Pod(n),
            Kind::Node => Subject::Node(n),
            Kind::Deployment => Subject::Deployment(n),
        }
    }
}

impl Subjects {
    pub const fn new() -> Subjects {
        Subjects(Packed::Few {
            names: [None, None, None],
            kinds: [Kind::Service; 3],
        })
    }

    /// The subjects in order (clones that share the event's names).
    pub fn iter(&self) -> impl Iterator<Item = Subject> + '_ {
        let (few, many) = match &self.0 {
            Packed::Few { names, kinds } => (Some((names, kinds)), &[][..]),
            Packed::Many(all) => (None, &all[..]),
        };
        few.into_iter()
            .flat_map(|(names, kinds)| {
                names
                    .iter()
                    .zip(kinds)
                    .map_while(|(name, kind)| name.as_ref().map(|n| kind.subject(n)))
            })
            .chain(many.iter().cloned())
    }

    pub fn len(&self) -> usize {
        match &self.0 {
            Packed::Few { names, .. } => names.iter().take_while(|n| n.is_some()).count(),
            Packed::Many(all) => all.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn contains(&self, subject: &Subject) -> bool {
        self.iter().any(|s| s == *subject)
    }

    pub fn to_vec(&self) -> Vec<Subject> {
        self.iter().collect()
    }

    /// Up to three subjects, kept inside.
    fn few<const N: usize>(subjects: [Subject; N]) -> Subjects {
        const { assert!(N <= 3) };
        let mut names = [None, None, None];
        let mut kinds = [Kind::Service; 3];
        for (i, s) in subjects.into_iter().enumerate() {
            let (kind, name) = s.split();
            kinds[i] = kind;
            names[i] = Some(name);
        }
        Subjects(Packed::Few { names, kinds })
    }
}

impl Default for Subjects {
    fn default() -> Subjects {
        Subjects::new()
    }
}

impl PartialEq for Subjects {
    fn eq(&self, other: &Subjects) -> bool {
        self.iter().eq(other.iter())
    }
}

impl std::fmt::Debug for Subjects {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// As the list of its subjects.
impl Serialize for Subjects {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
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
            Subjects(Packed::Many(v.into_boxed_slice()))
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
        Subjects::few(a)
    }
}

impl From<[Subject; 2]> for Subjects {
    fn from(a: [Subject; 2]) -> Subjects {
        Subjects::few(a)
    }
}

impl From<[Subject; 3]> for Subjects {
    fn from(a: [Subject; 3]) -> Subjects {
        Subjects::few(a)
    }
}

impl From<Subjects> for Vec<Subject> {
    fn from(s: Subjects) -> Vec<Subject> {
        s.to_vec()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_kinds() -> Vec<Subject> {
        let n = |s: &str| Name::from(s);
        vec![
            Subject::Service(n("web")),
            Subject::Task(n("0123")),
            Subject::Instance(n("node-1")),
            Subject::TargetGroup(n("web-tg")),
            Subject::Zone(n("us-east-1a")),
            Subject::Pod(n("web-x")),
            Subject::Node(n("ip-10-0-0-1")),
            Subject::Deployment(n("web")),
        ]
    }

    #[test]
    fn subjects_read_back_in_order_whatever_their_number() {
        let all = all_kinds();
        for len in 0..=all.len() {
            let some: Vec<Subject> = all[..len].to_vec();
            let packed = Subjects::from(some.clone());
            assert_eq!(packed.len(), len);
            assert_eq!(packed.to_vec(), some, "{len} subjects");
            assert_eq!(Vec::from(packed.clone()), some);
            assert_eq!(
                serde_json::to_string(&packed).ok(),
                serde_json::to_string(&some).ok(),
                "serialized as the list"
            );
            assert!(some.iter().all(|s| packed.contains(s)));
            assert!(!packed.contains(&Subject::Zone(Name::from("elsewhere"))));
        }
        // Each kind survives packing, in each of the three places.
        for s in all_kinds() {
            let three = Subjects::from([s.clone(), s.clone(), s.clone()]);
            assert_eq!(three.to_vec(), vec![s.clone(), s.clone(), s]);
        }
        assert_eq!(Subjects::from([]), Subjects::new());
        assert!(Subjects::default().is_empty());
    }
}
