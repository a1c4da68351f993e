//! The charter (章程): the collective's settings, read from TOML with fixed keys (`CharterToml`
//! below; fixtures/charter.toml is a sample), validated into exact values. Parsing a string is
//! pure; reading the file is the CLI's.

use crate::amount::{Coefficient, Percent};
use crate::event::{CharterLossGround, LifeEvent};
use crate::ids::OrgCode;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CharterError {
    #[error("charter is not valid TOML: {0}")]
    Toml(String),
    #[error("charter key `{key}`: {message}")]
    Key { key: String, message: String },
}

fn key_error(key: &str, message: impl ToString) -> CharterError {
    CharterError::Key {
        key: key.to_string(),
        message: message.to_string(),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Management {
    /// 生不增、死不减: no allotment after the baseline date (R7).
    Static,
    Dynamic,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ApprovalBody {
    Members,
    Representatives,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Rounding {
    /// One fen each to the largest fractional parts, ties by holder id.
    LargestRemainder,
    /// The remainder is retained as undistributed income.
    RoundDown,
}

impl Rounding {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "largest-remainder" => Some(Rounding::LargestRemainder),
            "round-down" => Some(Rounding::RoundDown),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Rounding::LargestRemainder => "largest-remainder",
            Rounding::RoundDown => "round-down",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareClass {
    pub code: String,
    pub name: String,
    pub coefficient: Coefficient,
}

/// A validated charter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Charter {
    pub name: String,
    pub code: OrgCode,
    pub province: String,
    pub baseline_date: NaiveDate,
    pub management: Management,
    pub holding_cap_percent: Percent,
    pub inheritance_counts_toward_cap: bool,
    pub reserve_rate_percent: Percent,
    pub reserve_floor_percent: Percent,
    pub welfare_rate_percent: Percent,
    pub welfare_floor_percent: Percent,
    pub notice_days: u32,
    pub approval_body: ApprovalBody,
    pub rounding: Rounding,
    pub collective_share: bool,
    pub classes: Vec<ShareClass>,
}

/// The TOML as written; every key but name, code and classes has a default, given
/// where it is read below.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CharterToml {
    name: String,
    code: String,
    province: Option<String>,
    baseline_date: String,
    management: Option<String>,
    holding_cap_percent: Option<String>,
    inheritance_counts_toward_cap: Option<bool>,
    reserve_rate_percent: Option<String>,
    reserve_floor_percent: Option<String>,
    welfare_rate_percent: Option<String>,
    welfare_floor_percent: Option<String>,
    notice_days: Option<u32>,
    approval_body: Option<String>,
    rounding: Option<String>,
    collective_share: Option<bool>,
    classes: Vec<ClassToml>,
    loss_grounds: Option<Vec<LossGroundToml>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LossGroundToml {
    code: String,
    name: String,
    article: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClassToml {
    code: String,
    name: String,
    coefficient: String,
}

/// The fewest days of public notice a charter may set (RCEOL 46).
pub const NOTICE_DAYS_MIN: u32 = 10;
/// The longest notice: a year (a longer one would never let a year's plan be voted on).
pub const NOTICE_DAYS_MAX: u32 = 365;

/// A text the charter stores: one bounded line shown as written, and no whole citizen ID (R16:
/// the name heads every register).
fn charter_text(key: &str, value: &str, max_chars: usize) -> Result<(), CharterError> {
    if let Some(problem) = crate::checks::text_problem(value, max_chars) {
        return Err(key_error(key, problem));
    }
    if crate::checks::holds_citizen_id(value) {
        return Err(key_error(
            key,
            "R16: holds a citizen ID number, which every paper would print whole",
        ));
    }
    Ok(())
}

/// The longest name a charter gives (the collective, its province, a share class), in characters.
pub const NAME_CHARS_MAX: usize = 100;

/// The most share classes a charter may define.
pub const CLASSES_MAX: usize = 16;

fn percent(key: &str, value: Option<String>, default: &str) -> Result<Percent, CharterError> {
    Percent::parse(value.as_deref().unwrap_or(default)).map_err(|e| key_error(key, e))
}

/// Words of the circumstances that never end membership (R3): a charter ground (or a loss's
/// note) naming one is void (RCEOL 18 overrides the charter). Matched on the text lower-cased
/// and with traditional characters read as simplified, so 戶口遷出 names 户口迁出.
const R3_WORDS: &[&str] = &[
    "婚",
    "嫁",
    "户口",
    "户籍",
    "落户",
    "迁",
    "居住",
    "住所",
    "进城",
    "城镇",
    "城市",
    "农转非",
    "学",
    "军",
    "兵",
    "入伍",
    "务工",
    "打工",
    "外出",
    "经商",
    "离婚",
    "丧偶",
    "夫",
    "妻",
    "配偶",
    "服刑",
    "刑",
    "监",
    "狱",
    "牢",
    "marri",
    "wedding",
    "wife",
    "husband",
    "spouse",
    "hukou",
    "household registration",
    "resid",
    "settle",
    "urban",
    "town",
    "city",
    "moved",
    "migra",
    "stud",
    "school",
    "militar",
    "army",
    "enlist",
    "soldier",
    "business",
    "divorce",
    "widow",
    "prison",
    "jail",
    "convict",
    "waijia",
    "jiehun",
];

/// Traditional characters of the R3 words, read as their simplified forms.
const TRADITIONAL: &[(char, char)] = &[
    ('戶', '户'),
    ('遷', '迁'),
    ('學', '学'),
    ('軍', '军'),
    ('務', '务'),
    ('經', '经'),
    ('離', '离'),
    ('喪', '丧'),
    ('監', '监'),
    ('獄', '狱'),
    ('農', '农'),
    ('轉', '转'),
    ('進', '进'),
    ('鎮', '镇'),
    ('職', '职'),
    ('讀', '读'),
];

/// The R3 circumstance `text` names, if any (R3): what a charter ground, a loss's ground or its
/// note may never cite.
pub fn names_r3_circumstance(text: &str) -> Option<&'static str> {
    let read: String = text
        .to_lowercase()
        .chars()
        .map(|c| {
            TRADITIONAL
                .iter()
                .find(|(traditional, _)| *traditional == c)
                .map_or(c, |(_, simplified)| *simplified)
        })
        .collect();
    R3_WORDS.iter().copied().find(|word| read.contains(word))
}

/// The lawful grounds' codes and the life events' codes, which a charter ground cannot reuse.
const RESERVED_CODES: [&str; 6] = [
    "death",
    "nationality",
    "other-collective",
    "civil-servant",
    "charter",
    "exit",
];

/// The most loss grounds a charter may list.
pub const LOSS_GROUNDS_MAX: usize = 32;

fn loss_grounds(raw: Option<Vec<LossGroundToml>>) -> Result<Vec<CharterLossGround>, CharterError> {
    let raw = raw.unwrap_or_default();
    if raw.len() > LOSS_GROUNDS_MAX {
        return Err(key_error(
            "loss_grounds",
            format!("a charter lists at most {LOSS_GROUNDS_MAX} loss grounds"),
        ));
    }
    let mut grounds: Vec<CharterLossGround> = Vec::with_capacity(raw.len());
    for ground in raw {
        let ground = CharterLossGround {
            code: ground.code.trim().to_string(),
            name: ground.name.trim().to_string(),
            article: ground.article.trim().to_string(),
        };
        let valid_code = !ground.code.is_empty()
            && ground.code.len() <= 40
            && ground
                .code
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !valid_code {
            return Err(key_error(
                "loss_grounds.code",
                format!("{:?} must be lowercase letters, digits or -", ground.code),
            ));
        }
        for (key, value) in [
            ("loss_grounds.name", &ground.name),
            ("loss_grounds.article", &ground.article),
        ] {
            if let Err(CharterError::Key { message, .. }) = charter_text(key, value, 200) {
                return Err(key_error(
                    key,
                    format!("ground {:?}: {message}", ground.code),
                ));
            }
        }
        if RESERVED_CODES.contains(&ground.code.as_str())
            || LifeEvent::parse(&ground.code).is_some()
        {
            return Err(key_error(
                "loss_grounds.code",
                format!(
                    "{:?} is a code the law already gives a meaning",
                    ground.code
                ),
            ));
        }
        let words = format!("{} {} {}", ground.code, ground.name, ground.article);
        if let Some(word) = names_r3_circumstance(&words) {
            return Err(key_error(
                "loss_grounds",
                format!(
                    "R3: ground {:?} ({}) names {word:?}, a circumstance that never ends membership (RCEOL 18 overrides the charter)",
                    ground.code, ground.name
                ),
            ));
        }
        if grounds.iter().any(|g| g.code == ground.code) {
            return Err(key_error(
                "loss_grounds.code",
                format!("{:?} is listed twice", ground.code),
            ));
        }
        grounds.push(ground);
    }
    Ok(grounds)
}

impl Charter {
    /// The charter without its loss grounds (see `Charter::read`); every key is validated.
    pub fn from_toml(text: &str) -> Result<Self, CharterError> {
        Self::read(text).map(|(charter, _)| charter)
    }

    /// The charter and the loss grounds it lists (R2), each validated; a ground that names an
    /// R3 circumstance is refused.
    pub fn read(text: &str) -> Result<(Self, Vec<CharterLossGround>), CharterError> {
        let raw: CharterToml = toml::from_str(text)
            .map_err(|e| CharterError::Toml(e.to_string().trim().to_string()))?;
        // Every text the charter stores is printed in every register's header and on every
        // paper: bounded, one line, shown as written.
        charter_text("name", &raw.name, NAME_CHARS_MAX)?;
        if let Some(province) = raw.province.as_deref().filter(|p| !p.is_empty()) {
            charter_text("province", province, NAME_CHARS_MAX)?;
        }
        for class in &raw.classes {
            charter_text("classes.code", &class.code, NAME_CHARS_MAX)?;
            charter_text("classes.name", &class.name, NAME_CHARS_MAX)?;
        }
        let code = OrgCode::parse(&raw.code).map_err(|e| key_error("code", e))?;
        let baseline_date =
            NaiveDate::parse_from_str(&raw.baseline_date, "%Y-%m-%d").map_err(|_| {
                key_error(
                    "baseline_date",
                    format!("{:?} is not a date YYYY-MM-DD", raw.baseline_date),
                )
            })?;
        let management = match raw.management.as_deref().unwrap_or("static") {
            "static" => Management::Static,
            "dynamic" => Management::Dynamic,
            other => {
                return Err(key_error(
                    "management",
                    format!("{other:?} is not \"static\" or \"dynamic\""),
                ))
            }
        };
        let approval_body = match raw.approval_body.as_deref().unwrap_or("members") {
            "members" => ApprovalBody::Members,
            "representatives" => ApprovalBody::Representatives,
            other => {
                return Err(key_error(
                    "approval_body",
                    format!("{other:?} is not \"members\" or \"representatives\""),
                ))
            }
        };
        let rounding_text = raw.rounding.as_deref().unwrap_or("largest-remainder");
        let rounding = Rounding::parse(rounding_text).ok_or_else(|| {
            key_error(
                "rounding",
                format!("{rounding_text:?} is not \"largest-remainder\" or \"round-down\""),
            )
        })?;
        let grounds = loss_grounds(raw.loss_grounds)?;
        let charter = Charter {
            name: raw.name.trim().to_string(),
            code,
            province: raw.province.unwrap_or_default(),
            baseline_date,
            management,
            holding_cap_percent: percent("holding_cap_percent", raw.holding_cap_percent, "3")?,
            inheritance_counts_toward_cap: raw.inheritance_counts_toward_cap.unwrap_or(false),
            reserve_rate_percent: percent("reserve_rate_percent", raw.reserve_rate_percent, "10")?,
            reserve_floor_percent: percent(
                "reserve_floor_percent",
                raw.reserve_floor_percent,
                "10",
            )?,
            welfare_rate_percent: percent("welfare_rate_percent", raw.welfare_rate_percent, "5")?,
            welfare_floor_percent: percent(
                "welfare_floor_percent",
                raw.welfare_floor_percent,
                "5",
            )?,
            notice_days: raw.notice_days.unwrap_or(15),
            approval_body,
            rounding,
            collective_share: raw.collective_share.unwrap_or(false),
            classes: raw
                .classes
                .into_iter()
                .map(|c| {
                    let coefficient = Coefficient::parse(&c.coefficient)
                        .map_err(|e| key_error("classes.coefficient", e))?;
                    Ok(ShareClass {
                        code: c.code.trim().to_string(),
                        name: c.name.trim().to_string(),
                        coefficient,
                    })
                })
                .collect::<Result<_, CharterError>>()?,
        };
        charter.validate()?;
        Ok((charter, grounds))
    }

    /// The charter as TOML with every key written out, as an audit bundle carries it beside the
    /// log: `Charter::read` of the text gives back this charter and `grounds`.
    pub fn to_toml(&self, grounds: &[CharterLossGround]) -> String {
        let quoted = |text: &str| {
            let mut out = String::from("\"");
            for c in text.chars() {
                match c {
                    '"' => out.push_str("\\\""),
                    '\\' => out.push_str("\\\\"),
                    c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
                    c => out.push(c),
                }
            }
            out.push('"');
            out
        };
        let mut out = String::new();
        let mut line = |key: &str, value: String| out.push_str(&format!("{key} = {value}\n"));
        line("name", quoted(&self.name));
        line("code", quoted(self.code.as_str()));
        line("province", quoted(&self.province));
        line("baseline_date", quoted(&self.baseline_date.to_string()));
        let management = match self.management {
            Management::Static => "static",
            Management::Dynamic => "dynamic",
        };
        line("management", quoted(management));
        line(
            "holding_cap_percent",
            quoted(&self.holding_cap_percent.to_string()),
        );
        line(
            "inheritance_counts_toward_cap",
            self.inheritance_counts_toward_cap.to_string(),
        );
        line(
            "reserve_rate_percent",
            quoted(&self.reserve_rate_percent.to_string()),
        );
        line(
            "reserve_floor_percent",
            quoted(&self.reserve_floor_percent.to_string()),
        );
        line(
            "welfare_rate_percent",
            quoted(&self.welfare_rate_percent.to_string()),
        );
        line(
            "welfare_floor_percent",
            quoted(&self.welfare_floor_percent.to_string()),
        );
        line("notice_days", self.notice_days.to_string());
        let body = match self.approval_body {
            ApprovalBody::Members => "members",
            ApprovalBody::Representatives => "representatives",
        };
        line("approval_body", quoted(body));
        line("rounding", quoted(self.rounding.as_str()));
        line("collective_share", self.collective_share.to_string());
        for class in &self.classes {
            out.push_str("\n[[classes]]\n");
            out.push_str(&format!("code = {}\n", quoted(&class.code)));
            out.push_str(&format!("name = {}\n", quoted(&class.name)));
            out.push_str(&format!(
                "coefficient = {}\n",
                quoted(&class.coefficient.to_string())
            ));
        }
        for ground in grounds {
            out.push_str("\n[[loss_grounds]]\n");
            out.push_str(&format!("code = {}\n", quoted(&ground.code)));
            out.push_str(&format!("name = {}\n", quoted(&ground.name)));
            out.push_str(&format!("article = {}\n", quoted(&ground.article)));
        }
        out
    }

    fn validate(&self) -> Result<(), CharterError> {
        if self.reserve_rate_percent < self.reserve_floor_percent {
            return Err(key_error(
                "reserve_rate_percent",
                "R12: must not be below reserve_floor_percent",
            ));
        }
        if self.welfare_rate_percent < self.welfare_floor_percent {
            return Err(key_error(
                "welfare_rate_percent",
                "R12: must not be below welfare_floor_percent",
            ));
        }
        if self.reserve_rate_percent.0 + self.welfare_rate_percent.0 > 100 * 10_000 {
            return Err(key_error(
                "welfare_rate_percent",
                "reserve and welfare rates together exceed 100%",
            ));
        }
        if self.notice_days < NOTICE_DAYS_MIN {
            return Err(key_error(
                "notice_days",
                format!(
                    "R13: {} days is too short: the plan is open to members at least {NOTICE_DAYS_MIN} days before the vote (RCEOL 46)",
                    self.notice_days
                ),
            ));
        }
        if self.notice_days > NOTICE_DAYS_MAX {
            return Err(key_error(
                "notice_days",
                format!(
                    "R13: {} days is longer than a year ({NOTICE_DAYS_MAX}): a plan could never be voted on",
                    self.notice_days
                ),
            ));
        }
        if self.holding_cap_percent.0 == 0 {
            return Err(key_error(
                "holding_cap_percent",
                "must be greater than zero",
            ));
        }
        if self.classes.is_empty() || self.classes.len() > CLASSES_MAX {
            return Err(key_error(
                "classes",
                format!("a charter needs 1 to {CLASSES_MAX} share classes"),
            ));
        }
        for (i, class) in self.classes.iter().enumerate() {
            let valid_code = !class.code.is_empty()
                && class
                    .code
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
            if !valid_code {
                return Err(key_error(
                    "classes.code",
                    format!("{:?} must be letters, digits, - or _", class.code),
                ));
            }
            if self.classes[..i].iter().any(|c| c.code == class.code) {
                return Err(key_error(
                    "classes.code",
                    format!("{:?} is defined twice", class.code),
                ));
            }
            if class.coefficient.0 == 0 {
                return Err(key_error(
                    "classes.coefficient",
                    format!("class {:?} needs a coefficient above zero", class.code),
                ));
            }
        }
        Ok(())
    }

    pub fn class(&self, code: &str) -> Option<&ShareClass> {
        self.classes.iter().find(|c| c.code == code)
    }

    /// The last day of the public notice of a plan put up on `noticed_on`, counted as the Civil
    /// Code counts days (CC 201, 203): the day of the notice is not counted and the period ends
    /// at the end of its last day (R13).
    pub fn notice_period_end(&self, noticed_on: NaiveDate) -> NaiveDate {
        noticed_on + chrono::Days::new(u64::from(self.notice_days))
    }

    /// The first day a plan put up on `noticed_on` can be voted on: the day after its notice
    /// period ends (R13).
    pub fn earliest_vote(&self, noticed_on: NaiveDate) -> NaiveDate {
        self.notice_period_end(noticed_on) + chrono::Days::new(1)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn charter_texts_are_one_bounded_line_shown_as_written() {
        let long = "村".repeat(NAME_CHARS_MAX + 1);
        for (key, from, to) in [
            (
                "name",
                "name = \"溱水村股份经济合作社\"",
                "name = \"溱水\\u001b[2J村\"",
            ),
            (
                "name",
                "name = \"溱水村股份经济合作社\"",
                "name = \"溱水\\n村\"",
            ),
            (
                "name",
                "name = \"溱水村股份经济合作社\"",
                "name = \"溱水\u{202e}村\"",
            ),
            (
                "name",
                "name = \"溱水村股份经济合作社\"",
                &format!("name = \"{long}\""),
            ),
            (
                "classes.name",
                "name = \"人口股\"",
                "name = \"人口\u{2067}股\"",
            ),
            ("province", "province = \"河南\"", "province = \"河\\t南\""),
        ] {
            assert!(SAMPLE.contains(from), "{from}");
            let text = SAMPLE.replacen(from, to, 1);
            match Charter::read(&text) {
                Err(CharterError::Key { key: k, .. }) => assert_eq!(k, key, "{to}"),
                other => panic!("{to}: {other:?}"),
            }
        }
    }

    #[test]
    fn to_toml_reads_back_as_the_same_charter() {
        let text = format!(
            "{SAMPLE}[[loss_grounds]]\ncode = \"long-absence\"\nname = \"连续五年不履行\\\"义务\\\"\"\narticle = \"第十二条\"\n"
        );
        let (charter, grounds) = Charter::read(&text).unwrap();
        assert_eq!(grounds.len(), 1);
        let written = charter.to_toml(&grounds);
        assert_eq!(Charter::read(&written).unwrap(), (charter, grounds));
    }

    use super::*;

    pub(crate) const SAMPLE: &str = r#"
name = "溱水村股份经济合作社"
code = "N2410183MF0000001Y"
province = "河南"
baseline_date = "2017-12-31"
[[classes]]
code = "basic"
name = "人口股"
coefficient = "1"
[[classes]]
code = "labor"
name = "农龄股"
coefficient = "0.5"
"#;

    #[test]
    fn defaults_follow_the_rules() {
        let charter = Charter::from_toml(SAMPLE).unwrap();
        assert_eq!(charter.management, Management::Static);
        assert_eq!(charter.holding_cap_percent, Percent(30_000));
        assert_eq!(charter.notice_days, 15);
        assert_eq!(charter.rounding, Rounding::LargestRemainder);
        assert_eq!(
            charter.class("labor").unwrap().coefficient,
            Coefficient(5_000)
        );
    }

    fn check_error(replace: (&str, &str), expected_key: &str) {
        let text = SAMPLE.replace(replace.0, replace.1);
        match Charter::from_toml(&text) {
            Err(CharterError::Key { key, .. }) => assert_eq!(key, expected_key),
            other => panic!("expected an error on {expected_key}, got {other:?}"),
        }
    }

    #[test]
    fn bad_charters_name_the_key() {
        check_error(("N2410183MF0000001Y", "N2410183MF0000001X"), "code");
        check_error(("2017-12-31", "2017-13-31"), "baseline_date");
        check_error(
            (
                "province = \"河南\"",
                "province = \"河南\"\nnotice_days = 9",
            ),
            "notice_days",
        );
        // Regression: a huge notice period panicked every notice command (date overflow).
        check_error(
            (
                "province = \"河南\"",
                "province = \"河南\"\nnotice_days = 4294967295",
            ),
            "notice_days",
        );
        check_error(
            ("coefficient = \"0.5\"", "coefficient = \"half\""),
            "classes.coefficient",
        );
        check_error(("code = \"labor\"", "code = \"basic\""), "classes.code");
        check_error(
            (
                "province = \"河南\"",
                "province = \"河南\"\nreserve_rate_percent = \"5\"",
            ),
            "reserve_rate_percent",
        );
        check_error(
            (
                "province = \"河南\"",
                "province = \"河南\"\nmanagement = \"sometimes\"",
            ),
            "management",
        );
        let ground = |code: &str, name: &str| {
            format!("{SAMPLE}[[loss_grounds]]\ncode = \"{code}\"\nname = \"{name}\"\narticle = \"第十二条\"\n")
        };
        let (_, grounds) =
            Charter::read(&ground("long-absence", "连续五年不履行成员义务")).unwrap();
        assert_eq!(grounds[0].article, "第十二条");
        for (code, name) in [
            ("married-out", "外嫁"),
            ("long-absence", "出嫁满三年"),
            ("moved", "户口迁出"),
            ("prison", "服刑人员"),
            ("away", "Divorced members"),
            ("death", "死亡"),
            ("Bad Code", "连续五年不履行成员义务"),
        ] {
            assert!(
                Charter::from_toml(&ground(code, name)).is_err(),
                "{code} {name} must be refused"
            );
        }
        assert!(matches!(
            Charter::from_toml("name = "),
            Err(CharterError::Toml(_))
        ));
        assert!(matches!(
            Charter::from_toml(&SAMPLE.replace("province", "provence")),
            Err(CharterError::Toml(_))
        ));
    }
}
