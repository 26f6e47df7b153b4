//! Inputs of mutations, and their reading into service data: trimming, lengths, shapes,
//! ids; every refusal collected with its input path.

use crate::graphql::scalars::{Metadata, Timestamp};
use crate::graphql::types::enums::{
    AgentKind, CallStatus, Channel, ConversationStatus, Direction, Priority, Source,
};
use crate::services::validate::{Errors, MAX_CONTENT, MAX_NAME, MAX_SUBJECT, Outcome, Patch};
use crate::services::writes::{agents, calls, contacts, conversations, inboxes, messages};
use async_graphql::{ID, InputObject, MaybeUndefined};
use uuid::Uuid;

/// Reads an optional id input.
fn opt_id(e: &mut Errors, field: &str, v: Option<ID>) -> Option<Uuid> {
    v.map(|id| e.id(&["input", field], &id))
}

/// Reads an update of a nullable value: absent keeps, null clears.
fn patch_opt<T, U>(v: MaybeUndefined<T>, read: impl FnOnce(T) -> Option<U>) -> Patch<Option<U>> {
    match v {
        MaybeUndefined::Undefined => Patch::Keep,
        MaybeUndefined::Null => Patch::Set(None),
        MaybeUndefined::Value(x) => Patch::Set(read(x)),
    }
}

/// Reads an update of a non-nullable value: absent keeps, null is refused.
fn patch_req<T, U>(
    e: &mut Errors,
    field: &str,
    v: MaybeUndefined<T>,
    read: impl FnOnce(&mut Errors, T) -> U,
) -> Patch<U> {
    match v {
        MaybeUndefined::Undefined => Patch::Keep,
        MaybeUndefined::Null => {
            e.bad(&["input", field], "cannot be null");
            Patch::Keep
        }
        MaybeUndefined::Value(x) => Patch::Set(read(e, x)),
    }
}

/// Reads an update of a nullable string with `read` (which trims and checks it).
fn patch_text(
    e: &mut Errors,
    v: MaybeUndefined<String>,
    read: impl FnOnce(&mut Errors, Option<String>) -> Option<String>,
) -> Patch<Option<String>> {
    match v {
        MaybeUndefined::Undefined => Patch::Keep,
        MaybeUndefined::Null => Patch::Set(None),
        MaybeUndefined::Value(x) => Patch::Set(read(e, Some(x))),
    }
}

fn patch_id(e: &mut Errors, field: &str, v: MaybeUndefined<ID>) -> Patch<Option<Uuid>> {
    match v {
        MaybeUndefined::Undefined => Patch::Keep,
        MaybeUndefined::Null => Patch::Set(None),
        MaybeUndefined::Value(id) => Patch::Set(Some(e.id(&["input", field], &id))),
    }
}

/// Reads the optional `reason` of a delete.
pub fn reason(v: Option<String>) -> Outcome<Option<String>> {
    let mut e = Errors::default();
    let r = e.text(&["reason"], v, crate::services::validate::MAX_REASON, true);
    e.finish(r)
}

/// Reads an id argument (`id`, `conversationId`).
pub fn id_arg(name: &str, id: &ID) -> Outcome<Uuid> {
    let mut e = Errors::default();
    let v = e.id(&[name], id);
    e.finish(v)
}

/// A new conversation.
#[derive(InputObject)]
pub struct CreateConversationInput {
    /// The inbox it comes through.
    pub inbox_id: ID,
    /// Subject line (at most 255 characters).
    pub subject: Option<String>,
    /// The contact on the other side.
    pub contact_id: Option<ID>,
    /// The medium it uses.
    #[graphql(default_with = "Channel::Email")]
    pub channel: Channel,
    /// How urgent it is.
    #[graphql(default_with = "Priority::Medium")]
    pub priority: Priority,
    /// Where it stands.
    #[graphql(default_with = "ConversationStatus::Open")]
    pub status: ConversationStatus,
    /// How it reached the company.
    pub source: Option<Source>,
    /// The agent it is assigned to.
    pub assignee_id: Option<ID>,
    /// The AI agent handling it.
    pub agent_id: Option<ID>,
    /// The agent who has seen it.
    pub seen_by_id: Option<ID>,
    /// The campaign it belongs to.
    pub campaign_id: Option<ID>,
    /// The listing it is about.
    pub listing_id: Option<ID>,
    /// True for a simulated (test) conversation.
    #[graphql(default = false)]
    pub is_simulation: bool,
    /// True while the contact has the chat window open.
    #[graphql(default = false)]
    pub is_chat_opened: bool,
    /// Whether an AI or a human responded.
    pub responded_by: Option<AgentKind>,
    /// When it started.
    #[graphql(validator(custom = "super::SupportedTime"))]
    pub started_at: Option<Timestamp>,
}

impl CreateConversationInput {
    pub fn read(self) -> Outcome<conversations::NewConversation> {
        let mut e = Errors::default();
        let new = conversations::NewConversation {
            inbox_id: e.id(&["input", "inboxId"], &self.inbox_id),
            subject: e.text(&["input", "subject"], self.subject, MAX_SUBJECT, false),
            contact_id: opt_id(&mut e, "contactId", self.contact_id),
            channel: self.channel.into(),
            priority: self.priority.into(),
            status: self.status.into(),
            source: self.source.map(Into::into),
            assignee_id: opt_id(&mut e, "assigneeId", self.assignee_id),
            agent_id: opt_id(&mut e, "agentId", self.agent_id),
            seen_by_id: opt_id(&mut e, "seenById", self.seen_by_id),
            campaign_id: opt_id(&mut e, "campaignId", self.campaign_id),
            listing_id: opt_id(&mut e, "listingId", self.listing_id),
            is_simulation: self.is_simulation,
            is_chat_opened: self.is_chat_opened,
            responded_by: self.responded_by.map(Into::into),
            started_at: self.started_at.map(|t| crate::services::to_micros(t.0)),
        };
        e.finish(new)
    }
}

/// Changes to a conversation: absent fields stay as they are; `null` clears a nullable one.
#[derive(InputObject, Default)]
pub struct UpdateConversationInput {
    /// New subject line (at most 255 characters); null clears it.
    pub subject: MaybeUndefined<String>,
    /// New status.
    pub status: MaybeUndefined<ConversationStatus>,
    /// New priority.
    pub priority: MaybeUndefined<Priority>,
    /// New channel.
    pub channel: MaybeUndefined<Channel>,
    /// New source; null clears it.
    pub source: MaybeUndefined<Source>,
    /// Move it to another inbox.
    pub inbox_id: MaybeUndefined<ID>,
    /// New contact; null clears it.
    pub contact_id: MaybeUndefined<ID>,
    /// New assignee; null unassigns.
    pub assignee_id: MaybeUndefined<ID>,
    /// New AI agent; null clears it.
    pub agent_id: MaybeUndefined<ID>,
    /// Who has seen it; null clears it.
    pub seen_by_id: MaybeUndefined<ID>,
    /// New campaign; null clears it.
    pub campaign_id: MaybeUndefined<ID>,
    /// New listing; null clears it.
    pub listing_id: MaybeUndefined<ID>,
    /// Mark it simulated or real.
    pub is_simulation: MaybeUndefined<bool>,
    /// Whether the contact has the chat window open.
    pub is_chat_opened: MaybeUndefined<bool>,
    /// Who responded; null clears it.
    pub responded_by: MaybeUndefined<AgentKind>,
    /// When it started; null clears it.
    #[graphql(validator(custom = "super::SupportedTime"))]
    pub started_at: MaybeUndefined<Timestamp>,
}

impl UpdateConversationInput {
    pub fn read(self) -> Outcome<conversations::ConversationPatch> {
        let mut e = Errors::default();
        let patch = conversations::ConversationPatch {
            subject: patch_text(&mut e, self.subject, |e, v| {
                e.text(&["input", "subject"], v, MAX_SUBJECT, false)
            }),
            status: patch_req(&mut e, "status", self.status, |_, v| v.into()),
            priority: patch_req(&mut e, "priority", self.priority, |_, v| v.into()),
            channel: patch_req(&mut e, "channel", self.channel, |_, v| v.into()),
            source: patch_opt(self.source, |v| Some(v.into())),
            inbox_id: patch_req(&mut e, "inboxId", self.inbox_id, |e, v| {
                e.id(&["input", "inboxId"], &v)
            }),
            contact_id: patch_id(&mut e, "contactId", self.contact_id),
            assignee_id: patch_id(&mut e, "assigneeId", self.assignee_id),
            agent_id: patch_id(&mut e, "agentId", self.agent_id),
            seen_by_id: patch_id(&mut e, "seenById", self.seen_by_id),
            campaign_id: patch_id(&mut e, "campaignId", self.campaign_id),
            listing_id: patch_id(&mut e, "listingId", self.listing_id),
            is_simulation: patch_req(&mut e, "isSimulation", self.is_simulation, |_, v| v),
            is_chat_opened: patch_req(&mut e, "isChatOpened", self.is_chat_opened, |_, v| v),
            responded_by: patch_opt(self.responded_by, |v| Some(v.into())),
            started_at: patch_opt(self.started_at, |t| Some(crate::services::to_micros(t.0))),
        };
        e.finish(patch)
    }
}

/// A new message.
#[derive(InputObject)]
pub struct CreateMessageInput {
    /// The text (at most 10,000 characters; newlines allowed).
    pub content: String,
    /// Inbound (from the contact) or outbound.
    pub direction: Direction,
    /// The channel it went through, when not the conversation's own.
    pub channel: Option<Channel>,
    /// Free-form data of the sending system (at most 16 KiB of JSON, no NUL characters).
    pub metadata: Option<Metadata>,
    /// When it was sent; default now.
    #[graphql(validator(custom = "super::SupportedTime"))]
    pub sent_at: Option<Timestamp>,
}

impl CreateMessageInput {
    pub fn read(self) -> Outcome<messages::NewMessage> {
        let mut e = Errors::default();
        let new = messages::NewMessage {
            content: e.required_text(&["input", "content"], self.content, MAX_CONTENT, true),
            direction: self.direction.into(),
            channel: self.channel.map(Into::into),
            metadata: e.metadata(&["input", "metadata"], self.metadata.map(|j| j.0)),
            sent_at: self.sent_at.map(|t| crate::services::to_micros(t.0)),
        };
        e.finish(new)
    }
}

/// A new contact.
#[derive(InputObject)]
pub struct CreateContactInput {
    /// First name (at most 255 characters).
    pub first_name: Option<String>,
    /// Last name (at most 255 characters).
    pub last_name: Option<String>,
    /// Phone number: 5 to 20 digits, with spaces and + ( ) - . / allowed between.
    pub phone_number: Option<String>,
    /// Email address.
    pub email: Option<String>,
}

impl CreateContactInput {
    pub fn read(self) -> Outcome<contacts::NewContact> {
        let mut e = Errors::default();
        let new = contacts::NewContact {
            name: e.text(&["input", "firstName"], self.first_name, MAX_NAME, false),
            surname: e.text(&["input", "lastName"], self.last_name, MAX_NAME, false),
            phone_number: e.phone(&["input", "phoneNumber"], self.phone_number),
            email: e.email(&["input", "email"], self.email),
        };
        e.finish(new)
    }
}

/// Changes to a contact: absent fields stay; `null` clears.
#[derive(InputObject, Default)]
pub struct UpdateContactInput {
    /// New first name; null clears it.
    pub first_name: MaybeUndefined<String>,
    /// New last name; null clears it.
    pub last_name: MaybeUndefined<String>,
    /// New phone number; null clears it.
    pub phone_number: MaybeUndefined<String>,
    /// New email address; null clears it.
    pub email: MaybeUndefined<String>,
}

impl UpdateContactInput {
    pub fn read(self) -> Outcome<contacts::ContactPatch> {
        let mut e = Errors::default();
        let patch = contacts::ContactPatch {
            name: patch_text(&mut e, self.first_name, |e, v| {
                e.text(&["input", "firstName"], v, MAX_NAME, false)
            }),
            surname: patch_text(&mut e, self.last_name, |e, v| {
                e.text(&["input", "lastName"], v, MAX_NAME, false)
            }),
            phone_number: patch_text(&mut e, self.phone_number, |e, v| {
                e.phone(&["input", "phoneNumber"], v)
            }),
            email: patch_text(&mut e, self.email, |e, v| e.email(&["input", "email"], v)),
        };
        e.finish(patch)
    }
}

/// A new inbox.
#[derive(InputObject)]
pub struct CreateInboxInput {
    /// Display name (at most 255 characters).
    pub name: String,
    /// The channel it receives on.
    pub channel: Channel,
    /// Its phone number.
    pub phone_number: Option<String>,
    /// Its email address.
    pub email: Option<String>,
}

impl CreateInboxInput {
    pub fn read(self) -> Outcome<inboxes::NewInbox> {
        let mut e = Errors::default();
        let new = inboxes::NewInbox {
            name: e.required_text(&["input", "name"], self.name, MAX_NAME, false),
            channel: self.channel.into(),
            phone_number: e.phone(&["input", "phoneNumber"], self.phone_number),
            email: e.email(&["input", "email"], self.email),
        };
        e.finish(new)
    }
}

/// Changes to an inbox: absent fields stay; `null` clears a nullable one.
#[derive(InputObject, Default)]
pub struct UpdateInboxInput {
    /// New display name.
    pub name: MaybeUndefined<String>,
    /// New channel.
    pub channel: MaybeUndefined<Channel>,
    /// New phone number; null clears it.
    pub phone_number: MaybeUndefined<String>,
    /// New email address; null clears it.
    pub email: MaybeUndefined<String>,
}

impl UpdateInboxInput {
    pub fn read(self) -> Outcome<inboxes::InboxPatch> {
        let mut e = Errors::default();
        let patch = inboxes::InboxPatch {
            name: patch_req(&mut e, "name", self.name, |e, v| {
                e.required_text(&["input", "name"], v, MAX_NAME, false)
            }),
            channel: patch_req(&mut e, "channel", self.channel, |_, v| v.into()),
            phone_number: patch_text(&mut e, self.phone_number, |e, v| {
                e.phone(&["input", "phoneNumber"], v)
            }),
            email: patch_text(&mut e, self.email, |e, v| e.email(&["input", "email"], v)),
        };
        e.finish(patch)
    }
}

/// A new call.
#[derive(InputObject)]
pub struct CreateCallInput {
    /// Inbound or outbound.
    pub direction: Direction,
    /// Where the call stands.
    #[graphql(default_with = "CallStatus::Queued")]
    pub status: CallStatus,
    /// Talk time in seconds (0 or more).
    pub duration_seconds: Option<i32>,
    /// An http(s) URL of the recording.
    pub recording_url: Option<String>,
    /// Whether an AI or a person took it.
    pub handled_by: Option<AgentKind>,
    /// A summary (at most 10,000 characters; newlines allowed).
    pub summary: Option<String>,
    /// The campaign it belongs to.
    pub campaign_id: Option<ID>,
    /// When it started.
    #[graphql(validator(custom = "super::SupportedTime"))]
    pub started_at: Option<Timestamp>,
}

fn duration(e: &mut Errors, v: Option<i32>) -> Option<i32> {
    if v.is_some_and(|d| d < 0) {
        e.bad(&["input", "durationSeconds"], "must be 0 or more");
    }
    v
}

impl CreateCallInput {
    pub fn read(self) -> Outcome<calls::NewCall> {
        let mut e = Errors::default();
        let new = calls::NewCall {
            direction: self.direction.into(),
            status: self.status.into(),
            duration_seconds: duration(&mut e, self.duration_seconds),
            recording_url: e.url(&["input", "recordingUrl"], self.recording_url),
            handled_by: self.handled_by.map(Into::into),
            summary: e.text(&["input", "summary"], self.summary, MAX_CONTENT, true),
            campaign_id: opt_id(&mut e, "campaignId", self.campaign_id),
            started_at: self.started_at.map(|t| crate::services::to_micros(t.0)),
        };
        e.finish(new)
    }
}

/// Changes to a call: absent fields stay; `null` clears a nullable one.
#[derive(InputObject, Default)]
pub struct UpdateCallInput {
    /// New direction.
    pub direction: MaybeUndefined<Direction>,
    /// New status.
    pub status: MaybeUndefined<CallStatus>,
    /// New talk time; null clears it.
    pub duration_seconds: MaybeUndefined<i32>,
    /// New recording URL; null clears it.
    pub recording_url: MaybeUndefined<String>,
    /// Who took it; null clears it.
    pub handled_by: MaybeUndefined<AgentKind>,
    /// New summary; null clears it.
    pub summary: MaybeUndefined<String>,
    /// New campaign; null clears it.
    pub campaign_id: MaybeUndefined<ID>,
    /// When it started; null clears it.
    #[graphql(validator(custom = "super::SupportedTime"))]
    pub started_at: MaybeUndefined<Timestamp>,
}

impl UpdateCallInput {
    pub fn read(self) -> Outcome<calls::CallPatch> {
        let mut e = Errors::default();
        let patch = calls::CallPatch {
            direction: patch_req(&mut e, "direction", self.direction, |_, v| v.into()),
            status: patch_req(&mut e, "status", self.status, |_, v| v.into()),
            duration_seconds: match self.duration_seconds {
                MaybeUndefined::Undefined => Patch::Keep,
                MaybeUndefined::Null => Patch::Set(None),
                MaybeUndefined::Value(d) => Patch::Set(duration(&mut e, Some(d))),
            },
            recording_url: patch_text(&mut e, self.recording_url, |e, v| {
                e.url(&["input", "recordingUrl"], v)
            }),
            handled_by: patch_opt(self.handled_by, |v| Some(v.into())),
            summary: patch_text(&mut e, self.summary, |e, v| {
                e.text(&["input", "summary"], v, MAX_CONTENT, true)
            }),
            campaign_id: patch_id(&mut e, "campaignId", self.campaign_id),
            started_at: patch_opt(self.started_at, |t| Some(crate::services::to_micros(t.0))),
        };
        e.finish(patch)
    }
}

/// A new agent.
#[derive(InputObject)]
pub struct CreateAgentInput {
    /// Display name (at most 255 characters).
    pub name: String,
    /// Email address.
    pub email: Option<String>,
    /// Person or AI.
    #[graphql(default_with = "AgentKind::Human")]
    pub kind: AgentKind,
}

impl CreateAgentInput {
    pub fn read(self) -> Outcome<agents::NewAgent> {
        let mut e = Errors::default();
        let new = agents::NewAgent {
            name: e.required_text(&["input", "name"], self.name, MAX_NAME, false),
            email: e.email(&["input", "email"], self.email),
            kind: self.kind.into(),
        };
        e.finish(new)
    }
}

/// Changes to an agent: absent fields stay; `null` clears a nullable one.
#[derive(InputObject, Default)]
pub struct UpdateAgentInput {
    /// New display name.
    pub name: MaybeUndefined<String>,
    /// New email address; null clears it.
    pub email: MaybeUndefined<String>,
    /// Person or AI.
    pub kind: MaybeUndefined<AgentKind>,
}

impl UpdateAgentInput {
    pub fn read(self) -> Outcome<agents::AgentPatch> {
        let mut e = Errors::default();
        let patch = agents::AgentPatch {
            name: patch_req(&mut e, "name", self.name, |e, v| {
                e.required_text(&["input", "name"], v, MAX_NAME, false)
            }),
            email: patch_text(&mut e, self.email, |e, v| e.email(&["input", "email"], v)),
            kind: patch_req(&mut e, "kind", self.kind, |_, v| v.into()),
        };
        e.finish(patch)
    }
}
