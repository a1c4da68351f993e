//! `gufen member …`: confirm, import a roster, lose, exit, record a life event, show, list.

use crate::app::App;
use crate::arguments::{choice, date, person_id, yuan};
use crate::commands::shares::AuthorityArgs;
use crate::document::found::{FoundPersons, FoundRow};
use crate::document::member::{MemberDocument, MemberList, MemberRow};
use crate::document::Document as _;
use crate::input::Encoding;
use crate::listing::Order;
use anyhow::{anyhow, bail, Result};
use chrono::NaiveDate;
use clap::Subcommand;
use gufen_core::command::Action;
use gufen_core::entity::Membership;
use gufen_core::event::LifeEvent;
use gufen_core::state::Key;
use gufen_core::{Command, Fen, PersonId};
use gufen_ledger::Ledger;
use std::path::PathBuf;

#[derive(Subcommand, Debug)]
pub enum MemberCommand {
    /// Voluntary exit on the member's written application with the organization's consent
    /// (R4): `--redeem --price` redeems every unit, with the holder's `--consent` or a court's
    /// `--judgment` (R8); otherwise they are kept as a non-member's income rights.
    Exit {
        #[arg(long, value_parser = person_id)]
        id: PersonId,
        /// The member's written application to leave (required: nobody is exited without
        /// their own application, R4; the core refuses an exit without one, naming R4).
        #[arg(long, default_value = "")]
        application: String,
        /// The organization's resolution consenting to the exit.
        #[arg(long)]
        resolution: String,
        #[arg(long, requires = "price")]
        redeem: bool,
        #[arg(long, requires = "redeem", value_parser = yuan, allow_hyphen_values = true)]
        price: Option<Fen>,
        #[command(flatten)]
        authority: AuthorityArgs,
        #[arg(long, value_parser = date)]
        date: NaiveDate,
    },
    /// Confirm a person's membership (R1: cites the assembly's resolution).
    Confirm {
        #[arg(long, value_parser = person_id)]
        id: PersonId,
        #[arg(long)]
        name: String,
        #[arg(long)]
        household: String,
        #[arg(long)]
        resolution: String,
        #[arg(long, value_parser = date)]
        date: NaiveDate,
    },
    /// Import a roster (id,name,household[,class,units]): CSV in UTF-8, GBK or UTF-16, or a
    /// workbook (XLSX, XLS, ODS); a header row in English or Chinese in any column order
    /// (docs/import.md); a class by its code or charter name. One bad row refuses the whole file.
    Import {
        roster: PathBuf,
        #[arg(long)]
        resolution: String,
        #[arg(long, value_parser = date)]
        date: NaiveDate,
        /// How a CSV file's bytes are read (auto: UTF-8, else GBK/GB18030).
        #[arg(long, value_enum, default_value_t = Encoding::Auto)]
        encoding: Encoding,
        #[arg(long, value_name = "NAME")]
        sheet: Option<String>,
    },
    /// End membership on a lawful ground (R2): death, nationality, other-collective (with
    /// `--collective`), civil-servant, or a ground the charter lists, by its code (with
    /// `--resolution`); a life event is refused (R3).
    Lose {
        #[arg(long, value_parser = person_id)]
        id: PersonId,
        /// The ground's code. Free text rather than a fixed choice so that the core names the
        /// rule: a life event's word (hukou-moved, marriage, …) is refused under R3, which says
        /// it never ends membership, and any other unknown word under R2.
        #[arg(long)]
        reason: String,
        /// The resolution deciding the loss (required on a charter ground).
        #[arg(long)]
        resolution: Option<String>,
        /// The credit code of the collective whose membership the person gained
        /// (other-collective); where it is in this store, the person must be its member on `--date`.
        #[arg(long)]
        collective: Option<String>,
        #[arg(long, value_parser = date)]
        date: NaiveDate,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Record a life event (marriage, study, …); it changes no right (R3).
    LifeEvent {
        #[arg(long, value_parser = person_id)]
        id: PersonId,
        #[arg(long, value_parser = choice::<LifeEvent>())]
        kind: LifeEvent,
        #[arg(long, value_parser = date)]
        date: NaiveDate,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// One person: membership, household, hukou, holdings, pledges.
    Show {
        #[arg(long, value_parser = person_id)]
        id: PersonId,
        /// Print the ID whole (the owner's own request; never on public documents).
        #[arg(long)]
        reveal: bool,
    },
    /// Set (or replace) the bank account a person's money is paid into, or `--clear` it;
    /// public outputs show its last 4 digits only (R16).
    Bank(crate::commands::bank::BankArgs),
    /// Import many bank accounts (CSV or workbook, columns by header); one bad row refuses the
    /// whole file.
    BankImport(crate::commands::bank::BankImportArgs),
    /// The members on a date (default: today).
    List {
        #[arg(long, value_parser = date)]
        as_of: Option<NaiveDate>,
    },
    /// Find persons by part of their name, or by household: household, name, masked ID, member.
    #[command(group = clap::ArgGroup::new("find").required(true).multiple(true).args(["name", "household"]))]
    Find {
        /// Part of the name, e.g. a surname.
        #[arg(long)]
        name: Option<String>,
        /// The household number.
        #[arg(long)]
        household: Option<String>,
    },
}

pub fn run(app: &mut App, command: MemberCommand) -> Result<()> {
    match command {
        MemberCommand::Exit {
            id,
            application,
            resolution,
            redeem: _,
            price,
            authority,
            date,
        } => app.write(
            date,
            Action::ExitMember {
                person: id,
                resolution,
                application,
                redeem: price,
                authority: authority.into_authority(),
            },
        ),
        MemberCommand::Confirm {
            id,
            name,
            household,
            resolution,
            date,
        } => {
            let (store, ledger) = app.open()?;
            // A retry (its --command-id) of a confirmation that landed answers its first
            // outcome, even if the person has since moved to another collective of the store.
            let confirmed = |event: &gufen_core::Event| matches!(event, gufen_core::Event::MembershipConfirmed(e) if e.person == id);
            if let Some(outcome) = app.landed_before(&ledger, confirmed)? {
                return app.print_outcome(&outcome);
            }
            // R2 across the store: not while a member of another collective in it.
            crate::commands::township::refuse_member_elsewhere(&store, ledger.id(), &id, date)?;
            let action = Action::ConfirmMembership {
                person: id,
                name,
                household,
                resolution,
            };
            let outcome = ledger.execute(&app.context()?, &Command { date, action })?;
            app.print_outcome(&outcome)
        }
        MemberCommand::Import {
            roster,
            resolution,
            date,
            encoding,
            sheet,
        } => import(app, &roster, resolution, date, encoding, sheet.as_deref()),
        MemberCommand::Lose {
            id,
            reason,
            resolution,
            collective,
            date,
            note,
        } => {
            if let Some(code) = &collective {
                member_elsewhere(app, &id, code, date)?;
            }
            app.write(
                date,
                Action::LoseMembership {
                    person: id,
                    ground: reason,
                    note,
                    resolution,
                    other_collective: collective,
                },
            )
        }
        MemberCommand::LifeEvent {
            id,
            kind,
            date,
            note,
        } => app.write(
            date,
            Action::RecordLifeEvent {
                person: id,
                kind,
                note,
            },
        ),
        MemberCommand::Show { id, reveal } => show(app, &id, reveal),
        MemberCommand::List { as_of } => list(app, as_of),
        MemberCommand::Find { name, household } => find(app, name, household),
        MemberCommand::Bank(args) => crate::commands::bank::set(app, args),
        MemberCommand::BankImport(args) => crate::commands::bank::import(app, args),
    }
}

/// R2: where the other collective is in this store, the person must be its member on its own
/// ledger on the loss date (the core sees one ledger; this reads the other): a membership gained
/// there later does not end this one early (R3). A collective kept elsewhere is cited by its code
/// alone.
fn member_elsewhere(app: &App, person: &PersonId, code: &str, date: NaiveDate) -> Result<()> {
    let code = code.trim().to_ascii_uppercase();
    let store = app.open_store(false)?;
    if !store.ledger_ids()?.contains(&code) {
        return Ok(());
    }
    let other = store.ledger(&code)?;
    let state = other.load_state(Some(vec![Key::Collective, Key::Person(person.clone())]))?;
    let member_then = match state.person(person).map(|p| &p.membership) {
        // A member since the loss date or earlier is one on it.
        Some(Membership::Member { since, .. }) if *since <= date => true,
        // Known there, but not a member throughout: the ledger as of the loss date decides.
        Some(_) if state.collective().is_some_and(|c| c.registered_on <= date) => other
            .replay_state(Some(date))?
            .person(person)
            .is_some_and(|p| p.is_member()),
        _ => false,
    };
    if !member_then {
        bail!(
            "R2: {} is not a member of the collective {code} in this store on {date}: membership gained there is confirmed there first; `gufen township move --id ID --from {} --to {code}` ends it here and confirms it there together",
            person.masked(),
            app.ledger_id(&store)?
        );
    }
    Ok(())
}

fn import(
    app: &mut App,
    path: &std::path::Path,
    resolution: String,
    date: NaiveDate,
    encoding: Encoding,
    sheet: Option<&str>,
) -> Result<()> {
    app.refuse_output_over(&[path])?;
    let lang = app.global.lang;
    let _progress = crate::progress::Progress::start(
        lang,
        "读取并检查花名册",
        "reading and checking the roster",
    );
    let mut roster = crate::roster::read(path, encoding, sheet, lang)?;
    let (store, ledger) = app.open()?;
    // A class may be given by its charter name (人口股) as well as its code (basic).
    let state = ledger.load_state(Some(vec![Key::Collective]))?;
    let charter = state.collective().map(|c| c.charter.clone());
    if let Some(charter) = &charter {
        crate::roster::resolve_classes(&mut roster.rows, charter);
    }
    // R2 across the store: no row's person may be a member of another collective in it. A
    // retry of an import that landed (its --command-id known to the ledger) is left to the
    // ledger, which answers its first outcome or refuses the id used for another command.
    let retried = match app.global.command_id {
        Some(id) => ledger.find_command(id.as_bytes())?.is_some(),
        None => false,
    };
    let elsewhere = if retried {
        Vec::new()
    } else {
        crate::commands::township::rows_member_elsewhere(&store, ledger.id(), &roster.rows, date)?
    };
    if !elsewhere.is_empty() {
        let listed: Vec<String> = elsewhere.iter().map(|v| roster.describe(v, "")).collect();
        bail!(
            "{} row(s) of {} refused; nothing was written\n  {}",
            elsewhere.len(),
            roster.file,
            listed.join("\n  ")
        );
    }
    let command = Command {
        date,
        action: Action::ImportRoster {
            rows: std::mem::take(&mut roster.rows),
            resolution,
        },
    };
    let file = roster.file.clone();
    app.execute_rows(&ledger, command, &file, |violation| {
        let note = charter.as_ref().map_or_else(String::new, |charter| {
            crate::roster::unknown_class_note(violation, charter, lang)
        });
        roster.describe(violation, &note)
    })
}

fn show(app: &mut App, person: &PersonId, reveal: bool) -> Result<()> {
    let (_store, ledger) = app.open()?;
    let state = ledger.load_state(Some(vec![Key::Collective, Key::Person(person.clone())]))?;
    let charter = &state
        .collective()
        .ok_or_else(|| anyhow!("the collective is not registered"))?
        .charter;
    let found = state
        .person(person)
        .ok_or_else(|| anyhow!("no person with ID {} in this collective", person.masked()))?;
    app.render(&MemberDocument::new(found, charter, reveal))
}

fn list(app: &mut App, as_of: Option<NaiveDate>) -> Result<()> {
    let (_store, ledger) = app.open()?;
    let Some(as_of) = as_of else {
        return list_now(app, &ledger);
    };
    let (state, date) = app.state(&ledger, as_of)?;
    let mut members: Vec<_> = state.persons().filter(|p| p.is_member()).collect();
    members.sort_by(|a, b| (&a.household, &a.id).cmp(&(&b.household, &b.id)));
    app.render(&MemberList {
        as_of: date,
        count: members.len(),
        members: members.into_iter().map(MemberRow::new).collect(),
    })
}

/// The members today, streamed from the projections one person at a time (`listing`), in the
/// order of the list of a past date: household (none first), then ID.
fn list_now(app: &mut App, ledger: &Ledger) -> Result<()> {
    let order = Order::pick(ledger, |person| {
        person.is_member().then(|| person.household.clone())
    })?;
    let frame = MemberList {
        as_of: crate::app::today()?,
        count: order.len(),
        members: Vec::new(),
    };
    app.render_list(
        frame,
        "members",
        &mut |each| order.each(ledger, &mut |person| each(&MemberRow::new(person))),
        |frame, lang| frame.layout(lang),
        |_, _, _, member: &MemberRow| member.cells(),
        |frame, member| frame.members.push(member.clone()),
    )
}

/// Every person whose name holds `name` and who belongs to `household` (each where given), by
/// household and ID.
fn find(app: &mut App, name: Option<String>, household: Option<String>) -> Result<()> {
    let (_store, ledger) = app.open()?;
    let name = name.map(|n| n.trim().to_string());
    let household = household.map(|h| h.trim().to_string());
    // One person at a time from the projections; only those found are kept.
    let mut found = Vec::new();
    for person in ledger.persons() {
        let person = person?;
        let named = name
            .as_ref()
            .is_none_or(|n| person.name.contains(n.as_str()));
        let of_household = household
            .as_ref()
            .is_none_or(|h| person.household.as_deref() == Some(h.as_str()));
        if named && of_household {
            found.push(person);
        }
    }
    found.sort_by(|a, b| (&a.household, &a.id).cmp(&(&b.household, &b.id)));
    // What was asked is printed back: an ID typed as a name or household is masked (R16).
    app.render(&FoundPersons {
        name: name.map(|n| crate::mask_ids(&n)),
        household: household.map(|h| crate::mask_ids(&h)),
        count: found.len(),
        persons: found.iter().map(FoundRow::new).collect(),
    })
}
