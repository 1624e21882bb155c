"""keras schedules (filled in by the schedules work)."""

__all__: list[str] = []
