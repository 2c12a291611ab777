"""No-certificate verification between departments (协查)."""
