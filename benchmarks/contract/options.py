"""Typed settings checked before any cell runs: a task's data options (``--set TASK.NAME=VALUE``) and a
method's parameters (``--method 'NAME[key=value]'``, :class:`Param`)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_OPTION_TYPES = (int, float, str, bool, Path)
_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")

class OptionError(ValueError):
    """A value that an option does not allow; the message names the option, the value and what is allowed."""


@dataclass(frozen=True)
class Option:
    """A typed task setting, overridable as ``--set TASK.NAME=VALUE`` and checked before any cell runs.

    ``None`` as default means "not set" (no user data path: use the size's data); only such an
    option is cleared by the word ``none`` (or an empty value), unless ``none`` is one of its
    ``choices``, where it is a value like the others. ``choices`` lists the allowed values;
    ``minimum``/``maximum`` bound numbers, closed unless ``exclusive_minimum``/``exclusive_maximum``.
    ``budget=True`` marks an option that overrides the budget field of the same name (its default
    must be None: "the size's").
    """

    name: str
    type: type
    default: Any
    help: str = ""
    choices: tuple[Any, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: bool = False
    exclusive_maximum: bool = False
    budget: bool = False

    #: What the messages call it.
    word = "option"

    def __post_init__(self) -> None:
        if self.type not in _OPTION_TYPES:
            raise TypeError(f"{self.word} {self.name!r}: type must be one of {_OPTION_TYPES}, got {self.type!r}")
        if self.choices is not None:
            object.__setattr__(self, "choices", tuple(self._convert(c) for c in self.choices))
        if (self.minimum is not None or self.maximum is not None) and self.type not in (int, float):
            raise TypeError(f"{self.word} {self.name!r}: bounds need an int or float option, not {self.type.__name__}")
        if self.budget and self.default is not None:
            raise TypeError(f"{self.word} {self.name!r}: a budget {self.word}'s default is None (the size's budget)")
        if self.default is not None:
            object.__setattr__(self, "default", self.parse(self.default))

    def parse(self, value: Any) -> Any:
        """Convert a command-line string (or a Python value) to the option's type and check it.

        Raises :class:`OptionError` naming the option, the value and what is allowed.
        """
        if value is None:
            if self.default is None:
                return None
            raise OptionError(f"{self.word} {self.name!r} needs a value ({self.allowed()})")
        clears = isinstance(value, str) and value.strip().lower() in ("none", "")
        if clears and self.default is None and not self._none_is_a_choice():
            return None
        converted = self._convert(value)
        self._check(converted, value)
        return converted

    def allowed(self) -> str:
        """What the option accepts, in words: ``one of frames, videos`` or ``a float > 0 and < 1``."""
        if self.choices is not None:
            text = "one of " + ", ".join(map(str, self.choices))
        else:
            text = {bool: "true or false", Path: "a path"}.get(self.type, f"an {self.type.__name__}"
                                                                   if self.type is int else f"a {self.type.__name__}")
            bounds = []
            if self.minimum is not None:
                bounds.append(f"{'>' if self.exclusive_minimum else '>='} {self.minimum:g}")
            if self.maximum is not None:
                bounds.append(f"{'<' if self.exclusive_maximum else '<='} {self.maximum:g}")
            text += (" " + " and ".join(bounds)) if bounds else ""
        return text + (", or none (the default: not set)" if self.default is None else "")

    def _none_is_a_choice(self) -> bool:
        return self.choices is not None and "none" in self.choices

    def _convert(self, value: Any) -> Any:
        if self.type is bool:
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in _TRUE or text in _FALSE:
                return text in _TRUE
            raise OptionError(f"{self.word} {self.name!r} expects true/false, got {value!r}")
        if self.type is Path:
            return str(Path(str(value)).expanduser())  # stored as text: JSON-able and hashable
        try:
            if self.type is int and isinstance(value, str):
                number = float(value)  # accepts "1e5"
                if not number.is_integer():
                    raise ValueError
                return int(number)
            if self.type is int and isinstance(value, float) and not value.is_integer():
                raise ValueError
            converted = self.type(value)
        except (TypeError, ValueError, OverflowError):
            raise OptionError(f"{self.word} {self.name!r} expects {self._type_word()}, got {value!r}") from None
        if self.type is float and not math.isfinite(converted):
            raise OptionError(f"{self.word} {self.name!r} expects a finite number, got {value!r}")
        return converted

    def _type_word(self) -> str:
        return {int: "int", float: "float", str: "str"}[self.type]

    def _check(self, converted: Any, given: Any) -> None:
        if self.choices is not None and converted not in self.choices:
            import difflib

            close = difflib.get_close_matches(str(converted), [str(c) for c in self.choices], n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise OptionError(f"{self.word} {self.name!r} must be {self.allowed()}; got {given!r}.{hint}")
        low, high = self.minimum, self.maximum
        below = low is not None and (converted <= low if self.exclusive_minimum else converted < low)
        above = high is not None and (converted >= high if self.exclusive_maximum else converted > high)
        if below or above:
            raise OptionError(f"{self.word} {self.name!r} must be {self.allowed()}; got {given!r}")


@dataclass(frozen=True)
class Param(Option):
    """A method's own typed parameter: the method receives it as a keyword argument, and only that method's
    cells depend on it (their key holds it). ``budget=True``: its default (None) is the size's budget field of
    the same name, which the method receives instead of None (latin's CNN epochs, pose's backbone)."""

    word = "parameter"
