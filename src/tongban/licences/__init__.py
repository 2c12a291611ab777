"""E-licences (电子证照): signed records with the GB/T 36903 metadata, issued at the
issuing stage, printed as PDFs that look like the licence, verified by anyone."""
