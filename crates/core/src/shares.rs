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

/// The members' assembly adopts a quantification plan (R6): total units of charter classes.
pub(crate) fn adopt_plan(
    given: &Given,
    resolution_cited: &str,
    totals: &[(String, Units)],
) -> Result<Vec<Event>, RuleViolation> {
    let resolution = resolution(
        Rule::R6,
        resolution_cited,
        "a quantification plan cites the members' assembly's resolution adopting it",
    )?;
    if given.collective.plans.contains_key(&resolution) {
        return reject(
            Rule::Input,
            format!("a plan is already adopted under resolution {resolution}"),
        );
    }
    if totals.is_empty() {
        return reject(
            Rule::R6,
            "a quantification plan gives each class's total units",
        );
    }
    let mut seen = BTreeMap::new();
    for (class, units) in totals {
        class_in_charter(&given.collective.charter, class)?;
        if units.0 == 0 {
            return reject(Rule::Input, "a plan's total units are above zero");
        }
        if seen.insert(class.clone(), units.0).is_some() {
            return reject(Rule::Input, format!("class {class:?} is given twice"));
        }
    }
    checks::static_management(&given.collective.charter, given.date)?;
    Ok(vec![Event::QuantificationPlanAdopted(
        QuantificationPlanAdopted {
            resolution,
            totals: seen
                .into_iter()
                .map(|(class, units)| PlanTotal { class, units })
                .collect(),
        },
    )])
}

fn class_in_charter(charter: &crate::charter::Charter, class: &str) -> Result<(), RuleViolation> {
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
    Ok(())
}

/// The resolution an allotment of `units` of `class` cites, which must be an adopted plan's
/// with those units still to allot (R6).
fn plan_cited(
    given: &Given,
    resolution_cited: &str,
    class: &str,
    units: Units,
) -> Result<String, RuleViolation> {
    let resolution = resolution(Rule::R6, resolution_cited, ALLOTMENT_NEEDS_PLAN)?;
    let Some(plan) = given.collective.plans.get(&resolution) else {
        return reject(
            Rule::R6,
            format!(
                "no quantification plan is adopted under resolution {resolution}: allotments cite an adopted plan (`gufen shares plan`)"
            ),
        );
    };
    let left = plan.left(class);
    if units.0 > left {
        return reject(
            Rule::R6,
            format!(
                "the plan adopted by resolution {resolution} has {} {class} shares left to allot, fewer than {units}",
                Units(left)
            ),
        );
    }
    Ok(resolution)
}

pub(crate) fn allot(
    given: &Given,
    person: &PersonId,
    class: &str,
    units: Units,
    resolution_cited: &str,
) -> Result<Vec<Event>, RuleViolation> {
    let charter = &given.collective.charter;
    class_in_charter(charter, class)?;
    if units.0 == 0 {
        return reject(Rule::Input, "an allotment needs units above zero");
    }
    checks::static_management(charter, given.date)?;
    let resolution = plan_cited(given, resolution_cited, class, units)?;
    member(given.state, person)?;
    let mut added = BTreeMap::new();
    added.insert(person.clone(), units.0);
    checks::cap(given.state, given.collective, given.date, &added, units.0)?;
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
    checks::static_management(charter, given.date)?;
    let resolution = plan_cited(given, resolution_cited, class, units)?;
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
    checks::cap(state, given.collective, given.date, &added, 0)?;
    Ok(vec![Event::SharesTransferred(Box::new(
        SharesTransferred {
            from: from.clone(),
            to: to.clone(),
            class,
            units: what.units.0,
            price_fen: what.price.0,
            gift: what.gift,
        },
    ))])
}

/// What one class's redemption gives up, and what it cites (R8).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Redemption<'a> {
    pub class: &'a str,
    pub units: Units,
    pub price: Fen,
    pub resolution: &'a str,
    /// The holder's consent or a court's judgment; required while the holder lives.
    pub authority: Option<&'a RedemptionAuthority>,
}

pub(crate) fn redeem(
    given: &Given,
    person: &PersonId,
    class: Option<&str>,
    what: Redemption,
) -> Result<Vec<Event>, RuleViolation> {
    let holder = known(given.state, person)?;
    let class = holder_class(holder, class)?;
    redemption(
        given,
        holder,
        Redemption {
            class: &class,
            ..what
        },
    )
    .map(|e| vec![e])
}

/// One class's redemption (R8), also each class of a redeeming exit (R4). A living holder's
/// units are redeemed only with their consent or a court's judgment, never by a resolution
/// alone; an estate's (R10) by the resolution.
pub(crate) fn redemption(
    given: &Given,
    holder: &Person,
    what: Redemption,
) -> Result<Event, RuleViolation> {
    let resolution = resolution(
        Rule::R8,
        what.resolution,
        "a redemption by the collective cites the resolution that decides it",
    )?;
    let authority = match what.authority {
        Some(RedemptionAuthority::Consent(r)) => Some(RedemptionAuthority::Consent(
            checks::resolution(Rule::R8, r, "cite the holder's written consent")?,
        )),
        Some(RedemptionAuthority::Judgment(r)) => Some(RedemptionAuthority::Judgment(
            checks::resolution(Rule::R8, r, "cite the court's judgment")?,
        )),
        None => None,
    };
    if authority.is_none() && !holder.is_deceased() {
        return reject(
            Rule::R8,
            format!(
                "{}'s units are redeemed only with the holder's consent or a court's judgment, never by a resolution alone: cite --consent or --judgment",
                holder.id.masked()
            ),
        );
    }
    units_free(holder, what.class, what.units, "redeem", given.date)?;
    if what.price.0 < 0 {
        return reject(Rule::Input, "the price is zero or more");
    }
    let redeemed = SharesRedeemed {
        person: holder.id.clone(),
        class: what.class.to_string(),
        units: what.units.0,
        price_fen: what.price.0,
        resolution,
        to_collective: given.collective.charter.collective_share,
    };
    Ok(match authority {
        Some(authority) => Event::SharesRedeemedWithConsent(Box::new(SharesRedeemedWithConsent {
            redeemed,
            authority,
        })),
        None => Event::SharesRedeemed(redeemed),
    })
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
    plan_allotted(collective, &e.resolution, &e.class, units_delta(e.units));
}

/// Units of `class` allotted under the plan `resolution` adopted (an allotment from before plans
/// were recorded cites none).
fn plan_allotted(
    collective: &mut crate::state::Collective,
    resolution: &str,
    class: &str,
    delta: i64,
) {
    if let Some(plan) = collective.plans.get_mut(resolution) {
        let allotted = plan.allotted.entry(class.to_string()).or_insert(0);
        *allotted = allotted
            .checked_add_signed(delta)
            .expect("a plan's allotted units are never below zero");
    }
}

pub(crate) fn apply_plan_adopted(state: &mut State, e: &QuantificationPlanAdopted) {
    let plan = crate::state::QuantificationPlan {
        totals: e
            .totals
            .iter()
            .map(|t| (t.class.clone(), t.units))
            .collect(),
        allotted: BTreeMap::new(),
    };
    let fresh = state
        .collective_mut()
        .plans
        .insert(e.resolution.clone(), plan)
        .is_none();
    assert!(fresh, "a plan's resolution is adopted once");
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
    plan_allotted(collective, &e.resolution, &e.class, way.signed(e.units));
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

pub(crate) fn undo_plan(
    case: &Case,
    e: &QuantificationPlanAdopted,
) -> Result<Reversal, RuleViolation> {
    let allotted = case
        .collective
        .plans
        .get(&e.resolution)
        .map_or(0, |p| p.allotted_total());
    if allotted > 0 {
        return case.refuse(format_args!(
            "{} shares are allotted under the plan; undo those allotments first",
            Units(allotted)
        ));
    }
    Ok(Reversal::QuantificationPlan(e.clone()))
}

pub(crate) fn apply_plan_undone(state: &mut State, e: &QuantificationPlanAdopted) {
    state.collective_mut().plans.remove(&e.resolution);
}

/// Units given back by a correction are a receipt like any other: the cap holds (R9).
fn cap_on_return(case: &Case, to: &PersonId, units: u64, issued: u64) -> Result<(), RuleViolation> {
    let mut added = BTreeMap::new();
    added.insert(to.clone(), units);
    checks::cap(case.state, case.collective, case.date, &added, issued)
}

pub(crate) fn undo_transfer(case: &Case, e: &SharesTransferred) -> Result<Reversal, RuleViolation> {
    case.units_back(&e.to, &e.class, e.units)?;
    cap_on_return(case, &e.from, e.units, 0)?;
    let giver = known(case.state, &e.from)?;
    if !giver.is_member() || giver.is_deceased() {
        return case.refuse(format_args!(
            "{} is no longer a member to take the units back{}",
            e.from.masked(),
            case.depending(
                Some(&e.from),
                &[
                    EventKind::MembershipLost,
                    EventKind::MembershipLostCited,
                    EventKind::DeathRecorded,
                    EventKind::EstateSettled,
                    EventKind::MembershipExited,
                    EventKind::MembershipExitedOnApplication
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
    cap_on_return(
        case,
        &e.person,
        e.units,
        if e.to_collective { 0 } else { e.units },
    )?;
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
