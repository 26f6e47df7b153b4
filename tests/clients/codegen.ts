// graphql-codegen for the Apollo Client / urql style operations in operations/*.graphql.
//   API_SCHEMA   the client schema (default ../../schema.api.graphql, relative to tests/clients)
//   CODEGEN_OUT  the generated file (default: a file in the OS temp directory)
// scripts/codegen.mjs runs this and fails on any error or warning.
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CodegenConfig } from "@graphql-codegen/cli";

const schema = process.env.API_SCHEMA ?? "../../schema.api.graphql";
const out = process.env.CODEGEN_OUT ?? join(tmpdir(), "conversations-graph-codegen", "graphql.ts");

const config: CodegenConfig = {
  overwrite: true,
  schema,
  documents: ["operations/*.graphql"],
  ignoreNoDocuments: false,
  emitLegacyCommonJSImports: false,
  generates: {
    [out]: {
      plugins: ["typescript", "typescript-operations"],
      config: {
        // Every custom scalar must be mapped: a new one in the schema fails the check.
        strictScalars: true,
        scalars: {
          DateTime: "string",
          MessageMetadata: "Record<string, unknown>",
          ConversationEventValue: "unknown",
          EventCursor: "string",
        },
        enumsAsTypes: true,
        useTypeImports: true,
        avoidOptionals: false,
        immutableTypes: false,
        skipTypename: true,
      },
    },
  },
};

export default config;
