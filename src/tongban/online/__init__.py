"""The online channel (网上办事): applicants apply with one form, save drafts, upload
materials, review and submit, follow their cases, correct, resubmit and withdraw, as
pages and as the JSON API. Every step is a call to ``cases.service``."""
