//! The listings of many persons that stream from the projections one person at a time (the
//! register and the member list today) print exactly what the same document printed whole
//! prints: the register or list as of today, which is rebuilt from the log and rendered whole,
//! byte for byte in every format that streams, in both languages; `-o FILE` holds the same bytes.
//! What this pins: the order (household, then ID; persons of no household first), the totals
//! and percentages computed before the first line, and JSON keys sorted as a whole document's.

mod common;

use common::{fixture, ok, Gufen, A, B};

/// A third member of fixtures/roster-600.csv (household 00002).
const C: &str = "410183194002253855";
const PASSPORT: &str = "passport:E12345678";
/// Today, as the tests' pinned clock (common::NOW) reads in China.
const TODAY: &str = "2026-12-31";

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

/// `args` streamed from the projections and `args --as-of TODAY` (rebuilt from the log, printed
/// whole) in every format that streams and both languages, and as a paper: the same bytes.
fn streamed_equals_whole(g: &Gufen, args: &[&str]) {
    for (format, lang) in [
        ("json", "en"),
        ("text", "zh"),
        ("text", "en"),
        ("csv", "zh"),
        ("csv", "en"),
        // Gathered from the projections without a whole state, then laid out whole.
        ("html", "zh"),
    ] {
        let mut now = vec!["--lang", lang, "--format", format];
        now.extend(args);
        let mut whole = now.clone();
        whole.extend(["--as-of", TODAY]);
        let streamed = g.ok(&now);
        assert_eq!(streamed, g.ok(&whole), "{now:?}");
        assert!(
            streamed.matches("410183********").count() > 500,
            "{now:?}: {streamed}"
        );
    }
}

#[test]
fn the_streamed_register_prints_what_the_whole_register_prints() {
    let g = changed_village();
    streamed_equals_whole(&g, &["register"]);
    let register: serde_json::Value =
        serde_json::from_str(&g.ok(&["--format", "json", "register"])).unwrap();
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
    let list: serde_json::Value =
        serde_json::from_str(&g.ok(&["--format", "json", "member", "list"])).unwrap();
    let members = list["members"].as_array().unwrap();
    assert_eq!(list["count"].as_u64().unwrap() as usize, members.len());
    assert_eq!(
        members.len(),
        599,
        "600 confirmed, one died; the heir is no member"
    );
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
