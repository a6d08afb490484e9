//! `kubectl top pod|node [NAME] [-l SELECTOR] [--sort-by cpu|memory]` (kubectl's `pkg/cmd/top`:
//! `TopPodOptions.Validate` and `TopNodeOptions.Validate`).

use super::super::kind::Kind;
use super::{Command, Parsed};

/// The command from its parsed words and flags.
pub(super) fn command(p: &Parsed) -> Result<Command, String> {
    let sort_by = p.get("sort-by").map(str::to_string);
    if let Some(s) = sort_by.as_deref()
        && !matches!(s, "cpu" | "memory")
    {
        return Err("error: --sort-by accepts only cpu or memory\n".into());
    }
    let kind = match p.positional.first().map(String::as_str) {
        Some("pods" | "pod" | "po") => Kind::Pod,
        Some("nodes" | "node" | "no") => Kind::Node,
        Some(other) => {
            return Err(format!(
                "error: unknown command \"{other}\" for \"kubectl top\"\n"
            ));
        }
        None => {
            return Err("error: Required resource not specified: kubectl top pod|node\n".into());
        }
    };
    let name = p.positional.get(1).cloned();
    let selector = p.get("selector").map(str::to_string);
    if name.is_some() && selector.is_some() {
        return Err("error: only one of NAME or --selector can be provided\n".into());
    }
    Ok(Command::Top {
        kind,
        name,
        selector,
        sort_by,
    })
}
