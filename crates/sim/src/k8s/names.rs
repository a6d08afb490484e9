//! Kubernetes object names: `web-7d4b9c8f6d` (Deployment + pod-template-hash) and
//! `web-7d4b9c8f6d-x2k9p` (ReplicaSet + 5 random characters), EKS node names.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// The alphabet of `rand.SafeEncodeString` (no vowels, no 0/1/3: names never spell words).
pub const SAFE_ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

/// The pod-template-hash of a template: a 32-bit FNV-1a hash of its text, safe-encoded
/// (Kubernetes hashes the template with FNV-32a and encodes the decimal value).
pub fn pod_template_hash(template: &str) -> String {
    let mut h: u32 = 0x811c_9dc5;
    for b in template.as_bytes() {
        h ^= *b as u32;
        h = h.wrapping_mul(0x0100_0193);
    }
    safe_encode(&h.to_string())
}

/// `rand.SafeEncodeString`: each byte picks a character of the safe alphabet.
pub fn safe_encode(s: &str) -> String {
    s.bytes()
        .map(|b| SAFE_ALPHABET[b as usize % SAFE_ALPHABET.len()] as char)
        .collect()
}

/// `web-7d4b9c8f6d-x2k9p`: a ReplicaSet name plus five random safe characters.
pub fn pod_name(replica_set: &str, rng: &mut ChaCha8Rng) -> String {
    let suffix: String = (0..5)
        .map(|_| SAFE_ALPHABET[rng.random_range(0..SAFE_ALPHABET.len())] as char)
        .collect();
    format!("{replica_set}-{suffix}")
}

/// Five safe characters and an 8-hex-digit uid derived from `seed` (FNV-1a), for the pods
/// Orca names without drawing from the `names` stream.
pub fn hashed_suffix_and_uid(seed: &str) -> (String, String) {
    let h = crate::hash::fnv(seed);
    let suffix: String = (0..5)
        .map(|i| SAFE_ALPHABET[((h >> (i * 6)) as usize) % SAFE_ALPHABET.len()] as char)
        .collect();
    (suffix, format!("{:08x}", (h >> 32) as u32))
}

/// The Auto Scaling group behind a managed node group, `eks-<group>-<id>` (the id is Orca's own,
/// from the group's name): the name the Cluster Autoscaler reports and the group's instances'
/// `aws:autoscaling:groupName` tag.
pub fn node_group_asg(group: &str) -> String {
    format!("eks-{group}-{}", pod_template_hash(group))
}

/// An EKS node's name: its private DNS name, `ip-10-0-1-23.ec2.internal` in us-east-1 and
/// `ip-10-0-1-23.<region>.compute.internal` elsewhere.
pub fn node_name(private_ip: &str, region: &str) -> String {
    let host = format!("ip-{}", private_ip.replace('.', "-"));
    if region == "us-east-1" {
        format!("{host}.ec2.internal")
    } else {
        format!("{host}.{region}.compute.internal")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn hashes_and_names_look_like_kubernetes() {
        let h = pod_template_hash("web nginx:1.27");
        assert!(h.len() >= 8 && h.len() <= 10, "{h}");
        assert!(h.bytes().all(|b| SAFE_ALPHABET.contains(&b)));
        assert_eq!(h, pod_template_hash("web nginx:1.27"), "stable");
        assert_ne!(h, pod_template_hash("web nginx:1.28"));
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let p = pod_name(&format!("web-{h}"), &mut rng);
        let suffix = p.rsplit('-').next().unwrap_or("");
        assert_eq!(suffix.len(), 5);
        assert!(suffix.bytes().all(|b| SAFE_ALPHABET.contains(&b)));
    }

    #[test]
    fn node_names_follow_the_region() {
        assert_eq!(
            node_name("10.0.1.23", "us-east-1"),
            "ip-10-0-1-23.ec2.internal"
        );
        assert_eq!(
            node_name("10.0.1.23", "eu-west-1"),
            "ip-10-0-1-23.eu-west-1.compute.internal"
        );
    }
}
