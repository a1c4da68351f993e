//! Checks that many rules share, one function each: stored text, a cited resolution, a known,
//! member or living person, the class a command acts on, units free to leave a holding, the
//! holding cap (R9) and static management (R7).

use crate::amount::{Units, RATE_SCALE};
use crate::charter::{Charter, Management};
use crate::error::{reject, Rule, RuleViolation};
use crate::ids::PersonId;
use crate::state::{units_available_from, Collective, Person, State};
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// The longest name, household number, resolution or note, in characters.
pub const TEXT_CHARS_MAX: usize = 200;

/// Text to store: not empty, not too long, no control characters. Returns it trimmed.
pub(crate) fn text(field: &str, value: &str) -> Result<String, RuleViolation> {
    let value = value.trim();
    if let Some(problem) = text_problem(value, TEXT_CHARS_MAX) {
        return reject(Rule::Input, format!("{field} {problem}"));
    }
    if holds_citizen_id(value) {
        return reject(
            Rule::Input,
            format!(
                "R16: {field} holds a citizen ID number; an ID is recorded only as a person's key, which every paper masks, never inside free text that papers print whole"
            ),
        );
    }
    Ok(value.to_string())
}

/// What is wrong with a stored text, if anything: empty, longer than `max_chars`, holding a
/// control character (a line break, a tab, a terminal escape), or a character that changes the
/// direction text is shown in (bidi embeddings, overrides, isolates and marks), by which a name
/// can display as another. Every text a record or a charter stores passes this.
pub fn text_problem(value: &str, max_chars: usize) -> Option<String> {
    if value.trim().is_empty() {
        return Some("must not be empty".into());
    }
    if value.chars().count() > max_chars {
        return Some(format!("must be at most {max_chars} characters"));
    }
    if value.chars().any(char::is_control) {
        return Some("must hold no control characters (line breaks, tabs, escapes)".into());
    }
    if value.chars().any(is_direction_control) {
        return Some(
            "must hold no characters that change the direction text is shown in (U+202A to U+202E, U+2066 to U+2069, U+200E, U+200F, U+061C)"
                .into(),
        );
    }
    None
}

pub(crate) fn is_direction_control(c: char) -> bool {
    matches!(
        c,
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}'
    )
}

/// Whether free text holds a whole citizen ID (18 characters of digits and X, its check
/// character right) between other characters.
pub(crate) fn holds_citizen_id(value: &str) -> bool {
    value
        .split(|c: char| !(c.is_ascii_digit() || c == 'X' || c == 'x'))
        .any(|run| run.len() == 18 && crate::ids::CitizenId::parse(run).is_ok())
}

/// An optional free text (a note): empty is fine; otherwise it is stored text like any.
pub(crate) fn optional_text(field: &str, value: &str) -> Result<String, RuleViolation> {
    if value.trim().is_empty() {
        return Ok(String::new());
    }
    text(field, value)
}

/// The resolution a decision cites, refused under `rule` with `missing` when none is given.
/// Returns it trimmed.
pub(crate) fn resolution(rule: Rule, value: &str, missing: &str) -> Result<String, RuleViolation> {
    if value.trim().is_empty() {
        return reject(rule, missing);
    }
    text("resolution", value)
}

/// A person the ledger knows.
pub(crate) fn known<'s>(state: &'s State, person: &PersonId) -> Result<&'s Person, RuleViolation> {
    state.person(person).ok_or_else(|| {
        RuleViolation::new(
            Rule::Input,
            format!("no person with ID {} in this collective", person.masked()),
        )
    })
}

/// A person whose citizen ID holds a birth date on or before `date`, the record's date (R5). A
/// person known by another document has no birth date to check.
pub(crate) fn born_by(person: &PersonId, date: NaiveDate) -> Result<(), RuleViolation> {
    match person {
        PersonId::Citizen(id) if id.birth_date() > date => reject(
            Rule::R5,
            format!(
                "citizen ID {} holds a birth date after the record's date {date}",
                person.masked()
            ),
        ),
        _ => Ok(()),
    }
}

/// A current member (R1).
pub(crate) fn member<'s>(state: &'s State, person: &PersonId) -> Result<&'s Person, RuleViolation> {
    member_for(Rule::R1, state, person)
}

/// A current member, as `rule` requires (an allotment R1, an exit R4).
pub(crate) fn member_for<'s>(
    rule: Rule,
    state: &'s State,
    person: &PersonId,
) -> Result<&'s Person, RuleViolation> {
    let found = known(state, person)?;
    if !found.is_member() {
        return reject(
            rule,
            format!(
                "{} ({}) is not a current member",
                found.name,
                person.masked()
            ),
        );
    }
    Ok(found)
}

/// A known person who has not died (R10).
pub(crate) fn living<'s>(state: &'s State, person: &PersonId) -> Result<&'s Person, RuleViolation> {
    let found = known(state, person)?;
    if found.is_deceased() {
        return reject(
            Rule::R10,
            format!(
                "{} ({}) has died: the holding is an estate, settled by inheritance",
                found.name,
                person.masked()
            ),
        );
    }
    Ok(found)
}

/// The most rows one batch (a roster, a bank's payment file) may hold.
pub const BATCH_ROWS_MAX: usize = 200_000;

/// A batch of `rows` rows of a `what` (a roster, a payment file): at least one, at most
/// `BATCH_ROWS_MAX`.
pub(crate) fn batch(rows: usize, what: &str) -> Result<(), RuleViolation> {
    if rows == 0 {
        return reject(Rule::Input, format!("the {what} has no rows"));
    }
    if rows > BATCH_ROWS_MAX {
        return reject(
            Rule::Input,
            format!("a {what} holds at most {BATCH_ROWS_MAX} rows"),
        );
    }
    Ok(())
}

/// The class a command acts on: the one named (which the holder must hold), or the holder's
/// only class.
pub(crate) fn holder_class(holder: &Person, class: Option<&str>) -> Result<String, RuleViolation> {
    match class {
        Some(class) => {
            if !holder.holdings.contains_key(class) {
                return reject(
                    Rule::Input,
                    format!("{} holds no {class:?} shares", holder.id.masked()),
                );
            }
            Ok(class.to_string())
        }
        None => {
            let mut classes = holder.holdings.keys();
            match (classes.next(), classes.next()) {
                (Some(only), None) => Ok(only.clone()),
                (None, _) => reject(
                    Rule::Input,
                    format!("{} holds no shares", holder.id.masked()),
                ),
                _ => reject(
                    Rule::Input,
                    format!(
                        "{} holds several classes of shares: name one with --class",
                        holder.id.masked()
                    ),
                ),
            }
        }
    }
}

/// What of a holding of one class can leave it on a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Leaving {
    /// Held now.
    pub held: u64,
    /// Held on the date and every later one (later changes are dated after it).
    pub from_date: u64,
    /// Free of pledges now (R11).
    pub unpledged: u64,
}

impl Leaving {
    /// Units that can leave on the date: held from it on and free of pledges.
    pub fn available(&self) -> u64 {
        self.from_date.min(self.unpledged)
    }
}

/// The units of `class` that can leave `holder`'s holding on `date` (a transfer, redemption,
/// exit or correction): the one place this is computed.
pub(crate) fn leaving(holder: &Person, class: &str, date: NaiveDate) -> Leaving {
    Leaving {
        held: holder.holdings.get(class).copied().unwrap_or(0),
        from_date: units_available_from(&holder.holding_changes, class, date),
        unpledged: holder.free_units(class),
    }
}

/// `units` of `class` can leave the holding by a `what` (a transfer, a redemption) on `date`.
pub(crate) fn units_free(
    holder: &Person,
    class: &str,
    units: Units,
    what: &str,
    date: NaiveDate,
) -> Result<(), RuleViolation> {
    if units.0 == 0 {
        return reject(Rule::Input, format!("a {what} needs units above zero"));
    }
    let leaving = leaving(holder, class, date);
    if units.0 > leaving.held {
        return reject(
            Rule::Input,
            format!(
                "{} holds {} {class} shares, fewer than the {} to {what}",
                holder.id.masked(),
                Units(leaving.held),
                units
            ),
        );
    }
    if units.0 > leaving.from_date {
        return reject(
            Rule::R17,
            format!(
                "{} holds only {} {class} shares from {date} on (later holdings are dated after it); date the {what} when the units are held",
                holder.id.masked(),
                Units(leaving.from_date)
            ),
        );
    }
    if units.0 > leaving.unpledged {
        return reject(
            Rule::R11,
            format!(
                "{} has {} {class} shares free of pledges; pledged units are not given up by a {what} until released",
                holder.id.masked(),
                Units(leaving.unpledged)
            ),
        );
    }
    Ok(())
}

/// R9: every holder that receives units must end at or below the cap of all units: the units
/// in issue after the receipt, or, while adopted plans are not fully allotted, the issue once
/// they are (R6), whichever is larger. A holding already above the cap is kept; it is only
/// refused an increase.
pub(crate) fn cap(
    state: &State,
    collective: &Collective,
    date: NaiveDate,
    added: &BTreeMap<PersonId, u64>,
    added_total: u64,
) -> Result<(), RuleViolation> {
    // What the plans have still to allot counts only while it can still be allotted: under
    // static management nothing is after the baseline (R7), so the cap is then measured against
    // the units in issue alone.
    let charter = &collective.charter;
    let plans_open = charter.management == Management::Dynamic || date <= charter.baseline_date;
    let outstanding = if plans_open {
        collective.plans_outstanding()
    } else {
        0
    };
    let total_after =
        u128::from(collective.units_total()) + u128::from(added_total.max(outstanding));
    let cap = collective.charter.holding_cap_percent;
    for (person, units) in added {
        let before = state.person(person).map_or(0, Person::units_total);
        let after = u128::from(before) + u128::from(*units);
        // after / total_after > cap_percent / 100, in integers: after × 100·10^4 > total_after × cap_ppm.
        if after * u128::from(RATE_SCALE) > total_after * u128::from(cap.0) {
            return reject(
                Rule::R9,
                format!(
                    "{} would hold {} of {} shares, above the charter's cap of {}%",
                    person.masked(),
                    Units(after as u64),
                    Units(total_after as u64),
                    cap
                ),
            );
        }
    }
    Ok(())
}

/// R7: under static management (生不增、死不减) nothing is allotted after the baseline date.
pub(crate) fn static_management(charter: &Charter, date: NaiveDate) -> Result<(), RuleViolation> {
    if charter.management == Management::Static && date > charter.baseline_date {
        return reject(
            Rule::R7,
            format!(
                "static management (生不增、死不减): no allotment after the baseline date {} (this one is dated {date})",
                charter.baseline_date
            ),
        );
    }
    Ok(())
}
