//! One person (`member show`) and the members on a date (`member list`).

use super::{Column, Document, Layout, Table};
use crate::cli::Lang;
use crate::labels::{class_name, serialize_code, t, Labelled};
use chrono::NaiveDate;
use gufen_core::charter::{Charter, ShareClass};
use gufen_core::event::{HukouKind, LossGround};
use gufen_core::ids::MaskedId;
use gufen_core::state::{Ending, Membership, Person, Pledge};
use gufen_core::Units;
use serde::Serialize;
use std::collections::BTreeMap;

/// One person: membership, household, hukou (recorded only), holdings and pledges.
#[derive(Serialize)]
pub struct MemberDocument {
    pub name: String,
    pub id_masked: MaskedId,
    /// The whole ID, only when the owner asked for it (`--reveal`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub household: Option<String>,
    pub member: bool,
    pub membership: MembershipStatus,
    /// When the membership began, or, once lost, ended.
    pub since: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resolution: Option<String>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "serialize_ground"
    )]
    pub ground: Option<LossGround>,
    /// What the end of the membership cites: the charter's ground and article, the
    /// resolution, the other collective, the application, the note.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ending: Option<Ending>,
    pub hukou: Option<HukouRow>,
    pub units: BTreeMap<String, u64>,
    pub units_total: u64,
    pub weighted_units: u64,
    pub pledged_units: u64,
    pub deceased: bool,
    pub pledges: Vec<Pledge>,
    /// The account money is paid into: masked to its last 4 digits unless revealed.
    pub bank_account: Option<BankAccountShown>,
    #[serde(skip)]
    pub classes: Vec<ShareClass>,
}

/// A person's bank account as a document shows it (R16: the last 4 digits only).
#[derive(Serialize)]
pub struct BankAccountShown {
    pub bank: String,
    pub account_masked: String,
    /// The whole number, only when the owner asked for it (`--reveal`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    pub holder: String,
    pub since: NaiveDate,
}

/// Where a person stands; JSON carries its code: `none`, `member` or `lost`.
#[derive(Serialize, Debug, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum MembershipStatus {
    /// Never a member (a registered person, e.g. an heir).
    None,
    Member,
    Lost,
}

fn serialize_ground<S: serde::Serializer>(
    ground: &Option<LossGround>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match ground {
        Some(ground) => serialize_code(ground, serializer),
        None => serializer.serialize_none(),
    }
}

#[derive(Serialize)]
pub struct HukouRow {
    #[serde(serialize_with = "serialize_code")]
    pub kind: HukouKind,
    pub locality: String,
    pub since: NaiveDate,
}

impl MemberDocument {
    /// `reveal`: the owner asked to see the whole ID.
    pub fn new(person: &Person, charter: &Charter, reveal: bool) -> Self {
        let (membership, since, resolution, ground) = match &person.membership {
            Membership::None => (MembershipStatus::None, None, None, None),
            Membership::Member { since, resolution } => (
                MembershipStatus::Member,
                Some(*since),
                Some(resolution.clone()),
                None,
            ),
            Membership::Lost { ended, ground, .. } => {
                (MembershipStatus::Lost, Some(*ended), None, Some(*ground))
            }
        };
        MemberDocument {
            name: person.name.clone(),
            id_masked: person.id.masked_id(),
            id: reveal.then(|| person.id.to_string()),
            household: person.household.clone(),
            member: person.is_member(),
            membership,
            since,
            resolution,
            ground,
            ending: person.ending.clone().filter(|_| !person.is_member()),
            hukou: person.hukou.as_ref().map(|h| HukouRow {
                kind: h.kind,
                locality: h.locality.clone(),
                since: h.since,
            }),
            units: person.holdings.clone(),
            units_total: person.units_total(),
            weighted_units: person.weighted_units(charter),
            pledged_units: person.pledged_units(),
            deceased: person.is_deceased(),
            pledges: person.pledges.clone(),
            bank_account: person.bank_account.as_ref().map(|a| BankAccountShown {
                bank: a.bank.clone(),
                account_masked: a.masked(),
                account: reveal.then(|| a.account.clone()),
                holder: a.holder.clone(),
                since: a.since,
            }),
            classes: charter.classes.clone(),
        }
    }

    fn membership_text(&self, lang: Lang) -> String {
        let date = self.since.map(|d| d.to_string()).unwrap_or_default();
        let resolution = self.resolution.as_deref().unwrap_or_default();
        match (self.ground, self.membership) {
            (Some(ground), _) => {
                let (mut zh, mut en) =
                    match self.ending.as_ref().and_then(|e| e.charter_ground.as_ref()) {
                        Some(g) => (
                            format!("成员资格已于 {date} 丧失（{}，章程{}）", g.name, g.article),
                            format!(
                                "membership ended {date} ({}: {}, charter article {})",
                                g.code, g.name, g.article
                            ),
                        ),
                        None => (
                            format!("成员资格已于 {date} 丧失（{}）", ground.label().zh),
                            format!("membership ended {date} ({})", ground.label().en),
                        ),
                    };
                if let Some(ending) = &self.ending {
                    let cited = [
                        (
                            &ending.other_collective,
                            "取得成员身份的集体",
                            "member of the collective",
                        ),
                        (&ending.application, "本人申请", "application"),
                        (&ending.resolution, "决议", "resolution"),
                    ];
                    for (value, label_zh, label_en) in cited {
                        if let Some(value) = value {
                            zh.push_str(&format!("，{label_zh} {value}"));
                            en.push_str(&format!(", {label_en} {value}"));
                        }
                    }
                    if !ending.note.is_empty() {
                        zh.push_str(&format!("，备注 {}", ending.note));
                        en.push_str(&format!(", note {}", ending.note));
                    }
                }
                t(lang, zh, en)
            }
            (None, MembershipStatus::Member) => t(
                lang,
                format!("成员（{date} 起，决议 {resolution}）"),
                format!("member since {date} (resolution {resolution})"),
            ),
            _ => t(lang, "非成员", "not a member").to_string(),
        }
    }
}

impl Document for MemberDocument {
    fn layout(&self, lang: Lang) -> Layout {
        let mut layout = Layout::default();
        let shown = self
            .id
            .clone()
            .unwrap_or_else(|| self.id_masked.to_string());
        layout.line(format!("{} {shown}", self.name));
        layout.field(t(lang, "姓名", "name"), self.name.clone());
        layout.field(t(lang, "身份证号", "ID"), shown);
        layout.field(
            t(lang, "户号", "household"),
            self.household.as_deref().unwrap_or("-"),
        );
        layout.field(
            t(lang, "成员身份", "membership"),
            self.membership_text(lang),
        );
        let hukou = match &self.hukou {
            Some(h) => format!("{} {} ({})", h.kind.text(lang), h.locality, h.since),
            None => "-".into(),
        };
        layout.field(
            t(
                lang,
                "户籍（仅记录，不影响权益）",
                "hukou (recorded only; changes no right)",
            ),
            hukou,
        );
        for (class, units) in &self.units {
            layout.field_typed(
                format!(
                    "{} {}",
                    t(lang, "股份", "shares"),
                    class_name(&self.classes, class, lang)
                ),
                Units(*units).to_string(),
                Column::Number,
            );
        }
        layout.field_typed(
            t(lang, "折算股", "weighted shares"),
            Units(self.weighted_units).to_string(),
            Column::Number,
        );
        for pledge in &self.pledges {
            let class = pledge.class.as_ref().map_or(String::new(), |class| {
                format!("{} ", class_name(&self.classes, class, lang))
            });
            layout.field(
                t(lang, "质押", "pledged"),
                format!(
                    "{class}{} ({} {}, {} {})",
                    Units(pledge.units),
                    t(lang, "质权人", "to"),
                    pledge.pledgee,
                    t(lang, "合同", "contract"),
                    pledge.contract
                ),
            );
        }
        if let Some(account) = &self.bank_account {
            let number = account.account.as_ref().unwrap_or(&account.account_masked);
            layout.field(
                t(lang, "银行账户", "bank account"),
                t(
                    lang,
                    format!(
                        "{} {number}（户名 {}，{} 起）",
                        account.bank, account.holder, account.since
                    ),
                    format!(
                        "{} {number} (held by {}, since {})",
                        account.bank, account.holder, account.since
                    ),
                ),
            );
        }
        if self.deceased && self.units_total > 0 {
            layout.line(t(
                lang,
                "已故：股份为遗产，待继承",
                "deceased: the holding is an estate awaiting settlement",
            ));
        }
        layout
    }
}

/// The members on a date.
#[derive(Serialize)]
pub struct MemberList {
    pub as_of: NaiveDate,
    pub count: usize,
    pub members: Vec<MemberRow>,
}

#[derive(Serialize, Clone)]
pub struct MemberRow {
    pub name: String,
    pub id_masked: MaskedId,
    pub household: Option<String>,
    pub since: Option<NaiveDate>,
}

impl MemberRow {
    /// The row's cells in the member list's table.
    pub fn cells(&self) -> Vec<String> {
        vec![
            self.household.clone().unwrap_or_default(),
            self.name.clone(),
            self.id_masked.to_string(),
            self.since.map(|d| d.to_string()).unwrap_or_default(),
        ]
    }

    pub fn new(person: &Person) -> Self {
        MemberRow {
            name: person.name.clone(),
            id_masked: person.id.masked_id(),
            household: person.household.clone(),
            since: match &person.membership {
                Membership::Member { since, .. } => Some(*since),
                _ => None,
            },
        }
    }
}

impl Document for MemberList {
    fn layout(&self, lang: Lang) -> Layout {
        let mut table = Table::typed(
            vec![
                t(lang, "户号", "household"),
                t(lang, "姓名", "name"),
                t(lang, "身份证号", "ID"),
                t(lang, "成员起始日", "member since"),
            ],
            vec![Column::Code, Column::Text, Column::Code, Column::Date],
        );
        for member in &self.members {
            table.push(member.cells());
        }
        let mut layout = Layout::default();
        layout.line(format!(
            "{} {}: {} {}",
            t(lang, "成员名单 截至", "members as of"),
            self.as_of,
            self.count,
            t(lang, "人", "persons")
        ));
        layout.table(table);
        layout
    }
}

#[cfg(test)]
mod tests {
    use super::MembershipStatus;

    #[test]
    fn membership_serializes_as_its_code() {
        let codes: Vec<String> = [
            MembershipStatus::None,
            MembershipStatus::Member,
            MembershipStatus::Lost,
        ]
        .iter()
        .map(|status| serde_json::to_string(status).unwrap())
        .collect();
        assert_eq!(codes, [r#""none""#, r#""member""#, r#""lost""#]);
    }
}
