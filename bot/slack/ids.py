"""Every Slack ID jobbot registers or sends, spelled once."""

from enum import StrEnum


class CallbackId(StrEnum):
    """Shortcut callback IDs (the manifest's `shortcuts[].callback_id`)."""

    JOB_DETAILS = "job_details"


class ActionId(StrEnum):
    """Block Kit `action_id`s of the buttons on our messages."""

    JOB_REFRESH = "job_refresh"
    JOB_LIST_PAGE = "job_list_page"
    JOB_SHOW = "job_show"
    JOB_PLAN = "job_plan"

    JOB_WATCH = "job_watch"
    JOB_UNWATCH = "job_unwatch"


class BlockId(StrEnum):
    """Block IDs we look blocks up by."""

    JOB_ACTIONS = "job_actions"
    LIST_PREVIOUS = "job_list_previous"
    LIST_NEXT = "job_list_next"

    WATCH_ACTIONS = "watch_actions"
