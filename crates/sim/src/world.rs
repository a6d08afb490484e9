//! The simulated world at one moment: everything the app draws and the inspector shows. Plain
//! data, cheap to clone (the playback keeps snapshots of it; tasks and targets are shared
//! between clones until one writes them, see [`crate::cow_vec`]), compared whole by the seek
//! tests.
//!
//! One shape for every scenario: the shared network (region, zones, subnets), and an optional
//! ECS part and an optional EKS part — a scenario may hold either or both.

use serde::Serialize;

use crate::cow_vec::CowVec;
use crate::ecr::Registry;
use crate::ecs::Task;
use crate::ecs::cluster::EcsCluster;
use crate::elb::Target;
use crate::k8s::cluster::EksCluster;
use crate::net::Network;
use crate::time::SimTime;

pub use crate::ecs::ids::{InstanceIdx, ServiceIdx, TargetGroupIdx, TaskDefIdx, TaskIdx};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct World {
    pub now: SimTime,
    pub net: Network,
    /// The Amazon ECS cluster of the scenario, if it has one.
    pub ecs: Option<EcsCluster>,
    /// The Amazon EKS cluster of the scenario, if it has one.
    pub eks: Option<EksCluster>,
    /// The account's Amazon ECR registry (empty when the scenario models none).
    pub ecr: Registry,
}

impl World {
    /// Hint that the objects `timer` reads first will be read soon ([`crate::prefetch`]): its
    /// task (every line of it), or its target and the target's task.
    pub fn prefetch_for(&self, timer: &crate::control::Timer) {
        use crate::control::{EcsTimer, Timer};
        let (Timer::Ecs(timer), Some(ecs)) = (timer, &self.ecs) else {
            return;
        };
        match *timer {
            EcsTimer::TaskStep(t)
            | EcsTimer::ContainerHealth(t)
            | EcsTimer::ContainerExit(t)
            | EcsTimer::ContainerDeps(t)
            | EcsTimer::AppCalls(t) => {
                if let Some(task) = ecs.tasks.get(t.0 as usize) {
                    crate::prefetch::hint_all(task);
                }
            }
            EcsTimer::Target(tg, t) => {
                if let Some(target) = ecs
                    .target_groups
                    .get(tg.0 as usize)
                    .and_then(|g| g.target_of(t))
                {
                    crate::prefetch::hint_all(target);
                    // Its health checks read the task's containers (`target_health::signal`).
                    if let Some(task) = ecs.tasks.get(t.0 as usize) {
                        crate::prefetch::hint_all(task);
                    }
                }
            }
            _ => {}
        }
    }

    /// Hint at what the task of `timer` points to (its containers), once the task itself is
    /// in the cache ([`World::prefetch_for`] a few timers before).
    pub fn prefetch_beyond(&self, timer: &crate::control::Timer) {
        use crate::control::{EcsTimer, Timer};
        let (Timer::Ecs(timer), Some(ecs)) = (timer, &self.ecs) else {
            return;
        };
        let t = match *timer {
            EcsTimer::TaskStep(t) | EcsTimer::ContainerHealth(t) | EcsTimer::Target(_, t) => t,
            _ => return,
        };
        if let Some(c) = ecs
            .tasks
            .get(t.0 as usize)
            .and_then(|task| task.containers.first())
        {
            crate::prefetch::hint_all(c);
        }
    }

    /// A rough size of the world in bytes: the objects that grow with a run (tasks, pods,
    /// targets, metric samples) at a typical size each. The playback keeps its snapshots
    /// within a budget with it.
    pub fn approx_bytes(&self) -> usize {
        self.approx_bytes_counting(CowVec::len, |_, v| v.len())
    }

    /// [`World::approx_bytes`] less the tasks and targets this world shares with `older` (an
    /// earlier clone of it: a snapshot before this one), which cost only a pointer here.
    pub fn approx_bytes_beyond(&self, older: &World) -> usize {
        let older_ecs = older.ecs.as_ref();
        self.approx_bytes_counting(
            |tasks| older_ecs.map_or(tasks.len(), |o| tasks.count_not_in(&o.tasks)),
            |g, targets| {
                older_ecs
                    .and_then(|o| o.target_groups.get(g))
                    .map_or(targets.len(), |o| targets.count_not_in(&o.targets))
            },
        )
    }

    /// [`World::approx_bytes`] less the tasks and targets another clone of this world still
    /// holds: what a snapshot taken now adds to the snapshots before it.
    pub fn approx_unshared_bytes(&self) -> usize {
        self.approx_bytes_counting(CowVec::count_unshared, |_, v| v.count_unshared())
    }

    /// The size, with `tasks` and `targets` (given each target group's index) saying how
    /// many of those objects to count whole; the others cost a pointer.
    fn approx_bytes_counting(
        &self,
        tasks: impl Fn(&CowVec<Task>) -> usize,
        targets: impl Fn(usize, &CowVec<Target>) -> usize,
    ) -> usize {
        use std::mem::size_of;
        // Strings, containers and explanations a task or pod carries besides its own struct.
        const TASK_EXTRA: usize = 1024;
        const POD_EXTRA: usize = 512;
        // A target's strings and prober besides its own struct.
        const TARGET_EXTRA: usize = 128;
        const POINTER: usize = size_of::<usize>();
        let ecs = self.ecs.as_ref().map_or(0, |e| {
            e.tasks.len() * POINTER
                + tasks(&e.tasks) * (size_of::<Task>() + TASK_EXTRA)
                + e.instances.len() * (size_of::<crate::ecs::ContainerInstance>() + 512)
                + e.target_groups
                    .iter()
                    .enumerate()
                    .map(|(i, g)| {
                        g.targets.len() * POINTER
                            + targets(i, &g.targets) * (size_of::<Target>() + TARGET_EXTRA)
                    })
                    .sum::<usize>()
                + e.services
                    .iter()
                    .map(|s| s.metrics.len() * 96 + s.tasks.len() * 4)
                    .sum::<usize>()
        });
        let eks = self.eks.as_ref().map_or(0, |k| {
            k.pods.len() * (size_of::<crate::k8s::cluster::Pod>() + POD_EXTRA)
                + k.nodes.len() * 1024
                + k.replica_sets.len() * 1024
                + k.samples.len() * 64
        });
        let ecr = self
            .ecr
            .repositories
            .iter()
            .map(|r| r.images.len() * 512)
            .sum::<usize>();
        size_of::<World>() + ecs + eks + ecr
    }
}
