"""Queue tickets (排号) for the service halls' windows: booked online for a slot or taken
at the hall, checked in, called from a window, shown on the hall's display."""
