//! Money reaching members through the bank (代发), end to end through the binary: accounts set
//! one by one and imported, the year's batch file in each fixture template (GBK CSV read back,
//! XLSX read back with calamine), the bank's result with one failure recorded, the failed line
//! and the line without an account still owed with why, the failed line alone resubmitted.
//! Pins: an account shown whole in a public output, an ID number taken as a bank name or an
//! account, a bad account, a result line that names no line, a wrong amount or a line twice
//! changing the ledger, a line dropped from the batch file silently.

mod common;

use common::{fixture, post_distribution_2025, Gufen, A, B};
use serde_json::Value;
use std::collections::BTreeMap;

/// A third member of fixtures/roster-600.csv.
const C: &str = "410183194002253855";

fn json(g: &Gufen, args: &[&str]) -> Value {
    g.json(args)
}

fn head(g: &Gufen) -> Value {
    json(g, &["verify"])["head_hash"].clone()
}

/// Runs a command that must be refused (exit 1) with `expected` in its error, leaving the
/// ledger as it was (same head hash).
fn refused(g: &Gufen, args: &[&str], expected: &str) -> String {
    let before = head(g);
    let run = g.run(args);
    assert_eq!(run.code, 1, "gufen {args:?}: {}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains(expected),
        "gufen {args:?}: expected {expected:?} in {}",
        run.stderr
    );
    assert_eq!(head(g), before, "gufen {args:?} changed the ledger");
    run.stderr
}

/// The roster's persons: ID and name.
fn roster() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(fixture("roster-600.csv")).unwrap();
    text.lines()
        .skip(1)
        .map(|line| {
            let cells: Vec<&str> = line.split(',').collect();
            (cells[0].to_string(), cells[1].to_string())
        })
        .collect()
}

/// The account number given to the roster's `index`th person.
fn account(index: usize) -> String {
    format!("62284800{:08}", index + 1)
}

/// The sample village with its 2025 distribution posted.
fn posted_village() -> Gufen {
    let g = Gufen::sample_village("R");
    post_distribution_2025(&g.db());
    g
}

/// `distribution owed` as JSON lines keyed by their line reference (masked IDs need not be
/// distinct).
fn owed(g: &Gufen) -> BTreeMap<String, Value> {
    let owed = json(g, &["distribution", "owed"]);
    owed["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["line_reference"].as_str().unwrap().to_string(), l.clone()))
        .collect()
}

/// The line reference of a roster person's line among `lines` (JSON lines with a name, a
/// masked ID and a line reference).
fn reference_of<'a>(lines: impl IntoIterator<Item = &'a Value>, id: &str) -> String {
    let name = roster().into_iter().find(|(i, _)| i == id).unwrap().1;
    let found: Vec<&Value> = lines
        .into_iter()
        .filter(|l| l["id_masked"] == masked(id) && l["name"] == name.as_str())
        .collect();
    assert_eq!(found.len(), 1, "one line of {}", masked(id));
    found[0]["line_reference"].as_str().unwrap().to_string()
}

/// The line reference a bank file's memo carries.
fn memo_reference(memo: &str) -> String {
    memo.rsplit(' ').next().unwrap().to_string()
}

fn masked(id: &str) -> String {
    format!("{}********{}", &id[..6], &id[14..])
}

/// Imports an account for every roster person but A (a Chinese-headed UTF-8 CSV).
fn import_accounts_but_a(g: &Gufen) {
    let mut file = String::from("身份证号,户名,开户行,账号\n");
    for (index, (id, name)) in roster().iter().enumerate() {
        if id != A {
            file.push_str(&format!("{id},{name},新密农商银行,{}\n", account(index)));
        }
    }
    let path = g.write("accounts.csv", &file);
    g.ok(&["member", "bank-import", &path, "--date", "2026-02-01"]);
}

/// The rows of a GBK CSV file.
fn gbk_csv(path: &std::path::Path) -> Vec<Vec<String>> {
    let bytes = std::fs::read(path).unwrap();
    let (text, _, errors) = encoding_rs::GBK.decode(&bytes);
    assert!(!errors, "the file is GBK");
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes());
    reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect()
}

/// No whole citizen ID of the roster in `text`.
fn holds_no_roster_id(text: &str) {
    for (id, _) in roster() {
        assert!(!text.contains(&id), "a whole ID in the bank file");
    }
}

#[test]
fn a_year_goes_to_the_bank_and_back_with_one_failure_and_one_line_without_an_account() {
    let g = posted_village();
    import_accounts_but_a(&g);
    let owed_before = owed(&g);
    let owed_fen: i64 = owed_before
        .values()
        .map(|l| l["amount_fen"].as_i64().unwrap())
        .sum();
    let a_reference = reference_of(owed_before.values(), A);
    let b_reference = reference_of(owed_before.values(), B);
    let a_fen = owed_before[&a_reference]["amount_fen"].as_i64().unwrap();

    // The rural credit cooperative's GBK CSV.
    let csv_path = g.path("payfile.csv");
    let rural = fixture("banks/rural-credit.toml");
    let run = g.run(&[
        "--lang",
        "en",
        "distribution",
        "payfile",
        "--year",
        "2025",
        "--bank",
        rural.to_str().unwrap(),
        "-o",
        csv_path.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains(&a_reference),
        "A left out: {}",
        run.stderr
    );
    assert!(run.stdout.contains(&masked(A)), "{}", run.stdout);
    assert!(run.stdout.contains(&a_reference), "{}", run.stdout);
    assert!(
        run.stdout
            .contains(&format!("{} lines", owed_before.len() - 1)),
        "{}",
        run.stdout
    );
    let rows = gbk_csv(&csv_path);
    assert_eq!(rows[0], ["序号", "户名", "账号", "金额", "摘要"]);
    let lines = &rows[1..];
    assert_eq!(lines.len(), owed_before.len() - 1, "every line but A's");
    let mut file_fen = 0;
    for (n, line) in lines.iter().enumerate() {
        assert_eq!(line[0], (n + 1).to_string());
        let fen = gufen_core::Fen::parse_yuan(&line[3]).unwrap().0;
        assert!(line[4].starts_with("2025年分红 GF2025-"), "{line:?}");
        let owed_line = &owed_before[&memo_reference(&line[4])];
        assert_eq!(fen, owed_line["amount_fen"].as_i64().unwrap());
        assert_eq!(line[1], owed_line["name"].as_str().unwrap(), "the holder");
        file_fen += fen;
    }
    assert_eq!(file_fen, owed_fen - a_fen);
    holds_no_roster_id(&String::from_utf8_lossy(&std::fs::read(&csv_path).unwrap()));

    // The commercial bank's workbook: a title row, then the header, then the same lines.
    let xlsx_path = g.path("payfile.xlsx");
    let commercial = fixture("banks/commercial-bank.toml");
    g.ok(&[
        "distribution",
        "payfile",
        "--year",
        "2025",
        "--bank",
        commercial.to_str().unwrap(),
        "-o",
        xlsx_path.to_str().unwrap(),
    ]);
    {
        use calamine::{Data, Reader};
        let mut workbook = calamine::open_workbook_auto(&xlsx_path).unwrap();
        let range = workbook.worksheet_range_at(0).unwrap().unwrap();
        let sheet: Vec<&[Data]> = range.rows().collect();
        let title = sheet[0][0].to_string();
        assert!(title.contains("2025年度股份分红代发"), "{title}");
        let headers: Vec<String> = sheet[1].iter().map(|c| c.to_string()).collect();
        assert_eq!(headers, ["账号", "户名", "金额(元)", "用途", "备注"]);
        assert_eq!(sheet.len() - 2, lines.len());
        for (row, line) in sheet[2..].iter().zip(lines) {
            assert_eq!(row[0], Data::String(line[2].clone()), "account as text");
            assert_eq!(row[1], Data::String(line[1].clone()));
            let Data::Float(yuan) = row[2] else {
                panic!("the amount is a number: {:?}", row[2])
            };
            assert_eq!(format!("{yuan:.2}"), line[3]);
            let reference = row[4].to_string();
            assert!(
                line[4].ends_with(&reference),
                "{reference} in {:?}",
                line[4]
            );
        }
    }

    // The cooperative's result: every line paid but B's.
    let b_account = account(roster().iter().position(|(id, _)| id == B).unwrap());
    let mut result = String::from("序号,户名,账号,金额,摘要,处理结果,流水号,失败原因\n");
    for (n, line) in lines.iter().enumerate() {
        let (status, reason) = if memo_reference(&line[4]) == b_reference {
            assert_eq!(line[2], b_account);
            ("失败", "账户已销户")
        } else {
            ("成功", "")
        };
        result.push_str(&format!(
            "{},{},{},{},{},{status},LS{:06},{reason}\n",
            line[0],
            line[1],
            line[2],
            line[3],
            line[4],
            n + 1
        ));
    }
    let (gbk, _, _) = encoding_rs::GBK.encode(&result);
    let result_path = g.path("result.csv");
    std::fs::write(&result_path, &gbk).unwrap();
    let resubmit_path = g.path("resubmit.csv");
    let run = g.run(&[
        "--lang",
        "en",
        "distribution",
        "payresult",
        "--year",
        "2025",
        result_path.to_str().unwrap(),
        "--bank",
        rural.to_str().unwrap(),
        "--resubmit",
        resubmit_path.to_str().unwrap(),
        "--date",
        "2026-02-10",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("1 failed"), "{}", run.stdout);

    // Owed: exactly B's failed line with its reason, and A's line without an account.
    let owed_after = owed(&g);
    let owed_references: Vec<&String> = owed_after.keys().collect();
    let mut expected = vec![&a_reference, &b_reference];
    expected.sort();
    assert_eq!(owed_references, expected);
    assert_eq!(owed_after[&b_reference]["id_masked"], masked(B));
    assert_eq!(owed_after[&b_reference]["failure_reason"], "账户已销户");
    assert_eq!(owed_after[&a_reference]["id_masked"], masked(A));
    assert_eq!(owed_after[&a_reference]["failure_reason"], Value::Null);
    let owed_text = g.ok(&["--lang", "en", "distribution", "owed"]);
    assert!(owed_text.contains("账户已销户"), "{owed_text}");

    // The others are paid with the bank's reference.
    let shown = json(&g, &["distribution", "show", "--year", "2025"]);
    let shown_lines = shown["lines"].as_array().unwrap();
    let by_reference: BTreeMap<&str, &Value> = shown_lines
        .iter()
        .map(|l| (l["line_reference"].as_str().unwrap(), l))
        .collect();
    let c_reference = reference_of(shown_lines, C);
    let c_line = lines
        .iter()
        .position(|l| memo_reference(&l[4]) == c_reference)
        .expect("C is in the file");
    let c = by_reference[c_reference.as_str()];
    assert_eq!(c["paid"], true);
    assert_eq!(c["paid_reference"], format!("LS{:06}", c_line + 1));
    assert_eq!(by_reference[b_reference.as_str()]["paid"], false);
    assert_eq!(
        by_reference[b_reference.as_str()]["failure_reason"],
        "账户已销户"
    );
    let paid = by_reference.values().filter(|l| l["paid"] == true).count();
    assert_eq!(paid, lines.len() - 1);
    let show_text = g.ok(&["distribution", "show", "--year", "2025"]);
    assert!(show_text.contains("账户已销户"), "{show_text}");
    // Streamed from the projections, the papers print what they print rebuilt from the log:
    // the bank's failure, the line without an account and the paid lines alike.
    g.streamed_equals_whole(&["distribution", "show", "--year", "2025"], 500);
    g.streamed_equals_whole(&["distribution", "sheet", "--year", "2025"], 500);
    g.streamed_equals_whole(&["distribution", "owed"], 2);

    // The resubmission holds exactly B's line.
    let resubmitted = gbk_csv(&resubmit_path);
    assert_eq!(resubmitted.len(), 2, "{resubmitted:?}");
    assert_eq!(resubmitted[1][2], b_account);
    assert_eq!(
        gufen_core::Fen::parse_yuan(&resubmitted[1][3]).unwrap().0,
        owed_after[&b_reference]["amount_fen"].as_i64().unwrap()
    );
    assert!(resubmitted[1][4].ends_with(&b_reference), "{resubmitted:?}");

    // The same result again pays nothing twice: refused, naming the line, ledger unchanged.
    let error = refused(
        &g,
        &[
            "--lang",
            "en",
            "distribution",
            "payresult",
            "--year",
            "2025",
            result_path.to_str().unwrap(),
            "--bank",
            rural.to_str().unwrap(),
            "--date",
            "2026-02-11",
        ],
        "already paid",
    );
    assert!(error.contains("line 2: "), "{error}");
    let verify = json(&g, &["verify", "--replay"]);
    assert_eq!(verify["ok"], true);
}

#[test]
fn accounts_are_masked_to_their_last_four_digits_in_public_outputs() {
    let g = Gufen::sample_village("R");
    g.ok(&[
        "member",
        "bank",
        "--id",
        A,
        "--bank",
        "新密农商银行",
        "--account",
        "6228 4800 1234 5678",
        "--date",
        "2026-02-01",
    ]);
    let whole = "6228480012345678";
    for args in [
        vec!["member", "show", "--id", A],
        vec!["history", "--id", A],
        vec!["log", "--from", "0", "--limit", "100000"],
    ] {
        for format in ["text", "csv", "json"] {
            let mut all = vec!["--format", format];
            all.extend(&args);
            let out = g.ok(&all);
            assert!(!out.contains(whole), "{all:?} shows the whole account");
            if args[0] != "log" {
                assert!(out.contains("**** 5678"), "{all:?}: {out}");
            }
        }
    }
    let log = json(&g, &["log", "--from", "0", "--limit", "100000"]);
    let last = log.as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["type"], "BankAccountSet");
    assert_eq!(last["stream"], format!("person/{}", masked(A)));
    let revealed = g.ok(&["member", "show", "--id", A, "--reveal"]);
    assert!(revealed.contains(whole), "{revealed}");
    let shown = json(&g, &["member", "show", "--id", A]);
    assert_eq!(shown["bank_account"]["account_masked"], "**** 5678");
    assert_eq!(shown["bank_account"]["holder"], "孙云", "the person's name");
    assert!(shown["bank_account"].get("account").is_none());
    // Full-width digits are read as digits; clearing leaves no account.
    g.ok(&[
        "member",
        "bank",
        "--id",
        A,
        "--bank",
        "新密农商银行",
        "--account",
        "６２２８４８００１２３４９９９９",
        "--date",
        "2026-02-02",
    ]);
    let shown = json(&g, &["member", "show", "--id", A]);
    assert_eq!(shown["bank_account"]["account_masked"], "**** 9999");
    g.ok(&[
        "member",
        "bank",
        "--id",
        A,
        "--clear",
        "--date",
        "2026-02-03",
    ]);
    let shown = json(&g, &["member", "show", "--id", A]);
    assert_eq!(shown["bank_account"], Value::Null);
}

#[test]
fn bad_accounts_are_refused_and_the_ledger_is_unchanged() {
    let g = Gufen::sample_village("R");
    let set = |bank: &str, account: &str, holder: &str| -> Vec<String> {
        let mut args: Vec<String> = [
            "--lang",
            "en",
            "member",
            "bank",
            "--id",
            A,
            "--bank",
            bank,
            "--account",
            account,
            "--date",
            "2026-02-01",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        if !holder.is_empty() {
            args.extend(["--holder".to_string(), holder.to_string()]);
        }
        args
    };
    let cases = [
        // An ID number typed into the bank name or the holder's name (R16).
        (set(&format!("农商银行{B}"), "6228480012345678", ""), "R16"),
        (
            set("农商银行", "6228480012345678", &format!("孙云 {B}")),
            "R16",
        ),
        // An ID number typed in as the account.
        (set("农商银行", B, ""), "R16"),
        // Not digits, too short, too long.
        (set("农商银行", "6228-4800-1234", ""), "digits only"),
        (set("农商银行", "20250101", ""), "10 to 32 digits"),
        (set("农商银行", &"6".repeat(33), ""), "10 to 32 digits"),
    ];
    for (args, expected) in &cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let error = refused(&g, &args, expected);
        assert!(!error.contains(B), "a whole ID in the error: {error}");
    }
    // An unknown person.
    refused(
        &g,
        &[
            "--lang",
            "en",
            "member",
            "bank",
            "--id",
            "110101199003070011",
            "--bank",
            "农商银行",
            "--account",
            "6228480012345678",
            "--date",
            "2026-02-01",
        ],
        "no person",
    );
    // A file with two bad rows: both are listed by their places, nothing is written.
    let file = g.write(
        "accounts.csv",
        &format!(
            "证件号码,开户行,卡号,账户名\n{A},农商银行,6228480012345678,孙云\n{B},农商银行,12ab,孙娟\n{C},农商银行{B},6228480012345679,\n"
        ),
    );
    let error = refused(
        &g,
        &[
            "--lang",
            "en",
            "member",
            "bank-import",
            &file,
            "--date",
            "2026-02-01",
        ],
        "2 row(s)",
    );
    assert!(error.contains("line 3: "), "{error}");
    assert!(error.contains("line 4: "), "{error}");
    assert!(!error.contains("line 2: "), "{error}");
}

#[test]
fn a_result_line_that_names_no_unpaid_line_is_refused_with_the_ledger_unchanged() {
    let g = posted_village();
    import_accounts_but_a(&g);
    let csv_path = g.path("payfile.csv");
    let rural = fixture("banks/rural-credit.toml");
    g.ok(&[
        "distribution",
        "payfile",
        "--year",
        "2025",
        "--bank",
        rural.to_str().unwrap(),
        "-o",
        csv_path.to_str().unwrap(),
    ]);
    let lines = gbk_csv(&csv_path);
    let first = &lines[1];
    let header = "序号,户名,账号,金额,摘要,处理结果,流水号,失败原因\n";
    let row = |memo: &str, amount: &str| {
        format!(
            "{},{},{},{amount},{memo},成功,LS000001,\n",
            first[0], first[1], first[2]
        )
    };
    let result = |name: &str, body: &str| {
        let text = format!("{header}{body}");
        let (gbk, _, _) = encoding_rs::GBK.encode(&text);
        let path = g.path(name);
        std::fs::write(&path, &gbk).unwrap();
        path.to_str().unwrap().to_string()
    };
    let payresult = |path: &str| -> Vec<String> {
        [
            "--lang",
            "en",
            "distribution",
            "payresult",
            "--year",
            "2025",
            path,
            "--bank",
            rural.to_str().unwrap(),
            "--date",
            "2026-02-10",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    };
    let run = |path: &str, expected: &str| {
        let args = payresult(path);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        refused(&g, &args, expected)
    };
    // An unknown reference, with the good line beside it: nothing is paid.
    let unknown = result(
        "unknown.csv",
        &format!(
            "{}{}",
            row(&first[4], &first[3]),
            row("2025年分红 GF2025-9999", &first[3])
        ),
    );
    let error = run(&unknown, "matches no unpaid line");
    assert!(error.contains("line 3: "), "{error}");
    // An amount other than the plan's.
    let amount = result("amount.csv", &row(&first[4], "0.01"));
    let error = run(&amount, "differs from the plan");
    assert!(error.contains("line 2: "), "{error}");
    // One line paid twice in the file.
    let twice = result(
        "twice.csv",
        &format!("{}{}", row(&first[4], &first[3]), row(&first[4], &first[3])),
    );
    let error = run(&twice, "also on line 2");
    assert!(error.contains("line 3: "), "{error}");
    // The good line alone is paid.
    let good = result("good.csv", &row(&first[4], &first[3]));
    let args = payresult(&good);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    g.ok(&args);
    let paid = memo_reference(&first[4]);
    let owed = owed(&g);
    assert!(!owed.contains_key(&paid), "{paid} paid");
    assert_eq!(owed.len(), lines.len() - 1, "one line paid, A's still owed");
}

/// The sample village with accounts for all but A and the rural cooperative's batch file
/// written: the file's lines (header first) and the template's path.
fn batch_written(g: &Gufen) -> (Vec<Vec<String>>, String) {
    import_accounts_but_a(g);
    let csv_path = g.path("payfile.csv");
    let rural = fixture("banks/rural-credit.toml");
    g.ok(&[
        "distribution",
        "payfile",
        "--year",
        "2025",
        "--bank",
        rural.to_str().unwrap(),
        "-o",
        csv_path.to_str().unwrap(),
    ]);
    (gbk_csv(&csv_path), rural.to_str().unwrap().to_string())
}

/// A result file (GBK CSV in the cooperative's shape) of `rows`: a batch line, its status and
/// its reason each; its path.
fn result_file(g: &Gufen, name: &str, rows: &[(&Vec<String>, &str, &str)]) -> String {
    let mut text = String::from("序号,户名,账号,金额,摘要,处理结果,流水号,失败原因\n");
    for (n, (line, status, reason)) in rows.iter().enumerate() {
        text.push_str(&format!(
            "{},{},{},{},{},{status},LS{:06},{reason}\n",
            line[0],
            line[1],
            line[2],
            line[3],
            line[4],
            n + 1
        ));
    }
    let (gbk, _, _) = encoding_rs::GBK.encode(&text);
    let path = g.path(name);
    std::fs::write(&path, &gbk).unwrap();
    path.to_str().unwrap().to_string()
}

/// `distribution payresult` of `file` with the cooperative's template, in English, and `extra`.
fn payresult_args<'a>(file: &'a str, rural: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "--lang",
        "en",
        "distribution",
        "payresult",
        "--year",
        "2025",
        file,
        "--bank",
        rural,
        "--date",
        "2026-02-10",
    ];
    args.extend(extra);
    args
}

#[test]
fn a_resubmit_file_naming_the_result_file_being_read_is_refused_before_anything() {
    let g = posted_village();
    let (lines, rural) = batch_written(&g);
    let result = result_file(
        &g,
        "result.csv",
        &[(&lines[1], "成功", ""), (&lines[2], "失败", "账户已销户")],
    );
    let before = std::fs::read(&result).unwrap();
    // The same file, and the same file by another spelling of its path.
    let dotted = g.path(".").join("result.csv");
    for resubmit in [result.clone(), dotted.to_str().unwrap().to_string()] {
        let args = payresult_args(&result, &rural, &["--resubmit", &resubmit]);
        refused(&g, &args, "the bank's result file being read");
        assert_eq!(
            std::fs::read(&result).unwrap(),
            before,
            "the result file kept"
        );
    }
    let mut chinese = payresult_args(&result, &rural, &["--resubmit", &result]);
    chinese[1] = "zh";
    let run = g.run(&chinese);
    assert!(
        run.stderr.contains("正是要读取的银行结果文件"),
        "{}",
        run.stderr
    );
    g.ok(&payresult_args(&result, &rural, &[]));
}

#[test]
fn a_resubmit_file_that_cannot_be_written_is_refused_before_the_payments_are_recorded() {
    let g = posted_village();
    let (lines, rural) = batch_written(&g);
    let result = result_file(
        &g,
        "result.csv",
        &[(&lines[1], "成功", ""), (&lines[2], "失败", "账户已销户")],
    );
    let missing = g.path("no-such-dir").join("resubmit.csv");
    let directory = g.path("a-dir");
    std::fs::create_dir(&directory).unwrap();
    refused(
        &g,
        &payresult_args(&result, &rural, &["--resubmit", missing.to_str().unwrap()]),
        "does not exist; nothing was done",
    );
    refused(
        &g,
        &payresult_args(
            &result,
            &rural,
            &["--resubmit", directory.to_str().unwrap()],
        ),
        "that is a directory",
    );
    // Nothing was paid: the same result with a good target records both lines.
    let good = g.path("resubmit.csv");
    let out = g.ok(&payresult_args(
        &result,
        &rural,
        &["--resubmit", good.to_str().unwrap()],
    ));
    assert!(out.contains("1 lines paid"), "{out}");
    assert_eq!(gbk_csv(&good).len(), 2, "the failed line resubmitted");
}

#[test]
fn a_status_the_template_does_not_list_is_refused_naming_its_cell_never_resubmitted() {
    let g = posted_village();
    let (lines, rural) = batch_written(&g);
    // 交易成功 means paid, but the cooperative's template lists only 成功: taken for a failure
    // it would be resubmitted and paid twice.
    let result = result_file(
        &g,
        "result.csv",
        &[(&lines[1], "成功", ""), (&lines[2], "交易成功", "")],
    );
    let resubmit = g.path("resubmit.csv");
    let error = refused(
        &g,
        &payresult_args(&result, &rural, &["--resubmit", resubmit.to_str().unwrap()]),
        "the status \"交易成功\" in line 3",
    );
    assert!(error.contains("neither a success (成功)"), "{error}");
    assert!(error.contains("账户已销户"), "the failures listed: {error}");
    assert!(!resubmit.exists(), "nothing resubmitted");
    // A listed failure is recorded as one and resubmitted.
    let result = result_file(
        &g,
        "result2.csv",
        &[(&lines[1], "成功", ""), (&lines[2], "退回", "")],
    );
    let out = g.ok(&payresult_args(
        &result,
        &rural,
        &["--resubmit", resubmit.to_str().unwrap()],
    ));
    assert!(out.contains("1 failed"), "{out}");
    assert_eq!(gbk_csv(&resubmit).len(), 2);
}

#[test]
fn a_holder_who_died_after_the_posting_is_left_out_of_the_bank_file_and_paid_by_its_result_with_a_warning(
) {
    let g = posted_village();
    let (lines, rural) = batch_written(&g);
    let owed_lines = owed(&g);
    let c_reference = reference_of(owed_lines.values(), C);
    let c_line = lines
        .iter()
        .find(|l| l.len() > 4 && memo_reference(&l[4]) == c_reference)
        .expect("C in the file before the death")
        .clone();
    g.ok(&["death", "record", "--id", C, "--date", "2026-02-05"]);
    let again = g.path("payfile-after.csv");
    let run = g.run(&[
        "--lang",
        "en",
        "distribution",
        "payfile",
        "--year",
        "2025",
        "--bank",
        &rural,
        "-o",
        again.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let after = gbk_csv(&again);
    assert_eq!(after.len(), lines.len() - 1, "C's line left out");
    assert!(
        !after.iter().any(|l| l[2] == c_line[2]),
        "C's account not paid"
    );
    assert!(
        run.stderr.contains(&format!(
            "{c_reference} {} deceased: paid to the estate once settled",
            masked(C)
        )),
        "{}",
        run.stderr
    );
    assert!(
        run.stdout
            .contains("deceased: paid to the estate once settled"),
        "{}",
        run.stdout
    );
    // A result paying C's line from the earlier file is recorded: the bank's deposit into
    // the deceased's account is a fact, part of the estate; the report warns of it.
    let result = result_file(
        &g,
        "result.csv",
        &[(&lines[1], "成功", ""), (&c_line, "成功", "")],
    );
    let run = g.run(&payresult_args(&result, &rural, &[]));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("2 lines paid"), "{}", run.stdout);
    let warning = format!(
        "paid to the deceased holder's account; settle it with the estate (1 lines): {c_reference}"
    );
    assert!(run.stdout.contains(&warning), "{}", run.stdout);
    assert!(run.stderr.contains(&warning), "{}", run.stderr);
    assert!(!owed(&g).contains_key(&c_reference), "C's line paid");
    let mut chinese = payresult_args(&result, &rural, &[]);
    chinese[1] = "zh";
    let result2 = result_file(&g, "result2.csv", &[(&lines[3], "成功", "")]);
    chinese[6] = &result2;
    let quiet = g.ok(&chinese);
    assert!(!quiet.contains("已故持有人"), "no deceased line: {quiet}");
}

#[test]
fn a_paid_line_of_a_holder_who_died_since_is_recorded_paid_with_a_warning_in_chinese() {
    let g = posted_village();
    let (lines, rural) = batch_written(&g);
    let c_reference = reference_of(owed(&g).values(), C);
    let c_line = lines
        .iter()
        .find(|l| l.len() > 4 && memo_reference(&l[4]) == c_reference)
        .unwrap()
        .clone();
    g.ok(&["death", "record", "--id", C, "--date", "2026-02-05"]);
    let result = result_file(&g, "result.csv", &[(&c_line, "成功", "")]);
    let mut args = payresult_args(&result, &rural, &[]);
    args[1] = "zh";
    let run = g.run(&args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("已故持有人的分红已付至其账户，由遗产继承人结算"),
        "{}",
        run.stdout
    );
    assert!(run.stderr.contains("已故持有人"), "{}", run.stderr);
    assert!(!owed(&g).contains_key(&c_reference), "C's line paid");
}

#[test]
fn every_bad_row_of_a_result_file_is_listed_in_one_run() {
    let g = posted_village();
    let (lines, rural) = batch_written(&g);
    let mut wrong_amount = lines[2].clone();
    wrong_amount[3] = "0.01".into();
    let mut unknown = lines[3].clone();
    unknown[4] = "2025年分红 GF2025-9999".into();
    let result = result_file(
        &g,
        "result.csv",
        &[
            (&lines[1], "成功", ""),
            (&wrong_amount, "成功", ""),
            (&unknown, "成功", ""),
            (&lines[4], "", ""),
            (&lines[1], "成功", ""),
        ],
    );
    let error = refused(&g, &payresult_args(&result, &rural, &[]), "4 row(s)");
    let listed: Vec<&str> = error.lines().filter(|l| l.starts_with("  line ")).collect();
    assert_eq!(listed.len(), 4, "{error}");
    for (line, expected) in [
        ("line 3: ", "differs from the plan"),
        ("line 4: ", "matches no unpaid line"),
        ("line 5: ", "is empty"),
        ("line 6: ", "also on line 2"),
    ] {
        assert!(
            listed
                .iter()
                .any(|l| l.contains(line) && l.contains(expected)),
            "{line}{expected} in {error}"
        );
    }
    let order: Vec<&str> = listed.iter().map(|l| &l[2..9]).collect();
    assert_eq!(order, ["line 3:", "line 4:", "line 5:", "line 6:"]);
}

#[test]
fn a_memo_holding_two_line_references_is_refused_naming_its_cell() {
    let g = posted_village();
    let (lines, rural) = batch_written(&g);
    let mut two = lines[2].clone();
    two[4] = format!(
        "{} {}",
        memo_reference(&lines[2][4]),
        memo_reference(&lines[3][4])
    );
    let result = result_file(
        &g,
        "result.csv",
        &[(&lines[1], "成功", ""), (&two, "成功", "")],
    );
    let error = refused(
        &g,
        &payresult_args(&result, &rural, &[]),
        "holds more than one line reference",
    );
    assert!(error.contains("line 3"), "{error}");
    assert!(error.contains(&memo_reference(&lines[3][4])), "{error}");
}

#[test]
fn a_bank_account_file_is_read_as_a_roster_is_past_titles_footers_and_remarks() {
    let g = Gufen::sample_village("R");
    let people = roster();
    let (b_name, c_name) = (&people[1].1, &people[2].1);
    // A title above the header, a serial number, a remark and the person's name beside the
    // columns read, and a total row below.
    let file = g.write(
        "accounts.csv",
        &format!(
            "某某村股份分红账户清单,,,,,\n序号,身份证号,姓名,开户行,卡号,备注\n1,{B},{b_name},农商银行,6228480012345678,\n2,{C},{c_name},农商银行,6228480012345679,新开\n合计：2 户,,,,,\n"
        ),
    );
    g.ok(&["member", "bank-import", &file, "--date", "2026-02-01"]);
    let shown = json(&g, &["member", "show", "--id", C]);
    assert_eq!(shown["bank_account"]["account_masked"], "**** 5679");
    // Two columns of the account, and a column gufen does not read: each refused by name.
    let twice = g.write(
        "twice.csv",
        &format!("身份证号,开户行,账号,卡号,电子邮箱\n{A},农商银行,6228480012345670,6228480012345670,a@b.c\n"),
    );
    let error = refused(
        &g,
        &[
            "--lang",
            "en",
            "member",
            "bank-import",
            &twice,
            "--date",
            "2026-02-02",
        ],
        "line 1, column 4 (卡号): a second account column; the first is line 1, column 3 (账号)",
    );
    assert!(
        error.contains("line 1, column 5 (电子邮箱): not a column of a bank account file"),
        "{error}"
    );
}

#[test]
fn a_row_out_of_line_and_one_account_given_to_two_persons_are_refused_naming_both_rows() {
    let g = Gufen::sample_village("R");
    let people = roster();
    let (a_name, b_name, c_name) = (&people[0].1, &people[1].1, &people[2].1);
    // B's row names C (the 姓名 column slipped a row); C's account is A's.
    let file = g.write(
        "accounts.csv",
        &format!(
            "身份证号,姓名,开户行,账号\n{A},{a_name},农商银行,6228480012345678\n{B},{c_name},农商银行,6228480012345679\n{C},{c_name},农商银行,6228 4800 1234 5678\n"
        ),
    );
    let error = refused(
        &g,
        &[
            "--lang",
            "en",
            "member",
            "bank-import",
            &file,
            "--date",
            "2026-02-01",
        ],
        "2 row(s)",
    );
    assert!(
        error.contains(&format!(
            "line 3: the name {c_name:?} is not the ledger's name of {}",
            masked(B)
        )),
        "{error}"
    );
    // In Chinese the row is named as every refused row is: its line, then its column.
    let error_zh = refused(
        &g,
        &[
            "--lang",
            "zh",
            "member",
            "bank-import",
            &file,
            "--date",
            "2026-02-01",
        ],
        "2 行被拒绝",
    );
    assert!(
        error_zh.contains(&format!(
            "第 3 行（姓名）：姓名“{c_name}”与台账中 {} 的姓名“{b_name}”不符",
            masked(B)
        )),
        "{error_zh}"
    );
    assert!(
        error.contains(&format!(
            "line 4: input: the account number **** 5678 of {} is also given to {} on line 2",
            masked(C),
            masked(A)
        )),
        "{error}"
    );
    assert!(
        !error.contains("6228480012345678"),
        "the whole account in: {error}"
    );
    // The names in the file's spacing, and a holder (户名) who is not the person, are fine.
    let file = g.write(
        "fine.csv",
        &format!(
            "身份证号,姓名,户名,开户行,账号\n{B}, {b_name} ,{a_name},农商银行,6228480012345679\n"
        ),
    );
    g.ok(&["member", "bank-import", &file, "--date", "2026-02-01"]);
    let shown = json(&g, &["member", "show", "--id", B]);
    assert_eq!(shown["bank_account"]["holder"], a_name.as_str());
}

#[test]
fn a_holder_name_gbk_readers_reject_is_refused_before_a_gbk_file_is_written() {
    let g = posted_village();
    import_accounts_but_a(&g);
    g.ok(&[
        "member",
        "bank",
        "--id",
        B,
        "--bank",
        "农商银行",
        "--account",
        "6228480012345679",
        "--holder",
        "刘䶮",
        "--date",
        "2026-02-02",
    ]);
    let out = g.path("payfile.csv");
    let rural = fixture("banks/rural-credit.toml");
    let error = refused(
        &g,
        &[
            "--lang",
            "en",
            "distribution",
            "payfile",
            "--year",
            "2025",
            "--bank",
            rural.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ],
        "(holder 刘䶮): the character '䶮' (U+4DAE) is not in GBK",
    );
    assert!(error.contains("nothing was written"), "{error}");
    assert!(!out.exists(), "no file written");
    // The workbook template carries its own encoding: written.
    let xlsx = g.path("payfile.xlsx");
    let commercial = fixture("banks/commercial-bank.toml");
    g.ok(&[
        "distribution",
        "payfile",
        "--year",
        "2025",
        "--bank",
        commercial.to_str().unwrap(),
        "-o",
        xlsx.to_str().unwrap(),
    ]);
}

/// The sheet's rows of an XLSX file, each cell as text.
fn xlsx_rows(path: &std::path::Path) -> Vec<Vec<String>> {
    use calamine::Reader;
    let mut workbook = calamine::open_workbook_auto(path).unwrap();
    let range = workbook.worksheet_range_at(0).unwrap().unwrap();
    range
        .rows()
        .map(|row| row.iter().map(|c| c.to_string()).collect())
        .collect()
}

/// `distribution owed` in `format` (text, csv, xlsx) and `lang`: its rows, each cell as text
/// (text: each line whole, as one cell).
fn owed_rows(g: &Gufen, format: &str, lang: &str) -> Vec<Vec<String>> {
    table_rows(g, format, lang, &["distribution", "owed"])
}

/// What `command` prints in `format` (text, csv, xlsx) and `lang`: its rows, each cell as text
/// (text: each line whole, as one cell).
fn table_rows(g: &Gufen, format: &str, lang: &str, command: &[&str]) -> Vec<Vec<String>> {
    let mut args = vec!["--lang", lang, "--format", format];
    match format {
        "xlsx" => {
            let path = g.path(&format!("{}-{lang}.xlsx", command.join("-")));
            args.extend(["-o", path.to_str().unwrap()]);
            args.extend(command);
            g.ok(&args);
            xlsx_rows(&path)
        }
        "csv" => {
            args.extend(command);
            let text = g.ok(&args);
            csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(text.as_bytes())
                .records()
                .map(|r| r.unwrap().iter().map(String::from).collect())
                .collect()
        }
        _ => {
            args.extend(command);
            g.ok(&args).lines().map(|l| vec![l.to_string()]).collect()
        }
    }
}

/// The one row of `rows` that holds the masked ID and the name of `line` (a JSON line), joined.
fn row_of(rows: &[Vec<String>], line: &Value) -> String {
    let (id, name) = (
        line["id_masked"].as_str().unwrap(),
        line["name"].as_str().unwrap(),
    );
    let found: Vec<String> = rows
        .iter()
        .map(|r| r.join(" | "))
        .filter(|r| r.contains(id) && r.contains(name))
        .collect();
    assert_eq!(found.len(), 1, "one row of {id} {name}: {rows:?}");
    found[0].clone()
}

#[test]
fn owed_and_show_say_why_a_line_without_an_account_or_of_a_deceased_holder_is_not_paid() {
    let g = posted_village();
    let (lines, rural) = batch_written(&g);
    let owed_lines = owed(&g);
    let a_reference = reference_of(owed_lines.values(), A);
    let c_reference = reference_of(owed_lines.values(), C);
    // The file's first line fails at the bank; C dies after the posting; A has no account.
    let b_line = &lines[1];
    let b_reference = memo_reference(&b_line[4]);
    assert!(![&a_reference, &c_reference].contains(&&b_reference));
    let result = result_file(&g, "result.csv", &[(b_line, "失败", "账户已销户")]);
    g.ok(&payresult_args(&result, &rural, &[]));
    g.ok(&["death", "record", "--id", C, "--date", "2026-02-15"]);

    let owed_after = owed(&g);
    let why = |reference: &str| {
        let line = &owed_after[reference];
        (
            line["not_paid_because"].clone(),
            line["failure_reason"].clone(),
        )
    };
    assert_eq!(why(&a_reference), ("no-account".into(), Value::Null));
    assert_eq!(why(&c_reference), ("estate".into(), Value::Null));
    assert_eq!(
        why(&b_reference),
        ("bank-failure".into(), "账户已销户".into())
    );
    let others: Vec<&Value> = owed_after
        .iter()
        .filter(|(r, _)| ![&a_reference, &b_reference, &c_reference].contains(r))
        .map(|(_, l)| &l["not_paid_because"])
        .collect();
    assert!(!others.is_empty());
    assert!(others.iter().all(|w| w.is_null()), "{others:?}");

    for format in ["text", "csv", "xlsx"] {
        for (lang, no_account, estate) in [
            ("zh", "无银行账户", "已故：待遗产继承后支付"),
            (
                "en",
                "no bank account",
                "deceased: paid to the estate once settled",
            ),
        ] {
            let rows = owed_rows(&g, format, lang);
            let a_row = row_of(&rows, &owed_after[&a_reference]);
            assert!(a_row.contains(no_account), "{format} {lang}: {a_row}");
            let c_row = row_of(&rows, &owed_after[&c_reference]);
            assert!(c_row.contains(estate), "{format} {lang}: {c_row}");
            let b_row = row_of(&rows, &owed_after[&b_reference]);
            assert!(b_row.contains("账户已销户"), "{format} {lang}: {b_row}");
            assert!(!b_row.contains(no_account), "{format} {lang}: {b_row}");
            // The year's own table gives the same reasons (it gave the bank's only).
            let shown = table_rows(
                &g,
                format,
                lang,
                &["distribution", "show", "--year", "2025"],
            );
            let a_row = row_of(&shown, &owed_after[&a_reference]);
            assert!(a_row.contains(no_account), "show {format} {lang}: {a_row}");
            let c_row = row_of(&shown, &owed_after[&c_reference]);
            assert!(c_row.contains(estate), "show {format} {lang}: {c_row}");
            let b_row = row_of(&shown, &owed_after[&b_reference]);
            assert!(
                b_row.contains("账户已销户"),
                "show {format} {lang}: {b_row}"
            );
        }
    }
    // And in JSON: each of the year's lines the reason `owed` gives it, none for a paid one.
    let shown = json(&g, &["distribution", "show", "--year", "2025"]);
    for line in shown["lines"].as_array().unwrap() {
        let reference = line["line_reference"].as_str().unwrap();
        let want = owed_after
            .get(reference)
            .map_or(Value::Null, |l| l["not_paid_because"].clone());
        assert_eq!(line["not_paid_because"], want, "{reference}");
    }
}

#[test]
fn show_and_owed_tables_carry_each_lines_reference_to_match_the_bank_file() {
    let g = posted_village();
    let (lines, rural) = batch_written(&g);
    // The file's first line paid, so that show holds paid and unpaid lines.
    let result = result_file(&g, "result.csv", &[(&lines[1], "成功", "")]);
    g.ok(&payresult_args(&result, &rural, &[]));
    let owed_lines = owed(&g);
    let shown = json(&g, &["distribution", "show", "--year", "2025"]);
    let shown_lines = shown["lines"].as_array().unwrap();
    let paid = shown_lines
        .iter()
        .find(|l| l["line_reference"] == memo_reference(&lines[1][4]).as_str())
        .unwrap();
    assert_eq!(paid["paid"], true);
    let a_reference = reference_of(owed_lines.values(), A);
    let c_reference = reference_of(owed_lines.values(), C);
    for (command, checked) in [
        (
            &["distribution", "owed"][..],
            vec![&owed_lines[&a_reference], &owed_lines[&c_reference]],
        ),
        (
            &["distribution", "show", "--year", "2025"][..],
            vec![
                paid,
                shown_lines
                    .iter()
                    .find(|l| l["line_reference"] == a_reference.as_str())
                    .unwrap(),
            ],
        ),
    ] {
        for format in ["text", "csv", "xlsx"] {
            for (lang, header) in [("zh", "参考号"), ("en", "reference")] {
                let rows = table_rows(&g, format, lang, command);
                assert!(
                    rows.iter().any(|r| r.join(" ").contains(header)),
                    "{command:?} {format} {lang}: no {header} column"
                );
                for line in &checked {
                    let reference = line["line_reference"].as_str().unwrap();
                    let row = row_of(&rows, line);
                    assert!(
                        row.contains(reference),
                        "{command:?} {format} {lang}: {reference} not in {row}"
                    );
                }
                if format != "text" {
                    // The reference is its own cell, under the header.
                    let head = rows.iter().find(|r| r.iter().any(|c| c == header)).unwrap();
                    let column = head.iter().position(|c| c == header).unwrap();
                    for line in &checked {
                        let id = line["id_masked"].as_str().unwrap();
                        let name = line["name"].as_str().unwrap();
                        let row = rows
                            .iter()
                            .find(|r| r.iter().any(|c| c == id) && r.join(" ").contains(name))
                            .unwrap();
                        assert_eq!(row[column], line["line_reference"].as_str().unwrap());
                    }
                }
            }
        }
    }
    // The public notice has no payment columns and no reference.
    let notice = g.ok(&[
        "--lang",
        "en",
        "distribution",
        "show",
        "--year",
        "2025",
        "--notice",
    ]);
    assert!(!notice.contains("GF2025-"), "{notice}");
}

#[test]
fn a_resubmit_with_no_failed_line_writes_no_file_and_says_so() {
    let g = posted_village();
    let (lines, rural) = batch_written(&g);
    let resubmit = g.path("resubmit.csv");
    let resubmit_arg = resubmit.to_str().unwrap();
    let result = result_file(&g, "result.csv", &[(&lines[1], "成功", "")]);
    let run = g.run(&payresult_args(
        &result,
        &rural,
        &["--resubmit", resubmit_arg],
    ));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let said = format!("no failed line to resubmit: {resubmit_arg} was not written");
    assert!(run.stderr.contains(&said), "{}", run.stderr);
    assert!(run.stdout.contains(&said), "{}", run.stdout);
    assert!(run.stdout.contains("1 lines paid"), "{}", run.stdout);
    assert!(!resubmit.exists(), "a header-only bank file was written");
    // In Chinese.
    let result = result_file(&g, "result2.csv", &[(&lines[2], "成功", "")]);
    let mut args = payresult_args(&result, &rural, &["--resubmit", resubmit_arg]);
    args[1] = "zh";
    let run = g.run(&args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let said = format!("没有可重新代发的失败明细：未写出 {resubmit_arg}");
    assert!(run.stderr.contains(&said), "{}", run.stderr);
    assert!(run.stdout.contains(&said), "{}", run.stdout);
    assert!(!resubmit.exists(), "a header-only bank file was written");
    // A failed line is still resubmitted.
    let result = result_file(&g, "result3.csv", &[(&lines[3], "失败", "户名不符")]);
    g.ok(&payresult_args(
        &result,
        &rural,
        &["--resubmit", resubmit_arg],
    ));
    assert_eq!(gbk_csv(&resubmit).len(), 2);
}

#[test]
fn a_result_dated_before_the_posting_is_refused_once_not_once_a_row() {
    let g = posted_village();
    let (lines, rural) = batch_written(&g);
    let rows: Vec<(&Vec<String>, &str, &str)> =
        lines[1..].iter().map(|l| (l, "成功", "")).collect();
    assert!(rows.len() > 500);
    let result = result_file(&g, "result.csv", &rows);
    let mut args = payresult_args(&result, &rural, &[]);
    let date = args.iter().position(|a| *a == "--date").unwrap() + 1;
    args[date] = "2026-01-01";
    let said =
        "R17: the payment (2026-01-01) cannot come before the dividend was posted (2026-01-23)";
    let error = refused(&g, &args, said);
    assert_eq!(error.matches("cannot come before").count(), 1, "{error}");
    assert!(error.lines().count() <= 2, "{error}");
    // With a bad row beside it, the date is said once and the bad row too.
    let mut wrong = lines[2].clone();
    wrong[3] = "0.01".into();
    let mut rows = rows.clone();
    rows[1] = (&wrong, "成功", "");
    rows.push((&lines[1], "", ""));
    let result = result_file(&g, "result2.csv", &rows);
    let mut args = payresult_args(&result, &rural, &[]);
    args[date] = "2026-01-01";
    let error = refused(&g, &args, said);
    assert_eq!(error.matches("cannot come before").count(), 1, "{error}");
    assert!(error.contains("is empty"), "{error}");
    // In Chinese.
    let mut args = payresult_args(&result, &rural, &[]);
    args[1] = "zh";
    args[date] = "2026-01-01";
    let error = refused(
        &g,
        &args,
        "支付日期（2026-01-01）不能早于分红入账日期（2026-01-23）",
    );
    assert_eq!(error.matches("不能早于").count(), 1, "{error}");
}

#[test]
fn a_line_twice_in_a_result_file_names_the_other_by_its_line_in_the_file() {
    let g = posted_village();
    let (lines, rural) = batch_written(&g);
    // A note row the reader passes over sits between the first line and the repeated one.
    let row = |n: usize, line: &Vec<String>| {
        format!(
            "{},{},{},{},{},成功,LS{n:06},\n",
            line[0], line[1], line[2], line[3], line[4]
        )
    };
    let text = format!(
        "序号,户名,账号,金额,摘要,处理结果,流水号,失败原因\n{}以下为补发,,,,,,,\n{}{}",
        row(1, &lines[1]),
        row(2, &lines[2]),
        row(3, &lines[2])
    );
    let (gbk, _, _) = encoding_rs::GBK.encode(&text);
    let path = g.path("twice.csv");
    std::fs::write(&path, &gbk).unwrap();
    let path = path.to_str().unwrap();
    let reference = memo_reference(&lines[2][4]);
    let error = refused(
        &g,
        &payresult_args(path, &rural, &[]),
        &format!("line 5: input: line {reference} ("),
    );
    assert!(error.contains(") is also on line 4"), "{error}");
    assert!(!error.contains("row 2"), "{error}");
    let mut args = payresult_args(path, &rural, &[]);
    args[1] = "zh";
    let error = refused(&g, &args, &format!("明细 {reference}（"));
    assert!(error.contains("）也出现在第 4 行"), "{error}");
    assert!(error.contains("第 5 行"), "{error}");
}

#[test]
fn a_result_retried_with_its_command_id_after_it_landed_answers_the_first_outcome() {
    let g = posted_village();
    let (lines, rural) = batch_written(&g);
    let result = result_file(
        &g,
        "result.csv",
        &[(&lines[1], "成功", ""), (&lines[2], "失败", "账户已销户")],
    );
    let resubmit = g.path("resubmit.csv");
    let mut args = vec![
        "--format",
        "json",
        "--command-id",
        "55555555-5555-4555-8555-555555555555",
    ];
    args.extend(payresult_args(
        &result,
        &rural,
        &["--resubmit", resubmit.to_str().unwrap()],
    ));
    let first: Value = serde_json::from_str(&g.ok(&args)).unwrap();
    assert_eq!(first["repeated"], false, "{first}");
    assert_eq!(first["len"], 2, "{first}");
    let before = head(&g);
    let owed_before = owed(&g);
    // The retry (its answer lost, say) is not refused as already paid: the first outcome.
    let run = g.run(&args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("already paid"), "{}", run.stderr);
    let again: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(again["repeated"], true, "{again}");
    for key in ["first_seq", "head_seq", "len", "head_hash"] {
        assert_eq!(again[key], first[key], "{key}");
    }
    assert_eq!(head(&g), before, "nothing appended");
    assert_eq!(owed(&g), owed_before);
    assert_eq!(gbk_csv(&resubmit).len(), 2, "the failed line resubmitted");
    // Without the command id the same file is a second payment: refused.
    let plain = payresult_args(&result, &rural, &[]);
    refused(&g, &plain, "already paid");
}

/// The roster ID whose account is `account` (as `import_accounts_but_a` gave them).
fn id_of_account(account_number: &str) -> String {
    let index = (0..roster().len())
        .find(|&i| account(i) == account_number)
        .expect("a roster account");
    roster()[index].0.clone()
}

#[test]
fn a_reason_quoting_the_account_is_stored_masked_and_a_long_or_broken_reason_is_cleaned() {
    let g = posted_village();
    let (lines, rural) = batch_written(&g);
    let whole = lines[1][2].clone();
    let id = id_of_account(&whole);
    let tail = &whole[whole.len() - 4..];
    let long = "忙".repeat(300);
    let mut text = String::from("序号,户名,账号,金额,摘要,处理结果,流水号,失败原因\n");
    for (line, reason) in [
        (&lines[1], format!("账号{whole}不存在")),
        (&lines[2], "\"系统\n繁忙\"".to_string()),
        (&lines[3], long.clone()),
    ] {
        text.push_str(&format!(
            "{},{},{},{},{},失败,,{reason}\n",
            line[0], line[1], line[2], line[3], line[4]
        ));
    }
    let (gbk, _, _) = encoding_rs::GBK.encode(&text);
    let path = g.path("result.csv");
    std::fs::write(&path, &gbk).unwrap();
    let out = g.ok(&payresult_args(path.to_str().unwrap(), &rural, &[]));
    assert!(out.contains("3 failed"), "{out}");
    assert!(
        !out.contains(&whole),
        "the report shows the account whole: {out}"
    );
    assert!(out.contains(&format!("账号**** {tail}不存在")), "{out}");
    let owed = owed(&g);
    let reasons: Vec<&str> = owed
        .values()
        .filter_map(|l| l["failure_reason"].as_str())
        .collect();
    assert!(reasons.contains(&"系统 繁忙"), "{reasons:?}");
    assert!(reasons.contains(&"忙".repeat(200).as_str()), "cut to 200");
    for args in [
        vec!["distribution", "owed"],
        vec!["distribution", "show", "--year", "2025"],
        vec!["log", "--from", "0", "--limit", "100000"],
        vec!["history", "--id", &id],
    ] {
        for format in ["text", "json"] {
            let mut all = vec!["--format", format];
            all.extend(&args);
            let shown = g.ok(&all);
            assert!(!shown.contains(&whole), "{all:?} shows the account whole");
            // The log lists records by type, without their content; the others give it.
            assert!(
                args[0] == "log" || shown.contains(&format!("账号**** {tail}不存在")),
                "{all:?}: the masked reason missing"
            );
        }
    }
}

#[test]
fn a_reference_the_bank_cut_short_is_refused_naming_its_cell_not_taken_for_another_line() {
    let g = posted_village();
    let (lines, rural) = batch_written(&g);
    // Line 12's memo cut by the bank: GF2025-0012 to GF2025-001, which is not line 1.
    let twelfth = &lines[12];
    let reference = memo_reference(&twelfth[4]);
    assert_eq!(reference, "GF2025-0012");
    let mut cut = twelfth.clone();
    cut[4] = cut[4].replace("GF2025-0012", "GF2025-001");
    let result = result_file(
        &g,
        "result.csv",
        &[(&lines[2], "成功", ""), (&cut, "成功", "")],
    );
    let error = refused(
        &g,
        &payresult_args(&result, &rural, &[]),
        "line 3, column 5 holds \"GF2025-001\", not a line reference as the bank file wrote it (GF2025-0001)",
    );
    assert!(error.contains("1 row(s)"), "{error}");
    assert!(owed(&g).contains_key("GF2025-0001"), "line 1 not paid");
    // In Chinese too.
    let mut chinese = payresult_args(&result, &rural, &[]);
    chinese[1] = "zh";
    let run = g.run(&chinese);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("“GF2025-001”不是代发文件写出的参考号"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_payfile_whose_every_line_is_left_out_writes_no_file_and_says_why() {
    let g = posted_village();
    // Only C has an account, and C has died: no line can go into the file.
    g.ok(&[
        "member",
        "bank",
        "--id",
        C,
        "--bank",
        "新密农商银行",
        "--account",
        "6228480012345678",
        "--date",
        "2026-02-01",
    ]);
    g.ok(&["death", "record", "--id", C, "--date", "2026-02-05"]);
    let c_reference = reference_of(owed(&g).values(), C);
    let out = g.path("payfile.csv");
    let rural = fixture("banks/rural-credit.toml");
    let args = [
        "--lang",
        "en",
        "distribution",
        "payfile",
        "--year",
        "2025",
        "--bank",
        rural.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ];
    let error = refused(&g, &args, "so ");
    assert!(
        error.contains("dividends can go into a bank file, so")
            && error.contains("was not written"),
        "{error}"
    );
    assert!(!out.exists(), "no header-only file");
    assert!(
        error.contains(&format!("{c_reference} "))
            && error.contains("deceased: paid to the estate"),
        "C's line listed: {error}"
    );
    assert!(error.contains("no bank account"), "{error}");
    let mut chinese = args;
    chinese[1] = "zh";
    let run = g.run(&chinese);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("都不能列入代发文件"), "{}", run.stderr);
    assert!(!out.exists());
}

#[test]
fn an_import_without_a_holder_column_keeps_the_recorded_holder_of_the_same_account() {
    let g = Gufen::sample_village("R");
    g.ok(&[
        "member",
        "bank",
        "--id",
        A,
        "--bank",
        "新密农商银行",
        "--account",
        "6228480012345678",
        "--holder",
        "孙大山",
        "--date",
        "2026-02-01",
    ]);
    let holder =
        |g: &Gufen| json(g, &["member", "show", "--id", A])["bank_account"]["holder"].clone();
    // The same account, no 户名: nothing changes, nothing is recorded.
    let same = g.write(
        "same.csv",
        &format!("身份证号,开户行,账号\n{A},新密农商银行,6228 4800 1234 5678\n"),
    );
    refused(
        &g,
        &[
            "--lang",
            "en",
            "member",
            "bank-import",
            &same,
            "--date",
            "2026-02-02",
        ],
        "already on record",
    );
    assert_eq!(holder(&g), "孙大山");
    // The same number at a renamed bank: recorded, the holder kept.
    let renamed = g.write(
        "renamed.csv",
        &format!("身份证号,开户行,账号\n{A},新密农商银行城关支行,6228480012345678\n"),
    );
    g.ok(&["member", "bank-import", &renamed, "--date", "2026-02-03"]);
    assert_eq!(holder(&g), "孙大山");
    // A new number without a holder is held in the person's name.
    let new = g.write(
        "new.csv",
        &format!("身份证号,开户行,账号\n{A},新密农商银行,6228480099999999\n"),
    );
    g.ok(&["member", "bank-import", &new, "--date", "2026-02-04"]);
    assert_eq!(holder(&g), "孙云");
}

#[test]
fn a_report_file_naming_the_result_file_or_the_resubmit_file_is_refused_before_anything() {
    let g = posted_village();
    let (lines, rural) = batch_written(&g);
    let result = result_file(
        &g,
        "result.csv",
        &[(&lines[1], "成功", ""), (&lines[2], "失败", "系统繁忙")],
    );
    let before = std::fs::read(&result).unwrap();
    let dotted = g.path(".").join("result.csv");
    let mut args = vec!["-o", dotted.to_str().unwrap()];
    args.extend(payresult_args(&result, &rural, &[]));
    let error = refused(&g, &args, "that is the bank's result file being read");
    assert!(error.contains("nothing was done"), "{error}");
    assert_eq!(
        std::fs::read(&result).unwrap(),
        before,
        "the result file kept"
    );
    // -o and --resubmit the same file (not yet written), by two spellings.
    let resubmit = g.path("resubmit.csv");
    let resubmit_dotted = g.path(".").join("resubmit.csv");
    let mut args = vec!["-o", resubmit_dotted.to_str().unwrap()];
    args.extend(payresult_args(
        &result,
        &rural,
        &["--resubmit", resubmit.to_str().unwrap()],
    ));
    refused(&g, &args, "that is the --resubmit file");
    assert!(!resubmit.exists());
    let mut chinese = args.clone();
    chinese[3] = "zh";
    let run = g.run(&chinese);
    assert!(
        run.stderr.contains("与 --resubmit 是同一个文件"),
        "{}",
        run.stderr
    );
    // Apart, both are written.
    let report = g.path("report.txt");
    let mut args = vec!["-o", report.to_str().unwrap()];
    args.extend(payresult_args(
        &result,
        &rural,
        &["--resubmit", resubmit.to_str().unwrap()],
    ));
    g.ok(&args);
    assert!(std::fs::read_to_string(&report)
        .unwrap()
        .contains("1 lines paid"));
    assert_eq!(gbk_csv(&resubmit).len(), 2);
}

#[test]
fn a_notice_asked_for_after_the_posting_is_refused_with_the_command_that_reprints_it() {
    let g = posted_village();
    let before = head(&g);
    for (lang, says) in [
        (
            "en",
            "R13: the 2025 plan is already posted: its notice is printed again by `gufen distribution show --year 2025 --notice`; nothing was written",
        ),
        (
            "zh",
            "规则 R13：2025 年度方案已处于入账状态：重印其公示请用 `gufen distribution show --year 2025 --notice`；本次未写入任何记录",
        ),
    ] {
        let run = g.run(&[
            "--lang",
            lang,
            "distribution",
            "notice",
            "--year",
            "2025",
            "--date",
            "2026-02-01",
        ]);
        assert_eq!(run.code, 1, "{lang}: {}", run.stderr);
        assert_eq!(run.stderr.trim(), format!("gufen: {says}"), "{lang}");
        assert_eq!(head(&g), before, "{lang}");
    }
    // The command it names prints the notice.
    let notice = g.ok(&["distribution", "show", "--year", "2025", "--notice"]);
    assert!(
        notice.contains("2025 income distribution plan: public notice"),
        "{notice}"
    );
}
