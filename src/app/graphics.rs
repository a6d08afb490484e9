//! Before a window opens (`orca`, `orca FILE`, `orca shot`): is there a display to open it on
//! and a graphics driver to draw with? Without them Bevy panics with a backtrace; this says
//! what is missing and how to get it instead.

use std::process::ExitCode;

/// What is missing, as a message for the terminal; `None` when a window can open.
pub fn missing() -> Option<String> {
    display_missing(|name| std::env::var_os(name)).or_else(adapter_missing)
}

/// Print what is missing and return the exit status to end with, or `None` to go on.
pub fn check() -> Option<ExitCode> {
    let why = missing()?;
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{why}");
    Some(ExitCode::from(1))
}

/// On Linux and the BSDs Orca opens its window through X11 (Bevy's `x11` feature; a Wayland
/// desktop runs it through XWayland, which sets `DISPLAY`).
#[cfg(all(unix, not(target_os = "macos")))]
pub fn display_missing(env: impl Fn(&str) -> Option<std::ffi::OsString>) -> Option<String> {
    let set = |name: &str| env(name).is_some_and(|v| !v.is_empty());
    if set("DISPLAY") {
        return None;
    }
    let wayland = if set("WAYLAND_DISPLAY") {
        " This is a Wayland session without XWayland: Orca draws through X11, so it needs \
         XWayland (most desktops start it; `apt install xwayland`)."
    } else {
        ""
    };
    Some(format!(
        "no display: DISPLAY is not set, so there is no X server to open a window on.{wayland}\n\
         Run orca from a terminal in your desktop session, or without a screen (a server, CI) \
         under a virtual one: `xvfb-run -a orca …` (Debian/Ubuntu: `apt install xvfb xauth`)."
    ))
}

#[cfg(not(all(unix, not(target_os = "macos"))))]
pub fn display_missing(_env: impl Fn(&str) -> Option<std::ffi::OsString>) -> Option<String> {
    None
}

/// The message for a machine on which wgpu finds no adapter.
pub const NO_ADAPTER: &str = "no Vulkan driver found: Orca draws with Vulkan and found no device to draw on.\n\
     On Debian/Ubuntu: `apt install mesa-vulkan-drivers libvulkan1` (Mesa's drivers for AMD and \
     Intel GPUs, and lavapipe, which draws on the CPU where there is no GPU); with an NVIDIA \
     GPU, its proprietary driver. Fedora: `dnf install mesa-vulkan-drivers vulkan-loader`. Arch: \
     `pacman -S vulkan-icd-loader` and your GPU's driver (vulkan-radeon, vulkan-intel, \
     nvidia-utils) or vulkan-swrast.\n\
     Check with `vulkaninfo --summary` (package vulkan-tools). VK_ICD_FILENAMES or \
     VK_DRIVER_FILES, if set, must name an installed driver's .json file.";

/// Ask wgpu for the adapters Bevy's renderer would choose from (the same backends:
/// `WGPU_BACKEND`, else all that are built in, which on Linux is Vulkan).
fn adapter_missing() -> Option<String> {
    let backends = wgpu::Backends::from_env().unwrap_or(wgpu::Backends::all());
    let instance = wgpu::Instance::new(wgpu::InstanceDescriptor {
        backends,
        ..wgpu::InstanceDescriptor::new_without_display_handle()
    });
    let adapters = bevy::tasks::block_on(instance.enumerate_adapters(backends));
    adapters.is_empty().then(|| NO_ADAPTER.to_string())
}

/// Messages of panics that mean a missing display or driver the checks above did not see
/// (a `DISPLAY` naming no running X server, an adapter that cannot draw to the window).
pub fn explain_panic(message: &str) -> Option<&'static str> {
    if message.contains("Unable to find a GPU") {
        Some(NO_ADAPTER)
    } else if message.contains("XOpenDisplayFailed")
        || message.contains("Failed to build event loop")
        || message.contains("failed to open display")
    {
        Some(
            "cannot open a window: the X server that DISPLAY names is not running or refused the \
             connection. Run orca in your desktop session, or under a virtual screen: \
             `xvfb-run -a orca …` (Debian/Ubuntu: `apt install xvfb xauth`).",
        )
    } else {
        None
    }
}

/// Turn the panics [`explain_panic`] knows into their message (no backtrace) and exit status 1;
/// any other panic is reported as before.
pub fn install_panic_hook() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        match explain_panic(&message) {
            Some(text) => {
                use std::io::Write;
                let _ = writeln!(std::io::stderr(), "{text}\n({message})");
                // Nothing to unwind to that could help: end as the checks above do.
                std::process::exit(1);
            }
            None => default(info),
        }
    }));
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsString;

    #[cfg(all(unix, not(target_os = "macos")))]
    #[test]
    fn no_display_says_what_to_do() {
        let none = |_: &str| None;
        let why = display_missing(none).expect("missing");
        assert!(why.starts_with("no display: DISPLAY is not set"), "{why}");
        assert!(why.contains("xvfb-run -a orca"), "{why}");
        let wayland_only = |n: &str| (n == "WAYLAND_DISPLAY").then(|| OsString::from("wayland-0"));
        assert!(
            display_missing(wayland_only)
                .expect("missing")
                .contains("XWayland")
        );
        let empty = |n: &str| (n == "DISPLAY").then(OsString::new);
        assert!(display_missing(empty).is_some());
        let x = |n: &str| (n == "DISPLAY").then(|| OsString::from(":0"));
        assert_eq!(display_missing(x), None);
    }

    #[test]
    fn known_panics_are_explained() {
        assert_eq!(
            explain_panic("Unable to find a GPU! Make sure you have installed required drivers!"),
            Some(NO_ADAPTER)
        );
        assert!(explain_panic("Failed to build event loop: XOpenDisplayFailed").is_some());
        assert_eq!(explain_panic("index out of bounds"), None);
    }
}
