//! Amazon ECR: the account's private registry in the scenario's region — repositories, their
//! images, tag mutability, lifecycle policies, scanning — and the vulnerability feed scanners
//! read. Rules: docs/rules/ecr.md.

use super::defaults;
use serde::{Deserialize, Serialize};

/// The registry (`<account>.dkr.ecr.<region>.amazonaws.com`). Images of task definitions and
/// pod specs that name one of its repositories are pulled from it; any other image is not
/// modelled and always pulls.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EcrSpec {
    #[serde(default)]
    pub repositories: Vec<RepositorySpec>,
    /// The registry's scanning configuration (`put-registry-scanning-configuration
    /// --scan-type`).
    #[serde(default)]
    pub scan_type: ScanType,
    /// Enhanced scanning: how long Amazon Inspector keeps re-scanning an image after its push,
    /// in days (`rescanDuration` DAYS_3 … DAYS_180); none is `LIFETIME`. Inspector's default
    /// for new accounts is 14 days.
    #[serde(default = "defaults::rescan_days")]
    pub rescan_duration_days: Option<u32>,
    /// ECR applies lifecycle policies "within 24 hours"; Orca evaluates every repository's
    /// policy once per this many seconds [inferred]. A scenario may shorten it to show expiry.
    #[serde(default = "defaults::lifecycle_interval")]
    pub lifecycle_interval_seconds: f64,
    /// The vulnerability feed: CVEs, the package they affect and when they are published.
    #[serde(default)]
    pub vulnerabilities: Vec<VulnerabilitySpec>,
}

impl EcrSpec {
    /// Nothing set: the file leaves `ecr` out (saved sessions stay as they were).
    pub fn is_empty(&self) -> bool {
        *self == EcrSpec::default()
    }
}

impl Default for EcrSpec {
    fn default() -> Self {
        EcrSpec {
            repositories: Vec::new(),
            scan_type: ScanType::default(),
            rescan_duration_days: defaults::rescan_days(),
            lifecycle_interval_seconds: defaults::lifecycle_interval(),
            vulnerabilities: Vec::new(),
        }
    }
}

/// A private repository.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RepositorySpec {
    pub name: String,
    #[serde(default)]
    pub image_tag_mutability: TagMutability,
    /// Which scan applies to the repository's images (the registry's scanning filters).
    #[serde(default)]
    pub scan_frequency: ScanFrequency,
    /// Images already in the repository when the scenario starts.
    #[serde(default)]
    pub images: Vec<RepositoryImageSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lifecycle_policy: Option<LifecyclePolicySpec>,
}

/// An image in a repository.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RepositoryImageSpec {
    /// Its tags; none makes it an untagged image.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Pushed this many days before the scenario starts.
    #[serde(default)]
    pub pushed_days_ago: f64,
    /// Its size in MiB (`imageSizeInBytes`).
    #[serde(default = "defaults::image_size_mib")]
    pub size_mib: f64,
    /// The packages inside it (`name version`), which the vulnerability feed's CVEs name.
    #[serde(default)]
    pub packages: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum TagMutability {
    /// `MUTABLE` (the default): a push of an existing tag moves it to the new image.
    #[default]
    Mutable,
    /// `IMMUTABLE`: a push of an existing tag fails with `ImageTagAlreadyExistsException`.
    Immutable,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum ScanType {
    /// Basic scanning (OS packages; scan on push or manual).
    #[default]
    Basic,
    /// Enhanced scanning with Amazon Inspector.
    Enhanced,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum ScanFrequency {
    /// Basic: scanned only by `start-image-scan`. Enhanced: not scanned (no filter matches).
    #[default]
    Manual,
    /// `SCAN_ON_PUSH`.
    ScanOnPush,
    /// `CONTINUOUS_SCAN` (enhanced only): re-scanned whenever a new CVE is published.
    ContinuousScan,
}

/// A CVE of the vulnerability feed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VulnerabilitySpec {
    /// `CVE-2026-1234`.
    pub id: String,
    pub severity: Severity,
    /// The affected package as images list it: `name version`.
    pub package: String,
    /// Seconds since the scenario started; 0 (the default) means already known.
    #[serde(default)]
    pub published_at: f64,
    #[serde(default)]
    pub description: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Severity {
    Informational,
    Low,
    Medium,
    High,
    Critical,
    Undefined,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Informational => "INFORMATIONAL",
            Severity::Low => "LOW",
            Severity::Medium => "MEDIUM",
            Severity::High => "HIGH",
            Severity::Critical => "CRITICAL",
            Severity::Undefined => "UNDEFINED",
        }
    }
}

/// A lifecycle policy: its rules as the policy JSON has them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LifecyclePolicySpec {
    pub rules: Vec<LifecycleRuleSpec>,
}

/// One rule: `{rulePriority, description, selection {…}, action {type: expire}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LifecycleRuleSpec {
    pub rule_priority: u32,
    #[serde(default)]
    pub description: String,
    pub tag_status: TagStatus,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tag_prefix_list: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tag_pattern_list: Vec<String>,
    pub count_type: CountType,
    /// `days`; only with `SinceImagePushed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count_unit: Option<CountUnit>,
    pub count_number: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TagStatus {
    Tagged,
    Untagged,
    Any,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CountType {
    ImageCountMoreThan,
    SinceImagePushed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CountUnit {
    Days,
}
