"""The run configuration: one immutable object, loaded from an optional TOML file.

Unknown keys and wrong types stop the run before any work, naming the key and the file.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path


class ConfigError(ValueError):
    """A configuration problem, reported before any work starts."""


@dataclass(frozen=True)
class InputConfig:
    max_document_bytes: int = 10_000_000  # a larger file (decompressed) or JSONL line is rejected: too_large
    jsonl_text_field: str = "text"


@dataclass(frozen=True)
class BoilerplateConfig:
    rules_files: tuple[str, ...] = ()  # extra TOML rule files; same format as the built-in one
    disable: tuple[str, ...] = ()  # rule ids (family.rule) or whole families to switch off
    classifier: bool = True


@dataclass(frozen=True)
class RepeatsConfig:
    enabled: bool = True
    min_corpus_docs: int = 20  # below this many documents, no corpus-level repeat removal
    min_docs: int = 5  # a line must occur in at least this many documents ...
    min_fraction: float = 0.01  # ... and in at least this fraction of them
    max_line_chars: int = 120  # longer lines are never treated as repeated furniture


@dataclass(frozen=True)
class DedupConfig:
    enabled: bool = True
    shingle_words: int = 5  # shingles are runs of this many words
    num_perm: int = 120  # MinHash values per document
    bands: int = 24  # LSH bands of num_perm // bands values; sharing one band makes two documents candidates
    threshold: float = 0.7  # candidates with at least this estimated Jaccard similarity are near duplicates
    drop: bool = False


@dataclass(frozen=True)
class FilterConfig:
    min_words: int = 1
    quality_thresholds: dict = field(default_factory=dict)  # signal name -> {"min": x} / {"max": y}


@dataclass(frozen=True)
class OutputConfig:
    shard_docs: int = 200  # inputs per shard (one task, one output file); more than one shard writes corpus-NNNNN.jsonl
    formats: tuple[str, ...] = ("jsonl",)


@dataclass(frozen=True)
class Config:
    input: InputConfig = field(default_factory=InputConfig)
    boilerplate: BoilerplateConfig = field(default_factory=BoilerplateConfig)
    repeats: RepeatsConfig = field(default_factory=RepeatsConfig)
    dedup: DedupConfig = field(default_factory=DedupConfig)
    filters: FilterConfig = field(default_factory=FilterConfig)
    output: OutputConfig = field(default_factory=OutputConfig)

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    def digest(self) -> str:
        """A short hash of the effective configuration, stable across runs."""
        blob = json.dumps(self.to_dict(), sort_keys=True, default=list).encode()
        return hashlib.sha256(blob).hexdigest()[:16]

    def replace(self, section: str, **changes) -> Config:
        return dataclasses.replace(self, **{section: dataclasses.replace(getattr(self, section), **changes)})


def _coerce(value, default, where: str):
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise ConfigError(f"{where}: expected true or false, got {value!r}")
        return value
    if isinstance(default, float):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"{where}: expected a number, got {value!r}")
        return float(value)
    if isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{where}: expected an integer, got {value!r}")
        return value
    if isinstance(default, str):
        if not isinstance(value, str):
            raise ConfigError(f"{where}: expected a string, got {value!r}")
        return value
    if isinstance(default, tuple):
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise ConfigError(f"{where}: expected a list of strings, got {value!r}")
        return tuple(value)
    if isinstance(default, dict):
        if not isinstance(value, dict):
            raise ConfigError(f"{where}: expected a table, got {value!r}")
        return value
    raise ConfigError(f"{where}: unsupported value {value!r}")


AT_LEAST = {  # the lowest allowed value; 0 for the numbers not named here
    "input.max_document_bytes": 1,
    "output.shard_docs": 1,
    "dedup.shingle_words": 1,
    "dedup.num_perm": 1,
    "dedup.bands": 1,
    "repeats.min_docs": 2,
}
FRACTIONS = {"repeats.min_fraction", "dedup.threshold"}
OUTPUT_FORMATS = ("jsonl", "parquet")


def _check_value(value, name: str, where: str) -> None:
    """Numbers are never negative (sizes and counts the run divides by are at least 1, a line is repeated in
    at least 2 documents, fractions are at most 1); names and thresholds are well-formed."""
    if name == "filters.quality_thresholds":
        _check_thresholds(value, where)
    elif name == "output.formats" and (not value or set(value) - set(OUTPUT_FORMATS)):
        raise ConfigError(f"{where}: expected one or both of {list(OUTPUT_FORMATS)}, got {list(value)}")
    elif value == "":
        raise ConfigError(f"{where}: must not be empty")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return
    low = AT_LEAST.get(name, 0)
    if value < low:
        raise ConfigError(f"{where}: must be at least {low}, got {value!r}")
    if name in FRACTIONS and value > 1:
        raise ConfigError(f"{where}: must be at most 1, got {value!r}")


def _check_thresholds(thresholds: dict, where: str) -> None:
    """Each entry names a quality signal and holds only numeric `min` / `max` bounds."""
    from .quality import quality_signals  # late import: quality imports modules that import this one

    signals = set(quality_signals("a b", "en"))
    for name, bounds in thresholds.items():
        if name not in signals:
            raise ConfigError(f"{where}.{name}: no such quality signal (known: {', '.join(sorted(signals))})")
        if not isinstance(bounds, dict) or not bounds or set(bounds) - {"min", "max"}:
            raise ConfigError(f"{where}.{name}: expected a table with `min` and/or `max`, got {bounds!r}")
        for bound, value in bounds.items():
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ConfigError(f"{where}.{name}.{bound}: expected a number, got {value!r}")
        if bounds.get("min", -math.inf) > bounds.get("max", math.inf):
            raise ConfigError(f"{where}.{name}: min {bounds['min']!r} is above max {bounds['max']!r}")


def config_from_dict(data: dict, origin: str = "<config>") -> Config:
    """Build a Config from nested dicts, refusing unknown keys and wrong types."""
    config = Config()
    for section_name, values in data.items():
        if section_name not in {f.name for f in dataclasses.fields(Config)}:
            raise ConfigError(f"{origin}: unknown section [{section_name}]")
        if not isinstance(values, dict):
            raise ConfigError(f"{origin}: [{section_name}] must be a table")
        section = getattr(config, section_name)
        known = {f.name for f in dataclasses.fields(section)}
        changes = {}
        for key, value in values.items():
            if key not in known:
                raise ConfigError(f"{origin}: unknown key {section_name}.{key}")
            where = f"{origin}: {section_name}.{key}"
            changes[key] = _coerce(value, getattr(section, key), where)
            _check_value(changes[key], f"{section_name}.{key}", where)
        config = config.replace(section_name, **changes)
    if config.dedup.bands > config.dedup.num_perm:
        bands, num_perm = config.dedup.bands, config.dedup.num_perm
        raise ConfigError(f"{origin}: dedup.bands: must be at most dedup.num_perm ({num_perm}), got {bands}")
    return config


def load_toml(path: str | Path, what: str) -> dict:
    """The tables of a TOML file (`what`: "config file", "rules file"); a ConfigError naming the file if unreadable."""
    try:
        return tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise ConfigError(f"{path}: cannot read {what} ({error.strerror})") from error
    except UnicodeDecodeError as error:
        not_utf8 = f"not UTF-8: byte {error.object[error.start]:#04x} at offset {error.start}"
        raise ConfigError(f"{path}: not valid TOML ({not_utf8})") from error
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML ({error})") from error


def load_config(path: str | Path | None) -> Config:
    """The default Config, updated from a TOML file if one is given."""
    if path is None:
        return Config()
    path = Path(path)
    config = config_from_dict(load_toml(path, "config file"), str(path))
    base_dir = path.parent
    files = tuple(str((base_dir / name).resolve()) for name in config.boilerplate.rules_files)
    _check_disabled_rules(files, config.boilerplate.disable, path)
    return config.replace("boilerplate", rules_files=files)


def _check_disabled_rules(rules_files: tuple[str, ...], disable: tuple[str, ...], path: Path) -> None:
    """Every name in boilerplate.disable is a rule id or a family of the loaded rules (a typo is an error)."""
    from .boilerplate import load_rules  # late import: boilerplate imports this module

    rules = load_rules(rules_files).rules
    known = {rule.id for rule in rules} | {rule.family for rule in rules}
    for name in disable:
        if name not in known:
            raise ConfigError(f"{path}: boilerplate.disable: no rule or family named {name!r}")


_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)  # a JSON string is a valid TOML basic string
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(map(_toml_value, value)) + "]"
    if isinstance(value, dict):
        items = (f"{_toml_key(key)} = {_toml_value(item)}" for key, item in value.items())
        return "{ " + ", ".join(items) + " }" if value else "{}"
    raise TypeError(f"no TOML form for {value!r}")


def _toml_key(key: str) -> str:
    return key if _BARE_KEY.fullmatch(key) else json.dumps(key)


def config_to_toml(config: Config) -> str:
    """The effective configuration as TOML, defaults included; `load_config` reads it back unchanged."""
    parts = []
    for section, values in config.to_dict().items():
        parts += [f"[{section}]", *(f"{key} = {_toml_value(value)}" for key, value in values.items()), ""]
    return "\n".join(parts)
