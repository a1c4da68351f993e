//! Help in the user's language: clap builds it from the doc comments, in English; in Chinese,
//! every command's `about` and every argument's `help` is replaced, before parsing, by its
//! Chinese form from the table in `help_text` (keyed by the English text), with Chinese section
//! headings (用法, 命令, 选项, 参数). The language is read from the raw command line and
//! GUFEN_LANG, since help is printed while parsing.

use crate::cli::Lang;
use clap::{Arg, ArgAction, Command};

/// The language asked for on the command line (`--lang X`, `--lang=X`) or in GUFEN_LANG; Chinese
/// when neither names one it knows. The last `--lang` wins, as clap has it.
pub fn language(args: &[std::ffi::OsString], env: Option<&str>) -> Lang {
    let mut chosen = None;
    let mut iter = args.iter().skip(1).map(|arg| arg.to_string_lossy());
    while let Some(arg) = iter.next() {
        if arg == "--" {
            break;
        }
        if arg == "--lang" {
            if let Some(value) = iter.next() {
                chosen = parse(&value).or(chosen);
            }
        } else if let Some(value) = arg.strip_prefix("--lang=") {
            chosen = parse(value).or(chosen);
        }
    }
    chosen.or_else(|| env.and_then(parse)).unwrap_or(Lang::Zh)
}

fn parse(value: &str) -> Option<Lang> {
    match value.trim().to_ascii_lowercase().as_str() {
        "zh" => Some(Lang::Zh),
        "en" => Some(Lang::En),
        _ => None,
    }
}

/// The command line's definition in `lang`: arguments without a doc comment get their help from
/// the table; in English the rest is as clap derived it; in Chinese every text is replaced by its
/// form in the table (a text it lacks stays English; a test finds none).
pub fn localized(command: Command, lang: Lang) -> Command {
    walk(command, lang, "")
}

const USAGE_TEMPLATE: &str = "\
{before-help}{about-with-newline}
用法：{usage}

{all-args}{after-help}";

fn walk(command: Command, lang: Lang, path: &str) -> Command {
    let top = path.is_empty();
    let mut command = command;
    if lang == Lang::Zh {
        command = command
            .help_template(USAGE_TEMPLATE)
            .subcommand_help_heading("命令")
            .subcommand_value_name("命令")
            .disable_help_flag(true)
            .disable_help_subcommand(true)
            .arg(
                Arg::new("help")
                    .short('h')
                    .long("help")
                    .action(ArgAction::Help)
                    .global(top)
                    .help_heading("选项")
                    .help("显示帮助"),
            );
        if top {
            command = command.disable_version_flag(true).arg(
                Arg::new("version")
                    .short('V')
                    .long("version")
                    .action(ArgAction::Version)
                    .help_heading("选项")
                    .help("显示版本"),
            );
        }
        if let Some(about) = text_of(command.get_long_about().or(command.get_about())) {
            if let Some(zh) = crate::help_text::zh(&about) {
                command = command.about(zh).long_about(None::<&str>);
            }
        }
    }
    let ids: Vec<String> = command
        .get_arguments()
        .map(|arg| arg.get_id().to_string())
        .filter(|id| id != "help" && id != "version")
        .collect();
    for id in ids {
        command = command.mut_arg(&id, |arg| localized_arg(arg, lang, path));
    }
    let names: Vec<String> = command
        .get_subcommands()
        .map(|sub| sub.get_name().to_string())
        .collect();
    for name in names {
        let sub_path = if top {
            name.clone()
        } else {
            format!("{path} {name}")
        };
        command = command.mut_subcommand(name, |sub| walk(sub, lang, &sub_path));
    }
    command
}

fn localized_arg(arg: Arg, lang: Lang, path: &str) -> Arg {
    let mut arg = arg;
    if text_of(arg.get_long_help().or(arg.get_help())).is_none() {
        if let Some((en, zh)) = crate::help_text::argument(path, arg.get_id().as_str()) {
            arg = arg.help(match lang {
                Lang::Zh => zh,
                Lang::En => en,
            });
        }
    }
    if lang == Lang::En {
        return arg;
    }
    let heading = if arg.is_positional() {
        "参数"
    } else {
        "选项"
    };
    if arg.get_help_heading().is_none() {
        arg = arg.help_heading(heading);
    }
    match text_of(arg.get_long_help().or(arg.get_help())).and_then(|en| crate::help_text::zh(&en)) {
        Some(zh) => arg.help(zh).long_help(None::<&str>),
        None => arg,
    }
}

fn text_of(styled: Option<&clap::builder::StyledStr>) -> Option<String> {
    styled
        .map(|text| text.to_string())
        .filter(|text| !text.trim().is_empty())
}

#[cfg(test)]
/// Every help text of `command` and its subcommands: (command path, argument id or "", English
/// text), for the test that every one has a Chinese form.
pub fn texts(command: &Command) -> Vec<(String, String, String)> {
    let mut all = Vec::new();
    collect(command, command.get_name().to_string(), &mut all);
    all
}

#[cfg(test)]
fn collect(command: &Command, path: String, all: &mut Vec<(String, String, String)>) {
    if command.is_hide_set() {
        return;
    }
    if let Some(about) = text_of(command.get_long_about().or(command.get_about())) {
        all.push((path.clone(), String::new(), about));
    } else {
        all.push((path.clone(), String::new(), String::new()));
    }
    for arg in command.get_arguments() {
        if arg.is_hide_set() || ["help", "version"].contains(&arg.get_id().as_str()) {
            continue;
        }
        let text = text_of(arg.get_long_help().or(arg.get_help())).unwrap_or_default();
        all.push((path.clone(), arg.get_id().to_string(), text));
    }
    for sub in command.get_subcommands() {
        collect(sub, format!("{path} {}", sub.get_name()), all);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    fn os(args: &[&str]) -> Vec<std::ffi::OsString> {
        args.iter().map(Into::into).collect()
    }

    #[test]
    fn the_language_comes_from_the_command_line_then_the_environment() {
        assert_eq!(language(&os(&["gufen", "log"]), None), Lang::Zh);
        assert_eq!(language(&os(&["gufen", "log"]), Some("en")), Lang::En);
        assert_eq!(
            language(&os(&["gufen", "--lang", "zh", "log"]), Some("en")),
            Lang::Zh
        );
        assert_eq!(
            language(&os(&["gufen", "log", "--lang=en"]), None),
            Lang::En
        );
        assert_eq!(
            language(&os(&["gufen", "--lang", "fr"]), Some("en")),
            Lang::En
        );
        assert_eq!(
            language(&os(&["gufen", "--", "--lang", "en"]), None),
            Lang::Zh
        );
    }

    /// Every command (hidden ones aside) and every argument has help, and the table has its
    /// Chinese form: a command or flag added without one fails here, naming it.
    #[test]
    fn every_command_and_argument_has_help_in_both_languages() {
        let command = localized(crate::cli::Cli::command(), Lang::En);
        let mut missing = Vec::new();
        let texts = texts(&command);
        assert!(texts.len() > 100, "{} help texts", texts.len());
        for (path, id, english) in &texts {
            let place = if id.is_empty() {
                path.clone()
            } else {
                format!("{path} --{id}")
            };
            if english.is_empty() {
                missing.push(format!("{place}: no English help"));
            } else if crate::help_text::zh(english).is_none() {
                missing.push(format!("{place}: no Chinese form of {english:?}"));
            }
        }
        assert!(
            missing.is_empty(),
            "{} help texts lack a form:\n{}",
            missing.len(),
            missing.join("\n")
        );
    }

    #[test]
    fn chinese_help_has_chinese_headings_and_texts() {
        let mut command = localized(crate::cli::Cli::command(), Lang::Zh);
        let help = command.render_help().to_string();
        for heading in ["用法：", "命令:", "选项:"] {
            assert!(help.contains(heading), "{help}");
        }
        assert!(
            !help.contains("Usage:") && !help.contains("Options:"),
            "{help}"
        );
        assert!(
            help.contains("显示帮助") && help.contains("股东名册"),
            "{help}"
        );
    }
}
