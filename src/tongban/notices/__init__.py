"""公示 before a decision (低保) and the objections (异议) filed against it."""
