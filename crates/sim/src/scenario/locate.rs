//! Finds where a value sits in the text of a RON file, so that errors found after
//! deserialization (a bad reference, an out-of-range number) can still name line and column.
//!
//! A [`Path`] such as `world.services[1].desired_count` is walked through the source with a
//! small tokenizer that understands strings, comments and nesting. Single-element groups like
//! `Some(x)` or `Ecs((..))` are looked through. When part of the path is absent from the file
//! (the value came from a default), the deepest enclosing value found is returned with
//! `exact: false`.

use std::fmt;

/// One step into a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathSeg {
    Field(&'static str),
    Index(usize),
    Key(String),
}

/// A route from the top of the file to a value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Path(pub Vec<PathSeg>);

impl Path {
    pub fn root() -> Path {
        Path(Vec::new())
    }
    pub fn field(&self, name: &'static str) -> Path {
        self.with(PathSeg::Field(name))
    }
    pub fn index(&self, i: usize) -> Path {
        self.with(PathSeg::Index(i))
    }
    pub fn key(&self, k: impl Into<String>) -> Path {
        self.with(PathSeg::Key(k.into()))
    }
    fn with(&self, seg: PathSeg) -> Path {
        let mut v = self.0.clone();
        v.push(seg);
        Path(v)
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, seg) in self.0.iter().enumerate() {
            match seg {
                PathSeg::Field(n) if i == 0 => write!(f, "{n}")?,
                PathSeg::Field(n) => write!(f, ".{n}")?,
                PathSeg::Index(n) => write!(f, "[{n}]")?,
                PathSeg::Key(k) => write!(f, "[{k:?}]")?,
            }
        }
        Ok(())
    }
}

/// A 1-based line and column (in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Location {
    pub line: usize,
    pub column: usize,
}

/// Where a path was found; `exact` is false when only an enclosing value was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Located {
    pub at: Location,
    pub exact: bool,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok<'a> {
    Ident(&'a str),
    Str(String),
    Open(char),
    Close,
    Comma,
    Colon,
    Scalar,
}

struct Lexer<'a> {
    src: &'a str,
    pos: usize,
}

impl<'a> Lexer<'a> {
    fn peek_char(&self) -> Option<char> {
        self.src[self.pos..].chars().next()
    }

    fn skip_trivia(&mut self) {
        loop {
            let rest = &self.src[self.pos..];
            if let Some(c) = rest.chars().next().filter(|c| c.is_whitespace()) {
                self.pos += c.len_utf8();
            } else if rest.starts_with("//") {
                self.pos += rest.find('\n').unwrap_or(rest.len());
            } else if rest.starts_with("/*") {
                let mut depth = 0usize;
                let mut i = 0;
                let b = rest.as_bytes();
                while i < b.len() {
                    if b[i..].starts_with(b"/*") {
                        depth += 1;
                        i += 2;
                    } else if b[i..].starts_with(b"*/") {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        i += 1;
                    }
                }
                self.pos += i;
            } else {
                return;
            }
        }
    }

    /// The next token and the byte offset it starts at.
    fn next(&mut self) -> Option<(usize, Tok<'a>)> {
        self.skip_trivia();
        let start = self.pos;
        let rest = &self.src[start..];
        let c = rest.chars().next()?;
        let tok = match c {
            '(' | '[' | '{' => {
                self.pos += 1;
                Tok::Open(c)
            }
            ')' | ']' | '}' => {
                self.pos += 1;
                Tok::Close
            }
            ',' => {
                self.pos += 1;
                Tok::Comma
            }
            ':' => {
                self.pos += 1;
                Tok::Colon
            }
            '"' => Tok::Str(self.string()),
            'r' if rest.starts_with("r\"") || rest.starts_with("r#") => {
                self.raw_string();
                Tok::Scalar
            }
            '\'' => {
                self.pos += 1;
                while let Some(ch) = self.peek_char() {
                    self.pos += ch.len_utf8();
                    if ch == '\\' {
                        if let Some(n) = self.peek_char() {
                            self.pos += n.len_utf8();
                        }
                    } else if ch == '\'' {
                        break;
                    }
                }
                Tok::Scalar
            }
            c if c.is_alphabetic() || c == '_' => {
                let len = rest
                    .find(|ch: char| !(ch.is_alphanumeric() || ch == '_'))
                    .unwrap_or(rest.len());
                self.pos += len;
                Tok::Ident(&rest[..len])
            }
            _ => {
                // Numbers and anything unexpected: consume up to a delimiter.
                let len = rest
                    .find(|ch: char| ch.is_whitespace() || "()[]{},:\"".contains(ch))
                    .unwrap_or(rest.len())
                    .max(c.len_utf8());
                self.pos += len;
                Tok::Scalar
            }
        };
        Some((start, tok))
    }

    fn string(&mut self) -> String {
        self.pos += 1;
        let mut out = String::new();
        while let Some(ch) = self.peek_char() {
            self.pos += ch.len_utf8();
            match ch {
                '"' => break,
                '\\' => {
                    if let Some(n) = self.peek_char() {
                        self.pos += n.len_utf8();
                        out.push(n);
                    }
                }
                _ => out.push(ch),
            }
        }
        out
    }

    fn raw_string(&mut self) {
        let rest = &self.src[self.pos + 1..];
        let hashes = rest.chars().take_while(|&c| c == '#').count();
        let close = format!("\"{}", "#".repeat(hashes));
        let body_start = self.pos + 1 + hashes + 1;
        match self.src.get(body_start..).and_then(|b| b.find(&close)) {
            Some(i) => self.pos = body_start + i + close.len(),
            None => self.pos = self.src.len(),
        }
    }

    /// Skips one whole value starting at the current position.
    fn skip_value(&mut self) {
        let mut depth = 0usize;
        loop {
            let save = self.pos;
            let Some((_, tok)) = self.next() else { return };
            match tok {
                Tok::Open(_) => depth += 1,
                Tok::Close => {
                    if depth == 0 {
                        self.pos = save;
                        return;
                    }
                    depth -= 1;
                    if depth == 0 {
                        // A value like `Some(x)` or `[..]` ends here unless more follows.
                        return;
                    }
                }
                Tok::Comma if depth == 0 => {
                    self.pos = save;
                    return;
                }
                Tok::Ident(_) if depth == 0 => {
                    // `Name(..)`: the group that follows belongs to this value.
                    let after = self.pos;
                    match self.next() {
                        Some((_, Tok::Open(_))) => depth += 1,
                        _ => {
                            self.pos = after;
                            return;
                        }
                    }
                }
                _ if depth == 0 => return,
                _ => {}
            }
        }
    }
}

/// One element of a group: its byte offset, and its field name or key if it has one.
struct Element {
    name: Option<String>,
    value_at: usize,
}

/// Lists the elements of the group whose value starts at `at` (after an optional name).
fn elements(src: &str, at: usize) -> Option<Vec<Element>> {
    let mut lx = Lexer { src, pos: at };
    let mut tok = lx.next()?;
    if let (_, Tok::Ident(_)) = tok {
        tok = lx.next()?;
    }
    let (_, Tok::Open(_)) = tok else { return None };
    let mut out = Vec::new();
    loop {
        let save = lx.pos;
        let (start, t) = lx.next()?;
        match t {
            Tok::Close => return Some(out),
            Tok::Comma => continue,
            _ => {}
        }
        // `name: value` or `"key": value`?
        let after_first = lx.pos;
        let name = match &t {
            Tok::Ident(n) => Some(n.to_string()),
            Tok::Str(s) => Some(s.clone()),
            _ => None,
        };
        let colon = matches!(lx.next(), Some((_, Tok::Colon)));
        if name.is_some() && colon {
            lx.skip_trivia();
            let value_at = lx.pos;
            lx.skip_value();
            out.push(Element { name, value_at });
        } else {
            lx.pos = save;
            let _ = after_first;
            lx.skip_trivia();
            let value_at = lx.pos;
            if value_at != start {
                return Some(out);
            }
            lx.skip_value();
            if lx.pos == value_at {
                // No progress: malformed input; stop rather than loop.
                return Some(out);
            }
            out.push(Element {
                name: None,
                value_at,
            });
        }
    }
}

fn step(src: &str, at: usize, seg: &PathSeg) -> Option<usize> {
    let els = elements(src, at)?;
    let found = match seg {
        PathSeg::Field(n) => els.iter().find(|e| e.name.as_deref() == Some(n)),
        PathSeg::Key(k) => els.iter().find(|e| e.name.as_deref() == Some(k.as_str())),
        PathSeg::Index(i) => {
            if els.iter().all(|e| e.name.is_none()) {
                // A one-element group holding a list, like `Some([..])`, is looked through below.
                if els.len() == 1 && *i > 0 {
                    None
                } else {
                    els.get(*i)
                }
            } else {
                None
            }
        }
    };
    if let Some(e) = found {
        // `Some([a, b])`: index 0 of the wrapper is the list, not its first element.
        if let PathSeg::Index(_) = seg
            && els.len() == 1
            && is_group(src, e.value_at)
            && let Some(inner) = step(src, e.value_at, seg)
        {
            return Some(inner);
        }
        return Some(e.value_at);
    }
    // Look through a single unnamed element: `Some(x)`, `Ecs((..))`.
    if els.len() == 1 && els[0].name.is_none() {
        return step(src, els[0].value_at, seg);
    }
    None
}

fn is_group(src: &str, at: usize) -> bool {
    let mut lx = Lexer { src, pos: at };
    match lx.next() {
        Some((_, Tok::Open(_))) => true,
        Some((_, Tok::Ident(_))) => matches!(lx.next(), Some((_, Tok::Open(_)))),
        _ => false,
    }
}

fn location(src: &str, offset: usize) -> Location {
    let before = &src[..offset.min(src.len())];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    Location {
        line,
        column: before[line_start..].chars().count() + 1,
    }
}

/// Where `path` sits in `src`.
pub fn locate(src: &str, path: &Path) -> Located {
    let mut lx = Lexer { src, pos: 0 };
    lx.skip_trivia();
    // Skip `#![enable(..)]` attributes.
    while src[lx.pos..].starts_with("#!") {
        match src[lx.pos..].find(']') {
            Some(i) => lx.pos += i + 1,
            None => break,
        }
        lx.skip_trivia();
    }
    let mut at = lx.pos;
    for seg in &path.0 {
        match step(src, at, seg) {
            Some(next) => at = next,
            None => {
                return Located {
                    at: location(src, at),
                    exact: false,
                };
            }
        }
    }
    Located {
        at: location(src, at),
        exact: true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SRC: &str = r#"// a comment with ( and "
#![enable(implicit_some)]
Scenario(
    version: 1,
    title: "Paren ( in a string",
    world: Ecs((
        services: [
            (name: "a", desired_count: 2),
            (
                name: "b",
                /* block ( comment */ desired_count: 7,
                strategy: Some([Spread(InstanceId), Binpack(Memory)]),
            ),
        ],
        tags: {"team": "blue", "cost": 3},
    )),
)
"#;

    fn at(path: Path) -> (usize, usize, bool) {
        let l = locate(SRC, &path);
        (l.at.line, l.at.column, l.exact)
    }

    #[test]
    fn finds_nested_fields_and_indices() {
        let p = Path::root().field("world").field("services");
        assert_eq!(at(p.index(0).field("desired_count")), (8, 40, true));
        assert_eq!(at(p.index(1).field("desired_count")), (11, 54, true));
        assert_eq!(at(p.index(1).field("strategy").index(1)), (12, 53, true));
        assert_eq!(at(Path::root().field("title")), (5, 12, true));
    }

    #[test]
    fn finds_map_keys() {
        let p = Path::root().field("world").field("tags").key("cost");
        assert_eq!(at(p), (15, 40, true));
    }

    #[test]
    fn missing_parts_fall_back_to_the_enclosing_value() {
        let p = Path::root()
            .field("world")
            .field("services")
            .index(0)
            .field("cpu");
        assert_eq!(at(p), (8, 13, false));
        let p = Path::root().field("world").field("services").index(9);
        assert_eq!(at(p), (7, 19, false));
    }

    #[test]
    fn paths_display_like_expressions() {
        let p = Path::root()
            .field("world")
            .field("services")
            .index(2)
            .field("name");
        assert_eq!(p.to_string(), "world.services[2].name");
    }

    #[test]
    fn never_panics_on_garbage() {
        for src in [
            "",
            "(",
            "((((",
            "\"unterminated",
            "/* open",
            "(a: [1, 2",
            "r#\"x",
            "é(ü: 1)",
        ] {
            let _ = locate(src, &Path::root().field("a").index(3).field("b"));
        }
    }
}
