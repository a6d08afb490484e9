//! Per-ReplicaSet pod counts kept as pods change, so the deployment and ReplicaSet controllers
//! read them instead of counting every pod every second, and each Deployment's ReplicaSets
//! listed instead of found by scanning all of them.
//!
//! The counts are a sum over pods of each pod's [`Share`] (which ReplicaSet it counts for, and
//! whether it exists, counts, is ready and since when). The world keeps the share each pod
//! last contributed and a list of pods touched since; [`PodCounts::settle`] re-reads those and
//! the pods created since (indices from `shares.len()` on), so a change is counted once the
//! code that made it called [`PodCounts::touch`]. The only code that changes what a share
//! reads: the kubelet's visit of a pod, `objects::evict`, `objects::terminate`,
//! `objects::pod_gone` and the setup's placement (each touches the pod). ReplicaSets are only
//! ever appended and never change owner, so the per-Deployment lists extend from
//! `replica_sets_seen` on.
//!
//! The module knows pods and ReplicaSets only through what `cluster.rs` passes in (`Pod::share`,
//! each ReplicaSet's owner, hash and `deleted`), so that `cluster.rs` may hold it.
//!
//! `tests/runs/wake.rs` checks at every instant of every built-in EKS scenario that the
//! settled counts equal a recount ([`PodCounts::recount`]).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::time::{Millis, SimTime};

/// What one pod adds to its ReplicaSet's counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Share {
    pub rs: usize,
    /// The pod exists (terminating ones included).
    pub existing: bool,
    /// It exists and is not terminating.
    pub counts: bool,
    /// It counts and is ready.
    pub ready: bool,
    /// It counts, is ready, and has been since then (`is_available` needs the time).
    pub ready_since: Option<SimTime>,
}

/// One ReplicaSet's counts.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct RsCount {
    /// Pods that exist, terminating ones included.
    pub existing: u32,
    /// Pods that count (not terminating).
    pub pods: u32,
    pub ready: u32,
    /// Ready pods by the time they became ready (those with a time).
    ready_since: BTreeMap<SimTime, u32>,
    /// Their number.
    ready_timed: u32,
}

impl RsCount {
    /// Ready pods that have been ready for at least `min_ready` at `now`
    /// (`EksCluster::is_available`).
    pub fn available(&self, now: SimTime, min_ready: Millis) -> u32 {
        if min_ready.0 == 0 {
            return self.ready_timed;
        }
        if now.0 < min_ready.0 {
            return 0;
        }
        self.ready_since
            .range(..=SimTime(now.0 - min_ready.0))
            .map(|(_, n)| n)
            .sum()
    }

    fn add(&mut self, s: Share, sign: i64) {
        let step = |v: &mut u32, on: bool| {
            if on {
                *v = (*v as i64 + sign) as u32;
            }
        };
        step(&mut self.existing, s.existing);
        step(&mut self.pods, s.counts);
        step(&mut self.ready, s.ready);
        if let Some(t) = s.ready_since {
            step(&mut self.ready_timed, true);
            let n = self.ready_since.entry(t).or_insert(0);
            *n = (*n as i64 + sign) as u32;
            if *n == 0 {
                self.ready_since.remove(&t);
            }
        }
    }
}

/// `T` is the pod template (`cluster::Template`), kept to hash it again only when it changed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PodCounts<T> {
    /// Per ReplicaSet (index as in `EksCluster::replica_sets`).
    pub per_rs: Vec<RsCount>,
    /// The share each pod contributes now (pods from `shares.len()` on are not counted yet).
    shares: Vec<Share>,
    /// Pods that may have changed since the last settle.
    touched: Vec<usize>,
    /// Each Deployment's ReplicaSets, in creation order.
    by_deployment: Vec<Vec<usize>>,
    replica_sets_seen: usize,
    /// Per Deployment, the last template hashed and its `pod-template-hash`.
    hashes: Vec<Option<(T, String)>>,
}

impl<T> Default for PodCounts<T> {
    fn default() -> Self {
        PodCounts {
            per_rs: Vec::new(),
            shares: Vec::new(),
            touched: Vec::new(),
            by_deployment: Vec::new(),
            replica_sets_seen: 0,
            hashes: Vec::new(),
        }
    }
}

impl<T: PartialEq + Clone> PodCounts<T> {
    /// Pod `p` may have changed what its share reads: re-read it at the next settle.
    pub fn touch(&mut self, p: usize) {
        if p < self.shares.len() {
            self.touched.push(p);
        }
    }

    /// Bring the counts up to date with the `pods` pods (`share(p)`: what pod `p` adds now) and
    /// the ReplicaSets (`owner(rs)`: the Deployment of each of the `replica_sets`).
    pub fn settle(
        &mut self,
        pods: usize,
        share: impl Fn(usize) -> Share,
        replica_sets: usize,
        owner: impl Fn(usize) -> usize,
    ) {
        self.see_replica_sets(replica_sets, owner);
        for p in std::mem::take(&mut self.touched) {
            let now = share(p);
            let was = self.shares[p];
            if now != was {
                self.per_rs[was.rs].add(was, -1);
                self.per_rs[now.rs].add(now, 1);
                self.shares[p] = now;
            }
        }
        for p in self.shares.len()..pods {
            let s = share(p);
            self.per_rs[s.rs].add(s, 1);
            self.shares.push(s);
        }
    }

    /// Count and list the ReplicaSets created since the last call (`owner(rs)`: its
    /// Deployment).
    pub fn see_replica_sets(&mut self, replica_sets: usize, owner: impl Fn(usize) -> usize) {
        self.per_rs.resize_with(replica_sets, RsCount::default);
        for i in self.replica_sets_seen..replica_sets {
            let d = owner(i);
            if self.by_deployment.len() <= d {
                self.by_deployment.resize_with(d + 1, Vec::new);
            }
            self.by_deployment[d].push(i);
        }
        self.replica_sets_seen = self.replica_sets_seen.max(replica_sets);
    }

    /// Deployment `d`'s ReplicaSets (deleted ones included), oldest first; call `settle` first.
    pub fn replica_sets_of(&self, d: usize) -> &[usize] {
        self.by_deployment.get(d).map_or(&[], |v| v.as_slice())
    }

    /// Deployment `d`'s ReplicaSet (not deleted) of its current `template`
    /// (`EksCluster::current_replica_set`): `hash(template)` is computed again only when the
    /// template changed; `matches(rs, hash)`: ReplicaSet `rs` is not deleted and has that hash.
    pub fn current(
        &mut self,
        d: usize,
        template: &T,
        hash: impl Fn(&T) -> String,
        matches: impl Fn(usize, &str) -> bool,
    ) -> Option<usize> {
        if self.hashes.len() <= d {
            self.hashes.resize_with(d + 1, || None);
        }
        let h = match &self.hashes[d] {
            Some((t, h)) if t == template => h,
            _ => &self.hashes[d].insert((template.clone(), hash(template))).1,
        };
        self.by_deployment
            .get(d)?
            .iter()
            .copied()
            .find(|&i| matches(i, h))
    }

    /// The counts as a pass over every pod would find them (`shares`: every pod's).
    pub fn recount(shares: impl Iterator<Item = Share>, replica_sets: usize) -> Vec<RsCount> {
        let mut per_rs = vec![RsCount::default(); replica_sets];
        for s in shares {
            per_rs[s.rs].add(s, 1);
        }
        per_rs
    }
}
