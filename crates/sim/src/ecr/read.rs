//! What a registry panel shows, read from the world: each repository with its images (tags,
//! digest, push time, size, scan status, findings per severity, the tasks and pods whose image
//! names it) and the lifecycle preview (which images the policy would expire now).

use super::controller::counts_by_severity;
use super::lifecycle::{self, Candidate, Expiry};
use super::{Lookup, Registry};
use crate::scenario::spec::{LifecycleRuleSpec, ScanFrequency, Severity, TagMutability};
use crate::world::World;

#[derive(Debug, Clone, PartialEq)]
pub struct RepositoryRow {
    pub name: String,
    pub uri: String,
    pub mutability: TagMutability,
    /// The repository's scan frequency and whether the registry scans with Amazon Inspector.
    pub scan_frequency: ScanFrequency,
    pub enhanced: bool,
    /// The lifecycle policy's rules, in priority order (empty without a policy).
    pub lifecycle_rules: Vec<LifecycleRuleSpec>,
    pub images: Vec<ImageRow>,
}

/// One finding of an image's last scan: the CVE, its severity and the affected package.
#[derive(Debug, Clone, PartialEq)]
pub struct FindingRow {
    pub id: String,
    pub severity: Severity,
    pub package: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ImageRow {
    pub digest: String,
    pub tags: Vec<String>,
    /// Milliseconds since the scenario started (negative: before).
    pub pushed_at_ms: i64,
    pub size_bytes: u64,
    /// `IN_PROGRESS`, `COMPLETE`, `ACTIVE`, `SCAN_ELIGIBILITY_EXPIRED`; none if never scanned.
    pub scan_status: Option<&'static str>,
    /// Most severe first.
    pub severity_counts: Vec<(Severity, u32)>,
    /// The last scan's findings, most severe first, then by CVE id.
    pub findings: Vec<FindingRow>,
    /// Live ECS tasks (their ids) that pulled this image (or, before their pull, whose
    /// containers name it).
    pub tasks: Vec<String>,
    /// Pods (their names) whose container names this image now.
    pub pods: Vec<String>,
    /// The lifecycle rule that would expire it if the policy were applied now.
    pub expires_by_rule: Option<u32>,
}

/// Every repository of the world's registry with its images, newest first.
pub fn repositories(world: &World) -> Vec<RepositoryRow> {
    let reg = &world.ecr;
    let now_ms = world.now.millis() as i64;
    reg.repositories
        .iter()
        .enumerate()
        .map(|(r, repo)| {
            let preview = lifecycle_preview(reg, r, now_ms);
            let mut images: Vec<ImageRow> = repo
                .images
                .iter()
                .enumerate()
                .map(|(i, im)| ImageRow {
                    digest: im.digest.clone(),
                    tags: im.tags.clone(),
                    pushed_at_ms: im.pushed_at_ms,
                    size_bytes: im.size_bytes,
                    scan_status: im.scan.as_ref().map(|s| s.status.as_str()),
                    severity_counts: im
                        .scan
                        .as_ref()
                        .map(|s| counts_by_severity(reg, &s.findings))
                        .unwrap_or_default(),
                    findings: im
                        .scan
                        .as_ref()
                        .map(|s| findings(reg, &s.findings))
                        .unwrap_or_default(),
                    tasks: tasks_using(world, r, i),
                    pods: pods_using(world, r, i),
                    expires_by_rule: preview
                        .iter()
                        .find(|e| e.image == i)
                        .map(|e| e.rule_priority),
                })
                .collect();
            images.reverse();
            RepositoryRow {
                name: repo.name.clone(),
                uri: repo.uri.clone(),
                mutability: repo.mutability,
                scan_frequency: repo.scan_frequency,
                enhanced: reg.scan_type == crate::scenario::spec::ScanType::Enhanced,
                lifecycle_rules: {
                    let mut rules = repo.lifecycle_policy.clone().unwrap_or_default();
                    rules.sort_by_key(|r| r.rule_priority);
                    rules
                },
                images,
            }
        })
        .collect()
}

/// The images repository `r`'s lifecycle policy would expire at `now_ms` (none without a
/// policy), oldest first — what `get-lifecycle-policy-preview` lists.
pub fn lifecycle_preview(reg: &Registry, r: usize, now_ms: i64) -> Vec<Expiry> {
    let repo = &reg.repositories[r];
    let Some(rules) = &repo.lifecycle_policy else {
        return Vec::new();
    };
    let candidates: Vec<Candidate> = repo
        .images
        .iter()
        .map(|im| Candidate {
            tags: &im.tags,
            pushed_at_ms: im.pushed_at_ms,
        })
        .collect();
    lifecycle::evaluate(rules, &candidates, now_ms)
}

/// The vulnerabilities `found` (indices into the registry's feed), most severe first.
fn findings(reg: &Registry, found: &[usize]) -> Vec<FindingRow> {
    let rank = |s: Severity| match s {
        Severity::Critical => 0,
        Severity::High => 1,
        Severity::Medium => 2,
        Severity::Low => 3,
        Severity::Informational => 4,
        Severity::Undefined => 5,
    };
    let mut rows: Vec<FindingRow> = found
        .iter()
        .filter_map(|&k| reg.vulnerabilities.get(k))
        .map(|v| FindingRow {
            id: v.id.clone(),
            severity: v.severity,
            package: v.package.clone(),
        })
        .collect();
    rows.sort_by(|a, b| {
        rank(a.severity)
            .cmp(&rank(b.severity))
            .then_with(|| a.id.cmp(&b.id))
    });
    rows
}

fn tasks_using(world: &World, r: usize, i: usize) -> Vec<String> {
    let Some(ecs) = &world.ecs else {
        return Vec::new();
    };
    ecs.tasks
        .iter()
        .filter(|t| t.is_live())
        .filter(|t| {
            // The digest it pulled; before its pull, the image its reference names now.
            t.containers.iter().any(|c| match &c.image_digest {
                Some(d) => *d == world.ecr.repositories[r].images[i].digest,
                None => world.ecr.lookup(&c.image) == Lookup::Found(r, i),
            })
        })
        .map(|t| t.id.to_string())
        .collect()
}

fn pods_using(world: &World, r: usize, i: usize) -> Vec<String> {
    let Some(eks) = &world.eks else {
        return Vec::new();
    };
    (0..eks.pods.len())
        .filter(|&p| !eks.pods[p].gone)
        .filter(|&p| world.ecr.lookup(&eks.template_of(p).image) == Lookup::Found(r, i))
        .map(|p| eks.pods[p].name.clone())
        .collect()
}
