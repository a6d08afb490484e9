//! The registry section of the side panel, shown only when the world has ECR repositories
//! (from `orca_sim::ecr::read`): each repository with its URI, tag mutability and scan
//! settings; its images newest first, a row each (tags, short digest, pushed at, scan status,
//! findings per severity, the tasks and pods using it, and ⚠ when the lifecycle policy would
//! expire it now, with the rule); the policy's rules; and the findings of the image selected
//! by a click, whose tasks and pods the canvas outlines (`image_highlight`).

use bevy_egui::egui;
use orca_sim::World;
use orca_sim::ecr::read::{self, ImageRow, RepositoryRow};
use orca_sim::scenario::spec::{
    CountType, LifecycleRuleSpec, ScanFrequency, Severity, TagMutability, TagStatus,
};

use super::palette::{
    EXPIRING, MUTED, SEVERITY_CRITICAL, SEVERITY_HIGH, SEVERITY_MEDIUM, SEVERITY_OTHER, ink,
};
use crate::app::image_highlight::RegistryView;

pub(super) fn registry(ui: &mut egui::Ui, world: &World, view: &mut RegistryView) {
    if world.ecr.repositories.is_empty() {
        return;
    }
    let repos = read::repositories(world);
    ui.separator();
    egui::CollapsingHeader::new(egui::RichText::new("Registry (Amazon ECR)").heading())
        .id_salt("registry")
        .default_open(true)
        .show(ui, |ui| {
            ui.label(
                egui::RichText::new(
                    "Click an image: its findings below, its tasks and pods outlined on the canvas.",
                )
                .weak(),
            );
            for repo in &repos {
                repository(ui, repo, view);
                ui.add_space(6.0);
            }
            // The selected image may have expired: then nothing is selected.
            if let Some(d) = &view.image
                && !repos
                    .iter()
                    .any(|r| r.images.iter().any(|i| &i.digest == d))
            {
                view.image = None;
            }
            if let Some(im) = view.image.as_ref().and_then(|d| {
                repos
                    .iter()
                    .flat_map(|r| r.images.iter().map(move |i| (r, i)))
                    .find(|(_, i)| &i.digest == d)
            }) {
                findings(ui, im.0, im.1);
            }
        });
}

fn repository(ui: &mut egui::Ui, repo: &RepositoryRow, view: &mut RegistryView) {
    ui.label(egui::RichText::new(&repo.uri).strong().monospace())
        .on_hover_text(&repo.name);
    ui.label(
        egui::RichText::new(format!(
            "tags {} · {}",
            match repo.mutability {
                TagMutability::Mutable => "MUTABLE",
                TagMutability::Immutable => "IMMUTABLE",
            },
            scan_settings(repo.enhanced, repo.scan_frequency)
        ))
        .weak(),
    );
    for im in &repo.images {
        let selected = view.image.as_deref() == Some(im.digest.as_str());
        let r = ui.add(egui::Button::selectable(selected, image_text(im)).wrap());
        if r.clicked() {
            view.image = if selected {
                None
            } else {
                Some(im.digest.clone())
            };
        }
        if let Some(rule) = im.expires_by_rule {
            let why = repo
                .lifecycle_rules
                .iter()
                .find(|r| r.rule_priority == rule)
                .map(rule_text)
                .unwrap_or_default();
            ui.label(
                egui::RichText::new(format!("   ⚠ would expire now: rule {rule} ({why})"))
                    .color(ink(ui, EXPIRING)),
            );
        }
    }
    if repo.images.is_empty() {
        ui.label(egui::RichText::new("no images").weak());
    }
    if !repo.lifecycle_rules.is_empty() {
        ui.label(egui::RichText::new("lifecycle policy (lowest rulePriority first):").weak());
        for r in &repo.lifecycle_rules {
            ui.label(
                egui::RichText::new(format!("  rule {}: {}", r.rule_priority, rule_text(r))).weak(),
            );
        }
        let expiring = repo
            .images
            .iter()
            .filter(|i| i.expires_by_rule.is_some())
            .count();
        ui.label(
            egui::RichText::new(format!(
                "  preview now: {expiring} image{} would expire",
                if expiring == 1 { "" } else { "s" }
            ))
            .color(ink(ui, if expiring > 0 { EXPIRING } else { MUTED })),
        );
    }
}

/// An image's row: tags, short digest, push time; then scan, findings and use.
pub(super) fn image_text(im: &ImageRow) -> String {
    let tags = if im.tags.is_empty() {
        "<untagged>".to_string()
    } else {
        im.tags.join(", ")
    };
    let scan = im
        .scan_status
        .map_or("not scanned".to_string(), |s| format!("scan {s}"));
    let severities = if im.severity_counts.is_empty() {
        if im.scan_status.is_some() {
            "no findings".to_string()
        } else {
            String::new()
        }
    } else {
        im.severity_counts
            .iter()
            .map(|(s, n)| format!("{n} {}", s.as_str()))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut used = Vec::new();
    if !im.tasks.is_empty() {
        used.push(plural(im.tasks.len(), "task"));
    }
    if !im.pods.is_empty() {
        used.push(plural(im.pods.len(), "pod"));
    }
    let used = if used.is_empty() {
        "in use by nothing".to_string()
    } else {
        format!("in use by {}", used.join(" and "))
    };
    let mut second = vec![scan];
    if !severities.is_empty() {
        second.push(severities);
    }
    second.push(used);
    format!(
        "{tags}  {}  pushed {}\n{}",
        short_digest(&im.digest),
        pushed_at(im.pushed_at_ms),
        second.join(" · ")
    )
}

fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// `sha256:` and the first 8 hex digits, as `docker images` shortens them.
pub(super) fn short_digest(digest: &str) -> String {
    let hex = digest.strip_prefix("sha256:").unwrap_or(digest);
    format!("sha256:{}", hex.get(..8).unwrap_or(hex))
}

/// When an image was pushed, in the app's `mm:ss` since the start; before the start in days
/// (or `mm:ss` with a minus for less than a day).
pub(super) fn pushed_at(ms: i64) -> String {
    const DAY: i64 = 86_400_000;
    if ms >= 0 {
        orca_sim::SimTime::from_millis(ms as u64).to_string()
    } else if -ms >= DAY {
        let days = -ms / DAY;
        format!("{days} day{} before", if days == 1 { "" } else { "s" })
    } else {
        format!("-{}", orca_sim::SimTime::from_millis((-ms) as u64))
    }
}

fn scan_settings(enhanced: bool, f: ScanFrequency) -> String {
    let kind = if enhanced {
        "enhanced scanning (Inspector)"
    } else {
        "basic scanning"
    };
    let freq = match f {
        ScanFrequency::Manual => "manual",
        ScanFrequency::ScanOnPush => "SCAN_ON_PUSH",
        ScanFrequency::ContinuousScan => "CONTINUOUS_SCAN",
    };
    format!("{kind}, {freq}")
}

/// A rule in words: what it selects and when it expires it.
pub(super) fn rule_text(r: &LifecycleRuleSpec) -> String {
    let status = match r.tag_status {
        TagStatus::Untagged => "untagged".to_string(),
        TagStatus::Any => "any image".to_string(),
        TagStatus::Tagged if !r.tag_prefix_list.is_empty() => {
            format!("tags starting {}", r.tag_prefix_list.join(", "))
        }
        TagStatus::Tagged if !r.tag_pattern_list.is_empty() => {
            format!("tags matching {}", r.tag_pattern_list.join(", "))
        }
        TagStatus::Tagged => "tagged".to_string(),
    };
    let count = match r.count_type {
        CountType::ImageCountMoreThan => format!("keep newest {}", r.count_number),
        CountType::SinceImagePushed => format!("older than {} days", r.count_number),
    };
    if r.description.is_empty() {
        format!("{status}, {count}")
    } else {
        format!("{status}, {count} — {}", r.description)
    }
}

fn severity_color(s: Severity) -> egui::Color32 {
    match s {
        Severity::Critical => SEVERITY_CRITICAL,
        Severity::High => SEVERITY_HIGH,
        Severity::Medium => SEVERITY_MEDIUM,
        _ => SEVERITY_OTHER,
    }
}

/// The selected image's findings: CVE, severity, package.
fn findings(ui: &mut egui::Ui, repo: &RepositoryRow, im: &ImageRow) {
    let tags = if im.tags.is_empty() {
        short_digest(&im.digest)
    } else {
        im.tags.join(", ")
    };
    ui.label(egui::RichText::new(format!("Findings: {}:{tags}", repo.name)).strong());
    if im.findings.is_empty() {
        ui.label(
            egui::RichText::new(match im.scan_status {
                Some(s) => format!("scan {s}: no findings"),
                None => "not scanned: no findings to show".to_string(),
            })
            .weak(),
        );
        return;
    }
    egui::Grid::new("findings")
        .striped(true)
        .num_columns(3)
        .show(ui, |ui| {
            for f in &im.findings {
                ui.label(egui::RichText::new(&f.id).monospace());
                ui.label(
                    egui::RichText::new(f.severity.as_str())
                        .color(ink(ui, severity_color(f.severity))),
                );
                ui.label(&f.package);
                ui.end_row();
            }
        });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row() -> ImageRow {
        ImageRow {
            digest: "sha256:0123456789abcdef".into(),
            tags: vec!["v1".into()],
            pushed_at_ms: 90_000,
            size_bytes: 0,
            scan_status: Some("ACTIVE"),
            severity_counts: vec![(Severity::Critical, 1), (Severity::Medium, 2)],
            findings: Vec::new(),
            tasks: vec!["a".into(), "b".into()],
            pods: Vec::new(),
            expires_by_rule: None,
        }
    }

    #[test]
    fn an_image_row_says_tags_digest_time_scan_findings_and_use() {
        assert_eq!(
            image_text(&row()),
            "v1  sha256:01234567  pushed 01:30\nscan ACTIVE · 1 CRITICAL 2 MEDIUM · in use by 2 tasks"
        );
        let untagged = ImageRow {
            tags: vec![],
            scan_status: None,
            severity_counts: vec![],
            tasks: vec![],
            pods: vec!["web-1".into()],
            ..row()
        };
        assert_eq!(
            image_text(&untagged),
            "<untagged>  sha256:01234567  pushed 01:30\nnot scanned · in use by 1 pod"
        );
    }

    #[test]
    fn push_times_before_the_start_read_in_days() {
        assert_eq!(pushed_at(0), "00:00");
        assert_eq!(pushed_at(-4 * 86_400_000), "4 days before");
        assert_eq!(pushed_at(-86_400_000), "1 day before");
        assert_eq!(pushed_at(-30_000), "-00:30");
    }

    #[test]
    fn a_rule_reads_as_what_it_selects_and_what_it_keeps() {
        let r = LifecycleRuleSpec {
            rule_priority: 1,
            description: String::new(),
            tag_status: TagStatus::Tagged,
            tag_prefix_list: vec!["v".into()],
            tag_pattern_list: vec![],
            count_type: CountType::ImageCountMoreThan,
            count_unit: None,
            count_number: 2,
        };
        assert_eq!(rule_text(&r), "tags starting v, keep newest 2");
    }
}
