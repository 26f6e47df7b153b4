// Builds a provisional client schema (what `conversations-graph schema --api` will print)
// from a subgraph SDL, for use until schema.api.graphql is committed:
//
//   node scripts/provisional-schema.mjs [IN] [OUT]
//     IN   default <repo>/schema.graphql
//     OUT  default /tmp/provisional-api.graphql
//
// Two kinds of input:
//   - an SDL from before the rename (it has `enum Channel`): /work/plan/NAMING.md's renames are
//     applied textually (type positions only, never inside descriptions), connection items
//     made nullable, the entity reference types (Campaign, Listing, Task, Session) and
//     MessageSearchHit.id / MessageSearchHighlight.id added, DateTime gets @specifiedBy;
//   - an SDL that already has the new names: only the federation parts go.
// Either way the federation machinery is stripped (`extend schema @link(...)`, @key,
// @shareable) and, like async-graphql's non-federation SDL, the output keeps the
// `directive @include/@skip/@specifiedBy` definitions and ends with `schema { query mutation }`.
// No dependencies: it runs before `npm ci`.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const input = resolve(process.argv[2] ?? resolve(here, "../../../schema.graphql"));
const output = resolve(process.argv[3] ?? "/tmp/provisional-api.graphql");

const sdl = readFileSync(input, "utf8");
const lines = sdl.split("\n");
// A subgraph SDL from before the rename (enum Channel) gets NAMING.md's changes applied; one
// that already has the new names (enum ConversationChannel) only loses its federation parts.
const legacy = /^enum Channel\b/m.test(sdl) && !/^enum ConversationChannel\b/m.test(sdl);

// Type renames (applied once, simultaneously, to type positions).
const typeRenames = {
  Channel: "ConversationChannel",
  Direction: "ConversationDirection",
  Priority: "ConversationPriority",
  Source: "ConversationSource",
  Responder: "AgentKind",
  OrderDirection: "ConversationsOrderDirection",
  Highlight: "MessageSearchHighlight",
  UserError: "ConversationsUserError",
  UserErrorCode: "ConversationsUserErrorCode",
  DateTimeRange: "ConversationsDateTimeRange",
  JSON: "MessageMetadata",
};
const typeRe = new RegExp(`\\b(${Object.keys(typeRenames).join("|")})\\b`, "g");

// Field / argument / enum value renames, per containing type: [old line regex, new text].
const fieldRenames = {
  Conversation: [
    [/^(\s*)call: Call$/, "$1latestCall: Call"],
    [/^(\s*)campaignId: ID$/, "$1campaign: Campaign"],
    [/^(\s*)listingId: ID$/, "$1listing: Listing"],
    [/^(\s*)taskIds: \[ID!\]!$/, "$1tasks: [Task!]!"],
    [/^(\s*)sessionIds: \[ID!\]!$/, "$1sessions: [Session!]!"],
  ],
  Call: [[/^(\s*)campaignId: ID$/, "$1campaign: Campaign"]],
  Contact: [
    [/^(\s*)name: String$/, "$1firstName: String"],
    [/^(\s*)surname: String$/, "$1lastName: String"],
  ],
  ConversationFilter: [[/^(\s*)contactPhone: String$/, "$1contactPhoneNumber: String"]],
  ContactFilter: [
    [/^(\s*)name: String$/, "$1firstName: String"],
    [/^(\s*)surname: String$/, "$1lastName: String"],
    [/^(\s*)phone: String$/, "$1phoneNumber: String"],
  ],
  ContactOrderField: [[/^(\s*)NAME$/, "$1FIRST_NAME"]],
  CreateContactInput: [
    [/^(\s*)name: String$/, "$1firstName: String"],
    [/^(\s*)surname: String$/, "$1lastName: String"],
  ],
  UpdateContactInput: [
    [/^(\s*)name: String$/, "$1firstName: String"],
    [/^(\s*)surname: String$/, "$1lastName: String"],
  ],
};
const applied = new Set();

// Fields added at the end of a type's body (types named after the renames).
const idField = (what) => [`\t"""`, `\t${what}`, `\t"""`, `\tid: ID!`];
const additions = {
  MessageSearchHit: idField("The hit's id: the same for the same message and the same query."),
  MessageSearchHighlight: idField("The highlight's id: the same for the same hit and the same offsets."),
};

const out = [];
let inDescription = false;
let currentType = null; // name of the type/input/enum/interface whose body we are in
let skipping = null; // "responder" while dropping `enum Responder`, "link" for `extend schema @link(`
let depth = 0;

for (let i = 0; i < lines.length; i++) {
  let line = lines[i];
  const trimmed = line.trim();

  if (skipping === "link") {
    if (trimmed === ")") skipping = null;
    continue;
  }
  if (skipping === "responder") {
    if (trimmed === "}") skipping = null;
    continue;
  }

  // Descriptions are copied verbatim.
  if (trimmed.startsWith('"""')) {
    const oneLine = trimmed.length > 3 && trimmed.endsWith('"""') && trimmed !== '"""';
    if (!oneLine) inDescription = !inDescription;
    out.push(line);
    continue;
  }
  if (inDescription) {
    out.push(line);
    continue;
  }

  if (trimmed.startsWith("extend schema @link(")) {
    skipping = "link";
    continue;
  }
  if (legacy && /^enum Responder\b/.test(trimmed)) {
    // Drop the enum and the description just before it.
    dropTrailingDescription(out);
    skipping = "responder";
    continue;
  }

  // Federation directives.
  line = line.replace(/ @key\(fields: "[^"]*"(, resolvable: (true|false))?\)/g, "").replace(/ @shareable\b/g, "");

  // Type renames in type positions.
  if (legacy) line = line.replace(typeRe, (name) => typeRenames[name]);

  const head = /^(type|input|enum|interface|scalar|union) (\w+)/.exec(line.trim());
  if (head && depth === 0) currentType = head[2];

  // Field renames inside the type they belong to.
  for (const [re, to] of legacy ? fieldRenames[currentType] ?? [] : []) {
    if (re.test(line)) {
      line = line.replace(re, to);
      applied.add(`${currentType}:${re}`);
    }
  }

  // Connections: nullable items, nullable edge nodes.
  if (legacy && currentType?.endsWith("Connection")) {
    line = line.replace(/^(\s*)(edges|nodes): \[(\w+)!\]!$/, "$1$2: [$3]!");
  }
  if (legacy && currentType?.endsWith("Edge")) {
    line = line.replace(/^(\s*)node: (\w+)!$/, "$1node: $2");
  }

  if (trimmed.endsWith("{")) depth++;
  if (trimmed === "}") {
    depth--;
    if (depth === 0) {
      const added = legacy && additions[currentType];
      if (added) out.push(...added);
      currentType = null;
    }
  }
  out.push(line);
}

for (const [type, rules] of legacy ? Object.entries(fieldRenames) : []) {
  for (const [re] of rules) {
    if (!applied.has(`${type}:${re}`)) throw new Error(`rename not applied: ${type} ${re}`);
  }
}

let text = out.join("\n").trimEnd() + "\n";

if (legacy) text = legacyAdditions(text);
if (!/^schema \{/m.test(text)) text += "schema {\n\tquery: Query\n\tmutation: Mutation\n}\n";

// What must be gone (outside descriptions; scripts/check-schema.mjs checks the rest).
const code = text.replace(/"""[\s\S]*?"""/g, "");
for (const [what, re] of [
  ["@link/@key/@shareable", /@(link|key|shareable)\b/],
  ["_service/_entities", /^\s*(_service|_entities)\b/m],
  ["_Any/_Entity/_Service", /^(scalar|union|type) (_Any|_Entity|_Service)\b/m],
  ["enum Responder", /^enum Responder\b/m],
]) {
  if (re.test(code)) throw new Error(`provisional schema still contains ${what}`);
}
writeFileSync(output, text);
console.log(
  `provisional client schema: ${output} (from ${input}, ${legacy ? "NAMING.md's renames applied" : "federation parts removed"})`,
);

function legacyAdditions(text) {
  // DateTime: a real description and @specifiedBy.
  text = text.replace(
    /"""\nImplement the DateTime<Utc> scalar\n\nThe input\/output is a string in RFC3339 format.\n"""\nscalar DateTime\n/,
    `"""
An instant, as an RFC 3339 string in UTC with a \`Z\` offset and exactly 6 fractional
digits: \`2026-12-07T01:55:37.123456Z\`.
"""
scalar DateTime @specifiedBy(url: "https://scalars.graphql.org/andimarek/date-time")
`,
  );
  if (!text.includes("scalar DateTime @specifiedBy(")) throw new Error("DateTime description not found");
  text = text.replace(
    /"""\nA scalar that can represent any JSON value.\n"""\nscalar MessageMetadata\n/,
    `"""
Free-form data a sending system attached to a message: a JSON object.
"""
scalar MessageMetadata
`,
  );

  // Entity references owned by other subgraphs (in the client schema: plain types with an id).
  const refs = { Campaign: "A marketing campaign", Listing: "A listing (product, property)", Task: "A task", Session: "A session" };
  const refTypes = Object.entries(refs)
    .map(
      ([name, what]) => `"""
${what}, owned by another subgraph; this graph knows only its id.
"""
type ${name} {
\t"""
\tThe ${name.toLowerCase()}'s id.
\t"""
\tid: ID!
}
`,
    )
    .join("\n");
  return text.replace(/\n(""")\nDirects the executor to include/, `\n${refTypes}\n$1\nDirects the executor to include`);
}

function dropTrailingDescription(buf) {
  // Remove a trailing """ ... """ block (and blank lines after it) from buf.
  while (buf.length && buf[buf.length - 1].trim() === "") buf.pop();
  if (buf.length && buf[buf.length - 1].trim() === '"""') {
    buf.pop();
    while (buf.length && buf[buf.length - 1].trim() !== '"""') buf.pop();
    buf.pop();
  }
}
