//! The township's papers: the report of every collective in the store with their totals (乡镇
//!汇总表: members, holders, shares by class, pledges, each year's plan with its distributable,
//! paid and owed amounts), a membership moved between two of them, and the persons who are
//! members of two at once or whose move was left half done. IDs appear masked only.

use super::records::WriteOutcome;
use super::{Column, Document, Layout, Paper, Table};
use crate::cli::Lang;
use crate::labels::{serialize_code, t, Labelled};
use chrono::NaiveDate;
use gufen_core::charter::ShareClass;
use gufen_core::ids::MaskedId;
use gufen_core::report::YearTotals;
use gufen_core::state::{Person, PlanStatus};
use gufen_core::{Fen, Units};
use serde::Serialize;
use std::collections::BTreeMap;

/// One collective of the store in the report.
#[derive(Serialize)]
pub struct VillageLine {
    pub code: String,
    pub name: String,
    /// Current members (the collective's own count).
    pub members: u64,
    /// Persons holding units (the register's holders).
    pub holders: u64,
    /// Units the holders hold, per class code.
    pub class_units: BTreeMap<String, u64>,
    pub total_units: u64,
    /// Units of the collective share (集体股), not a person's.
    pub collective_units: u64,
    pub pledges_open: u64,
    pub pledged_units: u64,
    /// Each year with a plan (or the one year asked for), in year order.
    pub years: Vec<YearLine>,
    #[serde(skip)]
    pub classes: Vec<ShareClass>,
}

/// A year's plan of one collective: `report::plan_totals` with the status as its code.
#[derive(Serialize)]
pub struct YearLine {
    pub year: u16,
    #[serde(serialize_with = "serialize_code")]
    pub status: PlanStatus,
    pub distributable_fen: i64,
    pub paid_fen: i64,
    pub owed_fen: i64,
    pub lines_paid: u64,
    pub lines_unpaid: u64,
}

impl From<YearTotals> for YearLine {
    fn from(totals: YearTotals) -> Self {
        YearLine {
            year: totals.year,
            status: totals.status,
            distributable_fen: totals.distributable_fen,
            paid_fen: totals.paid_fen,
            owed_fen: totals.owed_fen,
            lines_paid: totals.lines_paid,
            lines_unpaid: totals.lines_unpaid,
        }
    }
}

impl VillageLine {
    /// The collective's line before its persons and plans are added.
    pub fn new(collective: &gufen_core::state::Collective) -> Self {
        let charter = &collective.charter;
        VillageLine {
            code: charter.code.to_string(),
            name: charter.name.clone(),
            members: collective.member_count,
            holders: 0,
            class_units: BTreeMap::new(),
            total_units: 0,
            collective_units: collective.holdings.values().sum(),
            pledges_open: 0,
            pledged_units: 0,
            years: Vec::new(),
            classes: charter.classes.clone(),
        }
    }

    /// Adds a person: their holdings and pledges.
    pub fn add(&mut self, person: &Person) {
        let units = person.units_total();
        if units > 0 {
            self.holders += 1;
            self.total_units += units;
            for (class, held) in person.holdings.iter().filter(|(_, u)| **u > 0) {
                *self.class_units.entry(class.clone()).or_insert(0) += held;
            }
        }
        self.pledges_open += person.pledges.len() as u64;
        self.pledged_units += person.pledged_units();
    }

    /// Adds a year's plan (years are added in year order).
    pub fn add_year(&mut self, totals: YearTotals) {
        self.years.push(YearLine::from(totals));
    }
}

/// One year summed over the collectives that have a plan for it: the money and the lines of
/// the posted plans only; a plan not yet posted is counted apart.
#[derive(Serialize, Default)]
pub struct YearTotal {
    pub year: u16,
    /// Collectives with a plan for the year, and those of them posted.
    pub plans: u64,
    pub posted: u64,
    /// The distributable of the posted plans.
    pub distributable_fen: i64,
    /// The distributable of the plans not yet posted (drafted, noticed or approved), left out
    /// of `distributable_fen`.
    pub unposted_distributable_fen: i64,
    pub paid_fen: i64,
    pub owed_fen: i64,
    pub lines_paid: u64,
    pub lines_unpaid: u64,
}

/// The sums over every collective.
#[derive(Serialize, Default)]
pub struct TownshipTotal {
    pub collectives: u64,
    pub members: u64,
    pub holders: u64,
    pub class_units: BTreeMap<String, u64>,
    pub total_units: u64,
    pub collective_units: u64,
    pub pledges_open: u64,
    pub pledged_units: u64,
    pub years: Vec<YearTotal>,
}

/// `gufen township report`.
#[derive(Serialize)]
pub struct TownshipReport {
    pub as_of: NaiveDate,
    /// The one year asked for (`--year`), or None for every year.
    pub year: Option<u16>,
    pub collectives: Vec<VillageLine>,
    pub total: TownshipTotal,
}

impl TownshipReport {
    pub fn new(as_of: NaiveDate, year: Option<u16>, collectives: Vec<VillageLine>) -> Self {
        let mut total = TownshipTotal::default();
        let mut years: BTreeMap<u16, YearTotal> = BTreeMap::new();
        for village in &collectives {
            total.collectives += 1;
            total.members += village.members;
            total.holders += village.holders;
            for (class, units) in &village.class_units {
                *total.class_units.entry(class.clone()).or_insert(0) += units;
            }
            total.total_units += village.total_units;
            total.collective_units += village.collective_units;
            total.pledges_open += village.pledges_open;
            total.pledged_units += village.pledged_units;
            for line in &village.years {
                let sum = years.entry(line.year).or_insert_with(|| YearTotal {
                    year: line.year,
                    ..YearTotal::default()
                });
                sum.plans += 1;
                if line.status != PlanStatus::Posted {
                    sum.unposted_distributable_fen += line.distributable_fen;
                    continue;
                }
                sum.posted += 1;
                sum.distributable_fen += line.distributable_fen;
                sum.paid_fen += line.paid_fen;
                sum.owed_fen += line.owed_fen;
                sum.lines_paid += line.lines_paid;
                sum.lines_unpaid += line.lines_unpaid;
            }
        }
        total.years = years.into_values().collect();
        TownshipReport {
            as_of,
            year,
            collectives,
            total,
        }
    }

    /// Every class code of any collective, in the order their charters list them, with the
    /// names the charters give it (each once, in the order first given).
    fn classes(&self) -> Vec<(&str, Vec<&str>)> {
        let mut classes: Vec<(&str, Vec<&str>)> = Vec::new();
        for village in &self.collectives {
            for class in &village.classes {
                match classes.iter_mut().find(|(code, _)| *code == class.code) {
                    Some((_, names)) => {
                        if !names.contains(&class.name.as_str()) {
                            names.push(&class.name);
                        }
                    }
                    None => classes.push((&class.code, vec![&class.name])),
                }
            }
        }
        classes
    }

    /// The title of each class column, right for every collective: a column is one class code.
    /// In Chinese, the name the charters give it where they all give the same one and no other
    /// code bears it; the name and the code where another code bears the name too; the code
    /// and every name given where the charters differ. In English, the code.
    fn class_titles(&self, lang: Lang) -> Vec<String> {
        let classes = self.classes();
        classes
            .iter()
            .map(|(code, names)| {
                if lang == Lang::En {
                    return code.to_string();
                }
                match names.as_slice() {
                    [name] => {
                        let shared = classes
                            .iter()
                            .any(|(other, names)| other != code && names.contains(name));
                        if shared {
                            format!("{name}（{code}）")
                        } else {
                            name.to_string()
                        }
                    }
                    names => format!("{code}（{}）", names.join("／")),
                }
            })
            .collect()
    }

    /// The table of collectives: one row each and the total.
    fn collectives_table(&self, lang: Lang) -> Table {
        let classes = self.classes();
        let mut headers = vec![
            t(lang, "统一社会信用代码", "credit code"),
            t(lang, "名称", "collective"),
            t(lang, "成员", "members"),
            t(lang, "股东", "holders"),
        ];
        let titles = self.class_titles(lang);
        headers.extend(titles.iter().map(String::as_str));
        headers.extend([
            t(lang, "合计股", "total"),
            t(lang, "集体股", "collective share"),
            t(lang, "质押笔数", "pledges"),
            t(lang, "质押股", "pledged"),
        ]);
        let mut columns = vec![Column::Code, Column::Text];
        columns.resize(headers.len(), Column::Number);
        let mut table = Table::typed(headers, columns);
        let row =
            |code: String,
             name: String,
             members: u64,
             holders: u64,
             class_units: &BTreeMap<String, u64>,
             units: [u64; 4]| {
                let mut cells = vec![code, name, members.to_string(), holders.to_string()];
                cells.extend(classes.iter().map(|(code, _)| {
                    Units(class_units.get(*code).copied().unwrap_or(0)).to_string()
                }));
                cells.extend([
                    Units(units[0]).to_string(),
                    Units(units[1]).to_string(),
                    units[2].to_string(),
                    Units(units[3]).to_string(),
                ]);
                cells
            };
        for village in &self.collectives {
            table.push(row(
                village.code.clone(),
                village.name.clone(),
                village.members,
                village.holders,
                &village.class_units,
                [
                    village.total_units,
                    village.collective_units,
                    village.pledges_open,
                    village.pledged_units,
                ],
            ));
        }
        let total = &self.total;
        table.push_total(row(
            t(lang, "合计", "total").to_string(),
            format!("{} {}", total.collectives, t(lang, "个组织", "collectives")),
            total.members,
            total.holders,
            &total.class_units,
            [
                total.total_units,
                total.collective_units,
                total.pledges_open,
                total.pledged_units,
            ],
        ));
        table
    }

    /// The table of plans: each collective's year, then the year's total, year by year.
    fn years_table(&self, lang: Lang) -> Table {
        let mut table = Table::typed(
            vec![
                t(lang, "年度", "year"),
                t(lang, "统一社会信用代码", "credit code"),
                t(lang, "名称", "collective"),
                t(lang, "状态", "status"),
                t(lang, "可分配（元）", "distributable (yuan)"),
                t(lang, "已付（元）", "paid (yuan)"),
                t(lang, "未付（元）", "owed (yuan)"),
                t(lang, "已付笔数", "lines paid"),
                t(lang, "未付笔数", "lines unpaid"),
            ],
            vec![
                Column::Number,
                Column::Code,
                Column::Text,
                Column::Text,
                Column::Money,
                Column::Money,
                Column::Money,
                Column::Number,
                Column::Number,
            ],
        );
        for total in &self.total.years {
            for village in &self.collectives {
                for line in village.years.iter().filter(|l| l.year == total.year) {
                    table.push(vec![
                        line.year.to_string(),
                        village.code.clone(),
                        village.name.clone(),
                        line.status.text(lang).to_string(),
                        Fen(line.distributable_fen).to_string(),
                        Fen(line.paid_fen).to_string(),
                        Fen(line.owed_fen).to_string(),
                        line.lines_paid.to_string(),
                        line.lines_unpaid.to_string(),
                    ]);
                }
            }
            table.push(vec![
                total.year.to_string(),
                t(lang, "合计", "total").to_string(),
                t(
                    lang,
                    format!("{} 个组织有方案", total.plans),
                    format!("{} with a plan", total.plans),
                ),
                t(
                    lang,
                    format!("{} 个已入账", total.posted),
                    format!("{} posted", total.posted),
                ),
                Fen(total.distributable_fen).to_string(),
                Fen(total.paid_fen).to_string(),
                Fen(total.owed_fen).to_string(),
                total.lines_paid.to_string(),
                total.lines_unpaid.to_string(),
            ]);
        }
        table
    }

    /// What the total rows leave out: the note that they sum posted plans only, and each year's
    /// plans not yet posted with their distributable.
    fn unposted_lines(&self, lang: Lang) -> Vec<String> {
        let mut lines = vec![t(
            lang,
            "合计行的金额只计已入账的方案；未入账方案的状态见各行".to_string(),
            "the total rows' money sums the posted plans only; each row shows its plan's status"
                .to_string(),
        )];
        for total in self.total.years.iter().filter(|y| y.plans > y.posted) {
            lines.push(t(
                lang,
                format!(
                    "{} 年度尚未入账：{} 个方案，可分配 {} 元，未计入合计",
                    total.year,
                    total.plans - total.posted,
                    Fen(total.unposted_distributable_fen)
                ),
                format!(
                    "{} not yet posted: {} plan(s), {} yuan distributable, not in the total",
                    total.year,
                    total.plans - total.posted,
                    Fen(total.unposted_distributable_fen)
                ),
            ));
        }
        lines
    }

    fn no_plans(&self, lang: Lang) -> String {
        match self.year {
            Some(year) => t(
                lang,
                format!("{year} 年度没有任何组织编制分配方案"),
                format!("no collective has a plan for {year}"),
            ),
            None => t(
                lang,
                "没有任何组织编制分配方案".to_string(),
                "no collective has a distribution plan".to_string(),
            ),
        }
    }
}

impl Document for TownshipReport {
    fn layout(&self, lang: Lang) -> Layout {
        let mut layout = Layout::default();
        layout.sheet(t(lang, "乡镇汇总", "township report"));
        layout.line(t(
            lang,
            format!(
                "乡镇汇总：{} 个集体经济组织（截至 {}）",
                self.total.collectives, self.as_of
            ),
            format!(
                "township report: {} collectives (as of {})",
                self.total.collectives, self.as_of
            ),
        ));
        layout.table(self.collectives_table(lang));
        layout.line(match self.year {
            Some(year) => t(
                lang,
                format!("{year} 年度收益分配"),
                format!("distributions of {year}"),
            ),
            None => t(
                lang,
                "历年收益分配".to_string(),
                "distributions by year".to_string(),
            ),
        });
        if self.total.years.is_empty() {
            layout.line(self.no_plans(lang));
        } else {
            layout.table(self.years_table(lang));
            for line in self.unposted_lines(lang) {
                layout.line(line);
            }
        }
        layout
    }

    /// The township's summary sheet on A4, laid out as the register's paper: the title, the
    /// date, the tables, then the preparer's and checker's signatures and the agency's seal.
    fn paper(&self, lang: Lang) -> Layout {
        let mut layout = Layout::default();
        layout.paper(Paper::Title(
            t(
                lang,
                "村级集体经济组织股权与收益分配汇总表",
                "collectives' shares and distributions: township summary",
            )
            .to_string(),
        ));
        layout.field(t(lang, "截至", "as of"), self.as_of.to_string());
        layout.field(
            t(lang, "集体经济组织数", "collectives"),
            self.total.collectives.to_string(),
        );
        if let Some(year) = self.year {
            layout.field(t(lang, "分配年度", "year"), year.to_string());
        }
        layout.paper(Paper::Heading(
            t(lang, "成员与股份", "members and shares").to_string(),
        ));
        layout.table(self.collectives_table(lang));
        layout.paper(Paper::Heading(
            t(lang, "收益分配", "distributions").to_string(),
        ));
        if self.total.years.is_empty() {
            layout.line(self.no_plans(lang));
        } else {
            layout.table(self.years_table(lang));
            for line in self.unposted_lines(lang) {
                layout.line(line);
            }
        }
        layout.paper(Paper::Note(
            t(
                lang,
                "注：金额单位为元；合计行的可分配、已付、未付只计已入账的方案；股数以股计（1 股 = 10000 份）。",
                "Note: amounts in yuan; a total row's distributable, paid and owed sum the posted plans only; units in shares (1 share = 10,000 units).",
            )
            .to_string(),
        ));
        layout.paper(Paper::Seal(
            t(
                lang,
                "乡镇农村经营管理站（盖章）",
                "seal of the township agency",
            )
            .to_string(),
        ));
        layout.paper(Paper::Signatures(vec![
            t(lang, "制表人", "prepared by").to_string(),
            t(lang, "审核人", "checked by").to_string(),
            t(lang, "负责人", "chair").to_string(),
        ]));
        layout
    }
}

// ---------------------------------------------------------------------------------------------
// A move and the duplicates

/// A collective of the store, by its code and name.
#[derive(Serialize, Clone)]
pub struct Collective {
    pub code: String,
    pub name: String,
}

impl Collective {
    fn text(&self, lang: Lang) -> String {
        t(
            lang,
            format!("{}（{}）", self.name, self.code),
            format!("{} ({})", self.name, self.code),
        )
    }
}

/// `gufen township move`: the loss where the person left and the confirmation where they joined.
#[derive(Serialize)]
pub struct MoveDocument {
    pub name: String,
    pub id_masked: MaskedId,
    pub from: Collective,
    pub to: Collective,
    pub date: NaiveDate,
    /// The loss this move recorded (or had recorded: `repeated`); None when the membership had
    /// ended naming `to` before, by another command.
    pub loss: Option<WriteOutcome>,
    /// The date that earlier loss ended the membership.
    pub loss_recorded_before: Option<NaiveDate>,
    pub confirmation: WriteOutcome,
}

impl Document for MoveDocument {
    fn layout(&self, lang: Lang) -> Layout {
        let mut layout = Layout::default();
        layout.line(t(
            lang,
            format!(
                "{}（{}）的成员身份自 {} 起由 {} 转入 {}",
                self.name,
                self.id_masked,
                self.date,
                self.from.text(lang),
                self.to.text(lang)
            ),
            format!(
                "{} ({}): membership moved on {} from {} to {}",
                self.name,
                self.id_masked,
                self.date,
                self.from.text(lang),
                self.to.text(lang)
            ),
        ));
        let outcome = |layout: &mut Layout, label: String, written: &WriteOutcome| {
            layout.line(label);
            layout.blocks.extend(written.layout(lang).blocks);
        };
        match (&self.loss, self.loss_recorded_before) {
            (Some(loss), _) => outcome(
                &mut layout,
                t(
                    lang,
                    format!("{}：丧失成员身份（取得其他组织成员身份）", self.from.code),
                    format!("{}: membership lost (other-collective)", self.from.code),
                ),
                loss,
            ),
            (None, ended) => layout.line(t(
                lang,
                format!(
                    "{}：成员身份此前已终止（{}，取得本存储中 {} 的成员身份）",
                    self.from.code,
                    super::date_or_dash(ended),
                    self.to.code
                ),
                format!(
                    "{}: the membership had ended before ({}, on other-collective naming {})",
                    self.from.code,
                    super::date_or_dash(ended),
                    self.to.code
                ),
            )),
        }
        outcome(
            &mut layout,
            t(
                lang,
                format!("{}：确认成员身份", self.to.code),
                format!("{}: membership confirmed", self.to.code),
            ),
            &self.confirmation,
        );
        layout
    }

    fn recorded(&self) -> Option<&WriteOutcome> {
        Some(&self.confirmation)
    }
}

/// A membership in force, in one collective.
#[derive(Serialize)]
pub struct Held {
    pub collective: Collective,
    pub since: NaiveDate,
}

/// A person who is a member of two or more collectives of the store at once.
#[derive(Serialize)]
pub struct DoubleMembership {
    pub name: String,
    pub id_masked: MaskedId,
    pub memberships: Vec<Held>,
}

/// A membership that ended on other-collective naming a collective of the store that never
/// confirmed the person: a move left half done.
#[derive(Serialize)]
pub struct HalfDoneMove {
    pub name: String,
    pub id_masked: MaskedId,
    pub from: Collective,
    pub ended: NaiveDate,
    pub to: Collective,
}

/// A person whose death one collective of the store records, and who is a member of another
/// after it (a membership in force, or one that ended after the death).
#[derive(Serialize)]
pub struct MemberAfterDeath {
    pub name: String,
    pub id_masked: MaskedId,
    pub died: NaiveDate,
    /// The collective that records the death.
    pub recorded_in: Collective,
    /// The collective of the membership, since when, and until when (None while in force).
    pub member_of: Collective,
    pub since: NaiveDate,
    pub until: Option<NaiveDate>,
}

/// `gufen township duplicates`.
#[derive(Serialize)]
pub struct Duplicates {
    pub collectives: usize,
    /// Nothing found.
    pub none: bool,
    pub double_memberships: Vec<DoubleMembership>,
    pub half_done_moves: Vec<HalfDoneMove>,
    pub members_after_death: Vec<MemberAfterDeath>,
}

impl Document for Duplicates {
    fn layout(&self, lang: Lang) -> Layout {
        let mut layout = Layout::default();
        layout.sheet(t(lang, "重复成员", "duplicates"));
        layout.line(t(
            lang,
            format!("跨组织成员身份检查：{} 个集体经济组织", self.collectives),
            format!("memberships across {} collectives", self.collectives),
        ));
        if self.none {
            layout.line(t(
                lang,
                "无：没有人同时是两个组织的成员，没有未完成的转移，也没有人在登记死亡后仍是其他组织的成员",
                "none: nobody is a member of two collectives at once, no move is left half done, and nobody is a member of one after the death another records",
            ));
            return layout;
        }
        layout.line(t(
            lang,
            format!("同时是多个组织成员的人：{}", self.double_memberships.len()),
            format!(
                "members of two or more collectives at once: {}",
                self.double_memberships.len()
            ),
        ));
        if !self.double_memberships.is_empty() {
            let mut table = Table::typed(
                vec![
                    t(lang, "姓名", "name"),
                    t(lang, "身份证号", "ID"),
                    t(lang, "统一社会信用代码", "credit code"),
                    t(lang, "组织", "collective"),
                    t(lang, "成员自", "member since"),
                ],
                vec![
                    Column::Text,
                    Column::Code,
                    Column::Code,
                    Column::Text,
                    Column::Date,
                ],
            );
            for double in &self.double_memberships {
                for held in &double.memberships {
                    table.push(vec![
                        double.name.clone(),
                        double.id_masked.to_string(),
                        held.collective.code.clone(),
                        held.collective.name.clone(),
                        held.since.to_string(),
                    ]);
                }
            }
            layout.table(table);
            layout.line(t(
                lang,
                "处理：在其已离开的组织登记丧失，`gufen --org 原组织 member lose --id ID --reason other-collective --collective 新组织 --date D`",
                "to settle one: record the loss where the person left, `gufen --org LEFT member lose --id ID --reason other-collective --collective JOINED --date D`",
            ));
        }
        layout.line(t(
            lang,
            format!("未完成的转移：{}", self.half_done_moves.len()),
            format!("moves left half done: {}", self.half_done_moves.len()),
        ));
        if !self.half_done_moves.is_empty() {
            let mut table = Table::typed(
                vec![
                    t(lang, "姓名", "name"),
                    t(lang, "身份证号", "ID"),
                    t(lang, "原组织代码", "left (code)"),
                    t(lang, "原组织", "left"),
                    t(lang, "终止日期", "ended"),
                    t(lang, "新组织代码", "to join (code)"),
                    t(lang, "新组织", "to join"),
                ],
                vec![
                    Column::Text,
                    Column::Code,
                    Column::Code,
                    Column::Text,
                    Column::Date,
                    Column::Code,
                    Column::Text,
                ],
            );
            for half in &self.half_done_moves {
                table.push(vec![
                    half.name.clone(),
                    half.id_masked.to_string(),
                    half.from.code.clone(),
                    half.from.name.clone(),
                    half.ended.to_string(),
                    half.to.code.clone(),
                    half.to.name.clone(),
                ]);
            }
            layout.table(table);
            layout.line(t(
                lang,
                "处理：再次执行同一条 `gufen township move` 命令；若它答复该转移的记录已被更正，则加上新的 `--command-id` 再执行；或在新组织确认其成员身份",
                "to complete one: give the same `gufen township move` command again; where it answers that the move's records were corrected, give it with a new `--command-id`; or confirm the membership in the collective to join",
            ));
        }
        layout.line(t(
            lang,
            format!(
                "登记死亡后仍是其他组织成员的人：{}",
                self.members_after_death.len()
            ),
            format!(
                "members of a collective after the death another records: {}",
                self.members_after_death.len()
            ),
        ));
        if !self.members_after_death.is_empty() {
            let mut table = Table::typed(
                vec![
                    t(lang, "姓名", "name"),
                    t(lang, "身份证号", "ID"),
                    t(lang, "死亡日期", "died"),
                    t(lang, "登记死亡的组织代码", "death recorded by (code)"),
                    t(lang, "登记死亡的组织", "death recorded by"),
                    t(lang, "成员所在组织代码", "member of (code)"),
                    t(lang, "成员所在组织", "member of"),
                    t(lang, "成员自", "member since"),
                    t(lang, "成员至", "member until"),
                ],
                vec![
                    Column::Text,
                    Column::Code,
                    Column::Date,
                    Column::Code,
                    Column::Text,
                    Column::Code,
                    Column::Text,
                    Column::Date,
                    Column::Date,
                ],
            );
            for after in &self.members_after_death {
                table.push(vec![
                    after.name.clone(),
                    after.id_masked.to_string(),
                    after.died.to_string(),
                    after.recorded_in.code.clone(),
                    after.recorded_in.name.clone(),
                    after.member_of.code.clone(),
                    after.member_of.name.clone(),
                    after.since.to_string(),
                    super::date_or_dash(after.until),
                ]);
            }
            layout.table(table);
            layout.line(t(
                lang,
                "处理：在其为成员的组织登记死亡（`gufen --org 组织 death record --id ID --date D`）；若死亡登记有误，在登记它的组织更正（`gufen --org 组织 correct --seq N`）",
                "to settle one: record the death in the collective of the membership (`gufen --org CODE death record --id ID --date D`); if the death was recorded in error, correct it where it was recorded (`gufen --org CODE correct --seq N`)",
            ));
        }
        layout
    }
}
