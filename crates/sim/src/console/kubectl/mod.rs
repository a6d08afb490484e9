//! `kubectl …` against the simulated EKS cluster.

pub mod parse;
