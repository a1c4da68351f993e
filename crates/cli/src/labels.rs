//! The one label table: for every enum a user reads or types, its code (what the command line
//! accepts and JSON prints) and its Chinese and English names.

use crate::cli::Lang;
use gufen_core::charter::{ApprovalBody, Rounding};
use gufen_core::event::{HukouKind, LifeEvent};

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
