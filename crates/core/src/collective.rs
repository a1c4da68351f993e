//! The collective itself: its registration with its charter, the first record of every ledger;
//! decided and applied here, and never undone (a wrong charter is a new ledger).

use crate::charter::Charter;
use crate::correction::Case;
use crate::error::{reject, Rule, RuleViolation};
use crate::event::{CharterLossGround, CollectiveRegistered, Event, LossGroundsAdopted, Reversal};
use crate::state::{Collective, State};
use chrono::NaiveDate;
use std::collections::{BTreeMap, BTreeSet};

// ---- decide ----

/// The registration, and the charter's loss grounds (R2) recorded with it when it lists any.
pub(crate) fn register(
    state: &State,
    charter: &Charter,
    loss_grounds: &[CharterLossGround],
) -> Result<Vec<Event>, RuleViolation> {
    if state.collective().is_some() {
        return reject(
            Rule::Input,
            "this ledger already has its collective registered",
        );
    }
    let mut events = vec![Event::CollectiveRegistered(Box::new(
        CollectiveRegistered {
            charter: charter.clone(),
        },
    ))];
    if !loss_grounds.is_empty() {
        events.push(Event::LossGroundsAdopted(LossGroundsAdopted {
            grounds: loss_grounds.to_vec(),
        }));
    }
    Ok(events)
}

// ---- apply ----

pub(crate) fn apply_registered(state: &mut State, date: NaiveDate, e: &CollectiveRegistered) {
    state.register_collective(Collective {
        charter: e.charter.clone(),
        registered_on: date,
        units_by_class: BTreeMap::new(),
        member_count: 0,
        member_changes: BTreeMap::new(),
        adult_member_changes: BTreeMap::new(),
        holdings: BTreeMap::new(),
        holding_changes: Vec::new(),
        holding_events: BTreeMap::new(),
        deceased: BTreeSet::new(),
        pledges: BTreeMap::new(),
        corrected: BTreeSet::new(),
        representatives: BTreeMap::new(),
        representative_changes: BTreeMap::new(),
        closed_record_dates: BTreeMap::new(),
        loss_grounds: Vec::new(),
        plans: BTreeMap::new(),
    });
}

pub(crate) fn apply_loss_grounds(state: &mut State, e: &LossGroundsAdopted) {
    state.collective_mut().loss_grounds = e.grounds.clone();
}

// ---- undo (R15) ----

pub(crate) fn undo_registration(case: &Case) -> Result<Reversal, RuleViolation> {
    case.refuse(
        "the collective's registration is the ledger's first record; a wrong charter is a new ledger",
    )
}

pub(crate) fn undo_loss_grounds(case: &Case) -> Result<Reversal, RuleViolation> {
    case.refuse("the charter's loss grounds are registered with the collective; a wrong charter is a new ledger")
}
