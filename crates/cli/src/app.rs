//! What every command shares: the store and the collective it names, the context of a write
//! (command id, clock, actor), executing a command and printing its outcome.

use crate::cli::{Cli, Format, Global, Lang};
use crate::document::records::WriteOutcome;
use crate::document::Document;
use crate::labels::t;
use crate::render::render;
use anyhow::{anyhow, bail, Result};
use chrono::NaiveDate;
use gufen_core::command::Action;
use gufen_core::error::RowViolation;
use gufen_core::state::{Key, State};
use gufen_core::{Command, RuleViolation};
use gufen_ledger::{Context, Ledger, LedgerError, Outcome, Store};

/// An integrity failure found by a read (verify): exit code 3.
#[derive(Debug)]
pub struct IntegrityFailure(pub String);

impl std::fmt::Display for IntegrityFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for IntegrityFailure {}

/// The error as the user reads it, with its causes, in `lang`: in Chinese each cause translated
/// by the message table.
pub fn describe_error(error: &anyhow::Error, lang: crate::cli::Lang) -> String {
    let mut text = String::new();
    let mut parts = Vec::new();
    for cause in error.chain() {
        let part = cause.to_string();
        if !text.contains(&part) {
            if !text.is_empty() {
                text.push_str(": ");
            }
            text.push_str(&part);
            parts.push(part);
        }
    }
    match lang {
        crate::cli::Lang::En => text,
        crate::cli::Lang::Zh => parts
            .iter()
            .map(|part| crate::messages::zh(part))
            .collect::<Vec<_>>()
            .join("："),
    }
}

pub struct App {
    pub global: Global,
    /// Whether --db (or GUFEN_DB) was given: the demo then builds its village there.
    pub db_given: bool,
    pub out: std::io::StdoutLock<'static>,
    /// The stores this process has opened, each opened once however many commands use it
    /// (`gufen shell` runs many commands on one open).
    pub stores: Stores,
}

/// Stores opened by this process, by directory: sled's open rebuilds its page table, which on a
/// store of a million records costs more than the command itself.
#[derive(Default, Clone)]
pub struct Stores(std::rc::Rc<std::cell::RefCell<Vec<OpenStore>>>);

/// A store directory and the store opened there.
type OpenStore = (std::path::PathBuf, std::rc::Rc<Store>);

impl Stores {
    /// Makes every open store durable and ends the process's use of them without tearing down
    /// sled's in-memory page table, which takes tens of milliseconds on a large store for nothing
    /// the process still needs. Called once, as the process ends.
    pub fn close_at_exit(&self) -> Result<()> {
        for (_, store) in self.0.borrow_mut().drain(..) {
            store.flush()?;
            match std::rc::Rc::try_unwrap(store) {
                Ok(store) => std::mem::forget(store),
                Err(shared) => drop(shared),
            }
        }
        Ok(())
    }
}

/// A command that has already said why it failed (each failing line of `gufen shell`): the
/// process ends with this exit code and prints nothing more.
#[derive(Debug)]
pub struct Failed(pub u8);

impl std::fmt::Display for Failed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "failed with exit code {}", self.0)
    }
}

impl std::error::Error for Failed {}

/// Runs one parsed command with the stores already open in this process.
pub fn run_with(cli: Cli, db_given: bool, stores: &Stores) -> Result<()> {
    check_output(&cli.global)?;
    let mut app = App {
        global: cli.global,
        db_given,
        out: std::io::stdout().lock(),
        stores: stores.clone(),
    };
    crate::commands::run(&mut app, cli.command)
}

/// The name of a format as it is typed after `--format`.
pub fn format_name(format: Format) -> &'static str {
    match format {
        Format::Text => "text",
        Format::Json => "json",
        Format::Csv => "csv",
        Format::Xlsx => "xlsx",
        Format::Html => "html",
    }
}

/// Refuses, before any work is done, an output that cannot be written: a workbook onto a
/// terminal (binary bytes help nobody there), or `-o FILE` in a directory that does not exist
/// (so a write is not recorded and then its paper lost).
fn check_output(global: &Global) -> Result<()> {
    use std::io::IsTerminal as _;
    let lang = global.lang;
    match &global.output {
        None if global.format == Format::Xlsx && std::io::stdout().is_terminal() => bail!(t(
            lang,
            "--format xlsx 输出的是二进制工作簿，终端无法显示：请用 -o FILE 写入文件（如 -o 名册.xlsx）".to_string(),
            "--format xlsx writes a binary workbook, which a terminal cannot show: give -o FILE (e.g. -o register.xlsx)".to_string(),
        )),
        None => Ok(()),
        Some(path) => {
            let dir = match path.parent() {
                Some(dir) if !dir.as_os_str().is_empty() => dir,
                _ => std::path::Path::new("."),
            };
            if path.is_dir() {
                bail!(t(
                    lang,
                    format!("-o {}：这是一个目录，请给出文件名；未做任何操作", path.display()),
                    format!("-o {}: that is a directory; give a file name; nothing was done", path.display()),
                ));
            }
            if !dir.is_dir() {
                bail!(t(
                    lang,
                    format!("-o {}：目录 {} 不存在；未做任何操作", path.display(), dir.display()),
                    format!("-o {}: the directory {} does not exist; nothing was done", path.display(), dir.display()),
                ));
            }
            // The file is written through a temporary file beside it (`write_file`): creating
            // and removing that file now proves the directory takes it (not read-only, not
            // denied), before a write is recorded.
            let temp = partial_path(path)?;
            if let Err(error) = std::fs::File::create(&temp) {
                bail!(t(
                    lang,
                    format!("-o {}：无法在目录 {} 中创建文件（{error}）；未做任何操作", path.display(), dir.display()),
                    format!("-o {}: a file cannot be created in the directory {} ({error}); nothing was done", path.display(), dir.display()),
                ));
            }
            let _ = std::fs::remove_file(&temp);
            Ok(())
        }
    }
}

/// Now, or the instant in GUFEN_NOW (RFC 3339) so tests and reproducible demos pin the clock.
pub fn now() -> Result<chrono::DateTime<chrono::Utc>> {
    match std::env::var("GUFEN_NOW") {
        Ok(text) => Ok(chrono::DateTime::parse_from_rfc3339(&text)
            .map_err(|_| anyhow!("GUFEN_NOW {text:?} is not an RFC 3339 time"))?
            .with_timezone(&chrono::Utc)),
        Err(_) => Ok(chrono::Utc::now()),
    }
}

/// Today: the clock's date in China Standard Time, where the collectives are (the ledger's
/// `Context::today`, which no record may be dated after).
pub fn today() -> Result<NaiveDate> {
    let china = chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8 is an offset");
    Ok(now()?.with_timezone(&china).date_naive())
}

/// The given date, or today.
pub fn date_or_today(date: Option<NaiveDate>) -> Result<NaiveDate> {
    match date {
        Some(date) => Ok(date),
        None => today(),
    }
}

/// The longest actor name a record stores, in characters.
pub const ACTOR_CHARS_MAX: usize = 64;

/// Who and when for one write: --command-id (or a new UUID), the clock, --actor (or $USER).
pub fn context(global: &Global) -> Result<Context> {
    let command_id = global.command_id.unwrap_or_else(uuid::Uuid::new_v4);
    let actor = global
        .actor
        .clone()
        .or_else(|| std::env::var("USER").ok())
        .unwrap_or_else(|| "unknown".into());
    // The actor is stored in every record of the write and printed by `log` and `history`.
    if let Some(problem) = gufen_core::text_problem(&actor, ACTOR_CHARS_MAX) {
        bail!("--actor (or GUFEN_ACTOR, or $USER) {problem}");
    }
    if holds_citizen_id(&actor) {
        bail!("R16: --actor (or GUFEN_ACTOR, or $USER) holds a citizen ID number; the actor is printed whole by `log` and `history`: name the clerk, not a person's ID");
    }
    Ok(Context {
        command_id: *command_id.as_bytes(),
        recorded_at_micros: now()?.timestamp_micros(),
        actor,
    })
}

/// Whether `text` holds a whole citizen ID (18 characters of digits and X with a right check
/// character) between other characters, as the core checks every stored text.
fn holds_citizen_id(text: &str) -> bool {
    text.split(|c: char| !(c.is_ascii_digit() || c == 'X' || c == 'x'))
        .any(|run| run.len() == 18 && gufen_core::ids::CitizenId::parse(run).is_ok())
}

impl App {
    pub fn open_store(&self, create: bool) -> Result<std::rc::Rc<Store>> {
        // The same directory however it is written (`./x`, `x`, `/abs/x`): sled's lock would
        // refuse a second open of it in this process.
        let path = self
            .global
            .db
            .canonicalize()
            .unwrap_or_else(|_| self.global.db.clone());
        if let Some((_, store)) = self.stores.0.borrow().iter().find(|(p, _)| *p == path) {
            return Ok(store.clone());
        }
        let deadline =
            std::time::Instant::now() + std::time::Duration::from_secs(self.global.wait.into());
        let store = loop {
            match Store::open(&self.global.db, create) {
                Err(LedgerError::StoreInUse(_)) if std::time::Instant::now() < deadline => {
                    std::thread::sleep(std::time::Duration::from_millis(50));
                }
                other => break other?,
            }
        };
        // A store made before stores were private: tightened once, and said so.
        let tightened = gufen_ledger::store::tighten_permissions(&self.global.db)?;
        if tightened > 0 {
            crate::say(&crate::labels::t(
                self.global.lang,
                format!(
                    "注意：存储 {} 此前其他用户可读，已改为仅本人可读写（{tightened} 个文件或目录）",
                    self.global.db.display()
                ),
                format!(
                    "note: the store {} was readable by other users; it is now readable and writable by you alone ({tightened} files or directories)",
                    self.global.db.display()
                ),
            ));
        }
        let store = std::rc::Rc::new(store);
        let path = self
            .global
            .db
            .canonicalize()
            .unwrap_or_else(|_| self.global.db.clone());
        self.stores.0.borrow_mut().push((path, store.clone()));
        Ok(store)
    }

    /// The collective named by --org, or the only one in the store.
    pub fn open_ledger(&self, store: &Store) -> Result<Ledger> {
        let id = self.ledger_id(store)?;
        Ok(store.ledger(&id)?)
    }

    /// The code of the collective named by --org, or of the only one in the store, without
    /// opening its ledger.
    pub fn ledger_id(&self, store: &Store) -> Result<String> {
        let ids = store.ledger_ids()?;
        let id = match &self.global.org {
            Some(org) => {
                let org = org.trim().to_ascii_uppercase();
                if !ids.contains(&org) {
                    bail!(
                        "no collective with code {org} in the store {} (it holds: {})",
                        self.global.db.display(),
                        list_or_none(&ids)
                    );
                }
                org
            }
            None => match ids.as_slice() {
                [only] => only.clone(),
                [] => bail!(
                    "the store {} holds no collective: run `gufen init --charter FILE`",
                    self.global.db.display()
                ),
                many => bail!(
                    "the store holds {} collectives; choose one with --org ({})",
                    many.len(),
                    many.join(", ")
                ),
            },
        };
        Ok(id)
    }

    /// The store and the collective a read or write works on.
    pub fn open(&self) -> Result<(std::rc::Rc<Store>, Ledger)> {
        let store = self.open_store(false)?;
        let ledger = self.open_ledger(&store)?;
        Ok((store, ledger))
    }

    pub fn context(&self) -> Result<Context> {
        context(&self.global)
    }

    /// Executes one command on the collective and prints the outcome.
    pub fn write(&mut self, date: NaiveDate, action: Action) -> Result<()> {
        let (_store, ledger) = self.open()?;
        let outcome = ledger.execute(&self.context()?, &Command { date, action })?;
        self.print_outcome(&outcome)
    }

    /// Refuses `-o FILE` naming one of the files the command reads (a roster, a bank's file):
    /// the document would replace the user's own file. Called before any work is done.
    pub fn refuse_output_over(&self, inputs: &[&std::path::Path]) -> Result<()> {
        let Some(output) = &self.global.output else {
            return Ok(());
        };
        let same = |input: &std::path::Path| match (output.canonicalize(), input.canonicalize()) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        };
        if let Some(input) = inputs.iter().find(|input| same(input)) {
            bail!(t(
                self.global.lang,
                format!(
                    "-o {}：这是本命令要读取的文件 {}，写出会覆盖它；请换一个文件名；未做任何操作",
                    output.display(),
                    input.display()
                ),
                format!(
                    "-o {}: that is the file {} this command reads, which the document would replace; give another file name; nothing was done",
                    output.display(),
                    input.display()
                ),
            ));
        }
        Ok(())
    }

    /// A write given again with a `--command-id` whose first run landed: its first outcome,
    /// when that run's first record is the one this command would write (`same` says so of
    /// its event). A command that prepares its action from the state (a contract looked up)
    /// would otherwise refuse the retry of what is already done before the ledger could answer
    /// it; a command id used for another command is not taken for this one.
    pub fn landed_before(
        &self,
        ledger: &Ledger,
        same: impl Fn(&gufen_core::Event) -> bool,
    ) -> Result<Option<Outcome>> {
        let Some(id) = self.global.command_id else {
            return Ok(None);
        };
        let Some(mut outcome) = ledger.find_command(id.as_bytes())? else {
            return Ok(None);
        };
        let first = ledger.records(outcome.first_seq, 1)?;
        let written = first.first().and_then(|r| r.record.event().ok());
        if !written.is_some_and(|event| same(&event)) {
            return Ok(None);
        }
        outcome.repeated = true;
        Ok(Some(outcome))
    }

    pub fn print_outcome(&mut self, outcome: &Outcome) -> Result<()> {
        self.render(&WriteOutcome::new(outcome))
    }

    /// Prints a document in the chosen format and language, on standard output or, with
    /// `-o FILE`, into FILE (written whole or not at all).
    pub fn render(&mut self, document: &impl Document) -> Result<()> {
        let (format, lang) = (self.global.format, self.global.lang);
        match self.global.output.clone() {
            Some(path) => {
                let mut bytes = Vec::new();
                render(&mut bytes, format, lang, document)?;
                let written = write_file(&path, &bytes);
                match (written, document.recorded()) {
                    (Err(error), Some(outcome)) => {
                        Err(recorded_but_not_written(lang, &path, outcome, &error))
                    }
                    (written, _) => written,
                }
            }
            None => {
                // Standard output is line-buffered: a long document goes out in blocks.
                let mut out = std::io::BufWriter::with_capacity(1 << 16, &mut self.out);
                render(&mut out, format, lang, document)?;
                Ok(std::io::Write::flush(&mut out)?)
            }
        }
    }

    /// Prints a document that `write` writes piece by piece (a listing of many persons, never
    /// whole in memory) in the chosen format and language: buffered on standard output or, with
    /// `-o FILE`, into FILE (written whole or not at all, as `render` writes it).
    pub fn render_streamed(
        &mut self,
        write: impl FnOnce(&mut dyn std::io::Write, Format, Lang) -> Result<()>,
    ) -> Result<()> {
        use std::io::Write as _;
        let (format, lang) = (self.global.format, self.global.lang);
        match self.global.output.clone() {
            Some(path) => write_file_with(&path, |file| write(file, format, lang)),
            None => {
                // Standard output is line-buffered: a listing of many lines goes out in blocks.
                let mut out = std::io::BufWriter::with_capacity(1 << 16, &mut self.out);
                write(&mut out, format, lang)?;
                out.flush()?;
                Ok(())
            }
        }
    }

    /// Prints a document of one long list, the list never whole in memory in text, CSV and
    /// JSON: `document` is the document with its list (`field`) empty, `items` produces the
    /// list's items in order (as often as a renderer asks), `frame` lays the document out with
    /// its table holding only its total, and `row` makes the `number`th item's row (from 1). A
    /// workbook and a printed paper are laid out whole: `gather` puts each item in the document.
    pub fn render_list<D: Document, T: serde::Serialize>(
        &mut self,
        mut document: D,
        field: &str,
        items: &mut crate::render::Items<T>,
        frame: impl Fn(&D, Lang) -> crate::document::Layout,
        row: impl Fn(&D, Lang, usize, &T) -> Vec<String>,
        gather: impl Fn(&mut D, &T),
    ) -> Result<()> {
        self.render_streamed(|mut out, format, lang| match format {
            Format::Json => crate::render::json_streamed(&mut out, &document, field, items),
            Format::Text | Format::Csv => {
                let layout = frame(&document, lang);
                crate::render::layout_streamed(&mut out, format, &layout, &mut |each| {
                    let mut number = 0;
                    items(&mut |item| {
                        number += 1;
                        each(&row(&document, lang, number, item))
                    })
                })
            }
            Format::Xlsx | Format::Html => {
                items(&mut |item| {
                    gather(&mut document, item);
                    Ok(())
                })?;
                render(&mut out, format, lang, &document)
            }
        })
    }

    /// Refuses the chosen `--format` when what `command` prints (`what`, in Chinese and
    /// English) has no such form: `forms` are the ones it has. Called before any work is done.
    pub fn refuse_format_unless(
        &self,
        command: &str,
        what: (&str, &str),
        forms: &[Format],
    ) -> Result<()> {
        let format = self.global.format;
        if forms.contains(&format) {
            return Ok(());
        }
        let name = format_name(format);
        let names: Vec<&str> = forms.iter().map(|f| format_name(*f)).collect();
        let (zh, en) = what;
        bail!(t(
            self.global.lang,
            format!(
                "--format {name}：`gufen {command}` 输出的是{zh}，没有 {name} 形式；请用 {}",
                names.join(" 或 ")
            ),
            format!(
                "--format {name}: `gufen {command}` prints {en}, which has no {name} form; use {}",
                names.join(" or ")
            ),
        ))
    }

    /// Prints text that is not a document (a roster, a signed note) as it is: on standard
    /// output or, with `-o FILE`, into FILE (written whole or not at all).
    pub fn print_text(&mut self, text: &str) -> Result<()> {
        use std::io::Write as _;
        match self.global.output.clone() {
            Some(path) => write_file(&path, text.as_bytes()),
            None => Ok(self.out.write_all(text.as_bytes())?),
        }
    }

    /// Executes a command built from a file's rows; refused rows are listed, each as
    /// `describe` words it (its place in the file, the rule, the message, the column).
    pub fn execute_rows(
        &mut self,
        ledger: &Ledger,
        command: Command,
        file: &str,
        describe: impl Fn(&RowViolation) -> String,
    ) -> Result<()> {
        // Given away: the ledger frees the rows once the command is decided.
        match ledger.execute_owned(&self.context()?, command) {
            Ok(outcome) => self.print_outcome(&outcome),
            Err(LedgerError::Rejected(RuleViolation::Rows(violations))) => {
                // Rows of persons already members (a whole roster given again with a few new
                // rows) are listed once, with their count, so that the other rows are seen.
                let member = |v: &RowViolation| {
                    v.rule == gufen_core::Rule::R1 && v.message.ends_with("is already a member")
                };
                let members = violations.iter().filter(|v| member(v)).count();
                let mut listed = Vec::with_capacity(violations.len());
                let mut member_listed = false;
                for violation in &violations {
                    if members >= 2 && member(violation) {
                        if member_listed {
                            continue;
                        }
                        member_listed = true;
                    }
                    listed.push(describe(violation));
                }
                if members >= 2 {
                    listed.push(format!(
                        "and {} more rows of persons who are already members: a roster imported later lists only the persons it adds",
                        members - 1
                    ));
                }
                bail!(
                    "{} row(s) of {file} refused; nothing was written\n  {}",
                    violations.len(),
                    listed.join("\n  ")
                )
            }
            Err(e) => Err(e.into()),
        }
    }

    /// The state on a past date, rebuilt from the log, and that date. A date before the
    /// collective's registration is refused: nothing was recorded. (The state of today is
    /// never built whole: a read of today reads the projections one entity at a time.)
    pub fn state(&self, ledger: &Ledger, date: NaiveDate) -> Result<(State, NaiveDate)> {
        within_calendar(ledger, date, today()?)?;
        Ok((ledger.replay_state(Some(date))?, date))
    }
}

/// Refuses an as-of date outside the ledger's calendar (R17): before the collective's
/// registration the ledger holds nothing, and after today it cannot know what will be.
pub fn within_calendar(ledger: &Ledger, date: NaiveDate, today: NaiveDate) -> Result<()> {
    if date > today {
        bail!("R17: {date} is after today ({today}): the ledger answers as of today at the latest");
    }
    let state = ledger.load_state(Some(vec![Key::Collective]))?;
    if let Some(collective) = state.collective() {
        if date < collective.registered_on {
            bail!(
                "R17: the collective was registered on {}; the ledger holds nothing as of {date}",
                collective.registered_on
            );
        }
    }
    Ok(())
}

/// The error of a document that could not be written after its write was recorded: it says
/// plainly that the records are in the ledger, which, and how to see them, so that the command
/// is not given again as if nothing had happened.
fn recorded_but_not_written(
    lang: Lang,
    path: &std::path::Path,
    outcome: &WriteOutcome,
    error: &anyhow::Error,
) -> anyhow::Error {
    let (first, len) = (outcome.first_seq, outcome.len);
    let last = first + u64::from(len) - 1;
    let head = outcome.head_hash.short();
    let head_seq = outcome
        .head_seq
        .map_or("-".to_string(), |seq| seq.to_string());
    let path = path.display();
    anyhow!(t(
        lang,
        format!(
            "已记录 #{first}..#{last}（{len} 条，链头 #{head_seq} {head}），但文件 {path} 未能写入：{error:#}。\
             记录已在账本中，请勿重复执行该命令；用 `gufen log --from {first}` 查看这些记录，\
             再次打印文件请用相应的查询命令并换一个 -o 路径"
        ),
        format!(
            "recorded #{first}..#{last} ({len} {}, head #{head_seq} {head}), but {path} was not written: {error:#}. \
             The records are in the ledger: do not give the command again; \
             `gufen log --from {first}` shows them, and the matching read command prints the document again (with another -o)",
            if len == 1 { "record" } else { "records" }
        ),
    ))
}

/// Writes `bytes` to `path` whole: into a temporary file beside it, synced, then renamed over
/// it, so a reader never sees half a document and a failed write leaves the old file.
pub fn write_file(path: &std::path::Path, bytes: &[u8]) -> Result<()> {
    write_file_with(path, |file| Ok(file.write_all(bytes)?))
}

/// Writes what `write` writes to `path` whole, as `write_file` does: a failure of `write` (a
/// read of the store while the document streams) or of the file leaves the old file and no
/// temporary file.
pub fn write_file_with(
    path: &std::path::Path,
    write: impl FnOnce(&mut dyn std::io::Write) -> Result<()>,
) -> Result<()> {
    use anyhow::Context as _;
    let temp = partial_path(path)?;
    let written = (|| -> Result<()> {
        let file = std::fs::File::create(&temp)?;
        let mut buffered = std::io::BufWriter::with_capacity(1 << 16, file);
        write(&mut buffered)?;
        let file = buffered.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        Ok(std::fs::rename(&temp, path)?)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written.with_context(|| format!("cannot write {}", path.display()))
}

/// The temporary file `path` is written into before it is renamed over it.
fn partial_path(path: &std::path::Path) -> Result<std::path::PathBuf> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => std::path::Path::new("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| anyhow!("-o {}: not a file name", path.display()))?;
    Ok(dir.join(format!(".{}.partial", name.to_string_lossy())))
}

fn list_or_none(ids: &[String]) -> String {
    if ids.is_empty() {
        "none".into()
    } else {
        ids.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::records::HashText;

    /// A document that cannot be written after its write landed says that the records are in
    /// the ledger, which ones, and how to see them, in both languages.
    #[test]
    fn a_recorded_write_whose_document_fails_says_what_was_recorded() {
        let outcome = WriteOutcome {
            first_seq: 7,
            len: 2,
            head_seq: Some(8),
            head_hash: HashText([0xab; 32]),
            repeated: false,
        };
        let error = anyhow!("disk full");
        let path = std::path::Path::new("out/member.xlsx");
        let en = recorded_but_not_written(Lang::En, path, &outcome, &error).to_string();
        for words in [
            "recorded #7..#8 (2 records, head #8 ",
            "but out/member.xlsx was not written: disk full",
            "do not give the command again",
            "`gufen log --from 7`",
        ] {
            assert!(en.contains(words), "{en}");
        }
        let zh = recorded_but_not_written(Lang::Zh, path, &outcome, &error).to_string();
        for words in [
            "已记录 #7..#8",
            "未能写入",
            "请勿重复执行",
            "gufen log --from 7",
        ] {
            assert!(zh.contains(words), "{zh}");
        }
    }

    /// A document that fails while it streams into `-o FILE` (a read of the store failing
    /// half-way) leaves the file as it was and no temporary file; one that ends replaces it.
    #[test]
    fn a_stream_that_fails_leaves_the_old_file_and_nothing_partial() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("register.json");
        std::fs::write(&path, "old").unwrap();
        let failed = write_file_with(&path, |out| {
            out.write_all(&[b'x'; 100_000])?;
            bail!("the store's read failed")
        });
        let error = format!("{:#}", failed.unwrap_err());
        assert!(error.contains("the store's read failed"), "{error}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old");
        let names = || -> Vec<String> {
            std::fs::read_dir(dir.path())
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        };
        assert_eq!(names(), ["register.json"]);
        write_file_with(&path, |out| Ok(out.write_all(b"new")?)).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        assert_eq!(names(), ["register.json"]);
    }
}
