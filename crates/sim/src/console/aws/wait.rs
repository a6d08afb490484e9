//! `aws ecs wait services-stable | tasks-running | tasks-stopped`. The CLI's waiters poll an
//! operation and test its response with JMESPath acceptors (botocore's ECS `waiters-2.json`;
//! AWS CLI Command Reference, `aws ecs wait`): success prints nothing, a failure acceptor ends
//! the wait with `Waiter … failed: Waiter encountered a terminal failure state`. A waiter not met
//! at once keeps asking as the run plays (`console::watch`), and after its last attempt fails
//! with `Max attempts exceeded`.

use serde_json::Value;

use super::jmespath::Query;
use super::{EcsContext, USAGE, describe_services, describe_tasks, two_columns};
use crate::console::Outcome;

/// The waiters Orca carries out.
pub const WAITERS: &[&str] = &["services-stable", "tasks-running", "tasks-stopped"];

enum Matcher {
    /// The expression equals the expected value.
    Path,
    /// Some element of the expression's list equals it.
    PathAny,
    /// Every element does (and there is at least one).
    PathAll,
}

struct Acceptor {
    success: bool,
    matcher: Matcher,
    argument: &'static str,
    expected: Value,
}

struct Waiter {
    name: &'static str,
    /// Seconds between polls, and how many.
    delay: u32,
    attempts: u32,
    acceptors: Vec<Acceptor>,
}

fn waiter(name: &str) -> Option<Waiter> {
    let fail = |matcher, argument, expected: &str| Acceptor {
        success: false,
        matcher,
        argument,
        expected: Value::String(expected.into()),
    };
    Some(match name {
        "services-stable" => Waiter {
            name: "ServicesStable",
            delay: 15,
            attempts: 40,
            acceptors: vec![
                fail(Matcher::PathAny, "failures[].reason", "MISSING"),
                fail(Matcher::PathAny, "services[].status", "DRAINING"),
                fail(Matcher::PathAny, "services[].status", "INACTIVE"),
                Acceptor {
                    success: true,
                    matcher: Matcher::Path,
                    argument: "length(services[?!(length(deployments) == `1` && runningCount == desiredCount)]) == `0`",
                    expected: Value::Bool(true),
                },
            ],
        },
        "tasks-running" => Waiter {
            name: "TasksRunning",
            delay: 6,
            attempts: 100,
            acceptors: vec![
                fail(Matcher::PathAny, "tasks[].lastStatus", "STOPPED"),
                fail(Matcher::PathAny, "failures[].reason", "MISSING"),
                Acceptor {
                    success: true,
                    matcher: Matcher::PathAll,
                    argument: "tasks[].lastStatus",
                    expected: Value::String("RUNNING".into()),
                },
            ],
        },
        "tasks-stopped" => Waiter {
            name: "TasksStopped",
            delay: 6,
            attempts: 100,
            acceptors: vec![Acceptor {
                success: true,
                matcher: Matcher::PathAll,
                argument: "tasks[].lastStatus",
                expected: Value::String("STOPPED".into()),
            }],
        },
        _ => return None,
    })
}

fn matched(a: &Acceptor, response: &Value) -> bool {
    let Ok(found) = Query::compile(a.argument).and_then(|q| q.search(response)) else {
        return false;
    };
    match a.matcher {
        Matcher::Path => found == a.expected,
        Matcher::PathAny => found.as_array().is_some_and(|xs| xs.contains(&a.expected)),
        Matcher::PathAll => found
            .as_array()
            .is_some_and(|xs| !xs.is_empty() && xs.iter().all(|x| *x == a.expected)),
    }
}

/// `aws ecs wait WAITER …`.
pub fn run(cx: &EcsContext, words: &[String]) -> Outcome {
    let Some((name, rest)) = words.split_first() else {
        return Outcome::Fail(format!(
            "{USAGE}\naws: error: the following arguments are required: wait_name\n"
        ));
    };
    let Some(w) = waiter(name) else {
        return Outcome::Fail(format!(
            "{USAGE}\naws: error: argument wait_name: Invalid choice, valid choices are:\n\n{}\n\n(the ECS waiters Orca simulates; the real CLI also has services-inactive)\n",
            two_columns(WAITERS)
        ));
    };
    let polled = if name == "services-stable" {
        describe_services(cx, rest)
    } else {
        describe_tasks(cx, rest)
    };
    let printed = match polled {
        Outcome::Print(p) => p,
        other => return other,
    };
    let Ok(response) = serde_json::from_str::<Value>(&printed) else {
        return Outcome::Print(printed);
    };
    for a in &w.acceptors {
        if !matched(a, &response) {
            continue;
        }
        if a.success {
            return Outcome::Print(String::new());
        }
        return Outcome::Fail(format!(
            "\nWaiter {} failed: Waiter encountered a terminal failure state: For expression \"{}\" we matched expected path: \"{}\" at least once\n",
            w.name,
            a.argument,
            a.expected.as_str().unwrap_or_default()
        ));
    }
    // Not met yet: the CLI asks again every `delay` seconds (`console::watch`).
    Outcome::Watch {
        first: String::new(),
        watch: crate::console::watch::Watch::waiter(w.name, w.delay, w.attempts),
    }
}
