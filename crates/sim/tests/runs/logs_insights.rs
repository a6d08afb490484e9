//! CloudWatch Logs Insights in the console: `aws logs start-query` runs a query over the log
//! groups Orca models and answers with its id, `get-query-results` reads what it found in the
//! API's shape, `describe-queries` lists the session's queries, and wrong input gets the
//! service's and the CLI's answers. A command script keeps its queries as the app's console
//! does.

use std::sync::Arc;

use crate::common;
use crate::say::{act, no_files};
use orca_sim::console::script::Script;
use orca_sim::console::{self, Context, Outcome, QueryBook, commands};
use orca_sim::{Playback, SimTime};
use serde_json::Value;

const START: u64 = 1_767_603_600;

fn at(name: &str, secs: u64) -> Playback {
    let mut p = Playback::new(common::built_in_named(name));
    p.seek(SimTime::from_secs(secs));
    p
}

/// `eks-guardduty-audit` with the control plane's audit log sent to CloudWatch Logs from
/// `secs` on.
fn audit_logged_from(secs: u64) -> Playback {
    let mut p = at("eks-guardduty-audit", secs);
    act(
        &mut p,
        r#"aws eks update-cluster-config --name prod --logging '{"clusterLogging":[{"types":["audit"],"enabled":true}]}'"#,
    );
    p
}

fn run(p: &Playback, book: &QueryBook, line: &str) -> Outcome {
    let cx = Context::at(p, &no_files).with_queries(book);
    console::execute(line, &cx)
}

fn json(p: &Playback, book: &QueryBook, line: &str) -> Value {
    match run(p, book, line) {
        Outcome::Print(s) => serde_json::from_str(&s).unwrap_or_else(|e| panic!("`{line}`: {e}")),
        other => panic!("`{line}` did not print: {other:?}"),
    }
}

fn fails(p: &Playback, book: &QueryBook, line: &str) -> String {
    match run(p, book, line) {
        Outcome::Fail(s) => s,
        other => panic!("`{line}` did not fail: {other:?}"),
    }
}

/// Start `query` over `group` from the run's start to now, and read its results.
fn query(p: &Playback, book: &QueryBook, group: &str, query: &str) -> Value {
    let end = START + p.now().secs() + 1;
    let started = json(
        p,
        book,
        &format!(
            "aws logs start-query --log-group-name {group} --start-time {START} --end-time {end} --query-string '{query}'"
        ),
    );
    let id = started["queryId"].as_str().expect("a queryId");
    json(
        p,
        book,
        &format!("aws logs get-query-results --query-id {id}"),
    )
}

/// Each result row as (field, value) pairs.
fn rows(v: &Value) -> Vec<Vec<(String, String)>> {
    v["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|row| {
            row.as_array()
                .expect("a row")
                .iter()
                .map(|c| {
                    let s = |k: &str| c[k].as_str().expect("a string").to_string();
                    (s("field"), s("value"))
                })
                .collect()
        })
        .collect()
}

fn value<'a>(row: &'a [(String, String)], field: &str) -> &'a str {
    row.iter()
        .find(|(f, _)| f == field)
        .map_or("", |(_, v)| v.as_str())
}

#[test]
fn a_query_reads_the_groups_events_in_the_apis_shape() {
    let p = at("ecs-log-router-sidecar", 280);
    let book = QueryBook::default();
    let v = query(
        &p,
        &book,
        "/ecs/web",
        "fields @timestamp, @message, @logStream | sort @timestamp desc | limit 3",
    );
    assert_eq!(v["status"], "Complete");
    assert_eq!(v["queryLanguage"], "CWLI");
    let rows = rows(&v);
    assert_eq!(rows.len(), 3);
    for r in &rows {
        let fields: Vec<&str> = r.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(fields, ["@timestamp", "@message", "@logStream", "@ptr"]);
        // `2026-01-05 09:04:30.010`: UTC, a space, milliseconds.
        let t = value(r, "@timestamp");
        assert!(
            t.len() == 23 && t.starts_with("2026-01-05 09:") && &t[19..20] == ".",
            "{t}"
        );
        assert!(value(r, "@logStream").starts_with("web-web-firelens-"));
    }
    assert!(value(&rows[0], "@timestamp") >= value(&rows[1], "@timestamp"));
    // The statistics are doubles, as the API gives them.
    let stats = &v["statistics"];
    let scanned = stats["recordsScanned"].as_f64().expect("a number");
    assert!(stats["recordsScanned"].is_f64() && scanned > 3.0, "{stats}");
    assert_eq!(stats["recordsMatched"].as_f64(), Some(scanned));
    assert!(stats["bytesScanned"].as_f64().is_some_and(|b| b > scanned));
}

#[test]
fn a_query_counts_what_filter_log_events_finds() {
    let p = at("ecs-log-router-sidecar", 280);
    let book = QueryBook::default();
    let found = json(
        &p,
        &book,
        "aws logs filter-log-events --log-group-name /ecs/web --filter-pattern GET",
    );
    let n = found["events"].as_array().expect("events").len();
    assert!(n > 0);
    let v = query(
        &p,
        &book,
        "/ecs/web",
        r#"filter @message like "GET" | stats count(*) as n"#,
    );
    assert_eq!(rows(&v), [vec![("n".to_string(), n.to_string())]]);
    assert_eq!(v["statistics"]["recordsMatched"].as_f64(), Some(n as f64));
    // Per stream, most first: the counts add up to the same number.
    let v = query(
        &p,
        &book,
        "/ecs/web",
        "filter @message like /GET/ | stats count(*) as n by @logStream | sort n desc",
    );
    let per_stream: usize = rows(&v)
        .iter()
        .map(|r| value(r, "n").parse::<usize>().expect("a count"))
        .sum();
    assert_eq!(per_stream, n);
    assert!(
        rows(&v).iter().all(|r| !r.iter().any(|(f, _)| f == "@ptr")),
        "stats rows have no @ptr"
    );
}

#[test]
fn the_time_range_takes_whole_seconds_and_includes_both_ends() {
    let p = at("ecs-log-router-sidecar", 280);
    let book = QueryBook::default();
    let all = query(
        &p,
        &book,
        "/ecs/web",
        "stats count(*) as n by bin(1m) as minute | sort minute",
    );
    let first = rows(&all)[0].clone();
    assert_eq!(value(&first, "minute"), "2026-01-05 09:00:00.000");
    let end = START + 59;
    let v = json(
        &p,
        &book,
        &format!(
            "aws logs start-query --log-group-name /ecs/web --start-time {START} --end-time {end} --query-string 'stats count(*) as n'"
        ),
    );
    let id = v["queryId"].as_str().expect("id");
    let first_minute = json(
        &p,
        &book,
        &format!("aws logs get-query-results --query-id {id}"),
    );
    assert_eq!(value(&rows(&first_minute)[0], "n"), value(&first, "n"));
}

#[test]
fn the_audit_log_answers_who_did_what() {
    let mut p = audit_logged_from(30);
    p.seek(SimTime::from_secs(200));
    let book = QueryBook::default();
    // The exec at 1:00, found by the fields CloudWatch Logs discovers in the JSON event.
    let v = query(
        &p,
        &book,
        "/aws/eks/prod/cluster",
        "fields @timestamp, user.username, objectRef.namespace, objectRef.name | filter @logStream like /^kube-apiserver-audit/ and objectRef.subresource = \"exec\"",
    );
    let found = rows(&v);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(value(&found[0], "objectRef.namespace"), "kube-system");
    assert!(
        value(&found[0], "objectRef.name").starts_with("coredns-"),
        "{found:?}"
    );
    assert!(!value(&found[0], "user.username").is_empty());
    // Calls by verb: each count is what a JSON filter pattern finds.
    let v = query(
        &p,
        &book,
        "/aws/eks/prod/cluster",
        "stats count(*) as calls by verb | sort calls desc, verb",
    );
    let by_verb = rows(&v);
    assert!(!by_verb.is_empty());
    for r in &by_verb {
        let verb = value(r, "verb");
        let events = json(
            &p,
            &book,
            &format!(
                "aws logs filter-log-events --log-group-name /aws/eks/prod/cluster --filter-pattern '{{ $.verb = \"{verb}\" }}'"
            ),
        );
        let n = events["events"].as_array().expect("events").len();
        assert_eq!(value(r, "calls"), n.to_string(), "{verb}");
    }
}

#[test]
fn wrong_input_gets_the_services_and_the_clis_answers() {
    let p = at("ecs-log-router-sidecar", 120);
    let book = QueryBook::default();
    let start = |rest: &str| format!("aws logs start-query {rest}");
    let e = fails(
        &p,
        &book,
        &start("--log-group-name /ecs/web --query-string 'fields @message'"),
    );
    assert!(
        e.contains("the following arguments are required: --start-time, --end-time"),
        "{e}"
    );
    let times = format!("--start-time {START} --end-time {}", START + 120);
    let e = fails(
        &p,
        &book,
        &start(&format!(
            "--log-group-name /ecs/nope {times} --query-string 'fields @message'"
        )),
    );
    assert!(e.contains("(ResourceNotFoundException) when calling the StartQuery operation: Log group '/ecs/nope' does not exist for account ID '"), "{e}");
    let e = fails(
        &p,
        &book,
        &start(&format!(
            "--log-group-name /ecs/web --log-group-names /ecs/web {times} --query-string 'fields @message'"
        )),
    );
    assert!(
        e.contains("(InvalidParameterException)") && e.contains("exactly one of"),
        "{e}"
    );
    let e = fails(
        &p,
        &book,
        &start(&format!(
            "--log-group-name /ecs/web {times} --query-string 'fields @message\n| filtr x'"
        )),
    );
    assert!(
        e.contains("(MalformedQueryException) when calling the StartQuery operation: unknown command 'filtr'")
            && e.contains("at line 2 and position 3"),
        "{e}"
    );
    let e = fails(
        &p,
        &book,
        &start(&format!(
            "--log-group-name /ecs/web {times} --query-string 'fields @message' --limit 0"
        )),
    );
    assert!(
        e.contains("Invalid value for parameter limit, value: 0, valid min value: 1"),
        "{e}"
    );
    let e = fails(
        &p,
        &book,
        &start(&format!(
            "--log-group-name /ecs/web --start-time {} --end-time {START} --query-string 'fields @message'",
            START + 60
        )),
    );
    assert!(e.contains("(InvalidParameterException)"), "{e}");
    let e = fails(
        &p,
        &book,
        &start(&format!(
            "--log-group-name /ecs/web --start-time soon --end-time {START} --query-string x"
        )),
    );
    assert!(
        e.contains("argument --start-time: invalid int value: 'soon'"),
        "{e}"
    );
    let e = fails(
        &p,
        &book,
        "aws logs get-query-results --query-id 00000000-0000-0000-0000-000000000000",
    );
    assert!(
        e.contains("(ResourceNotFoundException) when calling the GetQueryResults operation"),
        "{e}"
    );
    assert!(book.is_empty(), "no failed command started a query");
}

#[test]
fn the_session_lists_its_queries_and_a_finished_one_cannot_be_stopped() {
    let p = at("ecs-log-router-sidecar", 120);
    let book = QueryBook::default();
    let line = format!(
        "aws logs start-query --log-group-name /ecs/web --start-time {START} --end-time {} --query-string 'fields @message'",
        START + 120
    );
    let first = json(&p, &book, &line)["queryId"].clone();
    let second = json(&p, &book, &line)["queryId"].clone();
    assert_ne!(first, second, "each query has its own id");
    let id = first.as_str().expect("id");
    assert!(id.len() == 36 && id.matches('-').count() == 4, "{id}");
    // Another session, the same commands at the same moment: the same ids.
    let again = QueryBook::default();
    assert_eq!(json(&p, &again, &line)["queryId"], first);
    let listed = json(
        &p,
        &book,
        "aws logs describe-queries --log-group-name /ecs/web",
    );
    let queries = listed["queries"].as_array().expect("queries");
    assert_eq!(queries.len(), 2);
    assert_eq!(queries[0]["queryId"], second, "newest first");
    assert_eq!(queries[1]["status"], "Complete");
    assert_eq!(
        queries[1]["createTime"].as_u64(),
        Some((START + 120) * 1000)
    );
    assert_eq!(queries[1]["queryString"], "fields @message");
    let none = json(&p, &book, "aws logs describe-queries --status Running");
    assert_eq!(none["queries"], serde_json::json!([]));
    let e = fails(&p, &book, &format!("aws logs stop-query --query-id {id}"));
    assert!(
        e.contains("(InvalidParameterException) when calling the StopQuery operation")
            && e.contains("not running"),
        "{e}"
    );
    // Tab offers the session's ids and the epoch seconds the times take.
    let cx = Context::at(&p, &no_files).with_queries(&book);
    let tab = |line: &str| console::complete::complete(line, &cx).candidates;
    let mut ids = vec![
        id.to_string(),
        second.as_str().unwrap_or_default().to_string(),
    ];
    ids.sort();
    assert_eq!(tab("aws logs get-query-results --query-id "), ids);
    assert_eq!(
        tab("aws logs start-query --start-time "),
        [START.to_string()]
    );
    assert_eq!(
        tab("aws logs start-query --end-time "),
        [(START + 120).to_string()]
    );
}

#[test]
fn a_command_script_keeps_its_queries_between_commands() {
    let s: Arc<orca_sim::Scenario> = common::built_in_named("ecs-log-router-sidecar");
    let start = format!(
        "2:00 aws logs start-query --log-group-name /ecs/web --start-time {START} --end-time {} --query-string 'stats count(*) as n'\n",
        START + 120
    );
    let outputs = |src: &str| {
        let mut script = Script::new(s.clone(), commands::parse(src).expect("a valid file"));
        let mut out = Vec::new();
        while let Some((_, o)) = script.next_moment(&no_files) {
            out.extend(o);
        }
        out
    };
    let first = outputs(&start);
    let v: Value = serde_json::from_str(&first[0].output).expect("JSON");
    let id = v["queryId"].as_str().expect("id").to_string();
    // The same script gives the same id, so a later command can name it.
    let both = outputs(&format!(
        "{start}2:05 aws logs get-query-results --query-id {id}\n"
    ));
    assert!(!both[1].failed, "{}", both[1].output);
    let v: Value = serde_json::from_str(&both[1].output).expect("JSON");
    assert_eq!(v["status"], "Complete");
    assert!(
        v["results"][0][0]["value"]
            .as_str()
            .is_some_and(|n| n.parse::<u32>().is_ok_and(|n| n > 0))
    );
}

const PERFORMANCE: &str = "/aws/ecs/containerinsights/demo/performance";

#[test]
fn container_insights_writes_performance_events_that_match_its_metrics() {
    // Fargate, Container Insights on: the first sample at 1:00 creates the group.
    let book = QueryBook::default();
    let p = at("ecs-log-router-sidecar", 30);
    let groups = json(
        &p,
        &book,
        "aws logs describe-log-groups --log-group-name-prefix /aws/ecs",
    );
    assert_eq!(groups["logGroups"], serde_json::json!([]));
    let p = at("ecs-log-router-sidecar", 10 * 60);
    let groups = json(
        &p,
        &book,
        "aws logs describe-log-groups --log-group-name-prefix /aws/ecs",
    );
    let g = &groups["logGroups"][0];
    assert_eq!(g["logGroupName"], PERFORMANCE);
    assert_eq!(g["retentionInDays"], 1);
    let streams = json(
        &p,
        &book,
        &format!("aws logs describe-log-streams --log-group-name {PERFORMANCE}"),
    );
    let names: Vec<&str> = streams["logStreams"]
        .as_array()
        .expect("streams")
        .iter()
        .filter_map(|s| s["logStreamName"].as_str())
        .collect();
    assert!(
        names.contains(&"ClusterTelemetry-demo") && names.contains(&"ServiceTelemetry-web"),
        "{names:?}"
    );
    assert!(
        names.iter().any(|n| n.starts_with("FargateTelemetry-")),
        "{names:?}"
    );
    // Each minute's Task events add up to the service's CpuUtilized datapoint.
    let v = query(
        &p,
        &book,
        PERFORMANCE,
        r#"filter Type = "Task" and ServiceName = "web" | stats sum(CpuUtilized) as cpu, count(*) as tasks by bin(1m) as minute | sort minute"#,
    );
    let per_minute = rows(&v);
    let metric = json(
        &p,
        &book,
        &format!(
            "aws cloudwatch get-metric-statistics --namespace ECS/ContainerInsights --metric-name CpuUtilized --dimensions Name=ClusterName,Value=demo Name=ServiceName,Value=web --start-time {} --end-time {} --period 60 --statistics Sum",
            SimTime::ZERO.aws_cli(),
            SimTime::from_secs(600).aws_cli()
        ),
    );
    let points = metric["Datapoints"].as_array().expect("datapoints");
    assert_eq!(per_minute.len(), points.len());
    assert!(per_minute.len() >= 9);
    for (r, d) in per_minute.iter().zip(points) {
        let cpu: f64 = value(r, "cpu").parse().expect("a number");
        assert!(
            (cpu - d["Sum"].as_f64().expect("Sum")).abs() < 0.5,
            "{r:?} {d}"
        );
        let stamp = d["Timestamp"].as_str().expect("a time");
        assert_eq!(&stamp[..19], value(r, "minute")[..19].replace(' ', "T"));
    }
    // The Service events carry the counts `describe-services` shows.
    let v = query(
        &p,
        &book,
        PERFORMANCE,
        r#"filter Type = "Service" | sort @timestamp desc | limit 1 | fields DesiredTaskCount, RunningTaskCount, PendingTaskCount"#,
    );
    let last = &rows(&v)[0];
    let service = json(
        &p,
        &book,
        "aws ecs describe-services --cluster demo --services web",
    );
    let s = &service["services"][0];
    assert_eq!(
        value(last, "DesiredTaskCount"),
        s["desiredCount"].to_string()
    );
    assert_eq!(
        value(last, "RunningTaskCount"),
        s["runningCount"].to_string()
    );
    // The documented query (CloudWatch User Guide, Container Insights, "ECS task-level").
    let v = query(
        &p,
        &book,
        PERFORMANCE,
        "stats avg(CpuUtilized) as CPU, avg(MemoryUtilized) as Mem by TaskId, ContainerName | sort Mem, CPU desc",
    );
    let tasks = rows(&v);
    assert!(
        tasks
            .iter()
            .filter(|r| !value(r, "TaskId").is_empty())
            .count()
            >= 2,
        "{tasks:?}"
    );
}

#[test]
fn on_ec2_a_container_instance_writes_its_tasks_events_to_its_own_stream() {
    let src = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../scenarios/ecs-instance-draining.ron"),
    )
    .expect("the scenario file");
    let src = src.replacen(
        "cluster: (name: \"shop\",",
        "container_insights: true, cluster: (name: \"shop\",",
        1,
    );
    let mut p = Playback::new(common::parse(&src));
    p.seek(SimTime::from_secs(240));
    let book = QueryBook::default();
    let v = query(
        &p,
        &book,
        "/aws/ecs/containerinsights/shop/performance",
        r#"filter Type = "Task" | stats count(*) as events by @logStream, ContainerInstanceId, EC2InstanceId, LaunchType"#,
    );
    let found = rows(&v);
    assert!(found.len() >= 2, "{found:?}");
    let ecs = p.world().ecs.as_ref().expect("ECS");
    for r in &found {
        let id = value(r, "ContainerInstanceId");
        assert_eq!(value(r, "@logStream"), format!("AgentTelemetry-{id}"));
        let instance = ecs
            .instances
            .iter()
            .find(|i| i.id == id)
            .expect("a container instance");
        assert_eq!(value(r, "EC2InstanceId"), instance.ec2_instance_id.as_str());
        assert_eq!(value(r, "LaunchType"), "EC2");
    }
}

#[test]
fn on_eks_the_agent_writes_each_nodes_and_pods_minutes_to_the_nodes_stream() {
    let p = at("eks-memory-leak", 9 * 60);
    let book = QueryBook::default();
    let group = "/aws/containerinsights/demo/performance";
    let eks = p.world().eks.as_ref().expect("EKS");
    let streams = json(
        &p,
        &book,
        &format!("aws logs describe-log-streams --log-group-name {group}"),
    );
    let mut names: Vec<String> = streams["logStreams"]
        .as_array()
        .expect("streams")
        .iter()
        .filter_map(|s| s["logStreamName"].as_str().map(str::to_string))
        .collect();
    names.sort();
    let mut nodes: Vec<String> = eks.nodes.iter().map(|n| n.name.clone()).collect();
    nodes.sort();
    assert_eq!(names, nodes, "one stream per node, named after it");
    // The User Guide's sample query: each node's average is its metric's average.
    let v = query(
        &p,
        &book,
        group,
        "STATS avg(node_cpu_utilization) as avg_node_cpu_utilization by NodeName | SORT avg_node_cpu_utilization DESC",
    );
    let per_node = rows(&v);
    assert_eq!(per_node.len(), nodes.len());
    for r in &per_node {
        let node = value(r, "NodeName");
        let series = eks.insights.series(
            "node_cpu_utilization",
            &[("ClusterName", "demo"), ("NodeName", node)],
        );
        let avg = series.iter().map(|(_, v)| v).sum::<f64>() / series.len() as f64;
        let got: f64 = value(r, "avg_node_cpu_utilization")
            .parse()
            .expect("a number");
        assert!((got - avg).abs() < 1e-6, "{node}: {got} vs {avg}");
    }
    // The leak, minute by minute: the api pods' memory over their limit climbs until the kill
    // at 8:00, and the restarted container starts over lower.
    let v = query(
        &p,
        &book,
        group,
        r#"filter Type = "Pod" and PodName = "api" | stats max(pod_memory_utilization_over_pod_limit) as peak, max(pod_number_of_container_restarts) as restarts by bin(1m) as minute | sort minute"#,
    );
    let minutes = rows(&v);
    let peak = |i: usize| -> f64 { value(&minutes[i], "peak").parse().expect("a number") };
    assert!(minutes.len() >= 7, "{minutes:?}");
    assert!((1..6).all(|i| peak(i) > peak(i - 1)), "{minutes:?}");
    assert!(peak(6) > 90.0, "{minutes:?}");
    let last = minutes.len() - 1;
    assert!(
        peak(last) < peak(6) && value(&minutes[last], "restarts") == "1",
        "{minutes:?}"
    );
    // Only pods with a memory limit (Orca's: their request) have a value over it: CoreDNS and
    // api, not aws-node or kube-proxy, which request no memory.
    let v = query(
        &p,
        &book,
        group,
        r#"filter Type = "Pod" and ispresent(pod_memory_utilization_over_pod_limit) | stats count(*) as n by PodName | sort PodName"#,
    );
    let with_limit: Vec<String> = rows(&v)
        .iter()
        .map(|r| value(r, "PodName").to_string())
        .collect();
    assert_eq!(with_limit, ["api", "coredns"]);
    // A pod's event names its pod, namespace and node as the agent does.
    let v = query(
        &p,
        &book,
        group,
        r#"filter Type = "Pod" | fields kubernetes.pod_name, kubernetes.namespace_name, kubernetes.host, @logStream | limit 1"#,
    );
    let pod = &rows(&v)[0];
    assert!(value(pod, "kubernetes.pod_name").starts_with("api-"));
    assert_eq!(value(pod, "kubernetes.namespace_name"), "default");
    assert_eq!(value(pod, "kubernetes.host"), value(pod, "@logStream"));
}

#[test]
fn the_audit_log_says_who_created_a_pod_a_controller_or_a_person() {
    let mut p = audit_logged_from(30);
    act(&mut p, "kubectl scale deployment web --replicas=4");
    p.seek(SimTime::from_secs(90));
    let book = QueryBook::default();
    let group = "/aws/eks/prod/cluster";
    // Who asked the API server for what, about pods, since the log was on.
    let v = query(
        &p,
        &book,
        group,
        r#"filter objectRef.resource = "pods" or objectRef.resource = "replicasets" or objectRef.resource = "deployments" | stats count(*) as n by user.username, verb, objectRef.resource, objectRef.subresource | sort user.username, verb"#,
    );
    let seen: Vec<(String, String, String, String, String)> = rows(&v)
        .iter()
        .map(|r| {
            let f = |k: &str| value(r, k).to_string();
            (
                f("user.username"),
                f("verb"),
                f("objectRef.resource"),
                f("objectRef.subresource"),
                f("n"),
            )
        })
        .collect();
    let has = |user: &str, verb: &str, resource: &str, sub: &str, n: &str| {
        seen.iter().any(|s| {
            s == &(
                user.into(),
                verb.into(),
                resource.into(),
                sub.into(),
                n.into(),
            )
        })
    };
    // kubectl's own call, then the deployment controller scaling the ReplicaSet, the
    // ReplicaSet controller creating two pods, the scheduler binding them, their kubelets
    // reporting them started.
    assert!(
        has("kubernetes-admin", "patch", "deployments", "scale", "1"),
        "{seen:#?}"
    );
    assert!(
        has(
            "system:serviceaccount:kube-system:deployment-controller",
            "update",
            "replicasets",
            "",
            "1"
        ),
        "{seen:#?}"
    );
    assert!(
        has(
            "system:serviceaccount:kube-system:replicaset-controller",
            "create",
            "pods",
            "",
            "2"
        ),
        "{seen:#?}"
    );
    assert!(
        has("system:kube-scheduler", "create", "pods", "binding", "2"),
        "{seen:#?}"
    );
    let started: usize = seen
        .iter()
        .filter(|s| s.0.starts_with("system:node:") && s.1 == "patch" && s.3 == "status")
        .map(|s| s.4.parse::<usize>().expect("a count"))
        .sum();
    assert_eq!(started, 2, "{seen:#?}");
    // A controller's create names no pod (the server generates the name) and says which
    // binding allowed it.
    let v = query(
        &p,
        &book,
        group,
        r#"filter user.username like /replicaset-controller/ | fields requestURI, objectRef.name, userAgent, `annotations.authorization.k8s.io/reason` as why | limit 1"#,
    );
    let r = &rows(&v)[0];
    assert_eq!(value(r, "requestURI"), "/api/v1/namespaces/default/pods");
    assert_eq!(value(r, "objectRef.name"), "");
    assert!(
        value(r, "userAgent")
            .starts_with("kube-controller-manager/v1.31.5 (linux/amd64) kubernetes/"),
        "{r:?}"
    );
    assert!(
        value(r, "userAgent").ends_with("/system:serviceaccount:kube-system:replicaset-controller")
    );
    assert!(
        value(r, "why").contains("ClusterRoleBinding \"system:controller:replicaset-controller\""),
        "{r:?}"
    );
}

#[test]
fn a_session_keeps_its_newest_queries() {
    let p = at("ecs-log-router-sidecar", 60);
    let book = QueryBook::default();
    let line = format!(
        "aws logs start-query --log-group-name /ecs/web --start-time {START} --end-time {} --query-string 'stats count(*)'",
        START + 60
    );
    let ids: Vec<Value> = (0..=orca_sim::console::aws::logs_insights::MAX_KEPT)
        .map(|_| json(&p, &book, &line)["queryId"].clone())
        .collect();
    let distinct: std::collections::BTreeSet<String> = ids.iter().map(|v| v.to_string()).collect();
    assert_eq!(distinct.len(), ids.len(), "every query has its own id");
    assert_eq!(book.len(), ids.len());
    let first = ids[0].as_str().expect("id");
    let e = fails(
        &p,
        &book,
        &format!("aws logs get-query-results --query-id {first}"),
    );
    assert!(e.contains("ResourceNotFoundException"), "{e}");
    let last = ids[ids.len() - 1].as_str().expect("id");
    assert_eq!(
        json(
            &p,
            &book,
            &format!("aws logs get-query-results --query-id {last}")
        )["status"],
        "Complete"
    );
    let listed = json(&p, &book, "aws logs describe-queries");
    assert_eq!(
        listed["queries"].as_array().map(Vec::len),
        Some(orca_sim::console::aws::logs_insights::MAX_KEPT)
    );
}
