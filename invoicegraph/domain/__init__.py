"""Pure rules of the invoicing domain: money, numbering, rectification, VERI*FACTU. No I/O."""
