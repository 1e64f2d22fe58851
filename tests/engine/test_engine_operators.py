"""Each operator and combinator on small synthetic calls (table-driven)."""

from __future__ import annotations

import pytest

from qc.types import Features, UtteranceSentiment
from tests.engine.conftest import make_call, run_condition

A, C = "agent", "customer"
GREETING = make_call(
    (A, "您好，星海银行客服中心，工号三六九二，很高兴为您服务。"),
    (C, "你好，我想问一下还款的事。"),
    (A, "好的，请问您的身份证号码是多少？"),
    (C, "幺三八零零一三八零零零，这是我的手机号。"),
    (A, "我们不会上门的，请放心。我保证您能批下来。"),
    (A, "感谢您的来电，再见。"),
)
HOMOPHONES = make_call((A, "您好，长城银行信用卡克服，宫号幺零二三。"), (C, "我于七了。"))
# 还款 as ASR writes it, 环款: the pinyin view reads 还 as huan
REPAY = make_call((C, "下周一我就环款。"))
# 七十了 sounds like 气死了 (qi shi / qi si once zh/ch/sh fold): a spoken number, not anger
AGE = make_call((C, "我都七十了，没活路了。"), (C, "真是气死了。"))

PHRASES = [
    pytest.param("phrase: {any: [工号, 编号]}", GREETING, [0], id="any"),
    pytest.param("phrase: {any: [工号三六九二]}", GREETING, [0], id="across-punctuation"),
    pytest.param("phrase: {all: [您好, 再见]}", GREETING, [0, 5], id="all-across-scope"),
    pytest.param("phrase: {all: [您好, 拜拜]}", GREETING, None, id="all-missing-one"),
    pytest.param("phrase: {any: [您好, 工号, 拜拜], min: 2}", GREETING, [0], id="min-2"),
    pytest.param("phrase: {any: [您好, 拜拜, 晚安], min: 2}", GREETING, None, id="min-not-reached"),
    pytest.param("phrase: {any: [手机号]}", GREETING, None, id="role-default-agent"),
    pytest.param("phrase: {any: [手机号], role: customer}", GREETING, [3], id="role-customer"),
    pytest.param("phrase: {any: [手机号], role: any}", GREETING, [3], id="role-any"),
    pytest.param("phrase: {any: [再见], first: 2}", GREETING, None, id="first-excludes"),
    pytest.param("phrase: {any: [再见], last: 1}", GREETING, [5], id="last"),
    pytest.param("phrase: {any: [您好], last: 1}", GREETING, None, id="last-excludes"),
    pytest.param("phrase: {any: [您好], first_s: 1}", GREETING, [0], id="first-seconds"),
    pytest.param("phrase: {any: [再见], last_s: 3}", GREETING, [5], id="last-seconds"),
    pytest.param("phrase: {any: [上门]}", GREETING, None, id="negated-skip"),
    pytest.param("phrase: {any: [上门], negated: ignore}", GREETING, [4], id="negated-ignore"),
    pytest.param("phrase: {any: [保证], exclude: [不会上门]}", GREETING, None, id="exclude"),
    pytest.param("phrase: {any: [保证]}", GREETING, [4], id="no-exclude"),
    pytest.param(
        "phrase: {any: [客服], synonyms: {客服: [服务中心]}}", GREETING, [0], id="synonym"
    ),
    pytest.param(
        "phrase: {any: [坐席], synonyms: {坐席: [客服中心]}}", GREETING, [0], id="synonym-only"
    ),
    pytest.param("phrase: {any: [客服, 工号]}", HOMOPHONES, None, id="homophone-exact-misses"),
    pytest.param("phrase: {any: [客服], fuzzy: pinyin}", HOMOPHONES, [0], id="fuzzy-pinyin"),
    pytest.param(
        "phrase: {any: [逾期], fuzzy: pinyin, role: customer}", HOMOPHONES, [1], id="fuzzy-yuqi"
    ),
    pytest.param("phrase: {any: [信用卡客户], fuzzy: pinyin}", HOMOPHONES, None, id="fuzzy-strict"),
    pytest.param(
        "phrase: {any: [还款], fuzzy: pinyin, role: customer}", REPAY, [0], id="fuzzy-huan"
    ),
    pytest.param(
        "phrase: {any: [气死了], fuzzy: pinyin, role: customer}", AGE, [1], id="fuzzy-number"
    ),
    pytest.param(
        "phrase: {any: [信用卡客户], fuzzy: pinyin, max_mismatch: 1}",
        HOMOPHONES,
        [0],
        id="fuzzy-mismatch-1",
    ),
    pytest.param(
        "phrase: {any: ['138001380'], view: digits, role: customer}",
        GREETING,
        [3],
        id="digits-view",
    ),
    pytest.param("phrase: {any: [星海銀行]}", GREETING, [0], id="traditional-phrase"),
]


@pytest.mark.parametrize(("cond", "call", "utterances"), PHRASES)
def test_phrase(cond: str, call: object, utterances: list[int] | None) -> None:
    out = run_condition(cond, call)  # type: ignore[arg-type]
    assert out.matched is (utterances is not None)
    if utterances is not None:
        assert sorted({f.utterance for f in out.found}) == utterances


def test_phrase_evidence_explains_itself() -> None:
    out = run_condition("phrase: {any: [客服], fuzzy: pinyin}", HOMOPHONES)
    (found,) = out.found
    ev = found.evidence
    assert (ev.utterance, ev.matched, ev.note) == (0, "客服", "拼音近似：克服→客服")
    assert ev.quote.startswith("您好") and ev.end_s > ev.start_s


REGEXES = [
    pytest.param(r"regex: {pattern: '工号[零一二三四五六七八九]{4}'}", [0], id="text"),
    pytest.param(
        r"regex: {pattern: '(?<!\d)1[3-9]\d{9}(?!\d)', view: digits, role: customer}",
        [3],
        id="digits-lookarounds",
    ),
    pytest.param(r"regex: {pattern: '^感谢'}", [5], id="anchor-per-utterance"),
    pytest.param(r"regex: {pattern: '再见$'}", [5], id="dollar-per-utterance"),
    pytest.param(r"regex: {pattern: '服务好的'}", None, id="no-match-across-utterances"),
    pytest.param(r"regex: {pattern: 'XYZ'}", None, id="no-match"),
]


@pytest.mark.parametrize(("cond", "utterances"), REGEXES)
def test_regex(cond: str, utterances: list[int] | None) -> None:
    out = run_condition(cond, GREETING)
    assert out.matched is (utterances is not None)
    if utterances is not None:
        assert sorted({f.utterance for f in out.found}) == utterances


def test_regex_masks_long_digit_runs_in_evidence() -> None:
    out = run_condition(r"regex: {pattern: '\d{11}', view: digits, role: customer}", GREETING)
    assert out.found[0].evidence.matched == "*******8000"


@pytest.mark.parametrize(
    ("cond", "matched"),
    [
        pytest.param(
            "similar: {examples: [请问还有其他可以帮您的吗], threshold: 0.5}", False, id="no"
        ),
        pytest.param("similar: {examples: [感谢来电再见], threshold: 0.5}", True, id="char-ngram"),
        pytest.param(
            "similar: {examples: [感谢您来电，再见], threshold: 0.4, method: jieba}",
            True,
            id="jieba",
        ),
        pytest.param(
            "similar: {examples: [感谢来电再见], threshold: 0.5, measure: jaccard}",
            True,
            id="jaccard",
        ),
    ],
)
def test_similar(cond: str, matched: bool) -> None:
    out = run_condition(cond, GREETING)
    assert out.matched is matched
    if matched:
        ev = out.found[0].evidence
        assert ev.utterance == 5 and ev.value is not None and ev.value >= (ev.threshold or 0)


ABSENCE = "absence: {of: {phrase: {any: [您好], first: 1}}}"


@pytest.mark.parametrize(
    ("cond", "call", "matched", "unscored"),
    [
        pytest.param(ABSENCE, GREETING, False, False, id="present"),
        pytest.param(
            ABSENCE, make_call((A, "喂，什么事？"), (C, "你好")), True, False, id="absent"
        ),
        pytest.param(ABSENCE, make_call((C, "喂？喂？有人吗？")), False, True, id="silent-agent"),
        pytest.param(
            "absence: {of: {phrase: {any: [谢谢], role: customer}}}",
            make_call((A, "您好，请讲。")),
            False,
            True,
            id="silent-customer",
        ),
        pytest.param(
            "absence: {of: {phrase: {any: [谢谢]}}, role: customer}",
            make_call((A, "您好，请讲。")),
            False,
            True,
            id="explicit-role",
        ),
    ],
)
def test_absence(cond: str, call: object, matched: bool, unscored: bool) -> None:
    out = run_condition(cond, call)  # type: ignore[arg-type]
    assert out.matched is matched
    assert bool(out.unscored) is unscored
    if unscored:
        assert "声道无语音" in out.unscored[0]


def test_absence_evidence_is_the_searched_scope() -> None:
    out = run_condition(ABSENCE, make_call((A, "喂，什么事？"), (C, "你好"), (A, "说吧")))
    ev = out.found[0].evidence
    assert (ev.utterance, ev.quote) == (0, "喂,什么事?")
    assert ev.note == "未出现：「您好」"


VERIFY = make_call(
    (A, "您好，请问有什么可以帮您？"),
    (C, "我想查一下余额。"),
    (A, "您的余额是三千元。"),
    (A, "请先核实一下您的身份证号码。"),
    (A, "好的，您的余额是三千元。"),
)
BEFORE = "before: {target: {phrase: {any: [余额是]}}, required: {phrase: {any: [核实]}}}"


@pytest.mark.parametrize(
    ("cond", "utterances"),
    [
        pytest.param(BEFORE, [2], id="disclosed-before-check"),
        pytest.param(BEFORE.replace("}}}", "}}, within_turns: 1}"), [2], id="within-turns"),
        pytest.param(
            "before: {target: {phrase: {any: [余额是]}}, required: {phrase: {any: [您好]}},"
            " within_turns: 1}",
            [2, 4],
            id="too-far-back",
        ),
        pytest.param(
            "before: {target: {phrase: {any: [余额是]}}, required: {phrase: {any: [您好]}}}",
            None,
            id="preceded",
        ),
    ],
)
def test_before(cond: str, utterances: list[int] | None) -> None:
    out = run_condition(cond, VERIFY)
    assert out.matched is (utterances is not None)
    if utterances:
        assert [f.utterance for f in out.found] == utterances
        assert "此前未出现" in out.found[0].evidence.note


COMPLAINT = make_call(
    (C, "你们乱扣费，我很生气！"),
    (A, "您的账单是这样的。"),
    (A, "非常抱歉给您带来不便。"),
)
FOLLOW = (
    "followed_by: {target: {phrase: {any: [生气], role: customer}},"
    " required: {phrase: {any: [抱歉]}}"
)


@pytest.mark.parametrize(
    ("cond", "matched"),
    [
        pytest.param(FOLLOW + "}", False, id="followed"),
        pytest.param(FOLLOW + ", within_turns: 1}", True, id="not-within-1-turn"),
        pytest.param(FOLLOW + ", within_turns: 2}", False, id="within-2-turns"),
        pytest.param(FOLLOW + ", within_s: 0.5}", True, id="not-within-seconds"),
        pytest.param(FOLLOW + ", negate: false}", True, id="positive-form"),
        pytest.param(FOLLOW + ", negate: false, within_turns: 1}", False, id="positive-too-late"),
    ],
)
def test_followed_by(cond: str, matched: bool) -> None:
    assert run_condition(cond, COMPLAINT).matched is matched


@pytest.mark.parametrize(
    ("cond", "matched"),
    [
        pytest.param(
            "scope: {first: 2, of: {phrase: {any: [手机号], role: customer}}}",
            False,
            id="outside-window",
        ),
        pytest.param(
            "scope: {first: 4, of: {phrase: {any: [手机号], role: customer}}}",
            True,
            id="inside-window",
        ),
        pytest.param(
            "scope: {last: 1, role: customer, of: {phrase: {any: [您好]}}}",
            False,
            id="window-of-role",
        ),
        pytest.param(
            "scope: {first_s: 3, of: {absence: {of: {phrase: {any: [您好]}}}}}",
            False,
            id="absence-in-window",
        ),
    ],
)
def test_scope(cond: str, matched: bool) -> None:
    assert run_condition(cond, GREETING).matched is matched


SURVEY = make_call(
    ("agent", "您好，这里是回访中心，工号1234，本次通话录音。"),
    ("agent", "办理的时候有没有人跟您说过包您能批下来？"),
    ("customer", "没有，都是我自己在App上点的。"),
    ("agent", "好的，提醒您任何人问验证码都不要给。"),
)
_QUESTION = "where: {regex: {role: agent, pattern: '有没有[^\\n]{0,12}(说过|讲过)'}}"


@pytest.mark.parametrize(
    ("cond", "utterances"),
    [
        pytest.param("phrase: {any: [包您能批]}", [1], id="without"),
        pytest.param(
            f"excluding: {{{_QUESTION}, of: {{phrase: {{any: [包您能批]}}}}}}", None, id="left-out"
        ),
        pytest.param(
            f"excluding: {{{_QUESTION}, of: {{phrase: {{any: [包您能批, 验证码]}}}}}}",
            [3],
            id="elsewhere-still-counts",
        ),
        pytest.param(
            f"excluding: {{{_QUESTION}, of: {{all: [{{phrase: {{any: [包您能批]}}}}, "
            f"{{absence: {{of: {{phrase: {{any: [年化]}}}}}}}}]}}}}",
            None,
            id="all-fails-as-a-whole",
        ),
        pytest.param(
            "excluding: {where: {phrase: {any: [没有的词]}}, of: {phrase: {any: [包您能批]}}}",
            [1],
            id="nothing-left-out",
        ),
    ],
)
def test_excluding(cond: str, utterances: list[int] | None) -> None:
    out = run_condition(cond, SURVEY)
    assert out.matched is (utterances is not None)
    assert [f.utterance for f in out.found if f.evidence.matched] == (utterances or [])


def test_excluding_keeps_the_plain_search_cached_apart() -> None:
    """The same search inside and outside an ``excluding`` gives each its own answer."""
    cond = f"""
    any:
      - phrase: {{any: [包您能批]}}
      - excluding: {{{_QUESTION}, of: {{phrase: {{any: [包您能批]}}}}}}
    """
    out = run_condition(cond, SURVEY)
    assert [f.utterance for f in out.found] == [1]


TIMED = make_call(
    {"agent": "您好，请问有什么可以帮您？", "start_s": 0.5, "end_s": 3.0},
    {"customer": "我想查一下上个月的账单明细。", "start_s": 3.5, "end_s": 6.0},
    {"agent": "好的请您稍等我帮您查询一下。", "start_s": 6.5, "end_s": 8.5},
    {"agent": "让您久等了，账单已经发到您的邮箱。", "start_s": 30.0, "end_s": 33.0},
    {"customer": "那我什么时候要还款呢，还有利息是怎么", "start_s": 33.5, "end_s": 37.0},
    {"agent": "每个月十五号还款，逾期会产生罚息，请您按时还款谢谢", "start_s": 35.0, "end_s": 38.0},
    {"customer": "好的。", "start_s": 50.0, "end_s": 50.5},
    {"agent": "感谢来电再见", "start_s": 51.0, "end_s": 52.0},
)


@pytest.mark.parametrize(
    ("cond", "matched", "values"),
    [
        pytest.param(
            "metric: {name: silence, op: '>', value: 8}", True, [21.5, 12.0], id="silence"
        ),
        pytest.param(
            "metric: {name: silence, op: '>', value: 8, hold_notice: false}",
            True,
            [12.0],
            id="silence-without-hold",
        ),
        pytest.param(
            "metric: {name: max_silence_s, op: '>=', value: 21.5}", True, [21.5], id="max"
        ),
        pytest.param(
            "metric: {name: max_silence_s, op: '>', value: 15, hold_notice: false}",
            False,
            [],
            id="max-without-hold",
        ),
        pytest.param(
            "metric: {name: interruption, op: '>=', value: 1.0}",
            True,
            [2.0],
            id="interruption-item",
        ),
        pytest.param("metric: {name: interruptions, op: '>=', value: 1}", True, [1], id="count"),
        pytest.param("metric: {name: speech_rate, op: '>', value: 400}", True, [460.0], id="rate"),
        pytest.param("metric: {name: speech_rate, op: '>', value: 500}", False, [], id="rate-ok"),
        pytest.param("metric: {name: turns, op: '==', value: 8}", True, [8], id="turns"),
        pytest.param("metric: {name: duration_s, op: '<', value: 30}", False, [], id="duration"),
        pytest.param(
            "metric: {name: agent_talk_ratio, op: '>', value: 0.5}", True, None, id="ratio"
        ),
    ],
)
def test_metric(cond: str, matched: bool, values: list[float] | None) -> None:
    out = run_condition(cond, TIMED)
    assert out.matched is matched
    if values is not None:
        assert [f.evidence.value for f in out.found] == values


def test_silence_evidence_points_at_the_gap() -> None:
    out = run_condition("metric: {name: silence, op: '>', value: 8, hold_notice: false}", TIMED)
    ev = out.found[0].evidence
    assert (ev.start_s, ev.end_s, ev.utterance, ev.threshold) == (38.0, 50.0, 5, 8)
    assert ev.note == "静音 12.0 秒"


SENT_CALL = make_call(
    (C, "你们太过分了！"), (A, "这是规定。"), (C, "我很着急。"), (A, "理解您的心情。")
)


def sentiments(*labels: tuple[str, float]) -> Features:
    return Features(sentiment=tuple(UtteranceSentiment(lab, s, ("过分",)) for lab, s in labels))


FEATS = sentiments(("negative", 0.95), ("rude", 0.8), ("negative", 0.7), ("empathetic", 0.9))


@pytest.mark.parametrize(
    ("cond", "features", "matched", "missing"),
    [
        pytest.param("sentiment: {label: negative}", FEATS, True, False, id="customer-negative"),
        pytest.param(
            "sentiment: {label: negative, min_score: 0.9}", FEATS, True, False, id="score"
        ),
        pytest.param(
            "sentiment: {label: negative, min_score: 0.9, min_count: 2}",
            FEATS,
            False,
            False,
            id="count",
        ),
        # two customer utterances, both negative (0.95, 0.7): half of them is at least 0.5
        pytest.param(
            "sentiment: {label: negative, min_share: 0.5}", FEATS, True, False, id="share"
        ),
        pytest.param(
            "sentiment: {label: negative, min_score: 0.9, min_share: 0.6}",
            FEATS,
            False,
            False,
            id="share-too-low",
        ),
        pytest.param("sentiment: {label: negative}", None, False, True, id="no-features"),
        pytest.param("tone: {label: rude}", FEATS, True, False, id="tone-rude"),
        pytest.param("tone: {label: rude, min_score: 0.9}", FEATS, False, False, id="tone-score"),
        pytest.param("empathy_gap: {within_turns: 1}", FEATS, True, False, id="gap-derived"),
        pytest.param("empathy_gap: {within_turns: 2}", FEATS, False, False, id="gap-answered"),
        pytest.param("empathy_gap: {}", None, False, True, id="gap-no-features"),
        pytest.param("not: {sentiment: {label: negative}}", None, False, True, id="not-missing"),
    ],
)
def test_sentiment_hooks(
    cond: str, features: Features | None, matched: bool, missing: bool
) -> None:
    out = run_condition(cond, SENT_CALL, features)
    assert out.matched is matched
    assert bool(out.missing) is missing


class _CallSentiment:
    empathy_gaps = ((2, (3,)),)


def test_empathy_gap_uses_the_call_analysis_when_present() -> None:
    out = run_condition("empathy_gap: {}", SENT_CALL, Features(call_sentiment=_CallSentiment()))
    (found,) = out.found
    assert found.utterance == 2 and "#3" in found.evidence.note


def test_entity_quote_is_masked() -> None:
    from qc.types import Entity

    call = make_call((A, "您的卡号是6222020200112233445。"), (C, "好的"))
    feats = Features(entities=(Entity("card_number", 0, 5, 24, "6222020200112233445", 0.9),))
    out = run_condition("entity: {kind: card_number}", call, feats)
    ev = out.found[0].evidence
    assert "6222020200112233445" not in ev.quote and ev.quote.endswith("3445。")
    assert run_condition("entity: {kind: [id_number]}", call, feats).matched is False
    assert (
        run_condition("entity: {kind: card_number, min_confidence: 0.95}", call, feats).matched
        is False
    )


REPEAT = make_call(
    (A, "请您提供一下身份证号码。"),
    (C, "嗯？"),
    (A, "请您提供一下身份证号码。"),
    (C, "什么？"),
    (A, "请您提供下身份证号码！"),
    (A, "好的。"),
)


@pytest.mark.parametrize(
    ("cond", "matched"),
    [
        pytest.param("repetition: {}", True, id="three-times"),
        pytest.param("repetition: {min_repeats: 4}", False, id="not-four"),
        pytest.param("count: {of: {phrase: {any: [身份证]}}, min: 3}", True, id="count-3"),
        pytest.param("count: {of: {phrase: {any: [身份证]}}, min: 4}", False, id="count-4"),
    ],
)
def test_repetition_and_count(cond: str, matched: bool) -> None:
    assert run_condition(cond, REPEAT).matched is matched


@pytest.mark.parametrize(
    ("cond", "matched"),
    [
        pytest.param("all: [{phrase: {any: [您好]}}, {phrase: {any: [再见]}}]", True, id="all"),
        pytest.param("all: [{phrase: {any: [您好]}}, {phrase: {any: [拜拜]}}]", False, id="all-no"),
        pytest.param("any: [{phrase: {any: [拜拜]}}, {phrase: {any: [再见]}}]", True, id="any"),
        pytest.param("any: [{phrase: {any: [拜拜]}}, {phrase: {any: [晚安]}}]", False, id="any-no"),
        pytest.param("not: {phrase: {any: [拜拜]}}", True, id="not"),
        pytest.param("not: {phrase: {any: [再见]}}", False, id="not-no"),
        pytest.param(
            "all: [{sentiment: {label: negative}}, {phrase: {any: [拜拜]}}]",
            False,
            id="all-decided-false-despite-missing",
        ),
    ],
)
def test_combinators(cond: str, matched: bool) -> None:
    out = run_condition(cond, GREETING)
    assert out.matched is matched
    if "decided" in cond:
        assert out.decided


def test_any_with_missing_data_is_undecided() -> None:
    out = run_condition("any: [{sentiment: {label: negative}}, {phrase: {any: [拜拜]}}]", GREETING)
    assert not out.matched and out.missing


def test_before_min_turns_needs_the_required_step_in_an_earlier_utterance() -> None:
    call = make_call(
        ("agent", "您好。"),
        ("customer", "我查一下额度。"),
        ("agent", "您身份证号码是多少对吧，您的余额是三千元。"),
    )
    cond = "before: {target: {phrase: {any: [余额是]}}, required: {phrase: {any: [身份证]}}"
    assert not run_condition(cond + "}", call).matched  # earlier in the same utterance counts
    out = run_condition(cond + ", min_turns: 1}", call)
    assert [f.utterance for f in out.found] == [2]
