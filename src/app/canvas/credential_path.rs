//! The credential path of the selected task or pod, over the canvas (I toggles it): the steps
//! its AWS SDK's credentials take — task → ECS agent endpoint → task role; pod → STS with the
//! projected token (IRSA) or the Pod Identity Agent on its node; or the fallback through the
//! host's instance metadata to the instance or node role — as a numbered box in a top corner
//! of the canvas (away from the card), a line from the card through its host to the box, and
//! the host outlined when the endpoint runs there. The fallback is dashed and titled as the
//! over-privilege warning; a broken path (no credentials, STS refusing the token) is dotted
//! and marked ✗, so it reads without colour.
//!
//! `path` and `box_origin` are pure (tested); `draw` paints with egui in the canvas's free
//! area, so its text is the panels' size whatever the zoom, and the scene (and the canvas's
//! legibility check) are untouched. Windowed only: the highlights plugin adds it.

use bevy::prelude::*;
use bevy::window::PrimaryWindow;
use bevy_egui::{EguiPrimaryContextPass, egui};
use orca_sim::World;
use orca_sim::iam::read::{CredentialSource, IdentityView};

use super::palette::{CRED_BOX_BG, CRED_BROKEN, CRED_FALLBACK, CRED_SCOPED, paint, paint_fill};
use super::scene::{Area, CARD_H, CARD_W, CardKey, Detail, Prim};
use super::sync::{Canvas, CardAnim};
use super::text_width::text_width;
use crate::app::camera::{CanvasCamera, CanvasRect};
use crate::app::panels::{PanelSystems, Root};
use crate::app::player::{Player, Selection};
use crate::app::ui_state::UiState;

pub(crate) fn plugin(app: &mut App) {
    app.init_resource::<CredentialOverlay>()
        .add_systems(Update, toggle)
        .add_systems(EguiPrimaryContextPass, draw.in_set(PanelSystems::Canvas));
}

/// Whether the credential path is drawn (I). On at start: it shows only for a selected task
/// or pod of a scenario that models IAM.
#[derive(Resource, Debug, Clone, Copy)]
pub struct CredentialOverlay {
    pub shown: bool,
}

impl Default for CredentialOverlay {
    fn default() -> Self {
        CredentialOverlay { shown: true }
    }
}

fn toggle(
    keys: Option<Res<ButtonInput<KeyCode>>>,
    ui: Res<UiState>,
    mut overlay: ResMut<CredentialOverlay>,
) {
    let Some(keys) = keys else { return };
    if ui.typing || ui.console_focus || ui.presenter_typing {
        return;
    }
    if keys.just_pressed(KeyCode::KeyI) {
        overlay.shown = !overlay.shown;
    }
}

/// How the path ends, which decides its line style and title.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathKind {
    /// The workload's own role (task role, IRSA, Pod Identity).
    Scoped,
    /// The instance or node role through instance metadata: the over-privilege warning.
    Fallback,
    /// No credentials, or STS refused the token.
    Broken,
}

/// The path as text: a title and numbered steps, first the workload, last the role (or ✗).
#[derive(Debug, Clone, PartialEq)]
pub struct CredentialPath {
    pub kind: PathKind,
    pub title: String,
    pub steps: Vec<String>,
    /// The host the endpoint runs on, to outline (none for STS, Fargate or no credentials).
    pub via_host: Option<String>,
}

/// The path of `workload` (`task 1a2b3c4d`, `pod web-…`) from its identity view.
pub fn path(v: &IdentityView, workload: &str, eks: bool) -> CredentialPath {
    let a = &v.answer;
    let on = |what: &str| match &v.host {
        Some(h) => format!("{what} on {h}"),
        None => format!("{what} (Fargate)"),
    };
    let role = a.role_name().unwrap_or("").to_string();
    let mut steps = vec![workload.to_string()];
    let (kind, title, via_host) = match a.source {
        Some(CredentialSource::WebIdentity) => {
            steps.push("projected service account token (AWS_WEB_IDENTITY_TOKEN_FILE)".into());
            steps.push(CredentialSource::WebIdentity.endpoint().into());
            match &a.refused {
                Some(_) => {
                    steps.push(format!("✗ refused: AccessDenied, no session for {role}"));
                    (
                        PathKind::Broken,
                        "✗ IRSA: STS refuses the token".to_string(),
                        None,
                    )
                }
                None => {
                    steps.push(format!("IRSA role {role}"));
                    (
                        PathKind::Scoped,
                        "Credential path: IRSA (web identity)".to_string(),
                        None,
                    )
                }
            }
        }
        Some(CredentialSource::TaskRole) => {
            steps.push(on(CredentialSource::TaskRole.endpoint()));
            steps.push(format!("task role {role}"));
            (
                PathKind::Scoped,
                "Credential path: task role".to_string(),
                v.host.clone(),
            )
        }
        Some(CredentialSource::PodIdentity) => {
            steps.push(on(CredentialSource::PodIdentity.endpoint()));
            steps.push("EKS Auth AssumeRoleForPodIdentity".into());
            steps.push(format!("Pod Identity role {role}"));
            (
                PathKind::Scoped,
                "Credential path: EKS Pod Identity".to_string(),
                v.host.clone(),
            )
        }
        Some(CredentialSource::InstanceMetadata) => {
            let kind = CredentialSource::InstanceMetadata.role_kind(eks);
            steps.push(on(CredentialSource::InstanceMetadata.endpoint()));
            steps.push(format!(
                "⚠ {kind} {role}: shared by every container on {}",
                v.host.as_deref().unwrap_or("the host")
            ));
            (
                PathKind::Fallback,
                format!("⚠ Fallback to the {kind} via instance metadata: over-privileged"),
                v.host.clone(),
            )
        }
        None => {
            steps.push(if v.imds_reachable {
                "✗ no task role, no token, no instance profile".to_string()
            } else {
                "✗ instance metadata blocked; no other provider".to_string()
            });
            (
                PathKind::Broken,
                "✗ No credentials: Unable to locate credentials".to_string(),
                None,
            )
        }
    };
    CredentialPath {
        kind,
        title,
        steps,
        via_host,
    }
}

/// Margin between the box and the canvas's edges, in points.
const MARGIN: f32 = 8.0;

/// Where the box goes, and which of its `sizes` (widest first; each is the box laid out to a
/// width) it takes: inside the canvas, over none of the other cards (`cards`: they show live
/// state) and none of the canvas's text (`texts`: zone and host titles) if any place and size
/// allow, else over as few cards, then as few texts, as can be. The selected card is never
/// hidden. Among equally good places: the widest size, then the top corner away
/// from the card (so the card stays in view), then the place nearest to it.
pub fn box_place(
    card: egui::Rect,
    canvas: egui::Rect,
    sizes: &[egui::Vec2],
    cards: &[egui::Rect],
    texts: &[egui::Rect],
) -> (usize, egui::Pos2) {
    let away_right = card.center().x < canvas.center().x;
    let mut best: Option<((u32, u32, u32, usize, u32), (usize, egui::Pos2))> = None;
    for (i, size) in sizes.iter().enumerate() {
        let corner = egui::pos2(
            if away_right {
                canvas.max.x - MARGIN - size.x
            } else {
                canvas.min.x + MARGIN
            },
            canvas.min.y + MARGIN,
        );
        let (x0, x1) = (canvas.min.x + MARGIN, canvas.max.x - MARGIN - size.x);
        let (y0, y1) = (canvas.min.y + MARGIN, canvas.max.y - MARGIN - size.y);
        let steps = |lo: f32, hi: f32| {
            let n = ((hi - lo) / PLACE_STEP).floor().max(0.0) as u32;
            (0..=n).map(move |k| {
                if k == n {
                    hi.max(lo)
                } else {
                    lo + k as f32 * PLACE_STEP
                }
            })
        };
        for y in steps(y0, y1) {
            for x in steps(x0, x1) {
                let o = egui::pos2(x.max(canvas.min.x), y.max(canvas.min.y));
                let b = egui::Rect::from_min_size(o, *size);
                if b.intersects(card) {
                    continue;
                }
                let hidden = |rs: &[egui::Rect]| rs.iter().filter(|t| b.intersects(**t)).count();
                let (cards_hidden, texts_hidden) = (hidden(cards) as u32, hidden(texts) as u32);
                let area: f32 = texts
                    .iter()
                    .map(|t| {
                        let i = b.intersect(*t);
                        if i.is_positive() { i.area() } else { 0.0 }
                    })
                    .sum();
                let cost = (
                    cards_hidden,
                    texts_hidden,
                    area as u32,
                    i,
                    o.distance(corner) as u32,
                );
                if best.as_ref().is_none_or(|(c, _)| cost < *c) {
                    best = Some((cost, (i, o)));
                }
            }
        }
    }
    best.map_or((0, canvas.min), |(_, p)| p)
}

/// How many of `texts` a path of straight segments crosses.
pub fn crossings(points: &[egui::Pos2], texts: &[egui::Rect]) -> usize {
    texts
        .iter()
        .filter(|t| {
            points.windows(2).any(|w| {
                let n = (w[0].distance(w[1]) / 3.0).ceil().max(1.0) as usize;
                (0..=n).any(|k| t.contains(w[0].lerp(w[1], k as f32 / n as f32)))
            })
        })
        .count()
}

/// The grid the box's place is searched on, in points.
const PLACE_STEP: f32 = 12.0;

fn c32(c: Color) -> egui::Color32 {
    let s = c.to_srgba();
    egui::Color32::from_rgba_unmultiplied(
        (s.red * 255.0) as u8,
        (s.green * 255.0) as u8,
        (s.blue * 255.0) as u8,
        (s.alpha * 255.0) as u8,
    )
}

/// The selected task's or pod's card, identity and label.
fn selected(world: &World, sel: &Selection) -> Option<(CardKey, IdentityView, String, bool)> {
    let Selection::Task(id) = sel else {
        return None;
    };
    if let Some(eks) = &world.eks
        && let Some(p) = eks.pods.iter().position(|p| &p.name == id)
    {
        let v = orca_sim::iam::read::pod_identity(eks, p)?;
        return Some((CardKey::Pod(p as u32), v, format!("pod {id}"), true));
    }
    let ecs = world.ecs.as_ref()?;
    let t = ecs.tasks.iter().position(|t| &t.id == id)?;
    let idx = orca_sim::world::TaskIdx(t as u32);
    let v = orca_sim::iam::read::task_identity(ecs, idx)?;
    Some((
        CardKey::Task(t as u32),
        v,
        format!("task {}", ecs.task(idx).short_id()),
        false,
    ))
}

#[allow(clippy::too_many_arguments)]
fn draw(
    mut root: ResMut<Root>,
    overlay: Res<CredentialOverlay>,
    player: Res<Player>,
    canvas: Res<Canvas>,
    rect: Res<CanvasRect>,
    cards: Query<&CardAnim>,
    camera: Query<(&Transform, &Projection), With<CanvasCamera>>,
    window: Query<&Window, With<PrimaryWindow>>,
    ui_state: Res<UiState>,
) {
    if !overlay.shown {
        return;
    }
    let Some(sel) = &player.selection else { return };
    let Some((key, view, label, eks)) = selected(player.playback.world(), sel) else {
        return;
    };
    let Some(root) = root.ui() else { return };
    let Ok((tf, projection)) = camera.single() else {
        return;
    };
    let Projection::Orthographic(o) = projection else {
        return;
    };
    let ctx = root.ctx().clone();
    let window_scale = window.single().map(|w| w.scale_factor()).unwrap_or(1.0);
    let to_logical = ctx.pixels_per_point() / window_scale;
    // World (y up) → egui points.
    let to_screen = |w: Vec2| {
        let l = rect.min
            + rect.size / 2.0
            + Vec2::new(w.x - tf.translation.x, tf.translation.y - w.y) / o.scale.max(1e-6);
        egui::pos2(l.x / to_logical, l.y / to_logical)
    };
    let area_rect = |a: &Area| {
        let tl = to_screen(a.top_left());
        let br = to_screen(Vec2::new(a.x + a.w, -(a.y + a.h)));
        egui::Rect::from_min_max(tl, br)
    };
    let scene = &canvas.scene;
    let Some(card) = scene.cards.iter().find(|c| c.key == key) else {
        return;
    };
    let host = card.host.and_then(|h| scene.hosts.get(h));
    let card_rect = match (scene.detail, canvas.cards.get(&key)) {
        (Detail::Cards, Some(e)) => match cards.get(e.entity) {
            Ok(anim) => {
                let c = anim.position();
                area_rect(&Area {
                    x: c.x - CARD_W / 2.0,
                    y: -c.y - CARD_H / 2.0,
                    w: CARD_W,
                    h: CARD_H,
                })
            }
            Err(_) => area_rect(&card.area),
        },
        _ => area_rect(host.map_or(&card.area, |h| &h.area)),
    };
    let free = egui::Rect::from_min_size(
        egui::pos2(rect.min.x / to_logical, rect.min.y / to_logical),
        egui::vec2(rect.size.x / to_logical, rect.size.y / to_logical),
    );
    let p = path(&view, &label, eks);
    let theme = ui_state.theme;
    let color = c32(paint(
        theme,
        match p.kind {
            PathKind::Scoped => CRED_SCOPED,
            PathKind::Fallback => CRED_FALLBACK,
            PathKind::Broken => CRED_BROKEN,
        },
    ));
    let text_color = c32(paint(theme, Color::WHITE));
    let painter = ctx
        .layer_painter(egui::LayerId::new(
            egui::Order::Background,
            egui::Id::new("credential-path"),
        ))
        .with_clip_rect(free);
    // The box's text, laid out to a width: the widest that fits somewhere over no text.
    let font = egui::TextStyle::Body.resolve(&ctx.global_style());
    let widest = (free.width() * 0.45).clamp(220.0, 380.0);
    let layout = |width: f32| -> Vec<(std::sync::Arc<egui::Galley>, bool)> {
        let mut lines = Vec::new();
        let mut text = |s: String, strong: bool| {
            let g = painter.layout(
                s,
                font.clone(),
                if strong { color } else { text_color },
                width - 16.0,
            );
            lines.push((g, strong));
        };
        text(p.title.clone(), true);
        for (i, s) in p.steps.iter().enumerate() {
            let arrow = if i > 0 { "↓ " } else { "" };
            text(
                format!("{arrow}{} {s}", ["①", "②", "③", "④", "⑤"][i.min(4)]),
                false,
            );
        }
        text("(I hides this path)".into(), false);
        lines
    };
    let widths: Vec<f32> = [widest, 300.0, 240.0]
        .into_iter()
        .filter(|w| *w <= widest)
        .collect();
    let layouts: Vec<_> = widths.iter().map(|w| layout(*w)).collect();
    let sizes: Vec<egui::Vec2> = widths
        .iter()
        .zip(&layouts)
        .map(|(w, lines)| {
            egui::vec2(
                *w,
                lines.iter().map(|(g, _)| g.size().y).sum::<f32>() + 16.0,
            )
        })
        .collect();
    // The canvas's text and cards on screen, which the box should not hide.
    let mut texts: Vec<egui::Rect> = scene
        .prims
        .iter()
        .filter_map(|(_, prim)| match prim {
            Prim::Text { at, text, size, .. } => Some(area_rect(&Area {
                x: at.x,
                y: at.y,
                w: text_width(text, *size),
                h: *size * 1.25,
            })),
            Prim::Rect { .. } => None,
        })
        .collect();
    let cards: Vec<egui::Rect> = match scene.detail {
        Detail::Cards => scene.cards.iter().map(|c| area_rect(&c.area)).collect(),
        _ => Vec::new(),
    };
    let (chosen, origin) = box_place(card_rect, free, &sizes, &cards, &texts);
    texts.extend(cards);
    let (size, lines) = (sizes[chosen], &layouts[chosen]);
    let boxr = egui::Rect::from_min_size(origin, size);
    let stroke = egui::Stroke::new(2.5, color);
    // From the card's side facing the box, along the gap beside its host (where no text is)
    // when the endpoint runs on the host, up over the host's top edge, to the box.
    let via = p.via_host.as_ref().and(host).map(|h| area_rect(&h.area));
    let box_right = boxr.center().x > card_rect.center().x;
    let side = |r: egui::Rect, pad: f32| {
        if box_right {
            r.max.x + pad
        } else {
            r.min.x - pad
        }
    };
    let start = egui::pos2(side(card_rect, 4.0), card_rect.center().y);
    let mut points = vec![start];
    if let Some(h) = via {
        let x = side(h, 8.0);
        points.push(egui::pos2(x, start.y));
        points.push(egui::pos2(x, h.min.y - 3.0));
    }
    let end = egui::pos2(
        if box_right { boxr.min.x } else { boxr.max.x },
        boxr.min.y + 12.0,
    );
    points.push(end);
    // Or, if it crosses less text, down from the card to the lane below the cluster, along
    // it, and up to the box.
    if via.is_none()
        && let Some(bounds) = scene.bounds
    {
        let lane = area_rect(&bounds).max.y + 6.0;
        let below = vec![
            egui::pos2(card_rect.center().x, card_rect.max.y + 4.0),
            egui::pos2(card_rect.center().x, lane),
            egui::pos2(boxr.center().x, lane),
            egui::pos2(boxr.center().x, boxr.max.y),
        ];
        if lane < free.max.y && crossings(&below, &texts) < crossings(&points, &texts) {
            points = below;
        }
    }
    for w in points.windows(2) {
        match p.kind {
            PathKind::Scoped => {
                painter.line_segment([w[0], w[1]], stroke);
            }
            PathKind::Fallback => {
                painter.extend(egui::Shape::dashed_line(&[w[0], w[1]], stroke, 10.0, 6.0));
            }
            PathKind::Broken => {
                painter.extend(egui::Shape::dotted_line(&[w[0], w[1]], color, 7.0, 2.0));
            }
        }
    }
    painter.rect_stroke(
        card_rect.expand(4.0),
        2.0,
        stroke,
        egui::StrokeKind::Outside,
    );
    if let Some(h) = via {
        let r = h.expand(3.0);
        let corners = [
            r.left_top(),
            r.right_top(),
            r.right_bottom(),
            r.left_bottom(),
            r.left_top(),
        ];
        if p.kind == PathKind::Fallback {
            painter.extend(egui::Shape::dashed_line(&corners, stroke, 10.0, 6.0));
        } else {
            painter.add(egui::Shape::line(corners.to_vec(), stroke));
        }
    }
    painter.rect_filled(boxr, 4.0, c32(paint_fill(theme, CRED_BOX_BG)));
    painter.rect_stroke(boxr, 4.0, stroke, egui::StrokeKind::Inside);
    let mut y = boxr.min.y + 8.0;
    for (g, _) in lines {
        let h = g.size().y;
        painter.galley(egui::pos2(boxr.min.x + 8.0, y), g.clone(), text_color);
        y += h;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use orca_sim::iam::read::Answer;

    fn view(source: Option<CredentialSource>, role: Option<&str>, refused: bool) -> IdentityView {
        IdentityView {
            roles: Vec::new(),
            imds_reachable: false,
            imds_why: String::new(),
            answer: Answer {
                source,
                role_arn: role.map(|r| format!("arn:aws:iam::123456789012:role/{r}")),
                why: String::new(),
                refused: refused.then(|| "AccessDenied".to_string()),
            },
            host: Some("ecs-node-1".into()),
            calls: Vec::new(),
        }
    }

    #[test]
    fn each_source_has_its_steps_and_the_fallback_is_the_warning() {
        let p = path(
            &view(Some(CredentialSource::TaskRole), Some("orders"), false),
            "task 1a2b",
            false,
        );
        assert_eq!(p.kind, PathKind::Scoped);
        assert_eq!(
            p.steps,
            vec![
                "task 1a2b",
                "ECS agent credentials endpoint 169.254.170.2 on ecs-node-1",
                "task role orders"
            ]
        );
        assert_eq!(p.via_host.as_deref(), Some("ecs-node-1"));
        let p = path(
            &view(
                Some(CredentialSource::InstanceMetadata),
                Some("eksNodeRole"),
                false,
            ),
            "pod web-1",
            true,
        );
        assert_eq!(p.kind, PathKind::Fallback);
        assert!(p.title.starts_with("⚠") && p.title.contains("node role"));
        assert!(p.steps[1].starts_with("instance metadata 169.254.169.254 on"));
        assert!(p.steps[2].starts_with("⚠ node role eksNodeRole"));
        // IRSA goes to STS, not through the node; a refused token breaks the path.
        let p = path(
            &view(Some(CredentialSource::WebIdentity), Some("reports"), true),
            "pod reports-1",
            true,
        );
        assert_eq!((p.kind, p.via_host.as_deref()), (PathKind::Broken, None));
        assert!(p.steps.last().unwrap().starts_with("✗"));
        let p = path(&view(None, None, false), "task 1a2b", false);
        assert_eq!(p.kind, PathKind::Broken);
        assert_eq!(p.steps.len(), 2);
        let p = path(
            &view(
                Some(CredentialSource::PodIdentity),
                Some("notifier-sqs"),
                false,
            ),
            "pod notifier-1",
            true,
        );
        assert_eq!(
            p.steps[1],
            "EKS Pod Identity Agent 169.254.170.23 on ecs-node-1"
        );
        assert_eq!(p.steps[3], "Pod Identity role notifier-sqs");
    }

    #[test]
    fn the_box_goes_to_the_top_corner_away_from_the_card_and_stays_inside() {
        let canvas = egui::Rect::from_min_size(egui::pos2(0.0, 40.0), egui::vec2(800.0, 500.0));
        let size = egui::vec2(300.0, 120.0);
        let left_card = egui::Rect::from_min_size(egui::pos2(50.0, 300.0), egui::vec2(100.0, 26.0));
        let (i, o) = box_place(left_card, canvas, &[size], &[], &[]);
        assert_eq!(
            (i, o),
            (0, egui::pos2(800.0 - MARGIN - 300.0, 40.0 + MARGIN))
        );
        let right_card =
            egui::Rect::from_min_size(egui::pos2(600.0, 300.0), egui::vec2(100.0, 26.0));
        assert_eq!(box_place(right_card, canvas, &[size], &[], &[]).1.x, MARGIN);
        let b = egui::Rect::from_min_size(o, size);
        assert!(canvas.contains_rect(b));
        assert!(!b.intersects(left_card));
    }

    #[test]
    fn crossings_counts_the_texts_a_path_passes_through() {
        let a = egui::Rect::from_min_size(egui::pos2(10.0, 0.0), egui::vec2(20.0, 10.0));
        let b = egui::Rect::from_min_size(egui::pos2(100.0, 50.0), egui::vec2(20.0, 10.0));
        let straight = [egui::pos2(0.0, 5.0), egui::pos2(200.0, 5.0)];
        assert_eq!(crossings(&straight, &[a, b]), 1);
        let around = [
            egui::pos2(0.0, 20.0),
            egui::pos2(150.0, 20.0),
            egui::pos2(150.0, 60.0),
        ];
        assert_eq!(crossings(&around, &[a, b]), 0);
        let through = [egui::pos2(0.0, 20.0), egui::pos2(110.0, 55.0)];
        assert_eq!(crossings(&through, &[a, b]), 1);
    }

    #[test]
    fn the_box_hides_no_title_when_a_place_or_a_narrower_size_allows() {
        let canvas = egui::Rect::from_min_size(egui::pos2(0.0, 40.0), egui::vec2(800.0, 500.0));
        let left_card = egui::Rect::from_min_size(egui::pos2(50.0, 300.0), egui::vec2(100.0, 26.0));
        // A zone title in the top-right corner: the box moves below it.
        let title = egui::Rect::from_min_size(egui::pos2(600.0, 48.0), egui::vec2(190.0, 24.0));
        let wide = egui::vec2(300.0, 120.0);
        let (_, o) = box_place(left_card, canvas, &[wide], &[], &[title]);
        let b = egui::Rect::from_min_size(o, wide);
        assert!(!b.intersects(title) && !b.intersects(left_card) && canvas.contains_rect(b));
        // Text everywhere but a 260-wide column: only the narrower size fits over none.
        let texts: Vec<egui::Rect> = (0..8)
            .map(|k| {
                let x = if k < 4 { 0.0 } else { 540.0 };
                egui::Rect::from_min_size(
                    egui::pos2(x, 40.0 + (k % 4) as f32 * 125.0),
                    egui::vec2(if k < 4 { 270.0 } else { 260.0 }, 120.0),
                )
            })
            .collect();
        let narrow = egui::vec2(240.0, 200.0);
        let right_card =
            egui::Rect::from_min_size(egui::pos2(600.0, 300.0), egui::vec2(100.0, 26.0));
        let (i, o) = box_place(right_card, canvas, &[wide, narrow], &[], &texts);
        assert_eq!(i, 1);
        let b = egui::Rect::from_min_size(o, narrow);
        assert!(texts.iter().all(|t| !b.intersects(*t)));
        // Where every place hides something, a title goes before a card.
        let other_card =
            egui::Rect::from_min_size(egui::pos2(600.0, 420.0), egui::vec2(150.0, 60.0));
        let (_, o) = box_place(left_card, canvas, &[wide], &[other_card], &texts);
        assert!(!egui::Rect::from_min_size(o, wide).intersects(other_card));
    }
}
