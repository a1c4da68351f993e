//! Events: what happened, in the past tense. The ledger stores each as one record.
//!
//! **Invariant:** variants are only ever appended at the end and payload structs never change
//! shape: the record bytes of existing events must not change (golden vectors in fixtures/ pin
//! them). A new shape is a new schema version or a new event.

use crate::charter::{ApprovalBody, Charter, Rounding};
use crate::event_kind::event_kinds;
use crate::ids::PersonId;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Event {
    /// The collective is registered with its charter; the first record of every ledger.
    CollectiveRegistered(Box<CollectiveRegistered>),
    /// A person becomes known to the ledger without membership (e.g. a non-member heir).
    PersonRegistered(PersonRegistered),
    /// The members' assembly confirms a person's membership (R1).
    MembershipConfirmed(MembershipConfirmed),
    /// Membership ends on a lawful ground (R2).
    MembershipLost(MembershipLost),
    /// A person moves to another household.
    HouseholdMoved(HouseholdMoved),
    /// A household's head is named.
    HouseholdHeadNamed(HouseholdHeadNamed),
    /// Hukou recorded; it changes no right (户籍与集体经济权益脱钩).
    HukouRecorded(HukouRecorded),
    /// A life event recorded without effect on membership or shares (R3).
    LifeEventRecorded(LifeEventRecorded),
    /// Shares quantified to a person under an adopted plan (R6).
    SharesAllotted(SharesAllotted),
    /// Shares quantified to the collective share (集体股) under an adopted plan (R6, R14).
    CollectiveSharesAllotted(CollectiveSharesAllotted),
    /// The board's distribution plan for a year, with every holder's line; a later draft for
    /// the same year supersedes it until the plan is approved (R12, R13).
    DistributionDrafted(DistributionDrafted),
    /// The plan is posted for public notice (R13).
    DistributionNoticed(DistributionNoticed),
    /// The assembly approves the plan (R13).
    DistributionApproved(DistributionApproved),
    /// One holder's dividend, declared when the approved plan is posted (R14).
    DividendDeclared(DividendDeclared),
    /// The summary that closes a posting batch (R14).
    DistributionPosted(DistributionPosted),
    /// A declared dividend is paid.
    DividendPaid(DividendPaid),
    /// Units pledged under a contract (股权质押, R11).
    SharesPledged(SharesPledged),
    /// A pledge released.
    PledgeReleased(PledgeReleased),
    /// Units transferred or given between members (R8, R9).
    SharesTransferred(Box<SharesTransferred>),
    /// A death: the holding becomes an estate until it is settled (R2, R10).
    DeathRecorded(DeathRecorded),
    /// An estate settled among heirs by exact fractions (R10).
    EstateSettled(EstateSettled),
    /// Units redeemed by the collective: cancelled, or kept as the collective share (R4, R8).
    SharesRedeemed(SharesRedeemed),
    /// A member leaves of their own will with the organization's consent (R4).
    MembershipExited(MembershipExited),
    /// A compensating event: undoes the effect of an earlier record, which stays (R15).
    RecordCorrected(Box<RecordCorrected>),
    /// Units of a named class pledged under a contract (股权质押, R11). A `SharesPledged`
    /// record, from before pledges named their class, pledges units of the whole holding.
    SharesPledgedInClass(Box<SharesPledgedInClass>),
    /// A member elected to the representatives' assembly by resolution (R13).
    RepresentativeElected(RepresentativeElected),
    /// A representative leaves the assembly by resolution (R13).
    RepresentativeLeft(RepresentativeLeft),
    /// The charter's own grounds for losing membership, each with its article (R2); recorded
    /// with the collective's registration.
    LossGroundsAdopted(LossGroundsAdopted),
    /// Membership ends on a lawful ground with its citations: the charter's ground, its article
    /// and the resolution, or the other collective's credit code (R2). A `MembershipLost`
    /// record, from before losses cited them, carries the ground alone.
    MembershipLostCited(Box<MembershipLostCited>),
    /// A member leaves on their own written application with the organization's consent (R4).
    MembershipExitedOnApplication(MembershipExitedOnApplication),
    /// Units redeemed by the collective with the holder's consent or a court's judgment (R8).
    SharesRedeemedWithConsent(Box<SharesRedeemedWithConsent>),
    /// The members' assembly adopts a quantification plan: the total units of each class to
    /// allot (R6); allotments cite its resolution, and the cap is measured against it (R9).
    QuantificationPlanAdopted(QuantificationPlanAdopted),
    /// The bank account a person's money is paid into, in force from the record's date; a
    /// later one replaces it.
    BankAccountSet(BankAccountSet),
    /// A person's bank account is no longer used: nothing is paid to them by bank file until
    /// another is set.
    BankAccountCleared(BankAccountCleared),
    /// The bank reported that a dividend it was asked to pay was not paid; the dividend stays
    /// owed and the reason is shown with it.
    DividendPaymentFailed(Box<DividendPaymentFailed>),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CollectiveRegistered {
    pub charter: Charter,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonRegistered {
    pub person: PersonId,
    pub name: String,
    pub household: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MembershipConfirmed {
    pub person: PersonId,
    pub name: String,
    pub household: String,
    pub resolution: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum LossGround {
    Death,
    Nationality,
    OtherCollective,
    CivilServant,
    Charter,
    /// Voluntary exit with the organization's consent (R4); recorded by `MembershipExited`.
    Exit,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MembershipLost {
    pub person: PersonId,
    pub ground: LossGround,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HouseholdMoved {
    pub person: PersonId,
    pub from: Option<String>,
    pub to: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HouseholdHeadNamed {
    pub household: String,
    pub person: PersonId,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum HukouKind {
    Urban,
    Rural,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HukouRecorded {
    pub person: PersonId,
    pub kind: HukouKind,
    pub locality: String,
}

/// Life events that never end membership (R3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum LifeEvent {
    HukouMoved,
    Study,
    Military,
    MigrantWork,
    Business,
    Marriage,
    Divorce,
    Widowhood,
    Imprisonment,
}

impl LifeEvent {
    pub const ALL: [LifeEvent; 9] = [
        LifeEvent::HukouMoved,
        LifeEvent::Study,
        LifeEvent::Military,
        LifeEvent::MigrantWork,
        LifeEvent::Business,
        LifeEvent::Marriage,
        LifeEvent::Divorce,
        LifeEvent::Widowhood,
        LifeEvent::Imprisonment,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            LifeEvent::HukouMoved => "hukou-moved",
            LifeEvent::Study => "study",
            LifeEvent::Military => "military",
            LifeEvent::MigrantWork => "migrant-work",
            LifeEvent::Business => "business",
            LifeEvent::Marriage => "marriage",
            LifeEvent::Divorce => "divorce",
            LifeEvent::Widowhood => "widowhood",
            LifeEvent::Imprisonment => "imprisonment",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.as_str() == text)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LifeEventRecorded {
    pub person: PersonId,
    pub kind: LifeEvent,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharesAllotted {
    pub person: PersonId,
    pub class: String,
    pub units: u64,
    pub resolution: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CollectiveSharesAllotted {
    pub class: String,
    pub units: u64,
    pub resolution: String,
}

/// One holder's line in a plan: weighted units on the record date and the amount in fen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanLine {
    pub person: PersonId,
    pub weighted_units: u64,
    pub amount_fen: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DistributionDrafted {
    pub year: u16,
    pub record_date: NaiveDate,
    pub income_fen: i64,
    pub losses_fen: i64,
    /// The rates used, in millionths (at or above the charter's floors).
    pub reserve_rate_ppm: u64,
    pub welfare_rate_ppm: u64,
    pub reserve_fen: i64,
    pub welfare_fen: i64,
    pub distributable_fen: i64,
    pub rounding: Rounding,
    /// Σ weighted units of every holder, the collective share included.
    pub total_weighted_units: u64,
    /// The collective share's weighted units and part, which stays with the collective (R14).
    pub collective_weighted_units: u64,
    pub collective_fen: i64,
    /// Undistributed remainder under round-down; zero under largest-remainder.
    pub retained_fen: i64,
    /// Every person holding units on the record date, in id order.
    pub lines: Vec<PlanLine>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DistributionNoticed {
    pub year: u16,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DistributionApproved {
    pub year: u16,
    pub body: ApprovalBody,
    pub votes_for: u64,
    pub eligible: u64,
    pub resolution: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DividendDeclared {
    pub year: u16,
    pub person: PersonId,
    pub weighted_units: u64,
    pub amount_fen: i64,
    /// The holder had died: the dividend accrues to the estate (R10).
    pub estate: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DistributionPosted {
    pub year: u16,
    pub lines: u64,
    /// Σ of the declared lines.
    pub declared_fen: i64,
    pub collective_fen: i64,
    pub retained_fen: i64,
    pub distributable_fen: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DividendPaid {
    pub year: u16,
    pub person: PersonId,
    pub amount_fen: i64,
    pub reference: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharesPledged {
    pub person: PersonId,
    pub units: u64,
    pub pledgee: String,
    pub contract: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharesPledgedInClass {
    pub pledge: SharesPledged,
    pub class: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PledgeReleased {
    pub person: PersonId,
    pub contract: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharesTransferred {
    pub from: PersonId,
    pub to: PersonId,
    pub class: String,
    pub units: u64,
    /// Zero for a gift.
    pub price_fen: i64,
    pub gift: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeathRecorded {
    pub person: PersonId,
}

/// Units of one class an heir receives from an estate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeirShare {
    pub heir: PersonId,
    pub class: String,
    pub units: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EstateSettled {
    pub deceased: PersonId,
    /// Each heir's fraction as given (numerator, denominator); they sum to exactly one.
    pub fractions: Vec<(PersonId, u64, u64)>,
    /// Every unit of the estate, by heir and class; the estate ends empty.
    pub shares: Vec<HeirShare>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharesRedeemed {
    pub person: PersonId,
    pub class: String,
    pub units: u64,
    pub price_fen: i64,
    pub resolution: String,
    /// The units go to the collective share (the charter keeps one) instead of being cancelled.
    pub to_collective: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MembershipExited {
    pub person: PersonId,
    pub resolution: String,
}

/// A ground for losing membership that the charter lists (R2): its code, name and article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CharterLossGround {
    pub code: String,
    pub name: String,
    pub article: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LossGroundsAdopted {
    pub grounds: Vec<CharterLossGround>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MembershipLostCited {
    pub lost: MembershipLost,
    /// The charter's ground, for a loss on a charter ground.
    pub charter_ground: Option<CharterLossGround>,
    /// The resolution deciding the loss (required on a charter ground).
    pub resolution: Option<String>,
    /// The credit code of the collective where membership was gained (other-collective).
    pub other_collective: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MembershipExitedOnApplication {
    pub exited: MembershipExited,
    /// The member's written application.
    pub application: String,
}

/// What lets the collective redeem a living holder's units (R8): never a resolution alone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum RedemptionAuthority {
    /// The holder's written consent.
    Consent(String),
    /// A court's judgment.
    Judgment(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharesRedeemedWithConsent {
    pub redeemed: SharesRedeemed,
    pub authority: RedemptionAuthority,
}

/// One class's total units in a quantification plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanTotal {
    pub class: String,
    pub units: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuantificationPlanAdopted {
    pub resolution: String,
    pub totals: Vec<PlanTotal>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepresentativeElected {
    pub person: PersonId,
    pub resolution: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepresentativeLeft {
    pub person: PersonId,
    pub resolution: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordCorrected {
    /// The seq of the record corrected.
    pub seq: u64,
    pub reason: String,
    pub reversal: Reversal,
}

/// What a correction undoes: the corrected record's event, whose effect is reversed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Reversal {
    /// The units go back out of issue.
    Allotment(SharesAllotted),
    /// The units go back to the giver.
    Transfer(SharesTransferred),
    /// The pledge is lifted as if never registered.
    Pledge(SharesPledged),
    /// The membership is restored.
    MembershipLoss(MembershipLost),
    /// The units go back to the holder (out of the collective share, or issued again).
    Redemption(SharesRedeemed),
    /// The membership is restored.
    Exit(MembershipExited),
    /// A life event recorded by mistake; it had no effect to undo (R3).
    LifeEvent(LifeEventRecorded),
    /// The person is alive: the estate ends and a membership lost by the death is restored.
    Death(DeathRecorded),
    /// The heirs' units go back to the estate, which is open again.
    Estate(EstateSettled),
    /// The membership never began: the person is again what they were before it.
    Confirmation(ConfirmationUndone),
    /// The person goes back to the household they came from.
    HouseholdMove(HouseholdMoved),
    /// The household's previous head is head again (or none).
    HouseholdHead(HouseholdHeadUndone),
    /// The previous hukou record is in force again (or none); hukou changes no right.
    Hukou(HukouUndone),
    /// The units go back out of the collective share and out of issue.
    CollectiveAllotment(CollectiveSharesAllotted),
    /// The year's only draft is withdrawn: there is no plan for the year until one is drafted.
    Draft(DistributionDrafted),
    /// The plan is back to drafted: the notice period starts again with a new notice.
    Notice(DistributionNoticed),
    /// The plan is back to noticed: it can be voted on (or redrafted) again.
    Approval(DistributionApproved),
    /// Every dividend the posting declared is withdrawn; the plan is back to approved.
    Posting(DistributionPosted),
    /// The dividend is owed again.
    Payment(DividendPaid),
    /// The person is no longer known to the ledger (nothing else was recorded about them).
    Registration(PersonRegistered),
    /// The released pledge is open again, as registered on its date.
    Release(PledgeReopened),
    /// The election never happened: the person holds no seat.
    RepresentativeElection(RepresentativeElected),
    /// The representative is seated again, as elected.
    RepresentativeDeparture(RepresentativeReseated),
    /// The plan is withdrawn (nothing was allotted under it).
    QuantificationPlan(QuantificationPlanAdopted),
}

/// A representative's departure undone: the seat as elected, held again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepresentativeReseated {
    pub left: RepresentativeLeft,
    /// The date of the election the seat was held by.
    pub since: NaiveDate,
    /// The resolution that elected the representative.
    pub elected_by: String,
}

/// A release undone: the pledge as registered, open again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PledgeReopened {
    pub released: PledgeReleased,
    pub pledge: SharesPledged,
    /// The class the pledge named; None for a pledge of the whole holding.
    pub class: Option<String>,
    /// The date the pledge was registered.
    pub since: NaiveDate,
}

/// A confirmation undone, with what the person was before it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfirmationUndone {
    pub confirmed: MembershipConfirmed,
    /// The membership the person had lost before being confirmed again; None: never a member.
    pub before: Option<EarlierMembership>,
    /// The household the person is in once the confirmation is undone: the one they were in
    /// before it placed them, unless they have moved since; None: no household.
    pub household: Option<String>,
}

/// A membership that had ended, as it stood before a later confirmation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EarlierMembership {
    pub since: NaiveDate,
    pub ended: NaiveDate,
    pub ground: LossGround,
}

/// A head's naming undone, with the head named before (if still in the household).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HouseholdHeadUndone {
    pub named: HouseholdHeadNamed,
    pub previous: Option<PersonId>,
}

/// A hukou record undone, with the record in force before it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HukouUndone {
    pub recorded: HukouRecorded,
    /// The earlier record and its effective date; None: no hukou was recorded before.
    pub previous: Option<(HukouRecorded, NaiveDate)>,
}

/// A person's bank account: the bank (开户行), the account number (digits only) and the name
/// the account is held in as the bank knows it (户名).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BankAccountSet {
    pub person: PersonId,
    pub bank: String,
    pub account: String,
    pub holder: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BankAccountCleared {
    pub person: PersonId,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DividendPaymentFailed {
    pub year: u16,
    pub person: PersonId,
    pub amount_fen: i64,
    /// The line's reference in the bank file (e.g. `GF2025-0001`).
    pub line_reference: String,
    /// The bank's own reference (流水号) for the attempt, where it gave one.
    pub bank_reference: Option<String>,
    /// The reason the bank gave (or its status text when it gave none).
    pub reason: String,
}

pub use crate::streams::{distribution_stream, person_stream};

event_kinds!(
    CollectiveRegistered,
    PersonRegistered,
    MembershipConfirmed,
    MembershipLost,
    HouseholdMoved,
    HouseholdHeadNamed,
    HukouRecorded,
    LifeEventRecorded,
    SharesAllotted,
    CollectiveSharesAllotted,
    DistributionDrafted,
    DistributionNoticed,
    DistributionApproved,
    DividendDeclared,
    DistributionPosted,
    DividendPaid,
    SharesPledged,
    PledgeReleased,
    SharesTransferred,
    DeathRecorded,
    EstateSettled,
    SharesRedeemed,
    MembershipExited,
    RecordCorrected,
    SharesPledgedInClass,
    RepresentativeElected,
    RepresentativeLeft,
    LossGroundsAdopted,
    MembershipLostCited,
    MembershipExitedOnApplication,
    SharesRedeemedWithConsent,
    QuantificationPlanAdopted,
    BankAccountSet,
    BankAccountCleared,
    DividendPaymentFailed,
);

#[cfg(test)]
mod tests {
    /// An import holds two events a row until its records are written, so an event's size is
    /// memory a row: the rare large variants are boxed to keep every event as small as the
    /// common ones (240 bytes a event before; boxing changes no encoding, see the golden test).
    #[test]
    fn an_event_is_no_larger_than_its_common_variants() {
        assert!(
            std::mem::size_of::<super::Event>() <= 128,
            "Event is {} bytes",
            std::mem::size_of::<super::Event>()
        );
    }
}
