"""The staff workbench: a department's queue ordered by time left, one task with its
case, and the action each stage allows, as pages (``views``, ``actions``) and as JSON
(``api``). Every action is one call to ``cases.service``; other domains add actions
(协查's ``verify``) to ``actions.ACTIONS``."""
