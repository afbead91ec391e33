"""The harness itself: a recorded page notices what the other browser tests rely on it to notice."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_recorder_catches_errors_failures_and_offsite_requests(new_tab):
    tab = new_tab()
    tab.open("", wait_charts=False)
    p = tab.page
    p.evaluate("""async () => {
        await fetch('assets/no-such-file.json').catch(() => null);
        await fetch('https://cdn.example.com/lib.js').catch(() => null);
        console.error('a console error');
        setTimeout(() => { throw new Error('an uncaught exception'); }, 0);
    }""")
    p.wait_for_function("() => true")  # let the timer fire
    p.evaluate("new Promise(r => setTimeout(r, 50))")
    problems = "\n".join(tab.rec.take())
    assert "HTTP 404" in problems and "no-such-file.json" in problems
    assert "request to another host: https://cdn.example.com/lib.js" in problems
    assert "console error: a console error" in problems
    assert "uncaught exception" in problems and "an uncaught exception" in problems
