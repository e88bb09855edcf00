"""All rule files, loaded and validated together before any work starts."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from . import agencies, dates, docfields, indicators, measures, targets
from .nlp import get_nlp, read_lexicon
from .rules import RULES_DIR, rules_version


@dataclass(frozen=True)
class RuleSet:
    version: str
    numbering: measures.NumberingRules
    targets: targets.TargetRules
    indicators: indicators.IndicatorRules
    dates: dates.DateRules
    agencies: agencies.AgencyRules
    documents: docfields.DocumentRules


@lru_cache(maxsize=4)
def load_ruleset(rules_dir: Path = RULES_DIR) -> RuleSet:
    """Load and validate every rule file; a RuleError names the file and line.

    spaCy's own check of the span patterns needs spaCy (seconds to import):
    `check_tokenizer_rules` runs it, once there is something to extract.
    """
    rules_dir = Path(rules_dir)
    for lexicon in sorted((rules_dir / "lexicon").glob("*.txt")):
        read_lexicon(lexicon)
    target_rules = targets.load_rules(rules_dir)
    return RuleSet(
        version=rules_version(rules_dir),
        numbering=measures.load_rules(rules_dir),
        targets=target_rules,
        indicators=indicators.load_rules(target_rules, rules_dir),
        dates=dates.load_rules(rules_dir),
        agencies=agencies.load_rules(rules_dir),
        documents=docfields.load_rules(rules_dir),
    )


def check_tokenizer_rules(rules_dir: Path = RULES_DIR) -> None:
    """Build the spaCy pipeline now, so a pattern spaCy rejects stops the run before any work."""
    get_nlp(Path(rules_dir))
