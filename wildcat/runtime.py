"""The objects one server process runs on: config, store, driver, event bus, threads."""
import logging

from wildcat.events import EventBus

log = logging.getLogger(__name__)


def make_driver(config):
    """The driver WILDCAT_DRIVER names; neonize itself is only imported by session hosts."""
    if config.driver == "sandbox":
        from wildcat.drivers.sandbox import SandboxDriver
        return SandboxDriver()
    from workers.neonize.parent_driver import NeonizeDriver
    return NeonizeDriver(config)


class Runtime:
    """Built by create_app (no threads); `start()` once the server process exists."""

    def __init__(self, config, store, driver):
        from wildcat.capacity import account_capacity
        from wildcat.services.identity import IdentityBook
        from wildcat.services.inbound import InboundPipeline
        from wildcat.services.outbound import OutboundPipeline
        from wildcat.services.event_log import EventLog
        from wildcat.services.outbox import EventSink, Outbox
        from wildcat.services.rate_limit import SendRateLimiter
        from wildcat.services.send_pacing import SendPacer
        from wildcat.services.webhooks import WebhookRegistry
        from workers.instances import InstanceRegistry
        from workers.placement import Placement
        from workers.supervisor import Supervisor
        from workers.webhook_dispatcher import WebhookDispatcher

        self.config, self.store, self.driver = config, store, driver
        driver.bind_store(store)
        self.bus = EventBus()                          # in-process subscribers: /ws, metrics
        self.event_log = EventLog(config, store)     # every event, every process: /ws
        self.outbox = Outbox(store, WebhookRegistry(store), self.event_log)
        self.events = EventSink(self.outbox, self.bus)   # emit(): outbox write, then the bus
        self.send_limiter = SendRateLimiter(config.send_rate_per_minute)
        self.send_pacer = SendPacer(config.send_queue_limit)   # accounts with a sendPolicy
        self.identities = IdentityBook(store)          # LID <-> phone map (issue 11)
        self.inbound = InboundPipeline(store, self.events, identities=self.identities)
        self.outbound = OutboundPipeline(store, self.events)
        self.instances = InstanceRegistry(config, store)   # this process in the cluster
        self.placement = Placement(store, self.instances, config.instance_id,
                                   capacity=lambda: account_capacity(config))
        self.supervisor = Supervisor(config, store, driver, self.events, inbound=self.inbound,
                                     outbound=self.outbound, placement=self.placement)
        self.dispatcher = WebhookDispatcher(config, store, self.outbox, self.instances)
        self.started = False

    def start(self, address=None):
        """Start the threads; `address` is where other instances reach this one."""
        if self.started:
            return
        self.started = True
        log.info("starting WILDCAT (driver=%s, store=%s, instance=%s)", self.config.driver,
                 type(self.store).__name__, self.config.instance_id)
        self.instances.start(address)
        self.event_log.start()
        if not self.config.api_key:
            log.warning("WILDCAT_API_KEY is not set: the API is open to anyone who can reach it")
        self.dispatcher.start()
        self.supervisor.start()

    def forget_account(self, account_id):
        """Drop what this process keeps in memory for a deleted account."""
        self.send_limiter.forget(account_id)
        self.send_pacer.forget(account_id)
        self.identities.forget(account_id)

    def stop(self, timeout=15.0):
        if not self.started:
            return
        self.started = False
        self.send_pacer.close()
        self.instances.stop()            # first: the others stop counting this instance
        self.supervisor.stop(timeout)    # releases every lease: the others take them now
        self.dispatcher.stop()
        self.dispatcher.join(5)
        self.event_log.stop()
        self.event_log.join(2)
        self.instances.join(1)
        log.info("WILDCAT stopped")
