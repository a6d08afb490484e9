//! The logs of the selected task or pod in a window of their own (K), for when the
//! inspector's newest lines are not enough or are below the fold: every container, up to
//! [`WINDOW_LINES`] newest lines each, scrolled to the end as new lines arrive.

use bevy::prelude::*;
use bevy_egui::{EguiPrimaryContextPass, egui};

use super::inspector_logs::{ContainerLog, WINDOW_LINES, pod_log_views, show, task_log_view};
use super::{PanelSystems, Root};
use crate::app::player::{Player, Selection};
use crate::app::ui_state::UiState;
use orca_sim::{Event, World};

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        EguiPrimaryContextPass,
        logs_window
            .in_set(PanelSystems::Shortcuts)
            .run_if(|ui_state: Res<UiState>| ui_state.show_logs && !ui_state.presenting),
    );
}

/// The window's title and what it shows: the selected task's or pod's containers, or why
/// there is nothing to show.
pub fn logs_of(
    world: &World,
    log: &[Event],
    selection: Option<&Selection>,
    limit: usize,
) -> (String, Result<Vec<ContainerLog>, String>) {
    let Some(Selection::Task(id)) = selection else {
        return (
            "Logs".into(),
            Err("Select a task or a pod to see its containers' logs.".into()),
        );
    };
    // A pod's name, or (ECS, or a side-by-side world's ECS part) a task's id.
    if let Some(eks) = &world.eks
        && (world.ecs.is_none() || eks.pods.iter().any(|p| &p.name == id))
    {
        let Some(p) = eks.pods.iter().position(|p| &p.name == id) else {
            return (
                format!("Logs — pod {id}"),
                Err("This pod does not exist at this moment.".into()),
            );
        };
        let view = pod_log_views(eks, p, log, world.now, limit);
        return (format!("Logs — pod {id}"), Ok(view));
    }
    let Some(ecs) = &world.ecs else {
        return ("Logs".into(), Err("No task is selected.".into()));
    };
    let Some(t) = ecs.tasks.iter().position(|t| &t.id == id) else {
        return (
            "Logs".into(),
            Err("This task does not exist at this moment.".into()),
        );
    };
    let t = orca_sim::world::TaskIdx(t as u32);
    (
        format!("Logs — task {}", ecs.task(t).short_id()),
        Ok(task_log_view(ecs, t, world.now, limit)),
    )
}

fn logs_window(mut root: ResMut<Root>, player: Res<Player>, mut ui_state: ResMut<UiState>) {
    let Some(root) = root.ui() else { return };
    let ctx = root.ctx().clone();
    let (title, view) = logs_of(
        player.playback.world(),
        player.playback.log(),
        player.selection.as_ref(),
        WINDOW_LINES,
    );
    let mut open = true;
    egui::Window::new(title)
        .id(egui::Id::new("logs-window"))
        .open(&mut open)
        .default_size([640.0, 340.0])
        .default_pos([16.0, 120.0])
        .resizable(true)
        .show(&ctx, |ui| {
            ui.weak("K or Esc closes this window. The console's `aws logs` and `kubectl logs` print the same lines.");
            ui.separator();
            egui::ScrollArea::vertical()
                .auto_shrink([false, false])
                .stick_to_bottom(true)
                .show(ui, |ui| match &view {
                    Ok(containers) => {
                        for c in containers {
                            show(ui, c);
                        }
                    }
                    Err(why) => {
                        ui.label(why);
                    }
                });
        });
    if !open {
        ui_state.show_logs = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::panels::inspector_containers::tests::at;

    #[test]
    fn the_window_shows_more_than_the_inspector_and_says_what_is_missing() {
        let pb = at("eks-ebs-volume-zone", 600);
        let (world, log) = (pb.world(), pb.log());
        let eks = world.eks.as_ref().expect("eks");
        assert!(
            logs_of(world, log, None, WINDOW_LINES).1.is_err(),
            "nothing selected"
        );
        let count = |v: &[ContainerLog]| v.iter().map(|c| c.lines.len()).sum::<usize>();
        let lines = |name: &str, limit| {
            let sel = Selection::Task(name.to_string());
            let (title, view) = logs_of(world, log, Some(&sel), limit);
            assert_eq!(title, format!("Logs — pod {name}"));
            count(&view.expect("a pod's logs"))
        };
        // The pod that has run longest has more lines than the inspector shows.
        let long = eks
            .pods
            .iter()
            .filter(|p| !p.gone)
            .max_by_key(|p| lines(&p.name, WINDOW_LINES))
            .expect("a pod");
        let shown = super::super::inspector_logs::SHOWN;
        assert!(lines(&long.name, WINDOW_LINES) > shown);
        assert_eq!(lines(&long.name, shown), shown);
        let gone = Selection::Task("no-such-pod".into());
        assert!(logs_of(world, log, Some(&gone), WINDOW_LINES).1.is_err());
    }
}
