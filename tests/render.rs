//! Render test: `orca shot` draws a real frame (Xvfb + a Vulkan adapter such as Mesa lavapipe)
//! and the picture shows the expected task cards.
//!
//! Without `xvfb-run` or a Vulkan driver the test is skipped with a message, unless
//! `ORCA_REQUIRE_RENDER=1` (set by `.ci/run`), which turns a missing adapter into a failure.

use std::path::Path;
use std::process::Command;

fn required() -> bool {
    std::env::var("ORCA_REQUIRE_RENDER").is_ok_and(|v| v == "1")
}

fn skip_or_fail(why: &str) {
    if required() {
        panic!("render test cannot run and ORCA_REQUIRE_RENDER=1: {why}");
    }
    eprintln!("skipping the render test: {why}");
}

/// Decode a PNG into RGB(A) bytes.
fn pixels(path: &Path) -> (u32, u32, usize, Vec<u8>) {
    let file = std::fs::File::open(path).expect("png exists");
    let decoder = png::Decoder::new(std::io::BufReader::new(file));
    let mut reader = decoder.read_info().expect("png header");
    let mut buf = vec![0; reader.output_buffer_size().expect("png size")];
    let info = reader.next_frame(&mut buf).expect("png frame");
    let channels = info.color_type.samples();
    buf.truncate(info.buffer_size());
    (info.width, info.height, channels, buf)
}

fn count_near(px: &[u8], channels: usize, rgb: [u8; 3]) -> usize {
    px.chunks(channels)
        .filter(|p| (0..3).all(|i| (p[i] as i32 - rgb[i] as i32).abs() <= 6))
        .count()
}

fn srgb8(c: bevy::color::Color) -> [u8; 3] {
    let s = c.to_srgba();
    [
        (s.red * 255.0).round() as u8,
        (s.green * 255.0).round() as u8,
        (s.blue * 255.0).round() as u8,
    ]
}

/// `orca shot SCENARIO --at AT` under Xvfb into a temporary PNG, or `None` (after skipping or
/// failing, see [`skip_or_fail`]) when this machine cannot render.
fn shot(scenario: &str, at: &str, tag: &str) -> Option<std::path::PathBuf> {
    shot_with(scenario, at, tag, &[])
}

/// [`shot`] with more arguments for `orca shot`.
fn shot_with(scenario: &str, at: &str, tag: &str, extra: &[&str]) -> Option<std::path::PathBuf> {
    if Command::new("xvfb-run").arg("--help").output().is_err() {
        skip_or_fail("xvfb-run is not installed (apt-get install xvfb xauth)");
        return None;
    }
    let icd = Path::new("/usr/share/vulkan/icd.d/lvp_icd.x86_64.json");
    if !icd.exists() && std::env::var_os("VK_ICD_FILENAMES").is_none() {
        skip_or_fail("no Vulkan driver (apt-get install mesa-vulkan-drivers libvulkan1)");
        return None;
    }
    let out = std::env::temp_dir().join(format!("orca-render-{tag}-{}.png", std::process::id()));
    let _ = std::fs::remove_file(&out);
    let scenario = Path::new(env!("CARGO_MANIFEST_DIR")).join(scenario);
    let mut cmd = Command::new("xvfb-run");
    cmd.args(["-a", "-s", "-screen 0 1280x720x24"])
        .arg(env!("CARGO_BIN_EXE_orca"))
        .arg("shot")
        .arg(&scenario)
        .args(["--at", at])
        .args(extra)
        .arg("--out")
        .arg(&out)
        .env("WGPU_BACKEND", "vulkan");
    if icd.exists() {
        cmd.env("VK_ICD_FILENAMES", icd);
    }
    let result = cmd.output().expect("xvfb-run starts");
    if !result.status.success() {
        let stderr = String::from_utf8_lossy(&result.stderr);
        if stderr.contains("Unable to find a GPU") || stderr.contains("No suitable adapter") {
            skip_or_fail(&format!("no graphics adapter:\n{stderr}"));
            return None;
        }
        panic!("orca shot failed ({}):\n{stderr}", result.status);
    }
    Some(out)
}

#[test]
fn shot_renders_the_cluster_with_its_cards() {
    let Some(out) = shot("scenarios/ecs-rolling-update.ron", "56", "ecs") else {
        return;
    };
    let (w, h, channels, px) = pixels(&out);
    assert_eq!((w, h), (1280, 720));
    // Not blank: many distinct colours.
    let mut colours: Vec<[u8; 3]> = px.chunks(channels).map(|p| [p[0], p[1], p[2]]).collect();
    colours.sort_unstable();
    colours.dedup();
    assert!(
        colours.len() > 200,
        "only {} colours: blank picture?",
        colours.len()
    );
    // At 0:56 the rolling update shows healthy web:1 cards and new web:2 cards whose targets
    // are still initial or just healthy: both card colours must cover real area.
    use orca::app::canvas::card_state::CardState;
    let healthy = count_near(&px, channels, srgb8(CardState::Healthy.color()));
    let initial = count_near(&px, channels, srgb8(CardState::Initial.color()));
    let new_stripe = count_near(
        &px,
        channels,
        srgb8(orca::app::canvas::palette::NEW_REVISION),
    );
    assert!(healthy > 2_000, "healthy card pixels: {healthy}");
    assert!(initial > 1_000, "initial card pixels: {initial}");
    assert!(new_stripe > 200, "new-revision stripe pixels: {new_stripe}");
    let _ = std::fs::remove_file(&out);
}

#[test]
fn shot_renders_an_eks_scenario_with_pending_pods() {
    let Some(out) = shot("scenarios/eks-failed-scheduling.ron", "40", "eks") else {
        return;
    };
    let (_, _, channels, px) = pixels(&out);
    use orca::app::canvas::card_state::CardState;
    // Two running, ready pods (green) and two Pending pods (grey) in the unscheduled area.
    let ready = count_near(&px, channels, srgb8(CardState::Healthy.color()));
    let pending = count_near(&px, channels, srgb8(CardState::Pending.color()));
    assert!(ready > 2_000, "ready pod pixels: {ready}");
    assert!(pending > 2_000, "pending pod pixels: {pending}");
    let _ = std::fs::remove_file(&out);
}

#[test]
fn shot_renders_a_side_by_side_world_with_both_parts() {
    let Some(out) = shot("scenarios/side-by-side-rolling-update.ron", "75", "both") else {
        return;
    };
    let (w, _, channels, px) = pixels(&out);
    use orca::app::canvas::card_state::CardState;
    // The ECS zones on the left half of the canvas, the EKS zones on its right (the canvas is
    // about 920 px wide at 1280×720): healthy tasks and ready pods on both.
    let healthy = srgb8(CardState::Healthy.color());
    let (mut left, mut right) = (0, 0);
    for (i, p) in px.chunks(channels).enumerate() {
        let x = (i as u32) % w;
        if (0..3).all(|c| (p[c] as i32 - healthy[c] as i32).abs() <= 6) {
            if x < 460 {
                left += 1;
            } else if x < 920 {
                right += 1;
            }
        }
    }
    assert!(left > 500, "ECS side healthy pixels: {left}");
    assert!(right > 500, "EKS side ready pixels: {right}");
    let _ = std::fs::remove_file(&out);
}

#[test]
fn shot_renders_the_light_high_contrast_theme() {
    let Some(out) = shot_with(
        "scenarios/ecs-rolling-update.ron",
        "56",
        "light",
        &["--theme", "light"],
    ) else {
        return;
    };
    let (w, h, channels, px) = pixels(&out);
    use orca::app::canvas::card_state::CardState;
    use orca::app::canvas::palette::{CANVAS_BG, paint};
    use orca::settings::Theme;
    // The canvas clears to the light canvas colour, the panels are white, and the healthy
    // cards are painted in the light theme's fill (not the dark theme's).
    let canvas = count_near(&px, channels, srgb8(paint(Theme::Light, CANVAS_BG)));
    let white = count_near(&px, channels, [255, 255, 255]);
    let healthy = count_near(
        &px,
        channels,
        srgb8(paint(Theme::Light, CardState::Healthy.color())),
    );
    let dark_healthy = count_near(&px, channels, srgb8(CardState::Healthy.color()));
    let area = (w * h) as usize;
    assert!(canvas > area / 20, "light canvas pixels: {canvas}");
    assert!(white > area / 10, "white panel pixels: {white}");
    assert!(healthy > 2_000, "light healthy card pixels: {healthy}");
    assert!(
        dark_healthy < 200,
        "dark healthy card pixels: {dark_healthy}"
    );
    let _ = std::fs::remove_file(&out);
}

#[test]
fn shot_renders_efs_mount_targets_and_the_zone_without_one() {
    let Some(out) = shot("scenarios/ecs-efs-mount-targets.ron", "60", "efs") else {
        return;
    };
    let (_, _, channels, px) = pixels(&out);
    use orca::app::canvas::palette::{EFS_MOUNT_BG, EFS_NO_MOUNT_BG};
    // Two zones with a mount target, one box each; us-east-1c's box says there is none.
    let mount = count_near(&px, channels, srgb8(EFS_MOUNT_BG));
    let none = count_near(&px, channels, srgb8(EFS_NO_MOUNT_BG));
    assert!(mount > 4_000, "mount target box pixels: {mount}");
    assert!(none > 2_000, "no-mount-target box pixels: {none}");
    let _ = std::fs::remove_file(&out);
}

#[test]
fn shot_renders_one_ebs_volume_per_task_and_a_rollout_doubles_them() {
    use orca::app::canvas::palette::EBS_BG;
    // 0:30: three tasks, three volumes; 5:30, mid-rollout: the three new tasks have their own
    // volumes beside the old ones (ECS-managed EBS: one new volume per task).
    let (Some(before), Some(during)) = (
        shot("scenarios/ecs-managed-ebs.ron", "30", "ebs-before"),
        shot("scenarios/ecs-managed-ebs.ron", "330", "ebs-during"),
    ) else {
        return;
    };
    let count = |out: &Path| {
        let (_, _, channels, px) = pixels(out);
        count_near(&px, channels, srgb8(EBS_BG))
    };
    let (b, d) = (count(&before), count(&during));
    assert!(b > 6_000, "three EBS boxes: {b} pixels");
    assert!(
        d > b * 3 / 2,
        "six boxes cover more than three: {d} against {b}"
    );
    let _ = std::fs::remove_file(&before);
    let _ = std::fs::remove_file(&during);
}

#[test]
fn the_credential_path_of_a_selected_task_is_drawn_as_the_fallback_warning() {
    // At 1:00 the orders:1 tasks have no task role and borrow the instance role through
    // instance metadata: the selected task's path is drawn in the fallback colour.
    let scenario = "scenarios/ecs-task-role.ron";
    let Some(with) = shot_with(scenario, "60", "cred-path", &["--select", "79c01266"]) else {
        return;
    };
    let Some(without) = shot(scenario, "60", "no-cred-path") else {
        return;
    };
    let amber = srgb8(orca::app::canvas::palette::CRED_FALLBACK);
    let count = |p: &Path| {
        let (_, _, channels, px) = pixels(p);
        count_near(&px, channels, amber)
    };
    let (drawn, none) = (count(&with), count(&without));
    assert!(
        drawn > 400 && drawn > 4 * none,
        "fallback-path pixels: {drawn} selected, {none} without a selection"
    );
    let _ = std::fs::remove_file(&with);
    let _ = std::fs::remove_file(&without);
}

#[test]
fn shot_renders_the_listeners_bands_of_a_canary() {
    let Some(out) = shot(
        "scenarios/ecs-codedeploy-canary-rollback.ron",
        "110",
        "canary",
    ) else {
        return;
    };
    let (_, _, channels, px) = pixels(&out);
    use orca::app::canvas::palette::{TRAFFIC_PRODUCTION, TRAFFIC_TEST};
    // 1:50: production 90 % | 10 %, test 0 % | 100 %: a thick and a thin production band, and
    // one full test band, in the gaps beside the listeners' box.
    let production = count_near(&px, channels, srgb8(TRAFFIC_PRODUCTION));
    let test = count_near(&px, channels, srgb8(TRAFFIC_TEST));
    assert!(production > 150, "production band pixels: {production}");
    assert!(test > 150, "test band pixels: {test}");
    let _ = std::fs::remove_file(&out);
}
