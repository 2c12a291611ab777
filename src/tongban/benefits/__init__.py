"""Proactive benefits (免申即享): policies over profiles, runs, offers and grants."""
