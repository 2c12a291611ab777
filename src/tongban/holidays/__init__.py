"""Entering a year's holiday arrangement (节假日安排, the State Council's yearly notice)
into the calendar in force: checked complete, previewed, confirmed, and every open
deadline it moves recomputed, audited and told to the applicant."""
