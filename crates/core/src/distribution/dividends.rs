//! Dividends (R14): each holder's line, declared when the plan is posted, and its payment, one
//! at a time or a bank's file in one batch; unpaid dividends stay owed across years. Each is
//! decided, applied and undone here.

use crate::checks::{self, known, text};
use crate::correction::Case;
use crate::decide::Given;
use crate::distribution::plan::plan_of;
use crate::error::{reject, RowViolation, Rule, RuleViolation};
use crate::event::*;
use crate::ids::PersonId;
use crate::state::{Dividend, LineState, Payment, Progress, State};
use chrono::NaiveDate;
use std::collections::BTreeMap;

// ---- decide ----

pub(crate) fn pay(
    given: &Given,
    year: u16,
    person: &PersonId,
    reference: &str,
) -> Result<Vec<Event>, RuleViolation> {
    payment(given, year, person, reference).map(|e| vec![e])
}

/// Many payments of one year in one batch (a bank's payment file); every bad row is reported
/// and one refuses all.
pub(crate) fn pay_many(
    given: &Given,
    year: u16,
    payments: &[(PersonId, String)],
) -> Result<Vec<Event>, RuleViolation> {
    checks::batch(payments.len(), "payment file")?;
    let mut events = Vec::with_capacity(payments.len());
    let mut violations = Vec::new();
    let mut seen: BTreeMap<&PersonId, usize> = BTreeMap::new();
    for (row, (person, reference)) in payments.iter().enumerate() {
        if let Some(first) = seen.insert(person, row) {
            violations.push(RowViolation {
                row,
                rule: Rule::Input,
                message: format!("ID {} is also paid on row {}", person.masked(), first + 1),
                other_row: Some(first),
            });
            continue;
        }
        match payment(given, year, person, reference) {
            Ok(event) => events.push(event),
            Err(e) => violations.push(e.at_row(row)),
        }
    }
    if violations.is_empty() {
        Ok(events)
    } else {
        Err(RuleViolation::Rows(violations))
    }
}

pub(crate) fn payment(
    given: &Given,
    year: u16,
    person: &PersonId,
    reference: &str,
) -> Result<Event, RuleViolation> {
    let reference = text("payment reference", reference)?;
    let found = known(given.state, person)?;
    let posted = given
        .state
        .distribution(year)
        .and_then(|d| d.posted_on().map(|on| (d, on)));
    let Some((dividend, posted_on)) = posted.and_then(|(d, on)| Some((d.dividend(person)?, on)))
    else {
        return reject(
            Rule::R14,
            format!(
                "no {year} dividend was declared to {} ({}): only a posted plan's holders are paid",
                found.name,
                person.masked()
            ),
        );
    };
    if let Some(paid) = given.state.line(year, person).and_then(|l| l.paid.as_ref()) {
        return reject(
            Rule::Input,
            format!(
                "the {year} dividend of {} ({}) was already paid on {} (reference {})",
                found.name,
                person.masked(),
                paid.on,
                paid.reference
            ),
        );
    }
    if dividend.amount_fen == 0 {
        return reject(
            Rule::Input,
            format!(
                "the {year} dividend of {} is zero: nothing to pay",
                person.masked()
            ),
        );
    }
    if given.date < posted_on {
        return reject(
            Rule::R17,
            format!(
                "the payment ({}) cannot come before the dividend was posted ({posted_on})",
                given.date
            ),
        );
    }
    Ok(Event::DividendPaid(DividendPaid {
        year,
        person: person.clone(),
        amount_fen: dividend.amount_fen,
        reference,
    }))
}

// ---- apply ----

pub(crate) fn apply_declared(state: &mut State, e: &DividendDeclared) {
    let plan = state.distribution_mut(e.year);
    assert!(
        matches!(plan.progress, Progress::Approved { .. }),
        "lines are declared before the summary, of an approved plan"
    );
    assert!(
        plan.dividends.last().is_none_or(|d| d.person < e.person),
        "a year's dividends are declared once each, in id order"
    );
    plan.dividends.push(Dividend {
        person: e.person.clone(),
        weighted_units: e.weighted_units,
        amount_fen: e.amount_fen,
        estate: e.estate,
    });
}

pub(crate) fn apply_paid(state: &mut State, date: NaiveDate, e: &DividendPaid) {
    change_declared(state, e.year, &e.person, |line| {
        assert!(line.paid.is_none(), "a dividend is paid once");
        line.paid = Some(Payment {
            on: date,
            reference: e.reference.clone(),
        });
        line.failure = None;
    });
}

/// Changes the state of a declared line: its own entry, never the year's plan.
pub(crate) fn change_declared(
    state: &mut State,
    year: u16,
    person: &PersonId,
    change: impl FnOnce(&mut LineState),
) {
    assert!(
        declared(state, year, person).is_some(),
        "a paid (or unpaid) dividend was declared"
    );
    state.change_line(year, person, change);
}

/// The dividend declared to `person` in the `year` posting.
pub(crate) fn declared<'s>(state: &'s State, year: u16, person: &PersonId) -> Option<&'s Dividend> {
    state
        .distribution(year)
        .and_then(|plan| plan.dividend(person))
}

// ---- undo (R15) ----

pub(crate) fn undo_declared(case: &Case, e: &DividendDeclared) -> Result<Reversal, RuleViolation> {
    let posting = case
        .later()
        .find(|r| matches!(&r.event, Event::DistributionPosted(p) if p.year == e.year));
    case.refuse_for(
        "a dividend is undone with its whole posting, never alone (the lines sum to the plan)",
        posting,
    )
}

pub(crate) fn undo_payment(case: &Case, e: &DividendPaid) -> Result<Reversal, RuleViolation> {
    plan_of(case, e.year)?;
    let paid = case
        .state
        .line(e.year, &e.person)
        .and_then(|l| l.paid.as_ref())
        .is_some_and(|p| p.reference == e.reference);
    if !paid {
        return case.refuse("the payment is no longer recorded");
    }
    Ok(Reversal::Payment(e.clone()))
}

pub(crate) fn apply_payment_undone(state: &mut State, paid: &DividendPaid) {
    change_declared(state, paid.year, &paid.person, |line| {
        assert!(line.paid.is_some(), "a corrected payment was paid");
        line.paid = None;
    });
}
