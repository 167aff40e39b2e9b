"""Rule sets and phrase lexicons, read from the data files in cases/data/.

The rules are data so that a lawyer can correct a provision or its wording
without touching code, and so that another jurisdiction is another file.
"""

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

from harassguard.lib.language import wants_english

# The rule sets and lexicons are data, kept in the app's data folder.
DATA = Path(__file__).parent.parent / "data"
LEXICON_FOR = {"CN": "zh", "US": "en"}


@dataclass(frozen=True)
class Provision:
    id: str
    document: dict
    article: str
    wording: str
    wording_status: str
    version: str = ""
    effective_from: date | None = None
    effective_to: date | None = None
    # The lender kinds it binds (cases.Case.lender_kind); empty: every lender.
    lender_kinds: tuple[str, ...] = ()
    # Where the wording or number was checked, or why it is still to confirm.
    checked: str = ""
    # Applies only to debts that are not lawful (刑法第二百九十三条之一): an unlicensed lender or an unlawful rate.
    unlawful_debt_only: bool = False

    def in_force_on(self, day: date | None) -> bool:
        """True when the provision applied on `day` (an unknown day: every provision)."""
        if day is None:
            return True
        return (self.effective_from is None or day >= self.effective_from) and (
            self.effective_to is None or day < self.effective_to
        )

    def binds(self, lender_kind: str) -> bool:
        """True when the provision applies to a lender of `lender_kind` (an unknown kind: only general ones)."""
        return not self.lender_kinds or lender_kind in self.lender_kinds

    def as_dict(self) -> dict:
        return {
            "id": self.id,
            "document": self.document["title"],
            "binding": self.document.get("binding", ""),
            "document_kind": self.document.get("kind", ""),
            "article": self.article,
            "version": self.version or self.document.get("version", ""),
            "wording": self.wording,
            "wording_status": self.wording_status,
            "lender_kinds": list(self.lender_kinds),
        }


@dataclass(frozen=True)
class Rule:
    id: str
    category: str
    type: str
    title: str
    provisions: list[str]
    params: dict = field(default_factory=dict)
    # The title for readers of English, where the rule set's own language is another.
    title_en: str = ""
    # "violation" (a possible violation), "clue" (a fact that supports other findings, never a violation) or
    # "at_limit" (a day that reached a limit exactly: a fact to note, never a violation).
    kind: str = "violation"


# The kinds of finding that are facts to note, never possible violations: letters never cite them as violations.
NOT_VIOLATIONS = ("clue", "at_limit")


@dataclass(frozen=True)
class Phrase:
    category: str
    pattern: re.Pattern
    example: str


@dataclass(frozen=True)
class RuleSet:
    jurisdiction: str
    name: str
    timezone: str
    disclaimer: str
    provisions: dict[str, Provision]
    rules: list[Rule]
    lexicon: list[Phrase]
    language: str = "zh-Hans"
    disclaimer_en: str = ""

    def title_for(self, rule_id: str, language: str) -> str:
        """A rule's title for a reader of `language` (its English title for English readers)."""
        rule = next(r for r in self.rules if r.id == rule_id)
        return rule.title_en if wants_english(language) and rule.title_en else rule.title

    def disclaimer_for(self, language: str) -> str:
        return self.disclaimer_en if wants_english(language) and self.disclaimer_en else self.disclaimer


def _day(value) -> date | None:
    return date.fromisoformat(str(value)) if value else None


WORDING_STATUSES = ("verbatim", "excerpt", "summary", "to_confirm")
UNCHECKED = "（待核对）"


def provision_line(provisions: Iterable[dict]) -> str:
    """The one way a finding's provisions are named in a line (case page, API, bundle, letters): each
    document in 《》 with its binding status, then the article, e.g.
    "《中华人民共和国民法典》（法律）第一千零三十三条第（一）项；《…（GB/T 45251—2025）》（推荐性国家标准，非法律）…".
    An article whose number or wording is still to confirm says so, so it never reads as checked fact."""
    parts = []
    for p in provisions:
        binding = f"（{p['binding']}）" if p.get("binding") else ""
        unchecked = UNCHECKED if p.get("wording_status") == "to_confirm" and "待核对" not in p["article"] else ""
        parts.append(f"《{p['document']}》{binding}{p['article']}{unchecked}")
    return "；".join(parts)


def provision_from_toml(raw: dict, documents: dict) -> Provision:
    """A provision; its dates default to its document's. Raise ValueError on an unknown wording status."""
    document = documents[raw["document"]]
    if raw["wording_status"] not in WORDING_STATUSES:
        raise ValueError(f"provision {raw['id']}: unknown wording_status {raw['wording_status']!r}")
    return Provision(
        id=raw["id"],
        document=document,
        article=raw["article"],
        wording=raw["wording"],
        wording_status=raw["wording_status"],
        version=raw.get("version", ""),
        effective_from=_day(raw.get("effective_from", document.get("effective_from"))),
        effective_to=_day(raw.get("effective_to", document.get("effective_to"))),
        lender_kinds=tuple(raw.get("lender_kinds", ())),
        checked=raw.get("checked", ""),
        unlawful_debt_only=bool(raw.get("unlawful_debt_only", False)),
    )


def _with_params(text: str, params: dict) -> str:
    """A title with its rule's numbers filled in ("超过{max_per_day}次"), so changing a limit in the data changes
    what the finding says; {first_over} is the first count over `max_per_day` (the 4th call for a limit of 3)."""
    values = {**params, **({"first_over": params["max_per_day"] + 1} if "max_per_day" in params else {})}
    for key, value in values.items():
        text = text.replace("{" + key + "}", str(value))
    return text


def _rule(raw: dict) -> Rule:
    base = {"id", "category", "type", "title", "title_en", "provisions", "kind"}
    params = {k: v for k, v in raw.items() if k not in base}
    return Rule(
        raw["id"],
        raw["category"],
        raw["type"],
        _with_params(raw["title"], params),
        raw["provisions"],
        params,
        _with_params(raw.get("title_en", ""), params),
        raw.get("kind", "violation"),
    )


def _with_limits(raw_rules: list[dict]) -> list[dict]:
    """Rules whose `limit_of` names another rule take that rule's numbers (max_per_day, only_when_in_force...),
    so a limit is written once in the data and every rule about it follows."""
    by_id = {r["id"]: r for r in raw_rules}
    base = {"id", "category", "type", "title", "title_en", "provisions", "kind"}
    out = []
    for raw in raw_rules:
        source = raw.get("limit_of")
        if source:
            if source not in by_id:
                raise ValueError(f"rule {raw['id']}: limit_of names unknown rule {source!r}")
            shared = {k: v for k, v in by_id[source].items() if k not in base and k != "limit_of"}
            raw = {**shared, **{k: v for k, v in raw.items() if k not in shared or k in base}}
        out.append(raw)
    return out


@lru_cache(maxsize=8)
def load_lexicon(language: str) -> list[Phrase]:
    """Return the phrases of `cases/data/lexicon_<language>.toml`, patterns compiled."""
    data = tomllib.loads((DATA / f"lexicon_{language}.toml").read_text(encoding="utf-8"))
    return [Phrase(p["category"], re.compile(p["pattern"]), p["example"]) for p in data["phrases"]]


@lru_cache(maxsize=8)
def load_rule_set(jurisdiction: str) -> RuleSet:
    """Return the rule set of `cases/data/rules_<jurisdiction>.toml` with its lexicon."""
    data = tomllib.loads((DATA / f"rules_{jurisdiction.lower()}.toml").read_text(encoding="utf-8"))
    provisions = {p["id"]: provision_from_toml(p, data["documents"]) for p in data["provisions"]}
    rules = [_rule(r) for r in _with_limits(data["rules"])]
    for rule in rules:
        missing = set(rule.provisions) - provisions.keys()
        if missing:
            raise ValueError(f"rule {rule.id} cites unknown provisions {sorted(missing)}")
    return RuleSet(
        data["jurisdiction"],
        data["name"],
        data["timezone"],
        data["disclaimer"],
        provisions,
        rules,
        load_lexicon(LEXICON_FOR[data["jurisdiction"]]),
        data["language"],
        data.get("disclaimer_en", ""),
    )
