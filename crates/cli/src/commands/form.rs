//! `gufen shares form --seq N`: the change registration form (股权变更登记表) of one transfer,
//! gift, inheritance or redemption record; any other record is refused, naming its kind.

use crate::app::App;
use crate::document::paper::{ChangeForm, ChangeKind, Party, PartyRole};
use crate::labels::{event_type, t};
use anyhow::{anyhow, bail, Result};
use gufen_core::event::{Event, RedemptionAuthority, SharesRedeemed};
use gufen_core::state::{Key, State};
use gufen_core::PersonId;

pub fn run(app: &mut App, seq: u64) -> Result<()> {
    let lang = app.global.lang;
    let (_store, ledger) = app.open()?;
    let Some(stored) = ledger.records(seq, 1)?.into_iter().next() else {
        bail!(t(
            lang,
            format!("账本中没有第 {seq} 条记录"),
            format!("the ledger holds no record {seq}")
        ))
    };
    let event = stored.record.event()?;
    let date = stored.record.effective_date();
    let persons: Vec<PersonId> = match &event {
        Event::SharesTransferred(e) => vec![e.from.clone(), e.to.clone()],
        Event::EstateSettled(e) => std::iter::once(e.deceased.clone())
            .chain(e.shares.iter().map(|s| s.heir.clone()))
            .collect(),
        Event::SharesRedeemed(e) => vec![e.person.clone()],
        Event::SharesRedeemedWithConsent(e) => vec![e.redeemed.person.clone()],
        other => {
            let kind = event_type(other.kind().name(), lang);
            bail!(t(
                lang,
                format!("第 {seq} 条记录是“{kind}”，不是股份转让、赠与、继承或赎回：变更登记表只为这几类记录填写"),
                format!("record {seq} is a {kind}, not a transfer, gift, inheritance or redemption: a change registration form is made for those only")
            ))
        }
    };
    let mut keys = vec![Key::Collective];
    keys.extend(persons.iter().cloned().map(Key::Person));
    let state = ledger.load_state(Some(keys))?;
    let collective = state
        .collective()
        .ok_or_else(|| anyhow!("the collective is not registered"))?;
    let charter = &collective.charter;
    // The parties as they stood on the record's date: whether each was a member then, not now.
    let state_then = ledger.replay_state(Some(date))?;
    let mut form = ChangeForm {
        document: "change-form",
        collective: charter.name.clone(),
        code: charter.code.to_string(),
        seq,
        date,
        kind: ChangeKind::Transfer,
        parties: Vec::new(),
        units: 0,
        price_fen: None,
        resolution: None,
        authority: None,
        to_collective: None,
        corrected: collective.corrected.contains(&seq),
        corrected_by: None,
        classes: charter.classes.clone(),
    };
    match &event {
        Event::SharesTransferred(e) => {
            form.kind = if e.gift {
                ChangeKind::Gift
            } else {
                ChangeKind::Transfer
            };
            form.units = e.units;
            form.price_fen = Some(e.price_fen);
            form.parties = vec![
                party(
                    &state_then,
                    PartyRole::From,
                    &e.from,
                    &e.class,
                    e.units,
                    None,
                ),
                party(&state_then, PartyRole::To, &e.to, &e.class, e.units, None),
            ];
        }
        Event::EstateSettled(e) => {
            form.kind = ChangeKind::Inheritance;
            form.units = e.shares.iter().map(|s| s.units).sum();
            let classes: Vec<&str> = {
                let mut classes: Vec<&str> = e.shares.iter().map(|s| s.class.as_str()).collect();
                classes.dedup();
                classes
            };
            form.parties.push(party(
                &state_then,
                PartyRole::Deceased,
                &e.deceased,
                if classes.len() == 1 { classes[0] } else { "" },
                form.units,
                None,
            ));
            for share in &e.shares {
                let fraction = e
                    .fractions
                    .iter()
                    .find(|(heir, _, _)| *heir == share.heir)
                    .map(|(_, numerator, denominator)| format!("{numerator}/{denominator}"));
                form.parties.push(party(
                    &state_then,
                    PartyRole::Heir,
                    &share.heir,
                    &share.class,
                    share.units,
                    fraction,
                ));
            }
        }
        Event::SharesRedeemed(e) => redemption(&mut form, &state_then, e, None),
        Event::SharesRedeemedWithConsent(e) => {
            redemption(&mut form, &state_then, &e.redeemed, Some(&e.authority))
        }
        _ => unreachable!("refused above"),
    }
    if form.corrected {
        form.corrected_by = correcting_record(&ledger, seq)?;
    }
    app.render(&form)
}

/// The seq of the record that corrects record `seq` (R15): read forward from it.
fn correcting_record(ledger: &gufen_ledger::Ledger, seq: u64) -> Result<Option<u64>> {
    const PAGE_RECORDS: u64 = 1_000;
    let mut from = seq + 1;
    loop {
        let page = ledger.records(from, PAGE_RECORDS)?;
        let Some(last) = page.last() else {
            return Ok(None);
        };
        from = last.record.seq + 1;
        for stored in &page {
            if let Event::RecordCorrected(correction) = stored.record.event()? {
                if correction.seq == seq {
                    return Ok(Some(stored.record.seq));
                }
            }
        }
    }
}

fn redemption(
    form: &mut ChangeForm,
    state: &State,
    redeemed: &SharesRedeemed,
    authority: Option<&RedemptionAuthority>,
) {
    form.kind = ChangeKind::Redemption;
    form.units = redeemed.units;
    form.price_fen = Some(redeemed.price_fen);
    form.resolution = Some(redeemed.resolution.clone());
    form.to_collective = Some(redeemed.to_collective);
    form.authority = authority.map(|a| match a {
        RedemptionAuthority::Consent(text) | RedemptionAuthority::Judgment(text) => text.clone(),
    });
    form.parties = vec![
        party(
            state,
            PartyRole::From,
            &redeemed.person,
            &redeemed.class,
            redeemed.units,
            None,
        ),
        Party {
            role: PartyRole::Collective,
            name: form.collective.clone(),
            id_masked: form.code.clone(),
            class: redeemed.class.clone(),
            units: redeemed.units,
            fraction: None,
            member: None,
        },
    ];
}

fn party(
    state: &State,
    role: PartyRole,
    person: &PersonId,
    class: &str,
    units: u64,
    fraction: Option<String>,
) -> Party {
    let found = state.person(person);
    Party {
        role,
        name: found.map(|p| p.name.clone()).unwrap_or_default(),
        id_masked: person.masked(),
        class: class.to_string(),
        units,
        fraction,
        member: found.map(|p| p.is_member()),
    }
}
