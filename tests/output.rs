//! Output as accountants open it. Pins: a workbook (`--format xlsx`) that says what the JSON
//! says, cell by cell, with codes kept as text (household `00001`, masked IDs), units and yuan
//! as numbers (yuan to the exact fen, shown with two decimals); a CSV or workbook in which a
//! name like `=HYPERLINK(…)` stays text and never runs as a formula; every command, in every
//! format, either printing that form (a workbook with a named sheet under a bold title) or
//! refusing the format by name (never another form silently); `-o FILE` writing the whole file
//! and nothing on stdout, and a failing `-o` leaving no file and no record.

mod common;

use calamine::{Data, Reader, Xlsx};
use common::{command, fixture, Gufen};
use serde_json::Value;
use std::io::Cursor;
use std::path::Path;

/// Three members of a small village (valid citizen IDs), as in tests/cli.rs.
const A: &str = "360426199101010071";
const B: &str = "412723199010050012";
const C: &str = "44011320141005001X";
/// A member confirmed singly.
const D: &str = "410183198005150024";
/// An heir who is no member.
const HEIR: &str = "110101199003072316";
/// Another collective's credit code.
const OTHER_COLLECTIVE: &str = "N2410183MF00000022";

const FORMATS: [&str; 5] = ["text", "json", "csv", "xlsx", "html"];

/// A run whose standard output is bytes (a workbook is not text).
struct Out {
    code: i32,
    stdout: Vec<u8>,
    stderr: String,
}

/// Runs the binary on `db`, waiting out a store another run still holds.
fn run(db: &Path, args: &[&str]) -> Out {
    for _ in 0..100 {
        let output = command(db).args(args).output().unwrap();
        let out = Out {
            code: output.status.code().unwrap_or(-1),
            stdout: output.stdout,
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        };
        if !out.stderr.contains("in use by another gufen process") {
            return out;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    panic!("the store stayed in use")
}

fn ok(db: &Path, args: &[&str]) -> Vec<u8> {
    let out = run(db, args);
    assert_eq!(out.code, 0, "gufen {args:?} failed: {}", out.stderr);
    out.stdout
}

fn json(db: &Path, args: &[&str]) -> Value {
    let mut all = vec!["--format", "json"];
    all.extend(args);
    serde_json::from_slice(&ok(db, &all)).unwrap()
}

/// The first sheet of a workbook: its name, its cells, and its formulas (all empty when none).
struct Sheet {
    name: String,
    cells: calamine::Range<Data>,
    formulas: calamine::Range<String>,
    styles: calamine::StyleRange,
}

fn sheet(bytes: &[u8]) -> Sheet {
    assert!(bytes.starts_with(b"PK"), "not a workbook");
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).unwrap();
    let name = workbook.sheet_names()[0].clone();
    Sheet {
        name: name.clone(),
        cells: workbook.worksheet_range(&name).unwrap(),
        formulas: workbook.worksheet_formula(&name).unwrap(),
        styles: workbook.worksheet_style(&name).unwrap(),
    }
}

impl Sheet {
    fn cell(&self, row: u32, column: u32) -> &Data {
        self.cells.get_value((row, column)).unwrap_or(&Data::Empty)
    }

    /// The row whose first cell is `text` (a table's header).
    fn row_of(&self, text: &str) -> u32 {
        (0..self.cells.height() as u32)
            .find(|&row| self.cell(row, 0) == &Data::String(text.into()))
            .unwrap_or_else(|| panic!("no row starts with {text}"))
    }

    /// The header row's cells as text.
    fn headers(&self, row: u32) -> Vec<String> {
        (0..self.cells.width() as u32)
            .map(|column| self.cell(row, column).to_string())
            .collect()
    }

    fn number_format(&self, row: u32, column: u32) -> String {
        self.styles
            .get((row, column))
            .and_then(|style| style.number_format.clone())
            .map(|format| format.format_code)
            .unwrap_or_default()
    }

    fn has_no_formula(&self) {
        for row in self.formulas.rows() {
            for formula in row {
                assert!(formula.is_empty(), "a formula in the sheet: {formula}");
            }
        }
    }
}

fn text(data: &Data) -> &str {
    match data {
        Data::String(text) => text,
        other => panic!("{other:?} is not a text cell"),
    }
}

fn number(data: &Data) -> f64 {
    match data {
        Data::Float(value) => *value,
        Data::Int(value) => *value as f64,
        other => panic!("{other:?} is not a number cell"),
    }
}

/// A whole number of units (1/10000 share) read back from a workbook's number cell: the cell
/// must hold exactly the double nearest to that decimal.
fn units(data: &Data, expected: u64) {
    let value = number(data);
    assert_eq!(
        value,
        expected as f64 / 10_000.0,
        "{value} for {expected} units"
    );
}

/// The sample village of the README: the fixture charter and its 600-member roster.
fn sample_village() -> Gufen {
    Gufen::sample_village("2017-1")
}

/// (a) The register as a workbook equals the register as JSON: names, masked IDs and
/// household numbers as text (zeros kept), units as numbers, the as-of date above the table.
#[test]
fn the_register_workbook_equals_the_json_register() {
    let g = sample_village();
    let db = g.db();
    let register = json(&db, &["register"]);
    let file = g.path("register.xlsx");
    let file_arg = file.to_str().unwrap();
    let printed = ok(
        &db,
        &[
            "--lang", "en", "--format", "xlsx", "-o", file_arg, "register",
        ],
    );
    assert!(printed.is_empty(), "-o prints nothing");
    let sheet = sheet(&std::fs::read(&file).unwrap());
    sheet.has_no_formula();
    // The title, bold and larger, then the as-of line.
    assert!(text(sheet.cell(0, 0)).contains("shareholder register"));
    let title_font = sheet.styles.get((0, 0)).unwrap().font.clone().unwrap();
    assert!(title_font.is_bold());
    let as_of = register["as_of"].as_str().unwrap();
    assert!(
        text(sheet.cell(1, 0)).contains(as_of),
        "{:?}",
        sheet.cell(1, 0)
    );
    let header = sheet.row_of("household");
    let headers = sheet.headers(header);
    assert_eq!(
        &headers[..4],
        ["household", "name", "ID", "member"],
        "{headers:?}"
    );
    assert!(sheet
        .styles
        .get((header, 0))
        .unwrap()
        .font
        .clone()
        .unwrap()
        .is_bold());
    let column = |name: &str| headers.iter().position(|h| h == name).unwrap() as u32;
    let holders = register["holders"].as_array().unwrap();
    assert_eq!(holders.len(), 600);
    for (i, holder) in holders.iter().enumerate() {
        let row = header + 1 + i as u32;
        assert_eq!(
            text(sheet.cell(row, 0)),
            holder["household"].as_str().unwrap()
        );
        assert_eq!(text(sheet.cell(row, 1)), holder["name"].as_str().unwrap());
        assert_eq!(
            text(sheet.cell(row, 2)),
            holder["id_masked"].as_str().unwrap()
        );
        let member = if holder["member"].as_bool().unwrap() {
            "yes"
        } else {
            "no"
        };
        assert_eq!(text(sheet.cell(row, 3)), member);
        for class in ["basic", "labor"] {
            let held = holder["units"][class].as_u64().unwrap_or(0);
            units(sheet.cell(row, column(class)), held);
        }
        units(
            sheet.cell(row, column("weighted")),
            holder["weighted_units"].as_u64().unwrap(),
        );
        units(
            sheet.cell(row, column("pledged")),
            holder["pledged_units"].as_u64().unwrap(),
        );
    }
    // Household numbers keep their zeros: 00001 is text, not the number 1.
    assert_eq!(sheet.cell(header + 1, 0), &Data::String("00001".into()));
    let total = header + 1 + holders.len() as u32;
    assert_eq!(text(sheet.cell(total, 0)), "total");
    units(
        sheet.cell(total, column("total")),
        register["total_units"].as_u64().unwrap(),
    );
    units(
        sheet.cell(total, column("weighted")),
        register["total_weighted_units"].as_u64().unwrap(),
    );
}

/// (b) A posted year's plan as a workbook: every dividend a number cell holding the exact fen
/// of the JSON, shown with two decimals; weighted shares numbers; the total to the fen.
#[test]
fn the_distribution_workbook_holds_every_dividend_to_the_fen() {
    let g = sample_village();
    let db = g.db();
    common::post_distribution_2025(&db);
    ok(
        &db,
        &[
            "distribution",
            "pay",
            "--year",
            "2025",
            "--id",
            common::A,
            "--ref",
            "BK0001",
            "--date",
            "2026-02-01",
        ],
    );
    let plan = json(&db, &["distribution", "show", "--year", "2025"]);
    let bytes = ok(
        &db,
        &[
            "--lang",
            "en",
            "--format",
            "xlsx",
            "distribution",
            "show",
            "--year",
            "2025",
        ],
    );
    let sheet = sheet(&bytes);
    sheet.has_no_formula();
    let header = sheet.row_of("household");
    let headers = sheet.headers(header);
    let column = |name: &str| headers.iter().position(|h| h == name).unwrap() as u32;
    let (weighted, dividend, paid_on) = (
        column("weighted shares"),
        column("dividend (yuan)"),
        column("paid on"),
    );
    let lines = plan["lines"].as_array().unwrap();
    assert!(lines.len() > 500);
    let mut sum_fen = 0i64;
    for (i, line) in lines.iter().enumerate() {
        let row = header + 1 + i as u32;
        assert_eq!(
            text(sheet.cell(row, 2)),
            line["id_masked"].as_str().unwrap()
        );
        let fen = line["amount_fen"].as_i64().unwrap();
        let value = number(sheet.cell(row, dividend));
        assert_eq!(value, fen as f64 / 100.0, "line {i}");
        assert_eq!((value * 100.0).round() as i64, fen, "line {i}");
        assert_eq!(sheet.number_format(row, dividend), "0.00");
        units(
            sheet.cell(row, weighted),
            line["weighted_units"].as_u64().unwrap(),
        );
        sum_fen += fen;
    }
    // The member paid on 2026-02-01: a real date cell, shown as yyyy-mm-dd.
    let paid_row = (0..lines.len())
        .map(|i| header + 1 + i as u32)
        .find(|&row| sheet.cell(row, paid_on) != &Data::Empty)
        .expect("a paid line");
    match sheet.cell(paid_row, paid_on) {
        Data::DateTime(date) => {
            assert_eq!(date.as_datetime().unwrap().date().to_string(), "2026-02-01")
        }
        other => panic!("{other:?} is not a date cell"),
    }
    assert_eq!(sheet.number_format(paid_row, paid_on), "yyyy-mm-dd");
    let total = header + 1 + lines.len() as u32;
    let total_value = number(sheet.cell(total, dividend));
    assert_eq!((total_value * 100.0).round() as i64, sum_fen);
    assert_eq!(
        sum_fen + plan["retained_fen"].as_i64().unwrap(),
        plan["distributable_fen"].as_i64().unwrap()
    );
}

/// The fixture charter with a holding cap of 50% (a village of a few members), written beside
/// the store.
fn loose_charter(g: &Gufen) -> String {
    let charter = std::fs::read_to_string(fixture("charter.toml"))
        .unwrap()
        .replace(
            "holding_cap_percent = \"3\"",
            "holding_cap_percent = \"50\"",
        );
    g.write("charter.toml", &charter)
}

/// Members whose names a spreadsheet would run as formulas, in households whose numbers
/// begin with zeros.
const FORMULA_NAMES: [&str; 4] = ["=HYPERLINK(\"x\")", "+1", "-2", "@SUM(A1)"];

/// A village whose members are named like formulas, imported from a roster (households `00001`
/// and `00002`), plus one confirmed singly without shares (household `00003`).
fn formula_village() -> Gufen {
    let g = Gufen::new();
    let db = g.db();
    let charter = loose_charter(&g);
    ok(
        &db,
        &["init", "--charter", &charter, "--date", "2017-06-30"],
    );
    let mut roster = String::from("id,name,household,class,units\n");
    for (id, name, household) in [
        (A, FORMULA_NAMES[0], "00001"),
        (B, FORMULA_NAMES[1], "00001"),
        (C, FORMULA_NAMES[2], "00002"),
        (D, FORMULA_NAMES[3], "00002"),
    ] {
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer
            .write_record([id, name, household, "basic", "1"])
            .unwrap();
        roster.push_str(&String::from_utf8(writer.into_inner().unwrap()).unwrap());
    }
    let roster = g.write("roster.csv", &roster);
    ok(
        &db,
        &[
            "member",
            "import",
            &roster,
            "--resolution",
            "2017-1",
            "--date",
            "2017-12-31",
        ],
    );
    // Typed on the command line too.
    let name = format!("--name={}", FORMULA_NAMES[0]);
    ok(
        &db,
        &[
            "member",
            "confirm",
            "--id",
            HEIR,
            &name,
            "--household",
            "00003",
            "--resolution",
            "2018-1",
            "--date",
            "2018-03-01",
        ],
    );
    g
}

/// The cells of a CSV printed by gufen: it starts with the byte order mark.
fn csv_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    let text = std::str::from_utf8(bytes).unwrap();
    let body = text
        .strip_prefix('\u{FEFF}')
        .expect("a CSV starts with the BOM");
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(body.as_bytes())
        .records()
        .map(|record| record.unwrap().iter().map(String::from).collect())
        .collect()
}

/// (c, d) In CSV, a name that reads as a formula is written with a leading `'` in the register
/// and the member list, and household numbers are `="00001"` (text when Excel opens it); in a
/// workbook both are plain text cells, never formulas.
#[test]
fn names_like_formulas_stay_text_and_households_keep_their_zeros() {
    let g = formula_village();
    let db = g.db();
    for args in [&["register"][..], &["member", "list"]] {
        let mut all = vec!["--lang", "en", "--format", "csv"];
        all.extend(args);
        let rows = csv_rows(&ok(&db, &all));
        let names: Vec<&str> = rows.iter().map(|row| row[1].as_str()).collect();
        for name in FORMULA_NAMES {
            assert!(
                names.contains(&format!("'{name}").as_str()),
                "{args:?}: {rows:?}"
            );
        }
        for row in &rows {
            let first = row[1].chars().next().unwrap_or(' ');
            assert!(
                !matches!(first, '=' | '+' | '-' | '@'),
                "{args:?}: a cell that runs as a formula: {row:?}"
            );
        }
        let households: Vec<&str> = rows.iter().map(|row| row[0].as_str()).collect();
        assert!(households.contains(&"=\"00001\""), "{households:?}");
        assert!(households.contains(&"=\"00002\""), "{households:?}");
        // Units stay plain numbers.
        if args == ["register"] {
            assert!(rows.iter().any(|row| row[4] == "1"), "{rows:?}");
        }

        let mut all = vec!["--lang", "en", "--format", "xlsx"];
        all.extend(args);
        let sheet = sheet(&ok(&db, &all));
        sheet.has_no_formula();
        let header = sheet.row_of("household");
        let mut names = Vec::new();
        let mut households = Vec::new();
        for row in header + 1..sheet.cells.height() as u32 {
            if let Data::String(name) = sheet.cell(row, 1) {
                names.push(name.clone());
            }
            households.push(sheet.cell(row, 0).clone());
        }
        for name in FORMULA_NAMES {
            assert!(names.contains(&name.to_string()), "{args:?}: {names:?}");
        }
        assert!(
            households.contains(&Data::String("00001".into())),
            "{households:?}"
        );
        assert!(
            households.contains(&Data::String("00002".into())),
            "{households:?}"
        );
    }
}

/// What a run in `format` printed is that form.
fn is_form(format: &str, bytes: &[u8]) -> Result<(), String> {
    if bytes.is_empty() {
        return Err("printed nothing".into());
    }
    match format {
        "text" => {
            let text = std::str::from_utf8(bytes).map_err(|e| e.to_string())?;
            if text.starts_with('\u{FEFF}') || text.starts_with("PK") || starts_html(text) {
                return Err("not plain text".into());
            }
            Ok(())
        }
        "json" => serde_json::from_slice::<Value>(bytes)
            .map(|_| ())
            .map_err(|e| format!("not JSON: {e}")),
        "csv" => {
            let text = std::str::from_utf8(bytes).map_err(|e| e.to_string())?;
            if !text.starts_with('\u{FEFF}') {
                return Err("no byte order mark".into());
            }
            csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(text.as_bytes())
                .records()
                .try_for_each(|r| r.map(|_| ()))
                .map_err(|e| format!("not CSV: {e}"))
        }
        "xlsx" => {
            if !bytes.starts_with(b"PK") {
                return Err("not a workbook".into());
            }
            let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec()))
                .map_err(|e| format!("not a workbook: {e}"))?;
            titled(&mut workbook)
        }
        "html" => {
            let text = std::str::from_utf8(bytes).map_err(|e| e.to_string())?;
            if starts_html(text) {
                Ok(())
            } else {
                Err("not an HTML document".into())
            }
        }
        other => panic!("{other}"),
    }
}

/// Every document's workbook says what it is: its sheet is named (not `Sheet1`) and its first
/// row is a title in bold.
fn titled(workbook: &mut Xlsx<Cursor<Vec<u8>>>) -> Result<(), String> {
    let name = workbook.sheet_names()[0].clone();
    let cells = workbook.worksheet_range(&name).map_err(|e| e.to_string())?;
    let styles = workbook.worksheet_style(&name).map_err(|e| e.to_string())?;
    let title = match cells.get_value((0, 0)) {
        Some(Data::String(title)) if !title.trim().is_empty() => title.clone(),
        other => return Err(format!("no title in A1 but {other:?}")),
    };
    let bold = styles
        .get((0, 0))
        .and_then(|style| style.font.as_ref())
        .is_some_and(|font| font.is_bold());
    if name.starts_with("Sheet") || !bold {
        return Err(format!(
            "the sheet {name:?}, its title {title:?} bold: {bold}"
        ));
    }
    Ok(())
}

fn starts_html(text: &str) -> bool {
    text.trim_start_matches('\u{FEFF}')
        .trim_start()
        .to_ascii_lowercase()
        .starts_with("<!doctype html")
}

/// How a step of the matrix runs.
#[derive(Clone, Copy, PartialEq)]
enum Step {
    /// A read: nothing changes.
    Read,
    /// A ledger write: when the format is refused before the write was recorded, it is run
    /// again in text, so later steps have it.
    Write,
    /// Its own effect outside the ledger (a key file, an export, a witness's state), each format
    /// with its own paths.
    Own,
    /// Run only in the formats it refuses: in its own (text, JSON) it needs an object storage
    /// server the matrix does not start; tests/publish.rs runs it against one.
    Refused,
}

/// The seq of the first record of `kind` in the log.
fn log_seq(db: &Path, kind: &str) -> String {
    json(db, &["log", "--limit", "100000"])
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["type"] == kind)
        .unwrap_or_else(|| panic!("a {kind} record"))["seq"]
        .to_string()
}

/// Every command's name as `gufen help` lists it, groups expanded (`member confirm`).
fn leaf_commands() -> Vec<String> {
    fn commands(args: &[&str]) -> Vec<String> {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_gufen"))
            .env("GUFEN_LANG", "en")
            .args(args)
            .arg("--help")
            .output()
            .unwrap();
        let help = String::from_utf8(output.stdout).unwrap();
        let Some(section) = help.split("Commands:\n").nth(1) else {
            return Vec::new();
        };
        section
            .lines()
            .take_while(|line| line.starts_with("  "))
            .filter_map(|line| line.split_whitespace().next())
            .filter(|name| *name != "help")
            .map(String::from)
            .collect()
    }
    let mut leaves = Vec::new();
    for top in commands(&[]) {
        let subs = commands(&[&top]);
        // `audit DIR` runs as it is and has a subcommand too.
        if subs.is_empty() || top == "audit" {
            leaves.push(top.clone());
        }
        leaves.extend(subs.into_iter().map(|sub| format!("{top} {sub}")));
    }
    leaves
}

/// (e) Every command that prints something, in every format: it prints that form, or it exits
/// 1 naming the format and prints nothing. Text never refuses. A write refused in a format is
/// run again in text, so the next steps find what they need.
#[test]
fn every_command_prints_each_format_or_refuses_it_by_name() {
    let results: Vec<Vec<String>> = std::thread::scope(|scope| {
        let handles: Vec<_> = FORMATS
            .iter()
            .enumerate()
            .map(|(index, format)| scope.spawn(move || matrix(index, format)))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let covered = &results[0];
    let leaves = leaf_commands();
    assert!(leaves.len() > 40, "the help lists {leaves:?}");
    for leaf in leaves {
        assert!(
            // A command's positional value (`completions bash`) follows its name.
            covered
                .iter()
                .any(|c| c == &leaf || c.starts_with(&format!("{leaf} "))),
            "the matrix does not run `gufen {leaf}`"
        );
    }
}

/// Runs every command in `format` on a fresh village; returns the commands run.
fn matrix(index: usize, format: &str) -> Vec<String> {
    let g = Gufen::new();
    let db = g.db();
    let dir = |name: &str| g.path(&format!("{name}-{format}"));
    let charter = loose_charter(&g);
    let roster = g.write(
        "roster.csv",
        &format!("id,name,household,class,units\n{A},王秀英,001,basic,1\n{B},李建国,001,basic,1\n{C},张丽,002,basic,1.5\n"),
    );
    let bank = g.write("bank.csv", &format!("id,ref\n{B},BK0002\n"));
    let (log_key, log_key_path) = g.key("log.key", "village.example/log");
    let (_, witness_key_path) = g.key("witness.key", "township.example/witness");
    let vkey = log_key.vkey();
    let new_key = dir("new.key");
    let export = dir("export");
    let statement = dir("statement.json");
    let demo_db = dir("demo");
    let witness_state = dir("witness-state");
    let witness_state_out = dir("witness-state-out");
    let cosigned = dir("cosigned.note");
    let bundle = g.path("bundle");
    let statement_setup = g.path("statement-setup.json");
    let checkpoint_note = g.path("checkpoint.note");
    let path = |p: &std::path::PathBuf| p.to_str().unwrap().to_string();

    let mut covered = Vec::new();
    let mut step_number = 0;
    let mut step = |kind: Step, args: &[&str]| {
        step_number += 1;
        let id = format!("00000000-0000-4000-8000-{:012}", index * 1000 + step_number);
        let pinned: Vec<&str> = if kind == Step::Write {
            vec!["--command-id", &id]
        } else {
            vec![]
        };
        // `--db DIR` first: a store of its own (the demo's).
        let (store, args) = match args {
            ["--db", store, rest @ ..] => (Path::new(*store), rest),
            _ => (db.as_path(), args),
        };
        let head = |store: &Path| json(store, &["verify"])["head_hash"].clone();
        let before = (kind == Step::Write).then(|| head(store));
        let mut all = vec!["--lang", "en", "--format", format];
        all.extend(&pinned);
        all.extend(args);
        let name = args
            .iter()
            .take_while(|a| !a.starts_with('-') && !a.contains('/') && !a.contains('.'))
            .take(2)
            .cloned()
            .collect::<Vec<_>>()
            .join(" ");
        covered.push(name);
        if kind == Step::Refused && (format == "text" || format == "json") {
            return;
        }
        let out = run(store, &all);
        assert!(
            kind != Step::Refused || out.code != 0,
            "gufen {all:?} was run in a format it should refuse"
        );
        if out.code == 0 {
            if let Err(problem) = is_form(format, &out.stdout) {
                panic!(
                    "gufen {all:?}: {problem}: {}",
                    String::from_utf8_lossy(&out.stdout)
                );
            }
            return;
        }
        assert_ne!(
            format, "text",
            "gufen {all:?} failed in text: {}",
            out.stderr
        );
        assert_eq!(out.code, 1, "gufen {all:?}: {}", out.stderr);
        assert!(
            out.stderr.contains(&format!("--format {format}")),
            "gufen {all:?} failed without naming the format: {}",
            out.stderr
        );
        assert!(out.stdout.is_empty(), "gufen {all:?} refused yet printed");
        // A renderer that fails after the write leaves the write recorded.
        if before.is_some_and(|before| before == head(store)) {
            let mut again = vec!["--format", "text"];
            again.extend(&pinned);
            again.extend(args);
            ok(store, &again);
        }
    };

    // `init` refused after it registered (a renderer that fails late) is not run again.
    step(
        Step::Own,
        &["init", "--charter", &charter, "--date", "2017-06-30"],
    );
    if run(&db, &["charter", "show"]).code != 0 {
        ok(
            &db,
            &["init", "--charter", &charter, "--date", "2017-06-30"],
        );
    }
    step(Step::Read, &["charter", "show"]);
    step(
        Step::Write,
        &[
            "member",
            "import",
            &roster,
            "--resolution",
            "2017-1",
            "--date",
            "2017-12-31",
        ],
    );
    step(
        Step::Write,
        &[
            "shares",
            "plan",
            "--resolution",
            "2017-2",
            "--total",
            "labor=0.5",
            "--date",
            "2017-12-31",
        ],
    );
    step(
        Step::Write,
        &[
            "shares",
            "allot",
            "--id",
            B,
            "--class",
            "labor",
            "--units",
            "0.5",
            "--resolution",
            "2017-2",
            "--date",
            "2017-12-31",
        ],
    );
    step(
        Step::Write,
        &[
            "household",
            "head",
            "--household",
            "001",
            "--id",
            A,
            "--date",
            "2017-12-31",
        ],
    );
    step(
        Step::Write,
        &[
            "member",
            "life-event",
            "--id",
            C,
            "--kind",
            "marriage",
            "--date",
            "2022-05-01",
        ],
    );
    step(
        Step::Write,
        &[
            "household",
            "move",
            "--id",
            B,
            "--to",
            "002",
            "--date",
            "2022-07-01",
        ],
    );
    step(
        Step::Write,
        &[
            "member",
            "confirm",
            "--id",
            D,
            "--name",
            "赵明",
            "--household",
            "002",
            "--resolution",
            "2022-2",
            "--date",
            "2022-08-01",
        ],
    );
    step(
        Step::Write,
        &[
            "hukou",
            "set",
            "--id",
            A,
            "--kind",
            "urban",
            "--locality",
            "郑州市金水区",
            "--date",
            "2022-09-01",
        ],
    );
    step(
        Step::Write,
        &[
            "representative",
            "elect",
            "--id",
            D,
            "--resolution",
            "2022-5",
            "--date",
            "2022-08-03",
        ],
    );
    step(
        Step::Write,
        &[
            "representative",
            "leave",
            "--id",
            D,
            "--resolution",
            "2022-6",
            "--date",
            "2022-08-04",
        ],
    );
    step(
        Step::Write,
        &[
            "distribution",
            "draft",
            "--year",
            "2025",
            "--income",
            "10000",
            "--losses",
            "1000",
            "--record-date",
            "2025-12-31",
            "--date",
            "2026-01-05",
        ],
    );
    step(
        Step::Write,
        &[
            "distribution",
            "notice",
            "--year",
            "2025",
            "--date",
            "2026-01-06",
        ],
    );
    step(
        Step::Write,
        &[
            "distribution",
            "approve",
            "--year",
            "2025",
            "--body",
            "members",
            "--for",
            "3",
            "--eligible",
            "3",
            "--resolution",
            "2026-1",
            "--date",
            "2026-01-22",
        ],
    );
    step(
        Step::Write,
        &[
            "distribution",
            "post",
            "--year",
            "2025",
            "--date",
            "2026-01-23",
        ],
    );
    step(
        Step::Write,
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
        ],
    );
    step(
        Step::Write,
        &[
            "distribution",
            "pay",
            "--year",
            "2025",
            "--file",
            &bank,
            "--date",
            "2026-02-02",
        ],
    );
    step(
        Step::Write,
        &[
            "shares",
            "pledge",
            "--id",
            A,
            "--units",
            "0.5",
            "--pledgee",
            "RCB",
            "--contract",
            "ZY-1",
            "--date",
            "2026-03-02",
        ],
    );
    step(
        Step::Write,
        &[
            "shares",
            "release",
            "--contract",
            "ZY-1",
            "--date",
            "2026-03-20",
        ],
    );
    step(
        Step::Write,
        &[
            "shares",
            "transfer",
            "--from",
            B,
            "--to",
            C,
            "--class",
            "basic",
            "--units",
            "0.5",
            "--price",
            "800",
            "--date",
            "2026-03-22",
        ],
    );
    step(
        Step::Write,
        &["death", "record", "--id", B, "--date", "2026-04-01"],
    );
    step(
        Step::Write,
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
    );
    let half_a = format!("{A}:1/2");
    let half_heir = format!("{HEIR}:1/2");
    step(
        Step::Write,
        &[
            "inherit",
            "--from",
            B,
            "--heir",
            &half_a,
            "--heir",
            &half_heir,
            "--date",
            "2026-05-01",
        ],
    );
    step(
        Step::Write,
        &[
            "shares",
            "redeem",
            "--id",
            HEIR,
            "--class",
            "basic",
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
    );
    step(
        Step::Write,
        &[
            "member",
            "exit",
            "--id",
            C,
            "--application",
            "2026-申请-1",
            "--resolution",
            "2026-4",
            "--date",
            "2026-07-01",
        ],
    );
    step(
        Step::Write,
        &[
            "member",
            "lose",
            "--id",
            A,
            "--reason",
            "other-collective",
            "--collective",
            OTHER_COLLECTIVE,
            "--date",
            "2026-08-01",
        ],
    );
    let log = json(&db, &["log", "--limit", "1000"]);
    let redeemed = log
        .as_array()
        .unwrap()
        .iter()
        .rfind(|r| r["type"] == "SharesRedeemedWithConsent")
        .expect("the redemption")["seq"]
        .to_string();
    step(
        Step::Write,
        &[
            "correct",
            "--seq",
            &redeemed,
            "--reason",
            "entry-error",
            "--date",
            "2026-08-02",
        ],
    );
    for args in [
        &["member", "show", "--id", A][..],
        &["member", "list"],
        &["history", "--id", A],
        &["representative", "list", "--as-of", "2022-08-03"],
        &["household", "certificate", "--household", "001"],
        &["register"],
        &["register", "--as-of", "2026-01-01"],
        &["distribution", "show", "--year", "2025"],
        &["distribution", "show", "--year", "2025", "--notice"],
        &["distribution", "owed"],
        &["log"],
        &["verify", "--replay"],
    ] {
        step(Step::Read, args);
    }
    // The accountant's desk: finding a person, bank accounts, the bank's files, the papers.
    step(Step::Read, &["member", "find", "--name", "李"]);
    step(
        Step::Write,
        &[
            "member",
            "bank",
            "--id",
            C,
            "--bank",
            "农商银行",
            "--account",
            "6228480012345678",
            "--date",
            "2026-09-01",
        ],
    );
    let accounts = g.write(
        "accounts.csv",
        &format!("身份证号,开户行,账号\n{A},农商银行,6228480012345670\n"),
    );
    step(
        Step::Write,
        &["member", "bank-import", &accounts, "--date", "2026-09-02"],
    );
    step(Step::Read, &["distribution", "sheet", "--year", "2025"]);
    let template = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/banks/rural-credit.toml"
    );
    let payfile = dir("payfile.csv");
    step(
        Step::Own,
        &[
            "distribution",
            "payfile",
            "--year",
            "2025",
            "--bank",
            template,
            "-o",
            &path(&payfile),
        ],
    );
    // The bank's answer: the batch file's lines, each paid.
    let bytes = std::fs::read(&payfile).unwrap();
    let (batch, _, _) = encoding_rs::GBK.decode(&bytes);
    let mut result = String::from("序号,户名,账号,金额,摘要,处理结果,流水号,失败原因\n");
    let lines: Vec<&str> = batch.lines().skip(1).filter(|l| !l.is_empty()).collect();
    assert!(!lines.is_empty(), "the batch file holds no line: {batch}");
    for (n, line) in lines.into_iter().enumerate() {
        result.push_str(&format!("{line},成功,YH{n:04},\n"));
    }
    let result_file = g.write(&format!("result-{format}.csv"), &result);
    step(
        Step::Write,
        &[
            "distribution",
            "payresult",
            "--year",
            "2025",
            "--bank",
            template,
            &result_file,
            "--date",
            "2026-09-03",
        ],
    );
    let transfer = log_seq(&db, "SharesTransferred");
    step(Step::Read, &["shares", "form", "--seq", &transfer]);
    step(Step::Read, &["charter", "template"]);
    step(Step::Read, &["completions", "bash"]);
    step(Step::Read, &["man"]);
    // Many commands on one open: each line prints in the shell's format, or refuses it.
    let commands = g.write("commands.txt", "verify\n");
    step(Step::Read, &["shell", &commands]);
    // The trust tools.
    step(
        Step::Write,
        &["config", "set", "signing-key", &log_key_path],
    );
    step(Step::Read, &["config", "show"]);
    step(Step::Read, &["checkpoint", "--sign", &log_key_path]);
    step(Step::Read, &["checkpoint", "--signed"]);
    step(Step::Read, &["proof", "inclusion", "--seq", "3"]);
    step(Step::Read, &["proof", "consistency", "--from", "3"]);
    step(
        Step::Own,
        &[
            "key",
            "generate",
            "--name",
            "clerk.example",
            "--out",
            &path(&new_key),
        ],
    );
    step(Step::Read, &["key", "show", &log_key_path]);
    step(Step::Own, &["export", "--out", &path(&export)]);
    ok(&db, &["export", "--out", bundle.to_str().unwrap()]);
    step(
        Step::Read,
        &["audit", bundle.to_str().unwrap(), "--trust", &vkey],
    );
    step(
        Step::Own,
        &["statement", "--id", D, "--out", &path(&statement)],
    );
    ok(
        &db,
        &[
            "statement",
            "--id",
            D,
            "--out",
            statement_setup.to_str().unwrap(),
        ],
    );
    step(
        Step::Read,
        &[
            "audit",
            "statement",
            statement_setup.to_str().unwrap(),
            "--trust",
            &vkey,
        ],
    );
    let signed = json(&db, &["checkpoint", "--signed"]);
    std::fs::write(&checkpoint_note, signed["note"].as_str().unwrap()).unwrap();
    let note = checkpoint_note.to_str().unwrap();
    let store = db.to_str().unwrap();
    step(
        Step::Own,
        &[
            "witness",
            "cosign",
            "--key",
            &witness_key_path,
            "--checkpoint",
            note,
            "--log-key",
            &vkey,
            "--from",
            store,
            "--state",
            &path(&witness_state),
        ],
    );
    step(
        Step::Own,
        &[
            "witness",
            "cosign",
            "--key",
            &witness_key_path,
            "--checkpoint",
            note,
            "--log-key",
            &vkey,
            "--from",
            store,
            "--state",
            &path(&witness_state_out),
            "--out",
            &path(&cosigned),
        ],
    );
    step(
        Step::Refused,
        &[
            "publish",
            "--to",
            "s3://village-logs/township",
            "--endpoint",
            "http://127.0.0.1:9",
        ],
    );
    step(Step::Write, &["config", "unset", "signing-key"]);
    step(Step::Own, &["sample", "roster", "--persons", "3"]);
    // The demo builds its village in the store it is given: a fresh one.
    step(
        Step::Own,
        &[
            "--db",
            &path(&demo_db),
            "demo",
            "--members",
            "30",
            "--years",
            "1",
        ],
    );
    // The township: a second collective in the store (from here on every command names its
    // collective), a member moved to it, the report and the duplicates of both.
    let neighbour = g.write(
        &format!("neighbour-{format}.toml"),
        &std::fs::read_to_string(&charter)
            .unwrap()
            .replace("N2410183MF0000001Y", OTHER_COLLECTIVE)
            .replace("溱水村", "邻村"),
    );
    ok(
        &db,
        &["init", "--charter", &neighbour, "--date", "2017-06-30"],
    );
    step(Step::Read, &["township", "report"]);
    step(Step::Read, &["township", "report", "--year", "2025"]);
    step(
        Step::Own,
        &[
            "township",
            "move",
            "--id",
            D,
            "--from",
            "N2410183MF0000001Y",
            "--to",
            OTHER_COLLECTIVE,
            "--household",
            "001",
            "--resolution",
            "2026-9",
            "--date",
            "2026-09-10",
        ],
    );
    step(Step::Read, &["township", "duplicates"]);
    covered
}

/// (f) `-o FILE` writes the whole document into FILE (the same bytes as standard output) and
/// prints nothing; an existing file is replaced whole.
#[test]
fn dash_o_writes_the_whole_file_and_prints_nothing() {
    let g = formula_village();
    let db = g.db();
    for (format, args) in [
        ("csv", &["register"][..]),
        ("text", &["register"]),
        ("json", &["member", "list"]),
        ("csv", &["charter", "show"]),
        ("text", &["sample", "roster", "--persons", "5"]),
        ("csv", &["sample", "roster", "--persons", "5"]),
    ] {
        let file = g.path(&format!("out.{format}"));
        std::fs::write(
            &file,
            "an older, longer file that must not survive in part ".repeat(100),
        )
        .unwrap();
        let mut all = vec!["--format", format];
        all.extend(args);
        let printed = ok(&db, &all);
        all.extend(["-o", file.to_str().unwrap()]);
        let out = ok(&db, &all);
        assert!(
            out.is_empty(),
            "{all:?} printed {}",
            String::from_utf8_lossy(&out)
        );
        assert_eq!(std::fs::read(&file).unwrap(), printed, "{all:?}");
    }
    // A workbook too (its bytes carry the time it was made, so it is read back).
    let file = g.path("register.xlsx");
    let out = ok(
        &db,
        &["--format", "xlsx", "-o", file.to_str().unwrap(), "register"],
    );
    assert!(out.is_empty());
    sheet(&std::fs::read(&file).unwrap()).has_no_formula();
    // A roster written with -o in CSV (with its BOM) is one `member import` reads.
    let roster = g.path("roster-out.csv");
    ok(
        &db,
        &[
            "--format",
            "csv",
            "-o",
            roster.to_str().unwrap(),
            "sample",
            "roster",
            "--persons",
            "4",
            "--seed",
            "7",
        ],
    );
    assert!(std::fs::read(&roster)
        .unwrap()
        .starts_with("\u{FEFF}id,".as_bytes()));
    let fresh = Gufen::new();
    let charter = loose_charter(&fresh);
    ok(
        &fresh.db(),
        &["init", "--charter", &charter, "--date", "2017-06-30"],
    );
    ok(
        &fresh.db(),
        &[
            "member",
            "import",
            roster.to_str().unwrap(),
            "--resolution",
            "2017-1",
            "--date",
            "2017-12-31",
        ],
    );
}

/// (f) A failing `-o` (its directory missing) is refused before any work: no file, no partial
/// file, and a write is not recorded.
#[test]
fn a_failing_dash_o_leaves_no_file_and_records_nothing() {
    let g = formula_village();
    let db = g.db();
    let head = |db: &Path| json(db, &["verify"])["head_hash"].clone();
    let before = head(&db);
    let missing = g.path("missing").join("member.xlsx");
    for format in ["text", "csv", "xlsx"] {
        let out = run(
            &db,
            &[
                "--lang",
                "en",
                "--format",
                format,
                "-o",
                missing.to_str().unwrap(),
                "member",
                "confirm",
                "--id",
                common::A,
                "--name",
                "张小丽",
                "--household",
                "00003",
                "--resolution",
                "2018-2",
                "--date",
                "2018-03-02",
            ],
        );
        assert_eq!(out.code, 1, "{}", out.stderr);
        assert!(out.stderr.contains("does not exist"), "{}", out.stderr);
        assert!(out.stdout.is_empty());
        assert!(!missing.exists() && !g.path("missing").exists());
        assert_eq!(head(&db), before, "the write was recorded");
    }
    // A read into a directory that is there but a file name that is a directory.
    let out = run(
        &db,
        &[
            "--lang",
            "en",
            "-o",
            g.dir.path().to_str().unwrap(),
            "register",
        ],
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.contains("is a directory"), "{}", out.stderr);
    // Nothing partial is left beside the files written.
    let leftovers: Vec<_> = std::fs::read_dir(g.dir.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".partial"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// A workbook is never written onto a terminal: the refusal says to give `-o FILE`. Run under
/// `script`, which gives the command a terminal.
#[test]
fn a_workbook_onto_a_terminal_is_refused_with_the_way_out() {
    let g = formula_village();
    let shell = format!(
        "GUFEN_NOW={} '{}' --db '{}' --lang en --format xlsx register",
        common::NOW,
        env!("CARGO_BIN_EXE_gufen"),
        g.db().display()
    );
    let output = std::process::Command::new("script")
        .args(["-qec", &shell, "/dev/null"])
        .output()
        .unwrap();
    let printed = String::from_utf8_lossy(&output.stdout);
    assert!(!output.status.success(), "{printed}");
    assert!(printed.contains("-o FILE"), "{printed}");
    assert!(!printed.contains("PK"), "{printed}");
}

/// The first member of fixtures/roster-600.csv, and the ID as documents show it.
const SAMPLE_FIRST: &str = "410183195202210053";
const SAMPLE_FIRST_MASKED: &str = "410183********0053";

/// A history's sheet is named after the masked ID with every `*` kept visible (Excel forbids
/// `*` in a sheet name; dropping them made `4101830053`, another number), within 31 characters.
#[test]
fn a_history_sheet_keeps_the_masked_ids_stars_visible() {
    let g = sample_village();
    let db = g.db();
    for lang in ["zh", "en"] {
        let workbook = sheet(&ok(
            &db,
            &[
                "--lang",
                lang,
                "--format",
                "xlsx",
                "history",
                "--id",
                SAMPLE_FIRST,
            ],
        ));
        let starred = SAMPLE_FIRST_MASKED.replace('*', "＊");
        assert!(
            workbook.name.contains(&starred),
            "{lang}: {}",
            workbook.name
        );
        assert!(workbook.name.chars().count() <= 31, "{}", workbook.name);
        assert!(text(workbook.cell(0, 0)).contains(SAMPLE_FIRST_MASKED));
    }
}

/// `distribution owed` as a workbook says what it is: a sheet named for the unpaid dividends,
/// a title with the day it was drawn up, then the table (it was a bare `Sheet1` of rows).
#[test]
fn the_owed_workbook_has_a_title_and_a_named_sheet() {
    let g = sample_village();
    let db = g.db();
    common::post_distribution_2025(&db);
    for (lang, name, title) in [
        ("zh", "未付分红", "未付分红（截至 2026-12-31）"),
        (
            "en",
            "unpaid dividends",
            "unpaid dividends (as of 2026-12-31)",
        ),
    ] {
        let args = ["--lang", lang, "--format", "xlsx", "distribution", "owed"];
        let workbook = sheet(&ok(&db, &args));
        assert_eq!(workbook.name, name);
        assert_eq!(text(workbook.cell(0, 0)), title);
        let header = workbook.row_of(if lang == "zh" { "年度" } else { "year" });
        assert!(header > 0, "the table is below the title");
        assert_eq!(number(workbook.cell(header + 1, 0)), 2025.0);
        let plain = String::from_utf8(ok(&db, &["--lang", lang, "distribution", "owed"])).unwrap();
        assert_eq!(
            plain.lines().next(),
            Some(title),
            "the text has the heading too"
        );
    }
    let owed = json(&db, &["distribution", "owed"]);
    assert_eq!(owed["as_of"], "2026-12-31");
}

/// A change form's particulars in a workbook: the date a date cell, the units a number, the
/// price yuan to the fen shown with two decimals (they were text); the labels and the words
/// (the kind, the collective) stay text, and the text still prints the values as written.
#[test]
fn the_form_workbook_types_its_date_units_and_price() {
    let g = sample_village();
    let db = g.db();
    let second = "410183196308011305";
    ok(
        &db,
        &[
            "shares",
            "transfer",
            "--from",
            SAMPLE_FIRST,
            "--to",
            second,
            "--class",
            "basic",
            "--units",
            "0.5",
            "--price",
            "800",
            "--date",
            "2026-03-22",
        ],
    );
    let seq = log_seq(&db, "SharesTransferred");
    let form = ["--lang", "zh", "shares", "form", "--seq", seq.as_str()];
    let workbook = sheet(&ok(&db, &[&["--format", "xlsx"][..], &form].concat()));
    let date = workbook.row_of("变更日期");
    match workbook.cell(date, 1) {
        Data::DateTime(cell) => assert_eq!(
            cell.as_datetime().map(|d| d.date().to_string()),
            Some("2026-03-22".into())
        ),
        other => panic!("the date is {other:?}"),
    }
    assert_eq!(workbook.number_format(date, 1), "yyyy-mm-dd");
    units(workbook.cell(workbook.row_of("变动股数"), 1), 5_000);
    let price = workbook.row_of("价款（元）");
    assert_eq!(number(workbook.cell(price, 1)), 800.0);
    assert_eq!(workbook.number_format(price, 1), "0.00");
    assert_eq!(
        text(workbook.cell(workbook.row_of("登记记录号"), 1)),
        format!("#{seq}")
    );
    workbook.has_no_formula();
    let plain = String::from_utf8(ok(&db, &form)).unwrap();
    for line in [
        "变更日期: 2026-03-22",
        "变动股数: 0.5",
        "价款（元）: 800.00",
    ] {
        assert!(plain.lines().any(|l| l == line), "{line} in {plain}");
    }
}

/// The log's time of recording in a workbook is a date-time in China Standard Time (the text
/// prints it in UTC, `…Z`), so filtering by day finds a record made at 01:30 in the village on
/// the day it was made there, not the UTC day before; the header names the zone.
#[test]
fn the_log_workbook_writes_the_recorded_time_in_china_standard_time() {
    let g = sample_village();
    let db = g.db();
    let written = common::command(&db)
        .env("GUFEN_NOW", "2026-01-04T17:30:05Z")
        .args([
            "shares",
            "transfer",
            "--from",
            SAMPLE_FIRST,
            "--to",
            "410183196308011305",
            "--class",
            "basic",
            "--units",
            "0.5",
            "--price",
            "800",
            "--date",
            "2026-01-04",
        ])
        .output()
        .unwrap();
    assert!(written.status.success(), "{written:?}");
    let seq = log_seq(&db, "SharesTransferred");
    let args = [
        "--lang",
        "zh",
        "--format",
        "xlsx",
        "log",
        "--from",
        seq.as_str(),
    ];
    let workbook = sheet(&ok(&db, &args));
    let header = workbook.row_of("序号");
    assert_eq!(text(workbook.cell(header, 4)), "记录时间 (UTC+8)");
    match workbook.cell(header + 1, 4) {
        Data::DateTime(cell) => assert_eq!(
            cell.as_datetime().map(|d| d.to_string()),
            Some("2026-01-05 01:30:05".into())
        ),
        other => panic!("the time of recording is {other:?}"),
    }
    assert_eq!(workbook.number_format(header + 1, 4), "yyyy-mm-dd hh:mm:ss");
    let plain = String::from_utf8(ok(&db, &["log", "--from", seq.as_str()])).unwrap();
    assert!(plain.contains("2026-01-04T17:30:05Z"), "{plain}");
}

/// (f) `-o` into a directory that is there but takes no new file (read-only, or permission
/// denied) was found out only after the write was recorded, reporting as failed a write that
/// had landed. It is refused before any work: the head is unchanged and nothing is left. Where
/// the tests run as root (which writes into a read-only directory all the same), `/proc` stands
/// in: a directory no one can create a file in.
#[test]
fn dash_o_in_a_directory_that_takes_no_file_is_refused_before_the_write() {
    use std::os::unix::fs::PermissionsExt as _;
    let g = formula_village();
    let db = g.db();
    let head = |db: &Path| json(db, &["verify"])["head_hash"].clone();
    let before = head(&db);
    let locked = g.path("locked");
    std::fs::create_dir(&locked).unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o555)).unwrap();
    let probe = locked.join("probe");
    let unwritable = if std::fs::File::create(&probe).is_ok() {
        std::fs::remove_file(&probe).unwrap();
        Path::new("/proc").join("gufen-member.csv")
    } else {
        locked.join("member.csv")
    };
    let out = run(
        &db,
        &[
            "--lang",
            "en",
            "-o",
            unwritable.to_str().unwrap(),
            "member",
            "confirm",
            "--id",
            common::A,
            "--name",
            "张小丽",
            "--household",
            "00003",
            "--resolution",
            "2018-2",
            "--date",
            "2018-03-02",
        ],
    );
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("a file cannot be created in the directory")
            && out.stderr.contains("nothing was done"),
        "{}",
        out.stderr
    );
    assert!(out.stdout.is_empty());
    assert!(!unwritable.exists());
    assert_eq!(head(&db), before, "the write was recorded");
    assert_eq!(std::fs::read_dir(&locked).unwrap().count(), 0);
}
