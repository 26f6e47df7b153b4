// One conversation with its messages, newest first, paginated (Conversation is a Node).
import { graphql, useLazyLoadQuery, usePaginationFragment } from "react-relay";
import type { ConversationDetailPageQuery } from "./__generated__/ConversationDetailPageQuery.graphql";
import type { ConversationDetail_conversation$key } from "./__generated__/ConversationDetail_conversation.graphql";
import { ComposeMessage } from "./ComposeMessage";
import { ConversationStatusSelect } from "./UpdateConversationStatus";

export function ConversationDetailPage({ id }: { id: string }) {
  const data = useLazyLoadQuery<ConversationDetailPageQuery>(
    graphql`
      query ConversationDetailPageQuery($id: ID!) {
        conversation(id: $id) {
          ...ConversationDetail_conversation
        }
      }
    `,
    { id },
  );
  return data.conversation ? <ConversationDetail conversation={data.conversation} /> : <p>Not found</p>;
}

export function ConversationDetail({ conversation }: { conversation: ConversationDetail_conversation$key }) {
  const { data, loadNext, hasNext } = usePaginationFragment(
    graphql`
      fragment ConversationDetail_conversation on Conversation
      @argumentDefinitions(count: { type: "Int", defaultValue: 30 }, cursor: { type: "String" })
      @refetchable(queryName: "ConversationDetailRefetchQuery") {
        id
        subject
        status
        priority
        channel
        source
        respondedBy
        isChatOpened
        createdAt
        updatedAt
        campaign {
          id
        }
        listing {
          id
        }
        tasks {
          id
        }
        contact {
          id
          firstName
          lastName
          fullName
          phoneNumber
          email
        }
        messages(first: $count, after: $cursor) @connection(key: "ConversationDetail_messages") {
          __id
          totalCount
          edges {
            cursor
            node {
              id
              content
              direction
              channel
              sentAt
              metadata
            }
          }
        }
      }
    `,
    conversation,
  );

  return (
    <article>
      <header>
        <h1>{data.subject ?? "(no subject)"}</h1>
        <ConversationStatusSelect id={data.id} status={data.status} />
        {data.contact && (
          <address>
            {data.contact.firstName} {data.contact.lastName} {data.contact.email} {data.contact.phoneNumber}
          </address>
        )}
        {data.campaign && <span>campaign {data.campaign.id}</span>}
        <span>{data.tasks.length} tasks</span>
      </header>
      <ol>
        {data.messages.edges.map((edge) =>
          edge?.node ? (
            <li key={edge.cursor} className={edge.node.direction.toLowerCase()}>
              {edge.node.content} <time dateTime={edge.node.sentAt}>{edge.node.sentAt}</time>
              {edge.node.metadata && <pre>{JSON.stringify(edge.node.metadata)}</pre>}
            </li>
          ) : null,
        )}
      </ol>
      {hasNext && <button onClick={() => loadNext(30)}>Older messages</button>}
      <ComposeMessage conversationId={data.id} connectionId={data.messages.__id} />
    </article>
  );
}
