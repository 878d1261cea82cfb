//! The driver of the aggregates' command-sequence property tests: it sends a random sequence
//! of commands through an aggregate's `handle`, the way `cqrs-es` does (events written to an
//! [`EventSink`], which applies each), and after every step checks what holds for every
//! aggregate — a refused command records nothing and leaves the state as it was; replaying
//! all events recorded so far from the default gives the live state; the state survives a
//! snapshot (serialized and restored, it serializes the same, and the next step decides on the
//! restored state) — and then the invariants the aggregate's own test states, given the state
//! before and after the step.
//!
//! Each aggregate's `tests.rs` brings the command generator (a few ids, codes and quantities
//! around the limits, so that commands meet each other's effects) and its invariants.

use std::fmt::Debug;

use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use serde_json::Value;

use super::fold;
use crate::quantity::Quantity;

/// Cases each command-sequence property runs: enough to reach the rarer states of a few
/// commands, few enough that the crate's tests stay fast.
pub(crate) const SEQUENCE_CASES: u32 = 128;

/// Most commands in one generated sequence.
const MAX_COMMANDS: usize = 24;

/// Sequences of 1 to [`MAX_COMMANDS`] commands drawn from `command`.
pub(crate) fn command_sequences<C: Debug>(command: impl Strategy<Value = C>) -> impl Strategy<Value = Vec<C>> {
    vec(command, 1..=MAX_COMMANDS)
}

/// Sequences that follow a prefix of `path` — commands that take an aggregate through its
/// life — with up to two commands drawn from `command` before each step, so that deep
/// states are reached and every state meets random commands.
pub(crate) fn commands_along<C: Clone + Debug>(
    path: Vec<C>,
    command: impl Strategy<Value = C>,
) -> impl Strategy<Value = Vec<C>> {
    let steps = path.len();
    (0..=steps, vec(vec(command, 0..=2), steps + 1)).prop_map(move |(followed, detours)| {
        let mut commands = Vec::new();
        for (step, detour) in detours.into_iter().enumerate() {
            commands.extend(detour);
            if step < followed {
                commands.push(path[step].clone());
            }
        }
        commands
    })
}

/// Quantity texts around the limits: zero, a thousandth, small and larger whole and
/// fractional amounts, a negative one and text that is no number.
pub(crate) fn quantities() -> impl Strategy<Value = Quantity> {
    prop::sample::select(vec!["0", "0.001", "1", "2", "2.5", "5", "10", "-1", "x"]).prop_map(Quantity::new)
}

/// Checks a status change one command made: none, or one of the moves `allowed` to that
/// command; the first status an aggregate gets is `first`, and once it has one it keeps one.
pub(crate) fn check_status_move<S: Copy + PartialEq + Debug>(
    before: Option<S>,
    after: Option<S>,
    first: S,
    allowed: &[(S, S)],
) -> Result<(), TestCaseError> {
    let moved_as_allowed = match (before, after) {
        (None, after) => after.is_none_or(|status| status == first),
        (Some(before), after) => after.is_some_and(|after| before == after || allowed.contains(&(before, after))),
    };
    prop_assert!(moved_as_allowed, "{:?} → {:?}", before, after);
    Ok(())
}

/// Checks a status history (the statuses an order went through) after a command: it only
/// grew, and ends in the current status `current`.
pub(crate) fn check_status_history<S: Copy + PartialEq + Debug>(
    before: &[S],
    after: &[S],
    current: Option<S>,
) -> Result<(), TestCaseError> {
    prop_assert!(after.starts_with(before), "{:?} → {:?}", before, after);
    prop_assert_eq!(after.last().copied(), current);
    Ok(())
}

/// One step of a sequence: the state before the command, what `handle` decided and the state
/// after (the one before when the command was refused).
pub(crate) struct Step<'a, A: Aggregate> {
    /// The aggregate before the command.
    pub(crate) before: &'a A,
    /// The command sent.
    pub(crate) command: &'a A::Command,
    /// The events recorded, or why the command was refused.
    pub(crate) outcome: &'a Result<Vec<A::Event>, A::Error>,
    /// The aggregate after the command.
    pub(crate) after: &'a A,
}

impl<A: Aggregate> Step<'_, A> {
    /// The events recorded, none when the command was refused.
    pub(crate) fn events(&self) -> &[A::Event] {
        self.outcome.as_ref().map_or(&[], Vec::as_slice)
    }
}

/// Sends each of `commands` to an aggregate, from its default, through `handle` with
/// `services`; after each step asserts that a refusal recorded nothing and changed nothing,
/// that the events so far replay to the live state, and `invariants` of the step.
pub(crate) fn check_command_sequence<A>(
    services: &A::Services,
    commands: Vec<A::Command>,
    mut invariants: impl FnMut(&Step<A>) -> Result<(), TestCaseError>,
) -> Result<(), TestCaseError>
where
    A: Aggregate,
    A::Command: Clone + Debug,
{
    let runtime = tokio::runtime::Builder::new_current_thread().build().expect("a current-thread runtime");
    let mut live = A::default();
    let mut history: Vec<A::Event> = Vec::new();
    // The state before each step, replayed from the events so far, and its serialized form.
    let mut before = A::default();
    let mut before_state = state_of(&before);
    for command in commands {
        let sink = EventSink::default();
        let decided = runtime.block_on(live.handle(command.clone(), services, &sink));
        let recorded = runtime.block_on(sink.collect());
        let live_state = state_of(&live);
        let outcome = match decided {
            Ok(()) => Ok(recorded),
            Err(error) => {
                prop_assert!(recorded.is_empty(), "{command:?} was refused ({error}) yet recorded {recorded:?}");
                prop_assert_eq!(
                    &live_state,
                    &before_state,
                    "{:?} was refused ({}) yet changed the state",
                    command,
                    error
                );
                Err(error)
            }
        };
        let replayed = match &outcome {
            Ok(events) => {
                history.extend(events.iter().cloned());
                let replayed: A = fold(history.clone());
                prop_assert_eq!(&state_of(&replayed), &live_state, "replay differs from live after {:?}", command);
                Some(replayed)
            }
            Err(_) => None,
        };
        invariants(&Step { before: &before, command: &command, outcome: &outcome, after: &live })?;
        // A snapshot is the serialized state: the next step decides on the state restored
        // from it, as a command on a snapshotted aggregate does.
        let restored: A = serde_json::from_value(live_state.clone())
            .map_err(|error| TestCaseError::fail(format!("the state does not deserialize: {error}")))?;
        prop_assert_eq!(&state_of(&restored), &live_state, "the state does not survive a snapshot");
        live = restored;
        if let Some(replayed) = replayed {
            (before, before_state) = (replayed, live_state);
        }
    }
    Ok(())
}

/// The serialized state of `aggregate`, to compare two states by value.
fn state_of<A: Aggregate>(aggregate: &A) -> Value {
    serde_json::to_value(aggregate).expect("aggregate state serializes")
}
