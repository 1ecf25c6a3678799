"""JSON-LD read as pages write it: the lenient reader recovers what a broken script holds and
says when it had to repair."""

from __future__ import annotations

import pytest

from crawler.pages.jsonld import jsonld_values, lenient_json


@pytest.mark.parametrize(
    "text, value, complete",
    [
        ('{"a": 1}', {"a": 1}, True),
        ('{"a": [1, 2,], "b": {"c": 3,},}', {"a": [1, 2], "b": {"c": 3}}, True),
        ('// theme\n{"a": 1 /* note */}', {"a": 1}, True),
        ('<!--\n{"a": 1}\n-->', {"a": 1}, True),
        ('{"a": 1}\n{"b": 2}', [{"a": 1}, {"b": 2}], True),
        # broken: what is there, with every open thing closed
        ('{"@type": "Product", "name": "Krim ', {"@type": "Product", "name": "Krim "}, False),
        ('{"a": {"b": [1, 2', {"a": {"b": [1, 2]}}, False),
        ('{"a": 1, "b": undefined}', {"a": 1}, False),
        ("not json at all", None, False),
        ("[" * 500, [[]], False),  # absurd nesting stops, no RecursionError
    ],
    ids=["json", "trailing commas", "comments", "html comment wrapper", "two objects",
         "cut in a string", "cut in an array", "javascript value", "garbage", "deep nesting"],
)  # fmt: skip
def test_lenient_json(text, value, complete):
    found, was_complete = lenient_json(text)
    if text.startswith("[" * 500):
        assert was_complete is False
        return
    assert (found, was_complete) == (value, complete)


@pytest.mark.parametrize(
    "html, names",
    [
        # the name holds `</script>`: read across it to the script's real end
        ('<script type="application/ld+json">{"name": "A </script> B", "x": 1}</script>',
         ["A </script> B"]),
        ("<SCRIPT TYPE='application/ld+json'>[{\"name\": \"A\"}, {\"name\": \"B\"}]</SCRIPT>",
         ["A", "B"]),
        ('<script type="application/ld+json">{"name": "A"}</script>'
         '<script type="text/javascript">{"name": "not ld"}</script>', ["A"]),
        ('<script type="application/ld+json">{"name": "cut </script><p>page</p>', ["cut "]),
    ],
    ids=["</script> in a string", "upper case, array", "other scripts ignored", "cut for good"],
)  # fmt: skip
def test_jsonld_values_from_raw_html(html, names):
    assert [value.get("name") for value in jsonld_values(html)] == names
