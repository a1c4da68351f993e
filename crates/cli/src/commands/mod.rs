//! The commands, one module per command group, each with its clap arguments and its handler;
//! `run` below is the one dispatch, one line per command.

pub mod audit;
pub mod bank;
pub mod booklet;
pub mod charter;
pub mod charter_template;
pub mod checkpoint;
pub mod config;
pub mod correct;
pub mod crash_child;
pub mod death;
pub mod demo;
pub mod distribution;
pub mod export;
pub mod form;
pub mod history;
pub mod household;
pub mod hukou;
pub mod key;
pub mod log;
pub mod member;
pub mod person;
pub mod proof;
pub mod publish;
pub mod register;
pub mod representative;
pub mod session;
pub mod shares;
pub mod shell;
pub mod statement;
pub mod township;
pub mod township_demo;
pub mod verify;
pub mod witness;

use crate::app::App;
use anyhow::Result;
use clap::Subcommand;

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Create the collective's ledger from its charter.
    Init(charter::InitArgs),
    /// The charter's settings.
    #[command(subcommand)]
    Charter(charter::CharterCommand),
    /// Members: confirm, import, lose, exit, life events, show, list.
    #[command(subcommand)]
    Member(member::MemberCommand),
    /// The representatives' assembly: elect, leave, list (R13).
    #[command(subcommand)]
    Representative(representative::RepresentativeCommand),
    /// Persons who are not members (e.g. heirs).
    #[command(subcommand)]
    Person(person::PersonCommand),
    /// Households and the household share certificate.
    #[command(subcommand)]
    Household(household::HouseholdCommand),
    /// Hukou records: recorded, never acted on.
    #[command(subcommand)]
    Hukou(hukou::HukouCommand),
    /// Shares: allot, transfer, redeem, pledge, release.
    #[command(subcommand)]
    Shares(shares::SharesCommand),
    /// Deaths: the holding becomes an estate (R2, R10).
    #[command(subcommand)]
    Death(death::DeathCommand),
    /// Settle a deceased holder's estate among heirs: `--heir ID[:NUM/DEN]`, repeated (R10).
    Inherit(death::InheritArgs),
    /// Correct record N by a compensating event that cites it (R15); nothing is edited.
    Correct(correct::CorrectArgs),
    /// The yearly distribution run: draft, notice, approve, post, pay, show, owed.
    #[command(subcommand)]
    Distribution(distribution::DistributionCommand),
    /// The shareholder register (股东名册).
    Register(register::RegisterArgs),
    /// Every record concerning one person.
    History(history::HistoryArgs),
    /// Records with seq, type and hash.
    Log(log::LogArgs),
    /// Check the chain; with --replay also rebuild the state and compare it with the projections.
    Verify(verify::VerifyArgs),
    /// The latest checkpoint (the signed tree head); --sign KEY signs it, --add-cosignature
    /// FILE adds a witness's cosignature.
    Checkpoint(checkpoint::CheckpointArgs),
    /// Inclusion and consistency proofs from the stored hash tiles.
    #[command(subcommand)]
    Proof(proof::ProofCommand),
    /// Signing keys (C2SP signed-note Ed25519).
    #[command(subcommand)]
    Key(key::KeyCommand),
    /// The collective's settings in the store (signing-key).
    #[command(subcommand)]
    Config(config::ConfigCommand),
    /// Write the ledger as an audit bundle (C2SP tlog-tiles layout) for anyone to check.
    Export(export::ExportArgs),
    /// Check an audit bundle with the ledger's public key alone; no store is opened.
    Audit(audit::AuditArgs),
    /// A member's statement: every record concerning them, with proofs against the signed
    /// checkpoint, for them to keep and have checked offline.
    Statement(statement::StatementArgs),
    /// Upload each collective's hash tiles, charter and checkpoint to object storage
    /// (s3://BUCKET/PREFIX), the entry bundles (personal data) only with --with-entries; only
    /// what is not there yet, the checkpoint last.
    Publish(publish::PublishArgs),
    /// A witness's commands: cosign a checkpoint consistent with the last one cosigned.
    #[command(subcommand)]
    Witness(witness::WitnessCommand),
    /// The collectives of one store together (a township's villages): the report and its
    /// totals, a membership moved between two of them, persons who are members of two at once.
    #[command(subcommand)]
    Township(township::TownshipCommand),
    /// Build a synthetic village end to end in a fresh store and verify it.
    Demo(demo::DemoArgs),
    /// The child process of the crash test: appends batches until killed.
    #[command(hide = true)]
    CrashChild(crash_child::CrashChildArgs),
    /// Synthetic data for tests and benchmarks.
    #[command(subcommand)]
    Sample(demo::SampleCommand),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    Completions(shell::CompletionsArgs),
    /// Print the manual page (roff), e.g. `gufen man -o gufen.1`.
    Man(shell::ManArgs),
    /// Run many commands, one per line of a file or standard input, on one open of the store.
    Shell(session::ShellArgs),
}

/// Runs one command: the one place that maps a command to its handler.
pub fn run(app: &mut App, command: Command) -> Result<()> {
    match command {
        Command::Init(args) => charter::init(app, args),
        Command::Charter(command) => charter::run(app, command),
        Command::Member(command) => member::run(app, command),
        Command::Representative(command) => representative::run(app, command),
        Command::Person(command) => person::run(app, command),
        Command::Household(command) => household::run(app, command),
        Command::Hukou(command) => hukou::run(app, command),
        Command::Shares(command) => shares::run(app, command),
        Command::Death(command) => death::run(app, command),
        Command::Inherit(args) => death::inherit(app, args),
        Command::Correct(args) => correct::run(app, args),
        Command::Distribution(command) => distribution::run(app, command),
        Command::Register(args) => register::run(app, args),
        Command::History(args) => history::run(app, args),
        Command::Log(args) => log::run(app, args),
        Command::Verify(args) => verify::run(app, args),
        Command::Checkpoint(args) => checkpoint::run(app, args),
        Command::Proof(command) => proof::run(app, command),
        Command::Key(command) => key::run(app, command),
        Command::Config(command) => config::run(app, command),
        Command::Export(args) => export::run(app, args),
        Command::Audit(args) => audit::run(app, args),
        Command::Publish(args) => publish::run(app, args),
        Command::Statement(args) => statement::run(app, args),
        Command::Witness(command) => witness::run(app, command),
        Command::Township(command) => township::run(app, command),
        Command::Demo(args) => demo::run(app, args),
        Command::CrashChild(args) => crash_child::run(app, args),
        Command::Sample(command) => demo::sample(app, command),
        Command::Completions(args) => shell::completions(app, args),
        Command::Man(args) => shell::man(app, args),
        Command::Shell(args) => session::run(app, args),
    }
}
