//! kubectl's acting commands: each becomes a timeline action (applied at the current moment),
//! with kubectl's reply; `rollout status|history` read.

use super::labels::Selector;
use super::parse::{Command, DryRun, Kind, RolloutVerb};
use super::{Kube, Outcome};
use crate::console::After;
use crate::k8s::read;
use crate::scenario::spec::Action;

/// The Deployment `name` in scope, for a command that changes it: NotFound when there is none,
/// a refusal for EKS's own (the core's actions name the scenario's Deployments only).
fn changeable(k: &Kube, name: &str) -> Result<usize, Outcome> {
    let Some(d) = k.deployment_named(name) else {
        return Err(Kube::not_found(Kind::Deployment, name));
    };
    if k.eks.deployments[d].system {
        return Err(Outcome::Fail(format!(
            "error: Orca's console does not change EKS's own workloads: deployment.apps/{name} in {} is an EKS add-on (read it with get, describe or rollout status|history)\n",
            k.eks.deployments[d].namespace
        )));
    }
    Ok(d)
}

fn act(action: Action, reply: String) -> Outcome {
    Outcome::Act {
        actions: vec![action],
        after: After::Text(reply),
    }
}

pub fn act_on(k: &Kube, command: Command) -> Outcome {
    match command {
        Command::Scale {
            kind,
            name,
            replicas,
        } => {
            if kind == Kind::ReplicaSet {
                return Outcome::Fail(
                    "error: Orca's console scales Deployments (their ReplicaSets follow them)\n"
                        .into(),
                );
            }
            if let Err(refused) = changeable(k, &name) {
                return refused;
            }
            act(
                Action::ScaleDeployment {
                    deployment: name.clone(),
                    replicas,
                },
                format!("deployment.apps/{name} scaled"),
            )
        }
        Command::Autoscale {
            name,
            min,
            max,
            cpu_percent,
        } => {
            let Some(d) = k.eks.deployment_index(&name) else {
                return Kube::not_found(Kind::Deployment, &name);
            };
            if k.eks.hpas.iter().any(|h| h.deployment == d) {
                return Outcome::Fail(format!(
                    "Error from server (AlreadyExists): horizontalpodautoscalers.autoscaling \"{name}\" already exists\n"
                ));
            }
            let min = min.unwrap_or(1);
            if min < 1 {
                return Outcome::Fail(format!(
                    "The HorizontalPodAutoscaler \"{name}\" is invalid: spec.minReplicas: Invalid value: {min}: must be greater than or equal to 1\n"
                ));
            }
            let limit = crate::scenario::limits::HPA_REPLICAS.max as u32;
            if max > limit {
                return Outcome::Fail(format!(
                    "error: Orca's clusters run at most {limit} replicas per Deployment; --max={max} is more\n"
                ));
            }
            let target = cpu_percent.unwrap_or(80);
            if !(1..=1000).contains(&target) {
                return Outcome::Fail(format!(
                    "error: Orca models a --cpu-percent of 1 to 1000; got {target}\n"
                ));
            }
            act(
                Action::Autoscale {
                    deployment: name.clone(),
                    min_replicas: min,
                    max_replicas: max,
                    target_cpu_utilization: target,
                },
                format!("horizontalpodautoscaler.autoscaling/{name} autoscaled"),
            )
        }
        Command::SetImage { name, images } => {
            let d = match changeable(k, &name) {
                Ok(d) => d,
                Err(refused) => return refused,
            };
            let container = &k.eks.deployments[d].template.container;
            let mut image = None;
            for (c, i) in &images {
                if c != container && c != "*" {
                    return Outcome::Fail(format!(
                        "error: unable to find container named \"{c}\"\n"
                    ));
                }
                image = Some(i.clone());
            }
            let Some(image) = image else {
                return Outcome::Fail("error: at least one image update is required\n".into());
            };
            if k.eks.deployments[d].template.image == image {
                // Nothing changes; kubectl still says so.
                return Outcome::Print(format!("deployment.apps/{name} image updated\n"));
            }
            act(
                Action::SetImage {
                    deployment: name.clone(),
                    image,
                },
                format!("deployment.apps/{name} image updated"),
            )
        }
        Command::SetResources {
            name,
            containers,
            cpu,
            memory,
        } => {
            let d = match changeable(k, &name) {
                Ok(d) => d,
                Err(refused) => return refused,
            };
            let t = &k.eks.deployments[d].template;
            // Orca's templates keep their first container's requests apart from the others';
            // kubectl's `-c '*'` (the default) would set every container's.
            let others: Vec<&str> = t
                .containers
                .iter()
                .map(|c| c.name.as_str())
                .chain(t.init_containers.iter().map(|i| i.name.as_str()))
                .collect();
            if containers == "*" && !others.is_empty() {
                return Outcome::Fail(format!(
                    "error: this pod also runs {}; Orca's console sets one container's requests, the first one's: add -c {}\n",
                    others.join(", "),
                    t.container
                ));
            }
            if containers != "*" && containers != t.container {
                return Outcome::Fail(if others.contains(&containers.as_str()) {
                    format!(
                        "error: Orca's console sets the requests of the first container ({}), not of {containers}\n",
                        t.container
                    )
                } else {
                    format!("error: unable to find container named {containers}\n")
                });
            }
            act(
                Action::SetResources {
                    deployment: name.clone(),
                    cpu,
                    memory,
                },
                format!("deployment.apps/{name} resource requirements updated"),
            )
        }
        Command::StatefulSetRolloutStatus { name } => {
            match k
                .stateful_sets()
                .find(|&d| k.eks.deployments[d].name == name)
            {
                Some(d) => Outcome::Print(format!(
                    "{}\n",
                    crate::k8s::statefulset_read::rollout_status(k.eks, d, k.now).0
                )),
                None => Kube::not_found(Kind::StatefulSet, &name),
            }
        }
        Command::Rollout {
            verb,
            name,
            to_revision,
            wait,
            dry_run,
        } => {
            let Some(d) = k.deployment_named(&name) else {
                return Kube::not_found(Kind::Deployment, &name);
            };
            if !matches!(verb, RolloutVerb::Status | RolloutVerb::History)
                && let Err(refused) = changeable(k, &name)
            {
                return refused;
            }
            match verb {
                RolloutVerb::Status => {
                    // kubectl waits for the rollout (`--watch` defaults to true): "Waiting
                    // for …" again at each change, until it succeeds or fails.
                    // `--watch=false` prints the status once; `--timeout` gives up after it.
                    let status = read::rollout_status(k.eks, d, k.now);
                    if status.starts_with("error:") {
                        Outcome::Fail(format!("{status}\n"))
                    } else if status.starts_with("Waiting") && wait.watch {
                        Outcome::Watch {
                            watch: crate::console::watch::Watch::status(&status, wait.timeout),
                            first: format!("{status}\n"),
                        }
                    } else {
                        Outcome::Print(format!("{status}\n"))
                    }
                }
                RolloutVerb::History => match to_revision.filter(|&r| r > 0) {
                    None => Outcome::Print(history(k, d)),
                    Some(r) => revision(k, d, r),
                },
                RolloutVerb::Undo => undo(k, d, to_revision.filter(|&r| r > 0), dry_run),
                RolloutVerb::Restart => act(
                    Action::RolloutRestart {
                        deployment: name.clone(),
                    },
                    format!("deployment.apps/{name} restarted"),
                ),
                RolloutVerb::Pause => {
                    if k.eks.deployments[d].paused {
                        return Outcome::Fail(format!(
                            "error: deployments.apps \"{name}\" is already paused\n"
                        ));
                    }
                    act(
                        Action::RolloutPause {
                            deployment: name.clone(),
                        },
                        format!("deployment.apps/{name} paused"),
                    )
                }
                RolloutVerb::Resume => {
                    if !k.eks.deployments[d].paused {
                        return Outcome::Fail(format!(
                            "error: deployments.apps \"{name}\" is not paused\n"
                        ));
                    }
                    act(
                        Action::RolloutResume {
                            deployment: name.clone(),
                        },
                        format!("deployment.apps/{name} resumed"),
                    )
                }
            }
        }
        Command::DeletePod {
            names,
            selector,
            dry_run,
        } => {
            let mut actions = Vec::new();
            let mut reply = String::new();
            // `-l SELECTOR` or `--all` (no names): the pods in scope they select, in list order.
            let names = if names.is_empty() {
                let selector = match selector.as_deref().map(Selector::parse).transpose() {
                    Ok(s) => s,
                    Err(e) => return Outcome::Fail(e),
                };
                let mut picked: Vec<usize> = k
                    .pods()
                    .filter(|&p| {
                        selector
                            .as_ref()
                            .is_none_or(|s| s.matches(&k.pod_labels(p)))
                    })
                    .collect();
                super::list_order::sort(k, Kind::Pod, &mut picked, &[]);
                let picked: Vec<String> =
                    picked.iter().map(|&p| k.eks.pods[p].name.clone()).collect();
                if picked.is_empty() {
                    return Outcome::Print("No resources found\n".into());
                }
                picked
            } else {
                names
            };
            for name in &names {
                match k.pod_named(name) {
                    Some(_) => {
                        actions.push(Action::DeletePod { pod: name.clone() });
                        let suffix = dry_run.map_or("", DryRun::suffix);
                        reply.push_str(&format!("pod \"{name}\" deleted{suffix}\n"));
                    }
                    None => {
                        reply.push_str(&format!(
                            "Error from server (NotFound): pods \"{name}\" not found\n"
                        ));
                    }
                }
            }
            if actions.is_empty() {
                return Outcome::Fail(reply);
            }
            if dry_run.is_some() {
                // Nothing is deleted: no intervention goes on the timeline.
                return Outcome::Print(reply);
            }
            Outcome::Act {
                actions,
                after: After::Text(reply.trim_end().to_string()),
            }
        }
        Command::Cordon { node } => cordon(k, node, true),
        Command::Uncordon { node } => cordon(k, node, false),
        Command::Drain {
            node,
            ignore_daemonsets,
        } => drain(k, node, ignore_daemonsets),
        Command::Apply { file, dry_run } => super::apply::apply(k, &file, dry_run),
        Command::Version => Outcome::Print(format!(
            "Client Version: {CLIENT_VERSION}\nKustomize Version: v5.4.2\nServer Version: {}\n",
            super::services::SERVER_VERSION
        )),
        Command::Config { list } => {
            let context = context_name(k);
            Outcome::Print(if list {
                super::table::render(
                    &["CURRENT", "NAME", "CLUSTER", "AUTHINFO", "NAMESPACE"],
                    &[vec![
                        "*".into(),
                        context.clone(),
                        context.clone(),
                        context,
                        String::new(),
                    ]],
                )
            } else {
                format!("{context}\n")
            })
        }
        Command::ClusterInfo => super::api_resources::cluster_info(k),
        Command::ConfigView { raw } => Outcome::Print(kubeconfig(k, raw)),
        Command::ApiResources(o) => super::api_resources::api_resources(k, &o),
        Command::Get { .. }
        | Command::GetKinds { .. }
        | Command::Describe { .. }
        | Command::Top { .. }
        | Command::Logs { .. } => Outcome::Fail("error: not an acting command\n".into()),
    }
}

/// `kubectl drain`: kubectl cordons the node first, then lists its pods in every namespace.
/// DaemonSet-managed pods stop it unless `--ignore-daemonsets` (the node stays cordoned);
/// with the flag they are left where they are, with a warning, and the others are evicted
/// (kubectl `pkg/drain/filters.go` `daemonSetFilter`, `cmd/drain/drain.go` `RunDrain`; the
/// wording as kubectl prints it, e.g. github.com/red-hat-storage/ocs-ci/issues/6735). Pods
/// are listed as the API lists them, by namespace and name; each is evicted through the
/// Eviction API, which keeps to PodDisruptionBudgets, and a refused eviction is retried every
/// 5 s while the drain runs on. Mirror pods, unmanaged pods (`--force`) and emptyDir data are
/// not modelled.
fn drain(k: &Kube, node: String, ignore_daemonsets: bool) -> Outcome {
    let Some(n) = k.node_named(&node) else {
        return Kube::not_found(Kind::Node, &node);
    };
    let cordoned = k.eks.nodes[n].cordoned;
    let mut reply = if cordoned {
        format!("node/{node} already cordoned\n")
    } else {
        format!("node/{node} cordoned\n")
    };
    let mut on: Vec<(String, bool)> = k
        .all_pods()
        .filter(|&p| k.eks.pods[p].node == Some(n) && k.eks.pods[p].deleting_at.is_none())
        .map(|p| {
            (
                format!("{}/{}", k.pod_namespace(p), k.eks.pods[p].name),
                k.eks.is_daemon_pod(p),
            )
        })
        .collect();
    on.sort();
    let daemon: Vec<&str> = on
        .iter()
        .filter(|(_, d)| *d)
        .map(|(p, _)| p.as_str())
        .collect();
    if !daemon.is_empty() && !ignore_daemonsets {
        let error = format!(
            "cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): {}",
            daemon.join(", ")
        );
        reply.push_str(&format!(
            "error: unable to drain node \"{node}\" due to error:{error}, continuing command...\nThere are pending nodes to be drained:\n {node}\n{error}\n"
        ));
        if cordoned {
            return Outcome::Fail(reply);
        }
        return act(Action::CordonNode { node }, reply.trim_end().to_string());
    }
    // What kubectl prints next depends on the Eviction API's answers: the drain runs in the
    // cluster (`k8s/drain.rs`) and its first lines are the reply.
    Outcome::Act {
        actions: vec![Action::DrainNode { node: node.clone() }],
        after: After::Drain { node },
    }
}

/// `kubectl cordon`/`uncordon`: a change, or kubectl's "already" answer.
fn cordon(k: &Kube, node: String, on: bool) -> Outcome {
    let Some(n) = k.node_named(&node) else {
        return Kube::not_found(Kind::Node, &node);
    };
    let verb = if on { "cordoned" } else { "uncordoned" };
    if k.eks.nodes[n].cordoned == on {
        return Outcome::Print(format!("node/{node} already {verb}\n"));
    }
    let action = if on {
        Action::CordonNode { node: node.clone() }
    } else {
        Action::UncordonNode { node: node.clone() }
    };
    act(action, format!("node/{node} {verb}"))
}

fn history(k: &Kube, d: usize) -> String {
    let name = &k.eks.deployments[d].name;
    let mut revs: Vec<(u32, String)> = k
        .replica_sets()
        .filter(|&r| k.eks.replica_sets[r].deployment == d)
        .map(|r| {
            let rs = &k.eks.replica_sets[r];
            // CHANGE-CAUSE is the `kubernetes.io/change-cause` annotation, which nothing sets
            // unless the user annotates the Deployment.
            (rs.revision, "<none>".to_string())
        })
        .collect();
    revs.sort();
    let mut out = format!("deployment.apps/{name} \n");
    let rows: Vec<Vec<String>> = revs
        .into_iter()
        .map(|(r, c)| vec![r.to_string(), c])
        .collect();
    // kubectl writes this table with a tabwriter padded by two (`tabbedString` in its
    // polymorphichelpers/history.go), not by three as `kubectl get` does.
    out.push_str(&super::table::render_padded(
        &["REVISION", "CHANGE-CAUSE"],
        &rows,
        2,
    ));
    out.push('\n');
    out
}

/// `kubectl rollout history deployment/NAME --revision=N`: the pod template of that revision
/// (kubectl's `DeploymentHistoryViewer`: "with revision #N", then `DescribePodTemplate`
/// written through a plain prefix writer, so its tabs reach the terminal as tabs; they are
/// expanded here to the terminal's stops every 8 columns).
fn revision(k: &Kube, d: usize, r: u32) -> Outcome {
    let name = &k.eks.deployments[d].name;
    let Some(rs) = k
        .replica_sets()
        .map(|i| &k.eks.replica_sets[i])
        .find(|rs| rs.deployment == d && rs.revision == r)
    else {
        return Outcome::Fail("error: unable to find the specified revision\n".into());
    };
    let o = format!(
        "deployment.apps/{name} with revision #{r}\n{}\n",
        pod_template(k, rs)
    );
    Outcome::Print(expand_tabs(&o))
}

/// A ReplicaSet's pod template as kubectl's `DescribePodTemplate` writes it (tabs unexpanded).
fn pod_template(k: &Kube, rs: &crate::k8s::cluster::ReplicaSet) -> String {
    let mut labels = k.eks.template_labels(rs.deployment);
    labels.push(("pod-template-hash".into(), rs.pod_template_hash.clone()));
    labels.sort();
    let labels: Vec<String> = labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
    super::pod_template::tabbed(&labels, &rs.template, &k.eks.deployments[rs.deployment])
}

/// `kubectl rollout undo deployment/NAME [--to-revision=N] [--dry-run=client|server]`, as
/// kubectl's `DeploymentRollbacker.Rollback` answers (kubectl `pkg/polymorphichelpers/
/// rollback.go`, `deploymentRevision`): the ReplicaSet of revision N, or without it the one
/// of the second-newest revision. `--dry-run=client` prints the pod template it would roll
/// back to and checks nothing else (the operation `Pod Template: … (dry run)` after the
/// Deployment's name). Otherwise a paused Deployment is refused, a revision whose template
/// is the current one is skipped (`skipped rollback (current template already matches revision
/// N)`), and a server dry run goes that far and changes nothing.
fn undo(k: &Kube, d: usize, to_revision: Option<u32>, dry_run: Option<DryRun>) -> Outcome {
    let name = &k.eks.deployments[d].name;
    let mut mine: Vec<usize> = k
        .replica_sets()
        .filter(|&r| k.eks.replica_sets[r].deployment == d)
        .collect();
    mine.sort_by_key(|&r| std::cmp::Reverse(k.eks.replica_sets[r].revision));
    let target = match to_revision {
        Some(rev) => mine
            .iter()
            .copied()
            .find(|&r| k.eks.replica_sets[r].revision == rev)
            .ok_or_else(|| format!("error: unable to find specified revision {rev} in history\n")),
        None => mine
            .get(1)
            .copied()
            .ok_or_else(|| format!("error: no rollout history found for deployment \"{name}\"\n")),
    };
    let target = match target {
        Ok(t) => t,
        Err(e) => return Outcome::Fail(e),
    };
    let rs = &k.eks.replica_sets[target];
    let suffix = dry_run.map_or("", DryRun::suffix);
    if dry_run == Some(DryRun::Client) {
        let template = pod_template(k, rs);
        return Outcome::Print(expand_tabs(&format!(
            "deployment.apps/{name} {template}{suffix}\n"
        )));
    }
    if k.eks.deployments[d].paused {
        return Outcome::Fail(format!(
            "error: you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume deployment/{name}' and try again\n"
        ));
    }
    if Some(target) == k.eks.current_replica_set(d) {
        return Outcome::Print(format!(
            "deployment.apps/{name} skipped rollback (current template already matches revision {}){suffix}\n",
            rs.revision
        ));
    }
    if dry_run == Some(DryRun::Server) {
        return Outcome::Print(format!("deployment.apps/{name} rolled back{suffix}\n"));
    }
    act(
        Action::RolloutUndo {
            deployment: name.clone(),
            to_revision,
        },
        format!("deployment.apps/{name} rolled back"),
    )
}

/// Tabs as a terminal shows them: to the next multiple of 8 columns.
fn expand_tabs(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let mut col = 0;
        for c in line.chars() {
            if c == '\t' {
                let n = 8 - col % 8;
                out.extend(std::iter::repeat_n(' ', n));
                col += n;
            } else {
                out.push(c);
                col += 1;
            }
        }
    }
    out
}

/// The kubectl a learner would have beside an EKS 1.31 cluster (kubectl supports one minor
/// version either side of the server; 1.31 ships Kustomize v5.4.2) [inferred: any supported
/// client would do].
pub(crate) const CLIENT_VERSION: &str = "v1.31.2";

/// The context `aws eks update-kubeconfig --name CLUSTER` writes and selects: named after the
/// cluster's ARN, as are its cluster and user entries (AWS CLI reference, `update-kubeconfig`,
/// `--alias`: "By default, the context name is the cluster ARN").
/// `kubectl config view`: the kubeconfig `aws eks update-kubeconfig` writes, one cluster,
/// context and user named after the cluster's ARN, the user authenticating with `aws eks
/// get-token` (EKS User Guide, "Connect kubectl to an EKS cluster by creating a kubeconfig
/// file"; the keys in kubectl's order). Without `--raw` kubectl hides the certificate
/// authority's data as `DATA+OMITTED`.
fn kubeconfig(k: &Kube, raw: bool) -> String {
    let context = context_name(k);
    let (region, name) = match k.cx.scenario.world.eks() {
        Some(spec) => (spec.cluster.region.as_str(), spec.cluster.name.as_str()),
        None => ("us-east-1", k.eks.cluster_name.as_str()),
    };
    let ca = if raw {
        crate::eks_endpoint::certificate_authority(name)
    } else {
        "DATA+OMITTED".to_string()
    };
    let server = crate::eks_endpoint::api_endpoint(name, region);
    format!(
        "apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: {ca}
    server: {server}
  name: {context}
contexts:
- context:
    cluster: {context}
    user: {context}
  name: {context}
current-context: {context}
kind: Config
preferences: {{}}
users:
- name: {context}
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      args:
      - --region
      - {region}
      - eks
      - get-token
      - --cluster-name
      - {name}
      - --output
      - json
      command: aws
      env: null
      interactiveMode: IfAvailable
      provideClusterInfo: false
"
    )
}

fn context_name(k: &Kube) -> String {
    let (region, account, name) = match k.cx.scenario.world.eks() {
        Some(spec) => (
            spec.cluster.region.as_str(),
            spec.cluster.account_id.as_str(),
            spec.cluster.name.as_str(),
        ),
        None => ("us-east-1", "123456789012", k.eks.cluster_name.as_str()),
    };
    format!("arn:aws:eks:{region}:{account}:cluster/{name}")
}
