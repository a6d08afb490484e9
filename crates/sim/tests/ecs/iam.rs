//! IAM for ECS tasks (docs/rules/iam.md): the credential chain inside a task (task role, else
//! instance metadata), instance metadata reachability per network mode, and the execution role
//! at task start. Each test is a small service whose tasks run from the start.

use std::sync::Arc;

use crate::common::EcsPart;
use orca_sim::ecs::{StopCode, TaskStatus};
use orca_sim::iam::chain::ChainStep;
use orca_sim::iam::read::task_identity;
use orca_sim::world::TaskIdx;
use orca_sim::{EventKind, SimTime, Simulation};

const ROLES: &str = r#"roles: [
        (name: "ecsInstanceRole", trust: Ec2, statements: [(actions: ["ecr:*"]), (actions: ["s3:*"])]),
        (name: "exec", statements: [(actions: ["ecr:GetAuthorizationToken", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"])]),
        (name: "app", statements: [
            (actions: ["s3:GetObject"], resources: ["arn:aws:s3:::b/*"]),
            (effect: Deny, actions: ["s3:*"], resources: ["arn:aws:s3:::b/secret/*"]),
        ]),
    ],
    instance_role: "ecsInstanceRole","#;

/// Service `web` of 1 task of web:1 (launched at 0:01, so it walks the whole lifecycle) with `td_extra` in its task definition, launch type
/// `launch`, and `iam_extra` in the world's iam section; the app reads `resource` every 10 s.
fn sim(
    td_extra: &str,
    container_extra: &str,
    launch: &str,
    iam_extra: &str,
    resource: &str,
) -> Simulation {
    let src = format!(
        r#"(version: 1, title: "iam", seed: 3, duration: 600,
    world: Ecs(
        cluster: (name: "c", availability_zones: ["us-east-1a"]),
        capacity: (instances: [(name: "node", instance_type: "m5.large", count: 1)]),
        task_definitions: [(family: "web", revision: 1, cpu: 256, memory: 512, {td_extra}
            containers: [(name: "web", image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1", {container_extra})])],
        services: [(name: "web", task_definition: "web:1", desired_count: 0, launch_type: {launch})],
        iam: ({ROLES} {iam_extra}
            app_calls: [(target: "web", calls: [(action: "s3:GetObject", resource: "{resource}", every_seconds: 10)])],
        ),
    ),
    timeline: [(at: 1, action: UpdateService(service: "web", desired_count: 1))],
)"#
    );
    let s = orca_sim::scenario::parse("iam.ron", &src).unwrap_or_else(|e| panic!("{e}\n{src}"));
    Simulation::new(Arc::new(s))
}

fn run(sim: &mut Simulation, secs: u64) {
    sim.advance_to(SimTime::from_secs(secs));
}

/// The last call's (chain step, role name, allowed).
fn last_call(sim: &Simulation) -> (Option<ChainStep>, Option<String>, Option<bool>, String) {
    let c = sim.world().ecs_cluster();
    let v = task_identity(c, TaskIdx(0)).expect("the scenario models IAM");
    let call = &v.calls[0];
    (
        call.chain_step.as_ref().map(|s| match s.split(' ').next() {
            Some("3") => ChainStep::WebIdentity,
            Some("11") => ChainStep::ContainerProvider,
            _ => ChainStep::InstanceMetadata,
        }),
        call.role_arn
            .as_ref()
            .map(|a| a.rsplit('/').next().unwrap_or_default().to_string()),
        call.allowed,
        call.result.clone().unwrap_or_default(),
    )
}

#[test]
fn without_a_task_role_the_sdk_borrows_the_instance_role() {
    let mut s = sim("", "", "Ec2", "", "arn:aws:s3:::b/k");
    run(&mut s, 120);
    let (step, role, allowed, _) = last_call(&s);
    assert_eq!(step, Some(ChainStep::InstanceMetadata));
    assert_eq!(role.as_deref(), Some("ecsInstanceRole"));
    assert_eq!(allowed, Some(true));
    let v = task_identity(s.world().ecs_cluster(), TaskIdx(0)).unwrap();
    assert!(v.imds_reachable);
    assert!(v.calls[0].made >= 3, "a call every 10 s: {:?}", v.calls[0]);
}

#[test]
fn hop_limit_one_with_imdsv2_required_leaves_no_credentials() {
    let mut s = sim(
        "",
        "",
        "Ec2",
        "instance_metadata: (hop_limit: 1),",
        "arn:aws:s3:::b/k",
    );
    run(&mut s, 120);
    let (step, _, allowed, result) = last_call(&s);
    assert_eq!((step, allowed), (None, Some(false)));
    assert_eq!(
        result,
        "botocore.exceptions.NoCredentialsError: Unable to locate credentials"
    );
    // The same hop limit with IMDSv1 still answered: the SDK falls back and gets the role.
    let mut s = sim(
        "",
        "",
        "Ec2",
        "instance_metadata: (hop_limit: 1, http_tokens: Optional),",
        "arn:aws:s3:::b/k",
    );
    run(&mut s, 120);
    assert_eq!(last_call(&s).1.as_deref(), Some("ecsInstanceRole"));
}

#[test]
fn ecs_awsvpc_block_imds_closes_metadata_to_awsvpc_tasks_only() {
    let mut s = sim(
        "network_mode: Awsvpc,",
        "",
        "Ec2",
        "ecs_awsvpc_block_imds: true,",
        "arn:aws:s3:::b/k",
    );
    run(&mut s, 120);
    assert_eq!(last_call(&s).2, Some(false));
    let mut s = sim(
        "network_mode: Bridge,",
        "",
        "Ec2",
        "ecs_awsvpc_block_imds: true,",
        "arn:aws:s3:::b/k",
    );
    run(&mut s, 120);
    assert_eq!(last_call(&s).1.as_deref(), Some("ecsInstanceRole"));
    // Host mode shares the instance's network: zero hops, nothing blocks it.
    let mut s = sim(
        "network_mode: Host,",
        "",
        "Ec2",
        "instance_metadata: (hop_limit: 1), iptables_block_imds: true, ecs_awsvpc_block_imds: true,",
        "arn:aws:s3:::b/k",
    );
    run(&mut s, 120);
    assert_eq!(last_call(&s).1.as_deref(), Some("ecsInstanceRole"));
}

#[test]
fn a_task_role_answers_before_instance_metadata_and_an_explicit_deny_wins() {
    let td = r#"task_role_arn: "arn:aws:iam::123456789012:role/app","#;
    let mut s = sim(td, "", "Ec2", "", "arn:aws:s3:::b/k");
    run(&mut s, 120);
    let (step, role, allowed, _) = last_call(&s);
    assert_eq!(step, Some(ChainStep::ContainerProvider));
    assert_eq!((role.as_deref(), allowed), (Some("app"), Some(true)));
    // The instance role would allow it; the task role's Deny decides.
    let mut s = sim(td, "", "Ec2", "", "arn:aws:s3:::b/secret/x");
    run(&mut s, 120);
    let (_, role, allowed, result) = last_call(&s);
    assert_eq!((role.as_deref(), allowed), (Some("app"), Some(false)));
    let task = s.world().ecs_cluster().tasks[0].id.clone();
    assert_eq!(
        result,
        format!(
            "An error occurred (AccessDenied) when calling the GetObject operation: User: arn:aws:sts::123456789012:assumed-role/app/{task} is not authorized to perform: s3:GetObject on resource: \"arn:aws:s3:::b/secret/x\" with an explicit deny in an identity-based policy"
        )
    );
    // Logged once (the verdict did not change), with the failure's wording.
    let denied: Vec<_> = s
        .log()
        .iter()
        .filter(|e| matches!(&e.kind, EventKind::AwsCall { allowed: false, .. }))
        .collect();
    assert_eq!(denied.len(), 1);
    assert!(
        denied[0]
            .message()
            .starts_with("s3:GetObject failed: An error occurred (AccessDenied)")
    );
}

#[test]
fn fargate_has_no_instance_metadata() {
    let mut s = sim(
        r#"execution_role_arn: "arn:aws:iam::123456789012:role/exec","#,
        "",
        "Fargate",
        "",
        "arn:aws:s3:::b/k",
    );
    run(&mut s, 120);
    let v = task_identity(s.world().ecs_cluster(), TaskIdx(0)).unwrap();
    assert!(!v.imds_reachable);
    assert_eq!(v.calls[0].allowed, Some(false));
    assert!(v.calls[0].why.as_deref().unwrap().contains("Fargate"));
}

#[test]
fn a_secret_the_execution_role_may_not_read_stops_the_task_at_start() {
    let mut s = sim(
        r#"execution_role_arn: "arn:aws:iam::123456789012:role/exec","#,
        r#"secrets: ["arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf"],"#,
        "Fargate",
        "",
        "arn:aws:s3:::b/k",
    );
    run(&mut s, 300);
    let c = s.world().ecs_cluster();
    let t = &c.tasks[0];
    assert_eq!(t.last_status, TaskStatus::Stopped);
    assert_eq!(t.stop_code, Some(StopCode::TaskFailedToStart));
    assert_eq!(
        t.stopped_reason.as_deref(),
        Some(format!("ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: service call has been retried 1 time(s): api error AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/exec/{} is not authorized to perform: secretsmanager:GetSecretValue on resource: arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf because no identity-based policy allows the secretsmanager:GetSecretValue action", t.id).as_str())
    );
}

#[test]
fn an_execution_role_without_ecr_permissions_cannot_pull() {
    // A role with nothing: no registry auth token.
    let mut s = sim(
        r#"execution_role_arn: "arn:aws:iam::123456789012:role/app","#,
        "",
        "Fargate",
        "",
        "arn:aws:s3:::b/k",
    );
    run(&mut s, 300);
    let t = &s.world().ecs_cluster().tasks[0];
    assert_eq!(t.stop_code, Some(StopCode::TaskFailedToStart));
    assert!(
        t.stopped_reason
            .as_deref()
            .unwrap()
            .starts_with("ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve ecr registry auth:"),
        "{:?}",
        t.stopped_reason
    );
    // On EC2 without an execution role, the instance role pulls (and may).
    let mut s = sim("", "", "Ec2", "", "arn:aws:s3:::b/k");
    run(&mut s, 300);
    assert_eq!(
        s.world().ecs_cluster().tasks[0].last_status,
        TaskStatus::Running
    );
}

#[test]
fn the_identity_view_names_the_provider_that_answers_now() {
    use orca_sim::iam::read::CredentialSource;
    // No task role, metadata reachable: the instance role, through instance metadata.
    let mut s = sim("", "", "Ec2", "", "arn:aws:s3:::b/k");
    run(&mut s, 60);
    let v = task_identity(s.world().ecs_cluster(), TaskIdx(0)).unwrap();
    assert_eq!(v.answer.source, Some(CredentialSource::InstanceMetadata));
    assert_eq!(v.answer.role_name(), Some("ecsInstanceRole"));
    assert_eq!(v.host.as_deref(), Some("node"));
    // A task role: the agent's endpoint answers before instance metadata is asked.
    let mut s = sim(
        r#"task_role_arn: "arn:aws:iam::123456789012:role/app","#,
        "",
        "Ec2",
        "",
        "arn:aws:s3:::b/k",
    );
    run(&mut s, 60);
    let v = task_identity(s.world().ecs_cluster(), TaskIdx(0)).unwrap();
    assert_eq!(v.answer.source, Some(CredentialSource::TaskRole));
    assert_eq!(v.answer.role_name(), Some("app"));
    // Hop limit 1, IMDSv2 required, no task role: nothing answers.
    let mut s = sim(
        "",
        "",
        "Ec2",
        "instance_metadata: (hop_limit: 1),",
        "arn:aws:s3:::b/k",
    );
    run(&mut s, 60);
    let v = task_identity(s.world().ecs_cluster(), TaskIdx(0)).unwrap();
    assert_eq!(
        (v.answer.source, v.answer.role_arn.as_deref()),
        (None, None)
    );
    assert!(v.answer.why.contains("Hop limit 1"), "{}", v.answer.why);
}

#[test]
fn a_side_by_side_world_applies_an_iam_action_to_the_part_that_declares_the_role() {
    let src = r#"(version: 1, title: "both iam", seed: 3, duration: 120,
    world: Both(
        ecs: (
            cluster: (name: "demo-ecs", availability_zones: ["us-east-1a"]),
            task_definitions: [(family: "web", revision: 1, cpu: 256, memory: 512, containers: [(name: "web", image: "web:v1")])],
            services: [(name: "web", task_definition: "web:1", desired_count: 1, launch_type: Fargate)],
            iam: (roles: [(name: "web-task", statements: [(actions: ["s3:GetObject"])])]),
        ),
        eks: (
            cluster: (name: "demo-eks", availability_zones: ["us-east-1a"]),
            node_groups: [(name: "ng-1", instance_type: "m5.large", count: 1)],
            deployments: [(name: "web", replicas: 1, container: (name: "web", image: "web:v1", cpu: 250, memory: 256))],
            iam: (roles: [(name: "eksNodeRole", trust: Ec2, statements: [(actions: ["s3:GetObject"])])], instance_role: "eksNodeRole"),
        ),
    ),
    timeline: [
        (at: 10, action: PutRolePolicy(role: "eksNodeRole", statements: [(actions: ["s3:*"])])),
        (at: 20, action: CreatePodIdentityAssociation(service_account: "web", role_arn: "arn:aws:iam::123456789012:role/eksNodeRole")),
        (at: 30, action: ModifyInstanceMetadataOptions(hop_limit: 1)),
    ],
)"#;
    let s = orca_sim::scenario::parse("both.ron", src).unwrap_or_else(|e| panic!("{e}"));
    let mut sim = Simulation::new(Arc::new(s));
    sim.advance_to(SimTime::from_secs(40));
    let w = sim.world();
    let ecs = w.ecs.as_ref().unwrap().iam.as_ref().unwrap();
    let eks = w.eks.as_ref().unwrap().iam.as_ref().unwrap();
    // The EKS role changed; the ECS part, which has no such role, did not take it.
    assert_eq!(eks.roles[0].statements[0].actions, vec!["s3:*".to_string()]);
    assert_eq!(
        ecs.roles[0].statements[0].actions,
        vec!["s3:GetObject".to_string()]
    );
    // The association is an EKS object.
    assert_eq!(eks.associations.len(), 1);
    // Instance metadata options change on both parts' instances and nodes.
    assert_eq!(
        (ecs.imds.options.hop_limit, eks.imds.options.hop_limit),
        (1, 1)
    );
    let applied = sim
        .log()
        .iter()
        .filter(|e| matches!(&e.kind, EventKind::ActionApplied { .. }))
        .count();
    assert_eq!(applied, 3, "each action logged once");
}
