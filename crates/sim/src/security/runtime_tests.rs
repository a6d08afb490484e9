use super::*;

#[test]
fn finding_types_are_current_runtime_types_with_their_default_severities() {
    let cases = [
        (
            ContainerActivity::QueryCommandAndControlDomain("c2.example".into()),
            "Backdoor:Runtime/C&CActivity.B!DNS",
            "High",
        ),
        (
            ContainerActivity::QueryBitcoinDomain("pool.example".into()),
            "CryptoCurrency:Runtime/BitcoinTool.B!DNS",
            "High",
        ),
        (
            ContainerActivity::RunCryptoMiner("/tmp/xmrig".into()),
            "Impact:Runtime/CryptoMinerExecuted",
            "High",
        ),
        (
            ContainerActivity::OpenReverseShell("198.51.100.7:4444".into()),
            "Execution:Runtime/ReverseShell",
            "High",
        ),
        (
            ContainerActivity::RunNewBinary("/tmp/x".into()),
            "Execution:Runtime/NewBinaryExecuted",
            "Medium",
        ),
    ];
    for (a, kind, level) in cases {
        let (k, severity, _) = finding_type(&a);
        assert_eq!(k, kind);
        let f = Finding {
            id: String::new(),
            finding_type: k.into(),
            severity,
            title: String::new(),
            username: String::new(),
            target: String::new(),
            at_ms: 0,
            runtime: None,
        };
        assert_eq!(f.severity_label(), level, "{kind}");
    }
}

#[test]
fn management_follows_the_spec_and_its_api_names() {
    let r = |m, h| {
        Runtime::build(
            &RuntimeMonitoringSpec {
                eks_addon_management: m,
                manual_addon: h,
            },
            Vec::new(),
        )
        .management
    };
    assert_eq!(r(true, false), Management::AutoManaged);
    assert_eq!(r(false, true), Management::Manual);
    assert_eq!(r(false, false), Management::NotInstalled);
    assert_eq!(Management::AutoManaged.as_api(), "AUTO_MANAGED");
    assert_eq!(Management::Manual.as_api(), "MANUAL");
}

#[test]
fn only_a_running_agent_covers_its_node() {
    assert!(AgentOnNode::Running { pod: "a".into() }.covered());
    for a in [
        AgentOnNode::NotRunning {
            pod: "a".into(),
            status: "Pending".into(),
        },
        AgentOnNode::NoAddon,
        AgentOnNode::Fargate,
    ] {
        assert!(!a.covered());
        assert!(!a.why("n1").is_empty());
    }
}
