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
//! by side.

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
    // Several lines (a list of refused rows): each line on its own.
    if text.contains('\n') {
        let lines: Vec<String> = text.lines().map(line_zh).collect();
        return Some(lines.join("\n"));
    }
    for (english, chinese) in MESSAGES {
        if let Some(captures) = matched(english, text) {
            return Some(filled(chinese, &captures));
        }
    }
    None
}

/// One line of a multi-line message, its indentation kept.
fn line_zh(line: &str) -> String {
    let body = line.trim_start();
    let indent = &line[..line.len() - body.len()];
    format!("{indent}{}", zh(body))
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
            let take = |value: &str| {
                if *nested {
                    zh(value)
                } else {
                    value.to_string()
                }
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
                    let mut from = 1;
                    while from <= text.len() {
                        let Some(at) = text.get(from..).and_then(|t| t.find(next)) else {
                            return false;
                        };
                        let end = from + at;
                        let mark = taken.len();
                        taken.push((name, take(&text[..end])));
                        if match_from(rest, &text[end..], taken) {
                            return true;
                        }
                        taken.truncate(mark);
                        from = end + 1;
                        while !text.is_char_boundary(from.min(text.len())) {
                            from += 1;
                        }
                    }
                    false
                }
                Some(Piece::Hole { .. }) => false,
            }
        }
    }
}

/// `template` with each placeholder replaced by what it took.
fn filled(template: &str, taken: &[(&str, String)]) -> String {
    let mut out = String::new();
    for piece in pieces(template) {
        match piece {
            Piece::Literal(literal) => out.push_str(literal),
            Piece::Hole { name, .. } => {
                if let Some((_, value)) = taken.iter().find(|(taken, _)| *taken == name) {
                    out.push_str(value);
                }
            }
        }
    }
    out
}

/// Every message: English template, Chinese template.
pub const MESSAGES: &[Row] = &[
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
    ("integrity failure: {detail}", "完整性故障：{detail}"),
    ("store error: {detail}", "存储错误：{detail}"),
    ("i/o error: {detail*}", "读写错误：{detail}"),
    ("none", "无"),
    // Operating-system errors.
    ("No such file or directory (os error 2)", "文件或目录不存在（系统错误 2）"),
    ("Permission denied (os error 13)", "权限不足（系统错误 13）"),
    ("Is a directory (os error 21)", "这是一个目录（系统错误 21）"),
    ("Not a directory (os error 20)", "不是目录（系统错误 20）"),
    ("File exists (os error 17)", "文件已存在（系统错误 17）"),
    ("No space left on device (os error 28)", "磁盘空间不足（系统错误 28）"),
    ("stream did not contain valid UTF-8", "内容不是有效的 UTF-8 文本"),
    // Rows of a file.
    (
        "{count} row(s) of {path} refused; nothing was written",
        "{path} 中有 {count} 行被拒绝；本次未写入任何记录",
    ),
    ("{count} row(s) refused; nothing was written", "有 {count} 行被拒绝；本次未写入任何记录"),
    ("line {line}: {message*}", "第 {line} 行：{message}"),
];

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn a_rule_names_itself_and_the_rest_is_translated() {
        assert_eq!(zh("R5: line 3: none"), "规则 R5：第 3 行：无".to_string());
        assert_eq!(zh("R18: none"), "R18: none");
        assert_eq!(zh("unknown words"), "unknown words");
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

    fn is_cjk(c: char) -> bool {
        ('\u{4e00}'..='\u{9fff}').contains(&c)
    }
}
