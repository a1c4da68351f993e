//! Pins the record format: a change to the bytes or hash of a fixed record of any event or
//! correction variant, a variant without a golden record, or docs/format.md drifting from the
//! bytes (a variant missing or misnumbered, a payload field missing, misplaced or mistyped, an
//! encoding rule that no longer holds).
//!
//! fixtures/golden/records.json holds one record per `Event` variant and one `RecordCorrected`
//! per `Reversal` variant, chained as a ledger chains them. `GUFEN_BLESS_GOLDEN=1` rewrites the
//! file; that is a format change and needs a new format or schema version.

use chrono::NaiveDate;
use gufen_core::amount::{Coefficient, Percent};
use gufen_core::charter::{ApprovalBody, Management, Rounding, ShareClass};
use gufen_core::event::*;
use gufen_core::variants::variant_names;
use gufen_core::{Charter, OrgCode, PersonId};
use gufen_ledger::record::{self, hex, record_hash, BatchRef, Record, FORMAT_VERSION};
use std::collections::BTreeMap;

const ORG: &str = "N2410183MF0000001Y";
const GOLDEN_PATH: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../fixtures/golden/records.json"
);
const FORMAT_MD_PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/format.md");

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

fn person(text: &str) -> PersonId {
    PersonId::parse(text).unwrap()
}

/// The member most records are about.
fn wang() -> PersonId {
    person("360426199101010071")
}

/// A second member.
fn li() -> PersonId {
    person("412723199010050012")
}

/// A non-PRC heir, known by a passport (R5).
fn heir() -> PersonId {
    person("passport:E12345678")
}

/// The sample charter with a cap of 100%, written out so that no parser default can move it.
fn charter() -> Charter {
    Charter {
        name: "溱水村股份经济合作社".into(),
        code: OrgCode::parse(ORG).unwrap(),
        province: "河南".into(),
        baseline_date: date("2017-12-31"),
        management: Management::Static,
        holding_cap_percent: Percent(1_000_000),
        inheritance_counts_toward_cap: false,
        reserve_rate_percent: Percent(100_000),
        reserve_floor_percent: Percent(100_000),
        welfare_rate_percent: Percent(50_000),
        welfare_floor_percent: Percent(50_000),
        notice_days: 15,
        approval_body: ApprovalBody::Members,
        rounding: Rounding::LargestRemainder,
        collective_share: false,
        classes: vec![
            ShareClass {
                code: "basic".into(),
                name: "人口股".into(),
                coefficient: Coefficient(10_000),
            },
            ShareClass {
                code: "labor".into(),
                name: "农龄股".into(),
                coefficient: Coefficient(5_000),
            },
        ],
    }
}

fn person_registered() -> PersonRegistered {
    PersonRegistered {
        person: heir(),
        name: "Anna Wang".into(),
        household: None,
    }
}

fn membership_confirmed() -> MembershipConfirmed {
    MembershipConfirmed {
        person: wang(),
        name: "王秀英".into(),
        household: "001".into(),
        resolution: "2017-1".into(),
    }
}

fn membership_lost() -> MembershipLost {
    MembershipLost {
        person: li(),
        ground: LossGround::CivilServant,
        note: "2019 公务员录用".into(),
    }
}

fn household_moved() -> HouseholdMoved {
    HouseholdMoved {
        person: wang(),
        from: Some("001".into()),
        to: "002".into(),
    }
}

fn household_head_named() -> HouseholdHeadNamed {
    HouseholdHeadNamed {
        household: "002".into(),
        person: wang(),
    }
}

fn hukou_recorded() -> HukouRecorded {
    HukouRecorded {
        person: wang(),
        kind: HukouKind::Urban,
        locality: "郑州市金水区".into(),
    }
}

fn life_event_recorded() -> LifeEventRecorded {
    LifeEventRecorded {
        person: wang(),
        kind: LifeEvent::Marriage,
        note: "外嫁".into(),
    }
}

fn shares_allotted() -> SharesAllotted {
    SharesAllotted {
        person: wang(),
        class: "basic".into(),
        units: 15_000,
        resolution: "2017-2".into(),
    }
}

fn collective_shares_allotted() -> CollectiveSharesAllotted {
    CollectiveSharesAllotted {
        class: "basic".into(),
        units: 300_000,
        resolution: "2017-3".into(),
    }
}

fn distribution_drafted() -> DistributionDrafted {
    DistributionDrafted {
        year: 2018,
        record_date: date("2018-12-31"),
        income_fen: 12_345_678,
        losses_fen: 0,
        reserve_rate_ppm: 100_000,
        welfare_rate_ppm: 50_000,
        reserve_fen: 1_234_567,
        welfare_fen: 617_283,
        distributable_fen: 10_493_828,
        rounding: Rounding::RoundDown,
        total_weighted_units: 30_000,
        collective_weighted_units: 0,
        collective_fen: 0,
        retained_fen: 0,
        lines: vec![
            PlanLine {
                person: wang(),
                weighted_units: 15_000,
                amount_fen: 5_246_914,
            },
            PlanLine {
                person: li(),
                weighted_units: 15_000,
                amount_fen: 5_246_914,
            },
        ],
    }
}

fn distribution_noticed() -> DistributionNoticed {
    DistributionNoticed { year: 2018 }
}

fn distribution_approved() -> DistributionApproved {
    DistributionApproved {
        year: 2018,
        body: ApprovalBody::Representatives,
        votes_for: 41,
        eligible: 57,
        resolution: "2019-1".into(),
    }
}

fn dividend_declared() -> DividendDeclared {
    DividendDeclared {
        year: 2018,
        person: wang(),
        weighted_units: 15_000,
        amount_fen: 5_246_914,
        estate: true,
    }
}

fn distribution_posted() -> DistributionPosted {
    DistributionPosted {
        year: 2018,
        lines: 2,
        declared_fen: 10_493_828,
        collective_fen: 0,
        retained_fen: 0,
        distributable_fen: 10_493_828,
    }
}

fn dividend_paid() -> DividendPaid {
    DividendPaid {
        year: 2018,
        person: wang(),
        amount_fen: 5_246_914,
        reference: "银行流水 0001".into(),
    }
}

fn shares_pledged() -> SharesPledged {
    SharesPledged {
        person: wang(),
        units: 5_000,
        pledgee: "农商银行".into(),
        contract: "ZY-2019-01".into(),
    }
}

fn pledge_released() -> PledgeReleased {
    PledgeReleased {
        person: wang(),
        contract: "ZY-2019-01".into(),
    }
}

fn shares_transferred() -> SharesTransferred {
    SharesTransferred {
        from: wang(),
        to: li(),
        class: "basic".into(),
        units: 5_000,
        price_fen: 250_000,
        gift: false,
    }
}

fn death_recorded() -> DeathRecorded {
    DeathRecorded { person: wang() }
}

fn estate_settled() -> EstateSettled {
    EstateSettled {
        deceased: wang(),
        fractions: vec![(li(), 2, 3), (heir(), 1, 3)],
        shares: vec![
            HeirShare {
                heir: li(),
                class: "basic".into(),
                units: 6_667,
            },
            HeirShare {
                heir: heir(),
                class: "basic".into(),
                units: 3_333,
            },
        ],
    }
}

fn shares_redeemed() -> SharesRedeemed {
    SharesRedeemed {
        person: li(),
        class: "basic".into(),
        units: 5_000,
        price_fen: 300_000,
        resolution: "2020-2".into(),
        to_collective: true,
    }
}

fn membership_exited() -> MembershipExited {
    MembershipExited {
        person: li(),
        resolution: "2020-3".into(),
    }
}

fn shares_pledged_in_class() -> SharesPledgedInClass {
    SharesPledgedInClass {
        pledge: shares_pledged(),
        class: "labor".into(),
    }
}

fn charter_loss_ground() -> CharterLossGround {
    CharterLossGround {
        code: "long-absence".into(),
        name: "连续五年不履行成员义务".into(),
        article: "第十二条".into(),
    }
}

fn membership_lost_cited() -> MembershipLostCited {
    MembershipLostCited {
        lost: MembershipLost {
            person: li(),
            ground: LossGround::Charter,
            note: "".into(),
        },
        charter_ground: Some(charter_loss_ground()),
        resolution: Some("2020-3".into()),
        other_collective: None,
    }
}

fn membership_exited_on_application() -> MembershipExitedOnApplication {
    MembershipExitedOnApplication {
        exited: membership_exited(),
        application: "2024-申请-7".into(),
    }
}

fn shares_redeemed_with_consent() -> SharesRedeemedWithConsent {
    SharesRedeemedWithConsent {
        redeemed: shares_redeemed(),
        authority: RedemptionAuthority::Consent("2024-同意-7".into()),
    }
}

fn quantification_plan_adopted() -> QuantificationPlanAdopted {
    QuantificationPlanAdopted {
        resolution: "2017-2".into(),
        totals: vec![
            PlanTotal {
                class: "basic".into(),
                units: 1_000_000,
            },
            PlanTotal {
                class: "labor".into(),
                units: 500_000,
            },
        ],
    }
}

fn corrected(seq: u64, reversal: Reversal) -> Event {
    Event::RecordCorrected(Box::new(RecordCorrected {
        seq,
        reason: "录入错误".into(),
        reversal,
    }))
}

/// The golden events in file order. The first four are the original golden records; after them
/// every other event in variant order, then a correction of each kind in variant order. A new
/// variant goes at the end, so no earlier record's bytes or hash move.
fn golden_events() -> Vec<Event> {
    vec![
        Event::CollectiveRegistered(Box::new(CollectiveRegistered { charter: charter() })),
        Event::MembershipConfirmed(membership_confirmed()),
        Event::SharesAllotted(shares_allotted()),
        Event::HukouRecorded(hukou_recorded()),
        Event::PersonRegistered(person_registered()),
        Event::MembershipLost(membership_lost()),
        Event::HouseholdMoved(household_moved()),
        Event::HouseholdHeadNamed(household_head_named()),
        Event::LifeEventRecorded(life_event_recorded()),
        Event::CollectiveSharesAllotted(collective_shares_allotted()),
        Event::DistributionDrafted(distribution_drafted()),
        Event::DistributionNoticed(distribution_noticed()),
        Event::DistributionApproved(distribution_approved()),
        Event::DividendDeclared(dividend_declared()),
        Event::DistributionPosted(distribution_posted()),
        Event::DividendPaid(dividend_paid()),
        Event::SharesPledged(shares_pledged()),
        Event::PledgeReleased(pledge_released()),
        Event::SharesTransferred(Box::new(shares_transferred())),
        Event::DeathRecorded(death_recorded()),
        Event::EstateSettled(estate_settled()),
        Event::SharesRedeemed(shares_redeemed()),
        Event::MembershipExited(membership_exited()),
        Event::SharesPledgedInClass(Box::new(shares_pledged_in_class())),
        corrected(2, Reversal::Allotment(shares_allotted())),
        corrected(18, Reversal::Transfer(shares_transferred())),
        corrected(16, Reversal::Pledge(shares_pledged())),
        corrected(5, Reversal::MembershipLoss(membership_lost())),
        corrected(21, Reversal::Redemption(shares_redeemed())),
        corrected(22, Reversal::Exit(membership_exited())),
        corrected(8, Reversal::LifeEvent(life_event_recorded())),
        corrected(19, Reversal::Death(death_recorded())),
        corrected(20, Reversal::Estate(estate_settled())),
        corrected(
            1,
            Reversal::Confirmation(ConfirmationUndone {
                confirmed: membership_confirmed(),
                before: Some(EarlierMembership {
                    since: date("2010-01-01"),
                    ended: date("2015-06-30"),
                    ground: LossGround::Nationality,
                }),
                household: None,
            }),
        ),
        corrected(6, Reversal::HouseholdMove(household_moved())),
        corrected(
            7,
            Reversal::HouseholdHead(HouseholdHeadUndone {
                named: household_head_named(),
                previous: Some(li()),
            }),
        ),
        corrected(
            3,
            Reversal::Hukou(HukouUndone {
                recorded: hukou_recorded(),
                previous: Some((
                    HukouRecorded {
                        person: wang(),
                        kind: HukouKind::Rural,
                        locality: "新密市".into(),
                    },
                    date("1991-01-01"),
                )),
            }),
        ),
        corrected(
            9,
            Reversal::CollectiveAllotment(collective_shares_allotted()),
        ),
        corrected(10, Reversal::Draft(distribution_drafted())),
        corrected(11, Reversal::Notice(distribution_noticed())),
        corrected(12, Reversal::Approval(distribution_approved())),
        corrected(14, Reversal::Posting(distribution_posted())),
        corrected(15, Reversal::Payment(dividend_paid())),
        corrected(4, Reversal::Registration(person_registered())),
        corrected(
            17,
            Reversal::Release(PledgeReopened {
                released: pledge_released(),
                pledge: shares_pledged(),
                class: Some("labor".into()),
                since: date("2019-03-01"),
            }),
        ),
        Event::RepresentativeElected(representative_elected()),
        Event::RepresentativeLeft(representative_left()),
        corrected(
            45,
            Reversal::RepresentativeElection(representative_elected()),
        ),
        corrected(
            46,
            Reversal::RepresentativeDeparture(RepresentativeReseated {
                left: representative_left(),
                since: date("2020-01-10"),
                elected_by: "2020-代表-1".into(),
            }),
        ),
        Event::LossGroundsAdopted(LossGroundsAdopted {
            grounds: vec![charter_loss_ground()],
        }),
        Event::MembershipLostCited(Box::new(membership_lost_cited())),
        Event::MembershipExitedOnApplication(membership_exited_on_application()),
        Event::SharesRedeemedWithConsent(Box::new(shares_redeemed_with_consent())),
        Event::QuantificationPlanAdopted(quantification_plan_adopted()),
        corrected(
            53,
            Reversal::QuantificationPlan(quantification_plan_adopted()),
        ),
        Event::BankAccountSet(BankAccountSet {
            person: wang(),
            bank: "新密农商银行".into(),
            account: "6228480012345678".into(),
            holder: "王伟".into(),
        }),
        Event::BankAccountCleared(BankAccountCleared { person: wang() }),
        Event::DividendPaymentFailed(Box::new(DividendPaymentFailed {
            year: 2018,
            person: wang(),
            amount_fen: 5_246_914,
            line_reference: "GF2018-0001".into(),
            bank_reference: Some("20190115000123".into()),
            reason: "户名与账号不符".into(),
        })),
    ]
}

fn representative_elected() -> RepresentativeElected {
    RepresentativeElected {
        person: wang(),
        resolution: "2020-代表-1".into(),
    }
}

fn representative_left() -> RepresentativeLeft {
    RepresentativeLeft {
        person: wang(),
        resolution: "2023-代表-2".into(),
    }
}

/// The golden entry of each event and correction variant. No wildcard arm: a new variant does
/// not compile until it is named here, and `every_variant_has_exactly_one_golden_record` then
/// fails until `golden_events` holds one.
fn entry_name(event: &Event) -> &'static str {
    match event {
        Event::CollectiveRegistered(_) => "collective-registered",
        Event::PersonRegistered(_) => "person-registered",
        Event::MembershipConfirmed(_) => "membership-confirmed",
        Event::MembershipLost(_) => "membership-lost",
        Event::HouseholdMoved(_) => "household-moved",
        Event::HouseholdHeadNamed(_) => "household-head-named",
        Event::HukouRecorded(_) => "hukou-recorded",
        Event::LifeEventRecorded(_) => "life-event-recorded",
        Event::SharesAllotted(_) => "shares-allotted",
        Event::CollectiveSharesAllotted(_) => "collective-shares-allotted",
        Event::DistributionDrafted(_) => "distribution-drafted",
        Event::DistributionNoticed(_) => "distribution-noticed",
        Event::DistributionApproved(_) => "distribution-approved",
        Event::DividendDeclared(_) => "dividend-declared",
        Event::DistributionPosted(_) => "distribution-posted",
        Event::DividendPaid(_) => "dividend-paid",
        Event::SharesPledged(_) => "shares-pledged",
        Event::PledgeReleased(_) => "pledge-released",
        Event::SharesTransferred(_) => "shares-transferred",
        Event::DeathRecorded(_) => "death-recorded",
        Event::EstateSettled(_) => "estate-settled",
        Event::SharesRedeemed(_) => "shares-redeemed",
        Event::MembershipExited(_) => "membership-exited",
        Event::SharesPledgedInClass(_) => "shares-pledged-in-class",
        Event::RepresentativeElected(_) => "representative-elected",
        Event::RepresentativeLeft(_) => "representative-left",
        Event::LossGroundsAdopted(_) => "loss-grounds-adopted",
        Event::MembershipLostCited(_) => "membership-lost-cited",
        Event::MembershipExitedOnApplication(_) => "membership-exited-on-application",
        Event::SharesRedeemedWithConsent(_) => "shares-redeemed-with-consent",
        Event::QuantificationPlanAdopted(_) => "quantification-plan-adopted",
        Event::BankAccountSet(_) => "bank-account-set",
        Event::BankAccountCleared(_) => "bank-account-cleared",
        Event::DividendPaymentFailed(_) => "dividend-payment-failed",
        Event::RecordCorrected(c) => match c.reversal {
            Reversal::Allotment(_) => "record-corrected/allotment",
            Reversal::Transfer(_) => "record-corrected/transfer",
            Reversal::Pledge(_) => "record-corrected/pledge",
            Reversal::MembershipLoss(_) => "record-corrected/membership-loss",
            Reversal::Redemption(_) => "record-corrected/redemption",
            Reversal::Exit(_) => "record-corrected/exit",
            Reversal::LifeEvent(_) => "record-corrected/life-event",
            Reversal::Death(_) => "record-corrected/death",
            Reversal::Estate(_) => "record-corrected/estate",
            Reversal::Confirmation(_) => "record-corrected/confirmation",
            Reversal::HouseholdMove(_) => "record-corrected/household-move",
            Reversal::HouseholdHead(_) => "record-corrected/household-head",
            Reversal::Hukou(_) => "record-corrected/hukou",
            Reversal::CollectiveAllotment(_) => "record-corrected/collective-allotment",
            Reversal::Draft(_) => "record-corrected/draft",
            Reversal::Notice(_) => "record-corrected/notice",
            Reversal::Approval(_) => "record-corrected/approval",
            Reversal::Posting(_) => "record-corrected/posting",
            Reversal::Payment(_) => "record-corrected/payment",
            Reversal::Registration(_) => "record-corrected/registration",
            Reversal::Release(_) => "record-corrected/release",
            Reversal::RepresentativeElection(_) => "record-corrected/representative-election",
            Reversal::RepresentativeDeparture(_) => "record-corrected/representative-departure",
            Reversal::QuantificationPlan(_) => "record-corrected/quantification-plan",
        },
    }
}

/// The golden records: one chain from genesis, each record's `stream_version` counting the
/// earlier records of its stream, everything else fixed.
fn golden_records() -> Vec<(&'static str, Record)> {
    let mut prev = record::genesis_prev(ORG);
    let mut stream_versions: BTreeMap<String, u64> = BTreeMap::new();
    golden_events()
        .into_iter()
        .enumerate()
        .map(|(i, event)| {
            let stream = event.stream();
            let stream_version = stream_versions.entry(stream.clone()).or_insert(0);
            let record = Record {
                format_version: FORMAT_VERSION,
                ledger_id: ORG.into(),
                seq: i as u64,
                prev,
                batch: BatchRef {
                    command_id: [i as u8; 16],
                    index: 0,
                    len: 1,
                },
                recorded_at_micros: 1_514_678_400_000_000,
                effective_days: record::days_from_date(date("2017-12-31")),
                actor: "会计".into(),
                stream,
                stream_version: *stream_version,
                event_type: event.type_name().into(),
                schema_version: event.schema_version(),
                payload: record::encode(&event),
            };
            *stream_version += 1;
            prev = record_hash(&record.encode());
            (entry_name(&event), record)
        })
        .collect()
}

/// The golden entries as stored: name, bytes and hash.
fn stored_golden() -> Vec<(String, Vec<u8>, String)> {
    let text = std::fs::read_to_string(GOLDEN_PATH).unwrap();
    let entries: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
    entries
        .iter()
        .map(|entry| {
            let field = |key: &str| entry[key].as_str().unwrap().to_string();
            let bytes = ::hex::decode(field("bytes_hex")).unwrap();
            (field("name"), bytes, field("hash_hex"))
        })
        .collect()
}

#[test]
fn golden_record_bytes_and_hashes_do_not_change() {
    let computed: Vec<serde_json::Value> = golden_records()
        .iter()
        .map(|(name, record)| {
            let bytes = record.encode();
            serde_json::json!({"name": name, "bytes_hex": hex(&bytes), "hash_hex": hex(&record_hash(&bytes))})
        })
        .collect();
    if std::env::var_os("GUFEN_BLESS_GOLDEN").is_some() {
        let text = serde_json::to_string_pretty(&computed).unwrap() + "\n";
        std::fs::write(GOLDEN_PATH, text).unwrap();
    }
    let stored: Vec<serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(GOLDEN_PATH).unwrap()).unwrap();
    for (want, got) in stored.iter().zip(&computed) {
        assert_eq!(want, got, "record encoding changed for {}", want["name"]);
    }
    assert_eq!(
        stored.len(),
        computed.len(),
        "golden records stored vs computed"
    );
}

/// Read back without this program's structs: each stored record decodes, re-encodes to the same
/// bytes, holds the event its name says, hashes to the stored hash and links to the one before.
#[test]
fn golden_records_decode_to_their_events_and_form_one_chain() {
    let events = golden_events();
    let stored = stored_golden();
    assert_eq!(stored.len(), events.len());
    let mut prev = record::genesis_prev(ORG);
    for ((name, bytes, hash_hex), event) in stored.iter().zip(&events) {
        let decoded = Record::decode(bytes).unwrap();
        assert_eq!(&decoded.encode(), bytes, "{name}: decode then encode");
        assert_eq!(&decoded.event().unwrap(), event, "{name}");
        assert_eq!(name, entry_name(event));
        assert_eq!(&hex(&record_hash(bytes)), hash_hex, "{name}");
        assert_eq!(decoded.prev, prev, "{name} links to the record before");
        prev = record_hash(bytes);
    }
}

/// Reads the varints of docs/format.md: below 251 one byte; 251, 252, 253 then u16, u32, u64 LE.
struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn take(&mut self, n: usize) -> &[u8] {
        assert!(n <= self.0.len(), "{n} bytes wanted, {} left", self.0.len());
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        head
    }

    fn varint(&mut self) -> u64 {
        let marker = self.take(1)[0];
        let width = match marker {
            0..=250 => return u64::from(marker),
            251 => 2,
            252 => 4,
            253 => 8,
            _ => panic!("varint marker {marker} is not in the format"),
        };
        let mut le = [0u8; 8];
        le[..width].copy_from_slice(self.take(width));
        u64::from_le_bytes(le)
    }

    fn string(&mut self) -> String {
        let len = self.varint() as usize;
        String::from_utf8(self.take(len).to_vec()).unwrap()
    }
}

/// A variant's name and its index on the wire.
type Variant = (&'static str, u64);

/// Each golden record's event variant and, for a correction, its `Reversal` variant: the
/// indices read from the payload bytes, the names from the types.
fn golden_variants() -> Vec<(Variant, Option<Variant>)> {
    let reversal_names = variant_names::<Reversal>();
    golden_events()
        .iter()
        .map(|event| {
            let payload = record::encode(event);
            let mut reader = Reader(&payload);
            let index = reader.varint();
            let reversal = match event {
                Event::RecordCorrected(_) => {
                    let _seq = reader.varint();
                    let _reason = reader.string();
                    let index = reader.varint();
                    Some((reversal_names[index as usize], index))
                }
                _ => None,
            };
            ((event.type_name(), index), reversal)
        })
        .collect()
}

#[test]
fn every_variant_has_exactly_one_golden_record() {
    let golden = golden_variants();
    let event_names = variant_names::<Event>();
    let reversal_names = variant_names::<Reversal>();
    assert_eq!(
        event_names.len(),
        35,
        "Event variants (update docs/format.md)"
    );
    assert_eq!(reversal_names.len(), 24, "Reversal variants (update docs)");
    for (index, name) in event_names.iter().enumerate() {
        let records = golden
            .iter()
            .filter(|((n, i), _)| n == name && *i == index as u64)
            .count();
        let expected = if *name == "RecordCorrected" {
            reversal_names.len()
        } else {
            1
        };
        assert_eq!(records, expected, "golden records of {index} {name}");
    }
    for (index, name) in reversal_names.iter().enumerate() {
        let records = golden
            .iter()
            .filter(|(_, reversal)| *reversal == Some((name, index as u64)))
            .count();
        assert_eq!(records, 1, "golden records of correction {index} {name}");
    }
    assert_eq!(
        golden.len(),
        event_names.len() - 1 + reversal_names.len(),
        "no golden record beyond one per variant"
    );
}

// ---------------------------------------------------------------------------------------------
// docs/format.md against the bytes.

fn format_md() -> String {
    std::fs::read_to_string(FORMAT_MD_PATH).unwrap()
}

/// The text under a heading line, up to the next heading of the same or a higher level.
fn section<'a>(doc: &'a str, heading: &str) -> &'a str {
    section_if_any(doc, heading)
        .unwrap_or_else(|| panic!("docs/format.md has no heading {heading:?}"))
}

fn section_if_any<'a>(doc: &'a str, heading: &str) -> Option<&'a str> {
    let level = heading.chars().take_while(|c| *c == '#').count();
    let start = doc.find(&format!("\n{heading}\n"))? + heading.len() + 2;
    let rest = &doc[start..];
    let end = rest
        .lines()
        .scan(0, |offset, line| {
            let at = *offset;
            *offset += line.len() + 1;
            Some((at, line))
        })
        .find(|(_, line)| {
            let hashes = line.chars().take_while(|c| *c == '#').count();
            hashes > 0 && hashes <= level && line[hashes..].starts_with(' ')
        })
        .map_or(rest.len(), |(at, _)| at);
    Some(&rest[..end])
}

/// `(index, name)` of each table row `| index | name | …` in a section.
fn value_rows(section: &str) -> Vec<(u64, String)> {
    section
        .lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let index = cells.get(1)?.parse().ok()?;
            let name = cells.get(2)?.trim_matches('`').to_string();
            Some((index, name))
        })
        .collect()
}

fn expected_rows(names: &[&str]) -> Vec<(u64, String)> {
    names
        .iter()
        .enumerate()
        .map(|(i, name)| (i as u64, name.to_string()))
        .collect()
}

#[test]
fn format_md_lists_every_event_with_its_index() {
    let doc = format_md();
    let events = section(&doc, "## Events");
    let listed: Vec<(u64, String)> = events
        .lines()
        .filter_map(|line| {
            let (index, name) = line.strip_prefix("### ")?.split_once(' ')?;
            Some((index.parse().ok()?, name.trim_matches('`').to_string()))
        })
        .collect();
    let mut golden: Vec<(u64, String)> = golden_variants()
        .into_iter()
        .map(|((name, index), _)| (index, name.to_string()))
        .collect();
    golden.sort();
    golden.dedup();
    assert_eq!(listed, golden, "### INDEX Name headings under ## Events");
}

#[test]
fn format_md_lists_every_correction_with_its_index() {
    let doc = format_md();
    let mut golden: Vec<(u64, String)> = golden_variants()
        .into_iter()
        .filter_map(|(_, reversal)| reversal)
        .map(|(name, index)| (index, name.to_string()))
        .collect();
    golden.sort();
    assert_eq!(value_rows(section(&doc, "### Reversal")), golden);
}

#[test]
fn format_md_value_tables_list_every_variant() {
    let doc = format_md();
    let check = |heading: &str, names: &[&str]| {
        assert_eq!(
            value_rows(section(&doc, heading)),
            expected_rows(names),
            "{heading}"
        );
    };
    check("### PersonId", variant_names::<PersonId>());
    check("### LossGround", variant_names::<LossGround>());
    check("### HukouKind", variant_names::<HukouKind>());
    check("### LifeEvent", variant_names::<LifeEvent>());
    check("### Management", variant_names::<Management>());
    check("### ApprovalBody", variant_names::<ApprovalBody>());
    check("### Rounding", variant_names::<Rounding>());
    check("### Reversal", variant_names::<Reversal>());
    check(
        "### RedemptionAuthority",
        variant_names::<RedemptionAuthority>(),
    );
}

/// docs/format.md read as a schema: each type it names is defined by a heading, `### N Name` for
/// an event's payload, `### Name` for a struct (a field table) or an enum (a value table).
struct DocSchema<'a>(&'a str);

/// The text of the first code span in a table cell.
fn code_span(cell: &str) -> Option<&str> {
    let (_, rest) = cell.split_once('`')?;
    Some(rest.split_once('`')?.0)
}

/// Splits `A, B<C, D>, (E, F)` at its top-level commas.
fn split_top(list: &str) -> Vec<&str> {
    let (mut parts, mut depth, mut start) = (Vec::new(), 0, 0);
    for (i, c) in list.char_indices() {
        match c {
            '<' | '(' | '{' => depth += 1,
            '>' | ')' | '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(list[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(list[start..].trim());
    parts
}

impl DocSchema<'_> {
    /// The event payload or struct section defining `name`.
    fn definition(&self, name: &str) -> &str {
        let events = section(self.0, "## Events");
        let event_heading = events.lines().find(|line| {
            line.strip_prefix("### ")
                .and_then(|rest| rest.split_once(' '))
                .is_some_and(|(index, n)| index.parse::<u64>().is_ok() && n == name)
        });
        match event_heading {
            Some(heading) => section(events, heading),
            None => section(self.0, &format!("### {name}")),
        }
    }

    /// `(variant, content type)` by index, if `name` is an enum.
    fn variants(&self, name: &str) -> Option<Vec<(String, Option<String>)>> {
        if name == "Event" {
            let headings = section(self.0, "## Events").lines().filter_map(|line| {
                let (index, name) = line.strip_prefix("### ")?.split_once(' ')?;
                Some((index.parse::<u64>().ok()?, name.to_string()))
            });
            return Some(headings.map(|(_, n)| (n.clone(), Some(n))).collect());
        }
        let values = section_if_any(section(self.0, "## Value tables"), &format!("### {name}"))?;
        let rows = values.lines().filter_map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            cells.get(1)?.parse::<u64>().ok()?;
            let then = cells.get(3).and_then(|cell| code_span(cell));
            Some((code_span(cells[2])?.to_string(), then.map(str::to_string)))
        });
        Some(rows.collect())
    }

    /// `(field, type)` of a struct, in order.
    fn fields(&self, name: &str) -> Vec<(String, String)> {
        self.definition(name)
            .lines()
            .filter_map(|line| {
                let cells: Vec<&str> = line.split('|').map(str::trim).collect();
                let ty = code_span(cells.get(2)?)?;
                Some((cells[1].to_string(), ty.to_string()))
            })
            .collect()
    }

    /// Reads a value of type `ty` as the doc describes it, as serde_json shows the Rust value.
    fn read(&self, ty: &str, reader: &mut Reader) -> serde_json::Value {
        use serde_json::{json, Value};
        let inner = |open: &str, close: char| ty.strip_prefix(open)?.strip_suffix(close);
        if let Some(inner) = inner("Option<", '>') {
            return match reader.take(1)[0] {
                0 => Value::Null,
                1 => self.read(inner, reader),
                tag => panic!("Option tag {tag}"),
            };
        }
        if let Some(inner) = inner("Vec<", '>') {
            let len = reader.varint();
            return (0..len).map(|_| self.read(inner, reader)).collect();
        }
        if let Some(inner) = inner("(", ')') {
            return split_top(inner)
                .iter()
                .map(|t| self.read(t, reader))
                .collect();
        }
        if let Some(inner) = inner("{", '}') {
            let fields = split_top(inner).into_iter().map(|field| {
                let (name, ty) = field.split_once(':').expect("name: type");
                (name.trim().to_string(), self.read(ty.trim(), reader))
            });
            return Value::Object(fields.collect());
        }
        match ty {
            "u16" | "u32" | "u64" => json!(reader.varint()),
            "i32" | "i64" => {
                let zigzag = reader.varint();
                json!((zigzag >> 1) as i64 ^ -((zigzag & 1) as i64))
            }
            "bool" => match reader.take(1)[0] {
                0 => json!(false),
                1 => json!(true),
                byte => panic!("bool byte {byte}"),
            },
            "string" => json!(reader.string()),
            "date" => {
                let text = reader.string();
                assert!(
                    NaiveDate::parse_from_str(&text, "%Y-%m-%d").is_ok(),
                    "{text}"
                );
                json!(text)
            }
            name => match self.variants(name) {
                Some(variants) => {
                    let index = reader.varint() as usize;
                    let (variant, then) = &variants[index];
                    match then {
                        None => json!(variant),
                        Some(then) => json!({ variant.as_str(): self.read(then, reader) }),
                    }
                }
                None => {
                    let fields = self.fields(name);
                    assert!(
                        !fields.is_empty(),
                        "docs/format.md defines no fields of {name}"
                    );
                    let values = fields.into_iter().map(|(f, t)| {
                        let value = self.read(&t, reader);
                        (f, value)
                    });
                    Value::Object(values.collect())
                }
            },
        }
    }
}

/// Every golden payload read field by field as docs/format.md lists the fields, their types and
/// the value tables: all its bytes are used and every value read is the event's.
#[test]
fn format_md_describes_every_payload_field_by_field() {
    let doc = format_md();
    let schema = DocSchema(&doc);
    for event in golden_events() {
        let name = entry_name(&event);
        let payload = record::encode(&event);
        let mut reader = Reader(&payload);
        let read = schema.read("Event", &mut reader);
        assert_eq!(reader.0.len(), 0, "{name}: bytes left after the fields");
        assert_eq!(read, serde_json::to_value(&event).unwrap(), "{name}");
    }
}

/// The hex of the lines of a fenced block that follows `marker`: on each line, the hex pairs
/// before the first double space.
fn example_hex(doc: &str, marker: &str) -> Vec<u8> {
    let start = doc.find(marker).expect("example marker in docs/format.md");
    let block = doc[start..].split("```").nth(1).expect("a fenced block");
    let hex: String = block
        .lines()
        .map(|line| line.split("  ").next().unwrap().replace(' ', ""))
        .collect();
    ::hex::decode(hex).expect("hex pairs before the description")
}

#[test]
fn format_md_worked_examples_are_the_golden_bytes() {
    let doc = format_md();
    let transferred = record::encode(&Event::SharesTransferred(Box::new(shares_transferred())));
    assert_eq!(
        hex(&example_hex(
            &doc,
            "Example: the payload of the golden `shares-transferred`"
        )),
        hex(&transferred)
    );
    let stored = stored_golden();
    let first = &stored[0].1;
    let header = example_hex(
        &doc,
        "Example: the first bytes of the golden `collective-registered`",
    );
    assert_eq!(hex(&header), hex(&first[..header.len()]));
}

/// Each encoding rule docs/format.md states, on bytes from the project's one encoder. `shown`
/// checks an example the doc shows as `xx xx`, byte for byte, and that the doc shows it.
#[test]
fn encoding_rules_in_format_md_hold() {
    let doc = format_md();
    let shown = |bytes: Vec<u8>, spaced: &str| {
        assert_eq!(hex(&bytes), spaced.replace(' ', ""));
        let quoted = format!("`{spaced}`");
        assert!(doc.contains(&quoted), "docs/format.md shows {quoted}");
    };
    // Unsigned varints and their markers.
    shown(record::encode(&250u64), "fa");
    shown(record::encode(&251u64), "fb fb 00");
    shown(record::encode(&65_536u64), "fc 00 00 01 00");
    shown(record::encode(&(1u64 << 32)), "fd 00 00 00 00 01 00 00 00");
    assert_eq!(hex(&record::encode(&65_535u64)), "fbffff");
    assert_eq!(hex(&record::encode(&2018u16)), "fbe207");
    assert_eq!(hex(&record::encode(&5u32)), "05");
    // Signed: zigzag, then the varint.
    shown(record::encode(&-1i64), "01");
    shown(record::encode(&250_000i64), "fc 20 a1 07 00");
    assert_eq!(hex(&record::encode(&0i64)), "00");
    assert_eq!(hex(&record::encode(&1i64)), "02");
    assert_eq!(hex(&record::encode(&-2i64)), "03");
    assert_eq!(hex(&record::encode(&-2i32)), "03");
    // A byte and a byte array: raw, no length.
    shown(record::encode(&200u8), "c8");
    assert_eq!(hex(&record::encode(&[7u8; 16])), "07".repeat(16));
    // bool, Option, string, sequence, tuple, map, date.
    shown(record::encode(&false), "00");
    shown(record::encode(&true), "01");
    shown(record::encode(&None::<u64>), "00");
    shown(record::encode(&Some(5u64)), "01 05");
    shown(record::encode(&"王"), "03 e7 8e 8b");
    shown(record::encode(&vec![1u64, 300]), "02 01 fb 2c 01");
    shown(record::encode(&vec![7u8, 8]), "02 07 08");
    shown(record::encode(&(1u64, 2u64, 3u64)), "01 02 03");
    let map = BTreeMap::from([("b".to_string(), 2u64), ("a".to_string(), 1u64)]);
    shown(record::encode(&map), "02 01 61 01 01 62 02");
    shown(
        record::encode(&date("2018-12-31")),
        "0a 32 30 31 38 2d 31 32 2d 33 31",
    );
    // A person ID: the variant, then a citizen ID's string or a document's two strings.
    assert_eq!(
        hex(&record::encode(&wang())),
        "0012".to_string() + &hex(b"360426199101010071")
    );
    assert_eq!(
        hex(&record::encode(&heir())),
        "0108".to_string() + &hex(b"passport") + "09" + &hex(b"E12345678")
    );
    // Newtypes (Percent, Coefficient, OrgCode) are their inner value.
    shown(record::encode(&Percent(30_000)), "fb 30 75");
    assert_eq!(hex(&record::encode(&Coefficient(5_000))), "fb8813");
    assert_eq!(
        record::encode(&OrgCode::parse(ORG).unwrap()),
        record::encode(&ORG)
    );
    // A unit variant is its index alone; a newtype variant is its index, then the value.
    shown(record::encode(&LifeEvent::Marriage), "05");
    let noticed = Event::DistributionNoticed(distribution_noticed());
    shown(record::encode(&noticed), "0b fb e2 07");
}

/// Non-shortest varints: bincode 2.0.1 accepts them, so the same value has more than one
/// encoding. The ledger only ever writes the shortest; what guards stored records is the hash
/// over the bytes as stored, and `decode then encode` in the golden test.
#[test]
fn non_shortest_varints_are_accepted_on_decode() {
    let doc = format_md();
    for shown in [
        "`fb 05 00`",
        "`fc 05 00 00 00`",
        "`fd 05 00 00 00 00 00 00 00`",
    ] {
        assert!(doc.contains(shown), "docs/format.md shows {shown}");
    }
    assert!(doc.contains("**Non-shortest varints are accepted on decode.**"));
    assert_eq!(record::decode::<u64>(&[0x05]), Ok(5));
    assert_eq!(record::decode::<u64>(&[0xfb, 0x05, 0x00]), Ok(5));
    assert_eq!(record::decode::<u64>(&[0xfc, 0x05, 0, 0, 0]), Ok(5));
    assert_eq!(
        record::decode::<u64>(&[0xfd, 0x05, 0, 0, 0, 0, 0, 0, 0]),
        Ok(5)
    );
    assert_eq!(record::decode::<u16>(&[0xfb, 0x05, 0x00]), Ok(5));
    // A marker wider than the type is refused.
    assert!(record::decode::<u16>(&[0xfc, 0x05, 0, 0, 0]).is_err());
    // A whole record: seq 2 of the golden `shares-allotted` written as fb 02 00.
    let stored = stored_golden();
    let (name, bytes, _) = &stored[2];
    assert_eq!(name, "shares-allotted");
    let seq_at = 1 + 1 + ORG.len();
    assert_eq!(bytes[seq_at], 0x02);
    let mut longer = bytes[..seq_at].to_vec();
    longer.extend_from_slice(&[0xfb, 0x02, 0x00]);
    longer.extend_from_slice(&bytes[seq_at + 1..]);
    let decoded = Record::decode(&longer).expect("accepted");
    assert_eq!(decoded.seq, 2);
    assert_eq!(
        decoded.encode(),
        *bytes,
        "re-encoding gives the shortest form"
    );
    assert_ne!(record_hash(&longer), record_hash(bytes));
}

/// Regression: a record whose day count lies beyond the dates chrono holds (i32 days reach
/// past them) decoded, and then `effective_date` panicked: `audit` of a bundle or `audit
/// statement` holding such a record crashed instead of naming it. It is refused on decode.
#[test]
fn a_record_dated_outside_the_calendar_is_refused_on_decode() {
    let stored = stored_golden();
    let (_, bytes, _) = &stored[2];
    for days in [i32::MAX, i32::MIN] {
        let mut record = Record::decode(bytes).unwrap();
        record.effective_days = days;
        let encoded = record.encode();
        assert_eq!(
            Record::decode(&encoded),
            Err(record::DecodeError::DateOutOfRange(days))
        );
    }
}

/// Bytes that are not one of the encodings: a bool or an `Option` tag other than 0 or 1, an
/// unknown variant index, a marker 255, a string that is not UTF-8.
#[test]
fn invalid_tags_are_refused_on_decode() {
    assert!(record::decode::<bool>(&[2]).is_err());
    assert!(record::decode::<Option<u64>>(&[2, 5]).is_err());
    assert!(record::decode::<u64>(&[0xff]).is_err());
    assert!(record::decode::<String>(&[2, 0xc3, 0x28]).is_err());
    assert!(record::decode::<Event>(&[25]).is_err());
    assert!(record::decode::<LifeEvent>(&[9]).is_err());
    assert_eq!(
        record::decode::<LifeEvent>(&[8]),
        Ok(LifeEvent::Imprisonment)
    );
}

/// `EventKind` (what rules and corrections name record types by) lists the event types in the
/// wire enum's order, under the names records store.
#[test]
fn event_kinds_follow_the_wire_order() {
    let wire = variant_names::<Event>();
    let kinds: Vec<&str> = gufen_core::event::EventKind::ALL
        .iter()
        .map(|kind| kind.name())
        .collect();
    assert_eq!(kinds, wire);
    for event in golden_events() {
        let index = wire
            .iter()
            .position(|name| *name == event.type_name())
            .expect("a wire variant");
        assert_eq!(gufen_core::event::EventKind::ALL[index], event.kind());
    }
}

/// `applies_in_scope` (whether a large command may make its entities a slice at a time) and
/// `apply_scope` (the entities each slice reads) agree on every kind of event: a kind one of them
/// names and the other does not would stop an import part way (the ledger expects a scope for
/// every slice it was told it could slice).
#[test]
fn apply_scope_and_applies_in_scope_agree_on_every_event() {
    for event in golden_events() {
        let one = std::slice::from_ref(&event);
        assert_eq!(
            gufen_core::applies_in_scope(one),
            gufen_core::apply_scope(one).is_some(),
            "{}",
            event.type_name()
        );
    }
}
