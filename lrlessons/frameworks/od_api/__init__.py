"""The TensorFlow Object Detection API's learning-rate builder (``builders/optimizer_builder.py``).

``create_learning_rate(config)`` reads a ``learning_rate`` config (a dict, JSON, a file or
protobuf text format) with the same fields and defaults as ``protos/optimizer.proto`` and
returns the schedule that ``_create_learning_rate`` would build.
"""

from .builder import *  # noqa: F401,F403
from .builder import __all__
