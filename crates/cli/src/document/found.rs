//! The persons found by name or household (`member find`): household, name, masked ID and
//! whether they are a member, one row each.

use super::{Column, Document, Layout, Table};
use crate::cli::Lang;
use crate::labels::{t, yes_no};
use gufen_core::ids::MaskedId;
use gufen_core::state::Person;
use serde::Serialize;

#[derive(Serialize)]
pub struct FoundPersons {
    /// The part of a name searched for, if any.
    pub name: Option<String>,
    /// The household searched for, if any.
    pub household: Option<String>,
    pub count: usize,
    pub persons: Vec<FoundRow>,
}

#[derive(Serialize)]
pub struct FoundRow {
    pub household: Option<String>,
    pub name: String,
    pub id_masked: MaskedId,
    pub member: bool,
}

impl FoundRow {
    pub fn new(person: &Person) -> Self {
        FoundRow {
            household: person.household.clone(),
            name: person.name.clone(),
            id_masked: person.id.masked_id(),
            member: person.is_member(),
        }
    }
}

impl Document for FoundPersons {
    fn layout(&self, lang: Lang) -> Layout {
        let mut layout = Layout::default();
        let mut asked = Vec::new();
        if let Some(name) = &self.name {
            asked.push(format!("{}“{name}”", t(lang, "姓名含", "name containing ")));
        }
        if let Some(household) = &self.household {
            asked.push(format!("{} {household}", t(lang, "户号", "household")));
        }
        layout.line(match lang {
            Lang::Zh => format!("查找{}：{} 人", asked.join("，"), self.count),
            Lang::En => format!("found for {}: {}", asked.join(", "), self.count),
        });
        let mut table = Table::typed(
            vec![
                t(lang, "户号", "household"),
                t(lang, "姓名", "name"),
                t(lang, "身份证号", "ID"),
                t(lang, "成员", "member"),
            ],
            vec![Column::Code, Column::Text, Column::Code, Column::Text],
        );
        for row in &self.persons {
            table.push(vec![
                row.household.clone().unwrap_or_else(|| "-".into()),
                row.name.clone(),
                row.id_masked.as_str().to_string(),
                yes_no(lang, row.member).to_string(),
            ]);
        }
        layout.table(table);
        layout
    }
}
