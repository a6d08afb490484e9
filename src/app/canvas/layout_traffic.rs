//! Traffic of a blue/green, linear or canary service on the canvas (from
//! `orca_sim::ecs::blue_green_read`): its load balancer's listeners sit in the row of target
//! groups, between the service's two target groups, which are labelled as the task sets they
//! serve ("blue · PRIMARY · 90 %", "green · ACTIVE · 10 %"). A band joins the listeners to
//! each target group, as thick as that group's share of the production listener (upper band)
//! and of the test listener (lower band); the production band eases to its new thickness over
//! [`EASE_MS`] of simulated time when traffic shifts. The words carry the same numbers, so
//! nothing is told by colour alone.

use bevy::prelude::*;
use orca_sim::SimTime;
use orca_sim::ecs::blue_green_read::{TrafficView, traffic_chart, traffic_view};
use orca_sim::ecs::cluster::EcsCluster;
use orca_sim::ecs::ids::ServiceIdx;

use super::model::{GroupModel, Model, TrafficModel};
use super::palette::{TRAFFIC_PRODUCTION, TRAFFIC_TEST};
use super::scene::{Area, Scene, push_rect};

/// How long a production band takes to reach its new thickness, in simulated ms.
pub const EASE_MS: f64 = 2_000.0;
/// The thinnest band that still shows (a target group with no traffic has none).
const MIN_BAND: f32 = 2.0;

/// Label each blue/green service's target groups as task sets and put its listeners between
/// them. Called once the groups are in the model.
pub(super) fn annotate(ecs: &EcsCluster, now: SimTime, m: &mut Model) {
    for s in 0..ecs.services.len() {
        let s = ServiceIdx(s as u32);
        let Some(view) = traffic_view(ecs, s) else {
            continue;
        };
        let Some(production) = view.listeners.iter().find(|l| l.production) else {
            continue;
        };
        let names = [
            production.weights[0].0.clone(),
            production.weights[1].0.clone(),
        ];
        let find = |m: &Model, n: &str| m.groups.iter().position(|g| g.key == format!("tg:{n}"));
        let (Some(a), Some(b)) = (find(m, &names[0]), find(m, &names[1])) else {
            continue;
        };
        for (i, name) in names.iter().enumerate() {
            let g = if i == 0 { a } else { b };
            let (title, summary) = task_set_words(&view, name, &m.groups[g].summary);
            m.groups[g].title = title;
            m.groups[g].summary = summary;
        }
        // The second target group right after the first, the listeners between them.
        let second = m.groups.remove(b);
        let a = if b < a { a - 1 } else { a };
        m.groups.insert(a + 1, second);
        m.groups.insert(a + 1, listeners_group(ecs, s, &view));
        for t in &mut m.traffic {
            for i in [&mut t.left, &mut t.listeners, &mut t.right] {
                if *i > a {
                    *i += 2;
                }
            }
        }
        let test = view.listeners.iter().find(|l| !l.production);
        let chart = traffic_chart(ecs, s);
        let weights = [production.weights[0].1, production.weights[1].1];
        m.traffic.push(TrafficModel {
            left: a,
            listeners: a + 1,
            right: a + 2,
            production: chart
                .map(|c| eased(&c.weights, now, weights))
                .unwrap_or(weights),
            test: test.map(|t| [t.weights[0].1, t.weights[1].1]),
        });
    }
}

/// A target group's title and summary as the task set it serves: "blue · PRIMARY · 90 %"
/// (its share of production traffic), then the group, the revision and its targets.
pub(super) fn task_set_words(view: &TrafficView, tg: &str, targets: &str) -> (String, String) {
    let weight = view
        .listeners
        .iter()
        .find(|l| l.production)
        .and_then(|l| l.weights.iter().find(|(n, _)| n == tg))
        .map_or(0.0, |(_, w)| *w);
    match view.task_sets.iter().find(|t| t.target_group == tg) {
        Some(t) => {
            let label = if t.label.is_empty() {
                "task set".to_string()
            } else {
                t.label.to_lowercase()
            };
            (
                format!("{label} · {} · {}", t.status, percent(weight)),
                format!("{tg} · rev {}  {targets}", t.revision),
            )
        }
        None => (
            format!("no task set · {}", percent(weight)),
            format!("{tg}  {targets}"),
        ),
    }
}

fn listeners_group(ecs: &EcsCluster, s: ServiceIdx, view: &TrafficView) -> GroupModel {
    let svc = ecs.service(s);
    let alb = svc
        .blue_green
        .as_deref()
        .map(|bg| ecs.target_group(bg.target_groups[0]).load_balancer.clone())
        .unwrap_or_default();
    let parts: Vec<String> = view
        .listeners
        .iter()
        .map(|l| {
            format!(
                ":{} {} {} | {}",
                l.port,
                if l.production { "production" } else { "test" },
                percent(l.weights[0].1),
                percent(l.weights[1].1)
            )
        })
        .collect();
    GroupModel {
        key: format!("lb:{}:{}", alb, view.service),
        title: format!("⚖ {alb} listeners"),
        summary: parts.join("  "),
        targets: Vec::new(),
    }
}

fn percent(w: f64) -> String {
    format!("{} %", w.round() as i64)
}

/// The production weights at `now`, easing from the previous change to the last over
/// [`EASE_MS`]; `current` when nothing changed yet.
pub(super) fn eased(history: &[(SimTime, [f64; 2])], now: SimTime, current: [f64; 2]) -> [f64; 2] {
    let upto: Vec<&(SimTime, [f64; 2])> = history.iter().filter(|(at, _)| *at <= now).collect();
    let [.., prev, last] = upto.as_slice() else {
        return current;
    };
    let t = (now.since(last.0).0 as f64 / EASE_MS).clamp(0.0, 1.0);
    let e = EaseFunction::CubicInOut.sample_clamped(t as f32) as f64;
    [0, 1].map(|g| prev.1[g] + (last.1[g] - prev.1[g]) * e)
}

/// The bands between each service's listeners and its two target groups, in the gaps of the
/// row: the production listener's in the upper half, the test listener's in the lower.
pub(super) fn push_bands(scene: &mut Scene, m: &Model) {
    for t in &m.traffic {
        let (Some(l), Some(a), Some(b)) = (
            scene.groups.get(t.left).copied(),
            scene.areas.get(&m.groups[t.listeners].key).copied(),
            scene.groups.get(t.right).copied(),
        ) else {
            continue;
        };
        for (side, from, to) in [(0, l.x + l.w, a.x), (1, a.x + a.w, b.x)] {
            if to <= from {
                continue;
            }
            let halves = [(t.production[side], TRAFFIC_PRODUCTION, 0.0)]
                .into_iter()
                .chain(t.test.map(|w| (w[side], TRAFFIC_TEST, 1.0)));
            for (n, (w, color, half)) in halves.enumerate() {
                if let Some(band) = band(a, from, to, w, half) {
                    push_rect(
                        scene,
                        format!("{}/band{side}{n}", m.groups[t.listeners].key),
                        band,
                        color,
                        0.5,
                    );
                }
            }
        }
    }
}

/// A band from x `from` to `to`, centred in the upper (`half` 0) or lower (1) half of the
/// listeners' box, as thick as `weight` percent of that half allows.
pub(super) fn band(listeners: Area, from: f32, to: f32, weight: f64, half: f32) -> Option<Area> {
    if weight <= 0.05 {
        return None;
    }
    let room = listeners.h / 2.0 - 6.0;
    let h = (room * (weight / 100.0) as f32).clamp(MIN_BAND, room);
    let centre = listeners.y + listeners.h / 4.0 + half * listeners.h / 2.0;
    Some(Area {
        x: from,
        y: centre - h / 2.0,
        w: to - from,
        h,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canary_at(secs: u64) -> Model {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("scenarios/ecs-codedeploy-canary-rollback.ron");
        let src = std::fs::read_to_string(path).expect("scenario");
        let s = orca_sim::scenario::parse("canary.ron", &src).expect("valid");
        let mut p = orca_sim::Playback::new(std::sync::Arc::new(s));
        p.seek(SimTime::from_secs(secs));
        super::super::layout::model(p.world())
    }

    #[test]
    fn the_listeners_sit_between_the_task_sets_labelled_by_their_share() {
        // 1:50: the canary has 10 % of production traffic; the test listener sends all to it.
        let m = canary_at(110);
        let titles: Vec<&str> = m.groups.iter().map(|g| g.title.as_str()).collect();
        assert_eq!(
            titles,
            [
                "blue · PRIMARY · 90 %",
                "⚖ web-alb listeners",
                "green · ACTIVE · 10 %"
            ]
        );
        assert_eq!(
            m.groups[1].summary,
            ":80 production 90 % | 10 %  :8080 test 0 % | 100 %"
        );
        assert!(
            m.groups[0]
                .summary
                .starts_with("web-tg-1 · rev 1  ✓4 healthy"),
            "{}",
            m.groups[0].summary
        );
        assert_eq!(m.traffic.len(), 1);
        let t = &m.traffic[0];
        assert_eq!((t.left, t.listeners, t.right), (0, 1, 2));
        assert_eq!(t.production, [90.0, 10.0]);
        assert_eq!(t.test, Some([0.0, 100.0]));
        // After the alarm's rollback at 2:00 production is back on web-tg-1.
        let m = canary_at(130);
        assert_eq!(m.traffic[0].production, [100.0, 0.0]);
    }

    #[test]
    fn a_production_band_eases_to_the_new_weight_and_then_holds() {
        let h = [
            (SimTime::from_secs(0), [100.0, 0.0]),
            (SimTime::from_secs(100), [90.0, 10.0]),
        ];
        assert_eq!(
            eased(&h, SimTime::from_secs(50), [100.0, 0.0]),
            [100.0, 0.0]
        );
        assert_eq!(
            eased(&h, SimTime::from_secs(100), [90.0, 10.0]),
            [100.0, 0.0]
        );
        let mid = eased(&h, SimTime::from_millis(101_000), [90.0, 10.0]);
        assert!((mid[1] - 5.0).abs() < 0.01, "{mid:?}");
        assert_eq!(
            eased(&h, SimTime::from_secs(110), [90.0, 10.0]),
            [90.0, 10.0]
        );
    }

    #[test]
    fn a_band_is_as_thick_as_its_weight_in_its_half_and_none_without_traffic() {
        let box_ = Area {
            x: 100.0,
            y: -80.0,
            w: 200.0,
            h: 52.0,
        };
        // Half the box less a margin: 20 units at 100 %.
        let full = band(box_, 80.0, 100.0, 100.0, 0.0).expect("a band");
        assert_eq!((full.x, full.w, full.h), (80.0, 20.0, 20.0));
        assert_eq!(full.y + full.h / 2.0, -80.0 + 13.0);
        let tenth = band(box_, 80.0, 100.0, 10.0, 1.0).expect("a band");
        assert_eq!(tenth.h, 2.0);
        assert_eq!(tenth.y + tenth.h / 2.0, -80.0 + 39.0);
        assert!(band(box_, 80.0, 100.0, 0.0, 0.0).is_none());
    }
}
