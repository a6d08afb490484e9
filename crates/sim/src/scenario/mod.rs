//! The scenario file format (RON) and its validation.
//!
//! [`parse`] turns the text of a scenario file into a [`Scenario`] that the engine can run
//! without further checks, or into errors that each name `file:line:column`, quote the value and
//! say what would be valid. It never panics and does no I/O: callers read the file.

pub mod locate;
pub mod spec;
mod validate;

use std::fmt;

use ron::extensions::Extensions;

pub use spec::Scenario;

/// Scenario files larger than this are refused before parsing.
pub const MAX_FILE_BYTES: usize = 1024 * 1024;

/// One problem in a scenario file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioError {
    pub file: String,
    /// 1-based.
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
    pub message: String,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.column, self.message
        )
    }
}

/// Every problem found in a scenario file, in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioErrors(pub Vec<ScenarioError>);

impl fmt::Display for ScenarioErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ScenarioErrors {}

/// The RON options scenario files are read with: `Some(..)` may be left out around optional
/// values, and an enum variant's fields may be written directly inside its parentheses
/// (`Ecs(cluster: ...)` as well as `Ecs((cluster: ...))`).
pub fn ron_options() -> ron::Options {
    ron::Options::default()
        .with_default_extension(Extensions::IMPLICIT_SOME | Extensions::UNWRAP_VARIANT_NEWTYPES)
}

/// Parse and validate the text of a scenario file. `file` is only used in messages.
pub fn parse(file: &str, src: &str) -> Result<Scenario, ScenarioErrors> {
    let err = |line, column, message: String| {
        ScenarioErrors(vec![ScenarioError {
            file: file.to_string(),
            line,
            column,
            message,
        }])
    };
    if src.len() > MAX_FILE_BYTES {
        return Err(err(
            1,
            1,
            format!(
                "the file is {:.1} MiB; scenario files are limited to {} MiB",
                src.len() as f64 / (1024.0 * 1024.0),
                MAX_FILE_BYTES / (1024 * 1024)
            ),
        ));
    }
    let scenario: Scenario = ron_options().from_str(src).map_err(|e| {
        let (at, message) = describe_ron_error(src, &e);
        err(at.line, at.column, message)
    })?;
    let problems = validate::validate(&scenario);
    if problems.is_empty() {
        return Ok(scenario);
    }
    // One index for all problems: locating is then a walk down the tree per problem, not a
    // pass over the whole text.
    let index = locate::Index::new(src);
    let mut errors: Vec<ScenarioError> = problems
        .into_iter()
        .map(|(path, message)| {
            let at = index.locate(&path);
            ScenarioError {
                file: file.to_string(),
                line: at.at.line,
                column: at.at.column,
                message,
            }
        })
        .collect();
    errors.sort_by(|a, b| (a.line, a.column, &a.message).cmp(&(b.line, b.column, &b.message)));
    errors.dedup();
    Err(ScenarioErrors(errors))
}

/// Where a RON error is and what it means, in the reader's terms: the field it is about
/// (`desired_count of service "web"`), the value found there, and what would be valid. ron's
/// span often starts at the whitespace before a value, or at the end of the struct for a missing
/// field; the index of the file finds the value or struct it is about.
fn describe_ron_error(src: &str, e: &ron::error::SpannedError) -> (locate::Location, String) {
    let index = locate::Index::new(src);
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
            validate::describe_ron_error(&e.code),
        ),
    }
}

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
            return Some((
                v.at,
                format!(
                    "{}: {} is out of range; counts, sizes and ports cannot be negative, ports go up to 65535 and other whole numbers up to 4294967295",
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
                    "{}: expected {expected}, found {}",
                    what(index, &v),
                    found(index, &v)
                ),
            ));
        }
        E::ExpectedDifferentLength { expected, found } => {
            let v = value()?;
            return Some((
                v.at,
                format!(
                    "{}: expected {expected}, found {found} element(s)",
                    what(index, &v)
                ),
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
                format!(
                    "{}: {}",
                    what(index, &v),
                    validate::describe_ron_error(code)
                ),
            ));
        }
        E::NoSuchStructField { .. } | E::DuplicateStructField { .. } => {
            let g = index.group_at(start)?;
            return Some((
                start,
                format!(
                    "{}: {}",
                    what(index, &g),
                    validate::describe_ron_error(code)
                ),
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
        Want::Number => match unquoted.filter(|s| s.parse::<f64>().is_ok()) {
            Some(value) => format!(
                "{what}: expected a number, found {found}; write it without quotes, e.g. {}",
                eg(&value)
            ),
            None => format!(
                "{what}: expected a number, found {found}; e.g. {} or {}",
                eg("30"),
                eg("2.5")
            ),
        },
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
            let value = if v.is_group {
                "\"web\"".to_string()
            } else {
                format!("{:?}", index.text(v.at, v.end))
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
                format!("{}…{close}", &text[..=i])
            }
            None => "…".to_string(),
        };
    }
    const MAX: usize = 40;
    match text.char_indices().nth(MAX) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
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
            parts.push(format!("{noun} \"{}\"", names.join(":")));
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
