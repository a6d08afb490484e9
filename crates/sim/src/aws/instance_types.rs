//! EC2 instance types Orca knows, with the numbers ECS and EKS derive from them.
//!
//! vCPU, memory, ENI and IPv4-per-ENI figures are the published EC2 values. Registered ECS
//! memory and EKS allocatable are formulas, documented on each function.

/// One EC2 instance type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InstanceType {
    pub name: &'static str,
    pub vcpu: u32,
    pub memory_mib: u32,
    /// Maximum network interfaces.
    pub max_enis: u32,
    /// IPv4 addresses per network interface.
    pub ipv4_per_eni: u32,
}

const fn t(
    name: &'static str,
    vcpu: u32,
    memory_gib: u32,
    max_enis: u32,
    ipv4_per_eni: u32,
) -> InstanceType {
    InstanceType {
        name,
        vcpu,
        memory_mib: memory_gib * 1024,
        max_enis,
        ipv4_per_eni,
    }
}

const TYPES: &[InstanceType] = &[
    InstanceType {
        name: "t3.micro",
        vcpu: 2,
        memory_mib: 1024,
        max_enis: 2,
        ipv4_per_eni: 2,
    },
    InstanceType {
        name: "t3.small",
        vcpu: 2,
        memory_mib: 2048,
        max_enis: 3,
        ipv4_per_eni: 4,
    },
    t("t3.medium", 2, 4, 3, 6),
    t("t3.large", 2, 8, 3, 12),
    t("t3.xlarge", 4, 16, 4, 15),
    t("t3.2xlarge", 8, 32, 4, 15),
    t("m5.large", 2, 8, 3, 10),
    t("m5.xlarge", 4, 16, 4, 15),
    t("m5.2xlarge", 8, 32, 4, 15),
    t("m5.4xlarge", 16, 64, 8, 30),
    t("m6i.large", 2, 8, 3, 10),
    t("m6i.xlarge", 4, 16, 4, 15),
    t("c5.large", 2, 4, 3, 10),
    t("c5.xlarge", 4, 8, 4, 15),
    t("c5.2xlarge", 8, 16, 4, 15),
    t("r5.large", 2, 16, 3, 10),
    t("r5.xlarge", 4, 32, 4, 15),
];

impl InstanceType {
    /// CPU units an ECS container instance registers: 1,024 per vCPU (Amazon ECS Developer Guide, task definition parameters, `cpu`:
    /// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html).
    pub fn cpu_units(&self) -> u32 {
        self.vcpu * 1024
    }

    /// Memory an ECS container instance registers, in MiB.
    ///
    /// Inferred model: the agent registers the memory the OS reports, which is below the
    /// nominal size because the kernel keeps some; real values vary by AMI. Orca registers
    /// 15/16 of the nominal size (an 8 GiB m5.large registers 7,680 MiB), close to what the
    /// ECS-optimized AMI shows.
    pub fn ecs_registered_memory_mib(&self) -> u32 {
        self.memory_mib / 16 * 15
    }

    /// The EKS AMI's max-pods value with the VPC CNI: `ENIs × (IPv4 per ENI − 1) + 2`.
    pub fn eks_max_pods(&self) -> u32 {
        self.max_enis * (self.ipv4_per_eni - 1) + 2
    }

    /// Allocatable CPU on an EKS node in millicores: capacity minus kube-reserved CPU, which
    /// the EKS AMI sets to 6 % of the first core, 1 % of the second, 0.5 % of the next two and
    /// 0.25 % of every core above four.
    pub fn eks_allocatable_cpu_millis(&self) -> u32 {
        let mut reserved = 0.0;
        for core in 1..=self.vcpu {
            reserved += match core {
                1 => 60.0,
                2 => 10.0,
                3 | 4 => 5.0,
                _ => 2.5,
            };
        }
        self.vcpu * 1000 - reserved as u32
    }

    /// Allocatable memory on an EKS node in MiB: capacity minus kube-reserved
    /// (`11 MiB × max-pods + 255 MiB`) minus the 100 MiB hard eviction threshold.
    pub fn eks_allocatable_memory_mib(&self) -> u32 {
        self.memory_mib
            .saturating_sub(11 * self.eks_max_pods() + 255)
            .saturating_sub(100)
    }
}

/// On-demand Linux prices in us-east-1, US dollars per hour (the published EC2 list prices;
/// Orca uses them in every region, since only their order matters to its choices).
const ON_DEMAND_USD_PER_HOUR: &[(&str, f64)] = &[
    ("t3.micro", 0.0104),
    ("t3.small", 0.0208),
    ("t3.medium", 0.0416),
    ("t3.large", 0.0832),
    ("t3.xlarge", 0.1664),
    ("t3.2xlarge", 0.3328),
    ("m5.large", 0.096),
    ("m5.xlarge", 0.192),
    ("m5.2xlarge", 0.384),
    ("m5.4xlarge", 0.768),
    ("m6i.large", 0.096),
    ("m6i.xlarge", 0.192),
    ("c5.large", 0.085),
    ("c5.xlarge", 0.17),
    ("c5.2xlarge", 0.34),
    ("r5.large", 0.126),
    ("r5.xlarge", 0.252),
];

impl InstanceType {
    /// The on-demand price per hour, for choosing the cheapest type that fits.
    pub fn on_demand_usd_per_hour(&self) -> f64 {
        ON_DEMAND_USD_PER_HOUR
            .iter()
            .find(|(n, _)| *n == self.name)
            .map_or(f64::MAX, |(_, p)| *p)
    }
}

/// The instance type called `name`, if Orca knows it.
pub fn lookup(name: &str) -> Option<&'static InstanceType> {
    TYPES.iter().find(|t| t.name == name)
}

/// Every instance type Orca knows, smallest family member first.
pub fn all() -> &'static [InstanceType] {
    TYPES
}

/// The message for an instance type Orca does not know, listing those it does.
pub fn unknown_type_message(name: &str) -> String {
    let names: Vec<&str> = TYPES.iter().map(|t| t.name).collect();
    format!(
        "unknown instance type \"{name}\"; Orca knows {}",
        names.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_type_has_a_price() {
        for t in all() {
            assert!(t.on_demand_usd_per_hour() < 1.0, "{}", t.name);
        }
        let price = |n: &str| lookup(n).map(|t| t.on_demand_usd_per_hour());
        assert!(price("c5.large") < price("m5.large"));
    }

    #[test]
    fn ecs_registers_1024_cpu_units_per_vcpu() {
        let m5 = lookup("m5.xlarge").expect("known type");
        assert_eq!(m5.cpu_units(), 4096);
        assert_eq!(
            lookup("m5.large").map(|t| t.ecs_registered_memory_mib()),
            Some(7680)
        );
    }

    #[test]
    fn eks_max_pods_follows_the_eni_formula() {
        // Published values from the EKS AMI's eni-max-pods.txt.
        assert_eq!(lookup("m5.large").map(|t| t.eks_max_pods()), Some(29));
        assert_eq!(lookup("t3.medium").map(|t| t.eks_max_pods()), Some(17));
        assert_eq!(lookup("t3.micro").map(|t| t.eks_max_pods()), Some(4));
        assert_eq!(lookup("m5.4xlarge").map(|t| t.eks_max_pods()), Some(234));
    }

    #[test]
    fn eks_allocatable_subtracts_kube_reserved_and_eviction() {
        let m5 = lookup("m5.large").expect("known type");
        // 2000m − (60 + 10) = 1930m.
        assert_eq!(m5.eks_allocatable_cpu_millis(), 1930);
        // 8192 − (11 × 29 + 255) − 100 = 7518 MiB.
        assert_eq!(m5.eks_allocatable_memory_mib(), 7518);
    }

    #[test]
    fn unknown_types_are_named_with_alternatives() {
        assert!(lookup("m5.huge").is_none());
        let msg = unknown_type_message("m5.huge");
        assert!(
            msg.contains("\"m5.huge\"") && msg.contains("m5.large"),
            "{msg}"
        );
    }
}
