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
}

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
    let reader: Box<dyn std::io::BufRead> = match &args.file {
        None => Box::new(std::io::stdin().lock()),
        Some(path) if path.as_os_str() == "-" => Box::new(std::io::stdin().lock()),
        Some(path) => Box::new(std::io::BufReader::new(
            std::fs::File::open(path).with_context(|| format!("{}", path.display()))?,
        )),
    };
    let mut worst = 0u8;
    let mut ran = 0usize;
    for (index, line) in reader.lines().enumerate() {
        let number = index + 1;
        let line = line.with_context(|| {
            t(
                lang,
                format!("第 {number} 行无法读取（须为 UTF-8 文本）"),
                format!("line {number} cannot be read (it must be UTF-8 text)"),
            )
        })?;
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
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
                crate::run_args(&argv, &app.stores, Some(&app.global))
            }
        };
        if code != 0 {
            worst = worst.max(code);
            if !args.keep_going {
                crate::say(&t(
                    lang,
                    format!("gufen shell：第 {number} 行失败（退出码 {code}），其后各行未执行"),
                    format!(
                        "gufen shell: line {number} failed (exit code {code}); the lines after it were not run"
                    ),
                ));
                return Err(Failed(code).into());
            }
        }
    }
    if worst != 0 {
        crate::say(&t(
            lang,
            format!("gufen shell：执行了 {ran} 条命令，其中有失败的（最高退出码 {worst}）"),
            format!("gufen shell: ran {ran} commands, some failed (highest exit code {worst})"),
        ));
        return Err(Failed(worst).into());
    }
    Ok(())
}
