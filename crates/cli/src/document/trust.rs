//! Documents of the trust commands: a generated key, the checkpoint, proofs and the store's
//! signing setting. Hashes are standard base64, as C2SP checkpoints and proofs give them (a hex
//! hash can hold 18 digits in a row that read like a citizen ID to a grep; base64 hardly can).

use super::{Document, Layout};
use crate::cli::Lang;
use crate::labels::t;
use base64::Engine;
use serde::Serialize;

pub fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// `gufen key generate`: where the secret went and the key others verify with.
#[derive(Serialize)]
pub struct KeyGenerated {
    pub name: String,
    pub file: String,
    /// The verifier key (signed-note vkey): what auditors pass to `--trust`, or for a witness
    /// key what they pass to `--witness`.
    pub vkey: String,
    pub witness: bool,
}

impl Document for KeyGenerated {
    fn layout(&self, lang: Lang) -> Layout {
        let mut layout = Layout::default();
        layout.line(if self.witness {
            t(
                lang,
                "已生成见证密钥（私钥文件仅本人可读）",
                "witness key generated (the secret file is readable by you alone)",
            )
        } else {
            t(
                lang,
                "已生成签名密钥（私钥文件仅本人可读）",
                "signing key generated (the secret file is readable by you alone)",
            )
        });
        layout.field(t(lang, "名称", "name"), self.name.clone());
        layout.field(t(lang, "私钥文件", "secret key file"), self.file.clone());
        layout.field(
            if self.witness {
                t(
                    lang,
                    "见证验证公钥（交审计方 --witness）",
                    "witness verifier key (for auditors' --witness)",
                )
            } else {
                t(
                    lang,
                    "验证公钥（交审计方 --trust）",
                    "verifier key (for auditors' --trust)",
                )
            },
            self.vkey.clone(),
        );
        layout
    }
}

/// `gufen checkpoint`: the latest checkpoint of the ledger and who signed it.
#[derive(Serialize)]
pub struct CheckpointDoc {
    pub origin: String,
    pub size: u64,
    pub root: String,
    /// The names on the signature lines (the ledger's key, witnesses); not verified here: an
    /// auditor verifies them against keys they trust (`gufen audit`).
    pub signatures: Vec<String>,
    /// The checkpoint note exactly as kept: what `export` writes and witnesses cosign.
    pub note: String,
}

impl Document for CheckpointDoc {
    fn layout(&self, _lang: Lang) -> Layout {
        // The text form is the note itself, byte for byte, so it can be saved and handed on.
        let mut layout = Layout::default();
        layout.line(self.note.trim_end_matches('\n').to_string());
        layout
    }
}

/// `gufen proof inclusion`.
#[derive(Serialize)]
pub struct InclusionDoc {
    pub seq: u64,
    pub size: u64,
    pub record_hash: String,
    pub leaf_hash: String,
    pub root: String,
    pub proof: Vec<String>,
}

impl Document for InclusionDoc {
    fn layout(&self, lang: Lang) -> Layout {
        let mut layout = Layout::default();
        layout.line(t(
            lang,
            format!("记录 {} 在前 {} 条记录的默克尔树中的包含证明（RFC 9162，blake3）", self.seq, self.size),
            format!(
                "inclusion proof of record {} in the tree of the first {} records (RFC 9162, blake3)",
                self.seq, self.size
            ),
        ));
        layout.field(t(lang, "记录哈希", "record hash"), self.record_hash.clone());
        layout.field(t(lang, "叶哈希", "leaf hash"), self.leaf_hash.clone());
        layout.field(t(lang, "树根", "root"), self.root.clone());
        layout.field(
            t(lang, "证明哈希数", "proof hashes"),
            self.proof.len().to_string(),
        );
        for hash in &self.proof {
            layout.line(hash.clone());
        }
        layout
    }
}

/// `gufen proof consistency`.
#[derive(Serialize)]
pub struct ConsistencyDoc {
    pub from: u64,
    pub to: u64,
    pub from_root: String,
    pub to_root: String,
    pub proof: Vec<String>,
}

impl Document for ConsistencyDoc {
    fn layout(&self, lang: Lang) -> Layout {
        let mut layout = Layout::default();
        layout.line(t(
            lang,
            format!("前 {} 条与前 {} 条记录的默克尔树一致性证明（RFC 9162，blake3）", self.from, self.to),
            format!(
                "consistency proof of the tree of {} records with the tree of {} (RFC 9162, blake3)",
                self.from, self.to
            ),
        ));
        layout.field(t(lang, "旧树根", "first root"), self.from_root.clone());
        layout.field(t(lang, "新树根", "second root"), self.to_root.clone());
        layout.field(
            t(lang, "证明哈希数", "proof hashes"),
            self.proof.len().to_string(),
        );
        for hash in &self.proof {
            layout.line(hash.clone());
        }
        layout
    }
}

/// `gufen config show` (and the outcome of `config set`).
#[derive(Serialize)]
pub struct ConfigDoc {
    pub signing_key: Option<String>,
}

impl Document for ConfigDoc {
    fn layout(&self, lang: Lang) -> Layout {
        let mut layout = Layout::default();
        layout.line(t(lang, "本组织的设置", "settings of the collective"));
        layout.field(
            t(
                lang,
                "签名密钥（每次写入后签署检查点）",
                "signing-key (signs the checkpoint after every write)",
            ),
            self.signing_key
                .clone()
                .unwrap_or_else(|| t(lang, "未设置", "not set").to_string()),
        );
        layout
    }
}
