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
    /// The PORT(S) column: `80:32269/TCP,…`.
    pub ports: String,
    /// Its ports, in the order of its spec.
    pub port_list: Vec<ServicePort>,
    /// The workload whose pods it selects (none: the API server's `kubernetes` Service).
    pub deployment: Option<usize>,
    /// `spec.selector`, sorted by key (empty: none).
    pub selector: Vec<(String, String)>,
    /// `metadata.labels` and `metadata.annotations`, sorted by key.
    pub labels: Vec<(String, String)>,
    pub annotations: Vec<(String, String)>,
}

/// One port of a Service.
#[derive(Debug, Clone, Copy)]
pub struct ServicePort {
    pub name: Option<&'static str>,
    pub port: u16,
    pub target_port: u16,
    pub protocol: &'static str,
    pub node_port: Option<u32>,
}

/// kube-dns, the Service in front of CoreDNS, at the tenth address of EKS's default service
/// range (what `dig` asks).
pub const KUBE_DNS_IP: &str = "172.20.0.10";

fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
    p.iter()
        .map(|&(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The cluster's Services, those in the command's scope, in the order the API server lists
/// them (`list_order`):
/// - `kubernetes` (the API server's, 172.20.0.1 — EKS's default service CIDR
///   172.20.0.0/16 — port `https` 443, as EKS's API server listens on 443);
/// - `kube-dns` in `kube-system`, which CoreDNS serves: ports `dns` 53/UDP, `dns-tcp` 53/TCP
///   and `metrics` 9153/TCP, selector `k8s-app=kube-dns`, with the labels and Prometheus
///   annotations of the EKS CoreDNS add-on [inferred from the add-on as installed; the port
///   names and numbers are those of Kubernetes' CoreDNS manifest];
/// - one per scenario Deployment that has one.
pub fn services(k: &Kube) -> Vec<ServiceRow> {
    let mut out = vec![ServiceRow {
        name: "kubernetes".into(),
        namespace: "default".into(),
        kind: "ClusterIP".into(),
        cluster_ip: "172.20.0.1".into(),
        external: "<none>".into(),
        ports: "443/TCP".into(),
        port_list: vec![ServicePort {
            name: Some("https"),
            port: 443,
            target_port: 443,
            protocol: "TCP",
            node_port: None,
        }],
        deployment: None,
        selector: Vec::new(),
        labels: pairs(&[("component", "apiserver"), ("provider", "kubernetes")]),
        annotations: Vec::new(),
    }];
    let coredns = (0..k.eks.deployments.len()).find(|&d| {
        let w = &k.eks.deployments[d];
        w.system && w.name == "coredns"
    });
    if let Some(d) = coredns {
        let port = |name, port, protocol| ServicePort {
            name: Some(name),
            port,
            target_port: port,
            protocol,
            node_port: None,
        };
        out.push(ServiceRow {
            name: "kube-dns".into(),
            namespace: "kube-system".into(),
            kind: "ClusterIP".into(),
            cluster_ip: KUBE_DNS_IP.into(),
            external: "<none>".into(),
            ports: "53/UDP,53/TCP,9153/TCP".into(),
            port_list: vec![
                port("dns", 53, "UDP"),
                port("dns-tcp", 53, "TCP"),
                port("metrics", 9153, "TCP"),
            ],
            deployment: Some(d),
            selector: pairs(&[("k8s-app", "kube-dns")]),
            labels: pairs(&[
                ("eks.amazonaws.com/component", "kube-dns"),
                ("k8s-app", "kube-dns"),
                ("kubernetes.io/cluster-service", "true"),
                ("kubernetes.io/name", "CoreDNS"),
            ]),
            annotations: pairs(&[
                ("prometheus.io/port", "9153"),
                ("prometheus.io/scrape", "true"),
            ]),
        });
    }
    for (d, dep) in k.eks.deployments.iter().enumerate() {
        if let Some((name, kind, port)) = &dep.service {
            // Stable addresses from the name (the API server allocates them at random).
            let h = name
                .bytes()
                .fold(7u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)));
            let cluster_ip = format!("172.20.{}.{}", (h >> 8) % 250 + 1, h % 250 + 2);
            let node_port = 30000 + h % 2768;
            let load_balancer = kind == "LoadBalancer";
            let (external, ports) = if load_balancer {
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
                port_list: vec![ServicePort {
                    name: None,
                    port: *port,
                    target_port: dep.template.port,
                    protocol: "TCP",
                    node_port: load_balancer.then_some(node_port),
                }],
                deployment: Some(d),
                selector: k.eks.selector_labels(d),
                labels: Vec::new(),
                annotations: Vec::new(),
            });
        }
    }
    out.retain(|s| k.in_scope(&s.namespace));
    // In the order the API server lists them (`list_order`): `kubernetes` is not always first.
    out.sort_by_cached_key(|s| super::list_order::key(Some(&s.namespace), &s.name));
    out
}
