// The invoicegraph GraphQL API from a browser on another origin: queries and mutations over
// fetch (the server allows the origin through CORS_ALLOW_ORIGINS), subscriptions over
// graphql-transport-ws with graphql-ws. The API key travels in the Authorization header on
// HTTP and in the connection_init payload on the WebSocket (browsers cannot set its headers).
import { type Client, createClient } from 'graphql-ws';

export interface ApiConfig {
  /** e.g. http://127.0.0.1:8000 — no trailing slash */
  baseUrl: string;
  /** fv_live_… or fv_test_… */
  key: string;
}

export interface InvoiceSummary {
  id: string;
  uuid: string;
  fullNumber: string | null;
  status: string;
  totalWithTaxes: string;
  currency: string;
}

export interface InvoiceEvent {
  kind: string;
  invoiceId: string;
  invoice: { fullNumber: string | null; status: string } | null;
}

export interface Answer<T> {
  data: T;
  /** true when the server replayed a stored answer for this Idempotency-Key */
  replayed: boolean;
}

interface GraphQLResponse<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

interface UserError {
  field: string | null;
  message: string;
}

export class ApiError extends Error {}

async function graphql<T>(
  config: ApiConfig,
  query: string,
  variables: Record<string, unknown> = {},
  idempotencyKey?: string,
): Promise<Answer<T>> {
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    Authorization: `Bearer ${config.key}`,
  };
  if (idempotencyKey !== undefined) headers['Idempotency-Key'] = idempotencyKey;
  const response = await fetch(`${config.baseUrl}/graphql`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as GraphQLResponse<T>;
  if (body.errors?.length) {
    const [first] = body.errors;
    throw new ApiError(`${first?.extensions?.code ?? response.status}: ${first?.message}`);
  }
  if (body.data == null) throw new ApiError(`HTTP ${response.status} without data`);
  return { data: body.data, replayed: response.headers.get('Idempotent-Replayed') === 'true' };
}

function payloadOf<P extends { errors: UserError[] }>(payload: P): P {
  if (payload.errors.length) {
    throw new ApiError(payload.errors.map((e) => `${e.field ?? ''} ${e.message}`).join('; '));
  }
  return payload;
}

const INVOICE = 'id uuid fullNumber status totalWithTaxes currency';

export async function listInvoices(config: ApiConfig): Promise<InvoiceSummary[]> {
  const answer = await graphql<{ invoices: { nodes: InvoiceSummary[] } }>(
    config,
    `query Invoices { invoices(first: 20) { nodes { ${INVOICE} } } }`,
  );
  return answer.data.invoices.nodes;
}

/** The recipient of the example's invoices, created on first use. */
export async function sampleClientId(config: ApiConfig): Promise<string> {
  const answer = await graphql<{
    findOrCreateClient: { client: { id: string } | null; errors: UserError[] };
  }>(
    config,
    `mutation SampleClient($input: ClientInput!) {
       findOrCreateClient(input: $input) { client { id } errors { field message } } }`,
    {
      input: {
        name: 'Cliente de Ejemplo S.L.',
        taxId: 'B12345674',
        address: 'Calle Mayor 1',
        city: 'Madrid',
        province: 'Madrid',
        postalCode: '28013',
        country: 'ES',
      },
    },
  );
  const { client } = payloadOf(answer.data.findOrCreateClient);
  if (client === null) throw new ApiError('no client returned');
  return client.id;
}

type InvoicePayload = { invoice: InvoiceSummary | null; errors: UserError[] };

function invoiceOf(payload: InvoicePayload): InvoiceSummary {
  const { invoice } = payloadOf(payload);
  if (invoice === null) throw new ApiError('no invoice returned');
  return invoice;
}

/** A draft of one line. Retrying with the same idempotency key creates nothing new. */
export async function createInvoice(
  config: ApiConfig,
  clientId: string,
  idempotencyKey: string,
): Promise<Answer<InvoiceSummary>> {
  const answer = await graphql<{ createInvoice: InvoicePayload }>(
    config,
    `mutation CreateInvoice($input: InvoiceInput!) {
       createInvoice(input: $input) { invoice { ${INVOICE} } errors { field message } } }`,
    {
      input: {
        clientId,
        lines: [{ description: 'Consultoría (ejemplo)', quantity: '2', price: '50.00', vatRate: '21' }],
      },
    },
    idempotencyKey,
  );
  return { data: invoiceOf(answer.data.createInvoice), replayed: answer.replayed };
}

export async function issueInvoice(
  config: ApiConfig,
  id: string,
  idempotencyKey: string,
): Promise<Answer<InvoiceSummary>> {
  const answer = await graphql<{ issueInvoice: InvoicePayload }>(
    config,
    `mutation IssueInvoice($id: ID!) {
       issueInvoice(id: $id) { invoice { ${INVOICE} } errors { field message } } }`,
    { id },
    idempotencyKey,
  );
  return { data: invoiceOf(answer.data.issueInvoice), replayed: answer.replayed };
}

export interface EventHandlers {
  connected: () => void;
  event: (event: InvoiceEvent) => void;
  closed: (reason: string) => void;
}

/** Subscribe to the account's invoice events; returns the client (dispose() to stop). */
export function subscribeToInvoiceEvents(config: ApiConfig, on: EventHandlers): Client {
  const url = new URL('/graphql', config.baseUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  const client = createClient({
    url: url.href,
    connectionParams: { Authorization: `Bearer ${config.key}` },
    lazy: false,
    // 4403: the key is invalid or was revoked; retrying with it cannot help
    shouldRetry: (event) => !(event instanceof CloseEvent && event.code === 4403),
    on: {
      connected: () => on.connected(),
      closed: (event) =>
        on.closed(event instanceof CloseEvent ? `${event.code} ${event.reason}`.trim() : 'closed'),
    },
  });
  client.subscribe<{ invoiceEvents: InvoiceEvent }>(
    { query: 'subscription InvoiceEvents { invoiceEvents { kind invoiceId invoice { fullNumber status } } }' },
    {
      next: ({ data }) => {
        if (data) on.event(data.invoiceEvents);
      },
      error: (error) => on.closed(error instanceof Error ? error.message : 'subscription error'),
      complete: () => on.closed('complete'),
    },
  );
  return client;
}
