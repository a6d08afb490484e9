//! The order in which kubectl prints a list: the order the API server returns it in.
//!
//! The API server keeps each object under a storage key, `<namespace>/<name>` for a namespaced
//! object and `<name>` for a cluster-scoped one, and a list comes back sorted by that key,
//! byte by byte: etcd returns a range in key order, and the API server's watch cache sorts
//! what it serves the same way (kubernetes/kubernetes#113730, "fix inconsistency issues for
//! both etcd3 and watchcache"; `sortableWatchCacheEvents` in kubernetes#120897 compares
//! `Key`s). kubectl keeps that order unless `--sort-by` is given, so `kubectl get pods` lists
//! pods by name (not by age), `-A` lists them namespace by namespace, and `kubectl get events`
//! lists events by their names, `<object>.<first occurrence in hex>`: grouped by object, not
//! by time (kubernetes/kubernetes#29838, "kubectl get events doesnt sort events by last seen
//! time"; the answer there is `--sort-by`, or `kubectl events`).
//!
//! Objects asked for by name are fetched one by one, so they print in the order the names
//! were given (kubectl's resource builder visits its arguments in order).

use super::Kube;
use super::parse::Kind;

/// The storage key of a namespaced object (`<namespace>/<name>`) or a cluster-scoped one
/// (`<name>`, when `namespace` is `None`).
pub fn key(namespace: Option<&str>, name: &str) -> String {
    match namespace {
        Some(ns) => format!("{ns}/{name}"),
        None => name.to_owned(),
    }
}

/// Put `found` (indexes of objects of `kind`, as `kubectl get` finds them) in the order kubectl
/// prints them: by storage key, or in the order of `names` when names were given.
pub fn sort(k: &Kube, kind: Kind, found: &mut [usize], names: &[String]) {
    let of = |i: usize| -> (Option<&str>, &str) {
        let eks = k.eks;
        match kind {
            Kind::Pod => (Some(k.pod_namespace(i)), &eks.pods[i].name),
            Kind::Deployment | Kind::DaemonSet | Kind::StatefulSet => {
                let w = &eks.deployments[i];
                (Some(&w.namespace), &w.name)
            }
            Kind::ReplicaSet => {
                let rs = &eks.replica_sets[i];
                (Some(&eks.deployments[rs.deployment].namespace), &rs.name)
            }
            Kind::Node => (None, &eks.nodes[i].name),
            Kind::Hpa => {
                let h = &eks.hpas[i];
                (Some(&eks.deployments[h.deployment].namespace), &h.name)
            }
            Kind::Pdb => (Some(&eks.pdbs[i].namespace), &eks.pdbs[i].name),
            // `services::services` lists them in key order already: `i` is their position.
            Kind::Service
            | Kind::Event
            | Kind::PersistentVolumeClaim
            | Kind::PersistentVolume
            | Kind::StorageClass
            | Kind::Namespace
            | Kind::Endpoints => (None, ""),
        }
    };
    if kind == Kind::Service {
        // By position in `services::services`, which lists them in key order; `get` puts
        // names given in their order itself.
        if names.is_empty() {
            found.sort_unstable();
        }
        return;
    }
    if names.is_empty() {
        found.sort_by_cached_key(|&i| {
            let (ns, name) = of(i);
            key(ns, name)
        });
    } else {
        found.sort_by_key(|&i| {
            let name = of(i).1;
            names.iter().position(|n| n == name).unwrap_or(usize::MAX)
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cmp::Ordering;

    /// Two objects' storage keys compared as the API server compares them: byte by byte.
    fn by_key(a: (Option<&str>, &str), b: (Option<&str>, &str)) -> Ordering {
        key(a.0, a.1).cmp(&key(b.0, b.1))
    }

    #[test]
    fn keys_compare_byte_by_byte_namespace_first() {
        // `-` (0x2d) sorts before `/` (0x2f): namespace `a-b` lists before namespace `a`.
        assert_eq!(by_key((Some("a-b"), "z"), (Some("a"), "a")), Ordering::Less);
        assert_eq!(
            by_key((Some("default"), "web-2"), (Some("default"), "web-10")),
            Ordering::Greater,
            "names compare as text, not as numbers"
        );
        assert_eq!(
            by_key(
                (Some("default"), "zeta"),
                (Some("kube-system"), "aws-node-1")
            ),
            Ordering::Less
        );
        assert_eq!(
            key(None, "ip-10-0-0-4.ec2.internal"),
            "ip-10-0-0-4.ec2.internal"
        );
    }
}
