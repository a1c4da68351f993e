//! gufen-core: the domain of a village collective's shareholding ledger.
//!
//! `decide(&State, &Command) -> Result<Vec<Event>, RuleViolation>` and
//! `apply(&mut State, date, &Event)`, both pure: no I/O, no clock, no environment. Time, ids and
//! files are the caller's.

pub mod amount;
pub mod charter;
pub mod command;
pub mod correction;
pub mod decide;
pub mod distribution;
pub mod error;
pub mod event;
pub mod ids;
pub mod report;
pub mod state;

pub use amount::{Fen, Units};
pub use charter::Charter;
pub use command::{Action, Command, Recorded, RosterRow};
pub use decide::{decide, scope};
pub use error::{Rule, RuleViolation};
pub use event::Event;
pub use ids::{CitizenId, OrgCode, PersonId};
pub use state::{apply, State};

/// Replays events into a complete state (the rebuild that projections must equal).
pub fn replay<'a>(events: impl IntoIterator<Item = (chrono::NaiveDate, &'a Event)>) -> State {
    let mut state = State::new();
    for (date, event) in events {
        apply(&mut state, date, event);
    }
    state
}
