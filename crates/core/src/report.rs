//! Reports computed from a state: the shareholder register (股东名册) and the household share
//! certificate (股权证). Pure data; the CLI renders them.

use crate::state::{Person, State};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegisterLine {
    pub name: String,
    pub id_masked: String,
    pub household: String,
    pub member: bool,
    pub units: BTreeMap<String, u64>,
    pub units_total: u64,
    pub weighted_units: u64,
    pub pledged_units: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Register {
    pub total_units: u64,
    pub total_weighted_units: u64,
    pub units_by_class: BTreeMap<String, u64>,
    pub holders: Vec<RegisterLine>,
}

fn line(state: &State, person: &Person) -> RegisterLine {
    let charter = &state
        .collective()
        .expect("a register needs the collective")
        .charter;
    RegisterLine {
        name: person.name.clone(),
        id_masked: person.id.masked(),
        household: person.household.clone().unwrap_or_default(),
        member: person.is_member(),
        units: person
            .holdings
            .iter()
            .filter(|(_, u)| **u > 0)
            .map(|(c, u)| (c.clone(), *u))
            .collect(),
        units_total: person.units_total(),
        weighted_units: person.weighted_units(charter),
        pledged_units: 0,
    }
}

/// Every holder with units, ordered by household then ID. Totals are sums of the lines.
pub fn register(state: &State) -> Register {
    let mut holders: Vec<(&str, &Person)> = state
        .persons()
        .filter(|p| p.units_total() > 0)
        .map(|p| (p.household.as_deref().unwrap_or(""), p))
        .collect();
    holders.sort_by(|a, b| a.0.cmp(b.0).then_with(|| a.1.id.cmp(&b.1.id)));
    let holders: Vec<RegisterLine> = holders.into_iter().map(|(_, p)| line(state, p)).collect();
    let mut units_by_class = BTreeMap::new();
    for holder in &holders {
        for (class, units) in &holder.units {
            *units_by_class.entry(class.clone()).or_insert(0) += units;
        }
    }
    let register = Register {
        total_units: holders.iter().map(|h| h.units_total).sum(),
        total_weighted_units: holders.iter().map(|h| h.weighted_units).sum(),
        units_by_class,
        holders,
    };
    if let Some(collective) = state.collective() {
        // The register reconciles with the collective's own count of units in issue.
        assert_eq!(
            register.total_units,
            collective.units_total(),
            "register total equals units in issue"
        );
    }
    register
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Certificate {
    pub household: String,
    pub head: Option<String>,
    pub persons: Vec<RegisterLine>,
    pub total_units: u64,
    pub total_weighted_units: u64,
}

/// The household's certificate: every person in it (holders or not) and their units.
pub fn certificate(state: &State, household: &str) -> Option<Certificate> {
    let found = state.household(household)?;
    let persons: Vec<RegisterLine> = found
        .persons
        .iter()
        .filter_map(|id| state.person(id))
        .map(|p| line(state, p))
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
