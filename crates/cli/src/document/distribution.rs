//! The yearly distribution on paper: the public notice (公示) and `distribution show` of a plan,
//! the summary a draft or posting prints, and the dividends still owed.

use super::{date_or_dash, Column, Document, Layout, Table};
use crate::cli::Lang;
use crate::labels::{serialize_code, t, yes_no, Labelled};
use chrono::NaiveDate;
use gufen_core::amount::{format_scaled, Percent};
use gufen_core::charter::{Charter, Rounding};
use gufen_core::report::{
    DistributionReport, DistributionSums, DividendLine, NotPaidBecause, OwedLine,
};
use gufen_core::state::PlanStatus;
use gufen_core::{Fen, Units};
use serde::Serialize;

/// Which paper a plan is printed as.
#[derive(Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PlanPaper {
    /// The public notice: no payment columns.
    Notice,
    /// The accountant's view: each line paid or unpaid.
    #[serde(rename = "distribution")]
    Show,
}

/// A year's plan with every holder's line.
#[derive(Serialize)]
pub struct PlanDocument {
    pub document: PlanPaper,
    pub collective: String,
    pub code: String,
    pub year: u16,
    #[serde(serialize_with = "serialize_code")]
    pub status: PlanStatus,
    pub revision: u32,
    pub record_date: NaiveDate,
    pub drafted_on: NaiveDate,
    pub noticed_on: Option<NaiveDate>,
    pub approved_on: Option<NaiveDate>,
    pub posted_on: Option<NaiveDate>,
    pub vote_not_before: Option<NaiveDate>,
    pub income_fen: i64,
    pub losses_fen: i64,
    pub reserve_rate_percent: String,
    pub reserve_fen: i64,
    pub welfare_rate_percent: String,
    pub welfare_fen: i64,
    pub distributable_fen: i64,
    #[serde(serialize_with = "serialize_code")]
    pub rounding: Rounding,
    pub total_weighted_units: u64,
    pub collective_weighted_units: u64,
    pub collective_fen: i64,
    pub retained_fen: i64,
    pub per_share_yuan: String,
    pub lines_fen: i64,
    pub paid_fen: i64,
    pub holders: usize,
    pub lines: Vec<DividendLine>,
    /// The weighted units of the lines (the table's total).
    #[serde(skip)]
    pub lines_weighted_units: u64,
    /// The charter's notice days and the last day of the notice period (the paper's).
    #[serde(skip)]
    pub notice_days: u32,
    #[serde(skip)]
    pub notice_ends: Option<NaiveDate>,
}

impl PlanDocument {
    /// The plan with every line of `report`.
    pub fn new(charter: &Charter, report: &DistributionReport, paper: PlanPaper) -> Self {
        let sums = DistributionSums::of(&report.lines);
        let mut document = PlanDocument::heading(charter, report, paper, report.lines.len(), &sums);
        document.lines = report.lines.iter().map(|l| shown(paper, l)).collect();
        document
    }

    /// The plan without its lines (`lines` empty): `holders` lines summing to `sums` go in it.
    pub fn heading(
        charter: &Charter,
        report: &DistributionReport,
        paper: PlanPaper,
        holders: usize,
        sums: &DistributionSums,
    ) -> Self {
        let plan = &report.plan;
        PlanDocument {
            document: paper,
            collective: charter.name.clone(),
            code: charter.code.to_string(),
            year: plan.year,
            status: report.status,
            revision: report.revision,
            record_date: plan.record_date,
            drafted_on: report.drafted_on,
            noticed_on: report.noticed_on,
            approved_on: report.approved_on,
            posted_on: report.posted_on,
            vote_not_before: report.noticed_on.map(|d| charter.earliest_vote(d)),
            notice_days: charter.notice_days,
            notice_ends: report.noticed_on.map(|d| charter.notice_period_end(d)),
            income_fen: plan.income_fen,
            losses_fen: plan.losses_fen,
            reserve_rate_percent: Percent(plan.reserve_rate_ppm).to_string(),
            reserve_fen: plan.reserve_fen,
            welfare_rate_percent: Percent(plan.welfare_rate_ppm).to_string(),
            welfare_fen: plan.welfare_fen,
            distributable_fen: plan.distributable_fen,
            rounding: plan.rounding,
            total_weighted_units: plan.total_weighted_units,
            collective_weighted_units: plan.collective_weighted_units,
            collective_fen: plan.collective_fen,
            retained_fen: plan.retained_fen,
            per_share_yuan: format_scaled(report.per_share_yuan_e4, 4, 2),
            lines_fen: sums.lines_fen,
            paid_fen: sums.paid_fen,
            holders,
            lines: Vec::new(),
            lines_weighted_units: sums.weighted_units,
        }
    }

    /// One line's row of the table (a line `shown`).
    pub fn row(&self, lang: Lang, line: &DividendLine) -> Vec<String> {
        let mut row = vec![
            line.household.clone(),
            holder_name(&line.name, line.estate, lang),
            line.id_masked.to_string(),
            Units(line.weighted_units).to_string(),
            Fen(line.amount_fen).to_string(),
        ];
        if let Some(payment) = &line.payment {
            row.push(yes_no(lang, payment.paid).to_string());
            row.push(payment.paid_on.map(|d| d.to_string()).unwrap_or_default());
            row.push(reason_text(
                payment.not_paid_because,
                payment.failure_reason.as_deref(),
                lang,
            ));
            row.push(payment.line_reference.clone().unwrap_or_default());
        }
        row
    }

    /// The plan's layout with its table holding only the total row: the lines' rows (`row`)
    /// go before it.
    pub fn frame(&self, lang: Lang) -> Layout {
        let show = self.document == PlanPaper::Show;
        let mut headers = vec![
            t(lang, "户号", "household"),
            t(lang, "姓名", "name"),
            t(lang, "身份证号", "ID"),
            t(lang, "折算股", "weighted shares"),
            t(lang, "分红(元)", "dividend (yuan)"),
        ];
        if show {
            headers.extend([
                t(lang, "已支付", "paid"),
                t(lang, "支付日期", "paid on"),
                t(lang, "未付原因", "not paid because"),
                t(lang, "参考号", "reference"),
            ]);
        }
        let mut columns = vec![
            Column::Code,
            Column::Text,
            Column::Code,
            Column::Number,
            Column::Money,
        ];
        if show {
            // The line's reference last, as the bank's file carries it, to match the two.
            columns.extend([Column::Text, Column::Date, Column::Text, Column::Code]);
        }
        let mut table = Table::typed(headers, columns);
        let mut total = vec![
            t(lang, "合计", "total").to_string(),
            String::new(),
            String::new(),
            Units(self.lines_weighted_units).to_string(),
            Fen(self.lines_fen).to_string(),
        ];
        if show {
            total.push(Fen(self.paid_fen).to_string());
            total.push(String::new());
            total.push(String::new());
            total.push(String::new());
        }
        table.push(total);
        let mut layout = Layout::default();
        self.heading_lines(lang, &mut layout);
        layout.table(table);
        layout
    }

    fn heading_lines(&self, lang: Lang, layout: &mut Layout) {
        let title = match self.document {
            PlanPaper::Notice => t(
                lang,
                "年度收益分配方案公示",
                "income distribution plan: public notice",
            ),
            PlanPaper::Show => t(lang, "年度收益分配", "income distribution"),
        };
        let status = self.status.text(lang);
        layout.line(t(
            lang,
            format!(
                "{}（{}）{} {title}（第 {} 稿，{status}）",
                self.collective, self.code, self.year, self.revision
            ),
            format!(
                "{} ({}) {} {title} (draft {}, {status})",
                self.collective, self.code, self.year, self.revision
            ),
        ));
        layout.line(format!(
            "{}: {}    {}: {}    {}: {}",
            t(lang, "股权登记日", "record date"),
            self.record_date,
            t(lang, "公示日期", "noticed on"),
            date_or_dash(self.noticed_on),
            t(lang, "表决不早于", "vote not before"),
            date_or_dash(self.vote_not_before),
        ));
        let separator = t(lang, "；", "; ");
        let item = |label: &str, value: &dyn std::fmt::Display| format!("{label} {value}");
        let funds = [
            item(t(lang, "年度收益", "income"), &Fen(self.income_fen)),
            item(t(lang, "弥补亏损", "losses covered"), &Fen(self.losses_fen)),
            format!(
                "{} ({}%) {}",
                t(lang, "提取公积金", "reserve fund"),
                self.reserve_rate_percent,
                Fen(self.reserve_fen)
            ),
            format!(
                "{} ({}%) {}",
                t(lang, "提取公益金", "welfare fund"),
                self.welfare_rate_percent,
                Fen(self.welfare_fen)
            ),
            item(
                t(lang, "可分配", "distributable"),
                &Fen(self.distributable_fen),
            ),
        ];
        layout.line(format!(
            "{}{}",
            funds.join(separator),
            t(lang, "（金额单位：元）", " (amounts in yuan)")
        ));
        let shares = [
            item(
                t(lang, "折算总股数", "weighted shares in all"),
                &Units(self.total_weighted_units),
            ),
            item(t(lang, "每股分红", "per share"), &self.per_share_yuan),
            item(t(lang, "尾差处理", "rounding"), &self.rounding.text(lang)),
            item(t(lang, "留存", "retained"), &Fen(self.retained_fen)),
            item(
                t(lang, "集体股分得", "collective share's part"),
                &Fen(self.collective_fen),
            ),
        ];
        layout.line(shares.join(separator));
    }
}

/// A line as `paper` shows it: the public notice shows no payments.
pub fn shown(paper: PlanPaper, line: &DividendLine) -> DividendLine {
    DividendLine {
        payment: line.payment.clone().filter(|_| paper == PlanPaper::Show),
        ..line.clone()
    }
}

/// A holder's name, marked when the amount goes to their estate.
pub fn holder_name(name: &str, estate: bool, lang: Lang) -> String {
    if estate {
        t(lang, format!("{name}（遗产）"), format!("{name} (estate)"))
    } else {
        name.to_string()
    }
}

impl Document for PlanDocument {
    fn layout(&self, lang: Lang) -> Layout {
        let mut layout = self.frame(lang);
        layout.rows_before_total(self.lines.iter().map(|line| self.row(lang, line)));
        layout
    }

    fn paper(&self, lang: Lang) -> Layout {
        self.plan_paper(lang)
    }
}

/// What a draft or a posting prints: the plan's figures without its lines.
#[derive(Serialize)]
pub struct PlanSummary {
    pub year: u16,
    #[serde(serialize_with = "serialize_code")]
    pub status: PlanStatus,
    pub holders: usize,
    pub distributable_fen: i64,
    pub lines_fen: i64,
}

impl Document for PlanSummary {
    fn layout(&self, lang: Lang) -> Layout {
        let posted = if self.status == PlanStatus::Posted {
            t(lang, "（已入账）", " (posted)")
        } else {
            ""
        };
        let mut layout = Layout::default();
        layout.line(format!(
            "{} {}{posted}: {} {}, {} {} {}, {} {} {}",
            self.year,
            t(lang, "年度分配方案", "distribution plan"),
            t(lang, "股东", "holders"),
            self.holders,
            t(lang, "可分配", "distributable"),
            Fen(self.distributable_fen),
            t(lang, "元", "yuan"),
            t(lang, "分配到人", "to holders"),
            Fen(self.lines_fen),
            t(lang, "元", "yuan"),
        ));
        layout
    }
}

/// Every posted dividend not yet paid, over all years.
#[derive(Serialize)]
pub struct Owed {
    /// The day the list was drawn up (today, in China Standard Time).
    pub as_of: NaiveDate,
    pub owed_fen: i64,
    pub lines: Vec<OwedLine>,
}

impl Owed {
    /// One owed line's row.
    pub fn row(lang: Lang, line: &OwedLine) -> Vec<String> {
        vec![
            line.year.to_string(),
            line.household.clone(),
            holder_name(&line.name, line.estate, lang),
            line.id_masked.to_string(),
            Fen(line.amount_fen).to_string(),
            not_paid_because(line, lang),
            line.line_reference.clone(),
        ]
    }

    /// The list's layout with its table holding only the total row: the lines' rows (`row`)
    /// go before it.
    pub fn frame(&self, lang: Lang) -> Layout {
        let mut table = Table::typed(
            vec![
                t(lang, "年度", "year"),
                t(lang, "户号", "household"),
                t(lang, "姓名", "name"),
                t(lang, "身份证号", "ID"),
                t(lang, "未付分红(元)", "owed (yuan)"),
                t(lang, "未付原因", "not paid because"),
                t(lang, "参考号", "reference"),
            ],
            vec![
                Column::Number,
                Column::Code,
                Column::Text,
                Column::Code,
                Column::Money,
                Column::Text,
                // The line's reference, as the bank's file carries it, to match the two.
                Column::Code,
            ],
        );
        table.push(vec![
            t(lang, "合计", "total").to_string(),
            String::new(),
            String::new(),
            String::new(),
            Fen(self.owed_fen).to_string(),
            String::new(),
            String::new(),
        ]);
        let mut layout = Layout::default();
        layout.line(t(
            lang,
            format!("未付分红（截至 {}）", self.as_of),
            format!("unpaid dividends (as of {})", self.as_of),
        ));
        layout.table(table);
        layout
    }
}

impl Document for Owed {
    fn layout(&self, lang: Lang) -> Layout {
        let mut layout = self.frame(lang);
        layout.rows_before_total(self.lines.iter().map(|line| Owed::row(lang, line)));
        layout
    }
}

/// The 未付原因 of an owed line: the bank's recorded reason, else why nothing can be paid yet
/// (the words `payfile` gives a line it leaves out).
fn not_paid_because(line: &OwedLine, lang: Lang) -> String {
    reason_text(line.not_paid_because, line.failure_reason.as_deref(), lang)
}

/// The words of a 未付原因 (`because`), the bank's own (`failure_reason`) for a failed payment;
/// the same in `distribution owed` and `distribution show`.
fn reason_text(
    because: Option<NotPaidBecause>,
    failure_reason: Option<&str>,
    lang: Lang,
) -> String {
    match because {
        Some(NotPaidBecause::BankFailure) => failure_reason.unwrap_or_default().to_string(),
        Some(NotPaidBecause::Estate) => estate_text(lang).to_string(),
        Some(NotPaidBecause::NoAccount) => no_account_text(lang).to_string(),
        None => String::new(),
    }
}

/// Why a deceased holder's line is not paid: it goes to the estate (R10).
pub fn estate_text(lang: Lang) -> &'static str {
    t(
        lang,
        "已故：待遗产继承后支付",
        "deceased: paid to the estate once settled",
    )
}

/// Why a line without an account on record is not paid by a bank file.
pub fn no_account_text(lang: Lang) -> &'static str {
    t(lang, "无银行账户", "no bank account")
}
