//! Checkpoints and cosignatures against the published vectors
//! (fixtures/vectors/tlog-checkpoint.json, tlog-cosignature-ed25519.json), plus round trips
//! with gufen's own blake3 checkpoints.

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use gufen_ledger::checkpoint::{
    add_cosignatures, body_text, cosign, cosignature_message, cosignature_timestamp, origin,
    origin_code, verify_cosignature, Checkpoint, CheckpointError, SignedCheckpoint,
};
use gufen_ledger::merkle::{MerkleBuilder, MerkleHasher};
use gufen_ledger::note::{self, KeyType, Note, NoteError, Signature, Signer, Verifier};
use serde_json::Value;
use sha2::{Digest, Sha256};

fn checkpoints() -> Value {
    serde_json::from_str(include_str!(
        "../../../fixtures/vectors/tlog-checkpoint.json"
    ))
    .unwrap()
}

fn cosignatures() -> Value {
    serde_json::from_str(include_str!(
        "../../../fixtures/vectors/tlog-cosignature-ed25519.json"
    ))
    .unwrap()
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap()
}

fn list(v: &Value) -> &Vec<Value> {
    v.as_array().unwrap()
}

fn seed(hex_seed: &str) -> [u8; 32] {
    hex::decode(hex_seed).unwrap().try_into().unwrap()
}

fn b64(bytes: &[u8]) -> String {
    BASE64.encode(bytes)
}

/// The vectors' valid bodies all carry roots that are not 32 bytes ("bananas" is 7, "the view
/// from the tree tops is great!" 37, "it's a root hash" 16). transparency-dev/formats accepts
/// any length; gufen's parser knows its hash is 32 bytes and refuses them on purpose, so a
/// root the Merkle code can never match never gets that far. The rest of each body is checked
/// by putting a 32-byte root in its place. "valid with trailing newlines" has empty extension
/// lines, which C2SP forbids (MUST be non-empty), so it is refused too.
#[test]
fn body_parse_vectors() {
    let v = checkpoints();
    let cases = list(&v["body_parse"]);
    assert_eq!(cases.len(), 13);
    let mut refused_for_root_length = Vec::new();
    for case in cases {
        let desc = s(&case["desc"]);
        let body = s(&case["body"]);
        let result = Checkpoint::parse(body);
        if case["valid"] == false {
            assert!(result.is_err(), "{desc}: must be refused");
            continue;
        }
        let root = BASE64.decode(s(&case["root_b64"])).unwrap();
        assert_ne!(root.len(), 32, "{desc}");
        if desc.contains("trailing newlines") {
            assert!(
                matches!(result, Err(CheckpointError::Malformed(_))),
                "{desc}: empty extension lines"
            );
            continue;
        }
        assert_eq!(
            result,
            Err(CheckpointError::RootLength { len: root.len() }),
            "{desc}"
        );
        refused_for_root_length.push(desc.to_string());

        // Same body with a 32-byte root: every other field parses as the vector says.
        let mut lines: Vec<&str> = body.split('\n').collect();
        let root32 = b64(&[7u8; 32]);
        lines[2] = &root32;
        let parsed = Checkpoint::parse(&lines.join("\n")).unwrap_or_else(|e| panic!("{desc}: {e}"));
        assert_eq!(parsed.origin, s(&case["origin"]), "{desc}");
        assert_eq!(parsed.size, case["size"].as_u64().unwrap(), "{desc}");
        assert_eq!(parsed.root, [7u8; 32]);
        let extensions: String = parsed.extensions.iter().map(|l| format!("{l}\n")).collect();
        assert_eq!(extensions, s(&case["extension_lines"]), "{desc}");
        assert_eq!(parsed.body(), lines.join("\n"), "{desc}: body round trip");
    }
    assert_eq!(
        refused_for_root_length,
        [
            "valid one",
            "valid with different origin",
            "valid with trailing data (one extension line)",
            "valid with multiple trailing data lines",
            "extended checkpoint (moon log): two extension lines",
        ]
    );
}

#[test]
fn size_is_canonical_decimal() {
    let root = b64(&[1u8; 32]);
    for (size, ok) in [
        ("0", true),
        ("18446744073709551615", true),
        ("18446744073709551616", false),
        ("00", false),
        ("012", false),
        ("+12", false),
        ("-0", false),
        (" 12", false),
        ("", false),
    ] {
        let body = format!("o\n{size}\n{root}\n");
        assert_eq!(Checkpoint::parse(&body).is_ok(), ok, "size {size:?}");
    }
}

#[test]
fn body_marshal_vectors() {
    let v = checkpoints();
    let cases = list(&v["body_marshal"]);
    assert_eq!(cases.len(), 2);
    for case in cases {
        let body = body_text(
            s(&case["origin"]),
            case["size"].as_u64().unwrap(),
            s(&case["root_ascii"]).as_bytes(),
            &[],
        );
        assert_eq!(body, s(&case["want_body"]));
    }
    let with_root = Checkpoint::new("Log", 123, [0u8; 32]);
    assert_eq!(with_root.body(), format!("Log\n123\n{}\n", b64(&[0u8; 32])));
}

#[test]
fn every_signed_checkpoint_opens_as_the_vectors_say() {
    let v = checkpoints();
    let cases = list(&v["signed_checkpoints"]);
    assert_eq!(cases.len(), 27);
    for case in cases {
        let id = s(&case["id"]);
        let keys = list(&case["verifier_keys"]);
        assert_eq!(keys.len(), 1, "{id}: one log key");
        let log = Verifier::new(s(&keys[0])).unwrap();
        let expected = &case["expected"];
        let result = SignedCheckpoint::open(s(&case["note"]).as_bytes(), &log, &[]);
        match (result, expected["ok"].as_bool().unwrap()) {
            (Ok(signed), true) => {
                let cp = &signed.checkpoint;
                assert_eq!(cp.origin, s(&expected["origin"]), "{id}");
                assert_eq!(cp.size, expected["size"].as_u64().unwrap(), "{id}");
                assert_eq!(b64(&cp.root), s(&expected["root_b64"]), "{id}");
                assert_eq!(cp.extensions.join("\n"), s(&expected["extension_lines"]));
                let verified_by: Vec<&str> = list(&expected["verified_by"]).iter().map(s).collect();
                assert_eq!(verified_by, [log.name()], "{id}");
                assert!(
                    signed.cosignatures.is_empty(),
                    "{id}: no witness configured"
                );
                assert_eq!(signed.note.encode(), s(&case["note"]), "{id}: note kept");
            }
            (Err(_), false) => {}
            (result, ok) => panic!("{id}: expected ok={ok}, got {result:?}"),
        }
    }
}

struct Sha256Hasher;

impl MerkleHasher for Sha256Hasher {
    type Output = [u8; 32];
    fn empty(&self) -> [u8; 32] {
        Sha256::digest(b"").into()
    }
    fn leaf(&self, data: &[u8]) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update([0u8]);
        h.update(data);
        h.finalize().into()
    }
    fn node(&self, left: &[u8; 32], right: &[u8; 32]) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update([1u8]);
        h.update(left);
        h.update(right);
        h.finalize().into()
    }
}

/// tessera's 15-entry test log: each of the 16 checkpoints is re-signed byte for byte from
/// (origin, size, root), and each root is the tree's root over the first n entries.
#[test]
fn tessera_log_checkpoints_are_resigned_byte_for_byte() {
    let v = checkpoints();
    let log = &v["tessera_testdata_log"];
    let signer = Signer::from_skey(s(&log["skey"])).unwrap();
    assert_eq!(signer.vkey(), s(&log["vkey"]));
    let verifier = Verifier::new(s(&log["vkey"])).unwrap();
    let entries: Vec<&str> = list(&log["entries_ascii"]).iter().map(s).collect();
    assert_eq!(entries.len(), 15);
    let cps = list(&log["checkpoints"]);
    assert_eq!(cps.len(), 16);
    let mut tree = MerkleBuilder::new(Sha256Hasher);
    for (n, cp) in cps.iter().enumerate() {
        assert_eq!(cp["size"].as_u64().unwrap(), n as u64);
        if n > 0 {
            tree.push(entries[n - 1].as_bytes());
        }
        assert_eq!(b64(&tree.root()), s(&cp["root_b64"]), "root of size {n}");
        let checkpoint = Checkpoint::new(s(&log["origin"]), n as u64, tree.root());
        assert_eq!(
            checkpoint.sign(&signer).unwrap(),
            s(&cp["note"]),
            "size {n}"
        );
        let opened = SignedCheckpoint::open(s(&cp["note"]).as_bytes(), &verifier, &[]).unwrap();
        assert_eq!(opened.checkpoint, checkpoint);
    }
}

#[test]
fn checkpoint_sign_vectors() {
    let v = checkpoints();
    let cases = list(&v["sign_vectors"]);
    assert_eq!(cases.len(), 4);
    for case in cases {
        let Some(body) = case.get("body") else {
            // The fourth entry points at the tessera log (tested above).
            assert!(s(&case["note"]).contains("tessera"));
            continue;
        };
        let signer = match case.get("skey") {
            Some(skey) => Signer::from_skey(s(skey)).unwrap(),
            None => Signer::from_seed(s(&case["key_name"]), seed(s(&case["seed_hex"]))).unwrap(),
        };
        if let Some(id) = case.get("key_id") {
            assert_eq!(format!("{:08x}", signer.key_id()), s(id));
        }
        let checkpoint = Checkpoint::parse(s(body)).unwrap();
        assert_eq!(checkpoint.body(), s(body));
        assert_eq!(checkpoint.sign(&signer).unwrap(), s(&case["expected_note"]));
    }
}

/// Only the checkpoint side of these cases: both notes open with their log's key and their
/// sizes are the proof's. Checking the proofs belongs to the Merkle module's tests.
#[test]
fn consistency_case_notes_open() {
    let v = checkpoints();
    let keys: Vec<Verifier> = list(&v["signed_checkpoints"])
        .iter()
        .flat_map(|c| {
            list(&c["verifier_keys"])
                .iter()
                .map(|k| Verifier::new(s(k)).unwrap())
        })
        .collect();
    let cases = list(&v["consistency_between_checkpoints"]);
    assert_eq!(cases.len(), 7);
    for case in cases {
        for (field, size) in [("old_note", "size1"), ("new_note", "size2")] {
            let text = s(&case[field]);
            let parsed = Note::parse(text.as_bytes()).unwrap();
            let log = keys
                .iter()
                .find(|k| k.matches(&parsed.signatures[0].name, parsed.signatures[0].key_id))
                .unwrap();
            let signed = SignedCheckpoint::open(text.as_bytes(), log, &[]).unwrap();
            assert_eq!(signed.checkpoint.size, case[size].as_u64().unwrap());
        }
    }
}

#[test]
fn rekor_v2_keys_use_the_standard_key_id() {
    let v = checkpoints();
    for key in list(&v["rekor_v2_keys"]) {
        let der = BASE64.decode(s(&key["public_key_der_b64"])).unwrap();
        let raw: [u8; 32] = der[der.len() - 32..].try_into().unwrap();
        let verifier = Verifier::from_public_key(s(&key["origin"]), KeyType::Ed25519, raw).unwrap();
        assert_eq!(verifier.vkey(), s(&key["vkey"]));
        let log_id = BASE64.decode(s(&key["logId_keyId_b64"])).unwrap();
        assert_eq!(verifier.key_id().to_be_bytes(), log_id[..4]);
    }
}

// ---- cosignatures ----

#[test]
fn cosigner_keys_parse_only_as_cosigners() {
    let v = cosignatures();
    let keys = list(&v["cosigner_keys"]);
    assert_eq!(keys.len(), 5);
    for key in keys {
        let vkey = s(&key["vkey"]);
        let verifier = Verifier::cosigner(vkey).unwrap();
        assert_eq!(verifier.name(), s(&key["name"]));
        assert_eq!(verifier.vkey(), vkey);
        assert!(matches!(
            Verifier::new(vkey),
            Err(NoteError::WrongKeyType { found: 0x04, .. })
        ));
        if let Some(seed_hex) = key.get("seed_hex") {
            let signer = Signer::from_seed(s(&key["name"]), seed(s(seed_hex))).unwrap();
            assert_eq!(signer.cosigner_vkey(), vkey);
        }
    }
}

#[test]
fn real_rekor_checkpoint_with_three_witnesses() {
    let v = cosignatures();
    let case = &list(&v["cosigned_checkpoints"])[0];
    let note_text = s(&case["note"]);
    let body = s(&case["checkpoint_body"]);
    let log = Verifier::new(s(&case["log_vkey"])).unwrap();
    let witnesses: Vec<Verifier> = list(&case["cosigner_vkeys"])
        .iter()
        .map(|k| Verifier::cosigner(s(k)).unwrap())
        .collect();
    assert_eq!(
        cosignature_message(body, 1778700214),
        s(&case["signed_message_example"])
    );

    let signed = SignedCheckpoint::open(note_text.as_bytes(), &log, &witnesses).unwrap();
    assert_eq!(signed.checkpoint.body(), body);
    assert!(signed.unverified.is_empty());
    let expected = list(&case["expected_cosignatures"]);
    assert_eq!(signed.cosignatures.len(), expected.len());
    for (got, want) in signed.cosignatures.iter().zip(expected) {
        assert_eq!(got.name, s(&want["name"]));
        assert_eq!(format!("{:08x}", got.key_id), s(&want["key_id"]));
        assert_eq!(got.timestamp, want["timestamp"].as_u64().unwrap());
        assert_eq!(signed.cosigned_by(&got.name), Some(got.timestamp));
        let witness = witnesses.iter().find(|w| w.name() == got.name).unwrap();
        assert_eq!(
            verify_cosignature(witness, body, s(&want["line"])),
            Ok(want["timestamp"].as_u64().unwrap())
        );
    }

    // With only one witness trusted, the other two are reported as unverified.
    let signed = SignedCheckpoint::open(note_text.as_bytes(), &log, &witnesses[..1]).unwrap();
    assert_eq!(signed.cosignatures.len(), 1);
    assert_eq!(signed.unverified.len(), 2);
    assert_eq!(
        signed.cosigned_by("witness.navigli.sunlight.geomys.org"),
        None
    );

    // A witness's key alone does not make a checkpoint: the log must have signed.
    let other_log = Verifier::new(&Signer::generate("other").unwrap().vkey()).unwrap();
    assert!(matches!(
        SignedCheckpoint::open(note_text.as_bytes(), &other_log, &witnesses),
        Err(CheckpointError::MissingLogSignature { .. })
    ));
    // Keys in the wrong roles are refused.
    assert!(matches!(
        SignedCheckpoint::open(note_text.as_bytes(), &witnesses[0], &[]),
        Err(CheckpointError::WrongKeyType { .. })
    ));
    assert!(matches!(
        SignedCheckpoint::open(note_text.as_bytes(), &log, std::slice::from_ref(&log)),
        Err(CheckpointError::WrongKeyType { .. })
    ));
}

/// sigsum-go's four lines over one body. Line 4 has this witness's name and key ID but 78
/// bytes: sigsum-go drops it; we follow golang.org/x/mod note semantics (C2SP: SHOULD reject)
/// and a note carrying it is rejected, since a known key's line failed.
#[test]
fn sigsum_witness_lines() {
    let v = cosignatures();
    let case = &list(&v["cosigned_checkpoints"])[1];
    let body = s(&case["checkpoint_body"]);
    let witness = Verifier::cosigner(s(&list(&case["cosigner_vkeys"])[0])).unwrap();
    let lines: Vec<&str> = list(&case["lines"]).iter().map(|l| s(&l["line"])).collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(cosignature_message(body, 1234), s(&case["signed_message"]));

    assert!(matches!(
        verify_cosignature(&witness, body, lines[0]),
        Err(CheckpointError::NotThisCosigner {
            key_id: 0xc97f2e50,
            ..
        })
    ));
    assert_eq!(verify_cosignature(&witness, body, lines[1]), Ok(1234));
    assert!(matches!(
        verify_cosignature(&witness, body, lines[2]),
        Err(CheckpointError::NotThisCosigner { .. })
    ));
    assert_eq!(
        verify_cosignature(&witness, body, lines[3]),
        Err(CheckpointError::CosignatureLength { len: 78 })
    );

    // Cosigning with the published seed at 1234 reproduces line 2 exactly.
    let keys = list(&v["cosigner_keys"]);
    let key = keys
        .iter()
        .find(|k| k["name"] == "example.org/witness")
        .unwrap();
    let signer = Signer::from_seed("example.org/witness", seed(s(&key["seed_hex"]))).unwrap();
    assert_eq!(cosign(&signer, body, 1234).unwrap(), lines[1]);

    // As a note: lines 1-3 give one verified cosignature; adding line 4 rejects the note.
    let note_of = |ls: &[&str]| {
        let mut n = format!("{body}\n");
        for l in ls {
            n.push_str(l);
            n.push('\n');
        }
        n
    };
    let opened = note::open(
        note_of(&lines[..3]).as_bytes(),
        std::slice::from_ref(&witness),
    )
    .unwrap();
    assert_eq!(opened.verified.len(), 1);
    assert_eq!(opened.verified[0].timestamp, Some(1234));
    assert_eq!(opened.unverified.len(), 2);
    // Line 4 after a verified line 2 from the same key is a repeat and is skipped...
    assert!(note::open(note_of(&lines).as_bytes(), std::slice::from_ref(&witness)).is_ok());
    // ...but on its own (or first) it is checked, and it fails.
    assert_eq!(
        note::open(note_of(&[lines[3], lines[1]]).as_bytes(), &[witness]),
        Err(NoteError::InvalidSignature {
            name: "example.org/witness".into(),
            key_id: 0xcacf2e50
        })
    );
}

#[test]
fn cosignature_format_only_spec_example() {
    let v = cosignatures();
    let cases = list(&v["format_only"]);
    assert_eq!(cases.len(), 1);
    let case = &cases[0];
    let parsed = Note::parse(s(&case["note"]).as_bytes()).unwrap();
    let line = Signature::parse_line(s(&case["cosignature_line"])).unwrap();
    assert_eq!(parsed.signatures[1], line);
    assert_eq!(format!("{:08x}", line.key_id), s(&case["expected_key_id"]));
    assert_eq!(
        BASE64.decode(&line.base64).unwrap().len() as u64,
        case["expected_decoded_length"].as_u64().unwrap()
    );
    let ts = cosignature_timestamp(&line.base64).unwrap();
    assert_eq!(ts, case["expected_timestamp"].as_u64().unwrap());
    assert_eq!(
        cosignature_message(&parsed.text, ts),
        s(&case["expected_signed_message"])
    );
}

#[test]
fn timestamp_extraction_vectors() {
    let v = cosignatures();
    let cases = list(&v["timestamp_extraction"]);
    assert_eq!(cases.len(), 6);
    for case in cases {
        let result = cosignature_timestamp(s(&case["sig_b64"]));
        if case["ok"] == true {
            assert_eq!(result, Ok(case["timestamp"].as_u64().unwrap()));
        } else {
            assert!(result.is_err(), "{}", s(&case["desc"]));
        }
        if let Some(line) = case.get("line") {
            let parsed = Signature::parse_line(s(line)).unwrap();
            assert_eq!(format!("{:08x}", parsed.key_id), s(&case["key_id"]));
        }
    }
    // The 68-byte plain note signature is refused for its length, not its encoding.
    assert_eq!(
        cosignature_timestamp(s(&cases[1]["sig_b64"])),
        Err(CheckpointError::CosignatureLength { len: 68 })
    );
}

#[test]
fn signed_message_vectors() {
    let v = cosignatures();
    let cases = list(&v["signed_messages"]);
    assert_eq!(cases.len(), 2);
    for case in cases {
        assert_eq!(
            cosignature_message(
                s(&case["checkpoint_body"]),
                case["timestamp"].as_u64().unwrap()
            ),
            s(&case["expected_message"])
        );
    }
}

// ---- gufen's own blake3 checkpoints ----

const CODE: &str = "91350211MA2XYZ1234";

fn gufen_checkpoint(size: u64) -> Checkpoint {
    let root = *blake3::hash(format!("root of size {size}").as_bytes()).as_bytes();
    Checkpoint::new(origin(CODE), size, root)
}

#[test]
fn origin_names_the_collective_and_the_hash() {
    assert_eq!(origin(CODE), format!("gufen/{CODE}/blake3"));
    assert_eq!(origin_code(&origin(CODE)), Some(CODE));
    assert_eq!(origin_code("gufen//blake3"), None);
    assert_eq!(origin_code("example.com/log"), None);
    let cp = gufen_checkpoint(3);
    assert!(cp.check_origin(CODE).is_ok());
    assert!(matches!(
        cp.check_origin("91350211MA2XYZ9999"),
        Err(CheckpointError::WrongOrigin { .. })
    ));
}

#[test]
fn blake3_checkpoint_round_trip_with_witnesses() {
    let log_key = Signer::generate(&origin(CODE)).unwrap();
    let log = Verifier::new(&log_key.vkey()).unwrap();
    let w1 = Signer::generate("witness.example/w1").unwrap();
    let w2 = Signer::generate("witness.example/w2").unwrap();
    let stranger = Signer::generate("witness.example/stranger").unwrap();
    let trusted = [
        Verifier::cosigner(&w1.cosigner_vkey()).unwrap(),
        Verifier::cosigner(&w2.cosigner_vkey()).unwrap(),
    ];

    let cp = gufen_checkpoint(42);
    let body = cp.body();
    assert_eq!(Checkpoint::parse(&body).unwrap(), cp);
    let signed = cp.sign(&log_key).unwrap();
    let opened = SignedCheckpoint::open(signed.as_bytes(), &log, &trusted).unwrap();
    assert_eq!(opened.checkpoint, cp);
    assert!(opened.cosignatures.is_empty());

    // Witnesses cosign separately; their lines are merged into the ledger's note.
    let line1 = cosign(&w1, &body, 1_700_000_000).unwrap();
    let line_stranger = cosign(&stranger, &body, 1_700_000_001).unwrap();
    let with_w1 = add_cosignatures(signed.as_bytes(), &[&line1, &line_stranger]).unwrap();
    let from_w2 = format!("{body}\n{}\n", cosign(&w2, &body, 1_700_000_002).unwrap());
    let merged = note::merge(with_w1.as_bytes(), from_w2.as_bytes()).unwrap();

    let opened = SignedCheckpoint::open(merged.as_bytes(), &log, &trusted).unwrap();
    assert_eq!(
        opened.cosigned_by("witness.example/w1"),
        Some(1_700_000_000)
    );
    assert_eq!(
        opened.cosigned_by("witness.example/w2"),
        Some(1_700_000_002)
    );
    // The unknown witness is reported, not counted.
    assert_eq!(opened.cosigned_by("witness.example/stranger"), None);
    assert_eq!(opened.unverified.len(), 1);
    assert_eq!(opened.unverified[0].name, "witness.example/stranger");

    // Tampered body: the log's signature fails and the note is rejected.
    let tampered = merged.replacen("\n42\n", "\n43\n", 1);
    assert!(matches!(
        SignedCheckpoint::open(tampered.as_bytes(), &log, &trusted),
        Err(CheckpointError::Note(NoteError::InvalidSignature { .. }))
    ));
    // Tampered cosignature from a trusted witness: rejected too.
    let line1_sig = line1.rsplit(' ').next().unwrap();
    let mut bad = BASE64.decode(line1_sig).unwrap();
    bad[20] ^= 1;
    let bad_line = line1.replacen(line1_sig, &b64(&bad), 1);
    let with_bad = add_cosignatures(signed.as_bytes(), &[&bad_line]).unwrap();
    assert!(matches!(
        SignedCheckpoint::open(with_bad.as_bytes(), &log, &trusted),
        Err(CheckpointError::Note(NoteError::InvalidSignature { .. }))
    ));
    // A cosignature over another checkpoint does not verify over this one.
    let other_body = gufen_checkpoint(41).body();
    let wrong = cosign(&w2, &other_body, 1_700_000_003).unwrap();
    assert!(matches!(
        verify_cosignature(&trusted[1], &body, &wrong),
        Err(CheckpointError::InvalidCosignature { .. })
    ));
    // A witness's note signature (type 0x01) is not a cosignature.
    let plain = note::sign(&body, &[&w1]).unwrap();
    let plain_line = plain.strip_prefix(&format!("{body}\n")).unwrap().trim_end();
    assert!(matches!(
        verify_cosignature(&trusted[0], &body, plain_line),
        Err(CheckpointError::NotThisCosigner { .. })
    ));
    // Only a witness's cosignature, no log signature: refused although a line verified.
    assert!(matches!(
        SignedCheckpoint::open(from_w2.as_bytes(), &log, &trusted),
        Err(CheckpointError::MissingLogSignature { .. })
    ));
}

#[test]
fn cosign_refuses_out_of_range_timestamps_and_bad_bodies() {
    let w = Signer::generate("w").unwrap();
    let body = gufen_checkpoint(1).body();
    assert_eq!(
        cosign(&w, &body, u64::MAX),
        Err(CheckpointError::TimestampTooLarge(u64::MAX))
    );
    assert!(cosign(&w, &body, i64::MAX as u64).is_ok());
    assert!(cosign(&w, body.trim_end(), 1).is_err());
    let mut cp = gufen_checkpoint(1);
    cp.origin.push('\n');
    assert!(cp.sign(&w).is_err());
    cp.origin = origin(CODE);
    cp.extensions.push(String::new());
    assert!(cp.sign(&w).is_err());
}
