"""Working-day calendar (工作日历): time limits in working days or office hours."""
