//! The names an ECS world defines, indexed once so that references from services, the
//! timeline and quizzes resolve in constant time and problems can list what exists.

use std::collections::{HashMap, HashSet};

use super::Problems;
use super::common::{list, quoted_names};
use crate::scenario::locate::Path;
use crate::scenario::shown::{self, quoted};
use crate::scenario::spec::{
    Action, EcsWorld, ServiceSpec, TargetGroupSpec, TaskDefinitionSpec, TimelineEntry,
};

/// What the rest of the file may refer to, indexed so that large files stay linear.
pub(super) struct EcsIndex<'a> {
    pub(super) w: &'a EcsWorld,
    /// The world's task definitions, then those the timeline registers
    /// (`RegisterTaskDefinition`).
    tds: Vec<&'a TaskDefinitionSpec>,
    /// (family, revision) → index of its first definition.
    pub(super) task_definitions: HashMap<(&'a str, u32), usize>,
    /// family → its revisions, sorted.
    revisions: HashMap<&'a str, Vec<u32>>,
    services: HashMap<&'a str, usize>,
    target_groups: HashMap<&'a str, usize>,
    zones: Vec<String>,
    /// Container instance names in order (`<group>` or `<group>-<n>`), at most
    /// [`MAX_INSTANCES`] of them.
    pub(super) instances: Vec<String>,
    pub(super) instance_set: HashSet<String>,
    /// Names of the instances whose group has `spot: true`.
    pub(super) spot_instances: HashSet<String>,
}

impl<'a> EcsIndex<'a> {
    pub(super) fn new(w: &'a EcsWorld) -> Self {
        let mut task_definitions = HashMap::new();
        let mut revisions: HashMap<&str, Vec<u32>> = HashMap::new();
        for (i, td) in w.task_definitions.iter().enumerate() {
            task_definitions
                .entry((td.family.as_str(), td.revision))
                .or_insert(i);
            revisions
                .entry(td.family.as_str())
                .or_default()
                .push(td.revision);
        }
        for r in revisions.values_mut() {
            r.sort_unstable();
            r.dedup();
        }
        let mut services = HashMap::new();
        for (i, s) in w.services.iter().enumerate() {
            services.entry(s.name.as_str()).or_insert(i);
        }
        let mut target_groups = HashMap::new();
        for (i, t) in w.target_groups.iter().enumerate() {
            target_groups.entry(t.name.as_str()).or_insert(i);
        }
        EcsIndex {
            w,
            tds: w.task_definitions.iter().collect(),
            task_definitions,
            revisions,
            services,
            target_groups,
            zones: w.cluster.availability_zones.clone(),
            instances: Vec::new(),
            instance_set: HashSet::new(),
            spot_instances: HashSet::new(),
        }
    }

    /// Add the task definitions the timeline registers (a revision already defined keeps its
    /// first definition; the timeline check reports the clash).
    pub(super) fn register(&mut self, timeline: &'a [TimelineEntry]) {
        for e in timeline {
            if let Action::RegisterTaskDefinition {
                task_definition: td,
            } = &e.action
            {
                let i = self.tds.len();
                self.tds.push(td);
                self.task_definitions
                    .entry((td.family.as_str(), td.revision))
                    .or_insert(i);
                let r = self.revisions.entry(td.family.as_str()).or_default();
                if !r.contains(&td.revision) {
                    r.push(td.revision);
                    r.sort_unstable();
                }
            }
        }
    }

    fn td_refs(&self) -> Vec<String> {
        self.tds
            .iter()
            .map(|t| format!("{}:{}", t.family, t.revision))
            .collect()
    }

    /// The task definition a `family:revision` string names.
    pub(super) fn find_td(&self, r: &str) -> Result<(usize, &'a TaskDefinitionSpec), String> {
        let Some((family, rev)) = r.rsplit_once(':') else {
            return Err(format!(
                "task definition {} is not of the form \"family:revision\", e.g. {}; {}",
                quoted(r),
                quoted(&format!(
                    "{}:1",
                    if r.is_empty() || r.chars().count() > shown::MAX_SHOWN {
                        "web"
                    } else {
                        r
                    }
                )),
                list(self.td_refs())
            ));
        };
        let Ok(rev) = rev.parse::<u32>() else {
            return Err(format!(
                "task definition {} has no revision number after the colon, e.g. {}; {}",
                quoted(r),
                quoted(&format!("{family}:1")),
                list(self.td_refs())
            ));
        };
        // The engine compares (family, revision), so "web:01" would find revision 1; asking for
        // the canonical spelling keeps the reference the same in the file, the log and the CLI.
        let canonical = format!("{family}:{rev}");
        if canonical != r {
            return Err(format!(
                "task definition {} writes its revision with a sign or leading zeros; write {}",
                quoted(r),
                quoted(&canonical)
            ));
        }
        match self.task_definitions.get(&(family, rev)) {
            Some(&i) => Ok((i, self.tds[i])),
            None => Err(format!(
                "task definition {} is not defined; {}",
                quoted(r),
                list(self.td_refs())
            )),
        }
    }

    fn service(&self, name: &str) -> Option<&'a ServiceSpec> {
        self.services.get(name).map(|&i| &self.w.services[i])
    }

    pub(super) fn target_group(&self, name: &str) -> Option<&'a TargetGroupSpec> {
        self.target_groups
            .get(name)
            .map(|&i| &self.w.target_groups[i])
    }

    /// The service called `name`, or a problem at `p` listing those that exist.
    pub(super) fn service_ref(
        &self,
        out: &mut Problems,
        name: &str,
        p: Path,
    ) -> Option<&'a ServiceSpec> {
        let found = self.service(name);
        if found.is_none() {
            out.push((
                p,
                format!(
                    "service {} is not defined; {}",
                    quoted(name),
                    list(self.w.services.iter().map(|s| s.name.as_str()))
                ),
            ));
        }
        found
    }

    /// Checks that `rev` is a revision of the family `svc` runs.
    pub(super) fn revision_ref(&self, out: &mut Problems, svc: &ServiceSpec, rev: u32, p: Path) {
        if self.find_td(&svc.task_definition).is_err() {
            // The service's own reference is already reported; its family is unknown.
            return;
        }
        let family = svc.task_definition.rsplit_once(':').map_or("", |x| x.0);
        let revs = self.revisions.get(family).cloned().unwrap_or_default();
        if !revs.contains(&rev) {
            out.push((
                p,
                format!(
                    "revision {rev} of service {}'s family {} is not defined; defined revisions: {}",
                    quoted(&svc.name),
                    quoted(family),
                    revs.iter()
                        .map(u32::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
    }

    pub(super) fn zone_ref(&self, out: &mut Problems, zone: &str, p: Path) {
        // An empty zone list is reported on its own.
        if !self.zones.is_empty() && !self.zones.iter().any(|z| z == zone) {
            out.push((
                p,
                format!(
                    "zone {} is not one of the cluster's availability_zones; valid: {}",
                    quoted(zone),
                    quoted_names(&self.zones)
                ),
            ));
        }
    }

    pub(super) fn instance_ref(&self, out: &mut Problems, name: &str, p: Path) {
        if !self.instance_set.contains(name) {
            out.push((
                p,
                format!(
                    "instance {} does not exist; {}",
                    quoted(name),
                    list(&self.instances)
                ),
            ));
        }
    }
}
