// The page: connect with a base URL and key (kept in memory only), list the invoices, create
// and issue one, retry the create with the same Idempotency-Key, and show live events.
import type { Client } from 'graphql-ws';

import {
  type ApiConfig,
  createInvoice,
  type InvoiceEvent,
  type InvoiceSummary,
  issueInvoice,
  listInvoices,
  sampleClientId,
  subscribeToInvoiceEvents,
} from './api';

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`#${id} is missing from the page`);
  return found as T;
}

const form = element<HTMLFormElement>('connect-form');
const apiUrl = element<HTMLInputElement>('api-url');
const apiKey = element<HTMLInputElement>('api-key');
const status = element<HTMLElement>('status');
const invoices = element<HTMLTableSectionElement>('invoices');
const createButton = element<HTMLButtonElement>('create-issue');
const retryButton = element<HTMLButtonElement>('retry-create');
const log = element<HTMLOListElement>('log');
const events = element<HTMLOListElement>('events');

let config: ApiConfig | null = null;
let subscription: Client | null = null;
let lastCreate: { clientId: string; idempotencyKey: string } | null = null;

function say(list: HTMLOListElement, text: string, kind = 'info'): void {
  const item = document.createElement('li');
  item.textContent = text;
  item.className = kind;
  list.append(item);
}

function cell(row: HTMLTableRowElement, text: string): void {
  const td = document.createElement('td');
  td.textContent = text;
  row.append(td);
}

function showInvoices(rows: InvoiceSummary[]): void {
  invoices.replaceChildren();
  for (const invoice of rows) {
    const row = document.createElement('tr');
    row.dataset.uuid = invoice.uuid;
    cell(row, invoice.fullNumber ?? '(draft)');
    cell(row, invoice.status);
    cell(row, `${invoice.totalWithTaxes} ${invoice.currency}`);
    cell(row, invoice.uuid);
    invoices.append(row);
  }
}

async function refresh(current: ApiConfig): Promise<void> {
  showInvoices(await listInvoices(current));
}

function showEvent(event: InvoiceEvent): void {
  const number = event.invoice?.fullNumber ?? 'draft';
  say(events, `${event.kind} ${event.invoiceId} (${number}, ${event.invoice?.status ?? '?'})`, 'event');
}

async function guarded(action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (error) {
    say(log, error instanceof Error ? error.message : String(error), 'error');
  }
}

form.addEventListener('submit', (submitted) => {
  submitted.preventDefault();
  void guarded(async () => {
    subscription?.dispose();
    const current = { baseUrl: apiUrl.value.replace(/\/+$/, ''), key: apiKey.value.trim() };
    config = current;
    status.textContent = 'connecting…';
    await refresh(current);
    subscription = subscribeToInvoiceEvents(current, {
      connected: () => {
        status.textContent = 'live';
        createButton.disabled = false;
      },
      event: (event) => {
        showEvent(event);
        void guarded(() => refresh(current));
      },
      closed: (reason) => {
        status.textContent = `closed: ${reason}`;
      },
    });
  });
});

createButton.addEventListener('click', () => {
  void guarded(async () => {
    if (config === null) return;
    const clientId = await sampleClientId(config);
    // one key per operation: a retry after a lost answer replays it instead of doing it twice
    const idempotencyKey = crypto.randomUUID();
    const created = await createInvoice(config, clientId, idempotencyKey);
    lastCreate = { clientId, idempotencyKey };
    retryButton.disabled = false;
    say(log, `created ${created.data.uuid} (Idempotency-Key ${idempotencyKey})`);
    const issued = await issueInvoice(config, created.data.id, crypto.randomUUID());
    say(log, `issued ${issued.data.fullNumber ?? ''} ${issued.data.uuid}`);
    await refresh(config);
  });
});

retryButton.addEventListener('click', () => {
  void guarded(async () => {
    if (config === null || lastCreate === null) return;
    const again = await createInvoice(config, lastCreate.clientId, lastCreate.idempotencyKey);
    const how = again.replayed ? 'replayed' : 'NOT replayed';
    say(log, `retried create: ${how}, same invoice ${again.data.uuid}`, again.replayed ? 'info' : 'error');
  });
});
