//! The one label table: for every enum a user reads or types, its code (what the command line
//! accepts and JSON prints) and its Chinese and English names; the names of event types; and,
//! in `events`, the one-line summary of every event. No `Debug` text reaches a user.

pub mod events;

use crate::cli::Lang;
use gufen_core::charter::{ApprovalBody, Management, Rounding, ShareClass};
use gufen_core::event::{EventKind, HukouKind, LifeEvent, LossGround};
use gufen_core::state::PlanStatus;

/// A label (or text) in the document's language: Chinese by default, English with `--lang en`.
pub fn t<T>(lang: Lang, zh: T, en: T) -> T {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

/// Yes or no.
pub fn yes_no(lang: Lang, value: bool) -> &'static str {
    if value {
        t(lang, "是", "yes")
    } else {
        t(lang, "否", "no")
    }
}

/// A share class as a document names it: the charter's name in Chinese, its code in English
/// (the charter's names are Chinese); an unknown code as it is.
pub fn class_name<'a>(classes: &'a [ShareClass], code: &'a str, lang: Lang) -> &'a str {
    match lang {
        Lang::Zh => classes
            .iter()
            .find(|class| class.code == code)
            .map_or(code, |class| class.name.as_str()),
        Lang::En => code,
    }
}

/// A serde `serialize_with` for a labelled enum: its code.
pub fn serialize_code<T: Labelled, S: serde::Serializer>(
    value: &T,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(value.code())
}

/// One value's code and its names in each language.
pub struct Label {
    pub code: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
}

impl Label {
    pub fn text(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::Zh => self.zh,
            Lang::En => self.en,
        }
    }
}

const fn label(code: &'static str, zh: &'static str, en: &'static str) -> Label {
    Label { code, zh, en }
}

/// An enum whose every value has a row in this table.
pub trait Labelled: Copy + PartialEq + Send + Sync + 'static {
    const TABLE: &'static [(Self, Label)];

    fn label(self) -> &'static Label {
        Self::TABLE
            .iter()
            .find(|(value, _)| *value == self)
            .map(|(_, label)| label)
            .expect("every value of a labelled enum has a row in its table")
    }

    fn code(self) -> &'static str {
        self.label().code
    }

    fn text(self, lang: Lang) -> &'static str {
        self.label().text(lang)
    }

    fn from_code(code: &str) -> Option<Self> {
        Self::TABLE
            .iter()
            .find(|(_, label)| label.code == code)
            .map(|(value, _)| *value)
    }
}

impl Labelled for HukouKind {
    const TABLE: &'static [(Self, Label)] = &[
        (HukouKind::Urban, label("urban", "城镇", "urban")),
        (HukouKind::Rural, label("rural", "农村", "rural")),
    ];
}

impl Labelled for LifeEvent {
    const TABLE: &'static [(Self, Label)] = &[
        (
            LifeEvent::HukouMoved,
            label("hukou-moved", "户籍迁出", "hukou moved"),
        ),
        (LifeEvent::Study, label("study", "升学", "study")),
        (
            LifeEvent::Military,
            label("military", "服兵役", "military service"),
        ),
        (
            LifeEvent::MigrantWork,
            label("migrant-work", "外出务工", "migrant work"),
        ),
        (LifeEvent::Business, label("business", "经商", "business")),
        (LifeEvent::Marriage, label("marriage", "结婚", "marriage")),
        (LifeEvent::Divorce, label("divorce", "离婚", "divorce")),
        (
            LifeEvent::Widowhood,
            label("widowhood", "丧偶", "widowhood"),
        ),
        (
            LifeEvent::Imprisonment,
            label("imprisonment", "服刑", "imprisonment"),
        ),
    ];
}

impl Labelled for ApprovalBody {
    const TABLE: &'static [(Self, Label)] = &[
        (
            ApprovalBody::Members,
            label("members", "成员大会", "members' assembly"),
        ),
        (
            ApprovalBody::Representatives,
            label(
                "representatives",
                "成员代表大会",
                "representatives' assembly",
            ),
        ),
    ];
}

impl Labelled for Rounding {
    const TABLE: &'static [(Self, Label)] = &[
        (
            Rounding::LargestRemainder,
            label("largest-remainder", "最大余额法", "largest-remainder"),
        ),
        (
            Rounding::RoundDown,
            label("round-down", "舍尾留存", "round-down"),
        ),
    ];
}

impl Labelled for Management {
    const TABLE: &'static [(Self, Label)] = &[
        (Management::Static, label("static", "静态管理", "static")),
        (Management::Dynamic, label("dynamic", "动态管理", "dynamic")),
    ];
}

impl Labelled for LossGround {
    const TABLE: &'static [(Self, Label)] = &[
        (LossGround::Death, label("death", "死亡", "death")),
        (
            LossGround::Nationality,
            label("nationality", "丧失中国国籍", "nationality"),
        ),
        (
            LossGround::OtherCollective,
            label(
                "other-collective",
                "取得其他集体经济组织成员身份",
                "member of another collective",
            ),
        ),
        (
            LossGround::CivilServant,
            label("civil-servant", "成为公务员", "civil servant"),
        ),
        (
            LossGround::Charter,
            label("charter", "章程规定的情形", "a ground in the charter"),
        ),
        (
            LossGround::Exit,
            label("exit", "自愿退出", "voluntary exit"),
        ),
    ];
}

impl Labelled for PlanStatus {
    const TABLE: &'static [(Self, Label)] = &[
        (PlanStatus::Drafted, label("drafted", "草案", "drafted")),
        (PlanStatus::Noticed, label("noticed", "公示中", "noticed")),
        (
            PlanStatus::Approved,
            label("approved", "已表决通过", "approved"),
        ),
        (PlanStatus::Posted, label("posted", "已入账", "posted")),
    ];
}

/// An event type's Chinese name; one arm a type, so a new event type needs its name here.
fn event_type_zh(kind: EventKind) -> &'static str {
    match kind {
        EventKind::CollectiveRegistered => "登记集体经济组织",
        EventKind::PersonRegistered => "登记人员",
        EventKind::MembershipConfirmed => "确认成员身份",
        EventKind::MembershipLost => "丧失成员身份",
        EventKind::HouseholdMoved => "迁户",
        EventKind::HouseholdHeadNamed => "登记户主",
        EventKind::HukouRecorded => "户籍登记",
        EventKind::LifeEventRecorded => "生活事件",
        EventKind::SharesAllotted => "配股",
        EventKind::CollectiveSharesAllotted => "集体股配股",
        EventKind::DistributionDrafted => "分配方案草案",
        EventKind::DistributionNoticed => "分配方案公示",
        EventKind::DistributionApproved => "分配方案表决",
        EventKind::DividendDeclared => "分红",
        EventKind::DistributionPosted => "分配入账",
        EventKind::DividendPaid => "分红支付",
        EventKind::SharesPledged | EventKind::SharesPledgedInClass => "股权质押",
        EventKind::PledgeReleased => "解除质押",
        EventKind::SharesTransferred => "股权转让",
        EventKind::DeathRecorded => "死亡登记",
        EventKind::EstateSettled => "遗产继承",
        EventKind::SharesRedeemed => "集体赎回",
        EventKind::MembershipExited => "自愿退出",
        EventKind::RecordCorrected => "更正",
        EventKind::RepresentativeElected => "选举成员代表",
        EventKind::RepresentativeLeft => "成员代表离任",
        EventKind::LossGroundsAdopted => "章程丧失事由",
        EventKind::MembershipLostCited => "丧失成员身份",
        EventKind::MembershipExitedOnApplication => "自愿退出",
        EventKind::SharesRedeemedWithConsent => "集体赎回",
        EventKind::QuantificationPlanAdopted => "股权量化方案",
        EventKind::BankAccountSet => "登记银行账户",
        EventKind::BankAccountCleared => "注销银行账户",
        EventKind::DividendPaymentFailed => "分红代发失败",
    }
}

/// An event type as a document names it, from the stable name a record stores: Chinese, or in
/// English the stable name itself.
pub fn event_type(name: &str, lang: Lang) -> &str {
    match (lang, EventKind::parse(name)) {
        (Lang::Zh, Some(kind)) => event_type_zh(kind),
        _ => name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every value of `T` has one row (counted against the enum's own variants, so a new
    /// variant without a label fails here, not at run time), with a distinct code.
    fn distinct<T: Labelled + std::fmt::Debug + serde::de::DeserializeOwned>() {
        let variants = gufen_core::variants::variant_names::<T>();
        assert_eq!(
            T::TABLE.len(),
            variants.len(),
            "one row a variant: {variants:?}"
        );
        let codes: std::collections::BTreeSet<&str> =
            T::TABLE.iter().map(|(_, label)| label.code).collect();
        assert_eq!(codes.len(), T::TABLE.len(), "codes are distinct");
        for (value, label) in T::TABLE {
            assert_eq!(T::from_code(label.code), Some(*value));
            assert!(label.zh.chars().any(|c| c > '\u{2e80}'), "{}", label.zh);
            assert!(label.en.is_ascii(), "{}", label.en);
        }
    }

    #[test]
    fn every_label_has_a_distinct_code_a_chinese_and_an_english_name() {
        distinct::<HukouKind>();
        distinct::<LifeEvent>();
        distinct::<ApprovalBody>();
        distinct::<Rounding>();
        distinct::<Management>();
        distinct::<LossGround>();
        distinct::<PlanStatus>();
        // The codes are what the core parses.
        for event in LifeEvent::ALL {
            assert_eq!(event.code(), event.as_str());
        }
        for (ground, label) in LossGround::TABLE {
            if *ground != LossGround::Exit {
                assert_eq!(gufen_core::decide::loss_ground(label.code), Ok(*ground));
            }
        }
        for (rounding, label) in Rounding::TABLE {
            assert_eq!(Rounding::parse(label.code), Some(*rounding));
        }
        for kind in EventKind::ALL {
            assert!(event_type(kind.name(), Lang::Zh)
                .chars()
                .all(|c| c > '\u{2e80}'));
            assert_eq!(event_type(kind.name(), Lang::En), kind.name());
        }
    }
}
