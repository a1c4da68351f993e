//! `gufen shell`: many commands in one process on one open of the store. Each line is its own
//! command with its own records and outcome; a failing line stops the run (or not, with
//! `--keep-going`) and leaves the ledger as the lines before it left it.

mod common;

use common::{fixture, Gufen, A, B};

fn head(g: &Gufen) -> String {
    let v: serde_json::Value =
        serde_json::from_str(&g.ok(&["--format", "json", "verify"])).unwrap();
    v["head_hash"].as_str().unwrap().to_string()
}

fn records(g: &Gufen) -> u64 {
    let v: serde_json::Value =
        serde_json::from_str(&g.ok(&["--format", "json", "verify"])).unwrap();
    v["records"].as_u64().unwrap()
}

fn village() -> Gufen {
    let g = Gufen::new();
    common::init_sample(&g.db());
    g
}

#[test]
fn a_file_of_commands_runs_each_line_as_its_own_command() {
    let g = village();
    let roster = fixture("roster-600.csv");
    let register = g.path("register.csv");
    let file = g.write(
        "day.txt",
        &format!(
            "# the day's work\n\
             member import '{}' --resolution 2017-1 --date 2017-12-31\n\
             \n\
             hukou set --id {A} --kind urban --locality \"郑州 金水区\" --date 2020-01-01\n\
             gufen shares transfer --from {A} --to {B} --units 0.1 --gift --date 2020-02-01\n\
             register --format csv -o '{}'\n\
             --format json verify\n",
            roster.display(),
            register.display()
        ),
    );
    let run = g.run(&["shell", &file]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // 1 registration + 1,201 from the import + the hukou record + the gift.
    assert_eq!(records(&g), 1204);
    // The line's own output: the JSON of verify, the head it reports is the head now.
    let json_start = run.stdout.find("{\n").unwrap();
    let verify: serde_json::Value = serde_json::from_str(&run.stdout[json_start..]).unwrap();
    assert_eq!(verify["head_hash"].as_str().unwrap(), head(&g));
    // A line's `-o` is that line's: the register written in full, as a separate run writes it.
    let written = std::fs::read_to_string(&register).unwrap();
    assert_eq!(written, g.ok(&["register", "--format", "csv"]));
    // The hukou line's quoted locality arrived as one value.
    assert!(g.ok(&["member", "show", "--id", A]).contains("郑州 金水区"));
}

#[test]
fn a_failing_line_stops_the_run_and_leaves_what_the_lines_before_it_wrote() {
    let g = Gufen::sample_village("2017-1");
    let before = records(&g);
    let file = g.write(
        "day.txt",
        &format!(
            "hukou set --id {A} --kind urban --locality 郑州 --date 2020-01-01\n\
             hukou set --id {B} --kind urban --locality 郑州 --date 2031-01-01\n\
             hukou set --id {B} --kind urban --locality 洛阳 --date 2020-03-01\n"
        ),
    );
    let run = g.run(&["shell", &file]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("R17"), "{}", run.stderr);
    assert!(
        run.stderr.contains("line 2 failed") && run.stderr.contains("not run"),
        "{}",
        run.stderr
    );
    // It says how to go on from the next line once the failing one is put right.
    assert!(
        run.stderr
            .contains(&format!("gufen shell {file} --from-line 3")),
        "{}",
        run.stderr
    );
    // Line 1 landed; line 2 was refused with nothing written; line 3 never ran.
    assert_eq!(records(&g), before + 1);
    let head_after = head(&g);
    assert!(!g.ok(&["member", "show", "--id", B]).contains("洛阳"));

    // --from-line 3 runs only the third line: the first is not recorded again.
    let run = g.run(&["shell", "--from-line", "3", &file]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(records(&g), before + 2);
    assert!(g.ok(&["member", "show", "--id", B]).contains("洛阳"));

    // With --keep-going every line runs; each failing line is named as it fails, and the run
    // ends with the failing line's code.
    let head_before = head(&g);
    let run = g.run(&["shell", "--keep-going", &file]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("line 2 failed (exit code 1); going on"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("ran 3 commands; line(s) 2 failed"),
        "{}",
        run.stderr
    );
    assert_eq!(records(&g), before + 4);
    assert_ne!(head(&g), head_before);
    assert_ne!(head(&g), head_after);
}

#[test]
fn files_saved_by_windows_editors_are_read_and_the_last_line_failing_is_said_so() {
    let g = Gufen::sample_village("2017-1");
    let before = records(&g);
    // Notepad's UTF-8 with a byte order mark, CRLF line ends.
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(
        format!("hukou set --id {A} --kind urban --locality 郑州 --date 2020-01-01\r\n").as_bytes(),
    );
    let path = g.path("bom.txt");
    std::fs::write(&path, &bom).unwrap();
    let run = g.run(&["shell", path.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(records(&g), before + 1);
    // GBK, as Chinese Windows saves text.
    let text = format!("hukou set --id {B} --kind urban --locality 洛阳 --date 2020-01-01\r\n");
    let (gbk, _, _) = encoding_rs::GBK.encode(&text);
    let path = g.path("gbk.txt");
    std::fs::write(&path, &gbk).unwrap();
    let run = g.run(&["shell", path.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(g.ok(&["member", "show", "--id", B]).contains("洛阳"));
    // The last line failing: nothing after it to speak of.
    let file = g.write("last.txt", "verify\nmember show --id 000\n");
    let run = g.run(&["shell", &file]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("line 2, the last, failed"),
        "{}",
        run.stderr
    );
    // A directory is not a file of commands.
    let run = g.run(&["shell", g.dir.path().to_str().unwrap()]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("is a directory"), "{}", run.stderr);
    // `exit` ends the commands, as at a terminal.
    let head_before = head(&g);
    let file = g.write(
        "exit.txt",
        &format!("exit\nhukou set --id {A} --kind urban --locality 开封 --date 2020-05-01\n"),
    );
    let run = g.run(&["shell", &file]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(head(&g), head_before);
}

#[test]
fn the_shells_global_flags_apply_to_lines_that_do_not_give_their_own() {
    let g = Gufen::sample_village("2017-1");
    let file = g.write("reads.txt", "verify\n--format text --lang zh verify\n");
    let run = g.run(&["--format", "json", "shell", &file]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // The first line is JSON (the shell's --format); the second is text in Chinese (its own).
    let json_end = run.stdout.find("\n}\n").unwrap() + 3;
    let first: serde_json::Value = serde_json::from_str(&run.stdout[..json_end]).unwrap();
    assert_eq!(first["ok"], true);
    assert!(
        run.stdout[json_end..]
            .chars()
            .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "{}",
        &run.stdout[json_end..]
    );
}

#[test]
fn unreadable_lines_a_nested_shell_and_shell_wide_outputs_are_refused() {
    let g = Gufen::sample_village("2017-1");
    let before = head(&g);
    for (text, expected) in [
        ("log 'unclosed\n", "unclosed quote"),
        ("shell other.txt\n", "cannot nest"),
        ("gufen shell other.txt\n", "cannot nest"),
        ("--lang en --db elsewhere shell other.txt\n", "cannot nest"),
        (
            "member frobnicate\n",
            "line 1, the last, failed (exit code 2)",
        ),
    ] {
        let file = g.write("bad.txt", text);
        let run = g.run(&["shell", &file]);
        assert_eq!(run.code, 2, "{text}: {}", run.stderr);
        assert!(run.stderr.contains(expected), "{text}: {}", run.stderr);
    }
    let file = g.write("ok.txt", "verify\n");
    let run = g.run(&["-o", g.path("out.txt").to_str().unwrap(), "shell", &file]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("takes no -o"), "{}", run.stderr);
    let missing = g.path("missing.txt");
    let run = g.run(&["shell", missing.to_str().unwrap()]);
    assert_eq!(run.code, 1);
    assert_eq!(head(&g), before);
}

#[test]
fn a_utf8_file_with_one_bad_byte_is_refused_not_read_as_gbk() {
    let g = Gufen::sample_village("2017-1");
    let before = head(&g);
    let mut bytes =
        format!("hukou set --id {A} --kind urban --locality 郑州 --date 2020-01-01\n").into_bytes();
    bytes.extend_from_slice(b"hukou set --id ");
    bytes.push(0xff);
    bytes.extend_from_slice(b"\n");
    let path = g.path("damaged.txt");
    std::fs::write(&path, &bytes).unwrap();
    let run = g.run(&["shell", path.to_str().unwrap()]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("not UTF-8 on line 2") && run.stderr.contains("no command was run"),
        "{}",
        run.stderr
    );
    assert_eq!(head(&g), before);
}

/// `demo` inside a shell started without `--db` builds its village in a temporary directory, as
/// it does alone, never in the default store of the directory the shell runs in.
#[test]
fn a_demo_in_a_shell_without_db_keeps_out_of_the_default_store() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("demo.txt");
    std::fs::write(&file, "--lang en demo --members 12 --years 1\n").unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_gufen"))
        .current_dir(dir.path())
        .env("GUFEN_NOW", common::NOW)
        .env_remove("GUFEN_DB")
        .env_remove("GUFEN_ORG")
        .arg("shell")
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(!dir.path().join("gufen-data").exists());
}
