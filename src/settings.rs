//! The app's remembered settings: the theme (dark, or light and high-contrast for a bright
//! room) and the text size. Kept in `$XDG_CONFIG_HOME/orca/settings.ron` (else
//! `~/.config/orca/settings.ron`; `ORCA_SETTINGS` overrides it), written atomically, and never
//! overwritten unless it was read correctly: a file that cannot be read is set aside (renamed
//! with a timestamp) and the learner is told; one from a newer Orca is left alone and changes
//! are kept for this run only.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::progress::unix_now;
use crate::user_file::{self, Unreadable};

/// The format this version writes.
pub const FORMAT: u32 = 1;

/// A settings file larger than this is not read (a real one is a few lines).
const MAX_BYTES: u64 = 64 * 1024;

/// The text sizes the app allows (its Ctrl + / Ctrl - steps stay inside them).
pub const TEXT_SCALE_MIN: f32 = 0.75;
pub const TEXT_SCALE_MAX: f32 = 3.0;

/// The colours of the whole app.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
pub enum Theme {
    /// Light text on dark panels and canvas (the default).
    #[default]
    Dark,
    /// Dark text on white, with stronger contrast: for a projector in a bright room.
    Light,
}

impl Theme {
    pub fn other(self) -> Theme {
        match self {
            Theme::Dark => Theme::Light,
            Theme::Light => Theme::Dark,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Theme::Dark => "dark",
            Theme::Light => "light, high contrast",
        }
    }
}

/// What the file holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct File {
    version: u32,
    #[serde(default)]
    theme: Theme,
    #[serde(default = "one")]
    text_scale: f32,
}

fn one() -> f32 {
    1.0
}

#[derive(Deserialize)]
struct VersionOnly {
    version: u32,
}

/// The settings, where they are saved, and what the learner should know about the file.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    pub theme: Theme,
    /// The text and panel size (1.0 is egui's own, plus the app's one point).
    pub text_scale: f32,
    /// Where they are saved; `None` keeps them in memory only.
    pub path: Option<PathBuf>,
    /// The file is from a newer Orca, or could not be set aside: changes are not saved.
    pub read_only: bool,
    /// What the learner should know about the file (shown in the header and on stderr).
    pub last_error: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            theme: Theme::Dark,
            text_scale: 1.0,
            path: None,
            read_only: false,
            last_error: None,
        }
    }
}

/// `ORCA_SETTINGS`, else `$XDG_CONFIG_HOME/orca/settings.ron`, else `~/.config/orca/settings.ron`.
pub fn default_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("ORCA_SETTINGS") {
        return Some(PathBuf::from(p));
    }
    user_file::xdg_path("XDG_CONFIG_HOME", ".config", "settings.ron")
}

/// How the learner is told about a settings file that cannot be used.
const WORDS: user_file::Words = user_file::Words {
    noun: "the settings",
    format: "settings",
    newest: FORMAT,
    kept_back: "changes are kept for this run only",
    fresh: "the defaults are used",
};

fn parse(text: &str) -> Result<File, Unreadable> {
    let version = ron::from_str::<VersionOnly>(text)
        .map_err(|e| Unreadable::Broken(e.to_string()))?
        .version;
    if version > FORMAT {
        return Err(Unreadable::Newer(version));
    }
    let file = ron::from_str::<File>(text).map_err(|e| Unreadable::Broken(e.to_string()))?;
    if !(TEXT_SCALE_MIN..=TEXT_SCALE_MAX).contains(&file.text_scale) {
        return Err(Unreadable::Broken(format!(
            "text_scale {} is outside {TEXT_SCALE_MIN}–{TEXT_SCALE_MAX}",
            file.text_scale
        )));
    }
    Ok(file)
}

impl Settings {
    /// Load from `path`. A missing file gives the defaults; see the module's comment for the
    /// rest.
    pub fn load(path: Option<PathBuf>) -> Settings {
        let mut s = Settings {
            path: path.clone(),
            ..Settings::default()
        };
        let Some(path) = path else { return s };
        let read = user_file::read_text(&path, MAX_BYTES)
            .and_then(|text| text.map(|t| parse(&t)).transpose());
        match read {
            Ok(Some(file)) => {
                s.theme = file.theme;
                s.text_scale = file.text_scale;
            }
            Ok(None) => {}
            Err(problem) => {
                let (read_only, message) = user_file::unusable(&path, problem, &WORDS, unix_now());
                s.read_only = read_only;
                s.last_error = Some(message);
            }
        }
        s
    }

    /// Write atomically (through symbolic links). Nothing is written for a file that was not
    /// read correctly.
    pub fn save(&self) -> Result<(), String> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        if self.read_only {
            return Err(format!(
                "{}: settings not saved, the file there is kept as it is",
                path.display()
            ));
        }
        let file = File {
            version: FORMAT,
            theme: self.theme,
            text_scale: self.text_scale,
        };
        let text = ron::ser::to_string_pretty(&file, ron::ser::PrettyConfig::default())
            .map_err(|e| format!("cannot encode settings: {e}"))?;
        user_file::write_atomic(path, &text).map_err(|e| format!("{e}: settings not saved"))
    }

    /// Change the theme and/or text size and save when something changed; a failed save is
    /// kept in `last_error`.
    pub fn set(&mut self, theme: Theme, text_scale: f32) {
        let text_scale = text_scale.clamp(TEXT_SCALE_MIN, TEXT_SCALE_MAX);
        if theme == self.theme && (text_scale - self.text_scale).abs() < 1e-6 {
            return;
        }
        self.theme = theme;
        self.text_scale = text_scale;
        if let Err(e) = self.save() {
            self.last_error = Some(e);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn temp(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("orca-settings-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("temp dir");
        dir
    }

    #[test]
    fn a_missing_file_gives_the_defaults_and_a_change_is_remembered() {
        let dir = temp("roundtrip");
        let path = dir.join("orca").join("settings.ron");
        let mut s = Settings::load(Some(path.clone()));
        assert_eq!((s.theme, s.text_scale), (Theme::Dark, 1.0));
        assert!(!path.exists(), "loading alone writes nothing");
        s.set(Theme::Light, 1.5);
        assert_eq!(s.last_error, None);
        let again = Settings::load(Some(path.clone()));
        assert_eq!((again.theme, again.text_scale), (Theme::Light, 1.5));
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_corrupt_file_is_set_aside_not_overwritten() {
        let dir = temp("corrupt");
        let path = dir.join("settings.ron");
        fs::write(&path, "(version: 1, theme: Purple)").expect("write");
        let mut s = Settings::load(Some(path.clone()));
        assert_eq!(s.theme, Theme::Dark);
        let msg = s.last_error.clone().expect("told");
        assert!(msg.contains("could not be read"), "{msg}");
        let aside: Vec<PathBuf> = fs::read_dir(&dir)
            .expect("dir")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.to_string_lossy().contains(".unreadable-"))
            .collect();
        assert_eq!(aside.len(), 1);
        assert_eq!(
            fs::read_to_string(&aside[0]).expect("kept"),
            "(version: 1, theme: Purple)"
        );
        s.set(Theme::Light, 1.0);
        assert_eq!(Settings::load(Some(path)).theme, Theme::Light);
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_file_from_a_newer_orca_is_left_alone() {
        let dir = temp("newer");
        let path = dir.join("settings.ron");
        let text = "(version: 9, theme: Light, text_scale: 1.0, colour_blind: true)";
        fs::write(&path, text).expect("write");
        let mut s = Settings::load(Some(path.clone()));
        assert!(s.read_only);
        s.set(Theme::Dark, 2.0);
        assert_eq!(
            (s.theme, s.text_scale),
            (Theme::Dark, 2.0),
            "kept for this run"
        );
        assert!(s.last_error.expect("told").contains("not saved"));
        assert_eq!(fs::read_to_string(&path).expect("kept"), text);
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn an_out_of_range_text_size_is_not_taken() {
        let dir = temp("range");
        let path = dir.join("settings.ron");
        fs::write(&path, "(version: 1, theme: Light, text_scale: 40.0)").expect("write");
        let s = Settings::load(Some(path));
        assert_eq!(s.text_scale, 1.0);
        assert!(s.last_error.expect("told").contains("outside"));
        let _ = fs::remove_dir_all(&dir);
    }

    #[cfg(unix)]
    #[test]
    fn a_save_follows_a_symbolic_link() {
        let dir = temp("link");
        let real = dir.join("real.ron");
        let link = dir.join("settings.ron");
        std::os::unix::fs::symlink(&real, &link).expect("link");
        let mut s = Settings::load(Some(link.clone()));
        s.set(Theme::Light, 1.25);
        assert!(
            fs::symlink_metadata(&link)
                .expect("link")
                .file_type()
                .is_symlink()
        );
        assert!(fs::read_to_string(&real).expect("real").contains("Light"));
        let _ = fs::remove_dir_all(&dir);
    }
}
