//! The readers of what an auditor is handed (signed notes, checkpoints, entry bundles, records,
//! statements) take any bytes without panicking: they accept or refuse, and a refusal is an
//! error value. Random bytes, and valid inputs with random bytes changed.

use gufen_ledger::checkpoint::{Checkpoint, SignedCheckpoint};
use gufen_ledger::note::{self, Signer, Verifier};
use gufen_ledger::record::Record;
use gufen_ledger::{bundle, statement};
use proptest::prelude::*;

fn signed_note() -> (String, Verifier) {
    let signer = Signer::from_seed("log.example", [7; 32]).unwrap();
    let body = Checkpoint::new("gufen/N2410183MF0000001Y/blake3", 42, [9; 32]).body();
    let note = note::sign(&body, &[&signer]).unwrap();
    (note, Verifier::new(&signer.vkey()).unwrap())
}

fn mutate(bytes: &[u8], changes: &[(usize, u8)]) -> Vec<u8> {
    let mut out = bytes.to_vec();
    for &(at, value) in changes {
        if !out.is_empty() {
            let at = at % out.len();
            out[at] = value;
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn any_bytes_are_read_or_refused(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let (_, verifier) = signed_note();
        let _ = note::Note::parse(&bytes);
        let _ = note::open(&bytes, std::slice::from_ref(&verifier));
        let _ = SignedCheckpoint::open(&bytes, &verifier, &[]);
        if let Ok(text) = std::str::from_utf8(&bytes) {
            let _ = Checkpoint::parse(text);
            let _ = Verifier::new(text);
            let _ = Signer::from_skey(text);
            let _ = serde_json::from_str::<statement::Statement>(text);
        }
        let _ = bundle::decode(&bytes);
        if let Ok(record) = Record::decode(&bytes) {
            let _ = record.event();
        }
    }

    #[test]
    fn a_signed_checkpoint_with_bytes_changed_is_read_or_refused(
        changes in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..6)
    ) {
        let (note, verifier) = signed_note();
        let changed = mutate(note.as_bytes(), &changes);
        let opened = SignedCheckpoint::open(&changed, &verifier, &[]);
        // Whatever was changed, an opened checkpoint is the one signed.
        if let Ok(opened) = opened {
            prop_assert_eq!(opened.checkpoint.size, 42);
            prop_assert_eq!(opened.checkpoint.root, [9; 32]);
        }
    }
}
