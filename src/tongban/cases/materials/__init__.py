"""How each material of a case is satisfied: the provider registry (``registry``), the
engine that asks it at submission and acceptance (``provision``), and the ways the cases
domain provides itself: the generated application form and online signing."""
