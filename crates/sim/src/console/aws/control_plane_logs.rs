//! What CloudWatch Logs holds of an EKS cluster's control plane: the log group
//! `/aws/eks/<cluster>/cluster` and one stream per log type that has been on (Amazon EKS User
//! Guide, "Send control plane logs to CloudWatch Logs": the group and the stream prefixes;
//! <https://docs.aws.amazon.com/eks/latest/userguide/control-plane-logs.html>). A type's stream
//! holds what the component wrote while the type was on; turning it off keeps the stream and
//! what it holds.
//!
//! Each line is written in its component's own format:
//! - `audit`: one audit event of the `audit.k8s.io/v1` API per line, as JSON (Kubernetes
//!   documentation, "Auditing", <https://kubernetes.io/docs/tasks/debug/debug-cluster/audit/>),
//!   for each kubectl call (`crate::security::audit`) and for the control plane's own requests
//!   (`control_plane_audit.rs`: controllers creating and deleting pods, the scheduler binding
//!   them, kubelets reporting them started). The user is the console's IAM role
//!   mapped to `kubernetes-admin`, with the IAM details the authenticator adds under `extra`
//!   (aws-iam-authenticator's README, "extra" fields `arn`, `canonicalArn`, `sessionName`,
//!   `accessKeyId`, `principalId`). [model] The audit level `Metadata`, the source address
//!   (a documentation address, RFC 5737) and the timings are Orca's.
//! - `api`: the API server's klog line for each of those requests (`httplog.go`, `"HTTP"` with
//!   verb, URI, latency, user agent, audit ID, source address and response code). [inferred]
//!   That EKS's api log at verbosity 2 has a line for each kubectl call.
//! - `authenticator`: aws-iam-authenticator's `access granted` line for each of them
//!   (logrus text format: `time`, `level`, `msg`, `arn`, `groups`, `uid`, `username`). [inferred]
//! - `scheduler`: kube-scheduler's structured klog lines: `"Successfully bound pod to node"` for a
//!   pod bound, `"Unable to schedule pod; no fit; waiting"` for one that fits nowhere.
//! - `controllerManager`: the events the deployment and ReplicaSet controllers record, as the
//!   event broadcaster's structured log writes them (`"Event occurred"`). [inferred] That the
//!   controllers' events reach the log at EKS's verbosity.

use serde_json::json;

use crate::console::Context;
use crate::event::EventKind;
use crate::k8s::rbac;
use crate::logs::{LogLine, StreamLines};
use crate::scenario::spec::LogType;
use crate::security::Security;
use crate::security::audit::ApiCall;
use crate::time::{Millis, SimTime};

/// The address kubectl's requests come from (RFC 5737 TEST-NET-3). [model]
const SOURCE_IP: &str = "203.0.113.25";

/// How long the API server takes to answer a kubectl call. [model]
const LATENCY: Millis = Millis(12);

/// The cluster's security model, if the world is an EKS cluster.
pub(super) fn security<'a>(cx: &Context<'a>) -> Option<&'a Security> {
    cx.world.eks.as_ref()?.security.as_ref()
}

/// When log type `t` was first on, up to now (at the start, or by `update-cluster-config`).
fn first_on(s: &Security, t: LogType, now: SimTime) -> Option<SimTime> {
    if s.logging_at_start.contains(&t) {
        return Some(SimTime::ZERO);
    }
    s.logging_changes
        .iter()
        .find(|(at, ty, on)| *ty == t && *on && *at <= now.0)
        .map(|(at, _, _)| SimTime(*at))
}

/// The log group and when it was created, once any log type has been on: EKS creates it
/// when it first sends.
pub(super) fn group(s: &Security, now: SimTime) -> Option<(String, SimTime)> {
    LogType::ALL
        .iter()
        .filter_map(|&t| first_on(s, t, now))
        .min()
        .map(|created| (s.log_group(), created))
}

/// The streams that exist now, in the API's order of the log types.
pub(super) fn streams(cx: &Context, s: &Security) -> Vec<StreamLines> {
    LogType::ALL
        .iter()
        .filter_map(|&t| {
            let created = first_on(s, t, cx.now)?;
            let lines = entries(cx, s, t)
                .into_iter()
                .filter(|l| l.at <= cx.now && s.sent_at(t, l.at.0))
                .collect();
            // [model] CloudWatch creates the stream when the type is first on.
            Some(StreamLines {
                name: s.stream_name(t),
                created,
                lines: crate::logs::bounded(lines),
            })
        })
        .collect()
}

/// Everything component `t` wrote up to now, sent or not.
fn entries(cx: &Context, s: &Security, t: LogType) -> Vec<LogLine> {
    let account = cx.world.net.account_id.as_str();
    let line = |call: &ApiCall, text: String| LogLine {
        at: SimTime(call.at_ms),
        text,
    };
    match t {
        LogType::Audit => {
            // kubectl's calls and the control plane's own requests, in time order (a call
            // before a controller's request of the same moment: the request follows it).
            let mut all: Vec<LogLine> = s
                .audited
                .iter()
                .map(|c| line(c, audit_event(c, account)))
                .collect();
            all.extend(super::control_plane_audit::requests(cx));
            all.sort_by_key(|l| l.at);
            all
        }
        LogType::Api => s.audited.iter().map(|c| line(c, api_line(c))).collect(),
        LogType::Authenticator => s
            .audited
            .iter()
            .map(|c| line(c, authenticator_line(c, account, &cx.world.net.region)))
            .collect(),
        LogType::Scheduler | LogType::ControllerManager => cx
            .log
            .iter()
            .filter_map(|e| match &e.kind {
                EventKind::Kube {
                    warning,
                    reason,
                    object,
                    ..
                } => component_line(cx, t, e.at, *warning, reason, object, &e.message()),
                _ => None,
            })
            .collect(),
    }
}

/// The IAM identity behind the console's kubectl: the role session `aws sts
/// get-caller-identity` prints.
struct Caller {
    role_arn: String,
    session_arn: String,
    principal_id: String,
    access_key_id: String,
}

fn caller(account: &str) -> Caller {
    use super::sts::{ROLE, SESSION};
    let role_arn = crate::iam::role_arn(account, ROLE);
    let principal_id = super::iam_roles::role_id(&role_arn, ROLE);
    // [model] A temporary key id (ASIA…, 20 characters) derived from the role.
    let access_key_id = format!(
        "ASIA{}",
        &format!(
            "{:016X}",
            crate::hash::fnv(&format!("{role_arn}/{SESSION}"))
        )
    );
    Caller {
        session_arn: format!("arn:aws:sts::{account}:assumed-role/{ROLE}/{SESSION}"),
        role_arn,
        principal_id,
        access_key_id,
    }
}

/// The audit ID the API server gives a request (a UUID). [model] Derived from the call.
fn audit_id(c: &ApiCall) -> String {
    super::autoscaling::uuid_of(&format!("audit/{}/{}", c.at_ms, c.request_uri))
}

fn user_agent() -> String {
    format!(
        "kubectl/{} (linux/amd64) kubernetes/5864a46",
        crate::console::kubectl::CLIENT_VERSION
    )
}

/// One `audit.k8s.io/v1` Event, on one line.
fn audit_event(c: &ApiCall, account: &str) -> String {
    let who = caller(account);
    let mut object = json!({ "resource": c.resource });
    if let Some(ns) = &c.namespace {
        object["namespace"] = json!(ns);
    }
    object["name"] = json!(c.name);
    if !c.api_group.is_empty() {
        object["apiGroup"] = json!(c.api_group);
    }
    object["apiVersion"] = json!(c.api_version());
    if let Some(sub) = c.subresource {
        object["subresource"] = json!(sub);
    }
    let at = SimTime(c.at_ms);
    json!({
        "kind": "Event",
        "apiVersion": "audit.k8s.io/v1",
        "level": "Metadata",
        "auditID": audit_id(c),
        "stage": "ResponseComplete",
        "requestURI": c.request_uri,
        "verb": c.verb,
        "user": {
            "username": rbac::CLUSTER_CREATOR,
            "uid": format!("aws-iam-authenticator:{account}:{}", who.principal_id),
            "groups": ["system:masters", "system:authenticated"],
            "extra": {
                "accessKeyId": [who.access_key_id],
                "arn": [who.session_arn],
                "canonicalArn": [who.role_arn],
                "principalId": [who.principal_id],
                "sessionName": [super::sts::SESSION],
            },
        },
        "sourceIPs": [SOURCE_IP],
        "userAgent": user_agent(),
        "objectRef": object,
        "responseStatus": { "metadata": {}, "code": c.code },
        "requestReceivedTimestamp": at.iso8601_micro_z(),
        "stageTimestamp": at.plus(LATENCY).iso8601_micro_z(),
        "annotations": {
            "authorization.k8s.io/decision": "allow",
            "authorization.k8s.io/reason": "",
        },
    })
    .to_string()
}

/// klog's header: `I0105 09:01:00.012000      11 file.go:123] ` (severity, month and day, time
/// with microseconds, thread id, source line).
fn klog(at: SimTime, warning: bool, thread: u32, source: &str) -> String {
    let iso = at.iso8601(); // 2026-01-05T09:01:26.037000+00:00
    format!(
        "{}{}{} {} {thread:>7} {source}] ",
        if warning { 'W' } else { 'I' },
        &iso[5..7],
        &iso[8..10],
        &iso[11..26],
    )
}

fn api_line(c: &ApiCall) -> String {
    format!(
        "{}\"HTTP\" verb=\"{}\" URI=\"{}\" latency=\"{}ms\" userAgent=\"{}\" audit-ID=\"{}\" srcIP=\"{SOURCE_IP}:51234\" resp={}",
        klog(SimTime(c.at_ms).plus(LATENCY), false, 11, "httplog.go:134"),
        c.method,
        c.request_uri,
        LATENCY.0,
        user_agent(),
        audit_id(c),
        c.code
    )
}

fn authenticator_line(c: &ApiCall, account: &str, region: &str) -> String {
    let who = caller(account);
    format!(
        "time=\"{}\" level=info msg=\"access granted\" arn=\"{}\" client=\"127.0.0.1:45678\" groups=\"[system:masters]\" method=POST path=/authenticate sts=sts.{region}.amazonaws.com uid=\"aws-iam-authenticator:{account}:{}\" username={}",
        SimTime(c.at_ms).iso8601_millis_z().replace(".000Z", "Z"),
        who.role_arn,
        who.principal_id,
        rbac::CLUSTER_CREATOR
    )
}

/// The line component `t` writes for a Kubernetes event, if it is one of its own.
fn component_line(
    cx: &Context,
    t: LogType,
    at: SimTime,
    warning: bool,
    reason: &str,
    object: &str,
    message: &str,
) -> Option<LogLine> {
    if crate::security::read::component(reason) != Some(t) {
        return None;
    }
    let (kind, name) = object.split_once('/')?;
    let namespace = crate::console::kubectl::event_namespace(cx, object);
    let text = match reason {
        "Scheduled" => {
            let node = message.rsplit(" to ").next().unwrap_or_default();
            format!(
                "{}\"Successfully bound pod to node\" pod=\"{namespace}/{name}\" node=\"{node}\"",
                klog(at, false, 10, "schedule_one.go:314")
            )
        }
        "FailedScheduling" => format!(
            "{}\"Unable to schedule pod; no fit; waiting\" pod=\"{namespace}/{name}\" err=\"{message}\"",
            klog(at, false, 10, "schedule_one.go:1055")
        ),
        _ => {
            let (kind_name, api_version) = match kind {
                "deployment" => ("Deployment", "apps/v1"),
                "replicaset" => ("ReplicaSet", "apps/v1"),
                "daemonset" => ("DaemonSet", "apps/v1"),
                "statefulset" => ("StatefulSet", "apps/v1"),
                _ => return None,
            };
            format!(
                "{}\"Event occurred\" object=\"{namespace}/{name}\" fieldPath=\"\" kind=\"{kind_name}\" apiVersion=\"{api_version}\" type=\"{}\" reason=\"{reason}\" message=\"{message}\"",
                klog(at, false, 12, "event.go:389"),
                if warning { "Warning" } else { "Normal" }
            )
        }
    };
    Some(LogLine { at, text })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_klog_header_has_severity_date_time_thread_and_source() {
        let at = SimTime(60_012);
        let h = klog(at, false, 11, "httplog.go:134");
        // The scenario clock starts on 2026-01-05 at 09:00:00 UTC.
        assert_eq!(h, "I0105 09:01:00.012000      11 httplog.go:134] ");
        assert!(klog(at, true, 1, "x.go:1").starts_with("W0105 "));
    }

    #[test]
    fn an_audit_event_is_one_json_line_naming_the_object_and_the_iam_caller() {
        let k = crate::k8s::cluster::EksCluster::new();
        let call = crate::security::audit::call_of(
            &crate::scenario::spec::Action::ExecIntoPod {
                pod: "coredns-1".into(),
                namespace: "kube-system".into(),
            },
            &k,
            60_000,
        )
        .expect("audited");
        let line = audit_event(&call, "123456789012");
        assert!(!line.contains('\n'));
        let v: serde_json::Value = serde_json::from_str(&line).expect("JSON");
        assert_eq!(v["apiVersion"], "audit.k8s.io/v1");
        assert_eq!(v["verb"], "create");
        assert_eq!(v["objectRef"]["subresource"], "exec");
        assert_eq!(v["objectRef"]["namespace"], "kube-system");
        assert_eq!(v["responseStatus"]["code"], 101);
        assert_eq!(
            v["user"]["extra"]["arn"][0],
            "arn:aws:sts::123456789012:assumed-role/orca-teacher/learner"
        );
        assert_eq!(v["requestReceivedTimestamp"], "2026-01-05T09:01:00.000000Z");
    }
}
