//! `gufen charter template`: a charter (TOML) to start from, every key the charter reader accepts
//! written out with its default and a comment saying what it means, in the chosen language. As
//! printed it is a charter `gufen init` accepts (a sample name and code to replace); the loss
//! grounds are commented out, an example to copy.

/// The template in Chinese.
pub const ZH: &str = r##"# 股份经济合作社章程（gufen 台账用）。用 `gufen init --charter 本文件 --date 登记日期` 建立台账。
# 以下为样例值：请改为本组织章程的内容。键名固定，不可改动；以 # 开头的是说明。
# 台账建立后，章程就是第一条记录，不能再改，请在运行 init 前核对清楚。

# 组织名称（最多 100 个字）
name = "某某村股份经济合作社"
# 统一社会信用代码：18 位，末位为校验码（GB 32100）。样例代码须改为本组织的代码
code = "N2410183MF0000001Y"
# 所在省份
province = "河南"
# 股权量化基准日，格式 YYYY-MM-DD
baseline_date = "2017-12-31"
# 股权管理方式："static"（静态管理，生不增、死不减：基准日后不再配股）或 "dynamic"（动态管理）
management = "static"
# 持股上限：任一持有人所持股份不得超过全部股份的这一百分比（小数写成文本，如 "3" 或 "2.5"）（R9）
holding_cap_percent = "3"
# 继承所得是否计入持股上限：false 不计入（默认），true 计入
inheritance_counts_toward_cap = false
# 公积金提取比例（%），及其下限：年度分配可调整比例，但不得低于下限（R12）
reserve_rate_percent = "10"
reserve_floor_percent = "10"
# 公益金提取比例（%），及其下限
welfare_rate_percent = "5"
welfare_floor_percent = "5"
# 分配方案公示天数：不少于 10 天，最多 365 天（R13）
notice_days = 15
# 分配方案的表决机构："members"（成员大会）或 "representatives"（成员代表大会），均须全体三分之二以上同意
approval_body = "members"
# 分配尾差处理："largest-remainder"（按尾数大小逐一补足 1 分）或 "round-down"（舍去，尾差留作未分配收益）
rounding = "largest-remainder"
# 是否设集体股：true 设，false 不设
collective_share = false

# 股份类别：每类一段 [[classes]]，至少一类。code 为命令行使用的代码（小写英文字母、数字或 -），
# name 为文书上显示的名称，coefficient 为分配时的折算系数（小数写成文本）。
[[classes]]
code = "basic"
name = "人口股"
coefficient = "1"

[[classes]]
code = "labor"
name = "农龄股"
coefficient = "0.5"

# 章程规定的丧失成员身份事由（R2），可选，每条一段 [[loss_grounds]]，须注明章程条款。
# 需要时去掉下面四行开头的 "# "。以结婚、户口迁移、上学、服兵役、外出务工、经商、离婚、丧偶、
# 服刑等为由的条款无效（R3），章程会被拒绝。
# [[loss_grounds]]
# code = "long-absence"
# name = "连续五年不履行成员义务"
# article = "第十二条"
"##;

/// The template in English.
pub const EN: &str = r##"# The charter of a shareholding economic cooperative, for the gufen ledger. Register it with
# `gufen init --charter THIS-FILE --date REGISTRATION-DATE`.
# The values below are samples: replace them with your charter's. The keys are fixed; lines
# starting with # are comments. Once registered, the charter is the ledger's first record and
# cannot be changed: check it before running init.

# The collective's name (at most 100 characters)
name = "某某村股份经济合作社"
# The unified social credit code: 18 characters, the last a check character (GB 32100). Replace
# the sample code with your collective's
code = "N2410183MF0000001Y"
# The province
province = "河南"
# The baseline date of the share quantification, YYYY-MM-DD
baseline_date = "2017-12-31"
# Share management: "static" (生不增、死不减: no allotment after the baseline date) or "dynamic"
management = "static"
# Holding cap: no holder above this percentage of all shares (a decimal as text, e.g. "3" or "2.5") (R9)
holding_cap_percent = "3"
# Whether inherited units count toward the cap: false (the default) or true
inheritance_counts_toward_cap = false
# Reserve fund (公积金) rate in percent, and its floor: a year's plan may change the rate, never
# below the floor (R12)
reserve_rate_percent = "10"
reserve_floor_percent = "10"
# Welfare fund (公益金) rate in percent, and its floor
welfare_rate_percent = "5"
welfare_floor_percent = "5"
# Days of public notice of a distribution plan: at least 10, at most 365 (R13)
notice_days = 15
# Who approves a plan: "members" (the members' assembly) or "representatives" (the
# representatives' assembly), by two thirds of all
approval_body = "members"
# Rounding of a distribution: "largest-remainder" (one fen each to the largest remainders) or
# "round-down" (the remainder kept as undistributed income)
rounding = "largest-remainder"
# Whether the collective keeps a collective share (集体股): true or false
collective_share = false

# Share classes: one [[classes]] section each, at least one. code is what the command line uses
# (lowercase letters, digits or -), name what documents print, coefficient the weight in a
# distribution (a decimal as text).
[[classes]]
code = "basic"
name = "人口股"
coefficient = "1"

[[classes]]
code = "labor"
name = "农龄股"
coefficient = "0.5"

# The charter's own grounds for losing membership (R2), optional, one [[loss_grounds]] section
# each, citing the charter's article. To use one, remove the "# " before the four lines below. A
# ground naming marriage, hukou, study, military service, migrant work, business, divorce,
# widowhood or prison is void (R3) and the charter is refused.
# [[loss_grounds]]
# code = "long-absence"
# name = "连续五年不履行成员义务"
# article = "第十二条"
"##;

#[cfg(test)]
mod tests {
    use super::*;
    use gufen_core::Charter;

    /// Both templates read as a charter as printed, and with the example loss ground uncommented
    /// as their comments say; both give the same charter.
    #[test]
    fn the_template_is_a_charter_as_printed_and_filled() {
        for template in [ZH, EN] {
            let (charter, grounds) = Charter::read(template).unwrap();
            assert!(grounds.is_empty());
            assert_eq!(charter.classes.len(), 2);
            let filled = template
                .replace("# [[loss_grounds]]", "[[loss_grounds]]")
                .replace("# code = ", "code = ")
                .replace("# name = ", "name = ")
                .replace("# article = ", "article = ");
            let (same, grounds) = Charter::read(&filled).unwrap();
            assert_eq!(same, charter);
            assert_eq!(grounds.len(), 1);
        }
        assert_eq!(Charter::read(ZH).unwrap(), Charter::read(EN).unwrap());
    }

    /// Every key the charter reader knows is in the template, not commented out.
    #[test]
    fn the_template_names_every_key_of_the_fixture_charter() {
        let fixture = include_str!("../../../../fixtures/charter.toml");
        for line in fixture.lines() {
            let line = line.trim_start_matches("# ");
            if let Some((key, _)) = line.split_once(" = ") {
                let key = key.trim();
                for template in [ZH, EN] {
                    assert!(
                        template
                            .lines()
                            .any(|l| l.trim_start_matches("# ").starts_with(&format!("{key} = "))),
                        "{key} is not in the template"
                    );
                }
            }
        }
    }
}
