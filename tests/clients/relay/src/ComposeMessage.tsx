// Sending a message: the new message is prepended to the conversation's messages connection.
import { useState } from "react";
import { graphql, useMutation } from "react-relay";
import type { ComposeMessageMutation } from "./__generated__/ComposeMessageMutation.graphql";

export function ComposeMessage({ conversationId, connectionId }: { conversationId: string; connectionId: string }) {
  const [text, setText] = useState("");
  const [commit, inFlight] = useMutation<ComposeMessageMutation>(graphql`
    mutation ComposeMessageMutation($conversationId: ID!, $input: CreateMessageInput!, $connections: [ID!]!) {
      createMessage(conversationId: $conversationId, input: $input) {
        message @prependNode(connections: $connections, edgeTypeName: "MessageEdge") {
          id
          content
          direction
          channel
          sentAt
          metadata
        }
        conversation {
          id
          lastMessageAt
          updatedAt
        }
        userErrors {
          field
          message
          code
        }
      }
    }
  `);
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        commit({
          variables: {
            conversationId,
            input: { content: text, direction: "OUTBOUND", metadata: { composer: "web" } },
            connections: [connectionId],
          },
          onCompleted: ({ createMessage }) => {
            // Null only when the mutation failed with an error (onError has it).
            if (createMessage?.userErrors.length === 0) setText("");
          },
        });
      }}
    >
      <textarea value={text} onChange={(e) => setText(e.target.value)} />
      <button disabled={inFlight || text.trim() === ""}>Send</button>
    </form>
  );
}
