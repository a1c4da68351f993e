//! Where each record belongs: the stream (aggregate) of an event or a correction, the persons it
//! concerns (for `history`), the streams it is indexed under, and the streams a correction of
//! it is decided on (R15). Not part of the record bytes: `event` holds the wire enums.

use crate::event::*;
use crate::ids::PersonId;

impl Reversal {
    /// The person whose stream holds the correction; None for the collective's and a plan's
    /// records.
    pub fn person(&self) -> Option<&PersonId> {
        Some(match self {
            Reversal::Allotment(e) => &e.person,
            Reversal::Transfer(e) => &e.to,
            Reversal::Pledge(e) => &e.person,
            Reversal::MembershipLoss(e) => &e.person,
            Reversal::Redemption(e) => &e.person,
            Reversal::Exit(e) => &e.person,
            Reversal::LifeEvent(e) => &e.person,
            Reversal::Death(e) => &e.person,
            Reversal::Estate(e) => &e.deceased,
            Reversal::Confirmation(e) => &e.confirmed.person,
            Reversal::HouseholdMove(e) => &e.person,
            Reversal::HouseholdHead(e) => &e.named.person,
            Reversal::Hukou(e) => &e.recorded.person,
            Reversal::Payment(e) => &e.person,
            Reversal::Registration(e) => &e.person,
            Reversal::Release(e) => &e.released.person,
            Reversal::RepresentativeElection(e) => &e.person,
            Reversal::RepresentativeDeparture(e) => &e.left.person,
            Reversal::CollectiveAllotment(_)
            | Reversal::Draft(_)
            | Reversal::Notice(_)
            | Reversal::Approval(_)
            | Reversal::Posting(_)
            | Reversal::QuantificationPlan(_) => return None,
        })
    }

    /// The stream the correction belongs to: the corrected record's own.
    pub fn stream(&self) -> String {
        match self {
            Reversal::CollectiveAllotment(_) | Reversal::QuantificationPlan(_) => "org".to_string(),
            Reversal::Draft(e) => distribution_stream(e.year),
            Reversal::Notice(e) => distribution_stream(e.year),
            Reversal::Approval(e) => distribution_stream(e.year),
            Reversal::Posting(e) => distribution_stream(e.year),
            Reversal::HouseholdHead(e) => format!("household/{}", e.named.household),
            other => person_stream(
                other
                    .person()
                    .expect("the other corrections are a person's"),
            ),
        }
    }
}

impl Event {
    /// The stable type name stored in each record.
    pub fn type_name(&self) -> &'static str {
        self.kind().name()
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
            Event::CollectiveSharesAllotted(_) => "org".to_string(),
            Event::DistributionDrafted(e) => distribution_stream(e.year),
            Event::DistributionNoticed(e) => distribution_stream(e.year),
            Event::DistributionApproved(e) => distribution_stream(e.year),
            Event::DividendDeclared(e) => person_stream(&e.person),
            Event::DistributionPosted(e) => distribution_stream(e.year),
            Event::DividendPaid(e) => person_stream(&e.person),
            Event::SharesPledged(e) => person_stream(&e.person),
            Event::PledgeReleased(e) => person_stream(&e.person),
            Event::SharesTransferred(e) => person_stream(&e.from),
            Event::DeathRecorded(e) => person_stream(&e.person),
            Event::EstateSettled(e) => person_stream(&e.deceased),
            Event::SharesRedeemed(e) => person_stream(&e.person),
            Event::MembershipExited(e) => person_stream(&e.person),
            Event::RepresentativeElected(e) => person_stream(&e.person),
            Event::RepresentativeLeft(e) => person_stream(&e.person),
            Event::RecordCorrected(e) => e.reversal.stream(),
            Event::SharesPledgedInClass(e) => person_stream(&e.pledge.person),
            Event::LossGroundsAdopted(_) => "org".to_string(),
            Event::MembershipLostCited(e) => person_stream(&e.lost.person),
            Event::MembershipExitedOnApplication(e) => person_stream(&e.exited.person),
            Event::SharesRedeemedWithConsent(e) => person_stream(&e.redeemed.person),
            Event::QuantificationPlanAdopted(_) => "org".to_string(),
            Event::BankAccountSet(e) => person_stream(&e.person),
            Event::BankAccountCleared(e) => person_stream(&e.person),
            Event::DividendPaymentFailed(e) => person_stream(&e.person),
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
            Event::CollectiveSharesAllotted(_) => vec![],
            // A plan names every holder; their histories show the declared dividend instead.
            Event::DistributionDrafted(_) => vec![],
            Event::DistributionNoticed(_) => vec![],
            Event::DistributionApproved(_) => vec![],
            Event::DividendDeclared(e) => vec![&e.person],
            Event::DistributionPosted(_) => vec![],
            Event::DividendPaid(e) => vec![&e.person],
            Event::SharesPledged(e) => vec![&e.person],
            Event::SharesPledgedInClass(e) => vec![&e.pledge.person],
            Event::PledgeReleased(e) => vec![&e.person],
            Event::SharesTransferred(e) => vec![&e.from, &e.to],
            Event::DeathRecorded(e) => vec![&e.person],
            Event::EstateSettled(e) => {
                let mut persons = vec![&e.deceased];
                persons.extend(e.fractions.iter().map(|(heir, _, _)| heir));
                persons
            }
            Event::SharesRedeemed(e) => vec![&e.person],
            Event::MembershipExited(e) => vec![&e.person],
            Event::LossGroundsAdopted(_) => vec![],
            Event::MembershipLostCited(e) => vec![&e.lost.person],
            Event::MembershipExitedOnApplication(e) => vec![&e.exited.person],
            Event::SharesRedeemedWithConsent(e) => vec![&e.redeemed.person],
            Event::QuantificationPlanAdopted(_) => vec![],
            Event::BankAccountSet(e) => vec![&e.person],
            Event::BankAccountCleared(e) => vec![&e.person],
            Event::DividendPaymentFailed(e) => vec![&e.person],
            Event::RepresentativeElected(e) => vec![&e.person],
            Event::RepresentativeLeft(e) => vec![&e.person],
            Event::RecordCorrected(e) => match &e.reversal {
                Reversal::Transfer(t) => vec![&t.to, &t.from],
                Reversal::Estate(estate) => {
                    let mut persons = vec![&estate.deceased];
                    persons.extend(estate.fractions.iter().map(|(heir, _, _)| heir));
                    persons
                }
                Reversal::HouseholdHead(head) => {
                    let mut persons = vec![&head.named.person];
                    persons.extend(head.previous.as_ref());
                    persons
                }
                other => other.person().into_iter().collect(),
            },
        }
    }

    /// The streams a record is indexed under: its own and each concerned person's.
    pub fn index_streams(&self) -> Vec<String> {
        let own = self.stream();
        let persons = self.persons();
        let mut streams = vec![own];
        // An estate can name many heirs (a record read back may name millions): past a few,
        // duplicates are found by hashing, not by searching the list each time.
        let mut seen: std::collections::HashSet<&PersonId> = std::collections::HashSet::new();
        let few = persons.len() <= 8;
        for (i, person) in persons.iter().enumerate() {
            let new = if few {
                !persons[..i].contains(person)
            } else {
                seen.insert(person)
            };
            if new {
                let stream = person_stream(person);
                if stream != streams[0] {
                    streams.push(stream);
                }
            }
        }
        streams
    }

    /// The streams whose records a correction of this record is decided on (R15): its index
    /// streams, the households it names and, for a dividend, its year's plan.
    pub fn correction_streams(&self) -> Vec<String> {
        let mut streams = self.index_streams();
        let mut extra = Vec::new();
        match self {
            Event::HouseholdMoved(e) => {
                extra.extend(e.from.iter().map(|h| format!("household/{h}")));
                extra.push(format!("household/{}", e.to));
            }
            Event::MembershipConfirmed(e) => extra.push(format!("household/{}", e.household)),
            Event::DividendDeclared(e) => extra.push(distribution_stream(e.year)),
            Event::DividendPaid(e) => extra.push(distribution_stream(e.year)),
            Event::DividendPaymentFailed(e) => extra.push(distribution_stream(e.year)),
            _ => {}
        }
        for stream in extra {
            if !streams.contains(&stream) {
                streams.push(stream);
            }
        }
        streams
    }
}

pub fn person_stream(person: &PersonId) -> String {
    format!("person/{person}")
}

pub fn distribution_stream(year: u16) -> String {
    format!("distribution/{year}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u32) -> PersonId {
        let first17 = format!("41018319800101{n:03}");
        let check = crate::ids::citizen_check_character(&first17);
        PersonId::parse(&format!("{first17}{check}")).unwrap()
    }

    #[test]
    fn index_streams_names_each_person_once_in_order_however_many_heirs() {
        for heirs in [3usize, 40] {
            // The deceased among the heirs and every heir twice.
            let mut fractions: Vec<(PersonId, u64, u64)> =
                (1..=heirs as u32).map(|n| (id(n), 1, 1)).collect();
            fractions.extend((1..=heirs as u32).map(|n| (id(n), 1, 1)));
            fractions.push((id(0), 1, 1));
            let event = Event::EstateSettled(EstateSettled {
                deceased: id(0),
                fractions,
                shares: vec![],
            });
            let mut want = vec![person_stream(&id(0))];
            want.extend((1..=heirs as u32).map(|n| person_stream(&id(n))));
            assert_eq!(event.index_streams(), want, "{heirs} heirs");
        }
    }
}
