//! Fargate task sizes: the cpu/memory pairs `RegisterTaskDefinition` accepts for
//! `requiresCompatibilities: FARGATE` (Amazon ECS Developer Guide, "Fargate task CPU and memory":
//! https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html).

use std::fmt;

/// The memory values (MiB) Fargate accepts for a task cpu value, or `None` when the cpu value
/// itself is not a Fargate size.
pub fn valid_memory_for_cpu(cpu: u32) -> Option<Vec<u32>> {
    const GB: u32 = 1024;
    let (from, to, step) = match cpu {
        256 => return Some(vec![512, GB, 2 * GB]),
        512 => (GB, 4 * GB, GB),
        1024 => (2 * GB, 8 * GB, GB),
        2048 => (4 * GB, 16 * GB, GB),
        4096 => (8 * GB, 30 * GB, GB),
        8192 => (16 * GB, 60 * GB, 4 * GB),
        16384 => (32 * GB, 120 * GB, 8 * GB),
        _ => return None,
    };
    Some((from..=to).step_by(step as usize).collect())
}

/// The task cpu values Fargate accepts.
pub const CPU_VALUES: [u32; 7] = [256, 512, 1024, 2048, 4096, 8192, 16384];

/// Why a task size is not a Fargate size. Its `Display` says what would be valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FargateSizeError {
    Cpu {
        cpu: u32,
    },
    Memory {
        cpu: u32,
        memory: u32,
        valid: Vec<u32>,
    },
}

impl fmt::Display for FargateSizeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FargateSizeError::Cpu { cpu } => write!(
                f,
                "Fargate task cpu must be one of 256, 512, 1024, 2048, 4096, 8192 or 16384 CPU units; got {cpu}"
            ),
            FargateSizeError::Memory { cpu, memory, valid } => {
                write!(f, "Fargate cpu {cpu} allows memory ")?;
                describe_memory(f, valid)?;
                write!(f, " MiB; got {memory}")
            }
        }
    }
}

/// Lists short sets in full and long stepped ranges as "from to to in steps of step".
fn describe_memory(f: &mut fmt::Formatter<'_>, valid: &[u32]) -> fmt::Result {
    if valid.len() <= 3 {
        let parts: Vec<String> = valid.iter().map(u32::to_string).collect();
        let (last, rest) = parts
            .split_last()
            .map_or(("", &[][..]), |(l, r)| (l.as_str(), r));
        if rest.is_empty() {
            write!(f, "{last}")
        } else {
            write!(f, "{} or {last}", rest.join(", "))
        }
    } else {
        let step = valid[1] - valid[0];
        write!(
            f,
            "{} to {} in steps of {step}",
            valid[0],
            valid[valid.len() - 1]
        )
    }
}

/// Checks a task size against the Fargate table.
pub fn validate_task_size(cpu: u32, memory: u32) -> Result<(), FargateSizeError> {
    let valid = valid_memory_for_cpu(cpu).ok_or(FargateSizeError::Cpu { cpu })?;
    if valid.contains(&memory) {
        Ok(())
    } else {
        Err(FargateSizeError::Memory { cpu, memory, valid })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarter_vcpu_takes_half_one_or_two_gb() {
        assert!(validate_task_size(256, 512).is_ok());
        assert!(validate_task_size(256, 1024).is_ok());
        assert!(validate_task_size(256, 2048).is_ok());
        let err = validate_task_size(256, 4096).unwrap_err();
        assert_eq!(
            err.to_string(),
            "Fargate cpu 256 allows memory 512, 1024 or 2048 MiB; got 4096"
        );
    }

    #[test]
    fn stepped_ranges_follow_the_table() {
        assert!(validate_task_size(512, 4096).is_ok());
        assert!(validate_task_size(512, 5120).is_err());
        assert!(validate_task_size(4096, 30 * 1024).is_ok());
        assert!(validate_task_size(4096, 31 * 1024).is_err());
        // 8 vCPU moves in 4 GB steps: 16, 20, 24 … 60.
        assert!(validate_task_size(8192, 20 * 1024).is_ok());
        assert!(validate_task_size(8192, 18 * 1024).is_err());
        assert!(validate_task_size(16384, 120 * 1024).is_ok());
        assert!(validate_task_size(16384, 36 * 1024).is_err());
        assert_eq!(
            validate_task_size(1024, 1024).unwrap_err().to_string(),
            "Fargate cpu 1024 allows memory 2048 to 8192 in steps of 1024 MiB; got 1024"
        );
    }

    #[test]
    fn unknown_cpu_lists_the_valid_values() {
        let err = validate_task_size(300, 512).unwrap_err();
        assert!(err.to_string().contains("256, 512, 1024"), "{err}");
    }
}
