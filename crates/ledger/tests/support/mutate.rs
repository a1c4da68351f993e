//! A coverage-free mutation fuzzer on proptest, shared by the fuzz targets of the ledger
//! (`crates/ledger/tests/fuzz.rs`) and of the binary's file parsers (`crates/cli/src/fuzz_tests.rs`,
//! which includes this file by path).
//!
//! Each case picks a seed from `fixtures/fuzz/<target>/` and applies a few random mutations:
//! bit flips, byte sets, insertions (random bytes, dictionary tokens, chunks of another seed),
//! deletions, a splice with another seed, truncation, a slice repeated, a fixed-width integer
//! written over the bytes. The number of cases is `GUFEN_FUZZ_CASES` (default
//! [`DEFAULT_CASES`]); with `GUFEN_FUZZ_LAST=FILE` every input is written to FILE before it is
//! read, so an input that aborts the process (which proptest cannot catch) is left behind.

#![allow(dead_code)]

use proptest::prelude::*;
use proptest::test_runner::Config;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

/// Cases per target when `GUFEN_FUZZ_CASES` is not set: every target together stays well under
/// 20 seconds in a debug build.
pub const DEFAULT_CASES: u32 = 5000;
/// The largest input a mutation makes: repeats and inserts stop growing an input here.
pub const INPUT_MAX: usize = 1 << 16;

/// Tokens inserted whole: framing bytes of the formats read (CSV, TOML, notes, JSON, bincode
/// varint tags), characters gufen refuses in text, and long UTF-8 sequences.
const TOKENS: &[&[u8]] = &[
    b"\n",
    b"\r\n",
    b",",
    b"\"",
    b"\"\"",
    b"=",
    b"[",
    b"]",
    b"[[",
    b"{",
    b"}",
    b"#",
    b" ",
    b"\t",
    b"\0",
    b"\\",
    b"\\u0000",
    b"\\ud800",
    b"'''",
    b"\"\"\"",
    b"\n\n",
    "\u{2014} ".as_bytes(),
    b"+",
    b"-",
    b".",
    b"0",
    b"-1",
    b"1e400",
    b"18446744073709551616",
    b"9999-12-31",
    b"0000-00-00",
    b"id",
    "\u{FEFF}".as_bytes(),
    "\u{202E}".as_bytes(),
    "\u{1b}[2J".as_bytes(),
    "股".as_bytes(),
    "\u{10FFFF}".as_bytes(),
    b"\xff",
    b"\xc0\x80",
    b"\xfb",
    b"\xfc",
    b"\xfd",
    b"\xfe",
    b"\xff\xff\xff\xff",
    b"\x7f\xff\xff\xff",
    b"\x00\x00\x00\x00",
    b"\x03\xff\xff\xff",
    b"AAAA",
    b"====",
];

/// Integers written over the bytes (fixed width, either byte order): edges of lengths, counts,
/// dates and amounts.
const WORDS: &[u64] = &[
    0,
    1,
    2,
    0x7f,
    0x80,
    0xff,
    0x100,
    0x7fff,
    0x8000,
    0xffff,
    0x1_0000,
    0x7fff_ffff,
    0x8000_0000,
    0xffff_ffff,
    0x4000_0000,
    0x0400_0001,
    i64::MAX as u64,
    i64::MIN as u64,
    u64::MAX,
];

#[derive(Debug, Clone)]
pub enum Mutation {
    Flip {
        at: usize,
        bit: u8,
    },
    Set {
        at: usize,
        byte: u8,
    },
    Insert {
        at: usize,
        bytes: Vec<u8>,
    },
    Token {
        at: usize,
        token: usize,
    },
    Delete {
        at: usize,
        len: usize,
    },
    /// This input up to `at`, then another seed from `start` on.
    Splice {
        at: usize,
        seed: usize,
        start: usize,
    },
    /// A chunk of another seed inserted at `at`.
    CopyIn {
        at: usize,
        seed: usize,
        start: usize,
        len: usize,
    },
    Truncate {
        at: usize,
    },
    Repeat {
        at: usize,
        len: usize,
        times: usize,
    },
    Word {
        at: usize,
        word: usize,
        width: usize,
        big_endian: bool,
    },
}

/// One fuzz input: a seed and the mutations applied to it, in order.
#[derive(Debug, Clone)]
pub struct Input {
    pub seed: usize,
    pub mutations: Vec<Mutation>,
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let at = any::<usize>();
    prop_oneof![
        3 => (at, 0u8..8).prop_map(|(at, bit)| Mutation::Flip { at, bit }),
        2 => (at, any::<u8>()).prop_map(|(at, byte)| Mutation::Set { at, byte }),
        2 => (at, proptest::collection::vec(any::<u8>(), 1..8))
            .prop_map(|(at, bytes)| Mutation::Insert { at, bytes }),
        3 => (at, 0..TOKENS.len()).prop_map(|(at, token)| Mutation::Token { at, token }),
        2 => (at, 1usize..32).prop_map(|(at, len)| Mutation::Delete { at, len }),
        1 => (at, any::<usize>(), any::<usize>())
            .prop_map(|(at, seed, start)| Mutation::Splice { at, seed, start }),
        1 => (at, any::<usize>(), any::<usize>(), 1usize..64)
            .prop_map(|(at, seed, start, len)| Mutation::CopyIn { at, seed, start, len }),
        1 => at.prop_map(|at| Mutation::Truncate { at }),
        1 => (at, 1usize..16, 1usize..256)
            .prop_map(|(at, len, times)| Mutation::Repeat { at, len, times }),
        2 => (at, 0..WORDS.len(), prop_oneof![Just(1usize), Just(2), Just(4), Just(8)], any::<bool>())
            .prop_map(|(at, word, width, big_endian)| Mutation::Word { at, word, width, big_endian }),
    ]
}

/// Inputs made from `count` seeds: up to 8 mutations (none now and then, so the seeds
/// themselves are read too).
pub fn input(count: usize) -> impl Strategy<Value = Input> {
    assert!(count > 0, "a fuzz target needs at least one seed");
    (0..count, proptest::collection::vec(mutation(), 0..8))
        .prop_map(|(seed, mutations)| Input { seed, mutations })
}

impl Input {
    /// The bytes: the seed with every mutation applied.
    pub fn bytes(&self, seeds: &[Vec<u8>]) -> Vec<u8> {
        let mut out = seeds[self.seed].clone();
        for mutation in &self.mutations {
            apply(&mut out, mutation, seeds);
        }
        if let Ok(path) = std::env::var("GUFEN_FUZZ_LAST") {
            let _ = std::fs::write(path, &out);
        }
        out
    }
}

fn apply(out: &mut Vec<u8>, mutation: &Mutation, seeds: &[Vec<u8>]) {
    let len = out.len();
    // A position in the input (0 when it is empty) and one between bytes.
    let byte = |at: usize| at.checked_rem(len);
    let gap = |at: usize| at % (len + 1);
    let room = INPUT_MAX.saturating_sub(len);
    match *mutation {
        Mutation::Flip { at, bit } => {
            if let Some(at) = byte(at) {
                out[at] ^= 1 << bit;
            }
        }
        Mutation::Set { at, byte: value } => {
            if let Some(at) = byte(at) {
                out[at] = value;
            }
        }
        Mutation::Insert { at, ref bytes } => insert(out, gap(at), bytes, room),
        Mutation::Token { at, token } => insert(out, gap(at), TOKENS[token], room),
        Mutation::Delete { at, len: n } => {
            let at = gap(at);
            let end = (at + n).min(len);
            out.drain(at..end);
        }
        Mutation::Splice { at, seed, start } => {
            let other = &seeds[seed % seeds.len()];
            let start = start % (other.len() + 1);
            out.truncate(gap(at));
            let take = other.len().saturating_sub(start).min(INPUT_MAX - out.len());
            out.extend_from_slice(&other[start..start + take]);
        }
        Mutation::CopyIn {
            at,
            seed,
            start,
            len: n,
        } => {
            let other = &seeds[seed % seeds.len()];
            let start = start % (other.len() + 1);
            let end = (start + n).min(other.len());
            insert(out, gap(at), &other[start..end], room);
        }
        Mutation::Truncate { at } => out.truncate(gap(at)),
        Mutation::Repeat { at, len: n, times } => {
            if let Some(at) = byte(at) {
                let end = (at + n).min(len);
                let chunk = out[at..end].to_vec();
                let times = times.min(room / chunk.len().max(1));
                let repeated: Vec<u8> = chunk.repeat(times);
                insert(out, end, &repeated, room);
            }
        }
        Mutation::Word {
            at,
            word,
            width,
            big_endian,
        } => {
            let value = WORDS[word];
            let bytes = if big_endian {
                value.to_be_bytes()[8 - width..].to_vec()
            } else {
                value.to_le_bytes()[..width].to_vec()
            };
            if len >= width {
                let at = at % (len - width + 1);
                out[at..at + width].copy_from_slice(&bytes);
            } else {
                insert(out, gap(at), &bytes, room);
            }
        }
    }
}

fn insert(out: &mut Vec<u8>, at: usize, bytes: &[u8], room: usize) {
    let bytes = &bytes[..bytes.len().min(room)];
    out.splice(at..at, bytes.iter().copied());
}

/// The proptest configuration of a fuzz target: `GUFEN_FUZZ_CASES` cases (default
/// [`DEFAULT_CASES`]); a failure is saved by proptest as usual.
pub fn config() -> Config {
    let cases = std::env::var("GUFEN_FUZZ_CASES")
        .ok()
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(DEFAULT_CASES);
    Config {
        cases,
        max_shrink_iters: 10_000,
        ..Config::default()
    }
}

/// `fixtures/fuzz`, found from the crate's manifest directory upward.
pub fn corpus_dir() -> PathBuf {
    let mut dir = Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf();
    loop {
        let candidate = dir.join("fixtures").join("fuzz");
        if candidate.is_dir() {
            return candidate;
        }
        assert!(dir.pop(), "fixtures/fuzz not found above the crate");
    }
}

/// A target's name and its seeds.
type Corpus = (String, &'static [Vec<u8>]);

/// The seeds of a target: every file in `fixtures/fuzz/<target>/`, by name; read once.
pub fn seeds(target: &str) -> &'static [Vec<u8>] {
    static LOADED: OnceLock<Mutex<Vec<Corpus>>> = OnceLock::new();
    let mut loaded = LOADED.get_or_init(Default::default).lock().unwrap();
    if let Some((_, seeds)) = loaded.iter().find(|(name, _)| name == target) {
        return seeds;
    }
    let dir = corpus_dir().join(target);
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_file())
        .collect();
    paths.sort();
    let seeds: Vec<Vec<u8>> = paths.iter().map(|p| std::fs::read(p).unwrap()).collect();
    assert!(!seeds.is_empty(), "no seeds in {}", dir.display());
    let seeds: &'static [Vec<u8>] = Box::leak(seeds.into_boxed_slice());
    loaded.push((target.to_string(), seeds));
    seeds
}

/// A corpus file's text (keys beside the target directories).
pub fn corpus_text(name: &str) -> String {
    std::fs::read_to_string(corpus_dir().join(name)).unwrap()
}
