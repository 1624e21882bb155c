"""The TensorFlow Object Detection API's learning-rate builder (``builders/optimizer_builder.py``).

``create_learning_rate(config)`` reads a ``learning_rate`` config (a dict, JSON, a file or
protobuf text format) with the same fields and defaults as ``protos/optimizer.proto`` and
returns the schedule that ``_create_learning_rate`` would build. ``builder.py`` holds the four
kinds and the builder, ``text_format.py`` the protobuf text-format parser.
"""

from .builder import (
    ODLearningRate,
    cosine_decay_with_warmup,
    create_learning_rate,
    exponential_decay_with_burnin,
    manual_stepping,
)
from .text_format import parse_text_format

__all__ = ["create_learning_rate", "parse_text_format", "ODLearningRate", "exponential_decay_with_burnin",
           "manual_stepping", "cosine_decay_with_warmup"]
