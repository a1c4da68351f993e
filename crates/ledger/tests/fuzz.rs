//! Fuzz targets for the readers of what a ledger stores or an auditor is handed: records,
//! entry bundles, checkpoints, signed notes and statements. Each target mutates seeds from
//! `fixtures/fuzz/<target>/` (see `support/mutate.rs`) and asserts only that the reader returns:
//! accepted or refused, never a panic or an abort. `GUFEN_FUZZ_CASES` sets the cases per target;
//! docs/ARCHITECTURE.md has the long run. A crash found here becomes a regression test below.

#[path = "support/mutate.rs"]
mod mutate;

use base64::Engine as _;
use gufen_ledger::bundle;
use gufen_ledger::checkpoint::{Checkpoint, SignedCheckpoint};
use gufen_ledger::note::{self, Note, Verifier};
use gufen_ledger::record::{self, Record};
use gufen_ledger::statement::{self, Statement};
use proptest::prelude::*;
use std::sync::OnceLock;

struct Keys {
    log: Verifier,
    witness: Verifier,
}

/// The verifier keys of the corpus's notes and statement (`fixtures/fuzz/*.vkey`).
fn keys() -> &'static Keys {
    static KEYS: OnceLock<Keys> = OnceLock::new();
    KEYS.get_or_init(|| Keys {
        log: Verifier::new(mutate::corpus_text("log.vkey").trim()).unwrap(),
        witness: Verifier::cosigner(mutate::corpus_text("witness.vkey").trim()).unwrap(),
    })
}

fn read_record(bytes: &[u8]) {
    let _ = record::record_hash(bytes);
    if let Ok(record) = Record::decode(bytes) {
        let _ = record.effective_date();
        let _ = record.event();
        // A decoded record encodes (the writer's size check holds for anything read).
        let _ = record.encode();
    }
}

fn read_bundle(bytes: &[u8]) {
    if let Ok(entries) = bundle::decode(bytes) {
        for entry in entries {
            read_record(entry);
        }
    }
}

fn read_checkpoint(bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    if let Ok(checkpoint) = Checkpoint::parse(&text) {
        // What parses is valid and reads back as itself from the body it makes.
        checkpoint.validate().unwrap();
        assert_eq!(Checkpoint::parse(&checkpoint.body()).unwrap(), checkpoint);
        let _ = checkpoint.check_origin("N2410183MF0000001Y");
    }
}

fn read_note(bytes: &[u8]) {
    let keys = keys();
    if let Ok(parsed) = Note::parse(bytes) {
        let _ = Note::parse(parsed.encode().as_bytes());
        let _ = checkpoint_body(&parsed);
    }
    let _ = note::open(bytes, std::slice::from_ref(&keys.log));
    let _ = note::open(bytes, &[keys.log.clone(), keys.witness.clone()]);
    let _ = SignedCheckpoint::open(bytes, &keys.log, &[]);
    if let Ok(opened) =
        SignedCheckpoint::open(bytes, &keys.log, std::slice::from_ref(&keys.witness))
    {
        let _ = opened.cosigned_by(keys.witness.name());
    }
    // The witness's key where the log's is expected is refused, not trusted.
    let _ = SignedCheckpoint::open(bytes, &keys.witness, &[]);
}

fn checkpoint_body(note: &Note) -> Result<Checkpoint, gufen_ledger::checkpoint::CheckpointError> {
    Checkpoint::parse(gufen_ledger::checkpoint::note_body(&note.encode()))
}

fn check_statement(statement: &Statement) {
    let keys = keys();
    let _ = statement::check(statement, &keys.log, &[]);
    let _ = statement::check(statement, &keys.log, std::slice::from_ref(&keys.witness));
    let _ = statement::checkpoint_of(statement);
}

fn read_statement(bytes: &[u8]) {
    if let Ok(statement) = serde_json::from_slice::<Statement>(bytes) {
        check_statement(&statement);
    }
}

/// Every leaf of a JSON value, as a path of keys and indexes.
fn leaves(value: &serde_json::Value, path: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, child) in map {
                path.push(key.clone());
                leaves(child, path, out);
                path.pop();
            }
        }
        serde_json::Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                path.push(i.to_string());
                leaves(child, path, out);
                path.pop();
            }
        }
        _ => out.push(path.clone()),
    }
}

fn leaf<'a>(value: &'a mut serde_json::Value, path: &[String]) -> &'a mut serde_json::Value {
    path.iter().fold(value, |v, key| match v {
        serde_json::Value::Array(items) => &mut items[key.parse::<usize>().unwrap()],
        other => &mut other[key.as_str()],
    })
}

/// The statement seed with one field's value mutated as bytes (a record's `bytes` as the
/// record bytes it encodes), so the checks behind the JSON syntax are reached.
fn statement_with_field_mutated(field: usize, input: &mutate::Input) -> Option<Statement> {
    let seed = &mutate::seeds("statement")[0];
    let mut value: serde_json::Value = serde_json::from_slice(seed).unwrap();
    let mut paths = Vec::new();
    leaves(&value, &mut Vec::new(), &mut paths);
    let path = &paths[field % paths.len()];
    let target = leaf(&mut value, path);
    let base64 = base64::engine::general_purpose::STANDARD;
    let is_bytes = path.last().is_some_and(|k| k == "bytes");
    let original = match &*target {
        serde_json::Value::String(s) if is_bytes => base64.decode(s).unwrap(),
        serde_json::Value::String(s) => s.clone().into_bytes(),
        other => other.to_string().into_bytes(),
    };
    let mutated = input.bytes(&[original]);
    *target = match &*target {
        serde_json::Value::String(_) if is_bytes => base64.encode(&mutated).into(),
        serde_json::Value::String(_) => String::from_utf8_lossy(&mutated).into_owned().into(),
        _ => match serde_json::from_slice(&mutated) {
            Ok(number) => number,
            Err(_) => return None,
        },
    };
    serde_json::from_value(value).ok()
}

proptest! {
    #![proptest_config(mutate::config())]

    #[test]
    fn fuzz_record(input in mutate::input(mutate::seeds("record").len())) {
        read_record(&input.bytes(mutate::seeds("record")));
    }

    /// The payload alone mutated in a seed record, so the event decoder is reached past the
    /// record's own length prefixes.
    #[test]
    fn fuzz_record_payload(seed in 0..mutate::seeds("record").len(), input in mutate::input(1)) {
        let mut record = Record::decode(&mutate::seeds("record")[seed]).unwrap();
        record.payload = input.bytes(&[record.payload]);
        let _ = record.event();
        read_record(&record.encode());
    }

    #[test]
    fn fuzz_bundle(input in mutate::input(mutate::seeds("bundle").len())) {
        read_bundle(&input.bytes(mutate::seeds("bundle")));
    }

    #[test]
    fn fuzz_checkpoint(input in mutate::input(mutate::seeds("checkpoint").len())) {
        read_checkpoint(&input.bytes(mutate::seeds("checkpoint")));
    }

    #[test]
    fn fuzz_note(input in mutate::input(mutate::seeds("note").len())) {
        read_note(&input.bytes(mutate::seeds("note")));
    }

    #[test]
    fn fuzz_statement(input in mutate::input(mutate::seeds("statement").len())) {
        read_statement(&input.bytes(mutate::seeds("statement")));
    }

    #[test]
    fn fuzz_statement_fields(field in any::<usize>(), input in mutate::input(1)) {
        if let Some(statement) = statement_with_field_mutated(field, &input) {
            check_statement(&statement);
        }
    }
}

/// The corpus is what the targets start from: every seed is read as valid, so mutations start
/// from inputs that reach past the first check.
#[test]
fn every_seed_is_accepted() {
    for seed in mutate::seeds("record") {
        Record::decode(seed).unwrap().event().unwrap();
    }
    for seed in mutate::seeds("bundle") {
        bundle::decode(seed).unwrap();
    }
    for seed in mutate::seeds("checkpoint") {
        Checkpoint::parse(std::str::from_utf8(seed).unwrap()).unwrap();
    }
    let keys = keys();
    for seed in mutate::seeds("note") {
        SignedCheckpoint::open(seed, &keys.log, &[]).unwrap();
    }
    let cosigned = mutate::seeds("note")
        .iter()
        .filter_map(|seed| {
            SignedCheckpoint::open(seed, &keys.log, std::slice::from_ref(&keys.witness)).ok()
        })
        .count();
    assert!(
        cosigned >= 1,
        "no seed note carries the witness's cosignature"
    );
    for seed in mutate::seeds("statement") {
        let statement: Statement = serde_json::from_slice(seed).unwrap();
        let report = statement::check(&statement, &keys.log, std::slice::from_ref(&keys.witness));
        assert!(report.failure.is_none(), "{:?}", report.failure);
    }
}

/// The mutator itself: bounded output, and the seed unchanged when there is nothing to do.
#[test]
fn mutations_stay_bounded() {
    let seeds = vec![b"abc".to_vec(), vec![]];
    let input = mutate::Input {
        seed: 0,
        mutations: vec![
            mutate::Mutation::Repeat {
                at: 0,
                len: 3,
                times: usize::MAX,
            },
            mutate::Mutation::Repeat {
                at: 0,
                len: 3,
                times: 255,
            },
        ],
    };
    assert!(input.bytes(&seeds).len() <= mutate::INPUT_MAX);
    let empty = mutate::Input {
        seed: 1,
        mutations: vec![
            mutate::Mutation::Flip { at: 5, bit: 1 },
            mutate::Mutation::Delete { at: 3, len: 4 },
            mutate::Mutation::Repeat {
                at: 3,
                len: 4,
                times: 9,
            },
            mutate::Mutation::Word {
                at: 7,
                word: 3,
                width: 8,
                big_endian: true,
            },
        ],
    };
    assert_eq!(empty.bytes(&seeds).len(), 8);
}
