"""The two REST dialects (/api Facturovia, /v1 Orzame): parse, call services, shape JSON."""
