//! `gufen correct --seq N`: a compensating record that cites record N (R15); nothing is edited.

use crate::app::App;
use crate::arguments::date;
use anyhow::{bail, Result};
use chrono::NaiveDate;
use clap::Args;
use gufen_core::command::Action;
use gufen_core::{Command, Event, PersonId};

#[derive(Args, Debug)]
pub struct CorrectArgs {
    /// The record to correct.
    #[arg(long, value_parser = crate::arguments::whole::<u64>, allow_hyphen_values = true)]
    seq: u64,
    #[arg(long)]
    reason: String,
    #[arg(long, value_parser = date)]
    date: NaiveDate,
}

/// The ledger reads record `seq` and its related records (this process holds the store, so
/// nothing is appended in between); the core decides the correction.
pub fn run(app: &mut App, args: CorrectArgs) -> Result<()> {
    let (store, ledger) = app.open()?;
    let Some((original, related)) = ledger.record_and_related(args.seq)? else {
        let last = ledger.head()?.last_seq();
        bail!(
            "no record {} in this ledger (its records are 0 to {})",
            args.seq,
            last.map_or_else(|| "none".to_string(), |seq| seq.to_string())
        )
    };
    // Undoing the end of a membership restores it from that date: not while the person is a
    // member of another collective of the store (R2; a move's loss is undone only after the
    // membership it moved to has ended).
    if let Some(person) = membership_ended(&original.event) {
        crate::commands::township::refuse_member_elsewhere(
            &store,
            ledger.id(),
            person,
            original.date,
        )?;
    }
    let action = Action::Correct {
        reason: args.reason,
        original,
        related,
    };
    let command = Command {
        date: args.date,
        action,
    };
    let outcome = ledger.execute(&app.context()?, &command)?;
    app.print_outcome(&outcome)
}

/// The person whose membership `event` ended, if it ended one.
fn membership_ended(event: &Event) -> Option<&PersonId> {
    match event {
        Event::MembershipLost(lost) => Some(&lost.person),
        Event::MembershipLostCited(cited) => Some(&cited.lost.person),
        Event::MembershipExited(exited) => Some(&exited.person),
        Event::MembershipExitedOnApplication(exited) => Some(&exited.exited.person),
        Event::DeathRecorded(death) => Some(&death.person),
        _ => None,
    }
}
