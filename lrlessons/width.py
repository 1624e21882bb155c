r"""Learning rates across width: an MLP in the standard parametrisation (SP) or in μP.

A network's *parametrisation* says how three numbers of every layer change with the width
:math:`n`: the scale of its initial weights, a constant multiplier in the forward pass, and its
learning rate. With :math:`m = n / n_0` the width relative to a base width :math:`n_0` (where
both parametrisations are the same network), Yang et al. (2022, Table 3) give, for a weight of
shape ``(fan_in, fan_out)`` and a global learning rate :math:`\eta`:

==================  ======================  ==================  ======================
                    input weights, biases   hidden weights      output weights
==================  ======================  ==================  ======================
init variance       1/fan_in                1/fan_in            1/(fan_in m)  (SP: 1/fan_in)
multiplier          1                       1                   1
SGD learning rate   η m  (SP: η)            η                   η/m  (SP: η)
Adam learning rate  η                       η/m  (SP: η)        η/m  (SP: η)
==================  ======================  ==================  ======================

(The table's 1/fan_in² for the output variance is 1/(fan_in m) up to the constant :math:`n_0`;
"fan_out" for the SGD rate of the input weights and biases is :math:`m` up to the same constant;
the output bias has a finite fan_out, so its rate is η.) Table 8 of the paper writes the same
μP with every weight initialised at variance 1/fan_in and a forward multiplier 1/m on the
output layer, which is what the ``mup`` package's ``MuReadout`` does; :func:`layer_rules`
builds Table 3's form and reports each layer's multiplier, so both forms read the same.

Why: in SP a wider network takes larger steps in feature space (an update of every one of
:math:`n` inputs adds up coherently), so the learning rate that trains best shrinks with
width; μP rescales each layer so that one update changes every layer's output by an amount
that does not depend on :math:`n`, and the best :math:`\eta` stays put (μTransfer).

Everything is vectorised over a leading run axis: parameters have shape ``(B, fan_in,
fan_out)`` and ``(B, fan_out)``, and :func:`train` takes a ``(B,)`` array of learning rates, so a
learning-rate sweep at one width is one run. The updates are the library's own
:func:`lrlessons.optimizers.sgd` and :func:`lrlessons.optimizers.adam`, one optimizer per layer
with its per-layer rate (PyTorch's parameter groups).

The network: :math:`h_0 = x`, :math:`h_l = \tanh(a_l\, h_{l-1} W_l + b_l)` for the
``depth`` hidden layers, :math:`f(x) = a_{L}\, h_{L-1} W_{L} + b_{L}`, and the loss
:math:`\tfrac12 \operatorname{mean}_s \lVert f(x_s) - y_s \rVert^2`.

References
----------
G. Yang, E. J. Hu, I. Babuschkin, S. Sidor, X. Liu, D. Farhi, N. Ryder, J. Pachocki, W. Chen,
J. Gao (2022). Tensor Programs V: Tuning Large Neural Networks via Zero-Shot Hyperparameter
Transfer. arXiv:2203.03466 (Table 3: μP for SGD and Adam; Table 8: the output-multiplier form;
Desiderata J.1: every layer's features change by Θ(1) per update).
G. Yang, J. B. Simon, J. Bernstein (2023). A Spectral Condition for Feature Learning.
arXiv:2310.17813.
A. Karpathy, CS231n "Neural Networks Part 3": the ratio of update to weight magnitudes,
about 1e-3 as a rule of thumb.
microsoft/mup: ``mup/layer.py`` (``MuReadout``), ``mup/optim.py`` (``MuSGD``, ``MuAdam``).

>>> rules = layer_rules(width=256, parametrization="mup", optimizer="adam", base_width=64)
>>> [(r.kind, r.lr_scale) for r in rules]
[('input', 1.0), ('hidden', 0.25), ('output', 0.25)]
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from . import optimizers
from ._checks import check_choice, check_integer, check_interval, suggest_keywords

__all__ = ["PARAMETRIZATIONS", "OPTIMIZERS", "LayerRule", "layer_scales", "layer_rules", "WidthMLP", "WidthRun",
           "teacher_task", "train", "update_ratios", "optimal_lr"]

PARAMETRIZATIONS = ("sp", "mup")
OPTIMIZERS = ("sgd", "adam")


class LayerRule(NamedTuple):
    """How one layer is initialised, multiplied and stepped (see the module's table).

    ``init_std`` is the weights' standard deviation, ``multiplier`` the forward multiplier
    :math:`a_l`, ``lr_scale`` and ``bias_lr_scale`` multiply the global learning rate for the
    weights and the bias.
    """

    name: str
    kind: str
    shape: tuple
    init_std: float
    multiplier: float
    lr_scale: float
    bias_lr_scale: float


def layer_scales(kind: str, parametrization: str, optimizer: str, m: float) -> tuple[float, float, float]:
    """(init variance × fan_in, weight lr scale, bias lr scale) of a layer (Yang et al. 2022, Table 3).

    ``kind`` is ``"input"``, ``"hidden"`` or ``"output"``; ``m`` = width / base width.

    >>> layer_scales("output", "mup", "sgd", 4.0)
    (0.25, 0.25, 1.0)
    """
    check_choice("layer_scales", "kind", kind, ("input", "hidden", "output"))
    check_choice("layer_scales", "parametrization", parametrization, PARAMETRIZATIONS)
    check_choice("layer_scales", "optimizer", optimizer, OPTIMIZERS)
    if parametrization == "sp":
        return 1.0, 1.0, 1.0                     # SP: variance 1/fan_in, one rate η everywhere
    sgd = optimizer == "sgd"
    if kind == "input":                          # input weights and biases: η·fan_out (SGD), η (Adam)
        return 1.0, (m if sgd else 1.0), (m if sgd else 1.0)
    if kind == "hidden":                         # hidden weights: η (SGD), η/fan_in (Adam); biases as input
        return 1.0, (1.0 if sgd else 1 / m), (m if sgd else 1.0)
    return 1 / m, 1 / m, 1.0                     # output: variance 1/fan_in², rate η/fan_in; its bias: η


@suggest_keywords
def layer_rules(width: int, depth: int = 2, d_in: int = 8, d_out: int = 1, parametrization: str = "mup",
                optimizer: str = "adam", base_width: int = 64) -> tuple[LayerRule, ...]:
    r"""Each layer's shape, initial scale, multiplier and learning-rate scale.

    Let :math:`n` be ``width``, :math:`n_0` the ``base_width`` and :math:`m = n / n_0`. SP
    initialises every weight with variance 1/fan_in and steps every layer with the same
    :math:`\eta`; μP (Yang et al. 2022, Table 3) changes the output layer's variance to
    :math:`1/(\text{fan\_in}\, m)` and the learning rates as in the module's table. At
    :math:`n = n_0` the two are the same network.

    Parameters
    ----------
    width : int >= 1
        :math:`n`, the number of units of every hidden layer.
    depth : int >= 1
        Number of hidden layers (``depth - 1`` hidden ``n × n`` weights). Default 2.
    d_in, d_out : int >= 1
        Input and output sizes (they do not grow with the width).
    parametrization : {"sp", "mup"}
        Standard parametrisation or the maximal-update parametrisation μP.
    optimizer : {"sgd", "adam"}
        μP's learning-rate scales depend on it (SP's do not).
    base_width : int >= 1
        :math:`n_0`. Default 64.

    Returns
    -------
    tuple of LayerRule
        Input layer, ``depth - 1`` hidden layers, output layer.

    References
    ----------
    Yang et al. (2022), arXiv:2203.03466, Table 3 (and Table 8 for the multiplier form).

    >>> for r in layer_rules(1024, parametrization="mup", optimizer="sgd"):
    ...     print(f"{r.name:8s} {str(r.shape):12s} std {r.init_std:.4f}  lr x {r.lr_scale:g}")
    input    (8, 1024)    std 0.3536  lr x 16
    hidden 1 (1024, 1024) std 0.0312  lr x 1
    output   (1024, 1)    std 0.0078  lr x 0.0625
    """
    owner = "layer_rules"
    for name, value in (("width", width), ("depth", depth), ("d_in", d_in), ("d_out", d_out),
                        ("base_width", base_width)):
        check_integer(owner, name, value, 1, 1 << 16)
    check_choice(owner, "parametrization", parametrization, PARAMETRIZATIONS)
    check_choice(owner, "optimizer", optimizer, OPTIMIZERS)
    width, depth, d_in, d_out = int(width), int(depth), int(d_in), int(d_out)
    m = width / int(base_width)
    shapes = [("input", "input", (d_in, width))]
    shapes += [("hidden", f"hidden {i}", (width, width)) for i in range(1, depth)]
    shapes += [("output", "output", (width, d_out))]
    rules = []
    for kind, name, (fan_in, fan_out) in shapes:
        var, lr_scale, bias_lr_scale = layer_scales(kind, parametrization, optimizer, m)
        rules.append(LayerRule(name, kind, (fan_in, fan_out), float(np.sqrt(var / fan_in)), 1.0,
                               float(lr_scale), float(bias_lr_scale)))
    return tuple(rules)


@suggest_keywords
def teacher_task(samples: int = 256, d_in: int = 8, d_out: int = 1, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    r"""A regression task: Gaussian inputs and the outputs of a fixed random tanh network.

    :math:`x \sim \mathcal N(0, I)` of shape ``(samples, d_in)``, :math:`y = \tanh(x A)\, C`
    with a random teacher of 32 hidden units, scaled so that every output has unit variance.

    >>> x, y = teacher_task(samples=100)
    >>> x.shape, y.shape, round(float(y.std()), 6)
    ((100, 8), (100, 1), 1.0)
    """
    for name, value in (("samples", samples), ("d_in", d_in), ("d_out", d_out)):
        check_integer("teacher_task", name, value, 1, 1 << 20)
    check_integer("teacher_task", "seed", seed, 0, None)
    rng = np.random.default_rng(int(seed))
    x = rng.normal(size=(int(samples), int(d_in)))
    a = rng.normal(size=(int(d_in), 32)) / np.sqrt(d_in)
    c = rng.normal(size=(32, int(d_out)))
    y = np.tanh(2 * x @ a) @ c
    return x, (y - y.mean(axis=0)) / y.std(axis=0)


class WidthMLP:
    r"""A tanh MLP of a given width in SP or μP, batched over a leading run axis.

    Parameters are a list ``[W_1, b_1, ..., W_L, b_L]`` with ``W_l`` of shape ``(B, fan_in,
    fan_out)`` and ``b_l`` of shape ``(B, fan_out)``; :meth:`init` makes ``B`` identical copies
    (one per learning rate of a sweep). The arguments are those of :func:`layer_rules`;
    ``self.rules`` holds the result.

    >>> net = WidthMLP(128, parametrization="mup")
    >>> x, y = teacher_task(samples=16)
    >>> params = net.init(seed=0, runs=3)
    >>> [p.shape for p in params[:2]], net.loss(params, x, y).shape
    ([(3, 8, 128), (3, 128)], (3,))
    """

    def __init__(self, width: int, depth: int = 2, d_in: int = 8, d_out: int = 1, parametrization: str = "mup",
                 optimizer: str = "adam", base_width: int = 64):
        self.rules = layer_rules(width, depth=depth, d_in=d_in, d_out=d_out, parametrization=parametrization,
                                 optimizer=optimizer, base_width=base_width)
        self.width, self.parametrization, self.optimizer = int(width), parametrization, optimizer

    def __repr__(self) -> str:
        return (f"WidthMLP(width={self.width}, depth={len(self.rules) - 1}, "
                f"parametrization={self.parametrization!r}, optimizer={self.optimizer!r})")

    def init(self, seed: int = 0, runs: int = 1) -> list[np.ndarray]:
        """Weights ``N(0, init_std²)``, biases 0, the same for each of ``runs`` copies."""
        check_integer("WidthMLP.init", "seed", seed, 0, None)
        check_integer("WidthMLP.init", "runs", runs, 1, 1 << 16)
        rng = np.random.default_rng(int(seed))
        params = []
        for r in self.rules:
            w = rng.normal(scale=r.init_std, size=r.shape)
            params += [np.repeat(w[None], int(runs), axis=0), np.zeros((int(runs), r.shape[1]))]
        return params

    def forward(self, params: list, x: np.ndarray) -> list[np.ndarray]:
        """Every layer's input ``h_0 = x, h_1, ..., h_{L-1}`` and, last, the output ``f(x)``."""
        hs = [np.asarray(x, dtype=float)]
        for i, r in enumerate(self.rules):
            w, b = params[2 * i], params[2 * i + 1]
            z = r.multiplier * (hs[-1] @ w) + b[..., None, :]        # z_l = a_l h_{l-1} W_l + b_l
            hs.append(z if r.kind == "output" else np.tanh(z))       # h_l = tanh(z_l)
        return hs

    def loss(self, params: list, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """½ mean over samples of ‖f(x) − y‖², one value per run."""
        out = self.forward(params, x)[-1]
        return 0.5 * np.mean(np.sum((out - y) ** 2, axis=-1), axis=-1)

    def grad(self, params: list, x: np.ndarray, y: np.ndarray) -> list[np.ndarray]:
        """The gradient of :meth:`loss` for every parameter, by backpropagation."""
        hs = self.forward(params, x)
        dz = (hs[-1] - y) / hs[-1].shape[-2]                          # ∂L/∂f, one row per sample
        grads = [None] * len(params)
        for i in range(len(self.rules) - 1, -1, -1):
            r, h_in, w = self.rules[i], hs[i], params[2 * i]
            grads[2 * i] = r.multiplier * (np.swapaxes(h_in, -1, -2) @ dz)   # ∂L/∂W_l = a_l h_{l-1}ᵀ δ_l
            grads[2 * i + 1] = dz.sum(axis=-2)                                # ∂L/∂b_l = Σ_s δ_l
            if i:
                dh = r.multiplier * (dz @ np.swapaxes(w, -1, -2))             # ∂L/∂h_{l-1}
                dz = dh * (1 - h_in**2)                                       # tanh' = 1 − h²
        return grads

    def lr_scales(self) -> list[float]:
        """The learning-rate multiplier of every entry of the parameter list."""
        return [s for r in self.rules for s in (r.lr_scale, r.bias_lr_scale)]

    def optimizers(self, lr: Any) -> list:
        """One library optimizer per parameter, with rate ``lr × its scale`` (a parameter group each)."""
        factory = optimizers.adam if self.optimizer == "adam" else optimizers.sgd
        lr = np.asarray(lr, dtype=float)
        return [factory(lr=lr * s) for s in self.lr_scales()]


class WidthRun(NamedTuple):
    """A batched training run: ``loss`` (steps+1, B) and ``ratio`` (steps, B, layers).

    ``ratio[t, b, l]`` is layer ``l``'s weight update-to-weight ratio
    ‖ΔW_l‖/‖W_l‖ (Frobenius norms) at update ``t + 1`` of run ``b``.
    """

    lr: np.ndarray
    loss: np.ndarray
    ratio: np.ndarray
    params: list


#: A run whose loss exceeds this multiple of its initial loss counts as diverged.
DIVERGED = 100.0


def _pad(alive: np.ndarray, like: np.ndarray) -> np.ndarray:
    """The (B,) mask shaped (B, 1, ...) to meet a parameter of ``like``'s shape."""
    return alive.reshape(alive.shape + (1,) * (like.ndim - 1))


def _ratio(w: np.ndarray, dw: np.ndarray) -> np.ndarray:
    """‖ΔW‖/‖W‖ per run (Frobenius norms over the last two axes)."""
    return np.sqrt(np.sum(dw**2, axis=(-2, -1)) / np.sum(w**2, axis=(-2, -1)))


@suggest_keywords
def train(net: WidthMLP, x: np.ndarray, y: np.ndarray, lr: Any, steps: int = 100, seed: int = 0) -> WidthRun:
    r"""Full-batch training of ``net`` with one run per learning rate, all from the same init.

    Each parameter is stepped by the library's SGD or Adam (``net.optimizer``) with rate
    :math:`\eta \times` its layer's scale. A run whose loss becomes non-finite or exceeds
    ``DIVERGED`` (100) times its initial loss is frozen there, and its ``loss`` is ``inf`` from
    then on (:func:`optimal_lr` skips it).

    Parameters
    ----------
    net : WidthMLP
    x, y : arrays (samples, d_in) and (samples, d_out)
    lr : float or (B,) array in [0, inf)
        The global learning rates :math:`\eta`, one run each.
    steps : int in [1, 1e5]
    seed : int >= 0
        Seed of the initial weights.

    Returns
    -------
    WidthRun
        The loss per step and run, and the per-layer update-to-weight ratios.

    Examples
    --------
    >>> x, y = teacher_task(samples=64)
    >>> run = train(WidthMLP(64, optimizer="sgd"), x, y, lr=[0.01, 0.1, 1e3], steps=50)
    >>> run.loss.shape, run.ratio.shape
    ((51, 3), (50, 3, 3))
    >>> final = run.loss[-1]
    >>> bool(final[1] < final[0] < run.loss[0, 0]), bool(np.isinf(final[2]))   # lr 1e3 diverged
    (True, True)
    """
    if not isinstance(net, WidthMLP):
        raise TypeError(f"The 'net' parameter of train must be a WidthMLP. Got {type(net).__name__} instead.")
    check_interval("train", "lr", lr, 0, None, "left")
    check_integer("train", "steps", steps, 1, 100_000)
    lr = np.atleast_1d(np.asarray(lr, dtype=float))
    if lr.ndim != 1:
        raise ValueError(f"The 'lr' parameter of train must be a float or a (B,) array. Got shape {lr.shape} instead.")
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    params = net.init(seed=seed, runs=lr.size)
    opts = net.optimizers(lr)
    states = [o.init(p) for o, p in zip(opts, params)]
    losses, ratios = [], []
    with np.errstate(all="ignore"):                       # a diverging run overflows: it is frozen
        loss = net.loss(params, x, y)
        limit = DIVERGED * loss
        for _ in range(int(steps)):
            alive = np.isfinite(loss) & (loss < limit)    # (B,): runs still training
            losses.append(np.where(alive, loss, np.inf))
            grads = [np.where(_pad(alive, g), g, 0.0) for g in net.grad(params, x, y)]
            new = []
            for k, (o, p, g) in enumerate(zip(opts, params, grads)):
                p_new, states[k], _ = o.step(p, g, states[k])
                new.append(np.where(_pad(alive, p), p_new, p))
            ratios.append([_ratio(params[k], new[k] - params[k]) for k in range(0, len(params), 2)])
            params = new
            loss = net.loss(params, x, y)
        losses.append(np.where(np.isfinite(loss) & (loss < limit), loss, np.inf))
    return WidthRun(lr, np.array(losses), np.moveaxis(np.array(ratios), 2, 1), params)


def update_ratios(net: WidthMLP, x: np.ndarray, y: np.ndarray, lr: float, seed: int = 0) -> dict[str, np.ndarray]:
    r"""Two per-layer update sizes of the first update from the initial weights.

    ``"weight"``: :math:`\lVert\Delta W_l\rVert_F / \lVert W_l\rVert_F`, the update-to-weight ratio
    of CS231n. ``"feature"``: :math:`\lVert h_{l-1}\Delta W_l\rVert_F / \lVert h_{l-1} W_l\rVert_F`,
    how much the update changes what the layer computes on the data, relative to what it
    computes (the quantity μP keeps independent of the width; Yang et al. 2022, Desiderata J.1).
    Both are returned as arrays of one value per layer, in order.

    >>> x, y = teacher_task(samples=64)
    >>> r = update_ratios(WidthMLP(256, parametrization="sp"), x, y, lr=1e-3)
    >>> sorted(r), r["feature"].shape
    (['feature', 'weight'], (3,))
    """
    check_interval("update_ratios", "lr", lr, 0, None, "left")
    opt_lr = np.asarray([float(lr)])
    params = net.init(seed=seed, runs=1)
    grads = net.grad(params, x, y)
    hs = net.forward(params, x)
    weight, feature = [], []
    for i, (o, p, g) in enumerate(zip(net.optimizers(opt_lr)[::2], params[::2], grads[::2])):
        dw = o.step(p, g, o.init(p))[0] - p
        weight.append(float(_ratio(p, dw)[0]))
        feature.append(float(np.linalg.norm(hs[i] @ dw[0]) / np.linalg.norm(hs[i] @ p[0])))
    return {"weight": np.array(weight), "feature": np.array(feature)}


def optimal_lr(lrs: Any, losses: Any) -> float:
    """The learning rate of the lowest finite loss (``losses`` one per ``lrs``; NaN/inf skipped).

    >>> optimal_lr([0.1, 1.0, 10.0], [0.5, 0.2, float("nan")])
    1.0
    """
    lrs, losses = np.asarray(lrs, dtype=float), np.asarray(losses, dtype=float)
    if lrs.shape != losses.shape or lrs.ndim != 1:
        raise ValueError(f"The 'lrs' and 'losses' arguments of optimal_lr must be 1-D of one length. "
                         f"Got shapes {lrs.shape} and {losses.shape} instead.")
    finite = np.isfinite(losses)
    if not finite.any():
        raise ValueError("The 'losses' argument of optimal_lr has no finite value: every run diverged.")
    return float(lrs[np.flatnonzero(finite)[np.argmin(losses[finite])]])
