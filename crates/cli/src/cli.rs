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
    /// Deaths: the holding becomes an estate (R2, R10).
    Death {
        #[command(subcommand)]
        command: DeathCmd,
    },
    /// Settle a deceased holder's estate among heirs: `--heir ID[:NUM/DEN]`, repeated (R10).
    Inherit {
        #[arg(long)]
        from: String,
        #[arg(long = "heir", required = true)]
        heirs: Vec<String>,
        #[arg(long)]
        date: String,
    },
    /// Correct record N by a compensating event that cites it (R15); nothing is edited.
    Correct {
        #[arg(long)]
        seq: u64,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        date: String,
    },
    /// The yearly distribution run: draft, notice, approve, post, pay, show, owed.
    Distribution {
        #[command(subcommand)]
        command: DistributionCmd,
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
    /// Voluntary exit with the organization's consent (R4): `--redeem --price` redeems every
    /// unit; otherwise they are kept as a non-member's income rights.
    Exit {
        #[arg(long)]
        id: String,
        #[arg(long)]
        resolution: String,
        #[arg(long, requires = "price")]
        redeem: bool,
        #[arg(long, requires = "redeem")]
        price: Option<String>,
        #[arg(long)]
        date: String,
    },
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
    /// Allot shares under the adopted quantification plan (R6, R7, R9); `--collective` allots to
    /// the collective share (集体股) where the charter keeps one.
    Allot {
        #[arg(
            long,
            required_unless_present = "collective",
            conflicts_with = "collective"
        )]
        id: Option<String>,
        #[arg(long)]
        collective: bool,
        #[arg(long)]
        class: String,
        #[arg(long)]
        units: String,
        #[arg(long)]
        resolution: String,
        #[arg(long)]
        date: String,
    },
    /// Transfer (or give, with --gift) units to another current member (R8, R9, R11).
    Transfer {
        #[arg(long)]
        from: String,
        #[arg(long)]
        to: String,
        /// Needed when the giver holds more than one class.
        #[arg(long)]
        class: Option<String>,
        #[arg(long)]
        units: String,
        /// The price in yuan (zero, or omitted, for a gift).
        #[arg(long, required_unless_present = "gift")]
        price: Option<String>,
        #[arg(long)]
        gift: bool,
        #[arg(long)]
        date: String,
    },
    /// Redemption by the collective: the units are cancelled, or kept as the collective share.
    Redeem {
        #[arg(long)]
        id: String,
        #[arg(long)]
        class: Option<String>,
        #[arg(long)]
        units: String,
        #[arg(long)]
        price: String,
        #[arg(long)]
        resolution: String,
        #[arg(long)]
        date: String,
    },
    /// Register a pledge (股权质押) of units of a class under a contract (R11).
    Pledge {
        #[arg(long)]
        id: String,
        /// The class of the pledged units (needed when the holder holds several).
        #[arg(long)]
        class: Option<String>,
        #[arg(long)]
        units: String,
        #[arg(long)]
        pledgee: String,
        #[arg(long)]
        contract: String,
        #[arg(long)]
        date: String,
    },
    /// Release the pledge registered under a contract.
    Release {
        #[arg(long)]
        contract: String,
        #[arg(long)]
        date: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum DistributionCmd {
    /// Draft (or redraft, until approved) the year's plan: funds at the charter's rates, then
    /// every holder's line on the record date (R12, R14).
    Draft {
        #[arg(long)]
        year: u16,
        /// The year's income in yuan, e.g. 1250000.00.
        #[arg(long)]
        income: String,
        /// Losses to cover first, in yuan.
        #[arg(long, default_value = "0")]
        losses: String,
        #[arg(long)]
        record_date: String,
        /// largest-remainder or round-down (default: the charter's).
        #[arg(long)]
        rounding: Option<String>,
        /// This year's reserve fund rate in percent (default: the charter's; never below its floor).
        #[arg(long)]
        reserve_rate: Option<String>,
        /// This year's welfare fund rate in percent (default: the charter's; never below its floor).
        #[arg(long)]
        welfare_rate: Option<String>,
        /// The date of the draft (default: today).
        #[arg(long)]
        date: Option<String>,
    },
    /// Put the plan up for public notice (公示) and print the notice (R13, R16).
    Notice {
        #[arg(long)]
        year: u16,
        #[arg(long)]
        date: String,
    },
    /// Record the assembly's approval: after the notice period, at least 2/3 of all eligible (R13).
    Approve {
        #[arg(long)]
        year: u16,
        #[arg(long, value_enum)]
        body: Body,
        /// Votes for.
        #[arg(long = "for")]
        votes_for: u64,
        /// All eligible: for the members' assembly, every member on the register that day.
        #[arg(long)]
        eligible: u64,
        #[arg(long)]
        resolution: String,
        #[arg(long)]
        date: String,
    },
    /// Post the approved plan: one dividend record per holder and a summary, in one batch (R14).
    Post {
        #[arg(long)]
        year: u16,
        #[arg(long)]
        date: String,
    },
    /// Record the payment of one holder's dividend, or of every row of a bank's payment file
    /// (CSV id,ref) in one batch.
    Pay {
        #[arg(long)]
        year: u16,
        #[arg(
            long,
            required_unless_present = "file",
            conflicts_with = "file",
            requires = "reference"
        )]
        id: Option<String>,
        /// The bank's transaction reference.
        #[arg(long = "ref")]
        reference: Option<String>,
        #[arg(long, conflicts_with = "reference")]
        file: Option<PathBuf>,
        #[arg(long)]
        date: String,
    },
    /// The plan and every holder's line, paid or unpaid; `--notice` reprints the public notice.
    Show {
        #[arg(long)]
        year: u16,
        #[arg(long)]
        notice: bool,
    },
    /// Every posted dividend not yet paid, over all years.
    Owed,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Body {
    Members,
    Representatives,
}

#[derive(Subcommand, Debug)]
pub enum DeathCmd {
    /// Record a death: membership ends (R2) and the holding is an estate until settled.
    Record {
        #[arg(long)]
        id: String,
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
