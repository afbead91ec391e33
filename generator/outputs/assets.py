"""The browser's chart libraries: the vega bundle, made once and kept."""

from __future__ import annotations

from generator.outputs.write import _atomic_write


class _VegaBundle:
    """vega, vega-lite and vega-embed in one script from vl-convert, wrapped so it can load twice.

    Made at set-up (`python -m generator vendor`, which `make setup` runs once per virtual environment) into
    the environment's share/ folder; without that, from the chart cache, or made by a process started at once
    (statics.JavascriptBundle) and kept in the chart cache."""

    def __init__(self) -> None:
        from generator.charts import statics

        self.path = statics.CACHE / statics.bundle_name()
        vendored = statics.VENDOR / statics.bundle_name()
        if vendored.exists():
            self.path = vendored
        self.job = None if self.path.exists() else statics.JavascriptBundle()

    def result(self) -> bytes:
        from generator.charts import statics

        if self.job is None:
            return self.path.read_bytes()
        data = statics.wrap_bundle(self.job.result())
        _atomic_write(self.path, data)  # several builds may share the cache
        self.job = None
        return data

    def kill(self) -> None:
        if self.job is not None:
            self.job.kill()
