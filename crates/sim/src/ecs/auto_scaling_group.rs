//! The state of EC2 Auto Scaling groups behind capacity providers: plain data the managed
//! scaling controller (`capacity_provider`) changes and the app draws.

use serde::Serialize;

use crate::aas::AlarmState;
use crate::scenario::spec::AutoScalingGroupSpec;
use crate::time::{Millis, SimTime};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ManagedScaling {
    pub target_capacity: u32,
    pub minimum_scaling_step_size: u32,
    pub maximum_scaling_step_size: u32,
    pub instance_warmup: Millis,
}

/// An EC2 Auto Scaling group and the capacity provider in front of it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AutoScalingGroup {
    pub name: String,
    pub capacity_provider: String,
    pub instance_type: String,
    pub min_size: u32,
    pub max_size: u32,
    pub desired_capacity: u32,
    pub managed_scaling: Option<ManagedScaling>,
    pub managed_termination_protection: bool,
    /// `ECSManagedAutoScalingPolicy-<uuid>`.
    pub policy: String,
    /// `TargetTracking-<asg>-AlarmHigh-<uuid>` and `…-AlarmLow-<uuid>`.
    pub alarm_high: String,
    pub alarm_low: String,
    pub high: AlarmState,
    pub low: AlarmState,
    /// Consecutive datapoints above / below the target.
    pub above: u32,
    pub below: u32,
    pub last_scale_out: Option<SimTime>,
    /// The number the next instance's name gets (`<asg>-<n>`).
    pub next_number: u32,
    /// One sample per minute, for the charts.
    pub samples: Vec<ReservationSample>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ReservationSample {
    pub at: SimTime,
    /// `CapacityProviderReservation`, percent.
    pub reservation: f64,
    pub target: u32,
    pub desired: u32,
    /// Instances registered with the cluster (ACTIVE).
    pub registered: u32,
    /// Tasks PROVISIONING while they wait for capacity.
    pub waiting: u32,
}

/// A group as the scenario describes it, with fresh policy and alarm names.
pub fn from_spec(g: &AutoScalingGroupSpec, uuid: &mut dyn FnMut() -> String) -> AutoScalingGroup {
    AutoScalingGroup {
        name: g.name.clone(),
        capacity_provider: g.capacity_provider.clone(),
        instance_type: g.instance_type.clone(),
        min_size: g.min_size,
        max_size: g.max_size,
        desired_capacity: g.desired_capacity,
        managed_scaling: g.managed_scaling.as_ref().map(|m| ManagedScaling {
            target_capacity: m.target_capacity,
            minimum_scaling_step_size: m.minimum_scaling_step_size,
            maximum_scaling_step_size: m.maximum_scaling_step_size,
            instance_warmup: Millis::from_secs(m.instance_warmup_period as u64),
        }),
        managed_termination_protection: g.managed_termination_protection,
        policy: format!("ECSManagedAutoScalingPolicy-{}", uuid()),
        alarm_high: format!("TargetTracking-{}-AlarmHigh-{}", g.name, uuid()),
        alarm_low: format!("TargetTracking-{}-AlarmLow-{}", g.name, uuid()),
        high: AlarmState::InsufficientData,
        low: AlarmState::InsufficientData,
        above: 0,
        below: 0,
        last_scale_out: None,
        next_number: 1,
        samples: Vec::new(),
    }
}
