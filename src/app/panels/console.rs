//! The console (C): `aws ecs …` and `kubectl …` against the run, as the learner would type them
//! at a terminal. Reading commands print what the real tool prints for this moment; acting
//! commands change the run from this moment on (Ctrl+Z undoes the last). Tab completes, ↑/↓
//! walk the history; the transcript can be selected and copied. The canvas's actions menu runs
//! its commands here too, so every action shows its CLI form. A command that keeps printing
//! (`kubectl get -w`, `kubectl rollout status`, `aws logs tail --follow`, `aws ecs wait`) goes on
//! as the run plays, until it ends, Ctrl+C stops it, another command is run or the run moves
//! back.

use bevy::prelude::*;
use bevy_egui::{EguiPrimaryContextPass, egui};
use orca_sim::console::watch::{Ended, Watch};
use orca_sim::console::{self, Context, Outcome};

use super::palette::ink;
use super::{PanelSystems, Root};
use crate::app::AppSystems;
use crate::app::actions::Actions;
use crate::app::player::{Player, Stops};
use crate::app::ui_state::UiState;
use orca_sim::{Playback, SimTime};

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<ConsoleState>()
        .add_systems(
            EguiPrimaryContextPass,
            show_console
                .in_set(PanelSystems::Console)
                .run_if(|c: Res<ConsoleState>| c.open),
        )
        .add_systems(Update, console_actions.in_set(AppSystems::ApplyActions))
        .add_systems(Update, poll_watch.after(AppSystems::Tick));
}

/// A command still printing: ask it what is new now that the run has moved (open console or
/// not: a terminal keeps printing behind other windows). The frame's advance already asked at
/// each second it passed over (`Stops`); this asks at the frame's own moment.
fn poll_watch(mut console: ResMut<ConsoleState>, player: Res<Player>) {
    if console.watching.is_some() {
        console.poll(&player.playback);
    }
}

impl Stops for ConsoleState {
    fn next_stop(&self) -> Option<SimTime> {
        self.watching.as_ref().map(|(_, w)| w.next_poll())
    }

    fn stop(&mut self, playback: &Playback) {
        self.poll(playback);
    }
}

impl ConsoleState {
    /// Ask the command still printing what is new at the playback's moment, and append it.
    fn poll(&mut self, playback: &Playback) {
        let cx = Context::at(playback, &read_file);
        let Some((entry, watch)) = self.watching.as_mut() else {
            return;
        };
        let entry = *entry;
        let polled = watch.poll(&cx);
        if let Some(ended) = polled.ended {
            self.watching = None;
            if let Some(e) = self.transcript.get_mut(entry) {
                e.failed |= ended == Ended::Failed;
            }
        }
        if !polled.output.is_empty()
            && let Some(e) = self.transcript.get_mut(entry)
        {
            e.output.push_str(&polled.output);
            keep_tail(&mut e.output);
            self.scroll_to_end = true;
        }
    }
}

/// A watch's output is kept to its last [`WATCH_KEPT`] bytes, as a terminal keeps a bounded
/// scrollback: an hour of `kubectl get pods -w` on a large cluster would otherwise grow the
/// transcript (and the text laid out every frame) without end.
const WATCH_KEPT: usize = 256 * 1024;

fn keep_tail(output: &mut String) {
    const DROPPED: &str = "(earlier lines dropped)\n";
    if output.len() <= WATCH_KEPT {
        return;
    }
    let mut cut = output.len() - WATCH_KEPT / 2;
    while !output.is_char_boundary(cut) {
        cut += 1;
    }
    let from = output[cut..].find('\n').map_or(cut, |i| cut + i + 1);
    *output = format!("{DROPPED}{}", &output[from..]);
}

/// The keyboard's console actions: open or close it, and undo the last command that acted.
fn console_actions(
    mut actions: MessageReader<Actions>,
    mut console: ResMut<ConsoleState>,
    mut player: ResMut<Player>,
    mut ui: ResMut<UiState>,
) {
    for a in actions.read() {
        match a {
            Actions::ToggleConsole => console.toggle(),
            Actions::Interrupt => console.interrupt(),
            Actions::Undo => {
                ui.notice = Some(match console.undo(&mut player) {
                    Some(command) => format!("undid: {command}"),
                    None => "nothing to undo".into(),
                });
            }
            _ => {}
        }
    }
}

/// One command and what it printed.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// `[mm:ss]`, the moment the command ran at.
    pub at: String,
    pub command: String,
    pub output: String,
    pub failed: bool,
}

#[derive(Resource, Debug, Default)]
pub struct ConsoleState {
    pub open: bool,
    pub input: String,
    pub history: Vec<String>,
    /// Position while walking the history with ↑/↓.
    history_pos: Option<usize>,
    pub transcript: Vec<Entry>,
    /// Give the input the keyboard on the next frame.
    pub focus_requested: bool,
    /// The commands that acted, in order, for undo's message.
    acted: Vec<String>,
    /// Scroll to the newest entry.
    scroll_to_end: bool,
    /// The command still printing: its entry in `transcript`, and its watch.
    watching: Option<(usize, Watch)>,
    /// The Logs Insights queries started in this console (`aws logs start-query`).
    queries: console::QueryBook,
}

impl ConsoleState {
    pub fn toggle(&mut self) {
        self.open = !self.open;
        self.focus_requested = self.open;
    }

    /// Whether a command is still printing.
    pub fn is_watching(&self) -> bool {
        self.watching.is_some()
    }

    /// Stop the command still printing, as Ctrl+C does at a terminal.
    pub fn interrupt(&mut self) {
        if let Some((entry, _)) = self.watching.take()
            && let Some(e) = self.transcript.get_mut(entry)
        {
            e.output.push_str("^C\n");
            self.scroll_to_end = true;
        }
    }

    /// Run a command line (typed, or chosen from the canvas's actions menu) and keep it in the
    /// transcript and the history.
    pub fn run(&mut self, player: &mut Player, line: &str) {
        let line = line.trim().to_string();
        if line.is_empty() {
            return;
        }
        // A new command stops the one still printing (`clear` too: its entry goes).
        self.interrupt();
        if line == "clear" {
            self.transcript.clear();
            self.history.push(line);
            return;
        }
        let at = player.now().to_string();
        let (output, failed, watch) = execute(player, &line, &mut self.acted, &self.queries);
        if self.history.last() != Some(&line) {
            self.history.push(line.clone());
        }
        self.history_pos = None;
        self.transcript.push(Entry {
            at,
            command: line,
            output,
            failed,
        });
        // A long session keeps the newest 500 commands.
        if self.transcript.len() > 500 {
            self.transcript.remove(0);
        }
        if let Some(w) = watch {
            self.watching = Some((self.transcript.len() - 1, w));
        }
        self.scroll_to_end = true;
    }

    /// The commands that changed the run, oldest first (those undone are gone).
    pub fn acted(&self) -> &[String] {
        &self.acted
    }

    /// Undo the last action (Ctrl+Z): the message says which command was taken back.
    pub fn undo(&mut self, player: &mut Player) -> Option<String> {
        player.undo_intervention()?;
        let command = self.acted.pop().unwrap_or_else(|| "the last action".into());
        let at = player.now().to_string();
        self.transcript.push(Entry {
            at,
            command: format!("# undo: {command}"),
            output: "The run is simulated again without it.".into(),
            failed: false,
        });
        self.scroll_to_end = true;
        Some(command)
    }
}

/// A file a command names (`file://…`, `-f`), read with the scenario-file size cap.
fn read_file(path: &str) -> Result<String, String> {
    let path = path.strip_prefix("file://").unwrap_or(path);
    crate::scenario_file::read_text(std::path::Path::new(path))
}

/// Carry out one command: its output, whether it failed, and what keeps printing.
fn execute(
    player: &mut Player,
    line: &str,
    acted: &mut Vec<String>,
    queries: &console::QueryBook,
) -> (String, bool, Option<Watch>) {
    let outcome = {
        let playback = &player.playback;
        let cx = Context::at(playback, &read_file).with_queries(queries);
        console::execute(line, &cx)
    };
    match outcome {
        Outcome::Print(s) => (s, false, None),
        Outcome::Fail(s) => (s, true, None),
        Outcome::Watch { first, watch } => (first, false, Some(*watch)),
        Outcome::Act { actions, after } => {
            player.intervene(actions);
            acted.push(line.to_string());
            let playback = &player.playback;
            let reply = console::reply(&after, playback.world(), playback.log(), playback.now());
            (reply, false, None)
        }
    }
}

fn show_console(
    mut root: ResMut<Root>,
    mut console: ResMut<ConsoleState>,
    mut player: ResMut<Player>,
    mut ui_state: ResMut<UiState>,
) {
    let Some(root) = root.ui() else { return };
    let mut close = false;
    egui::Panel::bottom("console")
        .resizable(true)
        .default_size(260.0)
        .min_size(220.0)
        .show(root, |ui| {
            ui.horizontal(|ui| {
                ui.strong("Console");
                ui.weak("aws ecs … · kubectl … · Tab completes · ↑/↓ history · Ctrl+Z undoes the last action · clear");
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    if ui.button("Close (Esc)").clicked() {
                        close = true;
                    }
                    if console.is_watching() && ui.button("Stop (Ctrl+C)").clicked() {
                        console.interrupt();
                    }
                    let n = player.intervention_count();
                    if n > 0 && ui.button(format!("Undo last ({n})")).clicked() {
                        console.undo(&mut player);
                    }
                });
            });
            ui.separator();
            let input_height = ui.text_style_height(&egui::TextStyle::Monospace) + 16.0;
            // Tables and JSON keep their lines (wrapping would break their columns), so the
            // transcript scrolls sideways too; an error is prose, and wraps.
            egui::ScrollArea::both()
                .auto_shrink([false, false])
                .max_height((ui.available_height() - input_height).max(40.0))
                .stick_to_bottom(true)
                .show(ui, |ui| {
                    for e in &console.transcript {
                        ui.label(
                            egui::RichText::new(format!("[{}] $ {}", e.at, e.command))
                                .monospace()
                                .strong(),
                        );
                        if !e.output.is_empty() {
                            let text = egui::RichText::new(e.output.trim_end()).monospace();
                            if e.failed {
                                // An error is prose: it wraps at the visible width, not at
                                // the widest line above it.
                                let red = ink(ui, egui::Color32::from_rgb(255, 140, 120));
                                let label = egui::Label::new(text.color(red))
                                    .selectable(true)
                                    .wrap_mode(egui::TextWrapMode::Wrap);
                                let visible = ui.clip_rect().width();
                                ui.scope(|ui| {
                                    ui.set_max_width(visible);
                                    ui.add(label);
                                });
                            } else {
                                ui.add(
                                    egui::Label::new(text)
                                        .selectable(true)
                                        .wrap_mode(egui::TextWrapMode::Extend),
                                );
                            }
                        }
                    }
                    if console.scroll_to_end {
                        ui.scroll_to_cursor(Some(egui::Align::Max));
                    }
                });
            console.scroll_to_end = false;
            ui.horizontal(|ui| {
                ui.label(egui::RichText::new("$").monospace().strong());
                let mut input = std::mem::take(&mut console.input);
                // Ctrl+C stops the command still printing, and types nothing.
                let ctrl_c = ui.input_mut(|i| {
                    let pressed = i.modifiers.ctrl
                        && i.events.iter().any(|e| {
                            matches!(e, egui::Event::Key { key: egui::Key::C, pressed: true, .. })
                                || matches!(e, egui::Event::Copy)
                        });
                    if pressed {
                        i.events.retain(|e| {
                            !matches!(e, egui::Event::Text(t) if t.eq_ignore_ascii_case("c"))
                        });
                    }
                    pressed
                });
                if ctrl_c && console.is_watching() {
                    console.interrupt();
                }
                let field = ui.add(
                    egui::TextEdit::singleline(&mut input)
                        .font(egui::TextStyle::Monospace)
                        .hint_text("kubectl get pods   ·   aws ecs describe-services --cluster … --services …")
                        .lock_focus(true)
                        .desired_width(f32::INFINITY),
                );
                if console.focus_requested {
                    field.request_focus();
                    console.focus_requested = false;
                }
                let focused = field.has_focus();
                let (enter, tab, up, down, esc) = ui.input(|i| {
                    (
                        i.key_pressed(egui::Key::Enter),
                        i.key_pressed(egui::Key::Tab),
                        i.key_pressed(egui::Key::ArrowUp),
                        i.key_pressed(egui::Key::ArrowDown),
                        i.key_pressed(egui::Key::Escape),
                    )
                });
                if (focused || field.lost_focus()) && enter {
                    let line = std::mem::take(&mut input);
                    console.run(&mut player, &line);
                    field.request_focus();
                } else if focused && tab {
                    input = complete(&player, &input, &mut console);
                    cursor_to_end(ui.ctx(), field.id, &input);
                    field.request_focus();
                } else if focused && (up || down) {
                    input = walk_history(&mut console, up, &input);
                    cursor_to_end(ui.ctx(), field.id, &input);
                } else if esc {
                    close = true;
                }
                console.input = input;
                // After Enter or Tab the field has asked for the focus back: keys typed next
                // are still the command's, never shortcuts (egui drops it on Enter).
                ui_state.console_focus = ui.memory(|m| m.has_focus(field.id));
            });
        });
    if close {
        console.open = false;
        ui_state.console_focus = false;
    }
}

/// Put the field's cursor after the last character: a line that Tab or the history replaced
/// keeps the cursor where it was otherwise, and what the learner types next would land before
/// the completed word.
fn cursor_to_end(ctx: &egui::Context, id: egui::Id, text: &str) {
    let mut state = egui::TextEdit::load_state(ctx, id).unwrap_or_default();
    let end = egui::text::CCursor::new(text.chars().count());
    state
        .cursor
        .set_char_range(Some(egui::text::CCursorRange::one(end)));
    state.store(ctx, id);
}

/// Tab: complete the last word (or list the choices when several fit).
fn complete(player: &Player, input: &str, console: &mut ConsoleState) -> String {
    let playback = &player.playback;
    let cx = Context::at(playback, &read_file).with_queries(&console.queries);
    let c = console::complete::complete(input, &cx);
    match c.candidates.len() {
        0 => input.to_string(),
        1 => {
            let word = &c.candidates[0];
            let sep = if word.ends_with('=') || word.ends_with('/') {
                ""
            } else {
                " "
            };
            format!("{}{word}{sep}", &input[..c.from])
        }
        _ => {
            let prefix = c.common_prefix();
            console.transcript.push(Entry {
                at: player.now().to_string(),
                command: format!("{input}⇥"),
                output: c.candidates.join("  "),
                failed: false,
            });
            console.scroll_to_end = true;
            format!("{}{prefix}", &input[..c.from])
        }
    }
}

fn walk_history(console: &mut ConsoleState, up: bool, current: &str) -> String {
    if console.history.is_empty() {
        return current.to_string();
    }
    let last = console.history.len() - 1;
    let pos = match (console.history_pos, up) {
        (None, true) => Some(last),
        (None, false) => None,
        (Some(p), true) => Some(p.saturating_sub(1)),
        (Some(p), false) if p < last => Some(p + 1),
        (Some(_), false) => None,
    };
    console.history_pos = pos;
    pos.map_or_else(String::new, |p| console.history[p].clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_completed_line_puts_the_cursor_after_its_last_character() {
        // A field whose cursor sits after "aws s", as while typing; Tab then replaces the line.
        let ctx = egui::Context::default();
        let id = egui::Id::new("console-line");
        let mut typed = "aws s".to_string();
        let mut frame = ctx.run_ui(egui::RawInput::default(), |ui| {
            ui.add(egui::TextEdit::singleline(&mut typed).id(id));
        });
        // The font atlas of the first frame: no renderer takes it here.
        frame.textures_delta.clear();
        let mut state = egui::TextEdit::load_state(&ctx, id).unwrap_or_default();
        state
            .cursor
            .set_char_range(Some(egui::text::CCursorRange::one(
                egui::text::CCursor::new(5),
            )));
        state.store(&ctx, id);
        let completed = "aws servicediscovery ";
        cursor_to_end(&ctx, id, completed);
        let range = egui::TextEdit::load_state(&ctx, id)
            .and_then(|s| s.cursor.char_range())
            .expect("a cursor");
        let end = egui::text::CCursor::new(completed.chars().count());
        assert_eq!(
            (range.primary.index, range.secondary.index),
            (end.index, end.index)
        );
    }

    #[test]
    fn a_long_watch_keeps_its_newest_whole_lines() {
        let mut out: String = (0..40_000).map(|i| format!("line {i}\n")).collect();
        keep_tail(&mut out);
        assert!(out.len() <= WATCH_KEPT, "{}", out.len());
        assert!(
            out.starts_with("(earlier lines dropped)\nline "),
            "{}",
            &out[..40]
        );
        assert!(out.ends_with("line 39999\n"));
        let short = "a\nb\n".to_string();
        let mut kept = short.clone();
        keep_tail(&mut kept);
        assert_eq!(kept, short);
    }
}
