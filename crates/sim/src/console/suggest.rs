//! "Did you mean…?": the suggestions a CLI offers for a mistyped word. kubectl (cobra) suggests
//! commands within a Levenshtein distance of 2 or that start with what was typed.

/// Levenshtein distance between two words (characters, not bytes).
pub fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = if ca == *cb {
                prev
            } else {
                1 + prev.min(row[j]).min(cur)
            };
            prev = cur;
        }
    }
    row[b.len()]
}

/// The candidates close to `typed`, closest first: within distance 2, or starting with it.
pub fn similar<'a>(typed: &str, candidates: &[&'a str]) -> Vec<&'a str> {
    let typed = typed.to_lowercase();
    let mut found: Vec<(usize, &str)> = candidates
        .iter()
        .filter_map(|c| {
            let d = distance(&typed, c);
            (d <= 2 || (!typed.is_empty() && c.starts_with(typed.as_str()))).then_some((d, *c))
        })
        .collect();
    found.sort();
    found.into_iter().map(|(_, c)| c).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_words_and_prefixes_are_suggested() {
        assert_eq!(distance("scal", "scale"), 1);
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(similar("scal", &["scale", "set", "get"]), ["scale"]);
        assert_eq!(similar("rol", &["rollout", "describe"]), ["rollout"]);
        assert!(similar("zzzzzz", &["get"]).is_empty());
    }
}
