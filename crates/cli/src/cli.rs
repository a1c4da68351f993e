//! The command line as clap sees it: the global flags and the command groups, each of whose
//! arguments live with its handler in `commands`. The command names and flags are a stable
//! contract, documented in README.md.

use crate::commands::Command;
use clap::{Args, Parser, ValueEnum};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "gufen",
    version,
    about = "Shareholding ledger of a village collective (股份经济合作社)"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Args, Debug, Clone)]
pub struct Global {
    /// The store directory (holds many collectives).
    #[arg(long, global = true, env = "GUFEN_DB", default_value = "./gufen-data")]
    pub db: PathBuf,
    /// The collective's unified social credit code; may be omitted when the store holds one.
    #[arg(long, global = true, env = "GUFEN_ORG")]
    pub org: Option<String>,
    /// text, json, csv (opens in Excel), xlsx (a workbook), html (a printable A4 paper); a
    /// document without a form is refused by name.
    #[arg(long, global = true, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Write the document to FILE instead of standard output (xlsx needs one on a terminal).
    #[arg(short = 'o', long = "output", global = true, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Language of documents, messages and help: zh (中文, the default) or en.
    #[arg(long, global = true, env = "GUFEN_LANG", value_enum, default_value_t = Lang::Zh)]
    pub lang: Lang,
    /// Idempotency key of a write (a UUID); generated when absent.
    #[arg(long, global = true, value_parser = crate::arguments::uuid)]
    pub command_id: Option<uuid::Uuid>,
    /// Who records the write.
    #[arg(long, global = true, env = "GUFEN_ACTOR")]
    pub actor: Option<String>,
    /// Wait up to this many seconds for a store another gufen process is using, instead of
    /// refusing at once.
    #[arg(
        long,
        global = true,
        env = "GUFEN_WAIT",
        value_name = "SECONDS",
        default_value_t = 0,
        value_parser = crate::arguments::whole::<u32>,
        allow_hyphen_values = true
    )]
    pub wait: u32,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Csv,
    Xlsx,
    Html,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Zh,
    En,
}
