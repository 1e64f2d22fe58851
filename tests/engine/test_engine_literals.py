"""The literal index, the regex guards and rewrites, and the trie alternation change no result,
only the speed."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest
import regex

from qc.engine import RuleSet, check_ruleset
from qc.engine.cases import case_transcript
from qc.engine.conditions import walk
from qc.engine.context import EvalContext
from qc.engine.literals import (
    LiteralIndex,
    alternation,
    branches,
    first_chars,
    lookbehinds_last,
    names_upper_case,
    rejoined,
    required_literals,
    requirement,
    uncaptured,
)
from qc.engine.operators import regex_op
from qc.engine.operators.regex_op import Regex
from qc.types import Transcript
from tests.engine.conftest import compile_condition, make_call, run_condition

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("pattern", "needed"),
    [
        ("abc", {"abc"}),
        ("a(b|c)d", {"abd", "acd"}),
        ("(?<!x)foo|ba?r", {"foo", "bar", "br"}),
        (r"\p{Han}{1,3}贷", {"贷"}),
        ("最高(可以|能)?借", {"最高借", "最高可以借", "最高能借"}),
        ("(?:保证|肯定)(?!不)[^\n]{0,6}?(批|过)", {"保证", "肯定"}),
        ("[0-9]{3}", set("0123456789")),
        ("(?i)K", {"k"}),
        ("x*", None),  # can match the empty string
        ("(a|)b?", None),
        (".+", None),
        ("(a|.)c", {"c"}),
        ("(?:报告){e<=1}", None),  # fuzzy matching: no literal is certain
        (r"(\d)\1", None),
        ("[^a]b", {"b"}),
    ],
)
def test_required_literals(pattern: str, needed: set[str] | None) -> None:
    got = required_literals(pattern)
    assert (set(got) if got is not None else None) == needed


@pytest.mark.parametrize(
    ("pattern", "lead"),
    [
        ("上门", 0),
        ("(?<!(不会|没有)[^\n]{0,8})上门", 0),  # lookbehinds take no characters
        ("a[^\n]{0,3}bc", 4),
        ("(您|你)?的?(公司|单位)", 2),  # 公司 or 单位 (fewer strings than 您的公司 …), 2 in
        (r"(?:(?!我|是)\p{Han}){2,6}的?(客服|专员)", 7),
        ("(欠|借)[^\n]*款", 0),  # 欠 or 借 at the start, rather than 款 any distance in
        ("[^\n]*款", None),
        ("(x[^\n]{0,2}ab|cd)", 3),  # the farthest of the branches
        ("(?:ab){2}", 0),
    ],
)
def test_requirement_lead(pattern: str, lead: int | None) -> None:
    found = requirement(pattern)
    assert found is not None
    assert found[1] == lead


def test_searching_from_the_first_required_string_less_the_lead_finds_every_match() -> None:
    rng = random.Random(11)
    patterns = [
        "(?<!不)(给|向)(你|您)?的?(公司|单位)[^\n]{0,3}(打|发)",
        "(?:(?!我)[你您的公司]){1,4}(公司|单位)",
        "a[^\n]{0,3}b(c|d)",
        "(公司|a)[^\n]{0,2}?(单位|b)+",
    ]
    alphabet = "你您不给向的公司单位打发abcd"
    for pattern in patterns:
        strings, lead = requirement(pattern) or (frozenset(), None)
        assert strings and lead is not None, pattern
        compiled = regex.compile(pattern)
        for _ in range(300):
            text = "".join(rng.choices(alphabet, k=30))
            starts = [text.find(s) for s in strings if s in text]
            if not starts:
                assert compiled.search(text) is None
                continue
            late = [m.span() for m in compiled.finditer(text, max(0, min(starts) - lead))]
            assert late == [m.span() for m in compiled.finditer(text)], (pattern, text)


@pytest.mark.parametrize(
    ("pattern", "first"),
    [
        ("abc", {"a"}),
        ("(?<!(不会|没有)[^\n]{0,4})(联系|通知)", {"联", "通"}),
        ("a?b", {"a", "b"}),
        ("^(嗯|啊)", {"嗯", "啊"}),
        (r"(?<!x)(1[3-9]\d|\d{4})", {"1", r"\d"}),
        ("x*", None),  # may match the empty string
        ("[^a]b", None),
        ("(?i)K", None),  # a global flag cannot follow the guard
    ],
)
def test_first_chars(pattern: str, first: set[str] | None) -> None:
    got = first_chars(pattern)
    assert (set(got) if got is not None else None) == first


@pytest.mark.parametrize(
    ("pattern", "plain"),
    [
        ("(a|b)c(d)?", "(?:a|b)c(?:d)?"),
        (r"(?<!(不会|没有))\(x\)[(]y[^)(]", r"(?<!(?:不会|没有))\(x\)[(]y[^)(]"),
        ("[](]", "[](]"),  # a ] first in a class is a member
        (r"(\d)\1", r"(\d)\1"),  # back-reference: groups kept
        ("(?P<v>a)(?P=v)", "(?P<v>a)(?P=v)"),
        ("(?<v>a)", "(?<v>a)"),  # the regex module's named group
        ("(?x)(a) # (b)", "(?x)(a) # (b)"),  # verbose: a # may start a comment
    ],
)
def test_uncaptured(pattern: str, plain: str) -> None:
    assert uncaptured(pattern) == plain
    subject = "acd ac bc)x)(yz aa"
    ours = [m.group() for m in regex.finditer(uncaptured(pattern), subject)]
    assert ours == [m.group() for m in regex.finditer(pattern, subject)]


@pytest.mark.parametrize(
    ("pattern", "rewritten"),
    [
        ("(?<!不)会|要", "(?=(?:会))(?<!不)(?:会)|要"),
        ("(?<!a)(?<=b)c(d|e)", "(?=(?:c(d|e)))(?<!a)(?<=b)(?:c(d|e))"),
        ("(?=c|d)(?<!a)c", "(?=c|d)(?=(?:c))(?<!a)(?:c)"),  # leading lookaheads stay first
        ("(?=c)c", "(?=c)c"),  # no lookbehind: kept
        (r"x(?<!\()y", r"x(?<!\()y"),  # not leading: kept
        ("(?<!a)", "(?<!a)"),  # nothing after it
        ("(?<!(a))b\\1", "(?<!(a))b\\1"),  # refers to a group: kept
    ],
)
def test_lookbehinds_last(pattern: str, rewritten: str) -> None:
    assert lookbehinds_last(pattern) == rewritten


def test_rewrites_keep_every_match_on_random_text() -> None:
    rng = random.Random(3)
    patterns = [
        "(?<!(不会|没有)[^\n]{0,4})(联系|通知)(你|您)?家人|(?<!别)担心",
        "(?<=(您|你)的)(车贷|房贷)(是|为)|欠(?<!不)款",
        "(?<!不)好意思(说|问)|(说|讲)了?第[二三]+(回|遍)",
        "(?=不|没有)(?<!(别|担心)[^\n]{0,3})(不|没有)(会|的)?(联系|通知)",
    ]
    alphabet = "不会没有联系通知你您家人别担心的车贷房贷是为欠款好意思说问讲了第二三回遍\n"
    for pattern in patterns:
        fast = regex.compile(lookbehinds_last(uncaptured(pattern)))
        slow = regex.compile(pattern)
        for _ in range(300):
            text = "".join(rng.choices(alphabet, k=40))
            assert [m.span() for m in fast.finditer(text)] == [
                m.span() for m in slow.finditer(text)
            ], (pattern, text)


@pytest.mark.parametrize(
    ("pattern", "parts"),
    [
        ("(?<!不)(保证|肯定)能批|准能下款", ["(?<!不)保证能批", "(?<!不)肯定能批", "准能下款"]),
        ("(?:ab|c(d|e))f|gh", ["abf", "c(d|e)f", "gh"]),
        ("(?P<v>谁)(?P=v)|(问|说)过", ["(?P<v>谁)(?P=v)", "问过", "说过"]),  # named: kept whole
        ("(a|b)?c|d", ["(a|b)?c", "d"]),  # a repeated group is not distributed
        ("(a|b)c", ["ac", "bc"]),
        ("abc", []),  # one alternative
        (r"(a)\1|b", []),  # a numbered back-reference
        ("(?i)a|b", []),  # a global flag
        ("x*|ab", []),  # an alternative without a required literal
    ],
)
def test_branches(pattern: str, parts: list[str]) -> None:
    assert [part.text for part in branches(pattern)] == parts


def test_alternatives_of_one_group_are_written_as_that_group_again() -> None:
    split = branches("(?<!不)(保证|肯定)能(批|过)|准能下款")
    assert rejoined(split) == "(?<!不)(?:保证|肯定)能(批|过)|准能下款"
    assert rejoined(split[1:]) == "(?<!不)肯定能(批|过)|准能下款"
    assert rejoined([split[0], split[2]]) == "(?<!不)保证能(批|过)|准能下款"


def test_alternatives_whose_literals_are_in_the_text_match_what_the_pattern_matches() -> None:
    """What the regex operator relies on: searched from the first literal less its lead, the
    alternatives whose literals the text holds find exactly the whole pattern's matches."""
    rng = random.Random(5)
    patterns = [
        r"(?<!不)(给|向)(你|您)?的?(公司|单位)[^\n]{0,3}(打|发)|公司(?=打)",
        r"((余|于)额|(卡|账)(里|上)有|欠(?!条))[^\n]{0,4}?(?=\d)\d+(元|块)|还差\d",
        "(ab|a)c|abd|(b|c)(a|d)b",
        r"(?<!(不|没)[^\n]{0,2})(公司|单位)(打|发)?(你|您)|(你|您)(打|发)",
    ]
    alphabet = "不没给向你您的公司单位打发余于额卡账里上有欠条元块还差12abcd\n"
    for pattern in patterns:
        split = branches(pattern)
        assert len(split) > 2, pattern
        whole = regex.compile(pattern)
        for _ in range(400):
            text = "".join(rng.choices(alphabet, k=30))
            present = [part for part in split if any(s in text for s in part.need[0])]
            expected = [m.span() for m in whole.finditer(text)]
            if not present:
                assert expected == [], (pattern, text)
                continue
            starts = [
                text.find(s) - part.need[1] if part.need[1] is not None else 0
                for part in present
                for s in part.need[0]
                if s in text
            ]
            chosen = regex.compile(rejoined(present))
            got = [m.span() for m in chosen.finditer(text, max(0, min(starts)))]
            assert got == expected, (pattern, text)


def test_regex_searches_with_the_whole_pattern_once_its_subsets_are_spent(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    call = make_call(("agent", "您的余额是三千元，卡里有两百块。"), ("agent", "还差五百"))
    cond = "{regex: {view: digits, pattern: '((余|于)额|卡里有)[^\\n]{0,3}\\d+(元|块)|还差\\d+'}}"
    node = compile_condition(cond)
    assert isinstance(node, Regex) and len(node.parts) == 4  # 余额, 于额, 卡里有, 还差
    ctx = EvalContext(call)
    ctx.begin_rule()
    split = [f.evidence.matched for f in node.evaluate(ctx).found]
    assert split == ["余额是3000元", "卡里有200块", "还差500"]
    assert len(node.subsets) == 2  # 余额 and 卡里有 in the first utterance; 还差 in the second
    monkeypatch.setattr(regex_op, "MAX_SUBSETS", 0)
    fresh = compile_condition(cond)
    ctx = EvalContext(call)
    ctx.begin_rule()
    assert [f.evidence.matched for f in fresh.evaluate(ctx).found] == split
    assert not fresh.subsets


@pytest.mark.parametrize(
    ("pattern", "upper"),
    [
        (r"[\dx]{4}", False),
        (r"\D\S\W\p{Han}", False),  # escapes, not letters
        (r"[\dX]", True),
        ("(?<!HR)a", True),
        ("[A-C]", True),
        ("[^Q]", True),
        ("(?r)abc", True),  # unparsable: fold case to be safe
    ],
)
def test_names_upper_case(pattern: str, upper: bool) -> None:
    assert names_upper_case(pattern) is upper


def test_literal_index_reports_each_slot_its_own_words_with_overlaps() -> None:
    index = LiteralIndex()
    a, b = index.add(["工号", "号码"]), index.add(["码", "号码"])
    found = index.scan("您好工号码码")
    assert found[a] == [(0, 2, "工号"), (0, 3, "号码")]
    assert found[b] == [(0, 3, "号码"), (0, 4, "码"), (0, 5, "码")]
    assert index.scan("没有") == {}
    lines = index.scan("工号\n您好\n码", starts=(0, 3, 6))  # each hit names its line
    assert lines[a] == [(0, 0, "工号")] and lines[b] == [(2, 6, "码")]


def test_rule_files_share_one_literal_index_scanned_once_per_view() -> None:
    ruleset, problems = check_ruleset(REPO / "rules")
    assert ruleset is not None, problems
    nodes = [n for r in ruleset.rules for root in (r.when, r.unless) if root for n in walk(root)]
    indexes = {id(n.index) for n in nodes if hasattr(n, "index")}
    assert len(indexes) == 1


def test_unparsable_regex_module_syntax_gets_no_prefilter() -> None:
    assert required_literals(r"(?r)abc") is None  # reverse search: stdlib cannot parse it


def test_trie_alternation_and_index_find_what_a_flat_longest_first_alternation_finds() -> None:
    rng = random.Random(7)
    alphabet = "你您我们不是的还款逾期征信工号客服"
    for _ in range(200):
        words = {"".join(rng.choices(alphabet, k=rng.randint(1, 4))) for _ in range(12)}
        text = "".join(rng.choices(alphabet, k=80))
        flat = re.compile("|".join(map(re.escape, sorted(words, key=len, reverse=True))))
        trie = re.compile(alternation(words))

        def overlapping(p: re.Pattern[str], text: str = text) -> list[tuple[int, str]]:
            out, pos = [], 0
            while (m := p.search(text, pos)) is not None:
                out.append((m.start(), m.group()))
                pos = m.start() + 1
            return out

        assert overlapping(trie) == overlapping(flat), words
        # What the phrase operator reads from the shared index: the longest word at each start.
        index = LiteralIndex()
        slot = index.add(words)
        longest: dict[int, str] = {}
        for _, start, word in index.scan(text).get(slot, []):
            longest[start] = max(longest.get(start, ""), word, key=len)
        assert sorted(longest.items()) == overlapping(flat), words


def _regex_nodes(ruleset: RuleSet) -> list[Regex]:
    roots = [n for r in ruleset.rules for n in (r.when, r.unless) if n]
    return [node for root in roots for node in walk(root) if isinstance(node, Regex)]


def _calls(ruleset: RuleSet) -> list[Transcript]:
    """Every inline case of the packs and every sample script: text the patterns were written
    for, with hits and near-misses."""
    calls = [case_transcript(c, r.id) for r in ruleset.rules for c in r.spec.cases]
    for path in sorted((REPO / "samples").glob("*.json")):
        turns = json.loads(path.read_text(encoding="utf-8"))["turns"]
        calls.append(make_call(*[(t["role"], t["text"]) for t in turns]))
    return calls


def test_prefilter_and_rewrites_change_no_match_of_the_shipped_packs() -> None:
    ruleset, problems = check_ruleset(REPO / "rules")
    assert ruleset is not None, problems
    nodes = _regex_nodes(ruleset)
    assert sum(n.prefilter is not None for n in nodes) >= 0.8 * len(nodes)
    assert all(
        n.re.pattern.startswith("(?=[")
        for n in nodes
        if n.prefilter is None and first_chars(n.p.pattern)
    )
    assert sum(n.re.pattern != n.p.pattern for n in nodes) >= 0.8 * len(nodes)  # rewritten
    assert sum(len(n.parts) > 1 for n in nodes) >= 0.6 * len(nodes)  # split into alternatives
    checked = 0
    for call in _calls(ruleset):
        for node in nodes:
            ctx = EvalContext(call)
            ctx.begin_rule()
            fast = node.evaluate(ctx)
            kept = node.prefilter, node.re
            node.prefilter = None  # every utterance, the pattern as written
            node.re = regex.compile(node.p.pattern, regex.MULTILINE | regex.IGNORECASE)
            try:
                ctx = EvalContext(call)  # a fresh context: results are cached per call
                ctx.begin_rule()
                slow = node.evaluate(ctx)
            finally:
                node.prefilter, node.re = kept
            assert [f.evidence for f in fast.found] == [f.evidence for f in slow.found], (
                node.p.pattern
            )
            checked += bool(slow.found)
    assert checked > 50  # the comparison saw many real matches, not only misses
    assert sum(bool(n.subsets) for n in nodes) > 20  # searched with some of their alternatives


def test_scan_with_utterances_hidden_equals_a_pass_over_the_shorter_text() -> None:
    """An ``excluding`` context reuses the whole call's scan, moved past the hidden utterances."""
    ruleset, problems = check_ruleset(REPO / "rules")
    assert ruleset is not None, problems
    index = _regex_nodes(ruleset)[0].index
    compared = 0
    for call in _calls(ruleset)[::7]:
        ctx = EvalContext(call)
        for hidden in ({0}, set(range(1, len(call.utterances), 2))):
            part = ctx.hiding(frozenset(hidden))
            for view in ("text", "digits", "pinyin"):
                for role in ("agent", "customer", "any"):
                    joined = part.joined(view, role)
                    direct = index.scan(joined.text, view, joined.starts)
                    assert part._scan(index, view, role) == direct, (view, role, hidden)
                    compared += bool(direct)
    assert compared > 100


def test_regex_finds_matches_in_every_candidate_utterance() -> None:
    call = make_call(
        ("agent", "您好，保证能批下来。"),
        ("customer", "真的吗？"),
        ("agent", "没问题的。"),
        ("agent", "肯定能过，保证能下款。"),
    )
    out = run_condition("{regex: {pattern: '(保证|肯定)能(批|过|下款)'}}", call)
    assert [(f.evidence.utterance, f.evidence.matched) for f in out.found] == [
        (0, "保证能批"),
        (3, "肯定能过"),
        (3, "保证能下款"),
    ]


def test_pathological_pattern_still_times_out_behind_a_prefilter() -> None:
    call = make_call(("agent", "嗯" * 5000 + "啊"))
    pattern = "(嗯|嗯嗯)+啦啦"
    assert required_literals(pattern) == {"啦啦"}
    # No 啦啦 anywhere: the prefilter skips the search entirely, so nothing can time out.
    assert not run_condition(f"{{regex: {{pattern: '{pattern}'}}}}", call).matched
    with pytest.raises(Exception, match="timed out"):
        run_condition("{regex: {pattern: '(嗯|嗯嗯)+$'}}", make_call(("agent", "嗯" * 60 + "啊")))


def test_equal_conditions_are_searched_once_per_call() -> None:
    call = make_call(("agent", "您的余额是三千元。"))
    ctx = EvalContext(call)
    ctx.begin_rule()
    cond = "{regex: {pattern: '余额是'}}"
    first, second = compile_condition(cond), compile_condition(cond)
    assert first.evaluate(ctx) is second.evaluate(ctx)  # the second reads the first's result
    other = EvalContext(call)
    other.begin_rule()
    assert second.evaluate(other) is not first.evaluate(ctx)
