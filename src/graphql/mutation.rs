//! Root mutation fields. Each is guarded by `write:conversations`, reads its input (every
//! refusal becomes a userError with its path), and calls one service that writes in one
//! transaction or not at all.

use super::inputs::{
    CreateAgentInput, CreateCallInput, CreateContactInput, CreateConversationInput,
    CreateInboxInput, CreateMessageInput, UpdateAgentInput, UpdateCallInput, UpdateContactInput,
    UpdateConversationInput, UpdateInboxInput, id_arg, reason,
};
use super::types::payloads::*;
use super::types::{Agent, Call, Contact, Conversation, Inbox, Message, id};
use super::{db, viewer};
use crate::auth::Scope;
use crate::services::validate::Outcome;
use crate::services::writes::{agents, calls, contacts, conversations, inboxes, messages};
use async_graphql::{Context, ID, MergedObject, Object};
use uuid::Uuid;

/// The root of every write. A payload is null only when its mutation failed with an error
/// (see `errors`): the other mutations of the request keep their payloads.
#[derive(MergedObject, Default)]
pub struct Mutation(WriteMutation);

#[derive(Default)]
pub struct WriteMutation;

/// Both readings, or every refusal of either.
fn both<A, B>(a: Outcome<A>, b: Outcome<B>) -> Outcome<(A, B)> {
    match (a, b) {
        (Ok(a), Ok(b)) => Ok((a, b)),
        (a, b) => Err(a.err().into_iter().chain(b.err()).flatten().collect()),
    }
}

/// Runs `write` on read input, passing refusals of the reading straight through.
async fn run<I, T, F>(
    read: Outcome<I>,
    write: impl FnOnce(I) -> F,
) -> async_graphql::Result<Outcome<T>>
where
    F: Future<Output = Result<Outcome<T>, crate::error::AppError>>,
{
    match read {
        Ok(input) => Ok(write(input).await?),
        Err(errors) => Ok(Err(errors)),
    }
}

fn deleted(outcome: Outcome<Uuid>) -> (Option<ID>, Vec<UserError>) {
    split(outcome, id)
}

#[Object]
impl WriteMutation {
    /// Creates a conversation in one of the company's inboxes.
    #[graphql(guard = "Scope::WriteConversations")]
    async fn create_conversation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new conversation.")] input: CreateConversationInput,
    ) -> async_graphql::Result<Option<CreateConversationPayload>> {
        let (db, viewer) = (db(ctx), viewer(ctx)?);
        let outcome = run(input.read(), |new| conversations::create(db, viewer, new)).await?;
        Ok(Some(CreateConversationPayload::new(split(
            outcome,
            Conversation::from,
        ))))
    }

    /// Changes the given fields of a conversation; absent fields stay, `null` clears.
    #[graphql(guard = "Scope::WriteConversations")]
    async fn update_conversation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The conversation's id.")] id: ID,
        #[graphql(desc = "The changes.")] input: UpdateConversationInput,
    ) -> async_graphql::Result<Option<UpdateConversationPayload>> {
        let (db, viewer) = (db(ctx), viewer(ctx)?);
        let read = both(id_arg("id", &id), input.read());
        let outcome = run(read, |(id, patch)| {
            conversations::update(db, viewer, id, patch)
        })
        .await?;
        Ok(Some(UpdateConversationPayload::new(split(
            outcome,
            Conversation::from,
        ))))
    }

    /// Deletes a conversation with its messages, calls and links, recording the reason.
    #[graphql(guard = "Scope::WriteConversations")]
    async fn delete_conversation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The conversation's id.")] id: ID,
        #[graphql(desc = "Why it is deleted (kept in the audit log; at most 1,000 characters).")]
        reason: Option<String>,
    ) -> async_graphql::Result<Option<DeleteConversationPayload>> {
        let (db, viewer) = (db(ctx), viewer(ctx)?);
        let read = both(id_arg("id", &id), self::reason(reason));
        let outcome = run(read, |(id, r)| conversations::delete(db, viewer, id, r)).await?;
        Ok(Some(DeleteConversationPayload::new(deleted(outcome))))
    }

    /// Adds a message to a conversation, moving its lastMessageAt forward (never back).
    #[graphql(guard = "Scope::WriteConversations")]
    async fn create_message(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The conversation the message belongs to.")] conversation_id: ID,
        #[graphql(desc = "The new message.")] input: CreateMessageInput,
    ) -> async_graphql::Result<Option<CreateMessagePayload>> {
        let (db, viewer) = (db(ctx), viewer(ctx)?);
        let read = both(id_arg("conversationId", &conversation_id), input.read());
        let outcome = run(read, |(c, new)| messages::create(db, viewer, c, new)).await?;
        let (pair, user_errors) =
            split(outcome, |(m, c)| (Message::from(m), Conversation::from(c)));
        let (message, conversation) = pair.unzip();
        Ok(Some(CreateMessagePayload {
            message,
            conversation,
            user_errors,
        }))
    }

    /// Deletes a message; the conversation's lastMessageAt becomes its newest remaining one.
    #[graphql(guard = "Scope::WriteConversations")]
    async fn delete_message(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The message's id.")] id: ID,
        #[graphql(desc = "Why it is deleted (kept in the audit log).")] reason: Option<String>,
    ) -> async_graphql::Result<Option<DeleteMessagePayload>> {
        let (db, viewer) = (db(ctx), viewer(ctx)?);
        let read = both(id_arg("id", &id), self::reason(reason));
        let outcome = run(read, |(id, r)| messages::delete(db, viewer, id, r)).await?;
        Ok(Some(DeleteMessagePayload::new(deleted(outcome))))
    }

    /// Creates a contact.
    #[graphql(guard = "Scope::WriteConversations")]
    async fn create_contact(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new contact.")] input: CreateContactInput,
    ) -> async_graphql::Result<Option<CreateContactPayload>> {
        let (db, viewer) = (db(ctx), viewer(ctx)?);
        let outcome = run(input.read(), |new| contacts::create(db, viewer, new)).await?;
        Ok(Some(CreateContactPayload::new(split(
            outcome,
            Contact::from,
        ))))
    }

    /// Changes the given fields of a contact; absent fields stay, `null` clears.
    #[graphql(guard = "Scope::WriteConversations")]
    async fn update_contact(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The contact's id.")] id: ID,
        #[graphql(desc = "The changes.")] input: UpdateContactInput,
    ) -> async_graphql::Result<Option<UpdateContactPayload>> {
        let (db, viewer) = (db(ctx), viewer(ctx)?);
        let read = both(id_arg("id", &id), input.read());
        let outcome = run(read, |(id, patch)| contacts::update(db, viewer, id, patch)).await?;
        Ok(Some(UpdateContactPayload::new(split(
            outcome,
            Contact::from,
        ))))
    }

    /// Deletes a contact. Refused (CONFLICT) while it has conversations, unless `cascade`.
    #[graphql(guard = "Scope::WriteConversations")]
    async fn delete_contact(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The contact's id.")] id: ID,
        #[graphql(desc = "Also delete the contact's conversations.", default = false)]
        cascade: bool,
        #[graphql(desc = "Why it is deleted (kept in the audit log).")] reason: Option<String>,
    ) -> async_graphql::Result<Option<DeleteContactPayload>> {
        let (db, viewer) = (db(ctx), viewer(ctx)?);
        let read = both(id_arg("id", &id), self::reason(reason));
        let outcome = run(read, |(id, r)| contacts::delete(db, viewer, id, cascade, r)).await?;
        Ok(Some(DeleteContactPayload::new(deleted(outcome))))
    }

    /// Creates an inbox.
    #[graphql(guard = "Scope::WriteConversations")]
    async fn create_inbox(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new inbox.")] input: CreateInboxInput,
    ) -> async_graphql::Result<Option<CreateInboxPayload>> {
        let (db, viewer) = (db(ctx), viewer(ctx)?);
        let outcome = run(input.read(), |new| inboxes::create(db, viewer, new)).await?;
        Ok(Some(CreateInboxPayload::new(split(outcome, Inbox::from))))
    }

    /// Changes the given fields of an inbox; absent fields stay, `null` clears.
    #[graphql(guard = "Scope::WriteConversations")]
    async fn update_inbox(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The inbox's id.")] id: ID,
        #[graphql(desc = "The changes.")] input: UpdateInboxInput,
    ) -> async_graphql::Result<Option<UpdateInboxPayload>> {
        let (db, viewer) = (db(ctx), viewer(ctx)?);
        let read = both(id_arg("id", &id), input.read());
        let outcome = run(read, |(id, patch)| inboxes::update(db, viewer, id, patch)).await?;
        Ok(Some(UpdateInboxPayload::new(split(outcome, Inbox::from))))
    }

    /// Deletes an inbox. Refused (CONFLICT) while it has conversations, unless `cascade`.
    #[graphql(guard = "Scope::WriteConversations")]
    async fn delete_inbox(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The inbox's id.")] id: ID,
        #[graphql(desc = "Also delete the inbox's conversations.", default = false)] cascade: bool,
        #[graphql(desc = "Why it is deleted (kept in the audit log).")] reason: Option<String>,
    ) -> async_graphql::Result<Option<DeleteInboxPayload>> {
        let (db, viewer) = (db(ctx), viewer(ctx)?);
        let read = both(id_arg("id", &id), self::reason(reason));
        let outcome = run(read, |(id, r)| inboxes::delete(db, viewer, id, cascade, r)).await?;
        Ok(Some(DeleteInboxPayload::new(deleted(outcome))))
    }

    /// Records a call of a conversation.
    #[graphql(guard = "Scope::WriteConversations")]
    async fn create_call(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The conversation the call belongs to.")] conversation_id: ID,
        #[graphql(desc = "The new call.")] input: CreateCallInput,
    ) -> async_graphql::Result<Option<CreateCallPayload>> {
        let (db, viewer) = (db(ctx), viewer(ctx)?);
        let read = both(id_arg("conversationId", &conversation_id), input.read());
        let outcome = run(read, |(c, new)| calls::create(db, viewer, c, new)).await?;
        Ok(Some(CreateCallPayload::new(split(outcome, Call::from))))
    }

    /// Changes the given fields of a call; absent fields stay, `null` clears.
    #[graphql(guard = "Scope::WriteConversations")]
    async fn update_call(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The call's id.")] id: ID,
        #[graphql(desc = "The changes.")] input: UpdateCallInput,
    ) -> async_graphql::Result<Option<UpdateCallPayload>> {
        let (db, viewer) = (db(ctx), viewer(ctx)?);
        let read = both(id_arg("id", &id), input.read());
        let outcome = run(read, |(id, patch)| calls::update(db, viewer, id, patch)).await?;
        Ok(Some(UpdateCallPayload::new(split(outcome, Call::from))))
    }

    /// Deletes a call.
    #[graphql(guard = "Scope::WriteConversations")]
    async fn delete_call(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The call's id.")] id: ID,
        #[graphql(desc = "Why it is deleted (kept in the audit log).")] reason: Option<String>,
    ) -> async_graphql::Result<Option<DeleteCallPayload>> {
        let (db, viewer) = (db(ctx), viewer(ctx)?);
        let read = both(id_arg("id", &id), self::reason(reason));
        let outcome = run(read, |(id, r)| calls::delete(db, viewer, id, r)).await?;
        Ok(Some(DeleteCallPayload::new(deleted(outcome))))
    }

    /// Creates an agent.
    #[graphql(guard = "Scope::WriteConversations")]
    async fn create_agent(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new agent.")] input: CreateAgentInput,
    ) -> async_graphql::Result<Option<CreateAgentPayload>> {
        let (db, viewer) = (db(ctx), viewer(ctx)?);
        let outcome = run(input.read(), |new| agents::create(db, viewer, new)).await?;
        Ok(Some(CreateAgentPayload::new(split(outcome, Agent::from))))
    }

    /// Changes the given fields of an agent; absent fields stay, `null` clears.
    #[graphql(guard = "Scope::WriteConversations")]
    async fn update_agent(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The agent's id.")] id: ID,
        #[graphql(desc = "The changes.")] input: UpdateAgentInput,
    ) -> async_graphql::Result<Option<UpdateAgentPayload>> {
        let (db, viewer) = (db(ctx), viewer(ctx)?);
        let read = both(id_arg("id", &id), input.read());
        let outcome = run(read, |(id, patch)| agents::update(db, viewer, id, patch)).await?;
        Ok(Some(UpdateAgentPayload::new(split(outcome, Agent::from))))
    }

    /// Deletes an agent; its conversations lose that assignee, AI agent or seen-by.
    #[graphql(guard = "Scope::WriteConversations")]
    async fn delete_agent(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The agent's id.")] id: ID,
        #[graphql(desc = "Why it is deleted (kept in the audit log).")] reason: Option<String>,
    ) -> async_graphql::Result<Option<DeleteAgentPayload>> {
        let (db, viewer) = (db(ctx), viewer(ctx)?);
        let read = both(id_arg("id", &id), self::reason(reason));
        let outcome = run(read, |(id, r)| agents::delete(db, viewer, id, r)).await?;
        Ok(Some(DeleteAgentPayload::new(deleted(outcome))))
    }
}
