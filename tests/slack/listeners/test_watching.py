"""Watching, end to end: real server and poller, fake job API and fake Slack.

The poller runs for real with a short JOBBOT_WATCH_INTERVAL_S, so a status changed at the fake
job API reaches the thread within a few intervals.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from bot.store import watches
from tests.conftest import Jobbot
from tests.fakes import block_action_payload, command_body, interactive_body, wait_until
from tests.slack.listeners.conftest import StartJobbot
from tests.slack.listeners.support import add_job, all_text, buttons

CHANNEL = "C0INCIDENT"
FAST = {"JOBBOT_WATCH_INTERVAL_S": 0.05}


async def run(bot: Jobbot, text: str, hook: str, *, channel: str = CHANNEL) -> dict[str, Any]:
    """Send `/job TEXT` and return the one private answer at the response_url."""
    response = await bot.post(command_body(text, bot.fake_slack.hook_url(hook), channel_id=channel))
    assert response.status_code == 200
    await wait_until(lambda: bool(bot.fake_slack.posts_to(hook)))
    [answer] = bot.fake_slack.posts_to(hook)
    return answer


async def click(bot: Jobbot, action_id: str, value: str, hook: str) -> dict[str, Any]:
    payload = block_action_payload(
        value, bot.fake_slack.hook_url(hook), action_id=action_id, ephemeral=False
    )
    response = await bot.post(interactive_body(payload))
    assert response.status_code == 200
    await wait_until(lambda: bool(bot.fake_slack.posts_to(hook)))
    return bot.fake_slack.posts_to(hook)[-1]


def parents(bot: Jobbot, channel: str = CHANNEL) -> list[dict[str, Any]]:
    return [m for m in bot.fake_slack.messages.get(channel, []) if "thread_ts" not in m]


async def live(bot: Jobbot, channel: str = CHANNEL) -> list[int]:
    async with bot.runtime.db.begin() as conn:
        return [v.watch.job_id for v in await watches.channel_watches(conn, channel)]


async def test_each_change_is_one_reply_the_parent_follows_failures_broadcast_final_ends(
    start_bot: StartJobbot,
) -> None:
    bot = await start_bot(**FAST)
    job = bot.fake_jobs.jobs[50320]
    answer = await run(bot, "watch 50320", "w")
    assert "Watching *my_job_001 (job 50320)* here" in answer["blocks"][0]["text"]["text"]
    assert answer["response_type"] == "ephemeral"
    [parent] = parents(bot)
    assert "Watching my_job_001 (job 50320)" in all_text(parent)
    assert "<@U0USER>" in all_text(parent)  # who started it
    [unwatch] = buttons(parent)
    assert unwatch["action_id"] == "job_unwatch"
    assert json.loads(unwatch["value"]) == {"project": "", "job_id": 50320}
    thread = parent["ts"]

    def replies() -> list[dict[str, Any]]:
        return bot.fake_slack.thread(CHANNEL, thread)

    job.update(status="job_running_exception", status_desc="Checkpoint 4123 expired.")
    await wait_until(lambda: len(replies()) == 1)
    job.update(restart_times=3)
    await wait_until(lambda: len(replies()) == 2)
    job.update(status="job_running", status_desc="")
    await wait_until(lambda: len(replies()) == 3)
    job.update(status="job_cancel_success")
    await wait_until(lambda: len(replies()) == 4)
    await bot.time.ticks(5)  # five more polls: nothing doubled, nothing more

    failed, restarted, recovered, stopped = replies()
    assert len(replies()) == 4
    assert failed["text"].startswith("Running → Running exception after ")
    assert "Checkpoint 4123 expired." in all_text(failed)
    assert "<!date^" in all_text(failed)  # when it was seen, in each reader's time zone
    assert failed["reply_broadcast"] is True
    assert restarted["text"] == "Running exception: the job restarted (restart 3)"
    assert restarted["reply_broadcast"] is False
    assert recovered["text"].startswith("Running exception → Running after ")
    assert "restarts: 3" in all_text(recovered)
    assert recovered["reply_broadcast"] is False
    assert stopped["text"].startswith("Running → Stopped after ")
    assert "final state, so this watch has ended" in all_text(stopped)
    # Every reply carries its key, so a restart can find it in the thread.
    keys = [m["metadata"]["event_payload"]["key"] for m in replies()]
    assert len(set(keys)) == 4
    assert all(m["metadata"]["event_type"] == "jobbot_change" for m in replies())
    # The parent card shows the latest state, edited in place, without Unwatch once ended.
    card = bot.fake_slack.message(CHANNEL, thread)
    assert card["edits"] >= 4
    assert "*Stopped*" in all_text(card)
    assert buttons(card) == []
    assert await live(bot) == []
    calls = len(bot.fake_jobs.requests_for(50320))
    await bot.time.ticks(5)
    assert len(bot.fake_jobs.requests_for(50320)) == calls  # an ended watch costs nothing


async def test_unwatch_ends_the_watch_with_a_last_reply(start_bot: StartJobbot) -> None:
    bot = await start_bot(**FAST)
    await run(bot, "watch 50320", "w")
    [parent] = parents(bot)
    answer = await run(bot, "unwatch 50320", "u")
    assert "Stopped watching *my_job_001 (job 50320)*" in all_text(answer)
    await wait_until(lambda: len(bot.fake_slack.thread(CHANNEL, parent["ts"])) == 1)
    [last] = bot.fake_slack.thread(CHANNEL, parent["ts"])
    assert last["text"] == "<@U0USER> stopped watching this job."
    await wait_until(lambda: buttons(bot.fake_slack.message(CHANNEL, parent["ts"])) == [])
    assert await live(bot) == []
    again = await run(bot, "unwatch 50320", "u2")
    assert "is not watched here" in all_text(again)


async def test_the_unwatch_button_on_the_parent_card_ends_it(start_bot: StartJobbot) -> None:
    bot = await start_bot(**FAST)
    await run(bot, "watch 50320", "w")
    [parent] = parents(bot)
    [unwatch] = buttons(parent)
    answer = await click(bot, "job_unwatch", unwatch["value"], "b")
    assert "Stopped watching" in all_text(answer)
    assert await live(bot) == []


async def test_the_watch_button_on_a_card_starts_a_watch(start_bot: StartJobbot) -> None:
    bot = await start_bot(**FAST)
    card = await run(bot, "50320", "card")
    watch = next(b for b in buttons(card) if b["action_id"] == "job_watch")
    answer = await click(bot, "job_watch", watch["value"], "b")
    assert "Watching *my_job_001 (job 50320)* here" in all_text(answer)
    assert await live(bot) == [50320]


async def test_watching_twice_points_to_the_existing_thread(start_bot: StartJobbot) -> None:
    bot = await start_bot(**FAST)
    await run(bot, "watch 50320", "w1")
    answer = await run(bot, "watch 50320", "w2")
    [parent] = parents(bot)
    link = f"https://acme.slack.com/archives/{CHANNEL}/p{parent['ts'].replace('.', '')}"
    assert f"<{link}|in this thread>" in all_text(answer)
    assert "already watched" in all_text(answer)
    # Another channel may watch the same job: a watch is per channel, the job read once.
    await run(bot, "watch 50320", "w3", channel="C0OTHER")
    assert len(parents(bot, "C0OTHER")) == 1


async def test_one_request_per_job_however_many_channels_watch_it(start_bot: StartJobbot) -> None:
    bot = await start_bot(JOBBOT_WATCH_INTERVAL_S=0.2)
    for n in range(5):
        await run(bot, "watch 50320", f"w{n}", channel=f"C0CHAN{n}")
    job = bot.fake_jobs.jobs[50320]
    job.update(status="job_cancel_fail")
    await wait_until(lambda: all(len(bot.fake_slack.messages[f"C0CHAN{n}"]) == 2 for n in range(5)))
    before = bot.runtime.poller.status.last_tick_at
    reads = len(bot.fake_jobs.requests_for(50320))
    await wait_until(lambda: bot.runtime.poller.status.last_tick_at != before, timeout=3)
    await bot.time.ticks(4)
    polls = len(bot.fake_jobs.requests_for(50320)) - reads
    assert 1 <= polls <= 4  # at most one per tick, not one per channel


async def test_a_job_that_does_not_exist_is_not_watched(start_bot: StartJobbot) -> None:
    bot = await start_bot(**FAST)
    answer = await run(bot, "watch 424242", "w")
    assert "424242" in all_text(answer)
    assert "not found" in all_text(answer).lower() or "does not exist" in all_text(answer)
    assert bot.fake_slack.calls_to("chat.postMessage") == []
    assert await live(bot) == []


async def test_not_in_the_channel_gives_the_invite_hint_and_stores_nothing(
    start_bot: StartJobbot,
) -> None:
    bot = await start_bot(**FAST)
    bot.fake_slack.refuse[CHANNEL] = "not_in_channel"
    answer = await run(bot, "watch 50320", "w")
    assert "/invite @jobbot" in all_text(answer)
    assert await live(bot) == []
    async with bot.runtime.db.begin() as conn:
        assert await watches.live_count(conn) == 0


async def test_bad_input_gets_a_short_answer_and_changes_nothing(start_bot: StartJobbot) -> None:
    bot = await start_bot(**FAST)
    cases = {
        "watch": "Say which job to watch",
        "unwatch": "Say which job to unwatch",
        "watch 1 2": "Say which job to watch",
        "watch abc": "is not a job ID",
        "watch -5": "is not a job ID",
        "watch 99999999999999999999": "is not a job ID",
    }
    for text, says in cases.items():
        response = await bot.post(command_body(text, bot.fake_slack.hook_url("bad")))
        assert response.status_code == 200
        assert says in response.text, text
    assert bot.fake_jobs.requests == []
    assert bot.fake_slack.calls_to("chat.postMessage") == []
    assert await live(bot) == []


async def test_a_channel_holds_at_most_the_configured_number_of_watches(
    start_bot: StartJobbot,
) -> None:
    bot = await start_bot(JOBBOT_WATCH_INTERVAL_S=5)  # the default limit, 50
    for n in range(51):
        add_job(bot.fake_jobs, 70000 + n)
    answers = await asyncio.gather(*(run(bot, f"watch {70000 + n}", f"w{n}") for n in range(50)))
    assert all("Watching" in all_text(a) for a in answers)
    refused = await run(bot, "watch 70050", "w50")
    assert "already watches 50 jobs, the most it may" in all_text(refused)
    assert len(await live(bot)) == 50
    assert len(parents(bot)) == 50
    listing = await run(bot, "watching", "list")
    assert "Watched in this channel (50)" in all_text(listing)
    assert len([b for b in listing["blocks"] if b.get("accessory")]) == 45


async def test_watching_lists_status_since_and_who_with_unwatch_buttons(
    start_bot: StartJobbot,
) -> None:
    bot = await start_bot(**FAST)
    empty = await run(bot, "watching", "l0")
    assert "No job is watched in this channel" in all_text(empty)
    add_job(bot.fake_jobs, 2001, name="orders", status="job_running_exception")
    await run(bot, "watch 50320", "w1")
    await run(bot, "watch 2001", "w2", channel=CHANNEL)
    listing = await run(bot, "watching", "l1")
    text = all_text(listing)
    assert "my_job_001 (job 50320)*: Running since <!date^" in text
    assert "orders (job 2001)*: Running exception since" in text
    assert "watched by <@U0USER>" in text
    values = [b["accessory"]["value"] for b in listing["blocks"] if b.get("accessory")]
    assert [json.loads(v)["job_id"] for v in values] == [50320, 2001]


async def test_a_forged_or_stale_unwatch_button_changes_nothing(start_bot: StartJobbot) -> None:
    bot = await start_bot(**FAST)
    await run(bot, "watch 50320", "w")
    for n, value in enumerate(["garbage", '{"job_id": "x"}', '{"job_id": 50320, "admin": 1}', ""]):
        answer = await click(bot, "job_unwatch", value, f"forged{n}")
        assert "does not say which watched job" in all_text(answer)
    stale = await click(bot, "job_unwatch", '{"project": "", "job_id": 777}', "stale")
    assert "is not watched here" in all_text(stale)
    assert await live(bot) == [50320]


async def test_metrics_count_polls_requests_changes_and_replies(start_bot: StartJobbot) -> None:
    bot = await start_bot(**FAST)
    await run(bot, "watch 50320", "w")
    bot.fake_jobs.jobs[50320]["status"] = "job_running_exception"
    posted = 'jobbot_watch_notifications_total{outcome="posted"} 1.0'
    await wait_until(lambda: posted in bot.runtime.metrics.render().decode())
    await wait_until(lambda: "jobbot_watches_active 1.0" in bot.runtime.metrics.render().decode())
    text = bot.runtime.metrics.render().decode()
    assert 'jobbot_watch_changes_total{kind="change"} 1.0' in text
    assert 'jobbot_watch_requests_total{mode="job"}' in text
    assert "jobbot_watches_active 1.0" in text
