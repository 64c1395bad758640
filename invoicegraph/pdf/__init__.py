"""Documents out: HTML templates to PDF, structured e-invoice XML."""
