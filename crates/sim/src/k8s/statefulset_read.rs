//! What the app and `kubectl get statefulsets` show of a StatefulSet: its status counts
//! (`status.replicas`, `readyReplicas`, `currentReplicas`, `updatedReplicas`), and a row per
//! ordinal — which pod holds it, from which revision, which claim and volume it mounts, in
//! which zone and on which node (`docs/rules/k8s-statefulsets.md`).

use serde::Serialize;

use super::cluster::EksCluster;
use super::statefulset;
use super::volumes;
use crate::time::SimTime;

/// A StatefulSet's `status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct StatefulSetStatus {
    /// `spec.replicas`.
    pub replicas: u32,
    /// Pods that exist and are not terminating.
    pub current: u32,
    /// Of them, Running and Ready.
    pub ready: u32,
    /// Of them, at the update revision.
    pub updated: u32,
}

/// The status of workload `d` (a StatefulSet) at `now`.
pub fn status(c: &EksCluster, d: usize, _now: SimTime) -> StatefulSetStatus {
    let update = c.current_replica_set(d);
    let mut s = StatefulSetStatus {
        replicas: c.deployments[d].replicas,
        ..StatefulSetStatus::default()
    };
    for pod in &c.pods {
        if !pod.counts() || c.replica_sets[pod.replica_set].deployment != d {
            continue;
        }
        s.current += 1;
        s.ready += u32::from(pod.ready);
        s.updated += u32::from(Some(pod.replica_set) == update);
    }
    s
}

/// `kubectl rollout status statefulset/<name>` at this moment: kubectl's
/// `StatefulSetStatusViewer` (`staging/src/k8s.io/kubectl/pkg/polymorphichelpers/rollout_status.go`)
/// on the status counts. The second value is whether the rollout is done.
pub fn rollout_status(c: &EksCluster, d: usize, now: SimTime) -> (String, bool) {
    let st = status(c, d, now);
    let partition = statefulset::of_workload(c, d).map_or(0, |s| c.stateful_sets[s].partition);
    if st.ready < st.replicas {
        return (
            format!("Waiting for {} pods to be ready...", st.replicas - st.ready),
            false,
        );
    }
    // The API server defaults `updateStrategy.rollingUpdate.partition` to 0, so kubectl always
    // takes its partitioned path for a RollingUpdate StatefulSet.
    let wanted = st.replicas.saturating_sub(partition);
    if st.updated < wanted {
        return (
            format!(
                "Waiting for partitioned roll out to finish: {} out of {wanted} new pods have been updated...",
                st.updated
            ),
            false,
        );
    }
    (
        format!(
            "partitioned roll out complete: {} new pods have been updated...",
            st.updated
        ),
        true,
    )
}

/// One ordinal of a StatefulSet as the app draws it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OrdinalRow {
    pub ordinal: u32,
    /// The pod's name (`web-0`), whether it exists now or not.
    pub pod: String,
    /// kubectl's STATUS of the pod, `None` when no pod holds the ordinal now.
    pub status: Option<String>,
    pub ready: bool,
    /// The pod runs the update revision.
    pub updated: bool,
    /// Its claim (`data-web-0`), once created; it outlives the pod.
    pub claim: Option<String>,
    /// The volume bound to the claim and its zone.
    pub volume: Option<String>,
    pub zone: Option<String>,
    /// The node the pod is bound to.
    pub node: Option<String>,
}

/// A StatefulSet as the app draws it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StatefulSetRow {
    pub name: String,
    pub policy: &'static str,
    pub partition: u32,
    pub status: StatefulSetStatus,
    /// The ordinal the controller waits for (Running and Ready, or gone), if it does.
    pub waiting_for: Option<u32>,
    /// Ordinals 0..max(replicas, highest existing + 1).
    pub ordinals: Vec<OrdinalRow>,
}

/// Every StatefulSet of the cluster.
pub fn rows(c: &EksCluster, now: SimTime) -> Vec<StatefulSetRow> {
    c.stateful_sets
        .iter()
        .map(|set| {
            let d = set.workload;
            let name = c.deployments[d].name.clone();
            let update = c.current_replica_set(d);
            let mut live: Vec<(u32, usize)> = (0..c.pods.len())
                .filter(|&p| !c.pods[p].gone && c.pod_deployment(p) == d)
                .filter_map(|p| statefulset::ordinal(c, p).map(|i| (i, p)))
                .collect();
            live.sort();
            let top = live
                .iter()
                .map(|(i, _)| i + 1)
                .max()
                .unwrap_or(0)
                .max(c.deployments[d].replicas);
            let ordinals = (0..top)
                .map(|i| {
                    let pod = statefulset::pod_name(&name, i);
                    let p = live.iter().find(|(o, _)| *o == i).map(|(_, p)| *p);
                    let claim = set.claim_templates.first().and_then(|t| {
                        let n = statefulset::claim_name(&t.name, &pod);
                        c.storage.claim_named(&c.deployments[d].namespace, &n)
                    });
                    let volume = claim
                        .and_then(|cl| c.storage.claims[cl].volume)
                        .map(|v| &c.storage.volumes[v]);
                    OrdinalRow {
                        ordinal: i,
                        pod,
                        status: p.map(|p| c.pods[p].status()),
                        ready: p.is_some_and(|p| c.pods[p].ready),
                        updated: p.is_some_and(|p| Some(c.pods[p].replica_set) == update),
                        claim: claim.map(|cl| c.storage.claims[cl].name.clone()),
                        volume: volume.map(|v| v.name.clone()),
                        zone: volume.map(|v| v.zone.clone()),
                        node: p
                            .and_then(|p| c.pods[p].node)
                            .map(|n| c.nodes[n].name.clone()),
                    }
                })
                .collect();
            StatefulSetRow {
                name,
                policy: set.policy.as_str(),
                partition: set.partition,
                status: status(c, d, now),
                waiting_for: set.waiting_for,
                ordinals,
            }
        })
        .collect()
}

/// Which volume each existing pod mounts: (pod, claim, volume if bound). Deployments' and
/// StatefulSets' pods alike.
pub fn pod_volumes(c: &EksCluster) -> Vec<(String, String, Option<String>)> {
    (0..c.pods.len())
        .filter(|&p| !c.pods[p].gone)
        .filter_map(|p| {
            let cl = volumes::claim_of(c, p)?;
            let claim = &c.storage.claims[cl];
            Some((
                c.pods[p].name.clone(),
                claim.name.clone(),
                claim.volume.map(|v| c.storage.volumes[v].name.clone()),
            ))
        })
        .collect()
}
