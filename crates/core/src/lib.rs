//! gufen-core: the domain of a village collective's shareholding ledger.
//!
//! `decide(&State, &Command) -> Result<Vec<Event>, RuleViolation>` and
//! `apply(&mut State, date, &Event)`, both pure: no I/O, no clock, no environment. Time, ids and
//! files are the caller's. Both are thin dispatchers; each rule's decide, apply and undo live
//! together in its domain area's module (docs/ARCHITECTURE.md has the map).

pub mod amount;
pub mod bank;
pub mod charter;
pub mod command;
pub mod entity;
pub mod error;
pub mod event;
mod event_kind;
pub mod ids;
pub mod report;
pub mod state;
pub mod streams;
pub mod variants;

pub mod apply;
pub mod calendar;
mod checks;
pub mod correction;
pub mod decide;

mod collective;
pub mod distribution;
mod estate;
mod household;
mod loss;
mod membership;
mod pledge;
mod representative;
mod shares;

pub use amount::{Fen, Units};
pub use charter::Charter;
pub use checks::text_problem;
pub use command::{Action, Command, Recorded, RosterRow};
pub use decide::{applies_in_scope, apply_scope, decide, scope};
pub use error::{Rule, RuleViolation};
pub use event::Event;
pub use ids::{CitizenId, OrgCode, PersonId};
pub use state::State;

pub use apply::apply;

/// Replays events into a complete state (the rebuild that projections must equal).
pub fn replay<'a>(events: impl IntoIterator<Item = (chrono::NaiveDate, &'a Event)>) -> State {
    let mut state = State::new();
    for (date, event) in events {
        apply(&mut state, date, event);
    }
    state
}
