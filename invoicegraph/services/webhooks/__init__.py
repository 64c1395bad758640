"""Webhook delivery: events recorded in the outbox (``services.events``) reach the URLs of
the account's endpoints, signed, retried, in order per object, and never to a private address.

- ``fanout``: each new event becomes a delivery per endpoint that wants it; its JSON body
  (``{"id", "type", "created", "account", "livemode", "data": {"object": …}}``) is built once.
- ``outbox``: claiming due deliveries (``FOR UPDATE SKIP LOCKED``), recording each attempt,
  retrying with exponential backoff and jitter for three days, disabling an endpoint that has
  failed for days (and telling the account with a ``webhook_endpoint.disabled`` event).
- ``sender``: the POST, with the ``Invoicegraph-Signature`` header, checked against SSRF after
  DNS resolution and connected to the checked address.
- ``worker``: ``run_worker``, the loop of ``invoicegraph webhooks worker`` and of ``serve``.
- ``manual``: what the management faces call:

  ``redeliver(session, account_id, delivery_id)`` sends a delivery again (409 while it is
  being sent or when its endpoint is disabled) and returns it;
  ``list_attempts(session, account_id, delivery_id)`` lists its attempts (status,
  response code, duration in ms, first bytes of the answer, error), oldest first;
  ``list_deliveries(session, account_id, endpoint_id=…, event_id=…)`` lists deliveries with
  their events, newest first. Ids are integers or UUIDs; another account's are not found.
"""

from invoicegraph.services.webhooks.manual import list_attempts, list_deliveries, redeliver

__all__ = ["list_attempts", "list_deliveries", "redeliver"]
