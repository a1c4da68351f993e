//! C2SP checkpoints (<https://c2sp.org/tlog-checkpoint>) of the ledger's Merkle tree, and
//! witness cosignatures on them (<https://c2sp.org/tlog-cosignature>, cosignature/v1).
//!
//! A checkpoint body is three lines, `origin`, tree size, base64 root hash, then optional
//! extension lines; it is published as a signed note ([`crate::note`]) signed by the ledger's
//! key. Witnesses that checked the tree grew append-only add cosignature lines to the same note.
//! A reader who trusts the ledger key and a quorum of witnesses then knows that everyone is
//! shown the same history.
//!
//! The ledger's tree hashes with blake3, so a root is exactly 32 bytes and [`Checkpoint::parse`]
//! refuses any other length: a parser that accepted "bananas" as a root would hand the Merkle
//! code a hash it can never match. The origin, [`origin`]`(code)` = `gufen/<code>/blake3`,
//! names both the collective (its unified social credit code) and the hash, so a checkpoint of
//! one collective's ledger can never be taken for another's, nor a blake3 root for a SHA-256 one.

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;

use crate::note::{
    self, check_text, KeyType, Note, NoteError, Signature, Signer, Verifier,
    COSIGNATURE_PAYLOAD_LEN, MAX_NOTE_SIZE,
};

/// Size of a root hash in a gufen checkpoint (blake3 output).
pub const ROOT_SIZE: usize = 32;

/// Decoded size of a cosignature/v1 signature: key ID (4) ‖ timestamp (8) ‖ Ed25519 (64).
pub const COSIGNATURE_SIZE: usize = 4 + COSIGNATURE_PAYLOAD_LEN;

/// Header line of the cosignature/v1 signed message (domain separation from plain notes).
const COSIGNATURE_HEADER: &str = "cosignature/v1\n";

const ORIGIN_PREFIX: &str = "gufen/";
const ORIGIN_SUFFIX: &str = "/blake3";

/// Why a checkpoint or cosignature was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckpointError {
    #[error(transparent)]
    Note(#[from] NoteError),
    #[error("malformed checkpoint: {0}")]
    Malformed(&'static str),
    #[error("root hash is {len} bytes; a gufen (blake3) root is {ROOT_SIZE}")]
    RootLength { len: usize },
    #[error("checkpoint origin {origin:?} is not this collective's ({expected:?})")]
    WrongOrigin { origin: String, expected: String },
    #[error("expected a {expected} key for {name}")]
    WrongKeyType { name: String, expected: KeyType },
    #[error("the log key {name} did not sign this checkpoint")]
    MissingLogSignature { name: String },
    #[error("cosignature line is from {name}+{key_id:08x}, not from the given cosigner")]
    NotThisCosigner { name: String, key_id: u32 },
    #[error("a cosignature/v1 signature is {COSIGNATURE_SIZE} bytes, this one is {len}")]
    CosignatureLength { len: usize },
    #[error("cosignature is not valid base64")]
    CosignatureEncoding,
    #[error("cosignature timestamp {0} exceeds 2^63 - 1")]
    TimestampTooLarge(u64),
    #[error("invalid cosignature from {name}+{key_id:08x}")]
    InvalidCosignature { name: String, key_id: u32 },
}

/// The origin line of a collective's ledger checkpoints: `gufen/<credit code>/blake3`.
/// `collective_code` is the collective's 18-character unified social credit code as
/// `gufen_core::ids::OrgCode` spells it (upper case, no spaces).
pub fn origin(collective_code: &str) -> String {
    format!("{ORIGIN_PREFIX}{collective_code}{ORIGIN_SUFFIX}")
}

/// The collective code an origin names, if it is a gufen ledger origin.
pub fn origin_code(origin: &str) -> Option<&str> {
    let code = origin
        .strip_prefix(ORIGIN_PREFIX)?
        .strip_suffix(ORIGIN_SUFFIX)?;
    (!code.is_empty() && !code.contains('/')).then_some(code)
}

/// The checkpoint body of a note: its text up to the blank line before the signatures (all of
/// it when the note is an unsigned body). A checkpoint body holds no blank line, so the first
/// blank line is the note's last.
pub fn note_body(note: &str) -> &str {
    match note.find("\n\n") {
        Some(at) => &note[..at + 1],
        None => note,
    }
}

/// A checkpoint: the tree head of a log at one size.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    pub origin: String,
    pub size: u64,
    pub root: [u8; ROOT_SIZE],
    /// Extension lines, without newlines. C2SP does not recommend them (monitors cannot audit
    /// them); gufen writes none, but keeps those it reads so that bodies round-trip.
    pub extensions: Vec<String>,
}

/// Formats a checkpoint body for a root of any length: `origin\nsize\nbase64(root)\n` then one
/// line per extension. [`Checkpoint::body`] is this with a 32-byte root; the general form
/// exists to pin the format against other logs' vectors.
pub fn body_text(origin: &str, size: u64, root: &[u8], extensions: &[String]) -> String {
    let mut body = format!("{origin}\n{size}\n{}\n", BASE64.encode(root));
    for line in extensions {
        body.push_str(line);
        body.push('\n');
    }
    body
}

/// Parses a tree size: ASCII decimal, no sign, no leading zero (except "0"), fits in u64. One
/// size has one spelling, so two logs cannot sign differently spelled equal checkpoints.
fn parse_size(line: &str) -> Result<u64, CheckpointError> {
    if line.is_empty() || !line.bytes().all(|b| b.is_ascii_digit()) {
        return Err(CheckpointError::Malformed(
            "tree size is not a decimal number",
        ));
    }
    if line.len() > 1 && line.starts_with('0') {
        return Err(CheckpointError::Malformed("tree size has a leading zero"));
    }
    line.parse::<u64>()
        .map_err(|_| CheckpointError::Malformed("tree size does not fit in 64 bits"))
}

/// Whether a line may be an origin or extension line: non-empty, no control characters
/// (newline included), so the body has exactly the lines it appears to have.
fn is_valid_line(line: &str) -> bool {
    !line.is_empty() && !line.chars().any(char::is_control)
}

impl Checkpoint {
    /// A checkpoint without extension lines (what gufen publishes).
    pub fn new(origin: impl Into<String>, size: u64, root: [u8; ROOT_SIZE]) -> Checkpoint {
        Checkpoint {
            origin: origin.into(),
            size,
            root,
            extensions: Vec::new(),
        }
    }

    /// The exact body text that is signed: `origin\nsize\nbase64(root)\n` + extension lines.
    pub fn body(&self) -> String {
        body_text(&self.origin, self.size, &self.root, &self.extensions)
    }

    /// Parses a body. Refuses: no final newline, fewer than three lines, an empty origin, a
    /// size that is not canonical decimal or overflows u64, a root that is not base64 or not
    /// 32 bytes, an empty extension line (C2SP: extension lines MUST be non-empty).
    pub fn parse(body: &str) -> Result<Checkpoint, CheckpointError> {
        if body.len() > MAX_NOTE_SIZE {
            return Err(CheckpointError::Malformed(
                "body longer than the note size limit",
            ));
        }
        let content = body
            .strip_suffix('\n')
            .ok_or(CheckpointError::Malformed("body does not end in a newline"))?;
        let mut lines = content.split('\n');
        let origin = lines.next().unwrap_or_default();
        if !is_valid_line(origin) {
            return Err(CheckpointError::Malformed(
                "origin line is empty or has control characters",
            ));
        }
        let size = parse_size(
            lines
                .next()
                .ok_or(CheckpointError::Malformed("missing tree size line"))?,
        )?;
        let root_line = lines
            .next()
            .ok_or(CheckpointError::Malformed("missing root hash line"))?;
        let root = BASE64
            .decode(root_line)
            .map_err(|_| CheckpointError::Malformed("root hash is not standard base64"))?;
        let extensions: Vec<String> = lines.map(str::to_string).collect();
        if !extensions.iter().all(|line| is_valid_line(line)) {
            return Err(CheckpointError::Malformed(
                "extension line is empty or has control characters",
            ));
        }
        let root: [u8; ROOT_SIZE] = root
            .as_slice()
            .try_into()
            .map_err(|_| CheckpointError::RootLength { len: root.len() })?;
        Ok(Checkpoint {
            origin: origin.to_string(),
            size,
            root,
            extensions,
        })
    }

    /// Checks that the fields make a body that parses back to them (fields are public, so a
    /// caller could have put a newline in the origin).
    pub fn validate(&self) -> Result<(), CheckpointError> {
        if !is_valid_line(&self.origin) {
            return Err(CheckpointError::Malformed(
                "origin line is empty or has control characters",
            ));
        }
        if !self.extensions.iter().all(|line| is_valid_line(line)) {
            return Err(CheckpointError::Malformed(
                "extension line is empty or has control characters",
            ));
        }
        Ok(())
    }

    /// Checks that this is a checkpoint of the given collective's ledger (its origin is
    /// exactly [`origin`]`(collective_code)`), so a valid checkpoint of another collective, or
    /// of another log that trusts the same key, is not taken for this one.
    pub fn check_origin(&self, collective_code: &str) -> Result<(), CheckpointError> {
        let expected = origin(collective_code);
        if self.origin == expected {
            Ok(())
        } else {
            Err(CheckpointError::WrongOrigin {
                origin: self.origin.clone(),
                expected,
            })
        }
    }

    /// Signs the body as a note with the log's key.
    pub fn sign(&self, signer: &Signer) -> Result<String, CheckpointError> {
        self.validate()?;
        Ok(note::sign(&self.body(), &[signer])?)
    }
}

/// The message a cosignature/v1 signs: `"cosignature/v1\ntime <ts>\n" ‖ body`.
pub fn cosignature_message(checkpoint_body: &str, timestamp: u64) -> String {
    format!("{COSIGNATURE_HEADER}time {timestamp}\n{checkpoint_body}")
}

/// Cosigns a checkpoint body as a witness at `timestamp` (seconds since the epoch) and returns
/// the signature line `— <name> base64(keyID ‖ u64 BE timestamp ‖ signature)`, without its
/// newline. The key ID is the signer's cosigner (type 0x04) ID.
pub fn cosign(
    signer: &Signer,
    checkpoint_body: &str,
    timestamp: u64,
) -> Result<String, CheckpointError> {
    if timestamp > i64::MAX as u64 {
        return Err(CheckpointError::TimestampTooLarge(timestamp));
    }
    check_text(checkpoint_body)?;
    let signature = signer.sign_raw(cosignature_message(checkpoint_body, timestamp).as_bytes());
    let mut bytes = Vec::with_capacity(COSIGNATURE_SIZE);
    bytes.extend_from_slice(&signer.cosigner_key_id().to_be_bytes());
    bytes.extend_from_slice(&timestamp.to_be_bytes());
    bytes.extend_from_slice(&signature);
    Ok(Signature {
        name: signer.name().to_string(),
        key_id: signer.cosigner_key_id(),
        base64: BASE64.encode(&bytes),
    }
    .line())
}

/// Verifies one cosignature line over a checkpoint body with a witness's cosigner key and
/// returns its timestamp. The line must carry the witness's name and key ID.
pub fn verify_cosignature(
    cosigner: &Verifier,
    checkpoint_body: &str,
    line: &str,
) -> Result<u64, CheckpointError> {
    if cosigner.key_type() != KeyType::CosignatureV1 {
        return Err(CheckpointError::WrongKeyType {
            name: cosigner.name().to_string(),
            expected: KeyType::CosignatureV1,
        });
    }
    let signature = Signature::parse_line(line)?;
    if !cosigner.matches(&signature.name, signature.key_id) {
        return Err(CheckpointError::NotThisCosigner {
            name: signature.name,
            key_id: signature.key_id,
        });
    }
    let payload = signature.payload()?;
    if payload.len() != COSIGNATURE_PAYLOAD_LEN {
        return Err(CheckpointError::CosignatureLength {
            len: 4 + payload.len(),
        });
    }
    match cosigner.verify_payload(checkpoint_body, &payload) {
        Some(Some(timestamp)) => Ok(timestamp),
        _ => Err(CheckpointError::InvalidCosignature {
            name: signature.name,
            key_id: signature.key_id,
        }),
    }
}

/// Reads the timestamp of a cosignature/v1 signature (the base64 field of its line) without
/// verifying it. Anything but exactly 76 decoded bytes is refused: a 68-byte plain note
/// signature has no timestamp, and reading one out of it would report garbage.
pub fn cosignature_timestamp(signature_b64: &str) -> Result<u64, CheckpointError> {
    let bytes = BASE64
        .decode(signature_b64)
        .map_err(|_| CheckpointError::CosignatureEncoding)?;
    if bytes.len() != COSIGNATURE_SIZE {
        return Err(CheckpointError::CosignatureLength { len: bytes.len() });
    }
    let mut time = [0u8; 8];
    time.copy_from_slice(&bytes[4..12]);
    Ok(u64::from_be_bytes(time))
}

/// A witness cosignature that verified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WitnessCosignature {
    pub name: String,
    pub key_id: u32,
    /// When the witness cosigned, in seconds since the epoch.
    pub timestamp: u64,
}

/// A checkpoint note opened with the log's key and the witnesses a reader trusts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedCheckpoint {
    pub checkpoint: Checkpoint,
    /// The whole note, every line kept (for re-publishing or merging).
    pub note: Note,
    /// The witnesses whose cosignatures verified, in note order.
    pub cosignatures: Vec<WitnessCosignature>,
    /// Lines from keys that were not configured: reported, never counted.
    pub unverified: Vec<Signature>,
}

impl SignedCheckpoint {
    /// Opens a checkpoint note. The log's signature must be present and verify (a witness
    /// cosignature alone does not make a checkpoint), a configured witness's line must verify,
    /// and the body must parse as a checkpoint. The log key's name need not equal the origin
    /// (sum.golang.org signs "go.sum database tree"); use [`Checkpoint::check_origin`] for
    /// gufen's own checkpoints.
    pub fn open(
        note_bytes: &[u8],
        log: &Verifier,
        witnesses: &[Verifier],
    ) -> Result<SignedCheckpoint, CheckpointError> {
        if log.key_type() != KeyType::Ed25519 {
            return Err(CheckpointError::WrongKeyType {
                name: log.name().to_string(),
                expected: KeyType::Ed25519,
            });
        }
        if let Some(w) = witnesses
            .iter()
            .find(|w| w.key_type() != KeyType::CosignatureV1)
        {
            return Err(CheckpointError::WrongKeyType {
                name: w.name().to_string(),
                expected: KeyType::CosignatureV1,
            });
        }
        let mut verifiers = Vec::with_capacity(1 + witnesses.len());
        verifiers.push(log.clone());
        verifiers.extend_from_slice(witnesses);
        let opened = note::open(note_bytes, &verifiers)?;
        if !opened
            .verified
            .iter()
            .any(|v| log.matches(&v.signature.name, v.signature.key_id))
        {
            return Err(CheckpointError::MissingLogSignature {
                name: log.name().to_string(),
            });
        }
        let checkpoint = Checkpoint::parse(&opened.text)?;
        let cosignatures = opened
            .verified
            .iter()
            .filter_map(|v| {
                v.timestamp.map(|timestamp| WitnessCosignature {
                    name: v.signature.name.clone(),
                    key_id: v.signature.key_id,
                    timestamp,
                })
            })
            .collect();
        Ok(SignedCheckpoint {
            checkpoint,
            note: Note::parse(note_bytes)?,
            cosignatures,
            unverified: opened.unverified,
        })
    }

    /// When the named witness cosigned, if it did.
    pub fn cosigned_by(&self, witness: &str) -> Option<u64> {
        self.cosignatures
            .iter()
            .find(|c| c.name == witness)
            .map(|c| c.timestamp)
    }
}

/// Adds cosignature lines to a signed checkpoint note: `cosignatures` are lines as returned by
/// [`cosign`] (or received from witnesses). Nothing is verified here; open the result with
/// [`SignedCheckpoint::open`] to trust it.
pub fn add_cosignatures(note_bytes: &[u8], cosignatures: &[&str]) -> Result<String, NoteError> {
    let mut note = Note::parse(note_bytes)?;
    let lines = cosignatures
        .iter()
        .map(|line| Signature::parse_line(line))
        .collect::<Result<Vec<_>, _>>()?;
    note.merge(&Note {
        text: note.text.clone(),
        signatures: lines,
    })?;
    Ok(note.encode())
}
