//! Placeholder replaced by the benchmark of 10,000 tasks on 500 instances.
fn main() {}
