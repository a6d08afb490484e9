//! Scenarios simulated in the background ([`crate::app::player::Loading`]): each frame checks
//! whether the simulation is done and swaps it in; with a window, a box shows how far it got
//! ("Simulating … 42 %").

use std::time::Duration;

use bevy::prelude::*;
use bevy::window::RequestRedraw;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use crate::app::AppSystems;
use crate::app::camera::{CanvasRect, ViewState};
use crate::app::panels::PanelSystems;
use crate::app::player::{Finished, Player};
use crate::app::ui_state::UiState;

/// Part of [`crate::app::CorePlugin`]: no window needed.
pub(super) fn plugin(app: &mut App) {
    app.add_systems(Update, finish_loading.in_set(AppSystems::Reload));
}

/// With a window: the progress box.
pub(super) fn window_plugin(app: &mut App) {
    app.add_systems(
        EguiPrimaryContextPass,
        show_progress.after(PanelSystems::Close),
    );
}

/// Loads shorter than this show no box (the built-in scenarios take milliseconds).
const SHOW_AFTER: Duration = Duration::from_millis(150);

pub(super) fn finish_loading(
    mut player: ResMut<Player>,
    view: Option<ResMut<ViewState>>,
    mut ui: ResMut<UiState>,
) {
    match player.finish_loading() {
        Some(Finished::Opened) => {
            if let Some(mut view) = view {
                view.fit_requested = true;
            }
            // Opened for review: ask the question now that the run is there.
            if let Some(Err(e)) = player.take_pending_review() {
                ui.notice = Some(format!("cannot review: {e}"));
            }
        }
        Some(Finished::Reloaded) => info!("scenario reloaded"),
        Some(Finished::Failed) | None => {}
    }
}

fn show_progress(
    mut contexts: EguiContexts,
    player: Res<Player>,
    canvas: Option<Res<CanvasRect>>,
    mut redraw: MessageWriter<RequestRedraw>,
) -> Result {
    let Some(loading) = &player.loading else {
        return Ok(());
    };
    // Keep frames coming while the window is not focused, so the bar moves and the result
    // is swapped in.
    redraw.write(RequestRedraw);
    if loading.started.elapsed() < SHOW_AFTER {
        return Ok(());
    }
    let fraction = loading.fraction();
    let ctx = contexts.ctx_mut()?;
    // At the top of the canvas (logical pixels there, egui points here), else of the window.
    let area = egui::Area::new(egui::Id::new("orca-loading"));
    let area = match canvas.filter(|c| c.size.x > 0.0) {
        Some(c) => {
            let to_points = c.scale.max(0.1) / ctx.pixels_per_point();
            area.pivot(egui::Align2::CENTER_TOP).fixed_pos(egui::pos2(
                (c.min.x + c.size.x / 2.0) * to_points,
                c.min.y * to_points + 12.0,
            ))
        }
        None => area.anchor(egui::Align2::CENTER_TOP, [0.0, 72.0]),
    };
    area.order(egui::Order::Foreground)
        .interactable(false)
        .show(ctx, |ui| {
            egui::Frame::popup(ui.style()).show(ui, |ui| {
                ui.set_max_width(360.0);
                ui.label(
                    egui::RichText::new(format!(
                        "Simulating {} … {:.0} %",
                        loading.title,
                        (fraction * 100.0).floor()
                    ))
                    .strong(),
                );
                ui.add(egui::ProgressBar::new(fraction as f32).desired_width(340.0));
                ui.weak(if loading.reload {
                    "The last good version keeps running until the edited one is ready."
                } else {
                    "This is the cluster at the start; it plays once the whole run is simulated."
                });
            });
        });
    Ok(())
}
