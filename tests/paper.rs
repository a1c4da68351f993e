//! Printed papers (`--format html`) printed to PDF in a real headless Chromium and read back
//! with poppler (`pdfinfo`, `pdftotext -layout`). Pins: a paper whose Chinese does not reach
//! the PDF, a table row cut across two pages or a header not repeated on every page, a booklet
//! with the wrong pages, a line of the register, notice or pay-out sheet missing or split from
//! its amount, a whole ID in any paper, and a paper that would fetch anything from a network.
//! Needs chromium, fonts-noto-cjk and poppler-utils: without them these tests FAIL, saying that
//! `.ci/run` installs them.

mod common;

use common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A program on the machine, or a failure saying how to get it.
fn program(names: &[&str]) -> PathBuf {
    if names.contains(&"chromium") && Path::new("/usr/bin/chromium").exists() {
        return PathBuf::from("/usr/bin/chromium");
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    for name in names {
        for dir in std::env::split_paths(&path) {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return candidate;
            }
        }
    }
    panic!(
        "{} is not installed: the paper tests print in a real Chromium; .ci/run installs it \
         (apt-get install chromium fonts-noto-cjk poppler-utils)",
        names[0]
    )
}

/// Prints `html` to a PDF beside it in headless Chromium with a fresh profile; returns the
/// PDF's path.
fn print(html: &Path) -> PathBuf {
    let chromium = program(&["chromium", "chromium-browser"]);
    let profile = tempfile::tempdir().unwrap();
    let pdf = html.with_extension("pdf");
    let output = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-pdf-header-footer",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", html.display()))
        .output()
        .unwrap();
    assert!(
        output.status.success() && pdf.is_file(),
        "chromium did not print {}: {}",
        html.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    pdf
}

fn page_count(pdf: &Path) -> usize {
    let output = Command::new(program(&["pdfinfo"]))
        .arg(pdf)
        .output()
        .unwrap();
    assert!(output.status.success());
    let info = String::from_utf8(output.stdout).unwrap();
    info.lines()
        .find_map(|line| line.strip_prefix("Pages:"))
        .expect("pdfinfo gives the page count")
        .trim()
        .parse()
        .unwrap()
}

/// The text of each page, laid out as printed (a table row is one line).
fn pages(pdf: &Path) -> Vec<String> {
    let output = Command::new(program(&["pdftotext"]))
        .arg("-layout")
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap();
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    let mut pages: Vec<String> = text.split('\u{c}').map(String::from).collect();
    if pages.last().is_some_and(|p| p.trim().is_empty()) {
        pages.pop();
    }
    assert_eq!(pages.len(), page_count(pdf), "one text a page");
    pages
}

/// The sample village of the README's tour: the roster, the 2025 distribution posted and one
/// dividend paid, a transfer, a pledge and its release, a death, an heir added and the estate
/// settled, a redemption with consent; the ledger's checkpoint signed (for the statement).
fn village() -> Gufen {
    let g = Gufen::sample_village("2017-1");
    post_distribution_2025(&g.db());
    for args in [
        &[
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
        ][..],
        &[
            "shares",
            "transfer",
            "--from",
            B,
            "--to",
            A,
            "--units",
            "0.5",
            "--price",
            "800",
            "--date",
            "2026-03-01",
        ],
        &[
            "shares",
            "pledge",
            "--id",
            A,
            "--units",
            "0.5",
            "--pledgee",
            "农商银行",
            "--contract",
            "ZY-1",
            "--date",
            "2026-03-02",
        ],
        &[
            "shares",
            "release",
            "--contract",
            "ZY-1",
            "--date",
            "2026-03-20",
        ],
        &["death", "record", "--id", B, "--date", "2026-04-01"],
        &[
            "person",
            "add",
            "--id",
            HEIR,
            "--name",
            "张小丽",
            "--date",
            "2026-04-10",
        ],
        &[
            "inherit",
            "--from",
            B,
            "--heir",
            &format!("{A}:1/2"),
            "--heir",
            &format!("{HEIR}:1/2"),
            "--date",
            "2026-05-01",
        ],
        &[
            "shares",
            "redeem",
            "--id",
            HEIR,
            "--units",
            "0.25",
            "--price",
            "400",
            "--resolution",
            "2026-3",
            "--consent",
            "2026-同意-1",
            "--date",
            "2026-06-01",
        ],
    ] {
        g.ok(args);
    }
    let (signer, _) = g.key("ledger.key", "qinshui.example/ledger");
    g.sign(&signer);
    g
}

/// The heir of the tour, a daughter living in the city (not a member).
const HEIR: &str = "110101199003072316";

/// The seq of the first record of `event_type` (from `log`).
fn seq_of(g: &Gufen, event_type: &str) -> u64 {
    let log: Value =
        serde_json::from_str(&g.ok(&["--format", "json", "log", "--from", "1800"])).unwrap();
    log.as_array()
        .unwrap()
        .iter()
        .find(|r| r["type"] == event_type)
        .unwrap_or_else(|| panic!("no {event_type} record"))["seq"]
        .as_u64()
        .unwrap()
}

/// Writes a paper with `--format html -o NAME.html` and checks what every paper must hold:
/// the language, nothing fetched, no whole ID. Returns the HTML and its printed pages.
fn paper(g: &Gufen, lang: &str, name: &str, args: &[&str]) -> (String, Vec<String>) {
    let path = g.path(&format!("{name}-{lang}.html"));
    let mut full = vec![
        "--lang",
        lang,
        "--format",
        "html",
        "-o",
        path.to_str().unwrap(),
    ];
    full.extend_from_slice(args);
    g.ok(&full);
    let html = std::fs::read_to_string(&path).unwrap();
    let language = if lang == "zh" { "zh-CN" } else { "en" };
    assert!(html.starts_with("<!DOCTYPE html>"), "{name}");
    assert!(
        html.contains(&format!("<html lang=\"{language}\">")),
        "{name}"
    );
    for fetch in [" src=", " href=", "<script", "<link", "@import", "url("] {
        assert!(
            !html.contains(fetch),
            "{name} would fetch something: {fetch}"
        );
    }
    assert!(html.contains("thead { display: table-header-group; }"));
    assert!(html.contains("tr { break-inside: avoid;"));
    let whole = other_ids(&html, "");
    assert!(whole.is_empty(), "{name} holds whole IDs: {whole:?}");
    let pdf = print(&path);
    (html, pages(&pdf))
}

/// Lines of all pages holding every one of `parts`.
fn lines_with<'a>(pages: &'a [String], parts: &[&str]) -> Vec<(usize, &'a str)> {
    pages
        .iter()
        .enumerate()
        .flat_map(|(page, text)| text.lines().map(move |line| (page, line)))
        .filter(|(_, line)| parts.iter().all(|part| line.contains(part)))
        .collect()
}

/// Every page holding rows of a long table shows its header (thead repeated), and every listed
/// line is printed whole on one line of one page, exactly once.
fn check_table(name: &str, pages: &[String], header: &[&str], rows: &[Vec<String>]) {
    assert!(pages.len() > 1, "{name} spans pages");
    let mut pages_with_rows = 0;
    for (number, page) in pages.iter().enumerate() {
        let holds_rows = rows
            .iter()
            .any(|row| page.contains(row[row.len() - 2].as_str()));
        if holds_rows {
            pages_with_rows += 1;
            assert!(
                !lines_with(std::slice::from_ref(page), header).is_empty(),
                "{name} page {} has no table header {header:?}",
                number + 1
            );
        }
    }
    assert!(pages_with_rows > 1, "{name}'s table spans pages");
    for row in rows {
        let parts: Vec<&str> = row.iter().map(String::as_str).collect();
        let found = lines_with(pages, &parts);
        let expected = rows.iter().filter(|r| *r == row).count();
        assert_eq!(
            found.len(),
            expected,
            "{name}: the line {parts:?} is printed {} times whole, not {expected}",
            found.len()
        );
    }
}

/// The page holding the seal also holds a row of the paper's last table (`row`, a text only
/// such a row holds): the seal and the signatures never print on a page of their own.
fn closing_with_rows(name: &str, pages: &[String], row: &str) {
    let seal = pages
        .iter()
        .rposition(|page| page.contains("盖章") || page.contains("seal of"))
        .unwrap_or_else(|| panic!("{name} has a seal"));
    assert!(
        pages[seal].contains(row),
        "{name}: the page of the seal and signatures (page {}) holds no row {row:?}: {}",
        seal + 1,
        pages[seal]
    );
    assert_eq!(
        seal,
        pages.len() - 1,
        "{name}: the seal is on the last page"
    );
}

fn yuan(fen: i64) -> String {
    format!("{}.{:02}", fen / 100, fen % 100)
}

#[test]
fn every_paper_prints_whole_in_chinese() {
    let g = village();
    let register: Value = serde_json::from_str(&g.ok(&["--format", "json", "register"])).unwrap();
    let holders = register["holders"].as_array().unwrap();
    assert!(holders.len() > 590);

    // The register: 599 holders over many pages, the header on each, every holder's line whole.
    let (_, pages) = paper(&g, "zh", "register", &["register"]);
    assert!(pages[0].contains("股东名册"), "{}", pages[0]);
    // Between 25 and 45 rows a page: a row that grew (wrapped) or a page that lost its rows fails.
    assert!(
        (599 / 45..=599 / 25 + 1).contains(&pages.len()),
        "the register spans {} pages",
        pages.len()
    );
    let rows: Vec<Vec<String>> = holders
        .iter()
        .map(|h| {
            vec![
                h["household"].as_str().unwrap().to_string(),
                h["name"].as_str().unwrap().to_string(),
                h["id_masked"].as_str().unwrap().to_string(),
                h["percent"].as_str().unwrap().to_string(),
            ]
        })
        .collect();
    check_table(
        "register",
        &pages,
        &["户号", "姓名", "身份证号", "占比%"],
        &rows,
    );
    assert!(
        !lines_with(&pages, &["合计", "100.00"]).is_empty(),
        "the total line"
    );
    assert!(pages.last().unwrap().contains("盖章"));
    closing_with_rows("register", &pages, "********");

    // The booklet: cover, holders, changes, pledges; a page each.
    let (_, pages) = paper(
        &g,
        "zh",
        "certificate",
        &["household", "certificate", "--household", "00001"],
    );
    assert_eq!(
        pages.len(),
        4,
        "cover, holders, changes, pledges: {pages:#?}"
    );
    let cover: String = pages[0].split_whitespace().collect();
    assert!(cover.contains("股权证") && cover.contains("证号") && cover.contains("发证日期"));
    assert!(pages[0].contains("溱水村股份经济合作社") && pages[0].contains("盖章"));
    assert!(
        pages[1].contains("持股人及股份")
            && pages[1].contains("孙云")
            && pages[1].contains("户主签字")
    );
    assert!(pages[2].contains("股权变更记录"));
    for change in ["配股", "股权转让", "遗产继承"] {
        assert!(
            pages[2].contains(change),
            "the changes page lists {change}: {}",
            pages[2]
        );
    }
    assert!(
        pages[3].contains("股权质押登记")
            && pages[3].contains("ZY-1")
            && pages[3].contains("农商银行")
    );
    assert!(
        !lines_with(&pages[3..], &["ZY-1", "2026-03-02", "2026-03-20"]).is_empty(),
        "the pledge and its release on one line"
    );

    // The notice: the figures, the period, where and until when to object, every line.
    let show: Value = serde_json::from_str(&g.ok(&[
        "--format",
        "json",
        "distribution",
        "show",
        "--year",
        "2025",
    ]))
    .unwrap();
    let (_, pages) = paper(
        &g,
        "zh",
        "notice",
        &["distribution", "show", "--year", "2025", "--notice"],
    );
    assert!(pages[0].contains("年度收益分配方案公示") && pages[0].contains("公示期"));
    assert!(
        pages[0].contains("2026-01-06") && pages[0].contains("2026-01-21"),
        "{}",
        pages[0]
    );
    assert!(pages[0].contains("850000.00") && pages[0].contains("100000.00"));
    let last = pages.last().unwrap();
    assert!(last.contains("异议") && last.contains("受理地点") && last.contains("2026-01-21"));
    let lines = show["lines"].as_array().unwrap();
    let rows: Vec<Vec<String>> = lines
        .iter()
        .map(|l| {
            vec![
                l["household"].as_str().unwrap().to_string(),
                l["id_masked"].as_str().unwrap().to_string(),
                yuan(l["amount_fen"].as_i64().unwrap()),
            ]
        })
        .collect();
    check_table(
        "notice",
        &pages,
        &["户号", "姓名", "身份证号", "分红(元)"],
        &rows,
    );
    closing_with_rows("notice", &pages, "********");

    // The pay-out sheet: the same lines, rows tall enough to sign, a signature column.
    let (_, sheet) = paper(
        &g,
        "zh",
        "payout",
        &["distribution", "sheet", "--year", "2025"],
    );
    assert!(sheet[0].contains("分红发放表"));
    check_table(
        "pay-out sheet",
        &sheet,
        &["序号", "身份证号", "分红(元)", "签字"],
        &rows,
    );
    assert!(
        sheet.len() > pages.len(),
        "signing rows are taller: {} pages",
        sheet.len()
    );
    assert!(!lines_with(&sheet, &["410183********0053", "740.42", "2026-02-01"]).is_empty());
    closing_with_rows("pay-out sheet", &sheet, "********");

    // The change form of the inheritance: both sides, fractions, seal.
    let seq = seq_of(&g, "EstateSettled");
    let (_, pages) = paper(
        &g,
        "zh",
        "change-form",
        &["shares", "form", "--seq", &seq.to_string()],
    );
    assert_eq!(pages.len(), 1);
    let form = &pages[0];
    assert!(
        form.contains("股权变更登记表")
            && form.contains("继承")
            && form.contains(&format!("#{seq}"))
    );
    assert!(
        !lines_with(&pages, &["被继承人", "孙娟", "410183********1305"]).is_empty(),
        "{form}"
    );
    assert!(
        !lines_with(
            &pages,
            &["继承人", "张小丽", "110101********2316", "0.25", "1/2"]
        )
        .is_empty(),
        "{form}"
    );
    assert!(form.contains("盖章") && form.contains("经办人"));

    // The redemption's form: price, resolution and consent.
    let seq = seq_of(&g, "SharesRedeemedWithConsent");
    let (_, pages) = paper(
        &g,
        "zh",
        "redemption-form",
        &["shares", "form", "--seq", &seq.to_string()],
    );
    assert!(
        pages[0].contains("赎回")
            && pages[0].contains("400.00")
            && pages[0].contains("2026-3")
            && pages[0].contains("2026-同意-1")
    );

    // The statement: its reference as a QR code (inline SVG) and as text.
    let (html, pages) = paper(&g, "zh", "statement", &["statement", "--id", A, "--paper"]);
    assert!(html.contains("<svg"), "the QR code is inline SVG");
    // It printed on two pages now and then: the reference under the QR code was set in the
    // text's proportional font, so the code's width, and whether the facts beside it still fit,
    // followed the hash's letters. It is now set in a fixed-width face (the same width for every
    // reference); the pages' text says what overflowed if it comes back.
    assert_eq!(pages.len(), 1, "the statement on one page: {pages:#?}");
    assert!(pages[0].contains("成员股权对账单") && pages[0].contains("孙云"));
    let reference = pages[0]
        .split_whitespace()
        .find(|w| w.starts_with("GF1-N2410183MF0000001Y-"))
        .expect("the reference is printed");
    assert!(html.contains(reference));
    assert!(
        pages[0].contains("740.42"),
        "the paid dividend: {}",
        pages[0]
    );
    closing_with_rows("statement", &pages, "740.42");
    // Issued at GUFEN_NOW (08:00 UTC), printed in China Standard Time with the zone named.
    assert!(
        !lines_with(&pages, &["出具时间", "2026-12-31 16:00", "北京时间 UTC+8"]).is_empty(),
        "{}",
        pages[0]
    );
    assert!(!html.contains(NOW), "no UTC instant on the paper");
}

#[test]
fn every_paper_prints_in_english() {
    let g = village();
    let transfer = seq_of(&g, "SharesTransferred").to_string();
    let papers: [(&str, Vec<&str>, &[&str]); 5] = [
        (
            "register",
            vec!["register"],
            &["shareholder register", "prepared by"],
        ),
        (
            "certificate",
            vec!["household", "certificate", "--household", "00001"],
            &[
                "Household Share Certificate",
                "Changes",
                "Pledges",
                "shares allotted",
                "shares transferred",
                "inheritance",
            ],
        ),
        (
            "payout",
            vec!["distribution", "sheet", "--year", "2025"],
            &["dividend pay-out sheet", "signature"],
        ),
        (
            "change-form",
            vec!["shares", "form", "--seq", &transfer],
            &["Share change registration form", "transfer", "800.00"],
        ),
        (
            "statement",
            vec!["statement", "--id", A, "--paper"],
            &[
                "Member statement",
                "reference",
                "membership confirmed",
                "2026-12-31 16:00 China Standard Time (UTC+8)",
            ],
        ),
    ];
    for (name, args, expected) in papers {
        let (html, pages) = paper(&g, "en", name, &args);
        let text = pages.join("\n");
        for word in expected {
            assert!(text.contains(word), "{name} in English holds {word:?}");
        }
        assert!(
            !html.contains("股东名册") && !html.contains("盖章"),
            "{name} is in English"
        );
        // Kinds of record in words, never the names records are stored under.
        for stored in [
            "MembershipConfirmed",
            "SharesAllotted",
            "SharesTransferred",
            "SharesPledged",
            "EstateSettled",
            "SharesRedeemed",
        ] {
            assert!(!text.contains(stored), "{name} prints {stored}");
        }
    }
    let (_, pages) = paper(
        &g,
        "en",
        "notice",
        &["distribution", "show", "--year", "2025", "--notice"],
    );
    let text = pages.join("\n");
    for word in [
        "public notice",
        "notice period",
        "Where to object",
        "2026-01-21",
    ] {
        assert!(text.contains(word), "the notice holds {word:?}");
    }
}

#[test]
fn a_change_form_is_refused_for_another_kind_of_record_naming_it() {
    let g = Gufen::sample_village("2017-1");
    // Record 3 allots units (the roster's import): not a transfer, inheritance or redemption.
    let run = g.run(&["--lang", "en", "shares", "form", "--seq", "3"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("record 3 is a SharesAllotted"),
        "{}",
        run.stderr
    );
    let run = g.run(&["--lang", "zh", "shares", "form", "--seq", "3"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("第 3 条记录是“配股”"), "{}", run.stderr);
    let run = g.run(&["--lang", "en", "shares", "form", "--seq", "99999"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("no record 99999"), "{}", run.stderr);
}

#[test]
fn a_payout_sheet_waits_for_the_posting() {
    let g = Gufen::sample_village("2017-1");
    g.ok(DRAFT_2025);
    let run = g.run(&["--lang", "en", "distribution", "sheet", "--year", "2025"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("the 2025 plan is not posted"),
        "{}",
        run.stderr
    );
    let run = g.run(&["--lang", "en", "distribution", "sheet", "--year", "2024"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("no plan has been drafted for 2024"),
        "{}",
        run.stderr
    );
}

#[test]
fn the_notice_command_writes_the_notice_paper_alone() {
    let g = Gufen::sample_village("2017-1");
    g.ok(DRAFT_2025);
    let path = g.path("notice.html");
    g.ok(&[
        "--lang",
        "zh",
        "--format",
        "html",
        "-o",
        path.to_str().unwrap(),
        "distribution",
        "notice",
        "--year",
        "2025",
        "--date",
        "2026-01-06",
    ]);
    let html = std::fs::read_to_string(&path).unwrap();
    assert!(html.contains("2025 年度收益分配方案公示"), "{html}");
    assert!(html.contains("2026-01-21") && html.contains("受理地点"));
    assert_eq!(
        html.matches("<!DOCTYPE html>").count(),
        1,
        "the notice alone"
    );
    assert!(!html.contains("已记录"), "no write outcome in the paper");
}

/// The words of page `page` (from 1) with their boxes, as `pdftotext -bbox` gives them:
/// (text, height in points).
fn word_heights(pdf: &Path, page: usize) -> Vec<(String, f64)> {
    let output = Command::new(program(&["pdftotext"]))
        .args(["-bbox", "-f", &page.to_string(), "-l", &page.to_string()])
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap();
    assert!(output.status.success());
    let html = String::from_utf8(output.stdout).unwrap();
    let attribute = |word: &str, name: &str| -> f64 {
        let start = word.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        let end = start + word[start..].find('"').unwrap();
        word[start..end].parse().unwrap()
    };
    html.split("<word ")
        .skip(1)
        .map(|word| {
            let text_start = word.find('>').unwrap() + 1;
            let text_end = word.find("</word>").unwrap();
            let height = attribute(word, "yMax") - attribute(word, "yMin");
            (word[text_start..text_end].to_string(), height)
        })
        .collect()
}

/// The printed height of the word `text` on page `page`.
fn height_of(pdf: &Path, page: usize, text: &str) -> f64 {
    word_heights(pdf, page)
        .into_iter()
        .find(|(word, _)| word == text)
        .unwrap_or_else(|| panic!("no word {text:?} on page {page}"))
        .1
}

/// The size of page `page` in points (width, height).
fn page_size(pdf: &Path, page: usize) -> (f64, f64) {
    let output = Command::new(program(&["pdfinfo"]))
        .args(["-f", &page.to_string(), "-l", &page.to_string()])
        .arg(pdf)
        .output()
        .unwrap();
    let info = String::from_utf8(output.stdout).unwrap();
    let line = info
        .lines()
        .find(|line| line.starts_with(&format!("Page {page:>4} size:")))
        .expect("pdfinfo gives the page's size");
    let numbers: Vec<f64> = line
        .split_whitespace()
        .filter_map(|word| word.parse().ok())
        .collect();
    (numbers[1], numbers[2])
}

/// Six share classes with long names: the register has 14 columns, the booklet's holders 11.
const SIX_CLASSES: [(&str, &str); 6] = [
    ("basic", "人口股"),
    ("labor", "农龄股"),
    ("contribution", "贡献股"),
    ("poverty", "扶贫帮困股"),
    ("land", "土地承包股"),
    ("only", "独生子女奖励股"),
];

/// A village whose charter has the six classes above, and 40 members of the sample roster,
/// each holding units of one class in turn: 1 or 3, 80 in all (1.25% or 3.75% each).
fn six_class_village() -> Gufen {
    let g = Gufen::new();
    let charter = std::fs::read_to_string(fixture("charter.toml")).unwrap();
    let mut charter = charter[..charter.find("[[classes]]").unwrap()].replace(
        "holding_cap_percent = \"3\"",
        "holding_cap_percent = \"100\"",
    );
    for (code, name) in SIX_CLASSES {
        charter.push_str(&format!(
            "[[classes]]\ncode = \"{code}\"\nname = \"{name}\"\ncoefficient = \"1\"\n"
        ));
    }
    let charter = g.write("charter6.toml", &charter);
    let roster = std::fs::read_to_string(fixture("roster-600.csv")).unwrap();
    let mut lines = roster.lines();
    let mut csv = format!("{}\n", lines.next().unwrap());
    for (number, line) in lines.take(40).enumerate() {
        let cells: Vec<&str> = line.split(',').collect();
        let class = SIX_CLASSES[number % SIX_CLASSES.len()].0;
        csv.push_str(&format!(
            "{},{},{},{class},{}\n",
            cells[0],
            cells[1],
            cells[2],
            if number % 2 == 0 { 1 } else { 3 }
        ));
    }
    let roster = g.write("roster6.csv", &csv);
    g.ok(&["init", "--charter", &charter, "--date", "2017-06-30"]);
    g.ok(&[
        "member",
        "import",
        &roster,
        "--resolution",
        "2017-1",
        "--date",
        "2017-12-31",
    ]);
    g
}

#[test]
fn a_register_of_six_share_classes_prints_every_column_on_a_landscape_page_unshrunk() {
    let g = six_class_village();
    let (_, pages) = paper(&g, "zh", "register6", &["register"]);
    let pdf = g.path("register6-zh.pdf");
    let mut headers = vec!["户号", "姓名", "身份证号", "成员"];
    headers.extend(SIX_CLASSES.iter().map(|(_, name)| *name));
    headers.extend(["合计股", "折算股", "占比%", "质押股"]);
    for header in &headers {
        assert!(
            pages[0].contains(header),
            "the header {header:?} is on page 1: {}",
            pages[0]
        );
    }
    let (width, height) = page_size(&pdf, 1);
    assert!(
        width > height,
        "the register turns landscape: {width} x {height}"
    );
    // Every holder's line is whole, the last columns included.
    let register: Value = serde_json::from_str(&g.ok(&["--format", "json", "register"])).unwrap();
    for holder in register["holders"].as_array().unwrap() {
        let id = holder["id_masked"].as_str().unwrap();
        let total = holder["units_total"].as_u64().unwrap() / 10_000;
        let line = lines_with(&pages, &[id]);
        assert_eq!(line.len(), 1, "{id} is printed once");
        let cells: Vec<&str> = line[0].1.split_whitespace().collect();
        assert_eq!(cells.len(), headers.len(), "every column: {}", line[0].1);
        assert_eq!(cells[10], total.to_string(), "合计股: {}", line[0].1);
        // The percent with four decimals on paper (the JSON keeps its own text, 1.25).
        let percent = holder["percent"].as_str().unwrap();
        assert!(percent == "1.25" || percent == "3.75", "{percent}");
        assert_eq!(cells[12], format!("{percent}00"), "占比%: {}", line[0].1);
    }
    assert!(!lines_with(&pages, &["合计", "80", "100.0000"]).is_empty());
    // Not shrunk to fit: the heading's fields print as large as on the booklet's cover, which
    // is narrow enough for a portrait page.
    let (_, booklet) = paper(
        &g,
        "zh",
        "certificate6",
        &["household", "certificate", "--household", "00001"],
    );
    let booklet_pdf = g.path("certificate6-zh.pdf");
    let cover = height_of(&booklet_pdf, 1, "统一社会信用代码");
    let register_field = height_of(&pdf, 1, "统一社会信用代码");
    assert!(
        (register_field / cover - 1.0).abs() < 0.03,
        "the register's page is shrunk: {register_field} against {cover}"
    );
    // The booklet's holders page: landscape, every column, the household's line unshrunk.
    assert_eq!(booklet.len(), 4, "cover, holders, changes, pledges");
    let (width, height) = page_size(&booklet_pdf, 2);
    assert!(width > height, "the holders page turns landscape");
    let (cover_width, cover_height) = page_size(&booklet_pdf, 1);
    assert!(cover_width < cover_height, "the cover stays portrait");
    for header in headers.iter().skip(1).take(10) {
        assert!(booklet[1].contains(header), "{header:?}: {}", booklet[1]);
    }
    let total = height_of(&booklet_pdf, 2, "本户合计股:");
    let cover_total = height_of(&booklet_pdf, 1, "本户合计股");
    assert!(
        (total / cover_total - 1.0).abs() < 0.03,
        "the holders page is shrunk: {total} against {cover_total}"
    );
}

/// A third member of the sample roster (household 00002).
const C: &str = "410183194002253855";

#[test]
fn a_change_form_shows_membership_then_and_a_corrected_form_names_its_correction_unsigned() {
    let g = Gufen::sample_village("2017-1");
    for args in [
        &[
            "shares",
            "transfer",
            "--from",
            B,
            "--to",
            A,
            "--units",
            "0.5",
            "--price",
            "800",
            "--date",
            "2026-03-01",
        ][..],
        &["death", "record", "--id", B, "--date", "2026-04-01"],
        &[
            "shares",
            "transfer",
            "--from",
            A,
            "--to",
            C,
            "--units",
            "0.5",
            "--price",
            "800",
            "--date",
            "2026-05-01",
        ],
    ] {
        g.ok(args);
    }
    let transfers: Vec<u64> = {
        let log: Value =
            serde_json::from_str(&g.ok(&["--format", "json", "log", "--from", "1200"])).unwrap();
        log.as_array()
            .unwrap()
            .iter()
            .filter(|r| r["type"] == "SharesTransferred")
            .map(|r| r["seq"].as_u64().unwrap())
            .collect()
    };
    assert_eq!(transfers.len(), 2);
    // 孙娟 died after she gave the units: on the form of her transfer she is a member.
    let (_, pages) = paper(
        &g,
        "zh",
        "transfer-form",
        &["shares", "form", "--seq", &transfers[0].to_string()],
    );
    assert!(
        !lines_with(&pages, &["转出方", "孙娟", "410183********1305", "是"]).is_empty(),
        "a member on the record's date: {}",
        pages[0]
    );
    // The second transfer, corrected: its form names the correcting record and is void.
    let correction = g.ok(&[
        "--format",
        "json",
        "correct",
        "--seq",
        &transfers[1].to_string(),
        "--reason",
        "录入错误",
        "--date",
        "2026-06-01",
    ]);
    let head: Value = serde_json::from_str(&g.ok(&["--format", "json", "verify"])).unwrap();
    let correcting = head["head_seq"].as_u64().unwrap();
    assert!(correction.contains(&correcting.to_string()), "{correction}");
    for lang in ["zh", "en"] {
        let (html, pages) = paper(
            &g,
            lang,
            "corrected-form",
            &["shares", "form", "--seq", &transfers[1].to_string()],
        );
        let text = pages.join("\n");
        let named = if lang == "zh" {
            format!("第 #{correcting} 号记录更正")
        } else {
            format!("corrected by record #{correcting}")
        };
        assert!(text.contains(&named), "{lang}: {text}");
        assert!(
            !html.contains("class=\"signature\"") && !html.contains("class=\"seal\""),
            "{lang}: a corrected record's form offers no signature lines or seal"
        );
    }
    let form: Value = serde_json::from_str(&g.ok(&[
        "--format",
        "json",
        "shares",
        "form",
        "--seq",
        &transfers[1].to_string(),
    ]))
    .unwrap();
    assert_eq!(form["corrected"], true);
    assert_eq!(form["corrected_by"], correcting);
}
