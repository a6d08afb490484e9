//! The Runtime Monitoring parts of `aws guardduty` output (GuardDuty API Reference): a runtime
//! finding's `Resource` and `Service` (`RuntimeDetails`, `Action`), and `list-coverage`'s
//! `CoverageResource` with its `CoverageEksClusterDetails`.

use serde_json::{Value, json};

use crate::scenario::spec::ContainerActivity;
use crate::security::runtime::{self, ADDON_VERSION, Coverage};
use crate::security::{RuntimeContext, Security};

/// A runtime finding's `Resource`: the EKS cluster, the Kubernetes workload and its
/// container, and the node's instance.
pub(super) fn resource(s: &Security, r: &RuntimeContext, account: &str, region: &str) -> Value {
    json!({
        "ResourceType": "EKSCluster",
        "EksClusterDetails": {
            "Name": s.cluster,
            "Arn": format!("arn:aws:eks:{region}:{account}:cluster/{}", s.cluster),
            "Status": "ACTIVE",
        },
        "KubernetesDetails": {
            "KubernetesWorkloadDetails": {
                "Name": r.pod,
                "Type": "pods",
                "Uid": r.pod_uid,
                "Namespace": r.namespace,
                "Containers": [{ "Name": r.container, "Image": r.image }],
            },
        },
        "ContainerDetails": {
            "ContainerRuntime": "containerd",
            "Name": r.container,
            "Image": r.image,
        },
        "InstanceDetails": {
            "AvailabilityZone": r.zone,
            "InstanceType": r.instance_type,
            "NetworkInterfaces": [{
                "PrivateDnsName": r.node,
                "PrivateIpAddress": r.node_ip,
            }],
        },
    })
}

/// A runtime finding's `Service`: the feature, the process and what it did.
pub(super) fn service(
    detector: &str,
    activity: &ContainerActivity,
    container: &str,
    seen: &str,
) -> Value {
    let (process, action) = match activity {
        ContainerActivity::QueryCommandAndControlDomain(d)
        | ContainerActivity::QueryBitcoinDomain(d) => (
            None,
            json!({
                "ActionType": "DNS_REQUEST",
                "DnsRequestAction": { "Domain": d, "Protocol": "UDP", "Blocked": false },
            }),
        ),
        ContainerActivity::OpenReverseShell(remote) => {
            let (ip, port) = remote.rsplit_once(':').unwrap_or((remote.as_str(), "0"));
            (
                Some("/bin/sh"),
                json!({
                    "ActionType": "NETWORK_CONNECTION",
                    "NetworkConnectionAction": {
                        "ConnectionDirection": "OUTBOUND",
                        "Protocol": "TCP",
                        "RemoteIpDetails": { "IpAddressV4": ip },
                        "RemotePortDetails": { "Port": port.parse::<u32>().unwrap_or(0) },
                    },
                }),
            )
        }
        ContainerActivity::RunCryptoMiner(p) | ContainerActivity::RunNewBinary(p) => {
            (Some(p.as_str()), Value::Null)
        }
    };
    let mut out = json!({
        "ServiceName": "guardduty",
        "DetectorId": detector,
        "FeatureName": "RuntimeMonitoring",
        "Count": 1,
        "EventFirstSeen": seen,
        "EventLastSeen": seen,
        "RuntimeDetails": {
            "Process": {
                "Name": process.map_or(container, |p| p.rsplit('/').next().unwrap_or(p)),
            },
        },
    });
    // The executable's path when Orca knows it (a DNS query's process is the container's
    // main process, whose path the scenario does not give).
    if let Some(p) = process {
        out["RuntimeDetails"]["Process"]["ExecutablePath"] = json!(p);
    }
    if !action.is_null() {
        out["Action"] = action;
    }
    out
}

/// `list-coverage`'s one resource, the EKS cluster.
pub(super) fn coverage(s: &Security, c: &Coverage, account: &str, updated: &str) -> Value {
    let mut details = json!({
        "ClusterName": s.cluster,
        "CoveredNodes": c.covered_nodes,
        "CompatibleNodes": c.compatible_nodes,
        "ManagementType": c.management.as_api(),
    });
    if c.management != runtime::Management::NotInstalled {
        details["AddonDetails"] = json!({ "AddonVersion": ADDON_VERSION, "AddonStatus": "ACTIVE" });
    }
    let mut r = json!({
        "ResourceId": s.cluster,
        "DetectorId": s.detector_id(),
        "AccountId": account,
        "ResourceDetails": {
            "EksClusterDetails": details,
            "ResourceType": "EKS",
        },
        "CoverageStatus": if c.healthy { "HEALTHY" } else { "UNHEALTHY" },
        "UpdatedAt": updated,
    });
    if let Some(issue) = &c.issue {
        r["Issue"] = json!(issue);
    }
    r
}
