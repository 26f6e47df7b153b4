//! `ConversationFilter`, `ContactFilter`, `CallFilter` and `ConversationsDateTimeRange`.

use super::{parse_id, parse_opt_id};
use crate::error::AppError;
use crate::graphql::scalars::Timestamp;
use crate::graphql::types::enums::{
    AgentKind, CallStatus, Channel, ConversationStatus, Direction, Priority, Source,
};
use crate::services::filters::{TimeRange, digits};
use crate::services::{calls, contacts, conversations};
use async_graphql::{ID, InputObject};

/// A span of time: `from` inclusive, `to` exclusive; leave either out for an open end.
#[derive(InputObject, Clone, Debug)]
#[graphql(name = "ConversationsDateTimeRange")]
pub struct DateTimeRange {
    /// The earliest instant included.
    #[graphql(validator(custom = "super::SupportedTime"))]
    pub from: Option<Timestamp>,
    /// The first instant no longer included.
    #[graphql(validator(custom = "super::SupportedTime"))]
    pub to: Option<Timestamp>,
}

impl From<&DateTimeRange> for TimeRange {
    fn from(r: &DateTimeRange) -> Self {
        TimeRange {
            from: r.from.map(|t| crate::services::to_micros(t.0)),
            to: r.to.map(|t| crate::services::to_micros(t.0)),
        }
    }
}

/// Which conversations a list holds. Every set field must hold (AND); `and`, `or` and `not`
/// nest further filters.
#[derive(InputObject, Clone, Debug, Default)]
pub struct ConversationFilter {
    /// Conversations of this inbox (REST: conversation_profile_id, inboxId).
    pub inbox_id: Option<ID>,
    /// Conversations with this contact (REST: contact_uuid, customerId, contactId).
    pub contact_id: Option<ID>,
    /// Conversations handled by this AI agent (REST: agent_uuid).
    pub agent_id: Option<ID>,
    /// Conversations assigned to this agent (REST: assignedTo).
    pub assignee_id: Option<ID>,
    /// true: only conversations nobody is assigned to; false: only assigned ones.
    pub unassigned: Option<bool>,
    /// Conversations of this campaign: their own campaign, or the campaign of any of their
    /// calls (REST: campaign_uuid).
    pub campaign_id: Option<ID>,
    /// Conversations about this listing, a product or a property (REST: propertyId).
    pub listing_id: Option<ID>,
    /// Conversations linked to this task (REST: task_uuid).
    pub task_id: Option<ID>,
    /// Conversations linked to this session.
    pub session_id: Option<ID>,
    /// Conversations in this status (REST: status Active/Closed/open/pending/archived).
    pub status: Option<ConversationStatus>,
    /// Conversations in any of these statuses.
    pub status_in: Option<Vec<ConversationStatus>>,
    /// Conversations of this priority.
    pub priority: Option<Priority>,
    /// Conversations of any of these priorities.
    pub priority_in: Option<Vec<Priority>>,
    /// Conversations on this channel (REST: channel).
    pub channel: Option<Channel>,
    /// Conversations on any of these channels.
    pub channel_in: Option<Vec<Channel>>,
    /// Conversations that came in this way.
    pub source: Option<Source>,
    /// Conversations whose chat window the contact has open, or not (REST: chat_status).
    pub is_chat_opened: Option<bool>,
    /// Simulated (test) conversations, or real ones.
    pub is_simulation: Option<bool>,
    /// Conversations answered by an AI or by a human.
    pub responded_by: Option<AgentKind>,
    /// The contact's phone number contains these digits; spaces, +, brackets, dashes, dots
    /// and slashes are ignored on both sides, so "0102" matches "+1 (555) 010-2000"
    /// (REST: number, phone). Must contain at least one digit.
    pub contact_phone_number: Option<String>,
    /// The contact's email equals this, ignoring case (the README's text rule: Unicode full
    /// case folding and NFC) (REST: email).
    pub contact_email: Option<String>,
    /// Created within this range.
    pub created_at: Option<DateTimeRange>,
    /// Last changed within this range.
    pub updated_at: Option<DateTimeRange>,
    /// Newest message sent within this range (conversations without messages never match).
    pub last_message_at: Option<DateTimeRange>,
    /// Every one of these filters must hold.
    pub and: Option<Vec<ConversationFilter>>,
    /// At least one of these filters must hold (an empty list matches nothing).
    pub or: Option<Vec<ConversationFilter>>,
    /// This filter must not hold.
    pub not: Option<Box<ConversationFilter>>,
}

/// Combines a single value and a list into one list condition (both must hold), without
/// repeats, so a list's length never reaches SQL.
fn one_or_many<G: Copy + Into<E>, E: PartialEq>(
    one: Option<G>,
    many: &Option<Vec<G>>,
) -> Option<Vec<E>> {
    let distinct = |list: &[G]| {
        let mut out: Vec<E> = Vec::new();
        for &v in list {
            let v: E = v.into();
            if !out.contains(&v) {
                out.push(v);
            }
        }
        out
    };
    match (one, many) {
        (None, None) => None,
        (Some(v), None) => Some(vec![v.into()]),
        (None, Some(list)) => Some(distinct(list)),
        (Some(v), Some(list)) => {
            let v: E = v.into();
            Some(if distinct(list).contains(&v) {
                vec![v]
            } else {
                Vec::new()
            })
        }
    }
}

/// Most filters one filter may hold, itself and every `and`, `or` and `not` inside it
/// included.
pub const MAX_FILTER_NODES: usize = 100;
/// Deepest nesting of `and`, `or` and `not`.
pub const MAX_FILTER_NESTING: usize = 8;

/// A filter that nests `and`, `or` and `not`.
trait Nested {
    fn children(&self) -> Vec<&Self>;
}

/// Refuses a filter larger than `MAX_FILTER_NODES` or nested deeper than
/// `MAX_FILTER_NESTING`, before any of it is compiled to SQL.
fn check_size<F: Nested>(filter: &F, path: &str) -> Result<(), AppError> {
    let mut nodes = 0usize;
    let mut stack = vec![(filter, 1usize)];
    while let Some((f, depth)) = stack.pop() {
        nodes += 1;
        if nodes > MAX_FILTER_NODES {
            return Err(AppError::BadInput(format!(
                "`{path}` holds more than {MAX_FILTER_NODES} filters (counting every `and`, `or` and `not` entry)"
            )));
        }
        if depth > MAX_FILTER_NESTING {
            return Err(AppError::BadInput(format!(
                "`{path}` nests `and`, `or` and `not` more than {MAX_FILTER_NESTING} deep"
            )));
        }
        stack.extend(f.children().into_iter().map(|c| (c, depth + 1)));
    }
    Ok(())
}

/// Longest text a filter compares with, in characters.
pub const MAX_FILTER_TEXT: usize = 200;

/// A text a filter compares with: at most `MAX_FILTER_TEXT` characters, and no control
/// characters but tab and newline (the databases cannot hold NUL, and nothing stored has
/// the others).
pub fn filter_text(value: &Option<String>, path: &str) -> Result<Option<String>, AppError> {
    let Some(text) = value else {
        return Ok(None);
    };
    crate::services::validate::search_text(text, path, MAX_FILTER_TEXT)?;
    Ok(Some(text.clone()))
}

fn phone_digits(value: &Option<String>, path: &str) -> Result<Option<String>, AppError> {
    match filter_text(value, path)? {
        None => Ok(None),
        Some(v) => {
            let d = digits(&v);
            if d.is_empty() {
                Err(AppError::BadInput(format!(
                    "`{path}` must contain at least one digit"
                )))
            } else {
                Ok(Some(d))
            }
        }
    }
}

fn nested<I, O>(
    list: &Option<Vec<I>>,
    path: &str,
    convert: impl Fn(&I, &str) -> Result<O, AppError>,
) -> Result<Option<Vec<O>>, AppError> {
    list.as_ref()
        .map(|items| {
            items
                .iter()
                .enumerate()
                .map(|(i, f)| convert(f, &format!("{path}[{i}]")))
                .collect()
        })
        .transpose()
}

impl Nested for ConversationFilter {
    fn children(&self) -> Vec<&Self> {
        let lists = self.and.iter().chain(&self.or).flatten();
        lists.chain(self.not.as_deref()).collect()
    }
}

impl ConversationFilter {
    /// The service filter; `path` is where this input sits (`filter`).
    pub fn to_service(&self, path: &str) -> Result<conversations::Filter, AppError> {
        check_size(self, path)?;
        self.convert(path)
    }

    fn convert(&self, path: &str) -> Result<conversations::Filter, AppError> {
        let p = |field: &str| format!("{path}.{field}");
        Ok(conversations::Filter {
            inbox_id: parse_opt_id(&self.inbox_id, &p("inboxId"))?,
            contact_id: parse_opt_id(&self.contact_id, &p("contactId"))?,
            agent_id: parse_opt_id(&self.agent_id, &p("agentId"))?,
            assignee_id: parse_opt_id(&self.assignee_id, &p("assigneeId"))?,
            unassigned: self.unassigned,
            campaign_id: parse_opt_id(&self.campaign_id, &p("campaignId"))?,
            listing_id: parse_opt_id(&self.listing_id, &p("listingId"))?,
            task_id: parse_opt_id(&self.task_id, &p("taskId"))?,
            session_id: parse_opt_id(&self.session_id, &p("sessionId"))?,
            status_in: one_or_many(self.status, &self.status_in),
            priority_in: one_or_many(self.priority, &self.priority_in),
            channel_in: one_or_many(self.channel, &self.channel_in),
            source: self.source.map(Into::into),
            is_chat_opened: self.is_chat_opened,
            is_simulation: self.is_simulation,
            responded_by: self.responded_by.map(Into::into),
            contact_phone_digits: phone_digits(
                &self.contact_phone_number,
                &p("contactPhoneNumber"),
            )?,
            contact_email: filter_text(&self.contact_email, &p("contactEmail"))?
                .map(|e| e.trim().to_owned()),
            created_at: self.created_at.as_ref().map(Into::into),
            updated_at: self.updated_at.as_ref().map(Into::into),
            last_message_at: self.last_message_at.as_ref().map(Into::into),
            and: nested(&self.and, &p("and"), |f, path| f.convert(path))?.unwrap_or_default(),
            or: nested(&self.or, &p("or"), |f, path| f.convert(path))?,
            not: self
                .not
                .as_ref()
                .map(|f| f.convert(&p("not")).map(Box::new))
                .transpose()?,
        })
    }
}

/// Which contacts a list holds. Every set field must hold; `and`, `or` and `not` nest.
#[derive(InputObject, Clone, Debug, Default)]
pub struct ContactFilter {
    /// One search box: the first name, last name, full name ("first last") or email
    /// contains this (ignoring case by the README's text rule), or, when it has digits, the
    /// phone number contains them. A blank text is refused.
    pub query: Option<String>,
    /// The first name contains this, ignoring case (the README's text rule).
    pub first_name: Option<String>,
    /// The last name contains this, ignoring case (the README's text rule).
    pub last_name: Option<String>,
    /// The phone number contains these digits (punctuation ignored on both sides).
    pub phone_number: Option<String>,
    /// The email contains this, ignoring case (the README's text rule).
    pub email: Option<String>,
    /// Every one of these filters must hold.
    pub and: Option<Vec<ContactFilter>>,
    /// At least one of these filters must hold (an empty list matches nothing).
    pub or: Option<Vec<ContactFilter>>,
    /// This filter must not hold.
    pub not: Option<Box<ContactFilter>>,
}

impl Nested for ContactFilter {
    fn children(&self) -> Vec<&Self> {
        let lists = self.and.iter().chain(&self.or).flatten();
        lists.chain(self.not.as_deref()).collect()
    }
}

impl ContactFilter {
    /// The service filter; `path` is where this input sits (`filter`).
    pub fn to_service(&self, path: &str) -> Result<contacts::Filter, AppError> {
        check_size(self, path)?;
        self.convert(path)
    }

    fn convert(&self, path: &str) -> Result<contacts::Filter, AppError> {
        let p = |field: &str| format!("{path}.{field}");
        Ok(contacts::Filter {
            query: filter_text(&self.query, &p("query"))?,
            name: filter_text(&self.first_name, &p("firstName"))?,
            surname: filter_text(&self.last_name, &p("lastName"))?,
            phone_digits: phone_digits(&self.phone_number, &p("phoneNumber"))?,
            email: filter_text(&self.email, &p("email"))?,
            and: nested(&self.and, &p("and"), |f, path| f.convert(path))?.unwrap_or_default(),
            or: nested(&self.or, &p("or"), |f, path| f.convert(path))?,
            not: self
                .not
                .as_ref()
                .map(|f| f.convert(&p("not")).map(Box::new))
                .transpose()?,
        })
    }
}

/// Which calls a list holds. Every set field must hold.
#[derive(InputObject, Clone, Debug, Default)]
pub struct CallFilter {
    /// Inbound or outbound calls.
    pub direction: Option<Direction>,
    /// Calls in this state.
    pub status: Option<CallStatus>,
    /// Calls in any of these states.
    pub status_in: Option<Vec<CallStatus>>,
    /// Calls handled by an AI or a human.
    pub handled_by: Option<AgentKind>,
    /// Calls of this campaign.
    pub campaign_id: Option<ID>,
    /// Calls of this conversation.
    pub conversation_id: Option<ID>,
    /// Calls started within this range (calls without a start never match).
    pub started_at: Option<DateTimeRange>,
}

impl CallFilter {
    pub fn to_service(&self, path: &str) -> Result<calls::Filter, AppError> {
        let p = |field: &str| format!("{path}.{field}");
        Ok(calls::Filter {
            direction: self.direction.map(Into::into),
            status_in: one_or_many(self.status, &self.status_in),
            handled_by: self.handled_by.map(Into::into),
            campaign_id: parse_opt_id(&self.campaign_id, &p("campaignId"))?,
            conversation_id: self
                .conversation_id
                .as_ref()
                .map(|id| parse_id(id, &p("conversationId")))
                .transpose()?,
            started_at: self.started_at.as_ref().map(Into::into),
        })
    }
}

/// Narrows a message search. Every set field must hold.
#[derive(InputObject, Clone, Debug, Default)]
pub struct MessageSearchFilter {
    /// Messages of this conversation.
    pub conversation_id: Option<ID>,
    /// Messages of this contact's conversations.
    pub contact_id: Option<ID>,
    /// Messages of conversations of this inbox.
    pub inbox_id: Option<ID>,
    /// Messages sent through this channel.
    pub channel: Option<Channel>,
    /// Inbound or outbound messages.
    pub direction: Option<Direction>,
    /// Messages sent within this range.
    pub sent_at: Option<DateTimeRange>,
}

impl MessageSearchFilter {
    pub fn to_service(&self, path: &str) -> Result<crate::services::search::Filter, AppError> {
        let p = |field: &str| format!("{path}.{field}");
        Ok(crate::services::search::Filter {
            conversation_id: parse_opt_id(&self.conversation_id, &p("conversationId"))?,
            contact_id: parse_opt_id(&self.contact_id, &p("contactId"))?,
            inbox_id: parse_opt_id(&self.inbox_id, &p("inboxId"))?,
            channel: self.channel.map(Into::into),
            direction: self.direction.map(Into::into),
            sent_at: self.sent_at.as_ref().map(Into::into),
        })
    }
}
