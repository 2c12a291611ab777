"""Instant approval (秒批, 无人审批): risk screening's verdict, then the decision tables."""
