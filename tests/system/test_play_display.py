"""``kelly play`` without a display stops with one line (exit 2) instead of an invisible window;
``--p``/``--odds`` reach the Coin screen and its replay hint (issue 15)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NO_DISPLAY = ("DISPLAY", "WAYLAND_DISPLAY", "SDL_VIDEODRIVER")


def play(*argv: str, timeout: float = 120, **env: str) -> subprocess.CompletedProcess:
    """``python -m sim play ARGV`` with no display variables but those in ``env``."""
    environment = {k: v for k, v in os.environ.items() if k not in NO_DISPLAY}
    environment.update(PYTHONPATH=str(ROOT), SDL_AUDIODRIVER="dummy", **env)
    return subprocess.run([sys.executable, "-m", "sim", "play", *argv], capture_output=True,
                          text=True, timeout=timeout, env=environment, cwd=ROOT)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="DISPLAY is how Linux says")
def test_no_display_exits_2_with_one_line():
    done = play("--frames", "1")
    assert done.returncode == 2, done.stderr
    assert done.stderr.splitlines() == [
        "kelly play: error: cannot open a window: no display (DISPLAY is not set); "
        "try --headless"
    ]
    assert done.stdout == ""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11 display names")
def test_a_display_sdl_cannot_reach_is_no_display_either():
    # nothing listens on :97 here, so SDL falls back to its offscreen driver: refused
    done = play("--frames", "1", DISPLAY=":97", XDG_RUNTIME_DIR=os.environ.get(
        "XDG_RUNTIME_DIR", "/nonexistent"))
    assert done.returncode == 2, done.stderr
    ours = [line for line in done.stderr.splitlines() if line.startswith("kelly play")]
    assert ours == ["kelly play: error: cannot open a window: no display (none at ':97', so "
                    "SDL chose its 'offscreen' driver); try --headless"]


def test_an_invisible_driver_asked_for_by_name_is_used():
    # the test suite's own headless runs: SDL_VIDEODRIVER=dummy set by the user is respected
    done = play("--frames", "2", SDL_VIDEODRIVER="dummy")
    assert done.returncode == 0, done.stderr
    done = play("--headless", "--frames", "2")
    assert done.returncode == 0, done.stderr


def test_check_display_rule(monkeypatch):
    from game.app import NoWindow, check_display

    for name in NO_DISPLAY:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(sys, "platform", "linux")
    with pytest.raises(NoWindow, match="DISPLAY is not set"):
        check_display()
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-0")
    check_display()  # a display is named: SDL may open it
    check_display("x11")
    with pytest.raises(NoWindow, match="'offscreen'"):
        check_display("offscreen")
    monkeypatch.setenv("SDL_VIDEODRIVER", "offscreen")
    check_display("offscreen")  # asked for by name


def test_p_and_odds_reach_the_coin_screen_and_the_replay_hint():
    from game.app import App
    from game.saves import Settings
    from sim.cli.play_options import replay_command

    app = App(headless=True, seed=3, rules={"p": 0.7, "odds": 2.0})
    try:
        app.push("coin")
        assert (app.scene.game.p, app.scene.game.odds) == (0.7, 2.0)
    finally:
        app.close()
    usual = vars(Settings())
    assert replay_command(3, "coin", {"p": 0.7, "odds": 2.0}, usual) == (
        "kelly play --seed 3 --screen coin --p 0.7 --odds 2")
    assert replay_command(3, "coin", {"p": 0.6, "odds": 1.0}, usual) == (
        "kelly play --seed 3 --screen coin")
    assert replay_command(3, "coin", {"p": 0.6, "odds": 1.0}) == (
        "kelly play --seed 3 --screen coin --p 0.6 --odds 1")


@pytest.mark.parametrize(("argv", "named"), [
    (["--p", "1.5"], "p = 1.5"),
    (["--odds", "0"], "odds = 0"),
    (["--p", "nan"], "'nan'"),
    (["--size", "big"], "'big'"),
])
def test_bad_rules_are_one_line_before_a_window(argv, named, capsys):
    from game.app import main

    assert main(["--headless", "--frames", "1", *argv]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("kelly play: error: ") and named in lines[0]
