//! The side panel's security sections, each shown only when the scenario has it: GuardDuty
//! findings (a detector in the EKS part), AWS Config compliance (rules on the ECS part; a
//! task definition registered from the console re-evaluates them) and EKS control plane
//! logging (the five log types and what each recorded).

use bevy_egui::egui;
use orca_sim::compliance::ComplianceType;
use orca_sim::ecs::cluster::EcsCluster;
use orca_sim::security::Security;
use orca_sim::security::read::log_types;
use orca_sim::{Event, EventKind, SimTime};

use super::palette::{BAD, MUTED, OK, ink};
use crate::app::player::Player;

/// Entries shown per log type.
const LOG_ENTRIES: usize = 3;

pub(super) fn security_sections(ui: &mut egui::Ui, player: &Player) {
    let world = player.playback.world();
    let log = player.playback.log();
    if let Some(eks) = world.eks.as_ref()
        && let Some(sec) = eks.security.as_ref()
    {
        if sec.detector.is_some() {
            ui.separator();
            guardduty(ui, eks, sec);
        }
        // A scenario without a security section keeps the default (every type off) unshown.
        if sec.detector.is_some() || !sec.logging.is_empty() {
            ui.separator();
            control_plane_logs(ui, sec, log);
        }
    }
    if let Some(ecs) = world.ecs.as_ref().filter(|c| !c.config_rules.is_empty()) {
        ui.separator();
        config(ui, ecs, log);
    }
}

fn header(title: String, id: &str) -> egui::CollapsingHeader {
    egui::CollapsingHeader::new(egui::RichText::new(title).strong())
        .id_salt(id)
        .default_open(true)
}

fn guardduty(ui: &mut egui::Ui, eks: &orca_sim::k8s::cluster::EksCluster, sec: &Security) {
    header(
        format!("GuardDuty findings ({})", sec.findings.len()),
        "guardduty",
    )
    .show(ui, |ui| {
        ui.label(
            egui::RichText::new(format!(
                "Detector {} · EKS audit log monitoring {}",
                sec.detector_id(),
                if sec.detector == Some(true) {
                    "on"
                } else {
                    "off"
                }
            ))
            .weak(),
        );
        let view = orca_sim::security::read::guardduty(eks);
        if let Some((status, issue, nodes)) = view.as_ref().and_then(|v| v.coverage.as_ref()) {
            let healthy = *status == "HEALTHY";
            ui.label(
                egui::RichText::new(format!(
                    "{} Runtime Monitoring coverage: {status}",
                    if healthy { "✓" } else { "✗" }
                ))
                .strong()
                .color(ink(ui, if healthy { OK } else { BAD })),
            );
            if let Some(issue) = issue {
                ui.weak(issue);
            }
            for n in nodes {
                ui.label(format!(
                    "{} {}{}: {}",
                    if n.covered { "✓" } else { "✗" },
                    n.node,
                    n.node_group
                        .as_ref()
                        .map_or(String::new(), |g| format!(" ({g})")),
                    n.why
                ));
            }
        }
        if sec.findings.is_empty() {
            ui.weak("No findings yet.");
        }
        let views = view.map(|v| v.findings).unwrap_or_default();
        for (f, v) in sec.findings.iter().zip(&views).rev() {
            ui.horizontal_wrapped(|ui| {
                ui.label(
                    egui::RichText::new(format!("[{}]", SimTime(f.at_ms)))
                        .monospace()
                        .color(ink(ui, MUTED)),
                );
                ui.label(
                    egui::RichText::new(&f.finding_type)
                        .strong()
                        .color(ink(ui, BAD)),
                );
            });
            ui.label(
                egui::RichText::new(format!(
                    "{} {:.1} · {}",
                    v.severity_label, v.severity, v.resource
                ))
                .monospace(),
            );
            ui.label(egui::RichText::new(&f.title));
            ui.label(egui::RichText::new(&v.why).weak());
        }
    });
}

fn control_plane_logs(ui: &mut egui::Ui, sec: &Security, log: &[Event]) {
    let types = log_types(sec, log, LOG_ENTRIES);
    let on = types.iter().filter(|t| t.enabled).count();
    header(
        format!("EKS control plane logs ({on} of 5 on)"),
        "control-plane-logs",
    )
    .show(ui, |ui| {
        ui.label(egui::RichText::new(format!(
            "Log group {}",
            sec.log_group()
        )));
        for t in &types {
            ui.horizontal_wrapped(|ui| {
                let (mark, color) = if t.enabled {
                    ("✓", OK)
                } else {
                    ("✗", MUTED)
                };
                ui.label(
                    egui::RichText::new(format!(
                        "{mark} {} {}",
                        t.log_type.as_str(),
                        if t.enabled { "on" } else { "off" }
                    ))
                    .monospace()
                    .color(ink(ui, color)),
                );
                let mut counts = Vec::new();
                if t.count > 0 || t.enabled {
                    counts.push(format!(
                        "{} {}",
                        t.count,
                        if t.count == 1 { "entry" } else { "entries" }
                    ));
                }
                if t.not_sent > 0 {
                    counts.push(format!("{} not sent (made while off)", t.not_sent));
                }
                ui.label(egui::RichText::new(counts.join(", ")).weak());
            });
            // What reached CloudWatch Logs stays there after the type is turned off.
            for (at, text) in &t.entries {
                ui.horizontal_wrapped(|ui| {
                    ui.label(egui::RichText::new(format!("  [{at}]")).monospace());
                    ui.label(egui::RichText::new(text));
                });
            }
        }
    });
}

fn config(ui: &mut egui::Ui, ecs: &EcsCluster, log: &[Event]) {
    let bad = ecs
        .config_evaluations
        .iter()
        .filter(|e| e.compliance == ComplianceType::NonCompliant)
        .count();
    header(format!("AWS Config ({bad} non-compliant)"), "aws-config").show(ui, |ui| {
        for rule in &ecs.config_rules {
            ui.label(egui::RichText::new(rule).strong());
            for e in ecs.config_evaluations.iter().filter(|e| &e.rule == rule) {
                let family = e.resource.split(':').next().unwrap_or_default();
                // When this rule last changed its verdict on this family (a registration).
                let since = log.iter().rev().find_map(|ev| match &ev.kind {
                    EventKind::ConfigEvaluation {
                        rule: r, resource, ..
                    } if r == rule && resource.split(':').next() == Some(family) => Some(ev.at),
                    _ => None,
                });
                let (mark, color) = match e.compliance {
                    ComplianceType::Compliant => ("✓", OK),
                    ComplianceType::NonCompliant => ("✗", BAD),
                };
                ui.horizontal_wrapped(|ui| {
                    ui.label(
                        egui::RichText::new(format!(
                            "{mark} {} {}",
                            e.resource,
                            e.compliance.as_str()
                        ))
                        .monospace()
                        .color(ink(ui, color)),
                    );
                    if let Some(at) = since {
                        ui.label(egui::RichText::new(format!("since {at}")));
                    }
                });
                if !e.annotation.is_empty() {
                    ui.label(egui::RichText::new(format!("  {}", e.annotation)));
                }
            }
        }
    });
}
