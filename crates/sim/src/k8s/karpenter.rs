//! Karpenter (reference §13): node provisioning without node groups. It watches unschedulable
//! pods, batches them, bin-packs their requests into NodeClaims, launches the cheapest allowed
//! instance type that holds each claim's pods, and later consolidates: it removes empty nodes
//! and, with `WhenEmptyOrUnderutilized`, nodes whose pods fit on the others, or replaces a node
//! with one cheaper node that holds the pods that fit nowhere else.
//!
//! One reconcile step per second (`Cluster::karpenter`): advance each NodeClaim's lifecycle
//! (Launched → Registered → Initialized), drain a replaced node once its replacement is
//! Initialized, close a provisioning batch when it is due, and every 10 s run the disruption
//! controller within the NodePool's budget. The pure parts (packing, the cheapest fit, the
//! replacement type, the budget, the wording) are functions of their own, tested below.

use std::collections::{BTreeMap, BTreeSet};

use rand::Rng;

use super::cluster::{Cluster, Node};
use super::names;
use super::rollout::IntOrPercent;
use super::scheduler::{self, Decision, Requests};
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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsolidationPolicy {
    WhenEmpty,
    WhenEmptyOrUnderutilized,
}

/// A `NodePool` as Karpenter uses it.
#[derive(Debug, Clone, PartialEq)]
pub struct NodePool {
    pub name: String,
    /// Allowed instance types, in the order the file lists them (ties in price go to the
    /// earlier one).
    pub instance_types: Vec<&'static InstanceType>,
    /// `limits.cpu` in vCPUs.
    pub cpu_limit: Option<u32>,
    pub consolidation_policy: ConsolidationPolicy,
    pub consolidate_after: Millis,
    /// `disruption.budgets[0].nodes`.
    pub budget_nodes: IntOrPercent,
}

/// Where a NodeClaim is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ClaimPhase {
    /// Created; the instance is being launched.
    Created,
    Launched,
    Registered,
    Initialized,
}

/// One machine Karpenter asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeClaim {
    /// `<nodepool>-<5 random characters>`.
    pub name: String,
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
    /// The node and the instance are gone.
    pub gone: bool,
}

/// A replace command in flight (single-node consolidation that needs one new, cheaper node).
/// As Karpenter's orchestration queue does it: the candidate is tainted and the replacement
/// launched at once; only when the replacement is Initialized is the candidate deleted, its
/// pods evicted onto the new capacity. Orca runs one such command per NodePool at a time.
/// [model: Karpenter can run several commands in parallel.]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Replace {
    /// The NodeClaim being replaced.
    pub candidate: usize,
    /// The cheaper NodeClaim launched for its pods.
    pub replacement: usize,
    /// The replacement is Initialized and the candidate is being drained.
    pub draining: bool,
}

impl NodeClaim {
    fn in_flight(&self) -> bool {
        !self.gone && self.phase < ClaimPhase::Initialized
    }
}

/// Karpenter's state in the cluster: the NodePool, its NodeClaims and the controllers' clocks.
#[derive(Debug, Clone, PartialEq)]
pub struct Karpenter {
    pub pool: NodePool,
    pub claims: Vec<NodeClaim>,
    /// The open batch: when it started, when its last new pod arrived, the pods it holds.
    batch_started: Option<SimTime>,
    batch_last_new: SimTime,
    batch: BTreeSet<usize>,
    /// Pod index → the claim it was nominated to.
    pub nominated: BTreeMap<usize, usize>,
    /// Pods already told that Karpenter cannot help them (the event is sent once).
    failed_reported: BTreeSet<usize>,
    next_disruption: SimTime,
    blocked_reported_at: Option<SimTime>,
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

    /// The name of the node of the claim called `claim`, once it registered.
    pub fn node_of_claim<'a>(&self, claim: &str, nodes: &'a [Node]) -> Option<&'a str> {
        self.claims
            .iter()
            .find(|c| c.name == claim)
            .and_then(|c| c.node)
            .and_then(|n| nodes.get(n))
            .map(|n| n.name.as_str())
    }
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

    fn fits(&self, t: &InstanceType) -> bool {
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
/// what `limits.cpu` still allows.
pub fn pack(batch: &[Requests], types: &[&'static InstanceType], cpu_left: Option<u32>) -> Packing {
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
        let alone = Load::default().plus(req);
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

/// Karpenter's `FailedScheduling` when no allowed type is big enough. [inferred: the real
/// message also lists the requirements and DaemonSet overhead; Orca keeps the resources.]
pub fn too_big(pool: &str, req: Requests) -> String {
    format!(
        "Failed to schedule pod, incompatible with nodepool \"{pool}\", no instance type has enough resources, resources={{\"cpu\":\"{}m\",\"memory\":\"{}Mi\",\"pods\":\"1\"}}",
        req.cpu_millis, req.memory_mib
    )
}

// ---------------------------------------------------------------------------------------------
// The controllers, run by the cluster every second

impl Cluster {
    /// Karpenter's reconcile step for this second: NodeClaim lifecycle, the replace command in
    /// flight, provisioning, then (every 10 s) disruption.
    pub(super) fn karpenter(&mut self) {
        let Some(mut k) = self.karpenter.take() else {
            return;
        };
        self.claim_lifecycle(&mut k);
        self.continue_replace(&mut k);
        self.provision(&mut k);
        self.count_claim_pods(&mut k);
        self.finish_terminations(&mut k);
        if self.now >= k.next_disruption {
            k.next_disruption = self.now.plus(DISRUPTION_POLL);
            self.disrupt(&mut k);
        }
        self.karpenter = Some(k);
    }

    /// Launched, Registered (the node object appears, not Ready yet), Initialized (Ready).
    fn claim_lifecycle(&mut self, k: &mut Karpenter) {
        let now = self.now;
        for c in 0..k.claims.len() {
            if k.claims[c].gone {
                continue;
            }
            let age = now.since(k.claims[c].created_at);
            let name = k.claims[c].name.clone();
            let object = format!("nodeclaim/{name}");
            if k.claims[c].phase == ClaimPhase::Created && age >= LAUNCHED_AFTER {
                k.claims[c].phase = ClaimPhase::Launched;
                self.emit(
                    false,
                    "Launched",
                    object.clone(),
                    condition_transitioned("Launched"),
                );
            }
            if k.claims[c].phase == ClaimPhase::Launched && age >= REGISTERED_AFTER {
                k.claims[c].phase = ClaimPhase::Registered;
                let n = self.register_claim_node(&k.claims[c]);
                k.claims[c].node = Some(n);
                k.claims[c].pods_changed_at = now;
                let node = self.nodes[n].name.clone();
                self.emit(
                    false,
                    "RegisteredNode",
                    format!("node/{node}"),
                    format!("Node {node} event: Registered Node {node} in Controller"),
                );
                self.emit(
                    false,
                    "Registered",
                    object.clone(),
                    condition_transitioned("Registered"),
                );
            }
            if k.claims[c].phase == ClaimPhase::Registered && age >= INITIALIZED_AFTER {
                k.claims[c].phase = ClaimPhase::Initialized;
                if let Some(n) = k.claims[c].node {
                    self.nodes[n].ready = true;
                    let node = self.nodes[n].name.clone();
                    // The node lifecycle controller's wording.
                    self.emit(
                        false,
                        "NodeReady",
                        format!("node/{node}"),
                        format!("Node {node} status is now: NodeReady"),
                    );
                }
                self.emit(
                    false,
                    "Initialized",
                    object,
                    condition_transitioned("Initialized"),
                );
            }
        }
    }

    /// The node of a claim: its private DNS name from an address in the zone's subnet, as
    /// managed-node-group nodes get.
    fn register_claim_node(&mut self, c: &NodeClaim) -> usize {
        let z = self.zones.iter().position(|z| *z == c.zone).unwrap_or(0);
        let ip = format!(
            "10.0.{}.{}",
            z * 16 + self.rng.random_range(0..4),
            10 + self.rng.random_range(0..240)
        );
        let t = c.instance_type;
        self.nodes.push(Node {
            name: names::node_name(&ip, &self.region),
            instance_type: t.name.to_string(),
            zone: c.zone.clone(),
            allocatable_cpu_millis: t.eks_allocatable_cpu_millis(),
            allocatable_memory_mib: t.eks_allocatable_memory_mib(),
            max_pods: t.eks_max_pods(),
            fargate: false,
            gone: false,
            group: None,
            unneeded_since: None,
            draining: false,
            ready: false,
            nodeclaim: Some(c.name.clone()),
            created_at: self.now,
        });
        self.nodes.len() - 1
    }

    fn requests_of(&self, p: usize) -> Requests {
        self.replica_sets[self.pods[p].replica_set]
            .template
            .requests
    }

    /// The provisioner: collect unschedulable pods into a batch, and when the batch closes,
    /// nominate them to in-flight NodeClaims with room or to new ones.
    fn provision(&mut self, k: &mut Karpenter) {
        let waiting = |p: usize| self.pods[p].counts() && self.pods[p].node.is_none();
        k.nominated.retain(|&p, _| waiting(p));
        k.failed_reported.retain(|&p| waiting(p));
        let pending: BTreeSet<usize> = (0..self.pods.len())
            .filter(|&p| {
                let pod = &self.pods[p];
                pod.counts()
                    && pod.node.is_none()
                    && pod.reported_failed_scheduling
                    && !self.deployments[self.replica_sets[pod.replica_set].deployment].fargate
                    && !k
                        .nominated
                        .get(&p)
                        .is_some_and(|&c| k.claims[c].in_flight())
            })
            .collect();
        if pending.is_empty() {
            k.batch_started = None;
            k.batch.clear();
            return;
        }
        let now = self.now;
        let started = *k.batch_started.get_or_insert(now);
        if pending.iter().any(|p| !k.batch.contains(p)) {
            k.batch_last_new = now;
        }
        k.batch = pending;
        if now.since(k.batch_last_new) < BATCH_IDLE && now.since(started) < BATCH_MAX {
            return;
        }
        let batch: Vec<usize> = std::mem::take(&mut k.batch).into_iter().collect();
        k.batch_started = None;
        self.solve(k, &batch);
    }

    fn solve(&mut self, k: &mut Karpenter, batch: &[usize]) {
        // In-flight claims first: what they can still hold after the pods nominated to them.
        let mut room: Vec<(usize, Load)> = k
            .claims
            .iter()
            .enumerate()
            .filter(|(_, c)| c.in_flight())
            .map(|(i, _)| (i, Load::default()))
            .collect();
        for (&p, &c) in &k.nominated {
            if let Some(r) = room.iter_mut().find(|r| r.0 == c)
                && self.pods[p].counts()
                && self.pods[p].node.is_none()
            {
                r.1 = r.1.plus(self.requests_of(p));
            }
        }
        let mut rest = Vec::new();
        for &p in batch {
            let req = self.requests_of(p);
            let slot = room
                .iter_mut()
                .find(|r| r.1.plus(req).fits(k.claims[r.0].instance_type));
            match slot {
                Some(r) => {
                    r.1 = r.1.plus(req);
                    let c = r.0;
                    self.nominate(k, p, c);
                }
                None => rest.push(p),
            }
        }
        if rest.is_empty() {
            return;
        }
        let requests: Vec<Requests> = rest.iter().map(|&p| self.requests_of(p)).collect();
        let cpu_left = k.pool.cpu_limit.map(|l| l.saturating_sub(k.cpu_in_use()));
        let packing = pack(&requests, &k.pool.instance_types, cpu_left);
        for (t, pods) in packing.claims {
            let c = self.create_claim(k, t);
            for i in pods {
                self.nominate(k, rest[i], c);
            }
        }
        for (i, why) in packing.unfit {
            let p = rest[i];
            if !k.failed_reported.insert(p) {
                continue;
            }
            let msg = match why {
                Unfit::ExceedsLimits => exceeds_limits(&k.pool.name),
                Unfit::TooBig => too_big(&k.pool.name, requests[i]),
            };
            let name = self.pods[p].name.clone();
            self.emit(true, "FailedScheduling", format!("pod/{name}"), msg);
        }
    }

    fn nominate(&mut self, k: &mut Karpenter, p: usize, c: usize) {
        k.nominated.insert(p, c);
        let name = self.pods[p].name.clone();
        let claim = k.claims[c].name.clone();
        self.emit(false, "Nominated", format!("pod/{name}"), nominated(&claim));
    }

    /// A new NodeClaim of type `t`, in the zone where the pool has the fewest claims (the
    /// first such zone on a tie), named from the seeded RNG.
    fn create_claim(&mut self, k: &mut Karpenter, t: &'static InstanceType) -> usize {
        let zone = self
            .zones
            .iter()
            .min_by_key(|z| k.claims.iter().filter(|c| !c.gone && c.zone == **z).count())
            .cloned()
            .unwrap_or_default();
        let suffix: String = (0..5)
            .map(|_| {
                names::SAFE_ALPHABET[self.rng.random_range(0..names::SAFE_ALPHABET.len())] as char
            })
            .collect();
        k.claims.push(NodeClaim {
            name: format!("{}-{suffix}", k.pool.name),
            instance_type: t,
            zone,
            created_at: self.now,
            phase: ClaimPhase::Created,
            node: None,
            pods_seen: 0,
            pods_changed_at: self.now,
            disruption: None,
            unconsolidatable_reported_at: None,
            gone: false,
        });
        k.claims.len() - 1
    }

    /// Pods on each node that exist (terminating ones included).
    fn pods_per_node(&self) -> Vec<Vec<usize>> {
        let mut on = vec![Vec::new(); self.nodes.len()];
        for (p, pod) in self.pods.iter().enumerate() {
            if let Some(n) = pod.node
                && !pod.gone
            {
                on[n].push(p);
            }
        }
        on
    }

    /// `consolidateAfter` counts from the last pod that arrived on or left a node.
    fn count_claim_pods(&mut self, k: &mut Karpenter) {
        let on = self.pods_per_node();
        for c in k.claims.iter_mut().filter(|c| !c.gone) {
            if let Some(n) = c.node {
                let count = on[n].len() as u32;
                if count != c.pods_seen {
                    c.pods_seen = count;
                    c.pods_changed_at = self.now;
                }
            }
        }
    }

    /// A disrupted node whose pods are gone is deleted and its instance terminated.
    fn finish_terminations(&mut self, k: &mut Karpenter) {
        for c in 0..k.claims.len() {
            let claim = &k.claims[c];
            if claim.gone || claim.disruption.is_none() || claim.pods_seen > 0 {
                continue;
            }
            // A replaced node stays until its replacement is Initialized and it was drained.
            if k.replacing.is_some_and(|r| r.candidate == c && !r.draining) {
                continue;
            }
            k.claims[c].gone = true;
            if let Some(n) = k.claims[c].node {
                self.nodes[n].gone = true;
                let node = self.nodes[n].name.clone();
                // The node lifecycle controller's wording when a node object goes away.
                self.emit(
                    false,
                    "RemovingNode",
                    format!("node/{node}"),
                    format!("Node {node} event: Removing Node {node} from Controller"),
                );
            }
        }
    }

    /// The disruption controller: emptiness first, then single-node consolidation (delete the
    /// node, or replace it with one cheaper node), one command per poll, within the NodePool's
    /// budget.
    fn disrupt(&mut self, k: &mut Karpenter) {
        let now = self.now;
        let total = k
            .claims
            .iter()
            .filter(|c| !c.gone && c.node.is_some())
            .count() as u32;
        let disrupting = k
            .claims
            .iter()
            .filter(|c| !c.gone && c.disruption.is_some())
            .count() as u32;
        let allowed = allowed_disruptions(k.pool.budget_nodes, total, disrupting);
        let on = self.pods_per_node();
        let candidates: Vec<usize> = (0..k.claims.len())
            .filter(|&c| {
                let claim = &k.claims[c];
                !claim.gone
                    && claim.disruption.is_none()
                    && claim.phase == ClaimPhase::Initialized
                    && k.replacing.is_none_or(|r| r.replacement != c)
                    && now.since(claim.pods_changed_at) >= k.pool.consolidate_after
            })
            .collect();
        let pods_of: Vec<usize> = k
            .claims
            .iter()
            .map(|c| c.node.map_or(0, |n| on[n].len()))
            .collect();
        let empty: Vec<usize> = candidates
            .iter()
            .copied()
            .filter(|&c| pods_of[c] == 0)
            .collect();
        if !empty.is_empty() {
            if allowed == 0 {
                self.budget_blocked(k);
                return;
            }
            for &c in empty.iter().take(allowed as usize) {
                self.terminate_claim(k, c, "Empty");
            }
            return;
        }
        let mut busy: Vec<usize> = candidates
            .iter()
            .copied()
            .filter(|&c| pods_of[c] > 0)
            .collect();
        if k.pool.consolidation_policy == ConsolidationPolicy::WhenEmpty {
            let msg = format!(
                "NodePool \"{}\" has non-empty consolidation disabled",
                k.pool.name
            );
            for c in busy {
                self.unconsolidatable(k, c, &msg);
            }
            return;
        }
        // Cheapest to disrupt first: fewest pods (Karpenter's disruption cost grows with them).
        busy.sort_by_key(|&c| (pods_of[c], c));
        for c in busy {
            let Some(n) = k.claims[c].node else {
                continue;
            };
            let mut pods = on[n].clone();
            pods.retain(|&p| self.pods[p].counts());
            match self.fits_elsewhere(n, &pods) {
                Ok(()) => {
                    if allowed == 0 {
                        self.budget_blocked(k);
                        return;
                    }
                    self.terminate_claim(k, c, "Underutilized");
                    return;
                }
                Err(left) => {
                    // The pods that fit nowhere would need new claims: one cheaper claim is a
                    // replacement, more is never worth it.
                    let requests: Vec<Requests> =
                        left.iter().map(|&p| self.requests_of(p)).collect();
                    let packing = pack(&requests, &k.pool.instance_types, None);
                    if packing.claims.len() != 1 {
                        let msg = format!(
                            "Can't remove without creating {} candidates",
                            packing.claims.len()
                        );
                        self.unconsolidatable(k, c, &msg);
                        continue;
                    }
                    let load = requests.iter().fold(Load::default(), |l, &r| l.plus(r));
                    let cpu_left = k.pool.cpu_limit.map(|l| l.saturating_sub(k.cpu_in_use()));
                    let current = k.claims[c].instance_type;
                    match replacement(&k.pool.instance_types, current, load, cpu_left) {
                        Replacement::Launch(t) => {
                            if k.replacing.is_some() {
                                continue;
                            }
                            if allowed == 0 {
                                self.budget_blocked(k);
                                return;
                            }
                            self.start_replace(k, c, t);
                            return;
                        }
                        Replacement::ExceedsLimits => {
                            let pods: Vec<String> =
                                left.iter().map(|&p| self.pods[p].name.clone()).collect();
                            let msg = replace_exceeds_limits(&k.pool.name, &pods);
                            self.unconsolidatable(k, c, &msg);
                        }
                        Replacement::NotCheaper => {
                            self.unconsolidatable(k, c, "Can't replace with a cheaper node");
                        }
                    }
                }
            }
        }
    }

    /// Would every pod in `pods` fit on the other schedulable nodes? The pods that do not.
    fn fits_elsewhere(&self, node: usize, pods: &[usize]) -> Result<(), Vec<usize>> {
        let mut views = self.node_views();
        if let Some(v) = views.get_mut(node) {
            v.unschedulable = true;
        }
        let mut order = pods.to_vec();
        order.sort_by_key(|&p| {
            let r = self.requests_of(p);
            (
                std::cmp::Reverse(r.cpu_millis),
                std::cmp::Reverse(r.memory_mib),
                p,
            )
        });
        let mut left = Vec::new();
        for p in order {
            let req = self.requests_of(p);
            match scheduler::schedule(&views, req) {
                Decision::Bind(v) => {
                    views[v].requested_cpu_millis += req.cpu_millis;
                    views[v].requested_memory_mib += req.memory_mib;
                    views[v].pods += 1;
                }
                Decision::Unschedulable(_) => left.push(p),
            }
        }
        if left.is_empty() { Ok(()) } else { Err(left) }
    }

    /// Taint the node `karpenter.sh/disrupted:NoSchedule`, then drain it: each pod is evicted
    /// and its ReplicaSet creates a replacement elsewhere. The node goes once it is empty.
    fn terminate_claim(&mut self, k: &mut Karpenter, c: usize, reason: &'static str) {
        self.mark_disrupted(k, c, reason);
        self.drain_claim(k, c);
    }

    /// Karpenter's `markDisrupted`: the NodeClaim gets its disruption reason and the node the
    /// `karpenter.sh/disrupted:NoSchedule` taint, so nothing new schedules there.
    fn mark_disrupted(&mut self, k: &mut Karpenter, c: usize, reason: &'static str) {
        k.claims[c].disruption = Some(reason);
        if let Some(n) = k.claims[c].node {
            self.nodes[n].draining = true;
        }
    }

    /// Replace: taint the candidate and launch the cheaper NodeClaim at once (Karpenter
    /// cordons before it launches, so no new pod lands on the candidate meanwhile); the
    /// candidate is drained once the replacement is Initialized (`continue_replace`).
    fn start_replace(&mut self, k: &mut Karpenter, c: usize, t: &'static InstanceType) {
        let reason = "Underutilized";
        self.mark_disrupted(k, c, reason);
        let r = self.create_claim(k, t);
        k.replacing = Some(Replace {
            candidate: c,
            replacement: r,
            draining: false,
        });
        let object = format!("nodeclaim/{}", k.claims[r].name);
        // The orchestration queue reports both on its first look at the replacement; the
        // events are deduplicated for 2 minutes, longer than the launch takes.
        self.emit(
            false,
            "DisruptionLaunching",
            object.clone(),
            launching(reason),
        );
        self.emit(
            false,
            "DisruptionWaitingReadiness",
            object,
            WAITING_ON_READINESS.into(),
        );
    }

    /// The replace command in flight: once the replacement is Initialized, delete the
    /// candidate (drain it); once the candidate is gone, the command is over.
    fn continue_replace(&mut self, k: &mut Karpenter) {
        let Some(r) = k.replacing else {
            return;
        };
        if k.claims[r.candidate].gone {
            k.replacing = None;
            return;
        }
        if r.draining || k.claims[r.replacement].phase < ClaimPhase::Initialized {
            return;
        }
        k.replacing = Some(Replace {
            draining: true,
            ..r
        });
        self.drain_claim(k, r.candidate);
    }

    /// The NodeClaim is deleted (`DisruptionTerminating`) and the termination controller
    /// evicts the node's pods.
    fn drain_claim(&mut self, k: &mut Karpenter, c: usize) {
        let reason = k.claims[c].disruption.unwrap_or("Underutilized");
        let claim = k.claims[c].name.clone();
        let Some(n) = k.claims[c].node else {
            return;
        };
        let node = self.nodes[n].name.clone();
        self.emit(
            false,
            "DisruptionTerminating",
            format!("node/{node}"),
            disrupting("Node", reason),
        );
        self.emit(
            false,
            "DisruptionTerminating",
            format!("nodeclaim/{claim}"),
            disrupting("NodeClaim", reason),
        );
        let on: Vec<usize> = (0..self.pods.len())
            .filter(|&p| self.pods[p].node == Some(n) && self.pods[p].counts())
            .collect();
        for p in on {
            let name = self.pods[p].name.clone();
            self.emit(
                false,
                "Evicted",
                format!("pod/{name}"),
                format!("Evicted pod: {reason}"),
            );
            self.evict(p);
        }
    }

    fn unconsolidatable(&mut self, k: &mut Karpenter, c: usize, msg: &str) {
        let now = self.now;
        if k.claims[c]
            .unconsolidatable_reported_at
            .is_some_and(|t| now.since(t) < UNCONSOLIDATABLE_DEDUPE)
        {
            return;
        }
        k.claims[c].unconsolidatable_reported_at = Some(now);
        if let Some(n) = k.claims[c].node {
            let node = self.nodes[n].name.clone();
            self.emit(
                false,
                "Unconsolidatable",
                format!("node/{node}"),
                msg.into(),
            );
        }
        let claim = k.claims[c].name.clone();
        self.emit(
            false,
            "Unconsolidatable",
            format!("nodeclaim/{claim}"),
            msg.into(),
        );
    }

    fn budget_blocked(&mut self, k: &mut Karpenter) {
        let now = self.now;
        if k.blocked_reported_at
            .is_some_and(|t| now.since(t) < BLOCKED_DEDUPE)
        {
            return;
        }
        k.blocked_reported_at = Some(now);
        self.emit(
            false,
            "DisruptionBlocked",
            format!("nodepool/{}", k.pool.name),
            "No allowed disruptions due to blocking budget".into(),
        );
    }
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
        let p = pack(&[req(500, 512); 6], &all, None);
        assert_eq!(p.claims.len(), 1);
        assert_eq!(p.claims[0].0.name, "c5.xlarge");
        assert_eq!(p.claims[0].1.len(), 6);
        // 10 × 500m = 5000m: c5.2xlarge.
        let p = pack(&[req(500, 512); 10], &all, None);
        assert_eq!(p.claims.len(), 1);
        assert_eq!(p.claims[0].0.name, "c5.2xlarge");
    }

    #[test]
    fn the_cpu_limit_splits_or_refuses() {
        let all = types(&["c5.large", "c5.xlarge", "c5.2xlarge"]);
        // 4 vCPUs left: 10 × 500m needs 8 vCPUs; c5.xlarge takes 7 pods, 3 exceed the limit.
        let p = pack(&[req(500, 512); 10], &all, Some(4));
        assert_eq!(p.claims.len(), 1);
        assert_eq!(p.claims[0].0.name, "c5.xlarge");
        assert_eq!(p.claims[0].1.len(), 7);
        assert_eq!(p.unfit.len(), 3);
        assert!(p.unfit.iter().all(|(_, u)| *u == Unfit::ExceedsLimits));
        // A pod larger than any allowed type.
        let p = pack(&[req(9000, 512)], &all, None);
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
}
