//! The images the ECS agent keeps on a container instance, and what its
//! `ECS_IMAGE_PULL_BEHAVIOR` does with them (Amazon ECS Developer Guide, "Container image pull
//! behavior for the EC2 and external launch types",
//! <https://docs.aws.amazon.com/AmazonECS/latest/developerguide/pull-behavior.html>;
//! docs/rules/ecr.md#the-ecs-agents-image-cache):
//! - `default`: the agent pulls the image; if the pull fails, the task runs the copy cached on
//!   the instance;
//! - `always`: it pulls; if the pull fails, the task fails;
//! - `once`: it pulls only if no earlier task on the instance pulled the image;
//! - `prefer-cached`: it pulls only if the instance has no cached copy.
//!
//! Orca model: an instance's cache is the images of the tasks that got past their pull on it
//! (ACTIVATING or later), the latest copy of each; the agent's automated image cleanup (images
//! unused for an hour, removed every three hours by default) is not modelled, nor are images
//! baked into the AMI, so `once` and `prefer-cached` behave alike. Fargate keeps no cache: every
//! task pulls.

use crate::ecs::cluster::{Ctx, EcsCluster};
use crate::ecs::ids::TaskIdx;
use crate::ecs::{Host, TaskStatus};
use crate::scenario::spec::EcsImagePullBehavior;

/// Per container of task `idx`, the digest of the copy of its image cached on the task's
/// container instance (`None` inside for an image outside the modelled registry). `None` when
/// the task is not on an instance or one of its images is not there.
pub fn cached_copies(world: &EcsCluster, idx: TaskIdx) -> Option<Vec<Option<String>>> {
    let t = world.task(idx);
    let images: Vec<&str> = t.containers.iter().map(|c| c.image.as_ref()).collect();
    copies_on(world, t.host, &images, Some(idx))
}

/// Per image, the digest of its copy cached on `host`: the copy of the latest task there
/// (other than `except`) that got past its pull. `None` unless `host` is an instance that has
/// every image.
pub fn copies_on(
    world: &EcsCluster,
    host: Host,
    images: &[&str],
    except: Option<TaskIdx>,
) -> Option<Vec<Option<String>>> {
    let Host::Instance(_) = host else {
        return None;
    };
    let pulled_here = |j: usize| {
        let o = &world.tasks[j];
        except.is_none_or(|e| e.0 as usize != j)
            && o.host == host
            && (o.reached_running || o.last_status == TaskStatus::Activating)
    };
    images
        .iter()
        .map(|image| {
            (0..world.tasks.len())
                .rev()
                .filter(|&j| pulled_here(j))
                .find_map(|j| {
                    world.tasks[j]
                        .containers
                        .iter()
                        .find(|x| x.image.as_ref() == *image)
                        .map(|x| x.image_digest.clone())
                })
        })
        .collect()
}

/// The agent uses the cached copies instead of pulling (`once`, `prefer-cached`): the task
/// spends only this long in PENDING [model].
pub const CACHED_START: crate::time::Millis = crate::time::Millis::from_secs(1);

/// The agent prefers the copies it has to a pull (`once`, `prefer-cached`). Asked first, so
/// that the usual `default` costs a task's start nothing more.
pub fn prefers_cache(world: &EcsCluster) -> bool {
    matches!(
        world.image_pull_behavior,
        EcsImagePullBehavior::Once | EcsImagePullBehavior::PreferCached
    )
}

/// Whether the agent skips the pull of a task on `host` with these images: it prefers its
/// copies and the instance has every one.
pub fn skips_pull(world: &EcsCluster, host: Host, images: &[&str]) -> bool {
    prefers_cache(world) && copies_on(world, host, images, None).is_some()
}

/// [`skips_pull`] for task `idx`.
pub fn skips_pull_of(world: &EcsCluster, idx: TaskIdx) -> bool {
    prefers_cache(world) && cached_copies(world, idx).is_some()
}

/// The task runs the copies cached on its instance: their digests, and why.
pub fn use_cached(ctx: &mut Ctx, idx: TaskIdx, copies: Vec<Option<String>>, why: String) {
    let now = ctx.now;
    let t = ctx.world.task_mut(idx);
    for (c, digest) in t.containers.iter_mut().zip(copies) {
        c.image_digest = digest;
    }
    t.explain(now, why);
}

/// Task `idx`'s pull failed with `reason`: with `default` behaviour a task on an instance that
/// has every image runs those copies (true, and the task carries on); otherwise the failure
/// stands. Only a failed pull falls back (`CannotPullContainerError`), not a volume or secret
/// that could not be set up.
pub fn fall_back(ctx: &mut Ctx, idx: TaskIdx, reason: &str) -> bool {
    if ctx.world.image_pull_behavior != EcsImagePullBehavior::Default
        || !reason.starts_with("CannotPullContainerError")
    {
        return false;
    }
    let Some(copies) = cached_copies(ctx.world, idx) else {
        return false;
    };
    let why = format!(
        "The image pull failed ({reason}); with ECS_IMAGE_PULL_BEHAVIOR default the ECS agent runs the copy an earlier task left on {}",
        instance_of(ctx.world, idx)
    );
    use_cached(ctx, idx, copies, why);
    true
}

/// Why a task whose pull was skipped runs cached copies.
pub fn skipped_why(world: &EcsCluster, idx: TaskIdx) -> String {
    format!(
        "ECS_IMAGE_PULL_BEHAVIOR {}: {} has every image of this task from an earlier task, so the ECS agent does not pull",
        world.image_pull_behavior.as_str(),
        instance_of(world, idx)
    )
}

fn instance_of(world: &EcsCluster, idx: TaskIdx) -> String {
    match world.task(idx).host {
        Host::Instance(i) => world.instance(i).ec2_instance_id.to_string(),
        _ => String::new(),
    }
}
