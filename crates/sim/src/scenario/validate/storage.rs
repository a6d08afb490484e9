//! Storage on EKS: the Kubernetes version, StorageClasses, PersistentVolumeClaims and the
//! claims the Deployments mount (`docs/rules/storage.md`).

use super::Problems;
use super::common::{Unique, check_limit, list};
use super::eks::dns_label_ok;
use super::eks_efs::{is_efs, is_efs_claim};
use super::eks_efs_static::static_bindings;
use crate::k8s::volumes::{EBS_CSI, EBS_CSI_AUTO_MODE, EFS_CSI};
use crate::scenario::limits::{CLAIMS, EBS_SIZE_GIB, KUBERNETES_MINOR, STORAGE_CLASSES};
use crate::scenario::locate::Path;
use crate::scenario::shown::quoted;
use crate::scenario::spec::{AccessModeSpec, EksWorld};

/// EBS volume types the EBS CSI driver's `type` parameter takes
/// (https://github.com/kubernetes-sigs/aws-ebs-csi-driver/blob/master/docs/parameters.md).
const EBS_TYPES: [&str; 7] = ["gp3", "gp2", "io1", "io2", "st1", "sc1", "standard"];

pub(super) fn eks_storage(out: &mut Problems, k: &EksWorld, wp: &Path) {
    if let Some(v) = &k.kubernetes_version {
        let minor = v.strip_prefix("1.").and_then(|m| m.parse::<u32>().ok());
        if !minor.is_some_and(|m| KUBERNETES_MINOR.contains(m)) {
            out.push((
                wp.field("kubernetes_version"),
                format!(
                    "Kubernetes version {} is not one Orca knows; valid: \"1.{}\" to \"1.{}\"",
                    quoted(v),
                    KUBERNETES_MINOR.min,
                    KUBERNETES_MINOR.max
                ),
            ));
        }
    }
    let sp = wp.field("storage_classes");
    check_limit(
        out,
        sp.clone(),
        "number of StorageClasses",
        k.storage_classes.len() as u32,
        STORAGE_CLASSES,
        "",
    );
    let mut names = Unique::new();
    let mut defaults = 0;
    for (i, s) in k.storage_classes.iter().enumerate() {
        let p = sp.index(i);
        if !dns_label_ok(&s.name) {
            out.push((
                p.field("name"),
                format!("StorageClass name {} is not a valid Kubernetes name; use 1–63 lowercase letters, digits and '-'", quoted(&s.name)),
            ));
        }
        names.check(out, p.field("name"), "StorageClass", &s.name);
        if ![EBS_CSI, EBS_CSI_AUTO_MODE, EFS_CSI].contains(&s.provisioner.as_str()) {
            out.push((
                p.field("provisioner"),
                format!(
                    "provisioner {} is not one Orca simulates; valid: \"{EBS_CSI}\" (the EBS CSI driver), \"{EBS_CSI_AUTO_MODE}\" (EKS Auto Mode) or \"{EFS_CSI}\" (the EFS CSI driver)",
                    quoted(&s.provisioner)
                ),
            ));
        }
        if !is_efs(s) && !EBS_TYPES.contains(&s.volume_type.as_str()) {
            out.push((
                p.field("volume_type"),
                format!(
                    "EBS volume type {} does not exist; valid: {}",
                    quoted(&s.volume_type),
                    EBS_TYPES.join(", ")
                ),
            ));
        }
        if s.is_default {
            defaults += 1;
            if defaults == 2 {
                out.push((
                    p.field("is_default"),
                    "a second default StorageClass; mark one class is_default".into(),
                ));
            }
        }
    }
    let cp = wp.field("persistent_volume_claims");
    check_limit(
        out,
        cp.clone(),
        "number of PersistentVolumeClaims",
        k.persistent_volume_claims.len() as u32,
        CLAIMS,
        "",
    );
    let bindings = static_bindings(k);
    let mut claims = Unique::new();
    for (i, c) in k.persistent_volume_claims.iter().enumerate() {
        let p = cp.index(i);
        if !dns_label_ok(&c.name) {
            out.push((
                p.field("name"),
                format!("PersistentVolumeClaim name {} is not a valid Kubernetes name; use 1–63 lowercase letters, digits and '-'", quoted(&c.name)),
            ));
        }
        claims.check(out, p.field("name"), "PersistentVolumeClaim", &c.name);
        match &c.storage_class {
            // `""`: no class; only a PV written by hand of no class binds it.
            Some(n) if n.is_empty() => {}
            Some(n) if !k.storage_classes.iter().any(|s| &s.name == n) => out.push((
                p.field("storage_class"),
                format!(
                    "StorageClass {} is not defined (the provisioner would report storageclass.storage.k8s.io {} not found); {}",
                    quoted(n),
                    quoted(n),
                    list(k.storage_classes.iter().map(|s| s.name.as_str()))
                ),
            )),
            None if !k.storage_classes.iter().any(|s| s.is_default) => out.push((
                p.clone(),
                format!(
                    "PersistentVolumeClaim {} names no storage_class and no StorageClass is is_default: name one, e.g. storage_class: \"gp3\", or storage_class: \"\" for a PersistentVolume of no class written by hand",
                    quoted(&c.name)
                ),
            )),
            _ => {}
        }
        check_limit(
            out,
            p.field("storage_gib"),
            "storage_gib",
            c.storage_gib,
            EBS_SIZE_GIB,
            " GiB",
        );
        let efs = is_efs_claim(k, i, &bindings);
        if c.access_mode == AccessModeSpec::ReadWriteMany && !efs {
            out.push((
                p.field("access_mode"),
                "an EBS volume attaches to one node at a time; the EBS CSI driver refuses ReadWriteMany (use ReadWriteOnce, or EFS for storage shared across nodes)".into(),
            ));
        }
    }
    let fargate = |d: &str| {
        k.fargate_profiles
            .iter()
            .any(|f| f.deployments.iter().any(|x| x == d))
    };
    let mut mounted: Vec<&str> = Vec::new();
    for (i, d) in k.deployments.iter().enumerate() {
        let Some(name) = &d.persistent_volume_claim else {
            continue;
        };
        let p = wp
            .field("deployments")
            .index(i)
            .field("persistent_volume_claim");
        if !k.persistent_volume_claims.iter().any(|c| &c.name == name) {
            out.push((
                p,
                format!(
                    "PersistentVolumeClaim {} is not defined; {}",
                    quoted(name),
                    list(k.persistent_volume_claims.iter().map(|c| c.name.as_str()))
                ),
            ));
            continue;
        }
        let efs = k
            .persistent_volume_claims
            .iter()
            .position(|c| &c.name == name)
            .is_some_and(|ci| is_efs_claim(k, ci, &bindings));
        if efs {
            // EFS claims: eks_efs checks them (many replicas and Deployments may share one).
            continue;
        }
        if fargate(&d.name) {
            out.push((
                p,
                format!(
                    "Deployment {} runs on Fargate, and Fargate pods cannot mount EBS volumes; run it on a node group",
                    quoted(&d.name)
                ),
            ));
        } else if d.replicas > 1 {
            out.push((
                p,
                format!(
                    "Deployment {} has {} replicas sharing one ReadWriteOnce EBS volume; Orca starts such a Deployment with at most 1 replica (scale it later to see the Multi-Attach error)",
                    quoted(&d.name),
                    d.replicas
                ),
            ));
        } else if mounted.contains(&name.as_str()) {
            out.push((
                p,
                format!(
                    "claim {} is already mounted by another Deployment; Orca gives each ReadWriteOnce claim one Deployment",
                    quoted(name)
                ),
            ));
        }
        mounted.push(name);
    }
}
