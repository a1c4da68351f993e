//! The `gufen` binary: parses the command line into validated values, runs one command against
//! the store, renders the result, and maps errors to exit codes (1 rejected, 2 usage, 3 integrity).

/// mimalloc: a large write (an import, a posting) allocates and frees millions of small values
/// on two threads, and glibc's malloc spent about 40% of an import in its own locks and free
/// lists (import of 100,000 persons 5.2 s → 3.0–3.6 s). Built not to ask the kernel for
/// transparent huge pages (`no_thp`): asked for, they made a small command's resident memory
/// 60 MB instead of 14 MB, and the register of 100,000 holders 110 MB instead of 74 MB.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` (mimalloc.h, the same place in its v2 and v3 option lists; the
/// Rust binding names no constant for it): how long freed memory stays with the process before
/// it is given back, 1,000 ms by default in mimalloc v3, set to 10 ms (v2's default). A command
/// that reads a large file or many entities and then writes frees most of what it read; kept for
/// a second, that memory was still counted while the write took more. On 100,000 persons, in the
/// same time: import 247 → 200 MiB at its peak, posting 170 → 148 MiB, `distribution owed`
/// 105 → 97 MiB, the register 84 → 75 MiB. 0 (give back at once) made the import a second slower.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

mod app;
mod arguments;
mod bankfile;
mod cli;
mod commands;
mod document;
#[cfg(test)]
mod fuzz_tests;
mod help;
mod help_text;
mod input;
mod labels;
mod listing;
mod messages;
mod progress;
mod render;
mod roster;
mod s3;
mod synth;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{CommandFactory, FromArgMatches};
use std::process::ExitCode;

fn main() -> ExitCode {
    // Everything gufen creates (the store, its checkpoint files, keys, exports, statements) is
    // its owner's alone: the store holds every whole ID number.
    #[cfg(unix)]
    // SAFETY: umask only sets the process's file creation mask; it cannot fail.
    unsafe {
        libc::umask(0o077);
    }
    // SAFETY: sets one of the allocator's integer options before any thread starts.
    unsafe {
        libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 10);
    }
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let stores = app::Stores::default();
    let code = run_args(&args, &stores, None);
    if let Err(error) = stores.close_at_exit() {
        say(&format!("gufen: {error:#}"));
        return ExitCode::from(code.max(1));
    }
    ExitCode::from(code)
}

/// Parses one command line and runs it on the stores this process has open, printing its error
/// (masked, in its language); returns its exit code. `inherited` are the global flags of a
/// `gufen shell` running this line, with whether its `--db` was given: each flag the line does
/// not give itself is taken from there.
pub(crate) fn run_args(
    args: &[std::ffi::OsString],
    stores: &app::Stores,
    inherited: Option<(&cli::Global, bool)>,
) -> u8 {
    let lang = inherited.map_or_else(
        || help::language(args, std::env::var("GUFEN_LANG").ok().as_deref()),
        |(global, _)| help::language(args, Some(lang_name(global.lang))),
    );
    let matches = match help::localized(cli::Cli::command(), lang).try_get_matches_from(args) {
        Ok(matches) => matches,
        Err(error) => return usage_error(error, lang),
    };
    let db_given = matches!(
        matches.value_source("db"),
        Some(clap::parser::ValueSource::CommandLine | clap::parser::ValueSource::EnvVariable)
    );
    let mut parsed = match cli::Cli::from_arg_matches(&matches) {
        Ok(parsed) => parsed,
        Err(error) => return usage_error(error, lang),
    };
    let mut db_given = db_given;
    if let Some((outer, outer_db_given)) = inherited {
        if matches!(parsed.command, commands::Command::Shell(_)) {
            say(&t_lang(
                lang,
                "gufen shell：一行中又是 shell，不能嵌套；未执行",
                "gufen shell: a line that is itself a shell cannot nest; not run",
            ));
            return 2;
        }
        let given =
            |name: &str| matches.value_source(name) == Some(clap::parser::ValueSource::CommandLine);
        let global = &mut parsed.global;
        if !given("db") {
            global.db = outer.db.clone();
            db_given = outer_db_given;
        }
        if !given("org") && outer.org.is_some() {
            global.org = outer.org.clone();
        }
        if !given("format") {
            global.format = outer.format;
        }
        if !given("lang") {
            global.lang = outer.lang;
        }
        if !given("actor") && outer.actor.is_some() {
            global.actor = outer.actor.clone();
        }
        if !given("wait") {
            global.wait = outer.wait;
        }
    }
    let lang = parsed.global.lang;
    match app::run_with(parsed, db_given, stores) {
        Ok(()) => 0,
        Err(error) => {
            if is_broken_pipe(&error) {
                return 0;
            }
            if let Some(app::Failed(code)) = error.downcast_ref::<app::Failed>() {
                return *code;
            }
            let code = exit_code(&error);
            say(&format!("gufen: {}", mask_ids(&described(&error, lang))));
            code
        }
    }
}

fn t_lang(lang: cli::Lang, zh: &str, en: &str) -> String {
    match lang {
        cli::Lang::Zh => zh.to_string(),
        cli::Lang::En => en.to_string(),
    }
}

fn lang_name(lang: cli::Lang) -> &'static str {
    match lang {
        cli::Lang::Zh => "zh",
        cli::Lang::En => "en",
    }
}

/// The error as printed, in the chosen language: an integrity failure the store reports goes
/// through the message table whole (a detail it has no row for stays in English under a
/// Chinese heading); every other message is the chain of causes,
/// each translated by the message table in Chinese; a command the ledger refused says that
/// nothing was written.
fn described(error: &anyhow::Error, lang: cli::Lang) -> String {
    match error.downcast_ref::<gufen_ledger::LedgerError>() {
        // Through the message table whole, so that a damage it knows (a failed checksum, an
        // engine that could not read its files back) is said in Chinese, not only its heading.
        Some(corrupt @ gufen_ledger::LedgerError::Corrupt { .. }) if lang == cli::Lang::Zh => {
            messages::zh(&corrupt.to_string())
        }
        Some(gufen_ledger::LedgerError::Rejected(gufen_core::RuleViolation::Rule { .. })) => {
            let message = app::describe_error(error, lang);
            match lang {
                cli::Lang::Zh => format!("{message}；本次未写入任何记录"),
                cli::Lang::En => format!("{message}; nothing was written"),
            }
        }
        _ => app::describe_error(error, lang),
    }
}

/// clap's errors: help and version (on stdout) exit 0, printed as clap prints them; a value refused (a date, an ID or an amount of the
/// wrong shape, or a choice outside its fixed set) is bad input, exit 1, as a refused value is
/// everywhere else; the command line's own grammar (an unknown flag or command, a missing
/// argument or subcommand, for which the help is printed) is a usage error, exit 2. In Chinese
/// the error is said in Chinese where the message table knows its kind.
fn usage_error(error: clap::Error, lang: cli::Lang) -> u8 {
    match error.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = error.print();
            0
        }
        ErrorKind::ValueValidation => {
            match value_error(&error, lang) {
                Some(message) => say(&format!("gufen: {}", mask_ids(&message))),
                None => print_masked(&error, lang),
            }
            1
        }
        ErrorKind::InvalidValue => {
            // A choice outside its set: clap names the value and the choices.
            print_masked(&error, lang);
            1
        }
        _ => {
            print_masked(&error, lang);
            2
        }
    }
}

/// clap's rendered error (and the usage or help it carries) on stderr, as plain text with every
/// citizen ID in it masked: clap repeats a value typed into any flag or position whole, and an
/// ID typed where it does not belong is still an ID (R16).
fn print_masked(error: &clap::Error, lang: cli::Lang) {
    use std::io::Write as _;
    let text = match lang {
        cli::Lang::Zh => messages::clap_error(error),
        cli::Lang::En => None,
    }
    .unwrap_or_else(|| error.render().to_string());
    let _ = write!(std::io::stderr(), "{}", mask_ids(&text));
}

/// The safety net under every error text printed (R16): each whole citizen ID in `text`, a run
/// of exactly 18 characters (17 digits and a digit or X) or of exactly 15 digits (the old
/// form) that is not part of a longer run of ASCII letters and digits, is replaced by its
/// masked form (first 6, `*`, last 4). Everything else, a credit code, a hash, a masked ID,
/// is left as it is.
pub(crate) fn mask_ids(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if is_id_shaped(run) {
            out.push_str(&gufen_core::ids::mask(run));
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

/// `[0-9]{17}[0-9Xx]` or `[0-9]{15}`, the whole of `run`.
fn is_id_shaped(run: &str) -> bool {
    let bytes = run.as_bytes();
    match bytes.len() {
        18 => {
            bytes[..17].iter().all(u8::is_ascii_digit)
                && (bytes[17].is_ascii_digit() || bytes[17] == b'X' || bytes[17] == b'x')
        }
        15 => bytes.iter().all(u8::is_ascii_digit),
        _ => false,
    }
}

/// A value refused by its parser, as `FLAG: MESSAGE`, without the raw value: clap's own message
/// repeats the value whole, and a mistyped citizen ID is still an ID (R16); the parser's message
/// names it masked.
fn value_error(error: &clap::Error, lang: cli::Lang) -> Option<String> {
    let ContextValue::String(arg) = error.get(ContextKind::InvalidArg)? else {
        return None;
    };
    let flag = arg.split_whitespace().next()?;
    let source = std::error::Error::source(error)?;
    let source = messages::localized(lang, &source.to_string());
    Some(match lang {
        cli::Lang::Zh => format!("{flag}：{source}"),
        cli::Lang::En => format!("{flag}: {source}"),
    })
}

fn exit_code(error: &anyhow::Error) -> u8 {
    if error.downcast_ref::<app::IntegrityFailure>().is_some() {
        return 3;
    }
    match error.downcast_ref::<gufen_ledger::LedgerError>() {
        Some(gufen_ledger::LedgerError::Corrupt { .. }) => 3,
        _ => 1,
    }
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    let broken = |e: &std::io::Error| e.kind() == std::io::ErrorKind::BrokenPipe;
    error.chain().any(|cause| {
        cause.downcast_ref::<std::io::Error>().is_some_and(broken)
            || cause
                .downcast_ref::<serde_json::Error>()
                .and_then(|e| e.io_error_kind())
                .is_some_and(|kind| kind == std::io::ErrorKind::BrokenPipe)
            || cause
                .downcast_ref::<csv::Error>()
                .is_some_and(|e| matches!(e.kind(), csv::ErrorKind::Io(io) if broken(io)))
    })
}

/// Writes a line to stderr, ignoring a failure: stderr may be the same closed pipe as stdout
/// (`gufen … 2>&1 | head`), and `eprintln!` panics when it cannot write.
pub fn say(line: &str) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr(), "{line}");
}

#[cfg(test)]
mod tests {
    use super::mask_ids;

    /// The option number set in `main` is the purge delay: the only option of mimalloc v3 whose
    /// default is 1,000 (ms). A mimalloc that numbered its options otherwise fails here instead
    /// of changing some other setting.
    #[test]
    fn the_option_set_is_mimallocs_purge_delay() {
        // SAFETY: reads one of the allocator's integer options.
        let delay = unsafe { libmimalloc_sys::mi_option_get(super::MI_OPTION_PURGE_DELAY) };
        assert_eq!(delay, 1_000);
    }

    #[test]
    fn whole_ids_are_masked_and_nothing_else() {
        assert_eq!(
            mask_ids("R2: org code 410183195202210053 has a wrong check character"),
            "R2: org code 410183********0053 has a wrong check character"
        );
        assert_eq!(
            mask_ids("'44011320141005001x' 与 410183520221005，无"),
            "'440113********001x' 与 410183*****1005，无"
        );
        assert_eq!(
            mask_ids("身份证号410183195202210053的"),
            "身份证号410183********0053的"
        );
        // Not IDs: a credit code, longer or shorter digit runs, a hash, a masked ID, an ID
        // inside a longer alphanumeric run.
        for text in [
            "N2410183MF0000001Y",
            "4101831952022100531",
            "41018319520221005",
            "1234567890123456",
            "4ce02e5fab24",
            "440113********001X",
            "A410183195202210053",
            "410183195202210053B",
            "",
        ] {
            assert_eq!(mask_ids(text), text);
        }
    }
}
