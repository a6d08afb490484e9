//! `orca …`: what happens to a cluster that no CLI does — an Availability Zone outage, an
//! application that breaks or heals, a change in demand. Orca's own commands, for the learner
//! and the teacher to cause what the scenarios script.

use super::{After, Context, Outcome};
use crate::scenario::spec::{Action, FailureResponse};

const HELP: &str =
    "orca — faults and demand (Orca's own commands; no AWS or Kubernetes tool does these):

  orca zone-outage ZONE                      the zone loses connectivity
  orca zone-recover ZONE                     it comes back
  orca fail-health-checks SERVICE [REVISION] [--status CODE]
                                             running tasks start failing their health checks
  orca crash SERVICE [COUNT]                 the essential container of COUNT running tasks exits
  orca heal SERVICE [REVISION]               the application answers again (running and new tasks)
  orca set-load SERVICE|DEPLOYMENT RPS       the offered load becomes RPS requests per second
";

pub fn run(words: &[String], cx: &Context) -> Outcome {
    let args: Vec<&str> = words.iter().map(String::as_str).collect();
    let act = |action: Action, reply: String| Outcome::Act {
        actions: vec![action],
        after: After::Text(reply),
    };
    let ecs = cx.world.ecs.as_ref();
    let has_service = |s: &str| ecs.is_some_and(|e| e.service_by_name(s).is_some());
    let no_service = |s: &str| {
        Outcome::Fail(format!(
            "orca: no service called {s:?}; the services are: {}\n",
            ecs.map(|e| e
                .services
                .iter()
                .map(|s| s.name.as_str())
                .collect::<Vec<_>>()
                .join(", "))
                .unwrap_or_else(|| "(none: this scenario has no ECS cluster)".into())
        ))
    };
    let revision = |s: Option<&&str>| -> Result<Option<u32>, Outcome> {
        match s {
            None => Ok(None),
            Some(r) => r
                .trim_start_matches("revision=")
                .parse::<u32>()
                .map(Some)
                .map_err(|_| Outcome::Fail(format!("orca: {r:?} is not a revision number\n"))),
        }
    };
    match args.as_slice() {
        [] | ["help"] | ["--help"] => Outcome::Print(HELP.into()),
        [cmd @ ("zone-outage" | "zone-recover"), zone] => {
            if cx.world.net.zone(zone).is_none() {
                return Outcome::Fail(format!(
                    "orca: no Availability Zone {zone:?}; the zones are: {}\n",
                    cx.world
                        .net
                        .zones
                        .iter()
                        .map(|z| z.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            let outage = *cmd == "zone-outage";
            if cx.world.net.zone_is_out(zone) == outage {
                return Outcome::Print(format!(
                    "{zone} is already {}\n",
                    if outage { "out" } else { "up" }
                ));
            }
            let zone = zone.to_string();
            if outage {
                act(
                    Action::ZoneOutage { zone: zone.clone() },
                    format!("{zone}: outage begins"),
                )
            } else {
                act(
                    Action::ZoneRecovers { zone: zone.clone() },
                    format!("{zone}: recovered"),
                )
            }
        }
        ["fail-health-checks", service, rest @ ..] => {
            if !has_service(service) {
                return no_service(service);
            }
            let (mut rev, mut status) = (None, 500u16);
            let mut i = 0;
            while i < rest.len() {
                match rest[i] {
                    "--status" => {
                        status = match rest.get(i + 1).and_then(|s| s.parse::<u16>().ok()) {
                            Some(c) if (100..=599).contains(&c) => c,
                            _ => {
                                return Outcome::Fail(
                                    "orca: --status takes an HTTP status code (100–599)\n".into(),
                                );
                            }
                        };
                        i += 2;
                    }
                    r => {
                        rev = match revision(Some(&r)) {
                            Ok(r) => r,
                            Err(o) => return o,
                        };
                        i += 1;
                    }
                }
            }
            act(
                Action::FailHealthChecks {
                    service: service.to_string(),
                    revision: rev,
                    fraction: 1.0,
                    response: FailureResponse::Status(status),
                    recover_after: None,
                },
                format!("{service}: health checks now fail with {status}"),
            )
        }
        ["crash", service, rest @ ..] => {
            if !has_service(service) {
                return no_service(service);
            }
            let count = match rest.first().map(|c| c.parse::<u32>()) {
                None => 1,
                Some(Ok(n)) if (1..=1000).contains(&n) => n,
                Some(_) => {
                    return Outcome::Fail("orca: crash takes a count of tasks (1–1000)\n".into());
                }
            };
            act(
                Action::ContainerExits {
                    service: service.to_string(),
                    count,
                    exit_code: 1,
                },
                format!("{service}: {count} task(s) crash"),
            )
        }
        ["heal", service, rest @ ..] => {
            if !has_service(service) {
                return no_service(service);
            }
            let rev = match revision(rest.first()) {
                Ok(r) => r,
                Err(o) => return o,
            };
            act(
                Action::RecoverHealthChecks {
                    service: service.to_string(),
                    revision: rev,
                },
                format!("{service}: the application answers again"),
            )
        }
        ["set-load", target, rps] => {
            let Ok(rps) = rps.parse::<f64>() else {
                return Outcome::Fail(format!(
                    "orca: {rps:?} is not a number of requests per second\n"
                ));
            };
            if !(0.0..=1_000_000.0).contains(&rps) {
                return Outcome::Fail(
                    "orca: the load is 0 to 1000000 requests per second\n".into(),
                );
            }
            let eks_load = cx.world.eks.as_ref().and_then(|k| {
                k.deployment_index(target)
                    .map(|d| k.deployments[d].load.is_some())
            });
            let ecs_load = ecs.and_then(|e| {
                e.service_by_name(target)
                    .map(|s| e.service(s).load.is_some())
            });
            match eks_load.or(ecs_load) {
                None => Outcome::Fail(format!(
                    "orca: no service or Deployment called {target:?}\n"
                )),
                Some(false) => Outcome::Fail(format!(
                    "orca: {target} has no load model in this scenario (give it `load: (…)` to model demand)\n"
                )),
                Some(true) => act(
                    Action::SetLoad {
                        target: target.to_string(),
                        rps,
                    },
                    format!("{target}: load ramps to {rps} requests per second over 10 s"),
                ),
            }
        }
        [cmd, ..] => Outcome::Fail(format!("orca: unknown command {cmd:?}\n\n{HELP}")),
    }
}
