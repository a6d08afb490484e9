//! kubectl's JSONPath templates (`-o jsonpath=…`) and the relaxed expressions of `--sort-by`
//! (Kubernetes documentation, "JSONPath Support": <https://kubernetes.io/docs/reference/kubectl/jsonpath/>;
//! the implementation is client-go's `util/jsonpath`).
//!
//! A template is text with actions in braces: a path (`{.items[*].metadata.name}`), a quoted
//! string (`{"\n"}`), or `{range …}` … `{end}`. A path walks from the object (`$` or a leading
//! `.`; inside a range, from the element): `.name`, `..name` (recursive descent), `[*]` and `.*`,
//! `[n]`, `[start:end:step]`, `['name']` and `[?(@.path OP value)]` filters with `==`, `!=`, `<`,
//! `<=`, `>`, `>=` (or `[?(@.path)]`: the path exists). The results of one action print
//! separated by spaces; strings print bare, other values as compact JSON. Missing fields print
//! nothing, as kubectl's default `--allow-missing-template-keys=true` has it.

use serde_json::Value;

/// Templates nest ranges and brackets at most this deep.
const MAX_DEPTH: usize = 32;

#[derive(Debug, Clone, PartialEq)]
enum Node {
    Text(String),
    Path(Vec<Step>),
    Range(Vec<Step>, Vec<Node>),
}

#[derive(Debug, Clone, PartialEq)]
enum Step {
    /// `$` at the start: the object the template runs on, not the range's element.
    Root,
    Field(String),
    Recursive(String),
    All,
    Index(i64),
    Slice(Option<i64>, Option<i64>, Option<i64>),
    Filter(Filter),
}

#[derive(Debug, Clone, PartialEq)]
struct Filter {
    left: Vec<Step>,
    /// `None`: the path exists.
    compare: Option<(String, Operand)>,
}

#[derive(Debug, Clone, PartialEq)]
enum Operand {
    Value(Value),
    Path(Vec<Step>),
}

/// A parsed `-o jsonpath` template.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    nodes: Vec<Node>,
}

fn parse_error(template: &str, why: &str) -> String {
    format!("error: error parsing jsonpath {template}, {why}\n")
}

impl Template {
    pub fn parse(template: &str) -> Result<Template, String> {
        let mut stack: Vec<(Vec<Step>, Vec<Node>)> = Vec::new();
        let mut nodes: Vec<Node> = Vec::new();
        let chars: Vec<char> = template.chars().collect();
        let mut i = 0;
        let mut text = String::new();
        while i < chars.len() {
            if chars[i] != '{' {
                text.push(chars[i]);
                i += 1;
                continue;
            }
            if !text.is_empty() {
                nodes.push(Node::Text(std::mem::take(&mut text)));
            }
            // The action runs to the first `}` outside quotes.
            let mut j = i + 1;
            let mut quote: Option<char> = None;
            while j < chars.len() {
                match (quote, chars[j]) {
                    (Some('"'), '\\') => j += 1,
                    (Some(q), c) if c == q => quote = None,
                    (None, '"' | '\'') => quote = Some(chars[j]),
                    (None, '}') => break,
                    _ => {}
                }
                j += 1;
            }
            if j >= chars.len() {
                return Err(parse_error(template, "unclosed action"));
            }
            let action: String = chars[i + 1..j].iter().collect();
            let action = action.trim();
            i = j + 1;
            if action == "end" {
                let Some((steps, outer)) = stack.pop() else {
                    return Err(parse_error(template, "not in range, nothing to end"));
                };
                let body = std::mem::replace(&mut nodes, outer);
                nodes.push(Node::Range(steps, body));
            } else if let Some(expr) = action.strip_prefix("range ") {
                if stack.len() >= MAX_DEPTH {
                    return Err(parse_error(template, "ranges nest too deep"));
                }
                let steps = path(expr.trim()).map_err(|e| parse_error(template, &e))?;
                stack.push((steps, std::mem::take(&mut nodes)));
            } else if action.starts_with('"') {
                let s: String = serde_json::from_str(action)
                    .map_err(|_| parse_error(template, &format!("invalid string {action}")))?;
                nodes.push(Node::Text(s));
            } else if let Some(s) = action.strip_prefix('\'').and_then(|a| a.strip_suffix('\'')) {
                nodes.push(Node::Text(s.to_string()));
            } else {
                let steps = path(action).map_err(|e| parse_error(template, &e))?;
                nodes.push(Node::Path(steps));
            }
        }
        if !text.is_empty() {
            nodes.push(Node::Text(text));
        }
        if !stack.is_empty() {
            return Err(parse_error(template, "unclosed range"));
        }
        Ok(Template { nodes })
    }

    /// What the template prints for `data`.
    pub fn execute(&self, data: &Value) -> String {
        let mut out = String::new();
        run(&self.nodes, data, data, &mut out);
        out
    }
}

/// A `--sort-by` path.
#[derive(Debug, Clone, PartialEq)]
pub struct SortPath {
    steps: Vec<Step>,
    /// As kubectl writes it in errors: `{.metadata.name}`.
    pub text: String,
}

impl SortPath {
    /// `--sort-by`'s relaxed form: `.metadata.name`, `metadata.name` or `{.metadata.name}`.
    pub fn relaxed(expr: &str) -> Result<SortPath, String> {
        let inner = expr.trim();
        let inner = inner.strip_prefix('{').unwrap_or(inner);
        let inner = inner.strip_suffix('}').unwrap_or(inner);
        let inner = inner.trim();
        let with_dot = if inner.starts_with('.') || inner.starts_with('$') {
            inner.to_string()
        } else {
            format!(".{inner}")
        };
        let text = format!("{{{with_dot}}}");
        let steps =
            path(&with_dot).map_err(|e| format!("error: error parsing jsonpath {text}, {e}\n"))?;
        Ok(SortPath { steps, text })
    }

    /// The first value the path finds in `data` (what `--sort-by` compares).
    pub fn first(&self, data: &Value) -> Option<Value> {
        self.all(data).into_iter().next()
    }

    /// Every value the path finds in `data`.
    pub fn all(&self, data: &Value) -> Vec<Value> {
        let mut found = Vec::new();
        walk(&self.steps, data, data, &mut found);
        found
    }
}

/// `-o custom-columns=NAME:.metadata.name,STATUS:.status.phase`: each column's header and
/// path (relaxed, as `--sort-by`'s).
pub fn columns(spec: &str) -> Result<Vec<(String, SortPath)>, String> {
    spec.split(',')
        .map(|part| {
            let Some((header, path)) = part.split_once(':').filter(|(h, p)| !h.is_empty() && !p.is_empty()) else {
                return Err(format!(
                    "error: unexpected custom-columns spec: {part}, expected <header>:<json-path-expr>\n"
                ));
            };
            Ok((header.to_string(), SortPath::relaxed(path)?))
        })
        .collect()
}

/// One custom column's cell: the values the path finds, joined by commas (strings bare), or
/// `<none>`.
pub fn cell(path: &SortPath, data: &Value) -> String {
    let found = path.all(data);
    if found.is_empty() {
        return "<none>".into();
    }
    found.iter().map(print).collect::<Vec<_>>().join(",")
}

fn run(nodes: &[Node], root: &Value, current: &Value, out: &mut String) {
    for node in nodes {
        match node {
            Node::Text(t) => out.push_str(t),
            Node::Path(steps) => {
                let mut found = Vec::new();
                walk(steps, root, current, &mut found);
                let printed: Vec<String> = found.iter().map(print).collect();
                out.push_str(&printed.join(" "));
            }
            Node::Range(steps, body) => {
                let mut found = Vec::new();
                walk(steps, root, current, &mut found);
                for v in found {
                    match v {
                        Value::Array(items) => {
                            for item in &items {
                                run(body, root, item, out);
                            }
                        }
                        other => run(body, root, &other, out),
                    }
                }
            }
        }
    }
}

fn print(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Parse a path: `$` or `@` or nothing, then steps.
fn path(expr: &str) -> Result<Vec<Step>, String> {
    let chars: Vec<char> = expr.chars().collect();
    let mut i = 0;
    let mut steps = Vec::new();
    match chars.first() {
        Some('$') => {
            steps.push(Step::Root);
            i = 1;
        }
        Some('@') => i = 1,
        Some('.') | Some('[') => {}
        None => return Ok(steps),
        Some(_) => return Err(format!("unrecognized character in action: {expr}")),
    }
    while i < chars.len() {
        match chars[i] {
            '.' if chars.get(i + 1) == Some(&'.') => {
                i += 2;
                let (name, next) = name_at(&chars, i);
                if name.is_empty() {
                    return Err(format!("invalid recursive descent in {expr}"));
                }
                steps.push(Step::Recursive(name));
                i = next;
            }
            '.' => {
                i += 1;
                if chars.get(i) == Some(&'*') {
                    steps.push(Step::All);
                    i += 1;
                    continue;
                }
                let (name, next) = name_at(&chars, i);
                if !name.is_empty() {
                    steps.push(Step::Field(name));
                }
                i = next;
            }
            '[' => {
                let close = matching_bracket(&chars, i)
                    .ok_or_else(|| format!("unterminated array in {expr}"))?;
                let inside: String = chars[i + 1..close].iter().collect();
                steps.push(bracket(inside.trim())?);
                i = close + 1;
            }
            c => return Err(format!("unrecognized character in action: {c}")),
        }
    }
    Ok(steps)
}

/// A field name from `i`: up to `.` or `[` (a `\.` is a dot in the name).
fn name_at(chars: &[char], mut i: usize) -> (String, usize) {
    let mut name = String::new();
    while i < chars.len() {
        match chars[i] {
            '\\' if chars.get(i + 1) == Some(&'.') => {
                name.push('.');
                i += 2;
            }
            '.' | '[' => break,
            c => {
                name.push(c);
                i += 1;
            }
        }
    }
    (name, i)
}

fn matching_bracket(chars: &[char], open: usize) -> Option<usize> {
    let mut depth = 0;
    let mut quote: Option<char> = None;
    for (j, &c) in chars.iter().enumerate().skip(open) {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '[') => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return None;
                }
            }
            (None, ']') => {
                depth -= 1;
                if depth == 0 {
                    return Some(j);
                }
            }
            _ => {}
        }
    }
    None
}

fn bracket(inside: &str) -> Result<Step, String> {
    if inside == "*" {
        return Ok(Step::All);
    }
    if let Some(cond) = inside.strip_prefix('?') {
        let cond = cond.trim();
        let cond = cond
            .strip_prefix('(')
            .and_then(|c| c.strip_suffix(')'))
            .ok_or_else(|| format!("invalid filter {inside}"))?;
        return filter(cond.trim()).map(Step::Filter);
    }
    if let Some(key) = quoted(inside) {
        return Ok(Step::Field(key));
    }
    if inside.contains(':') {
        let parts: Vec<&str> = inside.split(':').collect();
        if parts.len() > 3 {
            return Err(format!("invalid array slice {inside}"));
        }
        let num = |s: &str| -> Result<Option<i64>, String> {
            let s = s.trim();
            if s.is_empty() {
                Ok(None)
            } else {
                s.parse::<i64>()
                    .map(Some)
                    .map_err(|_| format!("invalid array index {s}"))
            }
        };
        let step = num(parts.get(2).copied().unwrap_or(""))?;
        if step == Some(0) {
            return Err("step cannot be 0".into());
        }
        return Ok(Step::Slice(num(parts[0])?, num(parts[1])?, step));
    }
    inside
        .parse::<i64>()
        .map(Step::Index)
        .map_err(|_| format!("invalid array index {inside}"))
}

fn quoted(s: &str) -> Option<String> {
    let s = s.trim();
    for q in ['\'', '"'] {
        if let Some(inner) = s.strip_prefix(q).and_then(|x| x.strip_suffix(q))
            && !inner.contains(q)
        {
            return Some(inner.to_string());
        }
    }
    None
}

fn filter(cond: &str) -> Result<Filter, String> {
    for op in ["==", "!=", "<=", ">=", "<", ">"] {
        if let Some((l, r)) = split_outside_quotes(cond, op) {
            let left = path(l.trim())?;
            let r = r.trim();
            let right = if r.starts_with('@') || r.starts_with('$') {
                Operand::Path(path(r)?)
            } else if let Some(s) = quoted(r) {
                Operand::Value(Value::String(s))
            } else {
                Operand::Value(
                    serde_json::from_str(r).map_err(|_| format!("unrecognized literal {r}"))?,
                )
            };
            return Ok(Filter {
                left,
                compare: Some((op.to_string(), right)),
            });
        }
    }
    Ok(Filter {
        left: path(cond)?,
        compare: None,
    })
}

fn split_outside_quotes<'a>(s: &'a str, op: &str) -> Option<(&'a str, &'a str)> {
    let mut quote: Option<char> = None;
    for (at, c) in s.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, _) if s[at..].starts_with(op) => return Some((&s[..at], &s[at + op.len()..])),
            _ => {}
        }
    }
    None
}

fn walk(steps: &[Step], root: &Value, current: &Value, out: &mut Vec<Value>) {
    let mut here: Vec<Value> = vec![current.clone()];
    for step in steps {
        let mut next = Vec::new();
        for v in &here {
            match step {
                Step::Root => next.push(root.clone()),
                Step::Field(name) => {
                    if let Some(x) = v.get(name.as_str()) {
                        next.push(x.clone());
                    }
                }
                Step::Recursive(name) => descend(v, name, &mut next),
                Step::All => match v {
                    Value::Array(items) => next.extend(items.iter().cloned()),
                    Value::Object(map) => next.extend(map.values().cloned()),
                    _ => {}
                },
                Step::Index(i) => {
                    if let Value::Array(items) = v {
                        let n = items.len() as i64;
                        let at = if *i < 0 { n + i } else { *i };
                        if (0..n).contains(&at) {
                            next.push(items[at as usize].clone());
                        }
                    }
                }
                Step::Slice(start, end, step) => {
                    if let Value::Array(items) = v {
                        next.extend(slice(items, *start, *end, step.unwrap_or(1)));
                    }
                }
                Step::Filter(f) => {
                    if let Value::Array(items) = v {
                        for item in items {
                            if keeps(f, root, item) {
                                next.push(item.clone());
                            }
                        }
                    }
                }
            }
        }
        here = next;
    }
    out.extend(here);
}

fn descend(v: &Value, name: &str, out: &mut Vec<Value>) {
    match v {
        Value::Object(map) => {
            if let Some(x) = map.get(name) {
                out.push(x.clone());
            }
            for x in map.values() {
                descend(x, name, out);
            }
        }
        Value::Array(items) => {
            for x in items {
                descend(x, name, out);
            }
        }
        _ => {}
    }
}

fn slice(items: &[Value], start: Option<i64>, end: Option<i64>, step: i64) -> Vec<Value> {
    let n = items.len() as i64;
    let clamp = |i: i64| if i < 0 { (n + i).max(0) } else { i.min(n) };
    let (start, end) = (start.map_or(0, clamp), end.map_or(n, clamp));
    let mut out = Vec::new();
    if step > 0 {
        let mut i = start;
        while i < end {
            out.push(items[i as usize].clone());
            let Some(next) = i.checked_add(step) else {
                break;
            };
            i = next;
        }
    }
    out
}

fn keeps(f: &Filter, root: &Value, item: &Value) -> bool {
    let mut left = Vec::new();
    walk(&f.left, root, item, &mut left);
    let Some((op, right)) = &f.compare else {
        return !left.is_empty();
    };
    let rights: Vec<Value> = match right {
        Operand::Value(v) => vec![v.clone()],
        Operand::Path(p) => {
            let mut r = Vec::new();
            walk(p, root, item, &mut r);
            r
        }
    };
    left.iter().any(|l| {
        rights.iter().any(|r| match op.as_str() {
            "==" => same(l, r),
            "!=" => !same(l, r),
            _ => match (l.as_f64(), r.as_f64()) {
                (Some(a), Some(b)) => match op.as_str() {
                    "<" => a < b,
                    "<=" => a <= b,
                    ">" => a > b,
                    _ => a >= b,
                },
                _ => match (l.as_str(), r.as_str()) {
                    (Some(a), Some(b)) => match op.as_str() {
                        "<" => a < b,
                        "<=" => a <= b,
                        ">" => a > b,
                        _ => a >= b,
                    },
                    _ => false,
                },
            },
        })
    })
}

fn same(a: &Value, b: &Value) -> bool {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pods() -> Value {
        json!({"kind": "List", "items": [
            {"metadata": {"name": "web-1", "labels": {"app": "web"}}, "status": {"phase": "Running", "podIP": "10.0.0.7"}, "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]}},
            {"metadata": {"name": "web-2", "labels": {"app": "web"}}, "status": {"phase": "Pending"}, "spec": {"containers": [{"name": "web", "image": "nginx:1.28"}, {"name": "log", "image": "fluent-bit"}]}}
        ]})
    }

    fn t(template: &str) -> String {
        Template::parse(template)
            .unwrap_or_else(|e| panic!("{template}: {e}"))
            .execute(&pods())
    }

    // The examples of the Kubernetes "JSONPath Support" page, on two pods.
    #[test]
    fn the_documentations_examples() {
        assert_eq!(t("{.kind}"), "List");
        assert_eq!(t("{.items[*].metadata.name}"), "web-1 web-2");
        assert_eq!(t("{.items[0].metadata.name}"), "web-1");
        assert_eq!(t("{.items[-1:].metadata.name}"), "web-2");
        assert_eq!(t("{..image}"), "nginx:1.27 nginx:1.28 fluent-bit");
        assert_eq!(
            t("{.items[?(@.status.phase==\"Running\")].metadata.name}"),
            "web-1"
        );
        assert_eq!(t("{.items[?(@.status.podIP)].metadata.name}"), "web-1");
        assert_eq!(
            t("{range .items[*]}{.metadata.name}{\"\\t\"}{.status.phase}{\"\\n\"}{end}"),
            "web-1\tRunning\nweb-2\tPending\n"
        );
        assert_eq!(
            t("{range .items[*]}[{.metadata.name}, {.spec.containers[*].name}] {end}"),
            "[web-1, web] [web-2, web log] "
        );
        assert_eq!(t("{.items[0].metadata.labels}"), "{\"app\":\"web\"}");
        assert_eq!(t("{.items[0]['metadata']['name']}"), "web-1");
        assert_eq!(t("names: {.items[*].metadata.name}"), "names: web-1 web-2");
        assert_eq!(t("{.items[0].nope}"), "", "a missing field prints nothing");
        assert_eq!(t("{range .items[*]}{$.kind} {end}"), "List List ");
    }

    #[test]
    fn bad_templates_are_refused_with_kubectls_words() {
        for (bad, why) in [
            ("{.items", "unclosed action"),
            ("{end}", "not in range, nothing to end"),
            ("{range .items[*]}{.a}", "unclosed range"),
            ("{.items[x]}", "invalid array index x"),
        ] {
            let e = Template::parse(bad).expect_err(bad);
            assert_eq!(e, format!("error: error parsing jsonpath {bad}, {why}\n"));
        }
    }

    proptest::proptest! {
        // Any template parses or is refused, and runs without a panic.
        #[test]
        fn any_template_parses_or_is_refused(text in "[a-z0-9{}\\[\\]().*@$?:,'\" =!<>-]{0,24}") {
            if let Ok(t) = Template::parse(&text) {
                let _ = t.execute(&pods());
            }
            let _ = SortPath::relaxed(&text).map(|p| p.first(&pods()));
        }
    }

    #[test]
    fn custom_columns_read_header_and_path_pairs() {
        let cols = columns("NAME:.metadata.name,IMAGES:.spec.containers[*].image,IP:status.podIP")
            .expect("valid");
        let items = pods();
        let second = &items["items"][1];
        let cells: Vec<String> = cols.iter().map(|(_, p)| cell(p, second)).collect();
        assert_eq!(cells, ["web-2", "nginx:1.28,fluent-bit", "<none>"]);
        assert_eq!(
            columns("NAME").expect_err("no path"),
            "error: unexpected custom-columns spec: NAME, expected <header>:<json-path-expr>\n"
        );
    }

    #[test]
    fn sort_by_takes_the_relaxed_forms() {
        let item = json!({"metadata": {"name": "b"}});
        for form in [".metadata.name", "metadata.name", "{.metadata.name}"] {
            let path = SortPath::relaxed(form).expect(form);
            assert_eq!(path.first(&item), Some(json!("b")), "{form}");
            assert_eq!(path.text, "{.metadata.name}");
        }
    }
}
