"""The core of a case: the state machine, the one transition function, clocks, the frozen
definition a case runs on, who may see and act on what, and the read queries."""
