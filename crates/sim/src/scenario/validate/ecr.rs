//! The registry (`ecr`): repository names, tags, lifecycle policies as ECR validates them,
//! scanning settings, the vulnerability feed, caps, and the timeline's registry actions against
//! the repositories (docs/rules/ecr.md).

use super::Problems;
use super::common::{Unique, check_seconds, list};
use crate::ecr::lifecycle;
use crate::scenario::limits::DAY_SECONDS;
use crate::scenario::locate::Path;
use crate::scenario::shown::quoted;
use crate::scenario::spec::{Action, EcrSpec, ScanFrequency, ScanType, Scenario};

/// Orca's caps: the registry is read in full every lifecycle pass.
pub const MAX_REPOSITORIES: usize = 50;
pub const MAX_IMAGES: usize = 1_000;
pub const MAX_RULES: usize = 50;
pub const MAX_VULNERABILITIES: usize = 1_000;
pub const MAX_PACKAGES: usize = 100;
/// The shortest lifecycle interval Orca runs (it bounds the passes of a run) [Orca].
pub const MIN_LIFECYCLE_INTERVAL: f64 = 60.0;
/// Inspector's `rescanDuration` values in days (Inspector API, EcrConfiguration).
const RESCAN_DAYS: [u32; 7] = [3, 7, 14, 30, 60, 90, 180];

/// ECR repository names: lowercase letters and digits, separated by `.`, `_`, `-` or `/`,
/// 2–256 characters (ECR API Reference, CreateRepository `repositoryName`).
fn repository_name_ok(name: &str) -> bool {
    let b = name.as_bytes();
    (2..=256).contains(&b.len())
        && name.split('/').all(|part| {
            !part.is_empty()
                && part.split(['.', '_', '-']).all(|w| {
                    !w.is_empty()
                        && w.bytes()
                            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
                })
        })
}

/// Image tags: up to 128 characters of letters, digits, `_`, `.` and `-`, not starting with
/// `.` or `-` (the Docker tag grammar ECR accepts).
fn tag_ok(tag: &str) -> bool {
    let b = tag.as_bytes();
    !b.is_empty()
        && b.len() <= 128
        && (b[0].is_ascii_alphanumeric() || b[0] == b'_')
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-'))
}

/// What the lifecycle passes of a run may cost at most: passes × images × rules [Orca].
pub const MAX_LIFECYCLE_COST: f64 = 50_000_000.0;

/// The lifecycle passes of a run look at every image of every repository with a policy once
/// per rule; the run's images are the file's and those its timeline pushes.
pub(super) fn lifecycle_cost(out: &mut Problems, s: &Scenario, spec: &EcrSpec, p: &Path) {
    let rules: usize = spec
        .repositories
        .iter()
        .filter_map(|r| r.lifecycle_policy.as_ref())
        .map(|l| l.rules.len())
        .sum();
    if rules == 0 || !spec.lifecycle_interval_seconds.is_finite() {
        return;
    }
    let images = spec
        .repositories
        .iter()
        .map(|r| r.images.len())
        .sum::<usize>()
        + s.timeline
            .iter()
            .filter(|e| matches!(e.action, Action::PushImage { .. }))
            .count();
    let passes = (s.duration / spec.lifecycle_interval_seconds.max(MIN_LIFECYCLE_INTERVAL)).ceil();
    let cost = passes * images as f64 * rules as f64;
    if cost > MAX_LIFECYCLE_COST {
        out.push((
            p.field("lifecycle_interval_seconds"),
            format!(
                "the lifecycle passes would weigh {cost:.0} image × rule checks ({passes:.0} passes over {images} images and {rules} rules); at most {MAX_LIFECYCLE_COST:.0}: apply the policies less often or model fewer images"
            ),
        ));
    }
}

pub(super) fn ecr(out: &mut Problems, spec: &EcrSpec, p: &Path) {
    let rp = p.field("repositories");
    if spec.repositories.len() > MAX_REPOSITORIES {
        out.push((
            rp.clone(),
            format!(
                "{} repositories; at most {MAX_REPOSITORIES}",
                spec.repositories.len()
            ),
        ));
    }
    let total: usize = spec.repositories.iter().map(|r| r.images.len()).sum();
    if total > MAX_IMAGES {
        out.push((
            rp.clone(),
            format!("{total} images over all repositories; at most {MAX_IMAGES}"),
        ));
    }
    let mut names = Unique::new();
    for (i, r) in spec.repositories.iter().enumerate() {
        let p = rp.index(i);
        if !repository_name_ok(&r.name) {
            out.push((
                p.field("name"),
                format!(
                    "repository name {} is not valid; ECR takes 2–256 lowercase letters and digits, separated by '.', '_', '-' or '/' (e.g. \"team/web\")",
                    quoted(&r.name)
                ),
            ));
        }
        names.check(out, p.field("name"), "repository", &r.name);
        if r.scan_frequency == ScanFrequency::ContinuousScan && spec.scan_type == ScanType::Basic {
            out.push((
                p.field("scan_frequency"),
                "ContinuousScan needs enhanced scanning (Amazon Inspector); with scan_type Basic use ScanOnPush or Manual, or set scan_type: Enhanced".into(),
            ));
        }
        let mut tags: Vec<&str> = Vec::new();
        for (k, im) in r.images.iter().enumerate() {
            let ip = p.field("images").index(k);
            for (t, tag) in im.tags.iter().enumerate() {
                if tags.contains(&tag.as_str()) {
                    out.push((
                        ip.field("tags").index(t),
                        format!(
                            "tag {} is on two images of repository {}; a tag names one image, so give this one another tag",
                            quoted(tag),
                            quoted(&r.name)
                        ),
                    ));
                }
                tags.push(tag);
                if !tag_ok(tag) {
                    out.push((
                        ip.field("tags").index(t),
                        format!(
                            "tag {} is not valid; up to 128 letters, digits, '_', '.' and '-', not starting with '.' or '-'",
                            quoted(tag)
                        ),
                    ));
                }
            }
            if !im.pushed_days_ago.is_finite() || !(0.0..=3650.0).contains(&im.pushed_days_ago) {
                out.push((
                    ip.field("pushed_days_ago"),
                    format!(
                        "pushed_days_ago {} is out of range; valid: 0 to 3650 days",
                        im.pushed_days_ago
                    ),
                ));
            }
            size(out, ip.field("size_mib"), im.size_mib);
            if im.packages.len() > MAX_PACKAGES {
                out.push((
                    ip.field("packages"),
                    format!("{} packages; at most {MAX_PACKAGES}", im.packages.len()),
                ));
            }
        }
        if let Some(policy) = &r.lifecycle_policy {
            let pp = p.field("lifecycle_policy").field("rules");
            if policy.rules.is_empty() || policy.rules.len() > MAX_RULES {
                out.push((
                    pp.clone(),
                    format!(
                        "{} rules; a lifecycle policy has 1 to {MAX_RULES}",
                        policy.rules.len()
                    ),
                ));
            }
            for (k, field, msg) in lifecycle::problems(&policy.rules) {
                out.push((
                    pp.index(k).field(field),
                    format!(
                        "ECR refuses this policy: \"Lifecycle policy validation failure: {msg}\""
                    ),
                ));
            }
        }
    }
    if let Some(d) = spec.rescan_duration_days
        && !RESCAN_DAYS.contains(&d)
    {
        out.push((
            p.field("rescan_duration_days"),
            format!(
                "rescan_duration_days {d} is not one of Inspector's durations; valid: 3, 7, 14, 30, 60, 90 or 180 days, or None for LIFETIME"
            ),
        ));
    }
    let li = spec.lifecycle_interval_seconds;
    if !li.is_finite() || !(MIN_LIFECYCLE_INTERVAL..=DAY_SECONDS as f64).contains(&li) {
        out.push((
            p.field("lifecycle_interval_seconds"),
            format!(
                "lifecycle_interval_seconds {li} is out of range; valid: {MIN_LIFECYCLE_INTERVAL} to {DAY_SECONDS} seconds (ECR applies a policy within 24 hours)"
            ),
        ));
    }
    let vp = p.field("vulnerabilities");
    if spec.vulnerabilities.len() > MAX_VULNERABILITIES {
        out.push((
            vp.clone(),
            format!(
                "{} vulnerabilities; at most {MAX_VULNERABILITIES}",
                spec.vulnerabilities.len()
            ),
        ));
    }
    let mut ids = Unique::new();
    for (i, v) in spec.vulnerabilities.iter().enumerate() {
        ids.check(out, vp.index(i).field("id"), "vulnerability", &v.id);
        check_seconds(
            out,
            vp.index(i).field("published_at"),
            "published_at",
            v.published_at,
            DAY_SECONDS as f64,
        );
    }
}

fn size(out: &mut Problems, p: Path, mib: f64) {
    if !mib.is_finite() || !(0.001..=10_240.0).contains(&mib) {
        out.push((
            p,
            format!("size_mib {mib} is out of range; valid: 0.001 to 10240 MiB"),
        ));
    }
}

/// The timeline's registry actions name repositories of `spec`, and the image they act on.
pub(super) fn timeline(out: &mut Problems, s: &Scenario, spec: &EcrSpec) {
    let tp = Path::root().field("timeline");
    for (i, entry) in s.timeline.iter().enumerate() {
        let ap = tp.index(i).field("action");
        let (repository, tag, digest) = match &entry.action {
            Action::PushImage {
                repository,
                tag,
                image_digest,
                size_mib,
                packages,
            } => {
                size(out, ap.field("size_mib"), *size_mib);
                if packages.len() > MAX_PACKAGES {
                    out.push((
                        ap.field("packages"),
                        format!("{} packages; at most {MAX_PACKAGES}", packages.len()),
                    ));
                }
                (repository, tag, image_digest)
            }
            Action::DeleteImage {
                repository,
                tag,
                image_digest,
            }
            | Action::StartImageScan {
                repository,
                tag,
                image_digest,
            } => {
                if tag.is_none() && image_digest.is_none() {
                    out.push((
                        ap.clone(),
                        "name the image: a tag or an image_digest".into(),
                    ));
                }
                (repository, tag, image_digest)
            }
            _ => continue,
        };
        if !spec.repositories.iter().any(|r| &r.name == repository) {
            out.push((
                ap.field("repository"),
                format!(
                    "repository {} is not in the scenario's ecr; {}",
                    quoted(repository),
                    list(spec.repositories.iter().map(|r| r.name.as_str()))
                ),
            ));
        }
        if let Some(t) = tag
            && !tag_ok(t)
        {
            out.push((
                ap.field("tag"),
                format!(
                    "tag {} is not valid; up to 128 letters, digits, '_', '.' and '-', not starting with '.' or '-'",
                    quoted(t)
                ),
            ));
        }
        if let Some(d) = digest {
            let hex = d.strip_prefix("sha256:").unwrap_or("");
            if hex.len() != 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                out.push((
                    ap.field("image_digest"),
                    format!(
                        "image_digest {} is not a digest; valid: \"sha256:\" and 64 hex digits",
                        quoted(d)
                    ),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repository_names_follow_ecr() {
        assert!(repository_name_ok("web"));
        assert!(repository_name_ok("team/web-app_v2"));
        assert!(!repository_name_ok("Web"));
        assert!(!repository_name_ok("w"));
        assert!(!repository_name_ok("web//x"));
        assert!(!repository_name_ok("-web"));
    }

    #[test]
    fn tags_follow_the_docker_grammar() {
        assert!(tag_ok("v1.2.3"));
        assert!(tag_ok("_x"));
        assert!(!tag_ok(".x"));
        assert!(!tag_ok("a:b"));
        assert!(!tag_ok(&"a".repeat(129)));
    }
}
