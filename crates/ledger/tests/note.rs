//! C2SP signed notes against the published vectors (fixtures/vectors/signed-note-ed25519.json:
//! golang.org/x/mod, the C2SP spec, transparency-dev, sigsum-go), plus round trips.

use gufen_ledger::note::{
    self, find_verifier, key_id, KeyType, Note, NoteError, Signature, Signer, Verifier,
    MAX_NOTE_SIZE, MAX_SIGNATURES,
};
use serde_json::Value;

fn vectors() -> Value {
    serde_json::from_str(include_str!(
        "../../../fixtures/vectors/signed-note-ed25519.json"
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

fn note_bytes(entry: &Value) -> Vec<u8> {
    match entry.get("note") {
        Some(n) => s(n).as_bytes().to_vec(),
        None => hex::decode(s(&entry["note_hex"])).unwrap(),
    }
}

fn verifiers(keys: &Value) -> Vec<Verifier> {
    list(keys)
        .iter()
        .map(|k| Verifier::new(s(k)).unwrap())
        .collect()
}

/// (name, key ID hex, base64) of signatures, for comparison with the vectors' lists.
fn triples<'a>(sigs: impl IntoIterator<Item = &'a Signature>) -> Vec<(String, String, String)> {
    sigs.into_iter()
        .map(|sig| {
            (
                sig.name.clone(),
                format!("{:08x}", sig.key_id),
                sig.base64.clone(),
            )
        })
        .collect()
}

fn expected_triples(v: &Value) -> Vec<(String, String, String)> {
    list(v)
        .iter()
        .map(|sig| {
            (
                s(&sig["name"]).to_string(),
                s(&sig["key_id"]).to_string(),
                s(&sig["sig_b64"]).to_string(),
            )
        })
        .collect()
}

#[test]
fn every_key_entry_parses_and_its_id_is_recomputed() {
    let v = vectors();
    let keys = list(&v["keys"]);
    assert_eq!(keys.len(), 15);
    for key in keys {
        let name = s(&key["name"]);
        let vkey = s(&key["vkey"]);
        let verifier = Verifier::new(vkey).unwrap_or_else(|e| panic!("{vkey}: {e}"));
        assert_eq!(verifier.name(), name);
        assert_eq!(verifier.key_type(), KeyType::Ed25519);
        let stated = vkey.split('+').nth(1).unwrap();
        let recomputed = key_id(name, KeyType::Ed25519, &verifier.public_key());
        assert_eq!(format!("{recomputed:08x}"), stated, "{name}");
        assert_eq!(verifier.vkey(), vkey, "vkey round trip of {name}");
        if let Some(skey) = key.get("skey") {
            let signer = Signer::from_skey(s(skey)).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(signer.vkey(), vkey, "skey of {name} yields its vkey");
            assert_eq!(signer.skey(), s(skey), "skey round trip of {name}");
            assert_eq!(signer.name(), name);
            assert_eq!(signer.key_id(), recomputed);
        }
        if let Some(seed_hex) = key.get("seed_hex") {
            let signer = Signer::from_seed(name, seed(s(seed_hex))).unwrap();
            assert_eq!(signer.vkey(), vkey, "seed of {name} yields its vkey");
        }
    }
}

/// The vectors record sigsum-go's behaviour for `sigsum-extra-sigs-1/2`: it ignores the line
/// `— example.org/log DEAD` (3 decoded bytes) and accepts. We follow golang.org/x/mod and the
/// C2SP text ("4+n bytes") instead and reject the note as malformed: a verifier that skips
/// malformed lines lets two readers disagree about what one note says.
const REJECTED_ON_PURPOSE: [&str; 2] = ["sigsum-extra-sigs-1", "sigsum-extra-sigs-2"];

#[test]
fn every_note_opens_as_the_vectors_say() {
    let v = vectors();
    let notes = list(&v["notes"]);
    assert_eq!(notes.len(), 22);
    for entry in notes {
        let id = s(&entry["id"]);
        let msg = note_bytes(entry);
        let known = verifiers(&entry["verifier_keys"]);
        let expected = &entry["expected"];
        let result = note::open(&msg, &known);

        if REJECTED_ON_PURPOSE.contains(&id) {
            assert_eq!(expected["ok"], true, "{id}: the vectors record acceptance");
            assert!(
                matches!(result, Err(NoteError::Malformed(_))),
                "{id}: a 3-byte signature line must make the note malformed, got {result:?}"
            );
            continue;
        }

        let ok = expected["ok"].as_bool().unwrap();
        match (&result, ok) {
            (Ok(opened), true) => {
                assert_eq!(opened.text, s(&expected["text"]), "{id}: text");
                assert_eq!(
                    triples(opened.verified.iter().map(|v| &v.signature)),
                    expected_triples(&expected["verified_sigs"]),
                    "{id}: verified lines"
                );
                assert_eq!(
                    triples(&opened.unverified),
                    expected_triples(&expected["unverified_sigs"]),
                    "{id}: unverified lines"
                );
                assert!(opened
                    .verified
                    .iter()
                    .all(|v| v.key_type == KeyType::Ed25519 && v.timestamp.is_none()));
            }
            (Err(_), false) => {}
            _ => panic!("{id}: expected ok={ok}, got {result:?}"),
        }

        // The kind of refusal, where the vector names one.
        let err = result.err();
        match id {
            "go-open-none-known" | "ecdsa-note-ed25519-only" => {
                assert!(
                    matches!(err, Some(NoteError::NoVerifiedSignature { .. })),
                    "{id}"
                );
            }
            "go-open-101-sigs" => assert_eq!(err, Some(NoteError::TooManySignatures)),
            "go-open-invalid-signature" => assert!(
                matches!(err, Some(NoteError::InvalidSignature { ref name, key_id }) if name == "PeterNeumann" && key_id == 0xc74f20a3),
                "{id}: {err:?}"
            ),
            _ if id.starts_with("go-malformed") || id == "sigsum-extra-sigs-3" => {
                assert!(
                    matches!(err, Some(NoteError::Malformed(_))),
                    "{id}: {err:?}"
                )
            }
            _ => {}
        }

        // A note with no verified line still parses: its lines are all unverified.
        if id == "go-open-none-known" {
            let parsed = Note::parse(&msg).unwrap();
            assert_eq!(
                triples(&parsed.signatures),
                expected_triples(&expected["unverified_sigs"])
            );
        }
        // An Ed25519-only verifier refuses the ECDSA (type 0x02) vkey itself.
        if let Some(vkey) = entry.get("unsupported_vkey") {
            assert_eq!(
                Verifier::new(s(vkey)),
                Err(NoteError::UnsupportedKeyType(0x02))
            );
        }
    }
}

#[test]
fn every_sign_vector_is_reproduced_byte_for_byte() {
    let v = vectors();
    let vectors = list(&v["sign_vectors"]);
    assert_eq!(vectors.len(), 5);
    for entry in vectors {
        let signer = match entry.get("skey") {
            Some(skey) => Signer::from_skey(s(skey)).unwrap(),
            None => Signer::from_seed(s(&entry["key_name"]), seed(s(&entry["seed_hex"]))).unwrap(),
        };
        if let Some(input) = entry.get("input_note") {
            // Add a signature to an existing note: the new line goes after the old one.
            let mut parsed = Note::parse(s(input).as_bytes()).unwrap();
            parsed.sign(&[&signer]).unwrap();
            assert_eq!(parsed.encode(), s(&entry["expected_note"]));
            continue;
        }
        let text = s(&entry["text"]);
        let signed = note::sign(text, &[&signer]).unwrap();
        if let Some(want) = entry.get("expected_note") {
            assert_eq!(signed, s(want));
        } else {
            let line = s(&entry["expected_signature_line"]);
            assert_eq!(signed, format!("{text}\n{line}\n"));
        }
    }
}

#[test]
fn vkey_parse_vectors() {
    let v = vectors();
    let cases = list(&v["vkey_parse"]);
    assert_eq!(cases.len(), 8);
    for case in cases {
        let vkey = s(&case["vkey"]);
        let valid = case["valid"].as_bool().unwrap();
        if case["as_skey"] == true {
            assert!(
                Signer::from_skey(vkey).is_err(),
                "{vkey} offered as a signer key"
            );
            continue;
        }
        assert_eq!(Verifier::new(vkey).is_ok(), valid, "{vkey}");
    }
}

/// golang.org/x/mod's rule: every proper substring, and every single-byte +1 change, of a
/// valid key is refused.
fn assert_mangled_refused(key: &str, accepts: impl Fn(&str) -> bool) {
    assert!(accepts(key), "the unmangled key must be accepted");
    let bytes = key.as_bytes();
    let mut tried = 0;
    for i in 0..=bytes.len() {
        for j in i..=bytes.len() {
            if (i, j) == (0, bytes.len()) {
                continue;
            }
            let sub = std::str::from_utf8(&bytes[i..j]).unwrap();
            assert!(!accepts(sub), "substring [{i}..{j}] {sub:?} accepted");
            tried += 1;
        }
    }
    for i in 0..bytes.len() {
        let mut changed = bytes.to_vec();
        changed[i] += 1;
        let changed = String::from_utf8(changed).unwrap();
        assert!(!accepts(&changed), "byte {i} +1 {changed:?} accepted");
        tried += 1;
    }
    assert!(tried > bytes.len() * bytes.len() / 2);
}

#[test]
fn mangled_vkeys_and_skeys_are_refused() {
    let v = vectors();
    let rules = &v["mangling_rules"];
    assert!(s(&rules["vkey_rule"]).contains("every proper substring"));
    assert_mangled_refused(
        "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        |k| Verifier::new(k).is_ok(),
    );
    assert_mangled_refused(
        "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz",
        |k| Signer::from_skey(k).is_ok(),
    );
}

#[test]
fn key_lookup_needs_name_and_id() {
    let v = vectors();
    let cases = list(&v["key_lookup"]);
    assert_eq!(cases.len(), 4);
    let peter_note = s(&list(&v["notes"])
        .iter()
        .find(|n| n["id"] == "go-example-open")
        .unwrap()["note"])
    .to_string();
    for case in cases {
        let known = verifiers(&case["known_vkeys"]);
        let name = s(&case["query"]["name"]);
        let id = u32::from_str_radix(s(&case["query"]["key_id"]), 16).unwrap();
        let found = case["found"].as_bool().unwrap();
        let result = find_verifier(&known, name, id);
        if case.get("error").is_some() {
            assert_eq!(
                result,
                Err(NoteError::AmbiguousKey {
                    name: name.to_string(),
                    key_id: id
                })
            );
            // The ambiguity only matters when that key is looked up: Peter's note still opens.
            assert!(note::open(peter_note.as_bytes(), &known).is_ok());
        } else {
            assert_eq!(result.unwrap().is_some(), found, "{name}+{id:08x}");
        }
    }
}

#[test]
fn format_only_quasimodo_keeps_its_inner_blank_line() {
    let v = vectors();
    let cases = list(&v["format_only"]);
    assert_eq!(cases.len(), 1);
    let case = &cases[0];
    let parsed = Note::parse(s(&case["note"]).as_bytes()).unwrap();
    assert_eq!(parsed.text, s(&case["expected_text"]));
    let want = list(&case["expected_signatures"]);
    assert_eq!(parsed.signatures.len(), want.len());
    for (got, want) in parsed.signatures.iter().zip(want) {
        assert_eq!(got.name, s(&want["name"]));
        assert_eq!(format!("{:08x}", got.key_id), s(&want["key_id"]));
        assert_eq!(
            got.payload().unwrap().len() as u64,
            want["sig_len"].as_u64().unwrap()
        );
    }
    // Encoding the parsed note gives back the same bytes.
    assert_eq!(parsed.encode(), s(&case["note"]));
}

// ---- round trips and limits ----

#[test]
fn generated_key_signs_and_opens() {
    let signer = Signer::generate("gufen.example/log").unwrap();
    let verifier = Verifier::new(&signer.vkey()).unwrap();
    assert_eq!(verifier.key_id(), signer.key_id());
    let again = Signer::from_skey(&signer.skey()).unwrap();
    assert_eq!(again.vkey(), signer.vkey());

    let text = "共有股份\nsecond line\n\nafter a blank line\n";
    let signed = note::sign(text, &[&signer]).unwrap();
    let opened = note::open(signed.as_bytes(), std::slice::from_ref(&verifier)).unwrap();
    assert_eq!(opened.text, text);
    assert_eq!(opened.verified.len(), 1);
    assert!(opened.unverified.is_empty());

    // Tampered text: the known key's signature fails, so the note is rejected.
    let tampered = signed.replacen("second", "Second", 1);
    assert!(matches!(
        note::open(tampered.as_bytes(), std::slice::from_ref(&verifier)),
        Err(NoteError::InvalidSignature { .. })
    ));
    // Another key under the same name is an unknown key: nothing verifies.
    let other = Signer::generate("gufen.example/log").unwrap();
    let by_other = note::sign(text, &[&other]).unwrap();
    assert!(matches!(
        note::open(by_other.as_bytes(), &[verifier]),
        Err(NoteError::NoVerifiedSignature { unverified: 1 })
    ));
    // Debug output does not leak the seed.
    let debug = format!("{signer:?}");
    assert!(!debug.contains(&signer.skey()[12..]));
}

#[test]
fn key_types_are_kept_apart() {
    let signer = Signer::generate("witness.example/w1").unwrap();
    assert_ne!(signer.key_id(), signer.cosigner_key_id());
    assert!(Verifier::cosigner(&signer.cosigner_vkey()).is_ok());
    assert!(matches!(
        Verifier::new(&signer.cosigner_vkey()),
        Err(NoteError::WrongKeyType {
            expected: KeyType::Ed25519,
            found: 0x04
        })
    ));
    assert!(matches!(
        Verifier::cosigner(&signer.vkey()),
        Err(NoteError::WrongKeyType {
            expected: KeyType::CosignatureV1,
            found: 0x01
        })
    ));
}

#[test]
fn bad_names_and_texts_are_refused() {
    for name in [
        "",
        "has space",
        "plus+sign",
        "tab\tname",
        "nl\nname",
        "nbsp\u{a0}name",
    ] {
        assert!(
            matches!(Signer::generate(name), Err(NoteError::InvalidName(_))),
            "{name:?}"
        );
    }
    let signer = Signer::generate("ok").unwrap();
    for text in ["no final newline", "bell\u{7}\n", "cr\r\n"] {
        assert!(
            matches!(note::sign(text, &[&signer]), Err(NoteError::InvalidText(_))),
            "{text:?}"
        );
    }
    assert!(
        note::sign("text\n", &[]).is_err(),
        "a note needs a signature"
    );
    // Uppercase hex key IDs are refused (C2SP writes lowercase).
    let upper = signer.vkey().replacen(
        &format!("{:08x}", signer.key_id()),
        &format!("{:08X}", signer.key_id()),
        1,
    );
    if upper != signer.vkey() {
        assert!(Verifier::new(&upper).is_err());
    }
}

#[test]
fn limits_are_enforced() {
    let signer = Signer::generate("a").unwrap();
    let verifier = Verifier::new(&signer.vkey()).unwrap();
    let signed = note::sign("t\n", &[&signer]).unwrap();
    let line = signed.strip_prefix("t\n\n").unwrap();

    let at_limit = format!("t\n\n{}", line.repeat(MAX_SIGNATURES));
    assert!(note::open(at_limit.as_bytes(), std::slice::from_ref(&verifier)).is_ok());
    let over = format!("t\n\n{}", line.repeat(MAX_SIGNATURES + 1));
    assert_eq!(
        note::open(over.as_bytes(), std::slice::from_ref(&verifier)),
        Err(NoteError::TooManySignatures)
    );

    let big_text = "x".repeat(MAX_NOTE_SIZE) + "\n";
    let big = format!("{big_text}\n{line}");
    assert!(matches!(
        note::open(big.as_bytes(), &[verifier]),
        Err(NoteError::TooLarge { .. })
    ));
    assert!(note::sign(&big_text, &[&signer]).is_err());
}

#[test]
fn merging_keeps_every_distinct_line_once() {
    let a = Signer::generate("a").unwrap();
    let b = Signer::generate("b").unwrap();
    let text = "same text\n";
    let by_a = note::sign(text, &[&a]).unwrap();
    let by_b = note::sign(text, &[&b]).unwrap();
    let merged = note::merge(by_a.as_bytes(), by_b.as_bytes()).unwrap();
    let verifiers = [
        Verifier::new(&a.vkey()).unwrap(),
        Verifier::new(&b.vkey()).unwrap(),
    ];
    let opened = note::open(merged.as_bytes(), &verifiers).unwrap();
    assert_eq!(opened.verified.len(), 2);
    // Merging again changes nothing.
    assert_eq!(
        note::merge(merged.as_bytes(), by_b.as_bytes()).unwrap(),
        merged
    );
    // Different texts do not merge.
    let other = note::sign("other text\n", &[&b]).unwrap();
    assert_eq!(
        note::merge(by_a.as_bytes(), other.as_bytes()),
        Err(NoteError::DifferentText)
    );
    // Re-signing replaces a key's line instead of adding a second one.
    let mut parsed = Note::parse(merged.as_bytes()).unwrap();
    parsed.sign(&[&a]).unwrap();
    assert_eq!(parsed.signatures.len(), 2);
    assert_eq!(parsed.signatures[1].name, "a");
}
