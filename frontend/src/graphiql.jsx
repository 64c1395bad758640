/*
 * Self-hosted GraphiQL for invoicegraph.
 *
 * Bundled by esbuild (scripts/build_graphiql.sh) into
 * invoicegraph/static/graphiql/graphiql.{js,css}. Everything GraphiQL needs
 * (React, CodeMirror, the Roboto/Fira Code fonts, which graphiql.css inlines as
 * data: URIs) ends up in those two files, so the page never talks to a CDN.
 *
 * Configuration comes from data attributes on the mount element, written by
 * invoicegraph/schema/graphiql.py:render_graphiql_page():
 *   data-endpoint  GraphQL HTTP path (default: the page's own path, since
 *                  Strawberry serves the IDE on the GraphQL URL itself).
 * The subscription URL is the same path over ws:// or wss://, matching the
 * page's scheme, because Strawberry answers graphql-transport-ws there too.
 */
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import { useState } from 'react';
import { createRoot } from 'react-dom/client';
import 'graphiql/graphiql.css';

// API keys go in the Authorization header; pre-filling the scaffold means a
// user only has to paste the key after "Bearer ".
const DEFAULT_HEADERS = `{
  "Authorization": "Bearer "
}`;

// What a newcomer sees first: where the key goes, a query that runs as soon as
// it is there, and the subscription to try next.
const DEFAULT_QUERY = `# Welcome to the invoicegraph API.
#
# 1. Paste your API key after "Bearer " in the Headers tab below
#    (no key yet? \`invoicegraph demo\` prints one for the demo account).
#    The key stays in this tab only; tick "Remember my API key" under the
#    results to keep it in this browser's localStorage.
# 2. Press Ctrl-Enter (or the run button) to run this query.
#    Ctrl-Space autocompletes against the live schema; the Docs button
#    (top left) explains every type.
# 3. Live events: run
#      subscription { invoiceEvents { kind invoiceId invoice { fullNumber status } } }
#    and create or issue an invoice from another tab.

query FirstInvoices {
  account {
    name
    taxId
  }
  invoices(first: 5) {
    totalCount
    nodes {
      fullNumber
      status
      date
      totalWithTaxes
      currency
    }
  }
}
`;

// Our own opt-in: GraphiQL's "persist headers" setting resets itself on every
// load, and a key in localStorage outlives the tab on a shared machine.
const REMEMBER_KEY = 'invoicegraph:rememberApiKey';
const NAMESPACE = 'graphiql:';

function readRemember() {
  try {
    return window.localStorage.getItem(REMEMBER_KEY) === 'true';
  } catch {
    return false; // storage disabled: never persist
  }
}

let rememberApiKey = readRemember();

/** The text with every bearer token cut out (JSON-escaped or not). */
function withoutTokens(text) {
  return text.replace(/(Bearer\s+)[^\s"\\]+/g, '$1');
}

/**
 * GraphiQL's storage (the same localStorage namespace as its default), except
 * that nothing it writes carries a bearer token unless the user opted in:
 * besides the headers and tabs, which shouldPersistHeaders covers, its history
 * saves every run's headers.
 */
const storage = {
  getItem: (key) => window.localStorage.getItem(key),
  setItem: (key, value) =>
    window.localStorage.setItem(key, rememberApiKey ? value : withoutTokens(value)),
  removeItem: (key) => window.localStorage.removeItem(key),
  get length() {
    return Object.keys(window.localStorage).filter((key) => key.startsWith(NAMESPACE)).length;
  },
  clear() {
    for (const key of Object.keys(window.localStorage)) {
      if (key.startsWith(NAMESPACE)) window.localStorage.removeItem(key);
    }
  },
};

/** Opting out forgets what was stored while opted in. */
function forgetStoredTokens() {
  for (const key of Object.keys(window.localStorage)) {
    if (key.startsWith(NAMESPACE)) {
      const value = window.localStorage.getItem(key) ?? '';
      const cleaned = withoutTokens(value);
      if (cleaned !== value) window.localStorage.setItem(key, cleaned);
    }
  }
}

/** Resolve the HTTP and WebSocket endpoints relative to this page. */
function endpointsFor(endpoint, location) {
  const http = new URL(endpoint || location.pathname, location.href);
  http.search = '';
  http.hash = '';
  const ws = new URL(http.href);
  ws.protocol = http.protocol === 'https:' ? 'wss:' : 'ws:';
  return { url: http.href, subscriptionUrl: ws.href };
}

function Explorer({ fetcher }) {
  const [remember, setRemember] = useState(readRemember);
  const onRememberChange = (event) => {
    const next = event.target.checked;
    rememberApiKey = next;
    try {
      window.localStorage.setItem(REMEMBER_KEY, String(next));
      if (!next) forgetStoredTokens();
    } catch {
      // storage disabled: the choice lasts for this page only
    }
    setRemember(next);
  };
  return (
    <GraphiQL
      fetcher={fetcher}
      storage={storage}
      defaultQuery={DEFAULT_QUERY}
      defaultHeaders={DEFAULT_HEADERS}
      isHeadersEditorEnabled
      shouldPersistHeaders={remember}
      showPersistHeadersSettings={false}
      defaultEditorToolsVisibility="headers"
    >
      <GraphiQL.Footer>
        <label className="ig-remember-key">
          <input
            type="checkbox"
            name="remember-api-key"
            checked={remember}
            onChange={onRememberChange}
          />{' '}
          Remember my API key in this browser (localStorage)
        </label>
      </GraphiQL.Footer>
    </GraphiQL>
  );
}

function mount() {
  if (!rememberApiKey) {
    try {
      forgetStoredTokens(); // keys an earlier version of this page stored
    } catch {
      // storage disabled: nothing stored
    }
  }
  const container = document.getElementById('graphiql');
  if (!container) {
    throw new Error('invoicegraph GraphiQL: no #graphiql element on the page');
  }
  const { url, subscriptionUrl } = endpointsFor(
    container.dataset.endpoint,
    window.location,
  );
  // graphql-ws is lazy by default: no socket is opened until the first
  // subscription runs. The toolkit sends the headers editor's JSON as the
  // connection_init payload, so the server sees the API key there.
  const fetcher = createGraphiQLFetcher({ url, subscriptionUrl });

  createRoot(container).render(<Explorer fetcher={fetcher} />);
}

mount();
