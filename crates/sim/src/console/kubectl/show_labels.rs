//! The table options of `kubectl get`: `--show-labels`, a LABELS column after the others, each
//! object's labels as `key=value` pairs sorted by key and joined by commas, `<none>` without
//! any (kubectl's printers add the column to every table; `labels.FormatLabels`); and
//! `--no-headers`, the tables without their header lines.

use super::objects;
use super::parse::{Kind, Output};
use super::services::services;
use super::{Kube, Outcome};

/// The table of `printed` with a LABELS column, when `show` names the kind and the output is
/// a table; anything else as it is.
pub fn with_labels(printed: Outcome, show: Option<(Kind, Output)>, k: &Kube) -> Outcome {
    let Some((kind, Output::Table | Output::Wide)) = show else {
        return printed;
    };
    match printed {
        Outcome::Print(text) if text.starts_with("NAME") => {
            Outcome::Print(add_column(&text, |namespace, name| {
                labels_of(k, kind, namespace, name)
            }))
        }
        other => other,
    }
}

/// The tables of `printed` without their header lines when `no_headers` (every table of a
/// multi-kind `get`; the blank lines between them stay), anything else as it is.
pub fn without_headers(printed: Outcome, no_headers: bool) -> Outcome {
    match printed {
        Outcome::Print(text) if no_headers => {
            let mut out = String::with_capacity(text.len());
            let mut first = true;
            for line in text.split_inclusive('\n') {
                let header = first && (line.starts_with("NAME") || line.starts_with("LAST SEEN"));
                first = line.trim().is_empty();
                if !header {
                    out.push_str(line);
                }
            }
            Outcome::Print(out)
        }
        other => other,
    }
}

/// Append a LABELS column to a table whose columns are separated by at least three spaces (the
/// last column was not padded, so every line is padded to the longest first). Rows that are
/// not a table's (the NotFound errors after it) are left as they are.
fn add_column(table: &str, labels: impl Fn(Option<&str>, &str) -> String) -> String {
    let mut lines = table.lines();
    let Some(header) = lines.next() else {
        return table.to_string();
    };
    let namespaced = header.starts_with("NAMESPACE");
    let rows: Vec<&str> = lines.collect();
    let is_row = |l: &str| !l.starts_with("Error from server");
    let width = std::iter::once(header)
        .chain(rows.iter().copied().filter(|l| is_row(l)))
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(0);
    let pad = |l: &str| format!("{l}{}", " ".repeat(width - l.chars().count() + 3));
    let mut out = format!("{}LABELS\n", pad(header));
    for row in rows {
        if !is_row(row) {
            out.push_str(row);
            out.push('\n');
            continue;
        }
        let mut words = row.split_whitespace();
        let namespace = if namespaced { words.next() } else { None };
        let name = words.next().unwrap_or_default();
        out.push_str(&pad(row));
        out.push_str(&labels(namespace, name));
        out.push('\n');
    }
    out
}

/// The labels of the object of `kind` named `name` (in `namespace` under `-A`), as kubectl
/// prints them.
fn labels_of(k: &Kube, kind: Kind, namespace: Option<&str>, name: &str) -> String {
    let ns_ok = |ns: &str| namespace.is_none_or(|n| n == ns);
    let pairs: Vec<(String, String)> = match kind {
        Kind::Namespace => vec![("kubernetes.io/metadata.name".into(), name.into())],
        Kind::Pod => k
            .pods()
            .find(|&p| k.eks.pods[p].name == name && ns_ok(k.pod_namespace(p)))
            .map(|p| k.pod_labels(p))
            .unwrap_or_default(),
        Kind::Node => k
            .nodes()
            .find(|&n| k.eks.nodes[n].name == name)
            .map(|n| k.node_labels(n))
            .unwrap_or_default(),
        _ => index_of(k, kind, namespace, name)
            .map(|i| from_object(&objects::object(k, kind, i)))
            .unwrap_or_default(),
    };
    format(pairs)
}

/// The position of the named object in the lists `objects::object` reads.
fn index_of(k: &Kube, kind: Kind, namespace: Option<&str>, name: &str) -> Option<usize> {
    let ns_ok = |ns: &str| namespace.is_none_or(|n| n == ns);
    let e = k.eks;
    match kind {
        Kind::Deployment | Kind::DaemonSet | Kind::StatefulSet => e
            .deployments
            .iter()
            .position(|d| d.name == name && ns_ok(&d.namespace)),
        Kind::ReplicaSet => e
            .replica_sets
            .iter()
            .position(|r| r.name == name && ns_ok(&e.deployments[r.deployment].namespace)),
        Kind::Hpa => e
            .hpas
            .iter()
            .position(|h| h.name == name && ns_ok(&e.deployments[h.deployment].namespace)),
        Kind::Service => services(k)
            .iter()
            .position(|s| s.name == name && ns_ok(&s.namespace)),
        Kind::Pdb => e.pdbs.iter().position(|b| b.name == name),
        _ => None,
    }
}

/// `metadata.labels` of an object.
fn from_object(object: &serde_json::Value) -> Vec<(String, String)> {
    object["metadata"]["labels"]
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(key, v)| (key.clone(), v.as_str().unwrap_or_default().to_string()))
                .collect()
        })
        .unwrap_or_default()
}

/// `key=value,…` sorted by key, or `<none>`.
fn format(pairs: Vec<(String, String)>) -> String {
    if pairs.is_empty() {
        return "<none>".into();
    }
    crate::k8s::cluster::EksCluster::format_labels(&pairs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_labels_column_comes_last_and_the_columns_stay_aligned() {
        let t = "NAME   READY   STATUS\nweb-1   1/1     Running\nlonger-name   0/1     Pending\n";
        // (the rendered tables align columns; the test only needs the padding rule)
        let out = add_column(t, |_, name| format!("app={name}"));
        let lines: Vec<&str> = out.lines().collect();
        let at = lines[0].find("LABELS").expect("a LABELS header");
        for (line, name) in lines[1..].iter().zip(["web-1", "longer-name"]) {
            assert_eq!(&line[at..], format!("app={name}"), "{out}");
        }
        assert_eq!(at, "longer-name   0/1     Pending".len() + 3);
    }

    #[test]
    fn no_headers_drops_each_tables_header_line() {
        let t = "NAME    READY\npod/a   1/1\n\nNAME    TYPE\nservice/k   ClusterIP\n";
        let Outcome::Print(out) = without_headers(Outcome::Print(t.into()), true) else {
            panic!("printed")
        };
        assert_eq!(out, "pod/a   1/1\n\nservice/k   ClusterIP\n");
        let none = "No resources found in default namespace.\n";
        assert!(
            matches!(without_headers(Outcome::Print(none.into()), true), Outcome::Print(s) if s == none)
        );
    }

    #[test]
    fn labels_are_sorted_by_key() {
        assert_eq!(format(Vec::new()), "<none>");
        assert_eq!(
            format(vec![
                ("pod-template-hash".into(), "7988b664b9".into()),
                ("app".into(), "web".into())
            ]),
            "app=web,pod-template-hash=7988b664b9"
        );
    }

    #[test]
    fn the_name_is_read_after_the_namespace_under_all_namespaces() {
        let t = "NAMESPACE     NAME   READY\nkube-system   dns    1/1\n";
        let out = add_column(t, |ns, name| format!("{}/{name}", ns.unwrap_or("?")));
        assert!(
            out.lines()
                .nth(1)
                .is_some_and(|l| l.ends_with("kube-system/dns")),
            "{out}"
        );
    }
}
