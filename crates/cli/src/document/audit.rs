//! Documents of the audit bundle: what `export` wrote and what `audit` found.

use super::records::HashText;
use super::{Document, Layout};
use crate::cli::Lang;
use crate::labels::t;
use gufen_ledger::audit::AuditReport;
use gufen_ledger::export::ExportSummary;
use serde::Serialize;

/// What `gufen export` wrote. JSON carries the whole root in hex; text shows it in base64, as
/// the checkpoint does.
#[derive(Serialize)]
pub struct Export {
    pub out: String,
    pub origin: String,
    pub records: u64,
    pub size: u64,
    pub files: u64,
    pub bytes: u64,
    pub root: HashText,
}

impl Export {
    pub fn new(out: &std::path::Path, summary: &ExportSummary) -> Self {
        Export {
            out: out.display().to_string(),
            origin: summary.origin.clone(),
            records: summary.size,
            size: summary.size,
            files: summary.files,
            bytes: summary.bytes,
            root: HashText(summary.root),
        }
    }
}

impl Document for Export {
    fn layout(&self, lang: Lang) -> Layout {
        let mut layout = Layout::default();
        layout.line(format!(
            "{} {}",
            t(lang, "已导出审计包", "audit bundle written to"),
            self.out
        ));
        layout.field(t(lang, "日志标识", "origin"), self.origin.clone());
        layout.field(t(lang, "记录数", "records"), self.records.to_string());
        layout.field(t(lang, "树大小", "tree size"), self.size.to_string());
        layout.field(t(lang, "文件数", "files"), self.files.to_string());
        layout.field(t(lang, "字节数", "bytes"), self.bytes.to_string());
        layout.field(t(lang, "默克尔树根", "merkle root"), self.root.b64());
        layout
    }
}

/// A witness cosignature that verified: the witness's key name and when it cosigned.
#[derive(Serialize)]
pub struct Cosigned {
    pub name: String,
    /// Seconds since the epoch.
    pub timestamp: u64,
    /// The same instant in RFC 3339 (UTC).
    pub time: String,
}

/// What `gufen audit` found. A failed audit prints nothing on stdout in text and CSV (the
/// finding is the error on stderr, exit 3); JSON carries the whole report either way.
#[derive(Serialize)]
pub struct Audit {
    pub ok: bool,
    pub origin: Option<String>,
    pub size: u64,
    pub root: Option<HashText>,
    pub records: u64,
    pub signed_by: Option<String>,
    pub cosigned_by: Vec<Cosigned>,
    /// Signature lines from keys not given: reported, never counted.
    pub unverified: Vec<String>,
    pub known_checked: u64,
    pub first_bad_seq: Option<u64>,
    pub problem: Option<String>,
}

impl Audit {
    pub fn new(report: &AuditReport) -> Self {
        Audit {
            ok: report.ok,
            origin: report.origin.clone(),
            size: report.size,
            root: report.root.map(HashText),
            records: report.records,
            signed_by: report.signed_by.clone(),
            cosigned_by: report
                .cosigned_by
                .iter()
                .map(|c| Cosigned {
                    name: c.name.clone(),
                    timestamp: c.timestamp,
                    time: i64::try_from(c.timestamp)
                        .ok()
                        .and_then(|s| chrono::DateTime::from_timestamp(s, 0))
                        .map_or_else(|| "-".into(), |d| d.to_rfc3339()),
                })
                .collect(),
            unverified: report.unverified.clone(),
            known_checked: report.known_checked,
            first_bad_seq: report.first_bad_seq,
            problem: report.problem.clone(),
        }
    }
}

impl Document for Audit {
    fn layout(&self, lang: Lang) -> Layout {
        let mut layout = Layout::default();
        if !self.ok {
            return layout;
        }
        layout.line(format!(
            "{} {}",
            t(lang, "审计通过", "audit passed"),
            self.origin.as_deref().unwrap_or("-")
        ));
        layout.field(t(lang, "树大小", "tree size"), self.size.to_string());
        layout.field(t(lang, "记录数", "records"), self.records.to_string());
        layout.field(
            t(lang, "默克尔树根", "merkle root"),
            self.root
                .as_ref()
                .map_or_else(|| "-".to_string(), |root| root.b64()),
        );
        layout.field(
            t(lang, "签名密钥", "signed by"),
            self.signed_by.clone().unwrap_or_else(|| "-".into()),
        );
        for c in &self.cosigned_by {
            layout.field(
                t(lang, "见证副署", "cosigned by"),
                format!("{} ({})", c.name, c.time),
            );
        }
        if !self.unverified.is_empty() {
            layout.field(
                t(
                    lang,
                    "未核验的签名（不计入）",
                    "unverified lines (not counted)",
                ),
                self.unverified.join(", "),
            );
        }
        layout.field(
            t(lang, "已核对的既有检查点", "known checkpoints checked"),
            self.known_checked.to_string(),
        );
        layout.line(t(
            lang,
            "重放：每条记录、哈希链、哈希瓦片、章程与已过账的分配行均与签名的树根一致",
            "replay: every record, the hash chain, the hash tiles, the charter and every posted distribution line agree with the signed root",
        ));
        layout
    }
}
