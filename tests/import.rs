//! The files accountants bring to `member import` and `distribution pay --file`: the same rows
//! as a GBK CSV with Chinese headers, a UTF-8 CSV in another column order, an XLSX workbook and
//! UTF-16 tab text must give the same register as the plain CSV; full-width digits and a class
//! by its charter name are read; a numeric ID cell, an unknown header and a bad row are refused
//! naming their cell or line and column, and every refusal leaves the ledger unchanged.

mod common;

use common::{fixture, init_sample, post_distribution_2025, Gufen, A, B};
use rust_xlsxwriter::Workbook;

/// The first rows of fixtures/roster-600.csv: id, name, household, class, units.
fn sample_rows(count: usize) -> Vec<[String; 5]> {
    let text = std::fs::read_to_string(fixture("roster-600.csv")).unwrap();
    text.lines()
        .skip(1)
        .take(count)
        .map(|line| {
            let cells: Vec<String> = line.split(',').map(str::to_string).collect();
            cells.try_into().unwrap()
        })
        .collect()
}

const ROWS: usize = 30;

/// A column as (header, index into a sample row).
type Layout = [(&'static str, usize)];

/// The rows under a header in the given column order, each column's cell from `cell`.
fn table(layout: &Layout, rows: &[[String; 5]]) -> Vec<Vec<String>> {
    let mut table = vec![layout.iter().map(|(h, _)| h.to_string()).collect()];
    for row in rows {
        table.push(layout.iter().map(|(_, i)| row[*i].clone()).collect());
    }
    table
}

fn joined(table: &[Vec<String>], separator: &str, newline: &str) -> String {
    table
        .iter()
        .map(|row| row.join(separator))
        .collect::<Vec<_>>()
        .join(newline)
        + newline
}

const ENGLISH: &Layout = &[
    ("id", 0),
    ("name", 1),
    ("household", 2),
    ("class", 3),
    ("units", 4),
];
const CHINESE: &Layout = &[
    ("身份证号", 0),
    ("姓名", 1),
    ("户号", 2),
    ("股种", 3),
    ("股数", 4),
];

impl Gufen {
    /// The sample charter registered with the cap raised, for a village of a few rows.
    fn charter_only() -> Self {
        let g = Gufen::new();
        let text = std::fs::read_to_string(fixture("charter.toml"))
            .unwrap()
            .replace(
                "holding_cap_percent = \"3\"",
                "holding_cap_percent = \"100\"",
            );
        let charter = g.write("charter.toml", &text);
        g.ok(&["init", "--charter", &charter, "--date", "2017-06-30"]);
        g
    }

    fn write_bytes(&self, name: &str, bytes: &[u8]) -> String {
        let path = self.path(name);
        std::fs::write(&path, bytes).unwrap();
        path.to_str().unwrap().to_string()
    }

    fn import_args<'a>(file: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
        let mut args = vec!["--lang", "en"];
        args.extend_from_slice(&[
            "member",
            "import",
            file,
            "--resolution",
            "2017-1",
            "--date",
            "2017-12-31",
        ]);
        args.extend_from_slice(extra);
        args
    }

    fn import(&self, file: &str, extra: &[&str]) {
        self.ok(&Self::import_args(file, extra));
    }

    fn register(&self) -> serde_json::Value {
        serde_json::from_str(&self.ok(&["--format", "json", "register"])).unwrap()
    }

    fn head(&self) -> String {
        let v: serde_json::Value =
            serde_json::from_str(&self.ok(&["--format", "json", "verify"])).unwrap();
        v["head_hash"].as_str().unwrap().to_string()
    }

    /// Runs an import that must be refused (exit 1), naming each of `expected`, the ledger
    /// unchanged and no whole ID printed. Returns stderr.
    fn refused_import(&self, file: &str, expected: &[&str]) -> String {
        let before = self.head();
        let run = self.run(&Self::import_args(file, &[]));
        assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
        for text in expected {
            assert!(run.stderr.contains(text), "{text:?} not in {}", run.stderr);
        }
        assert!(
            common::other_ids(&run.stderr, "").is_empty(),
            "a whole ID in {}",
            run.stderr
        );
        assert_eq!(self.head(), before, "the refused import changed the ledger");
        run.stderr
    }
}

/// The register after importing `file` into a fresh village.
fn register_of(name: &str, bytes: &[u8], extra: &[&str]) -> serde_json::Value {
    let g = Gufen::charter_only();
    let file = g.write_bytes(name, bytes);
    g.import(&file, extra);
    g.register()
}

/// The register of the plain CSV of `rows`.
fn plain_register(rows: &[[String; 5]]) -> serde_json::Value {
    let plain = joined(&table(ENGLISH, rows), ",", "\n");
    let register = register_of("plain.csv", plain.as_bytes(), &[]);
    assert_eq!(register["holders"].as_array().unwrap().len(), rows.len());
    register
}

/// An XLSX of `table`, every cell a string except where `number` gives a number.
fn workbook(table: &[Vec<String>], number: impl Fn(usize, usize) -> Option<f64>) -> Vec<u8> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    for (r, row) in table.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            match number(r, c) {
                Some(value) => sheet.write_number(r as u32, c as u16, value).unwrap(),
                None => sheet.write_string(r as u32, c as u16, cell).unwrap(),
            };
        }
    }
    workbook.save_to_buffer().unwrap()
}

#[test]
fn every_kind_of_file_gives_the_same_register_as_the_plain_csv() {
    let rows = sample_rows(ROWS);
    let expected = plain_register(&rows);

    // (a) GBK (Excel's "CSV (逗号分隔)" on Chinese Windows) with Chinese headers, detected.
    let text = joined(&table(CHINESE, &rows), ",", "\r\n");
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(&text);
    assert!(!unmappable);
    assert!(std::str::from_utf8(&gbk).is_err(), "the file is really GBK");
    assert_eq!(register_of("gbk.csv", &gbk, &[]), expected, "GBK CSV");
    assert_eq!(
        register_of("gbk.csv", &gbk, &["--encoding", "gb18030"]),
        expected,
        "GBK CSV read as GB18030"
    );

    // (b) UTF-8 with a BOM, other header names in another order, a serial-number column read
    // past.
    let other: &Layout = &[
        ("序号", 0),
        ("股数", 4),
        ("名字", 1),
        ("股份类别", 3),
        ("户编号", 2),
        ("公民身份号码", 0),
    ];
    let mut numbered = table(other, &rows);
    for (index, row) in numbered.iter_mut().enumerate().skip(1) {
        row[0] = index.to_string();
    }
    let text = format!("\u{FEFF}{}", joined(&numbered, ",", "\n"));
    assert_eq!(
        register_of("utf8.csv", text.as_bytes(), &[]),
        expected,
        "UTF-8 CSV"
    );

    // (c) An XLSX workbook with the IDs as text and the units as numbers, under a title row.
    let mut titled = vec![vec!["溱水村股份经济合作社成员名册".to_string()]];
    titled.extend(table(CHINESE, &rows));
    let bytes = workbook(&titled, |r, c| {
        (r >= 2 && c == 4).then(|| titled[r][c].parse::<f64>().unwrap())
    });
    assert_eq!(register_of("roster.xlsx", &bytes, &[]), expected, "XLSX");

    // (d) UTF-16 tab-separated text (Excel's "Unicode 文本").
    let text = joined(&table(CHINESE, &rows), "\t", "\r\n");
    let mut utf16 = vec![0xFF, 0xFE];
    for unit in text.encode_utf16() {
        utf16.extend(unit.to_le_bytes());
    }
    assert_eq!(
        register_of("roster.txt", &utf16, &[]),
        expected,
        "UTF-16 text"
    );
}

#[test]
fn full_width_digits_and_a_class_by_its_name_are_read() {
    let rows = sample_rows(4);
    let expected = plain_register(&rows);
    let full_width = |text: &str| -> String {
        text.chars()
            .map(|c| match c {
                '!'..='~' => char::from_u32(c as u32 + 0xFEE0).unwrap(),
                _ => c,
            })
            .collect()
    };
    let typed: Vec<[String; 5]> = rows
        .iter()
        .map(|[id, name, household, class, units]| {
            let class = match class.as_str() {
                "basic" => "人口股".to_string(),
                other => other.to_string(),
            };
            [
                full_width(id),
                format!(" {name}　"),
                full_width(household),
                class,
                full_width(units),
            ]
        })
        .collect();
    assert!(typed[0][0].starts_with('４'));
    let text = joined(&table(CHINESE, &typed), ",", "\n");
    assert_eq!(register_of("typed.csv", text.as_bytes(), &[]), expected);
}

#[test]
fn an_unknown_class_lists_the_charters_codes_and_names() {
    let g = Gufen::charter_only();
    let mut rows = sample_rows(3);
    rows[1][3] = "金股".into();
    let file = g.write("gold.csv", &joined(&table(CHINESE, &rows), ",", "\n"));
    g.refused_import(
        &file,
        &[
            "line 3: R6: share class \"金股\" is not in the charter",
            "basic (人口股), labor (农龄股)",
            "[股种]",
        ],
    );
}

#[test]
fn a_numeric_id_cell_is_refused_naming_its_cell() {
    let g = Gufen::charter_only();
    let rows = sample_rows(4);
    let layout: &Layout = &[
        ("姓名", 1),
        ("身份证号", 0),
        ("户号", 2),
        ("股种", 3),
        ("股数", 4),
    ];
    let cells = table(layout, &rows);
    // Excel turns an 18-digit ID typed into a general cell into 4.10183E+17.
    let bytes = workbook(&cells, |r, c| {
        (r == 2 && c == 1).then(|| cells[r][c].parse::<f64>().unwrap())
    });
    let file = g.write_bytes("numeric.xlsx", &bytes);
    let stderr = g.refused_import(
        &file,
        &[
            "B3 (身份证号): the cell is stored as a number",
            "format the column as text (文本)",
            "nothing was written",
        ],
    );
    assert!(!stderr.contains("B2") && !stderr.contains("B4"), "{stderr}");
    // In Chinese (the default language) too.
    let run = common::gufen_in_default_language(
        &g.db(),
        &[
            "member",
            "import",
            &file,
            "--resolution",
            "2017-1",
            "--date",
            "2017-12-31",
        ],
    );
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("B3（身份证号）：该单元格存成了数字")
            && run.stderr.contains("文本格式"),
        "{}",
        run.stderr
    );
}

#[test]
fn an_unknown_header_is_refused_and_serial_numbers_and_remarks_are_read_past() {
    let g = Gufen::charter_only();
    let rows = sample_rows(2);
    let layout: &Layout = &[("身份证号", 0), ("姓名", 1), ("户号", 2), ("银行账号", 2)];
    let file = g.write("account.csv", &joined(&table(layout, &rows), ",", "\n"));
    g.refused_import(
        &file,
        &[
            "line 1, column 4 (银行账号): not a column of a roster",
            "docs/import.md",
        ],
    );
    // The same in a workbook names the cell.
    let bytes = workbook(&table(layout, &rows), |_, _| None);
    let file = g.write_bytes("account.xlsx", &bytes);
    g.refused_import(&file, &["D1 (银行账号): not a column of a roster"]);
    // 序号 and 备注 are read past.
    let layout: &Layout = &[
        ("序号", 2),
        ("身份证号", 0),
        ("姓名", 1),
        ("户号", 2),
        ("备注", 1),
    ];
    let file = g.write("remarks.csv", &joined(&table(layout, &rows), ",", "\n"));
    g.import(&file, &[]);
    let members: serde_json::Value =
        serde_json::from_str(&g.ok(&["--format", "json", "member", "list"])).unwrap();
    assert_eq!(members["count"], 2);
}

#[test]
fn every_refused_row_is_named_by_line_or_cell_and_column() {
    let g = Gufen::charter_only();
    let mut rows = sample_rows(5);
    // A wrong check character on the second row, bad units on the fourth.
    rows[1][0] = format!(
        "{}{}",
        &rows[1][0][..17],
        if rows[1][0].ends_with('1') { '2' } else { '1' }
    );
    rows[3][4] = "1.2.3".into();
    let layout: &Layout = &[
        ("股数", 4),
        ("身份证号", 0),
        ("姓名", 1),
        ("户号", 2),
        ("股种", 3),
    ];
    let file = g.write("bad.csv", &joined(&table(layout, &rows), ",", "\n"));
    g.refused_import(
        &file,
        &[
            "2 row(s) of",
            "bad.csv refused",
            "line 3: R5: citizen ID",
            "has a wrong check character",
            "(GB 11643) [身份证号]",
            "line 5: input: units:",
            "[股数]",
        ],
    );
    let cells = table(layout, &rows);
    let bytes = workbook(&cells, |_, _| None);
    let file = g.write_bytes("bad.xlsx", &bytes);
    g.refused_import(
        &file,
        &[
            "bad.xlsx refused",
            "B3: R5: citizen ID",
            "(GB 11643) [身份证号]",
            "A5: input: units:",
        ],
    );
    // The rows refused by the reader itself are all listed too, by line and column.
    let file = g.write(
        "short.csv",
        &format!("身份证号,姓名,户号\n{A},孙云\n{B},孙娟,00001,extra\n"),
    );
    g.refused_import(
        &file,
        &[
            "2 row(s) of",
            "line 2: expected at least 3 columns under the header, found 2 columns",
            "line 3, column 4: a value under no header",
        ],
    );
}

#[test]
fn a_payment_file_with_chinese_headers_in_gbk_or_a_workbook_is_read() {
    let g = Gufen::sample_village("2017-1");
    post_distribution_2025(&g.db());
    let pay = |file: &str, extra: &[&str]| {
        let mut args = vec![
            "--lang",
            "en",
            "distribution",
            "pay",
            "--year",
            "2025",
            "--file",
            file,
            "--date",
            "2026-02-01",
        ];
        args.extend_from_slice(extra);
        g.run(&args)
    };
    let text = format!("姓名,身份证号,银行流水号\n孙云,{A},ＢＫ００１\n");
    let (gbk, _, _) = encoding_rs::GBK.encode(&text);
    let file = g.write_bytes("bank.csv", &gbk);
    let run = pay(&file, &["--encoding", "gbk"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // A bank reference longer than a number keeps, typed into a number cell, is refused.
    let cells = vec![
        vec!["交易流水号".to_string(), "证件号码".to_string()],
        vec!["20260201000000000002".to_string(), B.to_string()],
    ];
    let bytes = workbook(&cells, |r, c| (r == 1 && c == 0).then_some(2.0260201e19));
    let file = g.write_bytes("bank.xlsx", &bytes);
    let before = g.head();
    let run = pay(&file, &[]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(run.stderr.contains("A2 (交易流水号)"), "{}", run.stderr);
    assert_eq!(g.head(), before);
    // As text it is read, and B is paid.
    let bytes = workbook(&cells, |_, _| None);
    let file = g.write_bytes("bank-text.xlsx", &bytes);
    let run = pay(&file, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let plan: serde_json::Value = serde_json::from_str(&g.ok(&[
        "--format",
        "json",
        "distribution",
        "show",
        "--year",
        "2025",
    ]))
    .unwrap();
    let paid = plan["lines"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|line| line["paid"] == true)
        .count();
    assert_eq!(paid, 2, "{plan}");
}

/// A sheet of a workbook: its name, whether it is hidden, its cells (all strings).
type SheetSpec<'a> = (&'a str, bool, Vec<Vec<String>>);

/// An XLSX of several sheets, every cell a string.
fn workbook_of(sheets: &[SheetSpec]) -> Vec<u8> {
    let mut workbook = Workbook::new();
    let active = sheets.iter().position(|(_, hidden, _)| !hidden).unwrap();
    for (index, (name, hidden, table)) in sheets.iter().enumerate() {
        let sheet = workbook.add_worksheet();
        sheet.set_name(*name).unwrap();
        if index == active {
            sheet.set_active(true);
        }
        if *hidden {
            sheet.set_hidden(true);
        }
        for (r, row) in table.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                sheet.write_string(r as u32, c as u16, cell).unwrap();
            }
        }
    }
    workbook.save_to_buffer().unwrap()
}

fn lines(texts: &[&str]) -> Vec<Vec<String>> {
    texts.iter().map(|t| vec![t.to_string()]).collect()
}

#[test]
fn the_first_visible_sheet_with_a_header_is_read_and_sheet_chooses_another() {
    let rows = sample_rows(6);
    let (hidden_rows, roster_rows) = rows.split_at(2);
    let expected = plain_register(roster_rows);
    let bytes = workbook_of(&[
        ("旧名册", true, table(CHINESE, hidden_rows)),
        ("空表", false, vec![]),
        (
            "填表说明",
            false,
            lines(&["填表说明", "1. 身份证号请填 18 位", "2. 户号 5 位"]),
        ),
        ("成员名册", false, table(CHINESE, roster_rows)),
    ]);
    assert_eq!(register_of("sheets.xlsx", &bytes, &[]), expected);
    // --sheet reads the sheet named, hidden or not.
    let hidden = plain_register(hidden_rows);
    assert_eq!(
        register_of("sheets.xlsx", &bytes, &["--sheet", "旧名册"]),
        hidden
    );
    // A sheet that is not there, and a workbook with no sheet that fits, are refused naming the
    // sheets found.
    let g = Gufen::charter_only();
    let file = g.write_bytes("sheets.xlsx", &bytes);
    let run = g.run(&Gufen::import_args(&file, &["--sheet", "名册"]));
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stderr
            .contains("has no sheet named \"名册\"; sheets: 旧名册 (hidden), 空表 (empty), 填表说明, 成员名册"),
        "{}",
        run.stderr
    );
    let bytes = workbook_of(&[
        ("旧名册", true, table(CHINESE, hidden_rows)),
        (
            "填表说明",
            false,
            lines(&["填表说明", "1. 身份证号请填 18 位"]),
        ),
        ("Sheet3", false, vec![]),
    ]);
    let file = g.write_bytes("none.xlsx", &bytes);
    g.refused_import(
        &file,
        &[
            "no visible sheet has a header row gufen reads (with the columns id, name, household)",
            "sheets: 旧名册 (hidden), 填表说明, Sheet3 (empty)",
            "--sheet NAME",
        ],
    );
    // In Chinese (the default language) too.
    let run = common::gufen_in_default_language(
        &g.db(),
        &[
            "member",
            "import",
            &file,
            "--resolution",
            "2017-1",
            "--date",
            "2017-12-31",
        ],
    );
    assert!(
        run.stderr
            .contains("工作表：旧名册（隐藏）、填表说明、Sheet3（空）"),
        "{}",
        run.stderr
    );
    // A text file has no sheets to choose.
    let csv = g.write(
        "plain.csv",
        &joined(&table(ENGLISH, roster_rows), ",", "\n"),
    );
    let run = g.run(&Gufen::import_args(&csv, &["--sheet", "成员名册"]));
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("is a text file"), "{}", run.stderr);
}

#[test]
fn a_duplicate_names_the_first_row_by_its_line_or_cell() {
    let g = Gufen::charter_only();
    let mut rows = sample_rows(4);
    rows[3] = rows[1].clone();
    let file = g.write("twice.csv", &joined(&table(CHINESE, &rows), ",", "\n"));
    g.refused_import(
        &file,
        &["line 5: input: ID 410183********1305 also appears on line 3 [身份证号]"],
    );
    let run = common::gufen_in_default_language(
        &g.db(),
        &[
            "member",
            "import",
            &file,
            "--resolution",
            "2017-1",
            "--date",
            "2017-12-31",
        ],
    );
    assert!(
        run.stderr
            .contains("第 5 行（身份证号）：输入有误：身份证号 410183********1305 也出现在第 3 行"),
        "{}",
        run.stderr
    );
    let bytes = workbook(&table(CHINESE, &rows), |_, _| None);
    let file = g.write_bytes("twice.xlsx", &bytes);
    g.refused_import(
        &file,
        &["A5: input: ID 410183********1305 also appears on A3 [身份证号]"],
    );
    // A payment file the same.
    let g = Gufen::sample_village("2017-1");
    post_distribution_2025(&g.db());
    let file = g.write(
        "bank.csv",
        &format!("序号,身份证号,流水号\n1,{A},BK1\n2,{B},BK2\n3,{A},BK3\n"),
    );
    let run = g.run(&[
        "--lang",
        "en",
        "distribution",
        "pay",
        "--year",
        "2025",
        "--file",
        &file,
        "--date",
        "2026-02-01",
    ]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stderr
            .contains("line 4: input: ID 410183********0053 is also paid on line 2 [身份证号]"),
        "{}",
        run.stderr
    );
}

/// The sample charter with its `人口股` named as some charters name a class, with full-width
/// brackets.
fn bracketed_charter() -> Gufen {
    let g = Gufen::new();
    let text = std::fs::read_to_string(fixture("charter.toml"))
        .unwrap()
        .replace(
            "holding_cap_percent = \"3\"",
            "holding_cap_percent = \"100\"",
        )
        .replace("name = \"人口股\"", "name = \"集体积累股（原始积累贡献）\"");
    let charter = g.write("charter.toml", &text);
    g.ok(&["init", "--charter", &charter, "--date", "2017-06-30"]);
    g
}

#[test]
fn a_class_named_with_full_width_brackets_is_read_by_its_charter_name() {
    let rows = sample_rows(4);
    let expected = {
        let g = bracketed_charter();
        let file = g.write("plain.csv", &joined(&table(ENGLISH, &rows), ",", "\n"));
        g.import(&file, &[]);
        g.register()
    };
    for name in ["集体积累股（原始积累贡献）", "集体积累股(原始积累贡献)"] {
        let named: Vec<[String; 5]> = rows
            .iter()
            .map(|row| {
                let mut row = row.clone();
                if row[3] == "basic" {
                    row[3] = name.to_string();
                }
                row
            })
            .collect();
        assert!(named.iter().any(|row| row[3] == name));
        let g = bracketed_charter();
        let file = g.write("named.csv", &joined(&table(CHINESE, &named), ",", "\n"));
        g.import(&file, &[]);
        assert_eq!(g.register(), expected, "{name}");
    }
}

#[test]
fn spaces_inside_an_id_and_text_markers_are_removed() {
    let rows = sample_rows(4);
    let expected = plain_register(&rows);
    let typed: Vec<[String; 5]> = rows
        .iter()
        .enumerate()
        .map(|(index, [id, name, household, class, units])| {
            let (id, household) = match index {
                0 => (
                    format!("{} {} {}", &id[..6], &id[6..14], &id[14..]),
                    format!("'{household}"),
                ),
                1 => (
                    format!("{}\u{3000}{}\u{3000}{}", &id[..6], &id[6..14], &id[14..]),
                    format!("=\"{household}\""),
                ),
                2 => (format!("'{id}"), household.clone()),
                _ => (format!("=\"{id}\""), household.clone()),
            };
            [id, name.clone(), household, class.clone(), units.clone()]
        })
        .collect();
    let text = joined(&table(CHINESE, &typed), ",", "\n");
    assert!(text.contains(" 1") && text.contains('\u{3000}') && text.contains("=\""));
    assert_eq!(register_of("spaced.csv", text.as_bytes(), &[]), expected);
    let bytes = workbook(&table(CHINESE, &typed), |_, _| None);
    assert_eq!(register_of("spaced.xlsx", &bytes, &[]), expected);
}

#[test]
fn footer_rows_are_skipped_and_a_row_without_an_id_is_refused_as_such() {
    let rows = sample_rows(4);
    let expected = plain_register(&rows);
    let mut cells = table(CHINESE, &rows);
    let footer = |texts: &[&str]| texts.iter().map(|t| t.to_string()).collect::<Vec<_>>();
    cells.push(footer(&["合计", "", "", "", "3"]));
    cells.push(footer(&["合 计：", "", "", "", "3"]));
    cells.push(footer(&[
        "制表人：张三",
        "",
        "审核人：李四",
        "",
        "",
        "",
        "日期：2017-12-31",
    ]));
    cells.push(footer(&["填表人：王五"]));
    cells.push(footer(&["日期：2017年12月31日"]));
    let text = joined(&cells, ",", "\n");
    assert_eq!(register_of("footer.csv", text.as_bytes(), &[]), expected);
    let bytes = workbook(&cells, |_, _| None);
    assert_eq!(register_of("footer.xlsx", &bytes, &[]), expected);
    // A footer in a file without a header, in the ID's own column, too.
    let mut plain = table(ENGLISH, &rows);
    plain.remove(0);
    plain.push(footer(&["合计", "", "", "", "3"]));
    let text = joined(&plain, ",", "\n");
    assert_eq!(
        register_of("footer-plain.csv", text.as_bytes(), &[]),
        expected
    );

    // A person's row without an ID is refused saying so, by its place.
    let g = Gufen::charter_only();
    let mut cells = table(CHINESE, &rows);
    cells[2][0] = String::new();
    let file = g.write("no-id.csv", &joined(&cells, ",", "\n"));
    let stderr = g.refused_import(&file, &["line 3, column 1 (身份证号): row has no ID"]);
    assert!(!stderr.contains("18 characters"), "{stderr}");
    let file = g.write_bytes("no-id.xlsx", &workbook(&cells, |_, _| None));
    g.refused_import(&file, &["A3 (身份证号): row has no ID"]);
    let run = common::gufen_in_default_language(
        &g.db(),
        &[
            "member",
            "import",
            &file,
            "--resolution",
            "2017-1",
            "--date",
            "2017-12-31",
        ],
    );
    assert!(
        run.stderr.contains("A3（身份证号）：该行没有身份证号"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_title_and_a_subtitle_of_two_cells_above_the_header_are_skipped() {
    let rows = sample_rows(5);
    let expected = plain_register(&rows);
    let mut cells = vec![
        vec!["溱水村股份经济合作社成员名册".to_string()],
        vec![
            "填报单位：溱水村股份经济合作社".to_string(),
            String::new(),
            String::new(),
            "填报日期：2017年12月31日".to_string(),
        ],
    ];
    cells.extend(table(CHINESE, &rows));
    let text = joined(&cells, ",", "\r\n");
    assert_eq!(register_of("titled.csv", text.as_bytes(), &[]), expected);
    let bytes = workbook(&cells, |_, _| None);
    assert_eq!(register_of("titled.xlsx", &bytes, &[]), expected);
    // UTF-16 text whose title line holds no tab is still tab-separated.
    let text = joined(&cells, "\t", "\r\n");
    assert!(!text.lines().next().unwrap().contains('\t'));
    let mut utf16 = vec![0xFF, 0xFE];
    for unit in text.encode_utf16() {
        utf16.extend(unit.to_le_bytes());
    }
    assert_eq!(register_of("titled.txt", &utf16, &[]), expected);
}

#[test]
fn columns_of_facts_gufen_does_not_take_from_a_roster_are_read_past() {
    let rows = sample_rows(4);
    let expected = plain_register(&rows);
    let layout: &Layout = &[
        ("序号", 2),
        ("身份证号", 0),
        ("姓名", 1),
        ("性别", 1),
        ("民族", 1),
        ("出生日期", 1),
        ("与户主关系", 1),
        ("户号", 2),
        ("联系电话", 2),
        ("电话", 2),
        ("股种", 3),
        ("股数", 4),
        ("备注", 1),
    ];
    let text = joined(&table(layout, &rows), ",", "\n");
    assert_eq!(register_of("wide.csv", text.as_bytes(), &[]), expected);
}

/// A small workbook with a value at A1 and one far away (column 16,000, row 1,000,000) once
/// made calamine build the whole grid between them (billions of cells) and the process abort;
/// it is refused in words, naming the cell and the limits, before any grid is built.
#[test]
fn a_workbook_with_a_far_cell_is_refused_in_words_not_aborted() {
    let g = Gufen::new();
    init_sample(&g.db());
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.write_string(0, 0, "身份证号").unwrap();
    sheet.write_string(999_999, 15_999, "x").unwrap();
    let path = g.path("far.xlsx");
    std::fs::write(&path, workbook.save_to_buffer().unwrap()).unwrap();
    let started = std::time::Instant::now();
    let run = g.run(&[
        "--lang",
        "en",
        "member",
        "import",
        path.to_str().unwrap(),
        "--resolution",
        "R",
        "--date",
        "2017-12-31",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("a value in cell WQJ1000000")
            && run
                .stderr
                .contains("beyond the 100000 rows and 100 columns"),
        "{}",
        run.stderr
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(30));
}

/// A file larger than the limit is refused by its size before it is read (a sparse file, so
/// that the test writes nothing).
#[test]
fn a_file_larger_than_the_limit_is_refused_by_its_size() {
    let g = Gufen::new();
    init_sample(&g.db());
    let path = g.path("huge.csv");
    let file = std::fs::File::create(&path).unwrap();
    file.set_len(64 * 1024 * 1024 + 1).unwrap();
    let run = g.run(&[
        "--lang",
        "en",
        "member",
        "import",
        path.to_str().unwrap(),
        "--resolution",
        "R",
        "--date",
        "2017-12-31",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("is larger than 64 MiB, the most gufen reads"),
        "{}",
        run.stderr
    );
}

/// `-o FILE` naming the roster being imported would replace the accountant's own file with the
/// write's outcome: refused before anything is read or written, the file and the ledger as they
/// were.
#[test]
fn dash_o_naming_the_roster_being_imported_is_refused() {
    let g = Gufen::charter_only();
    let roster = std::fs::read_to_string(fixture("roster-600.csv")).unwrap();
    let file = g.write("r.csv", &roster);
    let before = g.head();
    let run = g.run(&[
        "--lang",
        "en",
        "-o",
        &file,
        "member",
        "import",
        &file,
        "--resolution",
        "2017-1",
        "--date",
        "2017-12-31",
    ]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("this command reads"), "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), roster);
    assert_eq!(g.head(), before);
}

/// A roster given again: all of it is refused in one line; with one new person among the
/// members, the members are listed once with their count, so that the new row's own refusal is
/// seen, and under static management that refusal is about its units and says what to do (R7).
#[test]
fn a_roster_given_again_is_refused_once_and_a_new_rows_problem_is_not_buried() {
    let g = Gufen::charter_only();
    let rows = sample_rows(4);
    let csv = |rows: &[[String; 5]], extra: &str| {
        let mut text = String::from("身份证号,姓名,户号,股种,股数\n");
        for row in rows {
            text.push_str(&row.join(","));
            text.push('\n');
        }
        text.push_str(extra);
        text
    };
    let first = g.write("roster.csv", &csv(&rows, ""));
    g.import(&first, &[]);
    let stderr = g.refused_import(
        &first,
        &["R1: every one of the roster's 4 persons is already a member: it has been imported before"],
    );
    assert!(!stderr.contains("line 2"), "{stderr}");

    let again = g.write(
        "again.csv",
        &csv(&rows, "110101199003072316,张小丽,00001,basic,1\n"),
    );
    let before = g.head();
    for (lang, expected) in [
        (
            "en",
            &[
                "5 row(s) of",
                "and 3 more rows of persons who are already members: a roster imported later lists only the persons it adds",
                "line 6: R7: units: static management",
                "(this one is dated 2018-03-01): leave this row's class and units empty [股数]",
            ][..],
        ),
        (
            "zh",
            &[
                "另有 3 行的人员已经是成员：以后导入的名册只列新增的人员",
                "请将本行的股种、股数留空",
            ][..],
        ),
    ] {
        let run = g.run(&[
            "--lang", lang, "member", "import", &again, "--resolution", "2018-1", "--date",
            "2018-03-01",
        ]);
        assert_eq!(run.code, 1, "{}", run.stderr);
        for text in expected {
            assert!(run.stderr.contains(text), "{text:?} not in {}", run.stderr);
        }
        assert_eq!(
            run.stderr.matches("already").count() + run.stderr.matches("已经是成员").count(),
            2,
            "one member row and the count: {}",
            run.stderr
        );
    }
    assert_eq!(g.head(), before);
}
