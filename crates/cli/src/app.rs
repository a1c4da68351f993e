//! What every command shares: the store and the collective it names, the context of a write
//! (command id, clock, actor), executing a command and printing its outcome.

use crate::cli::{Cli, Format, Global, Lang};
use crate::render::{json, t};
use anyhow::{anyhow, bail, Result};
use chrono::NaiveDate;
use gufen_core::command::Action;
use gufen_core::event::{Event, Reversal};
use gufen_core::state::State;
use gufen_core::{Command, Fen, RuleViolation, Units};
use gufen_ledger::record::hex;
use gufen_ledger::{Context, Ledger, LedgerError, Outcome, Store};
use serde_json::json;
use std::io::Write;

/// An integrity failure found by a read (verify): exit code 3.
#[derive(Debug)]
pub struct IntegrityFailure(pub String);

impl std::fmt::Display for IntegrityFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for IntegrityFailure {}

/// The error as the user reads it, with its causes.
pub fn describe_error(error: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in error.chain() {
        let part = cause.to_string();
        if !text.contains(&part) {
            if !text.is_empty() {
                text.push_str(": ");
            }
            text.push_str(&part);
        }
    }
    text
}

pub struct App {
    pub global: Global,
    /// Whether --db (or GUFEN_DB) was given: the demo then builds its village there.
    pub db_given: bool,
    pub out: std::io::StdoutLock<'static>,
}

pub fn run(cli: Cli, db_given: bool) -> Result<()> {
    let mut app = App {
        global: cli.global,
        db_given,
        out: std::io::stdout().lock(),
    };
    crate::commands::run(&mut app, cli.command)
}

/// Now, or the instant in GUFEN_NOW (RFC 3339) so tests and reproducible demos pin the clock.
pub fn now() -> Result<chrono::DateTime<chrono::Utc>> {
    match std::env::var("GUFEN_NOW") {
        Ok(text) => Ok(chrono::DateTime::parse_from_rfc3339(&text)
            .map_err(|_| anyhow!("GUFEN_NOW {text:?} is not an RFC 3339 time"))?
            .with_timezone(&chrono::Utc)),
        Err(_) => Ok(chrono::Utc::now()),
    }
}

/// The given date, or today.
pub fn date_or_today(date: Option<NaiveDate>) -> Result<NaiveDate> {
    match date {
        Some(date) => Ok(date),
        None => Ok(now()?.date_naive()),
    }
}

/// Who and when for one write: --command-id (or a new UUID), the clock, --actor (or $USER).
pub fn context(global: &Global) -> Result<Context> {
    let command_id = global.command_id.unwrap_or_else(uuid::Uuid::new_v4);
    let actor = global
        .actor
        .clone()
        .or_else(|| std::env::var("USER").ok())
        .unwrap_or_else(|| "unknown".into());
    Ok(Context {
        command_id: *command_id.as_bytes(),
        recorded_at_micros: now()?.timestamp_micros(),
        actor,
    })
}

impl App {
    pub fn open_store(&self, create: bool) -> Result<Store> {
        Ok(Store::open(&self.global.db, create)?)
    }

    /// The collective named by --org, or the only one in the store.
    pub fn open_ledger(&self, store: &Store) -> Result<Ledger> {
        let ids = store.ledger_ids()?;
        let id = match &self.global.org {
            Some(org) => {
                let org = org.trim().to_ascii_uppercase();
                if !ids.contains(&org) {
                    bail!(
                        "no collective with code {org} in the store {} (it holds: {})",
                        self.global.db.display(),
                        list_or_none(&ids)
                    );
                }
                org
            }
            None => match ids.as_slice() {
                [only] => only.clone(),
                [] => bail!(
                    "the store {} holds no collective: run `gufen init --charter FILE`",
                    self.global.db.display()
                ),
                many => bail!(
                    "the store holds {} collectives; choose one with --org ({})",
                    many.len(),
                    many.join(", ")
                ),
            },
        };
        Ok(store.ledger(&id)?)
    }

    /// The store and the collective a read or write works on.
    pub fn open(&self) -> Result<(Store, Ledger)> {
        let store = self.open_store(false)?;
        let ledger = self.open_ledger(&store)?;
        Ok((store, ledger))
    }

    pub fn context(&self) -> Result<Context> {
        context(&self.global)
    }

    /// Executes one command on the collective and prints the outcome.
    pub fn write(&mut self, date: NaiveDate, action: Action) -> Result<()> {
        let (_store, ledger) = self.open()?;
        let outcome = ledger.execute(&self.context()?, &Command { date, action })?;
        self.print_outcome(&outcome)
    }

    pub fn print_outcome(&mut self, outcome: &Outcome) -> Result<()> {
        let lang = self.global.lang;
        let last = outcome.first_seq + u64::from(outcome.len) - 1;
        if self.global.format == Format::Json {
            return json(
                &mut self.out,
                &json!({"first_seq": outcome.first_seq, "len": outcome.len, "head_seq": outcome.head.last_seq(),
                        "head_hash": hex(&outcome.head.hash), "repeated": outcome.repeated}),
            );
        }
        let repeated = if outcome.repeated {
            t(
                lang,
                "（重复命令，未新增记录）",
                " (repeated command: nothing new appended)",
            )
        } else {
            ""
        };
        writeln!(
            self.out,
            "{} #{}..#{} ({} {}){repeated}, {} {}",
            t(lang, "已记录", "recorded"),
            outcome.first_seq,
            last,
            outcome.len,
            t(lang, "条", "records"),
            t(lang, "链头", "head"),
            hex(&outcome.head.hash)
        )?;
        Ok(())
    }

    /// Executes a command built from a file's rows; refused rows are listed by line number.
    pub fn execute_rows(
        &mut self,
        ledger: &Ledger,
        command: &Command,
        path: &std::path::Path,
        lines: &[u64],
    ) -> Result<()> {
        match ledger.execute(&self.context()?, command) {
            Ok(outcome) => self.print_outcome(&outcome),
            Err(LedgerError::Rejected(RuleViolation::Rows(violations))) => {
                let listed: Vec<String> = violations
                    .iter()
                    .map(|v| {
                        format!(
                            "line {}: {}: {}",
                            lines.get(v.row).copied().unwrap_or(0),
                            v.rule,
                            v.message
                        )
                    })
                    .collect();
                bail!(
                    "{} row(s) of {} refused; nothing was written\n  {}",
                    violations.len(),
                    path.display(),
                    listed.join("\n  ")
                )
            }
            Err(e) => Err(e.into()),
        }
    }

    /// The state now (from projections) or on a past date (from the log), and that date.
    pub fn state(&self, ledger: &Ledger, as_of: Option<NaiveDate>) -> Result<(State, NaiveDate)> {
        match as_of {
            Some(date) => Ok((ledger.replay_state(Some(date))?, date)),
            None => Ok((ledger.load_state(None)?, now()?.date_naive())),
        }
    }
}

fn list_or_none(ids: &[String]) -> String {
    if ids.is_empty() {
        "none".into()
    } else {
        ids.join(", ")
    }
}

pub fn yes_no(lang: Lang, value: bool) -> String {
    if value {
        t(lang, "是", "yes")
    } else {
        t(lang, "否", "no")
    }
    .to_string()
}

/// A one-line description of an event for history, in the document's language.
pub fn describe(event: &Event, lang: Lang) -> String {
    use Event::*;
    let zh = lang == Lang::Zh;
    match event {
        CollectiveRegistered(e) => format!(
            "{} {}",
            if zh {
                "登记集体经济组织"
            } else {
                "collective registered:"
            },
            e.charter.name
        ),
        PersonRegistered(e) => format!(
            "{} {}",
            if zh {
                "登记人员"
            } else {
                "person registered:"
            },
            e.name
        ),
        MembershipConfirmed(e) => {
            if zh {
                format!(
                    "确认成员身份 {}，户号 {}，决议 {}",
                    e.name, e.household, e.resolution
                )
            } else {
                format!(
                    "membership confirmed: {}, household {}, resolution {}",
                    e.name, e.household, e.resolution
                )
            }
        }
        MembershipLost(e) => format!(
            "{} {:?}",
            if zh {
                "成员身份丧失："
            } else {
                "membership lost:"
            },
            e.ground
        ),
        HouseholdMoved(e) => format!(
            "{} {}",
            if zh {
                "迁入户"
            } else {
                "moved to household"
            },
            e.to
        ),
        HouseholdHeadNamed(e) => format!(
            "{} {}",
            if zh {
                "任户主"
            } else {
                "named head of household"
            },
            e.household
        ),
        HukouRecorded(e) => format!(
            "{} {:?} {}{}",
            if zh {
                "户籍登记"
            } else {
                "hukou recorded:"
            },
            e.kind,
            e.locality,
            if zh {
                "（不影响权益）"
            } else {
                " (changes no right)"
            }
        )
        .replace("Urban", if zh { "城镇" } else { "urban" })
        .replace("Rural", if zh { "农村" } else { "rural" }),
        LifeEventRecorded(e) => format!(
            "{} {}",
            if zh {
                "生活事件（不影响成员身份）"
            } else {
                "life event (changes no right):"
            },
            e.kind.as_str()
        ),
        SharesAllotted(e) => {
            if zh {
                format!(
                    "配股 {} {} 股，决议 {}",
                    e.class,
                    Units(e.units),
                    e.resolution
                )
            } else {
                format!(
                    "allotted {} {} shares, resolution {}",
                    e.class,
                    Units(e.units),
                    e.resolution
                )
            }
        }
        CollectiveSharesAllotted(e) => {
            if zh {
                format!(
                    "集体股配股 {} {} 股，决议 {}",
                    e.class,
                    Units(e.units),
                    e.resolution
                )
            } else {
                format!(
                    "collective share allotted {} {} shares, resolution {}",
                    e.class,
                    Units(e.units),
                    e.resolution
                )
            }
        }
        DistributionDrafted(e) => {
            if zh {
                format!(
                    "{} 年度分配方案草案：可分配 {} 元，{} 户/人，股权登记日 {}",
                    e.year,
                    Fen(e.distributable_fen),
                    e.lines.len(),
                    e.record_date
                )
            } else {
                format!(
                    "{} distribution drafted: {} yuan distributable, {} holders, record date {}",
                    e.year,
                    Fen(e.distributable_fen),
                    e.lines.len(),
                    e.record_date
                )
            }
        }
        DistributionNoticed(e) => {
            if zh {
                format!("{} 年度分配方案公示", e.year)
            } else {
                format!("{} distribution put up for public notice", e.year)
            }
        }
        DistributionApproved(e) => {
            if zh {
                format!(
                    "{} 年度分配方案表决通过：{} / {} 赞成，决议 {}",
                    e.year, e.votes_for, e.eligible, e.resolution
                )
            } else {
                format!(
                    "{} distribution approved: {} of {} for, resolution {}",
                    e.year, e.votes_for, e.eligible, e.resolution
                )
            }
        }
        DividendDeclared(e) => {
            let estate = match (e.estate, zh) {
                (false, _) => "",
                (true, true) => "（归遗产）",
                (true, false) => " (to the estate)",
            };
            if zh {
                format!("{} 年度分红 {} 元{estate}", e.year, Fen(e.amount_fen))
            } else {
                format!(
                    "{} dividend declared: {} yuan{estate}",
                    e.year,
                    Fen(e.amount_fen)
                )
            }
        }
        DistributionPosted(e) => {
            if zh {
                format!(
                    "{} 年度分配入账：{} 行，合计 {} 元",
                    e.year,
                    e.lines,
                    Fen(e.declared_fen)
                )
            } else {
                format!(
                    "{} distribution posted: {} lines, {} yuan declared",
                    e.year,
                    e.lines,
                    Fen(e.declared_fen)
                )
            }
        }
        SharesPledged(e) => {
            if zh {
                format!(
                    "质押 {} 股给 {}，合同 {}",
                    Units(e.units),
                    e.pledgee,
                    e.contract
                )
            } else {
                format!(
                    "pledged {} shares to {}, contract {}",
                    Units(e.units),
                    e.pledgee,
                    e.contract
                )
            }
        }
        SharesPledgedInClass(e) => {
            let p = &e.pledge;
            if zh {
                format!(
                    "质押 {} {} 股给 {}，合同 {}",
                    e.class,
                    Units(p.units),
                    p.pledgee,
                    p.contract
                )
            } else {
                format!(
                    "pledged {} {} shares to {}, contract {}",
                    e.class,
                    Units(p.units),
                    p.pledgee,
                    p.contract
                )
            }
        }
        PledgeReleased(e) => {
            if zh {
                format!("解除质押，合同 {}", e.contract)
            } else {
                format!("pledge released, contract {}", e.contract)
            }
        }
        SharesTransferred(e) => {
            let kind = match (e.gift, zh) {
                (true, true) => "赠与",
                (false, true) => "转让",
                (true, false) => "gift",
                (false, false) => "transfer",
            };
            if zh {
                format!(
                    "{kind} {} {} 股：{} → {}，价款 {} 元",
                    e.class,
                    Units(e.units),
                    e.from.masked(),
                    e.to.masked(),
                    Fen(e.price_fen)
                )
            } else {
                format!(
                    "{kind} of {} {} shares: {} → {}, price {} yuan",
                    e.class,
                    Units(e.units),
                    e.from.masked(),
                    e.to.masked(),
                    Fen(e.price_fen)
                )
            }
        }
        DeathRecorded(_) => t(
            lang,
            "死亡登记：股份转为遗产，待继承",
            "death recorded: the holding is an estate until settled",
        )
        .to_string(),
        EstateSettled(e) => {
            let heirs: Vec<String> = e
                .fractions
                .iter()
                .map(|(heir, num, den)| {
                    let units: u64 = e
                        .shares
                        .iter()
                        .filter(|s| &s.heir == heir)
                        .map(|s| s.units)
                        .sum();
                    format!("{} {num}/{den} = {}", heir.masked(), Units(units))
                })
                .collect();
            format!(
                "{} {}: {}",
                t(lang, "遗产继承", "estate settled"),
                e.deceased.masked(),
                heirs.join(", ")
            )
        }
        SharesRedeemed(e) => {
            let fate = match (e.to_collective, zh) {
                (true, true) => "转为集体股",
                (false, true) => "注销",
                (true, false) => "to the collective share",
                (false, false) => "cancelled",
            };
            if zh {
                format!(
                    "集体赎回 {} {} 股（{fate}），价款 {} 元，决议 {}",
                    e.class,
                    Units(e.units),
                    Fen(e.price_fen),
                    e.resolution
                )
            } else {
                format!(
                    "redeemed by the collective: {} {} shares ({fate}), price {} yuan, resolution {}",
                    e.class,
                    Units(e.units),
                    Fen(e.price_fen),
                    e.resolution
                )
            }
        }
        RecordCorrected(e) => {
            let what = match (&e.reversal, zh) {
                (Reversal::Allotment(a), true) => {
                    format!("撤销配股 {} {} 股", a.class, Units(a.units))
                }
                (Reversal::Allotment(a), false) => {
                    format!("allotment of {} {} shares undone", a.class, Units(a.units))
                }
                (Reversal::Transfer(t), true) => format!("撤销转让 {} 股", Units(t.units)),
                (Reversal::Transfer(t), false) => {
                    format!("transfer of {} shares undone", Units(t.units))
                }
                (Reversal::Pledge(p), true) => format!("撤销质押登记，合同 {}", p.contract),
                (Reversal::Pledge(p), false) => format!("pledge {} undone", p.contract),
                (Reversal::MembershipLoss(_) | Reversal::Exit(_), true) => {
                    "恢复成员身份".to_string()
                }
                (Reversal::MembershipLoss(_) | Reversal::Exit(_), false) => {
                    "membership restored".to_string()
                }
                (Reversal::Redemption(r), true) => format!("撤销赎回 {} 股", Units(r.units)),
                (Reversal::Redemption(r), false) => {
                    format!("redemption of {} shares undone", Units(r.units))
                }
                (Reversal::LifeEvent(l), true) => format!("撤销误记的生活事件 {}", l.kind.as_str()),
                (Reversal::LifeEvent(l), false) => {
                    format!("mistaken life event {} withdrawn", l.kind.as_str())
                }
                (Reversal::Death(_), true) => "撤销死亡登记，恢复原状".to_string(),
                (Reversal::Death(_), false) => "death record withdrawn".to_string(),
                (Reversal::Estate(_), true) => "撤销遗产分割，股份回到遗产".to_string(),
                (Reversal::Estate(_), false) => {
                    "estate settlement undone: the units are the estate's again".to_string()
                }
                (Reversal::Confirmation(_), true) => "撤销成员资格确认".to_string(),
                (Reversal::Confirmation(_), false) => "membership confirmation undone".to_string(),
                (Reversal::HouseholdMove(m), true) => {
                    format!("撤销迁户，回到 {}", m.from.as_deref().unwrap_or("（无户）"))
                }
                (Reversal::HouseholdMove(m), false) => format!(
                    "household move undone, back to {}",
                    m.from.as_deref().unwrap_or("(no household)")
                ),
                (Reversal::HouseholdHead(h), true) => {
                    format!("撤销户主登记（户 {}）", h.named.household)
                }
                (Reversal::HouseholdHead(h), false) => {
                    format!("head of household {} undone", h.named.household)
                }
                (Reversal::Hukou(_), true) => "撤销户籍登记（户籍不影响权益）".to_string(),
                (Reversal::Hukou(_), false) => {
                    "hukou record undone (hukou changes no right)".to_string()
                }
                (Reversal::CollectiveAllotment(a), true) => {
                    format!("撤销集体股配置 {} {} 股", a.class, Units(a.units))
                }
                (Reversal::CollectiveAllotment(a), false) => format!(
                    "collective share allotment of {} {} shares undone",
                    a.class,
                    Units(a.units)
                ),
                (Reversal::Draft(d), true) => format!("撤回 {} 年度分配方案草案", d.year),
                (Reversal::Draft(d), false) => format!("draft plan for {} withdrawn", d.year),
                (Reversal::Notice(n), true) => format!("撤销 {} 年度方案公示", n.year),
                (Reversal::Notice(n), false) => format!("notice of the {} plan undone", n.year),
                (Reversal::Approval(a), true) => format!("撤销 {} 年度方案表决", a.year),
                (Reversal::Approval(a), false) => {
                    format!("approval of the {} plan undone", a.year)
                }
                (Reversal::Posting(p), true) => {
                    format!("撤销 {} 年度分红入账（{} 户）", p.year, p.lines)
                }
                (Reversal::Posting(p), false) => {
                    format!("posting of {} undone ({} dividends)", p.year, p.lines)
                }
                (Reversal::Payment(p), true) => {
                    format!("撤销 {} 年度分红支付 {}", p.year, p.reference)
                }
                (Reversal::Payment(p), false) => {
                    format!("payment {} of the {} dividend undone", p.reference, p.year)
                }
                (Reversal::Registration(_), true) => "撤销人员登记".to_string(),
                (Reversal::Registration(_), false) => "registration withdrawn".to_string(),
                (Reversal::Release(r), true) => {
                    format!("撤销质押解除，合同 {} 恢复", r.released.contract)
                }
                (Reversal::Release(r), false) => {
                    format!("release undone: pledge {} open again", r.released.contract)
                }
            };
            if zh {
                format!("更正第 {} 号记录：{what}；理由：{}", e.seq, e.reason)
            } else {
                format!(
                    "correction of record {}: {what}; reason: {}",
                    e.seq, e.reason
                )
            }
        }
        MembershipExited(e) => {
            if zh {
                format!("自愿退出，决议 {}", e.resolution)
            } else {
                format!("voluntary exit, resolution {}", e.resolution)
            }
        }
        DividendPaid(e) => {
            if zh {
                format!(
                    "{} 年度分红已支付 {} 元，凭证 {}",
                    e.year,
                    Fen(e.amount_fen),
                    e.reference
                )
            } else {
                format!(
                    "{} dividend paid: {} yuan, reference {}",
                    e.year,
                    Fen(e.amount_fen),
                    e.reference
                )
            }
        }
    }
}
