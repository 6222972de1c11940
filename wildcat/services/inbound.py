"""Placeholder replaced by the inbound pipeline (issue 5)."""


class InboundPipeline:
    def __init__(self, store, bus):
        self.store, self.bus = store, bus

    def __call__(self, worker, event):
        pass
