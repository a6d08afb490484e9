//! Which pod `kubectl exec` reaches, for the audited exec action.

/// The pod `kubectl exec -n <namespace> <target>` reaches: the pod of that name, or for
/// `deploy/<name>` (`deployment/<name>`) the first running pod of the Deployment; else
/// kubectl's NotFound error.
pub fn resolve_pod(
    c: &crate::k8s::cluster::EksCluster,
    target: &str,
    namespace: &str,
) -> Result<String, String> {
    let of = |p: &crate::k8s::cluster::Pod| {
        c.replica_sets
            .get(p.replica_set)
            .map(|rs| &c.deployments[rs.deployment])
    };
    let live = |p: &&crate::k8s::cluster::Pod| !p.gone && p.deleting_at.is_none();
    let deployment = target
        .strip_prefix("deploy/")
        .or_else(|| target.strip_prefix("deployment/"));
    let found = match deployment {
        Some(name) => c.pods.iter().filter(live).find(|p| {
            of(p).is_some_and(|d| d.name == name && d.namespace == namespace)
                && matches!(p.state, crate::k8s::cluster::ContainerState::Running { .. })
        }),
        None => c
            .pods
            .iter()
            .filter(live)
            .find(|p| p.name == target && of(p).is_some_and(|d| d.namespace == namespace)),
    };
    match (found, deployment) {
        (Some(p), _) => Ok(p.name.clone()),
        (None, Some(name)) => Err(format!(
            "Error from server (NotFound): deployments.apps \"{name}\" not found"
        )),
        (None, None) => Err(format!(
            "Error from server (NotFound): pods \"{target}\" not found"
        )),
    }
}
