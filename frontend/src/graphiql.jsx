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
import { createRoot } from 'react-dom/client';
import 'graphiql/graphiql.css';

// API keys go in the Authorization header; pre-filling the scaffold means a
// user only has to paste the key after "Bearer ".
const DEFAULT_HEADERS = `{
  "Authorization": "Bearer "
}`;

const DEFAULT_QUERY = `# invoicegraph GraphiQL
#
# 1. Paste your API key after "Bearer " in the Headers tab below.
# 2. Write a query here and press Ctrl-Enter (or the run button).
#    Ctrl-Space autocompletes against the live schema.
`;

/** Resolve the HTTP and WebSocket endpoints relative to this page. */
function endpointsFor(endpoint, location) {
  const http = new URL(endpoint || location.pathname, location.href);
  http.search = '';
  http.hash = '';
  const ws = new URL(http.href);
  ws.protocol = http.protocol === 'https:' ? 'wss:' : 'ws:';
  return { url: http.href, subscriptionUrl: ws.href };
}

function mount() {
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

  createRoot(container).render(
    <GraphiQL
      fetcher={fetcher}
      defaultQuery={DEFAULT_QUERY}
      defaultHeaders={DEFAULT_HEADERS}
      isHeadersEditorEnabled
      shouldPersistHeaders
      defaultEditorToolsVisibility="headers"
    />,
  );
}

mount();
