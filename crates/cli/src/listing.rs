//! Listings of many persons read from the projections one person at a time, never a whole state
//! in memory. The register and the member list (`Order`): a first pass over every person, in key
//! order (by ID), picks those listed with the key they are listed by (household, then ID) and
//! adds up what the listing's heading needs; the picked keys (a few dozen bytes each) are
//! sorted, and a second pass reads each person again by ID as its line is written. A year's plan
//! papers (`PlanLines`) and the owed list (`OwedLines`): one pass over the plan's lines, each
//! holder looked up by ID and only what is printed of them kept, then sorted.

use anyhow::{anyhow, Result};
use gufen_core::entity::{Distribution, LineState, Person};
use gufen_core::report::{
    self, DistributionReport, DistributionSums, DividendLine, Holder, OwedLine,
};
use gufen_core::PersonId;
use gufen_ledger::{Ledger, LedgerError};
use std::collections::BTreeMap;

/// The persons a listing holds, in its order.
pub struct Order<K> {
    listed: Vec<(K, PersonId)>,
}

impl<K: Ord> Order<K> {
    /// Every person of the projections for whom `pick` gives a key, ordered by that key and
    /// then by ID.
    pub fn pick(ledger: &Ledger, mut pick: impl FnMut(&Person) -> Option<K>) -> Result<Self> {
        let mut listed = Vec::new();
        for person in ledger.persons() {
            let person = person?;
            if let Some(key) = pick(&person) {
                listed.push((key, person.id));
            }
        }
        // Read in key order, the IDs are already in order within each listing key.
        listed.sort();
        Ok(Order { listed })
    }
}

impl<K> Order<K> {
    pub fn len(&self) -> usize {
        self.listed.len()
    }

    /// Each listed person in order, read again from the projections.
    pub fn each(&self, ledger: &Ledger, each: &mut dyn FnMut(&Person) -> Result<()>) -> Result<()> {
        for (_, id) in &self.listed {
            let person = ledger.person(id)?.ok_or_else(|| {
                anyhow!(
                    "the projection of person {} went missing while it was listed",
                    id.masked()
                )
            })?;
            each(&person)?;
        }
        Ok(())
    }
}

/// The lines of a year's plan in the order its papers print them (household, then ID), read
/// from the projections one holder at a time, never a whole state: the plan itself (a line and
/// a dividend a holder), the states of the lines anything has happened to, and what is printed
/// of each holder (`Holder`: name and household, a few dozen bytes) are all that is held.
pub struct PlanLines {
    pub found: Distribution,
    /// The states of the year's lines that have one, by person.
    states: BTreeMap<PersonId, LineState>,
    /// Each line's holder and index in the plan, in the printed order.
    order: Vec<(Holder, usize)>,
    pub sums: DistributionSums,
}

impl PlanLines {
    /// The `year` plan's lines, or None when the year has no plan.
    pub fn read(ledger: &Ledger, year: u16) -> Result<Option<Self>> {
        match ledger.distribution(year)? {
            Some(found) => PlanLines::of(ledger, found).map(Some),
            None => Ok(None),
        }
    }

    /// The lines of the plan `found` (read from `ledger`).
    pub fn of(ledger: &Ledger, found: Distribution) -> Result<Self> {
        let mut lines = PlanLines {
            states: ledger.line_states(found.plan.year)?,
            order: Vec::with_capacity(found.plan.lines.len()),
            sums: DistributionSums::default(),
            found,
        };
        for (index, line) in lines.found.plan.lines.iter().enumerate() {
            let holder = holder(ledger, &line.person)?;
            lines.sums.add(&lines.line(&holder, index));
            lines.order.push((holder, index));
        }
        let plan = &lines.found.plan.lines;
        lines.order.sort_by(|a, b| {
            (&a.0.household, &plan[a.1].person).cmp(&(&b.0.household, &plan[b.1].person))
        });
        Ok(lines)
    }

    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// The plan without its lines, with their sums.
    pub fn heading(&self) -> DistributionReport {
        report::distribution_heading(&self.found, &self.sums)
    }

    /// Each line in order.
    pub fn each(&self, each: &mut dyn FnMut(&DividendLine) -> Result<()>) -> Result<()> {
        for (holder, index) in &self.order {
            each(&self.line(holder, *index))?;
        }
        Ok(())
    }

    fn line(&self, holder: &Holder, index: usize) -> DividendLine {
        let person = &self.found.plan.lines[index].person;
        report::dividend_line(&self.found, index, holder, self.states.get(person))
    }
}

/// Every declared, unpaid, non-zero dividend over all years (`report::owed`), by year,
/// household and ID, read from the projections one line at a time, never a whole state: each
/// year's plan is read in turn to pick its owed lines, and only those lines are held.
pub struct OwedLines {
    pub lines: Vec<OwedLine>,
    pub owed_fen: i64,
}

impl OwedLines {
    pub fn read(ledger: &Ledger) -> Result<Self> {
        let mut lines = Vec::new();
        for found in ledger.distributions() {
            let found = found?;
            let year = found.plan.year;
            let states = ledger.line_states(year)?;
            for (index, dividend) in found.dividends.iter().enumerate() {
                let state = states.get(&dividend.person);
                if report::is_owed(dividend, state) {
                    let holder = holder(ledger, &dividend.person)?;
                    lines.push(report::owed_line(year, index, dividend, &holder, state));
                }
            }
        }
        report::sort_owed(&mut lines);
        Ok(OwedLines {
            owed_fen: lines.iter().map(|l| l.amount_fen).sum(),
            lines,
        })
    }
}

/// What is printed of the holder of a line: a line whose holder has no projection is damage
/// (the log never removes a person), refused as an integrity failure naming them masked.
fn holder(ledger: &Ledger, id: &PersonId) -> Result<Holder> {
    match ledger.person(id)? {
        Some(person) => Ok(Holder::of(Some(&person))),
        None => Err(LedgerError::Corrupt {
            seq: None,
            message: format!(
                "a plan's line names person {}, who has no projection",
                id.masked()
            ),
        }
        .into()),
    }
}
