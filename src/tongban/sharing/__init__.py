"""Shared data (数据共享交换): sources, connectors, pulled form fields, access log, backfill."""
