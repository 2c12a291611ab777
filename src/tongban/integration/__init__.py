"""Open integration (系统对接): department systems as machine clients with scoped tokens,
and signed webhooks that tell them what happened."""
