//! The inspector's identity section for a task or pod: which role answers its AWS SDK and
//! through which step of the credential chain (and why), its roles, whether instance metadata
//! answers it, and its application's AWS calls with how many were denied, the SDK's error for
//! a denied one, and the recent changes. Everything comes from `orca_sim::iam::read`.

use bevy_egui::egui;
use orca_sim::EventKind;
use orca_sim::iam::read::{CredentialSource, IdentityView};
use orca_sim::world::TaskIdx;

use super::palette::{BAD, MUTED, OK, WARN, ink};
use crate::app::player::Player;

/// The section for ECS task `idx`, when the scenario models IAM.
pub(super) fn task_identity(ui: &mut egui::Ui, player: &Player, idx: TaskIdx) {
    let world = player.playback.world();
    let Some(ecs) = &world.ecs else { return };
    if let Some(v) = orca_sim::iam::read::task_identity(ecs, idx) {
        section(ui, player, &v, &ecs.task(idx).id, false);
    }
}

/// The section for pod `pod`, when the scenario models IAM and the pod's Deployment calls AWS.
pub(super) fn pod_identity(ui: &mut egui::Ui, player: &Player, pod: usize) {
    let world = player.playback.world();
    let Some(eks) = &world.eks else { return };
    if let Some(v) = orca_sim::iam::read::pod_identity(eks, pod) {
        section(ui, player, &v, &eks.pods[pod].name, true);
    }
}

/// One line saying who answers: a mark that reads without colour, the role and the step.
pub fn answer_line(v: &IdentityView, eks: bool) -> (&'static str, String) {
    let a = &v.answer;
    match (a.source, a.role_name()) {
        (Some(s), Some(role)) if a.refused.is_some() => (
            "✗",
            format!(
                "{} {role}: STS refused the token ({})",
                s.role_kind(eks),
                s.endpoint()
            ),
        ),
        (Some(CredentialSource::InstanceMetadata), Some(role)) => (
            "⚠",
            format!(
                "{} {role} from {} — shared by every container on {}",
                CredentialSource::InstanceMetadata.role_kind(eks),
                CredentialSource::InstanceMetadata.endpoint(),
                v.host.as_deref().unwrap_or("the host")
            ),
        ),
        (Some(s), Some(role)) => (
            "✓",
            format!("{} {role} from {}", s.role_kind(eks), s.endpoint()),
        ),
        _ => ("✗", "none: Unable to locate credentials".to_string()),
    }
}

fn section(ui: &mut egui::Ui, player: &Player, v: &IdentityView, workload: &str, eks: bool) {
    ui.add_space(4.0);
    ui.strong("Identity (IAM)");
    let (mark, text) = answer_line(v, eks);
    let color = match mark {
        "✓" => OK,
        "⚠" => WARN,
        _ => BAD,
    };
    ui.horizontal_wrapped(|ui| {
        ui.label(egui::RichText::new("credentials").weak());
        ui.label(egui::RichText::new(format!("{mark} {text}")).color(ink(ui, color)));
    });
    ui.label(egui::RichText::new(&v.answer.why));
    if let Some(e) = &v.answer.refused {
        ui.label(egui::RichText::new(e).monospace().color(ink(ui, BAD)));
    }
    for (k, role) in &v.roles {
        kv(ui, k, role);
    }
    kv(
        ui,
        "instance metadata",
        format!(
            "{} — {}",
            if v.imds_reachable {
                "answers"
            } else {
                "blocked"
            },
            v.imds_why
        ),
    );
    if v.calls.is_empty() {
        return;
    }
    ui.add_space(2.0);
    ui.label(egui::RichText::new("AWS calls (allowed / denied so far)").weak());
    for c in &v.calls {
        let (mark, color) = match c.allowed {
            Some(true) => ("✓", OK),
            Some(false) => ("✗", BAD),
            None => ("·", MUTED),
        };
        ui.horizontal_wrapped(|ui| {
            ui.label(egui::RichText::new(format!("{mark} {}", c.action)).color(ink(ui, color)));
            ui.label(
                egui::RichText::new(format!(
                    "{} allowed · {} denied · every {} s",
                    c.made - c.denied,
                    c.denied,
                    c.every_seconds
                ))
                .monospace(),
            );
        });
        ui.label(egui::RichText::new(&c.resource).monospace());
        if c.allowed == Some(false)
            && let Some(r) = &c.result
        {
            ui.label(egui::RichText::new(r).monospace().color(ink(ui, BAD)));
        }
    }
    // The calls' log lines for this workload: each change of credentials or verdict.
    let recent: Vec<_> = player
        .playback
        .log()
        .iter()
        .rev()
        .filter(|e| matches!(&e.kind, EventKind::AwsCall { workload: w, .. } if w == workload))
        .take(4)
        .collect();
    if !recent.is_empty() {
        ui.label(egui::RichText::new("recent changes").weak());
        for e in recent.into_iter().rev() {
            ui.horizontal_wrapped(|ui| {
                ui.label(egui::RichText::new(format!("[{}]", e.at)).monospace());
                ui.label(egui::RichText::new(&*e.message()));
            });
        }
    }
}

fn kv(ui: &mut egui::Ui, k: &str, v: impl Into<String>) {
    ui.horizontal_wrapped(|ui| {
        ui.label(egui::RichText::new(k).weak());
        ui.label(egui::RichText::new(v.into()).monospace());
    });
}
