// Typed operations for examples/graphql/*.graphql from the committed schema.graphql.
//
// Scalar mapping (what travels in JSON, as the SDL's descriptions say):
//   Decimal  -> string   exact decimal text such as "4494.38"; never a JS number (no float money)
//   Date     -> string   "YYYY-MM-DD"
//   DateTime -> string   RFC 3339 with offset, e.g. "2025-03-31T09:30:00+00:00"
//   UUID     -> string   36 characters, 8-4-4-4-12
//   ID       -> string   opaque global id
// Inputs take the same strings (Decimal also accepts a JSON number, never needed).
import type { CodegenConfig } from "@graphql-codegen/cli";

const scalars = {
  Decimal: "string",
  Date: "string",
  DateTime: "string",
  UUID: "string",
  ID: "string",
};

const config: CodegenConfig = {
  schema: "../../schema.graphql",
  documents: ["../../examples/graphql/*.graphql"],
  generates: {
    [process.env.CODEGEN_OUT ?? "generated/operations.ts"]: {
      plugins: ["typescript-operations"],
      config: {
        scalars,
        strictScalars: true,
        enumsAsTypes: true,
        avoidOptionals: { field: true, inputValue: false, object: false },
        useTypeImports: true,
      },
    },
  },
};

export default config;
