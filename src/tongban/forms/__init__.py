"""Forms as JSON Schema: the check of filled answers (``service``) and the page side,
schema to inputs and posted strings to typed values (``inputs``). Nothing here knows of
cases: an item's form is one schema among any."""
