//! The ECS part of the world: the cluster with its container instances, task definitions,
//! services and tasks, and the load balancers' target groups and Auto Scaling groups that serve
//! it. Plain data; the controllers in this folder change it.

use serde::Serialize;

use crate::control::EcsTimer;
use crate::ecs::auto_scaling_group::AutoScalingGroup;
use crate::ecs::ids::{InstanceIdx, ServiceIdx, TargetGroupIdx, TaskDefIdx, TaskIdx};
use crate::ecs::task_table::TaskTable;
use crate::ecs::{ContainerInstance, Service, Task, TaskDefinition};
use crate::elb::TargetGroup;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EcsCluster {
    pub name: String,
    pub arn: String,
    pub instances: Vec<ContainerInstance>,
    pub task_definitions: Vec<TaskDefinition>,
    pub services: Vec<Service>,
    /// Every task the run has seen, stopped ones included (a [`crate::cow_vec::CowVec`]:
    /// snapshots share them), with a brief of each for the loops over a service's tasks
    /// ([`TaskTable`]).
    pub tasks: TaskTable,
    pub target_groups: Vec<TargetGroup>,
    /// EC2 Auto Scaling groups behind capacity providers.
    pub auto_scaling_groups: Vec<AutoScalingGroup>,
    /// AWS Cloud Map namespaces and services (ECS service discovery).
    pub cloud_map: crate::ecs::cloud_map::CloudMap,
    /// Amazon EFS file systems in the cluster's VPC.
    pub file_systems: Vec<crate::ecs::efs::FileSystem>,
    /// IAM of the account, when the scenario models it.
    pub iam: Option<crate::iam::Iam>,
    /// AWS Config managed rules enabled on the account, and their last verdicts.
    pub config_rules: Vec<String>,
    pub config_evaluations: Vec<crate::compliance::Evaluation>,
    /// Container Insights: whether the cluster setting is enabled, and its one-minute samples.
    pub insights: crate::insights::Insights,
    /// Amazon GuardDuty's detector, when the scenario has one (Runtime Monitoring for Fargate).
    pub guardduty: Option<crate::ecs::guardduty_state::EcsGuardDuty>,
    /// The ECS agent's `ECS_IMAGE_PULL_BEHAVIOR` on the container instances (`image_cache.rs`).
    pub image_pull_behavior: crate::scenario::spec::EcsImagePullBehavior,
    /// How many instances are DRAINING (kept by [`EcsCluster::set_instance_status`], which
    /// every change of an instance's status goes through): a pass asks it before looking at
    /// each task's instance, and almost always there is none.
    #[serde(skip)]
    pub draining_instances: u32,
    /// The failures of the last `RunTask` call: the task count before it, and what it could not
    /// start (its reply's `failures`). Boxed: every snapshot holds the field.
    #[serde(skip)]
    pub last_run_task: Option<Box<(usize, Vec<crate::ecs::messages::RunTaskFailure>)>>,
    /// The memos of quiet scheduler passes (a cache: clones start without them, equality
    /// ignores them; `ecs::quiet_memo`).
    #[serde(skip)]
    pub quiet_passes: crate::ecs::quiet_memo::QuietPasses,
}

impl EcsCluster {
    /// An empty cluster called `name` in `region` of `account_id`.
    pub fn new(name: &str, region: &str, account_id: &str) -> EcsCluster {
        EcsCluster {
            name: name.to_string(),
            arn: format!("arn:aws:ecs:{region}:{account_id}:cluster/{name}"),
            instances: Vec::new(),
            task_definitions: Vec::new(),
            services: Vec::new(),
            tasks: TaskTable::new(),
            target_groups: Vec::new(),
            auto_scaling_groups: Vec::new(),
            cloud_map: Default::default(),
            file_systems: Vec::new(),
            iam: None,
            config_rules: Vec::new(),
            config_evaluations: Vec::new(),
            insights: crate::insights::Insights::default(),
            guardduty: None,
            image_pull_behavior: Default::default(),
            draining_instances: 0,
            last_run_task: None,
            quiet_passes: Default::default(),
        }
    }

    /// Set instance `i`'s status, keeping the count of DRAINING instances.
    pub fn set_instance_status(&mut self, i: InstanceIdx, status: crate::ecs::InstanceStatus) {
        use crate::ecs::InstanceStatus::Draining;
        let inst = &mut self.instances[i.0 as usize];
        match (inst.status == Draining, status == Draining) {
            (false, true) => self.draining_instances += 1,
            (true, false) => self.draining_instances -= 1,
            _ => {}
        }
        inst.status = status;
        self.quiet_passes.instance_changed();
    }

    /// Whether any container instance is DRAINING.
    pub fn any_draining(&self) -> bool {
        debug_assert_eq!(
            self.draining_instances as usize,
            self.instances
                .iter()
                .filter(|i| i.status == crate::ecs::InstanceStatus::Draining)
                .count(),
            "the count of DRAINING instances is out of step"
        );
        self.draining_instances > 0
    }

    pub fn task(&self, i: TaskIdx) -> &Task {
        &self.tasks[i.0 as usize]
    }
    pub fn task_mut(&mut self, i: TaskIdx) -> &mut Task {
        &mut self.tasks[i.0 as usize]
    }
    pub fn service(&self, i: ServiceIdx) -> &Service {
        &self.services[i.0 as usize]
    }
    pub fn service_mut(&mut self, i: ServiceIdx) -> &mut Service {
        &mut self.services[i.0 as usize]
    }
    pub fn instance(&self, i: InstanceIdx) -> &ContainerInstance {
        &self.instances[i.0 as usize]
    }
    pub fn instance_mut(&mut self, i: InstanceIdx) -> &mut ContainerInstance {
        &mut self.instances[i.0 as usize]
    }
    pub fn target_group(&self, i: TargetGroupIdx) -> &TargetGroup {
        &self.target_groups[i.0 as usize]
    }
    pub fn target_group_mut(&mut self, i: TargetGroupIdx) -> &mut TargetGroup {
        &mut self.target_groups[i.0 as usize]
    }
    pub fn task_definition(&self, i: TaskDefIdx) -> &TaskDefinition {
        &self.task_definitions[i.0 as usize]
    }

    pub fn service_by_name(&self, name: &str) -> Option<ServiceIdx> {
        self.services
            .iter()
            .position(|s| s.name == name)
            .map(|i| ServiceIdx(i as u32))
    }
    pub fn instance_by_name(&self, name: &str) -> Option<InstanceIdx> {
        self.instances
            .iter()
            .position(|s| s.name == name)
            .map(|i| InstanceIdx(i as u32))
    }
    /// The task definition a `family:revision` reference names. The reference is parsed and
    /// compared as (family, revision), not as text; `None` if it is not of that form or names
    /// no registered revision.
    pub fn task_definition_by_ref(&self, family_revision: &str) -> Option<TaskDefIdx> {
        let (family, revision) = family_revision.rsplit_once(':')?;
        let revision: u32 = revision.parse().ok()?;
        self.task_definitions
            .iter()
            .position(|t| t.family == family && t.revision == revision)
            .map(|i| TaskDefIdx(i as u32))
    }
    pub fn task_by_id(&self, id: &str) -> Option<TaskIdx> {
        self.tasks
            .iter()
            .position(|t| t.id == id)
            .map(|i| TaskIdx(i as u32))
    }
}

/// The controller context of the ECS side: [`crate::control::Ctx`] over the ECS cluster.
pub type Ctx<'a> = crate::control::Ctx<'a, EcsCluster>;

impl Ctx<'_> {
    /// Ask the service scheduler to look at a service soon (after its reaction time); several
    /// requests before then share one pass.
    pub fn request_pass(&mut self, service: ServiceIdx) {
        let at = self.now.plus(self.timings.scheduler_reaction);
        self.request_pass_at(service, at);
    }

    /// Ask for a scheduler pass at a given moment (a health gate opening, a retry).
    pub fn request_pass_at(&mut self, service: ServiceIdx, at: crate::time::SimTime) {
        let at = at.max(self.now);
        let s = self.world.service_mut(service);
        if s.pass_at.is_some_and(|t| t <= at) {
            return;
        }
        s.pass_at = Some(at);
        self.schedule(at, EcsTimer::SchedulerPass(service));
    }
}
