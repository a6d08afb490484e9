//! `kubectl get pv,pvc`: several kinds in one command. kubectl prints one table per kind that
//! has objects, separated by a blank line, each name written `<kind>/<name>` (the same form
//! as `-o name`; with `-o name` the lines follow each other); with none at all, "No
//! resources found".

use super::parse::{Kind, Output};
use super::{Kube, Outcome, get, storage};

pub fn get_kinds(k: &Kube, kinds: &[Kind], output: Output, selector: Option<&str>) -> Outcome {
    let mut tables = Vec::new();
    for &kind in kinds {
        let printed = if storage::is_storage(kind) {
            storage::get(k, kind, &[], output)
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

/// A table whose first column is NAME with every name as `<prefix>/<name>`: the column
/// widens by the prefix's length for every row alike, so each data row gains the prefix at
/// its start and the header pads its NAME. A table that does not start with NAME (with a
/// NAMESPACE column) is left as it is.
fn prefixed(table: &str, prefix: &str) -> String {
    let Some(rest) = table.strip_prefix("NAME") else {
        return table.to_string();
    };
    let pad = " ".repeat(prefix.len() + 1);
    let mut lines = table.lines();
    let _header = lines.next();
    let mut out = format!(
        "NAME{pad}{rest_first}\n",
        rest_first = rest.lines().next().unwrap_or("")
    );
    for line in lines {
        out.push_str(&format!("{prefix}/{line}\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_take_their_kind_and_the_columns_stay_aligned() {
        let t = "NAME     STATUS\nshared   Bound\n";
        assert_eq!(
            prefixed(t, "persistentvolumeclaim"),
            "NAME                           STATUS\npersistentvolumeclaim/shared   Bound\n"
        );
    }
}
