//! `apply`: folds one event into the state. Pure and total: every event `decide` produced
//! applies, and a broken invariant stops the program. This is the dispatcher: each event is
//! applied by its domain area, one line a variant.

use crate::distribution::{dividends, plan};
use crate::event::*;
use crate::state::State;
use crate::{
    bank, calendar, collective, correction, estate, household, loss, membership, pledge,
    representative, shares,
};
use chrono::NaiveDate;

/// Folds one event into the state.
pub fn apply(state: &mut State, date: NaiveDate, event: &Event) {
    match event {
        Event::CollectiveRegistered(e) => collective::apply_registered(state, date, e),
        Event::PersonRegistered(e) => membership::apply_registered(state, date, e),
        Event::MembershipConfirmed(e) => membership::apply_confirmed(state, date, e),
        Event::MembershipLost(e) => loss::apply_lost(state, date, e),
        Event::MembershipExited(e) => loss::apply_exited(state, date, e),
        Event::HouseholdMoved(e) => household::apply_moved(state, e),
        Event::HouseholdHeadNamed(e) => household::apply_head_named(state, e),
        Event::HukouRecorded(e) => household::apply_hukou(state, date, e),
        Event::LifeEventRecorded(e) => household::apply_life_event(state, e),
        Event::SharesAllotted(e) => shares::apply_allotted(state, date, e),
        Event::CollectiveSharesAllotted(e) => shares::apply_collective_allotted(state, date, e),
        Event::SharesTransferred(e) => shares::apply_transferred(state, date, e),
        Event::SharesRedeemed(e) => shares::apply_redeemed(state, date, e),
        Event::SharesPledged(e) => pledge::apply_pledged(state, e, None, date),
        Event::SharesPledgedInClass(e) => {
            pledge::apply_pledged(state, &e.pledge, Some(e.class.clone()), date)
        }
        Event::PledgeReleased(e) => pledge::apply_released(state, e),
        Event::DeathRecorded(e) => estate::apply_death(state, date, e),
        Event::EstateSettled(e) => estate::apply_settled(state, date, e),
        Event::DistributionDrafted(e) => plan::apply_drafted(state, date, e),
        Event::DistributionNoticed(e) => plan::apply_noticed(state, date, e),
        Event::DistributionApproved(e) => plan::apply_approved(state, date, e),
        Event::DividendDeclared(e) => dividends::apply_declared(state, e),
        Event::DistributionPosted(e) => plan::apply_posted(state, date, e),
        Event::DividendPaid(e) => dividends::apply_paid(state, date, e),
        Event::RepresentativeElected(e) => representative::apply_elected(state, date, e),
        Event::RepresentativeLeft(e) => representative::apply_left(state, date, e),
        Event::RecordCorrected(e) => correction::apply(state, date, e),
        Event::LossGroundsAdopted(e) => collective::apply_loss_grounds(state, e),
        Event::MembershipLostCited(e) => loss::apply_lost_cited(state, date, e),
        Event::MembershipExitedOnApplication(e) => {
            loss::apply_exited_on_application(state, date, e)
        }
        Event::SharesRedeemedWithConsent(e) => shares::apply_redeemed(state, date, &e.redeemed),
        Event::QuantificationPlanAdopted(e) => shares::apply_plan_adopted(state, e),
        Event::BankAccountSet(e) => bank::apply_set(state, date, e),
        Event::BankAccountCleared(e) => bank::apply_cleared(state, e),
        Event::DividendPaymentFailed(e) => bank::apply_failed(state, date, e),
    }
    calendar::apply(state, date, event);
}
