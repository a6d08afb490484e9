//! Fixed facts of the simulated cluster that several kubectl commands show: its Services and
//! the kubelet version its nodes report.

use super::Kube;

/// The Kubernetes version the nodes report (EKS 1.31; the suffix is the build).
pub const NODE_VERSION: &str = "v1.31.5-eks-5d632ec";

/// The version the API server reports (`kubectl version`): EKS 1.31, the same patch as the
/// nodes [inferred: EKS builds the control plane and the node AMIs separately; the suffix
/// names a build].
pub const SERVER_VERSION: &str = "v1.31.5-eks-5d632ec";

/// A Service as `kubectl get svc` lists it.
#[derive(Debug, Clone)]
pub struct ServiceRow {
    pub name: String,
    pub namespace: String,
    pub kind: String,
    pub cluster_ip: String,
    pub external: String,
    pub ports: String,
    pub deployment: Option<usize>,
}

/// The cluster's Services: `kubernetes` (the API server's, 172.20.0.1 — EKS's default service
/// CIDR 172.20.0.0/16) and one per Deployment that has one, those in the command's scope.
pub fn services(k: &Kube) -> Vec<ServiceRow> {
    let mut out = vec![ServiceRow {
        name: "kubernetes".into(),
        namespace: "default".into(),
        kind: "ClusterIP".into(),
        cluster_ip: "172.20.0.1".into(),
        external: "<none>".into(),
        ports: "443/TCP".into(),
        deployment: None,
    }];
    for (d, dep) in k.eks.deployments.iter().enumerate() {
        if let Some((name, kind, port)) = &dep.service {
            // Stable addresses from the name (the API server allocates them at random).
            let h = name
                .bytes()
                .fold(7u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)));
            let cluster_ip = format!("172.20.{}.{}", (h >> 8) % 250 + 1, h % 250 + 2);
            let node_port = 30000 + h % 2768;
            let (external, ports) = if kind == "LoadBalancer" {
                (
                    format!(
                        "k8s-default-{name}-{:08x}.elb.{}.amazonaws.com",
                        h, k.cx.world.net.region
                    ),
                    format!("{port}:{node_port}/TCP"),
                )
            } else {
                ("<none>".into(), format!("{port}/TCP"))
            };
            out.push(ServiceRow {
                name: name.clone(),
                namespace: dep.namespace.clone(),
                kind: kind.clone(),
                cluster_ip,
                external,
                ports,
                deployment: Some(d),
            });
        }
    }
    out.retain(|s| k.in_scope(&s.namespace));
    // In the order the API server lists them (`list_order`): `kubernetes` is not always first.
    out.sort_by_cached_key(|s| super::list_order::key(Some(&s.namespace), &s.name));
    out
}
