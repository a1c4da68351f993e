//! `gufen demo` and `gufen sample roster`. The demo runs a synthetic village end to end in a
//! fresh store: charter, roster with shares, household heads, labour-years shares, members who
//! move their hukou to town or marry out (and keep everything), a refused attempt to strip one of
//! membership, a death; then a yearly distribution for each of `--years` years (draft, notice,
//! approval, posting, payments, some left owed; the deceased member's dividend goes to the
//! estate, which is then settled between a member and a non-member heir); then the register's
//! totals and a full verify.

use crate::app::App;
use crate::cli::{Format, Lang};
use crate::document::records::Verification;
use crate::labels::t;
use crate::render::render;
use anyhow::{bail, Result};
use chrono::NaiveDate;
use clap::{Args, Subcommand};
use gufen_core::charter::ApprovalBody;
use gufen_core::command::Action;
use gufen_core::distribution::DraftInput;
use gufen_core::error::Rule;
use gufen_core::event::{HukouKind, LifeEvent};
use gufen_core::state::Key;
use gufen_core::{report, Charter, Command, Fen, PersonId, RosterRow, Units};
use gufen_ledger::{LedgerError, Store};
use std::io::Write;

/// The seed of the demo's synthetic roster (`gufen sample roster --seed`).
pub const ROSTER_SEED: u64 = 2017;

const CHARTER: &str = include_str!("../../../../fixtures/charter.toml");

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a valid demo date")
}

#[derive(Args, Debug)]
pub struct DemoArgs {
    #[arg(long, default_value_t = 300)]
    members: usize,
    #[arg(long, default_value_t = 3)]
    years: u32,
    #[arg(long, default_value_t = 1)]
    villages: usize,
}

#[derive(Subcommand, Debug)]
pub enum SampleCommand {
    /// Print a synthetic roster CSV (valid IDs, Chinese names) to stdout.
    Roster {
        #[arg(long, default_value_t = 500)]
        persons: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

/// `gufen sample roster`: a synthetic roster for tests and benchmarks.
pub fn sample(app: &mut App, command: SampleCommand) -> Result<()> {
    let SampleCommand::Roster { persons, seed } = command;
    app.refuse_format_unless(
        "sample roster",
        ("CSV 成员名册", "a roster in CSV"),
        &[Format::Text, Format::Csv],
    )?;
    let mut text = crate::synth::roster_csv(&crate::synth::roster(persons, seed));
    if app.global.format == Format::Csv {
        // As every CSV gufen prints: with the byte order mark Excel needs (`member import`
        // reads it).
        text.insert(0, '\u{FEFF}');
    }
    app.print_text(&text)
}

pub fn run(app: &mut App, args: DemoArgs) -> Result<()> {
    let DemoArgs {
        members,
        years,
        villages,
    } = args;
    app.refuse_format_unless(
        "demo",
        ("一段逐步演示的文字", "a narrative as it runs"),
        &[Format::Text],
    )?;
    if let Some(path) = &app.global.output {
        bail!(t(
            app.global.lang,
            format!("-o {}：`gufen demo` 边运行边讲解，不写文件；请用重定向", path.display()),
            format!("-o {}: `gufen demo` narrates as it runs and writes no file; redirect its output instead", path.display()),
        ));
    }
    if !(10..=200_000).contains(&members) {
        bail!("--members must be between 10 and 200000");
    }
    if !(1..=crate::commands::township_demo::VILLAGES_MAX).contains(&villages) {
        bail!(
            "--villages must be between 1 and {}",
            crate::commands::township_demo::VILLAGES_MAX
        );
    }
    // Every record of the demo is dated on or before today (R17): its last year's payments
    // (and the first year's estate) must be.
    let today = crate::app::today()?;
    let charter = village_charter(members, None)?;
    if last_record_date(&charter, years.max(1)).is_none_or(|last| last > today) {
        let most = (1..=YEARS_MAX)
            .take_while(|years| last_record_date(&charter, *years).is_some_and(|l| l <= today))
            .last()
            .unwrap_or(0);
        match last_record_date(&charter, years.max(1)) {
            Some(last) => bail!(
                "--years {years} is too many today: the demo's last record would be dated {last}, after today ({today}); at most {most}"
            ),
            None => bail!("--years must be between 1 and {most}"),
        }
    }
    let lang = app.global.lang;
    let dir = if app.db_given {
        app.global.db.clone()
    } else {
        std::env::temp_dir().join(format!(
            "gufen-demo-{}-{}",
            std::process::id(),
            crate::app::now()?.timestamp_millis()
        ))
    };
    if dir.join("conf").exists() {
        bail!("{} already holds a store; the demo needs a fresh one (omit --db to use a new temporary directory)", dir.display());
    }
    let store = Store::open(&dir, true)?;
    let mut global = app.global.clone();
    global.command_id = None; // every step of the demo is its own command
    let years = years.max(1);
    if villages > 1 {
        let township = crate::commands::township_demo::Township {
            store: &store,
            dir: &dir,
            global: &global,
            members,
            years,
            villages,
        };
        return township.run(&mut app.out);
    }
    let ledger = store.ledger(charter.code.as_str())?;
    let persons = crate::synth::roster(members, ROSTER_SEED);
    let mut village = Village::new(&ledger, charter.clone(), &global, persons, 0);
    {
        let out = &mut app.out;
        let mut say = |zh: &str, en: &str| -> Result<()> {
            writeln!(out, "{}", if lang == Lang::Zh { zh } else { en })?;
            Ok(())
        };
        village.setup(years, &mut say)?;
        village.distributions(years, &mut say)?;
    }
    let state = ledger.load_state(None)?;
    let register = report::register(&state);
    let owed = report::owed(&state);
    let urban_members = state
        .persons()
        .filter(|p| p.is_member() && p.hukou.as_ref().is_some_and(|h| h.kind == HukouKind::Urban))
        .count();
    let report = ledger.verify(true)?;
    if !report.ok {
        bail!(
            "the demo ledger failed to verify: {}",
            report.problem.unwrap_or_default()
        );
    }
    let out = &mut app.out;
    writeln!(out)?;
    writeln!(out, "{}", t(lang, "股东名册合计", "register totals"))?;
    writeln!(
        out,
        "  {}: {}",
        t(lang, "股东人数", "holders"),
        register.holders.len()
    )?;
    for class in &charter.classes {
        let units = register
            .units_by_class
            .get(&class.code)
            .copied()
            .unwrap_or(0);
        writeln!(
            out,
            "  {}: {}",
            if lang == Lang::Zh {
                &class.name
            } else {
                &class.code
            },
            Units(units)
        )?;
    }
    writeln!(
        out,
        "  {}: {}",
        t(lang, "总股数", "total shares"),
        Units(register.total_units)
    )?;
    writeln!(
        out,
        "  {}: {}",
        t(lang, "折算股", "weighted shares"),
        Units(register.total_weighted_units)
    )?;
    writeln!(
        out,
        "  {}: {}",
        t(
            lang,
            "城镇户籍的现有成员",
            "current members with urban hukou"
        ),
        urban_members
    )?;
    writeln!(
        out,
        "  {}: {} {} {}",
        t(lang, "未付分红", "dividends owed"),
        owed.len(),
        t(
            lang,
            "笔，合计",
            if owed.len() == 1 {
                "line, in all"
            } else {
                "lines, in all"
            }
        ),
        Fen(owed.iter().map(|l| l.amount_fen).sum())
    )?;
    writeln!(out)?;
    render(
        out,
        Format::Text,
        lang,
        &Verification::new(ledger.id(), &report),
    )?;
    // The hints print no whole ID: the demo's roster is a synthetic one anyone can reproduce.
    let db = dir.display();
    let lang_flag = t(lang, "", " --lang en");
    writeln!(out)?;
    writeln!(out, "{}", t(lang, "继续查看：", "explore further:"))?;
    let mut hints = vec![
        "register".to_string(),
        "household certificate --household 00001".to_string(),
        "member list".to_string(),
        "member show --reveal --id ID".to_string(),
        "history --id ID".to_string(),
    ];
    if years > 0 {
        hints.push(format!("distribution show --year {}", 2022 + years));
        hints.push("distribution owed".to_string());
    }
    for hint in hints {
        writeln!(out, "  gufen --db {db}{lang_flag} {hint}")?;
    }
    writeln!(
        out,
        "{}",
        t(
            lang,
            format!(
                "ID：成员的身份证号；本演示的名册可由 \
                 gufen sample roster --persons {members} --seed {ROSTER_SEED} 重现"
            ),
            format!(
                "ID: a member's citizen ID; the demo's roster is reproduced by \
                 gufen sample roster --persons {members} --seed {ROSTER_SEED}"
            ),
        )
    )?;
    Ok(())
}

/// The most years of distributions the demo would ever make.
const YEARS_MAX: u32 = 100;

/// The date of the demo's last record with `years` of distributions (from 2023): the last
/// year's payments, or the first year's estate settled, or the death in its setup, whichever is
/// latest. None past `YEARS_MAX`.
pub fn last_record_date(charter: &Charter, years: u32) -> Option<NaiveDate> {
    if !(1..=YEARS_MAX).contains(&years) {
        return None;
    }
    let last_year = 2022 + i32::try_from(years).ok()?;
    let paid = charter.earliest_vote(date(last_year + 1, 1, 6)) + chrono::Days::new(10);
    Some(paid.max(date(2024, 3, 1)).max(date(2023, 5, 8)))
}

/// The demo's charter for a village of `members`: the sample charter, with a looser cap for a
/// small village; under another name and code (`Some((name, code))`) for a township's villages.
pub fn village_charter(members: usize, named: Option<(&str, &str)>) -> Result<Charter> {
    // The 3% cap (R9) needs at least 34 equal holders; a smaller demo village gets a looser cap,
    // and one of fewer than 20 members (where a holder with labour-years shares and a transfer
    // holds more than a fifth) a looser one still.
    let cap = match members {
        ..20 => "40",
        20..200 => "20",
        _ => "3",
    };
    let mut text = CHARTER.replace(
        "holding_cap_percent = \"3\"",
        &format!("holding_cap_percent = \"{cap}\""),
    );
    if let Some((name, code)) = named {
        text = text
            .replace("溱水村股份经济合作社", name)
            .replace("N2410183MF0000001Y", code);
    }
    Ok(Charter::from_toml(&text)?)
}

/// A narration step: the line in Chinese and in English.
pub type Say<'s> = dyn FnMut(&str, &str) -> Result<()> + 's;

/// One synthetic village being built on its ledger: its charter, roster and the generator of
/// its figures. `index` tells villages of one township apart (their non-member heirs differ).
pub struct Village<'a> {
    pub ledger: &'a gufen_ledger::Ledger,
    pub charter: Charter,
    global: &'a crate::cli::Global,
    pub persons: Vec<crate::synth::SynthPerson>,
    pub ids: Vec<PersonId>,
    rng: crate::synth::Rng,
    index: u32,
}

impl<'a> Village<'a> {
    pub fn new(
        ledger: &'a gufen_ledger::Ledger,
        charter: Charter,
        global: &'a crate::cli::Global,
        persons: Vec<crate::synth::SynthPerson>,
        index: u32,
    ) -> Self {
        let ids = persons
            .iter()
            .map(|p| PersonId::parse(&p.id).expect("synthetic IDs are valid"))
            .collect();
        Village {
            ledger,
            charter,
            global,
            persons,
            ids,
            rng: crate::synth::Rng::new(7 + u64::from(index)),
            index,
        }
    }

    fn exec(&self, date: NaiveDate, action: Action) -> Result<(), LedgerError> {
        let context =
            crate::app::context(self.global).expect("the clock and a new command id are at hand");
        self.ledger
            .execute(&context, &Command { date, action })
            .map(|_| ())
    }

    /// Steps 1 to 6: registration, the roster with its shares, household heads, labour-years
    /// shares under their plan, hukou moves and a marriage (nothing changes), a loss for moving
    /// hukou refused (R3), a death.
    pub fn setup(&mut self, years: u32, say: &mut Say) -> Result<()> {
        let charter = self.charter.clone();
        let members = self.persons.len();
        self.exec(
            date(2017, 6, 30),
            Action::RegisterCollective {
                charter: charter.clone(),
                loss_grounds: vec![],
            },
        )?;
        say(
            &format!("1. 建立 {}（{}）", charter.name, charter.code),
            &format!("1. registered {} ({})", charter.name, charter.code),
        )?;

        let rows: Vec<RosterRow> = self
            .persons
            .iter()
            .map(|p| RosterRow {
                id: p.id.clone(),
                name: p.name.clone(),
                household: p.household.clone(),
                class: p.class.clone(),
                units: p.units.clone(),
            })
            .collect();
        self.exec(
            date(2017, 12, 31),
            Action::ImportRoster {
                rows,
                resolution: "2017年第1号成员大会决议".into(),
            },
        )?;
        say(
            &format!("2. 导入成员名册 {members} 人并量化人口股"),
            &format!("2. imported a roster of {members} members with basic shares"),
        )?;

        let ids = self.ids.clone();
        let mut last_household = String::new();
        for (p, id) in self.persons.iter().zip(&ids) {
            if p.household != last_household {
                self.exec(
                    date(2017, 12, 31),
                    Action::NameHouseholdHead {
                        household: p.household.clone(),
                        person: id.clone(),
                    },
                )?;
                last_household = p.household.clone();
            }
        }
        let labour_units: Vec<Units> = ids
            .iter()
            .step_by(3)
            .map(|_| Units(5_000 * (1 + self.rng.below(6))))
            .collect();
        // The labour-years shares are quantified by a plan of their own (R6), which each
        // allotment cites.
        self.exec(
            date(2017, 12, 20),
            Action::AdoptQuantificationPlan {
                resolution: "2017年第2号成员大会决议".into(),
                totals: vec![(
                    "labor".into(),
                    Units(labour_units.iter().map(|u| u.0).sum()),
                )],
            },
        )?;
        let mut labour = 0;
        for (id, units) in ids.iter().step_by(3).zip(labour_units) {
            self.exec(
                date(2017, 12, 31),
                Action::AllotShares {
                    person: id.clone(),
                    class: "labor".into(),
                    units,
                    resolution: "2017年第2号成员大会决议".into(),
                },
            )?;
            labour += 1;
        }
        say(
            &format!("3. 指定户主，{labour} 人配农龄股"),
            &format!("3. named household heads; {labour} members allotted labour-years shares"),
        )?;

        let mut movers = Vec::new();
        for (i, id) in ids.iter().enumerate().skip(1).step_by(7) {
            let year = 2018 + (i as u32 % years) as i32;
            self.exec(
                date(year, 3, 1),
                Action::RecordHukou {
                    person: id.clone(),
                    kind: HukouKind::Urban,
                    locality: "郑州市金水区".into(),
                },
            )?;
            movers.push(id.clone());
        }
        let married = &ids[2];
        self.exec(
            date(2019, 10, 1),
            Action::RecordLifeEvent {
                person: married.clone(),
                kind: LifeEvent::Marriage,
                note: "嫁往外村".into(),
            },
        )?;
        say(
            &format!("4. {} 人户籍迁往城镇，1 人外嫁：成员身份与股份不变（权跟人走）", movers.len()),
            &format!("4. {} members moved their hukou to town and 1 married out: membership and shares unchanged", movers.len()),
        )?;

        match self.exec(
            date(2020, 1, 1),
            Action::LoseMembership {
                person: movers[0].clone(),
                ground: "hukou-moved".into(),
                note: String::new(),
                resolution: None,
                other_collective: None,
            },
        ) {
            // The core's message is English; in Chinese the rule is named and told in Chinese.
            Err(LedgerError::Rejected(violation)) if violation.rule() == Rule::R3 => say(
                concat!(
                    "5. 以“户籍迁出”取消成员资格被拒绝",
                    "（R3：户籍迁移、婚姻等生活事件不导致丧失成员身份）"
                ),
                &format!("5. removing a member for moving hukou was refused: {violation}"),
            )?,
            Err(error) => bail!("the demo expected R3 to refuse a loss for moving hukou: {error}"),
            Ok(()) => {
                bail!("the demo expected R3 to refuse a loss for moving hukou; it was recorded")
            }
        }
        self.exec(
            date(2023, 5, 8),
            Action::LoseMembership {
                person: ids[ids.len() - 1].clone(),
                ground: "death".into(),
                note: "病故".into(),
                resolution: None,
                other_collective: None,
            },
        )?;
        say(
            "6. 记录 1 名成员去世（成员身份终止；股份待继承）",
            "6. recorded one member's death (membership ended; shares await inheritance)",
        )?;
        Ok(())
    }

    /// Yearly distributions: draft, public notice, approval by 2/3 of all members aged 18 or
    /// more after the notice period, posting, and the bank's payments, with a few left owed; the
    /// first year's estate is then settled.
    pub fn distributions(&mut self, years: u32, say: &mut Say) -> Result<()> {
        let charter = self.charter.clone();
        let ids = self.ids.clone();
        for (n, year) in (2023..2023 + years as i32).enumerate() {
            let y = u16::try_from(year).expect("a demo year fits u16");
            let income = Fen(80_000_000
                + 1_000_000 * self.rng.below(40) as i64
                + self.rng.below(100) as i64);
            self.exec(
                date(year + 1, 1, 5),
                Action::DraftDistribution(DraftInput {
                    year: y,
                    record_date: date(year, 12, 31),
                    income,
                    losses: Fen(if n == 0 { 2_500_000 } else { 0 }),
                    reserve_rate: None,
                    welfare_rate: None,
                    rounding: None,
                }),
            )?;
            self.exec(date(year + 1, 1, 6), Action::NoticeDistribution { year: y })?;
            let vote = charter.earliest_vote(date(year + 1, 1, 6));
            let eligible = self
                .ledger
                .load_state(Some(vec![Key::Collective]))?
                .collective()
                .expect("registered")
                .adult_member_count_on(vote);
            let votes_for = (eligible * 2).div_ceil(3) + eligible / 10;
            self.exec(
                vote,
                Action::ApproveDistribution {
                    year: y,
                    body: ApprovalBody::Members,
                    votes_for,
                    eligible,
                    resolution: format!("{}年第1号成员大会决议", year + 1),
                },
            )?;
            self.exec(
                vote + chrono::Days::new(1),
                Action::PostDistribution { year: y },
            )?;
            let state = self
                .ledger
                .load_state(Some(vec![Key::Collective, Key::Distribution(y)]))?;
            let plan = &state.distribution(y).expect("posted").plan;
            // Every holder but one in 25 is paid from the bank's file; the rest stay owed.
            let payments: Vec<(PersonId, String)> = plan
                .lines
                .iter()
                .enumerate()
                .filter(|(i, line)| i % 25 != 7 && line.amount_fen > 0)
                .map(|(i, line)| (line.person.clone(), format!("ICBC{year}{i:05}")))
                .collect();
            let paid = payments.len();
            let deceased = &ids[ids.len() - 1];
            let estate = state
                .distribution(y)
                .and_then(|d| d.dividend(deceased))
                .map(|d| (d.estate, d.amount_fen));
            let (estate_zh, estate_en) = match estate {
                Some((true, fen)) => (
                    format!("（其中 {} 元归已故成员的遗产）", Fen(fen)),
                    format!(" ({} yuan of it to the deceased member's estate)", Fen(fen)),
                ),
                _ => (String::new(), String::new()),
            };
            self.exec(
                vote + chrono::Days::new(10),
                Action::PayDividends { year: y, payments },
            )?;
            say(
                &format!(
                    "{}. {year} 年度分配：收益 {} 元，可分配 {} 元，{} 名股东{estate_zh}；公示 {} 天后 {votes_for}/{eligible} 名年满十八周岁的成员表决通过并入账；已付 {paid} 人，其余继续欠付",
                    7 + n,
                    income,
                    Fen(plan.distributable_fen),
                    plan.lines.len(),
                    charter.notice_days
                ),
                &format!(
                    "{}. {year} distribution: income {} yuan, {} distributable to {} holders{estate_en}; approved by {votes_for} of {eligible} members aged 18 or more after {} days of notice, posted; {paid} paid, the rest stay owed",
                    7 + n,
                    income,
                    Fen(plan.distributable_fen),
                    plan.lines.len(),
                    charter.notice_days
                ),
            )?;
            if n == 0 {
                self.settle_estate(date(year + 1, 3, 1), say)?;
            }
        }
        Ok(())
    }

    /// The estate is settled: half to a member of the household, half to a daughter who lives
    /// in the city and is no member (income rights only).
    fn settle_estate(&mut self, settled_on: NaiveDate, say: &mut Say) -> Result<()> {
        let ids = &self.ids;
        let deceased = &ids[ids.len() - 1];
        // Born 14 February 1990, a day later in each further village of a township.
        let born = date(1990, 2, 14) + chrono::Days::new(u64::from(self.index));
        let first17 = format!("110105{}002", born.format("%Y%m%d"));
        let daughter = PersonId::parse(&format!(
            "{first17}{}",
            gufen_core::ids::citizen_check_character(&first17)
        ))
        .expect("a valid ID");
        self.exec(
            settled_on,
            Action::RegisterPerson {
                person: daughter.clone(),
                name: "城里的女儿".into(),
                household: None,
            },
        )?;
        self.exec(
            settled_on,
            Action::Inherit {
                from: deceased.clone(),
                heirs: vec![
                    (ids[ids.len() - 2].clone(), Some((1, 2))),
                    (daughter, Some((1, 2))),
                ],
            },
        )?;
        say(
            &format!("   {settled_on} 遗产继承：一名成员与一名住在城里的非成员女儿各继承 1/2，此后分红付给继承人"),
            &format!("   {settled_on} the estate is settled: half to a member, half to a non-member daughter living in the city; later dividends go to the heirs"),
        )?;
        Ok(())
    }
}
