//! `aws ecr …`: the registry's repositories and images, pushes (`put-image`), deletions
//! (`batch-delete-image`), scans and the lifecycle preview, in the JSON shapes of the ECR API
//! (Repository, ImageDetail, ImageIdentifier, ImageFailure, ImageScanFindings,
//! GetLifecyclePolicyPreview) and its exceptions. Sources: ECR API Reference and the AWS CLI's
//! `ecr` examples; docs/rules/ecr.md.
//!
//! Orca models no layers: `put-image` does not need `--image-manifest` (it is accepted and
//! ignored), and the lifecycle preview is ready at once (no `start-lifecycle-policy-preview`).

use serde_json::{Value, json};

use super::args::{self, Args, Param};
use super::shapes::pretty;
use super::{USAGE, api_name, two_columns};
use crate::console::{After, Context, Outcome, suggest};
use crate::ecr::controller::{self, counts_by_severity};
use crate::ecr::ops::{self, EcrError, ImageId, Push};
use crate::ecr::{Image, Registry, Repository, digest, read};
use crate::scenario::spec::{Action, ScanFrequency, TagMutability, defaults};
use crate::time::SimTime;

/// The operations of `aws ecr` Orca carries out.
pub const SUPPORTED: &[&str] = &[
    "batch-delete-image",
    "describe-image-scan-findings",
    "describe-images",
    "describe-repositories",
    "get-lifecycle-policy",
    "get-lifecycle-policy-preview",
    "get-registry-scanning-configuration",
    "list-images",
    "put-image",
    "start-image-scan",
];

/// The options of each operation (for Tab completion).
pub fn flags(op: &str) -> &'static [&'static str] {
    match op {
        "describe-repositories" => &["--repository-names"],
        "describe-images" => &["--repository-name", "--image-ids"],
        "batch-delete-image" => &["--repository-name", "--image-ids"],
        "put-image" => &[
            "--repository-name",
            "--image-tag",
            "--image-digest",
            "--image-manifest",
        ],
        "start-image-scan" | "describe-image-scan-findings" => &["--repository-name", "--image-id"],
        "list-images" | "get-lifecycle-policy" | "get-lifecycle-policy-preview" => {
            &["--repository-name"]
        }
        _ => &[],
    }
}

/// Operations of the real `aws ecr` Orca does not carry out (for "Invalid choice").
const OTHER: &[&str] = &[
    "batch-check-layer-availability",
    "batch-get-image",
    "complete-layer-upload",
    "create-repository",
    "delete-lifecycle-policy",
    "delete-repository",
    "get-authorization-token",
    "get-login-password",
    "put-image-scanning-configuration",
    "put-registry-scanning-configuration",
    "put-image-tag-mutability",
    "put-lifecycle-policy",
    "start-lifecycle-policy-preview",
];

struct Ecr<'a> {
    reg: &'a Registry,
    now: SimTime,
    op: &'a str,
}

impl Ecr<'_> {
    fn fail(&self, e: EcrError) -> Outcome {
        Outcome::Fail(format!(
            "\nAn error occurred ({}) when calling the {} operation: {}\n",
            e.code,
            api_name(self.op),
            e.message
        ))
    }

    fn repository(&self, args: &Args) -> Result<(usize, &Repository), Outcome> {
        let name = args.one("--repository-name").unwrap_or("");
        match self.reg.repository(name) {
            Some(r) => Ok((r, &self.reg.repositories[r])),
            None => Err(self.fail(ops::repository_not_found(self.reg, name))),
        }
    }
}

/// `aws ecr <words…>`.
pub fn run(words: &[String], cx: &Context) -> Outcome {
    let Some(op) = words.first() else {
        return Outcome::Fail(format!(
            "{USAGE}\naws: error: the following arguments are required: operation\n"
        ));
    };
    if op == "help" {
        return Outcome::Print(format!(
            "aws ecr — Orca simulates these operations:\n\n{}\n\nExample: aws ecr describe-images --repository-name <name>\n",
            SUPPORTED
                .iter()
                .map(|o| format!("  {o}"))
                .collect::<Vec<_>>()
                .join("\n")
        ));
    }
    if !SUPPORTED.contains(&op.as_str()) {
        if OTHER.contains(&op.as_str()) {
            return Outcome::Fail(format!(
                "Orca does not simulate `aws ecr {op}`. The console carries out: {}.\n",
                SUPPORTED.join(", ")
            ));
        }
        let mut all: Vec<&str> = SUPPORTED.iter().chain(OTHER).copied().collect();
        all.sort_unstable();
        let hint = match suggest::similar(op, &all).first() {
            Some(s) => format!("\n\nDid you mean `{s}`?"),
            None => String::new(),
        };
        return Outcome::Fail(format!(
            "{USAGE}\naws: error: argument operation: Invalid choice, valid choices are:\n\n{}{hint}\n",
            two_columns(&all)
        ));
    }
    let e = Ecr {
        reg: &cx.world.ecr,
        now: cx.now,
        op,
    };
    let rest = &words[1..];
    let result = match op.as_str() {
        "describe-repositories" => describe_repositories(&e, rest),
        "describe-images" => describe_images(&e, rest),
        "list-images" => list_images(&e, rest),
        "put-image" => put_image(&e, rest),
        "batch-delete-image" => batch_delete_image(&e, rest),
        "start-image-scan" => start_image_scan(&e, rest),
        "describe-image-scan-findings" => describe_image_scan_findings(&e, rest),
        "get-lifecycle-policy" => get_lifecycle_policy(&e, rest),
        "get-registry-scanning-configuration" => registry_scanning_configuration(&e, rest),
        _ => get_lifecycle_policy_preview(&e, rest),
    };
    result.unwrap_or_else(|o| o)
}

/// `get-registry-scanning-configuration` (ECR API Reference,
/// GetRegistryScanningConfiguration): the registry's scan type and its rules, one per scan
/// frequency that some repository has, each with a filter per repository. [model] A scenario
/// gives each repository its frequency; the rules are written back from them, with the
/// repositories' exact names as `WILDCARD` filters, continuous scanning first. A repository
/// scanned only by hand matches no rule.
fn registry_scanning_configuration(e: &Ecr, words: &[String]) -> Result<Outcome, Outcome> {
    parse(words, &[])?;
    let rules: Vec<Value> = [
        (ScanFrequency::ContinuousScan, "CONTINUOUS_SCAN"),
        (ScanFrequency::ScanOnPush, "SCAN_ON_PUSH"),
    ]
    .into_iter()
    .filter_map(|(frequency, name)| {
        let filters: Vec<Value> = e
            .reg
            .repositories
            .iter()
            .filter(|r| r.scan_frequency == frequency)
            .map(|r| json!({"filter": r.name, "filterType": "WILDCARD"}))
            .collect();
        (!filters.is_empty()).then(|| json!({"scanFrequency": name, "repositoryFilters": filters}))
    })
    .collect();
    let scan_type = match e.reg.scan_type {
        crate::scenario::spec::ScanType::Basic => "BASIC",
        crate::scenario::spec::ScanType::Enhanced => "ENHANCED",
    };
    Ok(Outcome::Print(pretty(&json!({
        "registryId": e.reg.registry_id,
        "scanningConfiguration": {"scanType": scan_type, "rules": rules},
    }))))
}

fn parse(words: &[String], params: &[Param]) -> Result<Args, Outcome> {
    args::parse(words, params).map_err(Outcome::Fail)
}

/// `imageTag=v1` / `imageDigest=sha256:…` (the shorthand; `,` may join both).
fn image_id(text: &str) -> Result<ImageId, Outcome> {
    let mut id = ImageId {
        tag: None,
        digest: None,
    };
    for part in text.split(',') {
        match part.split_once('=') {
            Some(("imageTag", v)) => id.tag = Some(v.to_string()),
            Some(("imageDigest", v)) => id.digest = Some(v.to_string()),
            _ => {
                return Err(Outcome::Fail(format!(
                    "\nError parsing parameter '--image-ids': Expected: '=', received: 'EOF' for input:\n{text}\n\nValid keys: imageDigest, imageTag\n"
                )));
            }
        }
    }
    Ok(id)
}

fn id_json(id: &ImageId) -> Value {
    let mut m = serde_json::Map::new();
    if let Some(d) = &id.digest {
        m.insert("imageDigest".into(), json!(d));
    }
    if let Some(t) = &id.tag {
        m.insert("imageTag".into(), json!(t));
    }
    Value::Object(m)
}

fn mutability(m: TagMutability) -> &'static str {
    match m {
        TagMutability::Mutable => "MUTABLE",
        TagMutability::Immutable => "IMMUTABLE",
    }
}

fn repository_json(reg: &Registry, r: &Repository) -> Value {
    json!({
        "repositoryArn": r.arn,
        "registryId": reg.registry_id,
        "repositoryName": r.name,
        "repositoryUri": r.uri,
        "createdAt": SimTime::ZERO.aws_cli(),
        "imageTagMutability": mutability(r.mutability),
        "imageScanningConfiguration": {"scanOnPush": r.scan_frequency != ScanFrequency::Manual},
        "encryptionConfiguration": {"encryptionType": "AES256"},
    })
}

fn describe_repositories(e: &Ecr, words: &[String]) -> Result<Outcome, Outcome> {
    let args = parse(words, &[Param::list("--repository-names")])?;
    let wanted: Vec<&str> = args.list("--repository-names").collect();
    let mut out = Vec::new();
    for name in &wanted {
        if e.reg.repository(name).is_none() {
            return Err(e.fail(ops::repository_not_found(e.reg, name)));
        }
    }
    for r in &e.reg.repositories {
        if wanted.is_empty() || wanted.contains(&r.name.as_str()) {
            out.push(repository_json(e.reg, r));
        }
    }
    Ok(Outcome::Print(pretty(&json!({ "repositories": out }))))
}

fn scan_status_json(im: &Image) -> Option<(Value, Value)> {
    let s = im.scan.as_ref()?;
    let description = match s.status.as_str() {
        "COMPLETE" => "The scan was completed successfully.",
        "ACTIVE" => "Continuous scan is selected for image.",
        "IN_PROGRESS" => "The scan is in progress.",
        _ => "Scan eligibility has expired for the image.",
    };
    Some((
        json!({"status": s.status.as_str(), "description": description}),
        json!(s.completed_at.aws_cli()),
    ))
}

fn image_detail(e: &Ecr, r: &Repository, im: &Image) -> Value {
    let mut m = serde_json::Map::new();
    m.insert("registryId".into(), json!(e.reg.registry_id));
    m.insert("repositoryName".into(), json!(r.name));
    m.insert("imageDigest".into(), json!(im.digest));
    if !im.tags.is_empty() {
        m.insert("imageTags".into(), json!(im.tags));
    }
    m.insert("imageSizeInBytes".into(), json!(im.size_bytes));
    m.insert(
        "imagePushedAt".into(),
        json!(SimTime::aws_cli_signed(im.pushed_at_ms)),
    );
    if let Some((status, at)) = scan_status_json(im) {
        m.insert("imageScanStatus".into(), status);
        let counts: serde_json::Map<String, Value> = im
            .scan
            .as_ref()
            .map(|s| counts_by_severity(e.reg, &s.findings))
            .unwrap_or_default()
            .into_iter()
            .map(|(s, n)| (s.as_str().to_string(), json!(n)))
            .collect();
        m.insert(
            "imageScanFindingsSummary".into(),
            json!({"imageScanCompletedAt": at, "findingSeverityCounts": counts}),
        );
    }
    m.insert(
        "imageManifestMediaType".into(),
        json!("application/vnd.docker.distribution.manifest.v2+json"),
    );
    m.insert(
        "artifactMediaType".into(),
        json!("application/vnd.docker.container.image.v1+json"),
    );
    Value::Object(m)
}

fn describe_images(e: &Ecr, words: &[String]) -> Result<Outcome, Outcome> {
    let args = parse(
        words,
        &[
            Param::text("--repository-name").required(),
            Param::list("--image-ids"),
        ],
    )?;
    let (_, repo) = e.repository(&args)?;
    let mut details = Vec::new();
    let ids: Vec<&str> = args.list("--image-ids").collect();
    if ids.is_empty() {
        details = repo
            .images
            .iter()
            .map(|im| image_detail(e, repo, im))
            .collect();
    }
    for text in ids {
        let id = image_id(text)?;
        match repo.find(id.tag.as_deref(), id.digest.as_deref()) {
            Some(i) => details.push(image_detail(e, repo, &repo.images[i])),
            None => {
                return Err(e.fail(ops::image_not_found(
                    e.reg,
                    &repo.name,
                    id.tag.as_deref(),
                    id.digest.as_deref(),
                )));
            }
        }
    }
    Ok(Outcome::Print(pretty(&json!({ "imageDetails": details }))))
}

fn list_images(e: &Ecr, words: &[String]) -> Result<Outcome, Outcome> {
    let args = parse(words, &[Param::text("--repository-name").required()])?;
    let (_, repo) = e.repository(&args)?;
    // One entry per tag, and one without a tag for an untagged image.
    let mut ids = Vec::new();
    for im in &repo.images {
        if im.tags.is_empty() {
            ids.push(json!({"imageDigest": im.digest}));
        }
        for t in &im.tags {
            ids.push(json!({"imageDigest": im.digest, "imageTag": t}));
        }
    }
    Ok(Outcome::Print(pretty(&json!({ "imageIds": ids }))))
}

fn put_image(e: &Ecr, words: &[String]) -> Result<Outcome, Outcome> {
    let args = parse(
        words,
        &[
            Param::text("--repository-name").required(),
            Param::text("--image-tag"),
            Param::text("--image-digest"),
            Param::text("--image-manifest"),
        ],
    )?;
    let (r, repo) = e.repository(&args)?;
    let tag = args.one("--image-tag");
    let image_digest = args.one("--image-digest");
    let push = Push {
        repository: &repo.name,
        tag,
        image_digest,
        size_bytes: (defaults::image_size_mib() * 1_048_576.0) as u64,
        packages: &[],
    };
    let (_, target) = ops::check_push(e.reg, &push).map_err(|x| e.fail(x))?;
    // The digest the push will have: the image's, or the next push's (digests are a function
    // of the repository and the registry's push count).
    let new_digest = match target {
        Some(i) => repo.images[i].digest.clone(),
        None => digest(&repo.name, e.reg.pushes + 1),
    };
    let mut id = json!({"imageDigest": new_digest});
    if let Some(t) = tag {
        id["imageTag"] = json!(t);
    }
    let reply = pretty(&json!({
        "image": {
            "registryId": e.reg.registry_id,
            "repositoryName": e.reg.repositories[r].name,
            "imageId": id,
            "imageManifestMediaType": "application/vnd.docker.distribution.manifest.v2+json",
        }
    }));
    Ok(Outcome::Act {
        actions: vec![Action::PushImage {
            repository: repo.name.clone(),
            tag: tag.map(str::to_string),
            image_digest: image_digest.map(str::to_string),
            size_mib: defaults::image_size_mib(),
            packages: Vec::new(),
        }],
        after: After::Text(reply),
    })
}

fn batch_delete_image(e: &Ecr, words: &[String]) -> Result<Outcome, Outcome> {
    let args = parse(
        words,
        &[
            Param::text("--repository-name").required(),
            Param::list("--image-ids").required(),
        ],
    )?;
    let (_, repo) = e.repository(&args)?;
    let mut deleted = Vec::new();
    let mut failures = Vec::new();
    let mut actions = Vec::new();
    for text in args.list("--image-ids") {
        let id = image_id(text)?;
        match repo.find(id.tag.as_deref(), id.digest.as_deref()) {
            Some(i) => {
                let mut shown = id.clone();
                shown.digest = Some(repo.images[i].digest.clone());
                deleted.push(id_json(&shown));
                actions.push(Action::DeleteImage {
                    repository: repo.name.clone(),
                    tag: id.tag.clone(),
                    image_digest: id.digest.clone(),
                });
            }
            None => failures.push(json!({
                "imageId": id_json(&id),
                "failureCode": "ImageNotFound",
                "failureReason": "Requested image not found",
            })),
        }
    }
    let reply = pretty(&json!({ "imageIds": deleted, "failures": failures }));
    if actions.is_empty() {
        return Ok(Outcome::Print(reply));
    }
    Ok(Outcome::Act {
        actions,
        after: After::Text(reply),
    })
}

fn one_image_id(args: &Args) -> Result<ImageId, Outcome> {
    image_id(args.one("--image-id").unwrap_or(""))
}

fn start_image_scan(e: &Ecr, words: &[String]) -> Result<Outcome, Outcome> {
    let args = parse(
        words,
        &[
            Param::text("--repository-name").required(),
            Param::text("--image-id").required(),
        ],
    )?;
    let (_, repo) = e.repository(&args)?;
    let id = one_image_id(&args)?;
    let (r, i) = controller::check_start_scan(
        e.reg,
        e.now,
        &repo.name,
        id.tag.as_deref(),
        id.digest.as_deref(),
    )
    .map_err(|x| e.fail(x))?;
    let mut shown = id.clone();
    shown.digest = Some(e.reg.repositories[r].images[i].digest.clone());
    let reply = pretty(&json!({
        "registryId": e.reg.registry_id,
        "repositoryName": repo.name,
        "imageId": id_json(&shown),
        "imageScanStatus": {"status": "IN_PROGRESS"},
    }));
    Ok(Outcome::Act {
        actions: vec![Action::StartImageScan {
            repository: repo.name.clone(),
            tag: id.tag,
            image_digest: id.digest,
        }],
        after: After::Text(reply),
    })
}

fn describe_image_scan_findings(e: &Ecr, words: &[String]) -> Result<Outcome, Outcome> {
    let args = parse(
        words,
        &[
            Param::text("--repository-name").required(),
            Param::text("--image-id").required(),
        ],
    )?;
    let (_, repo) = e.repository(&args)?;
    let id = one_image_id(&args)?;
    let Some(i) = repo.find(id.tag.as_deref(), id.digest.as_deref()) else {
        return Err(e.fail(ops::image_not_found(
            e.reg,
            &repo.name,
            id.tag.as_deref(),
            id.digest.as_deref(),
        )));
    };
    let im = &repo.images[i];
    let Some(scan) = &im.scan else {
        return Err(e.fail(EcrError {
            code: "ScanNotFoundException",
            message: format!(
                "Image scan does not exist for the image with '{{imageDigest:'{}', imageTag:'{}'}}' in the repository with name '{}' in the registry with id '{}'",
                im.digest,
                id.tag.as_deref().unwrap_or("null"),
                repo.name,
                e.reg.registry_id
            ),
        }));
    };
    let mut shown = id.clone();
    shown.digest = Some(im.digest.clone());
    let (status, at) = scan_status_json(im).unwrap_or((Value::Null, Value::Null));
    let counts: serde_json::Map<String, Value> = counts_by_severity(e.reg, &scan.findings)
        .into_iter()
        .map(|(s, n)| (s.as_str().to_string(), json!(n)))
        .collect();
    let mut findings = serde_json::Map::new();
    let list = |enhanced: bool| -> Vec<Value> {
        scan.findings
            .iter()
            .filter_map(|&k| e.reg.vulnerabilities.get(k))
            .map(|v| {
                let (name, version) = v.package.split_once(' ').unwrap_or((&v.package, ""));
                if enhanced {
                    json!({
                        "title": format!("{} - {name}", v.id),
                        "description": v.description,
                        "severity": v.severity.as_str(),
                        "status": "ACTIVE",
                        "type": "PACKAGE_VULNERABILITY",
                        "packageVulnerabilityDetails": {
                            "vulnerabilityId": v.id,
                            "vulnerablePackages": [{"name": name, "version": version}],
                        },
                        "firstObservedAt": v.published_at.max(scan.started_at).aws_cli(),
                        "fixAvailable": "YES",
                    })
                } else {
                    json!({
                        "name": v.id,
                        "description": v.description,
                        "uri": format!("https://nvd.nist.gov/vuln/detail/{}", v.id),
                        "severity": v.severity.as_str(),
                        "attributes": [
                            {"key": "package_version", "value": version},
                            {"key": "package_name", "value": name},
                        ],
                    })
                }
            })
            .collect()
    };
    if scan.enhanced {
        findings.insert("enhancedFindings".into(), json!(list(true)));
    } else {
        findings.insert("findings".into(), json!(list(false)));
    }
    findings.insert("imageScanCompletedAt".into(), at.clone());
    findings.insert("vulnerabilitySourceUpdatedAt".into(), at);
    findings.insert("findingSeverityCounts".into(), Value::Object(counts));
    Ok(Outcome::Print(pretty(&json!({
        "imageScanFindings": findings,
        "registryId": e.reg.registry_id,
        "repositoryName": repo.name,
        "imageId": id_json(&shown),
        "imageScanStatus": status,
    }))))
}

/// The policy JSON as ECR returns it in `lifecyclePolicyText` (compact).
fn policy_text(repo: &Repository) -> Option<String> {
    use crate::scenario::spec::{CountType, TagStatus};
    let rules = repo.lifecycle_policy.as_ref()?;
    let rules: Vec<Value> = rules
        .iter()
        .map(|r| {
            let mut sel = serde_json::Map::new();
            sel.insert(
                "tagStatus".into(),
                json!(match r.tag_status {
                    TagStatus::Tagged => "tagged",
                    TagStatus::Untagged => "untagged",
                    TagStatus::Any => "any",
                }),
            );
            if !r.tag_prefix_list.is_empty() {
                sel.insert("tagPrefixList".into(), json!(r.tag_prefix_list));
            }
            if !r.tag_pattern_list.is_empty() {
                sel.insert("tagPatternList".into(), json!(r.tag_pattern_list));
            }
            sel.insert(
                "countType".into(),
                json!(match r.count_type {
                    CountType::ImageCountMoreThan => "imageCountMoreThan",
                    CountType::SinceImagePushed => "sinceImagePushed",
                }),
            );
            if r.count_unit.is_some() {
                sel.insert("countUnit".into(), json!("days"));
            }
            sel.insert("countNumber".into(), json!(r.count_number));
            json!({
                "rulePriority": r.rule_priority,
                "description": r.description,
                "selection": sel,
                "action": {"type": "expire"},
            })
        })
        .collect();
    Some(json!({ "rules": rules }).to_string())
}

fn no_policy(e: &Ecr, repo: &Repository) -> Outcome {
    e.fail(EcrError {
        code: "LifecyclePolicyNotFoundException",
        message: format!(
            "Lifecycle policy does not exist for the repository with name '{}' in the registry with id '{}'",
            repo.name, e.reg.registry_id
        ),
    })
}

fn get_lifecycle_policy(e: &Ecr, words: &[String]) -> Result<Outcome, Outcome> {
    let args = parse(words, &[Param::text("--repository-name").required()])?;
    let (_, repo) = e.repository(&args)?;
    let text = policy_text(repo).ok_or_else(|| no_policy(e, repo))?;
    let mut reply = json!({
        "registryId": e.reg.registry_id,
        "repositoryName": repo.name,
        "lifecyclePolicyText": text,
    });
    // The last lifecycle pass, if one has run (they run every `lifecycle_interval`).
    let every = e.reg.lifecycle_interval.0.max(1);
    let passes = e.now.millis() / every;
    if passes > 0 {
        reply["lastEvaluatedAt"] = json!(SimTime::from_millis(passes * every).aws_cli());
    }
    Ok(Outcome::Print(pretty(&reply)))
}

fn get_lifecycle_policy_preview(e: &Ecr, words: &[String]) -> Result<Outcome, Outcome> {
    let args = parse(words, &[Param::text("--repository-name").required()])?;
    let (r, repo) = e.repository(&args)?;
    let text = policy_text(repo).ok_or_else(|| no_policy(e, repo))?;
    let preview = read::lifecycle_preview(e.reg, r, e.now.millis() as i64);
    let results: Vec<Value> = preview
        .iter()
        .map(|x| {
            let im = &repo.images[x.image];
            json!({
                "imageTags": im.tags,
                "imageDigest": im.digest,
                "imagePushedAt": SimTime::aws_cli_signed(im.pushed_at_ms),
                "action": {"type": "EXPIRE"},
                "appliedRulePriority": x.rule_priority,
            })
        })
        .collect();
    Ok(Outcome::Print(pretty(&json!({
        "registryId": e.reg.registry_id,
        "repositoryName": repo.name,
        "lifecyclePolicyText": text,
        "status": "COMPLETE",
        "previewResults": results,
        "summary": {"expiringImageTotalCount": preview.len()},
    }))))
}
