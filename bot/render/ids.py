"""Every Slack ID jobbot registers or sends, spelled once."""

from enum import StrEnum


class CallbackId(StrEnum):
    """Shortcut callback IDs (the manifest's `shortcuts[].callback_id`)."""

    JOB_DETAILS = "job_details"
    JOB_LOOKUP = "job_lookup"


class ViewId(StrEnum):
    """Callback IDs of the modals we open."""

    JOB_LOOKUP = "job_lookup_view"
    JOB_MORE = "job_more_view"


class ActionId(StrEnum):
    """Block Kit `action_id`s of the buttons and menus on our messages and views."""

    JOB_REFRESH = "job_refresh"
    JOB_LIST_PAGE = "job_list_page"
    JOB_SHOW = "job_show"
    JOB_PLAN = "job_plan"

    JOB_WATCH = "job_watch"
    JOB_UNWATCH = "job_unwatch"
    JOB_SHARE = "job_share"
    JOB_MORE = "job_more"
    JOB_MORE_PREVIOUS = "job_more_previous"
    JOB_MORE_NEXT = "job_more_next"
    LOOKUP_OPEN = "job_lookup_open"
    LOOKUP_CHANNEL = "job_lookup_channel"
    LOOKUP_WATCH = "job_lookup_watch"


class BlockId(StrEnum):
    """Block IDs we look blocks up by."""

    JOB_ACTIONS = "job_actions"
    LIST_PREVIOUS = "job_list_previous"
    LIST_NEXT = "job_list_next"

    WATCH_ACTIONS = "watch_actions"
    DETAILS_PAGES = "job_more_pages"
    HOME_ACTIONS = "job_home_actions"
    LOOKUP_INPUT = "job_lookup_input"
    LOOKUP_SHARE = "job_lookup_share"
    LOOKUP_PROJECT = "job_lookup_project"
    NOTICE = "job_notice"


class InputId(StrEnum):
    """`action_id`s of the inputs inside modals (they send no action of their own)."""

    LOOKUP_QUERY = "job_lookup_query"
    LOOKUP_PROJECT = "job_lookup_project_choice"
