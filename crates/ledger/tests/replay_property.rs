//! A replay of a log that is well chained but semantically impossible (records in an order no
//! command could have written, written outside gufen and re-signed) reports the record that
//! cannot be applied, and never panics: every event of the golden records (one of each variant)
//! in random orders and repeats, chained as the ledger chains them, through the walk `verify
//! --replay` and `audit` run.

use gufen_ledger::record::{genesis_prev, record_hash, BatchRef, Record};
use gufen_ledger::verify::ChainWalk;
use proptest::prelude::*;

fn golden_records() -> Vec<Record> {
    let text = include_str!("../../../fixtures/golden/records.json");
    let entries: serde_json::Value = serde_json::from_str(text).unwrap();
    entries
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| {
            let bytes = hex::decode(entry["bytes_hex"].as_str().unwrap()).unwrap();
            Record::decode(&bytes).unwrap()
        })
        .collect()
}

/// The records picked, in the order picked, renumbered and chained from genesis; each its own
/// batch of one.
fn chained(golden: &[Record], picks: &[usize]) -> Vec<Vec<u8>> {
    let ledger_id = golden[0].ledger_id.clone();
    let mut prev = genesis_prev(&ledger_id);
    let mut out = Vec::new();
    for (seq, &pick) in picks.iter().enumerate() {
        let mut record = golden[pick % golden.len()].clone();
        record.seq = seq as u64;
        record.prev = prev;
        record.batch = BatchRef {
            command_id: [seq as u8; 16],
            index: 0,
            len: 1,
        };
        let bytes = record.encode();
        prev = record_hash(&bytes);
        out.push(bytes);
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn any_order_of_events_is_replayed_or_named_never_a_panic(
        picks in proptest::collection::vec(0usize..64, 1..40),
        registration_first in any::<bool>(),
    ) {
        let golden = golden_records();
        let mut picks = picks;
        if registration_first {
            picks.insert(0, 0);
        }
        let records = chained(&golden, &picks);
        let mut walk = ChainWalk::new(&golden[0].ledger_id, true);
        for (seq, bytes) in records.iter().enumerate() {
            walk.push(seq as u64, bytes);
        }
        let result = walk.finish(records.len() as u64, None, None);
        // Reaching here is the property (a panic fails the test); and a finding names its record.
        prop_assert!(
            result.problem.is_none() || result.first_bad_seq.is_some(),
            "{:?}",
            result.problem
        );
    }
}
