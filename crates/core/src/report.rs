//! Reports computed from a state: the shareholder register (股东名册), the household share
//! certificate (股权证), a year's distribution (the public notice, 公示) and the dividends owed.
//! Pure, language-neutral data holding IDs only as `MaskedId`; the CLI renders them.

use crate::charter::Charter;
use crate::entity::{Distribution, Dividend, LineState};
use crate::event::DistributionDrafted;
use crate::ids::{MaskedId, PersonId};
use crate::state::{Collective, Person, PlanStatus, State};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegisterLine {
    pub name: String,
    pub id_masked: MaskedId,
    pub household: String,
    pub member: bool,
    pub units: BTreeMap<String, u64>,
    pub units_total: u64,
    pub weighted_units: u64,
    /// The holder's share of all weighted units, in percent with 4 decimal places (exact text,
    /// rounded down).
    pub percent: String,
    pub pledged_units: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Register {
    pub total_units: u64,
    pub total_weighted_units: u64,
    pub units_by_class: BTreeMap<String, u64>,
    pub holders: Vec<RegisterLine>,
    /// Units of the collective share (集体股) per class; not a person's holding.
    pub collective_units: BTreeMap<String, u64>,
}

fn line(state: &State, person: &Person) -> RegisterLine {
    let charter = &state
        .collective()
        .expect("a register needs the collective")
        .charter;
    register_line(charter, person, None)
}

/// One holder's line of the register; `percent` of `total_weighted_units` when it is known
/// (empty until then).
pub fn register_line(
    charter: &Charter,
    person: &Person,
    total_weighted_units: Option<u64>,
) -> RegisterLine {
    let weighted_units = person.weighted_units(charter);
    RegisterLine {
        name: person.name.clone(),
        id_masked: person.id.masked_id(),
        household: person.household.clone().unwrap_or_default(),
        member: person.is_member(),
        units: person
            .holdings
            .iter()
            .filter(|(_, u)| **u > 0)
            .map(|(c, u)| (c.clone(), *u))
            .collect(),
        units_total: person.units_total(),
        weighted_units,
        percent: total_weighted_units
            .map(|whole| percent_text(weighted_units, whole))
            .unwrap_or_default(),
        pledged_units: person.pledged_units(),
    }
}

/// Whether a person is on the register: a holder of units.
pub fn is_holder(person: &Person) -> bool {
    person.units_total() > 0
}

/// The register's sums, added up one holder at a time: what a register printed holder by
/// holder (read one person at a time, never a whole state) needs before its first line, the
/// percentages being of `total_weighted_units`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RegisterTotals {
    pub holders: usize,
    pub total_units: u64,
    pub total_weighted_units: u64,
    pub units_by_class: BTreeMap<String, u64>,
    pub pledged_units: u64,
}

impl RegisterTotals {
    /// Adds a holder (`is_holder`).
    pub fn add(&mut self, charter: &Charter, person: &Person) {
        assert!(is_holder(person), "only holders are added to the register");
        self.holders += 1;
        self.total_units += person.units_total();
        self.total_weighted_units += person.weighted_units(charter);
        for (class, units) in person.holdings.iter().filter(|(_, u)| **u > 0) {
            *self.units_by_class.entry(class.clone()).or_insert(0) += units;
        }
        self.pledged_units += person.pledged_units();
    }

    /// The register without its lines (`holders` empty), checked against the collective's own
    /// count of units in issue.
    pub fn register(&self, collective: &Collective) -> Register {
        let register = Register {
            total_units: self.total_units,
            total_weighted_units: self.total_weighted_units,
            units_by_class: self.units_by_class.clone(),
            holders: Vec::new(),
            collective_units: collective.holdings.clone(),
        };
        assert_reconciles(&register, collective);
        register
    }
}

/// The register reconciles with the collective's own count of units in issue.
fn assert_reconciles(register: &Register, collective: &Collective) {
    assert_eq!(
        register.total_units + register.collective_units.values().sum::<u64>(),
        collective.units_total(),
        "register total and collective share equal units in issue"
    );
}

/// Every holder with units, ordered by household then ID. Totals are sums of the lines.
pub fn register(state: &State) -> Register {
    let mut holders: Vec<(&str, &Person)> = state
        .persons()
        .filter(|p| is_holder(p))
        .map(|p| (p.household.as_deref().unwrap_or(""), p))
        .collect();
    holders.sort_by(|a, b| a.0.cmp(b.0).then_with(|| a.1.id.cmp(&b.1.id)));
    let mut holders: Vec<RegisterLine> = holders.into_iter().map(|(_, p)| line(state, p)).collect();
    let total_weighted_units = holders.iter().map(|h| h.weighted_units).sum();
    for holder in &mut holders {
        holder.percent = percent_text(holder.weighted_units, total_weighted_units);
    }
    let mut units_by_class = BTreeMap::new();
    for holder in &holders {
        for (class, units) in &holder.units {
            *units_by_class.entry(class.clone()).or_insert(0) += units;
        }
    }
    let register = Register {
        total_units: holders.iter().map(|h| h.units_total).sum(),
        total_weighted_units,
        units_by_class,
        holders,
        collective_units: state
            .collective()
            .map(|c| c.holdings.clone())
            .unwrap_or_default(),
    };
    if let Some(collective) = state.collective() {
        assert_reconciles(&register, collective);
    }
    register
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Certificate {
    pub household: String,
    pub head: Option<String>,
    pub persons: Vec<CertificateLine>,
    pub total_units: u64,
    pub total_weighted_units: u64,
}

/// One person of a household on its certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CertificateLine {
    pub name: String,
    pub id_masked: MaskedId,
    pub member: bool,
    pub units: BTreeMap<String, u64>,
    pub units_total: u64,
    pub weighted_units: u64,
}

/// The household's certificate: every person in it (holders or not) and their units.
pub fn certificate(state: &State, household: &str) -> Option<Certificate> {
    let found = state.household(household)?;
    let persons: Vec<CertificateLine> = found
        .persons
        .iter()
        .filter_map(|id| state.person(id))
        .map(|p| {
            let line = line(state, p);
            CertificateLine {
                name: line.name,
                id_masked: line.id_masked,
                member: line.member,
                units: line.units,
                units_total: line.units_total,
                weighted_units: line.weighted_units,
            }
        })
        .collect();
    Some(Certificate {
        household: household.to_string(),
        head: found
            .head
            .as_ref()
            .and_then(|id| state.person(id))
            .map(|p| p.name.clone()),
        total_units: persons.iter().map(|p| p.units_total).sum(),
        total_weighted_units: persons.iter().map(|p| p.weighted_units).sum(),
        persons,
    })
}

/// `part / whole` as a percentage with 4 decimal places, as exact text (rounded down).
pub fn percent_text(part: u64, whole: u64) -> String {
    if whole == 0 {
        return "0".to_string();
    }
    let scaled = u128::from(part) * 100 * 10_000 / u128::from(whole);
    crate::amount::format_scaled(scaled, 4, 2)
}

/// One holder's line of a distribution, as the notice and `distribution show` print it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DividendLine {
    pub name: String,
    pub id_masked: MaskedId,
    pub household: String,
    pub weighted_units: u64,
    pub amount_fen: i64,
    /// The holder has died: the amount accrues to the estate (R10).
    pub estate: bool,
    /// Whether and when it was paid; left out (None) on the public notice.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub payment: Option<LinePayment>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LinePayment {
    /// The line's reference in a bank file (`GF2025-0001`), once declared.
    pub line_reference: Option<String>,
    pub paid: bool,
    pub paid_on: Option<NaiveDate>,
    /// The payment's reference (the bank's, for a bank file's line).
    pub paid_reference: Option<String>,
    /// Why the bank last failed to pay it, and when it said so (unpaid lines only).
    pub failure_reason: Option<String>,
    pub failed_on: Option<NaiveDate>,
    /// Why a declared line is not paid yet, as `distribution owed` gives it (None when it is
    /// paid, not yet declared, of no amount, or nothing stands in the way).
    pub not_paid_because: Option<NotPaidBecause>,
}

impl DividendLine {
    pub fn paid(&self) -> bool {
        self.payment.as_ref().is_some_and(|p| p.paid)
    }
}

/// A year's plan with every line: the public notice (公示) and `distribution show`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DistributionReport {
    pub status: PlanStatus,
    pub revision: u32,
    pub drafted_on: NaiveDate,
    pub noticed_on: Option<NaiveDate>,
    pub approved_on: Option<NaiveDate>,
    pub posted_on: Option<NaiveDate>,
    /// The plan's figures as drafted (its own lines left out: `lines` below replace them).
    pub plan: DistributionDrafted,
    /// Distributable per whole weighted share, in 1/10000 yuan, rounded down.
    pub per_share_yuan_e4: u128,
    pub lines: Vec<DividendLine>,
    pub lines_fen: i64,
    pub paid_fen: i64,
}

/// The year's plan and lines (a complete state, or one holding the plan, its persons and their
/// lines), ordered by household then ID like the register.
pub fn distribution(state: &State, year: u16) -> Option<DistributionReport> {
    let found = state.distribution(year)?;
    let mut keyed: Vec<(String, &PersonId, DividendLine)> = found
        .plan
        .lines
        .iter()
        .enumerate()
        .map(|(index, line)| {
            let holder = Holder::of(state.person(&line.person));
            let shown = dividend_line(found, index, &holder, state.line(year, &line.person));
            (shown.household.clone(), &line.person, shown)
        })
        .collect();
    keyed.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
    let lines: Vec<DividendLine> = keyed.into_iter().map(|(_, _, line)| line).collect();
    let mut report = distribution_heading(found, &DistributionSums::of(&lines));
    report.lines = lines;
    Some(report)
}

/// What a plan's heading sums over its lines: their weighted units and amounts, and the
/// amounts of the paid ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DistributionSums {
    pub weighted_units: u64,
    pub lines_fen: i64,
    pub paid_fen: i64,
}

impl DistributionSums {
    pub fn add(&mut self, line: &DividendLine) {
        self.weighted_units += line.weighted_units;
        self.lines_fen += line.amount_fen;
        if line.paid() {
            self.paid_fen += line.amount_fen;
        }
    }

    pub fn of(lines: &[DividendLine]) -> Self {
        let mut sums = DistributionSums::default();
        lines.iter().for_each(|line| sums.add(line));
        sums
    }
}

/// The year's plan without its lines (`lines` empty), with the sums of the lines it will hold:
/// what a plan printed line by line (never a whole state) needs before its first line.
pub fn distribution_heading(found: &Distribution, sums: &DistributionSums) -> DistributionReport {
    let plan = DistributionDrafted {
        lines: Vec::new(),
        ..found.plan.clone()
    };
    let per_share = if plan.total_weighted_units == 0 {
        0
    } else {
        // fen × 100 = 1/10000 yuan; one share is 10,000 units.
        u128::from(plan.distributable_fen as u64) * 100 * 10_000
            / u128::from(plan.total_weighted_units)
    };
    DistributionReport {
        status: found.status(),
        revision: found.revision,
        drafted_on: found.drafted_on,
        noticed_on: found.noticed_on(),
        approved_on: found.approval().map(|a| a.on),
        posted_on: found.posted_on(),
        plan,
        per_share_yuan_e4: per_share,
        lines: Vec::new(),
        lines_fen: sums.lines_fen,
        paid_fen: sums.paid_fen,
    }
}

/// What the papers print of a dividend's holder beside the line: the part of a person's
/// projection a listing of many lines keeps (a few dozen bytes, where a person is hundreds).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Holder {
    pub name: String,
    pub household: String,
    pub deceased: bool,
    pub has_account: bool,
}

impl Holder {
    /// The holder of a line whose person's projection is `person` (None if it is gone: no
    /// name, no household, no account).
    pub fn of(person: Option<&Person>) -> Self {
        match person {
            None => Holder::default(),
            Some(person) => Holder {
                name: person.name.clone(),
                household: person.household.clone().unwrap_or_default(),
                deceased: person.is_deceased(),
                has_account: person.bank_account.is_some(),
            },
        }
    }
}

/// The `index`th line of the plan `found` as the notice and `distribution show` print it:
/// `holder` is what is printed of its holder, `state` the line's state (None while nothing has
/// happened to it).
pub fn dividend_line(
    found: &Distribution,
    index: usize,
    holder: &Holder,
    state: Option<&LineState>,
) -> DividendLine {
    let line = &found.plan.lines[index];
    // A posted plan declares a dividend for each of its lines, in the same order.
    let declared = match found.dividends.get(index) {
        Some(d) if d.person == line.person => Some(index),
        _ => found
            .dividends
            .binary_search_by(|d| d.person.cmp(&line.person))
            .ok(),
    };
    let dividend = declared.map(|i| &found.dividends[i]);
    let state = dividend.and(state);
    let paid = state.and_then(|l| l.paid.as_ref());
    let paid_on = paid.map(|p| p.on);
    let failure = state.and_then(|l| l.failure.as_ref());
    let not_paid_because = dividend
        .filter(|d| is_owed(d, state))
        .and_then(|d| why_not_paid(d, holder, state));
    DividendLine {
        name: holder.name.clone(),
        id_masked: line.person.masked_id(),
        household: holder.household.clone(),
        weighted_units: line.weighted_units,
        amount_fen: line.amount_fen,
        estate: dividend.map_or(holder.deceased, |d| d.estate),
        payment: Some(LinePayment {
            line_reference: declared.map(|i| crate::bank::line_reference(found.plan.year, i)),
            paid: paid_on.is_some(),
            paid_on,
            paid_reference: paid.map(|p| p.reference.clone()),
            failure_reason: failure.map(|f| f.reason.clone()),
            failed_on: failure.map(|f| f.on),
            not_paid_because,
        }),
    }
}

/// One unpaid dividend, still owed (across years until paid).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OwedLine {
    pub year: u16,
    /// The line's reference in a bank file (`GF2025-0001`).
    pub line_reference: String,
    pub name: String,
    pub id_masked: MaskedId,
    pub household: String,
    pub amount_fen: i64,
    pub estate: bool,
    /// Why the bank last failed to pay it, and when it said so.
    pub failure_reason: Option<String>,
    pub failed_on: Option<NaiveDate>,
    /// Why it is not paid yet, as the ledger stands today: the bank's recorded failure first,
    /// then a deceased holder (paid to the estate once settled, R10), then no account on record
    /// (a bank file leaves the line out); None when nothing stands in the way.
    pub not_paid_because: Option<NotPaidBecause>,
    /// The holder, never printed: what lines of one household are ordered by, as
    /// `distribution show` orders them.
    #[serde(skip)]
    pub person: PersonId,
}

/// Why an owed line is not paid yet (read from the ledger when the list is drawn up).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NotPaidBecause {
    /// The bank reported the payment failed (its reason is `failure_reason`).
    BankFailure,
    /// The holder has died: the dividend goes to the estate once it is settled.
    Estate,
    /// The holder has no bank account on record.
    NoAccount,
}

/// Every declared, unpaid, non-zero dividend (complete states), by year, household and ID.
pub fn owed(state: &State) -> Vec<OwedLine> {
    let mut lines: Vec<OwedLine> = state
        .distributions()
        .flat_map(|d| {
            d.dividends.iter().enumerate().filter_map(|(index, line)| {
                let done = state.line(d.plan.year, &line.person);
                is_owed(line, done).then(|| {
                    let holder = Holder::of(state.person(&line.person));
                    owed_line(d.plan.year, index, line, &holder, done)
                })
            })
        })
        .collect();
    sort_owed(&mut lines);
    lines
}

/// Puts owed lines in their printed order: by year, household and holder, the order
/// `distribution show` prints a year's lines in (the holder's whole ID, never its masked form,
/// which sorted by the last four digits).
pub fn sort_owed(lines: &mut [OwedLine]) {
    lines.sort_by(|a, b| (a.year, &a.household, &a.person).cmp(&(b.year, &b.household, &b.person)));
}

/// Whether a declared dividend is still owed, its line's state being `state`: unpaid, and of
/// more than zero fen.
pub fn is_owed(dividend: &Dividend, state: Option<&LineState>) -> bool {
    state.is_none_or(|l| l.paid.is_none()) && dividend.amount_fen > 0
}

/// Why the declared dividend `line`, owed, is not paid yet, its holder being `holder` and its
/// line's state `state`: the bank's recorded failure first, then a deceased holder, then no
/// account on record.
fn why_not_paid(
    line: &Dividend,
    holder: &Holder,
    state: Option<&LineState>,
) -> Option<NotPaidBecause> {
    if state.is_some_and(|l| l.failure.is_some()) {
        Some(NotPaidBecause::BankFailure)
    } else if line.estate || holder.deceased {
        Some(NotPaidBecause::Estate)
    } else if !holder.has_account {
        Some(NotPaidBecause::NoAccount)
    } else {
        None
    }
}

/// The owed line of `line`, the `index`th declared dividend of the `year` plan (one
/// `is_owed`), what is printed of its holder being `holder` and its line's state `state`.
pub fn owed_line(
    year: u16,
    index: usize,
    line: &Dividend,
    holder: &Holder,
    state: Option<&LineState>,
) -> OwedLine {
    let failure = state.and_then(|l| l.failure.as_ref());
    let not_paid_because = why_not_paid(line, holder, state);
    OwedLine {
        year,
        line_reference: crate::bank::line_reference(year, index),
        name: holder.name.clone(),
        id_masked: line.person.masked_id(),
        household: holder.household.clone(),
        amount_fen: line.amount_fen,
        estate: line.estate,
        failure_reason: failure.map(|f| f.reason.clone()),
        failed_on: failure.map(|f| f.on),
        not_paid_because,
        person: line.person.clone(),
    }
}

/// A posted year's money as it stands: what was declared to holders, what of it is paid, and
/// what is still owed (declared, non-zero, unpaid), in fen and in lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct YearPayments {
    pub declared_fen: i64,
    pub paid_fen: i64,
    pub paid_lines: u64,
    pub owed_fen: i64,
    pub owed_lines: u64,
}

/// The `year` plan's declared, paid and owed totals (a complete state): the declared lines of
/// the plan with each line's state. Zero for a year not posted.
pub fn year_payments(state: &State, year: u16) -> YearPayments {
    match state.distribution(year) {
        Some(found) => plan_payments(found, |person| state.line(year, person)),
        None => YearPayments::default(),
    }
}

/// The declared, paid and owed totals of the plan `found`, `line` giving each declared line's
/// state.
pub fn plan_payments<'a>(
    found: &Distribution,
    line: impl Fn(&PersonId) -> Option<&'a LineState>,
) -> YearPayments {
    let mut totals = YearPayments::default();
    for dividend in &found.dividends {
        let state = line(&dividend.person);
        totals.declared_fen += dividend.amount_fen;
        if state.is_some_and(|l| l.paid.is_some()) {
            totals.paid_fen += dividend.amount_fen;
            totals.paid_lines += 1;
        } else if is_owed(dividend, state) {
            totals.owed_fen += dividend.amount_fen;
            totals.owed_lines += 1;
        }
    }
    totals
}

/// A year's money in one collective, as the township report sums it: the plan's status and
/// distributable amount, and of its declared dividends (posted plans only) what is paid and what
/// is owed, with the count of lines each way. A plan not yet posted has declared nothing: its
/// paid and owed are zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct YearTotals {
    pub year: u16,
    pub status: PlanStatus,
    pub distributable_fen: i64,
    pub paid_fen: i64,
    pub owed_fen: i64,
    pub lines_paid: u64,
    /// Declared dividends of more than zero fen not yet paid (the lines `owed` lists).
    pub lines_unpaid: u64,
}

/// The year's totals (a state holding the year's plan), or None when the year has no plan.
pub fn year_totals(state: &State, year: u16) -> Option<YearTotals> {
    let found = state.distribution(year)?;
    Some(plan_totals(found, year_payments(state, year)))
}

/// The totals of the plan `found`, its payments being `payments` (`plan_payments`).
pub fn plan_totals(found: &Distribution, payments: YearPayments) -> YearTotals {
    YearTotals {
        year: found.plan.year,
        status: found.status(),
        distributable_fen: found.plan.distributable_fen,
        paid_fen: payments.paid_fen,
        owed_fen: payments.owed_fen,
        lines_paid: payments.paid_lines,
        lines_unpaid: payments.owed_lines,
    }
}
