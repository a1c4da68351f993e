//! Events: what happened, in the past tense. The ledger stores each as one record.
//!
//! **Invariant:** variants are only ever appended at the end and payload structs never change
//! shape: the record bytes of existing events must not change (golden vectors in fixtures/ pin
//! them). A new shape is a new schema version or a new event.

use crate::charter::Charter;
use crate::ids::PersonId;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Event {
    /// The collective is registered with its charter; the first record of every ledger.
    CollectiveRegistered(CollectiveRegistered),
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

impl Event {
    /// The stable type name stored in each record.
    pub fn type_name(&self) -> &'static str {
        match self {
            Event::CollectiveRegistered(_) => "CollectiveRegistered",
            Event::PersonRegistered(_) => "PersonRegistered",
            Event::MembershipConfirmed(_) => "MembershipConfirmed",
            Event::MembershipLost(_) => "MembershipLost",
            Event::HouseholdMoved(_) => "HouseholdMoved",
            Event::HouseholdHeadNamed(_) => "HouseholdHeadNamed",
            Event::HukouRecorded(_) => "HukouRecorded",
            Event::LifeEventRecorded(_) => "LifeEventRecorded",
            Event::SharesAllotted(_) => "SharesAllotted",
        }
    }

    /// The payload schema version of this event type.
    pub fn schema_version(&self) -> u16 {
        1
    }

    /// The stream (aggregate) the event belongs to: `org`, `person/ID` or `household/NO`.
    pub fn stream(&self) -> String {
        match self {
            Event::CollectiveRegistered(_) => "org".to_string(),
            Event::PersonRegistered(e) => person_stream(&e.person),
            Event::MembershipConfirmed(e) => person_stream(&e.person),
            Event::MembershipLost(e) => person_stream(&e.person),
            Event::HouseholdMoved(e) => person_stream(&e.person),
            Event::HouseholdHeadNamed(e) => format!("household/{}", e.household),
            Event::HukouRecorded(e) => person_stream(&e.person),
            Event::LifeEventRecorded(e) => person_stream(&e.person),
            Event::SharesAllotted(e) => person_stream(&e.person),
        }
    }

    /// Every person the event concerns (for `history`).
    pub fn persons(&self) -> Vec<&PersonId> {
        match self {
            Event::CollectiveRegistered(_) => vec![],
            Event::PersonRegistered(e) => vec![&e.person],
            Event::MembershipConfirmed(e) => vec![&e.person],
            Event::MembershipLost(e) => vec![&e.person],
            Event::HouseholdMoved(e) => vec![&e.person],
            Event::HouseholdHeadNamed(e) => vec![&e.person],
            Event::HukouRecorded(e) => vec![&e.person],
            Event::LifeEventRecorded(e) => vec![&e.person],
            Event::SharesAllotted(e) => vec![&e.person],
        }
    }
}

pub fn person_stream(person: &PersonId) -> String {
    format!("person/{person}")
}
