//! A small hand-built data set with known answers, written straight through the entities
//! (not through the code under test).
//!
//! Two companies. Acme has one inbox, one contact and six conversations A1..A6 updated at
//! T+1h..T+5h, where A3 and A4 share T+3h (A4 has the larger id, so it comes first in
//! descending order). Globex has two conversations G1, G2.
//! Expected order of Acme's list (updated_at desc, id desc): A6, A5, A4, A3, A2, A1.

use chrono::{DateTime, Duration, TimeZone, Utc};
use entity::*;
use sea_orm::{ActiveModelTrait, DatabaseConnection, IntoActiveModel};
use uuid::Uuid;

pub const ACME: Uuid = Uuid::from_u128(0xacacacac_0000_4000_8000_000000000001);
pub const GLOBEX: Uuid = Uuid::from_u128(0x91091091_0000_4000_8000_000000000002);

pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap()
}

/// The id of fixture conversation `label` ("A1".."A6", "G1", "G2").
pub fn conv(label: &str) -> Uuid {
    let n: u128 = label[1..].parse().unwrap();
    let company: u128 = if label.starts_with('A') { 0xa } else { 0xb };
    Uuid::from_u128((company << 120) | (0xc0 << 104) | n)
}

/// (label, subject, updated_at offset in hours)
pub const ACME_CONVERSATIONS: &[(&str, &str, i64)] = &[
    ("A1", "Refund request", 1),
    ("A2", "Where is my order?", 2),
    ("A3", "Booking change", 3),
    ("A4", "Billing issue", 3),
    ("A5", "Login problem", 4),
    ("A6", "Feedback", 5),
];
pub const GLOBEX_CONVERSATIONS: &[(&str, &str, i64)] =
    &[("G1", "Refund request", 1), ("G2", "Delivery delayed", 2)];

/// Acme's list order as labels, by the rule above.
pub const ACME_ORDER: &[&str] = &["A6", "A5", "A4", "A3", "A2", "A1"];

pub async fn load(db: &DatabaseConnection) {
    for (company, name, rows) in [
        (ACME, "Acme", ACME_CONVERSATIONS),
        (GLOBEX, "Globex", GLOBEX_CONVERSATIONS),
    ] {
        company::Model {
            id: company,
            name: name.into(),
            created_at: t0(),
            updated_at: t0(),
        }
        .into_active_model()
        .insert(db)
        .await
        .unwrap();
        let inbox = Uuid::new_v4();
        inbox::Model {
            id: inbox,
            company_id: company,
            name: format!("{name} support"),
            channel: Channel::Email,
            phone_number: None,
            email: Some(format!("support@{}.example", name.to_lowercase())),
            created_at: t0(),
            updated_at: t0(),
        }
        .into_active_model()
        .insert(db)
        .await
        .unwrap();
        for (label, subject, hours) in rows {
            conversation::Model {
                id: conv(label),
                company_id: company,
                inbox_id: inbox,
                contact_id: None,
                subject: Some((*subject).into()),
                status: ConversationStatus::Open,
                priority: Priority::Medium,
                channel: Channel::Email,
                source: Some(Source::Email),
                is_simulation: false,
                responded_by: None,
                agent_id: None,
                assignee_id: None,
                seen_by_id: None,
                is_chat_opened: false,
                campaign_id: None,
                listing_id: None,
                started_at: Some(t0()),
                last_message_at: None,
                created_at: t0(),
                updated_at: t0() + Duration::hours(*hours),
            }
            .into_active_model()
            .insert(db)
            .await
            .unwrap();
        }
    }
}
