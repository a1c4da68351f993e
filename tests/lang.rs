//! The command line's languages and conveniences, end to end: help in Chinese by default and in
//! English on request, shell completions and the manual page, `member find`, the charter
//! template accepted by `init`, and no progress bar when stderr is not a terminal.

mod common;

use common::{command, fixture, Gufen, Run, A};

/// Runs the binary on `g`'s store with GUFEN_LANG as given (None: unset, the default).
fn run_in(g: &Gufen, lang: Option<&str>, args: &[&str]) -> Run {
    let mut command = command(&g.db());
    match lang {
        Some(lang) => command.env("GUFEN_LANG", lang),
        None => command.env_remove("GUFEN_LANG"),
    };
    let output = command.args(args).output().unwrap();
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

fn has_chinese(text: &str) -> bool {
    text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

#[test]
fn help_is_chinese_by_default_and_english_on_request() {
    let g = Gufen::new();
    for args in [&["--help"][..], &["member", "import", "--help"]] {
        let zh = run_in(&g, None, args);
        assert_eq!(zh.code, 0, "{}", zh.stderr);
        assert!(
            zh.stdout.contains("用法：gufen") && zh.stdout.contains("选项:"),
            "{}",
            zh.stdout
        );
        assert!(!zh.stdout.contains("Usage:"), "{}", zh.stdout);
        for en in [
            run_in(&g, None, &[&["--lang", "en"][..], args].concat()),
            run_in(&g, Some("en"), args),
        ] {
            assert_eq!(en.code, 0, "{}", en.stderr);
            assert!(
                en.stdout.contains("Usage: gufen") && en.stdout.contains("Options:"),
                "{}",
                en.stdout
            );
            assert!(!en.stdout.contains("用法"), "{}", en.stdout);
        }
    }
    let import = run_in(&g, None, &["member", "import", "--help"]).stdout;
    assert!(
        import.contains("导入花名册") && import.contains("花名册文件"),
        "{import}"
    );
    // --lang zh on the command line beats GUFEN_LANG=en.
    let zh = run_in(&g, Some("en"), &["--lang", "zh", "--help"]);
    assert!(zh.stdout.contains("用法：gufen"), "{}", zh.stdout);
}

#[test]
fn errors_follow_the_language() {
    let g = Gufen::new();
    let zh = run_in(&g, None, &["register"]);
    assert_eq!(zh.code, 1);
    assert!(
        zh.stderr.contains("处没有存储") && zh.stderr.contains("gufen init"),
        "{}",
        zh.stderr
    );
    let en = run_in(&g, None, &["--lang", "en", "register"]);
    assert!(en.stderr.contains("no store at"), "{}", en.stderr);
    let usage = run_in(&g, None, &["member", "fnord"]);
    assert_eq!(usage.code, 2);
    assert!(
        usage.stderr.contains("无法识别的命令 'fnord'"),
        "{}",
        usage.stderr
    );
}

#[test]
fn completions_and_the_manual_page() {
    let g = Gufen::new();
    let bash = g.ok(&["completions", "bash"]);
    assert!(bash.contains("member") && bash.contains("_gufen"), "{bash}");
    for shell in ["zsh", "fish", "powershell", "elvish"] {
        let script = g.ok(&["completions", shell]);
        assert!(script.contains("distribution"), "{shell}: {script}");
    }
    let bad = g.run(&["completions", "cmd"]);
    assert_eq!(bad.code, 1, "{}", bad.stderr);

    let man = g.ok(&["--lang", "zh", "man"]);
    // clap_mangen opens with the definition of the apostrophe string, then the title.
    let first = man
        .lines()
        .find(|line| !line.starts_with(".ie") && !line.starts_with(".el"))
        .unwrap();
    assert!(first.starts_with(".TH gufen 1"), "{man}");
    assert!(man.contains("股权台账"), "{man}");
    let english = g.ok(&["--lang", "en", "man"]);
    assert!(english.contains("Shareholding ledger"), "{english}");
    let file = g.path("gufen.1");
    let printed = g.ok(&["--lang", "zh", "man", "-o", file.to_str().unwrap()]);
    assert!(printed.is_empty());
    assert_eq!(std::fs::read_to_string(&file).unwrap(), man);
}

#[test]
fn member_find_by_part_of_a_name_or_a_household() {
    let g = Gufen::sample_village("R");
    // The roster's surname 孙: every row holds it, the IDs masked.
    let json: serde_json::Value =
        serde_json::from_str(&g.ok(&["--format", "json", "member", "find", "--name", "孙"]))
            .unwrap();
    let persons = json["persons"].as_array().unwrap();
    assert!(!persons.is_empty());
    assert_eq!(json["count"].as_u64().unwrap() as usize, persons.len());
    for person in persons {
        assert!(person["name"].as_str().unwrap().contains('孙'), "{person}");
        assert_eq!(person["member"], true);
        assert_eq!(person["id_masked"].as_str().unwrap().len(), 18);
        assert!(person["id_masked"].as_str().unwrap().contains("********"));
    }
    // A's own row: found by household, with the masked ID only.
    let household = g.ok(&["--format", "json", "member", "show", "--id", A]);
    let household: serde_json::Value = serde_json::from_str(&household).unwrap();
    let number = household["household"].as_str().unwrap();
    for format in ["text", "json", "csv"] {
        let out = g.ok(&["--format", format, "member", "find", "--household", number]);
        assert!(out.contains("410183********0053"), "{out}");
        assert!(
            common::other_ids(&out, "").is_empty(),
            "a whole ID in {format}: {out}"
        );
    }
    let text = g.ok(&["--lang", "zh", "member", "find", "--household", number]);
    assert!(text.contains("户号") && text.contains("是"), "{text}");
    // Name and household together narrow; a name nobody has finds nobody.
    let none = g.ok(&[
        "--format",
        "json",
        "member",
        "find",
        "--name",
        "不存在的名字",
    ]);
    assert!(
        none.contains("\"count\": 0") || none.contains("\"count\":0"),
        "{none}"
    );
    // One of the two is needed.
    assert_eq!(g.run(&["member", "find"]).code, 2);
    // An ID typed where a name or a household goes is printed back masked (R16), in every form.
    for flag in ["--name", "--household"] {
        for format in ["text", "json", "csv"] {
            let out = g.ok(&["--format", format, "member", "find", flag, A]);
            // The CSV is the table alone; text and JSON say what was asked.
            assert!(
                format == "csv" || out.contains("410183********0053"),
                "{out}"
            );
            assert!(
                common::other_ids(&out, "").is_empty(),
                "a whole ID in {format} ({flag}): {out}"
            );
        }
    }
}

/// Messages that reached an accountant in English though the default is Chinese: a household
/// a certificate names that does not exist, and a store whose data file fails its checksum.
#[test]
fn a_missing_household_is_refused_in_chinese() {
    let g = Gufen::sample_village("R");
    let zh = run_in(
        &g,
        None,
        &["household", "certificate", "--household", "99999"],
    );
    assert_eq!(zh.code, 1, "{}", zh.stderr);
    assert!(zh.stderr.contains("没有户号为 99999 的户"), "{}", zh.stderr);
    let en = run_in(
        &g,
        Some("en"),
        &["household", "certificate", "--household", "99999"],
    );
    assert!(en.stderr.contains("no household 99999"), "{}", en.stderr);
}

#[test]
fn the_charter_template_is_accepted_by_init() {
    for lang in ["zh", "en"] {
        let g = Gufen::new();
        let template = g.ok(&["--lang", lang, "charter", "template"]);
        assert!(template.contains("[[classes]]") && template.contains("# [[loss_grounds]]"));
        let comment = template.lines().find(|l| l.starts_with("# ")).unwrap();
        assert_eq!(has_chinese(comment), lang == "zh", "{comment}");
        // As printed.
        let path = g.write("charter.toml", &template);
        g.ok(&["init", "--charter", &path, "--date", "2017-06-30"]);
        let shown = g.ok(&["--format", "json", "charter", "show"]);
        assert!(shown.contains("某某村股份经济合作社"), "{shown}");
        // Filled as its comments say: the example loss ground taken in.
        let other = Gufen::new();
        let filled = template
            .replace("# [[loss_grounds]]", "[[loss_grounds]]")
            .replace("# code = \"long-absence\"", "code = \"long-absence\"")
            .replace("# name = \"连续", "name = \"连续")
            .replace("# article = ", "article = ");
        let path = other.write("charter.toml", &filled);
        other.ok(&["init", "--charter", &path, "--date", "2017-06-30"]);
        let shown = other.ok(&["--lang", "en", "charter", "show"]);
        assert!(shown.contains("long-absence"), "{shown}");
    }
    // The comments are in the language asked for.
    let g = Gufen::new();
    let en = g.ok(&["--lang", "en", "charter", "template"]);
    assert!(en.contains("# The unified social credit code"), "{en}");
    assert!(fixture("charter.toml").exists());
}

/// Verify, export, audit, an import and a posting print no progress bar when stderr is not a
/// terminal (a pipe, as here): stderr stays empty.
#[test]
fn no_progress_bar_off_a_terminal() {
    let g = Gufen::new();
    common::init_sample(&g.db());
    let import = g.run(&[
        "member",
        "import",
        "--resolution",
        "R",
        "--date",
        "2017-12-31",
        fixture("roster-600.csv").to_str().unwrap(),
    ]);
    assert_eq!((import.code, import.stderr.as_str()), (0, ""));
    let verify = g.run(&["verify", "--replay"]);
    assert_eq!((verify.code, verify.stderr.as_str()), (0, ""));
    common::post_distribution_2025(&g.db());
    let (_, skey) = g.key("log.skey", "gufen-log");
    g.ok(&["checkpoint", "--sign", &skey]);
    let bundle = g.path("bundle");
    let export = g.run(&["export", "--out", bundle.to_str().unwrap()]);
    assert_eq!((export.code, export.stderr.as_str()), (0, ""));
    let vkey = g.ok(&["key", "show", &skey]);
    let audit = g.run(&["audit", bundle.to_str().unwrap(), "--trust", vkey.trim()]);
    assert_eq!((audit.code, audit.stderr.as_str()), (0, ""));
}
