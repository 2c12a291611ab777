"""Risk screening (风险筛查) of received cases."""
