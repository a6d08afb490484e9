//! What every image pull of the kubelet shares — the pod's first container's, an init
//! container's, a native sidecar's, a further app container's: whether the node already has
//! the image, what the container's `imagePullPolicy` makes of that, how long a pull takes, and
//! the `Pulled` messages (docs/rules/k8s-pods.md#images-on-the-node; Kubernetes documentation,
//! "Images" <https://kubernetes.io/docs/concepts/containers/images/>; the kubelet's
//! `EnsureImageExists` in `pkg/kubelet/images/image_manager.go`).
//!
//! A node keeps every image pulled onto it (`Node::images`) beside those its EKS AMI caches;
//! the kubelet's image garbage collection (which deletes unused images once the disk is 85 %
//! full) is not modelled [model]. A Fargate node is made for one pod, so its pod finds nothing
//! there but what it pulled itself.

use super::cluster::{ContainerState, EksCluster, EksCtx};
use super::{events, messages};
use crate::scenario::spec::ImagePullPolicy;
use crate::time::Millis;

/// Image pull time [model].
pub const PULL_SECONDS: u64 = 3;
/// A pull of an image the node already has (`imagePullPolicy: Always`): the kubelet asks the
/// registry for the tag's digest and downloads no layer [model].
pub const CACHED_PULL: Millis = Millis(500);
/// A pull of a tag that does not exist fails this fast: the registry answers "not found" at
/// once [model].
pub const FAILED_PULL_SECONDS: u64 = 1;
/// A pod whose sync failed (ErrImagePull, ImagePullBackOff) is synced again after the pod
/// workers' `backOffPeriod`, 10 s (`completeWork` in `pkg/kubelet/pod_workers.go`; the
/// up-to-50 % jitter is left out [model]).
pub const SYNC_AFTER_ERROR: Millis = Millis::from_secs(10);

/// The image is on the pod's node: pulled there before (for any pod), or cached by the EKS AMI
/// of an EC2 node.
pub fn image_on_node(ctx: &EksCtx, p: usize, image: &str) -> bool {
    let c = &*ctx.world;
    let Some(node) = c.pods[p].node.map(|n| &c.nodes[n]) else {
        return false;
    };
    node.images.iter().any(|i| i == image)
        || (!node.fargate && c.ami_images.iter().any(|i| i == image))
}

/// A pull onto pod `p`'s node succeeded: the node keeps the image.
pub fn keep_on_node(ctx: &mut EksCtx, p: usize, image: &str) {
    let c = &mut *ctx.world;
    if let Some(node) = c.pods[p].node.map(|n| &mut c.nodes[n])
        && !node.images.iter().any(|i| i == image)
    {
        node.images.push(image.to_string());
    }
}

/// The pods running when the scenario starts pulled their images before it: their nodes have
/// them (every container's: the first, the init containers, the others).
pub fn remember_running_images(c: &mut EksCluster) {
    for p in 0..c.pods.len() {
        let pod = &c.pods[p];
        let Some(n) = pod.node else {
            continue;
        };
        if pod.gone || !matches!(pod.state, ContainerState::Running { .. }) {
            continue;
        }
        let t = c.template_of(p);
        let images: Vec<String> = std::iter::once(&t.image)
            .chain(t.init_containers.iter().map(|i| &i.image))
            .chain(t.containers.iter().map(|x| &x.image))
            .cloned()
            .collect();
        let node = &mut c.nodes[n];
        for image in images {
            if !node.images.contains(&image) {
                node.images.push(image);
            }
        }
    }
}

/// What the kubelet does about a container's image before it creates the container.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ensure {
    /// `Container image "…" already present on machine`.
    Present,
    /// Pull; `cached` when the node has the image already (`Always` asks the registry anyway).
    Pull { cached: bool },
    /// `imagePullPolicy: Never` and the node does not have it: `ErrImageNeverPull`.
    NeverPull,
}

/// `shouldPullImage` of the kubelet's image manager: `Never` never pulls, `IfNotPresent` pulls
/// an image the node lacks, `Always` always pulls.
pub fn ensure(ctx: &EksCtx, p: usize, image: &str, policy: ImagePullPolicy) -> Ensure {
    let present = image_on_node(ctx, p, image);
    match (policy, present) {
        (ImagePullPolicy::Always, cached) => Ensure::Pull { cached },
        (_, true) => Ensure::Present,
        (ImagePullPolicy::IfNotPresent, false) => Ensure::Pull { cached: false },
        (ImagePullPolicy::Never, false) => Ensure::NeverPull,
    }
}

/// How long a pull takes: a tag that does not exist fails fast, an image the node has is only
/// resolved.
pub fn pull_time(missing: bool, cached: bool) -> Millis {
    if missing {
        Millis::from_secs(FAILED_PULL_SECONDS)
    } else if cached {
        CACHED_PULL
    } else {
        Millis::from_secs(PULL_SECONDS)
    }
}

/// `Normal Pulling`: `Pulling image "…"`, on pod `p`'s container at `at` (its
/// `involvedObject.fieldPath`, `events::container_ref`), as every report here.
pub fn report_pulling(ctx: &mut EksCtx, p: usize, at: &str, image: &str) {
    let message = messages::pulling(image);
    report(ctx, p, at, (false, "Pulling"), message, None);
}

/// One event of the kubelet's image manager about the container of pod `p` at `at`.
fn report(
    ctx: &mut EksCtx,
    p: usize,
    at: &str,
    (warning, reason): (bool, &str),
    message: String,
    why: Option<String>,
) {
    let (object, subjects) = events::pod(&ctx.world.pods[p].name);
    events::container(
        ctx,
        warning,
        reason,
        object,
        at.to_string(),
        message,
        subjects,
        why,
    );
}

/// `Normal Pulled`: `Successfully pulled image … in 3s …`, on pod `p`, after a pull that took
/// `took`; the node keeps the image.
pub fn report_pulled(ctx: &mut EksCtx, p: usize, at: &str, image: &str, took: Millis) {
    let msg = pulled_message(ctx, image, took);
    report(ctx, p, at, (false, "Pulled"), msg, None);
    keep_on_node(ctx, p, image);
}

/// `Normal Pulled`: `Container image "…" already present on machine`, with `why`.
pub fn report_present(ctx: &mut EksCtx, p: usize, at: &str, image: &str) {
    let why = present_why(ctx, p, image);
    let msg = messages::already_present(image);
    report(ctx, p, at, (false, "Pulled"), msg, Some(why));
}

/// Why the image is there.
fn present_why(ctx: &EksCtx, p: usize, image: &str) -> String {
    let c = &*ctx.world;
    let node = c.pods[p]
        .node
        .map(|n| c.nodes[n].name.as_str())
        .unwrap_or("");
    if c.ami_images.iter().any(|i| i == image) {
        format!("the EKS AMI of {node} comes with {image}; the kubelet does not pull it")
    } else {
        format!(
            "{node} pulled {image} before (for this or another pod) and keeps it: the kubelet does not pull it again"
        )
    }
}

/// `imagePullPolicy: Never` and the image is not on the node: `Warning ErrImageNeverPull`
/// `Container image "…" is not present with pull policy of Never`, then `Warning Failed`
/// `Error: ErrImageNeverPull` with `why`.
pub fn report_never_pull(ctx: &mut EksCtx, p: usize, at: &str, image: &str, why: String) {
    let message = messages::never_pull(image);
    report(ctx, p, at, (true, "ErrImageNeverPull"), message, None);
    let error = messages::error_reason("ErrImageNeverPull");
    report(ctx, p, at, (true, "Failed"), error, Some(why));
}

/// A pull failed: `Warning Failed` `Failed to pull image …`, then `Warning Failed`
/// `Error: ErrImagePull` with `why`.
pub fn report_failed(ctx: &mut EksCtx, p: usize, at: &str, image: &str, why: String) {
    let failed = messages::failed_pull(image);
    report(ctx, p, at, (true, "Failed"), failed, None);
    let error = messages::error_reason("ErrImagePull");
    report(ctx, p, at, (true, "Failed"), error, Some(why));
}

/// Inside the pull back-off window: `Normal BackOff` `Back-off pulling image …` with `why`,
/// then `Warning Failed` `Error: ImagePullBackOff`.
pub fn report_back_off(ctx: &mut EksCtx, p: usize, at: &str, image: &str, why: String) {
    let back_off = messages::back_off_pulling(image);
    report(ctx, p, at, (false, "BackOff"), back_off, Some(why));
    let error = messages::error_reason("ImagePullBackOff");
    report(ctx, p, at, (true, "Failed"), error, None);
}

/// `Successfully pulled image …`, with the size of the image: a modelled ECR image's own, or
/// one derived from the reference, so that every pull of an image reports the same size [model].
fn pulled_message(ctx: &EksCtx, image: &str, took: Millis) -> String {
    let bytes = match ctx.registry.lookup(image) {
        crate::ecr::Lookup::Found(r, i) => ctx.registry.repositories[r].images[i].size_bytes,
        _ => 50_000_000 + crate::hash::fnv(image) % 90_000_000,
    };
    messages::pulled(image, took, bytes)
}
