"""Checkpoints: save a :class:`~lrlessons.training.Trajectory` to ``.npz`` and resume it later.

The file holds only arrays and strings (never a pickle): the record, the final optimizer
state, and the plateau controller's settings, state and class path. Code is not stored, so
:func:`load_checkpoint` takes the optimizer and problem again and checks them against the
``repr`` saved with the run. ``run(..., resume=load_checkpoint(...))`` continues bit for bit:
50 steps + save + load + 50 steps equals 100 steps.

>>> import os, tempfile
>>> from lrlessons import optimizers, problems, run
>>> opt, p = optimizers.adam(lr=0.1), problems.rosenbrock()
>>> path = os.path.join(tempfile.mkdtemp(), "adam.npz")
>>> save_checkpoint(path, run(opt, p, 50))
>>> resumed = run(opt, p, 50, resume=load_checkpoint(path, opt, p))
>>> bool((resumed.theta == run(opt, p, 100).theta).all())
True
"""

from __future__ import annotations

import importlib
from dataclasses import fields

import numpy as np

from ..optimizers.base import check_state
from .loop import Trajectory

__all__ = ["save_checkpoint", "load_checkpoint"]


def save_checkpoint(path, trajectory: Trajectory) -> None:
    """Save a trajectory, its final optimizer state and plateau state to ``path`` (``.npz``).

    Reload with :func:`load_checkpoint` and continue with ``run(..., resume=loaded)``.
    """
    t = trajectory
    out = {
        "meta/optimizer": np.array(repr(t.optimizer)),
        "meta/problem": np.array(repr(t.problem)),
        "loss": t.loss, "lr": t.lr, "grad_norm": t.grad_norm,
        "theta_last": t.theta_last, "divergence_limit": t.divergence_limit,
        "diverged_at": np.asarray(-1 if t.diverged_at is None else t.diverged_at),
    }
    if t.theta is not None:
        out["theta"] = t.theta
    if t.grad is not None:
        out["grad"] = t.grad
    for name, value in zip(t.state._fields, t.state):
        if value is not None:                                  # e.g. Adam's v_max without AMSGrad
            out[f"state/{name}"] = np.asarray(value)
    if t.trace is not None:
        out["meta/trace_fields"] = np.array(list(t.trace._fields))
        for name, value in zip(t.trace._fields, t.trace):
            if value is not None:
                out[f"trace/{name}"] = np.asarray(value)
    if t.plateau is not None:
        out["meta/plateau_class"] = np.array(f"{type(t.plateau).__module__}:{type(t.plateau).__qualname__}")
        for f in fields(t.plateau):
            out[f"plateau/{f.name}"] = np.asarray(getattr(t.plateau, f.name))
        for name, value in zip(t.plateau_state._fields, t.plateau_state):
            out[f"plateau_state/{name}"] = np.asarray(value)
    np.savez(path, **out)


#: What every checkpoint holds (the rest depends on what the run recorded).
REQUIRED = ("meta/optimizer", "meta/problem", "loss", "lr", "grad_norm", "theta_last", "divergence_limit",
            "diverged_at")


def _read(path) -> dict:
    """Every array of the ``.npz`` at ``path``, or a ``ValueError`` naming the file."""
    try:
        with np.load(path, allow_pickle=False) as z:
            if not hasattr(z, "files"):
                raise ValueError("it holds one array, not an .npz archive")
            data = {k: z[k] for k in z.files}
    except FileNotFoundError:
        raise
    except Exception as err:  # noqa: BLE001 - whatever a damaged archive raises (BadZipFile, EOFError, ...)
        raise ValueError(f"The checkpoint {str(path)!r} cannot be read as an .npz archive written by "
                         f"save_checkpoint (truncated or another format?): {type(err).__name__}: {err}") from None
    missing = [k for k in REQUIRED if k not in data]
    if missing:
        raise ValueError(f"The checkpoint {str(path)!r} lacks {', '.join(map(repr, missing))}: it was not written "
                         f"by save_checkpoint, or it was damaged.")
    return data


def _check_shapes(path, data: dict, theta_last: np.ndarray) -> None:
    """The record's arrays must agree with each other (steps and runs) or the file was altered."""
    if theta_last.ndim == 0 or data["lr"].ndim == 0 or theta_last.dtype.kind != "f":
        raise ValueError(f"The checkpoint {str(path)!r} is inconsistent: theta_last has shape {theta_last.shape} "
                         f"and dtype {theta_last.dtype}, lr shape {data['lr'].shape} (damaged?).")
    runs, steps = theta_last.shape[:-1], data["lr"].shape[0]
    expect = {"loss": (steps + 1,) + runs, "lr": (steps,) + runs, "grad_norm": (steps,) + runs,
              "divergence_limit": runs, "diverged_at": runs}
    for key, shape in expect.items():
        if data[key].shape != shape:
            raise ValueError(f"The checkpoint {str(path)!r} is inconsistent: {key!r} has shape {data[key].shape}, "
                             f"expected {shape} (damaged?).")
    for key in ("theta", "grad"):
        if key in data and data[key].shape[1:] != theta_last.shape:
            raise ValueError(f"The checkpoint {str(path)!r} is inconsistent: {key!r} has shape {data[key].shape} "
                             f"for theta_last of shape {theta_last.shape} (damaged?).")


def load_checkpoint(path, optimizer, problem) -> Trajectory:
    """Load a :func:`save_checkpoint` file for ``optimizer`` and ``problem``.

    Both must have the ``repr`` they had when saved (checked, ``ValueError`` otherwise): the
    file stores arrays, not code. The optimizer state's type comes from ``optimizer.init``;
    the plateau controller is rebuilt from its class path (a class inside ``lrlessons``).
    A file that is not a readable ``.npz`` (truncated, another format) or lacks what
    :func:`save_checkpoint` writes raises ``ValueError`` naming the file; a missing file
    raises ``FileNotFoundError``.
    """
    data = _read(path)
    for key, obj in (("optimizer", optimizer), ("problem", problem)):
        saved = str(data[f"meta/{key}"])
        if saved != repr(obj):
            raise ValueError(f"The {key!r} argument of load_checkpoint must match the saved one, {saved}. "
                             f"Got {obj!r} instead.")
    theta_last = data["theta_last"]
    _check_shapes(path, data, theta_last)
    template = optimizer.init(theta_last)
    try:
        state = type(template)(*[
            None if f"state/{name}" not in data else
            data[f"state/{name}"] if isinstance(ref, np.ndarray) else data[f"state/{name}"].item()
            for name, ref in zip(template._fields, template)
        ])
        check_state(optimizer, theta_last, state, "state", "load_checkpoint")     # (buffer shapes too)
    except (TypeError, ValueError) as err:
        raise ValueError(f"The checkpoint {str(path)!r} holds an optimizer state that {optimizer.name} cannot use "
                         f"({err}).") from None
    trace = None
    if "meta/trace_fields" in data:
        from ..optimizers import trace as make_trace

        trace = make_trace(**{str(n): data.get(f"trace/{n}") for n in data["meta/trace_fields"]})
    plateau = pstate = None
    if "meta/plateau_class" in data:
        module, _, qualname = str(data["meta/plateau_class"]).partition(":")
        if not module.startswith("lrlessons."):
            raise ValueError(f"The checkpoint {path!r} names a controller outside lrlessons: {module}.{qualname}.")
        try:
            cls = getattr(importlib.import_module(module), qualname)    # e.g. pytorch's ReduceLROnPlateau
            plateau = cls(**{f.name: data[f"plateau/{f.name}"].item() for f in fields(cls)})
            template = plateau.init(0.0)                               # its state type; ints stay ints
            pstate = type(template)(*[int(data[f"plateau_state/{n}"]) if isinstance(ref, int)
                                      else data[f"plateau_state/{n}"] for n, ref in zip(template._fields, template)])
        except (ImportError, AttributeError, KeyError, TypeError, ValueError) as err:
            raise ValueError(f"The checkpoint {str(path)!r} has a plateau controller that cannot be rebuilt "
                             f"({module}.{qualname}: {type(err).__name__}: {err}).") from None
    d = data["diverged_at"]
    diverged_at = d if theta_last.ndim > 1 else (None if int(d) < 0 else int(d))
    return Trajectory(theta=data.get("theta"), loss=data["loss"], lr=data["lr"], grad_norm=data["grad_norm"],
                      grad=data.get("grad"), trace=trace, diverged_at=diverged_at, optimizer=optimizer,
                      problem=problem, state=state, theta_last=theta_last,
                      divergence_limit=data["divergence_limit"], plateau=plateau, plateau_state=pstate)
