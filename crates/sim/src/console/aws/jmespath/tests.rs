//! The JMESPath evaluator against the specification's examples and a learner's queries.
use super::*;
use serde_json::json;

fn q(expr: &str, data: &Value) -> Value {
    Query::compile(expr)
        .unwrap_or_else(|e| panic!("{expr}: {e}"))
        .search(data)
        .unwrap_or_else(|e| panic!("{expr}: {e}"))
}

// The examples of the JMESPath specification and tutorial (jmespath.org).
#[test]
fn the_specifications_examples() {
    let d = json!({"a": {"b": {"c": {"d": "value"}}}});
    assert_eq!(q("a.b.c.d", &d), json!("value"));
    let d = json!(["a", "b", "c", "d", "e", "f"]);
    assert_eq!(q("[1]", &d), json!("b"));
    assert_eq!(q("[-1]", &d), json!("f"));
    assert_eq!(q("[0:3]", &d), json!(["a", "b", "c"]));
    assert_eq!(q("[::2]", &d), json!(["a", "c", "e"]));
    assert_eq!(q("[::-1]", &d), json!(["f", "e", "d", "c", "b", "a"]));
    assert_eq!(q("[5:1:-2]", &d), json!(["f", "d"]));
    assert_eq!(q("[10]", &d), Value::Null);
    let d = json!({"people": [{"first": "James", "last": "d"}, {"first": "Jacob", "last": "e"}, {"first": "Jayden", "last": "f"}, {"missing": "different"}], "foo": {"bar": "baz"}});
    assert_eq!(
        q("people[*].first", &d),
        json!(["James", "Jacob", "Jayden"])
    );
    assert_eq!(q("people[:2].first", &d), json!(["James", "Jacob"]));
    let d = json!({"ops": {"functionA": {"numArgs": 2}, "functionB": {"numArgs": 3}, "functionC": {"variadic": true}}});
    assert_eq!(q("ops.*.numArgs", &d), json!([2, 3]));
    let d = json!({"reservations": [{"instances": [{"state": "running"}, {"state": "stopped"}]}, {"instances": [{"state": "terminated"}, {"state": "running"}]}]});
    assert_eq!(
        q("reservations[*].instances[*].state", &d),
        json!([["running", "stopped"], ["terminated", "running"]])
    );
    assert_eq!(
        q("reservations[].instances[].state", &d),
        json!(["running", "stopped", "terminated", "running"])
    );
    let d = json!([[0, 1], 2, [3], 4, [5, [6, 7]]]);
    assert_eq!(q("[]", &d), json!([0, 1, 2, 3, 4, 5, [6, 7]]));
    let d = json!({"machines": [{"name": "a", "state": "running"}, {"name": "b", "state": "stopped"}, {"name": "c", "state": "running"}]});
    assert_eq!(q("machines[?state=='running'].name", &d), json!(["a", "c"]));
    let d = json!({"people": [{"name": "a", "state": {"name": "up"}}, {"name": "b", "state": {"name": "down"}}]});
    assert_eq!(
        q("people[].{Name: name, State: state.name}", &d),
        json!([{"Name": "a", "State": "up"}, {"Name": "b", "State": "down"}])
    );
    assert_eq!(
        q("people[].[name, state.name]", &d),
        json!([["a", "up"], ["b", "down"]])
    );
    let d = json!({"foo": {"bar": {"baz": [0, 1, 2, 3, 4]}}});
    assert_eq!(q("foo.bar.baz[2]", &d), json!(2));
    let d =
        json!({"foo": [{"bar": [{"baz": "one"}, {"baz": "two"}]}, {"bar": [{"baz": "three"}]}]});
    assert_eq!(q("foo[*].bar[*].baz | [0]", &d), json!(["one", "two"]));
    assert_eq!(q("foo[].bar[].baz", &d), json!(["one", "two", "three"]));
}

#[test]
fn comparisons_truthiness_and_logic() {
    let d = json!({"a": 1, "b": 1.0, "t": true, "e": "", "z": 0, "l": [1, 2]});
    assert_eq!(q("a == b", &d), json!(true), "numbers compare by value");
    assert_eq!(q("t == `1`", &d), json!(false), "booleans are not numbers");
    assert_eq!(q("a < `2`", &d), json!(true));
    assert_eq!(q("e < `2`", &d), Value::Null, "ordering needs numbers");
    assert_eq!(q("e || 'x'", &d), json!("x"), "an empty string is falsy");
    assert_eq!(q("z || 'x'", &d), json!(0), "zero is truthy");
    assert_eq!(q("!e", &d), json!(true));
    assert_eq!(q("t && l", &d), json!([1, 2]));
    assert_eq!(q("l == `[1, 2]`", &d), json!(true));
    // A literal that is not JSON is a string (jmespath.py, as the AWS CLI's examples use).
    assert_eq!(q("`running` == 'running'", &d), json!(true));
    assert!(
        Query::compile("'it''s'").is_err(),
        "two raw strings side by side"
    );
    assert_eq!(q(r"'it\'s'", &json!(null)), json!("it's"));
    assert_eq!(q("\"with space\"", &json!({"with space": 5})), json!(5));
}

#[test]
fn functions() {
    let d = json!({"xs": [3, 1, 2], "ss": ["b", "a"], "people": [{"n": "x", "age": 30}, {"n": "y", "age": 20}], "o": {"k": 1, "j": 2}});
    assert_eq!(q("length(xs)", &d), json!(3));
    assert_eq!(q("sort(xs)", &d), json!([1, 2, 3]));
    assert_eq!(q("sort(ss)", &d), json!(["a", "b"]));
    assert_eq!(q("max(xs)", &d), json!(3));
    assert_eq!(q("min(ss)", &d), json!("a"));
    assert_eq!(q("sum(xs)", &d), json!(6));
    assert_eq!(q("avg(xs)", &d), json!(2.0));
    assert_eq!(q("sort_by(people, &age)[].n", &d), json!(["y", "x"]));
    assert_eq!(q("max_by(people, &age).n", &d), json!("x"));
    assert_eq!(q("min_by(people, &age).n", &d), json!("y"));
    assert_eq!(q("map(&n, people)", &d), json!(["x", "y"]));
    assert_eq!(
        q("keys(o)", &d),
        json!(["k", "j"]),
        "objects keep their order"
    );
    assert_eq!(q("values(o)", &d), json!([1, 2]));
    assert_eq!(q("join(', ', ss)", &d), json!("b, a"));
    assert_eq!(q("contains(ss, 'a')", &d), json!(true));
    assert_eq!(q("starts_with('ecs-svc/1', 'ecs-svc/')", &d), json!(true));
    assert_eq!(q("reverse(xs)", &d), json!([2, 1, 3]));
    assert_eq!(q("to_string(xs)", &d), json!("[3,1,2]"));
    assert_eq!(q("to_number('42')", &d), json!(42));
    assert_eq!(q("type(o)", &d), json!("object"));
    assert_eq!(q("not_null(missing, xs[0])", &d), json!(3));
    assert_eq!(q("length(people[?age > `25`])", &d), json!(1));
    let e = Query::compile("length(`5`)")
        .and_then(|x| x.search(&d))
        .expect_err("length of a number");
    assert!(e.contains("invalid type for value: 5"), "{e}");
    let e = Query::compile("nope(xs)")
        .and_then(|x| x.search(&d))
        .expect_err("unknown");
    assert_eq!(e, "Unknown function: nope()");
}

#[test]
fn errors_name_the_column_and_never_panic() {
    let e = Query::compile("services[0").expect_err("unclosed");
    assert!(e.contains("Parse error at column 10"), "{e}");
    assert!(e.contains("\"services[0\""), "{e}");
    for bad in [
        "", "[", "]", "a.", "a[", "a[?", "{", "{a", "{a:", "a |", "(", "a(", "`", "'", "\"",
        "a[1:2:0]", "a = b", "a[?b==]", "&", "!", "a..b", "[:::]", "a[*", "@@",
    ] {
        assert!(Query::compile(bad).is_err(), "{bad:?} should not compile");
    }
    let deep = "(".repeat(200) + "a" + &")".repeat(200);
    assert!(Query::compile(&deep).is_err(), "nesting is bounded");
}

proptest::proptest! {
    // Whatever a learner types compiles or is refused, and a compiled query evaluates or
    // reports an error: never a panic.
    #[test]
    fn any_text_compiles_or_is_refused(text in "[a-z0-9\\[\\]{}()*@.|&!=<>?:,'`\" -]{0,24}") {
        if let Ok(query) = Query::compile(&text) {
            let data = json!({"a": [1, {"b": [2, 3]}, "c"], "b": {"c": true}, "c": null});
            let _ = query.search(&data);
        }
    }
}

#[test]
fn huge_slice_steps_and_indices_stay_in_bounds() {
    let d = json!([0, 1, 2]);
    assert_eq!(q("[1::9223372036854775807]", &d), json!([1]));
    assert_eq!(q("[::-9223372036854775807]", &d), json!([2]));
    assert_eq!(q("[-9223372036854775807]", &d), Value::Null);
}

#[test]
fn an_ecs_query_a_learner_types() {
    let d = json!({"services": [{"serviceName": "web", "deployments": [
        {"id": "ecs-svc/1", "status": "PRIMARY", "runningCount": 2},
        {"id": "ecs-svc/2", "status": "ACTIVE", "runningCount": 4}],
        "events": [{"message": "m1"}, {"message": "m2"}, {"message": "m3"}]}]});
    assert_eq!(
        q(
            "services[0].deployments[?status=='PRIMARY'].runningCount | [0]",
            &d
        ),
        json!(2)
    );
    assert_eq!(q("services[0].events[:2].message", &d), json!(["m1", "m2"]));
    assert_eq!(
        q("services[].deployments[].[status, runningCount]", &d),
        json!([["PRIMARY", 2], ["ACTIVE", 4]])
    );
}
