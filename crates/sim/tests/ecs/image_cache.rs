//! The ECS agent's image cache on a container instance and `ECS_IMAGE_PULL_BEHAVIOR`
//! (docs/rules/ecr.md#the-ecs-agents-image-cache; Amazon ECS Developer Guide, "Container image
//! pull behavior for the EC2 and external launch types"): `default` falls back to the copy an
//! earlier task left on the instance when the pull fails, `always` fails, `once` does not pull
//! what the instance already has.

use std::sync::Arc;

use orca_sim::ecs::{Host, Task};
use orca_sim::{Playback, SimTime};

const IMAGE: &str = "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:v1";

/// Two m5.large instances; `web` runs 1 task of web:v1 (from ECR) when the scenario starts,
/// on one of them; `timeline` acts; at 1:00 the service scales out to 6.
fn playback(behavior: &str, timeline: &str) -> Playback {
    let src = format!(
        r#"(version: 1, title: "agent cache", seed: 11, duration: 300,
    world: Ecs(
        cluster: (name: "demo", availability_zones: ["us-east-1a", "us-east-1b"]),
        capacity: (instances: [(name: "node", instance_type: "m5.large", count: 2)]{behavior}),
        task_definitions: [(family: "web", revision: 1, cpu: 256, memory: 256, network_mode: Bridge,
            containers: [(name: "web", image: "{IMAGE}", port: 8080)])],
        services: [(name: "web", task_definition: "web:1", desired_count: 1, launch_type: Ec2)],
        ecr: (repositories: [(name: "web", images: [(tags: ["v1"], pushed_days_ago: 3, size_mib: 80)])]),
    ),
    timeline: [{timeline}(at: 60, action: UpdateService(service: "web", desired_count: 6))],
)"#
    );
    let s = orca_sim::scenario::parse("cache.ron", &src).unwrap_or_else(|e| panic!("{e}\n{src}"));
    let mut p = Playback::new(Arc::new(s));
    p.seek(SimTime::from_secs(200));
    p
}

const DELETE: &str = r#"(at: 30, action: DeleteImage(repository: "web", tag: "v1")), "#;

fn tasks(p: &Playback) -> Vec<&Task> {
    p.world().ecs.as_ref().expect("ECS").tasks.iter().collect()
}

/// The instance of the task running when the scenario starts.
fn first_host(p: &Playback) -> Host {
    tasks(p)[0].host
}

fn why(t: &Task) -> String {
    t.why
        .iter()
        .map(|w| w.text.as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn default_behaviour_runs_the_cached_copy_when_the_image_is_gone() {
    let p = playback("", DELETE);
    let host = first_host(&p);
    let digest = tasks(&p)[0].containers[0].image_digest.clone();
    assert!(
        digest.is_some(),
        "the first task ran a digest of the registry"
    );
    let new: Vec<&Task> = tasks(&p).into_iter().skip(1).collect();
    // On the first task's instance the pull fails but the agent runs the kept copy.
    let cached: Vec<&&Task> = new
        .iter()
        .filter(|t| t.host == host && t.reached_running)
        .collect();
    assert!(
        !cached.is_empty(),
        "some new tasks share the first one's instance"
    );
    for t in &cached {
        assert_eq!(t.containers[0].image_digest, digest);
        let why = why(t);
        assert!(
            why.contains("ECS_IMAGE_PULL_BEHAVIOR default") && why.contains("not found"),
            "{why}"
        );
    }
    // On the other instance there is no copy: the pull fails the task.
    let failed: Vec<&&Task> = new.iter().filter(|t| t.host != host).collect();
    assert!(!failed.is_empty());
    assert!(failed.iter().all(|t| !t.reached_running
        && t.stopped_reason.as_deref().is_some_and(|r| r.starts_with(
            "CannotPullContainerError: pull image manifest has been retried 5 time(s)"
        ))));
}

#[test]
fn always_fails_even_where_the_instance_has_the_image() {
    let p = playback(", image_pull_behavior: Always", DELETE);
    let new: Vec<&Task> = tasks(&p).into_iter().skip(1).collect();
    assert!(!new.is_empty());
    assert!(new.iter().all(|t| !t.reached_running));
    assert!(new.iter().any(|t| t.host == first_host(&p)));
}

#[test]
fn once_does_not_pull_what_the_instance_already_has() {
    let p = playback(", image_pull_behavior: Once", "");
    let host = first_host(&p);
    let new: Vec<&Task> = tasks(&p).into_iter().skip(1).collect();
    let (here, there): (Vec<&Task>, Vec<&Task>) = new.into_iter().partition(|t| t.host == host);
    assert!(!here.is_empty() && !there.is_empty());
    for t in &here {
        assert!(t.reached_running);
        assert_eq!(
            t.pull_started_at, None,
            "no pull: describe-tasks has no pullStartedAt"
        );
        assert!(
            why(t).contains("ECS_IMAGE_PULL_BEHAVIOR once"),
            "{}",
            why(t)
        );
    }
    // The other instance pulls for its first task (and then has the image too).
    assert!(there.iter().any(|t| t.pull_started_at.is_some()));
    assert!(there.iter().all(|t| t.reached_running));
    // A cached start is quicker than a pull: the first task here runs before any there.
    let first_running = |ts: &[&Task]| ts.iter().filter_map(|t| t.started_at).min();
    assert!(first_running(&here) < first_running(&there));
}
