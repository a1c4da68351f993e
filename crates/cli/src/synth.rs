//! Synthetic villages: deterministic rosters with valid citizen IDs and Chinese names, for the
//! demo, the fixture roster and the benchmarks. Nobody in them is a real person.

use gufen_core::ids::citizen_check_character;
use std::collections::HashSet;

/// A small deterministic generator (SplitMix64), so a seed always yields the same village.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗",
];
const GIVEN: &[&str] = &[
    "秀", "英", "华", "明", "建", "国", "丽", "军", "芳", "伟", "兰", "强", "平", "敏", "霞", "勇",
    "杰", "娟", "刚", "红", "玉", "桂", "春", "海", "云", "志", "文", "德", "金", "凤",
];

#[derive(Debug, Clone)]
pub struct SynthPerson {
    pub id: String,
    pub name: String,
    pub household: String,
    pub class: String,
    pub units: String,
}

/// A valid 18-character citizen ID born in 新密市 (410183).
fn citizen_id(rng: &mut Rng, seen: &mut HashSet<String>) -> String {
    loop {
        let year = 1940 + rng.below(75);
        let month = 1 + rng.below(12);
        let day = 1 + rng.below(28);
        let sequence = rng.below(1000);
        let first17 = format!("410183{year:04}{month:02}{day:02}{sequence:03}");
        let id = format!("{first17}{}", citizen_check_character(&first17));
        if seen.insert(id.clone()) {
            return id;
        }
    }
}

/// `persons` persons in households of 1 to 6, each with 1 basic share (some with 0.5).
pub fn roster(persons: usize, seed: u64) -> Vec<SynthPerson> {
    roster_apart(persons, seed, &mut HashSet::with_capacity(persons))
}

/// A roster as `roster` makes it, none of whose IDs is in `seen` (the persons of other villages
/// of one township); its own IDs are added to `seen`.
pub fn roster_apart(persons: usize, seed: u64, seen: &mut HashSet<String>) -> Vec<SynthPerson> {
    let mut rng = Rng::new(seed);
    let mut out = Vec::with_capacity(persons);
    let mut household_number = 0;
    while out.len() < persons {
        household_number += 1;
        let size = (1 + rng.below(6) as usize).min(persons - out.len());
        let surname = SURNAMES[rng.below(SURNAMES.len() as u64) as usize];
        for _ in 0..size {
            let mut name = surname.to_string();
            for _ in 0..(1 + rng.below(2)) {
                name.push_str(GIVEN[rng.below(GIVEN.len() as u64) as usize]);
            }
            let units = if rng.below(10) == 0 { "0.5" } else { "1" };
            out.push(SynthPerson {
                id: citizen_id(&mut rng, seen),
                name,
                household: format!("{household_number:05}"),
                class: "basic".into(),
                units: units.into(),
            });
        }
    }
    out
}

pub fn roster_csv(persons: &[SynthPerson]) -> String {
    let mut text = String::from("id,name,household,class,units\n");
    for p in persons {
        text.push_str(&format!(
            "{},{},{},{},{}\n",
            p.id, p.name, p.household, p.class, p.units
        ));
    }
    text
}

/// The n-th ID of an endless sequence of distinct valid citizen IDs (born 1950-01-01 + n/1000 days).
pub fn nth_citizen_id(n: u64) -> String {
    let born = chrono::NaiveDate::from_ymd_opt(1950, 1, 1).expect("a date")
        + chrono::Duration::days((n / 1000) as i64);
    let first17 = format!("410183{}{:03}", born.format("%Y%m%d"), n % 1000);
    format!("{first17}{}", citizen_check_character(&first17))
}
