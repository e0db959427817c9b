"""The bounded close: a closing run cuts the requests still waiting in its download slots, and only then."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from scrapy import Request, Spider
from scrapy.core.downloader import Slot
from scrapy.http import Response
from scrapy.utils.test import get_crawler
from twisted.internet.defer import Deferred
from twisted.python.failure import Failure

from bhg_crawler.core.errors import Unsent
from bhg_crawler.runs.closing import BoundedClose


@pytest.mark.parametrize(
    ("closing", "waiting", "cut"),
    [(False, 3, 0), (True, 3, 3), (True, 0, 0)],
    ids=["a run that is not closing", "a closing run", "a closing run with nothing waiting"],
)
def test_a_closing_run_cuts_what_waits_to_be_sent(closing: bool, waiting: int, cut: int) -> None:
    crawler = get_crawler(Spider)
    slots = {"baohagiang.vn": Slot(concurrency=0, delay=0, jitter=0), "other": Slot(concurrency=1, delay=0, jitter=0)}
    answers: list[Deferred[Response]] = []
    for number in range(waiting):
        answers.append(Deferred())
        slot = slots["baohagiang.vn" if number % 2 else "other"]
        slot.queue.append((Request(f"https://baohagiang.vn/p{number}"), answers[-1]))
    engine_slot = SimpleNamespace(closing=Deferred() if closing else None)
    crawler.engine = SimpleNamespace(_slot=engine_slot, downloader=SimpleNamespace(slots=slots))  # type: ignore[assignment]
    failures: list[Failure] = []
    for answer in answers:
        answer.addErrback(failures.append)
    BoundedClose(crawler).cut()
    assert crawler.stats is not None
    assert crawler.stats.get_value("bhg/close/cut") == (cut or None)
    assert [type(failure.value) for failure in failures] == [Unsent] * cut
    assert sum(len(slot.queue) for slot in slots.values()) == waiting - cut
    assert all(str(f.value).startswith("not sent: the run closed while https://baohagiang.vn/p") for f in failures)


@pytest.mark.parametrize(("closing", "refused"), [(False, False), (True, True)], ids=["running", "closing"])
def test_a_closing_run_sends_no_request_that_comes_after(closing: bool, refused: bool) -> None:
    crawler = get_crawler(Spider)
    engine_slot = SimpleNamespace(closing=Deferred() if closing else None)
    crawler.engine = SimpleNamespace(_slot=engine_slot, downloader=SimpleNamespace(slots={}))  # type: ignore[assignment]
    bounded = BoundedClose(crawler)
    retry = Request("https://baohagiang.vn/xa-hoi/trang-3.html", meta={"retry_times": 1})
    if refused:
        with pytest.raises(Unsent, match=r"^not sent: the run closed before https://baohagiang.vn/xa-hoi/trang-3.html"):
            bounded.process_request(retry)
    else:
        bounded.process_request(retry)  # goes on to be sent
    assert crawler.stats is not None
    assert crawler.stats.get_value("bhg/close/cut") == (1 if refused else None)
