//! C2SP signed notes (<https://c2sp.org/signed-note>), Ed25519 only.
//!
//! A signed note is a UTF-8 text ending in a newline, a blank line, and one or more signature
//! lines `— <key name> base64(key ID ‖ signature)`. The ledger publishes its checkpoints
//! (see [`crate::checkpoint`]) as signed notes so that anyone holding the ledger's verifier key
//! (a *vkey*) can check them with off-the-shelf tools (golang.org/x/mod/sumdb/note,
//! transparency-dev, sigsum, litewitness), and so that witnesses can add their cosignatures as
//! further signature lines.
//!
//! Two signature types are understood, because those are the two the ledger needs:
//! - `0x01`, plain Ed25519 over the note text: the ledger's own signature;
//! - `0x04`, cosignature/v1 (<https://c2sp.org/tlog-cosignature>): a witness's timestamped
//!   Ed25519 signature over `"cosignature/v1\ntime <ts>\n" ‖ text`.
//!
//! Every other type (ECDSA `0x02`, RFC 6962 `0x05`, ML-DSA `0x06`, …) is refused when a key is
//! configured. A signature line from such a key is simply an unknown line, as the spec requires.
//!
//! Opening follows golang.org/x/mod/sumdb/note, whose behaviour the published vectors record:
//! - the text ends at the LAST blank line;
//! - a line whose name AND key ID match a configured key must verify, otherwise the whole note
//!   is rejected (a known key never signs garbage, so garbage means tampering);
//! - a line matching no configured key (only the name, or only the key ID, is not a match) is
//!   kept as unverified, once per distinct line;
//! - repeated lines from one known key count once;
//! - a note with no verified signature is rejected;
//! - malformed lines (no em dash, bad name, bad base64, fewer than 5 decoded bytes) reject the
//!   note. This includes sigsum-go's `— example.org/log DEAD` (3 bytes), which sigsum-go
//!   ignores: C2SP says a signature is 4+n bytes, and a reader that shrugs at malformed lines
//!   invites two readers to disagree about one note.
//!
//! Limits, so that a hostile note cannot make a verifier spend without bound:
//! [`MAX_NOTE_SIZE`] bytes and [`MAX_SIGNATURES`] signature lines (C2SP requires at least 16).
//!
//! Where this module is stricter than golang.org/x/mod: base64 must be canonical (no stray
//! trailing bits, so one signature has one spelling and duplicate detection is exact), the key
//! ID in a vkey must be lowercase hex (as C2SP writes it), and Ed25519 verification is
//! `verify_strict` (weak keys and small-order points refused).

use std::fmt;

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use ed25519_dalek::{Signature as EdSignature, Signer as _, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};
use zeroize::Zeroize as _;

/// The largest note [`open`] and [`Note::parse`] accept, in bytes. A checkpoint with a few dozen
/// cosignatures is a few kilobytes; a mebibyte leaves room for long extension lines while
/// bounding the work a hostile note can cause.
pub const MAX_NOTE_SIZE: usize = 1 << 20;

/// The most signature lines a note may carry (golang.org/x/mod's limit; C2SP requires at least
/// 16). Each known line costs a signature verification, so the count is bounded.
pub const MAX_SIGNATURES: usize = 100;

/// Every signature line starts with U+2014 EM DASH and a space.
const SIGNATURE_PREFIX: &str = "\u{2014} ";

/// The ASCII header of a vkey's private counterpart (golang.org/x/mod format).
const SKEY_PREFIX: &str = "PRIVATE+KEY+";

/// Length of an Ed25519 signature.
const ED25519_SIGNATURE_LEN: usize = 64;

/// Length of a cosignature/v1 payload after the key ID: u64 timestamp ‖ Ed25519 signature.
pub(crate) const COSIGNATURE_PAYLOAD_LEN: usize = 8 + ED25519_SIGNATURE_LEN;

/// A signature type this module understands. The type byte enters the key ID, so the same
/// Ed25519 key has a different key ID as a note signer and as a cosigner.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeyType {
    /// `0x01`: Ed25519 over the note text (C2SP signed-note).
    Ed25519,
    /// `0x04`: timestamped Ed25519 checkpoint cosignature (C2SP tlog-cosignature, v1).
    CosignatureV1,
}

impl KeyType {
    /// The signature type identifier byte assigned by C2SP.
    pub fn byte(self) -> u8 {
        match self {
            KeyType::Ed25519 => 0x01,
            KeyType::CosignatureV1 => 0x04,
        }
    }

    fn from_byte(byte: u8) -> Option<KeyType> {
        match byte {
            0x01 => Some(KeyType::Ed25519),
            0x04 => Some(KeyType::CosignatureV1),
            _ => None,
        }
    }
}

impl fmt::Display for KeyType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyType::Ed25519 => f.write_str("Ed25519 (0x01)"),
            KeyType::CosignatureV1 => f.write_str("cosignature/v1 (0x04)"),
        }
    }
}

/// Why a key, a text or a note was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoteError {
    #[error("note is {size} bytes, over the {max}-byte limit", max = MAX_NOTE_SIZE)]
    TooLarge { size: usize },
    #[error("malformed note: {0}")]
    Malformed(&'static str),
    #[error("note has more than {max} signature lines", max = MAX_SIGNATURES)]
    TooManySignatures,
    #[error("text cannot be signed: {0}")]
    InvalidText(&'static str),
    #[error("invalid key name {0:?}: a name must be non-empty, without spaces, '+' or control characters")]
    InvalidName(String),
    #[error("invalid key: {0}")]
    InvalidKey(&'static str),
    #[error("key ID {stated:08x} of {name} does not match the key (computed {computed:08x})")]
    KeyIdMismatch {
        name: String,
        stated: u32,
        computed: u32,
    },
    #[error("unsupported signature type 0x{0:02x} (only Ed25519 0x01 and cosignature/v1 0x04)")]
    UnsupportedKeyType(u8),
    #[error("expected a {expected} key, found type 0x{found:02x}")]
    WrongKeyType { expected: KeyType, found: u8 },
    #[error("ambiguous key {name}+{key_id:08x}: configured more than once")]
    AmbiguousKey { name: String, key_id: u32 },
    #[error("invalid signature for key {name}+{key_id:08x}")]
    InvalidSignature { name: String, key_id: u32 },
    #[error("note has no verifiable signature ({unverified} from unknown keys)")]
    NoVerifiedSignature { unverified: usize },
    #[error("the two notes sign different texts")]
    DifferentText,
    #[error("operating system random number generator failed: {0}")]
    Random(String),
}

/// The C2SP key ID: the first 4 bytes (big-endian) of SHA-256(name ‖ 0x0A ‖ type ‖ public key).
/// It only names a key (it is not a fingerprint); the verifier's configured key is what counts.
pub fn key_id(name: &str, key_type: KeyType, public_key: &[u8; 32]) -> u32 {
    let mut hasher = Sha256::new();
    hasher.update(name.as_bytes());
    hasher.update([b'\n', key_type.byte()]);
    hasher.update(public_key);
    let digest = hasher.finalize();
    u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]])
}

/// Whether `name` may name a key: non-empty, no Unicode space, no `+` (the vkey separator), no
/// control character. The same rule applies to names on signature lines.
pub fn is_valid_name(name: &str) -> bool {
    !name.is_empty()
        && !name
            .chars()
            .any(|c| c.is_whitespace() || c == '+' || c.is_control())
}

fn check_name(name: &str) -> Result<(), NoteError> {
    if is_valid_name(name) {
        Ok(())
    } else {
        Err(NoteError::InvalidName(name.to_string()))
    }
}

/// Checks a text before signing: the signed bytes must round-trip through [`open`], so they
/// follow the same rules (UTF-8 by type, final newline, no control character but newline,
/// within the size limit).
pub(crate) fn check_text(text: &str) -> Result<(), NoteError> {
    if text.len() > MAX_NOTE_SIZE {
        return Err(NoteError::InvalidText("longer than the note size limit"));
    }
    if !text.ends_with('\n') {
        return Err(NoteError::InvalidText("must end in a newline"));
    }
    if text.chars().any(|c| c < ' ' && c != '\n') {
        return Err(NoteError::InvalidText(
            "contains a control character other than newline",
        ));
    }
    Ok(())
}

/// Parses the 8 hex digits of a key ID: exactly 8, lowercase (C2SP's fixed-length lowercase hex).
fn parse_key_id_hex(hex: &str) -> Option<u32> {
    if hex.len() != 8
        || !hex
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        return None;
    }
    u32::from_str_radix(hex, 16).ok()
}

/// Decodes a key's `type ‖ material` part: canonical standard base64, a known type byte and 32
/// bytes of key material.
fn decode_typed_key(b64: &str) -> Result<(KeyType, [u8; 32]), NoteError> {
    let bytes = BASE64
        .decode(b64)
        .map_err(|_| NoteError::InvalidKey("key material is not standard base64"))?;
    let (&type_byte, material) = bytes
        .split_first()
        .ok_or(NoteError::InvalidKey("key material is empty"))?;
    let key_type = KeyType::from_byte(type_byte).ok_or(NoteError::UnsupportedKeyType(type_byte))?;
    let material: [u8; 32] = material
        .try_into()
        .map_err(|_| NoteError::InvalidKey("an Ed25519 key is 32 bytes"))?;
    Ok((key_type, material))
}

/// Holds an Ed25519 private key under a name, and signs notes (type 0x01) and checkpoint
/// cosignatures (type 0x04) with it.
///
/// The seed is secret: [`Signer::skey`] prints it, `Debug` does not. The key bytes are wiped
/// from memory when the signer is dropped (ed25519-dalek's `zeroize`); strings returned by
/// `skey()` are the caller's to protect.
pub struct Signer {
    name: String,
    key: SigningKey,
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signer")
            .field("name", &self.name)
            .field("vkey", &self.vkey())
            .finish_non_exhaustive()
    }
}

impl Signer {
    /// Reads a golang.org/x/mod signer key `PRIVATE+KEY+<name>+<8 hex>+base64(0x01 ‖ seed)`.
    /// The key ID is checked against the public key derived from the seed, so a key whose
    /// parts were mixed up is refused rather than signing under a wrong ID.
    pub fn from_skey(skey: &str) -> Result<Signer, NoteError> {
        let rest = skey.strip_prefix(SKEY_PREFIX).ok_or(NoteError::InvalidKey(
            "a signer key starts with PRIVATE+KEY+",
        ))?;
        let (name, rest) = rest.split_once('+').ok_or(NoteError::InvalidKey(
            "a signer key has five '+'-separated parts",
        ))?;
        let (id_hex, b64) = rest.split_once('+').ok_or(NoteError::InvalidKey(
            "a signer key has five '+'-separated parts",
        ))?;
        check_name(name)?;
        let stated = parse_key_id_hex(id_hex).ok_or(NoteError::InvalidKey(
            "key ID must be 8 lowercase hex digits",
        ))?;
        let (key_type, seed) = decode_typed_key(b64)?;
        // The skey format stores the seed under the note type; cosigning derives its own ID.
        if key_type != KeyType::Ed25519 {
            return Err(NoteError::WrongKeyType {
                expected: KeyType::Ed25519,
                found: key_type.byte(),
            });
        }
        let signer = Signer::from_seed(name, seed)?;
        let computed = signer.key_id();
        if computed != stated {
            return Err(NoteError::KeyIdMismatch {
                name: name.to_string(),
                stated,
                computed,
            });
        }
        Ok(signer)
    }

    /// A signer from a 32-byte Ed25519 seed (RFC 8032 private key).
    pub fn from_seed(name: &str, seed: [u8; 32]) -> Result<Signer, NoteError> {
        check_name(name)?;
        Ok(Signer {
            name: name.to_string(),
            key: SigningKey::from_bytes(&seed),
        })
    }

    /// A fresh key from the operating system's random number generator.
    pub fn generate(name: &str) -> Result<Signer, NoteError> {
        check_name(name)?;
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).map_err(|e| NoteError::Random(e.to_string()))?;
        let signer = Signer::from_seed(name, seed);
        // The signing key holds its own copy, wiped on drop; wipe this one too.
        seed.zeroize();
        signer
    }

    /// The key name written on signature lines.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The 32-byte Ed25519 public key.
    pub fn public_key(&self) -> [u8; 32] {
        self.key.verifying_key().to_bytes()
    }

    /// The key ID of this key as a note signer (type 0x01).
    pub fn key_id(&self) -> u32 {
        key_id(&self.name, KeyType::Ed25519, &self.public_key())
    }

    /// The key ID of this key as a checkpoint cosigner (type 0x04).
    pub fn cosigner_key_id(&self) -> u32 {
        key_id(&self.name, KeyType::CosignatureV1, &self.public_key())
    }

    /// The secret signer key, `PRIVATE+KEY+<name>+<8 hex>+base64(0x01 ‖ seed)`.
    pub fn skey(&self) -> String {
        let mut bytes = Vec::with_capacity(33);
        bytes.push(KeyType::Ed25519.byte());
        bytes.extend_from_slice(self.key.as_bytes());
        format!(
            "{SKEY_PREFIX}{}+{:08x}+{}",
            self.name,
            self.key_id(),
            BASE64.encode(&bytes)
        )
    }

    fn vkey_of(&self, key_type: KeyType) -> String {
        let public = self.public_key();
        let mut bytes = Vec::with_capacity(33);
        bytes.push(key_type.byte());
        bytes.extend_from_slice(&public);
        format!(
            "{}+{:08x}+{}",
            self.name,
            key_id(&self.name, key_type, &public),
            BASE64.encode(&bytes)
        )
    }

    /// The verifier key of this signer as a note signer (type 0x01): what readers configure to
    /// check the ledger's checkpoints.
    pub fn vkey(&self) -> String {
        self.vkey_of(KeyType::Ed25519)
    }

    /// The verifier key of this signer as a witness (type 0x04): what readers configure to
    /// count this witness's cosignatures.
    pub fn cosigner_vkey(&self) -> String {
        self.vkey_of(KeyType::CosignatureV1)
    }

    /// The signature line (without its newline) for `text` as a plain note signature.
    fn note_signature(&self, text: &str) -> Signature {
        let signature = self.key.sign(text.as_bytes()).to_bytes();
        let mut bytes = Vec::with_capacity(4 + ED25519_SIGNATURE_LEN);
        bytes.extend_from_slice(&self.key_id().to_be_bytes());
        bytes.extend_from_slice(&signature);
        Signature {
            name: self.name.clone(),
            key_id: self.key_id(),
            base64: BASE64.encode(&bytes),
        }
    }

    /// Raw Ed25519 signature over `message`, for the cosignature/v1 layer.
    pub(crate) fn sign_raw(&self, message: &[u8]) -> [u8; 64] {
        self.key.sign(message).to_bytes()
    }
}

/// A configured public key that can verify signature lines: a log's note key (type 0x01) or a
/// witness's cosigner key (type 0x04).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verifier {
    name: String,
    key_id: u32,
    key_type: KeyType,
    key: VerifyingKey,
}

impl Verifier {
    /// Reads a note verifier key `<name>+<8 hex>+base64(0x01 ‖ public key)`. A cosigner key
    /// (0x04) is refused here: a witness key must not be mistaken for the log's own key.
    pub fn new(vkey: &str) -> Result<Verifier, NoteError> {
        Verifier::parse(vkey, KeyType::Ed25519)
    }

    /// Reads a witness's cosigner key `<name>+<8 hex>+base64(0x04 ‖ public key)`.
    pub fn cosigner(vkey: &str) -> Result<Verifier, NoteError> {
        Verifier::parse(vkey, KeyType::CosignatureV1)
    }

    /// Splits on the first two `+` only: the base64 part may itself contain `+`.
    fn parse(vkey: &str, expected: KeyType) -> Result<Verifier, NoteError> {
        let (name, rest) = vkey.split_once('+').ok_or(NoteError::InvalidKey(
            "a vkey has three '+'-separated parts",
        ))?;
        let (id_hex, b64) = rest.split_once('+').ok_or(NoteError::InvalidKey(
            "a vkey has three '+'-separated parts",
        ))?;
        check_name(name)?;
        let stated = parse_key_id_hex(id_hex).ok_or(NoteError::InvalidKey(
            "key ID must be 8 lowercase hex digits",
        ))?;
        let (key_type, public) = decode_typed_key(b64)?;
        let computed = key_id(name, key_type, &public);
        if computed != stated {
            return Err(NoteError::KeyIdMismatch {
                name: name.to_string(),
                stated,
                computed,
            });
        }
        if key_type != expected {
            return Err(NoteError::WrongKeyType {
                expected,
                found: key_type.byte(),
            });
        }
        Verifier::from_public_key(name, key_type, public)
    }

    /// A verifier from raw parts, e.g. a key distributed in another form (DER, hex).
    pub fn from_public_key(
        name: &str,
        key_type: KeyType,
        public_key: [u8; 32],
    ) -> Result<Verifier, NoteError> {
        check_name(name)?;
        let key = VerifyingKey::from_bytes(&public_key)
            .map_err(|_| NoteError::InvalidKey("not a valid Ed25519 public key"))?;
        if key.is_weak() {
            return Err(NoteError::InvalidKey(
                "weak (small-order) Ed25519 public key",
            ));
        }
        Ok(Verifier {
            name: name.to_string(),
            key_id: key_id(name, key_type, &public_key),
            key_type,
            key,
        })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn key_id(&self) -> u32 {
        self.key_id
    }

    pub fn key_type(&self) -> KeyType {
        self.key_type
    }

    pub fn public_key(&self) -> [u8; 32] {
        self.key.to_bytes()
    }

    /// The vkey string this verifier was (or could have been) read from.
    pub fn vkey(&self) -> String {
        let mut bytes = Vec::with_capacity(33);
        bytes.push(self.key_type.byte());
        bytes.extend_from_slice(self.key.as_bytes());
        format!(
            "{}+{:08x}+{}",
            self.name,
            self.key_id,
            BASE64.encode(&bytes)
        )
    }

    /// Whether a signature line names this key (name AND key ID).
    pub fn matches(&self, name: &str, key_id: u32) -> bool {
        self.name == name && self.key_id == key_id
    }

    /// Checks the part of a signature after the key ID against `text`. Returns the
    /// cosignature timestamp for type 0x04, `None` inside `Some` for plain signatures, and
    /// `None` when the signature does not verify (including a payload of the wrong length).
    pub(crate) fn verify_payload(&self, text: &str, payload: &[u8]) -> Option<Option<u64>> {
        match self.key_type {
            KeyType::Ed25519 => {
                let bytes: [u8; ED25519_SIGNATURE_LEN] = payload.try_into().ok()?;
                let signature = EdSignature::from_bytes(&bytes);
                self.key
                    .verify_strict(text.as_bytes(), &signature)
                    .ok()
                    .map(|()| None)
            }
            KeyType::CosignatureV1 => {
                if payload.len() != COSIGNATURE_PAYLOAD_LEN {
                    return None;
                }
                let (time, signature) = payload.split_at(8);
                let timestamp = u64::from_be_bytes(time.try_into().ok()?);
                if timestamp > i64::MAX as u64 {
                    return None;
                }
                let bytes: [u8; ED25519_SIGNATURE_LEN] = signature.try_into().ok()?;
                let message = crate::checkpoint::cosignature_message(text, timestamp);
                self.key
                    .verify_strict(message.as_bytes(), &EdSignature::from_bytes(&bytes))
                    .ok()
                    .map(|()| Some(timestamp))
            }
        }
    }
}

/// One signature line, as written: the key name, the key ID (first 4 decoded bytes) and the
/// whole base64 field (key ID included), kept verbatim so a note can be re-emitted unchanged.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Signature {
    pub name: String,
    pub key_id: u32,
    pub base64: String,
}

impl Signature {
    /// Parses one signature line `— <name> <base64>` (without its newline). Refuses what
    /// golang.org/x/mod refuses: no em dash prefix, an invalid name, non-base64, or fewer than
    /// 5 decoded bytes (a key ID needs 4, and a signature at least 1).
    pub fn parse_line(line: &str) -> Result<Signature, NoteError> {
        let rest = line
            .strip_prefix(SIGNATURE_PREFIX)
            .ok_or(NoteError::Malformed(
                "signature line does not start with '— '",
            ))?;
        let (name, b64) = rest.split_once(' ').ok_or(NoteError::Malformed(
            "signature line has no space after the name",
        ))?;
        if !is_valid_name(name) {
            return Err(NoteError::Malformed("invalid key name on a signature line"));
        }
        let bytes = BASE64
            .decode(b64)
            .map_err(|_| NoteError::Malformed("signature is not standard base64"))?;
        if bytes.len() < 5 {
            return Err(NoteError::Malformed(
                "signature shorter than a key ID and one byte",
            ));
        }
        Ok(Signature {
            name: name.to_string(),
            key_id: u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]),
            base64: b64.to_string(),
        })
    }

    /// The line as it appears in a note, without the final newline.
    pub fn line(&self) -> String {
        format!("{SIGNATURE_PREFIX}{} {}", self.name, self.base64)
    }

    /// The decoded bytes after the key ID.
    pub fn payload(&self) -> Result<Vec<u8>, NoteError> {
        let mut bytes = BASE64
            .decode(&self.base64)
            .map_err(|_| NoteError::Malformed("signature is not standard base64"))?;
        if bytes.len() < 5 {
            return Err(NoteError::Malformed(
                "signature shorter than a key ID and one byte",
            ));
        }
        Ok(bytes.split_off(4))
    }
}

/// A note split into its text and all its signature lines, in order, nothing verified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    /// The signed text, ending in a newline (the blank separator line is not part of it).
    pub text: String,
    pub signatures: Vec<Signature>,
}

impl Note {
    /// Checks a note's format and splits it, without verifying anything. Use [`open`] to
    /// trust a note; this is for inspecting or re-assembling one.
    pub fn parse(msg: &[u8]) -> Result<Note, NoteError> {
        if msg.len() > MAX_NOTE_SIZE {
            return Err(NoteError::TooLarge { size: msg.len() });
        }
        let msg = std::str::from_utf8(msg).map_err(|_| NoteError::Malformed("not valid UTF-8"))?;
        if msg.chars().any(|c| c < ' ' && c != '\n') {
            return Err(NoteError::Malformed(
                "contains a control character other than newline",
            ));
        }
        let split = msg
            .rfind("\n\n")
            .ok_or(NoteError::Malformed("no blank line before the signatures"))?;
        let (text, signatures) = (&msg[..split + 1], &msg[split + 2..]);
        if signatures.is_empty() {
            return Err(NoteError::Malformed("no signature lines"));
        }
        let lines = signatures.strip_suffix('\n').ok_or(NoteError::Malformed(
            "last signature line has no final newline",
        ))?;
        let mut parsed = Vec::new();
        for line in lines.split('\n') {
            if parsed.len() == MAX_SIGNATURES {
                return Err(NoteError::TooManySignatures);
            }
            parsed.push(Signature::parse_line(line)?);
        }
        Ok(Note {
            text: text.to_string(),
            signatures: parsed,
        })
    }

    /// The note as bytes on the wire: text, blank line, one line per signature.
    pub fn encode(&self) -> String {
        let mut out = String::with_capacity(self.text.len() + 1 + 100 * self.signatures.len());
        out.push_str(&self.text);
        out.push('\n');
        for signature in &self.signatures {
            out.push_str(&signature.line());
            out.push('\n');
        }
        out
    }

    /// Signs the text with each signer (plain Ed25519, type 0x01). An existing line from the
    /// same name and key ID is replaced, others are kept before the new ones (as
    /// golang.org/x/mod's `Sign` does), so re-signing never duplicates a key's line.
    pub fn sign(&mut self, signers: &[&Signer]) -> Result<(), NoteError> {
        check_text(&self.text)?;
        let new: Vec<Signature> = signers
            .iter()
            .map(|signer| signer.note_signature(&self.text))
            .collect();
        self.signatures.retain(|old| {
            !new.iter()
                .any(|n| n.name == old.name && n.key_id == old.key_id)
        });
        self.signatures.extend(new);
        self.check_signature_count()
    }

    /// Adds the other note's signature lines that this note lacks (exact line match). Both
    /// notes must sign the same text: this is how the ledger's own signature and witnesses'
    /// cosignatures, gathered separately, end up in one published checkpoint.
    pub fn merge(&mut self, other: &Note) -> Result<(), NoteError> {
        if self.text != other.text {
            return Err(NoteError::DifferentText);
        }
        for signature in &other.signatures {
            if !self.signatures.contains(signature) {
                self.signatures.push(signature.clone());
            }
        }
        self.check_signature_count()
    }

    fn check_signature_count(&self) -> Result<(), NoteError> {
        if self.signatures.is_empty() {
            return Err(NoteError::Malformed("a note needs at least one signature"));
        }
        if self.signatures.len() > MAX_SIGNATURES {
            return Err(NoteError::TooManySignatures);
        }
        Ok(())
    }
}

/// Signs `text` (which must end in a newline) with each signer and returns the note.
pub fn sign(text: &str, signers: &[&Signer]) -> Result<String, NoteError> {
    let mut note = Note {
        text: text.to_string(),
        signatures: Vec::new(),
    };
    note.sign(signers)?;
    Ok(note.encode())
}

/// Merges the signature lines of two notes over the same text (see [`Note::merge`]): `a`'s
/// lines first, then `b`'s that `a` lacks. Nothing is verified; open the result to trust it.
pub fn merge(a: &[u8], b: &[u8]) -> Result<String, NoteError> {
    let mut note = Note::parse(a)?;
    note.merge(&Note::parse(b)?)?;
    Ok(note.encode())
}

/// A signature line that a configured key verified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verified {
    pub signature: Signature,
    pub key_type: KeyType,
    /// The cosignature's timestamp (seconds since the epoch) for type 0x04; `None` for 0x01.
    pub timestamp: Option<u64>,
}

/// An opened note: its text, the lines configured keys verified, and the lines from unknown
/// keys (kept for the record; they vouch for nothing).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Opened {
    pub text: String,
    pub verified: Vec<Verified>,
    pub unverified: Vec<Signature>,
}

/// Looks up the configured key for a line: both name and key ID must match (matching only one
/// of them is an unknown key). Two configured keys matching one line is a configuration error,
/// reported rather than guessed around.
pub fn find_verifier<'a>(
    verifiers: &'a [Verifier],
    name: &str,
    key_id: u32,
) -> Result<Option<&'a Verifier>, NoteError> {
    let mut matching = verifiers.iter().filter(|v| v.matches(name, key_id));
    let first = matching.next();
    if first.is_some() && matching.next().is_some() {
        return Err(NoteError::AmbiguousKey {
            name: name.to_string(),
            key_id,
        });
    }
    Ok(first)
}

/// Opens a note with the configured keys (see the module documentation for the rules).
/// Succeeds only when at least one configured key verified its line and no configured key's
/// line failed.
pub fn open(msg: &[u8], verifiers: &[Verifier]) -> Result<Opened, NoteError> {
    let note = Note::parse(msg)?;
    let mut verified: Vec<Verified> = Vec::new();
    let mut unverified: Vec<Signature> = Vec::new();
    for signature in note.signatures {
        let Some(verifier) = find_verifier(verifiers, &signature.name, signature.key_id)? else {
            if !unverified.contains(&signature) {
                unverified.push(signature);
            }
            continue;
        };
        if verified
            .iter()
            .any(|v| v.signature.name == signature.name && v.signature.key_id == signature.key_id)
        {
            continue;
        }
        let payload = signature.payload()?;
        let Some(timestamp) = verifier.verify_payload(&note.text, &payload) else {
            return Err(NoteError::InvalidSignature {
                name: signature.name,
                key_id: signature.key_id,
            });
        };
        verified.push(Verified {
            signature,
            key_type: verifier.key_type(),
            timestamp,
        });
    }
    if verified.is_empty() {
        return Err(NoteError::NoVerifiedSignature {
            unverified: unverified.len(),
        });
    }
    Ok(Opened {
        text: note.text,
        verified,
        unverified,
    })
}
