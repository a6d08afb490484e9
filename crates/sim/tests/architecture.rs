//! The structure ARCHITECTURE.md promises, checked on the source itself: no source file over
//! 1,000 lines, and no import cycle between the modules (files) of the simulation core or of the
//! app. A module depends on another when it names it by a `crate::`, `super::` or `self::` path
//! (in a `use` or in code); comments and tests are left out.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The module path of a file under `src`: `ecs/mod.rs` → `ecs`, `ecs/placement.rs` →
/// `ecs::placement`, `lib.rs` → `` (the crate root).
fn module_of(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).expect("file under src");
    let mut parts: Vec<String> = rel
        .iter()
        .map(|c| c.to_string_lossy().into_owned())
        .collect();
    let last = parts.pop().expect("a file name");
    let stem = last.trim_end_matches(".rs");
    if !matches!(stem, "mod" | "lib" | "main") {
        parts.push(stem.to_string());
    }
    parts.join("::")
}

/// The source without comments and without the test module at its end.
fn code_of(text: &str) -> String {
    let text = match text.find("#[cfg(test)]") {
        Some(i) => &text[..i],
        None => text,
    };
    text.lines()
        .map(|l| match l.find("//") {
            Some(i) if !l[..i].contains('"') => &l[..i],
            _ => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every path a module names, expanded from `use` trees: `crate::a::{b, c::d}` gives
/// `crate::a::b` and `crate::a::c::d`.
fn paths_in(code: &str) -> Vec<String> {
    let bytes = code.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let rest = &code[i..];
        let start = ["crate::", "super::", "self::"]
            .iter()
            .find(|p| rest.starts_with(**p))
            .filter(|_| {
                i == 0
                    || !(bytes[i - 1].is_ascii_alphanumeric()
                        || bytes[i - 1] == b'_'
                        || bytes[i - 1] == b':')
            });
        if start.is_none() {
            // Step over one character (sources hold multi-byte characters in strings).
            i += rest.chars().next().map_or(1, char::len_utf8);
            continue;
        }
        // Read the path or use tree: identifiers, `::`, and balanced braces.
        let mut depth = 0usize;
        let mut end = i;
        for (k, c) in rest.char_indices() {
            match c {
                '{' => depth += 1,
                '}' if depth == 0 => break,
                '}' => depth -= 1,
                ',' | ' ' | '\n' | '\t' | '*' if depth > 0 => {}
                c if c.is_alphanumeric() || c == '_' || c == ':' => {}
                _ => break,
            }
            end = i + k + c.len_utf8();
        }
        expand(&code[i..end], &mut out);
        i = if end > i {
            end
        } else {
            i + rest.chars().next().map_or(1, char::len_utf8)
        };
    }
    out
}

fn expand(tree: &str, out: &mut Vec<String>) {
    let tree = tree.trim();
    match tree.find('{') {
        None => out.push(tree.trim_end_matches("::").to_string()),
        Some(open) => {
            let prefix = &tree[..open];
            let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
            let mut depth = 0;
            let mut from = 0;
            let mut items = Vec::new();
            for (k, c) in inner.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        items.push(&inner[from..k]);
                        from = k + 1;
                    }
                    _ => {}
                }
            }
            items.push(&inner[from..]);
            for item in items {
                let item = item.trim();
                if item.is_empty() || item == "self" || item == "*" {
                    out.push(prefix.trim_end_matches("::").to_string());
                } else {
                    expand(&format!("{prefix}{item}"), out);
                }
            }
        }
    }
}

/// The module graph of one crate: module → the modules it names.
fn graph(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let modules: BTreeMap<String, PathBuf> = files
        .iter()
        .map(|f| (module_of(src, f), f.clone()))
        .collect();
    let resolve = |path: &str| -> Option<String> {
        let parts: Vec<&str> = path.split("::").collect();
        (1..=parts.len())
            .rev()
            .map(|k| parts[..k].join("::"))
            .find(|m| modules.contains_key(m))
    };
    let mut g = BTreeMap::new();
    for (m, file) in &modules {
        let text = std::fs::read_to_string(file).expect("read source");
        let here: Vec<&str> = if m.is_empty() {
            Vec::new()
        } else {
            m.split("::").collect()
        };
        // `super::` from `a/b.rs` is `a`; from `a/b/mod.rs` (module a::b) it is also `a`.
        let parent = here[..here.len().saturating_sub(1)].join("::");
        let mut deps = BTreeSet::new();
        for p in paths_in(&code_of(&text)) {
            let full = if let Some(r) = p.strip_prefix("crate::") {
                r.to_string()
            } else if let Some(r) = p.strip_prefix("super::") {
                if parent.is_empty() {
                    r.to_string()
                } else {
                    format!("{parent}::{r}")
                }
            } else if let Some(r) = p.strip_prefix("self::") {
                if m.is_empty() {
                    r.to_string()
                } else {
                    format!("{m}::{r}")
                }
            } else {
                continue;
            };
            if let Some(dep) = resolve(&full)
                && dep != *m
                && !dep.is_empty()
            {
                deps.insert(dep);
            }
        }
        g.insert(m.clone(), deps);
    }
    g
}

/// The cycles of a graph: its strongly connected components of more than one module.
fn cycles(g: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    // Kosaraju: finish order on the graph, then components on the reversed graph.
    fn visit<'a>(
        v: &'a str,
        g: &'a BTreeMap<String, BTreeSet<String>>,
        seen: &mut BTreeSet<&'a str>,
        order: &mut Vec<&'a str>,
    ) {
        let mut stack = vec![(v, g[v].iter())];
        seen.insert(v);
        while let Some((node, mut next)) = stack.pop() {
            match next.next() {
                Some(w) => {
                    stack.push((node, next));
                    if g.contains_key(w.as_str()) && seen.insert(w) {
                        stack.push((w, g[w.as_str()].iter()));
                    }
                }
                None => order.push(node),
            }
        }
    }
    let mut seen = BTreeSet::new();
    let mut order = Vec::new();
    for v in g.keys() {
        if !seen.contains(v.as_str()) {
            visit(v, g, &mut seen, &mut order);
        }
    }
    let mut reversed: BTreeMap<String, BTreeSet<String>> =
        g.keys().map(|k| (k.clone(), BTreeSet::new())).collect();
    for (a, deps) in g {
        for b in deps {
            if let Some(r) = reversed.get_mut(b) {
                r.insert(a.clone());
            }
        }
    }
    let mut done = BTreeSet::new();
    let mut out = Vec::new();
    for v in order.into_iter().rev() {
        if done.contains(v) {
            continue;
        }
        let mut comp = Vec::new();
        let mut stack = vec![v.to_string()];
        done.insert(v.to_string());
        while let Some(x) = stack.pop() {
            comp.push(x.clone());
            for w in &reversed[&x] {
                if done.insert(w.clone()) {
                    stack.push(w.clone());
                }
            }
        }
        if comp.len() > 1 {
            comp.sort();
            out.push(comp);
        }
    }
    out
}

fn describe(g: &BTreeMap<String, BTreeSet<String>>, cycles: &[Vec<String>]) -> String {
    cycles
        .iter()
        .map(|c| {
            c.iter()
                .map(|m| {
                    let within: Vec<&str> = g[m]
                        .iter()
                        .filter(|d| c.contains(d))
                        .map(String::as_str)
                        .collect();
                    format!("  {m} -> {}", within.join(", "))
                })
                .collect::<Vec<_>>()
                .join("\n")
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

#[test]
fn the_simulation_core_has_no_module_import_cycle() {
    let g = graph(&root().join("crates/sim/src"));
    let c = cycles(&g);
    assert!(
        c.is_empty(),
        "import cycles in crates/sim/src:\n{}",
        describe(&g, &c)
    );
}

#[test]
fn the_app_has_no_module_import_cycle() {
    let g = graph(&root().join("src"));
    let c = cycles(&g);
    assert!(c.is_empty(), "import cycles in src:\n{}", describe(&g, &c));
}

#[test]
fn no_source_file_is_over_1000_lines() {
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    rust_files(&root().join("crates/sim/src"), &mut files);
    let big: Vec<String> = files
        .iter()
        .filter_map(|f| {
            let n = std::fs::read_to_string(f).ok()?.lines().count();
            (n > 1000).then(|| format!("{} ({n} lines)", f.display()))
        })
        .collect();
    assert!(big.is_empty(), "split by concern: {big:?}");
}

#[test]
fn the_cycle_finder_finds_a_cycle_and_expands_use_trees() {
    let mut paths = paths_in("use crate::a::{b, c::{d, e}};\nlet x = super::f::g(1);");
    paths.sort();
    assert_eq!(
        paths,
        [
            "crate::a::b",
            "crate::a::c::d",
            "crate::a::c::e",
            "super::f::g"
        ]
    );
    let g: BTreeMap<String, BTreeSet<String>> = [
        ("a", vec!["b"]),
        ("b", vec!["c"]),
        ("c", vec!["a"]),
        ("d", vec!["a"]),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.into_iter().map(String::from).collect()))
    .collect();
    assert_eq!(cycles(&g), vec![vec!["a", "b", "c"]]);
}
