// The inbox: a paginated, filterable list of conversations (usePaginationFragment on Query).
import { graphql, useLazyLoadQuery, usePaginationFragment } from "react-relay";
import type { InboxListPageQuery, ConversationFilter } from "./__generated__/InboxListPageQuery.graphql";
import type { InboxList_query$key } from "./__generated__/InboxList_query.graphql";

export function InboxListPage({ inboxId }: { inboxId: string | null }) {
  const filter: ConversationFilter = { inboxId, statusIn: ["OPEN", "PENDING"] };
  const data = useLazyLoadQuery<InboxListPageQuery>(
    graphql`
      query InboxListPageQuery($filter: ConversationFilter) {
        ...InboxList_query @arguments(filter: $filter)
      }
    `,
    { filter },
  );
  return <InboxList query={data} />;
}

export function InboxList({ query }: { query: InboxList_query$key }) {
  const { data, loadNext, hasNext, isLoadingNext, refetch } = usePaginationFragment(
    graphql`
      fragment InboxList_query on Query
      @argumentDefinitions(
        count: { type: "Int", defaultValue: 25 }
        cursor: { type: "String" }
        filter: { type: "ConversationFilter" }
        orderBy: { type: "ConversationOrder", defaultValue: { field: LAST_MESSAGE_AT, direction: DESC } }
      )
      @refetchable(queryName: "InboxListPaginationQuery") {
        conversations(first: $count, after: $cursor, filter: $filter, orderBy: $orderBy)
          @connection(key: "InboxList_conversations", filters: ["filter", "orderBy"]) {
          totalCount
          edges {
            node {
              id
              subject
              status
              priority
              lastMessageAt
              contact {
                fullName
                phoneNumber
              }
              inbox {
                name
              }
              assignee {
                name
              }
              lastMessage {
                content
                sentAt
                direction
              }
              latestCall {
                status
                durationSeconds
              }
            }
          }
        }
      }
    `,
    query,
  );

  // Edges and nodes are nullable (a row deleted while the page was read is null).
  const rows = data.conversations.edges.flatMap((edge) => (edge?.node ? [edge.node] : []));
  return (
    <section>
      <h2>{data.conversations.totalCount} conversations</h2>
      <button onClick={() => refetch({ orderBy: { field: "PRIORITY", direction: "DESC" } })}>Most urgent first</button>
      <ul>
        {rows.map((c) => (
          <li key={c.id} data-priority={c.priority} data-status={c.status}>
            <strong>{c.subject ?? "(no subject)"}</strong> {c.contact?.fullName ?? c.contact?.phoneNumber ?? "unknown"} via{" "}
            {c.inbox.name}, {c.assignee ? `assigned to ${c.assignee.name}` : "unassigned"}
            {c.lastMessage && (
              <p>
                {c.lastMessage.direction === "INBOUND" ? "←" : "→"} {c.lastMessage.content} ({c.lastMessage.sentAt})
              </p>
            )}
            {c.latestCall && (
              <small>
                call {c.latestCall.status.toLowerCase()} {c.latestCall.durationSeconds ?? 0}s
              </small>
            )}
            <time dateTime={c.lastMessageAt ?? undefined}>{c.lastMessageAt}</time>
          </li>
        ))}
      </ul>
      {hasNext && (
        <button disabled={isLoadingNext} onClick={() => loadNext(25)}>
          More
        </button>
      )}
    </section>
  );
}
