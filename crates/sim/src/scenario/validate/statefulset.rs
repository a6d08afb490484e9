//! StatefulSets of an EKS world and the timeline's `UpdateStatefulSet`
//! (`docs/rules/k8s-statefulsets.md`): valid names, replicas and partition in range, one volume
//! claim template whose class exists (or a default class), an EBS-style access mode.

use super::Problems;
use super::common::{Unique, check_limit, list};
use super::eks::{container, dns_label_ok};
use crate::scenario::limits::{EBS_SIZE_GIB, K8S_INT32, REPLICAS};
use crate::scenario::locate::Path;
use crate::scenario::shown::{escaped, quoted};
use crate::scenario::spec::{AccessModeSpec, EksWorld};

/// A StatefulSet's pods are `<name>-<ordinal>`: the name must leave room for the ordinal
/// within a 63-character label [Orca's bound: the API allows a longer StatefulSet name, but
/// its pods' `controller-revision-hash` label must fit 63 characters].
const MAX_NAME: usize = 52;

pub(super) fn stateful_sets(out: &mut Problems, k: &EksWorld, wp: &Path) {
    let sp = wp.field("stateful_sets");
    let mut names = Unique::new();
    for (i, s) in k.stateful_sets.iter().enumerate() {
        let p = sp.index(i);
        if !dns_label_ok(&s.name) || s.name.len() > MAX_NAME {
            out.push((
                p.field("name"),
                format!(
                    "StatefulSet name {} is not a valid name; use 1–{MAX_NAME} lowercase letters, digits and '-' (its pods are named <name>-<ordinal>)",
                    quoted(&s.name)
                ),
            ));
        }
        names.check(out, p.field("name"), "StatefulSet", &s.name);
        if k.deployments.iter().any(|d| d.name == s.name) {
            out.push((
                p.field("name"),
                format!(
                    "a Deployment is also called {}; Orca's timeline and canvas name workloads by name, so give the StatefulSet another",
                    quoted(&s.name)
                ),
            ));
        }
        if let Some(svc) = &s.service_name
            && !dns_label_ok(svc)
        {
            out.push((
                p.field("service_name"),
                format!("Service name {} is not a valid Kubernetes name; use 1–63 lowercase letters, digits and '-'", quoted(svc)),
            ));
        }
        check_limit(
            out,
            p.field("replicas"),
            "replicas",
            s.replicas,
            REPLICAS,
            "",
        );
        check_limit(
            out,
            p.field("partition"),
            "partition",
            s.partition,
            K8S_INT32,
            "",
        );
        check_limit(
            out,
            p.field("min_ready_seconds"),
            "min_ready_seconds",
            s.min_ready_seconds,
            K8S_INT32,
            "",
        );
        container(out, &s.container, &p.field("container"));
        claim_templates(out, k, s, &p);
    }
}

fn claim_templates(
    out: &mut Problems,
    k: &EksWorld,
    s: &crate::scenario::spec::StatefulSetSpec,
    p: &Path,
) {
    let tp = p.field("volume_claim_templates");
    if s.volume_claim_templates.len() > 1 {
        out.push((
            tp.index(1),
            format!(
                "StatefulSet {} has {} volume claim templates; Orca models one volume per pod, so keep one",
                quoted(&s.name),
                s.volume_claim_templates.len()
            ),
        ));
    }
    for (i, t) in s.volume_claim_templates.iter().enumerate() {
        let p = tp.index(i);
        // The claim `<template>-<set>-<ordinal>` must be a valid name too.
        if !dns_label_ok(&t.name) || t.name.len() + s.name.len() + 2 > MAX_NAME + 11 {
            out.push((
                p.field("name"),
                format!(
                    "volume claim template name {} does not make valid claim names <template>-<set>-<ordinal>; use lowercase letters, digits and '-', short enough for 63 characters",
                    quoted(&t.name)
                ),
            ));
        }
        match &t.storage_class {
            Some(n) if !k.storage_classes.iter().any(|c| &c.name == n) => out.push((
                p.field("storage_class"),
                format!(
                    "StorageClass {} is not defined; {}",
                    quoted(n),
                    list(k.storage_classes.iter().map(|c| c.name.as_str()))
                ),
            )),
            None if !k.storage_classes.iter().any(|c| c.is_default) => out.push((
                p.clone(),
                format!(
                    "volume claim template {} names no storage_class and no StorageClass is is_default: name one, e.g. storage_class: \"gp3\"",
                    quoted(&t.name)
                ),
            )),
            _ => {}
        }
        check_limit(
            out,
            p.field("storage_gib"),
            "storage_gib",
            t.storage_gib,
            EBS_SIZE_GIB,
            " GiB",
        );
        if t.access_mode == AccessModeSpec::ReadWriteMany {
            out.push((
                p.field("access_mode"),
                "an EBS volume attaches to one node at a time; the EBS CSI driver refuses ReadWriteMany (use ReadWriteOnce)".into(),
            ));
        }
    }
}

/// `UpdateStatefulSet` in the timeline.
pub(super) fn update(
    out: &mut Problems,
    eks: Option<&EksWorld>,
    ap: &Path,
    name: &str,
    image: Option<&str>,
    replicas: Option<u32>,
    partition: Option<u32>,
) {
    let sets = eks.map_or(&[][..], |k| k.stateful_sets.as_slice());
    if !sets.iter().any(|s| s.name == name) {
        out.push((
            ap.field("stateful_set"),
            format!(
                "StatefulSet {} is not defined; {}",
                quoted(name),
                list(sets.iter().map(|s| s.name.as_str()))
            ),
        ));
    }
    if image.is_none() && replicas.is_none() && partition.is_none() {
        out.push((
            ap.clone(),
            "UpdateStatefulSet changes nothing; give image, replicas or partition".into(),
        ));
    }
    if let Some(image) = image
        && image.trim().is_empty()
    {
        out.push((
            ap.field("image"),
            format!("the image {} is empty; e.g. \"nginx:1.28\"", escaped(image)),
        ));
    }
    if let Some(r) = replicas {
        check_limit(out, ap.field("replicas"), "replicas", r, REPLICAS, "");
    }
    if let Some(n) = partition {
        check_limit(out, ap.field("partition"), "partition", n, K8S_INT32, "");
    }
}
