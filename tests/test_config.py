"""create_learning_rate: the Object Detection API builder, its upstream test values and config formats.

Expected values are those of tensorflow/models ``research/object_detection/utils/
learning_schedules_test.py`` (TF2-era, @417e1f5).
"""

from __future__ import annotations

import inspect
import json

import numpy as np
import pytest

import lrlessons
from lrlessons import schedules
from lrlessons.frameworks.od_api import (
    ODLearningRate,
    cosine_decay_with_warmup,
    create_learning_rate,
    exponential_decay_with_burnin,
    manual_stepping,
    parse_text_format,
)


# ---------------------------------------------------------------------------------------
# upstream test values
# ---------------------------------------------------------------------------------------


def test_exponential_decay_with_burnin_upstream():
    s = exponential_decay_with_burnin(1.0, 3, 0.1, burnin_learning_rate=0.5, burnin_steps=2, min_learning_rate=0.05)
    np.testing.assert_allclose(s(range(9)), [0.5, 0.5, 1, 1, 1, 0.1, 0.1, 0.1, 0.05], rtol=1e-12)


def test_exponential_decay_learning_rate_config_upstream():
    s = create_learning_rate({"exponential_decay_learning_rate": {
        "initial_learning_rate": 1.0, "decay_steps": 3, "decay_factor": 0.1,
        "burnin_learning_rate": 0.5, "burnin_steps": 2, "min_learning_rate": 0.05}})
    np.testing.assert_allclose(s(range(9)), [0.5, 0.5, 1, 1, 1, 0.1, 0.1, 0.1, 0.05], rtol=1e-12)


def test_burnin_zero_means_base_rate_and_min_clips_burnin():
    s = exponential_decay_with_burnin(1.0, 3, 0.1, burnin_learning_rate=0.0, burnin_steps=2)
    np.testing.assert_allclose(s([0, 1, 2]), [1.0, 1.0, 1.0])
    s = exponential_decay_with_burnin(1.0, 3, 0.1, burnin_learning_rate=0.01, burnin_steps=2, min_learning_rate=0.05)
    np.testing.assert_allclose(s([0, 1]), [0.05, 0.05])
    smooth = exponential_decay_with_burnin(1.0, 3, 0.1, burnin_steps=2, staircase=False)
    assert float(smooth(3)) == pytest.approx(0.1 ** (1 / 3), rel=1e-14)


def test_cosine_decay_with_warmup_upstream():
    s = create_learning_rate({"cosine_decay_learning_rate": {
        "learning_rate_base": 1.0, "total_steps": 100, "warmup_learning_rate": 0.1, "warmup_steps": 9}})
    np.testing.assert_allclose(s([0, 4, 8, 9, 100, 101]), [0.1, 0.5, 0.9, 1.0, 0.0, 0.0], rtol=1e-12, atol=1e-15)


def test_cosine_decay_with_hold_upstream():
    s = create_learning_rate({"cosine_decay_learning_rate": {
        "learning_rate_base": 1.0, "total_steps": 120, "warmup_learning_rate": 0.1, "warmup_steps": 9,
        "hold_base_rate_steps": 20}})
    got = s([0, 4, 8, 9, 10, 29, 30, 50, 70, 120])
    np.testing.assert_allclose(got, [0.1, 0.5, 0.9, 1, 1, 1, 0.999702, 0.874255, 0.577365, 0], atol=1e-6)


def test_manual_stepping_upstream():
    s = manual_stepping([2, 3, 7], [1.0, 2.0, 3.0, 4.0])
    np.testing.assert_array_equal(s(range(10)), [1, 1, 2, 3, 3, 3, 3, 4, 4, 4])
    assert float(manual_stepping([], [0.01])(123)) == 0.01


def test_manual_stepping_warmup_upstream():
    s = manual_stepping([4, 6, 8], [0.02, 0.10, 0.01, 0.001], warmup=True)
    np.testing.assert_allclose(s(range(9)), [0.02, 0.04, 0.06, 0.08, 0.10, 0.10, 0.01, 0.01, 0.001], rtol=1e-12)


def test_manual_stepping_docstring_example():
    s = create_learning_rate({"manual_step_learning_rate": {"initial_learning_rate": 0.1, "schedule": [
        {"step": 5, "learning_rate": 0.01}, {"step": 10, "learning_rate": 0.001}]}})
    np.testing.assert_array_equal(s([0, 4, 5, 9, 10, 99]), [0.1, 0.1, 0.01, 0.01, 0.001, 0.001])


# ---------------------------------------------------------------------------------------
# defaults
# ---------------------------------------------------------------------------------------


def test_proto_defaults():
    assert float(create_learning_rate({"constant_learning_rate": {}})(7)) == 0.002
    e = create_learning_rate({"exponential_decay_learning_rate": {}})
    np.testing.assert_allclose(e([0, 3999999, 4000000]), [0.002, 0.002, 0.002 * 0.95])   # staircase by default
    assert e.fields["staircase"] is True


def test_cosine_default_trap_warmup_from_2e4():
    s = create_learning_rate({"cosine_decay_learning_rate": {"learning_rate_base": 0.04, "total_steps": 25000}})
    assert s.fields["warmup_steps"] == 10000 and s.fields["warmup_learning_rate"] == 0.0002
    np.testing.assert_allclose(s([0, 5000, 10000]), [0.0002, 0.0201, 0.04], rtol=1e-12)
    assert "warmup_steps=10000" in repr(s)


def test_repr_shows_every_field():
    s = create_learning_rate({"manual_step_learning_rate": {"schedule": {"step": 10, "learning_rate": 0.001}}})
    assert repr(s) == (
        "ManualStepLearningRate(initial_learning_rate=0.002, schedule=[{step: 10, learning_rate: 0.001}], warmup=False)"
    )
    assert isinstance(s, schedules.Schedule) and isinstance(s, ODLearningRate)
    assert "0x" not in repr(s.schedule)


# ---------------------------------------------------------------------------------------
# input formats
# ---------------------------------------------------------------------------------------

COSINE_TEXT = """
learning_rate: {
  cosine_decay_learning_rate {
    learning_rate_base: .04
    total_steps: 25000
    warmup_learning_rate: .013333
    warmup_steps: 2000
  }
}
"""
COSINE_DICT = {"cosine_decay_learning_rate": {"learning_rate_base": 0.04, "total_steps": 25000,
                                              "warmup_learning_rate": 0.013333, "warmup_steps": 2000}}
STEPS = np.array([0, 1, 1000, 1999, 2000, 2001, 13500, 24999, 25000, 25001])


def _expected_cosine(t):
    ramp = 0.013333 + (0.04 - 0.013333) * t / 2000
    cos = 0.5 * 0.04 * (1 + np.cos(np.pi * (t - 2000) / 23000))
    return np.where(t < 2000, ramp, np.where(t > 25000, 0.0, cos))


def test_text_format_block_from_pipeline_config():
    s = create_learning_rate(COSINE_TEXT)
    np.testing.assert_allclose(s(STEPS), _expected_cosine(STEPS), rtol=1e-12, atol=1e-18)
    assert float(s(13500)) == pytest.approx(0.02, rel=1e-12)


@pytest.mark.parametrize("form", ["dict", "json", "json_file", "text_file", "camel_json", "wrapped"])
def test_every_input_form_agrees(form, tmp_path):
    if form == "dict":
        cfg = COSINE_DICT
    elif form == "json":
        cfg = json.dumps(COSINE_DICT)
    elif form == "json_file":
        p = tmp_path / "lr.json"
        p.write_text(json.dumps({"learning_rate": COSINE_DICT}))
        cfg = str(p)
    elif form == "text_file":
        p = tmp_path / "pipeline.config"
        p.write_text("train_config {\n batch_size: 64\n optimizer {\n momentum_optimizer {\n"
                     + COSINE_TEXT + "\n momentum_optimizer_value: 0.9 } use_moving_average: false } }\n")
        cfg = p
    elif form == "camel_json":
        cfg = json.dumps({"cosineDecayLearningRate": {"learningRateBase": 0.04, "totalSteps": 25000,
                                                      "warmupLearningRate": 0.013333, "warmupSteps": 2000}})
    else:
        cfg = {"optimizer": {"rms_prop_optimizer": {"learning_rate": COSINE_DICT, "decay": 0.9}}}
    s = create_learning_rate(cfg)
    np.testing.assert_allclose(s(STEPS), _expected_cosine(STEPS), rtol=1e-12, atol=1e-18)


def test_manual_step_text_with_repeated_schedule_and_optimizer_wrapper():
    text = """
    optimizer {
      rms_prop_optimizer: {
        learning_rate: {
          manual_step_learning_rate {
            initial_learning_rate: 0.0002
            schedule { step: 900000 learning_rate: .00002 }
            schedule {
              step: 1200000
              learning_rate: .000002
            }
          }
        }
        momentum_optimizer_value: 0.9  # a comment
        decay: 0.9
        epsilon: 1.0
      }
    }
    """
    s = create_learning_rate(text)
    np.testing.assert_allclose(s([0, 899999, 900000, 1199999, 1200000]), [2e-4, 2e-4, 2e-5, 2e-5, 2e-6], rtol=1e-15)
    assert len(s.fields["schedule"]) == 2


def test_single_schedule_entry_and_warmup_flag_in_text():
    s = create_learning_rate("manual_step_learning_rate { initial_learning_rate: 0.02 "
                             "schedule { step: 4 learning_rate: 0.1 } warmup: true }")
    np.testing.assert_allclose(s([0, 2, 4, 10]), [0.02, 0.06, 0.1, 0.1], rtol=1e-12)


def test_parse_text_format_features():
    got = parse_text_format('a: 1 b: -2.5e-3 c: true d: "x y" e < f: .5 > g: [1, 2] h: ENUM; i {}')
    assert got == {"a": 1, "b": -0.0025, "c": True, "d": "x y", "e": {"f": 0.5}, "g": [1, 2], "h": "ENUM", "i": {}}


@pytest.mark.parametrize("text", [
    "learning_rate { constant_learning_rate { learning_rate: 0.1 }",      # missing }
    "learning_rate { constant_learning_rate { learning_rate: } }",
    "__import__('os').system('echo hi')",
])
def test_malformed_text_raises_value_error(text):
    with pytest.raises(ValueError, match="Cannot parse|not supported"):
        create_learning_rate(text)


def test_top_level_lazy_export():
    assert lrlessons.create_learning_rate is create_learning_rate


# ---------------------------------------------------------------------------------------
# errors: unknown names suggest the closest valid one; upstream's checks
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("cfg,parts", [
    ({"cosine_decay_learning_rat": {}}, ["cosine_decay_learning_rat", "not supported", "Did you mean 'cosine_decay_learning_rate'"]),
    ({"cosine_decay_learning_rate": {"warmup_step": 5}}, ["'warmup_step'", "Did you mean 'warmup_steps'"]),
    ({"exponential_decay_learning_rate": {"decay_factr": 0.5}}, ["'decay_factr'", "Did you mean 'decay_factor'"]),
    ({"manual_step_learning_rate": {"schedule": [{"steps": 5}]}}, ["'steps'", "Did you mean 'step'"]),
    ({"learning_rate": {"constant_learning_rate": {}, "cosine_decay_learning_rate": {}}}, ["oneof", "constant_learning_rate"]),
    ({"manual_step_learning_rate": {"initial_learning_rate": 0.1}}, ["Empty learning rate schedule"]),
    ({"manual_step_learning_rate": {"schedule": [{"step": 0, "learning_rate": 0.1}]}}, ["First step cannot be zero"]),
    ({"manual_step_learning_rate": {"schedule": [{"step": 9, "learning_rate": 0.1}, {"step": 5, "learning_rate": 0.1}]}},
     ["strictly increasing", "[9, 5]"]),
    ({"cosine_decay_learning_rate": {"total_steps": 5000}}, ["total_steps must be larger or equal to warmup_steps", "5000", "10000"]),
    ({"cosine_decay_learning_rate": {"learning_rate_base": 0.0001}},
     ["learning_rate_base must be larger or equal to warmup_learning_rate", "0.0001", "0.0002"]),
    ({"constant_learning_rate": {"learning_rate": -0.1}}, ["'learning_rate'", "[0, inf)", "-0.1"]),
    ({"cosine_decay_learning_rate": {"total_steps": 2.5}}, ["'total_steps'", "integer", "2.5"]),
    ({"exponential_decay_learning_rate": {"decay_steps": 0}}, ["'decay_steps'", "0"]),
])
def test_errors(cfg, parts):
    with pytest.raises((ValueError, TypeError)) as info:
        create_learning_rate(cfg)
    for p in parts:
        assert p in str(info.value), (p, str(info.value))


def test_bool_field_must_be_bool():
    with pytest.raises(TypeError, match="'staircase'.*'yes'"):
        create_learning_rate({"exponential_decay_learning_rate": {"staircase": "yes"}})


def test_no_cosine_phase_gives_base_then_zero():
    # upstream divides 0 by 0 here; lrlessons keeps the base rate up to total_steps, then 0
    s = cosine_decay_with_warmup(1.0, 10, 0.5, warmup_steps=10)
    np.testing.assert_allclose(s([0, 5, 10, 11]), [0.5, 0.75, 1.0, 0.0])


# ---------------------------------------------------------------------------------------
# layout: the builder and the text-format parser are separate modules, one package
# ---------------------------------------------------------------------------------------


def test_package_exports_builder_and_parser():
    from lrlessons.frameworks import od_api

    assert set(od_api.__all__) == {"create_learning_rate", "parse_text_format", "ODLearningRate",
                                   "exponential_decay_with_burnin", "manual_stepping", "cosine_decay_with_warmup"}
    assert od_api.parse_text_format.__module__ == "lrlessons.frameworks.od_api.text_format"
    assert od_api.create_learning_rate.__module__ == "lrlessons.frameworks.od_api.builder"


def test_od_schedule_computes_its_core_composition():
    s = create_learning_rate(COSINE_DICT)
    assert isinstance(s.schedule, schedules.Warmup) and isinstance(s.schedule.schedule, schedules.CosineDecay)
    np.testing.assert_array_equal(s(STEPS), s.schedule(STEPS))
    assert s.source == inspect.getsource(type(s).formula) and "return schedule(t)" in s.source
    batched = ODLearningRate(s.kind, s.fields, schedules.warmup(schedules.cosine_decay([0.04, 0.08], 23000), 2000))
    assert batched(STEPS).shape == (2, STEPS.size)
