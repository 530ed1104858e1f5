"""Colour themes from TOML files, turned into Textual `Theme`s.

Files come from the repository's `themes/` and then `$XDG_CONFIG_HOME/asconsole/themes/`
(a user file with the same name wins). A file that cannot be used is skipped with a
one-line reason naming the file; it never stops the console. The file format:

    name = "dark"            # optional, defaults to the file name
    dark = true
    [colors]                 # primary is required; colours as Textual parses them
    primary = "#3A8FD9"      # also: secondary accent warning error success
    ...                      #       foreground background surface panel boost
    [variables]              # optional Textual CSS variables, e.g. border = "#FFFFFF"
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from textual.color import Color, ColorParseError
from textual.theme import Theme

DEFAULT_THEME = "dark"
NO_COLOR_THEME = "monochrome"
COLOR_KEYS = (
    "primary", "secondary", "accent", "warning", "error", "success",
    "foreground", "background", "surface", "panel", "boost",
)
TOP_KEYS = ("name", "dark", "colors", "variables")


def theme_dirs() -> list[Path]:
    """Shipped themes first, then the user's (later files override earlier ones)."""
    shipped = Path(__file__).resolve().parents[2] / "themes"
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return [shipped, Path(base) / "asconsole" / "themes"]


@dataclass(slots=True)
class ThemeSet:
    themes: dict[str, Theme] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    """One line per file that could not be used."""


def parse_theme(text: str, stem: str) -> Theme:
    """A `Theme` from a file's text; ValueError with what is wrong."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"not valid TOML: {exc}") from None
    unknown = sorted(set(data) - set(TOP_KEYS))
    if unknown:
        raise ValueError(f"unknown key {unknown[0]!r}; allowed: {', '.join(TOP_KEYS)}")
    name = data.get("name", stem)
    dark = data.get("dark", True)
    colors = data.get("colors", {})
    variables = data.get("variables", {})
    if not isinstance(name, str) or not name:
        raise ValueError("name must be a non-empty string")
    if not isinstance(dark, bool):
        raise ValueError("dark must be true or false")
    if not isinstance(colors, dict) or not isinstance(variables, dict):
        raise ValueError("[colors] and [variables] must be tables")
    if "primary" not in colors:
        raise ValueError("[colors] primary is required")
    for key, value in colors.items():
        if key not in COLOR_KEYS:
            raise ValueError(f"unknown colour {key!r}; allowed: {', '.join(COLOR_KEYS)}")
        _color(f"[colors] {key}", value)
    for key, value in variables.items():
        if not isinstance(value, str):
            raise ValueError(f"[variables] {key} must be a string")
    return Theme(name=name, dark=dark, variables=dict(variables), **colors)


def _color(where: str, value: object) -> None:
    if not isinstance(value, str):
        raise ValueError(f"{where} must be a string like \"#3A8FD9\"")
    try:
        Color.parse(value)
    except ColorParseError:
        raise ValueError(f"{where} = {value!r} is not a colour") from None


def load_themes(dirs: list[Path] | None = None) -> ThemeSet:
    out = ThemeSet()
    for folder in dirs if dirs is not None else theme_dirs():
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.toml")):
            try:
                theme = parse_theme(path.read_text(encoding="utf-8"), path.stem)
            except (OSError, UnicodeDecodeError, ValueError) as exc:
                out.problems.append(f"theme file {path}: {exc}; skipped")
                continue
            out.themes[theme.name] = theme
    return out


def pick_theme(wanted: str, themes: dict[str, Theme], no_color: bool) -> tuple[str, str]:
    """(theme name to use, problem line or ""). NO_COLOR asks for the monochrome theme."""
    if no_color and NO_COLOR_THEME in themes:
        return NO_COLOR_THEME, ""
    if wanted in themes:
        return wanted, ""
    fallback = DEFAULT_THEME if DEFAULT_THEME in themes else "textual-dark"
    names = ", ".join(sorted(themes)) or "none"
    return fallback, f"theme {wanted!r} not found (available: {names}); using {fallback}"
