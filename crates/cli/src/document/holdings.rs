//! Holdings on paper: the shareholder register (股东名册) and the household share certificate
//! (股权证), both on a date; the core computes them, these add the heading.

use super::{Column, Document, Layout, Table};
use crate::cli::Lang;
use crate::labels::{class_name, t, yes_no};
use chrono::NaiveDate;
use gufen_core::charter::{Charter, ShareClass};
use gufen_core::report::{Certificate, Register, RegisterLine};
use gufen_core::Units;
use serde::Serialize;
use std::collections::BTreeMap;

/// The collective a paper is of, and its date.
#[derive(Serialize)]
pub struct Heading {
    pub collective: String,
    pub code: String,
    pub as_of: NaiveDate,
    #[serde(skip)]
    pub classes: Vec<ShareClass>,
}

impl Heading {
    pub fn new(charter: &Charter, as_of: NaiveDate) -> Self {
        Heading {
            collective: charter.name.clone(),
            code: charter.code.to_string(),
            as_of,
            classes: charter.classes.clone(),
        }
    }

    /// A table of holdings: the leading columns, one column per share class, total and
    /// weighted units, then the trailing columns (numbers, right-aligned).
    fn holdings_table(&self, lang: Lang, leading: &[(&str, Column)], trailing: &[&str]) -> Table {
        let mut headers: Vec<&str> = leading.iter().map(|(header, _)| *header).collect();
        let mut columns: Vec<Column> = leading.iter().map(|(_, column)| *column).collect();
        headers.extend(
            self.classes
                .iter()
                .map(|class| class_name(&self.classes, &class.code, lang)),
        );
        headers.extend([t(lang, "合计股", "total"), t(lang, "折算股", "weighted")]);
        headers.extend(trailing);
        columns.resize(headers.len(), Column::Number);
        Table::typed(headers, columns)
    }

    /// The cells `holdings_table` expects for one line: units per class, total, weighted.
    fn holding_cells(
        &self,
        units: &BTreeMap<String, u64>,
        total: u64,
        weighted: u64,
    ) -> Vec<String> {
        let mut cells: Vec<String> = self
            .classes
            .iter()
            .map(|class| Units(units.get(&class.code).copied().unwrap_or(0)).to_string())
            .collect();
        cells.push(Units(total).to_string());
        cells.push(Units(weighted).to_string());
        cells
    }
}

#[derive(Serialize)]
pub struct RegisterDocument {
    #[serde(flatten)]
    pub heading: Heading,
    #[serde(flatten)]
    pub register: Register,
}

impl RegisterDocument {
    /// One holder's row of the register's table.
    pub fn row(&self, lang: Lang, holder: &RegisterLine) -> Vec<String> {
        let mut row = vec![
            holder.household.clone(),
            holder.name.clone(),
            holder.id_masked.to_string(),
            yes_no(lang, holder.member).to_string(),
        ];
        row.extend(self.heading.holding_cells(
            &holder.units,
            holder.units_total,
            holder.weighted_units,
        ));
        row.push(holder.percent.clone());
        row.push(Units(holder.pledged_units).to_string());
        row
    }

    /// The register's layout with its table holding only the total row: the holders' rows
    /// (`row`) go before it. `holders` is their number, `pledged_units` their pledged units.
    pub fn frame(&self, lang: Lang, holders: usize, pledged_units: u64) -> Layout {
        let (heading, register) = (&self.heading, &self.register);
        let mut table = heading.holdings_table(
            lang,
            &[
                (t(lang, "户号", "household"), Column::Code),
                (t(lang, "姓名", "name"), Column::Text),
                (t(lang, "身份证号", "ID"), Column::Code),
                (t(lang, "成员", "member"), Column::Text),
            ],
            &[t(lang, "占比%", "percent"), t(lang, "质押股", "pledged")],
        );
        let mut total = vec![
            t(lang, "合计", "total").to_string(),
            String::new(),
            String::new(),
            String::new(),
        ];
        total.extend(heading.holding_cells(
            &register.units_by_class,
            register.total_units,
            register.total_weighted_units,
        ));
        total.push(if holders == 0 { "0" } else { "100.00" }.to_string());
        total.push(Units(pledged_units).to_string());
        table.push(total);
        let mut layout = Layout::default();
        layout.line(t(
            lang,
            format!("{} 股东名册（{}）", heading.collective, heading.code),
            format!(
                "{} shareholder register ({})",
                heading.collective, heading.code
            ),
        ));
        layout.line(format!(
            "{}: {}    {}: {}",
            t(lang, "截至", "as of"),
            heading.as_of,
            t(lang, "股东人数", "holders"),
            holders
        ));
        if !register.collective_units.is_empty() {
            let units: u64 = register.collective_units.values().sum();
            layout.line(format!(
                "{}: {}",
                t(
                    lang,
                    "集体股（不计入下表）",
                    "collective share (not in the table)"
                ),
                Units(units)
            ));
        }
        layout.table(table);
        layout
    }
}

impl Document for RegisterDocument {
    fn layout(&self, lang: Lang) -> Layout {
        let holders = &self.register.holders;
        let pledged_units = holders.iter().map(|h| h.pledged_units).sum();
        let mut layout = self.frame(lang, holders.len(), pledged_units);
        layout.rows_before_total(holders.iter().map(|holder| self.row(lang, holder)));
        layout
    }

    fn paper(&self, lang: Lang) -> Layout {
        self.register_paper(lang)
    }
}

#[derive(Serialize)]
pub struct CertificateDocument {
    #[serde(flatten)]
    pub heading: Heading,
    #[serde(flatten)]
    pub certificate: Certificate,
}

impl Document for CertificateDocument {
    fn layout(&self, lang: Lang) -> Layout {
        let (heading, certificate) = (&self.heading, &self.certificate);
        let mut table = heading.holdings_table(
            lang,
            &[
                (t(lang, "姓名", "name"), Column::Text),
                (t(lang, "身份证号", "ID"), Column::Code),
                (t(lang, "成员", "member"), Column::Text),
            ],
            &[],
        );
        for person in &certificate.persons {
            let mut row = vec![
                person.name.clone(),
                person.id_masked.to_string(),
                yes_no(lang, person.member).to_string(),
            ];
            row.extend(heading.holding_cells(
                &person.units,
                person.units_total,
                person.weighted_units,
            ));
            table.push(row);
        }
        let mut layout = Layout::default();
        layout.line(format!(
            "{}  {}",
            heading.collective,
            t(lang, "股权证", "household share certificate")
        ));
        layout.line(format!(
            "{}: {}    {}: {}    {}: {}",
            t(lang, "户号", "household"),
            certificate.household,
            t(lang, "户主", "head"),
            certificate.head.as_deref().unwrap_or("-"),
            t(lang, "截至", "as of"),
            heading.as_of
        ));
        layout.table(table);
        layout.line(format!(
            "{}: {}    {}: {}",
            t(lang, "本户合计股", "household total"),
            Units(certificate.total_units),
            t(lang, "折算股", "weighted"),
            Units(certificate.total_weighted_units)
        ));
        layout
    }
}
