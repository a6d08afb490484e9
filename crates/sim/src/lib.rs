//! Orca's simulation core: a pure, deterministic model of Amazon ECS (and, later, Kubernetes on
//! Amazon EKS) driven by a scenario file. No I/O, no Bevy, no wall clock.
pub mod aas;
pub mod aws;
pub mod compliance;
pub mod console;
pub mod control;
pub mod cow_vec;
pub mod ecr;
pub mod ecs;
pub mod efs;
pub mod elb;
pub mod engine;
pub mod event;
pub mod goals;
pub mod iam;
pub mod insights;
pub mod k8s;
pub mod logs;
pub mod manifest;
pub mod min_heap;
pub mod name;
pub mod net;
pub mod prefetch;
pub mod probe;
pub mod rng;
pub mod scenario;
pub mod security;
pub mod text;
pub mod time;
pub mod why;
pub mod world;

pub use engine::{Playback, QuizMoment, Simulation, Snapshot};
pub use event::{Event, EventKind, Source, Subject, Subjects};
pub use name::Name;
pub use scenario::spec::Scenario;
pub use time::{Millis, SimTime};
pub use world::World;
