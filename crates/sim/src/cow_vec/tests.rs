//! `CowVec` against a plain `Vec`: a clone (a snapshot) never sees a later write to the vector
//! it came from nor the reverse, going back to a clone gives exactly its contents, and the
//! counts of shared elements are right.

use super::CowVec;
use proptest::prelude::*;

#[derive(Debug, Clone, PartialEq)]
struct Obj {
    n: u32,
    text: String,
}

fn obj(n: u32) -> Obj {
    Obj {
        n,
        text: format!("object {n}"),
    }
}

#[test]
fn a_clone_keeps_what_the_vector_held_when_it_was_taken() {
    let mut live: CowVec<Obj> = (0..4).map(obj).collect();
    let snapshot = live.clone();
    live[1].n = 100;
    live.push(obj(4));
    live.remove_range(0..1);
    assert_eq!(snapshot.to_vec(), (0..4).map(obj).collect::<Vec<_>>());
    assert_eq!(
        live.iter().map(|o| o.n).collect::<Vec<_>>(),
        vec![100, 2, 3, 4]
    );
    // Writing to the snapshot does not reach the live vector either.
    let mut snapshot = snapshot;
    snapshot[3].text.push('!');
    assert_eq!(live[2].text, "object 3");
}

#[test]
fn a_write_copies_only_the_element_written() {
    let mut live: CowVec<Obj> = (0..1000).map(obj).collect();
    let snapshot = live.clone();
    assert_eq!(
        live.count_unshared(),
        0,
        "everything is shared right after a clone"
    );
    live[10].n += 1;
    live[999].n += 1;
    live[10].n += 1; // written again: already its own copy
    live.push(obj(1000));
    assert_eq!(live.count_unshared(), 3);
    assert_eq!(live.count_not_in(&snapshot), 3);
    assert_eq!(
        snapshot.count_not_in(&live),
        2,
        "the two originals written over"
    );
    assert_eq!(live[10].n, 12);
    assert_eq!(snapshot[10].n, 10);
}

#[test]
fn removing_from_the_middle_shifts_without_copying() {
    let mut live: CowVec<Obj> = (0..10).map(obj).collect();
    let snapshot = live.clone();
    live.remove_range(2..5);
    live.insert(7, obj(42));
    // [0, 1, 5, 6, 7, 8, 9, 42]: the shared elements moved; only the inserted one is new.
    assert_eq!(live.count_not_in(&snapshot), 1);
    assert_eq!(live.len(), 8);
    assert_eq!(live.partition_point(|o| o.n < 6), 3);
    assert_eq!(live.binary_search_by_key(&7, |o| o.n), Ok(4));
    assert_eq!(live.binary_search_by_key(&2, |o| o.n), Err(2));
}

#[test]
fn equality_debug_and_serialization_are_the_elements() {
    let a: CowVec<u32> = vec![1, 2, 3].into();
    let b: CowVec<u32> = (1..=3).collect();
    assert_eq!(a, b);
    assert_eq!(format!("{a:?}"), format!("{:?}", vec![1, 2, 3]));
    assert_eq!(
        serde_json::to_string(&a).expect("serializes"),
        serde_json::to_string(&vec![1, 2, 3]).expect("serializes")
    );
    let mut c = a.clone();
    c[0] = 9;
    assert_ne!(a, c);
    assert_ne!(a, CowVec::from(vec![1, 2]));
}

/// One change to the live vector, applied alike to the `CowVec` and to its `Vec` model.
#[derive(Debug, Clone)]
enum Op {
    Push(u32),
    Write {
        at: usize,
        n: u32,
    },
    Insert {
        at: usize,
        n: u32,
    },
    Remove {
        at: usize,
    },
    RemoveRange {
        from: usize,
        len: usize,
    },
    Retain {
        modulo: u32,
    },
    WriteAll(u32),
    /// Keep a snapshot (a clone of both).
    Snapshot,
    /// Go back to snapshot number `which` (modulo how many there are).
    Restore {
        which: usize,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => any::<u32>().prop_map(Op::Push),
        6 => (any::<usize>(), any::<u32>()).prop_map(|(at, n)| Op::Write { at, n }),
        1 => (any::<usize>(), any::<u32>()).prop_map(|(at, n)| Op::Insert { at, n }),
        1 => any::<usize>().prop_map(|at| Op::Remove { at }),
        1 => (any::<usize>(), 0..4usize).prop_map(|(from, len)| Op::RemoveRange { from, len }),
        1 => (2..5u32).prop_map(|modulo| Op::Retain { modulo }),
        1 => any::<u32>().prop_map(Op::WriteAll),
        3 => Just(Op::Snapshot),
        1 => any::<usize>().prop_map(|which| Op::Restore { which }),
    ]
}

fn apply(op: &Op, live: &mut CowVec<Obj>, model: &mut Vec<Obj>) {
    let len = model.len();
    match *op {
        Op::Push(n) => {
            live.push(obj(n));
            model.push(obj(n));
        }
        Op::Write { at, n } if len > 0 => {
            live[at % len].n = n;
            model[at % len].n = n;
            live.get_mut(at % len).expect("in range").text.push('w');
            model[at % len].text.push('w');
        }
        Op::Insert { at, n } => {
            live.insert(at % (len + 1), obj(n));
            model.insert(at % (len + 1), obj(n));
        }
        Op::Remove { at } if len > 0 => {
            assert_eq!(live.remove(at % len), model.remove(at % len));
        }
        Op::RemoveRange { from, len: k } if len > 0 => {
            let from = from % len;
            let to = (from + k).min(len);
            live.remove_range(from..to);
            model.drain(from..to);
        }
        Op::Retain { modulo } => {
            live.retain(|o| o.n % modulo != 0);
            model.retain(|o| o.n % modulo != 0);
        }
        Op::WriteAll(n) => {
            for o in live.iter_mut() {
                o.n ^= n;
            }
            for o in model.iter_mut() {
                o.n ^= n;
            }
        }
        _ => {}
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Whatever is done to the live vector and in whatever order snapshots are kept and
    /// restored, every snapshot still equals what the vector held when it was taken, the
    /// live vector equals its model, and a snapshot holds no more elements beyond the one
    /// before it than the live vector had written or added in between.
    #[test]
    fn snapshots_never_see_later_writes_and_restore_exactly(
        start in proptest::collection::vec(any::<u32>(), 0..20),
        ops in proptest::collection::vec(op(), 0..120),
    ) {
        let mut live: CowVec<Obj> = start.iter().copied().map(obj).collect();
        let mut model: Vec<Obj> = start.iter().copied().map(obj).collect();
        let mut snapshots: Vec<(CowVec<Obj>, Vec<Obj>)> = Vec::new();
        for op in &ops {
            match *op {
                Op::Snapshot => {
                    let unshared = live.count_unshared();
                    if let Some((before, _)) = snapshots.last() {
                        // Everything unshared is new since the last snapshot; what is
                        // shared may also be held by an earlier one that was restored.
                        prop_assert!(unshared <= live.count_not_in(before));
                    }
                    snapshots.push((live.clone(), model.clone()));
                }
                Op::Restore { which } if !snapshots.is_empty() => {
                    let (s, m) = &snapshots[which % snapshots.len()];
                    live = s.clone();
                    model = m.clone();
                }
                _ => apply(op, &mut live, &mut model),
            }
            prop_assert_eq!(live.len(), model.len());
            prop_assert_eq!(live.to_vec(), model.clone());
        }
        for (s, m) in &snapshots {
            prop_assert_eq!(&s.to_vec(), m);
            prop_assert_eq!(s, &CowVec::from(m.clone()));
            prop_assert_eq!(s.iter().rev().cloned().collect::<Vec<_>>(),
                m.iter().rev().cloned().collect::<Vec<_>>());
            prop_assert_eq!(s.count_not_in(s), 0);
        }
    }

    /// The count of elements one clone holds beyond another is exact: each element in
    /// `newer` either is (the same object) in `older` or is not.
    #[test]
    fn count_not_in_counts_exactly(
        start in proptest::collection::vec(any::<u32>(), 0..40),
        ops in proptest::collection::vec(op(), 0..60),
    ) {
        let mut live: CowVec<Obj> = start.iter().copied().map(obj).collect();
        let mut model: Vec<Obj> = start.iter().copied().map(obj).collect();
        let older = live.clone();
        for op in &ops {
            apply(op, &mut live, &mut model);
        }
        let brute = live
            .items
            .iter()
            .filter(|a| !older.items.iter().any(|o| std::sync::Arc::ptr_eq(a, o)))
            .count();
        prop_assert_eq!(live.count_not_in(&older), brute);
    }
}
