//! The registry over time: pushes and deletions (timeline actions and the console's), the
//! periodic application of lifecycle policies, scans (basic and enhanced with Amazon
//! Inspector) and the CVEs the vulnerability feed publishes. Each step records an event in the
//! repository's name with a why. Rules: docs/rules/ecr.md.
//!
//! Event lines follow the EventBridge events ECR and Inspector send (`ECR Image Action`,
//! `ECR Image Scan`, `Inspector2 Finding`) with their detail fields in a line; the line itself
//! is Orca's [model]: ECR prints no text for them.

use super::lifecycle::{self, Candidate};
use super::ops::{self, Deleted, ImageId, Push};
use super::{DAY_MS, ImageScan, Registry, ScanStatus};
use crate::control::{EcrTimer, Timer, Timers};
use crate::event::{Event, EventKind, Source};
use crate::name::Name;
use crate::scenario::spec::{ScanFrequency, ScanType};
use crate::time::{Millis, SimTime};

/// How long a scan takes from start to COMPLETE. AWS publishes no figure; basic scans
/// typically finish within a minute or two [inferred].
pub const SCAN_DURATION: Millis = Millis::from_secs(30);

/// Basic scanning allows one scan per image per 24 hours, the scan on push included (ECR User
/// Guide, "Basic scanning").
pub const BASIC_SCAN_QUOTA: Millis = Millis::from_secs(86_400);

/// What the registry controller works with.
pub struct EcrCtx<'a> {
    pub now: SimTime,
    pub reg: &'a mut Registry,
    pub timers: &'a mut Timers,
    pub log: &'a mut Vec<Event>,
}

impl EcrCtx<'_> {
    fn schedule(&mut self, at: SimTime, t: EcrTimer) {
        self.timers.schedule(at.max(self.now), Timer::Ecr(t));
    }

    fn emit(
        &mut self,
        repo: usize,
        digest: &str,
        what: &str,
        message: String,
        why: Option<String>,
    ) {
        let repository = self.reg.repositories[repo].name.clone();
        self.log.push(Event::new(
            self.now,
            Source::Ecr(repository.as_str().into()),
            EventKind::Ecr {
                repository: repository.into(),
                image_digest: digest.into(),
                what: what.into(),
            },
            message,
            Vec::new(),
            why.map(Name::from),
        ));
    }

    fn now_ms(&self) -> i64 {
        self.now.millis() as i64
    }
}

/// The registry at time zero: images pushed before the run were scanned then (scan on push,
/// or continuous monitoring), the lifecycle pass and the feed's later CVEs are scheduled.
pub fn start(ctx: &mut EcrCtx) {
    for r in 0..ctx.reg.repositories.len() {
        for i in 0..ctx.reg.repositories[r].images.len() {
            if let Some(enhanced) = scanned_on_push(ctx.reg, r) {
                let findings = findings_at(ctx.reg, r, i, SimTime::ZERO);
                let status = settled_status(ctx.reg, r, enhanced);
                let scan = &mut ctx.reg.repositories[r].images[i].scan;
                *scan = Some(ImageScan {
                    status,
                    // Before the run: the quota of a basic scan on push has run out unless the
                    // push was under a day ago; Orca counts it from time zero [model].
                    started_at: SimTime::ZERO,
                    completed_at: SimTime::ZERO,
                    findings,
                    enhanced,
                });
            }
        }
    }
    if ctx
        .reg
        .repositories
        .iter()
        .any(|r| r.lifecycle_policy.is_some())
    {
        let at = SimTime::ZERO.plus(ctx.reg.lifecycle_interval);
        ctx.schedule(at, EcrTimer::Lifecycle);
    }
    for (i, v) in ctx.reg.vulnerabilities.clone().iter().enumerate() {
        if v.published_at > SimTime::ZERO {
            ctx.schedule(v.published_at, EcrTimer::CvePublished(i as u32));
        }
    }
}

/// Whether a push to repository `r` is scanned, and by which scanner (`Some(true)`: Amazon
/// Inspector). Basic scans on push where a filter says so; enhanced scans on push under both
/// filters, and a continuous filter wins when both match (ECR User Guide, "Enhanced
/// scanning").
fn scanned_on_push(reg: &Registry, r: usize) -> Option<bool> {
    match (reg.scan_type, reg.repositories[r].scan_frequency) {
        (_, ScanFrequency::Manual) => None,
        (ScanType::Basic, ScanFrequency::ScanOnPush) => Some(false),
        // Validation refuses ContinuousScan under basic scanning.
        (ScanType::Basic, ScanFrequency::ContinuousScan) => Some(false),
        (ScanType::Enhanced, _) => Some(true),
    }
}

/// A finished scan's status: continuous monitoring shows ACTIVE, a one-off scan COMPLETE.
fn settled_status(reg: &Registry, r: usize, enhanced: bool) -> ScanStatus {
    if enhanced && reg.repositories[r].scan_frequency == ScanFrequency::ContinuousScan {
        ScanStatus::Active
    } else {
        ScanStatus::Complete
    }
}

/// The feed's CVEs published by `at` that name a package of the image.
fn findings_at(reg: &Registry, r: usize, i: usize, at: SimTime) -> Vec<usize> {
    let im = &reg.repositories[r].images[i];
    reg.vulnerabilities
        .iter()
        .enumerate()
        .filter(|(_, v)| v.published_at <= at && im.packages.contains(&v.package))
        .map(|(k, _)| k)
        .collect()
}

/// `repo:tag` (its first tag) or `repo@sha256:…` for a log line.
fn image_name(reg: &Registry, r: usize, i: usize) -> String {
    let repo = &reg.repositories[r];
    let im = &repo.images[i];
    match im.tags.first() {
        Some(t) => format!("{}:{t}", repo.name),
        None => format!("{}@{}", repo.name, im.short_digest()),
    }
}

/// A push as a timeline action or the console's `aws ecr put-image`: the image (or the new
/// tag) is in the repository, or the push is refused with ECR's exception.
pub fn on_push(ctx: &mut EcrCtx, p: &Push) {
    let now_ms = ctx.now_ms();
    match ops::push(ctx.reg, p, now_ms) {
        Ok(done) => {
            let (r, i) = (done.repository, done.image);
            let name = image_name(ctx.reg, r, i);
            let digest = ctx.reg.repositories[r].images[i].digest.clone();
            let why = match (&done.moved_from, p.tag) {
                (Some(old), Some(tag)) => Some(format!(
                    "the repository's tags are MUTABLE: the tag {tag} moves from {} to the new image; a task or pod that pulls :{tag} from now on gets the new one",
                    &old[..old.len().min(15)]
                )),
                _ => None,
            };
            let tag = p.tag.unwrap_or("");
            ctx.emit(
                r,
                &digest,
                "PUSH",
                format!("ECR Image Action PUSH SUCCESS: {name} {digest} tag {tag}"),
                why,
            );
            if done.new_image
                && let Some(enhanced) = scanned_on_push(ctx.reg, r)
            {
                begin_scan(ctx, r, i, enhanced);
            }
        }
        Err(e) => {
            let r = ctx.reg.repository(p.repository);
            if let Some(r) = r {
                let why = (e.code == "ImageTagAlreadyExistsException").then(|| {
                    "the repository's imageTagMutability is IMMUTABLE: a tag, once pushed, always names the same image; push under a new tag instead".to_string()
                });
                ctx.emit(
                    r,
                    "",
                    "PUSH_REFUSED",
                    format!(
                        "push of {}:{} refused: {}: {}",
                        p.repository,
                        p.tag.unwrap_or(""),
                        e.code,
                        e.message
                    ),
                    why,
                );
            }
        }
    }
}

/// `batch-delete-image` of image ids in a repository.
pub fn on_delete(ctx: &mut EcrCtx, repository: &str, ids: &[ImageId]) {
    let Some(r) = ctx.reg.repository(repository) else {
        return;
    };
    for id in ids {
        match ops::delete(ctx.reg, r, id) {
            Deleted::Untagged { digest, tag } => ctx.emit(
                r,
                &digest,
                "DELETE",
                format!("ECR Image Action DELETE SUCCESS: {repository}:{tag} (the tag only; the image keeps its other tags)"),
                None,
            ),
            Deleted::Image { digest, tags } => ctx.emit(
                r,
                &digest,
                "DELETE",
                format!(
                    "ECR Image Action DELETE SUCCESS: {repository}@{digest} tags [{}]",
                    tags.join(", ")
                ),
                None,
            ),
            Deleted::NotFound => {}
        }
    }
}

/// The periodic lifecycle pass: every repository's policy is applied and the images it
/// selects expire, oldest first (ECR User Guide, "Lifecycle policies": expiry happens within
/// 24 hours of the evaluation; Orca expires at the pass [model]).
pub fn on_lifecycle(ctx: &mut EcrCtx) {
    let now_ms = ctx.now_ms();
    for r in 0..ctx.reg.repositories.len() {
        let Some(rules) = ctx.reg.repositories[r].lifecycle_policy.clone() else {
            continue;
        };
        let expired = {
            let images = &ctx.reg.repositories[r].images;
            let candidates: Vec<Candidate> = images
                .iter()
                .map(|im| Candidate {
                    tags: &im.tags,
                    pushed_at_ms: im.pushed_at_ms,
                })
                .collect();
            lifecycle::evaluate(&rules, &candidates, now_ms)
        };
        let mut gone = Vec::new();
        for e in &expired {
            let im = &ctx.reg.repositories[r].images[e.image];
            let digest = im.digest.clone();
            let tags = im.tags.join(", ");
            let days = (now_ms - im.pushed_at_ms) as f64 / DAY_MS as f64;
            let rule = rules.iter().find(|x| x.rule_priority == e.rule_priority);
            let what = rule.map_or(String::new(), describe_rule);
            let repo = ctx.reg.repositories[r].name.clone();
            ctx.emit(
                r,
                &digest,
                "EXPIRE",
                format!(
                    "ECR Image Action DELETE SUCCESS: {repo}@{digest} tags [{tags}] expired by lifecycle policy rule {}",
                    e.rule_priority
                ),
                Some(format!(
                    "rule {} ({what}) selects this image, pushed {days:.1} days ago, and no rule with a smaller rulePriority holds it; a task or pod that pulls it from now on fails",
                    e.rule_priority
                )),
            );
            gone.push(digest);
        }
        ctx.reg.repositories[r]
            .images
            .retain(|im| !gone.contains(&im.digest));
    }
    let next = ctx.now.plus(ctx.reg.lifecycle_interval);
    ctx.schedule(next, EcrTimer::Lifecycle);
}

/// A rule in a few words: `tagged prefix [v] keep 2 newest`.
pub fn describe_rule(r: &crate::scenario::spec::LifecycleRuleSpec) -> String {
    use crate::scenario::spec::{CountType, TagStatus};
    let status = match r.tag_status {
        TagStatus::Tagged if !r.tag_prefix_list.is_empty() => {
            format!("tags starting with [{}]", r.tag_prefix_list.join(", "))
        }
        TagStatus::Tagged => format!("tags matching [{}]", r.tag_pattern_list.join(", ")),
        TagStatus::Untagged => "untagged images".into(),
        TagStatus::Any => "any image".into(),
    };
    match r.count_type {
        CountType::ImageCountMoreThan => {
            format!("{status}, imageCountMoreThan {}", r.count_number)
        }
        CountType::SinceImagePushed => {
            format!("{status}, sinceImagePushed {} days", r.count_number)
        }
    }
}

/// A scan starts (IN_PROGRESS) and completes after [`SCAN_DURATION`].
pub fn begin_scan(ctx: &mut EcrCtx, r: usize, i: usize, enhanced: bool) {
    let now = ctx.now;
    let done = now.plus(SCAN_DURATION);
    let im = &mut ctx.reg.repositories[r].images[i];
    im.scan = Some(ImageScan {
        status: ScanStatus::InProgress,
        started_at: now,
        completed_at: done,
        findings: im
            .scan
            .as_ref()
            .map(|s| s.findings.clone())
            .unwrap_or_default(),
        enhanced,
    });
    ctx.schedule(done, EcrTimer::ScanDone(r as u32, i as u32));
}

/// Scans of repository `r` due now complete. The timer names the image by its index when the
/// scan started; an expiry or deletion since may have moved it, so every scan of the repository
/// due now completes here (and a later timer for the same instant finds none left).
pub fn on_scan_done(ctx: &mut EcrCtx, r: usize, _i: usize) {
    let now = ctx.now;
    let due: Vec<usize> = ctx.reg.repositories.get(r).map_or(Vec::new(), |repo| {
        (0..repo.images.len())
            .filter(|&k| {
                repo.images[k]
                    .scan
                    .as_ref()
                    .is_some_and(|s| s.status == ScanStatus::InProgress && s.completed_at == now)
            })
            .collect()
    });
    for i in due {
        complete_scan(ctx, r, i);
    }
}

/// A scan completes with the findings the feed has published by now.
fn complete_scan(ctx: &mut EcrCtx, r: usize, i: usize) {
    let now = ctx.now;
    let findings = findings_at(ctx.reg, r, i, now);
    let enhanced = ctx.reg.repositories[r].images[i]
        .scan
        .as_ref()
        .is_some_and(|s| s.enhanced);
    let status = settled_status(ctx.reg, r, enhanced);
    let counts = severity_counts(ctx.reg, &findings);
    let name = image_name(ctx.reg, r, i);
    let digest = ctx.reg.repositories[r].images[i].digest.clone();
    if let Some(s) = ctx.reg.repositories[r].images[i].scan.as_mut() {
        s.status = status;
        s.findings = findings;
    }
    let scanner = if enhanced {
        "Amazon Inspector"
    } else {
        "basic scanning"
    };
    ctx.emit(
        r,
        &digest,
        "SCAN",
        format!("ECR Image Scan COMPLETE: {name} {digest} findings {counts}"),
        Some(format!(
            "{scanner} compared the image's packages with the vulnerabilities known now"
        )),
    );
}

/// `CRITICAL 1, HIGH 2` (most severe first) or `none`.
pub fn severity_counts(reg: &Registry, findings: &[usize]) -> String {
    let counts = counts_by_severity(reg, findings);
    if counts.is_empty() {
        return "none".into();
    }
    counts
        .iter()
        .map(|(s, n)| format!("{} {n}", s.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Findings per severity, most severe first (`findingSeverityCounts`).
pub fn counts_by_severity(
    reg: &Registry,
    findings: &[usize],
) -> Vec<(crate::scenario::spec::Severity, u32)> {
    use crate::scenario::spec::Severity::*;
    [Critical, High, Medium, Low, Informational, Undefined]
        .into_iter()
        .filter_map(|s| {
            let n = findings
                .iter()
                .filter(|&&k| reg.vulnerabilities.get(k).is_some_and(|v| v.severity == s))
                .count() as u32;
            (n > 0).then_some((s, n))
        })
        .collect()
}

/// The feed publishes a CVE: Amazon Inspector re-scans the images it monitors continuously
/// (those of `CONTINUOUS_SCAN` repositories still within the re-scan duration since their
/// push) and reports a finding on each image with the package. Basic scanning does not
/// re-scan (ECR User Guide, "Image scanning"; Inspector User Guide, "ECR re-scan duration").
pub fn on_cve_published(ctx: &mut EcrCtx, v: usize) {
    let Some(vuln) = ctx.reg.vulnerabilities.get(v).cloned() else {
        return;
    };
    if ctx.reg.scan_type != ScanType::Enhanced {
        return;
    }
    let now_ms = ctx.now_ms();
    for r in 0..ctx.reg.repositories.len() {
        if ctx.reg.repositories[r].scan_frequency != ScanFrequency::ContinuousScan {
            continue;
        }
        for i in 0..ctx.reg.repositories[r].images.len() {
            let im = &ctx.reg.repositories[r].images[i];
            let eligible = ctx
                .reg
                .rescan_days
                .is_none_or(|d| now_ms - im.pushed_at_ms <= i64::from(d) * DAY_MS);
            let Some(scan) = im.scan.as_ref() else {
                continue;
            };
            if !eligible {
                if scan.status != ScanStatus::ScanEligibilityExpired
                    && let Some(s) = ctx.reg.repositories[r].images[i].scan.as_mut()
                {
                    s.status = ScanStatus::ScanEligibilityExpired;
                }
                continue;
            }
            if !im.packages.contains(&vuln.package) || scan.findings.contains(&v) {
                continue;
            }
            let name = image_name(ctx.reg, r, i);
            let digest = ctx.reg.repositories[r].images[i].digest.clone();
            if let Some(s) = ctx.reg.repositories[r].images[i].scan.as_mut() {
                s.findings.push(v);
                s.completed_at = ctx.now;
            }
            ctx.emit(
                r,
                &digest,
                "FINDING",
                format!(
                    "Inspector2 Finding ACTIVE: {} {} in {name} {digest} package {}",
                    vuln.id,
                    vuln.severity.as_str(),
                    vuln.package
                ),
                Some(format!(
                    "{} was published now; the repository is scanned continuously, so Amazon Inspector re-scanned the image, which contains {}",
                    vuln.id, vuln.package
                )),
            );
        }
    }
}

/// The registry's timeline actions (and the console's `aws ecr` interventions).
pub fn on_action(ctx: &mut EcrCtx, action: &crate::scenario::spec::Action) {
    use crate::scenario::spec::Action;
    match action {
        Action::PushImage {
            repository,
            tag,
            image_digest,
            size_mib,
            packages,
        } => on_push(
            ctx,
            &Push {
                repository,
                tag: tag.as_deref(),
                image_digest: image_digest.as_deref(),
                size_bytes: (size_mib * 1_048_576.0).round() as u64,
                packages,
            },
        ),
        Action::DeleteImage {
            repository,
            tag,
            image_digest,
        } => on_delete(
            ctx,
            repository,
            &[ImageId {
                tag: tag.clone(),
                digest: image_digest.clone(),
            }],
        ),
        Action::StartImageScan {
            repository,
            tag,
            image_digest,
        } => on_start_scan(ctx, repository, tag.as_deref(), image_digest.as_deref()),
        _ => {}
    }
}

/// Why `start-image-scan` is refused now, if it is: a repository or image that is not there,
/// enhanced scanning (no manual scans), or the basic quota of one scan per image per 24 hours
/// (ECR User Guide, "Basic scanning"; the exception's message as the API returns it).
pub fn check_start_scan(
    reg: &Registry,
    now: SimTime,
    repository: &str,
    tag: Option<&str>,
    digest: Option<&str>,
) -> Result<(usize, usize), ops::EcrError> {
    let r = reg
        .repository(repository)
        .ok_or_else(|| ops::repository_not_found(reg, repository))?;
    let i = reg.repositories[r]
        .find(tag, digest)
        .ok_or_else(|| ops::image_not_found(reg, repository, tag, digest))?;
    if reg.scan_type == ScanType::Enhanced {
        return Err(ops::EcrError {
            code: "ValidationException",
            message: "This feature is disabled when enhanced scanning is enabled on the registry."
                .into(),
        });
    }
    let im = &reg.repositories[r].images[i];
    if im
        .scan
        .as_ref()
        .is_some_and(|s| now.since(s.started_at) < BASIC_SCAN_QUOTA)
    {
        return Err(ops::EcrError {
            code: "LimitExceededException",
            message: "The scan quota per image has been exceeded. Wait and try again.".into(),
        });
    }
    Ok((r, i))
}

fn on_start_scan(ctx: &mut EcrCtx, repository: &str, tag: Option<&str>, digest: Option<&str>) {
    match check_start_scan(ctx.reg, ctx.now, repository, tag, digest) {
        Ok((r, i)) => begin_scan(ctx, r, i, false),
        Err(e) => {
            if let Some(r) = ctx.reg.repository(repository) {
                ctx.emit(
                    r,
                    "",
                    "SCAN_REFUSED",
                    format!("start-image-scan refused: {}: {}", e.code, e.message),
                    None,
                );
            }
        }
    }
}
