//! Shares (R6–R9): allotment to persons and to the collective share (集体股) under an adopted
//! plan, static management, transfers and gifts between members under the holding cap, and
//! redemption by the collective; each decided, applied and undone here.

use crate::amount::{Fen, Units};
use crate::checks::{self, holder_class, known, living, member, resolution, units_free};
use crate::correction::Case;
use crate::decide::Given;
use crate::error::{reject, Rule, RuleViolation};
use crate::event::*;
use crate::ids::PersonId;
use crate::state::{
    cancel_units, change_collective_share, change_holding, issue_units, move_units, record_change,
    units_delta, Membership, Person, State,
};
use chrono::NaiveDate;
use std::collections::BTreeMap;

const ALLOTMENT_NEEDS_PLAN: &str =
    "an allotment must cite the resolution adopting the quantification plan";

// ---- decide ----

pub(crate) fn allot(
    given: &Given,
    person: &PersonId,
    class: &str,
    units: Units,
    resolution_cited: &str,
) -> Result<Vec<Event>, RuleViolation> {
    let charter = &given.collective.charter;
    if charter.class(class).is_none() {
        let known: Vec<&str> = charter.classes.iter().map(|c| c.code.as_str()).collect();
        return reject(
            Rule::R6,
            format!(
                "share class {class:?} is not in the charter ({})",
                known.join(", ")
            ),
        );
    }
    if units.0 == 0 {
        return reject(Rule::Input, "an allotment needs units above zero");
    }
    let resolution = resolution(Rule::R6, resolution_cited, ALLOTMENT_NEEDS_PLAN)?;
    checks::static_management(charter, given.date)?;
    member(given.state, person)?;
    let mut added = BTreeMap::new();
    added.insert(person.clone(), units.0);
    checks::cap(given.state, given.collective, &added, units.0)?;
    Ok(vec![Event::SharesAllotted(SharesAllotted {
        person: person.clone(),
        class: class.to_string(),
        units: units.0,
        resolution,
    })])
}

pub(crate) fn allot_collective(
    given: &Given,
    class: &str,
    units: Units,
    resolution_cited: &str,
) -> Result<Vec<Event>, RuleViolation> {
    let charter = &given.collective.charter;
    if !charter.collective_share {
        return reject(
            Rule::R6,
            "the charter keeps no collective share (collective_share = false)",
        );
    }
    if charter.class(class).is_none() {
        return reject(
            Rule::R6,
            format!("share class {class:?} is not in the charter"),
        );
    }
    if units.0 == 0 {
        return reject(Rule::Input, "an allotment needs units above zero");
    }
    let resolution = resolution(Rule::R6, resolution_cited, ALLOTMENT_NEEDS_PLAN)?;
    checks::static_management(charter, given.date)?;
    Ok(vec![Event::CollectiveSharesAllotted(
        CollectiveSharesAllotted {
            class: class.to_string(),
            units: units.0,
            resolution,
        },
    )])
}

/// What a transfer moves: units of a class, at a price (zero for a gift).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Transfer<'a> {
    pub class: Option<&'a str>,
    pub units: Units,
    pub price: Fen,
    pub gift: bool,
}

pub(crate) fn transfer(
    given: &Given,
    from: &PersonId,
    to: &PersonId,
    what: Transfer,
) -> Result<Vec<Event>, RuleViolation> {
    let state = given.state;
    if from == to {
        return reject(Rule::Input, "a transfer needs two different persons");
    }
    let giver = living(state, from)?;
    if !giver.is_member() {
        return reject(
            Rule::R8,
            format!(
                "{} ({}) is not a current member: shares pass only between current members; the collective may redeem them",
                giver.name,
                from.masked()
            ),
        );
    }
    let Some(receiver) = state.person(to) else {
        return reject(
            Rule::R8,
            format!(
                "{} is not a member of this collective: shares never go to an outsider",
                to.masked()
            ),
        );
    };
    if !receiver.is_member() || receiver.is_deceased() {
        let why = if receiver.is_deceased() {
            "has died"
        } else {
            match receiver.membership {
                Membership::None => "is not a member (a non-member heir holds income rights only)",
                Membership::Lost {
                    ground: LossGround::Exit,
                    ..
                } => "has exited the collective",
                _ => "is no longer a member",
            }
        };
        return reject(
            Rule::R8,
            format!(
                "{} ({}) {why}: shares pass only to a current member",
                receiver.name,
                to.masked()
            ),
        );
    }
    let class = holder_class(giver, what.class)?;
    units_free(giver, &class, what.units, "transfer", given.date)?;
    if what.price.0 < 0 || (what.gift && what.price.0 != 0) {
        return reject(
            Rule::Input,
            "the price is zero or more, and zero for a gift",
        );
    }
    let mut added = BTreeMap::new();
    added.insert(to.clone(), what.units.0);
    checks::cap(state, given.collective, &added, 0)?;
    Ok(vec![Event::SharesTransferred(SharesTransferred {
        from: from.clone(),
        to: to.clone(),
        class,
        units: what.units.0,
        price_fen: what.price.0,
        gift: what.gift,
    })])
}

pub(crate) fn redeem(
    given: &Given,
    person: &PersonId,
    class: Option<&str>,
    units: Units,
    price: Fen,
    resolution: &str,
) -> Result<Vec<Event>, RuleViolation> {
    let holder = known(given.state, person)?;
    let class = holder_class(holder, class)?;
    redemption(given, holder, &class, units, price, resolution).map(|e| vec![e])
}

/// One class's redemption (R8), also each class of a redeeming exit (R4).
pub(crate) fn redemption(
    given: &Given,
    holder: &Person,
    class: &str,
    units: Units,
    price: Fen,
    resolution_cited: &str,
) -> Result<Event, RuleViolation> {
    let resolution = resolution(
        Rule::R8,
        resolution_cited,
        "a redemption by the collective cites the resolution that decides it",
    )?;
    units_free(holder, class, units, "redeem", given.date)?;
    if price.0 < 0 {
        return reject(Rule::Input, "the price is zero or more");
    }
    Ok(Event::SharesRedeemed(SharesRedeemed {
        person: holder.id.clone(),
        class: class.to_string(),
        units: units.0,
        price_fen: price.0,
        resolution,
        to_collective: given.collective.charter.collective_share,
    }))
}

// ---- apply ----

pub(crate) fn apply_allotted(state: &mut State, date: NaiveDate, e: &SharesAllotted) {
    let person = state.person_mut(&e.person);
    *person.holdings.entry(e.class.clone()).or_insert(0) += e.units;
    record_change(
        &mut person.holding_changes,
        date,
        &e.class,
        units_delta(e.units),
    );
    let collective = state.collective_mut();
    issue_units(collective, &e.class, e.units);
    collective.holding_changed(date);
}

pub(crate) fn apply_collective_allotted(
    state: &mut State,
    date: NaiveDate,
    e: &CollectiveSharesAllotted,
) {
    collective_allotment_applied(state, date, e, Direction::Forward);
}

pub(crate) fn apply_transferred(state: &mut State, date: NaiveDate, e: &SharesTransferred) {
    move_units(state, &e.from, &e.to, &e.class, e.units, date);
}

pub(crate) fn apply_redeemed(state: &mut State, date: NaiveDate, e: &SharesRedeemed) {
    redemption_applied(state, date, e, Direction::Forward);
}

/// Whether a record takes effect or is undone (a correction applies the same change back).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Direction {
    Forward,
    Back,
}

impl Direction {
    fn signed(self, units: u64) -> i64 {
        match self {
            Direction::Forward => units_delta(units),
            Direction::Back => -units_delta(units),
        }
    }
}

/// A redemption's units leave the holding for the collective share or out of issue (or come
/// back, when it is undone).
fn redemption_applied(state: &mut State, date: NaiveDate, e: &SharesRedeemed, way: Direction) {
    let units = way.signed(e.units);
    change_holding(state, &e.person, &e.class, -units, date);
    let collective = state.collective_mut();
    match (e.to_collective, way) {
        (true, _) => change_collective_share(collective, &e.class, units, date),
        (false, Direction::Forward) => cancel_units(collective, &e.class, e.units),
        (false, Direction::Back) => issue_units(collective, &e.class, e.units),
    }
}

/// Units allotted to the collective share come into issue (or go out, when undone).
fn collective_allotment_applied(
    state: &mut State,
    date: NaiveDate,
    e: &CollectiveSharesAllotted,
    way: Direction,
) {
    let collective = state.collective_mut();
    change_collective_share(collective, &e.class, way.signed(e.units), date);
    match way {
        Direction::Forward => issue_units(collective, &e.class, e.units),
        Direction::Back => cancel_units(collective, &e.class, e.units),
    }
    collective.holding_changed(date);
}

// ---- undo (R15) ----

pub(crate) fn undo_allotment(case: &Case, e: &SharesAllotted) -> Result<Reversal, RuleViolation> {
    case.units_back(&e.person, &e.class, e.units)?;
    Ok(Reversal::Allotment(e.clone()))
}

pub(crate) fn undo_collective_allotment(
    case: &Case,
    e: &CollectiveSharesAllotted,
) -> Result<Reversal, RuleViolation> {
    let available = collective_units_back(case, &e.class);
    if available < e.units {
        return case.refuse(format_args!(
            "the collective share holds only {} {} shares from {} on",
            Units(available),
            e.class,
            case.date
        ));
    }
    Ok(Reversal::CollectiveAllotment(e.clone()))
}

/// Units of `class` that can leave the collective share on the correction's date.
fn collective_units_back(case: &Case, class: &str) -> u64 {
    let collective = case.collective;
    let held = collective.holdings.get(class).copied().unwrap_or(0);
    crate::state::units_available_from(&collective.holding_changes, class, case.date).min(held)
}

pub(crate) fn undo_transfer(case: &Case, e: &SharesTransferred) -> Result<Reversal, RuleViolation> {
    case.units_back(&e.to, &e.class, e.units)?;
    let giver = known(case.state, &e.from)?;
    if !giver.is_member() || giver.is_deceased() {
        return case.refuse(format_args!(
            "{} is no longer a member to take the units back{}",
            e.from.masked(),
            case.depending(
                Some(&e.from),
                &[
                    EventKind::MembershipLost,
                    EventKind::DeathRecorded,
                    EventKind::EstateSettled,
                    EventKind::MembershipExited
                ]
            )
        ));
    }
    Ok(Reversal::Transfer(e.clone()))
}

pub(crate) fn undo_redemption(case: &Case, e: &SharesRedeemed) -> Result<Reversal, RuleViolation> {
    if e.to_collective && collective_units_back(case, &e.class) < e.units {
        return case.refuse("the collective share no longer holds the units it redeemed");
    }
    known(case.state, &e.person)?;
    Ok(Reversal::Redemption(e.clone()))
}

pub(crate) fn apply_allotment_undone(state: &mut State, date: NaiveDate, a: &SharesAllotted) {
    change_holding(state, &a.person, &a.class, -units_delta(a.units), date);
    cancel_units(state.collective_mut(), &a.class, a.units);
}

pub(crate) fn apply_collective_allotment_undone(
    state: &mut State,
    date: NaiveDate,
    a: &CollectiveSharesAllotted,
) {
    collective_allotment_applied(state, date, a, Direction::Back);
}

pub(crate) fn apply_transfer_undone(state: &mut State, date: NaiveDate, t: &SharesTransferred) {
    move_units(state, &t.to, &t.from, &t.class, t.units, date);
}

pub(crate) fn apply_redemption_undone(state: &mut State, date: NaiveDate, r: &SharesRedeemed) {
    redemption_applied(state, date, r, Direction::Back);
}
