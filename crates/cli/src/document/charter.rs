//! `charter show`: the charter's settings as registered, and the current member count.

use super::{Document, Layout};
use crate::cli::Lang;
use crate::labels::{serialize_code, t, yes_no, Labelled};
use gufen_core::charter::{ApprovalBody, Management, Rounding};
use gufen_core::event::CharterLossGround;
use gufen_core::state::Collective;
use gufen_core::Units;
use serde::Serialize;

#[derive(Serialize)]
pub struct CharterDocument {
    pub name: String,
    pub code: String,
    pub province: String,
    pub baseline_date: chrono::NaiveDate,
    #[serde(serialize_with = "serialize_code")]
    pub management: Management,
    pub holding_cap_percent: String,
    pub inheritance_counts_toward_cap: bool,
    pub reserve_rate_percent: String,
    pub reserve_floor_percent: String,
    pub welfare_rate_percent: String,
    pub welfare_floor_percent: String,
    pub notice_days: u32,
    #[serde(serialize_with = "serialize_code")]
    pub approval_body: ApprovalBody,
    #[serde(serialize_with = "serialize_code")]
    pub rounding: Rounding,
    pub collective_share: bool,
    pub classes: Vec<ClassRow>,
    /// The charter's own grounds for losing membership, each with its article (R2).
    pub loss_grounds: Vec<CharterLossGround>,
    /// The adopted quantification plans: resolution, total and allotted units (R6).
    pub plans: Vec<PlanRow>,
    pub registered_on: chrono::NaiveDate,
    pub member_count: u64,
}

#[derive(Serialize)]
pub struct PlanRow {
    pub resolution: String,
    pub units: u64,
    pub allotted: u64,
}

#[derive(Serialize)]
pub struct ClassRow {
    pub code: String,
    pub name: String,
    pub coefficient: String,
}

impl CharterDocument {
    pub fn new(collective: &Collective) -> Self {
        let c = &collective.charter;
        CharterDocument {
            name: c.name.clone(),
            code: c.code.to_string(),
            province: c.province.clone(),
            baseline_date: c.baseline_date,
            management: c.management,
            holding_cap_percent: c.holding_cap_percent.to_string(),
            inheritance_counts_toward_cap: c.inheritance_counts_toward_cap,
            reserve_rate_percent: c.reserve_rate_percent.to_string(),
            reserve_floor_percent: c.reserve_floor_percent.to_string(),
            welfare_rate_percent: c.welfare_rate_percent.to_string(),
            welfare_floor_percent: c.welfare_floor_percent.to_string(),
            notice_days: c.notice_days,
            approval_body: c.approval_body,
            rounding: c.rounding,
            collective_share: c.collective_share,
            classes: c
                .classes
                .iter()
                .map(|class| ClassRow {
                    code: class.code.clone(),
                    name: class.name.clone(),
                    coefficient: class.coefficient.to_string(),
                })
                .collect(),
            loss_grounds: collective.loss_grounds.clone(),
            plans: collective
                .plans
                .iter()
                .map(|(resolution, plan)| PlanRow {
                    resolution: resolution.clone(),
                    units: plan.total(),
                    allotted: plan.allotted_total(),
                })
                .collect(),
            registered_on: collective.registered_on,
            member_count: collective.member_count,
        }
    }
}

impl Document for CharterDocument {
    fn layout(&self, lang: Lang) -> Layout {
        let mut layout = Layout::default();
        layout.line(format!("{} {}", self.name, t(lang, "章程", "charter")));
        let fields = [
            (t(lang, "名称", "name"), self.name.clone()),
            (t(lang, "统一社会信用代码", "code"), self.code.clone()),
            (t(lang, "省份", "province"), self.province.clone()),
            (
                t(lang, "股权量化基准日", "baseline date"),
                self.baseline_date.to_string(),
            ),
            (
                t(lang, "管理方式", "management"),
                self.management.text(lang).to_string(),
            ),
            (
                t(lang, "持股上限(%)", "holding cap (%)"),
                self.holding_cap_percent.clone(),
            ),
            (
                t(lang, "继承计入上限", "inheritance counts toward cap"),
                yes_no(lang, self.inheritance_counts_toward_cap).to_string(),
            ),
            (
                t(lang, "公积金比例/下限(%)", "reserve rate/floor (%)"),
                format!(
                    "{}/{}",
                    self.reserve_rate_percent, self.reserve_floor_percent
                ),
            ),
            (
                t(lang, "公益金比例/下限(%)", "welfare rate/floor (%)"),
                format!(
                    "{}/{}",
                    self.welfare_rate_percent, self.welfare_floor_percent
                ),
            ),
            (
                t(lang, "公示天数", "notice days"),
                self.notice_days.to_string(),
            ),
            (
                t(lang, "表决机构", "approval body"),
                self.approval_body.text(lang).to_string(),
            ),
            (
                t(lang, "尾差规则", "rounding"),
                self.rounding.text(lang).to_string(),
            ),
            (
                t(lang, "集体股", "collective share"),
                yes_no(lang, self.collective_share).to_string(),
            ),
            (
                t(lang, "现有成员", "current members"),
                self.member_count.to_string(),
            ),
        ];
        for (label, value) in fields {
            layout.field(label, value);
        }
        layout.line(format!("{}:", t(lang, "股份类别", "share classes")));
        for class in &self.classes {
            layout.line(format!(
                "  {} {} × {}",
                class.code, class.name, class.coefficient
            ));
        }
        if !self.loss_grounds.is_empty() {
            layout.line(format!(
                "{}:",
                t(
                    lang,
                    "章程规定的成员身份丧失事由",
                    "loss grounds the charter lists"
                )
            ));
            for ground in &self.loss_grounds {
                layout.line(t(
                    lang,
                    format!("  {} {}（{}）", ground.code, ground.name, ground.article),
                    format!("  {} {} ({})", ground.code, ground.name, ground.article),
                ));
            }
        }
        for plan in &self.plans {
            layout.line(t(
                lang,
                format!(
                    "股权量化方案 {}：{} 股，已配 {} 股",
                    plan.resolution,
                    Units(plan.units),
                    Units(plan.allotted)
                ),
                format!(
                    "quantification plan {}: {} shares, {} allotted",
                    plan.resolution,
                    Units(plan.units),
                    Units(plan.allotted)
                ),
            ));
        }
        layout
    }
}

/// What `init` says before its outcome: the collective registered, by name and code.
#[derive(Serialize)]
pub struct Registered {
    pub name: String,
    pub code: String,
}

impl Document for Registered {
    fn layout(&self, lang: Lang) -> Layout {
        let mut layout = Layout::default();
        layout.line(format!(
            "{} {} ({})",
            t(lang, "已建立", "registered"),
            self.name,
            self.code
        ));
        layout
    }
}
