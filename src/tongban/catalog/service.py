"""The catalog domain promises: items and bundles are versioned data; a definition once
stored never changes (a case keeps the version it started with); loading the same
files twice creates nothing new; search finds entries by plain Chinese words.

This module is what other domains import: reading in ``reading.py``, loading and
editing in ``publishing.py``.
"""

from tongban.catalog.applicants import subject_refusal, subjects
from tongban.catalog.definitions import in_unit, legal_unit, working_days_of
from tongban.catalog.locality import localize, misplaced, places_offered
from tongban.catalog.order import waits
from tongban.catalog.publishing import (
    LoadReport,
    SaveResult,
    check_entry_text,
    content_hash,
    current_elsewhere,
    elsewhere_text,
    entry_text,
    load_catalog,
    save_elsewhere_text,
    save_entry_text,
    save_version,
    set_status,
)
from tongban.catalog.reading import (
    check_accepting,
    get_any_entry,
    get_department,
    get_entry,
    get_version,
    list_all_entries,
    list_departments,
    list_entries,
    list_halls,
    list_sources,
    prepare_search,
    result_name_en,
    search,
    versions,
)
from tongban.catalog.situations import (
    check_answers,
    chooses,
    from_query,
    questions,
    reduction,
    tailor,
    to_query,
)

__all__ = [
    "LoadReport",
    "SaveResult",
    "check_accepting",
    "check_answers",
    "check_entry_text",
    "chooses",
    "content_hash",
    "current_elsewhere",
    "elsewhere_text",
    "entry_text",
    "from_query",
    "get_any_entry",
    "get_department",
    "get_entry",
    "get_version",
    "in_unit",
    "legal_unit",
    "list_all_entries",
    "list_departments",
    "list_entries",
    "list_halls",
    "list_sources",
    "load_catalog",
    "localize",
    "misplaced",
    "places_offered",
    "prepare_search",
    "questions",
    "reduction",
    "result_name_en",
    "save_elsewhere_text",
    "save_entry_text",
    "save_version",
    "search",
    "set_status",
    "subject_refusal",
    "subjects",
    "tailor",
    "to_query",
    "versions",
    "waits",
    "working_days_of",
]
