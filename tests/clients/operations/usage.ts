// How app code consumes the generated types (as with Apollo Client's or urql's
// `useQuery<Data, Variables>`). The check copies this file next to the generated
// `graphql.ts` and typechecks both with `tsc --noEmit --strict`.
import type {
  ConversationChannel,
  ConversationListItemFragment,
  ConversationWithMessagesQuery,
  ContactsQuery,
  ContactsQueryVariables,
  CreateMessageMutation,
  CreateMessageMutationVariables,
  InboxConversationsQuery,
  InboxConversationsQueryVariables,
  SearchMessagesQuery,
} from "./graphql";

export const inboxVariables: InboxConversationsQueryVariables = {
  filter: {
    statusIn: ["OPEN", "PENDING"],
    priorityIn: ["HIGH", "URGENT"],
    respondedBy: "AI",
    contactPhoneNumber: "0102",
    lastMessageAt: { from: "2026-12-01T00:00:00.000000Z" },
    or: [{ unassigned: true }, { assigneeId: "agent-1" }],
  },
  orderBy: { field: "LAST_MESSAGE_AT", direction: "DESC" },
  first: 25,
  after: null,
};

// Connection items are nullable: a row deleted while the page was read is null.
export function inboxRows(data: InboxConversationsQuery): ConversationListItemFragment[] {
  return data.conversations.edges.flatMap((edge) => (edge?.node ? [edge.node] : []));
}

export function describe(c: ConversationListItemFragment): string {
  const channel: ConversationChannel = c.channel;
  const who = c.contact?.fullName ?? c.contact?.phoneNumber ?? "unknown";
  const call = c.latestCall ? `${c.latestCall.status} ${c.latestCall.durationSeconds ?? 0}s by ${c.latestCall.handledBy ?? "nobody"}` : "";
  return `${c.subject ?? "(no subject)"} ${who} ${channel} ${c.inbox.name} ${c.assignee?.name ?? "unassigned"} ${call}`;
}

export function messages(data: ConversationWithMessagesQuery): string[] {
  const c = data.conversation;
  if (!c) return [];
  const refs = [c.campaign?.id, c.listing?.id, ...c.tasks.map((t) => t.id), ...c.sessions.map((s) => s.id)];
  return [
    `${c.contact?.firstName ?? ""} ${c.contact?.lastName ?? ""}`,
    refs.filter(Boolean).join(","),
    ...c.messages.nodes.flatMap((m) => (m ? [`${m.direction} ${m.sentAt} ${m.content} ${JSON.stringify(m.metadata ?? {})}`] : [])),
  ];
}

export function snippets(data: SearchMessagesQuery): Array<{ id: string; parts: string[] }> {
  return data.searchMessages.nodes.flatMap((hit) => {
    if (!hit) return [];
    const chars = Array.from(hit.snippet);
    const parts = hit.highlights.map((h) => chars.slice(h.start, h.start + h.length).join(""));
    return [{ id: hit.id, parts: [hit.message.conversation.subject ?? "", ...parts] }];
  });
}

export const sendVariables: CreateMessageMutationVariables = {
  conversationId: "conversation-1",
  input: { content: "Hello", direction: "OUTBOUND", metadata: { composer: "web" } },
};

export function sendResult(data: CreateMessageMutation): string {
  // The payload is null only when the mutation failed with an error (in `errors`).
  if (!data.createMessage) return "failed";
  const { message, conversation, userErrors } = data.createMessage;
  if (userErrors.length > 0) return userErrors.map((e) => `${e.code} ${e.field.join(".")}: ${e.message}`).join("; ");
  return `${message?.id} ${conversation?.lastMessageAt}`;
}

export const contactsVariables: ContactsQueryVariables = {
  filter: { query: "ada", or: [{ firstName: "Ada" }, { lastName: "Lovelace" }, { phoneNumber: "555" }] },
  orderBy: { field: "FIRST_NAME", direction: "ASC" },
};

export function contactNames(data: ContactsQuery): string[] {
  return data.contacts.edges.flatMap((e) => (e?.node ? [`${e.node.firstName ?? ""} ${e.node.lastName ?? ""}`.trim()] : []));
}
