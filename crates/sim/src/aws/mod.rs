//! Static AWS reference data: instance types and Fargate task sizes.
pub mod fargate;
pub mod instance_types;
