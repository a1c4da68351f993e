//! A township's villages in one store. Pins: the township report's totals equal the sums of each
//! village's own register, member list and `distribution show` (JSON, to the fen and the unit);
//! a person who is a member of one village is refused as a member of another (`member confirm`,
//! each row of `member import`, R2 across the store), both heads unchanged, unless that
//! membership ended on other-collective naming the other; `township move` ends one and
//! confirms the other, decides the confirmation first (a refused move changes neither ledger),
//! and the same move given again doubles nothing; a double membership and a move left half done
//! (written through the library, as a store from before the check would hold them) are listed
//! by `township duplicates` and settled; the demo builds a township whose report lists its
//! villages.

mod common;

use common::{execute_through_library, fixture, other_ids, Gufen, ORG};
use gufen_core::{Action, PersonId};
use serde_json::Value;

/// The second village: the fixture charter under another name and code.
const OTHER: &str = "N2410183MF00000022";
const HOME: &str = "溱水村股份经济合作社";
const NEIGHBOUR: &str = "邻村股份经济合作社";
/// Members of fixtures/roster-600.csv (the first village's roster).
const A: &str = "410183195202210053";
const B: &str = "410183196308011305";
const C: &str = "410183194002253855";
/// A person neither village knows.
const NEW: &str = "110101199003072316";

/// Two villages in one store, the first with its 600-member roster.
fn two_villages() -> Gufen {
    let g = Gufen::new();
    let other = std::fs::read_to_string(fixture("charter.toml"))
        .unwrap()
        .replace(ORG, OTHER)
        .replace(HOME, NEIGHBOUR);
    let other = g.write("other.toml", &other);
    let home = fixture("charter.toml");
    g.ok(&[
        "init",
        "--charter",
        home.to_str().unwrap(),
        "--date",
        "2017-06-30",
    ]);
    g.ok(&["init", "--charter", &other, "--date", "2017-06-30"]);
    g.ok(&[
        "--org",
        ORG,
        "member",
        "import",
        fixture("roster-600.csv").to_str().unwrap(),
        "--resolution",
        "2017-1",
        "--date",
        "2017-12-31",
    ]);
    g
}

fn json(g: &Gufen, args: &[&str]) -> Value {
    let mut all = vec!["--format", "json"];
    all.extend(args);
    serde_json::from_str(&g.ok(&all)).unwrap()
}

fn head(g: &Gufen, org: &str) -> Value {
    json(g, &["--org", org, "verify"])["head_hash"].clone()
}

fn heads(g: &Gufen) -> (Value, Value) {
    (head(g, ORG), head(g, OTHER))
}

/// `args` fails with exit 1 and `expected` in its message, changing neither ledger; no whole ID
/// is printed. Returns the message.
fn refused(g: &Gufen, args: &[&str], expected: &str) -> String {
    let before = heads(g);
    let run = g.run(args);
    assert_eq!(run.code, 1, "gufen {args:?}: {}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains(expected),
        "gufen {args:?}: expected {expected:?} in {}",
        run.stderr
    );
    assert!(other_ids(&run.stderr, "").is_empty(), "{}", run.stderr);
    assert_eq!(heads(g), before, "gufen {args:?} changed a ledger");
    run.stderr
}

fn confirm<'a>(org: &'a str, id: &'a str, date: &'a str) -> Vec<&'a str> {
    vec![
        "--org",
        org,
        "member",
        "confirm",
        "--id",
        id,
        "--name",
        "孙云",
        "--household",
        "009",
        "--resolution",
        "2020-1",
        "--date",
        date,
    ]
}

fn move_args<'a>(id: &'a str, resolution: &'a str) -> Vec<&'a str> {
    vec![
        "township",
        "move",
        "--id",
        id,
        "--from",
        ORG,
        "--to",
        OTHER,
        "--household",
        "009",
        "--resolution",
        resolution,
        "--date",
        "2020-03-01",
    ]
}

fn member(g: &Gufen, org: &str, id: &str) -> bool {
    json(g, &["--org", org, "member", "show", "--id", id])["member"] == true
}

#[test]
fn a_member_of_one_village_is_refused_as_a_member_of_another_both_heads_unchanged() {
    let g = two_villages();
    let stderr = refused(
        &g,
        &confirm(OTHER, A, "2020-03-01"),
        &format!("R2: 410183********0053 is a member of {HOME} ({ORG}) in this store"),
    );
    assert!(stderr.contains(&format!("township move --id ID --from {ORG} --to {OTHER}")));
    // In Chinese, the whole refusal.
    let zh = g.run(&[&["--lang", "zh"][..], &confirm(OTHER, A, "2020-03-01")].concat());
    assert!(
        zh.stderr.contains(&format!(
            "规则 R2：410183********0053 是本存储中 {HOME}（{ORG}）的成员：一个人同一时间只能是一个集体经济组织的成员"
        )),
        "{}",
        zh.stderr
    );
    // A roster: each row of a member elsewhere refused by its line, nothing written; a row of a
    // new person alone is not refused.
    let roster = g.write(
        "roster.csv",
        &format!("id,name,household\n{NEW},张新,001\n{A},孙云,001\n{C},王某,002\n"),
    );
    let import = [
        "--org",
        OTHER,
        "member",
        "import",
        &roster,
        "--resolution",
        "2020-2",
        "--date",
        "2020-03-01",
    ];
    let stderr = refused(&g, &import, "2 row(s) of");
    assert!(
        stderr.contains(&format!(
            "line 3: R2: 410183********0053 is a member of {HOME} ({ORG})"
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains("line 4: R2: 410183********3855 is a member of"),
        "{stderr}"
    );
    assert!(!stderr.contains("line 2"), "{stderr}");
    // A membership elsewhere that ended on other-collective naming this village does not stand
    // in the way (half of a move, here written through the library).
    execute_through_library(
        &g.db(),
        ORG,
        "2020-03-01",
        Action::LoseMembership {
            person: PersonId::parse(A).unwrap(),
            ground: "other-collective".into(),
            note: String::new(),
            resolution: None,
            other_collective: Some(OTHER.into()),
        },
    );
    g.ok(&confirm(OTHER, A, "2020-03-01"));
    assert!(member(&g, OTHER, A) && !member(&g, ORG, A));
    // A membership that ended on another ground after the confirmation's date overlaps it.
    g.ok(&[
        "--org",
        ORG,
        "death",
        "record",
        "--id",
        B,
        "--date",
        "2021-01-01",
    ]);
    refused(
        &g,
        &confirm(OTHER, B, "2020-06-01"),
        "R2: 410183********1305 was a member of",
    );
}

#[test]
fn a_move_ends_one_membership_and_confirms_the_other_and_a_repeat_doubles_nothing() {
    let g = two_villages();
    // The loss alone, naming a village of the store where she is no member, is refused and
    // points to the move.
    refused(
        &g,
        &[
            "--org",
            ORG,
            "member",
            "lose",
            "--id",
            A,
            "--reason",
            "other-collective",
            "--collective",
            OTHER,
            "--date",
            "2020-03-01",
        ],
        &format!("`gufen township move --id ID --from {ORG} --to {OTHER}`"),
    );
    // The confirmation is decided first: refused there (R1: no resolution), nothing is written
    // in either village.
    refused(&g, &move_args(A, " "), "R1");
    // Nor a person who is no member where the move starts.
    refused(
        &g,
        &move_args(NEW, "2020-1"),
        "R2: 110101********2316 is not known to",
    );
    refused(
        &g,
        &[
            "township",
            "move",
            "--id",
            A,
            "--from",
            ORG,
            "--to",
            ORG,
            "--household",
            "009",
            "--resolution",
            "2020-1",
            "--date",
            "2020-03-01",
        ],
        "R2: --from and --to name the same collective",
    );

    let (home_before, other_before) = heads(&g);
    let moved = json(&g, &move_args(A, "2020-1"));
    assert_eq!(moved["loss"]["repeated"], false, "{moved}");
    assert_eq!(moved["confirmation"]["repeated"], false, "{moved}");
    assert_eq!(moved["id_masked"], "410183********0053");
    assert_eq!(moved["from"]["name"], HOME);
    assert_eq!(moved["to"]["code"], OTHER);
    assert!(!member(&g, ORG, A) && member(&g, OTHER, A));
    let shown = json(&g, &["--org", OTHER, "member", "show", "--id", A]);
    assert_eq!(shown["name"], "孙云", "{shown}");
    assert_eq!(shown["household"], "009", "{shown}");
    let history = g.ok(&["--org", ORG, "--lang", "en", "member", "show", "--id", A]);
    assert!(
        history.contains(&format!("member of the collective {OTHER}")),
        "{history}"
    );
    let (home_after, other_after) = heads(&g);
    assert_ne!(home_after, home_before);
    assert_ne!(other_after, other_before);
    // One record each.
    assert_eq!(
        json(&g, &["--org", OTHER, "log"]).as_array().unwrap().len(),
        2
    );

    // The same move again answers with what it wrote, writing nothing.
    let again = json(&g, &move_args(A, "2020-1"));
    assert_eq!(again["loss"]["repeated"], true, "{again}");
    assert_eq!(again["confirmation"]["repeated"], true, "{again}");
    assert_eq!(
        again["confirmation"]["first_seq"],
        moved["confirmation"]["first_seq"]
    );
    assert_eq!(heads(&g), (home_after.clone(), other_after.clone()));
    // Another move of hers (another resolution) is refused by the village she joined: she is
    // its member already; nothing doubles.
    refused(&g, &move_args(A, "2020-9"), "R1");
    assert_eq!(heads(&g), (home_after, other_after));
    // Undoing the loss would make her a member of both again.
    let loss_seq = moved["loss"]["first_seq"].to_string();
    refused(
        &g,
        &[
            "--org",
            ORG,
            "correct",
            "--seq",
            &loss_seq,
            "--reason",
            "entry-error",
            "--date",
            "2020-04-01",
        ],
        &format!("R2: 410183********0053 is a member of {NEIGHBOUR} ({OTHER}) in this store"),
    );
    let report = json(&g, &["township", "report"]);
    assert_eq!(report["total"]["members"], 600, "{report}");
    let none = json(&g, &["township", "duplicates"]);
    assert_eq!(none["none"], true, "{none}");
}

#[test]
fn double_memberships_and_half_done_moves_are_listed_by_duplicates_and_settled() {
    let g = two_villages();
    let text = g.ok(&["--lang", "en", "township", "duplicates"]);
    assert!(
        text.contains("none: nobody is a member of two collectives at once"),
        "{text}"
    );
    // A store written before R2 was checked across villages: B confirmed in the neighbour
    // while a member at home; and a move cut off after its first write: C's membership at home
    // ended naming the neighbour, which never confirmed her.
    execute_through_library(
        &g.db(),
        OTHER,
        "2020-02-01",
        Action::ConfirmMembership {
            person: PersonId::parse(B).unwrap(),
            name: "孙娟".into(),
            household: "007".into(),
            resolution: "2020-1".into(),
        },
    );
    execute_through_library(
        &g.db(),
        ORG,
        "2020-03-01",
        Action::LoseMembership {
            person: PersonId::parse(C).unwrap(),
            ground: "other-collective".into(),
            note: String::new(),
            resolution: None,
            other_collective: Some(OTHER.into()),
        },
    );
    let found = json(&g, &["township", "duplicates"]);
    assert_eq!(found["none"], false);
    let doubles = found["double_memberships"].as_array().unwrap();
    assert_eq!(doubles.len(), 1, "{found}");
    assert_eq!(doubles[0]["id_masked"], "410183********1305");
    let held: Vec<&Value> = doubles[0]["memberships"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| &m["collective"]["code"])
        .collect();
    assert_eq!(held, [ORG, OTHER]);
    let half = found["half_done_moves"].as_array().unwrap();
    assert_eq!(half.len(), 1, "{found}");
    assert_eq!(half[0]["id_masked"], "410183********3855");
    assert_eq!(half[0]["from"]["code"], ORG);
    assert_eq!(half[0]["to"]["code"], OTHER);
    assert_eq!(half[0]["ended"], "2020-03-01");
    for format in ["text", "csv", "json"] {
        let out = g.ok(&["--lang", "en", "--format", format, "township", "duplicates"]);
        assert!(out.contains("410183********1305") && out.contains("410183********3855"));
        assert!(other_ids(&out, "").is_empty(), "{out}");
    }
    // Settled: the double by the loss at home on the day she joined the neighbour; the half-done
    // move by the move, which records the confirmation alone.
    g.ok(&[
        "--org",
        ORG,
        "member",
        "lose",
        "--id",
        B,
        "--reason",
        "other-collective",
        "--collective",
        OTHER,
        "--date",
        "2020-02-01",
    ]);
    let home = head(&g, ORG);
    let completed = json(&g, &move_args(C, "2020-1"));
    assert_eq!(completed["loss"], Value::Null, "{completed}");
    assert_eq!(completed["loss_recorded_before"], "2020-03-01");
    assert_eq!(head(&g, ORG), home, "the loss was not written again");
    assert!(member(&g, OTHER, C));
    let none = g.ok(&["--lang", "en", "township", "duplicates"]);
    assert!(none.contains("none:"), "{none}");
}

/// The report of a demo township: three villages, and every figure the sum of what each
/// village's own documents say.
#[test]
fn the_township_report_sums_each_villages_own_documents() {
    let g = Gufen::new();
    let out = g.ok(&[
        "--lang",
        "en",
        "demo",
        "--villages",
        "3",
        "--members",
        "50",
        "--years",
        "2",
    ]);
    for expected in [
        "registered 3 villages in one store",
        "2 married-out daughters confirmed",
        "was refused: R2: ",
        "verified 3 ledgers",
        "township report: 3 collectives",
        "township duplicates",
    ] {
        assert!(out.contains(expected), "{expected} not in {out}");
    }
    assert!(other_ids(&out, "").is_empty(), "{out}");
    let report = json(&g, &["township", "report"]);
    let villages = report["collectives"].as_array().unwrap();
    assert_eq!(villages.len(), 3, "{report}");
    let codes: Vec<&str> = villages
        .iter()
        .map(|v| v["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, [ORG, OTHER, "N2410183MF00000035"]);
    assert_eq!(json(&g, &["township", "duplicates"])["none"], true);

    let mut sums = [0i64; 8];
    let mut year_sums = std::collections::BTreeMap::<u64, [i64; 5]>::new();
    for village in villages {
        let org = village["code"].as_str().unwrap();
        let register = json(&g, &["--org", org, "register"]);
        let holders = register["holders"].as_array().unwrap();
        let members = json(&g, &["--org", org, "member", "list"])["count"]
            .as_i64()
            .unwrap();
        let pledged: i64 = holders
            .iter()
            .map(|h| h["pledged_units"].as_i64().unwrap())
            .sum();
        assert_eq!(village["members"], members, "{org}");
        assert_eq!(village["holders"], holders.len(), "{org}");
        assert_eq!(village["total_units"], register["total_units"], "{org}");
        assert_eq!(village["class_units"], register["units_by_class"], "{org}");
        assert_eq!(village["pledged_units"], pledged, "{org}");
        let row = [
            members,
            holders.len() as i64,
            register["total_units"].as_i64().unwrap(),
            pledged,
        ];
        for (sum, value) in sums.iter_mut().zip(row) {
            *sum += value;
        }
        let years = village["years"].as_array().unwrap();
        assert_eq!(years.len(), 2, "{village}");
        for line in years {
            let year = line["year"].as_u64().unwrap();
            let shown = json(
                &g,
                &[
                    "--org",
                    org,
                    "distribution",
                    "show",
                    "--year",
                    &year.to_string(),
                ],
            );
            let lines = shown["lines"].as_array().unwrap();
            let amount = |paid: bool| -> (i64, i64) {
                let chosen: Vec<i64> = lines
                    .iter()
                    .filter(|l| l["paid"] == paid)
                    .map(|l| l["amount_fen"].as_i64().unwrap())
                    .filter(|fen| paid || *fen > 0)
                    .collect();
                (chosen.iter().sum(), chosen.len() as i64)
            };
            let ((paid_fen, lines_paid), (owed_fen, lines_unpaid)) = (amount(true), amount(false));
            assert_eq!(line["status"], shown["status"], "{org} {year}");
            assert_eq!(
                line["distributable_fen"], shown["distributable_fen"],
                "{org} {year}"
            );
            assert_eq!(line["paid_fen"], paid_fen, "{org} {year}");
            assert_eq!(line["paid_fen"], shown["paid_fen"], "{org} {year}");
            assert_eq!(line["owed_fen"], owed_fen, "{org} {year}");
            assert_eq!(line["lines_paid"], lines_paid, "{org} {year}");
            assert_eq!(line["lines_unpaid"], lines_unpaid, "{org} {year}");
            assert!(
                paid_fen > 0 && owed_fen > 0,
                "{org} {year}: some paid, some owed"
            );
            let sum = year_sums.entry(year).or_default();
            let figures = [
                shown["distributable_fen"].as_i64().unwrap(),
                paid_fen,
                owed_fen,
                lines_paid,
                lines_unpaid,
            ];
            for (sum, value) in sum.iter_mut().zip(figures) {
                *sum += value;
            }
        }
    }
    let total = &report["total"];
    assert_eq!(total["collectives"], 3);
    for (field, sum) in ["members", "holders", "total_units", "pledged_units"]
        .iter()
        .zip(sums)
    {
        assert_eq!(total[*field], sum, "{field}");
    }
    let years = total["years"].as_array().unwrap();
    assert_eq!(years.len(), year_sums.len());
    for (line, (year, sum)) in years.iter().zip(&year_sums) {
        assert_eq!(line["year"], *year);
        assert_eq!(line["plans"], 3);
        assert_eq!(line["posted"], 3);
        for (field, value) in [
            "distributable_fen",
            "paid_fen",
            "owed_fen",
            "lines_paid",
            "lines_unpaid",
        ]
        .iter()
        .zip(sum)
        {
            assert_eq!(line[*field], *value, "{year} {field}");
        }
    }
    // One year alone.
    let first = *year_sums.keys().next().unwrap();
    let one = json(&g, &["township", "report", "--year", &first.to_string()]);
    assert_eq!(one["year"], first);
    assert_eq!(one["total"]["years"].as_array().unwrap().len(), 1);
    assert_eq!(one["total"]["years"][0], years[0]);
    for village in one["collectives"].as_array().unwrap() {
        assert_eq!(village["years"].as_array().unwrap().len(), 1);
    }
    let text = g.ok(&["--lang", "en", "township", "report", "--year", "2099"]);
    assert!(text.contains("no collective has a plan for 2099"), "{text}");
}

/// A third village of the store: the fixture charter under a third name and code.
const THIRD: &str = "N2410183MF00000035";

fn add_village(g: &Gufen, code: &str, name: &str, file: &str, classes: &[(&str, &str)]) {
    let mut text = std::fs::read_to_string(fixture("charter.toml"))
        .unwrap()
        .replace(ORG, code)
        .replace(HOME, name);
    for (from, to) in classes {
        text = text.replace(from, to);
    }
    let path = g.write(file, &text);
    g.ok(&["init", "--charter", &path, "--date", "2017-06-30"]);
}

/// A person whose death one village records is refused as a member of another (confirm, an
/// import row, a move's confirmation), naming the village, both heads unchanged; one confirmed
/// there before the check (through the library) is listed by `township duplicates`.
#[test]
fn a_person_recorded_dead_in_one_village_is_refused_by_another_and_listed() {
    let g = two_villages();
    g.ok(&[
        "--org",
        ORG,
        "death",
        "record",
        "--id",
        A,
        "--date",
        "2021-01-01",
    ]);
    let expected = format!(
        "R2: 410183********0053 died on 2021-01-01, as {HOME} ({ORG}) in this store records"
    );
    refused(&g, &confirm(OTHER, A, "2022-01-01"), &expected);
    // Dated before the death, the membership she held until it stands in the way.
    refused(
        &g,
        &confirm(OTHER, A, "2020-01-01"),
        "R2: 410183********0053 was a member of",
    );
    let roster = g.write(
        "roster.csv",
        &format!("id,name,household\n{NEW},张新,001\n{A},孙云,001\n"),
    );
    let stderr = refused(
        &g,
        &[
            "--org",
            OTHER,
            "member",
            "import",
            &roster,
            "--resolution",
            "2022-2",
            "--date",
            "2022-01-01",
        ],
        "1 row(s) of",
    );
    assert!(stderr.contains(&format!("line 3: {expected}")), "{stderr}");
    // In Chinese, the whole refusal.
    let zh = g.run(&[&["--lang", "zh"][..], &confirm(OTHER, A, "2022-01-01")].concat());
    assert!(
        zh.stderr.contains(&format!(
            "规则 R2：本存储中 {HOME}（{ORG}）登记 410183********0053 已于 2021-01-01 死亡：已登记死亡的人不能被确认为其他组织的成员"
        )),
        "{}",
        zh.stderr
    );
    // A move from a third village of a member there whose death the first records.
    add_village(&g, THIRD, "三村股份经济合作社", "third.toml", &[]);
    assert_eq!(
        json(&g, &["township", "duplicates"])["none"],
        true,
        "nothing yet"
    );
    execute_through_library(
        &g.db(),
        THIRD,
        "2020-01-01",
        Action::ConfirmMembership {
            person: PersonId::parse(A).unwrap(),
            name: "孙云".into(),
            household: "001".into(),
            resolution: "2020-1".into(),
        },
    );
    let before = heads(&g);
    let third = head(&g, THIRD);
    let run = g.run(&[
        "township",
        "move",
        "--id",
        A,
        "--from",
        THIRD,
        "--to",
        OTHER,
        "--household",
        "009",
        "--resolution",
        "2022-1",
        "--date",
        "2022-01-01",
    ]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(run.stderr.contains(&expected), "{}", run.stderr);
    assert_eq!((heads(&g), head(&g, THIRD)), (before, third));
    // Listed: a member of the third village after the death the first records.
    let found = json(&g, &["township", "duplicates"]);
    assert_eq!(found["none"], false, "{found}");
    let after = found["members_after_death"].as_array().unwrap();
    assert_eq!(after.len(), 1, "{found}");
    assert_eq!(after[0]["id_masked"], "410183********0053");
    assert_eq!(after[0]["died"], "2021-01-01");
    assert_eq!(after[0]["recorded_in"]["code"], ORG);
    assert_eq!(after[0]["member_of"]["code"], THIRD);
    assert_eq!(after[0]["until"], Value::Null);
    let text = g.ok(&["--lang", "en", "township", "duplicates"]);
    assert!(
        text.contains("members of a collective after the death another records: 1"),
        "{text}"
    );
    let zh = g.ok(&["--lang", "zh", "township", "duplicates"]);
    assert!(zh.contains("登记死亡后仍是其他组织成员的人：1"), "{zh}");
    assert!(other_ids(&zh, "").is_empty(), "{zh}");
}

/// A move whose records were corrected since is refused when given again, naming the records
/// and the way (a new --command-id), both heads unchanged; `duplicates` says so; the move with a
/// new --command-id is written.
#[test]
fn a_move_given_again_after_its_records_were_corrected_is_refused_naming_them() {
    let g = two_villages();
    let moved = json(&g, &move_args(A, "2020-1"));
    let (loss, confirmation) = (
        moved["loss"]["first_seq"].to_string(),
        moved["confirmation"]["first_seq"].to_string(),
    );
    let correct = |org: &'static str, seq: &str| {
        g.ok(&[
            "--org",
            org,
            "correct",
            "--seq",
            seq,
            "--reason",
            "entry-error",
            "--date",
            "2020-04-01",
        ]);
    };
    // The confirmation corrected: the move is half done, and the same move writes nothing.
    correct(OTHER, &confirmation);
    assert!(!member(&g, OTHER, A) && !member(&g, ORG, A));
    let stderr = refused(
        &g,
        &move_args(A, "2020-1"),
        &format!(
            "R2: this move was recorded before (the loss #{loss} in {ORG}, the confirmation #{confirmation} in {OTHER}), but 410183********0053 is not a member of {OTHER} now"
        ),
    );
    assert!(stderr.contains("a new `--command-id`"), "{stderr}");
    let zh = g.run(&[&["--lang", "zh"][..], &move_args(A, "2020-1")].concat());
    assert!(
        zh.stderr.contains(&format!(
            "规则 R2：这次转移此前已登记（{ORG} 的丧失记录第 {loss} 条、{OTHER} 的确认记录第 {confirmation} 条），但现在410183********0053 不是 {OTHER} 的成员"
        )),
        "{}",
        zh.stderr
    );
    let found = g.ok(&["--lang", "en", "township", "duplicates"]);
    assert!(found.contains("moves left half done: 1"), "{found}");
    assert!(
        found.contains("where it answers that the move's records were corrected, give it with a new `--command-id`"),
        "{found}"
    );
    // The loss corrected too: she is a member at home again; the same move still writes
    // nothing, and says so.
    correct(ORG, &loss);
    assert!(member(&g, ORG, A) && !member(&g, OTHER, A));
    refused(
        &g,
        &move_args(A, "2020-1"),
        &format!("but 410183********0053 is a member of {ORG} and not of {OTHER} now"),
    );
    // With a new --command-id, the move is written again: one membership, no duplicate.
    let again = json(
        &g,
        &[
            &["--command-id", "6a1f8f3e-2b4c-4d5e-8f90-123456789abc"][..],
            &move_args(A, "2020-1"),
        ]
        .concat(),
    );
    assert_eq!(again["loss"]["repeated"], false, "{again}");
    assert_eq!(again["confirmation"]["repeated"], false, "{again}");
    assert!(!member(&g, ORG, A) && member(&g, OTHER, A));
    assert_eq!(json(&g, &["township", "duplicates"])["none"], true);
}

/// A move dated before the person joined --from says so, not that she was a member elsewhere.
#[test]
fn a_move_dated_before_the_person_joined_from_says_she_was_not_yet_its_member() {
    let g = two_villages();
    add_village(&g, THIRD, "三村股份经济合作社", "third.toml", &[]);
    g.ok(&move_args(A, "2020-1"));
    let third = head(&g, THIRD);
    // From the neighbour, where she joined on 2020-03-01, to the third village a year before.
    let early_move = [
        "township",
        "move",
        "--id",
        A,
        "--from",
        OTHER,
        "--to",
        THIRD,
        "--household",
        "001",
        "--resolution",
        "2019-1",
        "--date",
        "2019-06-01",
    ];
    let stderr = refused(
        &g,
        &early_move,
        &format!(
            "R2: 410183********0053 was not yet a member of {NEIGHBOUR} ({OTHER}) on 2019-06-01: a member there since 2020-03-01"
        ),
    );
    assert!(!stderr.contains("was a member of"), "{stderr}");
    assert_eq!(head(&g, THIRD), third);
    let zh = g.run(&[&["--lang", "zh"][..], &early_move].concat());
    assert!(
        zh.stderr.contains(&format!(
            "2019-06-01 当日 410183********0053 还不是 {NEIGHBOUR}（{OTHER}）的成员"
        )),
        "{}",
        zh.stderr
    );
}

/// The R2 refusal of `member confirm` gives the whole shape of the move.
#[test]
fn the_r2_refusal_gives_the_whole_move_command() {
    let g = two_villages();
    let stderr = refused(&g, &confirm(OTHER, A, "2020-03-01"), "R2");
    assert!(
        stderr.contains(&format!(
            "`gufen township move --id ID --from {ORG} --to {OTHER} --household HOUSEHOLD --resolution RESOLUTION --date DATE`"
        )),
        "{stderr}"
    );
    let zh = g.run(&[&["--lang", "zh"][..], &confirm(OTHER, A, "2020-03-01")].concat());
    assert!(
        zh.stderr
            .contains("--household 户号 --resolution 决议 --date 日期`"),
        "{}",
        zh.stderr
    );
}

/// A year some villages posted and others only drafted: the total row sums the posted plans'
/// money only and the report says what is left out; the year is a number in CSV and XLSX, and
/// the workbook's filter leaves the total row out.
#[test]
fn the_years_total_sums_posted_plans_only_and_the_year_is_a_number() {
    use calamine::{Data, Reader, Xlsx};
    let g = Gufen::new();
    g.ok(&["demo", "--villages", "2", "--members", "20", "--years", "1"]);
    let draft = |org: &str| {
        g.ok(&[
            "--org",
            org,
            "distribution",
            "draft",
            "--year",
            "2024",
            "--income",
            "1000000",
            "--record-date",
            "2024-12-31",
            "--date",
            "2025-01-05",
        ]);
    };
    // The first village's 2024 plan posted; the second's only drafted.
    draft(ORG);
    draft(OTHER);
    fn on<'a>(args: &[&'a str]) -> Vec<&'a str> {
        [&["--org", ORG][..], args].concat()
    }
    g.ok(&on(&[
        "distribution",
        "notice",
        "--year",
        "2024",
        "--date",
        "2025-01-06",
    ]));
    fn approve(eligible: &str) -> Vec<&str> {
        on(&[
            "distribution",
            "approve",
            "--year",
            "2024",
            "--body",
            "members",
            "--for",
            eligible,
            "--eligible",
            eligible,
            "--resolution",
            "2025-1",
            "--date",
            "2025-02-01",
        ])
    }
    let count = g.run(&approve("1")).stderr;
    let eligible = count
        .split("lists ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .unwrap_or_else(|| panic!("{count}"))
        .to_string();
    g.ok(&approve(&eligible));
    g.ok(&on(&[
        "distribution",
        "post",
        "--year",
        "2024",
        "--date",
        "2025-02-02",
    ]));
    let shown = |org: &str| {
        json(
            &g,
            &["--org", org, "distribution", "show", "--year", "2024"],
        )
    };
    let (posted, drafted) = (shown(ORG), shown(OTHER));
    assert_eq!(posted["status"], "posted", "{posted}");
    assert_ne!(drafted["status"], "posted", "{drafted}");
    let report = json(&g, &["township", "report", "--year", "2024"]);
    let total = &report["total"]["years"][0];
    assert_eq!(total["plans"], 2, "{total}");
    assert_eq!(total["posted"], 1, "{total}");
    assert_eq!(
        total["distributable_fen"], posted["distributable_fen"],
        "{total}"
    );
    assert_eq!(
        total["unposted_distributable_fen"], drafted["distributable_fen"],
        "{total}"
    );
    let owed: i64 = report["collectives"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["years"][0]["owed_fen"].as_i64().unwrap())
        .sum();
    assert_eq!(total["owed_fen"], owed);
    assert!(
        total["distributable_fen"].as_i64().unwrap() - total["paid_fen"].as_i64().unwrap()
            >= total["owed_fen"].as_i64().unwrap(),
        "{total}"
    );
    // The status of each village's plan stays in its row, and the note says what the total
    // leaves out.
    let text = g.ok(&["--lang", "en", "township", "report", "--year", "2024"]);
    let yuan = |fen: &Value| {
        let fen = fen.as_i64().unwrap();
        format!("{}.{:02}", fen / 100, fen % 100)
    };
    assert!(
        text.contains("the total rows' money sums the posted plans only"),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "2024 not yet posted: 1 plan(s), {} yuan distributable, not in the total",
            yuan(&drafted["distributable_fen"])
        )),
        "{text}"
    );
    let zh = g.ok(&["--lang", "zh", "township", "report", "--year", "2024"]);
    assert!(zh.contains("2024 年度尚未入账：1 个方案"), "{zh}");
    // CSV: the year a number, not a code.
    let csv = g.ok(&["--format", "csv", "township", "report", "--year", "2024"]);
    assert!(!csv.contains("=\"2024\""), "{csv}");
    assert!(csv.lines().any(|l| l.starts_with("2024,")), "{csv}");
    // XLSX: the year a number; the filter over the villages' rows, not the total's.
    let path = g.db().join("report.xlsx");
    g.ok(&[
        "--format",
        "xlsx",
        "-o",
        path.to_str().unwrap(),
        "township",
        "report",
        "--year",
        "2024",
    ]);
    let mut workbook: Xlsx<_> = calamine::open_workbook(&path).unwrap();
    let name = workbook.sheet_names()[0].clone();
    let cells = workbook.worksheet_range(&name).unwrap();
    let (start, _) = cells.start().unwrap();
    let row_of = |text: &str| {
        cells
            .rows()
            .position(|r| r.first() == Some(&Data::String(text.into())))
            .unwrap_or_else(|| panic!("no row {text}")) as u32
            + start
    };
    let years_header = row_of("year");
    assert_eq!(
        cells.get_value((years_header + 1, 0)),
        Some(&Data::Float(2024.0))
    );
    let header = row_of("credit code");
    let total_row = row_of("total");
    assert_eq!(total_row, header + 3, "two villages, then the total");
    let filter = workbook
        .defined_names()
        .iter()
        .find(|(name, _)| name.contains("FilterDatabase"))
        .map(|(_, range)| range.clone())
        .expect("the filter");
    let last = filter.rsplit('$').next().unwrap();
    assert_eq!(
        last.parse::<u32>().unwrap(),
        total_row, // 1-based: the row before the total
        "{filter}"
    );
}

/// Share columns are one class code each, titled right for every village: a code the charters
/// name differently shows the code and each name; a name two codes bear shows its code; no two
/// codes are merged.
#[test]
fn share_columns_are_titled_right_for_every_village() {
    let g = Gufen::new();
    // The neighbour names the labour class otherwise; a third village's class of another code
    // bears the first village's name for it.
    let home = fixture("charter.toml");
    g.ok(&[
        "init",
        "--charter",
        home.to_str().unwrap(),
        "--date",
        "2017-06-30",
    ]);
    add_village(
        &g,
        OTHER,
        NEIGHBOUR,
        "other.toml",
        &[("name = \"农龄股\"", "name = \"劳龄股\"")],
    );
    add_village(
        &g,
        THIRD,
        "三村股份经济合作社",
        "third.toml",
        &[("code = \"labor\"", "code = \"work\"")],
    );
    let zh = g.ok(&["--lang", "zh", "--format", "csv", "township", "report"]);
    let header = zh
        .lines()
        .find(|l| l.contains("统一社会信用代码"))
        .unwrap_or_else(|| panic!("{zh}"));
    let titles: Vec<&str> = header.split(',').skip(4).take(3).collect();
    assert_eq!(
        titles,
        ["人口股", "labor（农龄股／劳龄股）", "农龄股（work）"],
        "{header}"
    );
    let en = g.ok(&["--lang", "en", "--format", "csv", "township", "report"]);
    let header = en.lines().find(|l| l.contains("credit code")).unwrap();
    assert!(header.contains(",basic,labor,work,"), "{header}");
}

/// The demo refuses, before writing anything, what it could not finish: more years than today
/// allows (one village or many); the smallest village it allows runs through. Its refusals are
/// in Chinese by default, and its English counts are grammatical.
#[test]
fn the_demo_refuses_up_front_what_it_could_not_finish() {
    let g = Gufen::new();
    for villages in ["1", "2"] {
        let run = g.run(&["demo", "--villages", villages, "--years", "4"]);
        assert_eq!(run.code, 1, "{}", run.stdout);
        assert!(
            run.stderr.contains(
                "--years 4 is too many today: the demo's last record would be dated 2027-02-01, after today (2026-12-31); at most 3"
            ),
            "{}",
            run.stderr
        );
        assert!(!g.db().join("conf").exists(), "nothing written");
    }
    let zh = common::gufen_in_default_language(&g.db(), &["demo", "--years", "4"]);
    assert!(
        zh.stderr.contains("--years 4 超出了今天所能演示的年数"),
        "{}",
        zh.stderr
    );
    for (args, expected) in [
        (
            &["demo", "--members", "9"][..],
            "--members 须在 10 到 200000 之间",
        ),
        (
            &["demo", "--villages", "51"][..],
            "--villages 须在 1 到 50 之间",
        ),
    ] {
        let run = common::gufen_in_default_language(&g.db(), args);
        assert!(run.stderr.contains(expected), "{}", run.stderr);
    }
    // The smallest village, in a township of two: it runs through, one daughter and one year.
    let out = g.ok(&[
        "--lang",
        "en",
        "demo",
        "--villages",
        "2",
        "--members",
        "10",
        "--years",
        "1",
    ]);
    assert!(
        out.contains("2. 1 married-out daughter confirmed as a member of her husband's village"),
        "{out}"
    );
    assert!(out.contains("4. 1 year of distributions"), "{out}");
    let again = common::gufen_in_default_language(&g.db(), &["demo"]);
    assert!(
        again.stderr.contains("已有存储；演示需要一个新的存储"),
        "{}",
        again.stderr
    );
    let single = Gufen::new();
    single.ok(&["demo", "--members", "10", "--years", "1"]);
}

/// R2: a person is a member of one collective at a time, so the confirmation where she moves is
/// dated on or after the day her membership ended, even when that loss names this collective:
/// an earlier confirmation would count her in both villages' votes and pay her twice.
#[test]
fn a_confirmation_dated_before_the_loss_that_names_it_is_refused() {
    let g = two_villages();
    execute_through_library(
        &g.db(),
        ORG,
        "2020-03-01",
        Action::LoseMembership {
            person: PersonId::parse(C).unwrap(),
            ground: "other-collective".into(),
            note: String::new(),
            resolution: None,
            other_collective: Some(OTHER.into()),
        },
    );
    refused(
        &g,
        &["--lang", "en"]
            .into_iter()
            .chain(confirm(OTHER, C, "2020-02-15"))
            .collect::<Vec<_>>(),
        "until 2020-03-01, after 2020-02-15",
    );
    let mut early = vec!["--lang", "en"];
    early.extend(move_args(C, "2020-1"));
    let at = early.iter().position(|a| *a == "2020-03-01").unwrap();
    early[at] = "2020-02-20";
    refused(
        &g,
        &early,
        "ended on 2020-03-01, naming N2410183MF00000022: the confirmation in",
    );
    // In Chinese too, with nothing in English left.
    let run = g.run(
        &["--lang", "zh"]
            .into_iter()
            .chain(early[2..].iter().copied())
            .collect::<Vec<_>>(),
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("确认日期须在当日或之后"),
        "{}",
        run.stderr
    );
    // On the day itself the move completes.
    let completed = json(&g, &move_args(C, "2020-1"));
    assert_eq!(completed["loss_recorded_before"], "2020-03-01");
    assert!(member(&g, OTHER, C));
}

/// NEW, a member of the neighbour, moves to the first village.
fn move_new_home(g: &Gufen) {
    g.ok(&[
        "township",
        "move",
        "--id",
        NEW,
        "--from",
        OTHER,
        "--to",
        ORG,
        "--household",
        "00001",
        "--resolution",
        "2020-9",
        "--date",
        "2020-06-01",
    ]);
}

/// A confirmation retried with its `--command-id` answers its first outcome, even after the
/// person has since moved to another collective of the store (the cross-store R2 check would
/// otherwise refuse the retry of what is already done).
#[test]
fn a_confirmation_retried_with_its_command_id_after_a_move_answers_its_first_outcome() {
    let g = two_villages();
    let id = "00000000-0000-4000-8000-000000000015";
    let first = json(
        &g,
        &[
            &["--command-id", id][..],
            &confirm(OTHER, NEW, "2019-01-01"),
        ]
        .concat(),
    );
    assert_eq!(first["repeated"], false, "{first}");
    move_new_home(&g);
    let before = heads(&g);
    let again = json(
        &g,
        &[
            &["--command-id", id][..],
            &confirm(OTHER, NEW, "2019-01-01"),
        ]
        .concat(),
    );
    assert_eq!(again["repeated"], true, "{again}");
    assert_eq!(again["first_seq"], first["first_seq"], "{again}");
    assert_eq!(heads(&g), before);
    // A new confirmation of her in the neighbour is refused: she is a member of the first.
    refused(
        &g,
        &[&["--lang", "en"][..], &confirm(OTHER, NEW, "2021-01-01")].concat(),
        "is a member of",
    );
}

/// The same for a roster import retried with its `--command-id`: the ledger answers it.
#[test]
fn an_import_retried_with_its_command_id_after_a_move_answers_its_first_outcome() {
    let g = two_villages();
    let id = "00000000-0000-4000-8000-000000000016";
    let roster = g.write("one.csv", &format!("id,name,household\n{NEW},王新,00009\n"));
    let import = |g: &Gufen| {
        json(
            g,
            &[
                "--command-id",
                id,
                "--org",
                OTHER,
                "member",
                "import",
                &roster,
                "--resolution",
                "2019-1",
                "--date",
                "2019-01-01",
            ],
        )
    };
    let first = import(&g);
    assert_eq!(first["repeated"], false, "{first}");
    move_new_home(&g);
    let before = heads(&g);
    let again = import(&g);
    assert_eq!(again["repeated"], true, "{again}");
    assert_eq!(again["first_seq"], first["first_seq"], "{again}");
    assert_eq!(heads(&g), before);
}
