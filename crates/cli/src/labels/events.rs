//! The one-line summary of every event, in Chinese and in English, as history prints it. Enum
//! values read through the label table, share classes by the charter's names.

use super::{class_name, t, Labelled};
use crate::cli::Lang;
use gufen_core::charter::ShareClass;
use gufen_core::event::{
    EstateSettled, Event, MembershipLostCited, RecordCorrected, RedemptionAuthority, Reversal,
};
use gufen_core::{Fen, Units};

/// An event type as a printed paper names it, in either language: the Chinese name of
/// `labels::event_type`, or plain English words (never the stored name, e.g.
/// `SharesPledgedInClass`). An unknown name is printed as stored.
pub fn type_label(name: &str, lang: Lang) -> &str {
    use gufen_core::event::EventKind::{self, *};
    let Some(kind) = EventKind::parse(name) else {
        return name;
    };
    if lang == Lang::Zh {
        return super::event_type(name, lang);
    }
    match kind {
        CollectiveRegistered => "collective registered",
        PersonRegistered => "person registered",
        MembershipConfirmed => "membership confirmed",
        MembershipLost | MembershipLostCited => "membership lost",
        HouseholdMoved => "household moved",
        HouseholdHeadNamed => "head of household named",
        HukouRecorded => "hukou recorded",
        LifeEventRecorded => "life event",
        SharesAllotted => "shares allotted",
        CollectiveSharesAllotted => "collective shares allotted",
        DistributionDrafted => "distribution drafted",
        DistributionNoticed => "distribution noticed",
        DistributionApproved => "distribution approved",
        DividendDeclared => "dividend",
        DistributionPosted => "distribution posted",
        DividendPaid => "dividend paid",
        SharesPledged | SharesPledgedInClass => "shares pledged",
        PledgeReleased => "pledge released",
        SharesTransferred => "shares transferred",
        DeathRecorded => "death recorded",
        EstateSettled => "inheritance",
        SharesRedeemed | SharesRedeemedWithConsent => "redemption",
        MembershipExited | MembershipExitedOnApplication => "voluntary exit",
        RecordCorrected => "correction",
        RepresentativeElected => "representative elected",
        RepresentativeLeft => "representative left",
        LossGroundsAdopted => "charter grounds of loss",
        QuantificationPlanAdopted => "quantification plan",
        BankAccountSet => "bank account set",
        BankAccountCleared => "bank account cleared",
        DividendPaymentFailed => "dividend payment failed",
    }
}

/// A summary of `event` in `lang`; `classes` are the charter's share classes.
pub fn summary(event: &Event, lang: Lang, classes: &[ShareClass]) -> String {
    use Event::*;
    let class = |code: &str| class_name(classes, code, lang).to_string();
    let (zh, en) = match event {
        CollectiveRegistered(e) => (
            format!("登记集体经济组织 {}", e.charter.name),
            format!("collective registered: {}", e.charter.name),
        ),
        PersonRegistered(e) => (
            format!("登记人员 {}", e.name),
            format!("person registered: {}", e.name),
        ),
        MembershipConfirmed(e) => (
            format!(
                "确认成员身份 {}，户号 {}，决议 {}",
                e.name, e.household, e.resolution
            ),
            format!(
                "membership confirmed: {}, household {}, resolution {}",
                e.name, e.household, e.resolution
            ),
        ),
        MembershipLost(e) => noted(
            (
                format!("成员身份丧失：{}", e.ground.label().zh),
                format!("membership lost: {}", e.ground.label().en),
            ),
            &e.note,
        ),
        HouseholdMoved(e) => (
            format!("迁入户 {}", e.to),
            format!("moved to household {}", e.to),
        ),
        HouseholdHeadNamed(e) => (
            format!("任户主 {}", e.household),
            format!("named head of household {}", e.household),
        ),
        HukouRecorded(e) => (
            format!(
                "户籍登记 {} {}（不影响权益）",
                e.kind.label().zh,
                e.locality
            ),
            format!(
                "hukou recorded: {} {} (changes no right)",
                e.kind.label().en,
                e.locality
            ),
        ),
        LifeEventRecorded(e) => (
            format!("生活事件（不影响成员身份） {}", e.kind.label().zh),
            format!("life event (changes no right): {}", e.kind.label().en),
        ),
        SharesAllotted(e) => (
            format!(
                "配股 {} {} 股，决议 {}",
                class(&e.class),
                Units(e.units),
                e.resolution
            ),
            format!(
                "allotted {} {} shares, resolution {}",
                class(&e.class),
                Units(e.units),
                e.resolution
            ),
        ),
        CollectiveSharesAllotted(e) => (
            format!(
                "集体股配股 {} {} 股，决议 {}",
                class(&e.class),
                Units(e.units),
                e.resolution
            ),
            format!(
                "collective share allotted {} {} shares, resolution {}",
                class(&e.class),
                Units(e.units),
                e.resolution
            ),
        ),
        DistributionDrafted(e) => (
            format!(
                "{} 年度分配方案草案：可分配 {} 元，{} 户/人，股权登记日 {}",
                e.year,
                Fen(e.distributable_fen),
                e.lines.len(),
                e.record_date
            ),
            format!(
                "{} distribution drafted: {} yuan distributable, {} holders, record date {}",
                e.year,
                Fen(e.distributable_fen),
                e.lines.len(),
                e.record_date
            ),
        ),
        DistributionNoticed(e) => (
            format!("{} 年度分配方案公示", e.year),
            format!("{} distribution put up for public notice", e.year),
        ),
        DistributionApproved(e) => (
            format!(
                "{} 年度分配方案表决通过：{} / {} 赞成，决议 {}",
                e.year, e.votes_for, e.eligible, e.resolution
            ),
            format!(
                "{} distribution approved: {} of {} for, resolution {}",
                e.year, e.votes_for, e.eligible, e.resolution
            ),
        ),
        DividendDeclared(e) => {
            let (estate_zh, estate_en) = if e.estate {
                ("（归遗产）", " (to the estate)")
            } else {
                ("", "")
            };
            (
                format!("{} 年度分红 {} 元{estate_zh}", e.year, Fen(e.amount_fen)),
                format!(
                    "{} dividend declared: {} yuan{estate_en}",
                    e.year,
                    Fen(e.amount_fen)
                ),
            )
        }
        DistributionPosted(e) => (
            format!(
                "{} 年度分配入账：{} 行，合计 {} 元",
                e.year,
                e.lines,
                Fen(e.declared_fen)
            ),
            format!(
                "{} distribution posted: {} lines, {} yuan declared",
                e.year,
                e.lines,
                Fen(e.declared_fen)
            ),
        ),
        SharesPledged(e) => (
            format!(
                "质押 {} 股给 {}，合同 {}",
                Units(e.units),
                e.pledgee,
                e.contract
            ),
            format!(
                "pledged {} shares to {}, contract {}",
                Units(e.units),
                e.pledgee,
                e.contract
            ),
        ),
        SharesPledgedInClass(e) => {
            let p = &e.pledge;
            (
                format!(
                    "质押 {} {} 股给 {}，合同 {}",
                    class(&e.class),
                    Units(p.units),
                    p.pledgee,
                    p.contract
                ),
                format!(
                    "pledged {} {} shares to {}, contract {}",
                    class(&e.class),
                    Units(p.units),
                    p.pledgee,
                    p.contract
                ),
            )
        }
        PledgeReleased(e) => (
            format!("解除质押，合同 {}", e.contract),
            format!("pledge released, contract {}", e.contract),
        ),
        SharesTransferred(e) => {
            let (kind_zh, kind_en) = if e.gift {
                ("赠与", "gift")
            } else {
                ("转让", "transfer")
            };
            let (from, to) = (e.from.masked_id(), e.to.masked_id());
            (
                format!(
                    "{kind_zh} {} {} 股：{from} → {to}，价款 {} 元",
                    class(&e.class),
                    Units(e.units),
                    Fen(e.price_fen)
                ),
                format!(
                    "{kind_en} of {} {} shares: {from} → {to}, price {} yuan",
                    class(&e.class),
                    Units(e.units),
                    Fen(e.price_fen)
                ),
            )
        }
        DeathRecorded(_) => (
            "死亡登记：股份转为遗产，待继承".to_string(),
            "death recorded: the holding is an estate until settled".to_string(),
        ),
        EstateSettled(e) => {
            let heirs = heirs(e);
            (
                format!("遗产继承 {}: {heirs}", e.deceased.masked_id()),
                format!("estate settled {}: {heirs}", e.deceased.masked_id()),
            )
        }
        SharesRedeemed(e) => {
            let (fate_zh, fate_en) = if e.to_collective {
                ("转为集体股", "to the collective share")
            } else {
                ("注销", "cancelled")
            };
            (
                format!(
                    "集体赎回 {} {} 股（{fate_zh}），价款 {} 元，决议 {}",
                    class(&e.class),
                    Units(e.units),
                    Fen(e.price_fen),
                    e.resolution
                ),
                format!(
                    "redeemed by the collective: {} {} shares ({fate_en}), price {} yuan, resolution {}",
                    class(&e.class),
                    Units(e.units),
                    Fen(e.price_fen),
                    e.resolution
                ),
            )
        }
        RecordCorrected(e) => {
            let what = reversal(&e.reversal, lang, &class);
            return correction(e, &what, lang);
        }
        MembershipExited(e) => (
            format!("自愿退出，决议 {}", e.resolution),
            format!("voluntary exit, resolution {}", e.resolution),
        ),
        RepresentativeElected(e) => (
            format!("当选成员代表，决议 {}", e.resolution),
            format!("elected a representative, resolution {}", e.resolution),
        ),
        RepresentativeLeft(e) => (
            format!("成员代表离任，决议 {}", e.resolution),
            format!("left the representatives, resolution {}", e.resolution),
        ),
        LossGroundsAdopted(e) => {
            let grounds = |lang| {
                let items: Vec<String> = e
                    .grounds
                    .iter()
                    .map(|g| match lang {
                        Lang::Zh => format!("{}（{}）", g.name, g.article),
                        Lang::En => format!("{} ({}, {})", g.code, g.name, g.article),
                    })
                    .collect();
                items.join(", ")
            };
            (
                format!("章程规定的成员身份丧失事由：{}", grounds(Lang::Zh)),
                format!(
                    "the charter's grounds for losing membership: {}",
                    grounds(Lang::En)
                ),
            )
        }
        MembershipLostCited(e) => lost_cited(e),
        MembershipExitedOnApplication(e) => (
            format!(
                "自愿退出：本人书面申请 {}，决议 {}",
                e.application, e.exited.resolution
            ),
            format!(
                "voluntary exit on the member's written application {}, resolution {}",
                e.application, e.exited.resolution
            ),
        ),
        SharesRedeemedWithConsent(e) => {
            let r = &e.redeemed;
            let (fate_zh, fate_en) = if r.to_collective {
                ("转为集体股", "to the collective share")
            } else {
                ("注销", "cancelled")
            };
            let (authority_zh, authority_en) = match &e.authority {
                RedemptionAuthority::Consent(c) => {
                    (format!("持有人同意书 {c}"), format!("holder's consent {c}"))
                }
                RedemptionAuthority::Judgment(j) => {
                    (format!("法院判决 {j}"), format!("court judgment {j}"))
                }
            };
            (
                format!(
                    "集体赎回 {} {} 股（{fate_zh}），价款 {} 元，{authority_zh}，决议 {}",
                    class(&r.class),
                    Units(r.units),
                    Fen(r.price_fen),
                    r.resolution
                ),
                format!(
                    "redeemed by the collective: {} {} shares ({fate_en}), price {} yuan, {authority_en}, resolution {}",
                    class(&r.class),
                    Units(r.units),
                    Fen(r.price_fen),
                    r.resolution
                ),
            )
        }
        QuantificationPlanAdopted(e) => {
            let totals = |lang| {
                let items: Vec<String> = e
                    .totals
                    .iter()
                    .map(|total| {
                        format!(
                            "{} {}",
                            class_name(classes, &total.class, lang),
                            Units(total.units)
                        )
                    })
                    .collect();
                items.join(", ")
            };
            (
                format!(
                    "股权量化方案，决议 {}：{} 股",
                    e.resolution,
                    totals(Lang::Zh)
                ),
                format!(
                    "quantification plan adopted, resolution {}: {} shares",
                    e.resolution,
                    totals(Lang::En)
                ),
            )
        }
        DividendPaid(e) => (
            format!(
                "{} 年度分红已支付 {} 元，凭证 {}",
                e.year,
                Fen(e.amount_fen),
                e.reference
            ),
            format!(
                "{} dividend paid: {} yuan, reference {}",
                e.year,
                Fen(e.amount_fen),
                e.reference
            ),
        ),
        BankAccountSet(e) => {
            let account = gufen_core::bank::mask_account(&e.account);
            (
                format!("登记银行账户 {} {account}，户名 {}", e.bank, e.holder),
                format!(
                    "bank account set: {} {account}, held in the name of {}",
                    e.bank, e.holder
                ),
            )
        }
        BankAccountCleared(_) => (
            "银行账户已注销（不再代发）".to_string(),
            "bank account cleared (no more bank payments)".to_string(),
        ),
        DividendPaymentFailed(e) => (
            format!(
                "{} 年度分红 {} 元银行代发未成功（{}）：{}",
                e.year,
                Fen(e.amount_fen),
                e.line_reference,
                e.reason
            ),
            format!(
                "{} dividend of {} yuan not paid by the bank ({}): {}",
                e.year,
                Fen(e.amount_fen),
                e.line_reference,
                e.reason
            ),
        ),
    };
    t(lang, zh, en)
}

/// A loss of membership with its citations: the charter's ground and article, the resolution,
/// the other collective, the note.
fn lost_cited(e: &MembershipLostCited) -> (String, String) {
    let ground = e.lost.ground.label();
    let (mut zh, mut en) = match &e.charter_ground {
        Some(g) => (
            format!("成员身份丧失：{}（章程{}）", g.name, g.article),
            format!(
                "membership lost: {} ({}, charter article {})",
                g.code, g.name, g.article
            ),
        ),
        None => (
            format!("成员身份丧失：{}", ground.zh),
            format!("membership lost: {}", ground.en),
        ),
    };
    if let Some(code) = &e.other_collective {
        zh.push_str(&format!("，取得成员身份的集体 {code}"));
        en.push_str(&format!(", member of the collective {code}"));
    }
    if let Some(resolution) = &e.resolution {
        zh.push_str(&format!("，决议 {resolution}"));
        en.push_str(&format!(", resolution {resolution}"));
    }
    noted((zh, en), &e.lost.note)
}

/// A summary with its record's note appended, where the note is not empty.
fn noted((mut zh, mut en): (String, String), note: &str) -> (String, String) {
    if !note.is_empty() {
        zh.push_str(&format!("，备注 {note}"));
        en.push_str(&format!(", note {note}"));
    }
    (zh, en)
}

/// Each heir's fraction and units, IDs masked.
fn heirs(e: &EstateSettled) -> String {
    let heirs: Vec<String> = e
        .fractions
        .iter()
        .map(|(heir, numerator, denominator)| {
            let units: u64 = e
                .shares
                .iter()
                .filter(|share| &share.heir == heir)
                .map(|share| share.units)
                .sum();
            format!(
                "{} {numerator}/{denominator} = {}",
                heir.masked_id(),
                Units(units)
            )
        })
        .collect();
    heirs.join(", ")
}

fn correction(e: &RecordCorrected, what: &str, lang: Lang) -> String {
    t(
        lang,
        format!("更正第 {} 号记录：{what}；理由：{}", e.seq, e.reason),
        format!(
            "correction of record {}: {what}; reason: {}",
            e.seq, e.reason
        ),
    )
}

/// What a correction undoes.
fn reversal(reversal: &Reversal, lang: Lang, class: &dyn Fn(&str) -> String) -> String {
    let (zh, en) = match reversal {
        Reversal::Allotment(a) => (
            format!("撤销配股 {} {} 股", class(&a.class), Units(a.units)),
            format!(
                "allotment of {} {} shares undone",
                class(&a.class),
                Units(a.units)
            ),
        ),
        Reversal::Transfer(transfer) => (
            format!("撤销转让 {} 股", Units(transfer.units)),
            format!("transfer of {} shares undone", Units(transfer.units)),
        ),
        Reversal::Pledge(p) => (
            format!("撤销质押登记，合同 {}", p.contract),
            format!("pledge {} undone", p.contract),
        ),
        Reversal::MembershipLoss(_) | Reversal::Exit(_) => (
            "恢复成员身份".to_string(),
            "membership restored".to_string(),
        ),
        Reversal::QuantificationPlan(p) => (
            format!("撤销股权量化方案，决议 {}", p.resolution),
            format!("quantification plan {} withdrawn", p.resolution),
        ),
        Reversal::Redemption(r) => (
            format!("撤销赎回 {} 股", Units(r.units)),
            format!("redemption of {} shares undone", Units(r.units)),
        ),
        Reversal::LifeEvent(l) => (
            format!("撤销误记的生活事件 {}", l.kind.label().zh),
            format!("mistaken life event {} withdrawn", l.kind.label().en),
        ),
        Reversal::Death(_) => (
            "撤销死亡登记，恢复原状".to_string(),
            "death record withdrawn".to_string(),
        ),
        Reversal::Estate(_) => (
            "撤销遗产分割，股份回到遗产".to_string(),
            "estate settlement undone: the units are the estate's again".to_string(),
        ),
        Reversal::Confirmation(_) => (
            "撤销成员资格确认".to_string(),
            "membership confirmation undone".to_string(),
        ),
        Reversal::HouseholdMove(m) => (
            format!("撤销迁户，回到 {}", m.from.as_deref().unwrap_or("（无户）")),
            format!(
                "household move undone, back to {}",
                m.from.as_deref().unwrap_or("(no household)")
            ),
        ),
        Reversal::HouseholdHead(h) => (
            format!("撤销户主登记（户 {}）", h.named.household),
            format!("head of household {} undone", h.named.household),
        ),
        Reversal::Hukou(_) => (
            "撤销户籍登记（户籍不影响权益）".to_string(),
            "hukou record undone (hukou changes no right)".to_string(),
        ),
        Reversal::CollectiveAllotment(a) => (
            format!("撤销集体股配置 {} {} 股", class(&a.class), Units(a.units)),
            format!(
                "collective share allotment of {} {} shares undone",
                class(&a.class),
                Units(a.units)
            ),
        ),
        Reversal::Draft(d) => (
            format!("撤回 {} 年度分配方案草案", d.year),
            format!("draft plan for {} withdrawn", d.year),
        ),
        Reversal::Notice(n) => (
            format!("撤销 {} 年度方案公示", n.year),
            format!("notice of the {} plan undone", n.year),
        ),
        Reversal::Approval(a) => (
            format!("撤销 {} 年度方案表决", a.year),
            format!("approval of the {} plan undone", a.year),
        ),
        Reversal::Posting(p) => (
            format!("撤销 {} 年度分红入账（{} 户）", p.year, p.lines),
            format!("posting of {} undone ({} dividends)", p.year, p.lines),
        ),
        Reversal::Payment(p) => (
            format!("撤销 {} 年度分红支付 {}", p.year, p.reference),
            format!("payment {} of the {} dividend undone", p.reference, p.year),
        ),
        Reversal::Registration(_) => (
            "撤销人员登记".to_string(),
            "registration withdrawn".to_string(),
        ),
        Reversal::Release(r) => (
            format!("撤销质押解除，合同 {} 恢复", r.released.contract),
            format!("release undone: pledge {} open again", r.released.contract),
        ),
        Reversal::RepresentativeElection(e) => (
            format!("撤销成员代表选举，决议 {}", e.resolution),
            format!(
                "representative's election undone, resolution {}",
                e.resolution
            ),
        ),
        Reversal::RepresentativeDeparture(e) => (
            format!("撤销成员代表离任，自 {} 起的席位恢复", e.since),
            format!(
                "representative's leaving undone: the seat held since {} again",
                e.since
            ),
        ),
    };
    t(lang, zh, en)
}

#[cfg(test)]
mod tests {
    //! Every event and correction variant, from the golden records (fixtures/golden), summarized
    //! in both languages: Chinese carries no program English, English no program Chinese.

    use super::*;
    use gufen_core::event::EventKind;
    use gufen_ledger::record::Record;

    fn bytes(hex: &str) -> Vec<u8> {
        (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
            .collect()
    }

    /// Every string the user entered in an event (names, households, localities, notes…).
    fn entered(value: &serde_json::Value, into: &mut Vec<String>) {
        match value {
            serde_json::Value::String(text) => into.push(text.clone()),
            serde_json::Value::Array(items) => items.iter().for_each(|v| entered(v, into)),
            serde_json::Value::Object(map) => map.values().for_each(|v| entered(v, into)),
            _ => {}
        }
    }

    fn cjk(c: char) -> bool {
        ('\u{2e80}'..='\u{9fff}').contains(&c) || ('\u{ff00}'..='\u{ffef}').contains(&c)
    }

    #[test]
    fn every_event_type_has_words_in_each_language() {
        for kind in gufen_core::event::EventKind::ALL {
            let english = type_label(kind.name(), Lang::En);
            assert!(english.is_ascii(), "{english}");
            assert_ne!(english, kind.name(), "words, not the stored name");
            assert!(type_label(kind.name(), Lang::Zh).chars().any(cjk));
        }
    }

    #[test]
    fn every_event_is_summarized_in_each_language_without_the_other() {
        let golden: Vec<serde_json::Value> =
            serde_json::from_str(include_str!("../../../../fixtures/golden/records.json")).unwrap();
        let events: Vec<Event> = golden
            .iter()
            .map(|entry| {
                let record = Record::decode(&bytes(entry["bytes_hex"].as_str().unwrap()));
                record.unwrap().event().unwrap()
            })
            .collect();
        let Event::CollectiveRegistered(registered) = &events[0] else {
            panic!("the golden chain starts with the registration")
        };
        let classes = &registered.charter.classes;
        // Program words that must not reach Chinese output: event type names and every
        // labelled enum's variant names and codes.
        let mut english: Vec<String> = EventKind::ALL.iter().map(|k| k.name().into()).collect();
        for names in [
            gufen_core::variants::variant_names::<gufen_core::event::LossGround>(),
            gufen_core::variants::variant_names::<gufen_core::event::HukouKind>(),
            gufen_core::variants::variant_names::<gufen_core::event::LifeEvent>(),
            gufen_core::variants::variant_names::<gufen_core::charter::Rounding>(),
            gufen_core::variants::variant_names::<gufen_core::charter::ApprovalBody>(),
            gufen_core::variants::variant_names::<Reversal>(),
        ] {
            english.extend(names.iter().map(|n| n.to_string()));
        }
        english.extend(classes.iter().map(|c| c.code.clone()));
        let mut reversals = std::collections::HashSet::new();
        for event in &events {
            if let Event::RecordCorrected(c) = event {
                reversals.insert(std::mem::discriminant(&c.reversal));
            }
            let mut data = Vec::new();
            entered(&serde_json::to_value(event).unwrap(), &mut data);
            // An enum value serializes as its variant name: that is program text, not data.
            data.retain(|text| !english.contains(text));
            data.extend(classes.iter().map(|c| c.name.clone()));
            data.sort_by_key(|d| std::cmp::Reverse(d.len()));
            let zh = summary(event, Lang::Zh, classes);
            let en = summary(event, Lang::En, classes);
            let mut zh_program = zh.clone();
            let mut en_program = en.clone();
            for text in &data {
                zh_program = zh_program.replace(text.as_str(), " ");
                en_program = en_program.replace(text.as_str(), " ");
            }
            assert!(zh_program.chars().any(cjk), "{zh}");
            for word in &english {
                let found = zh_program
                    .split(|c: char| !c.is_ascii_alphanumeric() && c != '-')
                    .any(|w| w == word);
                assert!(!found, "{word} in the Chinese summary {zh}");
            }
            assert!(
                !en_program.chars().any(cjk),
                "Chinese in the English summary {en}"
            );
        }
        assert_eq!(
            reversals.len(),
            gufen_core::variants::variant_names::<Reversal>().len(),
            "the golden records hold every correction"
        );
    }
}
