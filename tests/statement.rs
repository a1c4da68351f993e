//! `gufen statement` and its offline check through the real binary: a round trip, the refusal
//! of an unsigned checkpoint, and tampered statements (exit 3 naming the record). No output and
//! no statement holds another person's whole ID.

mod common;

use base64::Engine as _;
use common::{other_ids, post_distribution_2025, Gufen, A};
use serde_json::Value;

struct Made {
    g: Gufen,
    log: gufen_ledger::note::Signer,
    file: String,
    json: Value,
}

fn made() -> Made {
    let g = Gufen::village_with_gift();
    let (log, _) = g.key("log.skey", "gufen-log");
    g.sign(&log);
    let file = g.path("statement.json").to_str().unwrap().to_string();
    let out = g.ok(&["--lang", "zh", "statement", "--id", A, "--out", &file]);
    assert!(out.contains("成员对账单已生成"), "{out}");
    assert!(other_ids(&out, "").is_empty(), "{out}");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        other_ids(&text, A).is_empty(),
        "another ID in the statement"
    );
    let json: Value = serde_json::from_str(&text).unwrap();
    Made { g, log, file, json }
}

impl Made {
    fn audit(&self, file: &str, extra: &[&str]) -> common::Run {
        let vkey = self.log.vkey();
        let mut args = vec!["audit", "statement", file, "--trust", &vkey];
        args.extend_from_slice(extra);
        let run = self.g.run(&args);
        for text in [&run.stdout, &run.stderr] {
            assert!(other_ids(text, "").is_empty(), "{text}");
        }
        run
    }

    fn tampered(&self, edit: impl Fn(&mut Value)) -> common::Run {
        let mut json = self.json.clone();
        edit(&mut json);
        let file = self.g.write(
            "tampered.json",
            &serde_json::to_string_pretty(&json).unwrap(),
        );
        self.audit(&file, &[])
    }
}

#[test]
fn a_statement_round_trip_checks() {
    let m = made();
    let j = &m.json;
    assert_eq!(j["format"], "gufen-statement/v1");
    assert_eq!(j["person"]["id"], A);
    assert_eq!(j["collective"]["code"], common::ORG);
    let records = j["records"].as_array().unwrap();
    assert!(records.len() >= 3, "{records:?}");
    // The transfer names B: its bytes are left out, its proof is there.
    let transfer = records
        .iter()
        .find(|r| r["type"] == "SharesTransferred")
        .unwrap();
    assert!(transfer.get("bytes").is_none());
    assert!(transfer["bytes_omitted"].is_string());
    assert!(!transfer["proof"].as_array().unwrap().is_empty());
    assert!(records
        .iter()
        .filter(|r| r["type"] != "SharesTransferred")
        .all(|r| r["bytes"].is_string()));
    let reference = j["reference"].as_str().unwrap();
    assert!(
        reference.starts_with("GF1-N2410183MF0000001Y-"),
        "{reference}"
    );

    let run = m.audit(&m.file, &["--lang", "zh"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("成员对账单核验通过"), "{}", run.stdout);
    assert!(run.stdout.contains(reference));
    let en = m.g.run(&[
        "--lang",
        "en",
        "audit",
        "statement",
        &m.file,
        "--trust",
        &m.log.vkey(),
    ]);
    assert_eq!(en.code, 0);
    assert!(
        en.stdout.contains("member statement verified"),
        "{}",
        en.stdout
    );
}

#[test]
fn witnesses_can_be_required() {
    let m = made();
    let (witness, witness_key) = m.g.key("witness.skey", "township");
    let cosigner = witness.cosigner_vkey();
    // Not cosigned yet: requiring the witness fails.
    let run = m.audit(&m.file, &["--witness", &cosigner]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(run.stderr.contains("township"), "{}", run.stderr);
    // The township cosigns, the keeper adds it, a new statement carries it.
    let note = m.g.write("checkpoint.note", &{
        let store = gufen_ledger::Store::open(&m.g.db(), false).unwrap();
        store
            .ledger(common::ORG)
            .unwrap()
            .checkpoint_note()
            .unwrap()
    });
    let vkey = m.log.vkey();
    let db = m.g.db();
    let state = m.g.path("state");
    let cosigned = m.g.ok(&[
        "witness",
        "cosign",
        "--key",
        &witness_key,
        "--checkpoint",
        &note,
        "--log-key",
        &vkey,
        "--from",
        db.to_str().unwrap(),
        "--state",
        state.to_str().unwrap(),
    ]);
    m.g.add_cosignatures(&cosigned, &witness);
    m.g.ok(&["statement", "--id", A, "--out", &m.file]);
    let run = m.audit(&m.file, &["--witness", &cosigner]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("township"), "{}", run.stdout);
}

#[test]
fn an_unsigned_checkpoint_is_refused() {
    let g = Gufen::village_with_gift();
    let file = g.path("s.json");
    let run = g.run(&["statement", "--id", A, "--out", file.to_str().unwrap()]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("not signed"), "{}", run.stderr);
    assert!(!file.exists());
}

#[test]
fn tampered_statements_exit_3() {
    let m = made();
    let first_seq = m.json["records"][0]["seq"].as_u64().unwrap();

    // A byte of a record changed.
    let run = m.tampered(|j| {
        let b64 = j["records"][0]["bytes"].as_str().unwrap();
        let mut bytes = base64::engine::general_purpose::STANDARD
            .decode(b64)
            .unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        j["records"][0]["bytes"] =
            Value::String(base64::engine::general_purpose::STANDARD.encode(bytes));
    });
    assert_eq!(run.code, 3, "{}", run.stderr);
    let tampered = m.g.path("tampered.json");
    let run = m.audit(tampered.to_str().unwrap(), &["--lang", "zh"]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!("（第 {first_seq} 条记录）")),
        "{}",
        run.stderr
    );
    assert!(run.stdout.contains("核验未通过"), "{}", run.stdout);
    let en = m.audit(tampered.to_str().unwrap(), &["--lang", "en"]);
    assert_eq!(en.code, 3, "{}", en.stderr);
    assert!(
        en.stderr.contains(&format!("at record {first_seq}")),
        "{}",
        en.stderr
    );

    // A dividend amount added.
    let run = m.tampered(|j| {
        j["dividends"] = serde_json::json!([
            {"year": 2025, "amount_fen": 100000, "paid_fen": 0, "paid": false}
        ]);
    });
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(run.stderr.contains("dividend"), "{}", run.stderr);

    // A proof hash changed (the transfer's, whose bytes are left out).
    let run = m.tampered(|j| {
        let records = j["records"].as_array_mut().unwrap();
        let transfer = records
            .iter_mut()
            .find(|r| r["type"] == "SharesTransferred")
            .unwrap();
        let hash = transfer["proof"][0].as_str().unwrap();
        let flipped = if hash.starts_with('0') { "1" } else { "0" };
        transfer["proof"][0] = Value::String(format!("{flipped}{}", &hash[1..]));
    });
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(run.stderr.contains("inclusion proof"), "{}", run.stderr);

    // The record hash of a record changed.
    let run = m.tampered(|j| {
        j["records"][1]["hash"] = Value::String("00".repeat(32));
    });
    assert_eq!(run.code, 3, "{}", run.stderr);

    // Another key signed the checkpoint.
    let impostor = gufen_ledger::note::Signer::generate("gufen-log").unwrap();
    let run = m.tampered(|j| {
        let note = j["checkpoint"].as_str().unwrap();
        let body = &note[..note.find("\n\n").unwrap() + 1];
        j["checkpoint"] = Value::String(gufen_ledger::note::sign(body, &[&impostor]).unwrap());
    });
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(run.stderr.contains("checkpoint"), "{}", run.stderr);

    // The reference changed.
    let run = m.tampered(|j| {
        j["reference"] = Value::String("GF1-N2410183MF0000001Y-1-000000000000".into());
    });
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(run.stderr.contains("reference"), "{}", run.stderr);

    // Bytes dropped from a record that concerns the person alone.
    let run = m.tampered(|j| {
        j["records"][0].as_object_mut().unwrap().remove("bytes");
    });
    assert_eq!(run.code, 3, "{}", run.stderr);
}

/// After a year's distribution is posted and a line paid, the statement lists the person's
/// dividend line from the posted records, and it checks offline.
#[test]
fn a_statement_lists_posted_and_paid_dividends() {
    let g = Gufen::village_with_gift();
    post_distribution_2025(&g.db());
    g.ok(&[
        "distribution",
        "pay",
        "--year",
        "2025",
        "--id",
        A,
        "--ref",
        "BK0001",
        "--date",
        "2026-02-01",
    ]);
    let (log, _) = g.key("log.skey", "gufen-log");
    g.sign(&log);
    let file = g.path("statement.json").to_str().unwrap().to_string();
    g.ok(&["statement", "--id", A, "--out", &file]);
    let json: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let dividends = json["dividends"].as_array().unwrap();
    assert_eq!(dividends.len(), 1, "{dividends:?}");
    let line = &dividends[0];
    assert_eq!(line["year"], 2025);
    let amount = line["amount_fen"].as_i64().unwrap();
    assert!(amount > 0, "{line}");
    assert_eq!(line["paid_fen"].as_i64().unwrap(), amount, "{line}");
    let shown = g.ok(&["distribution", "show", "--year", "2025", "--format", "json"]);
    assert!(
        shown.contains(&amount.to_string()),
        "the statement's amount is the posted line's"
    );
    let vkey = log.vkey();
    let run = g.run(&["audit", "statement", &file, "--trust", &vkey]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}
