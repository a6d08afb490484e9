//! RON errors in the reader's terms. ron reports a position and an error code; [`describe`]
//! turns them into the field and value the error is about (`desired_count of service "web":
//! expected a whole number, found "four"; …`), located with the file's [`locate::Index`], with
//! an example of what would be valid. When the position says nothing useful, the code alone is
//! worded ([`describe_code`]): unknown fields and variants list what is valid and the likely
//! intended one.

use super::{Scenario, ron_options};
use super::{limits, locate, shown};

/// Where a RON error is and what it means, in the reader's terms: the field it is about
/// (`desired_count of service "web"`), the value found there, and what would be valid. ron's
/// span often starts at the whitespace before a value, or at the end of the struct for a missing
/// field; the index of the file finds the value or struct it is about.
pub(super) fn describe(src: &str, e: &ron::error::SpannedError) -> (locate::Location, String) {
    let index = locate::Index::new(src);
    if index.is_empty() {
        // ron asks for the `(` of the top-level struct, which says nothing to someone who opened
        // an empty file.
        let what = if src.trim().is_empty() {
            "the file is empty"
        } else {
            "the file has only comments in it"
        };
        return (
            locate::Location { line: 1, column: 1 },
            format!("{what}; a scenario starts like this: {SMALLEST_SCENARIO}"),
        );
    }
    if let Some(at) = index.group_at_depth(MAX_NESTING + 1) {
        // ron gives up at its recursion limit, or earlier at the first bracket its type does not
        // expect, with a message about that value; the nesting is what is wrong.
        return (
            index.location(at),
            format!(
                "brackets nest more than {MAX_NESTING} levels deep here; no part of a scenario is more than about 15 levels down"
            ),
        );
    }
    let start = index.offset(locate::Location {
        line: e.span.start.line,
        column: e.span.start.col,
    });
    let end = index.offset(locate::Location {
        line: e.span.end.line,
        column: e.span.end.col,
    });
    match explain(&index, &e.code, start, end) {
        Some((at, message)) => (index.location(at), message),
        None => (
            locate::Location {
                line: e.span.start.line,
                column: e.span.start.col,
            },
            describe_code(&e.code),
        ),
    }
}

/// How deep brackets may nest. The deepest value of the format (a step adjustment's bound,
/// `world: Ecs(services: [(auto_scaling: (step_scaling: [(step_adjustments: [(lower_bound: …`)
/// is about 10 levels down, 15 with every optional `Some(..)` written out.
const MAX_NESTING: usize = 32;

/// The smallest valid scenario, shown for an empty file.
const SMALLEST_SCENARIO: &str = "(version: 1, title: \"Rolling update\", world: Ecs(cluster: (name: \"demo\"), task_definitions: [], services: []))";

/// What a value of the wrong type should have been.
#[derive(Clone, Copy)]
enum Want {
    WholeNumber,
    Number,
    Boolean,
    Text,
    Variant,
    Group(Option<&'static str>),
    List,
}

/// The byte offset and message for `code`, or `None` to keep ron's position and the generic
/// wording.
fn explain(
    index: &locate::Index<'_>,
    code: &ron::Error,
    start: usize,
    end: usize,
) -> Option<(usize, String)> {
    use ron::Error as E;
    // ron's cursor is usually at the value; when it has already passed it (at the comma after
    // an out-of-range number), the span's start is inside it.
    let value = || index.value_near(end).or_else(|| index.value_near(start));
    let want = match code {
        E::ExpectedInteger | E::InvalidIntegerDigit { .. } => Want::WholeNumber,
        E::ExpectedFloat => Want::Number,
        E::ExpectedBoolean => Want::Boolean,
        E::ExpectedString => Want::Text,
        E::ExpectedArray => Want::List,
        E::ExpectedStructLike => Want::Group(None),
        E::ExpectedNamedStructLike(name) => Want::Group(Some(name)),
        E::ExpectedIdentifier | E::SuggestRawIdentifier(_) => {
            // Only a value here is a variant written wrong; a bad field name keeps the generic
            // message.
            let v = value()?;
            if v.at != index.skip_trivia(end) || v.route.is_empty() {
                return None;
            }
            Want::Variant
        }
        // `desired_count: 4.5`: ron reads the whole number 4, then expects a comma at `.5`.
        E::ExpectedComma
            if end > 0
                && index.text(end - 1, end).bytes().all(|b| b.is_ascii_digit())
                && index.text(end, end + 1).starts_with(['.', 'e', 'E']) =>
        {
            let v = index.value_near(end - 1)?;
            return Some((v.at, type_error(index, &v, Want::WholeNumber)));
        }
        E::IntegerOutOfBounds => {
            let v = value()?;
            let valid = match limits::of(&limits::pattern(&v.route)) {
                Some(r) => format!("valid: {r}"),
                None => "counts, sizes and ports cannot be negative, ports go up to 65535 and other whole numbers up to 4294967295".into(),
            };
            return Some((
                v.at,
                format!(
                    "{}: {} is out of range; {valid}",
                    what(index, &v),
                    found(index, &v)
                ),
            ));
        }
        E::InvalidValueForType { expected, .. } => {
            let v = value()?;
            return Some((
                v.at,
                format!(
                    "{}: expected {}, found {}",
                    what(index, &v),
                    expected_in_words(expected),
                    found(index, &v)
                ),
            ));
        }
        E::ExpectedDifferentLength { expected, found } => {
            let v = value()?;
            return Some((
                v.at,
                format!(
                    "{}: expected {}, found {found} element(s)",
                    what(index, &v),
                    expected_in_words(expected)
                ),
            ));
        }
        E::ExpectedDifferentStructName { .. } => {
            let v = index.value_near(start)?;
            return Some((
                v.at,
                format!("{}: {}", what(index, &v), describe_code(code)),
            ));
        }
        E::MissingStructField { field, outer } => {
            // ron reports it at the closing parenthesis; the struct's opening says which one.
            let g = index.group_at(start)?;
            let example = field_example(outer.as_deref(), field).unwrap_or("…");
            return Some((
                g.at,
                format!(
                    "{}: missing field {field}; it has no default, so write it, e.g. {field}: {example}",
                    what(index, &g)
                ),
            ));
        }
        E::NoSuchEnumVariant { .. } => {
            let v = index.value_near(start)?;
            return Some((
                start,
                format!("{}: {}", what(index, &v), describe_code(code)),
            ));
        }
        E::NoSuchStructField { .. } | E::DuplicateStructField { .. } => {
            let g = index.group_at(start)?;
            return Some((
                start,
                format!("{}: {}", what(index, &g), describe_code(code)),
            ));
        }
        _ => return None,
    };
    let v = value()?;
    Some((v.at, type_error(index, &v, want)))
}

/// `desired_count of service "web": expected a whole number, found "four"; …`.
fn type_error(index: &locate::Index<'_>, v: &locate::Value, want: Want) -> String {
    let what = what(index, v);
    let found = found(index, v);
    let field = match v.route.last() {
        Some(locate::Step::Field(f)) => Some(f.as_str()),
        _ => None,
    };
    let eg = |value: &str| match field {
        Some(f) => format!("{f}: {value}"),
        None => value.to_string(),
    };
    // A value written in quotes that would be right without them.
    let unquoted = index.string_content(v).map(|s| s.trim().to_string());
    match want {
        Want::WholeNumber => {
            let value = unquoted
                .filter(|s| s.parse::<u64>().is_ok())
                .unwrap_or_else(|| "4".into());
            format!(
                "{what}: expected a whole number, found {found}; write digits without quotes or a fraction, e.g. {}",
                eg(&value)
            )
        }
        Want::Number => {
            match unquoted.filter(|s| s.len() <= shown::MAX_SHOWN && s.parse::<f64>().is_ok()) {
                Some(value) => format!(
                    "{what}: expected a number, found {found}; write it without quotes, e.g. {}",
                    eg(&value)
                ),
                None => format!(
                    "{what}: expected a number, found {found}; e.g. {} or {}",
                    eg("30"),
                    eg("2.5")
                ),
            }
        }
        Want::Boolean => match unquoted.filter(|s| s == "true" || s == "false") {
            Some(value) => format!(
                "{what}: expected true or false, found {found}; write it without quotes, e.g. {}",
                eg(&value)
            ),
            None => format!(
                "{what}: expected true or false, found {found}; e.g. {}",
                eg("true")
            ),
        },
        Want::Text => {
            // The value itself in quotes, unless it is a group or too long to repeat.
            let text = index.text(v.at, v.end);
            let value = if v.is_group || text.chars().count() > shown::MAX_SHOWN {
                "\"web\"".to_string()
            } else {
                format!("{text:?}")
            };
            format!(
                "{what}: expected text in double quotes, found {found}; e.g. {}",
                eg(&value)
            )
        }
        Want::Variant => {
            let variants = variants_at(index, v);
            let valid = variants.map(|vs| vs.join(", "));
            match (unquoted.filter(|s| is_identifier(s)), valid) {
                (Some(value), Some(valid))
                    if variants.is_some_and(|vs| vs.contains(&value.as_str())) =>
                {
                    format!(
                        "{what}: expected a variant name without quotes, found {found}; write {} (valid: {valid})",
                        eg(&value)
                    )
                }
                (_, Some(valid)) => format!(
                    "{what}: expected a variant name without quotes, found {found}; valid: {valid}"
                ),
                (Some(value), None) => format!(
                    "{what}: expected a variant name without quotes, found {found}; e.g. {}",
                    eg(&value)
                ),
                (None, None) => {
                    format!("{what}: expected a variant name without quotes, found {found}")
                }
            }
        }
        Want::Group(name) => {
            let example = name
                .and_then(group_example)
                .unwrap_or_else(|| "(…)".to_string());
            format!(
                "{what}: expected its fields in parentheses, found {found}; e.g. {}",
                eg(&example)
            )
        }
        Want::List => format!(
            "{what}: expected a list in square brackets, found {found}; e.g. {}",
            eg(&format!("[{found}]"))
        ),
    }
}

// ---------------------------------------------------------------------------------------------
// The error code alone

/// ron's error, said for the person editing the file: unknown fields and variants list what is
/// valid (and the likely intended one), type errors say what the field takes.
///
/// ron's own wording names the Rust types behind the format (`in ServiceSpec`, `for struct
/// Scenario`), which mean nothing to the reader: the error's place in the file (`service "web"`)
/// says which part it is about, so the types are left out.
fn describe_code(code: &ron::Error) -> String {
    use ron::Error as E;
    let hint = match code {
        E::NoSuchStructField {
            expected, found, ..
        } => {
            return format!(
                "unknown field {}{}; {}",
                shown::quoted(found),
                did_you_mean(found, expected),
                one_of("fields", expected)
            );
        }
        E::NoSuchEnumVariant {
            expected, found, ..
        } => {
            return format!(
                "unknown variant {}{}; {}",
                shown::quoted(found),
                did_you_mean(found, expected),
                one_of("variants", expected)
            );
        }
        E::MissingStructField { field, .. } => {
            return format!(
                "missing field \"{field}\"; it has no default, so write it, e.g. {field}: …"
            );
        }
        E::DuplicateStructField { field, .. } => {
            return format!("field \"{field}\" is given twice; keep one");
        }
        E::InvalidValueForType { expected, found } => {
            return format!(
                "expected {}, found {}",
                expected_in_words(expected),
                shown::bare(found)
            );
        }
        E::ExpectedDifferentLength { expected, found } => {
            return format!(
                "expected {}, found {found} element(s)",
                expected_in_words(expected)
            );
        }
        E::ExpectedDifferentStructName { found, .. } => {
            return format!(
                "remove the name {} before the parentheses; a group of fields is written (…) without a name",
                shown::quoted(found)
            );
        }
        // Its text names the struct ("for struct `Scenario`").
        E::ExpectedNamedStructLike(_) => {
            return "expected a group in parentheses, e.g. (name: \"web\")".into();
        }
        E::ExpectedComma => {
            "; fields and list items are separated by commas, and brackets must match"
        }
        E::ExpectedInteger => "; this field takes a whole number, e.g. 4 (no quotes)",
        E::ExpectedFloat => "; this field takes a number, e.g. 30 or 2.5",
        E::ExpectedBoolean => "; this field takes true or false",
        E::ExpectedString => "; this field takes text in double quotes, e.g. \"web\"",
        E::IntegerOutOfBounds => {
            "; the number is out of range for this field (counts, sizes and ports cannot be negative)"
        }
        E::ExpectedArray => "; this field takes a list in square brackets, e.g. [\"a\", \"b\"]",
        E::ExpectedArrayEnd => "; a list is not closed with ] (or an item is missing a comma)",
        E::ExpectedStructLike => "; this field takes a group in parentheses, e.g. (name: \"web\")",
        E::ExpectedStructLikeEnd | E::ExpectedOptionEnd => {
            "; the group has more values than the field takes, or a comma or bracket is missing"
        }
        E::ExpectedMapColon => "; write each field as name: value",
        E::ExpectedMap => "; this field takes a map in braces, e.g. {1: \"why choice 1 is wrong\"}",
        E::ExpectedMapEnd => "; a map is not closed with } (or an entry is missing a comma)",
        E::ExpectedIdentifier => "; expected a field name or a variant like Fargate",
        E::Eof => "; the file ends too early: a bracket or parenthesis is not closed",
        E::ExpectedStringEnd => "; a string is not closed with a double quote",
        E::TrailingCharacters => "; there is text after the scenario's closing parenthesis",
        E::UnclosedBlockComment => "; a /* comment is not closed with */",
        E::ExceededRecursionLimit => "; the file nests too deeply",
        _ => "",
    };
    format!("{code}{hint}")
}

/// What serde says a value should have been (`struct TargetGroupHealthCheckSpec`, `enum
/// LaunchType`, `tuple variant FailureResponse::Status`, `u32`, `a tuple of size 2`), in the
/// scenario's terms.
fn expected_in_words(expected: &str) -> String {
    let variant = |path: &str| path.rsplit("::").next().unwrap_or(path).to_string();
    if let Some(path) = expected.strip_prefix("tuple variant ") {
        return format!("{}(…)", variant(path));
    }
    if let Some(path) = expected.strip_prefix("unit variant ") {
        return variant(path);
    }
    if expected.starts_with("struct ") {
        return "its fields in parentheses".into();
    }
    if expected.starts_with("enum ") || expected == "variant identifier" {
        return "a variant name".into();
    }
    if let Some(n) = expected.strip_prefix("a tuple of size ") {
        return format!("{n} values in parentheses");
    }
    match expected {
        "u8" | "u16" | "u32" | "u64" | "u128" | "usize" | "i8" | "i16" | "i32" | "i64" | "i128"
        | "isize" => "a whole number",
        "f32" | "f64" => "a number",
        "field identifier" => "a field name",
        "a string" => "text in double quotes",
        "a boolean" => "true or false",
        "a sequence" => "a list in square brackets",
        other => other,
    }
    .to_string()
}

/// Edit distance between two short names, for "did you mean".
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The expected name closest to `found`: same letters in another case, or at most a couple of
/// typos away.
fn closest(found: &str, expected: &[&'static str]) -> Option<&'static str> {
    let folded = |s: &str| s.to_ascii_lowercase().replace('_', "");
    if let Some(e) = expected.iter().find(|e| folded(e) == folded(found)) {
        return Some(e);
    }
    let len = found.chars().count();
    let limit = if len >= 5 { 2 } else { 1 };
    expected
        .iter()
        // Names further apart in length than the limit cannot be within it; skipping them
        // keeps a 500 KB name from costing a distance computation per candidate.
        .filter(|e| e.chars().count().abs_diff(len) <= limit)
        .map(|e| (distance(found, e), *e))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, e)| e)
}

fn one_of(kind: &str, expected: &[&str]) -> String {
    match expected {
        [] => format!("it has no {kind}"),
        [one] => format!("expected: {one}"),
        many => format!("expected one of: {}", many.join(", ")),
    }
}

fn did_you_mean(found: &str, expected: &[&'static str]) -> String {
    closest(found, expected).map_or(String::new(), |e| format!(" (did you mean {e}?)"))
}

// ---------------------------------------------------------------------------------------------
// The value an error is about, in words

/// The value as written, shortened: `"four"`, `4.5`, `(…)`, `Spread(…)`.
fn found(index: &locate::Index<'_>, v: &locate::Value) -> String {
    let text = index.text(v.at, v.end);
    if v.is_group {
        return match text.find(['(', '[', '{']) {
            Some(i) => {
                let close = match &text[i..i + 1] {
                    "(" => ")",
                    "[" => "]",
                    _ => "}",
                };
                // A name before the bracket is cut as any value is (a 10,000-character name
                // must not come back whole).
                let name = if i == 0 {
                    String::new()
                } else {
                    shown::bare(&text[..i])
                };
                format!("{name}{}…{close}", &text[i..=i])
            }
            None => "…".to_string(),
        };
    }
    shown::bare(text)
}

/// The value's place in words: `desired_count of service "web"`,
/// `image of container "web" of task definition "web:1"`, `world.cluster`, `the scenario`.
fn what(index: &locate::Index<'_>, v: &locate::Value) -> String {
    let route = &v.route;
    let mut parts: Vec<String> = Vec::new();
    // Steps after the innermost named element found so far, innermost last.
    let mut rest: Vec<&locate::Step> = Vec::new();
    let mut named = false;
    let mut d = route.len();
    while d > 0 {
        d -= 1;
        if let locate::Step::Index(_) = route[d]
            && d > 0
            && let locate::Step::Field(list) = &route[d - 1]
            && let Some((noun, keys)) = item_noun(list)
            && let Some(names) = keys
                .iter()
                .map(|k| index.field_text(v, d, k))
                .collect::<Option<Vec<String>>>()
        {
            if !rest.is_empty() {
                rest.reverse();
                parts.push(steps(&rest));
                rest.clear();
            }
            parts.push(format!("{noun} {}", shown::quoted(&names.join(":"))));
            named = true;
            d -= 1;
        } else {
            rest.push(&route[d]);
        }
    }
    // Before the outermost named element, the path adds nothing: the name identifies it.
    if !named && !rest.is_empty() {
        rest.reverse();
        parts.push(steps(&rest));
    }
    if parts.is_empty() {
        "the scenario".to_string()
    } else {
        parts.join(" of ")
    }
}

/// `load_balancers[0].container_name`.
fn steps(steps: &[&locate::Step]) -> String {
    let mut out = String::new();
    for (i, s) in steps.iter().enumerate() {
        match s {
            locate::Step::Field(f) if i == 0 => out.push_str(f),
            s => out.push_str(&s.to_string()),
        }
    }
    out
}

/// What an element of a list is called in messages, and the fields that name it.
fn item_noun(list: &str) -> Option<(&'static str, &'static [&'static str])> {
    Some(match list {
        "services" => ("service", &["name"]),
        "task_definitions" => ("task definition", &["family", "revision"]),
        "containers" => ("container", &["name"]),
        "target_groups" => ("target group", &["name"]),
        "quizzes" => ("quiz", &["id"]),
        "node_groups" => ("node group", &["name"]),
        "fargate_profiles" => ("Fargate profile", &["name"]),
        "deployments" => ("Deployment", &["name"]),
        "images" => ("image", &["image"]),
        "instances" => ("instance group", &["name"]),
        "auto_scaling_groups" => ("Auto Scaling group", &["name"]),
        "step_scaling" => ("step scaling policy", &["name"]),
        _ => return None,
    })
}

/// The variants the enum at `v` takes: the file is parsed again with an unknown variant written
/// there, and ron's complaint about it lists them. Only on error, so the cost is one more parse.
fn variants_at(index: &locate::Index<'_>, v: &locate::Value) -> Option<&'static [&'static str]> {
    let probe = format!(
        "{}OrcaNoSuchVariant{}",
        index.text(0, v.at),
        index.text(v.end, usize::MAX)
    );
    match ron_options().from_str::<Scenario>(&probe) {
        Err(ron::error::SpannedError {
            code: ron::Error::NoSuchEnumVariant {
                expected, found, ..
            },
            ..
        }) if found == "OrcaNoSuchVariant" => Some(expected),
        _ => None,
    }
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

// ---------------------------------------------------------------------------------------------
// Examples of valid values

/// An example value for each field that has no default, by struct (as serde names it).
fn field_example(outer: Option<&str>, field: &str) -> Option<&'static str> {
    Some(match (outer?, field) {
        ("Scenario", "version") => "1",
        ("Scenario", "title") => "\"Rolling update\"",
        ("Scenario", "world") => {
            "Ecs(cluster: (name: \"demo\"), task_definitions: [], services: [])"
        }
        ("EcsWorld" | "EksWorld", "cluster") => "(name: \"demo\")",
        ("EcsWorld", "task_definitions") => {
            "[(family: \"web\", revision: 1, containers: [(name: \"web\", image: \"web:1\")])]"
        }
        ("EcsWorld", "services") => {
            "[(name: \"web\", task_definition: \"web:1\", desired_count: 2)]"
        }
        ("EksWorld", "deployments") => {
            "[(name: \"web\", container: (name: \"web\", image: \"web:1\"))]"
        }
        ("FargateProfileSpec", "name") => "\"default\"",
        ("FargateProfileSpec", "deployments") => "[\"web\"]",
        ("NodeGroupSpec", "name") => "\"workers\"",
        ("K8sDeploymentSpec" | "K8sContainerSpec" | "K8sServiceSpec" | "ContainerSpec", "name") => {
            "\"web\""
        }
        ("K8sDeploymentSpec", "container") => "(name: \"web\", image: \"web:1\")",
        ("HpaSpec", "max_replicas") => "10",
        ("LoadSpec", "rps_per_pod") => "100",
        ("LoadSpec", "points") => "[(0, 50), (300, 400)]",
        ("MemoryLoadSpec", "idle_percent") => "20",
        ("MemoryLoadSpec", "percent_at_rps_per_pod") => "60",
        ("K8sContainerSpec" | "ImageSpec" | "ContainerSpec", "image") => "\"web:1\"",
        ("ClusterSpec", "name") => "\"demo\"",
        ("AutoScalingGroupSpec", "name") => "\"asg-api\"",
        ("AutoScalingGroupSpec", "capacity_provider") => "\"cp-api\"",
        ("AutoScalingGroupSpec" | "InstanceGroupSpec" | "NodeGroupSpec", "instance_type") => {
            "\"m5.large\""
        }
        ("AutoScalingGroupSpec", "max_size") => "4",
        ("AutoScalingGroupSpec", "desired_capacity") => "2",
        ("InstanceGroupSpec", "name") => "\"ecs-node\"",
        ("TaskDefinitionSpec", "family") => "\"web\"",
        ("TaskDefinitionSpec", "revision") => "1",
        ("TaskDefinitionSpec", "containers") => "[(name: \"web\", image: \"web:1\", port: 80)]",
        ("HealthCheckSpec", "command") => {
            "[\"CMD-SHELL\", \"curl -f http://localhost/health || exit 1\"]"
        }
        ("TargetGroupSpec", "name") => "\"web-tg\"",
        ("ServiceSpec", "name") => "\"web\"",
        ("ServiceSpec", "task_definition") => "\"web:1\"",
        ("ServiceSpec", "desired_count") => "2",
        ("CapacityProviderItem", "capacity_provider") => "Fargate",
        ("ServiceAutoScalingSpec", "min_capacity") => "1",
        ("ServiceAutoScalingSpec", "max_capacity") => "10",
        ("StepScalingPolicySpec", "name") => "\"cpu-out\"",
        ("StepScalingPolicySpec", "alarm") => {
            "(name: \"cpu-high\", metric: CPUUtilization, evaluation_periods: 3, threshold: 70, comparison_operator: GreaterThanOrEqualToThreshold)"
        }
        ("StepScalingPolicySpec", "adjustment_type") => "ChangeInCapacity",
        ("StepScalingPolicySpec", "step_adjustments") => {
            "[(lower_bound: 0, scaling_adjustment: 1)]"
        }
        ("MetricAlarmSpec", "name") => "\"cpu-high\"",
        ("MetricAlarmSpec", "metric") => "CPUUtilization",
        ("MetricAlarmSpec", "evaluation_periods") => "3",
        ("MetricAlarmSpec", "threshold") => "70",
        ("MetricAlarmSpec", "comparison_operator") => "GreaterThanOrEqualToThreshold",
        ("StepAdjustmentSpec", "scaling_adjustment") => "1",
        ("LoadBalancerSpec", "target_group") => "\"web-tg\"",
        ("LoadBalancerSpec", "container_name") => "\"web\"",
        ("LoadBalancerSpec", "container_port") => "80",
        ("TimelineEntry", "at") => "30",
        ("TimelineEntry", "action") => "Note(\"…\")",
        ("Quiz", "question") => "\"How many tasks run now?\"",
        ("Quiz", "choices") => "[\"2\", \"4\"]",
        ("Quiz", "correct") => "[0]",
        ("Quiz", "explanation") => "\"…\"",
        ("Quiz", "trigger") => "At(60)",
        _ => return None,
    })
}

/// A group of `name`'s required fields, to show what a struct written as a bare value should be.
fn group_example(name: &str) -> Option<String> {
    Some(match name {
        "ClusterSpec" => "(name: \"demo\")".to_string(),
        "ServiceSpec" => {
            "(name: \"web\", task_definition: \"web:1\", desired_count: 2)".to_string()
        }
        "ContainerSpec" | "K8sContainerSpec" => "(name: \"web\", image: \"web:1\")".to_string(),
        "LoadBalancerSpec" => {
            "(target_group: \"web-tg\", container_name: \"web\", container_port: 80)".to_string()
        }
        "TargetGroupSpec" => "(name: \"web-tg\")".to_string(),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scenario_shown_for_an_empty_file_is_valid() {
        assert!(crate::scenario::parse("smallest.ron", SMALLEST_SCENARIO).is_ok());
    }

    #[test]
    fn typos_and_case_suggest_the_intended_name() {
        let fields = &["name", "task_definition", "desired_count", "launch_type"];
        assert_eq!(closest("desird_count", fields), Some("desired_count"));
        assert_eq!(closest("launchtype", fields), Some("launch_type"));
        assert_eq!(closest("DesiredCount", fields), Some("desired_count"));
        assert_eq!(closest("color", fields), None);
        assert_eq!(closest("FARGATE", &["Fargate", "Ec2"]), Some("Fargate"));
        assert_eq!(closest("EC2", &["Fargate", "Ec2"]), Some("Ec2"));
    }
}
