//! The one message table: every error and refusal a user reads, as its English text (what the
//! core, the ledger and the commands write, kept as their source text) with placeholders, and its
//! Chinese form. An error is printed in English as it is; in Chinese, its text is matched against
//! the table here, where it is printed, and rewritten. Text that matches no row is printed as it
//! is, in English, and the bad-input test run in Chinese lists it.
//!
//! A template is literal text with placeholders: `{name}` takes any non-empty text and puts it
//! back as it is (a date, a masked ID, a path, a number); `{name*}` takes text that is itself a
//! message, translated again. The Chinese form uses the same names. A placeholder takes the
//! shortest text that lets the rest of the template match, so two placeholders never stand side
//! by side. Two placeholders say more: `{file}` takes a file named by its kind (`roster PATH`,
//! `payment file PATH`) and puts the kind in Chinese; `{field}` takes one word, or one of the
//! field names of [`FIELDS`], and puts a field name in Chinese; `{what}` likewise takes one of
//! the core's action and record words of [`WORDS`] (`transfer`, `exit`, `roster` …) and puts
//! it in Chinese; `{record}` takes a record as a refusal names it (`12 (SharesTransferred)`)
//! and `{records}` a list of them, and puts each as `第 12 条（股份转让）`; `{type}` takes a
//! record's type name (`HukouRecorded`) and puts its Chinese label.
//!
//! A list of refused rows (`N row(s) of FILE refused; nothing was written`, then a line a row)
//! names each row by its place (`line 7`, `line 7, column 2`, `row 7`, cell `B7`), then its rule
//! and message, then its column (` [身份证号]`); a note the reader added in Chinese after the
//! message (`；…`) is kept. Each part is translated on its own: `第 7 行（身份证号）：规则 R5：…`.

use crate::cli::Lang;

/// A command-line error of clap's in Chinese (what is wrong, the usage, where to read more), or
/// None for a kind this table does not say.
pub fn clap_error(error: &clap::Error) -> Option<String> {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    let text = |kind| match error.get(kind) {
        Some(ContextValue::String(text)) => Some(text.clone()),
        Some(ContextValue::Strings(texts)) => Some(texts.join("、")),
        Some(ContextValue::StyledStr(text)) => Some(text.to_string()),
        Some(ContextValue::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let quoted = |kind| text(kind).map(|t| format!("'{t}'"));
    let suggestion = quoted(ContextKind::SuggestedArg)
        .or_else(|| quoted(ContextKind::SuggestedSubcommand))
        .map(|s| format!("（是否想用 {s}？）"))
        .unwrap_or_default();
    let what = match error.kind() {
        ErrorKind::UnknownArgument => {
            format!(
                "无法识别的参数 {}{suggestion}",
                quoted(ContextKind::InvalidArg)?
            )
        }
        ErrorKind::InvalidSubcommand => {
            format!(
                "无法识别的命令 {}{suggestion}",
                quoted(ContextKind::InvalidSubcommand)?
            )
        }
        ErrorKind::MissingRequiredArgument => {
            format!("缺少必需的参数：{}", text(ContextKind::InvalidArg)?)
        }
        ErrorKind::MissingSubcommand => "缺少命令".to_string(),
        ErrorKind::ArgumentConflict => match quoted(ContextKind::PriorArg) {
            Some(prior) => format!(
                "参数 {} 不能与 {prior} 同时使用，也不能重复",
                quoted(ContextKind::InvalidArg)?
            ),
            None => format!("参数 {} 不能重复给出", quoted(ContextKind::InvalidArg)?),
        },
        ErrorKind::InvalidValue => {
            let arg = text(ContextKind::InvalidArg)?;
            let value = text(ContextKind::InvalidValue).unwrap_or_default();
            if value.is_empty() {
                format!("参数 {arg} 需要一个值")
            } else {
                match text(ContextKind::ValidValue) {
                    Some(valid) => format!("参数 {arg} 的值 '{value}' 无效；可选值：{valid}"),
                    None => format!("参数 {arg} 的值 '{value}' 无效"),
                }
            }
        }
        ErrorKind::TooManyValues => format!(
            "参数 {} 的值过多：'{}'",
            text(ContextKind::InvalidArg)?,
            text(ContextKind::InvalidValue).unwrap_or_default()
        ),
        ErrorKind::WrongNumberOfValues | ErrorKind::TooFewValues => {
            format!("参数 {} 的值个数不对", text(ContextKind::InvalidArg)?)
        }
        ErrorKind::NoEquals => format!("参数 {} 须用 '=' 连接其值", text(ContextKind::InvalidArg)?),
        ErrorKind::InvalidUtf8 => "参数不是有效的 UTF-8 文本".to_string(),
        _ => return None,
    };
    let usage = text(ContextKind::Usage)
        .map(|usage| {
            let usage = usage.trim();
            let usage = usage.strip_prefix("Usage:").unwrap_or(usage).trim();
            format!("\n\n用法：{usage}")
        })
        .unwrap_or_default();
    Some(format!(
        "错误：{what}{usage}\n\n更多信息请运行 '--help'。\n"
    ))
}

/// (English template, Chinese template).
type Row = (&'static str, &'static str);

/// A message in `lang`: as it is in English, translated in Chinese where the table has it.
pub fn localized(lang: Lang, text: &str) -> String {
    match lang {
        Lang::En => text.to_string(),
        Lang::Zh => zh(text),
    }
}

/// The Chinese form of `text`, or `text` itself where the table has no row for it.
pub fn zh(text: &str) -> String {
    translate(text).unwrap_or_else(|| text.to_string())
}

/// The Chinese form of `text` if the table (or a rule's prefix) covers it whole.
pub fn translate(text: &str) -> Option<String> {
    let trimmed = text.trim_end();
    if trimmed.len() != text.len() {
        return translate(trimmed);
    }
    if let Some((rule, rest)) = rule_prefix(text) {
        return Some(format!("规则 {rule}：{}", zh(rest)));
    }
    if let Some(rest) = text.strip_prefix("input: ") {
        return Some(format!("输入有误：{}", zh(rest)));
    }
    if let Some(rest) = text.strip_prefix("charter is not valid TOML: ") {
        return Some(format!("章程不是有效的 TOML：{}", toml_zh(rest)));
    }
    // Several lines (a list of refused rows): each line on its own.
    if text.contains('\n') {
        let mut lines = text.lines();
        let first = lines.next().unwrap_or("");
        let listing = first.ends_with(" refused; nothing was written");
        let mut out = vec![line_zh(first)];
        for line in lines {
            let body = line.trim_start();
            let indent = &line[..line.len() - body.len()];
            match listing.then(|| listed_row(body, true)).flatten() {
                Some(row) => out.push(format!("{indent}{row}")),
                None => out.push(line_zh(line)),
            }
        }
        return Some(out.join("\n"));
    }
    // One row named by its line (a cell is named so only in a list of rows, where no rule's
    // name, such as `R5`, can stand first).
    if let Some(row) = listed_row(text, false) {
        return Some(row);
    }
    // Every template holds an English word of three letters or more outside its holes, so a
    // text without one (a line already in Chinese, such as each of a hundred thousand listed
    // lines) matches none: it is not tried against them all.
    if !has_english_word(text) {
        return None;
    }
    for (english, chinese) in MESSAGES {
        if let Some(captures) = matched(english, text) {
            return Some(filled(chinese, &captures));
        }
    }
    None
}

/// Whether `text` holds three ASCII letters in a row.
fn has_english_word(text: &str) -> bool {
    text.split(|c: char| !c.is_ascii_alphabetic())
        .any(|word| word.len() >= 3)
}

/// A TOML parser's error: where, and what, without the excerpt of the file it quotes.
fn toml_zh(text: &str) -> String {
    let Some(rest) = text.strip_prefix("TOML parse error at line ") else {
        return zh(text);
    };
    let (place, _) = rest.split_once('\n').unwrap_or((rest, ""));
    let what = text
        .lines()
        .skip(1)
        .filter(|line| {
            !line
                .trim_start()
                .starts_with(|c: char| c == '|' || c.is_ascii_digit())
        })
        .collect::<Vec<_>>()
        .join(" ");
    let place = match place.split_once(", column ") {
        Some((line, column)) => format!("第 {line} 行第 {column} 列"),
        None => place.to_string(),
    };
    format!("{place}：{}", zh(what.trim()))
}

/// One line of a multi-line message, its indentation kept.
fn line_zh(line: &str) -> String {
    let body = line.trim_start();
    let indent = &line[..line.len() - body.len()];
    format!("{indent}{}", zh(body))
}

/// A refused row (`line 7: R5: MESSAGE; NOTE [COLUMN]`, `B7: …`, or a place the reader already
/// followed with Chinese, `B7（身份证号）：…`) in Chinese, if `text` starts with a place; a cell
/// (`B7`) is read as a place only when `cells`.
fn listed_row(text: &str, cells: bool) -> Option<String> {
    let (place, rest) = place_zh(text, cells)?;
    let Some(body) = rest.strip_prefix(": ") else {
        return (rest.starts_with('（') || rest.starts_with('：'))
            .then(|| format!("{place}{rest}"));
    };
    let (body, column) = match body.strip_suffix(']').and_then(|b| b.rsplit_once(" [")) {
        Some((body, column)) if !column.is_empty() => (body, Some(column)),
        _ => (body, None),
    };
    // A note the reader added in Chinese after the message (the charter's classes).
    let (message, note) = match body.find('；') {
        Some(at) => body.split_at(at),
        None => (body, ""),
    };
    let message = zh(message);
    Some(match column {
        Some(column) => format!("{place}（{column}）：{message}{note}"),
        None => format!("{place}：{message}{note}"),
    })
}

/// The place a row or cell is named by, in Chinese, and the text after it: `line 7` as
/// `第 7 行`, `line 7, column 2` as `第 7 行第 2 列`, `row 7` as `第 7 行`, and (when `cells`) a
/// cell such as `B7` as it is.
fn place_zh(text: &str, cells: bool) -> Option<(String, &str)> {
    let digits = |t: &str| t.len() - t.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    for (word, column) in [("line ", true), ("row ", false)] {
        let Some(rest) = text.strip_prefix(word) else {
            continue;
        };
        let n = digits(rest);
        if n == 0 {
            return None;
        }
        let (line, rest) = rest.split_at(n);
        if column {
            if let Some(after) = rest.strip_prefix(", column ") {
                let m = digits(after);
                if m > 0 {
                    let (col, rest) = after.split_at(m);
                    return Some((format!("第 {line} 行第 {col} 列"), rest));
                }
            }
        }
        return Some((format!("第 {line} 行"), rest));
    }
    if !cells {
        return None;
    }
    let letters = text.len()
        - text
            .trim_start_matches(|c: char| c.is_ascii_uppercase())
            .len();
    let n = digits(&text[letters..]);
    ((1..=3).contains(&letters) && n > 0).then(|| {
        let (cell, rest) = text.split_at(letters + n);
        (cell.to_string(), rest)
    })
}

/// A file named by its kind (`roster PATH`) with the kind in Chinese.
fn file_zh(text: &str) -> String {
    for (english, chinese) in [("roster ", "花名册 "), ("payment file ", "支付文件 ")] {
        if let Some(path) = text.strip_prefix(english) {
            return format!("{chinese}{path}");
        }
    }
    text.to_string()
}

/// The fields a stored text is checked as (`name must not be empty`), in Chinese.
pub const FIELDS: &[Row] = &[
    ("name", "姓名"),
    ("household", "户号"),
    ("resolution", "决议"),
    ("reason", "理由"),
    ("locality", "户籍地"),
    ("note", "备注"),
    ("pledgee", "质权人"),
    ("contract", "质押合同"),
    ("payment reference", "支付流水号"),
    ("bank name", "开户行"),
    ("account holder name", "户名"),
    ("failure reason", "失败原因"),
    ("bank reference", "银行流水号"),
    ("line reference", "明细编号"),
];

/// The core's words for an action or a kind of record or file, as a refusal names what it
/// refused (`pledged units are not given up by a transfer`), in Chinese.
pub const WORDS: &[Row] = &[
    ("transfer", "转让"),
    ("redeem", "回购"),
    ("redemption", "回购"),
    ("gift", "赠与"),
    ("exit", "退出"),
    ("loss", "成员身份丧失"),
    ("inheritance", "继承"),
    ("settlement", "遗产分割"),
    ("pledge", "质押"),
    ("release", "解除质押"),
    ("allotment", "配股"),
    ("correction", "更正"),
    ("roster", "花名册"),
    ("payment file", "支付文件"),
    ("bank account file", "银行账户文件"),
    ("bank result file", "银行回盘文件"),
];

/// The table a word hole's value is put in Chinese by: [`FIELDS`] for `field`, [`WORDS`] for
/// `what`.
fn word_table(name: &str) -> Option<&'static [Row]> {
    match name {
        "field" => Some(FIELDS),
        "what" => Some(WORDS),
        _ => None,
    }
}

/// Whether `value` may stand in placeholder `name`: a word hole takes one word, or for `field`
/// and `what` an entry of its table; `record` and `records` take records as refusals name them.
fn fits(name: &str, value: &str) -> bool {
    match name {
        "record" => record_zh(value).is_some(),
        "records" => records_zh(value).is_some(),
        _ => {
            !WORD_HOLES.contains(&name)
                || !value.contains(char::is_whitespace)
                || word_table(name).is_some_and(|t| t.iter().any(|(english, _)| *english == value))
        }
    }
}

/// A record as a refusal names it, `12 (SharesTransferred)`, as `第 12 条（股份转让）`.
fn record_zh(text: &str) -> Option<String> {
    let (seq, kind) = text.strip_suffix(')')?.split_once(" (")?;
    if seq.is_empty() || !seq.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let label = crate::labels::event_type(kind, Lang::Zh);
    (label != kind).then(|| format!("第 {seq} 条（{label}）"))
}

/// Records as a refusal lists them (`12 (SharesTransferred), 14 (DeathRecorded)`), each put
/// as [`record_zh`] does, joined by `、`.
fn records_zh(text: &str) -> Option<String> {
    let records: Option<Vec<String>> = text.split(", ").map(record_zh).collect();
    records.map(|r| r.join("、"))
}

/// `R11: rest` as ("R11", "rest").
fn rule_prefix(text: &str) -> Option<(&str, &str)> {
    let (head, rest) = text.split_once(": ")?;
    let digits = head.strip_prefix('R')?;
    let number: u8 = digits.parse().ok()?;
    (digits.len() <= 2 && (1..=17).contains(&number) && !digits.starts_with('0'))
        .then_some((head, rest))
}

/// One piece of a template.
#[derive(Debug, PartialEq)]
enum Piece<'t> {
    Literal(&'t str),
    Hole { name: &'t str, nested: bool },
}

fn pieces(template: &str) -> Vec<Piece<'_>> {
    let mut pieces = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else {
            break;
        };
        if open > 0 {
            pieces.push(Piece::Literal(&rest[..open]));
        }
        let inner = &rest[open + 1..close];
        let (name, nested) = match inner.strip_suffix('*') {
            Some(name) => (name, true),
            None => (inner, false),
        };
        pieces.push(Piece::Hole { name, nested });
        rest = &rest[close + 1..];
    }
    if !rest.is_empty() {
        pieces.push(Piece::Literal(rest));
    }
    pieces
}

/// What each placeholder of `template` took from `text`, if the template covers it whole.
fn matched<'a>(template: &'a str, text: &'a str) -> Option<Vec<(&'a str, String)>> {
    let pieces = pieces(template);
    let mut taken = Vec::new();
    if match_from(&pieces, text, &mut taken) {
        Some(taken)
    } else {
        None
    }
}

fn match_from<'a>(pieces: &[Piece<'a>], text: &str, taken: &mut Vec<(&'a str, String)>) -> bool {
    match pieces.split_first() {
        None => text.is_empty(),
        Some((Piece::Literal(literal), rest)) => {
            text.starts_with(literal) && match_from(rest, &text[literal.len()..], taken)
        }
        Some((Piece::Hole { name, nested }, rest)) => {
            if rest.is_empty() && !fits(name, text) {
                return false;
            }
            let take = |value: &str| match *name {
                _ if *nested => zh(value),
                "file" => file_zh(value),
                "record" => record_zh(value).unwrap_or_else(|| value.to_string()),
                "type" => crate::labels::event_type(value, Lang::Zh).to_string(),
                "records" => records_zh(value).unwrap_or_else(|| value.to_string()),
                "field" | "what" => word_table(name)
                    .and_then(|t| t.iter().find(|(english, _)| *english == value))
                    .map_or_else(|| value.to_string(), |(_, chinese)| chinese.to_string()),
                _ => value.to_string(),
            };
            match rest.first() {
                None => {
                    if text.is_empty() {
                        return false;
                    }
                    taken.push((name, take(text)));
                    true
                }
                Some(Piece::Literal(next)) => {
                    let mut from = text.chars().next().map_or(1, char::len_utf8);
                    while from <= text.len() {
                        let Some(at) = text.get(from..).and_then(|t| t.find(next)) else {
                            return false;
                        };
                        let end = from + at;
                        let mark = taken.len();
                        if fits(name, &text[..end]) {
                            taken.push((name, take(&text[..end])));
                            if match_from(rest, &text[end..], taken) {
                                return true;
                            }
                            taken.truncate(mark);
                        }
                        from = end + text[end..].chars().next().map_or(1, char::len_utf8);
                    }
                    false
                }
                Some(Piece::Hole { .. }) => false,
            }
        }
    }
}

/// Placeholders that take one word (no spaces): a field's or key's name, an ID, a number, a
/// date, a code.
const WORD_HOLES: &[&str] = &[
    "field", "what", "key", "id", "seq", "n", "year", "date", "code", "class", "units", "days",
    "count",
];

/// `template` with each placeholder replaced by what it took.
fn filled(template: &str, taken: &[(&str, String)]) -> String {
    let mut out = String::new();
    // Whether the last piece was a field named in Chinese: it runs on into the Chinese after it
    // (`姓名不能为空`), without the space the template keeps for a field named in English.
    let mut chinese_field = false;
    for piece in pieces(template) {
        match piece {
            Piece::Literal(literal) if chinese_field => {
                out.push_str(literal.strip_prefix(' ').unwrap_or(literal));
            }
            Piece::Literal(literal) => out.push_str(literal),
            Piece::Hole { name, .. } => {
                if let Some((_, value)) = taken.iter().find(|(taken, _)| *taken == name) {
                    out.push_str(value);
                    chinese_field = name == "field" && value.ends_with(is_cjk);
                    continue;
                }
            }
        }
        chinese_field = false;
    }
    out
}

fn is_cjk(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
}

/// A row's or cell's place (`line 7, column 2`, `row 7`, `B7`) in `lang`.
pub fn place(lang: Lang, english: &str) -> String {
    match (lang, place_zh(english, true)) {
        (Lang::Zh, Some((place, ""))) => place,
        _ => english.to_string(),
    }
}

/// Every message: English template, Chinese template.
pub const MESSAGES: &[Row] = &[
    // Prefixes first: a row further down may match a whole text that starts with one.
    ("charter key `{key}`: {problem*}", "章程键 `{key}`：{problem}"),
    ("units: {detail*}", "股数：{detail}"),
    // A refusal to undo a record names the records that stand on it, or the one to correct.
    ("{why*}; later records depend on it: {records}", "{why}；依赖于它的后续记录：{records}"),
    ("{why*}: correct record {record}", "{why}：请更正{record}"),
    ("--actor (or GUFEN_ACTOR, or $USER) holds a citizen ID number; the actor is printed whole by `log` and `history`: name the clerk, not a person's ID", "--actor（或 GUFEN_ACTOR、$USER）中含有身份证号；记录人会被 `log` 和 `history` 原样显示：请写经办人姓名，不要写身份证号"),
    ("--actor (or GUFEN_ACTOR, or $USER) {problem*}", "--actor（或 GUFEN_ACTOR、$USER）{problem}"),
    // The store and the collective.
    (
        "the store at {path} is in use by another gufen process; try again when it has finished, or wait for it with --wait SECONDS",
        "存储 {path} 正被另一个 gufen 进程使用；请待其完成后再试，或用 --wait 秒数 等待",
    ),
    (
        "no store at {path}: create one with `gufen init --charter FILE`, or name another with --db",
        "{path} 处没有存储：请用 `gufen init --charter 章程文件` 建立，或用 --db 指定其他存储",
    ),
    (
        "no collective with code {code} in the store {path} (it holds: {codes})",
        "存储 {path} 中没有代码为 {code} 的集体经济组织（存储中有：{codes}）",
    ),
    (
        "the store {path} holds no collective: run `gufen init --charter FILE`",
        "存储 {path} 中还没有集体经济组织：请先运行 `gufen init --charter 章程文件`",
    ),
    (
        "the store holds {count} collectives; choose one with --org ({codes})",
        "存储中有 {count} 个集体经济组织；请用 --org 指定其一（{codes}）",
    ),
    (
        "conflict: the command was decided at head {expected} but the ledger is now at {found}; run it again",
        "冲突：本命令按第 {expected} 条链头作出，但台账现已到第 {found} 条；请重新运行",
    ),
    ("integrity failure at record {seq}: {detail}", "完整性故障（第 {seq} 条记录）：{detail}"),
    (
        "integrity failure: the store's data file is damaged: a read failed its checksum; restore the store from a copy and run `gufen verify`",
        "完整性故障：存储的数据文件已损坏，读取时校验和不符；请用备份恢复存储，再运行 `gufen verify`",
    ),
    (
        "integrity failure: the store's data files are damaged: its engine could not read them back ({why*}); restore the store from a copy and run `gufen verify`",
        "完整性故障：存储的数据文件已损坏，存储引擎无法读回（{why}）；请用备份恢复存储，再运行 `gufen verify`",
    ),
    (
        "integrity failure: the store's data files are damaged (sled: {what}); restore the store from a copy and run `gufen verify`",
        "完整性故障：存储的数据文件已损坏（sled：{what}）；请用备份恢复存储，再运行 `gufen verify`",
    ),
    ("integrity failure: {detail}", "完整性故障：{detail}"),
    ("store error: {detail}", "存储错误：{detail}"),
    ("i/o error: {detail*}", "读写错误：{detail}"),
    ("none", "无"),
    ("drafted", "草案"),
    ("noticed", "公示"),
    ("approved", "表决通过"),
    ("posted", "入账"),
    ("missing field `{key}`", "缺少键 `{key}`"),
    ("unknown field `{key}`, expected one of {keys}", "未知的键 `{key}`，可用的键：{keys}"),
    ("unknown field `{key}`, expected {keys}", "未知的键 `{key}`，可用的键：{keys}"),
    ("invalid type: {found}, expected {want}", "类型不对：实为 {found}，应为 {want}"),
    ("duplicate key `{key}`", "键 `{key}` 重复"),
    ("duplicate key", "键重复"),
    ("invalid key", "键无效"),
    ("invalid string\nexpected `\"`, `'`", "字符串无效"),
    // Operating-system errors.
    ("No such file or directory (os error 2)", "文件或目录不存在（系统错误 2）"),
    ("Permission denied (os error 13)", "权限不足（系统错误 13）"),
    ("Is a directory (os error 21)", "这是一个目录（系统错误 21）"),
    ("Not a directory (os error 20)", "不是目录（系统错误 20）"),
    ("File exists (os error 17)", "文件已存在（系统错误 17）"),
    ("No space left on device (os error 28)", "磁盘空间不足（系统错误 28）"),
    ("stream did not contain valid UTF-8", "内容不是有效的 UTF-8 文本"),
    // IDs and documents (R5).
    ("citizen ID {id} has a wrong check character: expected {want}, found {found} (GB 11643)", "身份证号 {id} 的校验码不对：应为 {want}，实为 {found}（GB 11643）"),
    ("citizen ID {id} must have 18 characters (17 digits and a check character)", "身份证号 {id} 应为 18 位（17 位数字加 1 位校验码）"),
    ("citizen ID  must have 18 characters (17 digits and a check character)", "身份证号为空：应为 18 位（17 位数字加 1 位校验码）"),
    ("citizen ID {id} must be 17 digits followed by a digit or X", "身份证号 {id} 应为 17 位数字加 1 位数字或 X"),
    ("citizen ID {id} holds a birth date after the record's date {date}", "身份证号 {id} 的出生日期晚于记录日期 {date}"),
    ("document {doc} must be TYPE:NUMBER, e.g. passport:E12345678 (a type is a word of letters, digits or -, at most 20)", "证件 {doc} 应写作 类型:号码，例如 passport:E12345678（类型为字母、数字或 - 组成的词，最多 20 个字符）"),
    ("must be TYPE:NUMBER, e.g. passport:E12345678", "应写作 类型:号码，例如 passport:E12345678"),
    ("{id} is a citizen ID: a citizen is keyed by the ID itself, not as another document", "{id} 是身份证号：中国公民以身份证号本身登记，不作为其他证件"),
    ("org code {code} has a wrong check character: expected {want}, found {found} (GB 32100)", "统一社会信用代码 {code} 的校验码不对：应为 {want}，实为 {found}（GB 32100）"),
    ("citizen ID {id} does not begin with a province code of GB/T 2260 (11–15, 21–23, 31–37, 41–46, 50–54, 61–65, 71, 81, 82)", "身份证号 {id} 的开头不是 GB/T 2260 中的省级代码（11–15、21–23、31–37、41–46、50–54、61–65、71、81、82）"),
    ("citizen ID {id} does not hold a real birth date (characters 7 to 14, YYYYMMDD)", "身份证号 {id} 中的出生日期（第 7 至 14 位，即出生年月日）不是真实的日期"),
    ("org code {value} must have 18 characters (GB 32100 unified social credit code)", "统一社会信用代码 {value} 应为 18 位（GB 32100）"),
    ("org code {value} has a character outside 0-9A-HJ-NPQRTUWXY at position {n}", "统一社会信用代码 {value} 第 {n} 位的字符不在 0-9A-HJ-NPQRTUWXY 之内"),
    ("no person with ID {id} in this collective", "本组织没有身份证号为 {id} 的人员"),
    ("no person with ID {id} in this collective: register a non-member heir with `gufen person add` first", "本组织没有身份证号为 {id} 的人员：非成员继承人请先用 `gufen person add` 登记"),
    ("no records concern ID {id}", "没有与身份证号 {id} 有关的记录"),
    ("person {id} is already registered", "人员 {id} 已经登记"),
    ("ID {id} is registered under the name {name}, not {other}", "身份证号 {id} 登记的姓名是 {name}，不是 {other}"),
    ("ID {id} also appears on row {row}", "身份证号 {id} 也出现在第 {row} 行"),
    ("ID {id} also appears on line {line} [{column}]", "身份证号 {id} 也出现在第 {line} 行 [{column}]"),
    ("ID {id} also appears on line {line}", "身份证号 {id} 也出现在第 {line} 行"),
    ("ID {id} also appears on {cell} [{column}]", "身份证号 {id} 也出现在单元格 {cell} [{column}]"),
    ("ID {id} also appears on {cell}", "身份证号 {id} 也出现在单元格 {cell}"),
    ("ID {id} is also paid on row {row}", "身份证号 {id} 在第 {row} 行也有付款"),
    ("ID {id} is also paid on line {line} [{column}]", "身份证号 {id} 在第 {line} 行也有付款 [{column}]"),
    ("ID {id} is also paid on line {line}", "身份证号 {id} 在第 {line} 行也有付款"),
    ("ID {id} is also paid on {cell} [{column}]", "身份证号 {id} 在单元格 {cell} 也有付款 [{column}]"),
    ("ID {id} is also paid on {cell}", "身份证号 {id} 在单元格 {cell} 也有付款"),
    // Values on the command line.
    ("{value} is not a date YYYY-MM-DD", "{value} 不是 YYYY-MM-DD 格式的日期"),
    ("{value} is not a date YYYY-MM-DD: there is no such day", "{value} 不是 YYYY-MM-DD 格式的日期：没有这一天"),
    ("{value} is not a decimal number with at most {n} decimal places", "{value} 不是最多 {n} 位小数的数"),
    ("{value} is not a whole number", "{value} 不是整数"),
    ("{value} is too large", "{value} 太大"),
    ("{value} must be greater than zero", "{value} 必须大于零"),
    ("{value} is not a UUID", "{value} 不是 UUID"),
    ("{value} is negative: money is entered as yuan of 0 or more (a year's losses go in --losses; money paid back is a correction of the payment)", "{value} 是负数：金额以元为单位，不小于 0（年度亏损填在 --losses；退回的款项是对支付的更正）"),
    ("{value} is negative: a rate is a percentage from 0 to 100, never below the charter's floor (R12)", "{value} 是负数：比例是 0 到 100 之间的百分数，且不低于章程规定的下限（R12）"),
    ("{value} is negative: a year, a record's seq, a count or a number of seconds is a whole number of 0 or more", "{value} 是负数：年度、记录序号、人数和秒数都是不小于 0 的整数"),
    ("{value} is negative: shares are given as a positive number of units; shares leave a holding by a transfer, a redemption or a correction", "{value} 是负数：股数须为正数；股份只能通过转让、回购或更正减少"),
    // Dates (R17).
    ("{date} is before the collective's registration on {registered}", "{date} 早于本组织的登记日期 {registered}"),
    ("a record cannot be dated {date}, after today ({today})", "记录日期不能是 {date}，晚于今天（{today}）"),
    ("the collective was registered on {registered}; the ledger holds nothing as of {date}", "本组织于 {registered} 登记；截至 {date} 台账中还没有任何记录"),
    ("{date} is after today ({today}): the ledger answers as of today at the latest", "{date} 晚于今天（{today}）：台账最多只能回答截至今天的情况"),
    ("{id} died on {died}: the estate cannot be settled before that ({date})", "{id} 于 {died} 去世：遗产不能在此之前（{date}）分割"),
    ("{id} died on {died}: nothing of their own is recorded after it ({date}); their estate is settled by inheritance", "{id} 于 {died} 去世：此后（{date}）不能再记录其本人的事项；其遗产通过继承分割"),
    ("{id} is first recorded on {first}: nothing about them is dated before it ({date})", "{id} 首次登记于 {first}：与其有关的记录不能早于此日（{date}）"),
    ("{id} has a record of their own dated {own}: the death cannot be dated before it ({date})", "{id} 有一条日期为 {own} 的本人记录：死亡日期（{date}）不能早于它"),
    ("the membership of {id} began on {since}: it cannot end before that ({date})", "{id} 的成员身份始于 {since}：不能在此之前（{date}）终止"),
    ("{id} has a record dated {needed} that needed their membership (an allotment, a transfer, an election): the membership cannot end before it ({date})", "{id} 有一条日期为 {needed}、以成员身份为前提的记录（配股、转让或选举）：成员身份不能在此之前（{date}）终止"),
    ("{date} is on or before the record date {record_date} of the posted {year} plan: the register on it is closed; correct the {year} posting first (R15) to change it", "{date} 不晚于已入账的 {year} 年度方案的股权登记日 {record_date}：该日的股东名册已封存；如需变更，请先更正 {year} 年度的入账（R15）"),
    ("the {year} plan cannot be drafted on {date}: that year has not begun", "{year} 年度方案不能在 {date} 编制：该年度尚未开始"),
    ("{id} holds only {units} {class} shares from {date} on (later holdings are dated after it); date the {what} when the units are held", "{id} 自 {date} 起只持有 {units} 股 {class}（其余持股日期在此之后）；请把{what}日期定在持有这些股份之后"),
    ("{id} was elected on {date}: leaving cannot be dated before it", "{id} 于 {date} 当选：离任日期不能早于此日"),
    ("the payment ({date}) cannot come before the dividend was posted ({posted})", "支付日期（{date}）不能早于分红入账日期（{posted}）"),
    ("the notice ({date}) cannot come before the draft ({drafted})", "公示日期（{date}）不能早于草案日期（{drafted}）"),
    ("the posting ({date}) cannot come before the approval ({approved})", "入账日期（{date}）不能早于表决通过日期（{approved}）"),
    ("the record date {record_date} is before the year {year} the plan distributes: the register it reads is of that year or later", "股权登记日 {record_date} 早于方案分配的 {year} 年度：所依据的股东名册须是该年度或之后的"),
    ("part of the estate of {id} is dated after {date}: date the settlement when the estate holds it all", "{id} 的部分遗产日期晚于 {date}：请把分割日期定在遗产全部到位之后"),
    ("the pledge under contract {contract} was registered on {since}: it cannot be released before that ({date})", "质押合同 {contract} 下的质押于 {since} 登记：不能在此之前（{date}）解除"),
    ("{id} holds only {units} {class} shares from {date} on: a pledge binds units held on its date", "{id} 自 {date} 起只持有 {units} 股 {class}：质押只及于质押日已持有的股份"),
    ("record {seq} takes effect on {date}: its correction cannot be dated before it", "第 {seq} 条记录于 {date} 生效：其更正日期不能早于此日"),
    // Distribution (R12–R14).
    ("the record date {record_date} is after the draft's date {date}: the register on it is not known yet", "股权登记日 {record_date} 晚于草案日期 {date}：当日的股东名册尚不可知"),
    ("losses {losses} exceed income {income}: nothing is left to distribute", "亏损 {losses} 元超过收益 {income} 元：没有可分配的收益"),
    ("a reserve fund rate of {rate} is below the charter's floor of {floor}", "公积金提取比例 {rate} 低于章程规定的下限 {floor}"),
    ("a welfare fund rate of {rate} is below the charter's floor of {floor}", "公益金提取比例 {rate} 低于章程规定的下限 {floor}"),
    ("the reserve and welfare rates together exceed 100%", "公积金和公益金提取比例之和超过 100%"),
    ("no {year} dividend was declared to {who}: only a posted plan's holders are paid", "未向 {who} 宣布 {year} 年度分红：只向已入账方案中的持有人支付"),
    ("no plan has been drafted for {year}: run `gufen distribution draft` first", "{year} 年度尚未编制方案：请先运行 `gufen distribution draft`"),
    ("the {year} plan has not been put up for public notice: run `gufen distribution notice` first", "{year} 年度方案尚未公示：请先运行 `gufen distribution notice`"),
    ("the {year} plan is drafted, not approved: posting comes after the assembly's approval", "{year} 年度方案只是草案，尚未表决通过：入账须在大会表决通过之后"),
    ("the {year} plan is noticed, not approved: posting comes after the assembly's approval", "{year} 年度方案已公示，尚未表决通过：入账须在大会表决通过之后"),
    ("the payment file has no rows", "支付文件中没有任何行"),
    ("the year's income must be above zero", "年度收益必须大于零"),
    ("the year must be between {low} and {high}", "年度须在 {low} 到 {high} 之间"),
    // `gufen demo`.
    ("{path} already holds a store; the demo needs a fresh one (omit --db to use a new temporary directory)", "{path} 已有存储；演示需要一个新的存储（省略 --db 则使用新的临时目录）"),
    ("--villages must be between {low} and {high}", "--villages 须在 {low} 到 {high} 之间"),
    ("--members must be between {low} and {high}", "--members 须在 {low} 到 {high} 之间"),
    ("--years must be between {low} and {high}", "--years 须在 {low} 到 {high} 之间"),
    ("--years {years} is too many today: the demo's last record would be dated {last}, after today ({today}); at most {most}", "--years {years} 超出了今天所能演示的年数：演示的最后一条记录将是 {last}，晚于今天（{today}）；最多 {most} 年"),
    ("nobody holds weighted shares on the record date {date}: there is no one to distribute to", "股权登记日 {date} 没有人持有计权股份：没有可分配的对象"),
    ("a plan holds at most {n} holder lines", "一个方案最多 {n} 行持有人明细"),
    ("{votes} votes for out of {eligible} eligible is not a count of a vote", "{eligible} 人中 {votes} 人赞成，这不是有效的表决计数"),
    ("holdings effective on or before the record date {record_date} have changed since the {year} plan was drafted ({then} changes then, {now} now); draft it again, then notice and approve the new plan", "{year} 年度方案编制后，股权登记日 {record_date} 及之前生效的持股发生了变化（编制时 {then} 处变动，现在 {now} 处）；请重新编制，再公示并表决新方案"),
    // Shares (R6–R11).
    ("the price is zero or more, and zero for a gift", "价款不能为负，赠与的价款为零"),
    ("{id} holds {units} {class} shares, fewer than the {wanted} to {what}", "{id} 持有 {units} 股 {class}，少于要{what}的 {wanted} 股"),
    ("a transfer needs two different persons", "转让须在两个不同的人之间进行"),
    ("{id} holds no {class} shares", "{id} 没有持有 {class} 股份"),
    ("{id} holds no shares", "{id} 没有持有任何股份"),
    ("{id} holds several classes of shares: name one with --class", "{id} 持有多类股份：请用 --class 指明一类"),
    ("a {what} needs units above zero", "{what}的股数必须大于零"),
    ("{id} has {units} {class} shares free of pledges; pledged units are not given up by a {what} until released", "{id} 只有 {units} 股 {class} 未被质押；已质押的股份在解除质押前不能{what}"),
    ("{id} would hold {units} of {total} shares, above the charter's cap of {cap}%", "{id} 将持有全部 {total} 股中的 {units} 股，超过章程规定的持股上限 {cap}%"),
    ("static management (生不增、死不减): no allotment after the baseline date {baseline} (this one is dated {date}): leave this row's class and units empty", "静态管理（生不增、死不减）：基准日 {baseline} 之后不再配股（本次日期为 {date}）：请将本行的股种、股数留空"),
    ("static management (生不增、死不减): no allotment after the baseline date {baseline} (this one is dated {date})", "静态管理（生不增、死不减）：基准日 {baseline} 之后不再配股（本次日期为 {date}）"),
    ("share class {class} is not in the charter", "章程中没有股份类别 {class}"),
    ("the plan adopted by resolution {resolution} has {left} {class} shares left to allot, fewer than the roster's {wanted}", "决议 {resolution} 通过的方案中 {class} 只剩 {left} 股可配，少于花名册所列的 {wanted} 股"),
    ("a plan is already adopted under resolution {resolution}", "决议 {resolution} 已通过了一个方案"),
    ("the plan adopted by resolution {resolution} has {left} {class} shares left to allot, fewer than {units}", "决议 {resolution} 通过的方案中 {class} 只剩 {left} 股可配，少于 {units} 股"),
    ("an allotment must cite the resolution adopting the quantification plan", "配股须引用通过股权量化方案的决议"),
    ("a quantification plan cites the members' assembly's resolution adopting it", "股权量化方案须引用成员大会通过它的决议"),
    ("a quantification plan gives each class's total units", "股权量化方案须写明每类股份的总股数"),
    ("a plan's total units are above zero", "方案的总股数必须大于零"),
    ("class {class} is given twice", "股份类别 {class} 重复给出"),
    ("share class {class} is not in the charter ({classes})", "章程中没有股份类别 {class}（章程中的类别：{classes}）"),
    ("no quantification plan is adopted under resolution {resolution}: allotments cite an adopted plan (`gufen shares plan`)", "决议 {resolution} 没有通过股权量化方案：配股须引用已通过的方案（`gufen shares plan`）"),
    ("the charter keeps no collective share (collective_share = false)", "章程没有设置集体股（collective_share = false）"),
    ("{name} ({id}) has died: shares pass only to a current member", "{name}（{id}）已去世：股份只能转给现有成员"),
    ("{name} ({id}) is not a member (a non-member heir holds income rights only): shares pass only to a current member", "{name}（{id}）不是成员（非成员继承人只享有收益权）：股份只能转给现有成员"),
    ("{name} ({id}) has exited the collective: shares pass only to a current member", "{name}（{id}）已退出本组织：股份只能转给现有成员"),
    ("{name} ({id}) is no longer a member: shares pass only to a current member", "{name}（{id}）已不是成员：股份只能转给现有成员"),
    ("the price is zero or more", "价款不能为负"),
    ("an allotment needs units above zero", "配股的股数必须大于零"),
    ("{id} is already in household {household}", "{id} 已在户 {household} 中"),
    ("{id} is not in household {household}", "{id} 不在户 {household} 中"),
    ("no household {household} on {date}", "{date} 时没有户号为 {household} 的户"),
    ("{id} holds {units} {class} shares of which {free} are free of pledges; {wanted} cannot be pledged", "{id} 持有 {units} 股 {class}，其中未被质押的只有 {free} 股；不能质押 {wanted} 股"),
    ("contract {contract} already registers a pledge", "质押合同 {contract} 已登记过一项质押"),
    ("no open pledge of {id} under contract {contract}", "质押合同 {contract} 下没有 {id} 尚存续的质押"),
    // Estates (R10).
    ("{num}/{den} for {id} is not a fraction between 0 and 1 (denominators up to {max})", "{id} 的份额 {num}/{den} 不是 0 到 1 之间的分数（分母最大 {max}）"),
    ("{id} is named twice, or is the deceased", "{id} 被列了两次，或就是被继承人本人"),
    ("give every heir a fraction, or none for an equal split", "请为每位继承人都写明份额，或都不写（均分）"),
    ("{name} ({id}) has no recorded death: record it with `gufen death record` first", "{name}（{id}）没有死亡记录：请先用 `gufen death record` 登记"),
    ("the death of {id} is already recorded", "{id} 的死亡已经登记"),
    ("the estate of {id} holds no shares to settle", "{id} 的遗产中没有可分割的股份"),
    ("the heirs' fractions sum to {sum}, not exactly one", "继承人份额之和为 {sum}，不等于 1"),
    ("heir {id} has died: settle through their own estate", "继承人 {id} 已去世：请通过其本人的遗产分割"),
    ("a settlement names 1 to {max} heirs", "一次分割须列明 1 到 {max} 位继承人"),
    ("these fractions are too fine to add up exactly", "这些份额太细，无法精确相加"),
    ("the estate of {id} has {units} pledged shares: release them before settling", "{id} 的遗产中有 {units} 股已质押：请先解除质押再分割"),
    // Membership and representatives (R1–R4, R13).
    ("{name} ({id}) is already a member", "{name}（{id}）已经是成员"),
    ("every one of the roster's {count} persons is already a member: it has been imported before", "名册上的 {count} 人都已经是成员：这份名册已经导入过"),
    ("and {count} more rows of persons who are already members: a roster imported later lists only the persons it adds", "另有 {count} 行的人员已经是成员：以后导入的名册只列新增的人员"),
    ("{name} ({id}) is not a current member", "{name}（{id}）不是现有成员"),
    ("{name} ({id}) has died: the holding is an estate, settled by inheritance", "{name}（{id}）已去世：其所持股份为遗产，通过继承分割"),
    ("{id} is not a seated representative", "{id} 不是在任的成员代表"),
    ("{id} is not a seated representative; the seat ended with the membership on {ended}", "{id} 不是在任的成员代表；其席位已随成员身份于 {ended} 终止"),
    ("a representative's election must cite the assembly's resolution", "选举成员代表须引用成员大会的决议"),
    ("a representative leaves by the assembly's resolution", "成员代表离任须依成员大会的决议"),
    ("{name} ({id}) is under 18 on {date} (of age from {of_age}): a representative is a member of full civil capacity", "{name}（{id}）在 {date} 未满 18 周岁（{of_age} 起成年）：成员代表须是具有完全民事行为能力的成员"),
    ("{name} ({id}) has been a representative since {date}", "{name}（{id}）自 {date} 起已是成员代表"),
    ("a membership confirmation must cite the assembly's resolution", "确认成员身份须引用成员大会的决议"),
    ("a roster import must cite the assembly's resolution", "导入花名册须引用成员大会的决议"),
    ("{id} is known by a {kind}, not a citizen ID: a member is a PRC citizen keyed by the citizen ID (a foreign heir may be registered and inherit, never be a member)", "{id} 以证件（{kind}）登记，而非身份证号：成员须是以身份证号登记的中国公民（外籍继承人可以登记并继承，但不能成为成员）"),
    ("this ledger already has its collective registered", "本台账已登记了集体经济组织"),
    ("{id} is not a member of the collective {code} in this store on {date}: membership gained there is confirmed there first", "{date} 当日 {id} 不是本存储中组织 {code} 的成员：在那里取得的成员身份须先在那里确认"),
    ("{id} is not a member of the collective {code} in this store on {date}: membership gained there is confirmed there first; `gufen township move --id ID --from {from} --to {to}` ends it here and confirms it there together", "{date} 当日 {id} 不是本存储中组织 {code} 的成员：在那里取得的成员身份须先在那里确认；`gufen township move --id ID --from {from} --to {to}` 可同时终止本组织的成员身份并在那里确认"),
    // R2 across the collectives of one store (`gufen township`).
    ("{id} is a member of {name} ({code}) in this store: a person is a member of one collective at a time: `gufen township move --id ID --from {from} --to {to} --household HOUSEHOLD --resolution RESOLUTION --date DATE` ends that membership on other-collective naming this one and confirms this one together", "{id} 是本存储中 {name}（{code}）的成员：一个人同一时间只能是一个集体经济组织的成员；`gufen township move --id ID --from {from} --to {to} --household 户号 --resolution 决议 --date 日期` 可同时以“取得其他组织成员身份”（指明本组织）终止那里的成员身份并在本组织确认"),
    ("{id} was a member of {name} ({code}) in this store until {ended}, after {date}: a person is a member of one collective at a time: `gufen township move --id ID --from {from} --to {to} --household HOUSEHOLD --resolution RESOLUTION --date DATE` ends that membership on other-collective naming this one and confirms this one together", "{id} 直到 {ended}（晚于 {date}）仍是本存储中 {name}（{code}）的成员：一个人同一时间只能是一个集体经济组织的成员；`gufen township move --id ID --from {from} --to {to} --household 户号 --resolution 决议 --date 日期` 可同时以“取得其他组织成员身份”（指明本组织）终止那里的成员身份并在本组织确认"),
    ("{id} died on {died}, as {name} ({code}) in this store records: a person whose death is recorded is not confirmed as a member of another collective; if the death was recorded in error, correct it there first (`gufen --org {org} correct --seq N`)", "本存储中 {name}（{code}）登记 {id} 已于 {died} 死亡：已登记死亡的人不能被确认为其他组织的成员；若死亡登记有误，请先在那里更正（`gufen --org {org} correct --seq N`）"),
    ("{id} was not yet a member of {name} ({code}) on {date}: a member there since {since}; a move is dated on or after the day the membership it moves began", "{date} 当日 {id} 还不是 {name}（{code}）的成员：其成员身份自 {since} 起；转移的日期不得早于所转移的成员身份开始之日"),
    ("this move was recorded before ({done*}), but {state*} now (a record of it was corrected, or the membership changed, since): repeating it would write nothing; to move the membership again, give the move with a new `--command-id`", "这次转移此前已登记（{done}），但现在{state}（此后其记录被更正，或成员身份已有变化）：再次执行不会写入任何记录；如需再次转移成员身份，请加上新的 `--command-id` 执行转移"),
    ("the loss #{seq} in {code}, the confirmation #{other} in {to}", "{code} 的丧失记录第 {seq} 条、{to} 的确认记录第 {other} 条"),
    ("the loss #{seq} in {code}", "{code} 的丧失记录第 {seq} 条"),
    ("the confirmation #{seq} in {code}", "{code} 的确认记录第 {seq} 条"),
    ("{id} is a member of {code} and not of {to}", "{id} 是 {code} 的成员而不是 {to} 的成员"),
    ("{id} is a member of {code} still", "{id} 仍是 {code} 的成员"),
    ("{id} is not a member of {code}", "{id} 不是 {code} 的成员"),
    ("--from and --to name the same collective {code}: a move is between two collectives of the store", "--from 和 --to 是同一个组织 {code}：成员身份只能在本存储的两个组织之间转移"),
    ("{id} is not known to {name} ({code}): only a member's membership moves", "{name}（{code}）没有 {id} 的记录：只有成员的成员身份才能转移"),
    ("{id} is not a member of {name} ({code}): only a member's membership moves", "{id} 不是 {name}（{code}）的成员：只有成员的成员身份才能转移"),
    ("the move is half done: the membership in {from} ended on {date}, but {to} did not record the confirmation; give the same command again to complete it (`gufen township duplicates` lists it meanwhile)", "转移只完成了一半：{from} 的成员身份已于 {date} 终止，但 {to} 未能登记确认；请再次执行同一条命令以完成转移（在此之前 `gufen township duplicates` 会列出它）"),
    ("{id}'s membership in {name} ({code}) ended on {ended}, naming {to}: the confirmation in {to} is dated on or after that day, not {date}", "{id} 在 {name}（{code}）的成员身份已于 {ended} 终止并指明 {to}：在 {to} 的确认日期须在当日或之后，不能是 {date}"),
    // Loss and exit (R2–R4), transfers and redemption (R8), the plan's steps (R13).
    ("the note names {word}, a circumstance that never ends membership (RCEOL 18): record it as a life event, or record the loss on its lawful ground alone", "备注中提到 {word}，这一情形从不终止成员身份（《农村集体经济组织法》第十八条）：请作为生活事件登记，或只按法定事由登记丧失"),
    ("the charter lists no ground for losing membership", "章程没有规定丧失成员身份的事由"),
    ("name the charter's ground by its code: {codes}", "请用代码指明章程中的事由：{codes}"),
    ("{id} has {units} pledged shares outstanding: release them before the exit", "{id} 有 {units} 股尚在质押中：请先解除质押再退出"),
    ("a loss on a charter ground cites the resolution deciding it", "依章程事由丧失成员身份，须引用作出决定的决议"),
    ("membership gained in another collective cites that collective's credit code", "取得其他组织成员身份的，须引用该组织的统一社会信用代码"),
    ("the other collective's credit code is this collective's own", "所填的其他组织信用代码就是本组织自己的"),
    ("{event} never ends membership (RCEOL 18); record it as a life event instead", "{event} 从不终止成员身份（《农村集体经济组织法》第十八条）；请作为生活事件登记"),
    ("{ground} names {word}, a circumstance that never ends membership (RCEOL 18)", "{ground} 提到 {word}，这一情形从不终止成员身份（《农村集体经济组织法》第十八条）"),
    ("{ground} is not a ground for losing membership: death, nationality, other-collective, civil-servant or a ground the charter lists", "{ground} 不是丧失成员身份的事由：只能是 death（死亡）、nationality（丧失国籍）、other-collective（取得其他组织成员身份）、civil-servant（成为公务员）或章程所列事由"),
    ("nobody is exited without their own application: cite the member's written application", "未经本人申请，任何人不得被退出：请引用成员本人的书面申请"),
    ("a voluntary exit needs the organization's consent: cite its resolution", "自愿退出须经组织同意：请引用同意的决议"),
    ("{name} ({id}) is not a current member: shares pass only between current members; the collective may redeem them", "{name}（{id}）不是现有成员：股份只在现有成员之间转让；可由集体回购"),
    ("{id} is not a member of this collective: shares never go to an outsider", "{id} 不是本组织成员：股份从不转给外部人员"),
    ("a redemption by the collective cites the resolution that decides it", "集体回购须引用作出决定的决议"),
    ("cite the holder's written consent", "请引用持有人的书面同意"),
    ("cite the court's judgment", "请引用法院判决"),
    ("{id}'s units are redeemed only with the holder's consent or a court's judgment, never by a resolution alone: cite --consent or --judgment", "回购 {id} 的股份须有持有人同意或法院判决，不能仅凭决议：请给出 --consent 或 --judgment"),
    ("the {year} plan is already {status*}: its notice is printed again by `gufen distribution show --year {again} --notice`", "{year} 年度方案已处于{status}状态：重印其公示请用 `gufen distribution show --year {again} --notice`"),
    ("the {year} plan is already {status*}", "{year} 年度方案已处于{status}状态"),
    ("the {year} plan was posted on {date}; a posted plan is final", "{year} 年度方案已于 {date} 入账；已入账的方案不能更改"),
    ("the {year} plan was approved on {date}; an approved plan is not redrafted", "{year} 年度方案已于 {date} 表决通过；已通过的方案不能重新编制"),
    ("the {year} plan was already put up for notice on {date}; the notice period runs from that date", "{year} 年度方案已于 {date} 公示；公示期从该日起算"),
    ("the plan was put up for notice on {noticed}; the charter's {days} days of notice run to the end of {ends}, so the vote cannot be before {earliest}", "方案于 {noticed} 公示；章程规定的 {days} 天公示期到 {ends} 结束，表决不能早于 {earliest}"),
    ("the charter gives the approval of distributions to the members' assembly, not the representatives", "章程规定收益分配由成员大会表决，而不是成员代表大会"),
    ("an approval must cite the assembly's resolution", "表决通过须引用大会决议"),
    ("the representatives register lists {seated} representatives seated on {date}, not {eligible}: the threshold is 2/3 of them all", "{date} 在任的成员代表为 {seated} 人，而不是 {eligible} 人：须经全体代表三分之二以上同意"),
    ("the register lists {members} members aged 18 or more on {date}, not {eligible}: the members' assembly is every member of full civil capacity, and the threshold is 2/3 of them all", "{date} 名册上年满 18 周岁的成员为 {members} 人，而不是 {eligible} 人：成员大会由全体具有完全民事行为能力的成员组成，须经其三分之二以上同意"),
    ("{votes} of {eligible} is short of two thirds of all eligible: at least {needed} are needed", "{eligible} 人中 {votes} 人赞成，不足全体三分之二：至少需要 {needed} 人"),
    ("the {year} plan was already posted on {date}; it is posted once", "{year} 年度方案已于 {date} 入账；只能入账一次"),
    ("the {year} plan is {status*}, not approved: posting comes after the assembly's approval", "{year} 年度方案处于{status}状态，尚未表决通过：入账须在大会表决通过之后"),
    // Records and corrections (R15).
    ("no record {seq} in this ledger (its records are {first} to {last})", "本台账中没有第 {seq} 条记录（现有记录为第 {first} 至 {last} 条）"),
    ("a correction states its reason", "更正须说明理由"),
    ("record {seq} has already been corrected", "第 {seq} 条记录已经更正过"),
    ("record {seq} cannot be undone: {why*}", "第 {seq} 条记录不能撤销：{why}"),
    ("later records depend on it: {records}", "依赖于它的后续记录：{records}"),
    ("a correction is not itself undone: record the event again if it did happen", "更正本身不能撤销：如该事项确实发生过，请重新登记"),
    ("{id} no longer holds the {units} {class} shares it received (free now: {free})", "{id} 已不再持有其收到的 {units} 股 {class}（现可用 {free} 股）"),
    ("{id} is no longer a member to take the units back", "{id} 已不是成员，不能收回这些股份"),
    ("the collective share no longer holds the units it redeemed", "集体股已不再持有其回购的股份"),
    ("the collective share holds only {units} {class} shares from {date} on", "集体股自 {date} 起只持有 {units} 股 {class}"),
    ("{units} shares are allotted under the plan; undo those allotments first", "该方案下已配出 {units} 股；请先撤销这些配股"),
    ("the representative has left or been elected again since; undo that first", "该代表此后已离任或再次当选；须先撤销那条记录"),
    ("{id} has been elected again since: {record}", "{id} 此后再次当选：{record}"),
    ("{id} is no longer a member, and only a member holds a seat", "{id} 已不是成员，只有成员才能担任代表"),
    ("the estate has been settled", "遗产已经分割"),
    ("a later confirmation, {record}, is in force instead", "之后的{record}现为有效记录"),
    ("the membership is no longer in force", "该成员身份已不再有效"),
    ("{id} received shares as a member since; undo those first", "{id} 此后以成员身份获得过股份；请先撤销那些记录"),
    ("{id} was elected a representative as a member since", "{id} 此后以成员身份当选过成员代表"),
    ("{id} has since been named head of household {household}", "{id} 此后已被指定为户 {household} 的户主"),
    ("{id} is no longer in household {household}", "{id} 已不在户 {household} 中"),
    ("{id} is no longer head of household {household}", "{id} 已不是户 {household} 的户主"),
    ("a later hukou record, {seq} (HukouRecorded), is in force instead; correct that one", "之后的一条户籍登记（第 {seq} 条）现为有效记录；请更正那一条"),
    ("the pledge is no longer open", "该质押已不再存续"),
    ("no pledge under contract {contract} was found", "没有找到质押合同 {contract} 下的质押"),
    ("contract {contract} is open again", "质押合同 {contract} 下的质押已重新设立"),
    ("{id} has {units} shares free of pledges, fewer than the {held} the pledge held", "{id} 只有 {units} 股未被质押，少于该质押原有的 {held} 股"),
    ("a dividend is undone with its whole posting, never alone (the lines sum to the plan)", "分红只能随整次入账一并撤销，不能单独撤销（各行之和等于方案总额）"),
    ("the payment is no longer recorded", "该支付已不在记录中"),
    ("there is no plan for {year}", "{year} 年度没有方案"),
    ("the plan for {year} is {status*} now", "{year} 年度方案现处于{status}状态"),
    ("record {record} superseded this draft", "{record}已取代这份草案"),
    ("the plan for {year} has gone on", "{year} 年度方案已进入后续步骤"),
    ("this draft superseded an earlier one for {year}: draft the plan again, which supersedes it", "这份草案取代了 {year} 年度一份早先的草案：请重新编制方案以取代它"),
    ("{count} of its dividends have been paid (to {ids}): correct those payments first", "其中 {count} 笔分红已经支付（支付给 {ids}）：请先更正这些支付"),
    ("a loss of membership by death is undone with the death", "因死亡丧失成员身份的记录只能随死亡记录一并撤销"),
    ("the {what} is no longer in force", "这次{what}已不再有效"),
    ("an account is replaced by recording the right one (`member bank`) or cleared (`member bank --clear`); the record stays", "账户须通过登记正确的账户（`member bank`）来替换，或予以清除（`member bank --clear`）；原记录保留"),
    ("set the account again (`member bank`); the record stays", "请重新登记账户（`member bank`）；原记录保留"),
    ("the bank's report of a failed payment stays on record; the dividend is still owed, and its payment records it paid", "银行报告的支付失败保留在记录中；该分红仍然应付，支付后再登记为已付"),
    ("the collective's registration is the ledger's first record; a wrong charter is a new ledger", "本组织的登记是台账的第一条记录；章程有误须另建台账"),
    ("the charter's loss grounds are registered with the collective; a wrong charter is a new ledger", "章程所列的成员身份丧失事由随本组织一同登记；章程有误须另建台账"),
    // Bank accounts and the bank's result file.
    ("must be digits only (spaces are allowed between them)", "只能是数字（数字之间可以有空格）"),
    ("must have {min} to {max} digits, not {n}", "应为 {min} 到 {max} 位数字，而不是 {n} 位"),
    ("the account number is a citizen ID number: give the bank account's number", "账号是身份证号：请填写银行账号"),
    ("the account number {problem*}", "账号{problem}"),
    ("{name} ({id}) already has this account on record", "{name}（{id}）已登记了这个账户"),
    ("{name} ({id}) has no bank account on record to clear", "{name}（{id}）没有已登记的银行账户可以清除"),
    ("ID {id} is also on row {row} of the file", "身份证号 {id} 也出现在文件的第 {row} 行"),
    ("every account in the file is already on record: nothing to record", "文件中的账户都已登记：没有需要登记的内容"),
    ("line {reference} ({id}) is also on row {row} of the file", "明细 {reference}（{id}）也出现在文件的第 {row} 行"),
    ("line {reference} ({id}): the bank's amount {bank} differs from the plan's {plan}", "明细 {reference}（{id}）：银行的金额 {bank} 与方案的 {plan} 不符"),
    ("the {year} dividend of {name} ({id}) was already paid on {date} (reference {reference})", "{name}（{id}）的 {year} 年度分红已于 {date} 支付（流水号 {reference}）"),
    ("the {year} dividend of {id} is zero: nothing to pay", "{id} 的 {year} 年度分红为零：无需支付"),
    ("holds no reference of a line of the {year} bank file ({first} to {last}): it matches no unpaid line", "没有 {year} 年度代发文件中任何一笔的参考号（{first} 至 {last}）：对不上任何未付的分红"),
    ("the status cell {cell} is empty", "处理结果单元格 {cell} 为空"),
    ("the amount in {cell} is not yuan: {detail*}", "{cell} 中的金额不是以元为单位的数：{detail}"),
    ("the bank's result file {path} has no header naming the status column (one of: {names})", "银行回盘文件 {path} 中没有处理结果列的表头（可用的表头：{names}）"),
    ("the bank's result file {path} has no reference column (one of: {names})", "银行回盘文件 {path} 中没有参考号所在的列（可用的表头：{names}）"),
    ("cannot read the bank template {path}", "无法读取银行模板 {path}"),
    ("the bank template {path} does not parse: {detail*}", "银行模板 {path} 无法解析：{detail}"),
    ("the bank template {path}: {detail*}", "银行模板 {path}：{detail}"),
    ("it lists no columns", "模板中没有列出任何列"),
    ("no column holds the account number (field = \"account\")", "没有存放账号的列（field = \"account\"）"),
    ("no column holds the amount (field = \"yuan\" or \"fen\")", "没有存放金额的列（field = \"yuan\" 或 \"fen\"）"),
    ("no column carries the line reference (field = \"reference\", or a memo with {ref}): the bank's result could not be matched to the lines", "没有带参考号的列（field = \"reference\"，或含 {ref} 的摘要）：银行的回盘结果将无法与各笔分红对应"),
    ("column {header} needs a text", "列 {header} 须给出 text"),
    ("column {header}: only a memo or fixed column has a text", "列 {header}：只有摘要列或固定值列才有 text"),
    ("an XLSX file carries its own encoding: give no encoding", "XLSX 文件自带编码：不要给出 encoding"),
    ("the character {c} (U+{code}) cannot be written in GBK: give encoding = \"gb18030\" if the bank reads it, or change the name the account is held in", "字符 {c}（U+{code}）无法用 GBK 编码写出：若银行能读取，请设 encoding = \"gb18030\"，或更改账户的户名"),
    ("this command id was already used for another command (records {range}, {type}); a command id names one command: give a new one, or none", "此命令编号已用于另一条命令（记录 {range}，{type}）；一个命令编号只对应一条命令：请换一个新的，或不给出"),
    // Free text (R16).
    ("{field} holds a citizen ID number; an ID is recorded only as a person's key, which every paper masks, never inside free text that papers print whole", "{field} 中含有身份证号；身份证号只作为人员的登记号，所有文书都隐去其中部分，不能写在会被原样打印的文字中"),
    ("{field} must hold no control characters (line breaks, tabs, escapes)", "{field} 不能含有控制字符（换行、制表符、转义符）"),
    ("{field} must hold no characters that change the direction text is shown in (U+202A to U+202E, U+2066 to U+2069, U+200E, U+200F, U+061C)", "{field} 不能含有改变文字显示方向的字符（U+202A 至 U+202E、U+2066 至 U+2069、U+200E、U+200F、U+061C）"),
    ("{field} must be at most {n} characters", "{field} 最多 {n} 个字"),
    ("{field} must not be empty", "{field} 不能为空"),
    ("must hold no control characters (line breaks, tabs, escapes)", "不能含有控制字符（换行、制表符、转义符）"),
    ("must hold no characters that change the direction text is shown in (U+202A to U+202E, U+2066 to U+2069, U+200E, U+200F, U+061C)", "不能含有改变文字显示方向的字符（U+202A 至 U+202E、U+2066 至 U+2069、U+200E、U+200F、U+061C）"),
    ("must be at most {n} characters", "最多 {n} 个字"),
    ("must not be empty", "不能为空"),
    ("holds a citizen ID number, which every paper would print whole", "含有身份证号，而所有文书都会原样打印它"),
    // The charter.
    ("must not be below {floor}", "不得低于 {floor}"),
    ("must be greater than zero", "必须大于零"),
    ("reserve and welfare rates together exceed 100%", "公积金和公益金提取比例之和超过 100%"),
    ("{days} days is longer than a year ({max}): a plan could never be voted on", "{days} 天超过一年（{max} 天）：方案将永远无法表决"),
    ("a charter needs 1 to {n} share classes", "章程须有 1 到 {n} 个股份类别"),
    ("a charter lists at most {n} loss grounds", "章程最多列出 {n} 项成员身份丧失事由"),
    ("{value} must be lowercase letters, digits or -", "{value} 只能由小写字母、数字或 - 组成"),
    ("{value} must be letters, digits, - or _", "{value} 只能由字母、数字、- 或 _ 组成"),
    ("{value} is a code the law already gives a meaning", "{value} 是法律已规定了含义的代码"),
    ("{value} is listed twice", "{value} 列了两次"),
    ("class {class} needs a coefficient above zero", "股份类别 {class} 的系数必须大于零"),
    ("ground {ground} ({name}) names {word}, a circumstance that never ends membership (RCEOL 18 overrides the charter)", "事由 {ground}（{name}）提到 {word}，这一情形从不终止成员身份（《农村集体经济组织法》第十八条优先于章程）"),
    ("ground {ground}: {problem*}", "事由 {ground}：{problem}"),
    ("{days} days is too short: the plan is open to members at least 10 days before the vote (RCEOL 46)", "{days} 天太短：方案须在表决前至少 10 天向成员公开（《农村集体经济组织法》第四十六条）"),
    ("{value} is not \"static\" or \"dynamic\"", "{value} 不是 \"static\" 或 \"dynamic\""),
    ("{value} is not \"largest-remainder\" or \"round-down\"", "{value} 不是 \"largest-remainder\" 或 \"round-down\""),
    ("{value} is not \"members\" or \"representatives\"", "{value} 不是 \"members\" 或 \"representatives\""),
    ("{value} is defined twice", "{value} 重复定义"),
    ("expected value at line {line} column {column}", "第 {line} 行第 {column} 列：此处应为 JSON 值"),
    ("collective {code} is already in the store {path}", "组织 {code} 已在存储 {path} 中"),
    ("the collective is not registered", "本组织尚未登记"),
    ("the collective is not registered: run `gufen init` first", "本组织尚未登记：请先运行 `gufen init`"),
    // Files.
    ("cannot read charter {path}", "无法读取章程 {path}"),
    ("cannot read roster {path}", "无法读取花名册 {path}"),
    ("cannot read payment file {path}", "无法读取支付文件 {path}"),
    ("cannot read {path}", "无法读取 {path}"),
    ("cannot write {path}", "无法写入 {path}"),
    ("cannot create {path}", "无法创建 {path}"),
    ("{file} is not UTF-8 (byte {byte}); give --encoding gbk if it was saved as \"CSV (逗号分隔)\" on Chinese Windows", "{file} 不是 UTF-8 编码（第 {byte} 字节）；若它是在中文 Windows 上另存的“CSV (逗号分隔)”文件，请加 --encoding gbk"),
    ("{file} is neither UTF-8 nor GBK/GB18030 text; save it from Excel or WPS as CSV, or give the workbook itself", "{file} 既不是 UTF-8 也不是 GBK/GB18030 编码的文本；请在 Excel 或 WPS 中另存为 CSV，或直接给出工作簿文件"),
    ("{file} begins as UTF-16 text but is not", "{file} 开头是 UTF-16 文本的标记，内容却不是 UTF-16 文本"),
    ("{file} is not valid CSV", "{file} 不是有效的 CSV 文件"),
    ("{file} is not a workbook gufen can read (XLSX, XLS, ODS): {detail*}", "{file} 不是 gufen 能读取的工作簿（XLSX、XLS、ODS）：{detail}"),
    // calamine's word for bytes that are no workbook it knows (its other details stay English).
    ("Cannot detect file format", "无法识别文件格式"),
    ("{file} has no sheet", "{file} 中没有工作表"),
    ("{file}: its first sheet cannot be read: {detail*}", "{file}：无法读取其第一个工作表：{detail}"),
    ("expected at least {n} columns under the header, found {found} columns", "表头下应至少有 {n} 列，实有 {found} 列"),
    ("expected 3 columns (id,name,household) or 5 (…,class,units), found {found} columns", "应为 3 列（id,name,household）或 5 列（…,class,units），实有 {found} 列"),
    ("expected 2 columns (id,ref), found {found} columns", "应为 2 列（id,ref），实有 {found} 列"),
    ("the {what} has no rows", "{what}中没有任何行"),
    ("a {what} holds at most {n} rows", "{what}最多 {n} 行"),
    ("roster", "花名册"),
    ("share class {class} is not in the charter", "章程中没有股份类别 {class}"),
    // Keys, checkpoints, bundles, statements.
    ("{path} exists; a key file is never overwritten", "{path} 已存在；密钥文件从不覆盖"),
    ("key name {name} cannot be used: a name is non-empty and holds no spaces, '+' or control characters", "密钥名称 {name} 不能使用：名称不能为空，也不能含空格、'+' 或控制字符"),
    ("{path} is not a signing key: {detail*}", "{path} 不是签名密钥：{detail}"),
    ("invalid key: {detail*}", "无效的密钥：{detail}"),
    ("a signer key starts with PRIVATE+KEY+", "签名私钥应以 PRIVATE+KEY+ 开头"),
    ("not a checkpoint: {detail*}", "不是检查点：{detail}"),
    ("{path} is not a checkpoint: {detail*}", "{path} 不是检查点：{detail}"),
    ("malformed checkpoint: {detail*}", "检查点格式有误：{detail}"),
    ("malformed note: {detail*}", "签名文件格式有误：{detail}"),
    ("tree size is not a decimal number", "树的大小不是十进制数"),
    ("body does not end in a newline", "正文不以换行结尾"),
    ("no blank line before the signatures", "签名前缺少空行"),
    ("the cosigned note: {detail*}", "联署文件：{detail}"),
    ("{path} is not an audit bundle (no `checkpoint` file and no `tile/` directory): give the directory `gufen export --out` wrote", "{path} 不是审计包（没有 `checkpoint` 文件和 `tile/` 目录）：请给出 `gufen export --out` 写出的目录"),
    ("no audit bundle at {path}: the directory does not exist", "{path} 处没有审计包：目录不存在"),
    ("{text}: no such key file, and not a vkey (name+keyid+base64)", "{text}：既不是密钥文件，也不是验证公钥（名称+编号+base64）"),
    ("record {seq} is not in the tree of the first {size} records", "第 {seq} 条记录不在前 {size} 条记录构成的树中"),
    ("a consistency proof runs from a tree of {low} to {high} records to one of {size}; {given} is outside that", "一致性证明从 {low} 至 {high} 条记录的树到 {size} 条记录的树；{given} 不在此范围内"),
    ("{path} is neither a gufen store (no `conf` file) nor an audit bundle (no `checkpoint` file and `tile/` directory)", "{path} 既不是 gufen 存储（没有 `conf` 文件），也不是审计包（没有 `checkpoint` 文件和 `tile/` 目录）"),
    ("the ledger's checkpoint is not signed: sign it first (`gufen checkpoint --sign KEY`), then make the statement", "台账的检查点尚未签名：请先签名（`gufen checkpoint --sign 密钥`），再生成对账单"),
    ("the ledger has no signed checkpoint to export: sign it first (`gufen checkpoint --sign KEY`, or `gufen config set signing-key KEY` to sign every write)", "台账没有可导出的已签名检查点：请先签名（`gufen checkpoint --sign 密钥`，或用 `gufen config set signing-key 密钥` 让每次写入都签名）"),
    ("{path} is not a gufen-statement/v1 file: {detail*}", "{path} 不是 gufen-statement/v1 对账单文件：{detail}"),
    // Object storage: publish, audit s3://, witness --from s3://.
    ("{text} is not an object storage location: write s3://BUCKET/PREFIX, with a bucket name of 3 to 63 lower-case letters, digits, dots and hyphens", "{text} 不是对象存储位置：请写作 s3://存储桶/前缀，存储桶名称为 3 到 63 个小写字母、数字、点和连字符"),
    ("{text} is not an object storage location: its prefix has an empty, `.` or `..` part", "{text} 不是对象存储位置：其前缀中有空的、`.` 或 `..` 部分"),
    ("the endpoint {url} is not a URL: {detail}", "服务地址 {url} 不是有效的 URL：{detail}"),
    ("the endpoint {url} cannot address the bucket {bucket}: {detail}", "服务地址 {url} 无法寻址存储桶 {bucket}：{detail}"),
    ("no credentials for the object storage: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY", "没有对象存储的访问凭据：请设置 AWS_ACCESS_KEY_ID 和 AWS_SECRET_ACCESS_KEY"),
    ("{url}: the object storage answered {status} ({detail})", "{url}：对象存储答复 {status}（{detail}）"),
    ("{url}: the object storage answered {status}", "{url}：对象存储答复 {status}"),
    ("{url}: the object storage cannot be reached: {detail}", "{url}：无法连接对象存储：{detail}"),
    ("{url}: the object cannot be read: {detail}", "{url}：无法读取该对象：{detail}"),
    ("{url}: the listing cannot be read: {detail}", "{url}：无法读取对象列表：{detail}"),
    ("{url}: the listing does not parse: {detail}", "{url}：对象列表无法解析：{detail}"),
    ("{path}: {url}: the object storage answered {status} ({detail})", "{path}：{url}：对象存储答复 {status}（{detail}）"),
    ("{path}: {url}: the object storage answered {status}", "{path}：{url}：对象存储答复 {status}"),
    ("{path}: {url}: the object storage cannot be reached: {detail}", "{path}：{url}：无法连接对象存储：{detail}"),
    ("--to {text}: publish writes to object storage: give s3://BUCKET/PREFIX (`gufen export --out DIR` writes a directory)", "--to {text}：publish 写入对象存储：请给出 s3://存储桶/前缀（写入目录请用 `gufen export --out 目录`）"),
    ("the ledger has no signed checkpoint to publish: sign it first (`gufen checkpoint --sign KEY`, or `gufen config set signing-key KEY` to sign every write)", "台账没有可发布的已签名检查点：请先签名（`gufen checkpoint --sign 密钥`，或用 `gufen config set signing-key 密钥` 让每次写入都签名）"),
    ("the ledger holds no registration: there is no charter to publish", "台账中没有登记记录：没有可发布的章程"),
    ("the mirror's checkpoint is not UTF-8 text: it is not a checkpoint of this ledger; nothing was sent", "对象存储中的检查点不是 UTF-8 文本：不是本台账的检查点；未上传任何对象"),
    ("the mirror's checkpoint does not parse ({detail*}); nothing was sent", "对象存储中的检查点无法解析（{detail}）；未上传任何对象"),
    ("the mirror holds a checkpoint of {origin}, not of {own}; nothing was sent", "对象存储中的检查点属于 {origin}，而不是 {own}；未上传任何对象"),
    ("rollback: the mirror's checkpoint signs {count} records, the ledger's latest signed checkpoint {size}; nothing was sent", "回滚：对象存储中的检查点签署了 {count} 条记录，而台账最新的已签名检查点只有 {size} 条；未上传任何对象"),
    ("fork: the mirror's checkpoint of {count} records has another root than this ledger's first {size} records; nothing was sent", "分叉：对象存储中 {count} 条记录的检查点与本台账前 {size} 条记录的树根不同；未上传任何对象"),
    ("{url} holds no object: give the place `gufen publish` wrote a collective's bundle to, s3://BUCKET/PREFIX/CODE", "{url} 下没有任何对象：请给出 `gufen publish` 上传某个组织审计包的位置，s3://存储桶/前缀/组织代码"),
    ("{url} is missing: the bundle has no checkpoint", "{url} 不存在：审计包中没有检查点"),
    ("{url} holds the tree and checkpoint only: a full audit needs a bucket published with --with-entries; `witness cosign --from` works", "{url} 只有哈希树和检查点：完整审计需要用 --with-entries 发布的存储桶；`witness cosign --from` 可以使用"),
    ("{url} holds the entry bundles of earlier records only ({path} is not there): the last publish was without --with-entries; a full audit needs one with it (it sends those missing); `witness cosign --from` works", "{url} 只有较早记录的条目包（没有 {path}）：上次发布未使用 --with-entries；完整审计需要再用 --with-entries 发布一次（会补传缺少的条目包）；`witness cosign --from` 可以使用"),
    ("{url} is not a checkpoint: it is not UTF-8 text", "{url} 不是检查点：不是 UTF-8 文本"),
    ("--checkpoint FILE is needed when --from is a store: the note the keeper hands over", "--from 为存储目录时须给出 --checkpoint 文件：即台账保管人交来的检查点"),
    // Rows of a file.
    (
        "{count} row(s) of {path} refused; nothing was written",
        "{path} 中有 {count} 行被拒绝；本次未写入任何记录",
    ),
    ("{count} row(s) refused; nothing was written", "有 {count} 行被拒绝；本次未写入任何记录"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_damaged_data_file_is_named_in_chinese() {
        assert_eq!(
            translate("integrity failure: the store's data file is damaged: a read failed its checksum; restore the store from a copy and run `gufen verify`").as_deref(),
            Some("完整性故障：存储的数据文件已损坏，读取时校验和不符；请用备份恢复存储，再运行 `gufen verify`")
        );
        assert_eq!(
            translate("integrity failure: the store's data files are damaged: its engine could not read them back (tried to serialize Uninitialized); restore the store from a copy and run `gufen verify`").as_deref(),
            Some("完整性故障：存储的数据文件已损坏，存储引擎无法读回（tried to serialize Uninitialized）；请用备份恢复存储，再运行 `gufen verify`")
        );
    }

    #[test]
    fn a_template_takes_the_shortest_text_that_lets_the_rest_match() {
        let taken = matched("a {x} b {y}", "a 1 b 2 b 3").unwrap();
        assert_eq!(
            taken,
            vec![("x", "1".to_string()), ("y", "2 b 3".to_string())]
        );
        assert!(matched("a {x} b", "a  b").is_none() || matched("a {x} b", "a  b").is_some());
        assert!(matched("a {x} b", "a b").is_none());
        assert!(matched("a {x}", "a ").is_none());
        assert!(matched("{x}: y", "中文: y").is_some());
    }

    /// What lets a line already in Chinese skip the table: every template holds an English word
    /// outside its holes, so a text without one can match none (a listing of 100,000 such lines,
    /// the lines a pay-out file leaves out, went through every template line by line).
    #[test]
    fn every_template_holds_an_english_word_so_chinese_lines_skip_the_table() {
        for (english, _) in MESSAGES {
            let literals: String = pieces(english)
                .iter()
                .map(|piece| match piece {
                    Piece::Literal(text) => *text,
                    Piece::Hole { .. } => " ",
                })
                .collect();
            assert!(has_english_word(&literals), "{english:?}");
        }
        let line = "  GF2025-0001 张丽 410183********119X 883.45 无银行账户";
        assert!(!has_english_word(line));
        assert_eq!(translate(line.trim_start()), None);
        // A listing of such lines keeps each line as it is.
        let message = format!("distribution refused; nothing was written\n{line}\n{line}");
        let translated = zh(&message);
        assert_eq!(translated.lines().skip(1).collect::<Vec<_>>(), [line, line]);
    }

    #[test]
    fn a_rule_names_itself_and_the_rest_is_translated() {
        assert_eq!(zh("R5: line 3: none"), "规则 R5：第 3 行：无".to_string());
        assert_eq!(zh("R18: none"), "R18: none");
        assert_eq!(zh("unknown words"), "unknown words");
    }

    #[test]
    fn a_list_of_refused_rows_is_translated_place_rule_message_and_column() {
        let listing = "2 row(s) of a.csv refused; nothing was written\n  \
            line 3: R5: citizen ID 110101********2317 has a wrong check character: expected 6, found 7 (GB 11643) [身份证号]\n  \
            B4: R6: share class \"gold\" is not in the charter；章程中的股种：basic (人口股) [class]\n  \
            line 5: input: name must not be empty [name]\n  \
            line 6: expected at least 3 columns under the header, found 2 columns\n  \
            line 1, column 4（电话）：名册中没有这一列";
        assert_eq!(
            zh(listing),
            "a.csv 中有 2 行被拒绝；本次未写入任何记录\n  \
            第 3 行（身份证号）：规则 R5：身份证号 110101********2317 的校验码不对：应为 6，实为 7（GB 11643）\n  \
            B4（class）：规则 R6：章程中没有股份类别 \"gold\"；章程中的股种：basic (人口股)\n  \
            第 5 行（name）：输入有误：姓名不能为空\n  \
            第 6 行：表头下应至少有 3 列，实有 2 列\n  \
            第 1 行第 4 列（电话）：名册中没有这一列"
        );
        // Outside a list a cell is not a place: `R5` is a rule.
        assert_eq!(zh("R5: line 3: none"), "规则 R5：第 3 行：无");
        assert_eq!(zh("row 7: none"), "第 7 行：无");
        assert_eq!(place(Lang::Zh, "line 1, column 1"), "第 1 行第 1 列");
        assert_eq!(place(Lang::Zh, "B7"), "B7");
        assert_eq!(place(Lang::En, "line 1"), "line 1");
    }

    #[test]
    fn a_file_is_named_by_its_kind_and_a_field_by_its_chinese_name() {
        assert_eq!(
            zh("payment file a b.csv is neither UTF-8 nor GBK/GB18030 text; save it from Excel or WPS as CSV, or give the workbook itself"),
            "支付文件 a b.csv 既不是 UTF-8 也不是 GBK/GB18030 编码的文本；请在 Excel 或 WPS 中另存为 CSV，或直接给出工作簿文件"
        );
        assert_eq!(
            zh("payment reference must not be empty"),
            "支付流水号不能为空"
        );
        assert_eq!(zh("--note must not be empty"), "--note 不能为空");
        assert_eq!(zh("a b must not be empty"), "a b must not be empty");
    }

    /// Refusals as the core writes them (its formats with sample values), each of which must
    /// read as Chinese: no English word of four or more letters is left outside a command in
    /// backticks, a value in quotes, an option (`--class`) and the samples' codes.
    const REFUSALS: &[&str] = &[
        "R11: 410183********0053 has 0.5 basic shares free of pledges; pledged units are not given up by a transfer until released",
        "R11: 410183********0053 has 0.5 basic shares free of pledges; pledged units are not given up by a redeem until released",
        "input: 410183********0053 holds 2 basic shares, fewer than the 3 to redeem",
        "R17: 410183********0053 holds only 1 basic shares from 2020-03-01 on (later holdings are dated after it); date the transfer when the units are held",
        "input: a transfer needs units above zero",
        "input: a pledge needs units above zero",
        "input: an allotment needs units above zero",
        "input: the roster has no rows",
        "input: a bank result file holds at most 100000 rows",
        "R15: record 1810 cannot be undone: 410183********1305 is no longer a member to take the units back; later records depend on it: 1813 (MembershipLost), 1814 (DeathRecorded), 1816 (EstateSettled)",
        "R15: record 12 cannot be undone: 410183********0053 no longer holds the 2 basic shares it received (free now: 1); later records depend on it: 14 (SharesTransferred)",
        "R15: record 12 cannot be undone: a correction is not itself undone: record the event again if it did happen",
        "R15: record 12 cannot be undone: a loss of membership by death is undone with the death: correct record 15 (DeathRecorded)",
        "R15: record 12 cannot be undone: the exit is no longer in force; later records depend on it: 20 (MembershipConfirmed)",
        "R15: record 12 cannot be undone: the loss is no longer in force",
        "R15: record 12 cannot be undone: later records depend on it: 13 (MembershipConfirmed), 14 (SharesAllotted)",
        "R15: record 12 cannot be undone: a later confirmation, 19 (MembershipConfirmed), is in force instead",
        "R15: record 12 cannot be undone: the membership is no longer in force; later records depend on it: 30 (MembershipLost)",
        "R15: record 12 cannot be undone: 410183********0053 received shares as a member since; undo those first; later records depend on it: 13 (SharesAllotted)",
        "R15: record 12 cannot be undone: 410183********0053 was elected a representative as a member since; later records depend on it: 40 (RepresentativeElected)",
        "R15: record 12 cannot be undone: 410183********0053 has since been named head of household 0007; later records depend on it: 41 (HouseholdHeadNamed)",
        "R15: record 12 cannot be undone: 410183********0053 is no longer in household 0007",
        "R15: record 12 cannot be undone: a later hukou record, 44 (HukouRecorded), is in force instead; correct that one",
        "R15: record 12 cannot be undone: the estate has been settled; later records depend on it: 50 (EstateSettled)",
        "R15: record 12 cannot be undone: the collective share holds only 3 basic shares from 2021-01-01 on",
        "R15: record 12 cannot be undone: 5 shares are allotted under the plan; undo those allotments first",
        "R15: record 12 cannot be undone: the representative has left or been elected again since; undo that first: correct record 60 (RepresentativeLeft)",
        "R15: record 12 cannot be undone: 410183********0053 has been elected again since: 61 (RepresentativeElected)",
        "R15: record 12 cannot be undone: 410183********0053 is no longer a member, and only a member holds a seat",
        "R15: record 12 cannot be undone: the pledge is no longer open; later records depend on it: 70 (PledgeReleased)",
        "R15: record 12 cannot be undone: 410183********0053 has 1 shares free of pledges, fewer than the 2 the pledge held",
        "R15: record 12 cannot be undone: a dividend is undone with its whole posting, never alone (the lines sum to the plan): correct record 80 (DistributionPosted)",
        "R15: record 12 cannot be undone: the payment is no longer recorded",
        "R15: record 12 cannot be undone: the plan for 2024 is approved now; later records depend on it: 90 (DistributionPosted)",
        "R15: record 12 cannot be undone: record 91 (DistributionDrafted) superseded this draft",
        "R15: record 12 cannot be undone: the plan for 2024 has gone on; later records depend on it: 92 (DistributionNoticed)",
        "R15: record 12 cannot be undone: this draft superseded an earlier one for 2024: draft the plan again, which supersedes it",
        "R15: record 12 cannot be undone: 2 of its dividends have been paid (to 410183********0053, 410183********1305): correct those payments first",
        "R15: record 12 cannot be undone: the collective share no longer holds the units it redeemed",
        "R15: record 12 cannot be undone: an account is replaced by recording the right one (`member bank`) or cleared (`member bank --clear`); the record stays",
        "R15: record 12 cannot be undone: the bank's report of a failed payment stays on record; the dividend is still owed, and its payment records it paid",
        "R15: record 12 cannot be undone: the collective's registration is the ledger's first record; a wrong charter is a new ledger",
        "input: 张三 (410183********0053) already has this account on record",
        "input: 张三 (410183********0053) has no bank account on record to clear",
        "input: the account number must be digits only (spaces are allowed between them)",
        "input: the account number must have 10 to 30 digits, not 8",
        "R16: the account number is a citizen ID number: give the bank account's number",
        "input: every account in the file is already on record: nothing to record",
        "input: ID 410183********0053 is also on row 3 of the file",
        "input: line 2024-0007 (410183********0053) is also on row 3 of the file",
        "input: line 2024-0007 (410183********0053): the bank's amount 12.00 differs from the plan's 13.50",
        "input: failure reason must not be empty",
        "input: the 2024 dividend of 张三 (410183********0053) was already paid on 2025-02-01 (reference B123)",
        "input: the 2024 dividend of 410183********0053 is zero: nothing to pay",
        "2 row(s) of r.csv refused; nothing was written\n  line 3: holds no reference of a line of the 2025 bank file (GF2025-0001 to GF2025-0600): it matches no unpaid line\n  line 4: the status cell F4 is empty",
        "R15: record 12 cannot be undone: the charter's loss grounds are registered with the collective; a wrong charter is a new ledger",
        "this command id was already used for another command (records 1202..=1202, HukouRecorded); a command id names one command: give a new one, or none",
        "R17: the payment (2025-01-01) cannot come before the dividend was posted (2025-01-05)",
        "R17: the notice (2025-01-01) cannot come before the draft (2025-01-05)",
        "R17: the posting (2025-01-01) cannot come before the approval (2025-01-05)",
        "R17: the record date 2023-12-31 is before the year 2024 the plan distributes: the register it reads is of that year or later",
        "input: the year's income must be above zero",
        "input: the year must be between 2000 and 2100",
        "R14: nobody holds weighted shares on the record date 2024-12-31: there is no one to distribute to",
        "input: 700 votes for out of 600 eligible is not a count of a vote",
        "R14: holdings effective on or before the record date 2024-12-31 have changed since the 2024 plan was drafted (3 changes then, 4 now); draft it again, then notice and approve the new plan",
        "R8: 张三 (410183********1305) has died: shares pass only to a current member",
        "R8: 张三 (410183********1305) is not a member (a non-member heir holds income rights only): shares pass only to a current member",
        "R8: 张三 (410183********1305) has exited the collective: shares pass only to a current member",
        "R8: 张三 (410183********1305) is no longer a member: shares pass only to a current member",
        "input: the price is zero or more",
        "R6: share class \"gold\" is not in the charter (basic)",
        "R6: an allotment must cite the resolution adopting the quantification plan",
        "R6: no quantification plan is adopted under resolution 2017-1: allotments cite an adopted plan (`gufen shares plan`)",
        "R6: the plan adopted by resolution 2017-1 has 3 basic shares left to allot, fewer than 5",
        "input: class \"basic\" is given twice",
        "R11: 410183********0053 holds 2 basic shares of which 1 are free of pledges; 2 cannot be pledged",
        "R17: 410183********0053 holds only 1 basic shares from 2020-01-01 on: a pledge binds units held on its date",
        "input: contract HT-1 already registers a pledge",
        "input: no open pledge of 410183********0053 under contract HT-1",
        "R17: the pledge under contract HT-1 was registered on 2020-01-01: it cannot be released before that (2019-12-31)",
        "R11: 410183********0053 has 2 pledged shares outstanding: release them before the exit",
        "R2: name the charter's ground by its code: moved-away, expelled",
        "R1: a membership confirmation must cite the assembly's resolution",
        "R1: 410183********0053 is known by a passport, not a citizen ID: a member is a PRC citizen keyed by the citizen ID (a foreign heir may be registered and inherit, never be a member)",
        "R13: a representative's election must cite the assembly's resolution",
        "R13: 张三 (410183********0053) is under 18 on 2020-01-01 (of age from 2021-05-01): a representative is a member of full civil capacity",
        "input: 张三 (410183********0053) has been a representative since 2019-01-01",
        "R13: 410183********0053 is not a seated representative; the seat ended with the membership on 2020-01-01",
        "input: 410183********0053 is already in household 0007",
        "R7: 410183********0053 is not in household 0007",
        "input: part of the estate of 410183********0053 is dated after 2020-01-01: date the settlement when the estate holds it all",
        "input: this ledger already has its collective registered",
        "R5: citizen ID 990101********0053 does not begin with a province code of GB/T 2260 (11–15, 21–23, 31–37, 41–46, 50–54, 61–65, 71, 81, 82)",
        "R5: citizen ID 410183********0053 does not hold a real birth date (characters 7 to 14, YYYYMMDD)",
        "org code \"914101\" must have 18 characters (GB 32100 unified social credit code)",
        "org code \"91410183MA3X0000I0\" has a character outside 0-9A-HJ-NPQRTUWXY at position 17",
        "charter key `notice_days`: R13: 400 days is longer than a year (366): a plan could never be voted on",
        "charter key `classes`: a charter needs 1 to 20 share classes",
        "charter key `loss_grounds`: a charter lists at most 20 loss grounds",
        "charter key `loss_grounds.code`: \"Bad\" must be lowercase letters, digits or -",
        "charter key `loss_grounds.code`: \"death\" is a code the law already gives a meaning",
        "charter key `loss_grounds.code`: \"moved\" is listed twice",
        "charter key `loss_grounds`: R3: ground \"wed\" (嫁出) names \"marriage\", a circumstance that never ends membership (RCEOL 18 overrides the charter)",
        "charter key `loss_grounds.name`: ground \"moved\": must not be empty",
        "charter key `classes.code`: \"a b\" must be letters, digits, - or _",
        "charter key `classes.coefficient`: class \"basic\" needs a coefficient above zero",
        "charter key `holding_cap_percent`: must be greater than zero",
        "charter key `welfare_rate_percent`: reserve and welfare rates together exceed 100%",
    ];

    /// English words of four or more letters left in `text`, outside commands in backticks,
    /// values in quotes, options, the samples' codes and codes in capitals (`NPQRTUWXY`).
    fn english_left(text: &str) -> Vec<String> {
        const CODES: &[&str] = &["basic", "gold", "passport", "moved", "away", "expelled"];
        let mut outside = String::new();
        for (i, part) in text.split(['`', '"']).enumerate() {
            if i % 2 == 0 {
                outside.push_str(part);
            }
        }
        outside
            .split_whitespace()
            .filter(|token| !token.starts_with("--"))
            .flat_map(|token| token.split(|c: char| !c.is_ascii_alphabetic()))
            .filter(|word| word.len() >= 4 && !CODES.contains(word))
            .filter(|word| !word.chars().all(|c| c.is_ascii_uppercase()))
            .map(str::to_string)
            .collect()
    }

    #[test]
    fn every_refusal_of_the_core_reads_as_chinese() {
        for english in REFUSALS {
            let chinese = zh(english);
            let left = english_left(&chinese);
            assert!(
                left.is_empty(),
                "{english}\n  → {chinese}\n  leaves {left:?}"
            );
            assert!(chinese.chars().any(is_cjk), "{english} → {chinese}");
        }
    }

    #[test]
    fn an_action_word_and_the_records_a_refusal_names_are_put_in_chinese() {
        assert_eq!(
            zh("R11: 410183********0053 has 0.5 basic shares free of pledges; pledged units are not given up by a transfer until released"),
            "规则 R11：410183********0053 只有 0.5 股 basic 未被质押；已质押的股份在解除质押前不能转让"
        );
        assert_eq!(
            zh("R15: record 1810 cannot be undone: 410183********1305 is no longer a member to take the units back; later records depend on it: 1813 (MembershipLost), 1814 (DeathRecorded), 1816 (EstateSettled)"),
            "规则 R15：第 1810 条记录不能撤销：410183********1305 已不是成员，不能收回这些股份；依赖于它的后续记录：第 1813 条（丧失成员身份）、第 1814 条（死亡登记）、第 1816 条（遗产继承）"
        );
        assert_eq!(
            zh("input: the bank result file has no rows"),
            "输入有误：银行回盘文件中没有任何行"
        );
        // A word the table does not know stays as it is; a record of no known type is no record.
        assert_eq!(zh("a swap needs units above zero"), "swap的股数必须大于零");
        assert_eq!(record_zh("12 (NoSuchRecord)"), None);
        assert_eq!(records_zh("12 (SharesTransferred), x"), None);
    }

    #[test]
    fn object_storage_messages_read_as_chinese() {
        assert_eq!(
            zh("s3://village-logs/henan/N2410183MF0000001Y: the object storage answered 403 (AccessDenied: Forbidden: no access)"),
            "s3://village-logs/henan/N2410183MF0000001Y：对象存储答复 403（AccessDenied: Forbidden: no access）"
        );
        assert_eq!(
            zh("fork: the mirror's checkpoint of 602 records has another root than this ledger's first 602 records; nothing was sent"),
            "分叉：对象存储中 602 条记录的检查点与本台账前 602 条记录的树根不同；未上传任何对象"
        );
        assert_eq!(
            zh("no credentials for the object storage: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"),
            "没有对象存储的访问凭据：请设置 AWS_ACCESS_KEY_ID 和 AWS_SECRET_ACCESS_KEY"
        );
    }

    #[test]
    fn every_row_uses_in_chinese_the_placeholders_it_takes_in_english() {
        for (english, chinese) in MESSAGES {
            let names = |t: &'static str| {
                let mut names: Vec<&str> = pieces(t)
                    .into_iter()
                    .filter_map(|piece| match piece {
                        Piece::Hole { name, .. } => Some(name),
                        Piece::Literal(_) => None,
                    })
                    .collect();
                names.sort_unstable();
                names
            };
            assert_eq!(names(english), names(chinese), "{english}");
            let pieces = pieces(english);
            for pair in pieces.windows(2) {
                assert!(
                    !matches!(pair, [Piece::Hole { .. }, Piece::Hole { .. }]),
                    "two placeholders side by side: {english}"
                );
            }
            assert!(
                chinese.chars().any(is_cjk),
                "the Chinese form of {english:?} holds no Chinese"
            );
        }
    }
}
