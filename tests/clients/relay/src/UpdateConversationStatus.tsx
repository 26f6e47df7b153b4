// Changing a conversation's status, with the payload's userErrors shown to the user.
import { useState } from "react";
import { graphql, useMutation } from "react-relay";
import type {
  ConversationStatus,
  UpdateConversationStatusMutation,
} from "./__generated__/UpdateConversationStatusMutation.graphql";

export function ConversationStatusSelect({ id, status }: { id: string; status: ConversationStatus }) {
  const [error, setError] = useState<string | null>(null);
  const [commit, inFlight] = useMutation<UpdateConversationStatusMutation>(graphql`
    mutation UpdateConversationStatusMutation($id: ID!, $input: UpdateConversationInput!) {
      updateConversation(id: $id, input: $input) {
        conversation {
          id
          status
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
  const statuses: ConversationStatus[] = ["OPEN", "PENDING", "CLOSED", "ARCHIVED"];
  return (
    <label>
      <select
        value={status}
        disabled={inFlight}
        onChange={(e) =>
          commit({
            variables: { id, input: { status: e.target.value as ConversationStatus } },
            onCompleted: ({ updateConversation }) => {
              // Null only when the mutation failed with an error (onError has it).
              const first = updateConversation?.userErrors[0];
              setError(first ? `${first.code}: ${first.message} (${first.field.join(".")})` : null);
            },
          })
        }
      >
        {statuses.map((s) => (
          <option key={s}>{s}</option>
        ))}
      </select>
      {error && <span role="alert">{error}</span>}
    </label>
  );
}
