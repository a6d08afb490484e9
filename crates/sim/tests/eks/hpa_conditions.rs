//! The HPA's status conditions in `kubectl describe hpa` and `-o yaml`, through the
//! eks-autoscaling scenario: the older rule's ScaleUpLimit while the spike is absorbed, the
//! downscale stabilization holding the count after it, and a quiet HPA within its range.

use orca_sim::{Playback, SimTime};

fn at(secs: u64) -> Playback {
    let mut p = Playback::new(crate::common::built_in_named("eks-autoscaling"));
    p.seek(SimTime::from_secs(secs));
    p
}

/// The Conditions block's rows: (type, status, reason).
fn conditions(p: &Playback) -> Vec<(String, String, String)> {
    let out = crate::common::console_print(p, "kubectl describe hpa web");
    let block = out
        .split("Conditions:\n")
        .nth(1)
        .and_then(|rest| rest.split("Events:").next())
        .unwrap_or_else(|| panic!("no Conditions block:\n{out}"));
    block
        .lines()
        .skip(2)
        .map(|l| {
            let mut w = l.split_whitespace();
            let mut next = || w.next().unwrap_or_default().to_string();
            (next(), next(), next())
        })
        .collect()
}

fn row(t: &str, status: &str, reason: &str) -> (String, String, String) {
    (t.into(), status.into(), reason.into())
}

#[test]
fn describe_hpa_shows_why_the_count_moves_or_holds() {
    // Before the first sync (15 s) the HPA has no conditions.
    let p = at(10);
    let out = crate::common::console_print(&p, "kubectl describe hpa web");
    assert!(!out.contains("Conditions:"), "{out}");
    // 1:30: the spike is being absorbed 4 → 8 → 10; the older rule caps each sync.
    let p = at(90);
    assert_eq!(
        conditions(&p),
        [
            row("AbleToScale", "True", "SucceededRescale"),
            row("ScalingActive", "True", "ValidMetricFound"),
            row("ScalingLimited", "True", "ScaleUpLimit"),
        ]
    );
    let out = crate::common::console_print(&p, "kubectl describe hpa web");
    assert!(
        out.contains(
            "  AbleToScale     True    SucceededRescale  the HPA controller was able to update the target scale to 8\n"
        ),
        "{out}"
    );
    // The current metric with its average value: 500m of request per pod, so N % is about
    // 5 × N millicores.
    let line = out
        .lines()
        .find(|l| l.contains("resource cpu on pods"))
        .expect("a metrics line");
    let value = line.split(":  ").nth(1).expect("a value");
    let (pct, rest) = value.split_once("% (").expect("N% (Vm)");
    let millis = rest.split_once("m)").expect("millicores").0;
    let (pct, millis): (f64, f64) = (pct.parse().unwrap(), millis.parse().unwrap());
    assert!(pct > 60.0 && (millis - pct * 5.0).abs() <= 3.0, "{line}");
    assert!(line.ends_with(" / 60%"), "{line}");
    // 10:00: the load has fallen, but the highest recommendation of the last 5 minutes holds
    // the count at 10.
    let p = at(600);
    assert_eq!(
        conditions(&p)[0],
        row("AbleToScale", "True", "ScaleDownStabilized")
    );
    // 25:00: back at 2 pods, nothing to do.
    let p = at(1500);
    assert_eq!(
        conditions(&p),
        [
            row("AbleToScale", "True", "ReadyForNewScale"),
            row("ScalingActive", "True", "ValidMetricFound"),
            row("ScalingLimited", "False", "DesiredWithinRange"),
        ]
    );
    let yaml = crate::common::console_print(&p, "kubectl get hpa web -o yaml");
    assert!(yaml.contains("    reason: DesiredWithinRange\n"), "{yaml}");
    assert!(yaml.contains("    type: ScalingLimited\n"), "{yaml}");
    assert!(yaml.contains("        averageValue: "), "{yaml}");
}
