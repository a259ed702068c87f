"""The load bench's protocol client against the real app (quick mode): it must see what a browser sees."""
import asyncio
import concurrent.futures

import pytest

from bench.load import DIGITS, ProtocolDigits, ProtocolSentiment, WrongResult, canvas_state, check_digit, check_verdict
from bench.streamlit_protocol import ProtocolSession, json_value, press, text_value


def run(coroutine):
    """Run on a thread of its own: the browser tests' Playwright keeps an event loop on this one."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def test_a_protocol_session_scores_a_review_like_the_browser(app_url):
    async def scenario():
        session = ProtocolSession(app_url, "sentiment", timeout=240)
        try:
            opened = await session.open()
            assert opened.status == "FINISHED_SUCCESSFULLY" and not opened.errors
            assert "Verdict" not in opened.metrics and "Test accuracy" in opened.metrics
            box, button = session.widget("text_area", "Movie review"), session.widget("button", "Score the review")
            assert button.fragment_id and box.fragment_id == button.fragment_id
            scored = await session.interact(text_value(box, "A wonderful film, I loved it."), press(button),
                                            fragment_id=button.fragment_id)
            # Scoring reruns only the review fragment: the verdict comes back, the model report does not.
            assert scored.status == "FINISHED_FRAGMENT_RUN_SUCCESSFULLY" and not scored.errors
            assert scored.metrics["Verdict"] in ("Positive", "Negative") and "Test accuracy" not in scored.metrics
            empty = await session.interact(text_value(box, "   "), press(button), fragment_id=button.fragment_id)
            assert "Verdict" not in empty.metrics and not empty.errors
        finally:
            await session.close()

    run(scenario())


def test_a_protocol_session_sends_a_drawing_as_the_canvas_does(app_url):
    async def scenario():
        session = ProtocolSession(app_url, "digits", timeout=240)
        try:
            opened = await session.open()
            assert opened.metrics["Prediction"] == "—"
            canvas = session.widget("bidi_component", "drawable")
            assert canvas.fragment_id  # the canvas lives in a fragment: a stroke reruns only that part
            drawn = await session.interact(json_value(canvas, canvas_state(DIGITS[0][1])), fragment_id=canvas.fragment_id)
            assert not drawn.errors and drawn.metrics["Prediction"] != "—"
        finally:
            await session.close()

    run(scenario())


def test_the_bench_sessions_run_and_check_their_results(app_url):
    """One interaction of each bench session; with quick models only the form of the result is checked."""
    async def scenario():
        for kind in (ProtocolDigits, ProtocolSentiment):
            session = kind(app_url, 240_000)
            try:
                await session.open()
                try:
                    assert await session.interact() > 0
                except WrongResult:
                    pass  # a quick-mode model may read the digit or the review wrongly; the page still answered
            finally:
                await session.close()

    run(scenario())


def test_results_are_checked_against_the_input():
    check_digit(7, "7 · 99.1%")
    check_verdict("Positive", "Positive")
    for bad in (lambda: check_digit(7, "1 · 80.0%"), lambda: check_digit(1, None),
                lambda: check_verdict("Negative", "Positive")):
        with pytest.raises(WrongResult):
            bad()
