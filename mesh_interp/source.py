"""Source files and spans: offsets into a file, turned into line/column on demand."""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field


class SourceFile:
    """One source text with a display path; computes line/column from offsets."""

    __slots__ = ("path", "text", "_line_starts")

    def __init__(self, path: str, text: str):
        self.path = path
        self.text = text
        self._line_starts: list[int] | None = None

    def _starts(self) -> list[int]:
        if self._line_starts is None:
            starts = [0]
            text = self.text
            i = text.find("\n")
            while i >= 0:
                starts.append(i + 1)
                i = text.find("\n", i + 1)
            self._line_starts = starts
        return self._line_starts

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and column of a character offset."""
        starts = self._starts()
        line = bisect.bisect_right(starts, offset) - 1
        return line + 1, offset - starts[line] + 1

    def line_text(self, line: int) -> str:
        starts = self._starts()
        if line < 1 or line > len(starts):
            return ""
        start = starts[line - 1]
        end = starts[line] - 1 if line < len(starts) else len(self.text)
        return self.text[start:end].rstrip("\r")

    def __repr__(self) -> str:
        return f"SourceFile({self.path!r})"


@dataclass(slots=True, frozen=True)
class Span:
    file: SourceFile = field(repr=False, compare=False)
    start: int
    end: int

    @property
    def line(self) -> int:
        return self.file.line_col(self.start)[0]

    @property
    def col(self) -> int:
        return self.file.line_col(self.start)[1]

    def location(self) -> str:
        line, col = self.file.line_col(self.start)
        return f"{self.file.path}:{line}:{col}"

    def to(self, other: "Span") -> "Span":
        return Span(self.file, self.start, other.end)


NO_FILE = SourceFile("<builtin>", "")
NO_SPAN = Span(NO_FILE, 0, 0)
