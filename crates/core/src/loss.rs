//! Loss of membership (R2–R4): the lawful grounds and the charter's own, what never ends
//! membership (R3), voluntary exit on the member's application; each decided, applied and
//! undone here.

use crate::amount::Units;
use crate::charter::Rounding;
use crate::checks::{known, member, member_for, resolution, text};
use crate::correction::Case;
use crate::decide::Given;
use crate::distribution;
use crate::error::{reject, Rule, RuleViolation};
use crate::event::*;
use crate::ids::PersonId;
use crate::shares;
use crate::state::{Ending, Membership, State};
use chrono::NaiveDate;

// ---- decide ----

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
    // A lawful ground cannot carry an R3 circumstance in its note (外嫁 under "charter" or
    // "civil-servant" is still 外嫁).
    if let Some(word) = crate::charter::names_r3_circumstance(cited.note) {
        return reject(
            Rule::R3,
            format!(
                "the note names {word:?}, a circumstance that never ends membership (RCEOL 18): record it as a life event, or record the loss on its lawful ground alone"
            ),
        );
    }
    let note = crate::checks::optional_text("note", cited.note)?;
    let lost = MembershipLost {
        person: person.clone(),
        ground,
        note,
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
            Event::MembershipLostCited(Box::new(MembershipLostCited {
                lost,
                charter_ground: Some(charter_ground),
                resolution: Some(resolution),
                other_collective: None,
            }))
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
            Event::MembershipLostCited(Box::new(MembershipLostCited {
                lost,
                charter_ground: None,
                resolution,
                other_collective: Some(code.as_str().to_string()),
            }))
        }
        _ if !resolution_cited.trim().is_empty() => {
            Event::MembershipLostCited(Box::new(MembershipLostCited {
                lost,
                charter_ground: None,
                resolution: Some(text("resolution", resolution_cited)?),
                other_collective: None,
            }))
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
            None => match crate::charter::names_r3_circumstance(other) {
                Some(word) => reject(
                    Rule::R3,
                    format!("{other:?} names {word:?}, a circumstance that never ends membership (RCEOL 18)"),
                ),
                None => reject(
                    Rule::R2,
                    format!("{other:?} is not a ground for losing membership: death, nationality, other-collective, civil-servant or a ground the charter lists"),
                ),
            },
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
    let collective = state.collective_mut();
    collective.member_left(date, id);
    crate::representative::membership_ended(collective, id, date);
}

// ---- undo (R15) ----

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
    let collective = state.collective_mut();
    collective.member_joined(date, id);
    crate::representative::membership_restored(collective, id, date);
}
