//! `gufen register`: the shareholder register (股东名册), now or on a past date; and the table
//! of holdings it shares with the household certificate.

use crate::app::{yes_no, App};
use crate::arguments::date;
use crate::cli::{Format, Lang};
use crate::render::{json, t, Table};
use anyhow::{bail, Result};
use chrono::NaiveDate;
use clap::Args;
use gufen_core::report::{self, percent_text};
use gufen_core::{Charter, Units};
use serde_json::json;
use std::io::Write;

#[derive(Args, Debug)]
pub struct RegisterArgs {
    /// The register on a past date, answered from the log.
    #[arg(long, value_parser = date)]
    as_of: Option<NaiveDate>,
}

pub fn run(app: &mut App, args: RegisterArgs) -> Result<()> {
    let (_store, ledger) = app.open()?;
    let as_of = args.as_of;
    let (state, date) = app.state(&ledger, as_of)?;
    let Some(collective) = state.collective() else {
        bail!("the collective is not registered on {date}")
    };
    let charter = collective.charter.clone();
    let register = report::register(&state);
    let lang = app.global.lang;
    if app.global.format == Format::Json {
        let holders: Vec<_> = register
            .holders
            .iter()
            .map(|h| {
                json!({"name": h.name, "id_masked": h.id_masked, "household": h.household, "member": h.member,
                   "units": h.units, "units_total": h.units_total, "weighted_units": h.weighted_units,
                   "percent": percent_text(h.weighted_units, register.total_weighted_units), "pledged_units": h.pledged_units})
            })
            .collect();
        return json(
            &mut app.out,
            &json!({"collective": charter.name, "code": charter.code.as_str(), "as_of": date.to_string(),
                    "total_units": register.total_units, "total_weighted_units": register.total_weighted_units,
                    "units_by_class": register.units_by_class, "collective_units": register.collective_units,
                    "holders": holders}),
        );
    }
    let mut table = holdings_table(
        &charter,
        lang,
        &[
            t(lang, "户号", "household"),
            t(lang, "姓名", "name"),
            t(lang, "身份证号", "ID"),
            t(lang, "成员", "member"),
        ],
        &[t(lang, "占比%", "percent"), t(lang, "质押股", "pledged")],
    );
    for h in &register.holders {
        let mut row = vec![
            h.household.clone(),
            h.name.clone(),
            h.id_masked.clone(),
            yes_no(lang, h.member),
        ];
        row.extend(holding_cells(&charter, h));
        row.push(percent_text(
            h.weighted_units,
            register.total_weighted_units,
        ));
        row.push(Units(h.pledged_units).to_string());
        table.push(row);
    }
    let mut total = vec![
        t(lang, "合计", "total").to_string(),
        String::new(),
        String::new(),
        String::new(),
    ];
    total.extend(
        charter
            .classes
            .iter()
            .map(|c| Units(register.units_by_class.get(&c.code).copied().unwrap_or(0)).to_string()),
    );
    total.push(Units(register.total_units).to_string());
    total.push(Units(register.total_weighted_units).to_string());
    total.push(if register.holders.is_empty() {
        "0".into()
    } else {
        "100.00".into()
    });
    total.push(Units(register.holders.iter().map(|h| h.pledged_units).sum()).to_string());
    table.push(total);
    if app.global.format == Format::Text {
        writeln!(
            app.out,
            "{} {}（{}）",
            charter.name,
            t(lang, "股东名册", "shareholder register"),
            charter.code
        )?;
        writeln!(
            app.out,
            "{}: {date}    {}: {}",
            t(lang, "截至", "as of"),
            t(lang, "股东人数", "holders"),
            register.holders.len()
        )?;
        if !register.collective_units.is_empty() {
            let units: u64 = register.collective_units.values().sum();
            writeln!(
                app.out,
                "{}: {}",
                t(
                    lang,
                    "集体股（不计入下表）",
                    "collective share (not in the table)"
                ),
                Units(units)
            )?;
        }
    }
    table.write(app.global.format, &mut app.out)
}

/// its code in English), total and weighted units, then the trailing columns (right-aligned).
pub fn holdings_table(charter: &Charter, lang: Lang, leading: &[&str], trailing: &[&str]) -> Table {
    let class_names: Vec<&str> = charter
        .classes
        .iter()
        .map(|c| {
            if lang == Lang::Zh {
                c.name.as_str()
            } else {
                c.code.as_str()
            }
        })
        .collect();
    let mut headers = leading.to_vec();
    headers.extend(class_names);
    headers.extend([t(lang, "合计股", "total"), t(lang, "折算股", "weighted")]);
    headers.extend(trailing);
    let mut right = vec![false; leading.len()];
    right.resize(headers.len(), true);
    Table::new(headers, right)
}

/// The cells `holdings_table` expects for one line: units per class, total, weighted.
pub fn holding_cells(charter: &Charter, line: &report::RegisterLine) -> Vec<String> {
    let mut cells: Vec<String> = charter
        .classes
        .iter()
        .map(|c| Units(line.units.get(&c.code).copied().unwrap_or(0)).to_string())
        .collect();
    cells.push(Units(line.units_total).to_string());
    cells.push(Units(line.weighted_units).to_string());
    cells
}
