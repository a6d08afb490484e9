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

/// The cluster's certificate authority as DescribeCluster and the kubeconfig carry it: a PEM
/// certificate, base64-encoded. [model] Its body is Orca's (not a real certificate), derived
/// from the cluster's id.
pub fn certificate_authority(cluster: &str) -> String {
    let id = cluster_id(cluster);
    let body: String = (0..4)
        .map(|i| format!("{:016X}", fnv(&format!("{id}/ca/{i}"))))
        .collect();
    base64(format!("-----BEGIN CERTIFICATE-----\n{body}\n-----END CERTIFICATE-----\n").as_bytes())
}

/// Standard base64 with padding (RFC 4648).
pub(crate) fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
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

    #[test]
    fn base64_follows_rfc_4648s_examples() {
        // RFC 4648, section 10.
        for (text, encoded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(text.as_bytes()), encoded, "{text}");
        }
    }

    #[test]
    fn the_certificate_authority_is_a_base64_pem() {
        // "-----BEGIN CERTIFICATE-----" in base64.
        assert!(certificate_authority("demo").starts_with("LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t"));
    }
}
