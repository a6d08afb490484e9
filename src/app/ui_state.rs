//! What the panels and overlays show, apart from playback: which overlays are open, the event
//! log's filters and order, the text size, presentation mode.

use bevy::prelude::*;

use crate::settings::Theme;

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<UiState>();
}

/// Panel and overlay state that is not part of playback.
#[derive(Resource, Debug, Clone)]
pub struct UiState {
    pub show_help: bool,
    pub show_picker: bool,
    /// The progress view (G).
    pub show_progress: bool,
    pub show_legend: bool,
    /// The logs window of the selected task or pod (K).
    pub show_logs: bool,
    /// The scenario's title and description, shown when it opens.
    pub show_intro: bool,
    /// Presentation mode: hide the side panel and the event log for a bigger canvas.
    pub presenting: bool,
    /// Presenter mode (F5): the presenter window is open and this one is the projector's.
    pub presenter: bool,
    /// A count in the presenter window has the keyboard (shortcuts are off meanwhile).
    pub presenter_typing: bool,
    pub newest_first: bool,
    /// The event log shows only the events about the selected object (when one is selected).
    pub only_selection: bool,
    /// service, target-group, task, instance, autoscaling, deployment, replicaset, pod,
    /// scenario, quiz
    pub filters: [bool; 17],
    pub text_scale: f32,
    /// The app's colours (T switches; remembered in the settings file).
    pub theme: Theme,
    pub open_path: String,
    pub picker_error: Option<String>,
    /// F12 was pressed: the view saves a PNG of the window.
    pub screenshot_requested: bool,
    /// A text field has the keyboard (shortcuts are off meanwhile).
    pub typing: bool,
    /// The console's input has the keyboard (shortcuts are off meanwhile).
    pub console_focus: bool,
    /// A short message for the header: what was just undone or saved.
    pub notice: Option<String>,
    /// Where the last screenshot went, shown in the header for a while.
    pub last_screenshot: Option<String>,
}

impl Default for UiState {
    fn default() -> Self {
        UiState {
            show_help: false,
            show_picker: false,
            show_progress: false,
            show_legend: true,
            show_logs: false,
            show_intro: false,
            presenting: false,
            presenter: false,
            presenter_typing: false,
            newest_first: true,
            only_selection: false,
            filters: [
                true, true, true, false, true, true, true, true, true, true, true, true, true,
                true, true, true, true,
            ],
            text_scale: 1.0,
            theme: Theme::Dark,
            open_path: String::new(),
            picker_error: None,
            screenshot_requested: false,
            typing: false,
            console_focus: false,
            notice: None,
            last_screenshot: None,
        }
    }
}
