//! Target groups: names, health check settings and the success matcher.

use super::Problems;
use super::common::{check_limit, elb_name_problem};
use crate::scenario::limits::{DEREGISTRATION_DELAY, TG_INTERVAL, TG_THRESHOLD, TG_TIMEOUT};
use crate::scenario::locate::Path;
use crate::scenario::shown::quoted;
use crate::scenario::spec::TargetGroupSpec;

pub(super) fn target_group(out: &mut Problems, tg: &TargetGroupSpec, p: &Path) {
    if let Some(e) = elb_name_problem("target group name", &tg.name) {
        out.push((p.field("name"), e));
    }
    if let Some(lb) = &tg.load_balancer
        && let Some(e) = elb_name_problem("load balancer name", lb)
    {
        out.push((p.field("load_balancer"), e));
    }
    if tg.port == 0 {
        out.push((
            p.field("port"),
            "port 0 is not valid; valid: 1–65535".into(),
        ));
    }
    let hp = p.field("health_check");
    let hc = &tg.health_check;
    check_limit(
        out,
        hp.field("interval_seconds"),
        "interval_seconds",
        hc.interval_seconds,
        TG_INTERVAL,
        "",
    );
    check_limit(
        out,
        hp.field("timeout_seconds"),
        "timeout_seconds",
        hc.timeout_seconds,
        TG_TIMEOUT,
        "",
    );
    if hc.timeout_seconds >= hc.interval_seconds {
        out.push((
            hp.field("timeout_seconds"),
            format!(
                "timeout_seconds {} must be smaller than interval_seconds {}",
                hc.timeout_seconds, hc.interval_seconds
            ),
        ));
    }
    check_limit(
        out,
        hp.field("healthy_threshold_count"),
        "healthy_threshold_count",
        hc.healthy_threshold_count,
        TG_THRESHOLD,
        "",
    );
    check_limit(
        out,
        hp.field("unhealthy_threshold_count"),
        "unhealthy_threshold_count",
        hc.unhealthy_threshold_count,
        TG_THRESHOLD,
        "",
    );
    if !hc.path.starts_with('/') || hc.path.len() > 1024 {
        out.push((
            hp.field("path"),
            format!(
                "health check path {} must start with / and be at most 1024 characters",
                quoted(&hc.path)
            ),
        ));
    }
    if let Err(e) = matcher(&hc.matcher) {
        out.push((hp.field("matcher"), e));
    }
    check_limit(
        out,
        p.field("deregistration_delay_seconds"),
        "deregistration_delay_seconds",
        tg.deregistration_delay_seconds,
        DEREGISTRATION_DELAY,
        "",
    );
}

/// An ALB HTTP success matcher: codes 200–499, as "200", "200,302" or "200-299".
pub fn matcher(m: &str) -> Result<(), String> {
    let bad = || {
        format!(
            "matcher {} is not valid; use HTTP codes 200–499 like \"200\", \"200,302\" or \"200-299\"",
            quoted(m)
        )
    };
    if m.trim().is_empty() {
        return Err(bad());
    }
    for part in m.split(',') {
        let code = |s: &str| -> Result<u16, String> {
            let c: u16 = s.trim().parse().map_err(|_| bad())?;
            if (200..=499).contains(&c) {
                Ok(c)
            } else {
                Err(bad())
            }
        };
        match part.split_once('-') {
            Some((a, b)) => {
                if code(a)? > code(b)? {
                    return Err(bad());
                }
            }
            None => {
                code(part)?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matchers_follow_the_alb_rules() {
        assert!(matcher("200").is_ok());
        assert!(matcher("200,302").is_ok());
        assert!(matcher("200-299").is_ok());
        assert!(matcher("500").is_err());
        assert!(matcher("299-200").is_err());
        assert!(matcher("ok").is_err());
        assert!(matcher("").is_err());
    }
}
