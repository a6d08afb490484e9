//! PodDisruptionBudgets through the console: `kubectl get|describe pdb`, `kubectl apply -f` of
//! a budget, a drain held by one (kubectl's retry lines in the log), and `kubectl delete pod`,
//! which budgets do not stop.

use std::sync::Arc;

use orca_sim::console::{self, Context, Outcome};
use orca_sim::engine::Playback;
use orca_sim::scenario::spec::Scenario;
use orca_sim::time::SimTime;

fn scenario(name: &str) -> Arc<Scenario> {
    super::common::built_in_named(name)
}

fn run(p: &Playback, line: &str, files: &[(&str, &str)]) -> Outcome {
    let files: Vec<(String, String)> = files
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    let read = move |f: &str| {
        files
            .iter()
            .find(|(n, _)| n == f)
            .map(|(_, t)| t.clone())
            .ok_or_else(|| format!("no file {f}"))
    };
    let cx = Context {
        world: p.world(),
        scenario: p.scenario(),
        now: p.now(),
        log: p.log(),
        files: &read,
        queries: None,
    };
    console::execute(line, &cx)
}

fn printed(p: &Playback, line: &str) -> String {
    match run(p, line, &[]) {
        Outcome::Print(s) => s,
        other => panic!("`{line}` did not print: {other:?}"),
    }
}

fn act(p: &mut Playback, line: &str, files: &[(&str, &str)]) -> String {
    match run(p, line, files) {
        Outcome::Act { actions, after } => {
            for a in actions {
                p.intervene(a);
            }
            console::reply(&after, p.world(), p.log(), p.now())
        }
        other => panic!("`{line}` did not act: {other:?}"),
    }
}

const NODE: &str = "ip-10-0-32-4.ec2.internal";

#[test]
fn get_and_describe_pdb_show_the_status_the_disruption_controller_computes() {
    let mut p = Playback::new(scenario("eks-pdb-drain"));
    p.seek(SimTime::from_secs(50));
    // minAvailable 3 over 4 Ready pods: 1 disruption allowed.
    let get = printed(&p, "kubectl get pdb");
    insta::assert_snapshot!("get_pdb", get);
    assert!(
        get.contains("web    3               N/A               1                     50s"),
        "{get}"
    );
    let describe = printed(&p, "kubectl describe pdb web");
    insta::assert_snapshot!("describe_pdb", describe);
    assert!(describe.contains("    Allowed disruptions:  1\n    Current:              4\n    Desired:              3\n    Total:                4\n"), "{describe}");
    let yaml = printed(&p, "kubectl get pdb web -o yaml");
    assert!(yaml.contains("disruptionsAllowed: 1"), "{yaml}");
    assert!(yaml.contains("minAvailable: 3"), "{yaml}");
    match run(&p, "kubectl get pdb nothing", &[]) {
        Outcome::Fail(e) => assert_eq!(
            e,
            "Error from server (NotFound): poddisruptionbudgets.policy \"nothing\" not found\n"
        ),
        other => panic!("{other:?}"),
    }
    // Mid-drain: one pod evicted, its replacement not Ready yet: nothing more may go.
    p.seek(SimTime::from_secs(70));
    let describe = printed(&p, "kubectl describe pdb web");
    assert!(
        describe.contains("Allowed disruptions:  0\n    Current:              3\n"),
        "{describe}"
    );
}

#[test]
fn a_drain_held_by_a_budget_retries_every_five_seconds_until_it_may_go_on() {
    let mut p = Playback::new(scenario("eks-pdb-drain"));
    p.seek(SimTime::from_secs(300));
    let lines: Vec<(u64, String)> = p
        .log()
        .iter()
        .filter(|e| e.message().starts_with(&format!("kubectl drain {NODE}: ")))
        .map(|e| {
            (
                e.at.millis() / 1000,
                e.message()[format!("kubectl drain {NODE}: ").len()..].to_string(),
            )
        })
        .collect();
    let refused: Vec<u64> = lines
        .iter()
        .filter(|(_, l)| l.ends_with("(will retry after 5s): Cannot evict pod as it would violate the pod's disruption budget."))
        .map(|(t, _)| *t)
        .collect();
    // Refused at 1:00, then every 5 s, until the first pod's replacement is Ready.
    assert!(refused.len() >= 2, "{lines:?}");
    assert_eq!(refused[0], 60);
    assert!(refused.windows(2).all(|w| w[1] - w[0] == 5), "{refused:?}");
    assert_eq!(lines[0].1, format!("node/{NODE} cordoned"));
    let last = lines.last().expect("lines");
    assert_eq!(last.1, format!("node/{NODE} drained"));
    assert!(last.0 > *refused.last().expect("refused"));
    // Never fewer than 3 Ready web pods while the drain ran.
    for t in (55..=last.0).step_by(1) {
        p.seek(SimTime::from_secs(t));
        let eks = p.world().eks.as_ref().expect("EKS");
        let ready = eks
            .pods
            .iter()
            .filter(|x| !x.gone && x.deleting_at.is_none() && x.ready && x.name.starts_with("web-"))
            .count();
        assert!(ready >= 3, "{ready} Ready web pods at {t} s");
    }
}

#[test]
fn the_console_drain_replies_with_what_kubectl_printed_at_once() {
    let mut p = Playback::new(scenario("eks-pdb-drain"));
    p.seek(SimTime::from_secs(30));
    let reply = act(
        &mut p,
        &format!("kubectl drain {NODE} --ignore-daemonsets"),
        &[],
    );
    insta::assert_snapshot!("drain_held_by_pdb", reply);
    assert!(reply.contains("error when evicting pods/\"web-"), "{reply}");
    assert!(!reply.contains("drained"), "{reply}");
}

#[test]
fn delete_pod_ignores_the_budget_and_apply_creates_one() {
    let mut p = Playback::new(scenario("eks-pdb-drain"));
    p.seek(SimTime::from_secs(70));
    let eks = p.world().eks.as_ref().expect("EKS");
    let pod = eks
        .pods
        .iter()
        .find(|x| !x.gone && x.deleting_at.is_none() && x.ready)
        .map(|x| x.name.clone())
        .expect("a Ready pod");
    // The budget allows 0 disruptions now; a plain delete still goes through.
    assert_eq!(
        act(&mut p, &format!("kubectl delete pod {pod}"), &[]),
        format!("pod \"{pod}\" deleted")
    );
    let eks = p.world().eks.as_ref().expect("EKS");
    assert!(
        eks.pods
            .iter()
            .any(|x| x.name == pod && x.deleting_at.is_some())
    );

    // A budget applied to the sandbox's web Deployment.
    let mut p = Playback::new(scenario("eks-sandbox-drain"));
    p.seek(SimTime::from_secs(30));
    let pdb = "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: web\nspec:\n  maxUnavailable: \"30%\"\n  selector:\n    matchLabels:\n      app: web\n";
    let reply = act(&mut p, "kubectl apply -f pdb.yaml", &[("pdb.yaml", pdb)]);
    assert_eq!(reply, "poddisruptionbudget.policy/web created");
    // maxUnavailable 30% of 6 rounds up to 2: 4 must stay healthy.
    let describe = printed(&p, "kubectl describe pdb web");
    assert!(describe.contains("Max unavailable:  30%\n"), "{describe}");
    assert!(describe.contains("Allowed disruptions:  2\n    Current:              6\n    Desired:              4\n    Total:                6\n"), "{describe}");
    match run(&p, "kubectl apply -f pdb.yaml", &[("pdb.yaml", pdb)]) {
        Outcome::Print(s) => assert_eq!(s, "poddisruptionbudget.policy/web unchanged\n"),
        other => panic!("{other:?}"),
    }
}
