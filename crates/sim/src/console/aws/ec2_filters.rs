//! The `--filters` of the EC2 `Describe*` operations, as the AWS CLI takes them: each word
//! `Name=NAME,Values=V1,V2` (the CLI's shorthand) or one JSON list of `{"Name": …, "Values":
//! […]}` objects. Values of one filter are alternatives, filters all apply, and a value may
//! hold the wildcards `*` (any run of characters) and `?` (one character) (Amazon EC2 API
//! Reference, "Filter"; Amazon EC2 User Guide, "List and filter your resources").

use serde_json::Value;

/// One filter: its name and the values any of which may match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    pub name: String,
    pub values: Vec<String>,
}

impl Filter {
    /// Whether any of the filter's values matches `text`.
    pub fn matches(&self, text: &str) -> bool {
        self.values.iter().any(|v| glob(v, text))
    }

    /// Whether any of the filter's values matches any of `texts`.
    pub fn matches_any<'a>(&self, texts: impl IntoIterator<Item = &'a str>) -> bool {
        texts.into_iter().any(|t| self.matches(t))
    }
}

fn param_error(message: &str) -> String {
    format!("\nParameter validation failed:\n{message}\n")
}

/// The filters the words of `--filters` give, or the CLI's error.
pub fn parse<'a>(words: impl IntoIterator<Item = &'a str>) -> Result<Vec<Filter>, String> {
    let words: Vec<&str> = words.into_iter().collect();
    if let [one] = words.as_slice()
        && one.trim_start().starts_with('[')
    {
        return json(one);
    }
    words
        .iter()
        .enumerate()
        .map(|(n, w)| shorthand(n, w))
        .collect()
}

/// `Name=instance-state-name,Values=running,stopped`: after `Values=`, every part without a
/// `=` is one more value.
fn shorthand(n: usize, text: &str) -> Result<Filter, String> {
    let mut name = None;
    let mut values = Vec::new();
    let mut in_values = false;
    for part in text.split(',') {
        match part.split_once('=') {
            Some(("Name", v)) => {
                name = Some(v.to_string());
                in_values = false;
            }
            Some(("Values", v)) => {
                values.push(v.to_string());
                in_values = true;
            }
            Some((key, _)) if !in_values => {
                return Err(param_error(&format!(
                    "Unknown parameter in Filters[{n}]: \"{key}\", must be one of: Name, Values"
                )));
            }
            // A value that holds a `=` (a tag's value), or one more value.
            _ if in_values => values.push(part.to_string()),
            _ => {
                return Err(format!(
                    "\nError parsing parameter '--filters': Expected: '=', received: 'EOF' for input:\n{text}\n"
                ));
            }
        }
    }
    Ok(Filter {
        // EC2 names a filter without a name `null` in its error.
        name: name.unwrap_or_else(|| "null".into()),
        values,
    })
}

fn json(text: &str) -> Result<Vec<Filter>, String> {
    let value: Value = serde_json::from_str(text).map_err(|e| {
        format!("\nError parsing parameter '--filters': Invalid JSON: {e}\nJSON received: {text}\n")
    })?;
    let Some(list) = value.as_array() else {
        return Err(param_error(
            "Invalid type for parameter Filters, valid types: <class 'list'>, <class 'tuple'>",
        ));
    };
    let mut out = Vec::new();
    for (n, item) in list.iter().enumerate() {
        let Some(obj) = item.as_object() else {
            return Err(param_error(&format!(
                "Invalid type for parameter Filters[{n}], valid types: <class 'dict'>"
            )));
        };
        if let Some(key) = obj.keys().find(|k| *k != "Name" && *k != "Values") {
            return Err(param_error(&format!(
                "Unknown parameter in Filters[{n}]: \"{key}\", must be one of: Name, Values"
            )));
        }
        let name = match obj.get("Name") {
            None => "null".to_string(),
            Some(Value::String(s)) => s.clone(),
            Some(other) => {
                return Err(param_error(&format!(
                    "Invalid type for parameter Filters[{n}].Name, value: {other}, valid types: <class 'str'>"
                )));
            }
        };
        let values = match obj.get("Values") {
            None => Vec::new(),
            Some(Value::Array(vs)) => vs
                .iter()
                .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
                .collect(),
            Some(other) => {
                return Err(param_error(&format!(
                    "Invalid type for parameter Filters[{n}].Values, value: {other}, valid types: <class 'list'>, <class 'tuple'>"
                )));
            }
        };
        out.push(Filter { name, values });
    }
    Ok(out)
}

/// The API's refusal of a filter name the operation does not know, with a note of the ones Orca
/// evaluates (the real API knows more than Orca models; those are refused the same way).
pub fn invalid(api: &str, name: &str, known: &[&str]) -> String {
    format!(
        "\nAn error occurred (InvalidParameterValue) when calling the {api} operation: The filter '{name}' is invalid\n\n(Orca filters {api} on: {}, tag:KEY.)\n",
        known.join(", ")
    )
}

/// EC2's filter wildcards: `*` any run of characters, `?` exactly one; `\` takes the next
/// character as it is.
pub fn glob(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    // Iterative matching with one backtrack point for the last `*` (linear in practice).
    let (mut i, mut j) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while j < t.len() {
        match p.get(i) {
            Some('*') => {
                star = Some((i, j));
                i += 1;
                continue;
            }
            Some('?') => {
                i += 1;
                j += 1;
                continue;
            }
            Some('\\') if p.get(i + 1) == Some(&t[j]) => {
                i += 2;
                j += 1;
                continue;
            }
            Some(c) if *c == t[j] && *c != '\\' => {
                i += 1;
                j += 1;
                continue;
            }
            _ => {}
        }
        match star {
            Some((si, sj)) => {
                i = si + 1;
                j = sj + 1;
                star = Some((si, sj + 1));
            }
            None => return false,
        }
    }
    p[i.min(p.len())..].iter().all(|c| *c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shorthand_and_json_give_the_same_filters() {
        let want = vec![
            Filter {
                name: "instance-state-name".into(),
                values: vec!["running".into(), "pending".into()],
            },
            Filter {
                name: "tag:Name".into(),
                values: vec!["ecs-node-1".into()],
            },
        ];
        assert_eq!(
            parse([
                "Name=instance-state-name,Values=running,pending",
                "Name=tag:Name,Values=ecs-node-1"
            ]),
            Ok(want.clone())
        );
        assert_eq!(
            parse([
                r#"[{"Name": "instance-state-name", "Values": ["running", "pending"]}, {"Name": "tag:Name", "Values": ["ecs-node-1"]}]"#
            ]),
            Ok(want)
        );
        let e = parse(["Name=instance-type,Value=m5.large"]).unwrap_err();
        assert!(
            e.contains("Unknown parameter in Filters[0]: \"Value\""),
            "{e}"
        );
        let e = parse(["instance-type"]).unwrap_err();
        assert!(e.contains("Error parsing parameter '--filters'"), "{e}");
        assert!(parse(["[{"]).unwrap_err().contains("Invalid JSON"));
        // A value may hold a `=`, as a tag's value can.
        assert_eq!(
            parse(["Name=tag:env,Values=a=b"]).map(|f| f[0].values.clone()),
            Ok(vec!["a=b".to_string()])
        );
    }

    #[test]
    fn wildcards_match_as_ec2_filters_do() {
        assert!(glob("m5.*", "m5.large"));
        assert!(glob("*", ""));
        assert!(glob("us-east-1?", "us-east-1a"));
        assert!(!glob("us-east-1?", "us-east-1"));
        assert!(glob("*node*", "ecs-node-2"));
        assert!(!glob("node*", "ecs-node-2"));
        assert!(glob("a*b*c", "aXbYbZc"));
        assert!(!glob("a*b*c", "aXbYbZ"));
        assert!(glob(r"a\*", "a*"));
        assert!(!glob(r"a\*", "ab"));
        assert!(glob("running", "running"));
        assert!(!glob("running", "running2"));
    }
}
