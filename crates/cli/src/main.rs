//! The `gufen` binary: parses the command line into validated values, runs one command against
//! the store, renders the result, and maps errors to exit codes (1 rejected, 2 usage, 3 integrity).

mod app;
mod arguments;
mod cli;
mod commands;
mod document;
mod labels;
mod render;
mod roster;
mod synth;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{CommandFactory, FromArgMatches};
use std::process::ExitCode;

fn main() -> ExitCode {
    let matches = match cli::Cli::command().try_get_matches() {
        Ok(matches) => matches,
        Err(error) => return usage_error(error),
    };
    let db_given = matches!(
        matches.value_source("db"),
        Some(clap::parser::ValueSource::CommandLine | clap::parser::ValueSource::EnvVariable)
    );
    let parsed = match cli::Cli::from_arg_matches(&matches) {
        Ok(parsed) => parsed,
        Err(error) => return usage_error(error),
    };
    match app::run(parsed, db_given) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            if is_broken_pipe(&error) {
                return ExitCode::SUCCESS;
            }
            let code = exit_code(&error);
            eprintln!("gufen: {}", app::describe_error(&error));
            ExitCode::from(code)
        }
    }
}

/// clap's errors: help and version exit 0; a value refused (a date, an ID or an amount of the
/// wrong shape, or a choice outside its fixed set) is bad input, exit 1, as a refused value is
/// everywhere else; the command line's own grammar (an unknown flag or command, a missing
/// argument or subcommand, for which the help is printed) is a usage error, exit 2.
fn usage_error(error: clap::Error) -> ExitCode {
    match error.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = error.print();
            ExitCode::SUCCESS
        }
        ErrorKind::ValueValidation => {
            match value_error(&error) {
                Some(message) => eprintln!("gufen: {message}"),
                None => {
                    let _ = error.print();
                }
            }
            ExitCode::from(1)
        }
        ErrorKind::InvalidValue => {
            // A choice outside its set: clap names the value (a word, never an ID) and the choices.
            let _ = error.print();
            ExitCode::from(1)
        }
        _ => {
            let _ = error.print();
            ExitCode::from(2)
        }
    }
}

/// A value refused by its parser, as `FLAG: MESSAGE`, without the raw value: clap's own message
/// repeats the value whole, and a mistyped citizen ID is still an ID (R16); the parser's message
/// names it masked.
fn value_error(error: &clap::Error) -> Option<String> {
    let ContextValue::String(arg) = error.get(ContextKind::InvalidArg)? else {
        return None;
    };
    let flag = arg.split_whitespace().next()?;
    let source = std::error::Error::source(error)?;
    Some(format!("{flag}: {source}"))
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
    })
}
