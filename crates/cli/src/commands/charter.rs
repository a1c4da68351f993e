//! `gufen init` (register the collective from its charter) and `gufen charter show`.

use crate::app::{date_or_today, App};
use crate::cli::Format;
use crate::labels::Labelled;
use crate::render::{json, t};
use anyhow::{anyhow, bail, Context as _, Result};
use chrono::NaiveDate;
use clap::{Args, Subcommand};
use gufen_core::command::Action;
use gufen_core::state::Key;
use gufen_core::{Charter, Command};
use serde_json::json;
use std::io::Write;
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct InitArgs {
    #[arg(long)]
    charter: PathBuf,
    /// Registration date (default: today).
    #[arg(long, value_parser = crate::arguments::date)]
    date: Option<NaiveDate>,
}

#[derive(Subcommand, Debug)]
pub enum CharterCommand {
    Show,
}

pub fn init(app: &mut App, args: InitArgs) -> Result<()> {
    let path = &args.charter;
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read charter {}", path.display()))?;
    let charter = Charter::from_toml(&text)?;
    let date = date_or_today(args.date)?;
    let store = app.open_store(true)?;
    let ledger = store.ledger(charter.code.as_str())?;
    if ledger.head()?.seq_next > 0 {
        bail!(
            "collective {} is already in the store {}",
            charter.code,
            app.global.db.display()
        );
    }
    let action = Action::RegisterCollective {
        charter: charter.clone(),
    };
    let outcome = ledger.execute(&app.context()?, &Command { date, action })?;
    if app.global.format != Format::Json {
        writeln!(
            app.out,
            "{} {} ({})",
            t(app.global.lang, "已建立", "registered"),
            charter.name,
            charter.code
        )?;
    }
    app.print_outcome(&outcome)
}

pub fn run(app: &mut App, command: CharterCommand) -> Result<()> {
    match command {
        CharterCommand::Show => show(app),
    }
}

fn show(app: &mut App) -> Result<()> {
    let (_store, ledger) = app.open()?;
    let state = ledger.load_state(Some(vec![Key::Collective]))?;
    let collective = state
        .collective()
        .ok_or_else(|| anyhow!("the collective is not registered"))?;
    let c = &collective.charter;
    let lang = app.global.lang;
    if app.global.format == Format::Json {
        let classes: Vec<_> =
            c.classes.iter().map(|k| json!({"code": k.code, "name": k.name, "coefficient": k.coefficient.to_string()})).collect();
        return json(
            &mut app.out,
            &json!({"name": c.name, "code": c.code.as_str(), "province": c.province, "baseline_date": c.baseline_date.to_string(),
             "management": format!("{:?}", c.management).to_lowercase(), "holding_cap_percent": c.holding_cap_percent.to_string(),
             "inheritance_counts_toward_cap": c.inheritance_counts_toward_cap,
             "reserve_rate_percent": c.reserve_rate_percent.to_string(), "reserve_floor_percent": c.reserve_floor_percent.to_string(),
             "welfare_rate_percent": c.welfare_rate_percent.to_string(), "welfare_floor_percent": c.welfare_floor_percent.to_string(),
             "notice_days": c.notice_days, "approval_body": c.approval_body.code(),
             "rounding": c.rounding.code(), "collective_share": c.collective_share, "classes": classes,
             "registered_on": collective.registered_on.to_string(), "member_count": collective.member_count}),
        );
    }
    let rows = [
        (t(lang, "名称", "name"), c.name.clone()),
        (t(lang, "统一社会信用代码", "code"), c.code.to_string()),
        (t(lang, "省份", "province"), c.province.clone()),
        (
            t(lang, "股权量化基准日", "baseline date"),
            c.baseline_date.to_string(),
        ),
        (
            t(lang, "管理方式", "management"),
            format!("{:?}", c.management).to_lowercase(),
        ),
        (
            t(lang, "持股上限(%)", "holding cap (%)"),
            c.holding_cap_percent.to_string(),
        ),
        (
            t(lang, "继承计入上限", "inheritance counts toward cap"),
            c.inheritance_counts_toward_cap.to_string(),
        ),
        (
            t(lang, "公积金比例/下限(%)", "reserve rate/floor (%)"),
            format!("{}/{}", c.reserve_rate_percent, c.reserve_floor_percent),
        ),
        (
            t(lang, "公益金比例/下限(%)", "welfare rate/floor (%)"),
            format!("{}/{}", c.welfare_rate_percent, c.welfare_floor_percent),
        ),
        (
            t(lang, "公示天数", "notice days"),
            c.notice_days.to_string(),
        ),
        (
            t(lang, "表决机构", "approval body"),
            c.approval_body.code().to_string(),
        ),
        (
            t(lang, "尾差规则", "rounding"),
            c.rounding.code().to_string(),
        ),
        (
            t(lang, "集体股", "collective share"),
            c.collective_share.to_string(),
        ),
        (
            t(lang, "现有成员", "current members"),
            collective.member_count.to_string(),
        ),
    ];
    for (label, value) in rows {
        writeln!(app.out, "{label}: {value}")?;
    }
    writeln!(app.out, "{}:", t(lang, "股份类别", "share classes"))?;
    for k in &c.classes {
        writeln!(app.out, "  {} {} × {}", k.code, k.name, k.coefficient)?;
    }
    Ok(())
}
