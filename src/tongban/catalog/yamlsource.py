"""YAML with line numbers, so catalog errors can name file, line and field."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

import yaml


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a catalog file; ``warning`` problems do not block loading."""

    file: str
    line: int
    field: str
    message: str
    warning: bool = False

    def __str__(self) -> str:
        kind = "警告" if self.warning else "错误"
        return f"{self.file}:{self.line}: {kind}: {self.field or '(文件)'}: {self.message}"


_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when PyYAML was built with it


class SourceDocument:
    """A parsed YAML document that remembers where every value came from: parsed once
    (with libyaml where available), the values constructed from the same node tree.
    Raises ``yaml.YAMLError`` on malformed text."""

    def __init__(self, text: str, file: str) -> None:
        self.file = file
        loader = _Loader(text)
        try:
            self.node = loader.get_single_node()
            self.data: Any = loader.construct_document(self.node) if self.node else None
        finally:
            loader.dispose()

    def line_of(self, path: Sequence[str | int]) -> int:
        """1-based line of the deepest node along ``path`` that exists."""
        node = self.node
        line = 1 if node is None else node.start_mark.line + 1
        for key in path:
            node = _child(node, key)
            if node is None:
                break
            line = node.start_mark.line + 1
        return line

    def text_of(self, path: Sequence[str | int]) -> str | None:
        """The text of the scalar at ``path`` as written in the file (None if not a scalar)."""
        node = self.node
        for key in path:
            node = _child(node, key)
        return str(node.value) if isinstance(node, yaml.ScalarNode) else None

    def problem(self, path: Sequence[str | int], message: str, *, warning: bool = False) -> Problem:
        field = ".".join(str(part) for part in path)
        return Problem(self.file, self.line_of(path), field, message, warning)


def _child(node: yaml.Node | None, key: str | int) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if key_node.value == key:
                return cast(yaml.Node, value_node)
    if isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
        return cast(yaml.Node, node.value[key])
    return None
