// A graphql-ws client doing what an integration does: subscribe to invoiceEvents, then
// create and issue an invoice over HTTP, and collect the events the subscription receives.
//
//   node subscribe.mjs <graphql-ws package> <base URL> <key> [<other tenant's key>]
//
// It first waits until the subscription is live (creating warm-up drafts until one's event
// arrives: nothing in the protocol says when the server's resolver is listening). With
// another tenant's key it then creates and issues one of THEIR invoices, so the caller can
// check that none of their events arrives here. Prints one JSON object:
//   { version, events: [{kind, invoiceId, status}], warmups: [uuid], mine: [uuid],
//     theirs: [uuid], binaryFrames, closed: {code, reason} | null, error: string | null }
//
// The WebSocket is `ws` with binaryType "arraybuffer", so a binary frame reaches graphql-ws
// as browsers deliver it (not as a Node Buffer that JSON.parse would happen to accept).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import WebSocket from 'ws';

const [pkg, baseUrl, key, otherKey] = process.argv.slice(2);
const { createClient } = await import(pkg);
const require = createRequire(import.meta.url);
const version = JSON.parse(readFileSync(require.resolve(`${pkg}/package.json`), 'utf8')).version;

let binaryFrames = 0;
class BrowserLikeWebSocket extends WebSocket {
  constructor(...args) {
    super(...args);
    this.binaryType = 'arraybuffer';
    this.on('message', (_data, isBinary) => {
      if (isBinary) binaryFrames += 1;
    });
  }
}

const SUBSCRIBE = 'subscription { invoiceEvents { kind invoiceId invoice { status } } }';
const CREATE = `mutation($input: InvoiceInput!) {
  createInvoice(input: $input) { invoice { id uuid } errors { field message } } }`;
const CLIENT = `mutation($input: ClientInput!) {
  findOrCreateClient(input: $input) { client { id } errors { field message } } }`;
const ISSUE = `mutation($id: ID!) {
  issueInvoice(id: $id) { invoice { uuid status } errors { field message } } }`;

async function graphql(withKey, query, variables) {
  const response = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${withKey}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  if (body.errors) throw new Error(`${response.status}: ${JSON.stringify(body.errors)}`);
  return body.data;
}

async function createAndIssue(withKey, uuids) {
  const found = await graphql(withKey, CLIENT, {
    input: {
      name: 'Talleres García S.L.', taxId: 'B12345674', address: 'Calle Mayor 1',
      city: 'Madrid', province: 'Madrid', postalCode: '28013', country: 'ES',
    },
  });
  const created = await graphql(withKey, CREATE, {
    input: {
      clientId: found.findOrCreateClient.client.id,
      lines: [{ description: 'Suscripción', quantity: '1', price: '10.00', vatRate: '21' }],
    },
  });
  const { invoice, errors } = created.createInvoice;
  if (errors.length) throw new Error(`createInvoice: ${JSON.stringify(errors)}`);
  uuids.push(invoice.uuid); // before issuing: its ISSUED event may beat the HTTP answer
  const issued = await graphql(withKey, ISSUE, { id: invoice.id });
  if (issued.issueInvoice.errors.length) {
    throw new Error(`issueInvoice: ${JSON.stringify(issued.issueInvoice.errors)}`);
  }
}

async function createDraft(withKey, uuids) {
  const line = { description: 'Calentamiento', quantity: '1', price: '1.00', vatRate: '21' };
  const created = await graphql(withKey, CREATE, { input: { lines: [line] } });
  uuids.push(created.createInvoice.invoice.uuid);
}

/** Warm-up drafts until the first one's event arrives: the subscription is live then. */
async function untilLive() {
  for (let attempt = 0; attempt < 30; attempt += 1) {
    await createDraft(key, result.warmups);
    if (await Promise.race([firstSeen, sleep(500).then(() => false)])) return;
  }
  throw new Error('the subscription received no event within 15 s');
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const result = {
  version, events: [], warmups: [], mine: [], theirs: [], binaryFrames: 0, closed: null, error: null,
};
const wsUrl = `${baseUrl.replace(/^http/, 'ws')}/graphql`;
const client = createClient({
  url: wsUrl,
  webSocketImpl: BrowserLikeWebSocket,
  connectionParams: { Authorization: `Bearer ${key}` },
  retryAttempts: 0,
  on: {
    closed: (event) => {
      result.closed = { code: event.code, reason: String(event.reason) };
    },
  },
});

let onIssued;
const issuedSeen = new Promise((resolve) => {
  onIssued = resolve;
});
let onFirst;
const firstSeen = new Promise((resolve) => {
  onFirst = () => resolve(true);
});
const done = new Promise((resolve) => {
  client.subscribe(
    { query: SUBSCRIBE },
    {
      next: ({ data, errors }) => {
        if (errors) result.error = JSON.stringify(errors);
        if (!data) return;
        const event = data.invoiceEvents;
        result.events.push({ kind: event.kind, invoiceId: event.invoiceId, status: event.invoice?.status });
        onFirst();
        if (event.kind === 'ISSUED' && result.mine.includes(event.invoiceId)) onIssued();
      },
      error: (error) => {
        result.error = error instanceof Error ? error.message : JSON.stringify(error?.reason ?? error?.code ?? error);
        resolve();
      },
      complete: resolve,
    },
  );
});

try {
  await untilLive();
  if (otherKey) await createAndIssue(otherKey, result.theirs);
  await createAndIssue(key, result.mine);
  await Promise.race([issuedSeen, done, sleep(10_000)]);
  await sleep(300); // anything else (another tenant's event) would arrive by now
} catch (error) {
  result.error = String(error);
}
result.binaryFrames = binaryFrames;
await client.dispose();
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);
