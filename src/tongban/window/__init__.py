"""The window channel (综合窗口): a clerk finds the item, enters a walk-in person's
identity and form for them (代办), and hands over the receipt. The case itself is the
same as one filed online; this domain only talks to ``cases.service``."""
