"""The HTTP surface of cases: the JSON API and the pages, one router module per audience
or stage (applicant, window, workbench)."""
