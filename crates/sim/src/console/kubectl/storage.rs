//! `kubectl get pvc|pv|storageclass` and `kubectl describe pvc|pv|storageclass`: the storage
//! objects of the EKS world in kubectl's columns (kubectl's printers,
//! `pkg/printers/internalversion/printers.go`: `persistentVolumeClaimColumnDefinitions`,
//! `persistentVolumeColumnDefinitions`, `storageClassColumnDefinitions`).

use std::fmt::Write;

use super::get::age;
use super::parse::{Kind, Output};
use super::table::render;
use super::{Kube, Outcome};
use crate::k8s::volumes::{self, Claim, StorageClass, Volume};

/// Is this one of the storage kinds.
pub fn is_storage(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::PersistentVolumeClaim | Kind::PersistentVolume | Kind::StorageClass
    )
}

/// The names of the objects of a storage kind in scope, by index.
fn names_of(k: &Kube, kind: Kind) -> Vec<String> {
    let s = &k.eks.storage;
    match kind {
        Kind::PersistentVolumeClaim => s
            .claims
            .iter()
            .filter(|c| k.in_scope(&c.namespace))
            .map(|c| c.name.clone())
            .collect(),
        Kind::PersistentVolume => s.volumes.iter().map(|v| v.name.clone()).collect(),
        Kind::StorageClass => s.classes.iter().map(|c| c.name.clone()).collect(),
        _ => Vec::new(),
    }
}

/// `kubectl get` of a storage kind.
pub fn get(k: &Kube, kind: Kind, names: &[String], output: Output) -> Outcome {
    let all = names_of(k, kind);
    let (found, missing) = match k.named(kind, &all, names) {
        Ok(picked) => picked,
        Err(nothing) => return nothing,
    };
    let out = match output {
        Output::Name => found
            .iter()
            .map(|n| format!("{}/{n}\n", kind.prefix()))
            .collect(),
        _ => table(k, kind, &found, output == Output::Wide),
    };
    Outcome::Print(out + &missing)
}

fn claim<'a>(k: &'a Kube, name: &str) -> Option<&'a Claim> {
    k.eks
        .storage
        .claims
        .iter()
        .find(|c| c.name == name && k.in_scope(&c.namespace))
}

fn volume<'a>(k: &'a Kube, name: &str) -> Option<&'a Volume> {
    k.eks.storage.volumes.iter().find(|v| v.name == name)
}

fn class<'a>(k: &'a Kube, name: &str) -> Option<&'a StorageClass> {
    k.eks.storage.classes.iter().find(|c| c.name == name)
}

fn class_name(k: &Kube, c: &Claim) -> String {
    c.class
        .map(|i| k.eks.storage.classes[i].name.clone())
        .unwrap_or_default()
}

/// A PV's class: its own (a PV written by hand) or its claim's.
fn volume_class(k: &Kube, v: &Volume) -> String {
    match (&v.manual, v.claim) {
        (Some(m), _) => m.storage_class.clone(),
        (None, Some(cl)) => class_name(k, &k.eks.storage.claims[cl]),
        (None, None) => String::new(),
    }
}

/// `Bound` or, for a PV written by hand no claim has bound yet, `Available`.
fn volume_phase(v: &Volume) -> &'static str {
    if v.claim.is_some() {
        "Bound"
    } else {
        "Available"
    }
}

/// A provisioned PV is `Delete` (its class's policy); one written by hand has its own.
fn reclaim_policy(v: &Volume) -> &'static str {
    v.manual.as_ref().map_or("Delete", |m| m.reclaim_policy)
}

/// `namespace/name` of the claim bound to it, or nothing.
fn bound_claim(k: &Kube, v: &Volume) -> String {
    v.claim.map_or(String::new(), |cl| {
        let c = &k.eks.storage.claims[cl];
        format!("{}/{}", c.namespace, c.name)
    })
}

fn table(k: &Kube, kind: Kind, found: &[&String], wide: bool) -> String {
    let all_namespaces = k.all_namespaces();
    match kind {
        Kind::PersistentVolumeClaim => {
            let mut h = vec![
                "NAME",
                "STATUS",
                "VOLUME",
                "CAPACITY",
                "ACCESS MODES",
                "STORAGECLASS",
                "VOLUMEATTRIBUTESCLASS",
                "AGE",
            ];
            if wide {
                h.push("VOLUMEMODE");
            }
            if all_namespaces {
                h.insert(0, "NAMESPACE");
            }
            let rows: Vec<Vec<String>> = found
                .iter()
                .filter_map(|n| claim(k, n))
                .map(|c| {
                    let v = c.volume.map(|v| &k.eks.storage.volumes[v]);
                    let mut r = vec![
                        c.name.clone(),
                        volumes::claim_phase(c).into(),
                        v.map_or(String::new(), |v| v.name.clone()),
                        v.map_or(String::new(), |v| format!("{}Gi", v.storage_gib)),
                        v.map_or(String::new(), |v| v.access.short().into()),
                        class_name(k, c),
                        "<unset>".into(),
                        age(k.now, c.created_at),
                    ];
                    if wide {
                        r.push("Filesystem".into());
                    }
                    if all_namespaces {
                        r.insert(0, c.namespace.clone());
                    }
                    r
                })
                .collect();
            render(&h, &rows)
        }
        Kind::PersistentVolume => {
            let mut h = vec![
                "NAME",
                "CAPACITY",
                "ACCESS MODES",
                "RECLAIM POLICY",
                "STATUS",
                "CLAIM",
                "STORAGECLASS",
                "VOLUMEATTRIBUTESCLASS",
                "REASON",
                "AGE",
            ];
            if wide {
                h.push("VOLUMEMODE");
            }
            let rows: Vec<Vec<String>> = found
                .iter()
                .filter_map(|n| volume(k, n))
                .map(|v| {
                    let mut r = vec![
                        v.name.clone(),
                        format!("{}Gi", v.storage_gib),
                        v.access.short().into(),
                        reclaim_policy(v).into(),
                        volume_phase(v).into(),
                        bound_claim(k, v),
                        volume_class(k, v),
                        "<unset>".into(),
                        String::new(),
                        age(k.now, v.created_at),
                    ];
                    if wide {
                        r.push("Filesystem".into());
                    }
                    r
                })
                .collect();
            render(&h, &rows)
        }
        _ => {
            let h = [
                "NAME",
                "PROVISIONER",
                "RECLAIMPOLICY",
                "VOLUMEBINDINGMODE",
                "ALLOWVOLUMEEXPANSION",
                "AGE",
            ];
            let rows: Vec<Vec<String>> = found
                .iter()
                .filter_map(|n| class(k, n))
                .map(|s| {
                    vec![
                        if s.is_default {
                            format!("{} (default)", s.name)
                        } else {
                            s.name.clone()
                        },
                        s.provisioner.clone(),
                        "Delete".into(),
                        binding_mode(s).into(),
                        "false".into(),
                        age(k.now, crate::time::SimTime::ZERO),
                    ]
                })
                .collect();
            render(&h, &rows)
        }
    }
}

fn binding_mode(s: &StorageClass) -> &'static str {
    if s.wait_for_first_consumer {
        "WaitForFirstConsumer"
    } else {
        "Immediate"
    }
}

/// `kubectl describe` of a storage kind.
pub fn describe(k: &Kube, kind: Kind, names: &[String]) -> Outcome {
    let targets = if names.is_empty() {
        names_of(k, kind)
    } else {
        names.to_vec()
    };
    let mut out = Vec::new();
    for name in &targets {
        let text = match kind {
            Kind::PersistentVolumeClaim => claim(k, name).map(|c| describe_claim(k, c)),
            Kind::PersistentVolume => volume(k, name).map(|v| describe_volume(k, v)),
            _ => class(k, name).map(describe_class),
        };
        match text {
            Some(t) => out.push(t),
            None => return Kube::not_found(kind, name),
        }
    }
    if out.is_empty() {
        return Outcome::Print(k.no_resources());
    }
    Outcome::Print(out.join("\n\n"))
}

fn lines(o: &mut String, head: &str, width: usize, values: &[String]) {
    if values.is_empty() {
        let _ = writeln!(o, "{:<width$}<none>", head);
    }
    for (i, v) in values.iter().enumerate() {
        let h = if i == 0 { head } else { "" };
        let _ = writeln!(o, "{h:<width$}{v}");
    }
}

fn describe_claim(k: &Kube, c: &Claim) -> String {
    const W: usize = 15;
    let mut o = String::new();
    let v = c.volume.map(|v| &k.eks.storage.volumes[v]);
    let provisioner = c.class.map_or(volumes::EBS_CSI.to_string(), |i| {
        k.eks.storage.classes[i].provisioner.clone()
    });
    let _ = writeln!(o, "{:<W$}{}", "Name:", c.name);
    let _ = writeln!(o, "{:<W$}{}", "Namespace:", c.namespace);
    let _ = writeln!(o, "{:<W$}{}", "StorageClass:", class_name(k, c));
    let _ = writeln!(o, "{:<W$}{}", "Status:", volumes::claim_phase(c));
    let _ = writeln!(
        o,
        "{:<W$}{}",
        "Volume:",
        v.map_or(String::new(), |v| v.name.clone())
    );
    let _ = writeln!(o, "{:<W$}<none>", "Labels:");
    let mut ann = Vec::new();
    if v.is_some() {
        ann.push("pv.kubernetes.io/bind-completed: yes".to_string());
        ann.push("pv.kubernetes.io/bound-by-controller: yes".to_string());
    }
    let selected = c.selected_node.map(|n| k.eks.nodes[n].name.clone());
    // A claim bound to a PV written by hand was never handed to a provisioner.
    let started = v.is_some_and(|v| v.manual.is_none()) || c.provisioning.is_some();
    if started {
        ann.push(format!(
            "volume.beta.kubernetes.io/storage-provisioner: {provisioner}"
        ));
    }
    if let Some(n) = selected {
        ann.push(format!("volume.kubernetes.io/selected-node: {n}"));
    }
    if started {
        ann.push(format!(
            "volume.kubernetes.io/storage-provisioner: {provisioner}"
        ));
    }
    lines(&mut o, "Annotations:", W, &ann);
    let _ = writeln!(o, "{:<W$}[kubernetes.io/pvc-protection]", "Finalizers:");
    let _ = writeln!(
        o,
        "{:<W$}{}",
        "Capacity:",
        v.map_or(String::new(), |v| format!("{}Gi", v.storage_gib))
    );
    let _ = writeln!(
        o,
        "{:<W$}{}",
        "Access Modes:",
        v.map_or(String::new(), |v| v.access.short().into())
    );
    let _ = writeln!(o, "{:<W$}Filesystem", "VolumeMode:");
    let ci = k.eks.storage.claim_named(&c.namespace, &c.name);
    let used: Vec<String> = (0..k.eks.pods.len())
        .filter(|&p| !k.eks.pods[p].gone && volumes::claim_of(k.eks, p) == ci)
        .map(|p| k.eks.pods[p].name.clone())
        .collect();
    lines(&mut o, "Used By:", W, &used);
    o.push_str(&super::describe::events(
        k,
        &format!("persistentvolumeclaim/{}", c.name),
    ));
    o
}

fn describe_volume(k: &Kube, v: &Volume) -> String {
    if let Some(src) = &v.efs {
        return describe_efs_volume(k, v, src);
    }
    const W: usize = 18;
    let mut o = String::new();
    let _ = writeln!(o, "{:<W$}{}", "Name:", v.name);
    let _ = writeln!(o, "{:<W$}<none>", "Labels:");
    let _ = writeln!(
        o,
        "{:<W$}pv.kubernetes.io/provisioned-by: {}",
        "Annotations:",
        volumes::EBS_CSI
    );
    let _ = writeln!(
        o,
        "{:<W$}[kubernetes.io/pv-protection external-attacher/ebs-csi-aws-com]",
        "Finalizers:"
    );
    binding_lines(&mut o, k, v);
    let _ = writeln!(o, "Node Affinity:");
    let _ = writeln!(o, "  Required Terms:");
    let _ = writeln!(
        o,
        "    Term 0:        topology.kubernetes.io/zone in [{}]",
        v.zone
    );
    let _ = writeln!(o, "Message:");
    let _ = writeln!(o, "Source:");
    let _ = writeln!(
        o,
        "    Type:              CSI (a Container Storage Interface (CSI) volume source)"
    );
    let _ = writeln!(o, "    Driver:            {}", volumes::EBS_CSI);
    let _ = writeln!(o, "    FSType:            ext4");
    let _ = writeln!(o, "    VolumeHandle:      {}", v.volume_id);
    let _ = writeln!(o, "    ReadOnly:          false");
    o.push_str("Events:                <none>\n");
    o
}

/// An EFS PersistentVolume: no node affinity, nothing attaches it (the driver's CSIDriver
/// object has `attachRequired: false`), the access point in its volume handle.
fn describe_efs_volume(k: &Kube, v: &Volume, src: &volumes::EfsSource) -> String {
    const W: usize = 18;
    let mut o = String::new();
    let _ = writeln!(o, "{:<W$}{}", "Name:", v.name);
    let _ = writeln!(o, "{:<W$}<none>", "Labels:");
    // A PV written by hand has no provisioner; the controller marks the one it bound
    // (`pv.kubernetes.io/bound-by-controller`).
    match (&v.manual, v.claim) {
        (None, _) => {
            let _ = writeln!(
                o,
                "{:<W$}pv.kubernetes.io/provisioned-by: {}",
                "Annotations:",
                volumes::EFS_CSI
            );
        }
        (Some(_), Some(_)) => {
            let _ = writeln!(
                o,
                "{:<W$}pv.kubernetes.io/bound-by-controller: yes",
                "Annotations:"
            );
        }
        (Some(_), None) => {
            let _ = writeln!(o, "{:<W$}<none>", "Annotations:");
        }
    }
    let _ = writeln!(o, "{:<W$}[kubernetes.io/pv-protection]", "Finalizers:");
    binding_lines(&mut o, k, v);
    let _ = writeln!(o, "{:<W$}<none>", "Node Affinity:");
    let _ = writeln!(o, "Message:");
    let _ = writeln!(o, "Source:");
    let _ = writeln!(
        o,
        "    Type:              CSI (a Container Storage Interface (CSI) volume source)"
    );
    let _ = writeln!(o, "    Driver:            {}", volumes::EFS_CSI);
    let _ = writeln!(o, "    FSType:            ");
    let handle = v.manual.as_ref().map_or_else(
        || crate::k8s::efs_csi::volume_handle(src),
        |m| m.volume_handle.clone(),
    );
    let _ = writeln!(o, "    VolumeHandle:      {handle}");
    let _ = writeln!(o, "    ReadOnly:          false");
    if v.manual.as_ref().is_some_and(|m| !m.encrypt_in_transit) {
        let _ = writeln!(o, "    VolumeAttributes:      encryptInTransit=false");
    }
    o.push_str("Events:                <none>\n");
    o
}

/// From `StorageClass:` to `Capacity:`, the lines every PV's description has.
fn binding_lines(o: &mut String, k: &Kube, v: &Volume) {
    const W: usize = 18;
    let _ = writeln!(o, "{:<W$}{}", "StorageClass:", volume_class(k, v));
    let _ = writeln!(o, "{:<W$}{}", "Status:", volume_phase(v));
    let _ = writeln!(o, "{:<W$}{}", "Claim:", bound_claim(k, v));
    let _ = writeln!(o, "{:<W$}{}", "Reclaim Policy:", reclaim_policy(v));
    let _ = writeln!(o, "{:<W$}{}", "Access Modes:", v.access.short());
    let _ = writeln!(o, "{:<W$}Filesystem", "VolumeMode:");
    let _ = writeln!(o, "{:<W$}{}Gi", "Capacity:", v.storage_gib);
}

/// A class's `parameters` as kubectl prints them: `key=value` pairs sorted by key.
fn parameters(s: &StorageClass) -> String {
    let Some(e) = &s.efs else {
        return format!("type={}", s.volume_type);
    };
    if e.file_system_id.is_empty() {
        // A class for PVs written by hand only: no parameters.
        return "<none>".into();
    }
    let mut p = Vec::new();
    if !e.base_path.is_empty() {
        p.push(format!("basePath={}", e.base_path));
    }
    p.push(format!("directoryPerms={}", e.directory_perms));
    p.push(format!("fileSystemId={}", e.file_system_id));
    p.push(format!("gidRangeEnd={}", e.gid_range_end));
    p.push(format!("gidRangeStart={}", e.gid_range_start));
    p.push(format!(
        "provisioningMode={}",
        crate::k8s::efs_csi::PROVISIONING_MODE
    ));
    p.join(",")
}

fn describe_class(s: &StorageClass) -> String {
    const W: usize = 22;
    let mut o = String::new();
    let _ = writeln!(o, "{:<W$}{}", "Name:", s.name);
    let _ = writeln!(
        o,
        "{:<W$}{}",
        "IsDefaultClass:",
        if s.is_default { "Yes" } else { "No" }
    );
    let _ = writeln!(o, "{:<W$}<none>", "Annotations:");
    let _ = writeln!(o, "{:<W$}{}", "Provisioner:", s.provisioner);
    let _ = writeln!(o, "{:<W$}{}", "Parameters:", parameters(s));
    let _ = writeln!(o, "{:<W$}<unset>", "AllowVolumeExpansion:");
    let _ = writeln!(o, "{:<W$}<none>", "MountOptions:");
    let _ = writeln!(o, "{:<W$}Delete", "ReclaimPolicy:");
    let _ = writeln!(o, "{:<W$}{}", "VolumeBindingMode:", binding_mode(s));
    o.push_str("Events:                <none>\n");
    o
}
