//! A year's plan through its steps (R12–R14): drafted (and redrafted until approved), put up for
//! public notice, approved by the assembly after the notice period, posted. Each step is
//! decided, applied and undone here; `Progress` carries each step's date.

use crate::charter::ApprovalBody;
use crate::checks::resolution;
use crate::correction::Case;
use crate::decide::Given;
use crate::distribution::{self, DraftInput};
use crate::error::{reject, Rule, RuleViolation};
use crate::event::*;
use crate::state::{Approval, Collective, Distribution, PlanStatus, Progress, State};
use chrono::Datelike;
use chrono::NaiveDate;

/// The earliest and the latest year a plan may be drafted for.
const YEARS: std::ops::RangeInclusive<u16> = 1950..=2999;

/// The year's plan, or a refusal saying none was drafted.
pub(crate) fn plan(state: &State, year: u16) -> Result<&Distribution, RuleViolation> {
    state.distribution(year).ok_or_else(|| {
        RuleViolation::new(
            Rule::R13,
            format!("no plan has been drafted for {year}: run `gufen distribution draft` first"),
        )
    })
}

/// Whether holdings effective on or before the plan's record date changed since its draft: the
/// plan's lines would no longer be the register's on that date.
fn register_changed(collective: &Collective, plan: &Distribution) -> bool {
    collective.register_mark(plan.plan.record_date) != plan.register_mark
}

fn already(year: u16, status: PlanStatus) -> RuleViolation {
    RuleViolation::new(
        Rule::R13,
        format!("the {year} plan is already {}", status.as_str()),
    )
}

// ---- decide ----

pub(crate) fn draft(given: &Given, input: &DraftInput) -> Result<Vec<Event>, RuleViolation> {
    let (collective, date) = (given.collective, given.date);
    if !YEARS.contains(&input.year) {
        return reject(
            Rule::Input,
            format!(
                "the year must be between {} and {}",
                YEARS.start(),
                YEARS.end()
            ),
        );
    }
    // R17: a year's income is distributed once the year has begun (its income is known only
    // then), on the register of a date in that year or after it.
    if i32::from(input.year) > date.year() {
        return reject(
            Rule::R17,
            format!(
                "the {} plan cannot be drafted on {date}: that year has not begun",
                input.year
            ),
        );
    }
    if input.record_date.year() < i32::from(input.year) {
        return reject(
            Rule::R17,
            format!(
                "the record date {} is before the year {} the plan distributes: the register it reads is of that year or later",
                input.record_date, input.year
            ),
        );
    }
    if input.record_date > date {
        return reject(
            Rule::Input,
            format!(
                "the record date {} is after the draft's date {date}: the register on it is not known yet",
                input.record_date
            ),
        );
    }
    if let Some(existing) = given.state.distribution(input.year) {
        match &existing.progress {
            Progress::Drafted | Progress::Noticed { .. } => {}
            Progress::Posted { posted_on, .. } => {
                return reject(
                    Rule::R13,
                    format!(
                        "the {} plan was posted on {posted_on}; a posted plan is final",
                        input.year
                    ),
                )
            }
            Progress::Approved { approval, .. } => {
                if !register_changed(collective, existing) {
                    return reject(
                        Rule::R13,
                        format!(
                            "the {} plan was approved on {}; an approved plan is not redrafted",
                            input.year, approval.on
                        ),
                    );
                }
                // The register on its record date has changed since: the approved plan can no
                // longer be posted, so a new draft (with a new notice and vote) takes its place.
            }
        }
    }
    distribution::draft(given.state, collective, input)
        .map(|plan| vec![Event::DistributionDrafted(plan)])
}

pub(crate) fn notice(given: &Given, year: u16) -> Result<Vec<Event>, RuleViolation> {
    let plan = plan(given.state, year)?;
    match &plan.progress {
        Progress::Drafted => {}
        Progress::Noticed { noticed_on } => {
            return reject(
                Rule::R13,
                format!(
                    "the {year} plan was already put up for notice on {noticed_on}; the notice period runs from that date"
                ),
            )
        }
        other => return Err(already(year, other.status())),
    }
    if given.date < plan.drafted_on {
        return reject(
            Rule::R17,
            format!(
                "the notice ({}) cannot come before the draft ({})",
                given.date, plan.drafted_on
            ),
        );
    }
    Ok(vec![Event::DistributionNoticed(DistributionNoticed {
        year,
    })])
}

/// The assembly's vote on a plan (R13).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Vote<'a> {
    pub body: ApprovalBody,
    pub votes_for: u64,
    pub eligible: u64,
    pub resolution: &'a str,
}

pub(crate) fn approve(given: &Given, year: u16, vote: Vote) -> Result<Vec<Event>, RuleViolation> {
    let (collective, date) = (given.collective, given.date);
    let charter = &collective.charter;
    let plan = plan(given.state, year)?;
    let noticed_on = match &plan.progress {
        Progress::Drafted => {
            return reject(
                Rule::R13,
                format!("the {year} plan has not been put up for public notice: run `gufen distribution notice` first"),
            )
        }
        Progress::Noticed { noticed_on } => *noticed_on,
        other => return Err(already(year, other.status())),
    };
    let period_ends = charter.notice_period_end(noticed_on);
    if date < charter.earliest_vote(noticed_on) {
        return reject(
            Rule::R13,
            format!(
                "the plan was put up for notice on {noticed_on}; the charter's {} days of notice run to the end of {period_ends}, so the vote cannot be before {}",
                charter.notice_days,
                charter.earliest_vote(noticed_on)
            ),
        );
    }
    if vote.body == ApprovalBody::Representatives && charter.approval_body == ApprovalBody::Members
    {
        return reject(
            Rule::R13,
            "the charter gives the approval of distributions to the members' assembly, not the representatives",
        );
    }
    let resolution = resolution(
        Rule::R13,
        vote.resolution,
        "an approval must cite the assembly's resolution",
    )?;
    let (votes_for, eligible) = (vote.votes_for, vote.eligible);
    if eligible == 0 || votes_for > eligible {
        return reject(
            Rule::Input,
            format!("{votes_for} votes for out of {eligible} eligible is not a count of a vote"),
        );
    }
    if vote.body == ApprovalBody::Representatives {
        let seated = collective.representative_count_on(date);
        if eligible != seated {
            return reject(
                Rule::R13,
                format!(
                    "the representatives register lists {seated} representatives seated on {date}, not {eligible}: the threshold is 2/3 of them all"
                ),
            );
        }
    }
    if vote.body == ApprovalBody::Members {
        let members = collective.adult_member_count_on(date);
        if eligible != members {
            return reject(
                Rule::R13,
                format!(
                    "the register lists {members} members aged 18 or more on {date}, not {eligible}: the members' assembly is every member of full civil capacity, and the threshold is 2/3 of them all"
                ),
            );
        }
    }
    // 2/3 of all eligible, in integers: for × 3 ≥ eligible × 2.
    if u128::from(votes_for) * 3 < u128::from(eligible) * 2 {
        let needed = (u128::from(eligible) * 2).div_ceil(3);
        return reject(
            Rule::R13,
            format!(
                "{votes_for} of {eligible} is short of two thirds of all eligible: at least {needed} are needed"
            ),
        );
    }
    Ok(vec![Event::DistributionApproved(DistributionApproved {
        year,
        body: vote.body,
        votes_for,
        eligible,
        resolution,
    })])
}

/// Posting (R14): one declared dividend a line, then the summary that closes the batch.
pub(crate) fn post(given: &Given, year: u16) -> Result<Vec<Event>, RuleViolation> {
    let (collective, date) = (given.collective, given.date);
    let plan = plan(given.state, year)?;
    let approved_on = match &plan.progress {
        Progress::Approved { approval, .. } => approval.on,
        Progress::Posted { posted_on, .. } => {
            return reject(
                Rule::R13,
                format!("the {year} plan was already posted on {posted_on}; it is posted once"),
            )
        }
        other => {
            return reject(
                Rule::R13,
                format!(
                "the {year} plan is {}, not approved: posting comes after the assembly's approval",
                other.status().as_str()
            ),
            )
        }
    };
    if date < approved_on {
        return reject(
            Rule::R17,
            format!("the posting ({date}) cannot come before the approval ({approved_on})"),
        );
    }
    if register_changed(collective, plan) {
        return reject(
            Rule::R14,
            format!(
                "holdings effective on or before the record date {} have changed since the {year} plan was drafted ({} changes then, {} now); draft it again, then notice and approve the new plan",
                plan.plan.record_date,
                plan.register_mark,
                collective.register_mark(plan.plan.record_date)
            ),
        );
    }
    let mut events: Vec<Event> = Vec::with_capacity(plan.plan.lines.len() + 1);
    let mut declared: i64 = 0;
    for line in &plan.plan.lines {
        declared += line.amount_fen;
        events.push(Event::DividendDeclared(DividendDeclared {
            year,
            person: line.person.clone(),
            weighted_units: line.weighted_units,
            amount_fen: line.amount_fen,
            estate: collective.deceased.contains(&line.person),
        }));
    }
    events.push(Event::DistributionPosted(DistributionPosted {
        year,
        lines: plan.plan.lines.len() as u64,
        declared_fen: declared,
        collective_fen: plan.plan.collective_fen,
        retained_fen: plan.plan.retained_fen,
        distributable_fen: plan.plan.distributable_fen,
    }));
    assert_eq!(
        declared + plan.plan.collective_fen + plan.plan.retained_fen,
        plan.plan.distributable_fen,
        "Σ lines + collective part + retained = distributable"
    );
    Ok(events)
}

// ---- apply ----

pub(crate) fn apply_drafted(state: &mut State, date: NaiveDate, e: &DistributionDrafted) {
    let register_mark = state
        .collective()
        .expect("a plan follows the registration")
        .register_mark(e.record_date);
    // A draft supersedes the year's plan until it is posted (an approved plan only when the
    // register on its record date has changed; `decide` checks that).
    let revision = state.distribution(e.year).map_or(0, |d| {
        assert!(
            d.status() != PlanStatus::Posted,
            "a posted plan is never redrafted"
        );
        d.revision
    }) + 1;
    state.put_plan(Distribution {
        plan: e.clone(),
        revision,
        drafted_on: date,
        progress: Progress::Drafted,
        register_mark,
        dividends: Vec::new(),
    });
}

pub(crate) fn apply_noticed(state: &mut State, date: NaiveDate, e: &DistributionNoticed) {
    let plan = state.distribution_mut(e.year);
    assert_eq!(
        plan.progress,
        Progress::Drafted,
        "a drafted plan is noticed"
    );
    plan.progress = Progress::Noticed { noticed_on: date };
}

pub(crate) fn apply_approved(state: &mut State, date: NaiveDate, e: &DistributionApproved) {
    let plan = state.distribution_mut(e.year);
    let Progress::Noticed { noticed_on } = plan.progress else {
        panic!("a noticed plan is approved")
    };
    plan.progress = Progress::Approved {
        noticed_on,
        approval: Approval {
            on: date,
            decision: e.clone(),
        },
    };
}

pub(crate) fn apply_posted(state: &mut State, date: NaiveDate, e: &DistributionPosted) {
    let plan = state.distribution_mut(e.year);
    let Progress::Approved {
        noticed_on,
        approval,
    } = plan.progress.clone()
    else {
        panic!("an approved plan is posted, once")
    };
    plan.progress = Progress::Posted {
        noticed_on,
        approval,
        posted_on: date,
    };
    let record_date = plan.plan.record_date;
    // The register on the record date is closed (R17) until the posting is undone.
    state
        .collective_mut()
        .closed_record_dates
        .insert(e.year, record_date);
}

// ---- undo (R15) ----

pub(crate) fn plan_of<'s>(case: &Case<'s>, year: u16) -> Result<&'s Distribution, RuleViolation> {
    case.state.distribution(year).map_or_else(
        || case.refuse(format_args!("there is no plan for {year}")),
        Ok,
    )
}

/// The year's plan, which must still be at `status`; `next` is the record type that moved it on.
fn plan_at<'s>(
    case: &Case<'s>,
    year: u16,
    status: PlanStatus,
    next: &[EventKind],
) -> Result<&'s Distribution, RuleViolation> {
    let plan = plan_of(case, year)?;
    if plan.status() != status {
        let mut kinds = next.to_vec();
        kinds.push(EventKind::DistributionDrafted);
        return case.refuse(format_args!(
            "the plan for {year} is {} now{}",
            plan.status().as_str(),
            case.depending(None, &kinds)
        ));
    }
    Ok(plan)
}

pub(crate) fn undo_draft(case: &Case, e: &DistributionDrafted) -> Result<Reversal, RuleViolation> {
    let plan = plan_of(case, e.year)?;
    let later_draft = case
        .later()
        .find(|r| matches!(&r.event, Event::DistributionDrafted(d) if d.year == e.year));
    if let Some(record) = later_draft {
        return case.refuse(format_args!(
            "record {} superseded this draft",
            crate::correction::named(record)
        ));
    }
    if plan.status() != PlanStatus::Drafted {
        return case.refuse(format_args!(
            "the plan for {} has gone on{}",
            e.year,
            case.depending(
                None,
                &[
                    EventKind::DistributionNoticed,
                    EventKind::DistributionApproved,
                    EventKind::DistributionPosted
                ]
            )
        ));
    }
    if plan.revision > 1 {
        return case.refuse(format_args!(
            "this draft superseded an earlier one for {}: draft the plan again, which supersedes it",
            e.year
        ));
    }
    Ok(Reversal::Draft(e.clone()))
}

pub(crate) fn undo_notice(case: &Case, e: &DistributionNoticed) -> Result<Reversal, RuleViolation> {
    plan_at(
        case,
        e.year,
        PlanStatus::Noticed,
        &[EventKind::DistributionApproved],
    )?;
    Ok(Reversal::Notice(e.clone()))
}

pub(crate) fn undo_approval(
    case: &Case,
    e: &DistributionApproved,
) -> Result<Reversal, RuleViolation> {
    plan_at(
        case,
        e.year,
        PlanStatus::Approved,
        &[EventKind::DistributionPosted],
    )?;
    Ok(Reversal::Approval(e.clone()))
}

pub(crate) fn undo_posting(case: &Case, e: &DistributionPosted) -> Result<Reversal, RuleViolation> {
    plan_at(case, e.year, PlanStatus::Posted, &[])?;
    // The correction of a posting is decided on the whole state (`decide::scope`): only it
    // holds every line's payment.
    let paid: Vec<String> = case
        .state
        .lines(e.year)
        .filter(|(_, line)| line.paid.is_some())
        .map(|(person, _)| person.masked())
        .collect();
    if !paid.is_empty() {
        return case.refuse(format_args!(
            "{} of its dividends have been paid (to {}{}): correct those payments first",
            paid.len(),
            paid.iter().take(5).cloned().collect::<Vec<_>>().join(", "),
            if paid.len() > 5 { ", …" } else { "" }
        ));
    }
    Ok(Reversal::Posting(e.clone()))
}

pub(crate) fn apply_draft_undone(state: &mut State, d: &DistributionDrafted) {
    let withdrawn = state.withdraw_plan(d.year);
    assert!(
        withdrawn.is_some_and(|p| p.status() == PlanStatus::Drafted),
        "a withdrawn draft is the year's plan, not yet noticed"
    );
}

pub(crate) fn apply_notice_undone(state: &mut State, n: &DistributionNoticed) {
    let plan = state.distribution_mut(n.year);
    assert_eq!(
        plan.status(),
        PlanStatus::Noticed,
        "an undone notice is in force"
    );
    plan.progress = Progress::Drafted;
}

pub(crate) fn apply_approval_undone(state: &mut State, a: &DistributionApproved) {
    let plan = state.distribution_mut(a.year);
    let Progress::Approved { noticed_on, .. } = plan.progress else {
        panic!("an undone approval is in force")
    };
    plan.progress = Progress::Noticed { noticed_on };
}

/// Every dividend the posting declared is withdrawn, with the bank's failures recorded against
/// them; the plan is back to approved.
pub(crate) fn apply_posting_undone(state: &mut State, p: &DistributionPosted) {
    assert!(
        state.lines(p.year).all(|(_, line)| line.paid.is_none()),
        "a posting is undone only while nothing of it is paid"
    );
    state.clear_lines(p.year);
    let plan = state.distribution_mut(p.year);
    let Progress::Posted {
        noticed_on,
        approval,
        ..
    } = plan.progress.clone()
    else {
        panic!("an undone posting is in force")
    };
    plan.progress = Progress::Approved {
        noticed_on,
        approval,
    };
    plan.dividends.clear();
    state.collective_mut().closed_record_dates.remove(&p.year);
}
