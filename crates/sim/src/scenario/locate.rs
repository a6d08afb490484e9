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
}

/// One value of the file: a scalar, or a group `( )`, `[ ]`, `{ }` possibly named (`Some(..)`).
#[derive(Debug)]
struct Node {
    /// Byte offset of the value's first character (its name for `Name(..)`).
    start: usize,
    /// Byte offset just past the value (past the closing bracket of a group).
    end: usize,
    /// The elements of a group; `None` for a scalar.
    children: Option<Vec<Child>>,
}

/// One element of a group: `name: value`, `"key": value`, or a bare value.
#[derive(Debug)]
struct Child {
    name: Option<String>,
    /// Where the element begins: its name, or its value when it has none.
    at: usize,
    node: usize,
}

/// One step of a route found in the file, with owned names (unlike [`PathSeg`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Field(String),
    Index(usize),
}

/// The value at a position, as [`Index::value_near`] and [`Index::group_at`] find it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Value {
    /// Byte offset of the value's first character.
    pub at: usize,
    /// Byte offset just past it.
    pub end: usize,
    /// From the top of the file to this value; one-element wrappers like `Some(..)` are looked
    /// through, as [`locate`] does.
    pub route: Vec<Step>,
    pub is_group: bool,
    node: usize,
    /// The node reached by each step of `route`.
    route_nodes: Vec<usize>,
}

/// Every value of a RON text and the start of every line, built in one pass so that any number
/// of paths and offsets can be located without walking the text again: locating used to
/// re-tokenize the file for each error, which for 100 errors in a 400 KB file is 40 MB of work.
///
/// It accepts any text (a file ron refused, too): unclosed groups end at the end of the text and
/// stray tokens are skipped. It never recurses, so deep nesting cannot overflow the stack.
pub struct Index<'a> {
    src: &'a str,
    nodes: Vec<Node>,
    root: Option<usize>,
    /// Where the top value is expected: after comments and `#![enable(..)]` attributes.
    root_at: usize,
    /// Byte offset of the start of each line.
    line_starts: Vec<usize>,
    /// Whether each line is ASCII, so its columns are byte offsets.
    ascii_lines: Vec<bool>,
    /// For each nesting depth reached (from 1, the top value's brackets), where the first group
    /// that deep opens.
    depth_starts: Vec<usize>,
}

impl<'a> Index<'a> {
    pub fn new(src: &'a str) -> Index<'a> {
        let mut line_starts = vec![0];
        let mut ascii_lines = vec![true];
        for (i, b) in src.bytes().enumerate() {
            if b == b'\n' {
                line_starts.push(i + 1);
                ascii_lines.push(true);
            } else if !b.is_ascii()
                && let Some(a) = ascii_lines.last_mut()
            {
                *a = false;
            }
        }
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
        let root_at = lx.pos;
        let mut nodes = Vec::new();
        // The groups not yet closed, innermost last.
        let mut open: Vec<usize> = Vec::new();
        let mut depth_starts = Vec::new();
        let root = begin_value(&mut lx, &mut nodes, &mut open);
        note_depth(&open, &nodes, &mut depth_starts);
        while let Some(&group) = open.last() {
            let save = lx.pos;
            let Some((at, tok)) = lx.next() else {
                for g in open.drain(..) {
                    nodes[g].end = src.len();
                }
                break;
            };
            let name = match tok {
                Tok::Close => {
                    nodes[group].end = lx.pos;
                    open.pop();
                    continue;
                }
                // Stray separators are skipped; each still moves the lexer on.
                Tok::Comma | Tok::Colon => continue,
                Tok::Ident(n) => Some(n.to_string()),
                Tok::Str(s) => Some(s),
                // A map's number key (`why_not: {2: ".."}`) names its value like a field.
                Tok::Scalar => Some(src[at..lx.pos].trim().to_string()),
                Tok::Open(_) => None,
            };
            let name = match name {
                Some(n) if matches!(lx.next(), Some((_, Tok::Colon))) => Some(n),
                _ => {
                    lx.pos = save;
                    None
                }
            };
            // After `name:` the value may be missing (`name: )`): the loop then sees the `)`.
            let node = begin_value(&mut lx, &mut nodes, &mut open);
            note_depth(&open, &nodes, &mut depth_starts);
            if let Some(node) = node
                && let Some(children) = nodes[group].children.as_mut()
            {
                children.push(Child { name, at, node });
            }
        }
        Index {
            src,
            nodes,
            root,
            root_at,
            line_starts,
            ascii_lines,
            depth_starts,
        }
    }

    /// The byte offset of the first group nested `depth` deep (1 is the top value's own
    /// brackets), if any is.
    pub fn group_at_depth(&self, depth: usize) -> Option<usize> {
        self.depth_starts.get(depth.checked_sub(1)?).copied()
    }

    /// Whether the text holds no value at all: it is empty, or only whitespace and comments.
    pub fn is_empty(&self) -> bool {
        self.root.is_none()
    }

    /// The 1-based line and column of a byte offset.
    pub fn location(&self, offset: usize) -> Location {
        let mut offset = offset.min(self.src.len());
        while !self.src.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_starts.partition_point(|&s| s <= offset).max(1);
        let start = self.line_starts[line - 1];
        let column = if self.ascii_lines[line - 1] {
            offset - start
        } else {
            self.src[start..offset].chars().count()
        };
        Location {
            line,
            column: column + 1,
        }
    }

    /// The byte offset of a 1-based line and column (in characters), clamped to the text.
    pub fn offset(&self, at: Location) -> usize {
        let Some(&start) = self.line_starts.get(at.line.max(1) - 1) else {
            return self.src.len();
        };
        let line = &self.src[start..];
        let line = &line[..line.find('\n').unwrap_or(line.len())];
        let column = at.column.max(1) - 1;
        start
            + line
                .char_indices()
                .nth(column)
                .map_or(line.len(), |(i, _)| i)
    }

    /// Where `path` sits.
    pub fn locate(&self, path: &Path) -> Located {
        let Some(mut node) = self.root else {
            return Located {
                at: self.location(self.root_at),
                exact: false,
            };
        };
        for seg in &path.0 {
            match self.step(node, seg) {
                Some(next) => node = next,
                None => {
                    return Located {
                        at: self.location(self.nodes[node].start),
                        exact: false,
                    };
                }
            }
        }
        Located {
            at: self.location(self.nodes[node].start),
            exact: true,
        }
    }

    fn step(&self, node: usize, seg: &PathSeg) -> Option<usize> {
        let mut node = node;
        // What to answer when looking deeper fails: `Some([a, b])` tries the list inside first.
        let mut fallback = None;
        // Each pass looks through one single unnamed element: `Some(x)`, `Ecs((..))`.
        loop {
            let Some(els) = self.nodes[node].children.as_deref() else {
                return fallback;
            };
            let found = match seg {
                PathSeg::Field(n) => els.iter().find(|e| e.name.as_deref() == Some(*n)),
                PathSeg::Key(k) => els.iter().find(|e| e.name.as_deref() == Some(k.as_str())),
                PathSeg::Index(i) => {
                    if els.iter().all(|e| e.name.is_none()) {
                        // A one-element group holding a list, like `Some([..])`, is looked
                        // through below.
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
                    && self.nodes[e.node].children.is_some()
                {
                    fallback = Some(e.node);
                    node = e.node;
                    continue;
                }
                return Some(e.node);
            }
            match els {
                [only] if only.name.is_none() => node = only.node,
                _ => return fallback,
            }
        }
    }

    /// The value a parser error at `offset` is about: the value that starts there (after
    /// whitespace), the scalar `offset` falls inside, or the value of the field whose name or
    /// colon is there. `None` when `offset` is between values (at a comma or closing bracket) or
    /// outside the top value.
    pub fn value_near(&self, offset: usize) -> Option<Value> {
        let at = self.skip_trivia(offset);
        if matches!(
            self.src[at..].chars().next(),
            None | Some(',' | ')' | ']' | '}')
        ) {
            return None;
        }
        let (node, route) = self.descend(at)?;
        Some(self.value(node, route))
    }

    /// The innermost group that holds `offset` in its brackets (the closing one included), not
    /// counting a field name: for `desired_count` in `(name: "web", desired_count: 4)` it is
    /// that whole group.
    pub fn group_at(&self, offset: usize) -> Option<Value> {
        let root = self.root?;
        let (_, mut route) = self.descend(offset)?;
        loop {
            let node = route.last().map_or(root, |&(_, n)| n);
            let n = &self.nodes[node];
            if n.children.is_some() && n.start <= offset {
                return Some(self.value(node, route));
            }
            route.pop()?;
        }
    }

    fn value(&self, node: usize, route: Vec<(Step, usize)>) -> Value {
        let n = &self.nodes[node];
        let (route, route_nodes) = route.into_iter().unzip();
        Value {
            at: n.start,
            end: n.end,
            route,
            is_group: n.children.is_some(),
            node,
            route_nodes,
        }
    }

    /// The deepest node holding `at` (in its value, or in the name before it), and the route
    /// to it.
    fn descend(&self, at: usize) -> Option<(usize, Vec<(Step, usize)>)> {
        let mut node = self.root?;
        let root = &self.nodes[node];
        if at < root.start || at >= root.end {
            return None;
        }
        let mut route = Vec::new();
        loop {
            let Some(children) = self.nodes[node].children.as_deref() else {
                return Some((node, route));
            };
            // Children are in file order: the last one that begins at or before `at`.
            let i = children.partition_point(|c| c.at <= at);
            let Some(child) = i.checked_sub(1).map(|i| &children[i]) else {
                return Some((node, route));
            };
            if at >= self.nodes[child.node].end {
                return Some((node, route));
            }
            match &child.name {
                Some(n) => route.push((Step::Field(n.clone()), child.node)),
                // `Some(x)`, `Ecs((..))`: a named one-element wrapper adds no step.
                None if children.len() == 1 && self.is_named_group(node) => {}
                None => route.push((Step::Index(i - 1), child.node)),
            }
            node = child.node;
        }
    }

    fn is_named_group(&self, node: usize) -> bool {
        let n = &self.nodes[node];
        n.children.is_some()
            && self.src[n.start..]
                .chars()
                .next()
                .is_some_and(|c| c.is_alphabetic() || c == '_')
    }

    /// The text of field `name` of the value reached after `depth + 1` steps of `v`'s route,
    /// when it is a string (without its quotes) or a number.
    pub fn field_text(&self, v: &Value, depth: usize, name: &str) -> Option<String> {
        let mut node = *v.route_nodes.get(depth)?;
        // Look through `Some(..)` around the group.
        loop {
            let children = self.nodes[node].children.as_deref()?;
            if let Some(c) = children.iter().find(|c| c.name.as_deref() == Some(name)) {
                let n = &self.nodes[c.node];
                if n.children.is_some() {
                    return None;
                }
                let mut lx = Lexer {
                    src: self.src,
                    pos: n.start,
                };
                return match lx.next()? {
                    (_, Tok::Str(s)) => Some(s),
                    (_, Tok::Scalar) => Some(self.src[n.start..n.end].to_string()),
                    _ => None,
                };
            }
            match children {
                [only] if only.name.is_none() => node = only.node,
                _ => return None,
            }
        }
    }

    /// The content of `v` when it is a string, without its quotes and escapes.
    pub fn string_content(&self, v: &Value) -> Option<String> {
        let mut lx = Lexer {
            src: self.src,
            pos: v.at,
        };
        match lx.next()? {
            (_, Tok::Str(s)) if !v.is_group => Some(s),
            _ => None,
        }
    }

    /// Skips whitespace and comments from `offset`.
    pub fn skip_trivia(&self, offset: usize) -> usize {
        let mut lx = Lexer {
            src: self.src,
            pos: offset.min(self.src.len()),
        };
        while !self.src.is_char_boundary(lx.pos) {
            lx.pos -= 1;
        }
        lx.skip_trivia();
        lx.pos
    }

    /// The text of the file from `at` to `end`.
    pub fn text(&self, at: usize, end: usize) -> &'a str {
        self.src
            .get(at.min(self.src.len())..end.min(self.src.len()))
            .unwrap_or("")
    }
}

/// Starts the value at the lexer's position: a scalar is recorded whole; a group is recorded
/// open and pushed on `open`. `None` (and the lexer left in place) when no value starts there.
fn begin_value(lx: &mut Lexer<'_>, nodes: &mut Vec<Node>, open: &mut Vec<usize>) -> Option<usize> {
    let save = lx.pos;
    let (start, tok) = lx.next()?;
    let group = match tok {
        Tok::Open(_) => true,
        Tok::Ident(_) => {
            let after = lx.pos;
            match lx.next() {
                Some((_, Tok::Open(_))) => true,
                _ => {
                    lx.pos = after;
                    false
                }
            }
        }
        Tok::Str(_) | Tok::Scalar => false,
        Tok::Close | Tok::Comma | Tok::Colon => {
            lx.pos = save;
            return None;
        }
    };
    let id = nodes.len();
    nodes.push(Node {
        start,
        end: lx.pos,
        children: group.then(Vec::new),
    });
    if group {
        open.push(id);
    }
    Some(id)
}

/// Records where the first group of a new depth opens; `open` grows by at most one per value.
fn note_depth(open: &[usize], nodes: &[Node], depth_starts: &mut Vec<usize>) {
    if open.len() > depth_starts.len()
        && let Some(&g) = open.last()
    {
        depth_starts.push(nodes[g].start);
    }
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Step::Field(n) => write!(f, ".{n}"),
            Step::Index(i) => write!(f, "[{i}]"),
        }
    }
}

/// Where `path` sits in `src`. To locate many paths, build one [`Index`] and use
/// [`Index::locate`].
pub fn locate(src: &str, path: &Path) -> Located {
    Index::new(src).locate(path)
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
    fn a_parser_error_offset_finds_the_value_and_its_field() {
        let index = Index::new(SRC);
        // ron's span often starts at the space after the colon.
        let space = index.offset(Location {
            line: 8,
            column: 39,
        });
        let v = index.value_near(space).expect("value");
        assert_eq!(
            index.location(v.at),
            Location {
                line: 8,
                column: 40
            }
        );
        let route: Vec<String> = v.route.iter().map(|s| s.to_string()).collect();
        assert_eq!(route, [".world", ".services", "[0]", ".desired_count"]);
        assert_eq!(index.field_text(&v, 2, "name").as_deref(), Some("a"));
    }

    #[test]
    fn a_closing_parenthesis_or_a_field_name_belongs_to_its_group() {
        let index = Index::new(SRC);
        let close = index.offset(Location {
            line: 13,
            column: 13,
        });
        let g = index.group_at(close).expect("group");
        assert_eq!(
            index.location(g.at),
            Location {
                line: 9,
                column: 13
            }
        );
        let name = index.offset(Location {
            line: 10,
            column: 17,
        });
        assert_eq!(index.group_at(name), Some(g));
    }

    #[test]
    fn deep_nesting_does_not_overflow_the_stack() {
        let src = format!("{}1{}", "(".repeat(200_000), ")".repeat(200_000));
        let index = Index::new(&src);
        let v = index.value_near(200_000).expect("the 1");
        assert_eq!(v.route.len(), 200_000);
        assert_eq!(index.group_at_depth(1), Some(0));
        assert_eq!(index.group_at_depth(200_000), Some(199_999));
        assert_eq!(index.group_at_depth(200_001), None);
        assert!(!v.is_group);
        let _ = index.locate(&Path::root().index(0).index(0).field("x"));
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
            let index = Index::new(src);
            for offset in 0..=src.len() + 1 {
                let _ = index.value_near(offset);
                let _ = index.group_at(offset);
                let _ = index.location(offset);
            }
        }
    }
}
