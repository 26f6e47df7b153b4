//! A hand-built data set for the read API, with known answers. Rows are written straight
//! through the entities, never through the code under test. Every expected answer of
//! `tests/read_api.rs` can be checked by eye against the tables below.
//!
//! Ids are readable uuids `KKKKKKKK-00CC-4000-8000-00000000000N`: KKKKKKKK names the type,
//! CC the company (01 Alpha, 02 Beta, 00 for external ids), N the row number. So within a
//! type and company, id order is row-number order ("C03" < "C11"), which fixes every
//! tie-break in advance. `id("C04")` gives the uuid of a label and `label_of` goes back.
//!
//! Times are offsets in hours from T0 = 2026-03-01T09:00:00Z ("+15" is 2026-03-02T00:00Z).
//!
//! # Company Alpha (the company under test)
//!
//! Agents (listed by name ASC, id ASC: AG1, AG4, AG2, AG5, AG3):
//!
//! | agent | name     | email                 | kind  | created / updated        |
//! |-------|----------|-----------------------|-------|--------------------------|
//! | AG1   | Ada      | ada@alpha.example     | HUMAN | 2026-01-01 / 2026-02-01 08:00 |
//! | AG2   | Ben      | –                     | HUMAN | 2026-01-02 / 2026-02-02 08:00 |
//! | AG3   | Zeta Bot | –                     | AI    | 2026-01-03 / 2026-02-03 08:00 |
//! | AG4   | Ava Bot  | ava@bots.example      | AI    | 2026-01-04 / 2026-02-04 08:00 |
//! | AG5   | Ben      | ben.two@alpha.example | HUMAN | 2026-01-05 / 2026-02-05 08:00 |
//!
//! Inboxes (listed by name ASC, id ASC: IB3, IB2, IB1, IB5, IB4):
//!
//! | inbox | name           | channel  | phone           | email                 | created / updated        |
//! |-------|----------------|----------|-----------------|-----------------------|--------------------------|
//! | IB1   | Support Email  | EMAIL    | –               | support@alpha.example | 2026-01-11 / 2026-02-11 08:00 |
//! | IB2   | Sales WhatsApp | WHATSAPP | +1 555 010 9999 | –                     | 2026-01-12 / 2026-02-12 08:00 |
//! | IB3   | Phone Line     | PHONE    | +1 555 010 8888 | –                     | 2026-01-13 / 2026-02-13 08:00 |
//! | IB4   | Website Chat   | CHAT     | –               | –                     | 2026-01-14 / 2026-02-14 08:00 |
//! | IB5   | Support Email  | EMAIL    | –               | help@alpha.example    | 2026-01-15 / 2026-02-15 08:00 |
//!
//! Contacts (created/updated in hours from T0):
//!
//! | contact | name  | surname | fullName    | phone             | phone digits | email                   | created | updated |
//! |---------|-------|---------|-------------|-------------------|--------------|-------------------------|---------|---------|
//! | CT1     | Alice | Smith   | Alice Smith | +1 (555) 010-2000 | 15550102000  | Alice.Smith@Example.com | -96     | +5      |
//! | CT2     | Bob   | –       | Bob         | 555.010.2000      | 5550102000   | bob@example.com         | -144    | +1      |
//! | CT3     | –     | Jones   | Jones       | +44 20 7946 0958  | 442079460958 | J.Jones@example.co.uk   | -48     | +4      |
//! | CT4     | –     | –       | null        | –                 |              | anon@example.com        | -120    | +2      |
//! | CT5     | Malik | Brown   | Malik Brown | +1 555 777 1234   | 15557771234  | MALIK@Example.COM       | -72     | +3      |
//! | CT6     | Bob   | Stone   | Bob Stone   | –                 |              | –                       | -72     | +1      |
//!
//! Conversations (agent = the AI agent; times in hours from T0; "–" is null):
//!
//! | conv | subject          | status   | priority | channel  | source | inbox | contact | agent | assignee | seenBy | chat | sim | respondedBy | campaign | listing | started | created | updated | lastMsg | tasks       | sessions  | calls      | messages      |
//! |------|------------------|----------|----------|----------|--------|-------|---------|-------|----------|--------|------|-----|-------------|----------|---------|---------|---------|---------|---------|-------------|-----------|------------|---------------|
//! | C01  | Refund request   | OPEN     | HIGH     | EMAIL    | EMAIL  | IB1   | CT1     | –     | AG1      | AG1    | F    | F   | HUMAN       | –        | –       | 2       | 2       | 20      | 18      | TASK1       | –         | –          | M01 M02 M03   |
//! | C02  | WhatsApp enquiry | OPEN     | URGENT   | WHATSAPP | WIDGET | IB2   | CT2     | AG3   | –        | –      | T    | F   | AI          | CAMP1    | LIST1   | 0       | 0       | 15      | 14      | –           | SES1      | –          | M04 M05 M06   |
//! | C03  | Invoice call     | PENDING  | LOW      | PHONE    | PHONE  | IB3   | CT3     | –     | AG2      | AG1    | F    | F   | HUMAN       | –        | –       | 1       | 1       | 15      | –       | –           | –         | CL1 CL2    | –             |
//! | C04  | Pricing question | CLOSED   | MEDIUM   | CHAT     | WIDGET | IB4   | CT4     | AG4   | AG1      | AG2    | T    | T   | AI          | CAMP2    | –       | 5       | 5       | 12      | 11      | –           | –         | –          | M07           |
//! | C05  | Old refund       | ARCHIVED | LOW      | EMAIL    | API    | IB1   | CT1     | –     | –        | –      | F    | F   | –           | –        | –       | –       | -48     | 5       | 4       | TASK1 TASK2 | –         | –          | M08           |
//! | C06  | Text message     | OPEN     | MEDIUM   | SMS      | –      | IB3   | CT5     | AG3   | AG2      | AG2    | F    | F   | AI          | –        | –       | 4       | 4       | 25      | 24      | –           | –         | –          | M09 M10       |
//! | C07  | Viewing request  | PENDING  | HIGH     | WHATSAPP | WIDGET | IB2   | CT2     | AG3   | AG1      | –      | T    | F   | AI          | –        | –       | 3       | 3       | 12      | 10      | –           | SES1 SES2 | –          | M11           |
//! | C08  | –                | OPEN     | URGENT   | PHONE    | PHONE  | IB3   | –       | –     | –        | AG1    | F    | T   | –           | –        | –       | 7       | 7       | 9       | 8       | –           | –         | CL3 CL6    | M15           |
//! | C09  | Complaint        | CLOSED   | HIGH     | EMAIL    | EMAIL  | IB1   | CT3     | –     | AG2      | –      | F    | F   | HUMAN       | CAMP1    | –       | 6       | 6       | 30      | 29      | TASK3       | –         | CL7        | M12           |
//! | C10  | Demo chat        | OPEN     | LOW      | CHAT     | API    | IB4   | CT5     | AG4   | –        | –      | T    | T   | –           | –        | –       | –       | 8       | 8       | –       | –           | –         | –          | –             |
//! | C11  | Booking call     | CLOSED   | URGENT   | PHONE    | PHONE  | IB3   | CT1     | AG4   | AG2      | AG1    | F    | F   | AI          | –        | –       | 9       | 9       | 22      | 21      | –           | –         | CL4 CL5    | M13           |
//! | C12  | Follow-up        | PENDING  | MEDIUM   | EMAIL    | EMAIL  | IB1   | CT2     | –     | AG1      | AG1    | F    | F   | HUMAN       | CAMP2    | –       | 9       | 9       | 22      | 19      | –           | SES2      | –          | M14           |
//!
//! Ties: updatedAt 22 (C11, C12), 15 (C02, C03), 12 (C04, C07); createdAt 9 (C11, C12).
//! lastMessageAt is null for C03 and C10 (no messages). Links are inserted out of order
//! (C05: TASK2 before TASK1; C07: SES2 before SES1) so that sorting is visible.
//! Campaigns: CAMP1 is C02's and C09's own and, through calls CL1 and CL2, C03's (C09's
//! call CL7 has CAMP1 too: no duplicate row). CAMP2 is C04's and C12's own and, through
//! call CL3, C08's.
//!
//! Messages (createdAt = sentAt + 1 min, updatedAt = sentAt + 2 min):
//!
//! | msg | conv | direction | content                          | channel  | sentAt |
//! |-----|------|-----------|----------------------------------|----------|--------|
//! | M01 | C01  | INBOUND   | I would like a refund            | EMAIL    | 3      |
//! | M02 | C01  | OUTBOUND  | We are looking into it           | EMAIL    | 4      |
//! | M03 | C01  | INBOUND   | Thanks!                          | EMAIL    | 18     |
//! | M04 | C02  | INBOUND   | Hi, is the flat available?       | WHATSAPP | 2      |
//! | M05 | C02  | OUTBOUND  | Yes, it is.                      | WHATSAPP | 14     |
//! | M06 | C02  | INBOUND   | Great                            | WHATSAPP | 14     |  (tie with M05: M06 is C02's lastMessage)
//! | M07 | C04  | INBOUND   | How much is the premium plan?    | CHAT     | 11     |  (metadata: `m07_metadata()`)
//! | M08 | C05  | INBOUND   | Refund please                    | –        | 4      |
//! | M09 | C06  | INBOUND   | Can I reschedule?                | SMS      | 6      |
//! | M10 | C06  | OUTBOUND  | Sure, when suits you?            | SMS      | 24     |
//! | M11 | C07  | INBOUND   | I'd like a viewing               | WHATSAPP | 10     |
//! | M12 | C09  | INBOUND   | This is unacceptable             | EMAIL    | 29     |
//! | M13 | C11  | OUTBOUND  | Call transcript: viewing booked  | PHONE    | 21     |
//! | M14 | C12  | OUTBOUND  | Just following up                | EMAIL    | 19     |
//! | M15 | C08  | INBOUND   | Voicemail: please call back      | PHONE    | 8      |
//!
//! Calls (updatedAt = createdAt + 30 min):
//!
//! | call | conv | direction | status      | duration | recording                   | handledBy | summary                | campaign | started | created |
//! |------|------|-----------|-------------|----------|-----------------------------|-----------|------------------------|----------|---------|---------|
//! | CL1  | C03  | INBOUND   | COMPLETED   | 300      | https://rec.example/cl1.mp3 | HUMAN     | Asked about an invoice | CAMP1    | 3       | 16      |
//! | CL2  | C03  | OUTBOUND  | NO_ANSWER   | –        | –                           | –         | –                      | CAMP1    | 14      | 14      |
//! | CL3  | C08  | INBOUND   | QUEUED      | –        | –                           | –         | –                      | CAMP2    | –       | 7       |
//! | CL4  | C11  | INBOUND   | COMPLETED   | 120      | https://rec.example/cl4.mp3 | AI        | Booked a viewing       | –        | 20      | 20      |
//! | CL5  | C11  | OUTBOUND  | FAILED      | –        | –                           | –         | –                      | –        | –       | 21      |
//! | CL6  | C08  | OUTBOUND  | BUSY        | 0        | –                           | HUMAN     | –                      | –        | 8       | 8       |
//! | CL7  | C09  | INBOUND   | COMPLETED   | 45       | –                           | HUMAN     | Complaint logged       | CAMP1    | 28      | 28      |
//!
//! # Company Beta (rows that would match the same filters, to prove isolation)
//!
//! Agent BG1 "Ada" (HUMAN); inbox BI1 "Support Email" (EMAIL); contact BC1 Alice Smith,
//! "+1 (555) 010-2000", "alice.smith@example.com" (same as CT1).
//!
//! | conv | subject        | status  | priority | channel | source | inbox | contact | assignee | seenBy | chat | sim | respondedBy | campaign | listing | created | updated | lastMsg | tasks | sessions | calls | messages |
//! |------|----------------|---------|----------|---------|--------|-------|---------|----------|--------|------|-----|-------------|----------|---------|---------|---------|---------|-------|----------|-------|----------|
//! | BX1  | Refund request | OPEN    | URGENT   | EMAIL   | EMAIL  | BI1   | BC1     | BG1      | BG1    | T    | T   | AI          | CAMP1    | LIST1   | 1       | 100     | 99      | –     | –        | –     | BM1      |
//! | BX2  | Invoice call   | PENDING | LOW      | PHONE   | PHONE  | BI1   | BC1     | –        | –      | F    | F   | HUMAN       | –        | –       | 2       | 50      | –       | TASK1 | SES1     | BCL1  | –        |
//!
//! BM1: INBOUND "Hello from Beta", EMAIL, sent 99. BCL1: INBOUND COMPLETED, 60 s, HUMAN,
//! CAMP1, started and created 50. Beta's rows are the most recently updated of all, so
//! any leak would show at the head of Alpha's lists.

use chrono::{DateTime, Duration, TimeZone, Utc};
use entity::{
    AgentKind, CallStatus as Cs, Channel as Ch, ConversationStatus as St, Direction as Dir,
    Priority as Pr, Responder as Rs, Source as Src,
};
use entity::{
    agent, call, company, contact, conversation, conversation_session, conversation_task, inbox,
    message,
};
use sea_orm::{ActiveModelTrait, DatabaseConnection, IntoActiveModel};
use serde_json::{Value, json};
use uuid::Uuid;

// ---------------------------------------------------------------------------------------
// Ids
// ---------------------------------------------------------------------------------------

const COMPANY: u32 = 0x0a00_0000;
const AGENT: u32 = 0xa900_0000;
const INBOX: u32 = 0x1b00_0000;
const CONTACT: u32 = 0xcc00_0000;
const CONVERSATION: u32 = 0xc000_0000;
const MESSAGE: u32 = 0xe000_0000;
const CALL: u32 = 0xca00_0000;
const TASK: u32 = 0x7a00_0000;
const SESSION: u32 = 0x5e00_0000;
const CAMPAIGN: u32 = 0xcb00_0000;
const LISTING: u32 = 0x1100_0000;
const TASK_LINK: u32 = 0x7b00_0000;
const SESSION_LINK: u32 = 0x5f00_0000;

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
    ("C", CONVERSATION, 1, 2),
    ("BX", CONVERSATION, 2, 1),
    ("CT", CONTACT, 1, 1),
    ("BC", CONTACT, 2, 1),
    ("IB", INBOX, 1, 1),
    ("BI", INBOX, 2, 1),
    ("AG", AGENT, 1, 1),
    ("BG", AGENT, 2, 1),
    ("M", MESSAGE, 1, 2),
    ("BM", MESSAGE, 2, 1),
    ("CL", CALL, 1, 1),
    ("BCL", CALL, 2, 1),
    ("TASK", TASK, 0, 1),
    ("SES", SESSION, 0, 1),
    ("CAMP", CAMPAIGN, 0, 1),
    ("LIST", LISTING, 0, 1),
];

/// The uuid of a fixture label: "C04" (Alpha conversation 4), "BX1" (Beta conversation 1),
/// "CT2", "BC1", "IB3", "BI1", "AG1", "BG1", "M07", "BM1", "CL6", "BCL1", "TASK1",
/// "SES2", "CAMP1", "LIST1". A label that names no inserted row (e.g. "C99") gives a
/// well-formed uuid that is in no table.
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

/// The label of an id the API returned ("C04"), or the id itself when it is not a
/// fixture id.
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
    if uuid == ALPHA {
        return "ALPHA".into();
    }
    if uuid == BETA {
        return "BETA".into();
    }
    id.to_owned()
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

/// T0 + `hours` as an RFC 3339 string, for filter inputs.
pub fn iso(hours: i64) -> String {
    t(hours).format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

fn day(month: u32, day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, month, day, 8, 0, 0).unwrap()
}

// ---------------------------------------------------------------------------------------
// Rows
// ---------------------------------------------------------------------------------------

/// (label, name, email, kind, day of creation in January; updated the same day in February)
#[rustfmt::skip]
pub const AGENTS: &[(&str, &str, Option<&str>, AgentKind, u32)] = &[
    ("AG1", "Ada",      Some("ada@alpha.example"),     AgentKind::Human, 1),
    ("AG2", "Ben",      None,                          AgentKind::Human, 2),
    ("AG3", "Zeta Bot", None,                          AgentKind::Ai,    3),
    ("AG4", "Ava Bot",  Some("ava@bots.example"),      AgentKind::Ai,    4),
    ("AG5", "Ben",      Some("ben.two@alpha.example"), AgentKind::Human, 5),
    ("BG1", "Ada",      Some("ada@beta.example"),      AgentKind::Human, 1),
];

/// (label, name, channel, phone, email, day of creation in January; updated the same day
/// in February)
pub type InboxRow = (
    &'static str,
    &'static str,
    Ch,
    Option<&'static str>,
    Option<&'static str>,
    u32,
);

#[rustfmt::skip]
pub const INBOXES: &[InboxRow] = &[
    (
        "IB1",
        "Support Email",
        Ch::Email,
        None,
        Some("support@alpha.example"),
        11,
    ),
    (
        "IB2",
        "Sales WhatsApp",
        Ch::Whatsapp,
        Some("+1 555 010 9999"),
        None,
        12,
    ),
    (
        "IB3",
        "Phone Line",
        Ch::Phone,
        Some("+1 555 010 8888"),
        None,
        13,
    ),
    ("IB4", "Website Chat", Ch::Chat, None, None, 14),
    (
        "IB5",
        "Support Email",
        Ch::Email,
        None,
        Some("help@alpha.example"),
        15,
    ),
    (
        "BI1",
        "Support Email",
        Ch::Email,
        None,
        Some("support@beta.example"),
        11,
    ),
];

/// (label, name, surname, phone, email, created, updated) — hours from T0.
pub type ContactRow = (
    &'static str,
    Option<&'static str>,
    Option<&'static str>,
    Option<&'static str>,
    Option<&'static str>,
    i64,
    i64,
);

#[rustfmt::skip]
pub const CONTACTS: &[ContactRow] = &[
    (
        "CT1",
        Some("Alice"),
        Some("Smith"),
        Some("+1 (555) 010-2000"),
        Some("Alice.Smith@Example.com"),
        -96,
        5,
    ),
    (
        "CT2",
        Some("Bob"),
        None,
        Some("555.010.2000"),
        Some("bob@example.com"),
        -144,
        1,
    ),
    (
        "CT3",
        None,
        Some("Jones"),
        Some("+44 20 7946 0958"),
        Some("J.Jones@example.co.uk"),
        -48,
        4,
    ),
    ("CT4", None, None, None, Some("anon@example.com"), -120, 2),
    (
        "CT5",
        Some("Malik"),
        Some("Brown"),
        Some("+1 555 777 1234"),
        Some("MALIK@Example.COM"),
        -72,
        3,
    ),
    ("CT6", Some("Bob"), Some("Stone"), None, None, -72, 1),
    (
        "BC1",
        Some("Alice"),
        Some("Smith"),
        Some("+1 (555) 010-2000"),
        Some("alice.smith@example.com"),
        -96,
        5,
    ),
];

/// One conversation row; labels name other rows, times are hours from T0.
pub struct Conv {
    pub label: &'static str,
    pub subject: Option<&'static str>,
    pub status: St,
    pub priority: Pr,
    pub channel: Ch,
    pub source: Option<Src>,
    pub inbox: &'static str,
    pub contact: Option<&'static str>,
    pub agent: Option<&'static str>,
    pub assignee: Option<&'static str>,
    pub seen_by: Option<&'static str>,
    pub chat_opened: bool,
    pub simulation: bool,
    pub responded_by: Option<Rs>,
    pub campaign: Option<&'static str>,
    pub listing: Option<&'static str>,
    pub started: Option<i64>,
    pub created: i64,
    pub updated: i64,
    pub last_message: Option<i64>,
}

#[rustfmt::skip]
pub const CONVERSATIONS: &[Conv] = &[
    Conv { label: "C01", subject: Some("Refund request"), status: St::Open, priority: Pr::High, channel: Ch::Email, source: Some(Src::Email),
           inbox: "IB1", contact: Some("CT1"), agent: None, assignee: Some("AG1"), seen_by: Some("AG1"),
           chat_opened: false, simulation: false, responded_by: Some(Rs::Human), campaign: None, listing: None,
           started: Some(2), created: 2, updated: 20, last_message: Some(18) },
    Conv { label: "C02", subject: Some("WhatsApp enquiry"), status: St::Open, priority: Pr::Urgent, channel: Ch::Whatsapp, source: Some(Src::Widget),
           inbox: "IB2", contact: Some("CT2"), agent: Some("AG3"), assignee: None, seen_by: None,
           chat_opened: true, simulation: false, responded_by: Some(Rs::Ai), campaign: Some("CAMP1"), listing: Some("LIST1"),
           started: Some(0), created: 0, updated: 15, last_message: Some(14) },
    Conv { label: "C03", subject: Some("Invoice call"), status: St::Pending, priority: Pr::Low, channel: Ch::Phone, source: Some(Src::Phone),
           inbox: "IB3", contact: Some("CT3"), agent: None, assignee: Some("AG2"), seen_by: Some("AG1"),
           chat_opened: false, simulation: false, responded_by: Some(Rs::Human), campaign: None, listing: None,
           started: Some(1), created: 1, updated: 15, last_message: None },
    Conv { label: "C04", subject: Some("Pricing question"), status: St::Closed, priority: Pr::Medium, channel: Ch::Chat, source: Some(Src::Widget),
           inbox: "IB4", contact: Some("CT4"), agent: Some("AG4"), assignee: Some("AG1"), seen_by: Some("AG2"),
           chat_opened: true, simulation: true, responded_by: Some(Rs::Ai), campaign: Some("CAMP2"), listing: None,
           started: Some(5), created: 5, updated: 12, last_message: Some(11) },
    Conv { label: "C05", subject: Some("Old refund"), status: St::Archived, priority: Pr::Low, channel: Ch::Email, source: Some(Src::Api),
           inbox: "IB1", contact: Some("CT1"), agent: None, assignee: None, seen_by: None,
           chat_opened: false, simulation: false, responded_by: None, campaign: None, listing: None,
           started: None, created: -48, updated: 5, last_message: Some(4) },
    Conv { label: "C06", subject: Some("Text message"), status: St::Open, priority: Pr::Medium, channel: Ch::Sms, source: None,
           inbox: "IB3", contact: Some("CT5"), agent: Some("AG3"), assignee: Some("AG2"), seen_by: Some("AG2"),
           chat_opened: false, simulation: false, responded_by: Some(Rs::Ai), campaign: None, listing: None,
           started: Some(4), created: 4, updated: 25, last_message: Some(24) },
    Conv { label: "C07", subject: Some("Viewing request"), status: St::Pending, priority: Pr::High, channel: Ch::Whatsapp, source: Some(Src::Widget),
           inbox: "IB2", contact: Some("CT2"), agent: Some("AG3"), assignee: Some("AG1"), seen_by: None,
           chat_opened: true, simulation: false, responded_by: Some(Rs::Ai), campaign: None, listing: None,
           started: Some(3), created: 3, updated: 12, last_message: Some(10) },
    Conv { label: "C08", subject: None, status: St::Open, priority: Pr::Urgent, channel: Ch::Phone, source: Some(Src::Phone),
           inbox: "IB3", contact: None, agent: None, assignee: None, seen_by: Some("AG1"),
           chat_opened: false, simulation: true, responded_by: None, campaign: None, listing: None,
           started: Some(7), created: 7, updated: 9, last_message: Some(8) },
    Conv { label: "C09", subject: Some("Complaint"), status: St::Closed, priority: Pr::High, channel: Ch::Email, source: Some(Src::Email),
           inbox: "IB1", contact: Some("CT3"), agent: None, assignee: Some("AG2"), seen_by: None,
           chat_opened: false, simulation: false, responded_by: Some(Rs::Human), campaign: Some("CAMP1"), listing: None,
           started: Some(6), created: 6, updated: 30, last_message: Some(29) },
    Conv { label: "C10", subject: Some("Demo chat"), status: St::Open, priority: Pr::Low, channel: Ch::Chat, source: Some(Src::Api),
           inbox: "IB4", contact: Some("CT5"), agent: Some("AG4"), assignee: None, seen_by: None,
           chat_opened: true, simulation: true, responded_by: None, campaign: None, listing: None,
           started: None, created: 8, updated: 8, last_message: None },
    Conv { label: "C11", subject: Some("Booking call"), status: St::Closed, priority: Pr::Urgent, channel: Ch::Phone, source: Some(Src::Phone),
           inbox: "IB3", contact: Some("CT1"), agent: Some("AG4"), assignee: Some("AG2"), seen_by: Some("AG1"),
           chat_opened: false, simulation: false, responded_by: Some(Rs::Ai), campaign: None, listing: None,
           started: Some(9), created: 9, updated: 22, last_message: Some(21) },
    Conv { label: "C12", subject: Some("Follow-up"), status: St::Pending, priority: Pr::Medium, channel: Ch::Email, source: Some(Src::Email),
           inbox: "IB1", contact: Some("CT2"), agent: None, assignee: Some("AG1"), seen_by: Some("AG1"),
           chat_opened: false, simulation: false, responded_by: Some(Rs::Human), campaign: Some("CAMP2"), listing: None,
           started: Some(9), created: 9, updated: 22, last_message: Some(19) },
    // Beta
    Conv { label: "BX1", subject: Some("Refund request"), status: St::Open, priority: Pr::Urgent, channel: Ch::Email, source: Some(Src::Email),
           inbox: "BI1", contact: Some("BC1"), agent: None, assignee: Some("BG1"), seen_by: Some("BG1"),
           chat_opened: true, simulation: true, responded_by: Some(Rs::Ai), campaign: Some("CAMP1"), listing: Some("LIST1"),
           started: Some(1), created: 1, updated: 100, last_message: Some(99) },
    Conv { label: "BX2", subject: Some("Invoice call"), status: St::Pending, priority: Pr::Low, channel: Ch::Phone, source: Some(Src::Phone),
           inbox: "BI1", contact: Some("BC1"), agent: None, assignee: None, seen_by: None,
           chat_opened: false, simulation: false, responded_by: Some(Rs::Human), campaign: None, listing: None,
           started: Some(2), created: 2, updated: 50, last_message: None },
];

/// (conversation, task) in insertion order.
pub const TASK_LINKS: &[(&str, &str)] = &[
    ("C05", "TASK2"),
    ("C01", "TASK1"),
    ("C05", "TASK1"),
    ("C09", "TASK3"),
    ("BX2", "TASK1"),
];

/// (conversation, session) in insertion order.
pub const SESSION_LINKS: &[(&str, &str)] = &[
    ("C07", "SES2"),
    ("C02", "SES1"),
    ("C07", "SES1"),
    ("C12", "SES2"),
    ("BX2", "SES1"),
];

/// (label, conversation, direction, content, channel, sentAt in hours from T0)
pub type MessageRow = (
    &'static str,
    &'static str,
    Dir,
    &'static str,
    Option<Ch>,
    i64,
);

#[rustfmt::skip]
pub const MESSAGES: &[MessageRow] = &[
    (
        "M01",
        "C01",
        Dir::Inbound,
        "I would like a refund",
        Some(Ch::Email),
        3,
    ),
    (
        "M02",
        "C01",
        Dir::Outbound,
        "We are looking into it",
        Some(Ch::Email),
        4,
    ),
    ("M03", "C01", Dir::Inbound, "Thanks!", Some(Ch::Email), 18),
    (
        "M04",
        "C02",
        Dir::Inbound,
        "Hi, is the flat available?",
        Some(Ch::Whatsapp),
        2,
    ),
    (
        "M05",
        "C02",
        Dir::Outbound,
        "Yes, it is.",
        Some(Ch::Whatsapp),
        14,
    ),
    ("M06", "C02", Dir::Inbound, "Great", Some(Ch::Whatsapp), 14),
    (
        "M07",
        "C04",
        Dir::Inbound,
        "How much is the premium plan?",
        Some(Ch::Chat),
        11,
    ),
    ("M08", "C05", Dir::Inbound, "Refund please", None, 4),
    (
        "M09",
        "C06",
        Dir::Inbound,
        "Can I reschedule?",
        Some(Ch::Sms),
        6,
    ),
    (
        "M10",
        "C06",
        Dir::Outbound,
        "Sure, when suits you?",
        Some(Ch::Sms),
        24,
    ),
    (
        "M11",
        "C07",
        Dir::Inbound,
        "I'd like a viewing",
        Some(Ch::Whatsapp),
        10,
    ),
    (
        "M12",
        "C09",
        Dir::Inbound,
        "This is unacceptable",
        Some(Ch::Email),
        29,
    ),
    (
        "M13",
        "C11",
        Dir::Outbound,
        "Call transcript: viewing booked",
        Some(Ch::Phone),
        21,
    ),
    (
        "M14",
        "C12",
        Dir::Outbound,
        "Just following up",
        Some(Ch::Email),
        19,
    ),
    (
        "M15",
        "C08",
        Dir::Inbound,
        "Voicemail: please call back",
        Some(Ch::Phone),
        8,
    ),
    (
        "BM1",
        "BX1",
        Dir::Inbound,
        "Hello from Beta",
        Some(Ch::Email),
        99,
    ),
];

/// The metadata of M07, the one message that has some.
pub fn m07_metadata() -> Value {
    json!({
        "page": "/pricing",
        "utm": { "source": "ads", "tags": ["spring", 2026] },
        "rating": 4.5,
        "bot": true,
        "note": null,
    })
}

/// One call row; times are hours from T0.
pub struct CallRow {
    pub label: &'static str,
    pub conversation: &'static str,
    pub direction: Dir,
    pub status: Cs,
    pub duration: Option<i32>,
    pub recording: Option<&'static str>,
    pub handled_by: Option<Rs>,
    pub summary: Option<&'static str>,
    pub campaign: Option<&'static str>,
    pub started: Option<i64>,
    pub created: i64,
}

#[rustfmt::skip]
pub const CALLS: &[CallRow] = &[
    CallRow { label: "CL1", conversation: "C03", direction: Dir::Inbound, status: Cs::Completed, duration: Some(300),
              recording: Some("https://rec.example/cl1.mp3"), handled_by: Some(Rs::Human), summary: Some("Asked about an invoice"),
              campaign: Some("CAMP1"), started: Some(3), created: 16 },
    CallRow { label: "CL2", conversation: "C03", direction: Dir::Outbound, status: Cs::NoAnswer, duration: None,
              recording: None, handled_by: None, summary: None,
              campaign: Some("CAMP1"), started: Some(14), created: 14 },
    CallRow { label: "CL3", conversation: "C08", direction: Dir::Inbound, status: Cs::Queued, duration: None,
              recording: None, handled_by: None, summary: None,
              campaign: Some("CAMP2"), started: None, created: 7 },
    CallRow { label: "CL4", conversation: "C11", direction: Dir::Inbound, status: Cs::Completed, duration: Some(120),
              recording: Some("https://rec.example/cl4.mp3"), handled_by: Some(Rs::Ai), summary: Some("Booked a viewing"),
              campaign: None, started: Some(20), created: 20 },
    CallRow { label: "CL5", conversation: "C11", direction: Dir::Outbound, status: Cs::Failed, duration: None,
              recording: None, handled_by: None, summary: None,
              campaign: None, started: None, created: 21 },
    CallRow { label: "CL6", conversation: "C08", direction: Dir::Outbound, status: Cs::Busy, duration: Some(0),
              recording: None, handled_by: Some(Rs::Human), summary: None,
              campaign: None, started: Some(8), created: 8 },
    CallRow { label: "CL7", conversation: "C09", direction: Dir::Inbound, status: Cs::Completed, duration: Some(45),
              recording: None, handled_by: Some(Rs::Human), summary: Some("Complaint logged"),
              campaign: Some("CAMP1"), started: Some(28), created: 28 },
    // Beta
    CallRow { label: "BCL1", conversation: "BX2", direction: Dir::Inbound, status: Cs::Completed, duration: Some(60),
              recording: None, handled_by: Some(Rs::Human), summary: None,
              campaign: Some("CAMP1"), started: Some(50), created: 50 },
];

// ---------------------------------------------------------------------------------------
// Expected orders of Alpha's whole lists, worked out by hand from the tables above.
// ---------------------------------------------------------------------------------------

/// conversations, UPDATED_AT DESC (the default): 30 C09, 25 C06, 22 C12 > C11 (tie, id
/// DESC), 20 C01, 15 C03 > C02, 12 C07 > C04, 9 C08, 8 C10, 5 C05.
pub const CONV_UPDATED_DESC: [&str; 12] = [
    "C09", "C06", "C12", "C11", "C01", "C03", "C02", "C07", "C04", "C08", "C10", "C05",
];
/// conversations, UPDATED_AT ASC: ties by id ASC.
pub const CONV_UPDATED_ASC: [&str; 12] = [
    "C05", "C10", "C08", "C04", "C07", "C02", "C03", "C01", "C11", "C12", "C06", "C09",
];
/// conversations, CREATED_AT DESC: 9 C12 > C11, 8 C10, 7 C08, 6 C09, 5 C04, 4 C06, 3 C07,
/// 2 C01, 1 C03, 0 C02, -48 C05.
pub const CONV_CREATED_DESC: [&str; 12] = [
    "C12", "C11", "C10", "C08", "C09", "C04", "C06", "C07", "C01", "C03", "C02", "C05",
];
pub const CONV_CREATED_ASC: [&str; 12] = [
    "C05", "C02", "C03", "C01", "C07", "C06", "C04", "C09", "C08", "C10", "C11", "C12",
];
/// conversations, LAST_MESSAGE_AT DESC: 29 C09, 24 C06, 21 C11, 19 C12, 18 C01, 14 C02,
/// 11 C04, 10 C07, 8 C08, 4 C05, then the nulls last (id DESC): C10, C03.
pub const CONV_LAST_MESSAGE_DESC: [&str; 12] = [
    "C09", "C06", "C11", "C12", "C01", "C02", "C04", "C07", "C08", "C05", "C10", "C03",
];
/// conversations, LAST_MESSAGE_AT ASC: nulls still last (id ASC): C03, C10.
pub const CONV_LAST_MESSAGE_ASC: [&str; 12] = [
    "C05", "C08", "C07", "C04", "C02", "C01", "C12", "C11", "C06", "C09", "C03", "C10",
];
/// conversations, PRIORITY DESC: URGENT C11 C08 C02, HIGH C09 C07 C01, MEDIUM C12 C06 C04,
/// LOW C10 C05 C03 (by rank, not alphabetically; ties by id DESC).
pub const CONV_PRIORITY_DESC: [&str; 12] = [
    "C11", "C08", "C02", "C09", "C07", "C01", "C12", "C06", "C04", "C10", "C05", "C03",
];
pub const CONV_PRIORITY_ASC: [&str; 12] = [
    "C03", "C05", "C10", "C04", "C06", "C12", "C01", "C07", "C09", "C02", "C08", "C11",
];

/// Every conversation ordering: (field, direction, expected order).
pub const CONVERSATION_ORDERS: [(&str, &str, [&str; 12]); 8] = [
    ("UPDATED_AT", "DESC", CONV_UPDATED_DESC),
    ("UPDATED_AT", "ASC", CONV_UPDATED_ASC),
    ("CREATED_AT", "DESC", CONV_CREATED_DESC),
    ("CREATED_AT", "ASC", CONV_CREATED_ASC),
    ("LAST_MESSAGE_AT", "DESC", CONV_LAST_MESSAGE_DESC),
    ("LAST_MESSAGE_AT", "ASC", CONV_LAST_MESSAGE_ASC),
    ("PRIORITY", "DESC", CONV_PRIORITY_DESC),
    ("PRIORITY", "ASC", CONV_PRIORITY_ASC),
];

/// Every contact ordering. CREATED_AT: -144 CT2, -120 CT4, -96 CT1, -72 CT5 < CT6 (tie),
/// -48 CT3. UPDATED_AT: +1 CT2 < CT6 (tie), +2 CT4, +3 CT5, +4 CT3, +5 CT1.
/// NAME: Alice CT1, Bob CT2 < CT6 (tie), Malik CT5, then the null names last: CT3, CT4.
#[rustfmt::skip]
pub const CONTACT_ORDERS: [(&str, &str, [&str; 6]); 6] = [
    ("CREATED_AT", "DESC", ["CT3", "CT6", "CT5", "CT1", "CT4", "CT2"]),
    ("CREATED_AT", "ASC",  ["CT2", "CT4", "CT1", "CT5", "CT6", "CT3"]),
    ("UPDATED_AT", "DESC", ["CT1", "CT3", "CT5", "CT4", "CT6", "CT2"]),
    ("UPDATED_AT", "ASC",  ["CT2", "CT6", "CT4", "CT5", "CT3", "CT1"]),
    ("FIRST_NAME", "ASC",  ["CT1", "CT2", "CT6", "CT5", "CT3", "CT4"]),
    ("FIRST_NAME", "DESC", ["CT5", "CT6", "CT2", "CT1", "CT4", "CT3"]),
];
/// contacts in the default order (CREATED_AT DESC).
pub const CONTACTS_DEFAULT: [&str; 6] = CONTACT_ORDERS[0].2;

/// Every call ordering. STARTED_AT: 3 CL1, 8 CL6, 14 CL2, 20 CL4, 28 CL7, nulls last in
/// both directions (CL3 < CL5 by id). CREATED_AT: 7 CL3, 8 CL6, 14 CL2, 16 CL1, 20 CL4,
/// 21 CL5, 28 CL7.
#[rustfmt::skip]
pub const CALL_ORDERS: [(&str, &str, [&str; 7]); 4] = [
    ("STARTED_AT", "DESC", ["CL7", "CL4", "CL2", "CL6", "CL1", "CL5", "CL3"]),
    ("STARTED_AT", "ASC",  ["CL1", "CL6", "CL2", "CL4", "CL7", "CL3", "CL5"]),
    ("CREATED_AT", "DESC", ["CL7", "CL5", "CL4", "CL1", "CL2", "CL6", "CL3"]),
    ("CREATED_AT", "ASC",  ["CL3", "CL6", "CL2", "CL1", "CL4", "CL5", "CL7"]),
];
/// calls in the default order (STARTED_AT DESC).
pub const CALLS_DEFAULT: [&str; 7] = CALL_ORDERS[0].2;

/// agents by name ASC, id ASC: Ada, Ava Bot, Ben (AG2), Ben (AG5), Zeta Bot.
pub const AGENTS_ORDER: [&str; 5] = ["AG1", "AG4", "AG2", "AG5", "AG3"];
/// inboxes by name ASC, id ASC: Phone Line, Sales WhatsApp, Support Email (IB1, IB5),
/// Website Chat.
pub const INBOXES_ORDER: [&str; 5] = ["IB3", "IB2", "IB1", "IB5", "IB4"];

// ---------------------------------------------------------------------------------------
// Loading
// ---------------------------------------------------------------------------------------

fn company_of(label: &str) -> Uuid {
    if label.starts_with('B') { BETA } else { ALPHA }
}

fn opt_id(label: Option<&str>) -> Option<Uuid> {
    label.map(id)
}

/// Inserts both companies and all their rows.
pub async fn load(db: &DatabaseConnection) {
    for (company_id, name) in [(ALPHA, "Alpha"), (BETA, "Beta")] {
        company::Model {
            id: company_id,
            name: name.into(),
            created_at: day(1, 1),
            updated_at: day(1, 1),
        }
        .into_active_model()
        .insert(db)
        .await
        .unwrap();
    }
    for &(label, name, email, kind, d) in AGENTS {
        agent::Model {
            id: id(label),
            company_id: company_of(label),
            name: name.into(),
            email: email.map(Into::into),
            kind,
            created_at: day(1, d),
            updated_at: day(2, d),
        }
        .into_active_model()
        .insert(db)
        .await
        .unwrap();
    }
    for &(label, name, channel, phone, email, d) in INBOXES {
        inbox::Model {
            id: id(label),
            company_id: company_of(label),
            name: name.into(),
            channel,
            phone_number: phone.map(Into::into),
            email: email.map(Into::into),
            created_at: day(1, d),
            updated_at: day(2, d),
        }
        .into_active_model()
        .insert(db)
        .await
        .unwrap();
    }
    for &(label, name, surname, phone, email, created, updated) in CONTACTS {
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
            updated_at: t(updated),
        }
        .into_active_model()
        .insert(db)
        .await
        .unwrap();
    }
    for c in CONVERSATIONS {
        conversation::Model {
            id: id(c.label),
            company_id: company_of(c.label),
            inbox_id: id(c.inbox),
            contact_id: opt_id(c.contact),
            subject: c.subject.map(Into::into),
            status: c.status,
            priority: c.priority,
            channel: c.channel,
            source: c.source,
            is_simulation: c.simulation,
            responded_by: c.responded_by,
            agent_id: opt_id(c.agent),
            assignee_id: opt_id(c.assignee),
            seen_by_id: opt_id(c.seen_by),
            is_chat_opened: c.chat_opened,
            campaign_id: opt_id(c.campaign),
            listing_id: opt_id(c.listing),
            started_at: c.started.map(t),
            last_message_at: c.last_message.map(t),
            created_at: t(c.created),
            updated_at: t(c.updated),
        }
        .into_active_model()
        .insert(db)
        .await
        .unwrap();
    }
    for (n, &(conv, task)) in TASK_LINKS.iter().enumerate() {
        let company_id = company_of(conv);
        conversation_task::Model {
            id: uid(
                TASK_LINK,
                if company_id == ALPHA { 1 } else { 2 },
                n as u16 + 1,
            ),
            company_id,
            conversation_id: id(conv),
            task_id: id(task),
            created_at: t0(),
            updated_at: t0(),
        }
        .into_active_model()
        .insert(db)
        .await
        .unwrap();
    }
    for (n, &(conv, session)) in SESSION_LINKS.iter().enumerate() {
        let company_id = company_of(conv);
        conversation_session::Model {
            id: uid(
                SESSION_LINK,
                if company_id == ALPHA { 1 } else { 2 },
                n as u16 + 1,
            ),
            company_id,
            conversation_id: id(conv),
            session_id: id(session),
            created_at: t0(),
            updated_at: t0(),
        }
        .into_active_model()
        .insert(db)
        .await
        .unwrap();
    }
    for &(label, conv, direction, content, channel, sent) in MESSAGES {
        message::Model {
            id: id(label),
            company_id: company_of(label),
            conversation_id: id(conv),
            direction,
            content: content.into(),
            content_folded: entity::text::fold(content),
            channel,
            metadata: (label == "M07").then(m07_metadata),
            sent_at: t(sent),
            created_at: t(sent) + Duration::minutes(1),
            updated_at: t(sent) + Duration::minutes(2),
        }
        .into_active_model()
        .insert(db)
        .await
        .unwrap();
    }
    for c in CALLS {
        call::Model {
            id: id(c.label),
            company_id: company_of(c.label),
            conversation_id: id(c.conversation),
            direction: c.direction,
            status: c.status,
            duration_seconds: c.duration,
            recording_url: c.recording.map(Into::into),
            handled_by: c.handled_by,
            summary: c.summary.map(Into::into),
            campaign_id: opt_id(c.campaign),
            started_at: c.started.map(t),
            created_at: t(c.created),
            updated_at: t(c.created) + Duration::minutes(30),
        }
        .into_active_model()
        .insert(db)
        .await
        .unwrap();
    }
}
