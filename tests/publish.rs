//! `gufen publish`, `gufen audit s3://…` and `gufen witness cosign --from s3://…` against a real
//! S3-compatible server: Garage, started by this test on loopback ports with a data directory of
//! its own (one node, its layout applied, a key and a bucket made with Garage's own CLI), and
//! killed at the end. Pins: a township's two villages published by default, each under its
//! code: the export's hash tiles, charter and checkpoint byte for byte, no entry bundle, and no
//! object holding any of the sample village's citizen IDs; the audit of that bucket refused in
//! words (exit 1), the witness cosigning from it; a second publish after new records uploads
//! only the new tiles and the checkpoint (counted in the bucket's own listing), and the witness
//! cosigns again (the consistency proof read from the bucket's tiles); `--with-entries` then
//! adds every entry bundle, the bucket is the export byte for byte and audits; a byte flipped in
//! an uploaded object fails the audit naming the object; the witness refuses a rolled-back and
//! a forked checkpoint; a bucket holding another history of a collective is refused by publish,
//! nothing uploaded; `--collective` wins over `--org`.
//!
//! The server is a program of its own, which the ordinary test run does not build (it takes
//! about 20 minutes): this test is built only with the `s3-test` feature, and `scripts/s3-test`
//! installs the server and runs `cargo test --features s3-test --test publish` with
//! GUFEN_S3_SERVER set to the `garage` binary (`.ci/run` runs that script). A missing variable
//! or a server that does not start fails the test.

mod common;

use common::{fixture, Gufen, Run, A, B, ORG};
use rusty_s3::{Bucket, Credentials, S3Action, UrlStyle};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The second village of the township (a valid unified social credit code).
const OTHER: &str = "N2410183MF00000022";
const BUCKET: &str = "village-logs";
const REGION: &str = "garage";
/// How long the server may take to answer its first status.
const BOOT_LIMIT: Duration = Duration::from_secs(60);

/// A Garage server on loopback, killed when dropped (also when the test fails).
struct Garage {
    child: Child,
    binary: PathBuf,
    config: PathBuf,
    /// The S3 API's endpoint, `http://127.0.0.1:PORT`.
    endpoint: String,
    key_id: String,
    secret: String,
    _dir: tempfile::TempDir,
}

impl Drop for Garage {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Free loopback ports, held open together so that they differ, then released for the server.
fn free_ports(count: usize) -> Vec<u16> {
    let listeners: Vec<std::net::TcpListener> = (0..count)
        .map(|_| std::net::TcpListener::bind("127.0.0.1:0").unwrap())
        .collect();
    listeners
        .iter()
        .map(|l| l.local_addr().unwrap().port())
        .collect()
}

impl Garage {
    fn start(binary: &Path) -> Garage {
        assert!(
            binary.is_file(),
            "GUFEN_S3_SERVER names {}, which is not a file: run scripts/s3-test",
            binary.display()
        );
        let dir = tempfile::tempdir().unwrap();
        let ports = free_ports(3);
        let (s3, rpc, admin) = (ports[0], ports[1], ports[2]);
        let secret: String = (0..32).map(|i| format!("{:02x}", i * 7 + 3)).collect();
        let config = dir.path().join("garage.toml");
        std::fs::write(
            &config,
            format!(
                r#"metadata_dir = "{root}/meta"
data_dir = "{root}/data"
db_engine = "sqlite"
replication_factor = 1
rpc_bind_addr = "127.0.0.1:{rpc}"
rpc_public_addr = "127.0.0.1:{rpc}"
rpc_secret = "{secret}"

[s3_api]
s3_region = "{REGION}"
api_bind_addr = "127.0.0.1:{s3}"
root_domain = ".s3.garage.localhost"

[admin]
api_bind_addr = "127.0.0.1:{admin}"
"#,
                root = dir.path().display()
            ),
        )
        .unwrap();
        let log = std::fs::File::create(dir.path().join("server.log")).unwrap();
        let child = Command::new(binary)
            .arg("-c")
            .arg(&config)
            .arg("server")
            .env("RUST_LOG", "warn")
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| panic!("{} does not start: {e}", binary.display()));
        let mut garage = Garage {
            child,
            binary: binary.to_path_buf(),
            config,
            endpoint: format!("http://127.0.0.1:{s3}"),
            key_id: String::new(),
            secret: String::new(),
            _dir: dir,
        };
        garage.set_up();
        garage
    }

    fn cli(&self, args: &[&str]) -> std::process::Output {
        Command::new(&self.binary)
            .arg("-c")
            .arg(&self.config)
            .args(args)
            .stdin(Stdio::null())
            .output()
            .unwrap()
    }

    /// Runs Garage's CLI until it succeeds (the cluster settles for a moment after each step).
    fn must(&mut self, args: &[&str]) -> String {
        let started = Instant::now();
        loop {
            let output = self.cli(args);
            if output.status.success() {
                return String::from_utf8(output.stdout).unwrap();
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("the Garage server exited ({status}) during `garage {args:?}`");
            }
            assert!(
                started.elapsed() < BOOT_LIMIT,
                "`garage {args:?}` kept failing: {}",
                String::from_utf8_lossy(&output.stderr)
            );
            std::thread::sleep(Duration::from_millis(300));
        }
    }

    /// One node, its layout applied; a key; the bucket, the key allowed to read and write it.
    fn set_up(&mut self) {
        self.must(&["status"]);
        let node = self.must(&["node", "id", "-q"]);
        let node = node.trim().split('@').next().unwrap().to_string();
        self.must(&["layout", "assign", "-z", "dc1", "-c", "1G", &node]);
        self.must(&["layout", "apply", "--version", "1"]);
        let key: Value = serde_json::from_str(&self.must(&[
            "json-api",
            "CreateKey",
            r#"{"name":"gufen-test"}"#,
        ]))
        .unwrap();
        self.key_id = key["accessKeyId"].as_str().unwrap().to_string();
        self.secret = key["secretAccessKey"].as_str().unwrap().to_string();
        self.must(&["bucket", "create", BUCKET]);
        let key_id = self.key_id.clone();
        self.must(&[
            "bucket", "allow", "--read", "--write", "--owner", BUCKET, "--key", &key_id,
        ]);
    }

    /// The bucket as the test sees it, with its own requests (not gufen's).
    fn bucket(&self) -> Objects {
        Objects {
            bucket: Bucket::new(
                self.endpoint.parse().unwrap(),
                UrlStyle::Path,
                BUCKET,
                REGION,
            )
            .unwrap(),
            credentials: Credentials::new(&self.key_id, &self.secret),
            agent: ureq::Agent::config_builder()
                .http_status_as_error(false)
                .build()
                .into(),
        }
    }
}

/// The test's own view of the bucket: its listing and objects.
struct Objects {
    bucket: Bucket,
    credentials: Credentials,
    agent: ureq::Agent,
}

impl Objects {
    /// Every key under `prefix` with its size, from ListObjectsV2, page by page.
    fn keys(&self, prefix: &str) -> BTreeMap<String, u64> {
        let mut keys = BTreeMap::new();
        let mut token: Option<String> = None;
        loop {
            let mut list = self.bucket.list_objects_v2(Some(&self.credentials));
            list.with_prefix(prefix);
            if let Some(token) = &token {
                list.with_continuation_token(token.clone());
            }
            let url = list.sign(Duration::from_secs(60));
            let text = self
                .agent
                .get(url.as_str())
                .call()
                .unwrap()
                .into_body()
                .read_to_string()
                .unwrap();
            let page = rusty_s3::actions::ListObjectsV2::parse_response(&text).unwrap();
            for object in page.contents {
                keys.insert(object.key, object.size.unwrap_or_default());
            }
            match page.next_continuation_token {
                Some(next) => token = Some(next),
                None => return keys,
            }
        }
    }

    fn get(&self, key: &str) -> Vec<u8> {
        let url = self
            .bucket
            .get_object(Some(&self.credentials), key)
            .sign(Duration::from_secs(60));
        let response = self.agent.get(url.as_str()).call().unwrap();
        assert_eq!(response.status(), 200, "GET {key}");
        response
            .into_body()
            .into_with_config()
            .limit(1 << 30)
            .read_to_vec()
            .unwrap()
    }

    fn put(&self, key: &str, bytes: &[u8]) {
        let url = self
            .bucket
            .put_object(Some(&self.credentials), key)
            .sign(Duration::from_secs(60));
        let response = self.agent.put(url.as_str()).send(bytes).unwrap();
        assert!(response.status().is_success(), "PUT {key}");
    }
}

/// The binary on the township's store with the server's endpoint and credentials in the
/// environment, as an operator sets them.
fn with_s3(g: &Gufen, garage: &Garage, args: &[&str]) -> Run {
    let output = common::command(&g.db())
        .env("AWS_ACCESS_KEY_ID", &garage.key_id)
        .env("AWS_SECRET_ACCESS_KEY", &garage.secret)
        .env("AWS_REGION", REGION)
        .env("AWS_ENDPOINT_URL", &garage.endpoint)
        .env_remove("AWS_SESSION_TOKEN")
        .args(args)
        .output()
        .unwrap();
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

fn succeeds(run: Run, what: &str) -> String {
    assert_eq!(run.code, 0, "{what}: {}{}", run.stdout, run.stderr);
    run.stdout
}

/// Every file of a directory, by its path under it.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(next) = pending.pop() {
        for entry in std::fs::read_dir(next).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let relative = path.strip_prefix(dir).unwrap().to_str().unwrap();
                files.insert(relative.to_string(), std::fs::read(&path).unwrap());
            }
        }
    }
    files
}

/// The publication's line of collective `code`.
fn line<'a>(published: &'a Value, code: &str) -> &'a Value {
    published["collectives"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["code"] == code)
        .unwrap_or_else(|| panic!("no line of {code}: {published}"))
}

/// The township: the sample village (601 records: three entry bundles, the last partial) and a
/// second village of one member, both signing every write with the log key.
fn township(g: &Gufen, log_key: &str) {
    common::sample_village(&g.db(), "2017-1");
    let charter = std::fs::read_to_string(fixture("charter.toml"))
        .unwrap()
        .replace(ORG, OTHER)
        .replace("name = \"", "name = \"东");
    let charter = g.write("other.toml", &charter);
    g.ok(&["init", "--charter", &charter, "--date", "2017-06-30"]);
    g.ok(&[
        "--org",
        OTHER,
        "member",
        "confirm",
        "--id",
        "110101199003072316",
        "--name",
        "赵一",
        "--household",
        "001",
        "--resolution",
        "2017-1",
        "--date",
        "2017-12-31",
    ]);
    for code in [ORG, OTHER] {
        g.ok(&["--org", code, "config", "set", "signing-key", log_key]);
        g.ok(&["--org", code, "checkpoint", "--sign", log_key]);
    }
}

/// The sample village's citizen IDs (the roster's first column).
fn sample_ids() -> Vec<String> {
    std::fs::read_to_string(fixture("roster-600.csv"))
        .unwrap()
        .lines()
        .skip(1)
        .map(|line| line.split(',').next().unwrap().to_string())
        .collect()
}

/// The objects under `prefix` holding any of `ids` (their bytes searched), with the first ID.
fn holding_ids(objects: &Objects, prefix: &str, ids: &[String]) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for key in objects.keys(prefix).into_keys() {
        let bytes = objects.get(&key);
        if let Some(id) = ids
            .iter()
            .find(|id| bytes.windows(id.len()).any(|w| w == id.as_bytes()))
        {
            found.push((key, id.clone()));
        }
    }
    found
}

#[test]
fn a_township_publishes_to_object_storage_and_a_province_audits_and_witnesses_it() {
    let server = std::env::var_os("GUFEN_S3_SERVER")
        .expect("GUFEN_S3_SERVER names the S3 server's binary (scripts/s3-test installs Garage and sets it)");
    let garage = Garage::start(Path::new(&server));
    let objects = garage.bucket();
    let g = Gufen::new();
    let (log, log_key) = g.key("log.key", "village.example/log");
    let (_, witness_key) = g.key("witness.key", "province.example/witness");
    let vkey = log.vkey();
    township(&g, &log_key);
    let to = format!("s3://{BUCKET}/henan/zhengzhou");
    let at = |code: &str| format!("{to}/{code}");
    let key = |code: &str, relative: &str| format!("henan/zhengzhou/{code}/{relative}");

    // 1. Every collective of the store, each under its code, by default: the export's hash
    // tiles, charter and checkpoint byte for byte, no entry bundle, no citizen ID anywhere.
    let timer = Instant::now();
    let published: Value = serde_json::from_str(&succeeds(
        with_s3(&g, &garage, &["--format", "json", "publish", "--to", &to]),
        "the first publish",
    ))
    .unwrap();
    // Figures for docs/publish.md, printed, never asserted.
    eprintln!(
        "first publish (default): {} objects, {} bytes, {} ms",
        published["files"],
        published["bytes"],
        timer.elapsed().as_millis()
    );
    assert_eq!(published["with_entries"], false);
    let listed = objects.keys("henan/");
    assert_eq!(
        published["files"].as_u64().unwrap() as usize,
        listed.len(),
        "{published}"
    );
    assert!(
        !listed.keys().any(|k| k.contains("/tile/entries/")),
        "{listed:?}"
    );
    let ids = sample_ids();
    assert_eq!(ids.len(), 600);
    assert_eq!(holding_ids(&objects, "henan/", &ids), vec![]);
    let exports: BTreeMap<&str, BTreeMap<String, Vec<u8>>> = [ORG, OTHER]
        .into_iter()
        .map(|code| {
            let export = g.path(&format!("export-{code}"));
            g.ok(&["--org", code, "export", "--out", export.to_str().unwrap()]);
            (code, files(&export))
        })
        .collect();
    for code in [ORG, OTHER] {
        assert_eq!(line(&published, code)["ok"], true);
        assert_eq!(line(&published, code)["previous_size"], Value::Null);
        assert_eq!(line(&published, code)["entry_bundles"], 0);
        let public: Vec<(&String, &Vec<u8>)> = exports[code]
            .iter()
            .filter(|(relative, _)| !relative.starts_with("tile/entries/"))
            .collect();
        let mine: Vec<&String> = listed
            .keys()
            .filter(|k| k.starts_with(&key(code, "")))
            .collect();
        assert_eq!(mine.len(), public.len(), "{code}: {mine:?}");
        for (relative, bytes) in public {
            assert_eq!(
                &objects.get(&key(code, relative)),
                bytes,
                "{code}/{relative}"
            );
        }
    }
    let first_size = line(&published, ORG)["size"].as_u64().unwrap();
    // The sample village's 600 members and its registration: full entry bundles and a partial
    // one (so the second publish below grows a partial bundle and tile, and no tile fills).
    assert!(first_size > 512 && first_size % 256 != 255, "{first_size}");
    // Published again at once: nothing to upload.
    let again: Value = serde_json::from_str(&succeeds(
        with_s3(&g, &garage, &["--format", "json", "publish", "--to", &to]),
        "publish again",
    ))
    .unwrap();
    assert_eq!(again["files"], 0, "{again}");
    assert_eq!(objects.keys("henan/"), listed);
    // The text output says what went and what did not.
    let text = succeeds(
        with_s3(&g, &garage, &["publish", "--to", &to]),
        "publish in text",
    );
    assert!(text.contains("no entry bundles"), "{text}");
    assert!(text.contains("--with-entries"), "{text}");

    // 2. The audit of a bucket without the records is refused in words (exit 1); the witness
    // cosigns from it.
    for code in [ORG, OTHER] {
        let run = with_s3(&g, &garage, &["audit", &at(code), "--trust", &vkey]);
        assert_eq!(run.code, 1, "{code}: {}{}", run.stdout, run.stderr);
        assert!(
            run.stderr.contains(&format!(
                "{} holds the tree and checkpoint only: a full audit needs a bucket published with --with-entries; `witness cosign --from` works",
                at(code)
            )),
            "{}",
            run.stderr
        );
    }
    let first_note = String::from_utf8(objects.get(&key(ORG, "checkpoint"))).unwrap();
    let first_note_file = g.write("first.note", &first_note);
    let state = g.path("witness-state");
    let cosign = |extra: &[&str]| {
        let mut args = vec![
            "--format",
            "json",
            "witness",
            "cosign",
            "--key",
            &witness_key,
            "--log-key",
            &vkey,
            "--state",
            state.to_str().unwrap(),
        ];
        args.extend(extra);
        with_s3(&g, &garage, &args)
    };
    let from = at(ORG);
    let cosigned: Value =
        serde_json::from_str(&succeeds(cosign(&["--from", &from]), "the first cosign")).unwrap();
    assert_eq!(cosigned["size"], first_size);
    assert_eq!(cosigned["previous_size"], Value::Null);

    // 3. New records in one village, published: only the new tiles, the checkpoint.
    g.ok(&[
        "--org",
        ORG,
        "shares",
        "transfer",
        "--from",
        A,
        "--to",
        B,
        "--units",
        "0.1",
        "--gift",
        "--date",
        "2018-06-01",
    ]);
    let before = objects.keys("henan/");
    let timer = Instant::now();
    let run = with_s3(&g, &garage, &["--format", "json", "publish", "--to", &to]);
    let second: Value = serde_json::from_str(&succeeds(run, "the second publish")).unwrap();
    eprintln!(
        "second publish: {} objects, {} bytes, {} ms",
        second["files"],
        second["bytes"],
        timer.elapsed().as_millis()
    );
    let after = objects.keys("henan/");
    let new: Vec<&String> = after.keys().filter(|k| !before.contains_key(*k)).collect();
    let village = line(&second, ORG);
    assert_eq!(village["previous_size"], first_size);
    assert_eq!(village["size"], first_size + 1);
    assert_eq!(village["checkpoint"], true);
    // The level-0 tile of the new width, then the checkpoint over the old one; the full tiles
    // are not sent again, and no entry bundle.
    let (index, width) = ((first_size + 1) / 256, (first_size + 1) % 256);
    assert_eq!(
        new,
        vec![&key(ORG, &format!("tile/0/{index:03}.p/{width}"))]
    );
    assert_eq!(village["entry_bundles"], 0);
    assert_eq!(village["files"].as_u64().unwrap() as usize, new.len() + 1);
    assert_eq!(
        second["files"], village["files"],
        "the other village is up to date: {second}"
    );
    assert_eq!(line(&second, OTHER)["files"], 0);
    let second_note = String::from_utf8(objects.get(&key(ORG, "checkpoint"))).unwrap();
    assert_ne!(second_note, first_note);
    assert_eq!(holding_ids(&objects, "henan/", &ids), vec![]);
    let cosigned: Value =
        serde_json::from_str(&succeeds(cosign(&["--from", &from]), "the second cosign")).unwrap();
    assert_eq!(cosigned["size"], first_size + 1);
    assert_eq!(cosigned["previous_size"], first_size);

    // 3b. --with-entries: every entry bundle the bucket lacks (those of its tree), nothing
    // else; the bucket is now the export byte for byte, holds the IDs, and audits.
    let timer = Instant::now();
    let run = with_s3(
        &g,
        &garage,
        &["--format", "json", "publish", "--to", &to, "--with-entries"],
    );
    let archived: Value = serde_json::from_str(&succeeds(run, "publish --with-entries")).unwrap();
    eprintln!(
        "publish --with-entries after it: {} objects, {} bytes, {} ms",
        archived["files"],
        archived["bytes"],
        timer.elapsed().as_millis()
    );
    assert_eq!(archived["with_entries"], true);
    let size = first_size + 1;
    assert_eq!(line(&archived, ORG)["entry_bundles"], size.div_ceil(256));
    assert_eq!(line(&archived, ORG)["files"], size.div_ceil(256));
    assert_eq!(line(&archived, ORG)["checkpoint"], false);
    assert_eq!(line(&archived, OTHER)["entry_bundles"], 1);
    let export = g.path("export-after");
    g.ok(&["--org", ORG, "export", "--out", export.to_str().unwrap()]);
    let exported = files(&export);
    for (relative, bytes) in &exported {
        assert_eq!(&objects.get(&key(ORG, relative)), bytes, "{relative}");
    }
    assert!(!holding_ids(&objects, &key(ORG, "tile/entries/"), &ids).is_empty());
    for code in [ORG, OTHER] {
        let timer = Instant::now();
        let run = with_s3(&g, &garage, &["audit", &at(code), "--trust", &vkey]);
        succeeds(run, "the audit from the bucket");
        eprintln!(
            "audit of {code} from the bucket: {} ms",
            timer.elapsed().as_millis()
        );
    }
    let run = with_s3(
        &g,
        &garage,
        &[
            "audit",
            &at(ORG),
            "--trust",
            &vkey,
            "--known",
            &first_note_file,
        ],
    );
    succeeds(run, "the audit after the second publish");

    // 4. The witness refuses a rolled-back checkpoint and a forked log from the bucket.
    let run = cosign(&["--from", &from, "--checkpoint", &first_note_file]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(run.stderr.contains("rollback"), "{}", run.stderr);
    let fork = Gufen::new();
    common::sample_village(&fork.db(), "2017-1");
    fork.ok(&["config", "set", "signing-key", &log_key]);
    fork.ok(&[
        "shares",
        "transfer",
        "--from",
        B,
        "--to",
        A,
        "--units",
        "0.2",
        "--gift",
        "--date",
        "2018-07-01",
    ]);
    fork.ok(&[
        "hukou",
        "set",
        "--id",
        A,
        "--kind",
        "urban",
        "--locality",
        "郑州",
        "--date",
        "2018-07-02",
    ]);
    let forked_to = format!("s3://{BUCKET}/forked");
    succeeds(
        with_s3(&fork, &garage, &["publish", "--to", &forked_to]),
        "the fork's publish elsewhere",
    );
    let run = cosign(&["--from", &format!("{forked_to}/{ORG}")]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(run.stderr.contains("fork"), "{}", run.stderr);
    // Publishing the fork over the village's bucket is refused, nothing uploaded.
    let before = objects.keys("henan/");
    let run = with_s3(&fork, &garage, &["publish", "--to", &to]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(run.stderr.contains("fork"), "{}", run.stderr);
    assert_eq!(objects.keys("henan/"), before);
    assert_eq!(objects.get(&key(ORG, "checkpoint")), second_note.as_bytes());

    // 5. A byte flipped in an uploaded entry bundle, then in a hash tile: the audit fails
    // (exit 3) naming the object; put back, it passes.
    for relative in ["tile/entries/001", "tile/0/001"] {
        let object = key(ORG, relative);
        let good = objects.get(&object);
        let mut bad = good.clone();
        bad[good.len() / 2] ^= 0x20;
        objects.put(&object, &bad);
        let run = with_s3(&g, &garage, &["audit", &at(ORG), "--trust", &vkey]);
        assert_eq!(run.code, 3, "{relative}: {}", run.stderr);
        assert!(
            run.stderr.contains(&format!("{}/{relative}", at(ORG)))
                || run.stderr.contains(relative),
            "{relative}: {}",
            run.stderr
        );
        objects.put(&object, &good);
    }
    succeeds(
        with_s3(&g, &garage, &["audit", &at(ORG), "--trust", &vkey]),
        "the audit with the objects put back",
    );

    // 6. What cannot be done is refused in words: no credentials to publish, a read the bucket
    // does not allow without them, no bundle there.
    let output = common::command(&g.db())
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .args(["publish", "--to", &to, "--endpoint", &garage.endpoint])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("AWS_ACCESS_KEY_ID"));
    let output = common::command(&g.db())
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env("AWS_REGION", REGION)
        .args([
            "audit",
            &at(ORG),
            "--trust",
            &vkey,
            "--endpoint",
            &garage.endpoint,
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("answered 403"), "{stderr}");
    let run = with_s3(
        &g,
        &garage,
        &[
            "audit",
            &format!("s3://{BUCKET}/nothing-here"),
            "--trust",
            &vkey,
        ],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("holds no object"), "{}", run.stderr);

    // 7. --collective names the collectives, --org only when there is none; each once.
    let run = with_s3(
        &g,
        &garage,
        &[
            "--org",
            OTHER,
            "--format",
            "json",
            "publish",
            "--to",
            &format!("s3://{BUCKET}/only"),
            "--collective",
            ORG,
            "--collective",
            &ORG.to_ascii_lowercase(),
        ],
    );
    let only: Value = serde_json::from_str(&succeeds(run, "publish --collective")).unwrap();
    let codes: Vec<&Value> = only["collectives"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| &l["code"])
        .collect();
    assert_eq!(codes, vec![ORG]);
    assert!(objects
        .keys("only/")
        .keys()
        .all(|k| k.starts_with(&format!("only/{ORG}/"))));
}
