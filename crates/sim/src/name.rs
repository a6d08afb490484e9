//! [`Name`]: the text of an identifier the world holds once and every event naming it shares —
//! a task's id, a service's or target group's name, a deployment's id.
//!
//! A rolling update of 10,000 tasks logs about 160,000 events, and each names its task and
//! service several times (the event's source, its subjects, its payload). As `String`s every
//! one of those was an allocation and a copy; a `Name` is a reference-counted `str`, so naming
//! costs a counter increment. It reads like a `&str` (`Deref`, `Display`, comparisons with
//! `str` and `String`) and serializes as a plain string, so logs and JSON are unchanged.
//!
//! It is one pointer wide (`arcstr::ArcStr`: the count and the length sit with the text), not
//! the two of an `Arc<str>`: every event holds several names, and at 8 bytes instead of 16
//! they took an event from 240 to 168 bytes (`benches/simulate.rs`). For the same reason an
//! event kind keeps its other texts (a stop's reason, a note, an alarm's state) as `Name`s too:
//! one pointer each instead of a `String`'s three words.

use arcstr::ArcStr;
use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

#[derive(Clone, Eq, PartialOrd, Ord)]
pub struct Name(ArcStr);

// One pointer: the size the events' layout is planned around.
const _: () = assert!(std::mem::size_of::<Name>() == 8);

/// Two clones of one name share their text, so the pointers are compared first (a task's
/// deployment id against its deployment's, in loops over every task).
impl PartialEq for Name {
    fn eq(&self, other: &Name) -> bool {
        ArcStr::ptr_eq(&self.0, &other.0) || *self.0 == *other.0
    }
}

impl Name {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `args` written into a new `Name` with one allocation, where `text(..).into()` takes two
    /// (a `String`, then the `Name` it is copied into): a target's address, written for every
    /// target a rollout registers. Texts longer than [`Name::FORMAT_INLINE`] bytes go through a
    /// `String`.
    pub fn format(args: fmt::Arguments<'_>) -> Name {
        let mut stack = StackText {
            buf: [0; Name::FORMAT_INLINE],
            len: 0,
        };
        if fmt::write(&mut stack, args).is_ok()
            && let Ok(text) = std::str::from_utf8(&stack.buf[..stack.len])
        {
            return Name::from(text);
        }
        Name::from(fmt::format(args))
    }

    /// The longest text [`Name::format`] writes without a `String` in between.
    pub const FORMAT_INLINE: usize = 128;

    /// `parts` one after the other, copied straight into a new `Name` (one allocation, and no
    /// formatting machinery: a target's address, written for every target a rollout
    /// registers).
    pub fn concat(parts: &[&str]) -> Name {
        let len = parts.iter().map(|p| p.len()).sum();
        if len == 0 {
            // `ArcStr::init_with` asks for at least one byte.
            return Name::from("");
        }
        let joined = ArcStr::init_with(len, |buf| {
            let mut at = 0;
            for p in parts {
                buf[at..at + p.len()].copy_from_slice(p.as_bytes());
                at += p.len();
            }
        });
        // Pieces of `str` joined are UTF-8; the check cannot fail.
        joined.map_or_else(|_| Name::from(parts.concat()), Name)
    }
}

/// A text written into a buffer on the stack; a write that does not fit fails.
struct StackText {
    buf: [u8; Name::FORMAT_INLINE],
    len: usize,
}

impl fmt::Write for StackText {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let end = self.len + s.len();
        let to = self.buf.get_mut(self.len..end).ok_or(fmt::Error)?;
        to.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// Hashes the text, as `eq` compares it (pointer equality implies equal text).
impl std::hash::Hash for Name {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.hash(state);
    }
}

impl Default for Name {
    fn default() -> Self {
        Name(ArcStr::new())
    }
}

impl Deref for Name {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Name {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for Name {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&*self.0, f)
    }
}

/// As a `String` debugs (quoted), so snapshots of event payloads read as before.
impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl From<String> for Name {
    fn from(s: String) -> Self {
        Name(ArcStr::from(s))
    }
}

impl From<&String> for Name {
    fn from(s: &String) -> Self {
        Name(ArcStr::from(s.as_str()))
    }
}

impl From<&str> for Name {
    fn from(s: &str) -> Self {
        Name(ArcStr::from(s))
    }
}

impl From<Name> for String {
    fn from(n: Name) -> Self {
        n.0.to_string()
    }
}

impl PartialEq<str> for Name {
    fn eq(&self, other: &str) -> bool {
        &*self.0 == other
    }
}

impl PartialEq<&str> for Name {
    fn eq(&self, other: &&str) -> bool {
        &*self.0 == *other
    }
}

impl PartialEq<String> for Name {
    fn eq(&self, other: &String) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<Name> for str {
    fn eq(&self, other: &Name) -> bool {
        self == &*other.0
    }
}

impl PartialEq<Name> for &str {
    fn eq(&self, other: &Name) -> bool {
        *self == &*other.0
    }
}

impl PartialEq<Name> for String {
    fn eq(&self, other: &Name) -> bool {
        **self == *other.0
    }
}

impl Serialize for Name {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Name {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Name::from)
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn concat_joins_its_parts() {
        assert_eq!(
            Name::concat(&["i-0abc", ":", "32768"]).as_str(),
            "i-0abc:32768"
        );
        assert_eq!(Name::concat(&[]).as_str(), "");
        assert_eq!(Name::concat(&["é", "x"]).as_str(), "éx");
    }

    use super::Name;

    #[test]
    fn a_name_reads_compares_and_serializes_as_its_text() {
        let n = Name::from("web");
        let copy = n.clone();
        assert!(
            std::ptr::eq(n.as_str(), copy.as_str()),
            "clones share the text"
        );
        assert_eq!(n, "web");
        assert_eq!(n, "web".to_string());
        assert_eq!(format!("{n} {n:?}"), "web \"web\"");
        assert_eq!(serde_json::to_string(&n).ok().as_deref(), Some("\"web\""));
        let (a, b) = (Name::from("a"), Name::from("b"));
        assert!(a < b, "ordered by text");
    }

    #[test]
    fn format_writes_short_and_long_texts_alike() {
        let (id, port) = ("i-0123456789abcdef0", 32768);
        assert_eq!(
            Name::format(format_args!("{id}:{port}")),
            "i-0123456789abcdef0:32768"
        );
        // Longer than the stack buffer: through a `String`, the same text.
        let long = "é".repeat(Name::FORMAT_INLINE);
        assert_eq!(
            Name::format(format_args!("{long}:{port}")).as_str(),
            format!("{long}:{port}")
        );
        assert_eq!(Name::format(format_args!("")), "");
    }
}
