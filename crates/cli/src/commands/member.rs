//! `gufen member …`: confirm, import a roster, lose, exit, record a life event, show, list.

use crate::app::App;
use crate::arguments::{choice, date, person_id, yuan};
use crate::cli::{Format, Lang};
use crate::render::{json, t, Table};
use anyhow::{anyhow, Result};
use chrono::NaiveDate;
use clap::Subcommand;
use gufen_core::command::Action;
use gufen_core::event::LifeEvent;
use gufen_core::state::{Key, Membership};
use gufen_core::{Command, Fen, PersonId, Units};
use serde_json::json;
use std::io::Write;
use std::path::PathBuf;

#[derive(Subcommand, Debug)]
pub enum MemberCommand {
    /// Voluntary exit with the organization's consent (R4): `--redeem --price` redeems every
    /// unit; otherwise they are kept as a non-member's income rights.
    Exit {
        #[arg(long, value_parser = person_id)]
        id: PersonId,
        #[arg(long)]
        resolution: String,
        #[arg(long, requires = "price")]
        redeem: bool,
        #[arg(long, requires = "redeem", value_parser = yuan)]
        price: Option<Fen>,
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
    /// Import a roster CSV (id,name,household[,class,units]); one bad row refuses the whole file.
    Import {
        roster: PathBuf,
        #[arg(long)]
        resolution: String,
        #[arg(long, value_parser = date)]
        date: NaiveDate,
    },
    /// End membership on a lawful ground (R2): death, nationality, other-collective,
    /// civil-servant, or one of the charter's own grounds; grounds R3 forbids are refused.
    Lose {
        #[arg(long, value_parser = person_id)]
        id: PersonId,
        /// The ground's code (the charter may add its own, so the core checks it).
        #[arg(long)]
        reason: String,
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
    /// The members on a date (default: today).
    List {
        #[arg(long, value_parser = date)]
        as_of: Option<NaiveDate>,
    },
}

pub fn run(app: &mut App, command: MemberCommand) -> Result<()> {
    match command {
        MemberCommand::Exit {
            id,
            resolution,
            redeem: _,
            price,
            date,
        } => app.write(
            date,
            Action::ExitMember {
                person: id,
                resolution,
                redeem: price,
            },
        ),
        MemberCommand::Confirm {
            id,
            name,
            household,
            resolution,
            date,
        } => app.write(
            date,
            Action::ConfirmMembership {
                person: id,
                name,
                household,
                resolution,
            },
        ),
        MemberCommand::Import {
            roster,
            resolution,
            date,
        } => import(app, &roster, resolution, date),
        MemberCommand::Lose {
            id,
            reason,
            date,
            note,
        } => app.write(
            date,
            Action::LoseMembership {
                person: id,
                ground: reason,
                note,
            },
        ),
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
    }
}

fn import(
    app: &mut App,
    path: &std::path::Path,
    resolution: String,
    date: NaiveDate,
) -> Result<()> {
    let (rows, lines) = crate::roster::read(path)?;
    let (_store, ledger) = app.open()?;
    let command = Command {
        date,
        action: Action::ImportRoster { rows, resolution },
    };
    app.execute_rows(&ledger, &command, path, &lines)
}

fn show(app: &mut App, person: &PersonId, reveal: bool) -> Result<()> {
    let person = person.clone();
    let (_store, ledger) = app.open()?;
    let state = ledger.load_state(Some(vec![Key::Collective, Key::Person(person.clone())]))?;
    let charter = &state
        .collective()
        .ok_or_else(|| anyhow!("the collective is not registered"))?
        .charter;
    let found = state
        .person(&person)
        .ok_or_else(|| anyhow!("no person with ID {} in this collective", person.masked()))?;
    let lang = app.global.lang;
    let (status, since) = match &found.membership {
        Membership::None => ("none", None),
        Membership::Member { since, .. } => ("member", Some(*since)),
        Membership::Lost { ended, .. } => ("lost", Some(*ended)),
    };
    if app.global.format == Format::Json {
        let mut value = json!({
            "name": found.name, "id_masked": person.masked(), "household": found.household, "member": found.is_member(),
            "membership": status, "since": since.map(|d| d.to_string()),
            "hukou": found.hukou.as_ref().map(|h| json!({"kind": format!("{:?}", h.kind).to_lowercase(), "locality": h.locality, "since": h.since.to_string()})),
            "units": found.holdings, "units_total": found.units_total(), "weighted_units": found.weighted_units(charter),
            "pledged_units": found.pledged_units(), "deceased": found.is_deceased(),
            "pledges": found.pledges.iter().map(|p| json!({"contract": p.contract, "pledgee": p.pledgee, "class": p.class, "units": p.units, "since": p.since.to_string()})).collect::<Vec<_>>(),
        });
        if reveal {
            value["id"] = json!(person.to_string());
        }
        return json(&mut app.out, &value);
    }
    let shown_id = if reveal {
        person.to_string()
    } else {
        person.masked()
    };
    let status_text = match (&found.membership, lang) {
        (Membership::None, Lang::Zh) => "非成员".to_string(),
        (Membership::None, Lang::En) => "not a member".to_string(),
        (Membership::Member { since, resolution }, Lang::Zh) => {
            format!("成员（{since} 起，决议 {resolution}）")
        }
        (Membership::Member { since, resolution }, Lang::En) => {
            format!("member since {since} (resolution {resolution})")
        }
        (Membership::Lost { ended, ground, .. }, Lang::Zh) => {
            format!("成员资格已于 {ended} 丧失（{ground:?}）")
        }
        (Membership::Lost { ended, ground, .. }, Lang::En) => {
            format!("membership ended {ended} ({ground:?})")
        }
    };
    writeln!(app.out, "{}: {}", t(lang, "姓名", "name"), found.name)?;
    writeln!(app.out, "{}: {shown_id}", t(lang, "身份证号", "ID"))?;
    writeln!(
        app.out,
        "{}: {}",
        t(lang, "户号", "household"),
        found.household.as_deref().unwrap_or("-")
    )?;
    writeln!(
        app.out,
        "{}: {status_text}",
        t(lang, "成员身份", "membership")
    )?;
    let hukou = match &found.hukou {
        Some(h) => format!("{:?} {} ({})", h.kind, h.locality, h.since).to_lowercase(),
        None => "-".into(),
    };
    writeln!(
        app.out,
        "{}: {hukou}",
        t(
            lang,
            "户籍（仅记录，不影响权益）",
            "hukou (recorded only; changes no right)"
        )
    )?;
    for (class, units) in &found.holdings {
        writeln!(
            app.out,
            "{} {class}: {}",
            t(lang, "股份", "shares"),
            Units(*units)
        )?;
    }
    writeln!(
        app.out,
        "{}: {}",
        t(lang, "折算股", "weighted shares"),
        Units(found.weighted_units(charter))
    )?;
    for pledge in &found.pledges {
        writeln!(
            app.out,
            "{}: {}{} ({} {}, {} {})",
            t(lang, "质押", "pledged"),
            pledge
                .class
                .as_ref()
                .map_or(String::new(), |class| format!("{class} ")),
            Units(pledge.units),
            t(lang, "质权人", "to"),
            pledge.pledgee,
            t(lang, "合同", "contract"),
            pledge.contract
        )?;
    }
    if found.is_deceased() && found.units_total() > 0 {
        writeln!(
            app.out,
            "{}",
            t(
                lang,
                "已故：股份为遗产，待继承",
                "deceased: the holding is an estate awaiting settlement"
            )
        )?;
    }
    Ok(())
}

fn list(app: &mut App, as_of: Option<NaiveDate>) -> Result<()> {
    let (_store, ledger) = app.open()?;
    let (state, date) = app.state(&ledger, as_of)?;
    let mut members: Vec<_> = state.persons().filter(|p| p.is_member()).collect();
    members.sort_by(|a, b| (&a.household, &a.id).cmp(&(&b.household, &b.id)));
    let since = |m: &Membership| match m {
        Membership::Member { since, .. } => since.to_string(),
        _ => String::new(),
    };
    if app.global.format == Format::Json {
        let list: Vec<_> = members
            .iter()
            .map(|p| json!({"name": p.name, "id_masked": p.id.masked(), "household": p.household, "since": since(&p.membership)}))
            .collect();
        return json(
            &mut app.out,
            &json!({"as_of": date.to_string(), "count": members.len(), "members": list}),
        );
    }
    let lang = app.global.lang;
    let mut table = Table::new(
        vec![
            t(lang, "户号", "household"),
            t(lang, "姓名", "name"),
            t(lang, "身份证号", "ID"),
            t(lang, "成员起始日", "member since"),
        ],
        vec![false; 4],
    );
    for p in &members {
        table.push(vec![
            p.household.clone().unwrap_or_default(),
            p.name.clone(),
            p.id.masked(),
            since(&p.membership),
        ]);
    }
    if app.global.format == Format::Text {
        writeln!(
            app.out,
            "{} {date}: {} {}",
            t(lang, "成员名单 截至", "members as of"),
            members.len(),
            t(lang, "人", "persons")
        )?;
    }
    table.write(app.global.format, &mut app.out)
}
