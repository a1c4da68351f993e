//! Documents about records: a write's outcome, a person's history, the log, and verify.

use super::{Column, Document, Layout, Table};
use crate::cli::Lang;
use crate::labels::{event_type, t};
use gufen_core::ids::{mask, MaskedId};
use gufen_core::PersonId;
use gufen_ledger::record::hex;
use gufen_ledger::{Outcome, StoredRecord};
use serde::{Serialize, Serializer};

/// Hex characters of a hash that text and CSV show. A whole hash in hex (64 characters) can by
/// chance hold a run of 18 digits that reads like a citizen ID, which a reader grepping an
/// output for IDs would meet; 16 characters cannot, and still name a record beyond doubt.
pub const HASH_SHOWN_CHARS: usize = 16;

/// A hash in a document. JSON carries it whole in standard base64, as checkpoints and proofs
/// give hashes (base64 all but never holds 18 digits in a row, hex does about once in a
/// thousand hashes); text and CSV show its first `HASH_SHOWN_CHARS` hex characters, or for a
/// root the whole base64, as the checkpoint shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HashText(pub [u8; 32]);

impl HashText {
    pub fn short(&self) -> String {
        hex(&self.0)[..HASH_SHOWN_CHARS].to_string()
    }

    pub fn b64(&self) -> String {
        crate::document::trust::b64(&self.0)
    }
}

impl Serialize for HashText {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.b64())
    }
}

/// What a write appended.
#[derive(Serialize)]
pub struct WriteOutcome {
    pub first_seq: u64,
    pub len: u32,
    pub head_seq: Option<u64>,
    pub head_hash: HashText,
    /// The command id had been seen: nothing new was appended.
    pub repeated: bool,
}

impl WriteOutcome {
    pub fn new(outcome: &Outcome) -> Self {
        WriteOutcome {
            first_seq: outcome.first_seq,
            len: outcome.len,
            head_seq: outcome.head.last_seq(),
            head_hash: HashText(outcome.head.hash),
            repeated: outcome.repeated,
        }
    }
}

impl Document for WriteOutcome {
    fn layout(&self, lang: Lang) -> Layout {
        let last = self.first_seq + u64::from(self.len) - 1;
        let repeated = if self.repeated {
            t(
                lang,
                "（重复命令，未新增记录）",
                " (repeated command: nothing new appended)",
            )
        } else {
            ""
        };
        let mut layout = Layout::default();
        let (first, len) = (self.first_seq, self.len);
        let head = self.head_hash.short();
        layout.line(t(
            lang,
            format!("已记录 #{first}..#{last}（{len} 条）{repeated}，链头 {head}"),
            format!(
                "recorded #{first}..#{last} ({len} {}){repeated}, head {head}",
                if len == 1 { "record" } else { "records" }
            ),
        ));
        layout
    }

    fn recorded(&self) -> Option<&WriteOutcome> {
        Some(self)
    }
}

/// A paper a write prints before its outcome (the collective registered, the notice put up, the
/// plan's figures): text, CSV, XLSX and HTML lay out the paper, then the outcome, as one
/// document (one file with `-o`); JSON is the outcome alone, the paper being the data of a read
/// (`charter show`, `distribution show`).
pub struct WithOutcome<D> {
    pub paper: D,
    pub outcome: WriteOutcome,
}

impl<D> Serialize for WithOutcome<D> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.outcome.serialize(serializer)
    }
}

impl<D: Document> Document for WithOutcome<D> {
    fn layout(&self, lang: Lang) -> Layout {
        let mut layout = self.paper.layout(lang);
        layout.blocks.extend(self.outcome.layout(lang).blocks);
        layout
    }

    fn recorded(&self) -> Option<&WriteOutcome> {
        Some(&self.outcome)
    }

    /// The printed paper alone: the record numbers and head hash of the write that put it up
    /// are the accountant's, not the notice board's.
    fn paper(&self, lang: Lang) -> Layout {
        self.paper.paper(lang)
    }
}

/// Every record concerning one person.
#[derive(Serialize)]
pub struct History {
    pub id_masked: MaskedId,
    /// The whole ID, only when the owner asked for it (`--reveal`); otherwise null.
    pub id: Option<String>,
    pub records: Vec<HistoryRecord>,
}

#[derive(Serialize)]
pub struct HistoryRecord {
    pub seq: u64,
    #[serde(rename = "type")]
    pub event_type: String,
    pub hash: HashText,
    pub effective_date: chrono::NaiveDate,
    pub summary: Summary,
}

/// A record's one-line summary in each language: the JSON carries both, text and CSV the
/// document's language.
#[derive(Serialize)]
pub struct Summary {
    pub zh: String,
    pub en: String,
}

impl Summary {
    pub fn text(&self, lang: Lang) -> &str {
        t(lang, &self.zh, &self.en)
    }
}

impl HistoryRecord {
    pub fn new(record: &StoredRecord, summary: Summary) -> Self {
        HistoryRecord {
            seq: record.record.seq,
            event_type: record.record.event_type.clone(),
            hash: HashText(record.hash),
            effective_date: record.record.effective_date(),
            summary,
        }
    }
}

impl Document for History {
    fn layout(&self, lang: Lang) -> Layout {
        let mut table = Table::typed(
            vec![
                t(lang, "序号", "seq"),
                t(lang, "日期", "date"),
                t(lang, "事件", "event"),
                t(lang, "摘要", "summary"),
                t(lang, "哈希", "hash"),
            ],
            vec![
                Column::Number,
                Column::Date,
                Column::Text,
                Column::Text,
                Column::Code,
            ],
        );
        for record in &self.records {
            table.push(vec![
                record.seq.to_string(),
                record.effective_date.to_string(),
                event_type(&record.event_type, lang).to_string(),
                record.summary.text(lang).to_string(),
                record.hash.short(),
            ]);
        }
        let shown = self
            .id
            .clone()
            .unwrap_or_else(|| self.id_masked.to_string());
        let mut layout = Layout::default();
        let count = self.records.len();
        layout.line(t(
            lang,
            format!("{shown} 的记录：{count} 条"),
            format!(
                "{count} {} concerning {shown}",
                if count == 1 { "record" } else { "records" }
            ),
        ));
        // The English title puts the ID last, past a sheet name's 31 characters.
        layout.sheet(t(
            lang,
            format!("{shown} 的记录"),
            format!("records of {shown}"),
        ));
        layout.table(table);
        layout
    }
}

/// A record's stream as documents show it: a person's stream names the person by masked ID.
/// JSON carries the stable form (`person/ID`, `household/NO`, `distribution/YEAR`, `org`), the
/// ID masked; text and CSV name the kind in the document's language.
pub enum Stream {
    Person(MaskedId),
    Household(String),
    Distribution(String),
    /// `org`: the collective itself.
    Collective,
    /// A stream of no known kind, as it is (a person's already masked).
    Other(String),
}

impl Stream {
    pub fn new(stream: &str) -> Self {
        if let Some(id) = stream.strip_prefix("person/") {
            return match PersonId::parse(id) {
                Ok(person) => Stream::Person(person.masked_id()),
                // The ledger writes only valid IDs; should one not parse, it is still masked.
                Err(_) => Stream::Other(format!("person/{}", mask(id))),
            };
        }
        if let Some(number) = stream.strip_prefix("household/") {
            return Stream::Household(number.to_string());
        }
        if let Some(year) = stream.strip_prefix("distribution/") {
            return Stream::Distribution(year.to_string());
        }
        match stream {
            "org" => Stream::Collective,
            other => Stream::Other(other.to_string()),
        }
    }

    /// The stream in `lang`: its kind named, then its key.
    pub fn label(&self, lang: Lang) -> String {
        match self {
            Stream::Person(id) => format!("{}/{id}", t(lang, "人员", "person")),
            Stream::Household(number) => format!("{}/{number}", t(lang, "户", "household")),
            Stream::Distribution(year) => format!("{}/{year}", t(lang, "分配", "distribution")),
            Stream::Collective => t(lang, "组织", "collective").to_string(),
            Stream::Other(stream) => stream.clone(),
        }
    }
}

impl std::fmt::Display for Stream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Stream::Person(id) => write!(f, "person/{id}"),
            Stream::Household(number) => write!(f, "household/{number}"),
            Stream::Distribution(year) => write!(f, "distribution/{year}"),
            Stream::Collective => f.write_str("org"),
            Stream::Other(stream) => f.write_str(stream),
        }
    }
}

impl Serialize for Stream {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// Records in order: `gufen log`. Its JSON is the array of records.
#[derive(Serialize)]
#[serde(transparent)]
pub struct Log {
    pub records: Vec<LogRecord>,
}

#[derive(Serialize)]
pub struct LogRecord {
    pub seq: u64,
    #[serde(rename = "type")]
    pub event_type: String,
    pub hash: HashText,
    pub prev: HashText,
    pub stream: Stream,
    pub effective_date: chrono::NaiveDate,
    /// RFC 3339, UTC, whole seconds.
    pub recorded_at: String,
    pub actor: String,
    pub command_id: String,
}

impl LogRecord {
    pub fn new(stored: &StoredRecord) -> Self {
        let record = &stored.record;
        LogRecord {
            seq: record.seq,
            event_type: record.event_type.clone(),
            hash: HashText(stored.hash),
            prev: HashText(record.prev),
            stream: Stream::new(&record.stream),
            effective_date: record.effective_date(),
            recorded_at: chrono::DateTime::from_timestamp_micros(record.recorded_at_micros)
                .map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
                .unwrap_or_default(),
            actor: record.actor.clone(),
            command_id: uuid::Uuid::from_bytes(record.batch.command_id).to_string(),
        }
    }
}

impl Document for Log {
    fn layout(&self, lang: Lang) -> Layout {
        let mut table = Table::typed(
            vec![
                t(lang, "序号", "seq"),
                t(lang, "类型", "type"),
                t(lang, "流", "stream"),
                t(lang, "生效日期", "effective date"),
                t(lang, "记录时间", "recorded at"),
                t(lang, "哈希", "hash"),
            ],
            vec![
                Column::Number,
                Column::Text,
                Column::Code,
                Column::Date,
                Column::Instant,
                Column::Code,
            ],
        );
        for record in &self.records {
            table.push(vec![
                record.seq.to_string(),
                event_type(&record.event_type, lang).to_string(),
                record.stream.label(lang),
                record.effective_date.to_string(),
                record.recorded_at.clone(),
                record.hash.short(),
            ]);
        }
        let mut layout = Layout::default();
        layout.line(match (self.records.first(), self.records.last()) {
            (Some(first), Some(last)) => t(
                lang,
                format!("台账记录 第 {}–{} 条", first.seq, last.seq),
                format!("log records {}–{}", first.seq, last.seq),
            ),
            _ => t(lang, "台账记录：无", "log records: none").to_string(),
        });
        layout.table(table);
        layout
    }
}

/// The result of `gufen verify`.
#[derive(Serialize)]
pub struct Verification {
    #[serde(skip)]
    pub collective: String,
    pub ok: bool,
    pub records: u64,
    pub head_seq: Option<u64>,
    pub head_hash: HashText,
    pub merkle_root: HashText,
    pub first_bad_seq: Option<u64>,
    pub problem: Option<String>,
    pub replayed: bool,
}

impl Verification {
    /// The document of a ledger's verify report.
    pub fn new(collective: &str, report: &gufen_ledger::VerifyReport) -> Self {
        Verification {
            collective: collective.to_string(),
            ok: report.ok,
            records: report.records,
            head_seq: report.head.last_seq(),
            head_hash: HashText(report.head.hash),
            merkle_root: HashText(report.merkle_root),
            first_bad_seq: report.first_bad_seq,
            problem: report.problem.clone(),
            replayed: report.replayed,
        }
    }
}

impl Document for Verification {
    fn layout(&self, lang: Lang) -> Layout {
        let mut layout = Layout::default();
        if !self.ok {
            // A failure is an error (exit 3), printed on stderr.
            return layout;
        }
        layout.line(format!(
            "{} {}",
            t(lang, "校验通过", "verified"),
            self.collective
        ));
        layout.field_typed(
            t(lang, "记录数", "records"),
            self.records.to_string(),
            Column::Number,
        );
        layout.field(t(lang, "链头哈希", "head hash"), self.head_hash.short());
        layout.field(t(lang, "默克尔树根", "merkle root"), self.merkle_root.b64());
        if self.replayed {
            layout.line(t(
                lang,
                "重放：投影与日志重建结果一致",
                "replay: projections equal the state rebuilt from the log",
            ));
        }
        layout
    }
}
