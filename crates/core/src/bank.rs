//! Money reaching members (代发): each person's bank account, set, replaced or cleared; the
//! reference every line of a bank's batch pay-out file carries, which the bank echoes back; and
//! the bank's result file, recorded as payments and failures of one year in one batch. Each is
//! decided, applied and undone here.

use crate::checks::{self, known, text};
use crate::command::{BankAccountRow, BankOutcome, BankResultRow};
use crate::correction::Case;
use crate::decide::Given;
use crate::distribution::dividends;
use crate::error::{reject, RowViolation, Rule, RuleViolation};
use crate::event::*;
use crate::ids::{CitizenId, PersonId};
use crate::state::{BankAccount, PaymentFailure, State};
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// The fewest digits an account number has. Bank cards are 16 to 19 digits (UnionPay cards
/// follow ISO/IEC 7812, whose card numbers are at most 19 digits); passbook and settlement
/// accounts vary by institution, from 12 digits (older accounts of the large banks) to more
/// than 20 (rural credit cooperatives). 10 leaves room for a short local account and still
/// refuses a date (8 digits) or an amount typed into the wrong column.
pub const ACCOUNT_DIGITS_MIN: usize = 10;
/// The most digits: the account field of the central bank's payment systems (CNAPS, through
/// which interbank batch payments clear) holds at most 32 characters.
pub const ACCOUNT_DIGITS_MAX: usize = 32;

/// The prefix of every line reference in a bank file: `GF` (股份) then the year.
pub const REFERENCE_PREFIX: &str = "GF";

/// An account number as typed, without its spaces (people group digits in fours, as cards
/// print them). Full-width digits are the caller's to make ASCII first.
pub fn normalize_account(typed: &str) -> String {
    typed.chars().filter(|c| *c != ' ').collect()
}

/// What is wrong with an account number (spaces already removed), if anything.
pub fn account_problem(account: &str) -> Option<String> {
    if account.is_empty() {
        return Some("must not be empty".into());
    }
    if !account.chars().all(|c| c.is_ascii_digit()) {
        return Some("must be digits only (spaces are allowed between them)".into());
    }
    let digits = account.len();
    if !(ACCOUNT_DIGITS_MIN..=ACCOUNT_DIGITS_MAX).contains(&digits) {
        return Some(format!(
            "must have {ACCOUNT_DIGITS_MIN} to {ACCOUNT_DIGITS_MAX} digits, not {digits}"
        ));
    }
    None
}

/// An account number as public outputs show it: its last 4 digits, `**** 1234` (R16).
pub fn mask_account(account: &str) -> String {
    let digits: Vec<char> = account.chars().collect();
    let tail: String = digits[digits.len().saturating_sub(4)..].iter().collect();
    format!("**** {tail}")
}

/// The reference of a year's line in a bank file: `GF2025-0001` for the first declared
/// dividend (the year's dividends in ID order, which a posting fixes), so that the bank's
/// result names the line without any ID number.
pub fn line_reference(year: u16, index: usize) -> String {
    format!("{REFERENCE_PREFIX}{year}-{:04}", index + 1)
}

/// The 0-based line a text holds the reference of (`…GF2025-0012…`, in any letter case),
/// among `lines` lines of `year`; None when it holds none, or one past the year's lines.
pub fn find_reference(text: &str, year: u16, lines: usize) -> Option<usize> {
    references_in(text, year)
        .into_iter()
        .find(|number| (1..=lines).contains(number))
        .map(|number| number - 1)
}

/// The numbers of every reference of `year` a text holds (`GF2025-0012` is 12), in the
/// text's order, each once: a text holding two different ones names no line for sure. Only a
/// reference whose digits are exactly as `line_reference` writes them counts: `GF2025-001` (a
/// bank cutting `GF2025-0012`) is not line 1 (`malformed_references` gives it).
pub fn references_in(text: &str, year: u16) -> Vec<usize> {
    let mut found = Vec::new();
    for digits in reference_digits(text, year) {
        if let Some(number) = exact_number(year, &digits) {
            if !found.contains(&number) {
                found.push(number);
            }
        }
    }
    found
}

/// Every text of the form `GF{year}-{digits}` in a text whose digits are not as
/// `line_reference` writes them (`GF2025-001`, `GF2025-00012`, `GF2025-0000`): a reference cut
/// or padded by the bank, which names no line for sure.
pub fn malformed_references(text: &str, year: u16) -> Vec<String> {
    reference_digits(text, year)
        .into_iter()
        .filter(|digits| exact_number(year, digits).is_none())
        .map(|digits| format!("{REFERENCE_PREFIX}{year}-{digits}"))
        .collect()
}

/// The number of a reference's digits, when `line_reference` writes exactly them.
fn exact_number(year: u16, digits: &str) -> Option<usize> {
    let number = digits.parse::<usize>().ok().filter(|n| *n >= 1)?;
    (line_reference(year, number - 1) == format!("{REFERENCE_PREFIX}{year}-{digits}"))
        .then_some(number)
}

/// The digits after each `GF{year}-` in a text (any letter case), in order; none where no digit
/// follows.
fn reference_digits(text: &str, year: u16) -> Vec<String> {
    let upper = text.to_ascii_uppercase();
    let needle = format!("{REFERENCE_PREFIX}{year}-");
    let mut found = Vec::new();
    let mut rest = upper.as_str();
    while let Some(at) = rest.find(&needle) {
        let after = &rest[at + needle.len()..];
        let digits: String = after.chars().take_while(char::is_ascii_digit).collect();
        if !digits.is_empty() {
            found.push(digits);
        }
        rest = after;
    }
    found
}

/// A text the bank wrote (a failure reason, its own reference) made fit to store and print: a
/// control or direction character becomes a space, every run of 10 or more digits (digits
/// grouped by single spaces count as one run: `6228 4800 0000 0004 367`) is masked as an
/// account is (`**** 4367`), a citizen ID in it is masked as IDs are (R16), and the text is
/// trimmed and cut to the stored-text limit. Banks quote the account in their reasons
/// (`账号6228480000000004367不存在`); such a text is never refused nor printed whole.
pub fn clean_bank_text(text: &str) -> String {
    cleaned(text, true)
}

/// The bank's own reference for a paid line (its 流水号), made fit to store and print as
/// `clean_bank_text` makes a reason, except that a long run of digits is kept whole: a 流水号
/// is often 10 to 30 digits, and it is what the accountant matches with the bank's statement.
/// Only a citizen ID in it is masked (R16).
pub fn clean_bank_reference(text: &str) -> String {
    cleaned(text, false)
}

fn cleaned(text: &str, mask_accounts: bool) -> String {
    let spaced: Vec<char> = text
        .chars()
        .map(|c| {
            if c.is_control() || checks::is_direction_control(c) {
                ' '
            } else {
                c
            }
        })
        .collect();
    let mut cleaned = String::with_capacity(text.len());
    let mut at = 0;
    while at < spaced.len() {
        if !spaced[at].is_ascii_digit() {
            cleaned.push(spaced[at]);
            at += 1;
            continue;
        }
        // The run: digits, single spaces between digits, and an ID's check character X.
        let mut end = at;
        while end < spaced.len() {
            let c = spaced[end];
            let digit_follows = spaced.get(end + 1).is_some_and(char::is_ascii_digit);
            if c.is_ascii_digit() || (c == ' ' && digit_follows) {
                end += 1;
            } else {
                break;
            }
        }
        let run: String = spaced[at..end].iter().filter(|c| **c != ' ').collect();
        let check = spaced.get(end).filter(|c| matches!(c, 'X' | 'x'));
        if run.len() == 17 && check.is_some() {
            cleaned.push_str(&crate::ids::mask(&format!("{run}X")));
            end += 1;
        } else if run.len() == 18 && CitizenId::parse(&run).is_ok() {
            cleaned.push_str(&crate::ids::mask(&run));
        } else if mask_accounts && run.len() >= ACCOUNT_DIGITS_MIN {
            cleaned.push_str(&mask_account(&run));
        } else {
            cleaned.extend(&spaced[at..end]);
        }
        at = end;
    }
    cleaned
        .trim()
        .chars()
        .take(checks::TEXT_CHARS_MAX)
        .collect::<String>()
        .trim_end()
        .to_string()
}

// ---- decide ----

pub(crate) fn set(
    given: &Given,
    person: &PersonId,
    bank: &str,
    account: &str,
    holder: Option<&str>,
) -> Result<Vec<Event>, RuleViolation> {
    let event = account_set(given, person, bank, account, holder)?;
    let found = known(given.state, person)?;
    if same_as_recorded(found.bank_account.as_deref(), &event) {
        return reject(
            Rule::Input,
            format!(
                "{} ({}) already has this account on record",
                found.name,
                person.masked()
            ),
        );
    }
    Ok(vec![Event::BankAccountSet(event)])
}

pub(crate) fn clear(given: &Given, person: &PersonId) -> Result<Vec<Event>, RuleViolation> {
    let found = known(given.state, person)?;
    if found.bank_account.is_none() {
        return reject(
            Rule::Input,
            format!(
                "{} ({}) has no bank account on record to clear",
                found.name,
                person.masked()
            ),
        );
    }
    Ok(vec![Event::BankAccountCleared(BankAccountCleared {
        person: person.clone(),
    })])
}

/// Many accounts in one batch (a file from the bank or the village); every bad row is reported
/// and one refuses all. A row that repeats the account on record records nothing.
pub(crate) fn import(given: &Given, rows: &[BankAccountRow]) -> Result<Vec<Event>, RuleViolation> {
    checks::batch(rows.len(), "bank account file")?;
    let mut events = Vec::with_capacity(rows.len());
    let mut violations = Vec::new();
    let mut seen: BTreeMap<&PersonId, usize> = BTreeMap::new();
    // Each account number's first row and person: one account given to two persons is a
    // row out of line, or a typing slip that would pay one person's dividend to another.
    let mut accounts: BTreeMap<String, (usize, &PersonId)> = BTreeMap::new();
    for (row, entry) in rows.iter().enumerate() {
        if let Some(first) = seen.insert(&entry.person, row) {
            violations.push(RowViolation {
                row,
                rule: Rule::Input,
                message: format!(
                    "ID {} is also on row {} of the file",
                    entry.person.masked(),
                    first + 1
                ),
                other_row: Some(first),
            });
            continue;
        }
        let account = normalize_account(entry.account.trim());
        if account_problem(&account).is_none() {
            match accounts.get(&account) {
                Some(&(first, other)) if other != &entry.person => {
                    violations.push(RowViolation {
                        row,
                        rule: Rule::Input,
                        message: format!(
                            "the account number {} of {} is also given to {} on row {}",
                            mask_account(&account),
                            entry.person.masked(),
                            other.masked(),
                            first + 1
                        ),
                        other_row: Some(first),
                    });
                    continue;
                }
                Some(_) => {}
                None => {
                    accounts.insert(account.clone(), (row, &entry.person));
                }
            }
        }
        let recorded = given
            .state
            .person(&entry.person)
            .and_then(|p| p.bank_account.as_deref());
        // A file without a holder keeps the recorded holder of the same account number (a
        // spouse's account stays the spouse's); a new number defaults to the person's name.
        let holder = entry
            .holder
            .as_deref()
            .filter(|h| !h.trim().is_empty())
            .or_else(|| {
                recorded
                    .filter(|r| r.account == account)
                    .map(|r| r.holder.as_str())
            });
        match account_set(given, &entry.person, &entry.bank, &entry.account, holder) {
            Ok(event) => {
                if !same_as_recorded(recorded, &event) {
                    events.push(Event::BankAccountSet(event));
                }
            }
            Err(e) => violations.push(e.at_row(row)),
        }
    }
    if !violations.is_empty() {
        return Err(RuleViolation::Rows(violations));
    }
    if events.is_empty() {
        return reject(
            Rule::Input,
            "every account in the file is already on record: nothing to record",
        );
    }
    Ok(events)
}

fn same_as_recorded(recorded: Option<&BankAccount>, event: &BankAccountSet) -> bool {
    recorded.is_some_and(|r| {
        r.bank == event.bank && r.account == event.account && r.holder == event.holder
    })
}

/// A person's account, checked: a known person, the bank's and the holder's names stored text
/// without an ID number in them (R16), the number digits only and of a bank account's length,
/// and no citizen ID typed in as the number (R16). The holder defaults to the person's name.
fn account_set(
    given: &Given,
    person: &PersonId,
    bank: &str,
    account: &str,
    holder: Option<&str>,
) -> Result<BankAccountSet, RuleViolation> {
    let found = known(given.state, person)?;
    let bank = text("bank name", bank)?;
    let holder = match holder {
        Some(holder) => text("account holder name", holder)?,
        None => found.name.clone(),
    };
    let account = normalize_account(account.trim());
    if let Some(problem) = account_problem(&account) {
        return reject(Rule::Input, format!("the account number {problem}"));
    }
    if account.len() == 18 && CitizenId::parse(&account).is_ok() {
        return reject(
            Rule::R16,
            "the account number is a citizen ID number: give the bank account's number",
        );
    }
    Ok(BankAccountSet {
        person: person.clone(),
        bank,
        account,
        holder,
    })
}

/// The bank's result for lines of a year's bank file, in one batch: each paid line is paid
/// (`DividendPaid`, with the bank's reference), each failed line stays owed with the bank's
/// reason (`DividendPaymentFailed`). A line of a holder who has died since is recorded paid
/// (the deposit is the estate's). Every bad row is reported and one refuses all: a line
/// not declared or already paid, a line twice in the file, an amount other than the plan's.
pub(crate) fn settle(
    given: &Given,
    year: u16,
    rows: &[BankResultRow],
) -> Result<Vec<Event>, RuleViolation> {
    checks::batch(rows.len(), "bank result file")?;
    // A date before the posting is wrong for every row alike: said once, not once a row.
    if let Some(posted_on) = given.state.distribution(year).and_then(|d| d.posted_on()) {
        if given.date < posted_on {
            return reject(
                Rule::R17,
                format!(
                    "the payment ({}) cannot come before the dividend was posted ({posted_on})",
                    given.date
                ),
            );
        }
    }
    let mut events = Vec::with_capacity(rows.len());
    let mut violations = Vec::new();
    let mut seen: BTreeMap<&PersonId, usize> = BTreeMap::new();
    for (row, entry) in rows.iter().enumerate() {
        if let Some(first) = seen.insert(&entry.person, row) {
            violations.push(RowViolation {
                row,
                rule: Rule::Input,
                message: format!(
                    "line {} ({}) is also on row {} of the file",
                    entry.line_reference,
                    entry.person.masked(),
                    first + 1
                ),
                other_row: Some(first),
            });
            continue;
        }
        match settled(given, year, entry) {
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

fn settled(given: &Given, year: u16, entry: &BankResultRow) -> Result<Event, RuleViolation> {
    let person = &entry.person;
    let paid = match &entry.outcome {
        // A holder who died after the bank file was written is paid too: the bank's deposit
        // into the deceased's account is a fact, and the deposit is part of the estate (R10),
        // settled with the heirs. The report says so; `payfile` leaves such lines out.
        BankOutcome::Paid { bank_reference } => {
            dividends::payment(given, year, person, bank_reference)?
        }
        BankOutcome::Failed { .. } => {
            // What a payment needs, the failure needs too: a declared, unpaid, non-zero
            // dividend posted on or before the date.
            dividends::payment(given, year, person, &entry.line_reference)?
        }
    };
    let Event::DividendPaid(paid) = paid else {
        unreachable!("a payment is a DividendPaid")
    };
    if let Some(amount_fen) = entry.amount_fen {
        if amount_fen != paid.amount_fen {
            return reject(
                Rule::Input,
                format!(
                    "line {} ({}): the bank's amount {} differs from the plan's {}",
                    entry.line_reference,
                    person.masked(),
                    crate::Fen(amount_fen),
                    crate::Fen(paid.amount_fen)
                ),
            );
        }
    }
    match &entry.outcome {
        BankOutcome::Paid { .. } => Ok(Event::DividendPaid(paid)),
        BankOutcome::Failed {
            bank_reference,
            reason,
        } => {
            let reason = text("failure reason", reason)?;
            let bank_reference = match bank_reference.as_deref().map(str::trim) {
                Some(r) if !r.is_empty() => Some(text("bank reference", r)?),
                _ => None,
            };
            Ok(Event::DividendPaymentFailed(Box::new(
                DividendPaymentFailed {
                    year,
                    person: person.clone(),
                    amount_fen: paid.amount_fen,
                    line_reference: text("line reference", &entry.line_reference)?,
                    bank_reference,
                    reason,
                },
            )))
        }
    }
}

// ---- apply ----

pub(crate) fn apply_set(state: &mut State, date: NaiveDate, e: &BankAccountSet) {
    state.person_mut(&e.person).bank_account = Some(Box::new(BankAccount {
        bank: e.bank.clone(),
        account: e.account.clone(),
        holder: e.holder.clone(),
        since: date,
    }));
}

pub(crate) fn apply_cleared(state: &mut State, e: &BankAccountCleared) {
    let person = state.person_mut(&e.person);
    assert!(person.bank_account.is_some(), "a cleared account was set");
    person.bank_account = None;
}

pub(crate) fn apply_failed(state: &mut State, date: NaiveDate, e: &DividendPaymentFailed) {
    dividends::change_declared(state, e.year, &e.person, |line| {
        assert!(line.paid.is_none(), "a failed dividend is unpaid");
        line.failure = Some(PaymentFailure {
            on: date,
            reason: e.reason.clone(),
        });
    });
}

// ---- undo (R15) ----

pub(crate) fn undo_set(case: &Case) -> Result<Reversal, RuleViolation> {
    case.refuse(
        "an account is replaced by recording the right one (`member bank`) or cleared (`member bank --clear`); the record stays",
    )
}

pub(crate) fn undo_cleared(case: &Case) -> Result<Reversal, RuleViolation> {
    case.refuse("set the account again (`member bank`); the record stays")
}

pub(crate) fn undo_failed(case: &Case) -> Result<Reversal, RuleViolation> {
    case.refuse(
        "the bank's report of a failed payment stays on record; the dividend is still owed, and its payment records it paid",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_are_digits_of_a_bank_accounts_length() {
        assert_eq!(normalize_account("6228 4800 1234 5678"), "6228480012345678");
        assert_eq!(account_problem("6228480012345678"), None);
        assert!(account_problem("62284800123456x8").is_some());
        assert!(
            account_problem("20250101").is_some(),
            "a date is no account"
        );
        assert!(account_problem(&"1".repeat(33)).is_some());
        assert_eq!(account_problem(&"1".repeat(32)), None);
        assert!(account_problem("").is_some());
    }

    #[test]
    fn an_account_shows_its_last_four_digits() {
        assert_eq!(mask_account("6228480012345678"), "**** 5678");
    }

    #[test]
    fn a_banks_text_is_cleaned_and_its_numbers_masked() {
        assert_eq!(
            clean_bank_text("账号6228480000000004367不存在"),
            "账号**** 4367不存在"
        );
        assert_eq!(
            clean_bank_text(" 卡号 6228 4800 0000 0004 367\r\n户名不符\t"),
            "卡号 **** 4367  户名不符"
        );
        assert_eq!(
            clean_bank_text("证件41018319400225385X不符"),
            "证件410183********385X不符"
        );
        assert_eq!(
            clean_bank_text("证件410183194002253855不符"),
            "证件410183********3855不符"
        );
        assert_eq!(
            clean_bank_text("2026-02-10 系统繁忙 123456789"),
            "2026-02-10 系统繁忙 123456789"
        );
        assert_eq!(clean_bank_text(&"忙".repeat(300)).chars().count(), 200);
        // A bank's reference keeps its digits; only an ID in it is masked.
        assert_eq!(
            clean_bank_reference(" 2026021000012345678901\n"),
            "2026021000012345678901"
        );
        assert_eq!(
            clean_bank_reference("NS410183194002253855"),
            "NS410183********3855"
        );
        assert_eq!(
            clean_bank_reference("NS 410183194002253855"),
            "NS 410183********3855"
        );
        assert_eq!(clean_bank_text("\u{202E}\n"), "");
        assert!(checks::text("failure reason", &clean_bank_text("户名41018319400225385X")).is_ok());
    }

    #[test]
    fn references_are_found_inside_the_text_the_bank_echoes() {
        assert_eq!(line_reference(2025, 0), "GF2025-0001");
        assert_eq!(line_reference(2025, 12344), "GF2025-12345");
        assert_eq!(find_reference("2025年分红 GF2025-0012", 2025, 20), Some(11));
        assert_eq!(find_reference("gf2025-0003", 2025, 20), Some(2));
        assert_eq!(
            find_reference("GF2024-0003", 2025, 20),
            None,
            "another year"
        );
        assert_eq!(
            find_reference("GF2025-0021", 2025, 20),
            None,
            "past the lines"
        );
        assert_eq!(find_reference("GF2025-0000", 2025, 20), None);
        assert_eq!(find_reference("分红", 2025, 20), None);
        assert_eq!(find_reference("GF2025-x GF2025-0002", 2025, 20), Some(1));
        assert_eq!(references_in("GF2025-0002 gf2025-0003", 2025), [2, 3]);
        // A reference cut or padded by the bank names no line: GF2025-001 is not line 1.
        assert_eq!(find_reference("GF2025-001", 2025, 20), None);
        assert_eq!(find_reference("GF2025-00012", 2025, 20), None);
        assert_eq!(references_in("GF2025-12345", 2025), [12345]);
        assert_eq!(
            malformed_references("GF2025-001 GF2025-0002 GF2025-00012 GF2025-0000", 2025),
            ["GF2025-001", "GF2025-00012", "GF2025-0000"]
        );
        assert!(malformed_references("GF2025-0012 GF2025-x", 2025).is_empty());
        assert_eq!(references_in("GF2025-0002，即GF2025-0002", 2025), [2]);
        assert_eq!(
            references_in("GF2024-0002 GF2025-x", 2025),
            Vec::<usize>::new()
        );
    }
}
