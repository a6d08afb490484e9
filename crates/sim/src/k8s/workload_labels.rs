//! The labels of workloads and their pods: what a selector matches (`kubectl get -l`,
//! `describe`'s Selector and Labels lines, `-o yaml`), for the scenario's workloads and for
//! the EKS add-ons Orca runs.

use super::cluster::EksCluster;

impl EksCluster {
    /// The labels workload `d`'s selector matches, sorted by key: `app=<name>` for the
    /// scenario's workloads; for EKS's own, those of the add-ons' manifests [inferred from the
    /// EKS add-ons as installed: the VPC CNI's and kube-proxy's DaemonSets select
    /// `k8s-app=aws-node|kube-proxy`, CoreDNS selects `k8s-app=kube-dns` — which is why the
    /// Amazon EKS User Guide lists its pods with `kubectl get pods -n kube-system -l
    /// k8s-app=kube-dns` — and the Pod Identity Agent `app.kubernetes.io/name`].
    pub fn selector_labels(&self, d: usize) -> Vec<(String, String)> {
        let w = &self.deployments[d];
        let pairs: &[(&str, &str)] = match (w.system, w.name.as_str()) {
            (true, "aws-node") => &[("k8s-app", "aws-node")],
            (true, "kube-proxy") => &[("k8s-app", "kube-proxy")],
            (true, "coredns") => &[
                ("eks.amazonaws.com/component", "coredns"),
                ("k8s-app", "kube-dns"),
            ],
            (true, "eks-pod-identity-agent") => &[
                ("app.kubernetes.io/instance", "eks-pod-identity-agent"),
                ("app.kubernetes.io/name", "eks-pod-identity-agent"),
            ],
            _ => return vec![("app".into(), w.name.clone())],
        };
        pairs
            .iter()
            .map(|&(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    /// The labels of workload `d`'s pod template, sorted by key: its selector's, and for the
    /// VPC CNI the chart's `app.kubernetes.io` labels too [inferred, as above].
    pub fn template_labels(&self, d: usize) -> Vec<(String, String)> {
        let mut labels = self.selector_labels(d);
        let w = &self.deployments[d];
        if w.system && w.name == "aws-node" {
            labels.push(("app.kubernetes.io/instance".into(), "aws-vpc-cni".into()));
            labels.push(("app.kubernetes.io/name".into(), "aws-node".into()));
        }
        labels.sort();
        labels
    }

    /// `k=v,k2=v2`, as kubectl prints a selector or a set of labels (`labels.FormatLabels`:
    /// sorted by key).
    pub fn format_labels(labels: &[(String, String)]) -> String {
        let mut sorted: Vec<&(String, String)> = labels.iter().collect();
        sorted.sort();
        sorted
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(",")
    }
}
