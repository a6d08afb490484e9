//! Karpenter (`docs/rules/k8s-autoscaling.md#karpenter`): node provisioning without node groups. It watches unschedulable
//! pods, batches them, bin-packs their requests into NodeClaims, launches the cheapest allowed
//! instance type that holds each claim's pods, and later consolidates: it removes empty nodes
//! and, with `WhenEmptyOrUnderutilized`, nodes whose pods fit on the others, or replaces a node
//! with one cheaper node that holds the pods that fit nowhere else.
//!
//! This file holds Karpenter's objects and its pure rules (packing, the cheapest fit, the
//! replacement type, the budget, the wording), tested below; `karpenter_controller.rs` runs
//! them every second.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Serialize, Serializer};

use super::rollout::IntOrPercent;
use super::scheduler::Requests;
use crate::aws::instance_types::InstanceType;
use crate::time::{Millis, SimTime};

/// The provisioner waits until no new unschedulable pod arrived for 1 s (`BATCH_IDLE_DURATION`)
/// but at most 10 s (`BATCH_MAX_DURATION`) before it solves the batch.
pub const BATCH_IDLE: Millis = Millis::from_secs(1);
pub const BATCH_MAX: Millis = Millis::from_secs(10);
/// The disruption controller polls every 10 s.
pub const DISRUPTION_POLL: Millis = Millis::from_secs(10);
/// From the NodeClaim's creation: EC2 Fleet returns the instance (Launched), the kubelet
/// registers the node (Registered), the node is Ready (Initialized). [inferred: Karpenter
/// nodes are typically Ready in well under a minute; the split is Orca's model.]
pub const LAUNCHED_AFTER: Millis = Millis::from_secs(2);
pub const REGISTERED_AFTER: Millis = Millis::from_secs(30);
pub const INITIALIZED_AFTER: Millis = Millis::from_secs(40);
/// `Unconsolidatable` events are deduplicated for 15 minutes per node.
pub const UNCONSOLIDATABLE_DEDUPE: Millis = Millis::from_secs(900);
/// The NodePool's `DisruptionBlocked` event is deduplicated for 1 minute.
pub const BLOCKED_DEDUPE: Millis = Millis::from_secs(60);

/// `disruption.consolidationPolicy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ConsolidationPolicy {
    WhenEmpty,
    WhenEmptyOrUnderutilized,
}

/// A `NodePool` as Karpenter uses it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NodePool {
    pub name: String,
    /// Allowed instance types, in the order the file lists them (ties in price go to the
    /// earlier one).
    #[serde(serialize_with = "type_names")]
    pub instance_types: Vec<&'static InstanceType>,
    /// `limits.cpu` in vCPUs.
    pub cpu_limit: Option<u32>,
    pub consolidation_policy: ConsolidationPolicy,
    pub consolidate_after: Millis,
    /// `disruption.budgets[0].nodes`.
    pub budget_nodes: IntOrPercent,
    /// `template.spec.expireAfter` (`None`: Never).
    pub expire_after: Option<Millis>,
    /// The AMI the EC2NodeClass resolves to (`amiSelectorTerms`): a NodeClaim launched from
    /// another AMI has drifted.
    pub ami_id: String,
    /// `karpenter.sh/capacity-type In [spot]`: the NodeClaims are Spot instances.
    pub spot: bool,
    /// Karpenter's `settings.interruptionQueue` names an SQS queue that EventBridge feeds with
    /// EC2 Spot interruption warnings.
    pub interruption_queue: bool,
}

/// An EC2 Spot Instance interruption notice comes 2 minutes before the instance is
/// interrupted (Amazon EC2 User Guide, "Spot Instance interruption notices").
pub const SPOT_NOTICE: Millis = Millis::from_secs(120);

/// Where a NodeClaim is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum ClaimPhase {
    /// Created; the instance is being launched.
    Created,
    Launched,
    Registered,
    Initialized,
}

/// One machine Karpenter asked for.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NodeClaim {
    /// `<nodepool>-<5 random characters>`.
    pub name: String,
    #[serde(serialize_with = "type_name")]
    pub instance_type: &'static InstanceType,
    pub zone: String,
    pub created_at: SimTime,
    pub phase: ClaimPhase,
    /// Index of its node in `Cluster::nodes` once registered.
    pub node: Option<usize>,
    /// Pods on the node when last counted, and when that count last changed (a pod arrived or
    /// left): `consolidateAfter` runs from then.
    pub pods_seen: u32,
    pub pods_changed_at: SimTime,
    /// Being disrupted, and why (`Empty`, `Underutilized`).
    pub disruption: Option<&'static str>,
    pub unconsolidatable_reported_at: Option<SimTime>,
    /// Why it is being disrupted, with the numbers (for the replace that drains it later).
    pub disruption_why: Option<String>,
    /// The termination controller is evicting its pods (through the Eviction API, retried
    /// while a PodDisruptionBudget refuses).
    pub evicting: bool,
    /// When a PodDisruptionBudget last kept it from being a disruption candidate.
    pub pdb_blocked_reported_at: Option<SimTime>,
    /// The node and the instance are gone.
    pub gone: bool,
    /// The AMI the instance was launched from.
    pub ami_id: String,
    /// The `Drifted` condition: its reason (`AMIDrift`) and when it became True.
    pub drifted: Option<(&'static str, SimTime)>,
    /// A Spot interruption warning for its instance came at this time; EC2 interrupts the
    /// instance `SPOT_NOTICE` later.
    pub interrupted_at: Option<SimTime>,
}

/// A replace command in flight (consolidation that needs one new, cheaper node, or drift that
/// needs new nodes for the pods that fit nowhere else). As Karpenter's orchestration queue does
/// it: the candidates are tainted and the replacements launched at once; only when every
/// replacement is Initialized are the candidates deleted, their pods evicted onto the new
/// capacity. Orca runs one such command per NodePool at a time. [model: Karpenter can run
/// several commands in parallel.]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Replace {
    /// The NodeClaims being replaced (several for multi-node consolidation).
    pub candidates: Vec<usize>,
    /// The NodeClaims launched for their pods.
    pub replacements: Vec<usize>,
    /// The replacements are Initialized and the candidates are being drained.
    pub draining: bool,
}

impl Replace {
    pub fn replaces(&self, c: usize) -> bool {
        self.candidates.contains(&c)
    }

    pub fn launched(&self, c: usize) -> bool {
        self.replacements.contains(&c)
    }
}

impl NodeClaim {
    /// Launching: not Initialized yet, and not gone.
    pub fn in_flight(&self) -> bool {
        !self.gone && self.phase < ClaimPhase::Initialized
    }
}

/// Karpenter's state in the cluster: the NodePool, its NodeClaims and the controllers' clocks.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Karpenter {
    pub pool: NodePool,
    pub claims: Vec<NodeClaim>,
    /// The open batch: when it started, when its last new pod arrived, the pods it holds.
    pub batch_started: Option<SimTime>,
    pub batch_last_new: SimTime,
    pub batch: BTreeSet<usize>,
    /// Pod index → the claim it was nominated to.
    pub nominated: BTreeMap<usize, usize>,
    /// Pods already told that Karpenter cannot help them (the event is sent once).
    pub failed_reported: BTreeSet<usize>,
    pub next_disruption: SimTime,
    pub blocked_reported_at: Option<SimTime>,
    /// The replace command in flight, if any.
    pub replacing: Option<Replace>,
}

impl Karpenter {
    pub fn new(pool: NodePool) -> Karpenter {
        Karpenter {
            pool,
            claims: Vec::new(),
            batch_started: None,
            batch_last_new: SimTime::ZERO,
            batch: BTreeSet::new(),
            nominated: BTreeMap::new(),
            failed_reported: BTreeSet::new(),
            next_disruption: SimTime::ZERO.plus(DISRUPTION_POLL),
            blocked_reported_at: None,
            replacing: None,
        }
    }

    /// vCPUs of every NodeClaim of the pool that still exists (launching ones included), as
    /// `limits.cpu` counts them.
    pub fn cpu_in_use(&self) -> u32 {
        self.claims
            .iter()
            .filter(|c| !c.gone)
            .map(|c| c.instance_type.vcpu)
            .sum()
    }
}

/// An instance type appears by its name in the state's JSON.
fn type_name<S: Serializer>(t: &&'static InstanceType, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(t.name)
}

fn type_names<S: Serializer>(types: &[&'static InstanceType], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(types.iter().map(|t| t.name))
}

// ---------------------------------------------------------------------------------------------
// Pure rules

/// Requests of a bin: cpu, memory and the pod count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Load {
    pub cpu_millis: u32,
    pub memory_mib: u32,
    pub pods: u32,
}

impl Load {
    pub fn plus(self, r: Requests) -> Load {
        Load {
            cpu_millis: self.cpu_millis + r.cpu_millis,
            memory_mib: self.memory_mib + r.memory_mib,
            pods: self.pods + 1,
        }
    }

    /// The load fits the allocatable of an instance type.
    pub fn fits(&self, t: &InstanceType) -> bool {
        self.cpu_millis <= t.eks_allocatable_cpu_millis()
            && self.memory_mib <= t.eks_allocatable_memory_mib()
            && self.pods <= t.eks_max_pods()
    }
}

/// The cheapest allowed type whose allocatable holds `load` and whose vCPUs stay within
/// `cpu_left` (EC2 Fleet's lowest-price strategy for on-demand; a tie goes to the type listed
/// first).
pub fn cheapest_fit(
    types: &[&'static InstanceType],
    load: Load,
    cpu_left: Option<u32>,
) -> Option<&'static InstanceType> {
    let mut best: Option<&'static InstanceType> = None;
    for t in types {
        if !load.fits(t) || cpu_left.is_some_and(|left| t.vcpu > left) {
            continue;
        }
        if best.is_none_or(|b| t.on_demand_usd_per_hour() < b.on_demand_usd_per_hour()) {
            best = Some(t);
        }
    }
    best
}

/// What single-node consolidation can do with the pods of a node that fit nowhere else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Replacement {
    /// Launch this type: the cheapest allowed type that holds them, strictly cheaper than the
    /// node, within `limits.cpu` (a tie in price goes to the type listed first).
    Launch(&'static InstanceType),
    /// Some type strictly cheaper than the node holds them, but every such type would exceed
    /// `limits.cpu` while the node still exists.
    ExceedsLimits,
    /// No allowed type strictly cheaper than the node holds them (Karpenter filters the
    /// options by price before it launches, so a same-price type never replaces a node).
    NotCheaper,
}

/// The replacement for a node of type `current` whose leftover pods add up to `load`.
/// `cpu_left` is what `limits.cpu` allows on top of every existing claim, the node being
/// replaced included: the replacement is launched before the node goes. [model: Karpenter's
/// scheduling simulation checks the NodePool limits; Orca counts both nodes.]
pub fn replacement(
    types: &[&'static InstanceType],
    current: &InstanceType,
    load: Load,
    cpu_left: Option<u32>,
) -> Replacement {
    let price = current.on_demand_usd_per_hour();
    let cheaper: Vec<&'static InstanceType> = types
        .iter()
        .copied()
        .filter(|t| t.on_demand_usd_per_hour() < price)
        .collect();
    match cheapest_fit(&cheaper, load, cpu_left) {
        Some(t) => Replacement::Launch(t),
        None if cheapest_fit(&cheaper, load, None).is_some() => Replacement::ExceedsLimits,
        None => Replacement::NotCheaper,
    }
}

/// Multi-node consolidation's replacement for the candidates `current` whose pods that fit
/// nowhere else add up to `load` (karpenter `pkg/controllers/disruption/consolidation.go`,
/// `computeConsolidation`, and `multinodeconsolidation.go`, `filterOutSameInstanceType`): the
/// cheapest allowed type that holds them, strictly cheaper than all the candidates together;
/// and when one of the candidates' own types could be the replacement, only types strictly
/// cheaper than the cheapest such candidate (else deleting the others and keeping that node
/// would move fewer pods). `None`: no such type, within `cpu_left`.
pub fn multi_replacement(
    types: &[&'static InstanceType],
    current: &[&'static InstanceType],
    load: Load,
    cpu_left: Option<u32>,
) -> Option<&'static InstanceType> {
    let total: f64 = current.iter().map(|t| t.on_demand_usd_per_hour()).sum();
    let options: Vec<&'static InstanceType> = types
        .iter()
        .copied()
        .filter(|t| t.on_demand_usd_per_hour() < total && load.fits(t))
        .collect();
    let cap = options
        .iter()
        .filter(|o| current.iter().any(|c| c.name == o.name))
        .map(|o| o.on_demand_usd_per_hour())
        .fold(f64::MAX, f64::min);
    let options: Vec<&'static InstanceType> = options
        .into_iter()
        .filter(|t| t.on_demand_usd_per_hour() < cap)
        .collect();
    cheapest_fit(&options, load, cpu_left)
}

/// Multi-node consolidation's search (`firstNConsolidationOption`): the candidates are sorted
/// by disruption cost, and a binary search finds the largest `n` for which the first `n`
/// candidates can go together (`works(n)`), from 2 up to `len` (at most 100 are considered).
/// A single candidate is left to single-node consolidation. `None`: no `n` works.
pub fn first_n(len: usize, mut works: impl FnMut(usize) -> bool) -> Option<usize> {
    if len < 2 {
        return None;
    }
    let len = len.min(MULTI_NODE_MAX);
    let (mut min, mut max) = (1usize, len - 1);
    let mut best = None;
    while min <= max {
        let mid = (min + max) / 2;
        if works(mid + 1) {
            best = Some(mid + 1);
            min = mid + 1;
        } else {
            max = mid - 1;
        }
    }
    best
}

/// Multi-node consolidation considers at most the first 100 candidates.
pub const MULTI_NODE_MAX: usize = 100;

/// Why a pod of the batch got no NodeClaim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unfit {
    /// It fits an allowed type, but every such type would exceed `limits.cpu`.
    ExceedsLimits,
    /// No allowed type is big enough for it.
    TooBig,
}

/// The solution for one batch.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Packing {
    /// New NodeClaims: the instance type chosen and the pods (indices into the batch).
    pub claims: Vec<(&'static InstanceType, Vec<usize>)>,
    pub unfit: Vec<(usize, Unfit)>,
}

/// Bin-pack a batch as Karpenter's scheduler does: pods largest first (CPU, then memory), each
/// onto the first new NodeClaim that some allowed type can still hold with it, else onto a new
/// claim; every claim then launches its cheapest type. A claim grows up to the largest allowed
/// type, so a batch gets a few right-sized nodes rather than many small ones. `cpu_left` is
/// what `limits.cpu` still allows; `overhead` is what the DaemonSets put on every new node
/// (Karpenter's daemonset overhead), counted in each claim.
pub fn pack(
    batch: &[Requests],
    types: &[&'static InstanceType],
    cpu_left: Option<u32>,
    overhead: Load,
) -> Packing {
    let mut order: Vec<usize> = (0..batch.len()).collect();
    order.sort_by_key(|&i| {
        (
            std::cmp::Reverse(batch[i].cpu_millis),
            std::cmp::Reverse(batch[i].memory_mib),
            i,
        )
    });
    // (load, chosen type, pods)
    let mut bins: Vec<(Load, &'static InstanceType, Vec<usize>)> = Vec::new();
    let mut unfit = Vec::new();
    for i in order {
        let req = batch[i];
        let used: u32 = bins.iter().map(|b| b.1.vcpu).sum();
        let mut placed = false;
        for bin in bins.iter_mut() {
            let others = used - bin.1.vcpu;
            let left = cpu_left.map(|l| l.saturating_sub(others));
            if let Some(t) = cheapest_fit(types, bin.0.plus(req), left) {
                bin.0 = bin.0.plus(req);
                bin.1 = t;
                bin.2.push(i);
                placed = true;
                break;
            }
        }
        if placed {
            continue;
        }
        let alone = overhead.plus(req);
        let left = cpu_left.map(|l| l.saturating_sub(used));
        match cheapest_fit(types, alone, left) {
            Some(t) => bins.push((alone, t, vec![i])),
            None if cheapest_fit(types, alone, None).is_some() => {
                unfit.push((i, Unfit::ExceedsLimits))
            }
            None => unfit.push((i, Unfit::TooBig)),
        }
    }
    Packing {
        claims: bins.into_iter().map(|(_, t, pods)| (t, pods)).collect(),
        unfit,
    }
}

/// The open batch closes: no new pod for `BATCH_IDLE`, or open for `BATCH_MAX`.
pub fn batch_closes(now: SimTime, started: SimTime, last_new: SimTime) -> bool {
    now.since(last_new) >= BATCH_IDLE || now.since(started) >= BATCH_MAX
}

/// How many nodes the budget lets Karpenter disrupt now: `nodes` of the pool's `total` nodes
/// (a percentage rounds up, as Karpenter scales it) minus those already being disrupted.
pub fn allowed_disruptions(budget: IntOrPercent, total: u32, disrupting: u32) -> u32 {
    let allowed = match budget {
        IntOrPercent::Int(n) => n,
        IntOrPercent::Percent(p) => (p as u64 * total as u64).div_ceil(100) as u32,
    };
    allowed.saturating_sub(disrupting)
}

/// `budgets[].nodes`: `"3"` or `"10%"` (a percentage up to 100).
pub fn parse_budget(s: &str) -> Option<IntOrPercent> {
    match s.strip_suffix('%') {
        Some(p) => p
            .parse::<u32>()
            .ok()
            .filter(|p| *p <= 100)
            .map(IntOrPercent::Percent),
        None => s.parse::<u32>().ok().map(IntOrPercent::Int),
    }
}

/// An AMI id: `ami-` and 8 or 17 lowercase hexadecimal digits (EC2's two id lengths).
pub fn ami_id_ok(s: &str) -> bool {
    s.strip_prefix("ami-").is_some_and(|h| {
        (h.len() == 8 || h.len() == 17)
            && h.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

/// A status condition event on a NodeClaim (operatorpkg's status controller wording).
pub fn condition_transitioned(kind: &str) -> String {
    format!("Status condition transitioned, Type: {kind}, Status: Unknown -> True, Reason: {kind}")
}

/// `DisruptionTerminating` on the node (`kind` "Node") and on its NodeClaim ("NodeClaim"), when
/// the NodeClaim is deleted. Since Karpenter v1.6 the reason is the disruption reason alone
/// (`Empty`, `Underutilized`) for a delete and for a replace alike; v1.0–v1.5 appended the
/// decision (`Underutilized/Replace`, `Empty/Delete`). Orca uses the current wording.
pub fn disrupting(kind: &str, reason: &str) -> String {
    format!("Disrupting {kind}: {reason}")
}

/// `DisruptionLaunching` on a replacement NodeClaim.
pub fn launching(reason: &str) -> String {
    format!("Launching NodeClaim: {reason}")
}

/// `DisruptionWaitingReadiness` on a replacement NodeClaim that is not Initialized yet.
pub const WAITING_ON_READINESS: &str = "Waiting on readiness to continue disruption";

/// `Unconsolidatable` when the pods would fit a cheaper node but `limits.cpu` leaves no room
/// for it: the scheduling simulation's pod errors, up to 5. [inferred: Karpenter prints them
/// from a map, so in no fixed order, and its wrapped error adds the NodePool as a key-value.]
pub fn replace_exceeds_limits(pool: &str, pods: &[String]) -> String {
    let errors: Vec<String> = pods
        .iter()
        .take(5)
        .map(|p| {
            format!(
                "default/{p} => all available instance types exceed limits for nodepool \"{pool}\""
            )
        })
        .collect();
    format!("Not all pods would schedule, {}", errors.join(" "))
}

/// The `Drifted` condition on a NodeClaim: Karpenter sets it with the drift reason as reason
/// and message (karpenter `pkg/controllers/nodeclaim/disruption/drift.go`, `SetTrueWithReason`),
/// and operatorpkg's status controller appends a non-empty message. [inferred: the condition
/// did not exist before, which the event shows as `Unknown`.]
pub fn drifted_condition(reason: &str) -> String {
    format!(
        "Status condition transitioned, Type: Drifted, Status: Unknown -> True, Reason: {reason}, Message: {reason}"
    )
}

/// The AWS provider's interruption controller's events (karpenter-provider-aws
/// `pkg/controllers/interruption/events/events.go`), Warnings on the NodeClaim and its node.
pub const SPOT_INTERRUPTED: &str = "Spot interruption warning was triggered";

/// `TerminatingOnInterruption`, on the NodeClaim (`kind` "NodeClaim") or its node ("Node").
pub fn terminating_on_interruption(kind: &str) -> String {
    format!("Interruption triggered termination for the {kind}")
}

/// `Nominated` on a pod.
pub fn nominated(claim: &str) -> String {
    format!("Pod should schedule on: nodeclaim/{claim}")
}

/// Karpenter's `FailedScheduling` when `limits.cpu` leaves no instance type.
pub fn exceeds_limits(pool: &str) -> String {
    format!(
        "Failed to schedule pod, all available instance types exceed limits for nodepool \"{pool}\""
    )
}

/// Karpenter's `FailedScheduling` when no allowed type is big enough: the DaemonSet overhead
/// and the resources of overhead plus pod, as `resources.String` prints them. [inferred: the
/// real message lists every requirement of the NodePool (capacity type, architecture, zones,
/// ...); Orca lists the NodePool and instance-type ones.]
pub fn too_big(
    pool: &str,
    types: &[&'static InstanceType],
    overhead: Load,
    req: Requests,
) -> String {
    let total = overhead.plus(req);
    let names: Vec<&str> = types.iter().map(|t| t.name).collect();
    format!(
        "Failed to schedule pod, incompatible with nodepool \"{pool}\", daemonset overhead={}, no instance type satisfied resources {} and requirements karpenter.sh/nodepool In [{pool}], node.kubernetes.io/instance-type In [{}]",
        resources_string(overhead),
        resources_string(total),
        names.join(" ")
    )
}

/// `resources.String`: a JSON object of the non-zero quantities, keys in order (`cpu` in
/// millicores or whole cores, `memory` in Mi or Gi, `pods`).
pub fn resources_string(l: Load) -> String {
    let mut parts = Vec::new();
    if l.cpu_millis > 0 {
        let cpu = if l.cpu_millis.is_multiple_of(1000) {
            format!("{}", l.cpu_millis / 1000)
        } else {
            format!("{}m", l.cpu_millis)
        };
        parts.push(format!("\"cpu\":\"{cpu}\""));
    }
    if l.memory_mib > 0 {
        let mem = if l.memory_mib.is_multiple_of(1024) {
            format!("{}Gi", l.memory_mib / 1024)
        } else {
            format!("{}Mi", l.memory_mib)
        };
        parts.push(format!("\"memory\":\"{mem}\""));
    }
    if l.pods > 0 {
        parts.push(format!("\"pods\":\"{}\"", l.pods));
    }
    format!("{{{}}}", parts.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::instance_types::lookup;

    fn types(names: &[&str]) -> Vec<&'static InstanceType> {
        names.iter().filter_map(|n| lookup(n)).collect()
    }

    fn req(cpu_millis: u32, memory_mib: u32) -> Requests {
        Requests {
            cpu_millis,
            memory_mib,
        }
    }

    #[test]
    fn the_cheapest_type_that_holds_the_pods_wins() {
        let all = types(&["m5.large", "m5.xlarge", "c5.large", "c5.xlarge", "r5.large"]);
        // 1 pod of 500m / 512 MiB: c5.large ($0.085) is the cheapest that holds it.
        let one = Load::default().plus(req(500, 512));
        assert_eq!(
            cheapest_fit(&all, one, None).map(|t| t.name),
            Some("c5.large")
        );
        // 6 GiB of memory: c5.large (4 GiB) is out, m5.large ($0.096) beats r5.large.
        let big = Load::default().plus(req(500, 6144));
        assert_eq!(
            cheapest_fit(&all, big, None).map(|t| t.name),
            Some("m5.large")
        );
        // A limit of 1 vCPU leaves nothing.
        assert_eq!(cheapest_fit(&all, one, Some(1)), None);
    }

    #[test]
    fn a_batch_packs_into_one_right_sized_claim() {
        let all = types(&["c5.large", "c5.xlarge", "c5.2xlarge", "m5.2xlarge"]);
        // 6 × 500m = 3000m: one c5.xlarge (3920m allocatable) rather than two c5.large.
        let p = pack(&[req(500, 512); 6], &all, None, Load::default());
        assert_eq!(p.claims.len(), 1);
        assert_eq!(p.claims[0].0.name, "c5.xlarge");
        assert_eq!(p.claims[0].1.len(), 6);
        // 10 × 500m = 5000m: c5.2xlarge.
        let p = pack(&[req(500, 512); 10], &all, None, Load::default());
        assert_eq!(p.claims.len(), 1);
        assert_eq!(p.claims[0].0.name, "c5.2xlarge");
    }

    #[test]
    fn the_daemonset_overhead_counts_on_every_new_node() {
        // Karpenter adds the DaemonSet pods that would run on a node to every NodeClaim
        // ("daemonset overhead"): aws-node 25m and kube-proxy 100m, 2 pods.
        let all = types(&["c5.large", "c5.xlarge"]);
        let overhead = Load {
            cpu_millis: 125,
            memory_mib: 0,
            pods: 2,
        };
        // 3 × 620m = 1,860m fit a c5.large (1,930m allocatable); with 125m more they do not.
        let bare = pack(&[req(620, 256); 3], &all, None, Load::default());
        assert_eq!(bare.claims[0].0.name, "c5.large");
        let with = pack(&[req(620, 256); 3], &all, None, overhead);
        assert_eq!(with.claims[0].0.name, "c5.xlarge");
        assert_eq!(
            too_big("default", &all, overhead, req(9000, 512)),
            "Failed to schedule pod, incompatible with nodepool \"default\", daemonset overhead={\"cpu\":\"125m\",\"pods\":\"2\"}, no instance type satisfied resources {\"cpu\":\"9125m\",\"memory\":\"512Mi\",\"pods\":\"3\"} and requirements karpenter.sh/nodepool In [default], node.kubernetes.io/instance-type In [c5.large c5.xlarge]"
        );
    }

    #[test]
    fn the_cpu_limit_splits_or_refuses() {
        let all = types(&["c5.large", "c5.xlarge", "c5.2xlarge"]);
        // 4 vCPUs left: 10 × 500m needs 8 vCPUs; c5.xlarge takes 7 pods, 3 exceed the limit.
        let p = pack(&[req(500, 512); 10], &all, Some(4), Load::default());
        assert_eq!(p.claims.len(), 1);
        assert_eq!(p.claims[0].0.name, "c5.xlarge");
        assert_eq!(p.claims[0].1.len(), 7);
        assert_eq!(p.unfit.len(), 3);
        assert!(p.unfit.iter().all(|(_, u)| *u == Unfit::ExceedsLimits));
        // A pod larger than any allowed type.
        let p = pack(&[req(9000, 512)], &all, None, Load::default());
        assert_eq!(p.unfit, vec![(0, Unfit::TooBig)]);
    }

    #[test]
    fn a_replacement_must_be_strictly_cheaper_and_within_the_limit() {
        let all = types(&["c5.large", "c5.xlarge", "m5.large", "m5.xlarge"]);
        let xlarge = lookup("c5.xlarge").expect("c5.xlarge");
        let large = lookup("c5.large").expect("c5.large");
        let three = [req(500, 512); 3]
            .iter()
            .fold(Load::default(), |l, &r| l.plus(r));
        // 1500m fits a c5.large ($0.085/h), cheaper than the c5.xlarge ($0.17/h).
        assert_eq!(
            replacement(&all, xlarge, three, None),
            Replacement::Launch(large)
        );
        // A c5.large is never replaced by another c5.large, nor by a pricier m5.large.
        assert_eq!(
            replacement(&all, large, three, None),
            Replacement::NotCheaper
        );
        // 1 vCPU left under limits.cpu: the c5.large (2 vCPUs) would exceed it.
        assert_eq!(
            replacement(&all, xlarge, three, Some(1)),
            Replacement::ExceedsLimits
        );
    }

    #[test]
    fn a_batch_closes_after_a_quiet_second_or_ten_seconds() {
        let s = SimTime::from_secs;
        assert!(!batch_closes(s(5), s(5), s(5)), "a pod just arrived");
        assert!(batch_closes(s(6), s(5), s(5)), "1 s without a new pod");
        assert!(!batch_closes(s(14), s(5), s(14)), "pods keep coming");
        assert!(batch_closes(s(15), s(5), s(15)), "10 s at most");
    }

    #[test]
    fn the_budget_rounds_percentages_up() {
        let ten = IntOrPercent::Percent(10);
        assert_eq!(allowed_disruptions(ten, 3, 0), 1, "ceil(0.3) = 1");
        assert_eq!(allowed_disruptions(ten, 25, 0), 3, "ceil(2.5) = 3");
        assert_eq!(
            allowed_disruptions(ten, 3, 1),
            0,
            "one is already disrupting"
        );
        assert_eq!(allowed_disruptions(IntOrPercent::Int(0), 5, 0), 0);
        assert_eq!(allowed_disruptions(IntOrPercent::Percent(100), 5, 0), 5);
    }

    #[test]
    fn events_use_karpenters_wording() {
        assert_eq!(
            condition_transitioned("Launched"),
            "Status condition transitioned, Type: Launched, Status: Unknown -> True, Reason: Launched"
        );
        assert_eq!(
            nominated("default-x7k2p"),
            "Pod should schedule on: nodeclaim/default-x7k2p"
        );
        assert_eq!(
            disrupting("Node", "Underutilized"),
            "Disrupting Node: Underutilized"
        );
        assert_eq!(
            launching("Underutilized"),
            "Launching NodeClaim: Underutilized"
        );
        assert_eq!(
            exceeds_limits("default"),
            "Failed to schedule pod, all available instance types exceed limits for nodepool \"default\""
        );
    }

    #[test]
    fn multi_node_replacement_filters_out_the_candidates_own_types() {
        // karpenter multinodeconsolidation.go, filterOutSameInstanceType's example: NodeClaims
        // [t3a.2xlarge, t3a.2xlarge, t3a.small] → 1 of t3a.small, t3a.xlarge, t3a.2xlarge is
        // no consolidation at all (deleting the two 2xlarge and keeping the small is); with a
        // t3a.nano among the options, the nano is the replacement. Orca's table has t3 types
        // (t3.micro standing in for the nano).
        let big = lookup("t3.2xlarge").expect("t3.2xlarge");
        let small = lookup("t3.small").expect("t3.small");
        let current = [big, big, small];
        let load = Load::default().plus(req(300, 256));
        let without_nano = types(&["t3.small", "t3.xlarge", "t3.2xlarge"]);
        assert_eq!(multi_replacement(&without_nano, &current, load, None), None);
        let with_nano = types(&["t3.micro", "t3.small", "t3.xlarge", "t3.2xlarge"]);
        assert_eq!(
            multi_replacement(&with_nano, &current, load, None).map(|t| t.name),
            Some("t3.micro")
        );
        // Two c5.xlarge ($0.34/h together) whose leftover pods need 3 vCPUs: one c5.xlarge
        // would be a candidate's own type, so nothing (not even the $0.34 c5.2xlarge).
        let xl = lookup("c5.xlarge").expect("c5.xlarge");
        let three = [req(1000, 512); 3]
            .iter()
            .fold(Load::default(), |l, &r| l.plus(r));
        let c5 = types(&["c5.large", "c5.xlarge", "c5.2xlarge"]);
        assert_eq!(multi_replacement(&c5, &[xl, xl], three, None), None);
        // An m5.xlarge ($0.192/h) is cheaper than the two c5.xlarge and not one of their
        // types: it replaces them.
        let mixed = types(&["c5.large", "m5.xlarge"]);
        assert_eq!(
            multi_replacement(&mixed, &[xl, xl], three, None).map(|t| t.name),
            Some("m5.xlarge")
        );
        // ... unless limits.cpu leaves fewer than its 4 vCPUs.
        assert_eq!(multi_replacement(&mixed, &[xl, xl], three, Some(3)), None);
    }

    #[test]
    fn multi_node_searches_for_the_largest_first_n() {
        // firstNConsolidationOption: a binary search from 2 to len; with 5 candidates of
        // which the first 3 can go together, it asks about 3 (works), then 4 (does not).
        let mut asked = Vec::new();
        let n = first_n(5, |n| {
            asked.push(n);
            n <= 3
        });
        assert_eq!(n, Some(3));
        assert_eq!(asked, vec![3, 4]);
        // Fewer than two candidates is single-node consolidation's business.
        assert_eq!(first_n(1, |_| true), None);
        // No pair works: nothing.
        assert_eq!(first_n(4, |_| false), None);
        // Every candidate can go: all of them, capped at 100.
        assert_eq!(first_n(7, |_| true), Some(7));
        assert_eq!(first_n(250, |_| true), Some(MULTI_NODE_MAX));
    }

    #[test]
    fn ami_ids_and_drift_wording() {
        assert!(ami_id_ok("ami-0e7f1a2b3c4d5e6f7"));
        assert!(ami_id_ok("ami-12345678"));
        assert!(!ami_id_ok("ami-XYZ"));
        assert!(!ami_id_ok("al2023@latest"));
        assert!(!ami_id_ok("ami-0E7F1A2B3C4D5E6F7"));
        assert_eq!(
            drifted_condition("AMIDrift"),
            "Status condition transitioned, Type: Drifted, Status: Unknown -> True, Reason: AMIDrift, Message: AMIDrift"
        );
        assert_eq!(
            terminating_on_interruption("NodeClaim"),
            "Interruption triggered termination for the NodeClaim"
        );
        assert_eq!(SPOT_INTERRUPTED, "Spot interruption warning was triggered");
        assert_eq!(SPOT_NOTICE, Millis::from_secs(120));
    }
}
