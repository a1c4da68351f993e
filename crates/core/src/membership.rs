//! Membership (R1–R4): persons known to the ledger, confirmation by the assembly (one by one or
//! a whole roster), loss on a lawful ground, voluntary exit; each decided, applied and undone
//! here.

use crate::amount::Units;
use crate::charter::Rounding;
use crate::checks::{self, known, member, member_for, resolution, text};
use crate::command::RosterRow;
use crate::correction::{named, Case};
use crate::decide::Given;
use crate::distribution;
use crate::error::{reject, RowViolation, Rule, RuleViolation};
use crate::event::*;
use crate::ids::PersonId;
use crate::shares;
use crate::state::{Ending, Membership, State};
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// The most rows one roster import may hold (one batch).
pub const ROSTER_ROWS_MAX: usize = checks::BATCH_ROWS_MAX;

// ---- decide ----

pub(crate) fn register_person(
    given: &Given,
    person: &PersonId,
    name: &str,
    household: Option<&str>,
) -> Result<Vec<Event>, RuleViolation> {
    let name = text("name", name)?;
    let household = household.map(|h| text("household", h)).transpose()?;
    if given.state.person(person).is_some() {
        return reject(
            Rule::Input,
            format!("person {} is already registered", person.masked()),
        );
    }
    Ok(vec![Event::PersonRegistered(PersonRegistered {
        person: person.clone(),
        name,
        household,
    })])
}

pub(crate) fn confirm(
    state: &State,
    person: &PersonId,
    name: &str,
    household: &str,
    resolution_cited: &str,
) -> Result<Event, RuleViolation> {
    let name = text("name", name)?;
    let household = text("household", household)?;
    let resolution = resolution(
        Rule::R1,
        resolution_cited,
        "a membership confirmation must cite the assembly's resolution",
    )?;
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
        if existing.name != name {
            return reject(
                Rule::Input,
                format!(
                    "ID {} is registered under the name {}, not {name}",
                    person.masked(),
                    existing.name,
                ),
            );
        }
    }
    Ok(Event::MembershipConfirmed(MembershipConfirmed {
        person: person.clone(),
        name,
        household,
        resolution,
    }))
}

/// Confirms every row's membership and allots its units in one batch; every bad row is
/// reported and one refuses all.
pub(crate) fn import(
    given: &Given,
    rows: &[RosterRow],
    resolution_cited: &str,
) -> Result<Vec<Event>, RuleViolation> {
    let (state, collective) = (given.state, given.collective);
    checks::batch(rows.len(), "roster")?;
    let resolution = resolution(
        Rule::R1,
        resolution_cited,
        "a roster import must cite the assembly's resolution",
    )?;
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
        match confirm(state, &person, &row.name, &row.household, &resolution) {
            Ok(event) => events.push(event),
            Err(e) => {
                let (rule, message) = e.first();
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
        if let Err(e) = checks::static_management(&collective.charter, given.date) {
            let (rule, message) = e.first();
            fail(rule, message);
            continue;
        }
        events.push(Event::SharesAllotted(SharesAllotted {
            person: person.clone(),
            class: class.to_string(),
            units: units.0,
            resolution: resolution.clone(),
        }));
        *added.entry(person).or_insert(0) += units.0;
        added_total = added_total.saturating_add(units.0);
    }
    if violations.is_empty() {
        checks::cap(state, collective, &added, added_total)?;
        if added_total > 0 && !collective.plans.contains_key(&resolution) {
            // A roster with units is the plan its resolution adopts (R6): its totals are the
            // roster's, recorded first.
            let mut totals: BTreeMap<String, u64> = BTreeMap::new();
            for event in &events {
                if let Event::SharesAllotted(a) = event {
                    *totals.entry(a.class.clone()).or_insert(0) += a.units;
                }
            }
            let plan = QuantificationPlanAdopted {
                resolution: resolution.clone(),
                totals: totals
                    .into_iter()
                    .map(|(class, units)| PlanTotal { class, units })
                    .collect(),
            };
            events.insert(0, Event::QuantificationPlanAdopted(plan));
        }
        return Ok(events);
    }
    Err(RuleViolation::Rows(violations))
}

/// What a loss of membership cites (R2): the resolution and, for membership gained in another
/// collective, its credit code.
pub(crate) struct LossCitation<'a> {
    pub note: &'a str,
    pub resolution: Option<&'a str>,
    pub other_collective: Option<&'a str>,
}

pub(crate) fn lose(
    given: &Given,
    person: &PersonId,
    ground: &str,
    cited: LossCitation,
) -> Result<Vec<Event>, RuleViolation> {
    let charter_ground = given.collective.loss_ground(ground.trim()).cloned();
    let ground = match charter_ground {
        Some(_) => LossGround::Charter,
        None => loss_ground(ground.trim())?,
    };
    member(given.state, person)?;
    let lost = MembershipLost {
        person: person.clone(),
        ground,
        note: cited.note.trim().to_string(),
    };
    let resolution_cited = cited.resolution.unwrap_or("");
    let event = match ground {
        LossGround::Charter => {
            let Some(charter_ground) = charter_ground else {
                let listed: Vec<&str> = given
                    .collective
                    .loss_grounds
                    .iter()
                    .map(|g| g.code.as_str())
                    .collect();
                return reject(
                    Rule::R2,
                    if listed.is_empty() {
                        "the charter lists no ground for losing membership".to_string()
                    } else {
                        format!(
                            "name the charter's ground by its code: {}",
                            listed.join(", ")
                        )
                    },
                );
            };
            let resolution = resolution(
                Rule::R2,
                resolution_cited,
                "a loss on a charter ground cites the resolution deciding it",
            )?;
            Event::MembershipLostCited(MembershipLostCited {
                lost,
                charter_ground: Some(charter_ground),
                resolution: Some(resolution),
                other_collective: None,
            })
        }
        LossGround::OtherCollective => {
            let code = cited.other_collective.unwrap_or("").trim();
            if code.is_empty() {
                return reject(
                    Rule::R2,
                    "membership gained in another collective cites that collective's credit code",
                );
            }
            let code = crate::ids::OrgCode::parse(code)
                .map_err(|e| RuleViolation::new(Rule::R2, e.to_string()))?;
            if code == given.collective.charter.code {
                return reject(
                    Rule::R2,
                    "the other collective's credit code is this collective's own",
                );
            }
            let resolution = (!resolution_cited.trim().is_empty())
                .then(|| text("resolution", resolution_cited))
                .transpose()?;
            Event::MembershipLostCited(MembershipLostCited {
                lost,
                charter_ground: None,
                resolution,
                other_collective: Some(code.as_str().to_string()),
            })
        }
        _ if !resolution_cited.trim().is_empty() => {
            Event::MembershipLostCited(MembershipLostCited {
                lost,
                charter_ground: None,
                resolution: Some(text("resolution", resolution_cited)?),
                other_collective: None,
            })
        }
        _ => Event::MembershipLost(lost),
    };
    Ok(vec![event])
}

/// Lawful grounds (R2) are accepted; grounds R3 forbids are refused naming R3. `charter` is a
/// charter ground's kind: a loss on one names the ground by the code the charter lists.
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
                format!("{other:?} is not a ground for losing membership: death, nationality, other-collective, civil-servant or a ground the charter lists"),
            ),
        },
    }
}

/// Voluntary exit (R4): with `redeem`, every unit is redeemed for that total price, split by
/// class in proportion to the units; otherwise the units stay as a non-member's income rights.
pub(crate) fn exit(
    given: &Given,
    person: &PersonId,
    consent: ExitConsent,
    redeem: Option<crate::amount::Fen>,
    authority: Option<&RedemptionAuthority>,
) -> Result<Vec<Event>, RuleViolation> {
    let application = resolution(
        Rule::R4,
        consent.application,
        "nobody is exited without their own application: cite the member's written application",
    )?;
    let resolution = resolution(
        Rule::R4,
        consent.resolution,
        "a voluntary exit needs the organization's consent: cite its resolution",
    )?;
    let found = member_for(Rule::R4, given.state, person)?;
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
    if let Some(price) = redeem {
        let weights: Vec<(String, u64)> = found
            .holdings
            .iter()
            .map(|(c, u)| (c.clone(), *u))
            .collect();
        let prices = distribution::split(price, &weights, Rounding::LargestRemainder);
        for ((class, units), (_, part)) in weights.iter().zip(prices.lines) {
            let what = shares::Redemption {
                class,
                units: Units(*units),
                price: part,
                resolution: &resolution,
                authority,
            };
            events.push(shares::redemption(given, found, what)?);
        }
    }
    events.push(Event::MembershipExitedOnApplication(
        MembershipExitedOnApplication {
            exited: MembershipExited {
                person: person.clone(),
                resolution,
            },
            application,
        },
    ));
    Ok(events)
}

/// What a voluntary exit cites (R4): the member's application and the organization's consent.
pub(crate) struct ExitConsent<'a> {
    pub application: &'a str,
    pub resolution: &'a str,
}

// ---- apply ----

pub(crate) fn apply_registered(state: &mut State, e: &PersonRegistered) {
    state.ensure_person(&e.person, &e.name);
    if let Some(number) = &e.household {
        state.place_in_household(&e.person, number);
    }
}

pub(crate) fn apply_confirmed(state: &mut State, date: NaiveDate, e: &MembershipConfirmed) {
    state.ensure_person(&e.person, &e.name);
    state.place_in_household(&e.person, &e.household);
    let person = state.person_mut(&e.person);
    assert!(
        !person.is_member(),
        "membership is confirmed only for non-members"
    );
    person.name = e.name.clone();
    person.ending = None;
    person.membership = Membership::Member {
        since: date,
        resolution: e.resolution.clone(),
    };
    state.collective_mut().member_joined(date);
}

pub(crate) fn apply_lost(state: &mut State, date: NaiveDate, e: &MembershipLost) {
    end_membership(state, date, &e.person, e.ground);
    if e.ground == LossGround::Death {
        state.collective_mut().deceased.insert(e.person.clone());
    }
    state.person_mut(&e.person).ending = Some(Ending {
        note: e.note.clone(),
        ..Ending::default()
    });
}

pub(crate) fn apply_lost_cited(state: &mut State, date: NaiveDate, e: &MembershipLostCited) {
    apply_lost(state, date, &e.lost);
    state.person_mut(&e.lost.person).ending = Some(Ending {
        note: e.lost.note.clone(),
        charter_ground: e.charter_ground.clone(),
        resolution: e.resolution.clone(),
        other_collective: e.other_collective.clone(),
        application: None,
    });
}

pub(crate) fn apply_exited(state: &mut State, date: NaiveDate, e: &MembershipExited) {
    end_membership(state, date, &e.person, LossGround::Exit);
    state.person_mut(&e.person).ending = Some(Ending {
        resolution: Some(e.resolution.clone()),
        ..Ending::default()
    });
}

pub(crate) fn apply_exited_on_application(
    state: &mut State,
    date: NaiveDate,
    e: &MembershipExitedOnApplication,
) {
    apply_exited(state, date, &e.exited);
    if let Some(ending) = &mut state.person_mut(&e.exited.person).ending {
        ending.application = Some(e.application.clone());
    }
}

fn end_membership(state: &mut State, date: NaiveDate, id: &PersonId, ground: LossGround) {
    let person = state.person_mut(id);
    let Membership::Member { since, .. } = person.membership else {
        panic!("membership is lost only by a member")
    };
    person.membership = Membership::Lost {
        since,
        ended: date,
        ground,
    };
    state.collective_mut().member_left(date);
}

// ---- undo (R15) ----

pub(crate) fn undo_registration(
    case: &Case,
    e: &PersonRegistered,
) -> Result<Reversal, RuleViolation> {
    known(case.state, &e.person)?;
    let since: Vec<String> = case
        .later()
        .filter(|r| {
            !matches!(r.event, Event::RecordCorrected(_)) && r.event.persons().contains(&&e.person)
        })
        .map(named)
        .collect();
    if !since.is_empty() {
        return case.refuse(format_args!(
            "later records depend on it: {}",
            since.join(", ")
        ));
    }
    Ok(Reversal::Registration(e.clone()))
}

pub(crate) fn undo_loss(case: &Case, e: &MembershipLost) -> Result<Reversal, RuleViolation> {
    if e.ground == LossGround::Death {
        let death = case
            .later()
            .find(|r| matches!(&r.event, Event::DeathRecorded(d) if d.person == e.person));
        return case.refuse_for(
            "a loss of membership by death is undone with the death",
            death,
        );
    }
    ending_in_force(case, &e.person, e.ground, "loss")?;
    Ok(Reversal::MembershipLoss(e.clone()))
}

pub(crate) fn undo_exit(case: &Case, e: &MembershipExited) -> Result<Reversal, RuleViolation> {
    ending_in_force(case, &e.person, LossGround::Exit, "exit")?;
    Ok(Reversal::Exit(e.clone()))
}

/// A membership's end (a `what`: loss or exit) on `ground` is undone only while it is the
/// person's membership now and the person is alive: a later confirmation, exit, loss or death
/// stands on it, and a dead person's membership is not restored.
fn ending_in_force(
    case: &Case,
    id: &PersonId,
    ground: LossGround,
    what: &str,
) -> Result<(), RuleViolation> {
    let person = known(case.state, id)?;
    let still = matches!(person.membership, Membership::Lost { ground: now, .. } if now == ground);
    if !still || person.is_deceased() {
        return case.refuse(format_args!(
            "the {what} is no longer in force{}",
            case.depending(
                Some(id),
                &[
                    EventKind::MembershipConfirmed,
                    EventKind::MembershipExited,
                    EventKind::MembershipLost,
                    EventKind::MembershipLostCited,
                    EventKind::MembershipExitedOnApplication,
                    EventKind::DeathRecorded
                ]
            )
        ));
    }
    Ok(())
}

/// A confirmation undone: the person holds nothing and goes back to what they were before it.
pub(crate) fn undo_confirmation(
    case: &Case,
    e: &MembershipConfirmed,
) -> Result<Reversal, RuleViolation> {
    let person = known(case.state, &e.person)?;
    if let Some(record) = case
        .later()
        .find(|r| matches!(&r.event, Event::MembershipConfirmed(c) if c.person == e.person))
    {
        return case.refuse(format_args!(
            "a later confirmation, {}, is in force instead",
            named(record)
        ));
    }
    if !person.is_member() || person.is_deceased() {
        return case.refuse(format_args!(
            "the membership is no longer in force{}",
            case.depending(
                Some(&e.person),
                &[
                    EventKind::MembershipLost,
                    EventKind::MembershipExited,
                    EventKind::MembershipLostCited,
                    EventKind::MembershipExitedOnApplication,
                    EventKind::DeathRecorded
                ]
            )
        ));
    }
    // Units that reached the person as a member since: an allotment (R6) or a transfer (R8).
    let received: Vec<String> = case
        .later()
        .filter(|r| match &r.event {
            Event::SharesAllotted(a) => a.person == e.person,
            Event::SharesTransferred(t) => t.to == e.person,
            _ => false,
        })
        .map(named)
        .collect();
    if !received.is_empty() {
        return case.refuse(format_args!(
            "{} received shares as a member since; undo those first; later records depend on it: {}",
            e.person.masked(),
            received.join(", ")
        ));
    }
    let (before, household) = before_confirmation(case, &e.person);
    // A household the person moved to since stays theirs.
    let household = if person.household.as_deref() == Some(e.household.as_str()) {
        household
    } else {
        person.household.clone()
    };
    let head = case
        .state
        .household(&e.household)
        .and_then(|h| h.head.as_ref());
    if household != person.household && head == Some(&e.person) {
        return case.refuse(format_args!(
            "{} has since been named head of household {}{}",
            e.person.masked(),
            e.household,
            case.depending(Some(&e.person), &[EventKind::HouseholdHeadNamed])
        ));
    }
    Ok(Reversal::Confirmation(ConfirmationUndone {
        confirmed: e.clone(),
        before,
        household,
    }))
}

/// What the person was before the corrected confirmation, by their earlier records: the
/// membership they had lost (if any) and their household.
fn before_confirmation(
    case: &Case,
    person: &PersonId,
) -> (Option<EarlierMembership>, Option<String>) {
    let mut confirmed_on = None;
    let mut before = None;
    let mut household = None;
    for record in case.earlier() {
        match &record.event {
            Event::PersonRegistered(r) if r.person == *person => household = r.household.clone(),
            Event::MembershipConfirmed(c) if c.person == *person => {
                confirmed_on = Some(record.date);
                household = Some(c.household.clone());
            }
            Event::MembershipLost(MembershipLost {
                person: lost,
                ground,
                ..
            })
            | Event::MembershipLostCited(MembershipLostCited {
                lost:
                    MembershipLost {
                        person: lost,
                        ground,
                        ..
                    },
                ..
            }) if lost == person && !case.is_corrected(record.seq) => {
                before = confirmed_on.map(|since| EarlierMembership {
                    since,
                    ended: record.date,
                    ground: *ground,
                })
            }
            Event::MembershipExited(x)
            | Event::MembershipExitedOnApplication(MembershipExitedOnApplication {
                exited: x,
                ..
            }) if x.person == *person && !case.is_corrected(record.seq) => {
                before = confirmed_on.map(|since| EarlierMembership {
                    since,
                    ended: record.date,
                    ground: LossGround::Exit,
                })
            }
            Event::HouseholdMoved(m) if m.person == *person => household = Some(m.to.clone()),
            Event::RecordCorrected(c) => match &c.reversal {
                Reversal::HouseholdMove(m) if m.person == *person => household = m.from.clone(),
                Reversal::Confirmation(u) if u.confirmed.person == *person => {
                    household = u.household.clone();
                    before = u.before.clone();
                }
                _ => {}
            },
            _ => {}
        }
    }
    (before, household)
}

pub(crate) fn apply_registration_undone(state: &mut State, r: &PersonRegistered) {
    state.forget_person(&r.person);
}

/// A loss or an exit undone: the membership is restored, from its first date.
pub(crate) fn apply_loss_undone(state: &mut State, date: NaiveDate, seq: u64, id: &PersonId) {
    let person = state.person_mut(id);
    let Membership::Lost { since, .. } = person.membership else {
        panic!("a corrected loss is still in force")
    };
    person.membership = Membership::Member {
        since,
        resolution: format!("correction of record {seq}"),
    };
    person.ending = None;
    state.collective_mut().member_joined(date);
}

pub(crate) fn apply_confirmation_undone(
    state: &mut State,
    date: NaiveDate,
    undone: &ConfirmationUndone,
) {
    let id = &undone.confirmed.person;
    let person = state.person_mut(id);
    assert!(person.is_member(), "a corrected confirmation is in force");
    person.membership = match &undone.before {
        None => Membership::None,
        Some(before) => Membership::Lost {
            since: before.since,
            ended: before.ended,
            ground: before.ground,
        },
    };
    let moves = person.household != undone.household;
    state.collective_mut().member_left(date);
    if moves {
        crate::household::rehouse(state, id, undone.household.as_deref());
    }
}
