//! Amazon ECR: the scenario's private registry — repositories, images (digest, tags, push
//! time, size), tag mutability, lifecycle policies and scanning. Pure data and rules here; the
//! moments (pushes, lifecycle passes, scans, published CVEs) are in `controller.rs`, the image
//! reference a task or pod pulls is resolved by [`Registry::lookup`]. Rules:
//! docs/rules/ecr.md.

pub mod controller;
pub mod lifecycle;
pub mod ops;
pub mod read;

use serde::Serialize;

use crate::scenario::spec::{
    EcrSpec, LifecycleRuleSpec, ScanFrequency, ScanType, Severity, TagMutability,
};
use crate::time::{Millis, SimTime};

pub const DAY_MS: i64 = 86_400_000;

/// The account's private registry in the scenario's region.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Registry {
    /// The account id (`registryId`).
    pub registry_id: String,
    /// `<account>.dkr.ecr.<region>.amazonaws.com`.
    pub host: String,
    pub region: String,
    pub repositories: Vec<Repository>,
    /// Images pushed so far (every push makes a new digest from it).
    pub pushes: u64,
    pub scan_type: ScanType,
    /// Enhanced scanning's re-scan duration in days; `None` is LIFETIME.
    pub rescan_days: Option<u32>,
    /// How often lifecycle policies are applied [inferred].
    pub lifecycle_interval: Millis,
    pub vulnerabilities: Vec<Vulnerability>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Repository {
    pub name: String,
    pub arn: String,
    /// `<host>/<name>`.
    pub uri: String,
    pub mutability: TagMutability,
    pub scan_frequency: ScanFrequency,
    /// In push order (oldest first).
    pub images: Vec<Image>,
    pub lifecycle_policy: Option<Vec<LifecycleRuleSpec>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Image {
    /// `sha256:` and 64 hex digits.
    pub digest: String,
    pub tags: Vec<String>,
    /// Milliseconds since the scenario started (negative: pushed before it).
    pub pushed_at_ms: i64,
    pub size_bytes: u64,
    /// `name version` of each package inside.
    pub packages: Vec<String>,
    pub scan: Option<ImageScan>,
}

/// The latest scan of an image.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImageScan {
    pub status: ScanStatus,
    /// When the last scan started (the basic-scan quota counts from it).
    pub started_at: SimTime,
    /// When it completes (IN_PROGRESS) or completed.
    pub completed_at: SimTime,
    /// Indices of the registry's vulnerabilities found, in feed order.
    pub findings: Vec<usize>,
    /// Scanned by Amazon Inspector (enhanced) rather than basic scanning.
    pub enhanced: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ScanStatus {
    InProgress,
    Complete,
    /// Enhanced continuous scanning: the image is monitored.
    Active,
    ScanEligibilityExpired,
}

impl ScanStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ScanStatus::InProgress => "IN_PROGRESS",
            ScanStatus::Complete => "COMPLETE",
            ScanStatus::Active => "ACTIVE",
            ScanStatus::ScanEligibilityExpired => "SCAN_ELIGIBILITY_EXPIRED",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Vulnerability {
    pub id: String,
    pub severity: Severity,
    pub package: String,
    pub published_at: SimTime,
    pub description: String,
}

/// What an image reference names in the registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup {
    /// Not an image of a modelled repository: Orca does not model its registry (it pulls).
    NotModelled,
    /// The repository has it: repository and image indices.
    Found(usize, usize),
    /// The repository exists but has no image with that tag or digest.
    Missing,
}

/// A reference split into repository and tag or digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRef<'a> {
    pub repository: &'a str,
    pub tag: Option<&'a str>,
    pub digest: Option<&'a str>,
}

/// `repo:tag`, `repo@sha256:…` or `repo` (tag `latest`) after the registry host.
pub fn split_ref(path: &str) -> ImageRef<'_> {
    if let Some((repo, digest)) = path.split_once('@') {
        return ImageRef {
            repository: repo,
            tag: None,
            digest: Some(digest),
        };
    }
    match path.rsplit_once(':') {
        Some((repo, tag)) if !tag.contains('/') => ImageRef {
            repository: repo,
            tag: Some(tag),
            digest: None,
        },
        _ => ImageRef {
            repository: path,
            tag: Some("latest"),
            digest: None,
        },
    }
}

/// A digest for the `n`-th push to a repository: deterministic, `sha256:` + 64 hex digits.
/// Orca does not hash a real manifest; the value only has to be stable and distinct [model].
pub fn digest(repository: &str, n: u64) -> String {
    let mut h = crate::hash::fnv1a(repository.bytes().chain(n.to_le_bytes()));
    let mut out = String::from("sha256:");
    for _ in 0..4 {
        // splitmix64 steps.
        h = h.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = h;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        out.push_str(&format!("{z:016x}"));
    }
    out
}

impl Registry {
    /// The registry of a scenario's `ecr` section.
    pub fn new(spec: &EcrSpec, account_id: &str, region: &str) -> Registry {
        let host = format!("{account_id}.dkr.ecr.{region}.amazonaws.com");
        let mut r = Registry {
            registry_id: account_id.to_string(),
            host: host.clone(),
            region: region.to_string(),
            repositories: Vec::new(),
            pushes: 0,
            scan_type: spec.scan_type,
            rescan_days: spec.rescan_duration_days,
            lifecycle_interval: Millis::from_secs_f64(spec.lifecycle_interval_seconds),
            vulnerabilities: spec
                .vulnerabilities
                .iter()
                .map(|v| Vulnerability {
                    id: v.id.clone(),
                    severity: v.severity,
                    package: v.package.clone(),
                    published_at: SimTime::from_secs_f64(v.published_at),
                    description: v.description.clone(),
                })
                .collect(),
        };
        for rs in &spec.repositories {
            let mut repo = Repository {
                name: rs.name.clone(),
                arn: format!("arn:aws:ecr:{region}:{account_id}:repository/{}", rs.name),
                uri: format!("{host}/{}", rs.name),
                mutability: rs.image_tag_mutability,
                scan_frequency: rs.scan_frequency,
                images: Vec::new(),
                lifecycle_policy: rs.lifecycle_policy.as_ref().map(|p| p.rules.clone()),
            };
            let mut images: Vec<_> = rs.images.iter().collect();
            // Pushed in time order (the oldest first).
            images.sort_by(|a, b| b.pushed_days_ago.total_cmp(&a.pushed_days_ago));
            for im in images {
                r.pushes += 1;
                repo.images.push(Image {
                    digest: digest(&rs.name, r.pushes),
                    tags: im.tags.clone(),
                    pushed_at_ms: -(im.pushed_days_ago * DAY_MS as f64).round() as i64,
                    size_bytes: (im.size_mib * 1_048_576.0).round() as u64,
                    packages: im.packages.clone(),
                    scan: None,
                });
            }
            r.repositories.push(repo);
        }
        r
    }

    pub fn repository(&self, name: &str) -> Option<usize> {
        self.repositories.iter().position(|r| r.name == name)
    }

    /// What an image reference (as a task definition or pod spec names it) resolves to.
    pub fn lookup(&self, image: &str) -> Lookup {
        let Some(path) = image
            .strip_prefix(self.host.as_str())
            .and_then(|p| p.strip_prefix('/'))
        else {
            return Lookup::NotModelled;
        };
        let r = split_ref(path);
        let Some(ri) = self.repository(r.repository) else {
            return Lookup::NotModelled;
        };
        match self.repositories[ri].find(r.tag, r.digest) {
            Some(ii) => Lookup::Found(ri, ii),
            None => Lookup::Missing,
        }
    }

    /// Whether pulling `image` fails because its tag or digest is gone from a modelled
    /// repository.
    pub fn missing(&self, image: &str) -> bool {
        self.lookup(image) == Lookup::Missing
    }
}

impl Repository {
    /// The image with this tag or digest.
    pub fn find(&self, tag: Option<&str>, digest: Option<&str>) -> Option<usize> {
        self.images.iter().position(|im| {
            digest.is_some_and(|d| im.digest == d)
                || tag.is_some_and(|t| im.tags.iter().any(|x| x == t))
        })
    }
}

impl Image {
    /// `sha256:1a2b3c4d` — a digest as the log shortens it.
    pub fn short_digest(&self) -> &str {
        &self.digest[..self.digest.len().min(15)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_are_sha256_and_64_hex_digits() {
        let d = digest("web", 1);
        assert!(d.starts_with("sha256:"));
        assert_eq!(d.len(), 7 + 64);
        assert!(d[7..].chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(d, digest("web", 2));
        assert_ne!(d, digest("api", 1));
    }

    #[test]
    fn references_split_into_repository_and_tag_or_digest() {
        assert_eq!(split_ref("web:v1").tag, Some("v1"));
        assert_eq!(split_ref("team/web").tag, Some("latest"));
        assert_eq!(split_ref("team/web").repository, "team/web");
        let r = split_ref("web@sha256:abc");
        assert_eq!((r.repository, r.digest), ("web", Some("sha256:abc")));
    }
}
