//! `gufen shell [FILE]`: many commands in one process, on one open of the store. Each line of
//! FILE (or of standard input) is a gufen command line without the word `gufen`, quoted as a
//! POSIX shell would (`'…'`, `"…"`, `\`); blank lines and lines starting with `#` are skipped.
//! Opening a store costs sled a rebuild of its page table, which on a store of a million
//! records takes longer than a write itself; an agency recording a day's changes for many
//! villages pays it once here. Each line is its own command: its own records, its own outcome,
//! its own exit code; the global flags given to `shell` (`--db`, `--org`, `--format`, `--lang`,
//! `--actor`, `--wait`) apply to every line that does not give its own.

use crate::app::{App, Failed};
use crate::labels::t;
use anyhow::{bail, Context as _, Result};
use clap::Args;
use std::io::BufRead as _;
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct ShellArgs {
    /// A file of commands, one per line, without the word `gufen`; standard input when absent
    /// or `-`.
    file: Option<PathBuf>,
    /// Go on after a command fails, and end with the highest exit code of any line; without it
    /// the first failing line ends the run and the lines after it are not run.
    #[arg(long)]
    keep_going: bool,
    /// Start at this line of the file (e.g. the line after one that failed and was fixed by
    /// hand): the lines before it are not run again.
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = crate::arguments::whole::<usize>)]
    from_line: usize,
}

/// A command file is a short text; a bigger one is not a list of commands.
const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

pub fn run(app: &mut App, args: ShellArgs) -> Result<()> {
    let lang = app.global.lang;
    if app.global.output.is_some() {
        bail!(t(
            lang,
            "gufen shell 不接受 -o：每一行各自输出；需要写文件的行请在该行写 -o FILE".to_string(),
            "gufen shell takes no -o: each line prints its own output; give -o FILE on the line whose document goes to a file".to_string(),
        ));
    }
    if app.global.command_id.is_some() {
        bail!(t(
            lang,
            "gufen shell 不接受 --command-id：每一行是一条命令，需要时请在该行写 --command-id".to_string(),
            "gufen shell takes no --command-id: each line is its own command; give --command-id on the line".to_string(),
        ));
    }
    // A file is read whole (its encoding is known only then); standard input line by line, so
    // that commands typed at a terminal run as they are typed.
    let (lines, total): (Box<dyn Iterator<Item = Result<String>>>, Option<usize>) = match &args.file
    {
        Some(path) if path.as_os_str() != "-" => {
            let lines = read_file(path, lang)?;
            let total = lines.len();
            (Box::new(lines.into_iter().map(Ok)), Some(total))
        }
        _ => (
            Box::new(std::io::stdin().lock().lines().map(|line| {
                line.map_err(|_| {
                    anyhow::anyhow!(t(
                        lang,
                        "标准输入无法读取（须为 UTF-8 文本）".to_string(),
                        "standard input cannot be read (it must be UTF-8 text)".to_string(),
                    ))
                })
            })),
            None,
        ),
    };
    let mut worst = 0u8;
    let mut ran = 0usize;
    let mut failed = Vec::new();
    for (index, line) in lines.enumerate() {
        let number = index + 1;
        let line = line?;
        if number < args.from_line {
            continue;
        }
        let line = line.trim_start_matches('\u{FEFF}').trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line == "exit" || line == "quit" {
            break;
        }
        let code = match shlex::split(line) {
            None => {
                crate::say(&t(
                    lang,
                    format!("gufen shell：第 {number} 行的引号不成对，未执行"),
                    format!("gufen shell: line {number} has an unclosed quote; not run"),
                ));
                2
            }
            Some(words) if words.first().is_some_and(|w| w == "shell") => {
                crate::say(&t(
                    lang,
                    format!("gufen shell：第 {number} 行又是 shell，不能嵌套；未执行"),
                    format!(
                        "gufen shell: line {number} is itself a shell, which cannot nest; not run"
                    ),
                ));
                2
            }
            Some(words) => {
                let words = match words.first() {
                    Some(first) if first == "gufen" => words[1..].to_vec(),
                    _ => words,
                };
                let mut argv: Vec<std::ffi::OsString> = vec!["gufen".into()];
                argv.extend(words.into_iter().map(Into::into));
                ran += 1;
                crate::run_args(&argv, &app.stores, Some((&app.global, app.db_given)))
            }
        };
        if code == 0 {
            continue;
        }
        worst = worst.max(code);
        failed.push(number);
        if args.keep_going {
            crate::say(&t(
                lang,
                format!("gufen shell：第 {number} 行失败（退出码 {code}），继续执行后面各行"),
                format!("gufen shell: line {number} failed (exit code {code}); going on with the next lines"),
            ));
            continue;
        }
        let more = total.is_none_or(|total| number < total);
        let resume = match &args.file {
            Some(path) if path.as_os_str() != "-" && more => t(
                lang,
                format!(
                    "；改正后可从下一行接着执行：gufen shell {} --from-line {}",
                    path.display(),
                    number + 1
                ),
                format!(
                    "; once it is put right, go on from the next line: gufen shell {} --from-line {}",
                    path.display(),
                    number + 1
                ),
            ),
            _ => String::new(),
        };
        if more {
            crate::say(&t(
                lang,
                format!("gufen shell：第 {number} 行失败（退出码 {code}），其后各行未执行{resume}"),
                format!(
                    "gufen shell: line {number} failed (exit code {code}); the lines after it were not run{resume}"
                ),
            ));
        } else {
            crate::say(&t(
                lang,
                format!("gufen shell：第 {number} 行（最后一行）失败（退出码 {code}）"),
                format!("gufen shell: line {number}, the last, failed (exit code {code})"),
            ));
        }
        return Err(Failed(code).into());
    }
    if worst != 0 {
        let list = failed
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        crate::say(&t(
            lang,
            format!("gufen shell：执行了 {ran} 条命令，第 {list} 行失败（最高退出码 {worst}）"),
            format!("gufen shell: ran {ran} commands; line(s) {list} failed (highest exit code {worst})"),
        ));
        return Err(Failed(worst).into());
    }
    Ok(())
}

/// The lines of a command file: UTF-8 (with or without the byte order mark Notepad writes) or,
/// failing that, GBK/GB18030 as Chinese Windows saves text.
fn read_file(path: &std::path::Path, lang: crate::cli::Lang) -> Result<Vec<String>> {
    let shown = path.display();
    if path.is_dir() {
        bail!(t(
            lang,
            format!("{shown} 是一个目录，不是命令文件"),
            format!("{shown} is a directory, not a file of commands"),
        ));
    }
    let size = std::fs::metadata(path)
        .with_context(|| format!("{shown}"))?
        .len();
    if size > MAX_FILE_BYTES {
        bail!(t(
            lang,
            format!("{shown} 有 {size} 字节，超过命令文件的上限 {MAX_FILE_BYTES} 字节"),
            format!("{shown} is {size} bytes, more than a file of commands may be ({MAX_FILE_BYTES} bytes)"),
        ));
    }
    let bytes = std::fs::read(path).with_context(|| format!("{shown}"))?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        // UTF-8 Chinese up to a bad byte: the file is UTF-8 with a damaged byte, which read as
        // GBK would run its commands with every Chinese word garbled into the ledger.
        Err(error) if !bytes[..error.valid_up_to()].is_ascii() => {
            let at = error.valid_up_to();
            let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
            bail!(t(
                lang,
                format!("{shown} 是 UTF-8 文本，但第 {line} 行（第 {at} 字节）有一个不成 UTF-8 的字节；请用编辑器修正后再执行，未执行任何命令"),
                format!("{shown} is UTF-8 text with a byte that is not UTF-8 on line {line} (byte {at}); put it right in an editor and run it again; no command was run"),
            ));
        }
        Err(_) => {
            let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
            if had_errors {
                bail!(t(
                    lang,
                    format!("{shown} 既不是 UTF-8 也不是 GBK/GB18030 编码的文本"),
                    format!("{shown} is neither UTF-8 nor GBK/GB18030 text"),
                ));
            }
            text.into_owned()
        }
    };
    Ok(text.lines().map(str::to_string).collect())
}
