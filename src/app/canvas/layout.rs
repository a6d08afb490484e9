//! `layout(world) -> Scene`: the canvas of any world, and the one number that keeps its shape
//! steady while a scenario plays (cards per row in a host box).

use orca_sim::{Playback, SimTime, World};

use super::scene::Scene;
use super::{layout_ecs, layout_eks};

/// Lay out the world. Pure: the same world always gives the same scene.
/// `cols` is how many cards sit side by side in a host box (see [`columns_for`]).
pub fn layout(world: &World, cols: usize) -> Scene {
    if let Some(eks) = &world.eks {
        return layout_eks::layout(world, eks, cols);
    }
    match &world.ecs {
        Some(ecs) => layout_ecs::layout(world, ecs, cols),
        None => Scene::default(),
    }
}

/// Cards per row for a whole run: sample it for its busiest host so the canvas keeps one
/// shape. Leaves `playback` at the start.
pub fn columns_for_run(playback: &mut Playback) -> usize {
    let end = playback.end().millis();
    let step = (end / 120).max(5_000);
    let mut busiest = 0;
    let mut t = 0;
    while t <= end {
        playback.seek(SimTime(t));
        busiest = busiest.max(busiest_host(playback.world()));
        t += step;
    }
    playback.seek(SimTime::ZERO);
    columns_for(busiest)
}

/// Cards per row in a host box: enough that the busiest host of the whole run stays roughly
/// square, so the layout does not change shape while the scenario plays.
pub fn columns_for(max_tasks_per_host: usize) -> usize {
    match max_tasks_per_host {
        0..=4 => 1,
        5..=12 => 2,
        13..=30 => 3,
        n => ((n as f32).sqrt().ceil() as usize).min(8),
    }
}

/// The most cards in one host box (an instance, a zone's Fargate lane or a node).
pub fn busiest_host(world: &World) -> usize {
    if let Some(eks) = &world.eks {
        return layout_eks::busiest_host(eks);
    }
    match &world.ecs {
        Some(ecs) => layout_ecs::busiest_host(world, ecs),
        None => 0,
    }
}
