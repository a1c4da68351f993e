//! The one label table: for every enum a user reads or types, its code (what the command line
//! accepts and JSON prints) and its Chinese and English names; the names of event types; and,
//! in `events`, the one-line summary of every event. No `Debug` text reaches a user.

pub mod events;

use crate::cli::Lang;
use gufen_core::charter::{ApprovalBody, Management, Rounding, ShareClass};
use gufen_core::event::{HukouKind, LifeEvent, LossGround};
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

/// Event types: the stable name each record stores (printed as it is in English and in JSON)
/// and its Chinese name.
const EVENT_TYPES: &[(&str, &str)] = &[
    ("CollectiveRegistered", "登记集体经济组织"),
    ("PersonRegistered", "登记人员"),
    ("MembershipConfirmed", "确认成员身份"),
    ("MembershipLost", "丧失成员身份"),
    ("HouseholdMoved", "迁户"),
    ("HouseholdHeadNamed", "登记户主"),
    ("HukouRecorded", "户籍登记"),
    ("LifeEventRecorded", "生活事件"),
    ("SharesAllotted", "配股"),
    ("CollectiveSharesAllotted", "集体股配股"),
    ("DistributionDrafted", "分配方案草案"),
    ("DistributionNoticed", "分配方案公示"),
    ("DistributionApproved", "分配方案表决"),
    ("DividendDeclared", "分红"),
    ("DistributionPosted", "分配入账"),
    ("DividendPaid", "分红支付"),
    ("SharesPledged", "股权质押"),
    ("PledgeReleased", "解除质押"),
    ("SharesTransferred", "股权转让"),
    ("DeathRecorded", "死亡登记"),
    ("EstateSettled", "遗产继承"),
    ("SharesRedeemed", "集体赎回"),
    ("MembershipExited", "自愿退出"),
    ("RecordCorrected", "更正"),
    ("SharesPledgedInClass", "股权质押"),
];

/// An event type as a document names it: Chinese, or in English its stable name.
pub fn event_type(name: &str, lang: Lang) -> &str {
    match lang {
        Lang::Zh => EVENT_TYPES
            .iter()
            .find(|(stable, _)| *stable == name)
            .map_or(name, |(_, zh)| zh),
        Lang::En => name,
    }
}
