//! The representatives seated on a date (`representative list`, R13).

use super::{Column, Document, Layout, Table};
use crate::cli::Lang;
use crate::labels::t;
use chrono::NaiveDate;
use gufen_core::ids::MaskedId;
use gufen_core::state::{Seat, State};
use serde::Serialize;

/// The representatives register on a date: every representative seated then.
#[derive(Serialize)]
pub struct RepresentativeList {
    pub as_of: NaiveDate,
    pub count: usize,
    pub representatives: Vec<RepresentativeRow>,
}

#[derive(Serialize)]
pub struct RepresentativeRow {
    pub name: String,
    pub id_masked: MaskedId,
    pub household: Option<String>,
    pub since: NaiveDate,
    pub resolution: String,
}

impl RepresentativeList {
    /// The representatives seated in `state` (a state as of `as_of`), by household and ID.
    pub fn new(state: &State, as_of: NaiveDate) -> Self {
        let seats = state
            .collective()
            .map(|c| &c.representatives)
            .into_iter()
            .flatten()
            .filter(|(_, seat)| seat.is_seated() && seat.since <= as_of);
        let mut representatives: Vec<RepresentativeRow> = seats
            .map(|(id, seat): (_, &Seat)| {
                let person = state.person(id);
                RepresentativeRow {
                    name: person.map(|p| p.name.clone()).unwrap_or_default(),
                    id_masked: id.masked_id(),
                    household: person.and_then(|p| p.household.clone()),
                    since: seat.since,
                    resolution: seat.resolution.clone(),
                }
            })
            .collect();
        representatives
            .sort_by(|a, b| (&a.household, &a.id_masked).cmp(&(&b.household, &b.id_masked)));
        RepresentativeList {
            as_of,
            count: representatives.len(),
            representatives,
        }
    }
}

impl Document for RepresentativeList {
    fn layout(&self, lang: Lang) -> Layout {
        let mut table = Table::typed(
            vec![
                t(lang, "户号", "household"),
                t(lang, "姓名", "name"),
                t(lang, "身份证号", "ID"),
                t(lang, "当选日", "elected on"),
                t(lang, "选举决议", "resolution"),
            ],
            vec![
                Column::Code,
                Column::Text,
                Column::Code,
                Column::Date,
                Column::Code,
            ],
        );
        for row in &self.representatives {
            table.push(vec![
                row.household.clone().unwrap_or_default(),
                row.name.clone(),
                row.id_masked.to_string(),
                row.since.to_string(),
                row.resolution.clone(),
            ]);
        }
        let mut layout = Layout::default();
        layout.line(format!(
            "{} {}: {} {}",
            t(lang, "成员代表名单 截至", "representatives as of"),
            self.as_of,
            self.count,
            t(lang, "人", "persons")
        ));
        layout.table(table);
        layout
    }
}
