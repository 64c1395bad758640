// Compiled with tsc --strict against the generated operations: the types a frontend gets.
import type {
  CreateInvoiceMutation,
  CreateInvoiceMutationVariables,
  InvoiceEventsSubscription,
  ListInvoicesQuery,
  ListInvoicesQueryVariables,
} from "../generated/operations";

export const firstPage: ListInvoicesQueryVariables = { first: 20, status: "ISSUED" };

export function totals(page: ListInvoicesQuery): string[] {
  // Decimal is a string: money is never a JS number
  return page.invoices.nodes.map((invoice) => `${invoice.fullNumber ?? "draft"}: ${invoice.totalWithTaxes}`);
}

export const draft: CreateInvoiceMutationVariables = {
  input: {
    lines: [{ description: "Consultoría", quantity: "10", price: "75.00", vatRate: "21" }],
  },
};

export function created(answer: CreateInvoiceMutation): string | null {
  const payload = answer.createInvoice;
  if (payload.errors.length > 0) {
    return payload.errors.map((e) => `${e.field ?? ""} ${e.code}`).join(", ");
  }
  return payload.invoice?.id ?? null;
}

export function describe(event: InvoiceEventsSubscription): string {
  const kind:
    | "CREATED"
    | "ISSUED"
    | "RECTIFIED"
    | "PAID"
    | "UPDATED"
    | "ANNULLED"
    | "DELETED" = event.invoiceEvents.kind;
  return `${kind} ${event.invoiceEvents.invoiceId}`;
}
