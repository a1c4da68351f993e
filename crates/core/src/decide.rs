//! `decide`: a command and the state at head in, events or a rule violation out. Pure.

use crate::amount::Fen;
use crate::amount::{Units, RATE_SCALE};
use crate::charter::Rounding;
use crate::charter::{ApprovalBody, Charter, Management};
use crate::command::{Action, Command, RosterRow};
use crate::distribution::{self, DraftInput};
use crate::error::{reject, RowViolation, Rule, RuleViolation};
use crate::event::*;
use crate::ids::PersonId;
use crate::state::{
    units_available_from, Collective, Distribution, Key, Membership, Person, PlanStatus, State,
};
use std::collections::BTreeMap;

/// The most rows one roster import may hold (one batch).
pub const ROSTER_ROWS_MAX: usize = 200_000;
/// The longest name, household number, resolution or note, in characters.
pub const TEXT_CHARS_MAX: usize = 200;

/// Which entities a command needs loaded; `None` means the whole state.
pub fn scope(action: &Action) -> Option<Vec<Key>> {
    let person = |id: &PersonId| Key::Person(id.clone());
    let mut keys = vec![Key::Collective];
    match action {
        Action::RegisterCollective { .. } => {}
        Action::ImportRoster { rows, .. } => {
            for row in rows {
                if let Ok(id) = PersonId::parse(&row.id) {
                    keys.push(person(&id));
                }
                keys.push(Key::Household(row.household.trim().to_string()));
            }
        }
        Action::RegisterPerson {
            person: id,
            household,
            ..
        } => {
            keys.push(person(id));
            keys.extend(household.iter().map(|h| Key::Household(h.clone())));
        }
        Action::ConfirmMembership {
            person: id,
            household,
            ..
        } => {
            keys.push(person(id));
            keys.push(Key::Household(household.clone()));
        }
        Action::MoveHousehold { person: id, to } => {
            keys.push(person(id));
            keys.push(Key::Household(to.clone()));
        }
        Action::NameHouseholdHead {
            household,
            person: id,
        } => {
            keys.push(person(id));
            keys.push(Key::Household(household.clone()));
        }
        Action::LoseMembership { person: id, .. }
        | Action::RecordHukou { person: id, .. }
        | Action::RecordLifeEvent { person: id, .. }
        | Action::AllotShares { person: id, .. }
        | Action::PledgeShares { person: id, .. }
        | Action::ReleasePledge { person: id, .. }
        | Action::RecordDeath { person: id }
        | Action::RedeemShares { person: id, .. }
        | Action::ExitMember { person: id, .. } => keys.push(person(id)),
        Action::TransferShares { from, to, .. } => {
            keys.push(person(from));
            keys.push(person(to));
        }
        Action::Correct {
            original, related, ..
        } => keys.extend(crate::correction::scope(original, related)),
        Action::Inherit { from, heirs } => {
            keys.push(person(from));
            keys.extend(heirs.iter().map(|(heir, _)| person(heir)));
        }
        Action::PayDividend {
            person: id, year, ..
        } => {
            keys.push(person(id));
            keys.push(Key::Distribution(*year));
        }
        Action::PayDividends { payments, year } => {
            keys.extend(payments.iter().map(|(id, _)| person(id)));
            keys.push(Key::Distribution(*year));
        }
        Action::AllotCollectiveShares { .. } => {}
        Action::NoticeDistribution { year } | Action::ApproveDistribution { year, .. } => {
            keys.push(Key::Distribution(*year))
        }
        Action::PostDistribution { year } => keys.push(Key::Distribution(*year)),
        // A plan's lines read every holder.
        Action::DraftDistribution(_) => return None,
    }
    Some(keys)
}

/// Decides a command against the state; the state is not changed.
pub fn decide(state: &State, command: &Command) -> Result<Vec<Event>, RuleViolation> {
    if let Action::RegisterCollective { charter } = &command.action {
        if state.collective().is_some() {
            return reject(
                Rule::Input,
                "this ledger already has its collective registered",
            );
        }
        return Ok(vec![Event::CollectiveRegistered(CollectiveRegistered {
            charter: charter.clone(),
        })]);
    }
    let Some(collective) = state.collective() else {
        return reject(
            Rule::Input,
            "the collective is not registered: run `gufen init` first",
        );
    };
    let date = command.date;
    match &command.action {
        Action::RegisterCollective { .. } => unreachable!("handled above"),
        Action::RegisterPerson {
            person,
            name,
            household,
        } => {
            text("name", name)?;
            if let Some(h) = household {
                text("household", h)?;
            }
            if state.person(person).is_some() {
                return reject(
                    Rule::Input,
                    format!("person {} is already registered", person.masked()),
                );
            }
            Ok(vec![Event::PersonRegistered(PersonRegistered {
                person: person.clone(),
                name: name.trim().to_string(),
                household: household.as_ref().map(|h| h.trim().to_string()),
            })])
        }
        Action::ConfirmMembership {
            person,
            name,
            household,
            resolution,
        } => confirm(state, person, name, household, resolution).map(|e| vec![e]),
        Action::ImportRoster { rows, resolution } => {
            import(state, collective, date, rows, resolution)
        }
        Action::LoseMembership {
            person,
            ground,
            note,
        } => {
            let ground = loss_ground(ground)?;
            member(state, person)?;
            Ok(vec![Event::MembershipLost(MembershipLost {
                person: person.clone(),
                ground,
                note: note.trim().to_string(),
            })])
        }
        Action::MoveHousehold { person, to } => {
            text("household", to)?;
            let current = known(state, person)?;
            if current.household.as_deref() == Some(to.trim()) {
                return reject(
                    Rule::Input,
                    format!("{} is already in household {to}", person.masked()),
                );
            }
            Ok(vec![Event::HouseholdMoved(HouseholdMoved {
                person: person.clone(),
                from: current.household.clone(),
                to: to.trim().to_string(),
            })])
        }
        Action::NameHouseholdHead { household, person } => {
            let found = known(state, person)?;
            if found.household.as_deref() != Some(household.as_str()) {
                return reject(
                    Rule::R7,
                    format!("{} is not in household {household}", person.masked()),
                );
            }
            Ok(vec![Event::HouseholdHeadNamed(HouseholdHeadNamed {
                household: household.clone(),
                person: person.clone(),
            })])
        }
        Action::RecordHukou {
            person,
            kind,
            locality,
        } => {
            text("locality", locality)?;
            known(state, person)?;
            Ok(vec![Event::HukouRecorded(HukouRecorded {
                person: person.clone(),
                kind: *kind,
                locality: locality.trim().to_string(),
            })])
        }
        Action::RecordLifeEvent { person, kind, note } => {
            known(state, person)?;
            Ok(vec![Event::LifeEventRecorded(LifeEventRecorded {
                person: person.clone(),
                kind: *kind,
                note: note.trim().to_string(),
            })])
        }
        Action::AllotShares {
            person,
            class,
            units,
            resolution,
        } => {
            let event = allot(state, collective, date, person, class, *units, resolution)?;
            let mut added = BTreeMap::new();
            added.insert(person.clone(), units.0);
            check_cap(state, collective, &added, units.0)?;
            Ok(vec![event])
        }
        Action::AllotCollectiveShares {
            class,
            units,
            resolution,
        } => allot_collective(collective, date, class, *units, resolution).map(|e| vec![e]),
        Action::DraftDistribution(input) => draft_distribution(state, collective, date, input),
        Action::NoticeDistribution { year } => {
            let plan = plan(state, *year)?;
            match plan.status() {
                PlanStatus::Drafted => {}
                PlanStatus::Noticed => {
                    return reject(
                        Rule::R13,
                        format!(
                            "the {year} plan was already put up for notice on {}; the notice period runs from that date",
                            plan.noticed_on.expect("noticed")
                        ),
                    )
                }
                status => {
                    return reject(
                        Rule::R13,
                        format!("the {year} plan is already {}", status.as_str()),
                    )
                }
            }
            if date < plan.drafted_on {
                return reject(
                    Rule::Input,
                    format!(
                        "the notice ({date}) cannot come before the draft ({})",
                        plan.drafted_on
                    ),
                );
            }
            Ok(vec![Event::DistributionNoticed(DistributionNoticed {
                year: *year,
            })])
        }
        Action::ApproveDistribution {
            year,
            body,
            votes_for,
            eligible,
            resolution,
        } => approve(
            state, collective, date, *year, *body, *votes_for, *eligible, resolution,
        )
        .map(|e| vec![e]),
        Action::PostDistribution { year } => post(state, collective, date, *year),
        Action::PayDividend {
            year,
            person,
            reference,
        } => pay(state, date, *year, person, reference).map(|e| vec![e]),
        Action::PledgeShares {
            person,
            class,
            units,
            pledgee,
            contract,
        } => {
            text("pledgee", pledgee)?;
            text("contract", contract)?;
            let holder = living(state, person)?;
            let class = holder_class(holder, class.as_deref())?;
            if units.0 == 0 {
                return reject(Rule::Input, "a pledge needs units above zero");
            }
            if units.0 > holder.free_units(&class) {
                return reject(
                    Rule::R11,
                    format!(
                        "{} holds {} {class} shares of which {} are free of pledges; {} cannot be pledged",
                        person.masked(),
                        Units(holder.holdings.get(&class).copied().unwrap_or(0)),
                        Units(holder.free_units(&class)),
                        units
                    ),
                );
            }
            if collective.pledges.contains_key(contract.trim()) {
                return reject(
                    Rule::Input,
                    format!("contract {contract} already registers a pledge"),
                );
            }
            Ok(vec![Event::SharesPledgedInClass(SharesPledgedInClass {
                pledge: SharesPledged {
                    person: person.clone(),
                    units: units.0,
                    pledgee: pledgee.trim().to_string(),
                    contract: contract.trim().to_string(),
                },
                class,
            })])
        }
        Action::ReleasePledge { person, contract } => {
            if collective.pledges.get(contract.trim()) != Some(person) {
                return reject(
                    Rule::R11,
                    format!(
                        "no open pledge of {} under contract {contract}",
                        person.masked()
                    ),
                );
            }
            Ok(vec![Event::PledgeReleased(PledgeReleased {
                person: person.clone(),
                contract: contract.trim().to_string(),
            })])
        }
        Action::TransferShares {
            from,
            to,
            class,
            units,
            price,
            gift,
        } => transfer(
            state,
            collective,
            date,
            from,
            to,
            class.as_deref(),
            *units,
            *price,
            *gift,
        ),
        Action::RecordDeath { person } => {
            let found = known(state, person)?;
            if found.is_deceased() {
                return reject(
                    Rule::Input,
                    format!("the death of {} is already recorded", person.masked()),
                );
            }
            let mut events = Vec::new();
            if found.is_member() {
                events.push(Event::MembershipLost(MembershipLost {
                    person: person.clone(),
                    ground: LossGround::Death,
                    note: String::new(),
                }));
            }
            events.push(Event::DeathRecorded(DeathRecorded {
                person: person.clone(),
            }));
            Ok(events)
        }
        Action::Inherit { from, heirs } => inherit(state, collective, date, from, heirs),
        Action::RedeemShares {
            person,
            class,
            units,
            price,
            resolution,
        } => {
            let holder = known(state, person)?;
            let class = holder_class(holder, class.as_deref())?;
            redeem(collective, date, holder, &class, *units, *price, resolution).map(|e| vec![e])
        }
        Action::ExitMember {
            person,
            resolution,
            redeem: price,
        } => {
            if resolution.trim().is_empty() {
                return reject(
                    Rule::R4,
                    "a voluntary exit needs the organization's consent: cite its resolution",
                );
            }
            text("resolution", resolution)?;
            let found = known(state, person)?;
            if !found.is_member() {
                return reject(
                    Rule::R4,
                    format!(
                        "{} ({}) is not a current member",
                        found.name,
                        person.masked()
                    ),
                );
            }
            if found.pledged_units() > 0 {
                return reject(
                    Rule::R11,
                    format!(
                        "{} has {} pledged shares outstanding: release them before the exit",
                        person.masked(),
                        Units(found.pledged_units())
                    ),
                );
            }
            let mut events = Vec::new();
            if let Some(price) = price {
                let weights: Vec<(String, u64)> = found
                    .holdings
                    .iter()
                    .map(|(c, u)| (c.clone(), *u))
                    .collect();
                let prices = distribution::split(*price, &weights, Rounding::LargestRemainder);
                for ((class, units), (_, part)) in weights.iter().zip(prices.lines) {
                    events.push(redeem(
                        collective,
                        date,
                        found,
                        class,
                        Units(*units),
                        part,
                        resolution,
                    )?);
                }
            }
            events.push(Event::MembershipExited(MembershipExited {
                person: person.clone(),
                resolution: resolution.trim().to_string(),
            }));
            Ok(events)
        }
        Action::Correct {
            reason,
            original,
            related,
        } => crate::correction::correct(state, collective, date, reason, original, related)
            .map(|e| vec![e]),
        Action::PayDividends { year, payments } => {
            if payments.is_empty() {
                return reject(Rule::Input, "the payment file has no rows");
            }
            if payments.len() > ROSTER_ROWS_MAX {
                return reject(
                    Rule::Input,
                    format!("a payment file holds at most {ROSTER_ROWS_MAX} rows"),
                );
            }
            let mut events = Vec::with_capacity(payments.len());
            let mut violations = Vec::new();
            let mut seen: BTreeMap<&PersonId, usize> = BTreeMap::new();
            for (row, (person, reference)) in payments.iter().enumerate() {
                if let Some(first) = seen.insert(person, row) {
                    violations.push(RowViolation {
                        row,
                        rule: Rule::Input,
                        message: format!(
                            "ID {} is also paid on row {}",
                            person.masked(),
                            first + 1
                        ),
                    });
                    continue;
                }
                match pay(state, date, *year, person, reference) {
                    Ok(event) => events.push(event),
                    Err(e) => {
                        let (rule, message) = split(e);
                        violations.push(RowViolation { row, rule, message });
                    }
                }
            }
            if violations.is_empty() {
                Ok(events)
            } else {
                Err(RuleViolation::Rows(violations))
            }
        }
    }
}

fn pay(
    state: &State,
    date: chrono::NaiveDate,
    year: u16,
    person: &PersonId,
    reference: &str,
) -> Result<Event, RuleViolation> {
    text("payment reference", reference)?;
    let found = known(state, person)?;
    let posted = state.distribution(year).filter(|d| d.posted_on.is_some());
    let Some(dividend) = posted.and_then(|d| d.dividend(person)) else {
        return reject(
            Rule::R14,
            format!(
                "no {year} dividend was declared to {} ({}): only a posted plan's holders are paid",
                found.name,
                person.masked()
            ),
        );
    };
    if let Some(paid) = &dividend.paid {
        return reject(
            Rule::Input,
            format!(
                "the {year} dividend of {} ({}) was already paid on {} (reference {})",
                found.name,
                person.masked(),
                paid.on,
                paid.reference
            ),
        );
    }
    if dividend.amount_fen == 0 {
        return reject(
            Rule::Input,
            format!(
                "the {year} dividend of {} is zero: nothing to pay",
                person.masked()
            ),
        );
    }
    let posted_on = posted.and_then(|d| d.posted_on).expect("posted");
    if date < posted_on {
        return reject(
            Rule::Input,
            format!(
                "the payment ({date}) cannot come before the dividend was posted ({posted_on})"
            ),
        );
    }
    Ok(Event::DividendPaid(DividendPaid {
        year,
        person: person.clone(),
        amount_fen: dividend.amount_fen,
        reference: reference.trim().to_string(),
    }))
}

/// A known person who has not died.
fn living<'s>(state: &'s State, person: &PersonId) -> Result<&'s Person, RuleViolation> {
    let found = known(state, person)?;
    if found.is_deceased() {
        return reject(
            Rule::R10,
            format!(
                "{} ({}) has died: the holding is an estate, settled by inheritance",
                found.name,
                person.masked()
            ),
        );
    }
    Ok(found)
}

/// The class a command acts on: the one named (which the holder must hold), or the holder's
/// only class.
fn holder_class(holder: &Person, class: Option<&str>) -> Result<String, RuleViolation> {
    match class {
        Some(class) => {
            if !holder.holdings.contains_key(class) {
                return reject(
                    Rule::Input,
                    format!("{} holds no {class:?} shares", holder.id.masked()),
                );
            }
            Ok(class.to_string())
        }
        None => {
            let mut classes = holder.holdings.keys();
            match (classes.next(), classes.next()) {
                (Some(only), None) => Ok(only.clone()),
                (None, _) => reject(
                    Rule::Input,
                    format!("{} holds no shares", holder.id.masked()),
                ),
                _ => reject(
                    Rule::Input,
                    format!(
                        "{} holds several classes of shares: name one with --class",
                        holder.id.masked()
                    ),
                ),
            }
        }
    }
}

/// Units the holder holds of `class` from `date` on, and that are free of pledges (R11).
fn check_free(
    holder: &Person,
    class: &str,
    units: Units,
    what: &str,
    date: chrono::NaiveDate,
) -> Result<(), RuleViolation> {
    if units.0 == 0 {
        return reject(Rule::Input, format!("a {what} needs units above zero"));
    }
    let held = holder.holdings.get(class).copied().unwrap_or(0);
    if units.0 > held {
        return reject(
            Rule::Input,
            format!(
                "{} holds {} {class} shares, fewer than the {} to {what}",
                holder.id.masked(),
                Units(held),
                units
            ),
        );
    }
    let available = units_available_from(&holder.holding_changes, class, date);
    if units.0 > available {
        return reject(
            Rule::Input,
            format!(
                "{} holds only {} {class} shares from {date} on (later holdings are dated after it); date the {what} when the units are held",
                holder.id.masked(),
                Units(available)
            ),
        );
    }
    if units.0 > holder.free_units(class) {
        return reject(
            Rule::R11,
            format!(
                "{} has {} {class} shares free of pledges; pledged units are not given up by a {what} until released",
                holder.id.masked(),
                Units(holder.free_units(class))
            ),
        );
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn transfer(
    state: &State,
    collective: &Collective,
    date: chrono::NaiveDate,
    from: &PersonId,
    to: &PersonId,
    class: Option<&str>,
    units: Units,
    price: Fen,
    gift: bool,
) -> Result<Vec<Event>, RuleViolation> {
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
    let class = holder_class(giver, class)?;
    check_free(giver, &class, units, "transfer", date)?;
    if price.0 < 0 || (gift && price.0 != 0) {
        return reject(
            Rule::Input,
            "the price is zero or more, and zero for a gift",
        );
    }
    let mut added = BTreeMap::new();
    added.insert(to.clone(), units.0);
    check_cap(state, collective, &added, 0)?;
    Ok(vec![Event::SharesTransferred(SharesTransferred {
        from: from.clone(),
        to: to.clone(),
        class,
        units: units.0,
        price_fen: price.0,
        gift,
    })])
}

fn redeem(
    collective: &Collective,
    date: chrono::NaiveDate,
    holder: &Person,
    class: &str,
    units: Units,
    price: Fen,
    resolution: &str,
) -> Result<Event, RuleViolation> {
    if resolution.trim().is_empty() {
        return reject(
            Rule::R8,
            "a redemption by the collective cites the resolution that decides it",
        );
    }
    text("resolution", resolution)?;
    check_free(holder, class, units, "redeem", date)?;
    if price.0 < 0 {
        return reject(Rule::Input, "the price is zero or more");
    }
    Ok(Event::SharesRedeemed(SharesRedeemed {
        person: holder.id.clone(),
        class: class.to_string(),
        units: units.0,
        price_fen: price.0,
        resolution: resolution.trim().to_string(),
        to_collective: collective.charter.collective_share,
    }))
}

/// The most heirs one settlement may name, and the largest fraction denominator.
const HEIRS_MAX: usize = 100;
const DENOMINATOR_MAX: u64 = 1_000_000;

fn inherit(
    state: &State,
    collective: &Collective,
    date: chrono::NaiveDate,
    from: &PersonId,
    heirs: &[(PersonId, Option<(u64, u64)>)],
) -> Result<Vec<Event>, RuleViolation> {
    let deceased = known(state, from)?;
    if !deceased.is_deceased() {
        return reject(
            Rule::R10,
            format!(
                "{} ({}) has no recorded death: record it with `gufen death record` first",
                deceased.name,
                from.masked()
            ),
        );
    }
    if deceased.units_total() == 0 {
        return reject(
            Rule::R10,
            format!("the estate of {} holds no shares to settle", from.masked()),
        );
    }
    for (class, units) in &deceased.holdings {
        if units_available_from(&deceased.holding_changes, class, date) < *units {
            return reject(
                Rule::Input,
                format!(
                    "part of the estate of {} is dated after {date}: date the settlement when the estate holds it all",
                    from.masked()
                ),
            );
        }
    }
    if deceased.pledged_units() > 0 {
        return reject(
            Rule::R11,
            format!(
                "the estate of {} has {} pledged shares: release them before settling",
                from.masked(),
                Units(deceased.pledged_units())
            ),
        );
    }
    if heirs.is_empty() || heirs.len() > HEIRS_MAX {
        return reject(
            Rule::R10,
            format!("a settlement names 1 to {HEIRS_MAX} heirs"),
        );
    }
    let given = heirs.iter().filter(|(_, f)| f.is_some()).count();
    if given != 0 && given != heirs.len() {
        return reject(
            Rule::R10,
            "give every heir a fraction, or none for an equal split",
        );
    }
    let mut fractions: Vec<(PersonId, u64, u64)> = Vec::with_capacity(heirs.len());
    for (heir, fraction) in heirs {
        if heir == from || fractions.iter().any(|(h, _, _)| h == heir) {
            return reject(
                Rule::R10,
                format!("{} is named twice, or is the deceased", heir.masked()),
            );
        }
        let found = state.person(heir).ok_or_else(|| {
            RuleViolation::new(
                Rule::Input,
                format!(
                    "no person with ID {} in this collective: register a non-member heir with `gufen person add` first",
                    heir.masked()
                ),
            )
        })?;
        if found.is_deceased() {
            return reject(
                Rule::R10,
                format!(
                    "heir {} has died: settle through their own estate",
                    heir.masked()
                ),
            );
        }
        let (num, den) = fraction.unwrap_or((1, heirs.len() as u64));
        if num == 0 || den == 0 || num > den || den > DENOMINATOR_MAX {
            return reject(
                Rule::R10,
                format!(
                    "{num}/{den} for {} is not a fraction between 0 and 1 (denominators up to {DENOMINATOR_MAX})",
                    heir.masked()
                ),
            );
        }
        fractions.push((heir.clone(), num, den));
    }
    // Σ num/den = 1 exactly, in reduced rationals (too fine a set of fractions is refused).
    let mut sum: (u128, u128) = (0, 1);
    for (_, num, den) in &fractions {
        let (n, d) = (u128::from(*num), u128::from(*den));
        let numerator = sum
            .0
            .checked_mul(d)
            .and_then(|a| n.checked_mul(sum.1).and_then(|b| a.checked_add(b)));
        let denominator = sum.1.checked_mul(d);
        let (Some(numerator), Some(denominator)) = (numerator, denominator) else {
            return reject(Rule::R10, "these fractions are too fine to add up exactly");
        };
        let g = gcd(numerator, denominator);
        sum = (numerator / g, denominator / g);
    }
    if sum != (1, 1) {
        return reject(
            Rule::R10,
            format!(
                "the heirs' fractions sum to {}/{}, not exactly one",
                sum.0, sum.1
            ),
        );
    }
    let mut shares = Vec::new();
    let mut added: BTreeMap<PersonId, u64> = BTreeMap::new();
    for (class, units) in &deceased.holdings {
        for (heir, part) in split_units(*units, &fractions) {
            if part > 0 {
                *added.entry(heir.clone()).or_insert(0) += part;
                shares.push(HeirShare {
                    heir,
                    class: class.clone(),
                    units: part,
                });
            }
        }
    }
    if collective.charter.inheritance_counts_toward_cap {
        check_cap(state, collective, &added, 0)?;
    }
    Ok(vec![Event::EstateSettled(EstateSettled {
        deceased: from.clone(),
        fractions,
        shares,
    })])
}

fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a.max(1)
}

/// Splits `units` by exact fractions: floor(units·num/den) each, then the remaining units one
/// each to the largest fractional parts, ties by heir ID (R10). The parts sum to `units`.
pub fn split_units(units: u64, fractions: &[(PersonId, u64, u64)]) -> Vec<(PersonId, u64)> {
    let mut parts: Vec<(PersonId, u64, u128, u128)> = fractions
        .iter()
        .map(|(heir, num, den)| {
            let product = u128::from(units) * u128::from(*num);
            let den = u128::from(*den);
            (heir.clone(), (product / den) as u64, product % den, den)
        })
        .collect();
    let given: u64 = parts.iter().map(|p| p.1).sum();
    let mut remainder = units - given;
    let mut order: Vec<usize> = (0..parts.len()).collect();
    // Larger fraction r_i/d_i first: r_i·d_j > r_j·d_i; equal ones by heir ID.
    order.sort_by(|&i, &j| {
        let (a, b) = (&parts[i], &parts[j]);
        (b.2 * a.3).cmp(&(a.2 * b.3)).then_with(|| a.0.cmp(&b.0))
    });
    for i in order {
        if remainder == 0 {
            break;
        }
        if parts[i].2 > 0 {
            parts[i].1 += 1;
            remainder -= 1;
        }
    }
    assert_eq!(remainder, 0, "the units of an estate are all given out");
    parts
        .into_iter()
        .map(|(heir, part, _, _)| (heir, part))
        .collect()
}

fn allot_collective(
    collective: &Collective,
    date: chrono::NaiveDate,
    class: &str,
    units: Units,
    resolution: &str,
) -> Result<Event, RuleViolation> {
    let charter = &collective.charter;
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
    if resolution.trim().is_empty() {
        return reject(
            Rule::R6,
            "an allotment must cite the resolution adopting the quantification plan",
        );
    }
    text("resolution", resolution)?;
    check_static(charter, date)?;
    Ok(Event::CollectiveSharesAllotted(CollectiveSharesAllotted {
        class: class.to_string(),
        units: units.0,
        resolution: resolution.trim().to_string(),
    }))
}

/// The most recent year a plan may be drafted for, and the earliest.
const YEARS: std::ops::RangeInclusive<u16> = 1950..=2999;

fn plan(state: &State, year: u16) -> Result<&Distribution, RuleViolation> {
    state.distribution(year).ok_or_else(|| {
        RuleViolation::new(
            Rule::R13,
            format!("no plan has been drafted for {year}: run `gufen distribution draft` first"),
        )
    })
}

fn draft_distribution(
    state: &State,
    collective: &Collective,
    date: chrono::NaiveDate,
    input: &DraftInput,
) -> Result<Vec<Event>, RuleViolation> {
    if !YEARS.contains(&input.year) {
        return reject(
            Rule::Input,
            format!(
                "the year must be between {} and {}",
                YEARS.start(),
                YEARS.end()
            ),
        );
    }
    if input.record_date > date {
        return reject(
            Rule::Input,
            format!(
                "the record date {} is after the draft's date {date}: the register on it is not known yet",
                input.record_date
            ),
        );
    }
    if let Some(existing) = state.distribution(input.year) {
        match existing.status() {
            PlanStatus::Drafted | PlanStatus::Noticed => {}
            PlanStatus::Posted => {
                return reject(
                    Rule::R13,
                    format!(
                        "the {} plan was posted on {}; a posted plan is final",
                        input.year,
                        existing.posted_on.expect("posted")
                    ),
                )
            }
            PlanStatus::Approved => {
                if !register_changed(collective, existing) {
                    return reject(
                        Rule::R13,
                        format!(
                            "the {} plan was approved on {}; an approved plan is not redrafted",
                            input.year,
                            existing.approval.as_ref().expect("approved").on
                        ),
                    );
                }
                // The register on its record date has changed since: the approved plan can no
                // longer be posted, so a new draft (with a new notice and vote) takes its place.
            }
        }
    }
    distribution::draft(state, collective, input).map(|plan| vec![Event::DistributionDrafted(plan)])
}

/// Whether holdings effective on or before the plan's record date changed since its draft: the
/// plan's lines would no longer be the register's on that date.
fn register_changed(collective: &Collective, plan: &Distribution) -> bool {
    collective.register_mark(plan.plan.record_date) != plan.register_mark
}

#[allow(clippy::too_many_arguments)]
fn approve(
    state: &State,
    collective: &Collective,
    date: chrono::NaiveDate,
    year: u16,
    body: ApprovalBody,
    votes_for: u64,
    eligible: u64,
    resolution: &str,
) -> Result<Event, RuleViolation> {
    let charter = &collective.charter;
    let plan = plan(state, year)?;
    let noticed_on = match plan.status() {
        PlanStatus::Drafted => {
            return reject(
                Rule::R13,
                format!("the {year} plan has not been put up for public notice: run `gufen distribution notice` first"),
            )
        }
        PlanStatus::Noticed => plan.noticed_on.expect("noticed"),
        status => {
            return reject(
                Rule::R13,
                format!("the {year} plan is already {}", status.as_str()),
            )
        }
    };
    let earliest = noticed_on + chrono::Days::new(u64::from(charter.notice_days));
    if date < earliest {
        return reject(
            Rule::R13,
            format!(
                "the plan was put up for notice on {noticed_on}; the charter's {} days of notice end on {earliest}, so the vote cannot be on {date}",
                charter.notice_days
            ),
        );
    }
    if body == ApprovalBody::Representatives && charter.approval_body == ApprovalBody::Members {
        return reject(
            Rule::R13,
            "the charter gives the approval of distributions to the members' assembly, not the representatives",
        );
    }
    if resolution.trim().is_empty() {
        return reject(Rule::R13, "an approval must cite the assembly's resolution");
    }
    text("resolution", resolution)?;
    if eligible == 0 || votes_for > eligible {
        return reject(
            Rule::Input,
            format!("{votes_for} votes for out of {eligible} eligible is not a count of a vote"),
        );
    }
    if body == ApprovalBody::Members {
        let members = collective.member_count_on(date);
        if eligible != members {
            return reject(
                Rule::R13,
                format!(
                    "the register lists {members} members on {date}, not {eligible}: the threshold is 2/3 of all members"
                ),
            );
        }
    }
    // 2/3 of all eligible, in integers: for × 3 ≥ eligible × 2.
    if u128::from(votes_for) * 3 < u128::from(eligible) * 2 {
        let needed = (u128::from(eligible) * 2).div_ceil(3);
        return reject(
            Rule::R13,
            format!(
                "{votes_for} of {eligible} is short of two thirds of all eligible: at least {needed} are needed"
            ),
        );
    }
    Ok(Event::DistributionApproved(DistributionApproved {
        year,
        body,
        votes_for,
        eligible,
        resolution: resolution.trim().to_string(),
    }))
}

fn post(
    state: &State,
    collective: &Collective,
    date: chrono::NaiveDate,
    year: u16,
) -> Result<Vec<Event>, RuleViolation> {
    let plan = plan(state, year)?;
    let approved_on = match plan.status() {
        PlanStatus::Approved => plan.approval.as_ref().expect("approved").on,
        PlanStatus::Posted => {
            return reject(
                Rule::R13,
                format!(
                    "the {year} plan was already posted on {}; it is posted once",
                    plan.posted_on.expect("posted")
                ),
            )
        }
        status => {
            return reject(
                Rule::R13,
                format!(
                "the {year} plan is {}, not approved: posting comes after the assembly's approval",
                status.as_str()
            ),
            )
        }
    };
    if date < approved_on {
        return reject(
            Rule::Input,
            format!("the posting ({date}) cannot come before the approval ({approved_on})"),
        );
    }
    if register_changed(collective, plan) {
        return reject(
            Rule::R14,
            format!(
                "holdings effective on or before the record date {} have changed since the {year} plan was drafted ({} changes then, {} now); draft it again, then notice and approve the new plan",
                plan.plan.record_date,
                plan.register_mark,
                collective.register_mark(plan.plan.record_date)
            ),
        );
    }
    let mut events: Vec<Event> = Vec::with_capacity(plan.plan.lines.len() + 1);
    let mut declared: i64 = 0;
    for line in &plan.plan.lines {
        declared += line.amount_fen;
        events.push(Event::DividendDeclared(DividendDeclared {
            year,
            person: line.person.clone(),
            weighted_units: line.weighted_units,
            amount_fen: line.amount_fen,
            estate: collective.deceased.contains(&line.person),
        }));
    }
    events.push(Event::DistributionPosted(DistributionPosted {
        year,
        lines: plan.plan.lines.len() as u64,
        declared_fen: declared,
        collective_fen: plan.plan.collective_fen,
        retained_fen: plan.plan.retained_fen,
        distributable_fen: plan.plan.distributable_fen,
    }));
    assert_eq!(
        declared + plan.plan.collective_fen + plan.plan.retained_fen,
        plan.plan.distributable_fen,
        "Σ lines + collective part + retained = distributable"
    );
    Ok(events)
}

pub(crate) fn text(field: &str, value: &str) -> Result<(), RuleViolation> {
    let value = value.trim();
    if value.is_empty() {
        return reject(Rule::Input, format!("{field} must not be empty"));
    }
    if value.chars().count() > TEXT_CHARS_MAX || value.chars().any(char::is_control) {
        return reject(
            Rule::Input,
            format!(
                "{field} must be at most {TEXT_CHARS_MAX} characters, with no control characters"
            ),
        );
    }
    Ok(())
}

pub(crate) fn known<'s>(state: &'s State, person: &PersonId) -> Result<&'s Person, RuleViolation> {
    state.person(person).ok_or_else(|| {
        RuleViolation::new(
            Rule::Input,
            format!("no person with ID {} in this collective", person.masked()),
        )
    })
}

fn member<'s>(state: &'s State, person: &PersonId) -> Result<&'s Person, RuleViolation> {
    let found = known(state, person)?;
    if !found.is_member() {
        return reject(
            Rule::R1,
            format!(
                "{} ({}) is not a current member",
                found.name,
                person.masked()
            ),
        );
    }
    Ok(found)
}

fn confirm(
    state: &State,
    person: &PersonId,
    name: &str,
    household: &str,
    resolution: &str,
) -> Result<Event, RuleViolation> {
    text("name", name)?;
    text("household", household)?;
    if resolution.trim().is_empty() {
        return reject(
            Rule::R1,
            "a membership confirmation must cite the assembly's resolution",
        );
    }
    text("resolution", resolution)?;
    if let Some(existing) = state.person(person) {
        if existing.is_member() {
            return reject(
                Rule::R1,
                format!(
                    "{} ({}) is already a member",
                    existing.name,
                    person.masked()
                ),
            );
        }
        if existing.name != name.trim() {
            return reject(
                Rule::Input,
                format!(
                    "ID {} is registered under the name {}, not {}",
                    person.masked(),
                    existing.name,
                    name.trim()
                ),
            );
        }
    }
    Ok(Event::MembershipConfirmed(MembershipConfirmed {
        person: person.clone(),
        name: name.trim().to_string(),
        household: household.trim().to_string(),
        resolution: resolution.trim().to_string(),
    }))
}

/// Lawful grounds (R2) are accepted; grounds R3 forbids are refused naming R3.
pub fn loss_ground(text: &str) -> Result<LossGround, RuleViolation> {
    match text {
        "death" => Ok(LossGround::Death),
        "nationality" => Ok(LossGround::Nationality),
        "other-collective" => Ok(LossGround::OtherCollective),
        "civil-servant" => Ok(LossGround::CivilServant),
        "charter" => Ok(LossGround::Charter),
        other => match LifeEvent::parse(other) {
            Some(event) => reject(
                Rule::R3,
                format!("{} never ends membership (RCEOL 18); record it as a life event instead", event.as_str()),
            ),
            None => reject(
                Rule::R2,
                format!("{other:?} is not a ground for losing membership: death, nationality, other-collective, civil-servant or charter"),
            ),
        },
    }
}

fn allot(
    state: &State,
    collective: &Collective,
    date: chrono::NaiveDate,
    person: &PersonId,
    class: &str,
    units: Units,
    resolution: &str,
) -> Result<Event, RuleViolation> {
    let charter = &collective.charter;
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
    if resolution.trim().is_empty() {
        return reject(
            Rule::R6,
            "an allotment must cite the resolution adopting the quantification plan",
        );
    }
    text("resolution", resolution)?;
    check_static(charter, date)?;
    member(state, person)?;
    Ok(Event::SharesAllotted(SharesAllotted {
        person: person.clone(),
        class: class.to_string(),
        units: units.0,
        resolution: resolution.trim().to_string(),
    }))
}

fn check_static(charter: &Charter, date: chrono::NaiveDate) -> Result<(), RuleViolation> {
    if charter.management == Management::Static && date > charter.baseline_date {
        return reject(
            Rule::R7,
            format!(
                "static management (生不增、死不减): no allotment after the baseline date {} (this one is dated {date})",
                charter.baseline_date
            ),
        );
    }
    Ok(())
}

/// R9: every holder that receives units must end at or below the cap of all units in issue.
/// A holding already above the cap is kept; it is only refused an increase.
fn check_cap(
    state: &State,
    collective: &Collective,
    added: &BTreeMap<PersonId, u64>,
    added_total: u64,
) -> Result<(), RuleViolation> {
    let total_after = u128::from(collective.units_total()) + u128::from(added_total);
    let cap = collective.charter.holding_cap_percent;
    for (person, units) in added {
        let before = state.person(person).map_or(0, Person::units_total);
        let after = u128::from(before) + u128::from(*units);
        // after / total_after > cap_percent / 100, in integers: after × 100·10^4 > total_after × cap_ppm.
        if after * u128::from(RATE_SCALE) > total_after * u128::from(cap.0) {
            return reject(
                Rule::R9,
                format!(
                    "{} would hold {} of {} shares, above the charter's cap of {}%",
                    person.masked(),
                    Units(after as u64),
                    Units(total_after as u64),
                    cap
                ),
            );
        }
    }
    Ok(())
}

fn import(
    state: &State,
    collective: &Collective,
    date: chrono::NaiveDate,
    rows: &[RosterRow],
    resolution: &str,
) -> Result<Vec<Event>, RuleViolation> {
    if rows.is_empty() {
        return reject(Rule::Input, "the roster has no rows");
    }
    if rows.len() > ROSTER_ROWS_MAX {
        return reject(
            Rule::Input,
            format!("a roster holds at most {ROSTER_ROWS_MAX} rows"),
        );
    }
    if resolution.trim().is_empty() {
        return reject(
            Rule::R1,
            "a roster import must cite the assembly's resolution",
        );
    }
    text("resolution", resolution)?;
    let mut violations = Vec::new();
    let mut seen: BTreeMap<PersonId, usize> = BTreeMap::new();
    let mut events = Vec::with_capacity(rows.len() * 2);
    let mut added: BTreeMap<PersonId, u64> = BTreeMap::new();
    let mut added_total: u64 = 0;
    for (index, row) in rows.iter().enumerate() {
        let mut fail = |rule: Rule, message: String| {
            violations.push(RowViolation {
                row: index,
                rule,
                message,
            })
        };
        let person = match PersonId::parse(&row.id) {
            Ok(p) => p,
            Err(e) => {
                fail(
                    Rule::R5,
                    e.to_string().trim_start_matches("R5: ").to_string(),
                );
                continue;
            }
        };
        if let Some(first) = seen.insert(person.clone(), index) {
            fail(
                Rule::Input,
                format!("ID {} also appears on row {}", person.masked(), first + 1),
            );
            continue;
        }
        match confirm(state, &person, &row.name, &row.household, resolution) {
            Ok(event) => events.push(event),
            Err(e) => {
                let (rule, message) = split(e);
                fail(rule, message);
                continue;
            }
        }
        let (class, units) = (row.class.trim(), row.units.trim());
        if class.is_empty() && units.is_empty() {
            continue;
        }
        let units = match Units::parse_positive(units) {
            Ok(u) => u,
            Err(e) => {
                fail(Rule::Input, format!("units: {e}"));
                continue;
            }
        };
        if collective.charter.class(class).is_none() {
            fail(
                Rule::R6,
                format!("share class {class:?} is not in the charter"),
            );
            continue;
        }
        if let Err(e) = check_static(&collective.charter, date) {
            let (rule, message) = split(e);
            fail(rule, message);
            continue;
        }
        events.push(Event::SharesAllotted(SharesAllotted {
            person: person.clone(),
            class: class.to_string(),
            units: units.0,
            resolution: resolution.trim().to_string(),
        }));
        *added.entry(person).or_insert(0) += units.0;
        added_total = added_total.saturating_add(units.0);
    }
    if violations.is_empty() {
        check_cap(state, collective, &added, added_total)?;
        return Ok(events);
    }
    Err(RuleViolation::Rows(violations))
}

fn split(violation: RuleViolation) -> (Rule, String) {
    match violation {
        RuleViolation::Rule { rule, message } => (rule, message),
        RuleViolation::Rows(mut rows) => {
            let first = rows.remove(0);
            (first.rule, first.message)
        }
    }
}
