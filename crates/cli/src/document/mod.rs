//! The one document model. Every paper and listing gufen prints (register, certificate, notice,
//! member list, history, log, verify, …) is a language-neutral struct holding IDs only as
//! `MaskedId` (a whole ID only in an explicit `id` field where the owner asked for it). Its
//! `Serialize` is its JSON; its `layout` in one language (lines, labelled fields and tables) is
//! what the text and CSV renderers print, and what HTML and XLSX renderers will print.

pub mod audit;
pub mod charter;
pub mod distribution;
pub mod found;
pub mod holdings;
pub mod member;
pub mod paper;
pub mod records;
pub mod representative;
pub mod township;
pub mod trust;

use crate::cli::Lang;
use serde::Serialize;

/// A document: its data serializes as JSON; `layout` lays it out in a language.
pub trait Document: Serialize {
    fn layout(&self, lang: Lang) -> Layout;

    /// The document as a printed paper (`--format html`): by default its layout; a paper with
    /// a form of its own (a title, page breaks, a box for the seal, signature lines) gives it.
    fn paper(&self, lang: Lang) -> Layout {
        self.layout(lang)
    }

    /// The outcome of a write the document reports, when it reports one: the records are in
    /// the ledger before the document is printed, so a failure to print it must say so.
    fn recorded(&self) -> Option<&records::WriteOutcome> {
        None
    }
}

/// A document laid out in one language: blocks in order.
#[derive(Default)]
pub struct Layout {
    pub blocks: Vec<Block>,
    /// A workbook's name for the sheet when the title (the first line) would not make a good
    /// one within a sheet name's 31 characters; by default the title names the sheet.
    pub sheet: Option<String>,
}

pub enum Block {
    /// A heading or a sentence.
    Line(String),
    /// Labelled values, one per line.
    Fields(Fields),
    Table(Table),
    /// What only a printed paper has: the text renderer prints a short line for it, CSV and
    /// XLSX leave it out.
    Paper(Paper),
}

/// A part of a printed paper (`Document::paper`).
pub enum Paper {
    /// The paper's title, large and centred.
    Title(String),
    /// A heading of a section.
    Heading(String),
    /// The next block begins a new printed page.
    PageBreak,
    /// A box for the organization's seal (盖章), with its caption.
    Seal(String),
    /// Signature lines, one per label (e.g. 经办人, 户主), each with a line for the date.
    Signatures(Vec<String>),
    /// A line to fill in by hand after the label.
    FillIn(String),
    /// A QR code of `text` with a caption under it.
    Qr { text: String, caption: String },
    /// A sentence in small print (a note at the foot).
    Note(String),
    /// A table whose rows are tall enough to sign in, its last column left for the signature.
    SignTable(Table),
}

impl Layout {
    /// Puts `rows` in the first table before its last row (the total a frame holds).
    pub fn rows_before_total(&mut self, rows: impl IntoIterator<Item = Vec<String>>) {
        let table = self
            .blocks
            .iter_mut()
            .find_map(|block| match block {
                Block::Table(table) => Some(table),
                _ => None,
            })
            .expect("the layout holds a table");
        table.rows_before_total(rows);
    }

    /// Names the document's sheet in a workbook (see `Layout::sheet`).
    pub fn sheet(&mut self, name: impl Into<String>) {
        self.sheet = Some(name.into());
    }

    pub fn line(&mut self, text: impl Into<String>) {
        self.blocks.push(Block::Line(text.into()));
    }

    /// A labelled value in words (a name, a code, a sentence).
    pub fn field(&mut self, label: impl Into<String>, value: impl Into<String>) {
        self.field_typed(label, value, Column::Text);
    }

    /// A labelled value that is a number, yuan or a date (`Column::Number`, `Money`, `Date`),
    /// which a workbook writes as such; text and CSV print it as `field` does.
    pub fn field_typed(
        &mut self,
        label: impl Into<String>,
        value: impl Into<String>,
        column: Column,
    ) {
        let field = (label.into(), value.into());
        match self.blocks.last_mut() {
            Some(Block::Fields(fields)) => fields.push(field, column),
            _ => {
                let mut fields = Fields::default();
                fields.push(field, column);
                self.blocks.push(Block::Fields(fields));
            }
        }
    }

    pub fn table(&mut self, table: Table) {
        self.blocks.push(Block::Table(table));
    }

    pub fn paper(&mut self, part: Paper) {
        self.blocks.push(Block::Paper(part));
    }
}

/// Labelled values, (label, value) pairs, each with what its value holds. It reads as the slice
/// of its pairs; `typed` gives each pair with its kind.
#[derive(Default)]
pub struct Fields {
    pairs: Vec<(String, String)>,
    columns: Vec<Column>,
}

impl Fields {
    fn push(&mut self, field: (String, String), column: Column) {
        self.pairs.push(field);
        self.columns.push(column);
    }

    /// Each (label, value) with what the value holds.
    pub fn typed(&self) -> impl Iterator<Item = (&str, &str, Column)> {
        self.pairs
            .iter()
            .zip(&self.columns)
            .map(|((label, value), column)| (label.as_str(), value.as_str(), *column))
    }
}

impl std::ops::Deref for Fields {
    type Target = [(String, String)];

    fn deref(&self) -> &Self::Target {
        &self.pairs
    }
}

impl<'a> IntoIterator for &'a Fields {
    type Item = &'a (String, String);
    type IntoIter = std::slice::Iter<'a, (String, String)>;

    fn into_iter(self) -> Self::IntoIter {
        self.pairs.iter()
    }
}

/// A table: a header row and data rows of text; numeric columns are right-aligned.
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub right_aligned: Vec<bool>,
    /// What each column holds, for the renderers that type their cells (XLSX, CSV).
    pub columns: Vec<Column>,
    /// How many of the last rows are totals: a workbook's filter leaves them out.
    pub total_rows: usize,
}

/// What a table's column holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Column {
    /// Words: names, yes or no, notes.
    Text,
    /// A code kept exactly as written, leading zeros and all: a household number, a masked ID,
    /// a reference. Text in a workbook.
    Code,
    /// A count or a number of units (`12`, `2.5`): a number in a workbook.
    Number,
    /// Yuan with two decimals (`12.34`): a number shown with two decimals in a workbook.
    Money,
    /// A date `YYYY-MM-DD`.
    Date,
    /// An instant in RFC 3339, UTC (`2026-12-31T08:00:00Z`, a record's time): printed as
    /// written; a workbook's date-time cell in China Standard Time, where the collectives are,
    /// so an accountant filters by the day the record was made there.
    Instant,
}

impl Column {
    /// Whether the column's cells line up on the right.
    pub fn right_aligned(self) -> bool {
        matches!(self, Column::Number | Column::Money)
    }
}

impl Table {
    /// Puts `rows` before the table's last row (the total a frame holds).
    pub fn rows_before_total(&mut self, rows: impl IntoIterator<Item = Vec<String>>) {
        let total = self.rows.pop().expect("the frame's table holds the total");
        for row in rows {
            self.push(row);
        }
        self.push(total);
    }

    /// A table whose right-aligned columns hold numbers and the others words. Every table so
    /// far says what its columns hold (`typed`); this stays for a quick table of plain words
    /// and counts.
    #[allow(dead_code)]
    pub fn new(headers: Vec<&str>, right_aligned: Vec<bool>) -> Self {
        let columns = right_aligned
            .iter()
            .map(|&right| if right { Column::Number } else { Column::Text })
            .collect();
        Self::typed(headers, columns)
    }

    /// A table with what each column holds.
    pub fn typed(headers: Vec<&str>, columns: Vec<Column>) -> Self {
        assert_eq!(headers.len(), columns.len());
        Table {
            headers: headers.into_iter().map(String::from).collect(),
            rows: Vec::new(),
            right_aligned: columns.iter().map(|c| c.right_aligned()).collect(),
            columns,
            total_rows: 0,
        }
    }

    pub fn push(&mut self, row: Vec<String>) {
        assert_eq!(
            row.len(),
            self.headers.len(),
            "every row has one cell per column"
        );
        self.rows.push(row);
        self.total_rows = 0;
    }

    /// A total row, at the end of the table: left out of a workbook's filter.
    pub fn push_total(&mut self, row: Vec<String>) {
        let totals = self.total_rows;
        self.push(row);
        self.total_rows = totals + 1;
    }
}

/// A date, or `-` when there is none.
pub fn date_or_dash(date: Option<chrono::NaiveDate>) -> String {
    date.map_or_else(|| "-".to_string(), |d| d.to_string())
}
