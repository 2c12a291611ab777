"""Decision tables (规则表) of items in instant approval (秒批): data, never code."""
