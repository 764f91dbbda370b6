"""build_app: the one place handlers are registered and services created."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta

from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest

from bot.channels.opened import open_channels, serve_channels
from bot.channels.telegram.context import AppContext, AppType, BotData, FollowupApplication
from bot.channels.telegram.conversations.broadcast import on_broadcast, on_broadcast_button
from bot.channels.telegram.conversations.complaint import on_case_button, on_complain, on_praise
from bot.channels.telegram.conversations.consent import on_enrol_button
from bot.channels.telegram.conversations.reexam_date import on_visit_date_button
from bot.channels.telegram.conversations.survey import on_survey_button
from bot.channels.telegram.conversations.template_edit import (
    on_edit,
    on_history,
    on_rollback,
    on_template,
    on_template_button,
    on_templates,
)
from bot.channels.telegram.flood import PacedLimiter
from bot.channels.telegram.handlers.answers import on_answer_button
from bot.channels.telegram.handlers.audit import on_audit
from bot.channels.telegram.handlers.call_reports import on_call_review_button
from bot.channels.telegram.handlers.calls import on_call_button, on_calls
from bot.channels.telegram.handlers.case_comments import on_comment
from bot.channels.telegram.handlers.case_patient import on_handling_answer
from bot.channels.telegram.handlers.case_staff import on_case_staff_button, on_staff_group_text
from bot.channels.telegram.handlers.cases import on_case_ack
from bot.channels.telegram.handlers.charts import on_chart
from bot.channels.telegram.handlers.death_reports import on_death_report
from bot.channels.telegram.handlers.errors import on_error
from bot.channels.telegram.handlers.language import on_language, on_language_button
from bot.channels.telegram.handlers.medicines import on_stop_medicine
from bot.channels.telegram.handlers.patient_facts import on_deceased, on_dispute, on_fact_button
from bot.channels.telegram.handlers.patient_media import on_private_media
from bot.channels.telegram.handlers.phone_relay import on_relay_button, on_relay_text
from bot.channels.telegram.handlers.plans import on_plan, on_plan_step, on_plans, with_saved_changes
from bot.channels.telegram.handlers.red_flags import on_red_flag_button, on_red_flag_note
from bot.channels.telegram.handlers.report import on_report
from bot.channels.telegram.handlers.staff import on_invite
from bot.channels.telegram.handlers.start import on_help, on_private_text, on_start
from bot.channels.telegram.handlers.stats import on_stats
from bot.channels.telegram.handlers.stats_drill import on_drill
from bot.channels.telegram.handlers.stop import on_stop, on_stop_button
from bot.channels.telegram.http_request import AiohttpRequest
from bot.channels.telegram.jobs import on_dispatch_job, on_worklist_job
from bot.channels.telegram.menus import set_menus
from bot.channels.telegram.staff_desk import TelegramStaffDesk
from bot.channels.telegram.update_order import RUNNING, ChatOrderedUpdates, FetchedUpdates
from bot.channels.text.channel import TextLine
from bot.dispatch.compose import MessageComposer, SurveyBook
from bot.dispatch.dispatcher import DispatchConfig, Dispatcher
from bot.dispatch.send_path import ChannelSender
from bot.domain.choices import ANSWER_CHOICES, Prefix, pattern
from bot.domain.clock import Clock, SystemClock
from bot.domain.plans.model import parse_duration
from bot.domain.schedule import SendPolicy
from bot.services.container import Services
from bot.services.planning import Scheduling, holiday_warning, load_scheduling
from bot.services.template_edits import load_overrides, load_samples
from bot.settings import Settings
from bot.storage import migrate
from bot.storage.start_check import StartCheck
from bot.storage.store import Store
from bot.templating import Renderer

log = logging.getLogger(__name__)
STAFF_LANE_CLOSE = 30.0  # seconds a stop waits for the staff posts still queued
HTTP_POOL_SIZE = 48  # the dispatcher keeps at most 32 requests open; handlers use the rest
WORKLIST_FIRST = 5.0  # seconds after start: the first sends and updates go before it


def log_holiday_warning(scheduling: Scheduling, today: date) -> None:
    """Warn in the log when authoritative holiday data runs out within 60 days."""
    warning = holiday_warning(scheduling, today)
    if warning is None:
        return
    log.warning(
        "public-holiday data from the State Council's notices %s on %s: add "
        "messages/holidays/%d.txt (FOLLOWUP_HOLIDAYS_DIR) or upgrade chinese-calendar; "
        "until then %d's holidays are the holidays package's estimates, without 调休 days",
        "ends" if warning.days_left >= 0 else "ended",
        warning.last_day,
        warning.next_year,
        warning.next_year,
    )


def build_app(
    settings: Settings,
    *,
    clock: Clock | None = None,
    request: BaseRequest | None = None,
    rate_limit: bool = True,
    text_line: TextLine | None = None,
    wechat_listen: str | None = None,
    web_listen: str | None = None,
    start_check: StartCheck | None = None,
) -> AppType:
    """Build the Application; services are opened in post_init and closed in post_shutdown.

    Every configured channel is built: Telegram always (the staff group is there), WeChat
    when FOLLOWUP_WECHAT_APP_ID is set, its callbacks served on `wechat_listen` (HOST:PORT);
    the web pages (SMS contacts' messages) when FOLLOWUP_PUBLIC_URL and FOLLOWUP_WEB_SECRET are
    set, served on `web_listen`. `start_check` (bot.storage.start_check) holds the
    dispatcher until the SQLite file is found sound after an unclean stop.
    """
    chosen_clock = clock or SystemClock()
    hospital = settings.require_hospital_name()
    renderer = Renderer()
    scheduling = load_scheduling(settings, renderer)
    if web_listen is not None or settings.sms_configured:
        settings.require_web()  # the pages need their URL and secret: say so before starting
    if settings.sms_configured:
        settings.require_sms()  # every FOLLOWUP_SMS_* needed, named before starting

    limiter = PacedLimiter()

    async def post_init(app: AppType) -> None:
        store = Store.open(settings.database_url)
        await migrate.upgrade(store.engine)
        surveys = SurveyBook(scheduling.surveys, scheduling.survey_expiry, scheduling.zone)
        composer = MessageComposer(
            store, renderer, hospital, chosen_clock, surveys, settings.locale
        )
        opened = open_channels(
            settings, store, renderer, chosen_clock, app.bot, scheduling.policy, text_line
        )
        channels, pacers = opened.channels, opened.pacers
        limiter.attach(opened.default_pacer)  # messages sent around the send path take turns
        dispatcher = Dispatcher(
            store,
            composer,
            channels,
            chosen_clock,
            opened.default_pacer,
            dispatch_config(settings, scheduling.policy),
            pacers,
        )
        current = await with_saved_changes(store, scheduling, renderer)
        sender = ChannelSender(channels, store, chosen_clock, pacers)
        desk = TelegramStaffDesk(app.bot, settings, store, renderer, chosen_clock, sender)
        app.bot_data.services = Services(
            settings,
            store,
            renderer,
            chosen_clock,
            current,
            dispatcher,
            sender,
            desk,
            load_samples(),
            start_check=start_check or StartCheck.not_needed(),
        )
        # read the worklist now: a mistake in its rules stops start-up
        opened.phone.connect(desk, app.bot_data.services.worklist)
        await load_overrides(store, renderer)
        await set_menus(app.bot, store, renderer, settings.locale)
        app.bot_data.wechat, app.bot_data.web, app.bot_data.sms = (
            opened.wechat,
            opened.web,
            opened.sms,
        )
        await serve_channels(opened, app.bot_data.services, wechat_listen, web_listen)
        log_holiday_warning(scheduling, chosen_clock.now().date())
        if app.job_queue is not None:
            schedule_jobs(app, settings.dispatch_interval)

    async def post_shutdown(app: AppType) -> None:
        if app.bot_data.web is not None:  # no page is served once the store is closed
            await app.bot_data.web.close()
            app.bot_data.web = None
        if app.bot_data.sms is not None:
            await app.bot_data.sms.close()
            app.bot_data.sms = None
        if app.bot_data.wechat is not None:  # its callbacks finish before the store closes
            await app.bot_data.wechat.close()
            app.bot_data.wechat = None
        if app.bot_data.services is not None:
            services = app.bot_data.services
            await services.staff_lane.close(STAFF_LANE_CLOSE)  # the sweep posts what is left
            await services.store.leases.release(services.dispatcher.owner)  # others take over
            await services.store.close()
            app.bot_data.services = None

    builder = (
        ApplicationBuilder()
        .application_class(FollowupApplication)
        .token(settings.require_token())
        .base_url(settings.telegram_base_url)
        .context_types(ContextTypes(context=AppContext, bot_data=BotData))
        .post_init(post_init)
        .post_shutdown(post_shutdown)
        .concurrent_updates(ChatOrderedUpdates(updates_at_once(settings.database_url)))
        .update_queue(FetchedUpdates())
    )
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    else:
        builder = builder.request(AiohttpRequest(HTTP_POOL_SIZE))
        builder = builder.get_updates_request(AiohttpRequest(1))
    if rate_limit:
        builder = builder.rate_limiter(limiter)  # type: ignore[arg-type]  # builder starts untyped
    app: AppType = builder.build()  # type: ignore[assignment]
    register_handlers(app, settings.staff_chat_id)
    return app


def updates_at_once(database_url: str) -> int:
    """Updates of different chats handled side by side: on PostgreSQL several; on SQLite one,
    since every transaction there takes the one write lock and waiting for it (SQLite's busy
    sleeps) cost more than running side by side saved (benchmarks.interactive_latency)."""
    return 1 if database_url.startswith("sqlite") else RUNNING


def schedule_jobs(app: AppType, interval: float) -> None:
    """Run the dispatcher as soon as the bot starts, then every interval; the worklist's
    upkeep in its own job a little later, so that sending never waits for it."""
    assert app.job_queue is not None
    once = {"max_instances": 1, "coalesce": True, "misfire_grace_time": 60}
    # APScheduler runs an interval job first one interval after its start (`first=0` does
    # not help); a first run time given to it is kept, and is due once the JobQueue starts
    right_away = {**once, "next_run_time": datetime.now(UTC)}
    app.job_queue.run_repeating(
        on_dispatch_job, interval=interval, name="dispatch", job_kwargs=right_away
    )
    app.job_queue.run_repeating(
        on_worklist_job, interval=interval, first=WORKLIST_FIRST, name="worklist", job_kwargs=once
    )


def dispatch_config(settings: Settings, windows: SendPolicy) -> DispatchConfig:
    """Size batches and leases so a batch is always sent well inside its lease."""
    batch = max(10, int(settings.rate * settings.dispatch_interval * 2))
    lease = timedelta(seconds=max(settings.lease_seconds, 4 * batch / settings.rate))
    return DispatchConfig(batch, lease, parse_duration(settings.catch_up), windows)


def register_handlers(app: Application, staff_chat_id: int | None) -> None:  # type: ignore[type-arg]
    """Register every handler, private-chat ones limited to private chats."""
    private = filters.ChatType.PRIVATE
    app.add_handler(CommandHandler("start", on_start, filters=private))
    app.add_handler(CommandHandler("help", on_help, filters=private))
    app.add_handler(CommandHandler("stop", on_stop, filters=private))
    app.add_handler(CommandHandler("language", on_language, filters=private))
    app.add_handler(CallbackQueryHandler(on_language_button, pattern=pattern(Prefix.LANGUAGE)))
    app.add_handler(CommandHandler("invite", on_invite, filters=private))
    app.add_handler(CommandHandler("deceased", on_deceased, filters=private))
    app.add_handler(CommandHandler("dispute", on_dispute, filters=private))
    app.add_handler(CallbackQueryHandler(on_fact_button, pattern=pattern(Prefix.FACT)))
    app.add_handler(CommandHandler("calls", on_calls, filters=private))
    app.add_handler(CallbackQueryHandler(on_call_button, pattern=pattern(Prefix.CALL)))
    app.add_handler(CommandHandler("stats", on_stats, filters=private))
    app.add_handler(CommandHandler("report", on_report, filters=private))
    app.add_handler(CommandHandler("chart", on_chart, filters=private))
    app.add_handler(CommandHandler("comment", on_comment, filters=private))
    app.add_handler(CommandHandler("audit", on_audit, filters=private))
    app.add_handler(CallbackQueryHandler(on_drill, pattern=pattern(Prefix.DRILL)))
    # until /calls routes its words: /calls stats and /calls sample N
    app.add_handler(
        CallbackQueryHandler(on_call_review_button, pattern=pattern(Prefix.CALL_REVIEW))
    )
    for name, callback in (
        ("templates", on_templates),
        ("template", on_template),
        ("edit", on_edit),
        ("history", on_history),
        ("rollback", on_rollback),
    ):
        app.add_handler(CommandHandler(name, callback, filters=private))
    app.add_handler(CallbackQueryHandler(on_template_button, pattern=pattern(Prefix.TEMPLATE)))
    app.add_handler(CommandHandler("broadcast", on_broadcast, filters=private))
    app.add_handler(CommandHandler("plans", on_plans, filters=private))
    app.add_handler(CommandHandler("plan", on_plan, filters=private))
    app.add_handler(CommandHandler("planstep", on_plan_step, filters=private))
    app.add_handler(CallbackQueryHandler(on_broadcast_button, pattern=pattern(Prefix.BROADCAST)))
    app.add_handler(CommandHandler("complain", on_complain, filters=private))
    app.add_handler(CommandHandler("praise", on_praise, filters=private))
    app.add_handler(CallbackQueryHandler(on_case_button, pattern=pattern(Prefix.CASE_PATIENT)))
    app.add_handler(CallbackQueryHandler(on_case_staff_button, pattern=pattern(Prefix.CASE_STAFF)))
    app.add_handler(CallbackQueryHandler(on_handling_answer, pattern=pattern(Prefix.HANDLING)))
    app.add_handler(CallbackQueryHandler(on_enrol_button, pattern=pattern(Prefix.ENROL)))
    app.add_handler(CallbackQueryHandler(on_stop_button, pattern=pattern(Prefix.STOP)))
    app.add_handler(CallbackQueryHandler(on_answer_button, pattern=pattern(*ANSWER_CHOICES)))
    app.add_handler(CallbackQueryHandler(on_visit_date_button, pattern=pattern(Prefix.VISIT_DATE)))
    app.add_handler(CommandHandler("stopmed", on_stop_medicine, filters=private))
    app.add_handler(CallbackQueryHandler(on_survey_button, pattern=pattern(Prefix.SURVEY)))
    app.add_handler(CallbackQueryHandler(on_case_ack, pattern=pattern(Prefix.CASE_ACK)))
    app.add_handler(CallbackQueryHandler(on_red_flag_button, pattern=pattern(Prefix.RED_FLAG)))
    app.add_handler(CallbackQueryHandler(on_death_report, pattern=pattern(Prefix.DEATH_REPORT)))
    app.add_handler(CallbackQueryHandler(on_relay_button, pattern=pattern(Prefix.PHONE_RELAY)))
    # a nurse on a call types the patient's words: looked at before the private-chat handlers
    relayed = private & filters.TEXT & ~filters.COMMAND
    app.add_handler(MessageHandler(relayed, on_relay_text), group=-1)
    app.add_handler(MessageHandler(private & filters.TEXT & ~filters.COMMAND, on_private_text))
    app.add_handler(MessageHandler(private & filters.COMMAND, on_help))  # unknown commands
    anything_else = private & ~filters.TEXT & ~filters.StatusUpdate.ALL
    app.add_handler(MessageHandler(anything_else, on_private_media))  # voice, photos, files…
    if staff_chat_id is not None:
        staff_texts = filters.Chat(staff_chat_id) & filters.TEXT & ~filters.COMMAND
        # a reply to a red flag's note prompt is its note: looked at before the case threads
        app.add_handler(MessageHandler(staff_texts & filters.REPLY, on_red_flag_note), group=-1)
        staff_says = filters.Chat(staff_chat_id) & (filters.TEXT | filters.ATTACHMENT)
        staff_says &= ~filters.COMMAND
        app.add_handler(MessageHandler(staff_says, on_staff_group_text))
    app.add_error_handler(on_error)
