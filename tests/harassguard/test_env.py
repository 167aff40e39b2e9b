"""Settings read from the environment fail at start-up, naming the variable, on a value that cannot be meant."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from harassguard.lib.env import env_bool, env_choice, env_int, env_list, env_str


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("1", True),
        ("TRUE", True),
        (" yes ", True),
        ("on", True),
        ("0", False),
        ("false", False),
        ("No", False),
        ("", False),
    ],
)
def test_booleans_accept_the_usual_words(monkeypatch, raw, expected):
    monkeypatch.setenv("HG_FLAG", raw)
    assert env_bool("HG_FLAG", default=not expected) is expected


def test_an_unknown_boolean_word_is_an_error_not_false(monkeypatch):
    monkeypatch.setenv("HG_FLAG", "ture")
    with pytest.raises(ImproperlyConfigured, match=r"HG_FLAG must be true or false, not 'ture'"):
        env_bool("HG_FLAG")


def test_unset_variables_give_their_defaults(monkeypatch):
    monkeypatch.delenv("HG_UNSET", raising=False)
    assert env_bool("HG_UNSET", True) is True
    assert env_int("HG_UNSET", 7) == 7
    assert env_str("HG_UNSET", "x") == "x"
    assert env_list("HG_UNSET", ["a"]) == ["a"]
    assert env_choice("HG_UNSET", "local", {"local", "s3"}) == "local"


def test_integers_are_checked_for_form_and_minimum(monkeypatch):
    monkeypatch.setenv("HG_N", "12")
    assert env_int("HG_N", 1, minimum=1) == 12
    monkeypatch.setenv("HG_N", "  ")
    assert env_int("HG_N", 5) == 5
    monkeypatch.setenv("HG_N", "twelve")
    with pytest.raises(ImproperlyConfigured, match=r"HG_N must be an integer, not 'twelve'"):
        env_int("HG_N", 1)
    monkeypatch.setenv("HG_N", "0")
    with pytest.raises(ImproperlyConfigured, match=r"HG_N must be at least 1, not 0"):
        env_int("HG_N", 1, minimum=1)


def test_lists_drop_blanks_and_spaces(monkeypatch):
    monkeypatch.setenv("HG_HOSTS", " a.example , ,b.example,")
    assert env_list("HG_HOSTS", []) == ["a.example", "b.example"]


def test_a_choice_outside_the_allowed_names_lists_them(monkeypatch):
    monkeypatch.setenv("HG_BACKEND", "ftp")
    with pytest.raises(ImproperlyConfigured, match=r"HG_BACKEND must be one of local, s3, not 'ftp'"):
        env_choice("HG_BACKEND", "local", {"local", "s3"})
