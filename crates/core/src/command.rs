//! Commands: what a user asks for, in the imperative. `decide` turns one into events or refuses it.

use crate::amount::{Fen, Units};
use crate::charter::{ApprovalBody, Charter};
use crate::distribution::DraftInput;
use crate::event::{CharterLossGround, Event, HukouKind, LifeEvent, RedemptionAuthority};
use crate::ids::PersonId;
use chrono::NaiveDate;

/// A command with its business (effective) date.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Command {
    pub date: NaiveDate,
    pub action: Action,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub enum Action {
    /// Registers the collective with its charter and the loss grounds the charter lists (R2).
    RegisterCollective {
        charter: Charter,
        loss_grounds: Vec<CharterLossGround>,
    },
    RegisterPerson {
        person: PersonId,
        name: String,
        household: Option<String>,
    },
    ConfirmMembership {
        person: PersonId,
        name: String,
        household: String,
        resolution: String,
    },
    /// Confirms every row's membership and allots its units in one batch; one bad row refuses all.
    ImportRoster {
        rows: Vec<RosterRow>,
        resolution: String,
    },
    /// `ground` is the reason as given (a lawful ground or a charter ground's code); grounds
    /// that R3 forbids are refused naming R3. A charter ground cites `resolution`; membership
    /// gained in another collective cites its credit code, `other_collective` (R2).
    LoseMembership {
        person: PersonId,
        ground: String,
        note: String,
        resolution: Option<String>,
        other_collective: Option<String>,
    },
    MoveHousehold {
        person: PersonId,
        to: String,
    },
    NameHouseholdHead {
        household: String,
        person: PersonId,
    },
    RecordHukou {
        person: PersonId,
        kind: HukouKind,
        locality: String,
    },
    RecordLifeEvent {
        person: PersonId,
        kind: LifeEvent,
        note: String,
    },
    /// The members' assembly adopts a quantification plan: total units per class (R6).
    AdoptQuantificationPlan {
        resolution: String,
        totals: Vec<(String, Units)>,
    },
    AllotShares {
        person: PersonId,
        class: String,
        units: Units,
        resolution: String,
    },
    /// Allots units to the collective share (集体股), where the charter keeps one.
    AllotCollectiveShares {
        class: String,
        units: Units,
        resolution: String,
    },
    /// Drafts (or redrafts, until approved) a year's plan.
    DraftDistribution(DraftInput),
    NoticeDistribution {
        year: u16,
    },
    ApproveDistribution {
        year: u16,
        body: ApprovalBody,
        votes_for: u64,
        eligible: u64,
        resolution: String,
    },
    PostDistribution {
        year: u16,
    },
    PayDividend {
        year: u16,
        person: PersonId,
        reference: String,
    },
    /// Pledges units of the named class, or of the holder's only class (R11).
    PledgeShares {
        person: PersonId,
        class: Option<String>,
        units: Units,
        pledgee: String,
        contract: String,
    },
    /// The person is the pledgor the contract names (the CLI looks it up).
    ReleasePledge {
        person: PersonId,
        contract: String,
    },
    /// `class` may be omitted when the holder holds one class only.
    TransferShares {
        from: PersonId,
        to: PersonId,
        class: Option<String>,
        units: Units,
        price: Fen,
        gift: bool,
    },
    RecordDeath {
        person: PersonId,
    },
    /// Heirs with their fractions (numerator, denominator), or none for an equal split.
    Inherit {
        from: PersonId,
        heirs: Vec<(PersonId, Option<(u64, u64)>)>,
    },
    /// A living holder's units are redeemed only with their consent or a court's judgment,
    /// `authority` (R8).
    RedeemShares {
        person: PersonId,
        class: Option<String>,
        units: Units,
        price: Fen,
        resolution: String,
        authority: Option<RedemptionAuthority>,
    },
    /// Voluntary exit on the member's written `application` with the organization's
    /// `resolution` (R4); with `redeem`, every unit is redeemed for that total price (which
    /// needs `authority`, R8), otherwise the units are kept as a non-member's income rights.
    ExitMember {
        person: PersonId,
        resolution: String,
        application: String,
        redeem: Option<Fen>,
        authority: Option<RedemptionAuthority>,
    },
    /// Elects a member to the representatives' assembly by resolution (R13).
    ElectRepresentative {
        person: PersonId,
        resolution: String,
    },
    /// A representative leaves the assembly by resolution (R13).
    LeaveRepresentative {
        person: PersonId,
        resolution: String,
    },
    /// Corrects a record by a compensating event (R15). The caller reads the record from the
    /// log, and every other record of its `Event::correction_streams`, earlier and later, in seq
    /// order: what the correction is decided on.
    Correct {
        reason: String,
        original: Recorded,
        related: Vec<Recorded>,
    },
    /// Many payments of one year in one batch (a bank's payment file); one bad row refuses all.
    PayDividends {
        year: u16,
        payments: Vec<(PersonId, String)>,
    },
    /// Sets (or replaces) the account a person's money is paid into; `holder` defaults to the
    /// person's name.
    SetBankAccount {
        person: PersonId,
        bank: String,
        account: String,
        holder: Option<String>,
    },
    /// The person's account is no longer used.
    ClearBankAccount {
        person: PersonId,
    },
    /// Many accounts in one batch; one bad row refuses all.
    ImportBankAccounts {
        rows: Vec<BankAccountRow>,
    },
    /// The bank's result file for a year's bank file: paid and failed lines in one batch; one
    /// bad row refuses all.
    SettleBankResult {
        year: u16,
        rows: Vec<BankResultRow>,
    },
}

/// One account of a bank account file, its ID already read.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct BankAccountRow {
    pub person: PersonId,
    pub bank: String,
    pub account: String,
    pub holder: Option<String>,
}

/// One line of a bank's result file, its reference already matched to the line's holder.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct BankResultRow {
    pub person: PersonId,
    /// The line's reference in the bank file (`GF2025-0001`).
    pub line_reference: String,
    /// The amount the bank reports, where its file has one: it must be the plan's.
    pub amount_fen: Option<i64>,
    pub outcome: BankOutcome,
}

/// What the bank did with a line.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub enum BankOutcome {
    Paid {
        bank_reference: String,
    },
    Failed {
        bank_reference: Option<String>,
        reason: String,
    },
}

/// A record as a correction reads it: its seq, effective date and event.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Recorded {
    pub seq: u64,
    pub date: NaiveDate,
    pub event: Event,
}

/// One roster row as read from the file; the core validates every field so that all bad rows
/// are reported together.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct RosterRow {
    pub id: String,
    pub name: String,
    pub household: String,
    pub class: String,
    pub units: String,
}
