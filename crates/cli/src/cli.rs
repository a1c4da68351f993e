//! The command line as clap sees it. Names and flags in DESIGN.md's CLI contract are fixed.

use clap::{Args, Parser, Subcommand, ValueEnum};
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
    pub command: Cmd,
}

#[derive(Args, Debug, Clone)]
pub struct Global {
    /// The store directory (holds many collectives).
    #[arg(long, global = true, env = "GUFEN_DB", default_value = "./gufen-data")]
    pub db: PathBuf,
    /// The collective's unified social credit code; may be omitted when the store holds one.
    #[arg(long, global = true, env = "GUFEN_ORG")]
    pub org: Option<String>,
    #[arg(long, global = true, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    #[arg(long, global = true, value_enum, default_value_t = Lang::Zh)]
    pub lang: Lang,
    /// Idempotency key of a write (a UUID); generated when absent.
    #[arg(long, global = true)]
    pub command_id: Option<String>,
    /// Who records the write.
    #[arg(long, global = true, env = "GUFEN_ACTOR")]
    pub actor: Option<String>,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Csv,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Zh,
    En,
}

#[derive(Subcommand, Debug)]
pub enum Cmd {
    /// Create the collective's ledger from its charter.
    Init {
        #[arg(long)]
        charter: PathBuf,
        /// Registration date (default: today).
        #[arg(long)]
        date: Option<String>,
    },
    /// The charter's settings.
    Charter {
        #[command(subcommand)]
        command: CharterCmd,
    },
    /// Members: confirm, import, lose, show, list.
    Member {
        #[command(subcommand)]
        command: MemberCmd,
    },
    /// Persons who are not members (e.g. heirs).
    Person {
        #[command(subcommand)]
        command: PersonCmd,
    },
    /// Households and the household share certificate.
    Household {
        #[command(subcommand)]
        command: HouseholdCmd,
    },
    /// Hukou records: recorded, never acted on.
    Hukou {
        #[command(subcommand)]
        command: HukouCmd,
    },
    /// Share allotment.
    Shares {
        #[command(subcommand)]
        command: SharesCmd,
    },
    /// The shareholder register (股东名册).
    Register {
        #[arg(long)]
        as_of: Option<String>,
    },
    /// Every record concerning one person.
    History {
        #[arg(long)]
        id: String,
        /// Print the ID whole (the owner's own request; never on public documents).
        #[arg(long)]
        reveal: bool,
    },
    /// Records with seq, type and hash.
    Log {
        #[arg(long, default_value_t = 0)]
        from: u64,
        #[arg(long, default_value_t = 100)]
        limit: u64,
    },
    /// Check the chain; with --replay also rebuild the state and compare it with the projections.
    Verify {
        #[arg(long)]
        replay: bool,
    },
    /// Build a synthetic village end to end in a fresh store and verify it.
    Demo {
        #[arg(long, default_value_t = 300)]
        members: usize,
        #[arg(long, default_value_t = 3)]
        years: u32,
    },
    /// The child process of the crash test: appends batches until killed.
    #[command(hide = true)]
    CrashChild {
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Synthetic data for tests and benchmarks.
    Sample {
        #[command(subcommand)]
        command: SampleCmd,
    },
}

#[derive(Subcommand, Debug)]
pub enum CharterCmd {
    Show,
}

#[derive(Subcommand, Debug)]
pub enum MemberCmd {
    /// Confirm a person's membership (R1: cites the assembly's resolution).
    Confirm {
        #[arg(long)]
        id: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        household: String,
        #[arg(long)]
        resolution: String,
        #[arg(long)]
        date: String,
    },
    /// Import a roster CSV (id,name,household[,class,units]); one bad row refuses the whole file.
    Import {
        roster: PathBuf,
        #[arg(long)]
        resolution: String,
        #[arg(long)]
        date: String,
    },
    /// End membership on a lawful ground (R2); grounds R3 forbids are refused.
    Lose {
        #[arg(long)]
        id: String,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        date: String,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Record a life event (marriage, study, …); it changes no right (R3).
    LifeEvent {
        #[arg(long)]
        id: String,
        /// hukou-moved, study, military, migrant-work, business, marriage, divorce, widowhood, imprisonment
        #[arg(long)]
        kind: String,
        #[arg(long)]
        date: String,
        #[arg(long, default_value = "")]
        note: String,
    },
    Show {
        #[arg(long)]
        id: String,
        #[arg(long)]
        reveal: bool,
    },
    List {
        #[arg(long)]
        as_of: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum PersonCmd {
    /// Register a non-member person (an heir); `--doc TYPE:NUMBER` for a non-PRC document.
    Add {
        #[arg(long)]
        id: Option<String>,
        #[arg(long)]
        name: String,
        #[arg(long)]
        doc: Option<String>,
        #[arg(long)]
        household: Option<String>,
        #[arg(long)]
        date: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum HouseholdCmd {
    /// The household share certificate (股权证).
    Certificate {
        #[arg(long)]
        household: String,
        #[arg(long)]
        as_of: Option<String>,
    },
    /// Move a person to another household.
    Move {
        #[arg(long)]
        id: String,
        #[arg(long)]
        to: String,
        #[arg(long)]
        date: String,
    },
    /// Name the household's head.
    Head {
        #[arg(long)]
        household: String,
        #[arg(long)]
        id: String,
        #[arg(long)]
        date: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum HukouCmd {
    Set {
        #[arg(long)]
        id: String,
        #[arg(long, value_parser = ["urban", "rural"])]
        kind: String,
        #[arg(long)]
        locality: String,
        #[arg(long)]
        date: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum SharesCmd {
    /// Allot shares under the adopted quantification plan (R6, R7, R9).
    Allot {
        #[arg(long)]
        id: String,
        #[arg(long)]
        class: String,
        #[arg(long)]
        units: String,
        #[arg(long)]
        resolution: String,
        #[arg(long)]
        date: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum SampleCmd {
    /// Print a synthetic roster CSV (valid IDs, Chinese names) to stdout.
    Roster {
        #[arg(long, default_value_t = 500)]
        persons: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}
