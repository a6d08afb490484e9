//! 10,000 tasks on 500 EC2 instances through a full rolling update and one simulated hour.
//!
//! 20 services × 500 tasks (256 CPU units, 512 MiB, bridge mode, each service behind its own
//! target group) on 500 m5.4xlarge container instances spread over 3 Availability Zones. At
//! 1:00 every service is updated to revision 2 (minimumHealthyPercent 100, maximumPercent 200:
//! 10,000 new tasks start, turn healthy, and 10,000 old ones drain and stop); the run goes on
//! to 1:00:00. Goal: at least 50,000× faster than real time (the hour in under 72 ms; the goal
//! was 10,000×, 0.36 s, before the issue "The canvas for a room and for a big cluster").
//!
//! `cargo bench -p orca-sim --bench simulate` first prints the outcome of checked runs and the
//! speed-up (3600 s simulated ÷ wall seconds), then criterion's measurements of
//! `build_and_run_1h` (world construction + the hour) and `run_1h` (the hour alone).
//! `TASKS=1000` runs the same shape smaller (20 services, one instance per 20 tasks), e.g.
//! under `valgrind --tool=callgrind`, whose instruction counts do not depend on the load of
//! the shared machine (wall times there can be 4–10× idle).
//!
//! Before the changes of 2026-12-04 (ecs-speed): 13.03 G instructions for the five checked
//! runs (about 2.6 G per build + hour; callgrind, `--bench nomatch` to skip criterion). Where
//! they go: the scheduler's passes 57 % (the health gates of every live task on every pass
//! 9 %), event and explanation text (`format`) 25 %, building the world 11 %. The text of
//! events nobody keeps, and passes that look at every task again, are the next costs to cut;
//! the figure after the changes was not measured (no time left to rebuild the bench).
//!
//! Measured again on 2026-12-04 (ecs-speed), `TASKS=2000`, callgrind, the five checked runs:
//! 2.404 G instructions. Where they went: malloc, realloc and free ~37 % (2.45 M allocations,
//! 0.67 M reallocations of `format!` buffers that started too small and grew), the scheduler's
//! passes 55 % inclusive (the health gates 7 %), `format!` 28 % inclusive (target-health
//! messages alone 10 %), dropping the event log 9 %. After writing the hot event and
//! explanation texts into one buffer of the right size (`event::text`, `Bounds`' texts):
//! 2.016 G (−16 %), the same 32,518 events. Full size, wall clock on the shared machine (load
//! about 3.5, so only the comparison means something): the hour alone 1.12 s → 0.91 s
//! (3,200× → 3,900× real time). The goal (≥ 50,000×, ≤ 72 ms) needs more than text: fewer
//! allocations per event (ids and names cloned into every event), per-task cached health gates,
//! passes that do not walk every task several times.
//!
//! 2026-12-04 at 14:00 UTC (shared names): callgrind, `TASKS=2000`, the five checked runs: 2.016 G →
//! 1.62 G instructions (−20 %), the same 32,518 events, after ids and names became shared
//! `Name`s (1.25 M `String` clones at about 160 instructions each, most of them in task-state
//! and target-health events, became counter increments), health gates read target states
//! from a compact array, and passes skip two scans of every task when there is nothing to
//! find. Full size on an idle machine (median of 4 checked runs): the hour 249–257 ms →
//! 225–234 ms; criterion after: 218 ms for the hour (≈ 16,500×), 242 ms with the build.
//! Then `Task` became `repr(C)` with the fields a pass reads first: 190–203 ms (median of 4),
//! criterion 210 ms for the hour (≈ 17,100×), 229 ms with the build; instructions unchanged
//! (1.62 G), so the gain is fewer cache lines per task.
//! Wall time falls less than instructions because a pass is bound by memory latency:
//! `perf record --call-graph dwarf` puts most of a pass's time on the first read of each
//! task (every `Task` sits behind its own pointer in a `CowVec`), once per pass per live task
//! — about 1,100 passes over up to 1,000 tasks in the hour. The next lever is a compact
//! per-task summary (status, liveness, deployment, host) the passes read instead of the
//! tasks, kept in step wherever a task changes; fewer passes would change the logs.
//!
//! 2026-12-04 at 17:00 UTC (pass rows): a pass reads each live task once, into a compact row
//! (deployment position, host, zone, running, draining, failing, healthy) that its starts,
//! stops, spread counts and health-gate record read instead of the tasks; a first loop only
//! asks which tasks are live, so their reads overlap. Criterion, idle: the hour 0.21 s →
//! 0.193 s (≈ 18,600×), build + hour 0.225 s; the same events. `perf record` after: the
//! pass's single read of each task is about a fifth of the hour, page faults about 9 % (most
//! of them filling the 35 MB event log), event texts and their allocations most of the rest.
//! 50,000× needs passes that cost what changed and event texts written only when read.
//!
//! 2026-12-04 at 19:40 UTC (texts written when read): task and target state changes, 120,000
//! of the 160,000 events (130,000 with the target removals deferred at 20:00, which measured
//! no different), keep what their text needs beyond their kind (`event::Message`) and
//! `Event::message` writes the text when someone reads it. Back to back on the same machine,
//! criterion: the hour 0.211 s → 0.179 s (≈ 20,100×), build + hour 0.229 s → 0.202 s; the same
//! events and texts (every golden log unchanged). The scheduler's passes are now about 57 % of
//! the hour. Tried and not kept: a compact copy of each task's hot fields beside the tasks,
//! which the passes read instead of the tasks: the pass's reads got cheaper (observe −5 % of
//! the hour in `perf`) but the hour did not (227 ms both, alternating runs): the later steps
//! of the pass then missed the tasks the first read had brought into the cache. Nor a single
//! packed `u128` key for the timer heap's (moment, order) pairs: 190–195 ms either way.
//! Callgrind, `TASKS=2000`, the five checked runs: 1.62 G → 1.37 G instructions.
//!
//! 2026-12-04 at 23:25 UTC (briefs, picker, heap, prefetch, fewer gates). Criterion, back to
//! back with the 19:40 build on the same machine (slower tonight than at 19:40): the hour
//! 0.193 s → 0.157 s (≈ 23,000×), build + hour 0.206 s → 0.178 s; the same events and texts.
//! The steps, each measured in alternating checked runs:
//! - a pass reads each task's 64-byte brief (`ecs::task_table`, kept beside the tasks; the
//!   compact copy tried at 19:40, now with the rest of the pass reading it too) and steps
//!   through each target group's targets in task order (`TargetGroup::position_from`)
//!   instead of a binary search per task: −3 to −5 %;
//! - stops are taken by a `Picker` that sorts the candidates of each zone once and re-sorts
//!   only those on the instance a stop leaves, instead of a scan of every candidate per stop
//!   (about 15 stops from 250 candidates in a pass that stops): −3 %;
//! - the timer queue is a four-ary heap (`min_heap.rs`): taking the next timer out fell from
//!   7 % to 4 % of the hour;
//! - while a timer runs, the processor is asked to fetch the task or target the next timer
//!   reads first (`prefetch.rs`), and a task's next-step moment sits with its hot fields: −3 %.
//!   Fetching, in the same way, the task id that the timer after next will clone measured no
//!   different, nor did fetching ahead while the briefs are rebuilt; both were left out.
//! - a pass keeps only the health gates it records (tasks not yet counted as healthy, or not
//!   healthy now); its rows say whether each gate was open or failing: −2 to −3 %.
//!
//! What remained was spread thin: the passes about half of the hour (sweeps of ~700 rows, and
//! the real work of 20,000 starts and 10,000 stops), making the events (224 bytes each: the
//! copy into the log and its page faults were ~8 %), first reads of tasks and targets.
//!
//! 2026-12-05 (subjects inline, smaller events, more texts written when read). The machine
//! was noisier than the day before (the 23:25 build measured 0.156 s at 00:50 and 0.170–0.173 s
//! at 01:50), so only back-to-back pairs mean something. Criterion, the 23:25 build then this
//! one: the hour 0.173 s → 0.151 s and 0.170 s → 0.161 s (−13 %, −5 %), build + hour
//! 0.189 s → 0.181 s and 0.189 s → 0.182 s (−4 %); alternating checked runs (six pairs): the
//! hour −7 to −9 %, build + hour −13 to −16 %. About 22,000–24,000× real time depending on the
//! load. The same events and texts. Counted with temporary counters: the hour runs 71,149
//! timers and 1,109 passes (566 of which log nothing) over 734,643 rows in all. The steps:
//! - an event keeps its one to three subjects inline (`event::Subjects`) instead of a `Vec`
//!   of its own: one allocation less per event, most of the gain of build + hour;
//! - an event is 240 bytes, was 224 with a separate `Vec` of subjects and 304 with them
//!   inline: every source and subject is a shared `Name` (24 bytes, not 32), the widest kinds
//!   hold `Name`s instead of `String`s (`EventKind` 104 → 80 bytes), and a target's events
//!   clone the address it keeps (`Target::address`) instead of writing it each time: −4 %;
//! - the texts of targets registered and deregistered, draining begun and a stop requested
//!   (40,000 events) are written when read (`event::Message::Targets`, `OfKind`);
//! - the stop choice counts the spread only when a picker has candidates it may pick; a
//!   target's update works out what its application answers once; a pass's gates look up
//!   whether a task definition has an essential health check once per definition.
//!
//! Tried and not kept:
//! - a memo of each service's rows and gates kept between passes, with a stamp on every task
//!   write (and on every target change) saying which rows to read again. 92 % of rows were
//!   reused and the pass's observation fell from 10.8 % to 9.5 % of the hour (`perf`), but
//!   the hour did not change (154–158 ms both ways, alternating): the rows are still copied,
//!   and a row read from a 64-byte brief costs little more than one copied;
//! - the deployment counts taken in the tally's walk over the tasks instead of a walk of
//!   their own: no difference;
//! - transparent huge pages for the allocator (`GLIBC_TUNABLES=glibc.malloc.hugetlb=1`, no
//!   code): page faults fell from ~14,700 to ~2,400 per run, the time did not fall reliably.
//!
//! Where the hour goes now (`perf`, release): the passes about half (observing ~660 rows
//! 11 %, launching 11 %, stopping 13 %, choosing stops 8 %, status 6 %); writing each event
//! into the log about 10 % (mostly the page faults of a 38 MB log, ~2 µs each on this
//! machine); name clones 7 % (a count bumped atomically, several per event); target health
//! updates 10 %. 50,000× (72 ms) needs fewer bytes and clones per event (kinds that refer to
//! objects by number, not by name) and passes whose every step costs what changed, not only
//! their observation.
//!
//! 2026-12-05 at 04:10 UTC (one-pointer names). A `Name` is an `arcstr::ArcStr` (8 bytes: the
//! count and the length sit with the text) instead of an `Arc<str>` (16), and every text field
//! of an `EventKind` is a `Name` instead of a `String` (24): an event is 168 bytes, was 240,
//! and the log of the hour 27 MB, was 38 MB. Criterion, back to back with the build before
//! (two pairs): the hour 0.148 s → 0.138 s and 0.144 s → 0.135 s (−7 %, ≈ 26,700× real time),
//! build + hour 0.170 s → 0.157 s and 0.163 s → 0.163 s; checked runs (four alternating pairs,
//! median of 4 each) 146.8–149.6 ms → 141.3–142.2 ms. The same events and texts. Ten minutes
//! later the machine was much less loaded and the same two binaries ran a third faster; back
//! to back again (two pairs): the hour 0.091 s → 0.086 s and 0.097 s → 0.088 s (≈ 41,000× real
//! time), build + hour 0.132 s → 0.118 s and 0.124 s → 0.120 s. Only pairs measured back to
//! back compare.
//!
//! Counted with temporary timers around each pass (not kept): the 566 passes that log nothing
//! take 15 ms of the hour and the 543 that start or stop tasks 60–70 ms; 436 of the former
//! follow a task reaching STOPPED and 106 a task reaching RUNNING. They are not skipped: such
//! a pass still records the health gates that opened and the pass the inspector shows.
//!
//! Tried and not kept, each measured in alternating checked runs:
//! - a target keeping the position of its container among its task's and of its zone in the
//!   network instead of comparing their names on every health update: `perf` had put 5 % of
//!   the hour on those comparisons, but they were the first reads of the task's containers,
//!   and the time stayed (148–154 ms both);
//! - an event's `why` as a `Box<str>` (8 bytes less than a `String`): no difference;
//! - popping the timer heap bottom-up (Floyd's variant, as `std`'s `BinaryHeap` does): no
//!   difference.
//! - hinting the briefs eight tasks ahead in the three walks over a service's tasks (observe,
//!   the tally, the deployment counts): no difference (five alternating pairs, quiet machine).
//! - the timer queue's (moment, order) packed into one `u128` key again, now that taking the
//!   next timer was 8 % of the hour on a quiet machine: no difference (five alternating pairs).
//!
//! Where the hour goes after (`perf`, release): the passes about 56 % (observing 14 %,
//! launching 11 %, stopping 11 %, choosing stops 9 %), target health updates 10 %, writing
//! events into the log about 8 % (page faults of the smaller log included), taking the next
//! timer 7 %, name clones 8 % (most of it the first read of a task's id). The hour is bound by
//! first reads of objects scattered in memory (tasks, their containers, targets, names), not
//! by instructions: 50,000× (72 ms) still needs events that refer to objects by number and
//! passes whose every step costs what changed.
//!
//! 2026-12-05 at 06:00 UTC (radix heap), on a new machine of the same kind, slower than the
//! quiet hour of 04:20 and as noisy (the same binary's checked runs ranged 125–180 ms within
//! minutes). The timer queue is a radix heap (`radix_heap.rs`): `perf` puts taking the next
//! timer at ~3.5 % of the hour, was ~8.6 % with the four-ary heap; a deployment keeps its id's
//! key and a task's creation reads the id's digits once. Alternating checked runs against the
//! build before, the radix heap alone: 137.9 → 132.1 ms and 138.3 → 134.7 ms (medians of 20
//! and 15 pairs); with the keys too: 145.5 → 139.6 ms (30 pairs); −3 to −4 %, the lower
//! quartiles −2 to −3 %. Criterion, back to back (two pairs), did not tell them apart: the
//! hour 143.5 and 131.8 ms before, 143.7 and 133.7 ms after (≈ 25,000–27,000× real time on
//! this machine). Callgrind, `TASKS=2000`, the five checked runs: 1.231 G → 1.238 G
//! instructions (the radix heap moves more entries, and waits less for memory). The same
//! events.
//!
//! Tried and not kept (each measured against the build before, alternating):
//! - the log reserving room for `MAX_EVENTS` events when a run begins (address space only: a
//!   page is backed once written), so that it never copies itself as it grows: the copies
//!   went (`realloc` was ~5 % of the hour in `perf`), but every run then faults in fresh pages
//!   where the repeated runs of the bench had reused freed ones; medians of 12 and 20 pairs
//!   −3 to −5 %, minimum and quartiles unchanged;
//! - a health-check signal keeping its segments and change points in place instead of in
//!   `Vec`s (a signal is built on every target update): −1 % instructions, no difference in
//!   time (15 pairs, and criterion);
//! - another allocator for the whole process (`LD_PRELOAD` of Debian's mimalloc 2.0 and
//!   jemalloc 5.3, no code): no gain (mimalloc within the noise, jemalloc slower).
//!
//! Where the hour goes now (`perf`, release): the scheduler's passes 56 % (observing 15 %,
//! launching 12 %, stopping 11 %, choosing stops 8 %, status 6 %), writing events into the
//! log ~10 %, page faults ~12 % (most of them the log's and the new tasks' first writes),
//! target health updates 9 % (building each target's signal 6 %), name clones 7 %, the timer
//! queue ~3.5 %. 50,000× (72 ms) still needs the changes named above: events that refer to
//! objects by number (fewer bytes and clones per event), and passes whose every step costs
//! what changed.
//!
//! 2026-12-05 at 08:40 UTC (fewer allocations per task and per pass, smaller events), the
//! machine of 06:00, quieter. `valgrind --tool=dhat` counted the allocations of the hour
//! (`TASKS=2000`, five checked runs): 620,865, about 40 per replaced task and 20 per pass; after
//! the steps below, 462,730. Back to back with the 06:00 build: alternating checked runs
//! (median of 15 pairs) **131.1 → 112.8 ms (−14 %)**; criterion, two pairs: the hour alone
//! 111.1 / 113.2 → 93.8 / 99.2 ms (≈ 36,300–38,400× real time), build + hour 148.0 / 146.0 →
//! 128.7 / 129.4 ms (−12 %); callgrind (`TASKS=2000`, five checked runs) 1.231 G → 1.063 G
//! instructions (−14 %). The same events, messages and explanations: every event's text and
//! `why` and every task's explanations, in all 58 built-in scenarios, compared byte for byte
//! with the build before (and every golden log unchanged). The steps, each measured in
//! alternating checked runs against the one before:
//! - a task's zone, address and `startedBy`, its containers' names and images, an instance's EC2
//!   id, zone and address, a target's id, zone and container, and a zone's name are shared
//!   `Name`s (a clone counts, it does not copy); a pass counts the PRIMARY's rows instead of
//!   gathering them, sizes its stop candidates' lists once (growing them had been a third of
//!   `Picker::sort`), and writes each started, stopped and healthy task's explanation into one
//!   buffer instead of three or four; the next health-check flip is found without gathering
//!   the flips: 121.0 → 110.6 ms (median of 15), 1.232 G → 1.085 G instructions;
//! - a pass's tally answers for the tasks it launched without building a health gate for each:
//!   1.074 G instructions, time within the noise;
//! - an event is 144 bytes (was 168): a written message and a `why` are `Name`s (16 and 8 bytes,
//!   were 24 each); the hour's log 23 MB (was 27 MB), page faults per run of the bench
//!   45,900 → 41,200, the hour −1.5 to −3 %;
//! - a count of DRAINING instances spares each pass a look at every task's instance (and a walk
//!   over every instance); a target's address and a task's id are written straight into their
//!   `Name`s (`Name::format`, `rng::hex_name`); a new task's target is appended without a search:
//!   111.9 → 109.7 ms (median of 12), 1.063 G instructions;
//! - an event is 128 bytes: its one to three subjects are kept as their names and a one-byte
//!   kind each (32 bytes, were 48 as three `Subject`s); the log 20 MB, page faults per run
//!   41,200 → 38,100, the hour the same within the noise (median of 12 pairs), 1.059 G
//!   instructions.
//!
//! Tried and not kept:
//! - the event log asking the kernel for huge pages as it grows (`madvise(MADV_HUGEPAGE)` on the
//!   room each doubling adds), to spare it its page faults (~15 % of the hour in `perf`, most of
//!   them the log's first writes): page faults rose from 45,910 to 66,754 per run of the bench
//!   and the hour from 108 to 122 ms (median of 12 pairs). Huge pages for every allocation
//!   (`GLIBC_TUNABLES=glibc.malloc.hugetlb=1`, which a program cannot set for itself) measured
//!   −5 % (median of 10 pairs, 10,742 page faults);
//! - the runningCount and pendingCount of a pass's deployments taken from its rows and the tasks
//!   it launched instead of a walk of every task the service remembers (with a debug check
//!   against the walk): +0.5 % instructions, the same time (median of 12 pairs), as when the
//!   counts were taken in the tally's walk (2026-12-05, above).
//!
//! Where the hour goes after (`perf`): the scheduler's passes ~60 % (observing 16 %, stopping
//! 13 %, launching 12 %, choosing stops 8 %, the status's two walks 8 %), writing events into
//! the log ~13 % (the copy and its page faults), a task reaching RUNNING 9 % (its target's
//! registration), target health updates 8 %; page faults ~14 % across all of it. 50,000×
//! (72 ms) still needs events that refer to objects by number (an event is 128 bytes: kind 48,
//! subjects 32, message 16, source 16, why 8, moment 8) and passes whose every step costs what
//! changed.
//!
//! 2026-12-05 at 10:40 UTC (fewer allocations per replaced task), the same machine, as noisy
//! (the 09:45 build's checked runs ranged 107–136 ms within the hour). A stop's reason is one
//! `Name` shared by the task's stoppedReason and its event (was a `String`, its clone and a
//! `Name`); a drain's why is written straight into a `Name` (`emit_why` keeps a `Name` as it
//! is); a task registers with its load balancers asked by position instead of a cloned list;
//! a target's address is joined by hand (`Name::concat`) instead of formatted. Back to back
//! with the 09:45 build: alternating checked runs (medians of 12 pairs) 117.8 → 115.1 ms and
//! 107.0 → 105.2 ms (−2 %); criterion, the undisturbed pair: the hour alone 97.3 → 93.9 ms
//! (≈ 38,300× real time), build + hour 134.4 → 122.3 ms. The same events.
//!
//! Tried and not kept: the scheduler's stop reason written once per pass instead of once per
//! stop (no difference, median of 12 pairs: `perf` had put it at 0.4 % of the hour); a pass
//! writing its rows into the previous pass's buffer (kept per thread) instead of a fresh one,
//! as `perf` put 5 % of the pass on the rows' first writes (no difference, median of 12 pairs).
//!
//! `perf` of the hour now (2,441 samples): the passes 57 % (stopping 11 % — each stop logs five
//! events —, launching 12 %, observing 15 % of which the health gates 6 %, the status's walks
//! 7 %), page faults 12 % (8 % the event log's first writes: 20 MB of fresh pages at about
//! 2 µs each on this virtual machine), `malloc` and `realloc` 12 %, name clones 7 %, text
//! formatting 5 %. Each remaining step is a percent or two; 50,000× (72 ms) needs the
//! structural changes named above.
//!
//! 2026-12-05 at 14:45 UTC, a quiet machine (load 0.6) that still ran the 10:40 build at
//! 103–106 ms for the hour (checked runs): two measurements of what the log's memory costs,
//! neither kept. An upper bound: the log's room for 262,144 events reserved and written over
//! before the hour (outside the timed part), so the hour takes no page fault and no copy for
//! it: the hour 104–106 → 92–101 ms (three alternating pairs), about −10 %. The step one could
//! keep: asking the kernel to fault in the next 1 MB of the log at a time
//! (`madvise(MADV_POPULATE_WRITE)`) instead of one page per first write: 106–113 → 101–105 ms
//! (four pairs), −4 % within the machine's noise, for platform-specific `unsafe` code in a
//! crate that has none but a prefetch hint. So the log's memory is a tenth of the hour, and
//! 50,000× (72 ms, −30 %) still needs the passes to cost what changed.
//!
//! 2026-12-05 at 17:30 UTC, quiet machine (load 0.7): the hour 100–103 ms (checked runs). `perf
//! record --call-graph dwarf` with the simulations kept alive (so their drops are not counted):
//! the passes about half of all samples (a stop and its five events 11 %, creating tasks 6 %,
//! observing 6 %, health gates 4 %, the deployment counts 2 %), page faults about a fifth (the
//! world's build included), `malloc` 15 %. One more measurement, not kept: glibc told to keep
//! freed memory instead of returning it (`GLIBC_TUNABLES=glibc.malloc.mmap_threshold=…:
//! glibc.malloc.trim_threshold=…`, no code) so that repeated runs fault in no fresh pages: the
//! hour 100–125 → 86–93 ms (three alternating pairs). It is a setting of the C library's
//! environment, and a first run in a process would not gain; still short of 72 ms. At 19:00,
//! after that session's changes (run-task with capacity providers, console watches): the same
//! 160,583 events, callgrind (`TASKS=2000`, five checked runs) 1.0427 G → 1.0432 G instructions
//! (+0.05 %), the hour within 0–3 % of the build before in alternating runs (machine noise).
//!
//! 2026-12-05 at 19:48 UTC (load 0.6): the hour 115–129 ms in checked runs (≈ 28,000–31,000×).
//! That session's changes (run-task overrides, start-task): callgrind (`TASKS=2000`, five
//! checked runs) 1.0431 G → 1.0463 G with `Task::overrides` as a field of its own (+0.3 %: a
//! bigger `Task` to copy, and `placement::first_problem` and `claim`, shared with `place_on`, no
//! longer inlined), → 1.0434 G (+0.02 %) once the standalone fields shared one pointer and the
//! two were inlined again; alternating checked runs (three pairs) 101–112 ms both.
//!
//! 2026-12-05 at 23:10 UTC (load 1.0): ECS service discovery (Cloud Map) added a registration
//! check to every task reaching RUNNING and a deregistration check to every stop. Callgrind
//! (`TASKS=2000`, five checked runs) 1.0438 G → 1.0470 G (+0.3 %: the calls were not inlined,
//! each walked the empty list of Cloud Map services and dropped an empty `Vec`), → 1.0442 G
//! (+0.04 %) once both became an inlined test of that list; alternating checked runs (three
//! pairs) 105–110 ms before, 108–119 ms after (the machine's noise). The same events.
//!
//! 2026-12-06 at 01:10 UTC, a new machine of the same kind, quiet (load 0.8), a build of
//! `63ecf86` (the last commit of 2026-12-05): checked runs 101–121 ms for the hour
//! (≈ 30,000–35,600×); criterion at 01:50 the hour alone 94.0 ms (≈ 38,300× real time), build +
//! hour 122 ms. No speed change was tried that session (its changes were to EKS only and leave
//! this run's code as it was). `perf record --call-graph dwarf` with line tables, the hour
//! only: the scheduler's passes 57 % inclusive, writing events into the log 12 % (of which page
//! faults 7 %), a task reaching RUNNING 11 %, stops 11 %, target health updates 8 %, `malloc`
//! 6 %; nothing above 6 % self. The goal (72 ms) stays out of reach of single steps: it needs
//! the structural changes named above.
//!
//! 2026-12-06 at 03:50 UTC, the same machine (load ~1): no change to the run's code. Measured,
//! not kept: the whole bench built with fat link-time optimization
//! (`CARGO_PROFILE_BENCH_LTO=fat`; `orca-sim` already has one codegen unit): alternating checked
//! runs (five pairs) 107.6–129.3 ms → 103.1–114.4 ms for the hour, medians 112.1 → 106.7 ms
//! (about −5 %). The users' release build would need it too (a profile setting of the whole
//! workspace, Bevy included, many minutes longer on two cores), and it would not reach 72 ms.
//! At 04:50 UTC, after the ECS agent's image cache (`ecs/image_cache.rs`) added a test of the
//! agent's pull behaviour to every task's creation and end of PENDING: callgrind (`TASKS=2000`,
//! five checked runs) 1.0382 G → 1.0380 G instructions; alternating checked runs (ten pairs)
//! medians 109.0 → 111.9 ms, minimums 102.4 and 102.8 ms (the machine's noise). The same events.
//!
//! 2026-12-06 at 12:30 UTC, the same machine (load ~1), no change to the run's code: checked runs
//! 111.7, 115.0 and 155.4 ms for the hour (medians of 4; ≈ 23,000–32,000×). Measured with
//! temporary timers around each pass (not kept), the hour's 1,109 passes split three ways:
//! 566 that log nothing take 13–14 ms (24 µs each), 20 that launch tasks 9–10 ms (the 10,000
//! new tasks start in one pass per service at 1:00, 0.5 ms each) and 523 that stop tasks and
//! log 36–37 ms (69 µs each, ~19 stops apiece). So a pass's observation (~24 µs, the cost of a
//! pass that finds nothing to do) is about a quarter of the hour over all passes, and the
//! stops' own work about a fifth. `perf` (dwarf call graphs) put the hour's memory management
//! at 23 % (page faults 8 %, `realloc` and its copies 8 %, `malloc` 5 %). 72 ms still needs
//! an observation that costs what changed (a service's counts kept as tasks change, read by
//! a pass instead of its ~660 rows), which the memo tried on 2026-12-05 did not give.
//!
//! 2026-12-06 at 20:25 UTC, no change to the run's code (that session's changes were to the
//! console, IAM actions and goals, none of which this run reaches): the 12:37 build's checked
//! runs took 177.6, 185.1, 158.7, 178.2 and 114.7 ms for the hour (medians of 4, five
//! invocations within two minutes, load 0.4–0.9): the same binary that measured 100–128 ms at
//! 17:45 UTC. On a machine this noisy only back-to-back pairs compare.
//!
//! 2026-12-06 at 23:22 UTC, a new machine (load 0.5), a fresh build of `318faff`, no change to
//! the run's code: checked runs 106.9, 107.4 and 108.1 ms for the hour (medians of 4, three
//! invocations; ≈ 33,300–33,700×), 120.8–123.1 ms with the build. Callgrind (`TASKS=2000`, the
//! five checked runs, `--toggle-collect` on `advance_to`): 849.5 M instructions, 77 % of them
//! inside the scheduler's passes (the health gates alone 13 %, the deployment counts' walk 6 %,
//! the spread counts 4 %, the pass's texts — bounds, rules, decisions — about 5 %): in
//! instructions as in time, the passes' walks over every live task dominate, which is the
//! structural change named above.
//!
//! 2026-12-07 at 01:15–02:20 UTC (a pass's counts kept with its rows), the machine of the day
//! before, slower today (the `30a8b10` build: 125 ms for the hour in checked runs at 01:15).
//! Callgrind at full size (the five checked runs, collection limited to `advance_to`):
//! **4.271 G → 3.403 G instructions (−20 %)**, the same 160,583 events and every golden log
//! unchanged. The steps, each checked in debug builds against what it replaces:
//! - a task that already counted as healthy and still is (RUNNING, its essential containers'
//!   checks HEALTHY, its targets healthy) is recognised without building its gate
//!   (`ServiceGates::settled`): the gates fell from 14 % to 3 % of the instructions;
//! - a pass counts each deployment's rows, how many of them are not healthy, and its healthy
//!   rows once, and keeps the counts in step as it stops tasks and notices failing ones: the
//!   starts, the primary's excess and the healthy count read them instead of three walks over
//!   the rows; an old deployment's rows are gathered only when they hold a stop candidate;
//! - the spread counts are counted only by a pass that launches;
//! - the status step takes the tally and the running and pending counts from the rows and the
//!   tasks the pass launched, reading again only the tasks written during the pass
//!   (`TaskTable::written_since_refresh`), instead of two walks over every task of the
//!   service with each brief read (the walks stay as the fallback and as the debug check);
//! - the bounds, start and stop explanations append their numbers with `text::push_u64`
//!   instead of `write!` (about a thousand instructions per explanation before).
//!
//! Wall time, alternating checked runs against the `30a8b10` build (12 rounds, each a median of
//! 4): the hour **115.0 → 105.0 ms** (minimums 107.4 → 96.4) at 01:55 and 120.1 → 109.3 ms
//! (115.1 → 103.5) at 02:17, about −9 %; criterion back to back at 02:18: the hour 123.4 →
//! 116.8 ms (≈ 30,800× real time), build + hour 159.8 → 142.5 ms. Goal 50,000× (72 ms): **not
//! met**. Instructions fell twice as much as time: what remains waits on memory.
//!
//! Tried and not kept: the briefs packed into 32 bytes instead of 64 (two to a cache line; a
//! brief that does not fit kept stale so the task is read instead): alternating checked runs
//! (12 rounds) 105.0 ms both. `perf record --call-graph dwarf` of the new build: the passes
//! about 56 % of the hour, of which the observation's walk over every live task about 16 %,
//! the status step's walk over the rows about 4 %; page faults about 11 % of the whole run
//! (most of them the world's build and the event log's first writes). 72 ms now needs the
//! observation to cost what changed too: rows kept between passes and only the tasks written
//! since (and those whose targets changed) read again, and the counts kept with them, so a
//! pass touches no row it has nothing to do with.
//!
//! 2026-12-07 at 04:00–04:40 UTC (quiet passes repeated), the same machine. Counted with
//! temporary counters (not kept): of the hour's 1,109 passes, 566 log nothing; 456 of those
//! find every live task settled (counted as healthy and still healthy), and 436 of them follow
//! a pass of their service that did the same — the passes after each old task reaches STOPPED
//! at the end of the update. Such a pass now leaves a memo (`service_scheduler/quiet.rs`), and
//! the next pass of the service only moves its view's moment while nothing it reads has
//! changed: no live task of the service written or created (a per-service write count kept by
//! `TaskTable`, with target state changes counted as writes to their tasks), no instance
//! changed, the service the same, and nothing that the removal of stopped tasks from its list
//! could change (a deployment completing or dropped, a steady state reached or due again).
//! Debug builds run the full pass instead and check that it changes nothing else. Callgrind
//! counts 1,109 passes per run before and 673 full ones after (436 repeated). A pass also keeps
//! no gate that waits for no moment (a task waiting for its first health checks: its record
//! does nothing with it). Callgrind (full size, the five checked runs, collection limited to
//! `advance_to`): **3.394 G → 3.047 G instructions with the repeats, 3.017 G with the gates
//! (−11 %)**; the same 160,583 events and every golden log unchanged. Wall time, alternating
//! checked runs against the `de0ee82` build (12 rounds, each a median of 4): the hour
//! **113.7 → 110.0 ms** (minimums 108.3 → 104.5), about −3 %: the repeated passes read briefs
//! that the pass before had just brought into the cache, so they cost less time than their
//! instructions. Build + hour in the same checked runs (8 rounds): 128.5 → 123.1 ms. Criterion,
//! back to back (two pairs, in both orders): the hour 117.0 → 108.0 ms and 110.2 → 106.0 ms
//! (≈ 34,000× real time); build + hour 144.1 → 151.6 ms and 138.1 → 148.2 ms, and 140.6 →
//! 144.1 ms alone, slower there — criterion keeps every run's simulation alive until its batch
//! ends, so each run faults in fresh memory; not explained further. Goal 50,000× (72 ms):
//! **not met**.
//!
//! 2026-12-07 at 06:00–07:00 UTC (the timer queue by moment), the same machine, whose load
//! changed by a third within the hour (the `0c5c29a` build's checked runs: 81–86 ms for the
//! hour at 06:03, 105–118 ms from 06:40). Callgrind (full size, the five checked runs, collection
//! limited to `advance_to`) found the radix heap at a tenth of the instructions: its keys were a
//! `u128` of the moment and an order number, so the timers of one moment differed in the
//! order's low bits and every timer moved about 8.3 times between buckets (2.94 M moves for
//! 356 k timers). The queue is now keyed by the moment alone, with the timers of one moment
//! first in, first out (they always share a bucket), the timeline's entries kept apart (they
//! run first in their moment), and a bucket per four-bit digit (about four moves per timer).
//! The queue also asks for a lower bound before it looks ahead: the first version let a look
//! ahead past the timeline's entry at 1:00 move the heap's last key to the six-hourly steady
//! timer at 6:00:00, and every later timer then waited in the small heap kept for keys below it.
//! **3.017 G → 2.856 G instructions (−5.3 %)**, the same 160,583 events and every golden log
//! unchanged. Wall time: no difference the machine could show — alternating checked runs
//! (10 rounds) 117.7 → 118.0 ms, and 111.5 → 111.6 ms for the moment-only step (8 rounds);
//! criterion, two pairs: the hour 100.3 / 95.2 ms before, 95.9 / 101.2 ms after. As before,
//! what the hour waits for is memory, not instructions. A look ahead across moments for the
//! prefetch (which the queue now does only within a moment) measured no different either
//! (109.8 ms, 10 rounds). Goal 50,000× (72 ms): **not met**.
//!
//! 2026-12-07 at 11:21–12:38 UTC, a fresh build of `19a1a49` (no change to the run's code since
//! the entry above), load 1.0–1.3: checked runs 97.5–115.6 ms for the hour (each invocation a
//! median of 4; medians 99.6 ms of eight invocations at 11:27, 102.7 ms of six at 12:38;
//! ≈ 31,100–36,900×). `perf
//! record --call-graph dwarf`, samples inside `advance_to`: the kernel 12.6 % (page faults,
//! two thirds of them the event log's first writes), `full_pass` 7 % self and 48 % inclusive,
//! a task's first read in `on_step_due` (one instruction, the first load of the task behind its
//! pointer, is half of that function's samples), health-check signals 4 %; nothing else above
//! 3 %. Measured, not kept: the log reserving room for 17 events per desired task when a run
//! begins (no copies as it grows): 99.6 → 96.1 ms (medians of 8 alternating runs, −3.5 %), as
//! on 2026-12-05. Goal 50,000× (72 ms): **not met**.
//!
//! 2026-12-07 at 14:05–14:56 UTC (the allocator, the log's room, prefetching further ahead), the
//! machine of the morning, whose speed changed by a fifth within the hour (the `19a1a49` build,
//! glibc's allocator, took 78.5–103.9 ms for the hour in the runs below). Every figure is a
//! median of alternating checked runs (each a median of 4) against that build, so both saw the
//! same machine:
//! - **mimalloc as the global allocator** (the app's too, `src/lib.rs`): 101.3 → 89.4 ms
//!   (n = 10). `perf` had put memory management at a quarter of the hour: glibc's `malloc`,
//!   `free` and their bookkeeping (`unlink_chunk`, `malloc_consolidate`) about 12 %, and the
//!   kernel zeroing fresh pages 16 %. This differs from the trial of 2026-12-05 (no faster,
//!   README), on the code of that day;
//! - **the log's room reserved when the run is built** (`engine::expected_events`: 32 events
//!   per desired task or pod, capped at the run's limit; room not written costs address
//!   space, not memory): 89.4 → 78.7 ms (n = 10). Under glibc it measured −3.5 %, as `realloc`
//!   there moves a large block by remapping its pages; mimalloc copies it, and the copies of the
//!   doubling log (`memmove` 7 % of the hour) went away;
//! - these two steps were measured with mimalloc's newest version (3). Version 2 is kept: in
//!   two batches of alternating runs, version 3 (which asks the kernel for huge pages for all
//!   its memory) ran 11 of 18 invocations at 105–117 ms and the rest at 75.6–88.1 ms, while
//!   version 2 ran all 18 at 78.2–86.4 ms (medians 81.4 and 83.4 ms);
//! - **prefetching further ahead**: while one timer runs, the engine hinted only at the first
//!   cache line of the next timer's task; `perf` showed the first read of the task still half of
//!   `on_step_due` and the task and its containers 83 % of `target_health::signal` (one timer's
//!   work is too short for a read from memory to arrive). The engine now hints at every line
//!   of the task (and target) of the timer four places on in the moment's queue
//!   (`Timers::ahead_due`), and at the next timer's task's containers: 74.2 → 69.3 ms (n = 10).
//!   Eight places on measured the same as four (64.7 / 65.5 ms).
//!
//! Together, alternating with the `19a1a49` build at 14:54 (n = 12): **78.5 → 61.1 ms**
//! (−22 %; minimums 74.6 → 56.6 ms). Criterion at 14:55: **the hour alone 67.5 ms (66.0–70.1,
//! ≈ 53,400× real time)**, build + hour 93.1 ms. Goal 50,000× (72 ms): **met** on the machine as
//! it was then; at its slowest of the day (the old build at 101–104 ms) the same −20 to −22 %
//! gives about 80 ms. The same 160,583 events and every golden log unchanged. Tried and not
//! kept, no difference the machine could show: health-check signals and a probe's transitions
//! kept inline (`smallvec`: a fifth fewer allocations, 83.4 / 84.5 ms), the fixed
//! explanations of a target turning healthy borrowed instead of copied, a pass asking for the
//! briefs eight tasks ahead (65.6 / 64.5 ms), the scheduler's stops asking for the next stop's
//! target and explanation slot (65.3 / 65.1 ms), and mimalloc never returning freed memory
//! (`MIMALLOC_PURGE_DELAY=-1`, 2–3 %, an environment setting).

/// The allocator the app uses (`src/lib.rs`), so the bench measures what users run.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{BatchSize, Criterion, criterion_group};
use orca_sim::{EventKind, Scenario, SimTime, Simulation};

const SERVICES: usize = 20;
const SIMULATED: f64 = 3600.0;

/// Tasks per service: 500, or `TASKS` ÷ 20 (a smaller run to profile, e.g. `TASKS=1000`).
fn tasks_per_service() -> usize {
    std::env::var("TASKS")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .map_or(500, |n| (n / SERVICES).max(1))
}

/// One instance per 20 tasks, as in the full run (500 for 10,000 tasks), 3 at least.
fn instances() -> usize {
    (tasks_per_service() * SERVICES / 20).max(3)
}

fn scenario_text() -> String {
    let (tasks_per_service, instances) = (tasks_per_service(), instances());
    let mut defs = String::new();
    let mut tgs = String::new();
    let mut services = String::new();
    let mut timeline = String::new();
    for s in 0..SERVICES {
        for rev in 1..=2 {
            defs += &format!(
                "(family: \"svc{s}\", revision: {rev}, cpu: 256, memory: 512, network_mode: Bridge, containers: [(name: \"app\", image: \"app{s}:{rev}\", port: 8080)]),\n"
            );
        }
        tgs += &format!(
            "(name: \"tg{s}\", port: 8080, target_type: Instance, health_check: (interval_seconds: 15), deregistration_delay_seconds: 60),\n"
        );
        services += &format!(
            "(name: \"svc{s}\", task_definition: \"svc{s}:1\", desired_count: {tasks_per_service}, launch_type: Ec2,
              deployment_configuration: (minimum_healthy_percent: 100, maximum_percent: 200),
              load_balancers: [(target_group: \"tg{s}\", container_name: \"app\", container_port: 8080)]),\n"
        );
        timeline += &format!(
            "(at: 60, action: UpdateService(service: \"svc{s}\", task_definition: \"svc{s}:2\")),\n"
        );
    }
    format!(
        "(version: 1, title: \"10k tasks\", description: \"benchmark\", seed: 42, duration: {SIMULATED},
          world: Ecs(
            cluster: (name: \"big\", availability_zones: [\"us-east-1a\", \"us-east-1b\", \"us-east-1c\"]),
            capacity: (instances: [(name: \"node\", instance_type: \"m5.4xlarge\", count: {instances})]),
            task_definitions: [{defs}],
            target_groups: [{tgs}],
            services: [{services}],
          ),
          timeline: [{timeline}],
          quizzes: [])"
    )
}

/// The scenario, validated. Should validation ever refuse a cluster this size (its limits are
/// Orca's, not AWS's), the benchmark still runs the parsed file, and says so.
fn scenario() -> Arc<Scenario> {
    let src = scenario_text();
    match orca_sim::scenario::parse("bench.ron", &src) {
        Ok(s) => Arc::new(s),
        Err(e) => {
            eprintln!("note: validation refused the benchmark scenario; running it anyway:\n{e}");
            let s: Scenario = orca_sim::scenario::ron_options()
                .from_str(&src)
                .unwrap_or_else(|e| panic!("bench.ron does not parse: {e}"));
            Arc::new(s)
        }
    }
}

fn end(s: &Scenario) -> SimTime {
    SimTime::from_secs_f64(s.duration)
}

fn build_and_run(s: &Arc<Scenario>) -> Simulation {
    let mut sim = Simulation::new(s.clone());
    sim.advance_to(end(s));
    sim
}

fn bench(c: &mut Criterion) {
    let s = scenario();
    let mut group = c.benchmark_group("ecs_10k_tasks_500_instances");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(30));
    group.bench_function("build_and_run_1h", |b| {
        b.iter_with_large_drop(|| build_and_run(&s))
    });
    group.bench_function("run_1h", |b| {
        b.iter_batched_ref(
            || Simulation::new(s.clone()),
            |sim| sim.advance_to(end(&s)),
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

criterion_group!(benches, bench);

fn median(mut xs: Vec<Duration>) -> Duration {
    xs.sort();
    xs[xs.len() / 2]
}

fn main() {
    let s = scenario();
    // Checked runs: the update must complete for every service.
    let mut whole = Vec::new();
    let mut hour = Vec::new();
    for _ in 0..4 {
        let started = Instant::now();
        let mut sim = Simulation::new(s.clone());
        let built = Instant::now();
        sim.advance_to(end(&s));
        let done = Instant::now();
        whole.push(done - started);
        hour.push(done - built);
    }
    let sim = build_and_run(&s);
    let completed = sim
        .log()
        .iter()
        .filter(|e| matches!(e.kind, EventKind::DeploymentCompleted { revision: 2, .. }))
        .count();
    let running = sim
        .world()
        .ecs
        .as_ref()
        .expect("an ECS scenario")
        .tasks
        .iter()
        .filter(|t| {
            t.is_live()
                && sim
                    .world()
                    .ecs
                    .as_ref()
                    .expect("an ECS scenario")
                    .task_definition(t.task_definition)
                    .revision
                    == 2
        })
        .count();
    assert_eq!(completed, SERVICES, "every rolling update completes");
    assert_eq!(running, SERVICES * tasks_per_service());
    let (whole, hour) = (median(whole), median(hour));
    println!(
        "{} tasks launched, {} events, {completed}/{SERVICES} deployments completed, {running} revision-2 tasks running",
        sim.world()
            .ecs
            .as_ref()
            .expect("an ECS scenario")
            .tasks
            .len(),
        sim.log().len(),
    );
    println!(
        "median of 4 runs: build + 1 h in {whole:.2?} = {:.0}× real time; the hour alone in {hour:.2?} = {:.0}× real time",
        SIMULATED / whole.as_secs_f64(),
        SIMULATED / hour.as_secs_f64(),
    );
    drop(sim);
    benches();
    Criterion::default().configure_from_args().final_summary();
}
