"""The options of a run, declared once: :class:`RunOptions` holds how :func:`metaopt.run` drives
an optimizer (budget, stopping rules, parallel evaluation, failure policy, checkpoints,
constraints), and both :func:`metaopt.run` and :func:`metaopt.minimize` take its fields as
keyword arguments, their signatures made from it (:func:`with_run_options`)."""

from __future__ import annotations

import dataclasses
import inspect
import os
from typing import Any, Callable

__all__ = ["RunOptions", "RUN_OPTIONS", "with_run_options"]


@dataclasses.dataclass(frozen=True)
class RunOptions:
    """How a run is driven; each field is a keyword of :func:`metaopt.run` and
    :func:`metaopt.minimize`, documented there."""

    budget: int | None = None
    vectorized: bool = False
    callback: Callable[..., Any] | None = None
    workers: Any = 1
    backend: str = "processes"
    client: Any = None
    on_error: str = "raise"
    retries: int | None = None
    timeout: float | None = None
    checkpoint: str | os.PathLike | None = None
    checkpoint_every: int | None = None
    checkpoint_interval: float | None = None
    resume: str | os.PathLike | bool | None = None
    asynchronous: bool = False
    progress: bool | None = False
    maxiter: int | None = None
    target: float | None = None
    max_time: float | None = None
    stagnation: int | None = None
    stagnation_tol: float = 0.0
    constraints: Any = None
    equality_tol: float = 1e-4

    @classmethod
    def from_keywords(cls, where, keywords):
        """The options named in ``keywords``; any other name is a TypeError, as Python's own
        for an unexpected keyword argument."""
        unknown = sorted(set(keywords) - set(RUN_OPTIONS))
        if unknown:
            raise TypeError(f"{where}() got an unexpected keyword argument {unknown[0]!r}")
        return cls(**keywords)

    def termination_rules(self):
        """The stopping rules besides the budget, as :class:`metaopt.termination.Termination`
        takes them."""
        return {"maxiter": self.maxiter, "target": self.target, "max_time": self.max_time,
                "stagnation": self.stagnation, "stagnation_tol": self.stagnation_tol}


#: The names of the run options, in their order.
RUN_OPTIONS = tuple(field.name for field in dataclasses.fields(RunOptions))


def with_run_options(function, leading=(), after=()):
    """Give ``function`` (which takes the run options in ``**keywords``) the signature that
    names them: its own parameters before them except those in ``after``, the run options as
    keyword-only parameters (the ones in ``leading``, which it takes itself, left out), then
    ``after`` and its ``**`` parameter."""
    own = inspect.signature(function)
    hints = {field.name: field.type for field in dataclasses.fields(RunOptions)}
    options = [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY,
                                 default=getattr(RunOptions, name), annotation=hints[name])
               for name in RUN_OPTIONS if name not in leading]
    before = [p for p in own.parameters.values()
              if p.kind not in (p.VAR_KEYWORD,) and p.name not in after]
    later = [own.parameters[name] for name in after]
    var = [p for p in own.parameters.values() if p.kind is p.VAR_KEYWORD and after]
    function.__signature__ = own.replace(parameters=before + options + later + var)
    return function
