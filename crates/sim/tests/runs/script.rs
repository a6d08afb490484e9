//! Command files carried out against a run (`orca run --commands`): reading commands see the
//! world at their moment, acting commands become interventions, and the session saved as a
//! scenario replays to the same log.

use crate::common;

use std::sync::Arc;

use orca_sim::console::commands;
use orca_sim::console::script::{Script, past_the_end};
use orca_sim::{SimTime, Simulation};

fn no_files(path: &str) -> Result<String, String> {
    Err(format!("no such file: {path}"))
}

fn scenario(name: &str) -> Arc<orca_sim::Scenario> {
    common::built_in_named(name)
}

const DRAIN: &str = "\
# drain one node, then look
0:30 kubectl get deploy web
1:00 kubectl cordon ip-10-0-0-10.ec2.internal
1:00 kubectl get nodes
2:00 kubectl scal deploy web --replicas=3
3:00 kubectl get deploy web
";

#[test]
fn commands_run_at_their_moments_and_the_saved_session_replays_the_same_log() {
    let s = scenario("eks-sandbox-drain");
    let nodes: Vec<String> = {
        let p = orca_sim::Playback::new(s.clone());
        let eks = p.world().eks.as_ref().expect("eks");
        eks.nodes.iter().map(|n| n.name.clone()).collect()
    };
    let src = DRAIN.replace("ip-10-0-0-10.ec2.internal", &nodes[0]);
    let cmds = commands::parse(&src).expect("valid file");
    assert_eq!((cmds[1].line, cmds[1].column), (3, 6));
    let mut script = Script::new(s.clone(), cmds);
    let mut moments = Vec::new();
    while let Some((at, outputs)) = script.next_moment(&no_files) {
        moments.push((at.secs(), outputs));
    }
    let secs: Vec<u64> = moments.iter().map(|(s, _)| *s).collect();
    assert_eq!(secs, [30, 60, 120, 180], "one step per moment");
    let (_, first) = &moments[0];
    assert!(first[0].output.contains("6/6"), "{}", first[0].output);
    let (_, cordon) = &moments[1];
    assert!(cordon[0].acted && !cordon[0].failed);
    assert_eq!(cordon[0].output, format!("node/{} cordoned", nodes[0]));
    assert!(
        cordon[1].output.contains("SchedulingDisabled"),
        "the read after the cordon sees it: {}",
        cordon[1].output
    );
    let (_, typo) = &moments[2];
    assert!(typo[0].failed, "{:?}", typo[0]);
    assert!(typo[0].output.contains("Did you mean this?"));
    assert_eq!(script.playback().interventions().len(), 1);

    // The session as a scenario: checked like any file, and its run logs the same events.
    let text = orca_sim::scenario::to_ron(script.playback().scenario()).expect("RON");
    let saved = orca_sim::scenario::parse("saved.ron", &text).expect("the saved session parses");
    let mut sim = Simulation::new(Arc::new(saved));
    let end = sim.end();
    sim.advance_to(end);
    assert_eq!(sim.log(), &script.playback().full_log()[..]);
}

#[test]
fn the_same_file_gives_the_same_run() {
    let s = scenario("ecs-rolling-update");
    let src = "10 aws ecs update-service --cluster demo --service web --desired-count 6\n1:00 aws ecs describe-services --cluster demo --services web\n";
    let run = || {
        let mut script = Script::new(s.clone(), commands::parse(src).expect("valid"));
        let mut outs = Vec::new();
        while let Some((_, o)) = script.next_moment(&no_files) {
            outs.extend(o);
        }
        (outs, script.playback().full_log().clone())
    };
    let (a, log_a) = run();
    let (b, log_b) = run();
    assert_eq!(a, b);
    assert_eq!(log_a, log_b);
    assert!(a[0].acted, "{:?}", a[0]);
    assert!(
        a[1].output.contains("\"desiredCount\": 6"),
        "{}",
        a[1].output
    );
}

#[test]
fn a_command_past_the_end_is_an_error_with_its_place() {
    let cmds =
        commands::parse("1:00 kubectl get pods\n  99:00 kubectl get nodes\n").expect("valid");
    let errors = past_the_end(&cmds, SimTime::from_secs(1800));
    assert_eq!(errors.len(), 1);
    assert_eq!((errors[0].line, errors[0].column), (2, 9));
    assert_eq!(
        errors[0].message,
        "1:39:00 is after the end of the run (30:00); valid times: 0 to 30:00"
    );
}
