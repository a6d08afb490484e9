//! Container Insights as the app charts it: per ECS service, or per Kubernetes workload (the
//! `PodName` dimension), CPU and memory utilisation over time, read from the samples the
//! agent (EKS) or the cluster setting (ECS) published
//! (docs/rules/containers-and-logs.md#container-insights).
//!
//! ECS publishes no utilisation percentage: the chart's is `CpuUtilized / CpuReserved` and
//! `MemoryUtilized / MemoryReserved` [inferred: the share of the reservation in use, from the
//! documented metrics (Amazon CloudWatch User Guide, "Amazon ECS Container Insights metrics",
//! <https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Container-Insights-metrics-ECS.html>)]. EKS publishes `pod_cpu_utilization`, `pod_memory_utilization` (of the node)
//! and `pod_memory_utilization_over_pod_limit` directly.

use super::series::Insights;
use crate::time::SimTime;

/// One object's utilisation series, one point a minute (percent).
#[derive(Debug, Clone, PartialEq)]
pub struct Utilization {
    /// `service/web` or `pod/web` (the workload).
    pub object: String,
    /// The Kubernetes namespace (EKS), empty for an ECS service.
    pub namespace: String,
    pub cpu: Vec<(SimTime, f64)>,
    pub memory: Vec<(SimTime, f64)>,
    /// EKS only: memory against the pod's limit (what an OOM kill is measured against).
    pub memory_over_limit: Vec<(SimTime, f64)>,
    /// What each series is, in the metric's own names.
    pub cpu_metric: &'static str,
    pub memory_metric: &'static str,
}

/// Every object that has usage datapoints, in the order it first appears. Empty when nothing
/// was published (the agent or setting absent, or no minute has passed yet).
pub fn utilization(ins: &Insights) -> Vec<Utilization> {
    let mut out: Vec<Utilization> = Vec::new();
    let cluster = ins.cluster.as_str();
    let mut objects: Vec<(&'static str, String, String)> = Vec::new();
    for s in &ins.samples {
        for d in &s.data {
            let ecs = d.metric == "CpuUtilized"
                && d.dimensions.len() == 2
                && d.dimensions.iter().any(|(n, _)| *n == "ServiceName");
            let eks = d.metric == "pod_cpu_utilization" && d.dimensions.len() == 3;
            let key = if ecs {
                d.dimensions
                    .iter()
                    .find(|(n, _)| *n == "ServiceName")
                    .map(|(_, v)| ("ServiceName", v.clone(), String::new()))
            } else if eks {
                let ns = d.dimensions.iter().find(|(n, _)| *n == "Namespace");
                let pod = d.dimensions.iter().find(|(n, _)| *n == "PodName");
                ns.zip(pod)
                    .map(|((_, ns), (_, pod))| ("PodName", pod.clone(), ns.clone()))
            } else {
                None
            };
            if let Some(k) = key
                && !objects.contains(&k)
            {
                objects.push(k);
            }
        }
    }
    for (kind, name, ns) in objects {
        if kind == "ServiceName" {
            let dims = [("ClusterName", cluster), ("ServiceName", name.as_str())];
            let ratio = |used: &str, reserved: &str| {
                let r = ins.series(reserved, &dims);
                ins.series(used, &dims)
                    .into_iter()
                    .zip(r)
                    .filter(|(_, (_, r))| *r > 0.0)
                    .map(|((at, u), (_, r))| (at, round1(u * 100.0 / r)))
                    .collect()
            };
            out.push(Utilization {
                object: format!("service/{name}"),
                namespace: String::new(),
                cpu: ratio("CpuUtilized", "CpuReserved"),
                memory: ratio("MemoryUtilized", "MemoryReserved"),
                memory_over_limit: Vec::new(),
                cpu_metric: "CpuUtilized / CpuReserved",
                memory_metric: "MemoryUtilized / MemoryReserved",
            });
        } else {
            let dims = [
                ("ClusterName", cluster),
                ("Namespace", ns.as_str()),
                ("PodName", name.as_str()),
            ];
            out.push(Utilization {
                object: format!("pod/{name}"),
                namespace: ns.clone(),
                cpu: ins.series("pod_cpu_utilization", &dims),
                memory: ins.series("pod_memory_utilization", &dims),
                memory_over_limit: ins.series("pod_memory_utilization_over_pod_limit", &dims),
                cpu_metric: "pod_cpu_utilization",
                memory_metric: "pod_memory_utilization",
            });
        }
    }
    out
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::insights::{Datum, Sample};

    fn datum(metric: &'static str, dims: &[(&'static str, &str)], value: f64) -> Datum {
        Datum {
            metric,
            dimensions: dims.iter().map(|(n, v)| (*n, v.to_string())).collect(),
            value,
            unit: "None",
        }
    }

    #[test]
    fn an_ecs_service_s_utilisation_is_used_over_reserved() {
        let mut ins = Insights::enabled("demo");
        let svc = [("ClusterName", "demo"), ("ServiceName", "web")];
        let cluster = [("ClusterName", "demo")];
        for (m, mem) in [(1u64, 256.0), (2, 384.0)] {
            ins.push(Sample {
                tasks: Vec::new(),
                at: SimTime::from_secs(60 * m),
                data: vec![
                    // The cluster's own datapoints are not a service.
                    datum("CpuUtilized", &cluster, 999.0),
                    datum("CpuUtilized", &svc, 128.0),
                    datum("CpuReserved", &svc, 512.0),
                    datum("MemoryUtilized", &svc, mem),
                    datum("MemoryReserved", &svc, 1024.0),
                ],
            });
        }
        let u = utilization(&ins);
        assert_eq!(u.len(), 1);
        assert_eq!(u[0].object, "service/web");
        assert_eq!(
            u[0].cpu,
            vec![
                (SimTime::from_secs(60), 25.0),
                (SimTime::from_secs(120), 25.0)
            ]
        );
        assert_eq!(
            u[0].memory,
            vec![
                (SimTime::from_secs(60), 25.0),
                (SimTime::from_secs(120), 37.5)
            ]
        );
    }

    #[test]
    fn an_eks_workload_is_read_from_its_pod_name_dimension_not_each_pod() {
        let mut ins = Insights::enabled("demo");
        let workload = [
            ("ClusterName", "demo"),
            ("Namespace", "default"),
            ("PodName", "api"),
        ];
        let one_pod = [
            ("ClusterName", "demo"),
            ("Namespace", "default"),
            ("PodName", "api"),
            ("FullPodName", "api-7d-x1"),
        ];
        ins.push(Sample {
            tasks: Vec::new(),
            at: SimTime::from_secs(60),
            data: vec![
                datum("pod_cpu_utilization", &one_pod, 9.0),
                datum("pod_cpu_utilization", &workload, 4.5),
                datum("pod_memory_utilization", &workload, 12.0),
                datum("pod_memory_utilization_over_pod_limit", &workload, 80.0),
            ],
        });
        let u = utilization(&ins);
        assert_eq!(u.len(), 1);
        assert_eq!(u[0].object, "pod/api");
        assert_eq!(u[0].cpu, vec![(SimTime::from_secs(60), 4.5)]);
        assert_eq!(u[0].memory_over_limit, vec![(SimTime::from_secs(60), 80.0)]);
    }

    #[test]
    fn nothing_published_means_nothing_to_chart() {
        assert!(utilization(&Insights::default()).is_empty());
    }
}
