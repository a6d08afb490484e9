//! What identifies an EKS cluster's control plane outside Kubernetes: its id, the API server
//! endpoint `kubectl` talks to, and the OIDC issuer that IRSA tokens name.
//!
//! Both carry the same 32 upper-case hex digits, as in the Amazon EKS API Reference's
//! DescribeCluster example (`https://<ID>.yl4.<region>.eks.amazonaws.com` and
//! `https://oidc.eks.<region>.amazonaws.com/id/<ID>`). [model] The digits are Orca's, derived
//! from the cluster's name, and so is the endpoint's `gr7` cell label.

use crate::hash::fnv;

/// The cluster's 32 upper-case hex digits.
pub fn cluster_id(cluster: &str) -> String {
    format!(
        "{:016X}{:016X}",
        fnv(cluster),
        fnv(&format!("{cluster}/oidc"))
    )
}

/// The API server endpoint, as DescribeCluster's `endpoint` and kubeconfig's `server`.
pub fn api_endpoint(cluster: &str, region: &str) -> String {
    format!(
        "https://{}.gr7.{region}.eks.amazonaws.com",
        cluster_id(cluster)
    )
}

/// The OIDC issuer URL (DescribeCluster's `identity.oidc.issuer`).
pub fn oidc_issuer(cluster: &str, region: &str) -> String {
    format!(
        "https://oidc.eks.{region}.amazonaws.com/id/{}",
        cluster_id(cluster)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_endpoint_and_the_issuer_share_the_clusters_id() {
        let id = cluster_id("demo");
        assert_eq!(id.len(), 32);
        assert!(
            id.bytes()
                .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
        );
        assert!(api_endpoint("demo", "us-east-1").contains(&id));
        assert!(oidc_issuer("demo", "us-east-1").ends_with(&id));
        assert_ne!(id, cluster_id("other"));
    }
}
