"""All rule files, loaded and validated together before any work starts."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from . import agencies, dates, docfields, measures, targets
from .nlp import get_nlp
from .rules import RULES_DIR, rules_version


@dataclass(frozen=True)
class RuleSet:
    version: str
    numbering: measures.NumberingRules
    targets: targets.TargetRules
    dates: dates.DateRules
    agencies: agencies.AgencyRules
    documents: docfields.DocumentRules


@lru_cache(maxsize=4)
def load_ruleset(rules_dir: Path = RULES_DIR) -> RuleSet:
    """Load and validate every rule file; a RuleError names the file and line."""
    rules_dir = Path(rules_dir)
    get_nlp(rules_dir)  # validates lexicons and span patterns now, not mid-run
    return RuleSet(
        version=rules_version(rules_dir),
        numbering=measures.load_rules(rules_dir),
        targets=targets.load_rules(rules_dir),
        dates=dates.load_rules(rules_dir),
        agencies=agencies.load_rules(rules_dir),
        documents=docfields.load_rules(rules_dir),
    )
