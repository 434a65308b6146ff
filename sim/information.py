"""Side information in closed form: Kelly's private wire and the value of a signal.

A race outcome X (horse i wins with probability p(x)) comes with a signal Y (a tip, a wire)
drawn with it; ``joint[x, y]`` is P(X = x, Y = y), outcomes along the rows, signals along the
columns. A gambler who sees Y before betting bets with p(x | y) instead of p(x). The facts:

* Kelly (1956): a tip on an even-money coin that is right with probability q lets the gambler
  grow at ln 2 - H(q) per bet, the capacity of the binary symmetric channel that carries it.
* Cover & Thomas (2006, §6.2): when every dollar is bet (any odds o), or the odds are fair or
  better (sum 1/o <= 1), the best growth is W*(X) = sum p ln o - H(X) without the signal and
  W*(X|Y) = sum p ln o - H(X|Y) with it, so the wire adds exactly I(X;Y) = H(X) - H(X|Y);
  with uniform fair m-for-1 odds W*(X|Y) = ln m - H(X|Y).
* At subfair odds a gambler may keep cash (Kelly 1956, the track take), and then the gain is at
  most I(X;Y) (Barron & Cover 1988; Cover & Thomas 2006, §16.5), and at least 0.

Growth rates are in nats per race; functions that return one take ``base=2`` for bits.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from sim.theory import PROBABILITY_TOLERANCE, entropy, kelly_shares, portfolio_growth

#: characters of a bad value quoted in an error message
QUOTE_CHARS = 80


def quote(value: object) -> str:
    """``repr(value)`` cut to :data:`QUOTE_CHARS` characters for an error message.

    Examples
    --------
    >>> quote([0.5, 0.5])
    '[0.5, 0.5]'
    >>> len(quote(list(range(100))))
    80
    """
    text = repr(value.tolist() if isinstance(value, (np.ndarray, np.generic)) else value)
    return text if len(text) <= QUOTE_CHARS else text[: QUOTE_CHARS - 3] + "..."


def _per_base(value: float, base: float | None) -> float:
    if base is None:
        return value
    if not np.isfinite(base) or base <= 0 or base == 1:
        raise ValueError(f"base = {base!r} must be a positive number other than 1")
    return value / float(np.log(base))


def joint_distribution(table: ArrayLike) -> np.ndarray:
    """Validate a joint table P(X = x, Y = y): outcomes along rows, signals along columns.

    Parameters
    ----------
    table : array_like, shape (outcomes, signals)
        Non-negative finite numbers summing to 1 (within 1e-6), at least 2 outcomes and 1
        signal.

    Returns
    -------
    numpy.ndarray
        The table as floats, rescaled to sum to 1 exactly (up to rounding).

    Raises
    ------
    ValueError
        Naming the table when it is not 2-D, has NaN, infinity or a negative entry, fewer than
        two outcomes, or does not sum to 1.

    Examples
    --------
    >>> joint_distribution([[0.4, 0.1], [0.1, 0.4]]).sum()
    np.float64(1.0)
    >>> joint_distribution([[0.5, 0.1], [0.1, 0.4]])
    Traceback (most recent call last):
    ...
    ValueError: joint = [[0.5, 0.1], [0.1, 0.4]] sums to 1.1; a joint table must sum to 1
    """
    try:
        array = np.asarray(table, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"joint = {quote(table)} is not a table of numbers") from None
    if array.ndim != 2 or array.shape[0] < 2 or array.shape[1] < 1:
        raise ValueError(
            f"joint = {quote(table)} must be a table with a row per outcome (at least 2) "
            "and a column per signal"
        )
    if not np.all(np.isfinite(array)):
        raise ValueError(f"joint = {quote(table)} contains NaN or infinity")
    if np.any(array < 0):
        raise ValueError(f"joint = {quote(table)} has a negative probability")
    total = float(array.sum())
    if abs(total - 1.0) > PROBABILITY_TOLERANCE:
        raise ValueError(f"joint = {quote(table)} sums to {total:.6g}; a joint table must sum to 1")
    return array / total


def outcome_probabilities(joint: ArrayLike) -> np.ndarray:
    """The outcome's distribution p(x) = sum_y P(x, y) (the row sums).

    Examples
    --------
    >>> outcome_probabilities([[0.4, 0.1], [0.1, 0.4]]).tolist()
    [0.5, 0.5]
    """
    return joint_distribution(joint).sum(axis=1)


def signal_probabilities(joint: ArrayLike) -> np.ndarray:
    """The signal's distribution p(y) = sum_x P(x, y) (the column sums).

    Examples
    --------
    >>> signal_probabilities([[0.3, 0.1], [0.3, 0.3]]).tolist()
    [0.6, 0.4]
    """
    return joint_distribution(joint).sum(axis=0)


def conditional_entropy(joint: ArrayLike, base: float | None = None) -> float:
    """H(X|Y) = H(X, Y) - H(Y): the uncertainty about the outcome left after the signal.

    Cover & Thomas (2006), eq. 2.10 and theorem 2.2.1 (chain rule).

    Examples
    --------
    >>> round(conditional_entropy([[0.4, 0.1], [0.1, 0.4]], base=2), 6)  # H(0.8) bits
    0.721928
    >>> conditional_entropy([[0.5, 0.0], [0.0, 0.5]])  # the signal tells the outcome
    0.0
    """
    table = joint_distribution(joint)
    value = entropy(table.ravel()) - entropy(table.sum(axis=0))
    return _per_base(max(float(value), 0.0), base)


def mutual_information(joint: ArrayLike, base: float | None = None) -> float:
    """I(X;Y) = H(X) + H(Y) - H(X, Y) = H(X) - H(X|Y) >= 0, zero iff X and Y are independent.

    Cover & Thomas (2006), §2.4. The value of the wire at fair odds (§6.2).

    Examples
    --------
    >>> round(mutual_information([[0.4, 0.1], [0.1, 0.4]], base=2), 6)  # 1 - H(0.8)
    0.278072
    >>> mutual_information([[0.3, 0.2], [0.3, 0.2]])  # independent: the tip is worthless
    0.0
    """
    table = joint_distribution(joint)
    value = entropy(table.sum(axis=1)) + entropy(table.sum(axis=0)) - entropy(table.ravel())
    return _per_base(max(float(value), 0.0), base)


def _probability(name: str, value: object) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValueError(f"{name} = {quote(value)} is not a number") from None
    if not 0.0 <= number <= 1.0:  # also rejects NaN
        raise ValueError(f"{name} = {quote(value)} is not a probability in [0, 1]")
    return number


def _prior(prior: ArrayLike) -> np.ndarray:
    try:
        p = np.asarray(prior, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"prior = {quote(prior)} is not a list of probabilities") from None
    if p.ndim != 1 or p.size < 2 or not np.all(np.isfinite(p) & (p >= 0)):
        raise ValueError(f"prior = {quote(prior)} must list at least 2 outcome probabilities")
    if abs(float(p.sum()) - 1.0) > PROBABILITY_TOLERANCE:
        raise ValueError(f"prior = {quote(prior)} sums to {p.sum():.6g}; it must sum to 1")
    return p / p.sum()


def tip_joint(accuracy: float, prior: ArrayLike = (0.5, 0.5)) -> np.ndarray:
    """The joint table of a symmetric tip: it names the winner with probability ``accuracy``,
    otherwise one of the other outcomes, each as likely.

    Parameters
    ----------
    accuracy : float
        q = P(tip = winner), in [0, 1].
    prior : array_like
        The outcome's distribution p(x), at least two outcomes (default: a fair coin).

    Returns
    -------
    numpy.ndarray, shape (outcomes, outcomes)
        ``joint[x, y] = p(x) (q if y == x else (1 - q)/(m - 1))``.

    Raises
    ------
    ValueError
        If ``accuracy`` is not in [0, 1] or ``prior`` is not a distribution.

    Examples
    --------
    >>> tip_joint(0.8).tolist()
    [[0.4, 0.09999999999999998], [0.09999999999999998, 0.4]]
    >>> tip_joint(1.5)
    Traceback (most recent call last):
    ...
    ValueError: accuracy = 1.5 is not a probability in [0, 1]
    """
    q = _probability("accuracy", accuracy)
    p = _prior(prior)
    m = p.size
    channel = np.full((m, m), (1.0 - q) / (m - 1))
    np.fill_diagonal(channel, q)
    return p[:, None] * channel


def tip_capacity(accuracy: float, base: float | None = None) -> float:
    """ln 2 - H(q): the growth per even-money bet that a tip right with probability q allows.

    Kelly (1956): the gambler with a private wire stakes f = 2q - 1 on the tipped side and grows
    at q ln(2q) + (1 - q) ln(2(1 - q)) = ln 2 - H(q), the capacity of the binary symmetric
    channel; a coin-flip tip (q = 1/2) is worth nothing, a perfect one doubles every bet.

    Examples
    --------
    >>> round(tip_capacity(0.6), 7)
    0.0201355
    >>> tip_capacity(1.0, base=2)
    1.0
    """
    q = _probability("accuracy", accuracy)
    return _per_base(float(np.log(2.0) - entropy([q, 1.0 - q])), base)


def check_odds(odds: ArrayLike, outcomes: int) -> np.ndarray:
    """Decimal odds o_i (payout per unit staked, stake included), one per outcome.

    Examples
    --------
    >>> check_odds([2, 2], 2).tolist()
    [2.0, 2.0]
    >>> check_odds([2, 0], 2)
    Traceback (most recent call last):
    ...
    ValueError: odds = [2, 0] must be finite decimal odds greater than 0
    """
    try:
        array = np.asarray(odds, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"odds = {quote(odds)} is not a list of numbers") from None
    if array.ndim != 1 or array.size != outcomes:
        raise ValueError(f"odds = {quote(odds)} must give one decimal odds per outcome "
                         f"({outcomes})")
    if not np.all(np.isfinite(array) & (array > 0)):
        raise ValueError(f"odds = {quote(odds)} must be finite decimal odds greater than 0")
    return array


def fair_odds(outcomes: int) -> np.ndarray:
    """Uniform fair odds: m-for-1 on each of m outcomes (sum 1/o = 1).

    Examples
    --------
    >>> fair_odds(3).tolist()
    [3.0, 3.0, 3.0]
    """
    return np.full(int(outcomes), float(outcomes))


def best_growth(p: ArrayLike, odds: ArrayLike, cash: bool = True) -> float:
    """W*(p, o): the best growth per race of one race with outcome distribution p at odds o.

    With ``cash`` the optimal shares of :func:`sim.theory.kelly_shares` (cash kept at subfair
    odds, Kelly 1956); without it every dollar is bet and b = p is best, giving
    sum p ln o - H(p) at any odds (Cover & Thomas 2006, §6.1).

    Examples
    --------
    >>> round(best_growth([0.6, 0.4], [2, 2]), 7)  # ln 2 - H(0.6)
    0.0201355
    >>> best_growth([0.5, 0.5], [1.9, 1.9])  # a track take and no edge: keep the cash
    0.0
    """
    p = np.asarray(p, dtype=float)
    o = check_odds(odds, p.size)
    shares = kelly_shares(p, o)[0] if cash else p
    return float(portfolio_growth(shares, p, o))


def _conditionals(joint: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """p(y) and p(x|y) (one column per signal; a signal that never comes gets p(x))."""
    signal = joint.sum(axis=0)
    marginal = joint.sum(axis=1)
    safe = np.where(signal > 0, signal, 1.0)
    conditional = np.where(signal > 0, joint / safe, marginal[:, None])
    return signal, conditional / conditional.sum(axis=0)


def wire_shares(joint: ArrayLike, odds: ArrayLike, cash: bool = True) -> np.ndarray:
    """The best shares b(x | y) for each signal: column y bets on p(x | y).

    Returns an array (outcomes, signals); the cash kept after signal y is 1 - column sum.

    Examples
    --------
    >>> wire_shares(tip_joint(0.8), [2, 2]).round(12).tolist()
    [[0.8, 0.2], [0.2, 0.8]]
    """
    table = joint_distribution(joint)
    o = check_odds(odds, table.shape[0])
    _, conditional = _conditionals(table)
    if not cash:
        return conditional
    return np.stack([kelly_shares(column, o)[0] for column in conditional.T], axis=1)


class WireValue(NamedTuple):
    """The growth without and with the signal, and the information terms (nats per race)."""

    without_wire: float  # W*(X) = best growth betting on p(x)
    with_wire: float  # W*(X|Y) = sum_y p(y) W*(p(.|y))
    gain: float  # with_wire - without_wire: = I(X;Y) at fair odds, <= I(X;Y) in general
    mutual_information: float  # I(X;Y)
    entropy: float  # H(X)
    conditional_entropy: float  # H(X|Y)
    log_odds: float  # sum_x p(x) ln o(x)
    inverse_odds: float  # sum 1/o: 1 fair, > 1 subfair (a take), < 1 superfair


def wire_value(joint: ArrayLike, odds: ArrayLike | None = None, cash: bool = True) -> WireValue:
    """What the wire is worth: the best growth without and with the signal Y.

    Parameters
    ----------
    joint : array_like, shape (outcomes, signals)
        P(X = x, Y = y), see :func:`joint_distribution`.
    odds : array_like, optional
        Decimal odds per outcome; default uniform fair m-for-1 (:func:`fair_odds`).
    cash : bool
        Whether the gambler may keep cash (matters only at subfair odds).

    Returns
    -------
    WireValue
        At fair or better odds, or with ``cash=False``, ``gain == mutual_information`` and
        ``with_wire == log_odds - conditional_entropy`` (Cover & Thomas 2006, §6.2); at subfair
        odds with cash, 0 <= gain <= I(X;Y) (Barron & Cover 1988).

    Examples
    --------
    >>> value = wire_value(tip_joint(0.6))  # Kelly (1956): an even-money coin, a 60% tip
    >>> round(value.without_wire, 12), round(value.with_wire, 7)
    (0.0, 0.0201355)
    >>> round(value.gain - value.mutual_information, 12)
    0.0
    """
    table = joint_distribution(joint)
    o = fair_odds(table.shape[0]) if odds is None else check_odds(odds, table.shape[0])
    marginal = table.sum(axis=1)
    signal, conditional = _conditionals(table)
    shares = wire_shares(table, o, cash)
    with_wire = sum(
        float(signal[y] * portfolio_growth(shares[:, y], conditional[:, y], o))
        for y in range(table.shape[1]) if signal[y] > 0
    )
    without = best_growth(marginal, o, cash)
    return WireValue(
        without_wire=without,
        with_wire=with_wire,
        gain=with_wire - without,
        mutual_information=mutual_information(table),
        entropy=float(entropy(marginal)),
        conditional_entropy=conditional_entropy(table),
        log_odds=float(np.sum(marginal * np.log(o))),
        inverse_odds=float(np.sum(1.0 / o)),
    )
