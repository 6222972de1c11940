"""Placeholder: the webhook dispatcher (issue 6) replaces this."""


class WebhookDispatcher:
    name = "webhook-dispatcher"

    def __init__(self, config, store, bus):
        self.config, self.store, self.bus = config, store, bus

    def start(self):
        pass

    def stop(self):
        pass

    def join(self, timeout=None):
        pass

    def is_alive(self):
        return True
