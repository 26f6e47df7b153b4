// Checks that API_SCHEMA is a client schema the compilers can take, with readable messages
// (relay-compiler itself panics on `extend schema @link(...)`):
//   - it parses, builds and validates with graphql-js (every directive it uses is declared);
//   - no federation machinery: no `extend schema`, no @link/@key/@shareable/... usages, no
//     _service/_entities fields, no _Any/_Entity/_Service/link__*/federation__* types;
//   - what Relay needs: `interface Node { id: ID! }`, `Query.node(id: ID!): Node`, and `id: ID!`
//     wherever an object has an `id` (Relay itself also takes `id: ID`; the contract says ID!);
//   - the Relay connection shape of every *Connection type, with the nullability decided in
//     the schema contract: `edges: [XEdge]!`, `nodes: [X]!`, `pageInfo: PageInfo!`, `XEdge.cursor: String!`,
//     `XEdge.node: X` (nullable), and PageInfo's four standard fields.
import { readFileSync } from "node:fs";
import {
  buildASTSchema,
  GraphQLInterfaceType,
  GraphQLObjectType,
  isListType,
  isNonNullType,

  parse,
  validateSchema,
  visit,
} from "graphql";
import { fail, schemaPath } from "./lib.mjs";

const path = schemaPath();
const sdl = readFileSync(path, "utf8");
const problems = [];

let document;
try {
  document = parse(sdl);
} catch (error) {
  fail(`${path} does not parse: ${error.message}`);
}

// Federation machinery.
const federationDirectives = new Set([
  "link", "key", "shareable", "external", "requires", "provides", "tag", "inaccessible", "override",
  "composeDirective", "interfaceObject", "requiresScopes", "authenticated", "policy", "extends",
  "context", "fromContext", "cost", "listSize",
]);
const seen = new Set();
visit(document, {
  SchemaExtension(node) {
    problems.push(`\`extend schema\` at line ${node.loc.startToken.line} (relay-compiler panics on it: "SchemaExtension not implemented")`);
  },
  Directive(node) {
    const name = node.name.value;
    if ((federationDirectives.has(name) || name.startsWith("federation__")) && !seen.has(name)) {
      seen.add(name);
      problems.push(`federation directive @${name} used (first at line ${node.loc.startToken.line})`);
    }
  },
  DirectiveDefinition(node) {
    if (federationDirectives.has(node.name.value)) problems.push(`federation directive @${node.name.value} declared`);
  },
});
for (const def of document.definitions) {
  const name = def.name?.value ?? "";
  if (/^(_Any|_Entity|_Service|FieldSet|link__\w+|federation__\w+)$/.test(name)) problems.push(`federation type ${name}`);
}

// Builds and validates (with graphql-js's own checks, e.g. undeclared directives).
let schema;
try {
  schema = buildASTSchema(document);
  for (const error of validateSchema(schema)) problems.push(`invalid schema: ${error.message}`);
} catch (error) {
  problems.push(`does not build: ${[...new Set(error.message.split(/\n\n/))].join("; ")}`);
}

if (schema) {
  const query = schema.getQueryType();
  for (const field of ["_service", "_entities"]) {
    if (query?.getFields()[field]) problems.push(`Query.${field} is federation-only`);
  }

  // Relay's Node contract.
  const node = schema.getType("Node");
  if (!(node instanceof GraphQLInterfaceType)) problems.push("no `interface Node` (Relay needs it for @refetchable on Node types)");
  else if (String(node.getFields().id?.type) !== "ID!") problems.push("Node.id must be `ID!`");
  const nodeField = query?.getFields().node;
  if (!nodeField) problems.push("no `Query.node(id: ID!): Node` (Relay's @refetchable on Node types queries it)");
  else {
    if (String(nodeField.type) !== "Node") problems.push(`Query.node returns ${nodeField.type}; Relay expects \`Node\``);
    const args = nodeField.args.map((a) => `${a.name}: ${a.type}`).join(", ");
    if (args !== "id: ID!" && args !== "id: ID") problems.push(`Query.node takes (${args}); Relay expects (id: ID!) or (id: ID)`);
  }
  for (const type of Object.values(schema.getTypeMap())) {
    if (!(type instanceof GraphQLObjectType || type instanceof GraphQLInterfaceType) || type.name.startsWith("__")) continue;
    const id = type.getFields().id;
    if (id && String(id.type) !== "ID!") problems.push(`${type.name}.id is ${id.type}; Relay expects \`ID!\``);
  }

  // Connections.
  const expectField = (type, name, shape, why = "") => {
    const field = type.getFields()[name];
    if (!field) problems.push(`${type.name} has no \`${name}\`${why}`);
    else if (String(field.type) !== shape) problems.push(`${type.name}.${name} is \`${field.type}\`, expected \`${shape}\`${why}`);
  };
  const relayNeeds = " (Relay's @connection needs it)";
  const nullableItems = " (the schema contract: connection items are nullable)";
  const pageInfo = schema.getType("PageInfo");
  if (!(pageInfo instanceof GraphQLObjectType)) problems.push("no `type PageInfo`");
  else {
    expectField(pageInfo, "hasNextPage", "Boolean!", relayNeeds);
    expectField(pageInfo, "hasPreviousPage", "Boolean!", relayNeeds);
    expectField(pageInfo, "startCursor", "String", relayNeeds);
    expectField(pageInfo, "endCursor", "String", relayNeeds);
  }
  let connections = 0;
  for (const type of Object.values(schema.getTypeMap())) {
    if (!(type instanceof GraphQLObjectType) || !type.name.endsWith("Connection")) continue;
    connections++;
    const edgesField = type.getFields().edges;
    const edgeType = edgesField && namedType(edgesField.type);
    if (!edgeType) {
      problems.push(`${type.name} has no \`edges\``);
      continue;
    }
    expectField(type, "edges", `[${edgeType.name}]!`, nullableItems);
    expectField(type, "pageInfo", "PageInfo!", relayNeeds);
    const nodeType = edgeType.getFields?.().node && namedType(edgeType.getFields().node.type);
    if (!nodeType) {
      problems.push(`${edgeType.name} has no \`node\``);
      continue;
    }
    expectField(edgeType, "node", nodeType.name, nullableItems);
    expectField(edgeType, "cursor", "String!", relayNeeds);
    if (type.getFields().nodes) expectField(type, "nodes", `[${nodeType.name}]!`, nullableItems);
  }
  if (connections === 0) problems.push("no *Connection types");
}

if (problems.length) {
  console.error(`FAIL: ${path} is not a client schema the compilers can take:`);
  for (const p of problems) console.error(`  - ${p}`);
  process.exit(1);
}
const types = Object.keys(schema.getTypeMap()).filter((n) => !n.startsWith("__")).length;
console.log(`client schema ok: ${path} (${types} types; Node, Query.node and connection shapes as Relay expects)`);

function namedType(type) {
  let t = type;
  while (isNonNullType(t) || isListType(t)) t = t.ofType;
  return t;
}
