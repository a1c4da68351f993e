//! The share lifecycle at the command line: transfer and gift, redemption, pledge and release,
//! and inheritance (`--heir ID[:NUM/DEN]`). Rules are the core's; this parses and looks up.

use crate::app::{parse_date, person_id, App};
use crate::cli::SharesCmd;
use anyhow::{anyhow, bail, Result};
use gufen_core::command::Action;
use gufen_core::state::Key;
use gufen_core::{Command, Fen, Units};

fn units(text: &str) -> Result<Units> {
    Units::parse_positive(text).map_err(|e| anyhow!("--units: {e}"))
}

fn yuan(text: &str) -> Result<Fen> {
    Fen::parse_yuan(text).map_err(|e| anyhow!("--price: {e}"))
}

/// `ID` or `ID:NUM/DEN`.
fn heir(text: &str) -> Result<(gufen_core::PersonId, Option<(u64, u64)>)> {
    let (id, fraction) = match text.split_once(':') {
        None => (text, None),
        Some((id, fraction)) => {
            let (num, den) = fraction
                .split_once('/')
                .ok_or_else(|| anyhow!("--heir {text}: the fraction is NUM/DEN, e.g. 1/3"))?;
            let number = |part: &str| {
                part.trim()
                    .parse::<u64>()
                    .map_err(|_| anyhow!("--heir {text}: {part:?} is not a whole number"))
            };
            (id, Some((number(num)?, number(den)?)))
        }
    };
    Ok((person_id(id)?, fraction))
}

impl App {
    pub fn shares(&mut self, command: SharesCmd) -> Result<()> {
        match command {
            SharesCmd::Allot { .. } => unreachable!("allotment is handled with the other writes"),
            SharesCmd::Transfer {
                from,
                to,
                class,
                units: amount,
                price,
                gift,
                date,
            } => {
                let price = match (price, gift) {
                    (Some(p), _) => yuan(&p)?,
                    (None, true) => Fen(0),
                    (None, false) => bail!("--price is needed unless the transfer is a --gift"),
                };
                self.write(
                    &date,
                    Action::TransferShares {
                        from: person_id(&from)?,
                        to: person_id(&to)?,
                        class,
                        units: units(&amount)?,
                        price,
                        gift,
                    },
                )
            }
            SharesCmd::Redeem {
                id,
                class,
                units: amount,
                price,
                resolution,
                date,
            } => self.write(
                &date,
                Action::RedeemShares {
                    person: person_id(&id)?,
                    class,
                    units: units(&amount)?,
                    price: yuan(&price)?,
                    resolution,
                },
            ),
            SharesCmd::Pledge {
                id,
                class,
                units: amount,
                pledgee,
                contract,
                date,
            } => self.write(
                &date,
                Action::PledgeShares {
                    person: person_id(&id)?,
                    class,
                    units: units(&amount)?,
                    pledgee,
                    contract,
                },
            ),
            SharesCmd::Release { contract, date } => {
                let person = {
                    let store = self.open_store(false)?;
                    let ledger = self.open_ledger(&store)?;
                    let state = ledger.load_state(Some(vec![Key::Collective]))?;
                    state
                        .collective()
                        .and_then(|c| c.pledges.get(contract.trim()).cloned())
                        .ok_or_else(|| anyhow!("R11: no open pledge under contract {contract}"))?
                };
                self.write(&date, Action::ReleasePledge { person, contract })
            }
        }
    }

    /// Corrects record `seq`: the ledger reads it and its related records (this process holds
    /// the store, so nothing is appended in between); the core decides.
    pub fn correct(&mut self, seq: u64, reason: String, date: &str) -> Result<()> {
        let date = parse_date("--date", date)?;
        let store = self.open_store(false)?;
        let ledger = self.open_ledger(&store)?;
        let Some((original, related)) = ledger.record_and_related(seq)? else {
            bail!(
                "no record {seq} in this ledger (its head is {})",
                ledger.head()?.seq_next
            )
        };
        let action = Action::Correct {
            reason,
            original,
            related,
        };
        let outcome = ledger.execute(&self.context()?, &Command { date, action })?;
        self.print_outcome(&outcome)
    }

    pub fn inherit(&mut self, from: &str, heirs: &[String], date: &str) -> Result<()> {
        let heirs = heirs.iter().map(|h| heir(h)).collect::<Result<Vec<_>>>()?;
        self.write(
            date,
            Action::Inherit {
                from: person_id(from)?,
                heirs,
            },
        )
    }
}
