//! Generated data: several companies with agents, inboxes, contacts, conversations in every
//! status, priority and channel, messages in both directions, calls in every status, and
//! task and session links. Deterministic for a given seed and scale; written in batches
//! (one multi-row INSERT per batch) inside one transaction, so a seed lands whole or not at all.
//!
//! Not a request service: it serves `serve --seed-demo`, the `seed` command and the
//! benchmarks, and writes every company's rows (company ids included) directly, outside the
//! tenancy rule of `services/`.

use anyhow::{Context, bail};
use chrono::{DateTime, Duration, TimeZone, Utc};
use entity::text::fold_opt;
use entity::*;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseConnection, EntityTrait, IntoActiveModel,
    PaginatorTrait, TransactionTrait,
};
use serde_json::json;
use uuid::Uuid;

/// The seed of the demo data set `serve` loads into an empty embedded database.
pub const DEMO_SEED: u64 = 1;
/// Its scale: 200 conversations, 2,000 messages.
pub const DEMO_SCALE: f64 = 0.2;

/// Every generated timestamp lies in the 180 days before this instant (fixed, so that a
/// seed always produces the same rows).
fn anchor() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap()
}

/// The id of company `index` of a data set made with `seed`.
pub fn company_id(seed: u64, index: usize) -> Uuid {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5eed_c0de_0000_0000 ^ index as u64);
    uuid_from(&mut rng)
}

/// The demo company: the first company of the demo data set.
pub fn demo_company_id() -> Uuid {
    company_id(DEMO_SEED, 0)
}

/// What a seed wrote.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SeedReport {
    pub companies: usize,
    pub agents: usize,
    pub inboxes: usize,
    pub contacts: usize,
    pub conversations: usize,
    pub messages: usize,
    pub calls: usize,
    pub links: usize,
}

/// True when the database holds no company yet.
pub async fn is_empty(db: &DatabaseConnection) -> anyhow::Result<bool> {
    Ok(company::Entity::find().count(db).await? == 0)
}

/// Writes a data set of `scale`×1,000 conversations and `scale`×10,000 messages.
pub async fn seed(db: &DatabaseConnection, scale: f64, seed: u64) -> anyhow::Result<SeedReport> {
    if !(scale.is_finite() && scale > 0.0 && scale <= 10_000.0) {
        bail!("--scale must be a number above 0 and at most 10000, got {scale}");
    }
    let conversations = ((scale * 1000.0).round() as usize).max(1);
    let n_companies = ((scale / 10.0).round() as usize).clamp(2, 10);
    if company::Entity::find_by_id(company_id(seed, 0))
        .one(db)
        .await?
        .is_some()
    {
        bail!("this database already holds the data set of --seed {seed}; pass another --seed");
    }

    let txn = db.begin().await?;
    let mut report = SeedReport::default();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    for c in 0..n_companies {
        // Spread conversations evenly, the remainder going to the first companies.
        let share = conversations / n_companies + usize::from(c < conversations % n_companies);
        let company = company_id(seed, c);
        seed_company(&txn, &mut rng, company, c, share, &mut report)
            .await
            .with_context(|| format!("seeding company {c}"))?;
    }
    txn.commit().await?;
    // Fresh statistics: the planner would otherwise plan for the tables as they were
    // before the load (on PostgreSQL until autovacuum gets to them), and pick scans that
    // are hundreds of times slower at scale.
    db.execute_unprepared("ANALYZE").await?;
    Ok(report)
}

async fn seed_company(
    db: &impl ConnectionTrait,
    rng: &mut ChaCha8Rng,
    company_id: Uuid,
    index: usize,
    conversations: usize,
    report: &mut SeedReport,
) -> anyhow::Result<()> {
    let now = anchor();
    let founded = now - Duration::days(365);
    let name = COMPANY_NAMES[index % COMPANY_NAMES.len()];
    company::Model {
        id: company_id,
        name: name.to_owned(),
        created_at: founded,
        updated_at: founded,
    }
    .into_active_model()
    .insert(db)
    .await?;
    report.companies += 1;

    let domain = name.to_lowercase().replace(' ', "-") + ".example";
    let n_agents = 4 + conversations / 2000;
    let agents: Vec<agent::Model> = (0..n_agents)
        .map(|i| {
            let ai = i % 4 == 3;
            let (first, last) = (pick(rng, FIRST_NAMES), pick(rng, SURNAMES));
            agent::Model {
                id: uuid_from(rng),
                company_id,
                name: if ai {
                    format!("{} Assistant {}", name, i / 4 + 1)
                } else {
                    format!("{first} {last}")
                },
                email: (!ai).then(|| format!("{}.{}{i}@{domain}", ascii(first), ascii(last))),
                kind: if ai { AgentKind::Ai } else { AgentKind::Human },
                created_at: founded,
                updated_at: founded,
            }
        })
        .collect();
    let channels = [
        Channel::Whatsapp,
        Channel::Sms,
        Channel::Email,
        Channel::Chat,
        Channel::Phone,
        Channel::Telegram,
        Channel::Web,
    ];
    let inboxes: Vec<inbox::Model> = channels
        .iter()
        .enumerate()
        .map(|(i, &channel)| inbox::Model {
            id: uuid_from(rng),
            company_id,
            name: format!("{} {}", name, INBOX_NAMES[i]),
            channel,
            phone_number: matches!(channel, Channel::Whatsapp | Channel::Sms | Channel::Phone)
                .then(|| phone(rng)),
            email: (channel == Channel::Email).then(|| format!("support@{domain}")),
            created_at: founded,
            updated_at: founded,
        })
        .collect();
    let n_contacts = (conversations / 3).max(1);
    let contacts: Vec<contact::Model> = (0..n_contacts)
        .map(|i| {
            let (first, last) = (pick(rng, FIRST_NAMES), pick(rng, SURNAMES));
            let created = founded + Duration::minutes(rng.random_range(0..60 * 24 * 180));
            let name = Some(first.to_owned());
            let surname = (i % 11 != 0).then(|| last.to_owned());
            // Drawn in this order (phone, then email) since the seed's first release.
            let phone_number = (i % 7 != 0).then(|| phone(rng));
            let email = (i % 5 != 0).then(|| {
                format!(
                    "{}.{}{}@{}",
                    ascii(first),
                    ascii(last),
                    i,
                    pick(rng, MAIL_DOMAINS)
                )
            });
            contact::Model {
                id: uuid_from(rng),
                company_id,
                name_folded: fold_opt(name.as_deref()),
                surname_folded: fold_opt(surname.as_deref()),
                email_folded: fold_opt(email.as_deref()),
                name,
                surname,
                phone_number,
                email,
                created_at: created,
                updated_at: created,
            }
        })
        .collect();
    insert_all(db, agents.iter().cloned()).await?;
    insert_all(db, inboxes.iter().cloned()).await?;
    insert_all(db, contacts.iter().cloned()).await?;
    report.agents += agents.len();
    report.inboxes += inboxes.len();
    report.contacts += contacts.len();

    let humans: Vec<Uuid> = agents
        .iter()
        .filter(|a| a.kind == AgentKind::Human)
        .map(|a| a.id)
        .collect();
    let bots: Vec<Uuid> = agents
        .iter()
        .filter(|a| a.kind == AgentKind::Ai)
        .map(|a| a.id)
        .collect();
    let campaigns: Vec<Uuid> = (0..3).map(|_| uuid_from(rng)).collect();

    // Calls cycle through every status in turn.
    let mut calls_made = 0usize;
    const BLOCK: usize = 1000;
    let mut start = 0;
    while start < conversations {
        let end = (start + BLOCK).min(conversations);
        let mut convs = Vec::with_capacity(end - start);
        let mut messages = Vec::with_capacity((end - start) * 10);
        let mut calls = Vec::new();
        let mut tasks = Vec::new();
        let mut sessions = Vec::new();
        for i in start..end {
            // Message counts come in pairs that add up to 20: exactly 10 per conversation
            // on average, between 2 and 18 each.
            let n_messages = if i % 2 == 0 {
                if i + 1 < conversations {
                    2 + (mix(i) % 17)
                } else {
                    10
                }
            } else {
                20 - (2 + (mix(i - 1) % 17))
            };
            // The first conversations go one to each inbox, so every channel appears.
            let inbox = match inboxes.get(i) {
                Some(inbox) => inbox,
                None => inboxes.choose(rng).expect("seven inboxes"),
            };
            let contact = contacts.choose(rng).expect("at least one contact");
            let created = now - Duration::seconds(rng.random_range(3600..180 * 86_400));
            let id = uuid_from(rng);
            let mut sent = created;
            for m in 0..n_messages {
                sent += Duration::seconds(rng.random_range(20..7200));
                let direction = if m % 2 == 0 {
                    Direction::Inbound
                } else {
                    Direction::Outbound
                };
                let content = message_text(rng, direction, contact.name.as_deref());
                messages.push(message::Model {
                    id: uuid_from(rng),
                    company_id,
                    conversation_id: id,
                    direction,
                    content_folded: entity::text::fold(&content),
                    content,
                    channel: Some(inbox.channel),
                    metadata: (m == 0).then(|| json!({ "client": pick(rng, CLIENTS) })),
                    sent_at: sent,
                    created_at: sent,
                    updated_at: sent,
                });
            }
            let status = STATUSES[i % STATUSES.len()];
            // Every status meets every priority within 16 consecutive conversations.
            let priority = PRIORITIES[(i / STATUSES.len()) % PRIORITIES.len()];
            let updated = sent + Duration::seconds(rng.random_range(0..3600));
            let campaign = (i % 9 == 0).then(|| *campaigns.choose(rng).expect("campaigns"));
            let assignee = (i % 6 != 0).then(|| *humans.choose(rng).expect("human agents"));
            let bot = bots.choose(rng).copied();
            let phoned = inbox.channel == Channel::Phone || i % 4 == 0;
            if phoned {
                for k in 0..1 + usize::from(i % 10 == 0) {
                    let status = CALL_STATUSES[calls_made % CALL_STATUSES.len()];
                    calls_made += 1;
                    let talked = status == CallStatus::Completed;
                    calls.push(call::Model {
                        id: uuid_from(rng),
                        company_id,
                        conversation_id: id,
                        direction: if k == 0 {
                            Direction::Inbound
                        } else {
                            Direction::Outbound
                        },
                        status,
                        duration_seconds: Some(if talked {
                            rng.random_range(30..1800)
                        } else {
                            0
                        }),
                        recording_url: talked
                            .then(|| format!("https://recordings.{domain}/{}.mp3", uuid_from(rng))),
                        handled_by: Some(if i % 3 == 0 {
                            Responder::Ai
                        } else {
                            Responder::Human
                        }),
                        summary: talked.then(|| pick(rng, CALL_SUMMARIES).to_owned()),
                        campaign_id: if k == 1 {
                            campaigns.choose(rng).copied()
                        } else {
                            campaign
                        },
                        started_at: Some(created + Duration::seconds(k as i64 * 600)),
                        created_at: created,
                        updated_at: created,
                    });
                }
            }
            for _ in 0..usize::from(i % 5 == 0) + usize::from(i % 15 == 0) {
                tasks.push(conversation_task::Model {
                    id: uuid_from(rng),
                    company_id,
                    conversation_id: id,
                    task_id: uuid_from(rng),
                    created_at: created,
                    updated_at: created,
                });
            }
            if i % 2 == 0 {
                sessions.push(conversation_session::Model {
                    id: uuid_from(rng),
                    company_id,
                    conversation_id: id,
                    session_id: uuid_from(rng),
                    created_at: created,
                    updated_at: created,
                });
            }
            convs.push(conversation::Model {
                id,
                company_id,
                inbox_id: inbox.id,
                contact_id: (i % 50 != 49).then_some(contact.id),
                subject: Some(pick(rng, SUBJECTS).to_owned()),
                status,
                priority,
                channel: inbox.channel,
                source: Some(match inbox.channel {
                    Channel::Phone => Source::Phone,
                    Channel::Email => Source::Email,
                    Channel::Chat | Channel::Web => Source::Widget,
                    _ => Source::Api,
                }),
                is_simulation: i % 40 == 0,
                responded_by: match i % 3 {
                    0 => Some(Responder::Ai),
                    1 => Some(Responder::Human),
                    _ => None,
                },
                agent_id: bot,
                assignee_id: assignee,
                seen_by_id: assignee.filter(|_| i % 2 == 1),
                is_chat_opened: status == ConversationStatus::Open && i % 3 == 0,
                campaign_id: campaign,
                listing_id: (i % 8 == 0).then(|| uuid_from(rng)),
                started_at: Some(created),
                last_message_at: Some(sent),
                created_at: created,
                updated_at: updated,
            });
        }
        report.conversations += convs.len();
        report.messages += messages.len();
        report.calls += calls.len();
        report.links += tasks.len() + sessions.len();
        insert_all(db, convs).await?;
        insert_all(db, messages).await?;
        insert_all(db, calls).await?;
        insert_all(db, tasks).await?;
        insert_all(db, sessions).await?;
        start = end;
    }
    Ok(())
}

/// Inserts rows with multi-row INSERTs, as many rows a statement as the bind-parameter
/// limits of both databases allow (SQLite: 32,766; PostgreSQL: 65,535).
async fn insert_all<M, A>(
    db: &impl ConnectionTrait,
    rows: impl IntoIterator<Item = M>,
) -> anyhow::Result<()>
where
    M: IntoActiveModel<A>,
    A: ActiveModelTrait + Send,
{
    const MAX_PARAMS: usize = 30_000;
    let columns = <A::Entity as EntityTrait>::Column::iter().count();
    let per_statement = MAX_PARAMS / columns;
    let mut batch = Vec::with_capacity(per_statement);
    for row in rows {
        batch.push(row.into_active_model());
        if batch.len() == per_statement {
            <A::Entity as EntityTrait>::insert_many(std::mem::take(&mut batch))
                .exec(db)
                .await?;
        }
    }
    if !batch.is_empty() {
        <A::Entity as EntityTrait>::insert_many(batch)
            .exec(db)
            .await?;
    }
    Ok(())
}

use sea_orm::Iterable;

fn uuid_from(rng: &mut impl Rng) -> Uuid {
    uuid::Builder::from_random_bytes(rng.random()).into_uuid()
}

fn pick<'a>(rng: &mut impl Rng, items: &[&'a str]) -> &'a str {
    items.choose(rng).copied().unwrap_or_default()
}

/// A per-index number that both members of a message-count pair can recompute.
fn mix(i: usize) -> usize {
    let x = (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    ((x >> 29) ^ x) as usize
}

/// An email-safe, lower-case form of a name.
fn ascii(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'á' | 'à' | 'â' | 'ä' | 'ã' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'í' | 'ï' => 'i',
            'ó' | 'ö' | 'ô' => 'o',
            'ú' | 'ü' => 'u',
            'ñ' => 'n',
            'ç' => 'c',
            c => c.to_ascii_lowercase(),
        })
        .filter(char::is_ascii_alphanumeric)
        .collect()
}

/// A phone number in one of the formats people type.
fn phone(rng: &mut impl Rng) -> String {
    let (a, b, c) = (
        rng.random_range(200..999),
        rng.random_range(100..999),
        rng.random_range(1000..9999),
    );
    match rng.random_range(0..5) {
        0 => format!("+1 ({a}) {b}-{c}"),
        1 => format!("{a}-{b}-{c}"),
        2 => format!("+44 20 {b}{} {c}", a % 10),
        3 => format!("+49 30 {a}{b}{}", c % 100),
        _ => format!("+1{a}{b}{c}"),
    }
}

fn message_text(rng: &mut impl Rng, direction: Direction, name: Option<&str>) -> String {
    let templates = match direction {
        Direction::Inbound => INBOUND,
        Direction::Outbound => OUTBOUND,
    };
    let mut text = String::new();
    for _ in 0..rng.random_range(1..=3) {
        if !text.is_empty() {
            text.push(' ');
        }
        let template = pick(rng, templates);
        let order = format!("{}", rng.random_range(10_000..99_999));
        let filled = template
            .replace("{product}", pick(rng, PRODUCTS))
            .replace("{city}", pick(rng, CITIES))
            .replace("{order}", &order)
            .replace("{day}", pick(rng, DAYS))
            .replace("{name}", name.unwrap_or("there"));
        text.push_str(&filled);
    }
    text
}

const STATUSES: [ConversationStatus; 4] = [
    ConversationStatus::Open,
    ConversationStatus::Pending,
    ConversationStatus::Closed,
    ConversationStatus::Archived,
];
const PRIORITIES: [Priority; 4] = [
    Priority::Low,
    Priority::Medium,
    Priority::High,
    Priority::Urgent,
];
const CALL_STATUSES: [CallStatus; 8] = [
    CallStatus::Completed,
    CallStatus::Queued,
    CallStatus::Ringing,
    CallStatus::InProgress,
    CallStatus::Busy,
    CallStatus::Failed,
    CallStatus::NoAnswer,
    CallStatus::Canceled,
];

const COMPANY_NAMES: &[&str] = &[
    "Acme Support",
    "Globex",
    "Initech",
    "Umbrella Homes",
    "Stark Rentals",
    "Wayne Travel",
    "Hooli",
    "Soylent Foods",
    "Vandelay Imports",
    "Pied Piper",
];
const INBOX_NAMES: &[&str] = &[
    "WhatsApp",
    "SMS line",
    "Support mailbox",
    "Website chat",
    "Hotline",
    "Telegram",
    "Contact form",
];
const FIRST_NAMES: &[&str] = &[
    "Ana",
    "José",
    "Chloé",
    "Müller",
    "Liam",
    "Olivia",
    "Noah",
    "Emma",
    "Mateo",
    "Sofía",
    "Lucas",
    "Mia",
    "Élodie",
    "Björn",
    "Aiko",
    "Ravi",
    "Fatima",
    "Omar",
    "Zoë",
    "Jürgen",
    "Priya",
    "Chen",
    "Ngozi",
    "Sean",
    "Ines",
    "François",
    "Kwame",
    "Léa",
    "Hannah",
    "Diego",
];
const SURNAMES: &[&str] = &[
    "García",
    "Smith",
    "Dubois",
    "Schmidt",
    "Rossi",
    "Johnson",
    "Nakamura",
    "Patel",
    "O'Brien",
    "Kowalski",
    "Silva",
    "Novák",
    "Andersen",
    "Okafor",
    "Martínez",
    "Brown",
    "Lefèvre",
    "Yılmaz",
    "Haddad",
    "Wong",
    "Fischer",
    "Moreau",
    "Costa",
    "Ivanova",
];
const MAIL_DOMAINS: &[&str] = &["example.com", "example.org", "example.net", "mail.example"];
const PRODUCTS: &[&str] = &[
    "the apartment on Rue de l'École",
    "my subscription",
    "the blue sofa",
    "the studio apartment",
    "order",
    "the rental car",
    "the premium plan",
    "my booking",
    "the café table",
    "the wireless headphones",
];
const CITIES: &[&str] = &[
    "Lisbon",
    "München",
    "Zürich",
    "São Paulo",
    "Montréal",
    "Kraków",
    "Málaga",
    "Tokyo",
    "Nairobi",
    "Austin",
];
const DAYS: &[&str] = &[
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "the weekend",
];
const SUBJECTS: &[&str] = &[
    "Refund request",
    "Where is my order?",
    "Question about the apartment",
    "Booking change",
    "Billing issue",
    "Viewing appointment",
    "Cancel my subscription",
    "Delivery delayed",
    "Login problem",
    "Feedback",
];
const INBOUND: &[&str] = &[
    "Hi, I have a question about {product}.",
    "Hello! Is {product} still available?",
    "My order #{order} hasn't arrived yet, can you check?",
    "Can I schedule a viewing on {day}?",
    "I was charged twice for order {order}.",
    "Do you deliver to {city}?",
    "Thanks, that works for me.",
    "Could you call me back please?",
    "The app keeps logging me out.",
    "¿Dónde está mi pedido {order}?",
    "Merci beaucoup pour votre aide !",
    "I'd like to cancel {product}.",
    "Is the price negotiable?",
    "Grüße aus {city}, ich habe eine Frage.",
    "What's the deposit for {product}?",
];
const OUTBOUND: &[&str] = &[
    "Hi {name}, thanks for reaching out!",
    "Let me check order {order} for you.",
    "Yes, {product} is still available.",
    "We deliver to {city} within three business days.",
    "I've issued a refund; it should appear in 5-7 days.",
    "A viewing on {day} works. Does 10:00 suit you?",
    "Could you confirm the email on your account?",
    "I've escalated this to our billing team.",
    "Is there anything else I can help with?",
    "Your booking is confirmed for {day}.",
    "Sorry about the delay, {name}.",
    "Please try updating the app and signing in again.",
];
const CLIENTS: &[&str] = &["ios", "android", "web", "desktop"];
const CALL_SUMMARIES: &[&str] = &[
    "Customer asked about delivery times; resolved.",
    "Scheduled a viewing for next week.",
    "Refund requested for a duplicate charge; escalated to billing.",
    "Caller wanted to change the booking date.",
    "Follow-up on a missing order; tracking number shared.",
];
