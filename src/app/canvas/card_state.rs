//! What a task or pod card's status reads as: one colour, one glyph and one line of text per
//! state, and the legend's words for it.

use bevy::prelude::*;
use orca_sim::SimTime;
use orca_sim::ecs::cluster::EcsCluster;
use orca_sim::ecs::read::{TaskCard, task_card};
use orca_sim::world::TaskIdx;

/// What a card's status reads as. Each state has its own colour *and* its own text and glyph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CardState {
    Provisioning,
    Pending,
    Activating,
    Running,
    Initial,
    Healthy,
    Unhealthy,
    Draining,
    Stopping,
    Deprovisioning,
    Stopped,
}

impl CardState {
    pub const ALL: [CardState; 11] = [
        CardState::Provisioning,
        CardState::Pending,
        CardState::Activating,
        CardState::Running,
        CardState::Initial,
        CardState::Healthy,
        CardState::Unhealthy,
        CardState::Draining,
        CardState::Stopping,
        CardState::Deprovisioning,
        CardState::Stopped,
    ];

    /// The card of an ECS task at `now`: the core's verdict ([`task_card`]: its lifecycle
    /// status and, while RUNNING, the scheduler's health gate with the load balancer's view).
    pub fn of(world: &EcsCluster, now: SimTime, t: TaskIdx) -> CardState {
        match task_card(world, now, t) {
            TaskCard::Provisioning => CardState::Provisioning,
            TaskCard::Pending => CardState::Pending,
            TaskCard::Activating => CardState::Activating,
            TaskCard::Running => CardState::Running,
            TaskCard::Initial => CardState::Initial,
            TaskCard::Healthy => CardState::Healthy,
            TaskCard::Unhealthy => CardState::Unhealthy,
            TaskCard::Draining => CardState::Draining,
            TaskCard::Stopping => CardState::Stopping,
            TaskCard::Deprovisioning => CardState::Deprovisioning,
            TaskCard::Stopped => CardState::Stopped,
        }
    }

    /// Glyph and words on the card.
    pub fn label(self) -> &'static str {
        match self {
            CardState::Provisioning => "◌ PROVISIONING",
            CardState::Pending => "◌ PENDING",
            CardState::Activating => "◔ ACTIVATING",
            CardState::Running => "▶ RUNNING",
            CardState::Initial => "▶ RUNNING · initial",
            CardState::Healthy => "✓ RUNNING · healthy",
            CardState::Unhealthy => "✗ UNHEALTHY",
            CardState::Draining => "⇣ DRAINING",
            CardState::Stopping => "■ STOPPING",
            CardState::Deprovisioning => "■ DEPROVISIONING",
            CardState::Stopped => "✕ STOPPED",
        }
    }

    /// The glyph that starts the card's status line.
    pub fn glyph(self) -> &'static str {
        self.label().split(' ').next().unwrap_or("")
    }

    /// The state in a word or two, for counts ("12 healthy"): ECS's words for tasks, the
    /// kubectl STATUS family for pods (whose cards take the closest task state's colour).
    pub fn short(self, pods: bool) -> &'static str {
        match (self, pods) {
            (CardState::Provisioning, true) => "creating",
            (CardState::Pending, true) => "pending",
            (CardState::Initial, true) => "not ready",
            (CardState::Healthy, true) => "ready",
            (CardState::Unhealthy, true) => "failing",
            (CardState::Draining, true) => "terminating",
            (CardState::Provisioning, _) => "provisioning",
            (CardState::Pending, _) => "pending",
            (CardState::Activating, _) => "activating",
            (CardState::Running, _) => "running",
            (CardState::Initial, _) => "initial",
            (CardState::Healthy, _) => "healthy",
            (CardState::Unhealthy, _) => "unhealthy",
            (CardState::Draining, _) => "draining",
            (CardState::Stopping, _) => "stopping",
            (CardState::Deprovisioning, _) => "deprovisioning",
            (CardState::Stopped, _) => "stopped",
        }
    }

    /// What the legend says about the state.
    pub fn meaning(self) -> &'static str {
        match self {
            CardState::Provisioning => "network interface being set up",
            CardState::Pending => "pulling the image, starting containers",
            CardState::Activating => "registering with the load balancer",
            CardState::Running => "running, no health check",
            CardState::Initial => "target registered, load balancer still checking",
            CardState::Healthy => "passes its health checks",
            CardState::Unhealthy => "running, but failing its health checks",
            CardState::Draining => "deregistering; requests finish",
            CardState::Stopping => "SIGTERM sent, containers stopping",
            CardState::Deprovisioning => "network interface being removed",
            CardState::Stopped => "stopped; fades away",
        }
    }

    pub fn color(self) -> Color {
        match self {
            CardState::Provisioning | CardState::Pending => Color::srgb(0.33, 0.37, 0.46),
            CardState::Activating => Color::srgb(0.27, 0.42, 0.58),
            CardState::Running | CardState::Initial => Color::srgb(0.16, 0.38, 0.70),
            CardState::Healthy => Color::srgb(0.11, 0.50, 0.27),
            CardState::Unhealthy => Color::srgb(0.72, 0.15, 0.15),
            CardState::Draining => Color::srgb(0.72, 0.47, 0.06),
            CardState::Stopping | CardState::Deprovisioning => Color::srgb(0.47, 0.29, 0.13),
            CardState::Stopped => Color::srgb(0.28, 0.28, 0.30),
        }
    }
}
