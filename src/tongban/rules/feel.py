"""A cell of a decision table as a FEEL unary test (DMN 1.3), and back.

Only a small, closed part of FEEL is spoken, the part that says what a cell of
``tables.py`` says; nothing is evaluated, every test is read into one of ``OPERATORS``.

==============================  =====================================
cell                            FEEL unary test
==============================  =====================================
(left out)                      ``-``
``eq: v``                       ``v``
``ne: v``                       ``not(v)``
``lt/le/gt/ge: v``              ``< v``, ``<= v``, ``> v``, ``>= v``
``between: [a, b]``             ``[a..b]``
``in: [a, b]``                  ``a, b``
``not_in: [a, b]``              ``not(a, b)``
``contains: [w1, w2]``          ``contains(?, w1) or contains(?, w2)``
``any_in: [a, b]``              ``some item in ? satisfies item in (a, b)``
``all_in: [a, b]``              ``every item in ? satisfies item in (a, b)``
``empty: true`` / ``false``     ``null`` / ``not(null)``
several tests (joined by and)   ``? >= a and ? <= b`` (``? = v``, ``? != v``,
                                ``? in [a..b]``, ``? in (a, b)``, ``not(? in (a, b))``,
                                ``(contains(?, w) or …)``, ``(some item in ? …)``,
                                ``(every item in ? …)``, ``? = null``, ``? != null``)
==============================  =====================================

Values: ``"text"`` (quotes doubled inside as ``\\"``), numbers, ``true``/``false``,
``date("2026-12-01")``, ``today()``, ``today() + duration("P30D")`` (days ``D`` or years
``Y``), and the name of another input (``{field: …}``).
"""

from __future__ import annotations

import json
import re
from typing import Any

from tongban.rules.tables import CHOICES, RELATIVE_DATE, cell_tests, is_relative_date

CMP = {"lt": "<", "le": "<=", "gt": ">", "ge": ">="}
QUANTIFIERS = ("some", "every")  # FEEL quantified expressions over a list's choices
CMP_OPS = {v: k for k, v in CMP.items()}
SUPPORTED_ZH = (
    "支持的写法：-、值、not(值)、< 值、<= 值、> 值、>= 值、[值..值]、值, 值、not(值, 值)、"
    'contains(?, "词")、some item in ? satisfies item in (值, 值)、'
    "every item in ? satisfies item in (值, 值)、null、not(null)，以及用 and 连接的“? 运算 值”"
)
SUPPORTED_EN = (
    "Supported: -, value, not(value), < value, <= value, > value, >= value, [a..b], "
    'a, b, not(a, b), contains(?, "word"), some item in ? satisfies item in (a, b), '
    'every item in ? satisfies item in (a, b), null, not(null), and "? op value" joined by and'
)
_TOKEN = re.compile(
    r'\s*(?:(?P<str>"(?:[^"\\]|\\.)*")|(?P<num>-?[0-9]+(?:\.[0-9]+)?)'
    r"|(?P<op>\.\.|<=|>=|!=|[<>=(),\[\]?+-])|(?P<name>[A-Za-z_][A-Za-z_0-9]*(?:\.[A-Za-z_][A-Za-z_0-9]*)?))"
)


class FeelError(ValueError):
    """A cell outside the supported FEEL: ``zh`` and ``en`` say what to write instead."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(zh)
        self.zh, self.en = zh, en


# ---------------------------------------------------------------- writing


def value(operand: Any, kind: str | None) -> str:
    """An operand as a FEEL value (``kind``: the input's type, dates written as dates)."""
    if isinstance(operand, dict):
        return str(operand["field"])
    if isinstance(operand, bool):
        return "true" if operand else "false"
    if isinstance(operand, int | float):
        return json.dumps(operand)
    text = str(operand)
    if kind == "date" and is_relative_date(text):
        found = RELATIVE_DATE.match(text)
        assert found is not None
        sign, amount, unit = found.groups()
        if sign is None:
            return "today()"
        return f'today() {sign} duration("P{amount}{unit.upper()}")'
    if kind == "date":
        return f'date("{text}")'
    return json.dumps(text, ensure_ascii=False)


def _contains(words: list[str]) -> str:
    return " or ".join(f"contains(?, {value(w, 'string')})" for w in words)


def _quantified(op: str, operand: list[Any]) -> str:
    """``any_in`` / ``all_in`` over the choices of a list: FEEL's some / every."""
    members = ", ".join(value(v, None) for v in operand)
    return f"{'some' if op == 'any_in' else 'every'} item in ? satisfies item in ({members})"


def _single(op: str, operand: Any, kind: str | None) -> str:
    if op == "eq":
        return value(operand, kind)
    if op == "ne":
        return f"not({value(operand, kind)})"
    if op in CMP:
        return f"{CMP[op]} {value(operand, kind)}"
    if op == "between":
        return f"[{value(operand[0], kind)}..{value(operand[1], kind)}]"
    if op in ("in", "not_in") and len(operand) == 1:  # one member: else it reads as eq/ne
        return _part(op, operand, kind)
    if op == "in":
        return ", ".join(value(v, kind) for v in operand)
    if op == "not_in":
        return f"not({', '.join(value(v, kind) for v in operand)})"
    if op == "contains":
        return _contains(operand)
    if op in CHOICES:
        return _quantified(op, operand)
    return "null" if operand else "not(null)"  # empty


def _part(op: str, operand: Any, kind: str | None) -> str:
    if op in ("eq", "ne"):
        return f"? {'=' if op == 'eq' else '!='} {value(operand, kind)}"
    if op in CMP:
        return f"? {_single(op, operand, kind)}"
    if op == "between":
        return f"? in {_single(op, operand, kind)}"
    if op == "in":
        return f"? in ({', '.join(value(v, kind) for v in operand)})"
    if op == "not_in":
        return f"not(? in ({', '.join(value(v, kind) for v in operand)}))"
    if op == "contains":
        return f"({_contains(operand)})"
    if op in CHOICES:
        return f"({_quantified(op, operand)})"
    return "? = null" if operand else "? != null"


def unary_tests(cell: Any, kind: str | None) -> str:
    """The FEEL unary test saying what ``cell`` says."""
    tests = cell_tests(cell)
    if len(tests) == 1:
        [(op, operand)] = tests.items()
        return _single(op, operand, kind)
    return " and ".join(_part(op, operand, kind) for op, operand in tests.items())


# ---------------------------------------------------------------- reading


class _Reader:
    def __init__(self, text: str, fields: set[str]) -> None:
        self.text, self.fields = text, fields
        self.tokens: list[tuple[str, str]] = []
        at = 0
        while at < len(text.rstrip()):
            found = _TOKEN.match(text, at)
            if found is None or found.end() == at:
                self.fail(f"第 {at + 1} 个字符起无法识别", f"cannot read from character {at + 1}")
            assert found is not None and found.lastgroup is not None
            self.tokens.append((found.lastgroup, found.group(found.lastgroup)))
            at = found.end()
        self.at = 0

    def fail(self, zh: str, en: str) -> None:
        raise FeelError(
            f"“{self.text}”{zh}。{SUPPORTED_ZH}", f"'{self.text}': {en}. {SUPPORTED_EN}"
        )

    def peek(self, ahead: int = 0) -> str | None:
        place = self.at + ahead
        return self.tokens[place][1] if place < len(self.tokens) else None

    def take(self, expected: str | None = None) -> tuple[str, str]:
        if self.at >= len(self.tokens):
            self.fail("不完整", "it ends too early")
        token = self.tokens[self.at]
        if expected is not None and token[1] != expected:
            self.fail(
                f"此处应为 {expected}，现为 {token[1]}", f"expected {expected}, not {token[1]}"
            )
        self.at += 1
        return token

    def done(self) -> bool:
        return self.at >= len(self.tokens)

    def value(self) -> Any:
        kind, text = self.take()
        if kind == "str":
            return json.loads(text)
        if kind == "num":
            number = float(text)
            return int(number) if number.is_integer() and "." not in text else number
        if kind != "name":
            self.fail(f"此处应为一个值，现为 {text}", f"expected a value, not {text}")
        if text in ("true", "false"):
            return text == "true"
        if text == "date":
            self.take("(")
            kind, day = self.take()
            self.take(")")
            if kind != "str":
                self.fail("date() 须写日期文字", "date() takes a quoted date")
            return json.loads(day)
        if text == "today":
            return self._today()
        if text in self.fields:
            return {"field": text}
        self.fail(f"中的 {text} 不是本表的输入列", f"{text} is no input of this table")
        return None  # pragma: no cover (fail raises)

    def _today(self) -> str:
        self.take("(")
        self.take(")")
        sign = self.peek()
        if sign not in ("+", "-"):
            return "today"
        self.take()
        self.take("duration")
        self.take("(")
        kind, span = self.take()
        self.take(")")
        found = re.fullmatch(r'"P([0-9]{1,5})([DY])"', span) if kind == "str" else None
        if found is None:
            self.fail(
                '的期间须写成 duration("P30D") 或 duration("P18Y")',
                'duration must be "P<n>D" or "P<n>Y"',
            )
        assert found is not None
        return f"today{sign}{found.group(1)}{found.group(2).lower()}"

    def values(self, close: str | None = None) -> list[Any]:
        found = [self.value()]
        while self.peek() == ",":
            self.take(",")
            found.append(self.value())
        if close:
            self.take(close)
        return found

    def words(self) -> list[str]:
        found = []
        while True:
            self.take("contains")
            self.take("(")
            self.take("?")
            self.take(",")
            word = self.value()
            self.take(")")
            if not isinstance(word, str) or not word:
                self.fail("中 contains 须给出文字", "contains takes a quoted word")
            found.append(word)
            if self.peek() != "or":
                return found
            self.take("or")

    def quantified(self) -> dict[str, Any]:
        """``some|every NAME in ? satisfies NAME in (values)`` as any_in / all_in."""
        word = self.take()[1]
        kind, name = self.take()
        if kind != "name":
            self.fail(f"中 {word} 后应为一个名字", f"expected a name after {word}")
        self.take("in")
        self.take("?")
        self.take("satisfies")
        self.take(name)
        self.take("in")
        self.take("(")
        listed = self.values(")")
        return {"any_in" if word == "some" else "all_in": listed}

    def range(self) -> list[Any]:
        self.take("[")
        low = self.value()
        self.take("..")
        high = self.value()
        self.take("]")
        return [low, high]

    def single(self) -> dict[str, Any]:
        head = self.peek()
        if head == "not" and self.peek(1) == "(":
            self.take()
            self.take("(")
            if self.peek() == "null":
                self.take()
                self.take(")")
                return {"empty": False}
            listed = self.values(")")
            return {"ne": listed[0]} if len(listed) == 1 else {"not_in": listed}
        if head == "null":
            self.take()
            return {"empty": True}
        if head in CMP_OPS:
            self.take()
            return {CMP_OPS[head]: self.value()}
        if head == "[":
            return {"between": self.range()}
        if head == "contains":
            return {"contains": self.words()}
        listed = self.values()
        return {"eq": listed[0]} if len(listed) == 1 else {"in": listed}

    def part(self) -> dict[str, Any]:
        head = self.peek()
        if head == "(" and self.peek(1) in QUANTIFIERS:
            self.take("(")
            found = self.quantified()
            self.take(")")
            return found
        if head in QUANTIFIERS:
            found = self.quantified()
            if not self.done():
                self.fail(
                    f"中 {head} … 后还有条件，须把 {head} … 用括号括起",
                    f"put {head} … in parentheses before further tests",
                )
            return found
        if head == "(" and self.peek(1) == "contains":
            self.take("(")
            words = self.words()
            self.take(")")
            return {"contains": words}
        if head == "not":
            self.take()
            self.take("(")
            self.take("?")
            self.take("in")
            self.take("(")
            listed = self.values(")")
            self.take(")")
            return {"not_in": listed}
        self.take("?")
        op = self.take()[1]
        if op in ("=", "!=") and self.peek() == "null":
            self.take()
            return {"empty": op == "="}
        if op == "=":
            return {"eq": self.value()}
        if op == "!=":
            return {"ne": self.value()}
        if op in CMP_OPS:
            return {CMP_OPS[op]: self.value()}
        if op == "in" and self.peek() == "[":
            return {"between": self.range()}
        if op == "in":
            self.take("(")
            return {"in": self.values(")")}
        self.fail(f"中的 {op} 不是支持的比较", f"{op} is not a supported comparison")
        return {}  # pragma: no cover


def read_cell(text: str, *, fields: set[str]) -> Any:
    """The cell a FEEL unary test says (shorthand for one ``eq`` or ``in``), or None for
    ``-`` (any value); FeelError naming what to write when it is outside this subset.
    ``fields``: the table's input fields, which an operand may name."""
    stripped = text.strip()
    if stripped in ("", "-"):
        return None
    reader = _Reader(stripped, fields)
    if (
        reader.peek() in ("?", *QUANTIFIERS)
        or (reader.peek() == "(" and reader.peek(1) in ("contains", *QUANTIFIERS))
        or (reader.peek() == "not" and reader.peek(2) == "?")
    ):
        tests: dict[str, Any] = {}
        while True:
            for op, operand in reader.part().items():
                if op in tests:
                    reader.fail(f"中 {op} 出现两次", f"{op} appears twice")
                tests[op] = operand
            if reader.done():
                break
            reader.take("and")
    else:
        tests = reader.single()
        if not reader.done():
            reader.fail(f"在 {reader.peek()} 处多出内容", f"unexpected {reader.peek()}")
    if len(tests) == 1 and "eq" in tests and not isinstance(tests["eq"], dict):
        return tests["eq"]
    if len(tests) == 1 and "in" in tests:
        return tests["in"]
    return tests
