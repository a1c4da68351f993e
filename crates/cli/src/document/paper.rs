//! The printed papers (`--format html`, `Document::paper`): the household certificate booklet
//! (股权证), the shareholder register (股东名册), the public notice of a distribution (公示), the
//! pay-out sheet (分红发放表), the change registration form (股权变更登记表) and the member
//! statement with its QR code. Each is laid out for A4 with a title, its tables, and the boxes
//! a paper needs (the seal, signatures, lines to fill in by hand). IDs appear masked only.

use super::distribution::{holder_name, PlanDocument, PlanPaper};
use super::holdings::{CertificateDocument, RegisterDocument};
use super::records::Summary;
use super::{date_or_dash, Block, Column, Document, Layout, Paper, Table};
use crate::cli::Lang;
use crate::labels::events::type_label;
use crate::labels::{class_name, t, Labelled};
use chrono::NaiveDate;
use gufen_core::charter::ShareClass;
use gufen_core::ids::MaskedId;
use gufen_core::report::DividendLine;
use gufen_core::state::PlanStatus;
use gufen_core::{Fen, Units};
use serde::Serialize;

/// The first table of a layout (the document's own), for a paper that places it.
fn first_table(layout: Layout) -> Option<Table> {
    layout.blocks.into_iter().find_map(|block| match block {
        Block::Table(table) => Some(table),
        _ => None,
    })
}

/// The foot of a paper: signature lines and the box for the seal.
fn sign_and_seal(layout: &mut Layout, signatures: Vec<&str>, seal: String) {
    layout.paper(Paper::Seal(seal));
    layout.paper(Paper::Signatures(
        signatures.into_iter().map(String::from).collect(),
    ));
}

fn masked_note(lang: Lang) -> String {
    t(
        lang,
        "注：身份证号仅显示前 6 位和后 4 位（个人信息保护）。",
        "Note: ID numbers show their first 6 and last 4 characters only (personal information protection).",
    )
    .to_string()
}

// ---------------------------------------------------------------------------------------------
// The shareholder register (股东名册)

impl RegisterDocument {
    pub fn register_paper(&self, lang: Lang) -> Layout {
        let heading = &self.heading;
        let mut layout = Layout::default();
        layout.paper(Paper::Title(format!(
            "{} {}",
            heading.collective,
            t(lang, "股东名册", "shareholder register")
        )));
        layout.field(t(lang, "统一社会信用代码", "credit code"), &heading.code);
        layout.field(t(lang, "截至", "as of"), heading.as_of.to_string());
        layout.field(
            t(lang, "股东人数", "holders"),
            self.register.holders.len().to_string(),
        );
        layout.field(
            t(lang, "股东持股合计", "units held by holders"),
            Units(self.register.total_units).to_string(),
        );
        if !self.register.collective_units.is_empty() {
            let units: u64 = self.register.collective_units.values().sum();
            layout.field(
                t(
                    lang,
                    "集体股（不计入下表）",
                    "collective share (not in the table)",
                ),
                Units(units).to_string(),
            );
        }
        if let Some(mut table) = first_table(self.layout(lang)) {
            // The percent column (the last but one) with four decimals in every line, where
            // the document's text drops trailing zeros (2.50 beside 2.5445).
            let column = table.headers.len() - 2;
            let whole = self.register.total_weighted_units;
            let percents = self
                .register
                .holders
                .iter()
                .map(|holder| percent_four_places(holder.weighted_units, whole))
                .chain(std::iter::once(percent_four_places(whole, whole)));
            for (row, percent) in table.rows.iter_mut().zip(percents) {
                row[column] = percent;
            }
            layout.table(table);
        }
        layout.paper(Paper::Note(masked_note(lang)));
        sign_and_seal(
            &mut layout,
            vec![
                t(lang, "制表人", "prepared by"),
                t(lang, "审核人", "checked by"),
                t(lang, "负责人", "chair"),
            ],
            t(lang, "集体经济组织（盖章）", "seal of the collective").to_string(),
        );
        layout
    }
}

/// `part / whole` in percent with exactly four decimals, rounded down as the register's
/// `percent` is (`2.5000`, `0.1742`); `0` when there is nothing.
fn percent_four_places(part: u64, whole: u64) -> String {
    if whole == 0 {
        return "0".to_string();
    }
    let scaled = u128::from(part) * 100 * 10_000 / u128::from(whole);
    format!("{}.{:04}", scaled / 10_000, scaled % 10_000)
}

// ---------------------------------------------------------------------------------------------
// The household certificate booklet (股权证)

/// A record that changed a holding of the household: an allotment, a transfer or gift, an
/// inheritance, a redemption, or the correction of one.
#[derive(Serialize)]
pub struct ChangeLine {
    pub seq: u64,
    pub date: NaiveDate,
    #[serde(rename = "type")]
    pub event_type: String,
    pub summary: Summary,
    /// A later record corrected this one (R15).
    pub corrected: bool,
}

/// A pledge of a household member's units and its release.
#[derive(Serialize)]
pub struct PledgeLine {
    pub seq: u64,
    pub date: NaiveDate,
    pub name: String,
    pub id_masked: MaskedId,
    pub class: Option<String>,
    pub units: u64,
    pub pledgee: String,
    pub contract: String,
    pub released_on: Option<NaiveDate>,
    pub corrected: bool,
}

/// The certificate with what the booklet adds: its number, the household's recorded changes
/// and its pledges.
#[derive(Serialize)]
pub struct CertificateBooklet {
    #[serde(flatten)]
    pub certificate: CertificateDocument,
    pub number: String,
    pub changes: Vec<ChangeLine>,
    pub pledges: Vec<PledgeLine>,
}

impl CertificateBooklet {
    fn changes_table(&self, lang: Lang) -> Table {
        let mut table = Table::typed(
            vec![
                t(lang, "序号", "seq"),
                t(lang, "日期", "date"),
                t(lang, "事项", "change"),
                t(lang, "内容", "particulars"),
                t(lang, "经办人签章", "clerk's seal"),
            ],
            vec![
                Column::Number,
                Column::Date,
                Column::Text,
                Column::Text,
                Column::Text,
            ],
        );
        for change in &self.changes {
            let mut particulars = change.summary.text(lang).to_string();
            if change.corrected {
                particulars.push_str(t(lang, "（已更正）", " (corrected)"));
            }
            table.push(vec![
                change.seq.to_string(),
                change.date.to_string(),
                type_label(&change.event_type, lang).to_string(),
                particulars,
                String::new(),
            ]);
        }
        table
    }

    fn pledges_table(&self, lang: Lang, classes: &[ShareClass]) -> Table {
        let mut table = Table::typed(
            vec![
                t(lang, "序号", "seq"),
                t(lang, "质押日期", "pledged on"),
                t(lang, "出质人", "pledgor"),
                t(lang, "身份证号", "ID"),
                t(lang, "质押股", "units"),
                t(lang, "质权人", "pledgee"),
                t(lang, "合同编号", "contract"),
                t(lang, "解除日期", "released on"),
            ],
            vec![
                Column::Number,
                Column::Date,
                Column::Text,
                Column::Code,
                Column::Number,
                Column::Text,
                Column::Code,
                Column::Date,
            ],
        );
        for pledge in &self.pledges {
            let mut units = Units(pledge.units).to_string();
            if let Some(class) = &pledge.class {
                units = format!("{} {units}", class_name(classes, class, lang));
            }
            let released = if pledge.corrected {
                t(lang, "已更正", "corrected").to_string()
            } else {
                date_or_dash(pledge.released_on)
            };
            table.push(vec![
                pledge.seq.to_string(),
                pledge.date.to_string(),
                pledge.name.clone(),
                pledge.id_masked.to_string(),
                units,
                pledge.pledgee.clone(),
                pledge.contract.clone(),
                released,
            ]);
        }
        table
    }
}

impl Document for CertificateBooklet {
    fn layout(&self, lang: Lang) -> Layout {
        let mut layout = self.certificate.layout(lang);
        layout.line(t(lang, "股权变更记录", "changes"));
        layout.table(self.changes_table(lang));
        layout.line(t(lang, "股权质押登记", "pledges"));
        layout.table(self.pledges_table(lang, &self.certificate.heading.classes));
        layout
    }

    fn paper(&self, lang: Lang) -> Layout {
        let (heading, certificate) = (&self.certificate.heading, &self.certificate.certificate);
        let mut layout = Layout::default();
        // The cover.
        layout.line(heading.collective.clone());
        layout.paper(Paper::Title(
            t(lang, "股 权 证", "Household Share Certificate").to_string(),
        ));
        layout.field(t(lang, "证号", "certificate no."), &self.number);
        layout.field(t(lang, "户号", "household"), &certificate.household);
        layout.field(
            t(lang, "户主", "head of household"),
            certificate.head.as_deref().unwrap_or("-"),
        );
        layout.field(
            t(lang, "本户合计股", "household total"),
            Units(certificate.total_units).to_string(),
        );
        layout.field(t(lang, "发证日期", "issued on"), heading.as_of.to_string());
        layout.field(t(lang, "统一社会信用代码", "credit code"), &heading.code);
        layout.paper(Paper::Seal(
            t(lang, "发证单位（盖章）", "seal of the issuer").to_string(),
        ));
        layout.paper(Paper::Note(
            t(
                lang,
                "股权到人、发证到户。本证记载本户成员持有的集体经营性财产收益权份额，不因户籍迁移而改变；变更、继承、赎回、质押均以登记为准。",
                "Shares belong to persons; the certificate is issued per household. It records the income-right shares the household's members hold, unchanged by any move of hukou; changes, inheritance, redemption and pledges count as registered.",
            )
            .to_string(),
        ));
        layout.paper(Paper::PageBreak);
        // Holders and shares.
        layout.paper(Paper::Heading(
            t(lang, "持股人及股份", "Holders and shares").to_string(),
        ));
        if let Some(table) = first_table(self.certificate.layout(lang)) {
            layout.table(table);
        }
        layout.line(format!(
            "{}: {}    {}: {}",
            t(lang, "本户合计股", "household total"),
            Units(certificate.total_units),
            t(lang, "折算股", "weighted"),
            Units(certificate.total_weighted_units)
        ));
        layout.paper(Paper::Note(masked_note(lang)));
        layout.paper(Paper::Signatures(vec![
            t(lang, "户主签字", "head of household").to_string(),
            t(lang, "经办人", "clerk").to_string(),
        ]));
        layout.paper(Paper::PageBreak);
        // Changes.
        layout.paper(Paper::Heading(
            t(lang, "股权变更记录", "Changes").to_string(),
        ));
        if self.changes.is_empty() {
            layout.line(t(lang, "（无）", "(none)"));
        } else {
            layout.table(self.changes_table(lang));
        }
        layout.paper(Paper::PageBreak);
        // Pledges.
        layout.paper(Paper::Heading(
            t(lang, "股权质押登记", "Pledges").to_string(),
        ));
        if self.pledges.is_empty() {
            layout.line(t(lang, "（无）", "(none)"));
        } else {
            layout.table(self.pledges_table(lang, &heading.classes));
        }
        sign_and_seal(
            &mut layout,
            vec![
                t(lang, "出质人签字", "pledgor"),
                t(lang, "质权人签章", "pledgee"),
                t(lang, "经办人", "clerk"),
            ],
            t(lang, "集体经济组织（盖章）", "seal of the collective").to_string(),
        );
        layout
    }
}

// ---------------------------------------------------------------------------------------------
// The public notice of a distribution (公示), and `distribution show` on paper

impl PlanDocument {
    pub fn plan_paper(&self, lang: Lang) -> Layout {
        let notice = self.document == PlanPaper::Notice;
        let mut layout = Layout::default();
        layout.line(self.collective.clone());
        layout.paper(Paper::Title(if notice {
            t(
                lang,
                format!("{} 年度收益分配方案公示", self.year),
                format!("{} income distribution plan: public notice", self.year),
            )
        } else {
            t(
                lang,
                format!("{} 年度收益分配表", self.year),
                format!("{} income distribution", self.year),
            )
        }));
        layout.field(t(lang, "统一社会信用代码", "credit code"), &self.code);
        layout.field(
            t(lang, "方案", "plan"),
            t(
                lang,
                format!("第 {} 稿（{}）", self.revision, self.status.text(lang)),
                format!("draft {} ({})", self.revision, self.status.text(lang)),
            ),
        );
        layout.field(
            t(lang, "股权登记日", "record date"),
            self.record_date.to_string(),
        );
        if notice {
            let period = match (self.noticed_on, self.notice_ends) {
                (Some(from), Some(to)) => t(
                    lang,
                    format!("{from} 发布，公示期自次日起至 {to} 止，共 {} 日", self.notice_days),
                    format!(
                        "posted on {from}; the notice period runs from the next day to the end of {to}, {} days",
                        self.notice_days
                    ),
                ),
                _ => t(
                    lang,
                    format!("____年__月__日 起 {} 日", self.notice_days),
                    format!("{} days from ____-__-__", self.notice_days),
                ),
            };
            layout.field(t(lang, "公示期", "notice period"), period);
            layout.field(
                t(lang, "表决不早于", "vote not before"),
                date_or_dash(self.vote_not_before),
            );
        }
        layout.paper(Paper::Heading(
            t(lang, "方案主要数据", "The plan's figures").to_string(),
        ));
        layout.table(self.figures_table(lang));
        layout.paper(Paper::Heading(
            t(lang, "分配明细", "Every holder's line").to_string(),
        ));
        if let Some(table) = first_table(self.layout(lang)) {
            layout.table(table);
        }
        layout.paper(Paper::Note(masked_note(lang)));
        if notice {
            layout.paper(Paper::Heading(t(lang, "异议", "Objections").to_string()));
            let until = self.notice_ends.map_or_else(
                || t(lang, "____年__月__日", "____-__-__").to_string(),
                |d| d.to_string(),
            );
            layout.line(t(
                lang,
                format!("成员对本方案有异议的，请于 {until}（含当日）前以书面形式向下列地点提出；逾期未提出的，视为无异议。"),
                format!("A member who objects to this plan may do so in writing at the place below until the end of {until}; no objection by then counts as none."),
            ));
            layout.paper(Paper::FillIn(
                t(lang, "受理地点：", "Where to object:").to_string(),
            ));
            layout.paper(Paper::FillIn(
                t(lang, "联系人及电话：", "Contact and telephone:").to_string(),
            ));
        }
        sign_and_seal(
            &mut layout,
            vec![
                t(lang, "理事会", "the board"),
                t(lang, "监事会", "the supervisors"),
            ],
            t(lang, "集体经济组织（盖章）", "seal of the collective").to_string(),
        );
        layout
    }

    fn figures_table(&self, lang: Lang) -> Table {
        let mut table = Table::typed(
            vec![t(lang, "项目", "item"), t(lang, "金额或数量", "amount")],
            vec![Column::Text, Column::Money],
        );
        let rows: Vec<(String, String)> = vec![
            (
                t(lang, "年度收益（元）", "income (yuan)").into(),
                Fen(self.income_fen).to_string(),
            ),
            (
                t(lang, "弥补亏损（元）", "losses covered (yuan)").into(),
                Fen(self.losses_fen).to_string(),
            ),
            (
                t(
                    lang,
                    format!("提取公积金 {}%（元）", self.reserve_rate_percent),
                    format!("reserve fund {}% (yuan)", self.reserve_rate_percent),
                ),
                Fen(self.reserve_fen).to_string(),
            ),
            (
                t(
                    lang,
                    format!("提取公益金 {}%（元）", self.welfare_rate_percent),
                    format!("welfare fund {}% (yuan)", self.welfare_rate_percent),
                ),
                Fen(self.welfare_fen).to_string(),
            ),
            (
                t(lang, "可分配收益（元）", "distributable (yuan)").into(),
                Fen(self.distributable_fen).to_string(),
            ),
            (
                t(lang, "折算总股数", "weighted shares in all").into(),
                Units(self.total_weighted_units).to_string(),
            ),
            (
                t(lang, "每股分红（元）", "per share (yuan)").into(),
                self.per_share_yuan.clone(),
            ),
            (
                t(lang, "集体股分得（元）", "collective share's part (yuan)").into(),
                Fen(self.collective_fen).to_string(),
            ),
            (
                t(lang, "尾差留存（元）", "retained (yuan)").into(),
                Fen(self.retained_fen).to_string(),
            ),
            (
                t(lang, "分配到人合计（元）", "to holders in all (yuan)").into(),
                Fen(self.lines_fen).to_string(),
            ),
            (
                t(lang, "股东人数", "holders").into(),
                self.holders.to_string(),
            ),
        ];
        for (item, value) in rows {
            table.push(vec![item, value]);
        }
        table
    }
}

// ---------------------------------------------------------------------------------------------
// The pay-out sheet (分红发放表)

/// A posted year's dividends, one line a holder with a column to sign on receipt.
#[derive(Serialize)]
pub struct PayoutSheet {
    pub document: &'static str,
    pub collective: String,
    pub code: String,
    pub year: u16,
    pub posted_on: Option<NaiveDate>,
    pub holders: usize,
    pub lines_fen: i64,
    pub paid_fen: i64,
    pub lines: Vec<DividendLine>,
    /// The weighted units of the lines (the table's total).
    #[serde(skip)]
    pub lines_weighted_units: u64,
}

impl PayoutSheet {
    /// The `number`th line's row (from 1).
    pub fn row(&self, lang: Lang, number: usize, line: &DividendLine) -> Vec<String> {
        let name = holder_name(&line.name, line.estate, lang);
        let paid_on = line
            .payment
            .as_ref()
            .and_then(|p| p.paid_on)
            .map(|d| d.to_string())
            .unwrap_or_default();
        vec![
            number.to_string(),
            line.household.clone(),
            name,
            line.id_masked.to_string(),
            Units(line.weighted_units).to_string(),
            Fen(line.amount_fen).to_string(),
            paid_on,
            String::new(),
        ]
    }

    /// The sheet's layout with its table holding only the total row: the lines' rows (`row`)
    /// go before it.
    pub fn frame(&self, lang: Lang) -> Layout {
        let mut layout = Layout::default();
        layout.line(self.title(lang));
        layout.line(self.summary(lang));
        layout.table(self.table(lang));
        layout
    }

    /// The table with its total row only.
    fn table(&self, lang: Lang) -> Table {
        let mut table = Table::typed(
            vec![
                t(lang, "序号", "no."),
                t(lang, "户号", "household"),
                t(lang, "姓名", "name"),
                t(lang, "身份证号", "ID"),
                t(lang, "折算股", "weighted shares"),
                t(lang, "分红(元)", "dividend (yuan)"),
                t(lang, "支付日期", "paid on"),
                t(lang, "签字", "signature"),
            ],
            vec![
                Column::Number,
                Column::Code,
                Column::Text,
                Column::Code,
                Column::Number,
                Column::Money,
                Column::Date,
                Column::Text,
            ],
        );
        table.push(vec![
            t(lang, "合计", "total").to_string(),
            String::new(),
            String::new(),
            String::new(),
            Units(self.lines_weighted_units).to_string(),
            Fen(self.lines_fen).to_string(),
            String::new(),
            String::new(),
        ]);
        table
    }

    /// The table with every line.
    fn table_whole(&self, lang: Lang) -> Table {
        let mut table = self.table(lang);
        table.rows_before_total(self.rows(lang));
        table
    }

    /// Every line's row, numbered.
    fn rows(&self, lang: Lang) -> impl Iterator<Item = Vec<String>> + '_ {
        (self.lines.iter().enumerate()).map(move |(number, line)| self.row(lang, number + 1, line))
    }

    fn title(&self, lang: Lang) -> String {
        t(
            lang,
            format!("{} {} 年度分红发放表", self.collective, self.year),
            format!("{} {} dividend pay-out sheet", self.collective, self.year),
        )
    }

    fn summary(&self, lang: Lang) -> String {
        format!(
            "{}: {}    {}: {}    {}: {}    {}: {}",
            t(lang, "入账日期", "posted on"),
            date_or_dash(self.posted_on),
            t(lang, "人数", "holders"),
            self.holders,
            t(lang, "应发合计(元)", "to pay (yuan)"),
            Fen(self.lines_fen),
            t(lang, "已付(元)", "paid (yuan)"),
            Fen(self.paid_fen),
        )
    }
}

impl Document for PayoutSheet {
    fn layout(&self, lang: Lang) -> Layout {
        let mut layout = self.frame(lang);
        layout.rows_before_total(self.rows(lang));
        layout
    }

    fn paper(&self, lang: Lang) -> Layout {
        let mut layout = Layout::default();
        layout.line(self.collective.clone());
        layout.paper(Paper::Title(t(
            lang,
            format!("{} 年度分红发放表", self.year),
            format!("{} dividend pay-out sheet", self.year),
        )));
        layout.line(self.summary(lang));
        layout.paper(Paper::SignTable(self.table_whole(lang)));
        layout.paper(Paper::Note(t(
            lang,
            "领取人核对金额无误后在“签字”栏签名（或按手印）；代领的注明代领人姓名及关系。身份证号仅显示前 6 位和后 4 位。".to_string(),
            "The payee checks the amount and signs (or puts a thumbprint) in the signature column; one who collects for another writes their own name and relation. ID numbers show their first 6 and last 4 characters only.".to_string(),
        )));
        sign_and_seal(
            &mut layout,
            vec![
                t(lang, "制表人", "prepared by"),
                t(lang, "发放人", "paid out by"),
                t(lang, "审核人", "checked by"),
            ],
            t(lang, "集体经济组织（盖章）", "seal of the collective").to_string(),
        );
        layout
    }
}

// ---------------------------------------------------------------------------------------------
// The change registration form (股权变更登记表)

/// What a change registration form is of.
#[derive(Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    Transfer,
    Gift,
    Inheritance,
    Redemption,
}

impl ChangeKind {
    fn text(self, lang: Lang) -> &'static str {
        match self {
            ChangeKind::Transfer => t(lang, "转让", "transfer"),
            ChangeKind::Gift => t(lang, "赠与", "gift"),
            ChangeKind::Inheritance => t(lang, "继承", "inheritance"),
            ChangeKind::Redemption => t(lang, "赎回", "redemption"),
        }
    }
}

/// A party's part in a change.
#[derive(Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PartyRole {
    /// Who gives the units up (transfer, gift, redemption).
    From,
    /// Who receives them (transfer, gift).
    To,
    Deceased,
    Heir,
    /// The collective that redeems.
    Collective,
}

impl PartyRole {
    fn text(self, lang: Lang) -> &'static str {
        match self {
            PartyRole::From => t(lang, "转出方", "from"),
            PartyRole::To => t(lang, "受让方", "to"),
            PartyRole::Deceased => t(lang, "被继承人", "deceased"),
            PartyRole::Heir => t(lang, "继承人", "heir"),
            PartyRole::Collective => t(lang, "回购方", "redeemed by"),
        }
    }
}

#[derive(Serialize)]
pub struct Party {
    pub role: PartyRole,
    pub name: String,
    /// A person's masked ID, or the collective's credit code.
    pub id_masked: String,
    pub class: String,
    pub units: u64,
    /// An heir's fraction of the estate (`1/2`).
    pub fraction: Option<String>,
    /// Whether the party was a member of the collective on the record's date.
    pub member: Option<bool>,
}

/// The form for one transfer, gift, inheritance or redemption record.
#[derive(Serialize)]
pub struct ChangeForm {
    pub document: &'static str,
    pub collective: String,
    pub code: String,
    pub seq: u64,
    pub date: NaiveDate,
    pub kind: ChangeKind,
    pub parties: Vec<Party>,
    pub units: u64,
    pub price_fen: Option<i64>,
    pub resolution: Option<String>,
    /// The holder's consent or a court's judgment behind a redemption (R8).
    pub authority: Option<String>,
    /// Whether the units are kept as the collective share (a redemption).
    pub to_collective: Option<bool>,
    /// A later record corrected this one (R15).
    pub corrected: bool,
    /// The seq of the record that corrected this one.
    pub corrected_by: Option<u64>,
    #[serde(skip)]
    pub classes: Vec<ShareClass>,
}

impl ChangeForm {
    fn title(&self, lang: Lang) -> String {
        t(lang, "股权变更登记表", "Share change registration form").to_string()
    }

    fn parties_table(&self, lang: Lang) -> Table {
        let mut table = Table::typed(
            vec![
                t(lang, "当事人", "party"),
                t(lang, "姓名或名称", "name"),
                t(lang, "身份证号或代码", "ID or code"),
                t(lang, "成员", "member"),
                t(lang, "股份类别", "class"),
                t(lang, "变动股数", "units"),
                t(lang, "继承份额", "fraction"),
            ],
            vec![
                Column::Text,
                Column::Text,
                Column::Code,
                Column::Text,
                Column::Text,
                Column::Number,
                Column::Code,
            ],
        );
        for party in &self.parties {
            table.push(vec![
                party.role.text(lang).to_string(),
                party.name.clone(),
                party.id_masked.clone(),
                party
                    .member
                    .map_or("-", |m| crate::labels::yes_no(lang, m))
                    .to_string(),
                class_name(&self.classes, &party.class, lang).to_string(),
                Units(party.units).to_string(),
                party.fraction.clone().unwrap_or_else(|| "-".into()),
            ]);
        }
        table
    }

    fn particulars(&self, lang: Lang, layout: &mut Layout) {
        layout.field(
            t(lang, "集体经济组织", "collective"),
            format!("{}（{}）", self.collective, self.code),
        );
        layout.field(
            t(lang, "登记记录号", "record no."),
            format!("#{}", self.seq),
        );
        layout.field(t(lang, "变更类型", "kind"), self.kind.text(lang));
        layout.field_typed(
            t(lang, "变更日期", "date"),
            self.date.to_string(),
            Column::Date,
        );
        layout.field_typed(
            t(lang, "变动股数", "units"),
            Units(self.units).to_string(),
            Column::Number,
        );
        // 无偿 (a gift) and `-` stay words: a cell that is not yuan is written as text.
        layout.field_typed(
            t(lang, "价款（元）", "price (yuan)"),
            match (self.kind, self.price_fen) {
                (ChangeKind::Gift | ChangeKind::Inheritance, _) => {
                    t(lang, "无偿", "none").to_string()
                }
                (_, Some(fen)) => Fen(fen).to_string(),
                (_, None) => "-".to_string(),
            },
            Column::Money,
        );
        if let Some(resolution) = &self.resolution {
            layout.field(t(lang, "决议", "resolution"), resolution);
        }
        if let Some(authority) = &self.authority {
            layout.field(
                t(lang, "持有人同意或判决", "consent or judgment"),
                authority,
            );
        }
        if let Some(kept) = self.to_collective {
            layout.field(
                t(lang, "赎回股份去向", "redeemed units"),
                if kept {
                    t(lang, "转为集体股", "kept as the collective share")
                } else {
                    t(lang, "注销", "cancelled")
                },
            );
        }
        if self.corrected {
            let by = self
                .corrected_by
                .map(|seq| format!("#{seq}"))
                .unwrap_or_else(|| "-".to_string());
            layout.field(
                t(lang, "状态", "status"),
                t(
                    lang,
                    format!("本记录已被第 {by} 号记录更正（R15），本表作废，不予签字"),
                    format!("corrected by record {by} (R15): this form is void and is not signed"),
                ),
            );
        }
    }
}

impl Document for ChangeForm {
    fn layout(&self, lang: Lang) -> Layout {
        let mut layout = Layout::default();
        layout.line(self.title(lang));
        self.particulars(lang, &mut layout);
        layout.table(self.parties_table(lang));
        layout
    }

    fn paper(&self, lang: Lang) -> Layout {
        let mut layout = Layout::default();
        layout.paper(Paper::Title(self.title(lang)));
        layout.paper(Paper::Heading(
            t(lang, "变更事项", "The change").to_string(),
        ));
        self.particulars(lang, &mut layout);
        if self.resolution.is_none() {
            layout.paper(Paper::FillIn(
                t(
                    lang,
                    "理事会审核意见及决议文号：",
                    "Board's review and resolution:",
                )
                .to_string(),
            ));
        }
        layout.paper(Paper::Heading(t(lang, "当事人", "The parties").to_string()));
        layout.table(self.parties_table(lang));
        layout.paper(Paper::Note(masked_note(lang)));
        if self.corrected {
            // A corrected record's form is void: no lines for anyone to sign.
            return layout;
        }
        let mut signatures: Vec<String> = self
            .parties
            .iter()
            .filter(|p| p.role != PartyRole::Collective && p.role != PartyRole::Deceased)
            .map(|p| format!("{}（{}）", p.role.text(lang), p.name))
            .collect();
        signatures.push(t(lang, "经办人", "clerk").to_string());
        signatures.push(t(lang, "负责人", "chair").to_string());
        layout.paper(Paper::Seal(
            t(lang, "集体经济组织（盖章）", "seal of the collective").to_string(),
        ));
        layout.paper(Paper::Signatures(signatures));
        layout
    }
}

// ---------------------------------------------------------------------------------------------
// The member statement on paper

/// A member's statement as printed: its records, dividends and the reference as a QR code.
#[derive(Serialize)]
pub struct StatementPaper {
    pub document: &'static str,
    pub collective: String,
    pub code: String,
    pub name: String,
    pub id_masked: MaskedId,
    pub issued_at: String,
    pub checkpoint_size: u64,
    pub reference: String,
    pub records: Vec<StatementLine>,
    pub not_yet_covered: usize,
    pub dividends: Vec<gufen_ledger::statement::DividendLine>,
}

#[derive(Serialize)]
pub struct StatementLine {
    pub seq: u64,
    pub date: NaiveDate,
    #[serde(rename = "type")]
    pub event_type: String,
    pub summary: Summary,
}

impl StatementPaper {
    fn title(&self, lang: Lang) -> String {
        t(lang, "成员股权对账单", "Member statement").to_string()
    }

    fn fields(&self, lang: Lang, layout: &mut Layout) {
        layout.field(
            t(lang, "集体经济组织", "collective"),
            format!("{}（{}）", self.collective, self.code),
        );
        layout.field(t(lang, "姓名", "name"), &self.name);
        layout.field(t(lang, "身份证号", "ID"), self.id_masked.to_string());
        layout.field(
            t(lang, "出具时间", "issued at"),
            china_time(&self.issued_at, lang),
        );
        layout.field(
            t(lang, "检查点记录数", "checkpoint size"),
            self.checkpoint_size.to_string(),
        );
        layout.field(t(lang, "核验码", "reference"), &self.reference);
    }

    fn records_table(&self, lang: Lang) -> Table {
        let mut table = Table::typed(
            vec![
                t(lang, "序号", "seq"),
                t(lang, "日期", "date"),
                t(lang, "类型", "type"),
                t(lang, "摘要", "summary"),
            ],
            vec![Column::Number, Column::Date, Column::Text, Column::Text],
        );
        for record in &self.records {
            table.push(vec![
                record.seq.to_string(),
                record.date.to_string(),
                type_label(&record.event_type, lang).to_string(),
                record.summary.text(lang).to_string(),
            ]);
        }
        table
    }

    fn dividends_table(&self, lang: Lang) -> Table {
        let mut table = Table::typed(
            vec![
                t(lang, "年度", "year"),
                t(lang, "应付(元)", "declared (yuan)"),
                t(lang, "已付(元)", "paid (yuan)"),
                t(lang, "结清", "settled"),
            ],
            vec![Column::Code, Column::Money, Column::Money, Column::Text],
        );
        for line in &self.dividends {
            table.push(vec![
                line.year.to_string(),
                Fen(line.amount_fen).to_string(),
                Fen(line.paid_fen).to_string(),
                crate::labels::yes_no(lang, line.paid).to_string(),
            ]);
        }
        table
    }
}

impl Document for StatementPaper {
    fn layout(&self, lang: Lang) -> Layout {
        let mut layout = Layout::default();
        layout.line(self.title(lang));
        self.fields(lang, &mut layout);
        layout.table(self.records_table(lang));
        layout.table(self.dividends_table(lang));
        layout
    }

    fn paper(&self, lang: Lang) -> Layout {
        let mut layout = Layout::default();
        layout.paper(Paper::Title(self.title(lang)));
        layout.paper(Paper::Qr {
            text: self.reference.clone(),
            caption: t(lang, "核验码", "reference").to_string(),
        });
        self.fields(lang, &mut layout);
        layout.paper(Paper::Heading(
            t(lang, "与本人有关的记录", "Records concerning the member").to_string(),
        ));
        layout.table(self.records_table(lang));
        if self.not_yet_covered > 0 {
            layout.line(t(
                lang,
                format!(
                    "另有 {} 条记录在检查点之后，尚无证明。",
                    self.not_yet_covered
                ),
                format!(
                    "{} more records came after the checkpoint and carry no proof yet.",
                    self.not_yet_covered
                ),
            ));
        }
        layout.paper(Paper::Heading(t(lang, "分红", "Dividends").to_string()));
        if self.dividends.is_empty() {
            layout.line(t(lang, "（无）", "(none)"));
        } else {
            layout.table(self.dividends_table(lang));
        }
        layout.paper(Paper::Note(t(
            lang,
            "核验：持本人的对账单文件（JSON）和集体经济组织公布的验证公钥，运行 gufen audit statement 可离线核验每条记录都在已签名的账本中；文件中的 reference 应与上面的核验码一致。身份证号仅显示前 6 位和后 4 位。".to_string(),
            "To check: with the statement file (JSON) and the verifier key the collective publishes, `gufen audit statement` checks offline that every record is in the signed ledger; the file's reference must equal the reference above. ID numbers show their first 6 and last 4 characters only.".to_string(),
        )));
        sign_and_seal(
            &mut layout,
            vec![
                t(lang, "经办人", "clerk"),
                t(lang, "成员签收", "received by the member"),
            ],
            t(lang, "集体经济组织（盖章）", "seal of the collective").to_string(),
        );
        layout
    }
}

/// An instant stored in UTC (`2026-12-31T08:00:00Z`) as a reader in China reads it: China
/// Standard Time, to the minute, the zone named (`2026-12-31 16:00（北京时间 UTC+8）`). A text
/// that is not such an instant is printed as it is.
fn china_time(instant: &str, lang: Lang) -> String {
    const CHINA_SECONDS_EAST: i32 = 8 * 3600;
    let Some(china) = chrono::FixedOffset::east_opt(CHINA_SECONDS_EAST) else {
        return instant.to_string();
    };
    match chrono::DateTime::parse_from_rfc3339(instant) {
        Ok(time) => {
            let local = time.with_timezone(&china).format("%Y-%m-%d %H:%M");
            t(
                lang,
                format!("{local}（北京时间 UTC+8）"),
                format!("{local} China Standard Time (UTC+8)"),
            )
        }
        Err(_) => instant.to_string(),
    }
}

/// Whether a plan's pay-out sheet can be printed: only once posted.
pub fn payable(status: PlanStatus) -> bool {
    status == PlanStatus::Posted
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_percent_on_paper_has_four_decimals_rounded_down() {
        assert_eq!(percent_four_places(1, 40), "2.5000");
        assert_eq!(percent_four_places(1, 574), "0.1742");
        assert_eq!(percent_four_places(2, 3), "66.6666");
        assert_eq!(percent_four_places(7, 7), "100.0000");
        assert_eq!(percent_four_places(0, 0), "0");
    }
}
