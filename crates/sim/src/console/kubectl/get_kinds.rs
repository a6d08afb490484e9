//! `kubectl get pv,pvc`: several kinds in one command. kubectl prints one table per kind that
//! has objects, separated by a blank line, each name written `<kind>/<name>` (the same form
//! as `-o name`; with `-o name` the lines follow each other); with none at all, "No
//! resources found".

use super::parse::{Kind, Output};
use super::{Kube, Outcome, get, namespaces_endpoints, show_labels, storage};

pub fn get_kinds(
    k: &Kube,
    kinds: &[Kind],
    output: Output,
    selector: Option<&str>,
    show_labels: bool,
) -> Outcome {
    let mut tables = Vec::new();
    for &kind in kinds {
        let printed = if storage::is_storage(kind) {
            storage::get(k, kind, &[], output)
        } else if namespaces_endpoints::handles(kind) {
            namespaces_endpoints::get(k, kind, &[], output)
        } else {
            get::get(
                k,
                kind,
                &[],
                get::Printing {
                    output,
                    template: None,
                    sort_by: None,
                    field_selector: None,
                    watch: None,
                },
                selector,
            )
        };
        let printed = show_labels::with_labels(printed, show_labels.then_some((kind, output)), k);
        let text = match printed {
            Outcome::Print(t) => t,
            other => return other,
        };
        if text.starts_with("No resources found") {
            continue;
        }
        tables.push(if output == Output::Name {
            text
        } else {
            prefixed(&text, kind.prefix())
        });
    }
    if tables.is_empty() {
        return Outcome::Print(k.no_resources());
    }
    let between = if output == Output::Name { "" } else { "\n" };
    Outcome::Print(tables.join(between))
}

/// A table with every name of its NAME column written `<prefix>/<name>`, the column as wide as
/// its widest prefixed name (or its header) and three spaces before the next, as kubectl's
/// printer lays it out; the NAMESPACE column before it under `-A` stays as it is. Rows that
/// are not the table's (the errors after it) are left alone.
fn prefixed(table: &str, prefix: &str) -> String {
    let mut lines = table.lines();
    let Some(header) = lines.next() else {
        return table.to_string();
    };
    // Where NAME starts, and where the column after it starts (the same in every row).
    let name_at = if let Some(after_ns) = header.strip_prefix("NAMESPACE") {
        after_ns.find("NAME").map(|i| i + "NAMESPACE".len())
    } else {
        header.starts_with("NAME").then_some(0)
    };
    let Some(name_at) = name_at else {
        return table.to_string();
    };
    let after = &header[name_at + "NAME".len()..];
    let next_at = name_at + "NAME".len() + (after.len() - after.trim_start().len());
    let rows: Vec<&str> = lines.collect();
    let name_of = |row: &str| -> Option<String> {
        row.get(name_at..)
            .and_then(|r| r.split_whitespace().next())
            .map(str::to_string)
    };
    let is_row = |row: &str| !row.starts_with("Error from server") && row.len() > name_at;
    let width = rows
        .iter()
        .filter(|r| is_row(r))
        .filter_map(|r| name_of(r))
        .map(|n| prefix.len() + 1 + n.len())
        .chain(std::iter::once("NAME".len()))
        .max()
        .unwrap_or(0);
    let cell = |text: &str, rest: &str| {
        if rest.is_empty() {
            text.to_string()
        } else {
            format!("{text:<w$}{rest}", w = width + 3)
        }
    };
    let mut out = format!(
        "{}{}\n",
        &header[..name_at],
        cell("NAME", header.get(next_at..).unwrap_or(""))
    );
    for row in rows {
        match name_of(row).filter(|_| is_row(row)) {
            Some(name) => {
                let rest = row.get(next_at..).unwrap_or("");
                out.push_str(&row[..name_at]);
                out.push_str(&cell(&format!("{prefix}/{name}"), rest));
            }
            None => out.push_str(row),
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn under_all_namespaces_the_prefix_goes_on_the_name_after_the_namespace() {
        let t = "NAMESPACE     NAME      READY\ndefault       web       2/2\nkube-system   coredns   2/2\n";
        assert_eq!(
            prefixed(t, "deployment.apps"),
            "NAMESPACE     NAME                      READY\ndefault       deployment.apps/web       2/2\nkube-system   deployment.apps/coredns   2/2\n"
        );
    }

    #[test]
    fn the_name_column_is_as_wide_as_its_widest_name() {
        // kubectl lays the prefixed names out anew: "NAME" was wider than "web".
        assert_eq!(
            prefixed("NAME   READY\nweb    10/10\n", "deployment.apps"),
            "NAME                  READY\ndeployment.apps/web   10/10\n"
        );
    }

    #[test]
    fn names_take_their_kind_and_the_columns_stay_aligned() {
        let t = "NAME     STATUS\nshared   Bound\n";
        assert_eq!(
            prefixed(t, "persistentvolumeclaim"),
            "NAME                           STATUS\npersistentvolumeclaim/shared   Bound\n"
        );
    }
}
