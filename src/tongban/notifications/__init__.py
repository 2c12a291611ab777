"""Notifications that reach people: the message centre, e-mail and SMS."""
