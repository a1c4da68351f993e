//! The listings of many persons that stream from the projections one person at a time (the
//! register, the member list, a year's plan papers and the owed list) print exactly what the
//! same document printed whole prints: the document as of today, rebuilt from the log and
//! rendered whole,
//! byte for byte in every format that streams, in both languages; `-o FILE` holds the same bytes.
//! What this pins: the order (household, then ID; persons of no household first), the totals
//! and percentages computed before the first line, and JSON keys sorted as a whole document's.

mod common;

use common::{fixture, ok, Gufen, A, B};

/// A third member of fixtures/roster-600.csv (household 00002).
const C: &str = "410183194002253855";
/// A fourth, of the same household.
const D: &str = "410183194111021586";
const PASSPORT: &str = "passport:E12345678";

/// The sample village with what changes a register: a gift, a pledge, a death and its estate
/// settled on a member and on an heir of no household who is no member.
fn changed_village() -> Gufen {
    let g = Gufen::sample_village("2017-1");
    g.transfer("2018-06-01");
    for args in [
        &[
            "shares",
            "pledge",
            "--id",
            B,
            "--units",
            "0.5",
            "--pledgee",
            "农商银行",
            "--contract",
            "ZY-2026-1",
            "--date",
            "2026-02-01",
        ][..],
        &[
            "person",
            "add",
            "--doc",
            PASSPORT,
            "--name",
            "Anna Wang",
            "--date",
            "2024-05-01",
        ],
        &["death", "record", "--id", C, "--date", "2024-06-01"],
        &[
            "inherit",
            "--from",
            C,
            "--heir",
            &format!("{A}:1/2"),
            "--heir",
            &format!("{PASSPORT}:1/2"),
            "--date",
            "2024-07-01",
        ],
    ] {
        g.ok(args);
    }
    g
}

/// `args` streamed and rebuilt whole, holding the sample village's 600 lines.
fn streamed_equals_whole(g: &Gufen, args: &[&str]) {
    g.streamed_equals_whole(args, 500);
}

#[test]
fn the_streamed_register_prints_what_the_whole_register_prints() {
    let g = changed_village();
    streamed_equals_whole(&g, &["register"]);
    let register = g.json(&["register"]);
    let holders = register["holders"].as_array().unwrap();
    // The heir of no household comes first; the pledge and the estate are on the lines.
    assert_eq!(holders[0]["household"], "", "{}", holders[0]);
    assert_eq!(holders[0]["name"], "Anna Wang");
    assert!(holders.iter().any(|h| h["pledged_units"] == 5_000));
    assert!(!holders
        .iter()
        .any(|h| h["id_masked"] == "410183********3855"));
    let order: Vec<(&str, &str)> = holders
        .iter()
        .map(|h| {
            (
                h["household"].as_str().unwrap(),
                h["name"].as_str().unwrap(),
            )
        })
        .collect();
    let mut sorted = order.clone();
    sorted.sort_by_key(|(household, _)| *household);
    assert_eq!(order, sorted, "by household");
}

#[test]
fn the_streamed_member_list_prints_what_the_whole_list_prints() {
    let g = changed_village();
    streamed_equals_whole(&g, &["member", "list"]);
    let list = g.json(&["member", "list"]);
    let members = list["members"].as_array().unwrap();
    assert_eq!(list["count"].as_u64().unwrap() as usize, members.len());
    assert_eq!(
        members.len(),
        599,
        "600 confirmed, one died; the heir is no member"
    );
}

/// The year's plan papers (`distribution show`, the public notice, the pay-out sheet) and the
/// owed list, read from the projections one holder at a time, print what the same papers rebuilt
/// from the log print whole: a posted year with a line paid, a holder who died after the posting
/// (owed to the estate), an heir of no household, a holder with a bank account; and a later
/// year only drafted (no dividends declared, no line references).
#[test]
fn the_streamed_plan_papers_and_owed_list_print_what_the_whole_ones_print() {
    let g = changed_village();
    // A year before it, posted too: the owed list spans two years. C died in 2024: 537 members
    // of age in January 2025, 544 a year later.
    common::post_distribution(&g.db(), 2024, 537);
    common::post_distribution(&g.db(), 2025, 544);
    for args in [
        &[
            "distribution",
            "pay",
            "--year",
            "2025",
            "--id",
            A,
            "--ref",
            "BANK-1",
            "--date",
            "2026-02-01",
        ][..],
        &["death", "record", "--id", D, "--date", "2026-03-01"],
        &[
            "member",
            "bank",
            "--id",
            B,
            "--bank",
            "农商银行",
            "--account",
            "6228480012345678",
            "--date",
            "2026-03-02",
        ],
        &[
            "distribution",
            "draft",
            "--year",
            "2026",
            "--income",
            "500000",
            "--record-date",
            "2026-11-30",
            "--date",
            "2026-12-01",
        ],
    ] {
        g.ok(args);
    }
    for year in ["2025", "2026"] {
        g.streamed_equals_whole(&["distribution", "show", "--year", year], 500);
        g.streamed_equals_whole(&["distribution", "show", "--year", year, "--notice"], 500);
    }
    g.streamed_equals_whole(&["distribution", "sheet", "--year", "2025"], 500);
    g.streamed_equals_whole(&["distribution", "owed"], 1000);

    let owed = g.json(&["distribution", "owed"]);
    let lines = owed["lines"].as_array().unwrap();
    let years: Vec<u64> = lines.iter().map(|l| l["year"].as_u64().unwrap()).collect();
    assert!(
        years.starts_with(&[2024]) && years.ends_with(&[2025]),
        "by year first"
    );
    let of = |id: &str| {
        let masked = format!("{}********{}", &id[..6], &id[14..]);
        lines
            .iter()
            .find(|l| l["id_masked"] == masked.as_str() && l["year"] == 2025)
    };
    assert!(of(A).is_none(), "A's line is paid");
    assert_eq!(of(D).unwrap()["not_paid_because"], "estate");
    assert_eq!(of(B).unwrap()["not_paid_because"], serde_json::Value::Null);
    assert_eq!(
        owed["owed_fen"].as_i64().unwrap(),
        lines
            .iter()
            .map(|l| l["amount_fen"].as_i64().unwrap())
            .sum::<i64>()
    );
    let shown = g.json(&["distribution", "show", "--year", "2025"]);
    assert_eq!(
        shown["holders"].as_u64().unwrap() as usize,
        shown["lines"].as_array().unwrap().len()
    );
    // The plan as it stood before A was paid, and before there was one.
    let before = g.json(&[
        "distribution",
        "show",
        "--year",
        "2025",
        "--as-of",
        "2026-01-31",
    ]);
    assert_eq!(before["paid_fen"], 0);
    assert!(shown["paid_fen"].as_i64().unwrap() > 0);
    // A date after today is outside the ledger's calendar (R17), for every paper of a past date.
    for args in [
        &["register", "--as-of", "2027-01-01"][..],
        &["member", "list", "--as-of", "2027-01-01"],
        &["distribution", "owed", "--as-of", "2027-01-01"],
        &[
            "distribution",
            "show",
            "--year",
            "2025",
            "--as-of",
            "2027-01-01",
        ],
    ] {
        let run = g.run(args);
        assert_eq!(run.code, 1, "{args:?}: {}", run.stdout);
        assert!(
            run.stderr
                .contains("R17: 2027-01-01 is after today (2026-12-31)"),
            "{args:?}: {}",
            run.stderr
        );
    }
    let run = g.run(&[
        "distribution",
        "show",
        "--year",
        "2026",
        "--as-of",
        "2026-06-30",
    ]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("no plan had been drafted for 2026 on 2026-06-30"),
        "{}",
        run.stderr
    );
}

/// A plan line whose holder has no projection (damage: the log never removes a person) is
/// refused as an integrity failure naming the holder masked, never printed as a blank line.
#[test]
fn a_plan_line_whose_holder_has_no_projection_is_refused_as_damage() {
    let g = Gufen::sample_village("2017-1");
    common::post_distribution_2025(&g.db());
    {
        let db = sled::open(g.db()).unwrap();
        let projections = db
            .open_tree(format!("ledger/{}/projections", common::ORG))
            .unwrap();
        assert!(projections.remove(format!("p/{A}")).unwrap().is_some());
        db.flush().unwrap();
    }
    let masked = format!("{}********{}", &A[..6], &A[14..]);
    for args in [
        &["distribution", "show", "--year", "2025"][..],
        &["distribution", "sheet", "--year", "2025"],
        &["distribution", "owed"],
    ] {
        let run = g.run(args);
        assert_eq!(run.code, 3, "{args:?}: {}{}", run.stdout, run.stderr);
        assert!(run.stderr.contains(&masked), "{args:?}: {}", run.stderr);
        assert!(!run.stderr.contains(A), "{args:?}: {}", run.stderr);
        assert!(run.stdout.is_empty(), "{args:?}: {}", run.stdout);
    }
}

/// `-o FILE` of a streamed listing holds the bytes printed on standard output, and no
/// temporary file is left beside it.
#[test]
fn a_streamed_listing_into_a_file_is_the_printed_one() {
    let g = Gufen::sample_village("2017-1");
    for args in [&["register"][..], &["member", "list"]] {
        for format in ["json", "text", "csv"] {
            let file = g.path(&format!("listing.{format}"));
            let mut into = vec!["--format", format, "-o", file.to_str().unwrap()];
            into.extend(args);
            assert_eq!(g.ok(&into), "");
            let mut printed = vec!["--format", format];
            printed.extend(args);
            assert_eq!(std::fs::read_to_string(&file).unwrap(), g.ok(&printed));
        }
    }
    let left: Vec<_> = std::fs::read_dir(g.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".partial"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
    // The fixture is the one the sample village is imported from.
    assert!(fixture("roster-600.csv").exists());
    let _ = ok;
}
