//! Command handlers: open the store, build a validated command, execute it, render the answer.

use crate::cli::*;
use crate::render::{hex_short, json, t, Table};
use anyhow::{anyhow, bail, Context as _, Result};
use chrono::NaiveDate;
use gufen_core::command::Action;
use gufen_core::event::{person_stream, Event, HukouKind, LifeEvent, Reversal};
use gufen_core::report::{self, percent_text};
use gufen_core::state::{Key, Membership, State};
use gufen_core::{Charter, Command, Fen, PersonId, RuleViolation, Units};
use gufen_ledger::record::hex;
use gufen_ledger::{Context, Ledger, LedgerError, Outcome, Store};
use serde_json::json;
use std::io::Write;

/// An integrity failure found by a read (verify): exit code 3.
#[derive(Debug)]
pub struct IntegrityFailure(pub String);

impl std::fmt::Display for IntegrityFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for IntegrityFailure {}

/// The error as the user reads it, with its causes.
pub fn describe_error(error: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in error.chain() {
        let part = cause.to_string();
        if !text.contains(&part) {
            if !text.is_empty() {
                text.push_str(": ");
            }
            text.push_str(&part);
        }
    }
    text
}

pub struct App {
    pub global: Global,
    pub out: std::io::StdoutLock<'static>,
}

pub fn run(cli: Cli, db_given: bool) -> Result<()> {
    let mut app = App {
        global: cli.global,
        out: std::io::stdout().lock(),
    };
    match cli.command {
        Cmd::Init { charter, date } => app.init(&charter, date.as_deref()),
        Cmd::Charter {
            command: CharterCmd::Show,
        } => app.charter_show(),
        Cmd::Member { command } => app.member(command),
        Cmd::Person { command } => app.person(command),
        Cmd::Household { command } => app.household(command),
        Cmd::Hukou {
            command:
                HukouCmd::Set {
                    id,
                    kind,
                    locality,
                    date,
                },
        } => {
            let kind = if kind == "urban" {
                HukouKind::Urban
            } else {
                HukouKind::Rural
            };
            let action = Action::RecordHukou {
                person: person_id(&id)?,
                kind,
                locality,
            };
            app.write(&date, action)
        }
        Cmd::Shares {
            command:
                SharesCmd::Allot {
                    id,
                    collective,
                    class,
                    units,
                    resolution,
                    date,
                },
        } => {
            let units = Units::parse_positive(&units).map_err(|e| anyhow!("--units: {e}"))?;
            let action = match id {
                Some(id) if !collective => Action::AllotShares {
                    person: person_id(&id)?,
                    class,
                    units,
                    resolution,
                },
                _ => Action::AllotCollectiveShares {
                    class,
                    units,
                    resolution,
                },
            };
            app.write(&date, action)
        }
        Cmd::Distribution { command } => app.distribution(command),
        Cmd::Shares { command } => app.shares(command),
        Cmd::Death {
            command: DeathCmd::Record { id, date },
        } => app.write(
            &date,
            Action::RecordDeath {
                person: person_id(&id)?,
            },
        ),
        Cmd::Inherit { from, heirs, date } => app.inherit(&from, &heirs, &date),
        Cmd::Correct { seq, reason, date } => app.correct(seq, reason, &date),
        Cmd::Register { as_of } => app.register(as_of.as_deref()),
        Cmd::History { id, reveal } => app.history(&id, reveal),
        Cmd::Log { from, limit } => app.log(from, limit),
        Cmd::Verify { replay } => app.verify(replay),
        Cmd::Demo { members, years } => crate::demo::run(&mut app, db_given, members, years),
        Cmd::CrashChild { seed } => crate::crash_child::run(&mut app, seed),
        Cmd::Sample {
            command: SampleCmd::Roster { persons, seed },
        } => {
            let text = crate::synth::roster_csv(&crate::synth::roster(persons, seed));
            app.out.write_all(text.as_bytes())?;
            Ok(())
        }
    }
}

pub fn parse_date(flag: &str, text: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| anyhow!("{flag}: {text:?} is not a date YYYY-MM-DD"))
}

pub fn person_id(text: &str) -> Result<PersonId> {
    PersonId::parse(text).map_err(|e| anyhow!("--id: {e}"))
}

/// Now, or the instant in GUFEN_NOW (RFC 3339) so tests and reproducible demos pin the clock.
pub fn now() -> Result<chrono::DateTime<chrono::Utc>> {
    match std::env::var("GUFEN_NOW") {
        Ok(text) => Ok(chrono::DateTime::parse_from_rfc3339(&text)
            .map_err(|_| anyhow!("GUFEN_NOW {text:?} is not an RFC 3339 time"))?
            .with_timezone(&chrono::Utc)),
        Err(_) => Ok(chrono::Utc::now()),
    }
}

/// Who and when for one write: --command-id (or a new UUID), the clock, --actor (or $USER).
pub fn context(global: &Global) -> Result<Context> {
    let command_id = match &global.command_id {
        Some(text) => *uuid::Uuid::parse_str(text)
            .map_err(|_| anyhow!("--command-id {text:?} is not a UUID"))?
            .as_bytes(),
        None => *uuid::Uuid::new_v4().as_bytes(),
    };
    let actor = global
        .actor
        .clone()
        .or_else(|| std::env::var("USER").ok())
        .unwrap_or_else(|| "unknown".into());
    Ok(Context {
        command_id,
        recorded_at_micros: now()?.timestamp_micros(),
        actor,
    })
}

impl App {
    pub fn open_store(&self, create: bool) -> Result<Store> {
        Ok(Store::open(&self.global.db, create)?)
    }

    /// The collective named by --org, or the only one in the store.
    pub fn open_ledger(&self, store: &Store) -> Result<Ledger> {
        let ids = store.ledger_ids()?;
        let id = match &self.global.org {
            Some(org) => {
                let org = org.trim().to_ascii_uppercase();
                if !ids.contains(&org) {
                    bail!(
                        "no collective with code {org} in the store {} (it holds: {})",
                        self.global.db.display(),
                        list_or_none(&ids)
                    );
                }
                org
            }
            None => match ids.as_slice() {
                [only] => only.clone(),
                [] => bail!(
                    "the store {} holds no collective: run `gufen init --charter FILE`",
                    self.global.db.display()
                ),
                many => bail!(
                    "the store holds {} collectives; choose one with --org ({})",
                    many.len(),
                    many.join(", ")
                ),
            },
        };
        Ok(store.ledger(&id)?)
    }

    pub fn context(&self) -> Result<Context> {
        context(&self.global)
    }

    pub(crate) fn write(&mut self, date: &str, action: Action) -> Result<()> {
        let date = parse_date("--date", date)?;
        let store = self.open_store(false)?;
        let ledger = self.open_ledger(&store)?;
        let outcome = ledger.execute(&self.context()?, &Command { date, action })?;
        self.print_outcome(&outcome)
    }

    pub fn print_outcome(&mut self, outcome: &Outcome) -> Result<()> {
        let lang = self.global.lang;
        let last = outcome.first_seq + u64::from(outcome.len) - 1;
        if self.global.format == Format::Json {
            return json(
                &mut self.out,
                &json!({"first_seq": outcome.first_seq, "len": outcome.len, "head_seq": outcome.head.last_seq(),
                        "head_hash": hex(&outcome.head.hash), "repeated": outcome.repeated}),
            );
        }
        let repeated = if outcome.repeated {
            t(
                lang,
                "（重复命令，未新增记录）",
                " (repeated command: nothing new appended)",
            )
        } else {
            ""
        };
        writeln!(
            self.out,
            "{} #{}..#{} ({} {}){repeated}, {} {}",
            t(lang, "已记录", "recorded"),
            outcome.first_seq,
            last,
            outcome.len,
            t(lang, "条", "records"),
            t(lang, "链头", "head"),
            hex(&outcome.head.hash)
        )?;
        Ok(())
    }

    fn init(&mut self, charter_path: &std::path::Path, date: Option<&str>) -> Result<()> {
        let text = std::fs::read_to_string(charter_path)
            .with_context(|| format!("cannot read charter {}", charter_path.display()))?;
        let charter = Charter::from_toml(&text)?;
        let date = match date {
            Some(d) => parse_date("--date", d)?,
            None => now()?.date_naive(),
        };
        let store = self.open_store(true)?;
        let ledger = store.ledger(charter.code.as_str())?;
        if ledger.head()?.seq_next > 0 {
            bail!(
                "collective {} is already in the store {}",
                charter.code,
                self.global.db.display()
            );
        }
        let outcome = ledger.execute(
            &self.context()?,
            &Command {
                date,
                action: Action::RegisterCollective {
                    charter: charter.clone(),
                },
            },
        )?;
        if self.global.format != Format::Json {
            writeln!(
                self.out,
                "{} {} ({})",
                t(self.global.lang, "已建立", "registered"),
                charter.name,
                charter.code
            )?;
        }
        self.print_outcome(&outcome)
    }

    fn charter_show(&mut self) -> Result<()> {
        let store = self.open_store(false)?;
        let ledger = self.open_ledger(&store)?;
        let state = ledger.load_state(Some(vec![Key::Collective]))?;
        let collective = state
            .collective()
            .ok_or_else(|| anyhow!("the collective is not registered"))?;
        let c = &collective.charter;
        let lang = self.global.lang;
        if self.global.format == Format::Json {
            let classes: Vec<_> =
                c.classes.iter().map(|k| json!({"code": k.code, "name": k.name, "coefficient": k.coefficient.to_string()})).collect();
            return json(
                &mut self.out,
                &json!({"name": c.name, "code": c.code.as_str(), "province": c.province, "baseline_date": c.baseline_date.to_string(),
                 "management": format!("{:?}", c.management).to_lowercase(), "holding_cap_percent": c.holding_cap_percent.to_string(),
                 "inheritance_counts_toward_cap": c.inheritance_counts_toward_cap,
                 "reserve_rate_percent": c.reserve_rate_percent.to_string(), "reserve_floor_percent": c.reserve_floor_percent.to_string(),
                 "welfare_rate_percent": c.welfare_rate_percent.to_string(), "welfare_floor_percent": c.welfare_floor_percent.to_string(),
                 "notice_days": c.notice_days, "approval_body": format!("{:?}", c.approval_body).to_lowercase(),
                 "rounding": c.rounding.as_str(), "collective_share": c.collective_share, "classes": classes,
                 "registered_on": collective.registered_on.to_string(), "member_count": collective.member_count}),
            );
        }
        let rows = [
            (t(lang, "名称", "name"), c.name.clone()),
            (t(lang, "统一社会信用代码", "code"), c.code.to_string()),
            (t(lang, "省份", "province"), c.province.clone()),
            (
                t(lang, "股权量化基准日", "baseline date"),
                c.baseline_date.to_string(),
            ),
            (
                t(lang, "管理方式", "management"),
                format!("{:?}", c.management).to_lowercase(),
            ),
            (
                t(lang, "持股上限(%)", "holding cap (%)"),
                c.holding_cap_percent.to_string(),
            ),
            (
                t(lang, "继承计入上限", "inheritance counts toward cap"),
                c.inheritance_counts_toward_cap.to_string(),
            ),
            (
                t(lang, "公积金比例/下限(%)", "reserve rate/floor (%)"),
                format!("{}/{}", c.reserve_rate_percent, c.reserve_floor_percent),
            ),
            (
                t(lang, "公益金比例/下限(%)", "welfare rate/floor (%)"),
                format!("{}/{}", c.welfare_rate_percent, c.welfare_floor_percent),
            ),
            (
                t(lang, "公示天数", "notice days"),
                c.notice_days.to_string(),
            ),
            (
                t(lang, "表决机构", "approval body"),
                format!("{:?}", c.approval_body).to_lowercase(),
            ),
            (
                t(lang, "尾差规则", "rounding"),
                c.rounding.as_str().to_string(),
            ),
            (
                t(lang, "集体股", "collective share"),
                c.collective_share.to_string(),
            ),
            (
                t(lang, "现有成员", "current members"),
                collective.member_count.to_string(),
            ),
        ];
        for (label, value) in rows {
            writeln!(self.out, "{label}: {value}")?;
        }
        writeln!(self.out, "{}:", t(lang, "股份类别", "share classes"))?;
        for k in &c.classes {
            writeln!(self.out, "  {} {} × {}", k.code, k.name, k.coefficient)?;
        }
        Ok(())
    }

    fn member(&mut self, command: MemberCmd) -> Result<()> {
        match command {
            MemberCmd::Exit {
                id,
                resolution,
                redeem: _,
                price,
                date,
            } => {
                let redeem = price
                    .map(|p| Fen::parse_yuan(&p).map_err(|e| anyhow!("--price: {e}")))
                    .transpose()?;
                self.write(
                    &date,
                    Action::ExitMember {
                        person: person_id(&id)?,
                        resolution,
                        redeem,
                    },
                )
            }
            MemberCmd::Confirm {
                id,
                name,
                household,
                resolution,
                date,
            } => self.write(
                &date,
                Action::ConfirmMembership {
                    person: person_id(&id)?,
                    name,
                    household,
                    resolution,
                },
            ),
            MemberCmd::Import {
                roster,
                resolution,
                date,
            } => self.import(&roster, resolution, &date),
            MemberCmd::Lose {
                id,
                reason,
                date,
                note,
            } => self.write(
                &date,
                Action::LoseMembership {
                    person: person_id(&id)?,
                    ground: reason,
                    note,
                },
            ),
            MemberCmd::LifeEvent {
                id,
                kind,
                date,
                note,
            } => {
                let names: Vec<&str> = LifeEvent::ALL.iter().map(|e| e.as_str()).collect();
                let kind = LifeEvent::parse(&kind)
                    .ok_or_else(|| anyhow!("--kind {kind:?} is not one of {}", names.join(", ")))?;
                self.write(
                    &date,
                    Action::RecordLifeEvent {
                        person: person_id(&id)?,
                        kind,
                        note,
                    },
                )
            }
            MemberCmd::Show { id, reveal } => self.member_show(&id, reveal),
            MemberCmd::List { as_of } => self.member_list(as_of.as_deref()),
        }
    }

    fn import(&mut self, path: &std::path::Path, resolution: String, date: &str) -> Result<()> {
        let date = parse_date("--date", date)?;
        let (rows, lines) = crate::roster::read(path)?;
        let store = self.open_store(false)?;
        let ledger = self.open_ledger(&store)?;
        let command = Command {
            date,
            action: Action::ImportRoster { rows, resolution },
        };
        self.execute_rows(&ledger, &command, path, &lines)
    }

    /// Executes a command built from a file's rows; refused rows are listed by line number.
    pub(crate) fn execute_rows(
        &mut self,
        ledger: &Ledger,
        command: &Command,
        path: &std::path::Path,
        lines: &[u64],
    ) -> Result<()> {
        match ledger.execute(&self.context()?, command) {
            Ok(outcome) => self.print_outcome(&outcome),
            Err(LedgerError::Rejected(RuleViolation::Rows(violations))) => {
                let listed: Vec<String> = violations
                    .iter()
                    .map(|v| {
                        format!(
                            "line {}: {}: {}",
                            lines.get(v.row).copied().unwrap_or(0),
                            v.rule,
                            v.message
                        )
                    })
                    .collect();
                bail!(
                    "{} row(s) of {} refused; nothing was written\n  {}",
                    violations.len(),
                    path.display(),
                    listed.join("\n  ")
                )
            }
            Err(e) => Err(e.into()),
        }
    }

    /// The state now (from projections) or on a past date (from the log).
    pub fn state(&self, ledger: &Ledger, as_of: Option<&str>) -> Result<(State, NaiveDate)> {
        match as_of {
            Some(text) => {
                let date = parse_date("--as-of", text)?;
                Ok((ledger.replay_state(Some(date))?, date))
            }
            None => Ok((ledger.load_state(None)?, now()?.date_naive())),
        }
    }

    fn member_show(&mut self, id: &str, reveal: bool) -> Result<()> {
        let person = person_id(id)?;
        let store = self.open_store(false)?;
        let ledger = self.open_ledger(&store)?;
        let state = ledger.load_state(Some(vec![Key::Collective, Key::Person(person.clone())]))?;
        let charter = &state
            .collective()
            .ok_or_else(|| anyhow!("the collective is not registered"))?
            .charter;
        let found = state
            .person(&person)
            .ok_or_else(|| anyhow!("no person with ID {} in this collective", person.masked()))?;
        let lang = self.global.lang;
        let (status, since) = match &found.membership {
            Membership::None => ("none", None),
            Membership::Member { since, .. } => ("member", Some(*since)),
            Membership::Lost { ended, .. } => ("lost", Some(*ended)),
        };
        if self.global.format == Format::Json {
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
            return json(&mut self.out, &value);
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
        writeln!(self.out, "{}: {}", t(lang, "姓名", "name"), found.name)?;
        writeln!(self.out, "{}: {shown_id}", t(lang, "身份证号", "ID"))?;
        writeln!(
            self.out,
            "{}: {}",
            t(lang, "户号", "household"),
            found.household.as_deref().unwrap_or("-")
        )?;
        writeln!(
            self.out,
            "{}: {status_text}",
            t(lang, "成员身份", "membership")
        )?;
        let hukou = match &found.hukou {
            Some(h) => format!("{:?} {} ({})", h.kind, h.locality, h.since).to_lowercase(),
            None => "-".into(),
        };
        writeln!(
            self.out,
            "{}: {hukou}",
            t(
                lang,
                "户籍（仅记录，不影响权益）",
                "hukou (recorded only; changes no right)"
            )
        )?;
        for (class, units) in &found.holdings {
            writeln!(
                self.out,
                "{} {class}: {}",
                t(lang, "股份", "shares"),
                Units(*units)
            )?;
        }
        writeln!(
            self.out,
            "{}: {}",
            t(lang, "折算股", "weighted shares"),
            Units(found.weighted_units(charter))
        )?;
        for pledge in &found.pledges {
            writeln!(
                self.out,
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
                self.out,
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

    fn member_list(&mut self, as_of: Option<&str>) -> Result<()> {
        let store = self.open_store(false)?;
        let ledger = self.open_ledger(&store)?;
        let (state, date) = self.state(&ledger, as_of)?;
        let mut members: Vec<_> = state.persons().filter(|p| p.is_member()).collect();
        members.sort_by(|a, b| (&a.household, &a.id).cmp(&(&b.household, &b.id)));
        let since = |m: &Membership| match m {
            Membership::Member { since, .. } => since.to_string(),
            _ => String::new(),
        };
        if self.global.format == Format::Json {
            let list: Vec<_> = members
                .iter()
                .map(|p| json!({"name": p.name, "id_masked": p.id.masked(), "household": p.household, "since": since(&p.membership)}))
                .collect();
            return json(
                &mut self.out,
                &json!({"as_of": date.to_string(), "count": members.len(), "members": list}),
            );
        }
        let lang = self.global.lang;
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
        if self.global.format == Format::Text {
            writeln!(
                self.out,
                "{} {date}: {} {}",
                t(lang, "成员名单 截至", "members as of"),
                members.len(),
                t(lang, "人", "persons")
            )?;
        }
        table.write(self.global.format, &mut self.out)
    }

    fn person(&mut self, command: PersonCmd) -> Result<()> {
        let PersonCmd::Add {
            id,
            name,
            doc,
            household,
            date,
        } = command;
        let person = match (id, doc) {
            (Some(id), None) => person_id(&id)?,
            (None, Some(doc)) if doc.contains(':') => {
                PersonId::parse(&doc).map_err(|e| anyhow!("--doc: {e}"))?
            }
            (None, Some(doc)) => {
                bail!("--doc {doc:?} must be TYPE:NUMBER, e.g. passport:E12345678")
            }
            _ => bail!("give exactly one of --id (citizen ID) or --doc TYPE:NUMBER"),
        };
        self.write(
            &date,
            Action::RegisterPerson {
                person,
                name,
                household,
            },
        )
    }

    fn household(&mut self, command: HouseholdCmd) -> Result<()> {
        match command {
            HouseholdCmd::Move { id, to, date } => self.write(
                &date,
                Action::MoveHousehold {
                    person: person_id(&id)?,
                    to,
                },
            ),
            HouseholdCmd::Head {
                household,
                id,
                date,
            } => self.write(
                &date,
                Action::NameHouseholdHead {
                    household,
                    person: person_id(&id)?,
                },
            ),
            HouseholdCmd::Certificate { household, as_of } => {
                self.certificate(&household, as_of.as_deref())
            }
        }
    }

    fn register(&mut self, as_of: Option<&str>) -> Result<()> {
        let store = self.open_store(false)?;
        let ledger = self.open_ledger(&store)?;
        let (state, date) = self.state(&ledger, as_of)?;
        let Some(collective) = state.collective() else {
            bail!("the collective is not registered on {date}")
        };
        let charter = collective.charter.clone();
        let register = report::register(&state);
        let lang = self.global.lang;
        if self.global.format == Format::Json {
            let holders: Vec<_> = register
                .holders
                .iter()
                .map(|h| {
                    json!({"name": h.name, "id_masked": h.id_masked, "household": h.household, "member": h.member,
                       "units": h.units, "units_total": h.units_total, "weighted_units": h.weighted_units,
                       "percent": percent_text(h.weighted_units, register.total_weighted_units), "pledged_units": h.pledged_units})
                })
                .collect();
            return json(
                &mut self.out,
                &json!({"collective": charter.name, "code": charter.code.as_str(), "as_of": date.to_string(),
                        "total_units": register.total_units, "total_weighted_units": register.total_weighted_units,
                        "units_by_class": register.units_by_class, "collective_units": register.collective_units,
                        "holders": holders}),
            );
        }
        let mut table = holdings_table(
            &charter,
            lang,
            &[
                t(lang, "户号", "household"),
                t(lang, "姓名", "name"),
                t(lang, "身份证号", "ID"),
                t(lang, "成员", "member"),
            ],
            &[t(lang, "占比%", "percent"), t(lang, "质押股", "pledged")],
        );
        for h in &register.holders {
            let mut row = vec![
                h.household.clone(),
                h.name.clone(),
                h.id_masked.clone(),
                yes_no(lang, h.member),
            ];
            row.extend(holding_cells(&charter, h));
            row.push(percent_text(
                h.weighted_units,
                register.total_weighted_units,
            ));
            row.push(Units(h.pledged_units).to_string());
            table.push(row);
        }
        let mut total = vec![
            t(lang, "合计", "total").to_string(),
            String::new(),
            String::new(),
            String::new(),
        ];
        total.extend(charter.classes.iter().map(|c| {
            Units(register.units_by_class.get(&c.code).copied().unwrap_or(0)).to_string()
        }));
        total.push(Units(register.total_units).to_string());
        total.push(Units(register.total_weighted_units).to_string());
        total.push(if register.holders.is_empty() {
            "0".into()
        } else {
            "100.00".into()
        });
        total.push(Units(register.holders.iter().map(|h| h.pledged_units).sum()).to_string());
        table.push(total);
        if self.global.format == Format::Text {
            writeln!(
                self.out,
                "{} {}（{}）",
                charter.name,
                t(lang, "股东名册", "shareholder register"),
                charter.code
            )?;
            writeln!(
                self.out,
                "{}: {date}    {}: {}",
                t(lang, "截至", "as of"),
                t(lang, "股东人数", "holders"),
                register.holders.len()
            )?;
            if !register.collective_units.is_empty() {
                let units: u64 = register.collective_units.values().sum();
                writeln!(
                    self.out,
                    "{}: {}",
                    t(
                        lang,
                        "集体股（不计入下表）",
                        "collective share (not in the table)"
                    ),
                    Units(units)
                )?;
            }
        }
        table.write(self.global.format, &mut self.out)
    }

    fn certificate(&mut self, household: &str, as_of: Option<&str>) -> Result<()> {
        let store = self.open_store(false)?;
        let ledger = self.open_ledger(&store)?;
        let (state, date) = match as_of {
            Some(_) => self.state(&ledger, as_of)?,
            None => (
                ledger.load_state(Some(vec![
                    Key::Collective,
                    Key::Household(household.to_string()),
                ]))?,
                now()?.date_naive(),
            ),
        };
        let state = if state.is_complete() {
            state
        } else {
            load_household_persons(&ledger, state, household)?
        };
        let Some(collective) = state.collective() else {
            bail!("the collective is not registered on {date}")
        };
        let charter = collective.charter.clone();
        let cert = report::certificate(&state, household)
            .ok_or_else(|| anyhow!("no household {household} on {date}"))?;
        let lang = self.global.lang;
        if self.global.format == Format::Json {
            let persons: Vec<_> = cert
                .persons
                .iter()
                .map(|p| json!({"name": p.name, "id_masked": p.id_masked, "member": p.member, "units": p.units,
                               "units_total": p.units_total, "weighted_units": p.weighted_units}))
                .collect();
            return json(
                &mut self.out,
                &json!({"collective": charter.name, "code": charter.code.as_str(), "household": cert.household, "head": cert.head,
                        "as_of": date.to_string(), "total_units": cert.total_units, "total_weighted_units": cert.total_weighted_units,
                        "persons": persons}),
            );
        }
        let mut table = holdings_table(
            &charter,
            lang,
            &[
                t(lang, "姓名", "name"),
                t(lang, "身份证号", "ID"),
                t(lang, "成员", "member"),
            ],
            &[],
        );
        for p in &cert.persons {
            let mut row = vec![p.name.clone(), p.id_masked.clone(), yes_no(lang, p.member)];
            row.extend(holding_cells(&charter, p));
            table.push(row);
        }
        if self.global.format == Format::Text {
            writeln!(
                self.out,
                "{}  {}",
                charter.name,
                t(lang, "股权证", "household share certificate")
            )?;
            writeln!(
                self.out,
                "{}: {}    {}: {}    {}: {date}",
                t(lang, "户号", "household"),
                cert.household,
                t(lang, "户主", "head"),
                cert.head.as_deref().unwrap_or("-"),
                t(lang, "截至", "as of")
            )?;
        }
        table.write(self.global.format, &mut self.out)?;
        if self.global.format == Format::Text {
            writeln!(
                self.out,
                "{}: {}    {}: {}",
                t(lang, "本户合计股", "household total"),
                Units(cert.total_units),
                t(lang, "折算股", "weighted"),
                Units(cert.total_weighted_units)
            )?;
        }
        Ok(())
    }

    fn history(&mut self, id: &str, reveal: bool) -> Result<()> {
        let person = person_id(id)?;
        let store = self.open_store(false)?;
        let ledger = self.open_ledger(&store)?;
        let records = ledger.stream(&person_stream(&person))?;
        if records.is_empty() {
            bail!("no records concern ID {}", person.masked());
        }
        let lang = self.global.lang;
        if self.global.format == Format::Json {
            let list: Vec<_> = records
                .iter()
                .map(|r| {
                    let event = r.record.event();
                    json!({"seq": r.record.seq, "type": r.record.event_type, "hash": hex(&r.hash),
                       "effective_date": r.record.effective_date().to_string(),
                       "summary": event.map(|e| describe(&e, lang)).unwrap_or_default()})
                })
                .collect();
            let shown = if reveal {
                json!(person.to_string())
            } else {
                json!(null)
            };
            return json(
                &mut self.out,
                &json!({"id_masked": person.masked(), "id": shown, "records": list}),
            );
        }
        let mut table = Table::new(
            vec![
                "seq",
                t(lang, "日期", "date"),
                t(lang, "事件", "event"),
                t(lang, "摘要", "summary"),
                "hash",
            ],
            vec![true, false, false, false, false],
        );
        for r in &records {
            let summary = r
                .record
                .event()
                .map(|e| describe(&e, lang))
                .unwrap_or_else(|e| e.to_string());
            table.push(vec![
                r.record.seq.to_string(),
                r.record.effective_date().to_string(),
                r.record.event_type.clone(),
                summary,
                hex_short(&r.hash),
            ]);
        }
        let shown = if reveal {
            person.to_string()
        } else {
            person.masked()
        };
        if self.global.format == Format::Text {
            writeln!(
                self.out,
                "{} {shown}: {} {}",
                t(lang, "记录 关于", "records concerning"),
                records.len(),
                t(lang, "条", "records")
            )?;
        }
        table.write(self.global.format, &mut self.out)
    }

    fn log(&mut self, from: u64, limit: u64) -> Result<()> {
        let store = self.open_store(false)?;
        let ledger = self.open_ledger(&store)?;
        let records = ledger.records(from, limit)?;
        let rows: Vec<_> = records
            .iter()
            .map(|r| {
                let recorded = chrono::DateTime::from_timestamp_micros(r.record.recorded_at_micros)
                    .map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
                    .unwrap_or_default();
                (r, recorded)
            })
            .collect();
        if self.global.format == Format::Json {
            let list: Vec<_> = rows
                .iter()
                .map(|(r, recorded)| {
                    json!({"seq": r.record.seq, "type": r.record.event_type, "hash": hex(&r.hash), "prev": hex(&r.record.prev),
                       "stream": r.record.stream, "effective_date": r.record.effective_date().to_string(), "recorded_at": recorded,
                       "actor": r.record.actor, "command_id": uuid::Uuid::from_bytes(r.record.batch.command_id).to_string()})
                })
                .collect();
            return json(&mut self.out, &serde_json::Value::Array(list));
        }
        let mut table = Table::new(
            vec![
                "seq",
                "type",
                "stream",
                "effective_date",
                "recorded_at",
                "hash",
            ],
            vec![true, false, false, false, false, false],
        );
        for (r, recorded) in rows {
            let stream = match r.record.stream.strip_prefix("person/") {
                Some(id) => format!(
                    "person/{}",
                    PersonId::parse(id)
                        .map(|p| p.masked())
                        .unwrap_or_else(|_| gufen_core::ids::mask(id))
                ),
                None => r.record.stream.clone(),
            };
            table.push(vec![
                r.record.seq.to_string(),
                r.record.event_type.clone(),
                stream,
                r.record.effective_date().to_string(),
                recorded,
                hex(&r.hash),
            ]);
        }
        table.write(self.global.format, &mut self.out)
    }

    fn verify(&mut self, replay: bool) -> Result<()> {
        let store = self.open_store(false)?;
        let ledger = self.open_ledger(&store)?;
        let report = ledger.verify(replay)?;
        let lang = self.global.lang;
        if self.global.format == Format::Json {
            json(
                &mut self.out,
                &json!({"ok": report.ok, "records": report.records, "head_seq": report.head.last_seq(), "head_hash": hex(&report.head.hash),
                        "merkle_root": hex(&report.merkle_root), "first_bad_seq": report.first_bad_seq, "problem": report.problem,
                        "replayed": report.replayed}),
            )?;
        } else if report.ok {
            writeln!(
                self.out,
                "{} {}",
                t(lang, "校验通过", "verified"),
                ledger.id()
            )?;
            writeln!(
                self.out,
                "{}: {}",
                t(lang, "记录数", "records"),
                report.records
            )?;
            writeln!(
                self.out,
                "{}: {}",
                t(lang, "链头哈希", "head hash"),
                hex(&report.head.hash)
            )?;
            writeln!(self.out, "merkle root: {}", hex(&report.merkle_root))?;
            if replay {
                writeln!(
                    self.out,
                    "{}",
                    t(
                        lang,
                        "重放：投影与日志重建结果一致",
                        "replay: projections equal the state rebuilt from the log"
                    )
                )?;
            }
        }
        if !report.ok {
            let at = report
                .first_bad_seq
                .map_or_else(|| "-".to_string(), |s| s.to_string());
            return Err(IntegrityFailure(format!(
                "verify failed at record {at}: {}",
                report.problem.unwrap_or_default()
            ))
            .into());
        }
        Ok(())
    }
}

fn list_or_none(ids: &[String]) -> String {
    if ids.is_empty() {
        "none".into()
    } else {
        ids.join(", ")
    }
}

pub(crate) fn yes_no(lang: Lang, value: bool) -> String {
    if value {
        t(lang, "是", "yes")
    } else {
        t(lang, "否", "no")
    }
    .to_string()
}

/// A table of holdings: the leading columns, one column per share class (its Chinese name, or
/// its code in English), total and weighted units, then the trailing columns (right-aligned).
fn holdings_table(charter: &Charter, lang: Lang, leading: &[&str], trailing: &[&str]) -> Table {
    let class_names: Vec<&str> = charter
        .classes
        .iter()
        .map(|c| {
            if lang == Lang::Zh {
                c.name.as_str()
            } else {
                c.code.as_str()
            }
        })
        .collect();
    let mut headers = leading.to_vec();
    headers.extend(class_names);
    headers.extend([t(lang, "合计股", "total"), t(lang, "折算股", "weighted")]);
    headers.extend(trailing);
    let mut right = vec![false; leading.len()];
    right.resize(headers.len(), true);
    Table::new(headers, right)
}

/// The cells `holdings_table` expects for one line: units per class, total, weighted.
fn holding_cells(charter: &Charter, line: &report::RegisterLine) -> Vec<String> {
    let mut cells: Vec<String> = charter
        .classes
        .iter()
        .map(|c| Units(line.units.get(&c.code).copied().unwrap_or(0)).to_string())
        .collect();
    cells.push(Units(line.units_total).to_string());
    cells.push(Units(line.weighted_units).to_string());
    cells
}

/// Loads the persons of a household into a partial state that holds the household.
fn load_household_persons(ledger: &Ledger, state: State, household: &str) -> Result<State> {
    let Some(found) = state.household(household) else {
        return Ok(state);
    };
    let mut keys = vec![Key::Collective, Key::Household(household.to_string())];
    keys.extend(found.persons.iter().map(|p| Key::Person(p.clone())));
    Ok(ledger.load_state(Some(keys))?)
}

/// A one-line description of an event for history, in the document's language.
pub fn describe(event: &Event, lang: Lang) -> String {
    use Event::*;
    let zh = lang == Lang::Zh;
    match event {
        CollectiveRegistered(e) => format!(
            "{} {}",
            if zh {
                "登记集体经济组织"
            } else {
                "collective registered:"
            },
            e.charter.name
        ),
        PersonRegistered(e) => format!(
            "{} {}",
            if zh {
                "登记人员"
            } else {
                "person registered:"
            },
            e.name
        ),
        MembershipConfirmed(e) => {
            if zh {
                format!(
                    "确认成员身份 {}，户号 {}，决议 {}",
                    e.name, e.household, e.resolution
                )
            } else {
                format!(
                    "membership confirmed: {}, household {}, resolution {}",
                    e.name, e.household, e.resolution
                )
            }
        }
        MembershipLost(e) => format!(
            "{} {:?}",
            if zh {
                "成员身份丧失："
            } else {
                "membership lost:"
            },
            e.ground
        ),
        HouseholdMoved(e) => format!(
            "{} {}",
            if zh {
                "迁入户"
            } else {
                "moved to household"
            },
            e.to
        ),
        HouseholdHeadNamed(e) => format!(
            "{} {}",
            if zh {
                "任户主"
            } else {
                "named head of household"
            },
            e.household
        ),
        HukouRecorded(e) => format!(
            "{} {:?} {}{}",
            if zh {
                "户籍登记"
            } else {
                "hukou recorded:"
            },
            e.kind,
            e.locality,
            if zh {
                "（不影响权益）"
            } else {
                " (changes no right)"
            }
        )
        .replace("Urban", if zh { "城镇" } else { "urban" })
        .replace("Rural", if zh { "农村" } else { "rural" }),
        LifeEventRecorded(e) => format!(
            "{} {}",
            if zh {
                "生活事件（不影响成员身份）"
            } else {
                "life event (changes no right):"
            },
            e.kind.as_str()
        ),
        SharesAllotted(e) => {
            if zh {
                format!(
                    "配股 {} {} 股，决议 {}",
                    e.class,
                    Units(e.units),
                    e.resolution
                )
            } else {
                format!(
                    "allotted {} {} shares, resolution {}",
                    e.class,
                    Units(e.units),
                    e.resolution
                )
            }
        }
        CollectiveSharesAllotted(e) => {
            if zh {
                format!(
                    "集体股配股 {} {} 股，决议 {}",
                    e.class,
                    Units(e.units),
                    e.resolution
                )
            } else {
                format!(
                    "collective share allotted {} {} shares, resolution {}",
                    e.class,
                    Units(e.units),
                    e.resolution
                )
            }
        }
        DistributionDrafted(e) => {
            if zh {
                format!(
                    "{} 年度分配方案草案：可分配 {} 元，{} 户/人，股权登记日 {}",
                    e.year,
                    Fen(e.distributable_fen),
                    e.lines.len(),
                    e.record_date
                )
            } else {
                format!(
                    "{} distribution drafted: {} yuan distributable, {} holders, record date {}",
                    e.year,
                    Fen(e.distributable_fen),
                    e.lines.len(),
                    e.record_date
                )
            }
        }
        DistributionNoticed(e) => {
            if zh {
                format!("{} 年度分配方案公示", e.year)
            } else {
                format!("{} distribution put up for public notice", e.year)
            }
        }
        DistributionApproved(e) => {
            if zh {
                format!(
                    "{} 年度分配方案表决通过：{} / {} 赞成，决议 {}",
                    e.year, e.votes_for, e.eligible, e.resolution
                )
            } else {
                format!(
                    "{} distribution approved: {} of {} for, resolution {}",
                    e.year, e.votes_for, e.eligible, e.resolution
                )
            }
        }
        DividendDeclared(e) => {
            let estate = match (e.estate, zh) {
                (false, _) => "",
                (true, true) => "（归遗产）",
                (true, false) => " (to the estate)",
            };
            if zh {
                format!("{} 年度分红 {} 元{estate}", e.year, Fen(e.amount_fen))
            } else {
                format!(
                    "{} dividend declared: {} yuan{estate}",
                    e.year,
                    Fen(e.amount_fen)
                )
            }
        }
        DistributionPosted(e) => {
            if zh {
                format!(
                    "{} 年度分配入账：{} 行，合计 {} 元",
                    e.year,
                    e.lines,
                    Fen(e.declared_fen)
                )
            } else {
                format!(
                    "{} distribution posted: {} lines, {} yuan declared",
                    e.year,
                    e.lines,
                    Fen(e.declared_fen)
                )
            }
        }
        SharesPledged(e) => {
            if zh {
                format!(
                    "质押 {} 股给 {}，合同 {}",
                    Units(e.units),
                    e.pledgee,
                    e.contract
                )
            } else {
                format!(
                    "pledged {} shares to {}, contract {}",
                    Units(e.units),
                    e.pledgee,
                    e.contract
                )
            }
        }
        SharesPledgedInClass(e) => {
            let p = &e.pledge;
            if zh {
                format!(
                    "质押 {} {} 股给 {}，合同 {}",
                    e.class,
                    Units(p.units),
                    p.pledgee,
                    p.contract
                )
            } else {
                format!(
                    "pledged {} {} shares to {}, contract {}",
                    e.class,
                    Units(p.units),
                    p.pledgee,
                    p.contract
                )
            }
        }
        PledgeReleased(e) => {
            if zh {
                format!("解除质押，合同 {}", e.contract)
            } else {
                format!("pledge released, contract {}", e.contract)
            }
        }
        SharesTransferred(e) => {
            let kind = match (e.gift, zh) {
                (true, true) => "赠与",
                (false, true) => "转让",
                (true, false) => "gift",
                (false, false) => "transfer",
            };
            if zh {
                format!(
                    "{kind} {} {} 股：{} → {}，价款 {} 元",
                    e.class,
                    Units(e.units),
                    e.from.masked(),
                    e.to.masked(),
                    Fen(e.price_fen)
                )
            } else {
                format!(
                    "{kind} of {} {} shares: {} → {}, price {} yuan",
                    e.class,
                    Units(e.units),
                    e.from.masked(),
                    e.to.masked(),
                    Fen(e.price_fen)
                )
            }
        }
        DeathRecorded(_) => t(
            lang,
            "死亡登记：股份转为遗产，待继承",
            "death recorded: the holding is an estate until settled",
        )
        .to_string(),
        EstateSettled(e) => {
            let heirs: Vec<String> = e
                .fractions
                .iter()
                .map(|(heir, num, den)| {
                    let units: u64 = e
                        .shares
                        .iter()
                        .filter(|s| &s.heir == heir)
                        .map(|s| s.units)
                        .sum();
                    format!("{} {num}/{den} = {}", heir.masked(), Units(units))
                })
                .collect();
            format!(
                "{} {}: {}",
                t(lang, "遗产继承", "estate settled"),
                e.deceased.masked(),
                heirs.join(", ")
            )
        }
        SharesRedeemed(e) => {
            let fate = match (e.to_collective, zh) {
                (true, true) => "转为集体股",
                (false, true) => "注销",
                (true, false) => "to the collective share",
                (false, false) => "cancelled",
            };
            if zh {
                format!(
                    "集体赎回 {} {} 股（{fate}），价款 {} 元，决议 {}",
                    e.class,
                    Units(e.units),
                    Fen(e.price_fen),
                    e.resolution
                )
            } else {
                format!(
                    "redeemed by the collective: {} {} shares ({fate}), price {} yuan, resolution {}",
                    e.class,
                    Units(e.units),
                    Fen(e.price_fen),
                    e.resolution
                )
            }
        }
        RecordCorrected(e) => {
            let what = match (&e.reversal, zh) {
                (Reversal::Allotment(a), true) => {
                    format!("撤销配股 {} {} 股", a.class, Units(a.units))
                }
                (Reversal::Allotment(a), false) => {
                    format!("allotment of {} {} shares undone", a.class, Units(a.units))
                }
                (Reversal::Transfer(t), true) => format!("撤销转让 {} 股", Units(t.units)),
                (Reversal::Transfer(t), false) => {
                    format!("transfer of {} shares undone", Units(t.units))
                }
                (Reversal::Pledge(p), true) => format!("撤销质押登记，合同 {}", p.contract),
                (Reversal::Pledge(p), false) => format!("pledge {} undone", p.contract),
                (Reversal::MembershipLoss(_) | Reversal::Exit(_), true) => {
                    "恢复成员身份".to_string()
                }
                (Reversal::MembershipLoss(_) | Reversal::Exit(_), false) => {
                    "membership restored".to_string()
                }
                (Reversal::Redemption(r), true) => format!("撤销赎回 {} 股", Units(r.units)),
                (Reversal::Redemption(r), false) => {
                    format!("redemption of {} shares undone", Units(r.units))
                }
                (Reversal::LifeEvent(l), true) => format!("撤销误记的生活事件 {}", l.kind.as_str()),
                (Reversal::LifeEvent(l), false) => {
                    format!("mistaken life event {} withdrawn", l.kind.as_str())
                }
                (Reversal::Death(_), true) => "撤销死亡登记，恢复原状".to_string(),
                (Reversal::Death(_), false) => "death record withdrawn".to_string(),
                (Reversal::Estate(_), true) => "撤销遗产分割，股份回到遗产".to_string(),
                (Reversal::Estate(_), false) => {
                    "estate settlement undone: the units are the estate's again".to_string()
                }
                (Reversal::Confirmation(_), true) => "撤销成员资格确认".to_string(),
                (Reversal::Confirmation(_), false) => "membership confirmation undone".to_string(),
                (Reversal::HouseholdMove(m), true) => {
                    format!("撤销迁户，回到 {}", m.from.as_deref().unwrap_or("（无户）"))
                }
                (Reversal::HouseholdMove(m), false) => format!(
                    "household move undone, back to {}",
                    m.from.as_deref().unwrap_or("(no household)")
                ),
                (Reversal::HouseholdHead(h), true) => {
                    format!("撤销户主登记（户 {}）", h.named.household)
                }
                (Reversal::HouseholdHead(h), false) => {
                    format!("head of household {} undone", h.named.household)
                }
                (Reversal::Hukou(_), true) => "撤销户籍登记（户籍不影响权益）".to_string(),
                (Reversal::Hukou(_), false) => {
                    "hukou record undone (hukou changes no right)".to_string()
                }
                (Reversal::CollectiveAllotment(a), true) => {
                    format!("撤销集体股配置 {} {} 股", a.class, Units(a.units))
                }
                (Reversal::CollectiveAllotment(a), false) => format!(
                    "collective share allotment of {} {} shares undone",
                    a.class,
                    Units(a.units)
                ),
                (Reversal::Draft(d), true) => format!("撤回 {} 年度分配方案草案", d.year),
                (Reversal::Draft(d), false) => format!("draft plan for {} withdrawn", d.year),
                (Reversal::Notice(n), true) => format!("撤销 {} 年度方案公示", n.year),
                (Reversal::Notice(n), false) => format!("notice of the {} plan undone", n.year),
                (Reversal::Approval(a), true) => format!("撤销 {} 年度方案表决", a.year),
                (Reversal::Approval(a), false) => {
                    format!("approval of the {} plan undone", a.year)
                }
                (Reversal::Posting(p), true) => {
                    format!("撤销 {} 年度分红入账（{} 户）", p.year, p.lines)
                }
                (Reversal::Posting(p), false) => {
                    format!("posting of {} undone ({} dividends)", p.year, p.lines)
                }
                (Reversal::Payment(p), true) => {
                    format!("撤销 {} 年度分红支付 {}", p.year, p.reference)
                }
                (Reversal::Payment(p), false) => {
                    format!("payment {} of the {} dividend undone", p.reference, p.year)
                }
                (Reversal::Registration(_), true) => "撤销人员登记".to_string(),
                (Reversal::Registration(_), false) => "registration withdrawn".to_string(),
                (Reversal::Release(r), true) => {
                    format!("撤销质押解除，合同 {} 恢复", r.released.contract)
                }
                (Reversal::Release(r), false) => {
                    format!("release undone: pledge {} open again", r.released.contract)
                }
            };
            if zh {
                format!("更正第 {} 号记录：{what}；理由：{}", e.seq, e.reason)
            } else {
                format!(
                    "correction of record {}: {what}; reason: {}",
                    e.seq, e.reason
                )
            }
        }
        MembershipExited(e) => {
            if zh {
                format!("自愿退出，决议 {}", e.resolution)
            } else {
                format!("voluntary exit, resolution {}", e.resolution)
            }
        }
        DividendPaid(e) => {
            if zh {
                format!(
                    "{} 年度分红已支付 {} 元，凭证 {}",
                    e.year,
                    Fen(e.amount_fen),
                    e.reference
                )
            } else {
                format!(
                    "{} dividend paid: {} yuan, reference {}",
                    e.year,
                    Fen(e.amount_fen),
                    e.reference
                )
            }
        }
    }
}
