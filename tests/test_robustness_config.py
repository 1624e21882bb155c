"""Issue 14, class 3: the OD API config reader answers every input with a ValueError/TypeError
naming the line and field, in linear time and bounded depth; fuzzed with hypothesis."""

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lrlessons as ll
from lrlessons.frameworks.od_api.text_format import parse_text_format

create_learning_rate = ll.create_learning_rate


def _raises(config, match):
    with pytest.raises(ValueError, match=match):
        create_learning_rate(config)


def test_unclosed_list_names_the_line():
    _raises("learning_rate: [", r"line 1: missing '\]' closing the list of 'learning_rate'")


@pytest.mark.parametrize("config", [
    "a {" * 5000,
    "a: [" + "{ b: [" * 5000,
    "{" + '"a": {' * 5000 + "}" * 5001,
])
def test_deep_nesting_is_bounded(config):
    _raises(config, "deeper than 100")


def test_deep_dict_is_bounded():
    d = x = {}
    for _ in range(5000):
        x["a"] = {}
        x = x["a"]
    _raises(d, "deeper than 100")


def test_tokenizing_is_linear():
    block = "manual_step_learning_rate { initial_learning_rate: 0.1 schedule { step: 10 learning_rate: 0.01 } }\n"
    text = "# a long comment line\n" * 10000 + block * 7500   # ~1 MB
    t = time.perf_counter()
    parse_text_format(text)
    assert time.perf_counter() - t < 2.0


def test_too_long_text_is_refused():
    _raises("constant_learning_rate {}" + " " * 2_000_000, "too long")


@pytest.mark.parametrize("config, match", [
    ("constant_learning_rate {\n  learning_rate: 0.1\n  learning_rate: 0.2\n}",
     r"Line 3 of the config: The 'learning_rate' field of constant_learning_rate is not repeated.*expected one number"),
    ("cosine_decay_learning_rate {\n total_steps: [10, 20] }",
     r"Line 2 of the config: The 'total_steps' field .*expected one integer in \[0, 4294967295\]"),
    ("constant_learning_rate { learning_rate { x: 1 } }", "holds a value, not a block"),
    ("constant_learning_rate {\n learning_rate: 1e400 }", r"Line 2 of the config: .*must be (?:finite and )?in \[0, inf\). Got inf"),
    ('constant_learning_rate { learning_rate: 0.1 } name: "\\xZZ"', r"line 1: invalid escape '\\x'"),
    ('constant_learning_rate { learning_rate: 0.1 } name: "\\xff"', "not valid UTF-8"),
    (b"constant_learning_rate { learning_rate: 0.1 }\n# \xff\xfe", "not valid UTF-8 at line 2"),
    ("configs/missing.config", "no file 'configs/missing.config'"),
    ("missing_pipeline.config", "no file"),
])
def test_clear_errors(config, match):
    _raises(config, match)


def test_missing_path_object(tmp_path):
    _raises(tmp_path / "nope.config", "cannot be read")


def test_escapes_follow_protobuf():
    assert parse_text_format(r'a: "\x41\101\u00e9\n"') == {"a": "AAé\n"}


def test_valid_configs_still_parse(tmp_path):
    f = tmp_path / "p.config"
    f.write_text("constant_learning_rate { learning_rate: 0.5 }")
    assert float(create_learning_rate(str(f))(0)) == 0.5


# ----- generated inputs -----------------------------------------------------------------

_GOOD = [
    "constant_learning_rate { learning_rate: 0.1 }",
    "exponential_decay_learning_rate { initial_learning_rate: 0.004 decay_steps: 800 decay_factor: 0.95 "
    "burnin_learning_rate: 0.001 burnin_steps: 10 min_learning_rate: 0.0001 staircase: false }",
    "manual_step_learning_rate { initial_learning_rate: 0.0002 schedule { step: 900 learning_rate: .00002 } "
    "schedule { step: 1200 learning_rate: .000002 } warmup: true }",
    "learning_rate: { cosine_decay_learning_rate { learning_rate_base: .04 total_steps: 2500 "
    "warmup_learning_rate: .013333 warmup_steps: 200 hold_base_rate_steps: 10 } }",
]
_PIECES = ["{", "}", "<", ">", "[", "]", ":", ",", ";", "#", '"', "'", "\\x", "\\", "\n", " ", "-", "1e400",
           "nan", "inf", "-1", "4294967296", "1.5", "0", "true", "learning_rate", "schedule", "step", "9" * 500]


def _check(config):
    try:
        s = create_learning_rate(config)
    except (ValueError, TypeError):
        return
    s([0, 1, 10, 10**6])


@settings(max_examples=150, deadline=1000, suppress_health_check=[HealthCheck.too_slow])
@given(base=st.sampled_from(_GOOD), edits=st.lists(
    st.tuples(st.floats(0, 1), st.integers(0, 12), st.sampled_from(_PIECES)), max_size=4))
def test_mutated_text_gives_a_schedule_or_a_clear_error(base, edits):
    text = base
    for where, cut, piece in edits:
        i = int(where * len(text))
        text = text[:i] + piece + text[i + cut:]
    _check(text)


@settings(max_examples=100, deadline=1000)
@given(st.text(alphabet=st.sampled_from(list("{}<>[]:,;#\"'\\ \nab_019.-eE")), max_size=80))
def test_arbitrary_text(text):
    _check(text)


_json = st.recursive(
    st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats() | st.text(max_size=5),
    lambda c: st.lists(c, max_size=3) | st.dictionaries(
        st.sampled_from(["learning_rate", "constant_learning_rate", "cosine_decay_learning_rate", "schedule",
                         "step", "total_steps", "warmup_steps", "decay_steps", "initial_learning_rate", "x",
                         "manual_step_learning_rate", "exponential_decay_learning_rate", "warmup"]), c, max_size=3),
    max_leaves=12,
)


@settings(max_examples=150, deadline=1000)
@given(_json)
def test_generated_dicts(cfg):
    _check(cfg)
