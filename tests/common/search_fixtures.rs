//! A hand-built data set for message search (`searchMessages`) and the contacts `query`
//! filter, with known answers. Rows are written straight through the entities, never
//! through the code under test; every expected answer of `tests/search.rs` is worked out
//! by hand from the tables below.
//!
//! Ids are readable uuids `KKKKKKKK-00CC-4000-8000-00000000NNNN` as in `read_fixtures`:
//! KKKKKKKK names the type, CC the company (01 Alpha, 02 Beta), N the row number, so within
//! a type and company id order is row-number order and "M15" > "M14", "H37" > "H36".
//! `id("M04")` gives the uuid of a label and `label_of` goes back.
//!
//! Times are offsets in hours from T0 = 2026-03-01T09:00:00Z. Search results come newest
//! first: sentAt DESC, then id DESC.
//!
//! Offsets and lengths below are in characters (Unicode code points), 0-based.
//!
//! # Company Alpha (the company under test)
//!
//! Inboxes: IN1 "Support Email" (EMAIL), IN2 "Sales WhatsApp" (WHATSAPP), IN3 "Website Chat"
//! (CHAT).
//!
//! Contacts (the contacts `query` filter; default order CREATED_AT DESC is K6 K5 K4 K3 K2 K1):
//!
//! | contact | name   | surname  | fullName     | phone             | phone digits   | email                   | created |
//! |---------|--------|---------|--------------|-------------------|----------------|-------------------------|---------|
//! | K1      | Ann    | Lee     | Ann Lee      | +1 (555) 010-2000 | 15550102000    | Ann.Lee@Example.com     | -10     |
//! | K2      | Joanna | Smith   | Joanna Smith | +44 20 7946 0958  | 442079460958   | JSmith@Example.org      | -9      |
//! | K3      | Bo     | Annley  | Bo Annley    | –                 |                | bo@zurich.example       | -8      |
//! | K4      | Lee    | –       | Lee          | 555-0199          | 5550199        | –                       | -7      |
//! | K5      | –      | Leeson  | Leeson       | 0044 161 496 0000 | 00441614960000 | contact2000@example.net | -6      |
//! | K6      | Ann    | Leeds   | Ann Leeds    | –                 |                | annleeds@example.com    | -5      |
//!
//! (updatedAt = createdAt.)
//!
//! Conversations (each conversation's own channel; the message channel can differ):
//!
//! | conv | subject        | inbox | contact | channel  | lastMessageAt |
//! |------|----------------|-------|---------|----------|---------------|
//! | X01  | Viewing        | IN1   | K1      | EMAIL    | 36            |
//! | X02  | WhatsApp chat  | IN2   | K2      | WHATSAPP | 37            |
//! | X03  | Website chat   | IN3   | K3      | CHAT     | 38            |
//! | X04  | Offers         | IN1   | K2      | EMAIL    | 30            |
//! | X05  | Anonymous      | IN2   | –       | WHATSAPP | 26            |
//! | X06  | Monitoring     | IN3   | K3      | CHAT     | 127           |
//!
//! Messages (createdAt = updatedAt = T0 + 200 h − sentAt, i.e. in the REVERSE order of
//! sentAt, so that ordering by createdAt would be visible). They are inserted in reverse
//! label order (M26 first, H55 before H54, ...), so that on sentAt ties insertion order is
//! the opposite of id order.
//!
//! | msg | conv | direction | channel  | sentAt | content (exactly)                         |
//! |-----|------|-----------|----------|--------|-------------------------------------------|
//! | M01 | X01  | INBOUND   | EMAIL    | 1      | `Apartment viewing on Monday?`            |
//! | M02 | X02  | OUTBOUND  | WHATSAPP | 2      | `The apartment is still free.`            |
//! | M03 | X03  | INBOUND   | CHAT     | 3      | `L'école est à côté.` (é at 2 and 17)     |
//! | M04 | X03  | OUTBOUND  | CHAT     | 4      | `ÉCOLE SAINT-EXUPÉRY: 5 min` (É at 0, 16) |
//! | M05 | X03  | INBOUND   | CHAT     | 5      | `Is the ecole sign a typo?` (no accent)   |
//! | M06 | X02  | INBOUND   | WHATSAPP | 6      | `Moving to Zürich next month`             |
//! | M07 | X02  | OUTBOUND  | WHATSAPP | 7      | `ZÜRICH OFFICE: CLOSED ON MONDAY`         |
//! | M08 | X04  | OUTBOUND  | EMAIL    | 8      | `Get 50% off today`                       |
//! | M09 | X04  | OUTBOUND  | EMAIL    | 9      | `Get 500 off today`                       |
//! | M10 | X01  | INBOUND   | EMAIL    | 10     | `Saved as a_b.txt`                        |
//! | M11 | X01  | INBOUND   | EMAIL    | 11     | `Saved as axb.txt`                        |
//! | M12 | X01  | INBOUND   | EMAIL    | 12     | `Path: C:\Users\ann\notes.txt` (\ at 8, 14, 18) |
//! | M13 | X01  | INBOUND   | EMAIL    | 20     | `Invoice attached for March` (term at the start)   |
//! | M14 | X02  | OUTBOUND  | WHATSAPP | 22     | `Your invoice is overdue` (middle)        |
//! | M15 | X03  | INBOUND   | CHAT     | 22     | `Please resend the invoice` (end; ties with M14) |
//! | M16 | X04  | OUTBOUND  | SMS      | 24     | `SMS copy of your invoice, as asked`      |
//! | M17 | X05  | INBOUND   | –        | 26     | `Where is my invoice?`                    |
//! | M18 | X04  | INBOUND   | SMS      | 30     | `🎉 Café 東京 déjà vu: parking included` ("parking" at 19) |
//! | M19 | X01  | INBOUND   | EMAIL    | 31     | 238 chars of Japanese, Spanish and emoji; "deposit" at 70 |
//! | M20 | X01  | INBOUND   | EMAIL    | 32     | 336 chars; "mortgage" at 126, "MORTGAGE" at 191, "mortgage" at 322 |
//! | M21 | X02  | INBOUND   | WHATSAPP | 33     | 368 chars; "mortgage" at 4 and 178    |
//! | M22 | X03  | OUTBOUND  | CHAT     | 34     | 308 chars; "mortgage" at 292 only     |
//! | M23 | X01  | OUTBOUND  | EMAIL    | 35     | exactly 160 chars; "boundary" at 40       |
//! | M24 | X01  | OUTBOUND  | EMAIL    | 36     | exactly 161 chars; "boundary" at 41       |
//! | M25 | X02  | INBOUND   | WHATSAPP | 37     | `Tea, TEA or tea? Steam tea.` ("tea" at 0, 5, 12, 18, 23) |
//! | M26 | X03  | INBOUND   | CHAT     | 38     | `Hmmmm... aaaa!` (m at 1–4, a at 9–12)    |
//! | H01–H55 | X06 | INBOUND | CHAT   | 100 + n / 2 (integer division) | `Heartbeat NN: all systems nominal` (NN = 01..55) |
//!
//! The long contents are written below in pieces of exactly 40 characters, so positions can
//! be read off: M20's piece 3 (chars 120–159) is `. Our mortgage broker says the bank need`.
//!
//! Heartbeats: H01 is sent at 100; H02 and H03 at 101; ...; H54 and H55 at 127. So
//! "heartbeat" has 55 hits in Alpha, newest first H55, H54, ..., H01 (within each tied pair
//! the larger id first). Sent in [110, 120): H20..H39.
//!
//! Which Alpha messages contain what (case-insensitively), worked out from the table:
//! - "apart": M01, M02. "école": M03, M04. "ecole": M05. "é": M03, M04, M18.
//! - "zürich" / "ü": M06, M07. "zurich": none.
//! - "50%", "%": M08. "500": M09. "a_b", "_": M10. "axb": M11. "\": M12.
//! - "invoice": M13, M14, M15, M16, M17. "mortgage": M20, M21, M22. "boundary": M23, M24.
//! - "tea": M25 only. "mm", "aa": M26 only. "heartbeat": H01..H55. "quokka": none.
//! - "attached": M13 and M21 (at 40). "東": M18, M19. "ñ": M19 (at 22, 43, 50, 223, 231).
//!
//! # Company Beta (to prove isolation)
//!
//! Inbox BI1 "Beta Support" (EMAIL); contact BK1 Ann Lee, "+1 (555) 010-2000",
//! "ann.lee@beta.example", created -1 (the newest contact of all); conversation BX1
//! (BI1, BK1, EMAIL) with:
//!
//! | msg | direction | channel | sentAt | content                              |
//! |-----|-----------|---------|--------|--------------------------------------|
//! | BM1 | INBOUND   | EMAIL   | 1      | `Apartment in Beta: quokka sighting` |
//! | BM2 | OUTBOUND  | EMAIL   | 21     | `Beta invoice 50% paid, quokka`      |
//! | BM3 | INBOUND   | EMAIL   | 120    | `Heartbeat from Beta`                |
//!
//! "quokka" is only in Beta's messages.

use chrono::{DateTime, Duration, TimeZone, Utc};
use entity::{
    Channel as Ch, ConversationStatus as St, Direction as Dir, Priority as Pr, company, contact,
    conversation, inbox, message,
};
use sea_orm::{ActiveModelTrait, DatabaseConnection, IntoActiveModel};
use uuid::Uuid;

// ---------------------------------------------------------------------------------------
// Ids
// ---------------------------------------------------------------------------------------

const COMPANY: u32 = 0x0a00_0000;
const INBOX: u32 = 0x1b00_0000;
const CONTACT: u32 = 0xcc00_0000;
const CONVERSATION: u32 = 0xc000_0000;
const MESSAGE: u32 = 0xe000_0000;
const HEARTBEAT: u32 = 0xe100_0000;

/// `KKKKKKKK-00CC-4000-8000-00000000NNNN`.
const fn uid(kind: u32, company: u16, n: u16) -> Uuid {
    Uuid::from_u128(
        ((kind as u128) << 96)
            | ((company as u128) << 80)
            | (0x4000u128 << 64)
            | (0x8000u128 << 48)
            | n as u128,
    )
}

/// "0a000000-0001-4000-8000-000000000000"
pub const ALPHA: Uuid = uid(COMPANY, 1, 0);
/// "0a000000-0002-4000-8000-000000000000"
pub const BETA: Uuid = uid(COMPANY, 2, 0);

/// Label prefix, type, company, digits of the number in the label.
const PREFIXES: &[(&str, u32, u16, usize)] = &[
    ("X", CONVERSATION, 1, 2),
    ("BX", CONVERSATION, 2, 1),
    ("K", CONTACT, 1, 1),
    ("BK", CONTACT, 2, 1),
    ("IN", INBOX, 1, 1),
    ("BI", INBOX, 2, 1),
    ("M", MESSAGE, 1, 2),
    ("H", HEARTBEAT, 1, 2),
    ("BM", MESSAGE, 2, 1),
];

/// The uuid of a fixture label: "X03", "BX1", "K2", "BK1", "IN1", "BI1", "M07", "H42",
/// "BM2". A label that names no inserted row ("X99") gives a well-formed uuid in no table.
pub fn id(label: &str) -> Uuid {
    let split = label
        .find(|c: char| c.is_ascii_digit())
        .unwrap_or_else(|| panic!("label {label} has no number"));
    let (prefix, number) = label.split_at(split);
    let n: u16 = number.parse().unwrap();
    let (_, kind, company, _) = PREFIXES
        .iter()
        .find(|(p, ..)| *p == prefix)
        .unwrap_or_else(|| panic!("unknown label prefix in {label}"));
    uid(*kind, *company, n)
}

/// `id(label)` as the string the API returns.
pub fn sid(label: &str) -> String {
    id(label).to_string()
}

/// The label of an id the API returned ("M04"), or the id itself when it is not a fixture
/// id (e.g. a message created during a test).
pub fn label_of(id: &str) -> String {
    let Ok(uuid) = Uuid::parse_str(id) else {
        return id.to_owned();
    };
    let v = uuid.as_u128();
    let kind = (v >> 96) as u32;
    let company = ((v >> 80) & 0xffff) as u16;
    let n = (v & 0xffff) as u16;
    for &(prefix, k, c, width) in PREFIXES {
        if k == kind && c == company && uid(kind, company, n) == uuid {
            return format!("{prefix}{n:0width$}");
        }
    }
    id.to_owned()
}

/// "H01".."H55".
pub fn heartbeat(n: u16) -> String {
    format!("H{n:02}")
}

// ---------------------------------------------------------------------------------------
// Time
// ---------------------------------------------------------------------------------------

/// T0 = 2026-03-01T09:00:00Z.
pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap()
}

/// T0 + `hours`.
pub fn t(hours: i64) -> DateTime<Utc> {
    t0() + Duration::hours(hours)
}

/// T0 + `hours` as an RFC 3339 string, for filter and mutation inputs.
pub fn iso(hours: i64) -> String {
    t(hours).format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

// ---------------------------------------------------------------------------------------
// Rows
// ---------------------------------------------------------------------------------------

/// (label, name, channel)
pub const INBOXES: &[(&str, &str, Ch)] = &[
    ("IN1", "Support Email", Ch::Email),
    ("IN2", "Sales WhatsApp", Ch::Whatsapp),
    ("IN3", "Website Chat", Ch::Chat),
    ("BI1", "Beta Support", Ch::Email),
];

/// (label, name, surname, phone, email, created = updated, in hours from T0)
pub type ContactRow = (
    &'static str,
    Option<&'static str>,
    Option<&'static str>,
    Option<&'static str>,
    Option<&'static str>,
    i64,
);

#[rustfmt::skip]
pub const CONTACTS: &[ContactRow] = &[
    ("K1", Some("Ann"),    Some("Lee"),    Some("+1 (555) 010-2000"), Some("Ann.Lee@Example.com"),     -10),
    ("K2", Some("Joanna"), Some("Smith"),  Some("+44 20 7946 0958"),  Some("JSmith@Example.org"),      -9),
    ("K3", Some("Bo"),     Some("Annley"), None,                      Some("bo@zurich.example"),       -8),
    ("K4", Some("Lee"),    None,           Some("555-0199"),          None,                            -7),
    ("K5", None,           Some("Leeson"), Some("0044 161 496 0000"), Some("contact2000@example.net"), -6),
    ("K6", Some("Ann"),    Some("Leeds"),  None,                      Some("annleeds@example.com"),    -5),
    ("BK1", Some("Ann"),   Some("Lee"),    Some("+1 (555) 010-2000"), Some("ann.lee@beta.example"),    -1),
];

/// (label, subject, inbox, contact, channel, lastMessageAt)
pub type ConversationRow = (
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
    Ch,
    i64,
);

#[rustfmt::skip]
pub const CONVERSATIONS: &[ConversationRow] = &[
    ("X01", "Viewing",       "IN1", Some("K1"),  Ch::Email,    36),
    ("X02", "WhatsApp chat", "IN2", Some("K2"),  Ch::Whatsapp, 37),
    ("X03", "Website chat",  "IN3", Some("K3"),  Ch::Chat,     38),
    ("X04", "Offers",        "IN1", Some("K2"),  Ch::Email,    30),
    ("X05", "Anonymous",     "IN2", None,        Ch::Whatsapp, 26),
    ("X06", "Monitoring",    "IN3", Some("K3"),  Ch::Chat,     127),
    ("BX1", "Beta thread",   "BI1", Some("BK1"), Ch::Email,    120),
];

/// (label, conversation, direction, channel, sentAt in hours from T0, content)
pub type MessageRow = (
    &'static str,
    &'static str,
    Dir,
    Option<Ch>,
    i64,
    &'static str,
);

/// M19: 238 characters (409 bytes), in pieces of 40 characters; "deposit" at 70.
pub const M19: &str = concat!(
    "🏠🏠 東京タワーの近く、静かな部屋です。mañana visita con la", // 0..40
    " señora Núñez 🙂 予約は午後3時です。The deposit is",          // 40..80
    " two months of rent (保証金は家賃の2ヶ月分) and is",          // 80..120
    " paid before the keys are handed over. 鍵",                   // 120..160
    "の受け渡しは月曜日の午前中です。駐車場はありません。自転車置き場はあります。Mu", // 160..200
    "chas gracias y hasta mañana, señora 🙏🙏",                    // 200..238
);

/// M20: 336 characters; "mortgage" at 126, "MORTGAGE" at 191, "mortgage" at 322.
pub const M20: &str = concat!(
    "Dear Sir or Madam, thanks for the quick ", // 0..40
    "reply last week. We gathered every paper", // 40..80
    " you asked for and posted them on Friday", // 80..120
    ". Our mortgage broker says the bank need", // 120..160
    "s one more signed form, so the MORTGAGE ", // 160..200
    "offer can go ahead. Please confirm by Mo", // 200..240
    "nday whether the valuation is booked, an", // 240..280
    "d tell us which solicitor you use for th", // 280..320
    "e mortgage deed.",                         // 320..336
);

/// M21: 368 characters; "mortgage" at 4 and 178.
pub const M21: &str = concat!(
    "Re: mortgage pre-approval. Hello again, ", // 0..40
    "attached is the letter from the lender. ", // 40..80
    "It lists the rate, the term and the fees", // 80..120
    ", and it is valid for ninety days. The b", // 120..160
    "roker fee for the mortgage is paid. Coul", // 160..200
    "d you forward it to the landlord and ask", // 200..240
    " whether the flat can be held until the ", // 240..280
    "survey is back? We can sign by the end o", // 280..320
    "f the month if the survey shows nothing ", // 320..360
    "unusual.",                                 // 360..368
);

/// M22: 308 characters; "mortgage" at 292 only.
pub const M22: &str = concat!(
    "Hello, a quick update on the flat. The s", // 0..40
    "urvey came back clean and the landlord a", // 40..80
    "greed to hold it for us until the end of", // 80..120
    " the month. The only open point is the p", // 120..160
    "aperwork from the bank, which should arr", // 160..200
    "ive on Thursday at the latest, together ", // 200..240
    "with a short letter. We now only wait fo", // 240..280
    "r the final mortgage letter.",             // 280..308
);

/// M23: exactly 160 characters, "boundary" at 40.
pub const M23: &str = concat!(
    "Move-in checklist, item 7 of 9: see the ", // 0..40
    "boundary wall between the two gardens be", // 40..80
    "fore signing; the shed stays with the ho", // 80..120
    "use and the gate key is in a top drawer.", // 120..160
);

/// M24: exactly 161 characters, "boundary" at 41.
pub const M24: &str = concat!(
    "Move-in checklist, item 8 of 9: read the", // 0..40
    " boundary wall between the two gardens b", // 40..80
    "efore signing; the shed stays with the h", // 80..120
    "ouse and the gate key is in a top drawer", // 120..160
    ".",                                        // 160..161
);

#[rustfmt::skip]
pub const MESSAGES: &[MessageRow] = &[
    ("M01", "X01", Dir::Inbound,  Some(Ch::Email),    1,  "Apartment viewing on Monday?"),
    ("M02", "X02", Dir::Outbound, Some(Ch::Whatsapp), 2,  "The apartment is still free."),
    ("M03", "X03", Dir::Inbound,  Some(Ch::Chat),     3,  "L'école est à côté."),
    ("M04", "X03", Dir::Outbound, Some(Ch::Chat),     4,  "ÉCOLE SAINT-EXUPÉRY: 5 min"),
    ("M05", "X03", Dir::Inbound,  Some(Ch::Chat),     5,  "Is the ecole sign a typo?"),
    ("M06", "X02", Dir::Inbound,  Some(Ch::Whatsapp), 6,  "Moving to Zürich next month"),
    ("M07", "X02", Dir::Outbound, Some(Ch::Whatsapp), 7,  "ZÜRICH OFFICE: CLOSED ON MONDAY"),
    ("M08", "X04", Dir::Outbound, Some(Ch::Email),    8,  "Get 50% off today"),
    ("M09", "X04", Dir::Outbound, Some(Ch::Email),    9,  "Get 500 off today"),
    ("M10", "X01", Dir::Inbound,  Some(Ch::Email),    10, "Saved as a_b.txt"),
    ("M11", "X01", Dir::Inbound,  Some(Ch::Email),    11, "Saved as axb.txt"),
    ("M12", "X01", Dir::Inbound,  Some(Ch::Email),    12, r"Path: C:\Users\ann\notes.txt"),
    ("M13", "X01", Dir::Inbound,  Some(Ch::Email),    20, "Invoice attached for March"),
    ("M14", "X02", Dir::Outbound, Some(Ch::Whatsapp), 22, "Your invoice is overdue"),
    ("M15", "X03", Dir::Inbound,  Some(Ch::Chat),     22, "Please resend the invoice"),
    ("M16", "X04", Dir::Outbound, Some(Ch::Sms),      24, "SMS copy of your invoice, as asked"),
    ("M17", "X05", Dir::Inbound,  None,               26, "Where is my invoice?"),
    ("M18", "X04", Dir::Inbound,  Some(Ch::Sms),      30, "🎉 Café 東京 déjà vu: parking included"),
    ("M19", "X01", Dir::Inbound,  Some(Ch::Email),    31, M19),
    ("M20", "X01", Dir::Inbound,  Some(Ch::Email),    32, M20),
    ("M21", "X02", Dir::Inbound,  Some(Ch::Whatsapp), 33, M21),
    ("M22", "X03", Dir::Outbound, Some(Ch::Chat),     34, M22),
    ("M23", "X01", Dir::Outbound, Some(Ch::Email),    35, M23),
    ("M24", "X01", Dir::Outbound, Some(Ch::Email),    36, M24),
    ("M25", "X02", Dir::Inbound,  Some(Ch::Whatsapp), 37, "Tea, TEA or tea? Steam tea."),
    ("M26", "X03", Dir::Inbound,  Some(Ch::Chat),     38, "Hmmmm... aaaa!"),
    ("BM1", "BX1", Dir::Inbound,  Some(Ch::Email),    1,  "Apartment in Beta: quokka sighting"),
    ("BM2", "BX1", Dir::Outbound, Some(Ch::Email),    21, "Beta invoice 50% paid, quokka"),
    ("BM3", "BX1", Dir::Inbound,  Some(Ch::Email),    120, "Heartbeat from Beta"),
];

/// How many heartbeat messages Alpha has.
pub const HEARTBEATS: u16 = 55;

/// The content of heartbeat `n`: "Heartbeat 07: all systems nominal".
pub fn heartbeat_content(n: u16) -> String {
    format!("Heartbeat {n:02}: all systems nominal")
}

/// The sentAt of heartbeat `n`, in hours from T0: 100 + n / 2.
pub fn heartbeat_sent(n: u16) -> i64 {
    100 + i64::from(n / 2)
}

// ---------------------------------------------------------------------------------------
// Loading
// ---------------------------------------------------------------------------------------

fn company_of(label: &str) -> Uuid {
    if label.starts_with('B') { BETA } else { ALPHA }
}

async fn insert_message(
    db: &DatabaseConnection,
    label: &str,
    conv: &str,
    direction: Dir,
    channel: Option<Ch>,
    sent: i64,
    content: &str,
) {
    // createdAt runs in the reverse order of sentAt.
    let created = t(200) - Duration::hours(sent);
    message::Model {
        id: id(label),
        company_id: company_of(label),
        conversation_id: id(conv),
        direction,
        content: content.into(),
        content_folded: entity::text::fold(content),
        channel,
        metadata: None,
        sent_at: t(sent),
        created_at: created,
        updated_at: created,
    }
    .into_active_model()
    .insert(db)
    .await
    .unwrap();
}

/// Inserts both companies and all their rows.
pub async fn load(db: &DatabaseConnection) {
    let jan = Utc.with_ymd_and_hms(2026, 1, 1, 8, 0, 0).unwrap();
    for (company_id, name) in [(ALPHA, "Alpha"), (BETA, "Beta")] {
        company::Model {
            id: company_id,
            name: name.into(),
            created_at: jan,
            updated_at: jan,
        }
        .into_active_model()
        .insert(db)
        .await
        .unwrap();
    }
    for &(label, name, channel) in INBOXES {
        inbox::Model {
            id: id(label),
            company_id: company_of(label),
            name: name.into(),
            channel,
            phone_number: None,
            email: None,
            created_at: jan,
            updated_at: jan,
        }
        .into_active_model()
        .insert(db)
        .await
        .unwrap();
    }
    for &(label, name, surname, phone, email, created) in CONTACTS {
        contact::Model {
            id: id(label),
            company_id: company_of(label),
            name: name.map(Into::into),
            name_folded: name.map(entity::text::fold),
            surname: surname.map(Into::into),
            surname_folded: surname.map(entity::text::fold),
            phone_number: phone.map(Into::into),
            email: email.map(Into::into),
            email_folded: email.map(entity::text::fold),
            created_at: t(created),
            updated_at: t(created),
        }
        .into_active_model()
        .insert(db)
        .await
        .unwrap();
    }
    for &(label, subject, inbox, contact, channel, last_message) in CONVERSATIONS {
        conversation::Model {
            id: id(label),
            company_id: company_of(label),
            inbox_id: id(inbox),
            contact_id: contact.map(id),
            subject: Some(subject.into()),
            status: St::Open,
            priority: Pr::Medium,
            channel,
            source: None,
            is_simulation: false,
            responded_by: None,
            agent_id: None,
            assignee_id: None,
            seen_by_id: None,
            is_chat_opened: false,
            campaign_id: None,
            listing_id: None,
            started_at: Some(t(0)),
            last_message_at: Some(t(last_message)),
            created_at: t(0),
            updated_at: t(last_message),
        }
        .into_active_model()
        .insert(db)
        .await
        .unwrap();
    }
    // Reverse label order: on sentAt ties, insertion order is the opposite of id order.
    for &(label, conv, direction, channel, sent, content) in MESSAGES.iter().rev() {
        insert_message(db, label, conv, direction, channel, sent, content).await;
    }
    for n in (1..=HEARTBEATS).rev() {
        insert_message(
            db,
            &heartbeat(n),
            "X06",
            Dir::Inbound,
            Some(Ch::Chat),
            heartbeat_sent(n),
            &heartbeat_content(n),
        )
        .await;
    }
}
