//! `gufen shares …`: allotment, transfer and gift, redemption, pledge and release. Rules are the
//! core's; this reads the arguments and, for a release, looks up the pledge's holder.

use crate::app::App;
use crate::arguments::{class_units, date, person_id, units, yuan};
use anyhow::{bail, Result};
use chrono::NaiveDate;
use clap::Subcommand;
use gufen_core::command::Action;
use gufen_core::event::RedemptionAuthority;
use gufen_core::state::Key;
use gufen_core::{Fen, PersonId, Units};

#[derive(Subcommand, Debug)]
pub enum SharesCommand {
    /// Record the quantification plan the members' assembly adopted (R6): each class's total
    /// units. Allotments cite its resolution; until it is fully allotted, the cap (R9) is
    /// measured against its total.
    Plan {
        #[arg(long)]
        resolution: String,
        /// A class's total, CLASS=UNITS; repeat for each class.
        #[arg(long = "total", required = true, value_parser = class_units)]
        totals: Vec<(String, Units)>,
        #[arg(long, value_parser = date)]
        date: NaiveDate,
    },
    /// Allot shares under an adopted quantification plan, citing its resolution (R6, R7, R9);
    /// `--collective` allots to the collective share (集体股) where the charter keeps one.
    Allot {
        #[arg(
            long,
            required_unless_present = "collective",
            conflicts_with = "collective",
            value_parser = person_id
        )]
        id: Option<PersonId>,
        #[arg(long)]
        collective: bool,
        #[arg(long)]
        class: String,
        #[arg(long, value_parser = units, allow_hyphen_values = true)]
        units: Units,
        #[arg(long)]
        resolution: String,
        #[arg(long, value_parser = date)]
        date: NaiveDate,
    },
    /// Transfer (or give, with --gift) units to another current member (R8, R9, R11).
    Transfer {
        #[arg(long, value_parser = person_id)]
        from: PersonId,
        #[arg(long, value_parser = person_id)]
        to: PersonId,
        /// Needed when the giver holds more than one class.
        #[arg(long)]
        class: Option<String>,
        #[arg(long, value_parser = units, allow_hyphen_values = true)]
        units: Units,
        /// The price in yuan (zero, or omitted, for a gift).
        #[arg(long, required_unless_present = "gift", value_parser = yuan, allow_hyphen_values = true)]
        price: Option<Fen>,
        #[arg(long)]
        gift: bool,
        #[arg(long, value_parser = date)]
        date: NaiveDate,
    },
    /// Redemption by the collective: the units are cancelled, or kept as the collective share.
    /// A living holder's units need their consent or a court's judgment (R8).
    Redeem {
        #[arg(long, value_parser = person_id)]
        id: PersonId,
        #[arg(long)]
        class: Option<String>,
        #[arg(long, value_parser = units, allow_hyphen_values = true)]
        units: Units,
        #[arg(long, value_parser = yuan, allow_hyphen_values = true)]
        price: Fen,
        #[arg(long)]
        resolution: String,
        #[command(flatten)]
        authority: AuthorityArgs,
        #[arg(long, value_parser = date)]
        date: NaiveDate,
    },
    /// Register a pledge (股权质押) of units of a class under a contract (R11).
    Pledge {
        #[arg(long, value_parser = person_id)]
        id: PersonId,
        /// The class of the pledged units (needed when the holder holds several).
        #[arg(long)]
        class: Option<String>,
        #[arg(long, value_parser = units, allow_hyphen_values = true)]
        units: Units,
        #[arg(long)]
        pledgee: String,
        #[arg(long)]
        contract: String,
        #[arg(long, value_parser = date)]
        date: NaiveDate,
    },
    /// The change registration form (股权变更登记表) of record N, a transfer, gift,
    /// inheritance or redemption: both parties, units, price, resolution, date; `--format
    /// html` prints it on A4 with boxes for the seal and signatures.
    Form {
        #[arg(long, value_parser = crate::arguments::whole::<u64>)]
        seq: u64,
    },
    /// Release the pledge registered under a contract.
    Release {
        #[arg(long)]
        contract: String,
        #[arg(long, value_parser = date)]
        date: NaiveDate,
    },
}

pub fn run(app: &mut App, command: SharesCommand) -> Result<()> {
    match command {
        SharesCommand::Allot {
            id,
            collective: _,
            class,
            units,
            resolution,
            date,
        } => {
            let action = match id {
                Some(person) => Action::AllotShares {
                    person,
                    class,
                    units,
                    resolution,
                },
                None => Action::AllotCollectiveShares {
                    class,
                    units,
                    resolution,
                },
            };
            app.write(date, action)
        }
        SharesCommand::Transfer {
            from,
            to,
            class,
            units,
            price,
            gift,
            date,
        } => app.write(
            date,
            Action::TransferShares {
                from,
                to,
                class,
                units,
                // clap requires --price unless --gift; a gift without one is free.
                price: price.unwrap_or(Fen(0)),
                gift,
            },
        ),
        SharesCommand::Redeem {
            id,
            class,
            units,
            price,
            resolution,
            authority,
            date,
        } => app.write(
            date,
            Action::RedeemShares {
                person: id,
                class,
                units,
                price,
                resolution,
                authority: authority.into_authority(),
            },
        ),
        SharesCommand::Plan {
            resolution,
            totals,
            date,
        } => app.write(date, Action::AdoptQuantificationPlan { resolution, totals }),
        SharesCommand::Pledge {
            id,
            class,
            units,
            pledgee,
            contract,
            date,
        } => app.write(
            date,
            Action::PledgeShares {
                person: id,
                class,
                units,
                pledgee,
                contract,
            },
        ),
        SharesCommand::Release { contract, date } => release(app, contract, date),
        SharesCommand::Form { seq } => super::form::run(app, seq),
    }
}

/// What lets the collective redeem a living holder's units (R8): the holder's written consent
/// or a court's judgment, never a resolution alone.
#[derive(clap::Args, Debug)]
pub struct AuthorityArgs {
    /// The holder's written consent to the redemption.
    #[arg(long, conflicts_with = "judgment")]
    consent: Option<String>,
    /// The court's judgment ordering the redemption.
    #[arg(long)]
    judgment: Option<String>,
}

impl AuthorityArgs {
    pub fn into_authority(self) -> Option<RedemptionAuthority> {
        match (self.consent, self.judgment) {
            (Some(consent), _) => Some(RedemptionAuthority::Consent(consent)),
            (None, Some(judgment)) => Some(RedemptionAuthority::Judgment(judgment)),
            (None, None) => None,
        }
    }
}

fn release(app: &mut App, contract: String, date: NaiveDate) -> Result<()> {
    let person = {
        let (_store, ledger) = app.open()?;
        let state = ledger.load_state(Some(vec![Key::Collective]))?;
        match state
            .collective()
            .and_then(|c| c.pledges.get(contract.trim()).cloned())
        {
            Some(person) => person,
            None => {
                // A retry of a release that landed: the pledge is no longer open.
                let released = |event: &gufen_core::Event| matches!(event, gufen_core::Event::PledgeReleased(e) if e.contract == contract.trim());
                if let Some(outcome) = app.landed_before(&ledger, released)? {
                    return app.print_outcome(&outcome);
                }
                bail!("R11: no open pledge under contract {contract}")
            }
        }
    };
    app.write(date, Action::ReleasePledge { person, contract })
}
