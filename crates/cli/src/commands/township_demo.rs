//! `gufen demo --villages N`: a synthetic township. N villages in one store, each with its own
//! credit code (GB 32100 check character) and its own persons, built as the one-village demo
//! builds its village; married-out daughters confirmed in their husbands' villages by
//! `township move` (R2); a confirmation of another village's member refused; every ledger
//! verified with its replay; then the township report.

use crate::cli::{Format, Global};
use crate::commands::demo::{village_charter, Village, ROSTER_SEED};
use crate::commands::township::{move_in, refuse_member_elsewhere, MoveRequest};
use crate::document::township::TownshipReport;
use crate::labels::t;
use crate::render::render;
use anyhow::{bail, Result};
use chrono::NaiveDate;
use gufen_core::ids::org_check_character;
use gufen_ledger::{Ledger, Store};
use std::collections::HashSet;
use std::io::Write;

/// The most villages a demo township has.
pub const VILLAGES_MAX: usize = 50;

/// Villages of the county-level city the sample charter is from; past these, numbered ones.
const VILLAGE_NAMES: &[&str] = &[
    "溱水村",
    "岳村",
    "来集村",
    "苟堂村",
    "大隗村",
    "刘寨村",
    "牛店村",
    "平陌村",
    "超化村",
    "米村",
];

/// The name of the `index`-th village's collective.
fn village_name(index: usize) -> String {
    let village = match VILLAGE_NAMES.get(index) {
        Some(name) => name.to_string(),
        None => format!("第{}村", index + 1),
    };
    format!("{village}股份经济合作社")
}

/// The `index`-th village's credit code: the sample charter's first 10 characters, a number,
/// and its GB 32100 check character (the first village's is the sample's own).
pub fn village_code(index: usize) -> String {
    let first17 = format!("N2410183MF{:07}", index + 1);
    let check = org_check_character(&first17).expect("digits and capitals of the alphabet");
    format!("{first17}{check}")
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a valid demo date")
}

/// A township to build in a fresh store.
pub struct Township<'a> {
    pub store: &'a Store,
    pub dir: &'a std::path::Path,
    pub global: &'a Global,
    pub members: usize,
    pub years: u32,
    pub villages: usize,
}

impl Township<'_> {
    pub fn run(&self, out: &mut impl Write) -> Result<()> {
        let lang = self.global.lang;
        let mut seen = HashSet::new();
        let mut built = Vec::new();
        for index in 0..self.villages {
            let code = village_code(index);
            let charter = village_charter(self.members, Some((&village_name(index), &code)))?;
            let persons =
                crate::synth::roster_apart(self.members, ROSTER_SEED + index as u64, &mut seen);
            built.push((self.store.ledger(&code)?, charter, persons));
        }
        let mut villages: Vec<Village> = built
            .iter()
            .enumerate()
            .map(|(index, (ledger, charter, persons))| {
                Village::new(
                    ledger,
                    charter.clone(),
                    self.global,
                    persons.clone(),
                    u32::try_from(index).expect("at most VILLAGES_MAX"),
                )
            })
            .collect();
        let mut quiet = |_: &str, _: &str| -> Result<()> { Ok(()) };
        for village in &mut villages {
            village.setup(self.years, &mut quiet)?;
        }
        writeln!(
            out,
            "{}",
            t(
                lang,
                format!(
                    "1. 在同一存储中建立 {} 个村，每村 {} 名成员（各村人员互不重复）；名册、户主、农龄股、户籍迁往城镇、外嫁、去世，同单村演示：",
                    self.villages, self.members
                ),
                format!(
                    "1. registered {} villages in one store, {} members each (no person in two); roster, household heads, labour-years shares, hukou moved to town, a marriage out and a death as in the one-village demo:",
                    self.villages, self.members
                ),
            )
        )?;
        for village in &villages {
            writeln!(
                out,
                "   {} ({})",
                village.charter.name, village.charter.code
            )?;
        }

        // The daughter of each village who married out (step 4 of its build) is confirmed in
        // the next village, her husband's, into his household.
        writeln!(
            out,
            "{}",
            t(
                lang,
                format!(
                    "2. {} 名外嫁女在丈夫所在村确认为成员，原村同时以“取得其他组织成员身份”终止其成员身份（gufen township move，R2）：",
                    self.villages - 1
                ),
                match self.villages - 1 {
                    1 => "2. 1 married-out daughter confirmed as a member of her husband's village, her membership at home ending on other-collective at the same time (gufen township move, R2):".to_string(),
                    n => format!(
                        "2. {n} married-out daughters confirmed as members of their husbands' villages, their membership at home ending on other-collective at the same time (gufen township move, R2):"
                    ),
                },
            )
        )?;
        for pair in villages.windows(2) {
            let (home, husband) = (&pair[0], &pair[1]);
            let request = MoveRequest {
                person: home.ids[2].clone(),
                from: home.charter.code.to_string(),
                to: husband.charter.code.to_string(),
                household: husband.persons[3].household.clone(),
                name: None,
                resolution: "2020年第1号成员大会决议".into(),
                from_resolution: None,
                date: date(2020, 3, 1),
            };
            move_in(self.store, self.global, &request)?;
            writeln!(
                out,
                "   {} {}: {} → {}",
                home.persons[2].name,
                home.ids[2].masked(),
                home.charter.name,
                husband.charter.name
            )?;
        }

        let (here, there) = (&villages[0], &villages[1]);
        let member_there = &there.ids[5];
        match refuse_member_elsewhere(
            self.store,
            here.charter.code.as_str(),
            member_there,
            date(2020, 4, 1),
        ) {
            Err(refusal) => writeln!(
                out,
                "{}",
                t(
                    lang,
                    format!(
                        "3. 在{}确认{}的现有成员 {} 被拒绝（R2：一个人同一时间只能是一个集体经济组织的成员）",
                        here.charter.name,
                        there.charter.name,
                        member_there.masked()
                    ),
                    format!("3. confirming a current member of the next village was refused: {refusal}"),
                )
            )?,
            Ok(()) => bail!("the demo expected R2 to refuse a member of another village"),
        }

        for village in &mut villages {
            village.distributions(self.years, &mut quiet)?;
        }
        writeln!(
            out,
            "{}",
            t(
                lang,
                format!(
                    "4. 每村 {} 个年度的收益分配：编制、公示、表决、入账、银行代发（部分欠付）；第一年后遗产继承",
                    self.years
                ),
                format!(
                    "4. {} of distributions in each village: draft, notice, approval, posting, the bank's payments (some left owed); the estate settled after the first",
                    match self.years {
                        1 => "1 year".to_string(),
                        n => format!("{n} years"),
                    }
                ),
            )
        )?;
        let mut records = 0;
        for (ledger, _, _) in &built {
            let report = ledger.verify(true)?;
            if !report.ok {
                bail!(
                    "the demo ledger {} failed to verify: {}",
                    ledger.id(),
                    report.problem.unwrap_or_default()
                );
            }
            records += report.records;
        }
        writeln!(
            out,
            "{}",
            t(
                lang,
                format!(
                    "5. 校验 {} 本台账（共 {records} 条记录，含从日志重建投影并比对）：全部通过",
                    self.villages
                ),
                format!(
                    "5. verified {} ledgers ({records} records, the projections rebuilt from the logs and compared): all ok",
                    self.villages
                ),
            )
        )?;
        writeln!(out)?;
        self.report(&built, out)?;
        self.hints(&built, out)
    }

    fn report(
        &self,
        built: &[(Ledger, gufen_core::Charter, Vec<crate::synth::SynthPerson>)],
        out: &mut impl Write,
    ) -> Result<()> {
        let mut lines = Vec::new();
        for (ledger, _, _) in built {
            lines.extend(crate::commands::township::village_line(ledger, None)?);
        }
        let report = TownshipReport::new(crate::app::today()?, None, lines);
        render(out, Format::Text, self.global.lang, &report)
    }

    fn hints(
        &self,
        built: &[(Ledger, gufen_core::Charter, Vec<crate::synth::SynthPerson>)],
        out: &mut impl Write,
    ) -> Result<()> {
        let lang = self.global.lang;
        let db = self.dir.display();
        let lang_flag = t(lang, "", " --lang en");
        writeln!(out)?;
        writeln!(out, "{}", t(lang, "继续查看：", "explore further:"))?;
        let first = built[0].1.code.to_string();
        let html = t(lang, "汇总.html", "township.html");
        for hint in [
            "township report".to_string(),
            format!("township report --year 2023 --format html -o {html}"),
            "township duplicates".to_string(),
            format!("--org {first} register"),
            format!("--org {first} distribution owed"),
        ] {
            writeln!(out, "  gufen --db {db}{lang_flag} {hint}")?;
        }
        Ok(())
    }
}
