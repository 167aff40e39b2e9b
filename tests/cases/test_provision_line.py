"""One formatter names a finding's provisions everywhere: the case page and API, the bundle and the letters."""

import pytest

from cases.analysis.rules import UNCHECKED, load_rule_set, provision_line

CN = load_rule_set("CN")


def test_each_document_is_named_with_its_binding_status_then_the_article():
    civil = next(p for p in CN.provisions.values() if p.document["title"] == "中华人民共和国民法典")
    line = provision_line([civil.as_dict()])
    assert line == f"《中华人民共和国民法典》（{civil.document['binding']}）{civil.article}"


def test_several_provisions_are_joined_in_their_order():
    cited = [p.as_dict() for p in list(CN.provisions.values())[:3]]
    line = provision_line(cited)
    assert line.split("；")[0].startswith(f"《{cited[0]['document']}》") and line.count("《") == 3


@pytest.mark.parametrize("provision", [p for p in CN.provisions.values() if p.wording_status == "to_confirm"], ids=str)
def test_an_article_still_to_confirm_never_reads_as_checked(provision):
    line = provision_line([provision.as_dict()])
    assert "待核对" in line


def test_a_checked_article_carries_no_mark():
    checked = next(p for p in CN.provisions.values() if p.wording_status == "verbatim")
    assert UNCHECKED not in provision_line([checked.as_dict()]) and "待核对" not in provision_line([checked.as_dict()])


def test_no_module_formats_provisions_on_its_own():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    for package in ("cases", "evidence", "complaints"):
        for path in (root / package).rglob("*.py"):
            text = path.read_text()
            assert "p['binding']" not in text or path.name == "rules.py", path
