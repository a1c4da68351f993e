//! `gufen township …`: what works across the collectives of one store (a township agency keeps
//! all its villages in one, 村账乡代理): the report of every village with their totals, a
//! membership moved from one village to another, and the persons who are members of two at once
//! or whose move was left half done. Also the check every confirmation makes against the other
//! collectives of the store (R2: a member of one collective at a time). The core sees one
//! ledger; what crosses ledgers lives here and reads the other ledgers' projections, never
//! their logs.

use crate::app::{context, today, App};
use crate::arguments::{date, person_id, whole};
use crate::document::records::WriteOutcome;
use crate::document::township::{
    Collective, DoubleMembership, Duplicates, HalfDoneMove, Held, MemberAfterDeath, MoveDocument,
    TownshipReport, VillageLine,
};
use anyhow::{bail, Context as _, Result};
use chrono::NaiveDate;
use clap::Subcommand;
use gufen_core::calendar::not_after_today;
use gufen_core::command::Action;
use gufen_core::entity::{Membership, Person};
use gufen_core::error::{RowViolation, Rule};
use gufen_core::event::LossGround;
use gufen_core::ids::{IdError, OrgCode};
use gufen_core::state::Key;
use gufen_core::{decide, scope, Command, PersonId, RosterRow};
use gufen_ledger::{Context, Ledger, LedgerError, Store};
use std::collections::{BTreeMap, BTreeSet, HashMap};

#[derive(Subcommand, Debug)]
pub enum TownshipCommand {
    /// Every collective in the store and their totals: members, holders, shares by class,
    /// pledges, and each year's plan with its distributable, paid and owed amounts.
    Report {
        /// Only this distribution year (default: every year with a plan).
        #[arg(long, value_parser = whole::<u16>, allow_hyphen_values = true)]
        year: Option<u16>,
    },
    /// Move a membership between two collectives of the store (R2): the membership in --from
    /// ends on other-collective naming --to, and --to confirms the person by its resolution.
    /// --to's confirmation is decided first, so a refusal changes neither; the same command
    /// given again completes a move cut off between the two.
    Move {
        #[arg(long, value_parser = person_id)]
        id: PersonId,
        /// The credit code of the collective the person leaves.
        #[arg(long, value_parser = org_code)]
        from: OrgCode,
        /// The credit code of the collective that confirms the person.
        #[arg(long, value_parser = org_code)]
        to: OrgCode,
        /// The household the person joins in --to.
        #[arg(long)]
        household: String,
        /// The person's name in --to (default: the name --from records).
        #[arg(long)]
        name: Option<String>,
        /// The resolution of --to's assembly confirming the person (R1).
        #[arg(long)]
        resolution: String,
        /// The resolution of --from deciding the loss, where it has one.
        #[arg(long)]
        from_resolution: Option<String>,
        #[arg(long, value_parser = date)]
        date: NaiveDate,
    },
    /// Persons who are members of two or more collectives of the store at once (a store written
    /// before R2 was checked across collectives), and moves left half done (the membership ended
    /// naming a collective of the store that has not confirmed the person).
    Duplicates,
}

fn org_code(text: &str) -> Result<OrgCode, IdError> {
    OrgCode::parse(text)
}

pub fn run(app: &mut App, command: TownshipCommand) -> Result<()> {
    match command {
        TownshipCommand::Report { year } => report(app, year),
        TownshipCommand::Move {
            id,
            from,
            to,
            household,
            name,
            resolution,
            from_resolution,
            date,
        } => move_membership(
            app,
            &MoveRequest {
                person: id,
                from: from.as_str().to_string(),
                to: to.as_str().to_string(),
                household,
                name,
                resolution,
                from_resolution,
                date,
            },
        ),
        TownshipCommand::Duplicates => duplicates(app),
    }
}

/// The collectives of the store, refused when there is none.
fn collectives(app: &App, store: &Store) -> Result<Vec<String>> {
    let codes = store.ledger_ids()?;
    if codes.is_empty() {
        bail!(
            "the store {} holds no collective: run `gufen init --charter FILE`",
            app.global.db.display()
        );
    }
    Ok(codes)
}

fn report(app: &mut App, year: Option<u16>) -> Result<()> {
    let store = app.open_store(false)?;
    let mut villages = Vec::new();
    for code in collectives(app, &store)? {
        villages.extend(village_line(&store.ledger(&code)?, year)?);
    }
    drop(store);
    app.render(&TownshipReport::new(today()?, year, villages))
}

/// One collective's line of the report (its plan of `year` only, when given), read from its
/// projections one person and one plan at a time; None for a ledger without its registration.
pub fn village_line(ledger: &Ledger, year: Option<u16>) -> Result<Option<VillageLine>> {
    let Some(collective) = ledger.collective()? else {
        return Ok(None);
    };
    let mut line = VillageLine::new(&collective);
    for person in ledger.persons() {
        line.add(&person?);
    }
    let mut add = |found: gufen_core::entity::Distribution| -> Result<()> {
        let states = ledger.line_states(found.plan.year)?;
        let payments = gufen_core::report::plan_payments(&found, |person| states.get(person));
        line.add_year(gufen_core::report::plan_totals(&found, payments));
        Ok(())
    };
    match year {
        Some(year) => {
            if let Some(found) = ledger.distribution(year)? {
                add(found)?;
            }
        }
        None => {
            for found in ledger.distributions() {
                add(found?)?;
            }
        }
    }
    // The plans are read in key order (`d/{year}`): by year for every four-digit year.
    line.years.sort_by_key(|year| year.year);
    Ok(Some(line))
}

// ---------------------------------------------------------------------------------------------
// R2 across the store

/// A membership in another collective of the store that a confirmation would overlap, or a
/// death recorded there.
pub struct Elsewhere {
    pub code: String,
    pub name: String,
    /// When it ended, for a membership that ended after the confirmation's date; None while it
    /// lasts.
    pub ended: Option<NaiveDate>,
    /// The person's death as that collective records it: nobody is confirmed after it, and no
    /// membership of theirs lasts past it.
    pub died: Option<NaiveDate>,
}

/// The whole shape of the move that settles a membership elsewhere.
fn move_hint(code: &str, here: &str) -> String {
    format!(
        "a person is a member of one collective at a time: `gufen township move --id ID --from {code} --to {here} --household HOUSEHOLD --resolution RESOLUTION --date DATE` ends that membership on other-collective naming this one and confirms this one together"
    )
}

impl Elsewhere {
    /// The refusal's message (after its rule), the person masked (R16).
    fn message(&self, person: &PersonId, here: &str, date: NaiveDate) -> String {
        let (code, name) = (&self.code, &self.name);
        if let Some(died) = self.died {
            return format!(
                "{} died on {died}, as {name} ({code}) in this store records: a person whose death is recorded is not confirmed as a member of another collective; if the death was recorded in error, correct it there first (`gufen --org {code} correct --seq N`)",
                person.masked()
            );
        }
        let how = move_hint(code, here);
        match self.ended {
            None => format!(
                "{} is a member of {name} ({code}) in this store: {how}",
                person.masked()
            ),
            Some(ended) => format!(
                "{} was a member of {name} ({code}) in this store until {ended}, after {date}: {how}",
                person.masked()
            ),
        }
    }
}

/// Whether a membership of `person` elsewhere overlaps one confirmed in `here` on `date`: a
/// membership in force, or one that ended after `date`, even one that ended naming `here` (a
/// person is a member of one collective at a time, so the confirmation is dated on or after
/// the day the other membership ended).
fn overlaps(person: &Person, date: NaiveDate) -> Option<Option<NaiveDate>> {
    match &person.membership {
        Membership::None => None,
        Membership::Member { .. } => Some(None),
        Membership::Lost { ended, .. } => (*ended > date).then_some(Some(*ended)),
    }
}

/// The day `person`'s membership ended on other-collective naming `here`, if it did.
fn ended_naming(person: &Person, here: &str) -> Option<NaiveDate> {
    match &person.membership {
        Membership::Lost { ended, ground, .. }
            if *ground == LossGround::OtherCollective
                && person
                    .ending
                    .as_ref()
                    .and_then(|e| e.other_collective.as_deref())
                    == Some(here) =>
        {
            Some(*ended)
        }
        _ => None,
    }
}

/// For each of `persons` (by index) a membership in another collective of the store (other than
/// `here` and `except`) that a confirmation in `here` on `date` would overlap, or else a death
/// recorded in another collective of the store (R2: nobody is confirmed once their death is
/// recorded, whatever its date). Reads each other ledger's projections of these persons only.
pub fn memberships_elsewhere(
    store: &Store,
    here: &str,
    persons: &[PersonId],
    date: NaiveDate,
    except: Option<&str>,
) -> Result<Vec<(usize, Elsewhere)>> {
    let mut found: BTreeMap<usize, Elsewhere> = BTreeMap::new();
    let mut deaths: BTreeMap<usize, Elsewhere> = BTreeMap::new();
    for code in store.ledger_ids()? {
        if code == here {
            continue;
        }
        let other = store.ledger(&code)?;
        let mut keys = vec![Key::Collective];
        keys.extend(persons.iter().cloned().map(Key::Person));
        let state = other.load_state(Some(keys))?;
        let name = state
            .collective()
            .map_or_else(String::new, |c| c.charter.name.clone());
        let elsewhere = |ended, died| Elsewhere {
            code: code.clone(),
            name: name.clone(),
            ended,
            died,
        };
        for (index, person) in persons.iter().enumerate() {
            let Some(recorded) = state.person(person) else {
                continue;
            };
            if let Some(died) = recorded.deceased_on {
                deaths
                    .entry(index)
                    .or_insert_with(|| elsewhere(None, Some(died)));
            }
            if found.contains_key(&index) || except == Some(code.as_str()) {
                continue;
            }
            if let Some(ended) = overlaps(recorded, date) {
                found.insert(index, elsewhere(ended, None));
            }
        }
    }
    for (index, death) in deaths {
        found.entry(index).or_insert(death);
    }
    Ok(found.into_iter().collect())
}

/// Refuses confirming `person` in `here` on `date` while they are a member of another collective
/// of the store (R2), naming it and the way to move the membership.
pub fn refuse_member_elsewhere(
    store: &Store,
    here: &str,
    person: &PersonId,
    date: NaiveDate,
) -> Result<()> {
    let found = memberships_elsewhere(store, here, std::slice::from_ref(person), date, None)?;
    if let Some((_, elsewhere)) = found.first() {
        bail!("R2: {}", elsewhere.message(person, here, date));
    }
    Ok(())
}

/// The rows of a roster imported into `here` on `date` whose person is a member of another
/// collective of the store (R2), as refused rows.
pub fn rows_member_elsewhere(
    store: &Store,
    here: &str,
    rows: &[RosterRow],
    date: NaiveDate,
) -> Result<Vec<RowViolation>> {
    if store.ledger_ids()?.iter().all(|code| code == here) {
        return Ok(Vec::new());
    }
    // A row whose ID does not parse is the core's to refuse, by its rule.
    let parsed: Vec<(usize, PersonId)> = rows
        .iter()
        .enumerate()
        .filter_map(|(row, r)| PersonId::parse(r.id.trim()).ok().map(|id| (row, id)))
        .collect();
    let persons: Vec<PersonId> = parsed.iter().map(|(_, id)| id.clone()).collect();
    let found = memberships_elsewhere(store, here, &persons, date, None)?;
    Ok(found
        .into_iter()
        .map(|(index, elsewhere)| RowViolation {
            row: parsed[index].0,
            rule: Rule::R2,
            message: elsewhere.message(&persons[index], here, date),
            other_row: None,
        })
        .collect())
}

// ---------------------------------------------------------------------------------------------
// The move

/// A membership to move: the person, the collective they leave and the one that confirms them
/// (credit codes), the household there, the name there (default: as recorded where they leave),
/// the confirming resolution, the leaving collective's resolution if any, and the date of both.
pub struct MoveRequest {
    pub person: PersonId,
    pub from: String,
    pub to: String,
    pub household: String,
    pub name: Option<String>,
    pub resolution: String,
    pub from_resolution: Option<String>,
    pub date: NaiveDate,
}

impl MoveRequest {
    /// The command ids of the move's two writes, derived from the move itself (and from
    /// --command-id when given), so that the same move given again finds what it wrote.
    fn command_ids(&self, given: Option<uuid::Uuid>) -> ([u8; 16], [u8; 16]) {
        let mut hasher = blake3::Hasher::new();
        hasher.update(b"gufen township move v1");
        let person = self.person.to_string();
        for part in [
            person.as_str(),
            &self.from,
            &self.to,
            &self.household,
            self.name.as_deref().unwrap_or("\u{0}"),
            &self.resolution,
            self.from_resolution.as_deref().unwrap_or("\u{0}"),
            &self.date.to_string(),
        ] {
            hasher.update(&(part.len() as u64).to_be_bytes());
            hasher.update(part.as_bytes());
        }
        if let Some(id) = given {
            hasher.update(id.as_bytes());
        }
        let side = |tag: &[u8]| {
            let mut hasher = hasher.clone();
            hasher.update(tag);
            let hash = hasher.finalize();
            let mut id = [0u8; 16];
            id.copy_from_slice(&hash.as_bytes()[..16]);
            id
        };
        (side(b"loss"), side(b"confirmation"))
    }
}

/// Decides `command` on `ledger` without writing: what the ledger's `execute` decides first.
fn decide_only(ledger: &Ledger, context: &Context, command: &Command) -> Result<()> {
    not_after_today(command.date, context.today()).map_err(LedgerError::Rejected)?;
    let state = ledger.load_state(scope(&command.action))?;
    decide(&state, command).map_err(LedgerError::Rejected)?;
    Ok(())
}

fn move_membership(app: &mut App, request: &MoveRequest) -> Result<()> {
    let outcome = {
        let store = app.open_store(false)?;
        let moved = move_in(&store, &app.global, request)?;
        moved.document(&store)?
    };
    app.render(&outcome)
}

/// What a move wrote (or had written before).
pub struct Moved {
    person: PersonId,
    name: String,
    from: String,
    to: String,
    date: NaiveDate,
    ended_before: Option<NaiveDate>,
    loss: Option<gufen_ledger::Outcome>,
    confirmation: gufen_ledger::Outcome,
}

impl Moved {
    fn document(&self, store: &Store) -> Result<MoveDocument> {
        let collective = |code: &str| -> Result<Collective> {
            let state = store
                .ledger(code)?
                .load_state(Some(vec![Key::Collective]))?;
            Ok(Collective {
                code: code.to_string(),
                name: state
                    .collective()
                    .map_or_else(String::new, |c| c.charter.name.clone()),
            })
        };
        Ok(MoveDocument {
            name: self.name.clone(),
            id_masked: self.person.masked_id(),
            from: collective(&self.from)?,
            to: collective(&self.to)?,
            date: self.date,
            loss: self.loss.as_ref().map(WriteOutcome::new),
            loss_recorded_before: self.ended_before,
            confirmation: WriteOutcome::new(&self.confirmation),
        })
    }
}

/// The move on an open store (the CLI's command and the demo's): the confirmation in `to`
/// decided first without writing, then the loss in `from`, then the confirmation, each under a
/// command id derived from the move.
pub fn move_in(store: &Store, global: &crate::cli::Global, request: &MoveRequest) -> Result<Moved> {
    let (from, to, person, date) = (&request.from, &request.to, &request.person, request.date);
    if from == to {
        bail!("R2: --from and --to name the same collective {from}: a move is between two collectives of the store");
    }
    let codes = store.ledger_ids()?;
    for code in [from, to] {
        if !codes.contains(code) {
            bail!(
                "no collective with code {code} in the store {} (it holds: {})",
                store.path().display(),
                codes.join(", ")
            );
        }
    }
    let (left, joined) = (store.ledger(from)?, store.ledger(to)?);
    let (loss_id, confirmation_id) = request.command_ids(global.command_id);
    let base = context(global)?;
    let with_id = |id: [u8; 16]| Context {
        command_id: id,
        ..base.clone()
    };
    let state = left.load_state(Some(vec![Key::Collective, Key::Person(person.clone())]))?;
    let left_name = state
        .collective()
        .map_or_else(String::new, |c| c.charter.name.clone());
    let Some(found) = state.person(person) else {
        bail!(
            "R2: {} is not known to {left_name} ({from}): only a member's membership moves",
            person.masked()
        );
    };
    let name = request.name.clone().unwrap_or_else(|| found.name.clone());
    // A move dated before the person joined --from: she was not yet its member then.
    let joined_from = match &found.membership {
        Membership::Member { since, .. } | Membership::Lost { since, .. } => Some(*since),
        Membership::None => None,
    };
    if let Some(since) = joined_from.filter(|since| *since > date) {
        bail!(
            "R2: {} was not yet a member of {left_name} ({from}) on {date}: a member there since {since}; a move is dated on or after the day the membership it moves began",
            person.masked()
        );
    }
    // What this move wrote before, found by its command ids: it counts as done only while the
    // state still shows it (a record of it corrected since leaves nothing to repeat).
    let loss_before = left.find_command(&loss_id)?;
    let confirmation_before = joined.find_command(&confirmation_id)?;
    if loss_before.is_some() || confirmation_before.is_some() {
        let member_there = joined
            .load_state(Some(vec![Key::Person(person.clone())]))?
            .person(person)
            .is_some_and(Person::is_member);
        let loss_undone = loss_before.is_some() && found.is_member();
        let confirmation_undone = confirmation_before.is_some() && !member_there;
        if loss_undone || confirmation_undone {
            let mut records = Vec::new();
            if let Some(loss) = &loss_before {
                records.push(format!("the loss #{} in {from}", loss.first_seq));
            }
            if let Some(confirmation) = &confirmation_before {
                records.push(format!(
                    "the confirmation #{} in {to}",
                    confirmation.first_seq
                ));
            }
            let state = match (loss_undone, confirmation_undone) {
                (true, true) => format!("is a member of {from} and not of {to}"),
                (true, false) => format!("is a member of {from} still"),
                _ => format!("is not a member of {to}"),
            };
            bail!(
                "R2: this move was recorded before ({}), but {} {state} now (a record of it was corrected, or the membership changed, since): repeating it would write nothing; to move the membership again, give the move with a new `--command-id`",
                records.join(", "),
                person.masked()
            );
        }
    }
    // Done before: this move's confirmation is in `to`'s ledger. The same answer again.
    if let Some(confirmation) = confirmation_before {
        return Ok(Moved {
            person: person.clone(),
            name,
            from: from.clone(),
            to: to.clone(),
            date,
            ended_before: None,
            loss: loss_before,
            confirmation,
        });
    }
    // The loss is recorded already (this move cut off after it, or a loss recorded by hand):
    // the confirmation completes the move.
    let ended_before = match &found.membership {
        Membership::Member { .. } => None,
        Membership::Lost { ended, .. } if ended_naming(found, to).is_some() => {
            if date < *ended {
                bail!(
                    "R2: {}'s membership in {left_name} ({from}) ended on {ended}, naming {to}: the confirmation in {to} is dated on or after that day, not {date}",
                    person.masked()
                );
            }
            Some(*ended)
        }
        _ => bail!(
            "R2: {} is not a member of {left_name} ({from}): only a member's membership moves",
            person.masked()
        ),
    };
    let elsewhere =
        memberships_elsewhere(store, to, std::slice::from_ref(person), date, Some(from))?;
    if let Some((_, elsewhere)) = elsewhere.first() {
        bail!("R2: {}", elsewhere.message(person, to, date));
    }
    let confirm = Command {
        date,
        action: Action::ConfirmMembership {
            person: person.clone(),
            name,
            household: request.household.clone(),
            resolution: request.resolution.clone(),
        },
    };
    let confirmation_context = with_id(confirmation_id);
    decide_only(&joined, &confirmation_context, &confirm)?;
    let loss = if ended_before.is_none() {
        let lose = Command {
            date,
            action: Action::LoseMembership {
                person: person.clone(),
                ground: "other-collective".into(),
                note: String::new(),
                resolution: request.from_resolution.clone(),
                other_collective: Some(to.clone()),
            },
        };
        let loss_context = with_id(loss_id);
        decide_only(&left, &loss_context, &lose)?;
        Some(left.execute(&loss_context, &lose)?)
    } else {
        loss_before
    };
    // The ledger's own error stays the cause, so an integrity failure still exits 3.
    let confirmation = joined
        .execute(&confirmation_context, &confirm)
        .with_context(|| {
            format!(
                "the move is half done: the membership in {from} ended on {date}, but {to} did not record the confirmation; give the same command again to complete it (`gufen township duplicates` lists it meanwhile)"
            )
        })?;
    let Action::ConfirmMembership { name, .. } = confirm.action else {
        unreachable!("the confirmation")
    };
    Ok(Moved {
        person: person.clone(),
        name,
        from: from.clone(),
        to: to.clone(),
        date,
        ended_before,
        loss,
        confirmation,
    })
}

// ---------------------------------------------------------------------------------------------
// Duplicates

fn duplicates(app: &mut App) -> Result<()> {
    let store = app.open_store(false)?;
    let codes = collectives(app, &store)?;
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    // Current memberships by person, each (code, since, the person's name there).
    let mut memberships: BTreeMap<PersonId, Vec<(String, NaiveDate, String)>> = BTreeMap::new();
    // Persons ever a member of each collective (in force or ended).
    let mut ever: HashMap<String, BTreeSet<PersonId>> = HashMap::new();
    // Memberships ended on other-collective naming a collective of the store.
    let mut moved: Vec<(PersonId, String, String, NaiveDate, String)> = Vec::new();
    // Deaths recorded, each (person, name, code, date), and every membership by person, each
    // (code, since, when it ended).
    let mut deaths: Vec<(PersonId, String, String, NaiveDate)> = Vec::new();
    let mut spans: HashMap<PersonId, Vec<(String, NaiveDate, Option<NaiveDate>)>> = HashMap::new();
    for code in &codes {
        // One person at a time, from the village's projections.
        let ledger = store.ledger(code)?;
        let Some(collective) = ledger.collective()? else {
            continue;
        };
        names.insert(code.clone(), collective.charter.name.clone());
        let was_member = ever.entry(code.clone()).or_default();
        for person in ledger.persons() {
            let person = person?;
            if let Some(died) = person.deceased_on {
                deaths.push((person.id.clone(), person.name.clone(), code.clone(), died));
            }
            match &person.membership {
                Membership::None => {}
                Membership::Member { since, .. } => {
                    spans
                        .entry(person.id.clone())
                        .or_default()
                        .push((code.clone(), *since, None));
                    was_member.insert(person.id.clone());
                    memberships.entry(person.id.clone()).or_default().push((
                        code.clone(),
                        *since,
                        person.name.clone(),
                    ));
                }
                Membership::Lost {
                    since,
                    ended,
                    ground,
                } => {
                    spans.entry(person.id.clone()).or_default().push((
                        code.clone(),
                        *since,
                        Some(*ended),
                    ));
                    was_member.insert(person.id.clone());
                    let named = person
                        .ending
                        .as_ref()
                        .and_then(|e| e.other_collective.clone());
                    if let Some(to) = named
                        .filter(|to| *ground == LossGround::OtherCollective && codes.contains(to))
                    {
                        moved.push((
                            person.id.clone(),
                            person.name.clone(),
                            code.clone(),
                            *ended,
                            to,
                        ));
                    }
                }
            }
        }
    }
    drop(store);
    let collective = |code: &str| Collective {
        code: code.to_string(),
        name: names.get(code).cloned().unwrap_or_default(),
    };
    let double_memberships: Vec<DoubleMembership> = memberships
        .into_iter()
        .filter(|(_, held)| held.len() > 1)
        .map(|(person, held)| DoubleMembership {
            name: held[0].2.clone(),
            id_masked: person.masked_id(),
            memberships: held
                .iter()
                .map(|(code, since, _)| Held {
                    collective: collective(code),
                    since: *since,
                })
                .collect(),
        })
        .collect();
    let half_done_moves: Vec<HalfDoneMove> = moved
        .into_iter()
        .filter(|(person, _, _, _, to)| !ever.get(to).is_some_and(|set| set.contains(person)))
        .map(|(person, name, from, ended, to)| HalfDoneMove {
            name,
            id_masked: person.masked_id(),
            from: collective(&from),
            ended,
            to: collective(&to),
        })
        .collect();
    // A membership elsewhere lasting past a death one collective records.
    let mut members_after_death = Vec::new();
    for (person, name, recorded_in, died) in deaths {
        for (code, since, until) in spans.get(&person).into_iter().flatten() {
            if *code != recorded_in && until.is_none_or(|ended| ended > died) {
                members_after_death.push(MemberAfterDeath {
                    name: name.clone(),
                    id_masked: person.masked_id(),
                    died,
                    recorded_in: collective(&recorded_in),
                    member_of: collective(code),
                    since: *since,
                    until: *until,
                });
            }
        }
    }
    app.render(&Duplicates {
        collectives: codes.len(),
        none: double_memberships.is_empty()
            && half_done_moves.is_empty()
            && members_after_death.is_empty(),
        double_memberships,
        half_done_moves,
        members_after_death,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::{Format, Global, Lang};

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn global(db: &std::path::Path) -> Global {
        Global {
            db: db.to_path_buf(),
            org: None,
            format: Format::Text,
            output: None,
            lang: Lang::En,
            command_id: None,
            actor: Some("clerk".into()),
            wait: 0,
        }
    }

    /// Two collectives in a fresh store, a member confirmed in the first.
    fn store_with_a_member(db: &std::path::Path, person: &PersonId) -> (Store, String, String) {
        let store = Store::open(db, true).unwrap();
        let global = global(db);
        let mut codes = Vec::new();
        for index in 0..2 {
            let code = crate::commands::township_demo::village_code(index);
            let charter = crate::commands::demo::village_charter(
                300,
                Some((&format!("第{index}村股份经济合作社"), &code)),
            )
            .unwrap();
            let ledger = store.ledger(&code).unwrap();
            let register = Command {
                date: day("2017-06-30"),
                action: Action::RegisterCollective {
                    charter,
                    loss_grounds: vec![],
                },
            };
            ledger
                .execute(&context(&global).unwrap(), &register)
                .unwrap();
            codes.push(code);
        }
        let confirm = Command {
            date: day("2018-01-01"),
            action: Action::ConfirmMembership {
                person: person.clone(),
                name: "王秀英".into(),
                household: "001".into(),
                resolution: "2018-1".into(),
            },
        };
        store
            .ledger(&codes[0])
            .unwrap()
            .execute(&context(&global).unwrap(), &confirm)
            .unwrap();
        let second = codes.pop().unwrap();
        (store, codes.pop().unwrap(), second)
    }

    /// A move cut off after its first write (the loss, under the move's own command id) is
    /// completed by the same move: the loss answered as written before, the confirmation
    /// written once; the move again writes nothing.
    #[test]
    fn a_move_cut_off_after_the_loss_is_completed_by_the_same_move() {
        let dir = tempfile::tempdir().unwrap();
        let person = PersonId::parse("360426199101010071").unwrap();
        let (store, from, to) = store_with_a_member(dir.path(), &person);
        let global = global(dir.path());
        let request = MoveRequest {
            person: person.clone(),
            from: from.clone(),
            to: to.clone(),
            household: "007".into(),
            name: None,
            resolution: "2020-1".into(),
            from_resolution: None,
            date: day("2020-03-01"),
        };
        // What the move's first write leaves when the process dies before its second.
        let (loss_id, _) = request.command_ids(None);
        let lose = Command {
            date: request.date,
            action: Action::LoseMembership {
                person: person.clone(),
                ground: "other-collective".into(),
                note: String::new(),
                resolution: None,
                other_collective: Some(to.clone()),
            },
        };
        let context = Context {
            command_id: loss_id,
            ..context(&global).unwrap()
        };
        let first = store
            .ledger(&from)
            .unwrap()
            .execute(&context, &lose)
            .unwrap();
        let heads = |store: &Store| {
            (
                store.ledger(&from).unwrap().head().unwrap(),
                store.ledger(&to).unwrap().head().unwrap(),
            )
        };
        let cut = heads(&store);

        let moved = move_in(&store, &global, &request).unwrap();
        let loss = moved
            .loss
            .as_ref()
            .expect("the loss found by its command id");
        assert!(loss.repeated);
        assert_eq!(loss.first_seq, first.first_seq);
        assert!(!moved.confirmation.repeated);
        let done = heads(&store);
        assert_eq!(done.0, cut.0, "the loss is not written again");
        assert_ne!(done.1, cut.1, "the confirmation is written");
        let state = store.ledger(&to).unwrap().load_state(None).unwrap();
        assert!(state.person(&person).unwrap().is_member());

        let again = move_in(&store, &global, &request).unwrap();
        assert!(again.confirmation.repeated && again.loss.unwrap().repeated);
        assert_eq!(heads(&store), done);
    }

    /// The move's command ids name the move: another date, resolution or household is another
    /// move, and a --command-id given makes them its own.
    #[test]
    fn a_moves_command_ids_name_the_move() {
        let request = |resolution: &str, date: &str| MoveRequest {
            person: PersonId::parse("360426199101010071").unwrap(),
            from: crate::commands::township_demo::village_code(0),
            to: crate::commands::township_demo::village_code(1),
            household: "007".into(),
            name: None,
            resolution: resolution.into(),
            from_resolution: None,
            date: day(date),
        };
        let ids = request("2020-1", "2020-03-01").command_ids(None);
        assert_ne!(ids.0, ids.1);
        assert_eq!(ids, request("2020-1", "2020-03-01").command_ids(None));
        assert_ne!(ids, request("2020-2", "2020-03-01").command_ids(None));
        assert_ne!(ids, request("2020-1", "2020-03-02").command_ids(None));
        let given = uuid::Uuid::from_bytes([7; 16]);
        assert_ne!(
            ids,
            request("2020-1", "2020-03-01").command_ids(Some(given))
        );
    }
}
