//! The bad-input table: every row of fixtures/bad-inputs.tsv (its header says how a row is
//! written) runs through the real binary on one sample village. A row passes when the exit code
//! is the row's (1 a refused value or rule, 2 usage, 3 integrity; never a panic's 101), stderr
//! holds the row's text, neither stdout nor stderr holds a whole citizen ID, and the head hash is
//! unchanged. Every row is run and every failure reported at once; rows marked `#KNOWN` are
//! printed, not run.

mod common;

use common::{copy_dir, fixture, Gufen, A, B, DRAFT_2025, NOW};
use std::path::PathBuf;
use std::process::Command;

/// The member who died on 2026-04-01 in the village the table runs on.
const C: &str = "410183194002253855";
/// The command id of the hukou record the village holds.
const COMMAND_ID: &str = "11111111-1111-4111-8111-111111111111";

struct Row {
    line: usize,
    code: i32,
    expected: String,
    args: String,
}

/// The rows to run and the rows marked `#KNOWN`, as (line, text).
fn table() -> (Vec<Row>, Vec<(usize, String)>) {
    let text = std::fs::read_to_string(fixture("bad-inputs.tsv")).unwrap();
    let mut rows = Vec::new();
    let mut known = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line_no = index + 1;
        if let Some(rest) = line.strip_prefix("#KNOWN\t") {
            known.push((line_no, rest.to_string()));
            continue;
        }
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let mut columns = line.splitn(3, '\t');
        let (Some(code), Some(expected), Some(args)) =
            (columns.next(), columns.next(), columns.next())
        else {
            panic!("bad-inputs.tsv line {line_no}: expected CODE<TAB>TEXT<TAB>ARGS");
        };
        rows.push(Row {
            line: line_no,
            code: code
                .trim()
                .parse()
                .unwrap_or_else(|_| panic!("bad-inputs.tsv line {line_no}: exit code {code:?}")),
            expected: expected.to_string(),
            args: args.to_string(),
        });
    }
    (rows, known)
}

/// The village, the scratch directory and the keys the rows name.
struct Bench {
    village: Gufen,
    pristine: PathBuf,
    scratch: PathBuf,
    witness_key: String,
    witness_vkey: String,
    log_vkey: String,
}

impl Bench {
    fn new() -> Self {
        let village = Gufen::sample_village("R");
        village.ok(&[
            "--command-id",
            COMMAND_ID,
            "hukou",
            "set",
            "--id",
            A,
            "--kind",
            "urban",
            "--locality",
            "郑州市金水区",
            "--date",
            "2021-03-01",
        ]);
        village.ok(&["death", "record", "--id", C, "--date", "2026-04-01"]);
        village.ok(DRAFT_2025);
        let scratch = village.path("scratch");
        std::fs::create_dir_all(&scratch).unwrap();
        let keys = village.path("keys");
        std::fs::create_dir_all(&keys).unwrap();
        let witness_key = keys.join("witness.key").to_str().unwrap().to_string();
        village.ok(&[
            "key",
            "generate",
            "--name",
            "township.example/witness",
            "--out",
            &witness_key,
            "--witness",
        ]);
        let witness_vkey = village
            .ok(&["key", "show", &witness_key, "--witness"])
            .trim()
            .to_string();
        let log_key = keys.join("ledger.key").to_str().unwrap().to_string();
        village.ok(&[
            "key",
            "generate",
            "--name",
            "qinshui.example/ledger",
            "--out",
            &log_key,
        ]);
        let log_vkey = village.ok(&["key", "show", &log_key]).trim().to_string();
        let pristine = village.path("pristine");
        copy_dir(&village.db(), &pristine);
        Bench {
            village,
            pristine,
            scratch,
            witness_key,
            witness_vkey,
            log_vkey,
        }
    }

    fn head(&self) -> String {
        let run = self.run(&["--format".into(), "json".into(), "verify".into()]);
        assert_eq!(run.0, 0, "verify failed: {}", run.2);
        let v: serde_json::Value = serde_json::from_str(&run.1).unwrap();
        v["head_hash"].as_str().unwrap().to_string()
    }

    /// Puts back the village as it was before any row (after a row that changed it).
    fn restore(&self) {
        std::fs::remove_dir_all(self.village.db()).unwrap();
        copy_dir(&self.pristine, &self.village.db());
    }

    /// The row's arguments with every placeholder replaced; files named by `{FILE:…}` copied
    /// into the scratch directory.
    fn arguments(&self, row: &Row) -> Vec<String> {
        let scratch = self.scratch.to_str().unwrap();
        let new = self.scratch.join(format!("new-{}", row.line));
        row.args
            .split(" | ")
            .map(|arg| {
                let mut arg = arg.to_string();
                while let Some(start) = arg.find("{FILE:") {
                    let end = start + arg[start..].find('}').expect("{FILE:name}");
                    let name = &arg[start + "{FILE:".len()..end];
                    let source = fixture("bad-input-files").join(name);
                    let target = self.scratch.join(name);
                    std::fs::copy(&source, &target)
                        .unwrap_or_else(|e| panic!("{}: {e}", source.display()));
                    arg.replace_range(start..=end, target.to_str().unwrap());
                }
                arg.replace("{A}", A)
                    .replace("{B}", B)
                    .replace("{C}", C)
                    .replace("{DB}", self.village.db().to_str().unwrap())
                    .replace("{NEW}", new.to_str().unwrap())
                    .replace("{DIR}", scratch)
                    .replace("{WITNESS_KEY}", &self.witness_key)
                    .replace("{WITNESS_VKEY}", &self.witness_vkey)
                    .replace("{LOG_VKEY}", &self.log_vkey)
                    .replace("{ESC}", "\u{1b}")
                    .replace("{NL}", "\n")
                    .replace("{TAB}", "\t")
                    .replace("{RLO}", "\u{202e}")
                    .replace("{TEXT10K}", &"a".repeat(10 * 1024))
            })
            .collect()
    }

    /// Runs the binary in the scratch directory on the village (GUFEN_DB), the clock and the
    /// actor pinned: (exit code, stdout, stderr).
    fn run(&self, args: &[String]) -> (i32, String, String) {
        let output = Command::new(env!("CARGO_BIN_EXE_gufen"))
            .args(args)
            .current_dir(&self.scratch)
            .env("GUFEN_DB", self.village.db())
            .env("GUFEN_NOW", NOW)
            .env("GUFEN_ACTOR", "会计")
            .env("GUFEN_LANG", "en")
            .env_remove("GUFEN_ORG")
            .env_remove("GUFEN_WAIT")
            .output()
            .unwrap();
        (
            output.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    }
}

/// Every whole citizen ID in `text`: `[0-9]{17}[0-9Xx]`, not inside a longer run of ASCII
/// letters and digits.
fn whole_ids(text: &str) -> Vec<&str> {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|run| {
            let bytes = run.as_bytes();
            bytes.len() == 18
                && bytes[..17].iter().all(u8::is_ascii_digit)
                && matches!(bytes[17], b'0'..=b'9' | b'X' | b'x')
        })
        .collect()
}

/// The row's arguments as a reader can follow them: long text shortened.
fn shown(args: &[String]) -> String {
    args.iter()
        .map(|arg| {
            if arg.chars().count() > 60 {
                format!(
                    "{:?}… ({} characters)",
                    arg.chars().take(20).collect::<String>(),
                    arg.chars().count()
                )
            } else {
                format!("{arg:?}")
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn every_bad_input_is_refused_clearly_with_the_head_unchanged() {
    let (rows, known) = table();
    assert!(
        rows.len() + known.len() >= 80,
        "the table has {} rows",
        rows.len()
    );
    for (line, text) in &known {
        println!("known, not run: bad-inputs.tsv line {line}: {text}");
    }
    let bench = Bench::new();
    let head = bench.head();
    let mut failures = Vec::new();
    for row in &rows {
        let args = bench.arguments(row);
        let (code, stdout, stderr) = bench.run(&args);
        let mut problems = Vec::new();
        if code == 101 {
            problems.push("panicked (exit 101)".to_string());
        }
        if code != row.code {
            problems.push(format!("exit {code}, expected {}", row.code));
        }
        if !stderr.contains(&row.expected) {
            problems.push(format!("stderr lacks {:?}", row.expected));
        }
        for id in whole_ids(&stdout).into_iter().chain(whole_ids(&stderr)) {
            problems.push(format!("printed a whole ID {}", &id[..6]));
        }
        if bench.head() != head {
            problems.push("changed the head".to_string());
            bench.restore();
        }
        if !problems.is_empty() {
            failures.push(format!(
                "line {}: gufen {}\n  {}\n  stdout: {}\n  stderr: {}",
                row.line,
                shown(&args),
                problems.join("; "),
                stdout.chars().take(300).collect::<String>(),
                stderr.chars().take(600).collect::<String>()
            ));
        }
    }
    println!("{} rows run, {} known", rows.len(), known.len());
    assert!(
        failures.is_empty(),
        "{} of {} rows failed:\n{}",
        failures.len(),
        rows.len(),
        failures.join("\n")
    );
}

/// Whether `text` reads as Chinese: it holds Chinese, and no run of three or more English words
/// (a sentence left untranslated) once the names, codes and numbers it may carry are set aside:
/// quoted values, flags, paths and file names, masked IDs; nor an English word run on into the
/// Chinese (`不能transfer`) or a record's type name (`HukouRecorded`).
fn reads_as_chinese(text: &str) -> bool {
    let cjk = text.chars().any(is_cjk);
    cjk && english_runs(text).is_empty() && english_words(text).is_empty()
}

fn is_cjk(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
}

/// English words left inside Chinese outside quotes and backticks: a lowercase word of four or
/// more letters written against a Chinese character, or a word in CamelCase (a record's type
/// name).
fn english_words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    for (i, part) in text.split(['"', '`']).enumerate() {
        if i % 2 == 1 {
            continue;
        }
        let chars: Vec<char> = part.chars().collect();
        let mut start = 0;
        while start < chars.len() {
            if !chars[start].is_ascii_alphabetic() {
                start += 1;
                continue;
            }
            let mut end = start;
            while end < chars.len() && chars[end].is_ascii_alphabetic() {
                end += 1;
            }
            let word: String = chars[start..end].iter().collect();
            let glued = (start > 0 && is_cjk(chars[start - 1]))
                || chars.get(end).copied().is_some_and(is_cjk);
            let lowercase = word.chars().all(|c| c.is_ascii_lowercase());
            let camel = word.chars().next().is_some_and(|c| c.is_ascii_uppercase())
                && word.chars().skip(1).any(|c| c.is_ascii_uppercase())
                && word.chars().any(|c| c.is_ascii_lowercase());
            if (glued && lowercase && word.len() >= 4) || camel {
                words.push(word);
            }
            start = end;
        }
    }
    words
}

/// `text` with each absolute path (from a `/` to the next space, Chinese character or
/// full-width punctuation) written `PATH`.
fn without_paths(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_path = false;
    for c in text.chars() {
        if in_path {
            if c.is_whitespace() || is_cjk(c) || ('\u{FF00}'..='\u{FFEF}').contains(&c) {
                in_path = false;
                out.push(c);
            }
        } else if c == '/' {
            in_path = true;
            out.push_str("PATH");
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn paths_are_left_out_of_the_words_checked() {
    let text = "无法读取章程 /tmp/.tmp5IlCi9/scratch/x.toml：文件不存在";
    assert_eq!(without_paths(text), "无法读取章程 PATH：文件不存在");
    assert!(english_words(text).contains(&"IlCi".to_string()));
    assert!(english_words(&without_paths(text)).is_empty());
}

/// Runs of three or more English words in a row in `text`, outside quotes and backticks.
fn english_runs(text: &str) -> Vec<String> {
    let mut runs = Vec::new();
    let mut quoted = false;
    let mut run: Vec<&str> = Vec::new();
    let close = |run: &mut Vec<&str>, runs: &mut Vec<String>| {
        if run.len() >= 3 {
            runs.push(run.join(" "));
        }
        run.clear();
    };
    for line in text.lines() {
        for token in line.split(' ') {
            let quotes = token.matches(['"', '`', '\'']).count();
            let word = token.trim_matches(|c: char| ",.;:()'\"`".contains(c));
            let english = !quoted
                && !word.is_empty()
                && word
                    .chars()
                    .all(|c| c.is_ascii_alphabetic() || c == '\'' || c == '-')
                && !word.starts_with('-')
                && word.chars().any(|c| c.is_ascii_lowercase());
            if english {
                run.push(word);
            } else {
                close(&mut run, &mut runs);
            }
            if quotes % 2 == 1 {
                quoted = !quoted;
            }
        }
        close(&mut run, &mut runs);
        quoted = false;
    }
    runs
}

/// Every row again in Chinese (`--lang zh`, which beats GUFEN_LANG): its refusal reads as
/// Chinese, with the same exit code and no whole ID.
#[test]
fn every_bad_input_is_refused_in_chinese_too() {
    let (rows, _) = table();
    let bench = Bench::new();
    let mut english = Vec::new();
    for row in &rows {
        // The row's own `--lang en` (a row about an English text) gives way to the Chinese.
        let mut args = vec!["--lang".to_string(), "zh".to_string()];
        let mut given = bench.arguments(row).into_iter().peekable();
        while let Some(arg) = given.next() {
            if arg == "--lang" && given.peek().is_some_and(|next| next == "en") {
                given.next();
                continue;
            }
            args.push(arg);
        }
        let (code, stdout, stderr) = bench.run(&args);
        assert_eq!(code, row.code, "line {}: {stderr}", row.line);
        assert!(whole_ids(&stdout).is_empty() && whole_ids(&stderr).is_empty());
        // The paths a message names are the bench's own (a temporary directory of random
        // letters, `.tmp5IlCi9`), not words of the message.
        let stderr = without_paths(&stderr);
        if code == 0 || !reads_as_chinese(&stderr) {
            let mut left = english_runs(&stderr);
            left.extend(english_words(&stderr));
            english.push(format!(
                "line {}: {}\n  {}",
                row.line,
                left.join(" | "),
                stderr.chars().take(400).collect::<String>()
            ));
        }
    }
    assert!(
        english.is_empty(),
        "{} of {} rows are refused in English under --lang zh:\n{}",
        english.len(),
        rows.len(),
        english.join("\n")
    );
}

#[test]
fn english_sentences_are_found_and_names_are_not() {
    assert!(reads_as_chinese(
        "gufen: 规则 R5：身份证号 410183********0054 的校验码不对"
    ));
    assert!(reads_as_chinese(
        "gufen: 存储 /tmp/a-b/store 中没有代码为 X 的组织（\"no such thing here\"）"
    ));
    assert!(!reads_as_chinese(
        "gufen: R5: citizen ID 410183********0054 has a wrong check"
    ));
    assert!(!reads_as_chinese("gufen: 规则 R5：the store is in use"));
    assert!(english_runs("--kind urban is").is_empty());
    assert_eq!(english_runs("规则： the store is 5"), vec!["the store is"]);
    assert!(!reads_as_chinese(
        "规则 R11：已质押的股份在解除质押前不能transfer"
    ));
    assert!(!reads_as_chinese(
        "此命令编号已用于另一条命令（记录 12，HukouRecorded）"
    ));
    assert_eq!(
        english_words(
            "不能transfer；第 3 行（SharesTransferred）；\"giftWord\"不算；中文 Windows 上"
        ),
        vec!["transfer", "SharesTransferred"]
    );
}

#[test]
fn the_id_check_finds_whole_ids_only() {
    assert_eq!(
        whole_ids("a 410183195202210053 b"),
        vec!["410183195202210053"]
    );
    assert_eq!(
        whole_ids("身份证410183********005x和41018319520221005x"),
        vec!["41018319520221005x"]
    );
    assert!(whole_ids("A410183195202210053 4101831952022100531 410183********0053").is_empty());
}
