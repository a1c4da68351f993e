//! `gufen crash-child` (hidden): the child process of the kill -9 crash test. It appends real
//! batches of varied size (single events and roster imports spanning several write chunks) in a
//! loop and prints each command id only once its append has returned Ok, i.e. is durable.

use crate::app::{context, App};
use anyhow::Result;
use chrono::NaiveDate;
use clap::Args;
use gufen_core::command::Action;
use gufen_core::event::HukouKind;
use gufen_core::state::Key;
use gufen_core::{Command, PersonId, RosterRow};
use std::io::Write;

#[derive(Args, Debug)]
pub struct CrashChildArgs {
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

pub fn run(app: &mut App, args: CrashChildArgs) -> Result<()> {
    let seed = args.seed;
    let (_store, ledger) = app.open()?;
    let mut rng = crate::synth::Rng::new(seed);
    let mut global = app.global.clone();
    global.command_id = None;
    let mut next = ledger
        .load_state(Some(vec![Key::Collective]))?
        .collective()
        .map_or(0, |c| c.member_count);
    let date = NaiveDate::from_ymd_opt(2017, 12, 31).expect("a date");
    loop {
        let action = if next == 0 || rng.below(3) > 0 {
            let rows = match rng.below(4) {
                0 => 1 + rng.below(3),
                1 | 2 => 10 + rng.below(300),
                _ => 600 + rng.below(900),
            };
            let rows: Vec<RosterRow> = (next..next + rows)
                .map(|n| RosterRow {
                    id: crate::synth::nth_citizen_id(n),
                    name: format!("测试{n}"),
                    household: format!("{:05}", n / 4),
                    ..RosterRow::default()
                })
                .collect();
            next += rows.len() as u64;
            Action::ImportRoster {
                rows,
                resolution: "crash-test".into(),
            }
        } else {
            let person = PersonId::parse(&crate::synth::nth_citizen_id(rng.below(next)))
                .expect("a valid id");
            Action::RecordHukou {
                person,
                kind: HukouKind::Urban,
                locality: "郑州市".into(),
            }
        };
        let context = context(&global)?;
        ledger.execute(&context, &Command { date, action })?;
        writeln!(app.out, "{}", uuid::Uuid::from_bytes(context.command_id))?;
        app.out.flush()?;
    }
}
