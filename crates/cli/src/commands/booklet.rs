//! The household certificate booklet's pages of changes and pledges: gathered from the records
//! concerning each person of the household (their streams, as `history` reads one), each
//! record once, in seq order, up to the certificate's date.

use crate::cli::Lang;
use crate::document::holdings::CertificateDocument;
use crate::document::paper::{CertificateBooklet, ChangeLine, PledgeLine};
use crate::document::records::Summary;
use crate::labels::events::summary;
use anyhow::Result;
use chrono::NaiveDate;
use gufen_core::event::{person_stream, Event, Reversal, SharesPledged};
use gufen_core::state::State;
use gufen_ledger::Ledger;
use std::collections::BTreeMap;

/// The booklet of `document`'s household: its changes and pledges from the log, up to `as_of`
/// when given.
pub fn gather(
    ledger: &Ledger,
    state: &State,
    document: CertificateDocument,
    as_of: Option<NaiveDate>,
) -> Result<CertificateBooklet> {
    let household = document.certificate.household.clone();
    let persons: Vec<_> = state
        .household(&household)
        .map(|h| h.persons.iter().cloned().collect())
        .unwrap_or_default();
    let mut records = BTreeMap::new();
    for person in &persons {
        for stored in ledger.stream(&person_stream(person))? {
            let date = stored.record.effective_date();
            if as_of.is_some_and(|limit| date > limit) {
                continue;
            }
            let event = stored.record.event()?;
            records.insert(stored.record.seq, (date, event));
        }
    }
    let corrected = state
        .collective()
        .map(|c| c.corrected.clone())
        .unwrap_or_default();
    let classes = &document.heading.classes;
    let mut changes = Vec::new();
    let mut pledges: Vec<PledgeLine> = Vec::new();
    for (seq, (date, event)) in &records {
        if is_change(event) {
            changes.push(ChangeLine {
                seq: *seq,
                date: *date,
                event_type: event.kind().name().to_string(),
                summary: Summary {
                    zh: summary(event, Lang::Zh, classes),
                    en: summary(event, Lang::En, classes),
                },
                corrected: corrected.contains(seq),
            });
        }
        match event {
            Event::SharesPledged(pledge) => {
                pledges.push(pledge_line(state, *seq, *date, pledge, None))
            }
            Event::SharesPledgedInClass(e) => pledges.push(pledge_line(
                state,
                *seq,
                *date,
                &e.pledge,
                Some(e.class.clone()),
            )),
            Event::PledgeReleased(release) => {
                if let Some(line) = open_pledge(&mut pledges, &release.contract) {
                    line.released_on = Some(*date);
                }
            }
            Event::RecordCorrected(correction) => match &correction.reversal {
                Reversal::Pledge(pledge) => {
                    if let Some(line) = pledges.iter_mut().find(|l| l.seq == correction.seq) {
                        line.corrected = true;
                    } else if let Some(line) = open_pledge(&mut pledges, &pledge.contract) {
                        line.corrected = true;
                    }
                }
                Reversal::Release(reopened) => {
                    if let Some(line) = pledges.iter_mut().rev().find(|l| {
                        l.contract == reopened.released.contract && l.released_on.is_some()
                    }) {
                        line.released_on = None;
                    }
                }
                _ => {}
            },
            _ => {}
        }
    }
    Ok(CertificateBooklet {
        number: format!("{}-{}", document.heading.code, household),
        certificate: document,
        changes,
        pledges,
    })
}

/// Whether a record changes a holding: an allotment, a transfer or gift, an inheritance, a
/// redemption, or the correction of one.
fn is_change(event: &Event) -> bool {
    match event {
        Event::SharesAllotted(_)
        | Event::SharesTransferred(_)
        | Event::EstateSettled(_)
        | Event::SharesRedeemed(_)
        | Event::SharesRedeemedWithConsent(_) => true,
        Event::RecordCorrected(correction) => matches!(
            correction.reversal,
            Reversal::Allotment(_)
                | Reversal::Transfer(_)
                | Reversal::Estate(_)
                | Reversal::Redemption(_)
        ),
        _ => false,
    }
}

fn pledge_line(
    state: &State,
    seq: u64,
    date: NaiveDate,
    pledge: &SharesPledged,
    class: Option<String>,
) -> PledgeLine {
    PledgeLine {
        seq,
        date,
        name: state
            .person(&pledge.person)
            .map(|p| p.name.clone())
            .unwrap_or_default(),
        id_masked: pledge.person.masked_id(),
        class,
        units: pledge.units,
        pledgee: pledge.pledgee.clone(),
        contract: pledge.contract.clone(),
        released_on: None,
        corrected: false,
    }
}

/// The latest pledge under `contract` still open.
fn open_pledge<'a>(pledges: &'a mut [PledgeLine], contract: &str) -> Option<&'a mut PledgeLine> {
    pledges
        .iter_mut()
        .rev()
        .find(|l| l.contract == contract && l.released_on.is_none() && !l.corrected)
}
