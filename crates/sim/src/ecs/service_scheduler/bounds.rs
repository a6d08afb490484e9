//! The two numbers that limit every step of a rolling update, and the counts a pass holds
//! them against (docs/rules/ecs-deployments.md#rolling-update-bounds; source:
//! <https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-type-ecs.html>).
//!
//! A [`Bounds`] value is plain numbers; it writes its own explanation, so the why of a
//! scheduler event, the scheduler's last decision and the app all show the same arithmetic.

use serde::Serialize;

use crate::text::push_u64;

/// floor(desired × maximumPercent / 100): ECS rounds the upper bound down.
pub fn upper_bound(desired: u32, maximum_percent: u32) -> u32 {
    (desired as u64 * maximum_percent as u64 / 100) as u32
}

/// ceil(desired × minimumHealthyPercent / 100): ECS rounds the lower bound up.
pub fn lower_bound(desired: u32, minimum_healthy_percent: u32) -> u32 {
    (desired as u64 * minimum_healthy_percent as u64).div_ceil(100) as u32
}

/// A service's rollout bounds and the counts they are held against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Bounds {
    pub desired: u32,
    pub minimum_healthy_percent: u32,
    pub maximum_percent: u32,
    /// floor(desired × maximumPercent / 100): the most tasks RUNNING or PENDING, all
    /// deployments together.
    pub upper: u32,
    /// ceil(desired × minimumHealthyPercent / 100): the fewest RUNNING tasks that count as
    /// healthy.
    pub lower: u32,
    /// Tasks RUNNING or PENDING (all deployments) at the moment described.
    pub running_or_pending: u32,
    /// RUNNING tasks that count as healthy at the moment described.
    pub healthy: u32,
}

impl Bounds {
    /// The bounds of `desired` tasks under a deployment configuration, with no task counted.
    pub fn new(desired: u32, minimum_healthy_percent: u32, maximum_percent: u32) -> Bounds {
        Bounds {
            desired,
            minimum_healthy_percent,
            maximum_percent,
            upper: upper_bound(desired, maximum_percent),
            lower: lower_bound(desired, minimum_healthy_percent),
            running_or_pending: 0,
            healthy: 0,
        }
    }

    /// The same bounds held against other counts.
    pub fn counting(self, running_or_pending: u32, healthy: u32) -> Bounds {
        Bounds {
            running_or_pending,
            healthy,
            ..self
        }
    }

    /// How many more tasks may start: upper − (running + pending), never negative.
    pub fn room(&self) -> u32 {
        self.upper.saturating_sub(self.running_or_pending)
    }

    /// How many healthy tasks may stop: healthy − lower, never negative.
    pub fn may_stop(&self) -> u32 {
        self.healthy.saturating_sub(self.lower)
    }

    /// "upper floor(4 × 200 / 100) = 8, lower ceil(4 × 100 / 100) = 4"
    pub fn rules(&self) -> String {
        let mut out = String::with_capacity(RULES_CAPACITY);
        self.write_rules(&mut out);
        out
    }

    /// "upper floor(4 × 200 / 100) = 8, lower ceil(4 × 100 / 100) = 4: 6 running or pending
    /// leaves room for 2"
    pub fn explain_room(&self) -> String {
        let mut out = String::with_capacity(EXPLAIN_ROOM_CAPACITY);
        self.write_explain_room(&mut out);
        out
    }

    /// [`Bounds::explain_room`] written into `out` (a started task's explanation around it).
    pub fn write_explain_room(&self, out: &mut String) {
        self.write_rules(out);
        out.push_str(": ");
        self.write_room(out);
    }

    /// "6 running or pending leaves room for 2"
    pub fn room_text(&self) -> String {
        let mut out = String::with_capacity(ROOM_CAPACITY);
        self.write_room(&mut out);
        out
    }

    /// "healthy 5 − lower 4 = 1 may stop"
    pub fn stop_text(&self) -> String {
        let mut out = String::with_capacity(STOP_CAPACITY);
        self.write_stop(&mut out);
        out
    }

    /// Both bounds with both counts: "upper floor(4 × 200 / 100) = 8, lower ceil(4 × 100 /
    /// 100) = 4: 6 running or pending leaves room for 2; healthy 5 − lower 4 = 1 may stop"
    pub fn explain(&self) -> String {
        let mut out = String::with_capacity(RULES_CAPACITY + ROOM_CAPACITY + STOP_CAPACITY);
        self.write_rules(&mut out);
        out.push_str(": ");
        self.write_room(&mut out);
        out.push_str("; ");
        self.write_stop(&mut out);
        out
    }

    // The texts are written into one buffer each (a pass writes several per started task);
    // numbers are appended by `text::push_u64`, not `write!` (hundreds of instructions less).

    fn write_rules(&self, out: &mut String) {
        let d = u64::from(self.desired);
        out.push_str("upper floor(");
        push_u64(out, d);
        out.push_str(" × ");
        push_u64(out, self.maximum_percent.into());
        out.push_str(" / 100) = ");
        push_u64(out, self.upper.into());
        out.push_str(", lower ceil(");
        push_u64(out, d);
        out.push_str(" × ");
        push_u64(out, self.minimum_healthy_percent.into());
        out.push_str(" / 100) = ");
        push_u64(out, self.lower.into());
    }

    fn write_room(&self, out: &mut String) {
        push_u64(out, self.running_or_pending.into());
        out.push_str(" running or pending leaves room for ");
        push_u64(out, self.room().into());
    }

    /// [`Bounds::stop_text`] written into `out` (a stopped task's explanation around it).
    pub fn write_stop(&self, out: &mut String) {
        out.push_str("healthy ");
        push_u64(out, self.healthy.into());
        out.push_str(" − lower ");
        push_u64(out, self.lower.into());
        out.push_str(" = ");
        push_u64(out, self.may_stop().into());
        out.push_str(" may stop");
    }
}

/// Room for each text with its numbers (10 digits each at most), so the buffers never grow.
const RULES_CAPACITY: usize = 64 + 7 * 10;
const ROOM_CAPACITY: usize = 40 + 2 * 10;
pub const STOP_CAPACITY: usize = 40 + 3 * 10;
pub const EXPLAIN_ROOM_CAPACITY: usize = RULES_CAPACITY + 2 + ROOM_CAPACITY;

#[cfg(test)]
mod tests {
    use super::*;

    // The documented examples (docs/rules/ecs-deployments.md#rolling-update-bounds).

    #[test]
    fn desired_4_min_50_may_stop_2_first() {
        assert_eq!(4 - lower_bound(4, 50), 2);
    }

    #[test]
    fn desired_2_min_75_may_stop_none_first() {
        assert_eq!(lower_bound(2, 75), 2);
    }

    #[test]
    fn desired_4_max_200_may_start_4_first() {
        assert_eq!(upper_bound(4, 200) - 4, 4);
    }

    #[test]
    fn desired_3_max_125_allows_no_extra_task() {
        assert_eq!(upper_bound(3, 125), 3);
    }

    #[test]
    fn the_bounds_explain_their_arithmetic_and_the_room_they_leave() {
        let b = Bounds::new(4, 100, 200).counting(6, 5);
        assert_eq!((b.upper, b.lower, b.room(), b.may_stop()), (8, 4, 2, 1));
        assert_eq!(
            b.explain_room(),
            "upper floor(4 × 200 / 100) = 8, lower ceil(4 × 100 / 100) = 4: 6 running or pending leaves room for 2"
        );
        assert_eq!(b.stop_text(), "healthy 5 − lower 4 = 1 may stop");
    }

    #[test]
    fn neither_room_nor_stops_go_below_zero() {
        // desired 2, min 75 %, max 100 %: the documented stuck example.
        let b = Bounds::new(2, 75, 100).counting(3, 1);
        assert_eq!((b.upper, b.lower, b.room(), b.may_stop()), (2, 2, 0, 0));
    }
}
