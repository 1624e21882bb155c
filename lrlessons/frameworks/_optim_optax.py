"""optax optimizers (filled in by the optimizers work)."""

__all__: list[str] = []
