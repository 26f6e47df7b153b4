// Full-text message search with highlighted snippets.
import type { ReactNode } from "react";
import { graphql, useLazyLoadQuery } from "react-relay";
import type { MessageSearchQuery, MessageSearchFilter } from "./__generated__/MessageSearchQuery.graphql";

type Highlight = { readonly id: string; readonly start: number; readonly length: number };

function highlight(snippet: string, highlights: ReadonlyArray<Highlight>) {
  const chars = Array.from(snippet); // offsets are in code points
  const parts: ReactNode[] = [];
  let at = 0;
  for (const h of highlights) {
    parts.push(chars.slice(at, h.start).join(""));
    parts.push(<mark key={h.id}>{chars.slice(h.start, h.start + h.length).join("")}</mark>);
    at = h.start + h.length;
  }
  parts.push(chars.slice(at).join(""));
  return parts;
}

export function MessageSearch({ text, filter }: { text: string; filter?: MessageSearchFilter }) {
  const data = useLazyLoadQuery<MessageSearchQuery>(
    graphql`
      query MessageSearchQuery($query: String!, $first: Int, $after: String, $filter: MessageSearchFilter) {
        searchMessages(query: $query, first: $first, after: $after, filter: $filter) {
          totalCount
          pageInfo {
            hasNextPage
            endCursor
          }
          edges {
            cursor
            node {
              id
              snippet
              highlights {
                id
                start
                length
              }
              message {
                id
                sentAt
                conversation {
                  id
                  subject
                }
              }
            }
          }
        }
      }
    `,
    { query: text, first: 20, filter },
  );
  return (
    <ul>
      {data.searchMessages.edges.map((edge) => {
        const hit = edge?.node;
        if (!hit) return null;
        return (
          <li key={hit.id}>
            <a href={`/conversations/${hit.message.conversation.id}`}>{hit.message.conversation.subject}</a>{" "}
            {highlight(hit.snippet, hit.highlights)} <time>{hit.message.sentAt}</time>
          </li>
        );
      })}
    </ul>
  );
}
