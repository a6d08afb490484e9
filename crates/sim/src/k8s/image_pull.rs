//! What every image pull of the kubelet shares — the pod's first container's, an init
//! container's, a native sidecar's, a further app container's: whether the node already has
//! the image, how long a pull takes, and the `Pulled` message
//! (docs/rules/k8s-pods.md#image-pull-back-off; Kubernetes documentation, "Images"
//! <https://kubernetes.io/docs/concepts/containers/images/>).

use rand::Rng;

use super::cluster::EksCtx;
use super::{events, messages};
use crate::time::Millis;

/// Image pull time [model].
pub const PULL_SECONDS: u64 = 3;
/// A pull of a tag that does not exist fails this fast: the registry answers "not found" at
/// once [model].
pub const FAILED_PULL_SECONDS: u64 = 1;
/// A pod whose sync failed (ErrImagePull, ImagePullBackOff) is synced again after the pod
/// workers' `backOffPeriod`, 10 s (`completeWork` in `pkg/kubelet/pod_workers.go`; the
/// up-to-50 % jitter is left out [model]).
pub const SYNC_AFTER_ERROR: Millis = Millis::from_secs(10);

/// The image is on the pod's node before any pull: an EC2 node whose EKS AMI caches it.
pub fn image_on_node(ctx: &EksCtx, p: usize, image: &str) -> bool {
    let c = &*ctx.world;
    let on_ec2 = c.pods[p].node.is_some_and(|n| !c.nodes[n].fargate);
    on_ec2 && c.ami_images.contains(&image.to_string())
}

/// How long a pull takes: a tag that does not exist fails fast.
pub fn pull_time(missing: bool) -> Millis {
    Millis::from_secs(if missing {
        FAILED_PULL_SECONDS
    } else {
        PULL_SECONDS
    })
}

/// `Normal Pulling`: `Pulling image "…"`, on pod `p`.
pub fn report_pulling(ctx: &mut EksCtx, p: usize, image: &str) {
    let (object, subjects) = events::pod(&ctx.world.pods[p].name);
    events::normal(
        ctx,
        "Pulling",
        object,
        messages::pulling(image),
        subjects,
        None,
    );
}

/// `Normal Pulled`: `Successfully pulled image …`, on pod `p`.
pub fn report_pulled(ctx: &mut EksCtx, p: usize, image: &str) {
    let msg = pulled_message(ctx, image);
    let (object, subjects) = events::pod(&ctx.world.pods[p].name);
    events::normal(ctx, "Pulled", object, msg, subjects, None);
}

/// A pull failed: `Warning Failed` `Failed to pull image …`, then `Warning Failed`
/// `Error: ErrImagePull` with `why`.
pub fn report_failed(ctx: &mut EksCtx, p: usize, image: &str, why: String) {
    let (object, subjects) = events::pod(&ctx.world.pods[p].name);
    let failed = messages::failed_pull(image);
    events::warning(
        ctx,
        "Failed",
        object.clone(),
        failed,
        subjects.clone(),
        None,
    );
    let error = messages::error_reason("ErrImagePull");
    events::warning(ctx, "Failed", object, error, subjects, Some(why));
}

/// Inside the pull back-off window: `Normal BackOff` `Back-off pulling image …` with `why`,
/// then `Warning Failed` `Error: ImagePullBackOff`.
pub fn report_back_off(ctx: &mut EksCtx, p: usize, image: &str, why: String) {
    let (object, subjects) = events::pod(&ctx.world.pods[p].name);
    let back_off = messages::back_off_pulling(image);
    events::normal(
        ctx,
        "BackOff",
        object.clone(),
        back_off,
        subjects.clone(),
        Some(why),
    );
    let error = messages::error_reason("ImagePullBackOff");
    events::warning(ctx, "Failed", object, error, subjects, None);
}

/// `Successfully pulled image …`, with the size of the image (a modelled ECR image's own, or
/// drawn).
fn pulled_message(ctx: &mut EksCtx, image: &str) -> String {
    let drawn = 50_000_000 + ctx.rngs.timing.random_range(0..90_000_000u64);
    let bytes = match ctx.registry.lookup(image) {
        crate::ecr::Lookup::Found(r, i) => ctx.registry.repositories[r].images[i].size_bytes,
        _ => drawn,
    };
    messages::pulled(image, PULL_SECONDS as f64, bytes)
}
