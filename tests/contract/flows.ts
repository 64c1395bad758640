// The seed flows from Node through a client generated from the live /openapi.json
// (openapi-typescript types, openapi-fetch calls), type-checked with tsc --strict.
// Run by test_typescript_judges.py: node flows.js BASE_URL KEY CONTACT_ID DUE_DATE_ID METHOD_ID
import createClient from "openapi-fetch";
import type { paths } from "./schema";

declare const process: { argv: string[]; exitCode?: number };

const [baseUrl, key, contactId, dueDateId, methodId] = process.argv.slice(2);
const client = createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${key}` } });
const today = new Date().toISOString().slice(0, 10);

function ok<T>(answer: { data?: T; error?: unknown; response: Response }, step: string): T {
  if (answer.data === undefined) {
    throw new Error(`${step}: ${answer.response.status} ${JSON.stringify(answer.error)}`);
  }
  return answer.data;
}

async function pdf(answer: Promise<{ data?: unknown; response: Response }>, step: string) {
  const { response } = await answer;
  const head = new Uint8Array(await response.arrayBuffer()).slice(0, 4);
  if (response.status !== 200 || new TextDecoder().decode(head) !== "%PDF") {
    throw new Error(`${step}: not a PDF (${response.status})`);
  }
}

async function seed000(): Promise<void> {
  const found = ok(
    await client.POST("/api/clients/find-or-create", {
      body: {
        tax_id: "B27346063",
        name: "Talleres García S.L.",
        address: "Calle Mayor 1",
        city: "Madrid",
        postal_code: "28001",
        country: "ES",
      },
    }),
    "find-or-create",
  );
  const item = {
    description: "Filtro aceite REF-001",
    reference: "REF-001",
    quantity: 1,
    unit_price: 15.99,
    vat_rate: 21,
    discount_percent: 0,
  };
  const created = ok(
    await client.POST("/api/invoices", {
      body: {
        external_reference: "ORDER-TS-2847",
        client_id: found.client.id,
        invoice_date: today,
        currency: "EUR",
        exchange_rate: 1,
        items: [item, { ...item, reference: "REF-045", quantity: 2, withholding_rate: 15 }],
      },
    }),
    "create invoice",
  );
  const id = { params: { path: { id: created.id } } };
  const issued = ok(await client.POST("/api/invoices/{id}/issue", id), "issue");
  if (issued.status !== "issued") throw new Error(`issue: ${issued.status}`);
  await pdf(client.GET("/api/invoices/{id}/pdf", { ...id, parseAs: "stream" }), "pdf");
  const listed = ok(
    await client.GET("/api/invoices", {
      params: { query: { external_reference: "ORDER-TS-2847" } },
    }),
    "list by external_reference",
  );
  const original = listed.data[0];
  if (original === undefined) throw new Error("list: the invoice is not found by reference");
  const rectified = ok(
    await client.POST("/api/invoices/{id}/rectify", {
      params: { path: { id: original.id } },
      body: { items: [item], notes: "Devolución parcial", causa_rectificacion: "R1" },
    }),
    "rectify",
  );
  if (!rectified.invoice.is_corrective || rectified.invoice.total >= 0) {
    throw new Error("rectify: not a negative rectificative");
  }
}

async function seed001(): Promise<void> {
  const taxes = ok(await client.GET("/v1/taxes"), "taxes").data;
  const series = ok(await client.GET("/v1/series"), "series").data;
  const tax = (name: string) => taxes.find((t) => t.name === name)?.id ?? 0;
  const serie = (name: string) => series.find((s) => s.name === name)?.id ?? 0;
  const created = ok(
    await client.POST("/v1/invoices", {
      body: {
        name: "Development and services invoice",
        contact_id: Number(contactId),
        due_date_id: Number(dueDateId),
        payment_method_id: Number(methodId),
        date: today,
        lang: "gl",
        currency: "ARS",
        date_format: "yyyy-mm-dd",
        money_format: "symbol_before,none,point",
        lines: [
          {
            quantity: 1,
            description: "Development and services",
            price: 1800,
            discount: 0,
            taxes: [tax("IRPF (-15%)"), tax("IVA (21%)")],
          },
        ],
      },
    }),
    "create",
  ).data;
  if (created.total_with_taxes !== 1908) throw new Error(`create: ${created.total_with_taxes}`);
  const id = { params: { path: { id: created.id } } };
  const listed = ok(await client.GET("/v1/invoices", { params: { query: { per_page: 100 } } }), "list");
  if (!listed.data.some((i) => i.id === created.id)) throw new Error("list: not listed");
  const got = await client.GET("/v1/invoices/{id}", id);
  const etag = got.response.headers.get("etag") ?? "";
  ok(
    await client.PATCH("/v1/invoices/{id}", {
      params: { path: { id: created.id }, header: { "If-Match": etag } },
      body: { name: "Development and services", notes: "" },
    }),
    "patch",
  );
  const issued = ok(
    await client.POST("/v1/invoices/{id}/issue", {
      ...id,
      body: { date: today, serie_id: String(serie("F")), delete_proforma: false },
    }),
    "issue",
  ).data;
  const rectified = ok(
    await client.POST("/v1/invoices/{id}/rectify", {
      params: { path: { id: issued.issue_invoice_id } },
      body: { date: today, serie_id: serie("R") },
    }),
    "rectify",
  ).data;
  if (rectified.rectification_invoice_id === issued.issue_invoice_id) throw new Error("rectify");
  await pdf(
    client.GET("/v1/invoices/{id}/download", {
      params: { path: { id: issued.issue_invoice_id } },
      parseAs: "stream",
    }),
    "download",
  );
}

await seed000();
await seed001();
console.log("typescript flows: ok");
