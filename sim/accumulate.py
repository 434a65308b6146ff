"""Mergeable per-strategy statistics, so a run of any size is summarised in bounded memory.

A chunk of paths is reduced where it was simulated (in the process or Dask worker that ran it)
to a :class:`StrategyTally` per strategy; tallies merge exactly, in any order, and
:class:`sim.results.SimulationSummary` turns the merged tallies into the same table as
:func:`sim.stats.summarize`.

The central object is :class:`Distribution`, an exact empirical distribution kept as sorted
distinct values with integer multiplicities. Merging two of them adds integer counts, so the
merged result, and every statistic computed from it, is the same bit for bit whatever the
chunk size, the number of workers or the order in which chunks arrive. It is also small where
it matters most: terminal log-wealth of a constant-fraction coin bet takes at most T + 1
distinct values (one per number of wins), so 10^8 paths of 10^4 rounds fit in 80 kB per
strategy. Moments are computed from the merged distribution with the two-pass formula
M2 = sum_i w_i (x_i - mean)^2, the n-group form of Chan, Golub & LeVeque (1983) (a sum of
group sums of squares around the grand mean), which is exact here because the groups are the
distinct values themselves; the mean wealth uses a log-sum-exp, so 10^4 rounds never overflow.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

#: stand-in for ln 0 when interpolating quantiles of wealth (a bust counts as wealth 0)
LOG_ZERO = -1e300


@dataclass(frozen=True)
class Distribution:
    """An exact empirical distribution: sorted distinct ``values`` with ``weights`` (counts).

    Examples
    --------
    >>> a = Distribution.of([1.0, 2.0, 2.0])
    >>> b = Distribution.of([2.0, 5.0])
    >>> merged = a.merge(b)
    >>> merged.values.tolist(), merged.weights.tolist(), merged.quantile(0.5).tolist()
    ([1.0, 2.0, 5.0], [1, 3, 1], [2.0])
    """

    values: np.ndarray  # float64, increasing and distinct (+-inf allowed; one NaN last, if any)
    weights: np.ndarray  # int64, > 0

    @classmethod
    def of(cls, values: np.ndarray, weights: np.ndarray | None = None) -> Distribution:
        """The distribution of ``values`` (each counted ``weights`` times, default once)."""
        values = np.asarray(values, dtype=float).ravel()
        if weights is None:  # np.unique sorts NaN last and counts all NaNs as one value
            distinct, counts = np.unique(values, return_counts=True)
            return cls(distinct, counts.astype(np.int64))
        weights = np.asarray(weights, dtype=np.int64).ravel()
        if weights.shape != values.shape:
            raise ValueError(f"{values.size} values but {weights.size} weights")
        if values.size == 0:
            return cls(values, weights)
        order = np.argsort(values, kind="stable")  # merged parts are sorted runs: fast
        values, weights = values[order], weights[order]
        nan = np.isnan(values)
        same = (values[1:] == values[:-1]) | (nan[1:] & nan[:-1])
        starts = np.flatnonzero(np.concatenate([[True], ~same]))
        counts = np.add.reduceat(weights, starts)
        keep = counts > 0
        return cls(values[starts][keep], counts[keep])

    @classmethod
    def merge_all(cls, parts: Iterable[Distribution]) -> Distribution:
        """One distribution holding every value of ``parts`` (exact; order does not matter)."""
        parts = list(parts)
        if not parts:
            return cls(np.empty(0), np.empty(0, dtype=np.int64))
        return cls.of(
            np.concatenate([p.values for p in parts]),
            np.concatenate([p.weights for p in parts]),
        )

    def merge(self, other: Distribution) -> Distribution:
        return Distribution.merge_all((self, other))

    @property
    def count(self) -> int:
        return int(self.weights.sum())

    @property
    def nbytes(self) -> int:
        return self.values.nbytes + self.weights.nbytes

    def quantile(self, q: Sequence[float] | float) -> np.ndarray:
        """Quantiles by linear interpolation between order statistics x_(k), k = 0..n-1.

        Position h = (n - 1) q; result x_(floor h) + (h - floor h)(x_(floor h + 1) - x_(floor h))
        (Hyndman & Fan 1996, definition 7, the default of :func:`numpy.quantile`), evaluated
        the same way as numpy so both agree to the last bit.
        """
        q = np.atleast_1d(np.asarray(q, dtype=float))
        n = self.count
        if n == 0 or np.isnan(self.values[-1]):  # numpy's quantiles of data with NaN are NaN
            return np.full(q.shape, math.nan)
        position = (n - 1) * q
        below = np.floor(position)
        fraction = position - below
        below_index = below.astype(np.int64)
        above_index = np.minimum(below_index + 1, n - 1)
        ends = np.cumsum(self.weights)  # order statistic k is values[searchsorted(ends, k, right)]
        low = self.values[np.searchsorted(ends, below_index, side="right")]
        high = self.values[np.searchsorted(ends, above_index, side="right")]
        return _lerp(low, high, fraction)


def _lerp(low: np.ndarray, high: np.ndarray, t: np.ndarray) -> np.ndarray:
    """low + (high - low) t, from the nearer end so that t = 1 gives ``high`` exactly."""
    with np.errstate(invalid="ignore"):  # inf - inf where both ends are infinite
        span = high - low
        result = np.where(t >= 0.5, high - span * (1 - t), low + span * t)
    return np.where(low == high, low, result)


@dataclass(frozen=True)
class StrategyTally:
    """Everything the summary needs about one strategy's paths, mergeable across chunks."""

    log_wealth: Distribution  # ln W_T per path
    max_drawdown: Distribution | None  # largest fall from a peak (fraction); None for counts
    ruined: int  # paths that went bust or hit the floor
    capped: int  # paths that reached the cap
    rounds_to_cap: int  # rounds played, summed over the capped paths

    @classmethod
    def of_paths(
        cls,
        log_wealth: np.ndarray,
        max_drawdown: np.ndarray | None,
        ruined: np.ndarray,
        capped: np.ndarray,
        rounds_played: np.ndarray,
    ) -> StrategyTally:
        """The tally of per-path arrays (one strategy)."""
        return cls(
            log_wealth=Distribution.of(log_wealth),
            max_drawdown=None if max_drawdown is None else Distribution.of(max_drawdown),
            ruined=int(np.count_nonzero(ruined)),
            capped=int(np.count_nonzero(capped)),
            rounds_to_cap=int(rounds_played[capped].sum()),
        )

    @classmethod
    def merge_all(cls, parts: Sequence[StrategyTally]) -> StrategyTally:
        drawdowns = [p.max_drawdown for p in parts]
        return cls(
            log_wealth=Distribution.merge_all(p.log_wealth for p in parts),
            max_drawdown=(
                None if any(d is None for d in drawdowns) else Distribution.merge_all(drawdowns)
            ),
            ruined=sum(p.ruined for p in parts),
            capped=sum(p.capped for p in parts),
            rounds_to_cap=sum(p.rounds_to_cap for p in parts),
        )

    def merge(self, other: StrategyTally) -> StrategyTally:
        return StrategyTally.merge_all((self, other))

    @property
    def paths(self) -> int:
        return self.log_wealth.count

    @property
    def nbytes(self) -> int:
        drawdown = 0 if self.max_drawdown is None else self.max_drawdown.nbytes
        return self.log_wealth.nbytes + drawdown

    def growth(self, log_start: float, rounds: int) -> tuple[float, float]:
        """Mean realised growth ln(W_T/W_0)/T and its standard error s/sqrt(n).

        A bust path has growth -inf; then the mean is -inf and the error undefined (NaN),
        as in :func:`sim.stats.growth_estimate`.
        """
        values, weights = self.log_wealth.values, self.log_wealth.weights
        n = self.paths
        if n == 0:
            return math.nan, math.nan
        if values[0] == -math.inf:
            return -math.inf, math.nan
        if np.isnan(values[-1]):
            return math.nan, math.nan
        rates = (values - log_start) / rounds
        mean = float(np.dot(weights, rates) / n)
        if n == 1:
            return mean, math.nan
        m2 = float(np.dot(weights, (rates - mean) ** 2))
        return mean, math.sqrt(m2 / (n - 1) / n)

    def mean_wealth(self) -> float:
        """Mean of W_T = e^{ln W_T} by a log-sum-exp: e^m sum_i w_i e^{x_i - m} / n."""
        values, weights = self.log_wealth.values, self.log_wealth.weights
        if values.size == 0 or np.isnan(values[-1]):
            return math.nan
        if values[-1] == math.inf:
            return math.inf
        finite = np.isfinite(values)
        if not finite.any():  # every path went bust
            return 0.0
        top = values[finite].max()
        scaled = float(np.dot(weights[finite], np.exp(values[finite] - top)))
        with np.errstate(over="ignore"):
            return float(np.exp(top + math.log(scaled / self.paths)))

    def wealth_quantiles(self, quantiles: Sequence[float]) -> np.ndarray:
        """Wealth quantiles, interpolated on the log scale; a bust counts as wealth 0."""
        log_wealth = self.log_wealth
        if log_wealth.values.size and log_wealth.values[0] == -math.inf:
            log_wealth = Distribution(
                np.concatenate([[LOG_ZERO], log_wealth.values[1:]]), log_wealth.weights
            )
        with np.errstate(over="ignore"):
            return np.exp(log_wealth.quantile(quantiles))
